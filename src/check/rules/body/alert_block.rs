use crate::base::diagnostic::Diagnostic;

use super::BodyContext;

declare_rule! {
    /// The body uses a docs alert tag: `[!NOTE]`, `[!TIP]`, `[!IMPORTANT]`, `[!WARNING]` or
    /// `[!CAUTION]`.
    ///
    /// Why: these are a docs.microsoft.com extension; the portal shows the tag as text.
    /// Example: `> [!NOTE]` followed by `> Restart the VM first.`
    pub ALERT_BLOCK = ("SH308", "alert-block", Warning);
}

const TAGS: [&str; 5] = [
    "[!NOTE]",
    "[!TIP]",
    "[!IMPORTANT]",
    "[!WARNING]",
    "[!CAUTION]",
];

pub fn check(cx: &BodyContext, out: &mut Vec<Diagnostic>) {
    for tag in TAGS {
        for at in cx.find_outside_code(tag) {
            let written = &cx.text[at..at + tag.len()];
            out.push(
                Diagnostic::new(
                    ALERT_BLOCK,
                    cx.file,
                    format!("`{written}` blocks are not rendered by the portal"),
                )
                .at(at..at + tag.len())
                .help("write the note as a plain paragraph, e.g. starting with **Note:**"),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::check::rules::body::run_on;

    #[test]
    fn note_tag_warns() {
        let a = "<properties a=\"b\" />\n# T\n\n> [!NOTE]\n> Text\n";
        assert_eq!(run_on(a, check).len(), 1);
    }

    #[test]
    fn tag_in_code_passes() {
        let a = "<properties a=\"b\" />\n# T\n\nWrite `[!NOTE]` in docs.\n";
        assert!(run_on(a, check).is_empty());
    }
}
