//! Batch Normalization (arXiv 1502.03167), in candle: the transform in
//! training mode (normalise with the batch's statistics, then scale and
//! shift) and in inference mode (the running statistics), and the paper's
//! headline effect — with BN a network trains at a learning rate where the
//! same network without it barely moves.
//!
//! Run it: `cargo run --release --example batchnorm`.

#[path = "../common.rs"]
mod common;

use candle_core::{D, DType, Device, Result, Tensor, Var};
use candle_nn::{Optimizer, SGD};
use common::{Rng, max_abs, metric};
use std::cell::RefCell;

/// BN over the features of a (batch, features) input.
struct BatchNorm {
    gamma: Var,
    beta: Var,
    running_mean: RefCell<Tensor>,
    running_var: RefCell<Tensor>,
    momentum: f64,
    eps: f64,
}

impl BatchNorm {
    fn new(features: usize) -> Result<BatchNorm> {
        let dev = &Device::Cpu;
        Ok(BatchNorm {
            gamma: Var::ones(features, DType::F32, dev)?,
            beta: Var::zeros(features, DType::F32, dev)?,
            running_mean: RefCell::new(Tensor::zeros(features, DType::F32, dev)?),
            running_var: RefCell::new(Tensor::ones(features, DType::F32, dev)?),
            momentum: 0.1,
            eps: 1e-5,
        })
    }

    /// Algorithm 1 of the paper in training mode; the running averages
    /// that inference will use are updated on the side.
    fn forward(&self, x: &Tensor, training: bool) -> Result<Tensor> {
        let (mean, var) = if training {
            let mean = x.mean(0)?;
            let var = x.broadcast_sub(&mean)?.sqr()?.mean(0)?;
            let n = x.dim(0)? as f64;
            let m = self.momentum;
            let running_mean =
                ((&*self.running_mean.borrow() * (1.0 - m))? + (mean.detach() * m)?)?;
            // The running variance is the unbiased estimate, as in the paper.
            let unbiased = (var.detach() * (n / (n - 1.0)))?;
            let running_var = ((&*self.running_var.borrow() * (1.0 - m))? + (unbiased * m)?)?;
            *self.running_mean.borrow_mut() = running_mean;
            *self.running_var.borrow_mut() = running_var;
            (mean, var)
        } else {
            (
                self.running_mean.borrow().clone(),
                self.running_var.borrow().clone(),
            )
        };
        let normalised = x
            .broadcast_sub(&mean)?
            .broadcast_div(&(var + self.eps)?.sqrt()?)?;
        normalised
            .broadcast_mul(self.gamma.as_tensor())?
            .broadcast_add(self.beta.as_tensor())
    }

    fn vars(&self) -> [Var; 2] {
        [self.gamma.clone(), self.beta.clone()]
    }
}

/// An MLP with sigmoid hidden units (the paper's MNIST setting), with or
/// without BN before each nonlinearity.
struct Mlp {
    layers: Vec<(Var, Var)>,
    norms: Option<Vec<BatchNorm>>,
}

impl Mlp {
    fn new(rng: &mut Rng, sizes: &[usize], batch_norm: bool) -> Result<Mlp> {
        let dev = &Device::Cpu;
        let layers = sizes
            .windows(2)
            .map(|w| {
                let std = (1.0 / w[0] as f32).sqrt();
                Ok((
                    Var::from_tensor(&rng.randn(&[w[0], w[1]], std)?)?,
                    Var::zeros(w[1], DType::F32, dev)?,
                ))
            })
            .collect::<Result<Vec<_>>>()?;
        let norms = batch_norm
            .then(|| {
                sizes[1..sizes.len() - 1]
                    .iter()
                    .map(|&n| BatchNorm::new(n))
                    .collect::<Result<Vec<_>>>()
            })
            .transpose()?;
        Ok(Mlp { layers, norms })
    }

    fn forward(&self, x: &Tensor, training: bool) -> Result<Tensor> {
        let mut h = x.clone();
        let last = self.layers.len() - 1;
        for (i, (w, b)) in self.layers.iter().enumerate() {
            h = h.matmul(w.as_tensor())?.broadcast_add(b.as_tensor())?;
            if i < last {
                if let Some(norms) = &self.norms {
                    h = norms[i].forward(&h, training)?;
                }
                h = candle_nn::ops::sigmoid(&h)?;
            }
        }
        Ok(h)
    }

    fn vars(&self) -> Vec<Var> {
        let mut v: Vec<Var> = self
            .layers
            .iter()
            .flat_map(|(w, b)| [w.clone(), b.clone()])
            .collect();
        for n in self.norms.iter().flatten() {
            v.extend(n.vars());
        }
        v
    }
}

/// Trains with SGD on mini-batches; returns the loss after each epoch and
/// the final test accuracy.
fn train(net: &Mlp, data: &Data, lr: f64, epochs: usize) -> Result<(Vec<f64>, f64)> {
    let mut opt = SGD::new(net.vars(), lr)?;
    let batch = 64;
    let n = data.train_x.dim(0)?;
    let mut losses = Vec::new();
    for _ in 0..epochs {
        let mut total = 0.0;
        for start in (0..n).step_by(batch) {
            let len = batch.min(n - start);
            let x = data.train_x.narrow(0, start, len)?;
            let y = data.train_y.narrow(0, start, len)?;
            let loss = candle_nn::loss::cross_entropy(&net.forward(&x, true)?, &y)?;
            total += f64::from(loss.to_scalar::<f32>()?) * len as f64;
            opt.backward_step(&loss)?;
        }
        losses.push(total / n as f64);
    }
    let predicted = net.forward(&data.test_x, false)?.argmax(D::Minus1)?;
    let accuracy = predicted
        .eq(&data.test_y)?
        .to_dtype(DType::F32)?
        .mean_all()?
        .to_scalar::<f32>()?;
    Ok((losses, f64::from(accuracy)))
}

/// A four-class problem labelled by a random teacher; the inputs are
/// neither centred nor scaled, as raw features often are.
struct Data {
    train_x: Tensor,
    train_y: Tensor,
    test_x: Tensor,
    test_y: Tensor,
}

fn make_data(rng: &mut Rng, inputs: usize, classes: usize) -> Result<Data> {
    let teacher = rng.randn(&[inputs, classes], 1.0)?;
    let offset = rng.rand(&[1, inputs], 1.0, 3.0)?;
    let mut split = |n: usize| -> Result<(Tensor, Tensor)> {
        let z = rng.randn(&[n, inputs], 1.0)?;
        let labels = z.matmul(&teacher)?.argmax(D::Minus1)?;
        let x = (z * 2.0)?.broadcast_add(&offset)?;
        Ok((x, labels))
    };
    let (train_x, train_y) = split(2048)?;
    let (test_x, test_y) = split(1024)?;
    Ok(Data {
        train_x,
        train_y,
        test_x,
        test_y,
    })
}

fn main() -> Result<()> {
    let mut rng = Rng::new(1502_03167);
    let features = 16;

    // 1. Training mode: every feature of the output has mean 0 and
    //    variance 1 over the batch (γ = 1, β = 0 at the start).
    let bn = BatchNorm::new(features)?;
    let x = (rng.randn(&[128, features], 2.0)? + 3.0)?;
    let y = bn.forward(&x, true)?;
    let mean = y.mean(0)?;
    let var = y.broadcast_sub(&mean)?.sqr()?.mean(0)?;
    metric("train_mean_max_abs", max_abs(&mean)?);
    metric("train_var_max_error", max_abs(&(var - 1.0)?)?);

    // 2. The running statistics converge to the data's (mean 3, variance 4).
    for _ in 0..200 {
        bn.forward(&(rng.randn(&[128, features], 2.0)? + 3.0)?, true)?;
    }
    let mean_error = max_abs(&(&*bn.running_mean.borrow() - 3.0)?)?;
    let var_error = max_abs(&(&*bn.running_var.borrow() - 4.0)?)?;
    println!(
        "running statistics after 200 batches: mean off by ≤ {mean_error:.3}, variance by ≤ {var_error:.3}"
    );
    metric("running_mean_error", mean_error);
    metric("running_var_error", var_error / 4.0);

    // 3. Inference mode is a fixed function of each example; training mode
    //    depends on the rest of the batch.
    let sample = (rng.randn(&[1, features], 2.0)? + 3.0)?;
    let batch_a = Tensor::cat(&[&sample, &(rng.randn(&[31, features], 2.0)? + 3.0)?], 0)?;
    let batch_b = Tensor::cat(&[&sample, &(rng.randn(&[31, features], 5.0)? - 1.0)?], 0)?;
    let first = |t: Tensor| t.narrow(0, 0, 1);
    let inference_gap =
        max_abs(&(first(bn.forward(&batch_a, false)?)? - first(bn.forward(&batch_b, false)?)?)?)?;
    let training_gap =
        max_abs(&(first(bn.forward(&batch_a, true)?)? - first(bn.forward(&batch_b, true)?)?)?)?;
    println!(
        "one example in two batches: inference outputs differ by {inference_gap}, training outputs by {training_gap:.3}"
    );
    metric("inference_batch_dependence", inference_gap);

    // 4. A high learning rate: the sigmoid network with BN trains; without
    //    it the saturated units barely learn.
    let data = make_data(&mut rng, 20, 4)?;
    let sizes = [20, 64, 64, 64, 4];
    let (lr, epochs) = (2.0, 6);
    let plain = Mlp::new(&mut Rng::new(7), &sizes, false)?;
    let normed = Mlp::new(&mut Rng::new(7), &sizes, true)?;
    let (plain_losses, plain_acc) = train(&plain, &data, lr, epochs)?;
    let (bn_losses, bn_acc) = train(&normed, &data, lr, epochs)?;
    println!("SGD at learning rate {lr}, {epochs} epochs: training loss per epoch");
    println!("  without BN  {}", fmt(&plain_losses));
    println!("  with BN     {}", fmt(&bn_losses));
    let last = |l: &[f64]| l.last().copied().unwrap_or(f64::NAN);
    metric("plain_test_accuracy", plain_acc);
    metric("bn_test_accuracy", bn_acc);
    metric(
        "bn_to_plain_loss_ratio",
        last(&bn_losses) / last(&plain_losses),
    );
    Ok(())
}

fn fmt(losses: &[f64]) -> String {
    losses
        .iter()
        .map(|l| format!("{l:.3}"))
        .collect::<Vec<_>>()
        .join("  ")
}
