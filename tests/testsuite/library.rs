//! The library (identity and indexes) over articles read by the real parser. Here rather than
//! beside `src/source/library.rs`: reading an article with its rules is a layer above it.
use shelf::check::article;
use shelf::source::library::*;
use std::collections::{BTreeMap, BTreeSet};

use shelf::source::model::{Article, Cloud};
use std::path::Path;

fn art(path: &str, header: &str, body: &str) -> Article {
    let text = format!("<properties {header} />\n{body}");
    article::parse(Path::new(path), path, text.as_bytes(), article::Mode::Build)
        .article
        .unwrap()
}

#[test]
fn indexes_topics_in_display_order() {
    let arts = vec![
        art(
            "a.md",
            "articleId=\"a\" supportTopicIds=\"1,2\" displayOrder=\"2\"",
            "# Zeta",
        ),
        art("b.md", "articleId=\"b\" supportTopicIds=\"1\"", "# Alpha"),
        art(
            "c.md",
            "articleId=\"c\" supportTopicIds=\"1\" displayOrder=\"1\"",
            "# Mid",
        ),
    ];
    let mut d = Vec::new();
    let lib = Library::indexed(arts, &mut d);
    assert!(d.is_empty());
    let titles: Vec<_> = lib.topics["1"]
        .iter()
        .map(|&i| lib.articles[i].title.as_str())
        .collect();
    assert_eq!(titles, ["Mid", "Zeta", "Alpha"]);
    assert_eq!(lib.topics["2"], [0]);
}

#[test]
fn duplicate_ids_keep_the_first_and_name_both() {
    let arts = vec![
        art("a.md", "articleId=\"Same\"", "# A"),
        art("b.md", "articleId=\"same\"", "# B"),
        art("c.md", "articleId=\"same!\"", "# C"),
    ];
    let mut d = Vec::new();
    let lib = Library::new(arts, &mut d);
    assert_eq!(lib.articles.len(), 1);
    assert_eq!(lib.articles[0].path, "a.md");
    let said: Vec<_> = d
        .iter()
        .map(|d| (d.code, d.file.to_str().unwrap()))
        .collect();
    assert_eq!(
        said,
        [
            ("SH201", "b.md"),
            ("SH201", "a.md"),
            ("SH202", "c.md"),
            ("SH202", "a.md")
        ]
    );
    assert!(d[0].message.contains("a.md"), "{}", d[0].message);
    assert!(d[0].message.contains("this file is not built"));
    assert!(d[1].message.contains("this file is built, b.md is not"));
    assert_eq!(d[0].start.map(|s| s.line), Some(1));
}

#[test]
fn the_file_that_held_the_page_keeps_it_however_names_sort() {
    // A newcomer whose name sorts first does not take over the page of `zz.md`.
    let arts = vec![
        art("aa-new.md", "articleId=\"same\" pageTitle=\"New\"", "# New"),
        art("mid.md", "articleId=\"other\"", "# Other"),
        art("zz.md", "articleId=\"Same\" pageTitle=\"Old\"", "# Old"),
    ];
    let mut d = Vec::new();
    let lib = Library::indexed_keeping(arts, &mut d, &|a| a.path == "zz.md");
    let paths: Vec<_> = lib.articles.iter().map(|a| a.path.as_str()).collect();
    assert_eq!(paths, ["mid.md", "zz.md"]);
    assert_eq!(lib.by_id("SAME").unwrap().path, "zz.md");
    assert!(d[0].message.contains("this file is not built"));
    assert_eq!(d[0].file, Path::new("aa-new.md"));
}

#[test]
fn topic_descriptions_attach_to_topics() {
    let arts = vec![art(
        "std.md",
        "articleId=\"std\" selfHelpType=\"supportTopicDescription\"",
        "# D\n---\n{\"supportTopics\": [{\"id\": \"ABC\", \"shortDescription\": \"Short\"}]}\n---\n",
    )];
    let lib = Library::indexed(arts, &mut Vec::new());
    assert_eq!(lib.topic_descriptions["abc"].short, "Short");
}

#[test]
fn keys_of_an_article_are_the_index_entries_that_list_it() {
    let arts = vec![
        art(
            "a.md",
            "articleId=\"a\" supportTopicIds=\"1, X2,1\" productPesIds=\"15\" service=\"Microsoft.Compute\" resource=\"VM\" cloudEnvironments=\"public, mooncake\" disableClouds=\"mooncake\"",
            "# A",
        ),
        art(
            "b.md",
            "articleId=\"b\" selfHelpType=\"diagnostics\"",
            "# B",
        ),
        art(
            "std.md",
            "articleId=\"std\" selfHelpType=\"supportTopicDescription\" supportTopicIds=\"9\"",
            "# D\n---\n{\"supportTopics\": [{\"id\": \"ABC\"}]}\n---\n",
        ),
    ];
    let lib = Library::indexed(arts, &mut Vec::new());
    for (ix, a) in lib.articles.iter().enumerate() {
        let listed = |map: &BTreeMap<String, Vec<ArticleIx>>| -> BTreeSet<String> {
            map.iter()
                .filter(|(_, v)| v.contains(&ix))
                .map(|(k, _)| k.clone())
                .collect()
        };
        let keys = Keys::of(a);
        assert_eq!(keys.topics, listed(&lib.topics), "{}", a.path);
        assert_eq!(keys.products, listed(&lib.products), "{}", a.path);
        assert_eq!(keys.types, listed(&lib.types), "{}", a.path);
        let services: BTreeSet<String> = lib
            .services
            .iter()
            .filter(|(_, r)| r.values().any(|v| v.contains(&ix)))
            .map(|(k, _)| k.clone())
            .collect();
        assert_eq!(keys.services, services, "{}", a.path);
        let clouds: BTreeSet<Cloud> = lib
            .clouds
            .iter()
            .filter(|(_, v)| v.contains(&ix))
            .map(|(&c, _)| c)
            .collect();
        assert_eq!(keys.clouds, clouds, "{}", a.path);
        let described: BTreeSet<String> = lib
            .topic_descriptions
            .iter()
            .filter(|(_, d)| d.article == ix)
            .map(|(k, _)| k.clone())
            .collect();
        assert_eq!(keys.described, described, "{}", a.path);
    }
    assert_eq!(Keys::of(&lib.articles[0]).topics.len(), 2);
}

/// `shelf serve` updates the library in place after an edit that changes nothing the library
/// decides (a body edit); any other edit must make it again.
#[test]
fn an_article_is_replaced_in_place_only_when_it_keeps_its_place() {
    let header = "articleId=\"a\" supportTopicIds=\"1\" productPesIds=\"9\" service=\"microsoft.compute\" cloudEnvironments=\"public\" selfHelpType=\"generic\"";
    let other = art("b.md", "articleId=\"b\" supportTopicIds=\"1\"", "# Beta");
    let made = || {
        Library::indexed(
            vec![art("a.md", header, "# Alpha\nOld body."), other.clone()],
            &mut Vec::new(),
        )
    };

    let mut lib = made();
    let edited = std::sync::Arc::new(art("a.md", header, "# Alpha\nA new body."));
    assert!(lib.replace(edited.clone()));
    let ix = lib.index_of("A").unwrap();
    assert!(std::sync::Arc::ptr_eq(&lib.articles[ix], &edited));
    // The indexes are those of a library made from the edited article.
    let fresh = Library::indexed(vec![(*edited).clone(), other.clone()], &mut Vec::new());
    assert_eq!(lib.topics, fresh.topics);
    assert_eq!(lib.products, fresh.products);
    assert_eq!(lib.services, fresh.services);
    assert_eq!(lib.clouds, fresh.clouds);
    assert_eq!(lib.types, fresh.types);

    // A new title or display order moves it in each of its lists, as a library made again.
    let others = || {
        vec![
            art(
                "b.md",
                "articleId=\"b\" supportTopicIds=\"1\" productPesIds=\"9\" service=\"microsoft.compute\" cloudEnvironments=\"public\"",
                "# Beta",
            ),
            art(
                "c.md",
                "articleId=\"c\" supportTopicIds=\"1\" selfHelpType=\"generic\" cloudEnvironments=\"public\"",
                "# Gamma",
            ),
        ]
    };
    for (changed, title) in [
        (header.to_string(), "# Zeta"),
        (header.to_string(), "# beta"),
        (format!("{header} displayOrder=\"1\""), "# Alpha"),
    ] {
        let mut first = others();
        first.insert(0, art("a.md", header, "# Alpha\nBody."));
        let mut lib = Library::indexed(first, &mut Vec::new());
        let new = std::sync::Arc::new(art("a.md", &changed, &format!("{title}\nBody.")));
        assert!(lib.replace(new.clone()), "{changed} {title}");
        let mut again = others();
        again.insert(0, (*new).clone());
        let fresh = Library::indexed(again, &mut Vec::new());
        assert_eq!(lib.topics, fresh.topics, "{title}");
        assert_eq!(lib.products, fresh.products);
        assert_eq!(lib.services, fresh.services);
        assert_eq!(lib.clouds, fresh.clouds);
        assert_eq!(lib.types, fresh.types);
    }

    // Each of these moves the article in an index or changes its identity.
    let moved = [
        (
            header.replace("supportTopicIds=\"1\"", "supportTopicIds=\"2\""),
            "# Alpha",
        ),
        (
            header.replace("productPesIds=\"9\"", "productPesIds=\"8\""),
            "# Alpha",
        ),
        (
            header.replace("microsoft.compute", "microsoft.network"),
            "# Alpha",
        ),
        (header.replace("public", "public, mooncake"), "# Alpha"),
        (header.replace("generic", "diagnostics"), "# Alpha"),
        (
            header.replace("articleId=\"a\"", "articleId=\"c\""),
            "# Alpha",
        ),
    ];
    for (changed, title) in moved {
        let mut lib = made();
        let before: Vec<_> = lib.articles.iter().map(|a| a.path.clone()).collect();
        let new = std::sync::Arc::new(art("a.md", &changed, &format!("{title}\nBody.")));
        assert!(!lib.replace(new), "{changed} {title}");
        let after: Vec<_> = lib.articles.iter().map(|a| a.path.clone()).collect();
        assert_eq!(before, after);
    }
    // Nor is a file that shares its articleId with another: the collision is said of it.
    let mut d = Vec::new();
    let mut shared = Library::indexed(
        vec![
            art("a.md", header, "# Alpha"),
            art("z.md", header, "# Alpha"),
        ],
        &mut d,
    );
    assert_eq!(shared.collisions, d);
    assert!(!shared.replace(std::sync::Arc::new(art("a.md", header, "# Alpha\nNew."))));
}

/// A topic is named by its description, else by the commonest title of its articles (the
/// first in display order on a tie).
#[test]
fn every_topic_has_a_readable_label() {
    let arts = vec![
        art(
            "a.md",
            "articleId=\"a\" supportTopicIds=\"1,2\" displayOrder=\"1\"",
            "# Reset a password",
        ),
        art(
            "b.md",
            "articleId=\"b\" supportTopicIds=\"1\"",
            "# Unlock an account",
        ),
        art(
            "c.md",
            "articleId=\"c\" supportTopicIds=\"1\"",
            "# Unlock an account",
        ),
        art(
            "d.md",
            "articleId=\"d\" supportTopicIds=\"2\" displayOrder=\"2\"",
            "# Sign in",
        ),
        art(
            "e.md",
            "articleId=\"e\" selfHelpType=\"supportTopicDescription\"",
            "# Topics\n---\n{\"$schema\": \"SelfHelpContent\", \"supportTopics\": [{\"id\": \"3\", \"shortDescription\": \"Billing questions\"}]}\n---\n",
        ),
        art(
            "f.md",
            "articleId=\"f\" supportTopicIds=\"3\"",
            "# Pay an invoice",
        ),
    ];
    let lib = Library::indexed(arts, &mut Vec::new());
    let labels = shelf::site::labels::topic_labels(&lib);
    assert_eq!(
        labels.get("1"),
        Some(&"Unlock an account"),
        "the commonest title"
    );
    assert_eq!(
        labels.get("2"),
        Some(&"Reset a password"),
        "a tie: first in display order"
    );
    assert_eq!(
        labels.get("3"),
        Some(&"Billing questions"),
        "the description wins"
    );
}
