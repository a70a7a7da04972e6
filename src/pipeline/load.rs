//! Loading a source tree: discover, read and parse every file in parallel (running the
//! per-article rules in check mode), index the library, run the cross-article rules, then
//! suppressions and levels. Never writes. `build`, `check` and `serve` all start here.

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};

use rayon::prelude::*;

use crate::base::diagnostic::{self, Diagnostic};
use crate::base::error::Error;
use crate::check::article::{self, Mode};
use crate::check::baseline::Baseline;
use crate::config::Config;
use crate::source::discover::{SourceFile, discover};
use crate::source::library::Library;
use crate::source::model::Cloud;
use crate::source::read;

use crate::base::progress::Progress;

use crate::check::rules;

/// Everything known about the source after loading it.
pub struct Loaded {
    pub library: Library,
    /// Every problem found, sorted by file and position.
    pub diagnostics: Vec<Diagnostic>,
    /// The Markdown files found, sorted by path.
    pub sources: Vec<crate::source::discover::SourceFile>,
    /// Each source's hash as it was read and parsed ([`read::digest`]), in the same order.
    pub digests: Vec<u128>,
    /// Files that could not be made into an article (unreadable, unparseable, duplicate).
    pub skipped: usize,
    /// Articles left out because they are not published to the requested cloud.
    pub other_cloud: usize,
    /// Problems left out of `diagnostics` because the configured baseline holds them.
    pub baselined: usize,
    pub timings: Vec<(&'static str, Duration)>,
}

/// Discovers, parses and indexes the articles of `config.source`, keeping only those published
/// to `cloud` when one is given. `mode` says whether bodies are rendered (build) or only
/// validated (check).
pub fn load(config: &Config, cloud: Option<Cloud>, mode: Mode) -> Result<Loaded, Error> {
    load_with_progress(config, cloud, mode, false)
}

/// [`load`], with a progress bar over the files when `progress` and stderr is a terminal.
pub fn load_with_progress(
    config: &Config,
    cloud: Option<Cloud>,
    mode: Mode,
    progress: bool,
) -> Result<Loaded, Error> {
    let found = find(config)?;
    load_found(config, cloud, mode, found, progress)
}

/// The Markdown files of a source folder, and what kept any from being listed.
pub struct Found {
    pub files: Vec<SourceFile>,
    pub diagnostics: Vec<Diagnostic>,
    pub took: Duration,
}

/// Discovers the articles of `config.source`.
pub fn find(config: &Config) -> Result<Found, Error> {
    let source = &config.source;
    if !source.is_dir() {
        return Err(Error::Usage(format!(
            "the source folder {} does not exist or is not a folder",
            source.display()
        )));
    }
    let started = Instant::now();
    let (files, diagnostics) = discover(source, &config.filters());
    Ok(Found {
        files,
        diagnostics,
        took: started.elapsed(),
    })
}

/// What a check knows beyond the files on disk.
#[derive(Default)]
pub struct Context {
    /// Text to read in place of one file's (`--stdin-filename`): its path below the source
    /// (with `/`) and the text. A file not on disk is added.
    pub overlay: Option<(String, Vec<u8>)>,
    /// Articles the change being checked removed (`--changed-since`).
    pub removed: Vec<rules::identity::removed_solution_article::RemovedArticle>,
    /// Keep the problems the configured baseline holds (`shelf check` splits them itself, to
    /// update the file and say which recorded problems are gone).
    pub keep_baselined: bool,
}

/// [`load_with_progress`] of files already found.
pub fn load_found(
    config: &Config,
    cloud: Option<Cloud>,
    mode: Mode,
    found: Found,
    progress: bool,
) -> Result<Loaded, Error> {
    load_in_context(config, cloud, mode, found, progress, &Context::default())
}

/// [`load_found`], with what `context` adds.
pub fn load_in_context(
    config: &Config,
    cloud: Option<Cloud>,
    mode: Mode,
    found: Found,
    progress: bool,
    context: &Context,
) -> Result<Loaded, Error> {
    let Found {
        mut files,
        mut diagnostics,
        took: discovered,
    } = found;
    if let Some((rel, _)) = &context.overlay {
        let path = config.source.join(rel);
        if let Err(at) = files.binary_search_by(|f| f.path.cmp(&path)) {
            files.insert(
                at,
                SourceFile {
                    path,
                    rel: rel.clone(),
                },
            );
        }
    }
    let started = Instant::now();
    let bar = Progress::new(files.len(), "reading", progress);
    // Each article goes into its Arc here, on both cores: the library shares them, and
    // allocating 5,500 of them in its serial loop cost 2 ms of page faults there.
    let (parsed, digests): (Vec<_>, Vec<_>) = files
        .par_iter()
        .map(|f| {
            let (parsed, digest) = match &context.overlay {
                Some((rel, text)) if *rel == f.rel => (
                    article::parse(&f.path, &f.rel, text, mode),
                    read::digest_of(text),
                ),
                _ => read_and_parse(f, mode),
            };
            bar.inc();
            (
                (
                    parsed.article.map(Arc::new),
                    parsed.diagnostics,
                    parsed.suppressions,
                ),
                digest,
            )
        })
        .unzip();
    bar.finish();
    let parse_time = started.elapsed();

    let started = Instant::now();
    let mut articles = Vec::with_capacity(parsed.len());
    diagnostics.reserve(parsed.iter().map(|(_, found, _)| found.len()).sum());
    let mut unusable = 0;
    let mut suppressions = Vec::new();
    for ((article, found, suppressed), file) in parsed.into_iter().zip(&files) {
        diagnostics.extend(found);
        if !suppressed.is_empty() {
            suppressions.push((file.path.clone(), suppressed));
        }
        match article {
            Some(a) => articles.push(a),
            None => unusable += 1,
        }
    }
    let baseline = match context.keep_baselined {
        true => None,
        false => Some(Baseline::configured(config.baseline.as_deref())?),
    };
    let site = SiteWide {
        config,
        cloud,
        files: &files,
        suppressions: &suppressions,
        removed: &context.removed,
        indexed: mode == Mode::Build,
        baseline: baseline.as_ref(),
    };
    let assembled = site.assemble(articles, &mut diagnostics);
    let index_time = started.elapsed();

    Ok(Loaded {
        library: assembled.library,
        diagnostics,
        sources: files,
        digests,
        skipped: unusable + assembled.duplicates,
        other_cloud: assembled.other_cloud,
        baselined: assembled.baselined,
        timings: vec![
            ("discover", discovered),
            ("parse", parse_time),
            ("index", index_time),
        ],
    })
}

/// One file's parse as `serve` and the language server keep it between edits: its article and
/// its own problems, before the site-wide step.
#[derive(Default)]
pub struct KeptFile {
    pub article: Option<Arc<crate::source::model::Article>>,
    pub found: Vec<Diagnostic>,
    pub suppressions: rules::suppress::Suppressions,
}

impl From<article::Parsed> for KeptFile {
    fn from(parsed: article::Parsed) -> KeptFile {
        KeptFile {
            article: parsed.article.map(Arc::new),
            found: parsed.diagnostics,
            suppressions: parsed.suppressions,
        }
    }
}

/// The step every command takes once each file is parsed (build, check, serve, the language
/// server): the library (one article per articleId and URL), the cross-article rules, then
/// suppressions and levels. One definition, so that all of them report the same problems.
#[derive(Clone, Copy)]
pub struct SiteWide<'a> {
    pub config: &'a Config,
    /// The cloud the site is built for: the rules still see every article.
    pub cloud: Option<Cloud>,
    /// Every source file, sorted by path.
    pub files: &'a [SourceFile],
    /// The `shelf-disable` comments of each file that has any.
    pub suppressions: &'a [(PathBuf, rules::suppress::Suppressions)],
    /// Articles the change being checked removed (`--changed-since`).
    pub removed: &'a [rules::identity::removed_solution_article::RemovedArticle],
    /// Whether the library is indexed by topic, service, ... (a site is built from it).
    pub indexed: bool,
    /// The problems the repository already has (`baseline` in shelf.toml): left out, counted.
    pub baseline: Option<&'a Baseline>,
}

/// What [`SiteWide::assemble`] makes of the articles.
pub struct Assembled {
    pub library: Library,
    /// Articles of another cloud than the one built for.
    pub other_cloud: usize,
    /// Articles left out as duplicates of another's articleId or URL.
    pub duplicates: usize,
    /// Problems left out because the baseline holds them.
    pub baselined: usize,
}

impl SiteWide<'_> {
    /// The library of `articles` (those of the cloud), with every problem added to
    /// `diagnostics` (sorted) but those of the baseline.
    pub fn assemble(
        &self,
        articles: Vec<Arc<crate::source::model::Article>>,
        diagnostics: &mut Vec<Diagnostic>,
    ) -> Assembled {
        let output = &self.config.output;
        let held_page = |a: &crate::source::model::Article| held_page(output, a);
        let library = |articles, diagnostics: &mut Vec<Diagnostic>| match self.indexed {
            true => Library::indexed_keeping(articles, diagnostics, &held_page),
            false => Library::keeping(articles, diagnostics, &held_page),
        };
        let total = articles.len();
        let (library, other_cloud, duplicates) = match self.cloud {
            None => {
                // The files' problems are put in order while the library is made and the rules
                // across articles run (a serial 15 ms each on 16,500 articles); theirs follow,
                // and the final sort merges the two.
                let mut across = Vec::new();
                let (library, ()) = rayon::join(
                    || {
                        let library = library(articles, &mut across);
                        self.check_across(&library, &mut across);
                        library
                    },
                    || diagnostic::sort(diagnostics),
                );
                diagnostics.append(&mut across);
                let duplicates = total - library.articles.len();
                (library, 0, duplicates)
            }
            Some(cloud) => {
                // The rules read the whole tree, as `shelf check` does: a reference to an
                // article of another cloud is no broken reference.
                let mine: Vec<_> = articles
                    .iter()
                    .filter(|a| a.meta.is_in_cloud(cloud))
                    .cloned()
                    .collect();
                let whole = Library::keeping(articles, diagnostics, &held_page);
                self.check_across(&whole, diagnostics);
                let in_cloud = mine.len();
                // Its duplicates are duplicates of the whole tree, said above.
                let library = library(mine, &mut Vec::new());
                let duplicates = in_cloud - library.articles.len();
                (library, total - in_cloud, duplicates)
            }
        };
        self.finish(library, other_cloud, duplicates, diagnostics)
    }

    /// [`SiteWide::assemble`] with the library already made (`shelf serve` updates the last
    /// one in place after an edit that changes nothing it decides: [`Library::replace`]); its
    /// collisions are reported again and the cross-article rules run. Every article counts
    /// (a cloud's site needs the whole tree's library for the rules: not for this); `total`
    /// is how many were read, as [`SiteWide::assemble`] is given them.
    pub fn assemble_with(
        &self,
        library: Library,
        total: usize,
        diagnostics: &mut Vec<Diagnostic>,
    ) -> Assembled {
        debug_assert!(self.cloud.is_none());
        diagnostics.extend(library.collisions.iter().cloned());
        self.check_across(&library, diagnostics);
        let duplicates = total - library.articles.len();
        self.finish(library, 0, duplicates, diagnostics)
    }

    /// Suppressions, levels, order and baseline: the end of every assembly.
    fn finish(
        &self,
        library: Library,
        other_cloud: usize,
        duplicates: usize,
        diagnostics: &mut Vec<Diagnostic>,
    ) -> Assembled {
        // Suppressions act on what the rules found (across articles too), then levels on what
        // is left.
        apply_suppressions(self.suppressions, diagnostics, true);
        self.config.levels.apply(diagnostics);
        diagnostic::sort(diagnostics);
        let baselined = self
            .baseline
            .map_or(0, |b| b.hide(diagnostics, &self.config.root));
        Assembled {
            library,
            other_cloud,
            duplicates,
            baselined,
        }
    }

    /// [`SiteWide::assemble`] of files kept between edits (`kept[i]` is `self.files[i]`'s, and
    /// `self.suppressions` is ignored: theirs are used), and every problem, `found` first
    /// (what kept files from being listed), by file.
    /// `library`, when given, is the library of these files already made
    /// ([`SiteWide::assemble_with`]).
    pub fn assemble_kept(
        &self,
        kept: &[&KeptFile],
        found: &[Diagnostic],
        library: Option<Library>,
    ) -> (Assembled, HashMap<PathBuf, Vec<Diagnostic>>) {
        let mut all = found.to_vec();
        let mut articles = Vec::with_capacity(kept.len());
        let mut suppressions = Vec::new();
        for (file, state) in self.files.iter().zip(kept) {
            all.extend(state.found.iter().cloned());
            if library.is_none() {
                articles.extend(state.article.clone());
            }
            if !state.suppressions.is_empty() {
                suppressions.push((file.path.clone(), state.suppressions.clone()));
            }
        }
        let site = SiteWide {
            suppressions: &suppressions,
            ..*self
        };
        let assembled = match library {
            Some(library) => {
                let total = kept.iter().filter(|k| k.article.is_some()).count();
                site.assemble_with(library, total, &mut all)
            }
            None => site.assemble(articles, &mut all),
        };
        (assembled, by_file(all))
    }

    fn check_across(&self, library: &Library, diagnostics: &mut Vec<Diagnostic>) {
        rules::identity::check(library, self.files, diagnostics);
        rules::identity::removed_solution_article::check(library, self.removed, diagnostics);
    }
}

/// Sorted diagnostics grouped by file: one map entry per run of one file's problems.
pub fn by_file(sorted: Vec<Diagnostic>) -> HashMap<PathBuf, Vec<Diagnostic>> {
    let mut by_file: HashMap<PathBuf, Vec<Diagnostic>> = HashMap::new();
    let mut run: Vec<Diagnostic> = Vec::new();
    for d in sorted {
        if run.last().is_some_and(|last| last.file != d.file) {
            let file = run[0].file.clone();
            by_file.entry(file).or_default().append(&mut run);
        }
        run.push(d);
    }
    if let Some(first) = run.first() {
        let file = first.file.clone();
        by_file.entry(file).or_default().append(&mut run);
    }
    by_file
}

/// Whether the last build to `output` published `article`'s page from its file (the page's API
/// record names its source). Asked only of articles that share an articleId or URL, so that a
/// new file never takes over an existing page.
pub fn held_page(output: &std::path::Path, article: &crate::source::model::Article) -> bool {
    use std::io::Read;
    #[derive(serde::Deserialize)]
    struct Record {
        source: String,
    }
    let record = output.join(crate::site::paths::article_record(article));
    let mut text = Vec::new();
    let read = std::fs::File::open(&record)
        .and_then(|f| f.take(64 << 20).read_to_end(&mut text))
        .is_ok();
    read && serde_json::from_slice::<Record>(&text).is_ok_and(|r| r.source == article.path)
}

/// Applies each file's suppressions to its diagnostics (found in one pass over them all).
pub fn apply_suppressions(
    suppressions: &[(PathBuf, crate::check::rules::suppress::Suppressions)],
    diagnostics: &mut Vec<Diagnostic>,
    report_unused: bool,
) {
    if suppressions.is_empty() {
        return;
    }
    let index: std::collections::HashMap<&std::path::Path, usize> = suppressions
        .iter()
        .enumerate()
        .map(|(i, (file, _))| (file.as_path(), i))
        .collect();
    let mut by_file: Vec<Vec<Diagnostic>> = vec![Vec::new(); suppressions.len()];
    let mut rest = Vec::with_capacity(diagnostics.len());
    for d in diagnostics.drain(..) {
        match index.get(d.file.as_path()) {
            Some(&i) => by_file[i].push(d),
            None => rest.push(d),
        }
    }
    for ((file, s), mut found) in suppressions.iter().zip(by_file) {
        s.apply(file, &mut found, report_unused);
        rest.extend(found);
    }
    *diagnostics = rest;
}

/// Reads and parses one article; a file that cannot be read gives a diagnostic, not an error.
pub fn parse_file(f: &SourceFile, mode: Mode) -> article::Parsed {
    read_and_parse(f, mode).0
}

/// [`parse_file`], and the hash of what was read.
fn read_and_parse(f: &SourceFile, mode: Mode) -> (article::Parsed, u128) {
    let read = read::read(&f.path);
    let digest = read::digest(&read);
    let parsed = match read {
        Ok((bytes, warning)) => {
            let mut parsed = article::parse(&f.path, &f.rel, &bytes, mode);
            parsed.diagnostics.extend(warning);
            parsed
        }
        Err(unread) => article::Parsed {
            article: None,
            diagnostics: vec![*unread],
            suppressions: Default::default(),
        },
    };
    (parsed, digest)
}
