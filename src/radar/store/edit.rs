//! Changing the radar: importing files, starting and freezing editions,
//! adding, moving, describing and phasing out blips, and linking papers as
//! evidence. Every change goes to the newest, unfrozen edition.

use super::{ImportReport, RadarError, Result, current_month, json_list, now, parse_list};
use crate::library::Library;
use crate::radar::formats::{FileBlip, RadarFile};
use crate::radar::{Edition, Shape, check_edition_name, next_month};
use rusqlite::{OptionalExtension, Transaction, params};

/// A ring of `shape` by name (any case), or why not.
fn ring_named(shape: &Shape, ring: &str) -> Result<String> {
    shape
        .ring(ring)
        .map(|r| shape.rings[r].clone())
        .ok_or_else(|| {
            RadarError::Invalid(format!(
                "'{ring}' is not a ring: {}",
                shape.rings.join(", ")
            ))
        })
}

/// A quadrant of `shape` by name (any case), or why not.
fn quadrant_named(shape: &Shape, quadrant: &str) -> Result<String> {
    shape
        .quadrant(quadrant)
        .map(|q| shape.quadrants[q].clone())
        .ok_or_else(|| {
            RadarError::Invalid(format!(
                "'{quadrant}' is not a quadrant: {}",
                shape.quadrants.join(", ")
            ))
        })
}

impl Library {
    /// Imports a radar file into an edition (the file's, the one given, or
    /// this month's), creating it if needed.
    pub fn radar_import(
        &mut self,
        file: &RadarFile,
        edition: Option<&str>,
    ) -> Result<ImportReport> {
        let mut reports = self.radar_import_editions(std::slice::from_ref(file), edition)?;
        Ok(reports.pop().unwrap_or_default())
    }

    /// Imports every edition of a file (oldest first) in one transaction:
    /// all of them or, on any error, none. `edition` renames a file's only
    /// edition; it cannot apply to a history.
    pub fn radar_import_editions(
        &mut self,
        files: &[RadarFile],
        edition: Option<&str>,
    ) -> Result<Vec<ImportReport>> {
        if edition.is_some() && files.len() > 1 {
            return Err(RadarError::Invalid(format!(
                "--edition names one edition, but this file holds {} (its history); leave it out",
                files.len()
            )));
        }
        let stamp = now();
        let tx = self.conn_mut().transaction()?;
        let mut reports = Vec::with_capacity(files.len());
        for file in files {
            reports.push(import_one(&tx, file, edition, &stamp)?);
        }
        tx.commit()?;
        Ok(reports)
    }

    /// Starts an edition (default: the month after the newest) from the
    /// newest one: same blips, places and descriptions; no rationales yet.
    pub fn radar_new_edition(&mut self, month: Option<&str>) -> Result<String> {
        let latest = self.radar_latest()?;
        let name = match month {
            Some(m) => check_edition_name(m)?,
            None => next_month(&latest)
                .ok_or_else(|| RadarError::Invalid(format!("bad edition name {latest}")))?,
        };
        if self.radar_editions()?.iter().any(|e| e.name == name) {
            return Err(RadarError::EditionExists(name));
        }
        if name < latest {
            return Err(RadarError::Invalid(format!(
                "{name} comes before the newest edition {latest}; new editions go forward"
            )));
        }
        let tx = self.conn_mut().transaction()?;
        tx.execute(
            "INSERT INTO radar_editions (name, quadrants, rings, created_at) \
             SELECT ?1, quadrants, rings, ?2 FROM radar_editions WHERE name = ?3",
            params![name, now(), latest],
        )?;
        tx.execute(
            "INSERT INTO radar_entries (edition, blip_id, quadrant, ring, description) \
             SELECT ?1, blip_id, quadrant, ring, description FROM radar_entries WHERE edition = ?2 AND phased_out = 0",
            params![name, latest],
        )?;
        tx.commit()?;
        Ok(name)
    }

    /// Freezes (publishes) an edition.
    pub fn radar_freeze(&mut self, edition: Option<&str>) -> Result<String> {
        let (_, e) = self.radar_edition(edition)?;
        if e.frozen {
            return Err(RadarError::Frozen(e.name));
        }
        self.conn().execute(
            "UPDATE radar_editions SET frozen_at = ?2 WHERE name = ?1",
            params![e.name, now()],
        )?;
        Ok(e.name)
    }

    /// The newest edition, refusing if it is frozen.
    pub(super) fn writable(&self) -> Result<(Shape, Edition)> {
        let (shape, e) = self.radar_edition(None)?;
        if e.frozen {
            return Err(RadarError::Frozen(e.name));
        }
        Ok((shape, e))
    }

    /// Puts a new blip on the newest edition.
    pub fn radar_add(
        &mut self,
        name: &str,
        quadrant: &str,
        ring: &str,
        description: &str,
        aliases: &[String],
    ) -> Result<()> {
        let (shape, e) = self.writable()?;
        if e.entry(name).is_some_and(|x| !x.phased_out) {
            return Err(RadarError::BlipExists(name.to_string()));
        }
        if name.trim().is_empty() {
            return Err(RadarError::Invalid("a blip needs a name".into()));
        }
        let quadrant = quadrant_named(&shape, quadrant)?;
        let ring = ring_named(&shape, ring)?;
        let stamp = now();
        let tx = self.conn_mut().transaction()?;
        let blip = FileBlip {
            name: name.trim().to_string(),
            aliases: aliases.to_vec(),
            ..FileBlip::default()
        };
        let id = blip_id(&tx, &blip, &stamp)?;
        tx.execute(
            "INSERT INTO radar_entries (edition, blip_id, quadrant, ring, description) VALUES (?1, ?2, ?3, ?4, ?5) \
             ON CONFLICT (edition, blip_id) DO UPDATE SET quadrant = excluded.quadrant, ring = excluded.ring, \
             description = excluded.description, phased_out = 0",
            params![e.name, id, quadrant, ring, description],
        )?;
        tx.commit()?;
        Ok(())
    }

    /// Moves a blip to another ring and/or quadrant on the newest edition.
    /// The rationale is required and recorded.
    pub fn radar_move(
        &mut self,
        name: &str,
        ring: Option<&str>,
        quadrant: Option<&str>,
        rationale: &str,
    ) -> Result<()> {
        if rationale.trim().is_empty() {
            return Err(RadarError::NeedsRationale(name.to_string()));
        }
        let (shape, e) = self.writable()?;
        let entry = e
            .entry(name)
            .filter(|x| !x.phased_out)
            .ok_or_else(|| RadarError::NoBlip(name.to_string()))?;
        let ring = match ring {
            Some(r) => ring_named(&shape, r)?,
            None => entry.ring.clone(),
        };
        let quadrant = match quadrant {
            Some(q) => quadrant_named(&shape, q)?,
            None => entry.quadrant.clone(),
        };
        self.conn().execute(
            "UPDATE radar_entries SET ring = ?3, quadrant = ?4, rationale = ?5 \
             WHERE edition = ?1 AND blip_id = (SELECT id FROM radar_blips WHERE name = ?2)",
            params![e.name, entry.name, ring, quadrant, rationale.trim()],
        )?;
        Ok(())
    }

    /// Changes a blip's description (and, when given, records a rationale:
    /// a reassessment without a move).
    pub fn radar_describe(
        &mut self,
        name: &str,
        description: Option<&str>,
        rationale: Option<&str>,
    ) -> Result<()> {
        let (_, e) = self.writable()?;
        let entry = e
            .entry(name)
            .ok_or_else(|| RadarError::NoBlip(name.to_string()))?;
        self.conn().execute(
            "UPDATE radar_entries SET description = coalesce(?3, description), rationale = coalesce(?4, rationale) \
             WHERE edition = ?1 AND blip_id = (SELECT id FROM radar_blips WHERE name = ?2)",
            params![e.name, entry.name, description, rationale.map(str::trim).filter(|r| !r.is_empty())],
        )?;
        Ok(())
    }

    /// Phases a blip out of the newest edition (it stays in history).
    pub fn radar_phase_out(&mut self, name: &str, rationale: &str) -> Result<()> {
        if rationale.trim().is_empty() {
            return Err(RadarError::NeedsRationale(name.to_string()));
        }
        let (_, e) = self.writable()?;
        let entry = e
            .entry(name)
            .filter(|x| !x.phased_out)
            .ok_or_else(|| RadarError::NoBlip(name.to_string()))?;
        self.conn().execute(
            "UPDATE radar_entries SET phased_out = 1, rationale = ?3 \
             WHERE edition = ?1 AND blip_id = (SELECT id FROM radar_blips WHERE name = ?2)",
            params![e.name, entry.name, rationale.trim()],
        )?;
        Ok(())
    }

    /// Ties a paper to a blip as evidence.
    pub fn radar_link(&mut self, blip: &str, paper: &str) -> Result<(String, String)> {
        let paper_id = self.find(paper)?.paper.id;
        let (id, name) = self.blip(blip)?;
        self.conn().execute(
            "INSERT OR IGNORE INTO blip_papers (blip_id, paper_id, linked_at) VALUES (?1, ?2, ?3)",
            params![id, paper_id, now()],
        )?;
        Ok((name, paper_id))
    }

    /// Removes a paper from a blip's evidence; false when it was not there.
    pub fn radar_unlink(&mut self, blip: &str, paper: &str) -> Result<bool> {
        let paper_id = self.find(paper)?.paper.id;
        let (id, _) = self.blip(blip)?;
        Ok(self.conn().execute(
            "DELETE FROM blip_papers WHERE blip_id = ?1 AND paper_id = ?2",
            params![id, paper_id],
        )? > 0)
    }

    pub(super) fn blip(&self, name: &str) -> Result<(i64, String)> {
        self.conn()
            .query_row(
                "SELECT id, name FROM radar_blips WHERE name = ?1",
                [name.trim()],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()?
            .ok_or_else(|| RadarError::NoBlip(name.to_string()))
    }
}

/// Imports one edition inside the caller's transaction.
fn import_one(
    tx: &Transaction<'_>,
    file: &RadarFile,
    edition: Option<&str>,
    stamp: &str,
) -> Result<ImportReport> {
    let name = match edition.or(file.edition.as_deref()) {
        Some(e) => check_edition_name(e)?,
        None => current_month(),
    };
    let existing: Option<(String, String, bool)> = tx
        .query_row(
            "SELECT quadrants, rings, frozen_at IS NOT NULL FROM radar_editions WHERE name = ?1",
            [&name],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .optional()?;
    if existing.as_ref().is_some_and(|e| e.2) {
        return Err(RadarError::Frozen(name));
    }
    let latest_shape: Option<(String, String)> = tx
        .query_row(
            "SELECT quadrants, rings FROM radar_editions ORDER BY name DESC LIMIT 1",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .optional()?;
    let stored = |(q, r): &(String, String), of: &str| -> Result<Shape> {
        Ok(Shape {
            quadrants: parse_list(q, &format!("the quadrants of edition {of}"))?,
            rings: parse_list(r, &format!("the rings of edition {of}"))?,
        })
    };
    let shape = match (&existing, file.shape()) {
        (Some((q, r, _)), _) => stored(&(q.clone(), r.clone()), &name)?,
        (None, Some(s)) => s,
        (None, None) => match &latest_shape {
            Some(latest) => stored(latest, "the newest edition")?,
            None => derive_shape(&file.blips),
        },
    };
    shape.validate()?;
    for b in &file.blips {
        if shape.quadrant(&b.quadrant).is_none() {
            return Err(RadarError::Invalid(format!(
                "{name}: '{}': quadrant '{}' is not one of: {}",
                b.name,
                b.quadrant,
                shape.quadrants.join(", ")
            )));
        }
        if shape.ring(&b.ring).is_none() {
            return Err(RadarError::Invalid(format!(
                "{name}: '{}': ring '{}' is not one of: {}",
                b.name,
                b.ring,
                shape.rings.join(", ")
            )));
        }
    }
    if existing.is_none() {
        tx.execute(
            "INSERT INTO radar_editions (name, quadrants, rings, created_at) VALUES (?1, ?2, ?3, ?4)",
            params![name, json_list(&shape.quadrants), json_list(&shape.rings), stamp],
        )?;
    }
    let mut report = ImportReport {
        edition: name.clone(),
        ..ImportReport::default()
    };
    for b in &file.blips {
        let id = blip_id(tx, b, stamp)?;
        let quadrant = &shape.quadrants[shape.quadrant(&b.quadrant).unwrap_or(0)];
        let ring = &shape.rings[shape.ring(&b.ring).unwrap_or(0)];
        tx.execute(
            "INSERT INTO radar_entries (edition, blip_id, quadrant, ring, description, rationale, phased_out) \
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7) \
             ON CONFLICT (edition, blip_id) DO UPDATE SET quadrant = excluded.quadrant, ring = excluded.ring, \
             description = excluded.description, rationale = coalesce(excluded.rationale, rationale), \
             phased_out = excluded.phased_out",
            params![name, id, quadrant, ring, b.description, b.rationale, b.phased_out],
        )?;
        report.blips += 1;
        for paper in &b.papers {
            let exists: bool = tx
                .query_row("SELECT 1 FROM papers WHERE id = ?1", [paper], |_| Ok(true))
                .optional()?
                .unwrap_or(false);
            if exists {
                report.links += tx.execute(
                    "INSERT OR IGNORE INTO blip_papers (blip_id, paper_id, linked_at) VALUES (?1, ?2, ?3)",
                    params![id, paper, stamp],
                )?;
            } else if !report.missing_papers.contains(paper) {
                report.missing_papers.push(paper.clone());
            }
        }
    }
    Ok(report)
}

/// The id of a blip, created if new; aliases are merged in.
fn blip_id(tx: &Transaction<'_>, blip: &FileBlip, stamp: &str) -> Result<i64> {
    let (name, aliases) = (blip.name.as_str(), &blip.aliases);
    let existing: Option<(i64, String)> = tx
        .query_row(
            "SELECT id, aliases FROM radar_blips WHERE name = ?1",
            [name],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .optional()?;
    match existing {
        Some((id, old)) => {
            let mut merged = parse_list(&old, &format!("the aliases of blip {name}"))?;
            for a in aliases {
                if !merged.iter().any(|m| m.eq_ignore_ascii_case(a)) {
                    merged.push(a.clone());
                }
            }
            tx.execute(
                "UPDATE radar_blips SET aliases = ?2, link = coalesce(?3, link) WHERE id = ?1",
                params![id, json_list(&merged), blip.link],
            )?;
            Ok(id)
        }
        None => {
            tx.execute(
                "INSERT INTO radar_blips (name, aliases, link, created_at) VALUES (?1, ?2, ?3, ?4)",
                params![name, json_list(aliases), blip.link, stamp],
            )?;
            Ok(tx.last_insert_rowid())
        }
    }
}

/// A shape for a file that names none: quadrants in order of appearance,
/// rings in a known order (Thoughtworks' or the seed's) or as they appear.
fn derive_shape(blips: &[FileBlip]) -> Shape {
    let mut quadrants: Vec<String> = Vec::new();
    let mut rings: Vec<String> = Vec::new();
    for b in blips {
        if !quadrants
            .iter()
            .any(|q| q.eq_ignore_ascii_case(&b.quadrant))
        {
            quadrants.push(b.quadrant.trim().to_string());
        }
        if !rings.iter().any(|r| r.eq_ignore_ascii_case(&b.ring)) {
            rings.push(b.ring.trim().to_string());
        }
    }
    for known in [
        ["adopt", "trial", "assess", "hold"].as_slice(),
        ["mature", "emerging", "edge"].as_slice(),
    ] {
        let rank = |r: &String| known.iter().position(|k| k.eq_ignore_ascii_case(r));
        if rings.iter().all(|r| rank(r).is_some()) {
            rings.sort_by_key(rank);
            break;
        }
    }
    Shape { quadrants, rings }
}
