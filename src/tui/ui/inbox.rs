//! The Inbox: the feed's ranking since the last look, and why the selected
//! paper is there.

use super::{Theme, fit, window};
use crate::tui::app::App;
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph, Wrap};

/// The Inbox screen.
pub fn inbox(frame: &mut Frame, area: Rect, app: &App, theme: Theme) {
    let [list_area, detail_area] = if area.width >= 110 {
        Layout::horizontal([Constraint::Percentage(55), Constraint::Percentage(45)]).areas(area)
    } else {
        Layout::vertical([Constraint::Percentage(50), Constraint::Percentage(50)]).areas(area)
    };
    let view = &app.inbox;
    let title = match &view.feed {
        Some(f) => {
            let scope = match f.since {
                Some(t) => format!("since {}", t.format("%Y-%m-%d %H:%M")),
                None => "every paper you have not read".to_string(),
            };
            let ranking = if f.positives == 0 {
                "newest first".to_string()
            } else {
                format!("ranked by {} of your papers", f.positives)
            };
            let busy = if view.ranking { " · ranking…" } else { "" };
            format!(" Inbox · {} {scope} · {ranking}{busy} ", f.items.len())
        }
        None => " Inbox ".to_string(),
    };
    let block = Block::default()
        .borders(Borders::ALL)
        .title(title)
        .border_style(theme.border(true));
    let inner = block.inner(list_area);
    frame.render_widget(block, list_area);
    let Some(feed) = &view.feed else {
        frame.render_widget(Paragraph::new("Ranking the feed…"), inner);
        return;
    };
    if feed.items.is_empty() {
        frame.render_widget(
            Paragraph::new(
                "Nothing new since your last look. Press 5 to fetch or sync watches; \
                 new papers are ranked here for you.",
            )
            .wrap(Wrap { trim: true }),
            inner,
        );
    } else {
        let w = inner.width as usize;
        let title_w = w.saturating_sub(3 + 1 + 10 + 1 + 6 + 1);
        let rows = window(
            view.cursor.selected,
            feed.items.len(),
            inner.height as usize,
        );
        let lines: Vec<Line> = rows
            .map(|i| {
                let item = &feed.items[i];
                let score = item.score.map_or(String::new(), |s| format!("{s:+.2}"));
                let line = Line::from(vec![
                    Span::styled(format!("{:>3} ", i + 1), theme.dim()),
                    Span::styled(format!("{:<10}", fit(&item.id, 10)), theme.id()),
                    Span::raw(" "),
                    Span::styled(format!("{score:>6}"), theme.dim()),
                    Span::raw(" "),
                    Span::raw(fit(&item.title, title_w)),
                ]);
                theme.row(line, i == view.cursor.selected)
            })
            .collect();
        frame.render_widget(Paragraph::new(lines), inner);
    }
    let block = Block::default()
        .borders(Borders::ALL)
        .title(" Why · + like  - dislike  Q queue  x dismiss  Enter open ")
        .border_style(theme.border(false));
    let inner = block.inner(detail_area);
    frame.render_widget(block, detail_area);
    let Some(item) = view.selected() else {
        return;
    };
    let mut lines = vec![Line::styled(item.title.clone(), theme.heading())];
    if item.similar.is_empty() && item.words.is_empty() {
        lines.push(Line::styled(
            "Newest first: tag, queue, read or like papers and the Inbox learns what you read.",
            theme.dim(),
        ));
    }
    if !item.similar.is_empty() {
        lines.push(Line::from(vec![
            Span::styled("Like your ", theme.dim()),
            Span::styled(item.similar.join(", "), theme.id()),
        ]));
    }
    if !item.words.is_empty() {
        lines.push(Line::from(vec![
            Span::styled("Words: ", theme.dim()),
            Span::styled(item.words.join(", "), theme.highlight()),
        ]));
    }
    lines.push(Line::raw(""));
    lines.push(Line::raw(crate::paper::fold_whitespace(
        &item.abstract_text,
    )));
    frame.render_widget(Paragraph::new(lines).wrap(Wrap { trim: false }), inner);
}
