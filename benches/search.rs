//! Search at scale: a 100,000-paper library built from real arXiv abstracts
//! (the 10k cs.AI/CL/LG sample of ../shared/data/corpus, ten times under new
//! ids), vectors precomputed (seeded random unit vectors: the scan's cost
//! does not depend on their values), the real model for query vectors.
//! Prints query latency per mode (p50/p90), the vector scan alone, and the
//! peak memory of the searching process; then shows that adding 10 papers
//! to a 10,000-paper library embeds exactly those 10.
//!
//! Run: `cargo bench --bench search` (model from $LITRADAR_MODEL_DIR or
//! models/all-MiniLM-L6-v2; PAPERS=N to change the size).

use litradar::embed::Embedder;
use litradar::embed::store::Pending;
use litradar::library::{Library, Merge};
use litradar::search::{Filters, Mode, Searcher, Semantic, TextIndex};
use std::path::{Path, PathBuf};

mod support;
use std::time::Instant;
use support::{random_unit, sample_papers};

#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

const QUERIES: &[&str] = &[
    "low-rank adaptation of large language models",
    "retrieval augmented generation",
    "speculative decoding for faster inference",
    "mixture of experts routing",
    "chain of thought prompting",
    "vision language model hallucination",
    "reinforcement learning from human feedback",
    "graph neural networks for molecules",
    "long context attention",
    "quantization of transformer weights",
    "diffusion models for image generation",
    "benchmark for code generation",
    "federated learning privacy",
    "instruction tuning data quality",
    "state space models",
    "agents that use tools",
    "contrastive learning of sentence embeddings",
    "evaluation of machine translation",
    "knowledge distillation",
    "multilingual speech recognition",
];

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if let Some(i) = args.iter().position(|a| a == "--search-in") {
        return search_phase(Path::new(&args[i + 1]));
    }
    let n: usize = std::env::var("PAPERS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(100_000);
    let dir = tempfile::tempdir().expect("temp dir");
    let t = Instant::now();
    build(dir.path(), n);
    println!(
        "built a {n}-paper library with vectors and index in {:.1} s",
        t.elapsed().as_secs_f64()
    );
    // Search in a fresh process so its peak memory is the searcher's own.
    let status = std::process::Command::new(std::env::current_exe().expect("exe"))
        .arg("--search-in")
        .arg(dir.path())
        .status()
        .expect("search phase");
    assert!(status.success());
    incremental();
}

fn model_dir() -> PathBuf {
    std::env::var_os("LITRADAR_MODEL_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("models/all-MiniLM-L6-v2")
        })
}

/// Stores random vectors (with the right text hashes) for every pending paper.
fn store_random_vectors(lib: &mut Library, model: &str, dim: usize) {
    let pending = lib.pending_embeddings(model).expect("pending");
    let mut seed = 7u64;
    for chunk in pending.chunks(5000) {
        let items: Vec<(&Pending, Vec<f32>)> = chunk
            .iter()
            .map(|p| (p, random_unit(&mut seed, dim)))
            .collect();
        lib.store_embeddings(model, &items).expect("store vectors");
    }
}

fn build(dir: &Path, n: usize) {
    let mut lib = Library::open(&dir.join("library.sqlite3")).expect("library");
    for chunk in sample_papers(n, 0).chunks(5000) {
        lib.upsert(chunk, "bench", Merge::Refresh).expect("papers");
    }
    store_random_vectors(&mut lib, "all-MiniLM-L6-v2", 384);
    TextIndex::rebuild(&dir.join("index"), &lib).expect("index");
}

fn percentile(mut v: Vec<f64>, p: f64) -> f64 {
    v.sort_by(|a, b| a.total_cmp(b));
    v[((v.len() - 1) as f64 * p).round() as usize]
}

fn peak_rss_mb() -> f64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines().find(|l| l.starts_with("VmHWM:")).and_then(|l| {
                l.split_whitespace()
                    .nth(1)
                    .and_then(|kb| kb.parse::<f64>().ok())
            })
        })
        .map_or(0.0, |kb| kb / 1024.0)
}

fn search_phase(dir: &Path) {
    let t = Instant::now();
    let lib = Library::open(&dir.join("library.sqlite3")).expect("library");
    let model = Embedder::load(
        &model_dir(),
        "all-MiniLM-L6-v2",
        None,
        &candle_core::Device::Cpu,
    )
    .expect("model");
    println!("  after loading the model: peak {:.0} MB", peak_rss_mb());
    let (index, rebuilt) = TextIndex::open(&dir.join("index"), &lib).expect("index");
    assert!(!rebuilt);
    println!("  after opening the index: peak {:.0} MB", peak_rss_mb());
    let semantic = Semantic::load(&lib, &model).expect("vectors");
    println!("  after loading the vectors: peak {:.0} MB", peak_rss_mb());
    let n = semantic.vectors.len();
    println!(
        "search process: {n} papers, {} vectors loaded in {:.2} s",
        semantic.vectors.len(),
        t.elapsed().as_secs_f64()
    );
    // The scan alone, with a fixed query vector.
    let q = semantic
        .vectors
        .vector_of(semantic.vectors.id(0))
        .expect("vector")
        .to_vec();
    let mut scans = Vec::new();
    for _ in 0..30 {
        let t = Instant::now();
        let top = semantic.vectors.top_k(&q, 100, &|_| true);
        scans.push(t.elapsed().as_secs_f64() * 1e3);
        assert_eq!(top.len(), 100);
    }
    let p50 = percentile(scans.clone(), 0.5);
    let bytes = (n * 384 * 4) as f64;
    println!(
        "exact vector scan, {n} x 384, top 100 (int8 codes + exact f32 rescoring): p50 {p50:.2} ms",
    );
    let mut plain = Vec::new();
    for _ in 0..10 {
        let t = Instant::now();
        let top = semantic.vectors.top_k_f32(&q, 100);
        plain.push(t.elapsed().as_secs_f64() * 1e3);
        assert_eq!(
            top,
            semantic.vectors.top_k(&q, 100, &|_| true),
            "the fast scan is exact"
        );
    }
    let f32_p50 = percentile(plain, 0.5);
    println!(
        "  the same by plain f32 scoring of every row (one thread, with a full sort): p50 {f32_p50:.2} ms ({:.1} GB/s)",
        bytes / (f32_p50 / 1e3) / 1e9
    );
    let mut embeds = Vec::new();
    for q in QUERIES {
        let t = Instant::now();
        model.embed_query(q).expect("query");
        embeds.push(t.elapsed().as_secs_f64() * 1e3);
    }
    println!(
        "query embedding: p50 {:.2} ms, p90 {:.2} ms",
        percentile(embeds.clone(), 0.5),
        percentile(embeds, 0.9)
    );
    let searcher = Searcher::new(&lib, &index, Some(&semantic));
    for mode in [Mode::Lexical, Mode::Semantic, Mode::Hybrid] {
        let mut times = Vec::new();
        for round in 0..3 {
            for q in QUERIES {
                let t = Instant::now();
                let hits = searcher
                    .search(q, mode, &Filters::default(), 10)
                    .expect("search");
                if round > 0 {
                    times.push(t.elapsed().as_secs_f64() * 1e3);
                }
                assert!(!hits.is_empty());
            }
        }
        println!(
            "{:<9} search (top 10{}): p50 {:.2} ms, p90 {:.2} ms",
            litradar::search::eval::mode_name(mode),
            if mode == Mode::Lexical {
                ""
            } else {
                ", query embedding included"
            },
            percentile(times.clone(), 0.5),
            percentile(times, 0.9)
        );
    }
    println!("peak RSS of the search process: {:.0} MB", peak_rss_mb());
}

fn incremental() {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut lib = Library::open(&dir.path().join("library.sqlite3")).expect("library");
    lib.upsert(&sample_papers(10_000, 500_000), "bench", Merge::Refresh)
        .expect("papers");
    store_random_vectors(&mut lib, "all-MiniLM-L6-v2", 384);
    lib.upsert(&sample_papers(10, 900_000), "bench", Merge::Refresh)
        .expect("ten more");
    let pending = lib.pending_embeddings("all-MiniLM-L6-v2").expect("pending");
    let model = Embedder::load(
        &model_dir(),
        "all-MiniLM-L6-v2",
        None,
        &candle_core::Device::Cpu,
    )
    .expect("model");
    let t = Instant::now();
    let report = litradar::ingest::embed_pending(&mut lib, &model, 32, &litradar::ingest::Silent)
        .expect("embed");
    println!(
        "incremental: 10,000 papers embedded + 10 added -> {} pending, {} embedded in {:.2} s; then {} pending",
        pending.len(),
        report.embedded,
        t.elapsed().as_secs_f64(),
        lib.pending_embeddings("all-MiniLM-L6-v2")
            .expect("pending")
            .len()
    );
}
