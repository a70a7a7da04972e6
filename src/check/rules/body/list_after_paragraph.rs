use pulldown_cmark::{Event, Tag, TagEnd};

use crate::base::diagnostic::Diagnostic;

use super::BodyContext;

declare_rule! {
    /// A list starts on the line right after a paragraph, with no empty line between.
    ///
    /// Why: the portal's Markdown renderer needs the empty line; without it the items are shown
    /// as one run-on paragraph with literal `-` and `1.`.
    /// Example: `Do this:` and on the next line `1. Open the portal`.
    pub LIST_AFTER_PARAGRAPH = ("SH311", "list-after-paragraph", Warning);
}

pub fn check(cx: &BodyContext, out: &mut Vec<Diagnostic>) {
    // Depth of open blocks: only lists at the top level follow a paragraph as a sibling.
    let mut depth = 0usize;
    let mut paragraph_end: Option<usize> = None;
    for (event, range) in &cx.events {
        match event {
            Event::Start(Tag::List(_)) if depth == 0 => {
                if paragraph_end.is_some() && !previous_line_blank(cx.text, range.start) {
                    let line = cx.text[range.clone()].lines().next().unwrap_or("");
                    out.push(
                        Diagnostic::new(
                            LIST_AFTER_PARAGRAPH,
                            cx.file,
                            "this list starts right after a paragraph line",
                        )
                        .at(range.start..range.start + line.len())
                        .help("add an empty line before the list"),
                    );
                }
                depth += 1;
            }
            Event::Start(Tag::Paragraph) if depth == 0 => {
                paragraph_end = Some(range.start);
                depth += 1;
            }
            Event::Start(_) => {
                if depth == 0 {
                    paragraph_end = None;
                }
                depth += 1;
            }
            Event::End(TagEnd::Paragraph) if depth == 1 => depth -= 1,
            Event::End(_) => depth = depth.saturating_sub(1),
            Event::Html(_) | Event::Rule if depth == 0 => paragraph_end = None,
            _ => {}
        }
    }
}

/// Whether the line before the one holding `at` is blank (or there is none).
fn previous_line_blank(text: &str, at: usize) -> bool {
    let Some(line_start) = text[..at].rfind('\n') else {
        return true;
    };
    let prev_start = text[..line_start].rfind('\n').map_or(0, |i| i + 1);
    text[prev_start..line_start].trim().is_empty()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::check::rules::body::run_on;

    #[test]
    fn list_glued_to_paragraph_warns() {
        let a = "<properties a=\"b\" />\n# T\n\nDo this:\n- a\n- b\n";
        assert_eq!(run_on(a, check).len(), 1);
        let a = "<properties a=\"b\" />\n# T\n\nDo this:\r\n1. a\r\n";
        assert_eq!(run_on(a, check).len(), 1);
    }

    #[test]
    fn separated_list_and_heading_list_pass() {
        let a = "<properties a=\"b\" />\n# T\n\nDo this:\n\n- a\n- b\n";
        assert!(run_on(a, check).is_empty());
        let a = "<properties a=\"b\" />\n# T\n## Steps\n- a\n";
        assert!(run_on(a, check).is_empty());
        let a = "<properties a=\"b\" />\n# T\n\n- a\n  text\n  - b\n";
        assert!(run_on(a, check).is_empty());
    }
}
