//! Radar files: litradar's own TOML (the seed's format), the Thoughtworks
//! build-your-own-radar sheets (CSV) and JSON, Zalando's `config.json`,
//! Backstage's tech-radar JSON, AOE's release folders, and a Markdown
//! report.
//!
//! A file holds one edition ([`RadarFile`]) or, where the format keeps
//! history (Backstage timelines, AOE releases), several: [`read_path`]
//! answers every edition in a file, oldest first, with warnings about what
//! it had to guess or leave out.

mod aoe;
mod backstage;
mod byor;
mod dates;
mod history;
mod zalando;

pub use aoe::write as write_aoe;
pub use byor::{write_csv, write_json};
pub use zalando::{ZALANDO_QUADRANTS, ZALANDO_RINGS, file_order as zalando_quadrant_order};

/// Why a radar file could not be read or written: one line, naming the
/// line, entry or file at fault where it can.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct FormatError(pub String);

impl std::ops::Deref for FormatError {
    type Target = str;
    fn deref(&self) -> &str {
        &self.0
    }
}

/// Writes an edition as Zalando's `config.json` (see [`zalando`]).
pub fn write_zalando(
    edition: &str,
    shape: &Shape,
    blips: &[FileBlip],
) -> Result<String, FormatError> {
    zalando::write(edition, shape, blips).map_err(FormatError)
}

/// Writes editions as one Backstage radar (see [`backstage`]).
pub fn write_backstage(
    title: &str,
    shape: &Shape,
    editions: &[RadarFile],
) -> Result<String, FormatError> {
    backstage::write(title, shape, editions).map_err(FormatError)
}

use super::{Movement, Shape};
use serde::{Deserialize, Serialize};
use std::path::Path;

/// A blip as files carry it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct FileBlip {
    /// Name.
    pub name: String,
    /// Quadrant name.
    pub quadrant: String,
    /// Ring name.
    pub ring: String,
    /// Description.
    #[serde(default)]
    pub description: String,
    /// BYOR's "new" flag (derived from movement on export).
    #[serde(
        default,
        rename = "isNew",
        deserialize_with = "bool_or_text",
        skip_serializing_if = "Option::is_none"
    )]
    pub is_new: Option<bool>,
    /// Why it is where it is.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rationale: Option<String>,
    /// Other names papers use for it.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub aliases: Vec<String>,
    /// Evidence: paper ids.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub papers: Vec<String>,
    /// Where to read more (Zalando's `link`, Backstage's `url`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub link: Option<String>,
    /// Kept in history but off this edition (Zalando's `active: false`,
    /// AOE's `featured: false`).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub phased_out: bool,
    /// Movement since the previous edition, as the file states it
    /// (BYOR's `status`, Zalando's `moved`) or as litradar computed it on
    /// export. On import the library computes its own from the rings.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub movement: Option<Movement>,
}

fn bool_or_text<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<bool>, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Flag {
        Bool(bool),
        Text(String),
    }
    Ok(match Option::<Flag>::deserialize(d)? {
        None => None,
        Some(Flag::Bool(b)) => Some(b),
        Some(Flag::Text(t)) => Some(t.trim().eq_ignore_ascii_case("true")),
    })
}

/// What a radar file holds: one edition.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RadarFile {
    /// The edition (`YYYY-MM`), when the file says.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub edition: Option<String>,
    /// Quadrants, when the file says.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub quadrants: Vec<String>,
    /// Rings, centre first, when the file says.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub rings: Vec<String>,
    /// The blips.
    #[serde(default)]
    pub blips: Vec<FileBlip>,
}

impl RadarFile {
    /// The shape the file declares, if it declares one.
    pub fn shape(&self) -> Option<Shape> {
        (!self.quadrants.is_empty() && !self.rings.is_empty()).then(|| Shape {
            quadrants: self.quadrants.clone(),
            rings: self.rings.clone(),
        })
    }
}

/// Every edition a file (or folder) holds, oldest first.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Parsed {
    /// The editions.
    pub editions: Vec<RadarFile>,
    /// What was guessed, merged or left out, one line each.
    pub warnings: Vec<String>,
}

impl Parsed {
    fn one(file: RadarFile) -> Parsed {
        Parsed {
            editions: vec![file],
            warnings: Vec::new(),
        }
    }
}

/// A radar file's format.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// litradar TOML.
    Toml,
    /// BYOR CSV (a spreadsheet's export).
    Csv,
    /// BYOR JSON (array), or litradar's object form.
    Json,
    /// Zalando's `config.json`: `{date, entries: [{quadrant, ring, label, ...}]}`.
    Zalando,
    /// Backstage tech-radar JSON: `{quadrants, rings, entries: [{timeline, ...}]}`.
    Backstage,
    /// AOE technology radar release folders: `radar/YYYY-MM-DD/*.md`.
    Aoe,
}

impl Format {
    /// From the file name, then the content.
    pub fn detect(path: &Path, text: &str) -> Format {
        match path
            .extension()
            .and_then(|e| e.to_str())
            .map(str::to_lowercase)
            .as_deref()
        {
            Some("toml") => return Format::Toml,
            Some("csv") => return Format::Csv,
            Some("json") => return detect_json(text),
            _ => {}
        }
        let t = text.trim_start_matches('\u{feff}').trim_start();
        if t.starts_with('[') || t.starts_with('{') {
            detect_json(text)
        } else if first_line_names_columns(t) {
            Format::Csv
        } else {
            Format::Toml
        }
    }
}

/// A CSV header: its first line names a `name` column (quoted or not).
fn first_line_names_columns(text: &str) -> bool {
    let line = text.lines().next().unwrap_or("").to_lowercase();
    line.contains(',')
        && line
            .split(',')
            .any(|c| c.trim().trim_matches('"').trim() == "name")
}

/// Which JSON dialect: Zalando entries carry numeric quadrants and a
/// `label`; Backstage entries a `timeline`; everything else is BYOR's array
/// or litradar's own object.
fn detect_json(text: &str) -> Format {
    let Ok(value) = serde_json::from_str::<serde_json::Value>(text.trim_start_matches('\u{feff}'))
    else {
        return Format::Json;
    };
    let Some(entries) = value.get("entries").and_then(|e| e.as_array()) else {
        return Format::Json;
    };
    if entries.iter().any(|e| e.get("timeline").is_some()) || value.get("rings").is_some() {
        Format::Backstage
    } else if entries
        .iter()
        .any(|e| e.get("label").is_some() || e.get("quadrant").is_some_and(|q| q.is_number()))
    {
        Format::Zalando
    } else {
        Format::Json
    }
}

/// What a reader may be told that the file does not say.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Options {
    /// Quadrant names in the file's own order (Zalando's files number
    /// their quadrants; the names live in the page that draws them).
    pub quadrants: Option<Vec<String>>,
    /// Ring names, centre first (Zalando numbers its rings too).
    pub rings: Option<Vec<String>>,
}

/// Reads a file in the given format; errors name the line where they can.
/// For formats with history this is the newest edition; see [`read_path`].
pub fn read(text: &str, format: Format) -> Result<RadarFile, FormatError> {
    let mut parsed = read_text(text, format, &Options::default())?;
    Ok(parsed.editions.pop().unwrap_or_default())
}

/// Reads text in the given format: every edition it holds.
pub fn read_text(text: &str, format: Format, options: &Options) -> Result<Parsed, FormatError> {
    parse_text(text, format, options).map_err(FormatError)
}

fn parse_text(text: &str, format: Format, options: &Options) -> Result<Parsed, String> {
    let text = text.trim_start_matches('\u{feff}');
    let parsed = match format {
        Format::Toml => Parsed::one(
            toml::from_str::<RadarFile>(text)
                .map_err(|e| crate::paper::fold_whitespace(&e.to_string()))?,
        ),
        Format::Json => Parsed::one(byor::read_json(text)?),
        Format::Csv => byor::read_csv(text)?,
        Format::Zalando => Parsed::one(zalando::read(text, options)?),
        Format::Backstage => backstage::read(text)?,
        Format::Aoe => {
            return Err("AOE radars are folders of release folders; give the folder".into());
        }
    };
    for file in &parsed.editions {
        check_required(file)?;
    }
    Ok(parsed)
}

/// Reads a radar from a file or, for AOE radars, a folder (the `radar`
/// folder of release folders, or the project folder that holds it).
pub fn read_path(
    path: &Path,
    format: Option<Format>,
    options: &Options,
) -> Result<Parsed, FormatError> {
    parse_path(path, format, options).map_err(FormatError)
}

fn parse_path(path: &Path, format: Option<Format>, options: &Options) -> Result<Parsed, String> {
    if path.is_dir() || format == Some(Format::Aoe) {
        let parsed = aoe::read_dir(path)?;
        for file in &parsed.editions {
            check_required(file)?;
        }
        return Ok(parsed);
    }
    let text = std::fs::read_to_string(path).map_err(|e| format!("cannot read it: {e}"))?;
    let format = format.unwrap_or_else(|| Format::detect(path, &text));
    parse_text(&text, format, options)
}

fn check_required(file: &RadarFile) -> Result<(), String> {
    for (i, b) in file.blips.iter().enumerate() {
        if b.name.trim().is_empty() || b.quadrant.trim().is_empty() || b.ring.trim().is_empty() {
            return Err(format!(
                "blip {}{}: name, quadrant and ring are required",
                i + 1,
                file.edition
                    .as_deref()
                    .map(|e| format!(" of {e}"))
                    .unwrap_or_default()
            ));
        }
    }
    Ok(())
}

/// litradar TOML (the format of radar/seed.toml).
pub fn write_toml(file: &RadarFile) -> String {
    toml::to_string_pretty(file).unwrap_or_default()
}

/// A Markdown report of an edition: quadrant by quadrant, ring by ring.
pub fn markdown(edition: &str, shape: &Shape, blips: &[FileBlip]) -> String {
    let mut out = format!("# Technology radar {edition}\n");
    for q in &shape.quadrants {
        out.push_str(&format!("\n## {q}\n"));
        for r in &shape.rings {
            let here: Vec<&FileBlip> = blips
                .iter()
                .filter(|b| b.quadrant.eq_ignore_ascii_case(q) && b.ring.eq_ignore_ascii_case(r))
                .collect();
            if here.is_empty() {
                continue;
            }
            out.push_str(&format!("\n### {r}\n\n"));
            for b in here {
                let mark = b.movement.map(|m| m.symbol()).filter(|s| !s.is_empty());
                let moved = b
                    .movement
                    .map(|m| format!(" ({})", m.label()))
                    .unwrap_or_default();
                out.push_str(&format!(
                    "- **{}**{}{moved}: {}\n",
                    b.name,
                    mark.map(|m| format!(" {m}")).unwrap_or_default(),
                    b.description
                ));
                if let Some(r) = b.rationale.as_deref().filter(|r| !r.is_empty()) {
                    out.push_str(&format!("  - Why: {r}\n"));
                }
                if !b.papers.is_empty() {
                    out.push_str(&format!("  - Papers: {}\n", b.papers.join(", ")));
                }
            }
        }
    }
    out
}

/// Quadrant positions: litradar draws quadrants top-left, top-right,
/// bottom-left, bottom-right; Zalando's and Backstage's files number them
/// from the bottom right, counting clockwise. `ZALANDO_AT[p]` is the file's
/// index of litradar's position `p`.
const ZALANDO_AT: [usize; 4] = [2, 3, 1, 0];

/// litradar's position of a Zalando/Backstage quadrant index.
fn position_of_zalando(index: usize) -> Option<usize> {
    ZALANDO_AT.iter().position(|z| *z == index)
}

/// Names in a file's own quadrant order, put in litradar's drawing order.
fn drawing_order(in_file_order: &[String]) -> Vec<String> {
    ZALANDO_AT
        .iter()
        .filter_map(|z| in_file_order.get(*z).cloned())
        .collect()
}

#[cfg(test)]
mod tests;
