use crate::base::diagnostic::Diagnostic;
use crate::source::body::Marker;

use super::BodyContext;

declare_rule! {
    /// A diagnostics, rca or servicehealthinsights article has no issueDescription section.
    ///
    /// Why: the portal shows the `<!--issueDescription-->...<!--/issueDescription-->` text as
    /// the finding of the diagnostic; without it the customer sees no summary.
    /// Example: a `diagnostics` article whose body is only headings and steps.
    pub MISSING_ISSUE_DESCRIPTION = ("SH320", "missing-issue-description", Error);
}

pub fn check(cx: &BodyContext, out: &mut Vec<Diagnostic>) {
    if !cx.meta.self_help_type.is_diagnostic_like()
        // A stray or broken tag is reported by unbalanced-issue-description instead.
        || cx
            .markers
            .iter()
            .any(|(_, m)| matches!(m, Marker::IssueOpen | Marker::IssueClose))
        || !super::unbalanced_issue_description::malformed_tags(cx).is_empty()
    {
        return;
    }
    out.push(
        Diagnostic::new(
            MISSING_ISSUE_DESCRIPTION,
            cx.file,
            format!(
                "a {} article needs an issueDescription section",
                cx.meta.self_help_type.as_str()
            ),
        )
        .at(cx.after_header())
        .help("add `<!--issueDescription-->` what was found `<!--/issueDescription-->` after the title"),
    );
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::check::rules::body::run_on;

    #[test]
    fn diagnostics_without_section_is_an_error() {
        let a = "<properties selfHelpType=\"diagnostics\" />\n# T\n\ntext\n";
        assert_eq!(run_on(a, check).len(), 1);
    }

    #[test]
    fn section_or_other_type_passes() {
        let a = "<properties selfHelpType=\"rca\" />\n# T\n<!--issueDescription-->x<!--/issueDescription-->\n";
        assert!(run_on(a, check).is_empty());
        let a = "<properties selfHelpType=\"generic\" />\n# T\n\ntext\n";
        assert!(run_on(a, check).is_empty());
    }
}
