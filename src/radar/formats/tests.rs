//! Radar files, read from what the tools themselves write (see
//! tests/fixtures/radar/PROVENANCE.md) and written back.

use super::*;

fn blip(name: &str, description: &str) -> FileBlip {
    FileBlip {
        name: name.into(),
        quadrant: "training methods".into(),
        ring: "emerging".into(),
        description: description.into(),
        is_new: Some(true),
        ..FileBlip::default()
    }
}

#[test]
fn csv_round_trips_what_byor_carries() {
    let blips = vec![
        blip("LoRA", "Low-rank adapters, \"cheap\" fine-tuning"),
        blip("DoRA", "Magnitude, direction\nand more"),
        FileBlip {
            is_new: Some(false),
            ..blip("QLoRA", "")
        },
    ];
    let text = write_csv(&blips);
    assert!(
        text.starts_with("name,ring,quadrant,isNew,status,description\nLoRA,emerging,training methods,TRUE,,\"Low-rank adapters, \"\"cheap\"\" fine-tuning\"\n"),
        "{text}"
    );
    let back = read(&text, Format::Csv).expect("reads");
    assert_eq!(back.blips, blips);
}

#[test]
fn csv_errors_name_the_line() {
    let err = read("name,ring\nx,y\n", Format::Csv).expect_err("no quadrant");
    assert!(err.contains("line 1"), "{err}");
    let err = read(
        "name,ring,quadrant,isNew,description\nx,\"y,q,TRUE,d\n",
        Format::Csv,
    )
    .expect_err("open quote");
    assert!(
        err.contains("line 2") && err.contains("never closed"),
        "{err}"
    );
    let err = read("name,ring,quadrant\n,adopt,tools\n", Format::Csv).expect_err("empty name");
    assert!(err.contains("line 2"), "{err}");
}

#[test]
fn json_carries_the_extras_and_reads_byor_arrays() {
    let mut b = blip("LoRA", "adapters");
    b.rationale = Some("everyone uses it".into());
    b.papers = vec!["2106.09685".into()];
    b.aliases = vec!["low-rank adaptation".into()];
    let text = write_json(std::slice::from_ref(&b));
    assert!(text.contains("\"isNew\": \"TRUE\""));
    let back = read(&text, Format::Json).expect("reads");
    assert_eq!(back.blips, vec![b]);
    let byor = r#"[{"name": "X", "ring": "Adopt", "quadrant": "Tools", "isNew": "false", "description": "d"}]"#;
    assert_eq!(
        read(byor, Format::Json).expect("byor").blips[0].is_new,
        Some(false)
    );
}

#[test]
fn the_seed_file_reads() {
    let file = read(include_str!("../../../radar/seed.toml"), Format::Toml).expect("seed");
    assert_eq!(file.edition.as_deref(), Some("2026-11"));
    assert_eq!(file.shape(), Some(Shape::seed()));
    assert_eq!(file.blips.len(), 15);
    let lora = file.blips.iter().find(|b| b.name == "LoRA").expect("LoRA");
    assert_eq!(
        (lora.quadrant.as_str(), lora.ring.as_str()),
        ("training methods", "mature")
    );
    assert_eq!(lora.papers, vec!["2106.09685"]);
    let again = read(&write_toml(&file), Format::Toml).expect("round trip");
    assert_eq!(again, file);
}

#[test]
fn formats_are_detected() {
    use std::path::Path;
    assert_eq!(Format::detect(Path::new("r.csv"), ""), Format::Csv);
    assert_eq!(
        Format::detect(Path::new("r"), "name,ring,quadrant"),
        Format::Csv
    );
    assert_eq!(
        Format::detect(Path::new("r"), "[{\"name\": 1}]"),
        Format::Json
    );
    assert_eq!(
        Format::detect(Path::new("r"), "edition = \"2026-11\""),
        Format::Toml
    );
}

const FIXTURES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/radar");

fn fixture(path: &str) -> Parsed {
    let path = std::path::Path::new(FIXTURES).join(path);
    read_path(&path, None, &Options::default())
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn only(parsed: &Parsed) -> &RadarFile {
    assert_eq!(parsed.editions.len(), 1, "{:?}", parsed.warnings);
    &parsed.editions[0]
}

fn count<'a>(blips: impl Iterator<Item = &'a FileBlip>, f: impl Fn(&FileBlip) -> bool) -> usize {
    blips.filter(|b| f(b)).count()
}

#[test]
fn a_published_thoughtworks_volume_reads_whole() {
    let parsed = fixture("byor/thoughtworks-volume-33.csv");
    let file = only(&parsed);
    assert_eq!(file.blips.len(), 114);
    // Its `caution` ring is hold by its modern name, and says so once.
    assert_eq!(count(file.blips.iter(), |b| b.ring == "hold"), 6);
    assert_eq!(count(file.blips.iter(), |b| b.ring == "caution"), 0);
    assert_eq!(parsed.warnings.len(), 1, "{:?}", parsed.warnings);
    assert!(parsed.warnings[0].contains("caution"));
    // Every status (lower case in this sheet) becomes a movement.
    let moved = |m: Movement| count(file.blips.iter(), |b| b.movement == Some(m));
    assert_eq!(
        (
            moved(Movement::New),
            moved(Movement::MovedIn),
            moved(Movement::MovedOut),
            moved(Movement::Unchanged)
        ),
        (85, 17, 3, 9)
    );
    assert_eq!(count(file.blips.iter(), |b| b.is_new == Some(true)), 85);
    let quadrants: std::collections::BTreeSet<&str> =
        file.blips.iter().map(|b| b.quadrant.as_str()).collect();
    assert_eq!(quadrants.len(), 4, "{quadrants:?}");
    assert!(
        file.blips
            .iter()
            .all(|b| !b.description.is_empty() || b.movement != Some(Movement::New))
    );
}

#[test]
fn the_first_thoughtworks_volume_reads_too() {
    let parsed = fixture("byor/thoughtworks-volume-01.csv");
    let file = only(&parsed);
    assert_eq!(file.blips.len(), 38);
    assert_eq!(count(file.blips.iter(), |b| b.ring == "hold"), 4);
}

#[test]
fn byors_own_test_sheet_keeps_one_of_a_blip_named_twice() {
    let parsed = fixture("byor/byor-sheet.csv");
    let file = only(&parsed);
    let delta = count(file.blips.iter(), |b| b.name == "Delta Lake");
    assert_eq!(delta, 1);
    assert!(
        parsed
            .warnings
            .iter()
            .any(|w| w.contains("Delta Lake") && w.contains("line")),
        "{:?}",
        parsed.warnings
    );
    let json = fixture("byor/byor-radar.json");
    assert!(
        only(&json)
            .blips
            .iter()
            .any(|b| b.name == "Babel" && b.is_new == Some(true))
    );
}

#[test]
fn spreadsheet_exports_read_as_spreadsheets_write_them() {
    // Quoted headers in another order, CRLF line ends, trailing empty
    // fields, a description over three lines, an empty row, Title Case.
    let text = "\"Name\",\"Quadrant\",\"Ring\",\"Status\",\"Description\",,\r\n\
                LoRA,Techniques,Adopt,Moved In,\"Low-rank\r\nadapters,\r\n\"\"cheap\"\"\",,\r\n\
                ,,,,,,\r\n\
                Old thing,Tools,Caution,No Change,,,\r\n";
    let parsed = read_text(text, Format::Csv, &Options::default()).expect("reads");
    let file = only(&parsed);
    assert_eq!(file.blips.len(), 2);
    let lora = &file.blips[0];
    assert_eq!(
        (lora.quadrant.as_str(), lora.ring.as_str()),
        ("Techniques", "Adopt")
    );
    assert_eq!(lora.description, "Low-rank\r\nadapters,\r\n\"cheap\"");
    assert_eq!(lora.movement, Some(Movement::MovedIn));
    assert_eq!(lora.is_new, Some(false));
    assert_eq!(file.blips[1].ring, "Hold");
    assert_eq!(
        Format::detect(std::path::Path::new("sheet"), text),
        Format::Csv
    );
    let err = read_text(
        "name,ring,quadrant,status\nx,adopt,tools,new\ny,,tools,new\n",
        Format::Csv,
        &Options::default(),
    )
    .expect_err("missing ring");
    assert!(err.contains("line 3"), "{err}");
}

#[test]
fn zalandos_published_radar_reads_with_its_quadrants_in_place() {
    let parsed = fixture("zalando/config.json");
    let file = only(&parsed);
    assert_eq!(file.edition.as_deref(), Some("2026-05"));
    assert_eq!(file.blips.len(), 81);
    // Zalando's quadrant 0 (Languages) is drawn bottom right, 2 top left.
    let shape = file.shape().expect("shape");
    assert_eq!(
        shape.quadrants,
        [
            "Datastores",
            "Data Management",
            "Infrastructure",
            "Languages"
        ]
    );
    assert_eq!(shape.rings, ["adopt", "trial", "assess", "hold"]);
    let go = file.blips.iter().find(|b| b.name == "Go").expect("Go");
    assert_eq!(
        (go.quadrant.as_str(), go.ring.as_str()),
        ("Languages", "adopt")
    );
    assert_eq!(
        go.link.as_deref(),
        Some("https://engineering.zalando.com/tags/golang.html")
    );
    let agent = file
        .blips
        .iter()
        .find(|b| b.name == "Agentgateway")
        .expect("new one");
    assert_eq!(agent.movement, Some(Movement::New));
    assert_eq!(
        count(file.blips.iter(), |b| b.movement == Some(Movement::MovedIn)),
        4
    );
    // And back: the same numbers Zalando wrote.
    let text = write_zalando("2026-05", &shape, &file.blips).expect("writes");
    let again =
        only(&read_text(&text, Format::Zalando, &Options::default()).expect("reads")).clone();
    assert_eq!(again, file.clone());
    let original: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(format!("{FIXTURES}/zalando/config.json")).expect("file"),
    )
    .expect("json");
    let written: serde_json::Value = serde_json::from_str(&text).expect("json");
    for (a, b) in original["entries"]
        .as_array()
        .expect("entries")
        .iter()
        .zip(written["entries"].as_array().expect("entries"))
    {
        for key in ["quadrant", "ring", "label", "moved", "active"] {
            assert_eq!(a[key], b[key], "{key} of {}", a["label"]);
        }
    }
    assert_eq!(written["date"], "2026.05");
}

#[test]
fn zalando_quadrant_names_can_be_given() {
    let text = std::fs::read_to_string(format!("{FIXTURES}/zalando/config.json")).expect("file");
    let names = ["Languages", "Platform", "Data", "Ops"]
        .map(String::from)
        .to_vec();
    let options = Options {
        quadrants: Some(names.clone()),
        rings: None,
    };
    let file = only(&read_text(&text, Format::Zalando, &options).expect("reads")).clone();
    assert_eq!(file.quadrants, ["Data", "Ops", "Platform", "Languages"]);
    assert_eq!(zalando_quadrant_order(&file.shape().expect("shape")), names);
    let bad = Options {
        quadrants: Some(vec!["a".into()]),
        rings: None,
    };
    assert!(
        read_text(&text, Format::Zalando, &bad)
            .expect_err("one name")
            .contains("four")
    );
    let err = read_text(
        r#"{"date": "2024.01", "entries": [{"quadrant": 4, "ring": 0, "label": "X"}]}"#,
        Format::Zalando,
        &Options::default(),
    )
    .expect_err("quadrant 4");
    assert!(
        err.contains("entry 1 ('X')") && err.contains("quadrant 4"),
        "{err}"
    );
}

#[test]
fn backstages_readme_sample_puts_its_quadrants_where_it_names_them() {
    let parsed = fixture("backstage/readme-sample.json");
    // Its two timeline points share February 2022: one edition, the later wins.
    let file = only(&parsed);
    assert_eq!(file.edition.as_deref(), Some("2022-02"));
    assert_eq!(
        file.quadrants,
        ["Top left", "Top right", "Bottom left", "Bottom right"]
    );
    assert_eq!(file.rings, ["ADOPT", "TRIAL", "ASSESS", "HOLD"]);
    let ts = &file.blips[0];
    assert_eq!(
        (ts.name.as_str(), ts.quadrant.as_str(), ts.ring.as_str()),
        ("Typescript", "Bottom right", "ADOPT")
    );
    assert_eq!(ts.rationale.as_deref(), Some("Long description for adopt"));
    assert_eq!(ts.description, "Long description for Typescript");
    assert_eq!(ts.link, None, "the # placeholder is no link");
}

#[test]
fn a_backstage_timeline_becomes_editions() {
    let parsed = fixture("backstage/ons-radar.json");
    let months: Vec<&str> = parsed
        .editions
        .iter()
        .filter_map(|e| e.edition.as_deref())
        .collect();
    assert_eq!(
        months,
        ["2024-05", "2024-06", "2024-07", "2024-08", "2024-09"]
    );
    let rings: Vec<String> = parsed
        .editions
        .iter()
        .map(|e| {
            e.blips
                .iter()
                .find(|b| b.name == "Javascript")
                .expect("js")
                .ring
                .clone()
        })
        .collect();
    assert_eq!(rings, ["TRIAL", "ADOPT", "ADOPT", "ASSESS", "ADOPT"]);
    assert!(parsed.editions.iter().all(|e| e.blips.len() == 65));
    let platform = fixture("backstage/platform-tech-radar.json");
    assert_eq!(platform.editions[0].edition.as_deref(), Some("2020-01"));
    assert_eq!(platform.editions[0].blips.len(), 1);
    assert_eq!(platform.editions.last().expect("last").blips.len(), 18);
    // Written back, the history survives.
    let last = parsed.editions.last().expect("last");
    let shape = last.shape().expect("shape");
    let text = write_backstage("ONS", &shape, &parsed.editions).expect("writes");
    let again = read_text(&text, Format::Backstage, &Options::default()).expect("reads");
    assert_eq!(
        Format::detect(std::path::Path::new("x.json"), &text),
        Format::Backstage
    );
    let rings_again: Vec<String> = again
        .editions
        .iter()
        .map(|e| {
            e.blips
                .iter()
                .find(|b| b.name == "Javascript")
                .expect("js")
                .ring
                .clone()
        })
        .collect();
    assert_eq!(rings_again, rings);
    assert_eq!(
        again.editions.last().expect("last").quadrants,
        last.quadrants
    );
}

#[test]
fn aoes_published_radar_reads_release_by_release() {
    let parsed = fixture("aoe");
    let months: Vec<&str> = parsed
        .editions
        .iter()
        .filter_map(|e| e.edition.as_deref())
        .collect();
    assert_eq!(
        months,
        [
            "2017-03", "2018-03", "2019-11", "2021-07", "2022-03", "2023-02", "2023-11", "2024-07",
            "2025-08"
        ]
    );
    let sizes: Vec<usize> = parsed.editions.iter().map(|e| e.blips.len()).collect();
    assert_eq!(sizes, [78, 99, 129, 168, 184, 199, 211, 230, 249]);
    let last = parsed.editions.last().expect("last");
    assert_eq!(count(last.blips.iter(), |b| b.phased_out), 163);
    assert_eq!(
        last.quadrants,
        [
            "Methods & Patterns",
            "Tools",
            "Platforms & Operations",
            "Languages & Frameworks"
        ]
    );
    assert_eq!(last.rings, ["Adopt", "Trial", "Assess", "Hold"]);
    let angular: Vec<&str> = parsed
        .editions
        .iter()
        .map(|e| {
            e.blips
                .iter()
                .find(|b| b.name == "Angular")
                .expect("angular")
                .ring
                .as_str()
        })
        .collect();
    assert_eq!(
        angular,
        [
            "Assess", "Trial", "Trial", "Adopt", "Adopt", "Adopt", "Adopt", "Adopt", "Adopt"
        ]
    );
    // Two items are titled "Flow"; the second keeps its id in its name.
    assert!(
        parsed.warnings.iter().any(|w| w.contains("Flow")),
        "{:?}",
        parsed.warnings
    );
    assert!(last.blips.iter().any(|b| b.name == "Flow (flowtype)"));
    // A revision's text is the rationale of its release.
    let artifactory_2023 = parsed.editions[6]
        .blips
        .iter()
        .find(|b| b.name == "Artifactory")
        .expect("artifactory");
    assert_eq!(artifactory_2023.ring, "Hold");
    assert!(artifactory_2023.rationale.is_some());
}

#[test]
fn a_later_aoe_release_may_carry_only_what_changed() {
    let dir = tempfile::tempdir().expect("tempdir");
    let write = |rel: &str, text: &str| {
        let path = dir.path().join("radar").join(rel);
        std::fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
        std::fs::write(path, text).expect("write");
    };
    write(
        "2024-01-15/lora.md",
        "---\ntitle: \"LoRA\"\nring: trial\nquadrant: methods-and-patterns\n---\n\nLow-rank adapters.\n",
    );
    write(
        "2024-06-01/lora.md",
        "---\nring: adopt\n---\n\nEveryone fine-tunes this way now.\n",
    );
    write(
        "2024-06-20/tool.md",
        "---\ntitle: Tool\nring: hold\nquadrant: tools\nfeatured: false\n---\n",
    );
    let parsed = read_path(dir.path(), None, &Options::default()).expect("reads");
    assert_eq!(parsed.editions.len(), 2);
    assert!(
        parsed
            .warnings
            .iter()
            .any(|w| w.contains("2024-06-01") && w.contains("2024-06-20")),
        "{:?}",
        parsed.warnings
    );
    let lora = &parsed.editions[1].blips[0];
    assert_eq!(
        (
            lora.name.as_str(),
            lora.ring.as_str(),
            lora.quadrant.as_str()
        ),
        ("LoRA", "adopt", "Methods & Patterns")
    );
    assert_eq!(
        lora.rationale.as_deref(),
        Some("Everyone fine-tunes this way now.")
    );
    assert!(parsed.editions[1].blips[1].phased_out);
    // Written out and read back: the same history.
    let shape = parsed.editions[1].shape().expect("shape");
    let out = tempfile::tempdir().expect("tempdir");
    for (path, text) in write_aoe(&shape, &parsed.editions) {
        let path = out.path().join(path);
        std::fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
        std::fs::write(path, text).expect("write");
    }
    let again = read_path(out.path(), None, &Options::default()).expect("reads back");
    let rings = |p: &Parsed| -> Vec<Vec<(String, String, bool)>> {
        p.editions
            .iter()
            .map(|e| {
                e.blips
                    .iter()
                    .map(|b| (b.name.clone(), b.ring.clone(), b.phased_out))
                    .collect()
            })
            .collect()
    };
    assert_eq!(rings(&again), rings(&parsed));
    // A first revision without a ring names its file.
    write(
        "2025-01-01/bad.md",
        "---\ntitle: Bad\nquadrant: tools\n---\n",
    );
    let err = read_path(dir.path(), None, &Options::default()).expect_err("no ring");
    assert!(err.contains("2025-01-01/bad.md"), "{err}");
}
