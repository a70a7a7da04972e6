use crate::base::diagnostic::Diagnostic;
use crate::check::rules::body::BodyContext;

use super::split_url;

declare_rule! {
    /// A link has no target: `[text]()`, `[text](https://)`, `[text](<>)`, or a short link
    /// with no name after the host (`https://aka.ms/`).
    ///
    /// Why: the reader clicks and nothing happens, or the portal opens an empty page (a short
    /// link service's home page for `aka.ms/`). Bare URLs in text count as links.
    /// Example: `[Restore a VM](https://)`.
    pub EMPTY_LINK_TARGET = ("SH404", "empty-link-target", Error);
}

pub fn check(cx: &BodyContext, out: &mut Vec<Diagnostic>) {
    for link in &cx.links {
        let target = link.target.trim();
        let target = target.trim_start_matches('<').trim_end_matches('>').trim();
        let empty = target.is_empty()
            || split_url(target).is_some_and(|(host, path)| {
                let path = path.trim_matches('/');
                host.is_empty() && path.is_empty()
                    || super::short_link::is_short_link(&host, "") && path.is_empty()
            });
        if empty {
            let span = if link.span.is_empty() {
                // `[text]()`: point at the parentheses.
                link.span.start.saturating_sub(1)..link.span.start + 1
            } else {
                link.span.clone()
            };
            out.push(
                Diagnostic::new(EMPTY_LINK_TARGET, cx.file, "the link has no target")
                    .at(span)
                    .help("write the page's address, or remove the link"),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::check::rules::body::run_on;

    #[test]
    fn a_short_link_with_no_name_and_a_bare_empty_url_are_empty() {
        let a = "<properties a=\"b\" />\n# T\n[a](https://aka.ms/) and https://aka.ms/ and [ok](https://aka.ms/vm)\n";
        assert_eq!(run_on(a, check).len(), 2);
    }

    #[test]
    fn empty_targets_are_errors() {
        let a = "<properties a=\"b\" />\n# T\n[a](https://) and [b]() and <a href=\"\">c</a>\n";
        assert_eq!(run_on(a, check).len(), 3);
    }

    #[test]
    fn real_target_passes() {
        let a = "<properties a=\"b\" />\n# T\n[a](https://x.y/)\n";
        assert!(run_on(a, check).is_empty());
    }
}
