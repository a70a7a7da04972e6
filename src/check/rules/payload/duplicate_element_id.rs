use std::collections::HashMap;

use jsonc_parser::ast::Value;

use crate::base::diagnostic::Diagnostic;
use crate::source::model::SelfHelpType;

use super::{PayloadContext, get, get_array};

declare_rule! {
    /// Two elements of a scoping form share an `id`.
    ///
    /// Why: the answers are keyed by element ID; the second answer overwrites the first in the
    /// support request.
    /// Example: two elements with `"id": "problem_start_time"`.
    pub DUPLICATE_ELEMENT_ID = ("SH508", "duplicate-element-id", Error);
}

pub fn check(cx: &PayloadContext, out: &mut Vec<Diagnostic>) {
    let Value::Object(root) = cx.root else {
        return;
    };
    if cx.meta.self_help_type != SelfHelpType::ProblemScopingQuestions {
        return;
    }
    let mut seen: HashMap<String, usize> = HashMap::new();
    for (i, e) in get_array(root, "formElements")
        .into_iter()
        .flat_map(|a| a.elements.iter())
        .enumerate()
    {
        let Value::Object(e) = e else { continue };
        let Some(p) = get(e, "id") else { continue };
        let Some(id) = super::scalar(&p.value).filter(|id| !id.trim().is_empty()) else {
            continue;
        };
        if let Some(first) = seen.get(&id.to_lowercase()) {
            out.push(
                Diagnostic::new(
                    DUPLICATE_ELEMENT_ID,
                    cx.file,
                    format!(
                        "form element {} has the id `{id}` of element {}",
                        i + 1,
                        first + 1
                    ),
                )
                .at(cx.span(p.range))
                .help("give each element its own id"),
            );
        } else {
            seen.insert(id.to_lowercase(), i);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::check::rules::payload::run_on;

    #[test]
    fn shared_id_is_an_error() {
        let j = r#"{"formElements": [{"id": "a"}, {"id": "b"}, {"id": "A"}]}"#;
        let d = run_on("problemScopingQuestions", j, check);
        assert_eq!(d.len(), 1);
        assert!(d[0].message.contains("element 3"));
    }

    #[test]
    fn distinct_ids_pass() {
        let j = r#"{"formElements": [{"id": "a"}, {"id": "b"}]}"#;
        assert!(run_on("problemScopingQuestions", j, check).is_empty());
    }
}
