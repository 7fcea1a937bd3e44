//! Radar editions in SQLite: blips (with aliases), editions (with their
//! quadrant and ring names), per-edition entries, and the papers behind
//! each blip. Every change is one transaction; frozen editions refuse
//! changes; a move needs a rationale.

use super::formats::FileBlip;
use super::{Edition, Entry, Movement, Shape, check_edition_name, compare};
use crate::library::{Library, LibraryError};
use crate::paper::format_timestamp;
use rusqlite::OptionalExtension;
use std::collections::HashMap;

/// Why a radar change was refused.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum RadarError {
    /// The store failed.
    #[error(transparent)]
    Library(#[from] LibraryError),
    /// Quadrant and ring names that do not make a radar.
    #[error(transparent)]
    Shape(#[from] super::ShapeError),
    /// There is no radar yet.
    #[error(
        "there is no radar yet; start one with `litradar radar import radar/seed.toml` (or your own file)"
    )]
    Empty,
    /// No such edition.
    #[error("no radar edition '{0}' (see `litradar radar edition list`)")]
    NoEdition(String),
    /// The edition exists.
    #[error("the edition {0} exists already")]
    EditionExists(String),
    /// The edition is frozen.
    #[error(
        "the edition {0} is frozen (published) and cannot change; start the next with `litradar radar edition new`"
    )]
    Frozen(String),
    /// No such blip.
    #[error("no blip '{0}' on the radar (see `litradar radar show`)")]
    NoBlip(String),
    /// The blip is on the edition already.
    #[error("'{0}' is on this edition already; use `radar move` to change its ring or quadrant")]
    BlipExists(String),
    /// A move without a reason.
    #[error("moving '{0}' needs a rationale: say why with --rationale \"...\"")]
    NeedsRationale(String),
    /// A name that is not on the radar.
    #[error("{0}")]
    Invalid(String),
    /// The reading log failed (a store error, not the user's).
    #[error(transparent)]
    Reading(#[from] crate::reading::store::ReadError),
}

impl From<super::month::BadMonth> for RadarError {
    fn from(e: super::month::BadMonth) -> Self {
        RadarError::Invalid(e.to_string())
    }
}

impl From<rusqlite::Error> for RadarError {
    fn from(e: rusqlite::Error) -> Self {
        RadarError::Library(LibraryError::Sqlite(e))
    }
}

type Result<T, E = RadarError> = std::result::Result<T, E>;

/// One edition in a listing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EditionInfo {
    /// `YYYY-MM`.
    pub name: String,
    /// Frozen (published).
    pub frozen: bool,
    /// Blips shown.
    pub blips: usize,
}

/// What an import did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ImportReport {
    /// The edition imported into.
    pub edition: String,
    /// Blips put on the edition.
    pub blips: usize,
    /// Paper links made.
    pub links: usize,
    /// Paper ids not in the library (not linked).
    pub missing_papers: Vec<String>,
}

/// A paper behind a blip.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Evidence {
    /// Paper id.
    pub paper_id: String,
    /// Title.
    pub title: String,
    /// Reading-state words (see `reading::reading_states`).
    pub reading: Vec<String>,
}

/// A blip in one edition of its history.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HistoryRow {
    /// The edition.
    pub edition: String,
    /// The entry there.
    pub entry: Entry,
    /// Movement relative to the edition before.
    pub movement: Movement,
}

fn now() -> String {
    format_timestamp(&chrono::Utc::now())
}

fn json_list(v: &[String]) -> String {
    serde_json::to_string(v).unwrap_or_else(|_| "[]".into())
}

fn parse_list(text: &str, what: &str) -> Result<Vec<String>> {
    Ok(crate::library::stored_json(text, what)?)
}

/// The month litradar is in (`YYYY-MM`, local time).
pub fn current_month() -> String {
    super::Month::current().to_string()
}

impl Library {
    /// Every edition, oldest first.
    pub fn radar_editions(&self) -> Result<Vec<EditionInfo>> {
        let mut stmt = self.conn().prepare(
            "SELECT e.name, e.frozen_at IS NOT NULL, \
             (SELECT count(*) FROM radar_entries r WHERE r.edition = e.name AND r.phased_out = 0) \
             FROM radar_editions e ORDER BY e.name",
        )?;
        let rows = stmt.query_map([], |r| {
            Ok(EditionInfo {
                name: r.get(0)?,
                frozen: r.get(1)?,
                blips: r.get(2)?,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// The newest edition's name.
    pub fn radar_latest(&self) -> Result<String> {
        self.conn()
            .query_row(
                "SELECT name FROM radar_editions ORDER BY name DESC LIMIT 1",
                [],
                |r| r.get(0),
            )
            .optional()?
            .ok_or(RadarError::Empty)
    }

    /// An edition (default: the newest) with its shape.
    pub fn radar_edition(&self, name: Option<&str>) -> Result<(Shape, Edition)> {
        let name = match name {
            Some(n) => check_edition_name(n)?,
            None => self.radar_latest()?,
        };
        let row: Option<(String, String, bool)> = self
            .conn()
            .query_row(
                "SELECT quadrants, rings, frozen_at IS NOT NULL FROM radar_editions WHERE name = ?1",
                [&name],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
            )
            .optional()?;
        let Some((quadrants, rings, frozen)) = row else {
            return Err(RadarError::NoEdition(name));
        };
        let mut stmt = self.conn().prepare(
            "SELECT b.name, r.quadrant, r.ring, r.description, r.rationale, r.phased_out \
             FROM radar_entries r JOIN radar_blips b ON b.id = r.blip_id WHERE r.edition = ?1 ORDER BY b.name COLLATE NOCASE",
        )?;
        let entries = stmt
            .query_map([&name], |r| {
                Ok(Entry {
                    name: r.get(0)?,
                    quadrant: r.get(1)?,
                    ring: r.get(2)?,
                    description: r.get(3)?,
                    rationale: r.get(4)?,
                    phased_out: r.get(5)?,
                })
            })?
            .collect::<rusqlite::Result<_>>()?;
        Ok((
            Shape {
                quadrants: parse_list(&quadrants, &format!("the quadrants of edition {name}"))?,
                rings: parse_list(&rings, &format!("the rings of edition {name}"))?,
            },
            Edition {
                name,
                frozen,
                entries,
            },
        ))
    }

    /// Every edition in full, oldest first.
    pub fn radar_all(&self) -> Result<Vec<(Shape, Edition)>> {
        self.radar_editions()?
            .into_iter()
            .map(|e| self.radar_edition(Some(&e.name)))
            .collect()
    }

    /// The edition before `name`, if any.
    pub fn radar_previous(&self, name: &str) -> Result<Option<Edition>> {
        let prev: Option<String> = self
            .conn()
            .query_row(
                "SELECT name FROM radar_editions WHERE name < ?1 ORDER BY name DESC LIMIT 1",
                [name],
                |r| r.get(0),
            )
            .optional()?;
        Ok(match prev {
            Some(p) => Some(self.radar_edition(Some(&p))?.1),
            None => None,
        })
    }

    /// A blip's aliases.
    pub fn radar_aliases(&self, blip: &str) -> Result<Vec<String>> {
        let text: String = self
            .conn()
            .query_row(
                "SELECT aliases FROM radar_blips WHERE name = ?1",
                [blip.trim()],
                |r| r.get(0),
            )
            .optional()?
            .ok_or_else(|| RadarError::NoBlip(blip.to_string()))?;
        parse_list(&text, &format!("the aliases of blip {blip}"))
    }

    /// The papers behind a blip, with where the user is in reading them.
    pub fn radar_evidence(&self, blip: &str) -> Result<Vec<Evidence>> {
        let (id, _) = self.blip(blip)?;
        let mut stmt = self.conn().prepare(
            "SELECT p.id, p.title FROM blip_papers bp JOIN papers p ON p.id = bp.paper_id \
             WHERE bp.blip_id = ?1 ORDER BY p.published, p.id",
        )?;
        let rows: Vec<(String, String)> = stmt
            .query_map([id], |r| Ok((r.get(0)?, r.get(1)?)))?
            .collect::<rusqlite::Result<_>>()?;
        let mut out = Vec::new();
        for (paper_id, title) in rows {
            let (_, passes) = self
                .passes(&paper_id)
                .map_err(|e| RadarError::Invalid(e.to_string()))?;
            let statuses = [passes[0].status, passes[1].status, passes[2].status];
            out.push(Evidence {
                reading: crate::reading::reading_states(statuses),
                paper_id,
                title,
            });
        }
        Ok(out)
    }

    /// Paper ids linked to each blip (blip name → ids).
    pub fn radar_links(&self) -> Result<HashMap<String, Vec<String>>> {
        let mut stmt = self.conn().prepare(
            "SELECT b.name, bp.paper_id FROM blip_papers bp JOIN radar_blips b ON b.id = bp.blip_id ORDER BY bp.paper_id",
        )?;
        let mut out: HashMap<String, Vec<String>> = HashMap::new();
        for row in stmt.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?)))? {
            let (blip, paper) = row?;
            out.entry(blip).or_default().push(paper);
        }
        Ok(out)
    }

    /// A blip across all editions, oldest first.
    pub fn radar_history(&self, blip: &str) -> Result<Vec<HistoryRow>> {
        let (_, name) = self.blip(blip)?;
        let all = self.radar_all()?;
        let mut out = Vec::new();
        let mut previous: Option<&Edition> = None;
        for (shape, edition) in &all {
            if let Some(entry) = edition.entry(&name) {
                let movement = if entry.phased_out {
                    Movement::Gone
                } else {
                    compare(shape, previous, edition)
                        .into_iter()
                        .find(|c| c.blip.eq_ignore_ascii_case(&name))
                        .map_or(Movement::Unchanged, |c| c.movement)
                };
                out.push(HistoryRow {
                    edition: edition.name.clone(),
                    entry: entry.clone(),
                    movement,
                });
            }
            previous = Some(edition);
        }
        Ok(out)
    }

    /// Blips of the newest edition nobody reassessed for `limit` editions
    /// or more, with how many.
    pub fn radar_stale(&self, limit: usize) -> Result<Vec<(String, usize)>> {
        let editions: Vec<Edition> = self.radar_all()?.into_iter().map(|(_, e)| e).collect();
        Ok(super::stale(&editions, &self.radar_read_months()?, limit))
    }

    /// The changes from edition `from` (default: the one before `to`) to
    /// `to` (default: the newest), with the names compared.
    pub fn radar_diff(
        &self,
        from: Option<&str>,
        to: Option<&str>,
    ) -> Result<(Option<String>, String, Vec<super::Change>)> {
        let (shape, after) = self.radar_edition(to)?;
        let before = match from {
            Some(f) => Some(self.radar_edition(Some(f))?.1),
            None => self.radar_previous(&after.name)?,
        };
        let changes = compare(&shape, before.as_ref(), &after);
        Ok((before.map(|b| b.name), after.name, changes))
    }

    /// Months in which each blip's papers were read (blip name lowercased).
    pub fn radar_read_months(&self) -> Result<HashMap<String, Vec<String>>> {
        let mut stmt = self.conn().prepare(
            "SELECT DISTINCT lower(b.name), substr(s.started_at, 1, 7) FROM sessions s \
             JOIN blip_papers bp ON bp.paper_id = s.paper_id JOIN radar_blips b ON b.id = bp.blip_id \
             WHERE s.ended_at IS NOT NULL",
        )?;
        let mut out: HashMap<String, Vec<String>> = HashMap::new();
        for row in stmt.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?)))? {
            let (blip, month) = row?;
            out.entry(blip).or_default().push(month);
        }
        Ok(out)
    }

    /// An edition as file blips (for export), with movement, evidence and
    /// links; blips phased out of it are included, flagged.
    pub fn radar_file(&self, edition: Option<&str>) -> Result<(Shape, String, Vec<FileBlip>)> {
        let (shape, e) = self.radar_edition(edition)?;
        let previous = self.radar_previous(&e.name)?;
        let blips = self.file_blips(&shape, previous.as_ref(), &e)?;
        Ok((shape, e.name, blips))
    }

    /// Every edition as files, oldest first (for the formats with history),
    /// with the newest edition's shape.
    pub fn radar_history_files(&self) -> Result<(Shape, Vec<super::formats::RadarFile>)> {
        let all = self.radar_all()?;
        let Some((shape, _)) = all.last() else {
            return Err(RadarError::Empty);
        };
        let shape = shape.clone();
        let mut files = Vec::with_capacity(all.len());
        let mut previous: Option<&Edition> = None;
        for (s, e) in &all {
            files.push(super::formats::RadarFile {
                edition: Some(e.name.clone()),
                quadrants: s.quadrants.clone(),
                rings: s.rings.clone(),
                blips: self.file_blips(s, previous, e)?,
            });
            previous = Some(e);
        }
        Ok((shape, files))
    }

    fn file_blips(
        &self,
        shape: &Shape,
        previous: Option<&Edition>,
        e: &Edition,
    ) -> Result<Vec<FileBlip>> {
        let changes = compare(shape, previous, e);
        let links = self.radar_links()?;
        let mut blips = Vec::new();
        for entry in &e.entries {
            let movement = changes
                .iter()
                .find(|c| c.blip == entry.name && !entry.phased_out)
                .map(|c| c.movement);
            blips.push(FileBlip {
                name: entry.name.clone(),
                quadrant: entry.quadrant.clone(),
                ring: entry.ring.clone(),
                description: entry.description.clone(),
                is_new: Some(movement == Some(Movement::New)),
                rationale: entry.rationale.clone(),
                aliases: self.radar_aliases(&entry.name)?,
                papers: links.get(&entry.name).cloned().unwrap_or_default(),
                link: self.radar_blip_link(&entry.name)?,
                phased_out: entry.phased_out,
                movement,
            });
        }
        Ok(blips)
    }

    /// A blip's link, if it has one.
    pub fn radar_blip_link(&self, blip: &str) -> Result<Option<String>> {
        Ok(self
            .conn()
            .query_row(
                "SELECT link FROM radar_blips WHERE name = ?1",
                [blip.trim()],
                |r| r.get::<_, Option<String>>(0),
            )
            .optional()?
            .flatten())
    }
}

impl Library {
    /// Reading time since `since` (a day), per ring and quadrant of the
    /// newest edition, against `plan` (percent per ring).
    pub fn radar_budget(
        &self,
        since: Option<chrono::NaiveDate>,
        plan: &[f64],
    ) -> Result<super::budget::Budget> {
        let (shape, edition) = self.radar_edition(None)?;
        let mut minutes: HashMap<String, f64> = HashMap::new();
        let sessions = self.sessions(since)?;
        for s in sessions {
            if since.is_none_or(|d| s.started.date_naive() >= d) {
                *minutes.entry(s.paper_id.clone()).or_default() +=
                    s.seconds(chrono::Utc::now()) as f64 / 60.0;
            }
        }
        let mut links: HashMap<String, Vec<(String, String)>> = HashMap::new();
        for (blip, papers) in self.radar_links()? {
            if let Some(e) = edition.entry(&blip).filter(|e| !e.phased_out) {
                for p in papers {
                    links
                        .entry(p)
                        .or_default()
                        .push((e.quadrant.clone(), e.ring.clone()));
                }
            }
        }
        Ok(super::budget::compute(&shape, plan, &minutes, &links))
    }

    /// Trends over the `months` months ending with `until` (default: this month).
    pub fn radar_trends(
        &self,
        months: usize,
        until: Option<&str>,
    ) -> Result<super::trends::Trends> {
        let (_, edition) = self.radar_edition(None)?;
        let last = match until {
            Some(m) => check_edition_name(m)?,
            None => current_month(),
        };
        let window = super::month_window(&last, months);
        let mut blips = Vec::new();
        for e in edition.visible() {
            blips.push((e.name.clone(), self.radar_aliases(&e.name)?));
        }
        let mut stmt = self.conn().prepare(
            "SELECT id, substr(coalesce(published, updated), 1, 7), substr(added_at, 1, 7), title || ' ' || abstract FROM papers",
        )?;
        let papers: Vec<super::trends::TrendPaper> = stmt
            .query_map([], |r| {
                Ok(super::trends::TrendPaper {
                    id: r.get(0)?,
                    month: r.get(1)?,
                    added_month: r.get(2)?,
                    text: r.get(3)?,
                })
            })?
            .collect::<rusqlite::Result<_>>()?;
        Ok(super::trends::compute(&papers, &blips, &window))
    }
}

mod edit;
mod review;
pub use review::{Acceptance, Move, NewBlip, Review, ReviewSettings, Stale};
#[cfg(test)]
mod tests;
