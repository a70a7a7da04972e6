use crate::base::diagnostic::Diagnostic;
use crate::check::rules::body::BodyContext;

declare_rule! {
    /// Link syntax that Markdown does not read as a link: a space between `]` and `(`, or
    /// spaces inside the target.
    ///
    /// Why: the reader sees the brackets and the address as text instead of a link.
    /// Example: `[Restore a VM] (https://learn.microsoft.com/azure)` or `[a](https://x.y/a b)`.
    pub MALFORMED_LINK = ("SH406", "malformed-link", Warning);
}

/// Targets that start like an address, so `[x] (y)` is a broken link and not prose.
fn looks_like_target(s: &str) -> bool {
    let s = s.trim_start();
    ["http://", "https://", "data-blade:", "/", "www."]
        .iter()
        .any(|p| s.get(..p.len()).is_some_and(|h| h.eq_ignore_ascii_case(p)))
}

pub fn check(cx: &BodyContext, out: &mut Vec<Diagnostic>) {
    let links = super::super::body::Intervals::new(
        cx.links
            .iter()
            .filter(|l| !l.bare)
            .map(|l| l.span.clone())
            .collect(),
    );
    let linked = |at: usize| links.contains(at);
    for (range, line) in cx.lines() {
        for (i, _) in line.match_indices(']') {
            let at = range.start + i;
            if cx.in_code(at) {
                continue;
            }
            let rest = &line[i + 1..];
            let gap = rest.len() - rest.trim_start_matches([' ', '\t']).len();
            let after = &rest[gap..];
            let Some(inner) = after.strip_prefix('(') else {
                continue;
            };
            let target = inner.split(')').next().unwrap_or(inner);
            let problem = if gap > 0 && looks_like_target(target) {
                "a space between `]` and `(` breaks the link"
            } else if gap == 0
                && looks_like_target(target)
                && target.trim().contains(' ')
                && !target.contains('"')
                && !linked(at + 2)
            {
                "a space inside the link target breaks the link"
            } else {
                continue;
            };
            let end = (i + 1 + gap + 1 + target.len() + 1).min(line.len());
            out.push(
                Diagnostic::new(MALFORMED_LINK, cx.file, problem)
                    .at(at..range.start + end)
                    .help(
                        "write `[text](target)` with no spaces; encode spaces in addresses as %20",
                    ),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::check::rules::body::run_on;

    #[test]
    fn space_before_paren_and_in_target_warn() {
        let a = "<properties a=\"b\" />\n# T\n[a] (https://x.y/z) and [b](https://x.y/a b)\n";
        assert_eq!(run_on(a, check).len(), 2);
    }

    #[test]
    fn links_titles_and_prose_pass() {
        let a = "<properties a=\"b\" />\n# T\n[a](https://x.y/z \"title\") [note] (see below) `[a] (http://x)`\n";
        assert!(run_on(a, check).is_empty(), "{:?}", run_on(a, check));
    }
}
