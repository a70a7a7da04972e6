use pulldown_cmark::{CodeBlockKind, Event, Tag};

use crate::base::diagnostic::Diagnostic;

use super::BodyContext;

declare_rule! {
    /// A fenced code block names a language (```` ```powershell ````).
    ///
    /// Why: the portal does not highlight code, and some of its renderers show the language
    /// name as the first line of the block.
    /// Example: ```` ```bash ```` instead of ```` ``` ````.
    pub CODE_FENCE_LANGUAGE = ("SH312", "code-fence-language", Warning);
}

pub fn check(cx: &BodyContext, out: &mut Vec<Diagnostic>) {
    for (event, range) in &cx.events {
        if let Event::Start(Tag::CodeBlock(CodeBlockKind::Fenced(info))) = event
            && !info.trim().is_empty()
        {
            let line = cx.text[range.clone()].lines().next().unwrap_or("");
            out.push(
                Diagnostic::new(
                    CODE_FENCE_LANGUAGE,
                    cx.file,
                    format!("the code block names a language (`{}`)", info.trim()),
                )
                .at(range.start..range.start + line.len())
                .help("drop the language after the opening fence"),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::check::rules::body::run_on;

    #[test]
    fn language_warns() {
        let a = "<properties a=\"b\" />\n# T\n\n```bash\nls\n```\n";
        assert_eq!(run_on(a, check).len(), 1);
    }

    #[test]
    fn bare_fence_passes() {
        let a = "<properties a=\"b\" />\n# T\n\n```\nls\n```\n";
        assert!(run_on(a, check).is_empty());
    }
}
