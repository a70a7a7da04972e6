use crate::diagnostic::{Diagnostic, Severity};

use super::ArticleContext;

declare_rule! {
    /// A support topic or product ID is not a number or a GUID (error), or is a number of an
    /// unusual length (warning: support topic IDs have 8 digits, product IDs 5).
    ///
    /// Why: the portal matches these IDs exactly; a product name or a truncated number matches
    /// nothing. Example: `productPesIds="Azure Backup"`, `supportTopicIds="3255329"`.
    pub INVALID_ID = ("SH106", "invalid-id", Error);
}

declare_rule! {
    /// A comma-separated list has an empty item (`a,,b`, a trailing comma) or repeats an item.
    ///
    /// Why: empty and repeated items are usually editing leftovers; the fix is safe (drop them).
    /// Example: `supportTopicIds="32553297,,32553297"`.
    pub LIST_ITEM = ("SH107", "empty-or-repeated-list-item", Warning);
}

/// The ID lists and the usual number of digits of their numeric IDs.
const ID_LISTS: [(&str, usize); 2] = [("supportTopicIds", 8), ("productPesIds", 5)];
const LISTS: [&str; 4] = [
    "supportTopicIds",
    "productPesIds",
    "cloudEnvironments",
    "disableClouds",
];

pub fn is_guid(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() == 36
        && b.iter().enumerate().all(|(i, c)| match i {
            8 | 13 | 18 | 23 => *c == b'-',
            _ => c.is_ascii_hexdigit(),
        })
}

pub fn check(cx: &ArticleContext, out: &mut Vec<Diagnostic>) {
    for (key, digits) in ID_LISTS {
        let Some(p) = cx.property(key) else { continue };
        if super::placeholder::is_placeholder(&p.value.value) {
            continue;
        }
        for id in p
            .value
            .value
            .split(',')
            .map(str::trim)
            .filter(|s| !s.is_empty())
        {
            let numeric = id.bytes().all(|b| b.is_ascii_digit());
            let d = if !numeric && !is_guid(id) {
                Diagnostic::new(
                    INVALID_ID,
                    cx.file,
                    format!("{key}: `{id}` is neither a number nor a GUID"),
                )
            } else if numeric && id.len() != digits {
                Diagnostic::new(
                    INVALID_ID,
                    cx.file,
                    format!(
                        "{key}: `{id}` has {} digits; these IDs have {digits}",
                        id.len()
                    ),
                )
                .severity(Severity::Warning)
            } else {
                continue;
            };
            out.push(d.at(p.value.span.clone()));
        }
    }
    for key in LISTS {
        let Some(p) = cx.property(key) else { continue };
        if super::placeholder::is_placeholder(&p.value.value) {
            continue;
        }
        let value = &p.value.value;
        let items: Vec<String> = value
            .split(',')
            .map(|s| s.trim().to_ascii_lowercase())
            .collect();
        if items.len() < 2 && items.iter().all(|i| i.is_empty()) {
            continue; // an empty value is not a list problem
        }
        let empty = items.iter().any(String::is_empty);
        let repeated = items
            .iter()
            .enumerate()
            .find(|(i, item)| !item.is_empty() && items[..*i].contains(item));
        let padded = value.trim() != value;
        let problem = match (empty, repeated, padded) {
            (true, _, _) => "has an empty item".to_string(),
            (false, Some((_, item)), _) => format!("repeats `{item}`"),
            (false, None, true) => "has spaces around its value".to_string(),
            (false, None, false) => continue,
        };
        let mut d = Diagnostic::new(LIST_ITEM, cx.file, format!("{key} {problem}"))
            .at(p.value.span.clone())
            .help("write each item once, separated by single commas");
        // The fix rewrites the value from its items; only when the file holds it verbatim
        // (no entities), so nothing but separators and spaces can change.
        if cx.text[p.value.span.clone()] == **value {
            let tidy = tidy_list(value);
            d = d.fix(
                p.value.span.clone(),
                tidy.clone(),
                format!("{key}=\"{tidy}\""),
            );
        }
        out.push(d);
    }
}

/// A list with its items trimmed, empty and repeated items (ignoring case) dropped, joined the
/// way the file joins them (`, ` when it puts a space after commas, else `,`).
pub fn tidy_list(value: &str) -> String {
    let separator = if value.contains(", ") { ", " } else { "," };
    let mut kept: Vec<&str> = Vec::new();
    for item in value.split(',').map(str::trim).filter(|s| !s.is_empty()) {
        if !kept.iter().any(|k| k.eq_ignore_ascii_case(item)) {
            kept.push(item);
        }
    }
    kept.join(separator)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::metadata::run_on;

    #[test]
    fn numbers_and_guids_pass() {
        let d = run_on(
            "supportTopicIds=\"32553297, 0a1b2c3d-0000-4000-8000-00000000abcd\" productPesIds=\"15207\" cloudEnvironments=\"public, fairfax\"",
            check,
        );
        assert!(d.is_empty(), "{d:?}");
    }

    #[test]
    fn names_are_errors_and_odd_lengths_warnings() {
        let d = run_on(
            "supportTopicIds=\"3255329\" productPesIds=\"Azure Backup\"",
            check,
        );
        assert_eq!(d.len(), 2);
        assert_eq!((d[0].code, d[0].severity), ("SH106", Severity::Warning));
        assert_eq!((d[1].code, d[1].severity), ("SH106", Severity::Error));
    }

    #[test]
    fn empty_and_repeated_items_are_warned() {
        let d = run_on(
            "supportTopicIds=\"32553297,,32553298\" cloudEnvironments=\"public, Public\" productPesIds=\"\"",
            check,
        );
        assert_eq!(
            d.iter().map(|d| d.code).collect::<Vec<_>>(),
            ["SH107", "SH107"]
        );
        assert!(d[1].message.contains("repeats `public`"));
        let fixes: Vec<_> = d
            .iter()
            .map(|d| d.fix.as_ref().unwrap().replacement.as_str())
            .collect();
        assert_eq!(fixes, ["32553297,32553298", "public"]);
    }

    #[test]
    fn tidy_list_keeps_the_separator_style() {
        assert_eq!(tidy_list(" a, b,, A ,c, "), "a, b, c");
        assert_eq!(tidy_list("1,,2,"), "1,2");
        assert_eq!(tidy_list(" 923d6b56"), "923d6b56");
    }
}
