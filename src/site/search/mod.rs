//! The static search index, written by `shelf build` under `search/` and read by the browser
//! (`templates/search.js`) with no server.
//!
//! Laid out so that a query downloads a small, bounded part of it, whatever the size of the site
//! (the principles of Pagefind, whose own indexer was measured too slow for our build budget):
//! - `search/index.json`, the one small file with a fixed name: where everything else is;
//! - `search/terms/<hash>.json.gz`: the vocabulary sorted and cut into term-range chunks, each
//!   term with its postings (page, precomputed score, whether the title has it); a query loads
//!   only the chunks its words fall in;
//! - `search/positions/<hash>.json.gz`, one beside each term chunk: where each term stands in
//!   each page's text (word numbers), loaded only for a quoted phrase or to rank pages whose
//!   words stand close together; common words ([`UNPOSITIONED`]) have none, a phrase skips
//!   over them;
//! - `search/pages/<hash>.json.gz`: the fragments of [`BUNDLE`] consecutive pages (title, URL,
//!   description, an excerpt source), loaded only for the results on screen;
//! - `search/table/<hash>.json`: the names of the fragment files, in shards of [`SHARD`] pages;
//! - `search/filters/<hash>.json.gz`: one file per filter (topic, service, product, cloud,
//!   type), value to pages, loaded for the facet counts after the first results are shown.
//!
//! Every name but `index.json` is a hash of the file's bytes, so hosts can cache them forever.
//!
//! Scoring is BM25F: each field's term frequency is weighted and normalized by the field's
//! length, then saturated; that part depends only on the page and is stored, quantized to
//! 1..=[`SCORE_LEVELS`], in the posting, with a flag when the term is in the title (the
//! tie-break). The browser multiplies by the term's IDF, which it computes from the posting
//! list's length.
//!
//! The entry also carries what the browser must know as the indexer does: the words without
//! positions and the table of abbreviations and synonyms applied to queries ([`synonyms`]).

pub mod synonyms;
pub mod text;

use std::collections::{BTreeMap, HashMap};
use std::io::Write;

use hashbrown::HashTable;
use rayon::prelude::*;
use serde::Serialize;

use crate::site::views;
use crate::source::library::Library;
use crate::source::model::Article;

/// The folders the index is written to, parents first.
pub const FOLDERS: [&str; 6] = [
    "search",
    "search/terms",
    "search/positions",
    "search/pages",
    "search/table",
    "search/filters",
];

/// Pages per fragment file.
pub const BUNDLE: usize = 4;
/// Pages per fragment-table shard (a multiple of [`BUNDLE`]).
pub const SHARD: usize = 256;
/// Target size of one term chunk before compression: about 4 KB compressed, so that a one-word
/// query fetches little more than the words around it.
const CHUNK_BYTES: usize = 8 * 1024;
/// Score levels stored per posting (11 bits; the 12th is the title flag).
const SCORE_LEVELS: u16 = 2047;
/// At most this many positions of one term on one page are kept (a phrase further down a page
/// that repeats its words hundreds of times is not found by position).
const MAX_POSITIONS: usize = 256;
/// Word numbers skipped between the parts of a page's text (body, payload), so that no phrase
/// spans two.
const PART_GAP: u32 = 8;
/// Words too common to be worth their positions: a quoted phrase steps over them (its other
/// words must stand at the right distances), and they are never the words that make two pages
/// differ in nearness. The browser reads the list from the entry.
pub const UNPOSITIONED: &[&str] = &[
    "a", "an", "and", "are", "as", "at", "be", "by", "for", "from", "if", "in", "is", "it", "of",
    "on", "or", "that", "the", "this", "to", "was", "with", "you", "your",
];
/// Bytes of body text kept in a page's fragment to cut excerpts from.
const EXCERPT_SOURCE: usize = 480;
/// Support topics shown per result (some scoping articles list hundreds).
const FRAGMENT_TOPICS: usize = 5;
/// BM25 saturation.
const K1: f32 = 1.2;

/// The fields of a page, with their weight and length normalization (BM25F).
#[derive(Clone, Copy)]
enum Field {
    Title,
    Headings,
    Description,
    Metadata,
    Body,
}

const FIELDS: usize = 5;

impl Field {
    fn weight(self) -> f32 {
        match self {
            Field::Title => 10.0,
            Field::Headings => 3.0,
            Field::Description => 3.0,
            Field::Metadata => 3.0,
            Field::Body => 1.0,
        }
    }
    /// How much a long field is discounted: 0 none, 1 fully by length.
    fn b(self) -> f32 {
        match self {
            Field::Title => 0.6,
            Field::Body => 0.75,
            _ => 0.5,
        }
    }
}

/// Where each page's links point, from the site's root.
pub struct Urls<'a> {
    pub article: &'a (dyn Fn(&Article) -> String + Sync),
    pub topic: &'a (dyn Fn(&str) -> Option<String> + Sync),
}

/// One file of the index: path below the site root, and bytes.
pub type File = (String, Vec<u8>);

/// Builds the index of every article in `lib`.
pub fn index(lib: &Library, urls: &Urls) -> Vec<File> {
    let payload_texts = payload_texts(lib, urls);
    let gathered = gather(lib, &payload_texts, BATCH);
    let average = average_lengths(&gathered.lengths);
    let norms: Vec<[f32; FIELDS]> = gathered
        .lengths
        .iter()
        .map(|l| norms(l, &average))
        .collect();
    let terms = score(gathered.shards, &norms);
    let groups = copies(lib, &payload_texts);
    let goto = goto_targets(lib, urls);
    let mut files = Vec::new();
    let chunks = term_chunks(&terms, &goto, &mut files);
    let table = fragments(lib, urls, &payload_texts, &groups, &mut files);
    let filters = filters(lib, &mut files);
    let entry = Entry {
        version: 1,
        pages: lib.articles.len(),
        bundle: BUNDLE,
        shard: SHARD,
        chunks,
        table,
        filters,
        weights: Weights {
            title: Field::Title.weight(),
            k1: K1,
        },
        levels: SCORE_LEVELS,
        unpositioned: unpositioned_stems().to_vec(),
        synonyms: synonyms::GROUPS,
    };
    files.push((
        "search/index.json".into(),
        serde_json::to_vec(&entry).expect("the entry serializes"),
    ));
    files
}

/// What a reader reads of each article's payload view (scoping questions, topic tables,
/// problems, an advisor's descriptions), empty for articles without one: searched as body text.
fn payload_texts(lib: &Library, urls: &Urls) -> Vec<String> {
    lib.articles
        .par_iter()
        .map(|a| {
            views::payload_view(a, lib, urls.topic)
                .map(|view| view.reader_text())
                .unwrap_or_default()
        })
        .collect()
}

/// Pages tokenized at a time. Only one such batch of per-page term lists is alive at once, so
/// memory holds the postings and not every page's vocabulary (at 100,000 pages that was more
/// than a gigabyte).
const BATCH: usize = 2048;

/// A term on a page before scoring: the page, and the term's frequency in each field
/// (saturated at 255: BM25 saturates long before).
#[derive(Clone, Copy)]
struct RawPosting {
    page: u32,
    tf: [u8; FIELDS],
    /// The term's positions on the page: `positions[start..start + len]` of its shard.
    start: u32,
    len: u16,
}

/// One hash shard of the vocabulary: each term's postings in page order, and their positions
/// back to back.
struct Shard {
    terms: Interned<Vec<RawPosting>>,
    positions: Vec<u32>,
}

/// Strings stored back to back in one buffer, each with a value and found by its hash: a
/// handful of allocations for thousands of strings, rather than one each.
struct Interned<T> {
    text: String,
    entries: Vec<InternedEntry<T>>,
    table: HashTable<u32>,
}

struct InternedEntry<T> {
    start: u32,
    len: u16,
    /// The string's hash, computed once and reused.
    hash: u64,
    value: T,
}

impl<T> Interned<T> {
    fn with_capacity(bytes: usize, entries: usize) -> Self {
        Interned {
            text: String::with_capacity(bytes),
            entries: Vec::with_capacity(entries),
            table: HashTable::with_capacity(entries),
        }
    }

    fn str_of<'a>(text: &'a str, e: &InternedEntry<T>) -> &'a str {
        &text[e.start as usize..e.start as usize + usize::from(e.len)]
    }

    /// The value of `key` (whose hash is `hash`), made by `new` if it is not there yet.
    fn entry(&mut self, key: &str, hash: u64, new: impl FnOnce() -> T) -> &mut T {
        let i = self.index(key, hash, new);
        &mut self.entries[i].value
    }

    /// The number of `key`'s entry (in the order they were added), made by `new` if needed.
    fn index(&mut self, key: &str, hash: u64, new: impl FnOnce() -> T) -> usize {
        let (text, entries) = (&self.text, &self.entries);
        let found = self
            .table
            .find(hash, |&i| Self::str_of(text, &entries[i as usize]) == key);
        match found {
            Some(&i) => i as usize,
            None => {
                let i = self.entries.len();
                self.entries.push(InternedEntry {
                    start: self.text.len() as u32,
                    len: key.len() as u16,
                    hash,
                    value: new(),
                });
                self.text.push_str(key);
                let entries = &self.entries;
                self.table
                    .insert_unique(hash, i as u32, |&j| entries[j as usize].hash);
                i
            }
        }
    }

    /// Every string with its entry, in the order they were added.
    fn iter(&self) -> impl Iterator<Item = (&str, &InternedEntry<T>)> {
        self.entries
            .iter()
            .map(|e| (Self::str_of(&self.text, e), e))
    }

    /// Every string with its value, consumed.
    fn into_iter(self) -> impl Iterator<Item = (Box<str>, T)> {
        let text = self.text;
        self.entries
            .into_iter()
            .map(move |e| (Self::str_of(&text, &e).into(), e.value))
    }
}

/// Every page's field lengths, and its terms' postings gathered into hash shards.
struct Gathered {
    lengths: Vec<[u32; FIELDS]>,
    shards: Vec<Shard>,
}

/// Tokenizes the pages `batch` at a time, in parallel, and moves each batch's terms into the
/// shards (one thread per shard), so pages come in order and every posting list is sorted.
fn gather(lib: &Library, payload_texts: &[String], batch: usize) -> Gathered {
    let shard_count = rayon::current_num_threads().max(1);
    let mut shards: Vec<Shard> = (0..shard_count)
        .map(|_| Shard {
            terms: Interned::with_capacity(0, 0),
            positions: Vec::new(),
        })
        .collect();
    let mut lengths = Vec::with_capacity(lib.articles.len());
    for (n, articles) in lib.articles.chunks(batch).enumerate() {
        let first = (n * batch) as u32;
        let texts = &payload_texts[n * batch..n * batch + articles.len()];
        let pages: Vec<PageTerms> = articles
            .par_iter()
            .zip(texts)
            .map(|(a, payload)| PageTerms::new(a, payload))
            .collect();
        lengths.extend(pages.iter().map(|p| p.lengths));
        shards.par_iter_mut().enumerate().for_each(|(n, shard)| {
            for (offset, page) in pages.iter().enumerate() {
                for (i, (stem, t)) in page.terms.iter().enumerate() {
                    if shard_of(t.hash, shard_count) != n {
                        continue;
                    }
                    let (from, count) = page.spans[i];
                    let kept = (count as usize).min(MAX_POSITIONS);
                    let start = shard.positions.len() as u32;
                    shard
                        .positions
                        .extend_from_slice(&page.positions[from as usize..][..kept]);
                    let posting = RawPosting {
                        page: first + offset as u32,
                        tf: t.value.map(|n| n.min(255) as u8),
                        start,
                        len: kept as u16,
                    };
                    shard.terms.entry(stem, t.hash, Vec::new).push(posting);
                }
            }
        });
    }
    Gathered { lengths, shards }
}

fn shard_of(hash: u64, shards: usize) -> usize {
    ((hash >> 32) % shards as u64) as usize
}

/// A term and its postings, scored and encoded (see [`encode_postings`]), and its positions
/// (see [`encode_positions`]).
struct Term {
    stem: Box<str>,
    postings: String,
    positions: String,
}

/// Scores every posting now that all page lengths are known, encodes each list, and sorts the
/// terms. Each raw list is freed as soon as it is encoded.
fn score(shards: Vec<Shard>, norms: &[[f32; FIELDS]]) -> Vec<Term> {
    let mut terms: Vec<Term> = shards
        .into_par_iter()
        .flat_map_iter(|shard| {
            let Shard { terms, positions } = shard;
            terms
                .into_iter()
                .map(|(stem, postings)| {
                    let scored = postings
                        .iter()
                        .map(|p| (p.page, page_score(&p.tf, &norms[p.page as usize])));
                    Term {
                        stem,
                        postings: encode_postings(scored),
                        positions: encode_positions(
                            postings
                                .iter()
                                .map(|p| &positions[p.start as usize..][..usize::from(p.len)]),
                        ),
                    }
                })
                .collect::<Vec<_>>()
        })
        .collect();
    terms.par_sort_unstable_by(|a, b| a.stem.cmp(&b.stem));
    terms
}

/// A term's BM25F frequency part on a page: field frequencies weighted and normalized by field
/// length, summed, saturated, and quantized to 1..=[`SCORE_LEVELS`]; bit 11 says the title has
/// the term.
fn page_score(tf: &[u8; FIELDS], norms: &[f32; FIELDS]) -> u16 {
    let weighted: f32 = tf.iter().zip(norms).map(|(&n, w)| f32::from(n) * w).sum();
    let saturated = weighted / (K1 + weighted);
    let levels = f32::from(SCORE_LEVELS);
    let score = (saturated * levels).ceil().clamp(1.0, levels) as u16;
    let in_title = u16::from(tf[Field::Title as usize] > 0);
    score | in_title << 11
}

/// The entry file: where everything else is.
#[derive(Serialize)]
struct Entry {
    version: u32,
    pages: usize,
    /// Pages per fragment file.
    bundle: usize,
    /// Pages per table shard.
    shard: usize,
    /// `[first term, terms file, positions file]` per term chunk, in term order.
    chunks: Vec<(String, String, String)>,
    /// Table shard files: shard n names the fragment files of pages `n*shard ..`.
    table: Vec<String>,
    /// Filter name to file.
    filters: BTreeMap<&'static str, String>,
    /// For the record; the scores already include them.
    weights: Weights,
    /// The highest stored score (the title flag apart).
    levels: u16,
    /// Stems that have no positions: a phrase steps over them.
    unpositioned: Vec<String>,
    /// Abbreviations and synonyms: forms of one thing, as written ([`synonyms::GROUPS`]).
    synonyms: &'static [&'static [&'static str]],
}

#[derive(Serialize)]
struct Weights {
    title: f32,
    k1: f32,
}

/// The stemmed terms of one page, with their frequency in each field, each field's length, and
/// where each term stands in the page's text.
struct PageTerms {
    terms: Interned<[u16; FIELDS]>,
    lengths: [u32; FIELDS],
    /// Positions grouped by term: term `i`'s are `positions[spans[i].0..][..spans[i].1]`.
    positions: Vec<u32>,
    spans: Vec<(u32, u32)>,
}

/// Whether `stem` is one of [`UNPOSITIONED`] (asked for every word of every page).
fn is_unpositioned(stem: &str) -> bool {
    unpositioned_stems()
        .binary_search_by(|s| s.as_str().cmp(stem))
        .is_ok()
}

/// The stems of [`UNPOSITIONED`], sorted.
fn unpositioned_stems() -> &'static [String] {
    static STEMS: std::sync::LazyLock<Vec<String>> = std::sync::LazyLock::new(|| {
        let mut stems = Vec::new();
        for word in UNPOSITIONED {
            text::each_stem(word, |s| stems.push(s.to_string()));
        }
        stems.sort();
        stems.dedup();
        stems
    });
    &STEMS
}

fn hash_term(term: &str) -> u64 {
    use std::hash::BuildHasher;
    rustc_hash::FxBuildHasher.hash_one(term)
}

impl PageTerms {
    fn new(a: &Article, payload_text: &str) -> PageTerms {
        let m = &a.meta;
        let mut page = PageTerms {
            // Sized for a typical page (a few hundred distinct words): over-reserving here is
            // tens of megabytes over a corpus.
            terms: Interned::with_capacity(1024, 128),
            lengths: [0; FIELDS],
            positions: Vec::new(),
            spans: Vec::new(),
        };
        fn add(page: &mut PageTerms, field: Field, text: &str) {
            text::each_stem(text, |stem| {
                page.count(field, stem);
            });
        }
        add(&mut page, Field::Title, &a.title);
        if !m.page_title.trim().eq_ignore_ascii_case(a.title.trim()) {
            add(&mut page, Field::Title, &m.page_title);
        }
        for (_, heading) in &a.headings {
            add(&mut page, Field::Headings, heading);
        }
        add(&mut page, Field::Description, &m.description);
        // The text a reader reads, word by word: what a phrase and nearness are found in.
        let mut placed: Vec<(u32, u32)> = Vec::new();
        let mut at = 0u32;
        for part in [a.plain_text.as_str(), payload_text] {
            text::each_stem(part, |stem| {
                let term = page.count(Field::Body, stem);
                if !is_unpositioned(stem) {
                    placed.push((term, at));
                }
                at += 1;
            });
            at += PART_GAP;
        }
        for value in [&m.service, &m.resource, &m.article_id]
            .into_iter()
            .chain(&m.support_topic_ids)
            .chain(&m.product_pes_ids)
        {
            add(&mut page, Field::Metadata, value);
        }
        add(&mut page, Field::Metadata, m.self_help_type.as_str());
        // The whole articleId as one term too (a GUID is several words), so that pasting it
        // finds the page.
        let id = m.article_id.trim().to_lowercase();
        if id.len() <= 64 && id.contains(|c: char| !c.is_alphanumeric()) {
            page.count(Field::Metadata, &id);
        }
        // Group the positions by term, each term's in text order (the sort is stable).
        placed.sort_by_key(|&(term, _)| term);
        page.spans = vec![(0, 0); page.terms.entries.len()];
        page.positions = Vec::with_capacity(placed.len());
        for (i, &(term, at)) in placed.iter().enumerate() {
            let span = &mut page.spans[term as usize];
            if span.1 == 0 {
                span.0 = i as u32;
            }
            span.1 += 1;
            page.positions.push(at);
        }
        page
    }

    /// Counts one more `stem` in `field`; the term's number on the page.
    fn count(&mut self, field: Field, stem: &str) -> u32 {
        let i = self.terms.index(stem, hash_term(stem), || [0; FIELDS]);
        let tf = &mut self.terms.entries[i].value[field as usize];
        *tf = tf.saturating_add(1);
        self.lengths[field as usize] += 1;
        i as u32
    }
}

/// Each field's weight divided by its length normalization on a page of these field lengths,
/// for [`page_score`].
fn norms(lengths: &[u32; FIELDS], average: &[f32; FIELDS]) -> [f32; FIELDS] {
    use Field::*;
    [Title, Headings, Description, Metadata, Body].map(|f| {
        let i = f as usize;
        let relative = if average[i] > 0.0 {
            lengths[i] as f32 / average[i]
        } else {
            1.0
        };
        f.weight() / (1.0 - f.b() + f.b() * relative)
    })
}

fn average_lengths(pages: &[[u32; FIELDS]]) -> [f32; FIELDS] {
    let mut sum = [0f64; FIELDS];
    for lengths in pages {
        for (s, &l) in sum.iter_mut().zip(lengths) {
            *s += f64::from(l);
        }
    }
    let n = pages.len().max(1) as f64;
    sum.map(|s| (s / n) as f32)
}

/// Terms that lead straight to a page when typed whole: support topic IDs and articleIds.
fn goto_targets(lib: &Library, urls: &Urls) -> HashMap<String, String> {
    let mut goto = HashMap::new();
    for topic in lib.topics.keys() {
        if let Some(url) = (urls.topic)(topic) {
            goto.insert(topic.clone(), url);
        }
    }
    for a in &lib.articles {
        let id = a.meta.article_id.trim().to_lowercase();
        if !id.is_empty() {
            goto.entry(id).or_insert_with(|| (urls.article)(a));
        }
    }
    goto
}

/// One term chunk: terms in order, each with its postings (see [`encode_postings`]), and the
/// pages some of them lead straight to. Its positions are a file of their own: a JSON array of
/// [`encode_positions`] strings, one per term.
#[derive(Serialize)]
struct Chunk<'a> {
    terms: Vec<&'a str>,
    postings: Vec<&'a str>,
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    goto: BTreeMap<&'a str, &'a str>,
}

fn term_chunks(
    terms: &[Term],
    goto: &HashMap<String, String>,
    files: &mut Vec<File>,
) -> Vec<(String, String, String)> {
    // Cut the sorted vocabulary where the estimated JSON size passes the target.
    let mut ranges = Vec::new();
    let (mut start, mut size) = (0, 0);
    for (i, term) in terms.iter().enumerate() {
        size += term.stem.len() + 8 + term.postings.len();
        if size >= CHUNK_BYTES {
            ranges.push(start..i + 1);
            (start, size) = (i + 1, 0);
        }
    }
    if start < terms.len() || ranges.is_empty() {
        ranges.push(start..terms.len());
    }
    let chunks: Vec<(String, File, File)> = ranges
        .into_par_iter()
        .map(|range| {
            let slice = &terms[range];
            let chunk = Chunk {
                terms: slice.iter().map(|t| &*t.stem).collect(),
                postings: slice.iter().map(|t| &*t.postings).collect(),
                goto: slice
                    .iter()
                    .filter_map(|t| goto.get(&*t.stem).map(|u| (&*t.stem, u.as_str())))
                    .collect(),
            };
            let json = serde_json::to_vec(&chunk).expect("a chunk serializes");
            let first = slice
                .first()
                .map(|t| t.stem.to_string())
                .unwrap_or_default();
            let positions: Vec<&str> = slice.iter().map(|t| t.positions.as_str()).collect();
            let positions = serde_json::to_vec(&positions).expect("positions serialize");
            (
                first,
                hashed("search/terms", "json.gz", gzip(&json)),
                hashed("search/positions", "json.gz", gzip(&positions)),
            )
        })
        .collect();
    chunks
        .into_iter()
        .map(|(first, terms, positions)| {
            let names = (terms.0.clone(), positions.0.clone());
            files.push(terms);
            files.push(positions);
            (first, names.0, names.1)
        })
        .collect()
}

/// The characters of the posting encoding: 64 that JSON never escapes.
const DIGITS: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

/// Postings as text, about 3 characters each: per posting, the distance from the previous page
/// as a varint (5 bits per character, the 6th set on all but the last), then the score in two
/// characters (12 bits, high first: the title flag and 0..=[`SCORE_LEVELS`]).
fn encode_postings(postings: impl ExactSizeIterator<Item = (u32, u16)>) -> String {
    let mut out = Vec::with_capacity(postings.len() * 4);
    let mut previous = 0;
    for (page, score) in postings {
        push_varint(&mut out, page - previous);
        previous = page;
        out.push(DIGITS[usize::from(score >> 6 & 63)]);
        out.push(DIGITS[usize::from(score & 63)]);
    }
    String::from_utf8(out).expect("DIGITS are ASCII")
}

/// A term's positions as text, page by page in posting order: how many, then each as the
/// distance from the previous one (the first from 0), all varints as in [`encode_postings`].
/// Empty when the term has no positions anywhere.
fn encode_positions<'a>(pages: impl Iterator<Item = &'a [u32]>) -> String {
    let mut out = Vec::new();
    let mut any = false;
    for positions in pages {
        any |= !positions.is_empty();
        push_varint(&mut out, positions.len() as u32);
        let mut previous = 0;
        for &at in positions {
            push_varint(&mut out, at - previous);
            previous = at;
        }
    }
    if !any {
        return String::new();
    }
    String::from_utf8(out).expect("DIGITS are ASCII")
}

fn push_varint(out: &mut Vec<u8>, mut n: u32) {
    while n >= 32 {
        out.push(DIGITS[(n & 31) as usize | 32]);
        n >>= 5;
    }
    out.push(DIGITS[n as usize]);
}

/// What the results list shows for a page.
#[derive(Serialize)]
struct Fragment<'a> {
    url: String,
    title: &'a str,
    description: &'a str,
    #[serde(rename = "type")]
    self_help_type: &'a str,
    service: &'a str,
    topics: &'a [String],
    /// The start of the body text, for excerpts around the words searched for.
    text: &'a str,
    /// Pages with the same title and text in other clouds are copies of one article: the
    /// first page of the copies, on each (the results list shows one of them).
    #[serde(skip_serializing_if = "Option::is_none")]
    copies: Option<u32>,
    /// The clouds of the copies together, when there are copies.
    #[serde(skip_serializing_if = "<[_]>::is_empty")]
    clouds: &'a [&'static str],
}

/// For each page that has copies (the same title, text and payload under another articleId,
/// published to other clouds): the first page of the copies and all their clouds.
fn copies(lib: &Library, payload_texts: &[String]) -> Vec<Option<(u32, Vec<&'static str>)>> {
    let keys: Vec<u64> = lib
        .articles
        .par_iter()
        .zip(payload_texts)
        .map(|(a, payload)| {
            use std::hash::Hasher;
            let mut hasher = rustc_hash::FxHasher::default();
            for part in [a.title.trim(), &a.plain_text, payload] {
                hasher.write(part.as_bytes());
                hasher.write_u8(0);
            }
            hasher.finish()
        })
        .collect();
    let mut by_key: HashMap<u64, Vec<usize>> = HashMap::new();
    for (page, key) in keys.iter().enumerate() {
        by_key.entry(*key).or_default().push(page);
    }
    let mut out = vec![None; lib.articles.len()];
    for pages in by_key.values().filter(|p| p.len() > 1) {
        let mut clouds: Vec<crate::source::model::Cloud> = pages
            .iter()
            .flat_map(|&p| lib.articles[p].meta.shown_clouds())
            .collect();
        clouds.sort();
        clouds.dedup();
        let names: Vec<&'static str> = clouds.iter().map(|c| c.as_str()).collect();
        for &page in pages {
            out[page] = Some((pages[0] as u32, names.clone()));
        }
    }
    out
}

/// Writes the fragments, [`BUNDLE`] pages to a file (thousands of tiny files cost more to
/// write and delete than they save in transfer), and the shards of the table that names the
/// bundle files.
fn fragments(
    lib: &Library,
    urls: &Urls,
    payload_texts: &[String],
    copies: &[Option<(u32, Vec<&'static str>)>],
    files: &mut Vec<File>,
) -> Vec<String> {
    let bundles: Vec<File> = lib
        .articles
        .par_chunks(BUNDLE)
        .zip(payload_texts.par_chunks(BUNDLE))
        .zip(copies.par_chunks(BUNDLE))
        .map(|((articles, payloads), copies)| {
            // Excerpts are cut from the body and then the payload's text (a scoping article's
            // words are mostly its questions).
            let texts: Vec<std::borrow::Cow<str>> = articles
                .iter()
                .zip(payloads)
                .map(|(a, payload)| {
                    let body = prefix(&a.plain_text, EXCERPT_SOURCE);
                    if payload.is_empty() || body.len() + 64 > EXCERPT_SOURCE {
                        body.into()
                    } else {
                        let joined = format!("{body}\n{payload}");
                        prefix(&joined, EXCERPT_SOURCE).to_string().into()
                    }
                })
                .collect();
            let fragments: Vec<Fragment> = articles
                .iter()
                .zip(&texts)
                .zip(copies)
                .map(|((a, text), copies)| {
                    let m = &a.meta;
                    Fragment {
                        url: (urls.article)(a),
                        title: &a.title,
                        description: &m.description,
                        self_help_type: m.self_help_type.as_str(),
                        service: &m.service,
                        topics: &m.support_topic_ids
                            [..m.support_topic_ids.len().min(FRAGMENT_TOPICS)],
                        text,
                        copies: copies.as_ref().map(|c| c.0),
                        clouds: copies.as_ref().map_or(&[], |c| &c.1),
                    }
                })
                .collect();
            let json = serde_json::to_vec(&fragments).expect("fragments serialize");
            hashed("search/pages", "json.gz", gzip(&json))
        })
        .collect();
    let mut table = Vec::new();
    for shard in bundles.chunks(SHARD / BUNDLE) {
        // Names only: the folder and extension are the same for all.
        let names: Vec<&str> = shard.iter().map(|(path, _)| file_stem(path)).collect();
        let json = serde_json::to_vec(&names).expect("a table shard serializes");
        let file = hashed("search/table", "json", json);
        table.push(file.0.clone());
        files.push(file);
    }
    files.extend(bundles);
    table
}

/// The page lists behind each filter, one file per filter: `{"pages": {value: [page delta,
/// ...]}}`. Topics carry no labels: their descriptions would make the file 30 times larger.
fn filters(lib: &Library, files: &mut Vec<File>) -> BTreeMap<&'static str, String> {
    #[derive(Serialize)]
    struct Filter<'a> {
        pages: BTreeMap<&'a str, Vec<u32>>,
    }
    fn deltas(ixs: impl Iterator<Item = usize>) -> Vec<u32> {
        let mut pages: Vec<u32> = ixs.map(|i| i as u32).collect();
        pages.sort_unstable();
        pages.dedup();
        let mut previous = 0;
        pages
            .into_iter()
            .map(|p| {
                let d = p - previous;
                previous = p;
                d
            })
            .collect()
    }
    fn simple(map: &BTreeMap<String, Vec<usize>>) -> BTreeMap<&str, Vec<u32>> {
        map.iter()
            .map(|(k, v)| (k.as_str(), deltas(v.iter().copied())))
            .collect()
    }
    let service = lib
        .services
        .iter()
        .map(|(k, resources)| (k.as_str(), deltas(resources.values().flatten().copied())))
        .collect();
    let cloud = lib
        .clouds
        .iter()
        .map(|(c, v)| (c.as_str(), deltas(v.iter().copied())))
        .collect();
    let mut names = BTreeMap::new();
    for (name, pages) in [
        ("topic", simple(&lib.topics)),
        ("service", service),
        ("product", simple(&lib.products)),
        ("cloud", cloud),
        ("type", simple(&lib.types)),
    ] {
        let json = serde_json::to_vec(&Filter { pages }).expect("a filter serializes");
        let file = hashed("search/filters", "json.gz", gzip(&json));
        names.insert(name, file.0.clone());
        files.push(file);
    }
    names
}

/// A short version tag for a file with a fixed name (the script), from its bytes.
pub fn version(text: &str) -> String {
    format!("{:08x}", content_hash(text.as_bytes()) >> 32)
}

/// `folder/<hash of bytes>.ext`.
fn hashed(folder: &str, ext: &str, bytes: Vec<u8>) -> File {
    (
        format!("{folder}/{:012x}.{ext}", content_hash(&bytes) >> 16),
        bytes,
    )
}

fn file_stem(path: &str) -> &str {
    let name = path.rsplit('/').next().unwrap_or(path);
    name.split('.').next().unwrap_or(name)
}

/// A content hash for file names (not for security): changes whenever the bytes do.
fn content_hash(bytes: &[u8]) -> u64 {
    use std::hash::Hasher;
    let mut hasher = rustc_hash::FxHasher::default();
    hasher.write(bytes);
    hasher.write_usize(bytes.len());
    hasher.finish()
}

fn gzip(bytes: &[u8]) -> Vec<u8> {
    let mut encoder = flate2::write::GzEncoder::new(
        Vec::with_capacity(bytes.len() / 3),
        flate2::Compression::fast(),
    );
    encoder.write_all(bytes).expect("writing to memory");
    encoder.finish().expect("writing to memory")
}

/// The longest prefix of `s` of at most `max` bytes that ends at a word boundary.
fn prefix(s: &str, max: usize) -> &str {
    if s.len() <= max {
        return s;
    }
    let mut end = max;
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    match s[..end].rfind(char::is_whitespace) {
        Some(space) if space > max / 2 => &s[..space],
        _ => &s[..end],
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::check::article;
    use std::path::Path;

    fn library(articles: &[(&str, &str, &str)]) -> Library {
        let parsed = articles
            .iter()
            .map(|(id, topics, body)| {
                let text = format!(
                    "<properties pageTitle=\"{id}\" description=\"d\" service=\"microsoft.compute\" \
                     supportTopicIds=\"{topics}\" cloudEnvironments=\"public\" selfHelpType=\"generic\" \
                     articleId=\"{id}\" ownershipId=\"o\" />\n# {id}\n{body}\n"
                );
                let path = format!("{id}.md");
                article::parse(Path::new(&path), &path, text.as_bytes(), article::Mode::Build)
                    .article
                    .unwrap()
            })
            .collect();
        Library::indexed(parsed, &mut Vec::new())
    }

    fn index_of(lib: &Library) -> BTreeMap<String, Vec<u8>> {
        let article = |a: &Article| crate::site::paths::article_page(a);
        let topic = |id: &str| Some(format!("topics/{id}.html"));
        let urls = Urls {
            article: &article,
            topic: &topic,
        };
        index(lib, &urls).into_iter().collect()
    }

    fn json(bytes: &[u8]) -> serde_json::Value {
        let mut text = Vec::new();
        if bytes.starts_with(&[0x1f, 0x8b]) {
            use std::io::Read;
            flate2::read::GzDecoder::new(bytes)
                .read_to_end(&mut text)
                .unwrap();
        } else {
            text = bytes.to_vec();
        }
        serde_json::from_slice(&text).unwrap()
    }

    fn value(c: u8) -> u32 {
        DIGITS.iter().position(|&d| d == c).unwrap() as u32
    }

    fn varint(bytes: &mut impl Iterator<Item = u8>) -> Option<u32> {
        let (mut n, mut shift) = (0, 0);
        loop {
            let v = value(bytes.next()?);
            n |= (v & 31) << shift;
            shift += 5;
            if v & 32 == 0 {
                return Some(n);
            }
        }
    }

    /// The inverse of [`encode_postings`], as the browser decodes it.
    fn decode(text: &str) -> Vec<(u32, u16)> {
        let (mut out, mut page, mut bytes) = (Vec::new(), 0, text.bytes());
        while let Some(delta) = varint(&mut bytes) {
            page += delta;
            let high = value(bytes.next().unwrap());
            let low = value(bytes.next().unwrap());
            out.push((page, (high << 6 | low) as u16));
        }
        out
    }

    /// The inverse of [`encode_positions`], given how many pages the postings list.
    fn decode_positions(text: &str, pages: usize) -> Vec<Vec<u32>> {
        let mut bytes = text.bytes();
        (0..pages)
            .map(|_| {
                let n = varint(&mut bytes).unwrap_or(0);
                let mut at = 0;
                (0..n)
                    .map(|_| {
                        at += varint(&mut bytes).unwrap();
                        at
                    })
                    .collect()
            })
            .collect()
    }

    #[test]
    fn postings_round_trip_through_their_text_form() {
        let postings = vec![
            (0, 1),
            (1, 63),
            (31, 2047),
            (32, 2048 | 8),
            (1_000_000, 4095),
            (1_000_001, 1),
        ];
        let text = encode_postings(postings.iter().copied());
        assert!(text.bytes().all(|b| DIGITS.contains(&b)));
        assert_eq!(decode(&text), postings);
    }

    #[test]
    fn a_title_word_outscores_the_same_word_in_the_body() {
        let lib = library(&[
            ("restore-guide", "1", "Steps for disks."),
            (
                "disk-guide",
                "1",
                "How to restore a disk, and more about disks.",
            ),
        ]);
        let files = index_of(&lib);
        let entry = json(&files["search/index.json"]);
        let mut found = None;
        for chunk in entry["chunks"].as_array().unwrap() {
            let chunk = json(&files[chunk[1].as_str().unwrap()]);
            let terms = chunk["terms"].as_array().unwrap();
            if let Some(i) = terms.iter().position(|t| t == "restor") {
                found = Some(decode(chunk["postings"][i].as_str().unwrap()));
            }
        }
        let postings = found.expect("restor is indexed");
        assert_eq!(postings.len(), 2);
        let page = |id: &str| lib.articles.iter().position(|a| a.meta.article_id == id);
        let score = |id| {
            let page = page(id).unwrap() as u32;
            postings.iter().find(|p| p.0 == page).unwrap().1
        };
        assert!(score("restore-guide") > score("disk-guide"), "{postings:?}");
    }

    /// A term's postings (page, score) and its positions on each of those pages.
    type Decoded = (Vec<(u32, u16)>, Vec<Vec<u32>>);

    /// Every chunk's terms with their postings and positions.
    fn all_terms(files: &BTreeMap<String, Vec<u8>>) -> BTreeMap<String, Decoded> {
        let entry = json(&files["search/index.json"]);
        let mut out = BTreeMap::new();
        for chunk in entry["chunks"].as_array().unwrap() {
            let terms = json(&files[chunk[1].as_str().unwrap()]);
            let positions = json(&files[chunk[2].as_str().unwrap()]);
            for (i, term) in terms["terms"].as_array().unwrap().iter().enumerate() {
                let postings = decode(terms["postings"][i].as_str().unwrap());
                let at = decode_positions(positions[i].as_str().unwrap(), postings.len());
                out.insert(term.as_str().unwrap().to_string(), (postings, at));
            }
        }
        out
    }

    #[test]
    fn positions_number_the_words_of_the_text_and_skip_common_ones() {
        let lib = library(&[(
            "pos-1",
            "1",
            "Restart the virtual machine. Then restart it again.",
        )]);
        let terms = all_terms(&index_of(&lib));
        // The text is the title line, then the body: "pos 1 / restart the virtual machine ...".
        assert_eq!(terms["restart"].1, [vec![2, 7]]);
        assert_eq!(terms["virtual"].1, [vec![4]]);
        assert_eq!(terms["machin"].1, [vec![5]]);
        assert_eq!(
            terms["the"].1,
            [Vec::<u32>::new()],
            "no positions for `the`"
        );
        // Only the title has `pos`: its flag is set; `restart` is body only.
        assert!(terms["pos"].0[0].1 & 2048 != 0);
        assert!(terms["restart"].0[0].1 & 2048 == 0);
    }

    #[test]
    fn copies_in_other_clouds_point_to_the_first() {
        let lib = library(&[
            ("copy-a", "1", "Same words."),
            ("copy-b", "1", "Same words."),
            ("other", "1", "Other words."),
        ]);
        let texts = vec![String::new(); 3];
        let found = copies(&lib, &texts);
        // The titles differ ("copy-a", "copy-b"): no copies.
        assert!(found.iter().all(Option::is_none));
        let mut lib = lib;
        for a in &mut lib.articles {
            let a = std::sync::Arc::make_mut(a);
            if a.meta.article_id.starts_with("copy") {
                a.title = "Same".into();
                a.plain_text = "Same\nSame words.".into();
            }
        }
        let found = copies(&lib, &texts);
        let page = |id: &str| {
            lib.articles
                .iter()
                .position(|a| a.meta.article_id == id)
                .unwrap()
        };
        let first = page("copy-a").min(page("copy-b")) as u32;
        assert_eq!(found[page("copy-a")].as_ref().unwrap().0, first);
        assert_eq!(found[page("copy-b")].as_ref().unwrap().0, first);
        assert_eq!(found[page("copy-a")].as_ref().unwrap().1, ["public"]);
        assert!(found[page("other")].is_none());
    }

    #[test]
    fn batches_of_any_size_gather_the_same_scored_postings() {
        let lib = library(&[
            ("batch-1", "32600001", "alpha beta beta"),
            ("batch-2", "32600002", "beta gamma"),
            ("batch-3", "32600001", "alpha delta"),
            ("batch-4", "32600003", "gamma gamma alpha"),
            ("batch-5", "32600002", "epsilon"),
        ]);
        let scored = |batch| {
            let texts = vec![String::new(); lib.articles.len()];
            let gathered = gather(&lib, &texts, batch);
            let average = average_lengths(&gathered.lengths);
            let norms: Vec<_> = gathered
                .lengths
                .iter()
                .map(|l| norms(l, &average))
                .collect();
            score(gathered.shards, &norms)
                .into_iter()
                .map(|t| (t.stem.to_string(), decode(&t.postings).len(), t.postings))
                .collect::<Vec<_>>()
        };
        let whole = scored(BATCH);
        assert_eq!(scored(2), whole);
        assert_eq!(scored(1), whole);
        let alpha = whole
            .iter()
            .find(|t| t.0 == "alpha")
            .expect("alpha is indexed");
        assert_eq!(alpha.1, 3, "alpha is on three pages");
        let pages: Vec<u32> = decode(&alpha.2).iter().map(|p| p.0).collect();
        assert_eq!(
            pages,
            [0, 2, 3],
            "postings come out in page order across batches"
        );
    }

    #[test]
    fn chunks_cover_the_sorted_vocabulary_and_carry_the_go_to_targets() {
        let lib = library(&[
            (
                "5e1f0000-0000-0000-0000-000000000001",
                "32600001",
                "alpha beta",
            ),
            (
                "5e1f0000-0000-0000-0000-000000000002",
                "32600001,32600002",
                "gamma",
            ),
        ]);
        let files = index_of(&lib);
        let entry = json(&files["search/index.json"]);
        let mut all = Vec::new();
        let mut goto = serde_json::Map::new();
        for chunk in entry["chunks"].as_array().unwrap() {
            let c = json(&files[chunk[1].as_str().unwrap()]);
            assert_eq!(
                c["terms"][0], chunk[0],
                "the entry names each chunk's first term"
            );
            all.extend(
                c["terms"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|t| t.as_str().unwrap().to_string()),
            );
            goto.extend(c["goto"].as_object().cloned().unwrap_or_default());
        }
        let mut sorted = all.clone();
        sorted.sort();
        sorted.dedup();
        assert_eq!(all, sorted);
        assert!(all.contains(&"alpha".to_string()) && all.contains(&"gamma".to_string()));
        assert_eq!(goto["32600002"], "topics/32600002.html");
        assert_eq!(
            goto["5e1f0000-0000-0000-0000-000000000002"],
            "articles/5e1f0000-0000-0000-0000-000000000002.html"
        );
    }

    #[test]
    fn fragments_and_filters_are_found_from_the_entry() {
        let ids: Vec<String> = (0..20).map(|i| format!("article-{i:02}")).collect();
        let articles: Vec<(&str, &str, &str)> = ids
            .iter()
            .enumerate()
            .map(|(i, id)| (id.as_str(), if i % 2 == 0 { "7" } else { "8" }, "text"))
            .collect();
        let lib = library(&articles);
        let files = index_of(&lib);
        let entry = json(&files["search/index.json"]);
        assert_eq!(entry["pages"], 20);
        // Page 13 through the table shard and its bundle, as the browser finds it.
        let shard = json(&files[entry["table"][0].as_str().unwrap()]);
        let bundle = shard[13 / BUNDLE].as_str().unwrap();
        let fragments = json(&files[&format!("search/pages/{bundle}.json.gz")]);
        assert_eq!(fragments[13 % BUNDLE]["url"], "articles/article-13.html");
        assert_eq!(fragments[13 % BUNDLE]["title"], "article-13");
        // The topic filter lists pages as distances from the previous one.
        let topics = json(&files[entry["filters"]["topic"].as_str().unwrap()]);
        let odd: Vec<u64> = topics["pages"]["8"]
            .as_array()
            .unwrap()
            .iter()
            .scan(0, |page, d| {
                *page += d.as_u64().unwrap();
                Some(*page)
            })
            .collect();
        assert_eq!(odd, (1..20).step_by(2).collect::<Vec<u64>>());
        // Every file but the entry is named by its content.
        for (path, bytes) in &files {
            if path != "search/index.json" {
                let stem = file_stem(path);
                assert_eq!(
                    stem,
                    &format!("{:012x}", content_hash(bytes) >> 16),
                    "{path}"
                );
            }
        }
    }

    #[test]
    fn prefixes_end_on_a_char_boundary_and_prefer_a_word_boundary() {
        assert_eq!(prefix("short", 10), "short");
        assert_eq!(prefix("one two three four", 12), "one two");
        assert_eq!(prefix("ééééé", 5), "éé");
    }
}
