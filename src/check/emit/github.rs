//! The GitHub Actions format: one workflow command per diagnostic
//! (`::error file=...,line=...,col=...,title=...::message`), which GitHub shows as an
//! annotation on the pull request's diff, then the summary line for the log.

use std::io::{self, Write};

use super::Report;
use crate::base::diagnostic::Severity;

/// Escapes a command's message (`%`, CR, LF), as the workflow-command syntax requires.
fn escape_data(s: &str) -> String {
    s.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// Escapes a property value, which also may not hold `:` or `,`.
fn escape_property(s: &str) -> String {
    escape_data(s).replace(':', "%3A").replace(',', "%2C")
}

pub fn emit(report: &Report, out: &mut dyn Write) -> io::Result<()> {
    for (d, file) in report.diagnostics.iter().zip(report.ci_paths()) {
        let command = match d.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        let mut properties = vec![format!("file={}", escape_property(&file))];
        if let Some(start) = d.start {
            properties.push(format!("line={}", start.line));
            properties.push(format!("col={}", start.column));
            if let Some(end) = d.end.filter(|e| *e > start) {
                properties.push(format!("endLine={}", end.line));
                properties.push(format!("endColumn={}", end.column));
            }
        }
        properties.push(format!(
            "title={}",
            escape_property(&format!("{} {}", d.code, d.rule))
        ));
        let mut message = d.message.clone();
        if let Some(help) = &d.help {
            message.push_str("\nhelp: ");
            message.push_str(help);
        }
        writeln!(
            out,
            "::{command} {}::{}",
            properties.join(","),
            escape_data(&message)
        )?;
    }
    writeln!(out, "shelf: {}", report.summary.line())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escaping_follows_the_workflow_command_rules() {
        assert_eq!(escape_data("50% a\nb"), "50%25 a%0Ab");
        assert_eq!(escape_property("a:b,c"), "a%3Ab%2Cc");
    }
}
