use std::collections::HashMap;

use crate::base::diagnostic::Diagnostic;
use crate::source::library::Library;

declare_rule! {
    /// The change being checked (`shelf check --changed-since`) deletes an article, renames it
    /// out of the source folder or changes its articleId, and a diagnose-and-solve payload
    /// still names it as its `commonSolutionArticleId`.
    ///
    /// Why: the portal links the common problem to that article; the change breaks the link
    /// on a page it did not touch. Unlike SH203 (a name no article has, which may live in
    /// another repository), this is proof: the article was in the tree before the change.
    /// Reported on the payload that names it, and only when a change is checked.
    /// Example: deleting `vm-restore.md` (articleId `vm-restore`) while
    /// `vm-boot-problems.md` says `"commonSolutionArticleId": "vm-restore"`.
    pub REMOVED_SOLUTION_ARTICLE = ("SH206", "removed-solution-article", Error);
}

/// What a change removed: an articleId the tree had before, and how it went (`"deletes
/// old.md"`, `"renames old.md to new.md and changes its articleId"`).
pub struct RemovedArticle {
    pub article_id: String,
    pub how: String,
}

/// Reports each reference to an article the change removed and the tree no longer has. The
/// SH203 of that reference, if any, is replaced by this error.
pub fn check(library: &Library, removed: &[RemovedArticle], out: &mut Vec<Diagnostic>) {
    let gone: HashMap<String, &RemovedArticle> = removed
        .iter()
        .filter(|r| library.by_id(&r.article_id).is_none())
        .map(|r| (r.article_id.trim().to_lowercase(), r))
        .collect();
    if gone.is_empty() {
        return;
    }
    for article in &library.articles {
        for r in &article.references {
            let Some(removed) = gone.get(&r.article_id.trim().to_lowercase()) else {
                continue;
            };
            out.retain(|d| {
                !(d.code == super::unknown_solution_article::UNKNOWN_SOLUTION_ARTICLE.code
                    && d.file == article.file
                    && d.span == Some(r.span.clone()))
            });
            let mut d = Diagnostic::new(
                REMOVED_SOLUTION_ARTICLE,
                &article.file,
                format!(
                    "{} `{}` names an article this change removes: it {}",
                    r.key, removed.article_id, removed.how
                ),
            )
            .at(r.span.clone())
            .help("keep the article, or point this payload at the article that replaces it");
            d.start = r.at;
            out.push(d);
        }
    }
}
