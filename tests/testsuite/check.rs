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
    // The duplicate articleId is an error on both files of the pair.
    assert_eq!(doc["summary"]["errors"], 7);
    let first = doc["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["code"] == "SH502")
        .unwrap();
    assert_eq!(first["code"], "SH502");
    assert_eq!(first["rule"], "payload-invalid-json");
    assert_eq!(first["severity"], "error");
    assert_eq!(first["start"]["line"], 14);
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
    // Asked about good/ alone, the other side of the pair is named there too.
    let o = shelf(
        &["check", "--source", mixed.to_str().unwrap(), "good"],
        &mixed,
    );
    assert_eq!(o.status.code(), Some(1), "{}", stdout(&o));
    let out = stdout(&o);
    assert!(
        out.contains("4 files checked: 1 error, 0 warnings"),
        "{out}"
    );
    assert!(
        out.contains("also used by") && out.contains("x-broken/duplicate.md; this file is built"),
        "{out}"
    );
}

#[test]
fn warnings_fail_only_with_deny_warnings() {
    let dir = tempfile::tempdir().unwrap();
    // Complete metadata; the raw `&` is the only (warning-level) problem.
    let header = "selfHelpType=\"generic\" articleId=\"a\" cloudEnvironments=\"public\" ownershipId=\"o\" \
        pageTitle=\"t\" service=\"s\" resource=\"r\" supportTopicIds=\"12345678\" productPesIds=\"12345\" \
        authors=\"me\" description=\"Q&A\"";
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

    // --quiet lists errors only; the warning still counts, in the summary and for --deny.
    std::fs::write(dir.path().join("b.md"), "no header\n").unwrap();
    let o = check(&[src, "--quiet"]);
    assert_eq!(o.status.code(), Some(1));
    let out = stdout(&o);
    assert!(!out.contains("SH007") && out.contains("SH003"), "{out}");
    assert!(out.contains("1 error, 1 warning"), "{out}");
    // Every format lists errors only; the summary still counts the warning.
    for format in ["json", "sarif", "github", "concise"] {
        let o = check(&[src, "--quiet", "--format", format]);
        assert_eq!(o.status.code(), Some(1), "{format}");
        let out = stdout(&o);
        // SARIF also lists the whole rule catalog; its results are what was found.
        let listed = |code: &str| match format {
            "sarif" => out.contains(&format!("\"ruleId\": \"{code}\"")),
            _ => out.contains(code),
        };
        assert!(!listed("SH007") && listed("SH003"), "{format}: {out}");
    }
    let o = check(&[src, "--quiet", "--format", "json"]);
    let doc: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(doc["summary"]["warnings"], 1);
}

#[test]
fn verbose_counts_by_rule_and_timings_give_each_phase() {
    let mixed = fixture("mixed");
    let o = check(&[mixed.to_str().unwrap(), "--verbose", "--timings"]);
    assert_eq!(o.status.code(), Some(1));
    let err = crate::stderr(&o);
    assert!(err.contains("problems by rule:"), "{err}");
    let counts: Vec<&str> = err.lines().filter(|l| l.starts_with("  SH")).collect();
    assert_eq!(counts.len(), 6, "{err}");
    assert!(
        counts
            .iter()
            .any(|l| l.contains("SH201 duplicate-article-id") && l.ends_with(" 2"))
    );
    for phase in ["discover", "parse", "index", "total"] {
        assert!(
            err.lines()
                .any(|l| l.trim_start().starts_with(phase) && l.ends_with(" ms")),
            "no {phase} time in {err}"
        );
    }
    // stderr is not a terminal here: no progress bar, no cursor codes.
    assert!(!err.contains('\x1b') && !err.contains("reading ["), "{err}");
    let build = crate::build(&mixed, &tempfile::tempdir().unwrap().path().join("o"), &[]);
    let err = crate::stderr(&build);
    assert!(!err.contains('\x1b') && !err.contains("writing ["), "{err}");
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
            .any(|l| l.starts_with("  SH102 misspelled-property") && l.contains("error")),
        "{list}"
    );
    // Grouped, and every rule listed once.
    for group in [
        "File and header",
        "Metadata values",
        "Identity and cross-article",
        "Body structure",
        "Links",
        "Type payloads",
    ] {
        assert!(list.lines().any(|l| l == group), "{group} missing: {list}");
    }
    assert_eq!(
        list.lines().filter(|l| l.starts_with("  SH")).count(),
        shelf::check::rules::ALL.len()
    );
    let o = shelf(&["rules", "sh102"], root);
    let doc = stdout(&o);
    assert!(
        doc.starts_with("SH102 misspelled-property (Metadata values, default: error)"),
        "{doc}"
    );
    assert!(
        doc.contains("supportToicIds"),
        "the rule's doc comment is printed: {doc}"
    );
    let o = shelf(&["rules", "no-such-rule"], root);
    assert_eq!(o.status.code(), Some(2));
}

/// `shelf check mixed --format <format>` run from `tests/fixtures`, so paths are relative.
/// The mixed fixture in `format`, run from the fixtures folder as the CI workspace: CI formats
/// name files from the workspace (else from the repository root).
fn check_mixed(format: &str) -> std::process::Output {
    std::process::Command::new(env!("CARGO_BIN_EXE_shelf"))
        .args(["check", "mixed", "--format", format])
        .current_dir(fixture(""))
        .env("NO_COLOR", "1")
        .env("GITHUB_WORKSPACE", fixture(""))
        .env_remove("GITHUB_STEP_SUMMARY")
        .output()
        .expect("shelf runs")
}

#[test]
fn json_format_snapshot() {
    let o = check_mixed("json");
    assert_eq!(o.status.code(), Some(1));
    insta::assert_snapshot!("check_json_mixed", stdout(&o));
}

#[test]
fn github_format_snapshot() {
    let o = check_mixed("github");
    assert_eq!(o.status.code(), Some(1));
    let text = stdout(&o);
    for line in text.lines().filter(|l| l.starts_with("::")) {
        assert!(
            line.starts_with("::error file=mixed/") || line.starts_with("::warning file=mixed/"),
            "{line}"
        );
    }
    insta::assert_snapshot!("check_github_mixed", text);
}

/// Schema errors of a SARIF log against the official 2.1.0 schema, from the SARIF SDK
/// (`tests/fixtures/sarif-2.1.0.json`).
fn sarif_schema_errors(log: &serde_json::Value) -> Vec<String> {
    let schema: serde_json::Value =
        serde_json::from_str(&crate::read(&fixture("sarif-2.1.0.json"))).unwrap();
    let validator = jsonschema::validator_for(&schema).expect("schema compiles");
    validator
        .iter_errors(log)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect()
}

#[test]
fn sarif_format_validates_against_the_sarif_2_1_0_schema() {
    let o = check_mixed("sarif");
    assert_eq!(o.status.code(), Some(1));
    let log: serde_json::Value = serde_json::from_slice(&o.stdout).expect("SARIF is JSON");
    let errors = sarif_schema_errors(&log);
    assert!(errors.is_empty(), "{}", errors.join("\n"));

    let run = &log["runs"][0];
    let rules = run["tool"]["driver"]["rules"].as_array().unwrap();
    assert_eq!(rules.len(), shelf::check::rules::ALL.len());
    for result in run["results"].as_array().unwrap() {
        let ix = result["ruleIndex"].as_u64().unwrap() as usize;
        assert_eq!(rules[ix]["id"], result["ruleId"]);
        let uri = result["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
            .as_str()
            .unwrap();
        assert!(uri.starts_with("mixed/"), "{uri}");
    }
    // The rule catalog is long and stable; the snapshot covers the results.
    insta::assert_json_snapshot!("check_sarif_mixed_results", run["results"]);
}

#[test]
fn sarif_fixes_and_warnings_validate_too() {
    let o = shelf(&["check", "fixable", "--format", "sarif"], &fixture(""));
    let log: serde_json::Value = serde_json::from_slice(&o.stdout).expect("SARIF is JSON");
    let errors = sarif_schema_errors(&log);
    assert!(errors.is_empty(), "{}", errors.join("\n"));
    let results = log["runs"][0]["results"].as_array().unwrap();
    let fixes = results.iter().filter(|r| r.get("fixes").is_some()).count();
    assert_eq!(fixes, 3, "{results:#?}");
    assert!(results.iter().any(|r| r["level"] == "warning"));
}

#[test]
fn human_format_shows_warnings_and_available_fixes() {
    // A BOM and CRLF file: columns must not count the BOM.
    let o = shelf(&["check", "fixable"], &fixture(""));
    assert_eq!(o.status.code(), Some(1));
    insta::assert_snapshot!("check_human_fixable", stdout(&o));
}

#[test]
fn real_corpus_is_checked_completely_and_fixes_converge() {
    let Some(corpus) = crate::build::corpus() else {
        return;
    };
    let o = check(&[corpus.to_str().unwrap(), "--format", "json"]);
    assert_eq!(o.status.code(), Some(1), "the corpus has real errors");
    let doc: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(doc["summary"]["files"], 5507);
    let diagnostics = doc["diagnostics"].as_array().unwrap();
    let codes: std::collections::BTreeSet<&str> = diagnostics
        .iter()
        .map(|d| d["code"].as_str().unwrap())
        .collect();
    for code in &codes {
        assert!(
            shelf::check::rules::ALL.iter().any(|r| r.code == *code),
            "{code} is not in the catalog"
        );
    }
    // The two published pairs that share an articleId, each file of a pair named.
    let duplicates = diagnostics.iter().filter(|d| d["code"] == "SH201").count();
    assert_eq!(duplicates, 4);
    // Body, link and payload rules all find something in real content.
    for code in [
        "SH301", "SH305", "SH311", "SH321", "SH401", "SH505", "SH507",
    ] {
        assert!(codes.contains(code), "{code} found nothing: {codes:?}");
    }

    // --fix on a copy: a second run has nothing left to do, and the fixed rules are clean.
    let copy = tempfile::tempdir().unwrap();
    for (rel, bytes) in crate::tree(&corpus) {
        let to = copy.path().join(rel);
        std::fs::create_dir_all(to.parent().unwrap()).unwrap();
        std::fs::write(to, bytes).unwrap();
    }
    let dir = copy.path().to_str().unwrap();
    let first = check(&[dir, "--fix", "--format", "json"]);
    assert!(
        crate::stderr(&first).contains("applied 14 fixes in 12 files"),
        "{}",
        crate::stderr(&first)
    );
    let second = check(&[dir, "--fix", "--format", "json"]);
    assert!(crate::stderr(&second).contains("applied 0 fixes in 0 files"));
    let after: serde_json::Value = serde_json::from_slice(&second.stdout).unwrap();
    let fixable_left = after["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| !d["fix"].is_null())
        .count();
    assert_eq!(fixable_left, 0);
}
