//! The development web server of `shelf serve`: the built site as files, every HTML page with
//! the live-reload script (and the error overlay while edited articles have errors), and a
//! 404 page that says what happened to the page and suggests the nearest ones.
//!
//! Live reload is a long poll: the script asks `/__shelf/poll?since=<generation>` and the
//! answer comes when a rebuild has finished, then the page reloads itself. That needs nothing
//! but `fetch` and survives the server restarting.
//!
//! It runs on hyper over tokio, and every resource a client can make it spend is bounded, so a
//! page in the browser, a script on the network or a stuck client cannot stop it answering:
//! connections ([`max_connections`]; past the limit a new one is closed at once), the time to
//! send a request head ([`HEAD_TIMEOUT`], idle keep-alive connections included), the head's
//! size ([`MAX_HEAD_BYTES`], [`MAX_HEADERS`]), the path's length ([`MAX_PATH_BYTES`]), the time
//! to answer ([`ANSWER_TIMEOUT`]) and the work of a 404's suggestions (see [`nearest`]). A
//! request whose `Host` is not this machine (an IP address, `localhost`, or a name given with
//! `--allowed-host`) is refused, so a web page that rebinds its own name to 127.0.0.1 cannot
//! read the site. Files are opened without following symlinks ([`crate::base::nofollow`]): a link
//! planted in the output is not served.

use std::collections::HashMap;
use std::convert::Infallible;
use std::fmt::Write as _;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use bytes::Bytes;
use http_body_util::Full;
use hyper::body::Incoming;
use hyper::header::{self, HeaderValue};
use hyper::{Method, Request, Response, StatusCode};
use percent_encoding::percent_decode_str;
use tokio::sync::{Semaphore, watch};

use crate::base::diagnostic::{Diagnostic, Severity};
use crate::base::nofollow::{Dir, Kind};

/// How long a poll waits for a rebuild before answering "nothing new".
const POLL_WAIT: Duration = Duration::from_secs(25);
/// How long a client has to send a request head, and how long an idle keep-alive connection
/// stays open.
pub const HEAD_TIMEOUT: Duration = Duration::from_secs(10);
/// The largest request head (request line and headers) read; a larger one gets 431.
pub const MAX_HEAD_BYTES: usize = 16 * 1024;
pub const MAX_HEADERS: usize = 64;
/// The longest URL path answered; a longer one gets 414. No page of a site is near it.
pub const MAX_PATH_BYTES: usize = 2048;
/// How much of a missing page's name and of each page's name and title a 404 compares.
const COMPARED_CHARS: usize = 48;
/// The longest a file or 404 answer may take before the client gets 503.
const ANSWER_TIMEOUT: Duration = Duration::from_secs(10);

const LIVE_SCRIPT: &str = include_str!("live.js");

/// An error shown in the overlay.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Shown {
    pub severity: Severity,
    /// `file:line:col`.
    pub location: String,
    pub code: &'static str,
    /// The rule's name (`list-after-paragraph`); empty for a build failure.
    pub rule: &'static str,
    pub message: String,
    pub help: Option<String>,
}

impl Shown {
    pub fn of(d: &Diagnostic) -> Shown {
        let mut location = d.file.display().to_string();
        if let Some(at) = d.start {
            let _ = write!(location, ":{}:{}", at.line, at.column);
        }
        Shown {
            severity: d.severity,
            location,
            code: d.code,
            rule: d.rule,
            message: d.message.clone(),
            help: d.help.clone(),
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
    /// The errors and warnings of the edited articles (or a build failure), shown on every
    /// page.
    pub errors: Vec<Shown>,
    /// Every article page (path from the site root) and its title, for suggestions.
    pub pages: Vec<(String, String)>,
    /// Pages that went away while serving, and why.
    pub gone: HashMap<String, String>,
}

/// The status shared between the rebuild loop and the server.
pub struct Live {
    status: Mutex<Status>,
    /// The generation, for the polls waiting on it.
    rebuilt: watch::Sender<u64>,
}

impl Default for Live {
    fn default() -> Live {
        Live::new(Status::default())
    }
}

impl Live {
    pub fn new(status: Status) -> Live {
        let generation = status.generation;
        Live {
            status: Mutex::new(status),
            rebuilt: watch::Sender::new(generation),
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
        let generation = status.generation;
        drop(status);
        self.rebuilt.send_replace(generation);
    }

    pub fn generation(&self) -> u64 {
        self.lock().generation
    }
}

/// Starts serving on `addr` (port 0 picks a free one) in the background; returns the address
/// it listens on. `allowed_hosts` are host names answered besides IP addresses and
/// `localhost`.
pub fn start(
    addr: SocketAddr,
    live: Arc<Live>,
    allowed_hosts: Vec<String>,
) -> Result<SocketAddr, String> {
    let listener = std::net::TcpListener::bind(addr)
        .map_err(|e| format!("cannot listen on {addr}: {e} (`--port 0` picks a free port)"))?;
    let bound = listener.local_addr().map_err(|e| e.to_string())?;
    listener.set_nonblocking(true).map_err(|e| e.to_string())?;
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .thread_name("shelf-serve")
        .enable_all()
        .build()
        .map_err(|e| format!("cannot start the web server: {e}"))?;
    let hosts: Arc<[String]> = allowed_hosts.into();
    std::thread::spawn(move || {
        runtime.block_on(async move {
            match tokio::net::TcpListener::from_std(listener) {
                Ok(listener) => accept(listener, live, hosts).await,
                Err(e) => eprintln!("error: the web server stopped: {e}"),
            }
        });
    });
    Ok(bound)
}

/// How many connections are served at once: what the open-file limit allows (raised to its
/// hard maximum first), less room for the watcher and rebuilds, at most 1,024.
pub fn max_connections() -> usize {
    #[cfg(unix)]
    {
        use rustix::process::{Resource, getrlimit, setrlimit};
        let mut limit = getrlimit(Resource::Nofile);
        if let Some(max) = limit.maximum {
            limit.current = Some(max.min(8192).max(limit.current.unwrap_or(0)));
            let _ = setrlimit(Resource::Nofile, limit);
        }
        let files = getrlimit(Resource::Nofile).current.unwrap_or(1024);
        (files.saturating_sub(128) as usize).clamp(16, 1024)
    }
    #[cfg(not(unix))]
    {
        256
    }
}

async fn accept(listener: tokio::net::TcpListener, live: Arc<Live>, hosts: Arc<[String]>) {
    let permits = Arc::new(Semaphore::new(max_connections()));
    loop {
        let stream = match listener.accept().await {
            Ok((stream, _)) => stream,
            // Out of file descriptors, say: wait for connections to close, never give up.
            Err(_) => {
                tokio::time::sleep(Duration::from_millis(20)).await;
                continue;
            }
        };
        // Past the limit a connection is closed at once: the others keep being answered.
        let Ok(permit) = Arc::clone(&permits).try_acquire_owned() else {
            drop(stream);
            continue;
        };
        let (live, hosts) = (Arc::clone(&live), Arc::clone(&hosts));
        tokio::spawn(async move {
            let service = hyper::service::service_fn(move |request| {
                let (live, hosts) = (Arc::clone(&live), Arc::clone(&hosts));
                async move { Ok::<_, Infallible>(respond(request, live, &hosts).await) }
            });
            let connection = hyper::server::conn::http1::Builder::new()
                .timer(hyper_util::rt::TokioTimer::new())
                .header_read_timeout(HEAD_TIMEOUT)
                .max_buf_size(MAX_HEAD_BYTES)
                .max_headers(MAX_HEADERS)
                .serve_connection(hyper_util::rt::TokioIo::new(stream), service);
            // A client that went away or sent garbage: nothing to do about it.
            let _ = connection.await;
            drop(permit);
        });
    }
}

/// An answer before it becomes a response.
struct Answer {
    status: u16,
    content_type: String,
    /// `gzip` for a precompressed file sent to a client that accepts it.
    encoding: Option<&'static str>,
    body: Vec<u8>,
}

fn text(status: u16, content_type: &str, body: Vec<u8>) -> Answer {
    Answer {
        status,
        content_type: content_type.to_string(),
        encoding: None,
        body,
    }
}

async fn respond(
    request: Request<Incoming>,
    live: Arc<Live>,
    hosts: &[String],
) -> Response<Full<Bytes>> {
    let answer = answer(&request, live, hosts).await;
    let mut response = Response::new(Full::new(Bytes::from(answer.body)));
    *response.status_mut() =
        StatusCode::from_u16(answer.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let headers = response.headers_mut();
    if let Ok(value) = HeaderValue::from_str(&answer.content_type) {
        headers.insert(header::CONTENT_TYPE, value);
    }
    if let Some(encoding) = answer.encoding {
        headers.insert(header::CONTENT_ENCODING, HeaderValue::from_static(encoding));
    }
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    response
}

async fn answer(request: &Request<Incoming>, live: Arc<Live>, hosts: &[String]) -> Answer {
    if !matches!(*request.method(), Method::GET | Method::HEAD) {
        return text(
            405,
            "text/plain",
            b"shelf serve only answers GET and HEAD".to_vec(),
        );
    }
    let host = request
        .headers()
        .get(header::HOST)
        .map(|h| h.to_str().unwrap_or("\u{fffd}"))
        .or_else(|| request.uri().authority().map(|a| a.as_str()));
    if !host_is_allowed(host, hosts) {
        let message = format!(
            "shelf serve answers only requests for this machine (an IP address or localhost), \
             not for {:?}: a web page that points its own name at your machine must not read \
             your site. To open it by another name, start it with `--allowed-host NAME`.",
            host.unwrap_or_default()
        );
        return text(403, "text/plain; charset=utf-8", message.into_bytes());
    }
    let path = request.uri().path();
    if path.len() > MAX_PATH_BYTES {
        let message = format!("the path is longer than {MAX_PATH_BYTES} bytes");
        return text(414, "text/plain", message.into_bytes());
    }
    let query = request.uri().query().unwrap_or("");
    if path == "/__shelf/live.js" {
        return text(200, "text/javascript; charset=utf-8", LIVE_SCRIPT.into());
    }
    if path == "/__shelf/poll" {
        return poll(&live, query).await;
    }
    let gzip = request
        .headers()
        .get(header::ACCEPT_ENCODING)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.split(',').any(|e| e.trim().starts_with("gzip")));
    let path = path.to_string();
    let work = tokio::task::spawn_blocking(move || file(&live, &path, gzip));
    match tokio::time::timeout(ANSWER_TIMEOUT, work).await {
        Ok(Ok(answer)) => answer,
        _ => text(
            503,
            "text/plain",
            b"shelf serve is busy; try again".to_vec(),
        ),
    }
}

/// Whether a request for `host` (the `Host` header, port and all) is for this machine: an IP
/// address (a rebinding page cannot make the browser send one for its own name), `localhost`
/// and names below it, or a name the user allowed. A request without a host (HTTP/1.0 from a
/// script) is not from a browser and is answered.
fn host_is_allowed(host: Option<&str>, allowed: &[String]) -> bool {
    let Some(host) = host else {
        return true;
    };
    let name = if let Some(rest) = host.strip_prefix('[') {
        // [::1]:4747
        match rest.split_once(']') {
            Some((ip, _)) => return ip.parse::<std::net::Ipv6Addr>().is_ok(),
            None => return false,
        }
    } else {
        match host.rsplit_once(':') {
            Some((name, port)) if port.bytes().all(|b| b.is_ascii_digit()) => name,
            _ => host,
        }
    };
    let name = name.trim_end_matches('.').to_ascii_lowercase();
    name.parse::<std::net::Ipv4Addr>().is_ok()
        || name == "localhost"
        || name.ends_with(".localhost")
        || allowed.iter().any(|a| a.eq_ignore_ascii_case(&name))
}

/// Answers when the generation moves past `since`, or after [`POLL_WAIT`].
async fn poll(live: &Live, query: &str) -> Answer {
    let since: u64 = query
        .split('&')
        .find_map(|kv| kv.strip_prefix("since="))
        .and_then(|v| v.parse().ok())
        .unwrap_or(0);
    let mut rebuilt = live.rebuilt.subscribe();
    let _ = tokio::time::timeout(POLL_WAIT, rebuilt.wait_for(|g| *g != since)).await;
    let body = {
        let status = live.lock();
        let errors = status
            .errors
            .iter()
            .filter(|e| e.severity == Severity::Error)
            .count();
        format!(
            "{{\"generation\":{},\"errors\":{errors},\"warnings\":{}}}",
            status.generation,
            status.errors.len() - errors
        )
    };
    text(200, "application/json", body.into_bytes())
}

fn file(live: &Live, url_path: &str, gzip: bool) -> Answer {
    let output = live.lock().output.clone();
    let Some((name, bytes)) = resolve(&output, url_path) else {
        return not_found(&live.lock(), url_path);
    };
    let (content_type, encoding) = content_type(&name, gzip);
    if content_type.starts_with("text/html") {
        let page = String::from_utf8_lossy(&bytes);
        let status = live.lock();
        return text(200, &content_type, inject(&page, &status).into_bytes());
    }
    Answer {
        status: 200,
        content_type,
        encoding,
        body: bytes,
    }
}

/// The file a URL path names below `output`, and its name: folders give their `index.html`, a
/// path without an extension may leave out `.html`. Hidden files, `..` and anything through
/// a symlink are never served.
fn resolve(output: &std::path::Path, url_path: &str) -> Option<(String, Vec<u8>)> {
    let decoded = percent_decode_str(url_path).decode_utf8().ok()?;
    let mut parts = Vec::new();
    for part in decoded.split('/') {
        if part.is_empty() || part == "." {
            continue;
        }
        if part.starts_with('.') || part.contains(['\\', '\0']) {
            return None;
        }
        parts.push(part);
    }
    let root = Dir::open(output).ok()?;
    let (folder, name) = match parts.split_last() {
        None => (root, "index.html".to_string()),
        Some((last, up)) => {
            let folder = root.below(&up.join("/"), false).ok()?;
            match folder.kind(last).ok()? {
                Some(Kind::Dir) => (folder.child(last, false).ok()?, "index.html".to_string()),
                None if !last.contains('.') => (folder, format!("{last}.html")),
                _ => (folder, last.to_string()),
            }
        }
    };
    let bytes = folder.read(&name).ok()?;
    Some((name, bytes))
}

/// The content type of the file `name`, from the standard table; a precompressed `.gz` file is
/// sent as what it holds, gzip-encoded, to a client that accepts gzip.
fn content_type(name: &str, gzip: bool) -> (String, Option<&'static str>) {
    let (name, encoding) = match name.strip_suffix(".gz") {
        Some(inner) if gzip && inner.contains('.') => (inner, Some("gzip")),
        _ => (name, None),
    };
    let mime = mime_guess::from_path(name).first_or_octet_stream();
    let textual = mime.type_() == mime_guess::mime::TEXT
        || mime.subtype() == mime_guess::mime::JAVASCRIPT
        || mime.subtype() == mime_guess::mime::XML;
    let content_type = if textual && mime.get_param("charset").is_none() {
        format!("{mime}; charset=utf-8")
    } else {
        mime.to_string()
    };
    (content_type, encoding)
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
    crate::base::escape::html(s)
}

/// What `shelf check` says about the edited articles: over the whole page when one has an
/// error, in a corner when they have only warnings.
fn overlay(out: &mut String, shown: &[Shown]) {
    let errors = shown
        .iter()
        .filter(|e| e.severity == Severity::Error)
        .count();
    let warnings = shown.len() - errors;
    let counts = match (errors, warnings) {
        (e, 0) => format!("{e} error{}", crate::check::emit::plural(e)),
        (0, w) => format!("{w} warning{}", crate::check::emit::plural(w)),
        (e, w) => format!(
            "{e} error{} and {w} warning{}",
            crate::check::emit::plural(e),
            crate::check::emit::plural(w)
        ),
    };
    let build_failed = shown.iter().any(|e| e.rule.is_empty());
    let place = if errors > 0 {
        "inset:0;background:rgba(20,20,24,.94);padding:2rem"
    } else {
        "right:1rem;bottom:1rem;max-width:40rem;max-height:50vh;background:rgba(20,20,24,.9);\
         padding:1rem;border-radius:.5rem"
    };
    let _ = write!(
        out,
        "<div id=\"shelf-overlay\" role=\"{}\" data-errors=\"{errors}\" \
         data-warnings=\"{warnings}\" style=\"position:fixed;{place};z-index:2147483647;\
         overflow:auto;color:#f4f4f5;font:15px/1.5 ui-monospace,SFMono-Regular,Menlo,Consolas,\
         monospace\"><button type=\"button\" onclick=\"this.parentNode.remove()\" \
         style=\"float:right;font:inherit\">Close</button>",
        if errors > 0 { "alert" } else { "status" }
    );
    if build_failed {
        let _ = write!(
            out,
            "<h2 style=\"color:#fca5a5;margin-top:0\">The site could not be rebuilt</h2>\
             <p>The pages are those of the last rebuild that succeeded; fix this and they \
             reload.</p><ol>"
        );
    } else {
        let _ = write!(
            out,
            "<h2 style=\"color:{};margin:0 0 .5rem\">{counts} in the articles you changed</h2>\
             <p style=\"margin:0\">What <code>shelf check</code> reports. Pages show the \
             articles as they are now; an article whose error keeps it from being built has no \
             page until it is fixed.</p><ol>",
            if errors > 0 { "#fca5a5" } else { "#fde68a" }
        );
    }
    for e in shown {
        let (class, colour) = match e.severity {
            Severity::Error => ("shelf-overlay-error", "#fca5a5"),
            _ => ("shelf-overlay-warning", "#fde68a"),
        };
        let _ = write!(
            out,
            "<li class=\"{class}\"><code style=\"color:#93c5fd\">{}</code> \
             <code style=\"color:{colour}\">{}[{}]</code> <code>{}</code><br>{}",
            esc(&e.location),
            e.severity,
            e.code,
            e.rule,
            esc(&e.message)
        );
        if let Some(help) = &e.help {
            let _ = write!(
                out,
                "<br><span style=\"color:#a1a1aa\">help: {}</span>",
                esc(help)
            );
        }
        out.push_str("</li>");
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
    let shown: String = wanted.chars().take(200).collect();
    let ellipsis = if shown.len() < wanted.len() {
        "…"
    } else {
        ""
    };
    let _ = write!(
        body,
        "<h1>No page at <code>/{}{ellipsis}</code></h1>",
        esc(&shown)
    );
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
///
/// The work is bounded whatever the path: both sides of a comparison are cut to
/// [`COMPARED_CHARS`] characters, so a 404 costs at most pages × 2 comparisons of that size
/// (a few milliseconds on 5,500 pages), however long the path asked for.
fn nearest<'a>(pages: &'a [(String, String)], wanted: &str) -> Vec<&'a (String, String)> {
    let stem: String = wanted
        .rsplit('/')
        .next()
        .unwrap_or(wanted)
        .trim_end_matches(".html")
        .chars()
        .take(COMPARED_CHARS)
        .flat_map(char::to_lowercase)
        .collect();
    if stem.is_empty() {
        return Vec::new();
    }
    let cut = |s: &str| -> String {
        s.chars()
            .take(COMPARED_CHARS)
            .flat_map(char::to_lowercase)
            .collect()
    };
    let mut scored: Vec<(f64, &(String, String))> = pages
        .iter()
        .map(|p| {
            let slug =
                p.0.rsplit('/')
                    .next()
                    .unwrap_or(&p.0)
                    .trim_end_matches(".html");
            let score = strsim::jaro_winkler(&stem, &cut(slug))
                .max(strsim::jaro_winkler(&stem, &cut(&p.1)));
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
        let got =
            |path: &str| resolve(out, path).map(|(_, bytes)| String::from_utf8(bytes).unwrap());
        assert_eq!(got("/").as_deref(), Some("home"));
        assert_eq!(got("/topics/").as_deref(), Some("t"));
        assert_eq!(got("/topics").as_deref(), Some("t"));
        assert_eq!(got("/topics/a%20b").as_deref(), Some("ab"));
        assert_eq!(got("/topics/a%20b.html").as_deref(), Some("ab"));
        assert_eq!(got("/.shelf-output"), None);
        assert_eq!(got("/../etc/passwd"), None);
        assert_eq!(got("/topics/%2e%2e/%2e%2e/x"), None);
        assert_eq!(got("/missing.html"), None);
    }

    #[cfg(unix)]
    #[test]
    fn symlinks_planted_in_the_output_are_not_served() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("out");
        std::fs::create_dir_all(out.join("articles")).unwrap();
        std::fs::write(dir.path().join("secret"), "secret").unwrap();
        std::fs::create_dir(dir.path().join("elsewhere")).unwrap();
        std::fs::write(dir.path().join("elsewhere/index.html"), "secret").unwrap();
        let link = std::os::unix::fs::symlink;
        link(dir.path().join("secret"), out.join("articles/x.html")).unwrap();
        link(dir.path().join("elsewhere"), out.join("topics")).unwrap();
        link(std::path::PathBuf::from("/etc/passwd"), out.join("passwd")).unwrap();
        for path in [
            "/articles/x.html",
            "/articles/x",
            "/topics/",
            "/topics/index.html",
            "/passwd",
        ] {
            assert_eq!(resolve(&out, path), None, "{path}");
        }
    }

    #[test]
    fn only_hosts_of_this_machine_are_answered() {
        let extra = vec!["docs.internal".to_string()];
        for host in [
            None,
            Some("127.0.0.1:4747"),
            Some("127.0.0.1"),
            Some("localhost:4747"),
            Some("LOCALHOST."),
            Some("app.localhost:80"),
            Some("[::1]:4747"),
            Some("192.168.1.20:4747"),
            Some("docs.internal:4747"),
        ] {
            assert!(host_is_allowed(host, &extra), "{host:?}");
        }
        for host in [
            Some("attacker.example:4747"),
            Some("attacker.example"),
            Some("localhost.attacker.example"),
            Some("127.0.0.1.nip.io"),
            Some("[::1"),
            Some(""),
        ] {
            assert!(!host_is_allowed(host, &extra), "{host:?}");
        }
    }

    #[test]
    fn content_types_come_from_the_standard_table() {
        let types = [
            ("a.html", "text/html; charset=utf-8"),
            ("a.css", "text/css; charset=utf-8"),
            ("a.js", "text/javascript; charset=utf-8"),
            ("a.json", "application/json"),
            ("a.xml", "text/xml; charset=utf-8"),
            ("a.svg", "image/svg+xml"),
            ("a.woff2", "font/woff2"),
            ("a.webp", "image/webp"),
            ("a.unknownext", "application/octet-stream"),
        ];
        for (name, expected) in types {
            assert_eq!(
                content_type(name, true),
                (expected.to_string(), None),
                "{name}"
            );
        }
        assert_eq!(
            content_type("terms/abc.json.gz", true),
            ("application/json".to_string(), Some("gzip"))
        );
        assert_eq!(content_type("terms/abc.json.gz", false).1, None);
    }

    #[test]
    fn a_404_s_suggestions_cost_the_same_however_long_the_path() {
        let pages: Vec<(String, String)> = (0..5000)
            .map(|i| {
                (
                    format!("articles/page-{i}.html"),
                    format!("Title number {i}"),
                )
            })
            .collect();
        // The best of three, so a busy machine does not decide.
        let time = |wanted: &str| {
            (0..3)
                .map(|_| {
                    let started = std::time::Instant::now();
                    let _ = nearest(&pages, wanted);
                    started.elapsed()
                })
                .min()
                .unwrap()
        };
        let cut = time(&format!("articles/{}.html", "x".repeat(COMPARED_CHARS)));
        let long = time(&format!("articles/{}.html", "x".repeat(1_000_000)));
        // Both compare the same number of characters; generous for a loaded machine.
        assert!(
            long < cut * 3 + std::time::Duration::from_millis(100),
            "{cut:?} vs {long:?}"
        );
    }

    #[test]
    fn pages_get_the_script_and_escaped_overlay_before_body_end() {
        let status = Status {
            generation: 7,
            errors: vec![Shown {
                severity: Severity::Error,
                location: "a.md:1:2".into(),
                code: "SH101",
                rule: "unknown-property",
                message: "bad <script>".into(),
                help: Some("did you mean <b>?".into()),
            }],
            ..Status::default()
        };
        let page = inject("<html><body><p>x</p></body></html>", &status);
        let script = page.find("data-generation=\"7\"").unwrap();
        let overlay = page.find("id=\"shelf-overlay\"").unwrap();
        assert!(overlay < script && script < page.find("</body>").unwrap());
        assert!(page.contains("bad &lt;script&gt;") && !page.contains("bad <script>"));
        assert!(page.contains("help: did you mean &lt;b&gt;?"));
        assert!(page.contains("a.md:1:2") && page.contains("error[SH101]"));
        assert!(page.contains("unknown-property") && page.contains("1 error in"));
        assert!(page.contains("role=\"alert\""), "an error covers the page");
        let clean = inject("<p>no body tag", &Status::default());
        assert!(clean.ends_with("</script>") && !clean.contains("shelf-overlay"));
    }

    #[test]
    fn warnings_alone_show_in_a_corner_and_a_failed_rebuild_says_what_is_shown() {
        let warning = Shown {
            severity: Severity::Warning,
            location: "a.md:3:1".into(),
            code: "SH307",
            rule: "table",
            message: "a table".into(),
            help: None,
        };
        let mut status = Status {
            errors: vec![warning.clone(), warning],
            ..Status::default()
        };
        let page = inject("<body></body>", &status);
        assert!(page.contains("2 warnings in the articles you changed"));
        assert!(page.contains("role=\"status\"") && !page.contains("inset:0"));
        assert!(page.contains("warning[SH307]") && !page.contains("last rebuild"));
        status.errors = vec![Shown {
            severity: Severity::Error,
            location: "templates".into(),
            code: "build",
            rule: "",
            message: "a template does not compile".into(),
            help: None,
        }];
        let page = inject("<body></body>", &status);
        assert!(page.contains("could not be rebuilt") && page.contains("last rebuild"));
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
