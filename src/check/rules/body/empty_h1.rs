use crate::base::diagnostic::Diagnostic;

use super::BodyContext;

declare_rule! {
    /// The H1 has no text (`#` alone on its line), or its text is read as an HTML tag.
    ///
    /// Why: the H1 is the article's title in shelf's pages and authoring tools; an empty one
    /// leaves them untitled. A warning: the portal shows pageTitle (whose absence is an error).
    /// Example: `# ` followed by the body; `# <Connect to a VM>`.
    pub EMPTY_H1 = ("SH303", "empty-h1", Warning);
}

pub fn check(cx: &BodyContext, out: &mut Vec<Diagnostic>) {
    for h in cx
        .headings
        .iter()
        .filter(|h| h.level == 1 && h.text.is_empty())
    {
        // `# <Title>` reads as an HTML tag: there is text, but none is shown.
        let written = h.raw.trim_start_matches('#').trim();
        let message = if written.is_empty() {
            "the H1 is empty".to_string()
        } else {
            format!("the H1 shows no text: `{written}` is read as an HTML tag")
        };
        out.push(
            Diagnostic::new(EMPTY_H1, cx.file, message)
                .at(h.span.start..h.span.start + h.raw.len())
                .help("write the article's title after `# `"),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::check::rules::body::run_on;

    #[test]
    fn empty_h1_is_an_error() {
        assert_eq!(run_on("<properties a=\"b\" />\n#\n", check).len(), 1);
        assert_eq!(run_on("<properties a=\"b\" />\n#    \n", check).len(), 1);
    }

    #[test]
    fn tag_like_title_is_named() {
        let d = run_on("<properties a=\"b\" />\n# <My title>\n", check);
        assert!(
            d[0].message.contains("read as an HTML tag"),
            "{}",
            d[0].message
        );
    }

    #[test]
    fn titled_h1_passes() {
        assert!(run_on("<properties a=\"b\" />\n# Title\n", check).is_empty());
    }
}
