//! `shelf lsp`: the language server. It reads the whole site once (every article parsed in
//! check mode, in parallel), then keeps it up to date as the editor opens and changes
//! documents: the changed article is parsed again with its rules (about a millisecond), and the
//! cross-article rules, suppressions and levels run again over the whole library, so an editor
//! shows what `shelf check` says, a duplicate articleId on both files as soon as it is typed.
//!
//! Transport and protocol: rust-analyzer's `lsp-server` (JSON-RPC over stdio) and `lsp-types`.
//! Documents are synchronised whole (`TextDocumentSyncKind::FULL`); notifications that arrive
//! while one is being handled are applied together and published once. Positions are UTF-16
//! code units, the protocol's default.

use std::collections::{HashMap, HashSet};
use std::error::Error as StdError;
use std::path::{Path, PathBuf};

use lsp_server::{Connection, ErrorCode, Message, Notification, Request, Response};
use lsp_types::notification::{
    DidChangeTextDocument, DidChangeWatchedFiles, DidCloseTextDocument, DidOpenTextDocument,
    Notification as _, PublishDiagnostics,
};
use lsp_types::request::{
    CodeActionRequest, Completion, DocumentSymbolRequest, GotoDefinition, HoverRequest, References,
    Request as _,
};
use lsp_types::{
    CodeAction, CodeActionKind, CodeActionOrCommand, CodeActionParams,
    CodeActionProviderCapability, CompletionItem, CompletionItemKind, CompletionOptions,
    DiagnosticSeverity, DocumentSymbolResponse, GotoDefinitionResponse, Hover, HoverContents,
    HoverProviderCapability, InitializeParams, Location, MarkupContent, MarkupKind, NumberOrString,
    OneOf, Position, PublishDiagnosticsParams, Range, ServerCapabilities, ServerInfo,
    SymbolInformation, SymbolKind, TextDocumentPositionParams, TextDocumentSyncCapability,
    TextDocumentSyncKind, TextEdit, Url, WorkspaceEdit,
};
use rayon::prelude::*;

use crate::base::diagnostic::{Diagnostic, Severity};
use crate::check::article::{self, Mode};
use crate::check::baseline::Baseline;
use crate::check::rules;
use crate::config::{CONFIG_FILE, Config};
use crate::pipeline::load::{self, KeptFile};
use crate::source::discover::SourceFile;
use crate::source::library::Library;
use crate::source::model::Article;

type Failure = Box<dyn StdError + Send + Sync>;

/// Serves the language server protocol on standard input and output until the client says
/// `exit`. `root` is the site root when the client names no workspace folder.
pub fn run(root: &Path, config_file: &Path) -> Result<(), Failure> {
    let (connection, io_threads) = Connection::stdio();
    serve(&connection, root, config_file)?;
    drop(connection);
    io_threads.join()?;
    Ok(())
}

/// The server over any connection (tests use an in-memory one).
pub fn serve(connection: &Connection, root: &Path, config_file: &Path) -> Result<(), Failure> {
    let capabilities = ServerCapabilities {
        text_document_sync: Some(TextDocumentSyncCapability::Kind(TextDocumentSyncKind::FULL)),
        code_action_provider: Some(CodeActionProviderCapability::Simple(true)),
        hover_provider: Some(HoverProviderCapability::Simple(true)),
        definition_provider: Some(OneOf::Left(true)),
        references_provider: Some(OneOf::Left(true)),
        document_symbol_provider: Some(OneOf::Left(true)),
        completion_provider: Some(CompletionOptions {
            trigger_characters: Some(vec!["\"".into(), ",".into(), "$".into()]),
            ..CompletionOptions::default()
        }),
        ..ServerCapabilities::default()
    };
    let (id, params) = connection.initialize_start()?;
    let params: InitializeParams = serde_json::from_value(params)?;
    connection.initialize_finish(
        id,
        serde_json::json!({
            "capabilities": capabilities,
            "serverInfo": ServerInfo {
                name: "shelf".into(),
                version: Some(env!("CARGO_PKG_VERSION").into()),
            },
        }),
    )?;
    let (root, config_file) = match workspace_root(&params) {
        Some(folder) => {
            let root = Config::find_root(&folder).unwrap_or(folder);
            let file = root.join(CONFIG_FILE);
            (root, file)
        }
        None => (root.to_path_buf(), config_file.to_path_buf()),
    };
    let config = Config::load_file(&root, &config_file)?;
    let mut project = Project::load(config)?;
    let mut published = Published::default();
    published.update(connection, &mut project)?;

    let mut shut_down = false;
    while let Ok(message) = connection.receiver.recv() {
        let mut batch = vec![message];
        // Everything the client sent meanwhile is applied before diagnostics are published.
        batch.extend(connection.receiver.try_iter());
        let mut changed = false;
        for message in batch {
            match message {
                Message::Request(request) if request.method == "shutdown" => {
                    shut_down = true;
                    let response = Response::new_ok(request.id, serde_json::Value::Null);
                    connection.sender.send(Message::Response(response))?;
                }
                Message::Request(request) if request.method == CodeActionRequest::METHOD => {
                    let actions = serde_json::from_value(request.params.clone())
                        .map_err(Failure::from)
                        .and_then(|params| {
                            let actions = code_actions(&project, &published, &params);
                            Ok(serde_json::to_value(actions)?)
                        });
                    answer(connection, request, actions)?;
                }
                Message::Request(request) if is_lookup(&request.method) => {
                    let value = lookup(&project, &request);
                    answer(connection, request, value)?;
                }
                Message::Request(request) => answer_unknown(connection, request)?,
                Message::Notification(notification) if notification.method == "exit" => {
                    // The protocol: exit after shutdown is success, without it a failure.
                    return match shut_down {
                        true => Ok(()),
                        false => Err("exit without shutdown".into()),
                    };
                }
                Message::Notification(_) if shut_down => {}
                Message::Notification(notification) => {
                    let method = notification.method.clone();
                    match project.notify(notification) {
                        Ok(c) => changed |= c,
                        // A client's malformed message costs that message, not the server.
                        Err(e) => eprintln!("shelf lsp: ignored {method}: {e}"),
                    }
                }
                Message::Response(_) => {}
            }
        }
        if changed {
            published.update(connection, &mut project)?;
        }
    }
    Ok(())
}

fn is_lookup(method: &str) -> bool {
    [
        HoverRequest::METHOD,
        Completion::METHOD,
        GotoDefinition::METHOD,
        References::METHOD,
        DocumentSymbolRequest::METHOD,
    ]
    .contains(&method)
}

/// Hover, definition, references and document symbols: questions about what is in the site.
fn lookup(project: &Project, request: &Request) -> Result<serde_json::Value, Failure> {
    let params = request.params.clone();
    Ok(match request.method.as_str() {
        HoverRequest::METHOD => {
            let at: lsp_types::HoverParams = serde_json::from_value(params)?;
            serde_json::to_value(hover(project, &at.text_document_position_params))?
        }
        Completion::METHOD => {
            let at: lsp_types::CompletionParams = serde_json::from_value(params)?;
            serde_json::to_value(completion(project, &at.text_document_position))?
        }
        GotoDefinition::METHOD => {
            let at: lsp_types::GotoDefinitionParams = serde_json::from_value(params)?;
            let found = definition(project, &at.text_document_position_params);
            serde_json::to_value(found.map(GotoDefinitionResponse::Array))?
        }
        References::METHOD => {
            let at: lsp_types::ReferenceParams = serde_json::from_value(params)?;
            serde_json::to_value(references(project, &at.text_document_position))?
        }
        _ => {
            let at: lsp_types::DocumentSymbolParams = serde_json::from_value(params)?;
            serde_json::to_value(symbols(project, &at.text_document.uri))?
        }
    })
}

/// What the cursor is on in a document.
enum Target {
    /// A support topic ID in `supportTopicIds`.
    Topic(String),
    /// A product ID in `productPesIds`.
    Product(String),
    /// The article's own `articleId`.
    OwnId(String),
    /// A reference to another article (`commonSolutionArticleId` and the like).
    Reference(String),
    /// A rule code (`SH102`), in a suppression comment or anywhere.
    Rule(&'static crate::base::diagnostic::Rule),
}

/// The document at `at`, its text, and the byte offset of the position.
fn place(project: &Project, at: &TextDocumentPositionParams) -> Option<(PathBuf, String, usize)> {
    let path = at.text_document.uri.to_file_path().ok()?;
    let text = project.text(&path)?;
    let offset = LineIndex::new(&text).offset(at.position);
    Some((path, text, offset))
}

/// What is at `offset` of `text`, and the byte range it covers.
fn target_at(
    project: &Project,
    path: &Path,
    text: &str,
    offset: usize,
) -> Option<(Target, std::ops::Range<usize>)> {
    let word = word_at(text, offset);
    if let Some(rule) = crate::check::rules::levels::find(&text[word.clone()])
        && text[word.clone()].starts_with("SH")
    {
        return Some((Target::Rule(rule), word));
    }
    let header = crate::source::header::parse(text, path, &mut Vec::new()).ok()?;
    if offset < header.span.end {
        let property = header
            .properties
            .iter()
            .find(|p| p.value.span.start <= offset && offset <= p.value.span.end)?;
        let value = text[word.clone()].to_string();
        return match property.key.value.to_ascii_lowercase().as_str() {
            "supporttopicids" => Some((Target::Topic(value), word)),
            "productpesids" => Some((Target::Product(value), word)),
            "articleid" => Some((
                Target::OwnId(property.value.value.trim().to_string()),
                property.value.span.clone(),
            )),
            _ => None,
        };
    }
    // A reference in the payload, as the check found them when it last read the file.
    let reference = project
        .article(path)?
        .references
        .iter()
        .find(|r| r.span.start <= offset && offset <= r.span.end)?;
    Some((
        Target::Reference(reference.article_id.clone()),
        reference.span.clone(),
    ))
}

/// The run of ID characters around `offset` (letters, digits, `-`, `_`, `.`).
fn word_at(text: &str, offset: usize) -> std::ops::Range<usize> {
    let is_id = |c: char| c.is_alphanumeric() || matches!(c, '-' | '_' | '.');
    let offset = offset.min(text.len());
    let start = text[..offset]
        .char_indices()
        .rev()
        .take_while(|(_, c)| is_id(*c))
        .last()
        .map_or(offset, |(i, _)| i);
    let end = text[offset..]
        .char_indices()
        .find(|(_, c)| !is_id(*c))
        .map_or(text.len(), |(i, _)| offset + i);
    start..end
}

fn hover(project: &Project, at: &TextDocumentPositionParams) -> Option<Hover> {
    let (path, text, offset) = place(project, at)?;
    let (target, span) = target_at(project, &path, &text, offset)?;
    let lib = &project.library;
    let count = |n: usize| match n {
        1 => "1 article".to_string(),
        n => format!("{n} articles"),
    };
    let markdown = match target {
        Target::Topic(id) => {
            let listing = lib.topics.get(&id.to_lowercase()).map_or(0, Vec::len);
            let mut text = format!("**Support topic {id}**: listed by {}", count(listing));
            if let Some(d) = lib.topic_descriptions.get(&id.to_lowercase()) {
                text.push_str(&format!("\n\n{}", d.short));
                if !d.long.is_empty() {
                    text.push_str(&format!("\n\n{}", d.long));
                }
                if !d.category.is_empty() {
                    text.push_str(&format!("\n\nCategory: {}", d.category));
                }
                text.push_str(&format!(
                    "\n\nDescribed in `{}`",
                    lib.articles[d.article].path
                ));
            } else {
                text.push_str("\n\nNo supportTopicDescription article of the site describes it.");
            }
            text
        }
        Target::Product(id) => {
            let listing = lib.products.get(&id.to_lowercase()).map_or(0, Vec::len);
            format!("**Product {id}**: listed by {}", count(listing))
        }
        Target::OwnId(id) | Target::Reference(id) => match lib.by_id(&id) {
            Some(a) => format!(
                "**{}**\n\narticleId `{}`, `{}`",
                a.title, a.meta.article_id, a.path
            ),
            None => format!("No article of the site has the articleId `{id}`."),
        },
        Target::Rule(rule) => format!(
            "**{} {}** ({})\n\n{}",
            rule.code,
            rule.name,
            rule.severity,
            rule.doc
                .lines()
                .map(|l| l.strip_prefix(' ').unwrap_or(l))
                .collect::<Vec<_>>()
                .join("\n")
        ),
    };
    let lines = LineIndex::new(&text);
    Some(Hover {
        contents: HoverContents::Markup(MarkupContent {
            kind: MarkupKind::Markdown,
            value: markdown,
        }),
        range: Some(Range::new(
            lines.position(span.start),
            lines.position(span.end),
        )),
    })
}

/// What can be typed at the cursor: in the header, property keys (those the article's
/// selfHelpType requires first) or values (selfHelpType and cloud names, services, resources,
/// support topic and product IDs the site uses, with what is known of them); in the body, after
/// `<!--$`, the names of the tokens the article already uses.
fn completion(project: &Project, at: &TextDocumentPositionParams) -> Option<Vec<CompletionItem>> {
    let (path, text, offset) = place(project, at)?;
    let lib = &project.library;
    let item = |label: &str, kind: CompletionItemKind, detail: Option<String>| CompletionItem {
        label: label.to_string(),
        kind: Some(kind),
        detail,
        ..CompletionItem::default()
    };
    // The header as typed so far: from `<properties` to its `/>`, or to the end while unclosed.
    let start = text.find("<properties")?;
    let end = text[start..].find("/>").map_or(text.len(), |i| start + i);
    if !(start < offset && offset <= end) {
        let before = &text[..offset];
        if let Some(typed) = blade_typed(before) {
            return Some(blades(lib, typed, &item));
        }
        let open = before.rfind("<!--$")?;
        let typed = &before[open + "<!--$".len()..];
        if !typed.chars().all(|c| c.is_alphanumeric() || c == '_') {
            return None;
        }
        let article = project.article(&path)?;
        let mut names: Vec<&str> = article.tokens.iter().map(|t| t.name.as_str()).collect();
        names.sort_unstable();
        names.dedup();
        return Some(
            names
                .into_iter()
                .map(|n| item(n, CompletionItemKind::VARIABLE, None))
                .collect(),
        );
    }
    let header = &text[start..offset];
    let in_value = header.matches('"').count() % 2 == 1;
    if !in_value {
        // A key: the ones this article has not written yet.
        let written: Vec<String> = text[start..end]
            .split(|c: char| c.is_whitespace())
            .filter_map(|w| w.split_once('=').map(|(k, _)| k.to_ascii_lowercase()))
            .collect();
        let self_help_type = value_of(&text[start..end], "selfHelpType")
            .map(crate::source::model::SelfHelpType::parse)
            .unwrap_or(crate::source::model::SelfHelpType::Generic);
        let required: Vec<&str> =
            crate::check::rules::metadata::required_property::required_keys(&self_help_type)
                .into_iter()
                .map(|(k, _)| k)
                .collect();
        let mut items: Vec<CompletionItem> = crate::source::model::KNOWN_KEYS
            .iter()
            .filter(|k| !written.contains(&k.name.to_ascii_lowercase()))
            .map(|k| {
                let needed = required.contains(&k.name);
                CompletionItem {
                    insert_text: Some(format!("{}=\"\"", k.name)),
                    sort_text: Some(format!("{}{}", u8::from(!needed), k.name)),
                    ..item(
                        k.name,
                        CompletionItemKind::PROPERTY,
                        needed.then(|| format!("required for {}", self_help_type.as_str())),
                    )
                }
            })
            .collect();
        items.sort_by(|a, b| a.sort_text.cmp(&b.sort_text));
        return Some(items);
    }
    let quote = header.rfind('"')?;
    let key: String = header[..quote]
        .trim_end_matches(|c: char| c == '=' || c.is_whitespace())
        .chars()
        .rev()
        .take_while(|c| c.is_alphanumeric() || matches!(c, '.' | '_' | '-'))
        .collect::<Vec<_>>()
        .into_iter()
        .rev()
        .collect();
    let count = |n: usize| format!("{n} article{}", if n == 1 { "" } else { "s" });
    let value = CompletionItemKind::VALUE;
    let items: Vec<CompletionItem> = match key.to_ascii_lowercase().as_str() {
        "selfhelptype" => crate::source::model::SelfHelpType::known_names()
            .map(|n| item(n, value, lib.types.get(n).map(|a| count(a.len()))))
            .collect(),
        "cloudenvironments" | "disableclouds" => crate::source::model::Cloud::ALL
            .iter()
            .map(|c| item(c.as_str(), value, lib.clouds.get(c).map(|a| count(a.len()))))
            .collect(),
        "service" => lib
            .services
            .iter()
            .map(|(s, resources)| {
                item(
                    s,
                    value,
                    Some(count(resources.values().map(Vec::len).sum())),
                )
            })
            .collect(),
        "resource" => {
            let service = value_of(&text[start..end], "service").map(|s| s.to_lowercase());
            let mut resources: Vec<(&String, usize)> = lib
                .services
                .iter()
                .filter(|(s, _)| service.as_ref().is_none_or(|want| *s == want))
                .flat_map(|(_, r)| {
                    r.iter()
                        .filter(|(r, _)| !r.is_empty())
                        .map(|(r, a)| (r, a.len()))
                })
                .collect();
            resources.sort();
            resources.dedup_by(|a, b| a.0 == b.0);
            resources
                .into_iter()
                .map(|(r, n)| item(r, value, Some(count(n))))
                .collect()
        }
        "supporttopicids" => lib
            .topics
            .iter()
            .map(|(id, articles)| {
                let described = lib.topic_descriptions.get(id).map(|d| d.short.clone());
                let detail = match described {
                    Some(short) if !short.is_empty() => {
                        format!("{short} ({})", count(articles.len()))
                    }
                    _ => count(articles.len()),
                };
                item(id, value, Some(detail))
            })
            .collect(),
        "productpesids" => lib
            .products
            .iter()
            .map(|(id, articles)| item(id, value, Some(count(articles.len()))))
            .collect(),
        _ => return None,
    };
    Some(items)
}

/// What is typed of a `data-blade:` target just before the cursor, if the cursor is in one.
fn blade_typed(before: &str) -> Option<&str> {
    let line = &before[before.rfind('\n').map_or(0, |i| i + 1)..];
    let at = line.to_ascii_lowercase().rfind("data-blade:")?;
    let typed = &line[at + "data-blade:".len()..];
    let in_target = typed
        .chars()
        .all(|c| c.is_alphanumeric() || matches!(c, '_' | '.' | '$' | '-'));
    in_target.then_some(typed)
}

/// The `data-blade:` targets the site's articles link to, most linked first, with how many
/// articles link each.
fn blades(
    lib: &Library,
    typed: &str,
    item: &dyn Fn(&str, CompletionItemKind, Option<String>) -> CompletionItem,
) -> Vec<CompletionItem> {
    let mut linked: HashMap<&str, usize> = HashMap::new();
    for article in &lib.articles {
        for blade in &article.blades {
            *linked.entry(blade.as_str()).or_default() += 1;
        }
    }
    let typed = typed.to_ascii_lowercase();
    let mut found: Vec<(&str, usize)> = linked
        .into_iter()
        .filter(|(b, _)| b.to_ascii_lowercase().starts_with(&typed))
        .collect();
    found.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
    found
        .into_iter()
        .enumerate()
        .map(|(rank, (blade, n))| CompletionItem {
            // Editors sort by this, not by the order given.
            sort_text: Some(format!("{rank:05}")),
            ..item(
                blade,
                CompletionItemKind::REFERENCE,
                Some(format!(
                    "linked by {n} article{}",
                    crate::check::emit::plural(n)
                )),
            )
        })
        .collect()
}

/// The value of `key` in a header's text, as written.
fn value_of<'t>(header: &'t str, key: &str) -> Option<&'t str> {
    let lower = header.to_ascii_lowercase();
    let at = lower.find(&format!("{}=\"", key.to_ascii_lowercase()))? + key.len() + 2;
    let end = header[at..].find('"')? + at;
    Some(&header[at..end])
}

/// The start of an article's file, or its articleId when known.
fn location_of(article: &Article) -> Option<Location> {
    let uri = Url::from_file_path(&article.file).ok()?;
    let position = article.article_id_at.map_or(Position::new(0, 0), |at| {
        Position::new(
            at.line.saturating_sub(1) as u32,
            at.column.saturating_sub(1) as u32,
        )
    });
    Some(Location::new(uri, Range::new(position, position)))
}

/// A referenced article's file; a topic ID's description article.
fn definition(project: &Project, at: &TextDocumentPositionParams) -> Option<Vec<Location>> {
    let (path, text, offset) = place(project, at)?;
    let lib = &project.library;
    let article = match target_at(project, &path, &text, offset)?.0 {
        Target::Reference(id) => lib.by_id(&id)?,
        Target::Topic(id) => {
            let d = lib.topic_descriptions.get(&id.to_lowercase())?;
            &lib.articles[d.article]
        }
        _ => return None,
    };
    Some(vec![location_of(article)?])
}

/// The articles that list a topic or product ID, or that refer to an articleId.
fn references(project: &Project, at: &TextDocumentPositionParams) -> Option<Vec<Location>> {
    let (path, text, offset) = place(project, at)?;
    let lib = &project.library;
    let articles: Vec<&Article> = match target_at(project, &path, &text, offset)?.0 {
        Target::Topic(id) => lib
            .topics
            .get(&id.to_lowercase())?
            .iter()
            .map(|&i| &*lib.articles[i])
            .collect(),
        Target::Product(id) => lib
            .products
            .get(&id.to_lowercase())?
            .iter()
            .map(|&i| &*lib.articles[i])
            .collect(),
        Target::OwnId(id) | Target::Reference(id) => lib
            .articles
            .iter()
            .filter(|a| {
                a.references
                    .iter()
                    .any(|r| r.article_id.eq_ignore_ascii_case(&id))
            })
            .map(|a| &**a)
            .collect(),
        Target::Rule(_) => return None,
    };
    Some(articles.into_iter().filter_map(location_of).collect())
}

/// The document's headings, in order.
#[allow(deprecated)] // SymbolInformation::deprecated must be written out
fn symbols(project: &Project, uri: &Url) -> Option<DocumentSymbolResponse> {
    let path = uri.to_file_path().ok()?;
    let text = project.text(&path)?;
    let lines = LineIndex::new(&text);
    let header_end =
        crate::source::header::parse(&text, &path, &mut Vec::new()).map_or(0, |h| h.span.end);
    let mut found = Vec::new();
    // The body around the payload (whose `---` lines would read as headings).
    let segments = match crate::source::body::find_payload(&text[header_end..], header_end) {
        Some(fence) => vec![header_end..fence.whole.start, fence.whole.end..text.len()],
        None => std::iter::once(header_end..text.len()).collect(),
    };
    for segment in segments {
        let mut heading: Option<(u8, usize, String)> = None;
        let parser = pulldown_cmark::Parser::new_ext(
            &text[segment.clone()],
            pulldown_cmark::Options::empty(),
        );
        for (event, range) in parser.into_offset_iter() {
            use pulldown_cmark::{Event, Tag, TagEnd};
            match event {
                Event::Start(Tag::Heading { level, .. }) => {
                    heading = Some((level as u8, segment.start + range.start, String::new()));
                }
                Event::Text(t) | Event::Code(t) => {
                    if let Some((_, _, name)) = &mut heading {
                        name.push_str(&t);
                    }
                }
                Event::End(TagEnd::Heading(_)) => {
                    if let Some((level, start, name)) = heading.take() {
                        let end = segment.start + range.end;
                        found.push(SymbolInformation {
                            name: format!("{} {}", "#".repeat(level.into()), name.trim()),
                            kind: SymbolKind::STRING,
                            tags: None,
                            deprecated: None,
                            location: Location::new(
                                uri.clone(),
                                Range::new(lines.position(start), lines.position(end)),
                            ),
                            container_name: None,
                        });
                    }
                }
                _ => {}
            }
        }
    }
    found.extend(payload_symbols(project, &text, &path, uri, &lines));
    Some(DocumentSymbolResponse::Flat(found))
}

/// The elements of the article's payload: form elements, common problems, described topics
/// (by id, else title), each at the first place after the previous one where its name is
/// written in the JSON.
#[allow(deprecated)] // SymbolInformation::deprecated must be written out
fn payload_symbols(
    project: &Project,
    text: &str,
    path: &Path,
    uri: &Url,
    lines: &LineIndex,
) -> Vec<SymbolInformation> {
    let Some(payload) = project.article(path).and_then(|a| a.payload.as_ref()) else {
        return Vec::new();
    };
    let Some(value) = &payload.value else {
        return Vec::new();
    };
    let mut symbols = Vec::new();
    let mut from = payload.span.start;
    for (list, kind) in [
        ("formElements", SymbolKind::FIELD),
        ("commonProblems", SymbolKind::OBJECT),
        ("supportTopics", SymbolKind::OBJECT),
    ] {
        let Some(items) = value.as_object().and_then(|o| {
            o.iter()
                .find(|(k, _)| k.eq_ignore_ascii_case(list))
                .and_then(|(_, v)| v.as_array())
        }) else {
            continue;
        };
        for item in items {
            let name = ["id", "title", "displayLabel"].iter().find_map(|key| {
                item.as_object()?
                    .iter()
                    .find(|(k, _)| k.eq_ignore_ascii_case(key))
                    .and_then(|(_, v)| v.as_str().map(str::to_string))
            });
            let Some(name) = name.filter(|n| !n.is_empty()) else {
                continue;
            };
            let quoted = serde_json::to_string(&name).unwrap_or_default();
            let Some(at) = text[from..payload.span.end].find(&quoted).map(|i| from + i) else {
                continue;
            };
            from = at + quoted.len();
            symbols.push(SymbolInformation {
                name: format!("{list}: {name}"),
                kind,
                tags: None,
                deprecated: None,
                location: Location::new(
                    uri.clone(),
                    Range::new(lines.position(at), lines.position(from)),
                ),
                container_name: Some("payload".into()),
            });
        }
    }
    symbols
}

/// Sends the answer to `request`: its result, or why its parameters could not be read.
fn answer(
    connection: &Connection,
    request: Request,
    result: Result<serde_json::Value, Failure>,
) -> Result<(), Failure> {
    let response = match result {
        Ok(value) => Response::new_ok(request.id, value),
        Err(e) => Response::new_err(request.id, ErrorCode::InvalidParams as i32, e.to_string()),
    };
    connection.sender.send(Message::Response(response))?;
    Ok(())
}

fn answer_unknown(connection: &Connection, request: Request) -> Result<(), Failure> {
    let response = Response::new_err(
        request.id,
        ErrorCode::MethodNotFound as i32,
        format!("shelf does not answer {}", request.method),
    );
    connection.sender.send(Message::Response(response))?;
    Ok(())
}

/// The folder the client opened: its first workspace folder, else its root URI.
#[allow(deprecated)] // root_uri: clients that predate workspace folders send only it
fn workspace_root(params: &InitializeParams) -> Option<PathBuf> {
    let uri = params
        .workspace_folders
        .as_ref()
        .and_then(|folders| folders.first())
        .map(|folder| &folder.uri)
        .or(params.root_uri.as_ref())?;
    uri.to_file_path().ok()
}

/// The site as the editor sees it.
struct Project {
    config: Config,
    /// Every source file, sorted by path, and its state (same order).
    files: Vec<SourceFile>,
    /// Each file as last read: from disk, or the editor's text while it is open.
    states: Vec<KeptFile>,
    /// What kept files from being listed.
    discovery: Vec<Diagnostic>,
    /// What discovery leaves out, for files that appear later.
    filters: crate::source::discover::Filters,
    /// The text of each open document, by path.
    open: HashMap<PathBuf, String>,
    /// The library as of the last [`Project::refresh`]: what hover, definition and
    /// references look things up in.
    library: Library,
    /// The configured baseline (empty when none): its problems are not shown, as in `check`.
    baseline: Baseline,
}

impl Project {
    fn load(mut config: Config) -> Result<Project, Failure> {
        // Editors name files by their real path; so do the files listed here.
        if let Ok(source) = config.source.canonicalize() {
            config.source = source;
        }
        let found = load::find(&config)?;
        let baseline = Baseline::configured(config.baseline.as_deref())?;
        let states = found
            .files
            .par_iter()
            .map(|f| KeptFile::from(load::parse_file(f, Mode::Edit)))
            .collect();
        let mut filters = config.filters();
        if let Ok(root) = filters.root.canonicalize() {
            filters.root = root;
        }
        Ok(Project {
            filters,
            config,
            files: found.files,
            states,
            discovery: found.diagnostics,
            open: HashMap::new(),
            library: Library::default(),
            baseline,
        })
    }

    /// Applies one notification; true when diagnostics may have changed.
    fn notify(&mut self, notification: Notification) -> Result<bool, Failure> {
        match notification.method.as_str() {
            DidOpenTextDocument::METHOD => {
                let params: lsp_types::DidOpenTextDocumentParams =
                    serde_json::from_value(notification.params)?;
                let document = params.text_document;
                Ok(self.set_text(&document.uri, Some(document.text)))
            }
            DidChangeTextDocument::METHOD => {
                let params: lsp_types::DidChangeTextDocumentParams =
                    serde_json::from_value(notification.params)?;
                // Whole-document sync: the last change is the text.
                let text = params.content_changes.into_iter().last().map(|c| c.text);
                Ok(text.is_some_and(|t| self.set_text(&params.text_document.uri, Some(t))))
            }
            DidCloseTextDocument::METHOD => {
                let params: lsp_types::DidCloseTextDocumentParams =
                    serde_json::from_value(notification.params)?;
                // Back to what is on disk (an unsaved edit is dropped with the document).
                Ok(self.set_text(&params.text_document.uri, None))
            }
            DidChangeWatchedFiles::METHOD => {
                let params: lsp_types::DidChangeWatchedFilesParams =
                    serde_json::from_value(notification.params)?;
                let mut changed = false;
                for event in params.changes {
                    changed |= self.set_text(&event.uri, None);
                }
                Ok(changed)
            }
            _ => Ok(false),
        }
    }

    /// Parses the file at `uri` again: from `text` (an open document), or from disk. A file
    /// outside the source folder, or not Markdown, is not part of the site.
    fn set_text(&mut self, uri: &Url, text: Option<String>) -> bool {
        let Ok(path) = uri.to_file_path() else {
            return false;
        };
        let Some(rel) = self.relative(&path) else {
            return false;
        };
        let index = match self.files.binary_search_by(|f| f.path.cmp(&path)) {
            Ok(i) => i,
            // A new file joins the site unless discovery would have left it out.
            Err(i)
                if (text.is_some() || path.is_file()) && !self.filters.leaves_out(&path, &rel) =>
            {
                let file = SourceFile {
                    path: path.clone(),
                    rel,
                };
                self.files.insert(i, file);
                self.states.insert(i, KeptFile::default());
                i
            }
            Err(_) => return false,
        };
        let file = &self.files[index];
        let parsed = match &text {
            Some(text) => article::parse(&file.path, &file.rel, text.as_bytes(), Mode::Edit),
            None if file.path.is_file() => load::parse_file(file, Mode::Edit),
            None => {
                // Deleted: the site no longer has it.
                self.files.remove(index);
                self.states.remove(index);
                self.open.remove(&path);
                return true;
            }
        };
        self.states[index] = KeptFile::from(parsed);
        match text {
            Some(text) => self.open.insert(path, text),
            None => self.open.remove(&path),
        };
        true
    }

    /// `path` below the source folder, with `/`, when it is a Markdown file there.
    fn relative(&self, path: &Path) -> Option<String> {
        let rel = path.strip_prefix(&self.config.source).ok()?;
        let is_markdown = rel.extension().is_some_and(|e| e == "md");
        is_markdown.then(|| {
            rel.components()
                .map(|c| c.as_os_str().to_string_lossy())
                .collect::<Vec<_>>()
                .join("/")
        })
    }

    /// Every problem of the site, by file: each article's own, then the cross-article rules
    /// over the library, then suppressions and levels, as `shelf check` does.
    fn refresh(&mut self) -> HashMap<PathBuf, Vec<Diagnostic>> {
        let site = load::SiteWide {
            config: &self.config,
            cloud: None,
            files: &self.files,
            suppressions: &[],
            removed: &[],
            indexed: true,
            baseline: Some(&self.baseline),
        };
        let kept: Vec<&KeptFile> = self.states.iter().collect();
        let (assembled, by_file) = site.assemble_kept(&kept, &self.discovery, None);
        self.library = assembled.library;
        by_file
    }

    /// The article read from `path` (its open text, else the file), if it could be read.
    fn article(&self, path: &Path) -> Option<&Article> {
        let i = self
            .files
            .binary_search_by(|f| f.path.as_path().cmp(path))
            .ok()?;
        self.states[i].article.as_deref()
    }

    /// The text a diagnostic's span is in: the open document's, else the file's on disk.
    fn text(&self, path: &Path) -> Option<String> {
        match self.open.get(path) {
            Some(text) => Some(text.clone()),
            None => std::fs::read(path)
                .ok()
                .map(|b| String::from_utf8_lossy(&b).into_owned()),
        }
    }
}

/// What the client was last sent, so that only files whose problems changed are sent again.
#[derive(Default)]
struct Published {
    by_file: HashMap<PathBuf, Vec<Diagnostic>>,
    /// Open documents that have been sent their (maybe empty) list since they were opened.
    sent_open: HashSet<PathBuf>,
}

impl Published {
    fn update(&mut self, connection: &Connection, project: &mut Project) -> Result<(), Failure> {
        let current = project.refresh();
        let project = &*project;
        let mut paths: HashSet<&PathBuf> = current.keys().collect();
        paths.extend(self.by_file.keys());
        paths.extend(project.open.keys());
        let mut to_send: Vec<PathBuf> = paths
            .into_iter()
            .filter(|p| {
                let before = self.by_file.get(*p).map_or(&[][..], Vec::as_slice);
                let now = current.get(*p).map_or(&[][..], Vec::as_slice);
                before != now || (project.open.contains_key(*p) && !self.sent_open.contains(*p))
            })
            .cloned()
            .collect();
        to_send.sort();
        self.sent_open.retain(|p| project.open.contains_key(p));
        for path in to_send {
            let diagnostics = current.get(&path).cloned().unwrap_or_default();
            let Ok(uri) = Url::from_file_path(&path) else {
                continue;
            };
            let text = if diagnostics.is_empty() {
                String::new()
            } else {
                project.text(&path).unwrap_or_default()
            };
            let lines = LineIndex::new(&text);
            let params = PublishDiagnosticsParams {
                uri,
                diagnostics: diagnostics.iter().map(|d| to_lsp(d, &lines)).collect(),
                version: None,
            };
            let notification = Notification::new(PublishDiagnostics::METHOD.into(), params);
            connection
                .sender
                .send(Message::Notification(notification))?;
            if project.open.contains_key(&path) {
                self.sent_open.insert(path.clone());
            }
            match diagnostics.is_empty() {
                true => self.by_file.remove(&path),
                false => self.by_file.insert(path, diagnostics),
            };
        }
        Ok(())
    }
}

/// The code actions for the problems of a document that touch `params.range`: each safe fix of
/// `--fix`, "disable for this line" (outside the header) and "for this file" as suppression
/// comments, and a fresh articleId where the articleId is the problem.
fn code_actions(
    project: &Project,
    published: &Published,
    params: &CodeActionParams,
) -> Vec<CodeActionOrCommand> {
    let uri = &params.text_document.uri;
    let Ok(path) = uri.to_file_path() else {
        return Vec::new();
    };
    let (Some(diagnostics), Some(text)) = (published.by_file.get(&path), project.text(&path))
    else {
        return Vec::new();
    };
    let lines = LineIndex::new(&text);
    let header = crate::source::header::parse(&text, &path, &mut Vec::new()).ok();
    let header_end = header.as_ref().map_or(0, |h| h.span.end);
    let wanted = params.range;
    let mut actions = Vec::new();
    for d in diagnostics {
        let lsp = to_lsp(d, &lines);
        let touches =
            lsp.range.start.line <= wanted.end.line && lsp.range.end.line >= wanted.start.line;
        if !touches {
            continue;
        }
        let mut action = |title: String, edit: TextEdit, preferred: bool| {
            actions.push(CodeActionOrCommand::CodeAction(CodeAction {
                title,
                kind: Some(CodeActionKind::QUICKFIX),
                diagnostics: Some(vec![lsp.clone()]),
                edit: Some(WorkspaceEdit {
                    changes: Some(HashMap::from([(uri.clone(), vec![edit])])),
                    ..WorkspaceEdit::default()
                }),
                is_preferred: preferred.then_some(true),
                ..CodeAction::default()
            }))
        };
        if let Some(fix) = &d.fix {
            let range = Range::new(lines.position(fix.span.start), lines.position(fix.span.end));
            action(
                format!("{} ({})", fix.description, d.code),
                TextEdit::new(range, fix.replacement.clone()),
                true,
            );
        }
        let about_article_id = d.code == crate::base::source_rules::DUPLICATE_ARTICLE_ID.code
            || d.code == crate::check::rules::metadata::article_id::MALFORMED_ARTICLE_ID.code;
        let article_id = header.as_ref().and_then(|h| {
            h.properties
                .iter()
                .find(|p| p.key.value.eq_ignore_ascii_case("articleId"))
        });
        if let (true, Some(property)) = (about_article_id, article_id) {
            let span = &property.value.span;
            let range = Range::new(lines.position(span.start), lines.position(span.end));
            let fresh = uuid::Uuid::new_v4().to_string();
            action(
                format!("Give this article a fresh articleId ({fresh})"),
                TextEdit::new(range, fresh),
                d.fix.is_none(),
            );
        }
        if !rules::suppress::suppressible(d.code) {
            continue;
        }
        let start = d.span.as_ref().map_or(0, |s| s.start);
        if header.is_some() && start >= header_end {
            let line = lines.position(start).line;
            action(
                format!("Disable {} for this line", d.code),
                TextEdit::new(
                    Range::new(Position::new(line, 0), Position::new(line, 0)),
                    format!("<!-- shelf-disable-next-line {} -->\n", d.code),
                ),
                false,
            );
        }
        if header.is_some() {
            // On the line after the header: a comment above it would be text before the header.
            let line = lines.position(header_end).line + 1;
            action(
                format!("Disable {} for this file", d.code),
                TextEdit::new(
                    Range::new(Position::new(line, 0), Position::new(line, 0)),
                    format!("<!-- shelf-disable-file {} -->\n", d.code),
                ),
                false,
            );
        }
    }
    actions
}

fn to_lsp(d: &Diagnostic, lines: &LineIndex) -> lsp_types::Diagnostic {
    let range = match &d.span {
        Some(span) => Range::new(lines.position(span.start), lines.position(span.end)),
        None => Range::default(),
    };
    let mut message = d.message.clone();
    if let Some(help) = &d.help {
        message.push_str("\nhelp: ");
        message.push_str(help);
    }
    lsp_types::Diagnostic {
        range,
        severity: Some(match d.severity {
            Severity::Error => DiagnosticSeverity::ERROR,
            Severity::Warning => DiagnosticSeverity::WARNING,
        }),
        code: Some(NumberOrString::String(d.code.to_string())),
        source: Some("shelf".into()),
        message,
        ..lsp_types::Diagnostic::default()
    }
}

/// Byte offsets to LSP positions (line, UTF-16 code units).
struct LineIndex<'t> {
    text: &'t str,
    starts: Vec<usize>,
}

impl<'t> LineIndex<'t> {
    fn new(text: &'t str) -> Self {
        let mut starts = vec![0];
        starts.extend(memchr::memchr_iter(b'\n', text.as_bytes()).map(|i| i + 1));
        LineIndex { text, starts }
    }

    /// The byte offset of `position` (clamped to its line and to the text).
    fn offset(&self, position: Position) -> usize {
        let Some(&start) = self.starts.get(position.line as usize) else {
            return self.text.len();
        };
        let mut units = 0;
        for (i, c) in self.text[start..].char_indices() {
            if units >= position.character as usize || c == '\n' {
                return start + i;
            }
            units += c.len_utf16();
        }
        self.text.len()
    }

    fn position(&self, offset: usize) -> Position {
        let mut offset = offset.min(self.text.len());
        while !self.text.is_char_boundary(offset) {
            offset -= 1;
        }
        let line = self.starts.partition_point(|&s| s <= offset) - 1;
        let column = self.text[self.starts[line]..offset].encode_utf16().count();
        Position::new(line as u32, column as u32)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn positions_count_utf16_units_per_line() {
        let text = "ab\nné😀x\n";
        let lines = LineIndex::new(text);
        assert_eq!(lines.position(0), Position::new(0, 0));
        assert_eq!(lines.position(3), Position::new(1, 0));
        // n, é (one unit), 😀 (two units): x starts at column 4.
        let x = text.find('x').unwrap();
        assert_eq!(lines.position(x), Position::new(1, 4));
        // Inside a character: its start.
        assert_eq!(lines.position(x - 1), Position::new(1, 2));
        assert_eq!(lines.position(text.len() + 5), Position::new(2, 0));
    }
}
