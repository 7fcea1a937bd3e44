use super::*;
use crate::radar::formats::{Format, read};

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
