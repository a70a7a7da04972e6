use pulldown_cmark::{Event, Tag, TagEnd};

use crate::base::diagnostic::Diagnostic;

use super::BodyContext;

declare_rule! {
    /// A list is nested more than 2 levels deep.
    ///
    /// Why: the portal renders at most two levels of list; deeper items lose their indentation
    /// and read as part of the level above.
    /// Example: `- a` / `  - b` / `    - c`.
    pub LIST_TOO_DEEP = ("SH310", "list-too-deep", Warning);
}

pub fn check(cx: &BodyContext, out: &mut Vec<Diagnostic>) {
    let mut depth = 0;
    for (event, range) in &cx.events {
        match event {
            Event::Start(Tag::List(_)) => {
                depth += 1;
                if depth == 3 {
                    let line = cx.text[range.clone()].lines().next().unwrap_or("");
                    out.push(
                        Diagnostic::new(
                            LIST_TOO_DEEP,
                            cx.file,
                            "this list is nested 3 levels deep; the portal shows at most 2",
                        )
                        .at(range.start..range.start + line.len())
                        .help("flatten it: move the third level into the text of its parent item"),
                    );
                }
            }
            Event::End(TagEnd::List(_)) => depth -= 1,
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::check::rules::body::run_on;

    #[test]
    fn third_level_warns_once() {
        let a = "<properties a=\"b\" />\n# T\n\n- a\n  - b\n    - c\n    - d\n";
        assert_eq!(run_on(a, check).len(), 1);
    }

    #[test]
    fn two_levels_pass() {
        let a = "<properties a=\"b\" />\n# T\n\n- a\n  - b\n- c\n";
        assert!(run_on(a, check).is_empty());
    }
}
