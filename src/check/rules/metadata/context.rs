//! What a per-article header rule sees ([`ArticleContext`]), apart from the rules, so that
//! rules elsewhere (`rules::file`) can take it without importing the metadata rules.

use std::ops::Range;
use std::path::Path;

#[cfg(test)]
use crate::base::diagnostic::Diagnostic;
use crate::source::model::{Metadata, Property};

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

/// Parses one header for a rule's unit tests.
#[cfg(test)]
pub fn run_on(header: &str, check: fn(&ArticleContext, &mut Vec<Diagnostic>)) -> Vec<Diagnostic> {
    let text = format!("<properties {header} />\n# T\n");
    let mut ignored = Vec::new();
    let h = crate::source::header::parse(&text, Path::new("t.md"), &mut ignored).expect("header");
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
