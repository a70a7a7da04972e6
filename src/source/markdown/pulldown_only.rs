//! The sanitizer's result for HTML that pulldown-cmark wrote from Markdown alone (no raw HTML,
//! no element of ours), without the sanitizer's HTML parse.
//!
//! Three articles in four have no raw HTML. Their HTML holds only the tags pulldown-cmark
//! writes, with text it escaped itself, so running it through html5ever and ammonia changes it
//! in a few known ways only: void tags lose their ` /`, attribute values are re-escaped the way
//! html5ever writes them, the attributes ammonia does not allow go (`class` on code, `style` on
//! table cells), links get `rel="noopener noreferrer"`, and U+00A0 is written `&nbsp;`. This
//! makes those changes in one pass. Anything it does not expect (another tag or attribute, a URL
//! ammonia would remove, a link inside a link, `\r` or NUL) gives `None`, and the caller runs
//! the sanitizer as before. A property test checks that both ways give the same bytes.

use std::borrow::Cow;

use super::policy;

/// Tags pulldown-cmark writes with the options shelf uses.
const TAGS: &[&str] = &[
    "a",
    "blockquote",
    "br",
    "code",
    "del",
    "em",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "hr",
    "img",
    "li",
    "ol",
    "p",
    "pre",
    "strong",
    "table",
    "tbody",
    "td",
    "th",
    "thead",
    "tr",
    "ul",
];

/// What ammonia (as shelf configures it) makes of `html`, or `None` when it may differ.
pub fn clean(html: &str) -> Option<String> {
    let mut out = String::with_capacity(html.len() + html.len() / 16);
    let mut rest = html;
    let mut in_link = false;
    while let Some(lt) = rest.find('<') {
        text(&mut out, &rest[..lt])?;
        let end = lt + rest[lt..].find('>')?;
        tag(&mut out, &rest[lt + 1..end], &mut in_link)?;
        rest = &rest[end + 1..];
    }
    text(&mut out, rest)?;
    Some(out)
}

/// Text between tags: already escaped by pulldown-cmark as html5ever would (`&amp;`, `&lt;`,
/// `&gt;`), except U+00A0.
fn text(out: &mut String, text: &str) -> Option<()> {
    if text.contains(['\r', '\0']) {
        return None;
    }
    push_nbsp_escaped(out, text);
    Some(())
}

fn push_nbsp_escaped(out: &mut String, s: &str) {
    let mut parts = s.split('\u{a0}');
    out.push_str(parts.next().unwrap_or_default());
    for part in parts {
        out.push_str("&nbsp;");
        out.push_str(part);
    }
}

/// One tag, `inner` being what is between `<` and `>`.
fn tag(out: &mut String, inner: &str, in_link: &mut bool) -> Option<()> {
    if let Some(name) = inner.strip_prefix('/') {
        TAGS.contains(&name).then_some(())?;
        if name == "a" {
            *in_link = false;
        }
        out.push_str("</");
        out.push_str(name);
        out.push('>');
        return Some(());
    }
    let inner = inner.strip_suffix(" /").unwrap_or(inner);
    let name_len = inner.find(' ').unwrap_or(inner.len());
    let name = &inner[..name_len];
    TAGS.contains(&name).then_some(())?;
    if name == "a" {
        // html5ever would restructure a link inside a link.
        if *in_link {
            return None;
        }
        *in_link = true;
    }
    out.push('<');
    out.push_str(name);
    let mut attrs = &inner[name_len..];
    while !attrs.is_empty() {
        let after_space = attrs.strip_prefix(' ')?;
        let eq = after_space.find("=\"")?;
        let attr = &after_space[..eq];
        let value_and_rest = &after_space[eq + 2..];
        let close = value_and_rest.find('"')?;
        let value = unescape(&value_and_rest[..close])?;
        attrs = &value_and_rest[close + 1..];
        // What the policy says of this attribute; a URL it would remove, or a class it
        // would filter, is left to the sanitizer.
        let keep = match attr {
            "class" if policy::has_classes(name) => return None,
            "class" | "style" => false,
            "href" | "src" if policy::keeps_attribute(name, attr) => {
                url_allowed(&value).then_some(())?;
                true
            }
            _ => policy::keeps_attribute(name, attr),
        };
        if keep {
            out.push(' ');
            out.push_str(attr);
            out.push_str("=\"");
            push_attr_escaped(out, &value);
            out.push('"');
        }
    }
    if name == "a" {
        out.push_str(" rel=\"");
        out.push_str(policy::LINK_REL);
        out.push('"');
    }
    out.push('>');
    Some(())
}

/// An attribute value as pulldown-cmark escaped it, decoded.
fn unescape(value: &str) -> Option<Cow<'_, str>> {
    if !value.contains('&') {
        return Some(Cow::Borrowed(value));
    }
    let mut out = String::with_capacity(value.len());
    let mut rest = value;
    while let Some(amp) = rest.find('&') {
        out.push_str(&rest[..amp]);
        rest = &rest[amp..];
        let (entity, c) = [
            ("&amp;", '&'),
            ("&lt;", '<'),
            ("&gt;", '>'),
            ("&quot;", '"'),
            ("&#x27;", '\''),
            ("&#39;", '\''),
        ]
        .into_iter()
        .find(|(entity, _)| rest.starts_with(entity))?;
        out.push(c);
        rest = &rest[entity.len()..];
    }
    out.push_str(rest);
    Some(Cow::Owned(out))
}

/// html5ever's attribute escaping: `&`, `"`, `<`, `>` and U+00A0.
fn push_attr_escaped(out: &mut String, value: &str) {
    let mut copied = 0;
    for (i, c) in value.char_indices() {
        let escape = match c {
            '&' => "&amp;",
            '"' => "&quot;",
            '<' => "&lt;",
            '>' => "&gt;",
            '\u{a0}' => "&nbsp;",
            _ => continue,
        };
        out.push_str(&value[copied..i]);
        out.push_str(escape);
        copied = i + c.len_utf8();
    }
    out.push_str(&value[copied..]);
}

/// ammonia's rule: an absolute URL needs an allowed scheme, a relative one passes, one that
/// does not parse is removed.
fn url_allowed(value: &str) -> bool {
    match url::Url::parse(value) {
        Ok(url) => policy::URL_SCHEMES.contains(&url.scheme()),
        Err(e) => e == url::ParseError::RelativeUrlWithoutBase,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_tag_pulldown_cmark_writes_is_one_the_policy_keeps() {
        for tag in TAGS {
            assert!(policy::TAGS.contains(tag), "{tag}");
        }
    }

    #[test]
    fn void_tags_attributes_and_links_come_out_as_the_sanitizer_writes_them() {
        let html = "<p>a\u{a0}b<br />\n<a href=\"x?a=1&amp;b=&#x27;\" title=\"&lt;t&gt;\">l</a></p>\n\
                    <pre><code class=\"language-rust\">x &lt; y\n</code></pre>\n<hr />\n\
                    <table><thead><tr><th style=\"text-align: left\">h</th></tr></thead></table>\n\
                    <img src=\"i.png\" alt=\"&quot;q&quot;\" />";
        assert_eq!(
            clean(html).unwrap(),
            "<p>a&nbsp;b<br>\n<a href=\"x?a=1&amp;b='\" title=\"&lt;t&gt;\" rel=\"noopener noreferrer\">l</a></p>\n\
             <pre><code>x &lt; y\n</code></pre>\n<hr>\n\
             <table><thead><tr><th>h</th></tr></thead></table>\n\
             <img src=\"i.png\" alt=\"&quot;q&quot;\">"
        );
    }

    #[test]
    fn anything_unexpected_goes_to_the_sanitizer() {
        for html in [
            "<a href=\"javascript:alert(1)\">x</a>",
            "<a href=\"http://[::1\">x</a>",
            "<img src=\"data:image/png;base64,AA\" />",
            "<script>x</script>",
            "<p class=\"x\">y</p>",
            "<a href=\"a\"><a href=\"b\">x</a></a>",
            "<p>a\r\nb</p>",
            "<p>unclosed",
            "<p",
        ] {
            if html.ends_with("unclosed") {
                // Text after a tag is fine; only tags must close.
                assert!(clean(html).is_some());
                continue;
            }
            assert_eq!(clean(html), None, "{html}");
        }
    }
}

/// Markdown of every construct pulldown-cmark writes, with hostile URLs and awkward text, and
/// no raw HTML: the fast path must give exactly the sanitizer's bytes.
#[cfg(test)]
mod same_as_the_sanitizer {
    use proptest::prelude::*;

    const URLS: &[&str] = &[
        "https://example.com/a?b=1&c='2'#d",
        "http://x",
        "HTTP://EXAMPLE.COM",
        "mailto:a@b.c",
        "relative/page.html",
        "../up",
        "#anchor",
        "//host/path",
        "javascript:alert(1)",
        "JaVaScRiPt:alert(1)",
        "data:text/html,<script>",
        "vbscript:x",
        "ftp://old",
        "http://[::1",
        "%20x",
        "é/ü",
    ];

    /// The URLs above that the sanitizer removes.
    const REMOVED: &[&str] = &[
        "javascript:",
        "JaVaScRiPt:",
        "data:",
        "vbscript:",
        "ftp:",
        "http://[::1",
    ];

    fn inline() -> impl Strategy<Value = String> {
        let word = prop::sample::select(vec![
            "word",
            "a&b",
            "x < y",
            "1 > 0",
            "\"quoted\"",
            "it's",
            "nbsp\u{a0}here",
            "é",
            "&amp;",
            "&copy;",
            "\\*",
            "_",
            "*",
            "~",
            "`",
            "[",
            "]",
            "!",
        ]);
        let url = prop::sample::select(URLS.to_vec());
        prop_oneof![
            word.clone().prop_map(String::from),
            word.clone().prop_map(|w| format!("*{w}*")),
            word.clone().prop_map(|w| format!("**{w}**")),
            word.clone().prop_map(|w| format!("~~{w}~~")),
            word.clone().prop_map(|w| format!("`{w}`")),
            (word.clone(), url.clone()).prop_map(|(w, u)| format!("[{w}]({u})")),
            (word.clone(), url.clone(), word.clone())
                .prop_map(|(w, u, t)| format!("[{w}]({u} \"{t}\")")),
            (word.clone(), url.clone()).prop_map(|(w, u)| format!("![{w} *{w}*]({u})")),
            (word.clone(), url.clone()).prop_map(|(w, u)| format!("[![{w}]({u})]({u})")),
            url.prop_map(|u| format!("<{u}>")),
            Just("  \n".to_string()),
            Just("\n".to_string()),
        ]
    }

    fn line() -> impl Strategy<Value = String> {
        prop::collection::vec(inline(), 1..6).prop_map(|parts| parts.join(" "))
    }

    fn block() -> impl Strategy<Value = String> {
        prop_oneof![
            line(),
            (1..7usize, line()).prop_map(|(n, l)| format!("{} {l}", "#".repeat(n))),
            line().prop_map(|l| format!("> {l}\n> > {l}")),
            line().prop_map(|l| format!("- {l}\n- {l}\n  1. {l}")),
            (0..5u32, line()).prop_map(|(n, l)| format!("{n}. {l}\n{}. {l}", n + 1)),
            line().prop_map(|l| format!("```rust\n{l}\n\n{l}\n```")),
            line().prop_map(|l| format!("    {l}")),
            line().prop_map(|l| format!("| a | {l} |\n|:--|--:|\n| {l} | b |")),
            Just("---".to_string()),
            Just("***".to_string()),
        ]
    }

    fn link_in_link(html: &str) -> bool {
        let mut open = false;
        for (i, _) in html.match_indices('<') {
            if html[i..].starts_with("<a ") {
                if open {
                    return true;
                }
                open = true;
            } else if html[i..].starts_with("</a>") {
                open = false;
            }
        }
        false
    }

    proptest! {
        #[test]
        fn fast_path_equals_the_sanitizer(blocks in prop::collection::vec(block(), 1..8)) {
            let markdown = blocks.join("\n\n");
            let options = pulldown_cmark::Options::ENABLE_TABLES
                | pulldown_cmark::Options::ENABLE_STRIKETHROUGH;
            let events: Vec<_> = pulldown_cmark::Parser::new_ext(&markdown, options).collect();
            // What is not a URL in autolink brackets (`<#anchor>`) is an HTML tag to
            // pulldown-cmark, and raw HTML never takes the fast path.
            let raw_html = events.iter().any(|e| {
                matches!(e, pulldown_cmark::Event::Html(_) | pulldown_cmark::Event::InlineHtml(_))
            });
            if raw_html {
                return Ok(());
            }
            let mut html = String::new();
            pulldown_cmark::html::push_html(&mut html, events.into_iter());
            let slow = super::super::sanitizer().clean(&html).to_string();
            match super::clean(&html) {
                Some(fast) => {
                    prop_assert_eq!(fast, slow, "markdown:\n{}\nhtml:\n{}", markdown, html)
                }
                // Only a URL the sanitizer removes, or a link in a link, may send plain
                // Markdown the slow way.
                None => prop_assert!(
                    REMOVED.iter().any(|u| markdown.contains(u)) || link_in_link(&html),
                    "no fast path for:\n{}", markdown
                ),
            }
        }
    }
}
