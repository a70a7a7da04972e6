//! `shelf check --fix`: applies the safe fixes diagnostics carry.
//!
//! Only byte ranges named by fixes change: the BOM, line endings and every other byte of the
//! file stay as they were. Each file is rewritten atomically (a temporary file beside it, then a
//! rename), so an interrupted run leaves either the old file or the new one, never half of each.

use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};

use crate::diagnostic::{Diagnostic, Fix};
use crate::error::Error;

/// The fixes applied to one file.
#[derive(Debug)]
pub struct Fixed {
    pub file: PathBuf,
    /// What each applied fix did, in file order.
    pub descriptions: Vec<String>,
}

/// Applies every fix in `diagnostics`, file by file. Overlapping fixes in one file are applied
/// first come first; the later one waits for the next run.
pub fn apply(diagnostics: &[Diagnostic]) -> Result<Vec<Fixed>, Error> {
    let mut by_file: BTreeMap<&Path, Vec<&Fix>> = BTreeMap::new();
    for d in diagnostics {
        if let Some(fix) = &d.fix {
            by_file.entry(d.file.as_path()).or_default().push(fix);
        }
    }
    let mut fixed = Vec::new();
    for (file, mut fixes) in by_file {
        let io = |source| Error::Io {
            path: file.to_path_buf(),
            source,
        };
        let original = std::fs::read(file).map_err(io)?;
        fixes.sort_by_key(|f| (f.span.start, f.span.end));
        let (rewritten, descriptions) = rewrite(&original, &fixes);
        if rewritten != original {
            write_atomically(file, &rewritten).map_err(io)?;
            fixed.push(Fixed {
                file: file.to_path_buf(),
                descriptions,
            });
        }
    }
    Ok(fixed)
}

/// One file's bytes with the fixes of `diagnostics` applied, in memory (every diagnostic is taken
/// to be about this file).
pub fn fixed_bytes(original: &[u8], diagnostics: &[Diagnostic]) -> Vec<u8> {
    let mut fixes: Vec<&Fix> = diagnostics.iter().filter_map(|d| d.fix.as_ref()).collect();
    fixes.sort_by_key(|f| (f.span.start, f.span.end));
    rewrite(original, &fixes).0
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

fn write_atomically(file: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let dir = file.parent().unwrap_or(Path::new("."));
    let name = file.file_name().unwrap_or_default().to_string_lossy();
    let temp = dir.join(format!(".{name}.shelf-fix.{}", std::process::id()));
    let result = (|| {
        let mut f = std::fs::File::create(&temp)?;
        f.write_all(bytes)?;
        f.sync_all()?;
        if let Ok(meta) = std::fs::metadata(file) {
            std::fs::set_permissions(&temp, meta.permissions())?;
        }
        std::fs::rename(&temp, file)
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&temp);
    }
    result
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

    #[test]
    fn overlapping_fixes_apply_first_come() {
        let (a, b) = (fix(0..3, "A"), fix(2..4, "B"));
        let (out, d) = rewrite(b"abcdef", &[&a, &b]);
        assert_eq!(out, b"Adef");
        assert_eq!(d.len(), 1);
    }
}
