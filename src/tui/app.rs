//! The app's state and how keys change it. Pure: a key goes in, the state
//! changes, and intents come out for the worker; nothing here touches the
//! database or the terminal, so every transition is a unit test.

use super::state::{CodeData, Hit, Intent, Level, PaperDetail, RadarData, ReadingData, Update};
use crate::library::{PaperRow, RowFilter, RowOrder};
use crate::reading::Session;
use crate::search::Mode;
use crossterm::event::KeyCode;

/// The screens, in tab order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Screen {
    /// The paper list and a paper's detail.
    Library,
    /// Search as you type.
    Search,
    /// Passes, timer and queue.
    Reading,
    /// The technology radar.
    Radar,
    /// Fetch and sync.
    Fetch,
    /// Implementations and the ledger.
    Code,
    /// The feed: new papers ranked for the reader.
    Inbox,
    /// The month's radar review.
    Review,
}

impl Screen {
    /// All, in tab order.
    pub const ALL: [Screen; 8] = [
        Screen::Library,
        Screen::Search,
        Screen::Reading,
        Screen::Radar,
        Screen::Fetch,
        Screen::Code,
        Screen::Inbox,
        Screen::Review,
    ];

    /// The tab's title.
    pub fn title(self) -> &'static str {
        match self {
            Screen::Library => "Library",
            Screen::Search => "Search",
            Screen::Reading => "Reading",
            Screen::Radar => "Radar",
            Screen::Fetch => "Fetch",
            Screen::Code => "Code",
            Screen::Inbox => "Inbox",
            Screen::Review => "Review",
        }
    }
}

/// Which pane has the keys.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Focus {
    /// The list (or the query line on Search).
    List,
    /// The detail pane.
    Detail,
}

/// A one-line editor at the bottom.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Prompt {
    /// `:` commands.
    Palette(String),
    /// A list filter: `tag:peft cat:cs.CL pass:skimmed`.
    Filter(String),
    /// An arXiv query to fetch.
    Fetch(String),
    /// A line of text for an action (tags, ids, a path, a rationale...).
    Ask(Ask),
    /// A yes/no question before something that cannot be undone.
    Confirm(Confirm),
}

/// A cursor over a list of `len` items.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Cursor {
    /// Selected index.
    pub selected: usize,
}

impl Cursor {
    fn apply(&mut self, key: KeyCode, len: usize, page: usize) -> bool {
        if len == 0 {
            self.selected = 0;
            return false;
        }
        let last = len - 1;
        let before = self.selected;
        self.selected = match key {
            KeyCode::Char('j') | KeyCode::Down => (self.selected + 1).min(last),
            KeyCode::Char('k') | KeyCode::Up => self.selected.saturating_sub(1),
            KeyCode::Char('g') | KeyCode::Home => 0,
            KeyCode::Char('G') | KeyCode::End => last,
            KeyCode::PageDown => (self.selected + page).min(last),
            KeyCode::PageUp => self.selected.saturating_sub(page),
            _ => return false,
        };
        self.selected != before
            || matches!(key, KeyCode::Char('g' | 'G') | KeyCode::Home | KeyCode::End)
    }

    fn clamp(&mut self, len: usize) {
        self.selected = self.selected.min(len.saturating_sub(1));
    }
}

/// The library screen.
#[derive(Debug, Clone, Default)]
pub struct LibraryView {
    /// Rows as loaded.
    pub rows: Vec<PaperRow>,
    /// True until the first load arrives.
    pub loading: bool,
    /// Cursor.
    pub cursor: Cursor,
    /// Filter and order.
    pub filter: RowFilter,
    /// The open paper.
    pub detail: Option<PaperDetail>,
    /// Scroll of the detail pane.
    pub detail_scroll: u16,
}

impl LibraryView {
    /// The selected row.
    pub fn selected(&self) -> Option<&PaperRow> {
        self.rows.get(self.cursor.selected)
    }
}

/// The search screen.
#[derive(Debug, Clone)]
pub struct SearchView {
    /// The query line.
    pub query: String,
    /// The mode.
    pub mode: Mode,
    /// Results for `answered`.
    pub hits: Vec<Hit>,
    /// The query the results answer (they may lag the typing).
    pub answered: String,
    /// Related papers are shown instead of a query's results.
    pub related_to: Option<String>,
    /// Cursor.
    pub cursor: Cursor,
}

impl Default for SearchView {
    fn default() -> Self {
        SearchView {
            query: String::new(),
            mode: Mode::Hybrid,
            hits: Vec::new(),
            answered: String::new(),
            related_to: None,
            cursor: Cursor::default(),
        }
    }
}

/// The radar screen.
#[derive(Debug, Clone, Default)]
pub struct RadarScreen {
    /// Loaded data.
    pub data: Option<RadarData>,
    /// Selected blip (index into `view.blips`).
    pub cursor: Cursor,
    /// Show the diff against the edition before instead of the blip.
    pub show_diff: bool,
}

/// The fetch screen.
#[derive(Debug, Clone, Default)]
pub struct FetchView {
    /// A job is running.
    pub running: Option<String>,
    /// Progress: done, total.
    pub progress: Option<(u64, Option<u64>)>,
    /// What happened, newest last.
    pub log: Vec<String>,
}

/// The code screen.
#[derive(Debug, Clone, Default)]
pub struct CodeView {
    /// Loaded data.
    pub data: Option<CodeData>,
    /// Selected implementation.
    pub cursor: Cursor,
    /// Output of the running (or last) run.
    pub output: Vec<String>,
    /// A run is going.
    pub running: Option<String>,
}

/// The Inbox screen: the feed since the last look.
#[derive(Debug, Clone, Default)]
pub struct InboxView {
    /// The ranked feed, once it arrived.
    pub feed: Option<crate::feed::Feed>,
    /// Selected paper.
    pub cursor: Cursor,
    /// The number of the newest ranking asked for.
    pub generation: u64,
    /// A ranking is being computed.
    pub ranking: bool,
}

impl InboxView {
    /// The selected paper.
    pub fn selected(&self) -> Option<&crate::feed::Item> {
        self.feed
            .as_ref()
            .and_then(|f| f.items.get(self.cursor.selected))
    }

    /// The window later rankings keep: the papers of the first look.
    fn window(&self) -> crate::feed::Window {
        match self.feed.as_ref().and_then(|f| f.since) {
            Some(t) => crate::feed::Window::Since(t),
            None => crate::feed::Window::All,
        }
    }
}

/// The Review screen: the month's proposals.
#[derive(Debug, Clone, Default)]
pub struct ReviewView {
    /// The review, once loaded.
    pub data: Option<crate::radar::store::Review>,
    /// Selected proposal (an index into [`crate::radar::store::Review::ids`]).
    pub cursor: Cursor,
    /// A review is being computed.
    pub loading: bool,
}

/// What the Reading screen's text pane shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReadingPane {
    /// Pass 1: title, abstract, conclusion, captions.
    Skim,
    /// Pass 2: the method sections with their numbered equations.
    Method,
}

/// The reading screen's text pane.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct TextPane {
    /// Chosen with `v`; by default the pane follows the current pass.
    pub chosen: Option<ReadingPane>,
    /// Lines scrolled.
    pub scroll: u16,
}

mod actions;
mod keys;
mod palette;
mod prompts;

pub use prompts::{Ask, Confirm, Pick, Picker, Purpose};

pub use actions::{completion, parse_tags};

/// Lines of output kept in the pane.
const OUTPUT_LINES: usize = 2000;

/// Everything the app shows.
#[derive(Debug, Clone)]
pub struct App {
    /// The screen.
    pub screen: Screen,
    /// The pane with the keys.
    pub focus: Focus,
    /// The library screen.
    pub library: LibraryView,
    /// The search screen.
    pub search: SearchView,
    /// The reading screen.
    pub reading: ReadingData,
    /// The queue cursor.
    pub queue_cursor: Cursor,
    /// The reading screen's text pane.
    pub text_pane: TextPane,
    /// The running timer, shown everywhere.
    pub timer: Option<Session>,
    /// The radar screen.
    pub radar: RadarScreen,
    /// The fetch screen.
    pub fetch: FetchView,
    /// The code screen.
    pub code: CodeView,
    /// The Inbox screen.
    pub inbox: InboxView,
    /// The Review screen.
    pub review: ReviewView,
    /// The library's tags and their counts.
    pub tags: Vec<(String, u64)>,
    /// A list to pick from, over the screen.
    pub picker: Option<Picker>,
    /// The message line.
    pub message: Option<(Level, String)>,
    /// The help overlay.
    pub help: bool,
    /// Lines the help overlay is scrolled (it is longer than 24 rows).
    pub help_scroll: u16,
    /// The bottom line editor.
    pub prompt: Option<Prompt>,
    /// Time to go.
    pub quit: bool,
    /// Use colours.
    pub color: bool,
}

impl App {
    /// A fresh app on the library screen.
    pub fn new(color: bool) -> App {
        App {
            screen: Screen::Library,
            focus: Focus::List,
            library: LibraryView {
                loading: true,
                ..Default::default()
            },
            search: SearchView::default(),
            reading: ReadingData::default(),
            queue_cursor: Cursor::default(),
            text_pane: TextPane::default(),
            timer: None,
            radar: RadarScreen::default(),
            fetch: FetchView::default(),
            code: CodeView::default(),
            inbox: InboxView {
                ranking: true,
                ..Default::default()
            },
            review: ReviewView::default(),
            tags: Vec::new(),
            picker: None,
            message: None,
            help: false,
            help_scroll: 0,
            prompt: None,
            quit: false,
            color,
        }
    }

    /// What to load at start.
    pub fn startup(&self) -> Vec<Intent> {
        vec![
            Intent::LoadPapers(self.library.filter.clone()),
            Intent::LoadReading,
            Intent::LoadRadar(None),
            // The feed since the last look; the app opens on it when
            // papers arrived since then.
            Intent::LoadInbox {
                generation: 0,
                window: crate::feed::Window::SinceLastLook,
                remember: true,
            },
        ]
    }

    /// Ranks the Inbox again (after a signal), keeping its window.
    pub(super) fn rerank_inbox(&mut self) -> Intent {
        self.inbox.generation += 1;
        self.inbox.ranking = true;
        Intent::LoadInbox {
            generation: self.inbox.generation,
            window: self.inbox.window(),
            remember: false,
        }
    }

    /// The paper the user is on, wherever they are.
    pub fn current_paper(&self) -> Option<String> {
        match self.screen {
            Screen::Search if self.focus == Focus::Detail => self
                .search
                .hits
                .get(self.search.cursor.selected)
                .map(|h| h.hit.id.clone()),
            Screen::Reading => self
                .reading
                .queue
                .get(self.queue_cursor.selected)
                .map(|q| q.item.paper_id.clone()),
            Screen::Code => self.code.data.as_ref().map(|d| d.paper.clone()),
            Screen::Inbox => self.inbox.selected().map(|i| i.id.clone()),
            _ => None,
        }
        .or_else(|| {
            self.library
                .detail
                .as_ref()
                .map(|d| d.record.paper.id.clone())
        })
        .or_else(|| self.library.selected().map(|r| r.id.clone()))
    }

    fn go(&mut self, screen: Screen) -> Vec<Intent> {
        self.screen = screen;
        self.focus = Focus::List;
        match screen {
            // The paper being timed is the one being read.
            Screen::Reading => std::iter::once(Intent::LoadReading)
                .chain(
                    self.timer
                        .as_ref()
                        .map(|t| Intent::LoadPaper(t.paper_id.clone())),
                )
                .collect(),
            Screen::Radar if self.radar.data.is_none() => vec![Intent::LoadRadar(None)],
            // Tags, queueing and reading elsewhere change what fits: rank again.
            Screen::Inbox if !self.inbox.ranking => vec![self.rerank_inbox()],
            // The review looks at the library as it is now.
            Screen::Review => {
                self.review.loading = true;
                vec![Intent::LoadReview]
            }
            Screen::Code => self
                .current_paper()
                .map(Intent::LoadCode)
                .into_iter()
                .collect(),
            _ => Vec::new(),
        }
    }

    /// The pane the Reading screen shows: the one chosen with `v`, else
    /// the skim for pass 1 and the method from pass 2 on.
    pub fn reading_pane(&self) -> ReadingPane {
        if let Some(p) = self.text_pane.chosen {
            return p;
        }
        let pass = self
            .library
            .detail
            .as_ref()
            .and_then(|d| crate::reading::current_pass(&d.passes));
        match pass {
            Some(crate::reading::Pass::Skim) | None => ReadingPane::Skim,
            _ => ReadingPane::Method,
        }
    }

    /// Opens a paper in the library's detail pane.
    pub fn open_paper(&mut self, id: &str) -> Vec<Intent> {
        self.screen = Screen::Library;
        self.focus = Focus::Detail;
        self.library.detail_scroll = 0;
        if let Some(i) = self.library.rows.iter().position(|r| r.id == id) {
            self.library.cursor.selected = i;
        }
        vec![Intent::LoadPaper(id.to_string())]
    }

    /// Applies what the worker sent.
    pub fn on_update(&mut self, update: Update) -> Vec<Intent> {
        match update {
            Update::Papers(rows) => {
                let keep = self.library.selected().map(|r| r.id.clone());
                self.library.rows = rows;
                self.library.loading = false;
                if let Some(i) =
                    keep.and_then(|id| self.library.rows.iter().position(|r| r.id == id))
                {
                    self.library.cursor.selected = i;
                }
                self.library.cursor.clamp(self.library.rows.len());
            }
            Update::Paper(detail) => {
                if self.library.detail.as_ref().map(|d| &d.record.paper.id)
                    != Some(&detail.record.paper.id)
                {
                    self.text_pane.scroll = 0;
                }
                self.library.detail = Some(*detail);
            }
            Update::Hits {
                query,
                mode: _,
                hits,
            } => {
                // Results may lag the typing by a query (the title says so);
                // related papers, once asked for, are not replaced by them.
                if self.search.related_to.is_none() {
                    self.search.answered = query;
                    self.search.hits = hits;
                    self.search.cursor.clamp(self.search.hits.len());
                }
            }
            Update::Related { of, hits } => {
                if self.search.related_to.as_deref() == Some(of.as_str()) {
                    self.search.hits = hits;
                    self.search.cursor = Cursor::default();
                }
            }
            Update::Reading(data) => {
                self.reading = *data;
                self.queue_cursor.clamp(self.reading.queue.len());
            }
            Update::Timer(t) => self.timer = t,
            Update::Radar(data) => {
                let keep = self
                    .radar
                    .data
                    .as_ref()
                    .and_then(|d| d.view.blips.get(self.radar.cursor.selected))
                    .map(|b| b.name.clone());
                self.radar.cursor.selected = keep
                    .and_then(|n| data.view.blips.iter().position(|b| b.name == n))
                    .unwrap_or(0);
                self.radar.data = Some(*data);
            }
            Update::Code(data) => {
                self.code.cursor.clamp(data.impls.len());
                self.code.data = Some(*data);
            }
            Update::Progress { label, done, total } => {
                self.fetch.progress = Some((done, total));
                if self.fetch.running.is_none() {
                    self.fetch.running = Some(label);
                }
            }
            Update::Output(line) => {
                self.code.output.push(line);
                if self.code.output.len() > OUTPUT_LINES {
                    let cut = self.code.output.len() - OUTPUT_LINES;
                    self.code.output.drain(..cut);
                }
            }
            Update::Finished {
                label,
                message,
                failed,
            } => {
                let level = if failed { Level::Error } else { Level::Info };
                // A PDF opened or a paper's text fetched: say so, show the text.
                if let Some(id) = label.strip_prefix("text ") {
                    self.message = Some((level, message));
                    let shown = self
                        .library
                        .detail
                        .as_ref()
                        .map(|d| d.record.paper.id.as_str());
                    return (shown == Some(id))
                        .then(|| Intent::LoadPaper(id.to_string()))
                        .into_iter()
                        .collect();
                }
                if label.starts_with("pdf ") {
                    self.message = Some((level, message));
                    return Vec::new();
                }
                if label.starts_with("run") {
                    self.code.running = None;
                    self.code.output.push(format!("── {message}"));
                    self.message = Some((level, message));
                    return self
                        .code
                        .data
                        .as_ref()
                        .map(|d| Intent::LoadCode(d.paper.clone()))
                        .into_iter()
                        .collect();
                }
                self.fetch.running = None;
                self.fetch.log.push(message.clone());
                self.message = Some((level, message));
                return vec![Intent::LoadPapers(self.library.filter.clone())];
            }
            Update::Inbox { generation, feed } => {
                if generation < self.inbox.generation {
                    return Vec::new();
                }
                let keep = self.inbox.selected().map(|i| i.id.clone());
                let first = generation == 0 && self.inbox.feed.is_none();
                // Papers arrived since a remembered look: the app opens on them,
                // unless the user has gone somewhere already.
                if first
                    && feed.since.is_some()
                    && !feed.items.is_empty()
                    && self.screen == Screen::Library
                    && self.focus == Focus::List
                {
                    self.screen = Screen::Inbox;
                    self.message = Some((
                        Level::Info,
                        format!(
                            "{} new papers since your last look; + like, - dislike, Q queue, x dismiss",
                            feed.candidates
                        ),
                    ));
                }
                self.inbox.ranking = false;
                self.inbox.cursor.selected = keep
                    .and_then(|id| feed.items.iter().position(|i| i.id == id))
                    .unwrap_or(self.inbox.cursor.selected);
                self.inbox.cursor.clamp(feed.items.len());
                self.inbox.feed = Some(*feed);
            }
            Update::Tags(tags) => self.tags = tags,
            Update::Review(review) => {
                let keep = self
                    .review
                    .data
                    .as_ref()
                    .and_then(|r| r.ids().get(self.review.cursor.selected).cloned());
                let ids = review.ids();
                self.review.cursor.selected = keep
                    .and_then(|k| ids.iter().position(|i| *i == k))
                    .unwrap_or(self.review.cursor.selected);
                self.review.cursor.clamp(ids.len());
                self.review.data = Some(*review);
                self.review.loading = false;
            }
            Update::Message(level, text) => self.message = Some((level, text)),
        }
        Vec::new()
    }
}

fn next_mode(mode: Mode) -> Mode {
    match mode {
        Mode::Hybrid => Mode::Lexical,
        Mode::Lexical => Mode::Semantic,
        Mode::Semantic => Mode::Hybrid,
    }
}

/// The label of a search mode.
pub fn mode_label(mode: Mode) -> &'static str {
    match mode {
        Mode::Hybrid => "hybrid",
        Mode::Lexical => "words",
        Mode::Semantic => "meaning",
    }
}

/// `tag:peft cat:cs.CL pass:skimmed` → a filter.
pub fn parse_filter(text: &str, order: RowOrder) -> Result<RowFilter, String> {
    let mut f = RowFilter {
        order,
        ..Default::default()
    };
    for word in text.split_whitespace() {
        let (key, value) = word
            .split_once(':')
            .ok_or_else(|| format!("'{word}': filter with tag:NAME, cat:CATEGORY or pass:STATE"))?;
        let value = Some(value.to_string()).filter(|v| !v.is_empty());
        match key {
            "tag" => f.tag = value,
            "cat" | "category" => f.category = value,
            "pass" | "reading" => {
                if let Some(v) = &value {
                    if !crate::reading::READING_STATES.contains(&v.as_str()) {
                        return Err(format!(
                            "pass:{v}: use one of {}",
                            crate::reading::READING_STATES.join(", ")
                        ));
                    }
                }
                f.reading = value;
            }
            _ => return Err(format!("'{key}:': filter with tag:, cat: or pass:")),
        }
    }
    Ok(f)
}

/// The filter as the prompt shows it.
pub fn filter_text(f: &RowFilter) -> String {
    let mut parts = Vec::new();
    if let Some(t) = &f.tag {
        parts.push(format!("tag:{t}"));
    }
    if let Some(c) = &f.category {
        parts.push(format!("cat:{c}"));
    }
    if let Some(r) = &f.reading {
        parts.push(format!("pass:{r}"));
    }
    parts.join(" ")
}
