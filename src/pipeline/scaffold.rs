//! Starting points for writers: `shelf new` (one article of a given type) and `shelf init` (a
//! whole new site that builds at once).
//!
//! A new article carries every property its type requires (the same table `shelf check` uses,
//! [`required_keys`]), a fresh GUID articleId and a body from the type's template in
//! `templates/new/`. Values shelf cannot know are written as `<fill in: ...>`, which
//! `shelf check` reports (SH110 template-placeholder) until the writer replaces them; nothing
//! else in a new article fails the check.

use std::fs;
use std::io;
use std::path::{Path, PathBuf};

use crate::base::error::Error;
use crate::check::rules::metadata::required_property::required_keys;
use crate::source::model::{Cloud, SelfHelpType as T};

/// What the writer told `shelf new`; `None` values become placeholders.
#[derive(Debug, Default, Clone)]
pub struct NewArticle {
    pub self_help_type: String,
    pub title: Option<String>,
    pub description: Option<String>,
    pub service: Option<String>,
    pub resource: Option<String>,
    pub topics: Vec<String>,
    pub products: Vec<String>,
    pub clouds: Vec<Cloud>,
    pub owner: Option<String>,
    /// Written as `authors`.
    pub author: Option<String>,
}

/// An article ready to be written, and the properties left for the writer to fill.
#[derive(Debug)]
pub struct Scaffold {
    pub text: String,
    pub article_id: String,
    pub to_fill: Vec<&'static str>,
}

/// The body templates, by kind of type.
const BODIES: &[(&str, &str)] = &[
    ("markdown", include_str!("../../templates/new/markdown.md")),
    (
        "diagnostic",
        include_str!("../../templates/new/diagnostic.md"),
    ),
    ("scoping", include_str!("../../templates/new/scoping.md")),
    ("topics", include_str!("../../templates/new/topics.md")),
    ("advisor", include_str!("../../templates/new/advisor.md")),
    (
        "diagnoseandsolve",
        include_str!("../../templates/new/diagnoseandsolve.md"),
    ),
];

/// The known types, in the spelling `--type` takes (any case).
pub fn type_names() -> Vec<&'static str> {
    T::known_names().collect()
}

/// The article `spec` describes, with a fresh articleId. `file_stem` names it when no title is
/// given (`vm-disk-full` → "Vm disk full").
pub fn new_article(spec: &NewArticle, file_stem: &str) -> Result<Scaffold, Error> {
    let t = T::parse(&spec.self_help_type);
    if let T::Other(name) = &t {
        return Err(Error::Usage(format!(
            "unknown selfHelpType `{name}`; expected one of: {}",
            type_names().join(", ")
        )));
    }
    let title = spec.title.clone().unwrap_or_else(|| humanize(file_stem));
    let article_id = uuid::Uuid::new_v4().to_string();
    let topic = spec.topics.first().cloned();
    let mut to_fill = Vec::new();
    let mut header = String::from("<properties\n");
    let mut property = |key: &'static str, value: Option<String>, hint: &str| {
        // A given value is escaped; the placeholder is written as is, for SH110 to find.
        let value = match value {
            Some(given) => crate::base::escape::html(&given),
            None => {
                to_fill.push(key);
                format!("<fill in: {hint}>")
            }
        };
        header.push_str(&format!("\t{key}=\"{value}\"\n"));
    };
    let list = |items: &[String]| (!items.is_empty()).then(|| items.join(", "));
    let required: Vec<&str> = required_keys(&t).into_iter().map(|(k, _)| k).collect();
    // Required keys, and any other the writer gave a value for.
    let given = |key: &str| match key {
        "service" => spec.service.is_some(),
        "resource" => spec.resource.is_some(),
        "supportTopicIds" => !spec.topics.is_empty(),
        "productPesIds" => !spec.products.is_empty(),
        _ => false,
    };
    let wants = |key: &str| required.contains(&key) || given(key);
    property("pageTitle", Some(title.clone()), "");
    property(
        "description",
        spec.description.clone(),
        "one sentence shown under the title",
    );
    if wants("service") {
        property(
            "service",
            spec.service.clone(),
            "service, e.g. microsoft.compute",
        );
    }
    if wants("resource") {
        property(
            "resource",
            spec.resource.clone(),
            "resource type, e.g. virtualmachines",
        );
    }
    property(
        "authors",
        spec.author.clone(),
        "your GitHub user name (ms.author may add your alias)",
    );
    property("selfHelpType", Some(t.as_str().to_string()), "");
    if wants("supportTopicIds") {
        property(
            "supportTopicIds",
            list(&spec.topics),
            "support topic IDs, comma-separated",
        );
    }
    if wants("productPesIds") {
        property(
            "productPesIds",
            list(&spec.products),
            "product IDs, comma-separated",
        );
    }
    let clouds = if spec.clouds.is_empty() {
        vec![Cloud::Public]
    } else {
        spec.clouds.clone()
    };
    property(
        "cloudEnvironments",
        Some(
            clouds
                .iter()
                .map(|c| c.as_str())
                .collect::<Vec<_>>()
                .join(", "),
        ),
        "",
    );
    property("articleId", Some(article_id.clone()), "");
    if wants("ownershipId") {
        property(
            "ownershipId",
            spec.owner.clone(),
            "owning team, e.g. Compute_VM",
        );
    }
    if wants("infoBubbleText") {
        property(
            "infoBubbleText",
            None,
            "what the diagnostic checked, shown in a tooltip",
        );
    }
    if wants("diagnosticScenario") {
        property("diagnosticScenario", None, "the diagnostic's scenario name");
    }
    if wants("schemaVersion") {
        property("schemaVersion", Some("1".into()), "");
    }
    header.push_str("/>\n");

    let kind = match t {
        T::Diagnostics | T::Rca | T::ServiceHealthInsights => "diagnostic",
        T::ProblemScopingQuestions => "scoping",
        T::SupportTopicDescription => "topics",
        T::AdvisorRecommendationMetadata => "advisor",
        T::DiagnoseAndSolve => "diagnoseandsolve",
        _ => "markdown",
    };
    let body = BODIES
        .iter()
        .find(|(k, _)| *k == kind)
        .map_or("", |(_, b)| b)
        .replace("{title}", &escape_json_text(&title))
        .replace("{topic}", &escape_json_text(topic.as_deref().unwrap_or("")))
        .replace("{guid1}", &uuid::Uuid::new_v4().to_string())
        .replace("{guid2}", &uuid::Uuid::new_v4().to_string());
    Ok(Scaffold {
        text: header + &body,
        article_id,
        to_fill,
    })
}

/// Writes a new article at `path`; never replaces an existing file.
pub fn write_new(path: &Path, spec: &NewArticle) -> Result<Scaffold, Error> {
    if path.extension().and_then(|e| e.to_str()) != Some("md") {
        return Err(Error::Usage(format!(
            "{}: an article is a `.md` file",
            path.display()
        )));
    }
    let stem = path
        .file_stem()
        .and_then(|s| s.to_str())
        .unwrap_or("new article");
    let scaffold = new_article(spec, stem)?;
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
    }
    let mut file = fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(path)
        .map_err(|e| match e.kind() {
            io::ErrorKind::AlreadyExists => Error::Usage(format!(
                "{} already exists; not replacing it",
                path.display()
            )),
            _ => Error::io(path, e),
        })?;
    io::Write::write_all(&mut file, scaffold.text.as_bytes()).map_err(|e| Error::io(path, e))?;
    Ok(scaffold)
}

/// The files of a new site, by path from its root.
pub fn site_files(title: &str) -> Result<Vec<(PathBuf, String)>, Error> {
    let example = NewArticle {
        self_help_type: "generic".into(),
        title: Some("Welcome to your self-help site".into()),
        description: Some("An example article: edit it, or start another with shelf new".into()),
        service: Some("microsoft.example".into()),
        resource: Some("widgets".into()),
        topics: vec!["10000001".into()],
        products: vec!["10001".into()],
        clouds: vec![Cloud::Public],
        owner: Some("Docs_Team".into()),
        author: None,
    };
    let article = new_article(&example, "welcome")?.text.replace(
        "TODO: one or two sentences on what the customer sees and why it happens.",
        "This article was written by `shelf init`. Articles are Markdown files with a \
         `<properties .../>` header; `shelf new --type generic articles/my-article.md` starts \
         another, `shelf check` validates them and `shelf build` writes the site to `output/`.",
    );
    let config = format!(
        "# shelf site configuration; every key is optional (see `shelf build --help`).\n\
         title = \"{}\"\nbase-url = \"/\"\nsource = \"articles\"\noutput = \"output\"\n",
        title.replace('\\', "\\\\").replace('"', "\\\"")
    );
    Ok(vec![
        (PathBuf::from("shelf.toml"), config),
        (PathBuf::from("articles/welcome.md"), article),
        (
            PathBuf::from(".gitignore"),
            "/output/\n/.output.*/\n/.shelf-cache/\n".into(),
        ),
    ])
}

/// Creates a new site in `dir`, which must not exist or be empty.
pub fn init(dir: &Path) -> Result<Vec<PathBuf>, Error> {
    if let Ok(mut entries) = fs::read_dir(dir)
        && entries.next().is_some()
    {
        return Err(Error::Usage(format!(
            "{} is not empty; `shelf init` starts a site in a new or empty folder",
            dir.display()
        )));
    }
    let title = dir
        .canonicalize()
        .unwrap_or_else(|_| dir.to_path_buf())
        .file_name()
        .map_or_else(|| "Self-help".into(), |n| n.to_string_lossy().into_owned());
    let mut written = Vec::new();
    for (rel, text) in site_files(&title)? {
        let path = dir.join(&rel);
        if let Some(parent) = path.parent() {
            fs::create_dir_all(parent).map_err(|e| Error::io(parent, e))?;
        }
        fs::write(&path, text).map_err(|e| Error::io(&path, e))?;
        written.push(path);
    }
    Ok(written)
}

/// `vm-disk_full` → "Vm disk full".
fn humanize(stem: &str) -> String {
    let words = stem.replace(['-', '_'], " ");
    let words = words.split_whitespace().collect::<Vec<_>>().join(" ");
    let mut chars = words.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => "New article".into(),
    }
}

/// Text placed inside a JSON string of a template.
fn escape_json_text(s: &str) -> String {
    let quoted = serde_json::to_string(s).unwrap_or_default();
    quoted[1..quoted.len() - 1].to_string()
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::*;
    use crate::check::article::{self, Mode};

    fn spec(t: &str) -> NewArticle {
        NewArticle {
            self_help_type: t.into(),
            ..NewArticle::default()
        }
    }

    #[test]
    fn every_type_makes_an_article_that_parses_with_its_payload() {
        for name in type_names() {
            let made = new_article(&spec(name), "disk-full_now").unwrap();
            let parsed = article::parse(
                Path::new("new.md"),
                "new.md",
                made.text.as_bytes(),
                Mode::Check,
            );
            let a = parsed
                .article
                .unwrap_or_else(|| panic!("{name}: {:?}", parsed.diagnostics));
            assert_eq!(a.meta.self_help_type.as_str(), name);
            assert_eq!(a.meta.article_id, made.article_id);
            assert_eq!(a.title, "Disk full now");
            assert_eq!(
                a.payload.is_some(),
                a.meta.self_help_type.has_payload(),
                "{name}"
            );
            assert!(made.to_fill.contains(&"description"), "{name}");
            for key in &made.to_fill {
                assert!(
                    made.text.contains(&format!("{key}=\"<fill in: ")),
                    "{name} {key}"
                );
            }
        }
    }

    #[test]
    fn given_values_are_written_escaped_and_not_left_to_fill() {
        let made = new_article(
            &NewArticle {
                title: Some("Disks \"full\" & slow".into()),
                service: Some("microsoft.compute".into()),
                topics: vec!["32600001".into(), "32600002".into()],
                clouds: vec![Cloud::Mooncake, Cloud::Public],
                ..spec("ProblemScopingQuestions")
            },
            "x",
        )
        .unwrap();
        assert!(
            made.text
                .contains("pageTitle=\"Disks &quot;full&quot; &amp; slow\"")
        );
        assert!(made.text.contains("supportTopicIds=\"32600001, 32600002\""));
        assert!(made.text.contains("cloudEnvironments=\"mooncake, public\""));
        assert!(
            made.text
                .contains("selfHelpType=\"problemScopingQuestions\"")
        );
        // The title inside the JSON payload is JSON-escaped.
        assert!(
            made.text
                .contains("\"title\": \"Disks \\\"full\\\" & slow\"")
        );
        assert_eq!(
            made.to_fill,
            ["description", "authors", "productPesIds", "ownershipId"]
        );
    }

    #[test]
    fn a_title_with_angle_brackets_reads_back_as_written() {
        // `shelf new --title 'Use <vm-name> & "quotes"'` lost `<vm-name>` from the page when
        // only `&` and `"` were escaped.
        let title = r#"Use <vm-name> & "quotes", it's fine"#;
        let made = new_article(
            &NewArticle {
                title: Some(title.into()),
                ..spec("generic")
            },
            "x",
        )
        .unwrap();
        assert!(
            made.text.contains(
                "pageTitle=\"Use &lt;vm-name&gt; &amp; &quot;quotes&quot;, it&#39;s fine\""
            )
        );
        let parsed = article::parse(Path::new("x.md"), "x.md", made.text.as_bytes(), Mode::Build);
        let a = parsed.article.unwrap();
        assert_eq!(a.meta.get("pageTitle").unwrap().value.value, title);
    }

    #[test]
    fn unknown_types_are_refused_with_the_list() {
        let err = new_article(&spec("genric"), "x").unwrap_err().to_string();
        assert!(
            err.contains("unknown selfHelpType `genric`") && err.contains("generic"),
            "{err}"
        );
    }

    #[test]
    fn titles_come_from_file_names() {
        assert_eq!(humanize("vm-disk_full"), "Vm disk full");
        assert_eq!(humanize("--"), "New article");
    }
}
