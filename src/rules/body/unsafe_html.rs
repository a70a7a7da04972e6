use pulldown_cmark::Event;

use crate::diagnostic::Diagnostic;

use super::BodyContext;

declare_rule! {
    /// Raw HTML that can run code, load other pages or restyle the portal: `<script>`,
    /// `<style>`, `<iframe>`, `<object>`, `<embed>`, `<form>` and its controls, `<svg>`,
    /// `<math>`, `<link>`, `<meta>`, `<base>`, event-handler attributes (`onclick=`),
    /// `style=`, `srcdoc=`, `formaction=`.
    ///
    /// Why: shelf removes all of it from the published page (a portal embeds the page in its
    /// own, so any of it would be script injection there), so what the author meant to show is
    /// missing.
    /// Example: `<img src="a.png" onerror="retry()">`.
    pub UNSAFE_HTML = ("SH327", "unsafe-html", Error);
}

/// Elements the sanitizer removes because of what they can do.
const ELEMENTS: &[&str] = &[
    "script", "style", "iframe", "frame", "frameset", "object", "embed", "applet", "form", "input",
    "button", "select", "textarea", "svg", "math", "link", "meta", "base", "template", "xmp",
    "noscript", "isindex",
];

pub fn check(cx: &BodyContext, out: &mut Vec<Diagnostic>) {
    for (event, range) in &cx.events {
        if !matches!(event, Event::Html(_) | Event::InlineHtml(_)) || cx.in_code(range.start) {
            continue;
        }
        let html = &cx.text[range.clone()];
        for (at, len, name, attrs) in tags(html) {
            let start = range.start + at;
            if ELEMENTS.contains(&name.to_ascii_lowercase().as_str()) {
                out.push(
                    Diagnostic::new(
                        UNSAFE_HTML,
                        cx.file,
                        format!("`<{name}>` is removed from the published page"),
                    )
                    .at(start..start + len)
                    .help("describe the step in text, or link a page that shows it"),
                );
                continue;
            }
            for (attr_at, attr) in attrs {
                let lower = attr.to_ascii_lowercase();
                if lower.starts_with("on")
                    || ["style", "srcdoc", "formaction"].contains(&lower.as_str())
                {
                    let a = start + attr_at;
                    out.push(
                        Diagnostic::new(
                            UNSAFE_HTML,
                            cx.file,
                            format!("the `{attr}` attribute of `<{name}>` is removed from the published page"),
                        )
                        .at(a..a + attr.len())
                        .help("delete the attribute; pages take their look from the portal"),
                    );
                }
            }
        }
    }
}

/// An opening tag: offset, length, name, and each attribute name with its offset in the tag.
type OpeningTag<'a> = (usize, usize, &'a str, Vec<(usize, &'a str)>);

/// The opening tags in a piece of HTML.
fn tags(html: &str) -> Vec<OpeningTag<'_>> {
    let bytes = html.as_bytes();
    let mut found = Vec::new();
    let mut i = 0;
    while let Some(lt) = memchr::memchr(b'<', &bytes[i..]) {
        let start = i + lt;
        let name_len = html[start + 1..]
            .find(|c: char| !(c.is_ascii_alphanumeric() || c == '-'))
            .unwrap_or(html.len() - start - 1);
        if name_len == 0 || !bytes[start + 1].is_ascii_alphabetic() {
            i = start + 1;
            continue;
        }
        let name = &html[start + 1..start + 1 + name_len];
        // Attribute names up to the end of the tag; quoted values are skipped whole.
        let mut attrs = Vec::new();
        let mut j = start + 1 + name_len;
        while j < bytes.len() && bytes[j] != b'>' {
            match bytes[j] {
                b'"' | b'\'' => {
                    let q = bytes[j];
                    j += 1 + memchr::memchr(q, &bytes[j + 1..]).unwrap_or(bytes.len() - j - 1);
                    j += 1;
                }
                b if b.is_ascii_alphabetic()
                    && matches!(
                        bytes[j - 1],
                        b' ' | b'\t' | b'\n' | b'\r' | b'/' | b'"' | b'\''
                    ) =>
                {
                    let len = html[j..]
                        .find(|c: char| !(c.is_ascii_alphanumeric() || "-_:".contains(c)))
                        .unwrap_or(html.len() - j);
                    attrs.push((j - start, &html[j..j + len]));
                    j += len;
                }
                _ => j += 1,
            }
        }
        let end = (j + 1).min(html.len());
        found.push((start, end - start, name, attrs));
        i = end.max(start + 1);
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::body::run_on;

    #[test]
    fn scripts_frames_and_handlers_are_errors() {
        let a = "<properties a=\"b\" />\n# T\n\n<script>x()</script>\n\nText <img src=\"a.png\" onerror=\"x()\"> and <span style=\"color:red\">red</span>.\n\n<iframe src=\"https://x.y\"></iframe>\n";
        let d = run_on(a, check);
        assert_eq!(d.len(), 4, "{d:#?}");
    }

    #[test]
    fn ordinary_markup_and_code_pass() {
        let a = "<properties a=\"b\" />\n# T\n\nLine<br>break, <a href=\"https://x.y\" title=\"one\">a</a>, `<script>` in code.\n\n```\n<script>x()</script>\n```\n";
        assert!(run_on(a, check).is_empty());
    }
}
