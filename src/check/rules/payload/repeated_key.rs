use std::collections::HashMap;

use jsonc_parser::ast::Value;

use crate::base::diagnostic::Diagnostic;

use super::PayloadContext;

declare_rule! {
    /// A key appears twice in one payload object (ignoring case).
    ///
    /// Why: JSON readers keep one of the two silently, the first or the last depending on the
    /// reader, and the portal reads keys case-insensitively; the other value is lost.
    /// Example: `"subscriptionRequired": true, ... "subscriptionrequired": false`.
    pub REPEATED_KEY = ("SH505", "payload-repeated-key", Warning);
}

pub fn check(cx: &PayloadContext, out: &mut Vec<Diagnostic>) {
    walk(cx, cx.root, out);
}

fn walk(cx: &PayloadContext, v: &Value, out: &mut Vec<Diagnostic>) {
    match v {
        Value::Object(o) => {
            let mut seen: HashMap<String, &str> = HashMap::new();
            for p in &o.properties {
                let name = p.name.as_str();
                if let Some(first) = seen.get(&name.to_lowercase()) {
                    let name_range = match &p.name {
                        jsonc_parser::ast::ObjectPropName::String(s) => s.range,
                        jsonc_parser::ast::ObjectPropName::Word(w) => w.range,
                    };
                    out.push(
                        Diagnostic::new(
                            REPEATED_KEY,
                            cx.file,
                            format!("key `{name}` repeats `{first}` in the same object"),
                        )
                        .at(cx.span(name_range))
                        .help("keep one of the two"),
                    );
                } else {
                    seen.insert(name.to_lowercase(), name);
                }
                walk(cx, &p.value, out);
            }
        }
        Value::Array(a) => {
            for e in &a.elements {
                walk(cx, e, out);
            }
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::check::rules::payload::run_on;

    #[test]
    fn repeated_keys_warn_at_any_depth() {
        let j = "{\"a\": 1, \"A\": 2, \"l\": [{\"x\": 1, \"x\": 2}]}";
        assert_eq!(run_on("generic", j, check).len(), 2);
    }

    #[test]
    fn same_key_in_sibling_objects_passes() {
        let j = "{\"l\": [{\"x\": 1}, {\"x\": 2}]}";
        assert!(run_on("generic", j, check).is_empty());
    }
}
