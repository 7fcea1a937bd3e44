//! Attention Is All You Need (arXiv 1706.03762), the core module in candle:
//! scaled dot-product attention, the causal mask, the sinusoidal positional
//! encoding, and a one-layer model that learns to copy a sequence — which it
//! can only do by attending to the right earlier position.
//!
//! Run it: `cargo run --release --example transformer`. It prints
//! `METRIC name=value` lines that litradar compares with the manifest's
//! claims.

#[path = "../common.rs"]
mod common;

use candle_core::{D, DType, Device, Result, Tensor, Var};
use candle_nn::ops::softmax;
use candle_nn::{AdamW, Optimizer, ParamsAdamW};
use common::{Rng, max_abs, metric};

/// A (t, t) mask: 0 where a position may look (itself and the past),
/// −∞ where it may not (the future), added to the scores before softmax.
fn causal_mask(t: usize) -> Result<Tensor> {
    let data: Vec<f32> = (0..t * t)
        .map(|i| {
            if i % t > i / t {
                f32::NEG_INFINITY
            } else {
                0.0
            }
        })
        .collect();
    Tensor::from_vec(data, (t, t), &Device::Cpu)
}

/// softmax(Q Kᵀ / √d_k + mask) V, over the last two dimensions; returns the
/// output and the attention weights.
fn attention(
    q: &Tensor,
    k: &Tensor,
    v: &Tensor,
    mask: Option<&Tensor>,
) -> Result<(Tensor, Tensor)> {
    let d_k = q.dim(D::Minus1)? as f64;
    let scores = (q.matmul(&k.t()?.contiguous()?)? / d_k.sqrt())?;
    let scores = match mask {
        Some(m) => scores.broadcast_add(m)?,
        None => scores,
    };
    let weights = softmax(&scores, D::Minus1)?;
    Ok((weights.matmul(v)?, weights))
}

/// PE(pos, 2i) = sin(pos / 10000^(2i/d)), PE(pos, 2i+1) = cos(…), built
/// with tensor operations the way a model computes it.
fn positional_encoding(len: usize, d: usize) -> Result<Tensor> {
    let dev = &Device::Cpu;
    let pos = Tensor::arange(0u32, len as u32, dev)?
        .to_dtype(DType::F32)?
        .reshape((len, 1))?;
    let two_i = Tensor::arange_step(0u32, d as u32, 2, dev)?.to_dtype(DType::F32)?;
    let inv_freq = (two_i * (-(10000f64.ln()) / d as f64))?
        .exp()?
        .reshape((1, d / 2))?;
    let angles = pos.broadcast_mul(&inv_freq)?;
    // Interleave: sin in the even columns, cos in the odd ones.
    Tensor::stack(&[angles.sin()?, angles.cos()?], 2)?.reshape((len, d))
}

/// The same encoding in f64 straight from the paper's formula.
fn positional_encoding_closed_form(len: usize, d: usize) -> Vec<f64> {
    let mut out = Vec::with_capacity(len * d);
    for pos in 0..len {
        for j in 0..d {
            let angle = pos as f64 / 10000f64.powf((j - j % 2) as f64 / d as f64);
            out.push(if j % 2 == 0 { angle.sin() } else { angle.cos() });
        }
    }
    out
}

/// One causal self-attention layer with a residual connection and an
/// output projection: the smallest model that has to use attention.
struct CopyModel {
    embed: Var,
    w_q: Var,
    w_k: Var,
    w_v: Var,
    w_out: Var,
    pe: Tensor,
    mask: Tensor,
}

impl CopyModel {
    fn new(rng: &mut Rng, vocab: usize, d: usize, len: usize) -> Result<CopyModel> {
        let s = 1.0 / (d as f32).sqrt();
        Ok(CopyModel {
            embed: Var::from_tensor(&rng.randn(&[vocab, d], 1.0)?)?,
            w_q: Var::from_tensor(&rng.randn(&[d, d], s)?)?,
            w_k: Var::from_tensor(&rng.randn(&[d, d], s)?)?,
            w_v: Var::from_tensor(&rng.randn(&[d, d], s)?)?,
            w_out: Var::from_tensor(&rng.randn(&[d, vocab], s)?)?,
            pe: positional_encoding(len, d)?,
            mask: causal_mask(len)?,
        })
    }

    fn vars(&self) -> Vec<Var> {
        vec![
            self.embed.clone(),
            self.w_q.clone(),
            self.w_k.clone(),
            self.w_v.clone(),
            self.w_out.clone(),
        ]
    }

    /// Tokens (b, t) → logits (b, t, vocab).
    fn forward(&self, tokens: &Tensor) -> Result<Tensor> {
        let (b, t) = tokens.dims2()?;
        let d = self.pe.dim(1)?;
        let x = self
            .embed
            .as_tensor()
            .index_select(&tokens.flatten_all()?, 0)?
            .reshape((b, t, d))?;
        let h = x.broadcast_add(&self.pe)?;
        let flat = h.reshape((b * t, d))?;
        let q = flat.matmul(self.w_q.as_tensor())?.reshape((b, t, d))?;
        let k = flat.matmul(self.w_k.as_tensor())?.reshape((b, t, d))?;
        let v = flat.matmul(self.w_v.as_tensor())?.reshape((b, t, d))?;
        let (att, _) = attention(&q, &k, &v, Some(&self.mask))?;
        let out = (h + att)?.reshape((b * t, d))?;
        out.matmul(self.w_out.as_tensor())?.reshape((b, t, ()))
    }
}

/// A batch of copy sequences `a₀ … aₙ₋₁ a₀ … aₙ₋₁`: the inputs are all but
/// the last token, the targets all but the first (next-token prediction).
fn copy_batch(rng: &mut Rng, batch: usize, n: usize, vocab: u32) -> Result<(Tensor, Tensor)> {
    let mut inputs = Vec::with_capacity(batch * (2 * n - 1));
    let mut targets = Vec::with_capacity(batch * (2 * n - 1));
    for _ in 0..batch {
        let half: Vec<u32> = (0..n).map(|_| rng.below(vocab)).collect();
        let seq: Vec<u32> = half.iter().chain(half.iter()).copied().collect();
        inputs.extend_from_slice(&seq[..2 * n - 1]);
        targets.extend_from_slice(&seq[1..]);
    }
    let dev = &Device::Cpu;
    Ok((
        Tensor::from_vec(inputs, (batch, 2 * n - 1), dev)?,
        Tensor::from_vec(targets, (batch, 2 * n - 1), dev)?,
    ))
}

fn main() -> Result<()> {
    let mut rng = Rng::new(1706_03762);

    // 1. Attention weights are a distribution over the allowed positions.
    let (t, d) = (7, 16);
    let q = rng.randn(&[t, d], 1.0)?;
    let k = rng.randn(&[t, d], 1.0)?;
    let v = rng.randn(&[t, d], 1.0)?;
    let mask = causal_mask(t)?;
    let (_, weights) = attention(&q, &k, &v, Some(&mask))?;
    let row_sums = weights.sum(D::Minus1)?;
    let row_sum_error = max_abs(&(row_sums - 1.0)?)?;
    println!("attention weights, causal ({t}×{t}):");
    for row in weights.to_vec2::<f32>()? {
        println!(
            "  {}",
            row.iter()
                .map(|w| format!("{w:5.3}"))
                .collect::<Vec<_>>()
                .join(" ")
        );
    }
    metric("attention_row_sum_error", row_sum_error);

    // 2. The future gets exactly zero weight.
    let future = mask.eq(f32::NEG_INFINITY)?.to_dtype(DType::F32)?;
    metric("masked_weight_max", max_abs(&(weights * future)?)?);

    // 3. The positional encoding is the paper's closed form.
    let (len, d_model) = (64, 32);
    let pe = positional_encoding(len, d_model)?
        .flatten_all()?
        .to_vec1::<f32>()?;
    let exact = positional_encoding_closed_form(len, d_model);
    let pe_error = pe
        .iter()
        .zip(&exact)
        .map(|(a, b)| (f64::from(*a) - b).abs())
        .fold(0.0, f64::max);
    metric("pe_max_abs_error", pe_error);

    // 4. A one-layer attention model learns to copy: the token after
    //    position t is the one n−1 places back, which only attention with
    //    positional information can find.
    let (n, vocab, d_model) = (6, 8u32, 32);
    let model = CopyModel::new(&mut rng, vocab as usize, d_model, 2 * n - 1)?;
    let mut opt = AdamW::new(
        model.vars(),
        ParamsAdamW {
            lr: 0.01,
            weight_decay: 0.0,
            ..Default::default()
        },
    )?;
    let steps = 600;
    for step in 1..=steps {
        let (x, y) = copy_batch(&mut rng, 64, n, vocab)?;
        // Only the second half can be predicted; the first is random.
        let logits = model.forward(&x)?.narrow(1, n - 1, n)?;
        let targets = y.narrow(1, n - 1, n)?;
        let loss = candle_nn::loss::cross_entropy(
            &logits.reshape(((), vocab as usize))?,
            &targets.flatten_all()?,
        )?;
        opt.backward_step(&loss)?;
        if step % 100 == 0 {
            println!("step {step:4}  copy loss {:.4}", loss.to_scalar::<f32>()?);
        }
    }
    let (x, y) = copy_batch(&mut rng, 1000, n, vocab)?;
    let predicted = model.forward(&x)?.narrow(1, n - 1, n)?.argmax(D::Minus1)?;
    let correct = predicted
        .eq(&y.narrow(1, n - 1, n)?)?
        .to_dtype(DType::F32)?
        .mean_all()?;
    metric("copy_accuracy", f64::from(correct.to_scalar::<f32>()?));
    Ok(())
}
