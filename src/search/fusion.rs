//! Fusing the word ranking (BM25) and the meaning ranking (cosine) into
//! one: reciprocal rank fusion, plain or weighted, and the convex
//! combination of normalised scores that Bruch et al. ("An Analysis of
//! Fusion Functions for Hybrid Retrieval", 2022) found better when tuned.
//! Which one litradar uses, and with what settings, was chosen on
//! SciFact's training split (`litradar eval --fusion`, figures in
//! BENCHMARKS.md); the held-out split is for judging only.

use std::collections::HashMap;

/// The usual RRF constant: it damps the weight of the very first ranks.
pub const RRF_K: f64 = 60.0;

/// How to normalise a retriever's scores before combining them.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Norm {
    /// (s − min) / (max − min) over the retriever's candidates.
    MinMax,
    /// (s − floor) / (max − floor), with the score's theoretical floor
    /// (0 for BM25, −1 for cosine) instead of the observed minimum ("TMM").
    Theoretical,
}

/// A fusion function.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Fusion {
    /// Σ wᵢ / (k + rankᵢ); `semantic` is the meaning side's weight, the
    /// word side's is 1 − `semantic` (0.5 each is plain RRF, up to a factor).
    Rrf {
        /// The constant.
        k: f64,
        /// The meaning side's weight.
        semantic: f64,
    },
    /// α · norm(cosine) + (1 − α) · norm(BM25); a document a retriever did
    /// not return scores its floor there.
    Convex {
        /// The meaning side's weight α.
        alpha: f64,
        /// The normalisation.
        norm: Norm,
    },
}

impl Fusion {
    /// What the hybrid search uses, chosen on SciFact's training split
    /// (BENCHMARKS.md, "Fusion"): nDCG@10 0.7288, against 0.7135 for plain
    /// RRF (k = 60). The top figure, 0.7296 (TMM, α = 0.8), ranks like the
    /// meaning side alone beyond the first results (Recall@100 0.932, the
    /// embeddings' own); min-max at α = 0.4 gives up 0.0008 of nDCG@10 and
    /// keeps the best Recall@100 (0.953).
    pub const DEFAULT: Fusion = Fusion::Convex {
        alpha: 0.4,
        norm: Norm::MinMax,
    };

    /// A short name for reports ("rrf k=60 w=0.50", "convex tmm a=0.60").
    pub fn name(&self) -> String {
        match self {
            Fusion::Rrf { k, semantic } => format!("rrf k={k:.0} w={semantic:.2}"),
            Fusion::Convex { alpha, norm } => format!(
                "convex {} a={alpha:.2}",
                match norm {
                    Norm::MinMax => "minmax",
                    Norm::Theoretical => "tmm",
                }
            ),
        }
    }

    /// Every variant the fusion study compares.
    pub fn study() -> Vec<Fusion> {
        let mut out = Vec::new();
        for k in [1.0, 5.0, 10.0, 20.0, 40.0, 60.0, 100.0] {
            for semantic in [0.3, 0.4, 0.5, 0.6, 0.7] {
                out.push(Fusion::Rrf { k, semantic });
            }
        }
        for norm in [Norm::MinMax, Norm::Theoretical] {
            for a in 1..=9 {
                out.push(Fusion::Convex {
                    alpha: f64::from(a) / 10.0,
                    norm,
                });
            }
        }
        out
    }

    /// Fuses the two rankings (best first, with their raw scores); returns
    /// (id, fused score) best first, ties broken by id for a stable order.
    pub fn fuse(
        &self,
        lexical: &[(String, f32)],
        semantic: &[(String, f32)],
    ) -> Vec<(String, f64)> {
        let mut scores: HashMap<&str, f64> = HashMap::new();
        match *self {
            Fusion::Rrf { k, semantic: w } => {
                for (list, weight) in [(lexical, 1.0 - w), (semantic, w)] {
                    for (rank, (id, _)) in list.iter().enumerate() {
                        *scores.entry(id.as_str()).or_default() += weight / (k + rank as f64 + 1.0);
                    }
                }
            }
            Fusion::Convex { alpha, norm } => {
                // A document only one side returned scores 0 on the other.
                for (id, _) in lexical.iter().chain(semantic) {
                    scores.entry(id.as_str()).or_default();
                }
                for (list, weight, floor) in [(lexical, 1.0 - alpha, 0.0), (semantic, alpha, -1.0)]
                {
                    let max = list
                        .iter()
                        .map(|(_, s)| f64::from(*s))
                        .fold(f64::NEG_INFINITY, f64::max);
                    let min = match norm {
                        Norm::MinMax => list
                            .iter()
                            .map(|(_, s)| f64::from(*s))
                            .fold(f64::INFINITY, f64::min),
                        Norm::Theoretical => floor,
                    };
                    let span = max - min;
                    for (id, s) in list {
                        let n = if span > 0.0 {
                            (f64::from(*s) - min) / span
                        } else {
                            1.0
                        };
                        *scores.entry(id.as_str()).or_default() += weight * n;
                    }
                }
            }
        }
        let mut fused: Vec<(String, f64)> = scores
            .into_iter()
            .map(|(id, s)| (id.to_string(), s))
            .collect();
        fused.sort_by(|a, b| b.1.total_cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
        fused
    }
}

/// Plain reciprocal rank fusion of ranked id lists (best first).
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

    fn scored(v: &[(&str, f32)]) -> Vec<(String, f32)> {
        v.iter().map(|(i, s)| (i.to_string(), *s)).collect()
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
        for f in Fusion::study() {
            assert!(f.fuse(&[], &[]).is_empty());
            let one = f.fuse(&scored(&[("x", 3.0), ("y", 1.0)]), &[]);
            assert_eq!(one[0].0, "x", "{}", f.name());
        }
    }

    #[test]
    fn ties_are_broken_by_id() {
        let fused = reciprocal_rank_fusion(&[&ids(&["b"]), &ids(&["a"])], RRF_K);
        assert_eq!(fused[0].0, "a");
    }

    #[test]
    fn weighted_rrf_leans_to_the_heavier_side() {
        let lexical = scored(&[("a", 9.0), ("b", 5.0)]);
        let semantic = scored(&[("b", 0.8), ("a", 0.7)]);
        let words = Fusion::Rrf {
            k: 60.0,
            semantic: 0.3,
        }
        .fuse(&lexical, &semantic);
        let meaning = Fusion::Rrf {
            k: 60.0,
            semantic: 0.7,
        }
        .fuse(&lexical, &semantic);
        assert_eq!((words[0].0.as_str(), meaning[0].0.as_str()), ("a", "b"));
        // At 0.5 it is plain RRF, halved.
        let plain = Fusion::Rrf {
            k: 60.0,
            semantic: 0.5,
        }
        .fuse(&lexical, &semantic);
        let rrf = reciprocal_rank_fusion(&[&ids(&["a", "b"]), &ids(&["b", "a"])], 60.0);
        assert!((plain[0].1 * 2.0 - rrf[0].1).abs() < 1e-12);
    }

    #[test]
    fn convex_combination_uses_the_scores_not_only_the_ranks() {
        // "a" wins the words by a mile and is a close second by meaning.
        let lexical = scored(&[("a", 20.0), ("b", 2.0), ("c", 1.0)]);
        let semantic = scored(&[("b", 0.61), ("a", 0.60), ("d", 0.1)]);
        let mm = Fusion::Convex {
            alpha: 0.5,
            norm: Norm::MinMax,
        }
        .fuse(&lexical, &semantic);
        assert_eq!(mm[0].0, "a");
        // Min-max: a = 0.5 * 1 + 0.5 * (0.60 - 0.1) / 0.51.
        assert!((mm[0].1 - (0.5 + 0.5 * 0.5 / 0.51)).abs() < 1e-6);
        // Theoretical floors: cosine from -1, BM25 from 0.
        let tmm = Fusion::Convex {
            alpha: 0.5,
            norm: Norm::Theoretical,
        }
        .fuse(&lexical, &semantic);
        let a = 0.5 * 1.0 + 0.5 * (1.6 / 1.61);
        assert!((tmm[0].1 - a).abs() < 1e-6, "{tmm:?}");
        // Only the words found "c": its meaning score is the floor.
        let c = tmm.iter().find(|(i, _)| i == "c").expect("c").1;
        assert!((c - 0.5 * (1.0 / 20.0)).abs() < 1e-6);
        assert!(tmm.iter().any(|(i, _)| i == "d"));
    }
}
