//! Compact JSON with `<`, `>`, `&`, U+2028 and U+2029 written as `\uXXXX` escapes. The text is
//! the same JSON to every parser, but a portal can paste a document into an inline `<script>`
//! without an article's `</script>` ending it early.

use std::io;

use serde::Serialize;
use serde_json::ser::{Formatter, Serializer};

/// `value` as compact, script-safe JSON.
pub fn to_vec<T: Serialize + ?Sized>(value: &T) -> Vec<u8> {
    to_vec_sized(value, 256)
}

/// [`to_vec`] into a buffer of `capacity` bytes to start with: a large document written into a
/// small buffer is copied each time the buffer doubles.
pub fn to_vec_sized<T: Serialize + ?Sized>(value: &T, capacity: usize) -> Vec<u8> {
    let mut out = Vec::with_capacity(capacity);
    let mut ser = Serializer::with_formatter(&mut out, ScriptSafe);
    // Serializing to memory fails only for maps with non-string keys, which no document has.
    value
        .serialize(&mut ser)
        .expect("API documents serialize to JSON");
    out
}

/// serde_json's compact output (the trait's defaults) with strings escaped as above.
struct ScriptSafe;

impl Formatter for ScriptSafe {
    fn write_string_fragment<W: ?Sized + io::Write>(
        &mut self,
        writer: &mut W,
        fragment: &str,
    ) -> io::Result<()> {
        // All five are found by their first byte (U+2028/9 are E2 80 A8/A9); memchr skips
        // the long runs of text between them.
        let bytes = fragment.as_bytes();
        let mut copied = 0;
        let mut from = 0;
        while let Some(found) = next_special(&bytes[from..]) {
            let i = from + found;
            from = i + 1;
            let b = bytes[i];
            let escape = match b {
                b'<' => "\\u003c",
                b'>' => "\\u003e",
                b'&' => "\\u0026",
                _ => match (bytes.get(i + 1), bytes.get(i + 2)) {
                    (Some(0x80), Some(0xA8)) => "\\u2028",
                    (Some(0x80), Some(0xA9)) => "\\u2029",
                    _ => continue,
                },
            };
            writer.write_all(&bytes[copied..i])?;
            writer.write_all(escape.as_bytes())?;
            copied = i + if b == 0xE2 { 3 } else { 1 };
            from = copied;
        }
        writer.write_all(&fragment.as_bytes()[copied..])
    }
}

/// The offset of the next byte that may start an escape: `<`, `>`, `&` or 0xE2. serde_json
/// hands over the text between its own escapes, mostly short runs between the quotes of HTML
/// attributes, where one table look-up per byte beats starting a vectorized search.
fn next_special(bytes: &[u8]) -> Option<usize> {
    const SPECIAL: [bool; 256] = {
        let mut table = [false; 256];
        table[b'<' as usize] = true;
        table[b'>' as usize] = true;
        table[b'&' as usize] = true;
        table[0xE2] = true;
        table
    };
    bytes.iter().position(|&b| SPECIAL[b as usize])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markup_characters_are_escaped_and_the_value_is_unchanged() {
        let value = serde_json::json!({"html": "</script><b>&amp;</b>\u{2028}é", "n": [1, 2]});
        let bytes = to_vec(&value);
        let text = String::from_utf8(bytes.clone()).unwrap();
        assert_eq!(
            text,
            r#"{"html":"\u003c/script\u003e\u003cb\u003e\u0026amp;\u003c/b\u003e\u2028é","n":[1,2]}"#
        );
        let back: serde_json::Value = serde_json::from_slice(&bytes).unwrap();
        assert_eq!(back, value);
    }

    #[test]
    fn other_three_byte_characters_and_edges_pass_through() {
        // An em dash and a euro sign start with 0xE2 too; specials at both ends.
        let value = serde_json::json!("<a — b € c\u{2029}>&");
        let text = String::from_utf8(to_vec(&value)).unwrap();
        assert_eq!(text, r#""\u003ca — b € c\u2029\u003e\u0026""#);
        let plain = serde_json::json!("no specials at all, ünïcödé — fine");
        assert_eq!(
            String::from_utf8(to_vec(&plain)).unwrap(),
            serde_json::to_string(&plain).unwrap()
        );
    }
}
