//! Per-rule levels from the `[rules]` table of `shelf.toml`:
//!
//! ```toml
//! [rules]
//! list-after-paragraph = "off"   # by name
//! SH403 = "error"                # or by code
//! ```
//!
//! A level replaces the rule's default severity everywhere (check and build); `off` drops its
//! diagnostics. Keys are validated against the catalog, so a misspelled rule is an error, not a
//! setting that silently does nothing.

use std::collections::BTreeMap;

use serde::Deserialize;

use crate::diagnostic::{Diagnostic, Rule, Severity};

/// What a rule's diagnostics become.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Level {
    Error,
    #[serde(alias = "warning")]
    Warn,
    Off,
}

/// Rule levels by code, validated.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Levels(BTreeMap<&'static str, Level>);

impl Levels {
    /// Validates the `[rules]` table: each key must be a rule code or name.
    pub fn from_table(table: &BTreeMap<String, Level>) -> Result<Levels, String> {
        let mut levels = BTreeMap::new();
        for (key, &level) in table {
            let rule = find(key).ok_or_else(|| unknown_rule(key))?;
            levels.insert(rule.code, level);
        }
        Ok(Levels(levels))
    }

    /// Applies the levels: drops `off` rules' diagnostics and sets the others' severity.
    pub fn apply(&self, diagnostics: &mut Vec<Diagnostic>) {
        if self.0.is_empty() {
            return;
        }
        diagnostics.retain_mut(|d| match self.0.get(d.code) {
            Some(Level::Off) => false,
            Some(Level::Error) => {
                d.severity = Severity::Error;
                true
            }
            Some(Level::Warn) => {
                d.severity = Severity::Warning;
                true
            }
            None => true,
        });
    }
}

/// A rule by code (`SH101`) or name (`missing-required-property`), ignoring case.
pub fn find(key: &str) -> Option<&'static Rule> {
    super::ALL
        .iter()
        .find(|r| r.code.eq_ignore_ascii_case(key) || r.name.eq_ignore_ascii_case(key))
}

fn unknown_rule(key: &str) -> String {
    let candidates = super::ALL.iter().flat_map(|r| [r.code, r.name]);
    let closest = super::closest(key, candidates, 0.8)
        .map(|(c, _)| format!("; did you mean `{c}`?"))
        .unwrap_or_default();
    format!("[rules]: `{key}` is not a rule code or name{closest} (`shelf rules` lists them)")
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    fn table(pairs: &[(&str, Level)]) -> BTreeMap<String, Level> {
        pairs.iter().map(|(k, l)| (k.to_string(), *l)).collect()
    }

    #[test]
    fn levels_apply_by_code_or_name() {
        let levels =
            Levels::from_table(&table(&[("table", Level::Off), ("SH403", Level::Error)])).unwrap();
        let file = Path::new("a.md");
        let mut ds = vec![
            Diagnostic::new(crate::rules::body::table::TABLE, file, "t"),
            Diagnostic::new(crate::rules::links::short_link::SHORT_LINK, file, "s"),
        ];
        levels.apply(&mut ds);
        assert_eq!(ds.len(), 1);
        assert_eq!(ds[0].code, "SH403");
        assert_eq!(ds[0].severity, Severity::Error);
    }

    #[test]
    fn unknown_rule_suggests_the_closest() {
        let err = Levels::from_table(&table(&[("list-after-paragraf", Level::Off)])).unwrap_err();
        assert!(err.contains("did you mean `list-after-paragraph`"), "{err}");
    }
}
