use crate::diagnostic::Diagnostic;
use crate::rules::body::BodyContext;

use super::split_url;

declare_rule! {
    /// A link uses the `aka.ms` short-link service.
    ///
    /// Why: short links hide where they go, cannot be checked, and are retargeted or retired
    /// without the article changing.
    /// Example: `https://aka.ms/vmrestore`.
    pub SHORT_LINK = ("SH403", "short-link", Warning);
}

pub fn check(cx: &BodyContext, out: &mut Vec<Diagnostic>) {
    for link in &cx.links {
        let Some((host, _)) = split_url(link.target) else {
            continue;
        };
        if host == "aka.ms" || host.ends_with(".aka.ms") {
            out.push(
                Diagnostic::new(SHORT_LINK, cx.file, "short link (aka.ms)")
                    .at(link.span.clone())
                    .help("link the page it redirects to"),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::body::run_on;

    #[test]
    fn aka_ms_warns() {
        let a = "<properties a=\"b\" />\n# T\n[a](https://aka.ms/x) <a href=\"http://aka.ms/y\">y</a>\n";
        assert_eq!(run_on(a, check).len(), 2);
    }

    #[test]
    fn full_links_pass() {
        let a = "<properties a=\"b\" />\n# T\n[a](https://learn.microsoft.com/aka.ms)\n";
        assert!(run_on(a, check).is_empty());
    }
}
