//! The portal's custom elements, made visible and harmless.
//!
//! Articles hold elements no browser knows: `<azureKB>` and `<insight>` (a search or a diagnostic
//! the portal runs), `<video>` with `<src>`/`<title>` children (not HTML5 video: a browser would
//! hide its text) and `<videoGroup>`. Left to the sanitizer they would vanish or turn into loose
//! text, so each becomes a `<div class="shelf-widget" data-widget="...">` that shows what it
//! holds: a link per video, a definition list of an insight's settings. Every value is escaped;
//! links still go through the sanitizer's URL check afterwards.

use crate::base::escape::html_into as escape_attr;

/// A widget element: the name as matched (lowercase) and the label shown above its settings.
const WIDGETS: &[(&str, &str)] = &[
    ("azurekb", "Knowledge base results"),
    ("insight", "Insight diagnostic"),
    ("videogroup", "Videos"),
    ("video", "Video"),
];

/// `html` (one raw-HTML block) with every widget element replaced, or `None` if it has none.
///
/// O(n) however many widgets are left open: for each widget name, the next closing tag is found
/// by a search that only moves forward (an unclosed opener does not rescan the rest).
pub fn rewrite(html: &str) -> Option<String> {
    // Most blocks hold no widget: find one before copying anything.
    let mut from = next_widget(html, 0)?.0;
    let lower = html.to_ascii_lowercase();
    let mut out = String::new();
    let mut copied = 0;
    // Per widget name: the first closing tag at or after where it was last looked for.
    let mut closes: [(usize, Option<usize>); WIDGETS.len()] = [(0, None); WIDGETS.len()];
    let mut searched = [false; WIDGETS.len()];
    while let Some((start, name, label)) = next_widget(html, from) {
        let open_end = match lower[start..].find('>') {
            Some(i) => start + i + 1,
            None => break,
        };
        let which = WIDGETS.iter().position(|(n, _)| *n == name).unwrap_or(0);
        let (looked_from, found) = &mut closes[which];
        if !searched[which] || found.is_some_and(|at| at < open_end) {
            searched[which] = true;
            *looked_from = (*looked_from).max(open_end);
            let close = format!("</{name}");
            *found = memchr::memmem::find(&lower.as_bytes()[*looked_from..], close.as_bytes())
                .map(|i| *looked_from + i);
        }
        let Some(close_at) = *found else {
            // Never closed: left as it is for the sanitizer, which keeps its text.
            from = open_end;
            continue;
        };
        if name == "video" && !lower[open_end..close_at].contains("<src") {
            // An HTML5 video (`<video src=...>`): the sanitizer's business.
            from = open_end;
            continue;
        }
        let end = lower[close_at..]
            .find('>')
            .map_or(html.len(), |i| close_at + i + 1);
        out.push_str(&html[copied..start]);
        render(&mut out, name, label, &html[open_end..close_at]);
        copied = end;
        from = end;
    }
    if copied == 0 {
        return None;
    }
    out.push_str(&html[copied..]);
    Some(out)
}

/// The widget a piece of inline HTML opens, if it is a widget's opening tag.
pub fn opens(html: &str) -> Option<&'static str> {
    widget_at(html).map(|(name, _)| name)
}

/// Whether a piece of inline HTML is the closing tag of widget `name`.
pub fn closes(html: &str, name: &str) -> bool {
    html.strip_prefix("</")
        .and_then(|rest| rest.get(..name.len()))
        .is_some_and(|n| n.eq_ignore_ascii_case(name))
}

/// The widget whose opening tag (`<name>` or `<name ...>`) starts `s`, in any case.
fn widget_at(s: &str) -> Option<(&'static str, &'static str)> {
    let rest = s.strip_prefix('<')?;
    WIDGETS.iter().copied().find(|(name, _)| {
        rest.get(..name.len())
            .is_some_and(|n| n.eq_ignore_ascii_case(name))
            && matches!(
                rest.as_bytes().get(name.len()),
                Some(b'>' | b' ' | b'\t' | b'\n' | b'\r' | b'/')
            )
    })
}

/// The first widget opening tag at or after `from`.
fn next_widget(html: &str, from: usize) -> Option<(usize, &'static str, &'static str)> {
    memchr::memchr_iter(b'<', &html.as_bytes()[from..])
        .map(|i| from + i)
        .find_map(|at| widget_at(&html[at..]).map(|(name, label)| (at, name, label)))
}

fn render(out: &mut String, name: &str, label: &str, inner: &str) {
    let shown_name = match name {
        "azurekb" => "azureKB",
        "videogroup" => "videoGroup",
        other => other,
    };
    out.push_str("<div class=\"shelf-widget\" data-widget=\"");
    out.push_str(shown_name);
    out.push_str("\">");
    match name {
        "video" => video(out, inner),
        "videogroup" => {
            out.push_str("<p class=\"shelf-widget-name\">");
            out.push_str(label);
            out.push_str("</p><ul>");
            let lower = inner.to_ascii_lowercase();
            let mut from = 0;
            while let Some(i) = lower[from..].find("<video") {
                let start = from + i;
                let body_start = lower[start..]
                    .find('>')
                    .map_or(inner.len(), |j| start + j + 1);
                let body_end = lower[body_start..]
                    .find("</video")
                    .map_or(inner.len(), |j| body_start + j);
                out.push_str("<li>");
                video(out, &inner[body_start..body_end]);
                out.push_str("</li>");
                from = body_end.max(start + 1);
            }
            out.push_str("</ul>");
        }
        _ => {
            out.push_str("<p class=\"shelf-widget-name\">");
            out.push_str(label);
            out.push_str("</p><dl>");
            for (key, value) in children(inner) {
                out.push_str("<dt>");
                escape_attr(out, key);
                out.push_str("</dt><dd>");
                escape_attr(out, &value);
                out.push_str("</dd>");
            }
            out.push_str("</dl>");
        }
    }
    out.push_str("</div>");
}

/// A `<src>`/`<title>` video as a link to the video.
fn video(out: &mut String, inner: &str) {
    let kids = children(inner);
    let get = |k: &str| {
        kids.iter()
            .find(|(key, _)| key.eq_ignore_ascii_case(k))
            .map(|(_, v)| v.as_str())
    };
    let src = get("src").unwrap_or("");
    let title = get("title").filter(|t| !t.is_empty()).unwrap_or(src);
    out.push_str("<a href=\"");
    escape_attr(out, src);
    out.push_str("\">");
    escape_attr(out, title);
    out.push_str("</a>");
}

/// The `<key>value</key>` children of a widget, values with whitespace collapsed and entities
/// left as written (they are escaped on output, so they show as typed).
///
/// O(n): the text is lowercased once, and a child that is never closed takes the rest of the
/// text and ends the list.
fn children(inner: &str) -> Vec<(&str, String)> {
    let lower = inner.to_ascii_lowercase();
    let mut kids = Vec::new();
    let mut pos = 0;
    while let Some(open) = inner[pos..].find('<').map(|i| pos + i) {
        let Some(gt) = inner[open + 1..].find('>').map(|i| open + 1 + i) else {
            break;
        };
        let key = inner[open + 1..gt].trim();
        if key.is_empty() || key.starts_with(['/', '!']) || key.contains(char::is_whitespace) {
            pos = gt + 1;
            continue;
        }
        let body = gt + 1;
        let close = format!("</{}", key.to_ascii_lowercase());
        let end = memchr::memmem::find(&lower.as_bytes()[body..], close.as_bytes())
            .map_or(inner.len(), |i| body + i);
        let value = inner[body..end]
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ");
        kids.push((key, value));
        pos = inner[end..].find('>').map_or(inner.len(), |i| end + i + 1);
    }
    kids
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn insight_settings_become_a_definition_list() {
        let html = "<insight>\n  <symptomId>Perf&Co</symptomId>\n  <executionText>We are\n  checking</executionText>\n</insight>\n";
        let out = rewrite(html).unwrap();
        assert_eq!(
            out,
            "<div class=\"shelf-widget\" data-widget=\"insight\"><p class=\"shelf-widget-name\">Insight diagnostic</p><dl><dt>symptomId</dt><dd>Perf&amp;Co</dd><dt>executionText</dt><dd>We are checking</dd></dl></div>\n"
        );
    }

    #[test]
    fn azurekb_is_visible() {
        let out = rewrite("<azureKB>\n<client>portal</client>\n</azureKB>").unwrap();
        assert!(out.contains("data-widget=\"azureKB\""), "{out}");
        assert!(out.contains("<dt>client</dt><dd>portal</dd>"), "{out}");
    }

    #[test]
    fn videos_become_links() {
        let html = "<videoGroup>\n <video>\n  <src>https://v.example/1</src>\n  <title>One</title>\n </video>\n <video><src>https://v.example/2</src></video>\n</videoGroup>";
        let out = rewrite(html).unwrap();
        assert!(
            out.contains("<li><a href=\"https://v.example/1\">One</a></li><li><a href=\"https://v.example/2\">https://v.example/2</a></li>"),
            "{out}"
        );
    }

    #[test]
    fn script_in_a_widget_is_text() {
        let out =
            rewrite("<insight><symptomId><script>alert(1)</script></symptomId></insight>").unwrap();
        assert!(!out.contains("<script"), "{out}");
    }

    #[test]
    fn other_html_is_left_alone() {
        assert_eq!(rewrite("<div>x</div><br>"), None);
        // An unclosed widget stays as written.
        assert_eq!(rewrite("<insight><a>b</a>"), None);
        assert_eq!(
            rewrite("<video src=\"https://v.example/a.mp4\" controls></video>"),
            None
        );
    }
}
