use pulldown_cmark::{Event, Tag};

use crate::base::diagnostic::Diagnostic;

use super::BodyContext;

declare_rule! {
    /// The body holds a Markdown table.
    ///
    /// Why: the support portal does not render tables; readers see the raw pipes.
    /// Example: `| Setting | Value |` followed by `|---|---|`.
    pub TABLE = ("SH307", "table", Warning);
}

pub fn check(cx: &BodyContext, out: &mut Vec<Diagnostic>) {
    for (event, range) in &cx.events {
        if let Event::Start(Tag::Table(_)) = event {
            let first_line = cx.text[range.clone()].lines().next().unwrap_or("").len();
            out.push(
                Diagnostic::new(TABLE, cx.file, "tables are not rendered by the portal")
                    .at(range.start..range.start + first_line)
                    .help("use a list, or one short paragraph per row"),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::check::rules::body::run_on;

    #[test]
    fn table_warns() {
        let a = "<properties a=\"b\" />\n# T\n\n| a | b |\n|---|---|\n| 1 | 2 |\n";
        assert_eq!(run_on(a, check).len(), 1);
    }

    #[test]
    fn pipes_in_text_pass() {
        assert!(run_on("<properties a=\"b\" />\n# T\n\nuse a | b\n", check).is_empty());
    }
}
