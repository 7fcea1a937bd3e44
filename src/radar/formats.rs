//! Radar files: litradar's own TOML (the seed's format), the Thoughtworks
//! build-your-own-radar CSV (`name,ring,quadrant,isNew,description`) and
//! JSON (the same keys, plus what litradar adds), and a Markdown report.

use super::{Movement, Shape};
use serde::{Deserialize, Serialize};

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
    /// Movement since the previous edition (export only).
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

/// What a radar file holds.
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

/// A radar file's format.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// litradar TOML.
    Toml,
    /// BYOR CSV.
    Csv,
    /// BYOR JSON (array), or litradar's object form.
    Json,
}

impl Format {
    /// From the file name, then the content.
    pub fn detect(path: &std::path::Path, text: &str) -> Format {
        match path
            .extension()
            .and_then(|e| e.to_str())
            .map(str::to_lowercase)
            .as_deref()
        {
            Some("toml") => return Format::Toml,
            Some("csv") => return Format::Csv,
            Some("json") => return Format::Json,
            _ => {}
        }
        let t = text.trim_start_matches('\u{feff}').trim_start();
        if t.starts_with('[') && t.contains('{') || t.starts_with('{') {
            Format::Json
        } else if t.to_lowercase().starts_with("name,") || t.to_lowercase().starts_with("\"name\"")
        {
            Format::Csv
        } else {
            Format::Toml
        }
    }
}

/// Reads a file in the given format; errors name the line where they can.
pub fn read(text: &str, format: Format) -> Result<RadarFile, String> {
    let text = text.trim_start_matches('\u{feff}');
    let file = match format {
        Format::Toml => toml::from_str::<RadarFile>(text)
            .map_err(|e| crate::paper::fold_whitespace(&e.to_string()))?,
        Format::Json => {
            let value: serde_json::Value =
                serde_json::from_str(text).map_err(|e| format!("line {}: {e}", e.line()))?;
            if value.is_array() {
                RadarFile {
                    blips: serde_json::from_value(value).map_err(|e| e.to_string())?,
                    ..RadarFile::default()
                }
            } else {
                serde_json::from_value(value).map_err(|e| e.to_string())?
            }
        }
        Format::Csv => read_csv(text)?,
    };
    for (i, b) in file.blips.iter().enumerate() {
        if b.name.trim().is_empty() || b.quadrant.trim().is_empty() || b.ring.trim().is_empty() {
            return Err(format!(
                "blip {}: name, quadrant and ring are required",
                i + 1
            ));
        }
    }
    Ok(file)
}

/// Splits CSV into records (RFC 4180: quotes, doubled quotes, newlines in quotes).
fn csv_records(text: &str) -> Result<Vec<(usize, Vec<String>)>, String> {
    let mut records = Vec::new();
    let mut field = String::new();
    let mut record = Vec::new();
    let mut quoted = false;
    let mut line = 1;
    let mut start_line = 1;
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match (quoted, c) {
            (true, '"') if chars.peek() == Some(&'"') => {
                field.push('"');
                chars.next();
            }
            (true, '"') => quoted = false,
            (true, c) => {
                if c == '\n' {
                    line += 1;
                }
                field.push(c);
            }
            (false, '"') if field.is_empty() => quoted = true,
            (false, ',') => record.push(std::mem::take(&mut field)),
            (false, '\r') => {}
            (false, '\n') => {
                record.push(std::mem::take(&mut field));
                if !(record.len() == 1 && record[0].is_empty()) {
                    records.push((start_line, std::mem::take(&mut record)));
                }
                record.clear();
                line += 1;
                start_line = line;
            }
            (false, c) => field.push(c),
        }
    }
    if quoted {
        return Err(format!("line {start_line}: a quoted field is never closed"));
    }
    if !field.is_empty() || !record.is_empty() {
        record.push(field);
        records.push((start_line, record));
    }
    Ok(records)
}

fn read_csv(text: &str) -> Result<RadarFile, String> {
    let records = csv_records(text)?;
    let Some(((_, header), rows)) = records.split_first() else {
        return Err("the CSV is empty".into());
    };
    let column = |name: &str| {
        header
            .iter()
            .position(|h| h.trim().eq_ignore_ascii_case(name))
    };
    let (Some(n), Some(r), Some(q)) = (column("name"), column("ring"), column("quadrant")) else {
        return Err(
            "line 1: the header needs name, ring, quadrant (and isNew, description)".into(),
        );
    };
    let (is_new, description) = (column("isNew"), column("description"));
    let mut blips = Vec::new();
    for (line, row) in rows {
        let get = |i: Option<usize>| {
            i.and_then(|i| row.get(i))
                .map(|s| s.trim().to_string())
                .unwrap_or_default()
        };
        if row.len() < header.len().min(3) {
            return Err(format!(
                "line {line}: expected {} fields, found {}",
                header.len(),
                row.len()
            ));
        }
        blips.push(FileBlip {
            name: get(Some(n)),
            ring: get(Some(r)),
            quadrant: get(Some(q)),
            is_new: is_new.map(|_| get(is_new).eq_ignore_ascii_case("true")),
            description: get(description),
            ..FileBlip::default()
        });
    }
    Ok(RadarFile {
        blips,
        ..RadarFile::default()
    })
}

fn csv_field(text: &str) -> String {
    if text.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", text.replace('"', "\"\""))
    } else {
        text.to_string()
    }
}

/// BYOR CSV.
pub fn write_csv(blips: &[FileBlip]) -> String {
    let mut out = String::from("name,ring,quadrant,isNew,description\n");
    for b in blips {
        out.push_str(&format!(
            "{},{},{},{},{}\n",
            csv_field(&b.name),
            csv_field(&b.ring),
            csv_field(&b.quadrant),
            if b.is_new.unwrap_or(false) {
                "TRUE"
            } else {
                "FALSE"
            },
            csv_field(&b.description)
        ));
    }
    out
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
            v
        })
        .collect();
    format!(
        "{}\n",
        serde_json::to_string_pretty(&items).unwrap_or_else(|_| "[]".into())
    )
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

#[cfg(test)]
mod tests {
    use super::*;

    fn blip(name: &str, description: &str) -> FileBlip {
        FileBlip {
            name: name.into(),
            quadrant: "training methods".into(),
            ring: "emerging".into(),
            description: description.into(),
            is_new: Some(true),
            ..FileBlip::default()
        }
    }

    #[test]
    fn csv_round_trips_what_byor_carries() {
        let blips = vec![
            blip("LoRA", "Low-rank adapters, \"cheap\" fine-tuning"),
            blip("DoRA", "Magnitude, direction\nand more"),
            FileBlip {
                is_new: Some(false),
                ..blip("QLoRA", "")
            },
        ];
        let text = write_csv(&blips);
        assert!(text.starts_with("name,ring,quadrant,isNew,description\nLoRA,emerging,training methods,TRUE,\"Low-rank adapters, \"\"cheap\"\" fine-tuning\"\n"));
        let back = read(&text, Format::Csv).expect("reads");
        assert_eq!(back.blips, blips);
    }

    #[test]
    fn csv_errors_name_the_line() {
        let err = read("name,ring\nx,y\n", Format::Csv).expect_err("no quadrant");
        assert!(err.contains("line 1"), "{err}");
        let err = read(
            "name,ring,quadrant,isNew,description\nx,\"y,q,TRUE,d\n",
            Format::Csv,
        )
        .expect_err("open quote");
        assert!(
            err.contains("line 2") && err.contains("never closed"),
            "{err}"
        );
        let err = read("name,ring,quadrant\n,adopt,tools\n", Format::Csv).expect_err("empty name");
        assert!(err.contains("blip 1"), "{err}");
    }

    #[test]
    fn json_carries_the_extras_and_reads_byor_arrays() {
        let mut b = blip("LoRA", "adapters");
        b.rationale = Some("everyone uses it".into());
        b.papers = vec!["2106.09685".into()];
        b.aliases = vec!["low-rank adaptation".into()];
        let text = write_json(std::slice::from_ref(&b));
        assert!(text.contains("\"isNew\": \"TRUE\""));
        let back = read(&text, Format::Json).expect("reads");
        assert_eq!(back.blips, vec![b]);
        let byor = r#"[{"name": "X", "ring": "Adopt", "quadrant": "Tools", "isNew": "false", "description": "d"}]"#;
        assert_eq!(
            read(byor, Format::Json).expect("byor").blips[0].is_new,
            Some(false)
        );
    }

    #[test]
    fn the_seed_file_reads() {
        let file = read(include_str!("../../radar/seed.toml"), Format::Toml).expect("seed");
        assert_eq!(file.edition.as_deref(), Some("2026-11"));
        assert_eq!(file.shape(), Some(Shape::seed()));
        assert_eq!(file.blips.len(), 15);
        let lora = file.blips.iter().find(|b| b.name == "LoRA").expect("LoRA");
        assert_eq!(
            (lora.quadrant.as_str(), lora.ring.as_str()),
            ("training methods", "mature")
        );
        assert_eq!(lora.papers, vec!["2106.09685"]);
        let again = read(&write_toml(&file), Format::Toml).expect("round trip");
        assert_eq!(again, file);
    }

    #[test]
    fn formats_are_detected() {
        use std::path::Path;
        assert_eq!(Format::detect(Path::new("r.csv"), ""), Format::Csv);
        assert_eq!(
            Format::detect(Path::new("r"), "name,ring,quadrant"),
            Format::Csv
        );
        assert_eq!(
            Format::detect(Path::new("r"), "[{\"name\": 1}]"),
            Format::Json
        );
        assert_eq!(
            Format::detect(Path::new("r"), "edition = \"2026-11\""),
            Format::Toml
        );
    }
}
