//! Element-wise kernels the CPU encoder fuses into single passes: bias +
//! GELU, bias + residual + LayerNorm, and scaled, masked softmax. Written as
//! straight-line loops the compiler vectorises, split across the cores, and
//! applied in place to candle tensors so no temporary tensor is allocated.
//!
//! Why: with candle's generic ops the encoder spent half its time outside
//! the matrix products (scalar `erf` and `exp`, one allocation per op; see
//! BENCHMARKS.md).

use candle_core::{CpuStorage, InplaceOp1, InplaceOp2, Layout, Result, bail};

thread_local! {
    /// Set while a thread runs a whole batch by itself (see
    /// [`run_alone`]): its kernels must not fan out again.
    static ALONE: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

/// Runs `f` with every kernel on this thread kept to this thread.
pub(super) fn run_alone<R>(f: impl FnOnce() -> R) -> R {
    ALONE.with(|a| a.set(true));
    let r = f();
    ALONE.with(|a| a.set(false));
    r
}

/// Threads for element-wise work (the matrix products use candle's own).
pub(super) fn threads() -> usize {
    if ALONE.with(std::cell::Cell::get) {
        return 1;
    }
    // Asked once: the standard library reads the cgroup files on every
    // call, which showed in a query's profile.
    static CORES: std::sync::OnceLock<usize> = std::sync::OnceLock::new();
    *CORES.get_or_init(|| {
        std::thread::available_parallelism()
            .map_or(1, |n| n.get())
            .min(8)
    })
}

/// `data = data + bias`, row by row, on plain rows (the thin path).
pub(super) fn add_bias_rows(data: &mut [f32], bias: &[f32]) {
    par_rows(data, bias.len(), &AddBias(bias));
}

/// `data = gelu(data + bias)`, row by row, on plain rows.
pub(super) fn bias_gelu_rows(data: &mut [f32], bias: &[f32]) {
    par_rows(data, bias.len(), &BiasGelu(bias));
}

/// `data = LayerNorm(data + bias + residual)`, row by row, on plain rows.
pub(super) fn bias_residual_norm_rows(
    data: &mut [f32],
    residual: &[f32],
    op: &BiasResidualNorm<'_>,
) {
    par_rows(data, op.bias.len(), &WithResidual { op, residual });
}

/// Work done row by row. `row` is inlined into a function compiled for the
/// CPU's vector extensions (see [`par_rows`]), so it must stay small and
/// `#[inline(always)]`.
trait RowOp: Sync {
    fn row(&self, index: usize, row: &mut [f32]);
}

/// Rows `first..` of a chunk, run under pulp's dispatch: `with_simd` is
/// instantiated inside a `#[target_feature(enable = "avx2,fma")]` function
/// when the CPU has them, and everything inlined into it is compiled so.
/// (A closure passed to `dispatch` is not reliably inlined, and then runs
/// as baseline SSE2 code: measured, half the speed.)
struct Rows<'a, O: RowOp> {
    op: &'a O,
    first: usize,
    chunk: &'a mut [f32],
    width: usize,
}

impl<O: RowOp> pulp::WithSimd for Rows<'_, O> {
    type Output = ();
    #[inline(always)]
    fn with_simd<S: pulp::Simd>(self, _simd: S) {
        for (i, row) in self.chunk.chunks_exact_mut(self.width).enumerate() {
            self.op.row(self.first + i, row);
        }
    }
}

/// Runs `op` on whole rows of `data`, split across threads, each thread
/// under pulp's runtime dispatch (AVX2 + FMA where available, in a
/// portable binary).
fn par_rows<O: RowOp>(data: &mut [f32], width: usize, op: &O) {
    par_rows_with(data, width, op, threads());
}

fn par_rows_with<O: RowOp>(data: &mut [f32], width: usize, op: &O, threads: usize) {
    let arch = pulp::Arch::new();
    let rows = data.len() / width.max(1);
    let parts = threads.min(rows.max(1));
    if parts <= 1 || rows < 64 {
        arch.dispatch(Rows {
            op,
            first: 0,
            chunk: data,
            width,
        });
        return;
    }
    let per = rows.div_ceil(parts);
    std::thread::scope(|scope| {
        for (p, chunk) in data.chunks_mut(per * width).enumerate() {
            scope.spawn(move || {
                arch.dispatch(Rows {
                    op,
                    first: p * per,
                    chunk,
                    width,
                })
            });
        }
    });
}

/// Maximum of a slice, in eight lanes so it vectorises.
#[inline(always)]
fn max_of(values: &[f32]) -> f32 {
    let mut lanes = [f32::NEG_INFINITY; 8];
    let chunks = values.chunks_exact(8);
    let rest = chunks.remainder();
    for c in chunks {
        for i in 0..8 {
            lanes[i] = lanes[i].max(c[i]);
        }
    }
    rest.iter().fold(
        lanes.iter().fold(f32::NEG_INFINITY, |m, &x| m.max(x)),
        |m, &x| m.max(x),
    )
}

/// Sum of a slice, in eight lanes so it vectorises.
#[inline(always)]
fn sum_of(values: &[f32]) -> f32 {
    let mut lanes = [0f32; 8];
    let chunks = values.chunks_exact(8);
    let rest = chunks.remainder();
    for c in chunks {
        for i in 0..8 {
            lanes[i] += c[i];
        }
    }
    lanes.iter().sum::<f32>() + rest.iter().sum::<f32>()
}

/// e^x for x in [-87, 88] with relative error below 3e-7: x = n ln 2 + r
/// (Cody–Waite reduction, so large |x| keeps its precision), e^r by the
/// Cephes polynomial, 2^n through the exponent bits.
#[inline(always)]
pub fn fast_exp(x: f32) -> f32 {
    let x = x.clamp(-87.0, 88.0);
    // Round to nearest without a libm call (the 1.5 * 2^23 trick); the
    // rounded value's integer sits in the low mantissa bits, so no float to
    // int conversion (which would block vectorisation) is needed.
    let shifted = x * std::f32::consts::LOG2_E + 12_582_912.0;
    let n = shifted - 12_582_912.0;
    let k = (shifted.to_bits() as i32).wrapping_sub(0x4B40_0000);
    let r = x - n * 0.693_359_4 + n * 2.121_944_4e-4;
    let p = ((((1.987_569_2e-4 * r + 1.398_199_9e-3) * r + 8.333_452e-3) * r + 4.166_579_6e-2) * r
        + 1.666_666_5e-1)
        * r
        + 0.5;
    let e = p * r * r + r + 1.0;
    e * f32::from_bits(((k + 127) as u32) << 23)
}

/// erf(x) with absolute error below 2e-7 (Abramowitz & Stegun 7.1.26
/// refined: 7.1.28 is coarser). Branch-free so it vectorises.
#[inline(always)]
pub fn fast_erf(x: f32) -> f32 {
    let a = x.abs();
    let t = 1.0 / (1.0 + 0.327_591_1 * a);
    let poly = t
        * (0.254_829_6
            + t * (-0.284_496_7 + t * (1.421_413_7 + t * (-1.453_152_1 + t * 1.061_405_4))));
    let y = 1.0 - poly * fast_exp(-a * a);
    y.copysign(x)
}

/// The exact GELU: x/2 (1 + erf(x/√2)).
#[inline(always)]
pub fn gelu(x: f32) -> f32 {
    0.5 * x * (1.0 + fast_erf(x * std::f32::consts::FRAC_1_SQRT_2))
}

fn slice_mut<'a>(storage: &'a mut CpuStorage, layout: &Layout, op: &str) -> Result<&'a mut [f32]> {
    let Some((start, end)) = layout.contiguous_offsets() else {
        bail!("{op}: the tensor must be contiguous")
    };
    match storage {
        CpuStorage::F32(v) => Ok(&mut v[start..end]),
        _ => bail!("{op}: f32 only"),
    }
}

fn slice<'a>(storage: &'a CpuStorage, layout: &Layout, op: &str) -> Result<&'a [f32]> {
    let Some((start, end)) = layout.contiguous_offsets() else {
        bail!("{op}: the tensor must be contiguous")
    };
    match storage {
        CpuStorage::F32(v) => Ok(&v[start..end]),
        _ => bail!("{op}: f32 only"),
    }
}

/// `x = gelu(x + bias)` row by row.
pub struct BiasGelu<'a>(pub &'a [f32]);

impl InplaceOp1 for BiasGelu<'_> {
    fn name(&self) -> &'static str {
        "bias-gelu"
    }
    fn cpu_fwd(&self, storage: &mut CpuStorage, layout: &Layout) -> Result<()> {
        let data = slice_mut(storage, layout, self.name())?;
        par_rows(data, self.0.len(), self);
        Ok(())
    }
}

impl RowOp for BiasGelu<'_> {
    #[inline(always)]
    fn row(&self, _: usize, row: &mut [f32]) {
        for (x, b) in row.iter_mut().zip(self.0) {
            *x = gelu(*x + b);
        }
    }
}

/// `x = bias + x` row by row.
pub struct AddBias<'a>(pub &'a [f32]);

impl InplaceOp1 for AddBias<'_> {
    fn name(&self) -> &'static str {
        "add-bias"
    }
    fn cpu_fwd(&self, storage: &mut CpuStorage, layout: &Layout) -> Result<()> {
        let data = slice_mut(storage, layout, self.name())?;
        par_rows(data, self.0.len(), self);
        Ok(())
    }
}

impl RowOp for AddBias<'_> {
    #[inline(always)]
    fn row(&self, _: usize, row: &mut [f32]) {
        for (x, b) in row.iter_mut().zip(self.0) {
            *x += b;
        }
    }
}

/// `x = LayerNorm(x + bias + residual)` row by row.
pub struct BiasResidualNorm<'a> {
    /// The linear layer's bias.
    pub bias: &'a [f32],
    /// LayerNorm weight.
    pub gamma: &'a [f32],
    /// LayerNorm bias.
    pub beta: &'a [f32],
    /// LayerNorm epsilon.
    pub eps: f32,
}

/// LayerNorm of one row in place.
#[inline(always)]
pub fn layer_norm_row(row: &mut [f32], gamma: &[f32], beta: &[f32], eps: f32) {
    let n = row.len() as f32;
    let mean = sum_of(row) / n;
    let mut lanes = [0f32; 8];
    let chunks = row.chunks_exact(8);
    let rest: f32 = chunks
        .remainder()
        .iter()
        .map(|x| (x - mean) * (x - mean))
        .sum();
    for c in chunks {
        for i in 0..8 {
            lanes[i] += (c[i] - mean) * (c[i] - mean);
        }
    }
    let var = (lanes.iter().sum::<f32>() + rest) / n;
    let inv = 1.0 / (var + eps).sqrt();
    for ((x, g), b) in row.iter_mut().zip(gamma).zip(beta) {
        *x = (*x - mean) * inv * g + b;
    }
}

impl InplaceOp2 for BiasResidualNorm<'_> {
    fn name(&self) -> &'static str {
        "bias-residual-norm"
    }
    fn cpu_fwd(
        &self,
        s1: &mut CpuStorage,
        l1: &Layout,
        s2: &CpuStorage,
        l2: &Layout,
    ) -> Result<()> {
        let data = slice_mut(s1, l1, self.name())?;
        let residual = slice(s2, l2, self.name())?;
        if residual.len() != data.len() {
            bail!("{}: shapes differ", self.name())
        }
        let width = self.bias.len();
        par_rows(data, width, &WithResidual { op: self, residual });
        Ok(())
    }
}

struct WithResidual<'a, 'b> {
    op: &'a BiasResidualNorm<'b>,
    residual: &'a [f32],
}

impl RowOp for WithResidual<'_, '_> {
    #[inline(always)]
    fn row(&self, i: usize, row: &mut [f32]) {
        let width = row.len();
        let Some(res) = self.residual.get(i * width..(i + 1) * width) else {
            return;
        };
        for ((x, b), r) in row.iter_mut().zip(self.op.bias).zip(res) {
            *x += b + r;
        }
        layer_norm_row(row, self.op.gamma, self.op.beta, self.op.eps);
    }
}

/// Attention scores (batch, heads, T, T) in place: scaled, keys past each
/// sequence's length masked out, soft-maxed over the last axis.
pub struct MaskedSoftmax<'a> {
    /// 1/sqrt(head size).
    pub scale: f32,
    /// Valid tokens per sequence.
    pub lengths: &'a [usize],
    /// Heads.
    pub heads: usize,
    /// Padded sequence length T.
    pub width: usize,
    /// Split the rows across threads (false when the caller already runs
    /// one of several workers).
    pub parallel: bool,
}

impl InplaceOp1 for MaskedSoftmax<'_> {
    fn name(&self) -> &'static str {
        "masked-softmax"
    }
    fn cpu_fwd(&self, storage: &mut CpuStorage, layout: &Layout) -> Result<()> {
        let data = slice_mut(storage, layout, self.name())?;
        let t = self.width;
        if data.len() != self.lengths.len() * self.heads * t * t {
            bail!("{}: shape mismatch", self.name())
        }
        par_rows_with(data, t, self, if self.parallel { threads() } else { 1 });
        Ok(())
    }
}

impl RowOp for MaskedSoftmax<'_> {
    #[inline(always)]
    fn row(&self, row_index: usize, row: &mut [f32]) {
        let t = self.width;
        let sequence = row_index / (self.heads * t);
        let len = self.lengths.get(sequence).copied().unwrap_or(t).clamp(1, t);
        let (valid, padding) = row.split_at_mut(len);
        let max = max_of(valid) * self.scale;
        for x in valid.iter_mut() {
            *x = fast_exp(*x * self.scale - max);
        }
        let inv = 1.0 / sum_of(valid);
        for x in valid.iter_mut() {
            *x *= inv;
        }
        padding.fill(0.0);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exp_and_erf_are_accurate() {
        let mut x = -20.0f32;
        while x < 20.0 {
            let rel = (fast_exp(x) - x.exp()).abs() / x.exp();
            assert!(rel < 3e-7, "exp({x}): {rel}");
            x += 0.013;
        }
        let mut x = -6.0f64;
        while x < 6.0 {
            // erf via its series-free relation to the normal CDF is not in
            // std; compare GELU against a high-precision reference instead.
            let reference = 0.5 * x * (1.0 + erf64(x / std::f64::consts::SQRT_2));
            let got = gelu(x as f32) as f64;
            assert!(
                (got - reference).abs() < 3e-6 * (1.0 + x.abs()),
                "gelu({x}): {got} vs {reference}"
            );
            x += 0.0071;
        }
    }

    /// erf by its Taylor series / continued fraction, in f64.
    fn erf64(x: f64) -> f64 {
        if x.abs() < 3.0 {
            let mut sum = x;
            let mut term = x;
            for n in 1..200 {
                term *= -x * x / n as f64;
                sum += term / (2 * n + 1) as f64;
            }
            sum * 2.0 / std::f64::consts::PI.sqrt()
        } else {
            // erfc continued fraction (Lentz), good for |x| >= 3.
            let a = x.abs();
            let mut f = a;
            for k in (1..60).rev() {
                f = a + (k as f64 / 2.0) / f;
            }
            let erfc = (-a * a).exp() / (f * std::f64::consts::PI.sqrt());
            (1.0 - erfc).copysign(x)
        }
    }

    #[test]
    fn softmax_masks_padding() {
        let t = 4;
        let mut v: Vec<f32> = (0..2 * t * t).map(|i| (i % 5) as f32).collect();
        let op = MaskedSoftmax {
            scale: 0.5,
            lengths: &[4, 2],
            heads: 1,
            width: t,
            parallel: true,
        };
        let mut storage = CpuStorage::F32(v.clone());
        let layout = Layout::contiguous((2, 1, t, t));
        op.cpu_fwd(&mut storage, &layout).expect("softmax");
        if let CpuStorage::F32(out) = storage {
            v = out;
        }
        for row in 0..2 * t {
            let r = &v[row * t..(row + 1) * t];
            assert!((r.iter().sum::<f32>() - 1.0).abs() < 1e-5);
            if row >= t {
                assert_eq!(
                    (r[2], r[3]),
                    (0.0, 0.0),
                    "keys past the length get no weight"
                );
            }
        }
    }
}
