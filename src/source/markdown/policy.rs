//! The sanitizer policy, written once: which elements, attributes, classes and URL schemes
//! survive in an article's HTML, and the `rel` every link gets. The sanitizer (ammonia) is
//! built from it, and the fast path for Markdown-only bodies (`pulldown_only`) keeps and drops
//! attributes by asking it, so the two cannot drift apart.
//!
//! The lists are the well-known safe HTML subset (the one ammonia ships as its default) plus
//! what self-help articles use: videos, `<font>`, and the attributes and classes of shelf's own
//! elements (tokens, blade links, widgets, the issue description).

/// Elements kept (with their content). Anything else is removed, its text kept; `script` and
/// `style` go with their content ([`DROPPED_WITH_CONTENT`]).
pub const TAGS: &[&str] = &[
    "a",
    "abbr",
    "acronym",
    "area",
    "article",
    "aside",
    "b",
    "bdi",
    "bdo",
    "blockquote",
    "br",
    "caption",
    "center",
    "cite",
    "code",
    "col",
    "colgroup",
    "data",
    "dd",
    "del",
    "details",
    "dfn",
    "div",
    "dl",
    "dt",
    "em",
    "figcaption",
    "figure",
    "font",
    "footer",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "header",
    "hgroup",
    "hr",
    "i",
    "img",
    "ins",
    "kbd",
    "li",
    "map",
    "mark",
    "nav",
    "ol",
    "p",
    "pre",
    "q",
    "rp",
    "rt",
    "rtc",
    "ruby",
    "s",
    "samp",
    "small",
    "source",
    "span",
    "strike",
    "strong",
    "sub",
    "summary",
    "sup",
    "table",
    "tbody",
    "td",
    "th",
    "thead",
    "time",
    "tr",
    "tt",
    "u",
    "ul",
    "var",
    "video",
    "wbr",
];

/// Elements removed together with everything inside them.
pub const DROPPED_WITH_CONTENT: &[&str] = &["script", "style"];

/// Attributes kept on any element.
pub const GENERIC_ATTRIBUTES: &[&str] = &["lang", "title"];

/// Attributes kept on one element. `href` and `src` keep only URLs of [`URL_SCHEMES`] (or
/// relative ones).
pub const TAG_ATTRIBUTES: &[(&str, &[&str])] = &[
    ("a", &["href", "hreflang", "data-blade"]),
    ("bdo", &["dir"]),
    ("blockquote", &["cite"]),
    ("col", &["align", "char", "charoff", "span"]),
    ("colgroup", &["align", "char", "charoff", "span"]),
    ("del", &["cite", "datetime"]),
    ("div", &["data-widget"]),
    ("hr", &["align", "size", "width"]),
    ("img", &["align", "alt", "height", "src", "width"]),
    ("ins", &["cite", "datetime"]),
    ("ol", &["start"]),
    ("q", &["cite"]),
    ("source", &["src", "type"]),
    ("span", &["data-token"]),
    ("table", &["align", "char", "charoff", "summary"]),
    ("tbody", &["align", "char", "charoff"]),
    (
        "td",
        &["align", "char", "charoff", "colspan", "headers", "rowspan"],
    ),
    ("tfoot", &["align", "char", "charoff"]),
    (
        "th",
        &[
            "align", "char", "charoff", "colspan", "headers", "rowspan", "scope",
        ],
    ),
    ("thead", &["align", "char", "charoff"]),
    ("tr", &["align", "char", "charoff"]),
    ("video", &["src", "controls", "width", "height", "poster"]),
];

/// Classes kept on one element (shelf's own markup); every other class value is removed.
pub const CLASSES: &[(&str, &[&str])] = &[
    ("a", &["shelf-blade"]),
    ("div", &["shelf-issue-description", "shelf-widget"]),
    ("p", &["shelf-widget-name"]),
    ("span", &["shelf-token"]),
];

/// URL schemes a link or image may use; others are removed (`javascript:`, `data:`...).
pub const URL_SCHEMES: &[&str] = &["http", "https", "mailto"];

/// What every link gets, so a linked page cannot reach back into the portal's window.
pub const LINK_REL: &str = "noopener noreferrer";

/// Whether `attr` survives on `tag` (classes aside: see [`has_classes`]).
pub fn keeps_attribute(tag: &str, attr: &str) -> bool {
    GENERIC_ATTRIBUTES.contains(&attr)
        || TAG_ATTRIBUTES
            .iter()
            .any(|(t, attrs)| *t == tag && attrs.contains(&attr))
}

/// Whether some class values survive on `tag`.
pub fn has_classes(tag: &str) -> bool {
    CLASSES.iter().any(|(t, _)| *t == tag)
}

/// The sanitizer, configured from this policy alone (nothing left to the library's defaults).
pub fn sanitizer() -> ammonia::Builder<'static> {
    use std::collections::{HashMap, HashSet};
    let set = |items: &[&'static str]| items.iter().copied().collect::<HashSet<_>>();
    let map = |pairs: &[(&'static str, &[&'static str])]| {
        pairs
            .iter()
            .map(|(tag, items)| (*tag, set(items)))
            .collect::<HashMap<_, _>>()
    };
    let mut b = ammonia::Builder::empty();
    b.tags(set(TAGS))
        .clean_content_tags(set(DROPPED_WITH_CONTENT))
        .generic_attributes(set(GENERIC_ATTRIBUTES))
        .tag_attributes(map(TAG_ATTRIBUTES))
        .allowed_classes(map(CLASSES))
        .url_schemes(set(URL_SCHEMES))
        .link_rel(Some(LINK_REL))
        .strip_comments(true);
    b
}
