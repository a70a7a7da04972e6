//! `shelf build` on fixture trees and on the real corpus.

use std::collections::BTreeSet;
use std::fs;
use std::path::{Path, PathBuf};

use crate::{build, fixture, read, shelf, shelf_at_fixed_time, stderr, tree};

/// Builds the `mixed` fixture (good and broken articles) into a fresh folder; the folder lives
/// as long as the returned guard.
fn build_mixed() -> (tempfile::TempDir, PathBuf, std::process::Output) {
    let out = tempfile::tempdir().unwrap();
    let site = out.path().join("site");
    let o = build(&fixture("mixed"), &site, &[]);
    (out, site, o)
}

#[test]
fn malformed_files_are_named_with_line_and_the_rest_is_built() {
    let (_out, site, o) = build_mixed();
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(1), "{err}");
    for expected in [
        "x-broken/unclosed.md:1:1: error[SH004/header-not-closed]",
        "x-broken/bad-json.md:14:17: error[SH502/payload-invalid-json]: the JSON payload does not parse: expected `,` or `}`",
        "x-broken/no-id.md:1:1: error[SH101/missing-required-property]: `articleId` is missing or empty",
        "x-broken/duplicate.md:6:13: error[SH201/duplicate-article-id]",
        "x-broken/latin1.md:1:53: error[SH002/file-not-utf8]",
        "5 of 9 files skipped for errors",
    ] {
        assert!(err.contains(expected), "missing `{expected}` in:\n{err}");
    }
    assert!(
        err.contains("good/first.md"),
        "the duplicate names the first file: {err}"
    );
    let pages: BTreeSet<_> = tree(&site.join("articles")).into_keys().collect();
    assert_eq!(
        pages,
        BTreeSet::from(
            [
                "fixture-diagnostic.html",
                "fixture-first.html",
                "fixture-scoping.html",
                "fixture-second.html"
            ]
            .map(String::from)
        )
    );
}

#[test]
fn topic_pages_list_their_articles_in_display_order() {
    let (_out, site, _) = build_mixed();
    let topic = read(&site.join("topics/11110001.html"));
    let second = topic
        .find("Second &amp; last")
        .or_else(|| topic.find("Second article"))
        .unwrap();
    let first = topic.find("First article").unwrap();
    assert!(second < first, "displayOrder 1 comes before 2:\n{topic}");
    assert!(topic.contains("2 articles"));
    let topics = read(&site.join("topics/index.html"));
    assert!(topics.contains("11110001") && topics.contains("11110002"));
    // Home page counts and the other indexes exist.
    let home = read(&site.join("index.html"));
    assert!(home.contains("4 self-help articles"), "{home}");
    for page in [
        "services/microsoft.compute.html",
        "products/10001.html",
        "clouds/public.html",
        "types/generic.html",
        "sitemap.xml",
    ] {
        assert!(site.join(page).is_file(), "{page}");
    }
}

#[test]
fn article_pages_render_tokens_and_placeholders() {
    // Script injection has its own suite: tests/testsuite/hostile.rs.
    let (_out, site, _) = build_mixed();
    let diag = read(&site.join("articles/fixture-diagnostic.html"));
    assert!(diag.contains(
        "<span class=\"shelf-token\" data-token=\"serverName\" data-default=\"[server]\">[server]</span>"
    ));
    let first = read(&site.join("articles/fixture-first.html"));
    assert!(first.contains("&lt;your placeholder&gt;"));
}

#[test]
fn article_page_snapshot() {
    let (_out, site, _) = build_mixed();
    insta::assert_snapshot!(
        "scoping_article_page",
        read(&site.join("articles/fixture-scoping.html"))
    );
    insta::assert_snapshot!("topic_page", read(&site.join("topics/11110002.html")));
}

#[test]
fn two_builds_are_byte_identical() {
    let out = tempfile::tempdir().unwrap();
    let (a, b) = (out.path().join("a"), out.path().join("b"));
    // The API index says when it was built; SOURCE_DATE_EPOCH fixes that, as reproducible
    // builds do (without it two builds a second apart differ there, and only there).
    for site in [&a, &b] {
        let source = fixture("mixed");
        let (source, site) = (source.to_str().unwrap(), site.to_str().unwrap());
        let args = ["build", "--quiet", "--source", source, "--output", site];
        let o = shelf_at_fixed_time(args, Path::new(env!("CARGO_MANIFEST_DIR")));
        assert_eq!(o.status.code(), Some(1), "{}", crate::stderr(&o));
    }
    let (ta, tb) = (tree(&a), tree(&b));
    assert!(ta.len() > 20);
    assert_eq!(ta.keys().collect::<Vec<_>>(), tb.keys().collect::<Vec<_>>());
    for (path, bytes) in &ta {
        assert!(bytes == &tb[path], "{path} differs between two builds");
    }
}

#[test]
fn cloud_build_keeps_only_that_clouds_articles() {
    let out = tempfile::tempdir().unwrap();
    let site = out.path().join("site");
    let o = build(&fixture("mixed"), &site, &["--cloud", "fairfax"]);
    assert!(
        stderr(&o).contains("built 0 articles for cloud fairfax"),
        "{}",
        stderr(&o)
    );
    let o = build(&fixture("mixed"), &site, &["--cloud", "MOONCAKE"]);
    assert!(
        stderr(&o).contains("built 1 article for cloud mooncake"),
        "{}",
        stderr(&o)
    );
    let pages: Vec<_> = tree(&site.join("articles")).into_keys().collect();
    assert_eq!(pages, ["fixture-first.html"]);
    assert!(read(&site.join("index.html")).contains("mooncake"));
    let o = build(&fixture("mixed"), &site, &["--cloud", "mars"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("unknown cloud `mars`"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn a_failed_build_leaves_the_previous_site() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    let copy = |from: &Path, to: &Path| {
        for (rel, bytes) in tree(from) {
            let dest = to.join(rel);
            fs::create_dir_all(dest.parent().unwrap()).unwrap();
            fs::write(dest, bytes).unwrap();
        }
    };
    copy(&fixture("mixed/good"), &root.join("articles"));
    let o = shelf(&["build"], root);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let before = tree(&root.join("output"));
    // A broken template override makes the next build fail.
    fs::create_dir(root.join("templates")).unwrap();
    fs::write(
        root.join("templates/base.html"),
        "{% block content %}{% endfor %}",
    )
    .unwrap();
    fs::write(
        root.join("articles/new.md"),
        "<properties articleId=\"new\" />\n# New\n",
    )
    .unwrap();
    let o = shelf(&["build"], root);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("template error"), "{}", stderr(&o));
    assert_eq!(
        tree(&root.join("output")),
        before,
        "the previous site is untouched"
    );
    let mut leftovers: Vec<_> = fs::read_dir(root)
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    leftovers.sort();
    assert_eq!(
        leftovers,
        [".shelf-cache", "articles", "output", "templates"],
        "no staging folder left behind"
    );
}

#[test]
fn template_override_replaces_a_builtin() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    fs::create_dir_all(root.join("articles")).unwrap();
    fs::copy(
        fixture("mixed/good/first.md"),
        root.join("articles/first.md"),
    )
    .unwrap();
    fs::create_dir(root.join("templates")).unwrap();
    fs::write(
        root.join("templates/home.html"),
        "custom home: {{ articles }} articles",
    )
    .unwrap();
    let o = shelf(&["build"], root);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(
        read(&root.join("output/index.html")),
        "custom home: 1 articles"
    );
    assert!(read(&root.join("output/articles/fixture-first.html")).contains("<!doctype html>"));
}

#[test]
fn usage_errors_exit_2() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    fs::create_dir(root.join("articles")).unwrap();
    fs::write(root.join("shelf.toml"), "titel = \"typo\"\n").unwrap();
    let o = shelf(&["build"], root);
    assert_eq!(o.status.code(), Some(2));
    let err = stderr(&o);
    assert!(
        err.contains("unknown field `titel`") && err.contains("`title`"),
        "{err}"
    );

    fs::write(root.join("shelf.toml"), "").unwrap();
    let o = shelf(&["build", "--output", "articles"], root);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("is the source folder or holds it"),
        "{}",
        stderr(&o)
    );
    let o = shelf(&["build", "--source", "missing"], root);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("does not exist"));
}

#[test]
fn bundled_samples_build_cleanly() {
    let out = tempfile::tempdir().unwrap();
    let site = out.path().join("site");
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let o = build(&root.join("articles"), &site, &["--verbose"]);
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(0), "{err}");
    assert!(err.contains("0 errors and 0 warnings"), "{err}");
    let types = read(&site.join("types/index.html"));
    // Every selfHelpType of the real corpus has a sample.
    for t in [
        "generic",
        "problemScopingQuestions",
        "TSG_Content",
        "advisorRecommendationMetadata",
        "resource",
        "diagnostics",
        "servicehealthinsights",
        "supportTopicDescription",
        "apollo",
        "TSG_Description",
        "rca",
        "diagnoseandsolve",
        "tools",
        "partnercenterquickstart",
    ] {
        assert!(types.contains(&format!(">{t}</a>")), "no sample of {t}");
    }
}

/// The real corpus, when present: `$SHELF_CORPUS` or `../shared/corpus/articles`. CI must have it.
pub fn corpus() -> Option<PathBuf> {
    let path = std::env::var_os("SHELF_CORPUS")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus/articles"));
    if path.is_dir() {
        return Some(path);
    }
    assert!(
        std::env::var_os("CI").is_none(),
        "CI needs the corpus at {}",
        path.display()
    );
    eprintln!("skipping: no corpus at {}", path.display());
    None
}

/// Distinct support topic IDs, read with a plain text scan independent of shelf's parser.
fn topic_ids_by_text_scan(corpus: &Path) -> BTreeSet<String> {
    let mut ids = BTreeSet::new();
    for (_, bytes) in tree(corpus) {
        let text = String::from_utf8_lossy(&bytes).to_lowercase();
        let Some(at) = text.find("supporttopicids") else {
            continue;
        };
        let rest = &text[at..];
        let Some(open) = rest.find('"') else { continue };
        let value = &rest[open + 1..];
        let value = &value[..value.find('"').unwrap_or(0)];
        ids.extend(
            value
                .split(',')
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(String::from),
        );
    }
    ids
}

#[test]
fn real_corpus_builds_every_parseable_article() {
    let Some(corpus) = corpus() else { return };
    let out = tempfile::tempdir().unwrap();
    let site = out.path().join("site");
    let o = build(&corpus, &site, &[]);
    let err = stderr(&o);
    assert!(matches!(o.status.code(), Some(0 | 1)), "{err}");
    let summary = err
        .lines()
        .find(|l| l.contains("files skipped for errors"))
        .unwrap();
    let numbers: Vec<usize> = summary.split(' ').filter_map(|w| w.parse().ok()).collect();
    let (skipped, files) = (numbers[0], numbers[1]);
    assert_eq!(files, 5507, "{summary}");
    assert!(skipped <= 10, "{err}");
    let pages = fs::read_dir(site.join("articles")).unwrap().count();
    assert_eq!(pages, files - skipped, "every parseable article has a page");
    // The overview's pages (index.html, index~2.html...) and its index.json are no topic's.
    let topic_pages = fs::read_dir(site.join("topics"))
        .unwrap()
        .filter(|e| {
            !e.as_ref()
                .unwrap()
                .file_name()
                .to_string_lossy()
                .starts_with("index")
        })
        .count();
    assert_eq!(topic_pages, topic_ids_by_text_scan(&corpus).len());
}

/// A rebuild with nothing changed writes nothing and reports what the build before it did; a
/// change to a source, to the output or to the options builds again, and `--force` always does.
#[test]
fn an_unchanged_rebuild_is_skipped_until_something_changes() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    crate::copy_tree(&fixture("mixed"), &root.join("articles"));
    let site = root.join("output");
    let run = |extra: &[&str]| {
        let mut args = vec!["build"];
        args.extend(extra);
        let o = shelf(&args, root);
        assert_eq!(o.status.code(), Some(1), "files skipped: {}", stderr(&o));
        stderr(&o)
    };
    let built = |err: &str| err.contains("built 4 articles");
    let skipped = |err: &str| err.contains("is up to date: nothing changed");

    let first = run(&[]);
    assert!(built(&first), "{first}");
    assert!(root.join(".shelf-cache").is_dir());
    let home = site.join("index.html");
    let written_at = fs::metadata(&home).unwrap().modified().unwrap();
    let before = tree(&site);

    let second = run(&[]);
    assert!(skipped(&second), "{second}");
    for line in first.lines().filter(|l| l.contains("error[")) {
        assert!(second.contains(line), "the same diagnostics: `{line}`");
    }
    assert!(
        second.contains("5 of 9 files skipped for errors"),
        "{second}"
    );
    assert_eq!(fs::metadata(&home).unwrap().modified().unwrap(), written_at);
    assert!(tree(&site) == before, "nothing rewritten");

    let article = root.join("articles/good/first.md");
    let mut text = fs::read_to_string(&article).unwrap();
    text.push_str("\nA sentence added since.\n");
    fs::write(&article, text).unwrap();
    assert!(built(&run(&[])), "an edited source builds again");
    assert!(read(&site.join("articles/fixture-first.html")).contains("A sentence added since."));
    assert!(skipped(&run(&[])));

    fs::remove_file(&home).unwrap();
    assert!(
        built(&run(&[])),
        "a page deleted from the output builds again"
    );
    assert!(home.is_file());

    assert!(built(&run(&["--no-search"])), "other options build again");
    assert!(!site.join("search").exists());
    assert!(skipped(&run(&["--no-search"])));
    assert!(built(&run(&["--no-search", "--force"])));
}

/// A rebuild keeps every file whose bytes did not change (the same file, time stamp and all, so
/// a deploy by rsync or a CDN sees only what changed) and says how many it kept.
#[test]
fn a_rebuild_keeps_unchanged_files_and_says_how_many() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    crate::copy_tree(&fixture("mixed"), &root.join("articles"));
    let site = root.join("output");
    let shelf_at = |args: &[&str]| stderr(&shelf_at_fixed_time(args, root));
    let run = || shelf_at(&["build"]);
    let first = run();
    assert!(
        !first.contains("unchanged"),
        "a first build keeps nothing: {first}"
    );
    let untouched = site.join("articles/fixture-second.html");
    let edited = site.join("articles/fixture-first.html");
    let kept_at = fs::metadata(&untouched).unwrap().modified().unwrap();
    std::thread::sleep(std::time::Duration::from_millis(20));

    let article = root.join("articles/good/first.md");
    let text = fs::read_to_string(&article).unwrap() + "\nA sentence added since.\n";
    fs::write(&article, text).unwrap();
    let second = run();
    // "... 55 files in <site>, 40 of them unchanged (0.01s)"
    let counts = |err: &str| -> (u64, u64) {
        let line = err.lines().find(|l| l.starts_with("built ")).unwrap();
        let number_before = |word: &str| {
            let head = &line[..line.find(word).unwrap()];
            head.trim_end()
                .rsplit([' ', ','])
                .next()
                .unwrap()
                .parse()
                .unwrap()
        };
        (
            number_before(" files in"),
            number_before(" of them unchanged"),
        )
    };
    let (files, unchanged) = counts(&second);
    // The edited article's page, fragment and record, and every page that lists it, change.
    assert!(unchanged > 0 && unchanged + 3 <= files, "{second}");
    assert_eq!(
        fs::metadata(&untouched).unwrap().modified().unwrap(),
        kept_at
    );
    assert!(fs::metadata(&edited).unwrap().modified().unwrap() > kept_at);
    assert!(read(&edited).contains("A sentence added since."));

    let forced = shelf_at(&["build", "--force"]);
    assert_eq!(counts(&forced).1, files, "nothing changed: {forced}");
}

/// The built-in templates, each with a tera comment added: the same output, but no longer
/// identical to the built-ins, so every page goes through tera instead of the compiled theme.
fn builtin_templates_as_overrides(dir: &Path) {
    let templates = Path::new(env!("CARGO_MANIFEST_DIR")).join("templates");
    fs::create_dir_all(dir).unwrap();
    for entry in fs::read_dir(&templates).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_str().unwrap();
        if name.ends_with(".html") || name.ends_with(".xml") {
            fs::write(dir.join(name), read(&path) + "{# rendered by tera #}").unwrap();
        }
    }
}

#[test]
fn compiled_theme_matches_the_templates() {
    let samples = Path::new(env!("CARGO_MANIFEST_DIR")).join("articles");
    let sample_config = read(&Path::new(env!("CARGO_MANIFEST_DIR")).join("shelf.toml"));
    let mut cases = vec![
        // An absolute base-url: fragments link differently from pages.
        ("samples", samples.clone(), sample_config.as_str(), vec![]),
        (
            "samples for one cloud, no search",
            samples,
            "",
            vec!["--cloud", "fairfax", "--no-search"],
        ),
        ("mixed fixture", fixture("mixed"), "", vec![]),
    ];
    if let Some(corpus) = corpus() {
        cases.push(("corpus", corpus, "", vec![]));
    }
    for (name, source, config, extra) in cases {
        let dir = tempfile::tempdir().unwrap();
        let sites = ["compiled", "tera"].map(|kind| {
            let root = dir.path().join(kind);
            fs::create_dir(&root).unwrap();
            fs::write(root.join("shelf.toml"), config).unwrap();
            if kind == "tera" {
                builtin_templates_as_overrides(&root.join("templates"));
            }
            let mut args = vec!["build", "--quiet", "--source", source.to_str().unwrap()];
            args.extend(["--output", "out"]);
            args.extend(&extra);
            let o = shelf_at_fixed_time(&args, &root);
            assert!(
                matches!(o.status.code(), Some(0 | 1)),
                "{name}: {}",
                stderr(&o)
            );
            tree(&root.join("out"))
        });
        let [compiled, tera] = &sites;
        assert!(
            compiled.keys().any(|p| p.starts_with("articles/")),
            "{name}"
        );
        assert_eq!(
            compiled.keys().collect::<Vec<_>>(),
            tera.keys().collect::<Vec<_>>(),
            "{name}"
        );
        for (path, bytes) in compiled {
            if bytes != &tera[path] {
                panic!(
                    "{name}: {path} differs from what the templates make:\n--- compiled\n{}\n--- tera\n{}",
                    String::from_utf8_lossy(bytes),
                    String::from_utf8_lossy(&tera[path])
                );
            }
        }
    }
}

/// An article page says where it sits (home, service, first support topic) and links the
/// articles before and after it on that topic's page; the topics overview groups topics by
/// service and product, with a filter box; a topic page names its service, product and the
/// other topics of its product.
#[test]
fn pages_show_where_an_article_and_a_topic_sit() {
    let source = Path::new(env!("CARGO_MANIFEST_DIR")).join("articles");
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("site");
    let o = build(&source, &out, &[]);
    assert!(o.status.success(), "{}", stderr(&o));
    let page = scraper::Html::parse_document(&read(
        &out.join("articles/5e1f0000-0000-0000-0000-000000000002.html"),
    ));
    let select = |html: &scraper::Html, css: &str| -> Vec<(String, String)> {
        let selector = scraper::Selector::parse(css).unwrap();
        html.select(&selector)
            .map(|e| {
                (
                    e.text().collect::<String>().trim().to_string(),
                    e.value().attr("href").unwrap_or_default().to_string(),
                )
            })
            .collect()
    };
    let trail = select(&page, ".breadcrumb li");
    let names: Vec<&str> = trail.iter().map(|(t, _)| t.as_str()).collect();
    assert_eq!(
        names,
        [
            "Home",
            "microsoft.compute",
            "32600002: Cannot connect to the virtual machine",
            "Cannot connect to a Windows virtual machine with Remote Desktop"
        ]
    );
    let links = select(&page, ".breadcrumb a");
    assert_eq!(links[2].1, "../topics/32600002.html");
    // The topic's page lists 002 then 003: 002 has a next and no previous.
    assert!(select(&page, ".pager-previous").is_empty());
    let next = select(&page, ".pager-next");
    assert_eq!(
        next[0].1,
        "../articles/5e1f0000-0000-0000-0000-000000000003.html"
    );
    let topic = read(&out.join("topics/32600002.html"));
    let topic_links: Vec<String> = topic
        .lines()
        .filter(|l| l.contains("articles/5e1f"))
        .map(|l| l.split('"').nth(1).unwrap().to_string())
        .collect();
    let at = topic_links
        .iter()
        .position(|l| l.ends_with("000000000002.html"))
        .unwrap();
    assert!(
        topic_links[at + 1].ends_with("000000000003.html"),
        "{topic_links:?}"
    );

    let overview = scraper::Html::parse_document(&read(&out.join("topics/index.html")));
    let services = select(&overview, ".overview-group > h2 > a");
    assert!(
        services
            .iter()
            .any(|(name, href)| name == "microsoft.compute"
                && href == "../services/microsoft.compute.html"),
        "{services:?}"
    );
    assert_eq!(
        select(&overview, ".overview-group li").len(),
        select(&overview, "li").len(),
        "every topic is in a group"
    );
    assert_eq!(select(&overview, "input.overview-filter").len(), 1);

    let topic = scraper::Html::parse_document(&topic);
    let meta = select(&topic, "p.meta-line a");
    assert_eq!(meta[0].1, "../services/microsoft.compute.html", "{meta:?}");
    let siblings = select(&topic, ".siblings li a");
    assert!(
        siblings.iter().any(
            |(name, href)| name.starts_with("32600001 · ") && href == "../topics/32600001.html"
        ),
        "{siblings:?}"
    );
    assert!(
        !siblings
            .iter()
            .any(|(name, _)| name.starts_with("32600002"))
    );
}

/// A list longer than a page is cut into pages of 200 articles that link each other: every
/// article is on exactly one page of its type and cloud, and the first page keeps the key's
/// address.
#[test]
fn long_lists_are_cut_into_linked_pages() {
    let dir = tempfile::tempdir().unwrap();
    let source = dir.path().join("articles");
    fs::create_dir_all(&source).unwrap();
    for i in 0..450 {
        fs::write(
            source.join(format!("a{i:03}.md")),
            format!(
                "<properties pageTitle=\"Article {i:03}\" description=\"d\" service=\"microsoft.compute\" \
                 supportTopicIds=\"3260{:04}\" cloudEnvironments=\"public\" selfHelpType=\"generic\" \
                 articleId=\"page-test-{i:03}\" ownershipId=\"o\" />\n# Article {i:03}\n\nText {i}.\n",
                i % 40
            ),
        )
        .unwrap();
    }
    let out = dir.path().join("site");
    let o = build(&source, &out, &[]);
    assert!(o.status.success(), "{}", stderr(&o));
    for list in [
        "types/generic",
        "clouds/public",
        "services/microsoft.compute",
    ] {
        let pages = [
            format!("{list}.html"),
            format!("{list}~2.html"),
            format!("{list}~3.html"),
        ];
        assert!(!out.join(format!("{list}~4.html")).exists(), "{list}");
        let mut seen = BTreeSet::new();
        for (n, page) in pages.iter().enumerate() {
            let html = read(&out.join(page));
            let articles: Vec<&str> = html
                .lines()
                .filter(|l| l.trim_start().starts_with("<li><a href=\"../articles/"))
                .collect();
            assert!(articles.len() <= 200, "{page}: {}", articles.len());
            for line in articles {
                assert!(
                    seen.insert(line.split('"').nth(1).unwrap().to_string()),
                    "{page}: twice"
                );
            }
            assert!(html.contains(&format!("page {} of 3", n + 1)), "{page}");
            let name = page.rsplit('/').next().unwrap();
            for other in &pages {
                let other_name = other.rsplit('/').next().unwrap();
                if other_name != name {
                    assert!(
                        html.contains(&format!("href=\"../{other}\"")),
                        "{page} links {other}"
                    );
                }
            }
        }
        assert_eq!(seen.len(), 450, "{list}");
    }
}

/// `--outputs` (and `outputs` in shelf.toml) choose what a build writes; each output's files
/// are byte for byte those of a build of everything, and a rebuild with fewer outputs leaves
/// none of the others behind.
#[test]
fn outputs_choose_what_is_written() {
    let dir = tempfile::tempdir().unwrap();
    let source = Path::new(env!("CARGO_MANIFEST_DIR")).join("articles");
    let run = |site: &str, outputs: Option<&str>| {
        let site = dir.path().join(site);
        let mut args = vec![
            "build".to_string(),
            "--source".into(),
            source.to_str().unwrap().into(),
            "--output".into(),
            site.to_str().unwrap().into(),
        ];
        if let Some(list) = outputs {
            args.extend(["--outputs".into(), list.into()]);
        }
        let o = shelf_at_fixed_time(&args, dir.path());
        assert!(o.status.success(), "{}", stderr(&o));
        (tree(&site), stderr(&o))
    };
    let (all, _) = run("all", None);
    let kind = |rel: &str| match rel.split('/').next().unwrap() {
        "api" if rel.starts_with("api/v1/articles/") => "records",
        "api" => "api",
        "embed" => "embed",
        "search" | "search.html" => "search",
        "sitemap.xml" => "sitemap",
        ".shelf-output" => "marker",
        _ => "pages",
    };
    for (outputs, kinds) in [
        ("api,records", &["api", "records"][..]),
        ("embed", &["embed"]),
        ("api,embed", &["api", "embed"]),
        ("pages", &["pages"]),
        ("pages,search,sitemap", &["pages", "search", "sitemap"]),
    ] {
        let (some, summary) = run("some", Some(outputs));
        let expected: BTreeSet<_> = all
            .keys()
            .filter(|rel| kinds.contains(&kind(rel)) || kind(rel) == "marker")
            .cloned()
            .collect();
        let written: BTreeSet<_> = some.keys().cloned().collect();
        assert_eq!(written, expected, "--outputs {outputs}");
        let files = expected.len() - 1;
        assert!(summary.contains(&format!("{files} files in")), "{summary}");
        for (rel, bytes) in &some {
            // Without search, pages have no search box; everything else is the same bytes.
            if kinds.contains(&"search") || kind(rel) != "pages" {
                assert!(all[rel] == *bytes, "{rel} differs with --outputs {outputs}");
            }
        }
    }
    // shelf.toml says it too, and the command line's list replaces the file's.
    fs::write(dir.path().join("shelf.toml"), "outputs = [\"records\"]\n").unwrap();
    let (records, _) = run("some", None);
    assert!(
        records
            .keys()
            .all(|rel| kind(rel) == "records" || kind(rel) == "marker")
    );
    let (embed, _) = run("some", Some("embed"));
    assert!(
        embed
            .keys()
            .all(|rel| kind(rel) == "embed" || kind(rel) == "marker")
    );
    fs::write(dir.path().join("shelf.toml"), "outputs = [\"sitemap\"]\n").unwrap();
    let o = shelf_at_fixed_time(["build", "--source", source.to_str().unwrap()], dir.path());
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("outputs has sitemap but not pages"),
        "{}",
        stderr(&o)
    );
}
