//! Site configuration from `shelf.toml`.
//!
//! Layer 4: above checking (rule levels and `[[overrides]]` are resolved against the rule
//! catalog), below the site it configures; imports [`crate::check`], [`crate::source`] and
//! [`crate::base`].
//!
//! Every key is optional and documented with its default. Unknown keys are rejected with the list
//! of valid ones (serde's `deny_unknown_fields` names them), so a typo never silently does nothing.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::base::error::Error;
use crate::check::rules::levels::{Level, Levels};
use crate::source::model::Cloud;

/// The name of the configuration file looked for in the site root.
pub const CONFIG_FILE: &str = "shelf.toml";

#[derive(Debug, Clone, Deserialize, PartialEq, schemars::JsonSchema)]
#[serde(deny_unknown_fields, default, rename_all = "kebab-case")]
#[schemars(
    title = "shelf.toml",
    description = "The configuration of a shelf site (https://github.com/OWNER/shelf)."
)]
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
    /// What a build writes, any of `pages` (the HTML site: home, articles, topic, service,
    /// product, cloud and type pages, `style.css`), `api` (`api/v1/`: index, catalogs, the
    /// topic, service and product documents, schemas), `records` (`api/v1/articles/`, each
    /// article's full record, its fragment included), `embed` (`embed/`, each article's
    /// fragment alone), `search` (the search page and index; needs `pages`) and `sitemap`
    /// (`sitemap.xml`; needs `pages`). A portal that reads records needs no `embed`, one that
    /// inserts fragments no `records` (docs/embedding.md). Default: all six.
    pub outputs: Vec<Output>,
    /// `false` leaves `search` out of `outputs` (the older spelling of it). Default: `true`.
    pub search: bool,
    /// Files to leave out, as globs relative to the site root (`articles/legacy/**`,
    /// `**/drafts/*.md`); `*` stays within a folder, `**` crosses folders. Default: none.
    pub exclude: Vec<String>,
    /// Leave out what `.gitignore` files (and `.git/info/exclude`) ignore. Default: `true`.
    pub respect_gitignore: bool,
    /// Rule levels for some files: `[[overrides]]` blocks, each with `files` (globs as in
    /// `exclude`) and `rules` (a table as `[rules]`); later blocks win. Default: none.
    #[serde(rename = "overrides")]
    pub override_tables: Vec<OverrideTable>,
    /// Read symlinks in the source that lead outside it (by default they are reported as
    /// SH015 and not read, so an untrusted tree cannot pull in files of the machine).
    /// Default: `false`.
    pub follow_outside_symlinks: bool,
    /// Per-rule levels, `error`, `warn` or `off`, keyed by rule code or name (`[rules]`
    /// table). Default: every rule at its default severity.
    #[serde(rename = "rules")]
    pub rule_table: BTreeMap<String, Level>,
    /// The baseline file (`shelf check --update-baseline` writes it), relative to the site
    /// root: the problems the repository already has. `check`, `build`, `serve` and `shelf
    /// lsp` count them but neither show them nor fail on them; a new problem still fails.
    /// `shelf check --baseline FILE` uses another file, `--no-baseline` none. Default: none.
    pub baseline: Option<PathBuf>,
    /// `rule_table` and `override_tables` validated against the catalog (filled by
    /// [`Config::parse`]), with the command line's levels when given.
    #[serde(skip)]
    #[schemars(skip)]
    pub levels: Levels,
    /// The site root: where shelf.toml is, and what globs are relative to.
    #[serde(skip)]
    #[schemars(skip)]
    pub root: PathBuf,
}

/// The JSON Schema of shelf.toml (`docs/shelf.schema.json`), for editors that validate and
/// complete the file.
pub fn json_schema() -> String {
    let schema = schemars::schema_for!(Config);
    let mut text = serde_json::to_string_pretty(&schema).unwrap_or_default();
    text.push('\n');
    text
}

/// One kind of file a build writes (`outputs` in shelf.toml, `--outputs` on the command line).
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Deserialize, schemars::JsonSchema,
)]
#[serde(rename_all = "kebab-case")]
pub enum Output {
    Pages,
    Api,
    Records,
    Embed,
    Search,
    Sitemap,
}

impl Output {
    /// Every output, in the order a build lists them: the default.
    pub const ALL: [Output; 6] = [
        Output::Pages,
        Output::Api,
        Output::Records,
        Output::Embed,
        Output::Search,
        Output::Sitemap,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Output::Pages => "pages",
            Output::Api => "api",
            Output::Records => "records",
            Output::Embed => "embed",
            Output::Search => "search",
            Output::Sitemap => "sitemap",
        }
    }

    /// The outputs named in `list` (`pages,search`), or what is wrong with it.
    pub fn parse_list(list: &str) -> Result<Vec<Output>, String> {
        let mut outputs = Vec::new();
        for name in list.split(',').map(str::trim).filter(|n| !n.is_empty()) {
            let Some(output) = Output::ALL.into_iter().find(|o| o.name() == name) else {
                let valid: Vec<_> = Output::ALL.iter().map(|o| o.name()).collect();
                return Err(format!(
                    "unknown output `{name}`; the outputs are {}",
                    valid.join(", ")
                ));
            };
            outputs.push(output);
        }
        Ok(outputs)
    }
}

/// What is wrong with a set of outputs, if anything: none at all, or search or a sitemap
/// without the pages they link to.
fn outputs_problem(outputs: &[Output]) -> Option<String> {
    if outputs.is_empty() {
        return Some(
            "outputs is empty: name at least one of pages, api, records, embed, search, sitemap"
                .into(),
        );
    }
    let needs_pages = [Output::Search, Output::Sitemap]
        .into_iter()
        .filter(|o| outputs.contains(o))
        .map(Output::name)
        .collect::<Vec<_>>();
    (!outputs.contains(&Output::Pages) && !needs_pages.is_empty()).then(|| {
        format!(
            "outputs has {} but not pages, which {} link{} to: add pages or leave {} out",
            needs_pages.join(" and "),
            if needs_pages.len() > 1 { "they" } else { "it" },
            if needs_pages.len() > 1 { "" } else { "s" },
            if needs_pages.len() > 1 { "them" } else { "it" },
        )
    })
}

/// One `[[overrides]]` block of shelf.toml.
#[derive(Debug, Clone, Deserialize, PartialEq, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct OverrideTable {
    /// Globs of the files these levels apply to, relative to the site root.
    pub files: Vec<String>,
    /// Levels by rule code or name, as in `[rules]`.
    #[serde(default)]
    pub rules: BTreeMap<String, Level>,
}

/// What `build` and `serve` take from the command line over `shelf.toml`.
#[derive(Debug, Clone, Default)]
pub struct Overrides {
    pub source: Option<PathBuf>,
    pub output: Option<PathBuf>,
    pub cloud: Option<Cloud>,
    pub no_search: bool,
    /// `--outputs`: replaces shelf.toml's list.
    pub outputs: Option<Vec<Output>>,
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
            outputs: Output::ALL.to_vec(),
            search: true,
            follow_outside_symlinks: false,
            exclude: Vec::new(),
            respect_gitignore: true,
            override_tables: Vec::new(),
            rule_table: BTreeMap::new(),
            baseline: None,
            levels: Levels::default(),
            root: PathBuf::from("."),
        }
    }
}

impl Config {
    /// Reads `shelf.toml` from `root`, or the defaults when there is none. Relative paths are
    /// resolved against `root`.
    pub fn load(root: &Path) -> Result<Config, Error> {
        Config::load_file(root, &root.join(CONFIG_FILE))
    }

    /// Reads the configuration in `path` (defaults when it does not exist) for the site at
    /// `root`.
    pub fn load_file(root: &Path, path: &Path) -> Result<Config, Error> {
        let path = path.to_path_buf();
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
        config.baseline = config.baseline.map(|b| root.join(b));
        config.root = root.to_path_buf();
        config.levels.set_root(root);
        Ok(config)
    }

    /// The nearest folder holding a shelf.toml: `start` or one above it (as cargo, ruff and
    /// Zola find theirs); None when there is none up to the file system's root.
    pub fn find_root(start: &Path) -> Option<PathBuf> {
        let start = std::path::absolute(start).ok()?;
        start
            .ancestors()
            .find(|dir| dir.join(CONFIG_FILE).is_file())
            .map(Path::to_path_buf)
    }

    /// The `exclude` globs, compiled.
    pub fn excluded(&self) -> Result<globset::GlobSet, String> {
        crate::source::discover::glob_set(&self.exclude).map_err(|e| format!("exclude: {e}"))
    }

    /// [`Config::load`], then what the command line says over it. Command-line paths are
    /// relative to where the user is, not to the site root.
    pub fn load_with(root: &Path, overrides: &Overrides) -> Result<Config, Error> {
        Ok(Config::load(root)?.with(overrides))
    }

    /// This configuration with what the command line says over it.
    pub fn with(mut self, overrides: &Overrides) -> Config {
        let config = &mut self;
        if let Some(source) = &overrides.source {
            config.source = source.clone();
        }
        if let Some(output) = &overrides.output {
            config.output = output.clone();
        }
        if overrides.cloud.is_some() {
            config.cloud = overrides.cloud;
        }
        if let Some(outputs) = &overrides.outputs {
            config.outputs = normalized(outputs.clone(), true);
        }
        if overrides.no_search {
            config.outputs.retain(|&o| o != Output::Search);
        }
        self
    }

    /// Whether a build writes `output`.
    pub fn writes(&self, output: Output) -> bool {
        self.outputs.contains(&output)
    }

    /// What is wrong with the outputs this configuration asks for (after the command line's
    /// say), if anything.
    pub fn outputs_problem(&self) -> Option<String> {
        outputs_problem(&self.outputs)
    }

    /// What discovery leaves out: outside symlinks, ignored and excluded files.
    pub fn filters(&self) -> crate::source::discover::Filters {
        crate::source::discover::Filters {
            outside_links: if self.follow_outside_symlinks {
                crate::source::discover::OutsideLinks::Follow
            } else {
                crate::source::discover::OutsideLinks::Refuse
            },
            gitignore: self.respect_gitignore,
            exclude: (!self.exclude.is_empty())
                .then(|| self.excluded().ok())
                .flatten(),
            root: self.root.clone(),
        }
    }

    /// Parses the text of a config file (paths left as written).
    pub fn parse(text: &str) -> Result<Config, String> {
        let mut config: Config = toml::from_str(text).map_err(|e| e.to_string())?;
        config.levels = Levels::from_table(&config.rule_table)?;
        for o in &config.override_tables {
            config.levels.add_override(&o.files, &o.rules)?;
        }
        config.excluded()?;
        config.outputs = normalized(std::mem::take(&mut config.outputs), config.search);
        if let Some(problem) = outputs_problem(&config.outputs) {
            return Err(problem);
        }
        Ok(config)
    }
}

/// `outputs` sorted, each once, without search when `search` is false.
fn normalized(mut outputs: Vec<Output>, search: bool) -> Vec<Output> {
    outputs.sort();
    outputs.dedup();
    outputs.retain(|&o| search || o != Output::Search);
    outputs
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
        assert!(c.writes(Output::Search));
        assert!(
            !Config::parse("search = false")
                .unwrap()
                .writes(Output::Search)
        );
        assert_eq!(c.baseline, None);
    }

    #[test]
    fn the_baseline_is_relative_to_the_site_root() {
        let root = tempfile::tempdir().unwrap();
        std::fs::write(
            root.path().join(CONFIG_FILE),
            "baseline = \"ci/known.json\"",
        )
        .unwrap();
        let c = Config::load(root.path()).unwrap();
        assert_eq!(c.baseline, Some(root.path().join("ci/known.json")));
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
    fn excludes_and_overrides_are_read_and_checked() {
        let c = Config::parse(
            "exclude = [\"articles/legacy/**\"]\nrespect-gitignore = false\n\n[[overrides]]\nfiles = [\"articles/tsg/**\"]\nrules = { SH307 = \"off\" }\n",
        )
        .unwrap();
        assert_eq!(c.exclude, ["articles/legacy/**"]);
        assert!(!c.respect_gitignore);
        assert_eq!(c.override_tables.len(), 1);
        let err = Config::parse("[[overrides]]\nfiles = [\"a/**\"]\nrules = { SH999 = \"off\" }\n")
            .unwrap_err();
        assert!(err.contains("SH999"), "{err}");
        let err = Config::parse("exclude = [\"a/[\"]").unwrap_err();
        assert!(err.contains("exclude"), "{err}");
        let err = Config::parse("[[overrides]]\npaths = [\"a\"]\n").unwrap_err();
        assert!(err.contains("paths"), "{err}");
    }

    #[test]
    fn outputs_are_read_checked_and_overridden() {
        let c = Config::parse("outputs = [\"records\", \"api\", \"records\"]").unwrap();
        assert_eq!(c.outputs, [Output::Api, Output::Records]);
        assert_eq!(Config::default().outputs, Output::ALL);
        let err = Config::parse("outputs = [\"search\", \"api\"]").unwrap_err();
        assert!(err.contains("search") && err.contains("pages"), "{err}");
        let err = Config::parse("outputs = []").unwrap_err();
        assert!(err.contains("empty"), "{err}");
        let err = Config::parse("outputs = [\"feeds\"]").unwrap_err();
        assert!(err.contains("feeds"), "{err}");
        let c = Config::parse("search = false").unwrap();
        assert_eq!(c.outputs.len(), 5);
        // The command line's list replaces the file's; --no-search takes search out of either.
        let over = Overrides {
            outputs: Some(Output::parse_list("pages, search,embed").unwrap()),
            no_search: true,
            ..Overrides::default()
        };
        let c = Config::default().with(&over);
        assert_eq!(c.outputs, [Output::Pages, Output::Embed]);
        assert_eq!(c.outputs_problem(), None);
        let over = Overrides {
            outputs: Some(Output::parse_list("sitemap").unwrap()),
            ..Overrides::default()
        };
        assert!(Config::default().with(&over).outputs_problem().is_some());
        assert!(
            Output::parse_list("pages,feeds")
                .unwrap_err()
                .contains("records")
        );
        // The names `--outputs` takes are those shelf.toml takes (serde's kebab-case).
        for output in Output::ALL {
            let toml = format!("outputs = [\"pages\", \"{}\"]", output.name());
            let outputs = Config::parse(&toml).unwrap().outputs;
            assert!(outputs.contains(&output), "{}", output.name());
        }
    }

    #[test]
    fn unknown_cloud_is_rejected() {
        let err = Config::parse("cloud = \"mars\"").unwrap_err();
        assert!(err.contains("mars"), "{err}");
    }
}
