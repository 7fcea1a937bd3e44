//! The Review screen: the month's proposals by kind, and the selected one's
//! evidence; the budget at the foot.

use super::{Theme, fit, window};
use crate::radar::store::Review;
use crate::tui::app::App;
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph, Wrap};

/// One row of the list: a section heading, or proposal `n`.
enum Row {
    Heading(String),
    Proposal(usize, String),
}

fn rows(r: &Review) -> Vec<Row> {
    let mut out = Vec::new();
    let mut n = 0;
    let mut section = |title: &str, items: Vec<String>, out: &mut Vec<Row>| {
        out.push(Row::Heading(format!("{title} ({})", items.len())));
        for text in items {
            out.push(Row::Proposal(n, text));
            n += 1;
        }
    };
    section(
        "Evidence",
        r.evidence
            .iter()
            .map(|e| format!("{} ← {} {}", e.blip, e.paper, e.title))
            .collect(),
        &mut out,
    );
    section(
        "New blips",
        r.new_blips
            .iter()
            .map(|b| {
                format!(
                    "{} → {} ({} papers)",
                    b.term,
                    b.quadrant.as_deref().unwrap_or("?"),
                    b.papers.len()
                )
            })
            .collect(),
        &mut out,
    );
    section(
        "Moves",
        r.moves
            .iter()
            .map(|m| format!("{}: {} → {}", m.blip, m.from, m.to))
            .collect(),
        &mut out,
    );
    section(
        "Stale",
        r.stale
            .iter()
            .map(|s| format!("{}: {} editions unassessed", s.blip, s.editions))
            .collect(),
        &mut out,
    );
    out
}

/// What the selected proposal rests on.
fn detail(r: &Review, id: &str, theme: Theme) -> Vec<Line<'static>> {
    let mut lines = Vec::new();
    let mut push = |label: &str, text: String| {
        lines.push(Line::from(vec![
            Span::styled(format!("{label:<9}"), theme.dim()),
            Span::raw(text),
        ]));
    };
    if let Some(e) = r.evidence.iter().find(|e| e.id == id) {
        push("Link", format!("{} to {}", e.paper, e.blip));
        push("Paper", e.title.clone());
        push("Why", e.why.clone());
    } else if let Some(b) = r.new_blips.iter().find(|b| b.id == id) {
        push("New blip", b.term.clone());
        push(
            "Quadrant",
            b.quadrant
                .clone()
                .unwrap_or_else(|| "none suggested".into()),
        );
        push("Why", b.why.clone());
        push("Papers", b.papers.join(", "));
    } else if let Some(m) = r.moves.iter().find(|m| m.id == id) {
        push("Move", format!("{} from {} to {}", m.blip, m.from, m.to));
        push("Why", m.why.clone());
    } else if let Some(s) = r.stale.iter().find(|s| s.id == id) {
        push("Reassess", s.blip.clone());
        push("Why", s.why.clone());
    }
    lines
}

fn budget_line(r: &Review, theme: Theme) -> Line<'static> {
    let mut spans = vec![Span::styled(
        format!("Reading {:.0} min · ", r.budget.total_minutes),
        theme.dim(),
    )];
    for s in r.budget.rings.iter().filter(|s| s.planned.is_some()) {
        let gap = r
            .budget
            .gap(s)
            .map(|g| format!(" {}", g.label()))
            .unwrap_or_default();
        let style = if gap.is_empty() {
            theme.dim()
        } else {
            theme.bad()
        };
        spans.push(Span::styled(
            format!(
                "{} {:.0}%/{:.0}%{gap}  ",
                s.name,
                s.percent,
                s.planned.unwrap_or(0.0)
            ),
            style,
        ));
    }
    Line::from(spans)
}

/// The Review screen.
pub fn review(frame: &mut Frame, area: Rect, app: &App, theme: Theme) {
    let view = &app.review;
    let Some(r) = &view.data else {
        let text = if view.loading {
            "Reviewing the month…"
        } else {
            "No radar to review yet: import one with `litradar radar import FILE`."
        };
        frame.render_widget(
            Paragraph::new(text).block(
                Block::default()
                    .borders(Borders::ALL)
                    .title(" Review ")
                    .border_style(theme.border(true)),
            ),
            area,
        );
        return;
    };
    let [list_area, detail_area] = if area.width >= 110 {
        Layout::horizontal([Constraint::Percentage(55), Constraint::Percentage(45)]).areas(area)
    } else {
        Layout::vertical([Constraint::Percentage(60), Constraint::Percentage(40)]).areas(area)
    };
    let starts = if r.starts_edition {
        format!(" · accepting starts it from {}", r.newest)
    } else {
        String::new()
    };
    let busy = if view.loading { " · working…" } else { "" };
    let title = format!(
        " Review {}{starts} · {} papers since {}{busy} ",
        r.edition, r.new_papers, r.newest
    );
    let block = Block::default()
        .borders(Borders::ALL)
        .title(title)
        .border_style(theme.border(true));
    let inner = block.inner(list_area);
    frame.render_widget(block, list_area);
    let all = rows(r);
    let selected_row = all
        .iter()
        .position(|row| matches!(row, Row::Proposal(n, _) if *n == view.cursor.selected))
        .unwrap_or(0);
    let w = inner.width as usize;
    let lines: Vec<Line> = window(selected_row, all.len(), inner.height as usize)
        .map(|i| match &all[i] {
            Row::Heading(t) => Line::styled(fit(t, w), theme.heading()),
            Row::Proposal(n, text) => theme.row(
                Line::from(vec![
                    Span::styled(format!("{:>3} ", n + 1), theme.dim()),
                    Span::raw(fit(text, w.saturating_sub(4))),
                ]),
                *n == view.cursor.selected,
            ),
        })
        .collect();
    frame.render_widget(Paragraph::new(lines), inner);
    let block = Block::default()
        .borders(Borders::ALL)
        .title(" Enter accept · x dismiss for good ")
        .border_style(theme.border(false));
    let inner = block.inner(detail_area);
    frame.render_widget(block, detail_area);
    let [text_area, budget_area] =
        Layout::vertical([Constraint::Min(1), Constraint::Length(1)]).areas(inner);
    let ids = r.ids();
    let lines = match ids.get(view.cursor.selected) {
        Some(id) => detail(r, id, theme),
        None => vec![Line::styled(
            "Nothing to review: no new evidence, term, move or stale blip.",
            theme.dim(),
        )],
    };
    frame.render_widget(Paragraph::new(lines).wrap(Wrap { trim: false }), text_area);
    frame.render_widget(Paragraph::new(budget_line(r, theme)), budget_area);
}
