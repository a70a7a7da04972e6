use crate::base::diagnostic::Diagnostic;

use super::ArticleContext;

declare_rule! {
    /// `displayOrder` is neither empty nor an integer.
    ///
    /// Why: topic pages order articles by it; a value that is not a number is ignored and the
    /// article falls to the end. Example: `displayOrder="first"`.
    pub DISPLAY_ORDER = ("SH108", "display-order-not-integer", Error);
}

pub fn check(cx: &ArticleContext, out: &mut Vec<Diagnostic>) {
    if let Some(p) = cx.property("displayOrder") {
        let v = p.value.value.trim();
        if !v.is_empty() && v.parse::<i64>().is_err() {
            out.push(
                Diagnostic::new(
                    DISPLAY_ORDER,
                    cx.file,
                    format!("displayOrder `{v}` is not an integer"),
                )
                .at(p.value.span.clone()),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::check::rules::metadata::run_on;

    #[test]
    fn integers_and_empty_pass() {
        assert!(run_on("displayOrder=\" 3 \"", check).is_empty());
        assert!(run_on("displayOrder=\"\"", check).is_empty());
    }

    #[test]
    fn words_fail() {
        assert_eq!(run_on("displayOrder=\"1.5\"", check)[0].code, "SH108");
    }
}
