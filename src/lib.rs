//! shelf: the self-help content compiler.
//!
//! The code is in layers, one folder each; a module imports only from its own layer and those
//! listed before it (`tests/testsuite/architecture.rs` fails on an import that goes up):
//!
//! 1. [`base`]: values and services every stage uses (diagnostics, errors, escaping, slugs,
//!    symlink-safe file access, failpoints, progress) and the rules the reading stage raises.
//! 2. [`source`]: reading sources: discovering files, reading them, the header, body, payload
//!    and Markdown parsers, the article model, and the library (identity and indexes).
//! 3. [`check`]: checking: the rule catalog and the rules by group, levels and suppressions,
//!    an article read with its rules ([`check::article`]), the baseline, changed files, the
//!    emitters and `--fix`.
//! 4. [`config`]: `shelf.toml`, resolved (rule levels come from the layer below).
//! 5. [`site`]: the site: paths, views, pages (templates compiled and tera), the portal API,
//!    the search index, staged output, and the build cache.
//! 6. [`pipeline`]: what the commands run: [`pipeline::load`] (discover, parse in parallel,
//!    index, cross-article rules; never writes), [`pipeline::build`] (render and swap the site
//!    in whole), [`pipeline::gate`] (`shelf check`'s scope, baseline and changed files) and
//!    [`pipeline::scaffold`] (`shelf new`).
//! 7. [`serve`]: the development server, watching and incremental rebuilds.
//!
//! The command line (`src/main.rs`, one file per command in `src/cmd/`) is the binary, above
//! them all. docs/architecture.md says where each kind of change goes.

/// Declares a rule. Its doc comment is the rule's documentation: rustdoc shows it, and so does
/// `shelf rules`, because the macro keeps it as a string. The first line is the summary.
macro_rules! declare_rule {
    ($(#[doc = $doc:literal])* $vis:vis $name:ident = ($code:literal, $kebab:literal, $severity:ident);) => {
        $(#[doc = $doc])*
        $vis const $name: $crate::base::diagnostic::Rule = $crate::base::diagnostic::Rule {
            code: $code,
            name: $kebab,
            severity: $crate::base::diagnostic::Severity::$severity,
            doc: concat!($($doc, "\n"),*),
        };
    };
}

pub mod base;
pub mod check;
pub mod config;
pub mod pipeline;
pub mod serve;
pub mod site;
pub mod source;

pub use base::error::Error;
pub use config::Config;
