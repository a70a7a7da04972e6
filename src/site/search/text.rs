//! Words for the search index: the tokenizer and the stemmer.
//!
//! The stemmer is Snowball's English stemmer (Porter2), one published algorithm: here the
//! `rust-stemmers` crate, in the browser `vendor/porter2` (the `porter2` npm package), each
//! checked against Snowball's own vocabulary by its authors. The browser also splits and
//! lowercases the query as [`words`] and [`each_stem`] do (`templates/search.js`, `words` and
//! `lower`). The browser test `search::the_browser_splits_and_stems_words_as_the_indexer_does`
//! compares both sides on every word of the sample articles and of the corpus.

use std::cell::RefCell;
use std::sync::LazyLock;

use rustc_hash::FxHashMap;

use rust_stemmers::{Algorithm, Stemmer};

/// Calls `f` with the stem of every word of `text`. Words are runs of letters and digits (with
/// the apostrophes inside them), lowercased, apostrophes folded ([`fold_apostrophes`]); words
/// longer than [`MAX_WORD`] bytes (hashes, base64 blobs) are left out, they are never typed.
/// `f` gets a borrowed buffer, so no word is allocated.
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
        fold_apostrophes(&mut word);
        stem_in_place(&mut word);
        f(&word);
    }
}

/// Contractions and possessives as one word without its apostrophes, so that "won't" is found
/// by "wont" and "won't" (not by "won" and "t"), and "VM's" by "vm": a final `'s` goes, then
/// every apostrophe (`'` or `’`).
pub fn fold_apostrophes(word: &mut String) {
    if let Some(possessive) = ["'s", "’s"].into_iter().find(|p| word.ends_with(p)) {
        word.truncate(word.len() - possessive.len());
    }
    if word.contains(['\'', '’']) {
        word.retain(|c| c != '\'' && c != '’');
    }
}

/// The words of `text`, as written: runs of letters and digits, an apostrophe between two of
/// them included ("won't", "VM's"), at most [`MAX_WORD`] bytes long.
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
        // An apostrophe continues the word when a letter or digit follows it.
        let continues = |at: usize| at < bytes.len() && self.class(at).0;
        loop {
            match bytes.get(i) {
                Some(b) if b.is_ascii_alphanumeric() => i += 1,
                Some(b'\'') if continues(i + 1) => i += 1,
                Some(0xE2) if bytes[i..].starts_with("’".as_bytes()) && continues(i + 3) => {
                    i += 3
                }
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

/// Reduces a lowercased English word to its Porter2 stem, so that "restore", "restored",
/// "restores" and "restoring" meet. Only words of ASCII letters are English words to it: words
/// with digits or other letters are kept whole (as the browser does).
pub fn stem_in_place(w: &mut String) {
    static ENGLISH: LazyLock<Stemmer> = LazyLock::new(|| Stemmer::create(Algorithm::English));
    /// Stems already computed on this thread: a site's words repeat (the corpus has 14,000
    /// distinct ASCII words in millions), and Porter2 allocates for every word it changes.
    /// Cleared when full, so memory stays bounded whatever the text.
    const MEMO_LIMIT: usize = 1 << 17;
    thread_local! {
        static MEMO: RefCell<FxHashMap<Box<str>, Box<str>>> = RefCell::default();
    }
    if !w.bytes().all(|b| b.is_ascii_lowercase()) {
        return;
    }
    MEMO.with_borrow_mut(|memo| {
        if let Some(stem) = memo.get(w.as_str()) {
            w.clear();
            w.push_str(stem);
            return;
        }
        let stem: Box<str> = ENGLISH.stem(w).into();
        if memo.len() >= MEMO_LIMIT {
            memo.clear();
        }
        memo.insert(w.as_str().into(), stem.clone());
        w.clear();
        w.push_str(&stem);
    });
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
    fn contractions_and_possessives_are_one_word() {
        let mut stems = Vec::new();
        each_stem(
            "VM won't start; the VM's disk, the disks' owner — can’t 'quoted' rock'n'roll it's",
            |s| stems.push(s.to_string()),
        );
        assert_eq!(
            stems,
            [
                "vm", "wont", "start", "the", "vm", "disk", "the", "disk", "owner", "cant", "quot",
                "rocknrol", "it"
            ]
        );
        assert_eq!(words("don't").collect::<Vec<_>>(), ["don't"]);
        assert_eq!(words("a'").collect::<Vec<_>>(), ["a"]);
        assert_eq!(words("’x").collect::<Vec<_>>(), ["x"]);
        let mut twice = String::from("ab’s's");
        fold_apostrophes(&mut twice);
        assert_eq!(twice, "abs");
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
            ("policies", "polici"),
            ("policy", "polici"),
            ("running", "run"),
            ("installing", "instal"),
            ("installed", "instal"),
            ("installation", "instal"),
            ("classes", "class"),
            ("status", "status"),
            ("analysis", "analysi"),
            ("connecting", "connect"),
            ("connection", "connect"),
            ("connectivity", "connect"),
            ("disks", "disk"),
            ("used", "use"),
            ("v2", "v2"),
            ("naïve", "naïve"),
        ] {
            assert_eq!(stem(word), expected, "{word}");
        }
    }
}
