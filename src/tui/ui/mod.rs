//! Drawing: a pure function of the app state. The tab bar, the screen, the
//! status bar (with the running timer, visible everywhere), the message or
//! prompt line, and the help overlay.

mod inbox;
mod jobs;
mod papers;
mod radar;
mod reading;
mod review;

use super::app::{App, Confirm, Prompt, Purpose, Screen};
use super::state::Level;
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph, Wrap};

/// Styles that respect NO_COLOR: without colour only bold and reverse remain.
#[derive(Debug, Clone, Copy)]
pub struct Theme {
    color: bool,
}

impl Theme {
    fn fg(self, c: Color) -> Style {
        if self.color {
            Style::default().fg(c)
        } else {
            Style::default()
        }
    }
    /// Paper ids.
    pub fn id(self) -> Style {
        self.fg(Color::Cyan)
    }
    /// Secondary text.
    pub fn dim(self) -> Style {
        if self.color {
            Style::default().fg(Color::DarkGray)
        } else {
            Style::default()
        }
    }
    /// Headings.
    pub fn heading(self) -> Style {
        Style::default().add_modifier(Modifier::BOLD)
    }
    /// The selected row.
    pub fn selected(self) -> Style {
        Style::default().add_modifier(Modifier::REVERSED)
    }
    /// A list row, reversed when it is the selected one.
    pub fn row(self, line: Line<'_>, selected: bool) -> Line<'_> {
        if selected {
            line.style(self.selected())
        } else {
            line
        }
    }
    /// Good news.
    pub fn good(self) -> Style {
        self.fg(Color::Green)
    }
    /// Bad news.
    pub fn bad(self) -> Style {
        self.fg(Color::Red).add_modifier(if self.color {
            Modifier::empty()
        } else {
            Modifier::BOLD
        })
    }
    /// Highlighted words.
    pub fn highlight(self) -> Style {
        self.fg(Color::Yellow).add_modifier(Modifier::BOLD)
    }
    /// Ring colours, centre first.
    pub fn ring(self, ring: usize) -> Style {
        let c = [Color::Green, Color::Cyan, Color::Yellow, Color::Red];
        self.fg(c[ring.min(3)])
    }
    /// A block border, brighter when focused.
    pub fn border(self, focused: bool) -> Style {
        if focused {
            self.fg(Color::Cyan).add_modifier(Modifier::BOLD)
        } else {
            self.dim()
        }
    }
}

/// Draws the whole app.
pub fn draw(frame: &mut Frame, app: &App) {
    let theme = Theme { color: app.color };
    let [tabs, body, status, bottom] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Min(3),
        Constraint::Length(1),
        Constraint::Length(1),
    ])
    .areas(frame.area());
    draw_tabs(frame, tabs, app, theme);
    match app.screen {
        Screen::Library => papers::library(frame, body, app, theme),
        Screen::Search => papers::search(frame, body, app, theme),
        Screen::Reading => reading::reading(frame, body, app, theme),
        Screen::Radar => radar::radar(frame, body, app, theme),
        Screen::Fetch => jobs::fetch(frame, body, app, theme),
        Screen::Code => jobs::code(frame, body, app, theme),
        Screen::Inbox => inbox::inbox(frame, body, app, theme),
        Screen::Review => review::review(frame, body, app, theme),
    }
    draw_status(frame, status, app, theme);
    draw_bottom(frame, bottom, app, theme);
    if let Some(picker) = &app.picker {
        draw_picker(frame, body, picker, theme);
    }
    if app.help {
        draw_help(frame, body, app.help_scroll, theme);
    }
}

/// What a text prompt asks.
fn ask_label(purpose: &Purpose) -> String {
    match purpose {
        Purpose::Tags { paper } => format!("tags for {paper} (a, b, -c; Tab completes): "),
        Purpose::AddPapers => "add papers (arXiv ids or URLs): ".into(),
        Purpose::Import => "import a file (BibTeX, Atom, JSON Lines): ".into(),
        Purpose::MoveRationale {
            blip,
            ring,
            quadrant,
        } => format!("why does {blip} move to {ring}, {quadrant}? "),
        Purpose::BlipName => "the new blip's name: ".into(),
        Purpose::BlipDescription { name, .. } => format!("what is {name}? "),
        Purpose::Description { blip } => format!("{blip}: "),
        Purpose::Reassess { blip } => format!("{blip} stays where it is, because: "),
        Purpose::PhaseOut { blip } => format!("why does {blip} leave the radar? "),
        Purpose::Accept { id } => format!("accept {id}, recording: "),
    }
}

/// A prompt line: the label, then as much of the text's end as fits, so
/// the cursor stays in view.
fn prompt_line(
    label: String,
    text: &str,
    hint: Option<String>,
    width: usize,
    theme: Theme,
) -> Line<'static> {
    let room = width.saturating_sub(crate::width::columns(&label) + 1);
    let shown = if crate::width::columns(text) <= room {
        text.to_string()
    } else {
        let mut tail: Vec<char> = Vec::new();
        let mut used = 1;
        for c in text.chars().rev() {
            let w = unicode_width::UnicodeWidthChar::width(c).unwrap_or(0);
            if used + w > room {
                break;
            }
            used += w;
            tail.push(c);
        }
        tail.reverse();
        format!("…{}", tail.into_iter().collect::<String>())
    };
    let mut spans = vec![
        Span::styled(label, theme.heading()),
        Span::raw(shown),
        Span::raw("█"),
    ];
    if let Some(h) = hint {
        spans.push(Span::styled(format!("  → {h}"), theme.dim()));
    }
    Line::from(spans)
}

fn draw_picker(frame: &mut Frame, area: Rect, picker: &crate::tui::app::Picker, theme: Theme) {
    let width = area.width.min(64);
    let height = (picker.options.len() as u16 + 2)
        .min(area.height)
        .max(3.min(area.height));
    let popup = Rect::new(
        area.x + (area.width - width) / 2,
        area.y + (area.height - height) / 2,
        width,
        height,
    );
    let inner_h = height.saturating_sub(2) as usize;
    let w = width.saturating_sub(2) as usize;
    let lines: Vec<Line> = window(picker.cursor.selected, picker.options.len(), inner_h)
        .map(|i| {
            theme.row(
                Line::raw(fit_pad(&format!(" {}", picker.options[i]), w)),
                i == picker.cursor.selected,
            )
        })
        .collect();
    frame.render_widget(Clear, popup);
    frame.render_widget(
        Paragraph::new(lines).block(
            Block::default()
                .borders(Borders::ALL)
                .title(format!(" {} · Enter picks, Esc cancels ", picker.title))
                .border_style(theme.border(true)),
        ),
        popup,
    );
}

fn draw_tabs(frame: &mut Frame, area: Rect, app: &App, theme: Theme) {
    // Eight tabs and the name fit from 88 columns; below, the tabs alone.
    let mut spans = if area.width >= 88 {
        vec![Span::styled(" litradar ", theme.heading())]
    } else {
        Vec::new()
    };
    for (i, s) in Screen::ALL.iter().enumerate() {
        let label = format!(" {} {} ", i + 1, s.title());
        let style = if *s == app.screen {
            theme.selected()
        } else {
            theme.dim()
        };
        spans.push(Span::styled(label, style));
    }
    let count = if app.library.loading {
        "loading…".to_string()
    } else {
        format!("{} papers", app.library.rows.len())
    };
    let line = Line::from(spans);
    let used = line.width() as u16;
    frame.render_widget(Paragraph::new(line), area);
    if area.width > used + count.len() as u16 + 1 {
        let right = Rect::new(
            area.x + area.width - count.len() as u16 - 1,
            area.y,
            count.len() as u16 + 1,
            1,
        );
        frame.render_widget(Paragraph::new(Span::styled(count, theme.dim())), right);
    }
}

fn draw_status(frame: &mut Frame, area: Rect, app: &App, theme: Theme) {
    let mut spans = Vec::new();
    match &app.timer {
        Some(t) => {
            let secs = t.seconds(chrono::Utc::now());
            let budget = app
                .reading
                .budgets
                .map(|b| b[crate::reading::index(t.pass)]);
            let over = budget.and_then(|b| b.over(secs));
            let clock = format!(
                " ⏱ {} pass {} {:02}:{:02}",
                t.paper_id,
                t.pass.number(),
                secs / 60,
                secs % 60
            );
            spans.push(Span::styled(
                clock,
                if over.is_some() {
                    theme.bad()
                } else {
                    theme.good()
                },
            ));
            if let Some(b) = budget {
                spans.push(Span::styled(
                    format!(" / {}–{} min", b.min, b.max),
                    theme.dim(),
                ));
            }
        }
        None => spans.push(Span::styled(" no timer", theme.dim())),
    }
    if let Some(job) = &app.fetch.running {
        let progress = match app.fetch.progress {
            Some((d, Some(t))) => format!(" {d}/{t}"),
            Some((d, None)) => format!(" {d}"),
            None => String::new(),
        };
        spans.push(Span::raw(format!("  ⟳ {job}{progress}")));
    }
    if let Some(run) = &app.code.running {
        spans.push(Span::raw(format!("  ▶ {run}")));
    }
    let line = Line::from(spans);
    let hint = "? help  : command  q back ";
    frame.render_widget(Paragraph::new(line), area);
    let used = Line::from(Vec::<Span>::new()).width() as u16;
    if area.width > 60 + used {
        let w = hint.chars().count() as u16;
        let right = Rect::new(area.x + area.width - w, area.y, w, 1);
        frame.render_widget(Paragraph::new(Span::styled(hint, theme.dim())), right);
    }
}

fn draw_bottom(frame: &mut Frame, area: Rect, app: &App, theme: Theme) {
    let line = match &app.prompt {
        Some(Prompt::Palette(t)) => Line::from(vec![
            Span::styled(":", theme.heading()),
            Span::raw(t.clone()),
            Span::raw("█"),
        ]),
        Some(Prompt::Filter(t)) => Line::from(vec![
            Span::styled("filter (tag:NAME cat:CAT pass:STATE): ", theme.heading()),
            Span::raw(t.clone()),
            Span::raw("█"),
        ]),
        Some(Prompt::Fetch(t)) => Line::from(vec![
            Span::styled("arXiv query: ", theme.heading()),
            Span::raw(t.clone()),
            Span::raw("█"),
        ]),
        Some(Prompt::Ask(ask)) => {
            let hint = match &ask.purpose {
                Purpose::Tags { .. } => {
                    crate::tui::app::completion(&ask.text, &app.tags).map(String::from)
                }
                _ => None,
            };
            prompt_line(
                ask_label(&ask.purpose),
                &ask.text,
                hint,
                area.width as usize,
                theme,
            )
        }
        Some(Prompt::Confirm(c)) => {
            let question = match c {
                Confirm::RemovePaper { id, title } => format!(
                    "Remove {id} \"{}\" with its notes, reading state and files? y / n",
                    fit(title, 40)
                ),
                Confirm::Freeze { edition } => {
                    format!("Freeze {edition}? It is published and cannot change afterwards. y / n")
                }
            };
            Line::from(Span::styled(question, theme.bad()))
        }
        None => match &app.message {
            Some((Level::Error, m)) => Line::from(Span::styled(m.clone(), theme.bad())),
            Some((Level::Info, m)) => Line::from(Span::raw(m.clone())),
            None => Line::from(Span::styled(
                "1–8 screens · / search · Enter open · t timer · e note · T tags · ? keys",
                theme.dim(),
            )),
        },
    };
    frame.render_widget(Paragraph::new(line), area);
}

/// Every key, for the help overlay and the README.
pub const KEYS: &[(&str, &str)] = &[
    (
        "1–8",
        "Library, Search, Reading, Radar, Fetch, Code, Inbox, Review",
    ),
    ("Tab", "switch pane (list / detail; query / results)"),
    ("j k ↓ ↑", "move; PgDn PgUp page; g G first / last"),
    ("Enter", "open the paper (or blip's paper, run a link)"),
    (
        "q Esc ?",
        "back (q quits on the library); this help; Ctrl-C quits",
    ),
    (
        "/ m",
        "search as you type; m or Shift-Tab: words / meaning / hybrid",
    ),
    ("r", "papers related to the current one"),
    ("s f F", "library: sort; filter; clear the filter"),
    (
        "T # L",
        "tags (Tab completes, -tag removes); filter by a tag; link to a blip",
    ),
    (
        "a i D",
        "library: add by id or URL; import a file; remove (asks first)",
    ),
    ("Q", "put the paper in the reading queue"),
    (
        "t o",
        "reading timer on / off; open the PDF (downloaded once)",
    ),
    (
        "v f J K",
        "reading: skim / method; get the text; scroll (Space b page)",
    ),
    ("d", "mark the current pass done (radar: diff)"),
    ("e", "edit the current pass's note in $EDITOR"),
    ("[ ] h l", "radar: older / newer edition"),
    (
        "M A E P",
        "radar: move (ring, quadrant, why); add; edit or reassess; phase out",
    ),
    (
        "N F",
        "radar: start the next edition; freeze this one (asks first)",
    ),
    (
        "Enter x",
        "review: accept (rationale pre-filled); dismiss for good",
    ),
    ("n w", "fetch: an arXiv query; sync watches"),
    ("c R", "code: open a paper's links; run one"),
    (
        "+ - x",
        "inbox: like; dislike; dismiss (Q queues, Enter opens)",
    ),
    ("x", "cancel the running fetch or run"),
    (
        ":",
        "search Q · show ID · fetch Q · sync · radar M · review · tag T · run N",
    ),
];

fn draw_help(frame: &mut Frame, area: Rect, scroll: u16, theme: Theme) {
    let width = area.width.min(80);
    let height = area.height.min(KEYS.len() as u16 + 2);
    let popup = Rect::new(
        area.x + (area.width - width) / 2,
        area.y + (area.height - height) / 2,
        width,
        height,
    );
    let lines: Vec<Line> = KEYS
        .iter()
        .map(|(k, v)| {
            Line::from(vec![
                Span::styled(format!(" {k:<8} "), theme.heading()),
                Span::raw(*v),
            ])
        })
        .collect();
    frame.render_widget(Clear, popup);
    frame.render_widget(
        Paragraph::new(lines)
            .wrap(Wrap { trim: false })
            .scroll((scroll, 0))
            .block(
                Block::default()
                    .borders(Borders::ALL)
                    .title(" Keys · j k scroll, any other key closes ")
                    .border_style(theme.border(true)),
            ),
        popup,
    );
}

/// Cuts `text` to `width` terminal columns with an ellipsis.
pub fn fit(text: &str, width: usize) -> String {
    crate::width::cut(text, width)
}

/// Cuts and pads `text` to exactly `width` terminal columns.
pub fn fit_pad(text: &str, width: usize) -> String {
    crate::width::pad(text, width)
}

/// The window of `height` rows that keeps `selected` visible.
pub fn window(selected: usize, len: usize, height: usize) -> std::ops::Range<usize> {
    if height == 0 || len == 0 {
        return 0..0;
    }
    let start = selected.saturating_sub(height.saturating_sub(1).min(height / 2 + height % 2));
    let start = start.min(len.saturating_sub(height));
    start..(start + height).min(len)
}

/// Marks for a pass state in lists: done ✓, in progress ▸, skipped –, not started ·.
pub fn pass_marks(passes: &[crate::reading::Status; 3]) -> String {
    passes
        .iter()
        .map(|s| match s {
            crate::reading::Status::Done => '✓',
            crate::reading::Status::InProgress => '▸',
            crate::reading::Status::Skipped => '–',
            crate::reading::Status::NotStarted => '·',
        })
        .collect()
}
