//! What the search indexes read: the body text for the word index, and the
//! passages with their vectors for the passage search.

use super::*;

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
pub fn passage_text(p: &crate::fulltext::passages::Passage, doc: &Document) -> String {
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

impl Library {
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
        Ok(Some(Document {
            sections: self.stored_sections(paper_id, version)?,
            captions: self.stored_captions(paper_id, version)?,
            ..Document::default()
        }))
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
            for p in crate::fulltext::passages::passages(&text.document) {
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
