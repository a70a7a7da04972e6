//! Finding the articles: every `*.md` below the source folder, sorted, hidden folders skipped.
//! Folders that cannot be read and symlink loops are reported, never fatal.

use std::path::{Path, PathBuf};

use walkdir::WalkDir;

use crate::diagnostic::Diagnostic;
use crate::rules;

/// A file to parse.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SourceFile {
    /// Path as it can be opened (source folder joined with `rel`).
    pub path: PathBuf,
    /// Path below the source folder with `/` separators, e.g. `microsoft.compute/vm-restore.md`.
    pub rel: String,
}

/// Walks `source`; the files come back sorted by path, so every later stage is deterministic.
pub fn discover(source: &Path) -> (Vec<SourceFile>, Vec<Diagnostic>) {
    let mut files = Vec::new();
    let mut diagnostics = Vec::new();
    let walker = WalkDir::new(source)
        .follow_links(true)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|e| e.depth() == 0 || !e.file_name().to_string_lossy().starts_with('.'));
    for entry in walker {
        match entry {
            Ok(entry) => {
                let is_md = entry
                    .path()
                    .extension()
                    .is_some_and(|x| x.eq_ignore_ascii_case("md"));
                if entry.file_type().is_file() && is_md {
                    let rel = entry
                        .path()
                        .strip_prefix(source)
                        .unwrap_or(entry.path())
                        .components()
                        .map(|c| c.as_os_str().to_string_lossy())
                        .collect::<Vec<_>>()
                        .join("/");
                    files.push(SourceFile {
                        path: entry.into_path(),
                        rel,
                    });
                }
            }
            Err(e) => {
                let path = e.path().unwrap_or(source).to_path_buf();
                let message = match e.loop_ancestor() {
                    Some(ancestor) => format!(
                        "symlink loop: this folder links back to {}; it is skipped",
                        ancestor.display()
                    ),
                    None => format!("cannot be read: {}", io_reason(&e)),
                };
                diagnostics.push(Diagnostic::new(rules::FILE_UNREADABLE, &path, message));
            }
        }
    }
    (files, diagnostics)
}

fn io_reason(e: &walkdir::Error) -> String {
    e.io_error()
        .map_or_else(|| e.to_string(), |io| io.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::fs;

    #[test]
    fn finds_markdown_sorted_and_skips_hidden() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        for f in [
            "b/z.md",
            "b/a.MD",
            "a.md",
            ".git/x.md",
            "b/.hidden/y.md",
            "b/notes.txt",
        ] {
            let p = root.join(f);
            fs::create_dir_all(p.parent().unwrap()).unwrap();
            fs::write(p, "x").unwrap();
        }
        let (files, diags) = discover(root);
        assert!(diags.is_empty());
        let rels: Vec<_> = files.iter().map(|f| f.rel.as_str()).collect();
        assert_eq!(rels, ["a.md", "b/a.MD", "b/z.md"]);
    }

    #[cfg(unix)]
    #[test]
    fn symlink_loop_is_reported_not_fatal() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        fs::create_dir(root.join("a")).unwrap();
        fs::write(root.join("a/x.md"), "x").unwrap();
        std::os::unix::fs::symlink(root.join("a"), root.join("a/loop")).unwrap();
        let (files, diags) = discover(root);
        assert_eq!(files.len(), 1);
        assert_eq!(diags.len(), 1);
        assert!(
            diags[0].message.contains("symlink loop"),
            "{}",
            diags[0].message
        );
    }
}
