use crate::base::diagnostic::Diagnostic;

use super::BodyContext;

declare_rule! {
    /// The article has no H1 (`# Title`) after its header.
    ///
    /// Why: the authoring templates require an H1 in every article, even where the portal does
    /// not show it. A warning, not an error: where it is missing the portal and shelf's pages
    /// show pageTitle (whose absence is SH101, an error). Not reported for
    /// partnercenterquickstart articles, whose body is fields with no title by design, nor
    /// when the title is written above the header (SH005 says so).
    /// Example: a header followed directly by `## Steps`.
    pub MISSING_H1 = ("SH301", "missing-h1", Warning);
}

pub fn check(cx: &BodyContext, out: &mut Vec<Diagnostic>) {
    if cx.headings.iter().any(|h| h.level == 1) || super::h1_without_space::find(cx).is_some() {
        return;
    }
    // The title written above the header is SH005's to report: one mistake, one problem.
    let above_header = &cx.text[..cx.header_span.start];
    if above_header
        .lines()
        .any(|l| l.trim_start().starts_with("# ") || l.trim_start().starts_with("#\t"))
    {
        return;
    }
    // An article type with no title by design: its body is fields, not a page.
    if cx.meta.self_help_type == crate::source::model::SelfHelpType::PartnerCenterQuickStart {
        return;
    }
    // A title indented by 4 spaces is a code block: say so, it is the usual cause.
    let indented = cx.lines().find(|(range, line)| {
        line.starts_with("    ")
            && line.trim_start().starts_with("# ")
            && cx.in_code(range.end.saturating_sub(1))
    });
    let (span, message) = match indented {
        Some((range, _)) => (
            range,
            "the article has no H1 title: the `#` line is indented, which makes it a code block",
        ),
        None => (cx.after_header(), "the article has no H1 title"),
    };
    out.push(
        Diagnostic::new(MISSING_H1, cx.file, message)
            .at(span)
            .help("add a `# Title` line, not indented, right after the header"),
    );
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::check::rules::body::run_on;

    #[test]
    fn no_h1_is_an_error() {
        let d = run_on("<properties a=\"b\" />\n## Steps\n", check);
        assert_eq!(d.len(), 1);
        assert_eq!(d[0].code, "SH301");
    }

    #[test]
    fn indented_title_is_named() {
        let d = run_on("<properties a=\"b\" />\n\n    # Title\n", check);
        assert!(d[0].message.contains("indented"), "{}", d[0].message);
    }

    #[test]
    fn h1_passes_also_setext() {
        assert!(run_on("<properties a=\"b\" />\n# Title\n", check).is_empty());
        assert!(run_on("<properties a=\"b\" />\nTitle\n=====\n", check).is_empty());
    }
}
