//! `shelf serve`: builds the site, serves it on 127.0.0.1, watches the source, templates and
//! config, rebuilds what a change touches ([`session`]) and reloads open pages ([`http`]).
//!
//! [`lsp`] is the language server (`shelf lsp`), the same checks for an editor.
//!
//! Layer 7, the top of the library: imports every layer below it (mostly [`crate::pipeline`]
//! for loading and [`crate::site`] for rendering what changed).

pub mod http;
pub mod lsp;
pub mod session;

use std::io::{IsTerminal, Write};
use std::net::{IpAddr, SocketAddr};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::mpsc::{Receiver, RecvTimeoutError, channel};
use std::time::{Duration, Instant};

use notify::{EventKind, RecursiveMode, Watcher};

use crate::base::diagnostic::{Diagnostic, Severity};
use crate::base::error::Error;
use crate::config::{Config, Output, Overrides};
use http::{Live, Shown, Status};
use session::{Change, Rebuilt, Session};

/// After the first event of a save, how long to wait for the rest of it (editors write a
/// file in several steps), and the longest a burst of events may delay a rebuild.
const QUIET: Duration = Duration::from_millis(8);
const MAX_DELAY: Duration = Duration::from_millis(60);

pub struct Options {
    pub bind: IpAddr,
    pub port: u16,
    pub open: bool,
    /// Print each rebuild's phases and warnings too.
    pub verbose: bool,
    /// Host names answered besides IP addresses and `localhost` (see [`http`]).
    pub allowed_hosts: Vec<String>,
    /// `--color`.
    pub color: crate::check::emit::ColorChoice,
    /// The configuration file (`--config`, else `shelf.toml` in the root), watched too.
    pub config_file: PathBuf,
}

/// Serves until the process is stopped.
pub fn run(root: &Path, overrides: &Overrides, options: &Options) -> Result<(), Error> {
    // A preview shows pages whatever the site deploys.
    let load = || {
        Config::load_file(root, &options.config_file).map(|c| {
            let mut c = c.with(overrides);
            if !c.writes(Output::Pages) {
                c.outputs.insert(0, Output::Pages);
            }
            c
        })
    };
    let config = load()?;
    // Watching starts before the first build, so a save made while it runs is not missed.
    let (mut watcher, mut rx, mut watched) = start_watching(root, &config, &options.config_file)?;
    let cloud = config.cloud;
    let (mut session, first) = Session::start(config, cloud)?;
    report(&first, true, options);
    let live = Arc::new(Live::new(Status {
        output: session.config.output.clone(),
        pages: session.pages(),
        ..Status::default()
    }));
    let addr = http::start(
        SocketAddr::new(options.bind, options.port),
        Arc::clone(&live),
        options.allowed_hosts.clone(),
    )
    .map_err(Error::Usage)?;
    let url = format!("http://{addr}/");
    if !options.bind.is_loopback() {
        eprintln!(
            "warning: serving on {} — other machines can reach this site",
            options.bind
        );
    }
    // Tests and scripts read this line to find the port.
    println!("serving {} at {url}", session.config.output.display());
    let _ = std::io::stdout().flush();
    if options.open
        && let Err(e) = opener::open_browser(&url)
    {
        eprintln!("could not open a browser: {e}");
    }

    loop {
        eprintln!(
            "watching {} for changes; Ctrl-C stops",
            session.config.source.display()
        );
        // Runs until the config changes, then everything is set up again from it.
        let reconfigure = watch(&rx, &mut watcher, &watched, &mut session, &live, options);
        if !reconfigure {
            return Ok(());
        }
        let config = match load() {
            Ok(config) => config,
            Err(e) => {
                // Keep serving the last site; the next save of shelf.toml tries again.
                show_failure(&live, &e, options.config_file.clone());
                continue;
            }
        };
        (watcher, rx, watched) = start_watching(root, &config, &options.config_file)?;
        let cloud = config.cloud;
        match Session::start(config, cloud) {
            Ok((new, rebuilt)) => {
                session = new;
                report(&rebuilt, true, options);
                live.publish(|s| {
                    s.output = session.config.output.clone();
                    s.pages = session.pages();
                    s.errors.clear();
                });
            }
            Err(e) => show_failure(&live, &e, options.config_file.clone()),
        }
    }
}

type Events = Receiver<notify::Result<notify::Event>>;

/// A watcher on the source, templates and config of `config`, and where its events arrive.
fn start_watching(
    root: &Path,
    config: &Config,
    config_file: &Path,
) -> Result<(notify::RecommendedWatcher, Events, Watched), Error> {
    let (tx, rx) = channel();
    let mut watcher = notify::recommended_watcher(tx)
        .map_err(|e| Error::Usage(format!("cannot watch for changes: {e}")))?;
    let watched = Watched::new(root, config, config_file);
    watched.register(&mut watcher)?;
    Ok((watcher, rx, watched))
}

/// The absolute paths being watched and what a change below each means.
struct Watched {
    source: PathBuf,
    /// As the session names it (a path may be relative, and the source may be a symlink).
    source_as_given: PathBuf,
    templates: PathBuf,
    config_file: PathBuf,
    /// The configured baseline file: a change to it is read as a change of configuration.
    baseline: Option<PathBuf>,
    root: PathBuf,
    output: PathBuf,
}

impl Watched {
    fn new(root: &Path, config: &Config, config_file: &Path) -> Watched {
        // Event paths are absolute and resolved; a folder that does not exist yet (templates)
        // is named from its resolved parent.
        let abs = |p: &Path| {
            std::fs::canonicalize(p).unwrap_or_else(|_| {
                let parent = p.parent().filter(|p| !p.as_os_str().is_empty());
                let parent = std::fs::canonicalize(parent.unwrap_or(Path::new(".")));
                match (parent, p.file_name()) {
                    (Ok(parent), Some(name)) => parent.join(name),
                    _ => p.to_path_buf(),
                }
            })
        };
        Watched {
            source: abs(&config.source),
            source_as_given: config.source.clone(),
            templates: abs(&config.templates),
            config_file: abs(config_file),
            baseline: config.baseline.as_deref().map(abs),
            root: abs(root),
            output: abs(&config.output),
        }
    }

    fn register(&self, watcher: &mut impl Watcher) -> Result<(), Error> {
        watcher
            .watch(&self.source, RecursiveMode::Recursive)
            .map_err(|e| Error::Usage(format!("cannot watch {}: {e}", self.source.display())))?;
        if self.templates.is_dir() {
            // Templates are optional; a folder that cannot be watched only costs reloads.
            let _ = watcher.watch(&self.templates, RecursiveMode::Recursive);
        }
        // shelf.toml, and a templates folder created later.
        let _ = watcher.watch(&self.root, RecursiveMode::NonRecursive);
        if let Some(folder) = self.baseline.as_deref().and_then(Path::parent)
            && folder != self.root
        {
            let _ = watcher.watch(folder, RecursiveMode::NonRecursive);
        }
        Ok(())
    }
}

/// What a batch of events asks for.
#[derive(Debug, Default, PartialEq, Eq)]
struct Batch {
    change: Change,
    config: bool,
}

impl Batch {
    fn is_empty(&self) -> bool {
        *self == Batch::default()
    }

    fn add(&mut self, w: &Watched, path: &Path) {
        if path.starts_with(&w.output) {
            return;
        }
        if path == w.config_file || w.baseline.as_deref() == Some(path) {
            self.config = true;
        } else if let Ok(rel) = path.strip_prefix(&w.source) {
            let hidden = rel
                .components()
                .any(|c| c.as_os_str().to_string_lossy().starts_with('.'));
            if hidden {
                // Never read (discover skips them), e.g. `.git` or an editor's swap files.
                return;
            }
            let is_md = path
                .extension()
                .is_some_and(|x| x.eq_ignore_ascii_case("md"));
            if is_md {
                self.change.files.insert(w.source_as_given.join(rel));
            } else if path.is_dir() || (!path.exists() && path.extension().is_none()) {
                // A folder came, went or was renamed: its articles did too.
                self.change.rescan = true;
            }
        } else if path.starts_with(&w.templates) {
            self.change.templates = true;
        }
        // Anything else beside shelf.toml is not the site's business.
    }
}

/// Rebuilds on every batch of changes until the config file changes (returns true) or the
/// watcher stops (false).
fn watch(
    rx: &Events,
    watcher: &mut impl Watcher,
    w: &Watched,
    session: &mut Session,
    live: &Live,
    options: &Options,
) -> bool {
    let verbose = options.verbose;
    loop {
        let Ok(first) = rx.recv() else {
            return false;
        };
        let mut batch = Batch::default();
        let started = Instant::now();
        let mut next = Some(first);
        while let Some(event) = next.take() {
            match event {
                Ok(event) if !matches!(event.kind, EventKind::Access(_)) => {
                    for path in &event.paths {
                        batch.add(w, path);
                    }
                }
                Ok(_) => {}
                // The kernel dropped events (queue overflow): look at everything again.
                Err(_) => batch.change.rescan = true,
            }
            let left = MAX_DELAY.saturating_sub(started.elapsed());
            next = match rx.recv_timeout(QUIET.min(left)) {
                Ok(event) => Some(event),
                Err(RecvTimeoutError::Timeout) => None,
                Err(RecvTimeoutError::Disconnected) => return false,
            };
        }
        if batch.config {
            return true;
        }
        if batch.is_empty() {
            continue;
        }
        if batch.change.templates && w.templates.is_dir() {
            // The folder may be new; watching it again is harmless.
            let _ = watcher.watch(&w.templates, RecursiveMode::Recursive);
        }
        match session.apply(&batch.change) {
            // Events that changed nothing (a file touched, a folder made empty).
            Ok(rebuilt) if rebuilt.changed.is_empty() && !batch.change.templates => {}
            Ok(rebuilt) => {
                report(&rebuilt, false, options);
                let errors: Vec<Shown> = session
                    .overlay_diagnostics()
                    .iter()
                    .map(Shown::of)
                    .collect();
                let gone: Vec<(String, String)> = rebuilt
                    .removed
                    .iter()
                    .filter(|p| p.starts_with("articles/"))
                    .map(|p| (p.clone(), gone_reason(&rebuilt)))
                    .collect();
                live.publish(|s| {
                    s.errors = errors;
                    s.pages = session.pages();
                    for page in s.pages.iter().map(|p| p.0.clone()).collect::<Vec<_>>() {
                        s.gone.remove(&page);
                    }
                    s.gone.extend(gone);
                });
                // Pages first, then the search index: the reload does not wait for it.
                if rebuilt.search_pending {
                    match session.reindex() {
                        Ok(took) if verbose => eprintln!(
                            "  search index rewritten in {:.0} ms",
                            took.as_secs_f64() * 1000.0
                        ),
                        Ok(_) => {}
                        Err(e) => show_failure(live, &e, session.config.output.clone()),
                    }
                }
            }
            Err(e) => {
                let file = if batch.change.templates {
                    session.config.templates.clone()
                } else {
                    session.config.source.clone()
                };
                show_failure(live, &e, file);
            }
        }
    }
}

fn gone_reason(rebuilt: &Rebuilt) -> String {
    format!(
        "This page was removed while serving: its article changed ({}) and no longer makes \
         this page — it was deleted, renamed, given another articleId, or has an error that \
         keeps it from building.",
        rebuilt.changed.join(", ")
    )
}

/// A rebuild that could not be made (a template that does not compile, a config that does
/// not parse): the terminal and the overlay say why; the previous site stays.
fn show_failure(live: &Live, e: &Error, file: PathBuf) {
    eprintln!("error: {e}");
    let shown = Shown {
        severity: crate::base::diagnostic::Severity::Error,
        location: file.display().to_string(),
        code: "build",
        rule: "",
        message: e.to_string(),
        help: None,
    };
    live.publish(|s| s.errors = vec![shown]);
}

/// One line per rebuild, then its diagnostics, on stderr.
fn report(rebuilt: &Rebuilt, first: bool, options: &Options) {
    let verbose = options.verbose;
    let color = crate::check::emit::use_color(options.color, std::io::stderr().is_terminal());
    let ms = rebuilt.took.as_secs_f64() * 1000.0;
    let w = &rebuilt.written;
    if first {
        eprintln!(
            "built {} article{} ({} files) in {ms:.0} ms",
            w.articles,
            crate::check::emit::plural(w.articles),
            w.files
        );
    } else {
        let what = match rebuilt.changed.as_slice() {
            [] => "templates".to_string(),
            [one] => one.clone(),
            many => format!("{} files", many.len()),
        };
        eprintln!(
            "{what} changed: {} {} page{}, documents and index files in {ms:.0} ms{}",
            if rebuilt.full {
                "rebuilt the whole site,"
            } else {
                "rewrote"
            },
            rebuilt.rendered,
            crate::check::emit::plural(rebuilt.rendered),
            if rebuilt.removed.is_empty() {
                String::new()
            } else {
                format!(", removed {} files", rebuilt.removed.len())
            }
        );
    }
    if verbose {
        for (phase, t) in &rebuilt.timings {
            eprintln!("  {phase:<14}{:>8.1} ms", t.as_secs_f64() * 1000.0);
        }
    }
    // The first build's warnings are the whole tree's: `shelf check` lists those.
    print_diagnostics(&rebuilt.diagnostics, color, first && !verbose);
}

fn print_diagnostics(diagnostics: &[Diagnostic], color: bool, errors_only: bool) {
    for d in diagnostics {
        if errors_only && d.severity != Severity::Error {
            continue;
        }
        crate::check::emit::eprint_line(d, color);
    }
}
