use crate::base::diagnostic::Diagnostic;
use crate::check::rules::body::BodyContext;

declare_rule! {
    /// A link points at an anchor in the same page (`#section`).
    ///
    /// Why: the portal shows articles in panes and cards that do not scroll to anchors; the
    /// link does nothing.
    /// Example: `[see below](#recommended-steps)`.
    pub IN_PAGE_ANCHOR = ("SH405", "in-page-anchor", Warning);
}

pub fn check(cx: &BodyContext, out: &mut Vec<Diagnostic>) {
    for link in &cx.links {
        if link.target.trim().starts_with('#') {
            out.push(
                Diagnostic::new(
                    IN_PAGE_ANCHOR,
                    cx.file,
                    "in-page anchor links do not work in the portal",
                )
                .at(link.span.clone())
                .help("refer to the section by its name instead"),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::check::rules::body::run_on;

    #[test]
    fn anchor_warns() {
        let a = "<properties a=\"b\" />\n# T\n[a](#steps)\n";
        assert_eq!(run_on(a, check).len(), 1);
    }

    #[test]
    fn page_with_fragment_passes() {
        let a = "<properties a=\"b\" />\n# T\n[a](https://x.y/#steps)\n";
        assert!(run_on(a, check).is_empty());
    }
}
