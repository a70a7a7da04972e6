use jsonc_parser::ast::Value;

use crate::base::diagnostic::Diagnostic;
use crate::check::rules::metadata::id_list::is_guid;
use crate::source::model::SelfHelpType;

use super::{PayloadContext, get, get_array, scalar};

declare_rule! {
    /// A field of an advisor recommendation is not of the form Advisor reads: an ID that is no
    /// GUID (`recommendationTypeId`, `recommendationOfferingId`, each action's `actionId`,
    /// `resourceMetadata.action.actionId`, `owner.serviceTreeId`), or a category or impact
    /// Advisor does not know.
    ///
    /// Categories: HighAvailability, Security, Performance, Cost, OperationalExcellence;
    /// impacts: High, Medium, Low (any case).
    /// Why: Advisor matches recommendations and their actions by these GUIDs, and files them
    /// under the category and impact; another value leaves the recommendation unshown.
    /// Example: `"recommendationTypeId": "vm-right-size"`, `"recommendationImpact": "Severe"`.
    pub ADVISOR_FIELD = ("SH510", "advisor-field-form", Error);
}

const CATEGORIES: [&str; 5] = [
    "HighAvailability",
    "Security",
    "Performance",
    "Cost",
    "OperationalExcellence",
];
const IMPACTS: [&str; 3] = ["High", "Medium", "Low"];

pub fn check(cx: &PayloadContext, out: &mut Vec<Diagnostic>) {
    let Value::Object(root) = cx.root else {
        return;
    };
    if cx.meta.self_help_type != SelfHelpType::AdvisorRecommendationMetadata {
        return;
    }
    let mut report = |p: &jsonc_parser::ast::ObjectProp, message: String, help: String| {
        out.push(
            Diagnostic::new(ADVISOR_FIELD, cx.file, message)
                .at(cx.span(p.range))
                .help(help),
        );
    };
    let mut guid = |p: Option<&jsonc_parser::ast::ObjectProp>, key: &str| {
        let Some(p) = p else { return };
        let value = scalar(&p.value).unwrap_or_default();
        if !value.is_empty() && !is_guid(value.trim()) {
            report(
                p,
                format!("`{key}` is `{value}`, not a GUID"),
                "Advisor identifies recommendations and actions by GUIDs: write one".into(),
            );
        }
    };
    guid(get(root, "recommendationTypeId"), "recommendationTypeId");
    guid(
        get(root, "recommendationOfferingId"),
        "recommendationOfferingId",
    );
    for action in get_array(root, "actions")
        .into_iter()
        .flat_map(|a| a.elements.iter())
    {
        if let Value::Object(action) = action {
            guid(get(action, "actionId"), "actionId");
        }
    }
    if let Some(Value::Object(meta)) = get(root, "resourceMetadata").map(|p| &p.value)
        && let Some(Value::Object(action)) = get(meta, "action").map(|p| &p.value)
    {
        guid(get(action, "actionId"), "actionId");
    }
    if let Some(Value::Object(owner)) = get(root, "owner").map(|p| &p.value) {
        guid(get(owner, "serviceTreeId"), "serviceTreeId");
    }
    for (key, known) in [
        ("recommendationCategory", &CATEGORIES[..]),
        ("recommendationImpact", &IMPACTS[..]),
    ] {
        let Some(p) = get(root, key) else { continue };
        let value = scalar(&p.value).unwrap_or_default();
        if value.trim().is_empty() || known.iter().any(|k| k.eq_ignore_ascii_case(value.trim())) {
            continue;
        }
        report(
            p,
            format!("`{key}` is `{value}`, which Advisor does not know"),
            format!("one of: {}", known.join(", ")),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::check::rules::payload::run_on;

    const GOOD: &str = r#"{"recommendationTypeId": "42dbf883-9e4b-4f84-9da4-232b87c4b5e9",
        "recommendationOfferingId": "c6b94711-f1f5-4e7e-9c89-c17ed4190969",
        "recommendationCategory": "HighAvailability", "recommendationImpact": "medium",
        "owner": {"serviceTreeId": "734379f9-2d2c-48d4-a52a-5c509f699de4"},
        "actions": [{"actionId": "86df9c85-0d11-4468-b58a-34e1c745e252"}],
        "resourceMetadata": {"action": {"actionId": "0574d759-144a-4fdc-9201-83370c3bd756"}}}"#;

    #[test]
    fn a_well_formed_recommendation_passes() {
        assert!(run_on("advisorRecommendationMetadata", GOOD, check).is_empty());
    }

    #[test]
    fn ids_that_are_no_guid_and_unknown_categories_are_errors() {
        let bad = GOOD
            .replace("42dbf883-9e4b-4f84-9da4-232b87c4b5e9", "vm-right-size")
            .replace(
                "86df9c85-0d11-4468-b58a-34e1c745e252",
                "86df9c85-0d11-4468-b58a",
            )
            .replace("734379f9-2d2c-48d4-a52a-5c509f699de4", "{734379f9}")
            .replace("HighAvailability", "Reliability!")
            .replace("medium", "Severe");
        let d = run_on("advisorRecommendationMetadata", &bad, check);
        assert_eq!(d.len(), 5, "{d:?}");
        // Only for advisor recommendations.
        assert!(run_on("generic", &bad, check).is_empty());
    }
}
