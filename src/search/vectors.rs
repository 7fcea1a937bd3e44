//! Exact nearest neighbours over unit vectors held in memory (dot product =
//! cosine for normalised vectors).
//!
//! The scan is memory bound, so it reads int8 codes (a quarter of the
//! bytes) and keeps, per vector, the norm of what quantisation lost. For a
//! unit query that norm bounds the error of the int8 score, so the scan
//! knows every vector whose exact score could still reach the top k; those
//! few are scored again in f32 and the result is exactly the f32 top k.
//! Work is split across the cores; inner loops run in eight lanes under
//! pulp's runtime dispatch, vectorised with AVX2 + FMA where available.

use std::cmp::Ordering;
use std::collections::BinaryHeap;

/// The vectors of one model, row-major, with their int8 codes.
#[derive(Debug, Clone, Default)]
pub struct VectorIndex {
    ids: Vec<String>,
    data: Vec<f32>,
    /// Instead of `data` in a compact index: the vectors in bfloat16, for
    /// rescoring the survivors of the int8 pass (half the memory of f32;
    /// scores within 0.4 % of f32's).
    half: Vec<u16>,
    dim: usize,
    codes: Vec<i8>,
    /// Per vector: the code's scale.
    scales: Vec<f32>,
    /// Per vector: the L2 norm of `vector - scale * code`.
    errors: Vec<f32>,
}

/// Slack added to every error bound: f32 rounding in a 384-term sum stays
/// far below it.
const ROUNDING_SLACK: f32 = 1e-4;

/// Integer dot product of two int8 codes; exact (no rounding at all).
#[inline(always)]
fn dot_codes(a: &[i8], b: &[i8]) -> i32 {
    let mut lanes = [0i32; 16];
    let (ca, cb) = (a.chunks_exact(16), b.chunks_exact(16));
    let rest: i32 = ca
        .remainder()
        .iter()
        .zip(cb.remainder())
        .map(|(x, y)| i32::from(*x) * i32::from(*y))
        .sum();
    for (x, y) in ca.zip(cb) {
        for i in 0..16 {
            lanes[i] += i32::from(i16::from(x[i]) * i16::from(y[i]));
        }
    }
    lanes.iter().sum::<i32>() + rest
}

/// The same integer dot product with AVX2's 16-bit multiply-add
/// (`vpmaddwd`: 16 products a step), which the compiler does not find by
/// itself for this loop (it widens to 32 bits first, half the speed).
#[cfg(target_arch = "x86_64")]
#[inline(always)]
fn dot_codes_avx2(simd: pulp::x86::V3, a: &[i8], b: &[i8]) -> i32 {
    use std::arch::x86_64::{__m128i, __m256i};
    let (ca, cb) = (a.chunks_exact(32), b.chunks_exact(32));
    let rest: i32 = ca
        .remainder()
        .iter()
        .zip(cb.remainder())
        .map(|(x, y)| i32::from(*x) * i32::from(*y))
        .sum();
    let widen = |half: &[i8]| -> __m256i {
        let mut bytes = [0i8; 16];
        bytes.copy_from_slice(half);
        simd.avx2
            ._mm256_cvtepi8_epi16(pulp::cast::<[i8; 16], __m128i>(bytes))
    };
    let (mut even, mut odd) = (
        simd.avx._mm256_setzero_si256(),
        simd.avx._mm256_setzero_si256(),
    );
    for (x, y) in ca.zip(cb) {
        let (x0, x1) = x.split_at(16);
        let (y0, y1) = y.split_at(16);
        even = simd
            .avx2
            ._mm256_add_epi32(even, simd.avx2._mm256_madd_epi16(widen(x0), widen(y0)));
        odd = simd
            .avx2
            ._mm256_add_epi32(odd, simd.avx2._mm256_madd_epi16(widen(x1), widen(y1)));
    }
    let lanes: [i32; 8] = pulp::cast(simd.avx2._mm256_add_epi32(even, odd));
    lanes.iter().sum::<i32>() + rest
}

/// int8 code of a vector: (codes, scale, L2 norm of what was lost).
fn quantize(v: &[f32]) -> (Vec<i8>, f32, f32) {
    let max = v.iter().fold(0f32, |m, x| m.max(x.abs()));
    let scale = if max > 0.0 { max / 127.0 } else { 1.0 };
    let mut lost = 0f32;
    let codes = v
        .iter()
        .map(|x| {
            let c = (x / scale).round().clamp(-127.0, 127.0);
            lost += (x - c * scale) * (x - c * scale);
            c as i8
        })
        .collect();
    (codes, scale, lost.sqrt())
}

/// f32 to bfloat16, rounding to nearest even.
fn to_bf16(x: f32) -> u16 {
    let bits = x.to_bits();
    if x.is_nan() {
        return 0x7fc0;
    }
    let lsb = (bits >> 16) & 1;
    ((bits.wrapping_add(0x7fff + lsb)) >> 16) as u16
}

fn from_bf16(h: u16) -> f32 {
    f32::from_bits(u32::from(h) << 16)
}

#[derive(PartialEq)]
struct Scored(f32, usize);

/// What one part of the scan found: its best lower bounds, its candidates (row, upper bound).
type ScanPart = (BinaryHeap<Scored>, Vec<(usize, f32)>);

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

/// The machine's cores, asked once (the standard library reads cgroup
/// files on every call).
fn cores() -> usize {
    static CORES: std::sync::OnceLock<usize> = std::sync::OnceLock::new();
    *CORES.get_or_init(|| {
        std::thread::available_parallelism()
            .map_or(1, |n| n.get())
            .min(8)
    })
}

/// One part of the int8 pass. A struct run by pulp's dispatch rather than
/// a closure: a closure handed to `dispatch` is not reliably inlined into
/// the AVX2 function, and then runs as baseline SSE2 code (profiled: the
/// scan ran in SSE2, at half the speed).
struct Scan<'a, D> {
    /// How two codes are multiplied (portable or AVX2).
    dot: D,
    index: &'a VectorIndex,
    query_codes: &'a [i8],
    query_scale: f32,
    /// The query's own quantisation error plus the rounding slack.
    bound_base: f32,
    query_norm: f32,
    k: usize,
    keep: &'a (dyn Fn(usize) -> bool + Sync),
    rows: std::ops::Range<usize>,
}

/// An integer dot product of two codes.
trait CodeDot {
    fn dot(&self, a: &[i8], b: &[i8]) -> i32;
}

struct PortableDot;

impl CodeDot for PortableDot {
    #[inline(always)]
    fn dot(&self, a: &[i8], b: &[i8]) -> i32 {
        dot_codes(a, b)
    }
}

#[cfg(target_arch = "x86_64")]
struct Avx2Dot(pulp::x86::V3);

#[cfg(target_arch = "x86_64")]
impl CodeDot for Avx2Dot {
    #[inline(always)]
    fn dot(&self, a: &[i8], b: &[i8]) -> i32 {
        dot_codes_avx2(self.0, a, b)
    }
}

impl<D: CodeDot> pulp::WithSimd for Scan<'_, D> {
    type Output = ScanPart;
    #[inline(always)]
    fn with_simd<S: pulp::Simd>(self, _simd: S) -> ScanPart {
        let Scan {
            dot,
            index,
            query_codes,
            query_scale,
            bound_base,
            query_norm,
            k,
            keep,
            rows,
        } = self;
        let dim = index.dim;
        let mut lower = BinaryHeap::with_capacity(k + 1);
        let mut candidates = Vec::new();
        let codes = &index.codes[rows.start * dim..rows.end * dim];
        let scales = &index.scales[rows.clone()];
        let errors = &index.errors[rows.clone()];
        for (j, ((code, scale), error)) in
            codes.chunks_exact(dim).zip(scales).zip(errors).enumerate()
        {
            let i = rows.start + j;
            let approx = dot.dot(query_codes, code) as f32 * (query_scale * scale);
            let bound = bound_base + query_norm * error;
            let (lo, hi) = (approx - bound, approx + bound);
            let floor = if lower.len() < k {
                f32::NEG_INFINITY
            } else {
                lower.peek().map_or(f32::NEG_INFINITY, |s: &Scored| s.0)
            };
            if hi < floor || !keep(i) {
                continue;
            }
            candidates.push((i, hi));
            if lower.len() < k {
                lower.push(Scored(lo, i));
            } else if lo > floor {
                lower.pop();
                lower.push(Scored(lo, i));
            }
        }
        (lower, candidates)
    }
}

/// Dot product of a bfloat16 row with an f32 query, in eight lanes,
/// widening as it goes (no copy of the row).
#[inline(always)]
fn dot_bf16(row: &[u16], query: &[f32]) -> f32 {
    let mut lanes = [0f32; 8];
    let (cr, cq) = (row.chunks_exact(8), query.chunks_exact(8));
    let rest: f32 = cr
        .remainder()
        .iter()
        .zip(cq.remainder())
        .map(|(h, q)| from_bf16(*h) * q)
        .sum();
    for (h, q) in cr.zip(cq) {
        for i in 0..8 {
            lanes[i] += from_bf16(h[i]) * q[i];
        }
    }
    lanes.iter().sum::<f32>() + rest
}

impl VectorIndex {
    /// Builds the index from ids and a flat row-major matrix.
    pub fn new(ids: Vec<String>, data: Vec<f32>, dim: usize) -> VectorIndex {
        debug_assert_eq!(ids.len() * dim, data.len());
        let mut codes = Vec::with_capacity(data.len());
        let mut scales = Vec::with_capacity(ids.len());
        let mut errors = Vec::with_capacity(ids.len());
        for v in data.chunks_exact(dim.max(1)) {
            let (c, scale, lost) = quantize(v);
            codes.extend(c);
            scales.push(scale);
            errors.push(lost);
        }
        VectorIndex {
            ids,
            data,
            half: Vec::new(),
            dim,
            codes,
            scales,
            errors,
        }
    }

    /// An empty compact index of `dim`-long vectors (see [`push`](Self::push)):
    /// int8 codes for the scan and bfloat16 for rescoring, never f32, so a
    /// large index is built row by row without a full f32 copy.
    pub fn compact(dim: usize, capacity: usize) -> VectorIndex {
        VectorIndex {
            ids: Vec::with_capacity(capacity),
            data: Vec::new(),
            half: Vec::with_capacity(capacity * dim),
            dim,
            codes: Vec::with_capacity(capacity * dim),
            scales: Vec::with_capacity(capacity),
            errors: Vec::with_capacity(capacity),
        }
    }

    /// Adds a row to a compact index; rows of the wrong length are skipped.
    pub fn push(&mut self, id: &str, v: &[f32]) {
        if v.len() != self.dim || !self.data.is_empty() {
            return;
        }
        let (c, scale, lost) = quantize(v);
        self.codes.extend(c);
        self.scales.push(scale);
        self.errors.push(lost);
        self.half.extend(v.iter().map(|x| to_bf16(*x)));
        self.ids.push(id.to_string());
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

    /// The vector of a paper, if indexed (not kept by a compact index).
    pub fn vector_of(&self, id: &str) -> Option<&[f32]> {
        let i = self.ids.iter().position(|x| x == id)?;
        self.data.get(i * self.dim..(i + 1) * self.dim)
    }

    /// The `k` rows most similar to `query` (a unit vector), best first,
    /// among rows `keep` accepts. Exact: the same as scoring every row in f32.
    pub fn top_k(
        &self,
        query: &[f32],
        k: usize,
        keep: &(dyn Fn(usize) -> bool + Sync),
    ) -> Vec<(usize, f32)> {
        if k == 0 || self.is_empty() || query.len() != self.dim {
            return Vec::new();
        }
        let threads = cores();
        let rows = self.len();
        let per = rows.div_ceil(threads).max(4096);
        let arch = pulp::Arch::new();
        // The query is quantised too: with u = û + du and v = v̂ + dv,
        // |u·v - û·v̂| <= |du| |v| + |û| |dv|, and û·v̂ is an exact integer sum.
        let (query_codes, query_scale, query_error) = quantize(query);
        let query_norm = query_codes
            .iter()
            .map(|c| f32::from(*c) * f32::from(*c))
            .sum::<f32>()
            .sqrt()
            * query_scale;
        // Pass 1 over int8 codes: each part keeps the k best lower bounds and
        // every row whose upper bound can still beat them.
        let scan = |start: usize, end: usize| -> ScanPart {
            #[cfg(target_arch = "x86_64")]
            if let Some(simd) = pulp::x86::V3::try_new() {
                return pulp::Simd::vectorize(
                    simd,
                    Scan {
                        dot: Avx2Dot(simd),
                        index: self,
                        query_codes: &query_codes,
                        query_scale,
                        bound_base: query_error + ROUNDING_SLACK,
                        query_norm,
                        k,
                        keep,
                        rows: start..end,
                    },
                );
            }
            arch.dispatch(Scan {
                dot: PortableDot,
                index: self,
                query_codes: &query_codes,
                query_scale,
                bound_base: query_error + ROUNDING_SLACK,
                query_norm,
                k,
                keep,
                rows: start..end,
            })
        };
        let parts: Vec<ScanPart> = if rows <= per {
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
        // The k-th best lower bound over all parts: nothing below it can be in the top k.
        let mut lows: Vec<f32> = parts
            .iter()
            .flat_map(|(h, _)| h.iter().map(|s| s.0))
            .collect();
        lows.sort_by(|a, b| b.total_cmp(a));
        let floor = if lows.len() < k {
            f32::NEG_INFINITY
        } else {
            lows[k - 1]
        };
        // Pass 2: the survivors, scored exactly.
        let mut exact: Vec<(usize, f32)> = arch.dispatch(|| {
            parts
                .iter()
                .flat_map(|(_, c)| c.iter())
                .filter(|(_, hi)| *hi >= floor)
                .map(|&(i, _)| (i, self.exact(i, query)))
                .collect()
        });
        exact.sort_by(|a, b| b.1.total_cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
        exact.truncate(k);
        exact
    }

    /// Row `i` against the query, in f32 (bfloat16 rows widened).
    fn exact(&self, i: usize, query: &[f32]) -> f32 {
        let range = i * self.dim..(i + 1) * self.dim;
        if self.data.is_empty() {
            return dot_bf16(&self.half[range], query);
        }
        dot(&self.data[range], query)
    }

    /// The plain f32 scan of every row (the reference the fast path must match).
    pub fn top_k_f32(&self, query: &[f32], k: usize) -> Vec<(usize, f32)> {
        let mut all: Vec<(usize, f32)> = self
            .data
            .chunks_exact(self.dim.max(1))
            .enumerate()
            .map(|(i, v)| (i, dot(v, query)))
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
        // Many queries near, but not on, the data (blends of two stored
        // vectors): the int8-filtered scan equals the f32 scan exactly.
        for probe in 0..40 {
            let (a, b) = ((probe * 97) % n, (probe * 7919 + 13) % n);
            let blend: Vec<f32> = (0..dim)
                .map(|j| data[a * dim + j] + 0.7 * data[b * dim + j])
                .collect();
            let q = unit(blend);
            for k in [1, 10, 100] {
                assert_eq!(
                    index.top_k(&q, k, &|_| true),
                    index.top_k_f32(&q, k),
                    "probe {probe}, k {k}"
                );
            }
        }
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
    fn a_compact_index_ranks_like_f32_within_bfloat16() {
        let (n, dim) = (3000, 64);
        let data = vectors(n, dim);
        let ids: Vec<String> = (0..n).map(|i| format!("p{i}")).collect();
        let full = VectorIndex::new(ids.clone(), data.clone(), dim);
        let mut compact = VectorIndex::compact(dim, n);
        for (id, row) in ids.iter().zip(data.chunks_exact(dim)) {
            compact.push(id, row);
        }
        compact.push("wrong length", &[1.0]);
        assert_eq!(compact.len(), n);
        assert!(compact.vector_of("p1").is_none(), "no f32 is kept");
        let q = full.vector_of("p7").expect("p7").to_vec();
        let exact = full.top_k(&q, 20, &|_| true);
        let approx = compact.top_k(&q, 20, &|_| true);
        assert_eq!(approx[0].0, 7);
        // The same rows, scores within bfloat16's precision.
        let overlap = approx
            .iter()
            .filter(|(i, _)| exact.iter().any(|(j, _)| j == i))
            .count();
        assert!(overlap >= 19, "{overlap} of 20");
        for ((_, a), (_, b)) in approx.iter().zip(&exact) {
            assert!((a - b).abs() < 0.01, "{a} vs {b}");
        }
        assert_eq!(from_bf16(to_bf16(1.0)), 1.0);
        assert!((from_bf16(to_bf16(0.123_456)) - 0.123_456).abs() < 1e-3);
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
