//! The rule catalog: every problem shelf reports has a stable code and a kebab-case name here.
//!
//! Codes are grouped by what they look at: `SH0xx` the file and its header, `SH1xx` metadata
//! values, `SH2xx` identity across articles, `SH3xx` body structure, `SH4xx` links, `SH5xx`
//! type payloads. A code is never reused for another meaning.

pub use crate::diagnostic::Rule;

/// Declares a rule. Its doc comment is the rule's documentation: rustdoc shows it, and so does
/// `shelf rules`, because the macro keeps it as a string. The first line is the summary.
macro_rules! declare_rule {
    ($(#[doc = $doc:literal])* $vis:vis $name:ident = ($code:literal, $kebab:literal, $severity:ident);) => {
        $(#[doc = $doc])*
        $vis const $name: $crate::diagnostic::Rule = $crate::diagnostic::Rule {
            code: $code,
            name: $kebab,
            severity: $crate::diagnostic::Severity::$severity,
            doc: concat!($($doc, "\n"),*),
        };
    };
}

pub mod body;
pub mod file;
pub mod identity;
pub mod levels;
pub mod links;
pub mod metadata;
pub mod payload;
pub mod suppress;

pub use metadata::required_property::MISSING_REQUIRED_PROPERTY;

declare_rule! {
    /// The file or folder could not be read (permissions, symlink loop, I/O error).
    pub FILE_UNREADABLE = ("SH001", "file-unreadable", Error);
}
declare_rule! {
    /// A symlink in the source folder leads outside it; it is not read.
    ///
    /// Why: a tree checked in CI comes from anyone who opens a pull request, and a link such as
    /// `notes.md -> /proc/self/environ` would make shelf print the machine's secrets in its
    /// report and publish them in the site. Links that stay inside the source are followed.
    /// Example: `shared -> ../../other-repo/articles`. Set `follow-outside-symlinks = true` in
    /// shelf.toml to read such links in a tree you trust.
    pub SYMLINK_OUTSIDE_SOURCE = ("SH015", "symlink-outside-source", Error);
}
declare_rule! {
    /// The file is not valid UTF-8 (or holds NUL bytes, as binary files do).
    pub FILE_NOT_UTF8 = ("SH002", "file-not-utf8", Error);
}
declare_rule! {
    /// No `<properties .../>` header was found at the top of the file.
    pub HEADER_NOT_FOUND = ("SH003", "header-not-found", Error);
}
declare_rule! {
    /// The `<properties` header never ends, or ends with `>` instead of `/>`.
    pub HEADER_NOT_CLOSED = ("SH004", "header-not-closed", Error);
}
declare_rule! {
    /// Text other than a BOM, whitespace or HTML comments comes before the header.
    pub TEXT_BEFORE_HEADER = ("SH005", "text-before-header", Error);
}
declare_rule! {
    /// An invisible character (a second byte-order mark, a zero-width space) comes before the
    /// header.
    ///
    /// Why: an editor added a BOM to a file that had one. Readers and shelf see nothing, but
    /// strict tools may not find the header behind it; the fix deletes it.
    /// Example: a file starting with two UTF-8 BOMs.
    pub INVISIBLE_BEFORE_HEADER = ("SH016", "invisible-character-before-header", Warning);
}
declare_rule! {
    /// A header attribute is malformed: missing `=`, unquoted value, missing closing quote.
    pub ATTRIBUTE_SYNTAX = ("SH006", "attribute-syntax", Error);
}
declare_rule! {
    /// A header value holds a raw `&` or an unknown entity; it is read literally.
    pub UNESCAPED_AMPERSAND = ("SH007", "unescaped-ampersand", Warning);
}
declare_rule! {
    /// The same header key appears twice (keys are case-insensitive); the first one is used.
    pub DUPLICATE_PROPERTY = ("SH008", "duplicate-property", Error);
}
declare_rule! {
    /// The file is empty or holds only whitespace.
    pub EMPTY_FILE = ("SH009", "empty-file", Error);
}

declare_rule! {
    /// Two files share one articleId (ignoring case). Both are reported; one is built: the
    /// file whose page the last build to the output published, else the first by path, so
    /// a new file never silently takes over an existing page.
    ///
    /// Why: the portal finds an article by its articleId; two articles with one ID mean one
    /// of them is never shown.
    pub DUPLICATE_ARTICLE_ID = ("SH201", "duplicate-article-id", Error);
}
declare_rule! {
    /// Two articles would be written to the same page URL. Both are reported; one is built, as
    /// for SH201. Why: one page would overwrite the other.
    pub OUTPUT_PATH_COLLISION = ("SH202", "output-path-collision", Error);
}

declare_rule! {
    /// The selfHelpType carries a JSON payload between `---` lines, and none was found.
    pub PAYLOAD_MISSING = ("SH501", "payload-missing", Error);
}
declare_rule! {
    /// The JSON payload does not parse, even leniently.
    pub PAYLOAD_INVALID_JSON = ("SH502", "payload-invalid-json", Error);
}
declare_rule! {
    /// The JSON payload parses only leniently (comments or trailing commas).
    pub PAYLOAD_LENIENT_JSON = ("SH503", "payload-lenient-json", Warning);
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
    file::size::LARGE_FILE,
    file::size::FILE_TOO_LARGE,
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
