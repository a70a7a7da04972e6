//! Site configuration from `shelf.toml`.
//!
//! Every key is optional and documented with its default. Unknown keys are rejected with the list
//! of valid ones (serde's `deny_unknown_fields` names them), so a typo never silently does nothing.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::error::Error;
use crate::model::Cloud;
use crate::rules::levels::{Level, Levels};

/// The name of the configuration file looked for in the site root.
pub const CONFIG_FILE: &str = "shelf.toml";

#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields, default, rename_all = "kebab-case")]
pub struct Config {
    /// Site title shown in the header of every page. Default: `"Self-help"`.
    pub title: String,
    /// Absolute URL the site is served from, used for `sitemap.xml`; pages link relatively and
    /// work from any sub-path regardless. Default: `"/"`.
    pub base_url: String,
    /// Folder holding the articles, relative to the site root. Default: `"articles"`.
    pub source: PathBuf,
    /// Folder the site is written to, relative to the site root. Default: `"output"`.
    pub output: PathBuf,
    /// Folder of template overrides, relative to the site root; a file there named like a
    /// built-in template replaces it. Default: `"templates"`.
    pub templates: PathBuf,
    /// Build only for this cloud (`public`, `fairfax`, `mooncake`, `blackforest`, `usnat`,
    /// `ussec`). Default: none, every article whatever its clouds.
    pub cloud: Option<Cloud>,
    /// Write the search index (`search/`) and the search page. Default: `true`.
    pub search: bool,
    /// Read symlinks in the source that lead outside it (by default they are reported as
    /// SH015 and not read, so an untrusted tree cannot pull in files of the machine).
    /// Default: `false`.
    pub follow_outside_symlinks: bool,
    /// Per-rule levels, `error`, `warn` or `off`, keyed by rule code or name (`[rules]`
    /// table). Default: every rule at its default severity.
    #[serde(rename = "rules")]
    pub rule_table: BTreeMap<String, Level>,
    /// `rule_table` validated against the catalog (filled by [`Config::parse`]).
    #[serde(skip)]
    pub levels: Levels,
}

/// What `build` and `serve` take from the command line over `shelf.toml`.
#[derive(Debug, Clone, Default)]
pub struct Overrides {
    pub source: Option<PathBuf>,
    pub output: Option<PathBuf>,
    pub cloud: Option<Cloud>,
    pub no_search: bool,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            title: "Self-help".into(),
            base_url: "/".into(),
            source: "articles".into(),
            output: "output".into(),
            templates: "templates".into(),
            cloud: None,
            search: true,
            follow_outside_symlinks: false,
            rule_table: BTreeMap::new(),
            levels: Levels::default(),
        }
    }
}

impl Config {
    /// Reads `shelf.toml` from `root`, or the defaults when there is none. Relative paths are
    /// resolved against `root`.
    pub fn load(root: &Path) -> Result<Config, Error> {
        let path = root.join(CONFIG_FILE);
        let mut config = match std::fs::read_to_string(&path) {
            Ok(text) => Config::parse(&text).map_err(|message| Error::Config {
                path: path.clone(),
                message,
            })?,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Config::default(),
            Err(source) => return Err(Error::Io { path, source }),
        };
        config.source = root.join(&config.source);
        config.output = root.join(&config.output);
        config.templates = root.join(&config.templates);
        Ok(config)
    }

    /// [`Config::load`], then what the command line says over it. Command-line paths are
    /// relative to where the user is, not to the site root.
    pub fn load_with(root: &Path, overrides: &Overrides) -> Result<Config, Error> {
        let mut config = Config::load(root)?;
        if let Some(source) = &overrides.source {
            config.source = source.clone();
        }
        if let Some(output) = &overrides.output {
            config.output = output.clone();
        }
        if overrides.cloud.is_some() {
            config.cloud = overrides.cloud;
        }
        config.search &= !overrides.no_search;
        Ok(config)
    }

    /// How discovery treats symlinks that lead outside the source.
    pub fn outside_links(&self) -> crate::discover::OutsideLinks {
        if self.follow_outside_symlinks {
            crate::discover::OutsideLinks::Follow
        } else {
            crate::discover::OutsideLinks::Refuse
        }
    }

    /// Parses the text of a config file (paths left as written).
    pub fn parse(text: &str) -> Result<Config, String> {
        let mut config: Config = toml::from_str(text).map_err(|e| e.to_string())?;
        config.levels = Levels::from_table(&config.rule_table)?;
        Ok(config)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_key_is_optional() {
        assert_eq!(Config::parse("").unwrap(), Config::default());
    }

    #[test]
    fn keys_are_read() {
        let c = Config::parse("title = \"Help\"\ncloud = \"Mooncake\"\nsource = \"docs\"").unwrap();
        assert_eq!(c.title, "Help");
        assert_eq!(c.cloud, Some(Cloud::Mooncake));
        assert_eq!(c.source, PathBuf::from("docs"));
        assert!(c.search);
        assert!(!Config::parse("search = false").unwrap().search);
    }

    #[test]
    fn unknown_key_names_the_valid_ones() {
        let err = Config::parse("titel = \"x\"").unwrap_err();
        assert!(err.contains("unknown field `titel`"), "{err}");
        assert!(
            err.contains("`title`") && err.contains("`base-url`"),
            "{err}"
        );
    }

    #[test]
    fn rule_levels_are_validated() {
        let c = Config::parse("[rules]\ntable = \"off\"\nSH403 = \"warning\"").unwrap();
        assert_eq!(c.rule_table.len(), 2);
        let err = Config::parse("[rules]\nSH999 = \"off\"").unwrap_err();
        assert!(err.contains("SH999"), "{err}");
        let err = Config::parse("[rules]\ntable = \"loud\"").unwrap_err();
        assert!(err.contains("loud"), "{err}");
    }

    #[test]
    fn unknown_cloud_is_rejected() {
        let err = Config::parse("cloud = \"mars\"").unwrap_err();
        assert!(err.contains("mars"), "{err}");
    }
}
