//! Off the UI thread: a worker that owns the library connections, the
//! full-text index and (once a semantic query needs it) the embedding model,
//! and answers intents with updates over a channel. Long jobs (fetch, sync,
//! running an implementation) get their own thread and connection and can
//! be cancelled. The worker also notices when another process (a CLI
//! `watch sync`) changes the library and reloads what is shown.

use super::state::{
    BlipStory, CodeData, Hit, Intent, Level, PaperDetail, QueueRow, RadarData, ReadingData, Update,
};
use crate::arxiv::{ArxivClient, SearchQuery, SortBy};
use crate::config::Config;
use crate::embed::Embedder;
use crate::home::Home;
use crate::impls::resolve::{resolve, source_root};
use crate::impls::runner::{self, Stream};
use crate::ingest::{self, IngestError, Progress};
use crate::library::{Library, RowFilter};
use crate::reading::{Pass, Status};
use crate::search::{Filters, Mode, SearchHit, Searcher, Semantic, TextIndex, VectorIndex};
use std::cell::OnceCell;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{Receiver, RecvTimeoutError, Sender};
use std::time::Duration;

/// Results per search.
const HITS: usize = 50;

/// What the worker needs to open things.
#[derive(Clone)]
pub struct Setup {
    /// Where the library lives.
    pub home: Home,
    /// Settings.
    pub config: Config,
    /// `--device`, when given.
    pub device: Option<String>,
}

/// Starts the worker; it stops when the intent sender is dropped.
pub fn spawn(
    setup: Setup,
    intents: Receiver<Intent>,
    updates: Sender<Update>,
) -> std::thread::JoinHandle<()> {
    std::thread::spawn(move || {
        if let Err(e) = serve(&setup, &intents, &updates) {
            let _ = updates.send(Update::Message(Level::Error, format!("{e:#}")));
        }
    })
}

/// The search side: its own read connection, the index, the model and the
/// vectors, each opened when first needed and refreshed when the library
/// changes.
struct SearchSide {
    lib: Library,
    index: Option<TextIndex>,
    vectors: Option<VectorIndex>,
    stale: bool,
}

fn serve(
    setup: &Setup,
    intents: &Receiver<Intent>,
    updates: &Sender<Update>,
) -> anyhow::Result<()> {
    let db = setup.home.database();
    let mut lib = Library::open(&db)?;
    let mut search = SearchSide {
        lib: Library::open(&db)?,
        index: None,
        vectors: None,
        stale: true,
    };
    let model: OnceCell<Option<Embedder>> = OnceCell::new();
    let mut seen_version = lib.data_version()?;
    let mut filter = RowFilter::default();
    let mut job: Option<Arc<AtomicBool>> = None;
    loop {
        let first = match intents.recv_timeout(Duration::from_millis(700)) {
            Ok(i) => i,
            Err(RecvTimeoutError::Timeout) => {
                // Another process (or a job thread) changed the library.
                let now = lib.data_version()?;
                if now != seen_version {
                    seen_version = now;
                    search.stale = true;
                    send(updates, Update::Papers(lib.paper_rows(&filter)?));
                    send(updates, Update::Timer(lib.running_timer()?));
                }
                continue;
            }
            Err(RecvTimeoutError::Disconnected) => return Ok(()),
        };
        // Typing sends a search per key: answer only the newest.
        let mut batch = vec![first];
        batch.extend(intents.try_iter());
        let last_search = batch
            .iter()
            .rposition(|i| matches!(i, Intent::Search { .. }));
        for (n, intent) in batch.into_iter().enumerate() {
            if matches!(intent, Intent::Search { .. }) && Some(n) != last_search {
                continue;
            }
            if let Intent::LoadPapers(f) = &intent {
                filter = f.clone();
            }
            let result = handle(
                setup,
                &mut lib,
                &mut search,
                &model,
                &mut job,
                intent,
                updates,
            );
            if let Err(e) = result {
                send(updates, Update::Message(Level::Error, one_line(&e)));
            }
        }
        seen_version = lib.data_version()?;
    }
}

fn send(updates: &Sender<Update>, update: Update) {
    // The UI has gone: the worker ends at its next receive.
    let _ = updates.send(update);
}

fn one_line(e: &anyhow::Error) -> String {
    crate::paper::fold_whitespace(&format!("{e:#}"))
}

fn handle(
    setup: &Setup,
    lib: &mut Library,
    search: &mut SearchSide,
    model: &OnceCell<Option<Embedder>>,
    job: &mut Option<Arc<AtomicBool>>,
    intent: Intent,
    updates: &Sender<Update>,
) -> anyhow::Result<()> {
    let now = chrono::Utc::now();
    match intent {
        Intent::LoadPapers(filter) => send(updates, Update::Papers(lib.paper_rows(&filter)?)),
        Intent::LoadPaper(id) => send(updates, Update::Paper(Box::new(detail(lib, &id)?))),
        Intent::Search { query, mode } => {
            let hits = run_search(setup, search, model, &query, mode)?;
            let hits = decorate(lib, hits)?;
            send(updates, Update::Hits { query, mode, hits });
        }
        Intent::Related(id) => {
            let record = lib.find(&id)?;
            let hits = related(setup, search, model, &record.paper.id)?;
            send(
                updates,
                Update::Related {
                    of: id,
                    hits: decorate(lib, hits)?,
                },
            );
        }
        Intent::StartTimer(id) => {
            let session = lib.start_timer(&id, None, false, now)?;
            send(
                updates,
                Update::Message(
                    Level::Info,
                    format!(
                        "Timer started: {} pass {}",
                        session.paper_id,
                        session.pass.number()
                    ),
                ),
            );
            send(updates, Update::Timer(lib.running_timer()?));
            reading_changed(lib, &id, updates)?;
        }
        Intent::StopTimer => {
            let session = lib.stop_timer(now)?;
            send(
                updates,
                Update::Message(
                    Level::Info,
                    format!(
                        "Timer stopped: {} pass {}, {}",
                        session.paper_id,
                        session.pass.number(),
                        crate::reading::human_duration(session.seconds(now))
                    ),
                ),
            );
            send(updates, Update::Timer(None));
            reading_changed(lib, &session.paper_id, updates)?;
        }
        Intent::PassDone(id) => {
            let (paper, pass) = lib.close_pass(&id, None, Status::Done, now)?;
            send(
                updates,
                Update::Message(Level::Info, format!("{paper}: pass {} done", pass.number())),
            );
            send(updates, Update::Timer(lib.running_timer()?));
            reading_changed(lib, &paper, updates)?;
        }
        Intent::Enqueue(id) => {
            let paper = lib.enqueue(&id, 0, now)?;
            send(
                updates,
                Update::Message(Level::Info, format!("{paper} is in the reading queue")),
            );
            send(
                updates,
                Update::Reading(Box::new(reading(lib, &setup.config)?)),
            );
        }
        Intent::EditNote(..) => {}
        Intent::LoadReading => {
            send(
                updates,
                Update::Reading(Box::new(reading(lib, &setup.config)?)),
            );
            send(updates, Update::Timer(lib.running_timer()?));
        }
        Intent::LoadRadar(edition) => {
            if lib.radar_editions()?.is_empty() {
                return Ok(());
            }
            send(
                updates,
                Update::Radar(Box::new(radar(lib, &setup.config, edition.as_deref())?)),
            );
        }
        Intent::LoadCode(id) => send(updates, Update::Code(Box::new(code(lib, &id)?))),
        Intent::Fetch(query) => {
            let query = SearchQuery::parse(&query)?;
            let cancel = Arc::new(AtomicBool::new(false));
            *job = Some(cancel.clone());
            let (setup, updates) = (setup.clone(), updates.clone());
            std::thread::spawn(move || fetch_job(&setup, &query, &cancel, &updates));
        }
        Intent::SyncWatches => {
            let cancel = Arc::new(AtomicBool::new(false));
            *job = Some(cancel.clone());
            let (setup, updates) = (setup.clone(), updates.clone());
            std::thread::spawn(move || sync_job(&setup, &cancel, &updates));
        }
        Intent::RunImpl(n) => {
            let imp = lib.impl_get(n)?;
            let runnable = match resolve(&imp, &source_root()) {
                Ok(r) => r,
                Err(why) => {
                    send(
                        updates,
                        Update::Finished {
                            label: "run".into(),
                            message: format!("#{n} cannot run: {why}"),
                            failed: true,
                        },
                    );
                    return Ok(());
                }
            };
            let cancel = Arc::new(AtomicBool::new(false));
            *job = Some(cancel.clone());
            let (db, updates) = (setup.home.database(), updates.clone());
            std::thread::spawn(move || run_job(&db, imp, runnable, &cancel, &updates));
        }
        Intent::Cancel => match job.take() {
            Some(flag) => {
                flag.store(true, Ordering::SeqCst);
                send(updates, Update::Message(Level::Info, "Stopping…".into()));
            }
            None => send(
                updates,
                Update::Message(Level::Info, "Nothing is running.".into()),
            ),
        },
    }
    Ok(())
}

fn reading_changed(lib: &Library, id: &str, updates: &Sender<Update>) -> anyhow::Result<()> {
    send(updates, Update::Paper(Box::new(detail(lib, id)?)));
    Ok(())
}

/// Everything the detail pane shows about one paper.
pub fn detail(lib: &Library, id: &str) -> anyhow::Result<PaperDetail> {
    let record = lib.find(id)?;
    let (_, passes) = lib.passes(&record.paper.id)?;
    let impls = lib.impl_list(Some(&record.paper.id))?;
    let ledger = lib
        .impl_ledger(Some(&record.paper.id))?
        .into_iter()
        .flat_map(|(_, rows)| rows)
        .collect();
    let links = lib.radar_links()?;
    let mut blips: Vec<String> = links
        .into_iter()
        .filter(|(_, papers)| papers.contains(&record.paper.id))
        .map(|(blip, _)| blip)
        .collect();
    blips.sort();
    Ok(PaperDetail {
        record,
        passes,
        impls,
        ledger,
        blips,
    })
}

/// The queue and budgets.
pub fn reading(lib: &Library, config: &Config) -> anyhow::Result<ReadingData> {
    let queue = crate::reading::order_queue(lib.queue_items()?)
        .into_iter()
        .map(|item| {
            let title = lib
                .get(&item.paper_id)?
                .map(|r| r.paper.title)
                .unwrap_or_default();
            Ok(QueueRow { item, title })
        })
        .collect::<anyhow::Result<Vec<_>>>()?;
    Ok(ReadingData {
        queue,
        budgets: Some(config.reading.budgets()),
    })
}

/// An edition with its diff and every blip's story.
pub fn radar(lib: &Library, config: &Config, edition: Option<&str>) -> anyhow::Result<RadarData> {
    let view = lib.radar_view(edition, config.radar.stale_after)?;
    let editions = lib.radar_editions()?.into_iter().map(|e| e.name).collect();
    let (_, _, diff) = lib.radar_diff(None, Some(&view.edition))?;
    let stories = view
        .blips
        .iter()
        .map(|b| {
            Ok(BlipStory {
                history: lib.radar_history(&b.name)?,
                evidence: lib.radar_evidence(&b.name)?,
            })
        })
        .collect::<anyhow::Result<Vec<_>>>()?;
    Ok(RadarData {
        editions,
        view,
        diff,
        stories,
    })
}

/// A paper's links (checked), ledger and runs.
pub fn code(lib: &Library, id: &str) -> anyhow::Result<CodeData> {
    let record = lib.find(id)?;
    let source = source_root();
    let impls = lib
        .impl_list(Some(&record.paper.id))?
        .into_iter()
        .map(|i| {
            let problem = resolve(&i, &source).err();
            (i, problem)
        })
        .collect();
    let ledger = lib
        .impl_ledger(Some(&record.paper.id))?
        .into_iter()
        .flat_map(|(_, rows)| rows)
        .collect();
    Ok(CodeData {
        paper: record.paper.id.clone(),
        title: record.paper.title,
        impls,
        ledger,
        runs: lib.impl_runs(Some(&record.paper.id), 10)?,
    })
}

fn ensure_index<'s>(setup: &Setup, search: &'s mut SearchSide) -> anyhow::Result<&'s TextIndex> {
    if search.index.is_none() {
        search.index = Some(TextIndex::open(&setup.home.index_dir(), &search.lib)?.0);
        search.stale = false;
    } else if search.stale {
        if let Some(index) = search.index.as_mut() {
            index.catch_up(&search.lib)?;
        }
    }
    search
        .index
        .as_ref()
        .ok_or_else(|| anyhow::anyhow!("the full-text index did not open"))
}

/// The model, loaded on first use; `None` when none is installed.
fn model_of<'m>(
    setup: &Setup,
    model: &'m OnceCell<Option<Embedder>>,
) -> anyhow::Result<Option<&'m Embedder>> {
    if model.get().is_none() {
        let _ = model.set(load_model(setup)?);
    }
    Ok(model.get().and_then(Option::as_ref))
}

/// The configured model on the configured device; `None` when not installed.
fn load_model(setup: &Setup) -> anyhow::Result<Option<Embedder>> {
    let r = crate::embed::resolve(&setup.config.embed.model, &setup.config.embed.models_dir());
    if !r.installed() {
        return Ok(None);
    }
    let choice: crate::embed::device::DeviceChoice = setup
        .device
        .clone()
        .unwrap_or_else(|| setup.config.embed.device.clone())
        .parse()
        .map_err(|e: String| anyhow::anyhow!(e))?;
    let device = crate::embed::device::open(choice).map_err(|e| anyhow::anyhow!("{e}"))?;
    Ok(Some(r.load(&device)?))
}

/// After new papers arrive, as the CLI does: embed them when a model is
/// installed and `[embed] auto` is on, so meaning search finds them too.
fn embed_new(
    setup: &Setup,
    lib: &mut Library,
    progress: &JobProgress<'_>,
) -> Result<String, String> {
    if !setup.config.embed.auto {
        return Ok(String::new());
    }
    let Some(model) = load_model(setup).map_err(|e| one_line(&e))? else {
        return Ok(String::new());
    };
    progress.done.set(0);
    let report = ingest::embed_pending(lib, &model, setup.config.embed.batch, progress)
        .map_err(ingest_error)?;
    Ok(if report.embedded > 0 {
        format!("; {} embedded", report.embedded)
    } else {
        String::new()
    })
}

fn run_search(
    setup: &Setup,
    search: &mut SearchSide,
    model: &OnceCell<Option<Embedder>>,
    query: &str,
    mode: Mode,
) -> anyhow::Result<Vec<SearchHit>> {
    let stale = search.stale;
    ensure_index(setup, search)?;
    let embedder = if mode == Mode::Lexical {
        None
    } else {
        model_of(setup, model)?
    };
    if let Some(m) = embedder {
        if search.vectors.is_none() || stale {
            let v = search.lib.load_vectors(m.name())?;
            search.vectors = Some(VectorIndex::new(v.ids, v.data, v.dim));
        }
    }
    search.stale = false;
    let semantic = match (embedder, search.vectors.take()) {
        (Some(model), Some(vectors)) => Some(Semantic { model, vectors }),
        (_, v) => {
            search.vectors = v;
            None
        }
    };
    let index = search
        .index
        .as_ref()
        .ok_or_else(|| anyhow::anyhow!("no index"))?;
    let result = Searcher::new(&search.lib, index, semantic.as_ref()).search(
        query,
        mode,
        &Filters::default(),
        HITS,
    );
    // The vectors go back for the next query.
    if let Some(s) = semantic {
        search.vectors = Some(s.vectors);
    }
    Ok(result?)
}

fn related(
    setup: &Setup,
    search: &mut SearchSide,
    model: &OnceCell<Option<Embedder>>,
    id: &str,
) -> anyhow::Result<Vec<SearchHit>> {
    // The same loading as a semantic search, then the neighbours of a paper.
    run_search(setup, search, model, "", Mode::Lexical)?;
    let Some(m) = model_of(setup, model)? else {
        return Err(crate::search::SearchError::NoModel.into());
    };
    if search.vectors.is_none() {
        let v = search.lib.load_vectors(m.name())?;
        search.vectors = Some(VectorIndex::new(v.ids, v.data, v.dim));
    }
    let Some(vectors) = search.vectors.take() else {
        return Ok(Vec::new());
    };
    let semantic = Semantic { model: m, vectors };
    let index = search
        .index
        .as_ref()
        .ok_or_else(|| anyhow::anyhow!("no index"))?;
    let result = Searcher::new(&search.lib, index, Some(&semantic)).related(id, HITS);
    search.vectors = Some(semantic.vectors);
    Ok(result?)
}

fn decorate(lib: &Library, hits: Vec<SearchHit>) -> anyhow::Result<Vec<Hit>> {
    hits.into_iter()
        .map(|hit| {
            let record = lib.get(&hit.id)?;
            let (title, first_author, year) = match record {
                Some(r) => (
                    r.paper.title.clone(),
                    r.paper
                        .authors
                        .first()
                        .map(|a| a.name.clone())
                        .unwrap_or_default(),
                    r.paper.year(),
                ),
                None => (hit.id.clone(), String::new(), None),
            };
            Ok(Hit {
                hit,
                title,
                first_author,
                year,
            })
        })
        .collect()
}

/// Progress of a background job, sent to the UI; the job stops when the
/// user cancels.
struct JobProgress<'a> {
    label: String,
    done: std::cell::Cell<u64>,
    total: std::cell::Cell<Option<u64>>,
    cancel: &'a AtomicBool,
    updates: &'a Sender<Update>,
}

impl JobProgress<'_> {
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

fn fetch_job(setup: &Setup, query: &SearchQuery, cancel: &AtomicBool, updates: &Sender<Update>) {
    let label = format!("fetch {}", query.as_str());
    let result = (|| -> Result<String, String> {
        let mut lib = Library::open(&setup.home.database()).map_err(|e| e.to_string())?;
        let mut client = ArxivClient::new(setup.config.client()).map_err(|e| e.to_string())?;
        let progress = JobProgress {
            label: label.clone(),
            done: 0.into(),
            total: None.into(),
            cancel,
            updates,
        };
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

fn sync_job(setup: &Setup, cancel: &AtomicBool, updates: &Sender<Update>) {
    let label = "sync watches".to_string();
    let result = (|| -> Result<String, String> {
        let mut lib = Library::open(&setup.home.database()).map_err(|e| e.to_string())?;
        let watches = lib.watches().map_err(|e| e.to_string())?;
        if watches.is_empty() {
            return Err("No watches to sync; add one with `litradar watch add NAME QUERY`.".into());
        }
        let mut client = ArxivClient::new(setup.config.client()).map_err(|e| e.to_string())?;
        let progress = JobProgress {
            label: label.clone(),
            done: 0.into(),
            total: None.into(),
            cancel,
            updates,
        };
        let mut added = 0;
        for w in &watches {
            let cap = if w.sync_point.is_none() {
                setup.config.watch.first_sync_max
            } else {
                setup.config.watch.sync_max
            };
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

fn run_job(
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

/// Marks for a pass state in lists: done ✓, in progress ▸, skipped –, not started ·.
pub fn pass_marks(passes: &[Status; 3]) -> String {
    passes
        .iter()
        .map(|s| match s {
            Status::Done => '✓',
            Status::InProgress => '▸',
            Status::Skipped => '–',
            Status::NotStarted => '·',
        })
        .collect()
}

/// A pass's name for the status bar.
pub fn pass_name(pass: Pass) -> &'static str {
    pass.name()
}
