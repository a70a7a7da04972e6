//! The layering of `src/` (see `src/lib.rs` and docs/architecture.md): a module imports only
//! from its own layer and those below it. Read from the source text, unit tests included, so a
//! shortcut taken in a test is caught too. (`python3 ../shared/tools/rust_cycles.py src`
//! checks the finer rule, no cycle between files.)

use std::path::Path;

/// The library's layers, lowest first.
const LAYERS: &[&str] = &[
    "base", "source", "check", "config", "site", "pipeline", "serve",
];

fn layer_of(module: &str) -> Option<usize> {
    LAYERS.iter().position(|l| *l == module)
}

#[test]
fn every_import_goes_down_the_layers() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut upward = Vec::new();
    let mut files = 0;
    for entry in walkdir::WalkDir::new(&src) {
        let entry = entry.unwrap();
        let path = entry.path();
        if path.extension().is_none_or(|e| e != "rs") {
            continue;
        }
        let rel = path.strip_prefix(&src).unwrap();
        let top = rel
            .components()
            .next()
            .unwrap()
            .as_os_str()
            .to_str()
            .unwrap();
        let Some(own) = layer_of(top.trim_end_matches(".rs")) else {
            continue; // lib.rs, main.rs and cmd/ (the binary) sit above every layer.
        };
        files += 1;
        let text = std::fs::read_to_string(path).unwrap();
        for (n, line) in text.lines().enumerate() {
            if line.trim_start().starts_with("//") {
                continue; // a doc link is not an import
            }
            for (at, _) in line.match_indices("crate::") {
                let rest = &line[at + "crate::".len()..];
                let module: String = rest
                    .chars()
                    .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                    .collect();
                if let Some(theirs) = layer_of(&module)
                    && theirs > own
                {
                    upward.push(format!(
                        "src/{}:{}: {} (layer {}) imports {} (layer {})",
                        rel.display(),
                        n + 1,
                        top,
                        own + 1,
                        module,
                        theirs + 1
                    ));
                }
            }
        }
    }
    assert!(files > 100, "only {files} files found under src/");
    assert!(
        upward.is_empty(),
        "imports that go up a layer:\n{}",
        upward.join("\n")
    );
}

#[test]
fn every_layer_says_what_it_owns_and_what_it_may_import() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    for layer in LAYERS {
        let file = [
            src.join(layer).join("mod.rs"),
            src.join(format!("{layer}.rs")),
        ]
        .into_iter()
        .find(|f| f.is_file())
        .unwrap_or_else(|| panic!("no module file for layer {layer}"));
        let text = std::fs::read_to_string(&file).unwrap();
        assert!(
            text.starts_with("//!") && text.contains("mport"),
            "{}: starts with a module doc saying what it may import",
            file.display()
        );
    }
}
