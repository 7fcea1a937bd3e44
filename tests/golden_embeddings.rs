//! The real all-MiniLM-L6-v2 against sentence-transformers' own vectors
//! (tests/fixtures/embed/golden-all-MiniLM-L6-v2.json): the same token ids,
//! and cosine >= 0.999 for every text, the empty string and texts past the
//! 256-token limit included.
//!
//! The model is looked for in $LITRADAR_MODEL_DIR, else models/all-MiniLM-L6-v2.
//! CI fetches it and sets LITRADAR_REQUIRE_MODEL=1, so a missing model fails
//! there instead of skipping.

use litradar::embed::Embedder;
use std::path::PathBuf;

#[derive(serde::Deserialize)]
struct Golden {
    texts: Vec<String>,
    input_ids: Vec<Vec<u32>>,
    embeddings: Vec<Vec<f32>>,
    max_seq_length: usize,
    dim: usize,
}

fn model_dir() -> Option<PathBuf> {
    let dir = std::env::var_os("LITRADAR_MODEL_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("models/all-MiniLM-L6-v2")
        });
    if dir.join("model.safetensors").is_file() {
        return Some(dir);
    }
    assert!(
        std::env::var_os("LITRADAR_REQUIRE_MODEL").is_none(),
        "the model is required here but missing in {}",
        dir.display()
    );
    eprintln!(
        "skipping: no model in {} (run `litradar model fetch`)",
        dir.display()
    );
    None
}

fn cosine(a: &[f32], b: &[f32]) -> f32 {
    let dot: f32 = a.iter().zip(b).map(|(x, y)| x * y).sum();
    let na: f32 = a.iter().map(|x| x * x).sum::<f32>().sqrt();
    let nb: f32 = b.iter().map(|x| x * x).sum::<f32>().sqrt();
    dot / (na * nb)
}

#[test]
fn matches_sentence_transformers() {
    let Some(dir) = model_dir() else { return };
    let golden: Golden =
        serde_json::from_str(include_str!("fixtures/embed/golden-all-MiniLM-L6-v2.json"))
            .expect("golden");
    let model = Embedder::load(&dir, "all-MiniLM-L6-v2", None, &candle_core::Device::Cpu)
        .expect("model loads");
    assert_eq!(model.dim(), golden.dim);
    assert_eq!(model.layout().max_tokens, golden.max_seq_length);
    for (text, ids) in golden.texts.iter().zip(&golden.input_ids) {
        assert_eq!(
            &model.token_ids(text).expect("tokens"),
            ids,
            "token ids of {text:?}"
        );
    }
    let texts: Vec<&str> = golden.texts.iter().map(String::as_str).collect();
    // In batches (sorted by length, padded) and one by one: both must match.
    for batch in [8, 1] {
        let vectors = model.embed(&texts, batch, &mut |_| {}).expect("embed");
        for ((text, got), want) in golden.texts.iter().zip(&vectors).zip(&golden.embeddings) {
            let c = cosine(got, want);
            assert!(c >= 0.999, "cosine {c} for {text:?} (batch {batch})");
            let norm: f32 = got.iter().map(|x| x * x).sum::<f32>().sqrt();
            assert!((norm - 1.0).abs() < 1e-4, "unit length");
        }
    }
}

#[test]
fn the_fused_cpu_encoder_matches_candle_transformers_bert() {
    let Some(dir) = model_dir() else { return };
    let cpu = candle_core::Device::Cpu;
    let fast = Embedder::load(&dir, "m", None, &cpu).expect("fused");
    let reference = Embedder::load_with(&dir, "m", None, &cpu, litradar::embed::Engine::Reference)
        .expect("reference");
    let texts = [
        "Attention Is All You Need",
        "",
        "LoRA freezes the pre-trained weights and injects trainable rank decomposition matrices into each layer.",
    ];
    let a = fast.embed(&texts, 3, &mut |_| {}).expect("fused");
    let b = reference.embed(&texts, 3, &mut |_| {}).expect("reference");
    for ((x, y), text) in a.iter().zip(&b).zip(texts) {
        let c = cosine(x, y);
        assert!(c > 0.99999, "cosine {c} for {text:?}");
    }
    // One at a time, as a query is: a handful of tokens take the thin
    // path (few rows against whole weight matrices), which must agree too.
    for (y, text) in b.iter().zip(texts) {
        let x = fast.embed(&[text], 1, &mut |_| {}).expect("one");
        let c = cosine(&x[0], y);
        assert!(c > 0.99999, "cosine {c} for {text:?} alone");
    }
    let query = fast.embed_query("low-rank adaptation").expect("query");
    let want = reference
        .embed_query("low-rank adaptation")
        .expect("reference query");
    assert!(cosine(&query, &want) > 0.99999, "query");
}
