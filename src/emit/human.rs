//! The human format: each diagnostic as a rustc-style snippet (annotate-snippets) with the
//! offending text underlined and the help below, then a one-line summary.

use std::collections::HashMap;
use std::io::{self, Write};
use std::path::Path;

use annotate_snippets::{AnnotationKind, Group, Level, Renderer, Snippet};

use super::{Summary, plural};
use crate::diagnostic::{Diagnostic, Severity};

pub fn emit(
    diagnostics: &[Diagnostic],
    summary: Summary,
    color: bool,
    out: &mut dyn Write,
) -> io::Result<()> {
    let renderer = if color {
        Renderer::styled()
    } else {
        Renderer::plain()
    };
    // Each file is read once, when its first diagnostic is printed.
    let mut sources: HashMap<&Path, Option<String>> = HashMap::new();
    for d in diagnostics {
        let source = sources.entry(d.file.as_path()).or_insert_with(|| {
            std::fs::read(&d.file)
                .ok()
                .map(|b| String::from_utf8_lossy(&b).into_owned())
        });
        writeln!(out, "{}\n", render(&renderer, d, source.as_deref()))?;
    }
    writeln!(
        out,
        "{} file{} checked: {} error{}, {} warning{}",
        summary.files,
        plural(summary.files),
        summary.errors,
        plural(summary.errors),
        summary.warnings,
        plural(summary.warnings)
    )
}

fn render(renderer: &Renderer, d: &Diagnostic, source: Option<&str>) -> String {
    let level = match d.severity {
        Severity::Error => Level::ERROR,
        Severity::Warning => Level::WARNING,
    };
    let id = format!("{}/{}", d.code, d.rule);
    let path = d.file.display().to_string();
    let title = level.primary_title(d.message.as_str()).id(id.as_str());
    // A span is shown only when it is valid in the text read back (the file may have changed,
    // or not be UTF-8, in which case the lossy text has other offsets).
    // A BOM is not a column (the line:col of every format says so); drop it and shift the span.
    let bom = source.map_or(0, |t| if t.starts_with('\u{feff}') { 3 } else { 0 });
    let source = source.map(|t| &t[bom..]);
    let span = d
        .span
        .as_ref()
        .map(|s| s.start.saturating_sub(bom)..s.end.saturating_sub(bom));
    let snippet = match (source, &span) {
        (Some(text), Some(span))
            if span.end <= text.len()
                && text.is_char_boundary(span.start)
                && text.is_char_boundary(span.end) =>
        {
            // Only the lines the span covers go to the renderer: it scans the whole source it
            // is given, which for thousands of diagnostics in a large file adds up.
            let from = text[..span.start].rfind('\n').map_or(0, |i| i + 1);
            let to = text[span.end..]
                .find('\n')
                .map_or(text.len(), |i| span.end + i);
            let to = if to > span.end && text[..to].ends_with('\r') {
                to - 1
            } else {
                to
            };
            let line = d.start.map_or_else(
                || memchr::memchr_iter(b'\n', &text.as_bytes()[..from]).count() + 1,
                |at| at.line,
            );
            Some(
                Snippet::source(&text[from..to])
                    .line_start(line)
                    .path(path.as_str())
                    .fold(true)
                    .annotation(AnnotationKind::Primary.span(span.start - from..span.end - from)),
            )
        }
        _ => None,
    };
    let mut report = vec![match snippet {
        Some(s) => title.element(s),
        None => {
            let place = match d.start {
                Some(at) => format!("{path}:{}:{}", at.line, at.column),
                None => path.clone(),
            };
            title.element(annotate_snippets::Origin::path(place))
        }
    }];
    if let Some(help) = &d.help {
        report.push(Group::with_title(
            Level::HELP.secondary_title(help.as_str()),
        ));
    }
    let fix_note = d
        .fix
        .as_ref()
        .map(|f| format!("`shelf check --fix` can do this: {}", f.description));
    if let Some(note) = &fix_note {
        report.push(Group::with_title(
            Level::NOTE.secondary_title(note.as_str()),
        ));
    }
    renderer.render(&report)
}
