//! Full text in SQLite: the structured document per paper and version,
//! the latest attempt per source, and the vectors of the passages. A
//! document is written whole in one transaction together with the attempts
//! that led to it, or not at all.

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

/// A paper in `fulltext status`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatusRow {
    /// Paper id.
    pub paper_id: String,
    /// Title.
    pub title: String,
    /// The paper's latest known version.
    pub latest_version: Option<u32>,
    /// The newest text kept: (version, source, sections, captions, equations, words).
    pub text: Option<TextSummary>,
    /// The latest attempt per source, in the order html, latex, pdf.
    pub attempts: Vec<(Attempt, String)>,
}

/// Counts of a stored text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TextSummary {
    /// The version the text is of.
    pub version: u32,
    /// Its source.
    pub source: Source,
    /// Sections.
    pub sections: u32,
    /// Captions.
    pub captions: u32,
    /// Equations.
    pub equations: u32,
    /// References.
    pub references: u32,
    /// Words in the sections.
    pub words: u32,
}

/// A passage whose vector is missing or stale.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PendingPassage {
    /// The paper.
    pub paper_id: String,
    /// The passage's number.
    pub seq: u32,
    /// The text embedded ("heading. passage").
    pub text: String,
    /// Its hash.
    pub hash: String,
}

/// Every passage vector of one model.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct PassageVectors {
    /// Paper id per row.
    pub ids: Vec<String>,
    /// Passage number per row.
    pub seqs: Vec<u32>,
    /// Row-major, `ids.len() × dim`.
    pub data: Vec<f32>,
    /// Vector length.
    pub dim: usize,
}

/// The text embedded for a passage: its heading (without the number) and text.
pub fn passage_text(p: &super::passages::Passage, doc: &Document) -> String {
    let heading = doc
        .sections
        .get(p.section)
        .map_or("", |s| s.heading.as_str());
    if heading.is_empty() {
        p.text.clone()
    } else {
        format!("{}. {}", heading.trim_end_matches('.'), p.text)
    }
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
        let conn = self.conn();
        let key = params![paper_id, version];
        let mut stmt = conn.prepare_cached(
            "SELECT number, heading, level, kind, paragraphs FROM fulltext_sections \
             WHERE paper_id = ?1 AND version = ?2 ORDER BY seq",
        )?;
        for row in stmt.query_map(key, |r| {
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
            document.sections.push(Section {
                number,
                heading,
                level,
                kind: SectionKind::parse(&kind),
                paragraphs,
            });
        }
        let mut stmt = conn.prepare_cached(
            "SELECT kind, number, text, section FROM fulltext_captions \
             WHERE paper_id = ?1 AND version = ?2 ORDER BY seq",
        )?;
        for row in stmt.query_map(key, |r| {
            Ok(Caption {
                kind: kind_of(&r.get::<_, String>(0)?),
                number: r.get(1)?,
                text: r.get(2)?,
                section: r.get::<_, Option<i64>>(3)?.map(|s| s as usize),
            })
        })? {
            document.captions.push(row?);
        }
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

    /// Whether a paper has text, and of which version.
    pub fn fulltext_version(&self, paper_id: &str) -> Result<Option<u32>, LibraryError> {
        Ok(self.conn().query_row(
            "SELECT max(version) FROM fulltext WHERE paper_id = ?1",
            [paper_id],
            |r| r.get(0),
        )?)
    }

    /// Every paper with text or with attempts, in id order.
    pub fn fulltext_status(&self) -> Result<Vec<StatusRow>, LibraryError> {
        let conn = self.conn();
        let mut rows: Vec<StatusRow> = Vec::new();
        let mut stmt = conn.prepare(
            "SELECT p.id, p.title, p.version FROM papers p WHERE p.id IN \
             (SELECT paper_id FROM fulltext UNION SELECT paper_id FROM fulltext_attempts) ORDER BY p.id",
        )?;
        let mut index: HashMap<String, usize> = HashMap::new();
        for row in stmt.query_map([], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, Option<u32>>(2)?,
            ))
        })? {
            let (paper_id, title, latest_version) = row?;
            index.insert(paper_id.clone(), rows.len());
            rows.push(StatusRow {
                paper_id,
                title,
                latest_version,
                text: None,
                attempts: Vec::new(),
            });
        }
        let mut stmt = conn.prepare(
            "SELECT f.paper_id, f.version, f.source, f.body_words, \
               (SELECT count(*) FROM fulltext_sections s WHERE s.paper_id = f.paper_id AND s.version = f.version), \
               (SELECT count(*) FROM fulltext_captions c WHERE c.paper_id = f.paper_id AND c.version = f.version), \
               (SELECT count(*) FROM fulltext_equations e WHERE e.paper_id = f.paper_id AND e.version = f.version), \
               (SELECT count(*) FROM fulltext_references b WHERE b.paper_id = f.paper_id AND b.version = f.version) \
             FROM fulltext f WHERE f.version = (SELECT max(version) FROM fulltext g WHERE g.paper_id = f.paper_id)",
        )?;
        for row in stmt.query_map([], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, u32>(1)?,
                r.get::<_, String>(2)?,
                r.get::<_, u32>(3)?,
                r.get::<_, u32>(4)?,
                r.get::<_, u32>(5)?,
                r.get::<_, u32>(6)?,
                r.get::<_, u32>(7)?,
            ))
        })? {
            let (id, version, source, words, sections, captions, equations, references) = row?;
            if let Some(&i) = index.get(&id) {
                rows[i].text = Some(TextSummary {
                    version,
                    source: source_of(&source, &id)?,
                    sections,
                    captions,
                    equations,
                    references,
                    words,
                });
            }
        }
        let mut stmt = conn.prepare(
            "SELECT paper_id, source, outcome, reason, attempted_at FROM fulltext_attempts \
             ORDER BY paper_id, CASE source WHEN 'html' THEN 0 WHEN 'latex' THEN 1 ELSE 2 END",
        )?;
        for row in stmt.query_map([], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, String>(2)?,
                r.get::<_, String>(3)?,
                r.get::<_, String>(4)?,
            ))
        })? {
            let (id, source, outcome, reason, at) = row?;
            if let Some(&i) = index.get(&id) {
                rows[i].attempts.push((
                    Attempt {
                        source: source_of(&source, &id)?,
                        outcome: Outcome::parse(&outcome),
                        reason,
                    },
                    at,
                ));
            }
        }
        Ok(rows)
    }

    /// The body text the word index holds per paper (newest version):
    /// section headings and paragraphs, then captions. Only papers in
    /// `ids` when given (read one by one, so a catch-up after one paper
    /// changed reads one paper's text).
    pub fn fulltext_bodies(
        &self,
        ids: Option<&std::collections::HashSet<String>>,
    ) -> Result<HashMap<String, String>, LibraryError> {
        let mut out: HashMap<String, String> = HashMap::new();
        match ids {
            Some(set) => {
                for id in set {
                    self.bodies_where(Some(id), &mut out)?;
                }
            }
            None => self.bodies_where(None, &mut out)?,
        }
        Ok(out)
    }

    fn bodies_where(
        &self,
        id: Option<&str>,
        out: &mut HashMap<String, String>,
    ) -> Result<(), LibraryError> {
        let conn = self.conn();
        let only = if id.is_some() {
            "WHERE paper_id = ?1"
        } else {
            ""
        };
        let latest = format!(
            "SELECT paper_id, max(version) AS version FROM fulltext {only} GROUP BY paper_id"
        );
        let params: Vec<&dyn rusqlite::ToSql> = match &id {
            Some(id) => vec![id as &dyn rusqlite::ToSql],
            None => Vec::new(),
        };
        let mut stmt = conn.prepare_cached(&format!(
            "SELECT s.paper_id, s.heading, s.paragraphs FROM fulltext_sections s \
             JOIN ({latest}) l ON l.paper_id = s.paper_id AND l.version = s.version \
             ORDER BY s.paper_id, s.seq"
        ))?;
        for row in stmt.query_map(params.as_slice(), |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, String>(2)?,
            ))
        })? {
            let (id, heading, paragraphs) = row?;
            let paragraphs: Vec<String> = serde_json::from_str(&paragraphs).unwrap_or_default();
            let body = out.entry(id).or_default();
            body.push_str(&heading);
            body.push('\n');
            for p in paragraphs {
                body.push_str(&p);
                body.push('\n');
            }
        }
        let mut stmt = conn.prepare_cached(&format!(
            "SELECT c.paper_id, c.text FROM fulltext_captions c \
             JOIN ({latest}) l ON l.paper_id = c.paper_id AND l.version = c.version \
             ORDER BY c.paper_id, c.seq"
        ))?;
        for row in stmt.query_map(params.as_slice(), |r| {
            Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?))
        })? {
            let (id, text) = row?;
            let body = out.entry(id).or_default();
            body.push_str(&text);
            body.push('\n');
        }
        Ok(())
    }

    /// A paper's sections and captions (newest version), for passages:
    /// lighter than [`fulltext`](Self::fulltext).
    pub fn fulltext_for_passages(&self, paper_id: &str) -> Result<Option<Document>, LibraryError> {
        let Some(version) = self.fulltext_version(paper_id)? else {
            return Ok(None);
        };
        let mut doc = Document::default();
        let mut stmt = self.conn().prepare_cached(
            "SELECT number, heading, level, kind, paragraphs FROM fulltext_sections \
             WHERE paper_id = ?1 AND version = ?2 ORDER BY seq",
        )?;
        for row in stmt.query_map(params![paper_id, version], |r| {
            Ok(Section {
                number: r.get(0)?,
                heading: r.get(1)?,
                level: r.get(2)?,
                kind: SectionKind::parse(&r.get::<_, String>(3)?),
                paragraphs: serde_json::from_str(&r.get::<_, String>(4)?).unwrap_or_default(),
            })
        })? {
            doc.sections.push(row?);
        }
        let mut stmt = self.conn().prepare_cached(
            "SELECT kind, number, text, section FROM fulltext_captions \
             WHERE paper_id = ?1 AND version = ?2 ORDER BY seq",
        )?;
        for row in stmt.query_map(params![paper_id, version], |r| {
            Ok(Caption {
                kind: kind_of(&r.get::<_, String>(0)?),
                number: r.get(1)?,
                text: r.get(2)?,
                section: r.get::<_, Option<i64>>(3)?.map(|s| s as usize),
            })
        })? {
            doc.captions.push(row?);
        }
        Ok(Some(doc))
    }

    /// Passages without a current vector for `model`.
    pub fn pending_passages(&self, model: &str) -> Result<Vec<PendingPassage>, LibraryError> {
        let mut stored: HashMap<(String, u32), String> = HashMap::new();
        let mut stmt = self
            .conn()
            .prepare("SELECT paper_id, seq, text_hash FROM passage_embeddings WHERE model = ?1")?;
        for row in stmt.query_map([model], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, u32>(1)?,
                r.get::<_, String>(2)?,
            ))
        })? {
            let (id, seq, hash) = row?;
            stored.insert((id, seq), hash);
        }
        // Only papers with fewer vectors than passages are read (storing a
        // text drops the vectors of passages that changed): a library of
        // embedded texts answers at once.
        let ids: Vec<String> = self
            .conn()
            .prepare(
                "SELECT f.paper_id FROM fulltext f \
                 WHERE f.version = (SELECT max(version) FROM fulltext g WHERE g.paper_id = f.paper_id) \
                 AND f.passages > (SELECT count(*) FROM passage_embeddings e \
                     WHERE e.paper_id = f.paper_id AND e.model = ?1) \
                 ORDER BY f.paper_id",
            )?
            .query_map([model], |r| r.get(0))?
            .collect::<rusqlite::Result<_>>()?;
        let mut out = Vec::new();
        for id in ids {
            let Some(text) = self.fulltext(&id)? else {
                continue;
            };
            for p in super::passages::passages(&text.document) {
                let embedded = passage_text(&p, &text.document);
                let hash = crate::embed::text_hash(&embedded);
                if stored.get(&(id.clone(), p.seq as u32)) != Some(&hash) {
                    out.push(PendingPassage {
                        paper_id: id.clone(),
                        seq: p.seq as u32,
                        text: embedded,
                        hash,
                    });
                }
            }
        }
        Ok(out)
    }

    /// Stores passage vectors in one transaction (replacing older ones).
    pub fn store_passage_embeddings(
        &mut self,
        model: &str,
        items: &[(&PendingPassage, Vec<f32>)],
    ) -> Result<(), LibraryError> {
        let now = format_timestamp(&chrono::Utc::now());
        let tx = self.conn_mut().transaction()?;
        {
            let mut stmt = tx.prepare_cached(
                "INSERT INTO passage_embeddings (paper_id, model, seq, text_hash, dim, vector, embedded_at) \
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7) \
                 ON CONFLICT (paper_id, model, seq) DO UPDATE SET text_hash = excluded.text_hash, \
                 dim = excluded.dim, vector = excluded.vector, embedded_at = excluded.embedded_at",
            )?;
            for (p, v) in items {
                let blob: Vec<u8> = v.iter().flat_map(|x| x.to_le_bytes()).collect();
                // A paper removed while its passages were embedded has no row to point at.
                match stmt.execute(params![
                    p.paper_id,
                    model,
                    p.seq,
                    p.hash,
                    v.len(),
                    blob,
                    now
                ]) {
                    Ok(_) => {}
                    Err(rusqlite::Error::SqliteFailure(e, _))
                        if e.code == rusqlite::ErrorCode::ConstraintViolation => {}
                    Err(e) => return Err(e.into()),
                }
            }
        }
        tx.commit()?;
        Ok(())
    }

    /// Every passage vector of `model`, in (paper, passage) order.
    pub fn load_passage_vectors(&self, model: &str) -> Result<PassageVectors, LibraryError> {
        let (count, dim): (usize, usize) = self.conn().query_row(
            "SELECT count(*), coalesce(max(dim), 0) FROM passage_embeddings WHERE model = ?1",
            [model],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )?;
        let mut stmt = self.conn().prepare(
            "SELECT paper_id, seq, dim, vector FROM passage_embeddings WHERE model = ?1 ORDER BY paper_id, seq",
        )?;
        let mut rows = stmt.query([model])?;
        let mut out = PassageVectors {
            ids: Vec::with_capacity(count),
            seqs: Vec::with_capacity(count),
            data: Vec::with_capacity(count * dim),
            dim,
        };
        while let Some(row) = rows.next()? {
            let id: String = row.get(0)?;
            let seq: u32 = row.get(1)?;
            let row_dim: usize = row.get(2)?;
            let rusqlite::types::ValueRef::Blob(blob) = row.get_ref(3)? else {
                return Err(LibraryError::Corrupt(
                    id,
                    "a passage vector is not a blob".into(),
                ));
            };
            if row_dim != dim || blob.len() != dim * 4 {
                return Err(LibraryError::Corrupt(
                    id,
                    "a passage vector has the wrong size".into(),
                ));
            }
            out.data.extend(
                blob.chunks_exact(4)
                    .map(|c| f32::from_le_bytes([c[0], c[1], c[2], c[3]])),
            );
            out.ids.push(id);
            out.seqs.push(seq);
        }
        Ok(out)
    }

    /// Hands every passage vector of `model` to `visit` (paper, passage,
    /// vector), in (paper, passage) order, without holding them all: for
    /// building a compact index. Returns the vector length.
    pub fn visit_passage_vectors(
        &self,
        model: &str,
        mut visit: impl FnMut(&str, u32, &[f32]),
    ) -> Result<usize, LibraryError> {
        let dim: usize = self.conn().query_row(
            "SELECT coalesce(max(dim), 0) FROM passage_embeddings WHERE model = ?1",
            [model],
            |r| r.get(0),
        )?;
        let mut stmt = self.conn().prepare(
            "SELECT paper_id, seq, vector FROM passage_embeddings WHERE model = ?1 ORDER BY paper_id, seq",
        )?;
        let mut rows = stmt.query([model])?;
        let mut v = vec![0f32; dim];
        while let Some(row) = rows.next()? {
            let rusqlite::types::ValueRef::Blob(blob) = row.get_ref(2)? else {
                continue;
            };
            if blob.len() != dim * 4 {
                continue;
            }
            for (x, c) in v.iter_mut().zip(blob.chunks_exact(4)) {
                *x = f32::from_le_bytes([c[0], c[1], c[2], c[3]]);
            }
            let id: String = row.get(0)?;
            visit(&id, row.get(1)?, &v);
        }
        Ok(dim)
    }

    /// How many passage vectors `model` has.
    pub fn passage_embedding_count(&self, model: &str) -> Result<u64, LibraryError> {
        Ok(self.conn().query_row(
            "SELECT count(*) FROM passage_embeddings WHERE model = ?1",
            [model],
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
