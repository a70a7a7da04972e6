//! The library: every article that will be built, and the indexes pages are made from (support
//! topics, services and resources, products, clouds, types).
//!
//! This is the cross-article stage, done once after the parallel parse: duplicate articleIds and
//! URL collisions are found here, and support topic descriptions are attached to their topics.

use std::collections::hash_map::Entry;
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::sync::Arc;

use rustc_hash::FxHashMap;

use serde_json::Value;

use crate::base::diagnostic::Diagnostic;
use crate::base::source_rules as rules;
use crate::source::model::{Article, Cloud, SelfHelpType};

/// Index into [`Library::articles`].
pub type ArticleIx = usize;

/// A support topic described by a supportTopicDescription article.
#[derive(Debug, Clone, PartialEq)]
pub struct TopicDescription {
    pub article: ArticleIx,
    pub short: String,
    pub long: String,
    pub category: String,
    pub search_tags: String,
}

#[derive(Debug, Default)]
pub struct Library {
    /// Sorted by source path. Shared, so that `shelf serve` can make the next library after a
    /// change without copying every article.
    pub articles: Vec<Arc<Article>>,
    /// Lowercased articleId to article.
    by_id: HashMap<String, ArticleIx>,
    /// Topic ID (lowercased) to its articles in display order.
    pub topics: BTreeMap<String, Vec<ArticleIx>>,
    pub topic_descriptions: HashMap<String, TopicDescription>,
    /// Service (lowercased) to resource (lowercased, may be empty) to articles.
    pub services: BTreeMap<String, BTreeMap<String, Vec<ArticleIx>>>,
    pub products: BTreeMap<String, Vec<ArticleIx>>,
    pub clouds: BTreeMap<Cloud, Vec<ArticleIx>>,
    /// selfHelpType (canonical spelling) to articles.
    pub types: BTreeMap<String, Vec<ArticleIx>>,
    /// The problems found making it (shared articleIds and page URLs), also given to the
    /// caller: kept so that a library updated in place reports them again.
    pub collisions: Vec<Diagnostic>,
}

impl Library {
    /// The library of `articles` (which must be sorted by path) with the page indexes that
    /// `build` renders from: topics, services, products, clouds, types, topic descriptions.
    pub fn indexed(
        articles: Vec<impl Into<Arc<Article>>>,
        diagnostics: &mut Vec<Diagnostic>,
    ) -> Library {
        Library::indexed_keeping(articles, diagnostics, &|_| false)
    }

    /// [`Library::indexed`], where `holds_page` says which article published its page in the
    /// last build (see [`Library::keeping`]).
    pub fn indexed_keeping(
        articles: Vec<impl Into<Arc<Article>>>,
        diagnostics: &mut Vec<Diagnostic>,
        holds_page: &dyn Fn(&Article) -> bool,
    ) -> Library {
        let mut lib = Library::keeping(articles, diagnostics, holds_page);
        lib.index();
        lib
    }

    /// The library with identities only (articleId lookup), which is all `check` needs; the
    /// page indexes stay empty.
    pub fn new(
        articles: Vec<impl Into<Arc<Article>>>,
        diagnostics: &mut Vec<Diagnostic>,
    ) -> Library {
        Library::keeping(articles, diagnostics, &|_| false)
    }

    /// [`Library::new`]. Of two articles with one articleId or page URL, one is built and both
    /// files get an error naming the other. The one built is the one whose page the last build
    /// published (`holds_page`), so a new file never takes over an existing page however its
    /// name sorts; when neither held it, the first by path.
    pub fn keeping(
        articles: Vec<impl Into<Arc<Article>>>,
        diagnostics: &mut Vec<Diagnostic>,
        holds_page: &dyn Fn(&Article) -> bool,
    ) -> Library {
        let articles: Vec<Arc<Article>> = articles.into_iter().map(Into::into).collect();
        // Which article of each articleId, then of each page URL, is built. Keys borrowed and
        // hashed with Fx: these maps live only here, and were a serial 25 ms at 16,500.
        fn pick<'k>(
            winners: &mut FxHashMap<&'k str, ArticleIx>,
            key: &'k str,
            ix: ArticleIx,
            kept: &dyn Fn(ArticleIx) -> bool,
        ) {
            match winners.entry(key) {
                Entry::Vacant(v) => {
                    v.insert(ix);
                }
                Entry::Occupied(mut o) => {
                    if kept(ix) && !kept(*o.get()) {
                        o.insert(ix);
                    }
                }
            }
        }
        let kept = |ix: ArticleIx| holds_page(&articles[ix]);
        let ids: Vec<String> = articles
            .iter()
            .map(|a| a.meta.article_id.to_lowercase())
            .collect();
        let mut by_id = FxHashMap::with_capacity_and_hasher(articles.len(), Default::default());
        for (ix, id) in ids.iter().enumerate() {
            pick(&mut by_id, id.as_str(), ix, &kept);
        }
        let mut by_slug = FxHashMap::with_capacity_and_hasher(articles.len(), Default::default());
        for (ix, a) in articles.iter().enumerate() {
            if by_id[ids[ix].as_str()] == ix {
                pick(&mut by_slug, a.slug.as_str(), ix, &kept);
            }
        }
        let (by_id, by_slug) = (by_id, by_slug);
        let mut lib = Library::default();
        lib.by_id.reserve(articles.len());
        for ((ix, article), id) in articles.iter().enumerate().zip(&ids) {
            let (winner, rule, what) = match by_id[id.as_str()] {
                w if w != ix => (w, rules::DUPLICATE_ARTICLE_ID, "articleId"),
                _ => match by_slug[article.slug.as_str()] {
                    w if w != ix => (w, rules::OUTPUT_PATH_COLLISION, "page URL"),
                    _ => {
                        lib.by_id.insert(id.clone(), lib.articles.len());
                        lib.articles.push(Arc::clone(article));
                        continue;
                    }
                },
            };
            let built = &articles[winner];
            lib.collisions
                .push(collision(rule, article, built, what, false));
            lib.collisions
                .push(collision(rule, built, article, what, true));
        }
        diagnostics.extend(lib.collisions.iter().cloned());
        lib
    }

    /// Puts `new` in the place of the article read from the same file, when it keeps its
    /// identity and index keys ([`same_place`]) and that file shares no articleId or URL, and
    /// moves it in each list it is in if its display order changed (a new title); false, and
    /// nothing changed, otherwise. `shelf serve` makes the next library so after an edit of an
    /// article's body or title, instead of indexing every article again.
    pub fn replace(&mut self, new: Arc<Article>) -> bool {
        let Some(ix) = self.index_of(&new.meta.article_id) else {
            return false;
        };
        let old = &self.articles[ix];
        if old.path != new.path
            || !same_place(old, &new)
            || self.collisions.iter().any(|d| d.file == new.file)
        {
            return false;
        }
        let reorder = display_key(old) != display_key(&new);
        self.articles[ix] = new;
        if reorder {
            // Each list it is in once (a topic written twice is listed once).
            let keys = Keys::of(&self.articles[ix]);
            let m = &self.articles[ix].meta;
            let resource = m.resource.to_lowercase();
            let articles = &self.articles;
            for topic in &keys.topics {
                if let Some(list) = self.topics.get_mut(topic) {
                    move_to_its_place(list, ix, articles);
                }
            }
            for product in &keys.products {
                if let Some(list) = self.products.get_mut(product) {
                    move_to_its_place(list, ix, articles);
                }
            }
            for cloud in &keys.clouds {
                if let Some(list) = self.clouds.get_mut(cloud) {
                    move_to_its_place(list, ix, articles);
                }
            }
            for service in &keys.services {
                if let Some(list) = self
                    .services
                    .get_mut(service)
                    .and_then(|r| r.get_mut(&resource))
                {
                    move_to_its_place(list, ix, articles);
                }
            }
            for kind in &keys.types {
                if let Some(list) = self.types.get_mut(kind) {
                    move_to_its_place(list, ix, articles);
                }
            }
        }
        true
    }

    /// The articles whose payload names one of `ids` (lowercased articleIds): their pages
    /// show that article's title and link, so they change with it.
    pub fn referring_to(&self, ids: &BTreeSet<String>) -> Vec<ArticleIx> {
        if ids.is_empty() {
            return Vec::new();
        }
        let names = |a: &Article| {
            a.references
                .iter()
                .any(|r| ids.contains(&r.article_id.trim().to_lowercase()))
        };
        (0..self.articles.len())
            .filter(|&ix| names(&self.articles[ix]))
            .collect()
    }

    /// Where the article of `article_id` is in [`Library::articles`].
    pub fn index_of(&self, article_id: &str) -> Option<ArticleIx> {
        self.by_id.get(&article_id.trim().to_lowercase()).copied()
    }

    pub fn by_id(&self, article_id: &str) -> Option<&Article> {
        self.by_id
            .get(&article_id.trim().to_lowercase())
            .map(|&ix| &*self.articles[ix])
    }

    fn index(&mut self) {
        let Library {
            articles,
            topics,
            topic_descriptions,
            services,
            products,
            clouds,
            types,
            ..
        } = self;
        let articles = &*articles;
        // Three passes over the articles that need nothing from each other, on both cores.
        let ((), (described, rank)) = rayon::join(
            || {
                for (ix, a) in articles.iter().enumerate() {
                    let m = &a.meta;
                    for topic in &m.support_topic_ids {
                        push_unique(topics.entry(topic.to_lowercase()).or_default(), ix);
                    }
                    for product in &m.product_pes_ids {
                        push_unique(products.entry(product.to_lowercase()).or_default(), ix);
                    }
                    for &cloud in &m.clouds {
                        if m.is_in_cloud(cloud) {
                            clouds.entry(cloud).or_default().push(ix);
                        }
                    }
                    if !m.service.is_empty() {
                        services
                            .entry(m.service.to_lowercase())
                            .or_default()
                            .entry(m.resource.to_lowercase())
                            .or_default()
                            .push(ix);
                    }
                    types
                        .entry(m.self_help_type.as_str().to_string())
                        .or_default()
                        .push(ix);
                }
            },
            || rayon::join(|| described_topics(articles), || display_rank(articles)),
        );
        for (id, description) in described {
            topic_descriptions.entry(id).or_insert(description);
        }
        // Every list is in display order.
        let order = |list: &mut Vec<ArticleIx>| list.sort_unstable_by_key(|&ix| rank[ix]);
        topics.values_mut().for_each(order);
        products.values_mut().for_each(order);
        clouds.values_mut().for_each(order);
        types.values_mut().for_each(order);
        services
            .values_mut()
            .flat_map(|r| r.values_mut())
            .for_each(order);
    }
}

/// Every topic a supportTopicDescription article describes, in article order (the first
/// description of a topic wins).
fn described_topics(articles: &[Arc<Article>]) -> Vec<(String, TopicDescription)> {
    articles
        .iter()
        .enumerate()
        .filter(|(_, a)| a.meta.self_help_type == SelfHelpType::SupportTopicDescription)
        .filter_map(|(ix, a)| Some(descriptions(ix, a.payload.as_ref()?.value.as_ref()?)))
        .flatten()
        .collect()
}

/// Each article's place in display order (displayOrder, then title, then path).
fn display_rank(articles: &[Arc<Article>]) -> Vec<usize> {
    let mut by_display: Vec<ArticleIx> = (0..articles.len()).collect();
    by_display.sort_by_cached_key(|&ix| display_key(&articles[ix]));
    let mut rank = vec![0; by_display.len()];
    for (r, ix) in by_display.into_iter().enumerate() {
        rank[ix] = r;
    }
    rank
}

/// The topics a supportTopicDescription payload describes, keyed by lowercased topic ID.
fn descriptions(ix: ArticleIx, payload: &Value) -> Vec<(String, TopicDescription)> {
    let Some(topics) = payload.get("supportTopics").and_then(Value::as_array) else {
        return Vec::new();
    };
    topics
        .iter()
        .filter_map(|topic| {
            let field = |k: &str| json_text(topic.get(k));
            let id = field("id").to_lowercase();
            (!id.is_empty()).then(|| {
                let description = TopicDescription {
                    article: ix,
                    short: field("shortDescription"),
                    long: field("longDescription"),
                    category: field("category"),
                    search_tags: field("searchTags"),
                };
                (id, description)
            })
        })
        .collect()
}

/// The index keys an article is filed under, as [`Library`] keys them: the pages and API
/// documents that list it. `shelf serve` re-renders exactly these when the article changes.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Keys {
    pub topics: BTreeSet<String>,
    pub services: BTreeSet<String>,
    pub products: BTreeSet<String>,
    pub clouds: BTreeSet<Cloud>,
    pub types: BTreeSet<String>,
    /// Topics whose description this (supportTopicDescription) article gives.
    pub described: BTreeSet<String>,
}

impl Keys {
    pub fn of(a: &Article) -> Keys {
        let m = &a.meta;
        let described = match (
            &m.self_help_type,
            a.payload.as_ref().and_then(|p| p.value.as_ref()),
        ) {
            (SelfHelpType::SupportTopicDescription, Some(value)) => descriptions(0, value)
                .into_iter()
                .map(|(id, _)| id)
                .collect(),
            _ => BTreeSet::new(),
        };
        Keys {
            topics: m
                .support_topic_ids
                .iter()
                .map(|t| t.to_lowercase())
                .collect(),
            services: (!m.service.is_empty())
                .then(|| m.service.to_lowercase())
                .into_iter()
                .collect(),
            products: m.product_pes_ids.iter().map(|p| p.to_lowercase()).collect(),
            clouds: m.shown_clouds().collect(),
            types: BTreeSet::from([m.self_help_type.as_str().to_string()]),
            described,
        }
    }

    pub fn is_empty(&self) -> bool {
        self.topics.is_empty()
            && self.services.is_empty()
            && self.products.is_empty()
            && self.clouds.is_empty()
            && self.types.is_empty()
            && self.described.is_empty()
    }

    pub fn extend(&mut self, other: Keys) {
        self.topics.extend(other.topics);
        self.services.extend(other.services);
        self.products.extend(other.products);
        self.clouds.extend(other.clouds);
        self.types.extend(other.types);
        self.described.extend(other.described);
    }
}

/// Articles are listed by displayOrder (unset last), then title, then path.
fn display_key(a: &Article) -> (i64, String, &str) {
    (
        a.meta.display_order.unwrap_or(i64::MAX),
        a.title.to_lowercase(),
        &a.path,
    )
}

/// Whether `new` can take `old`'s place in a library with nothing the library decides from an
/// article changing but its place in display order: its identity (articleId, page URL), every
/// index key (topics, products, clouds, service and resource, type), and the topics it
/// describes.
pub fn same_place(old: &Article, new: &Article) -> bool {
    let (a, b) = (&old.meta, &new.meta);
    let described = |x: &Article| match (
        &x.meta.self_help_type,
        x.payload.as_ref().and_then(|p| p.value.as_ref()),
    ) {
        (SelfHelpType::SupportTopicDescription, Some(value)) => descriptions(0, value),
        _ => Vec::new(),
    };
    old.slug == new.slug
        && a.article_id == b.article_id
        && a.support_topic_ids == b.support_topic_ids
        && a.product_pes_ids == b.product_pes_ids
        && a.clouds == b.clouds
        && a.disabled_clouds == b.disabled_clouds
        && a.service == b.service
        && a.resource == b.resource
        && a.self_help_type == b.self_help_type
        && described(old) == described(new)
}

/// Moves `ix` to where its display key puts it in `list` (in display order otherwise).
fn move_to_its_place(list: &mut Vec<ArticleIx>, ix: ArticleIx, articles: &[Arc<Article>]) {
    if let Some(at) = list.iter().position(|&i| i == ix) {
        list.remove(at);
    }
    let key = display_key(&articles[ix]);
    let at = list.partition_point(|&i| display_key(&articles[i]) < key);
    list.insert(at, ix);
}

fn push_unique(list: &mut Vec<ArticleIx>, ix: ArticleIx) {
    if list.last() != Some(&ix) {
        list.push(ix);
    }
}

/// A JSON scalar as display text: strings as they are, numbers and booleans printed, null empty.
pub fn json_text(value: Option<&Value>) -> String {
    match value {
        Some(Value::String(s)) => s.trim().to_string(),
        Some(Value::Null) | None => String::new(),
        Some(other) => other.to_string(),
    }
}

fn collision(
    rule: crate::base::diagnostic::Rule,
    this: &Article,
    other: &Article,
    what: &str,
    this_is_built: bool,
) -> Diagnostic {
    let built = if this_is_built {
        format!("this file is built, {} is not", other.file.display())
    } else {
        "this file is not built".to_string()
    };
    let mut d = Diagnostic::new(
        rule,
        &this.file,
        format!(
            "{what} of \"{}\" is also used by {}; {built}",
            this.meta.article_id,
            other.file.display()
        ),
    )
    .help("give each article its own articleId (the page goes to the file that had it in the last build, else to the first by path)");
    if let Some(p) = this.meta.get("articleId") {
        d = d.at(p.value.span.clone());
        // The file text is gone by now; the position was recorded when the file was parsed.
        d.start = this.article_id_at;
    }
    d
}
