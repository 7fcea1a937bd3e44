//! From blocks to units in reading order: columns, the page furniture
//! (running heads, page numbers, the arXiv stamp) dropped, numbers split
//! from their headings joined back.

use super::*;

fn ligatures(text: &str) -> String {
    if !text.contains(['ﬁ', 'ﬂ', 'ﬀ', 'ﬃ', 'ﬄ', '\u{ad}', 'ﬅ', 'ﬆ']) {
        return text.to_string();
    }
    text.replace('ﬁ', "fi")
        .replace('ﬂ', "fl")
        .replace('ﬀ', "ff")
        .replace('ﬃ', "ffi")
        .replace('ﬄ', "ffl")
        .replace(['ﬅ', 'ﬆ'], "st")
        .replace('\u{ad}', "-")
}

pub(super) fn unit(block: &Block, layout: &Layout) -> Unit {
    let mut heights: Vec<f32> = block.lines.iter().map(|l| l.height()).collect();
    heights.sort_by(f32::total_cmp);
    let height = heights.get(heights.len() / 2).copied().unwrap_or(0.0);
    let first = block.lines.first();
    Unit {
        lines: block.lines.iter().map(|l| ligatures(&l.text())).collect(),
        page: block.page,
        height,
        top: first.map_or(0.0, |l| l.top()),
        left: first.map_or(0.0, |l| l.left()),
        right: first.map_or(0.0, |l| l.right()),
        page_height: layout.pages.get(block.page).map_or(792.0, |p| p.1),
        page_width: layout.pages.get(block.page).map_or(612.0, |p| p.0),
        x0: block
            .lines
            .iter()
            .map(|l| l.left())
            .fold(f32::MAX, f32::min),
        x1: block.lines.iter().map(|l| l.right()).fold(0.0, f32::max),
    }
}

/// Puts two-column pages in reading order: poppler's order is usually
/// right, but on pages with floats it can read the top of the right
/// column before the end of the left. Blocks as wide as the page (titles,
/// wide figures) split the page into bands; within a band the left column
/// is read top to bottom, then the right. Single-column pages keep
/// poppler's order.
pub(super) fn reading_order(units: Vec<Unit>) -> Vec<Unit> {
    let mut out = Vec::with_capacity(units.len());
    let mut page: Vec<Unit> = Vec::new();
    for u in units {
        if page.first().is_some_and(|p| p.page != u.page) {
            out.extend(order_page(std::mem::take(&mut page)));
        }
        page.push(u);
    }
    out.extend(order_page(page));
    out
}

fn order_page(units: Vec<Unit>) -> Vec<Unit> {
    let Some(first) = units.first() else {
        return units;
    };
    let (width, mid) = (first.page_width, first.page_width / 2.0);
    let spanning = |u: &Unit| u.x1 - u.x0 > width * 0.55;
    let left = |u: &Unit| (u.x0 + u.x1) / 2.0 < mid;
    let column_blocks = |is_left: bool| {
        units
            .iter()
            .filter(|u| !spanning(u) && left(u) == is_left && u.words() >= 8)
            .count()
    };
    // Not a two-column page: poppler's order stands.
    if column_blocks(true) < 2 || column_blocks(false) < 2 {
        return units;
    }
    let mut bands: Vec<f32> = units
        .iter()
        .filter(|u| spanning(u))
        .map(|u| u.top)
        .collect();
    bands.sort_by(f32::total_cmp);
    let band_of = |u: &Unit| bands.iter().filter(|b| **b <= u.top).count();
    let mut keyed: Vec<(usize, u8, f32, usize, Unit)> = units
        .into_iter()
        .enumerate()
        .map(|(i, u)| {
            let band = band_of(&u);
            // Within a band: the spanning block first (it opens the band),
            // then the left column, then the right.
            let column = if spanning(&u) {
                0
            } else if left(&u) {
                1
            } else {
                2
            };
            (band, column, u.top, i, u)
        })
        .collect();
    keyed.sort_by(|a, b| {
        (a.0, a.1)
            .cmp(&(b.0, b.1))
            .then(a.2.total_cmp(&b.2))
            .then(a.3.cmp(&b.3))
    });
    keyed.into_iter().map(|k| k.4).collect()
}

/// arXiv's vertical stamp: "arXiv:1706.03762v7 [cs.CL] 2 Aug 2023".
fn is_arxiv_stamp(text: &str) -> bool {
    let t = text.trim();
    t.starts_with("arXiv:")
        && t.contains('[')
        && t.contains(']')
        && t.split_whitespace().count() <= 8
}

/// "3", "3.1", "3.2.1.", "IV.", "A", "B.2": a heading's number alone.
pub(super) fn is_number_token(text: &str) -> bool {
    let t = text.trim().trim_end_matches('.');
    if t.is_empty() || t.len() > 8 {
        return false;
    }
    let arabic = t
        .split('.')
        .all(|p| !p.is_empty() && p.chars().all(|c| c.is_ascii_digit()));
    let roman = t.chars().all(|c| "IVXL".contains(c));
    let letter = {
        let mut parts = t.split('.');
        let first = parts.next().unwrap_or("");
        first.len() == 1
            && first.chars().all(|c| c.is_ascii_uppercase())
            && parts.all(|p| !p.is_empty() && p.chars().all(|c| c.is_ascii_digit()))
    };
    arabic || roman || letter
}

/// Joins a heading's number, set as its own block, to its title on the
/// same baseline (poppler splits them; in tables it may even put cells
/// between them).
pub(super) fn join_numbers(units: &mut Vec<Unit>, geometry: bool) {
    let mut i = 0;
    while i < units.len() {
        let u = &units[i];
        if u.lines.len() != 1 || !is_number_token(&u.lines[0]) {
            i += 1;
            continue;
        }
        let partner = if geometry {
            let (page, top, right, height) = (u.page, u.top, u.right, u.height.max(1.0));
            units
                .iter()
                .enumerate()
                .filter(|(j, v)| {
                    *j != i
                        && v.page == page
                        && (v.top - top).abs() < height * 0.6
                        && v.left > right
                        && v.left - right < 80.0
                })
                .min_by(|a, b| a.1.left.total_cmp(&b.1.left))
                .map(|(j, _)| j)
        } else {
            (i + 1 < units.len() && units[i + 1].words() <= 14 && units[i + 1].lines.len() <= 2)
                .then_some(i + 1)
        };
        if let Some(j) = partner {
            let title = units.remove(j);
            let at = if j < i { i - 1 } else { i };
            let number = units[at].lines[0].clone();
            let mut lines = title.lines;
            if let Some(first) = lines.first_mut() {
                *first = format!("{number} {first}");
            }
            units[at].lines = lines;
            units[at].height = units[at].height.max(title.height);
            i = at + 1;
        } else {
            i += 1;
        }
    }
}

/// Lines that repeat on many pages at the top or bottom (running heads,
/// footers with the venue) and bare page numbers.
pub(super) fn drop_furniture(units: &mut Vec<Unit>, pages: usize, geometry: bool) {
    let key = |t: &str| -> String {
        t.chars()
            .map(|c| {
                if c.is_ascii_digit() {
                    '#'
                } else {
                    c.to_ascii_lowercase()
                }
            })
            .collect()
    };
    let mut seen: HashMap<String, HashSet<usize>> = HashMap::new();
    for u in units.iter() {
        if u.lines.len() == 1 && u.words() <= 14 {
            seen.entry(key(&u.lines[0])).or_default().insert(u.page);
        }
    }
    let threshold = (pages / 3).max(3);
    units.retain(|u| {
        let text = u.text();
        if is_arxiv_stamp(&text) {
            return false;
        }
        let t = text.trim();
        let at_edge = !geometry || u.top < u.page_height * 0.1 || u.top > u.page_height * 0.88;
        if at_edge && t.len() <= 12 && !t.is_empty() {
            let bare = t
                .trim_start_matches("Page")
                .trim_start_matches("page")
                .trim()
                .split('/')
                .next()
                .unwrap_or("")
                .trim();
            if !bare.is_empty()
                && (bare.chars().all(|c| c.is_ascii_digit())
                    || (bare.chars().all(|c| "ivxlc".contains(c)) && bare.len() <= 5))
            {
                return false;
            }
        }
        if u.lines.len() == 1 && u.words() <= 14 {
            if let Some(p) = seen.get(&key(&u.lines[0])) {
                if p.len() >= threshold && at_edge {
                    return false;
                }
            }
        }
        true
    });
}
