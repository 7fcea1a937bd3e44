//! Full text in SQLite: the structured document per paper and version,
//! the latest attempt per source, and the vectors of the passages. A
//! document is written whole in one transaction together with the attempts
//! that led to it, or not at all.

mod for_search;
mod status;

pub use for_search::{PassageVectors, PendingPassage, passage_text};
pub use status::{StatusRow, TextSummary};

use super::document::{Caption, CaptionKind, Document, Equation, Section, SectionKind, Source};
use crate::library::{Library, LibraryError};
use crate::paper::format_timestamp;
use rusqlite::{OptionalExtension, Transaction, params};
use std::collections::HashMap;

/// How one source answered.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// It gave the text that was kept.
    Served,
    /// It has nothing for this paper (HTTP 404).
    Missing,
    /// It answered, but the answer could not be used, or it did not answer.
    Failed,
    /// It was not tried because an earlier source served.
    Skipped,
}

impl Outcome {
    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            Outcome::Served => "served",
            Outcome::Missing => "missing",
            Outcome::Failed => "failed",
            Outcome::Skipped => "skipped",
        }
    }

    fn parse(text: &str) -> Outcome {
        match text {
            "served" => Outcome::Served,
            "missing" => Outcome::Missing,
            "skipped" => Outcome::Skipped,
            _ => Outcome::Failed,
        }
    }
}

/// One source tried for one paper.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Attempt {
    /// The source.
    pub source: Source,
    /// What it gave.
    pub outcome: Outcome,
    /// Why, in one line ("HTTP 404", "no sections in the page").
    pub reason: String,
}

/// A stored document with where it came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredText {
    /// The arXiv version the text is of.
    pub version: u32,
    /// The source that served it.
    pub source: Source,
    /// The program that extracted it ("pdftotext 22.12.0", "litradar html").
    pub extractor: String,
    /// When.
    pub extracted_at: String,
    /// The document.
    pub document: Document,
}

fn kind_of(text: &str) -> CaptionKind {
    if text == "table" {
        CaptionKind::Table
    } else {
        CaptionKind::Figure
    }
}

fn source_of(text: &str, paper: &str) -> Result<Source, LibraryError> {
    Source::parse(text)
        .ok_or_else(|| LibraryError::Corrupt(paper.into(), format!("unknown text source '{text}'")))
}

impl Library {
    /// Keeps `doc` as the text of `paper_id` at `version` (replacing an
    /// earlier extraction of that version) and records the attempts, in one
    /// transaction. Passage vectors past the new passage count are dropped;
    /// the others are kept and re-embedded only where their text changed.
    pub fn store_fulltext(
        &mut self,
        paper_id: &str,
        version: u32,
        source: Source,
        extractor: &str,
        doc: &Document,
        attempts: &[Attempt],
    ) -> Result<(), LibraryError> {
        let now = format_timestamp(&chrono::Utc::now());
        let pieces = super::passages::passages(doc);
        let hashes: Vec<String> = pieces
            .iter()
            .map(|p| crate::embed::text_hash(&passage_text(p, doc)))
            .collect();
        let passages = pieces.len();
        let tx = self.conn_mut().transaction()?;
        tx.execute(
            "DELETE FROM fulltext WHERE paper_id = ?1 AND version = ?2",
            params![paper_id, version],
        )?;
        tx.execute(
            "INSERT INTO fulltext (paper_id, version, source, extractor, extracted_at, title, abstract, body_words, passages) \
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
            params![
                paper_id,
                version,
                source.as_str(),
                extractor,
                now,
                doc.title,
                doc.abstract_text,
                doc.body_words() as i64,
                passages as i64
            ],
        )?;
        write_parts(&tx, paper_id, version, doc)?;
        write_attempts(&tx, paper_id, version, attempts, &now)?;
        // Vectors of passages whose text changed (or that are gone) go;
        // the others stay, so only what changed is embedded again.
        tx.execute(
            "DELETE FROM passage_embeddings WHERE paper_id = ?1 AND seq >= ?2",
            params![paper_id, passages as i64],
        )?;
        {
            let mut stmt = tx.prepare_cached(
                "DELETE FROM passage_embeddings WHERE paper_id = ?1 AND seq = ?2 AND text_hash <> ?3",
            )?;
            for (seq, hash) in hashes.iter().enumerate() {
                stmt.execute(params![paper_id, seq as i64, hash])?;
            }
        }
        tx.commit()?;
        Ok(())
    }

    /// Records attempts that gave no text (the text kept before stays).
    pub fn record_attempts(
        &mut self,
        paper_id: &str,
        version: u32,
        attempts: &[Attempt],
    ) -> Result<(), LibraryError> {
        let now = format_timestamp(&chrono::Utc::now());
        let tx = self.conn_mut().transaction()?;
        write_attempts(&tx, paper_id, version, attempts, &now)?;
        tx.commit()?;
        Ok(())
    }

    /// The newest text kept for a paper.
    pub fn fulltext(&self, paper_id: &str) -> Result<Option<StoredText>, LibraryError> {
        let head = self
            .conn()
            .query_row(
                "SELECT version, source, extractor, extracted_at, title, abstract FROM fulltext \
                 WHERE paper_id = ?1 ORDER BY version DESC LIMIT 1",
                [paper_id],
                |r| {
                    Ok((
                        r.get::<_, u32>(0)?,
                        r.get::<_, String>(1)?,
                        r.get::<_, String>(2)?,
                        r.get::<_, String>(3)?,
                        r.get::<_, Option<String>>(4)?,
                        r.get::<_, Option<String>>(5)?,
                    ))
                },
            )
            .optional()?;
        let Some((version, source, extractor, extracted_at, title, abstract_text)) = head else {
            return Ok(None);
        };
        let mut document = Document {
            title,
            abstract_text,
            ..Document::default()
        };
        document.sections = self.stored_sections(paper_id, version)?;
        document.captions = self.stored_captions(paper_id, version)?;
        let conn = self.conn();
        let key = params![paper_id, version];
        let mut stmt = conn.prepare_cached(
            "SELECT latex, number, label, section FROM fulltext_equations \
             WHERE paper_id = ?1 AND version = ?2 ORDER BY seq",
        )?;
        for row in stmt.query_map(key, |r| {
            Ok(Equation {
                latex: r.get(0)?,
                number: r.get(1)?,
                label: r.get(2)?,
                section: r.get::<_, Option<i64>>(3)?.map(|s| s as usize),
            })
        })? {
            document.equations.push(row?);
        }
        let mut stmt = conn.prepare_cached(
            "SELECT text FROM fulltext_references WHERE paper_id = ?1 AND version = ?2 ORDER BY seq",
        )?;
        for row in stmt.query_map(key, |r| r.get::<_, String>(0))? {
            document.references.push(row?);
        }
        Ok(Some(StoredText {
            version,
            source: source_of(&source, paper_id)?,
            extractor,
            extracted_at,
            document,
        }))
    }

    /// The sections of one stored text, in order; paragraphs that do not
    /// decode are a corrupt library.
    pub(super) fn stored_sections(
        &self,
        paper_id: &str,
        version: u32,
    ) -> Result<Vec<Section>, LibraryError> {
        let mut stmt = self.conn().prepare_cached(
            "SELECT number, heading, level, kind, paragraphs FROM fulltext_sections \
             WHERE paper_id = ?1 AND version = ?2 ORDER BY seq",
        )?;
        let mut sections = Vec::new();
        for row in stmt.query_map(params![paper_id, version], |r| {
            Ok((
                r.get::<_, Option<String>>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, u8>(2)?,
                r.get::<_, String>(3)?,
                r.get::<_, String>(4)?,
            ))
        })? {
            let (number, heading, level, kind, paragraphs) = row?;
            let paragraphs: Vec<String> = serde_json::from_str(&paragraphs)
                .map_err(|e| LibraryError::Corrupt(paper_id.into(), format!("a section: {e}")))?;
            sections.push(Section {
                number,
                heading,
                level,
                kind: SectionKind::parse(&kind),
                paragraphs,
            });
        }
        Ok(sections)
    }

    /// The captions of one stored text, in order.
    pub(super) fn stored_captions(
        &self,
        paper_id: &str,
        version: u32,
    ) -> Result<Vec<Caption>, LibraryError> {
        let mut stmt = self.conn().prepare_cached(
            "SELECT kind, number, text, section FROM fulltext_captions \
             WHERE paper_id = ?1 AND version = ?2 ORDER BY seq",
        )?;
        let captions = stmt
            .query_map(params![paper_id, version], |r| {
                Ok(Caption {
                    kind: kind_of(&r.get::<_, String>(0)?),
                    number: r.get(1)?,
                    text: r.get(2)?,
                    section: r.get::<_, Option<i64>>(3)?.map(|s| s as usize),
                })
            })?
            .collect::<rusqlite::Result<_>>()?;
        Ok(captions)
    }

    /// Whether a paper has text, and of which version.
    pub fn fulltext_version(&self, paper_id: &str) -> Result<Option<u32>, LibraryError> {
        Ok(self.conn().query_row(
            "SELECT max(version) FROM fulltext WHERE paper_id = ?1",
            [paper_id],
            |r| r.get(0),
        )?)
    }
}

fn write_parts(
    tx: &Transaction<'_>,
    paper_id: &str,
    version: u32,
    doc: &Document,
) -> Result<(), LibraryError> {
    let mut stmt = tx.prepare_cached(
        "INSERT INTO fulltext_sections (paper_id, version, seq, number, heading, level, kind, paragraphs) \
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
    )?;
    for (seq, s) in doc.sections.iter().enumerate() {
        let paragraphs = serde_json::to_string(&s.paragraphs).unwrap_or_else(|_| "[]".into());
        stmt.execute(params![
            paper_id,
            version,
            seq as i64,
            s.number,
            s.heading,
            s.level,
            s.kind.as_str(),
            paragraphs
        ])?;
    }
    let mut stmt = tx.prepare_cached(
        "INSERT INTO fulltext_captions (paper_id, version, seq, kind, number, text, section) \
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
    )?;
    for (seq, c) in doc.captions.iter().enumerate() {
        stmt.execute(params![
            paper_id,
            version,
            seq as i64,
            c.kind.as_str(),
            c.number,
            c.text,
            c.section.map(|s| s as i64)
        ])?;
    }
    let mut stmt = tx.prepare_cached(
        "INSERT INTO fulltext_equations (paper_id, version, seq, latex, number, label, section) \
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
    )?;
    for (seq, e) in doc.equations.iter().enumerate() {
        stmt.execute(params![
            paper_id,
            version,
            seq as i64,
            e.latex,
            e.number,
            e.label,
            e.section.map(|s| s as i64)
        ])?;
    }
    let mut stmt = tx.prepare_cached(
        "INSERT INTO fulltext_references (paper_id, version, seq, text) VALUES (?1, ?2, ?3, ?4)",
    )?;
    for (seq, text) in doc.references.iter().enumerate() {
        stmt.execute(params![paper_id, version, seq as i64, text])?;
    }
    Ok(())
}

fn write_attempts(
    tx: &Transaction<'_>,
    paper_id: &str,
    version: u32,
    attempts: &[Attempt],
    now: &str,
) -> Result<(), LibraryError> {
    let mut stmt = tx.prepare_cached(
        "INSERT INTO fulltext_attempts (paper_id, source, version, attempted_at, outcome, reason) \
         VALUES (?1, ?2, ?3, ?4, ?5, ?6) \
         ON CONFLICT (paper_id, source) DO UPDATE SET version = excluded.version, \
         attempted_at = excluded.attempted_at, outcome = excluded.outcome, reason = excluded.reason",
    )?;
    for a in attempts {
        stmt.execute(params![
            paper_id,
            a.source.as_str(),
            version,
            now,
            a.outcome.as_str(),
            a.reason
        ])?;
    }
    Ok(())
}

#[cfg(test)]
mod tests;
