//! LoRA: Low-Rank Adaptation of Large Language Models (arXiv 2106.09685),
//! in candle: a frozen linear layer `W₀` plus a trainable rank-r update
//! `(α/r)·A·B`, with `B` starting at zero so the adapted layer starts as the
//! pretrained one; the fraction of parameters that train; a toy adaptation
//! (the "new task" is a low-rank change of the layer) learned through the
//! adapter alone; and merging the update back into `W₀` for inference with
//! no extra latency.
//!
//! Run it: `cargo run --release --example lora`.

#[path = "../common.rs"]
mod common;

use candle_core::{DType, Device, Result, Tensor, Var};
use candle_nn::{AdamW, Optimizer, ParamsAdamW};
use common::{Rng, max_abs, metric};

/// `h = x·W₀ + (α/r)·x·A·B`: `W₀` is a plain tensor (frozen: the optimiser
/// never sees it), `A` and `B` are the only variables.
struct LoraLinear {
    w0: Tensor,
    a: Var,
    b: Var,
    scale: f64,
}

impl LoraLinear {
    fn new(rng: &mut Rng, w0: Tensor, rank: usize, alpha: f64) -> Result<LoraLinear> {
        let (d_in, d_out) = w0.dims2()?;
        Ok(LoraLinear {
            w0,
            // A Gaussian, B zero (section 4.1), so ΔW = A·B = 0 at the start.
            a: Var::from_tensor(&rng.randn(&[d_in, rank], 1.0 / (d_in as f32).sqrt())?)?,
            b: Var::zeros((rank, d_out), DType::F32, &Device::Cpu)?,
            scale: alpha / rank as f64,
        })
    }

    fn delta(&self, x: &Tensor) -> Result<Tensor> {
        x.matmul(self.a.as_tensor())?.matmul(self.b.as_tensor())? * self.scale
    }

    fn forward(&self, x: &Tensor) -> Result<Tensor> {
        x.matmul(&self.w0)? + self.delta(x)?
    }

    /// `W₀ + (α/r)·A·B`: one matrix again, so inference costs what the
    /// original layer did.
    fn merged(&self) -> Result<Tensor> {
        &self.w0 + (self.a.as_tensor().matmul(self.b.as_tensor())? * self.scale)?
    }

    fn trainable(&self) -> Vec<Var> {
        vec![self.a.clone(), self.b.clone()]
    }
}

/// The trainable share of a d×k layer adapted at rank r.
fn trainable_fraction(d: usize, k: usize, r: usize) -> f64 {
    (r * (d + k)) as f64 / (d * k) as f64
}

fn main() -> Result<()> {
    let mut rng = Rng::new(2106_09685);
    let d = 768;

    println!("trainable share of a {d}×{d} layer:");
    for r in [1, 2, 4, 8, 16, 64] {
        println!(
            "  r = {r:2}: {:7} of {} parameters, {:.2} %",
            r * 2 * d,
            d * d,
            100.0 * trainable_fraction(d, d, r)
        );
    }
    metric("trainable_fraction_r8", trainable_fraction(d, d, 8));
    metric("trainable_fraction_r4", trainable_fraction(d, d, 4));

    // The "pretrained" layer and the new task: the task's layer differs
    // from it by a rank-4 change, as LoRA's hypothesis has it.
    let w0 = rng.randn(&[d, d], 1.0 / (d as f32).sqrt())?;
    let u = rng.randn(&[d, 4], 1.0 / (d as f32).sqrt())?;
    let v = rng.randn(&[4, d], 1.0)?;
    let w_task = (&w0 + u.matmul(&v)?)?;
    let w0_before = w0.copy()?;

    let layer = LoraLinear::new(&mut rng, w0, 8, 16.0)?;
    let probe = rng.randn(&[16, d], 1.0)?;
    metric("initial_update_max", max_abs(&layer.delta(&probe)?)?);

    let mut opt = AdamW::new(
        layer.trainable(),
        ParamsAdamW {
            lr: 0.003,
            weight_decay: 0.0,
            ..Default::default()
        },
    )?;
    let relative_error = |layer: &LoraLinear, x: &Tensor| -> Result<f64> {
        let target = x.matmul(&w_task)?;
        let miss = (layer.forward(x)? - &target)?
            .sqr()?
            .sum_all()?
            .to_scalar::<f32>()?;
        let change = (target - x.matmul(&layer.w0)?)?
            .sqr()?
            .sum_all()?
            .to_scalar::<f32>()?;
        Ok(f64::from((miss / change).sqrt()))
    };
    let test = rng.randn(&[256, d], 1.0)?;
    let before = relative_error(&layer, &test)?;
    let steps = 300;
    for step in 1..=steps {
        let x = rng.randn(&[64, d], 1.0)?;
        let loss = candle_nn::loss::mse(&layer.forward(&x)?, &x.matmul(&w_task)?)?;
        opt.backward_step(&loss)?;
        if step % 50 == 0 {
            println!("step {step:3}  loss {:.6}", loss.to_scalar::<f32>()?);
        }
    }
    let after = relative_error(&layer, &test)?;
    println!(
        "error relative to the task's change: {before:.3} before, {after:.4} after {steps} steps"
    );
    metric("adapted_relative_error", after);
    metric("frozen_weight_change", max_abs(&(&layer.w0 - &w0_before)?)?);

    let merged = test.matmul(&layer.merged()?)?;
    metric("merge_error", max_abs(&(merged - layer.forward(&test)?)?)?);
    Ok(())
}
