//! The article model: typed metadata read from the header, and the parsed article.

use std::fmt;
use std::ops::Range;
use std::path::PathBuf;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use crate::base::diagnostic::LineCol;
use crate::source::body::Token;
use crate::source::payload::Payload;

/// A cloud an article may be published to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase", try_from = "String")]
pub enum Cloud {
    Public,
    Fairfax,
    Mooncake,
    Blackforest,
    Usnat,
    Ussec,
}

impl Cloud {
    pub const ALL: [Cloud; 6] = [
        Cloud::Public,
        Cloud::Fairfax,
        Cloud::Mooncake,
        Cloud::Blackforest,
        Cloud::Usnat,
        Cloud::Ussec,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Cloud::Public => "public",
            Cloud::Fairfax => "fairfax",
            Cloud::Mooncake => "mooncake",
            Cloud::Blackforest => "blackforest",
            Cloud::Usnat => "usnat",
            Cloud::Ussec => "ussec",
        }
    }
}

/// In a schema (shelf.toml's), a cloud is one of its names, as [`Cloud::as_str`] spells them.
impl schemars::JsonSchema for Cloud {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "Cloud".into()
    }

    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        let names: Vec<&str> = Cloud::ALL.iter().map(|c| c.as_str()).collect();
        schemars::json_schema!({
            "description": "A cloud an article may be published to.",
            "type": "string",
            "enum": names,
        })
    }
}

impl FromStr for Cloud {
    type Err = String;
    /// Case-insensitive, surrounding whitespace ignored.
    fn from_str(s: &str) -> Result<Self, String> {
        let s = s.trim();
        Cloud::ALL
            .into_iter()
            .find(|c| c.as_str().eq_ignore_ascii_case(s))
            .ok_or_else(|| {
                format!(
                    "unknown cloud `{s}`; expected one of: {}",
                    Cloud::ALL.map(|c| c.as_str()).join(", ")
                )
            })
    }
}

impl TryFrom<String> for Cloud {
    type Error = String;
    /// Config files spell clouds in any case, like articles do.
    fn try_from(s: String) -> Result<Self, String> {
        s.parse()
    }
}

impl fmt::Display for Cloud {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// What kind of self-help content an article is (`selfHelpType`, case-insensitive).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum SelfHelpType {
    Generic,
    ProblemScopingQuestions,
    TsgContent,
    TsgDescription,
    TsgQuestions,
    Diagnostics,
    Resource,
    AdvisorRecommendationMetadata,
    Rca,
    ServiceHealthInsights,
    SupportTopicDescription,
    Apollo,
    DiagnoseAndSolve,
    Tools,
    PartnerCenterQuickStart,
    /// A value shelf does not know, kept as written.
    Other(String),
}

impl SelfHelpType {
    const KNOWN: [(SelfHelpType, &'static str); 15] = [
        (SelfHelpType::Generic, "generic"),
        (
            SelfHelpType::ProblemScopingQuestions,
            "problemScopingQuestions",
        ),
        (SelfHelpType::TsgContent, "TSG_Content"),
        (SelfHelpType::TsgDescription, "TSG_Description"),
        (SelfHelpType::TsgQuestions, "tsg_questions"),
        (SelfHelpType::Diagnostics, "diagnostics"),
        (SelfHelpType::Resource, "resource"),
        (
            SelfHelpType::AdvisorRecommendationMetadata,
            "advisorRecommendationMetadata",
        ),
        (SelfHelpType::Rca, "rca"),
        (SelfHelpType::ServiceHealthInsights, "servicehealthinsights"),
        (
            SelfHelpType::SupportTopicDescription,
            "supportTopicDescription",
        ),
        (SelfHelpType::Apollo, "apollo"),
        (SelfHelpType::DiagnoseAndSolve, "diagnoseandsolve"),
        (SelfHelpType::Tools, "tools"),
        (
            SelfHelpType::PartnerCenterQuickStart,
            "partnercenterquickstart",
        ),
    ];

    pub fn parse(s: &str) -> SelfHelpType {
        let s = s.trim();
        Self::KNOWN
            .iter()
            .find(|(_, name)| name.eq_ignore_ascii_case(s))
            .map(|(t, _)| t.clone())
            .unwrap_or_else(|| SelfHelpType::Other(s.to_string()))
    }

    /// The canonical spellings of every known type.
    pub fn known_names() -> impl Iterator<Item = &'static str> {
        Self::KNOWN.iter().map(|(_, n)| *n)
    }

    /// The canonical spelling (as the authoring templates write it).
    pub fn as_str(&self) -> &str {
        match self {
            SelfHelpType::Other(s) => s,
            known => Self::KNOWN
                .iter()
                .find(|(t, _)| t == known)
                .map(|(_, n)| *n)
                .unwrap_or_default(),
        }
    }

    /// URL-safe lowercase form, used for the type's index page.
    pub fn slug(&self) -> String {
        crate::base::slug::slugify(self.as_str())
    }

    /// Types whose content is a JSON payload between `---` lines.
    pub fn has_payload(&self) -> bool {
        matches!(
            self,
            SelfHelpType::ProblemScopingQuestions
                | SelfHelpType::SupportTopicDescription
                | SelfHelpType::AdvisorRecommendationMetadata
                | SelfHelpType::DiagnoseAndSolve
        )
    }

    /// Types with `issueDescription` sections and replacement tokens.
    pub fn is_diagnostic_like(&self) -> bool {
        matches!(
            self,
            SelfHelpType::Diagnostics | SelfHelpType::Rca | SelfHelpType::ServiceHealthInsights
        )
    }
}

/// Who reads a header key's value, which decides how bad a problem with it is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyRole {
    /// Matched exactly by the portal: a wrong value publishes the article in the wrong place,
    /// or nowhere (articleId, selfHelpType, IDs, clouds, service...).
    Identifying,
    /// Shown to readers (pageTitle, description, infoBubbleText).
    Text,
    /// Read by people and tools only, never by the portal (authors, ownershipId...).
    Informational,
}

/// How a header key's value is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ValueForm {
    Text,
    /// Comma-separated.
    List,
    Integer,
    /// `true` or `false`, in any case.
    Boolean,
}

/// A header key shelf knows: its canonical spelling, role and form.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct KnownKey {
    pub name: &'static str,
    pub role: KeyRole,
    pub form: ValueForm,
}

const fn key(name: &'static str, role: KeyRole, form: ValueForm) -> KnownKey {
    KnownKey { name, role, form }
}

/// Every key the published articles and their authoring templates use (FORMAT.md lists their
/// counts), in canonical spelling. The one list shelf knows keys from: the parser, the rules
/// and `shelf new` read it.
pub const KNOWN_KEYS: &[KnownKey] = {
    use KeyRole::{Identifying as I, Informational as N, Text as T};
    use ValueForm::{Boolean, Integer, List, Text};
    &[
        key("pageTitle", T, Text),
        key("description", T, Text),
        key("service", I, Text),
        key("resource", I, Text),
        key("authors", N, Text),
        key("ms.author", N, Text),
        key("displayOrder", I, Integer),
        key("selfHelpType", I, Text),
        key("supportTopicIds", I, List),
        key("resourceTags", I, List),
        key("productPesIds", I, List),
        key("cloudEnvironments", I, List),
        key("articleId", I, Text),
        key("ownershipId", N, Text),
        key("infoBubbleText", T, Text),
        key("diagnosticScenario", I, Text),
        key("schemaVersion", I, Integer),
        key("disableClouds", I, List),
        key("articleTags", T, List),
        key("authorAlias", N, Text),
        key("clientIds", I, List),
        key("category", I, Text),
        key("resourceRequired", I, Boolean),
        key("ms.service", N, Text),
        key("symptomId", I, Text),
        key("icmTeam", N, Text),
        key("icmService", N, Text),
        key("feedbackEmail", N, Text),
    ]
};

/// The known key `name` is, ignoring ASCII case.
pub fn known_key(name: &str) -> Option<&'static KnownKey> {
    KNOWN_KEYS
        .iter()
        .find(|k| k.name.eq_ignore_ascii_case(name))
}

/// A string with the byte range it came from in the file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Spanned<T> {
    pub value: T,
    pub span: Range<usize>,
}

/// One `key="value"` of the header, as written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Property {
    /// The key as written (case kept).
    pub key: Spanned<String>,
    /// The value with XML entities decoded.
    pub value: Spanned<String>,
}

/// The typed view of the header's known keys. Unknown keys stay in [`Metadata::properties`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Metadata {
    /// Every property in file order, known or not.
    pub properties: Vec<Property>,
    pub page_title: String,
    pub description: String,
    pub service: String,
    pub resource: String,
    pub self_help_type: SelfHelpType,
    pub article_id: String,
    pub ownership_id: String,
    pub support_topic_ids: Vec<String>,
    pub product_pes_ids: Vec<String>,
    /// The clouds named in `cloudEnvironments` that shelf knows, deduplicated, in order.
    pub clouds: Vec<Cloud>,
    /// The clouds named in `disableClouds`.
    pub disabled_clouds: Vec<Cloud>,
    pub display_order: Option<i64>,
}

impl Metadata {
    /// The value of a key, compared case-insensitively; the first one when it is repeated.
    pub fn get(&self, key: &str) -> Option<&Property> {
        self.properties
            .iter()
            .find(|p| p.key.value.eq_ignore_ascii_case(key))
    }

    /// Whether the article may be shown in `cloud`.
    pub fn is_in_cloud(&self, cloud: Cloud) -> bool {
        self.clouds.contains(&cloud) && !self.disabled_clouds.contains(&cloud)
    }

    /// The clouds the article is shown in: declared and not disabled, in declared order.
    pub fn shown_clouds(&self) -> impl Iterator<Item = Cloud> + '_ {
        self.clouds.iter().copied().filter(|&c| self.is_in_cloud(c))
    }
}

/// A parsed article, ready to be indexed and rendered.
#[derive(Debug, Clone)]
pub struct Article {
    /// Path relative to the source folder, with `/` separators.
    pub path: String,
    /// The path as given on the command line, for diagnostics.
    pub file: PathBuf,
    pub meta: Metadata,
    /// The H1 text, or pageTitle when there is no H1.
    pub title: String,
    /// The sanitized HTML of the body (without the H1 and the payload).
    pub body_html: String,
    /// The body as plain text (for summaries and search).
    pub plain_text: String,
    /// Headings below the H1, in order (level, text).
    pub headings: Vec<(u8, String)>,
    pub payload: Option<Payload>,
    pub tokens: Vec<Token>,
    /// The text of the first `issueDescription` section, as written.
    pub issue_description: Option<String>,
    /// URL slug derived from the articleId: the page is `articles/<slug>.html`.
    pub slug: String,
    /// Where the articleId value is, for diagnostics made after the text is dropped.
    pub article_id_at: Option<LineCol>,
    /// Other articles its payload names, checked across the library.
    pub references: Vec<ArticleReference>,
    /// The portal blades its body links to: each `data-blade:` target as written (after the
    /// scheme), once, in order; what the editor offers when another article links a blade.
    pub blades: Vec<String>,
}

/// A reference from a payload to another article (found by the payload rules), checked once
/// every article is known.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ArticleReference {
    /// The key that holds it, e.g. `commonSolutionArticleId`.
    pub key: &'static str,
    pub article_id: String,
    pub span: std::ops::Range<usize>,
    /// Where `span` starts, filled in while the file's text is at hand.
    pub at: Option<LineCol>,
}
