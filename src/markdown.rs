//! Markdown body to safe HTML, with pulldown-cmark and ammonia.
//!
//! The event stream is rewritten before HTML is written: the first H1 is lifted out as the title;
//! replacement-token and issueDescription comments become elements a portal can find
//! (`<span class="shelf-token" data-token="name">`); `data-blade:` links become elements that carry
//! their target instead of dead links; inline "tags" that are really placeholders
//! (`<your storage account>`) stay visible as text. The HTML is then cleaned by ammonia under an
//! allow-list, so no script, event handler or `javascript:` URL survives.

use std::collections::HashSet;
use std::sync::OnceLock;

use pulldown_cmark::{CowStr, Event, HeadingLevel, Options, Parser, Tag, TagEnd};

use crate::body::{Marker, markers};

/// What rendering a body yields.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct Rendered {
    /// Text of the first H1, if any.
    pub title: Option<String>,
    /// Sanitized HTML of everything but the first H1.
    pub html: String,
    /// Text content, block by block on separate lines.
    pub plain_text: String,
    /// Headings other than the title: (level, text).
    pub headings: Vec<(u8, String)>,
}

pub fn render(markdown: &str) -> Rendered {
    let options = Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH;
    let mut out = Rendered::default();
    let mut events: Vec<Event> = Vec::new();
    // Text of the heading being read: Some((level, text, is_title)).
    let mut heading: Option<(u8, String, bool)> = None;
    // For each open link: whether it was turned into a blade element.
    let mut links: Vec<bool> = Vec::new();

    for event in Parser::new_ext(markdown, options) {
        match event {
            Event::Start(Tag::Heading { level, .. }) => {
                let is_title = level == HeadingLevel::H1 && out.title.is_none();
                heading = Some((level as u8, String::new(), is_title));
                if !is_title {
                    events.push(event);
                }
            }
            Event::End(TagEnd::Heading(_)) => {
                if let Some((level, text, is_title)) = heading.take() {
                    let text = text.trim().to_string();
                    push_line(&mut out.plain_text, &text);
                    if is_title {
                        out.title = Some(text);
                        continue;
                    }
                    out.headings.push((level, text));
                }
                events.push(event);
            }
            Event::Text(ref t) | Event::Code(ref t) => {
                match &mut heading {
                    Some((_, text, is_title)) => {
                        text.push_str(t);
                        if *is_title {
                            continue;
                        }
                    }
                    None => out.plain_text.push_str(t),
                }
                events.push(event);
            }
            Event::SoftBreak | Event::HardBreak => {
                match &mut heading {
                    Some((_, text, _)) => text.push(' '),
                    None => out.plain_text.push(' '),
                }
                if !matches!(heading, Some((_, _, true))) {
                    events.push(event);
                }
            }
            Event::End(TagEnd::Paragraph | TagEnd::Item | TagEnd::CodeBlock | TagEnd::TableRow) => {
                end_line(&mut out.plain_text);
                events.push(event);
            }
            Event::Html(html) => events.push(Event::Html(rewrite_markers(&html).into())),
            Event::InlineHtml(html) => {
                if matches!(heading, Some((_, _, true))) {
                    continue;
                }
                if is_known_markup(&html) {
                    events.push(Event::InlineHtml(rewrite_markers(&html).into()));
                } else {
                    // A placeholder such as `<your storage account>`: show it.
                    out.plain_text.push_str(&html);
                    events.push(Event::Text(html));
                }
            }
            Event::Start(Tag::Link { ref dest_url, .. }) if is_blade(dest_url) => {
                links.push(true);
                let mut open = String::from("<a class=\"shelf-blade\" data-blade=\"");
                escape_attr(&mut open, dest_url["data-blade:".len()..].trim());
                open.push_str("\">");
                events.push(Event::InlineHtml(open.into()));
            }
            Event::Start(Tag::Link { .. }) => {
                links.push(false);
                events.push(event);
            }
            Event::End(TagEnd::Link) => {
                if links.pop() == Some(true) {
                    events.push(Event::InlineHtml("</a>".into()));
                } else {
                    events.push(event);
                }
            }
            other => {
                if !matches!(heading, Some((_, _, true))) {
                    events.push(other);
                }
            }
        }
    }

    let mut html = String::with_capacity(markdown.len() * 3 / 2);
    pulldown_cmark::html::push_html(&mut html, events.into_iter());
    out.html = sanitizer().clean(&html).to_string();
    out.plain_text = out.plain_text.trim().to_string();
    out
}

fn push_line(s: &mut String, line: &str) {
    end_line(s);
    s.push_str(line);
    s.push('\n');
}

fn end_line(s: &mut String) {
    if !s.is_empty() && !s.ends_with('\n') {
        s.push('\n');
    }
}

fn is_blade(url: &CowStr) -> bool {
    url.len() > 11 && url[..11].eq_ignore_ascii_case("data-blade:")
}

/// Replaces token and issueDescription comments with the elements that carry them.
fn rewrite_markers(html: &str) -> String {
    let mut out = String::with_capacity(html.len());
    let mut last = 0;
    for (at, marker, len) in markers(html) {
        out.push_str(&html[last..at]);
        match marker {
            Marker::TokenOpen(name) => {
                out.push_str("<span class=\"shelf-token\" data-token=\"");
                escape_attr(&mut out, name);
                out.push_str("\">");
            }
            Marker::TokenClose(_) => out.push_str("</span>"),
            Marker::IssueOpen => out.push_str("<div class=\"shelf-issue-description\">"),
            Marker::IssueClose => out.push_str("</div>"),
        }
        last = at + len;
    }
    out.push_str(&html[last..]);
    out
}

pub fn escape_attr(out: &mut String, s: &str) {
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '"' => out.push_str("&quot;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
}

/// Element names articles really use; an inline "tag" with another name is placeholder text.
const KNOWN_ELEMENTS: &[&str] = &[
    "a",
    "abbr",
    "azurekb",
    "b",
    "blockquote",
    "br",
    "center",
    "cite",
    "client",
    "code",
    "dd",
    "del",
    "details",
    "div",
    "dl",
    "dt",
    "em",
    "font",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "hr",
    "i",
    "iframe",
    "img",
    "ins",
    "insight",
    "kbd",
    "li",
    "mark",
    "ol",
    "p",
    "pre",
    "q",
    "s",
    "samp",
    "section",
    "small",
    "source",
    "span",
    "strike",
    "strong",
    "sub",
    "summary",
    "sup",
    "table",
    "tbody",
    "td",
    "tfoot",
    "th",
    "thead",
    "tr",
    "u",
    "ul",
    "var",
    "video",
    // Dangerous ones are "known" so they reach the sanitizer and are removed, not shown.
    "script",
    "style",
    "object",
    "embed",
    "form",
    "input",
    "button",
    "svg",
    "math",
    "link",
    "meta",
    "base",
];

fn is_known_markup(html: &str) -> bool {
    if html.starts_with("<!--") || html.starts_with("<!") || html.starts_with("<?") {
        return true;
    }
    let name: String = html
        .trim_start_matches('<')
        .trim_start_matches('/')
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || *c == '-')
        .collect::<String>()
        .to_ascii_lowercase();
    KNOWN_ELEMENTS.contains(&name.as_str())
}

/// The allow-list: what real articles use, minus anything that can run code or restyle the page.
fn sanitizer() -> &'static ammonia::Builder<'static> {
    static SANITIZER: OnceLock<ammonia::Builder<'static>> = OnceLock::new();
    SANITIZER.get_or_init(|| {
        let mut b = ammonia::Builder::default();
        b.add_tags([
            "video", "source", "details", "summary", "center", "font", "mark",
        ]);
        b.add_tag_attributes("a", ["data-blade"]);
        b.add_tag_attributes("span", ["data-token"]);
        b.add_tag_attributes("video", ["src", "controls", "width", "height", "poster"]);
        b.add_tag_attributes("source", ["src", "type"]);
        b.add_tag_attributes("img", ["width", "height"]);
        b.add_allowed_classes("span", ["shelf-token"]);
        b.add_allowed_classes("a", ["shelf-blade"]);
        b.add_allowed_classes("div", ["shelf-issue-description"]);
        let schemes: HashSet<&str> = ["http", "https", "mailto"].into_iter().collect();
        b.url_schemes(schemes);
        b
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lifts_the_h1_and_keeps_other_headings() {
        let r = render("# My *title*\n\nIntro.\n\n## **Recommended Steps**\n\n1. one\n");
        assert_eq!(r.title.as_deref(), Some("My title"));
        assert!(!r.html.contains("<h1>"));
        assert!(
            r.html
                .contains("<h2><strong>Recommended Steps</strong></h2>"),
            "{}",
            r.html
        );
        assert_eq!(r.headings, [(2, "Recommended Steps".to_string())]);
        assert_eq!(r.plain_text, "My title\nIntro.\nRecommended Steps\none");
    }

    #[test]
    fn tokens_become_elements() {
        let r = render("VM <!--$vmName-->[vm]<!--/$vmName--> is down");
        assert!(
            r.html
                .contains("<span class=\"shelf-token\" data-token=\"vmName\">[vm]</span>"),
            "{}",
            r.html
        );
    }

    #[test]
    fn issue_description_block_becomes_a_div() {
        let r = render("<!--issueDescription-->\nWe found a problem.\n<!--/issueDescription-->\n");
        assert!(
            r.html.contains("<div class=\"shelf-issue-description\">"),
            "{}",
            r.html
        );
        assert!(r.html.contains("We found a problem."));
    }

    #[test]
    fn blade_links_carry_their_target() {
        let r = render("[Open](data-blade:Microsoft_Azure_Compute.VmBlade.id.$resourceId)");
        assert!(
            r.html.contains(
                "<a class=\"shelf-blade\" data-blade=\"Microsoft_Azure_Compute.VmBlade.id.$resourceId\" rel=\"noopener noreferrer\">Open</a>"
            ),
            "{}",
            r.html
        );
    }

    #[test]
    fn placeholder_tags_stay_visible() {
        let r = render("Run `x` on <your storage account> now.");
        assert!(
            r.html.contains("&lt;your storage account&gt;"),
            "{}",
            r.html
        );
    }

    #[test]
    fn scripts_and_handlers_are_removed() {
        let r = render(
            "<script>alert(1)</script>\n\n<img src=x onerror=alert(1)>\n\n[x](javascript:alert(1)) <a href=\"data:text/html,x\">d</a>",
        );
        for bad in ["<script", "onerror", "javascript:", "data:text"] {
            assert!(!r.html.contains(bad), "{bad} in {}", r.html);
        }
    }
}
