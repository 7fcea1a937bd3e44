//! The feed against a real SQLite library: signals, marks, windows, views,
//! the cold start.

use super::*;
use crate::library::{Incoming, Merge};
use crate::paper::Paper;
use chrono::{Duration, TimeZone};

fn at(day: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, day, 12, 0, 0)
        .single()
        .expect("time")
}

/// Sixty made-up papers: a planted interest (graph drawing, every sixth)
/// among speech, vision and translation; published a day apart.
fn library() -> Library {
    let topics = [
        "Speech recognition with acoustic models for noisy audio",
        "Image segmentation with convolutional networks on photographs",
        "Machine translation between low resource languages",
        "Speech synthesis of expressive voices from text",
        "Object detection in images with anchor boxes",
    ];
    let papers: Vec<Incoming> = (0..60)
        .map(|i| {
            let (title, abstract_text) = if i % 6 == 0 {
                (
                    format!("Graph drawing {i}"),
                    "Force directed layouts place the nodes and edges of a graph drawing; \
                     we study crossing minimisation in layered graph layouts."
                        .to_string(),
                )
            } else {
                let t = topics[i % topics.len()];
                (
                    format!("{t} {i}"),
                    format!("{t}, studied on benchmark {}.", i % 4),
                )
            };
            Incoming::from(Paper {
                id: format!("2611.{:05}", i),
                version: Some(1),
                title,
                abstract_text,
                published: Some(at(1) + Duration::hours(i as i64)),
                ..Paper::default()
            })
        })
        .collect();
    let mut lib = Library::open_in_memory().expect("library");
    lib.upsert(&papers, "arxiv", Merge::Refresh)
        .expect("papers");
    lib
}

fn set_added(lib: &Library, id: &str, when: DateTime<Utc>) {
    lib.conn()
        .execute(
            "UPDATE papers SET added_at = ?1 WHERE id = ?2",
            rusqlite::params![crate::paper::format_timestamp(&when), id],
        )
        .expect("added_at");
}

fn request(tag: Option<&str>, window: Window) -> Request {
    Request {
        tag: tag.map(str::to_string),
        window,
        limit: 8,
        model: None,
    }
}

#[test]
fn the_planted_interest_comes_first_with_its_reasons() {
    let mut lib = library();
    for id in ["2611.00000", "2611.00006", "2611.00012"] {
        lib.tag(id, &["graphs".into()]).expect("tag");
    }
    let feed = look(&lib, &request(Some("graphs"), Window::All)).expect("feed");
    assert_eq!(feed.view, "tag:graphs");
    assert_eq!((feed.positives, feed.negatives), (3, 0));
    assert_eq!(feed.candidates, 57, "tagged papers are not offered again");
    let top: Vec<&str> = feed.items.iter().take(7).map(|i| i.id.as_str()).collect();
    // The other seven graph drawing papers: 18, 24, …, 54.
    for id in &top {
        let n: usize = id[5..].parse().expect("number");
        assert_eq!(n % 6, 0, "{top:?}");
    }
    let first = &feed.items[0];
    assert!(first.score.is_some());
    assert_eq!(first.similar.len(), 3);
    assert!(
        first
            .similar
            .iter()
            .all(|s| ["2611.00000", "2611.00006", "2611.00012"].contains(&s.as_str()))
    );
    assert!(
        first
            .words
            .iter()
            .any(|w| w.contains("graph") || w.contains("layout")),
        "{:?}",
        first.words
    );
}

#[test]
fn every_signal_counts_and_marks_settle_papers() {
    let mut lib = library();
    let now = at(20);
    lib.tag("2611.00000", &["graphs".into()]).expect("tag");
    lib.enqueue("2611.00006", 0, now).expect("queue");
    lib.log_time("2611.00012", None, 20, now).expect("time");
    lib.set_feed_mark("2611.00018", Mark::Like, now)
        .expect("like");
    lib.set_feed_mark("2611.00001", Mark::Dislike, now)
        .expect("dislike");
    lib.set_feed_mark("2611.00002v1", Mark::Dismiss, now)
        .expect("dismiss");
    let s = lib.feed_signals(None).expect("signals");
    let mut positive: Vec<&str> = s.positive.iter().map(String::as_str).collect();
    positive.sort_unstable();
    assert_eq!(
        positive,
        ["2611.00000", "2611.00006", "2611.00012", "2611.00018"]
    );
    assert_eq!(s.negative.len(), 1);
    assert!(s.negative.contains("2611.00001"));
    assert_eq!(s.settled.len(), 6, "{:?}", s.settled);
    // With a tag, only that tag's papers are positive.
    let tagged = lib.feed_signals(Some("graphs")).expect("signals");
    assert_eq!(tagged.positive.len(), 1);
    // A mark can be changed and taken back.
    lib.set_feed_mark("2611.00001", Mark::Like, now)
        .expect("relike");
    assert_eq!(lib.feed_marks().expect("marks")["2611.00001"], Mark::Like);
    assert!(lib.clear_feed_mark("2611.00001").expect("clear").1);
    assert!(!lib.clear_feed_mark("2611.00001").expect("clear").1);
    assert!(lib.set_feed_mark("9999.99999", Mark::Like, now).is_err());
    let feed = look(&lib, &request(None, Window::All)).expect("feed");
    assert_eq!(feed.positives, 4);
    assert_eq!(feed.candidates, 60 - 5);
    assert!(feed.items.iter().all(|i| i.id != "2611.00002"), "dismissed");
}

#[test]
fn windows_cover_papers_added_since_and_views_remember_their_look() {
    let mut lib = library();
    lib.tag("2611.00000", &["graphs".into()]).expect("tag");
    for i in 0..60 {
        let when = if i < 30 { at(2) } else { at(10) };
        set_added(&lib, &format!("2611.{i:05}"), when);
    }
    let since = look(&lib, &request(None, Window::Since(at(5)))).expect("since");
    assert_eq!(since.candidates, 30);
    assert!(since.items.iter().all(|i| i.id.as_str() >= "2611.00030"));
    // No look remembered: the first covers everything.
    let first = look(&lib, &request(None, Window::SinceLastLook)).expect("first");
    assert_eq!((first.since, first.candidates), (None, 59));
    lib.set_feed_last_look("all", at(5)).expect("look");
    let again = look(&lib, &request(None, Window::SinceLastLook)).expect("again");
    assert_eq!((again.since, again.candidates), (Some(at(5)), 30));
    // Each view has its own look.
    let tag_view = look(&lib, &request(Some("graphs"), Window::SinceLastLook)).expect("tag");
    assert_eq!((tag_view.since, tag_view.candidates), (None, 59));
    assert_eq!(lib.feed_last_look("tag:graphs").expect("none"), None);
}

#[test]
fn with_no_signals_the_newest_come_first() {
    let lib = library();
    let feed = look(&lib, &request(None, Window::All)).expect("feed");
    assert_eq!(feed.positives, 0);
    let ids: Vec<&str> = feed.items.iter().map(|i| i.id.as_str()).collect();
    assert_eq!(ids[..3], ["2611.00059", "2611.00058", "2611.00057"]);
    assert!(
        feed.items
            .iter()
            .all(|i| i.score.is_none() && i.similar.is_empty())
    );
}

#[test]
fn an_unknown_tag_is_a_clear_error() {
    let lib = library();
    let err = look(&lib, &request(Some("nope"), Window::All)).expect_err("no tag");
    assert!(err.to_string().contains("no tag 'nope'"), "{err}");
}

#[test]
fn stored_vectors_join_the_features() {
    let mut lib = library();
    lib.tag("2611.00000", &["graphs".into()]).expect("tag");
    // Two-dimensional vectors: graph drawing papers point one way.
    let pending: Vec<crate::embed::store::Pending> = (0..60)
        .map(|i| crate::embed::store::Pending {
            paper_id: format!("2611.{i:05}"),
            text: String::new(),
            hash: "h".into(),
        })
        .collect();
    let items: Vec<(&crate::embed::store::Pending, Vec<f32>)> = pending
        .iter()
        .enumerate()
        .map(|(i, p)| {
            (
                p,
                if i % 6 == 0 {
                    vec![1.0, 0.0]
                } else {
                    vec![0.0, 1.0]
                },
            )
        })
        .collect();
    lib.store_embeddings("toy", &items).expect("store");
    let mut r = request(Some("graphs"), Window::All);
    r.model = Some("toy".into());
    let feed = look(&lib, &r).expect("feed");
    assert!(feed.with_vectors);
    let first: usize = feed.items[0].id[5..].parse().expect("number");
    assert_eq!(first % 6, 0);
    assert_eq!(feed.items[0].similar, ["2611.00000"]);
}
