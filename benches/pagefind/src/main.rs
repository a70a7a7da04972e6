//! Search quality and bytes per query: shelf's search against Pagefind's, on the same built
//! pages, both run by their own JavaScript in headless Chromium.
//!
//!     cargo run --release --manifest-path benches/pagefind/Cargo.toml -- \
//!         [--corpus ../shared/corpus/articles] [--shelf target/release/shelf] \
//!         [--queries 150] [--cold 30] [--seed 1]
//!
//! 1. `shelf build` of the corpus (the real binary); Pagefind (its Rust API, `add_directory`
//!    over the built `articles/*.html`, as a site would run it) writes `pagefind/` beside it.
//! 2. Queries with known answers, drawn from the articles by a seeded generator, in seven
//!    families: one word of a title; whole titles; two or three consecutive title words; five consecutive words
//!    of a body; the same kind of words in quotes; the title's content words reordered with
//!    an inflection changed (a paraphrase that needs no synonym table); a support topic's
//!    description (answers: the topic's articles). An answer is every page whose title (or
//!    text, for body phrases) holds the query's words in order, so copies of an article in
//!    other clouds count alike.
//! 3. Each engine runs every query in one page (warm: what a query fetches after earlier
//!    ones), and a sample in a fresh page each with the cache off (cold). Bytes are what a
//!    host that compresses text sends: a file already gzipped at its size, any other at its
//!    gzip size.
//!
//! Prints, per family and engine: the share of queries with an answer first (recall@1) and in
//! the first ten (recall@10), MRR@10, and bytes per query cold and warm (median, p90).

use std::collections::{BTreeMap, HashMap, HashSet};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

use headless_chrome::{Browser, LaunchOptions, Tab};
use pagefind::api::PagefindIndex;
use pagefind::options::PagefindServiceConfig;
use serde_json::{Value, json};
use shelf::source::library::Library;

const TOP: usize = 10;
const FAMILIES: [&str; 7] = [
    "one word",
    "title",
    "title words",
    "body words",
    "quoted phrase",
    "paraphrase",
    "topic description",
];

fn main() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let mut args = std::env::args().skip(1);
    let mut corpus = root.join("../shared/corpus/articles");
    let mut shelf_bin = root.join("target/release/shelf");
    let (mut per_family, mut cold, mut seed) = (150usize, 30usize, 1u64);
    while let Some(a) = args.next() {
        let mut value = || args.next().expect("a value after the option");
        match a.as_str() {
            "--corpus" => corpus = value().into(),
            "--shelf" => shelf_bin = value().into(),
            "--queries" => per_family = value().parse().expect("a number"),
            "--cold" => cold = value().parse().expect("a number"),
            "--seed" => seed = value().parse().expect("a number"),
            other => panic!("unknown option {other}"),
        }
    }
    let work = std::env::temp_dir().join(format!("shelf-search-quality-{}", std::process::id()));
    let site = work.join("site");
    let started = Instant::now();
    let status = Command::new(&shelf_bin)
        .args(["build", "--quiet", "--source"])
        .arg(&corpus)
        .arg("--output")
        .arg(&site)
        .stderr(Stdio::null())
        .status()
        .expect("shelf runs");
    assert!(site.join("search/index.json").is_file(), "shelf build: {status}");
    println!("shelf build (whole site): {:.2} s", started.elapsed().as_secs_f64());

    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build().unwrap();
    let started = Instant::now();
    let pages = runtime.block_on(pagefind_index(&site));
    println!("pagefind index of {pages} pages: {:.2} s", started.elapsed().as_secs_f64());

    let config = shelf::Config { source: corpus.clone(), ..shelf::Config::default() };
    let loaded = shelf::pipeline::load::load(&config, None, shelf::check::article::Mode::Build)
        .expect("the corpus loads");
    let lib = &loaded.library;
    let queries = queries(lib, per_family, seed);
    for family in FAMILIES {
        let n = queries.iter().filter(|q| q.family == family).count();
        println!("{family}: {n} queries");
    }

    let server = serve(&site);
    let browser = Browser::new(
        LaunchOptions::default_builder()
            .path(Some(chromium()))
            .headless(true)
            .sandbox(false)
            .idle_browser_timeout(Duration::from_secs(600))
            .build()
            .unwrap(),
    )
    .expect("Chromium starts");
    let sizes = Sizes::default();
    let mut report = BTreeMap::new();
    for engine in ["shelf", "pagefind"] {
        let warm = run_warm(&browser, &server, engine, &queries, &site, &sizes);
        let cold = run_cold(&browser, &server, engine, &queries, cold, &site, &sizes);
        report.insert(engine, (warm, cold));
    }
    print_report(&queries, &report);
    let _ = std::fs::remove_dir_all(&work);
}

/// Pagefind over the built article pages, written to `site/pagefind`.
async fn pagefind_index(site: &Path) -> usize {
    let options = PagefindServiceConfig::builder().force_language("en".into()).build();
    let mut index = PagefindIndex::new(Some(options)).expect("pagefind options");
    let pages = index
        .add_directory(site.to_string_lossy().into_owned(), Some("articles/*.html".into()))
        .await
        .expect("pagefind reads the pages");
    index
        .write_files(Some(site.join("pagefind").to_string_lossy().into_owned()))
        .await
        .expect("pagefind writes its index");
    pages
}

struct Query {
    family: &'static str,
    text: String,
    /// URLs (from the site root) of the right answers.
    answers: HashSet<String>,
    /// A page left out of both engines' results (a topic's own description page).
    ignore: Option<String>,
}

/// Words of `text`, lowercased, as a reader would compare them.
fn words(text: &str) -> Vec<String> {
    shelf::site::search::text::words(text).map(|w| w.to_lowercase().replace('’', "'")).collect()
}

const STOP: &[&str] = &[
    "a", "an", "and", "are", "as", "at", "be", "by", "for", "from", "if", "in", "is", "it", "of",
    "on", "or", "that", "the", "this", "to", "was", "with", "you", "your", "not", "can", "how",
    "what", "when", "my", "i", "we", "do", "does",
];

fn contains(haystack: &[String], needle: &[String]) -> bool {
    needle.is_empty() || haystack.windows(needle.len()).any(|w| w == needle)
}

fn queries(lib: &Library, per_family: usize, seed: u64) -> Vec<Query> {
    let mut state = seed;
    let mut next = move |n: usize| -> usize {
        state = state.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = state;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        ((z ^ (z >> 31)) % n.max(1) as u64) as usize
    };
    let topic_url = |id: &str| Some(format!("topics/{id}.html"));
    let url = |ix: usize| shelf::site::paths::article_page(&lib.articles[ix]);
    let titles: Vec<Vec<String>> = lib.articles.iter().map(|a| words(&a.title)).collect();
    let texts: Vec<Vec<String>> = lib
        .articles
        .iter()
        .map(|a| {
            let payload = shelf::site::views::payload_view(a, lib, &topic_url)
                .map(|v| v.reader_text())
                .unwrap_or_default();
            words(&format!("{}\n{payload}", a.plain_text))
        })
        .collect();
    let pages_where = |f: &dyn Fn(usize) -> bool| -> HashSet<String> {
        (0..lib.articles.len()).filter(|&i| f(i)).map(url).collect()
    };
    let content = |w: &String| !STOP.contains(&w.as_str()) && w.chars().count() >= 3;
    let mut out = Vec::new();
    let n = lib.articles.len();
    let mut tries = 0;
    let mut family_counts: HashMap<&str, usize> = HashMap::new();
    while tries < per_family * 200 {
        tries += 1;
        let family = FAMILIES[tries % 6];
        if family_counts.get(family).copied().unwrap_or(0) >= per_family {
            if FAMILIES[..6].iter().all(|f| family_counts.get(f).copied().unwrap_or(0) >= per_family) {
                break;
            }
            continue;
        }
        let i = next(n);
        let title = &titles[i];
        if title.is_empty() {
            continue;
        }
        let query = match family {
            "title" => Some((lib.articles[i].title.clone(), pages_where(&|j| titles[j] == *title))),
            // One content word of a title: answered by every page whose title has it.
            "one word" => {
                let word = &title[next(title.len())];
                let answers = pages_where(&|j| titles[j].contains(word));
                (content(word) && word.len() >= 4 && answers.len() <= 30).then(|| (word.clone(), answers))
            }
            "title words" if title.len() >= 4 => {
                let len = 2 + next(2);
                let at = next(title.len() - len + 1);
                let part = &title[at..at + len];
                let answers = pages_where(&|j| contains(&titles[j], part));
                (part.iter().filter(|w| content(w)).count() >= 1 && answers.len() <= 20)
                    .then(|| (part.join(" "), answers))
            }
            "body words" | "quoted phrase" => {
                let text = &texts[i];
                let body = &text[title.len().min(text.len())..];
                if body.len() < 12 {
                    None
                } else {
                    let at = next(body.len() - 5);
                    let part = &body[at..at + 5];
                    let answers = pages_where(&|j| contains(&texts[j], part));
                    (part.iter().filter(|w| content(w)).count() >= 2 && answers.len() <= 10).then(|| {
                        let text = part.join(" ");
                        let text = if family == "quoted phrase" { format!("\"{text}\"") } else { text };
                        (text, answers)
                    })
                }
            }
            "paraphrase" => {
                let mut kept: Vec<String> = title.iter().filter(|w| content(w)).cloned().collect();
                if kept.len() < 3 {
                    None
                } else {
                    kept.reverse();
                    // One inflection changed: a plural made singular, or the reverse.
                    let k = next(kept.len());
                    let w = &mut kept[k];
                    if w.ends_with('s') && w.len() > 4 { w.pop(); } else if w.chars().all(|c| c.is_ascii_alphabetic()) { w.push('s'); }
                    Some((kept.join(" "), pages_where(&|j| titles[j] == *title)))
                }
            }
            _ => None,
        };
        if let Some((text, answers)) = query
            && !answers.is_empty()
            && !out.iter().any(|q: &Query| q.text == text)
        {
            *family_counts.entry(family).or_default() += 1;
            out.push(Query { family, text, answers, ignore: None });
        }
    }
    // Topic descriptions: each described topic whose articles are more than its description.
    let mut described: Vec<_> = lib.topic_descriptions.iter().collect();
    described.sort_by_key(|(id, _)| id.as_str());
    for (id, d) in described {
        let own = url(d.article);
        let Some(ixs) = lib.topics.get(id.as_str()) else { continue };
        let answers: HashSet<String> = ixs.iter().map(|&i| url(i)).filter(|u| *u != own).collect();
        let text = if words(&d.short).len() >= 3 { &d.short } else { &d.long };
        if answers.is_empty() || words(text).len() < 3 {
            continue;
        }
        out.push(Query {
            family: "topic description",
            text: text.clone(),
            answers,
            ignore: Some(own),
        });
    }
    out
}

/// Python's static server, writing the path of every request it answers to a log file
/// before the response: a worker's requests (Pagefind fetches from one) are counted as well as
/// the page's.
const SERVER: &str = r#"
import functools, http.server, sys
log = open(sys.argv[3], "a", buffering=1)
class Handler(http.server.SimpleHTTPRequestHandler):
    def send_response(self, code, message=None):
        log.write(self.path + "\n")
        super().send_response(code, message)
    def log_message(self, *args):
        pass
handler = functools.partial(Handler, directory=sys.argv[2])
http.server.ThreadingHTTPServer(("127.0.0.1", int(sys.argv[1])), handler).serve_forever()
"#;

/// The site served over HTTP (no compression: bytes are counted from the files).
fn serve(site: &Path) -> Server {
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let log = site.with_file_name("requests.log");
    let child = Command::new("python3")
        .args(["-c", SERVER, &port.to_string()])
        .arg(site)
        .arg(&log)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("python3 serves the site");
    let base = format!("http://127.0.0.1:{port}/");
    for _ in 0..100 {
        if std::net::TcpStream::connect(("127.0.0.1", port)).is_ok() {
            break;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    Server { child, base, log }
}

struct Server {
    child: std::process::Child,
    base: String,
    log: PathBuf,
}

impl Server {
    /// The requests logged so far.
    fn requests(&self) -> Vec<String> {
        std::fs::read_to_string(&self.log).unwrap_or_default().lines().map(str::to_string).collect()
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
    }
}

fn chromium() -> PathBuf {
    std::env::var_os("CHROME").map(PathBuf::from).unwrap_or_else(|| {
        ["/usr/bin/chromium", "/usr/bin/chromium-browser"]
            .into_iter()
            .map(PathBuf::from)
            .find(|p| p.exists())
            .expect("Chromium (apt-get install chromium, or set CHROME)")
    })
}

/// Bytes a compressing host sends for a file of the site: a gzipped file at its size, any
/// other at its gzip size.
#[derive(Default)]
struct Sizes(std::sync::Mutex<HashMap<String, usize>>);

impl Sizes {
    fn of(&self, site: &Path, url_path: &str) -> usize {
        let path = url_path.split('?').next().unwrap_or(url_path).trim_start_matches('/');
        let mut cache = self.0.lock().unwrap();
        *cache.entry(path.to_string()).or_insert_with(|| {
            let bytes = std::fs::read(site.join(path)).unwrap_or_default();
            if bytes.starts_with(&[0x1f, 0x8b]) {
                bytes.len()
            } else {
                let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
                e.write_all(&bytes).unwrap();
                e.finish().unwrap().len()
            }
        })
    }
}

/// The script that runs queries in the page: defines `window.runQuery(q)` for the engine,
/// returning the first ten URLs and the files fetched while it ran.
fn runner(engine: &str) -> String {
    let setup = match engine {
        "shelf" => {
            "const m = await import('/search/search.js');
             const index = await m.SearchIndex.open('/');
             window.engineSearch = async (q) => {
               const r = await index.search(q);
               const urls = [], seen = new Set();
               for (let i = 0; i < r.pages.length && urls.length < TOP; i += TOP) {
                 const fs = await Promise.all(r.pages.slice(i, i + TOP).map((p) => index.fragment(p.page)));
                 for (const f of fs) {
                   if (f.copies !== undefined) { if (seen.has(f.copies)) continue; seen.add(f.copies); }
                   if (urls.length < TOP) urls.push(f.url);
                 }
               }
               return urls;
             };"
        }
        _ => {
            "const pf = await import('/pagefind/pagefind.js');
             await pf.options({ excerptLength: 30 });
             await pf.init();
             window.engineSearch = async (q) => {
               const r = await pf.search(q);
               const data = await Promise.all(r.results.slice(0, TOP).map((x) => x.data()));
               return data.map((d) => d.url.replace(/^\\//, ''));
             };"
        }
    };
    format!(
        "const TOP = {TOP};
         {setup}
         window.runQuery = async (q) => ({{ urls: await window.engineSearch(q) }});
         return true;"
    )
}

fn eval(tab: &Tab, js: &str) -> Value {
    let wrapped = format!("(async () => JSON.stringify(await (async () => {{ {js} }})()))()");
    let result = tab.evaluate(&wrapped, true).unwrap_or_else(|e| panic!("{e}: {js}"));
    match result.value {
        Some(Value::String(s)) => serde_json::from_str(&s).unwrap(),
        other => panic!("no value: {other:?} {:?}", result.description),
    }
}

/// One result per query: the URLs returned and the bytes fetched for it.
type Runs = Vec<(Vec<String>, usize)>;

fn open_tab(browser: &Browser, server: &Server, engine: &str) -> Arc<Tab> {
    let tab = browser.new_tab().unwrap();
    tab.set_default_timeout(Duration::from_secs(600));
    tab.call_method(headless_chrome::protocol::cdp::Network::SetCacheDisabled { cache_disabled: true })
        .ok();
    tab.navigate_to(&format!("{}index.html", server.base)).unwrap().wait_until_navigated().unwrap();
    eval(&tab, &runner(engine));
    tab
}

/// Runs one query; its URLs and the bytes of the requests made since `since` requests.
fn query_on(tab: &Tab, server: &Server, since: usize, q: &str, site: &Path, sizes: &Sizes) -> (Vec<String>, usize) {
    let r = eval(tab, &format!("return await window.runQuery({})", json!(q)));
    let urls: Vec<String> = serde_json::from_value(r["urls"].clone()).unwrap();
    let bytes = server.requests()[since..].iter().filter(|f| is_search_file(f)).map(|f| sizes.of(site, f)).sum();
    (urls, bytes)
}

fn run_warm(browser: &Browser, server: &Server, engine: &str, queries: &[Query], site: &Path, sizes: &Sizes) -> Runs {
    let tab = open_tab(browser, server, engine);
    let started = Instant::now();
    let runs = queries
        .iter()
        .map(|q| {
            let since = server.requests().len();
            query_on(&tab, server, since, &q.text, site, sizes)
        })
        .collect();
    println!("{engine}: {} queries in {:.1} s", queries.len(), started.elapsed().as_secs_f64());
    let _ = tab.close(true);
    runs
}

/// The first `per_family` queries of each family, each in a fresh page with the cache off:
/// everything the query needs, the engine's own script and index entry included.
fn run_cold(
    browser: &Browser,
    server: &Server,
    engine: &str,
    queries: &[Query],
    per_family: usize,
    site: &Path,
    sizes: &Sizes,
) -> BTreeMap<&'static str, Vec<usize>> {
    let mut out: BTreeMap<&'static str, Vec<usize>> = BTreeMap::new();
    for family in FAMILIES {
        for q in queries.iter().filter(|q| q.family == family).take(per_family) {
            // Everything from the page's load on: the engine's script, entry and wasm too.
            let since = server.requests().len();
            let tab = open_tab(browser, server, engine);
            let (_, bytes) = query_on(&tab, server, since, &q.text, site, sizes);
            out.entry(family).or_default().push(bytes);
            let _ = tab.close(true);
        }
    }
    out
}

/// The engines' own files (the page and its stylesheet are the same for both).
fn is_search_file(path: &str) -> bool {
    path.starts_with("/search/") || path.starts_with("/pagefind/")
}

fn percentile(values: &mut [usize], p: f64) -> usize {
    if values.is_empty() {
        return 0;
    }
    values.sort_unstable();
    values[((values.len() - 1) as f64 * p).round() as usize]
}

fn print_report(
    queries: &[Query],
    report: &BTreeMap<&str, (Runs, BTreeMap<&'static str, Vec<usize>>)>,
) {
    println!();
    println!("| family | engine | queries | recall@1 | recall@10 | MRR@10 | cold KB median / p90 | warm KB median / p90 |");
    println!("|---|---|---:|---:|---:|---:|---:|---:|");
    for family in FAMILIES.iter().copied().chain(["all"]) {
        for (engine, (warm, cold)) in report {
            let (mut r1, mut r10, mut mrr, mut n) = (0.0, 0.0, 0.0, 0usize);
            let mut warm_bytes = Vec::new();
            for (q, (urls, bytes)) in queries.iter().zip(warm) {
                if family != "all" && q.family != family {
                    continue;
                }
                n += 1;
                warm_bytes.push(*bytes);
                let ranked: Vec<&String> = urls.iter().filter(|u| Some(*u) != q.ignore.as_ref()).take(TOP).collect();
                if let Some(rank) = ranked.iter().position(|u| q.answers.contains(*u)) {
                    r10 += 1.0;
                    mrr += 1.0 / (rank + 1) as f64;
                    if rank == 0 {
                        r1 += 1.0;
                    }
                }
            }
            let mut cold_bytes: Vec<usize> = if family == "all" {
                cold.values().flatten().copied().collect()
            } else {
                cold.get(family).cloned().unwrap_or_default()
            };
            let kb = |b: usize| b as f64 / 1024.0;
            let nf = n.max(1) as f64;
            println!(
                "| {family} | {engine} | {n} | {:.3} | {:.3} | {:.3} | {:.1} / {:.1} | {:.1} / {:.1} |",
                r1 / nf,
                r10 / nf,
                mrr / nf,
                kb(percentile(&mut cold_bytes, 0.5)),
                kb(percentile(&mut cold_bytes, 0.9)),
                kb(percentile(&mut warm_bytes, 0.5)),
                kb(percentile(&mut warm_bytes, 0.9)),
            );
        }
    }
}
