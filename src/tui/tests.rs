//! The app without a terminal: keys in, state and intents out; then every
//! screen drawn on ratatui's test backend from a real library (the starter
//! papers, the seed radar, the starter implementations) and compared with
//! snapshots at 80×24 and 160×48.

use super::app::{App, Focus, Prompt, Screen, parse_filter};
use super::state::{Intent, Update};
use super::test_kit::*;
use super::worker;
use crate::config::Config;
use crate::library::{Library, RowFilter, RowOrder};
use crate::search::Mode;
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::Terminal;
use ratatui::backend::TestBackend;

fn library() -> Library {
    let mut lib = Library::open_in_memory().expect("library");
    crate::starter::load(&mut lib).expect("starter");
    lib.radar_import(&crate::radar::seed(), None)
        .expect("seed radar");
    crate::impls::starter::link_all(&mut lib).expect("starters");
    lib
}

/// An app loaded the way the worker loads it, from the real library.
fn loaded(lib: &Library) -> App {
    let config = Config::default();
    let mut app = App::new(false);
    app.on_update(Update::Papers(
        lib.paper_rows(&RowFilter::default()).expect("rows"),
    ));
    app.on_update(Update::Reading(Box::new(
        worker::reading(lib, &config).expect("reading"),
    )));
    app.on_update(Update::Radar(Box::new(
        worker::radar(lib, &config, None).expect("radar"),
    )));
    app
}

#[test]
fn startup_loads_the_list_the_queue_and_the_radar() {
    let app = App::new(true);
    assert!(app.library.loading);
    assert_eq!(
        app.startup(),
        [
            Intent::LoadPapers(RowFilter::default()),
            Intent::LoadReading,
            Intent::LoadRadar(None),
            Intent::LoadInbox {
                generation: 0,
                window: crate::feed::Window::SinceLastLook,
                remember: true,
            }
        ]
    );
}

#[test]
fn moving_opening_and_going_back() {
    let lib = library();
    let mut app = loaded(&lib);
    assert!(!app.library.loading);
    assert_eq!(app.on_key(key('j')), []);
    assert_eq!(app.library.cursor.selected, 1);
    app.on_key(key('G'));
    assert_eq!(app.library.cursor.selected, 28);
    app.on_key(key('g'));
    let first = app.library.rows[0].id.clone();
    assert_eq!(
        app.on_key(code(KeyCode::Enter)),
        [Intent::LoadPaper(first.clone())]
    );
    assert_eq!(app.focus, Focus::Detail);
    app.on_update(Update::Paper(Box::new(
        worker::detail(&lib, &first).expect("detail"),
    )));
    // With a paper open, the detail follows the list.
    app.on_key(key('q'));
    assert_eq!(app.focus, Focus::List);
    let second = app.library.rows[1].id.clone();
    assert_eq!(app.on_key(key('j')), [Intent::LoadPaper(second)]);
    // q on the library list quits.
    app.on_key(key('q'));
    assert!(app.quit);
}

#[test]
fn search_as_you_type_then_open_a_result() {
    let mut app = App::new(true);
    app.on_key(key('/'));
    assert_eq!((app.screen, app.focus), (Screen::Search, Focus::List));
    assert_eq!(
        app.on_key(key('l')),
        [Intent::Search {
            query: "l".into(),
            mode: Mode::Hybrid
        }]
    );
    app.on_key(key('o'));
    // q is typed, not "back", on the query line.
    let intents = app.on_key(key('q'));
    assert_eq!(
        intents,
        [Intent::Search {
            query: "loq".into(),
            mode: Mode::Hybrid
        }]
    );
    assert_eq!(
        app.on_key(code(KeyCode::Backspace)),
        [Intent::Search {
            query: "lo".into(),
            mode: Mode::Hybrid
        }]
    );
    assert_eq!(
        app.on_key(code(KeyCode::BackTab)),
        [Intent::Search {
            query: "lo".into(),
            mode: Mode::Lexical
        }]
    );
    let lib = library();
    let hits = lib
        .paper_rows(&RowFilter {
            tag: Some("peft".into()),
            ..Default::default()
        })
        .expect("rows")
        .into_iter()
        .map(|r| super::state::Hit {
            hit: crate::search::SearchHit {
                id: r.id.clone(),
                score: 1.0,
                lexical: Some((1, 2.0)),
                semantic: None,
                matched: vec!["lo".into()],
                snippet: String::new(),
                highlights: Vec::new(),
                passage: None,
            },
            title: r.title,
            first_author: r.first_author,
            year: None,
        })
        .collect::<Vec<_>>();
    let first = hits[0].hit.id.clone();
    app.on_update(Update::Hits {
        query: "lo".into(),
        mode: Mode::Lexical,
        hits,
    });
    assert_eq!(app.search.answered, "lo");
    app.on_key(code(KeyCode::Tab));
    assert_eq!(app.focus, Focus::Detail);
    assert_eq!(app.on_key(code(KeyCode::Enter)), [Intent::LoadPaper(first)]);
    assert_eq!(app.screen, Screen::Library);
}

#[test]
fn esc_joined_with_a_key_is_both_keys() {
    let mut app = App::new(true);
    app.on_key(key('/'));
    app.on_key(KeyEvent::new(KeyCode::Char('4'), KeyModifiers::ALT));
    assert_eq!(app.screen, Screen::Radar);
    assert_eq!(app.search.query, "");
}

#[test]
fn timer_note_related_and_code_act_on_the_current_paper() {
    let lib = library();
    let mut app = loaded(&lib);
    let id = app.library.rows[0].id.clone();
    assert_eq!(app.on_key(key('t')), [Intent::StartTimer(id.clone())]);
    app.on_update(Update::Timer(Some(crate::reading::Session {
        id: 1,
        paper_id: id.clone(),
        pass: crate::reading::Pass::Skim,
        started: chrono::Utc::now(),
        ended: None,
    })));
    assert_eq!(app.on_key(key('t')), [Intent::StopTimer]);
    assert_eq!(
        app.on_key(key('3')),
        [Intent::LoadReading, Intent::LoadPaper(id.clone())]
    );
    app.on_key(key('1'));
    assert_eq!(app.on_key(key('e')), [Intent::EditNote(id.clone(), None)]);
    assert_eq!(app.on_key(key('Q')), [Intent::Enqueue(id.clone())]);
    assert_eq!(app.on_key(key('c')), [Intent::LoadCode(id.clone())]);
    assert_eq!(app.screen, Screen::Code);
    app.on_key(key('1'));
    assert_eq!(app.on_key(key('r')), [Intent::Related(id.clone())]);
    assert_eq!(
        (app.screen, app.search.related_to.as_deref()),
        (Screen::Search, Some(id.as_str()))
    );
}

#[test]
fn sort_and_filter_reload_the_list() {
    let mut app = App::new(true);
    assert_eq!(
        app.on_key(key('s')),
        [Intent::LoadPapers(RowFilter {
            order: RowOrder::DateAscending,
            ..Default::default()
        })]
    );
    app.on_key(key('f'));
    assert!(matches!(app.prompt, Some(Prompt::Filter(_))));
    for c in "tag:peft pass:new".chars() {
        app.on_key(key(c));
    }
    let intents = app.on_key(code(KeyCode::Enter));
    let expected = RowFilter {
        tag: Some("peft".into()),
        reading: Some("new".into()),
        order: RowOrder::DateAscending,
        ..Default::default()
    };
    assert_eq!(intents, [Intent::LoadPapers(expected)]);
    // A bad filter is a message, and the list stays as it was.
    app.on_key(key('f'));
    for c in " pass:nope".chars() {
        app.on_key(key(c));
    }
    assert_eq!(app.on_key(code(KeyCode::Enter)), []);
    assert!(
        app.message
            .as_ref()
            .is_some_and(|(_, m)| m.contains("pass:nope"))
    );
    assert_eq!(
        app.on_key(key('F')),
        [Intent::LoadPapers(RowFilter {
            order: RowOrder::DateAscending,
            ..Default::default()
        })]
    );
    assert!(
        parse_filter("cat:cs.CL", RowOrder::Date)
            .expect("cat")
            .category
            .is_some()
    );
    assert!(parse_filter("year:2020", RowOrder::Date).is_err());
}

#[test]
fn radar_keys_walk_blips_editions_and_the_diff() {
    let lib = library();
    let mut app = loaded(&lib);
    app.on_key(key('4'));
    assert_eq!(app.screen, Screen::Radar);
    app.on_key(key('j'));
    assert_eq!(app.radar.cursor.selected, 1);
    // One edition: nothing older to load.
    assert_eq!(app.on_key(key('[')), []);
    assert!(app.message.is_some());
    app.on_key(key('d'));
    assert!(app.radar.show_diff);
    // Enter opens the blip's first paper.
    let blip = app.radar.data.as_ref().expect("data").view.blips[1].clone();
    assert_eq!(
        app.on_key(code(KeyCode::Enter)),
        [Intent::LoadPaper(blip.papers[0].clone())]
    );
}

#[test]
fn fetch_and_runs_go_to_the_background_and_can_be_cancelled() {
    let lib = library();
    let mut app = loaded(&lib);
    app.on_key(key('5'));
    app.on_key(key('n'));
    for c in "ti:lora".chars() {
        app.on_key(key(c));
    }
    assert_eq!(
        app.on_key(code(KeyCode::Enter)),
        [Intent::Fetch("ti:lora".into())]
    );
    assert!(app.fetch.running.is_some());
    // The UI keeps taking keys while the job runs.
    app.on_key(key('1'));
    app.on_key(key('j'));
    assert_eq!(app.library.cursor.selected, 1);
    assert_eq!(app.on_key(key('x')), [Intent::Cancel]);
    app.on_update(Update::Progress {
        label: "fetch ti:lora".into(),
        done: 10,
        total: Some(50),
    });
    let reload = app.on_update(Update::Finished {
        label: "fetch ti:lora".into(),
        message: "stopped".into(),
        failed: true,
    });
    assert_eq!(reload, [Intent::LoadPapers(RowFilter::default())]);
    assert!(app.fetch.running.is_none());

    app.on_update(Update::Code(Box::new(
        worker::code(&lib, "2106.09685").expect("code"),
    )));
    app.on_key(key('6'));
    let n = app.code.data.as_ref().expect("code").impls[0].0.id;
    assert_eq!(app.on_key(code(KeyCode::Enter)), [Intent::RunImpl(n)]);
    app.on_update(Update::Output("METRIC x=1".into()));
    assert_eq!(
        app.code.output.last().map(String::as_str),
        Some("METRIC x=1")
    );
    let reload = app.on_update(Update::Finished {
        label: "run #4".into(),
        message: "Run #1: exit 0".into(),
        failed: false,
    });
    assert_eq!(reload, [Intent::LoadCode("2106.09685".into())]);
    assert!(app.code.running.is_none());
}

#[test]
fn the_palette_speaks_the_cli() {
    let mut app = App::new(true);
    let palette = |app: &mut App, line: &str| {
        app.on_key(key(':'));
        for c in line.chars() {
            app.on_key(key(c));
        }
        app.on_key(code(KeyCode::Enter))
    };
    assert_eq!(
        palette(&mut app, "show 1706.03762"),
        [Intent::LoadPaper("1706.03762".into())]
    );
    assert_eq!(
        palette(&mut app, "radar 2026-11"),
        [Intent::LoadRadar(Some("2026-11".into()))]
    );
    assert_eq!(
        palette(&mut app, "fetch au:vaswani"),
        [Intent::Fetch("au:vaswani".into())]
    );
    assert_eq!(palette(&mut app, "run 3"), [Intent::RunImpl(3)]);
    assert_eq!(
        palette(&mut app, "search state space"),
        [Intent::Search {
            query: "state space".into(),
            mode: Mode::Hybrid
        }]
    );
    assert_eq!(app.screen, Screen::Search);
    // On the query line ':' is typed (ti:lora); Esc leaves it.
    app.on_key(code(KeyCode::Esc));
    assert_eq!(
        palette(&mut app, "filter tag:peft"),
        [Intent::LoadPapers(RowFilter {
            tag: Some("peft".into()),
            ..Default::default()
        })]
    );
    assert_eq!(palette(&mut app, "bogus"), []);
    assert!(
        app.message
            .as_ref()
            .is_some_and(|(_, m)| m.contains("unknown command 'bogus'"))
    );
    palette(&mut app, "quit");
    assert!(app.quit);
}

#[test]
fn help_opens_and_any_key_closes_it() {
    let mut app = App::new(true);
    app.on_key(key('?'));
    assert!(app.help);
    // j and k scroll a help longer than a small terminal.
    app.on_key(key('j'));
    app.on_key(key('j'));
    app.on_key(key('k'));
    assert!(app.help && app.help_scroll == 1);
    assert_eq!(app.on_key(key('q')), []);
    assert!(!app.help && !app.quit);
    assert_eq!(app.help_scroll, 0);
}

/// Every screen, at both sizes.
#[test]
fn screens_render_at_80x24_and_160x48() {
    let lib = library();
    let mut app = loaded(&lib);
    let id = "2106.09685";
    app.on_update(Update::Paper(Box::new(
        worker::detail(&lib, id).expect("detail"),
    )));
    app.on_update(Update::Code(Box::new(
        worker::code(&lib, id).expect("code"),
    )));
    let mut screens: Vec<(&str, App)> = Vec::new();
    let mut list = app.clone();
    list.library.detail = None;
    screens.push(("library", list));
    let mut detail = app.clone();
    detail.open_paper(id);
    screens.push(("paper", detail));
    let mut search = app.clone();
    search.on_key(key('/'));
    for c in "low rank".chars() {
        search.on_key(key(c));
    }
    let hits = lib
        .paper_rows(&RowFilter {
            tag: Some("peft".into()),
            ..Default::default()
        })
        .expect("rows")
        .into_iter()
        .enumerate()
        .map(|(i, r)| super::state::Hit {
            hit: crate::search::SearchHit {
                id: r.id.clone(),
                score: 1.0 / (i + 1) as f64,
                lexical: Some((i + 1, 3.0)),
                semantic: Some((i + 2, 0.5)),
                matched: vec!["low".into(), "rank".into()],
                snippet: "a low rank update of the frozen weights".into(),
                highlights: vec![(2, 5), (6, 10)],
                passage: None,
            },
            title: r.title,
            first_author: r.first_author,
            year: Some(2021),
        })
        .collect();
    search.on_update(Update::Hits {
        query: "low rank".into(),
        mode: Mode::Hybrid,
        hits,
    });
    screens.push(("search", search));
    let mut reading = app.clone();
    reading.on_key(key('3'));
    screens.push(("reading", reading));
    let mut radar = app.clone();
    radar.on_key(key('4'));
    screens.push(("radar", radar));
    let mut diff = app.clone();
    diff.on_key(key('4'));
    diff.on_key(key('d'));
    screens.push(("radar-diff", diff));
    let mut fetch = app.clone();
    fetch.on_key(key('5'));
    fetch.fetch.running = Some("fetch ti:lora".into());
    fetch.on_update(Update::Progress {
        label: "fetch ti:lora".into(),
        done: 20,
        total: Some(50),
    });
    fetch
        .fetch
        .log
        .push("Fetched cat:cs.CL: 50 received, 12 added, 0 updated".into());
    screens.push(("fetch", fetch));
    let mut code_screen = app.clone();
    code_screen.screen = Screen::Code;
    for line in [
        "$ cargo run --quiet --release --example lora",
        "METRIC trainable_fraction_r8=0.020833",
    ] {
        code_screen.on_update(Update::Output(line.into()));
    }
    screens.push(("code", code_screen));
    let mut help = app.clone();
    help.on_key(key('?'));
    screens.push(("help", help));
    for (name, app) in &screens {
        for (w, h) in [(80, 24), (160, 48)] {
            let text = render(app, w, h);
            insta::assert_snapshot!(format!("{name}_{w}x{h}"), text);
        }
    }
}

#[test]
fn the_readme_lists_every_key() {
    let readme = include_str!("../../README.md");
    for (keys, what) in super::ui::KEYS {
        let row = format!("| {} | {what} |", keys.replace('|', "\\|"));
        assert!(readme.contains(&row), "README lacks the row {row}");
    }
}

#[test]
fn no_color_means_no_colour() {
    let lib = library();
    for color in [true, false] {
        let mut app = loaded(&lib);
        app.color = color;
        app.on_key(key('4'));
        let mut terminal = Terminal::new(TestBackend::new(120, 40)).expect("terminal");
        terminal.draw(|f| super::ui::draw(f, &app)).expect("draw");
        let coloured = terminal
            .backend()
            .buffer()
            .content()
            .iter()
            .filter(|c| {
                c.fg != ratatui::style::Color::Reset || c.bg != ratatui::style::Color::Reset
            })
            .count();
        assert_eq!(
            coloured > 0,
            color,
            "{coloured} coloured cells with color = {color}"
        );
    }
}

#[test]
fn tiny_and_odd_terminals_do_not_panic() {
    let lib = library();
    let mut app = loaded(&lib);
    app.on_update(Update::Paper(Box::new(
        worker::detail(&lib, "2106.09685").expect("detail"),
    )));
    app.on_update(Update::Code(Box::new(
        worker::code(&lib, "2106.09685").expect("code"),
    )));
    let hit = super::state::Hit {
        hit: crate::search::SearchHit {
            id: "2106.09685".into(),
            score: 1.0,
            lexical: Some((1, 2.0)),
            semantic: Some((1, 0.9)),
            matched: vec!["rank".into()],
            snippet: "ünïcode snippet with a rank word".into(),
            highlights: vec![(25, 29)],
            passage: None,
        },
        title: "LoRA".into(),
        first_author: "Edward J. Hu".into(),
        year: Some(2021),
    };
    app.search.query = "rank".into();
    app.on_update(Update::Hits {
        query: "rank".into(),
        mode: Mode::Hybrid,
        hits: vec![hit],
    });
    app.radar.show_diff = true;
    app.focus = Focus::Detail;
    for screen in Screen::ALL {
        for (w, h) in [(1, 1), (10, 4), (20, 5), (40, 10), (79, 23), (300, 90)] {
            let mut a = app.clone();
            a.screen = screen;
            render(&a, w, h);
            a.help = true;
            render(&a, w, h);
            a.prompt = Some(Prompt::Palette("radar".into()));
            render(&a, w, h);
        }
    }
}
