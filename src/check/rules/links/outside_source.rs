use crate::base::diagnostic::Diagnostic;
use crate::check::rules::body::BodyContext;

use super::{LinkTarget, climbs_out};

declare_rule! {
    /// A relative link or image climbs out of the source folder (`../../../etc/passwd`).
    ///
    /// Why: nothing outside the source is published, and a path that climbs out of it names
    /// files on the author's or the build machine's disk.
    /// Example: `[config](../../../deploy/secrets.md)` in a file one folder deep.
    pub LINK_OUTSIDE_SOURCE = ("SH409", "link-outside-source", Error);
}

pub fn check(cx: &BodyContext, out: &mut Vec<Diagnostic>) {
    for link in &cx.links {
        if link.kind == LinkTarget::Relative && climbs_out(cx.rel_path, link.target) {
            out.push(
                Diagnostic::new(
                    LINK_OUTSIDE_SOURCE,
                    cx.file,
                    "this relative path climbs out of the source folder",
                )
                .at(link.span.clone())
                .help("link a published page by its https:// address"),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::check::rules::body::run_on;

    #[test]
    fn climbing_above_the_source_is_an_error() {
        let a = "<properties a=\"b\" />\n# T\n[p](../../etc/passwd) <a href=\"..\\..\\x\">x</a>\n";
        assert_eq!(run_on(a, check).len(), 2);
    }

    #[test]
    fn a_sibling_file_passes() {
        let a = "<properties a=\"b\" />\n# T\n[p](./other.md) [q](img/../a.png)\n";
        assert!(run_on(a, check).is_empty());
    }
}
