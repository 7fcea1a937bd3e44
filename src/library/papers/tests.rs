use super::*;
use crate::library::Library;
use crate::paper::Author;

fn lib() -> Library {
    Library::open_in_memory().expect("memory library")
}

fn paper(id: &str, version: u32, title: &str) -> Paper {
    Paper {
        id: id.into(),
        version: Some(version),
        title: title.into(),
        abstract_text: format!("Abstract of {title}."),
        authors: vec![
            Author::named("Ada Lovelace"),
            Author {
                name: "Alan Turing".into(),
                affiliations: vec!["Bletchley Park".into()],
            },
        ],
        categories: vec!["cs.CL".into(), "cs.LG".into()],
        primary_category: Some("cs.CL".into()),
        published: parse_timestamp("2021-06-17T17:37:18Z"),
        updated: parse_timestamp("2021-10-16T18:40:34Z"),
        ..Paper::default()
    }
}

fn incoming(p: Paper) -> Vec<Incoming> {
    vec![Incoming::from(p)]
}

#[test]
fn stores_and_reads_back_every_field() {
    let mut lib = lib();
    let mut p = paper("2106.09685", 2, "LoRA");
    p.comment = Some("Draft V2".into());
    p.journal_ref = Some("ICLR 2022".into());
    p.doi = Some("10.1/lora".into());
    p.abs_url = Some("https://arxiv.org/abs/2106.09685v2".into());
    p.pdf_url = Some("https://arxiv.org/pdf/2106.09685v2".into());
    let report = lib
        .upsert(&incoming(p.clone()), "arxiv", Merge::Refresh)
        .expect("upsert");
    assert_eq!(report.added, vec!["2106.09685"]);
    let stored = lib.get("2106.09685").expect("get").expect("present");
    assert_eq!(stored.paper, p);
    assert_eq!(stored.source, "arxiv");
    assert_eq!(stored.citekey, "lovelace2021lora");
    assert!(!stored.has_unseen_version());
}

#[test]
fn a_newer_version_updates_in_place_and_is_remembered() {
    let mut lib = lib();
    lib.upsert(
        &incoming(paper("2106.09685", 1, "LoRA v1")),
        "arxiv",
        Merge::Refresh,
    )
    .expect("v1");
    let report = lib
        .upsert(
            &incoming(paper("2106.09685", 2, "LoRA v2")),
            "arxiv",
            Merge::Refresh,
        )
        .expect("v2");
    assert_eq!(report.updated, vec!["2106.09685"]);
    assert_eq!(
        report.new_versions,
        vec![NewVersion {
            id: "2106.09685".into(),
            from: 1,
            to: 2
        }]
    );
    assert_eq!(lib.paper_count().expect("count"), 1, "never duplicated");
    let stored = lib.get("2106.09685").expect("get").expect("present");
    assert_eq!(stored.paper.title, "LoRA v2");
    assert!(stored.has_unseen_version());
    assert!(stored.version_changed_at.is_some());
    lib.acknowledge_version("2106.09685").expect("ack");
    assert!(
        !lib.get("2106.09685")
            .expect("get")
            .expect("present")
            .has_unseen_version()
    );

    // An older version never overwrites a newer one.
    let report = lib
        .upsert(
            &incoming(paper("2106.09685", 1, "LoRA v1")),
            "arxiv",
            Merge::Refresh,
        )
        .expect("old");
    assert_eq!(report.unchanged, vec!["2106.09685"]);
    assert_eq!(
        lib.get("2106.09685")
            .expect("get")
            .expect("present")
            .paper
            .title,
        "LoRA v2"
    );
}

#[test]
fn same_version_refreshes_or_keeps_by_policy() {
    let mut lib = lib();
    lib.upsert(
        &incoming(paper("1706.03762", 7, "Attention")),
        "arxiv",
        Merge::Refresh,
    )
    .expect("first");
    let same = lib
        .upsert(
            &incoming(paper("1706.03762", 7, "Attention")),
            "arxiv",
            Merge::Refresh,
        )
        .expect("same");
    assert_eq!(same.unchanged.len(), 1);
    let mut changed = paper("1706.03762", 7, "Attention");
    changed.journal_ref = Some("NeurIPS 2017".into());
    let kept = lib
        .upsert(&incoming(changed.clone()), "bibtex", Merge::KeepExisting)
        .expect("keep");
    assert_eq!(kept.unchanged.len(), 1);
    assert_eq!(
        lib.get("1706.03762")
            .expect("get")
            .expect("present")
            .paper
            .journal_ref,
        None
    );
    let refreshed = lib
        .upsert(&incoming(changed), "arxiv", Merge::Refresh)
        .expect("refresh");
    assert_eq!(refreshed.updated.len(), 1);
    assert!(refreshed.new_versions.is_empty());
}

#[test]
fn duplicates_by_doi_are_found_and_a_non_arxiv_copy_is_promoted() {
    let mut lib = lib();
    let bib = Paper {
        id: "doi:10.1103/physrevb.85.115117".into(),
        version: None,
        title: "Quantum Criticality".into(),
        doi: Some("10.1103/PhysRevB.85.115117".into()),
        ..Paper::default()
    };
    lib.upsert(
        &[Incoming {
            paper: bib.clone(),
            tags: vec!["physics".into()],
            citekey: Some("murray2012quantum".into()),
            bib: None,
        }],
        "bibtex",
        Merge::KeepExisting,
    )
    .expect("bib");
    // The same BibTeX entry again is a duplicate.
    let again = lib
        .upsert(&incoming(bib), "bibtex", Merge::KeepExisting)
        .expect("again");
    assert_eq!(again.unchanged.len(), 1);
    // The arXiv record with the same DOI takes over the row, tags and key.
    let mut arxiv = paper("1111.2011", 2, "Quantum Criticality for Extended Nodes");
    arxiv.doi = Some("10.1103/PhysRevB.85.115117".into());
    let report = lib
        .upsert(&incoming(arxiv), "arxiv", Merge::Refresh)
        .expect("arxiv");
    assert_eq!(report.updated, vec!["1111.2011"]);
    assert_eq!(lib.paper_count().expect("count"), 1);
    let stored = lib.find("1111.2011v2").expect("find");
    assert_eq!(stored.tags, vec!["physics"]);
    assert_eq!(stored.citekey, "murray2012quantum");
    assert_eq!(stored.source, "arxiv");
    // And an arXiv paper is never replaced by a DOI twin from BibTeX.
    let twin = Paper {
        id: "doi:10.1103/PhysRevB.85.115117".into(),
        title: "x".into(),
        doi: Some("10.1103/physrevb.85.115117".into()),
        ..Paper::default()
    };
    let report = lib
        .upsert(&incoming(twin), "bibtex", Merge::KeepExisting)
        .expect("twin");
    assert_eq!(report.unchanged, vec!["1111.2011"]);
}

#[test]
fn citation_keys_are_unique_and_stable() {
    let mut lib = lib();
    lib.upsert(
        &incoming(paper("2106.00001", 1, "Scaling things")),
        "arxiv",
        Merge::Refresh,
    )
    .expect("a");
    lib.upsert(
        &incoming(paper("2106.00002", 1, "Scaling more")),
        "arxiv",
        Merge::Refresh,
    )
    .expect("b");
    assert_eq!(
        lib.find("2106.00001").expect("a").citekey,
        "lovelace2021scaling"
    );
    assert_eq!(
        lib.find("2106.00002").expect("b").citekey,
        "lovelace2021scalinga"
    );
    lib.upsert(
        &incoming(paper("2106.00001", 2, "Renamed entirely")),
        "arxiv",
        Merge::Refresh,
    )
    .expect("a v2");
    assert_eq!(
        lib.find("lovelace2021scaling").expect("by key").paper.id,
        "2106.00001"
    );
}

#[test]
fn finds_papers_by_any_id_form() {
    let mut lib = lib();
    lib.upsert(
        &incoming(paper("hep-th/9901001", 3, "Strings")),
        "arxiv",
        Merge::Refresh,
    )
    .expect("old style");
    for key in [
        "hep-th/9901001",
        "hep-th/9901001v1",
        "arXiv:hep-th/9901001",
        "https://arxiv.org/abs/hep-th/9901001v3",
    ] {
        assert_eq!(lib.find(key).expect(key).paper.id, "hep-th/9901001");
    }
    let err = lib.find("2106.09685").expect_err("absent");
    assert!(err.to_string().contains("litradar add 2106.09685"), "{err}");
}

#[test]
fn lists_with_filters_newest_first() {
    let mut lib = lib();
    let mut old = paper("1706.03762", 7, "Attention");
    old.published = parse_timestamp("2017-06-12T17:57:34Z");
    old.categories = vec!["cs.CL".into(), "cs.LG".into()];
    let mut new = paper("2307.08691", 1, "FlashAttention-2");
    new.published = parse_timestamp("2023-07-17T17:50:36Z");
    new.categories = vec!["cs.LG".into()];
    new.primary_category = Some("cs.LG".into());
    let mut physics = paper("astro-ph/0601001", 1, "Hot Jupiters");
    physics.published = parse_timestamp("2006-01-02T14:57:58Z");
    physics.categories = vec!["astro-ph".into()];
    physics.primary_category = Some("astro-ph".into());
    let mut undated = paper("1710.05941", 1, "Swish");
    undated.published = None;
    undated.updated = None;
    lib.upsert(
        &[old.into(), new.into(), physics.into(), undated.into()],
        "arxiv",
        Merge::Refresh,
    )
    .expect("upsert");
    lib.tag("1706.03762", &["Transformers".into()])
        .expect("tag");

    let ids = |f: ListFilter| -> Vec<String> {
        lib.list(&f)
            .expect("list")
            .into_iter()
            .map(|r| r.paper.id)
            .collect()
    };
    assert_eq!(
        ids(ListFilter::default()),
        ["2307.08691", "1706.03762", "astro-ph/0601001", "1710.05941"]
    );
    assert_eq!(
        ids(ListFilter {
            tag: Some("transformers".into()),
            ..ListFilter::default()
        }),
        ["1706.03762"]
    );
    assert_eq!(
        ids(ListFilter {
            category: Some("cs.CL".into()),
            ..ListFilter::default()
        }),
        ["1706.03762", "1710.05941"]
    );
    assert_eq!(
        ids(ListFilter {
            category: Some("cs".into()),
            ..ListFilter::default()
        })
        .len(),
        3
    );
    assert_eq!(
        ids(ListFilter {
            category: Some("astro-ph".into()),
            ..ListFilter::default()
        }),
        ["astro-ph/0601001"]
    );
    assert_eq!(
        ids(ListFilter {
            since: NaiveDate::from_ymd_opt(2017, 6, 12),
            ..ListFilter::default()
        }),
        ["2307.08691", "1706.03762"]
    );
    assert_eq!(
        ids(ListFilter {
            limit: Some(1),
            ..ListFilter::default()
        }),
        ["2307.08691"]
    );
}

#[test]
fn tags_are_case_insensitive_and_removal_cascades() {
    let mut lib = lib();
    lib.upsert(
        &incoming(paper("2106.09685", 2, "LoRA")),
        "arxiv",
        Merge::Refresh,
    )
    .expect("upsert");
    lib.tag(
        "2106.09685",
        &["PEFT".into(), "peft".into(), "to read".into()],
    )
    .expect("tag");
    assert_eq!(
        lib.find("2106.09685").expect("find").tags,
        vec!["PEFT", "to read"]
    );
    assert!(matches!(
        lib.tag("2106.09685", &["a,b".into()]),
        Err(LibraryError::BadTag(..))
    ));
    let (_, missing) = lib
        .untag("2106.09685", &["peft".into(), "nope".into()])
        .expect("untag");
    assert_eq!(missing, vec!["nope"]);
    assert_eq!(
        lib.tag_counts().expect("counts"),
        vec![("to read".to_string(), 1)]
    );
    let removed = lib.remove("2106.09685v2").expect("remove");
    assert_eq!(removed.paper.id, "2106.09685");
    assert_eq!(lib.paper_count().expect("count"), 0);
    let links: u64 = lib
        .conn()
        .query_row("SELECT count(*) FROM paper_tags", [], |r| r.get(0))
        .expect("count");
    assert_eq!(links, 0);
}

#[test]
fn watches_keep_a_forward_only_sync_point() {
    let mut lib = lib();
    lib.add_watch("peft", "abs:LoRA").expect("add");
    assert!(matches!(
        lib.add_watch("peft", "x"),
        Err(LibraryError::WatchExists(_))
    ));
    let later = parse_timestamp("2026-01-02T00:00:00Z");
    let earlier = parse_timestamp("2025-01-02T00:00:00Z");
    lib.record_sync("peft", later, 5).expect("sync");
    lib.record_sync("peft", earlier, 0).expect("sync");
    let w = lib.watch("peft").expect("watch");
    assert_eq!(w.sync_point, later);
    assert_eq!(w.last_added, 0);
    assert!(w.last_synced_at.is_some());
    lib.record_sync("peft", None, 0).expect("no new papers");
    assert_eq!(lib.watch("peft").expect("watch").sync_point, later);
    lib.remove_watch("peft").expect("remove");
    assert!(matches!(
        lib.watch("peft"),
        Err(LibraryError::NoSuchWatch(_))
    ));
    assert!(lib.watches().expect("list").is_empty());
}

#[test]
fn a_failed_batch_stores_nothing() {
    let mut lib = lib();
    let good = Incoming::from(paper("2106.09685", 2, "LoRA"));
    let bad = Incoming {
        paper: paper("2106.09686", 1, "Other"),
        tags: vec![",".into()],
        ..Incoming::default()
    };
    assert!(lib.upsert(&[good, bad], "arxiv", Merge::Refresh).is_err());
    assert_eq!(lib.paper_count().expect("count"), 0);
}
