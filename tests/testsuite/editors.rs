//! Editor integrations. The VS Code extension (`editors/vscode`) runs under Node's test runner
//! in a stand-in VS Code whose language client starts the server the extension asks for: this
//! shelf, spoken to over stdio. (VS Code's own runner, @vscode/test-electron, downloads VS Code
//! from update.code.visualstudio.com, which this machine cannot reach; .ci/run packages the
//! extension with vsce from the npm registry.)

use std::path::Path;
use std::process::Command;

#[test]
fn the_vscode_extension_starts_shelf_lsp_for_the_site_and_restarts_it() {
    let extension = Path::new(env!("CARGO_MANIFEST_DIR")).join("editors/vscode");
    let out = Command::new("node")
        .args(["--test", "test/"])
        .current_dir(&extension)
        .env("SHELF_BIN", env!("CARGO_BIN_EXE_shelf"))
        .output()
        .expect("node runs the extension's tests (.ci/run installs Node.js when it is missing)");
    let report = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{report}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    for line in ["# pass 4", "# fail 0", "# skipped 0"] {
        assert!(report.contains(line), "no {line:?} in:\n{report}");
    }
}
