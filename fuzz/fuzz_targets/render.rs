//! One article through the whole site render (every template, in memory).
#![no_main]
use libfuzzer_sys::fuzz_target;
use shelf::article::{Mode, parse};
use shelf::library::Library;
use shelf::render::{MemorySink, Renderer, render_site};
use std::path::Path;
use std::sync::OnceLock;

fn renderer() -> &'static Renderer {
    static R: OnceLock<Renderer> = OnceLock::new();
    R.get_or_init(|| Renderer::new(Path::new("/nonexistent")).expect("built-in templates"))
}

fuzz_target!(|data: &[u8]| {
    let parsed = parse(Path::new("f.md"), "f.md", data, Mode::Build);
    let Some(article) = parsed.article else { return };
    let lib = Library::indexed(vec![article], &mut Vec::new());
    let sink = MemorySink::default();
    let config = shelf::Config::default();
    render_site(renderer(), &lib, &config, None, &sink).expect("render");
    let files = sink.0.into_inner().unwrap();
    for (path, bytes) in &files {
        let text = std::str::from_utf8(bytes).expect("utf-8 output");
        if path.ends_with(".html") {
            assert!(!text.to_ascii_lowercase().contains("<script"), "{path}");
        }
    }
});
