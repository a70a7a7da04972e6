use crate::base::diagnostic::Diagnostic;

use super::ArticleContext;

declare_rule! {
    /// A header value, or an article reference in a payload, is still a placeholder.
    ///
    /// Placeholders: `newGuid`, `comma, seperated, list` (as the templates spell it),
    /// `this is required`, values in angle brackets such as `<your alias>` (and `shelf new`'s
    /// `<fill in: ...>`); in a `commonSolutionArticleId`, also a word that stands for an ID to
    /// come: `Needed`, `TBD`, `TODO`, `N/A`, `none`, `null`, `xxx`.
    /// Why: the article goes live with the placeholder as its metadata, or its link leads
    /// nowhere.
    pub TEMPLATE_PLACEHOLDER = ("SH110", "template-placeholder", Error);
}

const PLACEHOLDERS: [&str; 4] = [
    "newguid",
    "comma, seperated, list",
    "comma, separated, list",
    "this is required",
];

/// Whether a header value is a template placeholder (what this rule reports). Other rules
/// skip such values, so a placeholder is reported once, as a placeholder.
pub fn is_placeholder(value: &str) -> bool {
    let v = value.trim();
    let lower = v.to_ascii_lowercase();
    let bracketed = v.len() > 2 && v.starts_with('<') && v.ends_with('>');
    PLACEHOLDERS.iter().any(|ph| lower.contains(ph)) || bracketed
}

/// Words that stand for an ID not written yet, compared ignoring case and punctuation.
const REFERENCE_PLACEHOLDERS: [&str; 9] = [
    "needed",
    "tbd",
    "todo",
    "na",
    "none",
    "null",
    "xxx",
    "placeholder",
    "fixme",
];

/// Whether an article ID a payload refers to is a placeholder rather than an ID.
pub fn is_reference_placeholder(id: &str) -> bool {
    let letters: String = id
        .chars()
        .filter(char::is_ascii_alphanumeric)
        .collect::<String>()
        .to_ascii_lowercase();
    is_placeholder(id) || REFERENCE_PLACEHOLDERS.contains(&letters.as_str())
}

pub fn check(cx: &ArticleContext, out: &mut Vec<Diagnostic>) {
    for p in &cx.meta.properties {
        let v = p.value.value.trim();
        if is_placeholder(v) {
            out.push(
                Diagnostic::new(
                    TEMPLATE_PLACEHOLDER,
                    cx.file,
                    format!(
                        "`{}` still holds the template placeholder `{v}`",
                        p.key.value
                    ),
                )
                .at(p.value.span.clone())
                .help("replace it with the real value (`shelf new` fills in a fresh articleId)"),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::check::rules::metadata::run_on;

    #[test]
    fn real_values_pass() {
        assert!(
            run_on(
                "articleId=\"abc\" description=\"Use <b> tags & lists\"",
                check
            )
            .is_empty()
        );
    }

    #[test]
    fn placeholders_fail() {
        let d = run_on(
            "articleId=\"newGuid\" supportTopicIds=\"comma, seperated, list\" authors=\"&lt;alias&gt;\"",
            check,
        );
        assert_eq!(d.len(), 3, "{d:?}");
    }
}
