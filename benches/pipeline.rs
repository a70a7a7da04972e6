//! Micro benchmarks of each pipeline stage (criterion): header parsing, Markdown rendering, the
//! whole per-file parse, the cross-article index, template rendering (compiled theme, and
//! everything through tera) and the search index.
//!
//!     cargo bench --bench pipeline
//!
//! Inputs are the real corpus when it is there (`$SHELF_CORPUS`, else
//! `../shared/corpus/articles`), else the bundled samples; each stage runs over 500 articles
//! (all of them for the samples), so figures are per 500 articles.

use std::hint::black_box;
use std::path::{Path, PathBuf};

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use shelf::check::article::{self, Mode};
use shelf::site::render::{MemorySink, Renderer};
use shelf::source::library::Library;

/// The allocator the `shelf` binary uses, so the stages are measured as they run there.
#[cfg(not(target_env = "msvc"))]
#[global_allocator]
static ALLOCATOR: tikv_jemallocator::Jemalloc = tikv_jemallocator::Jemalloc;

/// (path, relative path, bytes) of the articles benchmarked.
fn inputs() -> Vec<(PathBuf, String, Vec<u8>)> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let corpus = std::env::var_os("SHELF_CORPUS")
        .map(PathBuf::from)
        .unwrap_or_else(|| root.join("../shared/corpus/articles"));
    let source = if corpus.is_dir() {
        corpus
    } else {
        root.join("articles")
    };
    let (files, _) =
        shelf::source::discover::discover(&source, &shelf::source::discover::Filters::none());
    // Every n-th file, so the sample spans the tree's folders and types.
    let step = (files.len() / 500).max(1);
    files
        .into_iter()
        .step_by(step)
        .take(500)
        .map(|f| {
            let bytes = std::fs::read(&f.path).unwrap();
            (f.path, f.rel, bytes)
        })
        .collect()
}

fn stages(c: &mut Criterion) {
    let inputs = inputs();
    let n = inputs.len() as u64;
    let texts: Vec<String> = inputs
        .iter()
        .map(|(_, _, b)| String::from_utf8_lossy(b).into_owned())
        .collect();
    let mut group = c.benchmark_group("stage");
    group.throughput(Throughput::Elements(n));
    group.sample_size(20);

    group.bench_function("header::parse", |b| {
        b.iter(|| {
            for ((path, _, _), text) in inputs.iter().zip(&texts) {
                let mut diagnostics = Vec::new();
                let _ = black_box(shelf::source::header::parse(text, path, &mut diagnostics));
            }
        })
    });

    // The body after the header, as the Markdown renderer gets it.
    let bodies: Vec<&str> = texts
        .iter()
        .map(|t| t.find("/>").map_or(t.as_str(), |end| &t[end + 2..]))
        .collect();
    group.bench_function("markdown::render", |b| {
        b.iter(|| {
            for body in &bodies {
                black_box(shelf::source::markdown::render(body));
            }
        })
    });

    group.bench_function("article::parse (build)", |b| {
        b.iter(|| {
            for (path, rel, bytes) in &inputs {
                black_box(article::parse(path, rel, bytes, Mode::Build));
            }
        })
    });
    group.bench_function("article::parse (check)", |b| {
        b.iter(|| {
            for (path, rel, bytes) in &inputs {
                black_box(article::parse(path, rel, bytes, Mode::Check));
            }
        })
    });

    let articles: Vec<_> = inputs
        .iter()
        .filter_map(|(path, rel, bytes)| article::parse(path, rel, bytes, Mode::Build).article)
        .collect();
    group.bench_function("Library::indexed", |b| {
        b.iter(|| black_box(Library::indexed(articles.clone(), &mut Vec::new())))
    });

    let lib = Library::indexed(articles.clone(), &mut Vec::new());
    let renderer = Renderer::new(Path::new("/nonexistent")).unwrap();
    let config = shelf::Config {
        search: false,
        ..Default::default()
    };
    // The whole site but search, written to memory, with `renderer`.
    let render_site = |renderer: &Renderer| {
        let sink = MemorySink::default();
        let progress = shelf::base::progress::Progress::hidden();
        shelf::site::render::render_site(renderer, &lib, &config, None, &sink, &progress).unwrap()
    };
    group.bench_function("render_site (pages, API, no search)", |b| {
        b.iter(|| black_box(render_site(&renderer)))
    });
    // The same site with every built-in template as an (edited) override, so that every page
    // goes through tera instead of the compiled theme: the price of overriding.
    let overrides = tempfile::tempdir().unwrap();
    for (name, text) in shelf::site::render::BUILTIN_TEMPLATES {
        std::fs::write(overrides.path().join(name), format!("{text}{{# tera #}}")).unwrap();
    }
    let tera_only = Renderer::new(overrides.path()).unwrap();
    group.bench_function(
        "render_site (pages, API, no search), all through tera",
        |b| b.iter(|| black_box(render_site(&tera_only))),
    );
    group.bench_function("render_search (search index)", |b| {
        b.iter(|| {
            let sink = MemorySink::default();
            black_box(shelf::site::render::render_search(&renderer, &lib, &sink).unwrap())
        })
    });
    group.finish();
}

criterion_group!(benches, stages);
criterion_main!(benches);
