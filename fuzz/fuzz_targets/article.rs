//! The whole article parse on any bytes, in both modes: check (every rule) and build (Markdown
//! rendered and sanitized). Fixes it proposes must apply cleanly and the result must re-parse.
#![no_main]
use libfuzzer_sys::fuzz_target;
use shelf::article::{Mode, parse};
use std::path::Path;

fuzz_target!(|data: &[u8]| {
    let file = Path::new("f.md");
    let checked = parse(file, "f.md", data, Mode::Check);
    let built = parse(file, "f.md", data, Mode::Build);
    assert_eq!(checked.article.is_some(), built.article.is_some());
    if let Ok(text) = std::str::from_utf8(data) {
        for d in &checked.diagnostics {
            if let Some(span) = &d.span {
                assert!(text.get(span.clone()).is_some(), "{span:?} in {}", d.code);
            }
        }
        let fixed = shelf::fix::fixed_bytes(data, &checked.diagnostics);
        if fixed != data {
            let again = parse(file, "f.md", &fixed, Mode::Check);
            assert!(std::str::from_utf8(&fixed).is_ok(), "a fix broke UTF-8");
            assert_eq!(checked.article.is_some(), again.article.is_some());
        }
    }
});
