//! Writing the site so that a failed or interrupted build leaves the previous one intact.
//!
//! Pages are written into a staging folder beside the output; only when everything is written
//! is the old output moved aside and the staging folder renamed into its place. The output
//! folder is marked with a file so shelf never replaces a folder it did not make, and an output
//! that is the source, or holds it, is refused.
//!
//! On Unix the site moved aside is kept beside the output (`.NAME.previous`) and becomes the
//! next build's staging folder, rebuilt in place: see [`Staging`].

#[cfg(unix)]
mod folders;
pub mod sink;

use std::fs;
use std::io;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::SystemTime;

use crate::base::error::Error;
use crate::base::nofollow::Dir;
use sink::Sink;

/// Marks a folder as shelf's output; only such folders are ever replaced.
pub const MARKER: &str = ".shelf-output";

/// A build's output being written.
pub struct Staging {
    dir: PathBuf,
    target: PathBuf,
    /// Where files are written (Unix). A file whose bytes are those of the previous site's
    /// file is linked from it rather than written again: a rebuild mostly writes what is
    /// already there, a link costs less than the bytes, deleting the previous site then frees
    /// no pages, and an unchanged file keeps its time stamp, so rsync and browsers see no
    /// change. The bytes are compared, not trusted to a record of the last build, so a file
    /// changed by hand is written afresh.
    ///
    /// The site replaced is kept, not deleted, and the next build is written over it: most of
    /// its files are then the previous site's very files (linked by this build) and hold the
    /// new bytes, so they stay, and a rebuild neither links nor deletes them. Deleting the
    /// replaced site was a tenth of a corpus rebuild. Being mostly links to the site, the kept
    /// one takes little room.
    #[cfg(unix)]
    folders: folders::Folders,
    /// The staging folder is the kept site (Unix).
    kept: bool,
    committed: bool,
    /// A write failed (the disk is full, say): the staging folder is deleted, not kept.
    write_failed: std::sync::atomic::AtomicBool,
    /// Files and bytes written so far, the marker included.
    files: AtomicU64,
    bytes: AtomicU64,
    /// Of those files, the ones linked unchanged from the previous site.
    unchanged: AtomicU64,
}

/// What a committed build left in the output folder.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Committed {
    pub files: u64,
    pub bytes: u64,
    /// Files with the same bytes as in the previous site (kept, time stamp and all).
    pub unchanged: u64,
    /// Taken after the swap: no file of the build is newer.
    pub at: SystemTime,
}

impl Staging {
    /// Checks that `target` is safe to replace and creates a fresh staging folder beside it.
    pub fn begin(target: &Path, source: &Path) -> Result<Staging, Error> {
        let target = absolute(target)?;
        let source = absolute(source)?;
        if source.starts_with(&target) {
            return Err(Error::Usage(format!(
                "the output folder {} is the source folder or holds it; choose another output",
                target.display()
            )));
        }
        if target.exists() && !target.join(MARKER).exists() && !is_empty_dir(&target) {
            return Err(Error::Usage(format!(
                "{} exists and was not written by shelf (no {MARKER} file in it); \
                 shelf will not replace it: delete it or choose another output",
                target.display()
            )));
        }
        let parent = target
            .parent()
            .ok_or_else(|| Error::Usage(format!("{} has no parent folder", target.display())))?;
        fs::create_dir_all(parent).map_err(|e| Error::io(parent, e))?;
        let name = file_name(&target);
        clear_leftovers(parent, &name, &target)?;
        let dir = parent.join(format!(".{name}.staging-{}", std::process::id()));
        if dir.exists() {
            fs::remove_dir_all(&dir).map_err(|e| Error::io(&dir, e))?;
        }
        // Only a site shelf wrote is linked from, or rebuilt in place.
        let previous = target.join(MARKER).is_file().then(|| target.clone());
        let kept_site = kept_path(&target);
        let kept = cfg!(unix)
            && is_shelf_site(&kept_site)
            && !source.starts_with(&kept_site)
            && if previous.is_some() {
                fs::rename(&kept_site, &dir).is_ok()
            } else {
                // Kept from a site since deleted: none of its files can stay.
                fs::remove_dir_all(&kept_site).map_err(|e| Error::io(&kept_site, e))?;
                false
            };
        if !kept {
            fs::create_dir(&dir).map_err(|e| Error::io(&dir, e))?;
        }
        #[cfg(unix)]
        let folders = folders::Folders::new(&dir, previous, kept);
        #[cfg(not(unix))]
        let _ = previous;
        let staging = Staging {
            dir,
            target,
            #[cfg(unix)]
            folders,
            kept,
            committed: false,
            write_failed: std::sync::atomic::AtomicBool::new(false),
            files: AtomicU64::new(0),
            bytes: AtomicU64::new(0),
            unchanged: AtomicU64::new(0),
        };
        // Written afresh (never linked), so that `unchanged` counts the site's own files.
        let marker =
            b"This folder is written by shelf build and replaced whole by the next build.\n";
        let path = staging.dir.join(MARKER);
        if kept {
            // Replaced, not written through: it could be a link.
            let _ = fs::remove_file(&path);
        }
        fs::write(&path, marker).map_err(|e| Error::io(path, e))?;
        staging.count(marker);
        Ok(staging)
    }

    fn count(&self, file: &[u8]) {
        self.files.fetch_add(1, Ordering::Relaxed);
        self.bytes.fetch_add(file.len() as u64, Ordering::Relaxed);
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// Swaps the staging folder in for the output. The previous output is kept for the next
    /// build (Unix), or removed, only after the new one is in place.
    ///
    /// On Linux the two folders trade places in one atomic step (`renameat2` with
    /// `RENAME_EXCHANGE`): there is no moment without an output, whenever the build is killed.
    /// Where that is not supported, the output is first renamed to `.NAME.old-PID` and the
    /// staging folder into its place; a build killed between the two renames leaves that name,
    /// and the next build puts it back before doing anything else ([`clear_leftovers`]).
    pub fn commit(mut self) -> Result<Committed, Error> {
        #[cfg(unix)]
        (self.folders)
            .remove_strays(MARKER)
            .map_err(|e| Error::io(&self.dir, e))?;
        failpoint("swap-before", &self.dir)?;
        let parent = self.target.parent().unwrap_or(Path::new("."));
        let old = parent.join(format!(
            ".{}.old-{}",
            file_name(&self.target),
            std::process::id()
        ));
        let replaced = if fs::symlink_metadata(&self.target).is_err() {
            fs::rename(&self.dir, &self.target).map_err(|e| Error::io(&self.target, e))?;
            None
        } else if exchange(&self.dir, &self.target)? {
            // The previous output is where the staging folder was.
            Some(self.dir.clone())
        } else {
            fs::rename(&self.target, &old).map_err(|e| Error::io(&self.target, e))?;
            failpoint("swap-between", &self.target)?;
            if let Err(e) = fs::rename(&self.dir, &self.target) {
                let _ = fs::rename(&old, &self.target);
                return Err(Error::io(&self.target, e));
            }
            Some(old)
        };
        self.committed = true;
        let committed = Committed {
            files: self.files.load(Ordering::Relaxed),
            bytes: self.bytes.load(Ordering::Relaxed),
            unchanged: self.unchanged.load(Ordering::Relaxed),
            at: SystemTime::now(),
        };
        failpoint("swap-after", &self.target)?;
        if let Some(replaced) = replaced {
            self.retire(&replaced)?;
        }
        Ok(committed)
    }

    /// Keeps the site just replaced, now at `replaced`, for the next build (Unix), or deletes
    /// it when that place is taken (a build running alongside, say) or elsewhere.
    fn retire(&self, replaced: &Path) -> Result<(), Error> {
        if cfg!(unix) {
            let kept = kept_path(&self.target);
            if fs::symlink_metadata(&kept).is_err() && fs::rename(replaced, &kept).is_ok() {
                return Ok(());
            }
            #[cfg(unix)]
            folders::remove_files(replaced, &self.folders.by_size())
                .map_err(|e| Error::io(replaced, e))?;
        }
        remove_tree(replaced).map_err(|e| Error::io(replaced, e))
    }
}

/// A failpoint of the swap ([`crate::base::failpoint`]), as an error about `path`.
fn failpoint(name: &str, path: &Path) -> Result<(), Error> {
    crate::base::failpoint::hit(name).map_err(|e| Error::io(path, e))
}

/// Trades the folders `staging` and `target` in one step; false where the system or the file
/// system cannot (then the caller renames in two steps).
fn exchange(staging: &Path, target: &Path) -> Result<bool, Error> {
    if crate::base::failpoint::hit("swap-exchange").is_err() {
        return Ok(false);
    }
    #[cfg(any(target_os = "linux", target_os = "android"))]
    {
        use rustix::fs::{CWD, RenameFlags, renameat_with};
        use rustix::io::Errno;
        match renameat_with(CWD, staging, CWD, target, RenameFlags::EXCHANGE) {
            Ok(()) => Ok(true),
            Err(Errno::INVAL | Errno::NOSYS | Errno::OPNOTSUPP | Errno::PERM) => Ok(false),
            Err(e) => Err(Error::io(target, e.into())),
        }
    }
    #[cfg(not(any(target_os = "linux", target_os = "android")))]
    {
        let _ = (staging, target);
        Ok(false)
    }
}

/// `remove_dir_all`, one top-level entry per thread: the previous site is tens of thousands of
/// files, and deleting them is part of every rebuild. (On Unix the files of the folders this
/// build wrote are gone already, see [`folders::remove_files`].)
fn remove_tree(dir: &Path) -> io::Result<()> {
    use rayon::prelude::*;
    let entries = fs::read_dir(dir)?.collect::<Result<Vec<_>, _>>()?;
    entries.par_iter().try_for_each(|entry| {
        if entry.file_type()?.is_dir() {
            fs::remove_dir_all(entry.path())
        } else {
            fs::remove_file(entry.path())
        }
    })?;
    fs::remove_dir(dir)
}

impl Sink for Staging {
    fn create_dir(&self, rel: &str) -> Result<(), Error> {
        #[cfg(unix)]
        let made = self.folders.make_dir(rel);
        #[cfg(not(unix))]
        let made = fs::create_dir_all(self.dir.join(rel));
        made.map_err(|e| Error::io(self.dir.join(rel), e))
    }

    fn write(&self, rel: &str, bytes: &[u8]) -> Result<(), Error> {
        let written = crate::base::failpoint::hit("write").and_then(|()| {
            #[cfg(unix)]
            let written = self.folders.write(rel, bytes);
            #[cfg(not(unix))]
            let written = fs::write(self.dir.join(rel), bytes).map(|()| false);
            written
        });
        let unchanged = written.map_err(|e| {
            self.write_failed.store(true, Ordering::Relaxed);
            Error::io(self.dir.join(rel), e)
        })?;
        if unchanged {
            self.unchanged.fetch_add(1, Ordering::Relaxed);
        }
        self.count(bytes);
        Ok(())
    }
}

/// Writes into a finished site in place, each file replaced whole (written beside itself under
/// a random name, then renamed over), so a server reading the site never sees half a file.
/// `shelf serve` uses it for the pages a change touches. Folders and files are reached without
/// following symlinks ([`crate::base::nofollow`]): a link planted in the site is replaced, never
/// written through.
pub struct InPlace {
    root: PathBuf,
}

impl InPlace {
    pub fn new(root: &Path) -> InPlace {
        InPlace {
            root: root.to_path_buf(),
        }
    }

    /// The folder of the site file `rel` and the file's name in it.
    fn folder_of<'a>(&self, rel: &'a str, create: bool) -> io::Result<(Dir, &'a str)> {
        let (dir, name) = rel.rsplit_once('/').unwrap_or(("", rel));
        Ok((Dir::open(&self.root)?.below(dir, create)?, name))
    }

    /// Removes a file of the site; one that is already gone is fine.
    pub fn remove(&self, rel: &str) -> Result<(), Error> {
        let removed = match self.folder_of(rel, false) {
            Ok((dir, name)) => dir.remove_file(name),
            Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(()),
            Err(e) => Err(e),
        };
        removed.map_err(|e| Error::io(self.root.join(rel), e))
    }
}

impl Sink for InPlace {
    fn create_dir(&self, rel: &str) -> Result<(), Error> {
        let made = Dir::open(&self.root).and_then(|root| root.below(rel, true));
        made.map(drop)
            .map_err(|e| Error::io(self.root.join(rel), e))
    }

    fn write(&self, rel: &str, bytes: &[u8]) -> Result<(), Error> {
        let written = self.folder_of(rel, true).and_then(|(dir, name)| {
            // Unchanged files keep their time stamp, so browsers and rsync see no change.
            if dir.read(name).is_ok_and(|old| old == bytes) {
                return Ok(());
            }
            dir.replace(name, bytes, false, None)
        });
        written.map_err(|e| Error::io(self.root.join(rel), e))
    }
}

impl Drop for Staging {
    /// A build that did not commit leaves nothing behind but the kept site it was rebuilding,
    /// put back for the next build (which compares every file it keeps). After a failed write
    /// (a full disk) the staging folder is deleted whole, so the space it took is free again.
    fn drop(&mut self) {
        if self.committed {
            return;
        }
        let keep = self.kept && !self.write_failed.load(Ordering::Relaxed);
        if !(keep && fs::rename(&self.dir, kept_path(&self.target)).is_ok()) {
            let _ = fs::remove_dir_all(&self.dir);
        }
    }
}

/// Clears what builds that were killed left beside the output: staging folders (kept for the
/// next build where none is, on Unix), and the previous output moved aside just before a swap
/// (put back if the swap never happened). Only folders of processes that are gone are touched;
/// a build running now keeps its own.
fn clear_leftovers(parent: &Path, name: &str, target: &Path) -> Result<(), Error> {
    let Ok(entries) = fs::read_dir(parent) else {
        return Ok(());
    };
    let staging = format!(".{name}.staging-");
    let old = format!(".{name}.old-");
    for entry in entries.flatten() {
        let file_name = entry.file_name().to_string_lossy().into_owned();
        let (is_old, pid) = if let Some(pid) = file_name.strip_prefix(&staging) {
            (false, pid)
        } else if let Some(pid) = file_name.strip_prefix(&old) {
            (true, pid)
        } else {
            continue;
        };
        let Ok(pid) = pid.parse::<u32>() else {
            continue;
        };
        if pid != std::process::id() && process_is_running(pid) {
            continue;
        }
        let path = entry.path();
        if is_old && !target.exists() {
            fs::rename(&path, target).map_err(|e| Error::io(&path, e))?;
            continue;
        }
        // A killed build's staging folder is as good a start for the next one as a kept site.
        let kept_site = kept_path(target);
        let keep = cfg!(unix) && !is_old && is_shelf_site(&path) && !kept_site.exists();
        if !(keep && fs::rename(&path, &kept_site).is_ok()) {
            fs::remove_dir_all(&path).map_err(|e| Error::io(&path, e))?;
        }
    }
    Ok(())
}

/// Whether a process is running; where that cannot be known, it is taken to be running so
/// that nothing of another build is removed.
fn process_is_running(pid: u32) -> bool {
    let proc = Path::new("/proc");
    if proc.join("self").exists() {
        proc.join(pid.to_string()).exists()
    } else {
        true
    }
}

fn absolute(p: &Path) -> Result<PathBuf, Error> {
    // canonicalize resolves symlinks where the path exists; std::path::absolute covers the rest.
    match fs::canonicalize(p) {
        Ok(c) => Ok(c),
        Err(_) => std::path::absolute(p).map_err(|e| Error::io(p, e)),
    }
}

/// Where the site a build replaced is kept for the next build: `.NAME.previous` beside it.
fn kept_path(target: &Path) -> PathBuf {
    let parent = target.parent().unwrap_or(Path::new("."));
    parent.join(format!(".{}.previous", file_name(target)))
}

/// Whether `p` is a folder (not a symlink to one) holding shelf's marker.
fn is_shelf_site(p: &Path) -> bool {
    fs::symlink_metadata(p).is_ok_and(|m| m.is_dir()) && p.join(MARKER).is_file()
}

fn file_name(p: &Path) -> String {
    p.file_name()
        .map_or_else(|| "output".into(), |n| n.to_string_lossy().into_owned())
}

fn is_empty_dir(p: &Path) -> bool {
    fs::read_dir(p).is_ok_and(|mut d| d.next().is_none())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A temporary folder holding a source folder `src` and (not yet made) an output `out`.
    fn folders() -> (tempfile::TempDir, PathBuf, PathBuf) {
        let dir = tempfile::tempdir().unwrap();
        let (src, out) = (dir.path().join("src"), dir.path().join("out"));
        fs::create_dir(&src).unwrap();
        (dir, src, out)
    }

    /// Builds `out` from `src` with these files, as one build would.
    fn build(out: &Path, src: &Path, files: &[(&str, &str)]) {
        let s = Staging::begin(out, src).unwrap();
        for (rel, text) in files {
            if let Some((dir, _)) = rel.rsplit_once('/') {
                s.create_dir(dir).unwrap();
            }
            s.write(rel, text.as_bytes()).unwrap();
        }
        s.commit().unwrap();
    }

    /// The names in `dir`, sorted: the output and what lies beside it.
    fn beside(dir: &Path) -> Vec<String> {
        let mut names: Vec<_> = fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().into_string().unwrap())
            .collect();
        names.sort();
        names
    }

    #[cfg(unix)]
    fn inode(path: &Path) -> u64 {
        use std::os::unix::fs::MetadataExt;
        fs::symlink_metadata(path).unwrap().ino()
    }

    #[cfg(target_os = "linux")]
    #[test]
    fn leftovers_of_killed_builds_are_cleared_and_a_moved_output_restored() {
        let (dir, src, out) = folders();
        // No process has pid 4194304 or more (the kernel's upper limit).
        let dead = 4_194_304 + 7;
        fs::create_dir(dir.path().join(format!(".out.staging-{dead}"))).unwrap();
        let old = dir.path().join(format!(".out.old-{dead}"));
        fs::create_dir(&old).unwrap();
        fs::write(old.join(MARKER), "").unwrap();
        fs::write(old.join("a.html"), "previous").unwrap();
        let s = Staging::begin(&out, &src).unwrap();
        assert_eq!(fs::read_to_string(out.join("a.html")).unwrap(), "previous");
        drop(s);
        let names: Vec<_> = fs::read_dir(dir.path())
            .unwrap()
            .flatten()
            .map(|e| e.file_name())
            .collect();
        assert_eq!(names.len(), 2, "{names:?}");
    }

    #[test]
    fn commit_replaces_the_previous_output() {
        let (dir, src, out) = folders();
        build(&out, &src, &[("a.html", "1")]);
        let s = Staging::begin(&out, &src).unwrap();
        s.write("b.html", b"2").unwrap();
        s.commit().unwrap();
        assert!(!out.join("a.html").exists());
        assert_eq!(fs::read(out.join("b.html")).unwrap(), b"2");
        // Beside the output, only the site it replaced, kept for the next build (Unix).
        let names = beside(dir.path());
        if cfg!(unix) {
            assert_eq!(names, [".out.previous", "out", "src"]);
            let kept = dir.path().join(".out.previous");
            assert_eq!(fs::read(kept.join("a.html")).unwrap(), b"1");
        } else {
            assert_eq!(names, ["out", "src"]);
        }
    }

    #[cfg(unix)]
    #[test]
    fn a_rebuild_links_unchanged_files_and_writes_changed_ones() {
        use std::os::unix::fs::MetadataExt;
        let (_dir, src, out) = folders();
        build(&out, &src, &[("a.html", "same"), ("api/b.json", "old")]);
        let (a, b) = (inode(&out.join("a.html")), inode(&out.join("api/b.json")));
        let a_time = fs::metadata(out.join("a.html"))
            .unwrap()
            .modified()
            .unwrap();
        build(&out, &src, &[("a.html", "same"), ("api/b.json", "new")]);
        // The unchanged file is the same file, time stamp and all; the changed one is new.
        assert_eq!(inode(&out.join("a.html")), a);
        let meta = fs::metadata(out.join("a.html")).unwrap();
        assert_eq!(meta.modified().unwrap(), a_time);
        // Its one other name is in the site replaced, kept for the next build.
        assert_eq!(meta.nlink(), 2);
        assert_eq!(inode(&out.with_file_name(".out.previous/a.html")), a);
        assert_ne!(inode(&out.join("api/b.json")), b);
        assert_eq!(fs::read_to_string(out.join("api/b.json")).unwrap(), "new");
    }

    /// Every file of the site below `root` (the marker too), path to bytes.
    #[cfg(unix)]
    fn files(root: &Path) -> std::collections::BTreeMap<String, Vec<u8>> {
        walkdir::WalkDir::new(root)
            .into_iter()
            .map(Result::unwrap)
            .filter(|e| !e.file_type().is_dir())
            .map(|e| {
                let rel = e.path().strip_prefix(root).unwrap();
                (
                    rel.to_string_lossy().into_owned(),
                    fs::read(e.path()).unwrap(),
                )
            })
            .collect()
    }

    /// The site `files` would be, with the marker.
    #[cfg(unix)]
    fn site(files: &[(&str, &str)]) -> std::collections::BTreeMap<String, Vec<u8>> {
        let marker =
            "This folder is written by shelf build and replaced whole by the next build.\n";
        std::iter::once((MARKER, marker))
            .chain(files.iter().copied())
            .map(|(rel, text)| (rel.to_string(), text.as_bytes().to_vec()))
            .collect()
    }

    #[cfg(unix)]
    #[test]
    fn a_build_over_the_kept_site_keeps_unchanged_files_and_deletes_what_it_did_not_write() {
        let (dir, src, out) = folders();
        let first = [("a.html", "same"), ("b/c.json", "x"), ("gone/g.html", "g")];
        build(&out, &src, &first);
        let a = inode(&out.join("a.html"));
        build(&out, &src, &first);
        // The third build is written over the first site, kept by the second.
        let third = [("a.html", "same"), ("b/c.json", "y"), ("new.html", "n")];
        let s = Staging::begin(&out, &src).unwrap();
        assert!(s.kept);
        for (rel, text) in third {
            if let Some((folder, _)) = rel.rsplit_once('/') {
                s.create_dir(folder).unwrap();
            }
            s.write(rel, text.as_bytes()).unwrap();
        }
        let committed = s.commit().unwrap();
        assert_eq!(files(&out), site(&third));
        assert_eq!(committed.unchanged, 1);
        assert_eq!(
            inode(&out.join("a.html")),
            a,
            "the first build's file, kept"
        );
        assert!(!out.join("gone").exists());
        // The second site is kept now, as it was.
        assert_eq!(files(&dir.path().join(".out.previous")), site(&first));
    }

    #[cfg(unix)]
    #[test]
    fn what_is_planted_in_the_kept_site_is_replaced_never_followed() {
        let (dir, src, out) = folders();
        let pages = [("a.html", "a"), ("sub/b.html", "b"), ("api/c.json", "c")];
        build(&out, &src, &pages);
        build(&out, &src, &pages);
        let kept = dir.path().join(".out.previous");
        let outside = dir.path().join("outside");
        fs::create_dir(&outside).unwrap();
        fs::write(outside.join("b.html"), "outside").unwrap();
        // A symlinked folder, a file where a folder goes, a FIFO where a page goes, a stray
        // folder, and a symlink where a page goes.
        fs::remove_dir_all(kept.join("sub")).unwrap();
        std::os::unix::fs::symlink(&outside, kept.join("sub")).unwrap();
        fs::remove_dir_all(kept.join("api")).unwrap();
        fs::write(kept.join("api"), "not a folder").unwrap();
        fs::remove_file(kept.join("a.html")).unwrap();
        let fifo = rustix::fs::Mode::from_raw_mode(0o600);
        rustix::fs::mknodat(
            rustix::fs::CWD,
            kept.join("a.html"),
            rustix::fs::FileType::Fifo,
            fifo,
            0,
        )
        .unwrap();
        fs::create_dir_all(kept.join("stray/deeper")).unwrap();
        fs::write(kept.join("stray/deeper/x.html"), "x").unwrap();
        std::os::unix::fs::symlink(outside.join("b.html"), kept.join("link.html")).unwrap();
        build(&out, &src, &pages);
        assert_eq!(files(&out), site(&pages));
        assert_eq!(
            fs::read_to_string(outside.join("b.html")).unwrap(),
            "outside"
        );
        assert!(fs::symlink_metadata(out.join("sub")).unwrap().is_dir());
    }

    #[cfg(unix)]
    #[test]
    fn files_written_at_once_into_a_new_folder_of_the_kept_site_all_stay() {
        let (_dir, src, out) = folders();
        build(&out, &src, &[("a.html", "a")]);
        build(&out, &src, &[("a.html", "a")]);
        let s = Staging::begin(&out, &src).unwrap();
        assert!(s.kept);
        s.create_dir("many").unwrap();
        std::thread::scope(|scope| {
            for t in 0..8 {
                let s = &s;
                scope.spawn(move || {
                    for i in 0..100 {
                        s.write(&format!("many/{t}-{i}.html"), b"page").unwrap();
                    }
                });
            }
        });
        s.commit().unwrap();
        assert_eq!(fs::read_dir(out.join("many")).unwrap().count(), 800);
    }

    #[cfg(unix)]
    #[test]
    fn a_dropped_build_puts_the_kept_site_back_and_one_without_an_output_is_removed() {
        let (dir, src, out) = folders();
        build(&out, &src, &[("a.html", "1")]);
        build(&out, &src, &[("a.html", "2")]);
        let kept = dir.path().join(".out.previous");
        let s = Staging::begin(&out, &src).unwrap();
        assert!(s.kept && !kept.exists());
        s.write("b.html", b"3").unwrap();
        drop(s);
        assert!(kept.join(MARKER).is_file());
        assert_eq!(files(&out), site(&[("a.html", "2")]));
        build(&out, &src, &[("b.html", "3")]);
        assert_eq!(files(&out), site(&[("b.html", "3")]));
        // With the output deleted, nothing of the kept site can stay.
        fs::remove_dir_all(&out).unwrap();
        let s = Staging::begin(&out, &src).unwrap();
        assert!(!s.kept && !kept.exists());
    }

    #[cfg(unix)]
    #[test]
    fn where_the_kept_site_s_place_is_taken_the_previous_site_is_deleted_instead() {
        let (dir, src, out) = folders();
        // Not shelf's: never used, replaced or emptied.
        let taken = dir.path().join(".out.previous");
        fs::create_dir(&taken).unwrap();
        fs::write(taken.join("notes.txt"), "mine").unwrap();
        build(&out, &src, &[("a.html", "1")]);
        build(&out, &src, &[("a.html", "2")]);
        assert_eq!(files(&out), site(&[("a.html", "2")]));
        assert_eq!(
            files(&taken),
            [("notes.txt".into(), b"mine".to_vec())].into()
        );
        assert_eq!(beside(dir.path()), [".out.previous", "out", "src"]);
    }

    #[cfg(target_os = "linux")]
    #[test]
    fn a_killed_build_s_staging_folder_is_kept_for_the_next_build() {
        let (dir, src, out) = folders();
        build(&out, &src, &[("a.html", "1")]);
        let dead = dir.path().join(format!(".out.staging-{}", 4_194_304 + 7));
        fs::create_dir(&dead).unwrap();
        fs::write(dead.join(MARKER), "").unwrap();
        fs::write(dead.join("half.html"), "half").unwrap();
        build(&out, &src, &[("a.html", "1")]);
        assert!(!dead.exists());
        assert_eq!(files(&out), site(&[("a.html", "1")]));
    }

    #[cfg(unix)]
    #[test]
    fn a_file_changed_by_hand_is_written_afresh() {
        let (_dir, src, out) = folders();
        build(&out, &src, &[("a.html", "mine")]);
        // Same size, other bytes.
        fs::write(out.join("a.html"), "MINE").unwrap();
        build(&out, &src, &[("a.html", "mine")]);
        assert_eq!(fs::read_to_string(out.join("a.html")).unwrap(), "mine");
    }

    #[cfg(unix)]
    #[test]
    fn symlinks_and_files_linked_elsewhere_are_never_linked_into_the_site() {
        let (dir, src, out) = folders();
        build(&out, &src, &[("a.html", "text"), ("b.html", "text")]);
        // a.html becomes a symlink to a file outside with the same bytes; b.html gains a
        // second name outside the site.
        let outside = dir.path().join("outside.html");
        fs::write(&outside, "text").unwrap();
        fs::remove_file(out.join("a.html")).unwrap();
        std::os::unix::fs::symlink(&outside, out.join("a.html")).unwrap();
        let shared = dir.path().join("shared.html");
        fs::hard_link(out.join("b.html"), &shared).unwrap();
        build(&out, &src, &[("a.html", "text"), ("b.html", "text")]);
        assert!(fs::symlink_metadata(out.join("a.html")).unwrap().is_file());
        assert_ne!(inode(&out.join("b.html")), inode(&shared));
        assert_eq!(fs::read_to_string(out.join("b.html")).unwrap(), "text");
    }

    #[cfg(unix)]
    #[test]
    fn files_behind_a_symlinked_folder_are_not_linked() {
        let (dir, src, out) = folders();
        build(&out, &src, &[("sub/a.html", "text")]);
        let outside = dir.path().join("outside");
        fs::create_dir(&outside).unwrap();
        fs::write(outside.join("a.html"), "text").unwrap();
        fs::remove_dir_all(out.join("sub")).unwrap();
        std::os::unix::fs::symlink(&outside, out.join("sub")).unwrap();
        build(&out, &src, &[("sub/a.html", "text")]);
        assert!(fs::symlink_metadata(out.join("sub")).unwrap().is_dir());
        assert_ne!(
            inode(&out.join("sub/a.html")),
            inode(&outside.join("a.html"))
        );
        assert_eq!(fs::read_to_string(outside.join("a.html")).unwrap(), "text");
    }

    #[cfg(unix)]
    #[test]
    fn a_dropped_build_that_linked_files_leaves_them_as_they_were() {
        use std::os::unix::fs::MetadataExt;
        let (_dir, src, out) = folders();
        build(&out, &src, &[("a.html", "kept")]);
        let s = Staging::begin(&out, &src).unwrap();
        s.write("a.html", b"kept").unwrap();
        assert_eq!(fs::metadata(out.join("a.html")).unwrap().nlink(), 2);
        drop(s);
        let meta = fs::metadata(out.join("a.html")).unwrap();
        assert_eq!(meta.nlink(), 1);
        assert_eq!(fs::read_to_string(out.join("a.html")).unwrap(), "kept");
    }

    #[test]
    fn dropped_staging_leaves_the_previous_output() {
        let (dir, src, out) = folders();
        build(&out, &src, &[("a.html", "1")]);
        let s = Staging::begin(&out, &src).unwrap();
        s.write("b.html", b"2").unwrap();
        drop(s);
        assert!(out.join("a.html").exists() && !out.join("b.html").exists());
        assert_eq!(fs::read_dir(dir.path()).unwrap().count(), 2);
    }

    #[test]
    fn refuses_source_or_its_parent_and_foreign_folders() {
        let dir = tempfile::tempdir().unwrap();
        let src = dir.path().join("src");
        fs::create_dir(&src).unwrap();
        assert!(Staging::begin(&src, &src).is_err());
        assert!(Staging::begin(dir.path(), &src).is_err());
        let foreign = dir.path().join("home");
        fs::create_dir(&foreign).unwrap();
        fs::write(foreign.join("precious.txt"), "x").unwrap();
        let err = Staging::begin(&foreign, &src).err().unwrap().to_string();
        assert!(err.contains("not written by shelf"), "{err}");
        assert!(foreign.join("precious.txt").exists());
    }
}
