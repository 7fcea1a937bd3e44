//! Ranking for one reader: features of every paper in the library, a model
//! trained on the reader's signals, scores for the candidates, and the
//! reasons for each (pure: no database, no model files).

use super::learn::{self, Example, Features, Model, Settings};
use super::words::{Sparse, Terms, TfIdf};

/// The embedding's weight beside the unit tf-idf vector; with the SVM's
/// `c` chosen on simulated readers (BENCHMARKS.md).
pub const DENSE_WEIGHT: f32 = 0.5;
/// The reader's nearest papers named per result.
const SIMILAR: usize = 3;
/// Words named per result.
const WORDS: usize = 5;

/// Every paper's features.
pub struct Corpus {
    tfidf: TfIdf,
    /// Row-major embeddings, `dim` each; `rows[i]` is paper i's row.
    vectors: Vec<f32>,
    rows: Vec<Option<usize>>,
    dim: usize,
}

/// A ranked candidate and why.
#[derive(Debug, Clone, PartialEq)]
pub struct Ranked {
    /// The paper's position in the corpus.
    pub index: usize,
    /// The model's score (higher fits better).
    pub score: f32,
    /// The reader's papers nearest to it, nearest first (corpus positions).
    pub similar: Vec<usize>,
    /// The words that weighed most in its score.
    pub words: Vec<String>,
}

/// The reader's signals, as corpus positions.
#[derive(Debug, Clone, Default)]
pub struct Signals {
    /// Papers the reader wants more of.
    pub positive: Vec<usize>,
    /// Papers the reader said no to.
    pub negative: Vec<usize>,
}

impl Corpus {
    /// Features of `texts` (title and abstract), with `embeddings[i]` the
    /// vector of paper i when it has one (all of length `dim`).
    pub fn new(texts: &[String], embeddings: &[Option<&[f32]>], dim: usize) -> Corpus {
        use rayon::prelude::*;
        let terms: Vec<Terms> = texts.par_iter().map(|t| Terms::of(t)).collect();
        let tfidf = TfIdf::build(&terms);
        drop(terms);
        let mut vectors = Vec::new();
        let mut rows = Vec::with_capacity(texts.len());
        for i in 0..texts.len() {
            match embeddings.get(i).copied().flatten() {
                Some(v) if v.len() == dim && dim > 0 => {
                    rows.push(Some(vectors.len() / dim));
                    vectors.extend_from_slice(v);
                }
                _ => rows.push(None),
            }
        }
        Corpus {
            tfidf,
            vectors,
            rows,
            dim,
        }
    }

    /// Papers in the corpus.
    pub fn len(&self) -> usize {
        self.rows.len()
    }

    /// True when empty.
    pub fn is_empty(&self) -> bool {
        self.rows.is_empty()
    }

    fn meaning(&self, i: usize) -> Option<&[f32]> {
        self.rows[i].map(|r| &self.vectors[r * self.dim..(r + 1) * self.dim])
    }

    fn words(&self, i: usize) -> &Sparse {
        &self.tfidf.vectors[i]
    }

    fn example(&self, i: usize) -> Example<'_> {
        Example {
            words: self.words(i),
            meaning: self.meaning(i),
        }
    }

    /// Trains the reader's model: positives against the disliked papers
    /// and the rest of the library as background, classes balanced, the
    /// disliked weighed as a positive is (an explicit no is worth more than
    /// an unread paper).
    pub fn train(&self, signals: &Signals) -> Model {
        let n = self.len();
        let mut positive = vec![false; n];
        for &i in &signals.positive {
            positive[i] = true;
        }
        let mut weights = learn::balanced_weights(&positive);
        let positive_weight = signals.positive.first().map_or(1.0, |&i| weights[i]);
        for &i in &signals.negative {
            if !positive[i] {
                weights[i] = positive_weight;
            }
        }
        let examples: Vec<Example<'_>> = (0..n).map(|i| self.example(i)).collect();
        let has_vectors = self.rows.iter().any(Option::is_some);
        let features = Features {
            width: self.tfidf.width(),
            dim: if has_vectors { self.dim } else { 0 },
            dense_weight: if has_vectors { DENSE_WEIGHT } else { 0.0 },
        };
        learn::train(
            &examples,
            &positive,
            &weights,
            features,
            Settings::default(),
        )
    }

    /// The candidates by the model's score, best first, at most `limit`,
    /// each with its reasons (the words named from `texts`, the texts the
    /// corpus was built from).
    pub fn rank(
        &self,
        model: &Model,
        signals: &Signals,
        candidates: &[usize],
        limit: usize,
        texts: &[String],
    ) -> Vec<Ranked> {
        let mut scored: Vec<(usize, f32)> = candidates
            .iter()
            .map(|&i| (i, model.score(&self.example(i))))
            .collect();
        scored.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
        scored.truncate(limit);
        scored
            .into_iter()
            .map(|(index, score)| Ranked {
                index,
                score,
                similar: self.nearest_positives(index, &signals.positive),
                words: self.weighed_words(model, index, &texts[index]),
            })
            .collect()
    }

    /// Cosine of two papers: by embedding when both have one, else by words.
    pub fn similarity(&self, a: usize, b: usize) -> f32 {
        match (self.meaning(a), self.meaning(b)) {
            (Some(x), Some(y)) => x.iter().zip(y).map(|(p, q)| p * q).sum(),
            _ => self.words(a).dot_sparse(self.words(b)),
        }
    }

    fn nearest_positives(&self, index: usize, positives: &[usize]) -> Vec<usize> {
        let mut near: Vec<(usize, f32)> = positives
            .iter()
            .filter(|&&p| p != index)
            .map(|&p| (p, self.similarity(index, p)))
            .collect();
        near.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
        near.into_iter().take(SIMILAR).map(|(p, _)| p).collect()
    }

    fn weighed_words(&self, model: &Model, index: usize, text: &str) -> Vec<String> {
        let columns = model.weighed_columns(&self.example(index));
        if columns.is_empty() {
            return Vec::new();
        }
        let names = super::words::named(text);
        let by_column: std::collections::HashMap<u32, &String> = names
            .iter()
            .filter_map(|(h, name)| self.tfidf.columns.get(h).map(|c| (*c, name)))
            .collect();
        columns
            .iter()
            .filter_map(|(c, _)| by_column.get(c).map(|n| (*n).clone()))
            .take(WORDS)
            .collect()
    }

    /// Baseline: the cosine of each candidate's tf-idf vector to the
    /// centroid of the positives'.
    pub fn words_centroid_scores(&self, positives: &[usize], candidates: &[usize]) -> Vec<f32> {
        let mut centroid = vec![0f32; self.tfidf.width()];
        for &p in positives {
            let v = self.words(p);
            for (c, x) in v.columns.iter().zip(&v.values) {
                centroid[*c as usize] += x;
            }
        }
        candidates
            .iter()
            .map(|&i| self.words(i).dot(&centroid))
            .collect()
    }

    /// Baseline: the cosine of each candidate's embedding to the centroid
    /// of the positives' (papers without a vector score lowest).
    pub fn meaning_centroid_scores(&self, positives: &[usize], candidates: &[usize]) -> Vec<f32> {
        let mut centroid = vec![0f32; self.dim];
        for &p in positives {
            if let Some(v) = self.meaning(p) {
                for (c, x) in centroid.iter_mut().zip(v) {
                    *c += x;
                }
            }
        }
        candidates
            .iter()
            .map(|&i| {
                self.meaning(i).map_or(f32::NEG_INFINITY, |v| {
                    v.iter().zip(&centroid).map(|(a, b)| a * b).sum()
                })
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A made-up library: most papers about speech or vision, a planted
    /// few about graph drawing.
    fn library() -> Vec<String> {
        let topics = [
            "speech recognition with acoustic models and noisy audio",
            "image segmentation with convolutional networks on photos",
            "speech synthesis of expressive voices from text",
            "object detection in images with anchor boxes",
            "machine translation between low resource languages",
        ];
        (0..120)
            .map(|i| {
                if i % 12 == 0 {
                    format!("Graph drawing layouts {i}: force directed placement of graph nodes and edges")
                } else {
                    format!("{} variant {}", topics[i % topics.len()], i % 7)
                }
            })
            .collect()
    }

    #[test]
    fn the_planted_interest_ranks_first_with_reasons() {
        let texts = library();
        let corpus = Corpus::new(&texts, &[], 0);
        // The reader liked three graph drawing papers.
        let signals = Signals {
            positive: vec![0, 12, 24],
            negative: vec![],
        };
        let model = corpus.train(&signals);
        let candidates: Vec<usize> = (0..texts.len())
            .filter(|i| ![0, 12, 24].contains(i))
            .collect();
        let ranked = corpus.rank(&model, &signals, &candidates, 7, &texts);
        let top: Vec<usize> = ranked.iter().map(|r| r.index).collect();
        // The other seven graph drawing papers, and nothing else.
        assert_eq!(top.len(), 7);
        assert!(top.iter().all(|i| i % 12 == 0), "{top:?}");
        let first = &ranked[0];
        assert_eq!(first.similar.len(), 3);
        assert!(first.similar.iter().all(|p| [0, 12, 24].contains(p)));
        assert!(
            first
                .words
                .iter()
                .any(|w| w.contains("graph") || w.contains("drawing")),
            "{:?}",
            first.words
        );
        assert!(ranked.windows(2).all(|w| w[0].score >= w[1].score));
    }

    #[test]
    fn a_dislike_pushes_its_kind_down() {
        let texts = library();
        let corpus = Corpus::new(&texts, &[], 0);
        let liked = Signals {
            positive: vec![1, 6],
            negative: vec![],
        };
        // Papers 1 and 6 are speech recognition; dislike the synthesis ones.
        let disliked = Signals {
            positive: vec![1, 6],
            negative: vec![2, 7, 12 + 5],
        };
        let candidates = vec![22, 32]; // 22: speech synthesis, 32: speech synthesis
        let a = corpus.train(&liked);
        let b = corpus.train(&disliked);
        let before = corpus.rank(&a, &liked, &candidates, 2, &texts);
        let after = corpus.rank(&b, &disliked, &candidates, 2, &texts);
        assert!(after[0].score < before[0].score, "{after:?} vs {before:?}");
    }

    #[test]
    fn embeddings_count_when_present_and_baselines_agree_on_an_easy_case() {
        let texts = library();
        // Two-dimensional "embeddings": graph drawing papers point one way.
        let vectors: Vec<[f32; 2]> = (0..texts.len())
            .map(|i| if i % 12 == 0 { [1.0, 0.0] } else { [0.0, 1.0] })
            .collect();
        let refs: Vec<Option<&[f32]>> = vectors.iter().map(|v| Some(&v[..])).collect();
        let corpus = Corpus::new(&texts, &refs, 2);
        assert!((corpus.similarity(0, 12) - 1.0).abs() < 1e-6);
        let signals = Signals {
            positive: vec![0, 12],
            negative: vec![],
        };
        let model = corpus.train(&signals);
        assert_eq!(model.meaning.len(), 2);
        assert!(model.meaning[0] > model.meaning[1]);
        let words = corpus.words_centroid_scores(&signals.positive, &[24, 25]);
        let meaning = corpus.meaning_centroid_scores(&signals.positive, &[24, 25]);
        assert!(words[0] > words[1] && meaning[0] > meaning[1]);
    }
}
