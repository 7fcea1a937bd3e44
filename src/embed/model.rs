//! Running a sentence-embedding model: the tokenizers crate for WordPiece,
//! candle-transformers' BERT for the encoder, then pooling and
//! normalisation as the model's sentence-transformers files say.

use super::EmbedError;
use super::encoder::CpuBert;
use super::layout::{self, Layout, Pooling};
use candle_core::{D, DType, Device, IndexOp, Tensor};
use candle_nn::VarBuilder;
use candle_transformers::models::bert::{BertModel, Config};
use std::path::Path;
use tokenizers::{Encoding, Tokenizer, TruncationParams};

use super::pools::single_thread_pool;

/// Reads config.json, filling in the settings that only matter for
/// training (dropout, initialisation) when a model leaves them out.
fn bert_config(text: &str) -> Result<Config, serde_json::Error> {
    let mut value: serde_json::Value = serde_json::from_str(text)?;
    if let Some(map) = value.as_object_mut() {
        for (key, default) in [
            ("initializer_range", serde_json::json!(0.02)),
            ("hidden_dropout_prob", serde_json::json!(0.1)),
            ("attention_probs_dropout_prob", serde_json::json!(0.1)),
            ("hidden_act", serde_json::json!("gelu")),
            ("layer_norm_eps", serde_json::json!(1e-12)),
            ("type_vocab_size", serde_json::json!(2)),
            ("pad_token_id", serde_json::json!(0)),
        ] {
            map.entry(key).or_insert(default);
        }
    }
    serde_json::from_value(value)
}

/// Which implementation of the encoder runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Engine {
    /// litradar's fused CPU encoder on the CPU, candle-transformers' BERT on a GPU.
    #[default]
    Auto,
    /// candle-transformers' `BertModel` everywhere (the reference).
    Reference,
}

enum Encoder {
    Cpu(CpuBert),
    Reference(BertModel),
}

/// A loaded model, ready to embed text.
pub struct Embedder {
    encoder: Encoder,
    tokenizer: Tokenizer,
    layout: Layout,
    device: Device,
    dim: usize,
    name: String,
}

impl Embedder {
    /// Loads the model in `dir`; `name` is how the library refers to it.
    pub fn load(
        dir: &Path,
        name: &str,
        default_query_prefix: Option<&str>,
        device: &Device,
    ) -> Result<Embedder, EmbedError> {
        let defaults = layout::Prefixes {
            query: default_query_prefix,
            document: None,
        };
        Embedder::load_prefixed(dir, name, defaults, device, Engine::Auto)
    }

    /// Loads with a chosen encoder implementation.
    pub fn load_with(
        dir: &Path,
        name: &str,
        default_query_prefix: Option<&str>,
        device: &Device,
        engine: Engine,
    ) -> Result<Embedder, EmbedError> {
        let defaults = layout::Prefixes {
            query: default_query_prefix,
            document: None,
        };
        Embedder::load_prefixed(dir, name, defaults, device, engine)
    }

    /// Loads with the query and document prefixes to use where the model's
    /// files name none (e5-style models need both).
    pub fn load_prefixed(
        dir: &Path,
        name: &str,
        defaults: layout::Prefixes<'_>,
        device: &Device,
        engine: Engine,
    ) -> Result<Embedder, EmbedError> {
        let missing: Vec<&str> = super::registry::REQUIRED_FILES
            .iter()
            .copied()
            .filter(|f| !dir.join(f).is_file())
            .collect();
        if !missing.is_empty() {
            return Err(EmbedError::Missing {
                name: name.to_string(),
                dir: dir.to_path_buf(),
                files: missing.join(", "),
            });
        }
        let layout = layout::read(dir, defaults)?;
        let bad = |what: &str, e: &dyn std::fmt::Display| {
            EmbedError::BadModel(format!(
                "{what} in {} is unusable ({e}); fetch the model again with `litradar model fetch {name}`",
                dir.display()
            ))
        };
        let config_text =
            std::fs::read_to_string(dir.join("config.json")).map_err(|e| bad("config.json", &e))?;
        let config = bert_config(&config_text).map_err(|e| bad("config.json", &e))?;
        let mut tokenizer = Tokenizer::from_file(dir.join("tokenizer.json"))
            .map_err(|e| bad("tokenizer.json", &e))?;
        // tokenizer.json ships truncation and fixed padding at 128; the model
        // is run at its own limit with no padding (batches pad themselves).
        tokenizer
            .with_truncation(Some(TruncationParams {
                max_length: layout.max_tokens,
                ..TruncationParams::default()
            }))
            .map_err(|e| bad("tokenizer.json", &e))?;
        tokenizer.with_padding(None);
        let cpu = device.is_cpu() && engine == Engine::Auto;
        // The CPU encoder reads the word table a row per token from the
        // file; the stock model needs it whole.
        let leave_on_disk = |name: &str| cpu && name.ends_with("embeddings.word_embeddings.weight");
        let loaded = super::weights::load(&dir.join("model.safetensors"), device, &leave_on_disk)
            .map_err(|e| bad("model.safetensors", &e))?;
        let encoder = if cpu {
            Encoder::Cpu(
                CpuBert::load(loaded, &config, device).map_err(|e| bad("model.safetensors", &e))?,
            )
        } else {
            // f32: half precision BERT on CPU overflows candle's attention mask.
            let vb = VarBuilder::from_tensors(loaded.tensors, DType::F32, device);
            Encoder::Reference(
                BertModel::load(vb, &config).map_err(|e| bad("model.safetensors", &e))?,
            )
        };
        Ok(Embedder {
            encoder,
            tokenizer,
            layout,
            device: device.clone(),
            dim: config.hidden_size,
            name: name.to_string(),
        })
    }

    /// Vector length.
    pub fn dim(&self) -> usize {
        self.dim
    }

    /// The model's name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// How the model is run.
    pub fn layout(&self) -> &Layout {
        &self.layout
    }

    /// The device it runs on.
    pub fn device(&self) -> &Device {
        &self.device
    }

    /// Token ids a text becomes (after truncation), for tests and diagnostics.
    pub fn token_ids(&self, text: &str) -> Result<Vec<u32>, EmbedError> {
        Ok(self.encode(&[text])?.remove(0).get_ids().to_vec())
    }

    fn encode(&self, texts: &[&str]) -> Result<Vec<Encoding>, EmbedError> {
        self.tokenizer
            .encode_batch(texts.to_vec(), true)
            .map_err(|e| EmbedError::Inference(format!("tokenizing: {e}")))
    }

    /// Embeds documents, each after the model's document prefix (none
    /// for most models). Texts are sorted by token count and run in
    /// batches of `batch` so padding stays small; results come back in the
    /// input order. `progress` is told how many texts are done.
    pub fn embed(
        &self,
        texts: &[&str],
        batch: usize,
        progress: &mut dyn FnMut(usize),
    ) -> Result<Vec<Vec<f32>>, EmbedError> {
        if self.layout.document_prefix.is_empty() {
            return self.embed_texts(texts, batch, progress);
        }
        let prefixed: Vec<String> = texts
            .iter()
            .map(|t| format!("{}{t}", self.layout.document_prefix))
            .collect();
        let refs: Vec<&str> = prefixed.iter().map(String::as_str).collect();
        self.embed_texts(&refs, batch, progress)
    }

    /// Embeds texts as they are.
    fn embed_texts(
        &self,
        texts: &[&str],
        batch: usize,
        progress: &mut dyn FnMut(usize),
    ) -> Result<Vec<Vec<f32>>, EmbedError> {
        let encodings = self.encode(texts)?;
        let mut order: Vec<usize> = (0..texts.len()).collect();
        order.sort_by_key(|&i| std::cmp::Reverse(encodings[i].len()));
        let mut out = vec![Vec::new(); texts.len()];
        let chunks: Vec<&[usize]> = order.chunks(batch.max(1)).collect();
        let workers = std::thread::available_parallelism().map_or(1, |n| n.get());
        if matches!(self.encoder, Encoder::Cpu(_)) && workers > 1 && chunks.len() > 1 {
            return self.embed_side_by_side(&encodings, &chunks, workers, out, progress);
        }
        for chunk in chunks {
            let group: Vec<&Encoding> = chunk.iter().map(|&i| &encodings[i]).collect();
            let vectors = self.forward(&group)?;
            for (&i, v) in chunk.iter().zip(vectors) {
                out[i] = v;
            }
            progress(chunk.len());
        }
        Ok(out)
    }

    /// Batches side by side, one per core, each run by one thread from
    /// start to end. On the CPU this beats splitting every matrix product
    /// across the cores: no core waits for another between the dozens of
    /// steps of a layer, and the element-wise passes run in parallel too.
    fn embed_side_by_side(
        &self,
        encodings: &[Encoding],
        chunks: &[&[usize]],
        workers: usize,
        mut out: Vec<Vec<f32>>,
        progress: &mut dyn FnMut(usize),
    ) -> Result<Vec<Vec<f32>>, EmbedError> {
        let next = std::sync::atomic::AtomicUsize::new(0);
        let (done_tx, done_rx) = std::sync::mpsc::channel();
        std::thread::scope(|scope| -> Result<(), EmbedError> {
            for _ in 0..workers.min(chunks.len()) {
                let (next, done_tx) = (&next, done_tx.clone());
                scope.spawn(move || {
                    let pool = rayon::ThreadPoolBuilder::new().num_threads(1).build().ok();
                    loop {
                        let i = next.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
                        let Some(chunk) = chunks.get(i) else { break };
                        let group: Vec<&Encoding> = chunk.iter().map(|&j| &encodings[j]).collect();
                        let run = || super::kernels::run_alone(|| self.forward(&group));
                        let result = match &pool {
                            Some(pool) => pool.install(run),
                            None => run(),
                        };
                        let failed = result.is_err();
                        if done_tx.send((i, result)).is_err() || failed {
                            break;
                        }
                    }
                });
            }
            drop(done_tx);
            for (i, result) in done_rx {
                let vectors = result?;
                for (&j, v) in chunks[i].iter().zip(vectors) {
                    out[j] = v;
                }
                progress(chunks[i].len());
            }
            Ok(())
        })?;
        Ok(out)
    }

    /// Embeds a search query, with the model's query prefix.
    pub fn embed_query(&self, query: &str) -> Result<Vec<f32>, EmbedError> {
        let text = format!("{}{query}", self.layout.query_prefix);
        // A short query takes the encoder's thin path, which splits each
        // product across the cores itself; a long one (a pasted abstract)
        // runs the batch path on one thread, where waking a second thread
        // for each small product costs more than it saves.
        let run = || self.embed_texts(&[text.as_str()], 1, &mut |_| {});
        let mut v = match single_thread_pool() {
            Some(pool) => pool.install(run)?,
            None => run()?,
        };
        Ok(v.remove(0))
    }

    fn forward(&self, group: &[&Encoding]) -> Result<Vec<Vec<f32>>, EmbedError> {
        let err = |e: candle_core::Error| EmbedError::Inference(e.to_string());
        let rows = group.len();
        let width = group.iter().map(|e| e.len()).max().unwrap_or(0).max(1);
        let model = match &self.encoder {
            Encoder::Cpu(cpu) => {
                let sequences: Vec<&[u32]> = group.iter().map(|e| e.get_ids()).collect();
                let hidden = cpu.forward(&sequences, width).map_err(err)?;
                return Ok(self.pool_rows(&hidden, &sequences, width));
            }
            Encoder::Reference(model) => model,
        };
        let mut ids = vec![0u32; rows * width];
        let mut mask = vec![0u32; rows * width];
        for (r, e) in group.iter().enumerate() {
            for (c, &id) in e.get_ids().iter().enumerate() {
                ids[r * width + c] = id;
                mask[r * width + c] = 1;
            }
        }
        let ids = Tensor::from_vec(ids, (rows, width), &self.device).map_err(err)?;
        let mask = Tensor::from_vec(mask, (rows, width), &self.device).map_err(err)?;
        // Sentence-transformers feeds all-zero token types.
        let types = ids.zeros_like().map_err(err)?;
        let hidden = model.forward(&ids, &types, Some(&mask)).map_err(err)?;
        let mask = mask
            .to_dtype(DType::F32)
            .map_err(err)?
            .unsqueeze(2)
            .map_err(err)?;
        let pooled = match self.layout.pooling {
            Pooling::Mean => {
                let summed = hidden
                    .broadcast_mul(&mask)
                    .and_then(|h| h.sum(1))
                    .map_err(err)?;
                let counts = mask
                    .sum(1)
                    .and_then(|c| c.clamp(1e-9f32, f32::MAX))
                    .map_err(err)?;
                summed.broadcast_div(&counts).map_err(err)?
            }
            Pooling::Cls => hidden.i((.., 0, ..)).map_err(err)?,
            Pooling::Max => {
                // Padding gets a large negative value so it never wins.
                let penalty =
                    ((mask.ones_like().map_err(err)? - &mask).map_err(err)? * -1e9).map_err(err)?;
                hidden
                    .broadcast_add(&penalty)
                    .and_then(|h| h.max(1))
                    .map_err(err)?
            }
        };
        let pooled = if self.layout.normalize {
            let norm = pooled
                .sqr()
                .and_then(|s| s.sum_keepdim(D::Minus1))
                .and_then(|s| s.sqrt())
                .and_then(|n| n.clamp(1e-12f32, f32::MAX))
                .map_err(err)?;
            pooled.broadcast_div(&norm).map_err(err)?
        } else {
            pooled
        };
        pooled.to_vec2::<f32>().map_err(err)
    }

    /// Pooling and normalisation over flattened hidden states (CPU path).
    fn pool_rows(&self, hidden: &[f32], sequences: &[&[u32]], width: usize) -> Vec<Vec<f32>> {
        let h = self.dim;
        sequences
            .iter()
            .enumerate()
            .map(|(r, ids)| {
                let len = ids.len().clamp(1, width);
                let token = |t: usize| &hidden[(r * width + t) * h..(r * width + t + 1) * h];
                let mut v = match self.layout.pooling {
                    Pooling::Cls => token(0).to_vec(),
                    Pooling::Mean => {
                        let mut sum = vec![0f32; h];
                        for t in 0..len {
                            for (s, x) in sum.iter_mut().zip(token(t)) {
                                *s += x;
                            }
                        }
                        sum.iter().map(|s| s / len as f32).collect()
                    }
                    Pooling::Max => {
                        let mut max = vec![f32::NEG_INFINITY; h];
                        for t in 0..len {
                            for (m, x) in max.iter_mut().zip(token(t)) {
                                *m = m.max(*x);
                            }
                        }
                        max
                    }
                };
                if self.layout.normalize {
                    let norm = v.iter().map(|x| x * x).sum::<f32>().sqrt().max(1e-12);
                    v.iter_mut().for_each(|x| *x /= norm);
                }
                v
            })
            .collect()
    }
}
