//! The JSON payload of payload-carrying types, parsed with serde_json.
//!
//! Some published payloads have comments or trailing commas; those are read leniently (with a
//! warning) by blanking them out byte for byte, so error positions still point into the file.

use std::ops::Range;
use std::path::Path;

use serde_json::Value;

use crate::base::diagnostic::Diagnostic;
use crate::base::source_rules as rules;
use crate::source::body::PayloadFence;

#[derive(Debug, Clone, PartialEq)]
pub struct Payload {
    /// The JSON as data, when it was asked for: a build renders it, while checking only needs
    /// to know that it parses (the rules read it with positions, `check::rules::payload`), and
    /// not building it halves the memory of `shelf check` on payload-heavy trees.
    pub value: Option<Value>,
    /// The JSON text's range in the file.
    pub span: Range<usize>,
}

/// Parses the payload at `fence` in `text` (the whole file), keeping its value when `keep`. On
/// failure the error is positioned at the offending byte in the file.
pub fn parse(
    text: &str,
    fence: &PayloadFence,
    file: &Path,
    diagnostics: &mut Vec<Diagnostic>,
    keep: bool,
) -> Result<Payload, Box<Diagnostic>> {
    let json = &text[fence.json.clone()];
    let read = |json: &str| match keep {
        true => serde_json::from_str::<Value>(json).map(Some),
        false => serde_json::from_str::<Read>(json).map(|_| None),
    };
    let strict_error = match read(json) {
        Ok(value) => {
            return Ok(Payload {
                value,
                span: fence.json.clone(),
            });
        }
        Err(e) => e,
    };
    let relaxed = relax(json);
    if let Ok(value) = read(&relaxed) {
        let at = error_offset(json, &strict_error) + fence.json.start;
        diagnostics.push(
            Diagnostic::new(
                rules::PAYLOAD_LENIENT_JSON,
                file,
                "the payload is not strict JSON (comments, trailing commas or raw control characters in strings)",
            )
            .at(at..at + 1)
            .help(format!("strict parser: {strict_error}")),
        );
        return Ok(Payload {
            value,
            span: fence.json.clone(),
        });
    }
    let at = error_offset(json, &strict_error) + fence.json.start;
    let width = text[at..].chars().next().map_or(0, char::len_utf8);
    Err(Box::new(
        Diagnostic::new(
            rules::PAYLOAD_INVALID_JSON,
            file,
            format!(
                "the JSON payload does not parse: {}",
                strip_position(&strict_error)
            ),
        )
        .at(at..at + width)
        .help("fix the JSON between the `---` lines; a JSON linter shows the same place"),
    ))
}

/// JSON read exactly as into a [`Value`] (every string decoded, every number converted, so the
/// same texts fail at the same byte with the same message) and kept nowhere. serde's
/// `IgnoredAny` skips strings without decoding them: it took `"\ud800"`, which a build
/// refuses, and stopped a byte earlier at a control character.
struct Read;

impl<'de> serde::Deserialize<'de> for Read {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Read, D::Error> {
        d.deserialize_any(Read)
    }
}

impl<'de> serde::de::Visitor<'de> for Read {
    type Value = Read;

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("any JSON value")
    }
    fn visit_bool<E>(self, _: bool) -> Result<Read, E> {
        Ok(Read)
    }
    fn visit_i64<E>(self, _: i64) -> Result<Read, E> {
        Ok(Read)
    }
    fn visit_u64<E>(self, _: u64) -> Result<Read, E> {
        Ok(Read)
    }
    fn visit_f64<E>(self, _: f64) -> Result<Read, E> {
        Ok(Read)
    }
    fn visit_str<E>(self, _: &str) -> Result<Read, E> {
        Ok(Read)
    }
    fn visit_unit<E>(self) -> Result<Read, E> {
        Ok(Read)
    }
    fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut items: A) -> Result<Read, A::Error> {
        while items.next_element::<Read>()?.is_some() {}
        Ok(Read)
    }
    fn visit_map<A: serde::de::MapAccess<'de>>(self, mut entries: A) -> Result<Read, A::Error> {
        while entries.next_key::<Read>()?.is_some() {
            entries.next_value::<Read>()?;
        }
        Ok(Read)
    }
}

/// serde_json's message without its own " at line L column C" (we give file-absolute ones).
fn strip_position(e: &serde_json::Error) -> String {
    let s = e.to_string();
    match s.rfind(" at line ") {
        Some(i) => s[..i].to_string(),
        None => s,
    }
}

/// Byte offset in `json` of serde_json's line/column.
fn error_offset(json: &str, e: &serde_json::Error) -> usize {
    let line_start: usize = json
        .split_inclusive('\n')
        .take(e.line().saturating_sub(1))
        .map(str::len)
        .sum();
    // serde_json reports the column of the byte it stopped at, 1-based; 0 means "end of line".
    let col = e.column().saturating_sub(1);
    let mut at = (line_start + col).min(json.len());
    while !json.is_char_boundary(at) {
        at -= 1;
    }
    at
}

/// Blanks out `//` and `/* */` comments, then trailing commas, outside strings, keeping every
/// byte position (newlines stay, other bytes become spaces).
fn relax(json: &str) -> String {
    let mut out = json.as_bytes().to_vec();
    // Pass 1: comments.
    let mut i = 0;
    let mut in_string = false;
    while i < out.len() {
        let b = out[i];
        if in_string {
            match b {
                b'\\' => i += 1,
                b'"' => in_string = false,
                // Raw tabs and newlines inside strings: read as spaces.
                0..=0x1f => out[i] = b' ',
                _ => {}
            }
        } else if b == b'"' {
            in_string = true;
        } else if b == b'/' && out.get(i + 1) == Some(&b'/') {
            while i < out.len() && out[i] != b'\n' {
                out[i] = b' ';
                i += 1;
            }
            continue;
        } else if b == b'/' && out.get(i + 1) == Some(&b'*') {
            let end =
                memchr::memmem::find(&out[i + 2..], b"*/").map_or(out.len(), |e| i + 2 + e + 2);
            for o in &mut out[i..end] {
                if *o != b'\n' {
                    *o = b' ';
                }
            }
            i = end;
            continue;
        }
        i += 1;
    }
    // Pass 2: a comma followed only by whitespace before `}` or `]`.
    let mut in_string = false;
    let mut i = 0;
    while i < out.len() {
        match out[i] {
            b'\\' if in_string => i += 1,
            b'"' => in_string = !in_string,
            b',' if !in_string => {
                let next = out[i + 1..].iter().find(|c| !c.is_ascii_whitespace());
                if next.is_none_or(|&c| c == b'}' || c == b']') {
                    out[i] = b' ';
                }
            }
            _ => {}
        }
        i += 1;
    }
    // Only ASCII bytes outside strings were replaced by spaces, so this stays valid UTF-8.
    String::from_utf8(out).unwrap_or_else(|_| json.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::body::find_payload;

    fn run(text: &str) -> (Result<Payload, Box<Diagnostic>>, Vec<Diagnostic>) {
        let fence = find_payload(text, 0).unwrap();
        let mut d = Vec::new();
        (parse(text, &fence, Path::new("t.md"), &mut d, true), d)
    }

    #[test]
    fn strict_json_parses() {
        let (p, d) = run("---\n{\"a\": [1, 2]}\n---\n");
        assert_eq!(p.unwrap().value.unwrap()["a"][1], 2);
        assert!(d.is_empty());
    }

    #[test]
    fn comments_and_trailing_commas_are_lenient() {
        let (p, d) = run("---\n{\n // c\n \"a\": [1, 2,], /* x */\n}\n---\n");
        assert_eq!(p.unwrap().value.unwrap()["a"][0], 1);
        assert_eq!(d[0].code, rules::PAYLOAD_LENIENT_JSON.code);
    }

    #[test]
    fn invalid_json_points_at_the_file_position() {
        let text = "head\n---\n{\n  \"a\": 1\n  \"b\": 2\n}\n---\n";
        let (p, _) = run(text);
        let e = p.unwrap_err();
        assert_eq!(e.code, rules::PAYLOAD_INVALID_JSON.code);
        let at = e.span.clone().unwrap().start;
        // The missing comma is noticed at `"b"` on line 5 of the file.
        assert_eq!(&text[at..at + 3], "\"b\"");
        assert!(!e.message.contains(" at line "));
    }

    #[test]
    fn checking_and_building_report_the_same_place() {
        for text in [
            "---\n{\"a\": \"x\ty\"}\n---\n",
            "---\n{\"a\": [1, 2,]}\n---\n",
            "---\n{\"a\": \"\\ud800\"}\n---\n",
            "---\n{\"a\": 1e999}\n---\n",
            "---\n{\"a\" 1}\n---\n",
        ] {
            let fence = find_payload(text, 0).unwrap();
            let reports = |keep| {
                let mut found = Vec::new();
                let result = parse(text, &fence, Path::new("t.md"), &mut found, keep);
                found.extend(result.err().map(|e| *e));
                found
                    .iter()
                    .map(|d| format!("{:?} {:?} {}", d.span, d.help, d.message))
                    .collect::<Vec<_>>()
            };
            assert_eq!(reports(true), reports(false), "{text}");
        }
    }

    #[test]
    fn raw_control_characters_in_strings_are_lenient() {
        let (p, d) = run("---\n{\"a\": \"x\ty\nz\"}\n---\n");
        assert_eq!(p.unwrap().value.unwrap()["a"], "x y z");
        assert_eq!(d[0].code, rules::PAYLOAD_LENIENT_JSON.code);
    }

    #[test]
    fn relax_keeps_strings_and_positions() {
        let s = "{\"u\": \"http://x, }\", }";
        let r = relax(s);
        assert_eq!(r.len(), s.len());
        assert_eq!(r, "{\"u\": \"http://x, }\"  }");
    }
}
