use crate::diagnostic::Diagnostic;

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
    for (range, line) in cx.lines() {
        let upper = line.to_ascii_uppercase();
        for tag in TAGS {
            if let Some(i) = upper.find(tag)
                && !cx.in_code(range.start + i)
            {
                let at = range.start + i;
                out.push(
                    Diagnostic::new(
                        ALERT_BLOCK,
                        cx.file,
                        format!(
                            "`{}` blocks are not rendered by the portal",
                            &line[i..i + tag.len()]
                        ),
                    )
                    .at(at..at + tag.len())
                    .help("write the note as a plain paragraph, e.g. starting with **Note:**"),
                );
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::body::run_on;

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
