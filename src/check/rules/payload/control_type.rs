use jsonc_parser::ast::Value;

use crate::base::diagnostic::Diagnostic;
use crate::source::model::SelfHelpType;

use super::{PayloadContext, get, get_array};

declare_rule! {
    /// A scoping form element has a `controlType` the portal does not know.
    ///
    /// Known, in any case: dropdown, multiselectdropdown, textbox, multilinetextbox,
    /// numerictextbox, datetimepicker, radiobuttongroup, infoblock, textblock.
    /// Why: an unknown control is not shown, so the question is never asked.
    /// Example: `"controlType": "dropdownlist"`.
    pub UNKNOWN_CONTROL_TYPE = ("SH509", "unknown-control-type", Error);
}

pub const KNOWN: [&str; 9] = [
    "dropdown",
    "multiselectdropdown",
    "textbox",
    "multilinetextbox",
    "numerictextbox",
    "datetimepicker",
    "radiobuttongroup",
    "infoblock",
    "textblock",
];

pub fn check(cx: &PayloadContext, out: &mut Vec<Diagnostic>) {
    let Value::Object(root) = cx.root else {
        return;
    };
    if cx.meta.self_help_type != SelfHelpType::ProblemScopingQuestions {
        return;
    }
    for e in get_array(root, "formElements")
        .into_iter()
        .flat_map(|a| a.elements.iter())
    {
        let Value::Object(e) = e else { continue };
        let Some(p) = get(e, "controlType") else {
            continue;
        };
        let control = super::scalar(&p.value).unwrap_or_default();
        if control.trim().is_empty() || KNOWN.iter().any(|k| k.eq_ignore_ascii_case(control.trim()))
        {
            continue;
        }
        let closest = crate::check::rules::closest(&control, KNOWN, 0.85)
            .map(|(k, _)| format!("did you mean `{k}`? "))
            .unwrap_or_default();
        out.push(
            Diagnostic::new(
                UNKNOWN_CONTROL_TYPE,
                cx.file,
                format!("unknown controlType `{control}`"),
            )
            .at(cx.span(p.range))
            .help(format!("{closest}known: {}", KNOWN.join(", "))),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::check::rules::payload::run_on;

    #[test]
    fn unknown_control_is_an_error() {
        let j = r#"{"formElements": [{"controlType": "dropdownlist"}]}"#;
        let d = run_on("problemScopingQuestions", j, check);
        assert_eq!(d.len(), 1);
        assert!(
            d[0].help
                .as_deref()
                .unwrap()
                .contains("did you mean `dropdown`")
        );
    }

    #[test]
    fn known_controls_pass_in_any_case() {
        let j = r#"{"formElements": [{"controlType": "radioButtonGroup"}, {"controltype": "TextBox"}]}"#;
        assert!(run_on("problemScopingQuestions", j, check).is_empty());
    }
}
