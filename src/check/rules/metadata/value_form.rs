use crate::base::diagnostic::Diagnostic;
use crate::source::model::{ValueForm, known_key};

use super::ArticleContext;

declare_rule! {
    /// A header value is not of the form its key takes: a boolean key (`resourceRequired`)
    /// holding something other than `true` or `false`, `schemaVersion` that is not a whole
    /// number, or `service` holding a list (an article belongs to one service; `resource` may
    /// list several resource types).
    ///
    /// Why: the portal reads these values as what they are: `resourceRequired="yes"` is
    /// neither, a service list matches no service. (`displayOrder` is SH108.)
    /// Example: `resourceRequired="Yes"`, `service="microsoft.compute, microsoft.network"`.
    pub MALFORMED_VALUE = ("SH114", "malformed-value", Error);
}

pub fn check(cx: &ArticleContext, out: &mut Vec<Diagnostic>) {
    for p in &cx.meta.properties {
        let Some(key) = known_key(&p.key.value) else {
            continue;
        };
        if !matches!(key.form, ValueForm::Boolean | ValueForm::Integer) && key.name != "service" {
            continue;
        }
        let value = p.value.value.trim();
        if value.is_empty() || super::placeholder::is_placeholder(value) {
            continue;
        }
        let problem = match key.form {
            ValueForm::Boolean
                if !value.eq_ignore_ascii_case("true") && !value.eq_ignore_ascii_case("false") =>
            {
                format!("`{}` is `{value}`; it takes `true` or `false`", key.name)
            }
            ValueForm::Integer if key.name == "schemaVersion" && value.parse::<u32>().is_err() => {
                format!("`schemaVersion` is `{value}`; it takes a whole number, such as 1")
            }
            ValueForm::Text if key.name == "service" && value.contains([',', ';']) => {
                format!(
                    "`{}` holds more than one value (`{value}`); an article has one {}",
                    key.name, key.name
                )
            }
            _ => continue,
        };
        out.push(
            Diagnostic::new(MALFORMED_VALUE, cx.file, problem)
                .at(p.value.span.clone())
                .help("write the value in the form the portal reads"),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::check::rules::metadata::run_on;

    #[test]
    fn values_of_the_wrong_form_are_errors() {
        for header in [
            "resourceRequired=\"Yes\"",
            "resourcerequired=\"1\"",
            "schemaVersion=\"v1\"",
            "schemaVersion=\"1.0\"",
            "service=\"microsoft.compute, microsoft.network\"",
            "service=\"microsoft.compute;microsoft.network\"",
        ] {
            assert_eq!(run_on(header, check).len(), 1, "{header}");
        }
    }

    #[test]
    fn values_of_the_right_form_pass() {
        for header in [
            "resourceRequired=\"True\"",
            "resourceRequired=\"false\"",
            "schemaVersion=\"1\"",
            "service=\"microsoft.compute\"",
            "resource=\"virtualmachines\"",
            "resource=\"Microsoft.Network/a,Microsoft.Network/b\"",
            "resource=\"\"",
            "service=\"<fill in: service>\"",
        ] {
            assert!(run_on(header, check).is_empty(), "{header}");
        }
    }
}
