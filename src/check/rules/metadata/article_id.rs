use crate::base::diagnostic::Diagnostic;

use super::ArticleContext;
use super::id_list::is_guid;

declare_rule! {
    /// `articleId` has spaces or characters outside letters, digits, `-`, `_` and `.`, or looks
    /// like a GUID but is not a well-formed one.
    ///
    /// Why: the articleId is the article's identity in URLs and in the portal's APIs; odd
    /// characters get escaped differently by different systems. Example: `articleId="vm restore"`,
    /// `articleId="b797ec2d-c7fb-40ae-8baf-0b6ddcfe0a6"` (one digit short).
    pub MALFORMED_ARTICLE_ID = ("SH109", "malformed-article-id", Warning);
}

pub fn check(cx: &ArticleContext, out: &mut Vec<Diagnostic>) {
    let Some(p) = cx.property("articleId") else {
        return;
    };
    let id = p.value.value.as_str();
    let odd = id
        .chars()
        .find(|c| !(c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.')));
    // "GUID-like": five hex groups separated by dashes, the shape of 8-4-4-4-12.
    let groups: Vec<&str> = id.split('-').collect();
    let guid_like = groups.len() == 5
        && groups
            .iter()
            .all(|g| !g.is_empty() && g.bytes().all(|b| b.is_ascii_hexdigit()));
    let message = if let Some(c) = odd {
        format!(
            "articleId `{id}` contains {}",
            if c.is_whitespace() {
                "whitespace".to_string()
            } else {
                format!("`{c}`")
            }
        )
    } else if guid_like && !is_guid(id) {
        format!(
            "articleId `{id}` looks like a GUID but is not a well-formed one (8-4-4-4-12 hex digits)"
        )
    } else {
        return;
    };
    out.push(Diagnostic::new(MALFORMED_ARTICLE_ID, cx.file, message).at(p.value.span.clone()));
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::check::rules::metadata::run_on;

    #[test]
    fn guids_and_slugs_pass() {
        assert!(run_on("articleId=\"b797ec2d-c7fb-40ae-8baf-0b6ddcfe0a69\"", check).is_empty());
        assert!(run_on("articleId=\"RegistryAndLabelPolicy-AIP_v2.1\"", check).is_empty());
    }

    #[test]
    fn spaces_and_broken_guids_warn() {
        assert!(
            run_on("articleId=\"vm restore\"", check)[0]
                .message
                .contains("whitespace")
        );
        assert!(
            run_on("articleId=\"b797ec2d-c7fb-40ae-8baf-0b6ddcfe0a6\"", check)[0]
                .message
                .contains("GUID")
        );
    }
}
