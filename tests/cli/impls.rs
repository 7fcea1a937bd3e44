//! Reference implementations from the command line: links, checks, runs
//! of real programs (shell scripts standing in for research code) with
//! streamed output, metrics, timeouts and Ctrl-C, and the ledger.

use crate::support::Home;
use std::os::unix::fs::PermissionsExt;
use std::path::Path;
use std::time::{Duration, Instant};

fn home() -> Home {
    Home::with_starter_papers()
}

/// Writes an executable script `name` into `dir`.
fn script(dir: &Path, name: &str, body: &str) {
    let path = dir.join(name);
    std::fs::write(&path, format!("#!/bin/sh\n{body}\n")).expect("script");
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).expect("chmod");
}

fn json(home: &Home, args: &[&str]) -> serde_json::Value {
    let run = home.run(args);
    serde_json::from_str(&run.ok().stdout()).expect("JSON")
}

#[test]
fn a_linked_program_runs_streams_and_feeds_the_ledger() {
    let home = home();
    let code = tempfile::tempdir().expect("code");
    script(
        code.path(),
        "train.sh",
        r#"echo "training with $1"
echo "warming up" >&2
echo "METRIC bleu=27.9 BLEU"
echo '{"metric": "ppl", "value": 4.7}'
echo "METRIC bleu=28.2 BLEU"
echo "METRIC not a metric""#,
    );
    let folder = code.path().display().to_string();
    let linked = home.run(&[
        "impl",
        "link",
        "1706.03762",
        &folder,
        "--cmd",
        "./train.sh 'big model'",
        "--official",
        "--framework",
        "sh",
    ]);
    assert!(
        linked
            .ok()
            .stderr()
            .contains("Linked #1 to 1706.03762: local"),
        "{}",
        linked.stderr()
    );
    home.run(&[
        "claim",
        "add",
        "1706.03762",
        "bleu",
        "28.4",
        "--tolerance",
        "0.5",
        "--dataset",
        "WMT14 en-de",
    ])
    .ok();
    home.run(&[
        "claim",
        "add",
        "1706.03762",
        "ppl",
        "4.5",
        "--at-most",
        "--tolerance",
        "2%",
    ])
    .ok();
    home.run(&[
        "claim",
        "add",
        "1706.03762",
        "accuracy",
        "0.9",
        "--at-least",
    ])
    .ok();

    let before = json(&home, &["impl", "ledger", "--json"]);
    assert_eq!(before[0]["not_run"], 3);

    let run = home.run(&["impl", "run", "1706.03762"]);
    run.ok();
    // The program's output comes through as it was, stream by stream.
    assert!(
        run.stdout().starts_with("training with big model\n"),
        "{}",
        run.stdout()
    );
    assert!(run.stdout().contains("METRIC bleu=28.2 BLEU"));
    assert!(run.stderr().contains("warming up"));
    assert!(
        run.stderr().contains("Logged run #1 of 1706.03762: exit 0"),
        "{}",
        run.stderr()
    );

    let ledger = json(&home, &["impl", "ledger", "1706.03762", "--json"]);
    let claims = ledger[0]["claims"].as_array().expect("claims");
    let by_metric = |m: &str| {
        claims
            .iter()
            .find(|c| c["claim"]["metric"] == m)
            .expect("claim")
            .clone()
    };
    // The last value printed counts.
    assert_eq!(by_metric("bleu")["observed"], 28.2);
    assert_eq!(by_metric("bleu")["verdict"], "reproduced");
    // 4.7 is past 4.5 by more than 2% (0.09) but within twice that: partly.
    assert_eq!(by_metric("ppl")["verdict"], "not");
    assert_eq!(by_metric("accuracy")["verdict"], "not_run");
    assert_eq!(
        (
            ledger[0]["reproduced"].as_u64(),
            ledger[0]["not_run"].as_u64()
        ),
        (Some(1), Some(1))
    );

    let runs = json(&home, &["impl", "runs", "--json"]);
    let r = &runs[0];
    assert_eq!(
        (r["outcome"].as_str(), r["exit_code"].as_i64()),
        (Some("exited"), Some(0))
    );
    assert_eq!(r["command"], serde_json::json!(["./train.sh", "big model"]));
    assert_eq!(
        r["metrics"][0],
        serde_json::json!({"name": "bleu", "value": 28.2, "unit": "BLEU"})
    );
    assert_eq!(r["metrics"][1]["name"], "ppl");
    assert!(
        r["stderr_tail"]
            .as_str()
            .expect("tail")
            .contains("warming up")
    );
    assert!(
        r["git_commit"].is_null(),
        "a temporary folder is no checkout"
    );

    let text = home.run(&["impl", "ledger"]).ok().stdout();
    assert!(
        text.contains("1 reproduced, 0 partly, 1 not, 1 not run"),
        "{text}"
    );
    let md = home.run(&["impl", "ledger", "--markdown"]).ok().stdout();
    assert!(
        md.contains("| bleu (WMT14 en-de) | ≈ 28.4 ±0.5 | 28.2 | -0.2 | reproduced |"),
        "{md}"
    );
}

#[test]
fn a_failing_program_is_logged_with_what_it_printed() {
    let home = home();
    let code = tempfile::tempdir().expect("code");
    script(
        code.path(),
        "fail.sh",
        "echo 'METRIC loss=0.5'\necho 'out of memory' >&2\nexit 3",
    );
    home.run(&[
        "impl",
        "link",
        "2106.09685",
        &code.path().display().to_string(),
        "--cmd",
        "./fail.sh",
    ])
    .ok();
    let err = home.run(&["impl", "run", "2106.09685"]).fails(1);
    assert!(err.contains("out of memory"), "{err}");
    assert!(
        err.contains("the program failed (exit 3); run #1 is logged"),
        "{err}"
    );
    let runs = json(&home, &["impl", "runs", "2106.09685", "--json"]);
    assert_eq!(runs[0]["exit_code"], 3);
    assert_eq!(runs[0]["metrics"][0]["value"], 0.5);
}

#[test]
fn a_timeout_kills_the_whole_process_group() {
    let home = home();
    let code = tempfile::tempdir().expect("code");
    // The program starts a grandchild that would outlive a plain kill.
    script(
        code.path(),
        "hang.sh",
        "sleep 60 &\necho $! > grandchild.pid\necho started\nwait",
    );
    home.run(&[
        "impl",
        "link",
        "1512.03385",
        &code.path().display().to_string(),
        "--cmd",
        "./hang.sh",
    ])
    .ok();
    let started = Instant::now();
    let err = home
        .run(&["impl", "run", "1512.03385", "--timeout", "1"])
        .fails(1);
    assert!(
        started.elapsed() < Duration::from_secs(20),
        "took {:?}",
        started.elapsed()
    );
    assert!(
        err.contains("stopped after the 1-second timeout; run #1 is logged"),
        "{err}"
    );
    let pid = std::fs::read_to_string(code.path().join("grandchild.pid")).expect("pid");
    // Gone, or a zombie waiting for a reaper (containers may have none).
    let stat = std::fs::read_to_string(format!("/proc/{}/stat", pid.trim())).unwrap_or_default();
    let state = stat
        .rsplit(')')
        .next()
        .unwrap_or("")
        .trim_start()
        .chars()
        .next();
    assert!(
        matches!(state, None | Some('Z' | 'X')),
        "the grandchild {pid} survived the timeout: {stat}"
    );
    let runs = json(&home, &["impl", "runs", "--json"]);
    assert_eq!(runs[0]["outcome"], "timed_out");
    assert!(
        runs[0]["stdout_tail"]
            .as_str()
            .expect("tail")
            .contains("started")
    );
}

#[test]
fn ctrl_c_stops_the_program_cleanly_and_logs_the_run() {
    let home = home();
    let code = tempfile::tempdir().expect("code");
    script(
        code.path(),
        "slow.sh",
        "echo 'METRIC step=1'\nsleep 60\necho 'METRIC step=2'",
    );
    home.run(&[
        "impl",
        "link",
        "1502.03167",
        &code.path().display().to_string(),
        "--cmd",
        "./slow.sh",
    ])
    .ok();
    let mut child = home
        .command(&["impl", "run", "1502.03167"])
        .spawn()
        .expect("spawn");
    // Wait until the program is running (its first line is out), then press Ctrl-C.
    let mut stdout = std::io::BufReader::new(child.stdout.take().expect("stdout"));
    let mut first = String::new();
    std::io::BufRead::read_line(&mut stdout, &mut first).expect("first line");
    assert_eq!(first, "METRIC step=1\n");
    std::process::Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .expect("kill -INT");
    let deadline = Instant::now() + Duration::from_secs(20);
    let status = loop {
        if let Some(s) = child.try_wait().expect("wait") {
            break s;
        }
        assert!(Instant::now() < deadline, "litradar did not stop on Ctrl-C");
        std::thread::sleep(Duration::from_millis(50));
    };
    let output = child.wait_with_output().expect("output");
    let err = String::from_utf8_lossy(&output.stderr);
    assert_eq!(status.code(), Some(130), "{err}");
    assert!(err.contains("stopped by Ctrl-C; run #1 is logged"), "{err}");
    let runs = json(&home, &["impl", "runs", "--json"]);
    assert_eq!(runs[0]["outcome"], "interrupted");
    assert_eq!(
        runs[0]["metrics"],
        serde_json::json!([{"name": "step", "value": 1.0, "unit": null}])
    );
}

#[test]
fn output_kept_in_the_log_is_bounded() {
    let home = home();
    let code = tempfile::tempdir().expect("code");
    script(
        code.path(),
        "chatty.sh",
        "i=0\nwhile [ $i -lt 20000 ]; do echo \"line $i of a long log\"; i=$((i+1)); done\necho 'METRIC done=1'",
    );
    home.run(&[
        "impl",
        "link",
        "1710.05941",
        &code.path().display().to_string(),
        "--cmd",
        "./chatty.sh",
    ])
    .ok();
    let run = home.run(&["impl", "run", "1710.05941"]);
    assert_eq!(run.ok().stdout().lines().count(), 20001);
    let runs = json(&home, &["impl", "runs", "--json"]);
    let tail = runs[0]["stdout_tail"].as_str().expect("tail");
    // 16 KiB of output and the line that says earlier output was cut.
    assert!(tail.len() <= 16 * 1024 + 64, "{} bytes kept", tail.len());
    assert!(
        tail.starts_with("[… earlier output cut]\nline "),
        "{}",
        &tail[..80]
    );
    assert!(
        tail.ends_with("METRIC done=1\n") || tail.ends_with("METRIC done=1"),
        "{}",
        &tail[tail.len() - 60..]
    );
    assert_eq!(runs[0]["metrics"][0]["name"], "done");
}

#[test]
fn broken_links_are_reported_not_crashed_on() {
    let home = home();
    let code = tempfile::tempdir().expect("code");
    let folder = code.path().join("repo");
    std::fs::create_dir(&folder).expect("mkdir");
    let folder = folder.display().to_string();
    home.run(&[
        "impl",
        "link",
        "1706.03762",
        &folder,
        "--cmd",
        "no-such-program-litradar --epochs 1",
    ])
    .ok();
    home.run(&[
        "impl",
        "link",
        "2106.09685",
        "https://github.com/microsoft/LoRA",
        "--official",
        "--mentioned",
    ])
    .ok();
    let err = home.run(&["impl", "run", "1706.03762"]).fails(1);
    assert!(
        err.contains("cannot start 'no-such-program-litradar': not found on PATH"),
        "{err}"
    );
    let check = home.run(&["impl", "check"]);
    let out = check.stdout();
    check.fails(1);
    assert!(
        out.contains("#1  1706.03762  broken: cannot start 'no-such-program-litradar'"),
        "{out}"
    );
    assert!(
        out.contains(
            "#2  2106.09685  broken: https://github.com/microsoft/LoRA is a repository: clone it"
        ),
        "{out}"
    );
    std::fs::remove_dir(&folder).expect("rmdir");
    let out = home.run(&["impl", "check", "1706.03762"]).stdout();
    assert!(out.contains("is gone"), "{out}");
    let list = json(&home, &["impl", "list", "--json"]);
    assert_eq!(list[1]["official"], true);
    assert_eq!(list[1]["mentioned_in_paper"], true);
    assert_eq!(list[1]["kind"], "git");
    assert_eq!(list[0]["runnable"], false);
    // Nothing ran, so nothing was logged.
    assert_eq!(
        json(&home, &["impl", "runs", "--json"]),
        serde_json::json!([])
    );
}

#[test]
fn mistakes_are_usage_errors_that_record_nothing() {
    let home = home();
    let code = tempfile::tempdir().expect("code");
    let folder = code.path().display().to_string();
    let err = home
        .run(&[
            "impl",
            "link",
            "1706.03762",
            &folder,
            "--cmd",
            "python 'train.py",
        ])
        .fails(2);
    assert!(
        err.contains("--cmd: an unclosed quote or a trailing backslash in: python 'train.py"),
        "{err}"
    );
    let err = home
        .run(&["claim", "add", "1706.03762", "bleu", "lots"])
        .fails(2);
    assert!(err.contains("'lots' is not a number"), "{err}");
    let err = home
        .run(&[
            "claim",
            "add",
            "1706.03762",
            "bleu",
            "28.4",
            "--tolerance",
            "some",
        ])
        .fails(2);
    assert!(err.contains("--tolerance"), "{err}");
    assert!(
        home.run(&["impl", "run", "99"])
            .fails(2)
            .contains("no implementation #99")
    );
    assert!(
        home.run(&["impl", "run", "1706.03762"])
            .fails(2)
            .contains("has no implementation linked")
    );
    assert!(
        home.run(&["claim", "remove", "7"])
            .fails(2)
            .contains("no claim #7")
    );
    assert!(
        home.run(&["impl", "run", "1706.03762", "--timeout", "-1"])
            .code()
            == 2
    );
    assert_eq!(
        json(&home, &["impl", "list", "--json"]),
        serde_json::json!([])
    );
    assert_eq!(
        json(&home, &["claim", "list", "--json"]),
        serde_json::json!([])
    );
    // Two links: naming the paper is ambiguous until one is official.
    home.run(&["impl", "link", "1706.03762", &folder, "--cmd", "true"])
        .ok();
    home.run(&[
        "impl",
        "link",
        "1706.03762",
        "https://github.com/tensorflow/tensor2tensor",
    ])
    .ok();
    assert!(
        home.run(&["impl", "run", "1706.03762"])
            .fails(2)
            .contains("several implementations")
    );
    home.run(&["impl", "unlink", "2"]).ok();
    home.run(&["impl", "run", "1706.03762"]).ok();
}
