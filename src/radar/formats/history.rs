//! Editions from a history of revisions, for the formats that keep one
//! (Backstage timelines, AOE releases): each month's edition holds every
//! blip seen so far, as its latest revision up to that month left it. A
//! revision may carry only some fields; the rest come from the blip's
//! revision before.

use super::{FileBlip, RadarFile};
use std::collections::HashMap;

/// One blip as one release or timeline point states it.
#[derive(Debug, Clone, Default)]
pub struct Revision {
    /// The blip's stable key in the file (AOE's file name, Backstage's id).
    pub key: String,
    /// The month it belongs to (`YYYY-MM`).
    pub month: String,
    /// Name, when this revision gives one.
    pub name: Option<String>,
    /// Quadrant, when given.
    pub quadrant: Option<String>,
    /// Ring, when given.
    pub ring: Option<String>,
    /// Description, when given.
    pub description: Option<String>,
    /// Why, for this revision only.
    pub rationale: Option<String>,
    /// Link, when given.
    pub link: Option<String>,
    /// Off the radar from this revision on, when given.
    pub phased_out: Option<bool>,
    /// Where it was read, for messages ("radar/2017-03-01/akka.md").
    pub source: String,
}

fn given(v: Option<String>) -> Option<String> {
    v.filter(|s| !s.trim().is_empty())
}

/// Keys revised in a month, with the rationale each revision gave.
type Revised = Vec<(String, Option<String>)>;

/// The editions, oldest first. Revisions of one month apply in the order
/// given (a later one wins); `warnings` gets a line for every month that
/// merged several releases and every name two keys share.
pub fn editions(
    mut revisions: Vec<Revision>,
    quadrants: &[String],
    rings: &[String],
    warnings: &mut Vec<String>,
) -> Result<Vec<RadarFile>, String> {
    // Stable sort: within a month the file's order stays.
    revisions.sort_by(|a, b| a.month.cmp(&b.month));
    let mut order: Vec<String> = Vec::new();
    let mut state: HashMap<String, FileBlip> = HashMap::new();
    let mut names: HashMap<String, String> = HashMap::new();
    // Each edition with the keys revised in it and their rationales.
    let mut out: Vec<(RadarFile, Revised)> = Vec::new();
    let mut i = 0;
    while i < revisions.len() {
        let month = revisions[i].month.clone();
        let mut revised: Vec<(String, Option<String>)> = Vec::new();
        while i < revisions.len() && revisions[i].month == month {
            let r = std::mem::take(&mut revisions[i]);
            i += 1;
            let blip = match state.get_mut(&r.key) {
                Some(b) => b,
                None => {
                    let (Some(quadrant), Some(ring)) =
                        (given(r.quadrant.clone()), given(r.ring.clone()))
                    else {
                        return Err(format!(
                            "{}: the first revision of '{}' needs a ring and a quadrant",
                            r.source, r.key
                        ));
                    };
                    order.push(r.key.clone());
                    state.entry(r.key.clone()).or_insert(FileBlip {
                        quadrant,
                        ring,
                        ..FileBlip::default()
                    })
                }
            };
            if let Some(q) = given(r.quadrant) {
                blip.quadrant = q;
            }
            if let Some(ring) = given(r.ring) {
                blip.ring = ring;
            }
            if let Some(d) = given(r.description) {
                blip.description = d;
            }
            if let Some(l) = given(r.link) {
                blip.link = Some(l);
            }
            if let Some(p) = r.phased_out {
                blip.phased_out = p;
            }
            if let Some(n) = given(r.name) {
                names.insert(r.key.clone(), n.trim().to_string());
            }
            revised.retain(|(k, _)| *k != r.key);
            revised.push((r.key, given(r.rationale)));
        }
        let blips = order.iter().filter_map(|k| state.get(k).cloned()).collect();
        out.push((
            RadarFile {
                edition: Some(month),
                quadrants: quadrants.to_vec(),
                rings: rings.to_vec(),
                blips,
            },
            revised,
        ));
    }
    let names = unique_names(&order, &names, warnings);
    Ok(out
        .into_iter()
        .map(|(mut file, revised)| {
            for (b, key) in file.blips.iter_mut().zip(&order) {
                b.name = names.get(key).cloned().unwrap_or_else(|| key.clone());
                b.rationale = revised
                    .iter()
                    .find(|(k, _)| k == key)
                    .and_then(|(_, r)| r.clone());
            }
            file
        })
        .collect())
}

/// One name per key: the latest it was given (the key when never named);
/// a name two keys share gets its key added to the second.
fn unique_names(
    order: &[String],
    names: &HashMap<String, String>,
    warnings: &mut Vec<String>,
) -> HashMap<String, String> {
    let mut out: HashMap<String, String> = HashMap::new();
    let mut taken: HashMap<String, String> = HashMap::new();
    for key in order {
        let mut name = names.get(key).cloned().unwrap_or_else(|| key.clone());
        if let Some(first) = taken.get(&name.to_lowercase()) {
            warnings.push(format!(
                "'{key}' and '{first}' are both named '{name}'; '{key}' is imported as '{name} ({key})'"
            ));
            name = format!("{name} ({key})");
        }
        taken.insert(name.to_lowercase(), key.clone());
        out.insert(key.clone(), name);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rev(key: &str, month: &str, ring: Option<&str>) -> Revision {
        Revision {
            key: key.into(),
            month: month.into(),
            name: None,
            quadrant: Some("tools".into()),
            ring: ring.map(String::from),
            source: format!("{month}/{key}"),
            ..Revision::default()
        }
    }

    fn shape() -> (Vec<String>, Vec<String>) {
        (
            ["a", "b", "c", "tools"].map(String::from).to_vec(),
            ["adopt", "trial"].map(String::from).to_vec(),
        )
    }

    #[test]
    fn later_revisions_inherit_and_editions_accumulate() {
        let (q, r) = shape();
        let mut later = rev("x", "2024-03", None);
        later.quadrant = None;
        later.rationale = Some("used everywhere now".into());
        later.ring = Some("adopt".into());
        let mut first = rev("x", "2024-01", Some("trial"));
        first.name = Some("X Tool".into());
        first.description = Some("a tool".into());
        let revisions = vec![first, rev("y", "2024-03", Some("trial")), later];
        let mut warnings = Vec::new();
        let eds = editions(revisions, &q, &r, &mut warnings).expect("editions");
        assert_eq!(eds.len(), 2);
        assert_eq!(eds[0].blips.len(), 1);
        assert_eq!(eds[1].blips.len(), 2);
        let x = &eds[1].blips[0];
        assert_eq!(
            (x.name.as_str(), x.ring.as_str(), x.quadrant.as_str()),
            ("X Tool", "adopt", "tools")
        );
        assert_eq!(x.description, "a tool");
        assert_eq!(x.rationale.as_deref(), Some("used everywhere now"));
        assert_eq!(eds[0].blips[0].rationale, None);
        assert_eq!(eds[1].blips[1].name, "y");
        assert!(warnings.is_empty(), "{warnings:?}");
    }

    #[test]
    fn a_first_revision_without_a_ring_is_an_error_naming_it() {
        let (q, r) = shape();
        let err = editions(vec![rev("x", "2024-01", None)], &q, &r, &mut Vec::new())
            .expect_err("no ring");
        assert!(err.contains("2024-01/x") && err.contains("ring"), "{err}");
    }

    #[test]
    fn shared_names_are_told_apart() {
        let (q, r) = shape();
        let mut a = rev("a", "2024-01", Some("trial"));
        a.name = Some("Same".into());
        let mut b = rev("b", "2024-01", Some("trial"));
        b.name = Some("same".into());
        let mut warnings = Vec::new();
        let eds = editions(vec![a, b], &q, &r, &mut warnings).expect("editions");
        assert_eq!(eds[0].blips[1].name, "same (b)");
        assert_eq!(warnings.len(), 1, "{warnings:?}");
    }
}
