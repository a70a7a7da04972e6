//! Writing a staging site through open folders (Unix).
//!
//! A build writes tens of thousands of files, and on tmpfs or a warm disk the kernel's time per
//! file is mostly resolving its path. Opening each folder once and writing by name within it
//! (`openat`, `linkat`) resolves one name per file instead of a whole path, twice over when a
//! file is linked from the previous site.
//!
//! The staging folder is either new or the site before the previous one, kept by the last
//! build and rebuilt here in place (see [`super::Staging`]). In a kept site, a file that is the
//! previous site's very file (the same inode, linked when the last build found it unchanged)
//! and holds the new bytes is left where it is: nothing is linked now, and nothing is deleted
//! when the previous site is set aside in turn. Every other name is replaced, and what this
//! build did not write is deleted before the swap.

use std::collections::{HashMap, HashSet};
use std::ffi::{CStr, CString};
use std::fs::File;
use std::io::{self, Read, Write};
use std::os::fd::OwnedFd;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Mutex, MutexGuard, RwLock};

use rustix::fs::{AtFlags, Dir, FileType, Mode, OFlags};
use rustix::io::Errno;
// Fast hashing of the site's own file names; they come from shelf and its previous site.
use rustc_hash::{FxHashMap, FxHashSet};

/// One folder of the site, open in the staging site and, when it exists there, in the site
/// this build replaces.
struct Folder {
    staging: OwnedFd,
    previous: Option<OwnedFd>,
    /// Files written into it so far.
    files: AtomicUsize,
    /// In a kept site: the previous site's files here, name to inode, read in one listing.
    previous_inodes: FxHashMap<Box<[u8]>, u64>,
    /// In a kept site: the names written, so that the others can be deleted.
    written: Mutex<Vec<Box<str>>>,
}

/// The folders of a staging site, opened as files are first written into them.
pub(super) struct Folders {
    staging: PathBuf,
    previous: Option<PathBuf>,
    /// The staging folder is a kept site rebuilt in place.
    kept: bool,
    open: RwLock<HashMap<String, Folder>>,
    /// In a kept site: the folders made for this build, kept with those written into.
    made: Mutex<Vec<String>>,
    /// Cleared when the file system refuses a link (no hard links there): every file is then
    /// written without first reading the previous one.
    links_work: AtomicBool,
}

/// What a kept site holds under a name about to be written.
enum Kept {
    /// The previous site's own file, with the bytes about to be written.
    Same,
    Nothing,
    /// Anything else, to be deleted first.
    Other,
}

impl Folders {
    /// The folders of the site being written at `staging`, replacing the site at `previous`;
    /// `kept` when `staging` holds a site kept from an earlier build, rebuilt in place.
    pub(super) fn new(staging: &Path, previous: Option<PathBuf>, kept: bool) -> Folders {
        Folders {
            staging: staging.to_path_buf(),
            previous,
            kept,
            open: RwLock::new(HashMap::new()),
            made: Mutex::new(Vec::new()),
            links_work: AtomicBool::new(true),
        }
    }

    /// Makes the folder `rel` (and those above it) in the staging site. In a kept site, a file
    /// or symlink where a folder goes is replaced, so that nothing is written through it.
    pub(super) fn make_dir(&self, rel: &str) -> io::Result<()> {
        if !self.kept {
            return std::fs::create_dir_all(self.staging.join(rel));
        }
        lock(&self.made).push(rel.to_string());
        let mut path = self.staging.clone();
        for name in rel.split('/').filter(|n| !n.is_empty()) {
            path.push(name);
            match std::fs::symlink_metadata(&path) {
                Ok(meta) if meta.is_dir() => continue,
                Ok(_) => std::fs::remove_file(&path)?,
                Err(e) if e.kind() == io::ErrorKind::NotFound => {}
                Err(e) => return Err(e),
            }
            std::fs::create_dir(&path)?;
        }
        Ok(())
    }

    /// Writes `bytes` at `rel`, linking the previous site's file instead when it holds exactly
    /// these bytes (see [`super::Staging`]); true when it was linked.
    pub(super) fn write(&self, rel: &str, bytes: &[u8]) -> io::Result<bool> {
        let (dir, name) = rel.rsplit_once('/').unwrap_or(("", rel));
        loop {
            {
                let open = self.open.read().unwrap_or_else(|e| e.into_inner());
                if let Some(folder) = open.get(dir) {
                    return self.write_in(folder, name, bytes);
                }
            }
            // Opened outside the lock (listing a big folder of the previous site takes a
            // while), and written into only once in the map: names written through a copy left
            // out of it would be taken for strays.
            let folder = self.open_folder(dir)?;
            let mut open = self.open.write().unwrap_or_else(|e| e.into_inner());
            open.entry(dir.to_string()).or_insert(folder);
        }
    }

    fn open_folder(&self, dir: &str) -> io::Result<Folder> {
        let previous = (self.previous.as_deref()).and_then(|p| open_below(p, dir).ok());
        let previous_inodes = match &previous {
            Some(previous) if self.kept => inodes(previous)?,
            _ => FxHashMap::default(),
        };
        Ok(Folder {
            staging: open_below(&self.staging, dir)?,
            previous,
            files: AtomicUsize::new(0),
            previous_inodes,
            written: Mutex::new(Vec::new()),
        })
    }

    fn write_in(&self, folder: &Folder, name: &str, bytes: &[u8]) -> io::Result<bool> {
        folder.files.fetch_add(1, Ordering::Relaxed);
        if self.kept {
            lock(&folder.written).push(name.into());
            match kept(folder, name, bytes) {
                Kept::Same => return Ok(true),
                Kept::Nothing => {}
                Kept::Other => remove(&folder.staging, name)?,
            }
        }
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

    /// In a kept site: deletes every file and folder this build did not write or make (the
    /// shelf marker `keep` at the top excepted), a folder per thread.
    pub(super) fn remove_strays(&self, keep: &str) -> io::Result<()> {
        use rayon::prelude::*;
        if !self.kept {
            return Ok(());
        }
        let open = self.open.read().unwrap_or_else(|e| e.into_inner());
        let made = lock(&self.made);
        let mut site = HashSet::new();
        for rel in open.keys().chain(made.iter()) {
            // The folder and those above it, up to the top ("").
            let mut rel = rel.as_str();
            while site.insert(rel) && !rel.is_empty() {
                rel = rel.rsplit_once('/').map_or("", |(up, _)| up);
            }
        }
        site.insert("");
        // Biggest first, so that no thread is left sweeping a big folder alone at the end.
        let mut folders: Vec<(usize, &str)> = (site.iter())
            .map(|&rel| {
                (
                    open.get(rel).map_or(0, |f| f.files.load(Ordering::Relaxed)),
                    rel,
                )
            })
            .collect();
        folders.sort_unstable_by(|a, b| b.cmp(a));
        folders.par_iter().try_for_each(|&(files, rel)| {
            let names = open.get(rel).map(|f| lock(&f.written));
            let mut written = FxHashSet::with_capacity_and_hasher(files, Default::default());
            written.extend(names.iter().flat_map(|n| n.iter()).map(|n| &**n));
            let folder = open_below(&self.staging, rel)?;
            let wanted = |name: &str, is_dir: bool| {
                if is_dir {
                    let child = if rel.is_empty() {
                        name.to_string()
                    } else {
                        format!("{rel}/{name}")
                    };
                    site.contains(child.as_str())
                } else {
                    written.contains(name) || (rel.is_empty() && name == keep)
                }
            };
            // shelf writes no name that is not UTF-8.
            let strays = entries(&folder, |name, is_dir| {
                !name.to_str().is_ok_and(|name| wanted(name, is_dir))
            })?;
            for stray in strays {
                remove(&folder, stray.as_c_str())?;
            }
            Ok(())
        })
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
    let Ok(file) = open_file(dir, name) else {
        return false;
    };
    let alone = rustix::fs::fstat(&file).is_ok_and(|stat| {
        FileType::from_raw_mode(stat.st_mode) == FileType::RegularFile
            && stat.st_nlink == 1
            && stat.st_size == bytes.len() as i64
    });
    alone && same_bytes(file, bytes)
}

/// What the kept site being rebuilt holds at `name` in `folder`: the previous site's own file
/// (linked from it by the last build, and linked nowhere else) holding `bytes` is kept.
fn kept(folder: &Folder, name: &str, bytes: &[u8]) -> Kept {
    let file = match open_file(&folder.staging, name) {
        Ok(file) => file,
        Err(Errno::NOENT) => return Kept::Nothing,
        Err(_) => return Kept::Other,
    };
    let previous_file = rustix::fs::fstat(&file).is_ok_and(|stat| {
        FileType::from_raw_mode(stat.st_mode) == FileType::RegularFile
            && stat.st_nlink == 2
            && folder.previous_inodes.get(name.as_bytes()) == Some(&stat.st_ino)
            && stat.st_size == bytes.len() as i64
    });
    if previous_file && same_bytes(file, bytes) {
        Kept::Same
    } else {
        Kept::Other
    }
}

/// Opens `name` in `dir` to read, not following a symlink and not waiting on a FIFO.
fn open_file(dir: &OwnedFd, name: &str) -> Result<OwnedFd, Errno> {
    let flags = OFlags::RDONLY | OFlags::NOFOLLOW | OFlags::NONBLOCK | OFlags::CLOEXEC;
    rustix::fs::openat(dir, name, flags, Mode::empty())
}

/// Whether `file`, already known to be `bytes.len()` long, holds `bytes`.
fn same_bytes(file: OwnedFd, bytes: &[u8]) -> bool {
    // Sized from the file: read_to_end would ask the size again and probe for its end.
    let mut old = vec![0; bytes.len()];
    File::from(file).read_exact(&mut old).is_ok() && old == bytes
}

/// The entries of the folder `dir` (not `.` and `..`) that `pick` picks, given each name and
/// whether it is a folder.
fn entries(dir: &OwnedFd, pick: impl Fn(&CStr, bool) -> bool) -> io::Result<Vec<CString>> {
    let mut picked = Vec::new();
    for entry in Dir::read_from(dir)? {
        let entry = entry?;
        let name = entry.file_name();
        if name == c"." || name == c".." {
            continue;
        }
        let is_dir = match entry.file_type() {
            // Some file systems leave the type out of listings.
            FileType::Unknown => rustix::fs::statat(dir, name, AtFlags::SYMLINK_NOFOLLOW)
                .is_ok_and(|s| FileType::from_raw_mode(s.st_mode) == FileType::Directory),
            t => t == FileType::Directory,
        };
        if pick(name, is_dir) {
            picked.push(name.to_owned());
        }
    }
    Ok(picked)
}

/// The previous site's files in the folder `dir`, name to inode.
fn inodes(dir: &OwnedFd) -> io::Result<FxHashMap<Box<[u8]>, u64>> {
    let mut found = FxHashMap::default();
    for entry in Dir::read_from(dir)? {
        let entry = entry?;
        found.insert(entry.file_name().to_bytes().into(), entry.ino());
    }
    Ok(found)
}

/// Deletes `name` in `dir`, whatever it is: a folder with everything in it, never following a
/// symlink. Already gone is fine.
fn remove<P: rustix::path::Arg + Copy>(dir: &OwnedFd, name: P) -> io::Result<()> {
    match rustix::fs::unlinkat(dir, name, AtFlags::empty()) {
        Ok(()) | Err(Errno::NOENT) => Ok(()),
        // Linux says EISDIR for a folder, POSIX allows EPERM.
        Err(Errno::ISDIR | Errno::PERM) => {
            let flags = OFlags::RDONLY | OFlags::DIRECTORY | OFlags::NOFOLLOW | OFlags::CLOEXEC;
            let folder = rustix::fs::openat(dir, name, flags, Mode::empty())?;
            for inner in entries(&folder, |_, _| true)? {
                remove(&folder, inner.as_c_str())?;
            }
            Ok(rustix::fs::unlinkat(dir, name, AtFlags::REMOVEDIR)?)
        }
        Err(e) => Err(e.into()),
    }
}

fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(|e| e.into_inner())
}
