//! Lean, borrowed views handed to templates: only what a page shows, built per page.
//! (Handing templates whole serialized models is what makes other generators slow.)

use serde::Serialize;
use serde_json::Value;

use crate::site::paths::article_page;
use crate::source::library::{Library, json_text};
use crate::source::model::Article;

/// What every page needs to link around the site.
#[derive(Serialize)]
pub struct SiteView<'a> {
    pub title: &'a str,
    /// Relative path from the page to the site root: `""` or `"../"`.
    pub root: &'a str,
    pub cloud: Option<&'static str>,
    /// Whether the site has search (the box in the header).
    pub search: bool,
}

/// An entry in a list of articles.
#[derive(Serialize)]
pub struct ArticleLink<'a> {
    pub title: &'a str,
    pub url: String,
    pub self_help_type: &'a str,
    pub description: &'a str,
    pub display_order: Option<i64>,
}

impl<'a> ArticleLink<'a> {
    pub fn new(a: &'a Article) -> Self {
        ArticleLink {
            title: &a.title,
            url: article_page(a),
            self_help_type: a.meta.self_help_type.as_str(),
            description: &a.meta.description,
            display_order: a.meta.display_order,
        }
    }
}

/// A name with a link, e.g. a support topic on an article page.
#[derive(Serialize, Clone)]
pub struct NamedLink {
    pub name: String,
    pub url: Option<String>,
    pub note: String,
}

/// A readable view of a JSON payload, chosen by its shape: `kind` says which, and only that
/// shape's fields are filled (one struct rather than an enum, so that templates, compiled or
/// not, read `payload.kind` and the fields alike).
#[derive(Serialize, Default)]
pub struct PayloadView {
    pub kind: PayloadKind,
    /// `form`: a problemScopingQuestions form, read-only.
    pub title: String,
    pub elements: Vec<FormElement>,
    /// `topics`: a supportTopicDescription's product and table of topics.
    pub short_description: String,
    pub long_description: String,
    pub links: Vec<NamedLink>,
    pub topics: Vec<TopicRow>,
    /// `problems`: diagnoseandsolve's common problems linking to their solution articles.
    pub problems: Vec<Problem>,
    pub tools: Vec<Field>,
    /// `fields`: anything else (advisor recommendations...): the fields written for readers
    /// (descriptions, benefits, tips: see [`is_for_readers`]), labelled in words and shown
    /// first, then every other field as a table folded away.
    pub prose: Vec<Field>,
    pub fields: Vec<Field>,
}

impl PayloadView {
    /// What a reader reads in this view, a line per value: the payload's part of the page's
    /// text for search. Field ids, control types, JSON keys and folded internal fields are not
    /// in it; the view's own headings ("Scoping questions") are the theme's, not the article's.
    pub fn reader_text(&self) -> String {
        let mut out = String::new();
        let mut line = |text: &str| {
            if !text.trim().is_empty() {
                out.push_str(text.trim());
                out.push('\n');
            }
        };
        line(&self.title);
        for e in &self.elements {
            line(&e.label);
            line(&e.watermark);
            line(&e.info);
            e.options.iter().for_each(|o| line(o));
        }
        line(&self.short_description);
        line(&self.long_description);
        self.links.iter().for_each(|l| line(&l.name));
        for t in &self.topics {
            for text in [&t.id, &t.short, &t.long, &t.category, &t.search_tags] {
                line(text);
            }
        }
        fn problem(p: &Problem, line: &mut impl FnMut(&str)) {
            for text in [&p.title, &p.category, &p.description] {
                line(text);
            }
            for link in p.topic.iter().chain(&p.solution) {
                line(&link.name);
            }
            p.sub_problems.iter().for_each(|s| problem(s, line));
        }
        self.problems.iter().for_each(|p| problem(p, &mut line));
        for f in self.tools.iter().chain(&self.prose) {
            line(&f.key);
            line(&f.value);
        }
        out
    }
}

/// The shapes of [`PayloadView`].
#[derive(Serialize, Default, Clone, Copy, PartialEq, Eq, Debug)]
#[serde(rename_all = "snake_case")]
pub enum PayloadKind {
    Form,
    Topics,
    Problems,
    #[default]
    Fields,
}

impl PayloadKind {
    pub fn as_str(self) -> &'static str {
        match self {
            PayloadKind::Form => "form",
            PayloadKind::Topics => "topics",
            PayloadKind::Problems => "problems",
            PayloadKind::Fields => "fields",
        }
    }
}

#[derive(Serialize)]
pub struct FormElement {
    pub id: String,
    pub order: String,
    pub control_type: String,
    pub label: String,
    pub required: bool,
    pub watermark: String,
    pub info: String,
    pub options: Vec<String>,
}

#[derive(Serialize)]
pub struct TopicRow {
    pub id: String,
    pub url: Option<String>,
    pub short: String,
    pub long: String,
    pub category: String,
    pub search_tags: String,
}

#[derive(Serialize)]
pub struct Problem {
    pub id: String,
    pub title: String,
    pub description: String,
    pub category: String,
    pub topic: Option<NamedLink>,
    pub solution: Option<NamedLink>,
    pub sub_problems: Vec<Problem>,
}

#[derive(Serialize)]
pub struct Field {
    pub key: String,
    pub value: String,
}

/// A field of a JSON object, its key compared case-insensitively (payloads spell
/// `controlType` and `controltype`).
fn get<'v>(obj: &'v Value, key: &str) -> Option<&'v Value> {
    obj.as_object()?
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case(key))
        .map(|(_, v)| v)
}

fn text(obj: &Value, key: &str) -> String {
    json_text(get(obj, key))
}

fn array<'v>(obj: &'v Value, key: &str) -> &'v [Value] {
    get(obj, key)
        .and_then(Value::as_array)
        .map_or(&[], Vec::as_slice)
}

pub fn payload_view(
    article: &Article,
    lib: &Library,
    topic_url: &dyn Fn(&str) -> Option<String>,
) -> Option<PayloadView> {
    use crate::source::model::SelfHelpType as T;
    let value = article.payload.as_ref()?.value.as_ref()?;
    Some(match article.meta.self_help_type {
        T::ProblemScopingQuestions if get(value, "formElements").is_some() => form(value),
        T::SupportTopicDescription => topics(value, topic_url),
        T::DiagnoseAndSolve => PayloadView {
            kind: PayloadKind::Problems,
            problems: array(value, "commonProblems")
                .iter()
                .map(|p| problem(p, lib, topic_url))
                .collect(),
            tools: array(value, "troubleshootingTools")
                .iter()
                .map(|t| Field {
                    key: text(t, "title"),
                    value: text(t, "description"),
                })
                .collect(),
            ..PayloadView::default()
        },
        _ => {
            let (prose, fields) = for_readers_first(flatten(value), &article.title);
            PayloadView {
                kind: PayloadKind::Fields,
                prose,
                fields,
                ..PayloadView::default()
            }
        }
    })
}

/// Keys (the last part of a field's path, any case) whose values are written for readers.
const READER_KEYS: &[&str] = &[
    "title",
    "displaylabel",
    "displayname",
    "label",
    "description",
    "shortdescription",
    "longdescription",
    "summary",
    "tip",
    "tips",
    "potentialbenefits",
    "benefits",
    "impact",
    "message",
    "text",
    "content",
    "details",
    "remediation",
    "resolution",
    "recommendation",
    "costsavinginfo",
];

/// Whether a field of a payload is written for readers: a known reader key with text that is
/// not a link or an identifier, or, under any key, a sentence (five words or more, mostly
/// letters, none of the marks of code or of a query).
pub fn is_for_readers(key: &str, value: &str) -> bool {
    let value = value.trim();
    let words: Vec<&str> = value.split_whitespace().collect();
    let wordy = |w: &str| w.chars().next().is_some_and(char::is_alphabetic);
    if words.is_empty()
        || value.contains("://")
        || ["==", "!=", "&&", "{", "}", "--", "CN="]
            .iter()
            .any(|m| value.contains(m))
    {
        return false;
    }
    let last = key.rsplit('.').next().unwrap_or(key);
    let last = last.split('[').next().unwrap_or(last);
    let known = READER_KEYS.iter().any(|k| k.eq_ignore_ascii_case(last));
    let sentence =
        words.len() >= 5 && words.iter().filter(|w| wordy(w)).count() * 5 >= words.len() * 4;
    (known && words.iter().any(|w| wordy(w))) || sentence
}

/// Splits a payload's fields into those for readers (labelled in words, a value shown once and
/// not when it repeats the title) and the rest.
fn for_readers_first(fields: Vec<Field>, title: &str) -> (Vec<Field>, Vec<Field>) {
    let mut prose: Vec<Field> = Vec::new();
    let mut rest = Vec::new();
    for f in fields {
        if !is_for_readers(&f.key, &f.value) {
            rest.push(f);
            continue;
        }
        let repeated = f.value.trim().eq_ignore_ascii_case(title.trim())
            || prose.iter().any(|p| p.value.trim() == f.value.trim());
        if !repeated {
            prose.push(Field {
                key: label_of_key(&f.key),
                value: f.value.clone(),
            });
        }
        rest.push(f);
    }
    (prose, rest)
}

/// `actions[0].potentialBenefits` -> "Potential benefits": the last key, its words split at
/// capitals, underscores and hyphens.
pub fn label_of_key(key: &str) -> String {
    let last = key.rsplit('.').next().unwrap_or(key);
    let last = last.split('[').next().unwrap_or(last);
    let mut out = String::new();
    let mut previous_lower = false;
    for c in last.chars() {
        if c == '_' || c == '-' {
            out.push(' ');
            previous_lower = false;
            continue;
        }
        if c.is_uppercase() && previous_lower {
            out.push(' ');
        }
        previous_lower = c.is_lowercase() || c.is_ascii_digit();
        out.extend(if out.is_empty() {
            c.to_uppercase().collect::<Vec<_>>()
        } else {
            c.to_lowercase().collect()
        });
    }
    out
}

fn form(value: &Value) -> PayloadView {
    let mut elements: Vec<(f64, FormElement)> = array(value, "formElements")
        .iter()
        .map(|e| {
            let options = ["dropdownOptions", "radioButtonOptions"]
                .iter()
                .flat_map(|k| array(e, k))
                .map(|o| match o {
                    Value::Object(_) => {
                        let t = text(o, "text");
                        if t.is_empty() { text(o, "value") } else { t }
                    }
                    other => json_text(Some(other)),
                })
                .collect();
            let order = get(e, "order").and_then(Value::as_f64).unwrap_or(f64::MAX);
            let element = FormElement {
                id: text(e, "id"),
                order: text(e, "order"),
                control_type: text(e, "controlType").to_lowercase(),
                label: text(e, "displayLabel"),
                required: get(e, "required").is_some_and(|r| r == true || r == "true"),
                watermark: text(e, "watermarkText"),
                info: {
                    let c = text(e, "content");
                    if c.is_empty() {
                        text(e, "infoBalloonText")
                    } else {
                        c
                    }
                },
                options,
            };
            (order, element)
        })
        .collect();
    elements.sort_by(|a, b| a.0.total_cmp(&b.0));
    PayloadView {
        kind: PayloadKind::Form,
        title: text(value, "title"),
        elements: elements.into_iter().map(|(_, e)| e).collect(),
        ..PayloadView::default()
    }
}

fn topics(value: &Value, topic_url: &dyn Fn(&str) -> Option<String>) -> PayloadView {
    let links = (1..=3)
        .filter_map(|i| {
            let url = text(value, &format!("productLink{i}"));
            let name = text(value, &format!("productLinkName{i}"));
            (!url.is_empty()).then(|| NamedLink {
                name: if name.is_empty() { url.clone() } else { name },
                url: Some(url).filter(|u| is_web_url(u)),
                note: String::new(),
            })
        })
        .collect();
    PayloadView {
        kind: PayloadKind::Topics,
        short_description: text(value, "shortDescription"),
        long_description: text(value, "longDescription"),
        links,
        topics: array(value, "supportTopics")
            .iter()
            .map(|t| {
                let id = text(t, "id");
                TopicRow {
                    url: topic_url(&id),
                    short: text(t, "shortDescription"),
                    long: text(t, "longDescription"),
                    category: text(t, "category"),
                    search_tags: text(t, "searchTags"),
                    id,
                }
            })
            .collect(),
        ..PayloadView::default()
    }
}

fn problem(p: &Value, lib: &Library, topic_url: &dyn Fn(&str) -> Option<String>) -> Problem {
    let topic = text(p, "supportTopicId");
    let solution = text(p, "commonSolutionArticleId");
    Problem {
        id: text(p, "id"),
        title: text(p, "title"),
        description: text(p, "description"),
        category: text(p, "category"),
        topic: (!topic.is_empty()).then(|| NamedLink {
            url: topic_url(&topic),
            name: topic,
            note: String::new(),
        }),
        solution: (!solution.is_empty()).then(|| match lib.by_id(&solution) {
            Some(a) => NamedLink {
                name: a.title.clone(),
                url: Some(article_page(a)),
                note: solution,
            },
            None => NamedLink {
                name: solution,
                url: None,
                note: "not in this build".into(),
            },
        }),
        sub_problems: array(p, "subProblems")
            .iter()
            .map(|s| problem(s, lib, topic_url))
            .collect(),
    }
}

/// Only web links become hrefs; anything else is shown as text.
pub fn is_web_url(u: &str) -> bool {
    let lower = u.trim_start().to_ascii_lowercase();
    lower.starts_with("https://") || lower.starts_with("http://")
}

/// Flattens a JSON value into `path = value` rows (`owner.icm.team`, `actions[0].type`).
pub fn flatten(value: &Value) -> Vec<Field> {
    fn walk(v: &Value, path: &mut String, out: &mut Vec<Field>) {
        match v {
            Value::Object(map) => {
                for (k, child) in map {
                    let len = path.len();
                    if !path.is_empty() {
                        path.push('.');
                    }
                    path.push_str(k);
                    walk(child, path, out);
                    path.truncate(len);
                }
            }
            Value::Array(items) if items.iter().all(|i| !i.is_object() && !i.is_array()) => {
                out.push(Field {
                    key: path.clone(),
                    value: items
                        .iter()
                        .map(|i| json_text(Some(i)))
                        .collect::<Vec<_>>()
                        .join(", "),
                });
            }
            Value::Array(items) => {
                for (i, child) in items.iter().enumerate() {
                    let len = path.len();
                    path.push_str(&format!("[{i}]"));
                    walk(child, path, out);
                    path.truncate(len);
                }
            }
            scalar => out.push(Field {
                key: path.clone(),
                value: json_text(Some(scalar)),
            }),
        }
    }
    let mut out = Vec::new();
    walk(value, &mut String::new(), &mut out);
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn flatten_names_nested_fields() {
        let rows = flatten(&json!({"a": {"b": 1}, "c": ["x", "y"], "d": [{"e": null}]}));
        let pairs: Vec<_> = rows
            .iter()
            .map(|f| (f.key.as_str(), f.value.as_str()))
            .collect();
        assert_eq!(pairs, [("a.b", "1"), ("c", "x, y"), ("d[0].e", "")]);
    }

    #[test]
    fn reader_fields_are_told_from_internal_ones() {
        assert!(is_for_readers(
            "longDescription",
            "Deleted data can be recovered."
        ));
        assert!(is_for_readers(
            "actions[0].description",
            "Enable protection"
        ));
        assert!(is_for_readers(
            "note",
            "Restart the instance after the change is applied to it"
        ));
        assert!(!is_for_readers("owner.icm.team", "Storage/Data Analytics"));
        assert!(!is_for_readers("description", "https://aka.ms/x"));
        assert!(!is_for_readers(
            "recommendationTypeId",
            "42dbf883-9e4b-4f84-9da4-232b87c4b5e9"
        ));
        assert!(!is_for_readers(
            "condition",
            "actionType == \"2\" and more words here"
        ));
        assert!(!is_for_readers("title", "42"));
        assert_eq!(
            label_of_key("actions[0].potentialBenefits"),
            "Potential benefits"
        );
        assert_eq!(label_of_key("cost_saving-info"), "Cost saving info");
        assert_eq!(label_of_key("displayLabel"), "Display label");
    }

    #[test]
    fn fields_for_readers_come_first_once_and_the_rest_stays_whole() {
        let rows = flatten(&json!({"id": "x1", "description": "My title",
            "longDescription": "Long text here", "tip": "Long text here", "owner": {"team": "t"}}));
        let (prose, rest) = for_readers_first(rows, "My title");
        let pairs: Vec<_> = prose
            .iter()
            .map(|f| (f.key.as_str(), f.value.as_str()))
            .collect();
        assert_eq!(pairs, [("Long description", "Long text here")]);
        assert_eq!(
            rest.len(),
            5,
            "the table keeps every field: {:?}",
            rest.len()
        );
    }

    #[test]
    fn form_elements_are_ordered_and_case_insensitive() {
        let v = json!({"title": "T", "formElements": [
            {"id": "b", "order": 10, "controltype": "textbox", "displayLabel": "B"},
            {"id": "a", "order": 1, "controlType": "dropdown", "displayLabel": "A", "required": true,
             "DropdownOptions": [{"value": "v", "text": "Text"}, {"value": "only"}]}
        ]});
        let PayloadView {
            kind,
            title,
            elements,
            ..
        } = form(&v);
        assert_eq!(kind, PayloadKind::Form);
        assert_eq!(title, "T");
        assert_eq!(elements[0].id, "a");
        assert_eq!(elements[0].options, ["Text", "only"]);
        assert!(elements[0].required);
        assert_eq!(elements[1].control_type, "textbox");
    }
}
