//! Search in a real browser: the bundled sample articles are built and served on 127.0.0.1,
//! and headless Chromium types queries, follows keyboard focus and applies filters. On the
//! real corpus the same harness measures what a first query downloads and how well titles rank.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use headless_chrome::Tab;
use serde_json::Value;

use crate::browser::{Server, eval, launch, open, wait_for};
use crate::{build, stderr};

/// The sample site, built once and served for every test here.
fn samples() -> &'static Server {
    static SITE: OnceLock<(tempfile::TempDir, Server)> = OnceLock::new();
    &SITE
        .get_or_init(|| {
            let dir = tempfile::tempdir().unwrap();
            let out = dir.path().join("site");
            let source = Path::new(env!("CARGO_MANIFEST_DIR")).join("articles");
            let o = build(&source, &out, &[]);
            assert!(o.status.success(), "{}", stderr(&o));
            let server = Server::start(&out);
            (dir, server)
        })
        .1
}

/// Titles of the results on screen, in order.
fn result_titles(tab: &Tab) -> Vec<String> {
    let titles = eval(
        tab,
        "return [...document.querySelectorAll('.search-results .result-title')].map(a => a.textContent)",
    );
    serde_json::from_value(titles).unwrap()
}

/// Waits until the results list shows `title` among its first three entries.
fn wait_for_top3(tab: &Tab, title: &str) -> Vec<String> {
    let js = format!(
        "const t = [...document.querySelectorAll('.search-results .result-title')].slice(0, 3).map(a => a.textContent); return t.includes({}) && t",
        serde_json::to_string(title).unwrap()
    );
    let found = wait_for(tab, &format!("{title:?} in the top 3"), &js);
    serde_json::from_value(found).unwrap()
}

fn navigate(tab: &Tab, url: &str) {
    tab.navigate_to(url)
        .unwrap()
        .wait_until_navigated()
        .unwrap();
}

/// Types into the header's search box on any page.
fn type_query(tab: &Tab, query: &str) {
    eval(
        tab,
        "const i = document.getElementById('search-input'); i.value = ''; i.focus(); return true",
    );
    tab.type_str(query).unwrap();
}

#[test]
fn typing_in_the_header_box_finds_the_article() {
    let server = samples();
    let (_browser, tab) = open(&server.url("index.html"));
    type_query(&tab, "restore blobs");
    tab.press_key("Enter").unwrap();
    let top = wait_for_top3(&tab, "Restore deleted or overwritten blobs");
    assert_eq!(top[0], "Restore deleted or overwritten blobs", "{top:?}");
    assert!(
        tab.get_url().contains("search.html?q=restore"),
        "{}",
        tab.get_url()
    );

    // Searching as you type on the search page: a prefix of a word is enough.
    type_query(&tab, "ss");
    tab.type_str("h").unwrap();
    wait_for_top3(&tab, "Cannot connect to a Linux virtual machine with SSH");
    // The words searched for are marked in titles and excerpts.
    let marks = eval(
        &tab,
        "return [...document.querySelectorAll('.search-results mark')].map(m => m.textContent.toLowerCase())",
    );
    assert!(
        marks.as_array().unwrap().iter().any(|m| m == "ssh"),
        "{marks}"
    );
    // The address keeps the query, so a search can be shared.
    assert!(
        tab.get_url().ends_with("search.html?q=ssh"),
        "{}",
        tab.get_url()
    );
}

#[test]
fn a_topic_filter_narrows_results_and_counts_match() {
    let server = samples();
    // The premise: the five articles of topic 32600001 all mention "machine".
    let topic_files: Vec<PathBuf> =
        walkdir::WalkDir::new(Path::new(env!("CARGO_MANIFEST_DIR")).join("articles"))
            .into_iter()
            .map(Result::unwrap)
            .map(|e| e.into_path())
            .filter(|p| {
                std::fs::read_to_string(p).is_ok_and(|t| t.contains("supportTopicIds=\"32600001\""))
            })
            .collect();
    assert_eq!(topic_files.len(), 5);
    for f in &topic_files {
        assert!(
            std::fs::read_to_string(f)
                .unwrap()
                .to_lowercase()
                .contains("machine")
        );
    }

    server.clear_log();
    let (_browser, tab) = open(&server.url("search.html?q=machine"));
    wait_for(
        &tab,
        "the results",
        "return document.querySelectorAll('.search-results > li').length > 0",
    );
    // The filters are folded, and their data is not fetched until they are opened.
    std::thread::sleep(std::time::Duration::from_millis(300));
    let fetched_filters = || {
        server
            .log()
            .iter()
            .filter(|s| s.path.starts_with("/search/filters/"))
            .count()
    };
    assert_eq!(
        fetched_filters(),
        0,
        "filters fetched before they were opened"
    );
    eval(
        &tab,
        "document.querySelector('.search-filters > summary').click(); return true",
    );
    let facet = "document.querySelector('.facet[data-filter=topic] input[value=\"32600001\"]')";
    wait_for(&tab, "the topic facet", &format!("return !!{facet}"));
    assert!(fetched_filters() > 0);
    let total = results_count(&tab);
    let counts = facet_counts(&tab);
    assert_eq!(counts["topic"]["32600001"], 5, "{counts}");
    // Every page has one type, so the type counts add up to the results.
    let types: u64 = counts["type"]
        .as_object()
        .unwrap()
        .values()
        .map(|v| v.as_u64().unwrap())
        .sum();
    assert_eq!(types, total, "{counts}");

    eval(&tab, &format!("{facet}.click(); return true"));
    wait_for(
        &tab,
        "5 results",
        "return document.querySelector('.search-status').textContent === '5 results'",
    );
    wait_for(
        &tab,
        "the filtered list",
        "return document.querySelectorAll('.search-results > li').length === 5",
    );
    let metas = eval(
        &tab,
        "return [...document.querySelectorAll('.result-meta')].map(m => m.textContent)",
    );
    for meta in metas.as_array().unwrap() {
        assert!(meta.as_str().unwrap().contains("32600001"), "{metas}");
    }
    // The filter is in the address, and the filtered counts agree.
    assert!(
        tab.get_url().contains("topic=32600001"),
        "{}",
        tab.get_url()
    );
    wait_for(
        &tab,
        "the filtered type counts",
        "const n = [...document.querySelectorAll('.facet[data-filter=type] .count')].map(c => +c.textContent); return n.reduce((a, b) => a + b, 0) === 5",
    );
}

fn results_count(tab: &Tab) -> u64 {
    let status = wait_for(
        tab,
        "a result count",
        "const s = document.querySelector('.search-status').textContent; return /^\\d+ results?$/.test(s) && s",
    );
    status
        .as_str()
        .unwrap()
        .split(' ')
        .next()
        .unwrap()
        .parse()
        .unwrap()
}

/// `{filter: {value: count}}` as shown in the facet panel.
fn facet_counts(tab: &Tab) -> Value {
    eval(
        tab,
        "const out = {};
         for (const f of document.querySelectorAll('.facet')) {
           const values = out[f.dataset.filter] = {};
           for (const l of f.querySelectorAll('label')) values[l.querySelector('input').value] = +l.querySelector('.count').textContent;
         }
         return out",
    )
}

#[test]
fn arrow_keys_move_through_results_and_enter_opens_one() {
    let server = samples();
    let (_browser, tab) = open(&server.url("search.html?q=connect"));
    wait_for_top3(
        &tab,
        "Cannot connect to a Windows virtual machine with Remote Desktop",
    );
    let titles = result_titles(&tab);
    assert!(titles.len() >= 2, "{titles:?}");
    eval(
        &tab,
        "document.getElementById('search-input').focus(); return true",
    );
    tab.press_key("ArrowDown").unwrap();
    tab.press_key("ArrowDown").unwrap();
    let focused = eval(&tab, "return document.activeElement.textContent");
    assert_eq!(focused, titles[1].as_str());
    tab.press_key("ArrowUp").unwrap();
    let focused = eval(&tab, "return document.activeElement.textContent");
    assert_eq!(focused, titles[0].as_str());
    tab.press_key("Enter").unwrap();
    wait_for(
        &tab,
        "the article page",
        "return location.pathname.startsWith('/articles/') && document.querySelector('h1').textContent",
    );
}

#[test]
fn an_exact_topic_id_or_article_id_goes_straight_to_its_page() {
    let server = samples();
    let browser = launch();
    let tab = browser.new_tab().unwrap();
    for (query, page) in [
        ("32600001", "/topics/32600001.html"),
        (
            "5e1f0000-0000-0000-0000-00000000000b",
            "/articles/5e1f0000-0000-0000-0000-00000000000b.html",
        ),
        ("supporttopics_15001", "/articles/supporttopics_15001.html"),
    ] {
        // From an article page's header box, as a reader would.
        navigate(
            &tab,
            &server.url("articles/5e1f0000-0000-0000-0000-000000000001.html"),
        );
        type_query(&tab, query);
        tab.press_key("Enter").unwrap();
        wait_for(
            &tab,
            page,
            &format!(
                "return location.pathname === {}",
                serde_json::to_string(page).unwrap()
            ),
        );
    }
}

#[test]
fn no_results_says_what_to_try() {
    let server = samples();
    let (_browser, tab) = open(&server.url("search.html?q=qqqzzzx"));
    let help = wait_for(
        &tab,
        "the no-results help",
        "const n = document.querySelector('.search-none'); return n && n.textContent",
    );
    assert!(help.as_str().unwrap().contains("qqqzzzx"), "{help}");
    let links = eval(
        &tab,
        "return [...document.querySelectorAll('.search-none a')].map(a => new URL(a.href).pathname)",
    );
    assert_eq!(
        links,
        serde_json::json!(["/topics/index.html", "/services/index.html"])
    );
}

#[test]
fn without_javascript_the_page_points_to_the_indexes() {
    let server = samples();
    let browser = launch();
    let tab = browser.new_tab().unwrap();
    tab.call_method(
        headless_chrome::protocol::cdp::Emulation::SetScriptExecutionDisabled { value: true },
    )
    .unwrap();
    navigate(&tab, &server.url("search.html?q=restore"));
    // With scripts off, Chromium parses <noscript> content as markup; the DOM domain of the
    // DevTools protocol still reads it.
    let hrefs: BTreeSet<String> = tab
        .find_elements("noscript a")
        .unwrap()
        .iter()
        .filter_map(|a| a.get_attribute_value("href").unwrap())
        .collect();
    assert_eq!(
        hrefs,
        BTreeSet::from(["topics/index.html".into(), "services/index.html".into()])
    );
    let text = tab
        .find_element(".search-noscript")
        .unwrap()
        .get_inner_text()
        .unwrap();
    assert!(text.contains("needs JavaScript"), "{text}");
}

/// Opened from disk, the search page cannot load its script or index (browsers forbid it to
/// `file://` pages): it says so and how to serve the site, instead of staying blank. Served,
/// the note is gone and search runs.
#[test]
fn opened_from_disk_the_search_page_says_why_and_how_to_serve_it() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("site");
    let source = Path::new(env!("CARGO_MANIFEST_DIR")).join("articles");
    let o = build(&source, &out, &[]);
    assert!(o.status.success(), "{}", stderr(&o));
    let file = url::Url::from_file_path(out.join("search.html")).unwrap();
    let (_browser, tab) = open(&format!("{file}?q=restore"));
    let note = wait_for(
        &tab,
        "the note on a page opened from disk",
        "const n = document.querySelector('.search-offline'); \
         return n && getComputedStyle(n).visibility === 'visible' && n.innerText",
    );
    let note = note.as_str().unwrap();
    assert!(
        note.contains("shelf serve") && note.contains("python3 -m http.server"),
        "{note}"
    );
    assert!(result_titles(&tab).is_empty());

    let server = samples();
    let (_browser, tab) = open(&server.url("search.html?q=restore"));
    wait_for(
        &tab,
        "results",
        "return document.querySelectorAll('.search-results li').length > 0",
    );
    let gone = eval(
        &tab,
        "return document.querySelector('.search-offline') === null",
    );
    assert_eq!(gone, Value::Bool(true));
}

/// Contractions are one word: "won't" is found by "wont" and by "won't", and marked whole.
#[test]
fn a_contraction_is_one_word() {
    let server = samples();
    let (_browser, tab) = open(&server.url("search.html?q=wont"));
    let top = wait_for_top3(&tab, "My virtual machine does not start");
    assert_eq!(top.len(), 1, "only that article says it: {top:?}");
    navigate(&tab, &server.url("search.html?q=won%27t"));
    wait_for_top3(&tab, "My virtual machine does not start");
    let marks = wait_for(
        &tab,
        "the contraction marked",
        "const m = [...document.querySelectorAll('.search-results mark')].map(m => m.textContent); \
         return m.length > 0 && m",
    );
    assert!(
        marks.as_array().unwrap().iter().any(|m| m == "won't"),
        "{marks}"
    );
}

#[test]
fn the_browser_splits_and_stems_words_as_the_indexer_does() {
    let server = samples();
    // Every word of the sample articles, and words chosen to reach each rule.
    let mut text = String::new();
    for entry in walkdir::WalkDir::new(Path::new(env!("CARGO_MANIFEST_DIR")).join("articles")) {
        let entry = entry.unwrap();
        if entry.file_type().is_file() {
            text.push_str(&std::fs::read_to_string(entry.path()).unwrap());
            text.push('\n');
        }
    }
    text.push_str(
        " restore restored restores restoring policies classes status analysis running \
         installing used VMs v2 naïve ÉTAT ΣΟΦΙΑΣ İstanbul 東京 x²  e\u{301}te \
         aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa Ünïcödé-wörds_with_underscores 32553297 \
         generously happily skies dying lying news inning cañon",
    );
    // And every distinct word of the corpus, as written: the two stemmers (rust-stemmers and
    // porter2.js) are one algorithm, and must agree on every word customers search.
    if let Some(corpus) = crate::build::corpus() {
        let mut vocabulary = std::collections::BTreeSet::new();
        for entry in walkdir::WalkDir::new(corpus) {
            let entry = entry.unwrap();
            if entry.file_type().is_file() {
                let article = std::fs::read_to_string(entry.path()).unwrap_or_default();
                vocabulary.extend(shelf::site::search::text::words(&article).map(str::to_string));
            }
        }
        assert!(vocabulary.len() > 10_000, "{}", vocabulary.len());
        for word in vocabulary {
            text.push(' ');
            text.push_str(&word);
        }
    }
    let mut expected = Vec::new();
    shelf::site::search::text::each_stem(&text, |s| expected.push(s.to_string()));

    let (_browser, tab) = open(&server.url("index.html"));
    let js = format!(
        "const m = await import('/search/search.js'); return m.words({}).map(w => m.stem(m.fold(m.lower(w))))",
        serde_json::to_string(&text).unwrap()
    );
    let actual: Vec<String> = serde_json::from_value(eval(&tab, &js)).unwrap();
    assert_eq!(actual.len(), expected.len());
    for (i, (a, e)) in actual.iter().zip(&expected).enumerate() {
        assert_eq!(a, e, "word {i}");
    }
}

/// The corpus site, built once, with the library that built it (for titles and URLs).
pub fn corpus_site() -> Option<&'static (tempfile::TempDir, Server, shelf::source::library::Library)>
{
    static SITE: OnceLock<Option<(tempfile::TempDir, Server, shelf::source::library::Library)>> =
        OnceLock::new();
    SITE.get_or_init(|| {
        let source = crate::build::corpus()?;
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("site");
        let o = build(&source, &out, &["--quiet"]);
        // The corpus has a few broken articles (exit 1); the rest is built.
        assert!(out.join("search/index.json").is_file(), "{}", stderr(&o));
        let config = shelf::Config {
            source,
            ..shelf::Config::default()
        };
        let loaded = shelf::pipeline::load::load(&config, None, shelf::check::article::Mode::Build)
            .expect("corpus loads");
        let server = Server::start(&out);
        Some((dir, server, loaded.library))
    })
    .as_ref()
}

/// Bytes a first query downloads in a fresh browser, by kind of file: the search runtime and
/// index (what the issue budgets), the facet data fetched after the results are shown, and the
/// page itself.
struct Download {
    search: usize,
    facets: usize,
    page: usize,
    files: usize,
}

fn first_query(server: &Server, query: &str, until: &str) -> Download {
    server.clear_log();
    let (_browser, tab) = open(&server.url(&format!("search.html?q={query}")));
    wait_for(&tab, "the first results", until);
    // Let the facet requests that follow the results finish, so they are counted apart.
    std::thread::sleep(std::time::Duration::from_millis(500));
    let log = server.log();
    let sum = |f: &dyn Fn(&str) -> bool| -> usize {
        log.iter().filter(|s| f(&s.path)).map(|s| s.bytes).sum()
    };
    Download {
        search: sum(&|p| p.starts_with("/search/") && !p.starts_with("/search/filters/")),
        facets: sum(&|p| p.starts_with("/search/filters/")),
        page: sum(&|p| !p.starts_with("/search/")),
        files: log.len(),
    }
}

#[test]
fn on_the_corpus_a_first_query_downloads_under_150_kb() {
    let Some((dir, _, library)) = corpus_site() else {
        return;
    };
    // A server of its own, so that other tests' requests are not counted.
    let server = &Server::start(&dir.path().join("site"));
    // The support topic with the most articles.
    let (topic, _) = library
        .topics
        .iter()
        .max_by_key(|(id, pages)| (pages.len(), std::cmp::Reverse(id.as_str())))
        .unwrap();
    let shown = "return document.querySelectorAll('.search-results .result-title').length > 0";
    for (query, until) in [
        ("restore", shown.to_string()),
        ("vm%20restore", shown.to_string()),
        (
            topic.as_str(),
            format!("return location.pathname === '/topics/{topic}.html'"),
        ),
    ] {
        let d = first_query(server, query, &until);
        eprintln!(
            "first query {query:?}: search runtime and index {} B, then facets {} B; pages {} B; {} requests",
            d.search, d.facets, d.page, d.files
        );
        assert!(d.search <= 150 * 1024, "{query}: {} bytes", d.search);
    }
}

#[test]
fn on_the_corpus_titles_find_their_article_in_the_top_3() {
    let Some((_, server, library)) = corpus_site() else {
        return;
    };
    let picked = pick(&library.articles, 30, 0x5eed);
    let (hits, misses) = title_hits(server, &library.articles, &picked);
    eprintln!("pageTitle in the top 3: {hits} of {}", picked.len());
    for miss in &misses {
        eprintln!("  missed: {miss}");
    }
    assert!(hits >= 27, "{hits} of 30: {misses:#?}");
}

/// Every article's title, for the closing note (`--ignored`; a minute or two).
#[test]
#[ignore]
fn on_the_corpus_every_title_in_the_top_3() {
    let Some((_, server, library)) = corpus_site() else {
        return;
    };
    let all: Vec<usize> = (0..library.articles.len()).collect();
    let (hits, misses) = title_hits(server, &library.articles, &all);
    eprintln!("pageTitle in the top 3: {hits} of {}", all.len());
    for miss in misses.iter().take(40) {
        eprintln!("  missed: {miss}");
    }
}

/// `n` distinct indexes below `articles.len()`, chosen by a seeded generator (SplitMix64).
fn pick(
    articles: &[std::sync::Arc<shelf::source::model::Article>],
    n: usize,
    seed: u64,
) -> Vec<usize> {
    let mut state = seed;
    let mut next = || {
        state = state.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = state;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    };
    let mut picked = BTreeSet::new();
    while picked.len() < n.min(articles.len()) {
        picked.insert((next() % articles.len() as u64) as usize);
    }
    picked.into_iter().collect()
}

/// Searches each picked article's pageTitle (its H1 when it has none) through the browser
/// library and counts those whose own page is in the first three results.
fn title_hits(
    server: &Server,
    articles: &[std::sync::Arc<shelf::source::model::Article>],
    picked: &[usize],
) -> (usize, Vec<String>) {
    let queries: Vec<(String, String)> = picked
        .iter()
        .map(|&i| {
            let a = &articles[i];
            let title = if a.meta.page_title.trim().is_empty() {
                a.title.clone()
            } else {
                a.meta.page_title.clone()
            };
            (title, shelf::site::paths::article_page(a))
        })
        .collect();
    let (_browser, tab) = open(&server.url("index.html"));
    let js = format!(
        "const m = await import('/search/search.js');
         const index = await m.SearchIndex.open('/');
         const out = [];
         for (const [title, url] of {}) {{
           const {{ pages }} = await index.search(title);
           const top = await Promise.all(pages.slice(0, 3).map(r => index.fragment(r.page)));
           out.push(top.map(f => f.url).includes(url) ? null : `${{title}} (${{url}}): got ${{top.map(f => f.title).join(' | ')}}`);
         }}
         return out",
        serde_json::to_string(&queries).unwrap()
    );
    let results: Vec<Option<String>> = serde_json::from_value(eval(&tab, &js)).unwrap();
    let misses: Vec<String> = results.into_iter().flatten().collect();
    (picked.len() - misses.len(), misses)
}

/// A per-cloud build indexes that cloud's articles only: one index page per article page.
#[test]
fn a_cloud_build_indexes_only_that_clouds_articles() {
    let source = Path::new(env!("CARGO_MANIFEST_DIR")).join("articles");
    let dir = tempfile::tempdir().unwrap();
    let mut counts = Vec::new();
    for cloud in [None, Some("mooncake")] {
        let out = dir.path().join(cloud.unwrap_or("all"));
        let extra: Vec<&str> = cloud.map(|c| vec!["--cloud", c]).unwrap_or_default();
        let o = build(&source, &out, &extra);
        assert!(o.status.success(), "{}", stderr(&o));
        let entry: Value =
            serde_json::from_str(&crate::read(&out.join("search/index.json"))).unwrap();
        let pages = std::fs::read_dir(out.join("articles")).unwrap().count();
        assert_eq!(entry["pages"], pages, "{cloud:?}");
        counts.push(pages);
    }
    assert!(counts[1] < counts[0], "{counts:?}");
}

#[test]
fn no_search_leaves_out_the_index_the_page_and_the_box() {
    let source = Path::new(env!("CARGO_MANIFEST_DIR")).join("articles");
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("site");
    let o = build(&source, &out, &["--no-search"]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(!out.join("search").exists() && !out.join("search.html").exists());
    assert!(!crate::read(&out.join("index.html")).contains("site-search"));
}

/// On the corpus, where 55 of 4,694 topics are described, every topic whose articles have a
/// title is named on the topics overview and on its own page.
#[test]
fn on_the_corpus_every_topic_has_a_name() {
    let Some((dir, _, lib)) = corpus_site() else {
        return;
    };
    // Every page of the overview.
    let overview: String = (1..)
        .map(|n| match n {
            1 => "index.html".to_string(),
            n => format!("index~{n}.html"),
        })
        .map_while(|name| std::fs::read_to_string(dir.path().join("site/topics").join(name)).ok())
        .collect();
    let entries: Vec<&str> = overview
        .lines()
        .map(str::trim_start)
        .filter(|l| l.starts_with("<li><a href="))
        .collect();
    assert_eq!(entries.len(), lib.topics.len());
    let unnamed: Vec<&&str> = entries.iter().filter(|l| !l.contains(" · ")).collect();
    let untitled = lib
        .topics
        .values()
        .filter(|ixs| {
            ixs.iter()
                .all(|&ix| lib.articles[ix].title.trim().is_empty())
        })
        .count();
    assert_eq!(
        unnamed.len(),
        untitled,
        "{:?}",
        &unnamed[..unnamed.len().min(5)]
    );
    let (key, _) = lib
        .topics
        .iter()
        .find(|(k, _)| !lib.topic_descriptions.contains_key(*k))
        .unwrap();
    let labels = shelf::site::labels::topic_labels(lib);
    let entry = entries
        .iter()
        .find(|l| l.contains(&format!(">{key}</a>")))
        .unwrap();
    let href = entry.split('"').nth(1).unwrap();
    let page = std::fs::read_to_string(dir.path().join("site/topics").join(href)).unwrap();
    let label = shelf::base::escape::html(labels[key.as_str()]);
    assert!(
        page.contains(&format!("Support topic {key}: {label}")),
        "{key}: {label}"
    );
}

/// The pages follow the reader's colour scheme (light text on a dark page when the system
/// asks for dark) and print without the site's navigation, links showing where they go.
#[test]
fn pages_have_a_dark_scheme_and_print_without_navigation() {
    use headless_chrome::protocol::cdp::Emulation::{MediaFeature, SetEmulatedMedia};
    let server = samples();
    let (_browser, tab) = open(&server.url("articles/5e1f0000-0000-0000-0000-000000000002.html"));
    let emulate = |media: Option<&str>, scheme: &str| {
        tab.call_method(SetEmulatedMedia {
            media: media.map(str::to_string),
            features: Some(vec![MediaFeature {
                name: "prefers-color-scheme".into(),
                value: scheme.into(),
            }]),
        })
        .unwrap();
    };
    // Relative luminance of the computed colour of `what` (0 black .. 1 white).
    let luminance = |what: &str, property: &str| -> f64 {
        let js = format!(
            "const c = getComputedStyle(document.querySelector('{what}'))['{property}'].match(/[\\d.]+/g).map(Number); \
             return (0.2126 * c[0] + 0.7152 * c[1] + 0.0722 * c[2]) / 255"
        );
        eval(&tab, &js).as_f64().unwrap()
    };
    emulate(None, "light");
    assert!(luminance("main", "color") < 0.3);
    emulate(None, "dark");
    assert!(luminance("body", "backgroundColor") < 0.15, "a dark page");
    assert!(luminance("main", "color") > 0.7, "light text");
    assert!(luminance("main a", "color") > 0.4, "links readable on it");

    emulate(Some("print"), "light");
    let hidden = eval(
        &tab,
        "return ['.site-header nav', '.site-search', '.site-footer'] \
         .map(s => document.querySelector(s)).filter(e => e) \
         .every(e => getComputedStyle(e).display === 'none')",
    );
    assert_eq!(hidden, Value::Bool(true));
    let shown = eval(
        &tab,
        "const a = [...document.querySelectorAll('main a[href^=\"http\"]')][0]; \
         return a ? getComputedStyle(a, '::after').content : 'none'",
    );
    assert!(shown.as_str().unwrap().contains("https://"), "{shown}");
}

/// On a phone (390 px wide) the first result is on the first screen, above the filters, and
/// nothing scrolls sideways; on a desktop (1280 px) the filters sit beside the results.
#[test]
fn on_a_narrow_screen_results_come_before_the_filters() {
    let server = samples();
    let browser = launch();
    let tab = browser.new_tab().unwrap();
    for (width, height, mobile) in [(390, 844, true), (1280, 900, false)] {
        set_viewport(&tab, width, height, mobile);
        navigate(&tab, &server.url("search.html?q=virtual+machine"));
        let layout = wait_for(
            &tab,
            "results laid out",
            "const r = document.querySelector('.search-results li'); \
             const f = document.querySelector('.search-filters'); \
             if (!r) return null; \
             const a = r.getBoundingClientRect(), b = f.getBoundingClientRect(); \
             return { resultTop: a.top, resultLeft: a.left, facetsTop: b.top, facetsLeft: b.left, \
                      scrollWidth: document.documentElement.scrollWidth, clientWidth: document.documentElement.clientWidth }",
        );
        let n = |k: &str| layout[k].as_f64().unwrap();
        assert!(
            n("scrollWidth") <= n("clientWidth"),
            "{width} px scrolls sideways: {layout}"
        );
        if mobile {
            assert!(
                n("resultTop") < f64::from(height),
                "first result below the first screen: {layout}"
            );
            assert!(
                n("facetsTop") > n("resultTop"),
                "filters above the results: {layout}"
            );
        } else {
            assert!(
                n("facetsLeft") < n("resultLeft"),
                "filters not beside the results: {layout}"
            );
        }
    }
}

/// The search index's terms of every page, by URL, decoded as the browser decodes them.
pub fn indexed_terms(site: &Path) -> std::collections::HashMap<String, BTreeSet<String>> {
    use std::io::Read;
    let json = |path: &Path| -> Value {
        let bytes = std::fs::read(path).unwrap();
        let mut text = Vec::new();
        if bytes.starts_with(&[0x1f, 0x8b]) {
            flate2::read::GzDecoder::new(&bytes[..])
                .read_to_end(&mut text)
                .unwrap();
        } else {
            text = bytes;
        }
        serde_json::from_slice(&text).unwrap()
    };
    const DIGITS: &str = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    let entry = json(&site.join("search/index.json"));
    let pages = entry["pages"].as_u64().unwrap() as usize;
    let mut terms: Vec<BTreeSet<String>> = vec![BTreeSet::new(); pages];
    for chunk in entry["chunks"].as_array().unwrap() {
        let chunk = json(&site.join(chunk[1].as_str().unwrap()));
        for (term, postings) in chunk["terms"]
            .as_array()
            .unwrap()
            .iter()
            .zip(chunk["postings"].as_array().unwrap())
        {
            for page in crate::search::decode_pages(postings.as_str().unwrap(), DIGITS) {
                terms[page].insert(term.as_str().unwrap().to_string());
            }
        }
    }
    let (bundle, shard) = (
        entry["bundle"].as_u64().unwrap() as usize,
        entry["shard"].as_u64().unwrap() as usize,
    );
    let mut by_url = std::collections::HashMap::new();
    for (n, table) in entry["table"].as_array().unwrap().iter().enumerate() {
        let names = json(&site.join(table.as_str().unwrap()));
        for (b, name) in names.as_array().unwrap().iter().enumerate() {
            let fragments =
                json(&site.join(format!("search/pages/{}.json.gz", name.as_str().unwrap())));
            for (i, f) in fragments.as_array().unwrap().iter().enumerate() {
                let page = n * shard + b * bundle + i;
                by_url.insert(
                    f["url"].as_str().unwrap().to_string(),
                    std::mem::take(&mut terms[page]),
                );
            }
        }
    }
    by_url
}

/// Page numbers of an encoded posting list (its two-character scores skipped): see
/// `encode_postings`.
pub fn decode_pages(text: &str, digits: &str) -> Vec<usize> {
    let value = |c: u8| digits.bytes().position(|d| d == c).unwrap();
    let (mut out, mut page, mut bytes) = (Vec::new(), 0, text.bytes());
    while let Some(first) = bytes.next() {
        let (mut delta, mut shift, mut v) = (0, 0, value(first));
        loop {
            delta |= (v & 31) << shift;
            shift += 5;
            if v & 32 == 0 {
                break;
            }
            v = value(bytes.next().unwrap());
        }
        page += delta;
        out.push(page);
        // The score, two characters.
        bytes.next();
        bytes.next();
    }
    out
}

/// The words a reader sees in an article page's body and payload view: every text node but
/// those folded away in a closed `<details>` (its summary excepted) and the theme's own words
/// (the view's headings, table headers, the summary of the folded table, `.shelf-label`).
pub fn visible_words(html: &str) -> Vec<String> {
    use scraper::{ElementRef, Html, Node, Selector};
    let page = Html::parse_document(html);
    let roots = Selector::parse("article > div.body, article > section.shelf-payload").unwrap();
    fn walk(e: ElementRef, theme: bool, out: &mut String) {
        let name = e.value().name();
        let closed = name == "details" && e.value().attr("open").is_none();
        let chrome = theme
            && (name == "h2" || name == "thead" || e.value().classes().any(|c| c == "shelf-label"));
        if chrome || matches!(name, "script" | "style" | "template") {
            return;
        }
        for child in e.children() {
            match child.value() {
                Node::Text(t) => {
                    out.push_str(t);
                    out.push(' ');
                }
                Node::Element(_) => {
                    let child = ElementRef::wrap(child).unwrap();
                    let summary = child.value().name() == "summary";
                    if closed && !summary {
                        continue;
                    }
                    // The summary of shelf's own folded table is the theme's words.
                    if summary && theme {
                        continue;
                    }
                    walk(child, theme, out);
                }
                _ => {}
            }
        }
    }
    let mut text = String::new();
    for root in page.select(&roots) {
        let theme = root.value().name() == "section";
        walk(root, theme, &mut text);
    }
    let mut out = Vec::new();
    shelf::site::search::text::each_stem(&text, |w| out.push(w.to_string()));
    out
}

/// What a reader sees of an article is what its search finds: on the corpus, for every
/// selfHelpType, at least 98% of the words of the body and the payload view (counted with
/// repeats) are in the page's index entry.
#[test]
fn on_the_corpus_the_index_holds_the_words_readers_see() {
    let Some((dir, _, _)) = corpus_site() else {
        return;
    };
    let site = dir.path().join("site");
    let indexed = indexed_terms(&site);
    let mut by_type: std::collections::BTreeMap<String, (usize, usize)> = Default::default();
    let mut missing: std::collections::BTreeMap<String, usize> = Default::default();
    for entry in std::fs::read_dir(site.join("articles")).unwrap() {
        let path = entry.unwrap().path();
        let html = std::fs::read_to_string(&path).unwrap();
        let kind = html
            .split("<article class=\"article type-")
            .nth(1)
            .and_then(|rest| rest.split('"').next())
            .unwrap()
            .to_string();
        let url = format!("articles/{}", path.file_name().unwrap().to_str().unwrap());
        let terms = indexed
            .get(&url)
            .unwrap_or_else(|| panic!("{url} is not in the index"));
        let counts = by_type.entry(kind).or_default();
        for word in visible_words(&html) {
            counts.0 += 1;
            if terms.contains(&word) {
                counts.1 += 1;
            } else {
                *missing.entry(word).or_default() += 1;
            }
        }
    }
    let mut report = String::new();
    for (kind, (seen, found)) in &by_type {
        report.push_str(&format!(
            "{kind}: {found} of {seen} visible words indexed ({:.2}%)\n",
            100.0 * *found as f64 / (*seen).max(1) as f64
        ));
    }
    let mut commonest: Vec<_> = missing.into_iter().collect();
    commonest.sort_by_key(|(w, n)| (std::cmp::Reverse(*n), w.clone()));
    eprintln!(
        "{report}not indexed, commonest: {:?}",
        &commonest[..commonest.len().min(20)]
    );
    for (kind, (seen, found)) in &by_type {
        assert!(*found * 100 >= *seen * 98, "{kind}\n{report}");
    }
}

/// The pages a reader sees, at a desktop's 1280 px and a phone's 390 px: nothing scrolls
/// sideways, no word in a table is broken across lines, and each page is saved as a screenshot
/// (`target/tmp/screenshots/`, to look at): home, topics overview, a topic, an article of each
/// payload view (scoping form, topic table, common problems, advisor fields), search.
#[test]
fn every_kind_of_page_fits_a_phone_and_a_desktop() {
    use headless_chrome::protocol::cdp::Page::CaptureScreenshotFormatOption;
    let server = samples();
    let id_of = |path: &str| -> String {
        let text = crate::read(
            &Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("articles")
                .join(path),
        )
        .to_lowercase();
        let at = text.find("articleid=\"").unwrap() + "articleid=\"".len();
        text[at..].split('"').next().unwrap().to_lowercase()
    };
    let mut pages = vec![
        ("home".to_string(), "index.html".to_string()),
        ("topics".into(), "topics/index.html".into()),
        ("topic".into(), "topics/32600001.html".into()),
        ("search".into(), "search.html?q=virtual+machine".into()),
    ];
    for (name, path) in [
        ("form", "microsoft.compute/vm-scoping.md"),
        ("problems", "microsoft.compute/diagnoseandsolve-vm.md"),
        ("advisor", "microsoft.storage/blob-soft-delete-advisor.md"),
        ("generic", "microsoft.compute/vm-rdp-connectivity.md"),
    ] {
        pages.push((name.into(), format!("articles/{}.html", id_of(path))));
    }
    pages.push((
        "topic-table".into(),
        format!(
            "articles/{}.html",
            id_of("supportTopicDescriptions/supporttopics-15001.md")
        ),
    ));

    let shots = Path::new(env!("CARGO_TARGET_TMPDIR")).join("screenshots");
    std::fs::create_dir_all(&shots).unwrap();
    let browser = launch();
    let tab = browser.new_tab().unwrap();
    for (width, height, mobile) in [(390, 844, true), (1280, 900, false)] {
        set_viewport(&tab, width, height, mobile);
        for (name, path) in &pages {
            navigate(&tab, &server.url(path));
            if name == "search" {
                wait_for(
                    &tab,
                    "results",
                    "return document.querySelectorAll('.search-results li').length > 0",
                );
            }
            let layout = eval(
                &tab,
                "const broken = []; \
                 for (const cell of document.querySelectorAll('td, th')) { \
                   const walker = document.createTreeWalker(cell, NodeFilter.SHOW_TEXT); \
                   for (let n = walker.nextNode(); n; n = walker.nextNode()) { \
                     for (const m of n.textContent.matchAll(/[A-Za-z]{2,20}/g)) { \
                       const r = document.createRange(); r.setStart(n, m.index); r.setEnd(n, m.index + m[0].length); \
                       const tops = new Set([...r.getClientRects()].map((x) => Math.round(x.top))); \
                       if (tops.size > 1) broken.push(m[0]); \
                     } \
                   } \
                 } \
                 return { scrollWidth: document.documentElement.scrollWidth, clientWidth: document.documentElement.clientWidth, broken }",
            );
            assert!(
                layout["scrollWidth"].as_f64() <= layout["clientWidth"].as_f64(),
                "{name} at {width} px scrolls sideways: {layout}"
            );
            assert_eq!(
                layout["broken"],
                serde_json::json!([]),
                "{name} at {width} px breaks words in a table"
            );
            let png = tab
                .capture_screenshot(CaptureScreenshotFormatOption::Png, None, None, true)
                .unwrap();
            std::fs::write(shots.join(format!("{name}-{width}.png")), png).unwrap();
        }
    }
}

/// The topics overview's filter box keeps the topics whose number, name or service holds the
/// words typed, and the groups that still have one.
#[test]
fn the_topics_overview_filters_as_you_type() {
    let server = samples();
    let (_browser, tab) = open(&server.url("topics/index.html"));
    wait_for(
        &tab,
        "the filter box",
        "return !document.querySelector('.overview-filter-box').hidden",
    );
    let shown = |query: &str| -> Vec<String> {
        let js = format!(
            "const i = document.querySelector('.overview-filter'); i.value = {}; \
             i.dispatchEvent(new Event('input')); \
             return [...document.querySelectorAll('.overview-group li')].filter((li) => !li.hidden && !li.closest('[hidden]')).map((li) => li.querySelector('a').textContent)",
            serde_json::to_string(query).unwrap()
        );
        serde_json::from_value(eval(&tab, &js)).unwrap()
    };
    assert_eq!(shown("disk"), ["32600003"]);
    assert_eq!(shown("storage"), ["32600101", "32600102"], "by service");
    assert_eq!(shown("32600201"), ["32600201"]);
    assert_eq!(shown("").len(), 6);
    let groups = eval(
        &tab,
        "document.querySelector('.overview-filter').value = 'disk'; \
         document.querySelector('.overview-filter').dispatchEvent(new Event('input')); \
         return [...document.querySelectorAll('.overview-group')].filter((g) => !g.hidden).length",
    );
    assert_eq!(groups, 1);
}

/// Lays the tab out as a screen `width` by `height` CSS pixels, a phone's when `mobile`.
fn set_viewport(tab: &Tab, width: u32, height: u32, mobile: bool) {
    use headless_chrome::protocol::cdp::Emulation::SetDeviceMetricsOverride;
    tab.call_method(SetDeviceMetricsOverride {
        width,
        height,
        device_scale_factor: 1.0,
        mobile,
        scale: None,
        screen_width: None,
        screen_height: None,
        position_x: None,
        position_y: None,
        dont_set_visible_size: None,
        screen_orientation: None,
        viewport: None,
        display_feature: None,
        device_posture: None,
    })
    .unwrap();
}

/// The query language, through the browser library on the samples: a quoted phrase keeps only
/// pages with its words in order; an abbreviation finds the words it stands for; a misspelled
/// word gets its nearest indexed spelling, and the page searches it when nothing else matched.
#[test]
fn phrases_synonyms_and_spellings() {
    let server = samples();
    let (_browser, tab) = open(&server.url("index.html"));
    let js = "const m = await import('/search/search.js');
         const index = await m.SearchIndex.open('/');
         const titles = async (q) => {
           const r = await index.search(q);
           const f = await Promise.all(r.pages.map((p) => index.fragment(p.page)));
           return { titles: f.map((x) => x.title), unknown: r.unknown };
         };
         return {
           loose: await titles('machine virtual'),
           phrase: await titles('\"virtual machine start problems\"'),
           reversed: await titles('\"machine virtual start\"'),
           vm: await titles('vm'),
           misspelled: await titles('machnie'),
         };";
    let r = eval(&tab, js);
    let titles =
        |k: &str| -> Vec<String> { serde_json::from_value(r[k]["titles"].clone()).unwrap() };
    assert!(titles("loose").len() > 3, "{r}");
    assert_eq!(titles("phrase"), ["Virtual machine start problems"], "{r}");
    assert!(titles("reversed").is_empty(), "{r}");
    // Pages that say only "virtual machine" are found by "vm", after those that say "vm".
    let vm = titles("vm");
    assert!(
        vm.iter().any(|t| t == "Common virtual machine problems"),
        "{vm:?}"
    );
    let first_long = vm.iter().position(|t| !t.contains("VM")).unwrap();
    assert!(vm[..first_long].iter().all(|t| t.contains("VM")), "{vm:?}");
    assert!(titles("misspelled").is_empty());
    assert_eq!(
        r["misspelled"]["unknown"],
        serde_json::json!([{ "word": "machnie", "term": "machin" }])
    );

    navigate(&tab, &server.url("search.html?q=machnie"));
    let note = wait_for(
        &tab,
        "the correction",
        "const n = document.querySelector('.search-correction'); return n && n.textContent",
    );
    assert_eq!(
        note,
        "No results for “machnie”. Showing results for machine."
    );
    assert!(!result_titles(&tab).is_empty());
}

/// An overview of more topics than a page holds is cut into linked pages of whole products,
/// none over 200 KB, every topic on exactly one; its filter box fetches the other pages at the
/// first keystroke and finds a topic of any of them.
#[test]
fn a_topics_overview_of_several_pages_filters_them_all() {
    let dir = tempfile::tempdir().unwrap();
    let source = dir.path().join("articles");
    std::fs::create_dir_all(&source).unwrap();
    let topics = 2100;
    for i in 0..topics {
        std::fs::write(
            source.join(format!("t{i:04}.md")),
            format!(
                "<properties pageTitle=\"Topic article {i}\" description=\"d\" service=\"microsoft.s{}\" \
                 productPesIds=\"{}\" supportTopicIds=\"4{i:07}\" cloudEnvironments=\"public\" \
                 selfHelpType=\"generic\" articleId=\"overview-{i:04}\" ownershipId=\"o\" />\n\
                 # Topic article {i}\n\nText.\n",
                i % 3,
                15000 + i % 30
            ),
        )
        .unwrap();
    }
    let out = dir.path().join("site");
    let o = build(&source, &out, &[]);
    assert!(o.status.success(), "{}", stderr(&o));
    let mut seen = BTreeSet::new();
    let mut pages = 0;
    for n in 1.. {
        let name = match n {
            1 => "index.html".to_string(),
            n => format!("index~{n}.html"),
        };
        let Ok(html) = std::fs::read_to_string(out.join("topics").join(&name)) else {
            break;
        };
        pages += 1;
        assert!(html.len() < 200_000, "{name}: {} bytes", html.len());
        let on_page: Vec<String> = html
            .lines()
            .filter_map(|l| l.trim_start().strip_prefix("<li><a href=\""))
            .map(|l| l.split('"').next().unwrap().to_string())
            .collect();
        assert!(on_page.len() <= 1000, "{name}: {}", on_page.len());
        for topic in on_page {
            assert!(seen.insert(topic.clone()), "{topic} twice");
        }
    }
    assert_eq!((pages, seen.len()), (3, topics));

    let server = Server::start(&out);
    let (_browser, tab) = open(&server.url("topics/index.html"));
    wait_for(
        &tab,
        "the filter box",
        "return !document.querySelector('.overview-filter-box').hidden",
    );
    let last = format!("4{:07}", topics - 1);
    assert_eq!(
        eval(
            &tab,
            &format!("return !!document.querySelector('a[href=\"{last}.html\"]')")
        ),
        false,
        "the last topic is on another page"
    );
    eval(
        &tab,
        &format!(
            "const i = document.querySelector('.overview-filter'); i.value = '{last}'; \
             i.dispatchEvent(new Event('input')); return true"
        ),
    );
    wait_for(
        &tab,
        "the other pages' topics",
        &format!(
            "const a = document.querySelector('a[href=\"{last}.html\"]'); \
             return !!a && !a.closest('[hidden]')"
        ),
    );
    let count = eval(
        &tab,
        "return document.querySelector('.overview-filter-count').textContent",
    );
    assert_eq!(count, format!("1 of {topics} topics"));
    // Cleared, the page shows its own topics again and none of the others.
    let shown = eval(
        &tab,
        "const i = document.querySelector('.overview-filter'); i.value = ''; \
         i.dispatchEvent(new Event('input')); \
         return [...document.querySelectorAll('.overview-group li')].filter((li) => !li.closest('[hidden]')).length",
    );
    let first_page = std::fs::read_to_string(out.join("topics/index.html")).unwrap();
    let own = first_page.matches("<li><a href=\"").count();
    assert_eq!(shown, own);
}
