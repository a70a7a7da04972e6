use crate::base::diagnostic::Diagnostic;
use crate::source::model::SelfHelpType;

use super::ArticleContext;

declare_rule! {
    /// `selfHelpType` is not one of the types the portal knows (compared ignoring case).
    ///
    /// Why: the type decides how the portal shows an article and which payload it expects; an
    /// unknown type is not shown at all. Example: `selfHelpType="troubleshooter"`.
    pub UNKNOWN_SELF_HELP_TYPE = ("SH104", "unknown-self-help-type", Error);
}

pub fn check(cx: &ArticleContext, out: &mut Vec<Diagnostic>) {
    if let (SelfHelpType::Other(value), Some(p)) =
        (&cx.meta.self_help_type, cx.property("selfHelpType"))
        && !value.is_empty()
    {
        let closest = SelfHelpType::known_names()
            .min_by_key(|k| {
                strsim::levenshtein(&k.to_ascii_lowercase(), &value.to_ascii_lowercase())
            })
            .unwrap_or("generic");
        out.push(
            Diagnostic::new(
                UNKNOWN_SELF_HELP_TYPE,
                cx.file,
                format!("unknown selfHelpType `{value}`"),
            )
            .at(p.value.span.clone())
            .help(format!(
                "did you mean `{closest}`? Known types: {}",
                SelfHelpType::known_names().collect::<Vec<_>>().join(", ")
            )),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::check::rules::metadata::run_on;

    #[test]
    fn known_types_in_any_case_pass() {
        assert!(run_on("selfHelpType=\"TSG_content\"", check).is_empty());
    }

    #[test]
    fn unknown_type_is_reported_with_the_closest() {
        let d = run_on("selfHelpType=\"diagnostic\"", check);
        assert_eq!(d[0].code, "SH104");
        assert!(
            d[0].help
                .as_deref()
                .unwrap()
                .starts_with("did you mean `diagnostics`?")
        );
    }
}
