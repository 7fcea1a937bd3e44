//! The feed's learner: a linear SVM (L2-regularised, squared hinge loss,
//! class-weighted) trained by dual coordinate descent, the method of
//! liblinear (Hsieh et al., ICML 2008). Each step updates one paper's dual
//! variable in closed form and the weights with it, so a pass over 10,000
//! papers costs one sparse dot product and one update per paper.
//!
//! A paper's features are its tf-idf vector and, when the library has
//! vectors, its embedding scaled by [`Features::dense_weight`]; the two
//! parts are laid side by side in one weight vector.
//!
//! Chosen by measurement on simulated readers (`benches/feed.rs`, figures
//! in BENCHMARKS.md): against logistic regression with the same features
//! and class weights it ranked as well at its best setting, and it needs
//! no step size.

use super::words::Sparse;

/// One paper's features.
#[derive(Debug, Clone, Copy)]
pub struct Example<'a> {
    /// Its tf-idf vector (unit length, or empty).
    pub words: &'a Sparse,
    /// Its embedding (unit length), when it has one.
    pub meaning: Option<&'a [f32]>,
}

/// How the two kinds of features are combined.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Features {
    /// tf-idf columns.
    pub width: usize,
    /// Embedding length (0 without vectors).
    pub dim: usize,
    /// Scale of the embedding against the unit tf-idf vector.
    pub dense_weight: f32,
}

/// Training settings.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Settings {
    /// Regularisation: the smaller, the closer to the positives' centroid.
    pub c: f32,
    /// Stop when the projected gradients span less than this.
    pub tolerance: f32,
    /// At most this many passes.
    pub max_passes: usize,
}

impl Default for Settings {
    fn default() -> Settings {
        Settings {
            c: 0.01,
            tolerance: 1e-3,
            max_passes: 200,
        }
    }
}

/// A trained linear model.
#[derive(Debug, Clone, PartialEq)]
pub struct Model {
    /// Weights of the tf-idf columns.
    pub words: Vec<f32>,
    /// Weights of the embedding (empty without vectors).
    pub meaning: Vec<f32>,
    /// The intercept.
    pub bias: f32,
    /// The embedding's scale.
    pub dense_weight: f32,
    /// Passes made.
    pub passes: usize,
}

impl Model {
    /// The decision value of one paper: higher is more to the reader's taste.
    pub fn score(&self, x: &Example<'_>) -> f32 {
        let mut s = x.words.dot(&self.words) + self.bias;
        if let Some(m) = x.meaning {
            s += self.dense_weight * dot(m, &self.meaning);
        }
        s
    }

    /// The paper's tf-idf columns by what they added to its score, largest
    /// first, positive contributions only.
    pub fn weighed_columns(&self, x: &Example<'_>) -> Vec<(u32, f32)> {
        let mut out: Vec<(u32, f32)> = x
            .words
            .columns
            .iter()
            .zip(&x.words.values)
            .map(|(c, v)| (*c, v * self.words.get(*c as usize).copied().unwrap_or(0.0)))
            .filter(|(_, w)| *w > 0.0)
            .collect();
        out.sort_by(|a, b| b.1.total_cmp(&a.1));
        out
    }
}

/// In eight lanes: the embedding part of every step (384 of each
/// paper's ~500 features).
fn dot(a: &[f32], b: &[f32]) -> f32 {
    crate::search::vectors::dot(a, b)
}

/// A small deterministic generator for the visiting order (xorshift64*).
struct Order(u64);

impl Order {
    fn next(&mut self, below: usize) -> usize {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        (self.0.wrapping_mul(0x2545_f491_4f6c_dd1d) >> 33) as usize % below.max(1)
    }
}

/// Trains on `examples` with labels `positive[i]` and per-example weights
/// (class weights: see [`balanced_weights`]). Deterministic: the same
/// input gives the same model.
pub fn train(
    examples: &[Example<'_>],
    positive: &[bool],
    weights: &[f32],
    features: Features,
    settings: Settings,
) -> Model {
    let n = examples.len();
    let mut model = Model {
        words: vec![0.0; features.width],
        meaning: vec![0.0; features.dim],
        bias: 0.0,
        dense_weight: features.dense_weight,
        passes: 0,
    };
    if n == 0 {
        return model;
    }
    let a2 = features.dense_weight * features.dense_weight;
    // Squared hinge: the dual has no upper bound, and a diagonal 1 / (2 C_i).
    let diagonal: Vec<f32> = weights
        .iter()
        .map(|w| 1.0 / (2.0 * settings.c * w.max(1e-12)))
        .collect();
    let q: Vec<f32> = examples
        .iter()
        .zip(&diagonal)
        .map(|(x, d)| {
            let dense = x.meaning.map_or(0.0, |m| a2 * dot(m, m));
            x.words.norm2() + dense + 1.0 + d
        })
        .collect();
    let mut alpha = vec![0f32; n];
    let mut active: Vec<usize> = (0..n).collect();
    let mut rng = Order(0x9e37_79b9_7f4a_7c15);
    // Shrinking (as liblinear does): a paper whose dual variable sits at 0
    // with a gradient past the last pass's largest is set aside; most of
    // the background ends there after a pass or two. When the rest has
    // converged, every paper is checked once more.
    let mut ceiling = f32::INFINITY;
    for pass in 0..settings.max_passes {
        for i in (1..active.len()).rev() {
            active.swap(i, rng.next(i + 1));
        }
        let (mut high, mut low) = (f32::NEG_INFINITY, f32::INFINITY);
        let mut s = 0;
        while s < active.len() {
            let i = active[s];
            let x = &examples[i];
            let y = if positive[i] { 1.0 } else { -1.0 };
            let g = y * model.score(x) - 1.0 + diagonal[i] * alpha[i];
            let projected = if alpha[i] == 0.0 {
                if g > ceiling {
                    active.swap_remove(s);
                    continue;
                }
                g.min(0.0)
            } else {
                g
            };
            s += 1;
            high = high.max(projected);
            low = low.min(projected);
            if projected.abs() < 1e-12 {
                continue;
            }
            let updated = (alpha[i] - g / q[i]).max(0.0);
            let step = (updated - alpha[i]) * y;
            alpha[i] = updated;
            for (c, v) in x.words.columns.iter().zip(&x.words.values) {
                model.words[*c as usize] += step * v;
            }
            if let Some(m) = x.meaning {
                let s = step * features.dense_weight;
                for (w, v) in model.meaning.iter_mut().zip(m) {
                    *w += s * v;
                }
            }
            model.bias += step;
        }
        model.passes = pass + 1;
        if high - low < settings.tolerance || active.is_empty() {
            if active.len() == n {
                break;
            }
            active = (0..n).collect();
            ceiling = f32::INFINITY;
            continue;
        }
        ceiling = if high <= 0.0 { f32::INFINITY } else { high };
    }
    model
}

/// Class weights that give the positives, together, the weight of the
/// rest ("balanced": n / (2 · class size) each).
pub fn balanced_weights(positive: &[bool]) -> Vec<f32> {
    let n = positive.len() as f32;
    let pos = positive.iter().filter(|p| **p).count().max(1) as f32;
    let neg = (positive.len() - positive.iter().filter(|p| **p).count()).max(1) as f32;
    positive
        .iter()
        .map(|p| if *p { n / (2.0 * pos) } else { n / (2.0 * neg) })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sparse(entries: &[(u32, f32)]) -> Sparse {
        let norm = entries.iter().map(|(_, v)| v * v).sum::<f32>().sqrt();
        Sparse {
            columns: entries.iter().map(|(c, _)| *c).collect(),
            values: entries.iter().map(|(_, v)| v / norm).collect(),
        }
    }

    #[test]
    fn a_planted_interest_is_learned_and_ranked_first() {
        // Columns 0-1 mark the interest, 2-9 are shared noise.
        let mut docs = Vec::new();
        let mut positive = Vec::new();
        for i in 0..200u32 {
            let planted = i % 20 == 0;
            let mut e = vec![(2 + (i / 3) % 8, 1.0), (2 + (i / 5) % 8, 0.5)];
            if planted {
                e.push((i % 2, 1.0));
            }
            e.sort_by_key(|(c, _)| *c);
            e.dedup_by_key(|(c, _)| *c);
            docs.push(sparse(&e));
            // Half of the planted papers are the reader's positives.
            positive.push(planted && i % 40 == 0);
        }
        let examples: Vec<Example<'_>> = docs
            .iter()
            .map(|w| Example {
                words: w,
                meaning: None,
            })
            .collect();
        let features = Features {
            width: 10,
            dim: 0,
            dense_weight: 0.0,
        };
        let weights = balanced_weights(&positive);
        let model = train(
            &examples,
            &positive,
            &weights,
            features,
            Settings::default(),
        );
        // The unlabeled planted papers outrank every other unlabeled one.
        let mut ranked: Vec<(usize, f32)> = examples
            .iter()
            .enumerate()
            .filter(|(i, _)| !positive[*i])
            .map(|(i, x)| (i, model.score(x)))
            .collect();
        ranked.sort_by(|a, b| b.1.total_cmp(&a.1));
        let top: Vec<usize> = ranked.iter().take(5).map(|(i, _)| *i).collect();
        assert!(top.iter().all(|i| i % 20 == 0), "{top:?}");
        assert!(model.words[0] > 0.0 && model.words[1] >= 0.0);
        // Its reasons are the planted columns.
        let why = model.weighed_columns(&examples[top[0]]);
        assert!(why[0].0 < 2, "{why:?}");
    }

    #[test]
    fn embeddings_alone_can_carry_the_interest() {
        let empty = Sparse::default();
        let vectors: Vec<[f32; 2]> = (0..100)
            .map(|i| {
                let a = if i % 10 == 0 {
                    0.2f32
                } else {
                    1.4 + (i as f32) * 0.001
                };
                [a.cos(), a.sin()]
            })
            .collect();
        let examples: Vec<Example<'_>> = vectors
            .iter()
            .map(|v| Example {
                words: &empty,
                meaning: Some(v),
            })
            .collect();
        let positive: Vec<bool> = (0..100).map(|i| i % 20 == 0).collect();
        let features = Features {
            width: 0,
            dim: 2,
            dense_weight: 1.0,
        };
        let model = train(
            &examples,
            &positive,
            &balanced_weights(&positive),
            features,
            Settings {
                c: 1.0,
                ..Settings::default()
            },
        );
        // Paper 10 is near the positives (angle 0.2), paper 11 is not.
        assert!(model.score(&examples[10]) > model.score(&examples[11]));
    }

    #[test]
    fn training_is_deterministic_and_handles_nothing() {
        let features = Features {
            width: 3,
            dim: 0,
            dense_weight: 0.0,
        };
        let none = train(&[], &[], &[], features, Settings::default());
        assert_eq!(none.words, vec![0.0; 3]);
        let docs = [
            sparse(&[(0, 1.0)]),
            sparse(&[(1, 1.0)]),
            sparse(&[(2, 1.0)]),
        ];
        let ex: Vec<Example<'_>> = docs
            .iter()
            .map(|w| Example {
                words: w,
                meaning: None,
            })
            .collect();
        let pos = [true, false, false];
        let w = balanced_weights(&pos);
        assert_eq!(w, vec![1.5, 0.75, 0.75]);
        let a = train(&ex, &pos, &w, features, Settings::default());
        let b = train(&ex, &pos, &w, features, Settings::default());
        assert_eq!(a, b);
        assert!(a.score(&ex[0]) > a.score(&ex[1]));
    }
}
