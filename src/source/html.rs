//! A small, forgiving scanner for the tags in a piece of raw HTML, shared by everything that
//! looks at raw HTML without building a tree: the nesting limit before sanitizing
//! ([`crate::source::markdown`]) and the unsafe-HTML rule. Comments are skipped whole and quoted
//! attribute values may hold `>`; the sanitizer, not this, decides what is kept.

use std::ops::Range;

/// Elements that can run code, load other documents or restyle the page. The sanitizer removes
/// them; the unsafe-HTML rule reports them.
pub const UNSAFE_ELEMENTS: &[&str] = &[
    "script", "style", "iframe", "frame", "frameset", "object", "embed", "applet", "form", "input",
    "button", "select", "textarea", "svg", "math", "link", "meta", "base", "template", "xmp",
    "noscript", "isindex",
];

/// Elements that never have content, so they open nothing.
const VOID_ELEMENTS: &[&str] = &[
    "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track",
    "wbr",
];

/// One tag as written.
pub struct Tag<'a> {
    /// Byte range of the whole tag, `<` to `>`.
    pub range: Range<usize>,
    /// The element name as written (any case).
    pub name: &'a str,
    /// `</name>`.
    pub closing: bool,
    /// The text between the name and `>`.
    attrs_text: &'a str,
    /// Offset of `attrs_text` in the tag.
    attrs_at: usize,
}

impl<'a> Tag<'a> {
    /// Whether the tag opens an element that must be closed: not a closing tag, not `<x/>`,
    /// not a void element.
    pub fn opens(&self) -> bool {
        !self.closing
            && !self.attrs_text.trim_end().ends_with('/')
            && !VOID_ELEMENTS
                .iter()
                .any(|v| v.eq_ignore_ascii_case(self.name))
    }

    /// Attribute names with their offsets in the tag; quoted values are skipped whole.
    pub fn attributes(&self) -> impl Iterator<Item = (usize, &'a str)> + '_ {
        let text = self.attrs_text;
        let bytes = text.as_bytes();
        let mut j = 0;
        std::iter::from_fn(move || {
            while j < bytes.len() {
                match bytes[j] {
                    q @ (b'"' | b'\'') => {
                        j += 1 + memchr::memchr(q, &bytes[j + 1..]).unwrap_or(bytes.len() - j - 1);
                        j += 1;
                    }
                    b if b.is_ascii_alphabetic()
                        && (j == 0 || b" \t\n\r/\"'".contains(&bytes[j - 1])) =>
                    {
                        let len = text[j..]
                            .find(|c: char| !(c.is_ascii_alphanumeric() || "-_:".contains(c)))
                            .unwrap_or(text.len() - j);
                        let found = (self.attrs_at + j, &text[j..j + len]);
                        j += len;
                        return Some(found);
                    }
                    _ => j += 1,
                }
            }
            None
        })
    }
}

/// Every tag in `html`, in order. Text that only looks like a tag (`< 5`, `<!--…-->`) is not one.
pub fn tags(html: &str) -> impl Iterator<Item = Tag<'_>> {
    let bytes = html.as_bytes();
    let mut i = 0;
    std::iter::from_fn(move || {
        while let Some(lt) = memchr::memchr(b'<', &bytes[i..]) {
            let start = i + lt;
            if html[start..].starts_with("<!--") {
                i = html[start..]
                    .find("-->")
                    .map_or(html.len(), |e| start + e + 3);
                continue;
            }
            let closing = bytes.get(start + 1) == Some(&b'/');
            let name_start = start + 1 + usize::from(closing);
            let name_len = html[name_start..]
                .find(|c: char| !(c.is_ascii_alphanumeric() || c == '-'))
                .unwrap_or(html.len() - name_start);
            if name_len == 0 || !bytes[name_start].is_ascii_alphabetic() {
                i = start + 1;
                continue;
            }
            // The end of the tag: the first `>` outside a quoted value.
            let mut j = name_start + name_len;
            while j < bytes.len() && bytes[j] != b'>' {
                if let q @ (b'"' | b'\'') = bytes[j] {
                    j += 1 + memchr::memchr(q, &bytes[j + 1..]).unwrap_or(bytes.len() - j - 1);
                }
                j += 1;
            }
            let end = (j + 1).min(html.len());
            i = end;
            let attrs_end = j.min(html.len());
            return Some(Tag {
                range: start..end,
                name: &html[name_start..name_start + name_len],
                closing,
                attrs_text: &html[name_start + name_len..attrs_end],
                attrs_at: name_start + name_len - start,
            });
        }
        None
    })
}

/// Elements that start a new line of text where they open and close.
const BLOCK_ELEMENTS: &[&str] = &[
    "address",
    "article",
    "aside",
    "blockquote",
    "br",
    "caption",
    "dd",
    "details",
    "div",
    "dl",
    "dt",
    "figcaption",
    "figure",
    "footer",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "header",
    "hr",
    "li",
    "main",
    "nav",
    "ol",
    "p",
    "pre",
    "section",
    "summary",
    "table",
    "tbody",
    "thead",
    "tfoot",
    "tr",
    "ul",
];

/// The text a reader sees of sanitized HTML (what [`crate::source::markdown::render`] writes):
/// tags removed, a line break where a block starts or ends, a space between table cells,
/// entities decoded, attributes (hrefs, token defaults) left out. Lines are trimmed and empty
/// ones dropped.
pub fn visible_text(html: &str) -> String {
    let mut out = String::with_capacity(html.len() / 2);
    let mut copied = 0;
    // Inside `<pre>` a line break is one; elsewhere it is a space.
    let mut pre = 0usize;
    let push_text = |out: &mut String, text: &str, pre: bool| {
        let start = out.len();
        // Comments are skipped by `tags` but sit between two tags.
        let mut rest = text;
        while let Some(at) = rest.find("<!--") {
            decode_entities_into(out, &rest[..at]);
            rest = rest[at..]
                .find("-->")
                .map_or("", |end| &rest[at + end + 3..]);
        }
        decode_entities_into(out, rest);
        if !pre && out[start..].contains('\n') {
            let joined = out[start..].replace('\n', " ");
            out.truncate(start);
            out.push_str(&joined);
        }
    };
    for tag in tags(html) {
        push_text(&mut out, &html[copied..tag.range.start], pre > 0);
        copied = tag.range.end;
        let name = tag.name;
        if name.eq_ignore_ascii_case("pre") {
            pre = if tag.closing {
                pre.saturating_sub(1)
            } else {
                pre + 1
            };
        }
        if BLOCK_ELEMENTS.iter().any(|b| b.eq_ignore_ascii_case(name)) {
            out.push('\n');
        } else if !tag.closing && ["td", "th"].iter().any(|c| c.eq_ignore_ascii_case(name)) {
            out.push(' ');
        }
    }
    push_text(&mut out, &html[copied..], pre > 0);
    let mut text = String::with_capacity(out.len());
    for line in out.lines().map(str::trim).filter(|l| !l.is_empty()) {
        text.push_str(line);
        text.push('\n');
    }
    text.pop();
    text
}

/// Appends `text` with its character references decoded: the ones an HTML serializer writes
/// (`&amp;`, `&lt;`, `&gt;`, `&quot;`, `&nbsp;`), numeric ones, and the common typographic
/// names; any other `&` is kept as written.
pub fn decode_entities_into(out: &mut String, text: &str) {
    let mut rest = text;
    while let Some(at) = memchr::memchr(b'&', rest.as_bytes()) {
        out.push_str(&rest[..at]);
        rest = &rest[at..];
        let end = rest[1..]
            .find(|c: char| !c.is_ascii_alphanumeric() && c != '#')
            .map(|i| i + 1);
        let decoded = match end {
            Some(end) if rest.as_bytes()[end] == b';' => {
                entity(&rest[1..end]).map(|c| (c, end + 1))
            }
            _ => None,
        };
        match decoded {
            Some((c, len)) => {
                out.push(c);
                rest = &rest[len..];
            }
            None => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
}

fn entity(name: &str) -> Option<char> {
    if let Some(number) = name.strip_prefix('#') {
        let code = match number.strip_prefix(['x', 'X']) {
            Some(hex) => u32::from_str_radix(hex, 16).ok()?,
            None => number.parse().ok()?,
        };
        return char::from_u32(code).filter(|&c| c != '\0');
    }
    Some(match name {
        "amp" => '&',
        "lt" => '<',
        "gt" => '>',
        "quot" => '"',
        "apos" => '\'',
        "nbsp" => ' ',
        "ndash" => '\u{2013}',
        "mdash" => '\u{2014}',
        "lsquo" => '\u{2018}',
        "rsquo" => '\u{2019}',
        "ldquo" => '\u{201c}',
        "rdquo" => '\u{201d}',
        "hellip" => '\u{2026}',
        "bull" => '\u{2022}',
        "middot" => '\u{b7}',
        "copy" => '\u{a9}',
        "reg" => '\u{ae}',
        "trade" => '\u{2122}',
        "rarr" => '\u{2192}',
        "larr" => '\u{2190}',
        "times" => '\u{d7}',
        "deg" => '\u{b0}',
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tags_names_and_attributes() {
        let html = "a <B class=\"x>y\" onclick=go()>b</B><br><img src=x /><!-- <script> --> 1 < 2";
        let found: Vec<_> = tags(html).collect();
        let names: Vec<_> = found
            .iter()
            .map(|t| (t.name, t.closing, t.opens()))
            .collect();
        assert_eq!(
            names,
            [
                ("B", false, true),
                ("B", true, false),
                ("br", false, false),
                ("img", false, false)
            ]
        );
        let attrs: Vec<_> = found[0].attributes().map(|(_, a)| a).collect();
        assert_eq!(attrs, ["class", "onclick"]);
        let (at, name) = found[0].attributes().nth(1).unwrap();
        assert_eq!(&html[found[0].range.start + at..][..name.len()], "onclick");
    }

    #[test]
    fn visible_text_breaks_blocks_and_decodes_entities() {
        let html = "<p>One<br>two\n&amp; <b>three</b></p><pre>a\nb</pre><!-- hidden --><table><tr><td>a</td><td>b&#x2019;s</td></tr></table>\
                    <ul><li>x&nbsp;y</li><li><a href=\"https://e.example/z\">link</a> &unknown; &</li></ul>";
        assert_eq!(
            visible_text(html),
            "One\ntwo & three\na\nb\na b\u{2019}s\nx y\nlink &unknown; &"
        );
    }
}
