use crate::base::diagnostic::{Diagnostic, Severity};
use crate::source::model::SelfHelpType as T;

use super::ArticleContext;

declare_rule! {
    /// A property the article's selfHelpType requires is missing or empty.
    ///
    /// Every type needs selfHelpType, articleId and cloudEnvironments, and all but
    /// partnercenterquickstart also pageTitle. resource and tools need service and resource;
    /// diagnostics, rca and servicehealthinsights need infoBubbleText; problemScopingQuestions
    /// needs schemaVersion, supportTopicIds and productPesIds; supportTopicDescription needs
    /// productPesIds.
    ///
    /// Why: the portal routes, filters and titles articles by these keys; an article without
    /// them is published but never shown, or shown without a title.
    /// Example: `<properties pageTitle="x" selfHelpType="generic" />` lacks articleId and
    /// cloudEnvironments.
    pub MISSING_REQUIRED_PROPERTY = ("SH101", "missing-required-property", Error);
}

declare_rule! {
    /// A property the article should have is missing: one the portal can do without, or one
    /// only people and tools read.
    ///
    /// Which: ownershipId (all but partnercenterquickstart) and an author (`authors` or
    /// `ms.author`) on every article; diagnosticScenario on diagnostics-like types; service and
    /// resource on generic, TSG and diagnostics-like types; supportTopicIds and productPesIds on
    /// generic articles.
    ///
    /// Why: these route a support case to its owners and let the portal narrow results; an
    /// article without them still shows. Example: a generic article with no ownershipId.
    pub MISSING_RECOMMENDED_PROPERTY = ("SH112", "missing-recommended-property", Warning);
}

/// The keys `t` requires, with the severity of their absence.
pub fn required_keys(t: &T) -> Vec<(&'static str, Severity)> {
    use Severity::{Error as E, Warning as W};
    let mut keys = vec![
        ("selfHelpType", E),
        ("articleId", E),
        ("cloudEnvironments", E),
    ];
    if *t != T::PartnerCenterQuickStart {
        keys.extend([("pageTitle", E), ("ownershipId", W)]);
    }
    match t {
        T::Resource | T::Tools => keys.extend([("service", E), ("resource", E)]),
        T::Diagnostics | T::Rca | T::ServiceHealthInsights => keys.extend([
            ("infoBubbleText", E),
            ("diagnosticScenario", W),
            ("service", W),
            ("resource", W),
        ]),
        T::ProblemScopingQuestions => keys.extend([
            ("schemaVersion", E),
            ("supportTopicIds", E),
            ("productPesIds", E),
        ]),
        T::SupportTopicDescription => keys.push(("productPesIds", E)),
        T::Generic => keys.extend([
            ("service", W),
            ("resource", W),
            ("supportTopicIds", W),
            ("productPesIds", W),
        ]),
        T::TsgContent | T::TsgDescription => keys.extend([("service", W), ("resource", W)]),
        _ => {}
    }
    keys
}

pub fn check(cx: &ArticleContext, out: &mut Vec<Diagnostic>) {
    let t = &cx.meta.self_help_type;
    let which = match t.as_str() {
        "" => "every article".to_string(),
        name => format!("a {name} article"),
    };
    // A key written misspelled is SH102's (or SH103's) to report, not missing as well: one
    // mistake, one problem.
    let misspelled: Vec<&str> = cx
        .meta
        .properties
        .iter()
        .filter(|p| crate::source::model::known_key(&p.key.value).is_none())
        .filter_map(|p| super::unknown_property::suggestion(&p.key.value).map(|(k, _)| k))
        .collect();
    for (key, severity) in required_keys(t) {
        if misspelled.contains(&key) {
            continue;
        }
        let mut d = match cx.property(key) {
            None => Diagnostic::new(
                MISSING_REQUIRED_PROPERTY,
                cx.file,
                format!(
                    "`{key}` is missing; {which} {} it",
                    if severity == Severity::Error {
                        "needs"
                    } else {
                        "should have"
                    }
                ),
            )
            .at(cx.header_name_span())
            .help(format!("add {key}=\"...\" to the header")),
            // An empty value counts as missing only where its absence is an error.
            Some(p) if p.value.value.trim().is_empty() && severity == Severity::Error => {
                Diagnostic::new(
                    MISSING_REQUIRED_PROPERTY,
                    cx.file,
                    format!("`{key}` is empty; {which} needs a value"),
                )
                .at(p.key.span.clone())
            }
            Some(_) => continue,
        };
        if severity == Severity::Warning {
            d.code = MISSING_RECOMMENDED_PROPERTY.code;
            d.rule = MISSING_RECOMMENDED_PROPERTY.name;
        }
        out.push(d.severity(severity));
    }
    // An author, under either key.
    let author = ["authors", "ms.author"];
    if author
        .iter()
        .all(|k| cx.property(k).is_none() && !misspelled.contains(k))
    {
        out.push(
            Diagnostic::new(
                MISSING_RECOMMENDED_PROPERTY,
                cx.file,
                format!(
                    "no author: neither `authors` nor `ms.author` is set; {which} should name one"
                ),
            )
            .at(cx.header_name_span())
            .help("add authors=\"your-github-name\" and ms.author=\"your-alias\""),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::check::rules::metadata::run_on;

    const COMPLETE: &str = "selfHelpType=\"generic\" articleId=\"a\" cloudEnvironments=\"public\" ownershipId=\"o\" \
        pageTitle=\"t\" service=\"s\" resource=\"r\" supportTopicIds=\"12345678\" productPesIds=\"12345\" \
        authors=\"someone\"";

    #[test]
    fn complete_generic_passes() {
        assert!(run_on(COMPLETE, check).is_empty());
    }

    #[test]
    fn missing_keys_are_errors_or_warnings_by_type() {
        let d = run_on(
            "selfHelpType=\"generic\" articleId=\"a\" cloudEnvironments=\"\" pageTitle=\"t\"",
            check,
        );
        let found: Vec<_> = d
            .iter()
            .map(|d| (d.message.split('`').nth(1).unwrap(), d.code, d.severity))
            .collect();
        assert_eq!(
            found,
            [
                ("cloudEnvironments", "SH101", Severity::Error),
                ("ownershipId", "SH112", Severity::Warning),
                ("service", "SH112", Severity::Warning),
                ("resource", "SH112", Severity::Warning),
                ("supportTopicIds", "SH112", Severity::Warning),
                ("productPesIds", "SH112", Severity::Warning),
                ("authors", "SH112", Severity::Warning),
            ]
        );
        assert!(d[0].message.contains("is empty"));
    }

    #[test]
    fn missing_type_reads_well() {
        let d = run_on("articleId=\"a\"", check);
        assert_eq!(
            d[0].message,
            "`selfHelpType` is missing; every article needs it"
        );
    }

    #[test]
    fn scoping_questions_need_topics_and_schema_version() {
        let d = run_on(
            "selfHelpType=\"problemScopingQuestions\" articleId=\"a\" cloudEnvironments=\"public\" ownershipId=\"o\" pageTitle=\"t\" ms.author=\"me\"",
            check,
        );
        let keys: Vec<_> = d
            .iter()
            .map(|d| d.message.split('`').nth(1).unwrap())
            .collect();
        assert_eq!(keys, ["schemaVersion", "supportTopicIds", "productPesIds"]);
        assert!(d.iter().all(|d| d.severity == Severity::Error));
    }
}
