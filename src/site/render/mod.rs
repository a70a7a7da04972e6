//! Rendering the site with tera: built-in templates embedded in the binary, overridable file by
//! file from the site's `templates/` folder; one lean view per page (see [`crate::site::views`]). The
//! same files are compiled to Rust by `build.rs` (the private `templates` module), and a page whose templates
//! the site does not override is written by that code (tera spends most of its time looking
//! variables up by name).
//!
//! The site is planned first (every page and its output path), then rendered and written in
//! parallel. Page layout:
//! `index.html`, `articles/<articleId>.html`, `topics/[<id>|index].html`,
//! `services/…`, `products/…`, `clouds/…`, `types/…`, `sitemap.xml`, `style.css`.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::Path;
use std::sync::atomic::{AtomicUsize, Ordering};

use rayon::prelude::*;
use serde::{Deserialize, Serialize};
use serde_json::json;
use tera::Tera;

use crate::base::error::Error;
use crate::base::progress::Progress;
use crate::check::emit::plural;
use crate::config::{Config, Output};
use crate::site::api;
use crate::site::paths::{
    LIST_PAGE, Section, SitePaths, Slugs, article_embed, article_page, article_record, paged,
};
use crate::site::search;
use crate::site::views::*;
use crate::source::library::{ArticleIx, Library};
use crate::source::model::{Article, Cloud};

pub(crate) mod template_support;

/// The built-in templates compiled to Rust by `build.rs`: one `macro_rules!` and one
/// [`Compiled`] per file of `templates/`, and [`BUILTIN_TEMPLATES`].
mod templates {
    include!(concat!(env!("OUT_DIR"), "/templates.rs"));
}

use template_support::Compiled;
/// The built-in templates, by the file name that overrides them.
pub use templates::BUILTIN as BUILTIN_TEMPLATES;

// What tera sees as a non-empty object, the compiled templates see as true.
crate::always_truthy!(
    NamedLink,
    ArticleLink<'_>,
    TopicDescriptionView<'_>,
    Problem,
    TopicRow,
    FormElement,
    Field,
    PayloadView,
);

impl template_support::AsStr for PayloadKind {
    fn text(&self) -> &str {
        self.as_str()
    }
}

impl template_support::Emit for PayloadKind {
    fn emit(&self, out: &mut String, escape: bool) {
        self.as_str().emit(out, escape)
    }
}

const BUILTIN_STYLE: &str = include_str!("../../../templates/style.css");
const BUILTIN_SEARCH_SCRIPT: &str = include_str!("../../../templates/search.js");
/// Snowball's English stemmer for the browser (`vendor/porter2`, CommonJS) as the ES module
/// `search/porter2.js` that `search.js` imports.
pub const PORTER2_MODULE: &str = concat!(
    "// porter2 (MIT, https://github.com/eilvelia/porter2.js; see vendor/porter2), as an ES module.\n",
    "const exports = {};\n",
    include_str!("../../../vendor/porter2/index.js"),
    "\nexport const stem = exports.stem;\n"
);

/// One method per page template, each rendering its view with [`Renderer::page`]: the
/// compiled template (`templates::$macro!`) unless the site overrides a file it is made of.
macro_rules! page_methods {
    ($($method:ident($view:ident) => $template:ident, $macro:ident;)*) => {$(
        fn $method(&self, page: &$view) -> Result<String, Error> {
            self.page(&templates::$template, page, |out| templates::$macro!(out, page))
        }
    )*};
}

pub struct Renderer {
    tera: Tera,
    /// The templates the site overrides: pages made only of built-in templates are written by
    /// their compiled code ([`templates`]) instead of tera.
    overridden: BTreeSet<String>,
    style: String,
    /// The browser side of search, `search/search.js`.
    search_script: String,
}

impl Renderer {
    /// The built-in templates, with any file of the same name in `overrides` taking its place.
    pub fn new(overrides: &Path) -> Result<Renderer, Error> {
        let mut templates: BTreeMap<String, String> = BUILTIN_TEMPLATES
            .iter()
            .map(|(n, t)| (n.to_string(), t.to_string()))
            .collect();
        let mut style = BUILTIN_STYLE.to_string();
        let mut search_script = BUILTIN_SEARCH_SCRIPT.to_string();
        let mut overridden = BTreeSet::new();
        if let Ok(entries) = std::fs::read_dir(overrides) {
            for entry in entries.flatten() {
                let name = entry.file_name().to_string_lossy().into_owned();
                let path = entry.path();
                let is_template = name.ends_with(".html") || name.ends_with(".xml");
                let is_asset = name == "style.css" || name == "search.js";
                if !(is_template || is_asset) || !path.is_file() {
                    continue;
                }
                let text = std::fs::read_to_string(&path).map_err(|e| Error::io(&path, e))?;
                match name.as_str() {
                    "style.css" => style = text,
                    "search.js" => search_script = text,
                    _ => {
                        // A copy of a built-in template (the sample site keeps them all in
                        // `templates/`) changes nothing.
                        if templates.get(&name) != Some(&text) {
                            overridden.insert(name.clone());
                        }
                        templates.insert(name, text);
                    }
                }
            }
        }
        let mut tera = Tera::default();
        // Every attribute in the templates is quoted, so these five characters are all that
        // needs escaping (tera's default also escapes `/`, bloating every URL).
        tera.set_escape_fn(escape_html);
        tera.add_raw_templates(templates.iter().map(|(n, t)| (n.as_str(), t.as_str())))
            .map_err(|e| template_error(&e))?;
        Ok(Renderer {
            tera,
            overridden,
            style,
            search_script,
        })
    }

    /// Renders `view` with `template`: its compiled twin (`write`) when the site overrides none
    /// of the files it is made of, else tera.
    fn page<T: Serialize>(
        &self,
        template: &Compiled,
        view: &T,
        write: impl FnOnce(&mut String),
    ) -> Result<String, Error> {
        if template.uses.iter().any(|t| self.overridden.contains(*t)) {
            return self.render(template.name, view);
        }
        let mut out = String::with_capacity(4096);
        write(&mut out);
        Ok(out)
    }

    page_methods! {
        article(ArticlePage) => ARTICLE_HTML, article_html;
        embed(EmbedPage) => EMBED_HTML, embed_html;
        payload(PayloadPage) => PAYLOAD_HTML, payload_html;
        list_page(ListPage) => LIST_HTML, list_html;
        topic_page(ListPage) => TOPIC_HTML, topic_html;
        home(HomePage) => HOME_HTML, home_html;
        search(SearchPage) => SEARCH_HTML, search_html;
        overview(OverviewPage) => OVERVIEW_HTML, overview_html;
        sitemap(SitemapPage) => SITEMAP_XML, sitemap_xml;
    }

    /// `list.html`, or `topic.html` for a support topic's page.
    fn list(&self, page: &ListPage, topic: bool) -> Result<String, Error> {
        if topic {
            self.topic_page(page)
        } else {
            self.list_page(page)
        }
    }

    fn render<T: Serialize>(&self, template: &str, view: &T) -> Result<String, Error> {
        let context = tera::Context::from_serialize(view).map_err(|e| template_error(&e))?;
        self.tera
            .render(template, &context)
            .map_err(|e| template_error(&e))
    }
}

fn escape_html(s: &str) -> String {
    crate::base::escape::html(s)
}

fn template_error(e: &tera::Error) -> Error {
    // tera nests the useful part in the source chain.
    let mut message = e.to_string();
    let mut source = std::error::Error::source(e);
    while let Some(s) = source {
        message.push_str(": ");
        message.push_str(&s.to_string());
        source = s.source();
    }
    Error::Template { message }
}

/// Counts of what a build wrote.
#[derive(Debug, Default, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Written {
    pub articles: usize,
    pub topics: usize,
    pub services: usize,
    pub products: usize,
    pub clouds: usize,
    pub types: usize,
    /// API documents and embeddable fragments.
    pub api: usize,
    pub files: usize,
    /// The search index's files (their names change with their content).
    #[serde(skip)]
    pub search_files: Vec<String>,
}

/// The sink a render writes through, counting what it wrote: the summary says what was
/// written, not what was meant to be (it once missed every paged list's later pages).
struct Counting<'a> {
    sink: &'a dyn Sink,
    files: AtomicUsize,
    /// Of those, API documents and fragments.
    api: AtomicUsize,
}

impl<'a> Counting<'a> {
    fn new(sink: &'a dyn Sink) -> Self {
        Counting {
            sink,
            files: AtomicUsize::new(0),
            api: AtomicUsize::new(0),
        }
    }
}

impl Sink for Counting<'_> {
    fn create_dir(&self, rel: &str) -> Result<(), Error> {
        self.sink.create_dir(rel)
    }
    fn write(&self, rel: &str, bytes: &[u8]) -> Result<(), Error> {
        self.sink.write(rel, bytes)?;
        self.files.fetch_add(1, Ordering::Relaxed);
        if rel.starts_with(api::ROOT) || rel.starts_with("embed/") {
            self.api.fetch_add(1, Ordering::Relaxed);
        }
        Ok(())
    }
}

/// One page of the site.
enum Page<'a> {
    Home,
    Search,
    Article(ArticleIx),
    Overview(Section),
    Topic(&'a str),
    Service(&'a str),
    Product(&'a str),
    Cloud(Cloud),
    Type(&'a str),
    Sitemap,
}

/// Everything pages need to link to each other.
struct Site<'a> {
    lib: &'a Library,
    config: &'a Config,
    cloud: Option<Cloud>,
    renderer: &'a Renderer,
    paths: SitePaths<'a>,
    /// What links from embeddable fragments to the site's pages start with: the absolute
    /// `base-url` when there is one (a fragment is shown inside another site's page).
    embed_link_root: String,
    /// Each topic's readable name, made when a page first needs one (all of them at once for
    /// a whole site; one at a time for the few pages serve rewrites after an edit).
    topic_labels: std::sync::OnceLock<HashMap<&'a str, &'a str>>,
    topic_places: std::sync::OnceLock<crate::site::labels::Places<'a>>,
    whole: bool,
}

pub use crate::site::output::sink::{MemorySink, Sink, Touched};

/// Renders every page of `lib` into `staging`.
pub fn render_site(
    renderer: &Renderer,
    lib: &Library,
    config: &Config,
    cloud: Option<Cloud>,
    staging: &dyn Sink,
    progress: &Progress,
) -> Result<Written, Error> {
    render(renderer, lib, config, cloud, staging, None, progress)
}

/// Renders only what `touched` names (plus the pages that list every article) into `sink`,
/// which already holds the rest of the site. The search index is left to [`render_search`],
/// so that the pages can be shown before it is done.
pub fn render_touched(
    renderer: &Renderer,
    lib: &Library,
    config: &Config,
    cloud: Option<Cloud>,
    sink: &dyn Sink,
    touched: &Touched,
) -> Result<Written, Error> {
    render(
        renderer,
        lib,
        config,
        cloud,
        sink,
        Some(touched),
        &Progress::hidden(),
    )
}

fn render(
    renderer: &Renderer,
    lib: &Library,
    config: &Config,
    cloud: Option<Cloud>,
    staging: &dyn Sink,
    only: Option<&Touched>,
    progress: &Progress,
) -> Result<Written, Error> {
    let site = Site {
        lib,
        config,
        cloud,
        renderer,
        paths: SitePaths::new(lib),
        embed_link_root: embed_link_root(&config.base_url),
        topic_labels: std::sync::OnceLock::new(),
        topic_places: std::sync::OnceLock::new(),
        whole: only.is_none(),
    };
    // The home page, sitemap and overviews show keys and counts: when no list changes (an
    // article rewritten in place by serve), neither do they.
    let lists = only.is_none_or(|t| !t.keys.is_empty());
    let html = config.writes(Output::Pages);
    // An article's page, record and fragment are made by one job: the record carries the
    // fragment, so it is rendered once for both.
    let per_article = [Output::Pages, Output::Records, Output::Embed]
        .into_iter()
        .any(|o| config.writes(o));
    let mut pages = Vec::new();
    if lists && html {
        pages.push(Page::Home);
    }
    if lists && config.writes(Output::Sitemap) {
        pages.push(Page::Sitemap);
    }
    if config.writes(Output::Search) && lists {
        pages.push(Page::Search);
    }
    for section in [
        Section::Topics,
        Section::Services,
        Section::Products,
        Section::Clouds,
        Section::Types,
    ] {
        if html {
            if lists {
                pages.push(Page::Overview(section));
            }
            staging.create_dir(section.dir())?;
        }
    }
    if html {
        staging.create_dir("articles")?;
    }
    match only {
        None => {
            // The pages that list thousands of articles come first: one of them left for last
            // kept a thread busy alone.
            if html {
                pages.extend(lib.clouds.keys().map(|&c| Page::Cloud(c)));
                pages.extend(lib.types.keys().map(|k| Page::Type(k)));
            }
            if per_article {
                pages.extend((0..lib.articles.len()).map(Page::Article));
            }
            if html {
                pages.extend(lib.topics.keys().map(|k| Page::Topic(k)));
                pages.extend(lib.services.keys().map(|k| Page::Service(k)));
                pages.extend(lib.products.keys().map(|k| Page::Product(k)));
            }
        }
        Some(t) if !html => {
            if per_article {
                pages.extend(t.articles.iter().map(|&ix| Page::Article(ix)));
            }
        }
        Some(t) => {
            // Keys without articles any more have no page; the caller removes it.
            let k = &t.keys;
            pages.extend(t.articles.iter().map(|&ix| Page::Article(ix)));
            let topics = k.topics.iter().chain(&k.described);
            pages.extend(
                topics
                    .filter(|key| lib.topics.contains_key(*key))
                    .map(|key| Page::Topic(key)),
            );
            pages.extend(
                k.services
                    .iter()
                    .filter(|key| lib.services.contains_key(*key))
                    .map(|key| Page::Service(key)),
            );
            pages.extend(
                k.products
                    .iter()
                    .filter(|key| lib.products.contains_key(*key))
                    .map(|key| Page::Product(key)),
            );
            pages.extend(
                k.clouds
                    .iter()
                    .filter(|c| lib.clouds.contains_key(c))
                    .map(|&c| Page::Cloud(c)),
            );
            pages.extend(
                k.types
                    .iter()
                    .filter(|key| lib.types.contains_key(*key))
                    .map(|key| Page::Type(key)),
            );
        }
    }

    for (dir, output) in api::FOLDERS {
        if config.writes(output) {
            staging.create_dir(dir)?;
        }
    }
    let staging = &Counting::new(staging);
    let info = api::BuildInfo::now(cloud);
    let with_search = config.writes(Output::Search) && only.is_none();
    // The search index and the API are made while the pages render.
    let (rendered, (search_files, api_files)) = rayon::join(
        || {
            pages.par_iter().try_for_each(|page| {
                site.write_page(page, staging)?;
                // The bar counts article pages, the bulk of the work.
                if let Page::Article(_) = page {
                    progress.inc();
                }
                Ok(())
            })
        },
        || {
            rayon::join(
                || {
                    if with_search {
                        search_index(lib, &site.paths)
                    } else {
                        Vec::new()
                    }
                },
                || match lists && config.writes(Output::Api) {
                    true => api::write(lib, &site.paths, &info, staging, only),
                    // The index and the key documents list summaries, which did not change.
                    false => Ok(0),
                },
            )
        },
    );
    rendered?;
    api_files?;
    if with_search {
        write_search(renderer, &search_files, staging)?;
    }
    if html {
        staging.write("style.css", renderer.style.as_bytes())?;
    }

    Ok(Written {
        articles: lib.articles.len(),
        topics: lib.topics.len(),
        services: lib.services.len(),
        products: lib.products.len(),
        clouds: lib.clouds.len(),
        types: lib.types.len(),
        api: staging.api.load(Ordering::Relaxed),
        files: staging.files.load(Ordering::Relaxed),
        search_files: search_files.into_iter().map(|(path, _)| path).collect(),
    })
}

/// Writes the search index of `lib` into `sink` (whose site is otherwise written); returns the
/// paths of its files.
pub fn render_search(
    renderer: &Renderer,
    lib: &Library,
    sink: &dyn Sink,
) -> Result<Vec<String>, Error> {
    let files = search_index(lib, &SitePaths::new(lib));
    write_search(renderer, &files, sink)?;
    Ok(files.into_iter().map(|(path, _)| path).collect())
}

fn search_index(lib: &Library, paths: &SitePaths) -> Vec<search::File> {
    let article_page = |a: &Article| article_page(a);
    let topic_url = |id: &str| paths.topic_page(id);
    let urls = search::Urls {
        article: &article_page,
        topic: &topic_url,
    };
    search::index(lib, &urls)
}

fn write_search(renderer: &Renderer, files: &[search::File], sink: &dyn Sink) -> Result<(), Error> {
    for dir in search::FOLDERS {
        sink.create_dir(dir)?;
    }
    sink.write("search/search.js", renderer.search_script.as_bytes())?;
    sink.write("search/porter2.js", PORTER2_MODULE.as_bytes())?;
    files
        .par_iter()
        .try_for_each(|(path, bytes)| sink.write(path, bytes))
}

#[derive(Serialize)]
struct ArticlePage<'a> {
    site: SiteView<'a>,
    /// The article's API record and embeddable fragment, from the site root.
    record_url: String,
    embed_url: String,
    title: &'a str,
    description: &'a str,
    article_id: &'a str,
    self_help_type: NamedLink,
    service: Option<NamedLink>,
    resource: &'a str,
    topics: Vec<NamedLink>,
    products: Vec<NamedLink>,
    clouds: Vec<NamedLink>,
    owner: &'a str,
    display_order: Option<i64>,
    source: &'a str,
    body_html: &'a str,
    /// The payload as rendered by `payload.html`.
    payload_html: Option<&'a str>,
    tokens: &'a [crate::source::body::Token],
    issue_description: Option<&'a str>,
    /// Where the article sits: its service, then its first support topic (named), each linked.
    trail: Vec<NamedLink>,
    /// The articles before and after it on its first support topic's page.
    previous: Option<NamedLink>,
    next: Option<NamedLink>,
}

/// An embeddable fragment (`embed.html`): the body and payload, no chrome.
#[derive(Serialize)]
struct EmbedPage<'a> {
    article_id: &'a str,
    self_help_type: &'a str,
    body_html: &'a str,
    /// The payload as rendered by `payload.html`.
    payload_html: Option<&'a str>,
}

/// What `payload.html` renders: an article's payload by its shape.
#[derive(Serialize)]
struct PayloadPage<'a> {
    payload: PayloadView,
    /// Makes form ids unique when several fragments share a page.
    slug: &'a str,
    /// What links to other pages of the site start with.
    link_root: &'a str,
}

#[derive(Serialize)]
struct ListPage<'a> {
    site: SiteView<'a>,
    kind: &'a str,
    title: String,
    intro: String,
    description: Option<TopicDescriptionView<'a>>,
    groups: Vec<Group<'a>>,
    count: usize,
    /// A topic's place: the service and product most of its articles name.
    service: Option<NamedLink>,
    product: Option<NamedLink>,
    /// Other topics of the same product (or service), at most [`SIBLINGS`], and how many more.
    siblings: Vec<NamedLink>,
    more_siblings: usize,
    /// Links to every page of a list longer than [`LIST_PAGE`] (the current one noted
    /// "current"); empty for a list of one page.
    pager: Vec<NamedLink>,
    page_number: usize,
}

/// Topics on one page of the topics overview: 1,000 are about 130 KB of HTML (a site of 4,700
/// topics had one page of 610 KB). A page ends between products, never inside one.
pub const OVERVIEW_PAGE: usize = 1000;

/// Support topics by their place: service, then product, each keyed (empty, name) so that "no
/// service" and "no product" come last; topics in place order.
type PlaceTree<'p> = BTreeMap<(bool, &'p str), BTreeMap<(bool, &'p str), Vec<&'p str>>>;

fn place_tree<'p>(places: &'p crate::site::labels::Places<'p>) -> PlaceTree<'p> {
    let mut tree = PlaceTree::new();
    for (topic, place) in places.iter() {
        tree.entry((place.service.is_empty(), place.service.as_str()))
            .or_default()
            .entry((place.product.is_empty(), place.product.as_str()))
            .or_default()
            .push(topic);
    }
    tree
}

/// The page (from 0) of each product of the topics overview, given how many topics each has,
/// in order: about [`OVERVIEW_PAGE`] topics to a page, whole products to a page.
fn overview_page_of(sizes: impl IntoIterator<Item = usize>) -> Vec<usize> {
    let (mut page, mut on_page) = (0, 0);
    sizes
        .into_iter()
        .map(|n| {
            if on_page > 0 && on_page + n > OVERVIEW_PAGE {
                page += 1;
                on_page = 0;
            }
            on_page += n;
            page
        })
        .collect()
}

/// `groups` cut into the overview's pages ([`overview_page_of`]); a service cut in two is
/// named on both pages.
fn overview_pages(groups: Vec<OverviewGroup>) -> Vec<Vec<OverviewGroup>> {
    let sizes = groups
        .iter()
        .flat_map(|g| g.subgroups.iter().map(|s| s.entries.len()));
    let page_of = overview_page_of(sizes.collect::<Vec<_>>());
    let count = page_of.last().map_or(1, |p| p + 1);
    let mut pages: Vec<Vec<OverviewGroup>> = (0..count).map(|_| Vec::new()).collect();
    let mut subgroup = 0;
    for group in groups {
        let OverviewGroup {
            name,
            url,
            note,
            subgroups,
        } = group;
        for sub in subgroups {
            let page = &mut pages[page_of[subgroup]];
            subgroup += 1;
            match page.last_mut().filter(|g| g.name == name) {
                Some(g) => g.subgroups.push(sub),
                None => page.push(OverviewGroup {
                    name: name.clone(),
                    url: url.clone(),
                    note: note.clone(),
                    subgroups: vec![sub],
                }),
            }
        }
    }
    pages
}

/// The topics overview's pages as data (`topics/index.json`), each link as [name, url, note]:
/// most of the file is the thousands of topics. A page is a list of groups, a group
/// [link, subgroups], a subgroup [link, topics].
fn overview_data(pages: &[Vec<OverviewGroup>]) -> Vec<u8> {
    let link = |name: &str, url: &Option<String>, note: &str| json!([name, url, note]);
    let group = |g: &OverviewGroup| {
        let subgroups: Vec<_> = (g.subgroups.iter())
            .map(|s| {
                let topics: Vec<_> = (s.entries.iter())
                    .map(|e| link(&e.name, &e.url, &e.note))
                    .collect();
                json!([link(&s.name, &s.url, &s.note), topics])
            })
            .collect();
        json!([link(&g.name, &g.url, &g.note), subgroups])
    };
    let data: Vec<Vec<_>> = pages
        .iter()
        .map(|groups| groups.iter().map(group).collect())
        .collect();
    serde_json::to_vec(&data).expect("the overview serializes")
}

/// How many pages the topics overview of `lib` takes (`shelf serve` rebuilds the site whole
/// when that changes, as when a list gains or loses a page).
pub fn topics_overview_pages(lib: &Library) -> usize {
    let places = crate::site::labels::Places::new(lib);
    let tree = place_tree(&places);
    let sizes = tree
        .values()
        .flat_map(|products| products.values().map(Vec::len));
    overview_page_of(sizes.collect::<Vec<_>>())
        .last()
        .map_or(1, |p| p + 1)
}

/// Links to the `n` pages of a list whose first page is `first`, each named by `name` (from 1),
/// the `current` one noted "current".
fn pager(first: &str, n: usize, current: usize, name: impl Fn(usize) -> String) -> Vec<NamedLink> {
    (1..=n)
        .map(|p| NamedLink {
            name: name(p),
            url: Some(paged(first, p)),
            note: if p == current {
                "current".into()
            } else {
                String::new()
            },
        })
        .collect()
}

/// Sibling topics shown on a topic page.
const SIBLINGS: usize = 24;

/// A group of the topics overview: a service, with its topics by product.
#[derive(Serialize)]
struct OverviewGroup {
    name: String,
    url: Option<String>,
    note: String,
    subgroups: Vec<OverviewSubgroup>,
}

#[derive(Serialize)]
struct OverviewSubgroup {
    name: String,
    url: Option<String>,
    note: String,
    entries: Vec<NamedLink>,
}

#[derive(Serialize)]
struct TopicDescriptionView<'a> {
    short: &'a str,
    long: &'a str,
    category: &'a str,
    search_tags: &'a str,
    source: ArticleLink<'a>,
}

#[derive(Serialize)]
struct Group<'a> {
    name: String,
    articles: Vec<ArticleLink<'a>>,
}

#[derive(Serialize)]
struct OverviewPage<'a> {
    site: SiteView<'a>,
    title: &'a str,
    intro: &'a str,
    entries: Vec<NamedLink>,
    /// The topics overview: the same entries grouped by service and product.
    groups: Vec<OverviewGroup>,
    /// The search script's version: it also runs the topics overview's filter box.
    script_version: String,
    /// Links to every page of the topics overview when it takes more than one (the current one
    /// noted "current"; see [`OVERVIEW_PAGE`]).
    pager: Vec<NamedLink>,
    page_number: usize,
}

#[derive(Serialize)]
struct HomePage<'a> {
    site: SiteView<'a>,
    articles: usize,
    sections: Vec<NamedLink>,
    types: Vec<NamedLink>,
    clouds: Vec<NamedLink>,
}

#[derive(Serialize)]
struct SearchPage<'a> {
    site: SiteView<'a>,
    /// Changes with the script, so browsers never run a stale cached copy.
    script_version: String,
}

#[derive(Serialize)]
struct SitemapPage {
    base_url: String,
    pages: Vec<String>,
}

impl Site<'_> {
    /// The readable name of a topic (lowercased ID): see [`crate::site::labels`].
    fn topic_label(&self, key: &str) -> Option<&str> {
        if !self.whole {
            return crate::site::labels::topic_label(self.lib, key);
        }
        let labels = self
            .topic_labels
            .get_or_init(|| crate::site::labels::topic_labels(self.lib));
        labels.get(key).copied()
    }

    fn places(&self) -> &crate::site::labels::Places<'_> {
        self.topic_places
            .get_or_init(|| crate::site::labels::Places::new(self.lib))
    }

    /// A topic (lowercased ID) as a link, named by its label.
    fn topic_link(&self, key: &str) -> NamedLink {
        NamedLink {
            name: match self.topic_label(key) {
                Some(label) => format!("{key} · {label}"),
                None => key.to_string(),
            },
            url: self.topic_url(key),
            note: String::new(),
        }
    }

    /// The topics overview's pages (`topics/index.html`, then `topics/index~2.html`...), each
    /// with links to all, named by the first service on each. Of more than one page, the
    /// groups of all are also written as `topics/index.json`, which the filter box reads to
    /// search every page (building elements from data: search.js parses no HTML).
    fn write_topics_overview(&self, sink: &dyn Sink) -> Result<(), Error> {
        let mut page = self.overview(Section::Topics);
        let groups = std::mem::take(&mut page.groups);
        let pages = overview_pages(groups);
        let first = format!("{}/index.html", Section::Topics.dir());
        if pages.len() > 1 {
            let json = overview_data(&pages);
            sink.write(&format!("{}/index.json", Section::Topics.dir()), &json)?;
        }
        let names: Vec<String> = pages
            .iter()
            .map(|groups| groups.first().map(|g| g.name.clone()).unwrap_or_default())
            .collect();
        let n = pages.len();
        for (i, groups) in pages.into_iter().enumerate() {
            page.groups = groups;
            if n > 1 {
                page.page_number = i + 1;
                page.pager = pager(&first, n, i + 1, |p| format!("{p}: {}", names[p - 1]));
            }
            sink.write(
                &paged(&first, i + 1),
                self.renderer.overview(&page)?.as_bytes(),
            )?;
        }
        Ok(())
    }

    /// The topics overview grouped: services in name order (none last), products within them.
    fn topic_groups(&self, entries: &[NamedLink]) -> Vec<OverviewGroup> {
        let places = self.places();
        let by_topic: HashMap<&str, &NamedLink> = self
            .lib
            .topics
            .keys()
            .map(String::as_str)
            .zip(entries)
            .collect();
        let tree = place_tree(places);
        let count = |n: usize| format!("{n} topic{}", plural(n));
        tree.into_iter()
            .map(|((_, service), products)| {
                let topics: usize = products.values().map(Vec::len).sum();
                OverviewGroup {
                    name: if service.is_empty() {
                        "(no service)".into()
                    } else {
                        service.to_string()
                    },
                    url: self.paths.page(Section::Services, service),
                    note: count(topics),
                    subgroups: products
                        .into_iter()
                        .map(|((_, product), mut topics)| {
                            topics.sort_unstable();
                            OverviewSubgroup {
                                name: if product.is_empty() {
                                    String::new()
                                } else {
                                    format!("Product {product}")
                                },
                                url: self.paths.page(Section::Products, product),
                                note: count(topics.len()),
                                entries: topics
                                    .iter()
                                    .filter_map(|t| by_topic.get(t).map(|e| (*e).clone()))
                                    .collect(),
                            }
                        })
                        .collect(),
                }
            })
            .collect()
    }

    fn view(&self, depth: usize) -> SiteView<'_> {
        SiteView {
            title: &self.config.title,
            root: if depth == 0 { "" } else { "../" },
            cloud: self.cloud.map(Cloud::as_str),
            search: self.config.writes(Output::Search),
        }
    }

    fn links(&self, ixs: &[ArticleIx]) -> Vec<ArticleLink<'_>> {
        ixs.iter()
            .map(|&i| ArticleLink::new(&self.lib.articles[i]))
            .collect()
    }

    /// An article's page, embeddable fragment and API record. The payload is rendered once
    /// for both page and fragment when their links start the same way (no absolute
    /// `base-url`).
    /// An article's page, record and fragment, those the outputs name.
    fn write_article(&self, a: &Article, sink: &dyn Sink) -> Result<(), Error> {
        let writes = |o| self.config.writes(o);
        let payload = self.payload_html(a, PAGE_LINK_ROOT)?;
        if writes(Output::Pages) {
            let page = self
                .renderer
                .article(&self.article(a, payload.as_deref()))?;
            sink.write(&article_page(a), page.as_bytes())?;
        }
        if !writes(Output::Records) && !writes(Output::Embed) {
            return Ok(());
        }
        let embed_payload = if self.embed_link_root == PAGE_LINK_ROOT {
            payload
        } else {
            self.payload_html(a, &self.embed_link_root)?
        };
        let embed = self.embed(a, embed_payload.as_deref())?;
        if writes(Output::Embed) {
            api::write_fragment(a, &embed, sink)?;
        }
        if writes(Output::Records) {
            api::write_record(a, &embed, sink)?;
        }
        Ok(())
    }

    /// `payload.html` for the article's payload, if it has one.
    fn payload_html(&self, a: &Article, link_root: &str) -> Result<Option<String>, Error> {
        let Some(payload) = payload_view(a, self.lib, &|id| self.topic_url(id)) else {
            return Ok(None);
        };
        let page = PayloadPage {
            payload,
            slug: &a.slug,
            link_root,
        };
        self.renderer.payload(&page).map(Some)
    }

    /// Renders `page` into `sink`; an article page with its fragment and record.
    fn write_page(&self, page: &Page, sink: &dyn Sink) -> Result<(), Error> {
        let r = self.renderer;
        let lib = self.lib;
        let (path, html) = match *page {
            Page::Home => ("index.html".into(), r.home(&self.home())?),
            Page::Search => (
                "search.html".into(),
                r.search(&SearchPage {
                    site: self.view(0),
                    script_version: search::version(&r.search_script),
                })?,
            ),
            Page::Sitemap => ("sitemap.xml".into(), r.sitemap(&self.sitemap())?),
            Page::Article(ix) => return self.write_article(&lib.articles[ix], sink),
            Page::Overview(Section::Topics) => return self.write_topics_overview(sink),
            Page::Overview(section) => (
                format!("{}/index.html", section.dir()),
                r.overview(&self.overview(section))?,
            ),
            Page::Topic(key) => {
                let title = match self.topic_label(key) {
                    Some(label) => format!("Support topic {key}: {label}"),
                    None => format!("Support topic {key}"),
                };
                let groups = single(&lib.topics[key], self);
                return self.write_list(Section::Topics, key, title, "", groups, sink);
            }
            Page::Service(key) => {
                let groups = lib.services[key]
                    .iter()
                    .map(|(resource, ixs)| Group {
                        name: if resource.is_empty() {
                            "(no resource)".into()
                        } else {
                            resource.clone()
                        },
                        articles: self.links(ixs),
                    })
                    .collect();
                let (title, intro) = (format!("Service {key}"), "Articles by resource type.");
                return self.write_list(Section::Services, key, title, intro, groups, sink);
            }
            Page::Product(key) => {
                let groups = single(&lib.products[key], self);
                let title = format!("Product {key}");
                return self.write_list(Section::Products, key, title, "", groups, sink);
            }
            Page::Cloud(cloud) => {
                let groups = single(&lib.clouds[&cloud], self);
                let intro = format!("Articles published to the {cloud} cloud.");
                let (key, title) = (cloud.as_str(), format!("Cloud {cloud}"));
                return self.write_list(Section::Clouds, key, title, &intro, groups, sink);
            }
            Page::Type(key) => {
                let groups = single(&lib.types[key], self);
                let title = format!("Type {key}");
                return self.write_list(Section::Types, key, title, "", groups, sink);
            }
        };
        sink.write(&path, html.as_bytes())
    }

    /// A topic's, service's, product's, cloud's or type's pages (`list.html`), [`LIST_PAGE`]
    /// articles to a page: the first at the key's path, the others beside it ([`paged`]), each
    /// with links to all. A topic's pages also show its description and place.
    fn write_list(
        &self,
        section: Section,
        key: &str,
        title: String,
        intro: &str,
        groups: Vec<Group>,
        sink: &dyn Sink,
    ) -> Result<(), Error> {
        let first = self.paths.page(section, key).unwrap_or_default();
        let total: usize = groups.iter().map(|g| g.articles.len()).sum();
        let pages = paginate(groups, LIST_PAGE);
        let n = pages.len();
        for (i, groups) in pages.into_iter().enumerate() {
            let mut page = self.list_view(section, title.clone(), intro, None, groups);
            if section == Section::Topics {
                self.describe_topic(key, &mut page);
            }
            page.count = total;
            if n > 1 {
                page.page_number = i + 1;
                page.pager = pager(&first, n, i + 1, |p| p.to_string());
            }
            let html = self.renderer.list(&page, section == Section::Topics)?;
            sink.write(&paged(&first, i + 1), html.as_bytes())?;
        }
        Ok(())
    }

    /// A topic page's description (from the supportTopicDescription article that describes
    /// it), service, product and sibling topics.
    fn describe_topic<'s>(&'s self, key: &str, page: &mut ListPage<'s>) {
        let lib = self.lib;
        page.description = lib
            .topic_descriptions
            .get(key)
            .map(|d| TopicDescriptionView {
                short: &d.short,
                long: &d.long,
                category: &d.category,
                search_tags: &d.search_tags,
                source: ArticleLink::new(&lib.articles[d.article]),
            });
        let Some(place) = self.places().of(key) else {
            return;
        };
        page.service = (!place.service.is_empty()).then(|| NamedLink {
            name: place.service.clone(),
            url: self.paths.page(Section::Services, &place.service),
            note: String::new(),
        });
        page.product = (!place.product.is_empty()).then(|| NamedLink {
            name: place.product.clone(),
            url: self.paths.page(Section::Products, &place.product),
            note: String::new(),
        });
        let siblings = self.places().siblings(key);
        page.more_siblings = siblings.len().saturating_sub(SIBLINGS);
        page.siblings = siblings
            .iter()
            .take(SIBLINGS)
            .map(|t| self.topic_link(t))
            .collect();
    }

    fn list_view<'s>(
        &'s self,
        section: Section,
        title: String,
        intro: &str,
        description: Option<TopicDescriptionView<'s>>,
        groups: Vec<Group<'s>>,
    ) -> ListPage<'s> {
        let kind = match section {
            Section::Topics => "topic",
            Section::Services => "service",
            Section::Products => "product",
            Section::Clouds => "cloud",
            Section::Types => "type",
        };
        ListPage {
            site: self.view(1),
            kind,
            title,
            intro: intro.to_string(),
            description,
            count: groups.iter().map(|g| g.articles.len()).sum(),
            groups,
            service: None,
            product: None,
            siblings: Vec::new(),
            more_siblings: 0,
            pager: Vec::new(),
            page_number: 1,
        }
    }

    fn topic_url(&self, id: &str) -> Option<String> {
        self.paths.topic_page(id)
    }

    /// The article's service and first support topic, and its neighbours in that topic's list.
    fn whereabouts(&self, a: &Article) -> (Vec<NamedLink>, Option<NamedLink>, Option<NamedLink>) {
        let m = &a.meta;
        let mut trail = Vec::new();
        if !m.service.is_empty() {
            trail.push(NamedLink {
                name: m.service.clone(),
                url: self
                    .paths
                    .page(Section::Services, &m.service.to_lowercase()),
                note: String::new(),
            });
        }
        let Some(topic) = m.support_topic_ids.first() else {
            return (trail, None, None);
        };
        let key = topic.to_lowercase();
        trail.push(NamedLink {
            name: match self.topic_label(&key) {
                Some(label) => format!("{topic}: {label}"),
                None => format!("Support topic {topic}"),
            },
            url: self.topic_url(topic),
            note: String::new(),
        });
        let list = self.lib.topics.get(&key).map_or(&[][..], Vec::as_slice);
        let here = self
            .lib
            .index_of(&m.article_id)
            .and_then(|ix| list.iter().position(|&i| i == ix));
        let link = |i: usize| {
            list.get(i).map(|&ix| {
                let n = &self.lib.articles[ix];
                NamedLink {
                    name: n.title.clone(),
                    url: Some(article_page(n)),
                    note: String::new(),
                }
            })
        };
        match here {
            Some(at) => (trail, at.checked_sub(1).and_then(link), link(at + 1)),
            None => (trail, None, None),
        }
    }

    fn article<'s>(&'s self, a: &'s Article, payload_html: Option<&'s str>) -> ArticlePage<'s> {
        let m = &a.meta;
        let type_key = m.self_help_type.as_str();
        let (trail, previous, next) = self.whereabouts(a);
        ArticlePage {
            site: self.view(1),
            record_url: article_record(a),
            embed_url: article_embed(a),
            title: &a.title,
            description: &m.description,
            article_id: &m.article_id,
            self_help_type: NamedLink {
                name: type_key.to_string(),
                url: self.paths.page(Section::Types, type_key),
                note: String::new(),
            },
            service: (!m.service.is_empty()).then(|| NamedLink {
                name: m.service.clone(),
                url: self
                    .paths
                    .page(Section::Services, &m.service.to_lowercase()),
                note: String::new(),
            }),
            resource: &m.resource,
            topics: m
                .support_topic_ids
                .iter()
                .map(|t| NamedLink {
                    name: t.clone(),
                    url: self.topic_url(t),
                    note: self
                        .topic_label(&t.to_lowercase())
                        .unwrap_or_default()
                        .to_string(),
                })
                .collect(),
            products: m
                .product_pes_ids
                .iter()
                .map(|p| NamedLink {
                    name: p.clone(),
                    url: self.paths.page(Section::Products, &p.to_lowercase()),
                    note: String::new(),
                })
                .collect(),
            clouds: m
                .shown_clouds()
                .map(|c| NamedLink {
                    name: c.to_string(),
                    url: self
                        .lib
                        .clouds
                        .contains_key(&c)
                        .then(|| format!("clouds/{c}.html")),
                    note: String::new(),
                })
                .collect(),
            owner: &m.ownership_id,
            display_order: m.display_order,
            source: &a.path,
            body_html: &a.body_html,
            payload_html,
            tokens: &a.tokens,
            issue_description: a.issue_description.as_deref(),
            trail,
            previous,
            next,
        }
    }

    /// The fragment a portal embeds.
    fn embed(&self, a: &Article, payload_html: Option<&str>) -> Result<String, Error> {
        let page = EmbedPage {
            article_id: &a.meta.article_id,
            self_help_type: a.meta.self_help_type.as_str(),
            body_html: &a.body_html,
            payload_html,
        };
        self.renderer.embed(&page)
    }

    fn overview(&self, section: Section) -> OverviewPage<'_> {
        let lib = self.lib;
        let entries = |map: &BTreeMap<String, Vec<ArticleIx>>,
                       slugs: &Slugs,
                       note: &dyn Fn(&str) -> String| {
            map.iter()
                .map(|(k, v)| NamedLink {
                    name: k.clone(),
                    url: slugs.file(k),
                    note: format!("{} article{}{}", v.len(), plural(v.len()), note(k)),
                })
                .collect::<Vec<_>>()
        };
        let none = |_: &str| String::new();
        let (title, intro, entries) = match section {
            Section::Topics => (
                "Support topics",
                "Every support topic that articles are filed under.",
                entries(&lib.topics, &self.paths.topics, &|k| {
                    self.topic_label(k)
                        .map(|label| format!(" · {label}"))
                        .unwrap_or_default()
                }),
            ),
            Section::Services => (
                "Services",
                "Articles by service (resource provider).",
                lib.services
                    .iter()
                    .map(|(k, resources)| {
                        let n: usize = resources.values().map(Vec::len).sum();
                        NamedLink {
                            name: k.clone(),
                            url: self.paths.services.file(k),
                            note: format!(
                                "{n} article{} · {} resource type{}",
                                plural(n),
                                resources.len(),
                                plural(resources.len())
                            ),
                        }
                    })
                    .collect(),
            ),
            Section::Products => (
                "Products",
                "Articles by product (productPesIds).",
                entries(&lib.products, &self.paths.products, &none),
            ),
            Section::Types => (
                "Article types",
                "Articles by selfHelpType.",
                entries(&lib.types, &self.paths.types, &none),
            ),
            Section::Clouds => (
                "Clouds",
                "Articles by the cloud they are published to.",
                lib.clouds
                    .iter()
                    .map(|(c, v)| NamedLink {
                        name: c.to_string(),
                        url: Some(format!("{c}.html")),
                        note: format!("{} article{}", v.len(), plural(v.len())),
                    })
                    .collect(),
            ),
        };
        let groups = match section {
            Section::Topics => self.topic_groups(&entries),
            _ => Vec::new(),
        };
        OverviewPage {
            site: self.view(1),
            title,
            intro,
            entries,
            groups,
            script_version: search::version(&self.renderer.search_script),
            pager: Vec::new(),
            page_number: 1,
        }
    }

    fn home(&self) -> HomePage<'_> {
        let lib = self.lib;
        let section = |name: &str, url: &str, n: usize| NamedLink {
            name: name.into(),
            url: Some(url.into()),
            note: n.to_string(),
        };
        HomePage {
            site: self.view(0),
            articles: lib.articles.len(),
            sections: vec![
                section("Support topics", "topics/index.html", lib.topics.len()),
                section("Services", "services/index.html", lib.services.len()),
                section("Products", "products/index.html", lib.products.len()),
                section("Clouds", "clouds/index.html", lib.clouds.len()),
                section("Article types", "types/index.html", lib.types.len()),
            ],
            types: lib
                .types
                .iter()
                .map(|(k, v)| NamedLink {
                    name: k.clone(),
                    url: self.paths.page(Section::Types, k),
                    note: v.len().to_string(),
                })
                .collect(),
            clouds: lib
                .clouds
                .iter()
                .map(|(c, v)| NamedLink {
                    name: c.to_string(),
                    url: Some(format!("clouds/{c}.html")),
                    note: v.len().to_string(),
                })
                .collect(),
        }
    }

    fn sitemap(&self) -> SitemapPage {
        let mut base_url = self.config.base_url.clone();
        if !base_url.ends_with('/') {
            base_url.push('/');
        }
        let mut pages = vec![String::new()];
        pages.extend(self.lib.articles.iter().map(|a| article_page(a)));
        for (section, slugs) in [
            (Section::Topics, &self.paths.topics),
            (Section::Services, &self.paths.services),
            (Section::Products, &self.paths.products),
            (Section::Types, &self.paths.types),
        ] {
            let mut urls: Vec<String> = slugs
                .all()
                .map(|s| format!("{}/{s}.html", section.dir()))
                .collect();
            urls.sort();
            pages.push(format!("{}/index.html", section.dir()));
            pages.extend(urls);
        }
        pages.push("clouds/index.html".into());
        pages.extend(self.lib.clouds.keys().map(|c| format!("clouds/{c}.html")));
        SitemapPage { base_url, pages }
    }
}

/// The way from an article page (`articles/`) to the site root.
const PAGE_LINK_ROOT: &str = "../";

/// `base-url` ending in `/` when it is absolute, else the way from `embed/` to the site root.
fn embed_link_root(base_url: &str) -> String {
    if base_url.starts_with("https://") || base_url.starts_with("http://") {
        base_url.trim_end_matches('/').to_string() + "/"
    } else {
        "../".to_string()
    }
}

/// Groups cut into pages of at most `size` articles; a group split across two pages keeps its
/// name on both.
fn paginate(groups: Vec<Group<'_>>, size: usize) -> Vec<Vec<Group<'_>>> {
    let mut pages: Vec<Vec<Group>> = vec![Vec::new()];
    let mut room = size;
    for group in groups {
        let mut articles = group.articles.into_iter().peekable();
        while articles.peek().is_some() {
            if room == 0 {
                pages.push(Vec::new());
                room = size;
            }
            let part: Vec<_> = articles.by_ref().take(room).collect();
            room -= part.len();
            pages.last_mut().expect("a page").push(Group {
                name: group.name.clone(),
                articles: part,
            });
        }
    }
    pages
}

fn single<'s>(ixs: &[ArticleIx], site: &'s Site<'_>) -> Vec<Group<'s>> {
    vec![Group {
        name: String::new(),
        articles: site.links(ixs),
    }]
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The vendored package's version is the one fact; the import in search.js carries it so
    /// that browsers never mix a cached old stemmer with a new index.
    #[test]
    fn search_js_imports_the_vendored_stemmer_by_its_version() {
        let package: serde_json::Value =
            serde_json::from_str(include_str!("../../../vendor/porter2/package.json")).unwrap();
        let version = package["version"].as_str().unwrap();
        let import = format!("from \"./porter2.js?v={version}\";");
        assert!(
            BUILTIN_SEARCH_SCRIPT.contains(&import),
            "search.js lacks {import}"
        );
        assert!(PORTER2_MODULE.contains("\nexport const stem = exports.stem;\n"));
    }
}
