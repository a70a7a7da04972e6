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

/** Decodes a posting list: per page, its distance from the previous one, then its score. */
function decodePostings(text) {
  const pages = [], scores = [];
  let page = 0;
  for (let i = 0; i < text.length; ) {
    let delta = 0, shift = 0, v;
    do {
      v = DIGIT_VALUE.get(text[i++]);
      delta |= (v & 31) << shift;
      shift += 5;
    } while (v & 32);
    page += delta;
    pages.push(page);
    scores.push(DIGIT_VALUE.get(text[i++]));
  }
  return { pages, scores };
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

  /** Every indexed term starting with `prefix` (the exact term first, if any), with postings. */
  async lookup(prefix, { exactOnly = false } = {}) {
    const found = [];
    const first = this.chunkOf(prefix);
    for (let c = first; c < this.entry.chunks.length; c++) {
      if (c > first && !this.entry.chunks[c][0].startsWith(prefix)) break;
      const chunk = await this.load(this.entry.chunks[c][1]);
      let i = lowerBound(chunk.terms, prefix);
      for (; i < chunk.terms.length && chunk.terms[i].startsWith(prefix); i++) {
        found.push({ term: chunk.terms[i], postings: chunk.postings[i], goto: chunk.goto?.[chunk.terms[i]] });
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

  /**
   * Runs a query. Returns `{ pages, matched, terms, goto }`: pages sorted best first, as
   * `{ page, score }`; `matched`, every page the words match before filtering (all pages for
   * an empty query), for the facet counts. `filters` maps a filter name to the values wanted (any of them); an
   * empty query with filters lists every page that passes them. `asYouType` also matches longer
   * words starting with the last word.
   */
  async search(query, { filters = {}, asYouType = false } = {}) {
    const typed = words(query).map((w) => fold(lower(w)));
    const terms = [...new Set(typed.map(stem))];
    const scores = new Map(); // page -> [score, words matched]
    const n = this.entry.pages;
    await Promise.all(
      terms.map(async (term, t) => {
        const prefix = asYouType && t === terms.length - 1 && typed[typed.length - 1].length >= 2;
        // The last word as typed too: "restor" is the stem of "restore", and a prefix of it.
        const hits = await this.lookup(prefix ? lastPrefix(term, typed[typed.length - 1]) : term, {
          exactOnly: !prefix,
        });
        const matched = new Map();
        for (const hit of hits) {
          const exact = hit.term === term;
          if (!exact && !prefix) continue;
          const { pages, scores: s } = decodePostings(hit.postings);
          const idf = Math.log(1 + (n - pages.length + 0.5) / (pages.length + 0.5));
          const weight = exact ? 1 : PREFIX_WEIGHT;
          pages.forEach((p, i) => {
            const score = (idf * weight * s[i]) / 63;
            matched.set(p, Math.max(matched.get(p) || 0, score));
          });
        }
        for (const [p, score] of matched) {
          const r = scores.get(p) || [0, 0];
          r[0] += score;
          r[1] += 1;
          scores.set(p, r);
        }
      }),
    );
    const allowed = await this.allowedPages(filters);
    const matched = terms.length ? [...scores.keys()] : [...Array(n).keys()];
    let pages;
    if (terms.length === 0) {
      pages = allowed ? [...allowed].sort((a, b) => a - b).map((page) => ({ page, score: 0 })) : [];
    } else {
      pages = [];
      for (const [page, [score, count]] of scores) {
        if (allowed && !allowed.has(page)) continue;
        // Pages with every word first: one word missing of two costs seven eighths.
        pages.push({ page, score: score * (count / terms.length) ** 3 });
      }
      pages.sort((a, b) => b.score - a.score || a.page - b.page);
    }
    return { pages, matched, terms, goto: await this.goto(query) };
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
    const result = await this.index.search(query, { filters: this.filters, asYouType });
    if (run !== this.run) return; // a newer query has started
    this.result = result;
    this.shown = 0;
    this.results.replaceChildren();
    if (result.goto) {
      const href = new URL(result.goto, new URL(this.root, location.href)).href;
      this.results.append(
        element("li", { class: "search-goto" }, element("a", { href }, `Go to ${/^\d+$/.test(query.trim()) ? "support topic" : "article"} ${query.trim()} →`)),
      );
    }
    const count = result.pages.length;
    this.say(count ? `${count} result${count === 1 ? "" : "s"}` : "");
    if (!count && !result.goto) this.noResults(query);
    await this.showMore();
    // Facet counts come after the first results, so they never hold them up.
    const facets = await this.index.facets(result, this.filters);
    if (run === this.run) this.showFacets(facets);
  }

  async showMore() {
    const { pages, terms } = this.result;
    const slice = pages.slice(this.shown, this.shown + PAGE_SIZE);
    this.shown += slice.length;
    const fragments = await Promise.all(slice.map((r) => this.index.fragment(r.page)));
    const base = new URL(this.root, location.href);
    fragments.forEach((f, i) => {
      const text = excerpt(f.text || "", terms) || f.description || (f.text || "").slice(0, 220);
      const meta = [f.type, f.service, f.topics?.length ? `topics ${f.topics.join(", ")}` : null].filter(Boolean).join(" · ");
      this.results.append(
        element(
          "li",
          { "data-page": String(slice[i].page) },
          marked("a", { href: new URL(f.url, base).href, class: "result-title" }, f.title, terms),
          marked("p", { class: "result-excerpt" }, text, terms),
          element("p", { class: "result-meta" }, meta),
        ),
      );
    });
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
