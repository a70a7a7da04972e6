use crate::base::diagnostic::Diagnostic;
use crate::source::model::{KNOWN_KEYS, KeyRole, known_key};

use super::ArticleContext;

declare_rule! {
    /// A header key is a misspelling of a known key the portal reads.
    ///
    /// Why: the portal ignores a key it does not know, so `supportToicIds="32553297"` files the
    /// article under no topic at all. Keys within two edits of a known key (ignoring case: a
    /// letter missing or extra, two swapped, singular for plural, `_` or `-` inside) are
    /// reported with the key they were probably meant to be, as a safe fix. A misspelling of a
    /// key only people read (`author` for `authors`) is SH103, a warning.
    /// Example: `supportToicIds` → `supportTopicIds`, `infoBubbleTest` → `infoBubbleText`.
    pub MISSPELLED_PROPERTY = ("SH102", "misspelled-property", Error);
}

declare_rule! {
    /// A header key shelf does not know, or a misspelling of one the portal does not read.
    ///
    /// Why: unknown keys are ignored by the portal; they are often leftovers or typos.
    /// Example: `reviewer="someone"`; `author` for `authors` (with the rename as a fix).
    pub UNKNOWN_PROPERTY = ("SH103", "unknown-property", Warning);
}

/// The known key `key` is probably a misspelling of, if any, and whether it is the only key
/// that close (then renaming it is a safe fix).
pub fn suggestion(key: &str) -> Option<(&'static str, bool)> {
    let lower = key.to_ascii_lowercase();
    let mut close: Vec<(usize, &'static str)> = KNOWN_KEYS
        .iter()
        .map(|k| {
            (
                strsim::damerau_levenshtein(&lower, &k.name.to_ascii_lowercase()),
                k.name,
            )
        })
        .filter(|&(distance, k)| distance <= 2 && k.len() >= 6 && lower.len() >= 6)
        .collect();
    close.sort();
    let (best, key) = *close.first()?;
    let unique = close.iter().filter(|(d, _)| *d == best).count() == 1;
    Some((key, unique))
}

pub fn check(cx: &ArticleContext, out: &mut Vec<Diagnostic>) {
    for p in &cx.meta.properties {
        let key = &p.key.value;
        if known_key(key).is_some() {
            continue;
        }
        let d = match suggestion(key) {
            Some((known, unique)) => {
                // A misspelled key the portal reads loses what it says (the article leaves its
                // topic); one only people read loses nothing a reader sees.
                let reads = known_key(known).is_some_and(|k| k.role != KeyRole::Informational);
                let d = if reads {
                    Diagnostic::new(
                        MISSPELLED_PROPERTY,
                        cx.file,
                        format!("unknown key `{key}`: did you mean `{known}`?"),
                    )
                } else {
                    Diagnostic::new(
                        UNKNOWN_PROPERTY,
                        cx.file,
                        format!(
                            "unknown key `{key}`: did you mean `{known}`? (only people and tools \
                             read it, not the portal)"
                        ),
                    )
                }
                .help(format!("rename it to `{known}`"));
                // Renaming is safe only when one key is that close, the header does not
                // already have the right one (which would make a duplicate), and the key is
                // made of name characters (a stray quote in it would change how the rest of
                // the header reads once it is gone).
                let plain = key
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || "._-:".contains(c));
                if unique && plain && cx.property(known).is_none() {
                    d.fix(
                        p.key.span.clone(),
                        known,
                        format!("rename `{key}` to `{known}`"),
                    )
                } else {
                    d
                }
            }
            None => Diagnostic::new(
                UNKNOWN_PROPERTY,
                cx.file,
                format!("unknown key `{key}`; the portal ignores it"),
            )
            .help("delete it, or check its spelling against `shelf rules SH103`"),
        };
        out.push(d.at(p.key.span.clone()));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::check::rules::metadata::run_on;

    #[test]
    fn known_keys_in_any_case_pass() {
        assert!(
            run_on(
                "pagetitle=\"a\" SUPPORTTOPICIDS=\"1\" ms.author=\"x\"",
                check
            )
            .is_empty()
        );
    }

    #[test]
    fn misspellings_suggest_the_key() {
        let d = run_on("supportToicIds=\"1\" infoBubbleTest=\"x\"", check);
        assert_eq!(d.len(), 2);
        assert_eq!(d[0].code, "SH102");
        assert_eq!(
            d[0].message,
            "unknown key `supportToicIds`: did you mean `supportTopicIds`?"
        );
        assert!(d[1].message.contains("`infoBubbleText`"));
    }

    #[test]
    fn a_key_with_a_quote_in_it_gets_no_fix() {
        // Found by fuzzing: renaming `productPesI"ds` drops a quote, and the rest of the header
        // then reads differently (here: it never closes).
        let d = run_on("productPesI\"ds=\"1\" ownershipId=\"o\"", check);
        assert!(d.iter().all(|d| d.fix.is_none()), "{d:#?}");
    }

    #[test]
    fn variants_of_keys_are_recognised_and_keys_only_people_read_are_warnings() {
        for (key, code) in [
            ("supportTopicId", "SH102"),
            ("support_topic_ids", "SH102"),
            ("productPesId", "SH102"),
            ("cloudEnvironment", "SH102"),
            ("selfHelpTypes", "SH102"),
            ("article-id", "SH102"),
            ("pageTitel", "SH102"),
            ("author", "SH103"),
            ("ownershipID_", "SH103"),
        ] {
            let d = run_on(&format!("{key}=\"1\""), check);
            assert_eq!(d.len(), 1, "{key}");
            assert_eq!(d[0].code, code, "{key}: {}", d[0].message);
            assert!(
                d[0].message.contains("did you mean"),
                "{key}: {}",
                d[0].message
            );
        }
    }

    #[test]
    fn other_unknown_keys_are_warnings() {
        let d = run_on("reviewer=\"x\" foo=\"y\"", check);
        assert_eq!(
            d.iter().map(|d| d.code).collect::<Vec<_>>(),
            ["SH103", "SH103"]
        );
    }
}
