//! AOE's technology radar: a folder of release folders
//! (`radar/YYYY-MM-DD/*.md`), one Markdown file per item that the release
//! added or revised, with front matter (`title`, `ring`, `quadrant` or its
//! newer name `segment`, `tags`, `featured`) and the text as the body. The
//! file name is the item's id; a later release may carry only the fields
//! that changed. Each release is an edition; `config.json` beside the
//! `radar` folder names the quadrants and rings.

use super::dates::month_of;
use super::history::{self, Revision};
use super::{FileBlip, Parsed, RadarFile};
use crate::radar::Shape;
use serde::Deserialize;
use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};

/// AOE's default quadrants (id, title), as its generator ships them.
const DEFAULT_QUADRANTS: [(&str, &str); 4] = [
    ("languages-and-frameworks", "Languages & Frameworks"),
    ("methods-and-patterns", "Methods & Patterns"),
    ("platforms-and-operations", "Platforms & Operations"),
    ("tools", "Tools"),
];

/// AOE's default rings, centre first.
const DEFAULT_RINGS: [&str; 4] = ["adopt", "trial", "assess", "hold"];

#[derive(Debug, Default, Deserialize)]
struct Config {
    #[serde(default, alias = "segments")]
    quadrants: Vec<Named>,
    #[serde(default)]
    rings: Vec<Named>,
}

#[derive(Debug, Deserialize)]
struct Named {
    id: String,
    #[serde(default)]
    title: String,
}

/// Front matter and body of one item file. Reads the subset of YAML these
/// files use: `key: value` lines, quoted or bare scalars, `[a, b]` lists.
#[derive(Debug, Default, PartialEq, Eq)]
struct Item {
    fields: HashMap<String, String>,
    body: String,
}

fn unquote(v: &str) -> String {
    let v = v.trim();
    for q in ['"', '\''] {
        if v.len() >= 2 && v.starts_with(q) && v.ends_with(q) {
            let inner = &v[1..v.len() - 1];
            return if q == '"' {
                inner.replace("\\\"", "\"").replace("\\\\", "\\")
            } else {
                inner.replace("''", "'")
            };
        }
    }
    v.to_string()
}

fn parse_item(text: &str) -> Result<Item, String> {
    let text = text.trim_start_matches('\u{feff}').replace("\r\n", "\n");
    let mut lines = text.split_inclusive('\n');
    let first = lines.next().unwrap_or("");
    if first.trim_end() != "---" {
        return Err("it does not start with front matter (a line of ---)".into());
    }
    let mut fields = HashMap::new();
    let mut closed = false;
    let mut consumed = first.len();
    for line in lines.by_ref() {
        consumed += line.len();
        let l = line.trim_end();
        if l == "---" {
            closed = true;
            break;
        }
        if l.trim().is_empty() || l.trim_start().starts_with('#') {
            continue;
        }
        if let Some((k, v)) = l.split_once(':') {
            fields.insert(k.trim().to_lowercase(), unquote(v));
        }
    }
    if !closed {
        return Err("its front matter is never closed (no second line of ---)".into());
    }
    Ok(Item {
        fields,
        body: text.get(consumed..).unwrap_or("").trim().to_string(),
    })
}

fn is_release_folder(p: &Path) -> bool {
    p.is_dir()
        && p.file_name()
            .and_then(|n| n.to_str())
            .is_some_and(|n| month_of(n).is_ok() && n.len() >= 7)
}

/// The `radar` folder: the one given, or the `radar` folder inside it.
fn radar_folder(path: &Path) -> Result<PathBuf, String> {
    let inner = path.join("radar");
    if inner.is_dir() {
        return Ok(inner);
    }
    let has_releases = std::fs::read_dir(path)
        .map_err(|e| format!("cannot read the folder: {e}"))?
        .filter_map(Result::ok)
        .any(|e| is_release_folder(&e.path()));
    if has_releases {
        Ok(path.to_path_buf())
    } else {
        Err("not an AOE radar: no radar/ folder and no release folders (YYYY-MM-DD) in it".into())
    }
}

fn read_config(radar: &Path) -> Result<Config, String> {
    for dir in [radar.parent(), Some(radar)].into_iter().flatten() {
        let path = dir.join("config.json");
        if path.is_file() {
            let text = std::fs::read_to_string(&path)
                .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
            return serde_json::from_str(&text)
                .map_err(|e| format!("{}: line {}: {e}", path.display(), e.line()));
        }
    }
    Ok(Config::default())
}

/// (id, name) pairs, in order.
type IdNames = Vec<(String, String)>;

/// Quadrant and ring names by id: the config's titles, else AOE's defaults
/// when the items use its ids, else the ids as the items name them.
fn names(
    config: &Config,
    used_quadrants: &[String],
    used_rings: &[String],
) -> Result<(IdNames, IdNames), String> {
    let titled = |n: &Named| {
        let title = if n.title.trim().is_empty() {
            n.id.clone()
        } else {
            n.title.clone()
        };
        (n.id.clone(), title)
    };
    let quadrants: Vec<(String, String)> = if !config.quadrants.is_empty() {
        config.quadrants.iter().map(titled).collect()
    } else if used_quadrants
        .iter()
        .all(|q| DEFAULT_QUADRANTS.iter().any(|(id, _)| id == q))
    {
        DEFAULT_QUADRANTS
            .iter()
            .map(|(id, t)| (id.to_string(), t.to_string()))
            .collect()
    } else {
        used_quadrants
            .iter()
            .map(|q| (q.clone(), q.clone()))
            .collect()
    };
    if quadrants.len() != 4 {
        return Err(format!(
            "a radar has four quadrants; the items name {} ({}); list them in config.json",
            quadrants.len(),
            quadrants
                .iter()
                .map(|(id, _)| id.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        ));
    }
    let mut rings: Vec<(String, String)> = if !config.rings.is_empty() {
        config.rings.iter().map(titled).collect()
    } else {
        used_rings.iter().map(|r| (r.clone(), r.clone())).collect()
    };
    if config.rings.is_empty() {
        let rank = |id: &str| DEFAULT_RINGS.iter().position(|d| *d == id);
        if rings.iter().all(|(id, _)| rank(id).is_some()) {
            rings.sort_by_key(|(id, _)| rank(id));
        }
    }
    Ok((quadrants, rings))
}

/// Reads every release of an AOE radar folder.
pub fn read_dir(path: &Path) -> Result<Parsed, String> {
    let radar = radar_folder(path)?;
    let config = read_config(&radar)?;
    let mut releases: Vec<PathBuf> = std::fs::read_dir(&radar)
        .map_err(|e| format!("cannot read {}: {e}", radar.display()))?
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| is_release_folder(p))
        .collect();
    releases.sort();
    if releases.is_empty() {
        return Err(format!(
            "{}: no release folders (YYYY-MM-DD)",
            radar.display()
        ));
    }
    let mut warnings = Vec::new();
    let mut items: Vec<(String, String, String, Item)> = Vec::new();
    let mut month_release: HashMap<String, String> = HashMap::new();
    for release in &releases {
        let folder = release
            .file_name()
            .and_then(|n| n.to_str())
            .unwrap_or_default()
            .to_string();
        let month = month_of(&folder)?;
        if let Some(earlier) = month_release.insert(month.clone(), folder.clone()) {
            warnings.push(format!(
                "releases {earlier} and {folder} are both in {month}; one edition, {folder} winning"
            ));
        }
        let mut files: Vec<PathBuf> = std::fs::read_dir(release)
            .map_err(|e| format!("cannot read {}: {e}", release.display()))?
            .filter_map(Result::ok)
            .map(|e| e.path())
            .filter(|p| p.extension().is_some_and(|x| x == "md"))
            .collect();
        files.sort();
        for file in files {
            let id = file
                .file_stem()
                .and_then(|s| s.to_str())
                .unwrap_or_default()
                .to_string();
            let source = format!("{folder}/{id}.md");
            let text = std::fs::read_to_string(&file)
                .map_err(|e| format!("{source}: cannot read it: {e}"))?;
            let item = parse_item(&text).map_err(|e| format!("{source}: {e}"))?;
            items.push((month.clone(), id, source, item));
        }
    }
    let mut used_quadrants: Vec<String> = Vec::new();
    let mut used_rings: Vec<String> = Vec::new();
    for (_, _, _, item) in &items {
        let q = item.fields.get("quadrant").or(item.fields.get("segment"));
        for (value, list) in [
            (q, &mut used_quadrants),
            (item.fields.get("ring"), &mut used_rings),
        ] {
            if let Some(v) = value.filter(|v| !v.is_empty())
                && !list.contains(v)
            {
                list.push(v.clone());
            }
        }
    }
    let (quadrants, rings) = names(&config, &used_quadrants, &used_rings)?;
    let name_of = |list: &[(String, String)], id: &str, what: &str, source: &str| {
        list.iter()
            .find(|(i, _)| i.eq_ignore_ascii_case(id))
            .map(|(_, t)| t.clone())
            .ok_or_else(|| {
                format!(
                    "{source}: {what} '{id}' is not one of: {}",
                    list.iter()
                        .map(|(i, _)| i.as_str())
                        .collect::<Vec<_>>()
                        .join(", ")
                )
            })
    };
    let mut seen: HashSet<String> = HashSet::new();
    let mut revisions = Vec::with_capacity(items.len());
    for (month, id, source, item) in items {
        let f = &item.fields;
        let quadrant = match f
            .get("quadrant")
            .or(f.get("segment"))
            .filter(|v| !v.is_empty())
        {
            Some(q) => Some(name_of(&quadrants, q, "quadrant", &source)?),
            None => None,
        };
        let ring = match f.get("ring").filter(|v| !v.is_empty()) {
            Some(r) => Some(name_of(&rings, r, "ring", &source)?),
            None => None,
        };
        let body = (!item.body.is_empty()).then(|| item.body.clone());
        let revision_of_known = !seen.insert(id.clone());
        revisions.push(Revision {
            key: id,
            month,
            name: f.get("title").cloned(),
            quadrant,
            ring,
            rationale: if revision_of_known {
                body.clone()
            } else {
                None
            },
            description: body,
            link: None,
            // AOE's `featured` is per release: absent means shown.
            phased_out: Some(
                f.get("featured")
                    .is_some_and(|v| v.eq_ignore_ascii_case("false")),
            ),
            source,
        });
    }
    let editions = history::editions(
        revisions,
        &quadrants.into_iter().map(|(_, t)| t).collect::<Vec<_>>(),
        &rings.into_iter().map(|(_, t)| t).collect::<Vec<_>>(),
        &mut warnings,
    )?;
    Ok(Parsed { editions, warnings })
}

/// An id from a name: lower case, words joined by hyphens.
fn slug(name: &str) -> String {
    let words: Vec<String> = name
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .collect();
    if words.is_empty() {
        "item".into()
    } else {
        words.join("-")
    }
}

fn quoted(text: &str) -> String {
    format!("\"{}\"", text.replace('\\', "\\\\").replace('"', "\\\""))
}

/// The files of an AOE radar for these editions (oldest first): paths
/// relative to the radar's folder, with their text. A release holds the
/// blips that are new in it, moved, reassessed or phased out.
pub fn write(shape: &Shape, editions: &[RadarFile]) -> Vec<(PathBuf, String)> {
    let mut files = Vec::new();
    let config = serde_json::json!({
        "segments": shape.quadrants.iter().map(|q| serde_json::json!({"id": slug(q), "title": q})).collect::<Vec<_>>(),
        "rings": shape.rings.iter().map(|r| serde_json::json!({"id": slug(r), "title": r})).collect::<Vec<_>>(),
    });
    files.push((
        PathBuf::from("config.json"),
        serde_json::to_string_pretty(&config).unwrap_or_default() + "\n",
    ));
    let mut last: HashMap<String, FileBlip> = HashMap::new();
    let mut ids: HashMap<String, String> = HashMap::new();
    for edition in editions {
        let release = format!("{}-01", edition.edition.as_deref().unwrap_or("1970-01"));
        for b in &edition.blips {
            let key = b.name.to_lowercase();
            let before = last.get(&key);
            let changed = before.is_none_or(|p| {
                !p.ring.eq_ignore_ascii_case(&b.ring)
                    || !p.quadrant.eq_ignore_ascii_case(&b.quadrant)
                    || p.phased_out != b.phased_out
                    || p.description != b.description
            }) || b.rationale.as_deref().is_some_and(|r| !r.trim().is_empty());
            if !changed {
                continue;
            }
            let id = match ids.get(&key) {
                Some(id) => id.clone(),
                None => {
                    let mut id = slug(&b.name);
                    if ids.values().any(|v| *v == id) {
                        id = format!("{id}-{}", ids.len() + 1);
                    }
                    ids.insert(key.clone(), id.clone());
                    id
                }
            };
            let mut text = format!(
                "---\ntitle: {}\nring: {}\nsegment: {}\n",
                quoted(&b.name),
                slug(&b.ring),
                slug(&b.quadrant)
            );
            if b.phased_out {
                text.push_str("featured: false\n");
            }
            text.push_str("---\n\n");
            let body = match (before, b.rationale.as_deref()) {
                (Some(_), Some(r)) if !r.trim().is_empty() => r,
                _ => b.description.as_str(),
            };
            text.push_str(body.trim());
            text.push('\n');
            files.push((
                PathBuf::from("radar")
                    .join(&release)
                    .join(format!("{id}.md")),
                text,
            ));
            last.insert(key, b.clone());
        }
    }
    files
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn front_matter_reads_quoted_bare_and_list_values() {
        let item = parse_item(
            "---\ntitle:      \"Akka \\\"Streams\\\"\"\nring: trial\r\nsegment:    tools\ntags: [a, b]\n---\n\nBody: with a colon.\n",
        )
        .expect("item");
        assert_eq!(item.fields["title"], "Akka \"Streams\"");
        assert_eq!(item.fields["ring"], "trial");
        assert_eq!(item.fields["segment"], "tools");
        assert_eq!(item.fields["tags"], "[a, b]");
        assert_eq!(item.body, "Body: with a colon.");
    }

    #[test]
    fn files_without_front_matter_say_so() {
        assert!(
            parse_item("title: x\n")
                .expect_err("none")
                .contains("front matter")
        );
        assert!(
            parse_item("---\ntitle: x\n")
                .expect_err("open")
                .contains("never closed")
        );
        assert!(parse_item("").is_err());
    }
}
