use crate::base::diagnostic::Diagnostic;
use crate::check::rules::body::BodyContext;

declare_rule! {
    /// A `data-blade:` link is not of the form `Extension.Blade(.param.value)*`, or its scheme
    /// is misspelled (`datablade:`, `data_blade:`, `data-blade :`, `data blade:`, `dta-blade:`).
    ///
    /// Why: the portal opens the blade by splitting the target at dots; a missing blade name or
    /// a parameter without a value opens nothing, and a misspelled scheme is a link to a page
    /// that does not exist. Values may be tokens such as `$resourceId`; a `;data-blade-uri:...`
    /// suffix is allowed.
    /// Example: `[Open](data-blade:Microsoft_Azure_Compute)` or
    /// `[Open](data-blade:Microsoft_Azure_Compute.VmBlade.id)`.
    pub MALFORMED_DATA_BLADE = ("SH407", "malformed-data-blade", Error);
}

/// Why a `data-blade:` target is malformed, or `None` when it is well formed.
pub fn problem(target: &str) -> Option<&'static str> {
    let rest = target.trim();
    let rest = rest.get("data-blade:".len()..)?;
    let blade = rest.split(';').next().unwrap_or("").trim();
    let parts: Vec<&str> = blade.split('.').collect();
    let name_ok =
        |s: &str| !s.is_empty() && s.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
    if parts.len() < 2 {
        return Some("it names no blade: expected `Extension.Blade`");
    }
    if !parts[..2].iter().all(|p| name_ok(p)) {
        return Some("the extension and blade names must be letters, digits and `_`");
    }
    if !parts.len().is_multiple_of(2) {
        return Some("a parameter has no value: expected `.param.value` pairs after the blade");
    }
    let value_ok = |s: &str| {
        let s = s.strip_prefix('$').unwrap_or(s);
        !s.is_empty()
            && s.chars()
                .all(|c| c.is_ascii_alphanumeric() || "_-".contains(c))
    };
    if !parts[2..]
        .chunks(2)
        .all(|pair| name_ok(pair[0]) && value_ok(pair[1]))
    {
        return Some("parameter names and values must be letters, digits, `_` or a `$token`");
    }
    None
}

/// The scheme `target` starts with when it is a misspelling of `data-blade:`: the part before
/// the first `:`, which, with case, spaces, `-` and `_` set aside, is `datablade` or one edit
/// from it.
pub fn misspelled_scheme(target: &str) -> Option<&str> {
    let (scheme, _) = target.split_once(':')?;
    // Quick: every misspelling kept starts with its `d` and is about as long.
    if !(7..=16).contains(&scheme.len())
        || !scheme.as_bytes()[0].eq_ignore_ascii_case(&b'd')
        || scheme.eq_ignore_ascii_case("data-blade")
    {
        return None;
    }
    let squeezed: String = scheme
        .chars()
        .filter(|c| !matches!(c, ' ' | '\t' | '-' | '_'))
        .collect::<String>()
        .to_ascii_lowercase();
    // `data-context:` and other portal commands that end in `data-blade` are not misspellings.
    (strsim::damerau_levenshtein(&squeezed, "datablade") <= 1 && squeezed != "datacontext")
        .then_some(scheme)
}

pub fn check(cx: &BodyContext, out: &mut Vec<Diagnostic>) {
    for link in &cx.links {
        let target = link.target.trim();
        if let Some(scheme) = misspelled_scheme(target) {
            out.push(
                Diagnostic::new(
                    MALFORMED_DATA_BLADE,
                    cx.file,
                    format!("`{scheme}:` is not the portal's scheme: the link opens nothing"),
                )
                .at(link.span.clone())
                .help("write `data-blade:Extension.Blade`"),
            );
            continue;
        }
        if !target
            .get(..11)
            .is_some_and(|h| h.eq_ignore_ascii_case("data-blade:"))
        {
            continue;
        }
        if let Some(problem) = problem(target) {
            out.push(
                Diagnostic::new(
                    MALFORMED_DATA_BLADE,
                    cx.file,
                    format!("malformed `data-blade:` link: {problem}"),
                )
                .at(link.span.clone())
                .help("write `data-blade:Extension.Blade` or `data-blade:Extension.Blade.param.value`"),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::check::rules::body::run_on;

    #[test]
    fn forms() {
        assert_eq!(
            problem("data-blade:Microsoft_Azure_Support.HelpAndSupportBlade"),
            None
        );
        assert_eq!(problem("data-blade:Ext.Blade.id.$resourceId"), None);
        assert_eq!(
            problem("data-blade:Ext.Blade.id.$resourceId;data-blade-uri:{$domain}/#blade/x"),
            None
        );
        assert!(problem("data-blade:Ext").is_some());
        assert!(problem("data-blade:Ext.Blade.id").is_some());
        assert!(problem("data-blade:Ext.Bl ade").is_some());
    }

    #[test]
    fn misspelled_schemes_are_found_and_others_are_not() {
        for target in [
            "datablade:Ext.Blade",
            "data_blade:Ext.Blade",
            "data-blade :Ext.Blade",
            "data blade:Ext.Blade",
            "dta-blade:Ext.Blade",
            "DataBlade:Ext.Blade",
            "data-bladee:Ext.Blade",
        ] {
            assert!(misspelled_scheme(target).is_some(), "{target}");
        }
        for target in [
            "data-blade:Ext.Blade",
            "https://x.example/datablade:a",
            "data-context:Ext",
            "mailto:someone",
            "data:text/plain,x",
        ] {
            assert_eq!(misspelled_scheme(target), None, "{target}");
        }
        let a = "<properties a=\"b\" />\n# T\n[a](datablade:Ext.Blade) <a href=\"data_blade:E.B\">b</a>\n";
        assert_eq!(run_on(a, check).len(), 2);
    }

    #[test]
    fn malformed_link_is_an_error() {
        let a = "<properties a=\"b\" />\n# T\n[a](data-blade:Ext) [b](data-blade:Ext.Blade)\n";
        assert_eq!(run_on(a, check).len(), 1);
    }
}
