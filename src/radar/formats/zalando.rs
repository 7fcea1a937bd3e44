//! Zalando's tech-radar `config.json`: `{date, entries: [{quadrant 0–3,
//! ring 0–3, label, active, moved −1/0/1/2, link}]}`. Quadrants and rings
//! are numbers; their names live in the page that draws the radar, so they
//! come from the caller or Zalando's own.

use super::dates::month_of;
use super::{FileBlip, Options, RadarFile, ZALANDO_AT, drawing_order, position_of_zalando};
use crate::radar::{Movement, Shape};
use serde::{Deserialize, Serialize};

/// Zalando's quadrant names, in its file order (0 = bottom right, clockwise).
pub const ZALANDO_QUADRANTS: [&str; 4] = [
    "Languages",
    "Infrastructure",
    "Datastores",
    "Data Management",
];

/// Zalando's ring names, centre first.
pub const ZALANDO_RINGS: [&str; 4] = ["adopt", "trial", "assess", "hold"];

#[derive(Debug, Serialize, Deserialize)]
struct Config {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    date: Option<String>,
    entries: Vec<Entry>,
}

#[derive(Debug, Serialize, Deserialize)]
struct Entry {
    quadrant: i64,
    ring: i64,
    label: String,
    #[serde(default = "yes")]
    active: bool,
    #[serde(default)]
    moved: i64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    link: Option<String>,
}

fn yes() -> bool {
    true
}

fn moved_to_movement(moved: i64) -> Option<Movement> {
    match moved {
        -1 => Some(Movement::MovedOut),
        0 => Some(Movement::Unchanged),
        1 => Some(Movement::MovedIn),
        2 => Some(Movement::New),
        _ => None,
    }
}

fn movement_to_moved(m: Option<Movement>) -> i64 {
    match m {
        Some(Movement::MovedOut) => -1,
        Some(Movement::MovedIn) => 1,
        Some(Movement::New) => 2,
        _ => 0,
    }
}

/// Reads a `config.json`.
pub fn read(text: &str, options: &Options) -> Result<RadarFile, String> {
    let config: Config =
        serde_json::from_str(text).map_err(|e| format!("line {}: {e}", e.line()))?;
    let names: Vec<String> = match &options.quadrants {
        Some(q) if q.len() != 4 => {
            return Err(format!(
                "--quadrants needs four names, in the file's order (0 = bottom right, clockwise); got {}",
                q.len()
            ));
        }
        Some(q) => q.clone(),
        None => ZALANDO_QUADRANTS.map(String::from).to_vec(),
    };
    let rings: Vec<String> = options
        .rings
        .clone()
        .unwrap_or_else(|| ZALANDO_RINGS.map(String::from).to_vec());
    let mut blips = Vec::with_capacity(config.entries.len());
    for (i, e) in config.entries.iter().enumerate() {
        let at = format!("entry {} ('{}')", i + 1, e.label);
        let quadrant = usize::try_from(e.quadrant)
            .ok()
            .filter(|q| *q < 4)
            .and_then(|q| names.get(q))
            .ok_or_else(|| format!("{at}: quadrant {} is not 0 to 3", e.quadrant))?;
        let ring = usize::try_from(e.ring)
            .ok()
            .and_then(|r| rings.get(r))
            .ok_or_else(|| {
                format!(
                    "{at}: ring {} is not 0 to {}",
                    e.ring,
                    rings.len().saturating_sub(1)
                )
            })?;
        blips.push(FileBlip {
            name: e.label.trim().to_string(),
            quadrant: quadrant.clone(),
            ring: ring.clone(),
            is_new: Some(e.moved == 2),
            link: e.link.clone().filter(|l| !l.trim().is_empty()),
            phased_out: !e.active,
            movement: moved_to_movement(e.moved),
            ..FileBlip::default()
        });
    }
    Ok(RadarFile {
        edition: config.date.as_deref().map(month_of).transpose()?,
        quadrants: drawing_order(&names),
        rings,
        blips,
    })
}

/// Writes an edition as a `config.json` (phased-out blips as inactive).
/// Zalando draws four rings at most.
pub fn write(edition: &str, shape: &Shape, blips: &[FileBlip]) -> Result<String, String> {
    if shape.rings.len() > 4 {
        return Err(format!(
            "Zalando's radar draws four rings; this one has {} ({})",
            shape.rings.len(),
            shape.rings.join(", ")
        ));
    }
    let mut entries = Vec::with_capacity(blips.len());
    for b in blips {
        let (Some(p), Some(r)) = (shape.quadrant(&b.quadrant), shape.ring(&b.ring)) else {
            return Err(format!("'{}' is not on this edition's shape", b.name));
        };
        entries.push(Entry {
            quadrant: ZALANDO_AT[p] as i64,
            ring: r as i64,
            label: b.name.clone(),
            active: !b.phased_out,
            moved: movement_to_moved(b.movement),
            link: b.link.clone(),
        });
    }
    let config = Config {
        date: Some(edition.replace('-', ".")),
        entries,
    };
    serde_json::to_string_pretty(&config)
        .map(|s| s + "\n")
        .map_err(|e| e.to_string())
}

/// The quadrant names of `shape` in Zalando's file order, for `--quadrants`.
pub fn file_order(shape: &Shape) -> Vec<String> {
    (0..4)
        .filter_map(|z| position_of_zalando(z).and_then(|p| shape.quadrants.get(p).cloned()))
        .collect()
}
