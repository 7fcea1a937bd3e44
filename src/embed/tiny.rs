//! A tiny BERT with seeded random weights and a real WordPiece tokenizer,
//! written as an ordinary model directory. Tests use it to run the real
//! loading and inference code in milliseconds; its vectors mean nothing.

use candle_core::{Device, Tensor};
use std::collections::HashMap;
use std::path::Path;

/// How the tiny model pools (it is written into its sentence-transformers files).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TinyPooling {
    /// Mean pooling, normalised (like all-MiniLM-L6-v2).
    Mean,
    /// CLS pooling, normalised, with a query prompt (like bge).
    Cls,
}

const HIDDEN: usize = 32;
const HEADS: usize = 4;
const INNER: usize = 64;
const LAYERS: usize = 2;
const POSITIONS: usize = 64;

/// Writes config.json, tokenizer.json, model.safetensors and the
/// sentence-transformers files into `dir`. The same seed gives the same model.
pub fn write(dir: &Path, pooling: TinyPooling, seed: u64) -> std::io::Result<()> {
    std::fs::create_dir_all(dir.join("1_Pooling"))?;
    let vocab = vocabulary();
    let config = serde_json::json!({
        "architectures": ["BertModel"],
        "attention_probs_dropout_prob": 0.1,
        "hidden_act": "gelu",
        "hidden_dropout_prob": 0.1,
        "hidden_size": HIDDEN,
        "intermediate_size": INNER,
        "layer_norm_eps": 1e-12,
        "max_position_embeddings": POSITIONS,
        "model_type": "bert",
        "num_attention_heads": HEADS,
        "num_hidden_layers": LAYERS,
        "pad_token_id": 0,
        "type_vocab_size": 2,
        "vocab_size": vocab.len(),
    });
    std::fs::write(
        dir.join("config.json"),
        serde_json::to_string_pretty(&config)?,
    )?;
    std::fs::write(dir.join("tokenizer.json"), tokenizer_json(&vocab))?;
    let modules = serde_json::json!([
        {"idx": 0, "name": "0", "path": "", "type": "sentence_transformers.models.Transformer"},
        {"idx": 1, "name": "1", "path": "1_Pooling", "type": "sentence_transformers.models.Pooling"},
        {"idx": 2, "name": "2", "path": "2_Normalize", "type": "sentence_transformers.models.Normalize"},
    ]);
    std::fs::write(dir.join("modules.json"), modules.to_string())?;
    let pooling_config = serde_json::json!({
        "word_embedding_dimension": HIDDEN,
        "pooling_mode_cls_token": pooling == TinyPooling::Cls,
        "pooling_mode_mean_tokens": pooling == TinyPooling::Mean,
        "pooling_mode_max_tokens": false,
    });
    std::fs::write(
        dir.join("1_Pooling/config.json"),
        pooling_config.to_string(),
    )?;
    std::fs::write(
        dir.join("sentence_bert_config.json"),
        r#"{"max_seq_length": 48, "do_lower_case": false}"#,
    )?;
    if pooling == TinyPooling::Cls {
        std::fs::write(
            dir.join("config_sentence_transformers.json"),
            r#"{"prompts": {"query": "query: ", "document": ""}, "default_prompt_name": null}"#,
        )?;
    }
    let tensors = weights(vocab.len(), seed).map_err(std::io::Error::other)?;
    candle_core::safetensors::save(&tensors, dir.join("model.safetensors"))
        .map_err(std::io::Error::other)?;
    Ok(())
}

fn vocabulary() -> Vec<String> {
    let mut v: Vec<String> = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
        .map(String::from)
        .to_vec();
    for c in ('a'..='z').chain('0'..='9') {
        v.push(c.to_string());
        v.push(format!("##{c}"));
    }
    for p in [".", ",", ":", "-", "(", ")", "'", "?", "!", "/"] {
        v.push(p.to_string());
    }
    for w in [
        "the",
        "of",
        "and",
        "a",
        "to",
        "in",
        "for",
        "with",
        "is",
        "on",
        "we",
        "model",
        "models",
        "language",
        "attention",
        "learning",
        "training",
        "large",
        "rank",
        "low",
        "network",
        "networks",
        "neural",
        "search",
        "retrieval",
    ] {
        v.push(w.to_string());
    }
    v
}

fn tokenizer_json(vocab: &[String]) -> String {
    let ids: serde_json::Map<String, serde_json::Value> = vocab
        .iter()
        .enumerate()
        .map(|(i, t)| (t.clone(), serde_json::Value::from(i)))
        .collect();
    let special = |id: usize, content: &str| {
        serde_json::json!({"id": id, "content": content, "single_word": false, "lstrip": false,
            "rstrip": false, "normalized": false, "special": true})
    };
    serde_json::json!({
        "version": "1.0",
        "truncation": {"direction": "Right", "max_length": 16, "strategy": "LongestFirst", "stride": 0},
        "padding": null,
        "added_tokens": [special(0, "[PAD]"), special(1, "[UNK]"), special(2, "[CLS]"), special(3, "[SEP]"), special(4, "[MASK]")],
        "normalizer": {"type": "BertNormalizer", "clean_text": true, "handle_chinese_chars": true,
            "strip_accents": null, "lowercase": true},
        "pre_tokenizer": {"type": "BertPreTokenizer"},
        "post_processor": {"type": "BertProcessing", "sep": ["[SEP]", 3], "cls": ["[CLS]", 2]},
        "decoder": {"type": "WordPiece", "prefix": "##", "cleanup": true},
        "model": {"type": "WordPiece", "unk_token": "[UNK]", "continuing_subword_prefix": "##",
            "max_input_chars_per_word": 100, "vocab": ids},
    })
    .to_string()
}

/// A small deterministic generator (SplitMix64) for the weights.
struct Seeded(u64);

impl Seeded {
    fn next(&mut self) -> f32 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^= z >> 31;
        // Uniform in [-0.5, 0.5), scaled like a small initialiser.
        ((z >> 40) as f32 / (1u64 << 24) as f32 - 0.5) * 0.2
    }
}

fn weights(vocab: usize, seed: u64) -> candle_core::Result<HashMap<String, Tensor>> {
    let mut rng = Seeded(seed);
    let mut tensors = HashMap::new();
    let mut put = |name: String, shape: &[usize], fill: Option<f32>| -> candle_core::Result<()> {
        let n: usize = shape.iter().product();
        let data: Vec<f32> = (0..n).map(|_| fill.unwrap_or_else(|| rng.next())).collect();
        tensors.insert(name, Tensor::from_vec(data, shape, &Device::Cpu)?);
        Ok(())
    };
    put(
        "embeddings.word_embeddings.weight".into(),
        &[vocab, HIDDEN],
        None,
    )?;
    put(
        "embeddings.position_embeddings.weight".into(),
        &[POSITIONS, HIDDEN],
        None,
    )?;
    put(
        "embeddings.token_type_embeddings.weight".into(),
        &[2, HIDDEN],
        None,
    )?;
    put("embeddings.LayerNorm.weight".into(), &[HIDDEN], Some(1.0))?;
    put("embeddings.LayerNorm.bias".into(), &[HIDDEN], Some(0.0))?;
    for l in 0..LAYERS {
        let p = format!("encoder.layer.{l}");
        for (name, out, inp) in [
            ("attention.self.query", HIDDEN, HIDDEN),
            ("attention.self.key", HIDDEN, HIDDEN),
            ("attention.self.value", HIDDEN, HIDDEN),
            ("attention.output.dense", HIDDEN, HIDDEN),
            ("intermediate.dense", INNER, HIDDEN),
            ("output.dense", HIDDEN, INNER),
        ] {
            put(format!("{p}.{name}.weight"), &[out, inp], None)?;
            put(format!("{p}.{name}.bias"), &[out], None)?;
        }
        for name in ["attention.output.LayerNorm", "output.LayerNorm"] {
            put(format!("{p}.{name}.weight"), &[HIDDEN], Some(1.0))?;
            put(format!("{p}.{name}.bias"), &[HIDDEN], Some(0.0))?;
        }
    }
    Ok(tensors)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::embed::{Embedder, Engine};

    fn cosine(a: &[f32], b: &[f32]) -> f32 {
        a.iter().zip(b).map(|(x, y)| x * y).sum()
    }

    #[test]
    fn the_tiny_model_runs_through_the_real_code() {
        let dir = tempfile::tempdir().expect("dir");
        write(dir.path(), TinyPooling::Mean, 7).expect("write");
        let cpu = Device::Cpu;
        let model = Embedder::load(dir.path(), "tiny", None, &cpu).expect("load");
        assert_eq!(model.dim(), HIDDEN);
        assert_eq!(model.layout().max_tokens, 48);
        let texts = [
            "Low rank adaptation of large language models",
            "",
            "attention",
        ];
        let vectors = model.embed(&texts, 2, &mut |_| {}).expect("embed");
        for v in &vectors {
            assert!(
                (v.iter().map(|x| x * x).sum::<f32>() - 1.0).abs() < 1e-4,
                "normalised"
            );
        }
        // The fused CPU encoder and candle-transformers' BERT agree.
        let reference = Embedder::load_with(dir.path(), "tiny", None, &cpu, Engine::Reference)
            .expect("reference");
        let again = reference.embed(&texts, 3, &mut |_| {}).expect("embed");
        for (a, b) in vectors.iter().zip(&again) {
            assert!(cosine(a, b) > 0.9999, "{}", cosine(a, b));
        }
        // A long text is cut at the model's limit, [CLS] and [SEP] included.
        let long = "rank ".repeat(200);
        assert_eq!(model.token_ids(&long).expect("ids").len(), 48);
    }

    #[test]
    fn cls_pooling_and_the_query_prompt_come_from_the_model_files() {
        let dir = tempfile::tempdir().expect("dir");
        write(dir.path(), TinyPooling::Cls, 7).expect("write");
        let model = Embedder::load(dir.path(), "tiny-cls", None, &Device::Cpu).expect("load");
        assert_eq!(model.layout().pooling, crate::embed::layout::Pooling::Cls);
        assert_eq!(model.layout().query_prefix, "query: ");
        let doc = model.embed(&["attention"], 1, &mut |_| {}).expect("doc");
        let query = model.embed_query("attention").expect("query");
        let prefixed = model
            .embed(&["query: attention"], 1, &mut |_| {})
            .expect("prefixed");
        assert!(
            cosine(&query, &prefixed[0]) > 0.9999,
            "the prompt is applied to queries"
        );
        assert!(cosine(&query, &doc[0]) < 0.9999, "and not to documents");
    }

    #[test]
    fn a_document_prefix_goes_before_documents_only() {
        let dir = tempfile::tempdir().expect("dir");
        write(dir.path(), TinyPooling::Mean, 7).expect("write");
        let defaults = crate::embed::layout::Prefixes {
            query: Some("query: "),
            document: Some("passage: "),
        };
        let e5 =
            Embedder::load_prefixed(dir.path(), "tiny-e5", defaults, &Device::Cpu, Engine::Auto)
                .expect("load");
        assert_eq!(e5.layout().document_prefix, "passage: ");
        let plain = Embedder::load(dir.path(), "tiny", None, &Device::Cpu).expect("load");
        let doc = e5.embed(&["attention"], 1, &mut |_| {}).expect("doc");
        let by_hand = plain
            .embed(&["passage: attention"], 1, &mut |_| {})
            .expect("by hand");
        assert!(
            cosine(&doc[0], &by_hand[0]) > 0.9999,
            "documents get the passage prefix"
        );
        let query = e5.embed_query("attention").expect("query");
        let query_by_hand = plain
            .embed(&["query: attention"], 1, &mut |_| {})
            .expect("q");
        assert!(
            cosine(&query, &query_by_hand[0]) > 0.9999,
            "queries get only the query prefix"
        );
        // The settings' prefixes win over the registry's.
        let mut model = crate::embed::resolve(dir.path().to_str().expect("path"), dir.path());
        model.document_prefix = Some("doc: ".into());
        let loaded = model.load(&Device::Cpu).expect("load");
        assert_eq!(loaded.layout().document_prefix, "doc: ");
        // Vectors made with a prefix of one's own are kept apart.
        let mut settings = crate::config::EmbedSettings {
            model: "e5-small-v2".into(),
            models_dir: Some(dir.path().to_path_buf()),
            ..Default::default()
        };
        assert_eq!(crate::embed::configured(&settings).name, "e5-small-v2");
        settings.document_prefix = Some("passage: ".into());
        assert_eq!(
            crate::embed::configured(&settings).name,
            "e5-small-v2",
            "the registry's own"
        );
        settings.document_prefix = Some("doc: ".into());
        let own = crate::embed::configured(&settings);
        assert!(
            own.name.starts_with("e5-small-v2+doc-") && own.name.len() == 24,
            "{}",
            own.name
        );
        assert_eq!(own.dir, dir.path().join("e5-small-v2"));
    }

    #[test]
    fn a_corrupt_or_missing_model_file_is_a_clear_error() {
        let dir = tempfile::tempdir().expect("dir");
        write(dir.path(), TinyPooling::Mean, 7).expect("write");
        let weights = dir.path().join("model.safetensors");
        let bytes = std::fs::read(&weights).expect("read");
        std::fs::write(&weights, &bytes[..bytes.len() / 2]).expect("truncate");
        let err = Embedder::load(dir.path(), "tiny", None, &Device::Cpu)
            .err()
            .expect("corrupt");
        let text = err.to_string();
        assert!(
            text.contains("model.safetensors") && text.contains("litradar model fetch tiny"),
            "{text}"
        );
        std::fs::remove_file(&weights).expect("remove");
        let err = Embedder::load(dir.path(), "tiny", None, &Device::Cpu)
            .err()
            .expect("missing");
        assert!(
            err.to_string().contains("model.safetensors missing"),
            "{err}"
        );
    }
}
