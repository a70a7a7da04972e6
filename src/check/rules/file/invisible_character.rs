use crate::base::diagnostic::Diagnostic;
use crate::check::rules::metadata::context::ArticleContext;
use crate::source::model::{KeyRole, known_key};

declare_rule! {
    /// The header holds an invisible character where the portal matches text exactly: between
    /// attributes, in a key, or in a value the portal matches (an ID, a cloud, a service).
    ///
    /// Why: keys and values that look right do not match (`service="microsoft.compute"` with a
    /// zero-width space is a different service), and nobody can see why; between attributes a
    /// no-break space is not whitespace to an XML reader. The characters: no-break and other
    /// fixed-width spaces, zero-width spaces and joiners, soft hyphens, direction marks, line
    /// separators and a byte-order mark. Inside text readers see (a title), it is SH017.
    /// Example: `supportTopicIds="32553297\u{200B}"`.
    pub INVISIBLE_CHARACTER = ("SH011", "invisible-character-in-header", Error);
}

declare_rule! {
    /// A value readers see (pageTitle, description, infoBubbleText) or only people read
    /// (authors, ownershipId) holds an invisible or unusual space character.
    ///
    /// Why: it shows as a space, or not at all, so the page looks right; but search, copy and
    /// paste and exact comparisons see another character. Nothing breaks, hence a warning; the
    /// fix writes a plain space (or nothing, for a zero-width character).
    /// Example: `pageTitle="Reset a password"` typed with a no-break space.
    pub INVISIBLE_CHARACTER_IN_TEXT = ("SH017", "invisible-character-in-text", Warning);
}

/// The characters looked for, their names, and what the fix writes instead.
const INVISIBLE: &[(char, &str, &str)] = &[
    ('\u{00A0}', "no-break space", " "),
    ('\u{00AD}', "soft hyphen", ""),
    ('\u{2000}', "en quad", " "),
    ('\u{2001}', "em quad", " "),
    ('\u{2002}', "en space", " "),
    ('\u{2003}', "em space", " "),
    ('\u{2004}', "three-per-em space", " "),
    ('\u{2005}', "four-per-em space", " "),
    ('\u{2006}', "six-per-em space", " "),
    ('\u{2007}', "figure space", " "),
    ('\u{2008}', "punctuation space", " "),
    ('\u{2009}', "thin space", " "),
    ('\u{200A}', "hair space", " "),
    ('\u{200B}', "zero-width space", ""),
    ('\u{200C}', "zero-width non-joiner", ""),
    ('\u{200D}', "zero-width joiner", ""),
    ('\u{200E}', "left-to-right mark", ""),
    ('\u{200F}', "right-to-left mark", ""),
    ('\u{2028}', "line separator", " "),
    ('\u{2029}', "paragraph separator", " "),
    ('\u{202F}', "narrow no-break space", " "),
    ('\u{205F}', "medium mathematical space", " "),
    ('\u{2060}', "word joiner", ""),
    ('\u{3000}', "ideographic space", " "),
    ('\u{FEFF}', "byte-order mark", ""),
];

pub fn check(cx: &ArticleContext, out: &mut Vec<Diagnostic>) {
    let header = &cx.text[cx.header_span.clone()];
    // Most headers are ASCII: nothing to look at.
    if header.is_ascii() {
        return;
    }
    let mut chars = header.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        let Some(&(_, name, instead)) = INVISIBLE.iter().find(|(x, _, _)| *x == c) else {
            continue;
        };
        let at = cx.header_span.start + i;
        // A run of the same character (an indent of no-break spaces) is one problem.
        let mut len = c.len_utf8();
        while chars.peek().is_some_and(|&(_, next)| next == c) {
            len += c.len_utf8();
            chars.next();
        }
        let count = len / c.len_utf8();
        let in_value_of = cx
            .meta
            .properties
            .iter()
            .find(|p| p.value.span.contains(&at))
            .map(|p| p.key.value.as_str());
        let read_as_text = in_value_of
            .and_then(known_key)
            .is_some_and(|k| k.role != KeyRole::Identifying);
        let (rule, place) = match (in_value_of, read_as_text) {
            (Some(key), true) => (INVISIBLE_CHARACTER_IN_TEXT, format!("`{key}`")),
            (Some(key), false) => (
                INVISIBLE_CHARACTER,
                format!("`{key}`, which the portal matches exactly,"),
            ),
            (None, _) => (
                INVISIBLE_CHARACTER,
                "the header, outside any value,".to_string(),
            ),
        };
        let fix_text = if instead.is_empty() {
            format!("delete the {name}")
        } else {
            format!("write a plain space for the {name}")
        };
        let what = if count == 1 {
            format!("a {name}")
        } else {
            format!("{count} {name}s")
        };
        out.push(
            Diagnostic::new(
                rule,
                cx.file,
                format!("{place} holds {what} (U+{:04X})", c as u32),
            )
            .at(at..at + len)
            .help("delete it, or type a plain space")
            .fix(at..at + len, instead.repeat(count), fix_text),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::check::rules::metadata::context::run_on;

    #[test]
    fn zero_width_space_in_an_id_is_an_error() {
        let d = run_on("service=\"micro\u{200B}soft\"", check);
        assert_eq!(d.len(), 1);
        assert_eq!(d[0].code, "SH011");
        assert!(d[0].message.contains("zero-width space"));
        assert_eq!(d[0].fix.as_ref().unwrap().replacement, "");
    }

    #[test]
    fn a_no_break_space_in_a_title_is_a_warning_and_the_fix_writes_a_space() {
        for title in [
            "Reset\u{00A0}a password",
            "Reset\u{202F}a",
            "Reset\u{2009}a",
        ] {
            let d = run_on(&format!("pageTitle=\"{title}\""), check);
            assert_eq!(d.len(), 1, "{title:?}");
            assert_eq!(d[0].code, "SH017", "{title:?}");
            assert_eq!(d[0].fix.as_ref().unwrap().replacement, " ");
        }
        let d = run_on("authors=\"a\u{00A0}b\"", check);
        assert_eq!(d[0].code, "SH017");
    }

    #[test]
    fn between_attributes_it_is_an_error() {
        let d = run_on("pageTitle=\"a\"\u{00A0}articleId=\"x\"", check);
        assert!(d.iter().any(|d| d.code == "SH011"), "{d:?}");
    }

    #[test]
    fn plain_header_passes() {
        assert!(run_on("service=\"microsoft.compute\" pageTitle=\"Café\"", check).is_empty());
    }
}
