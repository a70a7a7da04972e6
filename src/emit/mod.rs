//! Output of diagnostics, one module per format. The data ([`Diagnostic`]) is separate from the
//! printers, so every format says exactly the same thing.

mod human;
mod json;

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
    }
}
