use super::*;
use crate::library::{Incoming, Merge};
use crate::paper::Paper;
use chrono::TimeZone;

fn at(h: u32, m: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 29, h, m, 0)
        .single()
        .expect("time")
}

fn lib() -> Library {
    let mut lib = Library::open_in_memory().expect("library");
    let papers: Vec<Incoming> = ["2106.09685", "1706.03762"]
        .iter()
        .map(|id| {
            Incoming::from(Paper {
                id: id.to_string(),
                version: Some(1),
                title: format!("Paper {id}"),
                ..Paper::default()
            })
        })
        .collect();
    lib.upsert(&papers, "arxiv", Merge::Refresh)
        .expect("papers");
    lib
}

#[test]
fn a_timer_logs_time_and_marks_the_pass_in_progress() {
    let mut lib = lib();
    let s = lib
        .start_timer("2106.09685v1", None, false, at(9, 0))
        .expect("start");
    assert_eq!((s.paper_id.as_str(), s.pass), ("2106.09685", Pass::Skim));
    assert_eq!(
        lib.running_timer().expect("running").map(|r| r.id),
        Some(s.id)
    );
    let (_, passes) = lib.passes("2106.09685").expect("passes");
    assert_eq!(passes[0].status, Status::InProgress);
    assert_eq!(passes[0].started_at, Some(at(9, 0)));
    assert_eq!(passes[0].seconds, 0, "a running timer is not logged yet");
    let stopped = lib.stop_timer(at(9, 12)).expect("stop");
    assert_eq!(stopped.seconds(at(23, 0)), 12 * 60);
    assert!(lib.running_timer().expect("none").is_none());
    assert_eq!(
        lib.passes("2106.09685").expect("passes").1[0].seconds,
        12 * 60
    );
    assert!(matches!(lib.stop_timer(at(10, 0)), Err(ReadError::NoTimer)));
}

#[test]
fn only_one_timer_runs_and_a_left_one_is_resolved_not_lost() {
    let mut lib = lib();
    lib.start_timer("2106.09685", None, false, at(9, 0))
        .expect("start");
    // The terminal closed; later another start finds the timer.
    match lib.start_timer("1706.03762", None, false, at(13, 0)) {
        Err(ReadError::TimerRunning(s)) => {
            assert_eq!((s.paper_id.as_str(), s.started), ("2106.09685", at(9, 0)))
        }
        other => panic!("expected the running timer, got {other:?}"),
    }
    let kept = lib
        .resolve_running(LeftRunning::Trim(20), at(13, 0))
        .expect("trim")
        .expect("kept");
    assert_eq!(kept.ended, Some(at(9, 20)));
    assert_eq!(
        lib.passes("2106.09685").expect("passes").1[0].seconds,
        20 * 60
    );
    lib.start_timer("1706.03762", None, false, at(13, 0))
        .expect("start");
    assert!(
        lib.resolve_running(LeftRunning::Discard, at(15, 0))
            .expect("discard")
            .is_none()
    );
    assert_eq!(lib.passes("1706.03762").expect("passes").1[0].seconds, 0);
    // The database itself refuses a second running timer.
    lib.start_timer("1706.03762", None, false, at(16, 0))
        .expect("start");
    let second = lib.conn().execute(
        "INSERT INTO sessions (paper_id, pass, started_at, kind) VALUES ('2106.09685', 1, 'x', 'timer')",
        [],
    );
    assert!(second.is_err());
}

#[test]
fn later_passes_need_confirmation() {
    let mut lib = lib();
    match lib.start_timer("2106.09685", Some(Pass::Derive), false, at(9, 0)) {
        Err(ReadError::OutOfOrder { pass, open, .. }) => {
            assert_eq!((pass, open), (Pass::Derive, vec![Pass::Skim]));
        }
        other => panic!("expected a refusal, got {other:?}"),
    }
    assert!(
        lib.running_timer().expect("none").is_none(),
        "nothing started"
    );
    lib.start_timer("2106.09685", Some(Pass::Derive), true, at(9, 0))
        .expect("forced");
    lib.stop_timer(at(9, 40)).expect("stop");
    lib.close_pass("2106.09685", Some(Pass::Skim), Status::Skipped, at(9, 41))
        .expect("skip");
    // With pass 1 skipped, pass 3 waits only for pass 2.
    let err = lib
        .start_timer("2106.09685", Some(Pass::Reproduce), false, at(10, 0))
        .expect_err("pass 2 open");
    assert!(
        err.to_string()
            .contains("pass 3 comes after pass 2 which is not done or skipped"),
        "{err}"
    );
}

#[test]
fn done_stops_the_timer_and_moves_to_the_next_pass() {
    let mut lib = lib();
    lib.start_timer("2106.09685", None, false, at(9, 0))
        .expect("start");
    let (_, pass) = lib
        .close_pass("2106.09685", None, Status::Done, at(9, 8))
        .expect("done");
    assert_eq!(pass, Pass::Skim);
    assert!(lib.running_timer().expect("none").is_none());
    let (_, passes) = lib.passes("2106.09685").expect("passes");
    assert_eq!(
        (passes[0].status, passes[0].seconds, passes[0].finished_at),
        (Status::Done, 8 * 60, Some(at(9, 8)))
    );
    assert_eq!(current_pass(&passes), Some(Pass::Derive));
    let s = lib
        .start_timer("2106.09685", None, false, at(10, 0))
        .expect("next");
    assert_eq!(s.pass, Pass::Derive);
}

#[test]
fn notes_are_versioned_and_unchanged_text_saves_nothing() {
    let mut lib = lib();
    assert!(
        lib.save_note("2106.09685", Pass::Skim, "first", at(9, 0))
            .expect("save")
    );
    assert!(
        !lib.save_note("2106.09685", Pass::Skim, "first", at(9, 5))
            .expect("same")
    );
    assert!(
        lib.save_note("2106.09685", Pass::Skim, "second", at(10, 0))
            .expect("save")
    );
    assert!(
        lib.save_note("2106.09685", Pass::Skim, "third", at(11, 0))
            .expect("save")
    );
    assert_eq!(lib.note("2106.09685", Pass::Skim).expect("note").1, "third");
    let versions = lib
        .note_versions("2106.09685", Pass::Skim)
        .expect("versions");
    let texts: Vec<&str> = versions.iter().map(|(_, t)| t.as_str()).collect();
    assert_eq!(texts, ["second", "first"]);
    assert_eq!(versions[1].0, Some(at(9, 0)));
    assert_eq!(lib.note("2106.09685", Pass::Derive).expect("note").1, "");
}

#[test]
fn manual_time_and_the_queue() {
    let mut lib = lib();
    lib.log_time("1706.03762", None, 25, at(12, 0))
        .expect("log");
    let (_, passes) = lib.passes("1706.03762").expect("passes");
    assert_eq!(
        (passes[0].seconds, passes[0].status),
        (25 * 60, Status::InProgress)
    );
    let sessions = lib.sessions(None).expect("sessions");
    assert_eq!(sessions[0].started, at(11, 35));

    lib.enqueue("2106.09685", 1, at(8, 0)).expect("queue");
    let items = crate::reading::order_queue(lib.queue_items().expect("items"));
    let ids: Vec<&str> = items.iter().map(|i| i.paper_id.as_str()).collect();
    assert_eq!(
        ids,
        ["2106.09685", "1706.03762"],
        "queued with priority, then in progress"
    );
    assert!(lib.dequeue("2106.09685").expect("dequeue").1);
    assert!(!lib.dequeue("2106.09685").expect("dequeue").1);
    assert_eq!(lib.reading_states().expect("states").len(), 1);
}

#[test]
fn removing_a_paper_removes_its_reading_state() {
    let mut lib = lib();
    lib.start_timer("2106.09685", None, false, at(9, 0))
        .expect("start");
    lib.save_note("2106.09685", Pass::Skim, "x", at(9, 1))
        .expect("note");
    lib.remove("2106.09685").expect("remove");
    assert!(lib.running_timer().expect("none").is_none());
    assert!(lib.reading_states().expect("states").is_empty());
}
