//! The JSON format: one document `{ "version": 1, "summary": {...}, "diagnostics": [...] }` for
//! scripts (`shelf check --format json | jq`). Positions are 1-based line and column.

use std::io::{self, Write};

use serde::Serialize;

use super::Summary;
use crate::base::diagnostic::Diagnostic;

#[derive(Serialize)]
struct Document<'a> {
    version: u32,
    summary: Summary,
    diagnostics: &'a [Diagnostic],
}

pub fn emit(diagnostics: &[Diagnostic], summary: Summary, out: &mut dyn Write) -> io::Result<()> {
    let doc = Document {
        version: 1,
        summary,
        diagnostics,
    };
    serde_json::to_writer_pretty(&mut *out, &doc)?;
    writeln!(out)
}
