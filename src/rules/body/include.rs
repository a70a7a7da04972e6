use crate::diagnostic::Diagnostic;

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
    for (range, line) in cx.lines() {
        let upper = line.to_ascii_uppercase();
        if let Some(i) = upper.find("[!INCLUDE")
            && !cx.in_code(range.start + i)
        {
            let at = range.start + i;
            out.push(
                Diagnostic::new(
                    INCLUDE,
                    cx.file,
                    "includes are not expanded in self-help articles",
                )
                .at(at..range.end)
                .help("copy the text into the article"),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::body::run_on;

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
