//! The technology radar: four quadrants, ordered rings (innermost = most
//! mature), monthly editions in which every blip has a quadrant, a ring, a
//! description and, when it moved, the reason why; papers as evidence.
//!
//! This module holds the plain data and the pure logic (movement,
//! staleness, trends, the 70/20/10 budget, layout); [`store`] keeps radars
//! in SQLite, [`formats`] reads and writes TOML, BYOR CSV/JSON and
//! Markdown, [`svg`] draws the picture.

pub mod budget;
pub mod formats;
pub mod layout;
pub mod month;
pub mod review;
pub mod store;
pub mod svg;
pub mod trends;
pub mod view;

use serde::{Deserialize, Serialize};
use std::fmt;

/// The seed radar (`radar/seed.toml`), built in for `litradar demo`.
pub const SEED_TOML: &str = include_str!("../../radar/seed.toml");

/// The seed radar, parsed.
pub fn seed() -> formats::RadarFile {
    formats::read(SEED_TOML, formats::Format::Toml).unwrap_or_default()
}

/// Quadrant and ring names, as the user chose them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Shape {
    /// The four quadrants, in drawing order (top-left, top-right, bottom-left, bottom-right).
    pub quadrants: Vec<String>,
    /// Rings from the centre (most mature) outwards.
    pub rings: Vec<String>,
}

/// Why quadrant and ring names do not make a radar.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ShapeError {
    /// Not four quadrants.
    #[error("a radar has four quadrants, not {0}")]
    Quadrants(usize),
    /// No rings, or more than eight.
    #[error("a radar has one to eight rings, not {0}")]
    Rings(usize),
    /// A blank name.
    #[error("quadrant and ring names cannot be empty")]
    EmptyName,
    /// The same name twice (case-insensitive).
    #[error("'{0}' is named twice")]
    Twice(String),
}

impl Shape {
    /// The seed's shape.
    pub fn seed() -> Shape {
        Shape {
            quadrants: [
                "foundation architectures",
                "training methods",
                "inference optimization",
                "application frameworks",
            ]
            .map(String::from)
            .to_vec(),
            rings: ["mature", "emerging", "edge"].map(String::from).to_vec(),
        }
    }

    /// Checks the shape: four distinct quadrants, one to eight distinct rings.
    pub fn validate(&self) -> Result<(), ShapeError> {
        if self.quadrants.len() != 4 {
            return Err(ShapeError::Quadrants(self.quadrants.len()));
        }
        if self.rings.is_empty() || self.rings.len() > 8 {
            return Err(ShapeError::Rings(self.rings.len()));
        }
        for list in [&self.quadrants, &self.rings] {
            for (i, a) in list.iter().enumerate() {
                if a.trim().is_empty() {
                    return Err(ShapeError::EmptyName);
                }
                if list[..i].iter().any(|b| b.eq_ignore_ascii_case(a)) {
                    return Err(ShapeError::Twice(a.clone()));
                }
            }
        }
        Ok(())
    }

    /// Index of a quadrant by name (case-insensitive).
    pub fn quadrant(&self, name: &str) -> Option<usize> {
        self.quadrants
            .iter()
            .position(|q| q.eq_ignore_ascii_case(name.trim()))
    }

    /// Index of a ring by name (case-insensitive); 0 is the centre.
    pub fn ring(&self, name: &str) -> Option<usize> {
        self.rings
            .iter()
            .position(|r| r.eq_ignore_ascii_case(name.trim()))
    }
}

/// One blip in one edition.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Entry {
    /// The blip's name ("LoRA").
    pub name: String,
    /// Quadrant name.
    pub quadrant: String,
    /// Ring name.
    pub ring: String,
    /// What it is, in a line or two.
    pub description: String,
    /// Why it is where it is in this edition (required when it moved).
    pub rationale: Option<String>,
    /// Phased out: kept in history, hidden from this edition.
    pub phased_out: bool,
}

/// One monthly edition.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Edition {
    /// `YYYY-MM`.
    pub name: String,
    /// Frozen (published): read-only.
    pub frozen: bool,
    /// Its blips, phased-out ones included.
    pub entries: Vec<Entry>,
}

impl Edition {
    /// The entry of a blip (case-insensitive name).
    pub fn entry(&self, blip: &str) -> Option<&Entry> {
        self.entries
            .iter()
            .find(|e| e.name.eq_ignore_ascii_case(blip))
    }

    /// Entries shown in this edition.
    pub fn visible(&self) -> impl Iterator<Item = &Entry> {
        self.entries.iter().filter(|e| !e.phased_out)
    }
}

pub use month::Month;

/// Checks an edition name: `YYYY-MM`.
pub fn check_edition_name(name: &str) -> Result<String, month::BadMonth> {
    name.parse::<Month>().map(|m| m.to_string())
}

/// The month after `YYYY-MM`.
pub fn next_month(name: &str) -> Option<String> {
    name.parse::<Month>().ok().map(|m| m.next().to_string())
}

/// The `n` months ending with `last` (`YYYY-MM`), oldest first; `last`
/// alone when it is not a month.
pub fn month_window(last: &str, n: usize) -> Vec<String> {
    match last.parse::<Month>() {
        Ok(m) => m.window(n).iter().map(ToString::to_string).collect(),
        Err(_) => vec![last.to_string()],
    }
}

/// How a blip changed between two editions.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Movement {
    /// Not on the previous edition.
    New,
    /// One or more rings toward the centre.
    MovedIn,
    /// One or more rings outwards.
    MovedOut,
    /// Same ring.
    Unchanged,
    /// On the previous edition, not on this one (or phased out).
    Gone,
}

impl Movement {
    /// "new", "moved in", ...
    pub fn label(self) -> &'static str {
        match self {
            Movement::New => "new",
            Movement::MovedIn => "moved in",
            Movement::MovedOut => "moved out",
            Movement::Unchanged => "unchanged",
            Movement::Gone => "gone",
        }
    }

    /// The marker pictures use: ★ new, ▲ in, ▼ out.
    pub fn symbol(self) -> &'static str {
        match self {
            Movement::New => "★",
            Movement::MovedIn => "▲",
            Movement::MovedOut => "▼",
            _ => "",
        }
    }
}

impl fmt::Display for Movement {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.label())
    }
}

/// One line of a comparison between editions.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Change {
    /// The blip.
    pub blip: String,
    /// What happened.
    pub movement: Movement,
    /// Ring in the earlier edition.
    pub from_ring: Option<String>,
    /// Ring in the later edition.
    pub to_ring: Option<String>,
    /// Quadrant in the earlier edition, when it changed.
    pub from_quadrant: Option<String>,
    /// Quadrant in the later edition.
    pub to_quadrant: Option<String>,
    /// The later edition's rationale.
    pub rationale: Option<String>,
}

/// Compares two editions (`before` may be absent: everything is new).
/// Blips are ordered as the later edition lists them, gone ones last.
pub fn compare(shape: &Shape, before: Option<&Edition>, after: &Edition) -> Vec<Change> {
    let mut changes = Vec::new();
    for e in after.visible() {
        let old = before
            .and_then(|b| b.entry(&e.name))
            .filter(|o| !o.phased_out);
        let movement = match old {
            None => Movement::New,
            Some(o) => match (shape.ring(&o.ring), shape.ring(&e.ring)) {
                (Some(a), Some(b)) if b < a => Movement::MovedIn,
                (Some(a), Some(b)) if b > a => Movement::MovedOut,
                _ => Movement::Unchanged,
            },
        };
        changes.push(Change {
            blip: e.name.clone(),
            movement,
            from_ring: old.map(|o| o.ring.clone()),
            to_ring: Some(e.ring.clone()),
            from_quadrant: old.map(|o| o.quadrant.clone()),
            to_quadrant: Some(e.quadrant.clone()),
            rationale: e.rationale.clone(),
        });
    }
    if let Some(b) = before {
        for o in b.visible() {
            if after.entry(&o.name).is_none_or(|e| e.phased_out) {
                changes.push(Change {
                    blip: o.name.clone(),
                    movement: Movement::Gone,
                    from_ring: Some(o.ring.clone()),
                    to_ring: None,
                    from_quadrant: Some(o.quadrant.clone()),
                    to_quadrant: None,
                    rationale: after.entry(&o.name).and_then(|e| e.rationale.clone()),
                });
            }
        }
    }
    changes
}

/// Blips nobody has reassessed for `limit` editions or more, with how many.
///
/// An edition reassesses a blip when its entry there carries a rationale,
/// when the blip first appears in it, or when a paper linked to the blip
/// was read (time logged) during that edition's month; `read_months` gives, per blip (lowercased name), the
/// months with such reading. Editions are oldest first.
pub fn stale(
    editions: &[Edition],
    read_months: &std::collections::HashMap<String, Vec<String>>,
    limit: usize,
) -> Vec<(String, usize)> {
    let Some(latest) = editions.last() else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for e in latest.visible() {
        let months = read_months.get(&e.name.to_lowercase());
        let mut quiet = 0;
        for (i, edition) in editions.iter().enumerate().rev() {
            let Some(entry) = edition.entry(&e.name) else {
                break;
            };
            let reasoned = entry
                .rationale
                .as_deref()
                .is_some_and(|r| !r.trim().is_empty());
            let read = months.is_some_and(|m| m.iter().any(|x| x == &edition.name));
            // Putting a blip on the radar is an assessment too.
            let added = i == 0 || editions[i - 1].entry(&e.name).is_none();
            if reasoned || read || added {
                break;
            }
            quiet += 1;
        }
        if quiet >= limit {
            out.push((e.name.clone(), quiet));
        }
    }
    out
}

#[cfg(test)]
mod tests;
