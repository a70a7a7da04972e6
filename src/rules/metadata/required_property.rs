use crate::diagnostic::{Diagnostic, Severity};
use crate::model::SelfHelpType as T;

use super::ArticleContext;

declare_rule! {
    /// A property the article's selfHelpType requires is missing or empty.
    ///
    /// Every type needs selfHelpType, articleId and cloudEnvironments, and all but
    /// partnercenterquickstart also ownershipId and pageTitle. resource and tools need service and
    /// resource; diagnostics, rca and servicehealthinsights need infoBubbleText;
    /// problemScopingQuestions needs schemaVersion, supportTopicIds and productPesIds;
    /// supportTopicDescription needs productPesIds. These are errors.
    ///
    /// Warnings for what the portal can do without but should have: diagnosticScenario on
    /// diagnostics-like types; service and resource on generic, TSG and diagnostics-like types;
    /// supportTopicIds and productPesIds on generic articles.
    ///
    /// Why: the portal routes and filters articles by these keys; an article without them is
    /// published but never shown. Example: `<properties pageTitle="x" selfHelpType="generic" />`
    /// lacks articleId, cloudEnvironments and ownershipId.
    pub MISSING_REQUIRED_PROPERTY = ("SH101", "missing-required-property", Error);
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
        keys.extend([("ownershipId", E), ("pageTitle", E)]);
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
    for (key, severity) in required_keys(t) {
        let d = match cx.property(key) {
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
        out.push(d.severity(severity));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::metadata::run_on;

    const COMPLETE: &str = "selfHelpType=\"generic\" articleId=\"a\" cloudEnvironments=\"public\" ownershipId=\"o\" \
        pageTitle=\"t\" service=\"s\" resource=\"r\" supportTopicIds=\"12345678\" productPesIds=\"12345\"";

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
            .map(|d| (d.message.split('`').nth(1).unwrap(), d.severity))
            .collect();
        assert_eq!(
            found,
            [
                ("cloudEnvironments", Severity::Error),
                ("ownershipId", Severity::Error),
                ("service", Severity::Warning),
                ("resource", Severity::Warning),
                ("supportTopicIds", Severity::Warning),
                ("productPesIds", Severity::Warning),
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
            "selfHelpType=\"problemScopingQuestions\" articleId=\"a\" cloudEnvironments=\"public\" ownershipId=\"o\" pageTitle=\"t\"",
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
