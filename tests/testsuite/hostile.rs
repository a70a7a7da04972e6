//! Hostile input: cross-site-scripting vectors in every place an author controls, and broken
//! files of every kind. The built site is then read back file by file: every HTML page is parsed
//! the way a browser would (html5ever, through scraper) and searched for anything that can run
//! code; XML must stay well-formed; JSON must parse and its HTML fields are checked the same way.

use std::fs;
use std::path::{Path, PathBuf};

use super::oracles::{executable_parts, unsafe_file};
use super::{build, shelf, stderr};

/// Script-injection vectors, each written to run `alert(1)` if it reached a page unescaped.
/// Gathered from the OWASP filter-evasion cheat sheet, the html5sec.org list and ammonia's and
/// DOMPurify's mutation-XSS reports, then fitted to where articles carry markup.
const VECTORS: &[&str] = &[
    "<script>alert(1)</script>",
    "<SCRIPT SRC=//evil.example/x.js></SCRIPT>",
    "<img src=x onerror=alert(1)>",
    "<IMG SRC=\"javascript:alert(1);\">",
    "<img src=\"x\" style=\"x:expression(alert(1))\">",
    "<svg onload=alert(1)>",
    "<svg><script>alert(1)</script></svg>",
    "<svg><a xlink:href=\"javascript:alert(1)\"><text>x</text></a></svg>",
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
    "<iframe src=\"javascript:alert(1)\"></iframe>",
    "<iframe srcdoc=\"&lt;script&gt;alert(1)&lt;/script&gt;\"></iframe>",
    "<a href=\"javascript:alert(1)\">x</a>",
    "<a href=\"JaVaScRiPt:alert(1)\">x</a>",
    "<a href=\"&#106;avascript:alert(1)\">x</a>",
    "<a href=\"jav&#x09;ascript:alert(1)\">x</a>",
    "<a href=\" javascript:alert(1)\">x</a>",
    "<a href=\"data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==\">x</a>",
    "<a href=\"vbscript:msgbox(1)\">x</a>",
    "<a href=\"https://example.com\" onclick=\"alert(1)\">x</a>",
    "[x](javascript:alert(1))",
    "[x](JAVASCRIPT:alert(1))",
    "[x](java&#115;cript:alert(1))",
    "![x](javascript:alert(1))",
    "[x](data:text/html,alert(1))",
    "[x](data-blade:A.B\"onmouseover=\"alert(1))",
    "<body onload=alert(1)>",
    "<div style=\"background:url(javascript:alert(1))\">x</div>",
    "<style>body{background:url(\"javascript:alert(1)\")}</style>",
    "<link rel=stylesheet href=\"javascript:alert(1)\">",
    "<meta http-equiv=\"refresh\" content=\"0;url=javascript:alert(1)\">",
    "<base href=\"javascript:alert(1)//\">",
    "<object data=\"javascript:alert(1)\"></object>",
    "<embed src=\"javascript:alert(1)\">",
    "<form action=\"javascript:alert(1)\"><button>x</button></form>",
    "<button formaction=\"javascript:alert(1)\">x</button>",
    "<input onfocus=alert(1) autofocus>",
    "<details open ontoggle=alert(1)>",
    "<video><source onerror=alert(1)></video>",
    "<video poster=\"javascript:alert(1)\" src=\"x.mp4\"></video>",
    "<noscript><p title=\"</noscript><img src=x onerror=alert(1)>\">",
    "<scr<script>ipt>alert(1)</script>",
    "\"><script>alert(1)</script>",
    "'><img src=x onerror=alert(1)>",
    "</title><script>alert(1)</script>",
    "</textarea><script>alert(1)</script>",
    "<!--<img src=\"--><img src=x onerror=alert(1)//\">",
    "<span data-token=\"x\" onmouseover=alert(1)>t</span>",
    "<xmp><script>alert(1)</script></xmp>",
    "<template><script>alert(1)</script></template>",
    "<isindex action=javascript:alert(1) type=image>",
    "<img src=x:alert(1) onerror=eval(src)>",
    "]]><script>alert(1)</script>",
    "</script><script>alert(1)</script>",
    "<insight><symptomId><script>alert(1)</script></symptomId></insight>",
    "<video><src>javascript:alert(1)</src><title>x</title></video>",
    "<azureKB><client onclick=alert(1)>portal</client></azureKB>",
];

const HEADER_KEYS: &[&str] = &[
    "pageTitle",
    "description",
    "service",
    "resource",
    "ownershipId",
    "supportTopicIds",
    "productPesIds",
];

/// An XML attribute value that decodes to `s`.
fn xml_escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('"', "&quot;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

fn json_string(s: &str) -> String {
    serde_json::to_string(s).unwrap()
}

fn header(id: &str, extra: &[(&str, String)], self_help_type: &str) -> String {
    let mut props: Vec<(String, String)> = vec![
        ("pageTitle".into(), format!("Hostile {id}")),
        ("description".into(), "A hostile article".into()),
        ("service".into(), "microsoft.compute".into()),
        ("resource".into(), "virtualmachines".into()),
        ("supportTopicIds".into(), "32600001".into()),
        ("productPesIds".into(), "15001".into()),
        ("cloudEnvironments".into(), "public".into()),
        ("selfHelpType".into(), self_help_type.into()),
        ("articleId".into(), id.into()),
        ("ownershipId".into(), "Compute_VM".into()),
    ];
    for (k, v) in extra {
        match props.iter_mut().find(|(key, _)| key == k) {
            Some(p) => p.1 = v.clone(),
            None => props.push((k.to_string(), v.clone())),
        }
    }
    let mut h = String::from("<properties\n");
    for (k, v) in props {
        h.push_str(&format!("\t{k}=\"{v}\"\n"));
    }
    h.push_str("/>\n");
    h
}

/// Writes one article per vector and placement; returns how many were written.
fn write_hostile_tree(dir: &Path) -> usize {
    let mut n = 0;
    let mut write = |name: String, text: String| {
        fs::write(dir.join(format!("{name}.md")), text).unwrap();
        n += 1;
    };
    for (i, v) in VECTORS.iter().enumerate() {
        // Body: as a block of its own, inline in a paragraph, and inside a list item.
        write(
            format!("body-{i}"),
            format!(
                "{}# Body vector {i}\n\n{v}\n\nText before {v} and after.\n\n- item {v}\n",
                header(&format!("body-{i}"), &[], "generic")
            ),
        );
        // Properties: in every displayed key, entity-encoded so the decoded value is the vector.
        let key = HEADER_KEYS[i % HEADER_KEYS.len()];
        write(
            format!("prop-{i}"),
            format!(
                "{}# Property vector {i}\n\nBody.\n",
                header(
                    &format!("prop-{i}"),
                    &[
                        (key, xml_escape(v)),
                        ("pageTitle", xml_escape(v)),
                        ("description", xml_escape(v))
                    ],
                    "generic"
                )
            ),
        );
        // Title (the H1) and tokens: the default text and a hostile token name.
        write(
            format!("token-{i}"),
            format!(
                "{}# {v}\n<!--issueDescription-->\nVM <!--$vmName-->{v}<!--/$vmName--> failed; <!--$a\" onmouseover=\"alert(1)-->x<!--/$a\" onmouseover=\"alert(1)-->.\n<!--/issueDescription-->\n",
                header(&format!("token-{i}"), &[], "diagnostics")
            ),
        );
        // Payloads: every displayed string of the three payload types.
        let j = json_string(v);
        let payload = match i % 3 {
            0 => format!(
                "{{\"$schema\": \"SelfHelpContent\", \"title\": {j}, \"formElements\": [{{\"id\": {j}, \"order\": 1, \"controlType\": \"dropdown\", \"displayLabel\": {j}, \"watermarkText\": {j}, \"infoBalloonText\": {j}, \"required\": true, \"dropdownOptions\": [{{\"value\": {j}, \"text\": {j}}}]}}]}}"
            ),
            1 => format!(
                "{{\"$schema\": \"SelfHelpContent\", \"shortDescription\": {j}, \"longDescription\": {j}, \"productLink1\": \"javascript:alert(1)\", \"productLinkName1\": {j}, \"supportTopics\": [{{\"id\": \"32600001\", \"shortDescription\": {j}, \"longDescription\": {j}, \"searchTags\": {j}, \"category\": {j}}}]}}"
            ),
            _ => format!(
                "{{\"$schema\": \"SelfHelpContent\", \"commonProblems\": [{{\"id\": {j}, \"title\": {j}, \"description\": {j}, \"category\": {j}, \"searchTags\": {j}, \"supportTopicId\": \"32600001\", \"subProblems\": [{{\"id\": \"s\", \"title\": {j}, \"description\": {j}, \"supportTopicId\": \"32600001\", \"commonSolutionArticleId\": \"body-0\"}}]}}]}}"
            ),
        };
        let self_help_type = [
            "problemScopingQuestions",
            "supportTopicDescription",
            "diagnoseandsolve",
        ][i % 3];
        write(
            format!("payload-{i}"),
            format!(
                "{}# Payload vector {i}\n---\n{payload}\n---\n",
                header(&format!("payload-{i}"), &[], self_help_type)
            ),
        );
    }
    n
}

/// Every problem in every output file of a built site.
fn unsafe_output(site: &Path) -> Vec<String> {
    let mut problems = Vec::new();
    for entry in walkdir::WalkDir::new(site) {
        let entry = entry.unwrap();
        if entry.file_type().is_file() {
            let rel = entry
                .path()
                .strip_prefix(site)
                .unwrap()
                .display()
                .to_string();
            problems.extend(unsafe_file(&rel, fs::read(entry.path()).unwrap()));
        }
    }
    problems
}

#[test]
fn the_checker_sees_scripts_when_they_are_there() {
    // The suite is only as good as its detector: every vector, raw, must be caught.
    let mut missed = Vec::new();
    for v in VECTORS {
        // Markdown links as the HTML they become.
        let raw = match v.strip_prefix("[x](").or_else(|| v.strip_prefix("![x](")) {
            Some(target) => format!("<a href=\"{}\">x</a>", target.trim_end_matches(')')),
            None => v.to_string(),
        };
        let page =
            format!("<!doctype html><html><head><title>t</title></head><body>{raw}</body></html>");
        if executable_parts(&page).is_empty() {
            missed.push(*v);
        }
    }
    // These do not run in a body as written: they target other contexts (a data-blade
    // attribute, CDATA) or are inert in HTML5 (`<xmp>` text, a broken tag name, a widget
    // child element). Every other vector must be caught raw.
    eprintln!(
        "detector: {} of {} vectors caught raw; missed {missed:?}",
        VECTORS.len() - missed.len(),
        VECTORS.len()
    );
    let inert = [
        "[x](data-blade:A.B\"onmouseover=\"alert(1))",
        "]]><script>alert(1)</script>",
        "<scr<script>ipt>alert(1)</script>",
        "<xmp><script>alert(1)</script></xmp>",
        "<video><src>javascript:alert(1)</src><title>x</title></video>",
    ];
    let unexpected: Vec<_> = missed.iter().filter(|m| !inert.contains(m)).collect();
    assert!(
        unexpected.is_empty(),
        "the detector misses: {unexpected:#?}"
    );
}

#[test]
fn no_output_file_of_a_hostile_tree_can_run_script() {
    assert!(VECTORS.len() >= 40, "at least 40 vectors");
    let dir = tempfile::tempdir().unwrap();
    let (src, out) = (dir.path().join("articles"), dir.path().join("output"));
    fs::create_dir(&src).unwrap();
    let written = write_hostile_tree(&src);
    let o = build(&src, &out, &["-q"]);
    assert!(
        o.status.code().is_some(),
        "shelf was killed: {:?}",
        o.status
    );
    assert_ne!(o.status.code(), Some(101), "shelf panicked: {}", stderr(&o));
    let pages = fs::read_dir(out.join("articles")).unwrap().count();
    // Every article is built: hostile values are content problems, not reasons to drop a page.
    assert_eq!(pages, written);
    let files = walkdir::WalkDir::new(&out)
        .into_iter()
        .filter(|e| e.as_ref().unwrap().file_type().is_file())
        .count();
    eprintln!("{written} hostile articles, {pages} article pages, {files} output files read back");
    let problems = unsafe_output(&out);
    assert!(
        problems.is_empty(),
        "{} problems:\n{}",
        problems.len(),
        problems.join("\n")
    );
}

#[test]
fn placeholders_that_look_like_tags_stay_visible_next_to_hostile_html() {
    let dir = tempfile::tempdir().unwrap();
    let (src, out) = (dir.path().join("articles"), dir.path().join("output"));
    fs::create_dir(&src).unwrap();
    fs::write(
        src.join("p.md"),
        format!(
            "{}# Placeholders\n\nRun `az storage` on <your-storage-account> in <resource group>.\n\n<script>alert(1)</script>\n",
            header("p", &[], "generic")
        ),
    )
    .unwrap();
    let o = build(&src, &out, &["-q"]);
    // The script is an error, as `shelf check` says (the page is still built, without it).
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("error[SH327/unsafe-html]"),
        "{}",
        stderr(&o)
    );
    let page = fs::read_to_string(out.join("articles/p.html")).unwrap();
    assert!(page.contains("&lt;your-storage-account&gt;"), "{page}");
    assert!(page.contains("&lt;resource group&gt;"), "{page}");
    assert!(!page.contains("<script"), "{page}");
}

/// A file of the tree and what must be said about it.
struct Broken {
    name: &'static str,
    bytes: Vec<u8>,
    /// The diagnostic code expected for it, and the line it names.
    code: &'static str,
    line: usize,
}

fn valid(id: &str, body: &str) -> Vec<u8> {
    format!("{}# Title {id}\n\n{body}\n", header(id, &[], "generic")).into_bytes()
}

fn broken_files() -> Vec<Broken> {
    let mut deep_list = String::new();
    for i in 0..100_000 {
        deep_list.push_str(&" ".repeat((i % 50) * 2));
        deep_list.push_str("- x\n");
    }
    let mut v = vec![
        Broken {
            name: "invalid-utf8.md",
            bytes: [b"<properties pageTitle=\"a\xff\xfe\" />\n# T\n".as_slice()].concat(),
            code: "SH002",
            line: 1,
        },
        Broken {
            name: "nul-bytes.md",
            bytes: b"<properties pageTitle=\"a\" />\n# T\n\nx\x00y\n".to_vec(),
            code: "SH002",
            line: 4,
        },
        Broken {
            name: "binary.md",
            bytes: (0..=255u8).cycle().take(4096).collect(),
            code: "SH002",
            line: 1,
        },
        Broken {
            name: "empty.md",
            bytes: Vec::new(),
            code: "SH009",
            line: 1,
        },
        Broken {
            name: "header-never-closes.md",
            bytes: b"<properties pageTitle=\"a\"\n description=\"b\"\n# T\n\nbody\n".to_vec(),
            code: "SH004",
            line: 1,
        },
        Broken {
            name: "unquoted.md",
            bytes: b"<properties pageTitle=a articleId=\"u\" />\n# T\n".to_vec(),
            code: "SH006",
            line: 1,
        },
        Broken {
            name: "entity-tricks.md",
            bytes: b"<properties pageTitle=\"a &bogus; &#xD800; &#0; &amp\" articleId=\"ent\" />\n# T\n"
                .to_vec(),
            code: "SH007",
            line: 1,
        },
        Broken {
            name: "deep-quotes.md",
            bytes: [valid("deepq", "").as_slice(), ">".repeat(100_000).as_bytes(), b" x\n"].concat(),
            code: "",
            line: 0,
        },
        Broken {
            name: "deep-lists.md",
            bytes: [valid("deepl", "").as_slice(), deep_list.as_bytes()].concat(),
            code: "",
            line: 0,
        },
        Broken {
            // A widget opened in a paragraph and never closed, then 100,000 inline tags.
            name: "unclosed-inline-widget.md",
            bytes: valid("openwidget", &format!("See <insight> {}", "<b>x</b> ".repeat(100_000))),
            code: "",
            line: 0,
        },
        Broken {
            name: "long-line.md",
            bytes: valid("longline", &"word ".repeat(400_000)),
            code: "",
            line: 0,
        },
        Broken {
            name: "climbs out.md",
            bytes: valid("climb", "[passwords](../../../../etc/passwd) and ![i](../../x.png)"),
            code: "SH409",
            line: 15,
        },
        Broken {
            name: "include.md",
            bytes: valid("incl", "[!INCLUDE [x](../../../secret.md)]"),
            code: "SH309",
            line: 15,
        },
    ];
    // Spaces and non-ASCII in the name: an ordinary, valid article.
    v.push(Broken {
        name: "Überprüfung der Größe ñ 日本.md",
        bytes: valid("unicode-name", "Fine."),
        code: "",
        line: 0,
    });
    v
}

#[test]
fn every_kind_of_broken_file_is_named_and_the_rest_is_built() {
    let dir = tempfile::tempdir().unwrap();
    let (src, out) = (dir.path().join("articles"), dir.path().join("output"));
    fs::create_dir(&src).unwrap();
    let files = broken_files();
    for b in &files {
        fs::write(src.join(b.name), &b.bytes).unwrap();
    }
    fs::write(src.join("good.md"), valid("good", "A good article.")).unwrap();
    // Past the size limit (sparse, so no disk is used): not read at all.
    fs::File::create(src.join("disk-image.md"))
        .unwrap()
        .set_len((64 << 20) + 1)
        .unwrap();
    // A symlink loop, and a link to nothing.
    #[cfg(unix)]
    {
        std::os::unix::fs::symlink(&src, src.join("loop")).unwrap();
        std::os::unix::fs::symlink(dir.path().join("gone"), src.join("dangling.md")).unwrap();
    }

    let o = shelf(
        &["check", "--format", "json", src.to_str().unwrap()],
        dir.path(),
    );
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let report: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let diags = report["diagnostics"].as_array().unwrap();
    let find = |name: &str, code: &str| {
        diags
            .iter()
            .find(|d| d["file"].as_str().is_some_and(|f| f.ends_with(name)) && d["code"] == code)
    };
    for b in files.iter().filter(|b| !b.code.is_empty()) {
        let d = find(b.name, b.code)
            .unwrap_or_else(|| panic!("no {} for {}: {report:#}", b.code, b.name));
        assert_eq!(
            d["start"]["line"].as_u64(),
            Some(b.line as u64),
            "{} {d}",
            b.name
        );
        assert!(d["start"]["column"].as_u64().is_some(), "{d}");
    }
    assert!(find("disk-image.md", "SH014").is_some(), "{report:#}");
    #[cfg(unix)]
    for name in ["loop", "dangling.md"] {
        assert!(find(name, "SH001").is_some(), "{name}: {report:#}");
    }

    let o = build(&src, &out, &["-q"]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    for id in [
        "good",
        "deepq",
        "deepl",
        "longline",
        "climb",
        "unicode-name",
    ] {
        assert!(
            out.join(format!("articles/{id}.html")).is_file(),
            "{id} was not built"
        );
    }
    let problems = unsafe_output(&out);
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[cfg(unix)]
#[test]
fn an_unreadable_file_is_named_and_the_rest_is_built() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let (src, out) = (dir.path().join("articles"), dir.path().join("output"));
    fs::create_dir(&src).unwrap();
    fs::write(src.join("good.md"), valid("good", "Fine.")).unwrap();
    let locked = src.join("locked.md");
    fs::write(&locked, valid("locked", "Secret.")).unwrap();
    fs::set_permissions(&locked, fs::Permissions::from_mode(0o000)).unwrap();
    if fs::read(&locked).is_ok() {
        // Running as root: permissions do not stop reads, so there is nothing to test.
        eprintln!("skipped: this user can read a mode-000 file");
        return;
    }
    let o = build(&src, &out, &["-q"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("locked.md"), "{}", stderr(&o));
    assert!(stderr(&o).contains("SH001"), "{}", stderr(&o));
    assert!(out.join("articles/good.html").is_file());
}

#[test]
fn a_50_mb_article_is_built() {
    let dir = tempfile::tempdir().unwrap();
    let (src, out) = (dir.path().join("articles"), dir.path().join("output"));
    fs::create_dir(&src).unwrap();
    let paragraph = "Restart the virtual machine, then check the boot diagnostics. ".repeat(16);
    let mut body = String::with_capacity(50 << 20);
    while body.len() < 50 << 20 {
        body.push_str(&paragraph);
        body.push_str("\n\n");
    }
    fs::write(src.join("huge.md"), valid("huge", &body)).unwrap();
    fs::write(src.join("small.md"), valid("small", "Fine.")).unwrap();
    let o = build(&src, &out, &["--verbose"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(stderr(&o).contains("SH013"), "{}", stderr(&o));
    let page = out.join("articles/huge.html");
    assert!(fs::metadata(&page).unwrap().len() > 50 << 20);
    assert!(out.join("articles/small.html").is_file());
}

/// The tree of the kill test: enough articles that a build takes a good fraction of a second.
fn big_tree(dir: &Path, articles: usize) -> PathBuf {
    let src = dir.join("articles");
    fs::create_dir_all(&src).unwrap();
    let body = "Restart the machine and check the boot log. ".repeat(200);
    for i in 0..articles {
        let extra = [("supportTopicIds", format!("{}", 32600000 + i % 400))];
        let text = format!(
            "{}# Article {i}\n\n{body}\n\n## **Recommended Steps**\n\n1. One\n2. Two\n",
            header(&format!("a{i}"), &extra, "generic")
        );
        fs::write(src.join(format!("a{i}.md")), text).unwrap();
    }
    src
}

/// Every file of a site with its bytes, for comparing two states of it.
fn snapshot(site: &Path) -> Vec<(String, Vec<u8>)> {
    let mut files: Vec<(String, Vec<u8>)> = walkdir::WalkDir::new(site)
        .into_iter()
        .map(|e| e.unwrap())
        .filter(|e| e.file_type().is_file())
        .map(|e| {
            (
                e.path().strip_prefix(site).unwrap().display().to_string(),
                fs::read(e.path()).unwrap(),
            )
        })
        .collect();
    files.sort();
    files
}

#[cfg(unix)]
#[test]
fn a_build_killed_half_way_leaves_the_previous_site_intact() {
    use std::process::{Command, Stdio};
    use std::time::{Duration, Instant};

    let dir = tempfile::tempdir().unwrap();
    let src = big_tree(dir.path(), 3000);
    let out = dir.path().join("output");
    let o = build(&src, &out, &["-q"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let mut before = snapshot(&out);

    // Change every article, so a half-written new site would differ from the old one.
    for i in 0..3000 {
        let p = src.join(format!("a{i}.md"));
        let text = fs::read_to_string(&p)
            .unwrap()
            .replace("# Article", "# Changed article");
        fs::write(p, text).unwrap();
    }

    let mut killed_while_writing = 0;
    let mut pages_at_kill = Vec::new();
    for attempt in 0..10 {
        let mut child = Command::new(env!("CARGO_BIN_EXE_shelf"))
            .args(["build", "-q", "--source"])
            .arg(&src)
            .arg("--output")
            .arg(&out)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        // Wait until the new site is partly written, a little further each attempt
        // (1, 300, 600... of its 3000 article pages in the staging folder), then kill it.
        let goal = (attempt * 300).max(1);
        let started = Instant::now();
        let staged_pages = || -> usize {
            fs::read_dir(dir.path())
                .unwrap()
                .flatten()
                .filter(|e| e.file_name().to_string_lossy().contains(".staging-"))
                .map(|e| fs::read_dir(e.path().join("articles")).map_or(0, |d| d.count()))
                .sum()
        };
        while staged_pages() < goal && started.elapsed() < Duration::from_secs(20) {
            if child.try_wait().unwrap().is_some() {
                break;
            }
            std::thread::sleep(Duration::from_micros(100));
        }
        let written = staged_pages();
        let was_writing = written > 0;
        child.kill().ok();
        let status = child.wait().unwrap();
        if was_writing && status.code().is_none() {
            killed_while_writing += 1;
            pages_at_kill.push(written);
            assert_eq!(
                snapshot(&out),
                before,
                "the previous site changed after a kill"
            );
        } else if status.success() {
            // It finished before the kill: its site is now the previous one.
            before = snapshot(&out);
        }
    }
    eprintln!(
        "{killed_while_writing} of 10 builds killed while writing (pages of 3000 written: {pages_at_kill:?}); previous site intact"
    );
    assert!(killed_while_writing > 0, "no build was caught half-way");

    // The next build clears what the killed ones left and swaps in the new site.
    let o = build(&src, &out, &["-q"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let page = fs::read_to_string(out.join("articles/a1.html")).unwrap();
    assert!(page.contains("Changed article"));
    let leftovers: Vec<String> = fs::read_dir(dir.path())
        .unwrap()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with(".output."))
        .collect();
    // Only the site just replaced, kept for the next build to write over (Unix).
    let kept: &[&str] = if cfg!(unix) {
        &[".output.previous"]
    } else {
        &[]
    };
    assert_eq!(leftovers, kept, "left behind");
}

/// The inputs fuzzing found crashes or broken fixes with (`tests/fixtures/fuzz`), kept as
/// regression tests: each is checked, fixed and built without a crash, and fixing never makes
/// a file that had an article lose it (it may rescue one).
#[test]
fn fuzzing_finds_stay_fixed() {
    let dir = tempfile::tempdir().unwrap();
    let src = dir.path().join("articles");
    fs::create_dir(&src).unwrap();
    let mut names = Vec::new();
    for entry in fs::read_dir(super::fixture("fuzz")).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        fs::copy(&path, src.join(&name)).unwrap();
        names.push(name);
    }
    assert!(names.len() >= 5, "{names:?}");
    let built_before = |o: &std::process::Output| {
        assert!(
            matches!(o.status.code(), Some(0 | 1)),
            "{:?}: {}",
            o.status,
            stderr(o)
        );
    };
    let o = shelf(&["check", src.to_str().unwrap()], dir.path());
    built_before(&o);
    let articles_before = articles_of(&src, dir.path());
    let o = shelf(&["check", "--fix", src.to_str().unwrap()], dir.path());
    built_before(&o);
    // A fix may rescue an article (a misspelled articleId), never lose one.
    let articles_after = articles_of(&src, dir.path());
    let lost: Vec<_> = articles_before
        .iter()
        .filter(|page| !articles_after.contains(page))
        .collect();
    assert!(lost.is_empty(), "--fix lost {lost:?}");
    assert!(
        articles_after.len() > articles_before.len(),
        "the misspelled-articleId find is rescued by --fix: {articles_before:?} -> {articles_after:?}"
    );
    let o = build(&src, &dir.path().join("output"), &["-q"]);
    built_before(&o);
}

/// The pages a build of the tree writes: one per file that parses into an article.
fn articles_of(src: &Path, cwd: &Path) -> Vec<String> {
    let out = cwd.join("pages-of");
    let o = build(src, &out, &["-q"]);
    assert!(matches!(o.status.code(), Some(0 | 1)), "{}", stderr(&o));
    let mut pages: Vec<String> = fs::read_dir(out.join("articles"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    pages.sort();
    pages
}

#[test]
fn the_search_script_never_parses_text_as_html() {
    let script =
        fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("templates/search.js"))
            .unwrap();
    for sink in [
        "innerHTML",
        "outerHTML",
        "insertAdjacentHTML",
        "document.write",
        "createContextualFragment",
        "DOMParser",
        "eval(",
        "Function(",
        "srcdoc",
    ] {
        assert!(!script.contains(sink), "search.js uses {sink}");
    }
}

/// Searching the hostile tree in a real browser shows the hostile titles, excerpts and facet
/// values as text: nothing runs, whichever result the vectors land in.
#[test]
fn searching_hostile_articles_runs_nothing() {
    use crate::browser::{Server, eval, open, wait_for};
    let dir = tempfile::tempdir().unwrap();
    let (src, out) = (dir.path().join("articles"), dir.path().join("output"));
    fs::create_dir(&src).unwrap();
    write_hostile_tree(&src);
    build(&src, &out, &["-q"]);
    let server = Server::start(&out);
    let (_browser, tab) = open(&server.url("search.html"));
    // Anything a vector would call is a trap that records the call.
    eval(
        &tab,
        "window.__ran = [];
         for (const f of ['alert', 'confirm', 'prompt', 'print', 'open']) window[f] = () => window.__ran.push(f);
         return true",
    );
    for query in ["hostile", "alert", "script", "img onerror", "javascript"] {
        eval(
            &tab,
            &format!(
                "const i = document.getElementById('search-input'); i.value = {}; i.dispatchEvent(new Event('input')); return true",
                serde_json::to_string(query).unwrap()
            ),
        );
        wait_for(
            &tab,
            "results",
            "return /result/.test(document.querySelector('.search-status').textContent) || !!document.querySelector('.search-none')",
        );
        // Show every page of results, so every fragment is put on screen.
        for _ in 0..40 {
            let more = eval(
                &tab,
                "const b = document.querySelector('.search-more'); if (b.hidden) return false; b.click(); return true",
            );
            if more == false {
                break;
            }
            std::thread::sleep(std::time::Duration::from_millis(30));
        }
        std::thread::sleep(std::time::Duration::from_millis(300));
        let ran = eval(&tab, "return window.__ran");
        assert_eq!(ran, serde_json::json!([]), "{query}: hostile code ran");
        let injected = eval(
            &tab,
            "return [...document.querySelectorAll('.search-app script, .search-app img, .search-app iframe, .search-app svg, .search-app [onerror], .search-app [onload]')].map(e => e.outerHTML)",
        );
        assert_eq!(injected, serde_json::json!([]), "{query}");
    }
    let shown = eval(
        &tab,
        "return document.querySelectorAll('.search-results > li').length",
    );
    assert!(shown.as_u64().unwrap() > 0);
}
