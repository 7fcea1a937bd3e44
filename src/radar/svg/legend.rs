//! The legends: one box per quadrant in the page's corners, each listing
//! its blips ring by ring. A Thoughtworks volume has about 110 blips, 30 or
//! more in a quadrant; the legend picks the largest type size at which they
//! fit in one to four columns and shortens names that would run into the
//! next column (the full name stays in the line's and the marker's
//! tooltip).

use super::metrics::{fit, text_width};
use crate::radar::Shape;
use crate::radar::layout::Placed;

/// A quadrant's legend area on the page.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Area {
    /// Left edge.
    pub x: f64,
    /// Top edge.
    pub y: f64,
    /// Width.
    pub width: f64,
    /// Height.
    pub height: f64,
}

/// One line of text in a legend.
#[derive(Debug, Clone, PartialEq)]
pub struct Line {
    /// Left end of the baseline.
    pub x: f64,
    /// Baseline.
    pub y: f64,
    /// Type size.
    pub size: f64,
    /// Bold.
    pub bold: bool,
    /// Ring colour for ring headings.
    pub ring: Option<usize>,
    /// What it says.
    pub text: String,
    /// The whole name, when `text` had to shorten it.
    pub full: Option<String>,
}

const HEADING: f64 = 18.0;
/// Space under the quadrant's heading before the first line.
const HEADING_ROOM: f64 = 30.0;
/// Blip lines sit this far right of their ring's heading.
const INDENT: f64 = 6.0;
/// Clear space at the right of every column.
const GUTTER: f64 = 8.0;
const SIZES: [f64; 7] = [13.0, 12.0, 11.0, 10.0, 9.0, 8.0, 7.0];
const MOST_COLUMNS: usize = 4;
/// Names are measured as if 10% larger: where Helvetica and Arial are
/// missing, viewers fall back to wider faces (DejaVu Sans is about 10%
/// wider), and a name must not run into the next column there either.
const FALLBACK_FACE: f64 = 1.1;

enum Item<'a> {
    Ring(usize, &'a str),
    Blip(&'a Placed),
}

/// Columns needed for `items` at `per_column` lines each, never leaving a
/// ring's heading alone at the foot of a column.
fn columns_needed(items: &[Item<'_>], per_column: usize) -> usize {
    place_rows(items, per_column)
        .last()
        .map_or(1, |(col, _)| col + 1)
}

fn place_rows(items: &[Item<'_>], per_column: usize) -> Vec<(usize, usize)> {
    let per_column = per_column.max(2);
    let (mut col, mut row) = (0, 0);
    let mut out = Vec::with_capacity(items.len());
    for item in items {
        let orphan = matches!(item, Item::Ring(..)) && row + 1 >= per_column;
        if row >= per_column || (orphan && row > 0) {
            col += 1;
            row = 0;
        }
        out.push((col, row));
        row += 1;
    }
    out
}

/// The lines of quadrant `q`'s legend inside `area`.
pub fn lay_out(shape: &Shape, placed: &[Placed], q: usize, area: Area) -> Vec<Line> {
    let mut items = Vec::new();
    for (r, ring) in shape.rings.iter().enumerate() {
        let here: Vec<&Placed> = placed
            .iter()
            .filter(|p| p.quadrant == q && p.ring == r)
            .collect();
        if here.is_empty() {
            continue;
        }
        items.push(Item::Ring(r, ring.as_str()));
        items.extend(here.into_iter().map(Item::Blip));
    }
    let name = shape.quadrants.get(q).map(String::as_str).unwrap_or("");
    let heading = fit(name, HEADING * FALLBACK_FACE, true, area.width);
    let mut lines = vec![Line {
        x: area.x,
        y: area.y + HEADING,
        size: HEADING,
        bold: true,
        ring: None,
        full: (heading != name).then(|| name.to_string()),
        text: heading,
    }];
    // The largest size at which every line fits in at most four columns
    // that are wide enough for a number and a short name.
    let per_column_at = |size: f64| {
        let line = size * 1.35;
        (((area.height - HEADING_ROOM - 1.25 * size) / line).floor() as usize + 1).max(2)
    };
    let size = SIZES
        .iter()
        .copied()
        .find(|s| {
            let cols = columns_needed(&items, per_column_at(*s));
            cols <= MOST_COLUMNS && area.width / cols as f64 >= s * 9.0
        })
        .unwrap_or(SIZES[SIZES.len() - 1]);
    let per_column = per_column_at(size);
    let columns = columns_needed(&items, per_column);
    let column_width = area.width / columns as f64;
    for (item, (col, row)) in items.iter().zip(place_rows(&items, per_column)) {
        let x = area.x + col as f64 * column_width;
        let y = area.y + HEADING_ROOM + size + row as f64 * size * 1.35;
        let room = column_width - GUTTER;
        match item {
            Item::Ring(r, ring) => {
                let upper = ring.to_uppercase();
                let text = fit(&upper, size * FALLBACK_FACE, true, room);
                lines.push(Line {
                    x,
                    y,
                    size,
                    bold: true,
                    ring: Some(*r),
                    full: (text != upper).then_some(upper),
                    text,
                });
            }
            Item::Blip(b) => {
                let number = format!("{}. ", b.number);
                let mark = match b.movement.symbol() {
                    "" => String::new(),
                    m => format!(" {m}"),
                };
                let face = size * FALLBACK_FACE;
                let room = room
                    - INDENT
                    - text_width(&number, face, false)
                    - text_width(&mark, face, false);
                let name = fit(&b.name, face, false, room.max(0.0));
                lines.push(Line {
                    x: x + INDENT,
                    y,
                    size,
                    bold: false,
                    ring: None,
                    full: (name != b.name).then(|| b.name.clone()),
                    text: format!("{number}{name}{mark}"),
                });
            }
        }
    }
    lines
}
