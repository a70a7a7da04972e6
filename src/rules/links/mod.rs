//! Rules on links (`SH4xx`): targets the portal cannot follow or should not publish. They read
//! the links the body parse found ([`BodyContext::links`]), Markdown and HTML alike.

use crate::diagnostic::Diagnostic;
use crate::rules::body::BodyContext;

pub mod data_blade;
pub mod empty_target;
pub mod in_page_anchor;
pub mod locale;
pub mod malformed_link;
pub mod review_host;
pub mod short_link;

/// Every link rule's check, in code order.
pub const CHECKS: &[fn(&BodyContext, &mut Vec<Diagnostic>)] = &[
    locale::check,
    review_host::check,
    short_link::check,
    empty_target::check,
    in_page_anchor::check,
    malformed_link::check,
    data_blade::check,
];

pub fn check(cx: &BodyContext, out: &mut Vec<Diagnostic>) {
    for check in CHECKS {
        check(cx, out);
    }
}

/// An http(s) URL split into its lowercased host and the rest (path, query, fragment).
pub fn split_url(target: &str) -> Option<(String, &str)> {
    let t = target.trim();
    let scheme_end = t.find("://")?;
    let scheme = &t[..scheme_end];
    if !(scheme.eq_ignore_ascii_case("http") || scheme.eq_ignore_ascii_case("https")) {
        return None;
    }
    let rest = &t[scheme_end + 3..];
    let host_end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let host = rest[..host_end].split(':').next().unwrap_or("");
    Some((host.to_ascii_lowercase(), &rest[host_end..]))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_split_into_host_and_path() {
        assert_eq!(
            split_url("HTTPS://Learn.Microsoft.com:443/en-us/azure?x#y"),
            Some(("learn.microsoft.com".to_string(), "/en-us/azure?x#y"))
        );
        assert_eq!(split_url("data-blade:A.B"), None);
        assert_eq!(split_url("https://"), Some((String::new(), "")));
    }
}
