use crate::base::diagnostic::Diagnostic;

use super::{BodyContext, Heading};

declare_rule! {
    /// A "Recommended Steps" or "Recommended Documents" heading is not a bolded H2.
    ///
    /// Why: the portal finds these sections by their exact form, `## **Recommended Steps**` and
    /// `## **Recommended Documents**`; another level or no bold and the section is not
    /// recognised. The variants authors write are all found: another level, no bold, the
    /// singular (`Recommended Step`), `Docs`, a trailing `:` or `.`, closing `#`s, a bold
    /// paragraph instead of a heading (`**Recommended Steps**`), and no space after the `#`s
    /// (`##Recommended Steps`, which is a paragraph).
    /// Example: `### Recommended Steps` or `## Recommended documents`.
    pub RECOMMENDED_HEADING = ("SH305", "recommended-heading-form", Warning);
}

/// "Recommended Steps" or "Recommended Documents", in its canonical spelling, when the heading
/// is one of them.
pub fn recommended_section(h: &Heading) -> Option<&'static str> {
    section_named(&h.text)
}

/// The section `text` names, ignoring case, spacing, the singular and trailing punctuation.
fn section_named(text: &str) -> Option<&'static str> {
    // Quick: the names are 16 to 25 characters; most headings are not them.
    let len = text.trim().len();
    if !(15..=40).contains(&len) || !text.trim_start().as_bytes()[0].eq_ignore_ascii_case(&b'r') {
        return None;
    }
    let words: Vec<String> = text
        .trim()
        .trim_end_matches([':', '.', ' '])
        .split_whitespace()
        .map(str::to_ascii_lowercase)
        .collect();
    match words
        .iter()
        .map(String::as_str)
        .collect::<Vec<_>>()
        .as_slice()
    {
        ["recommended", "steps" | "step"] => Some("Recommended Steps"),
        ["recommended", "documents" | "document" | "docs" | "doc"] => Some("Recommended Documents"),
        _ => None,
    }
}

/// Whether a heading's text is all bold: `## **...**` (or `__...__`).
pub fn is_bold(h: &Heading) -> bool {
    // Closing `#`s are not part of the text.
    let inner = h.raw.trim_start_matches('#').trim();
    let inner = inner.trim_end_matches('#').trim_end();
    ["**", "__"].iter().any(|m| {
        inner.len() > 4
            && inner.starts_with(m)
            && inner.ends_with(m)
            && !inner[2..inner.len() - 2].contains(m)
    })
}

pub fn check(cx: &BodyContext, out: &mut Vec<Diagnostic>) {
    for h in &cx.headings {
        let Some(name) = recommended_section(h) else {
            continue;
        };
        let exact = h.text.trim().eq(name);
        let problem = match (h.level, is_bold(h)) {
            (2, true) if exact => continue,
            (2, true) => format!("is spelled `{}`", h.text.trim()),
            (2, false) => "is not bold".to_string(),
            (level, _) => format!("is an H{level}, not an H2"),
        };
        out.push(
            Diagnostic::new(
                RECOMMENDED_HEADING,
                cx.file,
                format!("the \"{name}\" heading {problem}"),
            )
            .at(h.span.start..h.span.start + h.raw.len())
            .help(format!("write it as `## **{name}**`")),
        );
    }
}

/// The lines that name a section but are no heading at all: a bold paragraph
/// (`**Recommended Steps**`), or `#`s with no space after them (`##Recommended Steps`).
pub fn check_lines(cx: &BodyContext, out: &mut Vec<Diagnostic>) {
    for (range, line) in cx.lines() {
        // Quick: only a line that starts (after spaces) with `#`, `*` or `_` can be one.
        let first = line.bytes().find(|b| !b.is_ascii_whitespace());
        if !matches!(first, Some(b'#' | b'*' | b'_')) {
            continue;
        }
        let t = line.trim();
        let (inner, problem) = if let Some(rest) = t.strip_prefix('#') {
            let rest = rest.trim_start_matches('#');
            if rest.starts_with([' ', '\t']) || rest.is_empty() {
                continue;
            }
            (
                rest,
                "has no space after its `#`s, so it is a paragraph, not a heading",
            )
        } else if (t.starts_with("**") && t.ends_with("**"))
            || (t.starts_with("__") && t.ends_with("__"))
        {
            (
                &t[2..t.len().saturating_sub(2).max(2)],
                "is a bold paragraph, not a heading",
            )
        } else {
            continue;
        };
        let inner = inner.trim_matches(['*', '_', ' ']);
        let Some(name) = section_named(inner) else {
            continue;
        };
        if cx.in_code(range.start) || cx.headings.iter().any(|h| h.span.contains(&range.start)) {
            continue;
        }
        out.push(
            Diagnostic::new(
                RECOMMENDED_HEADING,
                cx.file,
                format!("the \"{name}\" line {problem}"),
            )
            .at(range.start + (line.len() - line.trim_start().len())..range.end)
            .help(format!("write it as `## **{name}**`")),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::check::rules::body::run_on;

    #[test]
    fn wrong_forms_warn() {
        let d = run_on(
            "<properties a=\"b\" />\n# T\n### Recommended Steps\n## recommended documents\n",
            check,
        );
        assert_eq!(d.len(), 2);
        assert!(d[0].message.contains("H3"));
        assert!(d[1].message.contains("not bold"));
    }

    #[test]
    fn variants_of_the_heading_are_found() {
        let h = "<properties a=\"b\" />\n# T\n";
        let cases = [
            ("## **Recommended Step**\n", "spelled"),
            ("## **Recommended Docs**\n", "spelled"),
            ("## **recommended steps**\n", "spelled"),
            ("## Recommended Steps:\n", "not bold"),
            ("#### **Recommended Documents**\n", "H4"),
            ("**Recommended Steps**\n", "bold paragraph"),
            ("__Recommended Documents:__\n", "bold paragraph"),
            ("##Recommended Steps\n", "no space"),
            ("##**Recommended Steps**\n", "no space"),
        ];
        for (line, says) in cases {
            let text = format!("{h}{line}");
            let mut d = run_on(&text, check);
            d.extend(run_on(&text, check_lines));
            assert_eq!(d.len(), 1, "{line:?}: {d:?}");
            assert!(d[0].message.contains(says), "{line:?}: {}", d[0].message);
        }
        // Closing `#`s are allowed, and other headings are not these sections.
        for line in [
            "## **Recommended Steps** ##\n",
            "## **Recommended Steps**\n",
            "**Recommended next steps**\n",
            "## Steps\n",
        ] {
            let text = format!("{h}{line}");
            let mut d = run_on(&text, check);
            d.extend(run_on(&text, check_lines));
            assert!(d.is_empty(), "{line:?}: {d:?}");
        }
    }

    #[test]
    fn bolded_h2_passes() {
        let a =
            "<properties a=\"b\" />\n# T\n## **Recommended Steps**\n## **Recommended Documents**\n";
        assert!(run_on(a, check).is_empty());
    }
}
