//! `shelf check --fix`: applies the safe fixes diagnostics carry.
//!
//! Only byte ranges named by fixes change: the BOM, line endings and every other byte of the
//! file stay as they were. A fix's spans are offsets into the bytes the check read, so they are
//! applied only to those bytes (compare and swap): the file is read again and its hash must be
//! the one the check saw, the result goes to a new file beside it (random name, `O_EXCL`, synced,
//! the old file's permission bits), the file is compared once more just before that new file is
//! renamed over it, and the folder is synced. A file saved by an editor while the check ran is
//! left alone and reported, never patched with offsets from another version.
//!
//! Links and permissions are kept, never silently broken: a symlinked article, a file with
//! several hard links and a read-only file are not rewritten (replacing them would turn the
//! link into a copy or ignore the read-only bit); each is reported with the fix left to do.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use crate::base::diagnostic::{Diagnostic, Fix};
use crate::base::nofollow::Dir;

/// The fixes applied to one file.
#[derive(Debug)]
pub struct Fixed {
    pub file: PathBuf,
    /// What each applied fix did, in file order.
    pub descriptions: Vec<String>,
}

/// A file with fixes that were not applied, and why.
#[derive(Debug, PartialEq, Eq)]
pub struct NotFixed {
    pub file: PathBuf,
    pub reason: String,
}

/// What [`apply`] did.
#[derive(Debug, Default)]
pub struct Applied {
    pub fixed: Vec<Fixed>,
    pub not_fixed: Vec<NotFixed>,
}

/// Applies every fix in `diagnostics`, file by file, to files whose bytes still hash to what
/// the check read (`read_as` gives that hash for a file, see [`crate::source::read::digest`]).
/// Overlapping fixes in one file are applied first come first; the later one waits for the next
/// run.
pub fn apply(diagnostics: &[Diagnostic], read_as: impl Fn(&Path) -> Option<u128>) -> Applied {
    let mut by_file: BTreeMap<&Path, Vec<&Fix>> = BTreeMap::new();
    for d in diagnostics {
        if let Some(fix) = &d.fix {
            by_file.entry(d.file.as_path()).or_default().push(fix);
        }
    }
    let mut applied = Applied::default();
    for (file, mut fixes) in by_file {
        fixes.sort_by_key(|f| (f.span.start, f.span.end));
        let Some(expected) = read_as(file) else {
            applied.not_fixed.push(NotFixed {
                file: file.to_path_buf(),
                reason: "it was not read by the check".into(),
            });
            continue;
        };
        match fix_file(file, expected, &fixes) {
            Ok(Some(descriptions)) => applied.fixed.push(Fixed {
                file: file.to_path_buf(),
                descriptions,
            }),
            Ok(None) => {}
            Err(reason) => applied.not_fixed.push(NotFixed {
                file: file.to_path_buf(),
                reason,
            }),
        }
    }
    applied
}

/// Rewrites `file` with `fixes` when it still holds the bytes hashing to `expected`; the
/// descriptions of the fixes applied, None when they changed nothing.
fn fix_file(file: &Path, expected: u128, fixes: &[&Fix]) -> Result<Option<Vec<String>>, String> {
    let meta = std::fs::symlink_metadata(file).map_err(|e| format!("cannot be read: {e}"))?;
    if meta.file_type().is_symlink() {
        let target =
            std::fs::read_link(file).map_or_else(|_| "?".into(), |t| t.display().to_string());
        return Err(format!(
            "it is a symlink (to {target}); --fix does not replace links with copies: fix the \
             file it points to"
        ));
    }
    if !meta.is_file() {
        return Err("it is not a plain file".into());
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        if meta.nlink() > 1 {
            return Err(format!(
                "it has {} hard links, which rewriting it would break: fix it by hand",
                meta.nlink()
            ));
        }
    }
    if meta.permissions().readonly() {
        return Err("it is read-only; make it writable to let --fix change it".into());
    }
    let (dir, name) = parent_and_name(file)?;
    let changed = || {
        "it changed since it was checked (saved by an editor?); run `shelf check --fix` again"
            .to_string()
    };
    let original = dir
        .read(&name)
        .map_err(|e| format!("cannot be read: {e}"))?;
    if crate::source::read::digest_of(&original) != expected {
        return Err(changed());
    }
    let (rewritten, descriptions) = rewrite(&original, fixes);
    if rewritten == original {
        return Ok(None);
    }
    #[cfg(unix)]
    let mode = {
        use std::os::unix::fs::PermissionsExt;
        Some(meta.permissions().mode() & 0o7777)
    };
    #[cfg(not(unix))]
    let mode = None;
    let temp = dir
        .create_temporary(&name, &rewritten, true, mode)
        .map_err(|e| format!("cannot be written: {e}"))?;
    // The last look before the swap: an editor's save since the first read wins.
    if dir.read(&name).ok().as_deref() != Some(original.as_slice()) {
        dir.discard_temporary(&temp);
        return Err(changed());
    }
    dir.commit_temporary(&temp, &name, true)
        .map_err(|e| format!("cannot be written: {e}"))?;
    Ok(Some(descriptions))
}

/// The folder holding `file`, opened, and the file's name in it.
fn parent_and_name(file: &Path) -> Result<(Dir, String), String> {
    let name = file
        .file_name()
        .and_then(|n| n.to_str())
        .ok_or_else(|| "its name is not UTF-8".to_string())?;
    let parent = match file.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    let dir = Dir::open(parent).map_err(|e| format!("its folder cannot be opened: {e}"))?;
    Ok((dir, name.to_string()))
}

/// One file's bytes with the fixes of `diagnostics` applied, in memory (every diagnostic is taken
/// to be about this file).
pub fn fixed_bytes(original: &[u8], diagnostics: &[Diagnostic]) -> Vec<u8> {
    let mut fixes: Vec<&Fix> = diagnostics.iter().filter_map(|d| d.fix.as_ref()).collect();
    fixes.sort_by_key(|f| (f.span.start, f.span.end));
    rewrite(original, &fixes).0
}

/// One file's text with every safe fix applied, as `--fix` would leave it, in memory: fixes are
/// applied until none is left (ten rounds at most), each round re-reading the text. `keep`
/// applies levels and suppressions (a rule turned off fixes nothing).
pub fn fixed_text(
    file: &Path,
    rel: &str,
    original: &[u8],
    keep: impl Fn(&mut Vec<Diagnostic>, &crate::check::rules::suppress::Suppressions),
) -> Vec<u8> {
    let mut text = original.to_vec();
    for _ in 0..10 {
        let mut parsed =
            crate::check::article::parse(file, rel, &text, crate::check::article::Mode::Check);
        keep(&mut parsed.diagnostics, &parsed.suppressions);
        let next = fixed_bytes(&text, &parsed.diagnostics);
        if next == text {
            break;
        }
        text = next;
    }
    text
}

/// `original` with `fixes` (sorted by position) applied; overlapping or out-of-range fixes are
/// skipped.
fn rewrite(original: &[u8], fixes: &[&Fix]) -> (Vec<u8>, Vec<String>) {
    let mut out = Vec::with_capacity(original.len());
    let mut descriptions = Vec::new();
    let mut copied = 0;
    for fix in fixes {
        if fix.span.start < copied || fix.span.end > original.len() || fix.span.start > fix.span.end
        {
            continue;
        }
        out.extend_from_slice(&original[copied..fix.span.start]);
        out.extend_from_slice(fix.replacement.as_bytes());
        copied = fix.span.end;
        descriptions.push(fix.description.clone());
    }
    out.extend_from_slice(&original[copied..]);
    (out, descriptions)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fix(span: std::ops::Range<usize>, replacement: &str) -> Fix {
        Fix {
            span,
            replacement: replacement.into(),
            description: replacement.into(),
        }
    }

    #[test]
    fn only_the_fixed_bytes_change() {
        let original = "\u{feff}a=\"x,,y\"\r\nb\r\n".as_bytes();
        let f = fix(6..10, "x,y");
        let (out, d) = rewrite(original, &[&f]);
        assert_eq!(out, "\u{feff}a=\"x,y\"\r\nb\r\n".as_bytes());
        assert_eq!(d, ["x,y"]);
    }

    /// A file `a.md` holding `text` in a new folder, and the fix that turns its `x,,y` into `x,y`.
    fn fixable(text: &str) -> (tempfile::TempDir, PathBuf, Diagnostic) {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("a.md");
        std::fs::write(&file, text).unwrap();
        let at = text.find("x,,y").unwrap();
        let mut d = Diagnostic::new(crate::check::rules::FILE_UNREADABLE, &file, "list");
        d.fix = Some(fix(at..at + 4, "x,y"));
        (dir, file, d)
    }

    fn hash_of(file: &Path) -> Option<u128> {
        Some(crate::source::read::digest_of(&std::fs::read(file).ok()?))
    }

    #[test]
    fn a_file_is_fixed_only_while_it_holds_the_bytes_that_were_checked() {
        let (_dir, file, d) = fixable("a=\"x,,y\"\n");
        let checked = hash_of(&file);
        let applied = apply(std::slice::from_ref(&d), |_| checked);
        assert_eq!(applied.fixed.len(), 1);
        assert_eq!(std::fs::read_to_string(&file).unwrap(), "a=\"x,y\"\n");

        // Saved again by an editor after the check: the offsets are another version's.
        let (_dir, file, d) = fixable("a=\"x,,y\"\n");
        let checked = hash_of(&file);
        std::fs::write(&file, "zz=\"x,,y\"\n").unwrap();
        let applied = apply(std::slice::from_ref(&d), |_| checked);
        assert!(applied.fixed.is_empty());
        assert!(
            applied.not_fixed[0].reason.contains("changed since"),
            "{:?}",
            applied.not_fixed
        );
        assert_eq!(std::fs::read_to_string(&file).unwrap(), "zz=\"x,,y\"\n");
        // Nothing is left beside it.
        assert_eq!(
            std::fs::read_dir(file.parent().unwrap()).unwrap().count(),
            1
        );
    }

    #[cfg(unix)]
    #[test]
    fn links_and_read_only_files_are_reported_not_rewritten() {
        use std::os::unix::fs::PermissionsExt;
        // A symlinked article.
        let (dir, real, d) = fixable("a=\"x,,y\"\n");
        let link = dir.path().join("link.md");
        std::os::unix::fs::symlink(&real, &link).unwrap();
        let mut on_link = d.clone();
        on_link.file = link.clone();
        let applied = apply(&[on_link], hash_of);
        assert!(applied.not_fixed[0].reason.contains("symlink"));
        assert!(
            std::fs::symlink_metadata(&link)
                .unwrap()
                .file_type()
                .is_symlink()
        );
        assert_eq!(std::fs::read_to_string(&real).unwrap(), "a=\"x,,y\"\n");

        // A file with a second hard link.
        std::fs::hard_link(&real, dir.path().join("twin.md")).unwrap();
        let applied = apply(std::slice::from_ref(&d), hash_of);
        assert!(applied.not_fixed[0].reason.contains("2 hard links"));
        std::fs::remove_file(dir.path().join("twin.md")).unwrap();

        // A read-only file.
        std::fs::set_permissions(&real, std::fs::Permissions::from_mode(0o444)).unwrap();
        let applied = apply(std::slice::from_ref(&d), hash_of);
        assert!(applied.not_fixed[0].reason.contains("read-only"));
        assert_eq!(std::fs::read_to_string(&real).unwrap(), "a=\"x,,y\"\n");

        // Permission bits survive a fix.
        std::fs::set_permissions(&real, std::fs::Permissions::from_mode(0o640)).unwrap();
        let applied = apply(std::slice::from_ref(&d), hash_of);
        assert_eq!(applied.fixed.len(), 1);
        let mode = std::fs::metadata(&real).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o640);
    }

    #[test]
    fn overlapping_fixes_apply_first_come() {
        let (a, b) = (fix(0..3, "A"), fix(2..4, "B"));
        let (out, d) = rewrite(b"abcdef", &[&a, &b]);
        assert_eq!(out, b"Adef");
        assert_eq!(d.len(), 1);
    }
}
