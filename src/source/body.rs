//! The structure inside an article body that is not Markdown: the JSON payload fenced by `---`
//! lines, `<!--issueDescription-->` sections and `<!--$name-->default<!--/$name-->` replacement
//! tokens. Offsets are file-absolute, like every span in shelf.

use std::ops::Range;

use serde::Serialize;

/// Where the payload sits in the file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PayloadFence {
    /// From the opening `---` line to the end of the closing one (or of the file).
    pub whole: Range<usize>,
    /// The JSON text between the fences.
    pub json: Range<usize>,
    pub closed: bool,
}

/// Finds a JSON payload: a `---` line whose next non-blank line starts with `{` or `[`, up to the
/// next `---` line. `body` is the file text after the header, `offset` its position in the file.
pub fn find_payload(body: &str, offset: usize) -> Option<PayloadFence> {
    let mut lines = LineIter::new(body);
    while let Some((start, line_end, line)) = lines.next() {
        if line.trim() != "---" {
            continue;
        }
        let after = &body[line_end..];
        if !after.trim_start().starts_with(['{', '[']) {
            continue;
        }
        let json_start = line_end;
        for (close_start, close_end, line) in lines.by_ref() {
            if line.trim() == "---" {
                return Some(PayloadFence {
                    whole: offset + start..offset + close_end,
                    json: offset + json_start..offset + close_start,
                    closed: true,
                });
            }
        }
        return Some(PayloadFence {
            whole: offset + start..offset + body.len(),
            json: offset + json_start..offset + body.len(),
            closed: false,
        });
    }
    None
}

/// Lines with their start and end (past the newline) offsets.
struct LineIter<'a> {
    text: &'a str,
    pos: usize,
}

impl<'a> LineIter<'a> {
    fn new(text: &'a str) -> Self {
        LineIter { text, pos: 0 }
    }
}

impl<'a> Iterator for LineIter<'a> {
    type Item = (usize, usize, &'a str);
    fn next(&mut self) -> Option<Self::Item> {
        if self.pos >= self.text.len() {
            return None;
        }
        let start = self.pos;
        let end = memchr::memchr(b'\n', &self.text.as_bytes()[start..])
            .map_or(self.text.len(), |i| start + i + 1);
        self.pos = end;
        Some((start, end, &self.text[start..end]))
    }
}

/// A replacement token that a portal fills with the customer's data.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Token {
    pub name: String,
    /// The text shown when the portal has no value.
    pub default: String,
    #[serde(skip)]
    pub span: Range<usize>,
}

/// A comment marker of the token syntax: `<!--$name-->` (open) or `<!--/$name-->` (close).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Marker<'a> {
    TokenOpen(&'a str),
    TokenClose(&'a str),
    IssueOpen,
    IssueClose,
}

/// What the comment `<!--inner-->` is as a marker, if it is one.
fn marker_of(inner: &str) -> Option<Marker<'_>> {
    let inner = inner.trim();
    Some(if let Some(name) = inner.strip_prefix("/$") {
        Marker::TokenClose(name.trim())
    } else if let Some(name) = inner.strip_prefix('$') {
        Marker::TokenOpen(name.trim())
    } else if inner.eq_ignore_ascii_case("issueDescription") {
        Marker::IssueOpen
    } else if inner.eq_ignore_ascii_case("/issueDescription") {
        Marker::IssueClose
    } else {
        return None;
    })
}

/// The end of a comment, searched for once per marker: the searcher is built once.
static COMMENT_END: std::sync::LazyLock<memchr::memmem::Finder<'static>> =
    std::sync::LazyLock::new(|| memchr::memmem::Finder::new(b"-->"));

/// Every marker in `text` with its offset (relative to `text`) and length.
///
/// O(n) in the text however many comments are left open: the next `-->` and the next `<!--`
/// after an opener are each found by searches that only move forward, never by scanning the
/// rest of the text again for every opener.
pub fn markers(text: &str) -> impl Iterator<Item = (usize, Marker<'_>, usize)> {
    let bytes = text.as_bytes();
    let mut openers = memchr::memmem::find_iter(bytes, b"<!--").peekable();
    // The first `-->` at or after `close_from`, once looked for (None: there is none).
    let mut close: Option<Option<usize>> = None;
    let mut close_from = 0;
    // A marker whose `-->` is missing can run over the next `<!--`; markers never overlap.
    let mut end = 0;
    std::iter::from_fn(move || {
        while let Some(at) = openers.next() {
            if at < end {
                continue;
            }
            let inner_start = at + 4;
            if close.is_some_and(|c| c.is_some_and(|c| c < inner_start)) || close.is_none() {
                close_from = close_from.max(inner_start);
                close = Some(
                    COMMENT_END
                        .find(&bytes[close_from..])
                        .map(|i| close_from + i),
                );
            }
            let Some(Some(close_at)) = close else {
                // No `-->` anywhere after: no marker can close.
                return None;
            };
            // `<!--$a--(` … `<!--$b-->`: the first is not closed; it does not swallow the second.
            if openers.peek().is_some_and(|&next| next < close_at) {
                continue;
            }
            let len = close_at + 3 - at;
            let Some(marker) = marker_of(&text[inner_start..close_at]) else {
                continue;
            };
            end = at + len;
            return Some((at, marker, len));
        }
        None
    })
}

/// The tokens and the first issueDescription section of a body.
pub fn scan_tokens(body: &str, offset: usize) -> (Vec<Token>, Option<String>) {
    let mut tokens = Vec::new();
    let mut issue = None;
    let mut issue_start = None;
    let mut open: Option<(&str, usize, usize)> = None;
    for (at, marker, len) in markers(body) {
        match marker {
            Marker::TokenOpen(name) => open = Some((name, at, at + len)),
            Marker::TokenClose(name) => {
                if let Some((open_name, start, content_start)) = open.take()
                    && open_name == name
                {
                    tokens.push(Token {
                        name: name.to_string(),
                        default: body[content_start..at].to_string(),
                        span: offset + start..offset + at + len,
                    });
                }
            }
            Marker::IssueOpen => issue_start = issue_start.or(Some(at + len)),
            Marker::IssueClose => {
                if let (Some(start), None) = (issue_start, &issue) {
                    issue = Some(body[start..at].trim().to_string());
                }
            }
        }
    }
    (tokens, issue)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_a_fenced_payload() {
        let body = "# T\n---\n{\"a\": 1}\n---\ntail\n";
        let f = find_payload(body, 100).unwrap();
        assert_eq!(&body[f.json.start - 100..f.json.end - 100], "{\"a\": 1}\n");
        assert_eq!(
            &body[f.whole.start - 100..f.whole.end - 100],
            "---\n{\"a\": 1}\n---\n"
        );
        assert!(f.closed);
    }

    #[test]
    fn a_thematic_break_is_not_a_payload() {
        assert_eq!(find_payload("text\n---\nmore text\n", 0), None);
    }

    #[test]
    fn unclosed_payload_runs_to_the_end() {
        let f = find_payload("---\r\n{\r\n", 0).unwrap();
        assert!(!f.closed);
        assert_eq!(f.json, 5..8);
    }

    #[test]
    fn scans_tokens_and_issue_description() {
        let body = "<!--issueDescription-->\nVM <!--$vmName-->[vm]<!--/$vmName--> is down\n<!--/issueDescription-->\n<!-- $x -->d<!--/$x-->";
        let (tokens, issue) = scan_tokens(body, 0);
        assert_eq!(
            issue.as_deref(),
            Some("VM <!--$vmName-->[vm]<!--/$vmName--> is down")
        );
        assert_eq!(tokens.len(), 2);
        assert_eq!(
            (tokens[0].name.as_str(), tokens[0].default.as_str()),
            ("vmName", "[vm]")
        );
        assert_eq!(&body[tokens[1].span.clone()], "<!-- $x -->d<!--/$x-->");
    }

    #[test]
    fn markers_close_at_the_nearest_end_and_unclosed_ones_swallow_nothing() {
        fn found(text: &str) -> Vec<(usize, Marker<'_>, usize)> {
            markers(text).collect()
        }
        assert_eq!(
            found("a<!--$x-->b<!--/$x-->"),
            [
                (1, Marker::TokenOpen("x"), 9),
                (11, Marker::TokenClose("x"), 10)
            ]
        );
        // The first opener is never closed before the second opens.
        assert_eq!(
            found("<!--$a--( <!--$b-->"),
            [(10, Marker::TokenOpen("b"), 9)]
        );
        assert_eq!(found("<!--$a <!--$b <!--"), []);
        // Of two openers before one `-->`, the later one is the marker.
        assert_eq!(
            found("<!-- <!--$a --> <!--/$a-->"),
            [
                (5, Marker::TokenOpen("a"), 10),
                (16, Marker::TokenClose("a"), 10)
            ]
        );
        assert_eq!(
            found("<!--issueDescription-->x<!--/ISSUEDESCRIPTION -->"),
            [(0, Marker::IssueOpen, 23), (24, Marker::IssueClose, 25)]
        );
    }

    #[test]
    fn plain_comments_are_not_markers() {
        assert_eq!(markers("<!-- a note --> <!--").count(), 0);
    }
}
