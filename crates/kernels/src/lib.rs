//! Numeric kernels of litradar that must be fast even in a debug build
//! (the test suite runs the real embedding model in one): a crate of their
//! own, so `[profile.dev.package]` can always build them optimised.
//!
//! [`linear`] is a linear layer for a handful of token rows: a search
//! query is some ten tokens, so each product is a few rows against a whole
//! weight matrix, and its cost is reading the weights. A general
//! matrix-product kernel blocks for large products; at this size it spent
//! 80 % of a query in half-empty microkernels, reading a transposed weight
//! matrix 64 bytes per 4 KiB page. Here the weights are read in the
//! model's (out, in) layout: four outputs' rows stream front to back and
//! stay in L1 while every token uses them, accumulators stay in registers,
//! and the outputs are split across the cores.

/// Outputs computed together: four weight rows streamed side by side.
const OUTPUTS: usize = 4;
/// Token rows computed together: 4 × 2 accumulators of 8 lanes, with the
/// weight and input loads, fit the 16 AVX2 registers.
const TOKENS: usize = 2;

/// A few threads kept for queries, so a query's products need not wait
/// for a thread to be created (24 products per query).
fn pool() -> Option<&'static rayon::ThreadPool> {
    static POOL: std::sync::OnceLock<Option<rayon::ThreadPool>> = std::sync::OnceLock::new();
    POOL.get_or_init(|| {
        rayon::ThreadPoolBuilder::new()
            .num_threads(
                std::thread::available_parallelism()
                    .map_or(1, |n| n.get())
                    .min(8),
            )
            .thread_name(|i| format!("litradar-query-{i}"))
            .build()
            .ok()
    })
    .as_ref()
}

/// `out (n × m) = x (n × k) · wᵀ`, for `w` (m × k): a linear layer's
/// weight as stored, one row per output. All row-major. The outputs are
/// split over up to `threads` cores. Slices too short for the sizes are
/// left alone (nothing is written).
pub fn linear(x: &[f32], n: usize, k: usize, w: &[f32], m: usize, out: &mut [f32], threads: usize) {
    if x.len() < n * k || w.len() < k * m || out.len() < n * m || n == 0 || m == 0 {
        return;
    }
    let parts = threads.min(m.div_ceil(OUTPUTS)).max(1);
    let pool = pool().filter(|_| parts > 1);
    let Some(pool) = pool else {
        outputs(x, n, k, w, 0..m, &mut out[..n * m], m);
        return;
    };
    // Each part computes a range of outputs (its own weight rows) into
    // its own buffer; the weights are read once, by one core each.
    let per = m.div_ceil(parts).div_ceil(OUTPUTS) * OUTPUTS;
    let ranges: Vec<std::ops::Range<usize>> = (0..parts)
        .map(|p| (p * per).min(m)..((p + 1) * per).min(m))
        .filter(|r| !r.is_empty())
        .collect();
    let mut buffers: Vec<Vec<f32>> = ranges.iter().map(|r| vec![0f32; n * r.len()]).collect();
    pool.scope(|scope| {
        for (range, buffer) in ranges.iter().zip(buffers.iter_mut()) {
            scope.spawn(move |_| {
                let width = range.len();
                outputs(x, n, k, w, range.clone(), buffer, width);
            });
        }
    });
    for (range, buffer) in ranges.iter().zip(&buffers) {
        let width = range.len();
        for (t, row) in buffer.chunks_exact(width).enumerate() {
            out[t * m + range.start..t * m + range.end].copy_from_slice(row);
        }
    }
}

/// Outputs `range` of the product into `out` (n rows of `out_width`, the
/// range's first output at 0), under pulp's dispatch so the loops are
/// compiled for AVX2 and FMA where the CPU has them.
fn outputs(
    x: &[f32],
    n: usize,
    k: usize,
    w: &[f32],
    range: std::ops::Range<usize>,
    out: &mut [f32],
    out_width: usize,
) {
    pulp::Arch::new().dispatch(Outputs {
        x,
        n,
        k,
        w,
        range,
        out,
        out_width,
    });
}

struct Outputs<'a> {
    x: &'a [f32],
    n: usize,
    k: usize,
    w: &'a [f32],
    range: std::ops::Range<usize>,
    out: &'a mut [f32],
    out_width: usize,
}

impl pulp::WithSimd for Outputs<'_> {
    type Output = ();
    #[inline(always)]
    fn with_simd<S: pulp::Simd>(self, simd: S) {
        let Outputs {
            x,
            n,
            k,
            w,
            range,
            out,
            out_width,
        } = self;
        let mut j = range.start;
        while j < range.end {
            let outputs = OUTPUTS.min(range.end - j);
            // These weight rows come from memory once and stay in L1 while
            // every token row uses them.
            let rows: [&[f32]; OUTPUTS] =
                std::array::from_fn(|o| &w[(j + o.min(outputs - 1)) * k..][..k]);
            let mut t = 0;
            while t < n {
                let tokens = TOKENS.min(n - t);
                let xs: [&[f32]; TOKENS] =
                    std::array::from_fn(|i| &x[(t + i.min(tokens - 1)) * k..][..k]);
                let sums = tile(simd, xs, rows);
                for (i, row) in sums.iter().take(tokens).enumerate() {
                    let at = (t + i) * out_width + (j - range.start);
                    out[at..at + outputs].copy_from_slice(&row[..outputs]);
                }
                t += tokens;
            }
            j += outputs;
        }
    }
}

/// TOKENS × OUTPUTS dot products of length k, in the CPU's vector width
/// (eight lanes on AVX2), accumulators in registers.
#[inline(always)]
fn tile<S: pulp::Simd>(
    simd: S,
    xs: [&[f32]; TOKENS],
    rows: [&[f32]; OUTPUTS],
) -> [[f32; OUTPUTS]; TOKENS] {
    let w: [(&[S::f32s], &[f32]); OUTPUTS] = std::array::from_fn(|o| S::as_simd_f32s(rows[o]));
    let x: [(&[S::f32s], &[f32]); TOKENS] = std::array::from_fn(|t| S::as_simd_f32s(xs[t]));
    let chunks = w.iter().chain(&x).map(|(h, _)| h.len()).min().unwrap_or(0);
    let w_heads: [&[S::f32s]; OUTPUTS] = std::array::from_fn(|o| &w[o].0[..chunks]);
    let x_heads: [&[S::f32s]; TOKENS] = std::array::from_fn(|t| &x[t].0[..chunks]);
    let mut acc = [[simd.splat_f32s(0.0); OUTPUTS]; TOKENS];
    for c in 0..chunks {
        let wv: [S::f32s; OUTPUTS] = std::array::from_fn(|o| w_heads[o][c]);
        for t in 0..TOKENS {
            let xv = x_heads[t][c];
            for o in 0..OUTPUTS {
                acc[t][o] = simd.mul_add_e_f32s(xv, wv[o], acc[t][o]);
            }
        }
    }
    let mut sums = [[0f32; OUTPUTS]; TOKENS];
    for t in 0..TOKENS {
        for o in 0..OUTPUTS {
            let tail: f32 = x[t].1.iter().zip(w[o].1).map(|(a, b)| a * b).sum();
            sums[t][o] = simd.reduce_sum_f32s(acc[t][o]) + tail;
        }
    }
    sums
}

#[cfg(test)]
mod tests {
    use super::*;

    fn numbers(len: usize, seed: u32) -> Vec<f32> {
        let mut state = seed.wrapping_mul(2_654_435_761).max(1);
        (0..len)
            .map(|_| {
                state ^= state << 13;
                state ^= state >> 17;
                state ^= state << 5;
                (state % 2001) as f32 / 1000.0 - 1.0
            })
            .collect()
    }

    #[test]
    fn the_product_equals_the_plain_one() {
        // BERT's shapes, odd ones, and lengths that leave partial tiles.
        for (n, k, m) in [(12, 384, 1152), (1, 384, 384), (7, 1536, 384), (13, 5, 37)] {
            let x = numbers(n * k, 1);
            // One row of k weights per output, as a linear layer stores them.
            let w = numbers(m * k, 2);
            for threads in [1, 2, 3] {
                let mut out = vec![f32::NAN; n * m];
                linear(&x, n, k, &w, m, &mut out, threads);
                for t in 0..n {
                    for c in 0..m {
                        let want: f32 = (0..k).map(|i| x[t * k + i] * w[c * k + i]).sum();
                        let got = out[t * m + c];
                        assert!(
                            (got - want).abs() <= 1e-3 * (1.0 + want.abs()),
                            "({n}, {k}, {m}) on {threads} at [{t}][{c}]: {got} vs {want}"
                        );
                    }
                }
            }
        }
    }

    #[test]
    fn short_inputs_are_left_alone() {
        let mut out = vec![7.0; 4];
        linear(&[1.0; 3], 2, 2, &[1.0; 4], 2, &mut out, 2);
        assert_eq!(out, vec![7.0; 4], "x too short for 2 × 2: nothing written");
    }
}
