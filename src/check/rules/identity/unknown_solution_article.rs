use crate::base::diagnostic::Diagnostic;
use crate::source::library::Library;

declare_rule! {
    /// A diagnose-and-solve payload names a `commonSolutionArticleId` that no article in the
    /// source folder has.
    ///
    /// Why: the portal links the common problem to that article; if it exists nowhere, the
    /// link leads nowhere. A warning: solution articles often live in another folder or
    /// repository that shelf was not given, so a miss here is not proof. (Deleting or renaming
    /// an article that a payload names, which is proof, is an error of the change; a
    /// placeholder such as `Needed` is SH110.) The check looks at the whole source folder,
    /// also when `shelf check` is given one file.
    /// Example: `"commonSolutionArticleId": "vm-restore-limitatons"` (misspelled).
    pub UNKNOWN_SOLUTION_ARTICLE = ("SH203", "unknown-solution-article", Warning);
}

pub fn check(library: &Library, out: &mut Vec<Diagnostic>) {
    for article in &library.articles {
        for r in &article.references {
            if library.by_id(&r.article_id).is_some() {
                continue;
            }
            let mut d = Diagnostic::new(
                UNKNOWN_SOLUTION_ARTICLE,
                &article.file,
                format!(
                    "{} `{}` is not the articleId of any article",
                    r.key, r.article_id
                ),
            )
            .at(r.span.clone())
            .help("use the articleId of an existing article (IDs match ignoring case)");
            d.start = r.at;
            out.push(d);
        }
    }
}
