//! Thoughtworks build-your-own-radar sheets: CSV as spreadsheets export it
//! (`name,ring,quadrant,isNew,status,description`, any order, any case,
//! quoted headers, trailing empty fields, descriptions over several lines)
//! and the JSON array of the same keys.

use super::{FileBlip, Parsed, RadarFile};
use crate::radar::Movement;

/// The movement a BYOR `status` names.
fn status_movement(status: &str) -> Option<Movement> {
    match status.trim().to_lowercase().as_str() {
        "new" => Some(Movement::New),
        "moved in" => Some(Movement::MovedIn),
        "moved out" => Some(Movement::MovedOut),
        "no change" => Some(Movement::Unchanged),
        _ => None,
    }
}

/// The `status` BYOR writes for a movement.
fn movement_status(m: Option<Movement>) -> &'static str {
    match m {
        Some(Movement::New) => "New",
        Some(Movement::MovedIn) => "Moved In",
        Some(Movement::MovedOut) => "Moved Out",
        Some(Movement::Unchanged) => "No Change",
        Some(Movement::Gone) | None => "",
    }
}

/// Thoughtworks called the outer ring "caution" before it became "hold";
/// old sheets still say so. Keeps the case the sheet used.
fn modern_ring(ring: &str) -> Option<String> {
    if !ring.eq_ignore_ascii_case("caution") {
        return None;
    }
    Some(if ring.chars().all(|c| c.is_ascii_uppercase()) {
        "HOLD".into()
    } else if ring.starts_with('C') {
        "Hold".into()
    } else {
        "hold".into()
    })
}

/// The line of a quote that is never closed, if any (doubled quotes
/// inside a quoted field toggle twice and so cancel out).
fn unclosed_quote(text: &str) -> Option<usize> {
    let (mut line, mut open_at, mut quoted) = (1, 0, false);
    for c in text.chars() {
        match c {
            '"' => {
                quoted = !quoted;
                if quoted {
                    open_at = line;
                }
            }
            '\n' => line += 1,
            _ => {}
        }
    }
    quoted.then_some(open_at)
}

fn csv_error(e: &csv::Error) -> String {
    let line = e.position().map(|p| p.line()).unwrap_or(1);
    format!("line {line}: {e}")
}

/// Reads a BYOR sheet.
pub fn read_csv(text: &str) -> Result<Parsed, String> {
    // The csv crate reads an unclosed quote to the end of the text; a
    // spreadsheet never writes one, so say where it opened.
    if let Some(line) = unclosed_quote(text) {
        return Err(format!("line {line}: a quoted field is never closed"));
    }
    let mut reader = csv::ReaderBuilder::new()
        .flexible(true)
        .trim(csv::Trim::All)
        .from_reader(text.as_bytes());
    let header: Vec<String> = reader
        .headers()
        .map_err(|e| csv_error(&e))?
        .iter()
        .map(|h| h.trim().to_lowercase())
        .collect();
    if header.iter().all(String::is_empty) {
        return Err("the CSV is empty".into());
    }
    let column = |name: &str| header.iter().position(|h| h == name);
    let (Some(n), Some(r), Some(q)) = (column("name"), column("ring"), column("quadrant")) else {
        return Err(format!(
            "line 1: the header needs name, ring and quadrant (and optionally isNew, status, description); it has {}",
            header.join(", ")
        ));
    };
    let (is_new, status, description) = (column("isnew"), column("status"), column("description"));
    let mut blips: Vec<(u64, FileBlip)> = Vec::new();
    let mut warnings = Vec::new();
    let mut renamed_caution = false;
    for record in reader.records() {
        let record = record.map_err(|e| csv_error(&e))?;
        let line = record.position().map(|p| p.line()).unwrap_or(0);
        if record.iter().all(str::is_empty) {
            continue;
        }
        let get = |i: Option<usize>| {
            i.and_then(|i| record.get(i))
                .unwrap_or_default()
                .to_string()
        };
        if get(Some(n)).is_empty() || get(Some(r)).is_empty() || get(Some(q)).is_empty() {
            return Err(format!(
                "line {line}: name, ring and quadrant are required (found '{}', '{}', '{}')",
                get(Some(n)),
                get(Some(r)),
                get(Some(q))
            ));
        }
        let mut ring = get(Some(r));
        if let Some(modern) = modern_ring(&ring) {
            ring = modern;
            renamed_caution = true;
        }
        let status_text = get(status);
        let movement = status_movement(&status_text);
        if movement.is_none() && !status_text.is_empty() {
            warnings.push(format!(
                "line {line}: status '{status_text}' is not New, Moved In, Moved Out or No Change; ignored"
            ));
        }
        let blip = FileBlip {
            name: get(Some(n)),
            ring,
            quadrant: get(Some(q)),
            is_new: match is_new {
                Some(_) => Some(get(is_new).eq_ignore_ascii_case("true")),
                None => movement.map(|m| m == Movement::New),
            },
            description: get(description),
            movement,
            ..FileBlip::default()
        };
        match blips
            .iter_mut()
            .find(|(_, b)| b.name.eq_ignore_ascii_case(&blip.name))
        {
            Some((first, old)) => {
                warnings.push(format!(
                    "line {line}: '{}' is on line {first} already; the later row is kept",
                    blip.name
                ));
                *old = blip;
            }
            None => blips.push((line, blip)),
        }
    }
    if renamed_caution {
        warnings.push("ring 'caution' (the old name of hold) is read as 'hold'".into());
    }
    Ok(Parsed {
        editions: vec![RadarFile {
            blips: blips.into_iter().map(|(_, b)| b).collect(),
            ..RadarFile::default()
        }],
        warnings,
    })
}

/// Reads BYOR's JSON array, or litradar's object form (`{edition,
/// quadrants, rings, blips}`).
pub fn read_json(text: &str) -> Result<RadarFile, String> {
    let value: serde_json::Value =
        serde_json::from_str(text).map_err(|e| format!("line {}: {e}", e.line()))?;
    if value.is_array() {
        Ok(RadarFile {
            blips: serde_json::from_value(value).map_err(|e| e.to_string())?,
            ..RadarFile::default()
        })
    } else {
        serde_json::from_value(value).map_err(|e| e.to_string())
    }
}

/// A BYOR sheet: what BYOR reads, `status` included.
pub fn write_csv(blips: &[FileBlip]) -> String {
    let mut writer = csv::WriterBuilder::new()
        .terminator(csv::Terminator::Any(b'\n'))
        .from_writer(Vec::new());
    // Writing to memory cannot fail; a record that did would be left out.
    let _ = writer.write_record(["name", "ring", "quadrant", "isNew", "status", "description"]);
    for b in blips {
        let _ = writer.write_record([
            b.name.as_str(),
            b.ring.as_str(),
            b.quadrant.as_str(),
            if b.is_new.unwrap_or(false) {
                "TRUE"
            } else {
                "FALSE"
            },
            movement_status(b.movement),
            b.description.as_str(),
        ]);
    }
    let bytes = writer.into_inner().unwrap_or_default();
    String::from_utf8(bytes).unwrap_or_default()
}

/// JSON: the BYOR array, each blip with litradar's extra keys.
pub fn write_json(blips: &[FileBlip]) -> String {
    let items: Vec<serde_json::Value> = blips
        .iter()
        .map(|b| {
            let mut v = serde_json::to_value(b).unwrap_or_default();
            // BYOR's tools read isNew as the text TRUE/FALSE.
            v["isNew"] = if b.is_new.unwrap_or(false) {
                "TRUE"
            } else {
                "FALSE"
            }
            .into();
            if let Some(status) = Some(movement_status(b.movement)).filter(|s| !s.is_empty()) {
                v["status"] = status.into();
            }
            v
        })
        .collect();
    format!(
        "{}\n",
        serde_json::to_string_pretty(&items).unwrap_or_else(|_| "[]".into())
    )
}
