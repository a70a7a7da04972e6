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
                if entry.file_type().is_file() && is_markdown(entry.file_name()) {
                    let rel = relative(source, entry.path());
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

/// Whether a file name ends in `.md`, in any case (and is more than the extension).
fn is_markdown(name: &std::ffi::OsStr) -> bool {
    let name = name.as_encoded_bytes();
    name.len() > 3 && name[name.len() - 3..].eq_ignore_ascii_case(b".md")
}

/// `path` below `source`, with `/` separators. Walked paths are `source` joined with names, so
/// the prefix is cut as bytes rather than by comparing components (a fifth of discovery's time).
fn relative(source: &Path, path: &Path) -> String {
    let (source, full) = (source.as_os_str(), path.as_os_str());
    let rel = full
        .as_encoded_bytes()
        .strip_prefix(source.as_encoded_bytes())
        .map(|rest| {
            rest.strip_prefix(std::path::MAIN_SEPARATOR_STR.as_bytes())
                .unwrap_or(rest)
        });
    match rel {
        // Cut at a separator, so still a whole encoded string.
        Some(rest) if !source.is_empty() => {
            let rest = String::from_utf8_lossy(rest);
            if std::path::MAIN_SEPARATOR == '/' {
                rest.into_owned()
            } else {
                rest.replace(std::path::MAIN_SEPARATOR, "/")
            }
        }
        _ => path
            .strip_prefix(source)
            .unwrap_or(path)
            .components()
            .map(|c| c.as_os_str().to_string_lossy())
            .collect::<Vec<_>>()
            .join("/"),
    }
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

    #[test]
    fn relative_paths_use_slashes_whatever_the_source_looks_like() {
        let cases = [
            (".", "./a/b.md", "a/b.md"),
            ("articles", "articles/a/b.md", "a/b.md"),
            ("articles/", "articles/a/b.md", "a/b.md"),
            ("/abs/src", "/abs/src/x.md", "x.md"),
            ("a/./b", "a/./b/c/d.md", "c/d.md"),
        ];
        for (source, path, expected) in cases {
            assert_eq!(
                relative(Path::new(source), Path::new(path)),
                expected,
                "{source} {path}"
            );
        }
    }

    #[test]
    fn markdown_is_any_case_of_the_md_extension() {
        for (name, md) in [
            ("a.md", true),
            ("a.MD", true),
            ("a.Md", true),
            (".md", false),
        ] {
            assert_eq!(is_markdown(std::ffi::OsStr::new(name)), md, "{name}");
        }
        for name in ["a.mdx", "a.txt", "md", "a.m"] {
            assert!(!is_markdown(std::ffi::OsStr::new(name)), "{name}");
        }
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
