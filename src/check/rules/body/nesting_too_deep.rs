use pulldown_cmark::{Event, Tag, TagEnd};

use crate::base::diagnostic::Diagnostic;
use crate::source::markdown::{MAX_NESTING, TagDepth};

use super::BodyContext;

declare_rule! {
    /// Blocks or HTML elements are nested more than 256 deep (quotes in quotes, lists in lists,
    /// `<div>` in `<div>`).
    ///
    /// Why: no article needs it, and browsers and sanitizers slow down on it; shelf keeps the
    /// text but flattens everything below that depth.
    /// Example: a line of 300 `>` characters.
    pub NESTING_TOO_DEEP = ("SH314", "nesting-too-deep", Warning);
}

pub fn check(cx: &BodyContext, out: &mut Vec<Diagnostic>) {
    if let Some(at) = too_deep_at(cx) {
        let line_end = cx.text[at..].find('\n').map_or(cx.text.len(), |i| at + i);
        out.push(
            Diagnostic::new(
                NESTING_TOO_DEEP,
                cx.file,
                format!("nesting passes {MAX_NESTING} levels here; deeper levels are flattened"),
            )
            // Eighty bytes at most, cut on a character boundary.
            .at(at..cx.text.floor_char_boundary(line_end.min(at + 80)).max(at))
            .help("flatten the structure: quotes, lists and elements this deep are unreadable"),
        );
    }
}

/// Where the body first nests too deep, counting the elements the HTML will have: each quote
/// and list level, and raw HTML elements.
fn too_deep_at(cx: &BodyContext) -> Option<usize> {
    let mut depth = TagDepth::default();
    for (event, range) in &cx.events {
        let deeper = match event {
            Event::Start(Tag::BlockQuote(_) | Tag::List(_) | Tag::Item) => depth.open(),
            Event::End(TagEnd::BlockQuote(_) | TagEnd::List(_) | TagEnd::Item) => {
                depth.close();
                false
            }
            Event::Html(html) | Event::InlineHtml(html) => depth.feed(html),
            _ => false,
        };
        if deeper {
            // A quote marker's line starts at its first `>`, wherever the event begins.
            return Some(range.start);
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::check::rules::body::run_on;

    #[test]
    fn deep_quotes_and_elements_warn_once() {
        let quotes = format!("<properties a=\"b\" />\n# T\n\n{} x\n", ">".repeat(400));
        assert_eq!(run_on(&quotes, check).len(), 1);
        let divs = format!("<properties a=\"b\" />\n# T\n\n{}x\n", "<div>".repeat(400));
        assert_eq!(run_on(&divs, check).len(), 1);
    }

    #[test]
    fn ordinary_nesting_passes() {
        let a = "<properties a=\"b\" />\n# T\n\n> > quote\n\n- a\n  - b\n\n<div><p>x</p></div>\n";
        assert!(run_on(a, check).is_empty());
    }
}
