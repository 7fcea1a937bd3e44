//! The app's state and how keys change it. Pure: a key goes in, the state
//! changes, and intents come out for the worker; nothing here touches the
//! database or the terminal, so every transition is a unit test.

use super::state::{CodeData, Hit, Intent, Level, PaperDetail, RadarData, ReadingData, Update};
use crate::library::{PaperRow, RowFilter, RowOrder};
use crate::reading::Session;
use crate::search::Mode;
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

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
}

impl Screen {
    /// All, in tab order.
    pub const ALL: [Screen; 6] = [
        Screen::Library,
        Screen::Search,
        Screen::Reading,
        Screen::Radar,
        Screen::Fetch,
        Screen::Code,
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
    /// The running timer, shown everywhere.
    pub timer: Option<Session>,
    /// The radar screen.
    pub radar: RadarScreen,
    /// The fetch screen.
    pub fetch: FetchView,
    /// The code screen.
    pub code: CodeView,
    /// The message line.
    pub message: Option<(Level, String)>,
    /// The help overlay.
    pub help: bool,
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
            timer: None,
            radar: RadarScreen::default(),
            fetch: FetchView::default(),
            code: CodeView::default(),
            message: None,
            help: false,
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
        ]
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
            Screen::Reading => vec![Intent::LoadReading],
            Screen::Radar if self.radar.data.is_none() => vec![Intent::LoadRadar(None)],
            Screen::Code => self
                .current_paper()
                .map(Intent::LoadCode)
                .into_iter()
                .collect(),
            _ => Vec::new(),
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

    /// Handles one key.
    pub fn on_key(&mut self, key: KeyEvent) -> Vec<Intent> {
        if key.modifiers.contains(KeyModifiers::CONTROL) && key.code == KeyCode::Char('c') {
            self.quit = true;
            return Vec::new();
        }
        // Esc followed quickly by a key arrives as Alt+key (terminals and
        // tmux join them): take it as the two keys it was.
        if key.modifiers.contains(KeyModifiers::ALT) {
            if let KeyCode::Char(c) = key.code {
                let mut intents = self.on_key(KeyEvent::from(KeyCode::Esc));
                intents.extend(self.on_key(KeyEvent::from(KeyCode::Char(c))));
                return intents;
            }
        }
        if self.prompt.is_some() {
            return self.on_prompt_key(key);
        }
        if self.help {
            // Any key closes help.
            self.help = false;
            return Vec::new();
        }
        if self.screen == Screen::Search && self.focus == Focus::List {
            return self.on_query_key(key);
        }
        match key.code {
            KeyCode::Char('?') => {
                self.help = true;
                return Vec::new();
            }
            KeyCode::Char(':') => {
                self.prompt = Some(Prompt::Palette(String::new()));
                return Vec::new();
            }
            KeyCode::Char('/') => {
                self.screen = Screen::Search;
                self.focus = Focus::List;
                self.search.related_to = None;
                return Vec::new();
            }
            KeyCode::Char('q') | KeyCode::Esc => {
                if self.focus == Focus::Detail {
                    self.focus = Focus::List;
                } else if self.screen != Screen::Library {
                    self.screen = Screen::Library;
                } else if key.code == KeyCode::Char('q') {
                    self.quit = true;
                }
                return Vec::new();
            }
            KeyCode::Char(c @ '1'..='6') => {
                let i = c as usize - '1' as usize;
                return self.go(Screen::ALL[i]);
            }
            KeyCode::Tab | KeyCode::BackTab
                if self.screen != Screen::Library && self.screen != Screen::Search =>
            {
                let i = Screen::ALL
                    .iter()
                    .position(|s| *s == self.screen)
                    .unwrap_or(0);
                let next = if key.code == KeyCode::Tab {
                    (i + 1) % 6
                } else {
                    (i + 5) % 6
                };
                return self.go(Screen::ALL[next]);
            }
            KeyCode::Char('t') => {
                return match (&self.timer, self.current_paper()) {
                    (Some(_), _) => vec![Intent::StopTimer],
                    (None, Some(id)) => vec![Intent::StartTimer(id)],
                    (None, None) => Vec::new(),
                };
            }
            KeyCode::Char('e') => {
                return self
                    .current_paper()
                    .map(|id| Intent::EditNote(id, None))
                    .into_iter()
                    .collect();
            }
            KeyCode::Char('c') if self.screen != Screen::Code => {
                return self.go(Screen::Code);
            }
            KeyCode::Char('r') if self.screen != Screen::Radar => {
                if let Some(id) = self.current_paper() {
                    self.screen = Screen::Search;
                    self.focus = Focus::Detail;
                    self.search.related_to = Some(id.clone());
                    self.search.hits.clear();
                    return vec![Intent::Related(id)];
                }
                return Vec::new();
            }
            KeyCode::Char('x') if self.fetch.running.is_some() || self.code.running.is_some() => {
                return vec![Intent::Cancel];
            }
            _ => {}
        }
        match self.screen {
            Screen::Library => self.on_library_key(key),
            Screen::Search => self.on_results_key(key),
            Screen::Reading => self.on_reading_key(key),
            Screen::Radar => self.on_radar_key(key),
            Screen::Fetch => self.on_fetch_key(key),
            Screen::Code => self.on_code_key(key),
        }
    }

    fn on_library_key(&mut self, key: KeyEvent) -> Vec<Intent> {
        if key.code == KeyCode::Tab || key.code == KeyCode::BackTab {
            self.focus = if self.focus == Focus::List {
                Focus::Detail
            } else {
                Focus::List
            };
            return self.load_detail_if_needed();
        }
        if self.focus == Focus::Detail {
            match key.code {
                KeyCode::Char('j') | KeyCode::Down => {
                    self.library.detail_scroll = self.library.detail_scroll.saturating_add(1)
                }
                KeyCode::Char('k') | KeyCode::Up => {
                    self.library.detail_scroll = self.library.detail_scroll.saturating_sub(1)
                }
                KeyCode::Char('g') => self.library.detail_scroll = 0,
                KeyCode::Char('Q') => {
                    return self
                        .library
                        .detail
                        .as_ref()
                        .map(|d| Intent::Enqueue(d.record.paper.id.clone()))
                        .into_iter()
                        .collect();
                }
                KeyCode::Char('d') => {
                    return self
                        .library
                        .detail
                        .as_ref()
                        .map(|d| Intent::PassDone(d.record.paper.id.clone()))
                        .into_iter()
                        .collect();
                }
                _ => {}
            }
            return Vec::new();
        }
        match key.code {
            KeyCode::Enter => {
                return match self.library.selected() {
                    Some(r) => {
                        let id = r.id.clone();
                        self.open_paper(&id)
                    }
                    None => Vec::new(),
                };
            }
            KeyCode::Char('s') => {
                self.library.filter.order = self.library.filter.order.next();
                return vec![Intent::LoadPapers(self.library.filter.clone())];
            }
            KeyCode::Char('f') => {
                self.prompt = Some(Prompt::Filter(filter_text(&self.library.filter)));
                return Vec::new();
            }
            KeyCode::Char('F') => {
                let order = self.library.filter.order;
                self.library.filter = RowFilter {
                    order,
                    ..Default::default()
                };
                return vec![Intent::LoadPapers(self.library.filter.clone())];
            }
            KeyCode::Char('Q') => {
                return self
                    .library
                    .selected()
                    .map(|r| Intent::Enqueue(r.id.clone()))
                    .into_iter()
                    .collect();
            }
            _ => {}
        }
        if self
            .library
            .cursor
            .apply(key.code, self.library.rows.len(), 10)
        {
            // The detail follows the cursor once a paper is open.
            if self.library.detail.is_some() {
                self.library.detail_scroll = 0;
                return self
                    .library
                    .selected()
                    .map(|r| Intent::LoadPaper(r.id.clone()))
                    .into_iter()
                    .collect();
            }
        }
        Vec::new()
    }

    fn load_detail_if_needed(&mut self) -> Vec<Intent> {
        let selected = self.library.selected().map(|r| r.id.clone());
        let open = self
            .library
            .detail
            .as_ref()
            .map(|d| d.record.paper.id.clone());
        match selected {
            Some(id) if open.as_deref() != Some(id.as_str()) => vec![Intent::LoadPaper(id)],
            _ => Vec::new(),
        }
    }

    fn on_query_key(&mut self, key: KeyEvent) -> Vec<Intent> {
        let before = self.search.query.clone();
        match key.code {
            KeyCode::Esc => {
                self.screen = Screen::Library;
                return Vec::new();
            }
            KeyCode::Tab | KeyCode::Down | KeyCode::Enter => {
                if !self.search.hits.is_empty() {
                    self.focus = Focus::Detail;
                }
                return Vec::new();
            }
            KeyCode::BackTab => {
                self.search.mode = next_mode(self.search.mode);
            }
            KeyCode::Backspace => {
                self.search.query.pop();
            }
            KeyCode::Char('u') if key.modifiers.contains(KeyModifiers::CONTROL) => {
                self.search.query.clear()
            }
            KeyCode::Char('t') if key.modifiers.contains(KeyModifiers::CONTROL) => {
                self.search.mode = next_mode(self.search.mode);
            }
            KeyCode::Char(c) => self.search.query.push(c),
            _ => return Vec::new(),
        }
        if self.search.query == before
            && key.code != KeyCode::BackTab
            && key.code != KeyCode::Char('t')
        {
            return Vec::new();
        }
        self.search.related_to = None;
        self.search.cursor = Cursor::default();
        if self.search.query.trim().is_empty() {
            self.search.hits.clear();
            self.search.answered.clear();
            return Vec::new();
        }
        vec![Intent::Search {
            query: self.search.query.clone(),
            mode: self.search.mode,
        }]
    }

    fn on_results_key(&mut self, key: KeyEvent) -> Vec<Intent> {
        match key.code {
            KeyCode::Tab | KeyCode::BackTab | KeyCode::Char('i') => {
                self.focus = Focus::List;
                Vec::new()
            }
            KeyCode::Char('m') => {
                self.search.mode = next_mode(self.search.mode);
                if self.search.query.trim().is_empty() {
                    return Vec::new();
                }
                vec![Intent::Search {
                    query: self.search.query.clone(),
                    mode: self.search.mode,
                }]
            }
            KeyCode::Enter => match self.search.hits.get(self.search.cursor.selected) {
                Some(h) => {
                    let id = h.hit.id.clone();
                    self.open_paper(&id)
                }
                None => Vec::new(),
            },
            code => {
                self.search.cursor.apply(code, self.search.hits.len(), 5);
                Vec::new()
            }
        }
    }

    fn on_reading_key(&mut self, key: KeyEvent) -> Vec<Intent> {
        match key.code {
            KeyCode::Enter => match self.reading.queue.get(self.queue_cursor.selected) {
                Some(q) => {
                    let id = q.item.paper_id.clone();
                    self.open_paper(&id)
                }
                None => Vec::new(),
            },
            KeyCode::Char('d') => self
                .reading
                .queue
                .get(self.queue_cursor.selected)
                .map(|q| Intent::PassDone(q.item.paper_id.clone()))
                .into_iter()
                .collect(),
            code => {
                self.queue_cursor.apply(code, self.reading.queue.len(), 5);
                Vec::new()
            }
        }
    }

    fn on_radar_key(&mut self, key: KeyEvent) -> Vec<Intent> {
        let Some(data) = &self.radar.data else {
            return Vec::new();
        };
        let at = data.editions.iter().position(|e| *e == data.view.edition);
        match key.code {
            KeyCode::Char('[') | KeyCode::Char('h') | KeyCode::Left => {
                match at
                    .and_then(|i| i.checked_sub(1))
                    .and_then(|i| data.editions.get(i))
                {
                    Some(e) => vec![Intent::LoadRadar(Some(e.clone()))],
                    None => {
                        self.message = Some((Level::Info, "This is the oldest edition.".into()));
                        Vec::new()
                    }
                }
            }
            KeyCode::Char(']') | KeyCode::Char('l') | KeyCode::Right => {
                match at.map(|i| i + 1).and_then(|i| data.editions.get(i)) {
                    Some(e) => vec![Intent::LoadRadar(Some(e.clone()))],
                    None => {
                        self.message = Some((Level::Info, "This is the newest edition.".into()));
                        Vec::new()
                    }
                }
            }
            KeyCode::Char('d') => {
                self.radar.show_diff = !self.radar.show_diff;
                Vec::new()
            }
            KeyCode::Enter => {
                let blip = data.view.blips.get(self.radar.cursor.selected);
                match blip.and_then(|b| b.papers.first()).cloned() {
                    Some(id) => self.open_paper(&id),
                    None => Vec::new(),
                }
            }
            code => {
                let len = data.view.blips.len();
                self.radar.cursor.apply(code, len, 5);
                Vec::new()
            }
        }
    }

    fn on_fetch_key(&mut self, key: KeyEvent) -> Vec<Intent> {
        match key.code {
            KeyCode::Char('n') | KeyCode::Char('a') | KeyCode::Enter
                if self.fetch.running.is_none() =>
            {
                self.prompt = Some(Prompt::Fetch(String::new()));
                Vec::new()
            }
            KeyCode::Char('w') if self.fetch.running.is_none() => {
                self.fetch.running = Some("sync watches".into());
                self.fetch.progress = None;
                vec![Intent::SyncWatches]
            }
            _ => Vec::new(),
        }
    }

    fn on_code_key(&mut self, key: KeyEvent) -> Vec<Intent> {
        let Some(data) = &self.code.data else {
            return Vec::new();
        };
        match key.code {
            KeyCode::Enter | KeyCode::Char('R') if self.code.running.is_none() => {
                match data.impls.get(self.code.cursor.selected) {
                    Some((imp, None)) => {
                        self.code.running = Some(format!("#{} {}", imp.id, imp.location));
                        self.code.output.clear();
                        vec![Intent::RunImpl(imp.id)]
                    }
                    Some((imp, Some(why))) => {
                        self.message =
                            Some((Level::Error, format!("#{} cannot run: {why}", imp.id)));
                        Vec::new()
                    }
                    None => Vec::new(),
                }
            }
            code => {
                self.code.cursor.apply(code, data.impls.len(), 5);
                Vec::new()
            }
        }
    }

    fn on_prompt_key(&mut self, key: KeyEvent) -> Vec<Intent> {
        let Some(prompt) = self.prompt.as_mut() else {
            return Vec::new();
        };
        let text = match prompt {
            Prompt::Palette(t) | Prompt::Filter(t) | Prompt::Fetch(t) => t,
        };
        match key.code {
            KeyCode::Esc => {
                self.prompt = None;
                Vec::new()
            }
            KeyCode::Backspace => {
                text.pop();
                Vec::new()
            }
            KeyCode::Char(c) => {
                text.push(c);
                Vec::new()
            }
            KeyCode::Enter => {
                let prompt = self.prompt.take();
                match prompt {
                    Some(Prompt::Palette(t)) => self.run_palette(&t),
                    Some(Prompt::Filter(t)) => match parse_filter(&t, self.library.filter.order) {
                        Ok(filter) => {
                            self.library.filter = filter;
                            self.library.cursor = Cursor::default();
                            vec![Intent::LoadPapers(self.library.filter.clone())]
                        }
                        Err(e) => {
                            self.message = Some((Level::Error, e));
                            Vec::new()
                        }
                    },
                    Some(Prompt::Fetch(t)) => self.start_fetch(&t),
                    None => Vec::new(),
                }
            }
            _ => Vec::new(),
        }
    }

    fn start_fetch(&mut self, query: &str) -> Vec<Intent> {
        let query = query.trim();
        if query.is_empty() {
            return Vec::new();
        }
        self.screen = Screen::Fetch;
        self.fetch.running = Some(format!("fetch {query}"));
        self.fetch.progress = None;
        vec![Intent::Fetch(query.to_string())]
    }

    /// `:` commands, the CLI's words.
    fn run_palette(&mut self, line: &str) -> Vec<Intent> {
        let line = line.trim();
        let (word, rest) = line
            .split_once(' ')
            .map_or((line, ""), |(w, r)| (w, r.trim()));
        match word {
            "" => Vec::new(),
            "q" | "quit" => {
                self.quit = true;
                Vec::new()
            }
            "help" => {
                self.help = true;
                Vec::new()
            }
            "library" | "list" => self.go(Screen::Library),
            "search" => {
                self.screen = Screen::Search;
                self.focus = Focus::List;
                self.search.query = rest.to_string();
                self.on_query_key(KeyEvent::from(KeyCode::Null))
                    .into_iter()
                    .chain((!rest.is_empty()).then(|| Intent::Search {
                        query: rest.to_string(),
                        mode: self.search.mode,
                    }))
                    .collect()
            }
            "show" | "open" if !rest.is_empty() => self.open_paper(rest),
            "related" => match if rest.is_empty() {
                self.current_paper()
            } else {
                Some(rest.to_string())
            } {
                Some(id) => {
                    self.screen = Screen::Search;
                    self.focus = Focus::Detail;
                    self.search.related_to = Some(id.clone());
                    vec![Intent::Related(id)]
                }
                None => Vec::new(),
            },
            "fetch" if !rest.is_empty() => self.start_fetch(rest),
            "sync" => {
                self.screen = Screen::Fetch;
                self.fetch.running = Some("sync watches".into());
                vec![Intent::SyncWatches]
            }
            "filter" => match parse_filter(rest, self.library.filter.order) {
                Ok(f) => {
                    self.library.filter = f;
                    self.screen = Screen::Library;
                    vec![Intent::LoadPapers(self.library.filter.clone())]
                }
                Err(e) => {
                    self.message = Some((Level::Error, e));
                    Vec::new()
                }
            },
            "read" | "start" => self
                .current_paper()
                .map(Intent::StartTimer)
                .into_iter()
                .collect(),
            "stop" => vec![Intent::StopTimer],
            "done" => self
                .current_paper()
                .map(Intent::PassDone)
                .into_iter()
                .collect(),
            "queue" => self
                .current_paper()
                .map(Intent::Enqueue)
                .into_iter()
                .collect(),
            "note" => {
                let pass = rest
                    .parse::<u8>()
                    .ok()
                    .and_then(crate::reading::Pass::from_number);
                self.current_paper()
                    .map(|id| Intent::EditNote(id, pass))
                    .into_iter()
                    .collect()
            }
            "radar" => {
                self.screen = Screen::Radar;
                vec![Intent::LoadRadar(
                    (!rest.is_empty()).then(|| rest.to_string()),
                )]
            }
            "code" | "impl" => self.go(Screen::Code),
            "run" => match rest.trim_start_matches('#').parse::<i64>() {
                Ok(n) => {
                    self.screen = Screen::Code;
                    self.code.running = Some(format!("#{n}"));
                    self.code.output.clear();
                    vec![Intent::RunImpl(n)]
                }
                Err(_) => {
                    self.message = Some((
                        Level::Error,
                        "run N: give the implementation's number".into(),
                    ));
                    Vec::new()
                }
            },
            "cancel" => vec![Intent::Cancel],
            other => {
                self.message = Some((
                    Level::Error,
                    format!("unknown command '{other}'; press ? for the list"),
                ));
                Vec::new()
            }
        }
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
            Update::Paper(detail) => self.library.detail = Some(*detail),
            Update::Hits {
                query,
                mode: _,
                hits,
            } => {
                // Results of an older query are dropped unless nothing newer came.
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
                    if !crate::search::documents::READING_STATES.contains(&v.as_str()) {
                        return Err(format!(
                            "pass:{v}: use one of {}",
                            crate::search::documents::READING_STATES.join(", ")
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
