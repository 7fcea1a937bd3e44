//! Deep Residual Learning for Image Recognition (arXiv 1512.03385), the
//! core idea in candle: a residual block `relu(x + F(x))`, and the
//! degradation problem it solves — a deep plain network trains to a worse
//! loss than a shallow one, while the same depth with identity shortcuts
//! trains better than both.
//!
//! The networks are multilayer perceptrons on a synthetic regression task
//! rather than convolutions on ImageNet, so the run takes seconds on a CPU;
//! the optimisation effect the paper reports is the same.
//!
//! Run it: `cargo run --release --example resnet`.

#[path = "../common.rs"]
mod common;

use candle_core::{Result, Tensor, Var};
use candle_nn::{Optimizer, SGD};
use common::{Rng, max_abs, metric};

const WIDTH: usize = 32;
const INPUTS: usize = 16;

/// A fully connected layer with He initialisation, built from the seeded
/// generator so every run prints the same numbers.
struct Dense {
    w: Var,
    b: Var,
}

impl Dense {
    fn new(rng: &mut Rng, fan_in: usize, fan_out: usize, gain: f32) -> Result<Dense> {
        let std = gain * (2.0 / fan_in as f32).sqrt();
        Ok(Dense {
            w: Var::from_tensor(&rng.randn(&[fan_in, fan_out], std)?)?,
            b: Var::from_tensor(&Tensor::zeros(
                fan_out,
                candle_core::DType::F32,
                &candle_core::Device::Cpu,
            )?)?,
        })
    }

    fn forward(&self, x: &Tensor) -> Result<Tensor> {
        x.matmul(self.w.as_tensor())?
            .broadcast_add(self.b.as_tensor())
    }

    fn vars(&self) -> [Var; 2] {
        [self.w.clone(), self.b.clone()]
    }
}

/// A stack of `depth` hidden layers between an input and an output layer;
/// with `residual`, the hidden layers go in pairs with a shortcut around
/// each pair: `h ← relu(h + W₂ relu(W₁ h))`.
struct Net {
    input: Dense,
    hidden: Vec<Dense>,
    output: Dense,
    residual: bool,
}

impl Net {
    fn new(rng: &mut Rng, depth: usize, residual: bool) -> Result<Net> {
        let input = Dense::new(rng, INPUTS, WIDTH, 1.0)?;
        let hidden = (0..depth)
            .map(|i| {
                // The second layer of a residual branch starts small, so
                // each block starts near the identity (as the paper's
                // argument goes: a deeper net can at worst copy its input).
                let gain = if residual && i % 2 == 1 { 0.1 } else { 1.0 };
                Dense::new(rng, WIDTH, WIDTH, gain)
            })
            .collect::<Result<Vec<_>>>()?;
        let output = Dense::new(rng, WIDTH, 1, 0.5)?;
        Ok(Net {
            input,
            hidden,
            output,
            residual,
        })
    }

    fn forward(&self, x: &Tensor) -> Result<Tensor> {
        let mut h = self.input.forward(x)?.relu()?;
        if self.residual {
            for pair in self.hidden.chunks(2) {
                h = residual_block(&h, &pair[0], &pair[1])?;
            }
        } else {
            for layer in &self.hidden {
                h = layer.forward(&h)?.relu()?;
            }
        }
        self.output.forward(&h)
    }

    fn vars(&self) -> Vec<Var> {
        let mut v: Vec<Var> = self.input.vars().into();
        for layer in &self.hidden {
            v.extend(layer.vars());
        }
        v.extend(self.output.vars());
        v
    }
}

/// The building block of the paper's figure 2: `relu(x + F(x))` with
/// `F(x) = W₂ relu(W₁ x)`.
fn residual_block(x: &Tensor, first: &Dense, second: &Dense) -> Result<Tensor> {
    let f = second.forward(&first.forward(x)?.relu()?)?;
    (x + f)?.relu()
}

/// Trains with plain SGD on the full batch; returns the final loss.
fn train(net: &Net, x: &Tensor, y: &Tensor, steps: usize, lr: f64) -> Result<f64> {
    let mut opt = SGD::new(net.vars(), lr)?;
    let mut loss = f64::NAN;
    for _ in 0..steps {
        let l = candle_nn::loss::mse(&net.forward(x)?, y)?;
        loss = f64::from(l.to_scalar::<f32>()?);
        if !loss.is_finite() {
            return Ok(loss);
        }
        opt.backward_step(&l)?;
    }
    Ok(loss)
}

fn main() -> Result<()> {
    let mut rng = Rng::new(1512_03385);

    // A residual block whose branch is zero is the identity (on the
    // non-negative outputs of a previous ReLU): depth costs nothing.
    let x = rng.randn(&[8, WIDTH], 1.0)?.relu()?;
    let zero = Dense {
        w: Var::from_tensor(&Tensor::zeros(
            (WIDTH, WIDTH),
            candle_core::DType::F32,
            &candle_core::Device::Cpu,
        )?)?,
        b: Var::from_tensor(&Tensor::zeros(
            WIDTH,
            candle_core::DType::F32,
            &candle_core::Device::Cpu,
        )?)?,
    };
    let first = Dense::new(&mut rng, WIDTH, WIDTH, 1.0)?;
    let identity_error = max_abs(&(residual_block(&x, &first, &zero)? - &x)?)?;
    metric("identity_block_error", identity_error);

    // The task: fit a fixed random teacher network.
    let samples = 256;
    let x = rng.randn(&[samples, INPUTS], 1.0)?;
    let teacher_w1 = rng.randn(&[INPUTS, 64], 1.0 / (INPUTS as f32).sqrt())?;
    let teacher_w2 = rng.randn(&[64, 1], 1.0 / 8.0)?;
    let y = x.matmul(&teacher_w1)?.tanh()?.matmul(&teacher_w2)?;

    let (steps, lr) = (400, 0.02);
    let shallow_depth = 4;
    let deep_depth = 40;
    let seeded = |seed: u64, depth: usize, residual: bool| -> Result<f64> {
        let mut init = Rng::new(seed);
        let net = Net::new(&mut init, depth, residual)?;
        train(&net, &x, &y, steps, lr)
    };
    let shallow = seeded(1, shallow_depth, false)?;
    let plain = seeded(2, deep_depth, false)?;
    let residual = seeded(2, deep_depth, true)?;
    println!("training loss after {steps} SGD steps (lr {lr}):");
    println!("  plain, {shallow_depth:2} hidden layers   {shallow:.5}");
    println!(
        "  plain, {deep_depth:2} hidden layers   {plain:.5}   (deeper and worse: degradation)"
    );
    println!("  residual, {deep_depth:2} layers      {residual:.5}");
    metric("plain_shallow_loss", shallow);
    metric("plain_deep_loss", plain);
    metric("residual_deep_loss", residual);
    metric("degradation_ratio", plain / shallow);
    metric("residual_to_plain_loss_ratio", residual / plain);
    Ok(())
}
