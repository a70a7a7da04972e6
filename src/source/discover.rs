//! Finding the articles: every `*.md` below the source folder, sorted, hidden folders skipped,
//! on the `ignore` crate (ripgrep's walker): what `.gitignore` files ignore is left out (unless
//! `respect-gitignore = false`), and so is what the `exclude` globs of shelf.toml match.
//! Folders that cannot be read and symlink loops are reported, never fatal.
//!
//! Symlinks are followed while they stay inside the source folder. One that leads outside it
//! (`x.md -> /proc/self/environ`, `docs -> /etc`) is reported and not read, so that a tree from
//! a pull request cannot make shelf print or publish files of the machine that checks it;
//! `follow-outside-symlinks = true` in shelf.toml reads them anyway.

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use crate::base::diagnostic::Diagnostic;
use crate::base::source_rules as rules;

/// A file to parse.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SourceFile {
    /// Path as it can be opened (source folder joined with `rel`).
    pub path: PathBuf,
    /// Path below the source folder with `/` separators, e.g. `microsoft.compute/vm-restore.md`.
    pub rel: String,
}

/// Whether symlinks leading outside the source folder are read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum OutsideLinks {
    /// Reported and not read.
    #[default]
    Refuse,
    Follow,
}

/// What discovery leaves out, besides hidden files and folders.
#[derive(Debug, Clone, Default)]
pub struct Filters {
    pub outside_links: OutsideLinks,
    /// Honour `.gitignore` files (and `.git/info/exclude`).
    pub gitignore: bool,
    /// Globs of files to leave out, matched against paths relative to `root`.
    pub exclude: Option<globset::GlobSet>,
    pub root: PathBuf,
}

impl Filters {
    /// Everything found, nothing left out but hidden files (tests, benches).
    pub fn none() -> Filters {
        Filters::default()
    }

    /// Whether discovery would leave out the file `path` (`rel` below the source, with `/`):
    /// hidden, or matched by `exclude`. For a file learnt of after discovery (a document an
    /// editor opens); `.gitignore` is not read again for it.
    pub fn leaves_out(&self, path: &Path, rel: &str) -> bool {
        rel.split('/').any(|part| part.starts_with('.')) || self.excludes(path)
    }

    fn excludes(&self, path: &Path) -> bool {
        let Some(set) = &self.exclude else {
            return false;
        };
        let abs = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
        let root = std::path::absolute(&self.root).unwrap_or_else(|_| self.root.clone());
        set.is_match(abs.strip_prefix(&root).unwrap_or(&abs))
    }
}

/// Walks `source`; the files come back sorted by path, so every later stage is deterministic.
pub fn discover(source: &Path, filters: &Filters) -> (Vec<SourceFile>, Vec<Diagnostic>) {
    let mut files = Vec::new();
    let found = Arc::new(Mutex::new(Vec::new()));
    // Where the source really is, to tell where a link leads.
    let real_source = std::fs::canonicalize(source).ok();
    let walker = {
        let (found, filters) = (Arc::clone(&found), filters.clone());
        let mut builder = ignore::WalkBuilder::new(source);
        builder
            .follow_links(true)
            .hidden(true)
            .git_ignore(filters.gitignore)
            .git_exclude(filters.gitignore)
            .git_global(false)
            .require_git(false)
            .parents(filters.gitignore)
            .ignore(false)
            .sort_by_file_name(|a, b| a.cmp(b))
            .filter_entry(move |entry| {
                if entry.depth() == 0 {
                    return true;
                }
                if entry.path_is_symlink()
                    && filters.outside_links == OutsideLinks::Refuse
                    && let Some(leads_to) = leads_outside(entry.path(), real_source.as_deref())
                {
                    lock(&found).push(outside_link(entry.path(), &leads_to));
                    return false;
                }
                let is_dir = entry.file_type().is_some_and(|t| t.is_dir());
                is_dir || !filters.excludes(entry.path())
            });
        builder.build()
    };
    for entry in walker {
        match entry {
            Ok(entry) => {
                let is_file = entry.file_type().is_some_and(|t| t.is_file());
                if entry.depth() > 0 && is_file && is_markdown(entry.file_name()) {
                    let rel = relative(source, entry.path());
                    files.push(SourceFile {
                        path: entry.into_path(),
                        rel,
                    });
                }
            }
            Err(e) => {
                let (path, message) = walk_error(&e, source);
                lock(&found).push(Diagnostic::new(rules::FILE_UNREADABLE, &path, message));
            }
        }
    }
    let diagnostics = std::mem::take(&mut *lock(&found));
    (files, diagnostics)
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

/// The path and message of what kept the walk from a file or folder.
fn walk_error(e: &ignore::Error, source: &Path) -> (PathBuf, String) {
    match e {
        ignore::Error::WithPath { path, err } => {
            let (_, message) = walk_error(err, source);
            (path.clone(), message)
        }
        ignore::Error::WithDepth { err, .. } | ignore::Error::WithLineNumber { err, .. } => {
            walk_error(err, source)
        }
        ignore::Error::Loop { ancestor, child } => (
            child.clone(),
            format!(
                "symlink loop: this folder links back to {}; it is skipped",
                ancestor.display()
            ),
        ),
        ignore::Error::Io(io) => (source.to_path_buf(), format!("cannot be read: {io}")),
        other => (source.to_path_buf(), format!("cannot be read: {other}")),
    }
}

/// Where the symlink `path` leads when that is outside the folder `root` (or cannot be told).
fn leads_outside(path: &Path, root: Option<&Path>) -> Option<PathBuf> {
    let real = std::fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf());
    match root {
        Some(root) if real.starts_with(root) => None,
        _ => Some(real),
    }
}

fn outside_link(path: &Path, leads_to: &Path) -> Diagnostic {
    Diagnostic::new(
        rules::SYMLINK_OUTSIDE_SOURCE,
        path,
        format!(
            "this symlink leads outside the source folder, to {}; it is not read",
            leads_to.display()
        ),
    )
    .help(
        "copy the article into the source folder, or set `follow-outside-symlinks = true` in \
         shelf.toml if this tree is trusted",
    )
}

/// Whether a file name ends in `.md`, in any case (and is more than the extension).
pub fn is_markdown(name: &std::ffi::OsStr) -> bool {
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

/// Globs compiled for matching paths relative to the site root (`**` crosses folders).
pub fn glob_set(globs: &[String]) -> Result<globset::GlobSet, String> {
    let mut set = globset::GlobSetBuilder::new();
    for g in globs {
        let glob = globset::GlobBuilder::new(g.trim_start_matches("./"))
            .literal_separator(true)
            .build()
            .map_err(|e| format!("`{g}`: {e}"))?;
        set.add(glob);
    }
    set.build().map_err(|e| e.to_string())
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
        let (files, diags) = discover(root, &Filters::none());
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
    fn links_are_followed_inside_the_source_and_reported_outside_it() {
        use std::os::unix::fs::symlink;
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("src");
        let outside = dir.path().join("outside");
        fs::create_dir_all(root.join("real")).unwrap();
        fs::create_dir_all(&outside).unwrap();
        fs::write(root.join("real/a.md"), "a").unwrap();
        fs::write(outside.join("secret.md"), "s").unwrap();
        symlink(root.join("real/a.md"), root.join("alias.md")).unwrap();
        symlink(root.join("real"), root.join("linked")).unwrap();
        symlink(outside.join("secret.md"), root.join("leak.md")).unwrap();
        symlink(&outside, root.join("away")).unwrap();
        symlink("/proc/self/environ", root.join("environ.md")).unwrap();
        let (files, diags) = discover(&root, &Filters::none());
        let rels: Vec<_> = files.iter().map(|f| f.rel.as_str()).collect();
        assert_eq!(rels, ["alias.md", "linked/a.md", "real/a.md"]);
        let mut reported: Vec<_> = diags
            .iter()
            .map(|d| (d.code, d.file.file_name().unwrap().to_str().unwrap()))
            .collect();
        reported.sort();
        assert_eq!(
            reported,
            [
                ("SH015", "away"),
                ("SH015", "environ.md"),
                ("SH015", "leak.md")
            ]
        );
        let follow = Filters {
            outside_links: OutsideLinks::Follow,
            ..Filters::none()
        };
        let (files, diags) = discover(&root, &follow);
        assert_eq!(files.len(), 6, "{files:?}");
        assert!(diags.is_empty());
    }

    #[test]
    fn a_file_found_later_is_left_out_as_discovery_would() {
        let filters = Filters {
            exclude: Some(glob_set(&["legacy/**".into()]).unwrap()),
            root: PathBuf::from("/site"),
            ..Filters::none()
        };
        assert!(filters.leaves_out(Path::new("/site/legacy/a.md"), "legacy/a.md"));
        assert!(filters.leaves_out(Path::new("/site/.drafts/a.md"), ".drafts/a.md"));
        assert!(!filters.leaves_out(Path::new("/site/vm/a.md"), "vm/a.md"));
    }

    #[test]
    fn gitignored_and_excluded_files_are_left_out() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        for f in [
            "src/a.md",
            "src/drafts/b.md",
            "src/legacy/c.md",
            "src/legacy/keep/d.md",
            "src/e.md",
        ] {
            let p = root.join(f);
            fs::create_dir_all(p.parent().unwrap()).unwrap();
            fs::write(p, "x").unwrap();
        }
        fs::write(root.join(".gitignore"), "drafts/\n").unwrap();
        fs::write(root.join("src/.gitignore"), "e.md\n").unwrap();
        let filters = Filters {
            gitignore: true,
            exclude: Some(glob_set(&["src/legacy/*.md".into()]).unwrap()),
            root: root.to_path_buf(),
            ..Filters::none()
        };
        let (files, _) = discover(&root.join("src"), &filters);
        let rels: Vec<_> = files.iter().map(|f| f.rel.as_str()).collect();
        assert_eq!(rels, ["a.md", "legacy/keep/d.md"]);
        let (files, _) = discover(&root.join("src"), &Filters::none());
        assert_eq!(files.len(), 5);
    }

    #[cfg(unix)]
    #[test]
    fn symlink_loop_is_reported_not_fatal() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        fs::create_dir(root.join("a")).unwrap();
        fs::write(root.join("a/x.md"), "x").unwrap();
        std::os::unix::fs::symlink(root.join("a"), root.join("a/loop")).unwrap();
        let (files, diags) = discover(root, &Filters::none());
        assert_eq!(files.len(), 1);
        assert_eq!(diags.len(), 1);
        assert!(
            diags[0].message.contains("symlink loop"),
            "{}",
            diags[0].message
        );
    }
}
