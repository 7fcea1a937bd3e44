//! `fetch` and `add` against a local server with recorded responses.

use crate::support::{Home, MockArxiv, Reply, entries, feed_with, fixture};
use std::time::Duration;

/// Answers the "testing" query pages from the recordings.
fn testing_pages(start: &str) -> Reply {
    match start {
        "0" => Reply::Fixture("api2026_q_testing_s0_m10.xml"),
        "10" => Reply::Fixture("api2026_q_testing_s10_m10.xml"),
        "20" => Reply::Fixture("api2026_q_testing_s20_m10.xml"),
        "30" => Reply::Fixture("api2026_q_testing_s30_m10.xml"),
        _ => Reply::Body(500, "unexpected page".into()),
    }
}

#[test]
fn fetches_several_pages_and_stops_at_the_limit() {
    let server = MockArxiv::start(|req, _| testing_pages(req.param("start")));
    let home = Home::with_server(&server);
    home.config("[arxiv]\npage_size = 10\n");
    let run = home.run(&["fetch", "testing", "--max", "25"]);
    run.ok();
    let requests = server.requests();
    let pages: Vec<(&str, &str)> = requests
        .iter()
        .map(|r| (r.param("start"), r.param("max_results")))
        .collect();
    assert_eq!(pages, [("0", "10"), ("10", "10"), ("20", "5")]);
    for r in &requests {
        assert_eq!(r.param("search_query"), "testing");
        assert_eq!(r.param("sortBy"), "relevance");
        assert_eq!(r.param("sortOrder"), "descending");
        assert!(r.user_agent.starts_with("litradar/"), "{}", r.user_agent);
    }
    assert_eq!(home.papers().len(), 25);
    assert!(
        run.stderr()
            .contains("Fetched 25 of 214881 matching papers: 25 added"),
        "{}",
        run.stderr()
    );
    // Fetched papers are listed on stdout, one per line; no progress bar on a pipe.
    assert_eq!(run.stdout().lines().count(), 25);
    assert!(!run.stderr().contains('\r'));
}

#[test]
fn requests_are_spaced_by_the_configured_delay() {
    let server = MockArxiv::start(|req, _| testing_pages(req.param("start")));
    let mut home = Home::with_server(&server);
    home.delay_ms = 300;
    home.config("[arxiv]\npage_size = 10\n");
    home.run(&["fetch", "testing", "--max", "40"]).ok();
    let times: Vec<_> = server.requests().iter().map(|r| r.at).collect();
    assert_eq!(times.len(), 4);
    for pair in times.windows(2) {
        let gap = pair[1] - pair[0];
        assert!(
            gap >= Duration::from_millis(300),
            "requests only {gap:?} apart"
        );
    }
}

#[test]
fn retries_a_503_then_succeeds() {
    let server = MockArxiv::start(|_, i| match i {
        0 => Reply::Body(503, "busy".into()),
        _ => Reply::Fixture("api2026_q_testing_s0_m10.xml"),
    });
    let home = Home::with_server(&server);
    home.run(&["fetch", "testing", "--max", "10"]).ok();
    assert_eq!(server.requests().len(), 2);
    assert_eq!(home.papers().len(), 10);
}

#[test]
fn retries_rate_exceeded_then_succeeds() {
    let server = MockArxiv::start(|_, i| match i {
        0 | 1 => Reply::Body(200, "Rate exceeded.".into()),
        _ => Reply::Fixture("api2026_q_testing_s0_m10.xml"),
    });
    let home = Home::with_server(&server);
    home.run(&["fetch", "testing", "--max", "10"]).ok();
    let times: Vec<_> = server.requests().iter().map(|r| r.at).collect();
    assert_eq!(times.len(), 3);
    // Backoff doubles: at least 2x then 4x the 5 ms spacing.
    assert!(times[2] - times[1] >= Duration::from_millis(20));
    assert_eq!(home.papers().len(), 10);
}

#[test]
fn an_empty_page_in_the_middle_is_retried_not_taken_as_the_end() {
    let server = MockArxiv::start(|req, i| match (req.param("start"), i) {
        // The second request (start=10) first comes back empty.
        ("10", 1) => Reply::Body(
            200,
            feed_with(&fixture("api2026_q_testing_s10_m10.xml"), 214881, &[]),
        ),
        (start, _) => testing_pages(start),
    });
    let home = Home::with_server(&server);
    home.config("[arxiv]\npage_size = 10\n");
    home.run(&["fetch", "testing", "--max", "30"]).ok();
    let starts: Vec<String> = server
        .requests()
        .iter()
        .map(|r| r.param("start").to_string())
        .collect();
    assert_eq!(starts, ["0", "10", "10", "20"]);
    assert_eq!(home.papers().len(), 30);
}

#[test]
fn gives_up_with_a_clear_error_and_keeps_earlier_pages() {
    let server = MockArxiv::start(|req, _| match req.param("start") {
        "0" => Reply::Fixture("api2026_q_testing_s0_m10.xml"),
        _ => Reply::Body(503, "down".into()),
    });
    let home = Home::with_server(&server);
    home.config("[arxiv]\npage_size = 10\nmax_retries = 2\n");
    let err = home.run(&["fetch", "testing", "--max", "20"]).fails(1);
    assert!(err.contains("after 3 attempts"), "{err}");
    assert!(err.contains("HTTP 503"), "{err}");
    assert!(
        err.contains("10 papers from pages received before the failure are kept"),
        "{err}"
    );
    assert_eq!(server.requests().len(), 4);
    assert_eq!(home.papers().len(), 10);
}

#[test]
fn the_error_feed_is_a_clear_error_never_a_paper() {
    for (status, name) in [
        (400, "api2026_id_abc_s0_m100.xml"),
        (200, "arxivdocs2007_error_incorrect_id_format.xml"),
    ] {
        let server = MockArxiv::start(move |_, _| Reply::Body(status, fixture(name)));
        let home = Home::with_server(&server);
        let err = home.run(&["fetch", "all:x"]).fails(1);
        assert!(
            err.contains("the arXiv API refused the request: incorrect id format for"),
            "{err}"
        );
        assert_eq!(server.requests().len(), 1, "an API error is not retried");
        assert!(home.papers().is_empty());
    }
}

#[test]
fn an_empty_result_is_not_an_error() {
    let server = MockArxiv::start(|_, _| Reply::Fixture("api2026_id_0000.0000_s0_m100.xml"));
    let home = Home::with_server(&server);
    let run = home.run(&["fetch", "ti:nothingmatchesthis"]);
    run.ok();
    assert!(
        run.stderr().contains("Fetched 0 of 0 matching papers"),
        "{}",
        run.stderr()
    );
    assert_eq!(server.requests().len(), 1);
}

#[test]
fn truncated_xml_is_a_clear_error_and_leaves_the_library_unchanged() {
    let full = fixture("api2026_q_testing_s0_m10.xml");
    let cut = full[..full.len() / 2].to_string();
    let server = MockArxiv::start(move |req, _| {
        if req.param("id_list").is_empty() {
            Reply::Body(200, cut.clone())
        } else {
            Reply::Fixture("api2026_id_1605.08386_s0_m100.xml")
        }
    });
    let home = Home::with_server(&server);
    home.run(&["add", "1605.08386"]).ok();
    let before = std::fs::read(home.database()).expect("db");
    let err = home.run(&["fetch", "testing", "--max", "10"]).fails(1);
    assert!(err.contains("malformed Atom feed"), "{err}");
    assert!(err.contains("the library is unchanged"), "{err}");
    let papers = home.papers();
    assert_eq!(papers.len(), 1);
    assert_eq!(papers[0]["id"], "1605.08386");
    // WAL may checkpoint, so compare what the library holds, not bytes.
    assert!(!before.is_empty());
}

#[test]
fn adds_old_style_and_versioned_ids_by_their_latest_version() {
    let feeds = [
        fixture("api2026_id_astro-ph_0601001_s0_m100.xml"),
        fixture("api2026_id_quant-ph_0201082v1_s0_m100.xml"),
        fixture("api2026_id_2104.12255v1_s0_m100.xml"),
    ];
    let all: Vec<String> = feeds.iter().flat_map(|f| entries(f)).collect();
    let body = feed_with(&feeds[0], 3, &all);
    let server = MockArxiv::start(move |_, _| Reply::Body(200, body.clone()));
    let home = Home::with_server(&server);
    home.run(&[
        "add",
        "https://arxiv.org/abs/astro-ph/0601001",
        "quant-ph/0201082v1",
        "arXiv:2104.12255v1",
    ])
    .ok();
    let requests = server.requests();
    assert_eq!(requests.len(), 1, "one id_list request for all three");
    assert_eq!(
        requests[0].param("id_list"),
        "astro-ph/0601001,quant-ph/0201082,2104.12255"
    );
    assert_eq!(
        requests[0].param("max_results"),
        "3",
        "max_results is always sent"
    );
    let mut ids: Vec<String> = home
        .papers()
        .iter()
        .map(|p| p["id"].as_str().unwrap_or("").to_string())
        .collect();
    ids.sort();
    assert_eq!(ids, ["2104.12255", "astro-ph/0601001", "quant-ph/0201082"]);
}

#[test]
fn ids_arxiv_does_not_know_are_reported() {
    let server = MockArxiv::start(|_, _| Reply::Fixture("api2026_id_1707.08567_s0_m100.xml"));
    let home = Home::with_server(&server);
    let err = home.run(&["add", "1707.08567", "2106.99999"]).fails(1);
    assert!(err.contains("not found on arXiv: 2106.99999"), "{err}");
    assert_eq!(home.papers().len(), 1, "the found paper is stored");
}

#[test]
fn malformed_ids_and_queries_fail_before_any_request() {
    let server = MockArxiv::start(|_, _| Reply::Body(500, "should not be called".into()));
    let home = Home::with_server(&server);
    let err = home.run(&["add", "2106.09685", "2106.0968"]).fails(2);
    assert!(err.contains("'2106.0968' is not an arXiv id"), "{err}");
    let err = home.run(&["fetch", "title:lora"]).fails(2);
    assert!(err.contains("unknown field 'title:'"), "{err}");
    let err = home
        .run(&["fetch", "lora", "--from", "2024-02-30"])
        .fails(2);
    assert!(err.contains("is not a date"), "{err}");
    let err = home
        .run(&[
            "fetch",
            "lora",
            "--from",
            "2024-02-01",
            "--to",
            "2023-01-01",
        ])
        .fails(2);
    assert!(err.contains("is after"), "{err}");
    assert!(server.requests().is_empty());
}

#[test]
fn date_ranges_and_sort_orders_reach_the_api() {
    let server = MockArxiv::start(|_, _| Reply::Fixture("api2026_id_0000.0000_s0_m100.xml"));
    let home = Home::with_server(&server);
    home.run(&[
        "fetch",
        "cat:cs.CL",
        "--from",
        "2023-01-01",
        "--to",
        "2023-06-30",
        "--sort",
        "submitted",
        "--max",
        "5",
    ])
    .ok();
    let r = &server.requests()[0];
    assert_eq!(
        r.param("search_query"),
        "(cat:cs.CL) AND submittedDate:[202301010000 TO 202306302359]"
    );
    assert_eq!(
        (r.param("sortBy"), r.param("max_results")),
        ("submittedDate", "5")
    );
}

#[test]
fn a_newer_version_updates_in_place_and_is_flagged() {
    let v1 = fixture("api2026_id_2104.12255v1_s0_m100.xml");
    let v2 = v1
        .replace("2104.12255v1", "2104.12255v2")
        .replace("<title>", "<title>Revised: ");
    let server = MockArxiv::start(move |_, i| {
        Reply::Body(200, if i == 0 { v1.clone() } else { v2.clone() })
    });
    let home = Home::with_server(&server);
    home.run(&["add", "2104.12255"]).ok();
    let run = home.run(&["add", "2104.12255"]);
    run.ok();
    assert!(
        run.stderr().contains("new versions: 2104.12255 v1→v2"),
        "{}",
        run.stderr()
    );
    let papers = home.papers();
    assert_eq!(papers.len(), 1, "never duplicated");
    assert_eq!(papers[0]["version"], 2);
    assert_eq!(papers[0]["new_version"], true);
    assert!(home.run(&["list"]).stdout().starts_with("2104.12255v2*"));
    let shown = home.run(&["show", "2104.12255"]);
    assert!(
        shown
            .ok()
            .stdout()
            .contains("New version v2 (you last saw v1"),
        "{}",
        shown.stdout()
    );
    assert_eq!(
        home.papers()[0]["new_version"],
        false,
        "showing it marks it seen"
    );
}

#[test]
fn an_interrupted_fetch_keeps_whole_pages_and_a_sound_database() {
    let server = MockArxiv::start(|req, _| match req.param("start") {
        "0" => Reply::Fixture("api2026_q_testing_s0_m10.xml"),
        _ => {
            // The second page never comes in time: the user presses Ctrl-C.
            std::thread::sleep(Duration::from_secs(3));
            Reply::Body(503, "late".into())
        }
    });
    let home = Home::with_server(&server);
    home.config("[arxiv]\npage_size = 10\n");
    let child = std::process::Command::new(env!("CARGO_BIN_EXE_litradar"))
        .args(["fetch", "testing", "--max", "30"])
        .env("LITRADAR_HOME", home.path())
        .env("LITRADAR_ARXIV_URL", server.url())
        .env("LITRADAR_ARXIV_DELAY_MS", "5")
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .expect("spawn");
    let deadline = std::time::Instant::now() + Duration::from_secs(10);
    while server.requests().len() < 2 && std::time::Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(20));
    }
    let status = std::process::Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .expect("kill");
    assert!(status.success());
    let output = child.wait_with_output().expect("wait");
    assert!(!output.status.success(), "the fetch was interrupted");
    let conn = rusqlite::Connection::open(home.database()).expect("open");
    let check: String = conn
        .query_row("PRAGMA integrity_check", [], |r| r.get(0))
        .expect("check");
    assert_eq!(check, "ok");
    drop(conn);
    assert_eq!(
        home.papers().len(),
        10,
        "the first page is complete, nothing else"
    );
}
