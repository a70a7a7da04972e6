use std::ops::Range;

use crate::body::Marker;
use crate::diagnostic::Diagnostic;

use super::BodyContext;

declare_rule! {
    /// issueDescription tags are unbalanced (opened twice, closed without opening, never
    /// closed) or malformed (`<!--issueDescription>`, `<!issueDescription-->`).
    ///
    /// Why: the portal cuts the section out by its exact tags; a broken tag shows the whole
    /// body, or nothing, as the finding.
    /// Example: `<!--issueDescription-->Found a problem.` with no closing tag.
    pub UNBALANCED_ISSUE_DESCRIPTION = ("SH321", "unbalanced-issue-description", Error);
}

/// Mentions of `issueDescription` that look like a tag but are not a well-formed marker.
pub fn malformed_tags(cx: &BodyContext) -> Vec<Range<usize>> {
    let mut found = Vec::new();
    for seg in &cx.segments {
        let lower = cx.text[seg.clone()].to_ascii_lowercase();
        for (i, _) in lower.match_indices("issuedescription") {
            let at = seg.start + i;
            let well_formed = cx
                .marker_holding(at)
                .is_some_and(|(_, m)| matches!(m, Marker::IssueOpen | Marker::IssueClose));
            let tag_like = lower[lower.floor_char_boundary(i.saturating_sub(6))..i].contains('<')
                || lower[i + 16..].trim_start().starts_with("--");
            if !well_formed && tag_like && !cx.in_code(at) {
                let start = seg.start + lower[..i].rfind('<').filter(|&s| i - s <= 6).unwrap_or(i);
                found.push(start..at + 16);
            }
        }
    }
    found
}

pub fn check(cx: &BodyContext, out: &mut Vec<Diagnostic>) {
    let report = |out: &mut Vec<Diagnostic>, span: Range<usize>, message: &str, help: &str| {
        out.push(
            Diagnostic::new(UNBALANCED_ISSUE_DESCRIPTION, cx.file, message)
                .at(span)
                .help(help),
        );
    };
    for span in malformed_tags(cx) {
        report(
            out,
            span,
            "malformed issueDescription tag",
            "write the tags exactly as `<!--issueDescription-->` and `<!--/issueDescription-->`",
        );
    }
    let mut open: Option<Range<usize>> = None;
    for (range, marker) in &cx.markers {
        match marker {
            Marker::IssueOpen => {
                if open.is_some() {
                    report(
                        out,
                        range.clone(),
                        "issueDescription opened again before the previous one was closed",
                        "close the first section with `<!--/issueDescription-->`",
                    );
                }
                open = Some(range.clone());
            }
            Marker::IssueClose if open.take().is_none() => report(
                out,
                range.clone(),
                "issueDescription closed but never opened",
                "add `<!--issueDescription-->` where the section starts",
            ),
            _ => {}
        }
    }
    if let Some(range) = open {
        report(
            out,
            range,
            "issueDescription is never closed",
            "add `<!--/issueDescription-->` where the section ends",
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::body::run_on;

    #[test]
    fn unbalanced_and_malformed_tags_are_errors() {
        let a = "<properties a=\"b\" />\n# T\n<!--issueDescription-->x\n";
        assert_eq!(run_on(a, check).len(), 1);
        let a = "<properties a=\"b\" />\n# T\nx<!--/issueDescription-->\n";
        assert_eq!(run_on(a, check).len(), 1);
        let a = "<properties a=\"b\" />\n# T\n<!--issueDescription>x<!--/issueDescription-->\n";
        let d = run_on(a, check);
        assert!(d.iter().any(|d| d.message.contains("malformed")), "{d:?}");
    }

    #[test]
    fn balanced_section_passes() {
        let a = "<properties a=\"b\" />\n# T\n<!-- issueDescription -->x<!--/issueDescription-->\n";
        assert!(run_on(a, check).is_empty());
    }
}
