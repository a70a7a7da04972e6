use crate::base::diagnostic::Diagnostic;
use crate::source::model::SelfHelpType;

use super::BodyContext;
use super::recommended_heading::{is_bold, recommended_section};

declare_rule! {
    /// A TSG_Content article has a bolded H2 other than Recommended Steps/Documents.
    ///
    /// Why: in troubleshooter steps, bolded H2 headings are reserved for the sections the
    /// portal recognises; other sections should be H3.
    /// Example: `## **Check the logs**` in a TSG_Content article.
    pub RESERVED_BOLD_H2 = ("SH306", "reserved-bold-h2", Warning);
}

pub fn check(cx: &BodyContext, out: &mut Vec<Diagnostic>) {
    if cx.meta.self_help_type != SelfHelpType::TsgContent {
        return;
    }
    for h in &cx.headings {
        if h.level == 2 && is_bold(h) && recommended_section(h).is_none() {
            out.push(
                Diagnostic::new(
                    RESERVED_BOLD_H2,
                    cx.file,
                    format!(
                        "bolded H2 \"{}\" is reserved for Recommended Steps/Documents",
                        h.text
                    ),
                )
                .at(h.span.start..h.span.start + h.raw.len())
                .help(format!("make it an H3: `### {}`", h.text)),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::check::rules::body::run_on;

    #[test]
    fn other_bold_h2_in_tsg_warns() {
        let a = "<properties selfHelpType=\"TSG_Content\" />\n# T\n## **Logs**\n";
        assert_eq!(run_on(a, check).len(), 1);
    }

    #[test]
    fn generic_and_recommended_pass() {
        let a = "<properties selfHelpType=\"generic\" />\n# T\n## **Logs**\n";
        assert!(run_on(a, check).is_empty());
        let a = "<properties selfHelpType=\"TSG_Content\" />\n# T\n## **Recommended Steps**\n### Logs\n";
        assert!(run_on(a, check).is_empty());
    }
}
