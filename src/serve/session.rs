//! The site kept in memory while `shelf serve` runs, so that a change to one article re-parses
//! that file alone and re-renders only the pages and documents that show it.
//!
//! What a change touches: the article's own page, record and fragment; the topic, service,
//! product, cloud and type pages and API documents of its keys before and after the change;
//! and the pages that list every article (home, overviews, sitemap, catalogs, API index, search
//! index). A change that adds or removes a key (a new support topic, the last article of a
//! product gone) can move other keys' slugs and links, so it rebuilds the whole site instead.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

use rayon::prelude::*;

use crate::base::diagnostic::{self, Diagnostic, Severity};
use crate::base::error::Error;
use crate::base::progress::Progress;
use crate::check::article::Mode;
use crate::check::baseline::Baseline;
use crate::config::Config;
use crate::pipeline::load::{KeptFile, SiteWide, parse_file};
use crate::site::labels::topic_label;
use crate::site::output::{InPlace, Staging};
use crate::site::paths::{article_embed, article_page, article_record};
use crate::site::render::{self, Renderer, Touched, Written};
use crate::source::discover::{SourceFile, discover};
use crate::source::library::{Keys, Library};
use crate::source::model::Cloud;

/// What changed on disk.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Change {
    /// Articles written, created or deleted (absolute paths below the source).
    pub files: BTreeSet<PathBuf>,
    /// Something other than an article file changed below the source (a folder renamed,
    /// say): the source is walked again.
    pub rescan: bool,
    /// A template or asset changed.
    pub templates: bool,
}

/// What one rebuild did.
#[derive(Debug)]
pub struct Rebuilt {
    /// Source files that changed (relative to the source).
    pub changed: Vec<String>,
    /// Every diagnostic of the changed files, warnings included.
    pub diagnostics: Vec<Diagnostic>,
    /// Whether the whole site was rebuilt rather than the touched pages.
    pub full: bool,
    /// Pages, API documents and fragments rendered.
    pub rendered: usize,
    pub written: Written,
    /// Site paths removed (pages of deleted or renamed articles).
    pub removed: Vec<String>,
    /// Whether the search index is still to be rewritten ([`Session::reindex`]).
    pub search_pending: bool,
    pub took: Duration,
    /// Time of each phase.
    pub timings: Vec<(&'static str, Duration)>,
}

/// One source file and what parsing it gave.
struct FileState {
    source: SourceFile,
    kept: KeptFile,
}

impl FileState {
    fn read(source: SourceFile) -> FileState {
        let kept = KeptFile::from(parse_file(&source, Mode::Build));
        FileState { source, kept }
    }
}

pub struct Session {
    pub config: Config,
    cloud: Option<Cloud>,
    renderer: Renderer,
    /// Every article file, keyed by path components so the order is the order `discover`
    /// walks in (which decides which of two duplicate articleIds wins).
    files: BTreeMap<Vec<String>, FileState>,
    lib: Library,
    /// Every problem of the site as `shelf check` reports it (each file's own and the
    /// cross-article rules', after suppressions and levels), by file.
    diagnostics: HashMap<PathBuf, Vec<Diagnostic>>,
    /// What kept files from being listed when the source was last walked.
    discovery: Vec<Diagnostic>,
    /// Files changed since serving started: their errors are what the browser overlay shows.
    edited: BTreeSet<String>,
    /// The configured baseline (empty when none), read when serving starts.
    baseline: Baseline,
    /// Every file's source, in the order of `files`: made again only when files come or go.
    sources: Option<Vec<SourceFile>>,
}

fn key(rel: &str) -> Vec<String> {
    rel.split('/').map(str::to_string).collect()
}

impl Session {
    /// Reads and parses the whole source and builds the site into `config.output` (replaced
    /// whole, as `shelf build` does).
    pub fn start(config: Config, cloud: Option<Cloud>) -> Result<(Session, Rebuilt), Error> {
        let started = Instant::now();
        let renderer = Renderer::new(&config.templates)?;
        let baseline = Baseline::configured(config.baseline.as_deref())?;
        let mut session = Session {
            config,
            cloud,
            renderer,
            files: BTreeMap::new(),
            lib: Library::default(),
            diagnostics: HashMap::new(),
            discovery: Vec::new(),
            edited: BTreeSet::new(),
            baseline,
            sources: None,
        };
        session.rescan()?;
        session.lib = session.assemble(None);
        let written = session.build_whole()?;
        let mut diagnostics: Vec<Diagnostic> =
            session.diagnostics.values().flatten().cloned().collect();
        diagnostic::sort(&mut diagnostics);
        let rebuilt = Rebuilt {
            changed: Vec::new(),
            diagnostics,
            full: true,
            rendered: written.files,
            written,
            removed: Vec::new(),
            search_pending: false,
            took: started.elapsed(),
            timings: Vec::new(),
        };
        Ok((session, rebuilt))
    }

    /// The errors and warnings of the files edited since serving started, for the browser
    /// overlay.
    pub fn overlay_diagnostics(&self) -> Vec<Diagnostic> {
        self.diagnostics_of(&self.edited)
    }

    /// Whether any of the edited files has an error.
    pub fn has_errors(&self) -> bool {
        self.overlay_diagnostics()
            .iter()
            .any(|d| d.severity == Severity::Error)
    }

    /// The diagnostics of these files (paths below the source), sorted.
    fn diagnostics_of<'a>(&self, rels: impl IntoIterator<Item = &'a String>) -> Vec<Diagnostic> {
        let mut diagnostics: Vec<Diagnostic> = rels
            .into_iter()
            .filter_map(|rel| self.files.get(&key(rel)))
            .filter_map(|f| self.diagnostics.get(&f.source.path))
            .flatten()
            .cloned()
            .collect();
        diagnostic::sort(&mut diagnostics);
        diagnostics
    }

    /// Every page of the site with its title, for the 404 page's suggestions.
    pub fn pages(&self) -> Vec<(String, String)> {
        self.lib
            .articles
            .iter()
            .map(|a| (article_page(a), a.title.clone()))
            .collect()
    }

    /// Applies `change`: re-reads what changed and rewrites what it touches.
    pub fn apply(&mut self, change: &Change) -> Result<Rebuilt, Error> {
        let started = Instant::now();
        let mut changed: BTreeSet<String> = BTreeSet::new();
        if change.templates {
            // A template that does not compile leaves the previous templates in use.
            self.renderer = Renderer::new(&self.config.templates)?;
        }
        if change.rescan {
            changed.extend(self.rescan()?);
        }
        for path in &change.files {
            if let Some(rel) = self.reread(path) {
                changed.insert(rel);
            }
        }
        if changed.is_empty() && !change.templates {
            return Ok(Rebuilt {
                changed: Vec::new(),
                diagnostics: Vec::new(),
                full: false,
                rendered: 0,
                written: Written::default(),
                removed: Vec::new(),
                search_pending: false,
                took: started.elapsed(),
                timings: Vec::new(),
            });
        }
        self.edited.extend(changed.iter().cloned());
        self.edited.retain(|rel| self.files.contains_key(&key(rel)));
        let mut timings = vec![("read", started.elapsed())];
        if !change.templates
            && let Some(rebuilt) = self.apply_in_place(&changed, &mut timings, started)?
        {
            return Ok(rebuilt);
        }

        let phase = Instant::now();
        let old = std::mem::take(&mut self.lib);
        let new = self.assemble(None);
        let keys_moved = old.topics.keys().ne(new.topics.keys())
            || old.services.keys().ne(new.services.keys())
            || old.products.keys().ne(new.products.keys())
            || old.clouds.keys().ne(new.clouds.keys())
            || old.types.keys().ne(new.types.keys())
            || list_page_counts(&old) != list_page_counts(&new)
            || render::topics_overview_pages(&old) != render::topics_overview_pages(&new);
        let full = change.templates || keys_moved;
        let old_slugs: HashSet<&str> = old.articles.iter().map(|a| a.slug.as_str()).collect();
        let new_slugs: HashSet<&str> = new.articles.iter().map(|a| a.slug.as_str()).collect();
        let removed: Vec<String> = old
            .articles
            .iter()
            .filter(|a| !new_slugs.contains(a.slug.as_str()))
            .flat_map(|a| [article_page(a), article_record(a), article_embed(a)])
            .collect();
        timings.push(("index", phase.elapsed()));
        let phase = Instant::now();

        let (written, rendered) = if full {
            let written = {
                self.lib = new;
                self.build_whole()?
            };
            let n = written.files;
            (written, n)
        } else {
            // Articles whose file changed, or that came or went through a duplicate articleId.
            let mut touched = Touched::default();
            let mut keys = Keys::default();
            let mut ids = BTreeSet::new();
            for a in &old.articles {
                if changed.contains(&a.path) || !new_slugs.contains(a.slug.as_str()) {
                    keys.extend(Keys::of(a));
                    ids.insert(a.meta.article_id.trim().to_lowercase());
                }
            }
            for (ix, a) in new.articles.iter().enumerate() {
                if changed.contains(&a.path) || !old_slugs.contains(a.slug.as_str()) {
                    keys.extend(Keys::of(a));
                    touched.articles.insert(ix);
                    ids.insert(a.meta.article_id.trim().to_lowercase());
                }
            }
            // Pages whose payload names one of them show its title or that it is not built.
            touched.articles.extend(new.referring_to(&ids));
            // Every article page names its topics and its neighbours in its first topic's
            // list: the pages of a topic whose articles came, went or moved all change.
            for topic in &keys.topics {
                if let Some(ixs) = new.topics.get(topic) {
                    touched.articles.extend(ixs.iter().copied());
                }
            }
            // A topic's description shows beside the topic on every article filed under it.
            for topic in &keys.described {
                if let Some(ixs) = new.topics.get(topic) {
                    touched.articles.extend(ixs.iter().copied());
                }
            }
            touched.keys = keys;
            // A topic page lists its siblings by name: theirs change with it (in its old place
            // and its new one).
            let siblings: BTreeSet<String> = [&old, &new]
                .into_iter()
                .flat_map(|lib| sibling_topics(lib, &touched.keys.topics))
                .collect();
            touched.keys.topics.extend(siblings);
            self.lib = new;
            let written = self.write_touched(&touched, &removed)?;
            let n = written.files;
            (written, n)
        };

        let diagnostics = self.diagnostics_of(&changed);
        timings.push(("render+write", phase.elapsed()));
        Ok(Rebuilt {
            changed: changed.into_iter().collect(),
            diagnostics,
            full,
            rendered,
            written,
            removed,
            search_pending: !full && self.config.writes(crate::config::Output::Search),
            took: started.elapsed(),
            timings,
        })
    }

    /// [`Session::apply`] when every changed file is an article that keeps its place in the
    /// library ([`Library::replace`]: the same identity, index keys and display order, as
    /// after an edit of its body): the library is updated in place rather than made again,
    /// and only the changed articles' page, fragment and record are written, with the pages
    /// that list them when what a list shows of them (title, description) changed. None, with
    /// nothing changed but articles swapped for equivalent ones, when an edit is more than
    /// that.
    fn apply_in_place(
        &mut self,
        changed: &BTreeSet<String>,
        timings: &mut Vec<(&'static str, Duration)>,
        started: Instant,
    ) -> Result<Option<Rebuilt>, Error> {
        if self.cloud.is_some() {
            return Ok(None);
        }
        let phase = Instant::now();
        let mut swapped = Vec::with_capacity(changed.len());
        for rel in changed {
            let Some(new) = self
                .files
                .get(&key(rel))
                .and_then(|f| f.kept.article.clone())
            else {
                return Ok(None);
            };
            let Some(old) = self.lib.index_of(&new.meta.article_id) else {
                return Ok(None);
            };
            let old = Arc::clone(&self.lib.articles[old]);
            let listed_alike =
                old.title == new.title && old.meta.description == new.meta.description;
            // A topic named after its articles' titles may be renamed by a new title.
            let labels: Vec<(String, Option<String>)> = match listed_alike {
                true => Vec::new(),
                false => Keys::of(&old)
                    .topics
                    .into_iter()
                    .map(|t| {
                        let label = topic_label(&self.lib, &t).map(str::to_string);
                        (t, label)
                    })
                    .collect(),
            };
            if !self.lib.replace(Arc::clone(&new)) {
                return Ok(None);
            }
            swapped.push((new, listed_alike, labels));
        }
        let library = std::mem::take(&mut self.lib);
        self.lib = self.assemble(Some(library));
        timings.push(("index", phase.elapsed()));

        let phase = Instant::now();
        let mut touched = Touched::default();
        let mut retitled = BTreeSet::new();
        for (article, listed_alike, labels) in &swapped {
            if let Some(ix) = self.lib.index_of(&article.meta.article_id) {
                touched.articles.insert(ix);
            }
            if !listed_alike {
                let keys = Keys::of(article);
                // Its neighbours' pages link it by title.
                for topic in &keys.topics {
                    if let Some(ixs) = self.lib.topics.get(topic) {
                        touched.articles.extend(ixs.iter().copied());
                    }
                }
                touched.keys.extend(keys);
                retitled.insert(article.meta.article_id.trim().to_lowercase());
            }
            // Every article page names its topics: a renamed topic's pages change.
            for (topic, before) in labels {
                if topic_label(&self.lib, topic) != before.as_deref() {
                    touched
                        .articles
                        .extend(self.lib.topics[topic].iter().copied());
                }
            }
        }
        // Pages whose payload names a retitled article show its title.
        touched.articles.extend(self.lib.referring_to(&retitled));
        let siblings = sibling_topics(&self.lib, &touched.keys.topics);
        touched.keys.topics.extend(siblings);
        let written = self.write_touched(&touched, &[])?;
        let diagnostics = self.diagnostics_of(changed);
        timings.push(("render+write", phase.elapsed()));
        Ok(Some(Rebuilt {
            changed: changed.iter().cloned().collect(),
            diagnostics,
            full: false,
            rendered: written.files,
            written,
            removed: Vec::new(),
            search_pending: self.config.writes(crate::config::Output::Search),
            took: started.elapsed(),
            timings: std::mem::take(timings),
        }))
    }

    /// Rewrites the search index after [`Session::apply`] left it pending, and removes the
    /// index files the new one no longer uses (their names change with their content).
    pub fn reindex(&self) -> Result<Duration, Error> {
        let started = Instant::now();
        let sink = InPlace::new(&self.config.output);
        let files = render::render_search(&self.renderer, &self.lib, &sink)?;
        remove_stale_search_files(&self.config.output, &files)?;
        Ok(started.elapsed())
    }

    /// Walks the source again: new files are parsed, vanished ones dropped. Returns the
    /// paths (relative) that came or went.
    fn rescan(&mut self) -> Result<Vec<String>, Error> {
        let source = &self.config.source;
        if !source.is_dir() {
            return Err(Error::Usage(format!(
                "the source folder {} does not exist or is not a folder",
                source.display()
            )));
        }
        let (found, unlisted) = discover(source, &self.config.filters());
        self.discovery = unlisted;
        let found_keys: HashSet<Vec<String>> = found.iter().map(|f| key(&f.rel)).collect();
        let mut changed: Vec<String> = self
            .files
            .iter()
            .filter(|(k, _)| !found_keys.contains(*k))
            .map(|(_, f)| f.source.rel.clone())
            .collect();
        self.files.retain(|k, _| found_keys.contains(k));
        self.sources = None;
        let new: Vec<SourceFile> = found
            .into_iter()
            .filter(|f| !self.files.contains_key(&key(&f.rel)))
            .collect();
        let parsed: Vec<FileState> = new.into_par_iter().map(FileState::read).collect();
        for f in parsed {
            changed.push(f.source.rel.clone());
            self.files.insert(key(&f.source.rel), f);
        }
        Ok(changed)
    }

    /// Re-reads one changed path; returns its path below the source when it is an article
    /// file (written, created or deleted).
    fn reread(&mut self, path: &Path) -> Option<String> {
        let rel_path = path.strip_prefix(&self.config.source).ok()?;
        let rel = rel_path
            .components()
            .map(|c| c.as_os_str().to_string_lossy())
            .collect::<Vec<_>>()
            .join("/");
        let is_md = path
            .extension()
            .is_some_and(|x| x.eq_ignore_ascii_case("md"));
        let hidden = rel.split('/').any(|part| part.starts_with('.'));
        if !is_md || hidden || rel.is_empty() {
            return None;
        }
        if path.is_file() {
            let source = SourceFile {
                path: self.config.source.join(rel_path),
                rel: rel.clone(),
            };
            if self
                .files
                .insert(key(&rel), FileState::read(source))
                .is_none()
            {
                self.sources = None;
            }
        } else if self.files.remove(&key(&rel)).is_none() {
            return None;
        } else {
            self.sources = None;
        }
        Some(rel)
    }

    /// The library of the current articles (those of the requested cloud), and every problem
    /// of the site, as `shelf build` finds them.
    fn assemble(&mut self, library: Option<Library>) -> Library {
        let files = self
            .sources
            .get_or_insert_with(|| self.files.values().map(|f| f.source.clone()).collect());
        let kept: Vec<&KeptFile> = self.files.values().map(|f| &f.kept).collect();
        let site = SiteWide {
            config: &self.config,
            cloud: self.cloud,
            files,
            suppressions: &[],
            removed: &[],
            indexed: true,
            baseline: Some(&self.baseline),
        };
        let (assembled, diagnostics) = site.assemble_kept(&kept, &self.discovery, library);
        self.diagnostics = diagnostics;
        assembled.library
    }

    /// Removes the files of `removed` and rewrites the pages of `touched` in place.
    fn write_touched(&self, touched: &Touched, removed: &[String]) -> Result<Written, Error> {
        let sink = InPlace::new(&self.config.output);
        for rel in removed {
            sink.remove(rel)?;
        }
        render::render_touched(
            &self.renderer,
            &self.lib,
            &self.config,
            self.cloud,
            &sink,
            touched,
        )
    }

    /// Renders the whole site and swaps it in, as `shelf build` does.
    fn build_whole(&self) -> Result<Written, Error> {
        let staging = Staging::begin(&self.config.output, &self.config.source)?;
        let written = render::render_site(
            &self.renderer,
            &self.lib,
            &self.config,
            self.cloud,
            &staging,
            &Progress::hidden(),
        )?;
        staging.commit()?;
        Ok(written)
    }
}

/// The search index's file names change with their content: removes those no longer written.
fn remove_stale_search_files(output: &Path, current: &[String]) -> Result<(), Error> {
    use crate::base::nofollow::{Dir, Kind};
    let keep: HashSet<&str> = current.iter().map(String::as_str).collect();
    let search = Dir::open(output)
        .and_then(|site| site.child("search", false))
        .map_err(|e| Error::io(output.join("search"), e))?;
    let entries = search.entries().map_err(|e| Error::io(search.path(), e))?;
    // The hashed files are those in the subfolders; `index.json` and the script keep their names.
    for (folder, kind) in entries {
        let Some(folder) = folder.to_str().filter(|_| kind == Kind::Dir) else {
            continue;
        };
        let dir = search
            .child(folder, false)
            .map_err(|e| Error::io(search.path().join(folder), e))?;
        for (name, kind) in dir.entries().map_err(|e| Error::io(dir.path(), e))? {
            let Some(name) = name.to_str() else { continue };
            if kind != Kind::Dir && !keep.contains(format!("search/{folder}/{name}").as_str()) {
                dir.remove_file(name)
                    .map_err(|e| Error::io(dir.path().join(name), e))?;
            }
        }
    }
    Ok(())
}

/// The sibling topics (same product or service, [`crate::site::labels::Places`]) of `topics`.
fn sibling_topics(lib: &Library, topics: &BTreeSet<String>) -> Vec<String> {
    if topics.is_empty() {
        return Vec::new();
    }
    let places = crate::site::labels::Places::new(lib);
    topics
        .iter()
        .flat_map(|t| places.siblings(t))
        .map(str::to_string)
        .collect()
}

/// How many pages list each topic, service, product, cloud and type: a list that gains or
/// loses a page is rebuilt whole (the page beyond the end must go).
fn list_page_counts(lib: &Library) -> Vec<usize> {
    use crate::site::paths::list_pages;
    let topics = lib.topics.values().map(|v| list_pages(v.len()));
    let services = lib
        .services
        .values()
        .map(|resources| list_pages(resources.values().map(Vec::len).sum()));
    let products = lib.products.values().map(|v| list_pages(v.len()));
    let clouds = lib.clouds.values().map(|v| list_pages(v.len()));
    let types = lib.types.values().map(|v| list_pages(v.len()));
    topics
        .chain(services)
        .chain(products)
        .chain(clouds)
        .chain(types)
        .collect()
}
