//! What a branch changed, from git: `shelf check --changed-since REV`.
//!
//! The change is everything between the merge base of REV and HEAD and the working tree:
//! commits on the branch, staged and unstaged edits, and files git does not track yet (unless
//! ignored), so the same command answers on a laptop before a commit and in CI after one.
//! Renames are detected (`-M`) so that a moved article is a rename, not a deletion and an
//! addition; files that a change removes (deleted, or renamed away) are kept with their text as
//! it was at the base, so that the check can tell what the tree lost.
//!
//! git is run as a program (the user's own git, with their configuration): what it says is
//! what `git diff` says to them.

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::base::error::Error;

/// The files a change touched.
#[derive(Debug, Default)]
pub struct Changes {
    /// The commit compared against (the merge base of REV and HEAD).
    pub base: String,
    /// The repository's top folder.
    pub top: PathBuf,
    /// Files the change added or modified, or renamed to (absolute).
    pub changed: Vec<PathBuf>,
    /// Files the change removed.
    pub removed: Vec<Removed>,
}

/// A file deleted or renamed away by the change.
#[derive(Debug, Clone)]
pub struct Removed {
    /// Where it was (absolute).
    pub path: PathBuf,
    /// Where it went, when renamed (absolute).
    pub renamed_to: Option<PathBuf>,
    /// Its text at the base (empty when git could not show it).
    pub text: Vec<u8>,
}

/// The largest removed file read back from git: a removed article is only read for its header.
const MAX_REMOVED_TEXT: usize = 4 << 20;

/// The changes since `rev` of the repository holding `dir`.
pub fn since(rev: &str, dir: &Path) -> Result<Changes, Error> {
    let top = PathBuf::from(git(dir, &["rev-parse", "--show-toplevel"])?.trim_end());
    let base = match git(&top, &["merge-base", rev, "HEAD"]) {
        Ok(base) => base.trim().to_string(),
        // No common history (a shallow clone, an unrelated revision): compare with REV itself.
        Err(_) => git(
            &top,
            &["rev-parse", "--verify", &format!("{rev}^{{commit}}")],
        )
        .map_err(|_| {
            Error::Usage(format!(
                "--changed-since {rev}: not a revision of the repository at {} (in CI, \
                     fetch it first: git fetch origin main, or checkout with fetch-depth: 0)",
                top.display()
            ))
        })?
        .trim()
        .to_string(),
    };
    let mut changes = Changes {
        base: base.clone(),
        top: top.clone(),
        ..Changes::default()
    };
    let diff = git(
        &top,
        &[
            "-c",
            "core.quotepath=false",
            "diff",
            "--name-status",
            "-z",
            "-M",
            "--no-ext-diff",
            "--no-textconv",
            &base,
            "--",
        ],
    )?;
    let mut fields = diff.split('\0').filter(|f| !f.is_empty());
    while let Some(status) = fields.next() {
        let Some(path) = fields.next() else { break };
        match status.as_bytes()[0] {
            b'R' | b'C' => {
                let Some(to) = fields.next() else { break };
                if status.starts_with('R') {
                    changes.removed.push(Removed {
                        path: top.join(path),
                        renamed_to: Some(top.join(to)),
                        text: show(&top, &base, path),
                    });
                }
                changes.changed.push(top.join(to));
            }
            b'D' => changes.removed.push(Removed {
                path: top.join(path),
                renamed_to: None,
                text: show(&top, &base, path),
            }),
            _ => changes.changed.push(top.join(path)),
        }
    }
    let untracked = git(
        &top,
        &[
            "ls-files",
            "--others",
            "--exclude-standard",
            "-z",
            "--full-name",
        ],
    )?;
    changes.changed.extend(
        untracked
            .split('\0')
            .filter(|f| !f.is_empty())
            .map(|f| top.join(f)),
    );
    changes.changed.sort();
    changes.changed.dedup();
    Ok(changes)
}

/// `path`'s text at `rev`.
fn show(top: &Path, rev: &str, path: &str) -> Vec<u8> {
    let out = Command::new("git")
        .current_dir(top)
        .args(["show", "--no-textconv", &format!("{rev}:{path}")])
        .output();
    match out {
        Ok(o) if o.status.success() && o.stdout.len() <= MAX_REMOVED_TEXT => o.stdout,
        _ => Vec::new(),
    }
}

/// Runs git in `dir` and returns what it printed; a failure names the command and what git said.
fn git(dir: &Path, args: &[&str]) -> Result<String, Error> {
    let out = Command::new("git")
        .current_dir(dir)
        .args(args)
        .output()
        .map_err(|e| Error::Usage(format!("--changed-since needs git: {e}")))?;
    if !out.status.success() {
        return Err(Error::Usage(format!(
            "git {} (in {}): {}",
            args.join(" "),
            dir.display(),
            String::from_utf8_lossy(&out.stderr).trim()
        )));
    }
    String::from_utf8(out.stdout)
        .map_err(|_| Error::Usage("git printed a path that is not UTF-8".to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::fs;

    fn run(dir: &Path, args: &[&str]) {
        let ok = Command::new("git")
            .current_dir(dir)
            .args(args)
            .env("GIT_AUTHOR_NAME", "t")
            .env("GIT_AUTHOR_EMAIL", "t@example.com")
            .env("GIT_COMMITTER_NAME", "t")
            .env("GIT_COMMITTER_EMAIL", "t@example.com")
            .status()
            .unwrap()
            .success();
        assert!(ok, "git {args:?}");
    }

    #[test]
    fn a_branch_s_changes_with_renames_deletions_and_untracked_files() {
        if Command::new("git").arg("--version").output().is_err() {
            panic!("git is needed (installed by .ci/run)");
        }
        let dir = tempfile::tempdir().unwrap();
        let top = fs::canonicalize(dir.path()).unwrap();
        run(&top, &["init", "-q", "-b", "main"]);
        for (name, text) in [
            ("keep.md", "keep\n"),
            ("edit.md", "edit\n"),
            ("gone.md", "gone\n"),
            (
                "moved.md",
                "a long enough text to be seen as the same file\n",
            ),
        ] {
            fs::write(top.join(name), text).unwrap();
        }
        run(&top, &["add", "."]);
        run(&top, &["commit", "-q", "-m", "base"]);
        run(&top, &["checkout", "-q", "-b", "topic"]);
        fs::write(top.join("edit.md"), "edited\n").unwrap();
        fs::remove_file(top.join("gone.md")).unwrap();
        run(&top, &["mv", "moved.md", "renamed.md"]);
        run(&top, &["commit", "-qam", "change"]);
        fs::write(top.join("new.md"), "untracked\n").unwrap();
        let c = since("main", &top).unwrap();
        let names = |paths: Vec<&PathBuf>| -> Vec<String> {
            paths
                .iter()
                .map(|p| p.strip_prefix(&top).unwrap().to_string_lossy().into_owned())
                .collect()
        };
        assert_eq!(
            names(c.changed.iter().collect()),
            ["edit.md", "new.md", "renamed.md"]
        );
        let mut removed: Vec<_> = c.removed.iter().collect();
        removed.sort_by(|a, b| a.path.cmp(&b.path));
        assert_eq!(
            names(removed.iter().map(|r| &r.path).collect()),
            ["gone.md", "moved.md"]
        );
        assert_eq!(removed[0].text, b"gone\n");
        assert_eq!(removed[1].renamed_to, Some(top.join("renamed.md")));
        assert!(!c.changed.contains(&top.join("keep.md")));
        let err = since("no-such-branch", &top).unwrap_err().to_string();
        assert!(err.contains("not a revision"), "{err}");
    }
}
