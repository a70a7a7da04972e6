//! Suppressions written in an article, in the HTML-comment grammar authors already use for
//! markdownlint:
//!
//! ```markdown
//! <!-- shelf-disable-next-line SH307 -- the portal renders this table -->
//! <!-- shelf-disable-line table -->                 (the comment's own line)
//! <!-- shelf-disable SH305, SH311 -->  ...  <!-- shelf-enable SH305, SH311 -->
//! <!-- shelf-disable-file SH103 -- legacy keys kept for the importer -->
//! ```
//!
//! Rules are named by code or name, separated by spaces or commas; none names every rule. A
//! reason may follow `--`. A suppression that suppresses nothing is reported (SH018), and so is
//! one naming a rule that does not exist (SH019). Problems that keep a file from being read at
//! all (not UTF-8, no header, too large...) are never suppressed: a comment cannot be trusted in
//! a file that was not read. Comments inside fenced code are examples, not suppressions.

use std::ops::Range;

use crate::base::diagnostic::Diagnostic;

declare_rule! {
    /// A `shelf-disable` comment suppresses nothing.
    ///
    /// Why: the problem it was written for is gone (or it names the wrong rule or line); left
    /// in, it would hide the next real problem there. Example: `<!-- shelf-disable-next-line
    /// SH307 -->` above a paragraph that holds no table.
    pub UNUSED_SUPPRESSION = ("SH018", "unused-suppression", Warning);
}

declare_rule! {
    /// A `shelf-disable` comment names a rule that does not exist.
    ///
    /// Why: a misspelled rule suppresses nothing, and the problem it was meant for still fails
    /// the check. Example: `<!-- shelf-disable-next-line SH3O7 -->` (a letter O).
    pub UNKNOWN_RULE_IN_SUPPRESSION = ("SH019", "unknown-rule-in-suppression", Warning);
}

/// Whether an inline comment can suppress the rule `code` (those that keep a file from being
/// read cannot).
pub fn suppressible(code: &str) -> bool {
    !UNSUPPRESSIBLE.contains(&code)
}

/// The rules that keep a file from being read: never suppressed.
const UNSUPPRESSIBLE: [&str; 7] = [
    crate::base::source_rules::FILE_UNREADABLE.code,
    crate::base::source_rules::FILE_NOT_UTF8.code,
    crate::base::source_rules::HEADER_NOT_FOUND.code,
    crate::base::source_rules::HEADER_NOT_CLOSED.code,
    crate::base::source_rules::EMPTY_FILE.code,
    crate::source::read::FILE_TOO_LARGE.code,
    crate::base::source_rules::SYMLINK_OUTSIDE_SOURCE.code,
];

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Scope {
    NextLine,
    Line,
    Disable,
    Enable,
    File,
}

#[derive(Debug, Clone)]
struct Directive {
    scope: Scope,
    /// Rule codes; empty for every rule.
    rules: Vec<&'static str>,
    /// 1-based line of the comment.
    line: usize,
    span: Range<usize>,
}

/// The suppressions of one file, read from its text.
#[derive(Debug, Clone, Default)]
pub struct Suppressions {
    directives: Vec<Directive>,
    /// Problems with the comments themselves (unknown rules).
    problems: Vec<(Range<usize>, usize, String)>,
}

impl Suppressions {
    /// Reads the suppression comments of `text` (the whole file).
    pub fn parse(text: &str) -> Suppressions {
        let mut out = Suppressions::default();
        if memchr::memmem::find(text.as_bytes(), b"shelf-").is_none() {
            return out;
        }
        let mut line_no = 0;
        let mut at = 0;
        let mut fence: Option<(u8, usize)> = None;
        for line in text.split_inclusive('\n') {
            line_no += 1;
            let start = at;
            at += line.len();
            let trimmed = line.trim_start();
            let indent = line.len() - trimmed.len();
            // Fenced code: from a line of three or more backticks or tildes to its like.
            let fence_char = trimmed.bytes().next().filter(|b| *b == b'`' || *b == b'~');
            if let Some(c) = fence_char.filter(|_| indent < 4) {
                let len = trimmed.bytes().take_while(|&b| b == c).count();
                if len >= 3 {
                    match fence {
                        None => fence = Some((c, len)),
                        Some((open, open_len))
                            if open == c && len >= open_len && trimmed[len..].trim().is_empty() =>
                        {
                            fence = None
                        }
                        _ => {}
                    }
                    continue;
                }
            }
            if fence.is_some() {
                continue;
            }
            let mut from = 0;
            while let Some(i) = line[from..].find("<!--") {
                let open = from + i;
                // `<!-->` and `<!--->` are whole (empty) comments in HTML; otherwise the
                // comment ends at the first `-->` after its opening.
                let close = match &line[open..] {
                    rest if rest.starts_with("<!-->") => Some(open + 2),
                    rest if rest.starts_with("<!--->") => Some(open + 3),
                    _ => line[open + 4..].find("-->").map(|c| open + 4 + c),
                };
                let Some(close) = close else {
                    break;
                };
                out.read(
                    line.get(open + 4..close).unwrap_or(""),
                    line_no,
                    start + open..start + close + 3,
                );
                from = close + 3;
            }
        }
        out
    }

    fn read(&mut self, comment: &str, line: usize, span: Range<usize>) {
        let comment = comment.trim();
        let (scope, rest) = [
            ("shelf-disable-next-line", Scope::NextLine),
            ("shelf-disable-line", Scope::Line),
            ("shelf-disable-file", Scope::File),
            ("shelf-disable", Scope::Disable),
            ("shelf-enable", Scope::Enable),
        ]
        .into_iter()
        .find_map(|(word, scope)| {
            let rest = comment.strip_prefix(word)?;
            (rest.is_empty() || rest.starts_with([' ', '\t', ','])).then_some((scope, rest))
        })
        .unzip();
        let (Some(scope), Some(rest)) = (scope, rest) else {
            return;
        };
        // A reason after `--`.
        let names = rest.split_once("--").map_or(rest, |(names, _)| names);
        let mut rules = Vec::new();
        for name in names.split([' ', ',', '\t']).filter(|n| !n.is_empty()) {
            match super::levels::find(name) {
                Some(rule) => rules.push(rule.code),
                None => self.problems.push((span.clone(), line, name.to_string())),
            }
        }
        // Naming only unknown rules suppresses nothing, not everything.
        if rules.is_empty() && !names.trim().is_empty() {
            return;
        }
        self.directives.push(Directive {
            scope,
            rules,
            line,
            span,
        });
    }

    pub fn is_empty(&self) -> bool {
        self.directives.is_empty() && self.problems.is_empty()
    }

    /// Drops the diagnostics of `file` that a directive suppresses; with `report`, adds a
    /// warning for each directive that suppressed nothing and each unknown rule named. Returns
    /// how many were suppressed.
    pub fn apply(
        &self,
        file: &std::path::Path,
        diagnostics: &mut Vec<Diagnostic>,
        report: bool,
    ) -> usize {
        let mut used = vec![false; self.directives.len()];
        let before = diagnostics.len();
        diagnostics.retain(|d| {
            if d.file != file || UNSUPPRESSIBLE.contains(&d.code) {
                return true;
            }
            let line = d.start.map(|s| s.line);
            match self.suppressor(d.code, line) {
                Some(i) => {
                    used[i] = true;
                    false
                }
                None => true,
            }
        });
        let suppressed = before - diagnostics.len();
        if report {
            let locate = |d: Diagnostic, line: usize| {
                let mut d = d;
                d.start = Some(crate::base::diagnostic::LineCol { line, column: 1 });
                d
            };
            for (i, directive) in self.directives.iter().enumerate() {
                if used[i] || directive.scope == Scope::Enable {
                    continue;
                }
                let what = if directive.rules.is_empty() {
                    "any rule".to_string()
                } else {
                    directive.rules.join(", ")
                };
                diagnostics.push(locate(
                    Diagnostic::new(
                        UNUSED_SUPPRESSION,
                        file,
                        format!("this suppression of {what} suppresses nothing"),
                    )
                    .at(directive.span.clone())
                    .help("delete it: the problem it was written for is gone"),
                    directive.line,
                ));
            }
            for (span, line, name) in &self.problems {
                diagnostics.push(locate(
                    Diagnostic::new(
                        UNKNOWN_RULE_IN_SUPPRESSION,
                        file,
                        format!("`{name}` is not a rule code or name; it suppresses nothing"),
                    )
                    .at(span.clone())
                    .help("name the rule by its code (SH307) or name (table); `shelf rules` lists them"),
                    *line,
                ));
            }
        }
        suppressed
    }

    /// The directive that suppresses `code` at `line` (None for a problem with no line, which
    /// only a file directive suppresses).
    fn suppressor(&self, code: &'static str, line: Option<usize>) -> Option<usize> {
        let names = |d: &Directive| d.rules.is_empty() || d.rules.contains(&code);
        let mut region: Option<usize> = None;
        for (i, d) in self.directives.iter().enumerate() {
            match (d.scope, line) {
                (Scope::File, _) if names(d) => return Some(i),
                (Scope::NextLine, Some(l)) if l == d.line + 1 && names(d) => return Some(i),
                (Scope::Line, Some(l)) if l == d.line && names(d) => return Some(i),
                (Scope::Disable, Some(l)) if d.line < l && names(d) => region = Some(i),
                (Scope::Enable, Some(l)) if d.line < l && names(d) => region = None,
                _ => {}
            }
        }
        region
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::base::diagnostic::LineCol;
    use std::path::Path;

    fn at(code_rule: crate::base::diagnostic::Rule, line: usize) -> Diagnostic {
        let mut d = Diagnostic::new(code_rule, Path::new("a.md"), "x");
        d.start = Some(LineCol { line, column: 1 });
        d
    }

    fn run(text: &str, found: Vec<Diagnostic>) -> Vec<(&'static str, usize)> {
        let mut found = found;
        Suppressions::parse(text).apply(Path::new("a.md"), &mut found, true);
        found
            .iter()
            .map(|d| (d.code, d.start.unwrap().line))
            .collect()
    }

    use crate::check::rules::body::table::TABLE;
    use crate::check::rules::links::short_link::SHORT_LINK;

    #[test]
    fn next_line_line_region_and_file_scopes() {
        let text = "a\n<!-- shelf-disable-next-line SH307 -- rendered by the portal -->\n|t|\n|t| <!-- shelf-disable-line table -->\n<!-- shelf-disable short-link -->\nx\ny\n<!-- shelf-enable short-link -->\nz\n";
        let left = run(
            text,
            vec![
                at(TABLE, 3),
                at(TABLE, 4),
                at(TABLE, 5),
                at(SHORT_LINK, 6),
                at(SHORT_LINK, 7),
                at(SHORT_LINK, 9),
            ],
        );
        assert_eq!(left, [("SH307", 5), ("SH403", 9)]);
        let left = run(
            "<!-- shelf-disable-file SH403 -->\n",
            vec![at(SHORT_LINK, 40)],
        );
        assert_eq!(left, []);
    }

    #[test]
    fn unused_and_unknown_are_reported_and_unreadable_files_never_suppressed() {
        let text = "<!-- shelf-disable-next-line SH307 -->\nplain\n<!-- shelf-disable-next-line SH3O7 -->\nx\n";
        let left = run(text, vec![]);
        assert_eq!(left, [("SH018", 1), ("SH019", 3)]);
        let left = run(
            "<!-- shelf-disable-file -->\n",
            vec![at(crate::check::rules::FILE_NOT_UTF8, 1)],
        );
        assert_eq!(left, [("SH002", 1), ("SH018", 1)]);
    }

    #[test]
    fn abruptly_closed_comments_are_empty_and_end_where_html_ends_them() {
        // A fuzz find: `<!--->` has its `-->` inside its own opening.
        let text = "x <!--->[a]<!--/$a--> <!--> <!-- shelf-disable-line SH307 -->\n";
        let parsed = Suppressions::parse(text);
        assert!(!parsed.is_empty());
        assert_eq!(run(text, vec![at(TABLE, 1)]), []);
    }

    #[test]
    fn examples_in_code_and_other_comments_are_not_suppressions() {
        let text = "```md\n<!-- shelf-disable-file -->\n```\n<!-- shelf-disabled SH307 -->\n<!-- note -->\n";
        assert!(Suppressions::parse(text).is_empty());
    }
}
