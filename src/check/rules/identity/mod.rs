//! Rules across articles (`SH2xx`) that run once every file is parsed: references between
//! articles and file names. (Duplicate articleIds and page URLs are found while the library is
//! built, see [`crate::source::library`].)

use crate::base::diagnostic::Diagnostic;
use crate::source::discover::SourceFile;
use crate::source::library::Library;

pub mod duplicate_file_name;
pub mod long_file_name;
pub mod removed_solution_article;
pub mod unknown_solution_article;

/// Runs every cross-article rule.
pub fn check(library: &Library, sources: &[SourceFile], out: &mut Vec<Diagnostic>) {
    // Each rule on its own core, their problems in the same order as one after the other.
    let (mut unknown, (mut long, mut duplicate)) = rayon::join(
        || {
            let mut found = Vec::new();
            unknown_solution_article::check(library, &mut found);
            found
        },
        || {
            rayon::join(
                || {
                    let mut found = Vec::new();
                    long_file_name::check(sources, &mut found);
                    found
                },
                || {
                    let mut found = Vec::new();
                    duplicate_file_name::check(sources, &mut found);
                    found
                },
            )
        },
    );
    out.append(&mut unknown);
    out.append(&mut long);
    out.append(&mut duplicate);
}
