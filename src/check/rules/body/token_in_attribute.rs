use pulldown_cmark::Event;

use crate::base::diagnostic::Diagnostic;
use crate::source::body::Marker;

use super::BodyContext;

declare_rule! {
    /// A replacement token is written inside an HTML tag, such as a link's address:
    /// `<a href="<!--$Link-->https://x<!--/$Link-->">`.
    ///
    /// Why: a token becomes an element the portal fills (`<span class="shelf-token">` in
    /// shelf's fragments), and an element cannot sit inside an attribute: there the token's
    /// comment markup stays part of the address, and in shelf's pages and fragments the link
    /// leads to its default text. A portal that fills tokens in the raw text before rendering
    /// fills it, hence a warning, not an error.
    /// Example: `<img src="<!--$Chart-->chart.png<!--/$Chart-->">`. Put the token in the text,
    /// or use a Markdown link whose text is the token.
    pub TOKEN_IN_ATTRIBUTE = ("SH328", "token-in-attribute", Warning);
}

pub fn check(cx: &BodyContext, out: &mut Vec<Diagnostic>) {
    if cx.markers.is_empty() {
        return;
    }
    for (event, range) in &cx.events {
        let (Event::Html(html) | Event::InlineHtml(html)) = event else {
            continue;
        };
        // The event's text is the file's text at its range (raw HTML is never rewritten).
        let base = range.start;
        for tag in crate::source::html::tags(html) {
            let (start, end) = (base + tag.range.start, base + tag.range.end);
            let first = cx.markers.partition_point(|(r, _)| r.start < start);
            let Some((marker, m)) = cx.markers[first..]
                .iter()
                .find(|(r, m)| r.start < end && matches!(m, Marker::TokenOpen(_)))
            else {
                continue;
            };
            let Marker::TokenOpen(name) = m else { continue };
            out.push(
                Diagnostic::new(
                    TOKEN_IN_ATTRIBUTE,
                    cx.file,
                    format!(
                        "token `{name}` is inside the `<{}>` tag: a fragment cannot carry it there, and the address stays the token's markup",
                        tag.name
                    ),
                )
                .at(marker.clone())
                .help("move the token out of the tag, into the text the reader sees"),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::check::rules::body::run_on;

    #[test]
    fn a_token_in_an_attribute_is_an_error() {
        let h = "<properties a=\"b\" />\n# T\n";
        for body in [
            "See <a href=\"<!--$Link-->https://x.example<!--/$Link-->\">the page</a>.\n",
            "<img src=\"<!--$Chart-->c.png<!--/$Chart-->\">\n",
            "<div>\n<a title='<!--$Name-->n<!--/$Name-->' href=\"https://x\">x</a>\n</div>\n",
        ] {
            let d = run_on(&format!("{h}{body}"), check);
            assert_eq!(d.len(), 1, "{body}: {d:?}");
        }
    }

    #[test]
    fn tokens_in_text_and_link_text_pass() {
        let h = "<properties a=\"b\" />\n# T\n";
        for body in [
            "VM <!--$vm-->[vm]<!--/$vm--> is down.\n",
            "<b><!--$vm-->[vm]<!--/$vm--></b>\n",
            "<a href=\"https://x\"><!--$vm-->[vm]<!--/$vm--></a>\n",
        ] {
            let d = run_on(&format!("{h}{body}"), check);
            assert!(d.is_empty(), "{body}: {d:?}");
        }
    }
}
