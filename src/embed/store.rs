//! Vectors in SQLite: one per (paper, model), with the hash of the text it
//! was computed from, as little-endian f32. A paper needs (re-)embedding
//! exactly when its current text hashes differently from its stored vector.

use super::{paper_text, text_hash};
use crate::library::{Library, LibraryError};
use crate::paper::format_timestamp;
use rusqlite::params;

/// A paper whose vector is missing or stale.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pending {
    /// The paper.
    pub paper_id: String,
    /// The text to embed ("title. abstract").
    pub text: String,
    /// Its hash.
    pub hash: String,
}

/// All vectors of one model, in one flat matrix.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Vectors {
    /// Paper ids, row by row.
    pub ids: Vec<String>,
    /// Row-major, `ids.len() × dim`.
    pub data: Vec<f32>,
    /// Vector length.
    pub dim: usize,
}

impl Vectors {
    /// Each paper's vector by id.
    pub fn by_id(&self) -> std::collections::HashMap<&str, &[f32]> {
        let dim = self.dim.max(1);
        self.ids
            .iter()
            .zip(self.data.chunks_exact(dim))
            .map(|(id, v)| (id.as_str(), v))
            .collect()
    }
}

fn to_blob(v: &[f32]) -> Vec<u8> {
    v.iter().flat_map(|x| x.to_le_bytes()).collect()
}

fn from_blob(b: &[u8]) -> Vec<f32> {
    b.chunks_exact(4)
        .map(|c| f32::from_le_bytes([c[0], c[1], c[2], c[3]]))
        .collect()
}

impl Library {
    /// Papers without a current vector for `model`, in id order.
    pub fn pending_embeddings(&self, model: &str) -> Result<Vec<Pending>, LibraryError> {
        let mut stmt = self.conn().prepare(
            "SELECT p.id, p.title, p.abstract, e.text_hash FROM papers p \
             LEFT JOIN embeddings e ON e.paper_id = p.id AND e.model = ?1 ORDER BY p.id",
        )?;
        let rows = stmt.query_map([model], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, String>(2)?,
                r.get::<_, Option<String>>(3)?,
            ))
        })?;
        let mut out = Vec::new();
        for row in rows {
            let (paper_id, title, abstract_text, stored) = row?;
            let paper = crate::paper::Paper {
                title,
                abstract_text,
                ..crate::paper::Paper::default()
            };
            let text = paper_text(&paper);
            let hash = text_hash(&text);
            if stored.as_deref() != Some(hash.as_str()) {
                out.push(Pending {
                    paper_id,
                    text,
                    hash,
                });
            }
        }
        Ok(out)
    }

    /// Stores vectors in one transaction (replacing older ones).
    pub fn store_embeddings(
        &mut self,
        model: &str,
        items: &[(&Pending, Vec<f32>)],
    ) -> Result<(), LibraryError> {
        let now = format_timestamp(&chrono::Utc::now());
        let tx = self.conn_mut().transaction()?;
        {
            let mut stmt = tx.prepare_cached(
                "INSERT INTO embeddings (paper_id, model, text_hash, dim, vector, embedded_at) \
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6) \
                 ON CONFLICT (paper_id, model) DO UPDATE SET text_hash = excluded.text_hash, \
                 dim = excluded.dim, vector = excluded.vector, embedded_at = excluded.embedded_at",
            )?;
            for (p, v) in items {
                stmt.execute(params![p.paper_id, model, p.hash, v.len(), to_blob(v), now])?;
            }
        }
        tx.commit()?;
        Ok(())
    }

    /// Every vector of `model`, for the in-memory index.
    pub fn load_vectors(&self, model: &str) -> Result<Vectors, LibraryError> {
        // Sized up front: growing a 150 MB matrix by doubling would need
        // half again as much memory at the peak.
        let (count, dim): (usize, usize) = self.conn().query_row(
            "SELECT count(*), coalesce(max(dim), 0) FROM embeddings WHERE model = ?1",
            [model],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )?;
        let mut stmt = self.conn().prepare(
            "SELECT paper_id, dim, vector FROM embeddings WHERE model = ?1 ORDER BY paper_id",
        )?;
        let mut rows = stmt.query([model])?;
        let mut out = Vectors {
            ids: Vec::with_capacity(count),
            data: Vec::with_capacity(count * dim),
            dim,
        };
        while let Some(row) = rows.next()? {
            let id: String = row.get(0)?;
            let row_dim: usize = row.get(1)?;
            let rusqlite::types::ValueRef::Blob(blob) = row.get_ref(2)? else {
                return Err(LibraryError::Corrupt(
                    id,
                    format!("a {model} vector is not a blob"),
                ));
            };
            if row_dim != dim || blob.len() != dim * 4 {
                return Err(LibraryError::Corrupt(
                    id,
                    format!("a {model} vector has the wrong size"),
                ));
            }
            out.data.extend(
                blob.chunks_exact(4)
                    .map(|c| f32::from_le_bytes([c[0], c[1], c[2], c[3]])),
            );
            out.ids.push(id);
        }
        Ok(out)
    }

    /// One paper's vector.
    pub fn embedding(&self, paper_id: &str, model: &str) -> Result<Option<Vec<f32>>, LibraryError> {
        let mut stmt = self
            .conn()
            .prepare("SELECT vector FROM embeddings WHERE paper_id = ?1 AND model = ?2")?;
        let mut rows = stmt.query(params![paper_id, model])?;
        Ok(match rows.next()? {
            Some(row) => Some(from_blob(&row.get::<_, Vec<u8>>(0)?)),
            None => None,
        })
    }

    /// How many papers have a vector of `model`.
    pub fn embedding_count(&self, model: &str) -> Result<u64, LibraryError> {
        Ok(self.conn().query_row(
            "SELECT count(*) FROM embeddings WHERE model = ?1",
            [model],
            |r| r.get(0),
        )?)
    }

    /// A small setting kept in the library.
    pub fn meta(&self, key: &str) -> Result<Option<String>, LibraryError> {
        use rusqlite::OptionalExtension;
        Ok(self
            .conn()
            .query_row("SELECT value FROM meta WHERE key = ?1", [key], |r| r.get(0))
            .optional()?)
    }

    /// Sets a small setting.
    pub fn set_meta(&self, key: &str, value: &str) -> Result<(), LibraryError> {
        self.conn().execute(
            "INSERT INTO meta (key, value) VALUES (?1, ?2) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            params![key, value],
        )?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::library::{Incoming, Merge};
    use crate::paper::Paper;

    fn paper(id: &str, title: &str) -> Incoming {
        Incoming::from(Paper {
            id: id.into(),
            version: Some(1),
            title: title.into(),
            abstract_text: "An abstract.".into(),
            ..Paper::default()
        })
    }

    #[test]
    fn only_new_and_changed_texts_are_pending() {
        let mut lib = Library::open_in_memory().expect("lib");
        lib.upsert(
            &[paper("2101.00001", "A"), paper("2101.00002", "B")],
            "arxiv",
            Merge::Refresh,
        )
        .expect("papers");
        let pending = lib.pending_embeddings("m").expect("pending");
        assert_eq!(pending.len(), 2);
        assert_eq!(pending[0].text, "A. An abstract.");
        let items: Vec<(&Pending, Vec<f32>)> =
            pending.iter().map(|p| (p, vec![1.0, 0.0, 0.5])).collect();
        lib.store_embeddings("m", &items).expect("store");
        assert!(lib.pending_embeddings("m").expect("pending").is_empty());
        assert_eq!(
            lib.pending_embeddings("other-model")
                .expect("pending")
                .len(),
            2
        );
        // A changed title makes that one paper pending again.
        let mut changed = paper("2101.00002", "B, revised");
        changed.paper.version = Some(2);
        lib.upsert(&[changed], "arxiv", Merge::Refresh)
            .expect("update");
        let pending = lib.pending_embeddings("m").expect("pending");
        assert_eq!(
            pending
                .iter()
                .map(|p| p.paper_id.as_str())
                .collect::<Vec<_>>(),
            ["2101.00002"]
        );
        let v = lib.load_vectors("m").expect("vectors");
        assert_eq!(
            (v.ids.len(), v.dim, &v.data[..3]),
            (2, 3, &[1.0, 0.0, 0.5][..])
        );
        assert_eq!(
            lib.embedding("2101.00001", "m").expect("one"),
            Some(vec![1.0, 0.0, 0.5])
        );
        lib.remove("2101.00001").expect("remove");
        assert_eq!(
            lib.embedding_count("m").expect("count"),
            1,
            "vectors go with their paper"
        );
    }

    #[test]
    fn meta_values_round_trip() {
        let lib = Library::open_in_memory().expect("lib");
        assert_eq!(lib.meta("k").expect("meta"), None);
        lib.set_meta("k", "1").expect("set");
        lib.set_meta("k", "2").expect("set");
        assert_eq!(lib.meta("k").expect("meta").as_deref(), Some("2"));
    }
}
