//! `shelf check`: formats, exit codes, scoping to paths.

use std::path::Path;

use crate::{fixture, shelf, stdout};

fn check(args: &[&str]) -> std::process::Output {
    let mut all = vec!["check"];
    all.extend(args);
    shelf(&all, Path::new(env!("CARGO_MANIFEST_DIR")))
}

#[test]
fn human_output_shows_the_place_and_the_summary() {
    let mixed = fixture("mixed");
    let o = check(&[mixed.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(1));
    // Paths are made relative to the fixture so the snapshot does not depend on the checkout.
    let text = stdout(&o).replace(&format!("{}/", mixed.display()), "");
    insta::assert_snapshot!("check_human_mixed", text);
}

#[test]
fn json_output_is_one_document() {
    let o = check(&[fixture("mixed").to_str().unwrap(), "--format", "json"]);
    assert_eq!(o.status.code(), Some(1));
    let doc: serde_json::Value = serde_json::from_slice(&o.stdout).expect("valid JSON");
    assert_eq!(doc["version"], 1);
    assert_eq!(doc["summary"]["files"], 9);
    assert_eq!(doc["summary"]["errors"], 5);
    let first = &doc["diagnostics"][0];
    assert_eq!(first["code"], "SH502");
    assert_eq!(first["rule"], "payload-invalid-json");
    assert_eq!(first["severity"], "error");
    assert_eq!(first["start"]["line"], 13);
    assert_eq!(first["start"]["column"], 17);
}

#[test]
fn a_path_inside_the_source_narrows_the_report_not_the_context() {
    let mixed = fixture("mixed");
    // The duplicate in x-broken/ is found against good/first.md even when only x-broken/ is asked.
    let o = shelf(
        &[
            "check",
            "--source",
            mixed.to_str().unwrap(),
            "x-broken/duplicate.md",
        ],
        &mixed,
    );
    assert_eq!(o.status.code(), Some(1), "{}", stdout(&o));
    let out = stdout(&o);
    assert!(out.contains("SH201/duplicate-article-id"), "{out}");
    assert!(out.contains("1 file checked: 1 error, 0 warnings"), "{out}");
    let o = shelf(
        &["check", "--source", mixed.to_str().unwrap(), "good"],
        &mixed,
    );
    assert_eq!(o.status.code(), Some(0), "{}", stdout(&o));
    assert!(stdout(&o).contains("4 files checked: 0 errors, 0 warnings"));
}

#[test]
fn warnings_fail_only_with_deny_warnings() {
    let dir = tempfile::tempdir().unwrap();
    // Complete metadata; the raw `&` is the only (warning-level) problem.
    let header = "selfHelpType=\"generic\" articleId=\"a\" cloudEnvironments=\"public\" ownershipId=\"o\" \
        pageTitle=\"t\" service=\"s\" resource=\"r\" supportTopicIds=\"12345678\" productPesIds=\"12345\" \
        description=\"Q&A\"";
    std::fs::write(
        dir.path().join("a.md"),
        format!("<properties {header} />\n# A\n"),
    )
    .unwrap();
    let src = dir.path().to_str().unwrap();
    let o = check(&[src]);
    assert_eq!(o.status.code(), Some(0), "{}", stdout(&o));
    assert!(stdout(&o).contains("SH007/unescaped-ampersand"));
    let o = check(&[src, "--deny", "warnings"]);
    assert_eq!(o.status.code(), Some(1));
}

#[test]
fn usage_errors_exit_2() {
    let o = check(&["does/not/exist"]);
    assert_eq!(o.status.code(), Some(2));
    let o = check(&["--format", "xml"]);
    assert_eq!(o.status.code(), Some(2));
}

#[test]
fn rules_lists_the_catalog_and_explains_one() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let o = shelf(&["rules"], root);
    assert_eq!(o.status.code(), Some(0));
    let list = stdout(&o);
    assert!(
        list.lines()
            .any(|l| l.starts_with("SH102 misspelled-property") && l.contains("error")),
        "{list}"
    );
    assert!(list.lines().count() >= 20);
    let o = shelf(&["rules", "sh102"], root);
    let doc = stdout(&o);
    assert!(
        doc.starts_with("SH102 misspelled-property (default: error)"),
        "{doc}"
    );
    assert!(
        doc.contains("supportToicIds"),
        "the rule's doc comment is printed: {doc}"
    );
    let o = shelf(&["rules", "no-such-rule"], root);
    assert_eq!(o.status.code(), Some(2));
}
