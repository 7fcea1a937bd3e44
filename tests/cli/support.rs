//! Test helpers: a real HTTP server on 127.0.0.1 that answers with recorded
//! arXiv responses and logs every request with its arrival time, and a
//! runner for the litradar binary against a temporary home.

use std::collections::HashMap;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

/// A request the server received.
#[derive(Debug, Clone)]
pub struct Request {
    /// When it arrived.
    pub at: Instant,
    /// The path, without the query.
    pub path: String,
    /// Headers, names lowercased.
    pub headers: HashMap<String, String>,
    /// Decoded query parameters.
    pub params: HashMap<String, String>,
    /// The User-Agent header.
    pub user_agent: String,
}

impl Request {
    pub fn param(&self, name: &str) -> &str {
        self.params.get(name).map(String::as_str).unwrap_or("")
    }
}

/// What the server answers.
pub enum Reply {
    /// A status and a body.
    Body(u16, String),
    /// A status, extra headers and raw bytes.
    Raw(u16, Vec<(String, String)>, Vec<u8>),
    /// A recorded response from tests/fixtures/arxiv with HTTP 200.
    Fixture(&'static str),
    /// A real paper's file from tests/fixtures/fulltext with HTTP 200.
    File(&'static str),
}

type Handler = dyn Fn(&Request, usize) -> Reply + Send + Sync;

/// A local stand-in for export.arxiv.org.
pub struct MockArxiv {
    addr: String,
    log: Arc<Mutex<Vec<Request>>>,
    stop: Arc<AtomicBool>,
    thread: Option<JoinHandle<()>>,
}

impl MockArxiv {
    /// Starts a server; `handler` gets each request and its 0-based index.
    pub fn start(handler: impl Fn(&Request, usize) -> Reply + Send + Sync + 'static) -> MockArxiv {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind 127.0.0.1");
        let addr = listener.local_addr().expect("addr").to_string();
        let log = Arc::new(Mutex::new(Vec::new()));
        let stop = Arc::new(AtomicBool::new(false));
        let handler: Arc<Handler> = Arc::new(handler);
        let thread = {
            let log = Arc::clone(&log);
            let stop = Arc::clone(&stop);
            std::thread::spawn(move || {
                for stream in listener.incoming() {
                    if stop.load(Ordering::SeqCst) {
                        break;
                    }
                    if let Ok(stream) = stream {
                        serve(stream, &log, handler.as_ref());
                    }
                }
            })
        };
        MockArxiv {
            addr,
            log,
            stop,
            thread: Some(thread),
        }
    }

    /// The query endpoint to give litradar.
    pub fn url(&self) -> String {
        format!("http://{}/api/query", self.addr)
    }

    /// The file server's base (for /pdf, /e-print, /html).
    pub fn base(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// Every request so far.
    pub fn requests(&self) -> Vec<Request> {
        self.log.lock().expect("log").clone()
    }
}

impl Drop for MockArxiv {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        // Wake the accept loop so the thread can end.
        let _ = TcpStream::connect(&self.addr);
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

fn serve(stream: TcpStream, log: &Mutex<Vec<Request>>, handler: &Handler) {
    let at = Instant::now();
    let _ = stream.set_read_timeout(Some(Duration::from_secs(5)));
    let mut reader = BufReader::new(stream);
    let mut request_line = String::new();
    if reader.read_line(&mut request_line).is_err() || request_line.is_empty() {
        return;
    }
    let mut user_agent = String::new();
    let mut headers = HashMap::new();
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line).is_err() || line.trim().is_empty() {
            break;
        }
        if let Some((name, value)) = line.split_once(':') {
            if name.eq_ignore_ascii_case("user-agent") {
                user_agent = value.trim().to_string();
            }
            headers.insert(name.trim().to_lowercase(), value.trim().to_string());
        }
    }
    let target = request_line.split_whitespace().nth(1).unwrap_or("");
    let query = target.split_once('?').map_or("", |(_, q)| q);
    let params = query
        .split('&')
        .filter_map(|pair| pair.split_once('='))
        .map(|(k, v)| (decode(k), decode(v)))
        .collect();
    let request = Request {
        at,
        path: target.split('?').next().unwrap_or("").to_string(),
        headers,
        params,
        user_agent,
    };
    let index = {
        let mut log = log.lock().expect("log");
        log.push(request.clone());
        log.len() - 1
    };
    let (status, extra, body) = match handler(&request, index) {
        Reply::Body(status, body) => (status, Vec::new(), body.into_bytes()),
        Reply::Raw(status, extra, body) => (status, extra, body),
        Reply::Fixture(name) => (200, Vec::new(), fixture(name).into_bytes()),
        Reply::File(name) => match std::fs::read(
            Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("tests/fixtures/fulltext")
                .join(name),
        ) {
            Ok(bytes) => (200, Vec::new(), bytes),
            Err(e) => (500, Vec::new(), format!("{name}: {e}").into_bytes()),
        },
    };
    let reason = match status {
        200 => "OK",
        400 => "Bad Request",
        206 => "Partial Content",
        404 => "Not Found",
        500 => "Internal Server Error",
        429 => "Too Many Requests",
        503 => "Service Unavailable",
        _ => "Status",
    };
    let mut stream = reader.into_inner();
    let mut head = format!(
        "HTTP/1.1 {status} {reason}\r\nContent-Type: application/atom+xml; charset=utf-8\r\nContent-Length: {}\r\nConnection: close\r\n",
        body.len()
    );
    for (name, value) in extra {
        head.push_str(&format!("{name}: {value}\r\n"));
    }
    head.push_str("\r\n");
    let _ = stream.write_all(head.as_bytes());
    let _ = stream.write_all(&body);
    let _ = stream.flush();
    // Drain anything left so the client sees a clean close.
    let _ = stream.set_read_timeout(Some(Duration::from_millis(50)));
    let _ = stream.read(&mut [0u8; 64]);
}

fn decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'+' => out.push(b' '),
            b'%' if i + 2 < bytes.len() => {
                let hex = std::str::from_utf8(&bytes[i + 1..i + 3]).unwrap_or("");
                match u8::from_str_radix(hex, 16) {
                    Ok(b) => {
                        out.push(b);
                        i += 2;
                    }
                    Err(_) => out.push(b'%'),
                }
            }
            b => out.push(b),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// A recorded response.
pub fn fixture(name: &str) -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/arxiv")
        .join(name);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// The `<entry>` blocks of a recorded feed.
pub fn entries(feed: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = feed;
    while let Some(start) = rest.find("<entry") {
        let Some(end) = rest[start..].find("</entry>") else {
            break;
        };
        out.push(rest[start..start + end + "</entry>".len()].to_string());
        rest = &rest[start + end..];
    }
    out
}

/// A feed with the header of `header_of` (totalResults replaced) and the given entries.
pub fn feed_with(header_of: &str, total: u64, entries: &[String]) -> String {
    let head_end = header_of
        .find("<entry")
        .unwrap_or_else(|| header_of.find("</feed>").expect("feed end"));
    let head = &header_of[..head_end];
    let open = head
        .find("<opensearch:totalResults>")
        .expect("totalResults");
    let close = head
        .find("</opensearch:totalResults>")
        .expect("totalResults end");
    let head = format!(
        "{}<opensearch:totalResults>{total}{}",
        &head[..open],
        &head[close..]
    );
    format!("{head}{}\n</feed>\n", entries.join("\n"))
}

/// A temporary home and a way to run the binary in it.
pub struct Home {
    pub dir: tempfile::TempDir,
    pub arxiv_url: Option<String>,
    /// arxiv.org's stand-in for PDFs, e-prints and HTML.
    pub files_url: Option<String>,
    /// Background full-text fetches after queueing and timing.
    pub fulltext_auto: bool,
    pub delay_ms: u64,
}

impl Home {
    pub fn new() -> Home {
        Home {
            dir: tempfile::tempdir().expect("temp home"),
            arxiv_url: None,
            files_url: None,
            fulltext_auto: false,
            delay_ms: 5,
        }
    }

    /// A home with the starter library's 29 papers (not embedded).
    pub fn with_starter_papers() -> Home {
        let home = Home::new();
        home.run(&[
            "--no-embed",
            "import",
            concat!(env!("CARGO_MANIFEST_DIR"), "/papers/starter.atom"),
        ])
        .ok();
        home
    }

    /// A home whose API points at `server`.
    pub fn with_server(server: &MockArxiv) -> Home {
        let mut home = Home::new();
        home.arxiv_url = Some(server.url());
        home
    }

    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    pub fn database(&self) -> PathBuf {
        self.path().join("library.sqlite3")
    }

    /// Writes config.toml.
    pub fn config(&self, text: &str) {
        std::fs::write(self.path().join("config.toml"), text).expect("config");
    }

    /// Runs `litradar ARGS` with this home.
    pub fn run(&self, args: &[&str]) -> Run {
        self.run_with(args, &[], None)
    }

    /// Runs `litradar ARGS` with extra environment variables and standard input.
    pub fn run_with(&self, args: &[&str], env: &[(&str, &str)], stdin: Option<&str>) -> Run {
        let mut cmd = self.command(args);
        cmd.envs(env.iter().copied()).stdin(if stdin.is_some() {
            Stdio::piped()
        } else {
            Stdio::null()
        });
        let mut child = cmd.spawn().expect("run litradar");
        if let (Some(text), Some(mut pipe)) = (stdin, child.stdin.take()) {
            pipe.write_all(text.as_bytes()).expect("write stdin");
        }
        let output = child.wait_with_output().expect("wait for litradar");
        Run { output }
    }

    /// `litradar ARGS` with this home, ready to spawn (output piped).
    pub fn command(&self, args: &[&str]) -> Command {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_litradar"));
        cmd.args(args)
            .env("LITRADAR_HOME", self.path())
            .env("LITRADAR_ARXIV_DELAY_MS", self.delay_ms.to_string())
            .env(
                "LITRADAR_ARXIV_URL",
                self.arxiv_url
                    .as_deref()
                    .unwrap_or("http://127.0.0.1:9/api/query"),
            )
            .env(
                "LITRADAR_ARXIV_FILES_URL",
                self.files_url.as_deref().unwrap_or("http://127.0.0.1:9"),
            )
            // Queueing a paper would fetch its text in the background: on
            // only where a test asks for it.
            .env(
                "LITRADAR_FULLTEXT_AUTO",
                if self.fulltext_auto { "1" } else { "0" },
            )
            .env_remove("NO_COLOR")
            .env_remove("VISUAL")
            .env_remove("LITRADAR_DEVICE")
            .env_remove("HF_ENDPOINT")
            .env("LITRADAR_MODELS_DIR", self.path().join("models"))
            .env("EDITOR", "false")
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        cmd
    }

    /// `list --json` parsed.
    pub fn papers(&self) -> Vec<serde_json::Value> {
        let run = self.run(&["list", "--json"]);
        run.ok();
        serde_json::from_str(&run.stdout()).expect("list --json is JSON")
    }
}

/// A finished run.
pub struct Run {
    pub output: Output,
}

impl Run {
    pub fn code(&self) -> i32 {
        self.output.status.code().unwrap_or(-1)
    }
    pub fn stdout(&self) -> String {
        String::from_utf8_lossy(&self.output.stdout).into_owned()
    }
    pub fn stderr(&self) -> String {
        String::from_utf8_lossy(&self.output.stderr).into_owned()
    }
    /// Asserts success and returns itself.
    pub fn ok(&self) -> &Run {
        assert_eq!(
            self.code(),
            0,
            "expected success\nstdout:\n{}\nstderr:\n{}",
            self.stdout(),
            self.stderr()
        );
        self
    }
    /// Asserts this exit code and returns stderr.
    pub fn fails(&self, code: i32) -> String {
        assert_eq!(
            self.code(),
            code,
            "expected exit {code}\nstdout:\n{}\nstderr:\n{}",
            self.stdout(),
            self.stderr()
        );
        self.stderr()
    }
}
