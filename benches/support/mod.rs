//! What the benchmarks share: a library of any size made from the real
//! arXiv metadata sample in ../shared/data (benchmarks only; the tests do
//! not need it).

use litradar::library::Incoming;
use litradar::paper::{Author, Paper};
use std::path::PathBuf;

/// `n` papers cycling through the 10,000-paper sample, with fresh ids.
pub fn sample_papers(n: usize, id_offset: usize) -> Vec<Incoming> {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../shared/data/corpus/arxiv_cs_ai_cl_lg_sample_10k.jsonl");
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let base: Vec<serde_json::Value> = text
        .lines()
        .filter_map(|l| serde_json::from_str(l).ok())
        .collect();
    (0..n)
        .map(|i| {
            let r = &base[i % base.len()];
            let k = i + id_offset;
            Incoming::from(Paper {
                id: format!(
                    "{:02}{:02}.{:05}",
                    30 + k / 1_000_000,
                    1 + (k / 100_000) % 12,
                    k % 100_000
                ),
                version: Some(1),
                title: r["title"].as_str().unwrap_or("").to_string(),
                abstract_text: r["abstract"].as_str().unwrap_or("").to_string(),
                authors: r["authors"]
                    .as_array()
                    .map(|a| {
                        a.iter()
                            .filter_map(|x| x.as_str())
                            .map(Author::named)
                            .collect()
                    })
                    .unwrap_or_default(),
                categories: r["categories"]
                    .as_array()
                    .map(|a| {
                        a.iter()
                            .filter_map(|x| x.as_str().map(str::to_string))
                            .collect()
                    })
                    .unwrap_or_default(),
                primary_category: r["categories"][0].as_str().map(str::to_string),
                ..Paper::default()
            })
        })
        .collect()
}

/// A seeded random unit vector (for benches whose cost does not depend on
/// the vectors' values).
#[allow(dead_code)] // not every bench stores vectors
pub fn random_unit(seed: &mut u64, dim: usize) -> Vec<f32> {
    let v: Vec<f32> = (0..dim)
        .map(|_| {
            *seed = seed
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            ((*seed >> 33) as f32 / (1u64 << 31) as f32) - 0.5
        })
        .collect();
    let norm = v.iter().map(|x| x * x).sum::<f32>().sqrt();
    v.into_iter().map(|x| x / norm).collect()
}
