//! Skipping a build that would write the same site again.
//!
//! A build's output depends only on its inputs: every source file (path and bytes), the
//! template overrides, the resolved configuration, `SOURCE_DATE_EPOCH` and the shelf binary.
//! `shelf build` hashes them all (xxh3, reading the files in parallel; far cheaper than
//! parsing and rendering) and saves the hash with the build's report in `.shelf-cache/` under
//! the site root. When the next build's hash is the same, and the output folder is as that
//! build left it (same number of files, same bytes in all, same newest modification time), the
//! site on disk is already what the build would write: the saved report is printed again and
//! nothing is written. `shelf build --force` builds anyway.
//!
//! The cache is never trusted beyond that: a cache file that is missing, unreadable, from
//! another version or for other inputs means a full build.

use std::fs;
use std::io;
use std::path::{Path, PathBuf};
use std::time::{SystemTime, UNIX_EPOCH};

use rayon::prelude::*;
use serde::{Deserialize, Serialize};
use xxhash_rust::xxh3::{Xxh3, xxh3_64, xxh3_128};

use crate::config::Config;
use crate::diagnostic::{Diagnostic, Severity};
use crate::discover::SourceFile;
use crate::output::Committed;
use crate::render::Written;

/// The folder under the site root that holds the build states.
pub const CACHE_DIR: &str = ".shelf-cache";

/// Bumped whenever the state file's shape or the meaning of the hash changes.
const FORMAT: u32 = 1;

/// The hash of everything a build reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Fingerprint(u128);

/// What a build printed and returned, kept so that a skipped build can say it again.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Report {
    pub written: Written,
    /// Markdown files found.
    pub sources: usize,
    /// Files that could not be made into an article.
    pub skipped: usize,
    /// Articles left out because they are not published to the build's cloud.
    pub other_cloud: usize,
    /// Every diagnostic, as printed.
    pub diagnostics: Vec<ReportLine>,
}

/// One diagnostic as text.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ReportLine {
    pub severity: Severity,
    pub text: String,
}

impl Report {
    pub fn new(
        written: Written,
        sources: usize,
        skipped: usize,
        other_cloud: usize,
        diagnostics: &[Diagnostic],
    ) -> Report {
        Report {
            written,
            sources,
            skipped,
            other_cloud,
            diagnostics: diagnostics
                .iter()
                .map(|d| ReportLine {
                    severity: d.severity,
                    text: d.to_string(),
                })
                .collect(),
        }
    }

    pub fn errors(&self) -> usize {
        self.diagnostics
            .iter()
            .filter(|d| d.severity == Severity::Error)
            .count()
    }

    pub fn warnings(&self) -> usize {
        self.diagnostics.len() - self.errors()
    }
}

/// The shape of the output folder, enough to notice that anything in it was changed, added or
/// deleted since the build that wrote it: as many files and bytes, none modified after.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
struct OutputSummary {
    files: u64,
    bytes: u64,
    /// Nanoseconds since the epoch: the newest modification (of what is on disk), or when the
    /// build was done (saved).
    newest: u128,
}

/// The saved state of the last build to one output folder.
#[derive(Serialize, Deserialize)]
struct State {
    /// The output folder, absolute.
    target: PathBuf,
    format: u32,
    shelf: String,
    fingerprint: String,
    output: OutputSummary,
    report: Report,
}

/// Hashes the inputs of a build of `config`: the discovered `files`, whose bytes hash to
/// `digests` (see [`digest`]), and what discovery reported (`found`). None when the shelf
/// binary cannot be identified (then nothing is ever skipped).
pub fn of(
    config: &Config,
    files: &[SourceFile],
    digests: &[u128],
    found: &[Diagnostic],
) -> Option<Fingerprint> {
    let mut hasher = Xxh3::new();
    hasher.update(&FORMAT.to_le_bytes());
    hasher.update(binary_identity()?.as_bytes());
    // The resolved configuration: paths, cloud, search, title, base URL, rule levels.
    hasher.update(format!("{config:?}").as_bytes());
    let epoch = std::env::var("SOURCE_DATE_EPOCH").unwrap_or_default();
    hasher.update(format!("\0SOURCE_DATE_EPOCH={epoch}\0").as_bytes());
    for d in found {
        hasher.update(d.to_string().as_bytes());
    }
    for (file, digest) in files.iter().zip(digests) {
        hasher.update(file.rel.as_bytes());
        hasher.update(b"\0");
        hasher.update(&digest.to_le_bytes());
    }
    hasher.update(b"\0templates\0");
    for path in template_files(&config.templates) {
        let rel = path.strip_prefix(&config.templates).unwrap_or(&path);
        hasher.update(rel.as_os_str().as_encoded_bytes());
        hasher.update(b"\0");
        hasher.update(&digest(&read(&path)).to_le_bytes());
    }
    Some(Fingerprint(hasher.digest128()))
}

/// How a source file is read, as the parser reads it.
pub use crate::rules::file::size::read;

/// The hash of a file as read: its bytes, or what kept it from being read.
pub fn digest(read: &Result<(Vec<u8>, Option<Diagnostic>), Box<Diagnostic>>) -> u128 {
    match read {
        Ok((bytes, _)) => xxh3_128(bytes),
        Err(unread) => xxh3_128(unread.message.as_bytes()) ^ 1,
    }
}

/// Reads and hashes every file, in parallel.
pub fn digests(files: &[SourceFile]) -> Vec<u128> {
    files.par_iter().map(|f| digest(&read(&f.path))).collect()
}

/// Every file under the template overrides folder, sorted; none when there is no such folder.
fn template_files(dir: &Path) -> Vec<PathBuf> {
    walkdir::WalkDir::new(dir)
        .sort_by_file_name()
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file())
        .map(walkdir::DirEntry::into_path)
        .collect()
}

/// The shelf binary: its version, and the size and time of the executable, so that a rebuilt
/// shelf (new templates, new rules) never reuses a state written by another.
fn binary_identity() -> Option<String> {
    let exe = std::env::current_exe().ok()?;
    let meta = fs::metadata(exe).ok()?;
    let modified = meta.modified().ok()?.duration_since(UNIX_EPOCH).ok()?;
    Some(format!(
        "shelf {} {} {}",
        env!("CARGO_PKG_VERSION"),
        meta.len(),
        modified.as_nanos()
    ))
}

/// Where the state of builds to `config.output` is kept.
fn state_path(root: &Path, config: &Config) -> PathBuf {
    let key = xxh3_64(target(config).as_os_str().as_encoded_bytes());
    root.join(CACHE_DIR).join(format!("build-{key:016x}.json"))
}

fn target(config: &Config) -> PathBuf {
    std::path::absolute(&config.output).unwrap_or_else(|_| config.output.clone())
}

/// The report of the last build to `config.output`, when that build had this fingerprint and
/// its output is untouched since.
pub fn up_to_date(root: &Path, config: &Config, fingerprint: Fingerprint) -> Option<Report> {
    let text = fs::read(state_path(root, config)).ok()?;
    let state: State = serde_json::from_slice(&text).ok()?;
    if state.format != FORMAT
        || state.shelf != env!("CARGO_PKG_VERSION")
        || state.fingerprint != format!("{:032x}", fingerprint.0)
    {
        return None;
    }
    let now = summarize(&config.output).ok()?;
    let saved = state.output;
    let untouched =
        now.files == saved.files && now.bytes == saved.bytes && now.newest <= saved.newest;
    untouched.then_some(state.report)
}

/// Saves the state of a build just `committed` to `config.output`.
pub fn save(
    root: &Path,
    config: &Config,
    fingerprint: Fingerprint,
    committed: &Committed,
    report: &Report,
) -> io::Result<()> {
    let state = State {
        target: target(config),
        format: FORMAT,
        shelf: env!("CARGO_PKG_VERSION").into(),
        fingerprint: format!("{:032x}", fingerprint.0),
        output: OutputSummary {
            files: committed.files,
            bytes: committed.bytes,
            newest: nanos(committed.at),
        },
        report: report.clone(),
    };
    let path = state_path(root, config);
    let dir = path
        .parent()
        .expect("the state file is in the cache folder");
    fs::create_dir_all(dir)?;
    // Written beside, then renamed: a state file is whole or absent.
    let part = path.with_extension("json.part");
    fs::write(&part, serde_json::to_vec(&state).map_err(io::Error::other)?)?;
    fs::rename(&part, &path)?;
    prune(dir);
    Ok(())
}

/// Removes the states of output folders that no longer exist (temporary builds, renamed
/// outputs), so the cache does not grow without end.
fn prune(dir: &Path) {
    #[derive(Deserialize)]
    struct Target {
        target: PathBuf,
    }
    let Ok(entries) = fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        let target = fs::read(&path)
            .ok()
            .and_then(|bytes| serde_json::from_slice::<Target>(&bytes).ok());
        if target.is_none_or(|t| !t.target.is_dir()) {
            let _ = fs::remove_file(path);
        }
    }
}

fn nanos(time: SystemTime) -> u128 {
    time.duration_since(UNIX_EPOCH).map_or(0, |d| d.as_nanos())
}

/// Whether a build to `config.output` saved its state (if not, hashing the inputs first is
/// wasted work).
pub fn has_state(root: &Path, config: &Config) -> bool {
    state_path(root, config).is_file() && config.output.is_dir()
}

/// Counts the files and bytes under `dir` and finds the newest modification, one top-level
/// entry per thread.
fn summarize(dir: &Path) -> io::Result<OutputSummary> {
    let entries = fs::read_dir(dir)?.collect::<Result<Vec<_>, _>>()?;
    let parts = entries
        .par_iter()
        .map(|entry| {
            let mut summary = OutputSummary {
                files: 0,
                bytes: 0,
                newest: 0,
            };
            for e in walkdir::WalkDir::new(entry.path()) {
                let e = e.map_err(io::Error::other)?;
                let meta = e.metadata().map_err(io::Error::other)?;
                summary.newest = summary.newest.max(nanos(meta.modified()?));
                if meta.is_file() {
                    summary.files += 1;
                    summary.bytes += meta.len();
                }
            }
            Ok(summary)
        })
        .collect::<io::Result<Vec<_>>>()?;
    Ok(parts.into_iter().fold(
        OutputSummary {
            files: 0,
            bytes: 0,
            newest: 0,
        },
        |a, b| OutputSummary {
            files: a.files + b.files,
            bytes: a.bytes + b.bytes,
            newest: a.newest.max(b.newest),
        },
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn source(dir: &Path, rel: &str, text: &str) -> SourceFile {
        let path = dir.join(rel);
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        fs::write(&path, text).unwrap();
        SourceFile {
            path,
            rel: rel.into(),
        }
    }

    fn config(dir: &Path) -> Config {
        Config {
            source: dir.join("articles"),
            output: dir.join("output"),
            templates: dir.join("templates"),
            ..Config::default()
        }
    }

    #[test]
    fn any_input_changes_the_fingerprint() {
        let dir = tempfile::tempdir().unwrap();
        let config = config(dir.path());
        let a = source(dir.path(), "articles/a.md", "one");
        let b = source(dir.path(), "articles/b.md", "two");
        let files = vec![a, b];
        let hash = |config: &Config, files: &[SourceFile]| {
            of(config, files, &digests(files), &[]).unwrap()
        };
        let first = hash(&config, &files);
        assert_eq!(
            hash(&config, &files),
            first,
            "the same inputs hash the same"
        );

        fs::write(&files[1].path, "two!").unwrap();
        let edited = hash(&config, &files);
        assert_ne!(edited, first, "a file's bytes");

        let renamed = vec![
            files[0].clone(),
            SourceFile {
                path: files[1].path.clone(),
                rel: "articles/c.md".into(),
            },
        ];
        assert_ne!(hash(&config, &renamed), edited, "a file's path");

        let mut no_search = config.clone();
        no_search.search = false;
        assert_ne!(hash(&no_search, &files), edited, "the configuration");

        let found = Diagnostic::new(crate::rules::FILE_UNREADABLE, &config.source, "x");
        let with_found = of(&config, &files, &digests(&files), &[found]).unwrap();
        assert_ne!(with_found, edited, "what discovery reported");

        fs::create_dir_all(&config.templates).unwrap();
        fs::write(config.templates.join("base.html"), "{{ x }}").unwrap();
        assert_ne!(hash(&config, &files), edited, "a template override");
    }

    #[test]
    fn a_saved_state_holds_until_the_output_is_touched() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        let config = config(root);
        fs::create_dir_all(config.output.join("articles")).unwrap();
        fs::write(config.output.join("index.html"), "home").unwrap();
        fs::write(config.output.join("articles/a.html"), "a").unwrap();
        let files = vec![source(root, "articles/a.md", "one")];
        let fingerprint = of(&config, &files, &digests(&files), &[]).unwrap();
        let committed = |bytes| Committed {
            unchanged: 0,
            files: 2,
            bytes,
            at: SystemTime::now(),
        };
        let report = Report {
            written: Written {
                articles: 1,
                files: 2,
                ..Written::default()
            },
            sources: 1,
            skipped: 0,
            other_cloud: 0,
            diagnostics: vec![ReportLine {
                severity: Severity::Warning,
                text: "articles/a.md:1:1: warning[SH007/x]: y".into(),
            }],
        };
        assert_eq!(
            up_to_date(root, &config, fingerprint),
            None,
            "nothing saved yet"
        );
        assert!(!has_state(root, &config));
        save(root, &config, fingerprint, &committed(4), &report).unwrap();
        assert_eq!(up_to_date(root, &config, fingerprint), None, "bytes differ");
        save(root, &config, fingerprint, &committed(5), &report).unwrap();
        assert!(has_state(root, &config));
        assert_eq!(up_to_date(root, &config, fingerprint), Some(report.clone()));

        let other = Fingerprint(fingerprint.0 ^ 1);
        assert_eq!(up_to_date(root, &config, other), None, "other inputs");

        // A page deleted from the output.
        fs::remove_file(config.output.join("articles/a.html")).unwrap();
        assert_eq!(up_to_date(root, &config, fingerprint), None);
        fs::write(config.output.join("articles/a.html"), "a").unwrap();
        save(root, &config, fingerprint, &committed(5), &report).unwrap();
        assert!(up_to_date(root, &config, fingerprint).is_some());
        // A page edited in place, same size.
        std::thread::sleep(std::time::Duration::from_millis(20));
        fs::write(config.output.join("index.html"), "HOME").unwrap();
        assert_eq!(up_to_date(root, &config, fingerprint), None);

        // Saving prunes the states of outputs that are gone, and only those.
        let mut gone = config.clone();
        gone.output = root.join("gone");
        fs::create_dir_all(&gone.output).unwrap();
        save(root, &gone, fingerprint, &committed(0), &report).unwrap();
        assert!(has_state(root, &gone));
        fs::remove_dir_all(&gone.output).unwrap();
        save(root, &config, fingerprint, &committed(5), &report).unwrap();
        assert!(
            !state_path(root, &gone).exists(),
            "the state of a deleted output"
        );
        assert!(has_state(root, &config));
    }
}
