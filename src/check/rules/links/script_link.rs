use crate::base::diagnostic::Diagnostic;
use crate::check::rules::body::BodyContext;

use super::LinkTarget;

declare_rule! {
    /// A link, image or media source uses a scheme that runs code or hides a document:
    /// `javascript:`, `vbscript:`, `data:` (also when disguised by case, entities or spaces).
    ///
    /// Why: such links are script injection in every portal that embeds the page; shelf removes
    /// them from the output, so the link is also dead.
    /// Example: `[Fix it](javascript:fix())`.
    pub SCRIPT_LINK = ("SH410", "script-link", Error);
}

pub fn check(cx: &BodyContext, out: &mut Vec<Diagnostic>) {
    for link in &cx.links {
        if let LinkTarget::Script(scheme) = link.kind {
            out.push(
                Diagnostic::new(
                    SCRIPT_LINK,
                    cx.file,
                    format!("`{scheme}:` link: removed from the published page"),
                )
                .at(link.span.clone())
                .help("link an https:// page instead"),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::check::rules::body::run_on;

    #[test]
    fn script_schemes_are_errors_however_disguised() {
        let a = "<properties a=\"b\" />\n# T\n[a](javascript:x()) [b](JaVaScRiPt:x) <a href=\"&#106;avascript:x\">c</a> <a href=\" vbscript:x\">d</a> ![e](data:image/svg+xml,x) <img src=java&#x09;script:x>\n";
        let d = run_on(a, check);
        assert_eq!(d.len(), 6, "{d:#?}");
    }

    #[test]
    fn https_passes() {
        let a = "<properties a=\"b\" />\n# T\n[a](https://x.y/javascript:) [b](data-blade:A.B)\n";
        assert!(run_on(a, check).is_empty());
    }
}
