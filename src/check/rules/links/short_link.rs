use crate::base::diagnostic::Diagnostic;
use crate::check::rules::body::BodyContext;
use crate::source::model::SelfHelpType;

use super::split_url;

declare_rule! {
    /// A link uses a short-link or redirect service: `aka.ms`, `go.microsoft.com/fwlink`,
    /// `msft.it`, `bit.ly`, `tinyurl.com`, `t.co`, `ow.ly`.
    ///
    /// Why: short links hide where they go, cannot be checked, and are retargeted or retired
    /// without the article changing. One with nothing after the host is SH404.
    /// Example: `https://aka.ms/vmrestore`.
    pub SHORT_LINK = ("SH403", "short-link", Warning);
}

/// Hosts that only redirect (a subdomain counts too).
pub const SHORT_LINK_HOSTS: &[&str] = &[
    "aka.ms",
    "msft.it",
    "bit.ly",
    "tinyurl.com",
    "t.co",
    "ow.ly",
];

/// Whether `host` (lowercase) with `path` is a short or redirect link.
pub fn is_short_link(host: &str, path: &str) -> bool {
    let host = host.strip_prefix("www.").unwrap_or(host);
    SHORT_LINK_HOSTS.iter().any(|s| {
        host.strip_suffix(s)
            .is_some_and(|sub| sub.is_empty() || sub.ends_with('.'))
    }) || (host == "go.microsoft.com"
        && path
            .get(..7)
            .is_some_and(|p| p.eq_ignore_ascii_case("/fwlink")))
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
        let Some((host, path)) = split_url(link.target) else {
            continue;
        };
        if is_short_link(&host, path) && !path.trim_matches('/').is_empty() {
            out.push(
                Diagnostic::new(SHORT_LINK, cx.file, format!("short link ({host})"))
                    .at(link.span.clone())
                    .help("link the page it redirects to"),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::check::rules::body::run_on;

    #[test]
    fn advisor_payload_short_links_are_exempt() {
        let body = "# T\n\n---\n{\"learnMoreLink\": \"https://aka.ms/x\"}\n---\n";
        let advisor =
            format!("<properties selfHelpType=\"advisorRecommendationMetadata\" />\n{body}");
        assert!(run_on(&advisor, check).is_empty());
        let scoping = format!("<properties selfHelpType=\"problemScopingQuestions\" />\n{body}");
        assert_eq!(run_on(&scoping, check).len(), 1);
    }

    #[test]
    fn aka_ms_warns() {
        let a = "<properties a=\"b\" />\n# T\n[a](https://aka.ms/x) <a href=\"http://aka.ms/y\">y</a>\n\nOr https://aka.ms/z.\n";
        let d = run_on(a, check);
        assert_eq!(d.len(), 3);
        // The bare URL is pointed at without its sentence's full stop.
        assert!(a[d[2].span.clone().unwrap()].ends_with("/z"));
    }

    #[test]
    fn other_short_link_services_warn_too() {
        let a = "<properties a=\"b\" />\n# T\nhttps://bit.ly/x https://go.microsoft.com/fwlink/?linkid=1 https://www.aka.ms/y https://go.microsoft.com/other\n";
        assert_eq!(run_on(a, check).len(), 3);
    }

    #[test]
    fn full_links_pass() {
        let a = "<properties a=\"b\" />\n# T\n[a](https://learn.microsoft.com/aka.ms)\n\n```\nhttps://aka.ms/in-code\n```\n";
        assert!(run_on(a, check).is_empty());
    }
}
