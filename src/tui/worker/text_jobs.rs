//! The paper's own text from the app: download the PDF and open it (`o`),
//! and get the text in the background (after `Q` or `t` when
//! `[fulltext] auto` is on). Each job has its own connection and reports
//! its progress on the message line; the UI never waits on it.

use super::{Setup, send};
use crate::fulltext::document::Source;
use crate::fulltext::job;
use crate::ingest::Progress;
use crate::library::Library;
use crate::tui::state::{Level, Update};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::Sender;
use std::time::{Duration, Instant};

/// How often byte counts reach the message line.
const EVERY: Duration = Duration::from_millis(150);

fn finished(updates: &Sender<Update>, label: String, result: Result<String, String>) {
    let (message, failed) = match result {
        Ok(m) => (m, false),
        Err(e) => (e, true),
    };
    send(
        updates,
        Update::Finished {
            label,
            message,
            failed,
        },
    );
}

/// Downloads the PDF of `id` once and opens it in the configured viewer.
pub fn pdf_job(setup: &Setup, id: &str, updates: &Sender<Update>) {
    let label = format!("pdf {id}");
    let result = (|| -> Result<String, String> {
        let lib = Library::open(&setup.home.database()).map_err(|e| e.to_string())?;
        let record = lib.find(id).map_err(|e| e.to_string())?;
        let paper = record.paper;
        let Some(version) = paper.version else {
            return Err(format!(
                "{} is not an arXiv paper: there is no PDF to get",
                paper.id
            ));
        };
        let mut fetcher = job::fetcher(&setup.config, &setup.home, setup.pacer.clone())
            .map_err(|e| e.to_string())?;
        let mut last = Instant::now();
        let path = fetcher
            .ensure_pdf(&paper.id, version, &mut |got, total| {
                if last.elapsed() >= EVERY {
                    last = Instant::now();
                    let of = total
                        .map(|t| format!(" of {}", t >> 10))
                        .unwrap_or_default();
                    send(
                        updates,
                        Update::Message(
                            Level::Info,
                            format!("Downloading {}v{version}: {}{of} KiB", paper.id, got >> 10),
                        ),
                    );
                }
            })
            .map_err(|e| crate::paper::fold_whitespace(&e.to_string()))?;
        let argv = crate::fulltext::open::open(&setup.config.reader.pdf_viewer, &path)
            .map_err(|e| crate::paper::fold_whitespace(&e.to_string()))?;
        Ok(format!("Opened {}v{version} with {}", paper.id, argv[0]))
    })();
    finished(updates, label, result);
}

struct Quiet<'a> {
    cancel: &'a AtomicBool,
}

impl Progress for Quiet<'_> {
    fn cancelled(&self) -> bool {
        self.cancel.load(Ordering::SeqCst)
    }
}

/// Gets the text of `id` (HTML, LaTeX, PDF in turn) and embeds its
/// passages when the model is installed.
pub fn text_job(setup: &Setup, id: &str, cancel: &AtomicBool, updates: &Sender<Update>) {
    let label = format!("text {id}");
    let result = (|| -> Result<String, String> {
        let mut lib = Library::open(&setup.home.database()).map_err(|e| e.to_string())?;
        let mut fetcher = job::fetcher(&setup.config, &setup.home, setup.pacer.clone())
            .map_err(|e| e.to_string())?;
        send(
            updates,
            Update::Message(Level::Info, format!("Getting the text of {id}…")),
        );
        let progress = Quiet { cancel };
        let outcomes = job::fetch_texts(
            &mut lib,
            &mut fetcher,
            &[id.to_string()],
            &Source::AUTO_ORDER,
            false,
            &progress,
        )
        .map_err(|e| crate::paper::fold_whitespace(&e.to_string()))?;
        let Some(o) = outcomes.first() else {
            return Err(format!("{id}: nothing to do"));
        };
        if o.skipped {
            return Ok(format!("{id} already has its text"));
        }
        let Some(source) = o.served() else {
            let why = match &o.result {
                Ok(r) => r.summary(),
                Err(e) => e.clone(),
            };
            return Err(format!("{id}: no text ({why})"));
        };
        let mut embedded = String::new();
        if setup.config.embed.auto {
            if let Some(model) = super::load_model(setup).map_err(|e| e.to_string())? {
                let r = job::embed_passages(&mut lib, &model, setup.config.embed.batch, &progress)
                    .map_err(|e| e.to_string())?;
                if r.embedded > 0 {
                    embedded = format!(", {} passages embedded", r.embedded);
                }
            }
        }
        Ok(format!("{id}: text from the {source}{embedded}"))
    })();
    finished(updates, label, result);
}
