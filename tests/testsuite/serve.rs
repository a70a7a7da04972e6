//! `shelf serve`: the real binary on a copy of the samples, driven over HTTP while its source
//! changes on disk; and the site it keeps up to date compared with a fresh `shelf build`.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use crate::{copy_tree, read, shelf_at_fixed_time, tree};

/// A running `shelf serve`, stopped when dropped.
struct Serve {
    child: Child,
    addr: String,
    stderr: PathBuf,
}

impl Serve {
    fn start(site: &Path, extra: &[&str]) -> Serve {
        let stderr = site.join("serve.log");
        let mut child = Command::new(env!("CARGO_BIN_EXE_shelf"))
            .args(["serve", "--port", "0"])
            .args(extra)
            .current_dir(site)
            .env("NO_COLOR", "1")
            .env("SOURCE_DATE_EPOCH", "1700000000")
            .stdout(Stdio::piped())
            .stderr(std::fs::File::create(&stderr).unwrap())
            .spawn()
            .expect("shelf serve starts");
        let mut line = String::new();
        BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut line)
            .unwrap();
        let addr = line
            .split("http://")
            .nth(1)
            .unwrap_or_else(|| panic!("no address in {line:?}: {}", read(&stderr)))
            .trim()
            .trim_end_matches('/')
            .to_string();
        Serve {
            child,
            addr,
            stderr,
        }
    }

    /// Status and body of a GET.
    fn get(&self, path: &str) -> (u16, String) {
        let mut stream = TcpStream::connect(&self.addr).unwrap();
        write!(stream, "GET {path} HTTP/1.0\r\nHost: {}\r\n\r\n", self.addr).unwrap();
        let mut response = String::new();
        stream.read_to_string(&mut response).unwrap();
        let status = response[9..12].parse().unwrap();
        let body = response
            .split_once("\r\n\r\n")
            .map_or(String::new(), |(_, b)| b.to_string());
        (status, body)
    }

    /// Waits (10 s at most) until `path` answers as `done` says; returns the answer.
    fn until(&self, path: &str, what: &str, done: impl Fn(u16, &str) -> bool) -> (u16, String) {
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            let (status, body) = self.get(path);
            if done(status, &body) {
                return (status, body);
            }
            assert!(
                Instant::now() < deadline,
                "{path}: {what} never happened; last answer {status}:\n{}\nserve log:\n{}",
                &body[..body.len().min(2000)],
                read(&self.stderr)
            );
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    fn log(&self) -> String {
        read(&self.stderr)
    }
}

impl Drop for Serve {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A copy of the bundled samples in a fresh site folder.
fn samples_site() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let samples = Path::new(env!("CARGO_MANIFEST_DIR")).join("articles");
    copy_tree(&samples, &dir.path().join("articles"));
    dir
}

const RDP: &str = "articles/microsoft.compute/vm-rdp-connectivity.md";
const RDP_PAGE: &str = "/articles/5e1f0000-0000-0000-0000-000000000002.html";

#[test]
fn edits_show_up_errors_overlay_the_page_and_deleted_articles_answer_404() {
    let dir = samples_site();
    let site = dir.path();
    let article = site.join(RDP);
    assert!(article.exists(), "the sample {RDP} moved; update this test");
    let serve = Serve::start(site, &[]);
    assert!(serve.addr.starts_with("127.0.0.1:"), "{}", serve.addr);

    // The page is served, with the live-reload script and no overlay.
    let (status, page) = serve.get(RDP_PAGE);
    assert_eq!(status, 200);
    assert!(page.contains("/__shelf/live.js") && !page.contains("shelf-overlay"));

    // An edit is served.
    let text = read(&article);
    std::fs::write(
        &article,
        format!("{text}\nA sentence added while serving.\n"),
    )
    .unwrap();
    serve.until(RDP_PAGE, "the edit", |s, b| {
        s == 200 && b.contains("A sentence added while serving.")
    });
    // The topic page and the API record that list it are rewritten too.
    let (_, record) = serve.get("/api/v1/articles/5e1f0000-0000-0000-0000-000000000002.json");
    assert!(record.contains("A sentence added while serving."));

    // A broken header: the overlay names the file, line and rule; the terminal prints it.
    let broken = text.replacen("/>", ">", 1);
    let line = broken[..broken.find("\n#").unwrap()].lines().count();
    std::fs::write(&article, &broken).unwrap();
    let (_, page) = serve.until(RDP_PAGE, "the overlay", |_, b| b.contains("shelf-overlay"));
    let location = format!("vm-rdp-connectivity.md:{line}:");
    assert!(
        page.contains(&location),
        "no {location} in the overlay:\n{page}"
    );
    assert!(page.contains("SH004"));
    assert!(
        serve.log().contains("error[SH004/header-not-closed]"),
        "{}",
        serve.log()
    );
    // Every page shows it, not only the broken article's.
    assert!(serve.get("/index.html").1.contains("shelf-overlay"));

    // Fixed again: the overlay goes.
    std::fs::write(&article, &text).unwrap();
    serve.until(RDP_PAGE, "the overlay to go", |s, b| {
        s == 200 && !b.contains("shelf-overlay")
    });

    // Deleted: its page answers 404 saying why, and the topic page no longer lists it.
    std::fs::remove_file(&article).unwrap();
    let (_, missing) = serve.until(RDP_PAGE, "the 404 saying why", |s, b| {
        s == 404 && b.contains("removed while serving")
    });
    assert!(missing.contains("vm-rdp-connectivity.md"));
    let (_, topics) = serve.get("/topics/index.html");
    assert_eq!(topics.matches("/__shelf/live.js").count(), 1);

    // A mistyped URL: 404 with the nearest pages.
    let (status, near) = serve.get("/articles/5e1f0000-0000-0000-0000-00000000001.html");
    assert_eq!(status, 404);
    assert!(
        near.contains("5e1f0000-0000-0000-0000-000000000001.html"),
        "{near}"
    );
    // Templates are watched too, even a folder made while serving; one that does not compile
    // shows in the overlay and the last good templates stay in use.
    std::fs::create_dir(site.join("templates")).unwrap();
    std::thread::sleep(Duration::from_millis(100));
    let base = include_str!("../../templates/base.html");
    assert!(base.contains("</footer>"));
    let custom = base.replace("</footer>", "Footer from the site's own template</footer>");
    std::fs::write(site.join("templates/base.html"), &custom).unwrap();
    serve.until("/index.html", "the template change", |_, b| {
        b.contains("Footer from the site's own template")
    });
    std::fs::write(site.join("templates/base.html"), custom + "{% if %}").unwrap();
    let (_, page) = serve.until("/index.html", "the template error", |_, b| {
        b.contains("shelf-overlay")
    });
    assert!(page.contains("base.html") && page.contains("Footer from the site's own template"));

    // Nothing outside the site, and no hidden files.
    assert_eq!(serve.get("/../Cargo.toml").0, 404);
    assert_eq!(serve.get("/.shelf-output").0, 404);
}

#[test]
fn the_site_serve_keeps_up_to_date_is_the_site_build_makes() {
    let dir = samples_site();
    let site = dir.path();
    let serve = Serve::start(site, &[]);
    let articles = site.join("articles");
    let generation = || {
        let (_, body) = serve.get("/__shelf/poll?since=999999");
        let v: serde_json::Value = serde_json::from_str(&body).unwrap();
        v["generation"].as_u64().unwrap()
    };
    let mut seen = generation();
    let mut step = |what: &str, change: &dyn Fn()| {
        change();
        let deadline = Instant::now() + Duration::from_secs(10);
        while generation() == seen {
            assert!(
                Instant::now() < deadline,
                "{what}: no rebuild\n{}",
                serve.log()
            );
            std::thread::sleep(Duration::from_millis(20));
        }
        seen = generation();
    };
    let rdp = articles.join("microsoft.compute/vm-rdp-connectivity.md");
    let text = read(&rdp);
    step("edit a body", &|| {
        std::fs::write(&rdp, text.replace("# ", "# Edited: ")).unwrap()
    });
    // A copy with its own articleId, filed under the same topics: a new page, same keys.
    step("add an article", &|| {
        let copy = text.replace(
            "5e1f0000-0000-0000-0000-000000000002",
            "5e1f0000-0000-0000-0000-0000000000ff",
        );
        std::fs::write(articles.join("microsoft.compute/copy.md"), copy).unwrap()
    });
    step("rename an article", &|| {
        std::fs::rename(
            articles.join("microsoft.compute/copy.md"),
            articles.join("microsoft.compute/renamed.md"),
        )
        .unwrap()
    });
    step("delete an article", &|| {
        std::fs::remove_file(articles.join("microsoft.compute/renamed.md")).unwrap()
    });
    // A new support topic moves keys: the whole site is rebuilt.
    step("file under a new topic", &|| {
        let retopic = read(&rdp).replacen("supportTopicIds=\"", "supportTopicIds=\"77700001,", 1);
        std::fs::write(&rdp, retopic).unwrap()
    });

    // The search index is rewritten just after the pages; give it a moment, then compare.
    let fresh = site.join("fresh");
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let args = ["build", "--quiet", "--output", fresh.to_str().unwrap()];
        let out = shelf_at_fixed_time(args, site);
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let (served, built) = (tree(&site.join("output")), tree(&fresh));
        let differ: Vec<&String> = served
            .keys()
            .chain(built.keys())
            .filter(|k| served.get(*k) != built.get(*k))
            .collect();
        if differ.is_empty() {
            assert!(served.contains_key("topics/77700001.html"));
            assert!(!served.contains_key("articles/5e1f0000-0000-0000-0000-0000000000ff.html"));
            break;
        }
        assert!(
            Instant::now() < deadline,
            "serve's site differs from a fresh build in {} files: {:?}\n{}",
            differ.len(),
            &differ[..differ.len().min(20)],
            serve.log()
        );
        std::thread::sleep(Duration::from_millis(200));
    }
    let log = serve.log();
    assert!(log.contains("rewrote"), "no incremental rebuild:\n{log}");
    assert!(log.contains("rebuilt the whole site"), "{log}");
}

/// Save-to-served time on a copy of the real corpus, for the closing note: the median of 10
/// edits, each timed from the write until the page served has the new text.
/// `cargo test --release --test testsuite serve::corpus_edit_to_served -- --ignored --nocapture`
#[test]
#[ignore = "a measurement, not a check; run it by name"]
fn corpus_edit_to_served() {
    let Some(corpus) = crate::build::corpus() else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    copy_tree(&corpus, &dir.path().join("articles"));
    let serve = Serve::start(dir.path(), &[]);
    let lib = {
        let config = shelf::Config {
            source: dir.path().join("articles"),
            ..Default::default()
        };
        shelf::site::load(&config, None, shelf::article::Mode::Check).unwrap()
    };
    let mut times = Vec::new();
    for (n, a) in lib
        .library
        .articles
        .iter()
        .step_by(541)
        .take(10)
        .enumerate()
    {
        let path = dir.path().join("articles").join(&a.path);
        let page = format!("/articles/{}.html", a.slug);
        let marker = format!("Edited while serving, number {n}.");
        let text = read(&path);
        let started = Instant::now();
        std::fs::write(&path, format!("{text}\n{marker}\n")).unwrap();
        loop {
            let (status, body) = serve.get(&page);
            if status == 200 && body.contains(&marker) {
                break;
            }
            assert!(
                started.elapsed() < Duration::from_secs(10),
                "{page}: never updated"
            );
            std::thread::sleep(Duration::from_millis(1));
        }
        times.push(started.elapsed());
        // Let the search index catch up, as between a writer's saves.
        std::thread::sleep(Duration::from_millis(400));
    }
    times.sort();
    let ms: Vec<String> = times
        .iter()
        .map(|t| format!("{:.0}", t.as_secs_f64() * 1000.0))
        .collect();
    println!(
        "edit to served on {} articles, 10 edits: median {:.1} ms (sorted, ms: {})",
        lib.library.articles.len(),
        (times[4] + times[5]).as_secs_f64() * 500.0,
        ms.join(", ")
    );
}
