//! The `<properties .../>` header parser on any text: it must return a header or a diagnostic,
//! never panic, and every span it reports must lie on character boundaries inside the text.
#![no_main]
use libfuzzer_sys::fuzz_target;
use std::path::Path;

fuzz_target!(|text: &str| {
    let mut diagnostics = Vec::new();
    if let Ok(header) = shelf::header::parse(text, Path::new("f.md"), &mut diagnostics) {
        assert!(text.get(header.span.clone()).is_some());
        for p in &header.properties {
            assert!(text.get(p.value.span.clone()).is_some());
        }
    }
    for d in &diagnostics {
        if let Some(span) = &d.span {
            assert!(text.get(span.clone()).is_some(), "{span:?} in {}", d.code);
        }
    }
});
