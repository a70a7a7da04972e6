//! One article through the whole site render, judged by the output oracle (see `fuzz_render`).
#![no_main]
#[path = "../../tests/support/oracles.rs"]
mod oracles;

libfuzzer_sys::fuzz_target!(|data: &[u8]| oracles::fuzz_render(data));
