use crate::diagnostic::Diagnostic;
use crate::model::SelfHelpType;
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
    let advisor = cx.meta.self_help_type == SelfHelpType::AdvisorRecommendationMetadata;
    for link in &cx.links {
        let in_payload = cx
            .payload
            .as_ref()
            .is_some_and(|p| p.contains(&link.span.start));
        if advisor && in_payload {
            continue;
        }
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
        let a = "<properties a=\"b\" />\n# T\n[a](https://aka.ms/x) <a href=\"http://aka.ms/y\">y</a>\n\nOr https://aka.ms/z.\n";
        let d = run_on(a, check);
        assert_eq!(d.len(), 3);
        // The bare URL is pointed at without its sentence's full stop.
        assert!(a[d[2].span.clone().unwrap()].ends_with("/z"));
    }

    #[test]
    fn full_links_pass() {
        let a = "<properties a=\"b\" />\n# T\n[a](https://learn.microsoft.com/aka.ms)\n\n```\nhttps://aka.ms/in-code\n```\n";
        assert!(run_on(a, check).is_empty());
    }
}
