use super::*;
use crate::radar::formats::{Format, read};
use crate::radar::review::Evidence;

fn library() -> Library {
    let mut lib = Library::open_in_memory().expect("library");
    crate::starter::load(&mut lib).expect("starter");
    lib
}

fn seeded() -> Library {
    let mut lib = library();
    let file = read(include_str!("../../../radar/seed.toml"), Format::Toml).expect("seed");
    let report = lib.radar_import(&file, None).expect("import");
    assert_eq!(report.edition, "2026-11");
    assert_eq!(report.blips, 15);
    lib
}

#[test]
fn the_seed_imports_with_its_evidence() {
    let lib = seeded();
    let (shape, edition) = lib.radar_edition(None).expect("edition");
    assert_eq!(shape, Shape::seed());
    assert_eq!(edition.visible().count(), 15);
    let lora = lib.radar_evidence("lora").expect("evidence");
    assert_eq!(lora[0].paper_id, "2106.09685");
    assert_eq!(lora[0].reading, vec!["new"]);
    let links = lib.radar_links().expect("links");
    assert_eq!(links["FlashAttention-2"], vec!["2205.14135", "2307.08691"]);
    assert_eq!(lib.radar_editions().expect("list")[0].blips, 15);
}

#[test]
fn editions_move_blips_only_with_a_reason() {
    let mut lib = seeded();
    assert!(matches!(
        lib.radar_new_edition(Some("2026-10")),
        Err(RadarError::Invalid(_))
    ));
    let next = lib.radar_new_edition(None).expect("new");
    assert_eq!(next, "2026-12");
    assert!(matches!(
        lib.radar_new_edition(Some("2026-12")),
        Err(RadarError::EditionExists(_))
    ));
    let err = lib
        .radar_move("DoRA", Some("mature"), None, "  ")
        .expect_err("no reason");
    assert!(matches!(err, RadarError::NeedsRationale(_)));
    lib.radar_move("DoRA", Some("mature"), None, "adopted by our team")
        .expect("move");
    lib.radar_move("RWKV", Some("edge"), None, "fewer papers")
        .expect("move");
    lib.radar_add(
        "Mamba",
        "foundation architectures",
        "edge",
        "Selective state spaces",
        &["state space model".into()],
    )
    .expect("add");
    assert!(matches!(
        lib.radar_add("mamba", "foundation architectures", "edge", "", &[]),
        Err(RadarError::BlipExists(_))
    ));
    lib.radar_phase_out("LangChain", "replaced by plain code")
        .expect("phase out");
    let (shape, now) = lib.radar_edition(None).expect("edition");
    let before = lib
        .radar_previous(&now.name)
        .expect("previous")
        .expect("there is one");
    let moves: Vec<(String, Movement)> = compare(&shape, Some(&before), &now)
        .into_iter()
        .filter(|c| c.movement != Movement::Unchanged)
        .map(|c| (c.blip, c.movement))
        .collect();
    assert_eq!(
        moves,
        vec![
            ("DoRA".to_string(), Movement::MovedIn),
            ("Mamba".to_string(), Movement::New),
            ("RWKV".to_string(), Movement::MovedOut),
            ("LangChain".to_string(), Movement::Gone),
        ]
    );
    let history = lib.radar_history("dora").expect("history");
    assert_eq!(history.len(), 2);
    assert_eq!(
        history[1].entry.rationale.as_deref(),
        Some("adopted by our team")
    );
    assert_eq!(history[1].movement, Movement::MovedIn);
    // Frozen editions refuse changes; the next one starts without the phased-out blip.
    lib.radar_freeze(None).expect("freeze");
    assert!(matches!(
        lib.radar_move("LoRA", Some("edge"), None, "x"),
        Err(RadarError::Frozen(_))
    ));
    assert!(matches!(lib.radar_freeze(None), Err(RadarError::Frozen(_))));
    lib.radar_new_edition(None).expect("2027-01");
    let (_, jan) = lib.radar_edition(Some("2027-01")).expect("jan");
    assert!(jan.entry("LangChain").is_none());
    assert!(
        jan.entries.iter().all(|e| e.rationale.is_none()),
        "rationales start empty"
    );
}

#[test]
fn imports_check_names_and_report_unknown_papers() {
    let mut lib = seeded();
    let bad = read(
        "name,ring,quadrant,isNew,description\nX,adopt,tools,TRUE,d\n",
        Format::Csv,
    )
    .expect("csv");
    let err = lib
        .radar_import(&bad, Some("2026-11"))
        .expect_err("unknown quadrant");
    assert!(
        err.to_string().contains("quadrant 'tools' is not one of"),
        "{err}"
    );
    let file = read(
        "edition = \"2026-11\"\n[[blips]]\nname = \"DSPy\"\nquadrant = \"application frameworks\"\nring = \"mature\"\npapers = [\"2310.03714\", \"9999.99999\"]\n",
        Format::Toml,
    )
    .expect("toml");
    let report = lib.radar_import(&file, None).expect("import");
    assert_eq!(report.missing_papers, vec!["9999.99999"]);
    // A new library without a shape derives one from a BYOR file.
    let mut fresh = library();
    let byor = read(
        "name,ring,quadrant,isNew,description\nA,Hold,Tools,FALSE,\nB,Adopt,Platforms,TRUE,\nC,Trial,Techniques,TRUE,\nD,Assess,Languages,FALSE,\n",
        Format::Csv,
    )
    .expect("csv");
    fresh.radar_import(&byor, Some("2026-05")).expect("import");
    let (shape, _) = fresh.radar_edition(None).expect("edition");
    assert_eq!(shape.rings, ["Adopt", "Trial", "Assess", "Hold"]);
    assert_eq!(
        shape.quadrants,
        ["Tools", "Platforms", "Techniques", "Languages"]
    );
}

#[test]
fn reading_linked_papers_counts_for_staleness() {
    let mut lib = seeded();
    let (id, _) = lib.blip("LoRA").expect("blip");
    assert!(id > 0);
    lib.log_time("2106.09685", None, 20, chrono::Utc::now())
        .expect("log");
    let months = lib.radar_read_months().expect("months");
    assert_eq!(months["lora"], vec![current_month_utc()]);
}

fn current_month_utc() -> String {
    chrono::Utc::now().format("%Y-%m").to_string()
}

#[test]
fn corrupt_stored_lists_are_reported_not_replaced() {
    let lib = seeded();
    lib.conn()
        .execute("UPDATE radar_editions SET quadrants = 'not json'", [])
        .expect("corrupt");
    let err = lib
        .radar_edition(None)
        .expect_err("corrupt JSON is an error");
    assert!(
        err.to_string()
            .contains("unreadable data for the quadrants of edition 2026-11"),
        "{err}"
    );
    lib.conn()
        .execute(
            "UPDATE radar_blips SET aliases = '{' WHERE name = 'LoRA'",
            [],
        )
        .expect("corrupt");
    let err = lib.radar_aliases("LoRA").expect_err("corrupt aliases");
    assert!(
        err.to_string().contains("the aliases of blip LoRA"),
        "{err}"
    );
}

/// A paper published in `month` (YYYY-MM) with this title and abstract.
fn published(id: &str, month: &str, title: &str, abstract_text: &str) -> crate::library::Incoming {
    crate::library::Incoming::from(crate::paper::Paper {
        id: id.into(),
        version: Some(1),
        title: title.into(),
        abstract_text: abstract_text.into(),
        published: crate::paper::parse_timestamp(&format!("{month}-15T12:00:00Z")),
        ..crate::paper::Paper::default()
    })
}

fn review_settings() -> ReviewSettings {
    ReviewSettings {
        model: None,
        stale_after: 3,
        months: 6,
        plan: vec![70.0, 20.0, 10.0],
    }
}

/// Six months of papers after the seed: DoRA mentioned 0, 0, 0, 1, 2, 4
/// times a month (rising), "speculative decoding" only in June, and the
/// same steady topic every month.
fn reviewed() -> Library {
    let mut lib = seeded();
    // The seed edition was made a month ago, after the starter papers.
    lib.conn()
        .execute_batch(
            "UPDATE papers SET added_at = '2026-11-01T09:00:00Z';
             UPDATE radar_editions SET created_at = '2026-11-01T10:00:00Z';",
        )
        .expect("backdate");
    let mut items = Vec::new();
    let mut n = 0;
    let mut next = |month: &str, title: &str, text: &str, items: &mut Vec<_>| {
        n += 1;
        let id = format!("{}{}.{n:05}", &month[2..4], &month[5..7]);
        items.push(published(&id, month, title, text));
    };
    for (m, dora) in [
        ("2026-01", 0),
        ("2026-02", 0),
        ("2026-03", 0),
        ("2026-04", 1),
        ("2026-05", 2),
        ("2026-06", 4),
    ] {
        for i in 0..6 {
            next(
                m,
                &format!("Message passing for molecules, part {i}"),
                "We study molecular property prediction.",
                &mut items,
            );
        }
        for i in 0..dora {
            next(
                m,
                &format!("Fine-tuning study {i}"),
                "We compare DoRA against full fine-tuning of language models.",
                &mut items,
            );
        }
    }
    for i in 0..4 {
        next(
            "2026-06",
            &format!("Faster serving {i}"),
            "Speculative decoding with draft trees makes inference kernels faster.",
            &mut items,
        );
    }
    lib.upsert(&items, "test", crate::library::Merge::Refresh)
        .expect("papers");
    lib
}

#[test]
fn the_review_proposes_evidence_new_blips_moves_and_the_budget() {
    let lib = reviewed();
    let r = lib
        .radar_review(Some("2026-12"), &review_settings())
        .expect("review");
    assert_eq!(
        (r.edition.as_str(), r.newest.as_str(), r.starts_edition),
        ("2026-12", "2026-11", true)
    );
    assert_eq!(r.month.as_deref(), Some("2026-06"));
    assert_eq!(r.new_papers, 47);
    let dora: Vec<&Evidence> = r.evidence.iter().filter(|e| e.blip == "DoRA").collect();
    assert_eq!(dora.len(), 5, "at most five per blip: {dora:?}");
    assert!(
        dora.iter()
            .all(|e| e.why.contains("abstract mentions \"DoRA\"")),
        "{dora:?}"
    );
    assert!(
        r.evidence.iter().all(|e| e.blip == "DoRA"),
        "{:?}",
        r.evidence
    );
    let sd = r
        .new_blips
        .iter()
        .find(|n| n.term == "speculative decoding")
        .expect("rising term");
    assert_eq!(sd.papers.len(), 4);
    assert_eq!(
        sd.quadrant.as_deref(),
        Some("inference optimization"),
        "{sd:?}"
    );
    assert!(sd.why.contains("share the most words"), "{sd:?}");
    assert!(
        r.new_blips
            .iter()
            .all(|n| !n.term.contains("message passing")),
        "steady topics are not new: {:?}",
        r.new_blips
    );
    let m = r.moves.iter().find(|m| m.blip == "DoRA").expect("a move");
    assert_eq!((m.from.as_str(), m.to.as_str()), ("emerging", "mature"));
    assert!(m.why.contains("rose"), "{}", m.why);
    assert!(r.stale.is_empty());
    assert_eq!(r.budget.rings.len(), 4);
    let json = serde_json::to_value(&r).expect("json");
    for key in [
        "edition",
        "since",
        "evidence",
        "new_blips",
        "moves",
        "stale",
        "budget",
    ] {
        assert!(json.get(key).is_some(), "{key}");
    }
    assert!(json["evidence"][0].get("why").is_some() && json["evidence"][0].get("score").is_none());
}

#[test]
fn accepting_writes_through_the_edits_and_dismissals_are_remembered() {
    let mut lib = reviewed();
    let settings = review_settings();
    let r = lib
        .radar_review(Some("2026-12"), &settings)
        .expect("review");
    let move_id = r.moves[0].id.clone();
    let done = lib
        .radar_review_accept(&r, &move_id, &Acceptance::default())
        .expect("accept the move");
    assert!(done.starts_with("started 2026-12; moved DoRA"), "{done}");
    let (_, edition) = lib.radar_edition(None).expect("edition");
    assert_eq!(edition.name, "2026-12");
    let entry = edition.entry("DoRA").expect("DoRA");
    assert_eq!(entry.ring, "mature");
    assert!(
        entry
            .rationale
            .as_deref()
            .is_some_and(|r| r.contains("rose"))
    );
    // The review of the month goes on from the same edition: nothing else vanished.
    let r = lib.radar_review(Some("2026-12"), &settings).expect("again");
    assert!(!r.starts_edition && r.newest == "2026-11");
    assert!(r.moves.is_empty(), "the move is made");
    assert_eq!(r.evidence.len(), 5);
    let edit = Acceptance {
        name: Some("Speculative decoding".into()),
        quadrant: Some("inference optimization".into()),
        rationale: Some("draft-and-verify is everywhere in serving".into()),
        ..Acceptance::default()
    };
    let done = lib
        .radar_review_accept(&r, "new:speculative decoding", &edit)
        .expect("new blip");
    assert!(
        done.contains("added Speculative decoding to inference optimization, edge, with 4 papers"),
        "{done}"
    );
    let (_, edition) = lib.radar_edition(None).expect("edition");
    let sd = edition.entry("Speculative decoding").expect("blip");
    assert_eq!(
        sd.rationale.as_deref(),
        Some("draft-and-verify is everywhere in serving")
    );
    assert_eq!(
        lib.radar_evidence("Speculative decoding")
            .expect("papers")
            .len(),
        4
    );
    // Dismissed by number, then gone for good.
    let r = lib.radar_review(Some("2026-12"), &settings).expect("again");
    let first = r.ids()[0].clone();
    assert_eq!(lib.radar_review_dismiss(&r, "1").expect("dismiss"), first);
    let r = lib.radar_review(Some("2026-12"), &settings).expect("again");
    assert!(!r.ids().contains(&first), "{first} is proposed again");
    assert_eq!(lib.radar_review_dismissed().expect("count"), 1);
    // Accepting evidence links the paper.
    let evidence = r.evidence[0].clone();
    lib.radar_review_accept(&r, &evidence.id, &Acceptance::default())
        .expect("link");
    assert!(
        lib.radar_evidence("DoRA")
            .expect("papers")
            .iter()
            .any(|p| p.paper_id == evidence.paper)
    );
    for bad in ["99", "0", "evidence:Nope:1"] {
        assert!(
            matches!(
                lib.radar_review_dismiss(&r, bad),
                Err(RadarError::Invalid(_))
            ),
            "{bad}"
        );
    }
}

#[test]
fn blips_left_alone_for_three_editions_are_proposed_for_reassessment() {
    let mut lib = seeded();
    for month in ["2026-12", "2027-01", "2027-02"] {
        lib.radar_new_edition(Some(month)).expect("edition");
    }
    let settings = review_settings();
    assert!(matches!(
        lib.radar_review(Some("2027-01"), &settings),
        Err(RadarError::Invalid(_))
    ));
    let r = lib
        .radar_review(Some("2027-02"), &settings)
        .expect("review");
    assert_eq!(r.newest, "2027-01");
    assert_eq!(r.stale.len(), 15, "{:?}", r.stale);
    let rwkv = r
        .stale
        .iter()
        .find(|s| s.blip == "RWKV")
        .expect("RWKV")
        .id
        .clone();
    lib.radar_review_accept(&r, &rwkv, &Acceptance::default())
        .expect("reassess");
    let (_, edition) = lib.radar_edition(None).expect("edition");
    assert!(
        edition
            .entry("RWKV")
            .and_then(|e| e.rationale.clone())
            .is_some_and(|r| r.contains("Reassessed in the 2027-02 review"))
    );
    let r = lib.radar_review(Some("2027-02"), &settings).expect("again");
    assert_eq!(r.stale.len(), 14);
    lib.radar_freeze(None).expect("freeze");
    assert!(matches!(
        lib.radar_review(Some("2027-02"), &settings),
        Err(RadarError::Frozen(_))
    ));
}
