//! Rules on the JSON payload of payload-carrying types (`SH5xx` beyond parsing): `$schema`,
//! repeated keys and the fields each type needs. The payload is parsed a second time, with
//! jsonc-parser, because rules need the position of every key and value; serde_json (which
//! builds the page) keeps none.

use std::ops::Range;
use std::path::Path;

use jsonc_parser::ast::{Array, Object, ObjectProp, Value};
use jsonc_parser::{CollectOptions, ParseOptions, parse_to_ast};

use crate::base::diagnostic::Diagnostic;
use crate::source::model::{Metadata, SelfHelpType};

pub mod advisor_field;
pub mod control_type;
pub mod duplicate_element_id;
pub mod missing_field;
pub mod repeated_key;
pub mod schema;
pub mod scoping_title;

pub use crate::source::model::ArticleReference;

/// What payload rules see. Ranges in the AST are relative to the JSON text; [`Self::span`]
/// makes them file-absolute.
pub struct PayloadContext<'a> {
    pub file: &'a Path,
    pub meta: &'a Metadata,
    /// Where the JSON text starts in the file.
    pub base: usize,
    pub root: &'a Value<'a>,
}

impl PayloadContext<'_> {
    pub fn span(&self, r: jsonc_parser::common::Range) -> Range<usize> {
        self.base + r.start..self.base + r.end
    }

    /// The span of an object's opening brace, where to point when a key is missing.
    pub fn open_brace(&self, o: &Object) -> Range<usize> {
        let s = self.span(o.range);
        s.start..s.start + 1
    }
}

/// A property by key, ignoring case: real payloads write `controltype` and `DropdownOptions`,
/// and the portal reads them.
pub fn get<'a, 'b>(o: &'b Object<'a>, key: &str) -> Option<&'b ObjectProp<'a>> {
    o.properties
        .iter()
        .find(|p| p.name.as_str().eq_ignore_ascii_case(key))
}

/// The array under `key`, if it is one.
pub fn get_array<'a, 'b>(o: &'b Object<'a>, key: &str) -> Option<&'b Array<'a>> {
    match get(o, key).map(|p| &p.value) {
        Some(Value::Array(a)) => Some(a),
        _ => None,
    }
}

/// The text of a string or number value.
pub fn scalar(v: &Value) -> Option<String> {
    match v {
        Value::StringLit(s) => Some(s.value.to_string()),
        Value::NumberLit(n) => Some(n.value.to_string()),
        Value::BooleanLit(b) => Some(b.value.to_string()),
        _ => None,
    }
}

/// Every payload rule's check, in code order.
pub const CHECKS: &[fn(&PayloadContext, &mut Vec<Diagnostic>)] = &[
    schema::check,
    repeated_key::check,
    missing_field::check,
    scoping_title::check,
    duplicate_element_id::check,
    control_type::check,
    advisor_field::check,
];

/// Parses `json` (the payload text, at `base` in the file) and runs every payload rule.
/// Returns the references to other articles it holds. A payload jsonc-parser cannot read has
/// already been reported by the serde_json parse, so it is skipped here.
pub fn check(
    file: &Path,
    meta: &Metadata,
    json: &str,
    base: usize,
    out: &mut Vec<Diagnostic>,
) -> Vec<ArticleReference> {
    let options = ParseOptions::default();
    let Ok(parsed) = parse_to_ast(json, &CollectOptions::default(), &options) else {
        return Vec::new();
    };
    let Some(root) = parsed.value else {
        return Vec::new();
    };
    let cx = PayloadContext {
        file,
        meta,
        base,
        root: &root,
    };
    for check in CHECKS {
        check(&cx, out);
    }
    let mut refs = Vec::new();
    if meta.self_help_type == SelfHelpType::DiagnoseAndSolve {
        collect_references(&cx, &root, &mut refs);
    }
    // A reference still holding a placeholder (`Needed`, `TBD`, `<article id>`) is certainly
    // broken, wherever the rest of the repository is: reported as one, not looked up.
    refs.retain(|r| {
        if !crate::check::rules::metadata::placeholder::is_reference_placeholder(&r.article_id) {
            return true;
        }
        out.push(
            Diagnostic::new(
                crate::check::rules::metadata::placeholder::TEMPLATE_PLACEHOLDER,
                file,
                format!("{} still holds the placeholder `{}`", r.key, r.article_id),
            )
            .at(r.span.clone())
            .help("write the articleId of the article that solves this problem"),
        );
        false
    });
    refs
}

/// Every `commonSolutionArticleId`, at any depth (problems have sub-problems).
fn collect_references(cx: &PayloadContext, v: &Value, out: &mut Vec<ArticleReference>) {
    match v {
        Value::Object(o) => {
            for p in &o.properties {
                if p.name
                    .as_str()
                    .eq_ignore_ascii_case("commonSolutionArticleId")
                {
                    if let Value::StringLit(s) = &p.value
                        && !s.value.trim().is_empty()
                    {
                        out.push(ArticleReference {
                            key: "commonSolutionArticleId",
                            article_id: s.value.trim().to_string(),
                            span: cx.span(s.range),
                            at: None,
                        });
                    }
                } else {
                    collect_references(cx, &p.value, out);
                }
            }
        }
        Value::Array(a) => {
            for e in &a.elements {
                collect_references(cx, e, out);
            }
        }
        _ => {}
    }
}

/// Runs one payload rule on a test article's JSON.
#[cfg(test)]
pub fn run_on(
    self_help_type: &str,
    json: &str,
    rule: fn(&PayloadContext, &mut Vec<Diagnostic>),
) -> Vec<Diagnostic> {
    let text = format!("<properties selfHelpType=\"{self_help_type}\" />");
    let mut ignored = Vec::new();
    let h = crate::source::header::parse(&text, Path::new("t.md"), &mut ignored).expect("header");
    let meta = Metadata::from_properties(h.properties);
    let parsed = parse_to_ast(json, &CollectOptions::default(), &ParseOptions::default())
        .expect("test JSON parses");
    let root = parsed.value.expect("a value");
    let cx = PayloadContext {
        file: Path::new("t.md"),
        meta: &meta,
        base: 0,
        root: &root,
    };
    let mut out = Vec::new();
    rule(&cx, &mut out);
    out
}
