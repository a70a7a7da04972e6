//! Parsing one file into an [`Article`]: bytes in, an article and its diagnostics out.
//!
//! This is the unit of parallel work. It never panics on bad input and never stops at the first
//! problem: recoverable problems are collected, and only a file that cannot be made into a page
//! (not text, no header, no articleId, a payload that does not parse) yields no article.

use std::path::Path;

use crate::base::diagnostic::{Diagnostic, LineIndex};
use crate::base::slug::slugify;
use crate::check::rules;
use crate::source::body;
use crate::source::header;
use crate::source::markdown;
use crate::source::model::{Article, Metadata};
use crate::source::payload;

/// What the parse is for. All run every per-article rule (the same diagnostics in `build`,
/// `serve`, `check` and the editor); `Build` also renders the body; `Check` renders nothing and
/// keeps no payload's value (`shelf check` only reports); `Edit` renders nothing and keeps the
/// payloads, which the language server looks things up in (topic descriptions, symbols).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    Build,
    Check,
    Edit,
}

/// The outcome of parsing one file.
#[derive(Debug, Default)]
pub struct Parsed {
    pub article: Option<Article>,
    /// Every problem found, positioned (line:col filled in).
    pub diagnostics: Vec<Diagnostic>,
    /// The file's `shelf-disable` comments, applied once every problem of the file (those
    /// found across articles too) is known: see [`crate::check::rules::suppress`].
    pub suppressions: crate::check::rules::suppress::Suppressions,
}

/// Parses `bytes`, the content of `file` (whose path below the source is `rel_path`).
pub fn parse(file: &Path, rel_path: &str, bytes: &[u8], mode: Mode) -> Parsed {
    let mut diagnostics = Vec::new();
    let article = match parse_inner(file, rel_path, bytes, mode, &mut diagnostics) {
        Ok(article) => Some(article),
        Err(fatal) => {
            diagnostics.push(*fatal);
            None
        }
    };
    if !diagnostics.is_empty() {
        let index = LineIndex::new(bytes);
        for d in &mut diagnostics {
            d.locate(&index);
        }
    }
    // Most files have none: looked for before the text is validated again.
    let suppressions = match memchr::memmem::find(bytes, b"shelf-") {
        Some(_) => std::str::from_utf8(bytes)
            .map(crate::check::rules::suppress::Suppressions::parse)
            .unwrap_or_default(),
        None => Default::default(),
    };
    Parsed {
        article,
        diagnostics,
        suppressions,
    }
}

fn parse_inner(
    file: &Path,
    rel_path: &str,
    bytes: &[u8],
    mode: Mode,
    diagnostics: &mut Vec<Diagnostic>,
) -> Result<Article, Box<Diagnostic>> {
    let text = decode(file, bytes)?;
    // Read as CommonMark reads it (offsets unchanged): see `markdown::spec_fixups`.
    let fixed = markdown::spec_fixups(text);
    let text: &str = &fixed;
    rules::file::merge_conflict::check(file, text, diagnostics);
    let header = header::parse(text, file, diagnostics)?;
    let header_span = header.span.clone();
    let leading = header.leading.clone();
    let mut meta = Metadata::from_properties(header.properties);
    rules::metadata::id_list::cap(&mut meta, file, diagnostics);

    // A file that cannot become a page (no usable articleId, a payload that does not parse) is
    // still checked in full: one problem never hides the others. The problem that keeps it
    // from being built is returned at the end.
    let slug = slugify(&meta.article_id);
    let mut unbuildable: Option<Box<Diagnostic>> = None;
    if slug.is_empty() {
        let what = if meta.article_id.is_empty() {
            "`articleId` is missing or empty".to_string()
        } else {
            format!(
                "`articleId` \"{}\" has no character usable in a URL",
                meta.article_id
            )
        };
        let span = meta
            .get("articleId")
            .map_or(header_span.start..header_span.start + 1, |p| {
                p.key.span.clone()
            });
        let fatal = Box::new(
            Diagnostic::new(
                rules::MISSING_REQUIRED_PROPERTY,
                file,
                format!("{what}: the article has no stable URL and is not built"),
            )
            .at(span)
            .help("add articleId=\"<a new GUID>\" to the header"),
        );
        unbuildable = Some(fatal);
    }

    {
        let cx = rules::metadata::ArticleContext {
            file,
            text,
            header_span: header_span.clone(),
            meta: &meta,
        };
        // Where the header could not be read cleanly (a quote that never closes, a stray
        // character), its values may not be where they seem: a fix there could move a quote
        // and change how the whole header reads. Such a header's problems are reported, but
        // fixed by hand.
        let header_was_read_cleanly = !diagnostics.iter().any(|d| {
            d.code == rules::ATTRIBUTE_SYNTAX.code || d.code == rules::HEADER_NOT_CLOSED.code
        });
        let before = diagnostics.len();
        rules::metadata::check(&cx, diagnostics);
        if !header_was_read_cleanly {
            for d in &mut diagnostics[before..] {
                d.fix = None;
            }
        }
        if unbuildable.is_some() {
            // Said once, by the problem that keeps the file from being built.
            let mut i = before;
            while i < diagnostics.len() {
                let d = &diagnostics[i];
                if d.code == rules::MISSING_REQUIRED_PROPERTY.code
                    && d.message.starts_with("`articleId`")
                {
                    diagnostics.remove(i);
                } else {
                    i += 1;
                }
            }
        }
    }

    let body_start = header_span.end;
    let body_text = &text[body_start..];
    let fence = body::find_payload(body_text, body_start);
    // What the body and link rules see; the payload's JSON only when it parsed.
    let body_context = |payload_json: Option<std::ops::Range<usize>>| {
        let segments = match &fence {
            Some(f) => vec![body_start..f.whole.start, f.whole.end..text.len()],
            None => std::iter::once(body_start..text.len()).collect(),
        };
        rules::body::BodyContext::new(
            file,
            rel_path,
            text,
            &meta,
            header_span.clone(),
            segments,
            payload_json,
        )
    };
    let payload_json = || fence.as_ref().map(|f| f.json.clone());
    let mut references = Vec::new();
    let payload = match &fence {
        Some(fence) => {
            let payload = match payload::parse(text, fence, file, diagnostics, mode != Mode::Check)
            {
                Ok(payload) => payload,
                Err(fatal) => {
                    // The body around the payload is still checked.
                    rules::check_body(&body_context(None), diagnostics);
                    return Err(unbuildable.unwrap_or(fatal));
                }
            };
            let json = &text[fence.json.clone()];
            references = rules::payload::check(file, &meta, json, fence.json.start, diagnostics);
            if !references.is_empty() {
                let index = LineIndex::new(bytes);
                for r in &mut references {
                    r.at = Some(index.line_col(r.span.start));
                }
            }
            Some(payload)
        }
        None => {
            if meta.self_help_type.has_payload() {
                diagnostics.push(
                    Diagnostic::new(
                        rules::PAYLOAD_MISSING,
                        file,
                        format!(
                            "a {} article carries a JSON payload between `---` lines; none was found",
                            meta.self_help_type.as_str()
                        ),
                    )
                    .at(header_span.clone()),
                );
            }
            None
        }
    };

    let body = body_context(payload_json());
    rules::check_body(&body, diagnostics);
    if let Some(fatal) = unbuildable {
        return Err(fatal);
    }
    let mut blades: Vec<String> = Vec::new();
    for link in &body.links {
        let target = link.target.trim();
        if let Some(blade) = target
            .get(.."data-blade:".len())
            .filter(|scheme| scheme.eq_ignore_ascii_case("data-blade:"))
            .map(|_| target["data-blade:".len()..].trim())
            .filter(|b| !b.is_empty() && !blades.iter().any(|known| known == b))
        {
            blades.push(blade.to_string());
        }
    }
    drop(body);
    let rendered = match mode {
        Mode::Check | Mode::Edit => markdown::Rendered::default(),
        Mode::Build => {
            markdown::render(&markdown_source(text, leading, body_start, fence.as_ref()))
        }
    };
    let (tokens, issue_description) = body::scan_tokens(body_text, body_start);

    let title = rendered
        .title
        .filter(|t| !t.is_empty())
        .or_else(|| Some(meta.page_title.clone()).filter(|t| !t.is_empty()))
        .unwrap_or_else(|| meta.article_id.clone());

    let article_id_at = meta.get("articleId").map(|p| {
        let start = p.value.span.start;
        LineIndex::new(&bytes[..start]).line_col(start)
    });
    Ok(Article {
        article_id_at,
        references,
        blades,
        path: rel_path.to_string(),
        file: file.to_path_buf(),
        title,
        body_html: rendered.html,
        plain_text: rendered.plain_text,
        headings: rendered.headings,
        payload,
        tokens,
        issue_description,
        slug,
        meta,
    })
}

/// The Markdown to render: any text misplaced before the header, then the body without the
/// payload.
fn markdown_source(
    text: &str,
    leading: Option<std::ops::Range<usize>>,
    body_start: usize,
    fence: Option<&body::PayloadFence>,
) -> String {
    let mut source = String::with_capacity(text.len() - body_start);
    if let Some(leading) = leading {
        source.push_str(&text[leading]);
        source.push('\n');
    }
    match fence {
        Some(f) => {
            source.push_str(&text[body_start..f.whole.start]);
            source.push('\n');
            source.push_str(&text[f.whole.end..]);
        }
        None => source.push_str(&text[body_start..]),
    }
    source
}

/// The file as UTF-8 text, or the reason it is not text.
fn decode<'a>(file: &Path, bytes: &'a [u8]) -> Result<&'a str, Box<Diagnostic>> {
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Err(Box::new(
            Diagnostic::new(rules::EMPTY_FILE, file, "the file is empty").at(0..bytes.len()),
        ));
    }
    if let Some(nul) = memchr::memchr(0, bytes) {
        return Err(Box::new(
            Diagnostic::new(
                rules::FILE_NOT_UTF8,
                file,
                "the file holds a NUL byte: it is binary, not a Markdown article",
            )
            .at(nul..nul + 1),
        ));
    }
    std::str::from_utf8(bytes).map_err(|e| {
        let at = e.valid_up_to();
        Box::new(
            Diagnostic::new(
                rules::FILE_NOT_UTF8,
                file,
                format!("invalid UTF-8 at byte {at}"),
            )
            .at(at..at + e.error_len().unwrap_or(1))
            .help("save the file as UTF-8"),
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::base::diagnostic::LineCol;
    use crate::source::model::SelfHelpType;

    fn parse_str(text: &str) -> Parsed {
        parse(Path::new("a/b.md"), "a/b.md", text.as_bytes(), Mode::Build)
    }

    #[test]
    fn a_file_that_cannot_be_built_is_still_checked_in_full() {
        // No articleId: the body's and the header's other problems are still found.
        let text = "<properties\n\u{00A0}\u{00A0}pageTitle=\"T\"\n\tselfHelpType=\"generic\"\n/>\n# T\n\n[a](https://)\n\nTODO: write it\n";
        let p = parse(Path::new("a.md"), "a.md", text.as_bytes(), Mode::Check);
        assert!(p.article.is_none());
        let codes: Vec<_> = p.diagnostics.iter().map(|d| d.code).collect();
        for code in ["SH101", "SH011", "SH404", "SH316"] {
            assert!(codes.contains(&code), "{code} in {codes:?}");
        }
        // The missing articleId is said once.
        let id = p
            .diagnostics
            .iter()
            .filter(|d| d.message.contains("`articleId`"))
            .count();
        assert_eq!(id, 1, "{:?}", p.diagnostics);
        // An indent of no-break spaces does not hide the keys: pageTitle is read.
        assert!(
            !p.diagnostics
                .iter()
                .any(|d| d.message.contains("`pageTitle` is missing"))
        );

        // A payload that does not parse: the Markdown around it is still checked.
        let text = "<properties pageTitle=\"T\" selfHelpType=\"problemScopingQuestions\" articleId=\"x\" cloudEnvironments=\"public\" />\n# T\n[a](https://)\n---\n{ \"title\": }\n---\n";
        let p = parse(Path::new("a.md"), "a.md", text.as_bytes(), Mode::Check);
        assert!(p.article.is_none());
        let codes: Vec<_> = p.diagnostics.iter().map(|d| d.code).collect();
        assert!(
            codes.contains(&"SH502") && codes.contains(&"SH404"),
            "{codes:?}"
        );
    }

    #[test]
    fn parses_a_generic_article() {
        let p = parse_str(
            "<properties pageTitle=\"Page\" articleId=\"ID-1\" selfHelpType=\"generic\" \
             cloudEnvironments=\"public\" service=\"microsoft.compute\" resource=\"virtualmachines\" \
             supportTopicIds=\"32553297\" productPesIds=\"15207\" ownershipId=\"o\" authors=\"a\" \
             ms.author=\"a\" />\n# Title\n\nBody **text**.\n",
        );
        assert!(p.diagnostics.is_empty(), "{:?}", p.diagnostics);
        let a = p.article.unwrap();
        assert_eq!(a.title, "Title");
        assert_eq!(a.slug, "id-1");
        assert_eq!(a.body_html.trim(), "<p>Body <strong>text</strong>.</p>");
        assert_eq!(a.meta.self_help_type, SelfHelpType::Generic);
    }

    #[test]
    fn title_falls_back_to_page_title() {
        let p = parse_str("<properties pageTitle=\"Page\" articleId=\"x\" />\nNo heading.\n");
        assert_eq!(p.article.unwrap().title, "Page");
    }

    #[test]
    fn payload_is_parsed_and_kept_out_of_the_markdown() {
        let p = parse_str(
            "<properties articleId=\"x\" selfHelpType=\"problemScopingQuestions\" />\n# Q\n---\n{\"title\": \"T\"}\n---\n",
        );
        let a = p.article.unwrap();
        assert_eq!(a.payload.unwrap().value.unwrap()["title"], "T");
        assert!(!a.body_html.contains("title"), "{}", a.body_html);
    }

    #[test]
    fn invalid_payload_is_fatal_with_file_position() {
        let p = parse_str("<properties articleId=\"x\" />\n# Q\n---\n{\n \"a\": ,\n}\n---\n");
        assert!(p.article.is_none());
        // The header's own problems are reported too (every rule runs when building).
        let d = p
            .diagnostics
            .iter()
            .find(|d| d.code == rules::PAYLOAD_INVALID_JSON.code)
            .unwrap();
        assert_eq!(d.start, Some(LineCol { line: 5, column: 7 }));
    }

    #[test]
    fn missing_article_id_is_fatal() {
        let p = parse_str("<properties pageTitle=\"x\" />\n# T\n");
        assert!(p.article.is_none());
        assert_eq!(p.diagnostics[0].code, rules::MISSING_REQUIRED_PROPERTY.code);
    }

    #[test]
    fn binary_and_invalid_utf8_and_empty_are_fatal() {
        for (bytes, code) in [
            (&b"<properties \x00/>"[..], rules::FILE_NOT_UTF8.code),
            (&b"<properties a=\"\xff\" />"[..], rules::FILE_NOT_UTF8.code),
            (&b" \n"[..], rules::EMPTY_FILE.code),
        ] {
            let p = parse(Path::new("x.md"), "x.md", bytes, Mode::Check);
            assert!(p.article.is_none());
            assert_eq!(p.diagnostics[0].code, code);
        }
    }

    #[test]
    fn text_before_the_header_is_kept_as_body() {
        let p = parse_str(
            "# Misplaced title\n\nIntro.\n<properties articleId=\"x\" pageTitle=\"P\" />\nRest.\n",
        );
        assert_eq!(p.diagnostics[0].code, rules::TEXT_BEFORE_HEADER.code);
        let a = p.article.unwrap();
        assert_eq!(a.title, "Misplaced title");
        assert!(
            a.body_html.contains("Intro.") && a.body_html.contains("Rest."),
            "{}",
            a.body_html
        );
    }

    #[test]
    fn missing_payload_is_reported_but_built() {
        let p =
            parse_str("<properties articleId=\"x\" selfHelpType=\"diagnoseandsolve\" />\n# T\n");
        assert!(p.article.is_some());
        assert!(
            p.diagnostics
                .iter()
                .any(|d| d.code == rules::PAYLOAD_MISSING.code)
        );
    }
}
