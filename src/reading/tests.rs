use super::*;
use chrono::TimeZone;

fn at(h: u32, m: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 29, h, m, 0)
        .single()
        .expect("time")
}

fn passes(statuses: [Status; 3]) -> Passes {
    statuses.map(|status| PassState {
        status,
        ..PassState::default()
    })
}

#[test]
fn the_current_pass_is_the_first_open_one() {
    use Status::*;
    let cases = [
        ([NotStarted, NotStarted, NotStarted], Some(Pass::Skim)),
        ([InProgress, NotStarted, NotStarted], Some(Pass::Skim)),
        ([Done, NotStarted, NotStarted], Some(Pass::Derive)),
        ([Done, Skipped, InProgress], Some(Pass::Reproduce)),
        ([Skipped, Done, NotStarted], Some(Pass::Reproduce)),
        ([Done, Done, Done], None),
        ([Done, Skipped, Skipped], None),
    ];
    for (statuses, want) in cases {
        assert_eq!(current_pass(&passes(statuses)), want, "{statuses:?}");
    }
}

#[test]
fn later_passes_wait_for_earlier_ones() {
    use Status::*;
    let p = passes([InProgress, NotStarted, NotStarted]);
    assert_eq!(open_before(&p, Pass::Skim), vec![]);
    assert_eq!(open_before(&p, Pass::Derive), vec![Pass::Skim]);
    assert_eq!(
        open_before(&p, Pass::Reproduce),
        vec![Pass::Skim, Pass::Derive]
    );
    let p = passes([Skipped, Done, NotStarted]);
    assert_eq!(open_before(&p, Pass::Reproduce), vec![]);
}

#[test]
fn a_left_running_timer_is_kept_trimmed_or_discarded() {
    let s = Session {
        id: 1,
        paper_id: "x".into(),
        pass: Pass::Skim,
        started: at(9, 0),
        ended: None,
    };
    let now = at(14, 30);
    assert_eq!(resolve_end(&s, LeftRunning::Keep, now), Some(now));
    assert_eq!(resolve_end(&s, LeftRunning::Trim(25), now), Some(at(9, 25)));
    // Trimming never invents time past now.
    assert_eq!(resolve_end(&s, LeftRunning::Trim(1000), now), Some(now));
    assert_eq!(resolve_end(&s, LeftRunning::Discard, now), None);
    assert_eq!(s.seconds(now), 5 * 3600 + 1800);
    // A clock that went backwards counts nothing, not negative time.
    assert_eq!(s.seconds(at(8, 0)), 0);
    assert_eq!(resolve_end(&s, LeftRunning::Keep, at(8, 0)), Some(at(9, 0)));
}

#[test]
fn budgets_report_overruns() {
    let b = Budget { min: 5, max: 10 };
    assert_eq!(b.over(9 * 60), None);
    assert_eq!(b.over(10 * 60 + 59), None);
    assert_eq!(b.over(25 * 60), Some(15));
    assert_eq!(b.to_string(), "5–10 min");
}

#[test]
fn the_daily_log_splits_at_midnight_and_sums_per_paper_and_pass() {
    let day2 = |h, m| {
        Utc.with_ymd_and_hms(2026, 11, 30, h, m, 0)
            .single()
            .expect("time")
    };
    let session = |id, paper: &str, pass, started, ended| Session {
        id,
        paper_id: paper.into(),
        pass,
        started,
        ended,
    };
    let sessions = vec![
        session(1, "a", Pass::Skim, at(9, 0), Some(at(9, 10))),
        session(2, "a", Pass::Skim, at(10, 0), Some(at(10, 5))),
        session(3, "b", Pass::Derive, at(23, 30), Some(day2(0, 45))),
        session(4, "a", Pass::Derive, at(11, 0), None),
    ];
    let log = daily_log(&sessions, None);
    let rows: Vec<(String, &str, u8, i64)> = log
        .iter()
        .map(|r| {
            (
                r.date.to_string(),
                r.paper_id.as_str(),
                r.pass,
                r.seconds / 60,
            )
        })
        .collect();
    assert_eq!(
        rows,
        vec![
            ("2026-11-29".to_string(), "a", 1, 15),
            ("2026-11-29".to_string(), "b", 2, 30),
            ("2026-11-30".to_string(), "b", 2, 45),
        ]
    );
    let since = NaiveDate::from_ymd_opt(2026, 11, 30);
    assert_eq!(daily_log(&sessions, since).len(), 1);
}

#[test]
fn the_queue_puts_priority_then_work_in_progress_first() {
    use Status::*;
    let item = |id: &str, priority, queued: Option<(u32, u32)>, statuses| QueueItem {
        paper_id: id.into(),
        priority,
        queued_at: queued.map(|(h, m)| at(h, m)),
        passes: passes(statuses),
    };
    let items = vec![
        item(
            "old-unstarted",
            0,
            Some((8, 0)),
            [NotStarted, NotStarted, NotStarted],
        ),
        item(
            "new-unstarted",
            0,
            Some((9, 0)),
            [NotStarted, NotStarted, NotStarted],
        ),
        item("finished", 5, Some((7, 0)), [Done, Done, Skipped]),
        item(
            "urgent",
            2,
            Some((10, 0)),
            [NotStarted, NotStarted, NotStarted],
        ),
        item("halfway", 0, None, [Done, InProgress, NotStarted]),
        item("on-pass-3", 0, Some((9, 30)), [Done, Done, NotStarted]),
    ];
    let order: Vec<String> = order_queue(items).into_iter().map(|i| i.paper_id).collect();
    assert_eq!(
        order,
        [
            "urgent",
            "halfway",
            "on-pass-3",
            "old-unstarted",
            "new-unstarted"
        ]
    );
}

#[test]
fn durations_read_naturally() {
    assert_eq!(human_duration(42), "42 s");
    assert_eq!(human_duration(12 * 60 + 5), "12 min");
    assert_eq!(human_duration(65 * 60), "1 h 05 min");
    assert_eq!(human_duration(-5), "0 s");
}
