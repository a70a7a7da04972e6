//! The human format: each diagnostic as a rustc-style snippet (annotate-snippets) with the
//! offending text underlined and the help below, then a one-line summary.

use std::collections::HashMap;
use std::io::{self, Write};
use std::ops::Range;
use std::path::Path;

use annotate_snippets::{AnnotationKind, Group, Level, Renderer, Snippet};

use super::Summary;
use crate::base::diagnostic::{Diagnostic, Severity};

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
        // Only a problem with a place shows the file's text (never a file shelf did not read,
        // such as the target of a symlink it refused).
        let source = match d.span {
            Some(_) => sources
                .entry(d.file.as_path())
                .or_insert_with(|| {
                    std::fs::read(&d.file)
                        .ok()
                        .map(|b| String::from_utf8_lossy(&b).into_owned())
                })
                .as_deref(),
            None => None,
        };
        writeln!(out, "{}\n", render(&renderer, d, source))?;
    }
    writeln!(out, "{}", summary.line())
}

/// How many bytes of context a snippet shows on each side of what it underlines, and the most it
/// underlines: a snippet is cut to this window however long the line or the span, so printing
/// thousands of problems on one long line stays linear.
const CONTEXT: usize = 120;
const UNDERLINED: usize = 240;

/// The part of `text` a snippet of `span` shows, `from..to`, and the part of it underlined: the
/// lines the span covers, cut to [`CONTEXT`] bytes around the span's first [`UNDERLINED`] bytes
/// (on character boundaries). Cutting mid-line leaves the line number right.
fn window(text: &str, span: Range<usize>) -> (usize, usize, Range<usize>) {
    let bytes = text.as_bytes();
    let end = text.floor_char_boundary(span.end.min(span.start + UNDERLINED));
    let underlined = span.start..end;
    let earliest = text.floor_char_boundary(span.start.saturating_sub(CONTEXT));
    let from =
        memchr::memrchr(b'\n', &bytes[earliest..span.start]).map_or(earliest, |i| earliest + i + 1);
    let latest = text.ceil_char_boundary((end + CONTEXT).min(text.len()));
    let mut to = memchr::memchr(b'\n', &bytes[end..latest]).map_or(latest, |i| end + i);
    if to > end && bytes[to - 1] == b'\r' {
        to -= 1;
    }
    (from, to, underlined)
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
            let (from, to, underlined) = window(text, span.clone());
            let line = d.start.map_or_else(
                || memchr::memchr_iter(b'\n', &text.as_bytes()[..from]).count() + 1,
                |at| at.line,
            );
            Some(
                Snippet::source(&text[from..to])
                    .line_start(line)
                    .path(path.as_str())
                    .fold(true)
                    .annotation(
                        AnnotationKind::Primary
                            .span(underlined.start - from..underlined.end - from),
                    ),
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_snippet_window_is_the_lines_of_a_short_span() {
        let text = "first\nsecond line\r\nthird";
        let at = text.find("line").unwrap();
        let (from, to, underlined) = window(text, at..at + 4);
        assert_eq!(&text[from..to], "second line");
        assert_eq!(&text[underlined], "line");
    }

    #[test]
    fn a_snippet_window_is_cut_on_a_long_line_and_for_a_long_span() {
        let line = "é".repeat(10_000);
        let text = format!("a\n{line}\nb");
        let at = text.len() / 2;
        let at = text.floor_char_boundary(at);
        let (from, to, underlined) = window(&text, at..at + 2);
        assert!(to - from <= 2 * CONTEXT + 2 + 4, "{}", to - from);
        assert!(text.is_char_boundary(from) && text.is_char_boundary(to));
        assert!(underlined.start >= from && underlined.end <= to);
        // A span over the whole text is underlined only so far.
        let (from, to, underlined) = window(&text, 0..text.len());
        assert_eq!(from, 0);
        assert!(underlined.len() <= UNDERLINED && to - from <= UNDERLINED + CONTEXT + 4);
    }
}
