//! Reading, writing and deleting inside folders shelf owns (the output, the build cache) without
//! ever following a symlink it did not make.
//!
//! A tree shelf builds can come from anyone (a pull request in CI), and it can hold symlinks
//! where shelf's own folders and files go: `.shelf-cache -> ..`, `output/index.html.part ->
//! ~/.bashrc`. A [`Dir`] is an open folder; everything below it is reached one name at a time
//! with `O_NOFOLLOW`, so a symlink planted anywhere below is an error (`ELOOP`), never a way out.
//! Only the folder a [`Dir`] is opened at, which the user named, is resolved as a path.
//!
//! Writes replace a file whole: the bytes go to a new file with a random name made with
//! `O_EXCL` (so it cannot be a planted link), which is then renamed over the name. A rename
//! replaces a symlink at the name itself, never what it points to.

use std::ffi::OsString;
use std::io;
use std::path::{Path, PathBuf};

/// What a folder entry is, as listed (symlinks are not followed).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    File,
    Dir,
    Symlink,
    Other,
}

/// The error for a symlink or other non-folder where shelf needs a folder of its own.
fn not_a_folder(path: &Path) -> io::Error {
    io::Error::new(
        io::ErrorKind::NotADirectory,
        format!(
            "{} is a symlink or a file, not a folder; shelf never writes through a link it did \
             not make: remove it",
            path.display()
        ),
    )
}

fn not_a_file(path: &Path) -> io::Error {
    io::Error::new(
        io::ErrorKind::InvalidInput,
        format!(
            "{} is a symlink or special file, not a plain file; shelf does not follow it",
            path.display()
        ),
    )
}

/// A unique name beside `name` for a file being written.
fn temporary_name(name: &str) -> String {
    format!(".{name}.{}.shelf-tmp", uuid::Uuid::new_v4().simple())
}

#[cfg(unix)]
mod imp {
    use super::*;
    use rustix::fs::{AtFlags, FileType, Mode, OFlags};
    use rustix::io::Errno;
    use std::fs::File;
    use std::io::{Read, Write};
    use std::os::fd::{AsFd, OwnedFd};
    use std::os::unix::ffi::OsStringExt;

    /// An open folder; names below it are never resolved through a symlink.
    #[derive(Debug)]
    pub struct Dir {
        fd: OwnedFd,
        path: PathBuf,
    }

    const DIR_FLAGS: OFlags = OFlags::RDONLY
        .union(OFlags::DIRECTORY)
        .union(OFlags::CLOEXEC)
        .union(OFlags::NOFOLLOW);

    impl Dir {
        /// Opens the folder at `path` (the path itself may go through symlinks: the user named
        /// it).
        pub fn open(path: &Path) -> io::Result<Dir> {
            let flags = OFlags::RDONLY | OFlags::DIRECTORY | OFlags::CLOEXEC;
            let fd = rustix::fs::open(path, flags, Mode::empty())?;
            Ok(Dir {
                fd,
                path: path.to_path_buf(),
            })
        }

        pub fn path(&self) -> &Path {
            &self.path
        }

        /// The folder `name` in this one, made when `create` and missing. A symlink or file
        /// there is an error.
        pub fn child(&self, name: &str, create: bool) -> io::Result<Dir> {
            let path = self.path.join(name);
            match rustix::fs::openat(&self.fd, name, DIR_FLAGS, Mode::empty()) {
                Ok(fd) => Ok(Dir { fd, path }),
                Err(Errno::NOENT) if create => {
                    match rustix::fs::mkdirat(&self.fd, name, Mode::from_raw_mode(0o777)) {
                        Ok(()) | Err(Errno::EXIST) => {}
                        Err(e) => return Err(e.into()),
                    }
                    self.child(name, false)
                }
                Err(Errno::LOOP | Errno::NOTDIR) => Err(not_a_folder(&path)),
                Err(e) => Err(e.into()),
            }
        }

        /// The folder at the `/`-separated `rel` below this one, each name as [`Dir::child`].
        pub fn below(&self, rel: &str, create: bool) -> io::Result<Dir> {
            let mut dir = Dir {
                fd: self.fd.try_clone()?,
                path: self.path.clone(),
            };
            for name in rel.split('/').filter(|n| !n.is_empty() && *n != ".") {
                if name == ".." {
                    return Err(io::Error::new(
                        io::ErrorKind::InvalidInput,
                        format!("{rel}: `..` leaves the folder"),
                    ));
                }
                dir = dir.child(name, create)?;
            }
            Ok(dir)
        }

        fn open_file(&self, name: &str) -> io::Result<File> {
            // NONBLOCK: a FIFO planted here must not hang the read.
            let flags = OFlags::RDONLY | OFlags::NOFOLLOW | OFlags::NONBLOCK | OFlags::CLOEXEC;
            let fd = match rustix::fs::openat(&self.fd, name, flags, Mode::empty()) {
                Ok(fd) => fd,
                Err(Errno::LOOP) => return Err(not_a_file(&self.path.join(name))),
                Err(e) => return Err(e.into()),
            };
            let stat = rustix::fs::fstat(&fd)?;
            if FileType::from_raw_mode(stat.st_mode) != FileType::RegularFile {
                return Err(not_a_file(&self.path.join(name)));
            }
            Ok(File::from(fd))
        }

        /// The bytes of the plain file `name` (a symlink, folder or FIFO there is an error).
        pub fn read(&self, name: &str) -> io::Result<Vec<u8>> {
            let mut file = self.open_file(name)?;
            let mut bytes = Vec::new();
            file.read_to_end(&mut bytes)?;
            Ok(bytes)
        }

        /// The plain file `name`, opened to read.
        pub fn open_read(&self, name: &str) -> io::Result<File> {
            self.open_file(name)
        }

        /// Replaces `name` with a file holding `bytes` (see the module doc). With `durable`, the
        /// file and the folder are synced, so the new bytes survive a power cut. `mode` gives
        /// the new file's permission bits (default 0o666 less the umask).
        pub fn replace(
            &self,
            name: &str,
            bytes: &[u8],
            durable: bool,
            mode: Option<u32>,
        ) -> io::Result<()> {
            let temp = self.create_temporary(name, bytes, durable, mode)?;
            self.commit_temporary(&temp, name, durable)
        }

        /// A new file beside `name` holding `bytes`, under a random name; see
        /// [`Dir::commit_temporary`].
        pub fn create_temporary(
            &self,
            name: &str,
            bytes: &[u8],
            durable: bool,
            mode: Option<u32>,
        ) -> io::Result<String> {
            let temp = temporary_name(name);
            let flags =
                OFlags::WRONLY | OFlags::CREATE | OFlags::EXCL | OFlags::NOFOLLOW | OFlags::CLOEXEC;
            let fd = rustix::fs::openat(&self.fd, &temp, flags, Mode::from_raw_mode(0o666))?;
            let written = (|| {
                if let Some(mode) = mode {
                    rustix::fs::fchmod(&fd, Mode::from_raw_mode(mode))?;
                }
                let mut file = File::from(fd);
                file.write_all(bytes)?;
                if durable {
                    file.sync_all()?;
                }
                Ok(())
            })();
            match written {
                Ok(()) => Ok(temp),
                Err(e) => {
                    let _ = rustix::fs::unlinkat(&self.fd, &temp, AtFlags::empty());
                    Err(e)
                }
            }
        }

        /// Renames the file `temp` made by [`Dir::create_temporary`] over `name`.
        pub fn commit_temporary(&self, temp: &str, name: &str, durable: bool) -> io::Result<()> {
            if let Err(e) = rustix::fs::renameat(&self.fd, temp, &self.fd, name) {
                let _ = rustix::fs::unlinkat(&self.fd, temp, AtFlags::empty());
                return Err(e.into());
            }
            if durable {
                rustix::fs::fsync(&self.fd)?;
            }
            Ok(())
        }

        /// Deletes the temporary file `temp` (a write given up).
        pub fn discard_temporary(&self, temp: &str) {
            let _ = rustix::fs::unlinkat(&self.fd, temp, AtFlags::empty());
        }

        /// Deletes the entry `name` unless it is a folder; a symlink is deleted itself, never
        /// what it points to. Already gone is fine.
        pub fn remove_file(&self, name: &str) -> io::Result<()> {
            match rustix::fs::unlinkat(&self.fd, name, AtFlags::empty()) {
                Ok(()) | Err(Errno::NOENT) => Ok(()),
                Err(e) => Err(e.into()),
            }
        }

        /// What `name` is, without following a symlink; None when nothing is there.
        pub fn kind(&self, name: &str) -> io::Result<Option<Kind>> {
            match rustix::fs::statat(&self.fd, name, AtFlags::SYMLINK_NOFOLLOW) {
                Ok(stat) => Ok(Some(kind_of(FileType::from_raw_mode(stat.st_mode)))),
                Err(Errno::NOENT) => Ok(None),
                Err(e) => Err(e.into()),
            }
        }

        /// The entries of this folder (not `.` and `..`), as listed.
        pub fn entries(&self) -> io::Result<Vec<(OsString, Kind)>> {
            let mut found = Vec::new();
            for entry in rustix::fs::Dir::read_from(self.fd.as_fd())? {
                let entry = entry?;
                let name = entry.file_name();
                if name == c"." || name == c".." {
                    continue;
                }
                let kind = match entry.file_type() {
                    FileType::Unknown => {
                        let stat = rustix::fs::statat(&self.fd, name, AtFlags::SYMLINK_NOFOLLOW)?;
                        kind_of(FileType::from_raw_mode(stat.st_mode))
                    }
                    t => kind_of(t),
                };
                found.push((OsString::from_vec(name.to_bytes().to_vec()), kind));
            }
            Ok(found)
        }
    }

    fn kind_of(t: FileType) -> Kind {
        match t {
            FileType::RegularFile => Kind::File,
            FileType::Directory => Kind::Dir,
            FileType::Symlink => Kind::Symlink,
            _ => Kind::Other,
        }
    }
}

#[cfg(not(unix))]
mod imp {
    //! Elsewhere, by path, checking each name before use: a planted link is still refused,
    //! though not atomically.
    use super::*;
    use std::fs;

    #[derive(Debug)]
    pub struct Dir {
        path: PathBuf,
    }

    fn kind_at(path: &Path) -> io::Result<Option<Kind>> {
        match fs::symlink_metadata(path) {
            Ok(m) if m.file_type().is_symlink() => Ok(Some(Kind::Symlink)),
            Ok(m) if m.is_dir() => Ok(Some(Kind::Dir)),
            Ok(m) if m.is_file() => Ok(Some(Kind::File)),
            Ok(_) => Ok(Some(Kind::Other)),
            Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(e),
        }
    }

    impl Dir {
        pub fn open(path: &Path) -> io::Result<Dir> {
            if !fs::metadata(path)?.is_dir() {
                return Err(not_a_folder(path));
            }
            Ok(Dir {
                path: path.to_path_buf(),
            })
        }
        pub fn path(&self) -> &Path {
            &self.path
        }
        pub fn child(&self, name: &str, create: bool) -> io::Result<Dir> {
            let path = self.path.join(name);
            match kind_at(&path)? {
                Some(Kind::Dir) => Ok(Dir { path }),
                None if create => {
                    fs::create_dir(&path)?;
                    Ok(Dir { path })
                }
                None => Err(io::ErrorKind::NotFound.into()),
                Some(_) => Err(not_a_folder(&path)),
            }
        }
        pub fn below(&self, rel: &str, create: bool) -> io::Result<Dir> {
            let mut dir = Dir {
                path: self.path.clone(),
            };
            for name in rel.split('/').filter(|n| !n.is_empty() && *n != ".") {
                if name == ".." {
                    return Err(io::ErrorKind::InvalidInput.into());
                }
                dir = dir.child(name, create)?;
            }
            Ok(dir)
        }
        pub fn read(&self, name: &str) -> io::Result<Vec<u8>> {
            let path = self.path.join(name);
            match kind_at(&path)? {
                Some(Kind::File) => fs::read(path),
                None => Err(io::ErrorKind::NotFound.into()),
                Some(_) => Err(not_a_file(&path)),
            }
        }
        pub fn open_read(&self, name: &str) -> io::Result<fs::File> {
            let path = self.path.join(name);
            match kind_at(&path)? {
                Some(Kind::File) => fs::File::open(path),
                None => Err(io::ErrorKind::NotFound.into()),
                Some(_) => Err(not_a_file(&path)),
            }
        }
        pub fn replace(
            &self,
            name: &str,
            bytes: &[u8],
            durable: bool,
            mode: Option<u32>,
        ) -> io::Result<()> {
            let temp = self.create_temporary(name, bytes, durable, mode)?;
            self.commit_temporary(&temp, name, durable)
        }
        pub fn create_temporary(
            &self,
            name: &str,
            bytes: &[u8],
            durable: bool,
            _mode: Option<u32>,
        ) -> io::Result<String> {
            use std::io::Write;
            let temp = temporary_name(name);
            let mut file = fs::OpenOptions::new()
                .write(true)
                .create_new(true)
                .open(self.path.join(&temp))?;
            file.write_all(bytes)?;
            if durable {
                file.sync_all()?;
            }
            Ok(temp)
        }
        pub fn commit_temporary(&self, temp: &str, name: &str, _durable: bool) -> io::Result<()> {
            fs::rename(self.path.join(temp), self.path.join(name))
        }
        pub fn discard_temporary(&self, temp: &str) {
            let _ = fs::remove_file(self.path.join(temp));
        }
        pub fn remove_file(&self, name: &str) -> io::Result<()> {
            match fs::remove_file(self.path.join(name)) {
                Err(e) if e.kind() != io::ErrorKind::NotFound => Err(e),
                _ => Ok(()),
            }
        }
        pub fn kind(&self, name: &str) -> io::Result<Option<Kind>> {
            kind_at(&self.path.join(name))
        }
        pub fn entries(&self) -> io::Result<Vec<(OsString, Kind)>> {
            let mut found = Vec::new();
            for entry in fs::read_dir(&self.path)? {
                let entry = entry?;
                let kind = kind_at(&entry.path())?.unwrap_or(Kind::Other);
                found.push((entry.file_name(), kind));
            }
            Ok(found)
        }
    }
}

pub use imp::Dir;

#[cfg(all(test, unix))]
mod tests {
    use super::*;
    use std::fs;
    use std::os::unix::fs::symlink;

    #[test]
    fn a_symlinked_folder_is_refused_and_what_it_points_to_is_untouched() {
        let dir = tempfile::tempdir().unwrap();
        let outside = dir.path().join("outside");
        fs::create_dir(&outside).unwrap();
        fs::write(outside.join("precious"), "keep").unwrap();
        let root = dir.path().join("root");
        fs::create_dir(&root).unwrap();
        symlink(&outside, root.join("cache")).unwrap();
        let open = Dir::open(&root).unwrap();
        let err = open.child("cache", true).unwrap_err();
        assert_eq!(err.kind(), io::ErrorKind::NotADirectory, "{err}");
        assert!(open.below("cache/x", true).is_err());
        assert_eq!(
            fs::read_to_string(outside.join("precious")).unwrap(),
            "keep"
        );
        assert_eq!(open.kind("cache").unwrap(), Some(Kind::Symlink));
    }

    #[test]
    fn replace_writes_a_new_file_over_a_planted_link_never_through_it() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("victim");
        fs::write(&target, "secret").unwrap();
        let site = dir.path().join("site");
        fs::create_dir(&site).unwrap();
        symlink(&target, site.join("page.html")).unwrap();
        let open = Dir::open(&site).unwrap();
        assert!(open.read("page.html").is_err(), "a link is not read");
        open.replace("page.html", b"new", false, None).unwrap();
        assert_eq!(fs::read_to_string(&target).unwrap(), "secret");
        assert_eq!(fs::read_to_string(site.join("page.html")).unwrap(), "new");
        assert!(
            !fs::symlink_metadata(site.join("page.html"))
                .unwrap()
                .file_type()
                .is_symlink()
        );
        // Nothing but the page is left behind.
        assert_eq!(open.entries().unwrap().len(), 1);
    }

    #[test]
    fn a_fifo_is_not_read_and_does_not_hang() {
        let dir = tempfile::tempdir().unwrap();
        rustix::fs::mkfifoat(
            rustix::fs::CWD,
            dir.path().join("pipe"),
            rustix::fs::Mode::from_raw_mode(0o600),
        )
        .unwrap();
        let open = Dir::open(dir.path()).unwrap();
        assert!(open.read("pipe").is_err());
        assert_eq!(open.kind("pipe").unwrap(), Some(Kind::Other));
    }

    #[test]
    fn below_refuses_dot_dot_and_creates_folders() {
        let dir = tempfile::tempdir().unwrap();
        let open = Dir::open(dir.path()).unwrap();
        assert!(open.below("a/../../x", true).is_err());
        let deep = open.below("a/b/c", true).unwrap();
        deep.replace("f", b"x", true, Some(0o640)).unwrap();
        use std::os::unix::fs::PermissionsExt;
        let meta = fs::metadata(dir.path().join("a/b/c/f")).unwrap();
        assert_eq!(meta.permissions().mode() & 0o777, 0o640);
    }
}
