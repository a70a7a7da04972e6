use std::path::Path;

use crate::base::diagnostic::Diagnostic;
use crate::source::discover::SourceFile;

declare_rule! {
    /// The file name is 80 characters or longer.
    ///
    /// Why: long names break Windows checkouts (260-character paths) and publishing tools with
    /// path limits; they are usually a page title pasted as a name.
    /// Example: `solution-yes---compound-index-does-not-currently-support-nested-documents-or-arrays-19.md`.
    pub LONG_FILE_NAME = ("SH204", "long-file-name", Warning);
}

pub const LIMIT: usize = 80;

pub fn check(sources: &[SourceFile], out: &mut Vec<Diagnostic>) {
    for f in sources {
        let name = file_name(&f.path);
        let len = name.chars().count();
        if len >= LIMIT {
            out.push(
                Diagnostic::new(
                    LONG_FILE_NAME,
                    &f.path,
                    format!(
                        "the file name is {len} characters long (limit {})",
                        LIMIT - 1
                    ),
                )
                .help("rename the file to a short, descriptive name"),
            );
        }
    }
}

pub fn file_name(path: &Path) -> String {
    path.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default()
}
