use std::path::Path;

use crate::base::diagnostic::Diagnostic;

declare_rule! {
    /// Merge-conflict markers (`<<<<<<<`, `=======`, `>>>>>>>`) were left in the file.
    ///
    /// Why: a half-resolved merge publishes both sides of the conflict, or breaks the header.
    /// Example: a line `<<<<<<< HEAD` above the header.
    pub MERGE_CONFLICT_MARKER = ("SH010", "merge-conflict-marker", Error);
}

/// Reports each conflict region once, at its `<<<<<<<` line (or at a stray closing marker).
/// `=======` alone is a Markdown heading underline, so it counts only inside a region.
pub fn check(file: &Path, text: &str, out: &mut Vec<Diagnostic>) {
    if memchr::memmem::find(text.as_bytes(), b"<<<<<<<").is_none()
        && memchr::memmem::find(text.as_bytes(), b">>>>>>>").is_none()
    {
        return;
    }
    let mut open: Option<usize> = None;
    let mut offset = 0;
    for line in text.split_inclusive('\n') {
        let start = offset;
        offset += line.len();
        let trimmed = line.trim_end();
        let span = start..start + trimmed.len();
        let opens = is_marker(trimmed, "<<<<<<<");
        let stray_close = !opens && is_marker(trimmed, ">>>>>>>") && open.take().is_none();
        if opens {
            open = Some(start);
        }
        if opens || stray_close {
            out.push(
                Diagnostic::new(MERGE_CONFLICT_MARKER, file, "merge-conflict marker left in")
                    .at(span)
                    .help("resolve the conflict: keep one side and delete the marker lines"),
            );
        }
    }
}

fn is_marker(line: &str, marker: &str) -> bool {
    line.strip_prefix(marker)
        .is_some_and(|rest| rest.is_empty() || rest.starts_with(' '))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(text: &str) -> Vec<Diagnostic> {
        let mut out = Vec::new();
        check(Path::new("t.md"), text, &mut out);
        out
    }

    #[test]
    fn conflict_region_is_reported_once() {
        let d = run("a\n<<<<<<< HEAD\nx\n=======\ny\n>>>>>>> branch\n");
        assert_eq!(d.len(), 1);
        assert_eq!(d[0].span, Some(2..14));
    }

    #[test]
    fn heading_underline_and_quotes_are_not_markers() {
        assert!(run("Title\n=======\n\n> quote\n<<<<<<<<x\n").is_empty());
    }
}
