use jsonc_parser::ast::{Object, Value};

use crate::base::diagnostic::Diagnostic;
use crate::source::model::SelfHelpType;

use super::{PayloadContext, get, get_array};

declare_rule! {
    /// A field the payload's type requires is missing or empty.
    ///
    /// A field is missing when its key is absent; an `id` also when it is null or empty text.
    /// Required: problemScopingQuestions `formElements`, each element `id`, `order`,
    /// `controlType`, `displayLabel` (not for info blocks) and its options (`dropdownOptions`
    /// or `dynamicDropdownOptions` for dropdowns, `radioButtonOptions` for radio buttons);
    /// supportTopicDescription `shortDescription`, `longDescription`, `supportTopics`, each
    /// topic `id` and `shortDescription`; diagnoseandsolve `commonProblems`, each `id` and
    /// `title`; advisorRecommendationMetadata `recommendationTypeId`, `recommendationCategory`,
    /// `recommendationImpact`, `recommendationResourceType`, `recommendationFriendlyName`,
    /// `description` and `actions`. Keys match in any case, as the portal reads them.
    /// Why: the portal cannot show a form element without a label, or a topic without an ID.
    /// Example: `{"id": "problem_start_time", "order": 1, "displayLabel": "When?"}` without
    /// `controlType`.
    pub MISSING_PAYLOAD_FIELD = ("SH506", "missing-payload-field", Error);
}

const ADVISOR: &[&str] = &[
    "recommendationTypeId",
    "recommendationCategory",
    "recommendationImpact",
    "recommendationResourceType",
    "recommendationFriendlyName",
    "description",
    "actions",
];

pub fn check(cx: &PayloadContext, out: &mut Vec<Diagnostic>) {
    let Value::Object(root) = cx.root else {
        return;
    };
    match cx.meta.self_help_type {
        SelfHelpType::ProblemScopingQuestions => {
            require(cx, root, "the form", &["formElements"], out);
            for (i, e) in objects(root, "formElements") {
                let what = format!("form element {}", i + 1);
                let control = get(e, "controlType")
                    .and_then(|p| super::scalar(&p.value))
                    .unwrap_or_default()
                    .to_ascii_lowercase();
                let mut keys = vec!["id", "order", "controlType"];
                if !matches!(control.as_str(), "infoblock" | "textblock") {
                    keys.push("displayLabel");
                }
                require(cx, e, &what, &keys, out);
                let options: &[&str] = match control.as_str() {
                    "dropdown" | "multiselectdropdown" => {
                        &["dropdownOptions", "dynamicDropdownOptions"]
                    }
                    "radiobuttongroup" => &["radioButtonOptions"],
                    _ => &[],
                };
                if !options.is_empty() && !options.iter().any(|k| present(e, k)) {
                    report(cx, e, &what, &options.join("` or `"), out);
                }
            }
        }
        SelfHelpType::SupportTopicDescription => {
            let keys = ["shortDescription", "longDescription", "supportTopics"];
            require(cx, root, "the description", &keys, out);
            for (i, t) in objects(root, "supportTopics") {
                require(
                    cx,
                    t,
                    &format!("support topic {}", i + 1),
                    &["id", "shortDescription"],
                    out,
                );
            }
        }
        SelfHelpType::DiagnoseAndSolve => {
            require(cx, root, "the payload", &["commonProblems"], out);
            for (i, p) in objects(root, "commonProblems") {
                require(
                    cx,
                    p,
                    &format!("common problem {}", i + 1),
                    &["id", "title"],
                    out,
                );
            }
        }
        SelfHelpType::AdvisorRecommendationMetadata => {
            require(cx, root, "the recommendation", ADVISOR, out);
        }
        _ => {}
    }
}

/// The objects in the array under `key`, numbered.
fn objects<'a, 'b>(o: &'b Object<'a>, key: &str) -> impl Iterator<Item = (usize, &'b Object<'a>)> {
    get_array(o, key)
        .into_iter()
        .flat_map(|a| a.elements.iter())
        .enumerate()
        .filter_map(|(i, v)| match v {
            Value::Object(o) => Some((i, o)),
            _ => None,
        })
}

/// Present; an `id` must also have a value. (Other fields are empty or null in many
/// published payloads, e.g. `"longDescription": null`, and the portal shows them as empty.)
fn present(o: &Object, key: &str) -> bool {
    match get(o, key).map(|p| &p.value) {
        None => false,
        Some(Value::NullKeyword(_)) if key == "id" => false,
        Some(Value::StringLit(s)) if key == "id" => !s.value.trim().is_empty(),
        Some(_) => true,
    }
}

fn require(cx: &PayloadContext, o: &Object, what: &str, keys: &[&str], out: &mut Vec<Diagnostic>) {
    for key in keys {
        if !present(o, key) {
            report(cx, o, what, key, out);
        }
    }
}

fn report(cx: &PayloadContext, o: &Object, what: &str, key: &str, out: &mut Vec<Diagnostic>) {
    let (message, span) = match get(o, key.split('`').next().unwrap_or(key)) {
        Some(p) => (format!("{what}: `{key}` is empty"), cx.span(p.range)),
        None => (format!("{what} has no `{key}`"), cx.open_brace(o)),
    };
    out.push(
        Diagnostic::new(MISSING_PAYLOAD_FIELD, cx.file, message)
            .at(span)
            .help(format!(
                "add `{key}` (`shelf rules SH506` lists what each type needs)"
            )),
    );
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::check::rules::payload::run_on;

    #[test]
    fn scoping_element_without_control_type_is_an_error() {
        let j = r#"{"formElements": [{"id": "a", "order": 1, "displayLabel": "A"},
            {"id": "b", "order": 2, "controlType": "dropdown", "displayLabel": "B"},
            {"id": "c", "order": 3, "controltype": "infoblock"}]}"#;
        let d = run_on("problemScopingQuestions", j, check);
        assert_eq!(d.len(), 2, "{d:?}");
        assert!(d[0].message.contains("form element 1 has no `controlType`"));
        assert!(d[1].message.contains("dropdownOptions"));
    }

    #[test]
    fn complete_payloads_pass() {
        let j = r#"{"formElements": [{"ID": "a", "order": 1, "controlType": "dropdown",
            "displayLabel": "A", "DropdownOptions": [{"value": "x", "text": "X"}]}]}"#;
        assert!(run_on("problemScopingQuestions", j, check).is_empty());
        let j = r#"{"shortDescription": "s", "longDescription": "l",
            "supportTopics": [{"id": "32553297", "shortDescription": "t"}]}"#;
        assert!(run_on("supportTopicDescription", j, check).is_empty());
    }

    #[test]
    fn topic_without_id_is_an_error() {
        let j = r#"{"shortDescription": "s", "longDescription": "l",
            "supportTopics": [{"id": "", "shortDescription": ""}]}"#;
        let d = run_on("supportTopicDescription", j, check);
        assert_eq!(d.len(), 1);
        assert!(d[0].message.contains("support topic 1: `id` is empty"));
    }
}
