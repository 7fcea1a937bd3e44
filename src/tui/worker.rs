//! Off the UI thread: a worker that owns the library connections, the
//! full-text index and (once a semantic query needs it) the embedding model,
//! and answers intents with updates over a channel. Long jobs (fetch, sync,
//! running an implementation) get their own thread and connection and can
//! be cancelled. The worker also notices when another process (a CLI
//! `watch sync`) changes the library and reloads what is shown.

use super::state::{Intent, Level, Update};
use crate::arxiv::SearchQuery;
use crate::config::Config;
use crate::embed::Embedder;
use crate::home::Home;
use crate::impls::resolve::{resolve, source_root};
use crate::library::{Library, RowFilter};
use crate::reading::Status;
use crate::search::{
    Filters, Mode, PassageIndex, SearchHit, Searcher, Semantic, TextIndex, VectorIndex,
};
use std::cell::OnceCell;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{Receiver, RecvTimeoutError, Sender};
use std::time::{Duration, Instant};

mod edits;
mod jobs;
pub mod load;
mod text_jobs;

pub use load::{code, detail, radar, reading};

/// How often the worker looks for changes made by other connections.
const CHECK_EVERY: Duration = Duration::from_millis(700);

/// Results per search.
const HITS: usize = 50;

/// Papers the Inbox ranks.
const INBOX: usize = 100;

/// What the worker needs to open things.
#[derive(Clone)]
pub struct Setup {
    /// Where the library lives.
    pub home: Home,
    /// Settings.
    pub config: Config,
    /// `--device`, when given.
    pub device: Option<String>,
    /// Requests to arXiv from every job of the app take turns on this.
    pub pacer: crate::arxiv::Pacer,
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
    passages: Option<PassageIndex>,
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
        passages: None,
        stale: true,
    };
    let model: OnceCell<Option<Embedder>> = OnceCell::new();
    let mut seen_version = lib.data_version()?;
    let mut filter = RowFilter::default();
    let mut jobs = Jobs::default();
    let mut last_check = Instant::now();
    loop {
        let wait = CHECK_EVERY.saturating_sub(last_check.elapsed());
        match intents.recv_timeout(wait) {
            Ok(first) => {
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
                        &mut jobs,
                        intent,
                        updates,
                    );
                    if let Err(e) = result {
                        send(updates, Update::Message(Level::Error, one_line(&e)));
                    }
                }
            }
            Err(RecvTimeoutError::Timeout) => {}
            Err(RecvTimeoutError::Disconnected) => return Ok(()),
        }
        // Another process or a job thread committed (our own writes do not
        // count): reload what is shown, at most once per CHECK_EVERY, busy or not.
        if last_check.elapsed() >= CHECK_EVERY {
            last_check = Instant::now();
            let now = lib.data_version()?;
            if now != seen_version {
                seen_version = now;
                search.stale = true;
                send(updates, Update::Papers(lib.paper_rows(&filter)?));
                send(updates, Update::Timer(lib.running_timer()?));
            }
        }
    }
}

fn send(updates: &Sender<Update>, update: Update) {
    // The UI has gone: the worker ends at its next receive.
    let _ = updates.send(update);
}

fn one_line(e: &anyhow::Error) -> String {
    crate::paper::fold_whitespace(&format!("{e:#}"))
}

/// The cancel flags of the background jobs, one per kind, so starting a
/// fetch never takes away the means to stop a run.
#[derive(Default)]
struct Jobs {
    flags: std::collections::HashMap<&'static str, Arc<AtomicBool>>,
}

impl Jobs {
    /// A fresh flag for a job of `kind`.
    fn start(&mut self, kind: &'static str) -> Arc<AtomicBool> {
        let flag = Arc::new(AtomicBool::new(false));
        self.flags.insert(kind, flag.clone());
        flag
    }

    /// Raises every flag; true when there was any.
    fn cancel_all(&mut self) -> bool {
        let any = !self.flags.is_empty();
        for (_, flag) in self.flags.drain() {
            flag.store(true, Ordering::SeqCst);
        }
        any
    }
}

/// After a paper is queued or timed: its text, in the background, when
/// `[fulltext] auto` is on and it has none of its latest version.
fn auto_text(setup: &Setup, lib: &Library, id: &str, jobs: &mut Jobs, updates: &Sender<Update>) {
    if !setup.config.fulltext.auto {
        return;
    }
    let Ok(record) = lib.find(id) else {
        return;
    };
    if record.paper.version.is_none()
        || lib.fulltext_version(&record.paper.id).ok().flatten() == record.paper.version
    {
        return;
    }
    let cancel = jobs.start("text");
    let (setup, updates, id) = (setup.clone(), updates.clone(), record.paper.id);
    std::thread::spawn(move || text_jobs::text_job(&setup, &id, &cancel, &updates));
}

/// Ranks the feed on its own connection and sends it back.
fn inbox_job(
    setup: &Setup,
    generation: u64,
    window: crate::feed::Window,
    remember: bool,
    updates: &Sender<Update>,
) -> anyhow::Result<()> {
    let mut lib = Library::open(&setup.home.database())?;
    let model = crate::embed::configured(&setup.config.embed);
    let request = crate::feed::Request {
        tag: None,
        window,
        limit: INBOX,
        model: Some(model.name),
    };
    let feed = crate::feed::look(&lib, &request)?;
    if remember {
        lib.set_feed_last_look(&feed.view, chrono::Utc::now())?;
    }
    send(
        updates,
        Update::Inbox {
            generation,
            feed: Box::new(feed),
        },
    );
    Ok(())
}

fn handle(
    setup: &Setup,
    lib: &mut Library,
    search: &mut SearchSide,
    model: &OnceCell<Option<Embedder>>,
    jobs: &mut Jobs,
    intent: Intent,
    updates: &Sender<Update>,
) -> anyhow::Result<()> {
    let now = chrono::Utc::now();
    match intent {
        Intent::LoadPapers(filter) => {
            send(updates, Update::Papers(lib.paper_rows(&filter)?));
            send(updates, Update::Tags(lib.tag_counts()?));
        }
        Intent::LoadPaper(id) => send(updates, Update::Paper(Box::new(detail(lib, &id)?))),
        Intent::Search { query, mode } => {
            let hits = run_search(setup, search, model, &query, mode)?;
            let hits = load::decorate(lib, hits)?;
            send(updates, Update::Hits { query, mode, hits });
        }
        Intent::Related(id) => {
            let record = lib.find(&id)?;
            let hits = related(setup, search, model, &record.paper.id)?;
            send(
                updates,
                Update::Related {
                    of: id,
                    hits: load::decorate(lib, hits)?,
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
            auto_text(setup, lib, &id, jobs, updates);
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
            auto_text(setup, lib, &paper, jobs, updates);
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
        Intent::OpenPdf(id) => {
            let (setup, updates) = (setup.clone(), updates.clone());
            std::thread::spawn(move || text_jobs::pdf_job(&setup, &id, &updates));
        }
        Intent::FetchText(id) => {
            let cancel = jobs.start("text");
            let (setup, updates) = (setup.clone(), updates.clone());
            std::thread::spawn(move || text_jobs::text_job(&setup, &id, &cancel, &updates));
        }
        Intent::Fetch(query) => {
            let query = SearchQuery::parse(&query)?;
            let cancel = jobs.start("fetch");
            let (setup, updates) = (setup.clone(), updates.clone());
            std::thread::spawn(move || jobs::fetch_job(&setup, &query, &cancel, &updates));
        }
        Intent::SyncWatches => {
            let cancel = jobs.start("fetch");
            let (setup, updates) = (setup.clone(), updates.clone());
            std::thread::spawn(move || jobs::sync_job(&setup, &cancel, &updates));
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
            let cancel = jobs.start("run");
            let (db, updates) = (setup.home.database(), updates.clone());
            std::thread::spawn(move || jobs::run_job(&db, imp, runnable, &cancel, &updates));
        }
        Intent::LoadInbox {
            generation,
            window,
            remember,
        } => {
            // Training takes about a second on 10,000 papers: on a thread
            // of its own, so searches and loads are not held up.
            let (setup, updates) = (setup.clone(), updates.clone());
            std::thread::spawn(move || {
                if let Err(e) = inbox_job(&setup, generation, window, remember, &updates) {
                    send(&updates, Update::Message(Level::Error, one_line(&e)));
                }
            });
        }
        Intent::MarkFeed(id, mark) => {
            let paper = lib.set_feed_mark(&id, mark, now)?;
            let what = match mark {
                crate::feed::Mark::Like => "liked: more like it",
                crate::feed::Mark::Dislike => "disliked: less like it",
                crate::feed::Mark::Dismiss => "dismissed",
            };
            send(
                updates,
                Update::Message(Level::Info, format!("{paper} {what}")),
            );
        }
        Intent::Tag { paper, add, remove } => edits::tag(lib, &paper, &add, &remove, updates)?,
        Intent::AddPapers(ids) => {
            let cancel = jobs.start("fetch");
            let (setup, updates) = (setup.clone(), updates.clone());
            std::thread::spawn(move || jobs::add_job(&setup, &ids, &cancel, &updates));
        }
        Intent::Import(path) => {
            let cancel = jobs.start("fetch");
            let (setup, updates) = (setup.clone(), updates.clone());
            std::thread::spawn(move || jobs::import_job(&setup, &path, &cancel, &updates));
        }
        Intent::RemovePaper(id) => {
            let record = lib.remove(&id)?;
            send(
                updates,
                Update::Message(
                    Level::Info,
                    format!("Removed {} \"{}\"", record.paper.id, record.paper.title),
                ),
            );
            send(updates, Update::Tags(lib.tag_counts()?));
        }
        Intent::Radar(edit) => edits::radar_edit(setup, lib, edit, updates)?,
        Intent::LoadReview => edits::send_review(setup, lib, updates)?,
        Intent::AcceptProposal { id, rationale } => {
            edits::proposal(setup, lib, &id, Some(rationale), updates)?
        }
        Intent::DismissProposal(id) => edits::proposal(setup, lib, &id, None, updates)?,
        Intent::Cancel => {
            if jobs.cancel_all() {
                send(updates, Update::Message(Level::Info, "Stopping…".into()));
            } else {
                send(
                    updates,
                    Update::Message(Level::Info, "Nothing is running.".into()),
                );
            }
        }
    }
    Ok(())
}

fn reading_changed(lib: &Library, id: &str, updates: &Sender<Update>) -> anyhow::Result<()> {
    send(updates, Update::Paper(Box::new(detail(lib, id)?)));
    Ok(())
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
    let r = crate::embed::configured(&setup.config.embed);
    if !r.installed() {
        return Ok(None);
    }
    let device = crate::embed::device::configured(setup.device.as_deref(), &setup.config.embed)?;
    Ok(Some(r.load(&device)?))
}

/// Readies the search side: the index opened or caught up and, when the
/// query needs meaning, the model and its vectors. Vectors that went stale
/// (the library changed) are dropped and reloaded when next needed.
fn prepare<'m>(
    setup: &Setup,
    search: &mut SearchSide,
    model: &'m OnceCell<Option<Embedder>>,
    meaning: bool,
) -> anyhow::Result<Option<&'m Embedder>> {
    if search.stale {
        search.vectors = None;
        search.passages = None;
    }
    ensure_index(setup, search)?;
    search.stale = false;
    let embedder = if meaning {
        model_of(setup, model)?
    } else {
        None
    };
    if let (Some(m), None) = (embedder, &search.vectors) {
        let v = search.lib.load_vectors(m.name())?;
        search.vectors = Some(VectorIndex::new(v.ids, v.data, v.dim));
        search.passages = PassageIndex::load(&search.lib, m.name())?;
    }
    Ok(embedder)
}

/// Runs `f` on a searcher over the prepared side; the vectors are lent to
/// it and kept for the next query.
fn with_searcher<T>(
    search: &mut SearchSide,
    embedder: Option<&Embedder>,
    f: impl FnOnce(&Searcher<'_>) -> T,
) -> anyhow::Result<T> {
    let index = search
        .index
        .as_ref()
        .ok_or_else(|| anyhow::anyhow!("the full-text index is not open"))?;
    let semantic = match (embedder, search.vectors.take()) {
        (Some(model), Some(vectors)) => Some(Semantic {
            model,
            vectors,
            passages: search.passages.take(),
        }),
        (_, vectors) => {
            search.vectors = vectors;
            None
        }
    };
    let result = f(&Searcher::new(&search.lib, index, semantic.as_ref()));
    if let Some(s) = semantic {
        search.vectors = Some(s.vectors);
        search.passages = s.passages;
    }
    Ok(result)
}

fn run_search(
    setup: &Setup,
    search: &mut SearchSide,
    model: &OnceCell<Option<Embedder>>,
    query: &str,
    mode: Mode,
) -> anyhow::Result<Vec<SearchHit>> {
    let embedder = prepare(setup, search, model, mode != Mode::Lexical)?;
    Ok(with_searcher(search, embedder, |s| {
        s.search(query, mode, &Filters::default(), HITS)
    })??)
}

fn related(
    setup: &Setup,
    search: &mut SearchSide,
    model: &OnceCell<Option<Embedder>>,
    id: &str,
) -> anyhow::Result<Vec<SearchHit>> {
    let Some(embedder) = prepare(setup, search, model, true)? else {
        return Err(crate::search::SearchError::NoModel.into());
    };
    Ok(with_searcher(search, Some(embedder), |s| {
        s.related(id, HITS)
    })??)
}
