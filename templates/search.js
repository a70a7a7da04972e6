// shelf search: reads the static index that `shelf build` writes under search/ and runs every
// query in the browser. No server; one third-party module, Snowball's English stemmer
// (vendor/porter2, the algorithm the index was stemmed with in Rust). The layout is described
// in src/site/search/mod.rs; `words` and `lower` split and lowercase as src/site/search/text.rs does.
//
// Used two ways: as a library (`import { SearchIndex } from "./search/search.js"`) and, on a page
// with a #search-app element, as the search page's UI.

import { stem as porter2 } from "./porter2.js?v=1.1.0";

const MAX_WORD = 40;
const DIGITS = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
const DIGIT_VALUE = new Map([...DIGITS].map((c, i) => [c, i]));
// Runs of letters and digits, an apostrophe between two of them included ("won't", "VM's").
const WORD = /[\p{Alphabetic}\p{N}]+(?:['\u2019][\p{Alphabetic}\p{N}]+)*/gu;
const utf8 = new TextEncoder();

/** The words of `text` as written: runs of letters and digits of at most MAX_WORD bytes. */
export function words(text) {
  return (text.match(WORD) || []).filter((w) => utf8.encode(w).length <= MAX_WORD);
}

/** Lowercases one character at a time, as Rust's char::to_lowercase does (no final sigma). */
export function lower(word) {
  return /^[\x00-\x7f]*$/.test(word) ? word.toLowerCase() : [...word].map((c) => c.toLowerCase()).join("");
}

/** A lowercased word without its apostrophes ("won't" is "wont", "vm's" is "vm"), as
 *  fold_apostrophes does in src/site/search/text.rs. */
export function fold(word) {
  const bare = word.length > 2 ? word.replace(/['\u2019]s$/u, "") : word;
  return bare.replace(/['\u2019]/gu, "");
}

/** The Porter2 stem of a lowercased word of ASCII letters; other words are kept whole. */
export function stem(w) {
  return /^[a-z]+$/.test(w) ? porter2(w) : w;
}

/** Compares by code point, as Rust sorts strings (JavaScript's < compares UTF-16 units). */
function compare(a, b) {
  const x = [...a], y = [...b];
  for (let i = 0; i < Math.min(x.length, y.length); i++) {
    const d = x[i].codePointAt(0) - y[i].codePointAt(0);
    if (d) return d;
  }
  return x.length - y.length;
}

/** Reads the varint at `at` of `text` (5 bits per character, the 6th set on all but the last). */
function varint(text, at) {
  let n = 0, shift = 0, v;
  do {
    v = DIGIT_VALUE.get(text[at.i++]);
    n += (v & 31) * 2 ** shift;
    shift += 5;
  } while (v & 32);
  return n;
}

/** Decodes a posting list: per page, its distance from the previous one, then its score in
 *  two characters (the title flag, 2048, and the level). */
function decodePostings(text) {
  const pages = [], scores = [], titles = [];
  let page = 0;
  const at = { i: 0 };
  while (at.i < text.length) {
    page += varint(text, at);
    pages.push(page);
    const v = DIGIT_VALUE.get(text[at.i++]) * 64 + DIGIT_VALUE.get(text[at.i++]);
    scores.push(v & 2047);
    titles.push(v >> 11);
  }
  return { pages, scores, titles };
}

/** Decodes a term's positions: per page of its postings, how many, then each as the distance
 *  from the previous one. */
function decodePositions(text, pageCount) {
  const out = [];
  const at = { i: 0 };
  for (let p = 0; p < pageCount; p++) {
    const n = text ? varint(text, at) : 0;
    const list = [];
    let position = 0;
    for (let k = 0; k < n; k++) list.push((position += varint(text, at)));
    out.push(list);
  }
  return out;
}

/** The parts of a query: phrases in quotes ("..." or “...”) and the loose words around them. */
export function parseQuery(query) {
  const phrases = [];
  const loose = query.replace(/["\u201c\u201d]([^"\u201c\u201d]*)["\u201c\u201d]?/gu, (_, inner) => {
    const w = words(inner).map((x) => fold(lower(x)));
    if (w.length > 1) phrases.push(w);
    else if (w.length === 1) return ` ${inner} `;
    return " ";
  });
  return { phrases, loose: words(loose).map((w) => fold(lower(w))) };
}

/** Edit distance of two short words, adjacent swaps counting one (Damerau, restricted). */
function editDistance(a, b) {
  const d = Array.from({ length: a.length + 1 }, (_, i) => [i, ...Array(b.length).fill(0)]);
  for (let j = 1; j <= b.length; j++) d[0][j] = j;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
    }
  }
  return d[a.length][b.length];
}

/** The smallest window of word positions holding one position of every list (each sorted). */
function smallestWindow(lists) {
  const at = lists.map(() => 0);
  let best = Infinity;
  for (;;) {
    let lo = 0, hi = 0;
    for (let k = 1; k < lists.length; k++) {
      if (lists[k][at[k]] < lists[lo][at[lo]]) lo = k;
      if (lists[k][at[k]] > lists[hi][at[hi]]) hi = k;
    }
    best = Math.min(best, lists[hi][at[hi]] - lists[lo][at[lo]] + 1);
    if (++at[lo] >= lists[lo].length) return best;
  }
}

/** Fetches JSON that may be gzipped (hosts that decode .gz themselves hand over plain text). */
async function fetchJSON(url, init) {
  const response = await fetch(url, init);
  if (!response.ok) throw new Error(`${url}: HTTP ${response.status}`);
  const bytes = new Uint8Array(await response.arrayBuffer());
  if (bytes[0] === 0x1f && bytes[1] === 0x8b) {
    const stream = new Blob([bytes]).stream().pipeThrough(new DecompressionStream("gzip"));
    return JSON.parse(await new Response(stream).text());
  }
  return JSON.parse(new TextDecoder().decode(bytes));
}

/** Pages re-ranked by how close the words stand, and by how much at most (adjacent words). */
const NEAR_PAGES = 60;
const NEAR_BOOST = 0.5;
const NEAR_WORDS = 4;
/** Results looked at for a title that is exactly the query. */
const EXACT_TITLE_PAGES = 10;

/** Best score first; then pages with more words in the title; then page order. */
function byScore(a, b) {
  return b.score - a.score || (b.title || 0) - (a.title || 0) || a.page - b.page;
}

/** Weight of a synonym's match against the form typed. */
const SYNONYM_WEIGHT = 0.6;

/** Weight of a word found only as the prefix of a longer one (search as you type). */
const PREFIX_WEIGHT = 0.5;
/** At most this many longer words are tried for a prefix. */
const PREFIX_TERMS = 24;

export class SearchIndex {
  /** Opens the index of the site whose root is `root` (a URL ending in `/`). */
  static async open(root) {
    const base = new URL("search/", new URL(root, location.href));
    const entry = await fetchJSON(new URL("index.json", base), { cache: "no-cache" });
    return new SearchIndex(base, entry);
  }

  constructor(base, entry) {
    this.base = base;
    this.entry = entry;
    this.files = new Map(); // file name -> promise of its JSON, each fetched once
    this.levels = entry.levels || 63; // the highest stored score (63 before scores had 2,047 levels)
  }

  get pageCount() {
    return this.entry.pages;
  }

  load(file) {
    if (!this.files.has(file)) {
      const promise = fetchJSON(new URL(file.replace(/^search\//, ""), this.base));
      promise.catch(() => this.files.delete(file));
      this.files.set(file, promise);
    }
    return this.files.get(file);
  }

  /** The index of the chunk whose term range holds `term`. */
  chunkOf(term) {
    const chunks = this.entry.chunks;
    let lo = 0, hi = chunks.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (compare(chunks[mid][0], term) <= 0) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  }

  /** Every indexed term starting with `prefix` (the exact term first, if any), with postings
   *  and where its positions are (`chunk`, `slot`). */
  async lookup(prefix, { exactOnly = false } = {}) {
    const found = [];
    const first = this.chunkOf(prefix);
    for (let c = first; c < this.entry.chunks.length; c++) {
      if (c > first && !this.entry.chunks[c][0].startsWith(prefix)) break;
      const chunk = await this.load(this.entry.chunks[c][1]);
      let i = lowerBound(chunk.terms, prefix);
      for (; i < chunk.terms.length && chunk.terms[i].startsWith(prefix); i++) {
        found.push({ term: chunk.terms[i], postings: chunk.postings[i], goto: chunk.goto?.[chunk.terms[i]], chunk: c, slot: i });
        if (exactOnly || found.length > PREFIX_TERMS) return found;
      }
      if (i < chunk.terms.length) break;
    }
    return found;
  }

  /** The page a typed support topic ID or articleId leads straight to, if any. */
  async goto(query) {
    const id = lower(query.trim());
    if (!id || /\s/.test(id) || !/\d/.test(id)) return null;
    const [hit] = await this.lookup(id, { exactOnly: true });
    return hit && hit.term === id && hit.goto ? hit.goto : null;
  }

  /** One term exactly, decoded (memoized): `{ pages, scores, titles, chunk, slot }`, or null. */
  term(stem) {
    this.terms ??= new Map();
    if (!this.terms.has(stem)) {
      this.terms.set(
        stem,
        this.lookup(stem, { exactOnly: true }).then(([hit]) =>
          hit && hit.term === stem ? { ...decodePostings(hit.postings), chunk: hit.chunk, slot: hit.slot, index: null } : null,
        ),
      );
    }
    return this.terms.get(stem);
  }

  /** Where `stem` stands on each page that has it: a Map page -> sorted word numbers. Loads the
   *  positions file of its chunk: only a phrase or nearness needs it. */
  async positions(stem) {
    const t = await this.term(stem);
    if (!t) return new Map();
    if (!t.positionsByPage) {
      const file = await this.load(this.entry.chunks[t.chunk][2]);
      const lists = decodePositions(file[t.slot], t.pages.length);
      t.positionsByPage = new Map(t.pages.map((p, i) => [p, lists[i]]));
    }
    return t.positionsByPage;
  }

  /** Whether `stem` is one of the common words with no positions. */
  unpositioned(stem) {
    this.common ??= new Set(this.entry.unpositioned || []);
    return this.common.has(stem);
  }

  /** The synonym table as stems: each group a list of forms, each form a list of stems. */
  synonymForms() {
    this.synonyms ??= (this.entry.synonyms || []).map((group) => group.map((form) => words(form).map((w) => stem(fold(lower(w))))));
    return this.synonyms;
  }

  /** The concepts of a list of typed words: runs matching a form of a synonym group become one
   *  concept with every form of the group; any other word is a concept of its own stem. */
  concepts(typed) {
    const stems = typed.map(stem);
    const groups = this.synonymForms();
    const out = [];
    for (let i = 0; i < stems.length; ) {
      let best = null;
      for (const group of groups) {
        for (const form of group) {
          if (form.length > (best?.length ?? 0) && form.every((s, k) => stems[i + k] === s)) best = { length: form.length, group, form };
        }
      }
      if (best) {
        // The form as typed first: the others count for less.
        const forms = [best.form, ...best.group.filter((f) => f !== best.form)];
        out.push({ typed: typed.slice(i, i + best.length), forms });
        i += best.length;
      } else {
        out.push({ typed: [typed[i]], forms: [[stems[i]]] });
        i += 1;
      }
    }
    return out;
  }

  /** Scores of one concept: page -> [score, title]: the best of its forms, a form of several
   *  words counting on pages that have them all. */
  async conceptScores(concept, n, prefixOf) {
    const best = new Map();
    for (const [f, form] of concept.forms.entries()) {
      const formWeight = f === 0 ? 1 : SYNONYM_WEIGHT;
      let form_scores = null;
      for (const s of form) {
        const hits = prefixOf && form.length === 1 ? await this.lookup(prefixOf, {}) : null;
        const scores = new Map();
        const add = (t, weight) => {
          const idf = Math.log(1 + (n - t.pages.length + 0.5) / (t.pages.length + 0.5));
          t.pages.forEach((p, i) => {
            const v = (idf * weight * formWeight * t.scores[i]) / this.levels;
            const old = scores.get(p);
            if (!old || old[0] < v) scores.set(p, [v, t.titles[i]]);
          });
        };
        if (hits) {
          for (const hit of hits) {
            const exact = hit.term === s;
            add(decodePostings(hit.postings), exact ? 1 : PREFIX_WEIGHT);
          }
        } else {
          const t = await this.term(s);
          if (t) add(t, 1);
        }
        if (!form_scores) form_scores = scores;
        else {
          const joined = new Map();
          for (const [p, [v, title]] of form_scores) {
            const o = scores.get(p);
            if (o) joined.set(p, [v + o[0], title | o[1]]);
          }
          form_scores = joined;
        }
      }
      for (const [p, r] of form_scores || []) {
        const o = best.get(p);
        if (!o || o[0] < r[0]) best.set(p, r);
      }
    }
    return best;
  }

  /** Pages among `pages` where the phrase's words stand in order; `stems` with their offsets. */
  async phrasePages(stems, pages) {
    const placed = stems.map((s, k) => [s, k]).filter(([s]) => !this.unpositioned(s));
    if (placed.length < 2) return pages;
    const lists = await Promise.all(placed.map(([s]) => this.positions(s)));
    const out = new Set();
    for (const page of pages) {
      const [first, ...rest] = lists.map((l) => l.get(page) || []);
      const sets = rest.map((l) => new Set(l));
      const offset0 = placed[0][1];
      if (first.some((at) => sets.every((set, k) => set.has(at - offset0 + placed[k + 1][1])))) out.add(page);
    }
    return out;
  }

  /**
   * Runs a query. Returns `{ pages, matched, terms, goto, unknown }`: pages sorted best first,
   * as `{ page, score }`; `matched`, every page the words match before filtering (all pages for
   * an empty query), for the facet counts; `unknown`, typed words found nowhere, each with the
   * nearest indexed term (`{ word, term }`) for a "did you mean". `filters` maps a filter name to
   * the values wanted (any of them); an empty query with filters lists every page that passes
   * them. `asYouType` also matches longer words starting with the last word. A phrase in quotes
   * must appear as written (common words in it are stepped over); pages where the loose words
   * stand close together rank higher.
   */
  async search(query, { filters = {}, asYouType = false } = {}) {
    const n = this.entry.pages;
    const { phrases, loose } = parseQuery(query);
    const concepts = this.concepts(loose);
    const lastTyped = loose[loose.length - 1];
    const typingLast = asYouType && !/["\u201c\u201d]\s*$/u.test(query) && lastTyped && lastTyped.length >= 2;
    // What the results mark: every word searched for, and the other forms of its synonyms.
    const terms = [...new Set([...loose, ...phrases.flat()].map(stem).concat(concepts.flatMap((c) => c.forms.flat())))];
    const scores = new Map(); // page -> [score, concepts matched, titles]
    const unknown = [];
    const parts = concepts.length + phrases.length;
    await Promise.all(
      concepts.map(async (concept, c) => {
        const last = typingLast && c === concepts.length - 1 && concept.forms.length === 1 && concept.forms[0].length === 1;
        const common = last ? lastPrefix(concept.forms[0][0], lastTyped) : "";
        const prefix = common.length >= 2 ? common : null;
        const found = await this.conceptScores(concept, n, prefix);
        if (found.size === 0 && !last) unknown.push(concept.typed.join(" "));
        for (const [p, [v, title]] of found) {
          const r = scores.get(p) || [0, 0, 0];
          r[0] += v;
          r[1] += 1;
          r[2] += title;
          scores.set(p, r);
        }
      }),
    );
    // Phrases: every word on the page, then their positions in order.
    let required = null;
    for (const phrase of phrases) {
      const stems = phrase.map(stem);
      const concept = { typed: phrase, forms: [stems.filter((s) => !this.unpositioned(s))] };
      if (concept.forms[0].length === 0) concept.forms = [stems];
      const found = await this.conceptScores(concept, n, null);
      const inOrder = await this.phrasePages(stems, new Set(found.keys()));
      required = required ? new Set([...required].filter((p) => inOrder.has(p))) : inOrder;
      for (const p of inOrder) {
        const [v, title] = found.get(p);
        const r = scores.get(p) || [0, 0, 0];
        r[0] += v * 1.5;
        r[1] += 1;
        r[2] += title;
        scores.set(p, r);
      }
    }
    if (required) for (const p of [...scores.keys()]) if (!required.has(p)) scores.delete(p);
    const allowed = await this.allowedPages(filters);
    const matched = parts ? [...scores.keys()] : [...Array(n).keys()];
    let pages;
    if (parts === 0) {
      pages = allowed ? [...allowed].sort((a, b) => a - b).map((page) => ({ page, score: 0 })) : [];
    } else {
      pages = [];
      for (const [page, [score, count, title]] of scores) {
        if (allowed && !allowed.has(page)) continue;
        // Pages with every part first: one word missing of two costs seven eighths.
        pages.push({ page, score: score * (count / parts) ** 3, title });
      }
      pages.sort(byScore);
      await this.nearness(pages, concepts, typingLast);
      await this.exactTitleFirst(query, pages);
    }
    const suggestions = unknown.length ? await this.suggest(unknown) : [];
    return { pages, matched, terms, goto: await this.goto(query), unknown: suggestions };
  }

  /** Ranks the first pages higher where the loose words stand close together (their smallest
   *  window of positions), then sorts again. Loads the words' positions. */
  async nearness(pages, concepts, typingLast) {
    const stems = [...new Set(concepts.slice(0, typingLast ? -1 : undefined).filter((c) => c.forms.length === 1 && c.forms[0].length === 1).map((c) => c.forms[0][0]))].filter((s) => !this.unpositioned(s));
    // Two to four words: what people type. A pasted sentence or title ranks well by its words
    // alone, and would fetch the positions of every one of them.
    if (stems.length < 2 || stems.length > NEAR_WORDS) return;
    const lists = await Promise.all(stems.map((s) => this.positions(s)));
    const top = pages.slice(0, NEAR_PAGES);
    for (const r of top) {
      const present = lists.map((l) => l.get(r.page)).filter((l) => l && l.length);
      if (present.length < 2) continue;
      const k = present.length;
      const window = smallestWindow(present);
      r.score *= 1 + (NEAR_BOOST * (k - 1)) / (window - k + 2);
    }
    top.sort(byScore);
    pages.splice(0, top.length, ...top);
  }

  /** Moves the first pages titled exactly as the query (its words, any case and punctuation)
   *  to the front: the reader typed that title. Reads the fragments the results show anyway. */
  async exactTitleFirst(query, pages) {
    const typed = (text) => words(text).map((w) => fold(lower(w))).join(" ");
    const want = typed(query);
    if (!want || pages.length < 2) return;
    const top = pages.slice(0, EXACT_TITLE_PAGES);
    const fragments = await Promise.all(top.map((r) => this.fragment(r.page)));
    const exact = top.filter((_, i) => typed(fragments[i].title) === want);
    if (exact.length === 0 || exact[0] === top[0]) return;
    pages.splice(0, top.length, ...exact, ...top.filter((r) => !exact.includes(r)));
  }

  /** For each unknown word, the indexed term nearest to its stem in spelling (edit distance 1,
   *  or 2 for words of six letters or more), the one on most pages: `{ word, term }`. */
  async suggest(unknown) {
    const out = [];
    for (const word of unknown) {
      if (/\s/.test(word) || word.length < 3 || /\d/.test(word)) continue;
      const s = stem(word);
      const limit = s.length >= 6 ? 2 : 1;
      let best = null;
      // The chunk the word would be in and its neighbours: spelling slips rarely hit the first letter.
      const c = this.chunkOf(s);
      for (const k of [c - 1, c, c + 1]) {
        if (k < 0 || k >= this.entry.chunks.length) continue;
        const chunk = await this.load(this.entry.chunks[k][1]);
        chunk.terms.forEach((t, i) => {
          if (t[0] !== s[0] || Math.abs(t.length - s.length) > limit) return;
          const d = editDistance(s, t);
          if (d > limit) return;
          const df = chunk.postings[i].length;
          if (!best || d < best.d || (d === best.d && df > best.df)) best = { d, df, term: t };
        });
      }
      if (best) out.push({ word, term: best.term });
    }
    return out;
  }

  /** The pages of one filter value. */
  async filterPages(name, value) {
    const filter = await this.load(this.entry.filters[name]);
    return expand(filter.pages[value] || []);
  }

  /** The set of pages passing `filters` (any value within a filter, every filter), or null. */
  async allowedPages(filters) {
    let allowed = null;
    for (const [name, values] of Object.entries(filters)) {
      if (!values || values.length === 0 || !this.entry.filters[name]) continue;
      const set = new Set();
      for (const value of values) for (const p of await this.filterPages(name, value)) set.add(p);
      allowed = allowed ? new Set([...allowed].filter((p) => set.has(p))) : set;
    }
    return allowed;
  }

  /**
   * Counts, per filter and value, the pages a search matched that have it, given the other
   * filters: `{ type: [[value, count], ...], ... }`, largest first. `result` is what
   * `search` returned.
   */
  async facets(result, filters) {
    const out = {};
    for (const name of Object.keys(this.entry.filters)) {
      const allowed = await this.allowedPages({ ...filters, [name]: [] });
      const pages = new Set(allowed ? result.matched.filter((p) => allowed.has(p)) : result.matched);
      const filter = await this.load(this.entry.filters[name]);
      const counts = [];
      for (const [value, deltas] of Object.entries(filter.pages)) {
        let count = 0;
        for (const p of expand(deltas)) if (pages.has(p)) count++;
        if (count > 0 || (filters[name] || []).includes(value)) counts.push([value, count]);
      }
      counts.sort((a, b) => b[1] - a[1] || compare(a[0], b[0]));
      out[name] = counts;
    }
    return out;
  }

  /** What the results list shows for page `page`: url, title, description, text, ... */
  async fragment(page) {
    const { shard, bundle } = this.entry;
    const names = await this.load(this.entry.table[Math.floor(page / shard)]);
    const name = names[Math.floor((page % shard) / bundle)];
    const fragments = await this.load(`pages/${name}.json.gz`);
    return fragments[page % bundle];
  }
}

function escapeRegExp(text) {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

function lowerBound(sorted, key) {
  let lo = 0, hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (compare(sorted[mid], key) < 0) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * What the stem and the word as typed start with, so that a word being typed finds both its
 * stem ("policy" is stemmed "polici") and longer words ("restor" finds "restore").
 */
function lastPrefix(stemmed, typed) {
  let i = 0;
  while (i < stemmed.length && i < typed.length && stemmed[i] === typed[i]) i++;
  return typed.slice(0, i);
}

function expand(deltas) {
  const pages = [];
  let page = 0;
  for (const d of deltas) pages.push((page += d));
  return pages;
}

/** Splits `text` into parts, marking the words whose stem is one of `terms`. */
export function highlight(text, terms) {
  const parts = [];
  let last = 0;
  for (const m of text.matchAll(WORD)) {
    const s = stem(fold(lower(m[0])));
    if (terms.some((t) => s === t || (t.length >= 3 && s.startsWith(t)))) {
      if (m.index > last) parts.push({ text: text.slice(last, m.index) });
      parts.push({ text: m[0], mark: true });
      last = m.index + m[0].length;
    }
  }
  if (last < text.length) parts.push({ text: text.slice(last) });
  return parts;
}

/** About `length` characters of `text` around the first word searched for. */
export function excerpt(text, terms, length = 220) {
  let at = -1;
  for (const m of text.matchAll(WORD)) {
    const s = stem(fold(lower(m[0])));
    if (terms.some((t) => s === t || (t.length >= 3 && s.startsWith(t)))) {
      at = m.index;
      break;
    }
  }
  if (at < 0) return null;
  let start = Math.max(0, at - Math.floor(length / 3));
  if (start > 0) start = text.indexOf(" ", start) + 1 || start;
  let end = Math.min(text.length, start + length);
  if (end < text.length) end = text.lastIndexOf(" ", end) > start ? text.lastIndexOf(" ", end) : end;
  return (start > 0 ? "… " : "") + text.slice(start, end) + (end < text.length ? " …" : "");
}

// ---------------------------------------------------------------------------------------------
// The search page.

const PAGE_SIZE = 10;
const FACETS = [
  ["type", "Type"],
  ["service", "Service"],
  ["cloud", "Cloud"],
  ["topic", "Support topic"],
  ["product", "Product"],
];
const FACET_VALUES = 8;

function element(tag, attributes = {}, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attributes)) {
    if (k === "class") e.className = v;
    else if (k.startsWith("on")) e.addEventListener(k.slice(2), v);
    else e.setAttribute(k, v);
  }
  for (const c of children) if (c != null) e.append(c);
  return e;
}

/** Text with the searched-for words in <mark>; built from text nodes, never from HTML. */
function marked(tag, attributes, text, terms) {
  const e = element(tag, attributes);
  for (const part of highlight(text, terms)) e.append(part.mark ? element("mark", {}, part.text) : part.text);
  return e;
}

class SearchPage {
  constructor(app) {
    this.app = app;
    this.root = app.dataset.root || "";
    this.input = document.getElementById("search-input");
    this.form = this.input.form;
    this.status = app.querySelector(".search-status");
    this.results = app.querySelector(".search-results");
    this.facetsBox = app.querySelector(".search-facets");
    this.filtersBox = app.querySelector(".search-filters");
    this.copiesShown = new Set();
    this.more = app.querySelector(".search-more");
    this.filters = {};
    this.shown = 0;
    this.run = 0;
  }

  async start() {
    const params = new URLSearchParams(location.search);
    this.input.value = params.get("q") || "";
    for (const [name] of FACETS) {
      const values = params.getAll(name);
      if (values.length) this.filters[name] = values;
    }
    try {
      this.index = await SearchIndex.open(this.root);
    } catch (e) {
      this.say(`The search index could not be loaded (${e.message}). Browse by support topic or service instead.`);
      return;
    }
    // Arriving with an exact support topic ID or articleId: go straight there.
    const goto = await this.index.goto(this.input.value);
    if (goto && !this.hasFilters()) {
      location.replace(new URL(goto, new URL(this.root, location.href)));
      return;
    }
    let timer;
    this.input.addEventListener("input", () => {
      clearTimeout(timer);
      timer = setTimeout(() => this.update({ asYouType: true }), 120);
    });
    this.form.addEventListener("submit", async (event) => {
      event.preventDefault();
      clearTimeout(timer);
      const target = await this.index.goto(this.input.value);
      if (target) location.assign(new URL(target, new URL(this.root, location.href)));
      else await this.update({});
    });
    this.more.addEventListener("click", () => this.showMore());
    this.filtersBox.addEventListener("toggle", () => this.filtersBox.open && this.loadFacets());
    if (this.hasFilters()) this.filtersBox.open = true;
    this.app.addEventListener("keydown", (e) => this.keys(e));
    document.addEventListener("keydown", (e) => {
      if (e.key === "/" && document.activeElement !== this.input && !/INPUT|TEXTAREA/.test(document.activeElement?.tagName)) {
        e.preventDefault();
        this.input.focus();
      }
    });
    this.input.addEventListener("keydown", (e) => {
      if (e.key === "ArrowDown") {
        e.preventDefault();
        this.results.querySelector("a")?.focus();
      }
    });
    this.input.focus();
    await this.update({});
  }

  hasFilters() {
    return Object.values(this.filters).some((v) => v.length);
  }

  say(text) {
    this.status.textContent = text;
  }

  async update({ asYouType = false }) {
    const run = ++this.run;
    const query = this.input.value;
    this.app.querySelector(".search-correction")?.remove();
    const params = new URLSearchParams();
    if (query) params.set("q", query);
    for (const [name, values] of Object.entries(this.filters)) for (const v of values) params.append(name, v);
    history.replaceState(null, "", `${location.pathname}${params.size ? "?" + params : ""}`);
    if (!query.trim() && !this.hasFilters()) {
      this.results.replaceChildren();
      this.facetsBox.replaceChildren();
      this.more.hidden = true;
      this.say(`Type to search ${this.index.pageCount} articles: words, a support topic ID or an articleId.`);
      return;
    }
    let result = await this.index.search(query, { filters: this.filters, asYouType });
    if (run !== this.run) return; // a newer query has started
    this.result = result;
    this.shown = 0;
    this.copiesShown = new Set();
    this.results.replaceChildren();
    if (result.goto) {
      const href = new URL(result.goto, new URL(this.root, location.href)).href;
      this.results.append(
        element("li", { class: "search-goto" }, element("a", { href }, `Go to ${/^\d+$/.test(query.trim()) ? "support topic" : "article"} ${query.trim()} →`)),
      );
    }
    let count = result.pages.length;
    // A word found nowhere: with no results, search its nearest spelling instead; with some,
    // offer it.
    let corrected = null;
    if (result.unknown.length && !result.goto) {
      let fixed = query;
      for (const { word, term } of result.unknown) fixed = fixed.replace(new RegExp(`(^|[^\\p{L}\\p{N}])${escapeRegExp(word)}(?=$|[^\\p{L}\\p{N}])`, "iu"), `$1${term}`);
      let replaced = false;
      const terms = new Set(result.unknown.map((u) => u.term));
      if (!count) {
        const retry = await this.index.search(fixed, { filters: this.filters });
        if (run !== this.run) return;
        if (retry.pages.length) {
          this.result = result = retry;
          count = retry.pages.length;
          replaced = true;
        }
      }
      corrected = { fixed, replaced, terms };
    }
    this.say(count ? `${count} result${count === 1 ? "" : "s"}` : "");
    if (!count && !result.goto) this.noResults(query);
    await this.showMore();
    if (corrected && run === this.run) this.showCorrection(query, corrected);
    this.facetsStale = true;
    if (this.filtersBox.open) await this.loadFacets(run);
  }

  /** Says which spelling was searched ("Showing results for ..."), or offers it ("Did you mean ..."). */
  showCorrection(query, { fixed, replaced, terms }) {
    // The corrected words (stems) as the results write them: a word of the first result with that stem.
    const shown = this.results.querySelector(".result-title")?.parentElement?.textContent || "";
    const display = fixed.replace(/\S+/gu, (w) => {
      if (!terms.has(lower(w))) return w;
      const m = (shown.match(WORD) || []).find((x) => stem(fold(lower(x))) === lower(w));
      return m ? lower(m) : w;
    });
    const link = element("a", { href: `?q=${encodeURIComponent(display)}`, onclick: (e) => { e.preventDefault(); this.input.value = display; this.update({}); } }, display);
    const note = replaced
      ? element("p", { class: "search-correction" }, `No results for “${query.trim()}”. Showing results for `, link, ".")
      : element("p", { class: "search-correction" }, "Did you mean ", link, "?");
    this.status.after(note);
  }

  /** Facet counts: fetched when the filters are opened, never before. */
  async loadFacets(run = this.run) {
    if (!this.result || !this.facetsStale) return;
    this.facetsStale = false;
    const facets = await this.index.facets(this.result, this.filters);
    if (run === this.run) this.showFacets(facets);
  }

  async showMore() {
    const { pages, terms } = this.result;
    const base = new URL(this.root, location.href);
    let added = 0;
    // Copies of one article in other clouds show once, with all their clouds.
    while (added < PAGE_SIZE && this.shown < pages.length) {
      const slice = pages.slice(this.shown, this.shown + PAGE_SIZE - added);
      this.shown += slice.length;
      const fragments = await Promise.all(slice.map((r) => this.index.fragment(r.page)));
      fragments.forEach((f, i) => {
        if (f.copies !== undefined) {
          if (this.copiesShown.has(f.copies)) return;
          this.copiesShown.add(f.copies);
        }
        const text = excerpt(f.text || "", terms) || f.description || (f.text || "").slice(0, 220);
        const clouds = f.clouds?.length ? `clouds ${f.clouds.join(", ")}` : null;
        const meta = [f.type, f.service, f.topics?.length ? `topics ${f.topics.join(", ")}` : null, clouds].filter(Boolean).join(" · ");
        this.results.append(
          element(
            "li",
            { "data-page": String(slice[i].page) },
            marked("a", { href: new URL(f.url, base).href, class: "result-title" }, f.title, terms),
            marked("p", { class: "result-excerpt" }, text, terms),
            element("p", { class: "result-meta" }, meta),
          ),
        );
        added += 1;
      });
    }
    this.more.hidden = this.shown >= pages.length;
  }

  noResults(query) {
    const topics = new URL("topics/index.html", new URL(this.root, location.href)).href;
    const services = new URL("services/index.html", new URL(this.root, location.href)).href;
    const help = element(
      "li",
      { class: "search-none" },
      element("p", {}, `Nothing matches “${query.trim()}”${this.hasFilters() ? " with these filters" : ""}.`),
      element(
        "ul",
        {},
        element("li", {}, "Check the spelling, or use fewer or more general words."),
        element("li", {}, "Search for a support topic ID (e.g. 32553297) or an articleId."),
        element("li", {}, "Browse ", element("a", { href: topics }, "support topics"), " or ", element("a", { href: services }, "services"), "."),
      ),
    );
    if (this.hasFilters()) {
      help.append(
        element("button", { type: "button", class: "search-clear", onclick: () => this.setFilters({}) }, "Clear filters"),
      );
    }
    this.results.append(help);
  }

  setFilters(filters) {
    this.filters = filters;
    this.update({});
  }

  showFacets(facets) {
    this.facetsBox.replaceChildren();
    for (const [name, label] of FACETS) {
      const values = facets[name] || [];
      if (!values.length) continue;
      const selected = this.filters[name] || [];
      const box = element("fieldset", { class: "facet", "data-filter": name }, element("legend", {}, label));
      const list = values.filter(([v], i) => i < FACET_VALUES || selected.includes(v));
      for (const [value, count] of list) {
        const checkbox = element("input", { type: "checkbox", value });
        checkbox.checked = selected.includes(value);
        checkbox.addEventListener("change", () => {
          const now = new Set(this.filters[name] || []);
          if (checkbox.checked) now.add(value);
          else now.delete(value);
          this.setFilters({ ...this.filters, [name]: [...now] });
        });
        box.append(element("label", {}, checkbox, ` ${value} `, element("span", { class: "count" }, String(count))));
      }
      if (values.length > list.length) box.append(element("p", { class: "facet-more" }, `and ${values.length - list.length} more`));
      this.facetsBox.append(box);
    }
  }

  /** Arrow keys move between results; Escape goes back to the box. */
  keys(e) {
    const links = [...this.results.querySelectorAll("li > a")];
    const at = links.indexOf(document.activeElement);
    if (at < 0) return;
    if (e.key === "ArrowDown" && at + 1 < links.length) links[at + 1].focus();
    else if (e.key === "ArrowUp") (at > 0 ? links[at - 1] : this.input).focus();
    else if (e.key === "Escape") this.input.focus();
    else return;
    e.preventDefault();
  }
}

/** The topics overview's filter box: shows the topics whose number, name or service holds
 *  every word typed (the box stays hidden without this script). An overview of several pages
 *  fetches the others at the first keystroke and filters them all, their groups kept hidden in
 *  page order until a filter shows them. */
function filterTopics(box) {
  const input = box.querySelector("input");
  const count = box.querySelector(".overview-filter-count");
  const pager = document.querySelector(".overview-pager");
  let groups = [];
  let items = [];
  const read = () => {
    groups = [...document.querySelectorAll(".overview-group")];
    items = groups.flatMap((g) => [...g.querySelectorAll("li")].map((li) => [li, lower(`${li.textContent} ${g.querySelector("h2").textContent}`)]));
  };
  read();
  box.hidden = false;
  const apply = () => {
    const typed = lower(input.value).split(/\s+/).filter(Boolean);
    let shown = 0;
    for (const [li, text] of items) {
      li.hidden = !typed.every((w) => text.includes(w));
      if (!li.hidden) shown++;
    }
    for (const list of document.querySelectorAll(".overview-group ul")) {
      list.hidden = ![...list.children].some((li) => !li.hidden);
      if (list.previousElementSibling?.tagName === "H3") list.previousElementSibling.hidden = list.hidden;
    }
    for (const g of groups) {
      g.hidden = ![...g.querySelectorAll("ul")].some((u) => !u.hidden) || (!typed.length && g.classList.contains("overview-other-page"));
    }
    count.textContent = typed.length ? `${shown} of ${items.length} topics` : "";
  };
  // The groups of every page, as data (topics/index.json), made into elements like the page's.
  // Each link is [name, url, note]; a group [link, subgroups], a subgroup [link, topics].
  const link = ([name, url]) => (url ? element("a", { href: `../${url}` }, name) : name);
  const groupElement = ([group, subgroups]) => {
    const section = element("section", { class: "overview-group overview-other-page", hidden: "" });
    section.append(element("h2", {}, link(group), " ", element("small", {}, group[2])));
    for (const [sub, topics] of subgroups) {
      if (sub[0]) section.append(element("h3", {}, link(sub), " ", element("small", {}, sub[2])));
      const list = element("ul", { class: "overview" });
      for (const [name, url, note] of topics) list.append(element("li", {}, element("a", { href: url }, name), " ", element("small", {}, note)));
      section.append(list);
    }
    return section;
  };
  let others = null;
  const fetchOthers = () => {
    const current = [...pager.querySelectorAll("a, strong")].findIndex((l) => l.tagName === "STRONG");
    return fetch("index.json")
      .then((r) => r.json())
      .then((pages) => {
        const mine = groups[0];
        let after = groups[groups.length - 1];
        pages.forEach((page, i) => {
          if (i === current) return;
          for (const g of page) {
            const made = groupElement(g);
            if (i < current) mine.before(made);
            else {
              after.after(made);
              after = made;
            }
          }
        });
        read();
      })
      .catch(() => {});
  };
  input.addEventListener("input", () => {
    apply();
    if (pager && groups.length && !others) others = fetchOthers().then(apply);
  });
}

const filterBox = typeof document !== "undefined" && document.querySelector(".overview-filter-box");
if (filterBox) filterTopics(filterBox);

const app = typeof document !== "undefined" && document.getElementById("search-app");
if (app) {
  const offline = app.querySelector(".search-offline");
  if (location.protocol === "file:") {
    // Some browsers run the script from disk but no fetch of the index will succeed.
    offline?.classList.add("search-offline-now");
  } else {
    offline?.remove();
    new SearchPage(app).start();
  }
}
