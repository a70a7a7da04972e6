//! Rules on the body (`SH3xx`): headings, Markdown the portal does not render, issueDescription
//! sections and replacement tokens. The body is parsed once with offsets into a [`BodyContext`];
//! every rule reads that. Link rules (`SH4xx`, [`crate::check::rules::links`]) read it too.

use std::ops::Range;
use std::path::Path;

use pulldown_cmark::{Event, HeadingLevel, Options, Parser, Tag, TagEnd};

use crate::base::diagnostic::Diagnostic;
use crate::check::rules::links::target::{LinkTarget, classify};
use crate::source::body::{Marker, markers};
use crate::source::model::Metadata;

pub mod alert_block;
pub mod code_fence_language;
pub mod emphasis_in_issue_description;
pub mod empty_h1;
pub mod h1_without_space;
pub mod heading_before_h1;
pub mod include;
pub mod link_in_issue_description;
pub mod list_after_paragraph;
pub mod list_too_deep;
pub mod missing_h1;
pub mod missing_issue_description;
pub mod multiple_issue_descriptions;
pub mod nesting_too_deep;
pub mod recommended_heading;
pub mod reserved_bold_h2;
pub mod table;
pub mod template_todo;
pub mod token_in_attribute;
pub mod token_syntax;
pub mod unbalanced_issue_description;
pub mod unclosed_code_fence;
pub mod unexpected_token;
pub mod unsafe_html;

/// Byte ranges, queried for the ones that hold an offset in O(log n): rules ask "is this in
/// code?" or "is this inside a link?" for every candidate, and a linear scan per question made
/// an article with many of both quadratic.
#[derive(Debug, Default)]
pub struct Intervals {
    /// Sorted by start.
    ranges: Vec<Range<usize>>,
    /// The greatest end among `ranges[..=i]`: a range before `i` may still reach past an
    /// offset when ranges nest.
    reach: Vec<usize>,
}

impl Intervals {
    pub fn new(mut ranges: Vec<Range<usize>>) -> Intervals {
        ranges.sort_by_key(|r| r.start);
        let mut reach = Vec::with_capacity(ranges.len());
        let mut far = 0;
        for r in &ranges {
            far = far.max(r.end);
            reach.push(far);
        }
        Intervals { ranges, reach }
    }

    /// Whether some range holds `offset`.
    pub fn contains(&self, offset: usize) -> bool {
        let before = self.ranges.partition_point(|r| r.start <= offset);
        before > 0 && self.reach[before - 1] > offset
    }
}

/// A heading as parsed.
#[derive(Debug)]
pub struct Heading<'a> {
    pub level: u8,
    /// The heading's source line(s), trimmed.
    pub raw: &'a str,
    pub span: Range<usize>,
    /// Its text without markup, trimmed.
    pub text: String,
}

/// A link target found in Markdown (`[text](target)`), in HTML (`<a href="target">`) or as a
/// bare URL in text.
#[derive(Debug, Clone)]
pub struct Link<'a> {
    pub target: &'a str,
    /// The target's bytes in the file when it could be found, else the whole link.
    pub span: Range<usize>,
    /// A URL in text rather than link syntax.
    pub bare: bool,
    /// What the target is, read once for every rule that asks.
    pub kind: LinkTarget,
}

impl<'a> Link<'a> {
    /// The link whose target is `text[span]`.
    fn at(text: &'a str, span: Range<usize>, bare: bool) -> Self {
        let target = &text[span.clone()];
        Link {
            target,
            span,
            bare,
            kind: classify(target),
        }
    }
}

/// What body rules see: the Markdown of an article (the body without its JSON payload), parsed
/// once. All ranges are file-absolute.
pub struct BodyContext<'a> {
    pub file: &'a Path,
    /// The file's path below the source folder, `/`-separated (for relative links).
    pub rel_path: &'a str,
    pub text: &'a str,
    pub meta: &'a Metadata,
    pub header_span: Range<usize>,
    /// The Markdown parts of the file: before the payload and after it.
    pub segments: Vec<Range<usize>>,
    pub events: Vec<(Event<'a>, Range<usize>)>,
    /// Code blocks and code spans, where text is literal.
    pub code: Vec<Range<usize>>,
    /// Fenced code blocks: the block's range, and whether a closing fence ends it (what follows
    /// the block's last line of content, inside its range, is a fence).
    pub fences: Vec<(Range<usize>, bool)>,
    /// `code`, indexed for [`BodyContext::in_code`].
    code_index: Intervals,
    pub headings: Vec<Heading<'a>>,
    pub links: Vec<Link<'a>>,
    /// Token and issueDescription comment markers outside code.
    pub markers: Vec<(Range<usize>, Marker<'a>)>,
    /// The JSON payload's text, when the article has one.
    pub payload: Option<Range<usize>>,
    /// The Markdown inside issueDescription blocks, parsed on its own (see `parse_issue_blocks`).
    pub issue_events: Vec<(Event<'a>, Range<usize>)>,
    /// The links among `issue_events`.
    pub issue_links: Vec<Link<'a>>,
}

impl<'a> BodyContext<'a> {
    /// `segments` are the Markdown parts of the file; `payload` the JSON text, whose URLs the
    /// link rules check too (the portal shows payload text such as labels and learn-more links).
    pub fn new(
        file: &'a Path,
        rel_path: &'a str,
        text: &'a str,
        meta: &'a Metadata,
        header_span: Range<usize>,
        segments: Vec<Range<usize>>,
        payload: Option<Range<usize>>,
    ) -> Self {
        let mut cx = BodyContext {
            file,
            rel_path,
            text,
            meta,
            header_span,
            segments,
            events: Vec::new(),
            code: Vec::new(),
            fences: Vec::new(),
            code_index: Intervals::default(),
            headings: Vec::new(),
            links: Vec::new(),
            markers: Vec::new(),
            payload: payload.clone(),
            issue_events: Vec::new(),
            issue_links: Vec::new(),
        };
        cx.index();
        if let Some(json) = payload {
            bare_urls(text, json, &mut cx.links);
        }
        cx
    }

    /// Parses the segments, reading headings, code, links and markers on the way, and keeps the
    /// events the rules read. Text, breaks and the rows and cells of tables are read here and
    /// not kept: they are most of a long table's events, and keeping them cost a hundred bytes
    /// of memory per byte of a table.
    fn index(&mut self) {
        let text = self.text;
        let mut heading: Option<(u8, Range<usize>, String)> = None;
        // Inside a link's text or a code block, a URL in text is not a bare link.
        let (mut in_link, mut in_code_block) = (0usize, 0usize);
        // The fenced block being read, and where its content ends so far.
        let mut fence: Option<(Range<usize>, usize)> = None;
        let options = Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH;
        let parsed = self.segments.clone().into_iter().flat_map(|seg| {
            let base = seg.start;
            Parser::new_ext(&text[seg], options)
                .into_offset_iter()
                .map(move |(event, range)| (event, base + range.start..base + range.end))
        });
        for (owned_event, owned_range) in parsed {
            let (event, range) = (&owned_event, &owned_range);
            match event {
                Event::Start(Tag::CodeBlock(kind)) => {
                    self.code.push(range.clone());
                    in_code_block += 1;
                    if matches!(kind, pulldown_cmark::CodeBlockKind::Fenced(_)) {
                        // Content ends, so far, where the opening fence's line does.
                        let first_line = text[range.clone()]
                            .find('\n')
                            .map_or(range.end, |i| range.start + i + 1);
                        fence = Some((range.clone(), first_line));
                    }
                }
                Event::End(TagEnd::CodeBlock) => {
                    in_code_block = in_code_block.saturating_sub(1);
                    if let Some((block, content_end)) = fence.take() {
                        let closed = !text[content_end.min(block.end)..block.end]
                            .trim()
                            .is_empty();
                        self.fences.push((block, closed));
                    }
                }
                Event::End(TagEnd::Link) => in_link = in_link.saturating_sub(1),
                Event::Start(Tag::Heading { level, .. }) => {
                    heading = Some((heading_level(*level), range.clone(), String::new()));
                }
                Event::End(TagEnd::Heading(_)) => {
                    if let Some((level, span, text_of)) = heading.take() {
                        self.headings.push(Heading {
                            level,
                            raw: text[span.clone()].trim(),
                            span,
                            text: text_of.trim().to_string(),
                        });
                    }
                }
                Event::Text(t) | Event::Code(t) => {
                    if let Some((_, content_end)) = &mut fence {
                        *content_end = (*content_end).max(range.end);
                    }
                    if matches!(event, Event::Code(_)) {
                        self.code.push(range.clone());
                    }
                    if let Some((_, _, h)) = &mut heading {
                        h.push_str(t);
                    }
                    if matches!(event, Event::Text(_)) && in_link == 0 && in_code_block == 0 {
                        bare_urls(text, range.clone(), &mut self.links);
                    }
                }
                Event::Start(Tag::Link { .. }) => {
                    in_link += 1;
                    links_of(text, event, range.clone(), &mut self.links);
                }
                Event::Start(Tag::Image { .. }) => {
                    links_of(text, event, range.clone(), &mut self.links);
                }
                // Raw HTML: `href`s, and URLs in its text (a line after `<br>` is HTML too).
                Event::Html(_) | Event::InlineHtml(_) => {
                    links_of(text, event, range.clone(), &mut self.links);
                    if in_code_block == 0 {
                        bare_urls(text, range.clone(), &mut self.links);
                    }
                }
                _ => {}
            }
            if !only_read_here(&owned_event) {
                self.events.push((owned_event, owned_range));
            }
        }
        self.code_index = Intervals::new(self.code.clone());
        for seg in self.segments.clone() {
            for (at, marker, len) in markers(&text[seg.clone()]) {
                let start = seg.start + at;
                if !self.in_code(start) {
                    self.markers.push((start..start + len, marker));
                }
            }
        }
        // issueDescription blocks, parsed once here for the rules that look inside them.
        self.issue_events = self.parse_issue_blocks();
        for (event, range) in &self.issue_events {
            links_of(text, event, range.clone(), &mut self.issue_links);
        }
        // Links inside issueDescription blocks that the main parse saw as raw HTML.
        let known: std::collections::HashSet<Range<usize>> =
            self.links.iter().map(|l| l.span.clone()).collect();
        for link in &self.issue_links {
            if !known.contains(&link.span) {
                self.links.push(link.clone());
            }
        }
    }

    /// Whether `offset` is inside a code block or code span.
    pub fn in_code(&self, offset: usize) -> bool {
        self.code_index.contains(offset)
    }

    /// The marker that starts at `offset`, if one does (markers are sorted and never overlap).
    pub fn marker_starting_at(&self, offset: usize) -> Option<&(Range<usize>, Marker<'a>)> {
        let i = self.markers.partition_point(|(r, _)| r.start < offset);
        self.markers.get(i).filter(|(r, _)| r.start == offset)
    }

    /// The marker that ends at `offset`, if one does.
    pub fn marker_ending_at(&self, offset: usize) -> Option<&(Range<usize>, Marker<'a>)> {
        let i = self.markers.partition_point(|(r, _)| r.end < offset);
        self.markers.get(i).filter(|(r, _)| r.end == offset)
    }

    /// The marker that holds `offset`, if one does.
    pub fn marker_holding(&self, offset: usize) -> Option<&(Range<usize>, Marker<'a>)> {
        let i = self.markers.partition_point(|(r, _)| r.start <= offset);
        i.checked_sub(1)
            .and_then(|i| self.markers.get(i))
            .filter(|(r, _)| r.contains(&offset))
    }

    /// Every line of the Markdown with its file-absolute range (without the line ending).
    pub fn lines(&self) -> impl Iterator<Item = (Range<usize>, &'a str)> + '_ {
        let text = self.text;
        self.segments.iter().flat_map(move |seg| {
            let mut at = seg.start;
            text[seg.clone()].split_inclusive('\n').map(move |line| {
                let start = at;
                at += line.len();
                let content = line.trim_end_matches(['\n', '\r']);
                (start..start + content.len(), content)
            })
        })
    }

    /// Every place (file offset) where `tag`, which must be upper case, occurs in the Markdown
    /// outside code, ignoring ASCII case.
    pub fn find_outside_code<'s>(&'s self, tag: &'s str) -> impl Iterator<Item = usize> + 's {
        self.lines().filter_map(move |(range, line)| {
            // Most lines hold no `[!`: skip them before making an upper-case copy.
            memchr::memchr(b'!', line.as_bytes())?;
            memchr::memmem::find(line.as_bytes(), b"[!")?;
            let at = range.start + line.to_ascii_uppercase().find(tag)?;
            (!self.in_code(at)).then_some(at)
        })
    }

    /// Where to point when something is missing from the body: the end of the header.
    pub fn after_header(&self) -> Range<usize> {
        // `/>`, or `>` after any character when the header is closed wrongly.
        let end = self.header_span.end;
        self.text.floor_char_boundary(end.saturating_sub(2))..end
    }

    /// The Markdown inside each issueDescription block, parsed on its own: a block that starts
    /// a line is an HTML block to CommonMark, so the main parse sees its content as raw HTML.
    fn parse_issue_blocks(&self) -> Vec<(Event<'a>, Range<usize>)> {
        let mut events = Vec::new();
        for block in self.issue_blocks() {
            let open_end = self
                .marker_starting_at(block.start)
                .map_or(block.start, |(r, _)| r.end);
            let close_start = self
                .marker_ending_at(block.end)
                .map_or(block.end, |(r, _)| r.start);
            let inner = open_end..close_start.max(open_end);
            for (event, range) in Parser::new(&self.text[inner.clone()]).into_offset_iter() {
                events.push((event, inner.start + range.start..inner.start + range.end));
            }
        }
        events
    }

    /// Balanced `<!--issueDescription-->...<!--/issueDescription-->` blocks, first level only.
    pub fn issue_blocks(&self) -> Vec<Range<usize>> {
        let mut blocks = Vec::new();
        let mut open: Option<usize> = None;
        for (range, marker) in &self.markers {
            match marker {
                Marker::IssueOpen if open.is_none() => open = Some(range.start),
                Marker::IssueClose => {
                    if let Some(start) = open.take() {
                        blocks.push(start..range.end);
                    }
                }
                _ => {}
            }
        }
        blocks
    }
}

/// Events no rule reads from [`BodyContext::events`] (their content is read while indexing).
/// Table rows and cells come in open/close pairs, so depths counted over the rest stay right.
fn only_read_here(event: &Event) -> bool {
    matches!(
        event,
        Event::Text(_)
            | Event::Code(_)
            | Event::SoftBreak
            | Event::HardBreak
            | Event::Start(Tag::TableHead | Tag::TableRow | Tag::TableCell)
            | Event::End(TagEnd::TableHead | TagEnd::TableRow | TagEnd::TableCell)
    )
}

fn heading_level(level: HeadingLevel) -> u8 {
    level as u8
}

/// The links an event holds: a Markdown link's target, or the `href`s of raw HTML.
fn links_of<'a>(text: &'a str, event: &Event, range: Range<usize>, out: &mut Vec<Link<'a>>) {
    match event {
        Event::Start(Tag::Link { dest_url, .. } | Tag::Image { dest_url, .. }) => {
            let raw = &text[range.clone()];
            // The target as written sits after `](`; reference links point at the whole link.
            let found = memchr::memmem::find(raw.as_bytes(), b"](").and_then(|open| {
                let after = open + 2;
                let target = &raw[after..];
                // Nearly always right after `](` (else after `<` or spaces): no searcher then.
                let skip = target.len() - target.trim_start_matches([' ', '\t', '\n', '<']).len();
                if target[skip..].starts_with(dest_url.as_ref()) {
                    return Some(range.start + after + skip);
                }
                target
                    .find(dest_url.as_ref())
                    .map(|i| range.start + after + i)
            });
            out.push(match found {
                Some(start) => Link::at(text, start..start + dest_url.len(), false),
                // A reference link: the target is defined elsewhere; point at the whole link.
                None => Link {
                    target: raw,
                    span: range,
                    bare: false,
                    kind: classify(dest_url),
                },
            });
        }
        Event::Html(_) | Event::InlineHtml(_) => html_links(text, range, out),
        _ => {}
    }
}

/// Bare `http(s)://` URLs in a run of text: the portal, like GitHub, makes them links.
fn bare_urls<'a>(text: &'a str, range: Range<usize>, out: &mut Vec<Link<'a>>) {
    let source = &text[range.clone()];
    // The links already found in this range (an HTML block's `href`s, pushed just before): a
    // URL inside one is not another link. Links come in file order, so they are at the end.
    let here = Intervals::new(
        out.iter()
            .rev()
            .take_while(|l| l.span.start >= range.start)
            .map(|l| l.span.clone())
            .collect(),
    );
    let mut from = 0;
    while let Some(i) = source[from..].find("http") {
        let start = from + i;
        let rest = &source[start..];
        let scheme = ["https://", "http://"].into_iter().find(|p| {
            rest.get(..p.len())
                .is_some_and(|h| h.eq_ignore_ascii_case(p))
        });
        let Some(scheme) = scheme else {
            from = start + 4;
            continue;
        };
        let len = rest
            .find(|c: char| c.is_whitespace() || "<>\"'`|".contains(c))
            .unwrap_or(rest.len());
        // Trailing sentence punctuation is not part of the URL (GitHub's rule too).
        let url = rest[..len].trim_end_matches(['.', ',', ';', ':', '!', '?', ')', '*', '_']);
        from = start + len.max(1);
        let at = range.start + start;
        if url.len() > scheme.len() && !here.contains(at) {
            out.push(Link::at(text, at..at + url.len(), true));
        }
    }
}

/// URL attributes (`href`, `src`, `poster`) of the tags in a piece of raw HTML.
fn html_links<'a>(text: &'a str, range: Range<usize>, out: &mut Vec<Link<'a>>) {
    let html = &text[range.clone()];
    let lower = html.to_ascii_lowercase();
    for attr in ["href", "src", "poster"] {
        html_attr_values(text, &range, &lower, attr, out);
    }
}

fn html_attr_values<'a>(
    text: &'a str,
    range: &Range<usize>,
    lower: &str,
    attr: &str,
    out: &mut Vec<Link<'a>>,
) {
    let html = &text[range.clone()];
    let mut from = 0;
    while let Some(i) = lower[from..].find(attr) {
        let at = from + i + attr.len();
        from = at;
        // The name must stand alone: `src` but not `srcset` or `data-src`.
        let before = lower[..at - attr.len()].chars().next_back();
        if !before.is_some_and(|c| c.is_whitespace() || c == '<') {
            continue;
        }
        let rest = &html[at..];
        let after_eq = rest.trim_start();
        let Some(after_eq) = after_eq.strip_prefix('=') else {
            continue;
        };
        let value = after_eq.trim_start();
        let (value_start, len) = match value.chars().next() {
            Some(quote @ ('"' | '\'')) => {
                let value_start = html.len() - value.len() + 1;
                let Some(len) = html[value_start..].find(quote) else {
                    continue;
                };
                (value_start, len)
            }
            // Unquoted: up to whitespace or the end of the tag.
            Some(_) => (
                html.len() - value.len(),
                value
                    .find(|c: char| c.is_whitespace() || c == '>')
                    .unwrap_or(value.len()),
            ),
            None => continue,
        };
        let start = range.start + value_start;
        out.push(Link::at(text, start..start + len, false));
        from = value_start + len;
    }
}

/// Every body rule's check, in code order.
pub const CHECKS: &[fn(&BodyContext, &mut Vec<Diagnostic>)] = &[
    missing_h1::check,
    h1_without_space::check,
    empty_h1::check,
    heading_before_h1::check,
    recommended_heading::check,
    recommended_heading::check_lines,
    reserved_bold_h2::check,
    table::check,
    alert_block::check,
    include::check,
    template_todo::check,
    list_too_deep::check,
    list_after_paragraph::check,
    code_fence_language::check,
    unclosed_code_fence::check,
    nesting_too_deep::check,
    missing_issue_description::check,
    unbalanced_issue_description::check,
    multiple_issue_descriptions::check,
    link_in_issue_description::check,
    emphasis_in_issue_description::check,
    token_syntax::check,
    token_in_attribute::check,
    unexpected_token::check,
    unsafe_html::check,
];

/// Runs every body rule on one article (the link rules, which read the same context, are run
/// beside them by the article parse).
pub fn check(cx: &BodyContext, out: &mut Vec<Diagnostic>) {
    for check in CHECKS {
        check(cx, out);
    }
}

/// Parses a whole test article (header included) and runs one check on it.
#[cfg(test)]
pub fn run_on(article: &str, check: fn(&BodyContext, &mut Vec<Diagnostic>)) -> Vec<Diagnostic> {
    // As `article::parse` reads it.
    let fixed = crate::source::markdown::spec_fixups(article);
    let article: &str = &fixed;
    let mut ignored = Vec::new();
    let file = Path::new("t.md");
    let h = crate::source::header::parse(article, file, &mut ignored).expect("header");
    let meta = Metadata::from_properties(h.properties);
    // A payload between `---` lines, as the article parse finds it.
    let json_start = article[h.span.end..]
        .find("---\n{")
        .map(|i| h.span.end + i + 4);
    let end = json_start.map_or(article.len(), |j| j - 4);
    let payload = json_start.and_then(|j| article.rfind("\n---").filter(|&e| e > j).map(|e| j..e));
    let cx = BodyContext::new(
        file,
        "t.md",
        article,
        &meta,
        h.span.clone(),
        std::iter::once(h.span.end..end).collect(),
        payload,
    );
    let mut out = Vec::new();
    check(&cx, &mut out);
    out
}

#[cfg(test)]
mod intervals_tests {
    use super::Intervals;

    #[test]
    fn nested_and_disjoint_ranges_answer_like_a_scan() {
        let ranges = vec![10..20, 0..5, 12..14, 30..31, 3..40];
        let index = Intervals::new(ranges.clone());
        for at in 0..45 {
            assert_eq!(
                index.contains(at),
                ranges.iter().any(|r| r.contains(&at)),
                "{at}"
            );
        }
        assert!(!Intervals::default().contains(0));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn context<'a>(article: &'a str, meta: &'a Metadata) -> BodyContext<'a> {
        let header_end = article.find("/>").unwrap() + 2;
        let json_start = article.find("---\n{").map(|i| i + 4);
        let end = json_start.map_or(article.len(), |j| j - 4);
        let segments = std::iter::once(header_end..end).collect();
        let payload = json_start.map(|j| j..article.rfind("\n---").unwrap());
        BodyContext::new(
            Path::new("t.md"),
            "t.md",
            article,
            meta,
            0..header_end,
            segments,
            payload,
        )
    }

    fn meta(article: &str) -> Metadata {
        let mut ignored = Vec::new();
        let h = crate::source::header::parse(article, Path::new("t.md"), &mut ignored).unwrap();
        Metadata::from_properties(h.properties)
    }

    #[test]
    fn links_come_from_markdown_html_bare_text_and_the_payload() {
        let a = "<properties a=\"b\" />\n# T\n[a](https://x.y/1) <a href=\"https://x.y/2\">b</a>\n\nSee https://x.y/3.\n<br>\nhttps://x.y/4\n\n---\n{\"link\": \"https://x.y/5\"}\n---\n";
        let m = meta(a);
        let cx = context(a, &m);
        let targets: Vec<&str> = cx.links.iter().map(|l| l.target).collect();
        assert_eq!(
            targets,
            [
                "https://x.y/1",
                "https://x.y/2",
                "https://x.y/3",
                "https://x.y/4",
                "https://x.y/5"
            ]
        );
        assert_eq!(
            cx.links.iter().map(|l| l.bare).collect::<Vec<_>>(),
            [false, false, true, true, true]
        );
    }
}
