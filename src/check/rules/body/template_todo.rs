use crate::base::diagnostic::Diagnostic;

use super::BodyContext;

declare_rule! {
    /// Text an author meant to replace is still there: `TODO`, `TBD` or `FIXME` (in capitals,
    /// as a word), or `shelf new`'s `<fill in: ...>`, in the body outside code or in a string
    /// of the payload.
    ///
    /// Why: `shelf new` writes the article's skeleton with `TODO:` lines and payload values to
    /// replace; left in, readers see them as the article's text. Code blocks and spans are
    /// not looked at (a script may say TODO), nor lowercase words (`todo-app`).
    /// Example: `1. TODO: the first thing to try.`
    pub TEMPLATE_TODO = ("SH316", "template-todo", Error);
}

/// Searchers for the words, built once.
static FINDERS: std::sync::LazyLock<[memchr::memmem::Finder<'static>; 4]> =
    std::sync::LazyLock::new(|| {
        ["TODO", "TBD", "FIXME", "<fill in:"].map(|w| memchr::memmem::Finder::new(w).into_owned())
    });

/// The words looked for, in capitals.
const MARKERS: [&str; 3] = ["TODO", "TBD", "FIXME"];

/// Where a marker starts in `line`, as a whole word (a letter, digit or `_` on neither side;
/// `TODO_Problem`, a payload ID `shelf new` writes, counts too).
fn marker_in(line: &str) -> Option<(usize, usize)> {
    let bytes = line.as_bytes();
    for word in MARKERS {
        for (at, _) in line.match_indices(word) {
            let before = at.checked_sub(1).map(|i| bytes[i]);
            let after = bytes.get(at + word.len()).copied();
            let word_char = |b: Option<u8>| b.is_some_and(|b| b.is_ascii_alphanumeric());
            if !word_char(before) && !word_char(after) {
                return Some((at, word.len()));
            }
        }
    }
    line.find("<fill in:").map(|at| {
        let end = line[at..].find('>').map_or(line.len(), |e| at + e + 1);
        (at, end - at)
    })
}

pub fn check(cx: &BodyContext, out: &mut Vec<Diagnostic>) {
    let report = |out: &mut Vec<Diagnostic>, at: usize, len: usize| {
        out.push(
            Diagnostic::new(
                TEMPLATE_TODO,
                cx.file,
                format!(
                    "`{}` is left from the article's template: readers would see it",
                    &cx.text[at..at + len]
                ),
            )
            .at(at..at + len)
            .help("write the text it stands for, or delete the line"),
        );
    };
    // Most bodies hold none of the words: one search over each segment finds out before any
    // line is looked at.
    let candidate = |text: &str| {
        let bytes = text.as_bytes();
        FINDERS.iter().any(|f| f.find(bytes).is_some())
    };
    if cx.segments.iter().any(|s| candidate(&cx.text[s.clone()])) {
        for (range, line) in cx.lines() {
            if let Some((at, len)) = marker_in(line) {
                let at = range.start + at;
                if !cx.in_code(at) && !cx.links.iter().any(|l| l.span.contains(&at)) {
                    report(out, at, len);
                }
            }
        }
    }
    // In the payload, only inside string values.
    if let Some(payload) = cx
        .payload
        .as_ref()
        .filter(|p| candidate(&cx.text[(*p).clone()]))
    {
        let json = &cx.text[payload.clone()];
        let mut start = payload.start;
        for line in json.split_inclusive('\n') {
            if let Some((at, len)) = marker_in(line)
                && line[..at].matches('"').count() % 2 == 1
            {
                report(out, start + at, len);
            }
            start += line.len();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::check::rules::body::run_on;

    #[test]
    fn template_todos_are_found() {
        for body in [
            "TODO: one sentence.\n",
            "1. TODO: the first thing to try.\n",
            "- [TODO: a document title](https://learn.microsoft.com/)\n",
            "Owner: TBD\n",
            "FIXME\n",
            "Value: <fill in: the value>\n",
        ] {
            let d = run_on(&format!("<properties a=\"b\" />\n# T\n\n{body}"), check);
            assert_eq!(d.len(), 1, "{body}");
        }
    }

    #[test]
    fn code_lowercase_and_links_are_not_todos() {
        for body in [
            "Run `TODO` in the shell.\n",
            "```\n# TODO: clean up\n```\n",
            "See the [todo app](https://github.com/Microsoft/todo-app-java-on-azure).\n",
            "Use TODOS and MYTODO as names.\n",
        ] {
            let d = run_on(&format!("<properties a=\"b\" />\n# T\n\n{body}"), check);
            assert!(d.is_empty(), "{body}: {d:?}");
        }
    }
}
