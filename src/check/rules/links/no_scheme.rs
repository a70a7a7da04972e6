use crate::base::diagnostic::Diagnostic;
use crate::check::rules::body::BodyContext;

use super::LinkTarget;

declare_rule! {
    /// A link's address names a host but no scheme: `www.example.com/page`, `aka.ms/vm`,
    /// `learn.microsoft.com/azure/...`.
    ///
    /// Why: without `https://` a browser reads the address as a path on the portal's own host,
    /// so the link leads to a page that does not exist.
    /// Example: `[Restore a VM](learn.microsoft.com/azure/backup/restore)`.
    pub LINK_WITHOUT_SCHEME = ("SH411", "link-without-scheme", Error);
}

pub fn check(cx: &BodyContext, out: &mut Vec<Diagnostic>) {
    for link in &cx.links {
        if link.kind == LinkTarget::MissingScheme {
            out.push(
                Diagnostic::new(
                    LINK_WITHOUT_SCHEME,
                    cx.file,
                    "the address has no scheme, so the browser reads it as a path on the portal",
                )
                .at(link.span.clone())
                .help("start the address with https://"),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::check::rules::body::run_on;

    #[test]
    fn hosts_without_a_scheme_are_errors_and_relative_paths_are_not() {
        let a = "<properties a=\"b\" />\n# T\n[a](www.example.com/x) [b](aka.ms/vm) <a href=\"learn.microsoft.com/azure\">c</a> [d](media/a.png) [e](../x.md)\n";
        assert_eq!(run_on(a, check).len(), 3);
    }
}
