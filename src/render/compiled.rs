//! The built-in templates a build renders thousands of times, compiled by hand: article pages,
//! fragments, payloads and list pages are written straight from their views, byte for byte what
//! `templates/*.html` make through tera, at a fraction of the cost (tera spends most of its time
//! looking variables up by name). A site that overrides any template a page uses gets tera for
//! that page, so overrides behave exactly as before.
//!
//! Each function here is the twin of a template: change one, change the other. The test
//! `build::compiled_theme_matches_the_templates` builds the same trees with and without the
//! built-in templates as overrides and fails on the first byte that differs.

use super::{ArticlePage, EmbedPage, Group, ListPage, PayloadPage, TopicDescriptionView};
use crate::escape::html_into as esc;
use crate::views::{NamedLink, PayloadView, Problem, SiteView};

/// `base.html` around a page: `title` and `content` write the two blocks.
fn base(
    out: &mut String,
    site: &SiteView,
    title: impl FnOnce(&mut String),
    content: impl FnOnce(&mut String),
) {
    let root = site.root;
    out.push_str(
        "<!doctype html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>",
    );
    title(out);
    out.push_str("</title>\n<link rel=\"stylesheet\" href=\"");
    esc(out, root);
    out.push_str("style.css\">\n</head>\n<body>\n<header class=\"site-header\">\n  <a class=\"site-title\" href=\"");
    esc(out, root);
    out.push_str("index.html\">");
    esc(out, site.title);
    out.push_str("</a>\n  ");
    if let Some(cloud) = site.cloud.filter(|c| !c.is_empty()) {
        out.push_str("<span class=\"badge cloud-badge\" title=\"This site shows only articles published to this cloud\">");
        esc(out, cloud);
        out.push_str("</span>");
    }
    out.push_str("\n  ");
    if site.search {
        out.push_str("<form class=\"site-search\" action=\"");
        esc(out, root);
        out.push_str(
            "search.html\" role=\"search\">\n    <input type=\"search\" name=\"q\" id=\"search-input\" \
             placeholder=\"Search: words, topic ID, articleId\" aria-label=\"Search articles\" \
             autocomplete=\"off\">\n    <button type=\"submit\">Search</button>\n  </form>",
        );
    }
    out.push_str("\n  <nav>\n");
    for (dir, name) in [
        ("topics", "Topics"),
        ("services", "Services"),
        ("products", "Products"),
        ("clouds", "Clouds"),
        ("types", "Types"),
    ] {
        out.push_str("    <a href=\"");
        esc(out, root);
        out.push_str(dir);
        out.push_str("/index.html\">");
        out.push_str(name);
        out.push_str("</a>\n");
    }
    out.push_str("  </nav>\n</header>\n<main>\n");
    content(out);
    out.push_str(
        "\n</main>\n<footer class=\"site-footer\">Built by shelf</footer>\n</body>\n</html>\n",
    );
}

/// The `title` block most pages share: `{{ title }} · {{ site.title }}`.
fn title_block<'a>(title: &'a str, site: &'a SiteView) -> impl FnOnce(&mut String) + 'a {
    move |out| {
        esc(out, title);
        out.push_str(" · ");
        esc(out, site.title);
    }
}

/// `open`, `text` escaped, `close`.
fn escaped_in(out: &mut String, open: &str, text: &str, close: &str) {
    out.push_str(open);
    esc(out, text);
    out.push_str(close);
}

/// `root` then `url` in an `href`, as `{{ site.root }}{{ x.url }}` writes them.
fn href(out: &mut String, root: &str, url: &str) {
    out.push_str("<a href=\"");
    esc(out, root);
    esc(out, url);
    out.push_str("\">");
}

/// `{% if x.url %}<a href="{{ root }}{{ x.url }}">{{ name }}</a>{% else %}…{% endif %}`: a link
/// to `url` when there is one, else what `otherwise` writes.
fn link_or(
    out: &mut String,
    root: &str,
    url: Option<&str>,
    name: &str,
    otherwise: impl FnOnce(&mut String),
) {
    match url.filter(|u| !u.is_empty()) {
        Some(url) => {
            href(out, root, url);
            esc(out, name);
            out.push_str("</a>");
        }
        None => otherwise(out),
    }
}

/// `name` in `<code>`, where a link would be if it had a page.
fn code(name: &str) -> impl FnOnce(&mut String) + '_ {
    move |out| {
        escaped_in(out, "<code>", name, "</code>");
    }
}

/// A comma-separated run of links, or names where there is no page (`{% for %}` over
/// `NamedLink`s in `article.html`); `titled` adds the note as a `title`.
fn named_links(out: &mut String, root: &str, links: &[NamedLink], titled: bool) {
    for (i, l) in links.iter().enumerate() {
        match l.url.as_deref() {
            Some(url) if !url.is_empty() => {
                out.push_str("<a href=\"");
                esc(out, root);
                esc(out, url);
                out.push('"');
                if titled && !l.note.is_empty() {
                    out.push_str(" title=\"");
                    esc(out, &l.note);
                    out.push('"');
                }
                out.push('>');
                esc(out, &l.name);
                out.push_str("</a>");
            }
            _ => esc(out, &l.name),
        }
        if i + 1 < links.len() {
            out.push_str(", ");
        }
    }
}

/// `article.html`.
pub fn article(p: &ArticlePage) -> String {
    let mut out = String::with_capacity(
        4096 + p.body_html.len() + p.payload_html.map_or(0, str::len) + 128 * p.topics.len(),
    );
    let root = p.site.root;
    base(&mut out, &p.site, title_block(p.title, &p.site), |out| {
        out.push_str("\n<article class=\"article type-");
        esc(out, &p.self_help_type.name.to_lowercase());
        out.push_str("\">\n<h1>");
        esc(out, p.title);
        out.push_str("</h1>\n");
        if !p.description.is_empty() {
            out.push_str("<p class=\"lead\">");
            esc(out, p.description);
            out.push_str("</p>");
        }
        out.push_str("\n<dl class=\"meta\">\n  <dt>Type</dt><dd>");
        href(
            out,
            root,
            p.self_help_type.url.as_deref().unwrap_or_default(),
        );
        esc(out, &p.self_help_type.name);
        out.push_str("</a></dd>\n  ");
        if let Some(service) = &p.service {
            out.push_str("<dt>Service</dt><dd>");
            named_links(out, root, std::slice::from_ref(service), false);
            if !p.resource.is_empty() {
                out.push_str(" / ");
                esc(out, p.resource);
            }
            out.push_str("</dd>");
        }
        out.push_str("\n  ");
        for (label, links, titled) in [
            ("Support topics", &p.topics, true),
            ("Products", &p.products, false),
            ("Clouds", &p.clouds, false),
        ] {
            if !links.is_empty() {
                out.push_str("<dt>");
                out.push_str(label);
                out.push_str("</dt><dd>");
                named_links(out, root, links, titled);
                out.push_str("</dd>");
            }
            out.push_str("\n  ");
        }
        if !p.owner.is_empty() {
            escaped_in(out, "<dt>Owner</dt><dd>", p.owner, "</dd>");
        }
        escaped_in(
            out,
            "\n  <dt>Article ID</dt><dd><code>",
            p.article_id,
            "</code></dd>\n  ",
        );
        if let Some(order) = p.display_order.filter(|&o| o != 0) {
            out.push_str("<dt>Display order</dt><dd>");
            out.push_str(&order.to_string());
            out.push_str("</dd>");
        }
        out.push_str("\n  <dt>Source</dt><dd><code>");
        esc(out, p.source);
        out.push_str("</code></dd>\n  <dt>For portals</dt><dd><a href=\"");
        esc(out, root);
        esc(out, &p.record_url);
        out.push_str("\" type=\"application/json\">JSON record</a> · ");
        href(out, root, &p.embed_url);
        out.push_str("embeddable fragment</a></dd>\n</dl>\n<div class=\"body\">\n");
        out.push_str(p.body_html);
        out.push_str("\n</div>\n");
        if let Some(payload) = p.payload_html {
            out.push_str(payload);
        }
        out.push('\n');
        if !p.tokens.is_empty() {
            out.push_str(
                "\n<section class=\"tokens\">\n<h2>Replacement tokens</h2>\n\
                 <table class=\"shelf-table\"><thead><tr><th>Token</th><th>Default</th></tr>\
                 </thead><tbody>\n",
            );
            for t in p.tokens {
                escaped_in(out, "<tr><td><code>", &t.name, "</code></td><td>");
                esc(out, &t.default);
                out.push_str("</td></tr>\n");
            }
            out.push_str("</tbody></table>\n</section>\n");
        }
        out.push_str("\n</article>\n");
    });
    out
}

/// `embed.html`.
pub fn embed(p: &EmbedPage) -> String {
    let mut out =
        String::with_capacity(256 + p.body_html.len() + p.payload_html.map_or(0, str::len));
    out.push_str("<article class=\"shelf-article shelf-type-");
    esc(&mut out, &p.self_help_type.to_lowercase());
    out.push_str("\" data-article-id=\"");
    esc(&mut out, p.article_id);
    out.push_str("\" data-type=\"");
    esc(&mut out, p.self_help_type);
    out.push_str("\">\n<div class=\"shelf-body\">\n");
    out.push_str(p.body_html);
    out.push_str("</div>");
    if let Some(payload) = p.payload_html.filter(|h| !h.is_empty()) {
        out.push('\n');
        out.push_str(payload);
    }
    out.push_str("\n</article>\n");
    out
}

/// `list.html`, and `topic.html` (which fills its `before_list` block) when `topic` is set.
pub fn list(p: &ListPage, topic: bool) -> String {
    let mut out = String::with_capacity(2048 + p.count * 256);
    let root = p.site.root;
    base(&mut out, &p.site, title_block(&p.title, &p.site), |out| {
        escaped_in(out, "\n<h1>", &p.title, "</h1>\n");
        if !p.intro.is_empty() {
            out.push_str("<p class=\"lead\">");
            esc(out, &p.intro);
            out.push_str("</p>");
        }
        out.push('\n');
        if topic {
            topic_description(out, root, p.description.as_ref());
        }
        out.push_str("\n<p class=\"count-line\">");
        out.push_str(&p.count.to_string());
        out.push_str(" article");
        if p.count != 1 {
            out.push('s');
        }
        out.push_str("</p>\n");
        for g in &p.groups {
            group(out, root, g);
        }
        out.push('\n');
    });
    out
}

fn group(out: &mut String, root: &str, g: &Group) {
    out.push('\n');
    if !g.name.is_empty() {
        escaped_in(out, "<h2>", &g.name, "</h2>");
    }
    out.push_str("\n<ol class=\"articles\">\n");
    for a in &g.articles {
        out.push_str("\n  <li>");
        href(out, root, &a.url);
        esc(out, a.title);
        out.push_str("</a> <span class=\"badge\">");
        esc(out, a.self_help_type);
        out.push_str("</span>");
        if !a.description.is_empty() {
            escaped_in(out, "<br><small>", a.description, "</small>");
        }
        out.push_str("</li>\n");
    }
    out.push_str("\n</ol>\n");
}

/// `topic.html`'s `before_list` block.
fn topic_description(out: &mut String, root: &str, description: Option<&TopicDescriptionView>) {
    out.push('\n');
    if let Some(d) = description {
        out.push_str("\n<section class=\"topic-description\">\n  ");
        if !d.long.is_empty() {
            escaped_in(out, "<p>", d.long, "</p>");
        }
        out.push_str("\n  <p class=\"meta-line\">");
        if !d.category.is_empty() {
            escaped_in(out, "Category: ", d.category, " · ");
        }
        if !d.search_tags.is_empty() {
            escaped_in(out, "Tags: ", d.search_tags, " · ");
        }
        out.push_str("Described in ");
        href(out, root, &d.source.url);
        esc(out, d.source.title);
        out.push_str("</a></p>\n</section>\n");
    }
    out.push('\n');
}

/// `payload.html` (with the `problem` macro of `macros.html`).
pub fn payload(p: &PayloadPage) -> String {
    let mut out = String::with_capacity(4096);
    let out = &mut out;
    let (slug, root) = (p.slug, p.link_root);
    let kind = match &p.payload {
        PayloadView::Form { .. } => "form",
        PayloadView::Topics { .. } => "topics",
        PayloadView::Problems { .. } => "problems",
        PayloadView::Fields { .. } => "fields",
    };
    out.push_str("\n<section class=\"shelf-payload shelf-payload-");
    out.push_str(kind);
    out.push_str("\">\n");
    match &p.payload {
        PayloadView::Form { title, elements } => {
            out.push_str("\n  <h2>Scoping questions");
            if !title.is_empty() {
                out.push_str(": ");
                esc(out, title);
            }
            out.push_str("</h2>\n  <div class=\"shelf-form\" role=\"group\">\n  ");
            for (i, e) in elements.iter().enumerate() {
                let n = (i + 1).to_string();
                let id = |out: &mut String| {
                    out.push_str(" id=\"");
                    esc(out, slug);
                    out.push_str("-f");
                    out.push_str(&n);
                    out.push('"');
                };
                let control = e.control_type.as_str();
                out.push_str("\n    <div class=\"shelf-field shelf-control-");
                esc(out, &control.to_lowercase());
                out.push_str("\" data-field-id=\"");
                esc(out, &e.id);
                out.push_str("\">\n      <label for=\"");
                esc(out, slug);
                out.push_str("-f");
                out.push_str(&n);
                out.push_str("\">");
                esc(out, &e.label);
                if e.required {
                    out.push_str(" <span class=\"shelf-required\" title=\"required\">*</span>");
                }
                out.push_str("</label>\n      ");
                if control == "dropdown"
                    || control == "multiselectdropdown"
                    || control.starts_with("radio")
                {
                    out.push_str("\n        <select");
                    id(out);
                    out.push_str(" disabled");
                    if control == "multiselectdropdown" {
                        out.push_str(" multiple");
                    }
                    out.push_str(">\n        ");
                    for o in &e.options {
                        escaped_in(out, "<option>", o, "</option>");
                    }
                    out.push_str("\n        </select>\n      ");
                } else if control == "multilinetextbox" {
                    out.push_str("\n        <textarea");
                    id(out);
                    out.push_str(" disabled placeholder=\"");
                    esc(out, &e.watermark);
                    out.push_str("\"></textarea>\n      ");
                } else if control == "datetimepicker" {
                    out.push_str("\n        <input");
                    id(out);
                    out.push_str(" type=\"datetime-local\" disabled>\n      ");
                } else if control == "infoblock" || control == "textblock" {
                    out.push_str("\n        <p class=\"shelf-info\"");
                    id(out);
                    out.push('>');
                    esc(out, &e.info);
                    out.push_str("</p>\n      ");
                } else {
                    out.push_str("\n        <input");
                    id(out);
                    out.push_str(" type=\"text\" disabled placeholder=\"");
                    esc(out, &e.watermark);
                    out.push_str("\">\n      ");
                }
                out.push_str("\n      ");
                if !e.options.is_empty() {
                    out.push_str("<ul class=\"shelf-options\">");
                    for o in &e.options {
                        escaped_in(out, "<li>", o, "</li>");
                    }
                    out.push_str("</ul>");
                }
                out.push_str("\n      <small class=\"shelf-field-meta\"><code>");
                esc(out, &e.id);
                out.push_str("</code> · ");
                esc(out, control);
                if !e.info.is_empty() && control != "infoblock" {
                    out.push_str(" · ");
                    esc(out, &e.info);
                }
                out.push_str("</small>\n    </div>\n  ");
            }
            out.push_str("\n  </div>\n");
        }
        PayloadView::Topics {
            short_description,
            long_description,
            links,
            topics,
        } => {
            out.push_str("\n  <h2>Support topics described</h2>\n  ");
            for text in [short_description, long_description] {
                if !text.is_empty() {
                    escaped_in(out, "<p>", text, "</p>");
                }
                out.push_str("\n  ");
            }
            if !links.is_empty() {
                out.push_str("<ul>");
                for l in links {
                    out.push_str("<li>");
                    link_or(out, "", l.url.as_deref(), &l.name, |out| esc(out, &l.name));
                    out.push_str("</li>");
                }
                out.push_str("</ul>");
            }
            out.push_str(
                "\n  <table class=\"shelf-table\">\n  <thead><tr><th>Topic</th><th>Description\
                 </th><th>Category</th><th>Search tags</th></tr></thead>\n  <tbody>\n  ",
            );
            for t in topics {
                out.push_str("<tr><td>");
                link_or(out, root, t.url.as_deref(), &t.id, code(&t.id));
                out.push_str("</td><td>");
                esc(out, &t.short);
                if !t.long.is_empty() {
                    escaped_in(out, "<br><small>", &t.long, "</small>");
                }
                escaped_in(out, "</td><td>", &t.category, "</td><td>");
                esc(out, &t.search_tags);
                out.push_str("</td></tr>\n  ");
            }
            out.push_str("</tbody>\n  </table>\n");
        }
        PayloadView::Problems { problems, tools } => {
            out.push_str("\n  <h2>Common problems</h2>\n  <ul class=\"shelf-problems\">\n  ");
            for pr in problems {
                out.push_str("\n    <li>");
                problem(out, pr, root);
                out.push_str("\n    ");
                if !pr.sub_problems.is_empty() {
                    out.push_str("<ul>");
                    for sp in &pr.sub_problems {
                        out.push_str("<li>");
                        problem(out, sp, root);
                        out.push_str("</li>");
                    }
                    out.push_str("</ul>");
                }
                out.push_str("\n    </li>\n  ");
            }
            out.push_str("\n  </ul>\n  ");
            if !tools.is_empty() {
                out.push_str("<h2>Troubleshooting tools</h2><dl>");
                for t in tools {
                    escaped_in(out, "<dt>", &t.key, "</dt><dd>");
                    esc(out, &t.value);
                    out.push_str("</dd>");
                }
                out.push_str("</dl>");
            }
            out.push('\n');
        }
        PayloadView::Fields { fields } => {
            out.push_str(
                "\n  <h2>Details</h2>\n  <table class=\"shelf-table shelf-fields\"><tbody>\n  ",
            );
            for f in fields {
                escaped_in(out, "<tr><th>", &f.key, "</th><td>");
                if f.value.starts_with("https://") {
                    href(out, "", &f.value);
                    esc(out, &f.value);
                    out.push_str("</a>");
                } else {
                    esc(out, &f.value);
                }
                out.push_str("</td></tr>\n  ");
            }
            out.push_str("</tbody></table>\n");
        }
    }
    out.push_str("\n</section>\n");
    std::mem::take(out)
}

/// The `problem` macro of `macros.html`.
fn problem(out: &mut String, pr: &Problem, root: &str) {
    escaped_in(out, "<strong>", &pr.title, "</strong>");
    if !pr.category.is_empty() {
        out.push_str(" <span class=\"badge\">");
        esc(out, &pr.category);
        out.push_str("</span>");
    }
    if !pr.description.is_empty() {
        out.push_str(" · ");
        esc(out, &pr.description);
    }
    out.push('\n');
    if let Some(s) = &pr.solution {
        out.push_str("<br>Solution: ");
        link_or(out, root, s.url.as_deref(), &s.name, |out| {
            code(&s.name)(out);
            escaped_in(out, " <small>(", &s.note, ")</small>");
        });
    }
    out.push('\n');
    if let Some(t) = &pr.topic {
        out.push_str(" · topic ");
        link_or(out, root, t.url.as_deref(), &t.name, |out| {
            esc(out, &t.name)
        });
    }
}
