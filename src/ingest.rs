//! Getting papers into the library: a query fetched page by page, ids added
//! by id list, watches synced incrementally, files imported whole. Each
//! page (or file) is one transaction, so an interrupted job leaves every
//! stored page complete and nothing half-written.

use crate::arxiv::{ArxivClient, ArxivId, ClientError, PageRequest, Pager, SearchQuery, SortBy};
use crate::formats::{ImportFormat, bibtex, json};
use crate::library::{Incoming, Library, LibraryError, Merge, UpsertReport, Watch};
use chrono::{DateTime, Utc};
use std::path::{Path, PathBuf};

/// How many ids go into one `id_list` request.
const IDS_PER_REQUEST: usize = 100;

/// Receives progress of a long job; every method has a do-nothing default.
pub trait Progress {
    /// The amount of work is known (or better known).
    fn total(&self, _total: u64) {}
    /// `n` more units are done.
    fn advance(&self, _n: u64) {}
    /// A short status line.
    fn message(&self, _text: &str) {}
    /// True when the user asked to stop; jobs check it between pages, so
    /// every page stored is stored whole.
    fn cancelled(&self) -> bool {
        false
    }
}

/// Progress that goes nowhere.
pub struct Silent;
impl Progress for Silent {}

/// Why an ingest job stopped.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum IngestError {
    /// The API failed; pages stored before the failure are kept.
    #[error(transparent)]
    Client(#[from] ClientError),
    /// The store failed.
    #[error(transparent)]
    Library(#[from] LibraryError),
    /// A file could not be read.
    #[error("cannot read {path}: {source}")]
    Read {
        /// The file.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// The embedding model failed.
    #[error(transparent)]
    Embed(#[from] crate::embed::EmbedError),
    /// The user stopped the job; pages stored before are kept.
    #[error("stopped; {0} papers stored before the stop are kept")]
    Cancelled(u64),
    /// A file's content is unusable; nothing from it was stored.
    #[error("{path}: {message}; nothing was imported")]
    Parse {
        /// The file.
        path: PathBuf,
        /// What is wrong, with the line where known.
        message: String,
    },
}

/// The result of fetching a query.
#[derive(Debug, Default)]
pub struct FetchReport {
    /// What the store did.
    pub stored: UpsertReport,
    /// `totalResults` as arXiv reported it.
    pub total_results: Option<u64>,
    /// Papers received.
    pub received: u64,
}

/// Fetches up to `max` results of a query, newest/most relevant first,
/// storing each page as it arrives.
pub fn fetch(
    lib: &mut Library,
    client: &mut ArxivClient,
    query: &SearchQuery,
    sort: SortBy,
    max: u64,
    page_size: u64,
    progress: &dyn Progress,
) -> Result<FetchReport, IngestError> {
    let mut pager = Pager::new(query.as_str(), sort, true, page_size, max);
    let mut report = FetchReport::default();
    progress.total(max);
    while let Some(req) = pager.next_request() {
        if progress.cancelled() {
            return Err(IngestError::Cancelled(report.received));
        }
        progress.message(&format!(
            "requesting results {}–{}",
            req.start + 1,
            req.start + req.max_results
        ));
        let feed = client.fetch_page_expecting_entries(&req)?;
        let keep = pager.record(&req, &feed);
        if let Some(expected) = pager.expected() {
            progress.total(expected);
        }
        let items: Vec<Incoming> = feed
            .entries
            .into_iter()
            .take(keep)
            .map(Incoming::from)
            .collect();
        report
            .stored
            .absorb(lib.upsert(&items, "arxiv", Merge::Refresh)?);
        report.received += items.len() as u64;
        progress.advance(items.len() as u64);
    }
    report.total_results = pager.total();
    Ok(report)
}

/// The result of adding papers by id.
#[derive(Debug, Default)]
pub struct AddReport {
    /// What the store did.
    pub stored: UpsertReport,
    /// Ids arXiv did not return.
    pub missing: Vec<String>,
}

/// Fetches the latest version of each id and stores it.
pub fn add_ids(
    lib: &mut Library,
    client: &mut ArxivClient,
    ids: &[ArxivId],
    progress: &dyn Progress,
) -> Result<AddReport, IngestError> {
    // The latest version is what the library keeps, whatever version was named.
    let mut bases: Vec<String> = Vec::new();
    for id in ids {
        let base = id.base().to_string();
        if !bases.contains(&base) {
            bases.push(base);
        }
    }
    let mut report = AddReport::default();
    progress.total(bases.len() as u64);
    for chunk in bases.chunks(IDS_PER_REQUEST) {
        let req = PageRequest {
            search_query: String::new(),
            id_list: chunk.to_vec(),
            start: 0,
            max_results: chunk.len() as u64,
            sort_by: SortBy::Relevance,
            descending: true,
        };
        let feed = client.fetch_page(&req)?;
        let items: Vec<Incoming> = feed.entries.into_iter().map(Incoming::from).collect();
        for id in chunk {
            if !items.iter().any(|i| &i.paper.id == id) {
                report.missing.push(id.clone());
            }
        }
        report
            .stored
            .absorb(lib.upsert(&items, "arxiv", Merge::Refresh)?);
        progress.advance(chunk.len() as u64);
    }
    Ok(report)
}

/// The result of syncing one watch.
#[derive(Debug)]
pub struct SyncReport {
    /// The watch.
    pub name: String,
    /// What the store did.
    pub stored: UpsertReport,
    /// The new sync point.
    pub sync_point: Option<DateTime<Utc>>,
    /// True when the sync stopped at its cap while newer papers remained.
    pub capped: bool,
    /// Requests made.
    pub pages: u64,
}

/// Fetches what is new for a watch: newest first (by last update), stopping
/// at the first page that holds nothing newer than the last sync point, or
/// after `cap` papers. The sync point moves only when the sync completes.
pub fn sync_watch(
    lib: &mut Library,
    client: &mut ArxivClient,
    watch: &Watch,
    cap: u64,
    page_size: u64,
    progress: &dyn Progress,
) -> Result<SyncReport, IngestError> {
    let since = watch.sync_point;
    let mut pager = Pager::new(&watch.query, SortBy::LastUpdatedDate, true, page_size, cap);
    let mut report = SyncReport {
        name: watch.name.clone(),
        stored: UpsertReport::default(),
        sync_point: None,
        capped: false,
        pages: 0,
    };
    progress.total(cap);
    let mut exhausted = false;
    while let Some(req) = pager.next_request() {
        if progress.cancelled() {
            // The sync point is not moved: the next sync picks up from here.
            return Err(IngestError::Cancelled(report.stored.added.len() as u64));
        }
        progress.message(&format!("{}: page {}", watch.name, report.pages + 1));
        let feed = client.fetch_page_expecting_entries(&req)?;
        report.pages += 1;
        let keep = pager.record(&req, &feed);
        let newer: Vec<Incoming> = feed
            .entries
            .into_iter()
            .take(keep)
            .filter(|p| match (since, p.updated.or(p.published)) {
                (None, _) => true,
                (Some(point), Some(t)) => t > point,
                (Some(_), None) => false,
            })
            .map(Incoming::from)
            .collect();
        if newer.is_empty() {
            exhausted = true;
            break;
        }
        let newest = newer
            .iter()
            .filter_map(|i| i.paper.updated.or(i.paper.published))
            .max();
        report.sync_point = report.sync_point.max(newest);
        report
            .stored
            .absorb(lib.upsert(&newer, "arxiv", Merge::Refresh)?);
        progress.advance(newer.len() as u64);
    }
    let more_remain = pager.total().is_some_and(|t| t > pager.taken());
    report.capped = !exhausted && pager.taken() >= cap && more_remain;
    lib.record_sync(
        &watch.name,
        report.sync_point,
        report.stored.added.len() as u64,
    )?;
    Ok(report)
}

/// The result of importing a file.
#[derive(Debug)]
pub struct ImportReport {
    /// The format read.
    pub format: ImportFormat,
    /// Papers in the file.
    pub read: usize,
    /// What the store did.
    pub stored: UpsertReport,
}

/// Imports a whole file in one transaction: all of it or nothing.
pub fn import_file(
    lib: &mut Library,
    path: &Path,
    format: Option<ImportFormat>,
    progress: &dyn Progress,
) -> Result<ImportReport, IngestError> {
    let bytes = std::fs::read(path).map_err(|source| IngestError::Read {
        path: path.to_path_buf(),
        source,
    })?;
    let parse_error = |message: String| IngestError::Parse {
        path: path.to_path_buf(),
        message,
    };
    let text = String::from_utf8_lossy(&bytes);
    let format = match format.or_else(|| ImportFormat::detect(path, &text)) {
        Some(f) => f,
        None => {
            return Err(parse_error(
                "cannot tell the format; name it with --format atom|bibtex|jsonl".into(),
            ));
        }
    };
    progress.message(&format!("reading {} as {}", path.display(), format.name()));
    let (items, merge) = match format {
        ImportFormat::Atom => {
            let feed = crate::arxiv::parse_feed(&bytes).map_err(|e| parse_error(e.to_string()))?;
            let items: Vec<Incoming> = feed.entries.into_iter().map(Incoming::from).collect();
            (items, Merge::Refresh)
        }
        ImportFormat::Bibtex => {
            let std::borrow::Cow::Borrowed(text) = text else {
                return Err(parse_error("the file is not valid UTF-8".into()));
            };
            let entries = bibtex::parse(text).map_err(|e| parse_error(e.to_string()))?;
            let items = entries
                .iter()
                .map(|e| {
                    bibtex::to_incoming(e).map_err(|m| parse_error(format!("line {}: {m}", e.line)))
                })
                .collect::<Result<Vec<_>, _>>()?;
            (items, Merge::KeepExisting)
        }
        ImportFormat::Jsonl => (
            json::parse_papers(&text).map_err(parse_error)?,
            Merge::KeepExisting,
        ),
    };
    progress.total(items.len() as u64);
    let stored = lib.upsert(&items, format.name(), merge)?;
    progress.advance(items.len() as u64);
    Ok(ImportReport {
        format,
        read: items.len(),
        stored,
    })
}

/// The result of embedding pending papers.
#[derive(Debug, Clone, Copy, Default)]
pub struct EmbedReport {
    /// Papers embedded.
    pub embedded: usize,
    /// Seconds spent.
    pub seconds: f64,
}

impl EmbedReport {
    /// Texts per second.
    pub fn rate(&self) -> f64 {
        if self.seconds > 0.0 {
            self.embedded as f64 / self.seconds
        } else {
            0.0
        }
    }
}

/// Papers stored per transaction while embedding: an interrupted run keeps
/// every finished chunk, and the next run only does what is left.
const EMBED_CHUNK: usize = 128;

/// Embeds every paper whose vector for this model is missing or stale.
pub fn embed_pending(
    lib: &mut Library,
    model: &crate::embed::Embedder,
    batch: usize,
    progress: &dyn Progress,
) -> Result<EmbedReport, IngestError> {
    let started = std::time::Instant::now();
    let pending = lib.pending_embeddings(model.name())?;
    progress.total(pending.len() as u64);
    for chunk in pending.chunks(EMBED_CHUNK) {
        let texts: Vec<&str> = chunk.iter().map(|p| p.text.as_str()).collect();
        let vectors = model.embed(&texts, batch, &mut |n| progress.advance(n as u64))?;
        let items: Vec<_> = chunk.iter().zip(vectors).collect();
        lib.store_embeddings(model.name(), &items)?;
    }
    Ok(EmbedReport {
        embedded: pending.len(),
        seconds: started.elapsed().as_secs_f64(),
    })
}
