//! What the terminal app shows: plain data loaded by the worker from the
//! library, and the messages that carry it. No database handles here.

use crate::impls::ledger::Row;
use crate::impls::{Implementation, Run};
use crate::library::{PaperRecord, PaperRow};
use crate::radar::store::{Evidence, HistoryRow};
use crate::radar::view::View;
use crate::radar::{Change, Movement};
use crate::reading::{Budget, Pass, Passes, QueueItem, Session};
use crate::search::{Mode, SearchHit};

/// A paper's own text as the Reading screen shows it.
#[derive(Debug, Clone)]
pub struct TextView {
    /// "v7 · from the pdf (pdftotext 22.12.0)".
    pub origin: String,
    /// Where the text came from.
    pub source: crate::fulltext::Source,
    /// Pass 1: title, abstract, conclusion, captions.
    pub skim: crate::fulltext::skim::Skim,
    /// Pass 2: the method sections (indices into `document.sections`).
    pub method: Vec<usize>,
    /// The document.
    pub document: crate::fulltext::Document,
}

/// A paper opened in the detail pane.
#[derive(Debug, Clone)]
pub struct PaperDetail {
    /// Its own text, when fetched.
    pub text: Option<Box<TextView>>,
    /// The metadata.
    pub record: PaperRecord,
    /// Its passes.
    pub passes: Passes,
    /// Its implementations.
    pub impls: Vec<Implementation>,
    /// Its claims beside the runs.
    pub ledger: Vec<Row>,
    /// Blips it is evidence for.
    pub blips: Vec<String>,
}

/// A search result with what the list shows.
#[derive(Debug, Clone)]
pub struct Hit {
    /// The result.
    pub hit: SearchHit,
    /// Title.
    pub title: String,
    /// First author.
    pub first_author: String,
    /// Year.
    pub year: Option<i32>,
}

/// A queued paper.
#[derive(Debug, Clone)]
pub struct QueueRow {
    /// The queue item.
    pub item: QueueItem,
    /// Title.
    pub title: String,
}

/// The reading screen's data.
#[derive(Debug, Clone, Default)]
pub struct ReadingData {
    /// The queue, in order.
    pub queue: Vec<QueueRow>,
    /// Budgets per pass.
    pub budgets: Option<[Budget; 3]>,
}

/// One blip's story.
#[derive(Debug, Clone)]
pub struct BlipStory {
    /// Its history, oldest first.
    pub history: Vec<HistoryRow>,
    /// Linked papers.
    pub evidence: Vec<Evidence>,
}

/// The radar screen's data.
#[derive(Debug, Clone)]
pub struct RadarData {
    /// All editions, oldest first.
    pub editions: Vec<String>,
    /// The edition shown.
    pub view: View,
    /// Changes since the edition before.
    pub diff: Vec<Change>,
    /// Per blip (same order as `view.blips`).
    pub stories: Vec<BlipStory>,
}

impl RadarData {
    /// Movement of a blip from the diff (for markers).
    pub fn movement(&self, name: &str) -> Movement {
        self.diff
            .iter()
            .find(|c| c.blip == name)
            .map_or(Movement::Unchanged, |c| c.movement)
    }
}

/// A paper's implementations and ledger.
#[derive(Debug, Clone, Default)]
pub struct CodeData {
    /// The paper.
    pub paper: String,
    /// Its title.
    pub title: String,
    /// Each link and why it cannot run, if it cannot.
    pub impls: Vec<(Implementation, Option<String>)>,
    /// The ledger.
    pub ledger: Vec<Row>,
    /// Recent runs.
    pub runs: Vec<Run>,
}

/// How serious a message is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Level {
    /// Good to know.
    Info,
    /// Went wrong.
    Error,
}

/// What the worker sends back.
#[derive(Debug, Clone)]
pub enum Update {
    /// The paper list.
    Papers(Vec<PaperRow>),
    /// A paper's detail.
    Paper(Box<PaperDetail>),
    /// Search results for a query.
    Hits {
        /// The query answered.
        query: String,
        /// The mode used.
        mode: Mode,
        /// Results.
        hits: Vec<Hit>,
    },
    /// Related papers.
    Related {
        /// To this paper.
        of: String,
        /// Results.
        hits: Vec<Hit>,
    },
    /// Reading data.
    Reading(Box<ReadingData>),
    /// The running timer (or none).
    Timer(Option<Session>),
    /// Radar data.
    Radar(Box<RadarData>),
    /// Code data.
    Code(Box<CodeData>),
    /// A background job's progress.
    Progress {
        /// What.
        label: String,
        /// Done.
        done: u64,
        /// Out of, when known.
        total: Option<u64>,
    },
    /// A line of a running implementation's output.
    Output(String),
    /// A background job ended.
    Finished {
        /// What ran.
        label: String,
        /// Its summary.
        message: String,
        /// It failed.
        failed: bool,
    },
    /// The feed, ranked for the Inbox.
    Inbox {
        /// The look it answers ([`Intent::LoadInbox`]'s number).
        generation: u64,
        /// The ranked papers.
        feed: Box<crate::feed::Feed>,
    },
    /// The library's tags with their counts (for completion and the tag list).
    Tags(Vec<(String, u64)>),
    /// The month's radar review.
    Review(Box<crate::radar::store::Review>),
    /// A message for the message line.
    Message(Level, String),
}

/// A change to the radar, made from the app through the library's radar
/// edits (the same the CLI makes).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RadarEdit {
    /// Move a blip (ring and/or quadrant), with the reason.
    Move {
        /// The blip.
        blip: String,
        /// To this ring.
        ring: String,
        /// To this quadrant.
        quadrant: String,
        /// Why.
        rationale: String,
    },
    /// Put a new blip on the newest edition.
    Add {
        /// Name.
        name: String,
        /// Quadrant.
        quadrant: String,
        /// Ring.
        ring: String,
        /// What it is.
        description: String,
    },
    /// Change a blip's description, or record a reassessment.
    Describe {
        /// The blip.
        blip: String,
        /// New description.
        description: Option<String>,
        /// A reassessment (the blip stays where it is).
        rationale: Option<String>,
    },
    /// Take a blip off the newest edition.
    PhaseOut {
        /// The blip.
        blip: String,
        /// Why.
        rationale: String,
    },
    /// Link a paper to a blip as evidence.
    Link {
        /// The blip.
        blip: String,
        /// The paper.
        paper: String,
    },
    /// Start the next month's edition from the newest.
    NewEdition,
    /// Freeze (publish) an edition.
    Freeze(String),
}

/// What the app asks the worker (or the terminal loop) to do.
#[derive(Debug, Clone, PartialEq)]
pub enum Intent {
    /// Load the paper list.
    LoadPapers(crate::library::RowFilter),
    /// Load a paper's detail.
    LoadPaper(String),
    /// Search.
    Search {
        /// Words.
        query: String,
        /// Mode.
        mode: Mode,
    },
    /// Papers related to one.
    Related(String),
    /// Start the timer on a paper's current pass.
    StartTimer(String),
    /// Stop the running timer.
    StopTimer,
    /// Mark a paper's current pass done.
    PassDone(String),
    /// Edit a pass note in $EDITOR (the terminal loop suspends the UI).
    EditNote(String, Option<Pass>),
    /// Put a paper in the reading queue.
    Enqueue(String),
    /// Load the reading screen.
    LoadReading,
    /// Load an edition (default: newest).
    LoadRadar(Option<String>),
    /// Fetch an arXiv query in the background.
    Fetch(String),
    /// Sync all watches in the background.
    SyncWatches,
    /// Load a paper's implementations.
    LoadCode(String),
    /// Run an implementation in the background.
    RunImpl(i64),
    /// Download a paper's PDF (once) and open it in the viewer, in the background.
    OpenPdf(String),
    /// Get a paper's text in the background.
    FetchText(String),
    /// Rank the feed for the Inbox, in the background.
    LoadInbox {
        /// Numbered, so an older ranking never replaces a newer one.
        generation: u64,
        /// Which papers.
        window: crate::feed::Window,
        /// Remember this as the feed's last look.
        remember: bool,
    },
    /// Like, dislike or dismiss a paper in the feed.
    MarkFeed(String, crate::feed::Mark),
    /// Add and remove tags of a paper.
    Tag {
        /// The paper.
        paper: String,
        /// Tags to add.
        add: Vec<String>,
        /// Tags to remove.
        remove: Vec<String>,
    },
    /// Add papers by arXiv id or URL, fetched in the background.
    AddPapers(Vec<String>),
    /// Import a file (BibTeX, Atom, JSON Lines) in the background.
    Import(String),
    /// Remove a paper from the library.
    RemovePaper(String),
    /// Change the radar.
    Radar(RadarEdit),
    /// Load the month's radar review.
    LoadReview,
    /// Accept a review proposal, with the rationale to record.
    AcceptProposal {
        /// The proposal's id.
        id: String,
        /// The rationale, when the user changed the pre-filled one.
        rationale: Option<String>,
    },
    /// Dismiss a review proposal for good.
    DismissProposal(String),
    /// Cancel the running background job.
    Cancel,
}
