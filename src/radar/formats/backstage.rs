//! Backstage's tech-radar JSON: `{quadrants: [{id, name}], rings: [{id,
//! name, color}], entries: [{id, title, quadrant, description, url, links,
//! timeline: [{ringId, date, moved, description}]}]}`. Every month a
//! timeline names becomes an edition; the timeline's descriptions become
//! the rationales of the moves.

use super::dates::month_of;
use super::history::{self, Revision};
use super::{FileBlip, Parsed, RadarFile, drawing_order, position_of_zalando};
use crate::radar::Shape;
use serde::{Deserialize, Serialize};

#[derive(Debug, Serialize, Deserialize)]
struct Radar {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    title: Option<String>,
    quadrants: Vec<Named>,
    rings: Vec<Named>,
    entries: Vec<Entry>,
}

#[derive(Debug, Serialize, Deserialize)]
struct Named {
    id: Key,
    name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    color: Option<String>,
}

/// Ids are strings in most files and numbers in some.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(untagged)]
enum Key {
    Text(String),
    Number(i64),
}

impl Key {
    fn text(&self) -> String {
        match self {
            Key::Text(t) => t.trim().to_string(),
            Key::Number(n) => n.to_string(),
        }
    }
}

#[derive(Debug, Serialize, Deserialize)]
struct Entry {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    id: Option<Key>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    key: Option<String>,
    title: String,
    quadrant: Key,
    #[serde(default)]
    description: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    url: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    links: Vec<Link>,
    #[serde(default)]
    timeline: Vec<Point>,
}

#[derive(Debug, Serialize, Deserialize)]
struct Link {
    url: String,
    #[serde(default)]
    title: String,
}

#[derive(Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
struct Point {
    ring_id: Key,
    date: String,
    #[serde(default)]
    moved: i64,
    #[serde(default)]
    description: String,
}

/// A real link: not empty, not the `#` placeholder samples use.
fn real_link(url: &str) -> Option<String> {
    let u = url.trim();
    (!u.is_empty() && u != "#").then(|| u.to_string())
}

/// Reads a Backstage radar: one edition per month its timelines name.
pub fn read(text: &str) -> Result<Parsed, String> {
    let radar: Radar = serde_json::from_str(text).map_err(|e| format!("line {}: {e}", e.line()))?;
    if radar.quadrants.len() != 4 {
        return Err(format!(
            "a radar has four quadrants; this file lists {}",
            radar.quadrants.len()
        ));
    }
    let quadrant_names: Vec<String> = radar.quadrants.iter().map(|q| q.name.clone()).collect();
    let rings: Vec<String> = radar.rings.iter().map(|r| r.name.clone()).collect();
    let mut warnings = Vec::new();
    let mut revisions = Vec::new();
    for (i, e) in radar.entries.iter().enumerate() {
        let key =
            e.id.as_ref()
                .map(Key::text)
                .or_else(|| e.key.clone())
                .unwrap_or_else(|| e.title.clone());
        let at = format!("entry {} ('{}')", i + 1, e.title);
        let quadrant = radar
            .quadrants
            .iter()
            .find(|q| q.id.text() == e.quadrant.text())
            .map(|q| q.name.clone())
            .ok_or_else(|| {
                format!(
                    "{at}: quadrant '{}' is not one of the file's quadrant ids",
                    e.quadrant.text()
                )
            })?;
        if e.timeline.is_empty() {
            warnings.push(format!("{at} has no timeline, so no ring; left out"));
            continue;
        }
        let link = e
            .url
            .as_deref()
            .and_then(real_link)
            .or_else(|| e.links.iter().find_map(|l| real_link(&l.url)));
        for point in &e.timeline {
            let ring = radar
                .rings
                .iter()
                .find(|r| r.id.text() == point.ring_id.text())
                .map(|r| r.name.clone())
                .ok_or_else(|| {
                    format!(
                        "{at}: ring '{}' is not one of the file's ring ids",
                        point.ring_id.text()
                    )
                })?;
            revisions.push(Revision {
                key: key.clone(),
                month: month_of(&point.date).map_err(|m| format!("{at}: {m}"))?,
                name: Some(e.title.clone()),
                quadrant: Some(quadrant.clone()),
                ring: Some(ring),
                description: Some(e.description.clone()),
                rationale: Some(point.description.clone()),
                link: link.clone(),
                phased_out: None,
                source: at.clone(),
            });
        }
    }
    let editions = history::editions(
        revisions,
        &drawing_order(&quadrant_names),
        &rings,
        &mut warnings,
    )?;
    Ok(Parsed { editions, warnings })
}

/// An id from a name: lower case, words joined by hyphens.
fn slug(name: &str) -> String {
    let mut out = String::new();
    for word in name
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
    {
        if !out.is_empty() {
            out.push('-');
        }
        out.push_str(&word.to_lowercase());
    }
    if out.is_empty() { "blip".into() } else { out }
}

/// Writes every edition (oldest first) as one Backstage radar: each blip
/// with a timeline point where it appeared, changed ring or was
/// reassessed. Blips phased out of the newest edition are left out
/// (Backstage has no way to say "gone").
pub fn write(title: &str, shape: &Shape, editions: &[RadarFile]) -> Result<String, String> {
    let ring_id = |name: &str| slug(name);
    // Backstage, like Zalando, lists quadrants from the bottom right.
    let quadrants: Vec<Named> = (0..4)
        .filter_map(|z| {
            let name = shape.quadrants.get(position_of_zalando(z)?)?;
            Some(Named {
                id: Key::Text(slug(name)),
                name: name.clone(),
                color: None,
            })
        })
        .collect();
    let rings = shape
        .rings
        .iter()
        .map(|r| Named {
            id: Key::Text(ring_id(r)),
            name: r.clone(),
            color: None,
        })
        .collect();
    let Some(latest) = editions.last() else {
        return Err("there are no editions to write".into());
    };
    let mut entries = Vec::new();
    let mut used_ids: Vec<String> = Vec::new();
    for blip in latest.blips.iter().filter(|b| !b.phased_out) {
        let quadrant = shape
            .quadrant(&blip.quadrant)
            .map(|p| slug(&shape.quadrants[p]))
            .ok_or_else(|| format!("'{}' is not in a quadrant of this radar", blip.name))?;
        let mut timeline: Vec<Point> = Vec::new();
        let mut previous: Option<&FileBlip> = None;
        for edition in editions {
            let Some(here) = edition
                .blips
                .iter()
                .find(|b| b.name.eq_ignore_ascii_case(&blip.name) && !b.phased_out)
            else {
                previous = None;
                continue;
            };
            let (from, to) = (
                previous.and_then(|p| shape.ring(&p.ring)),
                shape.ring(&here.ring),
            );
            let rationale = here.rationale.clone().unwrap_or_default();
            if previous.is_none() || from != to || !rationale.trim().is_empty() {
                timeline.push(Point {
                    ring_id: Key::Text(ring_id(&here.ring)),
                    date: format!("{}-01", edition.edition.as_deref().unwrap_or("1970-01")),
                    moved: match (from, to) {
                        (Some(a), Some(b)) if b < a => 1,
                        (Some(a), Some(b)) if b > a => -1,
                        _ => 0,
                    },
                    description: rationale,
                });
            }
            previous = Some(here);
        }
        let mut id = slug(&blip.name);
        if used_ids.contains(&id) {
            id = format!("{id}-{}", used_ids.len() + 1);
        }
        used_ids.push(id.clone());
        entries.push(Entry {
            id: Some(Key::Text(id.clone())),
            key: Some(id),
            title: blip.name.clone(),
            quadrant: Key::Text(quadrant),
            description: blip.description.clone(),
            url: blip.link.clone(),
            links: Vec::new(),
            timeline,
        });
    }
    let radar = Radar {
        title: Some(title.to_string()),
        quadrants,
        rings,
        entries,
    };
    serde_json::to_string_pretty(&radar)
        .map(|s| s + "\n")
        .map_err(|e| e.to_string())
}
