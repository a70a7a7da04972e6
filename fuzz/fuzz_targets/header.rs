//! The `<properties .../>` header parser on any text (see `fuzz_header`).
#![no_main]
#[path = "../../tests/support/oracles.rs"]
mod oracles;

libfuzzer_sys::fuzz_target!(|text: &str| oracles::fuzz_header(text));
