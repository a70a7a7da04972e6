//! `shelf lsp`: the language server, over standard input and output (see
//! `shelf::serve::lsp`). Editors start it; docs/editors.md says how.

use std::process::ExitCode;

use crate::Site;

pub fn run(site: &Site) -> anyhow::Result<ExitCode> {
    shelf::serve::lsp::run(&site.root, &site.config_file).map_err(|e| anyhow::anyhow!(e))?;
    Ok(ExitCode::SUCCESS)
}
