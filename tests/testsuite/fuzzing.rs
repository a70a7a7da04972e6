//! The fuzz targets' harnesses (`tests/support/oracles.rs`, shared with `fuzz/`) run on the
//! stable toolchain over every fixture and sample article and the inputs fuzzing once found, so
//! the harnesses compile and their oracles hold on every change, not only when someone fuzzes.
//! The same files seed the fuzz corpus (`fuzz/seed`).

use std::path::{Path, PathBuf};

use super::oracles::{fuzz_article, fuzz_header, fuzz_render};

/// Every Markdown file under the fixtures, the samples and the fuzz finds.
pub fn seeds() -> Vec<PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files: Vec<PathBuf> = ["tests/fixtures", "articles"]
        .iter()
        .flat_map(|dir| walkdir::WalkDir::new(root.join(dir)))
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file())
        .filter(|e| e.path().extension().is_some_and(|x| x == "md"))
        .map(|e| e.into_path())
        .collect();
    files.sort();
    files
}

#[test]
fn every_fixture_passes_every_fuzz_harness() {
    let seeds = seeds();
    assert!(seeds.len() > 100, "only {} seeds", seeds.len());
    for path in &seeds {
        let data = std::fs::read(path).unwrap();
        let run = |name: &str, f: &dyn Fn()| {
            if let Err(e) = std::panic::catch_unwind(std::panic::AssertUnwindSafe(f)) {
                let message = e
                    .downcast_ref::<String>()
                    .cloned()
                    .or_else(|| e.downcast_ref::<&str>().map(|s| s.to_string()))
                    .unwrap_or_default();
                panic!("{name} on {}: {message}", path.display());
            }
        };
        if let Ok(text) = std::str::from_utf8(&data) {
            run("header", &|| fuzz_header(text));
        }
        run("article", &|| fuzz_article(&data));
        run("render", &|| fuzz_render(&data));
    }
}

#[test]
fn the_render_oracle_sees_script_where_it_is() {
    // The oracle is only as good as what it catches: content that runs script in each kind of
    // output file must be reported.
    let cases: &[(&str, &str)] = &[
        ("embed/a.html", "<p>x</p><img src=x onerror=alert(1)>"),
        ("articles/a.html", "<script>alert(1)</script>"),
        (
            "articles/a.html",
            "<a href=\"java&#x09;script:alert(1)\">x</a>",
        ),
        (
            "articles/a.html",
            "<iframe src=\"https://example.com\"></iframe>",
        ),
        (
            "api/v1/articles/a.json",
            "{\"html\": \"\\u003cscript\\u003ealert(1)\\u003c/script\\u003e\"}",
        ),
        ("api/v1/articles/b.json", "{\"html\": \"<b>raw</b>\"}"),
        ("sitemap.xml", "<urlset><url><loc>x</loc></urlset>"),
    ];
    for (rel, text) in cases {
        let problems = super::oracles::unsafe_file(rel, text.as_bytes().to_vec());
        assert!(!problems.is_empty(), "{rel}: {text} passed the oracle");
    }
    let page = "<!doctype html><html><head><script type=\"module\" src=\"../search/search.js?v=1\"></script></head><body><form class=\"site-search\" action=\"../search.html\"></form><p>ok</p></body></html>";
    assert_eq!(
        super::oracles::unsafe_file("articles/ok.html", page.as_bytes().to_vec()),
        Vec::<String>::new()
    );
}
