//! The `:` command palette: the CLI's words, typed in the app.

use super::{App, Focus, Screen, parse_filter};
use crate::tui::state::{Intent, Level};

impl App {
    /// `:` commands, the CLI's words.
    pub(super) fn run_palette(&mut self, line: &str) -> Vec<Intent> {
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
                self.search.related_to = None;
                (!rest.is_empty())
                    .then(|| Intent::Search {
                        query: rest.to_string(),
                        mode: self.search.mode,
                    })
                    .into_iter()
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
            "review" => self.go(Screen::Review),
            "tag" if !rest.is_empty() => match self.current_paper() {
                Some(paper) => {
                    let (add, remove) = super::actions::parse_tags(rest);
                    vec![Intent::Tag { paper, add, remove }]
                }
                None => Vec::new(),
            },
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
            "pdf" => self
                .current_paper()
                .map(Intent::OpenPdf)
                .into_iter()
                .collect(),
            "text" => match if rest.is_empty() {
                self.current_paper()
            } else {
                Some(rest.to_string())
            } {
                Some(id) => vec![Intent::FetchText(id)],
                None => Vec::new(),
            },
            other => {
                self.message = Some((
                    Level::Error,
                    format!("unknown command '{other}'; press ? for the list"),
                ));
                Vec::new()
            }
        }
    }
}
