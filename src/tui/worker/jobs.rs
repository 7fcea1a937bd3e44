//! Long jobs on threads of their own, each with its own connection: fetch,
//! sync, and running an implementation. They report progress and output
//! over the channel and stop when the user cancels.

use super::{Setup, send};
use crate::arxiv::{ArxivClient, SearchQuery, SortBy};
use crate::impls::runner::{self, Stream};
use crate::ingest::{self, IngestError, Progress};
use crate::library::Library;
use crate::tui::state::Update;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::Sender;

/// Progress of a background job, sent to the UI; the job stops when the
/// user cancels.
struct JobProgress<'a> {
    label: String,
    done: std::cell::Cell<u64>,
    total: std::cell::Cell<Option<u64>>,
    cancel: &'a AtomicBool,
    updates: &'a Sender<Update>,
}

impl<'a> JobProgress<'a> {
    fn new(label: &str, cancel: &'a AtomicBool, updates: &'a Sender<Update>) -> JobProgress<'a> {
        JobProgress {
            label: label.to_string(),
            done: 0.into(),
            total: None.into(),
            cancel,
            updates,
        }
    }

    fn send(&self) {
        send(
            self.updates,
            Update::Progress {
                label: self.label.clone(),
                done: self.done.get(),
                total: self.total.get(),
            },
        );
    }
}

impl Progress for JobProgress<'_> {
    fn total(&self, total: u64) {
        self.total.set(Some(total));
        self.send();
    }
    fn advance(&self, n: u64) {
        self.done.set(self.done.get() + n);
        self.send();
    }
    fn cancelled(&self) -> bool {
        self.cancel.load(Ordering::SeqCst)
    }
}

fn finished(updates: &Sender<Update>, label: &str, result: Result<String, String>) {
    let (message, failed) = match result {
        Ok(m) => (m, false),
        Err(e) => (e, true),
    };
    send(
        updates,
        Update::Finished {
            label: label.to_string(),
            message,
            failed,
        },
    );
}

fn ingest_error(e: IngestError) -> String {
    crate::paper::fold_whitespace(&e.to_string())
}

pub fn fetch_job(
    setup: &Setup,
    query: &SearchQuery,
    cancel: &AtomicBool,
    updates: &Sender<Update>,
) {
    let label = format!("fetch {}", query.as_str());
    let result = (|| -> Result<String, String> {
        let mut lib = Library::open(&setup.home.database()).map_err(|e| e.to_string())?;
        let mut client = ArxivClient::with_pacer(setup.config.client(), setup.pacer.clone())
            .map_err(|e| e.to_string())?;
        let progress = JobProgress::new(&label, cancel, updates);
        let report = ingest::fetch(
            &mut lib,
            &mut client,
            query,
            SortBy::Relevance,
            50,
            setup.config.arxiv.page_size,
            &progress,
        )
        .map_err(ingest_error)?;
        let embedded = embed_new(setup, &mut lib, &progress)?;
        Ok(format!(
            "Fetched {}: {} received, {} added, {} updated{embedded}",
            query.as_str(),
            report.received,
            report.stored.added.len(),
            report.stored.updated.len()
        ))
    })();
    finished(updates, &label, result);
}

pub fn sync_job(setup: &Setup, cancel: &AtomicBool, updates: &Sender<Update>) {
    let label = "sync watches".to_string();
    let result = (|| -> Result<String, String> {
        let mut lib = Library::open(&setup.home.database()).map_err(|e| e.to_string())?;
        let watches = lib.watches().map_err(|e| e.to_string())?;
        if watches.is_empty() {
            return Err("No watches to sync; add one with `litradar watch add NAME QUERY`.".into());
        }
        let mut client = ArxivClient::with_pacer(setup.config.client(), setup.pacer.clone())
            .map_err(|e| e.to_string())?;
        let progress = JobProgress::new(&label, cancel, updates);
        let mut added = 0;
        for w in &watches {
            let cap = w.sync_cap(&setup.config.watch);
            let report = ingest::sync_watch(
                &mut lib,
                &mut client,
                w,
                cap,
                setup.config.arxiv.page_size,
                &progress,
            )
            .map_err(|e| format!("{}: {}", w.name, ingest_error(e)))?;
            added += report.stored.added.len();
        }
        let embedded = embed_new(setup, &mut lib, &progress)?;
        Ok(format!(
            "Synced {} watches: {added} new papers{embedded}",
            watches.len()
        ))
    })();
    finished(updates, &label, result);
}

pub fn run_job(
    db: &std::path::Path,
    imp: crate::impls::Implementation,
    runnable: crate::impls::resolve::Runnable,
    cancel: &AtomicBool,
    updates: &Sender<Update>,
) {
    let label = format!("run #{}", imp.id);
    send(
        updates,
        Update::Output(format!(
            "$ {}  (in {})",
            crate::impls::join_command(&runnable.argv),
            runnable.workdir.display()
        )),
    );
    let started_at = crate::paper::format_timestamp(&chrono::Utc::now());
    let finished_run = runner::run(
        &runnable.argv,
        &runnable.workdir,
        &runner::Options::default(),
        cancel,
        &mut |stream, line| {
            let line = match stream {
                Stream::Stdout => line.to_string(),
                Stream::Stderr => format!("! {line}"),
            };
            send(updates, Update::Output(line));
        },
    );
    let result = (|| -> Result<String, String> {
        if finished_run.outcome == crate::impls::Outcome::FailedToStart {
            return Err(format!(
                "#{} could not start: {}",
                imp.id,
                finished_run.stderr_tail.trim()
            ));
        }
        let mut lib = Library::open(db).map_err(|e| e.to_string())?;
        let commit = runner::git_commit(&runnable.folder);
        let run = lib
            .impl_record_run(
                &imp,
                &started_at,
                &runnable.argv,
                &finished_run,
                commit.as_deref(),
            )
            .map_err(|e| e.to_string())?;
        let text = format!(
            "Run #{} of {}: {} after {:.1} s, {} metrics",
            run.id,
            run.paper_id,
            match (run.outcome, run.exit_code) {
                (crate::impls::Outcome::Exited, Some(c)) => format!("exit {c}"),
                (o, _) => o.as_str().replace('_', " "),
            },
            run.duration_ms as f64 / 1000.0,
            run.metrics.len()
        );
        if run.succeeded() { Ok(text) } else { Err(text) }
    })();
    finished(updates, &label, result);
}

/// After new papers arrive, as the CLI does: embed them when a model is
/// installed and `[embed] auto` is on, so meaning search finds them too.
fn embed_new(
    setup: &Setup,
    lib: &mut Library,
    progress: &JobProgress<'_>,
) -> Result<String, String> {
    progress.done.set(0);
    let wanted = crate::workflow::embeds_after_ingest(&setup.config.embed, false);
    let done = crate::workflow::embed_new(
        lib,
        &setup.config.embed,
        wanted,
        setup.device.as_deref(),
        None,
        progress,
        progress,
    )
    .map_err(|e| crate::paper::fold_whitespace(&e.to_string()))?;
    Ok(match done {
        Ok(v) => {
            let papers = v.papers.map_or(0, |r| r.embedded);
            let passages = v.passages.map_or(0, |r| r.embedded);
            match (papers, passages) {
                (0, 0) => String::new(),
                (n, 0) => format!("; {n} embedded"),
                (n, p) => format!("; {n} embedded, {p} passages"),
            }
        }
        Err(_) => String::new(),
    })
}

/// Adds papers by id or URL (every id checked before any request).
pub fn add_job(setup: &Setup, ids: &[String], cancel: &AtomicBool, updates: &Sender<Update>) {
    let label = format!("add {}", ids.join(" "));
    let result = (|| -> Result<String, String> {
        let ids = ids
            .iter()
            .map(|s| crate::arxiv::ArxivId::parse(s))
            .collect::<Result<Vec<_>, _>>()
            .map_err(|e| e.to_string())?;
        let mut lib = Library::open(&setup.home.database()).map_err(|e| e.to_string())?;
        let mut client = ArxivClient::with_pacer(setup.config.client(), setup.pacer.clone())
            .map_err(|e| e.to_string())?;
        let progress = JobProgress::new(&label, cancel, updates);
        let report =
            ingest::add_ids(&mut lib, &mut client, &ids, &progress).map_err(ingest_error)?;
        let embedded = embed_new(setup, &mut lib, &progress)?;
        let missing = if report.missing.is_empty() {
            String::new()
        } else {
            format!("; not on arXiv: {}", report.missing.join(", "))
        };
        Ok(format!(
            "Added {}, updated {}{missing}{embedded}",
            report.stored.added.len(),
            report.stored.updated.len()
        ))
    })();
    finished(updates, &label, result);
}

/// Imports a file (BibTeX, Atom, JSON Lines) on its own connection.
pub fn import_job(setup: &Setup, path: &str, cancel: &AtomicBool, updates: &Sender<Update>) {
    let label = format!("import {path}");
    let result = (|| -> Result<String, String> {
        let path = std::path::PathBuf::from(path);
        let mut lib = Library::open(&setup.home.database()).map_err(|e| e.to_string())?;
        let progress = JobProgress::new(&label, cancel, updates);
        let report =
            ingest::import_file(&mut lib, &path, None, false, &progress).map_err(ingest_error)?;
        let embedded = embed_new(setup, &mut lib, &progress)?;
        let skipped = match report.skipped.len() {
            0 => String::new(),
            n => format!("; {n} entries left out (see `litradar import` for why)"),
        };
        Ok(format!(
            "Imported {} ({}): {} added, {} updated{skipped}{embedded}",
            path.display(),
            report.format.name(),
            report.stored.added.len(),
            report.stored.updated.len()
        ))
    })();
    finished(updates, &label, result);
}
