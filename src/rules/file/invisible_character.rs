use crate::diagnostic::Diagnostic;
use crate::rules::metadata::ArticleContext;

declare_rule! {
    /// The header holds an invisible character: a no-break space, a zero-width space or joiner,
    /// or a byte-order mark.
    ///
    /// Why: keys and values that look right do not match (`service="microsoft.compute"` with a
    /// zero-width space is a different service), and nobody can see why.
    /// Example: `supportTopicIds="32553297\u{200B}"`.
    pub INVISIBLE_CHARACTER = ("SH011", "invisible-character-in-header", Error);
}

const INVISIBLE: [(char, &str); 5] = [
    ('\u{00A0}', "no-break space"),
    ('\u{200B}', "zero-width space"),
    ('\u{200C}', "zero-width non-joiner"),
    ('\u{200D}', "zero-width joiner"),
    ('\u{FEFF}', "byte-order mark"),
];

pub fn check(cx: &ArticleContext, out: &mut Vec<Diagnostic>) {
    let header = &cx.text[cx.header_span.clone()];
    for (i, c) in header.char_indices() {
        let Some((_, name)) = INVISIBLE.iter().find(|(x, _)| *x == c) else {
            continue;
        };
        let at = cx.header_span.start + i;
        out.push(
            Diagnostic::new(
                INVISIBLE_CHARACTER,
                cx.file,
                format!("the header holds a {name} (U+{:04X})", c as u32),
            )
            .at(at..at + c.len_utf8())
            .help("delete it, or type a plain space"),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::metadata::run_on;

    #[test]
    fn zero_width_space_is_found() {
        let d = run_on("service=\"micro\u{200B}soft\"", check);
        assert_eq!(d.len(), 1);
        assert!(d[0].message.contains("zero-width space"));
    }

    #[test]
    fn plain_header_passes() {
        assert!(run_on("service=\"microsoft.compute\"", check).is_empty());
    }
}
