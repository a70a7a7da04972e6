use std::ops::Range;

use crate::base::diagnostic::Diagnostic;
use crate::source::body::Marker;

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

/// Where `issueDescription` is written in a tag-like way (`<!--issueDescription>`,
/// `<!issueDescription-->`, `<!--issue description-->`, `<!--issue-description-->`,
/// `<!--/ issueDescription-->`, `<!--issueDescriptions-->`) but is no well-formed marker: the
/// span of each. A token whose name holds the words (`<!--$CustomerIssueDescription-->`) is a
/// marker of its own and not one of these.
pub fn malformed_tags(cx: &BodyContext) -> Vec<Range<usize>> {
    let mut found = Vec::new();
    for seg in &cx.segments {
        let lower = cx.text[seg.clone()].to_ascii_lowercase();
        for (i, _) in lower.match_indices("issue") {
            let Some(len) = issue_description_at(&lower[i..]) else {
                continue;
            };
            let at = seg.start + i;
            if cx.marker_holding(at).is_some() || cx.in_code(at) {
                continue;
            }
            let before = &lower[lower.floor_char_boundary(i.saturating_sub(6))..i];
            let tag_like = before.contains('<')
                || lower[i + len..].trim_start().starts_with("--")
                || lower[i + len..].trim_start().starts_with('>');
            if tag_like {
                let start = seg.start + lower[..i].rfind('<').filter(|&s| i - s <= 6).unwrap_or(i);
                found.push(start..at + len);
            }
        }
    }
    found
}

/// The length of `issue` + `description` at the start of `s` (lowercase), written together or
/// with up to two spaces, `-` or `_` between, with or without a final `s`.
fn issue_description_at(s: &str) -> Option<usize> {
    let rest = s.strip_prefix("issue")?;
    let gap = rest
        .bytes()
        .take(2)
        .take_while(|b| matches!(b, b' ' | b'\t' | b'-' | b'_'))
        .count();
    let rest = rest[gap..].strip_prefix("description")?;
    let plural = usize::from(rest.starts_with('s'));
    Some(5 + gap + 11 + plural)
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
    // The section's tags in order: true opens, false closes. Authors swap them in two ways,
    // each one mistake and reported once: the closing tag written twice (first as the
    // opener), or the opening tag written twice (second as the closer).
    let tags: Vec<(Range<usize>, bool)> = cx
        .markers
        .iter()
        .filter_map(|(range, marker)| match marker {
            Marker::IssueOpen => Some((range.clone(), true)),
            Marker::IssueClose => Some((range.clone(), false)),
            _ => None,
        })
        .collect();
    let mut i = 0;
    while i < tags.len() {
        let (range, opens) = &tags[i];
        let next = tags.get(i + 1).map(|(_, opens)| *opens);
        let after_next = tags.get(i + 2).map(|(_, opens)| *opens);
        match (opens, next) {
            (true, Some(false)) => i += 2,
            (true, Some(true)) if after_next == Some(false) => {
                report(
                    out,
                    tags[i + 1].0.clone(),
                    "issueDescription opened again before the previous one was closed",
                    "close the first section with `<!--/issueDescription-->`",
                );
                i += 1;
            }
            (true, Some(true)) => {
                report(
                    out,
                    tags[i + 1].0.clone(),
                    "this issueDescription is closed with the opening tag",
                    "write the closing tag here: `<!--/issueDescription-->`",
                );
                i += 2;
            }
            (true, None) => {
                report(
                    out,
                    range.clone(),
                    "issueDescription is never closed",
                    "add `<!--/issueDescription-->` where the section ends",
                );
                i += 1;
            }
            (false, Some(false)) => {
                report(
                    out,
                    range.clone(),
                    "this issueDescription opens with the closing tag",
                    "write the opening tag here: `<!--issueDescription-->`",
                );
                i += 2;
            }
            (false, _) => {
                report(
                    out,
                    range.clone(),
                    "issueDescription closed but never opened",
                    "add `<!--issueDescription-->` where the section starts",
                );
                i += 1;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::check::rules::body::run_on;

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
    fn swapped_tags_are_one_problem_each() {
        let h = "<properties a=\"b\" />\n# T\n";
        let cases = [
            (
                "<!--/issueDescription-->\nx\n<!--/issueDescription-->\n",
                "opens with the closing tag",
            ),
            (
                "<!--issueDescription-->\nx\n<!--issueDescription-->\n",
                "closed with the opening tag",
            ),
            (
                "<!--issueDescription-->a<!--issueDescription-->b<!--/issueDescription-->\n",
                "opened again",
            ),
            ("<!--/issueDescription-->x\n", "never opened"),
        ];
        for (body, says) in cases {
            let d = run_on(&format!("{h}{body}"), check);
            assert_eq!(d.len(), 1, "{body}: {d:?}");
            assert!(d[0].message.contains(says), "{body}: {}", d[0].message);
        }
    }

    #[test]
    fn variants_of_the_tag_are_malformed_and_token_names_are_not() {
        let h = "<properties a=\"b\" />\n# T\n";
        for tag in [
            "<!--issue description-->",
            "<!--issue-description-->",
            "<!--Issue_Description-->",
            "<!--issueDescriptions-->",
            "<!--/ issueDescription-->",
            "<!--issueDescription>",
            "<!issueDescription-->",
        ] {
            let d = run_on(&format!("{h}{tag}\nx\n"), check);
            assert!(
                d.iter().any(|d| d.message.contains("malformed")),
                "{tag}: {d:?}"
            );
        }
        let token = format!(
            "{h}<!--issueDescription-->\n<!--$CustomerIssueDescription-->[x]<!--/$CustomerIssueDescription-->\n<!--/issueDescription-->\n"
        );
        assert!(run_on(&token, check).is_empty());
        // Prose about the section is no tag.
        assert!(run_on(&format!("{h}Check the issue description first.\n"), check).is_empty());
    }

    #[test]
    fn balanced_section_passes() {
        let a = "<properties a=\"b\" />\n# T\n<!-- issueDescription -->x<!--/issueDescription-->\n";
        assert!(run_on(a, check).is_empty());
    }
}
