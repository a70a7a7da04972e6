//! `shelf check`: load the whole source (every article is context for cross-article rules such as
//! duplicate IDs), validate without rendering, and keep the diagnostics of what was asked about:
//! some paths, the files a change touched (`--changed-since`), or text from standard input.

use std::collections::HashSet;
use std::path::{Path, PathBuf};

use crate::base::diagnostic::Diagnostic;
use crate::base::error::Error;
use crate::check::article::Mode;
use crate::check::changes::Changes;
use crate::check::rules::identity::removed_solution_article::RemovedArticle;
use crate::config::Config;
use crate::pipeline::load;

/// What to report on.
#[derive(Default)]
pub struct Request<'a> {
    /// Files or folders (none: the whole source).
    pub paths: &'a [PathBuf],
    /// Only the files changed since the merge base of this revision and HEAD (in the git
    /// repository of the source folder), and what the change's removals broke.
    pub changed_since: Option<&'a str>,
    /// Check this text as if it were the file at this path (`--stdin-filename`).
    pub stdin: Option<(&'a Path, &'a [u8])>,
    /// A progress bar over the files when stderr is a terminal.
    pub progress: bool,
}

/// What a check found in its scope.
pub struct Checked {
    pub diagnostics: Vec<Diagnostic>,
    /// Markdown files in scope.
    pub files: usize,
    /// Every source read, sorted by path, and the hash of each as it was read and checked
    /// (same order): `--fix` applies a file's fixes only to those very bytes.
    sources: Vec<crate::source::discover::SourceFile>,
    digests: Vec<u128>,
    scope: Scope,
    /// The file standard input stood for, as diagnostics name it.
    stdin_file: Option<PathBuf>,
    /// Time of each phase.
    pub timings: Vec<(&'static str, std::time::Duration)>,
    /// The articles read. Held here so that a process about to exit can leave them to the OS
    /// (`std::mem::forget`): freeing 15,000 articles one by one is a serial 25 ms.
    pub library: crate::source::library::Library,
}

/// The files reported on, as absolute paths with symlinks resolved.
struct Scope {
    /// Under any of these (none: everything).
    under: Vec<PathBuf>,
    /// And among these, when a change is checked.
    among: Option<HashSet<PathBuf>>,
    /// The source folder, absolute: diagnostics name files below `config.source`.
    source: PathBuf,
    configured: PathBuf,
}

impl Scope {
    fn contains_abs(&self, abs: &Path) -> bool {
        (self.under.is_empty() || self.under.iter().any(|s| abs.starts_with(s)))
            && self.among.as_ref().is_none_or(|set| set.contains(abs))
    }

    /// Whether `file` (as diagnostics name it) is reported on.
    fn contains(&self, file: &Path) -> bool {
        // Checking the whole source folder, named or not, reports on everything: no path of
        // the 20,000 problems of a large tree need be taken apart.
        let whole = self.under.is_empty() || self.under.contains(&self.source);
        if whole && self.among.is_none() {
            return true;
        }
        let below = file.strip_prefix(&self.configured).unwrap_or(file);
        self.contains_abs(&self.source.join(below))
    }
}

/// Checks the articles of `config.source` and keeps what `request` asks about. A single path
/// outside the configured source becomes the source. A path that does not exist or holds no
/// article is a usage error.
pub fn check(config: &Config, request: &Request) -> Result<Checked, Error> {
    let mut config = config.clone();
    // The change is read first: a path it deleted is no mistake, only nothing left to report.
    let changes = match request.changed_since {
        Some(rev) => Some(crate::check::changes::since(
            rev,
            &git_folder(&config, request.paths),
        )?),
        None => None,
    };
    let deleted = |p: &Path| {
        let abs = absolute_lenient(p);
        !p.exists()
            && changes
                .as_ref()
                .is_some_and(|c| c.removed.iter().any(|r| r.path.starts_with(&abs)))
    };
    let paths: Vec<PathBuf> = request
        .paths
        .iter()
        .filter(|p| !deleted(p))
        .cloned()
        .collect();
    let only_deleted = paths.is_empty() && !request.paths.is_empty();
    let request = &Request {
        paths: &paths,
        changed_since: request.changed_since,
        stdin: request.stdin,
        progress: request.progress,
    };
    let mut given: Vec<PathBuf> = request.paths.to_vec();
    let stdin_path = request
        .stdin
        .map(|(path, _)| absolute_new(path))
        .transpose()?;
    if let Some((path, _)) = request.stdin {
        given.push(path.to_path_buf());
    }
    let scopes: Vec<PathBuf> = request
        .paths
        .iter()
        .map(|p| absolute(p))
        .chain(stdin_path.clone().map(Ok))
        .collect::<Result<_, _>>()?;
    // A configured source that does not exist is no reason to refuse checking a given path.
    let configured = absolute(&config.source).ok();
    let inside = |p: &Path| configured.as_ref().is_some_and(|s| p.starts_with(s));
    if let [only] = scopes.as_slice()
        && !inside(only)
    {
        // The path as the user wrote it, so diagnostics name files the way they were asked.
        let given = &given[0];
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
    let mut context = load::Context {
        keep_baselined: true,
        ..Default::default()
    };
    let mut stdin_file = None;
    if let (Some((_, text)), Some(abs)) = (request.stdin, &stdin_path) {
        let rel = abs.strip_prefix(&source).unwrap_or(abs);
        stdin_file = Some(config.source.join(rel));
        context.overlay = Some((rel.to_string_lossy().replace('\\', "/"), text.to_vec()));
    }
    if let Some(changes) = &changes {
        context.removed = removed_articles(changes, &source);
    }
    let found = load::find(&config)?;
    let loaded = load::load_in_context(
        &config,
        None,
        Mode::Check,
        found,
        request.progress,
        &context,
    )?;
    let scope = Scope {
        under: scopes,
        // Paths that were all deleted: nothing of theirs to report, only what the change broke.
        among: match only_deleted {
            true => Some(HashSet::new()),
            false => changes.map(|c| c.changed.into_iter().collect()),
        },
        source,
        configured: config.source.clone(),
    };
    // A path asked about that holds no article is a mistake worth saying (a typo in CI would
    // otherwise be a green "0 files checked").
    for (asked, abs) in request.paths.iter().zip(&scope.under) {
        let below = |file: &Path| {
            let rel = file.strip_prefix(&scope.configured).unwrap_or(file);
            scope.source.join(rel).starts_with(abs)
        };
        // A file discovery refused (a symlink leading out) was there, and is reported.
        let holds = loaded.sources.iter().any(|f| below(&f.path))
            || loaded.diagnostics.iter().any(|d| below(&d.file));
        if !holds {
            return Err(Error::Usage(format!(
                "{}: no article (*.md) there to check{}",
                asked.display(),
                if config.exclude.is_empty() {
                    ""
                } else {
                    " (or the exclude globs of shelf.toml leave it out)"
                }
            )));
        }
    }
    let files = loaded
        .sources
        .iter()
        .filter(|f| scope.contains(&f.path))
        .count();
    let diagnostics = loaded
        .diagnostics
        .into_iter()
        .filter(|d| {
            scope.contains(&d.file)
                // What a removal broke is the change's, wherever it shows.
                || d.code == crate::check::rules::identity::removed_solution_article::REMOVED_SOLUTION_ARTICLE.code
        })
        .collect();
    Ok(Checked {
        diagnostics,
        files,
        sources: loaded.sources,
        digests: loaded.digests,
        scope,
        stdin_file,
        timings: loaded.timings,
        library: loaded.library,
    })
}

/// The articles a change removed (deleted, renamed out of the source, or renamed with another
/// articleId), read from their text at the base.
fn removed_articles(changes: &Changes, source: &Path) -> Vec<RemovedArticle> {
    let mut removed = Vec::new();
    for r in &changes.removed {
        let Ok(rel) = r.path.strip_prefix(source) else {
            continue;
        };
        let rel_text = rel.to_string_lossy().replace('\\', "/");
        if !crate::source::discover::is_markdown(r.path.file_name().unwrap_or_default()) {
            continue;
        }
        let parsed = crate::check::article::parse(&r.path, &rel_text, &r.text, Mode::Check);
        let Some(article) = parsed.article else {
            continue;
        };
        let how = match &r.renamed_to {
            Some(to) => match to.strip_prefix(source) {
                Ok(new) => format!(
                    "renames {rel_text} to {} and changes its articleId",
                    new.to_string_lossy().replace('\\', "/")
                ),
                Err(_) => format!("moves {rel_text} out of the source folder"),
            },
            None => format!("deletes {rel_text}"),
        };
        removed.push(RemovedArticle {
            article_id: article.meta.article_id.clone(),
            how,
        });
    }
    removed
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

    /// Whether diagnostics naming `file` are about the text of standard input.
    pub fn is_stdin(&self, file: &Path) -> bool {
        self.stdin_file.as_deref() == Some(file)
    }

    /// Whether the check reported on `file` (absolute, symlinks resolved in its folders, as
    /// [`std::fs::canonicalize`] gives them): a baseline entry of a file outside the scope says
    /// nothing about whether its problem is gone. No file system call: it is asked of every
    /// baseline entry.
    pub fn reported_on(&self, abs: &Path) -> bool {
        if self.scope.under.is_empty() && self.scope.among.is_none() {
            return true;
        }
        self.scope.contains_abs(abs)
    }
}

/// Where to ask git about the change: the folder of the first path given that exists, else
/// the source folder, else the current folder.
fn git_folder(config: &Config, paths: &[PathBuf]) -> PathBuf {
    paths
        .iter()
        .find_map(|p| match p.is_dir() {
            true => Some(p.clone()),
            false => p.parent().filter(|d| d.is_dir()).map(Path::to_path_buf),
        })
        .map(|d| {
            if d.as_os_str().is_empty() {
                PathBuf::from(".")
            } else {
                d
            }
        })
        .or_else(|| config.source.is_dir().then(|| config.source.clone()))
        .unwrap_or_else(|| PathBuf::from("."))
}

/// `p` made absolute through its nearest existing folder (symlinks resolved there), for paths
/// that may not exist.
fn absolute_lenient(p: &Path) -> PathBuf {
    let abs = std::path::absolute(p).unwrap_or_else(|_| p.to_path_buf());
    let mut existing = abs.as_path();
    let mut rest = Vec::new();
    while !existing.exists() {
        match (existing.parent(), existing.file_name()) {
            (Some(parent), Some(name)) => {
                rest.push(name.to_os_string());
                existing = parent;
            }
            _ => return abs,
        }
    }
    let mut out = std::fs::canonicalize(existing).unwrap_or_else(|_| existing.to_path_buf());
    out.extend(rest.iter().rev());
    out
}

fn absolute(p: &Path) -> Result<PathBuf, Error> {
    std::fs::canonicalize(p).map_err(|e| Error::Usage(format!("{}: {e}", p.display())))
}

/// [`absolute`] of a file that may not exist yet (its folder must).
fn absolute_new(p: &Path) -> Result<PathBuf, Error> {
    if let Ok(abs) = std::fs::canonicalize(p) {
        return Ok(abs);
    }
    let name = p
        .file_name()
        .ok_or_else(|| Error::Usage(format!("{}: not a file name", p.display())))?;
    let parent = match p.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent,
        _ => Path::new("."),
    };
    Ok(absolute(parent)?.join(name))
}
