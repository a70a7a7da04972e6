use crate::base::diagnostic::Diagnostic;
use crate::check::rules::body::BodyContext;

use super::split_url;

declare_rule! {
    /// A link points at an internal review host (`review.docs.microsoft.com`,
    /// `review.learn.microsoft.com`).
    ///
    /// Why: review sites need an employee sign-in; customers get an error page.
    /// Example: `https://review.docs.microsoft.com/azure/backup/restore`.
    pub REVIEW_HOST = ("SH402", "review-host-link", Error);
}

pub fn check(cx: &BodyContext, out: &mut Vec<Diagnostic>) {
    for link in &cx.links {
        let Some((host, _)) = split_url(link.target) else {
            continue;
        };
        if host.starts_with("review.") && host.ends_with("microsoft.com") {
            out.push(
                Diagnostic::new(
                    REVIEW_HOST,
                    cx.file,
                    format!("link to the internal review host `{host}`"),
                )
                .at(link.span.clone())
                .help("link the published page (learn.microsoft.com) instead"),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::check::rules::body::run_on;

    #[test]
    fn review_host_is_an_error() {
        let a = "<properties a=\"b\" />\n# T\n[a](https://review.docs.microsoft.com/azure)\n";
        assert_eq!(run_on(a, check).len(), 1);
    }

    #[test]
    fn published_host_passes() {
        let a = "<properties a=\"b\" />\n# T\n[a](https://docs.microsoft.com/azure/review)\n";
        assert!(run_on(a, check).is_empty());
    }
}
