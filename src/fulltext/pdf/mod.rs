//! A PDF's text: `pdftotext` (poppler) when it is installed, read with
//! word boxes (`-bbox-layout`) so headings, captions and reading order can
//! be recovered; else a pure-Rust extractor (pdf-extract). Both run as
//! child processes with a timeout: PDF readers can hang, panic or abort on
//! odd files, and a child's crash is only an error here.

pub mod layout;
pub mod structure;

use crate::fulltext::document::Document;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// Output bigger than this is refused (a 1,000-page book is ~60 MB of bbox XML).
const MAX_OUTPUT: usize = 256 << 20;

/// The programs that read PDFs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PdfTools {
    /// `pdftotext`, when installed (and not turned off).
    pub pdftotext: Option<PathBuf>,
    /// Its version line ("pdftotext 22.12.0").
    pub pdftotext_version: Option<String>,
    /// The program that runs the built-in extractor (`litradar pdf-text FILE`).
    pub fallback: Option<PathBuf>,
    /// How long one extraction may take.
    pub timeout: Duration,
}

/// Why a PDF gave no text.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PdfError {
    /// Not a PDF at all.
    #[error("the file is not a PDF (it does not start with %PDF)")]
    NotPdf,
    /// The reader said no.
    #[error("{reader} could not read the PDF: {message}")]
    Unreadable {
        /// Which program.
        reader: String,
        /// Its first line of complaint.
        message: String,
    },
    /// The reader crashed.
    #[error("{reader} crashed on the PDF ({how})")]
    Crashed {
        /// Which program.
        reader: String,
        /// The signal or exit status.
        how: String,
    },
    /// The reader did not finish in time.
    #[error("{reader} took longer than {seconds} s on the PDF; stopped")]
    TimedOut {
        /// Which program.
        reader: String,
        /// The limit.
        seconds: u64,
    },
    /// Readable, but without text (a scan).
    #[error("the PDF has no text layer (a scanned paper?)")]
    NoText,
    /// Nothing can read PDFs here.
    #[error("no PDF reader: install poppler-utils (pdftotext) or run litradar from its own binary")]
    NoReader,
}

/// A document and the program that read it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Extracted {
    /// The document.
    pub document: Document,
    /// "pdftotext 22.12.0" or "pdf-extract".
    pub extractor: String,
}

impl PdfTools {
    /// The PDF readers `[fulltext]` names.
    pub fn from_config(config: &crate::config::Config) -> PdfTools {
        PdfTools::detect(
            &config.fulltext.pdftotext,
            std::time::Duration::from_secs(config.fulltext.timeout_secs),
        )
    }

    /// Finds the readers: `pdftotext` at `program` (a name looked up in
    /// PATH, or a path; empty or "none" turns it off) and this program for
    /// the built-in one when it is litradar.
    pub fn detect(program: &str, timeout: Duration) -> PdfTools {
        let pdftotext = match program.trim() {
            "" | "none" | "off" => None,
            p => find_program(p),
        };
        let pdftotext_version = pdftotext.as_deref().map(version_of);
        let fallback = std::env::current_exe().ok().filter(|exe| {
            exe.file_stem()
                .and_then(|s| s.to_str())
                .is_some_and(|s| s == "litradar")
        });
        PdfTools {
            pdftotext,
            pdftotext_version,
            fallback,
            timeout,
        }
    }

    /// The reader that will be used, in words.
    pub fn describe(&self) -> String {
        match (&self.pdftotext_version, &self.fallback) {
            (Some(v), _) => v.clone(),
            (None, Some(_)) => {
                "pdf-extract (built in; install poppler-utils for better text)".into()
            }
            (None, None) => "none".into(),
        }
    }
}

fn find_program(name: &str) -> Option<PathBuf> {
    let path = Path::new(name);
    if path.components().count() > 1 {
        return path.is_file().then(|| path.to_path_buf());
    }
    std::env::var_os("PATH").and_then(|paths| {
        std::env::split_paths(&paths)
            .map(|dir| dir.join(name))
            .find(|p| p.is_file())
    })
}

fn version_of(program: &Path) -> String {
    let out = Command::new(program)
        .arg("-v")
        .stdin(Stdio::null())
        .output();
    let text = out
        .map(|o| {
            let mut t = String::from_utf8_lossy(&o.stderr).into_owned();
            t.push_str(&String::from_utf8_lossy(&o.stdout));
            t
        })
        .unwrap_or_default();
    text.lines()
        .find_map(|l| l.strip_prefix("pdftotext version "))
        .map_or_else(
            || "pdftotext".to_string(),
            |v| format!("pdftotext {}", v.trim()),
        )
}

/// What a finished child printed.
struct Captured {
    stdout: Vec<u8>,
    stderr: Vec<u8>,
    status: std::process::ExitStatus,
}

enum RunError {
    Spawn(std::io::Error),
    TimedOut,
    TooMuch,
}

fn read_limited(mut r: impl Read, limit: usize) -> (Vec<u8>, bool) {
    let mut out = Vec::new();
    let mut chunk = [0u8; 1 << 16];
    let mut over = false;
    loop {
        match r.read(&mut chunk) {
            Ok(0) | Err(_) => break,
            Ok(n) => {
                if out.len() + n > limit {
                    over = true;
                    // Keep reading so the child is never blocked on a full pipe.
                    continue;
                }
                out.extend_from_slice(&chunk[..n]);
            }
        }
    }
    (out, over)
}

/// Runs a command to the end or the timeout, its output captured.
fn run(cmd: &mut Command, timeout: Duration) -> Result<Captured, RunError> {
    let mut child = cmd
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(RunError::Spawn)?;
    let stdout = child.stdout.take();
    let stderr = child.stderr.take();
    let out_thread = std::thread::spawn(move || {
        stdout.map_or((Vec::new(), false), |s| read_limited(s, MAX_OUTPUT))
    });
    let err_thread = std::thread::spawn(move || {
        stderr.map_or((Vec::new(), false), |s| read_limited(s, 1 << 20))
    });
    let deadline = Instant::now() + timeout;
    let status = loop {
        match child.try_wait() {
            Ok(Some(status)) => break status,
            Ok(None) if Instant::now() >= deadline => {
                let _ = child.kill();
                let _ = child.wait();
                let _ = out_thread.join();
                let _ = err_thread.join();
                return Err(RunError::TimedOut);
            }
            Ok(None) => std::thread::sleep(Duration::from_millis(10)),
            Err(e) => return Err(RunError::Spawn(e)),
        }
    };
    let (stdout, over) = out_thread.join().unwrap_or_default();
    let (stderr, _) = err_thread.join().unwrap_or_default();
    if over {
        return Err(RunError::TooMuch);
    }
    Ok(Captured {
        stdout,
        stderr,
        status,
    })
}

fn first_complaint(stderr: &[u8]) -> String {
    let text = String::from_utf8_lossy(stderr);
    let line = text
        .lines()
        .map(str::trim)
        .find(|l| !l.is_empty())
        .unwrap_or("no message");
    crate::paper::fold_whitespace(line.trim_start_matches("litradar: error:").trim())
}

fn how(status: &std::process::ExitStatus) -> String {
    #[cfg(unix)]
    {
        use std::os::unix::process::ExitStatusExt;
        if let Some(sig) = status.signal() {
            return format!("signal {sig}");
        }
    }
    format!("exit status {}", status.code().unwrap_or(-1))
}

/// Extracts the document of the PDF at `path`.
pub fn extract_file(path: &Path, tools: &PdfTools) -> Result<Extracted, PdfError> {
    let mut head = [0u8; 1024];
    let n = std::fs::File::open(path)
        .and_then(|mut f| f.read(&mut head))
        .map_err(|e| PdfError::Unreadable {
            reader: "litradar".into(),
            message: e.to_string(),
        })?;
    // PDF readers accept a few bytes of junk before the header.
    if !head[..n].windows(5).any(|w| w == b"%PDF-") {
        return Err(PdfError::NotPdf);
    }
    if let Some(pdftotext) = &tools.pdftotext {
        let reader = tools
            .pdftotext_version
            .clone()
            .unwrap_or_else(|| "pdftotext".into());
        let mut cmd = Command::new(pdftotext);
        cmd.args(["-enc", "UTF-8", "-bbox-layout"])
            .arg(path)
            .arg("-");
        let out = run_checked(&mut cmd, tools.timeout, &reader)?;
        let xhtml = String::from_utf8_lossy(&out);
        let layout = layout::from_bbox(&xhtml);
        return finish(&layout, reader);
    }
    if let Some(exe) = &tools.fallback {
        let reader = "pdf-extract".to_string();
        let mut cmd = Command::new(exe);
        cmd.arg("pdf-text").arg(path);
        let out = run_checked(&mut cmd, tools.timeout, &reader)?;
        let text = String::from_utf8_lossy(&out);
        let layout = layout::from_text(&text);
        return finish(&layout, reader);
    }
    Err(PdfError::NoReader)
}

fn run_checked(cmd: &mut Command, timeout: Duration, reader: &str) -> Result<Vec<u8>, PdfError> {
    let captured = run(cmd, timeout).map_err(|e| match e {
        RunError::Spawn(e) => PdfError::Unreadable {
            reader: reader.to_string(),
            message: format!("cannot start it: {e}"),
        },
        RunError::TimedOut => PdfError::TimedOut {
            reader: reader.to_string(),
            seconds: timeout.as_secs(),
        },
        RunError::TooMuch => PdfError::Unreadable {
            reader: reader.to_string(),
            message: format!("it printed more than {} MiB", MAX_OUTPUT >> 20),
        },
    })?;
    if !captured.status.success() {
        #[cfg(unix)]
        {
            use std::os::unix::process::ExitStatusExt;
            if captured.status.signal().is_some() || captured.status.code() == Some(101) {
                return Err(PdfError::Crashed {
                    reader: reader.to_string(),
                    how: how(&captured.status),
                });
            }
        }
        return Err(PdfError::Unreadable {
            reader: reader.to_string(),
            message: first_complaint(&captured.stderr),
        });
    }
    Ok(captured.stdout)
}

fn finish(layout: &layout::Layout, extractor: String) -> Result<Extracted, PdfError> {
    if layout.blocks.iter().map(|b| b.word_count()).sum::<usize>() < 20 {
        return Err(PdfError::NoText);
    }
    let document = structure::structure(layout);
    if document.sections.is_empty() {
        return Err(PdfError::NoText);
    }
    Ok(Extracted {
        document,
        extractor,
    })
}

/// Why the built-in reader has no text for a file.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum BuiltinError {
    /// The reader refused the file, saying why.
    #[error("{0}")]
    Refused(String),
    /// The reader panicked on it.
    #[error("the built-in PDF reader gave up on this file")]
    GaveUp,
}

/// The built-in extractor, for `litradar pdf-text FILE` (run as a child by
/// [`extract_file`]): the text of each page, pages separated by form feeds.
pub fn builtin_text(bytes: &[u8]) -> Result<String, BuiltinError> {
    // The reader can panic on odd files; in this child that is one error line.
    let previous = std::panic::take_hook();
    std::panic::set_hook(Box::new(|_| {}));
    let result = std::panic::catch_unwind(|| pdf_extract::extract_text_from_mem_by_pages(bytes));
    std::panic::set_hook(previous);
    match result {
        Ok(Ok(pages)) => Ok(pages.join("\u{c}")),
        Ok(Err(e)) => Err(BuiltinError::Refused(crate::paper::fold_whitespace(
            &e.to_string(),
        ))),
        Err(_) => Err(BuiltinError::GaveUp),
    }
}
