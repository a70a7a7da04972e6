//! What the browser tests share: a static file server on 127.0.0.1 that records every byte it
//! sends, and headless Chromium (Debian's `chromium` package), installed on first use when it is
//! missing and the test runs as root with apt (`.ci/run` installs it up front).

use std::io::{BufRead, BufReader, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, OnceLock};
use std::time::{Duration, Instant};

use headless_chrome::{Browser, LaunchOptions, Tab};

/// One response the server sent: the path asked for and the bytes of the body.
#[derive(Clone, Debug)]
pub struct Served {
    pub path: String,
    pub bytes: usize,
}

/// A static file server for one folder, on a free port of 127.0.0.1, for the life of the test
/// binary.
pub struct Server {
    pub port: u16,
    log: Arc<Mutex<Vec<Served>>>,
}

impl Server {
    pub fn start(root: &Path) -> Server {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind 127.0.0.1");
        let port = listener.local_addr().unwrap().port();
        let log = Arc::new(Mutex::new(Vec::new()));
        let (root, shared) = (root.to_path_buf(), Arc::clone(&log));
        std::thread::spawn(move || {
            for stream in listener.incoming().flatten() {
                let (root, log) = (root.clone(), Arc::clone(&shared));
                std::thread::spawn(move || {
                    let _ = respond(stream, &root, &log);
                });
            }
        });
        Server { port, log }
    }

    pub fn url(&self, path: &str) -> String {
        format!(
            "http://127.0.0.1:{}/{}",
            self.port,
            path.trim_start_matches('/')
        )
    }

    /// Everything served from now on is recorded afresh.
    pub fn clear_log(&self) {
        self.log.lock().unwrap().clear();
    }

    pub fn log(&self) -> Vec<Served> {
        self.log.lock().unwrap().clone()
    }
}

fn respond(mut stream: TcpStream, root: &Path, log: &Mutex<Vec<Served>>) -> std::io::Result<()> {
    let mut reader = BufReader::new(stream.try_clone()?);
    let mut request = String::new();
    reader.read_line(&mut request)?;
    // Read the headers; nothing in them matters here.
    let mut line = String::new();
    while reader.read_line(&mut line)? > 2 {
        line.clear();
    }
    let target = request.split_whitespace().nth(1).unwrap_or("/");
    let path = percent_decode(target.split(['?', '#']).next().unwrap_or("/"));
    let mut file = root.join(path.trim_start_matches('/'));
    if file.is_dir() {
        file = file.join("index.html");
    }
    let inside = !path.split('/').any(|part| part == "..");
    let (status, body, kind) = match std::fs::read(&file) {
        Ok(body) if inside => ("200 OK", body, content_type(&file)),
        _ => (
            "404 Not Found",
            b"not found".to_vec(),
            "text/plain; charset=utf-8",
        ),
    };
    log.lock().unwrap().push(Served {
        path: path.clone(),
        bytes: body.len(),
    });
    write!(
        stream,
        "HTTP/1.1 {status}\r\nContent-Type: {kind}\r\nContent-Length: {}\r\nCache-Control: no-cache\r\nConnection: close\r\n\r\n",
        body.len()
    )?;
    stream.write_all(&body)?;
    stream.flush()
}

fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = bytes
            .get(i + 1..i + 3)
            .and_then(|h| u8::from_str_radix(std::str::from_utf8(h).ok()?, 16).ok());
        match (bytes[i], hex) {
            (b'%', Some(b)) => {
                out.push(b);
                i += 3;
            }
            (b, _) => {
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

fn content_type(path: &Path) -> &'static str {
    match path.extension().and_then(|e| e.to_str()) {
        Some("html") => "text/html; charset=utf-8",
        Some("css") => "text/css",
        Some("js") => "text/javascript",
        Some("json") => "application/json",
        Some("xml") => "application/xml",
        _ => "application/octet-stream",
    }
}

/// The Chromium executable: `$CHROME`, else Debian's, installed with apt when missing.
fn chromium() -> PathBuf {
    static FOUND: OnceLock<PathBuf> = OnceLock::new();
    FOUND
        .get_or_init(|| {
            if let Some(path) = std::env::var_os("CHROME") {
                return PathBuf::from(path);
            }
            let installed = || {
                ["/usr/bin/chromium", "/usr/bin/chromium-browser"]
                    .into_iter()
                    .map(PathBuf::from)
                    .find(|p| p.exists())
            };
            if let Some(path) = installed() {
                return path;
            }
            eprintln!("browser tests: Chromium is missing; installing Debian's chromium package");
            let status = std::process::Command::new("apt-get")
                .args(["install", "-y", "--no-install-recommends", "chromium"])
                .env("DEBIAN_FRONTEND", "noninteractive")
                .status();
            installed().unwrap_or_else(|| {
                panic!(
                    "the browser tests need Chromium (apt-get install chromium, or set CHROME); \
                     installing it failed: {status:?}"
                )
            })
        })
        .clone()
}

/// A fresh headless browser: its own profile, so nothing is cached from earlier runs.
pub fn launch() -> Browser {
    let options = LaunchOptions::default_builder()
        .path(Some(chromium()))
        .headless(true)
        .sandbox(false)
        .window_size(Some((1280, 900)))
        .idle_browser_timeout(Duration::from_secs(120))
        .build()
        .expect("launch options");
    Browser::new(options).expect("Chromium starts")
}

/// A fresh browser with one tab open at `url`, loaded. Keep the browser as long as the tab.
pub fn open(url: &str) -> (Browser, Arc<Tab>) {
    let browser = launch();
    let tab = browser.new_tab().expect("a new tab");
    tab.navigate_to(url)
        .and_then(|t| t.wait_until_navigated())
        .unwrap_or_else(|e| panic!("opening {url}: {e}"));
    (browser, tab)
}

/// Evaluates `js` (awaiting a promise) and returns its value as JSON.
pub fn eval(tab: &Tab, js: &str) -> serde_json::Value {
    try_eval(tab, js).unwrap_or_else(|e| panic!("evaluating {js}: {e}"))
}

/// [`eval`], or what went wrong (a script error, a page being replaced by the next one).
fn try_eval(tab: &Tab, js: &str) -> Result<serde_json::Value, String> {
    let wrapped = format!("(async () => JSON.stringify(await (async () => {{ {js} }})()))()");
    let result = tab.evaluate(&wrapped, true).map_err(|e| e.to_string())?;
    match result.value {
        Some(serde_json::Value::String(json)) => {
            serde_json::from_str(&json).map_err(|e| e.to_string())
        }
        other => Err(format!("no value ({other:?}, {:?})", result.description)),
    }
}

/// Polls `js` until it returns something other than null/false, or panics after 20 s.
pub fn wait_for(tab: &Tab, what: &str, js: &str) -> serde_json::Value {
    let started = Instant::now();
    loop {
        // While a page is being replaced by the next, the script can fail (no <h1> yet, the
        // context gone): that is "not yet", not a failure.
        let value = try_eval(tab, js);
        if let Ok(value) = &value
            && !matches!(
                value,
                serde_json::Value::Null | serde_json::Value::Bool(false)
            )
        {
            return value.clone();
        }
        if started.elapsed() > Duration::from_secs(20) {
            panic!("timed out waiting for {what} (last: {value:?})");
        }
        std::thread::sleep(Duration::from_millis(25));
    }
}
