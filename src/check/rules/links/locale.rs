use crate::base::diagnostic::Diagnostic;
use crate::check::rules::body::BodyContext;
use crate::source::model::Cloud;

use super::split_url;

declare_rule! {
    /// A Microsoft docs link names a locale (`/en-us/`).
    ///
    /// Why: without a locale, docs open in the reader's own language; with one, everyone gets
    /// English. Articles published only to Mooncake are exempt: their docs live on a
    /// localized site.
    /// Example: `https://learn.microsoft.com/en-us/azure/virtual-machines/`.
    pub LINK_LOCALE = ("SH401", "link-locale", Warning);
}

/// Whether a path segment is a locale such as `en-us` or `zh-hans`.
fn is_locale(segment: &str) -> bool {
    let Some((lang, region)) = segment.split_once('-') else {
        return false;
    };
    lang.len() == 2
        && (2..=4).contains(&region.len())
        && lang.chars().all(|c| c.is_ascii_alphabetic())
        && region.chars().all(|c| c.is_ascii_alphabetic())
}

pub fn check(cx: &BodyContext, out: &mut Vec<Diagnostic>) {
    if cx.meta.clouds == [Cloud::Mooncake] {
        return;
    }
    for link in &cx.links {
        let Some((host, path)) = split_url(link.target) else {
            continue;
        };
        if !(host == "microsoft.com" || host.ends_with(".microsoft.com")) {
            continue;
        }
        let Some(segment) = path.trim_start_matches('/').split(['/', '?', '#']).next() else {
            continue;
        };
        if is_locale(segment) {
            let at = link.span.start + link.target.find(segment).unwrap_or(0);
            out.push(
                Diagnostic::new(
                    LINK_LOCALE,
                    cx.file,
                    format!("docs link with the locale `{segment}`"),
                )
                .at(at..at + segment.len())
                .help(format!(
                    "remove `/{segment}` so the link opens in the reader's language"
                )),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::check::rules::body::run_on;

    #[test]
    fn locale_warns() {
        let a = "<properties cloudEnvironments=\"public\" />\n# T\n[a](https://learn.microsoft.com/en-us/azure)\n";
        assert_eq!(run_on(a, check).len(), 1);
    }

    #[test]
    fn no_locale_or_mooncake_only_passes() {
        let a = "<properties cloudEnvironments=\"public\" />\n# T\n[a](https://learn.microsoft.com/azure/en-us)\n";
        assert!(run_on(a, check).is_empty());
        let a = "<properties cloudEnvironments=\"mooncake\" />\n# T\n[a](https://docs.microsoft.com/zh-cn/azure)\n";
        assert!(run_on(a, check).is_empty());
    }
}
