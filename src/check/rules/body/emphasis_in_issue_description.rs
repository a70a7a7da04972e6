use pulldown_cmark::{Event, Tag};

use crate::base::diagnostic::Diagnostic;

use super::BodyContext;

declare_rule! {
    /// Bold or italic text inside an issueDescription section.
    ///
    /// Why: the portal shows the section as plain text; the asterisks are shown raw.
    /// Example: `<!--issueDescription-->The VM is **stopped**.<!--/issueDescription-->`.
    pub EMPHASIS_IN_ISSUE_DESCRIPTION = ("SH324", "emphasis-in-issue-description", Warning);
}

pub fn check(cx: &BodyContext, out: &mut Vec<Diagnostic>) {
    for (event, range) in &cx.issue_events {
        let what = match event {
            Event::Start(Tag::Strong) => "bold",
            Event::Start(Tag::Emphasis) => "italic",
            _ => continue,
        };
        out.push(
            Diagnostic::new(
                EMPHASIS_IN_ISSUE_DESCRIPTION,
                cx.file,
                format!("{what} text inside issueDescription is shown with its asterisks"),
            )
            .at(range.clone())
            .help("keep issueDescription to plain text and tokens"),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::check::rules::body::run_on;

    #[test]
    fn bold_inside_warns() {
        let a = "<properties a=\"b\" />\n# T\n<!--issueDescription-->The VM is **stopped**.<!--/issueDescription-->\n";
        assert_eq!(run_on(a, check).len(), 1);
    }

    #[test]
    fn plain_section_passes() {
        let a = "<properties a=\"b\" />\n# T\n<!--issueDescription-->The VM <!--$vm-->x<!--/$vm--> is stopped.<!--/issueDescription-->\n\n**Bold** below.\n";
        assert!(run_on(a, check).is_empty());
    }
}
