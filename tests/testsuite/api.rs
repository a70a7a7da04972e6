//! The portal API (`api/v1/`) and embeddable fragments (`embed/`): every document validates
//! against the JSON Schema the build ships, topic documents list exactly the right articles (by
//! an independent scan of the sources), and the example portal page works in a real browser.

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::{Path, PathBuf};

use serde_json::Value;

use crate::browser::{Server, eval, open, wait_for};
use crate::{read, shelf_at_fixed_time, stderr, tree};

fn samples_source() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("articles")
}

/// A build of `source` into `<dir>/site`, with a fixed build time so documents are reproducible.
fn build_site(source: &Path, dir: &Path, extra: &[&str]) -> PathBuf {
    let out = dir.join("site");
    let mut args = vec!["build", "--quiet", "--source", source.to_str().unwrap()];
    args.extend(["--output", out.to_str().unwrap()]);
    args.extend(extra);
    let o = shelf_at_fixed_time(&args, Path::new(env!("CARGO_MANIFEST_DIR")));
    assert!(out.join("api/v1/index.json").is_file(), "{}", stderr(&o));
    out
}

/// The string field `key` of every object in the array `list`.
fn strings<'a>(list: &'a Value, key: &str) -> Vec<&'a str> {
    list.as_array()
        .unwrap()
        .iter()
        .map(|item| item[key].as_str().unwrap())
        .collect()
}

fn json(path: &Path) -> Value {
    serde_json::from_str(&read(path)).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// Validators for each kind of document, compiled from the schemas the build wrote.
struct Schemas {
    by_kind: BTreeMap<&'static str, jsonschema::Validator>,
}

impl Schemas {
    fn of(site: &Path) -> Schemas {
        let dir = site.join("api/v1/schema");
        let load = |name: &str| json(&dir.join(format!("{name}.schema.json")));
        let kinds = [
            "index", "article", "summary", "topic", "service", "product", "catalog",
        ];
        let mut registry = jsonschema::Registry::new();
        for kind in kinds {
            registry = registry
                .add(format!("urn:shelf:api:v1:{kind}"), load(kind))
                .expect("schema URI");
        }
        let registry = registry.prepare().expect("schemas resolve");
        let by_kind = kinds
            .into_iter()
            .map(|kind| {
                let validator = jsonschema::options()
                    .with_registry(&registry)
                    .should_validate_formats(true)
                    .build(&load(kind))
                    .unwrap_or_else(|e| panic!("{kind} schema: {e}"));
                (kind, validator)
            })
            .collect();
        Schemas { by_kind }
    }

    /// The kind of document at `rel` (a path below `api/v1/`).
    fn kind_of(rel: &str) -> &'static str {
        match rel.split('/').collect::<Vec<_>>()[..] {
            ["index.json"] => "index",
            ["articles", _] => "article",
            ["topics" | "services" | "products", "index.json"] => "catalog",
            ["topics", _] => "topic",
            ["services", _] => "service",
            ["products", _] => "product",
            _ => panic!("a file the API does not describe: {rel}"),
        }
    }

    /// Validates every document of the build; returns how many there were of each kind.
    fn validate_all(&self, site: &Path) -> BTreeMap<&'static str, usize> {
        let mut counts = BTreeMap::new();
        let mut errors = Vec::new();
        for (rel, bytes) in tree(&site.join("api/v1")) {
            if rel.starts_with("schema/") {
                continue;
            }
            let kind = Self::kind_of(&rel);
            *counts.entry(kind).or_default() += 1;
            let doc: Value = serde_json::from_slice(&bytes)
                .unwrap_or_else(|e| panic!("api/v1/{rel} is not JSON: {e}"));
            errors.extend(
                self.by_kind[kind]
                    .iter_errors(&doc)
                    .take(3)
                    .map(|e| format!("api/v1/{rel} ({kind}): {e} at {}", e.instance_path())),
            );
        }
        assert!(
            errors.is_empty(),
            "{} schema errors, first ones:\n{}",
            errors.len(),
            errors[..errors.len().min(20)].join("\n")
        );
        counts
    }
}

#[test]
fn samples_api_validates_and_links_resolve() {
    let dir = tempfile::tempdir().unwrap();
    let site = build_site(&samples_source(), dir.path(), &[]);
    let counts = Schemas::of(&site).validate_all(&site);
    let index = json(&site.join("api/v1/index.json"));
    let articles = index["articles"].as_array().unwrap();
    assert_eq!(counts["article"], articles.len());
    assert_eq!(index["counts"]["articles"], articles.len());
    assert_eq!(
        counts["topic"],
        index["counts"]["topics"].as_u64().unwrap() as usize
    );
    assert_eq!(counts["catalog"], 3);
    assert_eq!(index["builtAt"], "2023-11-14T22:13:20Z");
    assert_eq!(index["generator"]["version"], env!("CARGO_PKG_VERSION"));
    assert_eq!(index["cloud"], Value::Null);

    // Every link in every summary names a file of the build, and each embed file is the
    // record's `html`, byte for byte.
    for summary in articles {
        for key in ["url", "page", "embed"] {
            let path = site.join(summary[key].as_str().unwrap());
            assert!(path.is_file(), "{key} of {summary}");
        }
        let record = json(&site.join(summary["url"].as_str().unwrap()));
        assert_eq!(
            record["html"].as_str().unwrap(),
            read(&site.join(summary["embed"].as_str().unwrap()))
        );
        assert_eq!(record["articleId"], summary["articleId"]);
    }
    // Fragments are shown inside other sites: their links to the site's pages start with the
    // absolute `base-url` of the samples' shelf.toml.
    let described = read(&site.join("embed/supporttopics_15001.html"));
    assert!(
        described.contains("href=\"https://help.example.com/topics/32600001.html\""),
        "{described}"
    );
    // The article page shows the same payload with links relative to itself.
    let page = read(&site.join("articles/supporttopics_15001.html"));
    assert!(page.contains("href=\"../topics/32600001.html\""), "{page}");
    // Every topic document names its topic: by its description, else by its articles.
    let described = json(&site.join("api/v1/topics/32600001.json"));
    assert_eq!(described["label"], described["description"]["short"]);
    let undescribed = json(&site.join("api/v1/topics/32600201.json"));
    assert!(undescribed["description"].is_null());
    assert_eq!(undescribed["label"], undescribed["articles"][0]["title"]);
    for kind in ["topics", "services", "products"] {
        let catalog = json(&site.join(format!("api/v1/{kind}/index.json")));
        for entry in catalog["entries"].as_array().unwrap() {
            assert!(site.join(entry["url"].as_str().unwrap()).is_file());
            assert!(site.join(entry["page"].as_str().unwrap()).is_file());
        }
    }
}

/// The record of the sample diagnostic: typed metadata, tokens with defaults, the
/// issueDescription apart, and the fragment with token and blade elements.
#[test]
fn article_record_of_a_diagnostic() {
    let dir = tempfile::tempdir().unwrap();
    let site = build_site(&samples_source(), dir.path(), &[]);
    let record = json(&site.join("api/v1/articles/5e1f0000-0000-0000-0000-000000000005.json"));
    insta::assert_json_snapshot!("diagnostic_record", record);

    // A blade link is an element carrying its target, not a dead link.
    let index = json(&site.join("api/v1/index.json"));
    let rdp = index["articles"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["title"] == "Cannot connect to a Windows virtual machine with Remote Desktop")
        .expect("the RDP sample");
    let fragment = read(&site.join(rdp["embed"].as_str().unwrap()));
    insta::assert_snapshot!("rdp_embed_fragment", fragment);
    assert!(
        fragment.contains("class=\"shelf-blade\" data-blade=\""),
        "{fragment}"
    );
    assert!(!fragment.contains("href=\"data-blade"), "{fragment}");
    assert!(!fragment.contains("<html") && !fragment.contains("site-header"));
}

/// Every document of a build of the real corpus validates against its schema; every article
/// has a record and a fragment; a per-cloud build holds only that cloud's articles.
#[test]
fn on_the_corpus_every_document_validates() {
    let Some(corpus) = crate::build::corpus() else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let site = build_site(&corpus, dir.path(), &[]);
    let counts = Schemas::of(&site).validate_all(&site);
    let index = json(&site.join("api/v1/index.json"));
    let n = index["articles"].as_array().unwrap().len();
    eprintln!("validated {counts:?} ({n} articles)");
    assert!(n > 5000, "{n}");
    assert_eq!(counts["article"], n);
    assert_eq!(fs::read_dir(site.join("embed")).unwrap().count(), n);
    assert_eq!(
        counts["topic"],
        index["counts"]["topics"].as_u64().unwrap() as usize
    );
    assert_eq!(
        counts["service"],
        index["counts"]["services"].as_u64().unwrap() as usize
    );
    assert_eq!(
        counts["product"],
        index["counts"]["products"].as_u64().unwrap() as usize
    );

    let cloud_dir = tempfile::tempdir().unwrap();
    let cloud_site = build_site(&corpus, cloud_dir.path(), &["--cloud", "mooncake"]);
    let cloud_counts = Schemas::of(&cloud_site).validate_all(&cloud_site);
    let cloud_index = json(&cloud_site.join("api/v1/index.json"));
    assert_eq!(cloud_index["cloud"], "mooncake");
    let cloud_articles = cloud_index["articles"].as_array().unwrap();
    eprintln!("mooncake: validated {cloud_counts:?}");
    assert!(!cloud_articles.is_empty() && cloud_articles.len() < n);
    for a in cloud_articles {
        let clouds = a["clouds"].as_array().unwrap();
        assert!(clouds.iter().any(|c| c == "mooncake"), "{a}");
    }
    assert_eq!(cloud_counts["article"], cloud_articles.len());
}

/// (articleId, support topic IDs) of every source file, read with a plain text scan of the
/// header, independent of shelf's parser.
fn topics_by_text_scan(source: &Path) -> Vec<(String, Vec<String>)> {
    let attribute = |header: &str, name: &str| -> Option<String> {
        let lower = header.to_ascii_lowercase();
        let mut from = 0;
        while let Some(i) = lower[from..].find(name) {
            let at = from + i;
            let before = lower[..at].chars().last();
            let rest = lower[at + name.len()..].trim_start();
            if before.is_some_and(char::is_whitespace) && rest.starts_with('=') {
                let value_start = header.len() - rest.len() + 1;
                let quoted = header[value_start..].trim_start();
                let quote = quoted.chars().next()?;
                let body = &quoted[1..];
                return Some(body[..body.find(quote)?].to_string());
            }
            from = at + name.len();
        }
        None
    };
    tree(source)
        .into_iter()
        .filter(|(rel, _)| rel.ends_with(".md"))
        .filter_map(|(_, bytes)| {
            let text = String::from_utf8_lossy(&bytes);
            let header = &text[..text.find("/>")?];
            let id = attribute(header, "articleid")?;
            let topics = attribute(header, "supporttopicids")
                .unwrap_or_default()
                .split(',')
                .map(|t| t.trim().to_lowercase())
                .filter(|t| !t.is_empty())
                .collect();
            Some((id, topics))
        })
        .collect()
}

/// For three real support topics (the largest, a middle-sized one and one that a
/// supportTopicDescription describes), the topic document lists exactly the articles whose
/// supportTopicIds contain it, in display order.
#[test]
fn on_the_corpus_topic_documents_list_exactly_their_articles() {
    let Some((dir, _, _)) = crate::search::corpus_site() else {
        return;
    };
    let site = dir.path().join("site");
    let source = crate::build::corpus().unwrap();
    let scanned = topics_by_text_scan(&source);
    let mut by_topic: BTreeMap<&str, BTreeSet<&str>> = BTreeMap::new();
    for (id, topics) in &scanned {
        for t in topics {
            by_topic.entry(t).or_default().insert(id);
        }
    }
    let mut sizes: Vec<(&str, usize)> = by_topic.iter().map(|(t, ids)| (*t, ids.len())).collect();
    sizes.sort_by_key(|&(t, n)| (std::cmp::Reverse(n), t));
    let largest = sizes[0].0;
    let middle = sizes
        .iter()
        .find(|(_, n)| *n == 6)
        .map(|(t, _)| *t)
        .unwrap();
    let catalog = json(&site.join("api/v1/topics/index.json"));
    let described = catalog["entries"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| !e["title"].as_str().unwrap().is_empty())
        .max_by_key(|e| e["articles"].as_u64())
        .map(|e| e["key"].as_str().unwrap().to_string())
        .expect("a described topic with articles");

    let topic_doc = |topic: &str| {
        let entry = catalog["entries"]
            .as_array()
            .unwrap()
            .iter()
            .find(|e| e["key"] == topic)
            .unwrap_or_else(|| panic!("topic {topic} in the catalog"));
        json(&site.join(entry["url"].as_str().unwrap()))
    };
    for topic in [largest, middle, described.as_str()] {
        let doc = topic_doc(topic);
        let listed = strings(&doc["articles"], "articleId");
        let expected: BTreeSet<&str> = by_topic[topic].iter().copied().collect();
        assert_eq!(
            listed.iter().copied().collect::<BTreeSet<_>>(),
            expected,
            "topic {topic}"
        );
        assert_eq!(
            listed.len(),
            expected.len(),
            "topic {topic} lists an article twice"
        );
        assert_eq!(doc["count"], listed.len());
        // Display order: displayOrder (unset last), then title.
        let keys: Vec<(i64, String)> = doc["articles"]
            .as_array()
            .unwrap()
            .iter()
            .map(|a| {
                (
                    a["displayOrder"].as_i64().unwrap_or(i64::MAX),
                    a["title"].as_str().unwrap().to_lowercase(),
                )
            })
            .collect();
        assert!(keys.is_sorted(), "topic {topic}: {keys:?}");
        eprintln!(
            "topic {topic}: {} articles, as the sources say",
            listed.len()
        );
    }
    assert!(topic_doc(&described)["description"]["short"].is_string());
}

/// Serves a folder holding the build as `site/` and the repository's `examples/`.
fn portal(site_parent: &Path) -> Server {
    let examples = site_parent.join("examples");
    fs::create_dir_all(&examples).unwrap();
    fs::copy(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/portal.html"),
        examples.join("portal.html"),
    )
    .unwrap();
    Server::start(site_parent)
}

/// Titles, article IDs and token texts the example page shows, once it is ready.
fn shown(tab: &headless_chrome::Tab) -> Value {
    wait_for(
        tab,
        "the example page to load the topic",
        "return document.body.dataset.ready ?? null",
    );
    eval(
        tab,
        "return {
            ready: document.body.dataset.ready,
            status: document.getElementById('status').textContent,
            ids: [...document.querySelectorAll('.portal-article')].map(s => s.dataset.articleId),
            titles: [...document.querySelectorAll('.portal-article > h2')].map(h => h.firstChild.textContent),
            tokens: [...document.querySelectorAll('.shelf-token')].map(t => [t.dataset.token, t.textContent, t.dataset.default, t.classList.contains('shelf-token-filled')]),
            blades: document.querySelectorAll('.shelf-blade[data-blade]').length,
        }",
    )
}

/// The example portal page, given a sample support topic, shows that topic's articles in
/// display order with the token from the query string filled in and the others at their
/// defaults.
#[test]
fn example_portal_page_shows_a_topic_with_tokens_filled() {
    let dir = tempfile::tempdir().unwrap();
    let site = build_site(&samples_source(), dir.path(), &[]);
    let server = portal(dir.path());
    let expected: Vec<String> = topics_by_text_scan(&samples_source())
        .into_iter()
        .filter(|(_, topics)| topics.iter().any(|t| t == "32600001"))
        .map(|(id, _)| id)
        .collect();
    let (_browser, tab) =
        open(&server.url("examples/portal.html?topic=32600001&site=../site/&VMNAME=vm-prod-7"));
    let page = shown(&tab);
    assert_eq!(page["ready"], "true", "{page}");
    let ids: Vec<String> = serde_json::from_value(page["ids"].clone()).unwrap();
    assert_eq!(
        ids.iter().collect::<BTreeSet<_>>(),
        expected.iter().collect::<BTreeSet<_>>()
    );
    let doc = json(&site.join("api/v1/topics/32600001.json"));
    assert_eq!(
        page["titles"],
        serde_json::json!(strings(&doc["articles"], "title"))
    );
    assert_eq!(page["status"], "5 articles for support topic 32600001");
    let tokens = page["tokens"].as_array().unwrap();
    assert!(
        tokens.contains(&serde_json::json!([
            "vmName",
            "vm-prod-7",
            "[vmName]",
            true
        ])),
        "{tokens:?}"
    );
    assert!(
        tokens.contains(&serde_json::json!([
            "failureTime",
            "[failureTime]",
            "[failureTime]",
            false
        ])),
        "{tokens:?}"
    );

    // A topic with a blade link: clicking it says which blade a portal would open, with the
    // token in its target filled.
    let (_browser, tab) =
        open(&server.url(
            "examples/portal.html?topic=32600002&site=../site/&resourceId=/subscriptions/s1/vm1",
        ));
    let page = shown(&tab);
    assert!(page["blades"].as_u64() > Some(0), "{page}");
    let opened = eval(
        &tab,
        "document.querySelector('.shelf-blade').click(); return document.getElementById('blade').textContent",
    );
    assert!(
        opened
            .as_str()
            .unwrap()
            .starts_with("The portal would open blade "),
        "{opened}"
    );

    // An unknown topic says so.
    let (_browser, tab) = open(&server.url("examples/portal.html?topic=999&site=../site/"));
    let page = shown(&tab);
    assert_eq!(
        page["status"], "No self-help articles for support topic 999.",
        "{page}"
    );

    // A link that names a site on another origin (here `localhost` for a page on 127.0.0.1)
    // shows nothing from it: that site's fragments would run as the portal.
    let other = format!("http://localhost:{}/site/", server.port);
    let (_browser, tab) = open(&server.url(&format!(
        "examples/portal.html?topic=32600001&site={}",
        other.replace(':', "%3A").replace('/', "%2F")
    )));
    let page = shown(&tab);
    assert!(
        page["status"]
            .as_str()
            .is_some_and(|s| s.contains("not on this page's origin")),
        "{page}"
    );
    assert_eq!(page["ids"], serde_json::json!([]), "{page}");

    // A fragment changed on the site after the build is cleaned before it joins the page.
    let doc = json(&site.join("api/v1/topics/32600001.json"));
    let embed = site.join(doc["articles"][0]["embed"].as_str().unwrap());
    let planted = format!(
        "{}<img src=x onerror=\"document.body.dataset.pwned=1\"><script>document.body.dataset.pwned=2</script><a href=\"javascript:alert(1)\">x</a>",
        fs::read_to_string(&embed).unwrap()
    );
    fs::write(&embed, planted).unwrap();
    let (_browser, tab) = open(&server.url("examples/portal.html?topic=32600001&site=../site/"));
    let page = shown(&tab);
    assert_eq!(page["ready"], "true", "{page}");
    std::thread::sleep(std::time::Duration::from_millis(300));
    let pwned = eval(
        &tab,
        "return [document.body.dataset.pwned ?? null, document.querySelectorAll('#articles [onerror], #articles script, #articles a[href^=javascript]').length]",
    );
    assert_eq!(
        pwned,
        serde_json::json!([null, 0]),
        "the planted script ran or stayed"
    );
}

/// The same page on the real corpus: the largest topic with a replacement token shows all of
/// its articles, and the token is filled.
#[test]
fn on_the_corpus_example_portal_page_fills_a_real_token() {
    let Some((dir, _, library)) = crate::search::corpus_site() else {
        return;
    };
    // The topic with the most articles among those holding a token-bearing article.
    let (topic, article) = library
        .topics
        .iter()
        .filter_map(|(topic, ixs)| {
            let with_token = ixs
                .iter()
                .find(|&&ix| !library.articles[ix].tokens.is_empty())?;
            Some((topic, ixs.len(), *with_token))
        })
        .max_by_key(|&(topic, n, _)| (n, std::cmp::Reverse(topic.clone())))
        .map(|(t, _, ix)| (t.clone(), &library.articles[ix]))
        .expect("a topic with a tokenized article");
    let token = &article.tokens[0].name;
    let server = portal(dir.path());
    let (_browser, tab) = open(&server.url(&format!(
        "examples/portal.html?topic={topic}&site=../site/&{token}=FILLED-VALUE"
    )));
    let page = shown(&tab);
    assert_eq!(page["ready"], "true", "{page}");
    let ids: BTreeSet<String> = serde_json::from_value(page["ids"].clone()).unwrap();
    let expected: BTreeSet<String> = library.topics[&topic]
        .iter()
        .map(|&ix| library.articles[ix].meta.article_id.clone())
        .collect();
    assert_eq!(ids, expected, "topic {topic}");
    let filled = page["tokens"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|t| t[0].as_str().unwrap().eq_ignore_ascii_case(token) && t[1] == "FILLED-VALUE")
        .count();
    assert!(filled > 0, "{page}");
    eprintln!(
        "topic {topic}: {} articles shown, token {token} filled {filled} times",
        ids.len()
    );
}
