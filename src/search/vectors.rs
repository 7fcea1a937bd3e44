//! Exact nearest neighbours over unit vectors held in memory: one pass of
//! dot products (the same as cosine for normalised vectors), split across
//! the cores, each core keeping its own top k. The inner loop runs in eight
//! independent lanes under pulp's runtime dispatch, so it is vectorised
//! with AVX2 + FMA where the CPU has them; the scan is memory bound.

use std::cmp::Ordering;
use std::collections::BinaryHeap;

/// The vectors of one model, row-major.
#[derive(Debug, Clone, Default)]
pub struct VectorIndex {
    ids: Vec<String>,
    data: Vec<f32>,
    dim: usize,
}

#[derive(PartialEq)]
struct Scored(f32, usize);

impl Eq for Scored {}
impl PartialOrd for Scored {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}
impl Ord for Scored {
    // Reversed: the heap's top is the worst of the kept, so it is evicted first.
    fn cmp(&self, other: &Self) -> Ordering {
        other
            .0
            .total_cmp(&self.0)
            .then_with(|| self.1.cmp(&other.1))
    }
}

/// Dot product in eight lanes.
#[inline(always)]
pub fn dot(a: &[f32], b: &[f32]) -> f32 {
    let mut lanes = [0f32; 8];
    let (ca, cb) = (a.chunks_exact(8), b.chunks_exact(8));
    let rest: f32 = ca
        .remainder()
        .iter()
        .zip(cb.remainder())
        .map(|(x, y)| x * y)
        .sum();
    for (x, y) in ca.zip(cb) {
        for i in 0..8 {
            lanes[i] += x[i] * y[i];
        }
    }
    lanes.iter().sum::<f32>() + rest
}

impl VectorIndex {
    /// Builds the index from ids and a flat row-major matrix.
    pub fn new(ids: Vec<String>, data: Vec<f32>, dim: usize) -> VectorIndex {
        debug_assert_eq!(ids.len() * dim, data.len());
        VectorIndex { ids, data, dim }
    }

    /// Number of vectors.
    pub fn len(&self) -> usize {
        self.ids.len()
    }

    /// True when empty.
    pub fn is_empty(&self) -> bool {
        self.ids.is_empty()
    }

    /// Vector length.
    pub fn dim(&self) -> usize {
        self.dim
    }

    /// The id of row `i`.
    pub fn id(&self, i: usize) -> &str {
        &self.ids[i]
    }

    /// The vector of a paper, if indexed.
    pub fn vector_of(&self, id: &str) -> Option<&[f32]> {
        let i = self.ids.iter().position(|x| x == id)?;
        self.data.get(i * self.dim..(i + 1) * self.dim)
    }

    /// The `k` rows most similar to `query`, best first, among rows `keep`
    /// accepts. Exact: every row is scored.
    pub fn top_k(
        &self,
        query: &[f32],
        k: usize,
        keep: &(dyn Fn(usize) -> bool + Sync),
    ) -> Vec<(usize, f32)> {
        if k == 0 || self.is_empty() || query.len() != self.dim {
            return Vec::new();
        }
        let threads = std::thread::available_parallelism()
            .map_or(1, |n| n.get())
            .min(8);
        let rows = self.len();
        let per = rows.div_ceil(threads).max(4096);
        let arch = pulp::Arch::new();
        let scan = |start: usize, end: usize| -> BinaryHeap<Scored> {
            arch.dispatch(|| {
                let mut heap = BinaryHeap::with_capacity(k + 1);
                for (i, row) in self.data[start * self.dim..end * self.dim]
                    .chunks_exact(self.dim)
                    .enumerate()
                {
                    let index = start + i;
                    let score = dot(row, query);
                    if heap.len() < k {
                        if keep(index) {
                            heap.push(Scored(score, index));
                        }
                    } else if heap.peek().is_some_and(|worst| score > worst.0) && keep(index) {
                        heap.pop();
                        heap.push(Scored(score, index));
                    }
                }
                heap
            })
        };
        let heaps: Vec<BinaryHeap<Scored>> = if rows <= per {
            vec![scan(0, rows)]
        } else {
            std::thread::scope(|s| {
                let handles: Vec<_> = (0..rows)
                    .step_by(per)
                    .map(|start| {
                        let scan = &scan;
                        s.spawn(move || scan(start, (start + per).min(rows)))
                    })
                    .collect();
                handles.into_iter().filter_map(|h| h.join().ok()).collect()
            })
        };
        let mut all: Vec<(usize, f32)> = heaps
            .into_iter()
            .flatten()
            .map(|Scored(s, i)| (i, s))
            .collect();
        all.sort_by(|a, b| b.1.total_cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
        all.truncate(k);
        all
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn unit(v: Vec<f32>) -> Vec<f32> {
        let n = v.iter().map(|x| x * x).sum::<f32>().sqrt();
        v.into_iter().map(|x| x / n).collect()
    }

    /// Deterministic pseudo-random vectors.
    fn vectors(n: usize, dim: usize) -> Vec<f32> {
        let mut state = 12345u64;
        let mut out = Vec::with_capacity(n * dim);
        for _ in 0..n {
            let v: Vec<f32> = (0..dim)
                .map(|_| {
                    state = state
                        .wrapping_mul(6364136223846793005)
                        .wrapping_add(1442695040888963407);
                    ((state >> 33) as f32 / (1u64 << 31) as f32) - 0.5
                })
                .collect();
            out.extend(unit(v));
        }
        out
    }

    #[test]
    fn top_k_is_exact_and_ordered() {
        let (n, dim) = (20_000, 24);
        let data = vectors(n, dim);
        let ids: Vec<String> = (0..n).map(|i| i.to_string()).collect();
        let index = VectorIndex::new(ids, data.clone(), dim);
        let query = &data[7 * dim..8 * dim];
        let got = index.top_k(query, 10, &|_| true);
        // Brute force with a plain sort.
        let mut all: Vec<(usize, f32)> = (0..n)
            .map(|i| {
                (
                    i,
                    data[i * dim..(i + 1) * dim]
                        .iter()
                        .zip(query)
                        .map(|(a, b)| a * b)
                        .sum(),
                )
            })
            .collect();
        all.sort_by(|a, b| b.1.total_cmp(&a.1));
        let want: Vec<usize> = all.iter().take(10).map(|x| x.0).collect();
        assert_eq!(got.iter().map(|x| x.0).collect::<Vec<_>>(), want);
        assert_eq!(got[0].0, 7);
        assert!((got[0].1 - 1.0).abs() < 1e-5);
        assert!(got.windows(2).all(|w| w[0].1 >= w[1].1));
        // A filter is honoured, and k larger than what passes returns what passes.
        let odd = index.top_k(query, 5, &|i| i % 2 == 1);
        assert!(odd.iter().all(|(i, _)| i % 2 == 1));
        assert_eq!(index.top_k(query, 50, &|i| i < 3).len(), 3);
        assert!(
            index.top_k(&query[..3], 5, &|_| true).is_empty(),
            "wrong dimension"
        );
    }

    #[test]
    fn dot_handles_every_length() {
        for len in 0..40 {
            let a: Vec<f32> = (0..len).map(|i| i as f32).collect();
            let want: f32 = a.iter().map(|x| x * x).sum();
            assert_eq!(dot(&a, &a), want, "{len}");
        }
    }
}
