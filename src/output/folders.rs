//! Writing a staging site through open folders (Unix).
//!
//! A build writes tens of thousands of files, and on tmpfs or a warm disk the kernel's time per
//! file is mostly resolving its path. Opening each folder once and writing by name within it
//! (`openat`, `linkat`) resolves one name per file instead of a whole path, twice over when a
//! file is linked from the previous site.

use std::collections::HashMap;
use std::fs::File;
use std::io::{self, Read, Write};
use std::os::fd::OwnedFd;
use std::path::{Path, PathBuf};
use std::sync::RwLock;

use rustix::fs::{AtFlags, FileType, Mode, OFlags};

/// One folder of the site, open in the staging site and, when it exists there, in the site
/// this build replaces.
struct Folder {
    staging: OwnedFd,
    previous: Option<OwnedFd>,
}

/// The folders of a staging site, opened as files are first written into them.
pub(super) struct Folders {
    staging: PathBuf,
    previous: Option<PathBuf>,
    open: RwLock<HashMap<String, Folder>>,
}

impl Folders {
    /// The folders of the site being written at `staging`, replacing the site at `previous`.
    pub(super) fn new(staging: &Path, previous: Option<PathBuf>) -> Folders {
        Folders {
            staging: staging.to_path_buf(),
            previous,
            open: RwLock::new(HashMap::new()),
        }
    }

    /// Writes `bytes` at `rel`, linking the previous site's file instead when it holds exactly
    /// these bytes (see [`super::Staging`]); true when it was linked.
    pub(super) fn write(&self, rel: &str, bytes: &[u8]) -> io::Result<bool> {
        let (dir, name) = rel.rsplit_once('/').unwrap_or(("", rel));
        {
            let open = self.open.read().unwrap_or_else(|e| e.into_inner());
            if let Some(folder) = open.get(dir) {
                return write_in(folder, name, bytes);
            }
        }
        let folder = Folder {
            staging: open_dir(&self.staging.join(dir))?,
            previous: (self.previous.as_deref()).and_then(|p| open_dir(&p.join(dir)).ok()),
        };
        let written = write_in(&folder, name, bytes);
        let mut open = self.open.write().unwrap_or_else(|e| e.into_inner());
        open.entry(dir.to_string()).or_insert(folder);
        written
    }
}

fn open_dir(path: &Path) -> io::Result<OwnedFd> {
    let flags = OFlags::RDONLY | OFlags::DIRECTORY | OFlags::CLOEXEC;
    Ok(rustix::fs::open(path, flags, Mode::empty())?)
}

fn write_in(folder: &Folder, name: &str, bytes: &[u8]) -> io::Result<bool> {
    if let Some(previous) = &folder.previous
        && holds_exactly(previous, name, bytes)
        && rustix::fs::linkat(previous, name, &folder.staging, name, AtFlags::empty()).is_ok()
    {
        return Ok(true);
    }
    let flags = OFlags::WRONLY | OFlags::CREATE | OFlags::TRUNC | OFlags::CLOEXEC;
    let fd = rustix::fs::openat(&folder.staging, name, flags, Mode::from_raw_mode(0o666))?;
    File::from(fd).write_all(bytes)?;
    Ok(false)
}

/// Whether `name` in `dir` is a plain file that holds exactly `bytes` and that nothing else links
/// to (a file shared with another tree must not become part of the new site).
fn holds_exactly(dir: &OwnedFd, name: &str, bytes: &[u8]) -> bool {
    let flags = OFlags::RDONLY | OFlags::NOFOLLOW | OFlags::CLOEXEC;
    let Ok(fd) = rustix::fs::openat(dir, name, flags, Mode::empty()) else {
        return false;
    };
    let same_size = rustix::fs::fstat(&fd).is_ok_and(|stat| {
        FileType::from_raw_mode(stat.st_mode) == FileType::RegularFile
            && stat.st_nlink == 1
            && stat.st_size == bytes.len() as i64
    });
    if !same_size {
        return false;
    }
    // Sized from the file: read_to_end would ask the size again and probe for its end.
    let mut old = vec![0; bytes.len()];
    File::from(fd).read_exact(&mut old).is_ok() && old == bytes
}
