//! The development web server of `shelf serve`: the built site as files, every HTML page with
//! the live-reload script (and the error overlay while edited articles have errors), and a
//! 404 page that says what happened to the page and suggests the nearest ones.
//!
//! Live reload is a long poll: the script asks `/__shelf/poll?since=<generation>` and the
//! answer comes when a rebuild has finished, then the page reloads itself. That needs nothing
//! but `fetch` and survives the server restarting.

use std::collections::HashMap;
use std::fmt::Write as _;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Condvar, Mutex, MutexGuard};
use std::time::Duration;

use percent_encoding::percent_decode_str;
use tiny_http::{Header, Method, Request, Response, Server};

use crate::diagnostic::Diagnostic;
use crate::markdown::escape_attr;

/// How long a poll waits for a rebuild before answering "nothing new".
const POLL_WAIT: Duration = Duration::from_secs(25);

const LIVE_SCRIPT: &str = include_str!("live.js");

/// An error shown in the overlay.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Shown {
    /// `file:line:col`.
    pub location: String,
    pub code: &'static str,
    pub message: String,
}

impl Shown {
    pub fn of(d: &Diagnostic) -> Shown {
        let mut location = d.file.display().to_string();
        if let Some(at) = d.start {
            let _ = write!(location, ":{}:{}", at.line, at.column);
        }
        Shown {
            location,
            code: d.code,
            message: d.message.clone(),
        }
    }
}

/// What the server shows; changed by the rebuild loop.
#[derive(Debug, Default, Clone)]
pub struct Status {
    /// Counts rebuilds; a page reloads when it moves on.
    pub generation: u64,
    /// The site's folder.
    pub output: PathBuf,
    /// Errors in edited articles (or the templates), shown over every page.
    pub errors: Vec<Shown>,
    /// Every article page (path from the site root) and its title, for suggestions.
    pub pages: Vec<(String, String)>,
    /// Pages that went away while serving, and why.
    pub gone: HashMap<String, String>,
}

/// The status shared between the rebuild loop and the server's threads.
#[derive(Default)]
pub struct Live {
    status: Mutex<Status>,
    rebuilt: Condvar,
}

impl Live {
    pub fn new(status: Status) -> Live {
        Live {
            status: Mutex::new(status),
            rebuilt: Condvar::new(),
        }
    }

    fn lock(&self) -> MutexGuard<'_, Status> {
        self.status.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Changes the status as `update` says and tells every open page to reload.
    pub fn publish(&self, update: impl FnOnce(&mut Status)) {
        let mut status = self.lock();
        update(&mut status);
        status.generation += 1;
        drop(status);
        self.rebuilt.notify_all();
    }

    pub fn generation(&self) -> u64 {
        self.lock().generation
    }
}

/// Starts serving on `addr` (port 0 picks a free one) in the background; returns the address
/// it listens on.
pub fn start(addr: SocketAddr, live: Arc<Live>) -> Result<SocketAddr, String> {
    let server = Server::http(addr)
        .map_err(|e| format!("cannot listen on {addr}: {e} (`--port 0` picks a free port)"))?;
    let bound = server
        .server_addr()
        .to_ip()
        .ok_or_else(|| "the server is not on an IP address".to_string())?;
    std::thread::spawn(move || {
        for request in server.incoming_requests() {
            let live = Arc::clone(&live);
            // One thread per request: polls wait for minutes, pages must not queue behind them.
            std::thread::spawn(move || respond(request, &live));
        }
    });
    Ok(bound)
}

fn respond(request: Request, live: &Live) {
    let url = request.url().to_string();
    let (path, query) = url.split_once('?').unwrap_or((&url, ""));
    let response = if !matches!(request.method(), Method::Get | Method::Head) {
        text(
            405,
            "text/plain",
            "shelf serve only answers GET and HEAD".into(),
        )
    } else if path == "/__shelf/live.js" {
        text(200, "text/javascript", LIVE_SCRIPT.into())
    } else if path == "/__shelf/poll" {
        poll(live, query)
    } else {
        file(live, path)
    };
    // The browser may have gone; nothing to do about it.
    let _ = request.respond(response);
}

type Answer = Response<std::io::Cursor<Vec<u8>>>;

fn text(status: u16, content_type: &str, body: Vec<u8>) -> Answer {
    Response::from_data(body)
        .with_status_code(status)
        .with_header(header("Content-Type", content_type))
        .with_header(header("Cache-Control", "no-store"))
}

fn header(name: &str, value: &str) -> Header {
    Header::from_bytes(name.as_bytes(), value.as_bytes())
        .expect("header names and values are ASCII")
}

/// Answers when the generation moves past `since`, or after [`POLL_WAIT`].
fn poll(live: &Live, query: &str) -> Answer {
    let since: u64 = query
        .split('&')
        .find_map(|kv| kv.strip_prefix("since="))
        .and_then(|v| v.parse().ok())
        .unwrap_or(0);
    let status = live.lock();
    let (status, _) = live
        .rebuilt
        .wait_timeout_while(status, POLL_WAIT, |s| s.generation == since)
        .unwrap_or_else(|e| e.into_inner());
    let body = format!(
        "{{\"generation\":{},\"errors\":{}}}",
        status.generation,
        status.errors.len()
    );
    text(200, "application/json", body.into_bytes())
}

fn file(live: &Live, url_path: &str) -> Answer {
    // What a page needs; the page list is copied only for a 404.
    let status = {
        let s = live.lock();
        Status {
            generation: s.generation,
            output: s.output.clone(),
            errors: s.errors.clone(),
            ..Status::default()
        }
    };
    let read = |path: PathBuf| std::fs::read(&path).ok().map(|bytes| (path, bytes));
    let Some((found, bytes)) = resolve(&status.output, url_path).and_then(read) else {
        return not_found(&live.lock().clone(), url_path);
    };
    let content_type = content_type(&found);
    if content_type.starts_with("text/html") {
        let page = String::from_utf8_lossy(&bytes);
        return text(200, content_type, inject(&page, &status).into_bytes());
    }
    text(200, content_type, bytes)
}

/// The file a URL path names below `output`: folders give their `index.html`, a path without
/// an extension may leave out `.html`. Hidden files and `..` are never served.
fn resolve(output: &Path, url_path: &str) -> Option<PathBuf> {
    let decoded = percent_decode_str(url_path).decode_utf8().ok()?;
    let mut path = output.to_path_buf();
    for part in decoded.split('/') {
        if part.is_empty() || part == "." {
            continue;
        }
        if part.starts_with('.') || part.contains(['\\', '\0']) {
            return None;
        }
        path.push(part);
    }
    if path.is_dir() {
        path.push("index.html");
    } else if !path.exists() && path.extension().is_none() {
        path.as_mut_os_string().push(".html");
    }
    path.is_file().then_some(path)
}

fn content_type(path: &Path) -> &'static str {
    match path.extension().and_then(|x| x.to_str()).unwrap_or("") {
        "html" => "text/html; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "js" => "text/javascript; charset=utf-8",
        "json" => "application/json",
        "xml" => "application/xml",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "txt" => "text/plain; charset=utf-8",
        _ => "application/octet-stream",
    }
}

/// The page with the live-reload script, and the overlay when there are errors, before
/// `</body>`.
fn inject(page: &str, status: &Status) -> String {
    let mut extra = String::new();
    if !status.errors.is_empty() {
        overlay(&mut extra, &status.errors);
    }
    let _ = write!(
        extra,
        "<script src=\"/__shelf/live.js\" data-generation=\"{}\"></script>",
        status.generation
    );
    let at = page.rfind("</body>").unwrap_or(page.len());
    let mut out = String::with_capacity(page.len() + extra.len());
    out.push_str(&page[..at]);
    out.push_str(&extra);
    out.push_str(&page[at..]);
    out
}

fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    escape_attr(&mut out, s);
    out
}

fn overlay(out: &mut String, errors: &[Shown]) {
    let n = errors.len();
    let _ = write!(
        out,
        "<div id=\"shelf-overlay\" role=\"alert\" style=\"position:fixed;inset:0;z-index:2147483647;\
         overflow:auto;background:rgba(20,20,24,.94);color:#f4f4f5;font:15px/1.5 ui-monospace,\
         SFMono-Regular,Menlo,Consolas,monospace;padding:2rem\">\
         <button type=\"button\" onclick=\"this.parentNode.remove()\" style=\"float:right;\
         font:inherit\">Close</button>\
         <h2 style=\"color:#fca5a5;margin-top:0\">{n} error{} in the articles you changed</h2>\
         <p>The site shows the last build that could be made; fix these and it reloads.</p><ol>",
        crate::emit::plural(n)
    );
    for e in errors {
        let _ = write!(
            out,
            "<li class=\"shelf-overlay-error\"><code style=\"color:#93c5fd\">{}</code> \
             <code style=\"color:#fca5a5\">{}</code><br>{}</li>",
            esc(&e.location),
            e.code,
            esc(&e.message)
        );
    }
    out.push_str("</ol></div>");
}

fn not_found(status: &Status, url_path: &str) -> Answer {
    let wanted = url_path.trim_start_matches('/');
    let mut body = String::from(
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\">\
         <title>Not found · shelf serve</title><link rel=\"stylesheet\" href=\"/style.css\">\
         </head><body><main class=\"container\">",
    );
    let _ = write!(body, "<h1>No page at <code>/{}</code></h1>", esc(wanted));
    if let Some(why) = status.gone.get(wanted) {
        let _ = write!(body, "<p class=\"shelf-gone\">{}</p>", esc(why));
    }
    let suggestions = nearest(&status.pages, wanted);
    if !suggestions.is_empty() {
        body.push_str("<p>Pages with a similar name:</p><ul class=\"shelf-suggestions\">");
        for (page, title) in suggestions {
            let _ = write!(
                body,
                "<li><a href=\"/{}\">{}</a> <code>{}</code></li>",
                esc(page),
                esc(title),
                esc(page)
            );
        }
        body.push_str("</ul>");
    }
    body.push_str(
        "<p>Start from <a href=\"/\">the home page</a>, <a href=\"/topics/\">the support \
         topics</a> or <a href=\"/search.html\">search</a>. Article pages are \
         <code>articles/&lt;articleId&gt;.html</code>.</p></main></body></html>",
    );
    text(
        404,
        "text/html; charset=utf-8",
        inject(&body, status).into_bytes(),
    )
}

/// Up to five pages whose path or title is closest to `wanted`.
fn nearest<'a>(pages: &'a [(String, String)], wanted: &str) -> Vec<&'a (String, String)> {
    let stem = wanted
        .rsplit('/')
        .next()
        .unwrap_or(wanted)
        .trim_end_matches(".html")
        .to_lowercase();
    if stem.is_empty() {
        return Vec::new();
    }
    let mut scored: Vec<(f64, &(String, String))> = pages
        .iter()
        .map(|p| {
            let slug =
                p.0.rsplit('/')
                    .next()
                    .unwrap_or(&p.0)
                    .trim_end_matches(".html");
            let score = strsim::jaro_winkler(&stem, slug)
                .max(strsim::jaro_winkler(&stem, &p.1.to_lowercase()));
            (score, p)
        })
        .filter(|(score, _)| *score > 0.75)
        .collect();
    scored.sort_by(|a, b| b.0.total_cmp(&a.0).then_with(|| a.1.0.cmp(&b.1.0)));
    scored.into_iter().take(5).map(|(_, p)| p).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn resolves_folders_extensionless_paths_and_refuses_escapes() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path();
        std::fs::create_dir_all(out.join("topics")).unwrap();
        std::fs::write(out.join("index.html"), "home").unwrap();
        std::fs::write(out.join("topics/index.html"), "t").unwrap();
        std::fs::write(out.join("topics/a b.html"), "ab").unwrap();
        std::fs::write(out.join(".shelf-output"), "").unwrap();
        assert_eq!(resolve(out, "/"), Some(out.join("index.html")));
        assert_eq!(
            resolve(out, "/topics/"),
            Some(out.join("topics/index.html"))
        );
        assert_eq!(
            resolve(out, "/topics/a%20b"),
            Some(out.join("topics/a b.html"))
        );
        assert_eq!(resolve(out, "/.shelf-output"), None);
        assert_eq!(resolve(out, "/../etc/passwd"), None);
        assert_eq!(resolve(out, "/topics/%2e%2e/%2e%2e/x"), None);
        assert_eq!(resolve(out, "/missing.html"), None);
    }

    #[test]
    fn pages_get_the_script_and_escaped_overlay_before_body_end() {
        let status = Status {
            generation: 7,
            errors: vec![Shown {
                location: "a.md:1:2".into(),
                code: "SH101",
                message: "bad <script>".into(),
            }],
            ..Status::default()
        };
        let page = inject("<html><body><p>x</p></body></html>", &status);
        let script = page.find("data-generation=\"7\"").unwrap();
        let overlay = page.find("id=\"shelf-overlay\"").unwrap();
        assert!(overlay < script && script < page.find("</body>").unwrap());
        assert!(page.contains("bad &lt;script&gt;") && !page.contains("bad <script>"));
        assert!(page.contains("a.md:1:2"));
        let clean = inject("<p>no body tag", &Status::default());
        assert!(clean.ends_with("</script>") && !clean.contains("shelf-overlay"));
    }

    #[test]
    fn suggestions_are_the_closest_pages() {
        let pages = vec![
            (
                "articles/vm-restart.html".to_string(),
                "Restart a VM".to_string(),
            ),
            (
                "articles/vm-resize.html".to_string(),
                "Resize a VM".to_string(),
            ),
            (
                "articles/storage-keys.html".to_string(),
                "Rotate keys".to_string(),
            ),
        ];
        let near = nearest(&pages, "articles/vm-restrat.html");
        assert_eq!(near[0].0, "articles/vm-restart.html");
        assert!(near.iter().all(|p| !p.0.contains("storage")));
        assert!(nearest(&pages, "").is_empty());
    }
}
