//! Output of diagnostics, one module per format. The data ([`Diagnostic`]) is separate from the
//! printers, so every format says exactly the same thing.

mod github;
mod human;
mod json;
pub mod sarif;

use std::io::{self, Write};

use serde::Serialize;

use crate::diagnostic::{Diagnostic, Severity};

/// The formats `shelf check --format` offers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// rustc-style snippets with carets and help, and a one-line summary.
    Human,
    /// One JSON document: summary and diagnostics.
    Json,
    /// SARIF 2.1.0, for code-scanning upload.
    Sarif,
    /// GitHub Actions workflow commands: annotations on the pull request.
    Github,
}

/// Counts printed with the diagnostics.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Summary {
    pub files: usize,
    pub errors: usize,
    pub warnings: usize,
}

impl Summary {
    pub fn of(files: usize, diagnostics: &[Diagnostic]) -> Summary {
        let errors = diagnostics
            .iter()
            .filter(|d| d.severity == Severity::Error)
            .count();
        Summary {
            files,
            errors,
            warnings: diagnostics.len() - errors,
        }
    }
}

/// The English plural suffix for `n` things: `""` for one, `"s"` otherwise.
pub fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}

/// Writes `diagnostics` in `format`. `color` applies to the human format only.
pub fn emit(
    format: Format,
    diagnostics: &[Diagnostic],
    summary: Summary,
    color: bool,
    out: &mut dyn Write,
) -> io::Result<()> {
    match format {
        Format::Human => human::emit(diagnostics, summary, color, out),
        Format::Json => json::emit(diagnostics, summary, out),
        Format::Sarif => sarif::emit(diagnostics, out),
        Format::Github => github::emit(diagnostics, summary, out),
    }
}

/// One diagnostic on stderr in the one-line form (`file:line:col: severity[code/rule]: ...`),
/// red or yellow when `color`: how `build` and `serve` report as they go.
pub fn eprint_line(d: &Diagnostic, color: bool) {
    eprint_text(d.severity, &d.to_string(), color);
}

/// Prints a diagnostic already made into text (a build's saved report).
pub fn eprint_text(severity: Severity, text: &str, color: bool) {
    if color {
        let tint = match severity {
            Severity::Error => "\x1b[31m",
            Severity::Warning => "\x1b[33m",
        };
        eprintln!("{tint}{text}\x1b[0m");
    } else {
        eprintln!("{text}");
    }
}
