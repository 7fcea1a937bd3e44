//! Acting from the app: each key's prompt, picker or confirmation ends in
//! the intent the worker applies; the new prompts and the Review screen
//! drawn at 80×24 and 160×48; and the real worker applying every action
//! to a library file, checked the way the CLI reads it.

use super::app::{App, Confirm, Pick, Prompt, Purpose, Screen};
use super::state::{Intent, RadarEdit, Update};
use super::test_kit::*;
use super::worker::{self};
use crate::config::Config;
use crate::home::Home;
use crate::library::{Library, RowFilter};
use crate::radar::store::ReviewSettings;
use crossterm::event::{KeyCode, KeyEvent};

fn typed(app: &mut App, text: &str) -> Vec<Intent> {
    let mut out = Vec::new();
    for c in text.chars() {
        out.extend(app.on_key(key(c)));
    }
    out
}

fn library() -> Library {
    let mut lib = Library::open_in_memory().expect("library");
    crate::starter::load(&mut lib).expect("starter");
    lib.radar_import(&crate::radar::seed(), None)
        .expect("seed radar");
    lib
}

fn loaded(lib: &Library) -> App {
    let config = Config::default();
    let mut app = App::new(false);
    app.on_update(Update::Papers(
        lib.paper_rows(&RowFilter::default()).expect("rows"),
    ));
    app.on_update(Update::Tags(lib.tag_counts().expect("tags")));
    app.on_update(Update::Radar(Box::new(
        worker::radar(lib, &config, None).expect("radar"),
    )));
    app
}

fn on_radar_blip(app: &mut App, name: &str) {
    app.on_key(key('4'));
    let data = app.radar.data.as_ref().expect("radar");
    app.radar.cursor.selected = data
        .view
        .blips
        .iter()
        .position(|b| b.name == name)
        .expect("blip");
}

#[test]
fn tags_are_edited_with_completion() {
    let lib = library();
    let mut app = loaded(&lib);
    let first = app.library.rows[0].id.clone();
    assert!(app.on_key(key('T')).is_empty());
    assert!(
        matches!(&app.prompt, Some(Prompt::Ask(a)) if a.purpose == Purpose::Tags { paper: first.clone() })
    );
    typed(&mut app, "reading-list, pre");
    app.on_key(code(KeyCode::Tab));
    typed(&mut app, ", -peft");
    let intents = app.on_key(code(KeyCode::Enter));
    assert_eq!(
        intents,
        vec![Intent::Tag {
            paper: first,
            add: vec!["reading-list".into(), "pretraining".into()],
            remove: vec!["peft".into()],
        }]
    );
    assert!(app.prompt.is_none());
}

#[test]
fn papers_are_added_imported_removed_and_filtered_by_tag() {
    let lib = library();
    let mut app = loaded(&lib);
    app.on_key(key('a'));
    typed(&mut app, "2106.09685 https://arxiv.org/abs/2305.14314");
    assert_eq!(
        app.on_key(code(KeyCode::Enter)),
        vec![Intent::AddPapers(vec![
            "2106.09685".into(),
            "https://arxiv.org/abs/2305.14314".into()
        ])]
    );
    app.on_key(key('i'));
    typed(&mut app, "refs.bib");
    assert_eq!(
        app.on_key(code(KeyCode::Enter)),
        vec![Intent::Import("refs.bib".into())]
    );
    let id = app.library.rows[0].id.clone();
    app.on_key(key('D'));
    assert!(
        matches!(&app.prompt, Some(Prompt::Confirm(Confirm::RemovePaper { id: i, .. })) if *i == id)
    );
    assert!(
        app.on_key(key('z')).is_empty(),
        "other keys keep the question"
    );
    assert!(app.prompt.is_some());
    assert!(app.on_key(key('n')).is_empty());
    assert!(app.prompt.is_none());
    app.on_key(key('D'));
    let intents = app.on_key(key('y'));
    assert_eq!(intents[0], Intent::RemovePaper(id));
    assert!(matches!(intents[1], Intent::LoadPapers(_)));
    app.on_key(key('#'));
    let picker = app.picker.clone().expect("tag list");
    assert_eq!(picker.purpose, Pick::TagFilter);
    let peft = app
        .tags
        .iter()
        .position(|(t, _)| t == "peft")
        .expect("peft");
    for _ in 0..peft {
        app.on_key(key('j'));
    }
    let intents = app.on_key(code(KeyCode::Enter));
    assert!(matches!(&intents[..], [Intent::LoadPapers(f)] if f.tag.as_deref() == Some("peft")));
    assert!(app.picker.is_none());
}

#[test]
fn a_paper_is_linked_to_a_blip_from_the_list() {
    let lib = library();
    let mut app = loaded(&lib);
    app.open_paper("2106.09685");
    app.on_key(key('L'));
    let picker = app.picker.clone().expect("blips");
    assert_eq!(
        picker.purpose,
        Pick::LinkBlip {
            paper: "2106.09685".into()
        }
    );
    let dora = picker
        .options
        .iter()
        .position(|o| o == "DoRA")
        .expect("DoRA");
    app.picker.as_mut().expect("picker").cursor.selected = dora;
    assert_eq!(
        app.on_key(code(KeyCode::Enter)),
        vec![Intent::Radar(RadarEdit::Link {
            blip: "DoRA".into(),
            paper: "2106.09685".into()
        })]
    );
}

#[test]
fn a_move_takes_a_ring_a_quadrant_and_a_reason() {
    let lib = library();
    let mut app = loaded(&lib);
    on_radar_blip(&mut app, "RWKV");
    app.on_key(key('M'));
    let picker = app.picker.clone().expect("rings");
    assert_eq!(picker.options, ["mature", "emerging", "edge"]);
    assert_eq!(picker.cursor.selected, 1, "starts on its ring");
    app.on_key(key('j'));
    app.on_key(code(KeyCode::Enter));
    let picker = app.picker.clone().expect("quadrants");
    assert_eq!(
        picker.options[picker.cursor.selected],
        "foundation architectures"
    );
    app.on_key(code(KeyCode::Enter));
    assert!(
        matches!(&app.prompt, Some(Prompt::Ask(a)) if matches!(&a.purpose, Purpose::MoveRationale { ring, .. } if ring == "edge"))
    );
    assert!(
        app.on_key(code(KeyCode::Enter)).is_empty(),
        "no reason, no move"
    );
    assert!(
        app.prompt.is_some()
            && app
                .message
                .as_ref()
                .is_some_and(|m| m.1.contains("Say why"))
    );
    typed(&mut app, "no new results this year");
    assert_eq!(
        app.on_key(code(KeyCode::Enter)),
        vec![Intent::Radar(RadarEdit::Move {
            blip: "RWKV".into(),
            ring: "edge".into(),
            quadrant: "foundation architectures".into(),
            rationale: "no new results this year".into(),
        })]
    );
    // Staying put is no move.
    app.on_key(key('M'));
    app.on_key(code(KeyCode::Enter));
    assert!(app.on_key(code(KeyCode::Enter)).is_empty());
    assert!(
        app.message
            .as_ref()
            .is_some_and(|m| m.1.contains("there already"))
    );
}

#[test]
fn blips_are_added_edited_reassessed_and_phased_out_and_editions_started_and_frozen() {
    let lib = library();
    let mut app = loaded(&lib);
    on_radar_blip(&mut app, "LoRA");
    app.on_key(key('A'));
    typed(&mut app, "GaLore");
    app.on_key(code(KeyCode::Enter));
    assert_eq!(
        app.picker
            .as_ref()
            .map(|p| p.options[p.cursor.selected].as_str()),
        Some("training methods")
    );
    app.on_key(code(KeyCode::Enter));
    assert_eq!(
        app.picker
            .as_ref()
            .map(|p| p.options[p.cursor.selected].as_str()),
        Some("edge")
    );
    app.on_key(code(KeyCode::Enter));
    typed(&mut app, "Low-rank gradient projection");
    assert_eq!(
        app.on_key(code(KeyCode::Enter)),
        vec![Intent::Radar(RadarEdit::Add {
            name: "GaLore".into(),
            quadrant: "training methods".into(),
            ring: "edge".into(),
            description: "Low-rank gradient projection".into(),
        })]
    );
    app.on_key(key('E'));
    app.on_key(code(KeyCode::Enter));
    assert!(
        matches!(&app.prompt, Some(Prompt::Ask(a)) if !a.text.is_empty()),
        "the description is pre-filled"
    );
    app.on_key(KeyEvent::new(
        KeyCode::Char('u'),
        crossterm::event::KeyModifiers::CONTROL,
    ));
    typed(&mut app, "Low-rank adapters");
    assert_eq!(
        app.on_key(code(KeyCode::Enter)),
        vec![Intent::Radar(RadarEdit::Describe {
            blip: "LoRA".into(),
            description: Some("Low-rank adapters".into()),
            rationale: None
        })]
    );
    app.on_key(key('E'));
    app.on_key(key('j'));
    app.on_key(code(KeyCode::Enter));
    typed(&mut app, "still the default");
    assert_eq!(
        app.on_key(code(KeyCode::Enter)),
        vec![Intent::Radar(RadarEdit::Describe {
            blip: "LoRA".into(),
            description: None,
            rationale: Some("still the default".into())
        })]
    );
    app.on_key(key('P'));
    typed(&mut app, "DoRA replaced it");
    assert_eq!(
        app.on_key(code(KeyCode::Enter)),
        vec![Intent::Radar(RadarEdit::PhaseOut {
            blip: "LoRA".into(),
            rationale: "DoRA replaced it".into()
        })]
    );
    assert_eq!(
        app.on_key(key('N')),
        vec![Intent::Radar(RadarEdit::NewEdition)]
    );
    app.on_key(key('F'));
    assert!(
        matches!(&app.prompt, Some(Prompt::Confirm(Confirm::Freeze { edition })) if edition == "2026-11")
    );
    assert_eq!(
        app.on_key(key('y')),
        vec![Intent::Radar(RadarEdit::Freeze("2026-11".into()))]
    );
    // A frozen edition refuses edits, with a message.
    app.radar.data.as_mut().expect("radar").view.frozen = true;
    assert!(app.on_key(key('M')).is_empty() && app.picker.is_none());
    assert!(app.message.as_ref().is_some_and(|m| m.1.contains("frozen")));
}

fn review_of(lib: &Library) -> crate::radar::store::Review {
    lib.radar_review(
        Some("2026-12"),
        &ReviewSettings {
            model: None,
            stale_after: 3,
            months: 6,
            plan: vec![70.0, 20.0, 10.0],
        },
    )
    .expect("review")
}

/// The seed made a month ago, then papers that mention its blips and a term
/// that rises.
fn reviewed_library() -> Library {
    let mut lib = library();
    add_review_papers(&mut lib);
    lib
}

fn add_review_papers(lib: &mut Library) {
    lib.conn()
        .execute_batch(
            "UPDATE papers SET added_at = '2026-11-01T09:00:00Z';
             UPDATE radar_editions SET created_at = '2026-11-01T10:00:00Z';",
        )
        .expect("backdate");
    let mut items = Vec::new();
    for (i, (month, text)) in [
        ("2026-05", "Message passing for molecules."),
        ("2026-05", "Message passing for proteins."),
        ("2026-06", "Speculative decoding with draft trees."),
        ("2026-06", "Speculative decoding for long outputs."),
        (
            "2026-06",
            "Speculative decoding at scale, compared with DoRA fine-tuning.",
        ),
    ]
    .into_iter()
    .enumerate()
    {
        items.push(crate::library::Incoming::from(crate::paper::Paper {
            id: format!("{}{}.0000{i}", &month[2..4], &month[5..7]),
            version: Some(1),
            title: format!("Paper {i}"),
            abstract_text: text.into(),
            published: crate::paper::parse_timestamp(&format!("{month}-10T00:00:00Z")),
            ..crate::paper::Paper::default()
        }));
    }
    lib.upsert(&items, "test", crate::library::Merge::Refresh)
        .expect("papers");
}

#[test]
fn the_review_screen_accepts_with_a_rationale_and_dismisses() {
    let lib = reviewed_library();
    let mut app = loaded(&lib);
    assert_eq!(app.on_key(key('8')), vec![Intent::LoadReview]);
    assert_eq!(app.screen, Screen::Review);
    app.on_update(Update::Review(Box::new(review_of(&lib))));
    let ids = app.review.data.as_ref().expect("review").ids();
    assert_eq!(ids[0], "evidence:DoRA:2606.00004");
    assert_eq!(
        app.on_key(code(KeyCode::Enter)),
        vec![Intent::AcceptProposal {
            id: ids[0].clone(),
            rationale: None
        }]
    );
    let new = ids
        .iter()
        .position(|i| i == "new:speculative decoding")
        .expect("new blip");
    app.review.cursor.selected = new;
    assert!(app.on_key(code(KeyCode::Enter)).is_empty());
    assert!(
        matches!(&app.prompt, Some(Prompt::Ask(a)) if a.text.starts_with("New in the 2026-12 review: in 3 of 3 papers"))
    );
    typed(&mut app, "; serving");
    let intents = app.on_key(code(KeyCode::Enter));
    assert!(
        matches!(&intents[..], [Intent::AcceptProposal { id, rationale: Some(r) }] if id == "new:speculative decoding" && r.ends_with("; serving"))
    );
    assert_eq!(
        app.on_key(key('x')),
        vec![Intent::DismissProposal("new:speculative decoding".into())]
    );
}

#[test]
fn the_prompts_pickers_and_review_render_at_80x24_and_160x48() {
    let lib = reviewed_library();
    let app = loaded(&lib);
    let mut shots: Vec<(&str, App)> = Vec::new();
    let mut tags = app.clone();
    tags.on_key(key('T'));
    typed(&mut tags, "reading-list, pe");
    shots.push(("action-tags", tags));
    let mut remove = app.clone();
    remove.on_key(key('D'));
    shots.push(("action-remove", remove));
    let mut picker = app.clone();
    on_radar_blip(&mut picker, "RWKV");
    picker.on_key(key('M'));
    shots.push(("action-move-ring", picker.clone()));
    picker.on_key(key('j'));
    picker.on_key(code(KeyCode::Enter));
    picker.on_key(code(KeyCode::Enter));
    assert!(picker.prompt.is_some(), "the rationale is asked");
    typed(
        &mut picker,
        "a very long reason that goes on and on so that the prompt line has to show its end and not its beginning",
    );
    shots.push(("action-move-rationale", picker));
    let mut review = app.clone();
    review.on_key(key('8'));
    review.on_update(Update::Review(Box::new(review_of(&lib))));
    shots.push(("review", review.clone()));
    let new = review
        .review
        .data
        .as_ref()
        .expect("review")
        .ids()
        .iter()
        .position(|i| i.starts_with("new:"))
        .expect("new");
    review.review.cursor.selected = new;
    shots.push(("review-new-blip", review));
    for (name, app) in &shots {
        for (w, h) in [(80, 24), (160, 48)] {
            insta::assert_snapshot!(format!("{name}_{w}x{h}"), render(app, w, h));
        }
    }
}

#[test]
fn the_worker_applies_every_action_to_the_library_file() {
    let dir = tempfile::tempdir().expect("dir");
    let home = Home::at(dir.path());
    home.ensure().expect("home");
    {
        let mut lib = Library::open(&home.database()).expect("library");
        crate::starter::load(&mut lib).expect("starter");
        lib.radar_import(&crate::radar::seed(), None).expect("seed");
        add_review_papers(&mut lib);
    }
    let bib = dir.path().join("refs.bib");
    std::fs::write(
        &bib,
        "@article{hu2021lora, title = {{LoRA}: Low-Rank Adaptation of Large Language Models}, author = {Hu, Edward}, year = {2021}, eprint = {2106.09685}, archivePrefix = {arXiv}}\n@misc{x, title = {A paper not on arXiv}, author = {Doe, Jane}, year = {2024}}\n",
    )
    .expect("bib");
    let config = without_model(dir.path());
    let worker = TestWorker::start(&home, config);
    worker.send(Intent::Tag {
        paper: "2106.09685".into(),
        add: vec!["to-review".into()],
        remove: vec!["peft".into()],
    });
    let said = worker.message();
    assert!(
        said.contains("tagged to-review") && said.contains("untagged peft"),
        "{said}"
    );
    worker.send(Intent::Radar(RadarEdit::Move {
        blip: "RWKV".into(),
        ring: "edge".into(),
        quadrant: "foundation architectures".into(),
        rationale: "quiet this year".into(),
    }));
    assert!(worker.message().contains("RWKV moved to edge"));
    worker.send(Intent::Radar(RadarEdit::Add {
        name: "GaLore".into(),
        quadrant: "training methods".into(),
        ring: "edge".into(),
        description: "Gradient low-rank projection".into(),
    }));
    assert!(worker.message().contains("GaLore added"));
    worker.send(Intent::Radar(RadarEdit::Link {
        blip: "GaLore".into(),
        paper: "2106.09685".into(),
    }));
    assert!(worker.message().contains("evidence for GaLore"));
    worker.send(Intent::Radar(RadarEdit::Describe {
        blip: "LoRA".into(),
        description: None,
        rationale: Some("still our default".into()),
    }));
    assert!(worker.message().contains("reassessment recorded"));
    worker.send(Intent::Radar(RadarEdit::PhaseOut {
        blip: "LangChain".into(),
        rationale: "plain code instead".into(),
    }));
    assert!(worker.message().contains("LangChain phased out"));
    // A move without a reason is refused by the library, and said so.
    worker.send(Intent::Radar(RadarEdit::Move {
        blip: "DoRA".into(),
        ring: "mature".into(),
        quadrant: "training methods".into(),
        rationale: " ".into(),
    }));
    assert!(worker.message().contains("needs a rationale"));
    worker.send(Intent::Import(bib.display().to_string()));
    let done = worker.wait(|u| match u {
        Update::Finished { label, message, .. } if label.starts_with("import") => Some(message),
        _ => None,
    });
    assert!(
        done.contains("Imported") && done.contains("bibtex"),
        "{done}"
    );
    worker.send(Intent::RemovePaper("1512.03385".into()));
    assert!(worker.message().contains("Removed 1512.03385"));
    worker.send(Intent::LoadReview);
    let review = worker.wait(|u| match u {
        Update::Review(r) => Some(r),
        _ => None,
    });
    assert!(
        review
            .ids()
            .contains(&"new:speculative decoding".to_string()),
        "{:?}",
        review.ids()
    );
    worker.send(Intent::AcceptProposal {
        id: "new:speculative decoding".into(),
        rationale: Some("draft-and-verify everywhere".into()),
    });
    let said = worker.message();
    assert!(said.contains("added speculative decoding"), "{said}");
    worker.send(Intent::DismissProposal("evidence:DoRA:2606.00004".into()));
    assert!(
        worker
            .message()
            .contains("Dismissed evidence:DoRA:2606.00004")
    );
    worker.send(Intent::DismissProposal("new:nothing".into()));
    assert!(worker.message().contains("not a proposal of this review"));
    // Adding checks every id before asking arXiv.
    worker.send(Intent::AddPapers(vec!["not-an-id".into()]));
    let failed = worker.wait(|u| match u {
        Update::Finished {
            label,
            message,
            failed,
        } if label.starts_with("add") => Some((message, failed)),
        _ => None,
    });
    assert!(failed.1 && failed.0.contains("not-an-id"), "{failed:?}");
    worker.send(Intent::Radar(RadarEdit::NewEdition));
    let said = worker.message();
    assert!(said.starts_with("Started "), "{said}");
    let newest = said
        .trim_start_matches("Started ")
        .split(' ')
        .next()
        .unwrap_or("")
        .to_string();
    worker.send(Intent::Radar(RadarEdit::Freeze(newest.clone())));
    assert!(worker.message().contains("is frozen"));
    worker.finish();
    // What the CLI sees.
    let lib = Library::open(&home.database()).expect("library");
    let record = lib.find("2106.09685").expect("paper");
    assert!(
        record.tags.contains(&"to-review".to_string())
            && !record.tags.contains(&"peft".to_string())
    );
    let (_, edition) = lib.radar_edition(None).expect("edition");
    assert_eq!(edition.name, newest);
    assert!(edition.frozen);
    let (_, before) = lib.radar_edition(Some("2026-11")).expect("2026-11");
    let rwkv = before.entry("RWKV").expect("RWKV");
    assert_eq!(
        (rwkv.ring.as_str(), rwkv.rationale.as_deref()),
        ("edge", Some("quiet this year"))
    );
    assert!(before.entry("GaLore").is_some());
    assert!(before.entry("LangChain").is_some_and(|e| e.phased_out));
    assert!(
        lib.radar_evidence("GaLore")
            .expect("evidence")
            .iter()
            .any(|e| e.paper_id == "2106.09685")
    );
    assert!(lib.find("1512.03385").is_err());
    assert!(
        lib.paper_rows(&RowFilter::default())
            .expect("rows")
            .iter()
            .any(|r| r.title == "A paper not on arXiv")
    );
    assert_eq!(review.edition, crate::radar::store::current_month());
    let (_, month) = lib
        .radar_edition(Some(&review.edition))
        .expect("the review's edition");
    let sd = month.entry("speculative decoding").expect("accepted blip");
    assert_eq!(sd.rationale.as_deref(), Some("draft-and-verify everywhere"));
    assert_eq!(lib.radar_review_dismissed().expect("dismissed"), 1);
}
