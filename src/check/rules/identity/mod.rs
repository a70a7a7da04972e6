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
    unknown_solution_article::check(library, out);
    long_file_name::check(sources, out);
    duplicate_file_name::check(sources, out);
}
