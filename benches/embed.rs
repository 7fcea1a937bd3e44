//! Embedding throughput and single-query latency of the default model on
//! real arXiv "title. abstract" texts, the figures compared with
//! sentence-transformers in BENCHMARKS.md.
//!
//! Run: `cargo bench --bench embed -- [TEXTS.jsonl] [--batch N] [--runs N] [--limit N]`
//! (default texts: ../shared/data/embed-ref/bench-texts.jsonl; the model from
//! $LITRADAR_MODEL_DIR or models/all-MiniLM-L6-v2).

use litradar::embed::Embedder;
use std::path::PathBuf;
use std::time::Instant;

#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() {
    let args: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| a != "--bench")
        .collect();
    let flag = |name: &str, default: usize| -> usize {
        args.iter()
            .position(|a| a == name)
            .and_then(|i| args.get(i + 1))
            .and_then(|v| v.parse().ok())
            .unwrap_or(default)
    };
    let batch = flag("--batch", 32);
    let runs = flag("--runs", 3);
    let limit = flag("--limit", usize::MAX);
    let path = args
        .iter()
        .find(|a| a.ends_with(".jsonl"))
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            PathBuf::from(env!("CARGO_MANIFEST_DIR"))
                .join("../shared/data/embed-ref/bench-texts.jsonl")
        });
    let texts: Vec<String> = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()))
        .lines()
        .filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok())
        .filter_map(|v| v["text"].as_str().map(str::to_string))
        .take(limit)
        .collect();
    let dir = std::env::var_os("LITRADAR_MODEL_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("models/all-MiniLM-L6-v2")
        });
    let t = Instant::now();
    let model =
        Embedder::load(&dir, "all-MiniLM-L6-v2", None, &candle_core::Device::Cpu).expect("model");
    println!(
        "model loaded in {:.2} s; {} texts, batch {batch}",
        t.elapsed().as_secs_f64(),
        texts.len()
    );
    let refs: Vec<&str> = texts.iter().map(String::as_str).collect();
    // Warm-up, as the peer does.
    model
        .embed(&refs[..batch.min(refs.len())], batch, &mut |_| {})
        .expect("warm-up");
    let mut rates = Vec::new();
    for run in 0..runs {
        let t = Instant::now();
        model.embed(&refs, batch, &mut |_| {}).expect("embed");
        let rate = refs.len() as f64 / t.elapsed().as_secs_f64();
        println!("run {}: {rate:.2} texts/s", run + 1);
        rates.push(rate);
    }
    rates.sort_by(|a, b| a.total_cmp(b));
    if let Some(median) = rates.get(rates.len() / 2) {
        println!("median throughput: {median:.2} texts/s");
    }
    let queries = [
        "low-rank adaptation of large language models",
        "attention",
        "retrieval augmented generation for question answering",
    ];
    let mut times = Vec::new();
    for i in 0..50 {
        let t = Instant::now();
        model
            .embed_query(queries[i % queries.len()])
            .expect("query");
        times.push(t.elapsed().as_secs_f64() * 1000.0);
    }
    times.sort_by(|a, b| a.total_cmp(b));
    println!(
        "single query: median {:.1} ms, p90 {:.1} ms (50 short queries)",
        times[25], times[45]
    );
}
