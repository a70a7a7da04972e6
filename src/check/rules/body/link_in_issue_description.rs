use crate::base::diagnostic::Diagnostic;

use super::BodyContext;

declare_rule! {
    /// A link inside an issueDescription section.
    ///
    /// Why: the portal shows the section as plain text (a notification, a summary line); the
    /// link's Markdown is shown raw. Put links in the steps below.
    /// Example: `<!--issueDescription-->See [the docs](https://learn.microsoft.com)<!--/issueDescription-->`.
    pub LINK_IN_ISSUE_DESCRIPTION = ("SH323", "link-in-issue-description", Warning);
}

pub fn check(cx: &BodyContext, out: &mut Vec<Diagnostic>) {
    for link in &cx.issue_links {
        out.push(
            Diagnostic::new(
                LINK_IN_ISSUE_DESCRIPTION,
                cx.file,
                "a link inside issueDescription is shown as raw text",
            )
            .at(link.span.clone())
            .help("keep issueDescription to plain text and tokens; move the link below it"),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::check::rules::body::run_on;

    #[test]
    fn link_inside_warns() {
        let a = "<properties a=\"b\" />\n# T\n<!--issueDescription-->See [x](https://a.b)<!--/issueDescription-->\n";
        assert_eq!(run_on(a, check).len(), 1);
    }

    #[test]
    fn link_outside_passes() {
        let a = "<properties a=\"b\" />\n# T\n<!--issueDescription-->x<!--/issueDescription-->\n\nSee [x](https://a.b)\n";
        assert!(run_on(a, check).is_empty());
    }
}
