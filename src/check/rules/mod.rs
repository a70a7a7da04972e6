//! The rule catalog: every problem shelf reports has a stable code and a kebab-case name here.
//!
//! Codes are grouped by what they look at: `SH0xx` the file and its header, `SH1xx` metadata
//! values, `SH2xx` identity across articles, `SH3xx` body structure, `SH4xx` links, `SH5xx`
//! type payloads. A code is never reused for another meaning.

pub use crate::base::diagnostic::Rule;

pub mod body;
pub mod file;
pub mod identity;
pub mod levels;
pub mod links;
pub mod metadata;
pub mod payload;
pub mod suppress;

pub use metadata::required_property::MISSING_REQUIRED_PROPERTY;

pub use crate::base::source_rules::*;

/// Runs every body rule and every link rule on one article (they read the same context).
pub fn check_body(cx: &body::BodyContext, out: &mut Vec<crate::base::diagnostic::Diagnostic>) {
    body::check(cx, out);
    links::check(cx, out);
}

/// The candidate closest to `input` (Jaro-Winkler similarity, ASCII case ignored) among those
/// scoring at least `min`, and whether it is a clear winner (no other within 0.05) — which is
/// what makes replacing `input` by it a safe fix. Used for "did you mean" everywhere.
pub fn closest<'a>(
    input: &str,
    candidates: impl IntoIterator<Item = &'a str>,
    min: f64,
) -> Option<(&'a str, bool)> {
    let input = input.trim().to_ascii_lowercase();
    let mut scored: Vec<(f64, &str)> = candidates
        .into_iter()
        .map(|c| (strsim::jaro_winkler(&input, &c.to_ascii_lowercase()), c))
        .filter(|(score, _)| *score >= min)
        .collect();
    scored.sort_by(|a, b| b.0.total_cmp(&a.0));
    match scored.as_slice() {
        [] => None,
        [(_, only)] => Some((only, true)),
        [(best, c), (second, _), ..] => Some((c, best - second > 0.05)),
    }
}

/// The group a rule code belongs to, for listings.
pub fn group(code: &str) -> &'static str {
    match code.get(..3) {
        Some("SH0") => "File and header",
        Some("SH1") => "Metadata values",
        Some("SH2") => "Identity and cross-article",
        Some("SH3") => "Body structure",
        Some("SH4") => "Links",
        Some("SH5") => "Type payloads",
        _ => "Other",
    }
}

/// Every rule, in code order.
pub const ALL: &[Rule] = &[
    FILE_UNREADABLE,
    FILE_NOT_UTF8,
    HEADER_NOT_FOUND,
    HEADER_NOT_CLOSED,
    TEXT_BEFORE_HEADER,
    ATTRIBUTE_SYNTAX,
    UNESCAPED_AMPERSAND,
    DUPLICATE_PROPERTY,
    EMPTY_FILE,
    file::merge_conflict::MERGE_CONFLICT_MARKER,
    file::invisible_character::INVISIBLE_CHARACTER,
    file::multiline_value::MULTILINE_VALUE,
    crate::source::read::LARGE_FILE,
    crate::source::read::FILE_TOO_LARGE,
    SYMLINK_OUTSIDE_SOURCE,
    INVISIBLE_BEFORE_HEADER,
    file::invisible_character::INVISIBLE_CHARACTER_IN_TEXT,
    suppress::UNUSED_SUPPRESSION,
    suppress::UNKNOWN_RULE_IN_SUPPRESSION,
    MISSING_REQUIRED_PROPERTY,
    metadata::unknown_property::MISSPELLED_PROPERTY,
    metadata::unknown_property::UNKNOWN_PROPERTY,
    metadata::self_help_type::UNKNOWN_SELF_HELP_TYPE,
    metadata::cloud::UNKNOWN_CLOUD,
    metadata::id_list::INVALID_ID,
    metadata::id_list::LIST_ITEM,
    metadata::display_order::DISPLAY_ORDER,
    metadata::article_id::MALFORMED_ARTICLE_ID,
    metadata::placeholder::TEMPLATE_PLACEHOLDER,
    metadata::id_list::TOO_MANY_IDS,
    metadata::required_property::MISSING_RECOMMENDED_PROPERTY,
    metadata::id_list::UNUSUAL_ID_LENGTH,
    metadata::value_form::MALFORMED_VALUE,
    DUPLICATE_ARTICLE_ID,
    OUTPUT_PATH_COLLISION,
    identity::unknown_solution_article::UNKNOWN_SOLUTION_ARTICLE,
    identity::long_file_name::LONG_FILE_NAME,
    identity::duplicate_file_name::DUPLICATE_FILE_NAME,
    identity::removed_solution_article::REMOVED_SOLUTION_ARTICLE,
    body::missing_h1::MISSING_H1,
    body::h1_without_space::H1_WITHOUT_SPACE,
    body::empty_h1::EMPTY_H1,
    body::heading_before_h1::HEADING_BEFORE_H1,
    body::recommended_heading::RECOMMENDED_HEADING,
    body::reserved_bold_h2::RESERVED_BOLD_H2,
    body::table::TABLE,
    body::alert_block::ALERT_BLOCK,
    body::include::INCLUDE,
    body::list_too_deep::LIST_TOO_DEEP,
    body::list_after_paragraph::LIST_AFTER_PARAGRAPH,
    body::code_fence_language::CODE_FENCE_LANGUAGE,
    body::unclosed_code_fence::UNCLOSED_CODE_FENCE,
    body::nesting_too_deep::NESTING_TOO_DEEP,
    body::template_todo::TEMPLATE_TODO,
    body::missing_issue_description::MISSING_ISSUE_DESCRIPTION,
    body::unbalanced_issue_description::UNBALANCED_ISSUE_DESCRIPTION,
    body::multiple_issue_descriptions::MULTIPLE_ISSUE_DESCRIPTIONS,
    body::link_in_issue_description::LINK_IN_ISSUE_DESCRIPTION,
    body::emphasis_in_issue_description::EMPHASIS_IN_ISSUE_DESCRIPTION,
    body::token_syntax::TOKEN_SYNTAX,
    body::unexpected_token::UNEXPECTED_TOKEN,
    body::unsafe_html::UNSAFE_HTML,
    body::token_in_attribute::TOKEN_IN_ATTRIBUTE,
    links::locale::LINK_LOCALE,
    links::review_host::REVIEW_HOST,
    links::short_link::SHORT_LINK,
    links::empty_target::EMPTY_LINK_TARGET,
    links::in_page_anchor::IN_PAGE_ANCHOR,
    links::malformed_link::MALFORMED_LINK,
    links::data_blade::MALFORMED_DATA_BLADE,
    links::local_link::LOCAL_LINK,
    links::outside_source::LINK_OUTSIDE_SOURCE,
    links::script_link::SCRIPT_LINK,
    links::no_scheme::LINK_WITHOUT_SCHEME,
    PAYLOAD_MISSING,
    PAYLOAD_INVALID_JSON,
    PAYLOAD_LENIENT_JSON,
    payload::schema::PAYLOAD_SCHEMA,
    payload::repeated_key::REPEATED_KEY,
    payload::missing_field::MISSING_PAYLOAD_FIELD,
    payload::scoping_title::SCOPING_TITLE,
    payload::duplicate_element_id::DUPLICATE_ELEMENT_ID,
    payload::control_type::UNKNOWN_CONTROL_TYPE,
    payload::advisor_field::ADVISOR_FIELD,
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn closest_names_a_clear_winner() {
        assert_eq!(
            closest("Mooncak", ["public", "mooncake"], 0.85),
            Some(("mooncake", true))
        );
        assert_eq!(closest("azure", ["public", "mooncake"], 0.85), None);
        assert_eq!(closest("ab", ["abc", "abd"], 0.5), Some(("abc", false)));
    }

    #[test]
    fn codes_and_names_are_unique_and_well_formed() {
        let mut codes: Vec<_> = ALL.iter().map(|r| r.code).collect();
        codes.sort();
        codes.dedup();
        assert_eq!(codes.len(), ALL.len());
        for rule in ALL {
            assert!(rule.code.starts_with("SH") && rule.code.len() == 5);
            assert!(
                rule.name
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b == b'-' || b.is_ascii_digit())
            );
        }
    }
}
