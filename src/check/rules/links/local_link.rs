use crate::base::diagnostic::Diagnostic;
use crate::check::rules::body::BodyContext;

use super::LinkTarget;

declare_rule! {
    /// A link or image points at a relative path or a file on a disk:
    /// `Screenshots\error.png`, `../restart.md`, `C:\Users\me\shot.png`.
    ///
    /// Why: articles are published one by one into the portal; a relative target resolves only
    /// where the files beside the article (`media/`) are published with it, and a file on a
    /// disk never does. A warning, since shelf cannot tell what is published beside the
    /// article; a host without `https://` is SH411.
    /// Example: `![The error](Screenshots\error.png)`.
    pub LOCAL_LINK = ("SH408", "local-link", Warning);
}

pub fn check(cx: &BodyContext, out: &mut Vec<Diagnostic>) {
    for link in &cx.links {
        // A misspelled `data-blade:` is SH407's.
        if super::data_blade::misspelled_scheme(link.target.trim()).is_some() {
            continue;
        }
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
    use crate::check::rules::body::run_on;

    #[test]
    fn relative_and_local_targets_warn_and_schemeless_ones_are_sh411_s() {
        let a = "<properties a=\"b\" />\n# T\n![e](Screenshots\\e.png) [r](restart.md) [c](C:\\Users\\me\\a.png) [w](www.example.com/x) <img src=\"img/a.png\">\n";
        assert_eq!(run_on(a, check).len(), 4);
    }

    #[test]
    fn absolute_anchor_and_blade_targets_pass() {
        let a = "<properties a=\"b\" />\n# T\n[a](https://x.y/) [b](#top) [c](data-blade:A.B) [d](mailto:a@b.c) [e](/azure/vm)\n";
        assert!(run_on(a, check).is_empty());
    }
}
