use crate::base::diagnostic::Diagnostic;
use crate::source::body::Marker;

use super::BodyContext;

declare_rule! {
    /// Replacement tokens in an article whose type does not use them.
    ///
    /// Why: only diagnostics, rca and servicehealthinsights articles are filled in with the
    /// customer's data; elsewhere the default text is always shown, and the token is probably
    /// copied from a diagnostic by mistake.
    /// Example: `<!--$vmName-->your VM<!--/$vmName-->` in a `generic` article.
    pub UNEXPECTED_TOKEN = ("SH326", "unexpected-token", Warning);
}

pub fn check(cx: &BodyContext, out: &mut Vec<Diagnostic>) {
    if cx.meta.self_help_type.is_diagnostic_like() {
        return;
    }
    let mut tokens = cx
        .markers
        .iter()
        .filter(|(_, m)| matches!(m, Marker::TokenOpen(_)));
    if let Some((first, Marker::TokenOpen(name))) = tokens.next() {
        let more = tokens.count();
        let also = if more > 0 {
            format!(" (and {more} more)")
        } else {
            String::new()
        };
        out.push(
            Diagnostic::new(
                UNEXPECTED_TOKEN,
                cx.file,
                format!(
                    "token `{name}`{also} in a {} article is never filled in",
                    cx.meta.self_help_type.as_str()
                ),
            )
            .at(first.clone())
            .help("write the default text without the token markers"),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::check::rules::body::run_on;

    #[test]
    fn token_in_generic_warns() {
        let a = "<properties selfHelpType=\"generic\" />\n# T\n<!--$a-->x<!--/$a--> <!--$b-->y<!--/$b-->\n";
        let d = run_on(a, check);
        assert_eq!(d.len(), 1);
        assert!(d[0].message.contains("and 1 more"));
    }

    #[test]
    fn token_in_diagnostics_passes() {
        let a = "<properties selfHelpType=\"diagnostics\" />\n# T\n<!--$a-->x<!--/$a-->\n";
        assert!(run_on(a, check).is_empty());
    }
}
