//! The technology radar from the command line: the seed, editions, moves
//! with reasons, evidence, diff and history, pictures, interchange, trends
//! and the 70/20/10 budget.

use crate::support::Home;

const SEED: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/radar/seed.toml");

fn home_with_papers() -> Home {
    Home::with_starter_papers()
}

fn home() -> Home {
    let home = home_with_papers();
    let run = home.run(&["radar", "import", SEED]);
    assert!(
        run.ok().stderr().contains("Imported 15 blips into 2026-11"),
        "{}",
        run.stderr()
    );
    home
}

fn json(home: &Home, args: &[&str]) -> serde_json::Value {
    let run = home.run(args);
    serde_json::from_str(&run.ok().stdout()).expect("JSON output")
}

fn blip<'a>(view: &'a serde_json::Value, name: &str) -> &'a serde_json::Value {
    view["blips"]
        .as_array()
        .expect("blips")
        .iter()
        .find(|b| b["name"] == name)
        .unwrap_or_else(|| panic!("{name} is not shown"))
}

#[test]
fn the_seed_shows_by_quadrant_and_ring_with_its_papers() {
    let home = home();
    let view = json(&home, &["radar", "show", "--json"]);
    assert_eq!(view["edition"], "2026-11");
    assert_eq!(view["blips"].as_array().map(Vec::len), Some(15));
    assert_eq!(
        view["shape"]["rings"],
        serde_json::json!(["mature", "emerging", "edge"])
    );
    let lora = blip(&view, "LoRA");
    assert_eq!(lora["quadrant"], "training methods");
    assert_eq!(lora["ring"], "mature");
    assert_eq!(lora["movement"], "new");
    assert_eq!(lora["papers"], serde_json::json!(["2106.09685"]));
    assert!(lora["description"].as_str().is_some_and(|d| !d.is_empty()));
    let text = home.run(&["radar", "show"]).ok().stdout();
    assert!(
        text.contains("TRAINING METHODS") && text.contains("emerging"),
        "{text}"
    );
    assert!(text.contains("FlashAttention-2"), "{text}");
    // A blip shows its papers with their reading state.
    home.run(&["read", "2106.09685", "done", "--pass", "1"])
        .ok();
    let one = json(&home, &["radar", "blip", "lora", "--json"]);
    assert_eq!(one["papers"][0]["id"], "2106.09685");
    assert_eq!(one["papers"][0]["reading"], serde_json::json!(["skimmed"]));
    assert!(
        one["aliases"]
            .as_array()
            .is_some_and(|a| a.iter().any(|x| x == "low-rank adaptation"))
    );
}

#[test]
fn editions_moves_need_reasons_and_history_keeps_them() {
    let home = home();
    home.run(&["radar", "edition", "new"]).ok();
    let err = home
        .run(&["radar", "move", "DoRA", "--ring", "mature"])
        .fails(2);
    assert!(err.contains("needs a rationale"), "{err}");
    assert_eq!(err.trim().lines().count(), 1, "{err}");
    home.run(&[
        "radar",
        "move",
        "DoRA",
        "--ring",
        "mature",
        "--rationale",
        "our default now",
    ])
    .ok();
    home.run(&[
        "radar",
        "phase-out",
        "LangChain",
        "--rationale",
        "plain code won",
    ])
    .ok();
    home.run(&[
        "radar",
        "add",
        "Mamba",
        "--quadrant",
        "foundation architectures",
        "--ring",
        "edge",
        "--description",
        "Selective state spaces",
    ])
    .ok();
    let diff = json(&home, &["radar", "diff", "--json"]);
    assert_eq!(diff["from"], "2026-11");
    assert_eq!(diff["to"], "2026-12");
    let moved: Vec<(String, String)> = diff["changes"]
        .as_array()
        .expect("changes")
        .iter()
        .filter(|c| c["movement"] != "unchanged")
        .map(|c| {
            (
                c["blip"].as_str().unwrap_or("").to_string(),
                c["movement"].as_str().unwrap_or("").to_string(),
            )
        })
        .collect();
    assert_eq!(
        moved,
        [
            ("DoRA".to_string(), "moved_in".to_string()),
            ("Mamba".to_string(), "new".to_string()),
            ("LangChain".to_string(), "gone".to_string()),
        ]
    );
    let text = home.run(&["radar", "diff"]).ok().stdout();
    assert!(
        text.contains("2026-11 → 2026-12") && text.contains("why: our default now"),
        "{text}"
    );
    let history = json(&home, &["radar", "history", "DoRA", "--json"]);
    assert_eq!(history.as_array().map(Vec::len), Some(2));
    assert_eq!(history[1]["ring"], "mature");
    assert_eq!(history[1]["movement"], "moved_in");
    assert_eq!(history[1]["rationale"], "our default now");
    // The phased-out blip is hidden from the edition but kept in history.
    let view = json(&home, &["radar", "show", "--json"]);
    assert!(
        view["blips"]
            .as_array()
            .is_some_and(|b| b.iter().all(|x| x["name"] != "LangChain"))
    );
    assert_eq!(view["gone"], serde_json::json!(["LangChain"]));
    assert_eq!(
        json(&home, &["radar", "history", "LangChain", "--json"])
            .as_array()
            .map(Vec::len),
        Some(2)
    );
    // Published editions are read-only.
    home.run(&["radar", "edition", "freeze"]).ok();
    let err = home
        .run(&[
            "radar",
            "move",
            "RWKV",
            "--ring",
            "edge",
            "--rationale",
            "x",
        ])
        .fails(1);
    assert!(err.contains("frozen"), "{err}");
    let editions = json(&home, &["radar", "edition", "list", "--json"]);
    assert_eq!(editions[1]["frozen"], true);
    assert_eq!(editions[1]["blips"], 15);
}

#[test]
fn unknown_names_are_usage_errors_that_change_nothing() {
    let home = home();
    let err = home
        .run(&[
            "radar",
            "move",
            "Nope",
            "--ring",
            "edge",
            "--rationale",
            "x",
        ])
        .fails(2);
    assert!(err.contains("no blip 'Nope'"), "{err}");
    let err = home
        .run(&[
            "radar",
            "move",
            "RWKV",
            "--ring",
            "adopt",
            "--rationale",
            "x",
        ])
        .fails(2);
    assert!(
        err.contains("'adopt' is not a ring: mature, emerging, edge"),
        "{err}"
    );
    let err = home
        .run(&["radar", "show", "--edition", "2026-13"])
        .fails(2);
    assert!(err.contains("editions are months"), "{err}");
    let view = json(&home, &["radar", "show", "--json"]);
    assert_eq!(blip(&view, "RWKV")["ring"], "emerging");
    let bad = home.path().join("bad.csv");
    std::fs::write(&bad, "name,ring,quadrant,isNew,description\nX,edge,training methods,TRUE,ok\nY,edge,tools,TRUE,bad\n")
        .expect("write");
    let err = home
        .run(&["radar", "import", bad.to_str().expect("path")])
        .fails(2);
    assert!(
        err.contains("quadrant 'tools' is not one of") && err.contains("nothing was imported"),
        "{err}"
    );
    let view = json(&home, &["radar", "show", "--json"]);
    assert!(
        view["blips"]
            .as_array()
            .is_some_and(|b| b.iter().all(|x| x["name"] != "X")),
        "all or nothing"
    );
}

#[test]
fn byor_export_imports_back_into_a_fresh_library() {
    let home = home();
    let csv = home
        .run(&["radar", "export", "--format", "byor-csv"])
        .ok()
        .stdout();
    assert!(
        csv.starts_with("name,ring,quadrant,isNew,status,description\n"),
        "{csv}"
    );
    assert_eq!(csv.lines().count(), 16);
    let file = home.path().join("radar.csv");
    std::fs::write(&file, &csv).expect("write");
    let other = Home::new();
    other
        .run(&[
            "radar",
            "import",
            file.to_str().expect("path"),
            "--edition",
            "2027-01",
        ])
        .ok();
    let again = other
        .run(&["radar", "export", "--format", "byor-csv"])
        .ok()
        .stdout();
    assert_eq!(again, csv, "what BYOR carries survives the round trip");
    // The TOML export is the full radar and reads back the same.
    let toml = home
        .run(&["radar", "export", "--format", "toml"])
        .ok()
        .stdout();
    let path = home.path().join("radar.toml");
    std::fs::write(&path, &toml).expect("write");
    let bare = Home::new();
    let run = bare.run(&["radar", "import", path.to_str().expect("path")]);
    let said = run.ok().stderr();
    assert!(
        said.contains("Not in the library, so not linked:") && said.contains("1706.03762"),
        "{said}"
    );
    let third = home_with_papers();
    third
        .run(&["radar", "import", path.to_str().expect("path")])
        .ok();
    assert_eq!(
        third
            .run(&["radar", "export", "--format", "toml"])
            .ok()
            .stdout(),
        toml
    );
    let md = home
        .run(&["radar", "export", "--format", "markdown"])
        .ok()
        .stdout();
    assert!(
        md.starts_with("# Technology radar 2026-11") && md.contains("## training methods"),
        "{md}"
    );
}

#[test]
fn render_writes_an_svg_with_every_blip() {
    let home = home();
    let out = home.path().join("radar.svg");
    home.run(&["radar", "render", "-o", out.to_str().expect("path")])
        .ok();
    let svg = std::fs::read_to_string(&out).expect("svg written");
    assert!(svg.starts_with("<?xml") && svg.trim_end().ends_with("</svg>"));
    assert_eq!(svg.matches("class=\"blip\"").count(), 15);
    assert!(svg.contains("width=\"297mm\" height=\"210mm\""));
    let err = home
        .run(&[
            "radar",
            "render",
            "-o",
            home.path()
                .join("no/such/dir/r.svg")
                .to_str()
                .expect("path"),
        ])
        .fails(1);
    assert!(err.contains("cannot write"), "{err}");
}

#[test]
fn budget_sums_reading_time_by_ring() {
    let home = home();
    home.run(&["read", "2106.09685", "log", "60m"]).ok(); // LoRA: mature
    home.run(&["read", "2307.08621", "log", "30m"]).ok(); // RetNet: emerging
    home.run(&["read", "1512.03385", "log", "10m"]).ok(); // ResNet: on no blip
    let b = json(&home, &["radar", "budget", "--json"]);
    let rings = b["budget"]["rings"].as_array().expect("rings");
    let minutes = |name: &str| {
        rings
            .iter()
            .find(|r| r["name"] == name)
            .and_then(|r| r["minutes"].as_f64())
    };
    assert_eq!(minutes("mature"), Some(60.0));
    assert_eq!(minutes("emerging"), Some(30.0));
    assert_eq!(minutes("edge"), Some(0.0));
    assert_eq!(minutes("unassigned"), Some(10.0));
    assert_eq!(rings[0]["planned"], 70.0);
    let text = home.run(&["radar", "budget"]).ok().stdout();
    assert!(
        text.contains("under plan") || text.contains("over plan"),
        "{text}"
    );
}

#[test]
fn trends_count_mentions_per_month_and_never_move_anything() {
    let home = home();
    // The starter papers were published long ago: look at their months.
    let t = json(
        &home,
        &[
            "radar", "trends", "--until", "2021-06", "--months", "3", "--json",
        ],
    );
    assert_eq!(
        t["months"],
        serde_json::json!(["2021-04", "2021-05", "2021-06"])
    );
    let lora = t["blips"]
        .as_array()
        .expect("blips")
        .iter()
        .find(|b| b["blip"] == "LoRA")
        .expect("LoRA");
    // LoRA (2106.09685) was published in June 2021.
    assert_eq!(lora["counts"][2], serde_json::json!(["2021-06", 1]));
    let before = json(&home, &["radar", "show", "--json"]);
    home.run(&["radar", "trends"]).ok();
    assert_eq!(json(&home, &["radar", "show", "--json"]), before);
}

#[test]
fn no_radar_yet_says_how_to_start_one() {
    let home = Home::new();
    let err = home.run(&["radar", "show"]).fails(1);
    assert!(err.contains("radar import radar/seed.toml"), "{err}");
}

const FIXTURES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/radar");

fn rings_of(home: &Home, blip: &str) -> Vec<(String, String)> {
    let one = json(home, &["radar", "blip", blip, "--json"]);
    one["history"]
        .as_array()
        .expect("history")
        .iter()
        .map(|h| {
            (
                h["edition"].as_str().unwrap_or_default().to_string(),
                h["ring"].as_str().unwrap_or_default().to_string(),
            )
        })
        .collect()
}

fn edition_names(home: &Home) -> Vec<String> {
    json(home, &["radar", "edition", "list", "--json"])
        .as_array()
        .expect("editions")
        .iter()
        .map(|e| e["name"].as_str().unwrap_or_default().to_string())
        .collect()
}

#[test]
fn an_aoe_radar_imports_release_by_release_and_goes_back_out_with_its_history() {
    let home = Home::new();
    let run = home.run(&["radar", "import", &format!("{FIXTURES}/aoe")]);
    let said = run.ok().stderr();
    assert!(
        said.contains("Imported 9 editions, 2017-03 to 2025-08 (249 blips in the newest"),
        "{said}"
    );
    assert!(said.contains("warning:") && said.contains("Flow"), "{said}");
    let months = edition_names(&home);
    assert_eq!(months.len(), 9);
    let angular = rings_of(&home, "Angular");
    assert_eq!(angular.first().map(|a| a.1.as_str()), Some("Assess"));
    assert_eq!(angular.last().map(|a| a.1.as_str()), Some("Adopt"));
    let shown = json(&home, &["radar", "show", "--json"]);
    assert_eq!(
        shown["blips"].as_array().map(Vec::len),
        Some(86),
        "featured: false is off the radar"
    );
    // Out as an AOE folder and as Backstage JSON; each reads back the same history.
    let folder = home.path().join("aoe-out");
    home.run(&[
        "radar",
        "export",
        "--format",
        "aoe",
        "-o",
        folder.to_str().expect("path"),
    ])
    .ok();
    let again = Home::new();
    again
        .run(&["radar", "import", folder.to_str().expect("path")])
        .ok();
    assert_eq!(edition_names(&again), months);
    assert_eq!(rings_of(&again, "Angular"), angular);
    let err = home
        .run(&[
            "radar",
            "export",
            "--format",
            "aoe",
            "-o",
            folder.to_str().expect("path"),
        ])
        .fails(2);
    assert!(err.contains("exists already"), "{err}");
    let backstage = home.path().join("backstage.json");
    home.run(&[
        "radar",
        "export",
        "--format",
        "backstage",
        "-o",
        backstage.to_str().expect("path"),
    ])
    .ok();
    let third = Home::new();
    third
        .run(&["radar", "import", backstage.to_str().expect("path")])
        .ok();
    assert_eq!(rings_of(&third, "Angular"), angular);
}

#[test]
fn zalandos_radar_imports_under_its_names_and_exports_its_numbers() {
    let home = Home::new();
    let file = format!("{FIXTURES}/zalando/config.json");
    home.run(&["radar", "import", &file]).ok();
    let view = json(&home, &["radar", "show", "--json"]);
    assert_eq!(view["edition"], "2026-05");
    assert_eq!(view["blips"].as_array().map(Vec::len), Some(81));
    assert_eq!(blip(&view, "Go")["quadrant"], "Languages");
    let go = json(&home, &["radar", "blip", "Go", "--json"]);
    assert_eq!(
        go["link"],
        "https://engineering.zalando.com/tags/golang.html"
    );
    let run = home.run(&["radar", "export", "--format", "zalando"]);
    let hint = run.stderr();
    assert!(
        hint.contains("--quadrants \"Languages,Infrastructure,Datastores,Data Management\""),
        "{hint}"
    );
    let written: serde_json::Value = serde_json::from_str(&run.ok().stdout()).expect("json");
    let original: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&file).expect("fixture")).expect("json");
    let key = |e: &serde_json::Value| {
        (
            e["label"].to_string(),
            e["quadrant"].to_string(),
            e["ring"].to_string(),
            e["link"].to_string(),
        )
    };
    let mut a: Vec<_> = original["entries"]
        .as_array()
        .expect("entries")
        .iter()
        .map(key)
        .collect();
    let mut b: Vec<_> = written["entries"]
        .as_array()
        .expect("entries")
        .iter()
        .map(key)
        .collect();
    a.sort();
    b.sort();
    assert_eq!(a, b);
    // Other names, in Zalando's order.
    let other = Home::new();
    other
        .run(&[
            "radar",
            "import",
            &file,
            "--quadrants",
            "Code,Platform,Data,Pipelines",
        ])
        .ok();
    let view = json(&other, &["radar", "show", "--json"]);
    assert_eq!(blip(&view, "Go")["quadrant"], "Code");
}

#[test]
fn a_history_with_one_bad_release_imports_nothing() {
    let home = Home::new();
    let root = home.path().join("radar");
    for (rel, text) in [
        (
            "2024-01-01/a.md",
            "---\ntitle: A\nring: adopt\nquadrant: tools\n---\nfine\n",
        ),
        (
            "2024-02-01/b.md",
            "---\ntitle: B\nring: sometimes\nquadrant: tools\n---\n",
        ),
    ] {
        let path = root.join(rel);
        std::fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
        std::fs::write(path, text).expect("write");
    }
    std::fs::write(
        home.path().join("config.json"),
        r#"{"segments": [{"id": "tools", "title": "Tools"}, {"id": "a", "title": "A"}, {"id": "b", "title": "B"}, {"id": "c", "title": "C"}], "rings": [{"id": "adopt", "title": "Adopt"}]}"#,
    )
    .expect("config");
    let err = home
        .run(&["radar", "import", root.to_str().expect("path")])
        .fails(2);
    assert!(
        err.contains("2024-02-01/b.md")
            && err.contains("ring 'sometimes'")
            && err.contains("nothing was imported"),
        "{err}"
    );
    assert!(edition_names(&home).is_empty());
    let err = home
        .run(&["radar", "import", "no/such/radar.json"])
        .fails(2);
    assert!(err.contains("no such file"), "{err}");
}

#[test]
fn a_published_thoughtworks_volume_imports_with_its_old_ring_name_translated() {
    let home = Home::new();
    let run = home.run(&[
        "radar",
        "import",
        &format!("{FIXTURES}/byor/thoughtworks-volume-33.csv"),
        "--edition",
        "2025-11",
    ]);
    let said = run.ok().stderr();
    assert!(said.contains("Imported 114 blips into 2025-11"), "{said}");
    assert!(said.contains("caution"), "{said}");
    let view = json(&home, &["radar", "show", "--json"]);
    assert_eq!(
        view["shape"]["rings"],
        serde_json::json!(["adopt", "trial", "assess", "hold"])
    );
}

#[test]
fn the_monthly_review_proposes_and_remembers() {
    let home = home();
    // Papers added after the edition was made are the review's news.
    std::thread::sleep(std::time::Duration::from_millis(1100));
    let mut lines = Vec::new();
    for i in 0..4 {
        lines.push(serde_json::json!({
            "id": format!("2606.0{i}001"), "title": format!("Draft trees {i}"),
            "abstract": "Speculative decoding with draft trees makes inference kernels faster.",
            "published": "2026-06-10T00:00:00Z",
        }));
    }
    for i in 0..3 {
        lines.push(serde_json::json!({
            "id": format!("2605.0{i}001"), "title": format!("Molecules {i}"),
            "abstract": "Message passing for molecular property prediction.",
            "published": "2026-05-10T00:00:00Z",
        }));
    }
    lines.push(serde_json::json!({
        "id": "2606.09001", "title": "Weight decomposition revisited",
        "abstract": "We compare DoRA against full fine-tuning.",
        "published": "2026-06-11T00:00:00Z",
    }));
    let file = home.path().join("new.jsonl");
    std::fs::write(
        &file,
        lines
            .iter()
            .map(|l| l.to_string() + "\n")
            .collect::<String>(),
    )
    .expect("write");
    home.run(&["import", file.to_str().expect("path")]).ok();
    let review = json(&home, &["radar", "review", "--month", "2026-12", "--json"]);
    assert_eq!(review["edition"], "2026-12");
    assert_eq!(review["starts_edition"], true);
    assert_eq!(review["new_papers"], 8);
    let evidence = review["evidence"].as_array().expect("evidence");
    assert!(
        evidence
            .iter()
            .any(|e| e["blip"] == "DoRA" && e["paper"] == "2606.09001"),
        "{evidence:?}"
    );
    let terms: Vec<&str> = review["new_blips"]
        .as_array()
        .expect("new blips")
        .iter()
        .filter_map(|n| n["term"].as_str())
        .collect();
    assert!(terms.contains(&"speculative decoding"), "{terms:?}");
    let text = home
        .run(&["radar", "review", "--month", "2026-12"])
        .ok()
        .stdout();
    assert!(
        text.contains("Review for 2026-12") && text.contains("speculative decoding"),
        "{text}"
    );
    let said = home
        .run(&[
            "radar",
            "review",
            "--month",
            "2026-12",
            "accept",
            "new:speculative decoding",
            "--quadrant",
            "inference optimization",
        ])
        .ok()
        .stderr();
    assert!(
        said.contains("started 2026-12; added speculative decoding to inference optimization, edge, with 4 papers"),
        "{said}"
    );
    let view = json(&home, &["radar", "show", "--json"]);
    assert_eq!(view["edition"], "2026-12");
    assert_eq!(blip(&view, "speculative decoding")["ring"], "edge");
    let said = home
        .run(&[
            "radar",
            "review",
            "--month",
            "2026-12",
            "dismiss",
            "evidence:DoRA:2606.09001",
        ])
        .ok()
        .stderr();
    assert!(said.contains("no review will propose it again"), "{said}");
    let review = json(&home, &["radar", "review", "--month", "2026-12", "--json"]);
    assert!(
        review["evidence"].as_array().is_some_and(|e| e
            .iter()
            .all(|e| e["paper"] != "2606.09001" || e["blip"] != "DoRA")),
        "{review}"
    );
    let err = home
        .run(&[
            "radar",
            "review",
            "--month",
            "2026-12",
            "accept",
            "new:nothing",
        ])
        .fails(2);
    assert!(err.contains("not a proposal of this review"), "{err}");
}
