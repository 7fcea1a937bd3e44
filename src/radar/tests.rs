use super::*;
use std::collections::HashMap;

fn entry(name: &str, quadrant: &str, ring: &str, rationale: Option<&str>) -> Entry {
    Entry {
        name: name.into(),
        quadrant: quadrant.into(),
        ring: ring.into(),
        description: String::new(),
        rationale: rationale.map(String::from),
        phased_out: false,
    }
}

fn edition(name: &str, entries: Vec<Entry>) -> Edition {
    Edition {
        name: name.into(),
        frozen: false,
        entries,
    }
}

#[test]
fn movement_between_editions() {
    let shape = Shape::seed();
    let before = edition(
        "2026-11",
        vec![
            entry("LoRA", "training methods", "emerging", None),
            entry("DoRA", "training methods", "mature", None),
            entry("RWKV", "foundation architectures", "emerging", None),
            entry("Gone", "foundation architectures", "edge", None),
            entry("Faded", "foundation architectures", "edge", None),
        ],
    );
    let mut faded = entry(
        "Faded",
        "foundation architectures",
        "edge",
        Some("nobody uses it"),
    );
    faded.phased_out = true;
    let after = edition(
        "2026-12",
        vec![
            entry(
                "LoRA",
                "training methods",
                "mature",
                Some("everyone uses it"),
            ),
            entry(
                "DoRA",
                "training methods",
                "emerging",
                Some("results did not hold"),
            ),
            entry(
                "RWKV",
                "application frameworks",
                "emerging",
                Some("wrong quadrant"),
            ),
            entry("Mamba", "foundation architectures", "edge", None),
            faded,
        ],
    );
    let changes = compare(&shape, Some(&before), &after);
    let summary: Vec<(&str, Movement)> = changes
        .iter()
        .map(|c| (c.blip.as_str(), c.movement))
        .collect();
    assert_eq!(
        summary,
        [
            ("LoRA", Movement::MovedIn),
            ("DoRA", Movement::MovedOut),
            ("RWKV", Movement::Unchanged),
            ("Mamba", Movement::New),
            ("Gone", Movement::Gone),
            ("Faded", Movement::Gone),
        ]
    );
    let rwkv = &changes[2];
    assert_eq!(
        rwkv.from_quadrant.as_deref(),
        Some("foundation architectures")
    );
    assert_eq!(rwkv.to_quadrant.as_deref(), Some("application frameworks"));
    assert_eq!(changes[5].rationale.as_deref(), Some("nobody uses it"));
    // The first edition: everything is new.
    assert!(
        compare(&shape, None, &before)
            .iter()
            .all(|c| c.movement == Movement::New)
    );
}

#[test]
fn staleness_counts_editions_without_reassessment() {
    let blips = |r: Option<&str>| {
        vec![
            entry("LoRA", "training methods", "mature", r),
            entry("RWKV", "foundation architectures", "emerging", r),
        ]
    };
    let editions = vec![
        edition("2026-08", blips(None)),
        edition("2026-09", blips(None)),
        edition(
            "2026-10",
            vec![
                entry(
                    "LoRA",
                    "training methods",
                    "mature",
                    Some("still the default"),
                ),
                entry("RWKV", "foundation architectures", "emerging", None),
            ],
        ),
        edition("2026-11", blips(None)),
    ];
    let mut read = HashMap::new();
    assert_eq!(stale(&editions, &read, 3), vec![("RWKV".to_string(), 3)]);
    assert_eq!(
        stale(&editions, &read, 1),
        vec![("LoRA".to_string(), 1), ("RWKV".to_string(), 3)]
    );
    // Reading a linked paper in 2026-11 counts as a reassessment.
    read.insert("rwkv".to_string(), vec!["2026-11".to_string()]);
    assert!(stale(&editions, &read, 1).iter().all(|(b, _)| b != "RWKV"));
    assert!(stale(&[], &read, 3).is_empty());
}

#[test]
fn shapes_and_edition_names_are_checked() {
    assert!(Shape::seed().validate().is_ok());
    let three = Shape {
        quadrants: vec!["a".into(), "b".into(), "c".into()],
        rings: vec!["x".into()],
    };
    assert_eq!(three.validate(), Err(ShapeError::Quadrants(3)));
    let twice = Shape {
        quadrants: vec!["a".into(), "A".into(), "c".into(), "d".into()],
        rings: vec!["x".into()],
    };
    let err = twice.validate().expect_err("duplicate");
    assert_eq!(err, ShapeError::Twice("A".into()));
    assert_eq!(err.to_string(), "'A' is named twice");
    assert_eq!(check_edition_name("2026-11"), Ok("2026-11".into()));
    for bad in ["2026-13", "26-11", "2026/11", "november"] {
        assert!(check_edition_name(bad).is_err(), "{bad}");
    }
    assert_eq!(next_month("2026-12").as_deref(), Some("2027-01"));
    assert_eq!(next_month("2026-01").as_deref(), Some("2026-02"));
    assert_eq!(Shape::seed().ring("Emerging"), Some(1));
}

#[test]
fn month_windows_cross_years() {
    assert_eq!(
        month_window("2027-02", 4),
        ["2026-11", "2026-12", "2027-01", "2027-02"]
    );
    assert_eq!(month_window("2026-11", 0), ["2026-11"]);
}
