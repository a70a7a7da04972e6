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
    // The topic page and the API record that list it are rewritten too (in the same
    // rebuild; the page may be read before the record is written).
    serve.until(
        "/api/v1/articles/5e1f0000-0000-0000-0000-000000000002.json",
        "the edit in the API record",
        |s, b| s == 200 && b.contains("A sentence added while serving."),
    );

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
    // An edit of the body alone: the article keeps its place, the library is updated in
    // place and only its own page, fragment and record are written.
    step("add a paragraph", &|| {
        std::fs::write(&rdp, format!("{text}\nA paragraph added while serving.\n")).unwrap()
    });
    // Its description shows in the lists: they are written again.
    step("edit the description", &|| {
        let described = text.replacen(
            "description=\"Remote Desktop",
            "description=\"Edited: Remote Desktop",
            1,
        );
        assert_ne!(described, text);
        std::fs::write(
            &rdp,
            format!("{described}\nA paragraph added while serving.\n"),
        )
        .unwrap()
    });
    served_is_built(site, &serve, "after edits that keep the article's place");
    // A new title: the article moves in its lists, which are written again.
    step("edit the title and headings", &|| {
        std::fs::write(&rdp, text.replace("# ", "# Edited: ")).unwrap()
    });
    served_is_built(site, &serve, "after a new title");
    // A topic no article describes is named after its articles' titles: a new title renames
    // it on the pages of every article filed under it.
    let named = |order: u8, title: &str| {
        text.replacen("supportTopicIds=\"", "supportTopicIds=\"77700002,", 1)
            .replace(
                "5e1f0000-0000-0000-0000-000000000002",
                &format!("5e1f0000-0000-0000-0000-0000000000f{order}"),
            )
            .replacen(
                "displayOrder=\"1\"",
                &format!("displayOrder=\"{order}\""),
                1,
            )
            .replacen("\n# ", &format!("\n# {title}\n\n<!-- was: -->\n"), 1)
    };
    step("file two articles under a topic of their own", &|| {
        std::fs::write(
            articles.join("microsoft.compute/named-1.md"),
            named(1, "Alpha one"),
        )
        .unwrap();
        std::fs::write(
            articles.join("microsoft.compute/named-2.md"),
            named(2, "Beta two"),
        )
        .unwrap();
    });
    served_is_built(site, &serve, "after two articles under a new topic");
    assert!(
        read(&site.join("output/topics/77700002.html"))
            .contains("Support topic 77700002: Alpha one")
    );
    step("retitle the one the topic is named after", &|| {
        std::fs::write(
            articles.join("microsoft.compute/named-1.md"),
            named(1, "Gamma three"),
        )
        .unwrap()
    });
    served_is_built(site, &serve, "after a topic was renamed by a title");
    step("remove them", &|| {
        std::fs::remove_file(articles.join("microsoft.compute/named-1.md")).unwrap();
        std::fs::remove_file(articles.join("microsoft.compute/named-2.md")).unwrap();
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

    served_is_built(site, &serve, "after every kind of edit");
    assert!(site.join("output/topics/77700001.html").is_file());
    assert!(
        !site
            .join("output/articles/5e1f0000-0000-0000-0000-0000000000ff.html")
            .exists()
    );
    let log = serve.log();
    assert!(log.contains("rewrote"), "no incremental rebuild:\n{log}");
    assert!(
        log.contains("changed: rewrote 4 pages"),
        "the paragraph rewrote more than the article's page, fragment, record and style:\n{log}"
    );
    assert!(log.contains("rebuilt the whole site"), "{log}");
}

/// Waits (10 s at most: the search index is rewritten just after the pages) until the site
/// serve keeps is byte for byte what a fresh `shelf build` of the same source makes.
fn served_is_built(site: &Path, serve: &Serve, when: &str) {
    let fresh = site.join("fresh");
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let args = [
            "build",
            "--quiet",
            "--force",
            "--output",
            fresh.to_str().unwrap(),
        ];
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
            return;
        }
        assert!(
            Instant::now() < deadline,
            "{when}: serve's site differs from a fresh build in {} files: {:?}\n{}",
            differ.len(),
            &differ[..differ.len().min(20)],
            serve.log()
        );
        std::thread::sleep(Duration::from_millis(200));
    }
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
        shelf::pipeline::load::load(&config, None, shelf::check::article::Mode::Check).unwrap()
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

/// A raw request and the status of its answer (0 when the connection closed without one).
fn raw_status(addr: &str, request: &[u8]) -> u16 {
    let mut stream = TcpStream::connect(addr).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(15)))
        .unwrap();
    // The server may close while the request is still being sent (a head too large).
    let _ = stream.write_all(request);
    let mut response = Vec::new();
    let _ = stream.read_to_end(&mut response);
    std::str::from_utf8(response.get(9..12).unwrap_or(b"000"))
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(0)
}

#[cfg(unix)]
#[test]
fn links_planted_in_the_output_are_never_served_or_written_through() {
    let dir = samples_site();
    let site = dir.path();
    let outside = tempfile::tempdir().unwrap();
    let secret = outside.path().join("secret.txt");
    std::fs::write(&secret, "TOP-SECRET").unwrap();
    let serve = Serve::start(site, &[]);
    let page = RDP_PAGE.trim_start_matches('/');
    let out = site.join("output");
    // Planted after the first build: where serve writes a changed page, and pages of its own.
    let link = std::os::unix::fs::symlink::<&Path, PathBuf>;
    link(&secret, out.join(format!("{page}.part"))).unwrap();
    let other = "articles/5e1f0000-0000-0000-0000-000000000001.html";
    std::fs::remove_file(out.join(other)).unwrap();
    link(&secret, out.join(other)).unwrap();
    link(outside.path(), out.join("outside")).unwrap();
    assert_eq!(
        serve.get(&format!("/{other}")).0,
        404,
        "a planted link is served"
    );
    assert_eq!(serve.get("/outside/secret.txt").0, 404);

    let article = site.join(RDP);
    let text = read(&article);
    std::fs::write(&article, format!("{text}\nEdited past the links.\n")).unwrap();
    serve.until(RDP_PAGE, "the edit", |s, b| {
        s == 200 && b.contains("Edited past the links.")
    });
    // Touch the other article too, so its page is written where the link was.
    let first = site.join("articles/microsoft.compute/vm-start-failure.md");
    if first.exists() {
        let text = read(&first);
        std::fs::write(&first, format!("{text}\nEdited too.\n")).unwrap();
    }
    std::thread::sleep(Duration::from_millis(500));
    assert_eq!(
        read(&secret),
        "TOP-SECRET",
        "a page was written through a link"
    );
    assert!(std::fs::symlink_metadata(out.join(page)).unwrap().is_file());
}

#[test]
fn serve_answers_only_its_own_host_names() {
    let dir = samples_site();
    let serve = Serve::start(dir.path(), &["--allowed-host", "docs.internal"]);
    let port = serve.addr.rsplit(':').next().unwrap();
    let ask = |host: &str| {
        raw_status(
            &serve.addr,
            format!("GET / HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n").as_bytes(),
        )
    };
    for host in [
        format!("127.0.0.1:{port}"),
        format!("localhost:{port}"),
        format!("docs.internal:{port}"),
    ] {
        assert_eq!(ask(&host), 200, "{host}");
    }
    // A page on attacker.example whose name now resolves to 127.0.0.1 (DNS rebinding).
    for host in [
        format!("attacker.example:{port}"),
        "attacker.example".into(),
    ] {
        assert_eq!(ask(&host), 403, "{host}");
    }
}

/// Idle connections, long paths and huge heads, all at once: serve keeps answering a page
/// within 100 ms, and says no to the abuse instead of working on it.
#[test]
fn serve_keeps_answering_under_idle_connections_long_paths_and_huge_heads() {
    let dir = samples_site();
    let serve = Serve::start(dir.path(), &[]);
    // Idle: connected, nothing sent. tiny_http's accept thread panicked at a few hundred.
    let idle: Vec<TcpStream> = (0..600)
        .filter_map(|_| TcpStream::connect(&serve.addr).ok())
        .collect();
    assert!(idle.len() >= 500, "only {} connections", idle.len());
    // Half a head, never finished (slowloris).
    let mut slow: Vec<TcpStream> = (0..50)
        .map(|_| TcpStream::connect(&serve.addr).unwrap())
        .collect();
    for s in &mut slow {
        s.write_all(b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ")
            .unwrap();
    }
    let host = "Host: 127.0.0.1\r\nConnection: close\r\n";
    let long_path = format!("GET /{} HTTP/1.1\r\n{host}\r\n", "a".repeat(8_000));
    assert_eq!(raw_status(&serve.addr, long_path.as_bytes()), 414);
    let huge_path = format!("GET /{} HTTP/1.1\r\n{host}\r\n", "a".repeat(1 << 20));
    assert!(
        matches!(raw_status(&serve.addr, huge_path.as_bytes()), 0 | 414 | 431),
        "a 1 MB path is refused"
    );
    let huge_head = format!(
        "GET / HTTP/1.1\r\n{host}X-Big: {}\r\n\r\n",
        "b".repeat(100_000)
    );
    assert!(matches!(
        raw_status(&serve.addr, huge_head.as_bytes()),
        0 | 431
    ));
    let many = format!("GET / HTTP/1.1\r\n{host}{}\r\n", "X-A: b\r\n".repeat(500));
    assert!(matches!(raw_status(&serve.addr, many.as_bytes()), 0 | 431));
    // A 404 for a long name costs as little as any other.
    let started = Instant::now();
    let long_404 = format!("/articles/{}.html", "x".repeat(2_000));
    assert_eq!(serve.get(&long_404).0, 404);
    assert!(
        started.elapsed() < Duration::from_secs(1),
        "{:?}",
        started.elapsed()
    );

    let mut times: Vec<Duration> = (0..20)
        .map(|_| {
            let started = Instant::now();
            let (status, _) = serve.get(RDP_PAGE);
            assert_eq!(status, 200);
            started.elapsed()
        })
        .collect();
    times.sort();
    let median = times[10];
    println!(
        "a page under load: median {median:?}, slowest {:?}",
        times[19]
    );
    assert!(median < Duration::from_millis(100), "median {median:?}");
    drop((idle, slow));
}

/// `shelf --config FILE serve` reads that file (its folder is the root) and rebuilds when it
/// is saved, as with shelf.toml.
#[test]
fn serve_reads_and_watches_the_configuration_named_by_config() {
    let dir = samples_site();
    let site = dir.path();
    std::fs::create_dir_all(site.join("conf")).unwrap();
    let conf = site.join("conf/site.toml");
    std::fs::write(
        &conf,
        "title = \"Named configuration\"\nsource = \"../articles\"\noutput = \"../out\"\n",
    )
    .unwrap();
    let serve = Serve::start(site, &["--config", "conf/site.toml"]);
    let (status, home) = serve.get("/");
    assert_eq!(status, 200);
    assert!(home.contains("Named configuration"), "{home}");
    std::fs::write(
        &conf,
        "title = \"Renamed while serving\"\nsource = \"../articles\"\noutput = \"../out\"\n",
    )
    .unwrap();
    serve.until("/", "the new title", |s, b| {
        s == 200 && b.contains("Renamed while serving")
    });
}

/// `shelf build`, `shelf serve` and `shelf check` run the same rules at the same levels: on
/// the corpus, the problems the first two print (with --verbose, warnings included) are
/// exactly those `shelf check` reports, and build's exit code says there are errors.
#[test]
fn build_serve_and_check_report_the_same_problems_on_the_corpus() {
    let Some(corpus) = crate::build::corpus() else {
        return;
    };
    let site = tempfile::tempdir().unwrap();
    let source = corpus.to_str().unwrap();
    // (file:line:col, severity, code) of each printed diagnostic.
    let printed = |log: &str| -> Vec<(String, String, String)> {
        let mut found: Vec<_> = log
            .lines()
            .filter_map(|line| {
                let (place, rest) = [": error[", ": warning["]
                    .iter()
                    .find_map(|sep| line.split_once(sep).map(|(p, r)| (p, (sep, r))))?;
                let code = rest.1.split(['/', ']']).next()?;
                let severity = rest.0.trim_matches([':', ' ', '[']);
                Some((place.to_string(), severity.to_string(), code.to_string()))
            })
            .collect();
        found.sort();
        found
    };
    let mut checked: Vec<(String, String, String)> =
        crate::check_json(&["--source", source], site.path())
            .iter()
            .map(|d| {
                let mut place = d["file"].as_str().unwrap().to_string();
                if let Some(line) = d["start"]["line"].as_u64() {
                    place = format!("{place}:{line}:{}", d["start"]["column"]);
                }
                let text = |k: &str| d[k].as_str().unwrap().to_string();
                (place, text("severity"), text("code"))
            })
            .collect();
    checked.sort();
    let errors = checked.iter().filter(|d| d.1 == "error").count();
    assert!(errors > 0 && checked.len() > errors, "the corpus has both");

    let output = site.path().join("built");
    let built = crate::shelf(
        &[
            "build",
            "--verbose",
            "--source",
            source,
            "--output",
            output.to_str().unwrap(),
        ],
        site.path(),
    );
    assert_eq!(built.status.code(), Some(1), "errors make the build exit 1");
    let build_log = crate::stderr(&built);
    assert_eq!(printed(&build_log), checked, "build and check differ");
    assert!(
        build_log.contains(&format!(
            "{errors} errors and {} warnings",
            checked.len() - errors
        )),
        "{}",
        &build_log[build_log.len().saturating_sub(300)..]
    );

    let serve = Serve::start(
        site.path(),
        &["--verbose", "--source", source, "--output", "served"],
    );
    assert_eq!(printed(&serve.log()), checked, "serve and check differ");
}

/// The baseline named in shelf.toml is one for every command: the problems it holds are
/// counted but neither printed nor failing in `check`, `build` and `serve`; a new problem
/// still is, in all three.
#[test]
fn the_baseline_of_shelf_toml_quiets_known_problems_everywhere_and_new_ones_still_fail() {
    let dir = samples_site();
    let site = dir.path();
    std::fs::write(
        site.join("shelf.toml"),
        "baseline = \".shelf-baseline.json\"\n",
    )
    .unwrap();
    // A problem the repository already has: an article whose header is not closed.
    let known = site.join(RDP);
    let text = read(&known);
    std::fs::write(&known, text.replacen("/>", ">", 1)).unwrap();
    let check = |args: &[&str]| crate::shelf(&[&["check"], args].concat(), site);
    let before = check(&["--no-baseline"]);
    assert_eq!(before.status.code(), Some(1), "{}", crate::stdout(&before));
    assert!(crate::stdout(&before).contains("SH004"));

    let recorded = check(&["--update-baseline"]);
    assert_eq!(
        recorded.status.code(),
        Some(0),
        "{}",
        crate::stderr(&recorded)
    );
    assert!(site.join(".shelf-baseline.json").is_file());
    let quiet = check(&[]);
    let report = crate::stdout(&quiet);
    assert_eq!(quiet.status.code(), Some(0), "{report}");
    assert!(
        !report.contains("SH004") && report.contains("more in the baseline"),
        "{report}"
    );

    let built = crate::shelf(&["build"], site);
    let log = crate::stderr(&built);
    assert_eq!(built.status.code(), Some(0), "{log}");
    assert!(
        !log.contains("error[") && log.contains("more in the baseline"),
        "{log}"
    );

    let serve = Serve::start(site, &["--output", "served"]);
    assert!(!serve.log().contains("error["), "{}", serve.log());
    // A new problem in another article: served as an error, and it fails check and build.
    let other = site.join("articles/microsoft.compute/vm-disk-latency.md");
    let other_text = read(&other);
    std::fs::write(&other, other_text.replacen("/>", ">", 1)).unwrap();
    let (_, page) = serve.until("/index.html", "the overlay", |_, b| {
        b.contains("shelf-overlay")
    });
    assert!(page.contains("vm-disk-latency.md") && !page.contains("vm-rdp-connectivity.md"));
    let log = serve.log();
    assert!(
        log.contains("vm-disk-latency.md") && !log.contains("vm-rdp-connectivity.md:"),
        "{log}"
    );
    let failed = check(&[]);
    let report = crate::stdout(&failed);
    assert_eq!(failed.status.code(), Some(1), "{report}");
    assert!(report.contains("vm-disk-latency.md") && !report.contains("vm-rdp-connectivity.md"));
    assert_eq!(crate::shelf(&["build"], site).status.code(), Some(1));
}
