//! The portal API: static JSON documents under `api/v1/` and embeddable fragments under
//! `embed/`, written by every build for support portals that show articles in their own UI.
//!
//! Documents (paths from the site root; every link inside a document is too):
//! - `api/v1/index.json`: build facts, counts, and every article's summary;
//! - `api/v1/articles/<slug>.json`: an article's full record;
//! - `api/v1/{topics,services,products}/<slug>.json`: the articles filed under one key, in
//!   display order, and `.../index.json`, the catalog of every key;
//! - `api/v1/schema/*.schema.json`: the JSON Schema of each document (draft 2020-12);
//! - `embed/<slug>.html`: the article body alone, with documented class names.
//!
//! Slugs are the same as the pages' (see [`crate::site::paths`]). The contract, and what may change
//! within v1, is `docs/embedding.md`; the schemas are checked against a corpus build by the
//! integration tests.

mod json;

use std::time::SystemTime;

use rayon::prelude::*;
use serde::Serialize;
use serde::ser::SerializeMap;
use serde_json::Value;
use serde_json::value::RawValue;

use crate::base::error::Error;
use crate::config::Output;
use crate::site::output::sink::{Sink, Touched};
use crate::site::paths::{Section, SitePaths, Slugs, article_embed, article_page, article_record};
use crate::source::library::{ArticleIx, Keys, Library};
use crate::source::markdown;
use crate::source::model::{Article, Cloud};

/// The version of the documents' shape, in `index.json`. Within v1 only additions are made
/// (the minor number goes up); anything else is a v2 beside it.
pub const SCHEMA_VERSION: &str = "1.0.0";

pub use crate::site::paths::API_ROOT as ROOT;

/// The folders a build writes documents into, each with the output that writes into it
/// (`api/v1` first: records go below it).
pub const FOLDERS: [(&str, Output); 8] = [
    ("api/v1", Output::Api),
    ("api/v1", Output::Records),
    ("api/v1/articles", Output::Records),
    ("api/v1/topics", Output::Api),
    ("api/v1/services", Output::Api),
    ("api/v1/products", Output::Api),
    ("api/v1/schema", Output::Api),
    ("embed", Output::Embed),
];

/// The JSON Schemas, by file name under `api/v1/schema/`.
pub const SCHEMAS: &[(&str, &str)] = &[
    (
        "index.schema.json",
        include_str!("schema/index.schema.json"),
    ),
    (
        "article.schema.json",
        include_str!("schema/article.schema.json"),
    ),
    (
        "summary.schema.json",
        include_str!("schema/summary.schema.json"),
    ),
    (
        "topic.schema.json",
        include_str!("schema/topic.schema.json"),
    ),
    (
        "service.schema.json",
        include_str!("schema/service.schema.json"),
    ),
    (
        "product.schema.json",
        include_str!("schema/product.schema.json"),
    ),
    (
        "catalog.schema.json",
        include_str!("schema/catalog.schema.json"),
    ),
];

/// What the documents say about the build itself.
pub struct BuildInfo {
    /// RFC 3339, UTC, to the second.
    pub built_at: String,
    pub cloud: Option<Cloud>,
}

impl BuildInfo {
    /// Now, or `$SOURCE_DATE_EPOCH` when set, so that builds can be reproduced byte for byte.
    pub fn now(cloud: Option<Cloud>) -> BuildInfo {
        let at = std::env::var("SOURCE_DATE_EPOCH")
            .ok()
            .and_then(|s| s.trim().parse::<u64>().ok())
            .map_or_else(SystemTime::now, |secs| {
                SystemTime::UNIX_EPOCH + std::time::Duration::from_secs(secs)
            });
        BuildInfo {
            built_at: humantime::format_rfc3339_seconds(at).to_string(),
            cloud,
        }
    }
}

/// Writes an article's embeddable fragment (`embed_html`, the `embed.html` template). The
/// site's renderer calls it and [`write_record`] for each article it renders, so the files of
/// an article are made together.
pub fn write_fragment(a: &Article, embed_html: &str, sink: &dyn Sink) -> Result<(), Error> {
    sink.write(&article_embed(a), embed_html.as_bytes())
}

/// Writes an article's record, which carries its fragment (`embed_html`).
pub fn write_record(a: &Article, embed_html: &str, sink: &dyn Sink) -> Result<(), Error> {
    // The fragment and the text are most of a record; escaping `<` and `>` grows the HTML.
    let size = embed_html.len() * 3 / 2 + a.plain_text.len() + 4096;
    sink.write(
        &article_record(a),
        &json::to_vec_sized(&Record::of(a, embed_html), size),
    )
}

/// Writes the API documents of `lib` other than the articles' own (see [`write_article`]) into
/// `sink` (whose [`FOLDERS`] exist): the index, schemas, catalogs and key documents. Returns how
/// many files were written.
pub fn write(
    lib: &Library,
    paths: &SitePaths,
    info: &BuildInfo,
    sink: &dyn Sink,
    only: Option<&Touched>,
) -> Result<usize, Error> {
    let api = Api::new(lib, paths, only);
    let mut docs: Vec<(String, Vec<u8>)> = Vec::new();
    docs.push((format!("{ROOT}/index.json"), json::to_vec(&api.index(info))));
    for (name, schema) in SCHEMAS {
        docs.push((format!("{ROOT}/schema/{name}"), schema.as_bytes().to_vec()));
    }
    docs.extend(api.catalogs());
    let (topics, (services, products)) = rayon::join(
        || api.topics(sink),
        || rayon::join(|| api.services(sink), || api.products(sink)),
    );
    let keyed = topics? + services? + products?;
    docs.par_iter()
        .try_for_each(|(path, bytes)| sink.write(path, bytes))?;
    Ok(docs.len() + keyed)
}

/// IDs with repeats left out (compared lowercased, as the indexes key them), first spelling
/// kept. `shelf check` reports the repeats.
fn distinct(ids: &[String]) -> Vec<&str> {
    let mut out: Vec<&str> = Vec::with_capacity(ids.len());
    let mut seen = std::collections::HashSet::with_capacity(ids.len());
    for id in ids {
        if seen.insert(id.to_lowercase()) {
            out.push(id);
        }
    }
    out
}

struct Api<'a> {
    lib: &'a Library,
    paths: &'a SitePaths<'a>,
    /// Only these keys' documents are written (`shelf serve`), else every key's.
    only: Option<&'a Touched>,
    /// Every article's summary as JSON, by index: an article is listed in the index and under
    /// each of its keys, so its summary is serialized once and copied.
    summaries: Vec<Box<RawValue>>,
}

/// An article in a list: enough to show it and to fetch the rest.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Summary<'a> {
    article_id: &'a str,
    title: &'a str,
    description: &'a str,
    self_help_type: &'a str,
    service: &'a str,
    resource: &'a str,
    support_topic_ids: Vec<&'a str>,
    product_pes_ids: Vec<&'a str>,
    /// The clouds it is shown in: declared and not disabled.
    clouds: Vec<Cloud>,
    display_order: Option<i64>,
    /// The full record.
    url: String,
    /// The site's page.
    page: String,
    /// The embeddable fragment.
    embed: String,
}

/// An article's full record.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Record<'a> {
    #[serde(flatten)]
    summary: Summary<'a>,
    page_title: &'a str,
    ownership_id: &'a str,
    /// The known clouds of `cloudEnvironments`, lowercase, deduplicated, in order.
    cloud_environments: &'a [Cloud],
    disable_clouds: &'a [Cloud],
    /// Every header property as written (the first, when a key is repeated).
    properties: Properties<'a>,
    /// The body as an embeddable fragment: the same bytes as `embed/<slug>.html`.
    html: &'a str,
    /// The body as plain text, block by block on separate lines.
    text: &'a str,
    tokens: Vec<TokenDefault<'a>>,
    issue_description: Option<IssueDescription>,
    /// The JSON payload between the `---` lines, as data.
    payload: Option<&'a Value>,
    /// The source file, relative to the source folder.
    source: &'a str,
}

#[derive(Serialize)]
struct TokenDefault<'a> {
    name: &'a str,
    default: &'a str,
}

#[derive(Serialize)]
struct IssueDescription {
    html: String,
    text: String,
}

/// Header properties as a JSON object, in file order, first occurrence of a key kept.
struct Properties<'a>(&'a [crate::source::model::Property]);

impl Serialize for Properties<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut map = s.serialize_map(None)?;
        let mut seen = std::collections::HashSet::with_capacity(self.0.len());
        for p in self.0 {
            let key = &p.key.value;
            if seen.insert(key.as_str()) {
                map.serialize_entry(key, &p.value.value)?;
            }
        }
        map.end()
    }
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct IndexDoc<'a> {
    schema_version: &'static str,
    generator: Generator,
    built_at: &'a str,
    /// The cloud this build is for (`build --cloud`), or null for every cloud.
    cloud: Option<Cloud>,
    counts: Counts,
    catalogs: Catalogs,
    articles: Vec<&'a RawValue>,
}

#[derive(Serialize)]
struct Generator {
    name: &'static str,
    version: &'static str,
}

#[derive(Serialize)]
struct Counts {
    articles: usize,
    topics: usize,
    services: usize,
    products: usize,
}

#[derive(Serialize)]
struct Catalogs {
    topics: String,
    services: String,
    products: String,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct TopicDoc<'a> {
    support_topic_id: &'a str,
    /// A readable name ([`crate::site::labels`]).
    label: Option<&'a str>,
    page: String,
    description: Option<TopicDescriptionDoc<'a>>,
    count: usize,
    articles: Vec<&'a RawValue>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct TopicDescriptionDoc<'a> {
    short: &'a str,
    long: &'a str,
    category: &'a str,
    search_tags: &'a str,
    /// The supportTopicDescription article it comes from.
    article_id: &'a str,
    url: String,
}

#[derive(Serialize)]
struct ServiceDoc<'a> {
    service: &'a str,
    page: String,
    count: usize,
    resources: Vec<ResourceGroup<'a>>,
}

#[derive(Serialize)]
struct ResourceGroup<'a> {
    /// Lowercase; empty for articles that name no resource.
    resource: &'a str,
    count: usize,
    articles: Vec<&'a RawValue>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ProductDoc<'a> {
    product_pes_id: &'a str,
    page: String,
    count: usize,
    articles: Vec<&'a RawValue>,
}

#[derive(Serialize)]
struct Catalog<'a> {
    kind: &'static str,
    count: usize,
    entries: Vec<CatalogEntry<'a>>,
}

#[derive(Serialize)]
struct CatalogEntry<'a> {
    /// The topic ID, service or product ID (lowercase).
    key: &'a str,
    /// Short description (support topics that have one), else empty.
    title: &'a str,
    articles: usize,
    url: String,
    page: String,
}

impl<'a> Summary<'a> {
    fn of(a: &'a Article) -> Self {
        let m = &a.meta;
        Summary {
            article_id: &m.article_id,
            title: &a.title,
            description: &m.description,
            self_help_type: m.self_help_type.as_str(),
            service: &m.service,
            resource: &m.resource,
            support_topic_ids: distinct(&m.support_topic_ids),
            product_pes_ids: distinct(&m.product_pes_ids),
            clouds: m.shown_clouds().collect(),
            display_order: m.display_order,
            url: article_record(a),
            page: article_page(a),
            embed: article_embed(a),
        }
    }
}

impl<'a> Record<'a> {
    fn of(a: &'a Article, html: &'a str) -> Self {
        let m = &a.meta;
        let mut tokens: Vec<TokenDefault> = Vec::new();
        let mut seen = std::collections::HashSet::new();
        for t in &a.tokens {
            if seen.insert(t.name.as_str()) {
                tokens.push(TokenDefault {
                    name: &t.name,
                    default: t.default.trim(),
                });
            }
        }
        Record {
            summary: Summary::of(a),
            page_title: &m.page_title,
            ownership_id: &m.ownership_id,
            cloud_environments: &m.clouds,
            disable_clouds: &m.disabled_clouds,
            properties: Properties(&m.properties),
            html,
            text: &a.plain_text,
            tokens,
            issue_description: a.issue_description.as_deref().map(|raw| {
                let rendered = markdown::render(raw);
                IssueDescription {
                    html: rendered.html,
                    text: rendered.plain_text,
                }
            }),
            payload: a.payload.as_ref().and_then(|p| p.value.as_ref()),
            source: &a.path,
        }
    }
}

impl<'a> Api<'a> {
    fn new(lib: &'a Library, paths: &'a SitePaths<'a>, only: Option<&'a Touched>) -> Self {
        let mut api = Api {
            lib,
            paths,
            only,
            summaries: Vec::new(),
        };
        api.summaries = lib
            .articles
            .par_iter()
            .map(|a| {
                let json = String::from_utf8(json::to_vec(&Summary::of(a)))
                    .expect("serde_json writes UTF-8");
                RawValue::from_string(json).expect("a summary is JSON")
            })
            .collect();
        api
    }

    /// Whether a key's document is written: always in a full build, else when `touched` says.
    fn wanted(&self, touched: impl Fn(&Keys) -> bool) -> bool {
        self.only.is_none_or(|t| touched(&t.keys))
    }

    fn summaries(&'a self, ixs: &[ArticleIx]) -> Vec<&'a RawValue> {
        ixs.iter().map(|&ix| &*self.summaries[ix]).collect()
    }

    fn index(&'a self, info: &'a BuildInfo) -> IndexDoc<'a> {
        let lib = self.lib;
        IndexDoc {
            schema_version: SCHEMA_VERSION,
            generator: Generator {
                name: "shelf",
                version: env!("CARGO_PKG_VERSION"),
            },
            built_at: &info.built_at,
            cloud: info.cloud,
            counts: Counts {
                articles: lib.articles.len(),
                topics: lib.topics.len(),
                services: lib.services.len(),
                products: lib.products.len(),
            },
            catalogs: Catalogs {
                topics: format!("{ROOT}/topics/index.json"),
                services: format!("{ROOT}/services/index.json"),
                products: format!("{ROOT}/products/index.json"),
            },
            articles: self.summaries.iter().map(|s| &**s).collect(),
        }
    }

    /// The document path and site page of a key in `section`.
    fn key_paths(&self, section: Section, slugs: &Slugs, key: &str) -> (String, String) {
        let slug = slugs.slug(key).unwrap_or("_");
        let dir = section.dir();
        (
            format!("{ROOT}/{dir}/{slug}.json"),
            format!("{dir}/{slug}.html"),
        )
    }

    /// `topics/<slug>.json` for every support topic.
    fn topics(&'a self, sink: &dyn Sink) -> Result<usize, Error> {
        let lib = self.lib;
        lib.topics
            .par_iter()
            .filter(|(key, _)| {
                self.wanted(|k| k.topics.contains(*key) || k.described.contains(*key))
            })
            .map(|(key, ixs)| {
                let (url, page) = self.key_paths(Section::Topics, &self.paths.topics, key);
                let description = lib.topic_descriptions.get(key).map(|d| {
                    let source = &lib.articles[d.article];
                    TopicDescriptionDoc {
                        short: &d.short,
                        long: &d.long,
                        category: &d.category,
                        search_tags: &d.search_tags,
                        article_id: &source.meta.article_id,
                        url: article_record(source),
                    }
                });
                let doc = TopicDoc {
                    support_topic_id: key,
                    label: crate::site::labels::topic_label(lib, key),
                    page,
                    description,
                    count: ixs.len(),
                    articles: self.summaries(ixs),
                };
                sink.write(&url, &json::to_vec(&doc))
            })
            // Written as made: at 100,000 articles these documents are hundreds of megabytes.
            .collect::<Result<Vec<()>, Error>>()
            .map(|written| written.len())
    }

    /// `services/<slug>.json` for every service, its articles grouped by resource.
    fn services(&'a self, sink: &dyn Sink) -> Result<usize, Error> {
        self.lib
            .services
            .par_iter()
            .filter(|(key, _)| self.wanted(|k| k.services.contains(*key)))
            .map(|(key, resources)| {
                let (url, page) = self.key_paths(Section::Services, &self.paths.services, key);
                let resources: Vec<ResourceGroup> = resources
                    .iter()
                    .map(|(resource, ixs)| ResourceGroup {
                        resource,
                        count: ixs.len(),
                        articles: self.summaries(ixs),
                    })
                    .collect();
                let doc = ServiceDoc {
                    service: key,
                    page,
                    count: resources.iter().map(|r| r.count).sum(),
                    resources,
                };
                sink.write(&url, &json::to_vec(&doc))
            })
            .collect::<Result<Vec<()>, Error>>()
            .map(|written| written.len())
    }

    /// `products/<slug>.json` for every product.
    fn products(&'a self, sink: &dyn Sink) -> Result<usize, Error> {
        self.lib
            .products
            .par_iter()
            .filter(|(key, _)| self.wanted(|k| k.products.contains(*key)))
            .map(|(key, ixs)| {
                let (url, page) = self.key_paths(Section::Products, &self.paths.products, key);
                let doc = ProductDoc {
                    product_pes_id: key,
                    page,
                    count: ixs.len(),
                    articles: self.summaries(ixs),
                };
                sink.write(&url, &json::to_vec(&doc))
            })
            .collect::<Result<Vec<()>, Error>>()
            .map(|written| written.len())
    }

    /// `topics/index.json`, `services/index.json` and `products/index.json`.
    fn catalogs(&self) -> Vec<(String, Vec<u8>)> {
        let lib = self.lib;
        let entry = |section, slugs, key: &'a str, title: &'a str, articles| {
            let (url, page) = self.key_paths(section, slugs, key);
            CatalogEntry {
                key,
                title,
                articles,
                url,
                page,
            }
        };
        let topics: Vec<CatalogEntry> = lib
            .topics
            .iter()
            .map(|(k, ixs)| {
                let title = lib
                    .topic_descriptions
                    .get(k)
                    .map_or("", |d| d.short.as_str());
                entry(Section::Topics, &self.paths.topics, k, title, ixs.len())
            })
            .collect();
        let services: Vec<CatalogEntry> = lib
            .services
            .iter()
            .map(|(k, r)| {
                let n = r.values().map(Vec::len).sum();
                entry(Section::Services, &self.paths.services, k, "", n)
            })
            .collect();
        let products: Vec<CatalogEntry> = lib
            .products
            .iter()
            .map(|(k, ixs)| entry(Section::Products, &self.paths.products, k, "", ixs.len()))
            .collect();
        [
            ("topics", topics),
            ("services", services),
            ("products", products),
        ]
        .into_iter()
        .map(|(kind, entries)| {
            let doc = Catalog {
                kind,
                count: entries.len(),
                entries,
            };
            (format!("{ROOT}/{kind}/index.json"), json::to_vec(&doc))
        })
        .collect()
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;
    use std::path::Path;

    use super::*;
    use crate::check::article;
    use crate::site::output::sink::MemorySink;

    fn library(files: &[&str]) -> Library {
        let articles = files
            .iter()
            .enumerate()
            .filter_map(|(i, text)| {
                let path = format!("a{i}.md");
                article::parse(
                    Path::new(&path),
                    &path,
                    text.as_bytes(),
                    article::Mode::Build,
                )
                .article
            })
            .collect();
        Library::indexed(articles, &mut Vec::new())
    }

    /// Every file `write`, `write_fragment` and `write_record` make for `lib`, by path, with a
    /// stand-in fragment.
    fn written(lib: &Library) -> BTreeMap<String, Vec<u8>> {
        let paths = SitePaths::new(lib);
        let info = BuildInfo {
            built_at: "2024-01-01T00:00:00Z".into(),
            cloud: None,
        };
        let sink = MemorySink::default();
        for a in &lib.articles {
            let embed = format!("<article>{}</article>", a.body_html);
            write_fragment(a, &embed, &sink).unwrap();
            write_record(a, &embed, &sink).unwrap();
        }
        let n = write(lib, &paths, &info, &sink, None).unwrap();
        let files = sink.0.into_inner().unwrap();
        assert_eq!(n + 2 * lib.articles.len(), files.len());
        files
    }

    fn doc(files: &BTreeMap<String, Vec<u8>>, path: &str) -> Value {
        serde_json::from_slice(files.get(path).unwrap_or_else(|| panic!("{path}"))).unwrap()
    }

    const DIAGNOSTIC: &str = "<properties pageTitle=\"P\" description=\"D\" service=\"Microsoft.Compute\" resource=\"VMs\" supportTopicIds=\"111, 222,111,\" productPesIds=\"9\" cloudEnvironments=\"Public, mooncake\" disableClouds=\"mooncake\" selfHelpType=\"diagnostics\" articleId=\"Diag-One\" ownershipId=\"o\" custom=\"x &amp; y\" custom=\"second\" />\n# Title\n<!--issueDescription-->\nVM <!--$vm-->[vm]<!--/$vm--> is down.\n<!--/issueDescription-->\n\nAgain <!--$vm-->other<!--/$vm--> and <!--$t--> t <!--/$t-->.\n";

    #[test]
    fn an_article_record_is_typed_and_complete() {
        let lib = library(&[DIAGNOSTIC]);
        let files = written(&lib);
        let r = doc(&files, "api/v1/articles/diag-one.json");
        assert_eq!(r["articleId"], "Diag-One");
        assert_eq!(r["title"], "Title");
        assert_eq!(r["supportTopicIds"], serde_json::json!(["111", "222"]));
        assert_eq!(
            r["cloudEnvironments"],
            serde_json::json!(["public", "mooncake"])
        );
        assert_eq!(r["clouds"], serde_json::json!(["public"]));
        assert_eq!(r["disableClouds"], serde_json::json!(["mooncake"]));
        // Properties as written, entities decoded, the first of a repeated key.
        assert_eq!(r["properties"]["custom"], "x & y");
        assert_eq!(r["properties"]["service"], "Microsoft.Compute");
        // Each token once, the first default, trimmed.
        assert_eq!(
            r["tokens"],
            serde_json::json!([{"name": "vm", "default": "[vm]"}, {"name": "t", "default": "t"}])
        );
        assert_eq!(r["issueDescription"]["text"], "VM [vm] is down.");
        assert!(
            r["issueDescription"]["html"]
                .as_str()
                .unwrap()
                .contains("data-token=\"vm\"")
        );
        assert_eq!(r["payload"], Value::Null);
        assert_eq!(r["source"], "a0.md");
        assert_eq!(
            r["html"].as_str().unwrap().as_bytes(),
            files["embed/diag-one.html"].as_slice()
        );
    }

    #[test]
    fn key_documents_list_their_articles_under_the_page_slugs() {
        let second = DIAGNOSTIC
            .replace("Diag-One", "diag-two")
            .replace("111, 222,111,", "222");
        let lib = library(&[DIAGNOSTIC, &second]);
        let files = written(&lib);
        let topic = doc(&files, "api/v1/topics/222.json");
        assert_eq!(topic["supportTopicId"], "222");
        assert_eq!(topic["page"], "topics/222.html");
        assert_eq!(topic["count"], 2);
        assert_eq!(topic["description"], Value::Null);
        let only = doc(&files, "api/v1/topics/111.json");
        assert_eq!(only["articles"][0]["url"], "api/v1/articles/diag-one.json");
        let service = doc(&files, "api/v1/services/microsoft.compute.json");
        assert_eq!(service["resources"][0]["resource"], "vms");
        assert_eq!(service["count"], 2);
        let catalog = doc(&files, "api/v1/topics/index.json");
        assert_eq!(catalog["count"], 2);
        assert_eq!(catalog["entries"][0]["url"], "api/v1/topics/111.json");
        let index = doc(&files, "api/v1/index.json");
        assert_eq!(index["counts"]["topics"], 2);
        assert_eq!(index["schemaVersion"], SCHEMA_VERSION);
        for (name, _) in SCHEMAS {
            let schema = doc(&files, &format!("api/v1/schema/{name}"));
            assert!(
                schema["$id"]
                    .as_str()
                    .unwrap()
                    .starts_with("urn:shelf:api:v1:")
            );
        }
    }

    #[test]
    fn distinct_ids_keep_the_first_spelling() {
        let ids = ["Ab", "ab", "c", "AB", "c"].map(String::from);
        assert_eq!(distinct(&ids), ["Ab", "c"]);
    }
}
