use crate::base::diagnostic::Diagnostic;

use super::BodyContext;

declare_rule! {
    /// The body uses a docs include, `[!INCLUDE [name](path)]`.
    ///
    /// Why: self-help articles are published one file at a time; the include is not expanded
    /// and the included text is missing from the page.
    /// Example: `[!INCLUDE [restart](../includes/restart.md)]`.
    pub INCLUDE = ("SH309", "include", Error);
}

pub fn check(cx: &BodyContext, out: &mut Vec<Diagnostic>) {
    for at in cx.find_outside_code("[!INCLUDE") {
        let line_end = cx.text[at..].find('\n').map_or(cx.text.len(), |n| at + n);
        let end = at + cx.text[at..line_end].trim_end().len();
        out.push(
            Diagnostic::new(
                INCLUDE,
                cx.file,
                "includes are not expanded in self-help articles",
            )
            .at(at..end)
            .help("copy the text into the article"),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::check::rules::body::run_on;

    #[test]
    fn include_is_an_error() {
        let a = "<properties a=\"b\" />\n# T\n\n[!INCLUDE [x](../x.md)]\n";
        assert_eq!(run_on(a, check).len(), 1);
    }

    #[test]
    fn plain_text_passes() {
        assert!(run_on("<properties a=\"b\" />\n# T\n\nincluded\n", check).is_empty());
    }
}
