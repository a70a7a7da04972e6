use pulldown_cmark::Event;

use crate::base::diagnostic::Diagnostic;
use crate::source::html::{self, UNSAFE_ELEMENTS};

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

pub fn check(cx: &BodyContext, out: &mut Vec<Diagnostic>) {
    for (event, range) in &cx.events {
        if !matches!(event, Event::Html(_) | Event::InlineHtml(_)) || cx.in_code(range.start) {
            continue;
        }
        let html = &cx.text[range.clone()];
        for tag in html::tags(html).filter(|t| !t.closing) {
            let start = range.start + tag.range.start;
            let name = tag.name;
            if UNSAFE_ELEMENTS.iter().any(|e| e.eq_ignore_ascii_case(name)) {
                out.push(
                    Diagnostic::new(
                        UNSAFE_HTML,
                        cx.file,
                        format!("`<{name}>` is removed from the published page"),
                    )
                    .at(start..range.start + tag.range.end)
                    .help("describe the step in text, or link a page that shows it"),
                );
                continue;
            }
            for (attr_at, attr) in tag.attributes() {
                let lower = attr.to_ascii_lowercase();
                if lower.starts_with("on")
                    || ["style", "srcdoc", "formaction"].contains(&lower.as_str())
                {
                    let a = start + attr_at;
                    out.push(
                        Diagnostic::new(
                            UNSAFE_HTML,
                            cx.file,
                            format!(
                                "the `{attr}` attribute of `<{name}>` is removed from the published page"
                            ),
                        )
                        .at(a..a + attr.len())
                        .help("delete the attribute; pages take their look from the portal"),
                    );
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::check::rules::body::run_on;

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
