//! Search, related papers, embeddings, models and the benchmark from the
//! command line, with a tiny random model built here (fast) and, where it
//! is installed, the real one.

use crate::support::{Home, MockArxiv, Reply};
use litradar::embed::tiny::{self, TinyPooling};
use std::path::PathBuf;

fn starter(home: &Home) {
    home.run(&[
        "import",
        concat!(env!("CARGO_MANIFEST_DIR"), "/papers/starter.atom"),
    ])
    .ok();
}

fn json(home: &Home, args: &[&str]) -> serde_json::Value {
    let run = home.run(args);
    serde_json::from_str(&run.ok().stdout()).expect("JSON output")
}

/// A home whose configured model is a tiny random BERT.
fn home_with_tiny_model(pooling: TinyPooling) -> Home {
    let home = Home::new();
    let dir = home.path().join("tiny-model");
    tiny::write(&dir, pooling, 11).expect("tiny model");
    home.config(&format!("[embed]\nmodel = \"{}\"\n", dir.display()));
    home
}

#[test]
fn words_work_without_a_model_and_the_hint_comes_once() {
    let home = Home::new();
    let import = home.run(&[
        "import",
        concat!(env!("CARGO_MANIFEST_DIR"), "/papers/starter.atom"),
    ]);
    assert!(
        import
            .ok()
            .stderr()
            .contains("Run `litradar model fetch` once"),
        "{}",
        import.stderr()
    );
    let first = home.run(&["search", "low-rank adaptation"]);
    assert!(
        !first.ok().stderr().contains("model fetch"),
        "told once: {}",
        first.stderr()
    );
    assert!(
        first.stdout().starts_with(" 1. 2106.09685v2 2021 LoRA"),
        "{}",
        first.stdout()
    );
    assert!(
        first.stdout().contains("words #1: low, rank, adaptation"),
        "{}",
        first.stdout()
    );
    let second = home.run(&["search", "attention"]);
    assert!(!second.ok().stderr().contains("model fetch"), "told once");
    let hits = json(
        &home,
        &["search", "flashattention", "--json", "--limit", "3"],
    );
    let first_hit = &hits[0];
    assert_eq!(first_hit["rank"], 1);
    assert!(first_hit["lexical"]["rank"].is_u64() && first_hit["lexical"]["bm25"].is_f64());
    assert!(first_hit["semantic"].is_null());
    assert!(
        first_hit["title"]
            .as_str()
            .is_some_and(|t| t.starts_with("FlashAttention"))
    );
    assert!(first_hit["snippet"].is_string() && first_hit["highlights"].is_array());
    let err = home.run(&["search", "x", "--mode", "semantic"]).fails(1);
    assert!(err.contains("litradar model fetch"), "{err}");
    let err = home.run(&["related", "2106.09685"]).fails(1);
    assert!(err.contains("litradar model fetch"), "{err}");
    let bad = home.run(&["search", "x", "--reading", "someday"]).fails(2);
    assert!(bad.contains("possible values"), "{bad}");
}

#[test]
fn filters_reach_the_search() {
    let home = Home::new();
    starter(&home);
    home.run(&["tag", "2106.09685", "peft"]).ok();
    home.run(&["read", "2106.09685", "done"]).ok();
    let ids = |args: &[&str]| -> Vec<String> {
        let mut full = vec!["search", "--json", "--limit", "50"];
        full.extend_from_slice(args);
        json(&home, &full)
            .as_array()
            .expect("array")
            .iter()
            .map(|h| h["id"].as_str().unwrap_or("").to_string())
            .collect()
    };
    assert_eq!(ids(&["models", "--tag", "peft"]), ["2106.09685"]);
    assert_eq!(ids(&["models", "--reading", "skimmed"]), ["2106.09685"]);
    let cv = ids(&["image", "--category", "cs.CV"]);
    assert!(
        !cv.is_empty()
            && cv.iter().all(
                |id| ["1512.03385", "2112.10752", "1710.05941", "1502.01852"]
                    .contains(&id.as_str())
            ),
        "{cv:?}"
    );
    let years = ids(&["language", "--from-year", "2023", "--to-year", "2023"]);
    assert!(
        !years.is_empty() && years.iter().all(|id| id.starts_with("23")),
        "{years:?}"
    );
}

#[test]
fn the_index_is_rebuilt_when_lost_or_corrupt() {
    let home = Home::new();
    starter(&home);
    home.run(&["search", "attention"]).ok();
    let index = home.path().join("index");
    std::fs::remove_dir_all(&index).expect("delete the index");
    let run = home.run(&["search", "attention", "--json"]);
    assert!(
        run.ok()
            .stderr()
            .contains("Built the full-text index (29 papers)"),
        "{}",
        run.stderr()
    );
    std::fs::write(index.join("meta.json"), "garbage").expect("corrupt");
    let run = home.run(&["search", "attention"]);
    assert!(run.ok().stdout().contains("Attention Is All You Need"));
    let run = home.run(&["reindex"]);
    assert!(
        run.ok()
            .stderr()
            .contains("Rebuilt the full-text index: 29 papers"),
        "{}",
        run.stderr()
    );
    // The library changed by hand still reaches the index.
    home.run(&["remove", "1706.03762"]).ok();
    let hits = json(
        &home,
        &["search", "\"attention is all you need\"", "--json"],
    );
    assert!(
        hits.as_array()
            .expect("array")
            .iter()
            .all(|h| h["id"] != "1706.03762")
    );
}

#[test]
fn meaning_with_the_tiny_model_incremental_embedding_and_related() {
    let home = home_with_tiny_model(TinyPooling::Mean);
    let run = home.run(&[
        "import",
        concat!(env!("CARGO_MANIFEST_DIR"), "/papers/starter.atom"),
    ]);
    assert!(
        run.ok()
            .stderr()
            .contains("Embedded 29 papers with tiny-model on cpu"),
        "{}",
        run.stderr()
    );
    let pending = home.run(&["embed", "--pending"]);
    assert!(
        pending
            .ok()
            .stderr()
            .contains("already has a current tiny-model vector"),
        "{}",
        pending.stderr()
    );
    // One new paper: exactly one is embedded.
    let file = home.path().join("one.jsonl");
    std::fs::write(&file, r#"{"id": "2402.09353", "title": "DoRA: Weight-Decomposed Low-Rank Adaptation", "abstract": "Magnitude and direction."}"#)
        .expect("write");
    let run = home.run(&["import", file.to_str().expect("utf-8")]);
    assert!(
        run.ok().stderr().contains("Embedded 1 papers"),
        "{}",
        run.stderr()
    );
    let hits = json(
        &home,
        &[
            "search",
            "low rank adaptation",
            "--mode",
            "semantic",
            "--json",
            "--limit",
            "5",
        ],
    );
    let hits = hits.as_array().expect("array");
    assert_eq!(hits.len(), 5);
    for (i, h) in hits.iter().enumerate() {
        assert_eq!(h["semantic"]["rank"], i + 1);
        assert!(h["lexical"].is_null());
    }
    let hybrid = json(&home, &["search", "low rank adaptation", "--json"]);
    assert!(
        hybrid
            .as_array()
            .expect("array")
            .iter()
            .any(|h| !h["lexical"].is_null() && !h["semantic"].is_null())
    );
    let related = json(&home, &["related", "hu2021lora", "--json", "--limit", "3"]);
    let related = related.as_array().expect("array");
    assert_eq!(related.len(), 3);
    assert!(related.iter().all(|h| h["id"] != "2106.09685"));
    // --no-embed leaves new papers for later.
    let file = home.path().join("two.jsonl");
    std::fs::write(&file, r#"{"id": "2401.00001", "title": "Another paper"}"#).expect("write");
    let run = home.run(&["--no-embed", "import", file.to_str().expect("utf-8")]);
    assert!(!run.ok().stderr().contains("Embedded"));
    assert!(
        home.run(&["embed", "--pending"])
            .ok()
            .stderr()
            .contains("Embedded 1 papers")
    );
}

#[test]
fn embed_prints_vectors_and_applies_the_query_prompt() {
    let home = home_with_tiny_model(TinyPooling::Cls);
    let out = json(&home, &["embed", "attention", "", "--json"]);
    let items = out.as_array().expect("array");
    assert_eq!(items.len(), 2);
    assert_eq!(items[0]["text"], "attention");
    let v: Vec<f64> = items[0]["embedding"]
        .as_array()
        .expect("vector")
        .iter()
        .filter_map(|x| x.as_f64())
        .collect();
    assert_eq!(v.len(), 32);
    assert!((v.iter().map(|x| x * x).sum::<f64>() - 1.0).abs() < 1e-4);
    let query = json(&home, &["embed", "attention", "--query", "--json"]);
    assert_ne!(
        query[0]["embedding"], items[0]["embedding"],
        "the query prompt changes the vector"
    );
    let prefixed = json(&home, &["embed", "query: attention", "--json"]);
    assert_eq!(query[0]["embedding"], prefixed[0]["embedding"]);
    let plain = home.run(&["embed", "attention"]).ok().stdout();
    assert_eq!(plain.split_whitespace().count(), 32);
    let info = json(&home, &["model", "info", "--json"]);
    assert_eq!(
        (info["dim"].as_u64(), info["pooling"].as_str()),
        (Some(32), Some("cls"))
    );
    assert_eq!(info["query_prefix"], "query: ");
    assert_eq!(info["device"], "cpu");
}

#[test]
fn a_broken_or_missing_model_says_how_to_fix_it() {
    let home = home_with_tiny_model(TinyPooling::Mean);
    let weights = home.path().join("tiny-model/model.safetensors");
    std::fs::write(&weights, b"not safetensors").expect("corrupt");
    let err = home.run(&["embed", "x"]).fails(1);
    assert!(
        err.contains("model.safetensors") && err.contains("litradar model fetch"),
        "{err}"
    );
    let bare = Home::new();
    let err = bare.run(&["embed", "--pending"]).fails(1);
    assert!(
        err.contains("litradar model fetch all-MiniLM-L6-v2"),
        "{err}"
    );
    let err = bare.run(&["--device", "tpu", "embed", "x"]).fails(2);
    assert!(err.contains("not a device"), "{err}");
    let err = bare.run(&["--device", "cuda", "model", "info"]);
    assert!(
        err.stderr().contains("litradar model fetch") || err.stderr().contains("--features cuda")
    );
    let list = json(&bare, &["model", "list", "--json"]);
    assert_eq!(list[0]["name"], "all-MiniLM-L6-v2");
    assert_eq!(list[0]["installed"], false);
    assert_eq!(list[0]["default"], true);
    let err = bare.run(&["model", "fetch", "no-such-model"]).fails(2);
    assert!(
        err.contains("known models are all-MiniLM-L6-v2, bge-small-en-v1.5"),
        "{err}"
    );
}

/// Serves files the way the Hugging Face hub does (range requests, ETag,
/// X-Repo-Commit), from a map of file name to bytes.
fn mock_hub(files: Vec<(String, Vec<u8>)>) -> MockArxiv {
    MockArxiv::start(move |req, _| {
        let Some((_, name)) = req.path.split_once("/resolve/main/") else {
            return Reply::Body(404, "no".into());
        };
        let Some((_, bytes)) = files.iter().find(|(n, _)| n == name) else {
            return Reply::Raw(404, vec![], b"Entry not found".to_vec());
        };
        let start: usize = req
            .headers
            .get("range")
            .and_then(|r| r.strip_prefix("bytes="))
            .and_then(|r| r.split('-').next())
            .and_then(|s| s.parse().ok())
            .unwrap_or(0);
        let end = if req.headers.get("range").is_some_and(|r| r.ends_with("-0")) {
            1
        } else {
            bytes.len()
        };
        let body = bytes.get(start..end.max(start)).unwrap_or(&[]).to_vec();
        let headers = vec![
            (
                "ETag".to_string(),
                format!("\"{}-{}\"", name.replace('/', "_"), bytes.len()),
            ),
            ("X-Repo-Commit".to_string(), "0123456789abcdef".to_string()),
            (
                "Content-Range".to_string(),
                format!("bytes {start}-{}/{}", end.max(start + 1) - 1, bytes.len()),
            ),
        ];
        Reply::Raw(206, headers, body)
    })
}

#[test]
fn a_hub_download_with_the_wrong_checksum_installs_nothing() {
    let home = Home::new();
    let hub = mock_hub(vec![
        ("config.json".into(), b"{}".to_vec()),
        ("tokenizer.json".into(), b"{}".to_vec()),
        ("model.safetensors".into(), b"not the real weights".to_vec()),
    ]);
    let endpoint = hub.url().trim_end_matches("/api/query").to_string();
    let run = home.run_with(&["model", "fetch"], &[("HF_ENDPOINT", &endpoint)], None);
    let err = run.fails(1);
    assert!(
        err.contains("has sha256") && err.contains(", expected "),
        "{err}"
    );
    assert!(err.contains("nothing was installed"), "{err}");
    assert!(!home.path().join("models/all-MiniLM-L6-v2").exists());
    assert!(hub.requests().iter().any(|r| {
        r.path
            .ends_with("/sentence-transformers/all-MiniLM-L6-v2/resolve/main/config.json")
    }));
}

fn real_model() -> Option<PathBuf> {
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
        "the real model is required here"
    );
    None
}

#[test]
fn the_hub_is_used_when_reachable_and_checksums_pass() {
    let Some(real) = real_model() else { return };
    let mut files = Vec::new();
    for name in [
        "config.json",
        "tokenizer.json",
        "model.safetensors",
        "modules.json",
        "1_Pooling/config.json",
        "sentence_bert_config.json",
    ] {
        files.push((
            name.to_string(),
            std::fs::read(real.join(name)).expect("model file"),
        ));
    }
    let hub = mock_hub(files);
    let endpoint = hub.url().trim_end_matches("/api/query").to_string();
    let home = Home::new();
    let run = home.run_with(&["model", "fetch"], &[("HF_ENDPOINT", &endpoint)], None);
    assert!(
        run.ok()
            .stderr()
            .contains("from the Hugging Face hub (sentence-transformers/all-MiniLM-L6-v2)"),
        "{}",
        run.stderr()
    );
    let installed = home.path().join("models/all-MiniLM-L6-v2");
    for f in [
        "config.json",
        "tokenizer.json",
        "model.safetensors",
        "1_Pooling/config.json",
        "litradar-model.json",
    ] {
        assert!(installed.join(f).is_file(), "{f}");
    }
    let info = json(&home, &["model", "info", "--verify", "--json"]);
    assert_eq!(info["verified"], true);
}

#[test]
fn the_real_model_finds_papers_by_meaning() {
    let Some(real) = real_model() else { return };
    let home = Home::new();
    home.config(&format!("[embed]\nmodel = \"{}\"\n", real.display()));
    let run = home.run(&["demo", "--json"]);
    run.ok();
    let demo = home.path().join("demo");
    let demo_home = demo.to_str().expect("utf-8");
    let hits = json(
        &home,
        &[
            "--home",
            demo_home,
            "search",
            "parameter-efficient fine-tuning",
            "--mode",
            "semantic",
            "--json",
            "--limit",
            "3",
        ],
    );
    let ids: Vec<&str> = hits
        .as_array()
        .expect("array")
        .iter()
        .filter_map(|h| h["id"].as_str())
        .collect();
    let peft = ["2106.09685", "2303.10512", "2305.14314"];
    assert!(
        ids.iter().filter(|id| peft.contains(id)).count() >= 2,
        "{ids:?}"
    );
    let related = json(
        &home,
        &[
            "--home",
            demo_home,
            "related",
            "2205.14135",
            "--json",
            "--limit",
            "1",
        ],
    );
    assert_eq!(
        related[0]["id"], "2307.08691",
        "FlashAttention's nearest is FlashAttention-2"
    );
}

#[test]
fn eval_runs_a_beir_benchmark_in_a_throwaway_home() {
    let home = Home::new();
    let beir = home.path().join("beir");
    std::fs::create_dir_all(beir.join("qrels")).expect("dir");
    std::fs::write(
        beir.join("corpus.jsonl"),
        [
            r#"{"_id": "d1", "title": "Low-rank adaptation", "text": "Frozen weights plus trainable rank decomposition matrices."}"#,
            r#"{"_id": "d2", "title": "Attention", "text": "Transformers rely on self-attention over tokens."}"#,
            r#"{"_id": "d3", "title": "Residual networks", "text": "Identity shortcuts ease the training of deep networks."}"#,
        ]
        .join("\n"),
    )
    .expect("corpus");
    std::fs::write(
        beir.join("queries.jsonl"),
        "{\"_id\": \"q1\", \"text\": \"rank decomposition (LoRA)?\"}\n{\"_id\": \"q2\", \"text\": \"deep networks: shortcuts\"}\n",
    )
    .expect("queries");
    std::fs::write(
        beir.join("qrels/test.tsv"),
        "query-id\tcorpus-id\tscore\nq1\td1\t1\nq2\td3\t1\n",
    )
    .expect("qrels");
    let report = json(&home, &["eval", beir.to_str().expect("utf-8"), "--json"]);
    assert_eq!(report["split"], "test");
    assert_eq!(report["queries"], 2);
    assert_eq!(report["modes"]["lexical"]["ndcg@10"], 1.0);
    assert_eq!(report["modes"]["lexical"]["recall@100"], 1.0);
    assert!(
        report["modes"]["semantic"].is_null(),
        "no model: words only"
    );
    let tiny = home_with_tiny_model(TinyPooling::Mean);
    let report = json(&tiny, &["eval", beir.to_str().expect("utf-8"), "--json"]);
    for mode in ["lexical", "semantic", "hybrid"] {
        let ndcg = report["modes"][mode]["ndcg@10"].as_f64().expect("score");
        assert!((0.0..=1.0).contains(&ndcg), "{mode}: {ndcg}");
    }
    // Every fusion variant on the same two rankings, best first, the default marked.
    let variants = json(
        &tiny,
        &["eval", beir.to_str().expect("utf-8"), "--fusion", "--json"],
    );
    let variants = variants.as_array().expect("variants");
    assert_eq!(variants.len(), 53);
    assert_eq!(variants.iter().filter(|v| v["default"] == true).count(), 1);
    assert!(
        variants
            .iter()
            .any(|v| v["fusion"] == "convex minmax a=0.40" && v["default"] == true)
    );
    let scores: Vec<f64> = variants
        .iter()
        .map(|v| v["scores"]["ndcg@10"].as_f64().expect("score"))
        .collect();
    assert!(
        scores.windows(2).all(|w| w[0] >= w[1]),
        "best first: {scores:?}"
    );
    let err = home
        .run(&["eval", beir.to_str().expect("utf-8"), "--fusion"])
        .fails(1);
    assert!(err.contains("model"), "the study needs meaning: {err}");
    let err = home
        .run(&["eval", beir.to_str().expect("utf-8"), "--split", "dev"])
        .fails(1);
    assert!(err.contains("qrels/dev.tsv"), "{err}");
    assert!(
        !std::env::temp_dir()
            .join(format!("litradar-eval-{}", std::process::id()))
            .exists()
    );
}
