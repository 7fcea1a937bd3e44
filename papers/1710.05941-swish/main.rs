//! Searching for Activation Functions (arXiv 1710.05941), in candle: Swish
//! `x·σ(βx)` beside ReLU and LeakyReLU — values and gradients against the
//! closed forms, Swish's small negative bump (it is not monotonic), its
//! approach to ReLU as β grows, and the dead-ReLU effect it avoids: units
//! pushed to negative inputs stop learning under ReLU, not under Swish.
//!
//! Run it: `cargo run --release --example swish`.

#[path = "../common.rs"]
mod common;

use candle_core::{D, Device, Result, Tensor, Var};
use common::{Rng, metric};

fn sigmoid(x: f64) -> f64 {
    1.0 / (1.0 + (-x).exp())
}

/// Swish with β = 1 (also called SiLU) and its derivative, from the paper.
fn swish_closed(x: f64) -> f64 {
    x * sigmoid(x)
}

fn swish_grad_closed(x: f64) -> f64 {
    let s = sigmoid(x);
    s * (1.0 + x * (1.0 - s))
}

/// x·σ(βx) with candle operations.
fn swish(x: &Tensor, beta: f64) -> Result<Tensor> {
    x * candle_nn::ops::sigmoid(&(x * beta)?)?
}

/// The elementwise derivative of an activation at `z`, by backpropagation.
fn derivative(z: &Tensor, act: impl Fn(&Tensor) -> Result<Tensor>) -> Result<Tensor> {
    let var = Var::from_tensor(z)?;
    let grads = act(var.as_tensor())?.sum_all()?.backward()?;
    grads
        .get(var.as_tensor())
        .cloned()
        .ok_or_else(|| candle_core::Error::Msg("no gradient".into()))
}

/// The largest difference from the exact values on the grid, leaving out
/// x = 0, where ReLU's derivative is undefined (frameworks pick a side).
fn largest_gap(computed: &Tensor, exact: &[f64], grid: &[f64]) -> Result<f64> {
    let c = computed.to_vec1::<f32>()?;
    Ok(c.iter()
        .zip(exact)
        .zip(grid)
        .filter(|(_, x)| **x != 0.0)
        .map(|((a, b), _)| (f64::from(*a) - b).abs())
        .fold(0.0, f64::max))
}

fn main() -> Result<()> {
    let grid: Vec<f64> = (-600..=600).map(|i| f64::from(i) / 100.0).collect();
    let x = Tensor::from_vec(
        grid.iter().map(|&v| v as f32).collect::<Vec<_>>(),
        grid.len(),
        &Device::Cpu,
    )?;

    println!("     x    ReLU  Leaky  Swish   dSwish/dx");
    for v in [-4.0, -2.0, -1.278_465, -0.5, 0.0, 0.5, 1.0, 2.0] {
        println!(
            "{v:6.2}  {:6.3} {:6.3} {:6.3}  {:6.3}",
            f64::max(v, 0.0),
            if v < 0.0 { 0.01 * v } else { v },
            swish_closed(v),
            swish_grad_closed(v)
        );
    }

    // Values and gradients match the closed forms.
    let values = swish(&x, 1.0)?;
    let exact: Vec<f64> = grid.iter().map(|&v| swish_closed(v)).collect();
    metric("swish_value_error", largest_gap(&values, &exact, &grid)?);
    let grads = derivative(&x, |t| swish(t, 1.0))?;
    let exact: Vec<f64> = grid.iter().map(|&v| swish_grad_closed(v)).collect();
    metric("swish_grad_error", largest_gap(&grads, &exact, &grid)?);
    // ReLU's derivative is the step function, LeakyReLU's 0.01 below zero.
    let relu_grads = derivative(&x, |t| t.relu())?;
    let exact: Vec<f64> = grid
        .iter()
        .map(|&v| if v > 0.0 { 1.0 } else { 0.0 })
        .collect();
    metric("relu_grad_error", largest_gap(&relu_grads, &exact, &grid)?);
    let leaky_grads = derivative(&x, |t| candle_nn::ops::leaky_relu(t, 0.01))?;
    let exact: Vec<f64> = grid
        .iter()
        .map(|&v| if v > 0.0 { 1.0 } else { 0.01 })
        .collect();
    metric(
        "leaky_relu_grad_error",
        largest_gap(&leaky_grads, &exact, &grid)?,
    );

    // Not monotonic: a minimum of about −0.2785 at x ≈ −1.2785.
    let values = values.to_vec1::<f32>()?;
    let (at, min) =
        values.iter().enumerate().fold(
            (0, f32::INFINITY),
            |best, (i, &v)| if v < best.1 { (i, v) } else { best },
        );
    println!("Swish's minimum: {min:.4} at x = {:.2}", grid[at]);
    metric("swish_minimum", f64::from(min));

    // As β grows Swish approaches ReLU (and at β = 0 it is x/2).
    let relu = x.relu()?;
    let gap = |beta: f64| -> Result<f64> { common::max_abs(&(swish(&x, beta)? - &relu)?) };
    println!(
        "largest gap to ReLU: β=1 {:.4}, β=10 {:.4}, β=100 {:.5}",
        gap(1.0)?,
        gap(10.0)?,
        gap(100.0)?
    );
    metric("swish_beta100_relu_gap", gap(100.0)?);

    // Dead units: a layer whose pre-activations were pushed negative (a
    // large update to the biases, say). A unit is dead when its gradient is
    // zero for every example in the batch: it can never recover.
    let mut rng = Rng::new(1710_05941);
    let (batch, inputs, units) = (256, 32, 512);
    let input = rng.randn(&[batch, inputs], 1.0)?;
    let w = rng.randn(&[inputs, units], (2.0 / inputs as f32).sqrt())?;
    let bias = rng.rand(&[1, units], -8.0, -1.0)?;
    let z = input.matmul(&w)?.broadcast_add(&bias)?;
    let dead_fraction = |grads: Tensor| -> Result<f64> {
        let alive = grads
            .abs()?
            .max(0)?
            .gt(0f32)?
            .to_dtype(candle_core::DType::F32)?;
        Ok(1.0 - f64::from(alive.mean(D::Minus1)?.to_scalar::<f32>()?))
    };
    let dead_relu = dead_fraction(derivative(&z, |t| t.relu())?)?;
    let dead_leaky = dead_fraction(derivative(&z, |t| candle_nn::ops::leaky_relu(t, 0.01))?)?;
    let dead_swish = dead_fraction(derivative(&z, |t| swish(t, 1.0))?)?;
    println!(
        "dead units after a negative shift: ReLU {:.1} %, LeakyReLU {:.1} %, Swish {:.1} %",
        100.0 * dead_relu,
        100.0 * dead_leaky,
        100.0 * dead_swish
    );
    metric("dead_relu_fraction", dead_relu);
    metric("dead_leaky_relu_fraction", dead_leaky);
    metric("dead_swish_fraction", dead_swish);
    Ok(())
}
