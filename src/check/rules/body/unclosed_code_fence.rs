use crate::base::diagnostic::Diagnostic;

use super::BodyContext;

declare_rule! {
    /// A fenced code block is never closed.
    ///
    /// Why: everything after the opening fence, to the end of the article (or of the list item
    /// or quote the fence is in), is shown as code. A closing fence may be indented up to three
    /// spaces more than its container and followed by spaces or tabs, as CommonMark says.
    /// Example: ```` ``` ```` before a command, and no closing ```` ``` ````.
    pub UNCLOSED_CODE_FENCE = ("SH313", "unclosed-code-fence", Error);
}

pub fn check(cx: &BodyContext, out: &mut Vec<Diagnostic>) {
    for (range, closed) in &cx.fences {
        if *closed {
            continue;
        }
        let raw = &cx.text[range.clone()];
        let opening = raw.lines().next().unwrap_or("").trim_start();
        let fence_char = opening.chars().next().unwrap_or('`');
        let fence_len = opening.chars().take_while(|&c| c == fence_char).count();
        // Inside a list item or a quote the block ends where that ends, not at the end of
        // the article.
        let segment_end = cx
            .segments
            .iter()
            .find(|s| s.contains(&range.start))
            .map_or(cx.text.len(), |s| s.end);
        let runs_to_the_end = cx.text[range.end..segment_end].trim().is_empty();
        let message = if runs_to_the_end {
            "this code block is never closed; the rest of the article is shown as code"
        } else {
            "this code block is never closed; everything to the end of the list item or quote \
             it is in is shown as code (a closing fence less indented than the item does not \
             close it)"
        };
        let start = range.start + (raw.len() - raw.trim_start().len());
        out.push(
            Diagnostic::new(UNCLOSED_CODE_FENCE, cx.file, message)
                .at(start..start + opening.len())
                .help(format!(
                    "close it with a `{}` line, indented no more than three spaces past the \
                     list item or quote it is in",
                    opening.get(..fence_len).unwrap_or("```")
                )),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::check::rules::body::run_on;

    #[test]
    fn unclosed_fence_is_an_error() {
        let a = "<properties a=\"b\" />\n# T\n\n```\nls\n\nmore text\n";
        assert_eq!(run_on(a, check).len(), 1);
    }

    #[test]
    fn a_closing_fence_indented_four_spaces_does_not_close_and_tabs_after_one_do() {
        let a = "<properties a=\"b\" />\n# T\n\n```\nls\n    ```\n";
        assert_eq!(run_on(a, check).len(), 1);
        let a = "<properties a=\"b\" />\n# T\n\n```\nls\n```\t\t\n\nafter\n";
        assert!(run_on(a, check).is_empty());
        let a = "<properties a=\"b\" />\n# T\n\n```\n```\n";
        assert!(run_on(a, check).is_empty(), "an empty block");
    }

    #[test]
    fn closed_fences_pass() {
        let a = "<properties a=\"b\" />\n# T\n\n```\nls\n```\n\n~~~~\nx\n~~~~\n";
        assert!(run_on(a, check).is_empty());
    }
}
