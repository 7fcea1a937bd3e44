//! The monthly review in the library: what happened since the newest
//! edition, as proposals the user accepts or dismisses one by one.
//! Accepting writes through the same edits as the CLI (link, add, move,
//! reassess) and starts the month's edition first when it does not exist;
//! a dismissal is remembered and never proposed again.

use super::{RadarError, Result, current_month, now};
use crate::library::Library;
use crate::radar::budget::Budget;
use crate::radar::review::{self, Blip, Evidence, Paper};
use crate::radar::{check_edition_name, month_window};
use rusqlite::{OptionalExtension, params};
use serde::Serialize;
use std::collections::HashSet;

/// A rising term proposed as a new blip.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct NewBlip {
    /// The proposal's id (`new:TERM`).
    pub id: String,
    /// The term.
    pub term: String,
    /// Papers of the month that use it.
    pub papers: Vec<String>,
    /// The quadrant suggested for it.
    pub quadrant: Option<String>,
    /// Why it rose, and why that quadrant.
    pub why: String,
}

/// A move the trends suggest.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Move {
    /// The proposal's id (`move:BLIP`).
    pub id: String,
    /// The blip.
    pub blip: String,
    /// Its ring now.
    pub from: String,
    /// The ring proposed.
    pub to: String,
    /// The evidence.
    pub why: String,
}

/// A blip nobody has reassessed for a while.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Stale {
    /// The proposal's id (`stale:BLIP`).
    pub id: String,
    /// The blip.
    pub blip: String,
    /// Editions without a reassessment.
    pub editions: usize,
    /// What accepting records.
    pub why: String,
}

/// The month's review.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Review {
    /// The edition the review prepares (`YYYY-MM`).
    pub edition: String,
    /// Whether accepting a proposal starts it (it does not exist yet).
    pub starts_edition: bool,
    /// The edition the review looks back from: the newest before its own.
    pub newest: String,
    /// When that edition was made: papers added after are new.
    pub since: String,
    /// Papers added since.
    pub new_papers: usize,
    /// The month whose terms are compared with the months before.
    pub month: Option<String>,
    /// New papers that look like evidence for a blip.
    pub evidence: Vec<Evidence>,
    /// Rising terms that could be blips.
    pub new_blips: Vec<NewBlip>,
    /// Moves the trends suggest.
    pub moves: Vec<Move>,
    /// Blips to reassess.
    pub stale: Vec<Stale>,
    /// Reading time against the 70/20/10 plan.
    pub budget: Budget,
}

/// What the review needs from the settings.
#[derive(Debug, Clone, Default)]
pub struct ReviewSettings {
    /// The embedding model whose vectors to use, if any.
    pub model: Option<String>,
    /// Editions without reassessment that make a blip stale.
    pub stale_after: usize,
    /// Months the trends and the budget look back.
    pub months: usize,
    /// Percent per ring.
    pub plan: Vec<f64>,
}

impl ReviewSettings {
    /// The settings a review runs with: the configured model's vectors and
    /// the `[radar]` section (the CLI and the app both start here).
    pub fn from_config(config: &crate::config::Config) -> ReviewSettings {
        ReviewSettings {
            model: Some(crate::embed::configured(&config.embed).name),
            stale_after: config.radar.stale_after,
            months: config.radar.months,
            plan: config.radar.plan.iter().map(|p| f64::from(*p)).collect(),
        }
    }
}

/// What the user may change when accepting.
#[derive(Debug, Clone, Default)]
pub struct Acceptance {
    /// The rationale, instead of the one pre-filled from the evidence.
    pub rationale: Option<String>,
    /// A new blip's name, instead of the term.
    pub name: Option<String>,
    /// A new blip's quadrant, or a move's, instead of the suggestion.
    pub quadrant: Option<String>,
    /// A new blip's ring or a move's target, instead of the suggestion.
    pub ring: Option<String>,
}

/// A proposal's kind, subject and object, as dismissals store them.
fn parts(id: &str) -> Option<(&str, &str, &str)> {
    let (kind, rest) = id.split_once(':')?;
    let kind = match kind {
        "evidence" => "evidence",
        "new" => "new_blip",
        "move" => "move",
        "stale" => "stale",
        _ => return None,
    };
    Some(match kind {
        // The paper id is last; a blip's name may hold a colon.
        "evidence" => {
            let (blip, paper) = rest.rsplit_once(':')?;
            (kind, blip, paper)
        }
        _ => (kind, rest, ""),
    })
}

impl Review {
    /// Every proposal's id, in the order they are listed.
    pub fn ids(&self) -> Vec<String> {
        self.evidence
            .iter()
            .map(|e| e.id.clone())
            .chain(self.new_blips.iter().map(|n| n.id.clone()))
            .chain(self.moves.iter().map(|m| m.id.clone()))
            .chain(self.stale.iter().map(|s| s.id.clone()))
            .collect()
    }

    /// A proposal by id, or by its 1-based number in [`Review::ids`].
    pub fn resolve(&self, which: &str) -> Result<String> {
        let ids = self.ids();
        if let Ok(n) = which.trim().parse::<usize>() {
            return ids.get(n.wrapping_sub(1)).cloned().ok_or_else(|| {
                RadarError::Invalid(format!(
                    "the review has {} proposals; there is no number {n}",
                    ids.len()
                ))
            });
        }
        ids.into_iter()
            .find(|id| id.eq_ignore_ascii_case(which.trim()))
            .ok_or_else(|| {
                RadarError::Invalid(format!(
                    "'{which}' is not a proposal of this review (see `litradar radar review`)"
                ))
            })
    }
}

/// The ring new blips enter: the outermost, unless its name says stop
/// (Thoughtworks' hold, or caution), then the one inside it.
fn entry_ring(rings: &[String]) -> String {
    let n = rings.len();
    match rings.last() {
        Some(last)
            if n > 1 && ["hold", "caution", "stop"].contains(&last.to_lowercase().as_str()) =>
        {
            rings[n - 2].clone()
        }
        Some(last) => last.clone(),
        None => String::new(),
    }
}

impl Library {
    /// Papers as the review reads them, with `since` marking the new ones.
    /// Vectors are copied only for the papers the review compares: new
    /// ones, those linked to a blip, and those of the newest month up to
    /// `edition` (the rising terms' papers), not for the whole library.
    fn review_papers(
        &self,
        since: &str,
        edition: &str,
        linked: &HashSet<&str>,
        model: Option<&str>,
    ) -> Result<Vec<Paper>> {
        let vectors = match model {
            Some(m) => self.load_vectors(m)?,
            None => Default::default(),
        };
        let by_id = vectors.by_id();
        let mut stmt = self.conn().prepare(
            "SELECT id, title, abstract, substr(coalesce(published, updated), 1, 7), added_at > ?1 FROM papers ORDER BY id",
        )?;
        let rows = stmt.query_map([since], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, String>(2)?,
                r.get::<_, Option<String>>(3)?,
                r.get::<_, bool>(4)?,
            ))
        })?;
        let mut out = Vec::new();
        for row in rows {
            let (id, title, abstract_text, published, new) = row?;
            let month = published.or_else(|| {
                crate::arxiv::ArxivId::parse(&id)
                    .ok()
                    .and_then(|a| a.month())
            });
            out.push(Paper {
                id,
                title,
                abstract_text,
                month,
                new,
                embedding: None,
            });
        }
        let newest = out
            .iter()
            .filter_map(|p| p.month.clone())
            .filter(|m| m.as_str() <= edition)
            .max();
        for p in &mut out {
            if p.new || linked.contains(p.id.as_str()) || p.month.is_some() && p.month == newest {
                p.embedding = by_id.get(p.id.as_str()).map(|v| v.to_vec());
            }
        }
        Ok(out)
    }

    fn dismissed(&self) -> Result<Vec<(String, String, String)>> {
        let mut stmt = self
            .conn()
            .prepare("SELECT kind, subject, object FROM radar_review_dismissals")?;
        let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// The review of `month` (default this one): what happened since the
    /// newest edition, less what was dismissed before.
    pub fn radar_review(&self, month: Option<&str>, settings: &ReviewSettings) -> Result<Review> {
        let edition = match month {
            Some(m) => check_edition_name(m)?,
            None => current_month(),
        };
        let editions = self.radar_editions()?;
        let Some(newest) = editions.last().map(|e| e.name.clone()) else {
            return Err(RadarError::Empty);
        };
        if edition < newest {
            return Err(RadarError::Invalid(format!(
                "the review prepares an edition from the newest one, {newest}; {edition} is older (review {newest} or later)"
            )));
        }
        let exists = newest == edition;
        // The review looks back from the edition before its own, so
        // accepting a first proposal (which starts the month's edition)
        // does not hide the rest.
        let base = editions
            .iter()
            .rev()
            .find(|e| e.name < edition)
            .map_or_else(|| newest.clone(), |e| e.name.clone());
        let (shape, current) = self.radar_edition(Some(&newest))?;
        if exists && current.frozen {
            return Err(RadarError::Frozen(newest));
        }
        let since: String = self.conn().query_row(
            "SELECT created_at FROM radar_editions WHERE name = ?1",
            [&base],
            |r| r.get(0),
        )?;
        let links = self.radar_links()?;
        let linked: HashSet<&str> = links.values().flatten().map(String::as_str).collect();
        let papers = self.review_papers(&since, &edition, &linked, settings.model.as_deref())?;
        let mut blips = Vec::new();
        let mut known = Vec::new();
        for e in current.visible() {
            let mut terms = vec![e.name.clone()];
            terms.extend(self.radar_aliases(&e.name)?);
            known.extend(terms.iter().cloned());
            blips.push(Blip {
                name: e.name.clone(),
                quadrant: shape.quadrant(&e.quadrant).unwrap_or(0),
                terms,
                papers: links.get(&e.name).cloned().unwrap_or_default(),
            });
        }
        let dismissed = self.dismissed()?;
        let gone = |id: &str| {
            parts(id).is_some_and(|(k, s, o)| {
                dismissed.iter().any(|(dk, ds, dobj)| {
                    dk == k && ds.eq_ignore_ascii_case(s) && dobj.eq_ignore_ascii_case(o)
                })
            })
        };
        let mut evidence = review::evidence(&blips, &papers);
        evidence.retain(|e| !gone(&e.id));
        // The newest month with papers, up to the review's, against the
        // months before it.
        let term_month = papers
            .iter()
            .filter_map(|p| p.month.clone())
            .filter(|m| *m <= edition)
            .max();
        let mut new_blips = Vec::new();
        if let Some(last) = &term_month {
            let mut window = month_window(last, settings.months.max(1) + 1);
            window.pop();
            let count_of = |m: &str| {
                papers
                    .iter()
                    .filter(|p| p.month.as_deref() == Some(m))
                    .count()
            };
            for r in review::rising(&papers, last, &window, &known) {
                let id = format!("new:{}", r.term);
                if gone(&id) {
                    continue;
                }
                let place = review::nearest_quadrant(&r.papers, &blips, &papers);
                let mut why = format!(
                    "in {} of {} papers of {last} ({:.0}%), against {:.1}% a month in the {} months before",
                    r.papers.len(),
                    count_of(last),
                    r.share * 100.0,
                    r.earlier_share * 100.0,
                    window.len()
                );
                if let Some((q, how)) = &place {
                    why.push_str(&format!("; {}: {how}", shape.quadrants[*q]));
                }
                new_blips.push(NewBlip {
                    id,
                    term: r.term,
                    papers: r.papers,
                    quadrant: place.map(|(q, _)| shape.quadrants[q].clone()),
                    why,
                });
            }
        }
        let mut moves = Vec::new();
        if let Some(last) = &term_month {
            let trends = self.radar_trends(settings.months.max(1), Some(last))?;
            for s in trends.suggestions {
                let Some(entry) = current.entry(&s.blip) else {
                    continue;
                };
                let Some(ring) = shape.ring(&entry.ring) else {
                    continue;
                };
                let to = match s.action.as_str() {
                    "consider moving in" if ring > 0 => ring - 1,
                    "consider moving out" if ring + 1 < shape.rings.len() => ring + 1,
                    _ => continue,
                };
                let id = format!("move:{}", entry.name);
                if gone(&id) {
                    continue;
                }
                moves.push(Move {
                    id,
                    blip: entry.name.clone(),
                    from: entry.ring.clone(),
                    to: shape.rings[to].clone(),
                    why: s.evidence,
                });
            }
        }
        let mut stale = Vec::new();
        for (blip, editions) in self.radar_stale(settings.stale_after.max(1))? {
            let id = format!("stale:{blip}");
            if gone(&id) {
                continue;
            }
            stale.push(Stale {
                id,
                why: format!(
                    "not reassessed for {editions} editions: accepting records that it was reassessed in {edition} and stays"
                ),
                blip,
                editions,
            });
        }
        let first = month_window(&edition, settings.months.max(1)).remove(0);
        let budget_since =
            chrono::NaiveDate::parse_from_str(&format!("{first}-01"), "%Y-%m-%d").ok();
        let budget = self.radar_budget(budget_since, &settings.plan)?;
        let new_papers = papers.iter().filter(|p| p.new).count();
        Ok(Review {
            starts_edition: !exists,
            edition,
            newest: base,
            since,
            new_papers,
            month: term_month,
            evidence,
            new_blips,
            moves,
            stale,
            budget,
        })
    }

    /// Accepts one proposal of `review` (by id or number): links the paper,
    /// adds the blip (and links its papers), moves the blip, or records the
    /// reassessment, starting the review's edition first when needed.
    /// Answers what was done, in a sentence.
    pub fn radar_review_accept(
        &mut self,
        review: &Review,
        which: &str,
        edit: &Acceptance,
    ) -> Result<String> {
        let id = review.resolve(which)?;
        let mut done = Vec::new();
        if review.starts_edition && self.radar_latest()? != review.edition {
            self.radar_new_edition(Some(&review.edition))?;
            done.push(format!("started {}", review.edition));
        }
        let rationale = |pre: &str| {
            edit.rationale
                .clone()
                .filter(|r| !r.trim().is_empty())
                .unwrap_or_else(|| pre.to_string())
        };
        if let Some(e) = review.evidence.iter().find(|e| e.id == id) {
            self.radar_link(&e.blip, &e.paper)?;
            done.push(format!("linked {} to {}", e.paper, e.blip));
        } else if let Some(n) = review.new_blips.iter().find(|n| n.id == id) {
            let (shape, _) = self.radar_edition(None)?;
            let name = edit.name.clone().unwrap_or_else(|| n.term.clone());
            let quadrant = edit
                .quadrant
                .clone()
                .or_else(|| n.quadrant.clone())
                .ok_or_else(|| {
                    RadarError::Invalid(format!(
                        "no quadrant could be suggested for '{}'; give one",
                        n.term
                    ))
                })?;
            let ring = edit
                .ring
                .clone()
                .unwrap_or_else(|| entry_ring(&shape.rings));
            self.radar_add(&name, &quadrant, &ring, &n.why, &[])?;
            self.radar_describe(
                &name,
                None,
                Some(&rationale(&format!(
                    "New in the {} review: {}",
                    review.edition, n.why
                ))),
            )?;
            for paper in &n.papers {
                self.radar_link(&name, paper)?;
            }
            done.push(format!(
                "added {name} to {quadrant}, {ring}, with {} papers",
                n.papers.len()
            ));
        } else if let Some(m) = review.moves.iter().find(|m| m.id == id) {
            let to = edit.ring.clone().unwrap_or_else(|| m.to.clone());
            self.radar_move(
                &m.blip,
                Some(&to),
                edit.quadrant.as_deref(),
                &rationale(&m.why),
            )?;
            done.push(format!("moved {} from {} to {to}", m.blip, m.from));
        } else if let Some(s) = review.stale.iter().find(|s| s.id == id) {
            let why = rationale(&format!(
                "Reassessed in the {} review: stays where it is",
                review.edition
            ));
            self.radar_describe(&s.blip, None, Some(&why))?;
            done.push(format!("recorded a reassessment of {}", s.blip));
        }
        Ok(done.join("; "))
    }

    /// Dismisses one proposal (by id or number) for good.
    pub fn radar_review_dismiss(&mut self, review: &Review, which: &str) -> Result<String> {
        let id = review.resolve(which)?;
        let Some((kind, subject, object)) = parts(&id) else {
            return Err(RadarError::Invalid(format!("'{id}' is not a proposal id")));
        };
        self.conn().execute(
            "INSERT OR REPLACE INTO radar_review_dismissals (kind, subject, object, dismissed_at) VALUES (?1, ?2, ?3, ?4)",
            params![kind, subject, object, now()],
        )?;
        Ok(id)
    }

    /// How many proposals were dismissed (for the review's footer).
    pub fn radar_review_dismissed(&self) -> Result<usize> {
        Ok(self
            .conn()
            .query_row("SELECT count(*) FROM radar_review_dismissals", [], |r| {
                r.get::<_, i64>(0)
            })
            .optional()?
            .unwrap_or(0) as usize)
    }
}
