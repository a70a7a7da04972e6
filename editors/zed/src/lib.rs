//! shelf for Zed: Zed takes a language server only from an extension, so this one tells it how
//! to start `shelf lsp` for Markdown files: the `shelf` of the `lsp.shelf.binary` setting, else
//! the one on the worktree's `PATH`.

use zed_extension_api::{self as zed, settings::LspSettings, LanguageServerId, Result, Worktree};

struct Shelf;

impl zed::Extension for Shelf {
    fn new() -> Self {
        Shelf
    }

    fn language_server_command(
        &mut self,
        language_server_id: &LanguageServerId,
        worktree: &Worktree,
    ) -> Result<zed::Command> {
        let binary = LspSettings::for_worktree(language_server_id.as_ref(), worktree)
            .ok()
            .and_then(|settings| settings.binary);
        let configured = binary.as_ref().and_then(|b| b.path.clone());
        let command = match configured.or_else(|| worktree.which("shelf")) {
            Some(path) => path,
            None => {
                return Err(
                    "shelf is not on PATH: install it, or set lsp.shelf.binary.path \
                            in Zed's settings"
                        .into(),
                )
            }
        };
        let args = binary
            .and_then(|b| b.arguments)
            .unwrap_or_else(|| vec!["lsp".into()]);
        Ok(zed::Command {
            command,
            args,
            env: worktree.shell_env(),
        })
    }
}

zed::register_extension!(Shelf);
