//! The feed judged on simulated readers (the protocol of the feed issue):
//! the 10,000 real papers of ../shared/data/corpus's cs.AI/CL/LG sample,
//! categories blanked before import, embedded by the real model. A reader's
//! interest is one arXiv category other than the four big ones; 25 of its
//! papers, chosen with a fixed seed, are tagged; the measure is the share of
//! that category among the top 50 of `feed --tag … --all` (precision@50).
//! Beside it, two baselines on the same liked papers: the cosine of tf-idf
//! vectors to the liked papers' centroid, and the same with embeddings.
//! Then the time of a look (features, training, ranking) at 10,000 and at
//! 100,000 papers.
//!
//! Run: `cargo bench --bench feed` (model from $LITRADAR_MODEL_DIR or
//! models/all-MiniLM-L6-v2). The embedded library is kept in
//! target/feed-bench/ (the first run embeds 10,000 abstracts: minutes);
//! SEEDS=N readers per category (default 5).

use litradar::embed::Embedder;
use litradar::feed::{self, Corpus, Request, Signals, Window};
use litradar::library::{Incoming, Library, Merge};
use litradar::paper::Paper;
use std::collections::{HashMap, HashSet};
use std::path::PathBuf;
use std::time::Instant;

mod support;

#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

const MODEL: &str = "all-MiniLM-L6-v2";
const BIG: &[&str] = &["cs.AI", "cs.CL", "cs.LG", "cs.CV"];
const DEVELOPED_ON: &[&str] = &["cs.HC", "cs.MA", "cs.GR", "cs.CY"];
const LIKED: usize = 25;
const TOP: usize = 50;
const TAG: &str = "simulated-reader";

struct Record {
    id: String,
    title: String,
    abstract_text: String,
    categories: Vec<String>,
}

fn corpus() -> Vec<Record> {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../shared/data/corpus/arxiv_cs_ai_cl_lg_sample_10k.jsonl");
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    text.lines()
        .filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok())
        .map(|r| Record {
            id: r["id"].as_str().unwrap_or("").to_string(),
            title: r["title"].as_str().unwrap_or("").to_string(),
            abstract_text: r["abstract"].as_str().unwrap_or("").to_string(),
            categories: r["categories"]
                .as_array()
                .map(|a| {
                    a.iter()
                        .filter_map(|c| c.as_str().map(str::to_string))
                        .collect()
                })
                .unwrap_or_default(),
        })
        .collect()
}

fn model_dir() -> PathBuf {
    std::env::var_os("LITRADAR_MODEL_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            PathBuf::from(env!("CARGO_MANIFEST_DIR"))
                .join("models")
                .join(MODEL)
        })
}

/// The bench library: the corpus with categories blanked, every paper
/// embedded by the real model; built once and kept.
fn library(records: &[Record]) -> Library {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("target/feed-bench");
    std::fs::create_dir_all(&dir).expect("bench dir");
    let mut lib = Library::open(&dir.join("library.sqlite3")).expect("library");
    let papers: Vec<Incoming> = records
        .iter()
        .map(|r| {
            Incoming::from(Paper {
                id: r.id.clone(),
                version: Some(1),
                title: r.title.clone(),
                abstract_text: r.abstract_text.clone(),
                // Blanked: the ranking must learn content, not categories.
                categories: Vec::new(),
                primary_category: None,
                ..Paper::default()
            })
        })
        .collect();
    lib.upsert(&papers, "bench", Merge::Refresh)
        .expect("papers");
    let pending = lib.pending_embeddings(MODEL).expect("pending");
    if !pending.is_empty() {
        let model = Embedder::load(&model_dir(), MODEL, None, &candle_core::Device::Cpu)
            .expect("model (litradar model fetch)");
        let t = Instant::now();
        let mut done = 0;
        for chunk in pending.chunks(512) {
            let texts: Vec<&str> = chunk.iter().map(|p| p.text.as_str()).collect();
            let vectors = model.embed(&texts, 32, &mut |_| {}).expect("embed");
            let items: Vec<_> = chunk.iter().zip(vectors).collect();
            lib.store_embeddings(MODEL, &items).expect("store");
            done += chunk.len();
            eprintln!(
                "  embedded {done} of {} ({:.0} s)",
                pending.len(),
                t.elapsed().as_secs_f64()
            );
        }
    }
    lib
}

/// 25 members of a category, by a seeded shuffle.
fn liked(members: &[usize], seed: u64) -> Vec<usize> {
    let mut order = members.to_vec();
    let mut state = seed.wrapping_mul(0x9e37_79b9_7f4a_7c15) | 1;
    for i in (1..order.len()).rev() {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        order.swap(i, (state % (i as u64 + 1)) as usize);
    }
    order.truncate(LIKED);
    order.sort_unstable();
    order
}

fn category_seed(cat: &str, seed: u64) -> u64 {
    cat.bytes().fold(seed.wrapping_mul(1_000_003), |h, b| {
        h.wrapping_mul(31).wrapping_add(u64::from(b))
    })
}

fn precision(top: &[usize], records: &[Record], cat: &str) -> f64 {
    top.iter()
        .filter(|&&i| records[i].categories.iter().any(|c| c == cat))
        .count() as f64
        / TOP as f64
}

fn top_of(scores: &[f32], candidates: &[usize]) -> Vec<usize> {
    let mut order: Vec<(usize, f32)> = candidates
        .iter()
        .copied()
        .zip(scores.iter().copied())
        .collect();
    order.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
    order.into_iter().take(TOP).map(|(i, _)| i).collect()
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

fn main() {
    let records = corpus();
    let mut lib = library(&records);
    let seeds: u64 = std::env::var("SEEDS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(5);
    let papers = lib.feed_papers().expect("papers");
    let record_of: HashMap<&str, usize> = records
        .iter()
        .enumerate()
        .map(|(i, r)| (r.id.as_str(), i))
        .collect();
    // Positions in the library's order, mapped to the corpus records.
    let to_record: Vec<usize> = papers.iter().map(|p| record_of[p.id.as_str()]).collect();
    let ordered: Vec<Record> = to_record
        .iter()
        .map(|&i| Record {
            id: records[i].id.clone(),
            title: String::new(),
            abstract_text: String::new(),
            categories: records[i].categories.clone(),
        })
        .collect();
    let position: HashMap<&str, usize> = papers
        .iter()
        .enumerate()
        .map(|(i, p)| (p.id.as_str(), i))
        .collect();
    // The baselines' features: the same words and vectors the feed uses.
    let vectors = lib.load_vectors(MODEL).expect("vectors");
    let dim = vectors.dim;
    let embeddings = feed::embeddings_of(&papers, &vectors);
    let texts = feed::texts_of(&papers);
    let baseline = Corpus::new(&texts, &embeddings, dim);

    let mut counts: HashMap<&str, usize> = HashMap::new();
    for r in &ordered {
        for c in &r.categories {
            *counts.entry(c.as_str()).or_default() += 1;
        }
    }
    let arxiv_like =
        |c: &str| c.contains('.') && c.chars().next().is_some_and(|x| x.is_ascii_lowercase());
    let mut categories: Vec<(&str, usize)> = counts
        .iter()
        .filter(|(c, n)| !BIG.contains(c) && **n >= 2 * LIKED && arxiv_like(c))
        .map(|(c, n)| (*c, *n))
        .collect();
    categories.sort_by(|a, b| {
        let dev = |c: &str| !DEVELOPED_ON.contains(&c);
        (dev(a.0), b.1).cmp(&(dev(b.0), a.1))
    });

    println!(
        "simulated readers: {} papers (categories blanked), {LIKED} liked per reader, {seeds} readers per category, precision@{TOP} of `feed --tag … --all`",
        papers.len()
    );
    println!(
        "| category | papers | feed (SVM, words + meaning) | tf-idf centroid | embedding centroid |"
    );
    println!("|---|---|---|---|---|");
    let mut look_times = Vec::new();
    let (mut dev_rows, mut other_rows) = (Vec::new(), Vec::new());
    for (cat, n) in &categories {
        let members: Vec<usize> = (0..ordered.len())
            .filter(|&i| ordered[i].categories.iter().any(|c| c == cat))
            .collect();
        let (mut ours, mut words, mut meaning) = (Vec::new(), Vec::new(), Vec::new());
        for seed in 1..=seeds {
            let chosen = liked(&members, category_seed(cat, seed));
            let ids: Vec<String> = chosen.iter().map(|&i| papers[i].id.clone()).collect();
            for id in &ids {
                lib.tag(id, &[TAG.to_string()]).expect("tag");
            }
            let t = Instant::now();
            let result = tagged_look(&lib);
            look_times.push(t.elapsed().as_secs_f64());
            for id in &ids {
                lib.untag(id, &[TAG.to_string()]).expect("untag");
            }
            let top: Vec<usize> = result
                .items
                .iter()
                .map(|i| position[i.id.as_str()])
                .collect();
            ours.push(precision(&top, &ordered, cat));
            let picked: HashSet<usize> = chosen.iter().copied().collect();
            let candidates: Vec<usize> =
                (0..papers.len()).filter(|i| !picked.contains(i)).collect();
            let w = baseline.words_centroid_scores(&chosen, &candidates);
            words.push(precision(&top_of(&w, &candidates), &ordered, cat));
            let m = baseline.meaning_centroid_scores(&chosen, &candidates);
            meaning.push(precision(&top_of(&m, &candidates), &ordered, cat));
        }
        let mean = |v: &[f64]| v.iter().sum::<f64>() / v.len() as f64;
        let row = (mean(&ours), mean(&words), mean(&meaning));
        let marker = if DEVELOPED_ON.contains(cat) {
            " (developed on)"
        } else {
            ""
        };
        println!(
            "| {cat}{marker} | {n} | {:.2} | {:.2} | {:.2} |",
            row.0, row.1, row.2
        );
        if DEVELOPED_ON.contains(cat) {
            dev_rows.push(row);
        } else {
            other_rows.push(row);
        }
    }
    for (name, rows) in [
        ("developed on", &dev_rows),
        ("the other categories", &other_rows),
    ] {
        if rows.is_empty() {
            continue;
        }
        let k = rows.len() as f64;
        println!(
            "| **mean, {name}** ({}) | | **{:.3}** | {:.3} | {:.3} |",
            rows.len(),
            rows.iter().map(|r| r.0).sum::<f64>() / k,
            rows.iter().map(|r| r.1).sum::<f64>() / k,
            rows.iter().map(|r| r.2).sum::<f64>() / k
        );
    }
    println!(
        "a look at 10,000 papers (`feed::look`, median of {}): {:.0} ms",
        look_times.len(),
        median(look_times) * 1e3
    );
    timing_split(
        &texts,
        &embeddings,
        dim,
        &(0..LIKED * 4).step_by(4).collect::<Vec<_>>(),
    );
    drop(lib);
    at_scale(100_000);
}

/// `feed --tag TAG --all --limit TOP`, as the CLI runs it.
fn tagged_look(lib: &Library) -> feed::Feed {
    feed::look(
        lib,
        &Request {
            tag: Some(TAG.into()),
            window: Window::All,
            limit: TOP,
            model: Some(MODEL.into()),
        },
    )
    .expect("feed")
}

/// Features, training and ranking timed apart.
fn timing_split(texts: &[String], embeddings: &[Option<&[f32]>], dim: usize, positive: &[usize]) {
    let t = Instant::now();
    let corpus = Corpus::new(texts, embeddings, dim);
    let features = t.elapsed().as_secs_f64();
    let signals = Signals {
        positive: positive.to_vec(),
        negative: Vec::new(),
    };
    let t = Instant::now();
    let model = corpus.train(&signals);
    let training = t.elapsed().as_secs_f64();
    let candidates: Vec<usize> = (0..corpus.len())
        .filter(|i| !positive.contains(i))
        .collect();
    let t = Instant::now();
    let ranked = corpus.rank(&model, &signals, &candidates, 20, texts);
    let ranking = t.elapsed().as_secs_f64();
    assert_eq!(ranked.len(), 20);
    println!(
        "  at {} papers: features {:.0} ms, training {:.0} ms ({} passes), ranking and reasons for the top 20 {:.0} ms",
        corpus.len(),
        features * 1e3,
        training * 1e3,
        model.passes,
        ranking * 1e3
    );
}

/// A look at `n` papers: the 74,715 real papers of the all-cs corpus
/// (../shared/data/corpus, 2025-03 to 2026-07), then the 10k sample's
/// papers it lacks, then copies of the sample under new ids up to `n`
/// (exact copies are the hard case for the learner: a liked paper's copy
/// is background). Seeded random unit vectors: the cost does not depend on
/// their values.
fn at_scale(n: usize) {
    use std::io::BufRead;
    let dir = tempfile::tempdir().expect("temp dir");
    let mut lib = Library::open(&dir.path().join("library.sqlite3")).expect("library");
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../shared/data/corpus/arxiv_cs_2025-03_to_2026-07_all.jsonl.gz");
    let file = std::fs::File::open(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let reader = std::io::BufReader::new(flate2::read::GzDecoder::new(file));
    let mut papers: Vec<Incoming> = Vec::new();
    let mut seen = HashSet::new();
    for line in reader.lines().map_while(Result::ok) {
        let Ok(r) = serde_json::from_str::<serde_json::Value>(&line) else {
            continue;
        };
        let id = r["id"].as_str().unwrap_or("").to_string();
        if papers.len() >= n || !seen.insert(id.clone()) {
            continue;
        }
        papers.push(Incoming::from(Paper {
            id,
            version: Some(1),
            title: r["title"].as_str().unwrap_or("").to_string(),
            abstract_text: r["abstract"].as_str().unwrap_or("").to_string(),
            ..Paper::default()
        }));
    }
    let real = papers.len();
    for r in corpus() {
        if papers.len() < n && seen.insert(r.id.clone()) {
            papers.push(Incoming::from(Paper {
                id: r.id,
                version: Some(1),
                title: r.title,
                abstract_text: r.abstract_text,
                ..Paper::default()
            }));
        }
    }
    let distinct = papers.len();
    papers.extend(support::sample_papers(n.saturating_sub(papers.len()), 0));
    println!(
        "{n} papers: {real} from the all-cs corpus, {} more from the sample, {} copies of sample papers",
        distinct - real,
        papers.len() - distinct
    );
    for chunk in papers.chunks(5000) {
        lib.upsert(chunk, "bench", Merge::Refresh).expect("papers");
    }
    let pending = lib.pending_embeddings(MODEL).expect("pending");
    let mut seed = 11u64;
    for chunk in pending.chunks(5000) {
        let items: Vec<_> = chunk
            .iter()
            .map(|p| (p, support::random_unit(&mut seed, 384)))
            .collect();
        lib.store_embeddings(MODEL, &items).expect("store");
    }
    let papers = lib.feed_papers().expect("papers");
    for p in papers.iter().step_by(n / LIKED).take(LIKED) {
        lib.tag(&p.id, &[TAG.to_string()]).expect("tag");
    }
    let mut times = Vec::new();
    for _ in 0..3 {
        let t = Instant::now();
        let result = tagged_look(&lib);
        times.push(t.elapsed().as_secs_f64());
        assert_eq!(result.items.len(), TOP);
    }
    println!(
        "a look at {n} papers (`feed::look`, median of 3): {:.0} ms",
        median(times) * 1e3
    );
    let vectors = lib.load_vectors(MODEL).expect("vectors");
    let embeddings = feed::embeddings_of(&papers, &vectors);
    let texts = feed::texts_of(&papers);
    let positive: Vec<usize> = (0..n).step_by(n / LIKED).take(LIKED).collect();
    timing_split(&texts, &embeddings, 384, &positive);
}
