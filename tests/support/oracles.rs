//! Oracles and fuzz harnesses shared by the integration tests (`tests/testsuite`) and the
//! fuzz targets (`fuzz/`), so that a fuzzer and `cargo test` judge output by the same rules:
//! included in both with `#[path]`. `cargo test` runs every harness over the fixtures on the
//! stable toolchain (`tests/testsuite/fuzzing.rs`), so the harnesses always compile.
//!
//! The oracle for output is what a browser would run: every HTML page is parsed as a browser
//! parses it (html5ever, through scraper) and searched for scripts that are not shelf's own,
//! event handlers, script URLs and elements that load other documents; JSON must parse, and its
//! HTML fields are judged the same way; XML must be well-formed.

#![allow(dead_code)]

use std::io::Read;
use std::path::Path;

use scraper::{Html, Selector};

const BUILTIN_CSS: &str = include_str!("../../templates/style.css");
const BUILTIN_JS: &str = include_str!("../../templates/search.js");

/// What in a parsed page could run code; empty when the page is safe.
pub fn executable_parts(html: &str) -> Vec<String> {
    let doc = Html::parse_document(html);
    let mut found = Vec::new();
    let all = Selector::parse("*").unwrap();
    for el in doc.select(&all) {
        let e = el.value();
        let name = e.name();
        match name {
            "script" => {
                // Only shelf's own script files are allowed: a relative `.js` path (with a
                // version query), no inline code.
                let own = e.attr("src").is_some_and(|s| {
                    let path = s.split('?').next().unwrap_or(s);
                    !s.contains(':') && !s.starts_with(['/', '\\']) && path.ends_with(".js")
                }) && el.text().all(|t| t.trim().is_empty());
                if !own {
                    found.push(format!("<script> {}", el.html()));
                }
            }
            // The one form allowed is the header's search box: GET to the site's own page.
            "form" if is_site_search(e) => {}
            "iframe" | "object" | "embed" | "base" | "form" | "frame" | "frameset" | "applet"
            | "isindex" => found.push(format!("<{name}>")),
            "meta" if e.attr("http-equiv").is_some() => found.push("<meta http-equiv>".into()),
            "style" => found.push("<style> element from content".into()),
            _ => {}
        }
        for (attr, value) in e.attrs() {
            let attr_lower = attr.to_ascii_lowercase();
            if attr_lower.starts_with("on") {
                found.push(format!("event handler {attr} on <{name}>"));
            }
            if attr_lower == "srcdoc" || attr_lower == "formaction" {
                found.push(format!("{attr} on <{name}>"));
            }
            let url_attr = matches!(
                attr_lower.as_str(),
                "href"
                    | "src"
                    | "action"
                    | "poster"
                    | "data"
                    | "xlink:href"
                    | "background"
                    | "cite"
            );
            if url_attr && is_script_url(value) {
                found.push(format!("{attr}=\"{value}\" on <{name}>"));
            }
            if attr_lower == "style" {
                let v = value.to_ascii_lowercase();
                if v.contains("expression(") || v.contains("url(") || v.contains("javascript") {
                    found.push(format!("style=\"{value}\" on <{name}>"));
                }
            }
        }
    }
    found
}

fn is_site_search(form: &scraper::node::Element) -> bool {
    form.attr("class") == Some("site-search")
        && form.attr("method").is_none()
        && form
            .attr("action")
            .is_some_and(|a| !a.contains(':') && a.trim_start_matches("../") == "search.html")
}

/// A URL a browser would run or render as a document: `javascript:`, `vbscript:`, `data:`,
/// after the control characters and whitespace browsers ignore.
fn is_script_url(value: &str) -> bool {
    let cleaned: String = value
        .chars()
        .filter(|c| !c.is_control() && !c.is_whitespace())
        .collect::<String>()
        .to_ascii_lowercase();
    ["javascript:", "vbscript:", "data:"]
        .iter()
        .any(|s| cleaned.starts_with(s))
}

/// Every problem with one output file of a site, at `rel` below the site's root, holding `bytes`.
pub fn unsafe_file(rel: &str, bytes: Vec<u8>) -> Vec<String> {
    let mut problems = Vec::new();
    let mut bytes = bytes;
    // The search index's gzipped JSON is read as the JSON it holds.
    let mut ext = rel.rsplit_once('.').map_or("", |(_, x)| x);
    if ext == "gz" && rel.ends_with(".json.gz") {
        let mut json = Vec::new();
        if let Err(e) = flate2::read::GzDecoder::new(&bytes[..]).read_to_end(&mut json) {
            problems.push(format!("{rel}: not gzip: {e}"));
            return problems;
        }
        (bytes, ext) = (json, "json");
    }
    let Ok(text) = String::from_utf8(bytes) else {
        problems.push(format!("{rel}: not UTF-8"));
        return problems;
    };
    match ext {
        "html" => problems.extend(
            executable_parts(&text)
                .into_iter()
                .map(|p| format!("{rel}: {p}")),
        ),
        "xml" => {
            let mut reader = quick_xml::Reader::from_str(&text);
            loop {
                match reader.read_event() {
                    Ok(quick_xml::events::Event::Eof) => break,
                    Ok(quick_xml::events::Event::Start(e) | quick_xml::events::Event::Empty(e)) => {
                        let name = AsRef::<str>::as_ref(&e.name()).to_string();
                        if !["urlset", "url", "loc", "lastmod"].contains(&name.as_str()) {
                            problems.push(format!("{rel}: element <{name}>"));
                        }
                    }
                    Ok(_) => {}
                    Err(e) => {
                        problems.push(format!("{rel}: not well-formed XML: {e}"));
                        break;
                    }
                }
            }
        }
        // API documents escape `<`, so a portal can inline one in a <script> safely.
        "json" if rel.starts_with("api/") && text.contains(['<', '>']) => {
            problems.push(format!("{rel}: a raw < or > in an API document"));
        }
        "json" => match serde_json::from_str::<serde_json::Value>(&text) {
            Ok(v) => json_html_fields(&v, &mut |key, html| {
                for p in executable_parts(html) {
                    problems.push(format!("{rel}: field {key}: {p}"));
                }
            }),
            Err(e) => problems.push(format!("{rel}: invalid JSON: {e}")),
        },
        // The only style sheet and scripts are shelf's own, byte for byte.
        "css" | "js" => {
            let (name, builtin) = match rel.rsplit('/').next().unwrap_or_default() {
                "porter2.js" => ("porter2.js", shelf::site::render::PORTER2_MODULE),
                _ if ext == "css" => ("style.css", BUILTIN_CSS),
                _ => ("search.js", BUILTIN_JS),
            };
            if text != builtin {
                problems.push(format!("{rel}: differs from the built-in {name}"));
            }
        }
        _ => {
            if !rel.ends_with(".shelf-output") {
                problems.push(format!("{rel}: unexpected kind of file"));
            }
        }
    }
    problems
}

/// Calls `f` on every string of a JSON document held under a key that names HTML.
pub fn json_html_fields(v: &serde_json::Value, f: &mut dyn FnMut(&str, &str)) {
    match v {
        serde_json::Value::Object(map) => {
            for (k, v) in map {
                match v {
                    serde_json::Value::String(s) if k.to_ascii_lowercase().contains("html") => {
                        f(k, s)
                    }
                    _ => json_html_fields(v, f),
                }
            }
        }
        serde_json::Value::Array(items) => items.iter().for_each(|i| json_html_fields(i, f)),
        _ => {}
    }
}

/// The `<properties .../>` header parser on any text: it returns a header or a diagnostic, never
/// panics, and every span it reports lies on character boundaries inside the text; each key's
/// span holds the key as written; keys are unique ignoring ASCII case (as the parser compares
/// them: every known key is ASCII).
pub fn fuzz_header(text: &str) {
    let mut diagnostics = Vec::new();
    if let Ok(header) = shelf::source::header::parse(text, Path::new("f.md"), &mut diagnostics) {
        assert!(text.get(header.span.clone()).is_some(), "header span");
        let mut keys = std::collections::HashSet::new();
        for p in &header.properties {
            assert_eq!(
                text.get(p.key.span.clone()),
                Some(p.key.value.as_str()),
                "key span"
            );
            assert!(text.get(p.value.span.clone()).is_some(), "value span");
            assert!(
                keys.insert(p.key.value.to_ascii_lowercase()),
                "key {} twice",
                p.key.value
            );
        }
    }
    for d in &diagnostics {
        if let Some(span) = &d.span {
            assert!(text.get(span.clone()).is_some(), "{span:?} in {}", d.code);
        }
    }
}

/// The whole article parse on any bytes, in check mode (every rule) and build mode (Markdown
/// rendered and sanitized): the same files make articles in both; every span is inside the
/// text and its line:column is where the span starts; the fixes apply, keep the text UTF-8
/// and the article, and fix what they say (applying them again changes nothing more than the
/// next round of fixes would).
pub fn fuzz_article(data: &[u8]) {
    use shelf::check::article::{Mode, parse};
    let file = Path::new("f.md");
    let checked = parse(file, "f.md", data, Mode::Check);
    let built = parse(file, "f.md", data, Mode::Build);
    assert_eq!(checked.article.is_some(), built.article.is_some());
    // Checking keeps no payload value and renders nothing, and finds exactly what a build does.
    let found = |p: &shelf::check::article::Parsed| {
        (p.diagnostics.iter())
            .map(|d| (d.code, d.span.clone(), d.message.clone()))
            .collect::<Vec<_>>()
    };
    assert_eq!(found(&checked), found(&built), "check and build disagree");
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let index = shelf::base::diagnostic::LineIndex::new(data);
    for d in &checked.diagnostics {
        if let Some(span) = &d.span {
            assert!(text.get(span.clone()).is_some(), "{span:?} in {}", d.code);
            assert_eq!(
                d.start,
                Some(index.line_col(span.start)),
                "{} start",
                d.code
            );
        }
    }
    let fixed = shelf::check::fix::fixed_bytes(data, &checked.diagnostics);
    if fixed != data {
        assert!(std::str::from_utf8(&fixed).is_ok(), "a fix broke UTF-8");
        // A fix may rescue an article (a misspelled articleId renamed), never lose one.
        let again = parse(file, "f.md", &fixed, Mode::Check);
        assert!(
            checked.article.is_none() || again.article.is_some(),
            "a fix lost the article"
        );
    }
}

/// One article through the whole site render (every page, record, fragment and index file, in
/// memory): nothing in any output can run script, every JSON file parses, XML is well-formed.
pub fn fuzz_render(data: &[u8]) {
    use shelf::check::article::{Mode, parse};
    use std::sync::OnceLock;
    static RENDERER: OnceLock<shelf::site::render::Renderer> = OnceLock::new();
    let renderer = RENDERER.get_or_init(|| {
        shelf::site::render::Renderer::new(Path::new("/nonexistent-templates")).expect("built-in")
    });
    let parsed = parse(Path::new("f.md"), "f.md", data, Mode::Build);
    let Some(article) = parsed.article else {
        return;
    };
    let lib = shelf::source::library::Library::indexed(vec![article], &mut Vec::new());
    let sink = shelf::site::render::MemorySink::default();
    let config = shelf::Config::default();
    let progress = shelf::base::progress::Progress::hidden();
    shelf::site::render::render_site(renderer, &lib, &config, None, &sink, &progress)
        .expect("render");
    let files = sink.0.into_inner().unwrap();
    let problems: Vec<String> = files
        .into_iter()
        .flat_map(|(rel, bytes)| unsafe_file(&rel, bytes))
        .collect();
    assert!(problems.is_empty(), "{problems:#?}");
}
