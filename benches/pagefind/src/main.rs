//! Indexes the same articles with Pagefind (its Rust API, `add_custom_record` with filters, the
//! route the issue suggests) and with shelf's own index, and prints the median time of each
//! and what a browser must fetch before its first result.
//!
//!     cargo run --release --manifest-path benches/pagefind/Cargo.toml -- [ARTICLES] [RUNS]

use std::collections::BTreeMap;
use std::path::Path;
use std::time::{Duration, Instant};

use pagefind::api::PagefindIndex;
use pagefind::options::PagefindServiceConfig;
use shelf::source::library::Library;

fn main() {
    let mut args = std::env::args().skip(1);
    let source = args.next().unwrap_or("../shared/corpus/articles".into());
    let runs: usize = args.next().map_or(5, |r| r.parse().expect("RUNS is a number"));
    let config = shelf::Config {
        source: source.into(),
        ..shelf::Config::default()
    };
    let loaded = shelf::pipeline::load::load(&config, None, shelf::check::article::Mode::Build).expect("articles load");
    let lib = &loaded.library;
    println!("{} articles, {runs} runs each, {} threads", lib.articles.len(), rayon_threads());

    let runtime = tokio::runtime::Builder::new_multi_thread().build().unwrap();
    let mut pagefind_files = Vec::new();
    let pagefind = median(runs, || {
        pagefind_files = runtime.block_on(pagefind_index(lib));
    });
    let article_url = |a: &shelf::source::model::Article| shelf::site::views::article_url(a);
    let topic_url = |id: &str| Some(format!("topics/{id}.html"));
    let urls = shelf::site::search::Urls { article: &article_url, topic: &topic_url };
    let mut shelf_files = Vec::new();
    let ours = median(runs, || shelf_files = shelf::site::search::index(lib, &urls));

    let size = |files: &[(String, usize)], f: &dyn Fn(&str) -> bool| -> usize {
        files.iter().filter(|(n, _)| f(n)).map(|(_, s)| s).sum()
    };
    let pf: Vec<(String, usize)> = pagefind_files;
    let sh: Vec<(String, usize)> = shelf_files.iter().map(|(n, b)| (n.clone(), b.len())).collect();
    println!(
        "pagefind  index {:>8.1} ms   {:>5} files {:>9} bytes   fetched before any index chunk: pagefind.js {} + wasm {} + metadata {} = {} bytes",
        ms(pagefind),
        pf.len(),
        size(&pf, &|_| true),
        size(&pf, &|n| n == "pagefind.js"),
        size(&pf, &|n| n == "wasm.en.pagefind"),
        size(&pf, &|n| n.ends_with(".pf_meta")),
        size(&pf, &|n| n == "pagefind.js" || n == "wasm.en.pagefind" || n.ends_with(".pf_meta")),
    );
    let script = include_str!("../../../templates/search.js").len();
    println!(
        "shelf     index {:>8.1} ms   {:>5} files {:>9} bytes   fetched before any index chunk: search.js {} + index.json {} = {} bytes",
        ms(ours),
        sh.len(),
        size(&sh, &|_| true),
        script,
        size(&sh, &|n| n == "search/index.json"),
        script + size(&sh, &|n| n == "search/index.json"),
    );
    println!("ratio pagefind/shelf: {:.1}x", pagefind.as_secs_f64() / ours.as_secs_f64());
}

fn rayon_threads() -> usize {
    std::thread::available_parallelism().map_or(1, |n| n.get())
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

fn median(runs: usize, mut f: impl FnMut()) -> Duration {
    let mut times: Vec<Duration> = (0..runs)
        .map(|_| {
            let started = Instant::now();
            f();
            started.elapsed()
        })
        .collect();
    times.sort();
    times[times.len() / 2]
}

/// The same records shelf indexes: title, headings, body and metadata as text, the five
/// filters, and the title as metadata.
async fn pagefind_index(lib: &Library) -> Vec<(String, usize)> {
    let options = PagefindServiceConfig::builder().force_language("en".into()).build();
    let mut index = PagefindIndex::new(Some(options)).expect("pagefind options");
    for a in &lib.articles {
        let m = &a.meta;
        let headings: Vec<&str> = a.headings.iter().map(|(_, h)| h.as_str()).collect();
        let content = [
            a.title.as_str(),
            &headings.join(" "),
            &m.description,
            &a.plain_text,
            &m.service,
            &m.support_topic_ids.join(" "),
            &m.product_pes_ids.join(" "),
            &m.article_id,
        ]
        .join(" ");
        let filters = BTreeMap::from([
            ("topic".to_string(), m.support_topic_ids.clone()),
            ("service".to_string(), vec![m.service.clone()]),
            ("product".to_string(), m.product_pes_ids.clone()),
            ("type".to_string(), vec![m.self_help_type.as_str().to_string()]),
            (
                "cloud".to_string(),
                m.clouds.iter().map(|c| c.as_str().to_string()).collect(),
            ),
        ]);
        let meta = BTreeMap::from([("title".to_string(), a.title.clone())]);
        index
            .add_custom_record(
                shelf::site::views::article_url(a),
                content,
                "en".into(),
                Some(meta),
                Some(filters),
                None,
            )
            .await
            .expect("pagefind indexes the record");
    }
    let files = index.get_files().await.expect("pagefind builds its index");
    files
        .into_iter()
        .map(|f| {
            let name = Path::new(&f.filename).to_string_lossy().into_owned();
            (name, f.contents.len())
        })
        .collect()
}
