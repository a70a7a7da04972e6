//! Reading an article file, and the hash of what was read (what a check's fix and the build
//! cache compare). How big a file may be: real articles are a few kilobytes (the largest of
//! 5,507 published ones is 85 KB); a huge file is a mistake (a log pasted in, a binary
//! renamed) and, past a limit, is not read at all so that memory stays bounded whatever the
//! tree holds.

use std::path::Path;

use rayon::prelude::*;
use xxhash_rust::xxh3::xxh3_128;

use crate::base::diagnostic::Diagnostic;
use crate::source::discover::SourceFile;

declare_rule! {
    /// The file is larger than 1 MiB.
    ///
    /// Why: the portal loads an article whole, readers scroll through it on one page, and no
    /// published article comes near this size; it is usually a pasted log or an embedded image.
    /// Example: a troubleshooting article with 20,000 lines of a memory dump.
    pub LARGE_FILE = ("SH013", "large-file", Warning);
}

declare_rule! {
    /// The file is larger than 64 MiB and is not read.
    ///
    /// Why: nothing that size is an article; reading it would only make the build slow and
    /// large in memory. The rest of the tree is still built.
    /// Example: a disk image saved with a `.md` name.
    pub FILE_TOO_LARGE = ("SH014", "file-too-large", Error);
}

/// Files above this are warned about.
pub const LARGE: u64 = 1 << 20;
/// Files above this are not read.
pub const TOO_LARGE: u64 = 64 << 20;

/// Reads an article file unless it is too large; a large one also gets a warning.
pub fn read(path: &Path) -> Result<(Vec<u8>, Option<Diagnostic>), Box<Diagnostic>> {
    let unreadable = |e: std::io::Error| {
        Diagnostic::new(
            crate::base::source_rules::FILE_UNREADABLE,
            path,
            format!("cannot be read: {e}"),
        )
    };
    // One open and one fstat: the size asked of the open file both bounds the read and sizes
    // the buffer (`fs::metadata` then `fs::read` was two stats and a path walk more per file).
    let mut file = std::fs::File::open(path).map_err(unreadable)?;
    let too_large = |size: u64| {
        Box::new(
            Diagnostic::new(
                FILE_TOO_LARGE,
                path,
                format!(
                    "{} MiB: larger than the 64 MiB limit, so it is not read",
                    size >> 20
                ),
            )
            .help("an article is a few kilobytes; check that this is the file you meant"),
        )
    };
    let size = file.metadata().map_err(unreadable)?.len();
    if size > TOO_LARGE {
        return Err(too_large(size));
    }
    // Read to the end, not to the size stat gave: a file that grew meanwhile is read whole,
    // up to the limit.
    let mut bytes = Vec::with_capacity(size as usize + 1);
    std::io::Read::read_to_end(
        &mut std::io::Read::take(&mut file, TOO_LARGE + 1),
        &mut bytes,
    )
    .map_err(unreadable)?;
    if bytes.len() as u64 > TOO_LARGE {
        return Err(too_large(bytes.len() as u64));
    }
    let warning = (bytes.len() as u64 > LARGE).then(|| {
        let mut d = Diagnostic::new(
            LARGE_FILE,
            path,
            format!(
                "{:.1} MiB: far larger than any article",
                bytes.len() as f64 / (1 << 20) as f64
            ),
        )
        .at(0..0)
        .help("move logs and data out of the article and link to them");
        d.start = Some(crate::base::diagnostic::LineCol { line: 1, column: 1 });
        d
    });
    Ok((bytes, warning))
}

/// The hash of a file as read: its bytes, or what kept it from being read.
pub fn digest(read: &Result<(Vec<u8>, Option<Diagnostic>), Box<Diagnostic>>) -> u128 {
    match read {
        Ok((bytes, _)) => digest_of(bytes),
        Err(unread) => xxh3_128(unread.message.as_bytes()) ^ 1,
    }
}

/// The hash of a file's bytes.
pub fn digest_of(bytes: &[u8]) -> u128 {
    xxh3_128(bytes)
}

/// Reads and hashes every file, in parallel.
pub fn digests(files: &[SourceFile]) -> Vec<u128> {
    files.par_iter().map(|f| digest(&read(&f.path))).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn small_files_are_read_silently_and_large_ones_warned_about() {
        let dir = tempfile::tempdir().unwrap();
        let small = dir.path().join("s.md");
        std::fs::write(&small, "x").unwrap();
        assert!(matches!(read(&small), Ok((b, None)) if b == b"x"));
        let large = dir.path().join("l.md");
        std::fs::write(&large, vec![b'a'; (LARGE + 1) as usize]).unwrap();
        let (_, warning) = read(&large).unwrap();
        assert_eq!(warning.unwrap().code, "SH013");
    }

    #[test]
    fn a_file_over_the_limit_is_not_read() {
        let dir = tempfile::tempdir().unwrap();
        let huge = dir.path().join("h.md");
        // A sparse file: its size is past the limit without writing 64 MiB.
        std::fs::File::create(&huge)
            .unwrap()
            .set_len(TOO_LARGE + 1)
            .unwrap();
        assert_eq!(read(&huge).unwrap_err().code, "SH014");
    }
}
