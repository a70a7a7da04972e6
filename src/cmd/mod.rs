//! The commands of the `shelf` binary, one file each (as Zola's `src/cmd/`): each parses
//! nothing itself (its clap struct is its arguments), calls the library and decides what is
//! printed and the exit code.

pub mod build;
pub mod check;
pub mod lsp;
pub mod man;
pub mod new;
pub mod rules;
pub mod serve;
