use pulldown_cmark::{CodeBlockKind, Event, Tag};

use crate::diagnostic::Diagnostic;

use super::BodyContext;

declare_rule! {
    /// A fenced code block is never closed.
    ///
    /// Why: everything after the opening fence, to the end of the article, is shown as code.
    /// Example: ```` ``` ```` before a command, and no closing ```` ``` ````.
    pub UNCLOSED_CODE_FENCE = ("SH313", "unclosed-code-fence", Error);
}

pub fn check(cx: &BodyContext, out: &mut Vec<Diagnostic>) {
    for (event, range) in &cx.events {
        let Event::Start(Tag::CodeBlock(CodeBlockKind::Fenced(_))) = event else {
            continue;
        };
        let raw = &cx.text[range.clone()];
        let mut lines = raw.lines();
        let opening = lines.next().unwrap_or("").trim_start();
        let fence_char = opening.chars().next().unwrap_or('`');
        let fence_len = opening.chars().take_while(|&c| c == fence_char).count();
        let closed = lines.next_back().is_some_and(|last| {
            let last = last.trim();
            last.len() >= fence_len && last.chars().all(|c| c == fence_char)
        });
        if !closed {
            out.push(
                Diagnostic::new(
                    UNCLOSED_CODE_FENCE,
                    cx.file,
                    "this code block is never closed; the rest of the article is shown as code",
                )
                .at(range.start..range.start + opening.len())
                .help(format!(
                    "close it with a `{}` line",
                    opening.get(..fence_len).unwrap_or("```")
                )),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::body::run_on;

    #[test]
    fn unclosed_fence_is_an_error() {
        let a = "<properties a=\"b\" />\n# T\n\n```\nls\n\nmore text\n";
        assert_eq!(run_on(a, check).len(), 1);
    }

    #[test]
    fn closed_fences_pass() {
        let a = "<properties a=\"b\" />\n# T\n\n```\nls\n```\n\n~~~~\nx\n~~~~\n";
        assert!(run_on(a, check).is_empty());
    }
}
