//! Reciprocal rank fusion: each result list gives a document 1 / (k + rank),
//! the sums order the fused list. It needs no score calibration between
//! BM25 and cosine, which live on unrelated scales.

use std::collections::HashMap;

/// The usual constant: it damps the weight of the very first ranks.
pub const RRF_K: f64 = 60.0;

/// Fuses ranked id lists (best first); returns (id, fused score) best first,
/// ties broken by id for a stable order.
pub fn reciprocal_rank_fusion(lists: &[&[String]], k: f64) -> Vec<(String, f64)> {
    let mut scores: HashMap<&str, f64> = HashMap::new();
    for list in lists {
        for (rank, id) in list.iter().enumerate() {
            *scores.entry(id.as_str()).or_default() += 1.0 / (k + rank as f64 + 1.0);
        }
    }
    let mut fused: Vec<(String, f64)> = scores
        .into_iter()
        .map(|(id, s)| (id.to_string(), s))
        .collect();
    fused.sort_by(|a, b| b.1.total_cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    fused
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ids(v: &[&str]) -> Vec<String> {
        v.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn agreement_beats_a_single_first_place() {
        let lexical = ids(&["a", "b", "c"]);
        let semantic = ids(&["d", "b", "a"]);
        let fused = reciprocal_rank_fusion(&[&lexical, &semantic], RRF_K);
        let order: Vec<&str> = fused.iter().map(|(id, _)| id.as_str()).collect();
        assert_eq!(order, ["a", "b", "d", "c"]);
        let a = 1.0 / 61.0 + 1.0 / 63.0;
        assert!((fused[0].1 - a).abs() < 1e-12);
    }

    #[test]
    fn one_list_keeps_its_order_and_empty_lists_are_fine() {
        let only = ids(&["x", "y", "z"]);
        let fused = reciprocal_rank_fusion(&[&only, &[]], RRF_K);
        assert_eq!(
            fused.iter().map(|(i, _)| i.as_str()).collect::<Vec<_>>(),
            ["x", "y", "z"]
        );
        assert!(reciprocal_rank_fusion(&[], RRF_K).is_empty());
    }

    #[test]
    fn ties_are_broken_by_id() {
        let fused = reciprocal_rank_fusion(&[&ids(&["b"]), &ids(&["a"])], RRF_K);
        assert_eq!(fused[0].0, "a");
    }
}
