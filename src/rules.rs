//! The rule catalog: every problem shelf reports has a stable code and a kebab-case name here.
//!
//! Codes are grouped by what they look at: `SH0xx` the file and its header, `SH1xx` metadata
//! values, `SH2xx` identity across articles, `SH3xx` body structure, `SH4xx` links, `SH5xx`
//! type payloads. A code is never reused for another meaning.

use crate::diagnostic::{Rule, Severity::*};

pub const FILE_UNREADABLE: Rule = Rule {
    code: "SH001",
    name: "file-unreadable",
    severity: Error,
    summary: "The file or folder could not be read (permissions, symlink loop, I/O error).",
};
pub const FILE_NOT_UTF8: Rule = Rule {
    code: "SH002",
    name: "file-not-utf8",
    severity: Error,
    summary: "The file is not valid UTF-8 (or holds NUL bytes, as binary files do).",
};
pub const HEADER_NOT_FOUND: Rule = Rule {
    code: "SH003",
    name: "header-not-found",
    severity: Error,
    summary: "No `<properties .../>` header was found at the top of the file.",
};
pub const HEADER_NOT_CLOSED: Rule = Rule {
    code: "SH004",
    name: "header-not-closed",
    severity: Error,
    summary: "The `<properties` header never ends, or ends with `>` instead of `/>`.",
};
pub const TEXT_BEFORE_HEADER: Rule = Rule {
    code: "SH005",
    name: "text-before-header",
    severity: Error,
    summary: "Text other than a BOM, whitespace or HTML comments comes before the header.",
};
pub const ATTRIBUTE_SYNTAX: Rule = Rule {
    code: "SH006",
    name: "attribute-syntax",
    severity: Error,
    summary: "A header attribute is malformed: missing `=`, unquoted value, missing closing quote.",
};
pub const UNESCAPED_AMPERSAND: Rule = Rule {
    code: "SH007",
    name: "unescaped-ampersand",
    severity: Warning,
    summary: "A header value holds a raw `&` or an unknown entity; it is read literally.",
};
pub const DUPLICATE_PROPERTY: Rule = Rule {
    code: "SH008",
    name: "duplicate-property",
    severity: Error,
    summary: "The same header key appears twice (keys are case-insensitive); the first one is used.",
};
pub const EMPTY_FILE: Rule = Rule {
    code: "SH009",
    name: "empty-file",
    severity: Error,
    summary: "The file is empty or holds only whitespace.",
};

pub const MISSING_REQUIRED_PROPERTY: Rule = Rule {
    code: "SH101",
    name: "missing-required-property",
    severity: Error,
    summary: "A property the article's selfHelpType requires is missing or empty.",
};

pub const DUPLICATE_ARTICLE_ID: Rule = Rule {
    code: "SH201",
    name: "duplicate-article-id",
    severity: Error,
    summary: "Two files share one articleId (ignoring case); only the first is built.",
};
pub const OUTPUT_PATH_COLLISION: Rule = Rule {
    code: "SH202",
    name: "output-path-collision",
    severity: Error,
    summary: "Two articles would be written to the same page URL; only the first is built.",
};

pub const PAYLOAD_MISSING: Rule = Rule {
    code: "SH501",
    name: "payload-missing",
    severity: Error,
    summary: "The selfHelpType carries a JSON payload between `---` lines, and none was found.",
};
pub const PAYLOAD_INVALID_JSON: Rule = Rule {
    code: "SH502",
    name: "payload-invalid-json",
    severity: Error,
    summary: "The JSON payload does not parse, even leniently.",
};
pub const PAYLOAD_LENIENT_JSON: Rule = Rule {
    code: "SH503",
    name: "payload-lenient-json",
    severity: Warning,
    summary: "The JSON payload parses only leniently (comments or trailing commas).",
};

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
    MISSING_REQUIRED_PROPERTY,
    DUPLICATE_ARTICLE_ID,
    OUTPUT_PATH_COLLISION,
    PAYLOAD_MISSING,
    PAYLOAD_INVALID_JSON,
    PAYLOAD_LENIENT_JSON,
];

#[cfg(test)]
mod tests {
    use super::*;

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
