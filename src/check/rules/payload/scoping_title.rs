use jsonc_parser::ast::Value;

use crate::base::diagnostic::Diagnostic;
use crate::source::model::SelfHelpType;

use super::{PayloadContext, get};

declare_rule! {
    /// A problemScopingQuestions form has no `title`.
    ///
    /// Why: the portal shows the title above the questions; without it the form starts with
    /// no heading. Most forms have one.
    /// Example: `{"$schema": "SelfHelpContent", "formElements": [...]}`.
    pub SCOPING_TITLE = ("SH507", "scoping-title-missing", Warning);
}

pub fn check(cx: &PayloadContext, out: &mut Vec<Diagnostic>) {
    let Value::Object(root) = cx.root else {
        return;
    };
    if cx.meta.self_help_type != SelfHelpType::ProblemScopingQuestions {
        return;
    }
    let has_title = get(root, "title")
        .and_then(|p| super::scalar(&p.value))
        .is_some_and(|t| !t.trim().is_empty());
    if !has_title {
        out.push(
            Diagnostic::new(SCOPING_TITLE, cx.file, "the form has no `title`")
                .at(cx.open_brace(root))
                .help("add `\"title\": \"...\"`, the heading shown above the questions"),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::check::rules::payload::run_on;

    #[test]
    fn missing_title_warns() {
        let d = run_on("problemScopingQuestions", "{\"formElements\": []}", check);
        assert_eq!(d.len(), 1);
    }

    #[test]
    fn title_passes() {
        let j = "{\"title\": \"Tell us more\", \"formElements\": []}";
        assert!(run_on("problemScopingQuestions", j, check).is_empty());
    }
}
