//! Escaping for HTML and XML text and attribute values: the one place it is written. The five
//! characters that can end a value or start markup (`& < > " '`) become entities; everything
//! else is copied. Safe in element text, in double- and single-quoted attributes, and in the
//! XML of an article header (whose parser decodes the entities back).

/// Appends `s` to `out`, escaped.
pub fn html_into(out: &mut String, s: &str) {
    // Most values (titles, URLs, IDs) have none of the five: two vectorized scans say so.
    let bytes = s.as_bytes();
    if memchr::memchr3(b'&', b'<', b'>', bytes).is_none()
        && memchr::memchr2(b'"', b'\'', bytes).is_none()
    {
        out.push_str(s);
        return;
    }
    // Runs of plain text are copied whole; only the five specials are replaced.
    let mut copied = 0;
    for (i, b) in s.bytes().enumerate() {
        let escape = match b {
            b'&' => "&amp;",
            b'"' => "&quot;",
            b'<' => "&lt;",
            b'>' => "&gt;",
            b'\'' => "&#39;",
            _ => continue,
        };
        out.push_str(&s[copied..i]);
        out.push_str(escape);
        copied = i + 1;
    }
    out.push_str(&s[copied..]);
}

/// `s`, escaped.
pub fn html(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 8);
    html_into(&mut out, s);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_five_specials_and_nothing_else() {
        assert_eq!(
            html(r#"Use <vm-name> & "quotes" it's é"#),
            "Use &lt;vm-name&gt; &amp; &quot;quotes&quot; it&#39;s é"
        );
        assert_eq!(html("plain"), "plain");
    }
}
