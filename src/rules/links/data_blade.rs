use crate::diagnostic::Diagnostic;
use crate::rules::body::BodyContext;

declare_rule! {
    /// A `data-blade:` link is not of the form `Extension.Blade(.param.value)*`.
    ///
    /// Why: the portal opens the blade by splitting the target at dots; a missing blade name or
    /// a parameter without a value opens nothing. Values may be tokens such as `$resourceId`; a
    /// `;data-blade-uri:...` suffix is allowed.
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

pub fn check(cx: &BodyContext, out: &mut Vec<Diagnostic>) {
    for link in &cx.links {
        let target = link.target.trim();
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
    use crate::rules::body::run_on;

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
    fn malformed_link_is_an_error() {
        let a = "<properties a=\"b\" />\n# T\n[a](data-blade:Ext) [b](data-blade:Ext.Blade)\n";
        assert_eq!(run_on(a, check).len(), 1);
    }
}
