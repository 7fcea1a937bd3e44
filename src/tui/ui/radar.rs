//! The radar drawn in the terminal: four quadrants, the rings, numbered
//! blips coloured by ring with new / moved markers (the same layout as the
//! SVG picture), a legend, and the selected blip's story or the diff.

use super::{Theme, fit, window};
use crate::radar::Movement;
use crate::radar::layout::ring_radii;
use crate::tui::app::App;
use crate::tui::state::RadarData;
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Color;
use ratatui::symbols::Marker;
use ratatui::text::{Line, Span};
use ratatui::widgets::canvas::{Canvas, Circle, Line as CanvasLine};
use ratatui::widgets::{Block, Borders, Paragraph, Wrap};

/// The radar screen.
pub fn radar(frame: &mut Frame, area: Rect, app: &App, theme: Theme) {
    let Some(data) = &app.radar.data else {
        frame.render_widget(
            Paragraph::new(
                "No radar yet: `litradar radar import radar/seed.toml`, or run `litradar demo`.",
            )
            .wrap(Wrap { trim: true })
            .block(Block::default().borders(Borders::ALL).title(" Radar ")),
            area,
        );
        return;
    };
    // A terminal cell is about twice as tall as wide: a round radar needs
    // twice as many columns as rows.
    let side = (area.height as u32 * 2).min(area.width as u32 * 3 / 5) as u16;
    let [picture, side_area] =
        Layout::horizontal([Constraint::Length(side.max(20)), Constraint::Min(20)]).areas(area);
    draw_picture(frame, picture, app, data, theme);
    let [legend, story] =
        Layout::vertical([Constraint::Percentage(50), Constraint::Percentage(50)]).areas(side_area);
    draw_legend(frame, legend, app, data, theme);
    if app.radar.show_diff {
        draw_diff(frame, story, data, theme);
    } else {
        draw_story(frame, story, app, data, theme);
    }
}

fn ring_color(theme: Theme, ring: usize) -> Color {
    theme.ring(ring).fg.unwrap_or(Color::Reset)
}

fn draw_picture(frame: &mut Frame, area: Rect, app: &App, data: &RadarData, theme: Theme) {
    let v = &data.view;
    let radii = ring_radii(v.shape.rings.len());
    let selected = app.radar.cursor.selected;
    let title = format!(
        " {} {}{} ",
        v.edition,
        if v.frozen { "(frozen)" } else { "(draft)" },
        v.previous
            .as_ref()
            .map(|p| format!(" vs {p}"))
            .unwrap_or_default()
    );
    let canvas = Canvas::default()
        .block(
            Block::default()
                .borders(Borders::ALL)
                .title(title)
                .border_style(theme.border(true)),
        )
        .marker(if app.color {
            Marker::Braille
        } else {
            Marker::Dot
        })
        .x_bounds([-1.05, 1.05])
        .y_bounds([-1.05, 1.05])
        .paint(|ctx| {
            for (i, r) in radii.iter().enumerate() {
                ctx.draw(&Circle {
                    x: 0.0,
                    y: 0.0,
                    radius: *r,
                    color: ring_color(theme, i),
                });
            }
            let axis = theme.dim().fg.unwrap_or(Color::Reset);
            ctx.draw(&CanvasLine {
                x1: -1.0,
                y1: 0.0,
                x2: 1.0,
                y2: 0.0,
                color: axis,
            });
            ctx.draw(&CanvasLine {
                x1: 0.0,
                y1: -1.0,
                x2: 0.0,
                y2: 1.0,
                color: axis,
            });
            ctx.layer();
            // Quadrant names in the corners of their own quadrants.
            for (q, name) in v.shape.quadrants.iter().enumerate() {
                let (x, y) = label_corner(q);
                ctx.print(x, y, Span::styled(fit(name, 12), theme.dim()));
            }
            for p in &v.placed {
                let mark = match p.movement {
                    Movement::New => "★",
                    Movement::MovedIn => "▲",
                    Movement::MovedOut => "▼",
                    _ => "",
                };
                let label = format!("{}{mark}", p.number);
                let style = if p.number == selected + 1 {
                    theme.selected()
                } else {
                    theme.ring(p.ring)
                };
                ctx.print(p.x, p.y, Span::styled(label, style));
            }
        });
    frame.render_widget(canvas, area);
}

fn draw_legend(frame: &mut Frame, area: Rect, app: &App, data: &RadarData, theme: Theme) {
    let v = &data.view;
    let block = Block::default()
        .borders(Borders::ALL)
        .title(format!(
            " {} blips · ★ new ▲ in ▼ out · [ ] edition · d diff ",
            v.blips.len()
        ))
        .border_style(theme.dim());
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let w = inner.width as usize;
    let lines: Vec<Line> = window(
        app.radar.cursor.selected,
        v.blips.len(),
        inner.height as usize,
    )
    .map(|i| {
        let b = &v.blips[i];
        let ring = v.shape.ring(&b.ring).unwrap_or(0);
        let mark = match data.movement(&b.name) {
            Movement::New if v.previous.is_some() => " ★",
            Movement::MovedIn => " ▲",
            Movement::MovedOut => " ▼",
            _ => "",
        };
        let stale = if b.stale_editions.is_some() {
            " (stale)"
        } else {
            ""
        };
        let line = Line::from(vec![
            Span::styled(format!("{:>2} ", b.number), theme.ring(ring)),
            Span::raw(fit(
                &format!("{}{mark}{stale}", b.name),
                w.saturating_sub(26),
            )),
            Span::styled(
                format!("  {} · {}", fit(&b.ring, 8), fit(&b.quadrant, 12)),
                theme.dim(),
            ),
        ]);
        theme.row(line, i == app.radar.cursor.selected)
    })
    .collect();
    frame.render_widget(Paragraph::new(lines), inner);
}

fn draw_story(frame: &mut Frame, area: Rect, app: &App, data: &RadarData, theme: Theme) {
    let i = app.radar.cursor.selected;
    let (Some(b), Some(story)) = (data.view.blips.get(i), data.stories.get(i)) else {
        return;
    };
    let mut lines = vec![
        Line::from(vec![
            Span::styled(b.name.clone(), theme.heading()),
            Span::styled(format!("  {} · {}", b.ring, b.quadrant), theme.dim()),
        ]),
        Line::raw(b.description.clone()),
    ];
    if let Some(r) = &b.rationale {
        lines.push(Line::from(vec![
            Span::styled("why: ", theme.heading()),
            Span::raw(r.clone()),
        ]));
    }
    if let Some(n) = b.stale_editions {
        lines.push(Line::from(Span::styled(
            format!("not reassessed for {n} editions"),
            theme.bad(),
        )));
    }
    lines.push(Line::from(Span::styled("History", theme.heading())));
    for h in &story.history {
        let mut text = format!("  {} {}", h.edition, h.entry.ring);
        if h.movement != Movement::Unchanged {
            text.push_str(&format!(" ({})", h.movement.label()));
        }
        if let Some(r) = &h.entry.rationale {
            text.push_str(&format!(": {r}"));
        }
        lines.push(Line::raw(text));
    }
    if !story.evidence.is_empty() {
        lines.push(Line::from(Span::styled(
            "Papers (Enter opens the first)",
            theme.heading(),
        )));
        for e in &story.evidence {
            lines.push(Line::from(vec![
                Span::styled(format!("  {} ", e.paper_id), theme.id()),
                Span::raw(e.title.clone()),
                Span::styled(format!("  {}", e.reading.join(", ")), theme.dim()),
            ]));
        }
    }
    frame.render_widget(
        Paragraph::new(lines).wrap(Wrap { trim: false }).block(
            Block::default()
                .borders(Borders::ALL)
                .title(" Blip ")
                .border_style(theme.dim()),
        ),
        area,
    );
}

fn draw_diff(frame: &mut Frame, area: Rect, data: &RadarData, theme: Theme) {
    let v = &data.view;
    let mut lines = Vec::new();
    let changes: Vec<_> = data
        .diff
        .iter()
        .filter(|c| c.movement != Movement::Unchanged)
        .collect();
    if changes.is_empty() {
        lines.push(Line::from(Span::styled("Nothing moved.", theme.dim())));
    }
    for c in changes {
        let text = match (c.movement, &c.from_ring, &c.to_ring) {
            (Movement::New, _, Some(to)) => format!("+ {} new in {to}", c.blip),
            (Movement::Gone, Some(from), _) => format!("- {} gone from {from}", c.blip),
            (m, Some(from), Some(to)) => format!("~ {} {} {from} → {to}", c.blip, m.label()),
            (m, _, _) => format!("~ {} {}", c.blip, m.label()),
        };
        lines.push(Line::raw(text));
        if let Some(r) = &c.rationale {
            lines.push(Line::from(Span::styled(format!("    {r}"), theme.dim())));
        }
    }
    let title = match &v.previous {
        Some(p) => format!(" Diff {p} → {} ", v.edition),
        None => format!(" {}: the first edition ", v.edition),
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

/// Where quadrant `q`'s name goes on the canvas: the outer corner of the
/// quarter the layout puts its blips in (taken from the layout's angles, so
/// the two cannot disagree). Text runs rightwards, so a right-hand label
/// starts left of the edge.
pub fn label_corner(q: usize) -> (f64, f64) {
    let (a0, a1) = crate::radar::layout::quadrant_angles(q);
    let middle = (a0 + a1) / 2.0;
    let x = if middle.cos() > 0.0 { 0.55 } else { -1.0 };
    let y = if middle.sin() > 0.0 { 1.0 } else { -1.0 };
    (x, y)
}

#[cfg(test)]
mod tests {
    use super::label_corner;
    use crate::radar::Shape;
    use crate::radar::layout::{BlipIn, place};

    #[test]
    fn every_quadrant_label_sits_where_its_blips_are() {
        let shape = Shape::seed();
        let blips: Vec<BlipIn> = (0..40)
            .map(|i| BlipIn {
                name: format!("blip {i}"),
                quadrant: i % 4,
                ring: i % 4,
                movement: crate::radar::Movement::Unchanged,
            })
            .collect();
        let placed = place(&shape, &blips);
        for q in 0..4 {
            let (lx, ly) = label_corner(q);
            let mine: Vec<_> = placed.iter().filter(|p| p.quadrant == q).collect();
            assert_eq!(mine.len(), 10);
            for p in mine {
                assert_eq!(
                    (p.x > 0.0, p.y > 0.0),
                    (lx > 0.0, ly > 0.0),
                    "quadrant {q} ({}): label at ({lx}, {ly}), blip {} at ({:.2}, {:.2})",
                    shape.quadrants[q],
                    p.name,
                    p.x,
                    p.y
                );
            }
        }
    }
}
