//! Rules on header metadata (`SH1xx`): required keys, unknown keys, and the form of values.
//! Each runs on one article, with its text, inside the parallel parse of `shelf check`.

use std::ops::Range;
use std::path::Path;

use crate::diagnostic::Diagnostic;
use crate::model::{Metadata, Property};

pub mod article_id;
pub mod cloud;
pub mod display_order;
pub mod id_list;
pub mod placeholder;
pub mod required_property;
pub mod self_help_type;
pub mod unknown_property;
pub mod value_form;

/// What a per-article rule sees.
pub struct ArticleContext<'a> {
    pub file: &'a Path,
    /// The whole file.
    pub text: &'a str,
    pub header_span: Range<usize>,
    pub meta: &'a Metadata,
}

impl ArticleContext<'_> {
    /// A property by key, ignoring case.
    pub fn property(&self, key: &str) -> Option<&Property> {
        self.meta.get(key)
    }

    /// Where to point when a key is missing: the `<properties` tag name.
    pub fn header_name_span(&self) -> Range<usize> {
        self.header_span.start..self.header_span.start + "<properties".len()
    }
}

/// Every metadata rule's check, in code order.
pub const CHECKS: &[fn(&ArticleContext, &mut Vec<Diagnostic>)] = &[
    required_property::check,
    unknown_property::check,
    self_help_type::check,
    cloud::check,
    id_list::check,
    display_order::check,
    article_id::check,
    placeholder::check,
    value_form::check,
    crate::rules::file::invisible_character::check,
    crate::rules::file::multiline_value::check,
];

/// Runs every metadata rule on one article.
pub fn check(cx: &ArticleContext, out: &mut Vec<Diagnostic>) {
    for check in CHECKS {
        check(cx, out);
    }
}

/// Parses one header for a rule's unit tests.
#[cfg(test)]
pub fn run_on(header: &str, check: fn(&ArticleContext, &mut Vec<Diagnostic>)) -> Vec<Diagnostic> {
    let text = format!("<properties {header} />\n# T\n");
    let mut ignored = Vec::new();
    let h = crate::header::parse(&text, Path::new("t.md"), &mut ignored).expect("header");
    let meta = Metadata::from_properties(h.properties);
    let cx = ArticleContext {
        file: Path::new("t.md"),
        text: &text,
        header_span: h.span,
        meta: &meta,
    };
    let mut out = Vec::new();
    check(&cx, &mut out);
    out
}
