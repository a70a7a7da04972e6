//! Layer 3, checking: the rule catalog and the rules by group ([`rules`]; levels and inline
//! suppressions with them), one file read into an article with its rules run as it is parsed
//! ([`article`]), the baseline ([`baseline`]), the files a change touched ([`changes`]), the
//! report formats ([`emit`]) and `--fix` ([`fix`]). Imports [`crate::source`] and
//! [`crate::base`].

pub mod article;
pub mod baseline;
pub mod changes;
pub mod emit;
pub mod fix;
pub mod rules;
