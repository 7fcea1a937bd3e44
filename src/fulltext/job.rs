//! The full-text jobs both front ends run: fetch papers' text (each paper
//! stored in its own transaction, so an interrupted job keeps every paper
//! finished), embed their passages, make sure a PDF is on disk. Progress
//! and cancellation go through [`crate::progress::Progress`].

use super::acquire::{AcquireError, Fetcher, Report};
use super::archive::Limits;
use super::client::{FilesClient, FilesConfig};
use super::document::Source;
use super::files::FileStore;
use crate::arxiv::Pacer;
use crate::config::Config;
use crate::home::Home;
use crate::ingest::IngestError;
use crate::library::{Library, LibraryError};
use crate::progress::Progress;

/// What happened to one paper.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PaperOutcome {
    /// The paper.
    pub paper_id: String,
    /// Its version.
    pub version: Option<u32>,
    /// The sources' report, or why nothing was tried.
    pub result: Result<Report, String>,
    /// It had text of this version already and was left alone.
    pub skipped: bool,
}

impl PaperOutcome {
    /// The source that served, when one did.
    pub fn served(&self) -> Option<Source> {
        self.result.as_ref().ok().and_then(|r| r.served)
    }
}

/// Builds the fetcher the settings describe, taking turns on `pacer`.
pub fn fetcher(config: &Config, home: &Home, pacer: Pacer) -> Result<Fetcher, AcquireError> {
    Ok(Fetcher {
        client: FilesClient::new(FilesConfig::from_config(config), pacer)?,
        tools: crate::fulltext::pdf::PdfTools::from_config(config),
        files: FileStore::new(home.root()),
        limits: Limits::default(),
    })
}

/// Fetches the text of each paper in `ids`, trying `order`; papers that
/// already have text of their latest version are skipped unless `force`.
pub fn fetch_texts(
    lib: &mut Library,
    fetcher: &mut Fetcher,
    ids: &[String],
    order: &[Source],
    force: bool,
    progress: &dyn Progress,
) -> Result<Vec<PaperOutcome>, IngestError> {
    progress.total(ids.len() as u64);
    let mut out = Vec::with_capacity(ids.len());
    for id in ids {
        if progress.cancelled() {
            return Err(IngestError::Cancelled(out.len() as u64));
        }
        let record = lib.find(id)?;
        let paper = record.paper;
        let have = lib.fulltext_version(&paper.id)?;
        if !force && have.is_some() && have == paper.version {
            out.push(PaperOutcome {
                paper_id: paper.id.clone(),
                version: paper.version,
                result: Err("already has text of this version (--force fetches it again)".into()),
                skipped: true,
            });
            progress.advance(1);
            continue;
        }
        progress.message(&format!("{}: getting the text", paper.id));
        let mut on_bytes = |source: Source, got: u64, total: Option<u64>| {
            let size = match total {
                Some(t) => format!("{} of {} KiB", got >> 10, t >> 10),
                None => format!("{} KiB", got >> 10),
            };
            progress.message(&format!("{}: {source}, {size}", paper.id));
        };
        let result = fetcher.fetch(&paper.id, paper.version, order, &mut on_bytes);
        let outcome = match result {
            Ok(report) => {
                let version = paper.version.unwrap_or(0);
                match (&report.served, &report.document) {
                    (Some(source), Some((doc, extractor))) => lib.store_fulltext(
                        &paper.id,
                        version,
                        *source,
                        extractor,
                        doc,
                        &report.attempts,
                    )?,
                    _ => lib.record_attempts(&paper.id, version, &report.attempts)?,
                }
                Ok(report)
            }
            Err(AcquireError::NotArxiv(id)) => Err(format!(
                "{id} is not an arXiv paper; arxiv.org has no text for it"
            )),
            Err(e) => Err(crate::paper::fold_whitespace(&e.to_string())),
        };
        out.push(PaperOutcome {
            paper_id: paper.id.clone(),
            version: paper.version,
            result: outcome,
            skipped: false,
        });
        progress.advance(1);
    }
    Ok(out)
}

/// Passages stored per transaction while embedding.
const PASSAGE_CHUNK: usize = 128;

/// Embeds every passage whose vector for this model is missing or stale.
pub fn embed_passages(
    lib: &mut Library,
    model: &crate::embed::Embedder,
    batch: usize,
    progress: &dyn Progress,
) -> Result<crate::ingest::EmbedReport, IngestError> {
    let started = std::time::Instant::now();
    let pending = lib.pending_passages(model.name())?;
    progress.total(pending.len() as u64);
    for chunk in pending.chunks(PASSAGE_CHUNK) {
        if progress.cancelled() {
            break;
        }
        let texts: Vec<&str> = chunk.iter().map(|p| p.text.as_str()).collect();
        let vectors = model.embed(&texts, batch, &mut |n| progress.advance(n as u64))?;
        let items: Vec<_> = chunk.iter().zip(vectors).collect();
        lib.store_passage_embeddings(model.name(), &items)?;
    }
    Ok(crate::ingest::EmbedReport {
        embedded: pending.len(),
        seconds: started.elapsed().as_secs_f64(),
    })
}

/// The papers `fulltext fetch --queued` means: the reading queue, in order.
pub fn queued_ids(lib: &Library) -> Result<Vec<String>, crate::reading::store::ReadError> {
    let items = crate::reading::order_queue(lib.queue_items()?);
    Ok(items.into_iter().map(|q| q.paper_id).collect())
}

/// The papers with a tag.
pub fn tagged_ids(lib: &Library, tag: &str) -> Result<Vec<String>, LibraryError> {
    let records = lib.list(&crate::library::ListFilter {
        tag: Some(tag.to_string()),
        ..Default::default()
    })?;
    Ok(records.into_iter().map(|r| r.paper.id).collect())
}
