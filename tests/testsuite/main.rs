//! Integration tests: the real `shelf` binary run on fixture trees (written for these tests,
//! under `tests/fixtures`) and on the real corpus. One test binary; a module per command.

mod api;
mod architecture;
mod browser;
mod build;
mod check;
mod commonmark;
mod editors;
mod fuzzing;
mod gate;
mod hostile;
mod library;
mod lsp;
#[path = "../support/oracles.rs"]
mod oracles;
mod properties;
mod review;
mod rules;
mod safety;
mod scaffold;
mod scaling;
mod search;
mod serve;

use std::collections::BTreeMap;
use std::ffi::OsStr;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

pub fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name)
}

pub fn shelf(args: &[&str], cwd: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_shelf"))
        .args(args)
        .current_dir(cwd)
        .env("NO_COLOR", "1")
        .output()
        .expect("shelf runs")
}

/// [`shelf`] with `input` on its standard input (`--stdin-filename`, as editors and hooks run it).
pub fn shelf_with_stdin(args: &[&str], cwd: &Path, input: &str) -> Output {
    use std::io::Write as _;
    let mut child = Command::new(env!("CARGO_BIN_EXE_shelf"))
        .args(args)
        .current_dir(cwd)
        .env("NO_COLOR", "1")
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("shelf runs");
    // Written from a thread: a large input must not wait on an output nobody reads yet.
    let mut stdin = child.stdin.take().unwrap();
    let input = input.to_string();
    let writer = std::thread::spawn(move || stdin.write_all(input.as_bytes()));
    let output = child.wait_with_output().expect("shelf runs");
    writer.join().unwrap().unwrap();
    output
}

/// [`shelf`] with the build time fixed by `SOURCE_DATE_EPOCH`: the API index says when a site
/// was built, to the second, and only then do two builds compare byte for byte.
pub fn shelf_at_fixed_time(
    args: impl IntoIterator<Item = impl AsRef<OsStr>>,
    cwd: &Path,
) -> Output {
    Command::new(env!("CARGO_BIN_EXE_shelf"))
        .args(args)
        .current_dir(cwd)
        .env("NO_COLOR", "1")
        .env("SOURCE_DATE_EPOCH", "1700000000")
        .output()
        .expect("shelf runs")
}

/// Copies the tree `from` into `to` (tests that edit a source work on a copy).
pub fn copy_tree(from: &Path, to: &Path) {
    for entry in walkdir::WalkDir::new(from) {
        let entry = entry.unwrap();
        let target = to.join(entry.path().strip_prefix(from).unwrap());
        if entry.file_type().is_dir() {
            fs::create_dir_all(&target).unwrap();
        } else {
            fs::copy(entry.path(), &target).unwrap();
        }
    }
}

pub fn build(source: &Path, output: &Path, extra: &[&str]) -> Output {
    let mut args = vec![
        "build",
        "--source",
        source.to_str().unwrap(),
        "--output",
        output.to_str().unwrap(),
    ];
    args.extend(extra);
    shelf(&args, Path::new(env!("CARGO_MANIFEST_DIR")))
}

/// The diagnostics `shelf check --format json <args>` reports when run in `cwd`; the check must
/// finish (exit 0 or 1).
pub fn check_json(args: &[&str], cwd: &Path) -> Vec<serde_json::Value> {
    let mut all = vec!["check", "--format", "json"];
    all.extend(args);
    let o = shelf(&all, cwd);
    assert!(
        matches!(o.status.code(), Some(0 | 1)),
        "{args:?}: {}",
        stderr(&o)
    );
    let report: serde_json::Value = serde_json::from_slice(&o.stdout).expect("JSON report");
    report["diagnostics"].as_array().unwrap().clone()
}

pub fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

pub fn read(path: &Path) -> String {
    fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// Every file below `dir`, by relative path, with its bytes.
pub fn tree(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    walkdir::WalkDir::new(dir)
        .into_iter()
        .map(Result::unwrap)
        .filter(|e| e.file_type().is_file())
        .map(|e| {
            let rel = e
                .path()
                .strip_prefix(dir)
                .unwrap()
                .to_string_lossy()
                .into_owned();
            (rel, fs::read(e.path()).unwrap())
        })
        .collect()
}

pub fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}
