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

pub use crate::progress::{Progress, Silent};

impl From<crate::embed::pending::VectorError> for IngestError {
    fn from(e: crate::embed::pending::VectorError) -> Self {
        match e {
            crate::embed::pending::VectorError::Library(e) => IngestError::Library(e),
            crate::embed::pending::VectorError::Embed(e) => IngestError::Embed(e),
        }
    }
}

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
    /// Entries left out, each with its line and why (BibTeX).
    pub skipped: Vec<Skipped>,
    /// What was read with a caveat ("line 12: ..."), BibTeX.
    pub warnings: Vec<String>,
}

/// An entry an import left out.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Skipped {
    /// Line of its `@`.
    pub line: usize,
    /// Its citation key, when it got that far.
    pub key: Option<String>,
    /// Why.
    pub reason: String,
}

/// BibTeX entry types that hold no paper of their own.
const CONTAINERS: &[(&str, &str)] = &[
    (
        "set",
        "a set of other entries (entryset), not a paper itself",
    ),
    (
        "xdata",
        "data other entries inherit (xdata), not a paper itself",
    ),
];

/// What a `.bib` file gave: papers, entries left out, warnings.
type BibItems = (Vec<Incoming>, Vec<Skipped>, Vec<String>);

/// The papers in a `.bib` file: every entry that reads, and the others
/// with their line and reason; with `strict`, the first problem fails all.
fn bibtex_items(text: &str, strict: bool) -> Result<BibItems, String> {
    let read = bibtex::read(text);
    if strict {
        if let Some(e) = read.errors.first() {
            return Err(e.to_string());
        }
    }
    let mut skipped: Vec<Skipped> = read
        .errors
        .iter()
        .map(|e| Skipped {
            line: e.line,
            key: None,
            reason: e.message.clone(),
        })
        .collect();
    let mut items = Vec::new();
    let mut warnings: Vec<String> = read.warnings.iter().map(ToString::to_string).collect();
    for entry in &read.entries {
        if let Some((_, why)) = CONTAINERS.iter().find(|(k, _)| *k == entry.kind) {
            if strict {
                return Err(format!(
                    "line {}: @{} '{}': {why}",
                    entry.line, entry.kind, entry.key
                ));
            }
            skipped.push(Skipped {
                line: entry.line,
                key: Some(entry.key.clone()),
                reason: format!("@{}: {why}", entry.kind),
            });
            continue;
        }
        match bibtex::to_incoming(entry) {
            Ok(mut item) => {
                // A keyword that cannot be a tag (over 64 characters, say)
                // costs the keyword, not the entry.
                item.tags.retain(|t| match crate::library::validate_tag(t) {
                    Ok(_) => true,
                    Err(e) => {
                        warnings.push(format!(
                            "line {}: '{}': keyword \"{}\" left out ({})",
                            entry.line,
                            entry.key,
                            crate::width::cut(t, 40),
                            match e {
                                crate::library::LibraryError::BadTag(_, why) => why.to_string(),
                                e => e.to_string(),
                            }
                        ));
                        false
                    }
                });
                items.push(item)
            }
            Err(m) if strict => return Err(format!("line {}: {m}", entry.line)),
            Err(m) => skipped.push(Skipped {
                line: entry.line,
                key: Some(entry.key.clone()),
                reason: m.to_string(),
            }),
        }
    }
    add_group_tags(&mut items, &read.groups, &mut warnings);
    skipped.sort_by_key(|s| s.line);
    Ok((items, skipped, warnings))
}

/// BibDesk's static groups as tags of the papers in them (citation keys
/// match as BibTeX matches them, ignoring case).
fn add_group_tags(items: &mut [Incoming], groups: &[bibtex::Group], warnings: &mut Vec<String>) {
    let mut by_key: std::collections::HashMap<String, Vec<&str>> = Default::default();
    for group in groups {
        if let Err(e) = crate::library::validate_tag(&group.name) {
            warnings.push(format!(
                "BibDesk group \"{}\" is not a tag ({e}); its papers are imported without it",
                crate::width::cut(&group.name, 40)
            ));
            continue;
        }
        for key in &group.keys {
            by_key
                .entry(key.to_lowercase())
                .or_default()
                .push(&group.name);
        }
    }
    for item in items {
        let Some(key) = item.citekey.as_ref().map(|k| k.to_lowercase()) else {
            continue;
        };
        for name in by_key.get(&key).into_iter().flatten() {
            if !item.tags.iter().any(|t| t.eq_ignore_ascii_case(name)) {
                item.tags.push((*name).to_string());
            }
        }
    }
}

/// Imports a file in one transaction. Atom and JSON Lines: all of it or
/// nothing. BibTeX: every entry that reads (the others are reported with
/// their line and reason) unless `strict`; nothing readable is an error.
pub fn import_file(
    lib: &mut Library,
    path: &Path,
    format: Option<ImportFormat>,
    strict: bool,
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
    let mut skipped = Vec::new();
    let mut warnings = Vec::new();
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
            let (items, left_out, notes) = bibtex_items(text, strict).map_err(parse_error)?;
            if items.is_empty() && !left_out.is_empty() {
                let first = &left_out[0];
                return Err(parse_error(format!(
                    "no entry could be read ({} skipped; the first, line {}: {})",
                    left_out.len(),
                    first.line,
                    first.reason
                )));
            }
            (skipped, warnings) = (left_out, notes);
            (items, Merge::KeepExisting)
        }
        ImportFormat::Jsonl => (
            json::parse_papers(&text).map_err(|e| parse_error(e.to_string()))?,
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
        skipped,
        warnings,
    })
}

pub use crate::embed::pending::{EmbedReport, embed_pending};
