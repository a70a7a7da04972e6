//! Where every page and document of a site goes. Each index key (support topic, service,
//! product, type) gets one slug, and pages, search and the JSON API all use it, so
//! `topics/<slug>.html` and `api/v1/topics/<slug>.json` always describe the same topic.

use std::collections::{HashMap, HashSet};

use crate::base::slug::slugify;
use crate::source::library::Library;
use crate::source::model::Article;

/// A folder of index pages (and of API documents of the same name).
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Section {
    Topics,
    Services,
    Products,
    Clouds,
    Types,
}

impl Section {
    pub fn dir(self) -> &'static str {
        match self {
            Section::Topics => "topics",
            Section::Services => "services",
            Section::Products => "products",
            Section::Clouds => "clouds",
            Section::Types => "types",
        }
    }
}

/// Articles listed on one page of a topic, service, product, cloud or type: a cloud of the
/// real repository holds 15,000, which as one page is megabytes; 200 keeps a page under about
/// 80 KB.
pub const LIST_PAGE: usize = 200;

/// How many pages list `articles` articles.
pub fn list_pages(articles: usize) -> usize {
    articles.div_ceil(LIST_PAGE).max(1)
}

/// Page `n` (from 1) of a list whose first page is `first`: `types/generic.html`, then
/// `types/generic~2.html`, ... (slugs never hold `~`, so no key's page is taken).
pub fn paged(first: &str, n: usize) -> String {
    match (n, first.strip_suffix(".html")) {
        (1, _) | (_, None) => first.to_string(),
        (n, Some(stem)) => format!("{stem}~{n}.html"),
    }
}

/// Where each index key's page goes: slugs made unique in key order. `index` is kept for the
/// section's own overview page.
pub struct Slugs<'a>(HashMap<&'a str, String>);

impl<'a> Slugs<'a> {
    pub fn new(keys: impl Iterator<Item = &'a String>) -> Self {
        let mut taken: HashSet<String> = HashSet::from(["index".to_string()]);
        let mut map = HashMap::new();
        for key in keys {
            let base = match slugify(key) {
                s if s.is_empty() => "_".to_string(),
                s => s,
            };
            let mut slug = base.clone();
            let mut n = 2;
            while !taken.insert(slug.clone()) {
                slug = format!("{base}-{n}");
                n += 1;
            }
            map.insert(key.as_str(), slug);
        }
        Slugs(map)
    }

    /// The key's slug, for keys of the index the slugs were made from.
    pub fn slug(&self, key: &str) -> Option<&str> {
        self.0.get(key).map(String::as_str)
    }

    /// The page's file name within its section folder.
    pub fn file(&self, key: &str) -> Option<String> {
        self.slug(key).map(|s| format!("{s}.html"))
    }

    /// The page's path from the site root.
    pub fn url(&self, section: Section, key: &str) -> Option<String> {
        self.file(key).map(|f| format!("{}/{f}", section.dir()))
    }

    /// Every slug, in no particular order.
    pub fn all(&self) -> impl Iterator<Item = &str> {
        self.0.values().map(String::as_str)
    }
}

/// The slugs of every index of a library.
pub struct SitePaths<'a> {
    pub topics: Slugs<'a>,
    pub services: Slugs<'a>,
    pub products: Slugs<'a>,
    pub types: Slugs<'a>,
}

impl<'a> SitePaths<'a> {
    pub fn new(lib: &'a Library) -> Self {
        SitePaths {
            topics: Slugs::new(lib.topics.keys()),
            services: Slugs::new(lib.services.keys()),
            products: Slugs::new(lib.products.keys()),
            types: Slugs::new(lib.types.keys()),
        }
    }

    /// The page of an index key (as the library keys it) in `section`. Clouds have fixed names.
    pub fn page(&self, section: Section, key: &str) -> Option<String> {
        let slugs = match section {
            Section::Topics => &self.topics,
            Section::Services => &self.services,
            Section::Products => &self.products,
            Section::Types => &self.types,
            Section::Clouds => return Some(format!("clouds/{key}.html")),
        };
        slugs.url(section, key)
    }

    /// A support topic's page, from the ID as an article writes it (any case, spaces around).
    pub fn topic_page(&self, id: &str) -> Option<String> {
        self.topics.url(Section::Topics, &id.trim().to_lowercase())
    }
}

/// The folder of the portal API, from the site root (the version is in the path).
pub const API_ROOT: &str = "api/v1";

/// An article's page, from the site root.
pub fn article_page(a: &Article) -> String {
    format!("articles/{}.html", a.slug)
}

/// An article's JSON record in the portal API, from the site root.
pub fn article_record(a: &Article) -> String {
    format!("{API_ROOT}/articles/{}.json", a.slug)
}

/// An article's embeddable fragment, from the site root.
pub fn article_embed(a: &Article) -> String {
    format!("embed/{}.html", a.slug)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs_are_unique_and_never_index() {
        let keys = ["Index", "a b", "a-b", "", "?"].map(String::from);
        let slugs = Slugs::new(keys.iter());
        assert_eq!(slugs.slug("Index"), Some("index-2"));
        assert_eq!(slugs.slug("a b"), Some("a-b"));
        assert_eq!(slugs.slug("a-b"), Some("a-b-2"));
        assert_eq!(slugs.slug(""), Some("_"));
        assert_eq!(slugs.slug("?"), Some("_-2"));
        assert_eq!(
            slugs.url(Section::Topics, "a b").as_deref(),
            Some("topics/a-b.html")
        );
        assert_eq!(slugs.slug("missing"), None);
    }
}
