//! Acting from the app: the prompts, pickers and confirmations that tag,
//! add, import and remove papers, change the radar, and accept or dismiss
//! the review's proposals. Each ends in an intent; the worker applies it
//! through the same library functions as the CLI.

use super::{App, Ask, Confirm, Cursor, Focus, Pick, Picker, Prompt, Purpose, Screen};
use crate::tui::state::{Intent, Level, RadarEdit};
use crossterm::event::{KeyCode, KeyEvent};

/// `peft, lora, -todo` → tags to add and tags to remove.
pub fn parse_tags(text: &str) -> (Vec<String>, Vec<String>) {
    let (mut add, mut remove) = (Vec::new(), Vec::new());
    for part in text.split(',').map(str::trim).filter(|p| !p.is_empty()) {
        match part.strip_prefix('-') {
            Some(r) if !r.trim().is_empty() => remove.push(r.trim().to_string()),
            Some(_) => {}
            None => add.push(part.to_string()),
        }
    }
    (add, remove)
}

/// The tag the last fragment of `text` completes to: the most used known
/// tag that starts with it (and is not it already).
pub fn completion<'a>(text: &str, known: &'a [(String, u64)]) -> Option<&'a str> {
    let fragment = text.rsplit(',').next().unwrap_or("").trim();
    let fragment = fragment.strip_prefix('-').unwrap_or(fragment).trim();
    if fragment.is_empty() {
        return None;
    }
    let lower = fragment.to_lowercase();
    known
        .iter()
        .filter(|(t, _)| t.to_lowercase().starts_with(&lower) && t.len() > fragment.len())
        .max_by_key(|(_, n)| *n)
        .map(|(t, _)| t.as_str())
}

/// `text` with its last fragment replaced by `tag`.
fn complete(text: &str, tag: &str) -> String {
    let (head, last) = match text.rfind(',') {
        Some(i) => (&text[..=i], &text[i + 1..]),
        None => ("", text),
    };
    let minus = if last.trim_start().starts_with('-') {
        "-"
    } else {
        ""
    };
    let space = if head.is_empty() { "" } else { " " };
    format!("{head}{space}{minus}{tag}")
}

impl App {
    fn ask(&mut self, purpose: Purpose, text: &str) -> Vec<Intent> {
        self.prompt = Some(Prompt::Ask(Ask {
            purpose,
            text: text.to_string(),
        }));
        Vec::new()
    }

    fn pick(&mut self, title: String, options: Vec<String>, now: Option<&str>, purpose: Pick) {
        let selected = now
            .and_then(|n| options.iter().position(|o| o.eq_ignore_ascii_case(n)))
            .unwrap_or(0);
        self.picker = Some(Picker {
            title,
            options,
            cursor: Cursor { selected },
            purpose,
        });
    }

    fn say(&mut self, level: Level, text: impl Into<String>) -> Vec<Intent> {
        self.message = Some((level, text.into()));
        Vec::new()
    }

    /// The paper keys of the library and the search results: `T` tags,
    /// `a` add, `i` import, `D` remove, `#` filter by a tag, `L` link to a
    /// blip. `None` when the key is not one of them.
    pub(super) fn on_paper_action(&mut self, key: KeyEvent) -> Option<Vec<Intent>> {
        let paper = self.current_paper();
        Some(match key.code {
            KeyCode::Char('a') if self.screen == Screen::Library => {
                self.ask(Purpose::AddPapers, "")
            }
            KeyCode::Char('i') if self.screen == Screen::Library => self.ask(Purpose::Import, ""),
            KeyCode::Char('#') if self.screen == Screen::Library => {
                if self.tags.is_empty() {
                    return Some(self.say(Level::Info, "No tags yet: T tags the paper."));
                }
                let options = self
                    .tags
                    .iter()
                    .map(|(t, n)| format!("{t} ({n})"))
                    .collect();
                let now = self.library.filter.tag.clone();
                self.pick("Show papers tagged".into(), options, None, Pick::TagFilter);
                if let (Some(p), Some(now)) = (self.picker.as_mut(), now) {
                    p.cursor.selected = self.tags.iter().position(|(t, _)| *t == now).unwrap_or(0);
                }
                Vec::new()
            }
            KeyCode::Char('T') => match paper {
                Some(id) => self.ask(Purpose::Tags { paper: id }, ""),
                None => Vec::new(),
            },
            KeyCode::Char('D') if self.screen == Screen::Library => {
                let Some(row) = self
                    .library
                    .rows
                    .iter()
                    .find(|r| Some(&r.id) == paper.as_ref())
                else {
                    return Some(Vec::new());
                };
                self.prompt = Some(Prompt::Confirm(Confirm::RemovePaper {
                    id: row.id.clone(),
                    title: row.title.clone(),
                }));
                Vec::new()
            }
            KeyCode::Char('L') => {
                let Some(id) = paper else {
                    return Some(Vec::new());
                };
                let Some(data) = &self.radar.data else {
                    return Some(self.say(
                        Level::Error,
                        "There is no radar yet: import one with `litradar radar import FILE`.",
                    ));
                };
                let options = data.view.blips.iter().map(|b| b.name.clone()).collect();
                self.pick(
                    format!("Link {id} to the blip"),
                    options,
                    None,
                    Pick::LinkBlip { paper: id },
                );
                Vec::new()
            }
            _ => return None,
        })
    }

    /// The radar's editing keys on the selected blip: `M` move, `A` add,
    /// `E` edit or reassess, `P` phase out; `N` next edition, `F` freeze.
    pub(super) fn on_radar_action(&mut self, key: KeyEvent) -> Option<Vec<Intent>> {
        let data = self.radar.data.as_ref()?;
        let shape = data.view.shape.clone();
        let blip = data.view.blips.get(self.radar.cursor.selected).cloned();
        let newest = data.editions.last() == Some(&data.view.edition);
        let edition = data.view.edition.clone();
        let frozen = data.view.frozen;
        let editing = matches!(key.code, KeyCode::Char('M' | 'A' | 'E' | 'P' | 'F'));
        if editing && (!newest || frozen) {
            return Some(self.say(
                Level::Error,
                if frozen {
                    format!("{edition} is frozen; N starts the next edition")
                } else {
                    format!("{edition} is not the newest edition; ] goes to it")
                },
            ));
        }
        Some(match (key.code, blip) {
            (KeyCode::Char('M'), Some(b)) => {
                self.pick(
                    format!("Move {} to the ring", b.name),
                    shape.rings.clone(),
                    Some(&b.ring),
                    Pick::MoveRing { blip: b.name },
                );
                Vec::new()
            }
            (KeyCode::Char('E'), Some(b)) => {
                self.pick(
                    format!("{}: change", b.name),
                    vec![
                        "the description".into(),
                        "record a reassessment (it stays where it is)".into(),
                    ],
                    None,
                    Pick::EditWhat { blip: b.name },
                );
                Vec::new()
            }
            (KeyCode::Char('P'), Some(b)) => self.ask(Purpose::PhaseOut { blip: b.name }, ""),
            (KeyCode::Char('A'), _) => self.ask(Purpose::BlipName, ""),
            (KeyCode::Char('N'), _) => {
                self.message = Some((Level::Info, "Starting the next edition…".into()));
                vec![Intent::Radar(RadarEdit::NewEdition)]
            }
            (KeyCode::Char('F'), _) => {
                self.prompt = Some(Prompt::Confirm(Confirm::Freeze { edition }));
                Vec::new()
            }
            (KeyCode::Char('M' | 'E' | 'P'), None) => self.say(Level::Info, "No blip selected."),
            _ => return None,
        })
    }

    /// Keys while a picker is open: move, Enter picks, Esc cancels.
    pub(super) fn on_picker_key(&mut self, key: KeyEvent) -> Vec<Intent> {
        let Some(picker) = self.picker.as_mut() else {
            return Vec::new();
        };
        match key.code {
            KeyCode::Esc | KeyCode::Char('q') => {
                self.picker = None;
                Vec::new()
            }
            KeyCode::Enter => {
                let Some(picker) = self.picker.take() else {
                    return Vec::new();
                };
                let i = picker.cursor.selected;
                let Some(choice) = picker.options.get(i).cloned() else {
                    return Vec::new();
                };
                self.picked(picker.purpose, i, choice)
            }
            code => {
                let len = picker.options.len();
                picker.cursor.apply(code, len, 5);
                Vec::new()
            }
        }
    }

    fn picked(&mut self, purpose: Pick, index: usize, choice: String) -> Vec<Intent> {
        let shape = self.radar.data.as_ref().map(|d| d.view.shape.clone());
        let quadrants = shape
            .as_ref()
            .map(|s| s.quadrants.clone())
            .unwrap_or_default();
        let blip_now = |name: &str| {
            self.radar
                .data
                .as_ref()
                .and_then(|d| d.view.blips.iter().find(|b| b.name == name).cloned())
        };
        match purpose {
            Pick::MoveRing { blip } => {
                let now = blip_now(&blip).map(|b| b.quadrant);
                self.pick(
                    format!("Move {blip} ({choice}) to the quadrant"),
                    quadrants,
                    now.as_deref(),
                    Pick::MoveQuadrant { blip, ring: choice },
                );
                Vec::new()
            }
            Pick::MoveQuadrant { blip, ring } => {
                if blip_now(&blip).is_some_and(|b| b.ring == ring && b.quadrant == choice) {
                    return self.say(
                        Level::Info,
                        format!("{blip} is there already; E records a reassessment"),
                    );
                }
                self.ask(
                    Purpose::MoveRationale {
                        blip,
                        ring,
                        quadrant: choice,
                    },
                    "",
                )
            }
            Pick::AddQuadrant { name } => {
                let rings = shape.map(|s| s.rings).unwrap_or_default();
                let outer = rings.last().cloned();
                self.pick(
                    format!("{name} ({choice}) goes in the ring"),
                    rings,
                    outer.as_deref(),
                    Pick::AddRing {
                        name,
                        quadrant: choice,
                    },
                );
                Vec::new()
            }
            Pick::AddRing { name, quadrant } => self.ask(
                Purpose::BlipDescription {
                    name,
                    quadrant,
                    ring: choice,
                },
                "",
            ),
            Pick::EditWhat { blip } => {
                if index == 0 {
                    let now = blip_now(&blip).map(|b| b.description).unwrap_or_default();
                    self.ask(Purpose::Description { blip }, &now)
                } else {
                    self.ask(Purpose::Reassess { blip }, "")
                }
            }
            Pick::LinkBlip { paper } => vec![Intent::Radar(RadarEdit::Link {
                blip: choice,
                paper,
            })],
            Pick::TagFilter => {
                let Some((tag, _)) = self.tags.get(index).cloned() else {
                    return Vec::new();
                };
                self.library.filter.tag = Some(tag);
                self.library.cursor = Cursor::default();
                self.screen = Screen::Library;
                self.focus = Focus::List;
                vec![Intent::LoadPapers(self.library.filter.clone())]
            }
        }
    }

    /// Tab in the tag prompt: complete the last tag.
    pub(super) fn complete_prompt(&mut self) {
        if let Some(Prompt::Ask(ask)) = self.prompt.as_mut() {
            if matches!(ask.purpose, Purpose::Tags { .. }) {
                if let Some(tag) = completion(&ask.text, &self.tags) {
                    ask.text = complete(&ask.text, tag);
                }
            }
        }
    }

    /// Enter in a text prompt.
    pub(super) fn on_ask_enter(&mut self, ask: Ask) -> Vec<Intent> {
        let text = ask.text.trim().to_string();
        let needs_reason = matches!(
            ask.purpose,
            Purpose::MoveRationale { .. } | Purpose::PhaseOut { .. } | Purpose::Reassess { .. }
        );
        if needs_reason && text.is_empty() {
            // Keep the prompt: a move without a reason is not made.
            self.prompt = Some(Prompt::Ask(ask));
            return self.say(
                Level::Error,
                "Say why: the radar keeps a reason for every change.",
            );
        }
        match ask.purpose {
            Purpose::Tags { paper } => {
                let (add, remove) = parse_tags(&text);
                if add.is_empty() && remove.is_empty() {
                    return Vec::new();
                }
                vec![Intent::Tag { paper, add, remove }]
            }
            Purpose::AddPapers => {
                let ids: Vec<String> = text
                    .split(|c: char| c.is_whitespace() || c == ',')
                    .filter(|s| !s.is_empty())
                    .map(String::from)
                    .collect();
                if ids.is_empty() {
                    return Vec::new();
                }
                self.fetch.running = Some(format!("add {}", ids.join(" ")));
                self.fetch.progress = None;
                vec![Intent::AddPapers(ids)]
            }
            Purpose::Import => {
                if text.is_empty() {
                    return Vec::new();
                }
                self.fetch.running = Some(format!("import {text}"));
                self.fetch.progress = None;
                vec![Intent::Import(text)]
            }
            Purpose::MoveRationale {
                blip,
                ring,
                quadrant,
            } => vec![Intent::Radar(RadarEdit::Move {
                blip,
                ring,
                quadrant,
                rationale: text,
            })],
            Purpose::BlipName => {
                if text.is_empty() {
                    return Vec::new();
                }
                let quadrants = self
                    .radar
                    .data
                    .as_ref()
                    .map(|d| d.view.shape.quadrants.clone())
                    .unwrap_or_default();
                let now = self
                    .radar
                    .data
                    .as_ref()
                    .and_then(|d| d.view.blips.get(self.radar.cursor.selected))
                    .map(|b| b.quadrant.clone());
                self.pick(
                    format!("{text} goes in the quadrant"),
                    quadrants,
                    now.as_deref(),
                    Pick::AddQuadrant { name: text },
                );
                Vec::new()
            }
            Purpose::BlipDescription {
                name,
                quadrant,
                ring,
            } => vec![Intent::Radar(RadarEdit::Add {
                name,
                quadrant,
                ring,
                description: text,
            })],
            Purpose::Description { blip } => vec![Intent::Radar(RadarEdit::Describe {
                blip,
                description: Some(text),
                rationale: None,
            })],
            Purpose::Reassess { blip } => vec![Intent::Radar(RadarEdit::Describe {
                blip,
                description: None,
                rationale: Some(text),
            })],
            Purpose::PhaseOut { blip } => vec![Intent::Radar(RadarEdit::PhaseOut {
                blip,
                rationale: text,
            })],
            Purpose::Accept { id } => {
                self.review.loading = true;
                vec![Intent::AcceptProposal {
                    id,
                    rationale: Some(text).filter(|t| !t.is_empty()),
                }]
            }
        }
    }

    /// y or n to a confirmation.
    pub(super) fn on_confirm_key(&mut self, confirm: Confirm, key: KeyEvent) -> Vec<Intent> {
        match key.code {
            KeyCode::Char('y') | KeyCode::Char('Y') => match confirm {
                Confirm::RemovePaper { id, .. } => {
                    if self.library.detail.as_ref().map(|d| &d.record.paper.id) == Some(&id) {
                        self.library.detail = None;
                        self.focus = Focus::List;
                    }
                    // The list reloads after the removal, in that order.
                    vec![
                        Intent::RemovePaper(id),
                        Intent::LoadPapers(self.library.filter.clone()),
                    ]
                }
                Confirm::Freeze { edition } => vec![Intent::Radar(RadarEdit::Freeze(edition))],
            },
            KeyCode::Char('n') | KeyCode::Char('N') | KeyCode::Esc => {
                self.say(Level::Info, "Nothing changed.")
            }
            _ => {
                // Anything else keeps the question open.
                self.prompt = Some(Prompt::Confirm(confirm));
                Vec::new()
            }
        }
    }

    /// The Review screen: move through the proposals, Enter accepts (with
    /// the rationale to record, pre-filled from the evidence), `x`
    /// dismisses for good.
    pub(super) fn on_review_key(&mut self, key: KeyEvent) -> Vec<Intent> {
        let Some(review) = &self.review.data else {
            return Vec::new();
        };
        let ids = review.ids();
        let Some(id) = ids.get(self.review.cursor.selected).cloned() else {
            return Vec::new();
        };
        match key.code {
            KeyCode::Enter | KeyCode::Char('a') => {
                if id.starts_with("evidence:") {
                    self.review.loading = true;
                    return vec![Intent::AcceptProposal {
                        id,
                        rationale: None,
                    }];
                }
                let pre = review
                    .new_blips
                    .iter()
                    .find(|n| n.id == id)
                    .map(|n| format!("New in the {} review: {}", review.edition, n.why))
                    .or_else(|| {
                        review
                            .moves
                            .iter()
                            .find(|m| m.id == id)
                            .map(|m| m.why.clone())
                    })
                    .unwrap_or_else(|| {
                        format!(
                            "Reassessed in the {} review: stays where it is",
                            review.edition
                        )
                    });
                self.ask(Purpose::Accept { id }, &pre)
            }
            KeyCode::Char('x') => {
                self.review.loading = true;
                vec![Intent::DismissProposal(id)]
            }
            code => {
                self.review.cursor.apply(code, ids.len(), 10);
                Vec::new()
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tags_add_and_remove() {
        let (add, remove) = parse_tags(" peft, lora ,-todo, -, ,x");
        assert_eq!(add, ["peft", "lora", "x"]);
        assert_eq!(remove, ["todo"]);
    }

    #[test]
    fn the_last_tag_completes_to_the_most_used() {
        let known = vec![
            ("peft".to_string(), 3),
            ("pretraining".to_string(), 9),
            ("inference".to_string(), 2),
        ];
        assert_eq!(completion("p", &known), Some("pretraining"));
        assert_eq!(completion("lora, pe", &known), Some("peft"));
        assert_eq!(completion("lora, -inf", &known), Some("inference"));
        assert_eq!(completion("peft", &known), None);
        assert_eq!(completion("lora, ", &known), None);
        assert_eq!(complete("lora, -inf", "inference"), "lora, -inference");
        assert_eq!(complete("pe", "peft"), "peft");
    }
}
