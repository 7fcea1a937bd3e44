//! The reading screen: the current paper's passes against their budgets,
//! its own text as the pass needs it (the skim for pass 1, the method
//! with its numbered equations for pass 2), and the reading queue.

use super::{Theme, fit, pass_marks, window};
use crate::reading::{Pass, Status, human_duration, index};
use crate::tui::app::{App, ReadingPane};
use crate::tui::state::{PaperDetail, TextView};
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph, Wrap};

fn status_word(s: Status) -> &'static str {
    match s {
        Status::NotStarted => "not started",
        Status::InProgress => "in progress",
        Status::Done => "done",
        Status::Skipped => "skipped",
    }
}

/// The reading screen: the current paper's passes and the queue.
pub fn reading(frame: &mut Frame, area: Rect, app: &App, theme: Theme) {
    let [top, bottom] = Layout::vertical([Constraint::Length(7), Constraint::Min(3)]).areas(area);
    let focus = app.library.detail.as_ref().filter(|d| {
        app.timer
            .as_ref()
            .is_none_or(|t| t.paper_id == d.record.paper.id)
    });
    let mut lines = Vec::new();
    match focus {
        Some(d) => {
            lines.push(Line::from(vec![
                Span::styled(format!("{} ", d.record.paper.id), theme.id()),
                Span::styled(
                    fit(&d.record.paper.title, top.width.saturating_sub(16) as usize),
                    theme.heading(),
                ),
            ]));
            for pass in Pass::ALL {
                let s = &d.passes[index(pass)];
                let mut secs = s.seconds;
                if let Some(t) = app
                    .timer
                    .as_ref()
                    .filter(|t| t.pass == pass && t.paper_id == d.record.paper.id)
                {
                    secs += t.seconds(chrono::Utc::now());
                }
                let budget = app.reading.budgets.map(|b| b[index(pass)]);
                let over = budget.and_then(|b| b.over(secs));
                let gauge = budget.map(|b| bar(secs, b.max, 20)).unwrap_or_default();
                lines.push(Line::from(vec![
                    Span::raw(format!(
                        "  {} {:<16} {:<12} ",
                        pass.number(),
                        pass.name(),
                        status_word(s.status)
                    )),
                    Span::styled(
                        gauge,
                        if over.is_some() {
                            theme.bad()
                        } else {
                            theme.good()
                        },
                    ),
                    Span::raw(format!(" {}", human_duration(secs))),
                    Span::styled(
                        budget
                            .map(|b| format!(" / {}–{} min", b.min, b.max))
                            .unwrap_or_default(),
                        theme.dim(),
                    ),
                ]));
            }
            lines.push(Line::from(Span::styled(
                "t timer · d pass done · e edit note · o PDF · v skim/method · f get text",
                theme.dim(),
            )));
        }
        None => lines.push(Line::from(Span::styled(
            "Open a paper (Library, Enter) or pick one from the queue to see its passes.",
            theme.dim(),
        ))),
    }
    frame.render_widget(
        Paragraph::new(lines).block(
            Block::default()
                .borders(Borders::ALL)
                .title(" Passes ")
                .border_style(theme.dim()),
        ),
        top,
    );
    // The paper's own text beside the queue and the current pass's note
    // (below them when narrow, without the note).
    let (queue_area, text_area) = if bottom.width >= 110 {
        let [left, t] =
            Layout::horizontal([Constraint::Percentage(38), Constraint::Percentage(62)])
                .areas(bottom);
        let [q, n] =
            Layout::vertical([Constraint::Percentage(45), Constraint::Percentage(55)]).areas(left);
        note_pane(frame, n, focus, theme);
        (q, t)
    } else {
        let [t, q] = Layout::vertical([Constraint::Min(3), Constraint::Length(6)]).areas(bottom);
        (q, t)
    };
    text_pane(frame, text_area, app, focus, theme);
    let bottom = queue_area;
    let block = Block::default()
        .borders(Borders::ALL)
        .title(format!(" Reading queue · {} ", app.reading.queue.len()))
        .border_style(theme.border(true));
    let inner = block.inner(bottom);
    frame.render_widget(block, bottom);
    if app.reading.queue.is_empty() {
        frame.render_widget(
            Paragraph::new(Span::styled(
                "The queue is empty: Q on a paper puts it here.",
                theme.dim(),
            )),
            inner,
        );
        return;
    }
    let w = inner.width as usize;
    let lines: Vec<Line> = window(
        app.queue_cursor.selected,
        app.reading.queue.len(),
        inner.height as usize,
    )
    .map(|i| {
        let q = &app.reading.queue[i];
        let statuses = q.item.passes.each_ref().map(|p| p.status);
        let next = q
            .item
            .next_pass()
            .map(|p| format!("next: {}", p.name()))
            .unwrap_or_else(|| "finished".into());
        let line = Line::from(vec![
            Span::styled(format!("{:<10} ", q.item.paper_id), theme.id()),
            Span::raw(format!("{} ", pass_marks(&statuses))),
            Span::raw(format!(
                "{:<width$} ",
                fit(&q.title, w.saturating_sub(32)),
                width = w.saturating_sub(32)
            )),
            Span::styled(next, theme.dim()),
        ]);
        theme.row(line, i == app.queue_cursor.selected)
    })
    .collect();
    frame.render_widget(Paragraph::new(lines), inner);
}

/// `████░░░░` for time against the budget's upper end.
fn bar(seconds: i64, max_minutes: u32, width: usize) -> String {
    let max = i64::from(max_minutes.max(1)) * 60;
    let filled = ((seconds.clamp(0, max) * width as i64) / max) as usize;
    format!("{}{}", "█".repeat(filled), "░".repeat(width - filled))
}

/// The current pass's note, as far as it fits (`e` edits it).
fn note_pane(frame: &mut Frame, area: Rect, paper: Option<&PaperDetail>, theme: Theme) {
    let pass = paper.and_then(|d| crate::reading::current_pass(&d.passes));
    let title = match pass {
        Some(p) => format!(" Note · pass {} (e edits) ", p.number()),
        None => " Note ".to_string(),
    };
    let note = match (paper, pass) {
        (Some(d), Some(p)) => d.passes[index(p)].note.clone(),
        _ => String::new(),
    };
    let lines: Vec<Line> = if note.trim().is_empty() {
        vec![Line::from(Span::styled(
            "No note yet: e opens the pass's template in $EDITOR.",
            theme.dim(),
        ))]
    } else {
        note.lines().map(|l| Line::from(l.to_string())).collect()
    };
    frame.render_widget(
        Paragraph::new(lines).wrap(Wrap { trim: false }).block(
            Block::default()
                .borders(Borders::ALL)
                .title(title)
                .border_style(theme.dim()),
        ),
        area,
    );
}

/// The text pane: what the current pass reads, scrollable.
fn text_pane(frame: &mut Frame, area: Rect, app: &App, paper: Option<&PaperDetail>, theme: Theme) {
    let pane = app.reading_pane();
    let name = match pane {
        ReadingPane::Skim => "Skim (pass 1)",
        ReadingPane::Method => "Method (pass 2)",
    };
    let text = paper.and_then(|d| d.text.as_deref());
    let title = match text {
        Some(t) => format!(" {name} · {} ", t.origin),
        None => format!(" {name} "),
    };
    let block = Block::default()
        .borders(Borders::ALL)
        .title(title)
        .border_style(theme.dim());
    let lines = match (paper, text) {
        (None, _) => vec![Line::from(Span::styled(
            "The paper you open or time shows here.",
            theme.dim(),
        ))],
        (Some(d), None) => {
            let mut lines = vec![
                Line::from(Span::styled(d.record.paper.title.clone(), theme.heading())),
                Line::from(""),
                Line::from(Span::styled("Abstract", theme.heading())),
                Line::from(d.record.paper.abstract_text.clone()),
                Line::from(""),
            ];
            let hint = if d.record.paper.is_arxiv() {
                "No full text yet: f gets it (arXiv's HTML, else the LaTeX source, else the PDF)."
            } else {
                "Not an arXiv paper: there is no full text to get."
            };
            lines.push(Line::from(Span::styled(hint, theme.dim())));
            lines
        }
        (Some(_), Some(t)) => match pane {
            ReadingPane::Skim => skim_lines(t, theme),
            ReadingPane::Method => method_lines(t, theme),
        },
    };
    // Scrolled past the end: show the last lines rather than nothing.
    let scroll = app
        .text_pane
        .scroll
        .min(lines.len().saturating_sub(1) as u16);
    frame.render_widget(
        Paragraph::new(lines)
            .wrap(Wrap { trim: false })
            .scroll((scroll, 0))
            .block(block),
        area,
    );
}

fn skim_lines(t: &TextView, theme: Theme) -> Vec<Line<'static>> {
    let s = &t.skim;
    let mut lines = vec![
        Line::from(Span::styled(s.title.clone(), theme.heading())),
        Line::from(""),
        Line::from(Span::styled("Abstract", theme.heading())),
    ];
    for p in s.abstract_text.split("\n\n") {
        lines.push(Line::from(p.to_string()));
    }
    lines.push(Line::from(""));
    match &s.conclusion {
        Some(c) => {
            lines.push(Line::from(Span::styled(
                format!("Conclusion — {}", c.heading),
                theme.heading(),
            )));
            for p in c.text.split("\n\n") {
                lines.push(Line::from(p.to_string()));
                lines.push(Line::from(""));
            }
        }
        None => {
            lines.push(Line::from(Span::styled(
                "No conclusion found.",
                theme.dim(),
            )));
            lines.push(Line::from(""));
        }
    }
    if !s.captions.is_empty() {
        lines.push(Line::from(Span::styled(
            format!("Figures and tables · {}", s.captions.len()),
            theme.heading(),
        )));
        for c in &s.captions {
            lines.push(Line::from(vec![
                Span::styled(format!("{}. ", c.name()), theme.id()),
                Span::raw(c.text.clone()),
            ]));
        }
    }
    lines
}

fn method_lines(t: &TextView, theme: Theme) -> Vec<Line<'static>> {
    let doc = &t.document;
    if t.method.is_empty() {
        return vec![Line::from(Span::styled(
            "No method section found; `litradar fulltext show ID` prints the whole text.",
            theme.dim(),
        ))];
    }
    let mut lines = Vec::new();
    for &i in &t.method {
        let Some(section) = doc.sections.get(i) else {
            continue;
        };
        lines.push(Line::from(Span::styled(section.title(), theme.heading())));
        for p in &section.paragraphs {
            lines.push(Line::from(p.clone()));
            lines.push(Line::from(""));
        }
        for e in doc.equations.iter().filter(|e| e.section == Some(i)) {
            let number = e
                .number
                .as_deref()
                .map(|n| format!("({n}) "))
                .unwrap_or_else(|| "    ".into());
            lines.push(Line::from(vec![
                Span::styled(number, theme.id()),
                Span::raw(e.latex.clone()),
            ]));
        }
        if doc.equations.iter().any(|e| e.section == Some(i)) {
            lines.push(Line::from(""));
        }
    }
    if doc.equations.is_empty() && t.source == crate::fulltext::Source::Pdf {
        lines.push(Line::from(Span::styled(
            "No equations: this text came from a PDF (HTML and LaTeX sources keep them as LaTeX).",
            theme.dim(),
        )));
    }
    lines
}
