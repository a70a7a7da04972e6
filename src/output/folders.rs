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
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Mutex, RwLock};

use rustix::fs::{AtFlags, Dir, FileType, Mode, OFlags};
use rustix::io::Errno;

/// One folder of the site, open in the staging site and, when it exists there, in the site
/// this build replaces.
struct Folder {
    staging: OwnedFd,
    previous: Option<OwnedFd>,
    /// Files written into it so far.
    files: AtomicUsize,
}

/// The folders of a staging site, opened as files are first written into them.
pub(super) struct Folders {
    staging: PathBuf,
    previous: Option<PathBuf>,
    open: RwLock<HashMap<String, Folder>>,
    /// Cleared when the file system refuses a link (no hard links there): every file is then
    /// written without first reading the previous one.
    links_work: AtomicBool,
}

impl Folders {
    /// The folders of the site being written at `staging`, replacing the site at `previous`.
    pub(super) fn new(staging: &Path, previous: Option<PathBuf>) -> Folders {
        Folders {
            staging: staging.to_path_buf(),
            previous,
            open: RwLock::new(HashMap::new()),
            links_work: AtomicBool::new(true),
        }
    }

    /// Writes `bytes` at `rel`, linking the previous site's file instead when it holds exactly
    /// these bytes (see [`super::Staging`]); true when it was linked.
    pub(super) fn write(&self, rel: &str, bytes: &[u8]) -> io::Result<bool> {
        let (dir, name) = rel.rsplit_once('/').unwrap_or(("", rel));
        {
            let open = self.open.read().unwrap_or_else(|e| e.into_inner());
            if let Some(folder) = open.get(dir) {
                return self.write_in(folder, name, bytes);
            }
        }
        let flags = OFlags::RDONLY | OFlags::DIRECTORY | OFlags::CLOEXEC;
        let folder = Folder {
            staging: rustix::fs::open(self.staging.join(dir), flags, Mode::empty())?,
            previous: (self.previous.as_deref()).and_then(|p| open_below(p, dir).ok()),
            files: AtomicUsize::new(0),
        };
        let written = self.write_in(&folder, name, bytes);
        let mut open = self.open.write().unwrap_or_else(|e| e.into_inner());
        open.entry(dir.to_string()).or_insert(folder);
        written
    }

    fn write_in(&self, folder: &Folder, name: &str, bytes: &[u8]) -> io::Result<bool> {
        folder.files.fetch_add(1, Ordering::Relaxed);
        if let Some(previous) = &folder.previous
            && self.links_work.load(Ordering::Relaxed)
            && holds_exactly(previous, name, bytes)
        {
            match rustix::fs::linkat(previous, name, &folder.staging, name, AtFlags::empty()) {
                Ok(()) => return Ok(true),
                Err(_) => self.links_work.store(false, Ordering::Relaxed),
            }
        }
        let flags = OFlags::WRONLY | OFlags::CREATE | OFlags::TRUNC | OFlags::CLOEXEC;
        let fd = rustix::fs::openat(&folder.staging, name, flags, Mode::from_raw_mode(0o666))?;
        File::from(fd).write_all(bytes)?;
        Ok(false)
    }
}

impl Folders {
    /// The folders written into, the one with the most files first.
    pub(super) fn by_size(&self) -> Vec<String> {
        let open = self.open.read().unwrap_or_else(|e| e.into_inner());
        let mut folders: Vec<_> = open
            .iter()
            .map(|(rel, f)| (f.files.load(Ordering::Relaxed), rel.clone()))
            .collect();
        folders.sort_unstable_by(|a, b| b.cmp(a));
        folders.into_iter().map(|(_, rel)| rel).collect()
    }
}

/// Deletes the files (not the folders) of `folders` below `root`, the site just replaced: each
/// thread takes the next biggest folder. The kernel deletes from one folder at a time, so it is
/// folders that are shared out; by whole top-level folders, one thread was left deleting `api/`
/// alone for the last 10 ms of a corpus rebuild.
pub(super) fn remove_files(root: &Path, folders: &[String]) -> io::Result<()> {
    let next = AtomicUsize::new(0);
    let failed = Mutex::new(None);
    rayon::scope(|s| {
        for _ in 0..rayon::current_num_threads() {
            s.spawn(|_| {
                while let Some(rel) = folders.get(next.fetch_add(1, Ordering::Relaxed)) {
                    if let Err(e) = remove_files_in(root, rel) {
                        *failed.lock().unwrap_or_else(|e| e.into_inner()) = Some(e);
                        return;
                    }
                }
            });
        }
    });
    failed
        .into_inner()
        .unwrap_or_else(|e| e.into_inner())
        .map_or(Ok(()), Err)
}

fn remove_files_in(root: &Path, rel: &str) -> io::Result<()> {
    // A folder the previous site did not have, or not as a folder of its own.
    let Ok(folder) = open_below(root, rel) else {
        return Ok(());
    };
    for entry in Dir::read_from(&folder)? {
        let entry = entry?;
        let name = entry.file_name();
        if entry.file_type() == FileType::Directory || name == c"." || name == c".." {
            continue;
        }
        match rustix::fs::unlinkat(&folder, name, AtFlags::empty()) {
            // A folder the file system did not type in the listing.
            Ok(()) | Err(Errno::ISDIR) => {}
            Err(e) => return Err(e.into()),
        }
    }
    Ok(())
}

/// The folder `rel` below `root`, opened one name at a time without following symlinks: only
/// files of the previous site itself are linked, never files a symlink there points at.
fn open_below(root: &Path, rel: &str) -> io::Result<OwnedFd> {
    let flags = OFlags::RDONLY | OFlags::DIRECTORY | OFlags::CLOEXEC;
    let mut folder = rustix::fs::open(root, flags, Mode::empty())?;
    for name in rel.split('/').filter(|n| !n.is_empty()) {
        folder = rustix::fs::openat(&folder, name, flags | OFlags::NOFOLLOW, Mode::empty())?;
    }
    Ok(folder)
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
