use crate::base::diagnostic::Diagnostic;

use super::BodyContext;

declare_rule! {
    /// A lower heading (`##`, `###`...) comes before the H1.
    ///
    /// Why: the H1 is the title and opens the article; a section before it is usually a title
    /// written at the wrong level, or a section pasted above the title.
    /// Example: `## Overview` on the line after the header, `# Title` below it.
    pub HEADING_BEFORE_H1 = ("SH304", "heading-before-h1", Warning);
}

pub fn check(cx: &BodyContext, out: &mut Vec<Diagnostic>) {
    let Some(h1) = cx.headings.iter().position(|h| h.level == 1) else {
        return;
    };
    if let Some(first) = cx.headings[..h1].first() {
        out.push(
            Diagnostic::new(
                HEADING_BEFORE_H1,
                cx.file,
                format!("an H{} comes before the H1 title", first.level),
            )
            .at(first.span.start..first.span.start + first.raw.len())
            .help("start the body with the `# Title`, then the sections"),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::check::rules::body::run_on;

    #[test]
    fn section_before_title_warns() {
        assert_eq!(
            run_on("<properties a=\"b\" />\n## A\n# T\n", check).len(),
            1
        );
    }

    #[test]
    fn title_first_passes() {
        assert!(run_on("<properties a=\"b\" />\n# T\n## A\n", check).is_empty());
    }
}
