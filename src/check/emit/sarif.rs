//! The SARIF 2.1.0 format, for code-scanning upload (`github/codeql-action/upload-sarif` and
//! other SARIF consumers). One run; the tool's rules are the whole catalog, so a result's
//! `ruleIndex` is stable; columns are counted in Unicode code points, as shelf counts them.

use std::io::{self, Write};
use std::path::Path;

use serde_json::{Value, json};

use crate::base::diagnostic::{Diagnostic, Severity};
use crate::check::rules::ALL;

fn level(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
    }
}

/// A relative URI reference for a path: `/` separators, no `./`, unsafe bytes percent-encoded.
pub fn uri(path: &Path) -> String {
    let text = path.to_string_lossy().replace('\\', "/");
    let text = text.trim_start_matches("./");
    let mut out = String::with_capacity(text.len());
    for b in text.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~/!$&'()*+,;=:@".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    if path.is_absolute() {
        format!("file://{out}")
    } else {
        out
    }
}

fn result(d: &Diagnostic, file: &str, fingerprint: Option<&String>) -> Value {
    let rule_index = ALL.iter().position(|r| r.code == d.code);
    let mut message = d.message.clone();
    if let Some(help) = &d.help {
        message.push_str("\nhelp: ");
        message.push_str(help);
    }
    let artifact = json!({ "uri": uri(Path::new(file)) });
    let mut physical = json!({ "artifactLocation": artifact });
    if let Some(start) = d.start {
        let mut region = json!({ "startLine": start.line, "startColumn": start.column });
        if let Some(end) = d.end.filter(|e| *e > start) {
            region["endLine"] = json!(end.line);
            region["endColumn"] = json!(end.column);
        }
        physical["region"] = region;
    }
    let mut result = json!({
        "ruleId": d.code,
        "level": level(d.severity),
        "message": { "text": message },
        "locations": [{ "physicalLocation": physical }],
    });
    if let Some(fingerprint) = fingerprint {
        // The baseline's fingerprint: survives moved lines, so code scanning keeps an alert's
        // history across edits.
        result["partialFingerprints"] = json!({ "shelfProblem/v1": fingerprint });
    }
    if let Some(ix) = rule_index {
        result["ruleIndex"] = json!(ix);
    }
    if let Some(fix) = &d.fix {
        result["fixes"] = json!([{
            "description": { "text": fix.description },
            "artifactChanges": [{
                "artifactLocation": artifact,
                "replacements": [{
                    "deletedRegion": {
                        "byteOffset": fix.span.start,
                        "byteLength": fix.span.len(),
                    },
                    "insertedContent": { "text": fix.replacement },
                }],
            }],
        }]);
    }
    result
}

/// The most results GitHub code scanning takes from one run; it drops the rest.
pub const GITHUB_RESULT_LIMIT: usize = 5_000;

pub fn emit(report: &super::Report, out: &mut dyn Write) -> io::Result<()> {
    let diagnostics = report.diagnostics;
    let rules: Vec<Value> = ALL
        .iter()
        .map(|r| {
            json!({
                "id": r.code,
                "name": r.name,
                "shortDescription": { "text": r.summary() },
                "fullDescription": { "text": r.doc.trim() },
                "help": { "text": format!("{}\n\nExplain locally: shelf rules {}", r.doc.trim(), r.code) },
                "defaultConfiguration": { "level": level(r.severity) },
            })
        })
        .collect();
    let mut notifications = Vec::new();
    if diagnostics.len() > GITHUB_RESULT_LIMIT {
        notifications.push(json!({
            "level": "warning",
            "message": { "text": too_many(diagnostics.len()) },
        }));
    }
    let log = json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": {
                "driver": {
                    "name": "shelf",
                    "version": env!("CARGO_PKG_VERSION"),
                    "rules": rules,
                }
            },
            "invocations": [{
                "executionSuccessful": true,
                "toolExecutionNotifications": notifications,
            }],
            "columnKind": "unicodeCodePoints",
            "results": diagnostics
                .iter()
                .zip(report.ci_paths())
                .enumerate()
                .map(|(i, (d, file))| result(d, &file, report.fingerprints.get(i)))
                .collect::<Vec<_>>(),
        }],
    });
    serde_json::to_writer_pretty(&mut *out, &log)?;
    writeln!(out)
}

/// What is said when a run has more results than code scanning keeps.
pub fn too_many(results: usize) -> String {
    format!(
        "{results} results: GitHub code scanning keeps {GITHUB_RESULT_LIMIT} per run and drops the rest; \
         record what is there today with --update-baseline and check with --baseline, so that \
         only new problems are uploaded"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn log_of(n: usize) -> Value {
        let d = crate::base::diagnostic::Diagnostic::new(
            crate::base::source_rules::EMPTY_FILE,
            Path::new("a.md"),
            "empty",
        );
        let diagnostics = vec![d; n];
        let fingerprints = vec!["0123456789abcdef".to_string(); n];
        let report = super::super::Report {
            diagnostics: &diagnostics,
            summary: super::super::Summary::of(1, &diagnostics),
            color: false,
            base: None,
            fingerprints: &fingerprints,
        };
        let mut out = Vec::new();
        emit(&report, &mut out).unwrap();
        serde_json::from_slice(&out).unwrap()
    }

    #[test]
    fn more_results_than_code_scanning_keeps_are_said_in_the_log() {
        let notes = |log: &Value| {
            log["runs"][0]["invocations"][0]["toolExecutionNotifications"]
                .as_array()
                .unwrap()
                .len()
        };
        let under = log_of(GITHUB_RESULT_LIMIT);
        assert_eq!(notes(&under), 0);
        assert_eq!(
            under["runs"][0]["results"][0]["partialFingerprints"]["shelfProblem/v1"],
            "0123456789abcdef"
        );
        let over = log_of(GITHUB_RESULT_LIMIT + 1);
        assert_eq!(notes(&over), 1);
        let text =
            over["runs"][0]["invocations"][0]["toolExecutionNotifications"][0]["message"]["text"]
                .as_str()
                .unwrap();
        assert!(
            text.contains("5001 results") && text.contains("--baseline"),
            "{text}"
        );
    }

    #[test]
    fn uris_are_relative_and_encoded() {
        assert_eq!(uri(Path::new("./articles/a b.md")), "articles/a%20b.md");
        assert_eq!(uri(Path::new("/x/é.md")), "file:///x/%C3%A9.md");
    }
}
