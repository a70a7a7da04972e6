use crate::base::diagnostic::Diagnostic;

use super::BodyContext;

declare_rule! {
    /// The article has more than one issueDescription section.
    ///
    /// Why: the portal shows one finding per article; only the first section is used.
    /// Example: two `<!--issueDescription-->...<!--/issueDescription-->` blocks.
    pub MULTIPLE_ISSUE_DESCRIPTIONS = ("SH322", "multiple-issue-descriptions", Warning);
}

pub fn check(cx: &BodyContext, out: &mut Vec<Diagnostic>) {
    let blocks = cx.issue_blocks();
    if let Some(second) = blocks.get(1) {
        out.push(
            Diagnostic::new(
                MULTIPLE_ISSUE_DESCRIPTIONS,
                cx.file,
                format!(
                    "{} issueDescription sections; only the first is shown",
                    blocks.len()
                ),
            )
            .at(second.start..{
                let end = second.start + "<!--issueDescription-->".len().min(second.len());
                cx.text.floor_char_boundary(end)
            })
            .help("merge them into one section"),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::check::rules::body::run_on;

    #[test]
    fn two_sections_warn() {
        let a = "<properties a=\"b\" />\n# T\n<!--issueDescription-->x<!--/issueDescription-->\n\n<!--issueDescription-->y<!--/issueDescription-->\n";
        assert_eq!(run_on(a, check).len(), 1);
    }

    #[test]
    fn one_section_passes() {
        let a = "<properties a=\"b\" />\n# T\n<!--issueDescription-->x<!--/issueDescription-->\n";
        assert!(run_on(a, check).is_empty());
    }
}
