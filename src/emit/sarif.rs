//! The SARIF 2.1.0 format, for code-scanning upload (`github/codeql-action/upload-sarif` and
//! other SARIF consumers). One run; the tool's rules are the whole catalog, so a result's
//! `ruleIndex` is stable; columns are counted in Unicode code points, as shelf counts them.

use std::io::{self, Write};
use std::path::Path;

use serde_json::{Value, json};

use crate::diagnostic::{Diagnostic, Severity};
use crate::rules::ALL;

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

fn result(d: &Diagnostic) -> Value {
    let rule_index = ALL.iter().position(|r| r.code == d.code);
    let mut message = d.message.clone();
    if let Some(help) = &d.help {
        message.push_str("\nhelp: ");
        message.push_str(help);
    }
    let artifact = json!({ "uri": uri(&d.file) });
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

pub fn emit(diagnostics: &[Diagnostic], out: &mut dyn Write) -> io::Result<()> {
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
            "columnKind": "unicodeCodePoints",
            "results": diagnostics.iter().map(result).collect::<Vec<_>>(),
        }],
    });
    serde_json::to_writer_pretty(&mut *out, &log)?;
    writeln!(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uris_are_relative_and_encoded() {
        assert_eq!(uri(Path::new("./articles/a b.md")), "articles/a%20b.md");
        assert_eq!(uri(Path::new("/x/é.md")), "file:///x/%C3%A9.md");
    }
}
