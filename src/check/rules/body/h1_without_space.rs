use std::ops::Range;

use crate::base::diagnostic::Diagnostic;

use super::BodyContext;

declare_rule! {
    /// The title line has no space after `#` (`#Title`), so it is a paragraph, not an H1.
    ///
    /// Why: Markdown needs a space after the `#`; without one the article has no title and the
    /// `#` is shown as text.
    /// Example: `#Restore limitations`.
    pub H1_WITHOUT_SPACE = ("SH302", "h1-without-space", Warning);
}

/// The first `#Title` line when the article has no real H1.
pub fn find(cx: &BodyContext) -> Option<Range<usize>> {
    if cx.headings.iter().any(|h| h.level == 1) {
        return None;
    }
    cx.lines()
        .find(|(range, line)| {
            let mut chars = line.chars();
            chars.next() == Some('#')
                && chars.next().is_some_and(|c| c != '#' && !c.is_whitespace())
                && !cx.in_code(range.start)
        })
        .map(|(range, _)| range)
}

pub fn check(cx: &BodyContext, out: &mut Vec<Diagnostic>) {
    if let Some(span) = find(cx) {
        out.push(
            Diagnostic::new(
                H1_WITHOUT_SPACE,
                cx.file,
                "the title line has no space after `#`, so it is not a heading",
            )
            .at(span.start..span.start + 1)
            .help("write `# Title`"),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::check::rules::body::run_on;

    #[test]
    fn hash_without_space_warns() {
        let d = run_on("<properties a=\"b\" />\n#Title\n", check);
        assert_eq!(d.len(), 1);
    }

    #[test]
    fn proper_h1_passes() {
        assert!(run_on("<properties a=\"b\" />\n# Title\n#tag\n", check).is_empty());
    }
}
