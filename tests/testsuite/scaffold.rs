//! `shelf new` and `shelf init`, run as a writer would: the new article or site is then checked
//! and built by the real binary.

use std::collections::BTreeSet;
use std::fs;

use crate::{check_json, shelf, stderr, stdout};

const TYPES: [&str; 15] = [
    "generic",
    "problemScopingQuestions",
    "TSG_Content",
    "TSG_Description",
    "tsg_questions",
    "diagnostics",
    "resource",
    "advisorRecommendationMetadata",
    "rca",
    "servicehealthinsights",
    "supportTopicDescription",
    "apollo",
    "diagnoseandsolve",
    "tools",
    "partnercenterquickstart",
];

/// (file, rule, message) of every diagnostic `shelf check` reports in `dir`.
fn problems(dir: &std::path::Path) -> Vec<(String, String, String)> {
    check_json(&[], dir)
        .iter()
        .map(|d| {
            (
                d["file"].as_str().unwrap().to_string(),
                d["rule"].as_str().unwrap().to_string(),
                d["message"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

#[test]
fn a_new_article_of_every_type_passes_check_once_its_values_are_given() {
    let dir = tempfile::tempdir().unwrap();
    for t in TYPES {
        let o = shelf(
            &[
                "new",
                "--type",
                t,
                "--description",
                "What this is",
                "--service",
                "microsoft.compute",
                "--resource",
                "virtualmachines",
                "--topic",
                "32600001",
                "--product",
                "15001",
                "--owner",
                "Compute_VM",
                "--author",
                "contoso-docs",
                "--cloud",
                "public",
                "--cloud",
                "fairfax",
                &format!("articles/new-{t}.md"),
            ],
            dir.path(),
        );
        assert!(o.status.success(), "{t}: {}", stderr(&o));
    }
    // Only what no option gives is left: the diagnostic types' infoBubbleText and scenario,
    // and the TODO lines of the bodies, which the writer is to replace.
    let found = problems(dir.path());
    let todos: BTreeSet<String> = found
        .iter()
        .filter(|(_, rule, _)| rule == "template-todo")
        .map(|(file, _, _)| file.rsplit('/').next().unwrap().to_string())
        .collect();
    assert_eq!(
        todos.len(),
        TYPES.len(),
        "every new article has TODO lines: {todos:?}"
    );
    let left: BTreeSet<(String, String)> = found
        .into_iter()
        .filter(|(_, rule, _)| rule != "template-todo")
        .map(|(file, rule, message)| {
            assert_eq!(rule, "template-placeholder", "{file}: {message}");
            let key = message.split('`').nth(1).unwrap().to_string();
            (file.rsplit('/').next().unwrap().to_string(), key)
        })
        .collect();
    let mut expected = BTreeSet::new();
    for t in ["diagnostics", "rca", "servicehealthinsights"] {
        for key in ["infoBubbleText", "diagnosticScenario"] {
            expected.insert((format!("new-{t}.md"), key.to_string()));
        }
    }
    assert_eq!(left, expected);
    // The site builds; the TODO lines and placeholders are errors there as in `shelf check`.
    let built = shelf(&["build"], dir.path());
    assert_eq!(built.status.code(), Some(1), "{}", stderr(&built));
    assert!(stderr(&built).contains("error[SH316/template-todo]"));
    assert_eq!(
        fs::read_dir(dir.path().join("output/articles"))
            .unwrap()
            .count(),
        TYPES.len()
    );
}

#[test]
fn a_bare_new_article_flags_exactly_the_values_to_fill() {
    let dir = tempfile::tempdir().unwrap();
    let o = shelf(
        &["new", "--type", "generic", "articles/vm/disk-full.md"],
        dir.path(),
    );
    assert!(o.status.success());
    let said = stderr(&o);
    assert!(
        said.contains(
            "fill in description, service, resource, authors, supportTopicIds, productPesIds, ownershipId"
        ),
        "{said}"
    );
    let text = fs::read_to_string(dir.path().join("articles/vm/disk-full.md")).unwrap();
    assert!(text.contains("pageTitle=\"Disk full\"") && text.contains("\n# Disk full\n"));
    let found = problems(dir.path());
    let keys: Vec<String> = found
        .iter()
        .filter(|(_, rule, _)| rule != "template-todo")
        .map(|(_, rule, message)| {
            assert_eq!(rule, "template-placeholder", "{message}");
            message.split('`').nth(1).unwrap().to_string()
        })
        .collect();
    assert_eq!(
        keys,
        [
            "description",
            "service",
            "resource",
            "authors",
            "supportTopicIds",
            "productPesIds",
            "ownershipId"
        ]
    );
    // The body's TODO lines too, each of them.
    let todos = found
        .iter()
        .filter(|(_, rule, _)| rule == "template-todo")
        .count();
    assert_eq!(todos, 4, "{found:?}");
    // Two new articles never share an articleId.
    shelf(
        &["new", "--type", "generic", "articles/other.md"],
        dir.path(),
    );
    let id = |p: &str| {
        let t = fs::read_to_string(dir.path().join(p)).unwrap();
        t.split("articleId=\"").nth(1).unwrap()[..36].to_string()
    };
    assert_ne!(id("articles/vm/disk-full.md"), id("articles/other.md"));
}

#[test]
fn new_refuses_to_overwrite_and_unknown_types() {
    let dir = tempfile::tempdir().unwrap();
    fs::create_dir(dir.path().join("articles")).unwrap();
    fs::write(dir.path().join("articles/a.md"), "mine").unwrap();
    let o = shelf(&["new", "--type", "generic", "articles/a.md"], dir.path());
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("already exists"), "{}", stderr(&o));
    assert_eq!(
        fs::read_to_string(dir.path().join("articles/a.md")).unwrap(),
        "mine"
    );
    let o = shelf(
        &["new", "--type", "diagnostic", "articles/b.md"],
        dir.path(),
    );
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("expected one of: generic"),
        "{}",
        stderr(&o)
    );
    let o = shelf(&["new", "--type", "generic", "articles/b.txt"], dir.path());
    assert_eq!(o.status.code(), Some(2));
    assert!(!dir.path().join("articles/b.md").exists());
}

#[test]
fn init_makes_a_site_that_builds_and_reports_its_example_until_it_is_replaced() {
    let dir = tempfile::tempdir().unwrap();
    let o = shelf(&["init", "help-site"], dir.path());
    assert!(o.status.success(), "{}", stderr(&o));
    let site = dir.path().join("help-site");
    assert!(site.join("shelf.toml").is_file() && site.join("articles/welcome.md").is_file());
    // The example's author and its TODO steps are the writer's to fill: reported, nothing else.
    let check = shelf(&["check"], &site);
    assert_eq!(
        check.status.code(),
        Some(1),
        "{}{}",
        stdout(&check),
        stderr(&check)
    );
    let rules: BTreeSet<String> = problems(&site)
        .into_iter()
        .map(|(_, rule, _)| rule)
        .collect();
    assert_eq!(
        rules,
        BTreeSet::from([
            "template-placeholder".to_string(),
            "template-todo".to_string()
        ])
    );
    // Once the writer has, it is clean.
    let example = site.join("articles/welcome.md");
    let filled = fs::read_to_string(&example)
        .unwrap()
        .replace(
            "<fill in: your GitHub user name (ms.author may add your alias)>",
            "contoso-docs",
        )
        .replace("TODO: ", "");
    fs::write(&example, filled).unwrap();
    let check = shelf(&["check"], &site);
    assert!(
        stdout(&check).contains("0 errors, 0 warnings"),
        "{}",
        stdout(&check)
    );
    let built = shelf(&["build"], &site);
    assert_eq!(built.status.code(), Some(0), "{}", stderr(&built));
    let home = fs::read_to_string(site.join("output/index.html")).unwrap();
    assert!(home.contains("<title>help-site</title>"), "{home}");
    assert!(site.join("output/api/v1/topics/10000001.json").is_file());
    // A second init there is refused and changes nothing.
    let again = shelf(&["init", "help-site"], dir.path());
    assert_eq!(again.status.code(), Some(2));
    assert!(stderr(&again).contains("not empty"));
}
