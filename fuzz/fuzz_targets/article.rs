//! The whole article parse on any bytes, both modes, and its fixes (see `fuzz_article`).
#![no_main]
#[path = "../../tests/support/oracles.rs"]
mod oracles;

libfuzzer_sys::fuzz_target!(|data: &[u8]| oracles::fuzz_article(data));
