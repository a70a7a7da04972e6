//! Every rule against its fixtures, and `--fix` end to end.
//!
//! `tests/fixtures/rules/<CODE>-<name>/fail/` must make the rule fire; `.../pass/` is the same
//! situation done right and must be clean of every rule, so each pass tree is also a check
//! that no other rule is noisy on valid content.

use std::collections::BTreeSet;
use std::fs;
use std::path::Path;

use crate::{check_json, fixture, shelf, stderr};

/// The diagnostics of `shelf check --format json` on `dir`, as (code, message).
fn check_codes(dir: &Path) -> Vec<(String, String)> {
    check_json(
        &[dir.to_str().unwrap()],
        Path::new(env!("CARGO_MANIFEST_DIR")),
    )
    .iter()
    .map(|d| {
        (
            d["code"].as_str().unwrap().to_string(),
            d["message"].as_str().unwrap().to_string(),
        )
    })
    .collect()
}

#[test]
fn every_rule_fires_on_its_failing_fixture_and_not_on_its_passing_one() {
    let root = fixture("rules");
    let mut problems = Vec::new();
    let generated = tempfile::tempdir().unwrap();
    for rule in shelf::check::rules::ALL {
        let dir = root.join(format!("{}-{}", rule.code, rule.name));
        let fail_dir = match generate_failing(rule.code, &dir, generated.path()) {
            Some(made) => made,
            None => dir.join("fail"),
        };
        // Every file of fail/ (each a variant of the problem) makes the rule fire.
        let files: Vec<_> = walkdir::WalkDir::new(&fail_dir)
            .into_iter()
            .filter_map(Result::ok)
            .filter(|e| e.path().extension().is_some_and(|x| x == "md"))
            .map(|e| e.into_path())
            .collect();
        // A rule of changes fires when a change is checked.
        let mut args = vec![fail_dir.to_str().unwrap()];
        if rule.code == "SH206" {
            args.extend(["--changed-since", "HEAD"]);
        }
        let fail = check_json(&args, Path::new(env!("CARGO_MANIFEST_DIR")));
        // A rule across files fires on one file of the pair; the folder is its example.
        let across_files = rule.code.starts_with("SH2") || rule.code == "SH001";
        for file in files.iter().filter(|_| !across_files) {
            let fired = fail.iter().any(|d| {
                d["code"] == rule.code
                    && std::path::Path::new(d["file"].as_str().unwrap())
                        .ends_with(file.strip_prefix(&fail_dir).unwrap())
            });
            if !fired
                && !fail
                    .iter()
                    .any(|d| d["code"] == rule.code && d["file"].as_str().unwrap_or("").is_empty())
            {
                let found: Vec<_> = fail
                    .iter()
                    .map(|d| format!("{} {}", d["code"], d["file"]))
                    .collect();
                problems.push(format!(
                    "{}: did not fire on {}: {found:?}",
                    rule.code,
                    file.display()
                ));
            }
        }
        if (files.is_empty() || across_files) && !fail.iter().any(|d| d["code"] == rule.code) {
            problems.push(format!("{}: did not fire on fail/", rule.code));
        }
        let pass = check_codes(&dir.join("pass"));
        if !pass.is_empty() {
            problems.push(format!("{}: pass/ is not clean: {pass:?}", rule.code));
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

/// Failing fixtures too big to commit, made at test time; their `fail/.generated` says so.
fn generate_failing(code: &str, dir: &Path, scratch: &Path) -> Option<std::path::PathBuf> {
    if !dir.join("fail/.generated").exists() {
        return None;
    }
    let out = scratch.join(code);
    fs::create_dir_all(&out).unwrap();
    let valid = || fs::read_to_string(dir.join("pass/restart.md")).unwrap();
    match code {
        // A change that deletes the solution a payload names: a git repository of pass/
        // with the deletion left in the working tree (checked with --changed-since HEAD).
        "SH206" => {
            crate::copy_tree(&dir.join("pass"), &out);
            for args in [
                &["init", "-q"][..],
                &["add", "-A"],
                &[
                    "-c",
                    "user.name=t",
                    "-c",
                    "user.email=t@example.com",
                    "commit",
                    "-q",
                    "-m",
                    "pass",
                ],
            ] {
                let ok = std::process::Command::new("git")
                    .current_dir(&out)
                    .args(args)
                    .status()
                    .expect("git runs (installed by .ci/run)")
                    .success();
                assert!(ok, "git {args:?}");
            }
            fs::remove_file(out.join("redeploy.md")).unwrap();
        }
        // A valid article padded past 1 MiB.
        "SH013" => {
            let padding = "Check the boot log again.\n\n".repeat(45_000);
            fs::write(out.join("restart.md"), format!("{}\n{padding}", valid())).unwrap();
        }
        // A sparse file past 64 MiB: large on paper, no disk used.
        "SH014" => {
            let f = fs::File::create(out.join("disk-image.md")).unwrap();
            f.set_len((64 << 20) + 1).unwrap();
        }
        other => panic!("{other}: no generator for fail/.generated"),
    }
    Some(out)
}

#[test]
fn every_fixture_folder_belongs_to_a_rule() {
    let expected: BTreeSet<String> = shelf::check::rules::ALL
        .iter()
        .map(|r| format!("{}-{}", r.code, r.name))
        .collect();
    let found: BTreeSet<String> = fs::read_dir(fixture("rules"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(found, expected);
}

#[test]
fn fix_rewrites_only_what_it_fixes_and_is_idempotent() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("restart.md");
    let original = fs::read(fixture("fixable/restart.md")).unwrap();
    fs::write(&file, &original).unwrap();
    let run = |args: &[&str]| {
        let mut all = vec!["check", dir.path().to_str().unwrap()];
        all.extend(args);
        shelf(&all, dir.path())
    };

    let first = run(&["--fix"]);
    assert!(
        stderr(&first).contains("applied 4 fixes in 1 file"),
        "{}",
        stderr(&first)
    );
    let fixed = fs::read(&file).unwrap();
    let expected = String::from_utf8(original.clone())
        .unwrap()
        .replace(
            "supportToicIds=\"32553297, 32553298,\"",
            "supportTopicIds=\"32553297, 32553298\"",
        )
        .replace("productPesIds=\"15207,,15207\"", "productPesIds=\"15207\"")
        .replace("public, mooncak\"", "public, mooncake\"");
    // BOM and CRLF line endings are kept; nothing else moved.
    assert_eq!(String::from_utf8(fixed.clone()).unwrap(), expected);
    assert!(fixed.starts_with(b"\xEF\xBB\xBF"));

    let second = run(&["--fix"]);
    assert!(
        stderr(&second).contains("applied 0 fixes in 0 files"),
        "{}",
        stderr(&second)
    );
    assert_eq!(fs::read(&file).unwrap(), fixed);
    assert_eq!(
        second.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&second.stdout)
    );
    let codes: Vec<_> = check_codes(dir.path())
        .into_iter()
        .map(|(c, _)| c)
        .collect();
    assert!(codes.is_empty(), "{codes:?}");
}

/// The rules table of `docs/rules.md`, made from the catalog.
fn rules_table() -> String {
    let mut out = String::new();
    let mut group = "";
    for r in shelf::check::rules::ALL {
        let this = shelf::check::rules::group(r.code);
        if this != group {
            out.push_str(&format!(
                "\n### {this}\n\n| code | name | severity | what |\n|---|---|---|---|\n"
            ));
            group = this;
        }
        out.push_str(&format!(
            "| {} | {} | {} | {} |\n",
            r.code,
            r.name,
            r.severity,
            r.summary().replace('|', "\\|")
        ));
    }
    out
}

#[test]
fn docs_rules_md_lists_every_rule_as_the_catalog_says() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/rules.md");
    let doc = fs::read_to_string(&path).unwrap();
    let (start, end) = (
        "<!-- rules table: generated from the catalog -->\n",
        "<!-- end of rules table -->",
    );
    let a = doc.find(start).expect("table start") + start.len();
    let b = doc.find(end).expect("table end");
    let table = rules_table();
    if std::env::var_os("SHELF_UPDATE_DOCS").is_some() {
        fs::write(&path, format!("{}{table}{}", &doc[..a], &doc[b..])).unwrap();
        return;
    }
    assert_eq!(
        doc[a..b].trim(),
        table.trim(),
        "docs/rules.md is out of date: run SHELF_UPDATE_DOCS=1 cargo test --test testsuite rules::docs"
    );
}

#[test]
fn every_rule_says_why_it_matters() {
    for r in shelf::check::rules::ALL {
        assert!(
            r.doc.contains("Why:") || r.doc.lines().count() <= 2,
            "{} {} does not say why it matters",
            r.code,
            r.name
        );
    }
}
