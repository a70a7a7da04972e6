//! Rules on links (`SH4xx`): targets the portal cannot follow or should not publish. They read
//! the links the body parse found ([`BodyContext::links`]), Markdown and HTML alike.

use crate::base::diagnostic::Diagnostic;
use crate::check::rules::body::BodyContext;

pub mod data_blade;
pub mod empty_target;
pub mod in_page_anchor;
pub mod local_link;
pub mod locale;
pub mod malformed_link;
pub mod no_scheme;
pub mod outside_source;
pub mod review_host;
pub mod script_link;
pub mod short_link;
pub mod target;

pub use target::{LinkTarget, classify, split_url};

/// Every link rule's check, in code order.
pub const CHECKS: &[fn(&BodyContext, &mut Vec<Diagnostic>)] = &[
    locale::check,
    review_host::check,
    short_link::check,
    empty_target::check,
    in_page_anchor::check,
    malformed_link::check,
    data_blade::check,
    local_link::check,
    no_scheme::check,
    outside_source::check,
    script_link::check,
];

pub fn check(cx: &BodyContext, out: &mut Vec<Diagnostic>) {
    for check in CHECKS {
        check(cx, out);
    }
}

/// Whether a relative `target`, resolved from the folder of the article at `rel_path` (below
/// the source), leaves the source folder.
pub fn climbs_out(rel_path: &str, target: &str) -> bool {
    let path = target.split(['?', '#']).next().unwrap_or("");
    let mut depth = rel_path.split(['/', '\\']).count() as isize - 1;
    for segment in path.split(['/', '\\']) {
        match segment.trim() {
            ".." => {
                depth -= 1;
                if depth < 0 {
                    return true;
                }
            }
            "." | "" => {}
            _ => depth += 1,
        }
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn climbing_is_measured_from_the_articles_folder() {
        assert!(!climbs_out("svc/a.md", "../b.md"));
        assert!(climbs_out("svc/a.md", "../../b.md"));
        assert!(climbs_out("a.md", "..\\b.md"));
        assert!(!climbs_out("a.md", "x/../b.md"));
        assert!(climbs_out("a.md", "x/../../b.md?q=../"));
    }
}
