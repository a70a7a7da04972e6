//! shelf: the self-help content compiler.
//!
//! The pipeline, one module per stage:
//! [`config`] → [`discover`] (find files) → [`article`] (parse each file in parallel:
//! [`header`], [`body`], [`payload`], [`markdown`]) → [`library`] (cross-article work and
//! indexes) → [`render`] (templates, in parallel, with the static [`search`] index and the
//! portal [`api`] beside them; [`paths`] says where each file goes) → [`output`] (staged write,
//! swapped in whole).
//! [`site::load`] does everything up to the library and never writes; [`site::build`] renders and
//! writes. Problems in content are [`diagnostic::Diagnostic`] values; operational failures are
//! [`error::Error`]. `shelf check` is [`check`] (the same load, in check mode, which runs the
//! [`rules`]), printed by [`emit`]; [`fix`] applies the safe fixes. Everything shelf writes or
//! deletes goes through [`nofollow`], which never follows a symlink below a folder shelf owns;
//! [`failpoint`] lets tests kill or fail a build at a named step.

/// Declares a rule. Its doc comment is the rule's documentation: rustdoc shows it, and so does
/// `shelf rules`, because the macro keeps it as a string. The first line is the summary.
macro_rules! declare_rule {
    ($(#[doc = $doc:literal])* $vis:vis $name:ident = ($code:literal, $kebab:literal, $severity:ident);) => {
        $(#[doc = $doc])*
        $vis const $name: $crate::diagnostic::Rule = $crate::diagnostic::Rule {
            code: $code,
            name: $kebab,
            severity: $crate::diagnostic::Severity::$severity,
            doc: concat!($($doc, "\n"),*),
        };
    };
}

pub mod api;
pub mod article;
pub mod baseline;
pub mod body;
pub mod config;
pub mod diagnostic;
pub mod discover;
pub mod error;
pub mod escape;
pub mod failpoint;
pub mod fingerprint;
pub mod header;
pub mod html;
pub mod library;
pub mod markdown;
pub mod model;
pub mod nofollow;
pub mod output;
pub mod paths;
pub mod payload;
pub mod progress;
pub mod render;
pub mod rules;
pub mod scaffold;
pub mod search;
pub mod serve;
pub mod site;
pub mod slug;
pub mod source_rules;

pub use config::Config;
pub use error::Error;
pub mod changes;
pub mod check;
pub mod emit;
pub mod fix;
pub mod views;
pub mod widgets;
