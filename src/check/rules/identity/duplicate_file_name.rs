use std::collections::HashMap;

use crate::base::diagnostic::Diagnostic;
use crate::source::discover::SourceFile;

use super::long_file_name::file_name;

declare_rule! {
    /// Two files in different folders have the same name (ignoring case).
    ///
    /// Why: tools and people that refer to articles by file name pick the wrong one, and
    /// moving folders together collides.
    /// Example: `microsoft.compute/restore.md` and `microsoft.storage/restore.md`.
    pub DUPLICATE_FILE_NAME = ("SH205", "duplicate-file-name", Warning);
}

pub fn check(sources: &[SourceFile], out: &mut Vec<Diagnostic>) {
    let mut first: HashMap<String, &SourceFile> = HashMap::new();
    for f in sources {
        let name = file_name(&f.path).to_lowercase();
        match first.get(&name) {
            Some(earlier) => out.push(
                Diagnostic::new(
                    DUPLICATE_FILE_NAME,
                    &f.path,
                    format!("another file has the same name: {}", earlier.rel),
                )
                .help("give each article a file name of its own"),
            ),
            None => {
                first.insert(name, f);
            }
        }
    }
}
