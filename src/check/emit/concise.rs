//! The concise format: one line per problem, `file:line:col: code message`, as ruff's and
//! compilers' short forms, for problem matchers, editors and grep. The summary goes to stderr
//! so the output holds nothing but problems.

use std::io::{self, Write};

use crate::base::diagnostic::Diagnostic;

pub fn emit(diagnostics: &[Diagnostic], out: &mut dyn Write) -> io::Result<()> {
    for d in diagnostics {
        let (line, column) = d.start.map_or((1, 1), |s| (s.line, s.column));
        let message = d.message.lines().next().unwrap_or("");
        writeln!(
            out,
            "{}:{line}:{column}: {} {message}",
            d.file.display(),
            d.code
        )?;
    }
    Ok(())
}
