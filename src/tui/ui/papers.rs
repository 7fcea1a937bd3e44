//! The library list and detail, and search results.

use super::{Theme, fit, fit_pad, pass_marks, window};
use crate::impls::ledger;
use crate::reading::{Pass, Status, human_duration, index};
use crate::tui::app::{App, Focus, mode_label};
use crate::tui::state::PaperDetail;
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph, Wrap};

/// Side by side when there is room, stacked otherwise.
fn split(area: Rect, detail_open: bool) -> (Rect, Option<Rect>) {
    if !detail_open {
        return (area, None);
    }
    if area.width >= 110 {
        let [l, r] = Layout::horizontal([Constraint::Percentage(55), Constraint::Percentage(45)])
            .areas(area);
        (l, Some(r))
    } else {
        let [t, b] =
            Layout::vertical([Constraint::Percentage(45), Constraint::Percentage(55)]).areas(area);
        (t, Some(b))
    }
}

/// The library screen.
pub fn library(frame: &mut Frame, area: Rect, app: &App, theme: Theme) {
    let lib = &app.library;
    let (list_area, detail_area) = split(area, lib.detail.is_some() || app.focus == Focus::Detail);
    let filter = crate::tui::app::filter_text(&lib.filter);
    let title = format!(
        " Library · {} · sort: {}{} ",
        lib.rows.len(),
        lib.filter.order.label(),
        if filter.is_empty() {
            String::new()
        } else {
            format!(" · {filter}")
        }
    );
    let block = Block::default()
        .borders(Borders::ALL)
        .title(title)
        .border_style(theme.border(app.focus == Focus::List));
    let inner = block.inner(list_area);
    frame.render_widget(block, list_area);
    if lib.loading {
        frame.render_widget(Paragraph::new("Loading the library…"), inner);
    } else if lib.rows.is_empty() {
        frame.render_widget(
            Paragraph::new(if filter.is_empty() {
                "No papers yet. Press 5 to fetch from arXiv, or run `litradar demo`."
            } else {
                "No paper matches the filter. F clears it."
            })
            .wrap(Wrap { trim: true }),
            inner,
        );
    } else {
        let w = inner.width as usize;
        let show_tags = w >= 100;
        let author_w = if w >= 90 { 18 } else { 12 };
        let tags_w = if show_tags { 18 } else { 0 };
        // id, marks, date and spaces take the rest.
        let title_w = w.saturating_sub(
            10 + 1 + 3 + 1 + 1 + 1 + author_w + 1 + 10 + 1 + tags_w + usize::from(show_tags),
        );
        let rows = window(lib.cursor.selected, lib.rows.len(), inner.height as usize);
        let lines: Vec<Line> = rows
            .map(|i| {
                let r = &lib.rows[i];
                let mut spans = vec![
                    Span::styled(format!("{:<10}", fit(&r.id, 10)), theme.id()),
                    Span::raw(" "),
                    Span::raw(pass_marks(&r.passes)),
                    Span::styled(if r.new_version { "*" } else { " " }, theme.bad()),
                    Span::raw(" "),
                    Span::raw(fit_pad(&r.title, title_w)),
                    Span::raw(" "),
                    Span::styled(
                        fit_pad(&short_author(&r.first_author, r.authors), author_w),
                        theme.dim(),
                    ),
                    Span::raw(" "),
                    Span::raw(format!("{:<10}", r.date)),
                ];
                if show_tags {
                    spans.push(Span::raw(" "));
                    spans.push(Span::styled(fit(&r.tags.join(","), tags_w), theme.dim()));
                }
                let line = Line::from(spans);
                theme.row(line, i == lib.cursor.selected)
            })
            .collect();
        frame.render_widget(Paragraph::new(lines), inner);
    }
    if let Some(area) = detail_area {
        let block = Block::default()
            .borders(Borders::ALL)
            .title(" Paper ")
            .border_style(theme.border(app.focus == Focus::Detail));
        let inner = block.inner(area);
        frame.render_widget(block, area);
        match &lib.detail {
            Some(d) => frame.render_widget(
                Paragraph::new(detail_lines(d, app, theme))
                    .wrap(Wrap { trim: false })
                    .scroll((lib.detail_scroll, 0)),
                inner,
            ),
            None => frame.render_widget(Paragraph::new("Loading…"), inner),
        }
    }
}

fn short_author(first: &str, n: usize) -> String {
    let last = first.rsplit(' ').next().unwrap_or(first);
    match n {
        0 => String::new(),
        1 => last.to_string(),
        _ => format!("{last} et al."),
    }
}

fn status_word(s: Status) -> &'static str {
    match s {
        Status::NotStarted => "not started",
        Status::InProgress => "in progress",
        Status::Done => "done",
        Status::Skipped => "skipped",
    }
}

/// The detail of one paper: what the CLI's `show` prints, plus passes,
/// notes, code and blips.
fn detail_lines<'a>(d: &'a PaperDetail, app: &App, theme: Theme) -> Vec<Line<'a>> {
    let p = &d.record.paper;
    let mut lines = vec![
        Line::from(Span::styled(p.title.clone(), theme.heading())),
        Line::from(vec![
            Span::styled(p.id.clone(), theme.id()),
            Span::raw(p.version.map(|v| format!("v{v}")).unwrap_or_default()),
            Span::styled(
                format!(
                    "  {}  {}",
                    p.published
                        .map(|t| t.format("%Y-%m-%d").to_string())
                        .unwrap_or_default(),
                    p.categories.join(" ")
                ),
                theme.dim(),
            ),
        ]),
        Line::from(
            p.authors
                .iter()
                .map(|a| a.name.as_str())
                .collect::<Vec<_>>()
                .join(", "),
        ),
    ];
    if d.record.has_unseen_version() {
        lines.push(Line::from(Span::styled(
            "* a new version arrived since you last looked",
            theme.bad(),
        )));
    }
    if !d.record.tags.is_empty() {
        lines.push(Line::from(Span::styled(
            format!("tags: {}", d.record.tags.join(", ")),
            theme.dim(),
        )));
    }
    let links: Vec<&str> = [p.abs_url.as_deref(), p.pdf_url.as_deref()]
        .into_iter()
        .flatten()
        .collect();
    if !links.is_empty() {
        lines.push(Line::from(Span::styled(links.join("  "), theme.dim())));
    }
    if let Some(doi) = &p.doi {
        lines.push(Line::from(Span::styled(format!("doi:{doi}"), theme.dim())));
    }
    lines.push(Line::raw(""));
    lines.push(Line::raw(p.abstract_text.clone()));
    lines.push(Line::raw(""));
    lines.push(Line::from(Span::styled("Passes", theme.heading())));
    for pass in Pass::ALL {
        let s = &d.passes[index(pass)];
        let budget = app.reading.budgets.map(|b| b[index(pass)]);
        lines.push(Line::from(vec![
            Span::raw(format!(
                "  {} {:<16} {:<12} ",
                pass.number(),
                pass.name(),
                status_word(s.status)
            )),
            Span::styled(
                format!(
                    "{}{}",
                    human_duration(s.seconds),
                    budget
                        .map(|b| format!(" of {}–{} min", b.min, b.max))
                        .unwrap_or_default()
                ),
                theme.dim(),
            ),
        ]));
        if let Some(first) = s
            .note
            .lines()
            .find(|l| !l.trim().is_empty() && !l.starts_with("<!--"))
        {
            lines.push(Line::from(Span::styled(
                format!("    {}", fit(first, 70)),
                theme.dim(),
            )));
        }
    }
    if !d.impls.is_empty() || !d.ledger.is_empty() {
        lines.push(Line::raw(""));
        let (yes, partly, not, not_run) = ledger::tally(&d.ledger);
        lines.push(Line::from(Span::styled(
            format!(
                "Code: {} link{} · ledger {yes} reproduced, {partly} partly, {not} not, {not_run} not run (c)",
                d.impls.len(),
                if d.impls.len() == 1 { "" } else { "s" }
            ),
            theme.heading(),
        )));
    }
    if !d.blips.is_empty() {
        lines.push(Line::from(Span::styled(
            format!("Radar: {}", d.blips.join(", ")),
            theme.dim(),
        )));
    }
    lines
}

/// The search screen.
pub fn search(frame: &mut Frame, area: Rect, app: &App, theme: Theme) {
    let s = &app.search;
    let [query_area, results_area] =
        Layout::vertical([Constraint::Length(3), Constraint::Min(1)]).areas(area);
    let query_title = match &s.related_to {
        Some(id) => format!(" Related to {id} (by meaning) "),
        None => format!(" Search · {} (Shift-Tab: mode) ", mode_label(s.mode)),
    };
    let typing = app.focus == Focus::List;
    let query = Paragraph::new(Line::from(vec![
        Span::raw(s.query.clone()),
        Span::raw(if typing { "█" } else { "" }),
    ]))
    .block(
        Block::default()
            .borders(Borders::ALL)
            .title(query_title)
            .border_style(theme.border(typing)),
    );
    frame.render_widget(query, query_area);
    let lagging = s.related_to.is_none() && s.answered != s.query && !s.query.trim().is_empty();
    let title = format!(
        " {} result{}{} ",
        s.hits.len(),
        if s.hits.len() == 1 { "" } else { "s" },
        if lagging { " · searching…" } else { "" }
    );
    let block = Block::default()
        .borders(Borders::ALL)
        .title(title)
        .border_style(theme.border(!typing));
    let inner = block.inner(results_area);
    frame.render_widget(block, results_area);
    if s.hits.is_empty() {
        let text = if s.query.trim().is_empty() && s.related_to.is_none() {
            "Type to search titles, abstracts and the papers' own text, by words and by meaning."
        } else {
            "No results."
        };
        frame.render_widget(Paragraph::new(Span::styled(text, theme.dim())), inner);
        return;
    }
    // Three lines a result: title, snippet, why.
    let per = 3;
    let visible = (inner.height as usize / per).max(1);
    let w = inner.width as usize;
    let mut lines = Vec::new();
    for i in window(s.cursor.selected, s.hits.len(), visible) {
        let h = &s.hits[i];
        let selected = i == s.cursor.selected && !typing;
        let tail = format!(
            "  {} {}",
            short_author(&h.first_author, 2),
            h.year.map(|y| y.to_string()).unwrap_or_default()
        );
        let title_w = w.saturating_sub(4 + 11 + tail.chars().count());
        let head = Line::from(vec![
            Span::raw(format!("{:>2}. ", i + 1)),
            Span::styled(format!("{:<10} ", h.hit.id), theme.id()),
            Span::styled(fit(&h.title, title_w), theme.heading()),
            Span::styled(tail, theme.dim()),
        ]);
        lines.push(theme.row(head, selected));
        lines.push(match &h.hit.passage {
            // Matched inside the paper: say where, show the passage.
            Some(p) => {
                let lead = format!("matched in §{}: ", p.section);
                let (excerpt, ranges) = p.excerpt(w.saturating_sub(8).max(20));
                let mut line = snippet_line(
                    &excerpt,
                    &ranges,
                    w.saturating_sub(4 + lead.chars().count()),
                    theme,
                );
                line.spans.insert(1, Span::styled(lead, theme.id()));
                line
            }
            None => snippet_line(
                &h.hit.snippet,
                &h.hit.highlights,
                w.saturating_sub(4),
                theme,
            ),
        });
        lines.push(Line::from(Span::styled(
            format!("    {}", why(&h.hit)),
            theme.dim(),
        )));
    }
    frame.render_widget(Paragraph::new(lines), inner);
}

/// The snippet with the matched words highlighted, cut to `width`.
fn snippet_line(
    snippet: &str,
    highlights: &[(usize, usize)],
    width: usize,
    theme: Theme,
) -> Line<'static> {
    let mut spans = vec![Span::raw("    ")];
    let mut at = 0;
    let mut used = 0;
    for &(start, end) in highlights {
        if start < at
            || end > snippet.len()
            || !snippet.is_char_boundary(start)
            || !snippet.is_char_boundary(end)
        {
            continue;
        }
        let plain = &snippet[at..start];
        used += plain.chars().count();
        spans.push(Span::raw(plain.to_string()));
        spans.push(Span::styled(
            snippet[start..end].to_string(),
            theme.highlight(),
        ));
        used += snippet[start..end].chars().count();
        at = end;
        if used > width {
            break;
        }
    }
    if at < snippet.len() && used < width {
        spans.push(Span::raw(fit(&snippet[at..], width - used)));
    }
    Line::from(spans)
}

/// "words: lora, rank (#2) · meaning #3 (0.61)".
fn why(hit: &crate::search::SearchHit) -> String {
    let mut parts = Vec::new();
    if let Some((rank, _)) = hit.lexical {
        let words = if hit.matched.is_empty() {
            String::new()
        } else {
            format!(" {}", hit.matched.join(", "))
        };
        parts.push(format!("words #{rank}{words}"));
    }
    if let Some((rank, cos)) = hit.semantic {
        parts.push(format!("meaning #{rank} ({cos:.2})"));
    }
    parts.join(" · ")
}
