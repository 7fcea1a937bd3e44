//! The papers' own text, measured:
//! 1. extraction time per paper per source (network excluded), on the real
//!    papers of tests/fixtures/fulltext, with what each extraction found
//!    (sections, captions found against those the paper has, the
//!    conclusion's first words);
//! 2. passage embedding throughput with the real model;
//! 3. search at 100,000 papers of which 2,000 have full text (about 40
//!    passages each, vectors precomputed as seeded random unit vectors: the
//!    scan's cost does not depend on their values), with the real model
//!    for query vectors; p50/p90 per mode and the peak memory of the
//!    searching process.
//!
//! Run: `cargo bench --bench fulltext` (model from $LITRADAR_MODEL_DIR or
//! models/all-MiniLM-L6-v2; PAPERS=N and TEXTS=N change the sizes; pdftotext
//! from poppler-utils for the PDF rows).

use litradar::embed::Embedder;
use litradar::fulltext::archive::{Eprint, Limits, unpack};
use litradar::fulltext::document::{Document, Section, Source};
use litradar::fulltext::pdf::{PdfTools, layout, structure};
use litradar::fulltext::store::PendingPassage;
use litradar::library::{Library, Merge};
use litradar::search::{Filters, Mode, Searcher, Semantic, TextIndex, Within};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

mod support;
use support::{random_unit, sample_papers};

#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// Each fixture, its source, and how many figure and table captions the
/// paper itself has (counted by reading the paper: numbered figures and
/// tables, not panels of a figure).
const FIXTURES: &[(&str, Source, usize)] = &[
    ("2501.11120v1.html", Source::Html, 83),
    ("2004.14974.gz", Source::Latex, 15),
    ("1911.02782.gz", Source::Latex, 13),
    ("upload4.gz", Source::Latex, 0),
    ("1706.03762v7.pdf", Source::Pdf, 9),
    ("2302.07302v1.pdf", Source::Pdf, 10),
    ("0908.0054v1.pdf", Source::Pdf, 6),
    ("2020.acl-main.207.pdf", Source::Pdf, 5),
    ("N18-3011.pdf", Source::Pdf, 5),
];

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
    let docs = extraction();
    let model = Embedder::load(
        &model_dir(),
        "all-MiniLM-L6-v2",
        None,
        &candle_core::Device::Cpu,
    )
    .expect("model (litradar model fetch)");
    passage_embedding(&model, &docs);
    drop(model);
    let papers: usize = env_or("PAPERS", 100_000);
    let texts: usize = env_or("TEXTS", 2_000);
    let dir = tempfile::tempdir().expect("temp dir");
    let t = Instant::now();
    let passages = build(dir.path(), papers, texts);
    if let Some(keep) = std::env::var_os("KEEP") {
        // For profiling: keep the library and search it again with `--search-in KEEP`.
        let _ = std::fs::remove_dir_all(&keep);
        std::fs::rename(dir.path(), &keep).expect("keep");
        std::fs::create_dir_all(dir.path()).expect("recreate");
        println!("kept the library in {}", Path::new(&keep).display());
        return;
    }
    println!(
        "built {papers} papers, {texts} with full text ({passages} passages), vectors and index in {:.1} s",
        t.elapsed().as_secs_f64()
    );
    let status = std::process::Command::new(std::env::current_exe().expect("exe"))
        .arg("--search-in")
        .arg(dir.path())
        .status()
        .expect("search phase");
    assert!(status.success());
}

fn env_or(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

fn model_dir() -> PathBuf {
    std::env::var_os("LITRADAR_MODEL_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("models/all-MiniLM-L6-v2")
        })
}

fn fixture(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/fulltext")
        .join(name)
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

fn percentile(mut v: Vec<f64>, p: f64) -> f64 {
    v.sort_by(|a, b| a.total_cmp(b));
    v[((v.len() - 1) as f64 * p).round() as usize]
}

/// Times each fixture's extraction (median of 5, after one warm-up) and
/// prints what it found; returns the documents.
fn extraction() -> Vec<Document> {
    let tools = PdfTools::detect("pdftotext", Duration::from_secs(60));
    println!(
        "extraction (median of 5; reading the file, unpacking and parsing; no network)  PDF reader: {}",
        tools.describe()
    );
    println!(
        "| fixture | source | time | sections | captions found / in the paper | equations | references | the conclusion begins |"
    );
    println!("|---|---|---|---|---|---|---|---|");
    let mut docs = Vec::new();
    for (name, source, present) in FIXTURES {
        if *source == Source::Pdf && tools.pdftotext.is_none() {
            println!("| {name} | pdf | (pdftotext not installed) | | | | | |");
            continue;
        }
        let path = fixture(name);
        let run = || -> Document {
            let bytes = std::fs::read(&path).expect("fixture");
            match source {
                Source::Html => litradar::fulltext::html::extract(&String::from_utf8_lossy(&bytes))
                    .expect("html"),
                Source::Latex => match unpack(&bytes, &Limits::default()).expect("unpack") {
                    Eprint::Source(files) => {
                        litradar::fulltext::latex::extract(&files)
                            .expect("latex")
                            .document
                    }
                    Eprint::Pdf(_) => panic!("{name} is a PDF"),
                },
                Source::Pdf => {
                    litradar::fulltext::pdf::extract_file(&path, &tools)
                        .expect("pdf")
                        .document
                }
            }
        };
        run();
        let mut times = Vec::new();
        let mut doc = Document::default();
        for _ in 0..5 {
            let t = Instant::now();
            doc = run();
            times.push(t.elapsed().as_secs_f64() * 1e3);
        }
        let conclusion = litradar::fulltext::skim::conclusion(&doc)
            .map(|c| {
                let words: Vec<&str> = c.text.split_whitespace().take(8).collect();
                format!("{}: “{}…”", c.heading, words.join(" "))
            })
            .unwrap_or_else(|| "(none)".into());
        println!(
            "| {name} | {source} | {:.0} ms | {} | {} / {present} | {} | {} | {conclusion} |",
            median(times),
            doc.sections.len(),
            doc.captions.len(),
            doc.equations.len(),
            doc.references.len(),
        );
        docs.push(doc);
    }
    // The built-in reader (pdf-extract plus the same structuring), in
    // process here; litradar runs it as a child when pdftotext is missing.
    for (name, source, present) in FIXTURES {
        if *source != Source::Pdf {
            continue;
        }
        let bytes = std::fs::read(fixture(name)).expect("fixture");
        let t = Instant::now();
        let text = litradar::fulltext::pdf::builtin_text(&bytes);
        let doc = text
            .map(|t| structure::structure(&layout::from_text(&t)))
            .unwrap_or_default();
        println!(
            "| {name} | pdf (built-in reader) | {:.0} ms | {} | {} / {present} | 0 | {} | |",
            t.elapsed().as_secs_f64() * 1e3,
            doc.sections.len(),
            doc.captions.len(),
            doc.references.len()
        );
    }
    docs
}

/// Passages of the fixture papers embedded with the real model, batch 32.
fn passage_embedding(model: &Embedder, docs: &[Document]) {
    let mut texts = Vec::new();
    for doc in docs {
        for p in litradar::fulltext::passages::passages(doc) {
            texts.push(litradar::fulltext::store::passage_text(&p, doc));
        }
    }
    let refs: Vec<&str> = texts.iter().map(String::as_str).collect();
    model
        .embed(&refs[..refs.len().min(32)], 32, &mut |_| {})
        .expect("warm-up");
    let mut rates = Vec::new();
    for _ in 0..3 {
        let t = Instant::now();
        model.embed(&refs, 32, &mut |_| {}).expect("embed");
        rates.push(refs.len() as f64 / t.elapsed().as_secs_f64());
    }
    let words: usize = texts.iter().map(|t| t.split_whitespace().count()).sum();
    println!(
        "passage embedding: {} passages of the fixture papers (mean {} words), batch 32: {:.1} passages/s (median of 3: {:?})",
        texts.len(),
        words / texts.len().max(1),
        median(rates.clone()),
        rates.iter().map(|r| format!("{r:.1}")).collect::<Vec<_>>()
    );
}

/// A document made of real abstracts: 8 sections of 5 abstracts each.
fn synthetic_document(abstracts: &[String], start: usize) -> Document {
    let sections = (0..8)
        .map(|s| Section {
            number: Some((s + 1).to_string()),
            heading: [
                "Introduction",
                "Related Work",
                "Method",
                "Model",
                "Experiments",
                "Results",
                "Analysis",
                "Conclusion",
            ][s]
                .into(),
            level: 1,
            paragraphs: (0..5)
                .map(|p| abstracts[(start + s * 5 + p) % abstracts.len()].clone())
                .collect(),
            ..Section::default()
        })
        .collect();
    Document {
        sections,
        ..Document::default()
    }
}

/// The library: `papers` real abstracts, `texts` of them with a document
/// (other papers' abstracts as its sections), every vector stored.
fn build(dir: &Path, papers: usize, texts: usize) -> usize {
    let mut lib = Library::open(&dir.join("library.sqlite3")).expect("library");
    let sample = sample_papers(papers, 0);
    for chunk in sample.chunks(5000) {
        lib.upsert(chunk, "bench", Merge::Refresh).expect("papers");
    }
    let abstracts: Vec<String> = sample
        .iter()
        .take(10_000)
        .map(|p| p.paper.abstract_text.clone())
        .collect();
    for (i, p) in sample.iter().take(texts).enumerate() {
        let doc = synthetic_document(&abstracts, i * 7);
        lib.store_fulltext(&p.paper.id, 1, Source::Latex, "bench", &doc, &[])
            .expect("text");
    }
    let model = "all-MiniLM-L6-v2";
    let mut seed = 7u64;
    let pending = lib.pending_embeddings(model).expect("pending");
    for chunk in pending.chunks(5000) {
        let items: Vec<_> = chunk
            .iter()
            .map(|p| (p, random_unit(&mut seed, 384)))
            .collect();
        lib.store_embeddings(model, &items).expect("vectors");
    }
    let passages = lib.pending_passages(model).expect("passages");
    let n = passages.len();
    for chunk in passages.chunks(5000) {
        let items: Vec<(&PendingPassage, Vec<f32>)> = chunk
            .iter()
            .map(|p| (p, random_unit(&mut seed, 384)))
            .collect();
        lib.store_passage_embeddings(model, &items)
            .expect("passage vectors");
    }
    TextIndex::rebuild(&dir.join("index"), &lib).expect("index");
    n
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
    let lib = Library::open(&dir.join("library.sqlite3")).expect("library");
    let model = Embedder::load(
        &model_dir(),
        "all-MiniLM-L6-v2",
        None,
        &candle_core::Device::Cpu,
    )
    .expect("model");
    let (index, rebuilt) = TextIndex::open(&dir.join("index"), &lib).expect("index");
    assert!(!rebuilt);
    let semantic = Semantic::load(&lib, &model).expect("vectors");
    println!(
        "search process: {} paper vectors, {} passage vectors; after loading: peak {:.0} MB",
        semantic.vectors.len(),
        semantic.passages.as_ref().map_or(0, |p| p.len()),
        peak_rss_mb()
    );
    // The parts: word ranking alone, the two vector scans alone.
    let mut words_all = Vec::new();
    let mut words_abs = Vec::new();
    for _ in 0..3 {
        for q in QUERIES {
            let t = Instant::now();
            index
                .search_in(q, Within::All, &Filters::default(), 100)
                .expect("words");
            words_all.push(t.elapsed().as_secs_f64() * 1e3);
            let t = Instant::now();
            index
                .search_in(q, Within::Abstracts, &Filters::default(), 100)
                .expect("words");
            words_abs.push(t.elapsed().as_secs_f64() * 1e3);
        }
    }
    let q = model.embed_query(QUERIES[0]).expect("query");
    let mut scan_papers = Vec::new();
    let mut scan_passages = Vec::new();
    let passages = semantic.passages.as_ref().expect("passages");
    for _ in 0..30 {
        let t = Instant::now();
        semantic.vectors.top_k(&q, 100, &|_| true);
        scan_papers.push(t.elapsed().as_secs_f64() * 1e3);
        let t = Instant::now();
        passages.nearest_papers(&q, 200, &|_| true);
        scan_passages.push(t.elapsed().as_secs_f64() * 1e3);
    }
    // A hit ranked by a passage shows that passage: its text comes from
    // the word index.
    let mut lookups = Vec::new();
    for (id, seq, _) in passages.nearest_papers(&q, 10, &|_| true) {
        let t = Instant::now();
        index.passage(&id, seq).expect("passage");
        lookups.push(t.elapsed().as_secs_f64() * 1e3);
    }
    let mut embeds = Vec::new();
    for q in QUERIES {
        let t = Instant::now();
        model.embed_query(q).expect("query");
        embeds.push(t.elapsed().as_secs_f64() * 1e3);
    }
    println!(
        "parts, p50: words top 100 with bodies {:.2} ms, without {:.2} ms; paper scan {:.2} ms; passage scan (top 200) {:.2} ms; one passage's text {:.2} ms; query embedding {:.2} ms",
        percentile(words_all, 0.5),
        percentile(words_abs, 0.5),
        percentile(scan_papers, 0.5),
        percentile(scan_passages, 0.5),
        percentile(lookups, 0.5),
        percentile(embeds, 0.5)
    );
    let searcher = Searcher::new(&lib, &index, Some(&semantic));
    for (mode, within) in [
        (Mode::Lexical, Within::Abstracts),
        (Mode::Lexical, Within::All),
        (Mode::Semantic, Within::All),
        (Mode::Hybrid, Within::All),
        (Mode::Hybrid, Within::Abstracts),
    ] {
        let mut times = Vec::new();
        let mut with_passage = 0;
        for round in 0..3 {
            for q in QUERIES {
                let t = Instant::now();
                let hits = searcher
                    .search_in(q, mode, within, &Filters::default(), 10)
                    .expect("search");
                if round > 0 {
                    times.push(t.elapsed().as_secs_f64() * 1e3);
                    with_passage += hits.iter().filter(|h| h.passage.is_some()).count();
                }
                assert!(!hits.is_empty());
            }
        }
        println!(
            "{:<9} --in {:<9} top 10: p50 {:.2} ms, p90 {:.2} ms ({} hits with a passage)",
            litradar::search::eval::mode_name(mode),
            format!("{within:?}").to_lowercase(),
            percentile(times.clone(), 0.5),
            percentile(times, 0.9),
            with_passage
        );
    }
    println!(
        "peak RSS of the search process: {:.0} MB (now: {:.0} MB anonymous, {:.0} MB mapped files such as the index)",
        peak_rss_mb(),
        status_mb("RssAnon:"),
        status_mb("RssFile:")
    );
}

fn status_mb(key: &str) -> f64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines().find(|l| l.starts_with(key)).and_then(|l| {
                l.split_whitespace()
                    .nth(1)
                    .and_then(|kb| kb.parse::<f64>().ok())
            })
        })
        .map_or(0.0, |kb| kb / 1024.0)
}
