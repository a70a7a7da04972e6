//! Layer 5, the site: where each page goes ([`paths`]), what a template sees ([`views`]),
//! topics' names ([`labels`]), pages ([`render`]: the built-in templates compiled by build.rs, overrides through tera), the
//! portal API ([`api`]), the static search index ([`search`]), writing it all safely
//! ([`output`]) and skipping a build that would change nothing ([`fingerprint`]). Imports
//! [`crate::config`] and the layers below it.

pub mod api;
pub mod fingerprint;
pub mod labels;
pub mod output;
pub mod paths;
pub mod render;
pub mod search;
pub mod views;
