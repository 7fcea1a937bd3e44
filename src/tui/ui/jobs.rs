//! The screens with background jobs: fetching from arXiv and running a
//! paper's implementations, with the ledger beside the output.

use super::{Theme, fit, window};
use crate::impls::ledger::{self, Verdict};
use crate::tui::app::App;
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Gauge, Paragraph, Wrap};

/// The fetch screen.
pub fn fetch(frame: &mut Frame, area: Rect, app: &App, theme: Theme) {
    let f = &app.fetch;
    let [head, gauge, log] = Layout::vertical([
        Constraint::Length(4),
        Constraint::Length(3),
        Constraint::Min(3),
    ])
    .areas(area);
    let help = vec![
        Line::from("n  fetch an arXiv query (ti:, au:, abs:, cat:, AND/OR/ANDNOT, \"phrases\")"),
        Line::from("w  sync every watch            x  stop the running job"),
    ];
    frame.render_widget(
        Paragraph::new(help).block(
            Block::default()
                .borders(Borders::ALL)
                .title(" Fetch ")
                .border_style(theme.dim()),
        ),
        head,
    );
    let (ratio, label) = match (&f.running, f.progress) {
        (Some(job), Some((done, Some(total)))) if total > 0 => (
            (done as f64 / total as f64).min(1.0),
            format!("{job}: {done} of {total}"),
        ),
        (Some(job), Some((done, _))) => (0.0, format!("{job}: {done}")),
        (Some(job), None) => (0.0, format!("{job}: starting…")),
        (None, _) => (0.0, "idle".to_string()),
    };
    frame.render_widget(
        Gauge::default()
            .block(
                Block::default()
                    .borders(Borders::ALL)
                    .border_style(theme.dim()),
            )
            .gauge_style(theme.good())
            .ratio(ratio)
            .label(label),
        gauge,
    );
    let block = Block::default()
        .borders(Borders::ALL)
        .title(" Log ")
        .border_style(theme.dim());
    let inner = block.inner(log);
    frame.render_widget(block, log);
    let lines: Vec<Line> = f
        .log
        .iter()
        .rev()
        .take(inner.height as usize)
        .rev()
        .map(|l| Line::raw(l.clone()))
        .collect();
    frame.render_widget(Paragraph::new(lines).wrap(Wrap { trim: false }), inner);
}

/// The code screen: links, ledger and the output pane.
pub fn code(frame: &mut Frame, area: Rect, app: &App, theme: Theme) {
    let c = &app.code;
    let Some(data) = &c.data else {
        frame.render_widget(
            Paragraph::new("Open a paper first (Library, Enter), then press c.")
                .block(Block::default().borders(Borders::ALL).title(" Code ")),
            area,
        );
        return;
    };
    let links_h = (data.impls.len() as u16 + 2).clamp(3, 7);
    let ledger_h = (data.ledger.len() as u16 + 2).clamp(3, 9);
    let [links, ledger_area, output] = Layout::vertical([
        Constraint::Length(links_h),
        Constraint::Length(ledger_h),
        Constraint::Min(3),
    ])
    .areas(area);
    let w = links.width.saturating_sub(2) as usize;
    let title = format!(
        " {} · {} · Enter runs ",
        data.paper,
        fit(&data.title, w.saturating_sub(24))
    );
    let mut lines: Vec<Line> = Vec::new();
    if data.impls.is_empty() {
        lines.push(Line::from(Span::styled(
            format!(
                "No implementation linked: `litradar impl link {} FOLDER --cmd \"...\"`",
                data.paper
            ),
            theme.dim(),
        )));
    }
    for (i, (imp, problem)) in data.impls.iter().enumerate() {
        let state = match problem {
            None => Span::styled("ok      ", theme.good()),
            Some(_) => Span::styled("broken  ", theme.bad()),
        };
        let location_w = w.saturating_sub(24).min(36);
        let rest = match problem {
            None => format!("  $ {}", crate::impls::join_command(&imp.command)),
            Some(p) => format!("  {p}"),
        };
        let line = Line::from(vec![
            Span::raw(format!("#{:<3} ", imp.id)),
            state,
            Span::raw(format!("{:<8} ", imp.kind.as_str())),
            Span::raw(fit(&imp.location, location_w)),
            Span::styled(
                fit(
                    &rest,
                    w.saturating_sub(22 + location_w.min(imp.location.chars().count())),
                ),
                theme.dim(),
            ),
        ]);
        lines.push(theme.row(line, i == c.cursor.selected));
    }
    frame.render_widget(
        Paragraph::new(lines).block(
            Block::default()
                .borders(Borders::ALL)
                .title(title)
                .border_style(theme.border(true)),
        ),
        links,
    );
    let (yes, partly, not, not_run) = ledger::tally(&data.ledger);
    let mut rows: Vec<Line> = Vec::new();
    let name_w = data
        .ledger
        .iter()
        .map(|r| r.claim.metric.len())
        .max()
        .unwrap_or(6)
        .clamp(6, 28);
    for r in &data.ledger {
        let verdict_style = match r.verdict {
            Verdict::Reproduced => theme.good(),
            Verdict::Not => theme.bad(),
            _ => theme.dim(),
        };
        rows.push(Line::from(vec![
            Span::raw(format!("{} ", super::fit_pad(&r.claim.metric, name_w))),
            Span::raw(format!(
                "{} ",
                super::fit_pad(&ledger::claimed(&r.claim), 18)
            )),
            Span::raw(format!(
                "{:>12} ",
                r.observed.map(ledger::number).unwrap_or_else(|| "—".into())
            )),
            Span::styled(r.verdict.label(), verdict_style),
        ]));
    }
    if rows.is_empty() {
        rows.push(Line::from(Span::styled(
            "No claims: `litradar claim add ID METRIC VALUE` records the paper's numbers.",
            theme.dim(),
        )));
    }
    frame.render_widget(
        Paragraph::new(rows).block(
            Block::default()
                .borders(Borders::ALL)
                .title(format!(
                    " Ledger · {yes} reproduced, {partly} partly, {not} not, {not_run} not run "
                ))
                .border_style(theme.dim()),
        ),
        ledger_area,
    );
    let block = Block::default()
        .borders(Borders::ALL)
        .title(match &c.running {
            Some(r) => format!(" Output · running {r} · x stops "),
            None => match data.runs.first() {
                Some(run) => format!(" Output · last run #{} {} ", run.id, run.started_at),
                None => " Output ".to_string(),
            },
        })
        .border_style(theme.dim());
    let inner = block.inner(output);
    frame.render_widget(block, output);
    let shown: Vec<Line> = if c.output.is_empty() {
        data.runs
            .first()
            .map(|r| {
                r.stdout_tail
                    .lines()
                    .map(|l| Line::raw(l.to_string()))
                    .collect::<Vec<_>>()
            })
            .unwrap_or_default()
    } else {
        c.output.iter().map(|l| Line::raw(l.clone())).collect()
    };
    let range = window(
        shown.len().saturating_sub(1),
        shown.len(),
        inner.height as usize,
    );
    frame.render_widget(Paragraph::new(shown[range].to_vec()), inner);
}
