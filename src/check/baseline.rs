//! The baseline: the problems a repository already has, recorded so that a check fails only on
//! new ones (`shelf check --baseline .shelf-baseline.json`).
//!
//! Each known problem is recorded by file, rule and a fingerprint: a hash of the rule, of the
//! text the problem is about ([`Diagnostic::anchor`], whitespace folded) and of how many
//! problems of that rule about the same text come before it in the file. Lines can move and
//! other text can change without a recorded problem looking new; change the text it is about,
//! or add a second one like it, and it is new. (ESLint's suppressions file counts problems per
//! file and rule, so fixing one and adding another passes unseen; line numbers alone break on
//! the first edit above the problem.)
//!
//! The file is JSON with one problem per line, sorted, so that its diff in a pull request reads
//! as the problems fixed and accepted. `--update-baseline` rewrites it from what the check finds;
//! a check says how many recorded problems no longer occur, so the file only shrinks unless a
//! reviewer accepts an addition.

use std::collections::{BTreeMap, HashMap};
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use xxhash_rust::xxh3::Xxh3;

use crate::base::diagnostic::{Diagnostic, Severity};
use crate::base::error::Error;

/// The format version written and read.
const VERSION: u32 = 1;

/// One recorded problem.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Entry {
    /// The file, relative to the site root, with `/`.
    pub file: String,
    pub rule: String,
    pub fingerprint: String,
    /// What the problem said when it was recorded (for people; not compared).
    pub message: String,
}

#[derive(Deserialize)]
struct File {
    version: u32,
    problems: Vec<Entry>,
}

/// A baseline as read, with what a check matched against it.
#[derive(Debug, Default)]
pub struct Baseline {
    entries: Vec<Entry>,
}

/// What a check found, split by the baseline.
#[derive(Debug, Default)]
pub struct Split {
    /// Problems the baseline does not hold: these fail the check.
    pub new: Vec<Diagnostic>,
    /// The fingerprint of each of `new` (same order), as SARIF's `partialFingerprints` gives it.
    pub new_fingerprints: Vec<String>,
    pub baselined_errors: usize,
    pub baselined_warnings: usize,
    /// Recorded problems that no longer occur.
    pub gone: Vec<Entry>,
}

impl Baseline {
    /// Reads the baseline at `path`; a file that does not exist is an empty baseline.
    pub fn read(path: &Path) -> Result<Baseline, Error> {
        let text = match std::fs::read_to_string(path) {
            Ok(text) => text,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Baseline::default()),
            Err(e) => return Err(Error::io(path, e)),
        };
        let file: File = serde_json::from_str(&text).map_err(|e| Error::Config {
            path: path.to_path_buf(),
            message: format!("not a shelf baseline: {e}"),
        })?;
        if file.version != VERSION {
            return Err(Error::Config {
                path: path.to_path_buf(),
                message: format!(
                    "baseline version {} (this shelf reads {VERSION}): run with --update-baseline",
                    file.version
                ),
            });
        }
        Ok(Baseline {
            entries: file.problems,
        })
    }

    /// The baseline a site names (`baseline` in shelf.toml), or an empty one when it names
    /// none: what build, serve and the language server subtract.
    pub fn configured(path: Option<&Path>) -> Result<Baseline, Error> {
        path.map_or_else(|| Ok(Baseline::default()), Baseline::read)
    }

    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// Takes the problems the baseline holds out of `diagnostics` (order kept) and returns
    /// how many: what `build`, `serve` and `shelf lsp` do with the site's baseline.
    pub fn hide(&self, diagnostics: &mut Vec<Diagnostic>, root: &Path) -> usize {
        if self.entries.is_empty() {
            return 0;
        }
        let split = self.split(std::mem::take(diagnostics), root, |_| false);
        *diagnostics = split.new;
        split.baselined_errors + split.baselined_warnings
    }

    /// Splits `diagnostics` into the new ones and those the baseline holds. `files` limits
    /// which recorded problems can be "gone" (a check of some files says nothing of the rest).
    pub fn split(
        &self,
        diagnostics: Vec<Diagnostic>,
        root: &Path,
        in_scope: impl Fn(&str) -> bool,
    ) -> Split {
        type Key = (String, String, String);
        let key = |e: &Entry| (e.file.clone(), e.rule.clone(), e.fingerprint.clone());
        let mut left: HashMap<Key, usize> = HashMap::new();
        for e in &self.entries {
            *left.entry(key(e)).or_default() += 1;
        }
        let mut split = Split::default();
        let mut unmatched = Vec::new();
        let count = |split: &mut Split, d: &Diagnostic| match d.severity {
            Severity::Error => split.baselined_errors += 1,
            Severity::Warning => split.baselined_warnings += 1,
        };
        for (entry, d) in entries(&diagnostics, root).into_iter().zip(diagnostics) {
            match left.get_mut(&key(&entry)).filter(|n| **n > 0) {
                Some(n) => {
                    *n -= 1;
                    count(&mut split, &d);
                }
                None => unmatched.push((entry, d)),
            }
        }
        // A renamed or moved file keeps its problems: an entry of a file that no longer
        // exists matches the same rule and fingerprint in a file the baseline does not know.
        // Only entries that could match a problem of an unknown file are looked at on disk.
        let root_abs = std::path::absolute(root).unwrap_or_else(|_| root.to_path_buf());
        let known_files: std::collections::HashSet<&str> =
            self.entries.iter().map(|e| e.file.as_str()).collect();
        let wanted: std::collections::HashSet<(&str, &str)> = unmatched
            .iter()
            .filter(|(e, _)| !known_files.contains(e.file.as_str()))
            .map(|(e, _)| (e.rule.as_str(), e.fingerprint.as_str()))
            .collect();
        let mut moved: HashMap<(String, String), Vec<Key>> = HashMap::new();
        for (k, n) in &left {
            if *n > 0
                && wanted.contains(&(k.1.as_str(), k.2.as_str()))
                && !root_abs.join(&k.0).exists()
            {
                moved
                    .entry((k.1.clone(), k.2.clone()))
                    .or_default()
                    .push(k.clone());
            }
        }
        for (entry, d) in unmatched {
            let taken = (!known_files.contains(entry.file.as_str()))
                .then(|| moved.get(&(entry.rule.clone(), entry.fingerprint.clone())))
                .flatten()
                .and_then(|keys| keys.iter().find(|k| left[*k] > 0).cloned());
            match taken {
                Some(k) => {
                    *left.get_mut(&k).unwrap() -= 1;
                    count(&mut split, &d);
                }
                None => {
                    split.new.push(d);
                    split.new_fingerprints.push(entry.fingerprint);
                }
            }
        }
        // Entries whose problem did not come back, among the files checked.
        let mut seen: HashMap<Key, usize> = HashMap::new();
        for e in &self.entries {
            let k = key(e);
            let remaining = left.get(&k).copied().unwrap_or(0);
            let n = seen.entry(k).or_default();
            *n += 1;
            if *n <= remaining && in_scope(&e.file) {
                split.gone.push(e.clone());
            }
        }
        split
    }
}

/// The baseline entries of `diagnostics` (same order), files relative to `root`.
pub fn entries(diagnostics: &[Diagnostic], root: &Path) -> Vec<Entry> {
    let root = std::path::absolute(root).unwrap_or_else(|_| root.to_path_buf());
    // How many problems of one rule about the same text come before, in each file.
    let mut order: Vec<usize> = (0..diagnostics.len()).collect();
    order.sort_by_key(|&i| {
        let d = &diagnostics[i];
        (&d.file, d.span.as_ref().map(|s| s.start), d.start)
    });
    // Problems found after the text was dropped (across articles, in discovery) have no
    // anchor: their message, which names what they are about, stands in.
    let anchors: Vec<u64> = diagnostics
        .iter()
        .map(|d| match d.anchor {
            0 => xxhash_rust::xxh3::xxh3_64(d.message.as_bytes()),
            anchor => anchor,
        })
        .collect();
    let mut occurrence = vec![0u32; diagnostics.len()];
    let mut counts: HashMap<(&Path, &str, u64), u32> = HashMap::new();
    for &i in &order {
        let d = &diagnostics[i];
        let n = counts
            .entry((d.file.as_path(), d.code, anchors[i]))
            .or_default();
        occurrence[i] = *n;
        *n += 1;
    }
    diagnostics
        .iter()
        .zip(occurrence)
        .zip(anchors)
        .map(|((d, nth), anchor)| {
            let mut hasher = Xxh3::new();
            hasher.update(d.code.as_bytes());
            hasher.update(&anchor.to_le_bytes());
            hasher.update(&nth.to_le_bytes());
            Entry {
                file: relative(&d.file, &root),
                rule: d.code.to_string(),
                fingerprint: format!("{:016x}", hasher.digest()),
                message: d.message.lines().next().unwrap_or("").to_string(),
            }
        })
        .collect()
}

/// The fingerprint of each of `diagnostics`, as the baseline records it (also SARIF's
/// `partialFingerprints`).
pub fn fingerprints(diagnostics: &[Diagnostic], root: &Path) -> Vec<String> {
    entries(diagnostics, root)
        .into_iter()
        .map(|e| e.fingerprint)
        .collect()
}

/// `file` relative to `root` (absolute), with `/`; as given when it is elsewhere.
pub fn relative(file: &Path, root: &Path) -> String {
    let abs = std::path::absolute(file).unwrap_or_else(|_| file.to_path_buf());
    let rel: PathBuf = abs
        .strip_prefix(root)
        .map_or(abs.clone(), Path::to_path_buf);
    rel.to_string_lossy().replace('\\', "/")
}

/// Writes the baseline of `diagnostics` to `path` (sorted, one problem per line); returns how
/// many entries were added and removed against `before`.
pub fn write(
    path: &Path,
    diagnostics: &[Diagnostic],
    root: &Path,
    before: &Baseline,
    checked: &dyn Fn(&str) -> bool,
) -> Result<(usize, usize), Error> {
    let mut new = entries(diagnostics, root);
    // What a check of some files cannot see stays as it was recorded.
    new.extend(before.entries.iter().filter(|e| !checked(&e.file)).cloned());
    new.sort();
    let mut text = format!(
        "{{\n  \"version\": {VERSION},\n  \"comment\": \"Problems this repository already had when it was recorded; shelf check --baseline fails only on others. Rewritten by shelf check --update-baseline.\",\n  \"problems\": ["
    );
    for (i, e) in new.iter().enumerate() {
        let line =
            serde_json::to_string(e).map_err(|e| Error::io(path, std::io::Error::other(e)))?;
        let _ = write!(text, "{}\n    {line}", if i == 0 { "" } else { "," });
    }
    text.push_str(if new.is_empty() {
        "]\n}\n"
    } else {
        "\n  ]\n}\n"
    });
    let dir = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    let name = path
        .file_name()
        .and_then(|n| n.to_str())
        .ok_or_else(|| Error::Usage(format!("{}: not a file name", path.display())))?;
    crate::base::nofollow::Dir::open(dir)
        .and_then(|d| d.replace(name, text.as_bytes(), true, None))
        .map_err(|e| Error::io(path, e))?;
    fn count(entries: &[Entry]) -> BTreeMap<&Entry, usize> {
        let mut m: BTreeMap<&Entry, usize> = BTreeMap::new();
        for e in entries {
            *m.entry(e).or_default() += 1;
        }
        m
    }
    let key = |e: &Entry| Entry {
        message: String::new(),
        ..e.clone()
    };
    let old: Vec<Entry> = before.entries.iter().map(key).collect();
    let now: Vec<Entry> = new.iter().map(key).collect();
    let (old, now) = (count(&old), count(&now));
    let added = now
        .iter()
        .map(|(e, n)| n.saturating_sub(old.get(e).copied().unwrap_or(0)))
        .sum();
    let removed = old
        .iter()
        .map(|(e, n)| n.saturating_sub(now.get(e).copied().unwrap_or(0)))
        .sum();
    Ok((added, removed))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::check::article::{Mode, parse};

    fn check(text: &str) -> Vec<Diagnostic> {
        parse(
            Path::new("/site/a.md"),
            "a.md",
            text.as_bytes(),
            Mode::Check,
        )
        .diagnostics
    }

    const ARTICLE: &str = "<properties pageTitle=\"T\" selfHelpType=\"generic\" articleId=\"a\" cloudEnvironments=\"public\" ownershipId=\"o\" authors=\"me\" service=\"s\" resource=\"r\" supportTopicIds=\"12345678\" productPesIds=\"12345\" />\n# T\n\nSee [the page](https://aka.ms/vm).\n\n[empty](https://)\n";

    #[test]
    fn fingerprints_survive_moved_lines_and_other_edits_but_not_a_changed_problem() {
        let before = check(ARTICLE);
        let baseline = Baseline {
            entries: entries(&before, Path::new("/site")),
        };
        assert_eq!(baseline.len(), before.len());
        // Lines added above, text changed elsewhere: nothing new.
        let moved = ARTICLE.replace("# T\n", "# T\n\nA new paragraph.\n\nAnother one.\n");
        let split = baseline.split(check(&moved), Path::new("/site"), |_| true);
        assert!(split.new.is_empty(), "{:?}", split.new);
        assert!(split.gone.is_empty());
        // The problem's own text changed, and one like it added: both new.
        let changed =
            moved.replace("https://aka.ms/vm", "https://aka.ms/vm2") + "\n[again](https://)\n";
        let split = baseline.split(check(&changed), Path::new("/site"), |_| true);
        let codes: Vec<_> = split.new.iter().map(|d| d.code).collect();
        assert_eq!(codes, ["SH403", "SH404"], "{:?}", split.new);
        assert_eq!(split.gone.len(), 1, "the old short link is gone");
        // Fixed: the entry no longer occurs.
        let fixed = ARTICLE.replace("[empty](https://)", "");
        let split = baseline.split(check(&fixed), Path::new("/site"), |_| true);
        assert!(split.new.is_empty());
        assert_eq!(split.gone.len(), 1);
        assert_eq!(split.gone[0].rule, "SH404");
    }

    #[test]
    fn a_renamed_file_keeps_its_problems_but_a_copy_does_not() {
        let parse_as = |path: &str| {
            parse(Path::new(path), "x.md", ARTICLE.as_bytes(), Mode::Check).diagnostics
        };
        let baseline = Baseline {
            entries: entries(&parse_as("/site/old.md"), Path::new("/site")),
        };
        // old.md is gone (nothing exists under /site): new.md is it, renamed.
        let split = baseline.split(parse_as("/site/new.md"), Path::new("/site"), |_| true);
        assert!(split.new.is_empty(), "{:?}", split.new);
        assert!(split.gone.is_empty());
        // Both the file and a copy: the copy's problems are new.
        let mut both = parse_as("/site/new.md");
        both.extend(parse_as("/site/copy.md"));
        let split = baseline.split(both, Path::new("/site"), |_| true);
        assert_eq!(split.new.len(), baseline.len());
        assert!(
            split
                .new
                .iter()
                .all(|d| d.file == Path::new("/site/copy.md"))
        );
    }

    #[test]
    fn the_file_is_sorted_one_problem_per_line_and_round_trips() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(".shelf-baseline.json");
        let found = check(ARTICLE);
        let (added, removed) = write(
            &path,
            &found,
            Path::new("/site"),
            &Baseline::default(),
            &|_| true,
        )
        .unwrap();
        assert_eq!((added, removed), (found.len(), 0));
        let text = std::fs::read_to_string(&path).unwrap();
        let lines: Vec<&str> = text.lines().filter(|l| l.contains("\"rule\"")).collect();
        assert_eq!(lines.len(), found.len());
        let mut sorted = lines.clone();
        sorted.sort();
        assert_eq!(lines, sorted);
        let read = Baseline::read(&path).unwrap();
        assert!(
            read.split(found.clone(), Path::new("/site"), |_| true)
                .new
                .is_empty()
        );
        // Rewriting it unchanged changes no byte.
        write(&path, &found, Path::new("/site"), &read, &|_| true).unwrap();
        assert_eq!(std::fs::read_to_string(&path).unwrap(), text);
    }
}
