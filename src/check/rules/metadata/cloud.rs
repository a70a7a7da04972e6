use crate::base::diagnostic::Diagnostic;
use crate::source::header::split_list;
use crate::source::model::Cloud;

use super::ArticleContext;

declare_rule! {
    /// `cloudEnvironments` or `disableClouds` names a cloud that does not exist.
    ///
    /// Known clouds, in any case: public, fairfax, mooncake, blackforest, usnat, ussec.
    /// Why: an article published to a misspelled cloud is simply missing from that cloud.
    /// Example: `cloudEnvironments="public, mooncak"`.
    pub UNKNOWN_CLOUD = ("SH105", "unknown-cloud", Error);
}

pub fn check(cx: &ArticleContext, out: &mut Vec<Diagnostic>) {
    for key in ["cloudEnvironments", "disableClouds"] {
        let Some(p) = cx.property(key) else { continue };
        let raw = &cx.text[p.value.span.clone()];
        for item in split_list(&p.value.value) {
            let item = item.as_str();
            let Err(message) = item.parse::<Cloud>() else {
                continue;
            };
            // Point at the item itself when the file holds the value verbatim and the item
            // occurs once; only then is fixing it in place safe.
            let verbatim_at = (raw == p.value.value && raw.matches(item).count() == 1)
                .then(|| raw.find(item))
                .flatten()
                .map(|at| p.value.span.start + at);
            let span = verbatim_at.map_or(p.value.span.clone(), |s| s..s + item.len());
            let mut d = Diagnostic::new(UNKNOWN_CLOUD, cx.file, format!("{key}: {message}"))
                .at(span.clone());
            if let Some(cloud) = closest_cloud(item) {
                d = d.help(format!("did you mean `{cloud}`?"));
                if verbatim_at.is_some() {
                    d = d.fix(span, cloud.as_str(), format!("{key}: `{item}` → `{cloud}`"));
                }
            }
            out.push(d);
        }
    }
}

/// The one known cloud `item` is a misspelling of (Jaro-Winkler ≥ 0.85, a clear winner).
pub fn closest_cloud(item: &str) -> Option<Cloud> {
    match crate::check::rules::closest(item, Cloud::ALL.map(Cloud::as_str), 0.85)? {
        (name, true) => name.parse().ok(),
        (_, false) => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::check::rules::metadata::run_on;

    #[test]
    fn known_clouds_pass() {
        assert!(
            run_on(
                "cloudEnvironments=\"Public, FAIRFAX,usnat\" disableClouds=\"ussec\"",
                check
            )
            .is_empty()
        );
    }

    #[test]
    fn unknown_cloud_is_an_error() {
        let d = run_on("cloudEnvironments=\"public, mooncak\"", check);
        assert_eq!(d.len(), 1);
        assert!(
            d[0].message.contains("unknown cloud `mooncak`"),
            "{}",
            d[0].message
        );
        assert_eq!(d[0].fix.as_ref().unwrap().replacement, "mooncake");
    }

    #[test]
    fn far_off_names_get_no_fix() {
        assert_eq!(closest_cloud("fairfx"), Some(Cloud::Fairfax));
        assert_eq!(closest_cloud("azure"), None);
        let d = run_on("cloudEnvironments=\"public, mars\"", check);
        assert!(d[0].fix.is_none());
    }
}
