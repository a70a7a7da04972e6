//! Skipping a build that would write the same site again.
//!
//! A build's output depends only on its inputs: every source file (path and bytes), the
//! template overrides, the resolved configuration, `SOURCE_DATE_EPOCH` and the shelf binary.
//! `shelf build` hashes them all (xxh3, reading the files in parallel; far cheaper than
//! parsing and rendering) and saves the hash with the build's report in `.shelf-cache/` under
//! the site root. When the next build's hash is the same, and the output folder is as that
//! build left it (same number of files, same bytes in all, nothing modified since: by the inode
//! change time on Unix, which catches an edit whose time stamp was put back), the
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
use xxhash_rust::xxh3::{Xxh3, xxh3_64};

use crate::base::diagnostic::{Diagnostic, Severity};
use crate::base::nofollow::{Dir, Kind};
use crate::config::Config;
use crate::site::output::Committed;
use crate::site::render::Written;
use crate::source::discover::SourceFile;

/// The folder under the site root that holds the build states.
pub const CACHE_DIR: &str = ".shelf-cache";

/// Bumped whenever the state file's shape or the meaning of the hash changes.
const FORMAT: u32 = 2;

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
    /// Problems not printed because the configured baseline holds them.
    pub baselined: usize,
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
        baselined: usize,
    ) -> Report {
        Report {
            written,
            sources,
            skipped,
            other_cloud,
            baselined,
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
    // What the baseline holds decides what the report says.
    if let Some(baseline) = &config.baseline {
        let bytes = std::fs::read(baseline).unwrap_or_default();
        hasher.update(&crate::source::read::digest_of(&bytes).to_le_bytes());
    }
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

use crate::source::read::{digest, read};

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

/// The name of the state file of builds to `config.output` in the cache folder.
fn state_name(config: &Config) -> String {
    let key = xxh3_64(target(config).as_os_str().as_encoded_bytes());
    format!("build-{key:016x}.json")
}

/// Whether `name` is one shelf gives a state file: the only files the cache prune deletes.
fn is_state_name(name: &str) -> bool {
    name.strip_prefix("build-")
        .and_then(|rest| rest.strip_suffix(".json"))
        .is_some_and(|key| key.len() == 16 && key.bytes().all(|b| b.is_ascii_hexdigit()))
}

/// The cache folder under `root`, opened without following a symlink: a `.shelf-cache` that is
/// a link (committed to a repository, say) is refused, never written or pruned through.
fn cache_dir(root: &Path, create: bool) -> io::Result<Dir> {
    Dir::open(root)?.child(CACHE_DIR, create)
}

fn target(config: &Config) -> PathBuf {
    std::path::absolute(&config.output).unwrap_or_else(|_| config.output.clone())
}

/// The report of the last build to `config.output`, when that build had this fingerprint and
/// its output is untouched since.
pub fn up_to_date(root: &Path, config: &Config, fingerprint: Fingerprint) -> Option<Report> {
    let text = cache_dir(root, false)
        .ok()?
        .read(&state_name(config))
        .ok()?;
    let state: State = serde_json::from_slice(&text).ok()?;
    if state.format != FORMAT
        || state.shelf != env!("CARGO_PKG_VERSION")
        || state.fingerprint != format!("{:032x}", fingerprint.0)
        || state.target != target(config)
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
    let dir = cache_dir(root, true)?;
    // Written beside, then renamed: a state file is whole or absent.
    let bytes = serde_json::to_vec(&state).map_err(io::Error::other)?;
    dir.replace(&state_name(config), &bytes, false, None)?;
    prune(&dir);
    Ok(())
}

/// Removes the states of output folders that no longer exist (temporary builds, renamed
/// outputs), so the cache does not grow without end. Only plain files named and shaped as
/// shelf's state files are ever deleted: whatever else is in the folder is not shelf's.
fn prune(dir: &Dir) {
    #[derive(Deserialize)]
    struct Target {
        target: PathBuf,
        format: u32,
    }
    let Ok(entries) = dir.entries() else {
        return;
    };
    for (name, kind) in entries {
        let Some(name) = name.to_str().filter(|n| is_state_name(n)) else {
            continue;
        };
        if kind != Kind::File {
            continue;
        }
        let state = dir
            .read(name)
            .ok()
            .and_then(|bytes| serde_json::from_slice::<Target>(&bytes).ok());
        if state.is_some_and(|s| s.format == FORMAT && !s.target.is_dir()) {
            let _ = dir.remove_file(name);
        }
    }
}

/// When a file's bytes or time stamps last changed, in nanoseconds since the epoch. On Unix this
/// is the later of the modification time and the inode change time, which no tool can set back:
/// a hand edit whose modification time was restored (`touch -r`, an editor keeping times) still
/// moves it.
fn changed(meta: &fs::Metadata) -> io::Result<u128> {
    let modified = nanos(meta.modified()?);
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        let ctime = u128::try_from(meta.ctime()).unwrap_or(0) * 1_000_000_000
            + u128::try_from(meta.ctime_nsec()).unwrap_or(0);
        Ok(modified.max(ctime))
    }
    #[cfg(not(unix))]
    Ok(modified)
}

fn nanos(time: SystemTime) -> u128 {
    time.duration_since(UNIX_EPOCH).map_or(0, |d| d.as_nanos())
}

/// Whether a build to `config.output` saved its state (if not, hashing the inputs first is
/// wasted work).
pub fn has_state(root: &Path, config: &Config) -> bool {
    config.output.is_dir()
        && cache_dir(root, false)
            .and_then(|dir| dir.kind(&state_name(config)))
            .is_ok_and(|kind| kind == Some(Kind::File))
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
                summary.newest = summary.newest.max(changed(&meta)?);
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
    use crate::source::read::digests;

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

        let found = Diagnostic::new(crate::check::rules::FILE_UNREADABLE, &config.source, "x");
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
            baselined: 0,
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
            !root.join(CACHE_DIR).join(state_name(&gone)).exists(),
            "the state of a deleted output"
        );
        assert!(has_state(root, &config));
    }

    #[test]
    fn an_edit_with_its_time_stamp_put_back_is_noticed() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        let config = config(root);
        fs::create_dir_all(&config.output).unwrap();
        let page = config.output.join("index.html");
        fs::write(&page, "home").unwrap();
        let files = vec![source(root, "articles/a.md", "one")];
        let fingerprint = of(&config, &files, &digests(&files), &[]).unwrap();
        let committed = Committed {
            unchanged: 0,
            files: 1,
            bytes: 4,
            at: SystemTime::now(),
        };
        let report = Report {
            written: Written::default(),
            sources: 1,
            skipped: 0,
            baselined: 0,
            other_cloud: 0,
            diagnostics: Vec::new(),
        };
        save(root, &config, fingerprint, &committed, &report).unwrap();
        assert!(up_to_date(root, &config, fingerprint).is_some());
        // Same size, and the modification time set back to what it was.
        let before = fs::metadata(&page).unwrap().modified().unwrap();
        std::thread::sleep(std::time::Duration::from_millis(20));
        fs::write(&page, "HOME").unwrap();
        fs::File::options()
            .write(true)
            .open(&page)
            .unwrap()
            .set_modified(before)
            .unwrap();
        assert_eq!(fs::metadata(&page).unwrap().modified().unwrap(), before);
        assert_eq!(up_to_date(root, &config, fingerprint), None);
    }

    #[cfg(unix)]
    #[test]
    fn a_symlinked_cache_folder_is_never_written_or_pruned_through() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("site");
        let elsewhere = dir.path().join("home");
        fs::create_dir_all(&root).unwrap();
        fs::create_dir_all(&elsewhere).unwrap();
        // Files a prune that followed the link would take for stale states.
        fs::write(elsewhere.join(".bashrc"), "mine").unwrap();
        fs::write(elsewhere.join("build-0123456789abcdef.json"), "not a state").unwrap();
        std::os::unix::fs::symlink(&elsewhere, root.join(CACHE_DIR)).unwrap();
        let config = config(&root);
        fs::create_dir_all(&config.output).unwrap();
        let files = vec![source(&root, "articles/a.md", "one")];
        let fingerprint = of(&config, &files, &digests(&files), &[]).unwrap();
        let committed = Committed {
            unchanged: 0,
            files: 0,
            bytes: 0,
            at: SystemTime::now(),
        };
        let report = Report {
            written: Written::default(),
            sources: 1,
            skipped: 0,
            baselined: 0,
            other_cloud: 0,
            diagnostics: Vec::new(),
        };
        let err = save(&root, &config, fingerprint, &committed, &report).unwrap_err();
        assert!(err.to_string().contains("symlink"), "{err}");
        assert!(!has_state(&root, &config));
        assert_eq!(up_to_date(&root, &config, fingerprint), None);
        let mut left: Vec<_> = fs::read_dir(&elsewhere)
            .unwrap()
            .map(|e| e.unwrap().file_name().into_string().unwrap())
            .collect();
        left.sort();
        assert_eq!(left, [".bashrc", "build-0123456789abcdef.json"]);
    }

    #[test]
    fn the_prune_deletes_only_stale_states_of_its_own_making() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        let cache = root.join(CACHE_DIR);
        fs::create_dir_all(&cache).unwrap();
        let stale = serde_json::json!({"target": root.join("gone"), "format": FORMAT});
        let foreign = [
            ("notes.txt", "x".to_string()),
            ("build-0123456789abcdef.json.bak", stale.to_string()),
            ("build-xyz.json", stale.to_string()),
            ("build-0123456789abcdef.json", "not json".to_string()),
        ];
        for (name, text) in &foreign {
            fs::write(cache.join(name), text).unwrap();
        }
        fs::write(cache.join("build-00000000000000aa.json"), stale.to_string()).unwrap();
        fs::create_dir(cache.join("build-00000000000000bb.json")).unwrap();
        prune(&Dir::open(&cache).unwrap());
        assert!(!cache.join("build-00000000000000aa.json").exists(), "stale");
        assert!(cache.join("build-00000000000000bb.json").is_dir());
        for (name, _) in &foreign {
            assert!(cache.join(name).exists(), "{name}");
        }
    }
}
