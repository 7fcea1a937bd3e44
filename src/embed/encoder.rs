//! The BERT encoder as litradar runs it on the CPU: the weights and the
//! layer structure of candle-transformers' `BertModel`, with the query, key
//! and value projections fused into one matrix product, attention computed
//! a few sequences at a time (small score matrices stay in cache and in the
//! allocator), and every element-wise step fused into one in-place pass
//! ([`super::kernels`]). A handful of tokens (a query) takes the thin
//! path ([`thin`]) instead of the general matrix products. On a GPU the
//! stock `BertModel` runs instead.
//! Both give the same vectors; a test holds them together.

use super::kernels::{AddBias, BiasGelu, BiasResidualNorm, MaskedSoftmax, layer_norm_row};
use super::weights::{DiskRows, Loaded};
use candle_core::{Device, IndexOp, Result, Tensor};
use candle_transformers::models::bert::Config;
use std::collections::HashMap;

mod thin;

/// Rows of the feed-forward block computed together.
const FFN_ROWS: usize = 1024;
/// Sequences whose attention is computed together.
const ATTENTION_GROUP: usize = 4;

/// Weights stay in the model's own (out, in) layout: the batch path's
/// matrix products read them transposed, and a query's products
/// ([`thin`]) stream each output's row of weights front to back.
struct LayerWeights {
    /// (3·hidden, hidden): the Q, K and V projections stacked.
    qkv: Tensor,
    qkv_bias: Vec<f32>,
    out: Tensor,
    out_bias: Vec<f32>,
    norm1: (Vec<f32>, Vec<f32>),
    up: Tensor,
    up_bias: Vec<f32>,
    down: Tensor,
    down_bias: Vec<f32>,
    norm2: (Vec<f32>, Vec<f32>),
}

/// The CPU encoder.
pub struct CpuBert {
    word: WordTable,
    position: Vec<f32>,
    token_type: Vec<f32>,
    embed_norm: (Vec<f32>, Vec<f32>),
    layers: Vec<LayerWeights>,
    hidden: usize,
    heads: usize,
    eps: f32,
    device: Device,
}

fn vec1(t: Tensor) -> Result<Vec<f32>> {
    t.flatten_all()?.to_vec1::<f32>()
}

/// The model's tensors, handed out once each so memory is freed as the
/// encoder takes its own copies.
struct Weights {
    tensors: HashMap<String, Tensor>,
    prefix: &'static str,
}

impl Weights {
    fn take(&mut self, name: &str, shape: &[usize]) -> Result<Tensor> {
        let key = format!("{}{name}", self.prefix);
        let t = self
            .tensors
            .remove(&key)
            .ok_or_else(|| candle_core::Error::Msg(format!("the weights lack {key}")))?;
        if t.dims() != shape {
            candle_core::bail!("{key} has shape {:?}, expected {shape:?}", t.dims());
        }
        Ok(t)
    }

    fn vector(&mut self, name: &str, size: usize) -> Result<Vec<f32>> {
        vec1(self.take(name, &[size])?)
    }

    /// A linear layer's weight, (out, in) as stored, and its bias.
    fn linear(&mut self, name: &str, inputs: usize, outputs: usize) -> Result<(Tensor, Vec<f32>)> {
        let w = self.take(&format!("{name}.weight"), &[outputs, inputs])?;
        let b = self.vector(&format!("{name}.bias"), outputs)?;
        Ok((w.contiguous()?, b))
    }

    fn norm(&mut self, name: &str, size: usize) -> Result<(Vec<f32>, Vec<f32>)> {
        Ok((
            self.vector(&format!("{name}.weight"), size)?,
            self.vector(&format!("{name}.bias"), size)?,
        ))
    }
}

/// The word embeddings: in memory, or left in the model file and read a
/// row per token (47 MB the process need not hold; a query reads a dozen
/// rows).
enum WordTable {
    Memory(Vec<f32>),
    Disk(DiskRows),
}

impl WordTable {
    fn row_into(&self, id: usize, out: &mut [f32]) -> Result<()> {
        match self {
            WordTable::Memory(table) => {
                let Some(row) = table.get(id * out.len()..(id + 1) * out.len()) else {
                    candle_core::bail!("token id {id} is outside the model's word table")
                };
                out.copy_from_slice(row);
                Ok(())
            }
            WordTable::Disk(rows) => rows.row_into(id, out).map_err(candle_core::Error::Msg),
        }
    }
}

impl CpuBert {
    /// Builds the encoder from the tensors `BertModel` would load, by the
    /// same names (with or without a `bert.` prefix); the word table may
    /// have been left on disk.
    pub fn load(loaded: Loaded, config: &Config, device: &Device) -> Result<CpuBert> {
        let Loaded {
            tensors,
            mut on_disk,
        } = loaded;
        const WORDS: &str = "embeddings.word_embeddings.weight";
        let prefix = if tensors.contains_key(WORDS) || on_disk.contains_key(WORDS) {
            ""
        } else {
            "bert."
        };
        let h = config.hidden_size;
        let inner = config.intermediate_size;
        let mut w = Weights { tensors, prefix };
        let word = match on_disk.remove(&format!("{prefix}{WORDS}")) {
            Some(rows) if rows.shape() == (config.vocab_size, h) => WordTable::Disk(rows),
            Some(rows) => candle_core::bail!(
                "{prefix}{WORDS} has shape {:?}, expected {:?}",
                rows.shape(),
                (config.vocab_size, h)
            ),
            None => WordTable::Memory(vec1(w.take(WORDS, &[config.vocab_size, h])?)?),
        };
        let position = vec1(w.take(
            "embeddings.position_embeddings.weight",
            &[config.max_position_embeddings, h],
        )?)?;
        let token_type = vec1(w.take(
            "embeddings.token_type_embeddings.weight",
            &[config.type_vocab_size, h],
        )?)?;
        let embed_norm = w.norm("embeddings.LayerNorm", h)?;
        let mut layers = Vec::with_capacity(config.num_hidden_layers);
        for i in 0..config.num_hidden_layers {
            let l = format!("encoder.layer.{i}");
            let (q, qb) = w.linear(&format!("{l}.attention.self.query"), h, h)?;
            let (k, kb) = w.linear(&format!("{l}.attention.self.key"), h, h)?;
            let (v, vb) = w.linear(&format!("{l}.attention.self.value"), h, h)?;
            let qkv = Tensor::cat(&[&q, &k, &v], 0)?.contiguous()?;
            let qkv_bias = [qb, kb, vb].concat();
            let (out, out_bias) = w.linear(&format!("{l}.attention.output.dense"), h, h)?;
            let norm1 = w.norm(&format!("{l}.attention.output.LayerNorm"), h)?;
            let (up, up_bias) = w.linear(&format!("{l}.intermediate.dense"), h, inner)?;
            let (down, down_bias) = w.linear(&format!("{l}.output.dense"), inner, h)?;
            let norm2 = w.norm(&format!("{l}.output.LayerNorm"), h)?;
            layers.push(LayerWeights {
                qkv,
                qkv_bias,
                out,
                out_bias,
                norm1,
                up,
                up_bias,
                down,
                down_bias,
                norm2,
            });
        }
        Ok(CpuBert {
            word,
            position,
            token_type,
            embed_norm,
            layers,
            hidden: h,
            heads: config.num_attention_heads,
            eps: config.layer_norm_eps as f32,
            device: device.clone(),
        })
    }

    /// Attention for every sequence, a few sequences per step. The steps
    /// are small matrix products that one core does best alone, so the
    /// cores take alternate steps instead of splitting each one.
    fn attention(
        &self,
        q: &Tensor,
        k: &Tensor,
        v: &Tensor,
        lengths: &[usize],
        width: usize,
        scale: f32,
    ) -> Result<Vec<Tensor>> {
        let rows = lengths.len();
        let starts: Vec<usize> = (0..rows).step_by(ATTENTION_GROUP).collect();
        let step = |start: usize| -> Result<Tensor> {
            let n = ATTENTION_GROUP.min(rows - start);
            let (qg, kg, vg) = (
                q.narrow(0, start, n)?,
                k.narrow(0, start, n)?,
                v.narrow(0, start, n)?,
            );
            let scores = qg.matmul(&kg.t()?)?;
            scores.inplace_op1(&MaskedSoftmax {
                scale,
                lengths: &lengths[start..start + n],
                heads: self.heads,
                width,
                parallel: false,
            })?;
            scores.matmul(&vg)
        };
        let workers = super::kernels::threads().min(starts.len());
        if workers <= 1 {
            return starts.iter().map(|&s| step(s)).collect();
        }
        let mut results: Vec<Option<Result<Tensor>>> = (0..starts.len()).map(|_| None).collect();
        std::thread::scope(|scope| {
            let handles: Vec<_> = (0..workers)
                .map(|w| {
                    let (starts, step) = (&starts, &step);
                    scope.spawn(move || {
                        let run = || -> Vec<(usize, Result<Tensor>)> {
                            (w..starts.len())
                                .step_by(workers)
                                .map(|i| (i, step(starts[i])))
                                .collect()
                        };
                        match super::pools::single_thread_pool() {
                            Some(pool) => pool.install(run),
                            None => run(),
                        }
                    })
                })
                .collect();
            for handle in handles {
                if let Ok(done) = handle.join() {
                    for (i, r) in done {
                        results[i] = Some(r);
                    }
                }
            }
        });
        results
            .into_iter()
            .map(|r| {
                r.unwrap_or_else(|| {
                    Err(candle_core::Error::Msg("an attention worker failed".into()))
                })
            })
            .collect()
    }

    /// Hidden states of the last layer, (rows·width, hidden) flattened, for
    /// token id sequences padded to `width`.
    pub fn forward(&self, sequences: &[&[u32]], width: usize) -> Result<Vec<f32>> {
        let h = self.hidden;
        let rows = sequences.len();
        let lengths: Vec<usize> = sequences.iter().map(|s| s.len().min(width)).collect();
        // Embeddings: word + position + token type 0, then LayerNorm.
        let mut x = vec![0f32; rows * width * h];
        for (r, ids) in sequences.iter().enumerate() {
            for (t, &id) in ids.iter().take(width).enumerate() {
                let row = &mut x[(r * width + t) * h..(r * width + t + 1) * h];
                let Some(pos) = self.position.get(t * h..(t + 1) * h) else {
                    candle_core::bail!("position {t} is outside the model's table")
                };
                self.word.row_into(id as usize, row)?;
                for ((o, p), y) in row.iter_mut().zip(pos).zip(&self.token_type[..h]) {
                    *o += p + y;
                }
                layer_norm_row(row, &self.embed_norm.0, &self.embed_norm.1, self.eps);
            }
        }
        if rows * width <= thin::MAX_ROWS {
            return self.forward_thin(x, &lengths, width);
        }
        let mut x = Tensor::from_vec(x, (rows * width, h), &self.device)?;
        let head = h / self.heads;
        let scale = 1.0 / (head as f32).sqrt();
        for layer in &self.layers {
            let qkv = x.matmul(&layer.qkv.t()?)?;
            qkv.inplace_op1(&AddBias(&layer.qkv_bias))?;
            // (rows, width, 3, heads, head) → three (rows, heads, width, head).
            let qkv = qkv.reshape((rows, width, 3, self.heads, head))?;
            let part =
                |i: usize| -> Result<Tensor> { qkv.i((.., .., i))?.transpose(1, 2)?.contiguous() };
            let (q, k, v) = (part(0)?, part(1)?, part(2)?);
            let contexts = self.attention(&q, &k, &v, &lengths, width, scale)?;
            let context = Tensor::cat(&contexts, 0)?
                .transpose(1, 2)?
                .contiguous()?
                .reshape((rows * width, h))?;
            let attended = context.matmul(&layer.out.t()?)?;
            attended.inplace_op2(
                &x,
                &BiasResidualNorm {
                    bias: &layer.out_bias,
                    gamma: &layer.norm1.0,
                    beta: &layer.norm1.1,
                    eps: self.eps,
                },
            )?;
            // The feed-forward block in slices of rows: its 4x-wide middle
            // stays small enough to be reused by the allocator and to sit
            // in cache for the GELU pass (a whole batch's is ~46 MB).
            let mut outputs = Vec::with_capacity(attended.dim(0)?.div_ceil(FFN_ROWS));
            for start in (0..attended.dim(0)?).step_by(FFN_ROWS) {
                let part = attended.narrow(0, start, FFN_ROWS.min(attended.dim(0)? - start))?;
                let up = part.matmul(&layer.up.t()?)?;
                up.inplace_op1(&BiasGelu(&layer.up_bias))?;
                let down = up.matmul(&layer.down.t()?)?;
                down.inplace_op2(
                    &part,
                    &BiasResidualNorm {
                        bias: &layer.down_bias,
                        gamma: &layer.norm2.0,
                        beta: &layer.norm2.1,
                        eps: self.eps,
                    },
                )?;
                outputs.push(down);
            }
            x = if outputs.len() == 1 {
                outputs.remove(0)
            } else {
                Tensor::cat(&outputs, 0)?
            };
        }
        x.flatten_all()?.to_vec1::<f32>()
    }
}
