use super::*;
use crate::embed::tiny::{self, TinyPooling};
use crate::reading::Pass;

fn library() -> Library {
    let mut lib = Library::open_in_memory().expect("library");
    crate::starter::load(&mut lib).expect("starter");
    lib
}

fn ids(hits: &[SearchHit]) -> Vec<&str> {
    hits.iter().map(|h| h.id.as_str()).collect()
}

#[test]
fn words_find_papers_with_why_and_a_snippet() {
    let lib = library();
    let dir = tempfile::tempdir().expect("dir");
    let (index, rebuilt) = TextIndex::open(dir.path(), &lib).expect("index");
    assert!(rebuilt, "a missing index is built");
    assert_eq!(index.len(), 29);
    let searcher = Searcher::new(&lib, &index, None);
    let hits = searcher
        .search("low-rank adaptation", Mode::Lexical, &Filters::default(), 5)
        .expect("search");
    assert_eq!(hits[0].id, "2106.09685", "LoRA first: {:?}", ids(&hits));
    assert!(
        hits[0].matched.contains(&"adaptation".to_string()),
        "{:?}",
        hits[0].matched
    );
    assert!(
        hits[0]
            .lexical
            .is_some_and(|(rank, score)| rank == 1 && score > 0.0)
    );
    assert!(!hits[0].snippet.is_empty());
    for (start, end) in &hits[0].highlights {
        let word = hits[0].snippet[*start..*end].to_lowercase();
        // Stemmed: "adaptation" also matches "adapters".
        assert!(
            ["low", "rank", "adapt"]
                .iter()
                .any(|stem| word.starts_with(stem)),
            "{word}"
        );
    }
    // Hybrid without a model is lexical.
    let hybrid = searcher
        .search("low-rank adaptation", Mode::Hybrid, &Filters::default(), 5)
        .expect("hybrid");
    assert_eq!(ids(&hybrid), ids(&hits));
    assert!(matches!(
        searcher.search("x", Mode::Semantic, &Filters::default(), 5),
        Err(SearchError::NoModel)
    ));
}

#[test]
fn tantivy_syntax_passes_through() {
    let lib = library();
    let dir = tempfile::tempdir().expect("dir");
    let (index, _) = TextIndex::open(dir.path(), &lib).expect("index");
    let s = Searcher::new(&lib, &index, None);
    let search = |q: &str| -> Vec<String> {
        s.search(q, Mode::Lexical, &Filters::default(), 30)
            .expect("search")
            .into_iter()
            .map(|h| h.id)
            .collect()
    };
    let flash = search("title:flashattention");
    assert_eq!(flash.len(), 2);
    assert!(flash.contains(&"2205.14135".to_string()) && flash.contains(&"2307.08691".to_string()));
    assert_eq!(search("authors:vaswani"), ["1706.03762"]);
    assert_eq!(
        search("categories:cs.CV").len(),
        4,
        "every indexed field can be named"
    );
    let phrase = search("\"mixture of experts\"");
    assert!(phrase.contains(&"1701.06538".to_string()), "{phrase:?}");
    let both = search("+attention +memory");
    assert!(both.contains(&"2205.14135".to_string()), "{both:?}");
    assert!(
        !search("attention -flashattention")
            .iter()
            .any(|id| id == "2205.14135" || id == "2307.08691")
    );
    // Broken syntax falls back to the plain words.
    assert!(!search("\"low rank (adapt").is_empty());
    assert!(search("((").is_empty());
}

#[test]
fn filters_restrict_results() {
    let mut lib = library();
    lib.close_pass(
        "2106.09685",
        Some(Pass::Skim),
        crate::reading::Status::Done,
        chrono::Utc::now(),
    )
    .expect("done");
    let dir = tempfile::tempdir().expect("dir");
    let (index, _) = TextIndex::open(dir.path(), &lib).expect("index");
    let s = Searcher::new(&lib, &index, None);
    let run = |f: Filters| -> Vec<String> {
        s.search("models", Mode::Lexical, &f, 50)
            .expect("search")
            .into_iter()
            .map(|h| h.id)
            .collect()
    };
    let cv = run(Filters {
        category: Some("cs.CV".into()),
        ..Filters::default()
    });
    assert!(
        !cv.is_empty()
            && cv.iter().all(
                |id| ["1512.03385", "2112.10752", "1710.05941", "1502.01852"]
                    .contains(&id.as_str())
            ),
        "{cv:?}"
    );
    let archive = run(Filters {
        category: Some("cs".into()),
        ..Filters::default()
    });
    assert!(archive.len() >= cv.len());
    let peft = run(Filters {
        tag: Some("PEFT".into()),
        ..Filters::default()
    });
    assert!(
        !peft.is_empty()
            && peft
                .iter()
                .all(|id| ["2106.09685", "2303.10512", "2305.14314"].contains(&id.as_str())),
        "{peft:?}"
    );
    let recent = run(Filters {
        from_year: Some(2023),
        to_year: Some(2023),
        ..Filters::default()
    });
    assert!(recent.iter().all(|id| id.starts_with("23")), "{recent:?}");
    let skimmed = run(Filters {
        reading: Some("skimmed".into()),
        ..Filters::default()
    });
    assert_eq!(skimmed, ["2106.09685"]);
    let fresh = run(Filters {
        reading: Some("new".into()),
        ..Filters::default()
    });
    assert!(!fresh.contains(&"2106.09685".to_string()));
}

#[test]
fn the_index_follows_the_library_and_survives_loss() {
    let mut lib = library();
    let dir = tempfile::tempdir().expect("dir");
    let path = dir.path().join("index");
    let (index, _) = TextIndex::open(&path, &lib).expect("index");
    drop(index);
    // Notes, tags and removals reach the index on the next open.
    lib.save_note(
        "1706.03762",
        Pass::Skim,
        "Zebrafish analogy for multi-head attention.",
        chrono::Utc::now(),
    )
    .expect("note");
    lib.tag("2312.00752", &["state space".into()]).expect("tag");
    lib.remove("2305.13048").expect("remove");
    let (index, rebuilt) = TextIndex::open(&path, &lib).expect("reopen");
    assert!(!rebuilt, "caught up, not rebuilt");
    assert_eq!(index.len(), 28);
    let s = Searcher::new(&lib, &index, None);
    let hit = |q: &str| {
        s.search(q, Mode::Lexical, &Filters::default(), 5)
            .expect("search")
    };
    assert_eq!(ids(&hit("zebrafish")), ["1706.03762"]);
    assert_eq!(ids(&hit("notes:zebrafish")), ["1706.03762"]);
    assert_eq!(ids(&hit("tags:\"state space\"")), ["2312.00752"]);
    assert!(hit("rwkv").iter().all(|h| h.id != "2305.13048"));
    let pending: i64 = lib
        .conn()
        .query_row("SELECT count(*) FROM index_changes", [], |r| r.get(0))
        .expect("count");
    assert_eq!(pending, 0, "applied changes are pruned");
    drop(index);
    // Deleted: rebuilt from the library.
    std::fs::remove_dir_all(&path).expect("delete");
    let (index, rebuilt) = TextIndex::open(&path, &lib).expect("rebuilt");
    assert!(rebuilt);
    assert_eq!(index.len(), 28);
    drop(index);
    // Corrupt: detected and rebuilt, not crashed on.
    std::fs::write(path.join("meta.json"), b"{ not json").expect("corrupt");
    let (index, rebuilt) = TextIndex::open(&path, &lib).expect("rebuilt again");
    assert!(rebuilt);
    assert_eq!(index.len(), 28);
}

#[test]
fn meaning_and_fusion_with_a_tiny_model() {
    let mut lib = library();
    let model_dir = tempfile::tempdir().expect("dir");
    tiny::write(model_dir.path(), TinyPooling::Mean, 3).expect("model");
    let model =
        Embedder::load(model_dir.path(), "tiny", None, &candle_core::Device::Cpu).expect("load");
    let report =
        crate::ingest::embed_pending(&mut lib, &model, 8, &crate::ingest::Silent).expect("embed");
    assert_eq!(report.embedded, 29);
    let again =
        crate::ingest::embed_pending(&mut lib, &model, 8, &crate::ingest::Silent).expect("embed");
    assert_eq!(again.embedded, 0, "nothing is embedded twice");
    let dir = tempfile::tempdir().expect("dir");
    let (index, _) = TextIndex::open(dir.path(), &lib).expect("index");
    let semantic = Semantic::load(&lib, &model).expect("vectors");
    assert_eq!(semantic.vectors.len(), 29);
    let s = Searcher::new(&lib, &index, Some(&semantic));
    let sem = s
        .search("attention", Mode::Semantic, &Filters::default(), 5)
        .expect("semantic");
    assert_eq!(sem.len(), 5);
    assert!(
        sem.iter()
            .enumerate()
            .all(|(i, h)| h.semantic.is_some_and(|(r, _)| r == i + 1))
    );
    assert!(sem.windows(2).all(|w| w[0].score >= w[1].score));
    let hybrid = s
        .search("attention", Mode::Hybrid, &Filters::default(), 10)
        .expect("hybrid");
    assert!(hybrid.windows(2).all(|w| w[0].score >= w[1].score));
    assert!(
        hybrid
            .iter()
            .all(|h| h.lexical.is_some() || h.semantic.is_some())
    );
    assert!(
        hybrid
            .iter()
            .any(|h| h.lexical.is_some() && h.semantic.is_some()),
        "both sides contribute"
    );
    let filtered = s
        .search(
            "attention",
            Mode::Semantic,
            &Filters {
                tag: Some("peft".into()),
                ..Filters::default()
            },
            10,
        )
        .expect("filtered");
    assert_eq!(filtered.len(), 3);
    let related = s.related("2106.09685", 4).expect("related");
    assert_eq!(related.len(), 4);
    assert!(related.iter().all(|h| h.id != "2106.09685"), "not itself");
    assert!(matches!(
        s.related("nope", 3),
        Err(SearchError::NotEmbedded(_))
    ));
}
