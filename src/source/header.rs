//! The `<properties .../>` header: finding it, tokenizing it with quick-xml, and the typed
//! [`Metadata`] built from it.
//!
//! Real headers are sloppy: BOMs, comments before them, any key case, tabs and CRLF, spaces
//! around `=`, raw `&`, a quote that never closes. Everything recoverable becomes a diagnostic and
//! the header is still read; only a header that is missing or never ends makes the file unusable.
//! Every key and value keeps its byte span in the file so later rules can point at it.

use std::ops::Range;
use std::path::Path;

use quick_xml::events::Event;
use quick_xml::events::attributes::{AttrError, Attributes};

use crate::base::diagnostic::Diagnostic;
use crate::base::source_rules as rules;
use crate::source::model::{Cloud, Metadata, Property, SelfHelpType, Spanned};

const TAG: &str = "properties";
const BOM: &str = "\u{feff}";

/// The header of one file as written.
#[derive(Debug)]
pub struct Header {
    pub properties: Vec<Property>,
    /// From `<` to the end of `/>`.
    pub span: Range<usize>,
    /// Text wrongly placed before the header (reported); it is kept as part of the body.
    pub leading: Option<Range<usize>>,
}

/// Reads the header of `text` (the whole file). Recoverable problems are pushed to
/// `diagnostics`; `Err` carries the problem that makes the file unusable.
pub fn parse(
    text: &str,
    file: &Path,
    diagnostics: &mut Vec<Diagnostic>,
) -> Result<Header, Box<Diagnostic>> {
    let (start, leading) = find_start(text, file, diagnostics)?;
    let (end, closed_properly) = find_end(text, start, file)?;
    if !closed_properly {
        diagnostics.push(
            Diagnostic::new(
                rules::HEADER_NOT_CLOSED,
                file,
                "the header ends with `>`; it must end with `/>`",
            )
            .at(end - 1..end)
            .help("write the header as an empty element: `<properties ... />`"),
        );
    }
    let inner_end = if closed_properly { end - 2 } else { end - 1 };
    let properties = read_attributes(text, start + 1, inner_end, file, diagnostics);
    Ok(Header {
        properties,
        span: start..end,
        leading,
    })
}

/// Offset of the `<` of `<properties`. Whitespace, a BOM and HTML comments may come before it;
/// anything else is reported, and the header is looked for further down; that text's range is
/// returned with the start so it can be kept.
fn find_start(
    text: &str,
    file: &Path,
    diagnostics: &mut Vec<Diagnostic>,
) -> Result<(usize, Option<Range<usize>>), Box<Diagnostic>> {
    let mut pos = if text.starts_with(BOM) { BOM.len() } else { 0 };
    loop {
        let rest = &text[pos..];
        let trimmed = rest.trim_start();
        pos += rest.len() - trimmed.len();
        // A second byte-order mark or a zero-width character (editors that add a BOM to a file
        // that has one): invisible, harmless to shelf, and only worth a warning.
        let invisible = trimmed
            .char_indices()
            .take_while(|&(_, c)| matches!(c, '\u{FEFF}' | '\u{200B}' | '\u{2060}'))
            .last()
            .map(|(i, c)| i + c.len_utf8());
        if let Some(len) = invisible {
            diagnostics.push(
                Diagnostic::new(
                    rules::INVISIBLE_BEFORE_HEADER,
                    file,
                    "an invisible character (a second byte-order mark, or a zero-width space) \
                     comes before the header",
                )
                .at(pos..pos + len)
                .help("delete it; the file may start with one byte-order mark only")
                .fix(
                    pos..pos + len,
                    "",
                    "delete the invisible characters before the header",
                ),
            );
            pos += len;
            continue;
        }
        if trimmed.starts_with("<!--") {
            match trimmed.find("-->") {
                Some(end) => pos += end + 3,
                None => break,
            }
        } else {
            break;
        }
    }
    if is_tag_start(&text[pos..]) {
        return Ok((pos, None));
    }
    match find_tag(text, pos) {
        Some(found) => {
            // The commonest case: the title written above the header.
            let title = text[pos..found]
                .lines()
                .map(str::trim)
                .find(|l| l.starts_with("# ") || l.starts_with("#\t"));
            let message = match title {
                Some(title) => format!(
                    "the title `{title}` is above the `<properties` header; the header must come first"
                ),
                None => "text comes before the `<properties` header".to_string(),
            };
            diagnostics.push(
                Diagnostic::new(rules::TEXT_BEFORE_HEADER, file, message)
                    .at(pos..found)
                    .help(
                        "the header must be the first thing in the file; move this text below it",
                    ),
            );
            Ok((found, Some(pos..found)))
        }
        None => Err(Box::new(
            Diagnostic::new(
                rules::HEADER_NOT_FOUND,
                file,
                "expected a `<properties ... />` header at the top of the file",
            )
            .at(pos..pos + next_char_len(text, pos))
            .help("every article starts with its metadata header, see `shelf new`"),
        )),
    }
}

fn next_char_len(text: &str, pos: usize) -> usize {
    text[pos..].chars().next().map_or(0, char::len_utf8)
}

/// Whether `s` starts with `<properties` (any case) followed by a delimiter.
fn is_tag_start(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() > TAG.len() + 1
        && b[0] == b'<'
        && b[1..=TAG.len()].eq_ignore_ascii_case(TAG.as_bytes())
        && matches!(b[TAG.len() + 1], b' ' | b'\t' | b'\r' | b'\n' | b'/' | b'>')
}

fn find_tag(text: &str, from: usize) -> Option<usize> {
    memchr::memchr_iter(b'<', &text.as_bytes()[from..])
        .map(|i| from + i)
        .find(|&i| is_tag_start(&text[i..]))
}

/// Offset just past the header's closing `>` and whether it was `/>`.
///
/// quick-xml honours quotes, so a value whose closing quote is missing makes it run on into the
/// body. A line ending in `/>` earlier than where quick-xml stopped means exactly that: the
/// header is cut there and the attribute reader reports the broken quote.
fn find_end(text: &str, start: usize, file: &Path) -> Result<(usize, bool), Box<Diagnostic>> {
    let mut reader = quick_xml::Reader::from_str(&text[start..]);
    reader.config_mut().check_end_names = false;
    let xml_end = match reader.read_event() {
        Ok(Event::Empty(_)) => Some((start + reader.buffer_position() as usize, true)),
        Ok(Event::Start(_)) => Some((start + reader.buffer_position() as usize, false)),
        _ => None,
    };
    let line_end = first_line_ending_in_slash_gt(text, start);
    match (xml_end, line_end) {
        (Some((x, _)), Some(l)) if l < x => Ok((l, true)),
        (Some(found), _) => Ok(found),
        (None, Some(l)) => Ok((l, true)),
        (None, None) => Err(Box::new(
            Diagnostic::new(
                rules::HEADER_NOT_CLOSED,
                file,
                "the `<properties` header is never closed",
            )
            .at(start..start + 1 + TAG.len())
            .help("end the header with `/>`"),
        )),
    }
}

/// Offset past the first `/>` that ends a line (or the file), searching from `start`.
fn first_line_ending_in_slash_gt(text: &str, start: usize) -> Option<usize> {
    let bytes = text.as_bytes();
    memchr::memmem::find_iter(&bytes[start..], b"/>")
        .map(|i| start + i + 2)
        .find(|&end| {
            bytes[end..]
                .iter()
                .find(|b| !matches!(b, b' ' | b'\t' | b'\r'))
                .is_none_or(|&b| b == b'\n')
        })
}

/// Tokenizes the attributes between `<` (exclusive) and `/>`/`>` (exclusive).
fn read_attributes(
    text: &str,
    inner_start: usize,
    inner_end: usize,
    file: &Path,
    diagnostics: &mut Vec<Diagnostic>,
) -> Vec<Property> {
    let inner = spaces_outside_quotes(&text[inner_start..inner_end]);
    let inner: &str = &inner;
    let base = inner.as_ptr() as usize;
    // Offset in the file of a slice borrowed from `inner`.
    let offset_of = |s: &[u8]| inner_start + (s.as_ptr() as usize - base);
    let mut attributes = Attributes::new(inner, TAG.len());
    // Duplicates are found below, ignoring case, which quick-xml does not.
    attributes.with_checks(false);

    let mut properties: Vec<Property> = Vec::new();
    // Keys seen so far, lowercased, to the property holding them, once a header has more than
    // a few: a header of n attributes is read in O(n), duplicates or not. (A real header has
    // about fifteen, which a scan compares faster than a hash.)
    let mut seen: std::collections::HashMap<String, usize> = std::collections::HashMap::new();
    // Lines of the first occurrences, for the duplicate messages; made on the first duplicate.
    let mut lines: Option<crate::base::diagnostic::LineIndex> = None;
    for attribute in attributes {
        let attribute = match attribute {
            Ok(a) => a,
            Err(e) => {
                let mut d = attribute_error(e, inner, inner_start, file);
                // Spans found in the read copy end on its characters; the file's may be wider
                // there (a no-break space is one character of two bytes, two spaces in the copy).
                if let Some(span) = &mut d.span {
                    *span = text.floor_char_boundary(span.start)..text.ceil_char_boundary(span.end);
                }
                diagnostics.push(d);
                continue;
            }
        };
        let key_text: &str = attribute.key.as_ref();
        let key_start = offset_of(key_text.as_bytes());
        let key = Spanned {
            value: key_text.to_string(),
            span: key_start..key_start + key_text.len(),
        };
        let raw = &attribute.value;
        let value_start = offset_of(raw.as_bytes());
        let value_span = value_start..value_start + raw.len();
        let value = match quick_xml::escape::unescape(raw) {
            Ok(v) => v.into_owned(),
            Err(_) => {
                diagnostics.push(
                    Diagnostic::new(
                        rules::UNESCAPED_AMPERSAND,
                        file,
                        format!("`{}` holds a raw `&` or an unknown entity", key.value),
                    )
                    .at(value_span.clone())
                    .help("write `&amp;` for a literal ampersand"),
                );
                unescape_lenient(raw)
            }
        };
        const SCAN: usize = 32;
        let first = if properties.len() < SCAN {
            properties
                .iter()
                .position(|p| p.key.value.eq_ignore_ascii_case(&key.value))
        } else {
            if seen.is_empty() {
                for (i, p) in properties.iter().enumerate() {
                    seen.entry(p.key.value.to_ascii_lowercase()).or_insert(i);
                }
            }
            seen.get(&key.value.to_ascii_lowercase()).copied()
        };
        if let Some(first) = first {
            let first = &properties[first];
            let lines = lines
                .get_or_insert_with(|| crate::base::diagnostic::LineIndex::new(text.as_bytes()));
            let line_hint = lines.line_col(first.key.span.start).line;
            diagnostics.push(
                Diagnostic::new(
                    rules::DUPLICATE_PROPERTY,
                    file,
                    format!(
                        "`{}` is set twice (first on line {line_hint}); the first value is used",
                        key.value
                    ),
                )
                .at(key.span.clone())
                .help("delete one of the two"),
            );
            continue;
        }
        if !seen.is_empty() {
            seen.insert(key.value.to_ascii_lowercase(), properties.len());
        }
        properties.push(Property {
            key,
            value: Spanned {
                value,
                span: value_span,
            },
        });
    }
    properties
}

/// `inner` with every Unicode space outside quoted values (a no-break space, an em space...)
/// made as many ASCII spaces as it has bytes, so that offsets stay the same: a header indented
/// with no-break spaces is still read key by key (SH011 reports each such character).
fn spaces_outside_quotes(inner: &str) -> std::borrow::Cow<'_, str> {
    if inner.is_ascii() {
        return std::borrow::Cow::Borrowed(inner);
    }
    let mut out = String::with_capacity(inner.len());
    let mut quote: Option<char> = None;
    for c in inner.chars() {
        match quote {
            Some(q) if c == q => quote = None,
            Some(_) => {}
            None if c == '"' || c == '\'' => quote = Some(c),
            None if !c.is_ascii()
                && (c.is_whitespace() || matches!(c, '\u{200B}' | '\u{FEFF}' | '\u{2060}')) =>
            {
                out.extend(std::iter::repeat_n(' ', c.len_utf8()));
                continue;
            }
            None => {}
        }
        out.push(c);
    }
    std::borrow::Cow::Owned(out)
}

fn attribute_error(e: AttrError, inner: &str, inner_start: usize, file: &Path) -> Diagnostic {
    let (pos, message, help) = match e {
        AttrError::ExpectedEq(p) => {
            // quick-xml reports where it wanted `=`; the culprit is the token before that.
            let before = inner[..inner.floor_char_boundary(p)].trim_end();
            let token_start = before
                .char_indices()
                .rfind(|&(_, c)| c.is_whitespace() || c == '"' || c == '\'')
                .map_or(0, |(i, c)| i + c.len_utf8());
            let token = &before[token_start..];
            if token.is_empty() || !token.starts_with(|c: char| c.is_alphanumeric() || c == '_') {
                let stray = if token.is_empty() {
                    // The last character, which may be several bytes (a no-break space).
                    before
                        .char_indices()
                        .next_back()
                        .map_or("", |(i, _)| &before[i..])
                } else {
                    token
                };
                let at = before.len() - stray.len();
                let span_start = inner_start + at;
                return Diagnostic::new(
                    rules::ATTRIBUTE_SYNTAX,
                    file,
                    format!("stray `{stray}` between attributes"),
                )
                .at(span_start..span_start + stray.len())
                .help("delete it: attributes are separated by whitespace only");
            }
            (
                before.len(),
                format!("`{token}` has no value: expected `=` after it"),
                "write attributes as key=\"value\"",
            )
        }
        AttrError::ExpectedValue(p) => (
            p,
            "expected a quoted value after `=`".to_string(),
            "write attributes as key=\"value\"",
        ),
        AttrError::UnquotedValue(p) => {
            let curly = inner[inner.floor_char_boundary(p)..]
                .starts_with(['\u{201c}', '\u{201d}', '\u{2018}', '\u{2019}']);
            (
                p,
                if curly {
                    "attribute value is in curly quotes".to_string()
                } else {
                    "attribute value is not quoted".to_string()
                },
                "enclose the value in straight double quotes: key=\"value\"",
            )
        }
        AttrError::ExpectedQuote(p, q) => (
            p,
            format!("missing closing `{}` in attribute value", q as char),
            "close the value with the same quote it opened with",
        ),
        AttrError::Duplicated(p, _) => (p, "duplicated attribute".to_string(), "delete one"),
    };
    let pos = inner.floor_char_boundary(pos);
    let at = inner_start + pos;
    let width = inner[pos..].chars().next().map_or(0, char::len_utf8);
    Diagnostic::new(rules::ATTRIBUTE_SYNTAX, file, message)
        .at(at..at + width)
        .help(help)
}

/// Decodes the XML entities it knows and keeps everything else (a raw `&`) as written.
fn unescape_lenient(raw: &str) -> String {
    let mut out = String::with_capacity(raw.len());
    let mut rest = raw;
    while let Some(amp) = rest.find('&') {
        out.push_str(&rest[..amp]);
        rest = &rest[amp..];
        // An entity is short: looking further for its `;` would make a value of many raw `&`
        // quadratic.
        let near = &rest.as_bytes()[..rest.len().min(13)];
        let decoded = memchr::memchr(b';', near).and_then(|semi| {
            quick_xml::escape::unescape(&rest[..=semi])
                .ok()
                .map(|s| (s.into_owned(), semi + 1))
        });
        match decoded {
            Some((s, len)) => {
                out.push_str(&s);
                rest = &rest[len..];
            }
            None => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

/// Splits a comma-separated list, trimming items and dropping empty ones.
pub fn split_list(value: &str) -> Vec<String> {
    value
        .split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_string)
        .collect()
}

fn parse_clouds(value: &str) -> Vec<Cloud> {
    let mut clouds = Vec::new();
    for cloud in split_list(value).iter().filter_map(|c| c.parse().ok()) {
        if !clouds.contains(&cloud) {
            clouds.push(cloud);
        }
    }
    clouds
}

impl Metadata {
    /// The typed view of a header's properties.
    pub fn from_properties(properties: Vec<Property>) -> Metadata {
        let get = |key: &str| -> String {
            properties
                .iter()
                .find(|p| p.key.value.eq_ignore_ascii_case(key))
                .map(|p| p.value.value.trim().to_string())
                .unwrap_or_default()
        };
        Metadata {
            page_title: get("pageTitle"),
            description: get("description"),
            service: get("service"),
            resource: get("resource"),
            self_help_type: SelfHelpType::parse(&get("selfHelpType")),
            article_id: get("articleId"),
            ownership_id: get("ownershipId"),
            support_topic_ids: split_list(&get("supportTopicIds")),
            product_pes_ids: split_list(&get("productPesIds")),
            clouds: parse_clouds(&get("cloudEnvironments")),
            disabled_clouds: parse_clouds(&get("disableClouds")),
            display_order: get("displayOrder").parse().ok(),
            properties,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse_ok(text: &str) -> (Header, Vec<Diagnostic>) {
        let mut d = Vec::new();
        let h = parse(text, Path::new("t.md"), &mut d).expect("header parses");
        (h, d)
    }

    fn keys(h: &Header) -> Vec<(&str, &str)> {
        h.properties
            .iter()
            .map(|p| (p.key.value.as_str(), p.value.value.as_str()))
            .collect()
    }

    #[test]
    fn reads_a_clean_header_with_spans() {
        let text = "<properties\n\tpageTitle=\"VM &amp; disks\"\n\tarticleId=\"abc\" />\n# T\n";
        let (h, d) = parse_ok(text);
        assert!(d.is_empty(), "{d:?}");
        assert_eq!(
            keys(&h),
            [("pageTitle", "VM & disks"), ("articleId", "abc")]
        );
        let p = &h.properties[1];
        assert_eq!(&text[p.key.span.clone()], "articleId");
        assert_eq!(&text[p.value.span.clone()], "abc");
        assert_eq!(&text[h.span.clone()], &text[..text.find("/>").unwrap() + 2]);
    }

    #[test]
    fn bom_comments_crlf_and_spaces_around_equals() {
        let text = "\u{feff}<!-- note -->\r\n<PROPERTIES pagetitle = \"A\"\r\n selfHelpType='generic'\r\n/>\r\n";
        let (h, d) = parse_ok(text);
        assert!(d.is_empty(), "{d:?}");
        assert_eq!(keys(&h), [("pagetitle", "A"), ("selfHelpType", "generic")]);
    }

    #[test]
    fn raw_ampersand_is_kept_and_reported() {
        let (h, d) = parse_ok("<properties description=\"Q&A &amp; more &copy\" />");
        assert_eq!(keys(&h), [("description", "Q&A & more &copy")]);
        assert_eq!(d.len(), 1);
        assert_eq!(d[0].code, rules::UNESCAPED_AMPERSAND.code);
    }

    #[test]
    fn duplicate_keys_ignore_case_and_keep_the_first() {
        let (h, d) = parse_ok("<properties articleId=\"a\" ARTICLEID=\"b\" />");
        assert_eq!(keys(&h), [("articleId", "a")]);
        assert_eq!(d[0].code, rules::DUPLICATE_PROPERTY.code);
    }

    #[test]
    fn text_before_header_is_reported_but_header_read() {
        let (h, d) = parse_ok("oops\n<properties a=\"1\" />\n");
        assert_eq!(keys(&h), [("a", "1")]);
        assert_eq!(d[0].code, rules::TEXT_BEFORE_HEADER.code);
        assert_eq!(d[0].span, Some(0..5));
    }

    #[test]
    fn missing_and_unclosed_headers_are_fatal() {
        let mut d = Vec::new();
        let e = parse("# just markdown\n", Path::new("t.md"), &mut d).unwrap_err();
        assert_eq!(e.code, rules::HEADER_NOT_FOUND.code);
        let e = parse("<properties a=\"1\"\n# body", Path::new("t.md"), &mut d).unwrap_err();
        assert_eq!(e.code, rules::HEADER_NOT_CLOSED.code);
    }

    #[test]
    fn header_closed_with_gt_is_read_and_reported() {
        let (h, d) = parse_ok("<properties a=\"1\">\n# T\n");
        assert_eq!(keys(&h), [("a", "1")]);
        assert_eq!(d[0].code, rules::HEADER_NOT_CLOSED.code);
    }

    #[test]
    fn unbalanced_quote_does_not_swallow_the_body() {
        let text = "<properties\n a=\"1\n b=\"2\"\n/>\n# Title \"quoted\" >\n";
        let (h, d) = parse_ok(text);
        assert_eq!(&text[h.span.clone()], "<properties\n a=\"1\n b=\"2\"\n/>");
        assert!(
            d.iter().any(|d| d.code == rules::ATTRIBUTE_SYNTAX.code),
            "{d:?}"
        );
    }

    #[test]
    fn stray_characters_are_pointed_at_and_the_rest_is_read() {
        let text = "<properties a=\"1\",\n b=\"2\" c />";
        let (h, d) = parse_ok(text);
        assert_eq!(keys(&h), [("a", "1"), ("b", "2")]);
        assert_eq!(d.len(), 2, "{d:?}");
        assert_eq!(d[0].message, "stray `,` between attributes");
        assert_eq!(&text[d[0].span.clone().unwrap()], ",");
        assert_eq!(d[1].message, "`c` has no value: expected `=` after it");
    }

    #[test]
    fn unquoted_and_curly_values_are_reported() {
        let (h, d) = parse_ok("<properties a=1 b=\u{201c}x\u{201d} c=\"ok\" />");
        assert_eq!(keys(&h), [("c", "ok")]);
        assert_eq!(d.len(), 2, "{d:?}");
        assert!(d[1].message.contains("curly"));
    }

    #[test]
    fn metadata_is_typed() {
        let (h, _) = parse_ok(
            "<properties supportTopicIds=\" 1, 2,,3 \" cloudEnvironments=\"Public, FAIRFAX, mars, public\" \
             disableClouds=\"fairfax\" selfhelptype=\"TSG_content\" displayOrder=\" 7 \" />",
        );
        let m = Metadata::from_properties(h.properties);
        assert_eq!(m.support_topic_ids, ["1", "2", "3"]);
        assert_eq!(m.clouds, [Cloud::Public, Cloud::Fairfax]);
        assert!(m.is_in_cloud(Cloud::Public) && !m.is_in_cloud(Cloud::Fairfax));
        assert_eq!(m.self_help_type, SelfHelpType::TsgContent);
        assert_eq!(m.display_order, Some(7));
    }
}
