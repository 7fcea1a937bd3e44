//! Searching inside papers by meaning: the vectors of every paper's
//! passages (about 200 words each, see [`crate::fulltext::passages`]) in
//! one exact index; a paper ranks by its best passage.

use super::VectorIndex;
use crate::library::{Library, LibraryError};
use std::collections::HashMap;

/// Passage vectors of one model, with the passage each row is.
#[derive(Debug, Clone, Default)]
pub struct PassageIndex {
    /// Rows: the paper id per row, and the vectors.
    pub index: VectorIndex,
    /// The passage number per row.
    pub seqs: Vec<u32>,
}

impl PassageIndex {
    /// Loads every passage vector of `model` into a compact index (int8
    /// codes and bfloat16, built row by row: never a full f32 copy);
    /// `None` when there are none.
    pub fn load(lib: &Library, model: &str) -> Result<Option<PassageIndex>, LibraryError> {
        let count = lib.passage_embedding_count(model)? as usize;
        if count == 0 {
            return Ok(None);
        }
        let mut index: Option<VectorIndex> = None;
        let mut seqs = Vec::with_capacity(count);
        lib.visit_passage_vectors(model, |id, seq, v| {
            index
                .get_or_insert_with(|| VectorIndex::compact(v.len(), count))
                .push(id, v);
            seqs.push(seq);
        })?;
        Ok(index.map(|index| PassageIndex { index, seqs }))
    }

    /// Passages in the index.
    pub fn len(&self) -> usize {
        self.seqs.len()
    }

    /// True when empty.
    pub fn is_empty(&self) -> bool {
        self.seqs.is_empty()
    }

    /// The best passage of each paper among the `k` nearest passages:
    /// (paper, passage number, cosine), best first.
    pub fn nearest_papers(
        &self,
        query: &[f32],
        k: usize,
        keep: &(dyn Fn(&str) -> bool + Sync),
    ) -> Vec<(String, u32, f32)> {
        let rows = self.index.top_k(query, k, &|i| keep(self.index.id(i)));
        let mut best: HashMap<&str, (u32, f32)> = HashMap::new();
        let mut order: Vec<&str> = Vec::new();
        for (row, cos) in rows {
            let id = self.index.id(row);
            match best.get(id) {
                Some((_, c)) if *c >= cos => {}
                Some(_) => {
                    best.insert(id, (self.seqs[row], cos));
                }
                None => {
                    best.insert(id, (self.seqs[row], cos));
                    order.push(id);
                }
            }
        }
        let mut out: Vec<(String, u32, f32)> = order
            .into_iter()
            .filter_map(|id| best.get(id).map(|(s, c)| (id.to_string(), *s, *c)))
            .collect();
        out.sort_by(|a, b| b.2.total_cmp(&a.2));
        out
    }
}

/// Merges the papers' own vectors' ranking with their best passages':
/// each paper scores the better of the two. Returns (paper, cosine, the
/// passage when it won), best first, at most `k`.
pub fn merge(
    papers: &[(String, f32)],
    passages: &[(String, u32, f32)],
    k: usize,
) -> Vec<(String, f32, Option<u32>)> {
    let mut by_id: HashMap<&str, (f32, Option<u32>)> = HashMap::new();
    for (id, cos) in papers {
        by_id.insert(id.as_str(), (*cos, None));
    }
    for (id, seq, cos) in passages {
        let entry = by_id.entry(id.as_str()).or_insert((f32::MIN, None));
        if *cos > entry.0 {
            *entry = (*cos, Some(*seq));
        }
    }
    let mut out: Vec<(String, f32, Option<u32>)> = by_id
        .into_iter()
        .map(|(id, (cos, seq))| (id.to_string(), cos, seq))
        .collect();
    out.sort_by(|a, b| b.1.total_cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    out.truncate(k);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_paper_ranks_by_its_best_passage() {
        // Two papers, unit vectors in 2-d: paper b's second passage points
        // at the query.
        let index = PassageIndex {
            index: VectorIndex::new(
                vec!["a".into(), "b".into(), "b".into()],
                vec![0.0, 1.0, 1.0, 0.0, 0.6, 0.8],
                2,
            ),
            seqs: vec![0, 0, 1],
        };
        let near = index.nearest_papers(&[0.6, 0.8], 10, &|_| true);
        assert_eq!(near[0].0, "b");
        assert_eq!(near[0].1, 1);
        assert!((near[0].2 - 1.0).abs() < 1e-3);
        assert_eq!(near.len(), 2, "one entry per paper");
        let only_a = index.nearest_papers(&[0.6, 0.8], 10, &|id| id == "a");
        assert_eq!(only_a.len(), 1);
        // Merged with abstract-level scores: the better of the two wins.
        let merged = merge(&[("a".into(), 0.95), ("c".into(), 0.5)], &near, 10);
        assert_eq!(merged[0].0, "b");
        assert_eq!(merged[0].2, Some(1));
        assert_eq!(
            merged[1],
            ("a".to_string(), 0.95, None),
            "its abstract beat its passage"
        );
        assert_eq!(merged.len(), 3);
    }
}
