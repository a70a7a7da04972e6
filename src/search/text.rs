//! Words for the search index: the tokenizer and the light English stemmer.
//!
//! The browser runs the same two functions (`templates/search.js`, `tokens` and `stem`) on the
//! query, so both sides must agree word for word: change one, change the other. The browser test
//! `search_e2e::stemmer_matches_the_browser` compares them on every word of the sample articles.

/// Calls `f` with the stem of every word of `text`. Words are runs of letters and digits,
/// lowercased; words longer than [`MAX_WORD`] bytes (hashes, base64 blobs) are left out, they are
/// never typed. `f` gets a borrowed buffer, so no word is allocated.
pub fn each_stem(text: &str, mut f: impl FnMut(&str)) {
    let mut word = String::with_capacity(MAX_WORD);
    for raw in words(text) {
        word.clear();
        if raw.is_ascii() {
            word.push_str(raw);
            word.make_ascii_lowercase();
        } else {
            word.extend(raw.chars().flat_map(char::to_lowercase));
        }
        stem_in_place(&mut word);
        f(&word);
    }
}

/// The runs of letters and digits in `text`, as written, at most [`MAX_WORD`] bytes long.
pub fn words(text: &str) -> impl Iterator<Item = &str> {
    Words { text, at: 0 }.filter(|w| w.len() <= MAX_WORD)
}

/// Splits on anything that is not a letter or digit, testing ASCII bytes without decoding.
struct Words<'a> {
    text: &'a str,
    at: usize,
}

impl<'a> Words<'a> {
    /// Whether the character starting at byte `i` is a letter or digit, and its length.
    #[inline]
    fn class(&self, i: usize) -> (bool, usize) {
        let b = self.text.as_bytes()[i];
        if b < 0x80 {
            (b.is_ascii_alphanumeric(), 1)
        } else {
            let c = self.text[i..].chars().next().unwrap_or(' ');
            (c.is_alphanumeric(), c.len_utf8())
        }
    }
}

impl<'a> Iterator for Words<'a> {
    type Item = &'a str;
    fn next(&mut self) -> Option<&'a str> {
        let bytes = self.text.as_bytes();
        let mut i = self.at;
        // Skip to the next word; plain ASCII separators are the common case.
        loop {
            match bytes.get(i) {
                None => {
                    self.at = i;
                    return None;
                }
                Some(b) if *b < 0x80 && !b.is_ascii_alphanumeric() => i += 1,
                Some(_) => match self.class(i) {
                    (true, _) => break,
                    (false, n) => i += n,
                },
            }
        }
        let start = i;
        loop {
            match bytes.get(i) {
                Some(b) if b.is_ascii_alphanumeric() => i += 1,
                Some(b) if *b >= 0x80 => match self.class(i) {
                    (true, n) => i += n,
                    (false, _) => break,
                },
                _ => break,
            }
        }
        self.at = i;
        Some(&self.text[start..i])
    }
}

/// Longest word indexed, in bytes.
pub const MAX_WORD: usize = 40;

/// Reduces a lowercased English word to its stem so that "restore", "restored", "restores"
/// and "restoring" meet. Deliberately small (plural `s`, `ies`, `ing`, `ed`, final `e`) because
/// the browser has to do exactly the same; words with digits or other than ASCII letters, and
/// words of three letters or fewer, are kept whole.
pub fn stem_in_place(w: &mut String) {
    if w.len() <= 3 || !w.bytes().all(|b| b.is_ascii_lowercase()) {
        return;
    }
    if w.ends_with("ies") && w.len() > 4 {
        w.truncate(w.len() - 3);
        w.push('y');
    } else if w.ends_with("sses") {
        w.truncate(w.len() - 2);
    } else if w.ends_with('s') && !w.ends_with("ss") && !w.ends_with("us") && !w.ends_with("is") {
        w.pop();
    }
    for suffix in ["ing", "ed"] {
        let rest = w.len().saturating_sub(suffix.len());
        if w.ends_with(suffix) && rest >= 3 && w[..rest].bytes().any(is_vowel) {
            w.truncate(rest);
            // "running" -> "run", but "installing" -> "install".
            let b = w.as_bytes();
            let last = b[rest - 1];
            if last == b[rest - 2] && !matches!(last, b'l' | b's' | b'z') && !is_vowel(last) {
                w.pop();
            }
            break;
        }
    }
    if w.len() > 3 && w.ends_with('e') {
        w.pop();
    }
}

fn is_vowel(c: u8) -> bool {
    matches!(c, b'a' | b'e' | b'i' | b'o' | b'u' | b'y')
}

#[cfg(test)]
mod tests {
    use super::*;

    fn stem(word: &str) -> String {
        let mut w = word.to_string();
        stem_in_place(&mut w);
        w
    }

    #[test]
    fn words_are_lowercased_runs_of_letters_and_digits() {
        let mut stems = Vec::new();
        each_stem(
            "Restore a VM (Microsoft.Compute) — 32553297, naïve ÉTAT",
            |s| stems.push(s.to_string()),
        );
        assert_eq!(
            stems,
            [
                "restor",
                "a",
                "vm",
                "microsoft",
                "comput",
                "32553297",
                "naïve",
                "état"
            ]
        );
    }

    #[test]
    fn overlong_words_are_left_out() {
        let blob = "a".repeat(MAX_WORD + 1);
        assert_eq!(words(&format!("keep {blob} this")).count(), 2);
    }

    #[test]
    fn inflections_meet_at_one_stem() {
        for word in ["restore", "restored", "restores", "restoring"] {
            assert_eq!(stem(word), "restor", "{word}");
        }
        for (word, expected) in [
            ("policies", "policy"),
            ("policy", "policy"),
            ("running", "run"),
            ("installing", "install"),
            ("installed", "install"),
            ("classes", "class"),
            ("status", "status"),
            ("analysis", "analysis"),
            ("connecting", "connect"),
            ("connection", "connection"),
            ("vms", "vms"),
            ("disks", "disk"),
            ("used", "used"),
            ("v2", "v2"),
            ("naïve", "naïve"),
        ] {
            assert_eq!(stem(word), expected, "{word}");
        }
    }
}
