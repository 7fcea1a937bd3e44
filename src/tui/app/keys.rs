//! Keys: what each key does on each screen, the query line and the
//! bottom-line prompts (filter, fetch query, command palette).

use super::{App, Cursor, Focus, Prompt, Screen, filter_text, next_mode, parse_filter};
use crate::library::RowFilter;
use crate::tui::state::{Intent, Level};
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

impl App {
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
        if self.picker.is_some() {
            return self.on_picker_key(key);
        }
        if self.prompt.is_some() {
            return self.on_prompt_key(key);
        }
        if self.help {
            // j and k scroll the keys; any other key closes help.
            match key.code {
                KeyCode::Char('j') | KeyCode::Down => {
                    self.help_scroll = self.help_scroll.saturating_add(1)
                }
                KeyCode::Char('k') | KeyCode::Up => {
                    self.help_scroll = self.help_scroll.saturating_sub(1)
                }
                _ => {
                    self.help = false;
                    self.help_scroll = 0;
                }
            }
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
            KeyCode::Char(c @ '1'..='8') => {
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
                let n = Screen::ALL.len();
                let next = if key.code == KeyCode::Tab {
                    (i + 1) % n
                } else {
                    (i + n - 1) % n
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
            KeyCode::Char('x')
                if !matches!(self.screen, Screen::Inbox | Screen::Review)
                    && (self.fetch.running.is_some() || self.code.running.is_some()) =>
            {
                return vec![Intent::Cancel];
            }
            KeyCode::Char('o') => {
                return match self.current_paper() {
                    Some(id) => {
                        self.message = Some((Level::Info, format!("Opening the PDF of {id}…")));
                        vec![Intent::OpenPdf(id)]
                    }
                    None => Vec::new(),
                };
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
            Screen::Inbox => self.on_inbox_key(key),
            Screen::Review => self.on_review_key(key),
        }
    }

    /// The Inbox: a signal settles the paper at once (it leaves the list)
    /// and the ranking is computed again in the background.
    fn on_inbox_key(&mut self, key: KeyEvent) -> Vec<Intent> {
        let Some(id) = self.inbox.selected().map(|i| i.id.clone()) else {
            return Vec::new();
        };
        let signal = match key.code {
            KeyCode::Char('+') => Intent::MarkFeed(id.clone(), crate::feed::Mark::Like),
            KeyCode::Char('-') => Intent::MarkFeed(id.clone(), crate::feed::Mark::Dislike),
            KeyCode::Char('x') => Intent::MarkFeed(id.clone(), crate::feed::Mark::Dismiss),
            KeyCode::Char('Q') => Intent::Enqueue(id.clone()),
            KeyCode::Enter => return self.open_paper(&id),
            code => {
                let len = self.inbox.feed.as_ref().map_or(0, |f| f.items.len());
                self.inbox.cursor.apply(code, len, 10);
                return Vec::new();
            }
        };
        if let Some(feed) = self.inbox.feed.as_mut() {
            feed.items.retain(|i| i.id != id);
            feed.candidates = feed.candidates.saturating_sub(1);
            self.inbox.cursor.clamp(feed.items.len());
        }
        vec![signal, self.rerank_inbox()]
    }

    fn on_library_key(&mut self, key: KeyEvent) -> Vec<Intent> {
        if let Some(intents) = self.on_paper_action(key) {
            return intents;
        }
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
        if let Some(intents) = self.on_paper_action(key) {
            return intents;
        }
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
        let paper = self
            .library
            .detail
            .as_ref()
            .map(|d| d.record.paper.id.clone());
        match key.code {
            KeyCode::Char('v') => {
                self.text_pane.chosen = Some(match self.reading_pane() {
                    super::ReadingPane::Skim => super::ReadingPane::Method,
                    super::ReadingPane::Method => super::ReadingPane::Skim,
                });
                self.text_pane.scroll = 0;
                return Vec::new();
            }
            KeyCode::Char('J') => {
                self.text_pane.scroll = self.text_pane.scroll.saturating_add(3);
                return Vec::new();
            }
            KeyCode::Char('K') => {
                self.text_pane.scroll = self.text_pane.scroll.saturating_sub(3);
                return Vec::new();
            }
            KeyCode::Char(' ') => {
                self.text_pane.scroll = self.text_pane.scroll.saturating_add(15);
                return Vec::new();
            }
            KeyCode::Char('b') => {
                self.text_pane.scroll = self.text_pane.scroll.saturating_sub(15);
                return Vec::new();
            }
            KeyCode::Char('f') => {
                return match paper {
                    Some(id) => {
                        self.message = Some((Level::Info, format!("Getting the text of {id}…")));
                        vec![Intent::FetchText(id)]
                    }
                    None => Vec::new(),
                };
            }
            _ => {}
        }
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
        if let Some(intents) = self.on_radar_action(key) {
            return intents;
        }
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
        if let Some(Prompt::Confirm(_)) = &self.prompt {
            let Some(Prompt::Confirm(confirm)) = self.prompt.take() else {
                return Vec::new();
            };
            return self.on_confirm_key(confirm, key);
        }
        let Some(prompt) = self.prompt.as_mut() else {
            return Vec::new();
        };
        let text = match prompt {
            Prompt::Palette(t) | Prompt::Filter(t) | Prompt::Fetch(t) => t,
            Prompt::Ask(a) => &mut a.text,
            Prompt::Confirm(_) => return Vec::new(),
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
            KeyCode::Char('u') if key.modifiers.contains(KeyModifiers::CONTROL) => {
                text.clear();
                Vec::new()
            }
            KeyCode::Char(c) => {
                text.push(c);
                Vec::new()
            }
            KeyCode::Tab => {
                self.complete_prompt();
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
                    Some(Prompt::Ask(ask)) => self.on_ask_enter(ask),
                    Some(Prompt::Confirm(_)) | None => Vec::new(),
                }
            }
            _ => Vec::new(),
        }
    }

    pub(super) fn start_fetch(&mut self, query: &str) -> Vec<Intent> {
        let query = query.trim();
        if query.is_empty() {
            return Vec::new();
        }
        self.screen = Screen::Fetch;
        self.fetch.running = Some(format!("fetch {query}"));
        self.fetch.progress = None;
        vec![Intent::Fetch(query.to_string())]
    }
}
