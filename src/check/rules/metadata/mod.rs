//! Rules on header metadata (`SH1xx`): required keys, unknown keys, and the form of values.
//! Each runs on one article, with its text, inside the parallel parse of `shelf check`.

use crate::base::diagnostic::Diagnostic;

pub mod article_id;
pub mod cloud;
pub mod context;
pub mod display_order;
pub mod id_list;
pub mod placeholder;
pub mod required_property;
pub mod self_help_type;
pub mod unknown_property;
pub mod value_form;

pub use context::ArticleContext;
#[cfg(test)]
pub use context::run_on;

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
    crate::check::rules::file::invisible_character::check,
    crate::check::rules::file::multiline_value::check,
];

/// Runs every metadata rule on one article.
pub fn check(cx: &ArticleContext, out: &mut Vec<Diagnostic>) {
    for check in CHECKS {
        check(cx, out);
    }
}
