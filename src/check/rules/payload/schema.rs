use jsonc_parser::ast::Value;

use crate::base::diagnostic::Diagnostic;
use crate::source::model::SelfHelpType;

use super::{PayloadContext, get};

declare_rule! {
    /// The payload's `$schema` is missing or is not the one its type uses.
    ///
    /// Why: the publishing pipeline picks the validator and the store by `$schema`:
    /// `AdvisorRecommendation` for advisorRecommendationMetadata, `SelfHelpContent` for the
    /// other payload types.
    /// Example: `"$schema": "SelfHelpContent"` in an advisor recommendation.
    pub PAYLOAD_SCHEMA = ("SH504", "payload-schema", Error);
}

/// The `$schema` a type's payload declares.
pub fn expected(t: &SelfHelpType) -> Option<&'static str> {
    match t {
        SelfHelpType::AdvisorRecommendationMetadata => Some("AdvisorRecommendation"),
        t if t.has_payload() => Some("SelfHelpContent"),
        _ => None,
    }
}

pub fn check(cx: &PayloadContext, out: &mut Vec<Diagnostic>) {
    let (Some(want), Value::Object(root)) = (expected(&cx.meta.self_help_type), cx.root) else {
        return;
    };
    let help = format!("write `\"$schema\": \"{want}\"` as the payload's first key");
    match get(root, "$schema") {
        None => out.push(
            Diagnostic::new(PAYLOAD_SCHEMA, cx.file, "the payload has no `$schema`")
                .at(cx.open_brace(root))
                .help(help),
        ),
        Some(p) => {
            let found = super::scalar(&p.value).unwrap_or_default();
            if !found.trim().eq_ignore_ascii_case(want) {
                out.push(
                    Diagnostic::new(
                        PAYLOAD_SCHEMA,
                        cx.file,
                        format!(
                            "`$schema` is \"{found}\"; a {} payload uses \"{want}\"",
                            cx.meta.self_help_type.as_str()
                        ),
                    )
                    .at(cx.span(p.range))
                    .help(help),
                );
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::check::rules::payload::run_on;

    #[test]
    fn missing_or_wrong_schema_is_an_error() {
        assert_eq!(run_on("diagnoseandsolve", "{\"a\": 1}", check).len(), 1);
        let d = run_on(
            "advisorRecommendationMetadata",
            "{\"$schema\": \"SelfHelpContent\"}",
            check,
        );
        assert!(d[0].message.contains("AdvisorRecommendation"));
    }

    #[test]
    fn right_schema_passes() {
        let j = "{\"$schema\": \"SelfHelpContent\"}";
        assert!(run_on("problemScopingQuestions", j, check).is_empty());
    }
}
