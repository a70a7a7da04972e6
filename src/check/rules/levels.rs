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

use crate::source::discover::glob_set;
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::base::diagnostic::{Diagnostic, Rule, Severity};

/// What a rule's diagnostics become.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum Level {
    Error,
    #[serde(alias = "warning")]
    Warn,
    Off,
}

impl std::str::FromStr for Level {
    type Err = String;
    fn from_str(s: &str) -> Result<Level, String> {
        match s.to_ascii_lowercase().as_str() {
            "error" => Ok(Level::Error),
            "warn" | "warning" => Ok(Level::Warn),
            "off" => Ok(Level::Off),
            other => Err(format!(
                "`{other}` is no level: expected error, warn or off"
            )),
        }
    }
}

/// Levels that apply to the files some globs match (`[[overrides]]`).
#[derive(Debug, Clone)]
struct ForPaths {
    globs: Vec<String>,
    matcher: globset::GlobSet,
    levels: BTreeMap<&'static str, Level>,
}

impl PartialEq for ForPaths {
    fn eq(&self, other: &Self) -> bool {
        self.globs == other.globs && self.levels == other.levels
    }
}
impl Eq for ForPaths {}

/// Every rule's level for every file, validated: `[rules]`, then the `[[overrides]]` whose
/// globs match the file (later ones win), then the command line (`--select`, `--ignore`,
/// `--rule`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Levels {
    base: BTreeMap<&'static str, Level>,
    for_paths: Vec<ForPaths>,
    /// `--select`: only these rules.
    select: Option<BTreeSet<&'static str>>,
    /// `--ignore` and `--rule`.
    command_line: BTreeMap<&'static str, Level>,
    /// Globs match paths relative to this folder (the site root).
    root: PathBuf,
}

impl Levels {
    /// Validates the `[rules]` table: each key must be a rule code or name.
    pub fn from_table(table: &BTreeMap<String, Level>) -> Result<Levels, String> {
        Ok(Levels {
            base: codes(table, "[rules]")?,
            ..Levels::default()
        })
    }

    /// Adds an `[[overrides]]` block: `levels` for the files `globs` match (relative to the
    /// site root).
    pub fn add_override(
        &mut self,
        globs: &[String],
        levels: &BTreeMap<String, Level>,
    ) -> Result<(), String> {
        let matcher = glob_set(globs).map_err(|e| format!("[[overrides]] files: {e}"))?;
        self.for_paths.push(ForPaths {
            globs: globs.to_vec(),
            matcher,
            levels: codes(levels, "[[overrides]] rules")?,
        });
        Ok(())
    }

    /// Sets the folder paths are matched from.
    pub fn set_root(&mut self, root: &Path) {
        self.root = std::path::absolute(root).unwrap_or_else(|_| root.to_path_buf());
    }

    /// What the command line says over the files: `select` keeps only these rules, `ignore`
    /// turns rules off, `rules` sets levels (`CODE=level`).
    pub fn command_line(
        &mut self,
        select: &[String],
        ignore: &[String],
        rules: &[String],
    ) -> Result<(), String> {
        let rule = |key: &str| {
            find(key)
                .map(|r| r.code)
                .ok_or_else(|| unknown_rule(key, "--select/--ignore/--rule"))
        };
        if !select.is_empty() {
            self.select = Some(select.iter().map(|k| rule(k)).collect::<Result<_, _>>()?);
        }
        for key in ignore {
            self.command_line.insert(rule(key)?, Level::Off);
        }
        for pair in rules {
            let (key, level) = pair
                .split_once('=')
                .ok_or_else(|| format!("--rule {pair}: expected CODE=level, e.g. SH307=off"))?;
            self.command_line
                .insert(rule(key.trim())?, level.trim().parse()?);
        }
        Ok(())
    }

    /// The level `rule` has for `file`, when anything sets one.
    pub fn level(&self, rule: &'static str, file: &Path) -> Option<Level> {
        if self.select.as_ref().is_some_and(|s| !s.contains(rule)) {
            return Some(Level::Off);
        }
        if let Some(&level) = self.command_line.get(rule) {
            return Some(level);
        }
        if !self.for_paths.is_empty() {
            let rel = self.relative(file);
            if let Some(level) = self
                .for_paths
                .iter()
                .rev()
                .find_map(|o| o.levels.get(rule).filter(|_| o.matcher.is_match(&rel)))
            {
                return Some(*level);
            }
        }
        self.base.get(rule).copied()
    }

    /// `file` relative to the root, as globs see it.
    fn relative(&self, file: &Path) -> PathBuf {
        let abs = std::path::absolute(file).unwrap_or_else(|_| file.to_path_buf());
        abs.strip_prefix(&self.root)
            .map(Path::to_path_buf)
            .unwrap_or(abs)
    }

    /// Applies the levels: drops `off` rules' diagnostics and sets the others' severity.
    pub fn apply(&self, diagnostics: &mut Vec<Diagnostic>) {
        if self.base.is_empty()
            && self.for_paths.is_empty()
            && self.select.is_none()
            && self.command_line.is_empty()
        {
            return;
        }
        diagnostics.retain_mut(|d| match self.level(d.code, &d.file) {
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

fn codes(
    table: &BTreeMap<String, Level>,
    what: &str,
) -> Result<BTreeMap<&'static str, Level>, String> {
    let mut levels = BTreeMap::new();
    for (key, &level) in table {
        let rule = find(key).ok_or_else(|| unknown_rule(key, what))?;
        levels.insert(rule.code, level);
    }
    Ok(levels)
}

/// A rule by code (`SH101`) or name (`missing-required-property`), ignoring case.
pub fn find(key: &str) -> Option<&'static Rule> {
    super::ALL
        .iter()
        .find(|r| r.code.eq_ignore_ascii_case(key) || r.name.eq_ignore_ascii_case(key))
}

fn unknown_rule(key: &str, what: &str) -> String {
    let candidates = super::ALL.iter().flat_map(|r| [r.code, r.name]);
    let closest = super::closest(key, candidates, 0.8)
        .map(|(c, _)| format!("; did you mean `{c}`?"))
        .unwrap_or_default();
    format!("{what}: `{key}` is not a rule code or name{closest} (`shelf rules` lists them)")
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
            Diagnostic::new(crate::check::rules::body::table::TABLE, file, "t"),
            Diagnostic::new(
                crate::check::rules::links::short_link::SHORT_LINK,
                file,
                "s",
            ),
        ];
        levels.apply(&mut ds);
        assert_eq!(ds.len(), 1);
        assert_eq!(ds[0].code, "SH403");
        assert_eq!(ds[0].severity, Severity::Error);
    }

    #[test]
    fn overrides_by_path_and_the_command_line_come_after_the_table() {
        let mut levels = Levels::from_table(&table(&[("SH307", Level::Error)])).unwrap();
        levels.set_root(Path::new("/site"));
        levels
            .add_override(
                &["articles/legacy/**".into()],
                &table(&[("table", Level::Off)]),
            )
            .unwrap();
        assert_eq!(
            levels.level("SH307", Path::new("/site/articles/a.md")),
            Some(Level::Error)
        );
        assert_eq!(
            levels.level("SH307", Path::new("/site/articles/legacy/x/a.md")),
            Some(Level::Off)
        );
        // `*` stays in its folder; `**` crosses them.
        levels
            .add_override(
                &["articles/*.md".into()],
                &table(&[("SH403", Level::Error)]),
            )
            .unwrap();
        assert_eq!(
            levels.level("SH403", Path::new("/site/articles/a.md")),
            Some(Level::Error)
        );
        assert_eq!(
            levels.level("SH403", Path::new("/site/articles/x/a.md")),
            None
        );
        levels
            .command_line(&[], &["SH307".into()], &["short-link=warn".into()])
            .unwrap();
        assert_eq!(
            levels.level("SH307", Path::new("/site/articles/a.md")),
            Some(Level::Off)
        );
        assert_eq!(
            levels.level("SH403", Path::new("/site/articles/a.md")),
            Some(Level::Warn)
        );
        levels.command_line(&["SH101".into()], &[], &[]).unwrap();
        assert_eq!(
            levels.level("SH403", Path::new("/site/articles/a.md")),
            Some(Level::Off)
        );
        assert!(levels.command_line(&["SH999".into()], &[], &[]).is_err());
        assert!(levels.command_line(&[], &[], &["SH307".into()]).is_err());
    }

    #[test]
    fn unknown_rule_suggests_the_closest() {
        let err = Levels::from_table(&table(&[("list-after-paragraf", Level::Off)])).unwrap_err();
        assert!(err.contains("did you mean `list-after-paragraph`"), "{err}");
    }
}
