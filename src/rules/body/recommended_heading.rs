use crate::diagnostic::Diagnostic;

use super::{BodyContext, Heading};

declare_rule! {
    /// A "Recommended Steps" or "Recommended Documents" heading is not a bolded H2.
    ///
    /// Why: the portal finds these sections by their exact form, `## **Recommended Steps**` and
    /// `## **Recommended Documents**`; another level or no bold and the section is not
    /// recognised.
    /// Example: `### Recommended Steps` or `## Recommended documents`.
    pub RECOMMENDED_HEADING = ("SH305", "recommended-heading-form", Warning);
}

/// "Recommended Steps" or "Recommended Documents", in its canonical spelling, when the heading
/// is one of them.
pub fn recommended_section(h: &Heading) -> Option<&'static str> {
    let text = h.text.trim_end_matches([':', ' ']);
    ["Recommended Steps", "Recommended Documents"]
        .into_iter()
        .find(|name| text.eq_ignore_ascii_case(name))
}

/// Whether a heading's text is all bold: `## **...**` (or `__...__`).
pub fn is_bold(h: &Heading) -> bool {
    let inner = h.raw.trim_start_matches('#').trim();
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
        let problem = match (h.level, is_bold(h)) {
            (2, true) => continue,
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::body::run_on;

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
    fn bolded_h2_passes() {
        let a =
            "<properties a=\"b\" />\n# T\n## **Recommended Steps**\n## **Recommended Documents**\n";
        assert!(run_on(a, check).is_empty());
    }
}
