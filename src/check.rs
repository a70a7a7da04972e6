//! `shelf check`: load the whole source (every article is context for cross-article rules such as
//! duplicate IDs), validate without rendering, and keep the diagnostics of the requested paths.

use std::path::{Path, PathBuf};

use crate::article::Mode;
use crate::config::Config;
use crate::diagnostic::Diagnostic;
use crate::error::Error;
use crate::site;

/// What a check found in its scope.
pub struct Checked {
    pub diagnostics: Vec<Diagnostic>,
    /// Markdown files in scope.
    pub files: usize,
    /// Every source read, sorted by path, and the hash of each as it was read and checked
    /// (same order): `--fix` applies a file's fixes only to those very bytes.
    sources: Vec<crate::discover::SourceFile>,
    digests: Vec<u128>,
    /// Time of each phase.
    pub timings: Vec<(&'static str, std::time::Duration)>,
}

/// Checks the articles below `paths` (files or folders inside the source), or the whole source
/// when `paths` is empty. A single path outside the configured source becomes the source.
/// `progress` shows a bar over the files when stderr is a terminal.
pub fn check(config: &Config, paths: &[PathBuf], progress: bool) -> Result<Checked, Error> {
    let mut config = config.clone();
    let scopes: Vec<PathBuf> = paths
        .iter()
        .map(|p| absolute(p))
        .collect::<Result<_, _>>()?;
    // A configured source that does not exist is no reason to refuse checking a given path.
    let configured = absolute(&config.source).ok();
    let inside = |p: &Path| configured.as_ref().is_some_and(|s| p.starts_with(s));
    if let [only] = scopes.as_slice()
        && !inside(only)
    {
        // The path as the user wrote it, so diagnostics name files the way they were asked.
        let given = &paths[0];
        config.source = if only.is_dir() {
            given.clone()
        } else {
            match given.parent() {
                Some(parent) if !parent.as_os_str().is_empty() => parent.to_path_buf(),
                _ => PathBuf::from("."),
            }
        };
    } else if let Some(outside) = scopes.iter().find(|s| !inside(s)) {
        return Err(Error::Usage(format!(
            "{} is outside the source folder {}; check one folder at a time",
            outside.display(),
            config.source.display()
        )));
    }
    let source = absolute(&config.source)?;
    let loaded = site::load_with_progress(&config, None, Mode::Check, progress)?;
    let in_scope = |file: &Path| {
        if scopes.is_empty() {
            return true;
        }
        let abs = source.join(file.strip_prefix(&config.source).unwrap_or(file));
        scopes.iter().any(|s| abs.starts_with(s))
    };
    let files = if scopes.is_empty() {
        loaded.sources.len()
    } else {
        loaded.sources.iter().filter(|f| in_scope(&f.path)).count()
    };
    let diagnostics = loaded
        .diagnostics
        .into_iter()
        .filter(|d| in_scope(&d.file))
        .collect();
    Ok(Checked {
        diagnostics,
        files,
        sources: loaded.sources,
        digests: loaded.digests,
        timings: loaded.timings,
    })
}

impl Checked {
    /// The hash of `file` (as diagnostics name it) as the check read it.
    pub fn digest_of(&self, file: &Path) -> Option<u128> {
        // Sources are sorted by their path below the source, so by their full path too.
        let at = self
            .sources
            .binary_search_by(|s| s.path.as_path().cmp(file))
            .ok()
            .or_else(|| self.sources.iter().position(|s| s.path == file))?;
        self.digests.get(at).copied()
    }
}

fn absolute(p: &Path) -> Result<PathBuf, Error> {
    std::fs::canonicalize(p).map_err(|e| Error::Usage(format!("{}: {e}", p.display())))
}
