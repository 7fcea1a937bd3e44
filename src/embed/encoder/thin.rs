//! The encoder for a handful of tokens (a search query): the batch path's
//! steps on plain buffers, with `litradar_kernels::linear` for the matrix
//! products instead of the general kernel, which at this size spent 80 %
//! of a query in half-empty microkernels (see that crate). Same weights,
//! same row kernels as the batch path: the vectors agree (tested).

use super::super::kernels::{
    self, BiasResidualNorm, add_bias_rows, bias_gelu_rows, bias_residual_norm_rows, fast_exp,
};
use super::CpuBert;
use candle_core::{CpuStorage, Result, Storage, Tensor, bail};

/// Token rows (padded) up to which a forward pass takes this path.
pub(super) const MAX_ROWS: usize = 48;

/// A CPU tensor's f32 elements, handed to `f`.
fn with_f32<R>(t: &Tensor, f: impl FnOnce(&[f32]) -> R) -> Result<R> {
    let (storage, layout) = t.storage_and_layout();
    let Some((start, end)) = layout.contiguous_offsets() else {
        bail!("thin encoder: weights must be contiguous")
    };
    match &*storage {
        Storage::Cpu(CpuStorage::F32(v)) => Ok(f(&v[start..end])),
        _ => bail!("thin encoder: f32 weights on the CPU only"),
    }
}

/// `out = x · wᵀ` for `n` rows, `w` a linear layer's (out, in) weight.
fn matmul(x: &[f32], n: usize, k: usize, w: &Tensor, m: usize, out: &mut [f32]) -> Result<()> {
    with_f32(w, |w| {
        litradar_kernels::linear(x, n, k, w, m, out, kernels::threads())
    })
}

impl CpuBert {
    /// The forward pass for `rows · width ≤ MAX_ROWS` token rows: the
    /// batch path's steps on plain buffers, with [`matmul`] for the
    /// products. `x` holds the embedded tokens, padded to `width`.
    pub(super) fn forward_thin(
        &self,
        mut x: Vec<f32>,
        lengths: &[usize],
        width: usize,
    ) -> Result<Vec<f32>> {
        let h = self.hidden;
        let n = lengths.len() * width;
        let head = h / self.heads;
        let scale = 1.0 / (head as f32).sqrt();
        let inner = self.layers.first().map_or(0, |l| l.up_bias.len());
        let mut qkv = vec![0f32; n * 3 * h];
        let mut context = vec![0f32; n * h];
        let mut attended = vec![0f32; n * h];
        let mut middle = vec![0f32; n * inner];
        for layer in &self.layers {
            matmul(&x, n, h, &layer.qkv, 3 * h, &mut qkv)?;
            add_bias_rows(&mut qkv, &layer.qkv_bias);
            self.attend(&qkv, &mut context, lengths, width, scale);
            matmul(&context, n, h, &layer.out, h, &mut attended)?;
            bias_residual_norm_rows(
                &mut attended,
                &x,
                &BiasResidualNorm {
                    bias: &layer.out_bias,
                    gamma: &layer.norm1.0,
                    beta: &layer.norm1.1,
                    eps: self.eps,
                },
            );
            matmul(&attended, n, h, &layer.up, inner, &mut middle)?;
            bias_gelu_rows(&mut middle, &layer.up_bias);
            matmul(&middle, n, inner, &layer.down, h, &mut x)?;
            bias_residual_norm_rows(
                &mut x,
                &attended,
                &BiasResidualNorm {
                    bias: &layer.down_bias,
                    gamma: &layer.norm2.0,
                    beta: &layer.norm2.1,
                    eps: self.eps,
                },
            );
        }
        Ok(x)
    }

    /// Self-attention of every sequence over its own tokens (padding is
    /// neither a query nor a key), heads side by side in `context`.
    fn attend(
        &self,
        qkv: &[f32],
        context: &mut [f32],
        lengths: &[usize],
        width: usize,
        scale: f32,
    ) {
        let h = self.hidden;
        let head = h / self.heads;
        let mut scores = vec![0f32; width];
        context.fill(0.0);
        for (r, &len) in lengths.iter().enumerate() {
            let len = len.clamp(1, width);
            let token = |t: usize| &qkv[(r * width + t) * 3 * h..(r * width + t + 1) * 3 * h];
            for hd in 0..self.heads {
                let span = hd * head..(hd + 1) * head;
                for i in 0..len {
                    let q = &token(i)[span.clone()];
                    for (j, s) in scores.iter_mut().take(len).enumerate() {
                        let k = &token(j)[h + span.start..h + span.end];
                        *s = q.iter().zip(k).map(|(a, b)| a * b).sum();
                    }
                    // As the batch path's softmax: scaled, max subtracted.
                    let valid = &mut scores[..len];
                    let max = valid.iter().fold(f32::NEG_INFINITY, |m, &s| m.max(s)) * scale;
                    let mut sum = 0.0;
                    for s in valid.iter_mut() {
                        *s = fast_exp(*s * scale - max);
                        sum += *s;
                    }
                    let inv = 1.0 / sum;
                    let at = (r * width + i) * h;
                    let out = &mut context[at + span.start..at + span.end];
                    for (j, p) in valid.iter().enumerate() {
                        let v = &token(j)[2 * h + span.start..2 * h + span.end];
                        for (o, x) in out.iter_mut().zip(v) {
                            *o += p * inv * x;
                        }
                    }
                }
            }
        }
    }
}
