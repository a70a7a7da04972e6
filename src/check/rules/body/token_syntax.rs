use std::ops::Range;

use crate::base::diagnostic::Diagnostic;
use crate::source::body::Marker;

use super::BodyContext;

declare_rule! {
    /// A replacement token is malformed: a bad name, an opening without its closing (or the
    /// reverse), mismatched names, tokens nested in tokens, or a marker that is not closed
    /// with `-->`.
    ///
    /// Why: the portal replaces `<!--$name-->default<!--/$name-->` by the customer's value; a
    /// broken token shows its default forever, or swallows the text up to the next token.
    /// Token names are letters, digits and `_`, starting with a letter or `_`.
    /// Example: `<!--$vmName-->the VM<!--/$vmname-->` (names differ) or `<!--$Modules Out of date-->`.
    pub TOKEN_SYNTAX = ("SH325", "token-syntax", Error);
}

/// Whether a token name is one the portal can fill.
pub fn valid_name(name: &str) -> bool {
    let mut chars = name.chars();
    chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

pub fn check(cx: &BodyContext, out: &mut Vec<Diagnostic>) {
    let report = |out: &mut Vec<Diagnostic>, span: Range<usize>, message: String| {
        out.push(
            Diagnostic::new(TOKEN_SYNTAX, cx.file, message)
                .at(span)
                .help("write tokens as `<!--$name-->default<!--/$name-->`, one at a time"),
        );
    };
    // Token openings that never became a marker (no `-->`).
    for seg in &cx.segments {
        let s = &cx.text[seg.clone()];
        // The end of the line of the last opener, reused while openers stay on that line (a
        // search per opener made a line of many of them quadratic).
        let mut line_end = 0;
        for (i, _) in s.match_indices("<!--") {
            let at = seg.start + i;
            let rest = s[i + 4..].trim_start();
            let looks_like_token = rest.starts_with('$') || rest.starts_with("/$");
            let is_marker = cx.marker_starting_at(at).is_some();
            if looks_like_token && !is_marker && !cx.in_code(at) {
                if line_end <= i {
                    line_end = s[i..].find('\n').map_or(s.len(), |e| i + e);
                }
                report(
                    out,
                    at..seg.start + line_end,
                    "a token marker is not closed with `-->`".into(),
                );
            }
        }
    }
    let mut open: Option<(&str, Range<usize>)> = None;
    for (range, marker) in &cx.markers {
        match *marker {
            Marker::TokenOpen(name) => {
                if !valid_name(name) {
                    report(out, range.clone(), format!("bad token name `{name}`"));
                }
                if let Some((outer, _)) = &open {
                    report(
                        out,
                        range.clone(),
                        format!("token `{name}` opens inside token `{outer}`; tokens do not nest"),
                    );
                }
                open = Some((name, range.clone()));
            }
            Marker::TokenClose(name) => match open.take() {
                Some((opened, _)) if opened == name => {}
                Some((opened, _)) => report(
                    out,
                    range.clone(),
                    format!("token `{opened}` is closed as `{name}`"),
                ),
                None => report(
                    out,
                    range.clone(),
                    format!("token `{name}` is closed but was never opened"),
                ),
            },
            _ => {}
        }
    }
    if let Some((name, range)) = open {
        report(out, range, format!("token `{name}` is never closed"));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::check::rules::body::run_on;

    #[test]
    fn broken_tokens_are_errors() {
        let h = "<properties a=\"b\" />\n# T\n";
        assert_eq!(
            run_on(&format!("{h}<!--$a-->x<!--/$b-->\n"), check).len(),
            1
        );
        assert_eq!(run_on(&format!("{h}<!--$a-->x\n"), check).len(), 1);
        assert_eq!(run_on(&format!("{h}x<!--/$a-->\n"), check).len(), 1);
        assert_eq!(
            run_on(&format!("{h}<!--$a b-->x<!--/$a b-->\n"), check).len(),
            1
        );
        assert_eq!(run_on(&format!("{h}<!--$a->x\n"), check).len(), 1);
        let nested = run_on(
            &format!("{h}<!--$a--><!--$b-->x<!--/$b--><!--/$a-->\n"),
            check,
        );
        assert!(
            nested.iter().any(|d| d.message.contains("nest")),
            "{nested:?}"
        );
    }

    #[test]
    fn good_tokens_pass() {
        let a = "<properties a=\"b\" />\n# T\n<!--$vm_Name1-->the VM<!--/$vm_Name1--> and <!--$startTime-->now<!--/$startTime-->\n";
        assert!(run_on(a, check).is_empty());
    }
}
