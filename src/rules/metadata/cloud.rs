use crate::diagnostic::Diagnostic;
use crate::header::split_list;
use crate::model::Cloud;

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
        for item in split_list(&p.value.value) {
            if let Err(message) = item.parse::<Cloud>() {
                out.push(
                    Diagnostic::new(UNKNOWN_CLOUD, cx.file, format!("{key}: {message}"))
                        .at(p.value.span.clone()),
                );
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::metadata::run_on;

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
    }
}
