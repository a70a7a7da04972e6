//! URL slugs: stable, lowercase, safe in a path segment.

use std::borrow::Cow;

/// Lowercases `s` and keeps `a-z 0-9 . _ -`; any other run of characters becomes one `-`.
/// Letters outside ASCII are first written in ASCII (deunicode, as Zola's slugs do: `Ünïcode`
/// is `unicode`, `日本` is `ri-ben`), so a name in another script keeps a readable, distinct
/// URL instead of losing its letters. Leading and trailing `-` and `.` are trimmed so a slug
/// is never `..` or hidden.
pub fn slugify(s: &str) -> String {
    let s: Cow<str> = if s.is_ascii() {
        Cow::Borrowed(s)
    } else {
        Cow::Owned(deunicode::deunicode_with_tofu(s, "-"))
    };
    let mut out = String::with_capacity(s.len());
    let mut pending_dash = false;
    for c in s.chars() {
        let c = c.to_ascii_lowercase();
        if c.is_ascii_alphanumeric() || c == '_' || c == '.' || c == '-' {
            if pending_dash && !out.is_empty() {
                out.push('-');
            }
            pending_dash = false;
            out.push(c);
        } else {
            pending_dash = true;
        }
    }
    let trimmed = out.trim_matches(|c| c == '-' || c == '.');
    if trimmed.len() == out.len() {
        out
    } else {
        trimmed.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::slugify;

    #[test]
    fn keeps_guids_and_slugs() {
        assert_eq!(
            slugify("B797EC2D-c7fb-40ae-8baf-0b6ddcfe0a69"),
            "b797ec2d-c7fb-40ae-8baf-0b6ddcfe0a69"
        );
        assert_eq!(
            slugify("RegistryAndLabelPolicy-AIP"),
            "registryandlabelpolicy-aip"
        );
    }

    #[test]
    fn replaces_unsafe_runs() {
        assert_eq!(slugify("a b/../c"), "a-b-..-c");
        assert_eq!(slugify("../../etc"), "etc");
        assert_eq!(slugify("Ünïcode ID"), "unicode-id");
        assert_eq!(slugify("Réseau virtuel"), "reseau-virtuel");
        assert_eq!(slugify("日本"), "ri-ben");
        // What has no ASCII form becomes a separator, never a letter of another word.
        assert_eq!(slugify("a\u{10FFFF}b"), "a-b");
        assert_eq!(slugify("  "), "");
    }
}
