//! What the starter implementations share: a seeded random source (candle's
//! CPU generator cannot be seeded, and a check should print the same numbers
//! every run) and the `METRIC name=value` lines litradar reads.

#![allow(dead_code)]

use candle_core::{Device, Result, Tensor};

/// SplitMix64: small, fast, and the same on every machine.
pub struct Rng(u64);

impl Rng {
    /// A generator from a seed.
    pub fn new(seed: u64) -> Rng {
        Rng(seed)
    }

    /// The next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in [0, 1).
    pub fn uniform(&mut self) -> f32 {
        (self.next_u64() >> 40) as f32 / (1u64 << 24) as f32
    }

    /// Standard normal (Box–Muller).
    pub fn normal(&mut self) -> f32 {
        let u1 = self.uniform().max(f32::MIN_POSITIVE);
        let u2 = self.uniform();
        (-2.0 * u1.ln()).sqrt() * (2.0 * std::f32::consts::PI * u2).cos()
    }

    /// An integer in [0, n).
    pub fn below(&mut self, n: u32) -> u32 {
        (self.next_u64() % u64::from(n)) as u32
    }

    /// A tensor of normal values with the given standard deviation.
    pub fn randn(&mut self, shape: &[usize], std: f32) -> Result<Tensor> {
        let n: usize = shape.iter().product();
        let data: Vec<f32> = (0..n).map(|_| self.normal() * std).collect();
        Tensor::from_vec(data, shape, &Device::Cpu)
    }

    /// A tensor of uniform values in [lo, hi).
    pub fn rand(&mut self, shape: &[usize], lo: f32, hi: f32) -> Result<Tensor> {
        let n: usize = shape.iter().product();
        let data: Vec<f32> = (0..n).map(|_| lo + (hi - lo) * self.uniform()).collect();
        Tensor::from_vec(data, shape, &Device::Cpu)
    }
}

/// Prints one metric in litradar's protocol.
pub fn metric(name: &str, value: f64) {
    // Tiny values in scientific notation: `1.19e-7`, not twenty digits.
    if value != 0.0 && value.abs() < 1e-3 {
        println!("METRIC {name}={value:.3e}");
    } else {
        println!("METRIC {name}={}", (value * 1e6).round() / 1e6);
    }
}

/// The largest absolute value in a tensor.
pub fn max_abs(t: &Tensor) -> Result<f64> {
    Ok(f64::from(
        t.abs()?.flatten_all()?.max(0)?.to_scalar::<f32>()?,
    ))
}
