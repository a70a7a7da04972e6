use crate::diagnostic::Diagnostic;
use crate::rules::body::BodyContext;

use super::LinkTarget;

declare_rule! {
    /// A link or image points at a relative path, a file on a disk, or a host without a
    /// scheme: `Screenshots\error.png`, `../restart.md`, `C:\Users\me\shot.png`,
    /// `www.example.com/page`.
    ///
    /// Why: articles are published one by one into the portal, without the files around them,
    /// so a relative or local target never resolves; a host without `https://` is read as a
    /// relative path.
    /// Example: `![The error](Screenshots\error.png)`.
    pub LOCAL_LINK = ("SH408", "local-link", Warning);
}

pub fn check(cx: &BodyContext, out: &mut Vec<Diagnostic>) {
    for link in &cx.links {
        let (message, help) = match link.kind {
            LinkTarget::Relative if super::climbs_out(cx.rel_path, link.target) => continue,
            LinkTarget::Relative => (
                "relative link: the file it points at is not published with the article",
                "link a published page with its full https:// address, or put the image online",
            ),
            LinkTarget::LocalFile => (
                "link to a file on a local disk",
                "readers cannot open files on your disk: publish the file and link its address",
            ),
            LinkTarget::MissingScheme => (
                "the address has no scheme, so it is read as a relative path",
                "start the address with https://",
            ),
            _ => continue,
        };
        out.push(
            Diagnostic::new(LOCAL_LINK, cx.file, message)
                .at(link.span.clone())
                .help(help),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::body::run_on;

    #[test]
    fn relative_local_and_schemeless_targets_warn() {
        let a = "<properties a=\"b\" />\n# T\n![e](Screenshots\\e.png) [r](restart.md) [c](C:\\Users\\me\\a.png) [w](www.example.com/x) <img src=\"img/a.png\">\n";
        assert_eq!(run_on(a, check).len(), 5);
    }

    #[test]
    fn absolute_anchor_and_blade_targets_pass() {
        let a = "<properties a=\"b\" />\n# T\n[a](https://x.y/) [b](#top) [c](data-blade:A.B) [d](mailto:a@b.c) [e](/azure/vm)\n";
        assert!(run_on(a, check).is_empty());
    }
}
