//! `shelf check` as the pull-request gate of a real repository: a git repository made from a
//! copy of the corpus, a baseline recorded on it, and scripted pull requests of every kind
//! replayed against `--baseline --changed-since main`. The gate must fail exactly on the pull
//! requests that bring a problem and name exactly the new problems.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_json::Value;

use super::{copy_tree, shelf, stderr};

const BASELINE: &str = ".shelf-baseline.json";

/// A clean article (no error, no warning) with `id` as its articleId.
fn clean_article(id: &str) -> String {
    format!(
        r#"<properties
    pageTitle="Reset the password of a virtual machine"
    description="How to reset the local administrator password of a virtual machine"
    service="microsoft.compute"
    resource="virtualmachines"
    supportTopicIds="32553297"
    productPesIds="15207"
    cloudEnvironments="public"
    selfHelpType="generic"
    articleId="{id}"
    ownershipId="Compute_VirtualMachines"
    authors="gate-tester"
/>
# Reset the password of a virtual machine

When you cannot sign in to a virtual machine, reset its password from the portal.

## **Recommended Steps**

1. Open the virtual machine in the portal.
2. Select **Reset password** and enter a new password.

## **Recommended Documents**

- [Reset access to a virtual machine](https://learn.microsoft.com/azure/virtual-machines/reset-password)
"#
    )
}

fn git(repo: &Path, args: &[&str]) -> String {
    let o = Command::new("git")
        .current_dir(repo)
        .args(args)
        .env("GIT_AUTHOR_NAME", "gate")
        .env("GIT_AUTHOR_EMAIL", "gate@example.com")
        .env("GIT_COMMITTER_NAME", "gate")
        .env("GIT_COMMITTER_EMAIL", "gate@example.com")
        .output()
        .expect("git runs (installed by .ci/run)");
    assert!(o.status.success(), "git {args:?}: {}", stderr(&o));
    String::from_utf8_lossy(&o.stdout).into_owned()
}

/// What the gate said about one pull request.
struct Verdict {
    exit: i32,
    /// The problems it lists, as `CODE file` (file below the repository).
    errors: Vec<String>,
    warnings: Vec<String>,
    summary: Value,
}

fn gate(repo: &Path, extra: &[&str]) -> Verdict {
    let mut args = vec![
        "check",
        "--format",
        "json",
        "--baseline",
        BASELINE,
        "--changed-since",
        "main",
    ];
    args.extend(extra);
    verdict(&shelf(&args, repo))
}

fn gate_exit(repo: &Path, extra: &[&str]) -> i32 {
    let mut args = vec!["check", "--baseline", BASELINE, "--changed-since", "main"];
    args.extend(extra);
    shelf(&args, repo).status.code().unwrap_or(-1)
}

fn verdict(o: &Output) -> Verdict {
    let exit = o.status.code().unwrap_or(-1);
    assert!(matches!(exit, 0 | 1), "{exit}: {}", stderr(o));
    let report: Value = serde_json::from_slice(&o.stdout).expect("a JSON report");
    let mut errors = Vec::new();
    let mut warnings = Vec::new();
    for d in report["diagnostics"].as_array().unwrap() {
        let said = format!(
            "{} {}",
            d["code"].as_str().unwrap(),
            d["file"].as_str().unwrap().trim_start_matches("./")
        );
        match d["severity"].as_str().unwrap() {
            "error" => errors.push(said),
            _ => warnings.push(said),
        }
    }
    Verdict {
        exit,
        errors,
        warnings,
        summary: report["summary"].clone(),
    }
}

/// The corpus (or the bundled articles when it is missing, outside CI) in a fresh repository
/// with its baseline committed on `main`.
fn repository() -> Option<(tempfile::TempDir, PathBuf)> {
    let corpus = crate::build::corpus()?;
    let dir = tempfile::tempdir().unwrap();
    let repo = dir.path().join("repo");
    copy_tree(&corpus, &repo.join("articles"));
    fs::write(repo.join("shelf.toml"), "title = \"Gate\"\n").unwrap();
    git(&repo, &["init", "-q", "-b", "main"]);
    git(&repo, &["add", "-A"]);
    git(&repo, &["commit", "-q", "-m", "the articles as published"]);
    Some((dir, repo))
}

fn first_match(dir: &Path, needle: &str) -> PathBuf {
    let mut files: Vec<PathBuf> = walkdir::WalkDir::new(dir)
        .into_iter()
        .map(Result::unwrap)
        .filter(|e| e.file_type().is_file())
        .map(|e| e.into_path())
        .filter(|p| fs::read_to_string(p).is_ok_and(|t| t.contains(needle)))
        .collect();
    files.sort();
    files.into_iter().next().expect(needle)
}

fn rel(repo: &Path, path: &Path) -> String {
    path.strip_prefix(repo)
        .unwrap()
        .to_string_lossy()
        .replace('\\', "/")
}

/// The new errors and the new warnings a gate must list (`CODE file`).
type Expected = (Vec<String>, Vec<String>);

/// One scripted pull request: what it does to the tree, and what the gate must say.
struct PullRequest {
    name: &'static str,
    /// Commits (or leaves in the working tree) the change; returns what the gate must list
    /// as new errors and as new warnings (`CODE file`).
    change: Box<dyn Fn(&Path) -> Expected>,
}

#[test]
fn the_gate_fails_exactly_on_the_pull_requests_that_bring_a_problem() {
    let Some((_dir, repo)) = repository() else {
        return;
    };
    // Day one: record what is there; the gate is green on the tree as it is.
    let o = shelf(
        &["check", "--baseline", BASELINE, "--update-baseline", "-q"],
        &repo,
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let size = fs::metadata(repo.join(BASELINE)).unwrap().len();
    let o = shelf(
        &["check", "--baseline", BASELINE, "--format", "json"],
        &repo,
    );
    let whole = verdict(&o);
    assert_eq!(whole.exit, 0, "{:?}", whole.errors);
    assert!(whole.errors.is_empty() && whole.warnings.is_empty());
    let baselined = whole.summary["baselined"].as_u64().unwrap();
    assert!(baselined > 100, "{baselined}");
    eprintln!("baseline: {baselined} problems, {size} bytes");
    git(&repo, &["add", BASELINE]);
    git(&repo, &["commit", "-q", "-m", "shelf baseline"]);

    // Files the pull requests act on, found by what they hold (not by name).
    let articles = repo.join("articles");
    let empty_link = first_match(&articles, "](https://)");
    let referenced_id = {
        // An article that a diagnose-and-solve payload names as its solution.
        let ids: Vec<(String, PathBuf)> = walkdir::WalkDir::new(&articles)
            .into_iter()
            .map(Result::unwrap)
            .filter(|e| e.file_type().is_file())
            .filter_map(|e| {
                let text = fs::read_to_string(e.path()).ok()?;
                let at = text.find("articleId=\"")? + "articleId=\"".len();
                let id = text[at..].split('"').next()?.to_string();
                Some((id, e.into_path()))
            })
            .collect();
        let mut payloads: Vec<PathBuf> = ids.iter().map(|(_, f)| f.clone()).collect();
        payloads.sort();
        let mut found = None;
        'files: for payload in payloads {
            let text = fs::read_to_string(&payload).unwrap();
            for part in text.split("\"commonSolutionArticleId\"").skip(1) {
                let id = part.split('"').nth(1).unwrap_or("");
                if let Some((id, file)) = ids.iter().find(|(i, _)| i == id && !i.is_empty()) {
                    found = Some((id.clone(), file.clone()));
                    break 'files;
                }
            }
        }
        found.expect("a referenced solution article")
    };
    // Who names it: every payload that does.
    let (solution_id, solution_file) = referenced_id;
    let naming: Vec<String> = {
        let mut files: Vec<String> = walkdir::WalkDir::new(&articles)
            .into_iter()
            .map(Result::unwrap)
            .filter(|e| e.file_type().is_file())
            .filter(|e| {
                fs::read_to_string(e.path()).is_ok_and(|t| {
                    t.split("\"commonSolutionArticleId\"")
                        .skip(1)
                        .any(|p| p.split('"').nth(1) == Some(solution_id.as_str()))
                })
            })
            .map(|e| rel(&repo, e.path()))
            .collect();
        files.sort();
        files
    };
    let an_existing_id = {
        let text = fs::read_to_string(&empty_link).unwrap();
        let at = text.find("articleId=\"").unwrap() + "articleId=\"".len();
        text[at..].split('"').next().unwrap().to_string()
    };
    let unreferenced = first_match(&articles, "selfHelpType=\"generic\"");

    let pull_requests: Vec<PullRequest> = vec![
        PullRequest {
            name: "new clean article",
            change: Box::new(|repo| {
                fs::write(
                    repo.join("articles/gate-clean.md"),
                    clean_article("gate-clean-0001"),
                )
                .unwrap();
                commit(repo, "add a clean article");
                (vec![], vec![])
            }),
        },
        PullRequest {
            name: "new broken article",
            change: Box::new(|repo| {
                let text = clean_article("gate-broken-0001").replace(
                    "(https://learn.microsoft.com/azure/virtual-machines/reset-password)",
                    "(https://)",
                );
                fs::write(repo.join("articles/gate-broken.md"), text).unwrap();
                commit(repo, "add a broken article");
                (vec!["SH404 articles/gate-broken.md".into()], vec![])
            }),
        },
        PullRequest {
            name: "edit above old problems",
            change: Box::new({
                let file = empty_link.clone();
                move |repo| {
                    // A paragraph after the title moves every old problem down.
                    let text = fs::read_to_string(&file).unwrap();
                    let title = text.find("\n# ").unwrap() + 1;
                    let end = title + text[title..].find('\n').unwrap() + 1;
                    let edited = format!(
                        "{}\nA sentence added by an editor.\n\n{}",
                        &text[..end],
                        &text[end..]
                    );
                    fs::write(&file, edited).unwrap();
                    commit(repo, "edit a file with old problems");
                    (vec![], vec![])
                }
            }),
        },
        PullRequest {
            name: "new problem in an old file",
            change: Box::new({
                let file = empty_link.clone();
                move |repo| {
                    let mut text = fs::read_to_string(&file).unwrap();
                    text.push_str("\nSee also [the new page](https://).\n");
                    fs::write(&file, text).unwrap();
                    commit(repo, "add a problem to a file with old ones");
                    (vec![format!("SH404 {}", rel(repo, &file))], vec![])
                }
            }),
        },
        PullRequest {
            name: "new file reuses an articleId",
            change: Box::new({
                let id = an_existing_id.clone();
                move |repo| {
                    // Named to sort first, as a newcomer that would take over the page.
                    fs::write(
                        repo.join("articles/0-gate-duplicate.md"),
                        clean_article(&id),
                    )
                    .unwrap();
                    commit(repo, "add an article with a used articleId");
                    (vec!["SH201 articles/0-gate-duplicate.md".into()], vec![])
                }
            }),
        },
        PullRequest {
            name: "delete a referenced solution",
            change: Box::new({
                let (file, naming, id) =
                    (solution_file.clone(), naming.clone(), solution_id.clone());
                move |repo| {
                    git(repo, &["rm", "-q", &rel(repo, &file)]);
                    commit(repo, "delete a solution article");
                    (naming_errors(repo, &naming, &id), vec![])
                }
            }),
        },
        PullRequest {
            name: "rename a file with old problems",
            change: Box::new({
                let file = empty_link.clone();
                move |repo| {
                    let to = file.with_file_name("gate-renamed.md");
                    git(repo, &["mv", &rel(repo, &file), &rel(repo, &to)]);
                    commit(repo, "rename an article");
                    (vec![], vec![])
                }
            }),
        },
        PullRequest {
            name: "rename a solution, new articleId",
            change: Box::new({
                let (file, naming, id) =
                    (solution_file.clone(), naming.clone(), solution_id.clone());
                move |repo| {
                    let to = file.with_file_name("gate-moved-solution.md");
                    git(repo, &["mv", &rel(repo, &file), &rel(repo, &to)]);
                    let text = fs::read_to_string(&to).unwrap();
                    fs::write(&to, text.replace(&id, "gate-new-solution-id")).unwrap();
                    commit(repo, "rename a solution article and give it a new ID");
                    (naming_errors(repo, &naming, &id), vec![])
                }
            }),
        },
        PullRequest {
            name: "new problem, suppressed",
            change: Box::new(|repo| {
                let text = clean_article("gate-suppressed-0001").replace(
                    "- [Reset access",
                    "<!-- shelf-disable-next-line SH404 -- the portal fills this link in -->\n- [Reset the password](https://)\n- [Reset access",
                );
                fs::write(repo.join("articles/gate-suppressed.md"), text).unwrap();
                commit(repo, "add an article with a justified exception");
                (vec![], vec![])
            }),
        },
        PullRequest {
            name: "suppression of an unknown rule",
            change: Box::new(|repo| {
                let text = clean_article("gate-unknown-rule-0001").replace(
                    "- [Reset access",
                    "<!-- shelf-disable-next-line SH999 -->\n- [Reset access",
                );
                fs::write(repo.join("articles/gate-unknown-rule.md"), text).unwrap();
                commit(repo, "suppress a rule that does not exist");
                (vec![], vec!["SH019 articles/gate-unknown-rule.md".into()])
            }),
        },
        PullRequest {
            name: "baseline entry fixed",
            change: Box::new({
                let file = empty_link.clone();
                move |repo| {
                    let text = fs::read_to_string(&file).unwrap();
                    fs::write(
                        &file,
                        text.replace("](https://)", "](https://learn.microsoft.com/azure)"),
                    )
                    .unwrap();
                    commit(repo, "fix an old problem");
                    (vec![], vec![])
                }
            }),
        },
        PullRequest {
            name: "delete an unreferenced article",
            change: Box::new({
                let file = unreferenced.clone();
                move |repo| {
                    git(repo, &["rm", "-q", &rel(repo, &file)]);
                    commit(repo, "delete an article nothing names");
                    (vec![], vec![])
                }
            }),
        },
        PullRequest {
            name: "uncommitted broken edit",
            change: Box::new(|repo| {
                // Not committed: the gate on a laptop sees the working tree.
                let text = clean_article("gate-draft-0001").replace(
                    "cloudEnvironments=\"public\"",
                    "cloudEnvironments=\"pubilc\"",
                );
                fs::write(repo.join("articles/gate-draft.md"), text).unwrap();
                (vec!["SH105 articles/gate-draft.md".into()], vec![])
            }),
        },
    ];

    let mut table = vec![format!(
        "| pull request | gate | new errors | new warnings | baselined | outdated |\n|---|---|---|---|---:|---:|"
    )];
    let mut wrong = Vec::new();
    for pr in &pull_requests {
        git(&repo, &["checkout", "-q", "-B", "pr", "main"]);
        let (mut expected_errors, mut expected_warnings) = (pr.change)(&repo);
        let mut v = gate(&repo, &[]);
        expected_errors.sort();
        expected_warnings.sort();
        v.errors.sort();
        v.warnings.sort();
        let expected_exit = i32::from(!expected_errors.is_empty());
        if v.exit != expected_exit || v.errors != expected_errors || v.warnings != expected_warnings
        {
            wrong.push(format!(
                "{}: exit {} (wanted {expected_exit}), errors {:?} (wanted {expected_errors:?}), warnings {:?} (wanted {expected_warnings:?})",
                pr.name, v.exit, v.errors, v.warnings
            ));
        }
        table.push(format!(
            "| {} | {} | {} | {} | {} | {} |",
            pr.name,
            if v.exit == 0 { "pass" } else { "fail" },
            v.errors.join(", "),
            v.warnings.join(", "),
            v.summary["baselined"],
            v.summary["outdated"]
        ));
        if pr.name == "delete a referenced solution" {
            // Naming the deleted file (as a hook passing the change's paths would) is no
            // usage error: nothing of it is left, and what its removal broke is still said.
            let deleted = rel(&repo, &solution_file);
            let mut again = gate(&repo, &[&deleted]);
            again.errors.sort();
            assert_eq!(again.errors, v.errors, "{}", pr.name);
            let typo = gate_exit(&repo, &["articles/no-such-file.md"]);
            assert_eq!(typo, 2, "a path that never existed is a usage error");
        }
        if pr.name == "baseline entry fixed" {
            // The fixed problem is one the baseline no longer needs; updating drops it.
            assert_eq!(v.summary["outdated"], 1, "{}", pr.name);
            let o = shelf(
                &["check", "--baseline", BASELINE, "--update-baseline", "-q"],
                &repo,
            );
            assert_eq!(o.status.code(), Some(0));
            assert!(
                stderr(&o).contains("(0 added, 1 removed)"),
                "{}",
                stderr(&o)
            );
        }
        git(&repo, &["checkout", "-q", "-f", "main"]);
        git(&repo, &["clean", "-q", "-f", "-d"]);
    }
    eprintln!("{}", table.join("\n"));
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

fn commit(repo: &Path, message: &str) {
    git(repo, &["add", "-A"]);
    git(repo, &["commit", "-q", "-m", message]);
}

/// The SH206 errors expected on each payload naming the removed solution `id`: one per mention.
fn naming_errors(repo: &Path, naming: &[String], id: &str) -> Vec<String> {
    let mut out = Vec::new();
    for file in naming {
        let text = fs::read_to_string(repo.join(file)).unwrap();
        let mentions = text
            .split("\"commonSolutionArticleId\"")
            .skip(1)
            .filter(|p| p.split('"').nth(1) == Some(id))
            .count();
        out.extend(std::iter::repeat_n(format!("SH206 {file}"), mentions));
    }
    out
}

/// Usage mistakes are exit 2, never a green "0 files checked"; a path a change deleted is not
/// a mistake.
#[test]
fn paths_that_hold_no_article_are_a_usage_error() {
    let dir = tempfile::tempdir().unwrap();
    let repo = dir.path();
    fs::create_dir_all(repo.join("articles/empty")).unwrap();
    fs::write(repo.join("articles/a.md"), clean_article("a-0001")).unwrap();
    fs::write(repo.join("articles/notes.txt"), "not an article").unwrap();
    for path in [
        "articles/missing.md",
        "articles/empty",
        "articles/notes.txt",
    ] {
        let o = shelf(&["check", path], repo);
        assert_eq!(o.status.code(), Some(2), "{path}: {}", stderr(&o));
        assert!(
            stderr(&o).contains(path.rsplit('/').next().unwrap()),
            "{}",
            stderr(&o)
        );
    }
    let o = shelf(&["check", "articles/a.md"], repo);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(super::stdout(&o).contains("1 file checked"));
}

/// `docs/shelf.schema.json` is the schema of the configuration as the code reads it (editors
/// validate shelf.toml with it); `SHELF_UPDATE_DOCS=1` rewrites it.
#[test]
fn docs_shelf_schema_json_is_the_configuration() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/shelf.schema.json");
    let schema = shelf::config::json_schema();
    if std::env::var_os("SHELF_UPDATE_DOCS").is_some() {
        fs::write(&path, &schema).unwrap();
        return;
    }
    let committed = fs::read_to_string(&path).unwrap_or_default();
    assert_eq!(
        committed, schema,
        "docs/shelf.schema.json is out of date: run SHELF_UPDATE_DOCS=1 cargo test --test testsuite gate::docs"
    );
    // The schema accepts a real configuration and rejects a misspelled key, as shelf does.
    let schema: Value = serde_json::from_str(&schema).unwrap();
    let validator = jsonschema::validator_for(&schema).unwrap();
    let good: Value = serde_json::json!({
        "source": "articles",
        "exclude": ["articles/drafts/**"],
        "rules": { "SH403": "warn" },
        "overrides": [{ "files": ["articles/legacy/**"], "rules": { "SH305": "off" } }],
        "cloud": "fairfax"
    });
    assert!(
        validator.is_valid(&good),
        "{:?}",
        validator
            .iter_errors(&good)
            .map(|e| e.to_string())
            .collect::<Vec<_>>()
    );
    for bad in [
        serde_json::json!({ "exlcude": ["x"] }),
        serde_json::json!({ "rules": { "SH403": "loud" } }),
        serde_json::json!({ "cloud": "moon" }),
    ] {
        assert!(!validator.is_valid(&bad), "{bad}");
    }
}

/// Shell completions and the man page come from the command line's own definition, so they
/// list every flag (the gate's included).
#[test]
fn completions_and_man_page_list_the_gate_flags() {
    let dir = tempfile::tempdir().unwrap();
    for shell in ["bash", "zsh", "fish", "powershell", "elvish"] {
        let o = shelf(&["completions", shell], dir.path());
        assert_eq!(o.status.code(), Some(0), "{shell}: {}", stderr(&o));
        let text = super::stdout(&o);
        for flag in [
            "--baseline",
            "--changed-since",
            "--update-baseline",
            "--stdin-filename",
        ] {
            // fish writes `-l changed-since`, the others `--changed-since`.
            assert!(
                text.contains(flag.trim_start_matches('-')),
                "{shell} completions lack {flag}"
            );
        }
    }
    let o = shelf(&["man"], dir.path());
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let page = super::stdout(&o);
    assert!(
        page.contains(".TH shelf"),
        "{}",
        &page[..page.len().min(200)]
    );
    assert!(page.contains("check"), "the page names the commands");
    let o = shelf(&["man", "check"], dir.path());
    let page = super::stdout(&o);
    assert!(
        page.contains(".TH shelf-check"),
        "{}",
        &page[..page.len().min(200)]
    );
    assert!(
        page.contains("changed\\-since"),
        "the check page lists its flags"
    );
    let o = shelf(&["check", "--help"], dir.path());
    let help = super::stdout(&o);
    for flag in [
        "--baseline",
        "--update-baseline",
        "--changed-since",
        "--stdin-filename",
        "--diff",
        "--select",
        "--ignore",
        "--rule",
        "--format",
        "--quiet",
        "--color",
        "--config",
    ] {
        assert!(help.contains(flag), "check --help lacks {flag}");
    }
}

/// A site in a temporary folder with one clean article and one with a fixable problem and a
/// heading warning (`fixable.md`).
fn small_site() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let articles = dir.path().join("articles");
    fs::create_dir_all(articles.join("legacy")).unwrap();
    fs::write(articles.join("clean.md"), clean_article("clean-0001")).unwrap();
    let fixable = clean_article("fixable-0001")
        .replace(
            "cloudEnvironments=\"public\"",
            "cloudEnvironments=\"public, fairfax,\"",
        )
        .replace("## **Recommended Steps**", "## Recommended Steps");
    fs::write(articles.join("fixable.md"), &fixable).unwrap();
    fs::write(
        articles.join("legacy/old.md"),
        fixable.replace("fixable-0001", "old-0001"),
    )
    .unwrap();
    dir
}

fn codes(o: &Output) -> Vec<String> {
    let mut v: Vec<String> = verdict(o)
        .errors
        .into_iter()
        .chain(verdict(o).warnings)
        .collect();
    v.sort();
    v
}

#[test]
fn stdin_diff_and_rule_selection_work_as_editors_and_scripts_use_them() {
    let site = small_site();
    let root = site.path();
    let run_stdin = |args: &[&str], input: &str| super::shelf_with_stdin(args, root, input);
    // Standard input stands for a file not yet saved: the tree is context (its ID is taken).
    let draft = clean_article("clean-0001").replace("pageTitle=", "pagetitel=");
    let o = run_stdin(
        &[
            "check",
            "--stdin-filename",
            "articles/draft.md",
            "--format",
            "json",
        ],
        &draft,
    );
    assert_eq!(
        codes(&o),
        ["SH102 articles/draft.md", "SH201 articles/draft.md"],
        "{}",
        stderr(&o)
    );
    // --fix on standard input prints the fixed text and reports what is left.
    let fixable = fs::read_to_string(root.join("articles/fixable.md")).unwrap();
    let o = run_stdin(
        &[
            "check",
            "--stdin-filename",
            "articles/fixable.md",
            "--fix",
            "--format",
            "concise",
        ],
        &fixable,
    );
    let fixed = super::stdout(&o);
    assert!(
        fixed.contains("cloudEnvironments=\"public, fairfax\""),
        "{fixed}"
    );
    assert!(
        stderr(&o).contains("SH305") && !stderr(&o).contains("SH107"),
        "{}",
        stderr(&o)
    );
    assert_eq!(
        fs::read_to_string(root.join("articles/fixable.md")).unwrap(),
        fixable,
        "the file is not written"
    );
    // --diff shows the fixes and writes nothing.
    let o = shelf(&["check", "--diff", "articles/fixable.md"], root);
    assert_eq!(o.status.code(), Some(1));
    let diff = super::stdout(&o);
    assert!(
        diff.contains("--- a/articles/fixable.md\n+++ b/articles/fixable.md"),
        "{diff}"
    );
    assert!(diff.contains("-    cloudEnvironments=\"public, fairfax,\"\n+    cloudEnvironments=\"public, fairfax\""), "{diff}");
    assert_eq!(
        fs::read_to_string(root.join("articles/fixable.md")).unwrap(),
        fixable
    );
    let o = shelf(&["check", "--diff", "articles/clean.md"], root);
    assert_eq!(o.status.code(), Some(0), "nothing to fix");
    // --select, --ignore, --rule.
    let json = |extra: &[&str]| {
        let mut args = vec!["check", "--format", "json", "articles/fixable.md"];
        args.extend(extra);
        codes(&shelf(&args, root))
    };
    assert_eq!(
        json(&[]),
        ["SH107 articles/fixable.md", "SH305 articles/fixable.md"]
    );
    assert_eq!(json(&["--select", "SH305"]), ["SH305 articles/fixable.md"]);
    assert_eq!(
        json(&["--ignore", "recommended-heading-form"]),
        ["SH107 articles/fixable.md"]
    );
    let o = shelf(
        &[
            "check",
            "articles/fixable.md",
            "--rule",
            "SH305=error",
            "--format",
            "json",
        ],
        root,
    );
    assert_eq!(verdict(&o).errors, ["SH305 articles/fixable.md"]);
    for bad in [
        &["--select", "SH999"][..],
        &["--rule", "SH305=loud"],
        &["--rule", "SH305"],
    ] {
        let mut args = vec!["check"];
        args.extend(bad);
        assert_eq!(shelf(&args, root).status.code(), Some(2), "{bad:?}");
    }
}

#[test]
fn configuration_is_found_upwards_and_says_what_to_leave_out_and_where_rules_differ() {
    let site = small_site();
    let root = site.path();
    fs::write(
        root.join("shelf.toml"),
        "exclude = [\"articles/drafts/**\"]\n\n[rules]\nempty-or-repeated-list-item = \"off\"\n\n[[overrides]]\nfiles = [\"articles/legacy/**\"]\nrules = { SH305 = \"off\" }\n",
    )
    .unwrap();
    fs::create_dir_all(root.join("articles/drafts")).unwrap();
    fs::write(root.join("articles/drafts/wip.md"), "not even a header\n").unwrap();
    fs::write(root.join("articles/ignored.md"), "not even a header\n").unwrap();
    fs::write(root.join(".gitignore"), "articles/ignored.md\n").unwrap();
    fs::create_dir_all(root.join(".git")).unwrap();
    // Run from a folder below: shelf.toml is found above, as cargo and ruff find theirs.
    let below = root.join("articles/legacy");
    let o = shelf(&["check", "--format", "json"], &below);
    let said = codes(&o);
    assert_eq!(said, ["SH305 ../../articles/fixable.md"], "{}", stderr(&o));
    assert_eq!(
        verdict(&o).summary["files"],
        3,
        "drafts/ and the ignored file are left out"
    );
    // --config names another file; its folder is the root.
    let other = root.join("other");
    fs::create_dir_all(&other).unwrap();
    fs::write(
        other.join("strict.toml"),
        "source = \"../articles\"\nrespect-gitignore = false\n",
    )
    .unwrap();
    let o = shelf(
        &["check", "--config", "other/strict.toml", "--format", "json"],
        root,
    );
    let said = codes(&o);
    assert!(
        said.iter()
            .any(|c| c.starts_with("SH003") && c.ends_with("ignored.md")),
        "{said:?}"
    );
    assert!(said.iter().any(|c| c.starts_with("SH107")), "{said:?}");
}

#[test]
fn ci_hosts_get_paths_from_the_workspace_a_job_summary_and_colour_on_request() {
    let site = small_site();
    let root = site.path();
    fs::write(root.join("shelf.toml"), "").unwrap();
    let summary = root.join("summary.md");
    let o = Command::new(env!("CARGO_BIN_EXE_shelf"))
        .args(["check", "--format", "github", "--rule", "SH305=error"])
        .current_dir(root.join("articles"))
        .env("GITHUB_WORKSPACE", root)
        .env("GITHUB_STEP_SUMMARY", &summary)
        .env("NO_COLOR", "1")
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let out = super::stdout(&o);
    assert!(
        out.contains("::error file=articles/fixable.md,line="),
        "{out}"
    );
    let md = fs::read_to_string(&summary).unwrap();
    assert!(md.contains("### shelf check failed"), "{md}");
    assert!(
        md.contains("| SH305 recommended-heading-form | 2 | 0 |"),
        "{md}"
    );
    // SARIF results carry the baseline's fingerprints.
    let o = shelf(&["check", "--format", "sarif"], root);
    let log: Value = serde_json::from_slice(&o.stdout).unwrap();
    for result in log["runs"][0]["results"].as_array().unwrap() {
        let fp = result["partialFingerprints"]["shelfProblem/v1"]
            .as_str()
            .unwrap();
        assert_eq!(fp.len(), 16, "{result}");
    }
    // Colour: never through a pipe unless asked; FORCE_COLOR asks; NO_COLOR wins over auto.
    let colour = |args: &[&str], env: &[(&str, &str)]| {
        let mut c = Command::new(env!("CARGO_BIN_EXE_shelf"));
        c.args(args)
            .current_dir(root)
            .env_remove("NO_COLOR")
            .env_remove("FORCE_COLOR")
            .env_remove("CLICOLOR_FORCE");
        for (k, v) in env {
            c.env(k, v);
        }
        super::stdout(&c.output().unwrap()).contains("\x1b[")
    };
    assert!(!colour(&["check"], &[]));
    assert!(colour(&["check"], &[("FORCE_COLOR", "1")]));
    assert!(colour(&["check"], &[("CLICOLOR_FORCE", "1")]));
    assert!(!colour(
        &["check"],
        &[("FORCE_COLOR", "1"), ("NO_COLOR", "1")]
    ));
    assert!(colour(
        &["--color", "always", "check"],
        &[("NO_COLOR", "1")]
    ));
    assert!(!colour(
        &["check", "--color", "never"],
        &[("FORCE_COLOR", "1")]
    ));
}

/// A new file that reuses an articleId does not take over the page, however its name sorts:
/// the build keeps the page's last source, reports both files and exits 1.
#[test]
fn a_build_never_silently_gives_a_page_to_a_newcomer() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    fs::create_dir_all(root.join("articles")).unwrap();
    fs::write(
        root.join("articles/zz-original.md"),
        clean_article("shared-id"),
    )
    .unwrap();
    let o = shelf(&["build", "-q"], root);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let record = || -> Value {
        serde_json::from_str(
            &fs::read_to_string(root.join("output/api/v1/articles/shared-id.json")).unwrap(),
        )
        .unwrap()
    };
    assert_eq!(record()["source"], "zz-original.md");
    let newcomer =
        clean_article("Shared-ID").replace("Reset the password of a virtual machine", "A newcomer");
    fs::write(root.join("articles/aa-newcomer.md"), newcomer).unwrap();
    let o = shelf(&["build", "-q"], root);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let err = stderr(&o);
    assert!(
        err.contains("aa-newcomer.md") && err.contains("this file is not built"),
        "{err}"
    );
    assert_eq!(
        record()["source"],
        "zz-original.md",
        "the page stays with its file"
    );
}
