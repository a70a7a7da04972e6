use crate::base::diagnostic::Diagnostic;
use crate::check::rules::metadata::context::ArticleContext;

declare_rule! {
    /// A header value spans several lines.
    ///
    /// Why: it is usually a quote that was never closed, which swallows the next keys; where it
    /// is deliberate, the line break still ends up inside a page title or an ID list.
    /// Example: `description="Restore` on one line and `limits"` on the next.
    pub MULTILINE_VALUE = ("SH012", "multiline-value", Warning);
}

pub fn check(cx: &ArticleContext, out: &mut Vec<Diagnostic>) {
    for p in &cx.meta.properties {
        let raw = &cx.text[p.value.span.clone()];
        if raw.contains('\n') {
            out.push(
                Diagnostic::new(
                    MULTILINE_VALUE,
                    cx.file,
                    format!("the value of `{}` spans several lines", p.key.value),
                )
                .at(p.value.span.clone())
                .help("keep each value on one line, and check that its quotes are balanced"),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::check::rules::metadata::context::run_on;

    #[test]
    fn value_over_two_lines_warns() {
        let d = run_on("description=\"a\n b\"", check);
        assert_eq!(d.len(), 1);
    }

    #[test]
    fn one_line_values_pass() {
        assert!(run_on("description=\"a b\" pageTitle=\"c\"", check).is_empty());
    }
}
