//! Markdown body to safe HTML, with pulldown-cmark and ammonia.
//!
//! The event stream is rewritten before HTML is written: the first H1 is lifted out as the title;
//! replacement-token and issueDescription comments become elements a portal can find
//! (`<span class="shelf-token" data-token="name">`); `data-blade:` links become elements that carry
//! their target instead of dead links; inline "tags" that are really placeholders
//! (`<your storage account>`) stay visible as text. The HTML is then cleaned by ammonia under an
//! allow-list, so no script, event handler or `javascript:` URL survives.

use std::sync::OnceLock;

use pulldown_cmark::{CowStr, Event, HeadingLevel, Options, Parser, Tag, TagEnd};

use crate::base::escape;
use crate::source::body::{Marker, markers};
use crate::source::html;
use crate::source::widgets;

pub mod policy;
mod pulldown_only;

static BACKTICKS: std::sync::LazyLock<memchr::memmem::Finder<'static>> =
    std::sync::LazyLock::new(|| memchr::memmem::Finder::new(b"```"));
static TILDES: std::sync::LazyLock<memchr::memmem::Finder<'static>> =
    std::sync::LazyLock::new(|| memchr::memmem::Finder::new(b"~~~"));

/// `text` with what pulldown-cmark reads differently from CommonMark put right, without moving
/// a byte: every offset into the result is an offset into `text`.
///
/// - A fence line followed by tabs (`` ```\t ``): the spec lets a closing fence be followed by
///   spaces or tabs, and cmark, markdown-it and commonmark.js close the block there;
///   pulldown-cmark 0.13 does not, and shows the rest of the article as code. Such tabs become
///   spaces, which every reader treats the same. (`tests/testsuite/commonmark.rs` compares
///   shelf's reading with comrak's on the corpus and on generated documents.)
pub fn spec_fixups(text: &str) -> std::borrow::Cow<'_, str> {
    let bytes = text.as_bytes();
    // Most files hold no fence followed by a tab: three searches tell.
    let fence_tab = |fence: &[u8]| {
        let finder = if fence[0] == b'`' {
            &*BACKTICKS
        } else {
            &*TILDES
        };
        finder.find_iter(bytes).any(|at| {
            let rest = &bytes[at + fence.len()..];
            let run = rest.iter().take_while(|&&b| b == fence[0]).count();
            rest[run..]
                .iter()
                .take_while(|&&b| b == b' ' || b == b'\t')
                .any(|&b| b == b'\t')
        })
    };
    if !fence_tab(b"```") && !fence_tab(b"~~~") {
        return std::borrow::Cow::Borrowed(text);
    }
    let mut out: Option<Vec<u8>> = None;
    let mut start = 0;
    for line in text.split_inclusive('\n') {
        let end = start + line.len();
        if let Some(tabs) = fence_line_trailing_tabs(line) {
            let bytes = out.get_or_insert_with(|| text.as_bytes().to_vec());
            for i in tabs {
                bytes[start + i] = b' ';
            }
        }
        start = end;
    }
    match out {
        // Only ASCII tabs became ASCII spaces: still UTF-8.
        Some(bytes) => std::borrow::Cow::Owned(String::from_utf8(bytes).unwrap_or_default()),
        None => std::borrow::Cow::Borrowed(text),
    }
}

/// Where the tabs are after a code fence, when `line` is a fence (up to three spaces, three or
/// more backticks or tildes) followed by nothing but spaces and tabs.
fn fence_line_trailing_tabs(line: &str) -> Option<impl Iterator<Item = usize> + '_> {
    let body = line.trim_end_matches(['\n', '\r']);
    let indent = body.bytes().take_while(|&b| b == b' ').count();
    if indent > 3 {
        return None;
    }
    let fence_char = *body.as_bytes().get(indent)?;
    if fence_char != b'`' && fence_char != b'~' {
        return None;
    }
    let fence = body[indent..]
        .bytes()
        .take_while(|&b| b == fence_char)
        .count();
    let rest = &body[indent + fence..];
    if fence < 3 || !rest.contains('\t') || !rest.bytes().all(|b| b == b' ' || b == b'\t') {
        return None;
    }
    let at = indent + fence;
    Some(
        rest.bytes()
            .enumerate()
            .filter(|(_, b)| *b == b'\t')
            .map(move |(i, _)| at + i),
    )
}

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
    /// Elements were nested deeper than [`MAX_NESTING`] and the deeper ones were dropped.
    pub nesting_capped: bool,
}

/// How deep elements may nest in a body. The HTML parser under the sanitizer checks the stack
/// of open elements at every tag, so 100,000 nested quotes or `<div>`s would take minutes;
/// no article needs more than a handful.
pub const MAX_NESTING: usize = 256;

/// Open elements counted tag by tag, the way the HTML will nest: void elements (`<br>`) and
/// self-closed tags do not open anything.
#[derive(Default)]
pub struct TagDepth {
    open: usize,
    /// Opening tags dropped past the limit whose closing tags are still to come.
    dropped: usize,
}

impl TagDepth {
    /// One more level opens; true if it is past the limit (and so dropped).
    pub fn open(&mut self) -> bool {
        if self.open >= MAX_NESTING {
            self.dropped += 1;
            true
        } else {
            self.open += 1;
            false
        }
    }

    /// A level closes; true if its opening tag had been dropped.
    pub fn close(&mut self) -> bool {
        if self.dropped > 0 {
            self.dropped -= 1;
            true
        } else {
            self.open = self.open.saturating_sub(1);
            false
        }
    }

    /// Counts the tags of a piece of HTML; true if any of them went past the limit.
    pub fn feed(&mut self, html: &str) -> bool {
        let mut deeper = false;
        for tag in html::tags(html) {
            if tag.closing {
                self.close();
            } else if tag.opens() {
                deeper |= self.open();
            }
        }
        deeper
    }
}

/// `html` with the tags that nest deeper than [`MAX_NESTING`] removed (their text stays), or
/// `None` when nothing is that deep.
pub fn limit_nesting(html: &str) -> Option<String> {
    // Fewer tags than the limit cannot nest past it.
    memchr::memchr_iter(b'<', html.as_bytes()).nth(MAX_NESTING)?;
    let mut depth = TagDepth::default();
    let mut out = String::new();
    let mut copied = 0;
    for tag in html::tags(html) {
        let drop = if tag.closing {
            depth.close()
        } else {
            tag.opens() && depth.open()
        };
        if drop {
            out.push_str(&html[copied..tag.range.start]);
            copied = tag.range.end;
        }
    }
    if copied == 0 {
        return None;
    }
    out.push_str(&html[copied..]);
    Some(out)
}

/// The event stream of a body, rewritten on the way to the HTML writer (see the module doc).
/// It is an iterator, so a long body is never held as a list of events: the events of a big
/// table cost about a hundred bytes of memory per byte of Markdown when they were collected.
struct Rewrite<'a, I> {
    parser: I,
    /// Events made from the last parser event, not yet written.
    queue: std::collections::VecDeque<Event<'a>>,
    out: Rendered,
    /// Text of the heading being read: Some((level, text, is_title)).
    heading: Option<(u8, String, bool)>,
    /// For each open link: whether it was turned into a blade element.
    links: Vec<bool>,
    html_block: Option<String>,
    /// Inside a code block: its text is shown as written, addresses included.
    code_block: bool,
    /// A widget element opened inline (inside a paragraph): its name, and its raw text until
    /// it closes.
    inline_widget: Option<(&'static str, String)>,
    /// Raw HTML was written (or an element of ours): the sanitizer must see the result.
    raw_html: bool,
}

impl<'a, I: Iterator<Item = Event<'a>>> Iterator for Rewrite<'a, I> {
    type Item = Event<'a>;

    fn next(&mut self) -> Option<Event<'a>> {
        loop {
            if let Some(event) = self.queue.pop_front() {
                self.raw_html |= matches!(event, Event::Html(_) | Event::InlineHtml(_));
                return Some(event);
            }
            match self.parser.next() {
                Some(event) => self.step(event),
                // A widget still open at the end: its text is kept.
                None => match self.inline_widget.take() {
                    Some((_, raw)) => self.queue.push_back(Event::Text(raw.into())),
                    None => return None,
                },
            }
        }
    }
}

impl<'a, I: Iterator<Item = Event<'a>>> Rewrite<'a, I> {
    /// Rewrites one event of the parser into the queue.
    fn step(&mut self, event: Event<'a>) {
        if let Some((name, raw)) = &mut self.inline_widget {
            match &event {
                Event::Text(t) | Event::Code(t) => raw.push_str(t),
                Event::SoftBreak | Event::HardBreak => raw.push('\n'),
                Event::InlineHtml(h) => {
                    raw.push_str(h);
                    // Only its own closing tag can end it (trying at every tag would be
                    // quadratic in a long paragraph).
                    if widgets::closes(h, name)
                        && let Some(html) = widgets::rewrite(raw)
                    {
                        self.queue.push_back(Event::InlineHtml(html.into()));
                        self.inline_widget = None;
                    }
                }
                // The paragraph ended first: the element was never closed; its text is kept.
                _ => {
                    let (_, raw) = self.inline_widget.take().unwrap_or_default();
                    self.queue.push_back(Event::Text(raw.into()));
                }
            }
            if self.inline_widget.is_some() || !matches!(event, Event::End(_) | Event::Start(_)) {
                return;
            }
        }
        match event {
            Event::InlineHtml(ref html)
                if self.heading.is_none() && widgets::opens(html).is_some() =>
            {
                self.inline_widget = widgets::opens(html).map(|name| (name, html.to_string()));
            }
            Event::Start(Tag::Heading { level, .. }) => {
                let is_title = level == HeadingLevel::H1 && self.out.title.is_none();
                self.heading = Some((level as u8, String::new(), is_title));
                if !is_title {
                    self.queue.push_back(event);
                }
            }
            Event::End(TagEnd::Heading(_)) => {
                if let Some((level, text, is_title)) = self.heading.take() {
                    let text = text.trim().to_string();
                    if is_title {
                        self.out.title = Some(text);
                        return;
                    }
                    self.out.headings.push((level, text));
                }
                self.queue.push_back(event);
            }
            Event::Start(Tag::CodeBlock(_)) => {
                self.code_block = true;
                self.queue.push_back(event);
            }
            Event::End(TagEnd::CodeBlock) => {
                self.code_block = false;
                self.queue.push_back(event);
            }
            // A bare address in running text is a link, as the portal shows it.
            Event::Text(ref t)
                if self.heading.is_none()
                    && self.links.is_empty()
                    && !self.code_block
                    && memchr::memmem::find(t.as_bytes(), b"://").is_some() =>
            {
                autolink(t, &mut self.queue);
            }
            Event::Text(ref t) | Event::Code(ref t) => {
                if let Some((_, text, is_title)) = &mut self.heading {
                    text.push_str(t);
                    if *is_title {
                        return;
                    }
                }
                self.queue.push_back(event);
            }
            Event::SoftBreak | Event::HardBreak => {
                if let Some((_, text, _)) = &mut self.heading {
                    text.push(' ');
                }
                if !matches!(self.heading, Some((_, _, true))) {
                    self.queue.push_back(event);
                }
            }
            // A raw-HTML block arrives line by line; it is gathered so that a widget spanning
            // lines is seen whole.
            Event::Start(Tag::HtmlBlock) => self.html_block = Some(String::new()),
            Event::Html(html) => match &mut self.html_block {
                Some(block) => block.push_str(&html),
                None => self
                    .queue
                    .push_back(Event::Html(rewrite_markers(&html).into())),
            },
            Event::End(TagEnd::HtmlBlock) => {
                let block = rewrite_markers(&self.html_block.take().unwrap_or_default());
                let block = widgets::rewrite(&block).unwrap_or(block);
                self.queue.push_back(Event::Html(block.into()));
            }
            Event::InlineHtml(html) => {
                if matches!(self.heading, Some((_, _, true))) {
                    return;
                }
                if is_known_markup(&html) {
                    self.queue
                        .push_back(Event::InlineHtml(rewrite_markers(&html).into()));
                } else {
                    // A placeholder such as `<your storage account>`: show it.
                    self.queue.push_back(Event::Text(html));
                }
            }
            Event::Start(Tag::Link { ref dest_url, .. }) if is_blade(dest_url) => {
                self.links.push(true);
                let mut open = String::from("<a class=\"shelf-blade\" data-blade=\"");
                escape::html_into(&mut open, dest_url["data-blade:".len()..].trim());
                open.push_str("\">");
                self.queue.push_back(Event::InlineHtml(open.into()));
            }
            Event::Start(Tag::Link { .. }) => {
                self.links.push(false);
                self.queue.push_back(event);
            }
            Event::End(TagEnd::Link) => {
                if self.links.pop() == Some(true) {
                    self.queue.push_back(Event::InlineHtml("</a>".into()));
                } else {
                    self.queue.push_back(event);
                }
            }
            other => {
                if !matches!(self.heading, Some((_, _, true))) {
                    self.queue.push_back(other);
                }
            }
        }
    }
}

pub fn render(markdown: &str) -> Rendered {
    let options = Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH;
    let mut rewrite = Rewrite {
        // Text merged: a bare address arrives whole, not cut where `_` might emphasise.
        parser: pulldown_cmark::TextMergeStream::new(Parser::new_ext(markdown, options)),
        queue: std::collections::VecDeque::new(),
        out: Rendered::default(),
        heading: None,
        links: Vec::new(),
        html_block: None,
        code_block: false,
        inline_widget: None,
        raw_html: false,
    };
    let mut html = String::with_capacity(markdown.len() * 3 / 2);
    pulldown_cmark::html::push_html(&mut html, &mut rewrite);
    let no_raw_html = !rewrite.raw_html;
    let mut out = rewrite.out;

    // Without raw HTML (or elements of ours) the HTML is pulldown-cmark's alone, and what the
    // sanitizer would make of it can be written without parsing it again.
    if let Some(flat) = limit_nesting(&html) {
        out.nesting_capped = true;
        html = flat;
    }
    let cleaned = no_raw_html && !out.nesting_capped;
    out.html = match cleaned.then(|| pulldown_only::clean(&html)) {
        Some(Some(clean)) => clean,
        _ => sanitizer().clean(&html).to_string(),
    };
    if let Some(annotated) = annotate_token_defaults(&out.html) {
        out.html = annotated;
    }
    // The text is read from the HTML a reader gets, so that raw-HTML blocks count as much
    // as Markdown, and whatever the sanitizer dropped does not.
    let body_text = html::visible_text(&out.html);
    out.plain_text = match &out.title {
        Some(title) if !title.is_empty() && !body_text.is_empty() => {
            format!("{title}\n{body_text}")
        }
        Some(title) if !title.is_empty() => title.clone(),
        _ => body_text,
    };
    out
}

fn is_blade(url: &CowStr) -> bool {
    url.len() > 11
        && url
            .get(..11)
            .is_some_and(|h| h.eq_ignore_ascii_case("data-blade:"))
}

/// Replaces token and issueDescription comments with the elements that carry them.
fn rewrite_markers(html: &str) -> String {
    let mut out = String::with_capacity(html.len());
    let mut last = 0;
    // A token inside a tag (an address in `href`) cannot be an element: its default text
    // stays in the attribute and its markers go.
    let mut tag_ranges: Option<Vec<std::ops::Range<usize>>> = None;
    for (at, marker, len) in markers(html) {
        out.push_str(&html[last..at]);
        last = at + len;
        let ranges = tag_ranges.get_or_insert_with(|| html::tags(html).map(|t| t.range).collect());
        if ranges.iter().any(|r| r.start < at && at < r.end) {
            continue;
        }
        match marker {
            Marker::TokenOpen(name) => {
                out.push_str("<span class=\"shelf-token\" data-token=\"");
                escape::html_into(&mut out, name);
                out.push_str("\">");
            }
            Marker::TokenClose(_) => out.push_str("</span>"),
            Marker::IssueOpen => out.push_str("<div class=\"shelf-issue-description\">"),
            Marker::IssueClose => out.push_str("</div>"),
        }
    }
    out.push_str(&html[last..]);
    out
}

/// The first bare address in `text` at or after `from`: its byte range. It starts at a word
/// boundary with `http://` or `https://` and runs to a space or `<>"'`; trailing punctuation
/// (`.,;:!?`, and `)` without its `(`) is the sentence's, not the address's. `lower` is `text`
/// in ASCII lowercase, made once by the caller.
fn url_at(text: &str, lower: &str, from: usize) -> Option<std::ops::Range<usize>> {
    let mut search = from;
    while let Some(found) = lower[search..].find("http") {
        let start = search + found;
        search = start + 4;
        let rest = &lower[start..];
        let scheme = if rest.starts_with("https://") {
            8
        } else if rest.starts_with("http://") {
            7
        } else {
            continue;
        };
        let boundary = text[..start]
            .chars()
            .next_back()
            .is_none_or(|c| !c.is_alphanumeric());
        if !boundary {
            continue;
        }
        let mut end = start
            + text[start..]
                .find(|c: char| c.is_whitespace() || "<>\"'".contains(c))
                .unwrap_or(text.len() - start);
        loop {
            let trim = match text[..end].chars().next_back() {
                Some('.' | ',' | ';' | ':' | '!' | '?') => true,
                Some(')') => {
                    let url = &text[start..end];
                    url.matches('(').count() < url.matches(')').count()
                }
                _ => false,
            };
            if !trim || end <= start + scheme {
                break;
            }
            end -= 1;
        }
        if end > start + scheme {
            return Some(start..end);
        }
    }
    None
}

/// `text` into the queue with each bare address made a link (as it is when it has none).
fn autolink<'a>(text: &CowStr<'a>, queue: &mut std::collections::VecDeque<Event<'a>>) {
    let mut at = 0;
    let lower = text.to_ascii_lowercase();
    while let Some(range) = url_at(text, &lower, at) {
        if range.start > at {
            queue.push_back(Event::Text(text[at..range.start].to_string().into()));
        }
        let url = text[range.clone()].to_string();
        queue.push_back(Event::Start(Tag::Link {
            link_type: pulldown_cmark::LinkType::Autolink,
            dest_url: url.clone().into(),
            title: "".into(),
            id: "".into(),
        }));
        queue.push_back(Event::Text(url.into()));
        queue.push_back(Event::End(TagEnd::Link));
        at = range.end;
    }
    if at < text.len() {
        queue.push_back(Event::Text(text[at..].to_string().into()));
    }
}

/// The opening tag every token element has once sanitized.
const TOKEN_OPEN: &str = "<span class=\"shelf-token\" data-token=\"";

/// Gives every token element a `data-default` attribute holding its default text, so a portal
/// that fills a token can still tell (and restore) what the article said. Done on the
/// sanitized HTML, whose text is already escaped: only `"` needs escaping in an attribute.
/// `None` when the HTML has no token.
fn annotate_token_defaults(html: &str) -> Option<String> {
    let first = memchr::memmem::find(html.as_bytes(), TOKEN_OPEN.as_bytes())?;
    let mut out = String::with_capacity(html.len() + 64);
    let mut copied = 0;
    let mut from = first;
    while let Some(at) = memchr::memmem::find(&html.as_bytes()[from..], TOKEN_OPEN.as_bytes()) {
        let start = from + at;
        let Some(tag_end) = html[start..].find('>').map(|i| start + i) else {
            break;
        };
        let inner = span_content(&html[tag_end + 1..]);
        out.push_str(&html[copied..tag_end]);
        out.push_str(" data-default=\"");
        let mut in_tag = false;
        for c in inner.trim().chars() {
            match c {
                '<' => in_tag = true,
                '>' if in_tag => in_tag = false,
                _ if in_tag => {}
                '"' => out.push_str("&quot;"),
                c => out.push(c),
            }
        }
        out.push('"');
        copied = tag_end;
        from = tag_end;
    }
    out.push_str(&html[copied..]);
    Some(out)
}

/// The content of a `<span>` up to its matching `</span>` (spans may nest inside).
fn span_content(after_open: &str) -> &str {
    let mut depth = 0usize;
    let mut pos = 0;
    while let Some(i) = after_open[pos..].find('<') {
        let at = pos + i;
        let rest = &after_open[at..];
        if rest.starts_with("</span>") {
            if depth == 0 {
                return &after_open[..at];
            }
            depth -= 1;
        } else if rest.starts_with("<span") {
            depth += 1;
        }
        pos = at + 1;
    }
    after_open
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
    // Unsafe elements are "known" too, so they reach the sanitizer and are removed, not shown.
    KNOWN_ELEMENTS.contains(&name.as_str()) || html::UNSAFE_ELEMENTS.contains(&name.as_str())
}

/// The sanitizer, built once from [`policy`].
fn sanitizer() -> &'static ammonia::Builder<'static> {
    static SANITIZER: OnceLock<ammonia::Builder<'static>> = OnceLock::new();
    SANITIZER.get_or_init(policy::sanitizer)
}

#[cfg(test)]
mod tests {
    #[test]
    fn bare_addresses_in_text_are_links_and_code_is_left_alone() {
        let r = super::render(
            "# T\nSee https://learn.example/a_(b) or http://x.example/p?q=1.\n\n`https://code.example/` and\n\n```\nhttps://block.example/\n```\n\n[named](https://named.example/) https-not-a-url\n",
        );
        assert!(
            r.html.contains("<a href=\"https://learn.example/a_(b)\""),
            "{}",
            r.html
        );
        assert!(
            r.html.contains("<a href=\"http://x.example/p?q=1\""),
            "{}",
            r.html
        );
        assert!(
            r.html.contains("</a>.</p>"),
            "the full stop is the sentence's: {}",
            r.html
        );
        assert!(
            !r.html.contains("href=\"https://code.example/"),
            "{}",
            r.html
        );
        assert!(
            !r.html.contains("href=\"https://block.example/"),
            "{}",
            r.html
        );
        assert_eq!(r.html.matches("href=\"https://named.example/\"").count(), 1);
    }

    #[test]
    fn a_token_inside_an_attribute_keeps_its_default_text() {
        let r = super::render(
            "# T\n<a href=\"https://portal.example/<!--$subscriptionId-->sub<!--/$subscriptionId-->/x\">open</a> for <!--$vmName-->vm<!--/$vmName-->\n",
        );
        assert!(
            r.html.contains("href=\"https://portal.example/sub/x\""),
            "{}",
            r.html
        );
        assert_eq!(r.html.matches("shelf-token").count(), 1, "{}", r.html);
        assert!(r.html.contains("data-token=\"vmName\""), "{}", r.html);
    }

    #[test]
    fn attribute_escaping_replaces_the_five_specials_only() {
        let mut out = String::from("x=");
        super::escape::html_into(&mut out, r#"a&b"c<d>e'f — ü"#);
        assert_eq!(out, "x=a&amp;b&quot;c&lt;d&gt;e&#39;f — ü");
    }

    use super::*;

    #[test]
    fn a_fence_closed_with_trailing_tabs_closes_as_the_spec_says() {
        let text = "```bash\r\ndocker ps\r\n```\t\t \r\n\r\nafter\r\n";
        let fixed = spec_fixups(text);
        assert_eq!(fixed.len(), text.len());
        assert_eq!(fixed, "```bash\r\ndocker ps\r\n```   \r\n\r\nafter\r\n");
        let r = render(&fixed);
        assert!(r.html.contains("<p>after</p>"), "{}", r.html);
        // Tabs elsewhere, and fence-like lines with text, are left as they are.
        for same in ["a\tb\n", "```\tbash x\n", "\t```\t\n", "    ```\t\n"] {
            assert_eq!(spec_fixups(same), same, "{same:?}");
        }
    }

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
                .contains("<span class=\"shelf-token\" data-token=\"vmName\" data-default=\"[vm]\">[vm]</span>"),
            "{}",
            r.html
        );
    }

    #[test]
    fn token_defaults_are_text_escaped_for_an_attribute() {
        let r = render(
            "<!--$a--> say \"hi\" & <b>bye</b> <!--/$a--> then <!--$b--><!--/$b--> <!--$c-->x<!--/$c-->",
        );
        assert!(
            r.html.contains(
                "data-token=\"a\" data-default=\"say &quot;hi&quot; &amp; bye\"> say \"hi\" &amp; <b>bye</b> </span>"
            ),
            "{}",
            r.html
        );
        assert!(
            r.html
                .contains("data-token=\"b\" data-default=\"\"></span>"),
            "{}",
            r.html
        );
        assert!(
            r.html
                .contains("data-token=\"c\" data-default=\"x\">x</span>"),
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
    fn widgets_show_inside_paragraphs_and_blocks() {
        let r = render("Results from the web:\n<azureKB>\n  <client>portal</client>\n</azureKB>\n");
        assert!(r.html.contains("data-widget=\"azureKB\""), "{}", r.html);
        assert!(r.html.contains("<dd>portal</dd>"), "{}", r.html);
        let r =
            render("<video>\n<src>https://v.example/1</src>\n<title>How to</title>\n</video>\n");
        assert!(
            r.html
                .contains("<a href=\"https://v.example/1\" rel=\"noopener noreferrer\">How to</a>"),
            "{}",
            r.html
        );
        // Never closed inside its paragraph: the text stays.
        let r = render("See <insight> *now*\n");
        assert!(r.html.contains("&lt;insight&gt;"), "{}", r.html);
        assert!(r.html.contains("<em>now</em>"), "{}", r.html);
    }

    #[test]
    fn deep_nesting_is_flattened_and_the_text_kept() {
        let r = render(&format!("{} deep text\n", ">".repeat(100_000)));
        assert!(r.nesting_capped);
        assert!(r.html.contains("deep text"));
        assert_eq!(r.html.matches("<blockquote>").count(), MAX_NESTING);
        let r = render("> > quote\n\n<div><div>x</div></div>\n");
        assert!(!r.nesting_capped);
        assert_eq!(r.html.matches("<blockquote>").count(), 2);
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
