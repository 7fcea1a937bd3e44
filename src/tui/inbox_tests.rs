//! The Inbox: keys to intents, opening on it when papers arrived, stale
//! rankings dropped, the screen at both sizes, and the real worker ranking
//! and marking.

use super::app::{App, Focus, Screen};
use super::state::{Intent, Update};
use super::test_kit::*;
use crate::feed::{self, Feed, Mark, Request, Window};
use crate::home::Home;
use crate::library::Library;
use chrono::{TimeZone, Utc};
use crossterm::event::{KeyCode, KeyEvent};
use std::time::{Duration, Instant};

/// The starter library's 29 papers without their topic tags (every tagged
/// paper counts as read by the feed, so none would be offered).
fn untagged(lib: &mut Library) {
    crate::starter::load(lib).expect("starter");
    lib.conn()
        .execute("DELETE FROM paper_tags", [])
        .expect("untag");
}

fn library() -> Library {
    let mut lib = Library::open_in_memory().expect("library");
    untagged(&mut lib);
    lib
}

fn ranked(lib: &Library, window: Window) -> Feed {
    feed::look(
        lib,
        &Request {
            tag: None,
            window,
            limit: 100,
            model: None,
        },
    )
    .expect("feed")
}

fn since() -> chrono::DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 30, 8, 0, 0)
        .single()
        .expect("time")
}

/// An app that received the startup ranking of papers added since a look.
fn app_with_new_papers(lib: &Library) -> App {
    let mut app = App::new(false);
    let mut feed = ranked(lib, Window::All);
    feed.since = Some(since());
    app.on_update(Update::Inbox {
        generation: 0,
        feed: Box::new(feed),
    });
    app
}

#[test]
fn startup_ranks_the_feed_and_opens_on_it_only_when_papers_arrived() {
    let app = App::new(false);
    assert!(app.startup().contains(&Intent::LoadInbox {
        generation: 0,
        window: Window::SinceLastLook,
        remember: true,
    }));
    let lib = library();
    let app = app_with_new_papers(&lib);
    assert_eq!(app.screen, Screen::Inbox);
    assert!(
        app.message
            .as_ref()
            .is_some_and(|(_, m)| m.contains("new papers since your last look")),
        "{:?}",
        app.message
    );
    // The first look ever (no remembered look): the app opens on the library.
    let mut first = App::new(false);
    first.on_update(Update::Inbox {
        generation: 0,
        feed: Box::new(ranked(&lib, Window::All)),
    });
    assert_eq!(first.screen, Screen::Library);
    assert!(first.inbox.feed.is_some());
    // Nor when the user has moved on before the ranking came.
    let mut busy = App::new(false);
    busy.on_key(key('3'));
    let mut feed = ranked(&lib, Window::All);
    feed.since = Some(since());
    busy.on_update(Update::Inbox {
        generation: 0,
        feed: Box::new(feed),
    });
    assert_eq!(busy.screen, Screen::Reading);
}

#[test]
fn each_signal_settles_the_paper_and_ranks_again_in_its_window() {
    let lib = library();
    let mut app = app_with_new_papers(&lib);
    let count = app.inbox.feed.as_ref().expect("feed").items.len();
    let first = app.inbox.selected().expect("a paper").id.clone();
    let intents = app.on_key(key('+'));
    assert_eq!(
        intents,
        [
            Intent::MarkFeed(first.clone(), Mark::Like),
            Intent::LoadInbox {
                generation: 1,
                window: Window::Since(since()),
                remember: false,
            }
        ]
    );
    let feed = app.inbox.feed.as_ref().expect("feed");
    assert_eq!(
        feed.items.len(),
        count - 1,
        "the liked paper left the list at once"
    );
    assert!(app.inbox.ranking);
    let second = app.inbox.selected().expect("next").id.clone();
    assert_ne!(second, first);
    assert!(
        matches!(app.on_key(key('-'))[0], Intent::MarkFeed(ref id, Mark::Dislike) if *id == second)
    );
    // x dismisses on the Inbox even while a fetch runs elsewhere.
    app.fetch.running = Some("fetch ti:lora".into());
    let third = app.inbox.selected().expect("next").id.clone();
    assert!(
        matches!(app.on_key(key('x'))[0], Intent::MarkFeed(ref id, Mark::Dismiss) if *id == third)
    );
    let fourth = app.inbox.selected().expect("next").id.clone();
    assert_eq!(app.on_key(key('Q'))[0], Intent::Enqueue(fourth));
    assert_eq!(app.inbox.generation, 4);
    // A ranking asked for before the last signal is dropped.
    let before = app.inbox.feed.clone();
    app.on_update(Update::Inbox {
        generation: 2,
        feed: Box::new(ranked(&lib, Window::All)),
    });
    assert_eq!(app.inbox.feed, before);
    assert!(app.inbox.ranking);
    app.on_update(Update::Inbox {
        generation: 4,
        feed: Box::new(ranked(&lib, Window::All)),
    });
    assert!(!app.inbox.ranking);
    // Moving and opening.
    let at = app.inbox.cursor.selected;
    app.on_key(key('j'));
    assert_eq!(app.inbox.cursor.selected, at + 1);
    let id = app.inbox.selected().expect("paper").id.clone();
    assert_eq!(app.current_paper(), Some(id.clone()));
    assert_eq!(
        app.on_key(KeyEvent::from(KeyCode::Enter)),
        [Intent::LoadPaper(id)]
    );
    assert_eq!((app.screen, app.focus), (Screen::Library, Focus::Detail));
    // 7 goes back, and ranks again (tags or reading may have changed).
    let back = app.on_key(key('7'));
    assert_eq!(app.screen, Screen::Inbox);
    assert!(matches!(
        back[..],
        [Intent::LoadInbox { generation: 5, .. }]
    ));
}

#[test]
fn the_inbox_renders_at_80x24_and_160x48() {
    let mut lib = library();
    // A reader of parameter-efficient fine-tuning.
    lib.tag("2106.09685", &["mine".into()]).expect("tag");
    lib.tag("2305.14314", &["mine".into()]).expect("tag");
    let mut feed = ranked(&lib, Window::All);
    feed.since = Some(since());
    let mut app = App::new(false);
    app.on_update(Update::Inbox {
        generation: 0,
        feed: Box::new(feed),
    });
    app.message = None;
    let mut empty = App::new(false);
    empty.on_update(Update::Inbox {
        generation: 0,
        feed: Box::new(ranked(
            &lib,
            Window::Since(
                Utc.with_ymd_and_hms(2999, 1, 1, 0, 0, 0)
                    .single()
                    .expect("time"),
            ),
        )),
    });
    empty.screen = Screen::Inbox;
    for (name, app) in [("inbox", &app), ("inbox-empty", &empty)] {
        for (w, h) in [(80, 24), (160, 48)] {
            insta::assert_snapshot!(format!("{name}_{w}x{h}"), render(app, w, h));
        }
    }
}

#[test]
fn the_worker_ranks_marks_and_remembers_the_look() {
    let dir = tempfile::tempdir().expect("dir");
    let home = Home::at(dir.path());
    home.ensure().expect("home");
    {
        let mut lib = Library::open(&home.database()).expect("library");
        untagged(&mut lib);
        lib.tag("2106.09685", &["mine".into()]).expect("tag");
    }
    let config = without_model(dir.path());
    let worker = TestWorker::start(&home, config);
    let deadline = Instant::now() + Duration::from_secs(60);
    let next_inbox = |want: u64| loop {
        let left = deadline.saturating_duration_since(Instant::now());
        match worker
            .updates
            .recv_timeout(left)
            .expect("an update before the deadline")
        {
            Update::Inbox { generation, feed } if generation == want => return *feed,
            _ => {}
        }
    };
    worker.send(Intent::LoadInbox {
        generation: 0,
        window: Window::SinceLastLook,
        remember: true,
    });
    let first = next_inbox(0);
    assert_eq!(first.since, None, "the first look covers everything");
    assert_eq!(first.candidates, 28);
    let top = first.items[0].id.clone();
    worker.send(Intent::MarkFeed(top.clone(), Mark::Dislike));
    worker.send(Intent::LoadInbox {
        generation: 1,
        window: Window::All,
        remember: false,
    });
    let second = next_inbox(1);
    assert_eq!((second.candidates, second.negatives), (27, 1));
    assert!(second.items.iter().all(|i| i.id != top));
    worker.finish();
    let lib = Library::open(&home.database()).expect("library");
    assert_eq!(lib.feed_marks().expect("marks")[&top], Mark::Dislike);
    assert!(lib.feed_last_look("all").expect("look").is_some());
}
