//! The three-pass reading workflow from the command line.

use crate::support::Home;
use std::path::PathBuf;

fn home() -> Home {
    let home = Home::new();
    home.run(&[
        "import",
        concat!(env!("CARGO_MANIFEST_DIR"), "/papers/starter.atom"),
    ])
    .ok();
    home
}

fn json(home: &Home, args: &[&str]) -> serde_json::Value {
    let run = home.run(args);
    serde_json::from_str(&run.ok().stdout()).expect("JSON output")
}

/// A fake editor: a shell script that does `body` to the file in "$1".
fn editor(home: &Home, name: &str, body: &str) -> PathBuf {
    let path = home.path().join(name);
    std::fs::write(&path, format!("#!/bin/sh\n{body}\n")).expect("write script");
    let mut perms = std::fs::metadata(&path).expect("meta").permissions();
    std::os::unix::fs::PermissionsExt::set_mode(&mut perms, 0o755);
    std::fs::set_permissions(&path, perms).expect("chmod");
    path
}

#[test]
fn start_stop_and_status() {
    let home = home();
    let run = home.run(&["read", "2106.09685", "start"]);
    assert!(
        run.ok()
            .stderr()
            .contains("Started pass 1 (structured skim) of 2106.09685"),
        "{}",
        run.stderr()
    );
    let status = json(&home, &["read", "status", "--json"]);
    assert_eq!(status["running"]["id"], "2106.09685");
    assert_eq!(status["running"]["pass"], 1);
    assert_eq!(status["running"]["budget"], serde_json::json!([5, 10]));
    // Starting the same pass again just says so.
    assert!(
        home.run(&["read", "2106.09685", "start"])
            .ok()
            .stderr()
            .contains("Already timing")
    );
    let err = home.run(&["read", "1706.03762", "stop"]).fails(1);
    assert!(err.contains("the running timer is on 2106.09685"), "{err}");
    let stopped = home.run(&["read", "stop"]);
    assert!(
        stopped.ok().stderr().contains("Logged"),
        "{}",
        stopped.stderr()
    );
    assert_eq!(
        json(&home, &["read", "status", "--json"])["running"],
        serde_json::Value::Null
    );
    assert!(
        home.run(&["read", "stop"])
            .fails(1)
            .contains("no timer is running")
    );
    let paper = json(&home, &["read", "2106.09685", "status", "--json"]);
    assert_eq!(paper["passes"][0]["status"], "in_progress");
    assert_eq!(paper["next_pass"], 1);
}

#[test]
fn a_timer_left_running_is_found_and_resolved() {
    let home = home();
    home.run(&["read", "2106.09685", "start"]).ok();
    // The terminal was closed three hours ago with the timer running.
    let conn = rusqlite::Connection::open(home.database()).expect("db");
    let three_hours_ago = (chrono::Utc::now() - chrono::Duration::hours(3))
        .format("%Y-%m-%dT%H:%M:%SZ")
        .to_string();
    conn.execute(
        "UPDATE sessions SET started_at = ?1 WHERE ended_at IS NULL",
        [&three_hours_ago],
    )
    .expect("backdate");
    drop(conn);
    // Without a terminal to ask on, starting another paper explains the choice.
    let err = home.run(&["read", "1706.03762", "start"]).fails(1);
    assert!(
        err.contains("a timer is already running: 2106.09685 pass 1"),
        "{err}"
    );
    assert!(
        err.contains("--left-running keep|trim=MINUTES|discard"),
        "{err}"
    );
    let run = home.run(&["read", "1706.03762", "start", "--left-running", "trim=20"]);
    assert!(
        run.ok()
            .stderr()
            .contains("Logged 20 min on pass 1 of 2106.09685"),
        "{}",
        run.stderr()
    );
    let log = json(&home, &["read", "log", "--json"]);
    assert_eq!(log[0]["id"], "2106.09685");
    assert_eq!(log[0]["minutes"], 20, "trimmed, not 180 minutes");
    assert_eq!(
        json(&home, &["read", "status", "--json"])["running"]["id"],
        "1706.03762"
    );
    // Discarding counts nothing.
    home.run(&["read", "2307.08691", "start", "--left-running", "discard"])
        .ok();
    let paper = json(&home, &["read", "1706.03762", "status", "--json"]);
    assert_eq!(paper["passes"][0]["minutes"], 0);
}

#[test]
fn later_passes_need_force_without_a_terminal() {
    let home = home();
    let err = home
        .run(&["read", "2106.09685", "start", "--pass", "2"])
        .fails(1);
    assert!(
        err.contains("pass 2 comes after pass 1 which is not done or skipped; add --force"),
        "{err}"
    );
    assert_eq!(
        json(&home, &["read", "status", "--json"])["running"],
        serde_json::Value::Null
    );
    home.run(&["read", "2106.09685", "start", "--pass", "2", "--force"])
        .ok();
    home.run(&["read", "2106.09685", "done", "--pass", "2"])
        .ok();
    let paper = json(&home, &["read", "2106.09685", "status", "--json"]);
    assert_eq!(paper["passes"][1]["status"], "done");
    assert_eq!(
        paper["running"],
        serde_json::Value::Null,
        "done stops the timer"
    );
    home.run(&["read", "2106.09685", "skip"]).ok();
    assert_eq!(
        json(&home, &["read", "2106.09685", "status", "--json"])["next_pass"],
        3
    );
    let bad = home
        .run(&["read", "2106.09685", "start", "--pass", "4"])
        .fails(2);
    assert!(bad.contains("read 2106.09685"), "{bad}");
}

#[test]
fn notes_round_trip_through_the_editor() {
    let home = home();
    let appender = editor(
        &home,
        "append.sh",
        "printf '\\nLow-rank updates are enough.\\n' >> \"$1\"",
    );
    let env = [("EDITOR", appender.to_str().expect("utf-8"))];
    let run = home.run_with(&["read", "2106.09685", "note"], &env, None);
    assert!(
        run.ok()
            .stderr()
            .contains("Saved the pass 1 note of 2106.09685"),
        "{}",
        run.stderr()
    );
    let note = home
        .run(&["read", "2106.09685", "note", "--print"])
        .ok()
        .stdout();
    assert!(
        note.starts_with("<!-- Pass 1 (structured skim) of \"LoRA"),
        "seeded from the template: {note}"
    );
    assert!(note.contains("## Contributions"));
    assert!(note.ends_with("Low-rank updates are enough.\n"));

    // An editor that changes nothing saves nothing.
    let run = home.run_with(&["read", "2106.09685", "note"], &[("EDITOR", "true")], None);
    assert!(run.ok().stderr().contains("No changes; nothing saved"));
    // An editor that fails saves nothing, even if it wrote.
    let failing = editor(&home, "fail.sh", "echo scribble >> \"$1\"; exit 3");
    let err = home
        .run_with(
            &["read", "2106.09685", "note"],
            &[("EDITOR", failing.to_str().expect("utf-8"))],
            None,
        )
        .fails(1);
    assert!(
        err.contains("exited with exit status: 3; nothing was saved"),
        "{err}"
    );
    assert_eq!(
        home.run(&["read", "2106.09685", "note", "--print"])
            .stdout(),
        note
    );

    // Editing again keeps the previous text as a version.
    home.run_with(&["read", "2106.09685", "note"], &env, None)
        .ok();
    let history = home
        .run(&["read", "2106.09685", "note", "--history"])
        .ok()
        .stdout();
    assert!(history.starts_with("--- pass 1 note saved"), "{history}");
    assert!(history.trim_end().ends_with("Low-rank updates are enough."));
}

#[test]
fn notes_from_standard_input() {
    let home = home();
    home.run_with(
        &["read", "1706.03762", "note", "--pass", "2", "--stdin"],
        &[],
        Some("$$softmax(QK^T/\\sqrt{d})V$$\n"),
    )
    .ok();
    let note = home
        .run(&["read", "1706.03762", "note", "--pass", "2", "--print"])
        .ok()
        .stdout();
    assert_eq!(note, "$$softmax(QK^T/\\sqrt{d})V$$\n");
    let same = home.run_with(
        &["read", "1706.03762", "note", "--pass", "2", "--stdin"],
        &[],
        Some("$$softmax(QK^T/\\sqrt{d})V$$\n"),
    );
    assert!(same.ok().stderr().contains("unchanged"));
    let status = json(&home, &["read", "1706.03762", "status", "--json"]);
    assert_eq!(status["passes"][1]["has_note"], true);
}

#[test]
fn the_queue_the_log_and_the_stats() {
    let home = home();
    home.run(&["read", "2106.09685", "queue"]).ok();
    home.run(&["read", "2305.14314", "queue", "--priority", "5"])
        .ok();
    home.run(&["read", "1706.03762", "log", "1h30m"]).ok();
    home.run(&["read", "1706.03762", "log", "45", "--pass", "2"])
        .ok();
    let queue = json(&home, &["read", "queue", "--json"]);
    let ids: Vec<&str> = queue
        .as_array()
        .expect("array")
        .iter()
        .map(|q| q["id"].as_str().unwrap_or(""))
        .collect();
    assert_eq!(
        ids,
        ["2305.14314", "1706.03762", "2106.09685"],
        "priority, then in progress, then queued"
    );
    assert_eq!(queue[1]["next_pass"], 1);
    assert_eq!(queue[1]["passes"][0]["minutes"], 90);
    assert_eq!(queue[1]["passes"][0]["over_budget"], 80);
    home.run(&["read", "2305.14314", "unqueue"]).ok();
    assert_eq!(
        json(&home, &["read", "queue", "--json"])
            .as_array()
            .map(Vec::len),
        Some(2)
    );

    let log = json(&home, &["read", "log", "--json"]);
    // Summed in seconds: a session that crosses midnight is split into two
    // days, and each day's row floors its own minutes.
    let seconds: i64 = log
        .as_array()
        .expect("array")
        .iter()
        .map(|r| r["seconds"].as_i64().unwrap_or(0))
        .sum();
    assert_eq!(seconds, 135 * 60);
    let human = home.run(&["read", "log"]).ok().stdout();
    assert!(human.contains("Total: 2 h 15 min"), "{human}");

    let stats = json(&home, &["read", "stats", "--json"]);
    assert_eq!(stats["papers"], 29);
    assert_eq!(stats["passes"][0]["minutes"], 90);
    assert_eq!(stats["passes"][0]["over_budget"], 1);
    assert_eq!(stats["passes"][1]["minutes"], 45);
    assert!(
        home.run(&["read", "stats"])
            .ok()
            .stdout()
            .contains("pass 1 structured skim")
    );
    let err = home.run(&["read", "1706.03762", "log", "forever"]).fails(2);
    assert!(err.contains("not a duration"), "{err}");
}

#[test]
fn markdown_export_writes_one_file_per_paper_idempotently() {
    let home = home();
    home.run_with(
        &["read", "2106.09685", "note", "--stdin"],
        &[],
        Some("## Contributions\n\n- rank 8 is enough\n"),
    )
    .ok();
    home.run(&["read", "2106.09685", "log", "12"]).ok();
    home.run(&["tag", "2106.09685", "peft"]).ok();
    let dir = home.path().join("vault");
    let run = home.run(&[
        "export",
        "--format",
        "markdown",
        "--tag",
        "peft",
        "-o",
        dir.to_str().expect("utf-8"),
    ]);
    assert!(
        run.ok().stderr().contains("Wrote 1 note files"),
        "{}",
        run.stderr()
    );
    let text = std::fs::read_to_string(dir.join("hu2021lora.md")).expect("file");
    assert!(
        text.starts_with("---\nid: \"2106.09685\"\nversion: 2\n"),
        "{text}"
    );
    assert!(
        text.contains(
            "passes:\n  pass1: in_progress\n  pass2: not_started\n  pass3: not_started\n"
        )
    );
    assert!(text.contains("minutes:\n  pass1: 12\n"));
    assert!(text.contains("## Pass 1: structured skim\n\n*in progress, 12 min logged, budget 5–10 min*\n\n### Contributions"));
    let again = home.run(&[
        "export",
        "--format",
        "markdown",
        "--tag",
        "peft",
        "-o",
        dir.to_str().expect("utf-8"),
    ]);
    assert!(
        again.ok().stderr().contains("Wrote 0 note files")
            && again.stderr().contains("1 already up to date")
    );
    // A path ending in .md is still a single reading list.
    let list = home.path().join("list.md");
    home.run(&[
        "export",
        "--format",
        "markdown",
        "-o",
        list.to_str().expect("utf-8"),
    ])
    .ok();
    assert!(
        std::fs::read_to_string(list)
            .expect("file")
            .starts_with("# litradar export")
    );
}
