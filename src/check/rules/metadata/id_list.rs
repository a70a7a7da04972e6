use crate::base::diagnostic::Diagnostic;

use super::ArticleContext;

declare_rule! {
    /// A support topic or product ID is neither a number nor a GUID.
    ///
    /// Why: the portal matches these IDs exactly; a product name matches nothing, and the
    /// article is filed under no topic or product. Example: `productPesIds="Azure Backup"`.
    pub INVALID_ID = ("SH106", "invalid-id", Error);
}

declare_rule! {
    /// A support topic or product ID is a number of an unusual length (support topic IDs have
    /// 8 digits, product IDs 5).
    ///
    /// Why: usually a digit lost or added in copying, which files the article under another
    /// topic or none; but longer and shorter IDs exist, so it is a warning.
    /// Example: `supportTopicIds="3255329"`.
    pub UNUSUAL_ID_LENGTH = ("SH113", "unusual-id-length", Warning);
}

declare_rule! {
    /// A comma-separated list has an empty item (`a,,b`, a trailing comma) or repeats an item.
    ///
    /// Why: empty and repeated items are usually editing leftovers; the fix is safe (drop them).
    /// Example: `supportTopicIds="32553297,,32553297"`.
    pub LIST_ITEM = ("SH107", "empty-or-repeated-list-item", Warning);
}

declare_rule! {
    /// A support topic or product ID list holds more than 256 IDs; only the first 256 are used.
    ///
    /// Why: the most any published article lists is under fifty; thousands are a paste error,
    /// and every ID becomes a page that lists the article, so the site would grow with the
    /// square of the list. The rest of the list is left out of the site.
    /// Example: `supportTopicIds` holding a whole export of topic IDs.
    pub TOO_MANY_IDS = ("SH111", "too-many-ids", Error);
}

/// The most IDs of one list an article is indexed under (see [`TOO_MANY_IDS`]).
pub const MAX_IDS: usize = 256;

/// Cuts the ID lists of `meta` to [`MAX_IDS`], reporting each list that was longer. Run on every
/// parse, so that no stage downstream handles more.
pub fn cap(
    meta: &mut crate::source::model::Metadata,
    file: &std::path::Path,
    out: &mut Vec<Diagnostic>,
) {
    for (key, ids) in [
        ("supportTopicIds", &mut meta.support_topic_ids),
        ("productPesIds", &mut meta.product_pes_ids),
    ] {
        if ids.len() <= MAX_IDS {
            continue;
        }
        let total = ids.len();
        ids.truncate(MAX_IDS);
        let span = meta
            .properties
            .iter()
            .find(|p| p.key.value.eq_ignore_ascii_case(key))
            .map(|p| p.value.span.clone());
        let mut d = Diagnostic::new(
            TOO_MANY_IDS,
            file,
            format!("{key} lists {total} IDs; only the first {MAX_IDS} are used"),
        )
        .help("list the topics or products this article answers, not all of them");
        if let Some(span) = span {
            d = d.at(span.start..span.start);
        }
        out.push(d);
    }
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
        // Each ID is pointed at where the file holds the value as read (no entities in it).
        let verbatim = cx.text.get(p.value.span.clone()) == Some(p.value.value.as_str());
        for (at, item) in items_with_offsets(&p.value.value) {
            let id = item.trim();
            if id.is_empty() {
                continue;
            }
            let lead = item.len() - item.trim_start().len();
            let span = if verbatim {
                let start = p.value.span.start + at + lead;
                start..start + id.len()
            } else {
                p.value.span.clone()
            };
            let numeric = id.bytes().all(|b| b.is_ascii_digit());
            let d = if !numeric && !is_guid(id) {
                Diagnostic::new(
                    INVALID_ID,
                    cx.file,
                    format!("{key}: `{id}` is neither a number nor a GUID"),
                )
            } else if numeric && id.len() != digits {
                Diagnostic::new(
                    UNUSUAL_ID_LENGTH,
                    cx.file,
                    format!(
                        "{key}: `{id}` has {} digits; these IDs have {digits}",
                        id.len()
                    ),
                )
            } else {
                continue;
            };
            out.push(d.at(span));
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
        let mut seen = std::collections::HashSet::with_capacity(items.len());
        let repeated = items
            .iter()
            .enumerate()
            .find(|(_, item)| !item.is_empty() && !seen.insert(item.as_str()));
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
    let mut seen = std::collections::HashSet::new();
    for item in value.split(',').map(str::trim).filter(|s| !s.is_empty()) {
        if seen.insert(item.to_ascii_lowercase()) {
            kept.push(item);
        }
    }
    kept.join(separator)
}

/// The comma-separated items of `value`, untrimmed, with their offsets in it.
fn items_with_offsets(value: &str) -> impl Iterator<Item = (usize, &str)> {
    let mut at = 0;
    value.split(',').map(move |item| {
        let start = at;
        at += item.len() + 1;
        (start, item)
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::check::rules::metadata::run_on;

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
        assert_eq!(
            (d[0].code, d[0].severity),
            ("SH113", crate::base::diagnostic::Severity::Warning)
        );
        assert_eq!(
            (d[1].code, d[1].severity),
            ("SH106", crate::base::diagnostic::Severity::Error)
        );
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
