//! Saved queries and incremental sync.

use crate::support::{Home, MockArxiv, Reply, entries, feed_with, fixture};
use std::sync::{Arc, Mutex};

/// The `<updated>` of an entry.
fn updated(entry: &str) -> String {
    let start = entry.find("<updated>").expect("updated") + "<updated>".len();
    let end = entry[start..].find('<').expect("end");
    entry[start..start + end].to_string()
}

/// Recorded entries re-sorted newest first, as `sortBy=lastUpdatedDate` returns them.
fn by_update(names: &[&str]) -> Vec<String> {
    let mut all: Vec<String> = names.iter().flat_map(|n| entries(&fixture(n))).collect();
    all.sort_by_key(|e| std::cmp::Reverse(updated(e)));
    all.dedup_by_key(|e| e[..e.find("</id>").unwrap_or(0)].to_string());
    all
}

/// A server answering pages of 10 from `pool`, which the test may change.
fn server(pool: Arc<Mutex<Vec<String>>>) -> MockArxiv {
    let header = fixture("api2026_q_testing_s0_m10.xml");
    MockArxiv::start(move |req, _| {
        let pool = pool.lock().expect("pool");
        let start: usize = req.param("start").parse().unwrap_or(0);
        let max: usize = req.param("max_results").parse().unwrap_or(10);
        let page: Vec<String> = pool.iter().skip(start).take(max).cloned().collect();
        Reply::Body(200, feed_with(&header, pool.len() as u64, &page))
    })
}

#[test]
fn watches_are_saved_listed_and_removed() {
    let home = Home::new();
    home.run(&["watch", "add", "peft", "abs:LoRA  OR abs:adapter"])
        .ok();
    let err = home.run(&["watch", "add", "peft", "abs:x"]).fails(1);
    assert!(err.contains("already exists"), "{err}");
    let err = home.run(&["watch", "add", "bad", "abs:(x"]).fails(2);
    assert!(err.contains("invalid arXiv query"), "{err}");
    let listed: serde_json::Value =
        serde_json::from_str(&home.run(&["watch", "list", "--json"]).stdout()).expect("json");
    assert_eq!(listed[0]["name"], "peft");
    assert_eq!(listed[0]["query"], "abs:LoRA OR abs:adapter");
    assert_eq!(listed[0]["sync_point"], serde_json::Value::Null);
    assert!(
        home.run(&["watch", "list"])
            .stdout()
            .contains("never synced")
    );
    home.run(&["watch", "remove", "peft"]).ok();
    assert!(
        home.run(&["watch", "remove", "peft"])
            .fails(1)
            .contains("no watch named 'peft'")
    );
}

#[test]
fn sync_is_incremental_newest_first() {
    let pool = Arc::new(Mutex::new(by_update(&[
        "api2026_q_testing_s0_m10.xml",
        "api2026_q_testing_s10_m10.xml",
        "api2026_q_testing_s20_m10.xml",
    ])));
    let server = server(Arc::clone(&pool));
    let home = Home::with_server(&server);
    home.config("[arxiv]\npage_size = 10\n[watch]\nfirst_sync_max = 15\n");
    home.run(&["watch", "add", "t", "testing"]).ok();

    // First sync: capped at first_sync_max, newest first.
    let run = home.run(&["watch", "sync", "t", "--json"]);
    run.ok();
    let report: serde_json::Value = serde_json::from_str(&run.stdout()).expect("json");
    assert_eq!(report[0]["added"].as_array().map(Vec::len), Some(15));
    assert_eq!(report[0]["capped"], true);
    let first = server.requests();
    assert_eq!(first.len(), 2);
    assert_eq!(
        (first[0].param("sortBy"), first[0].param("sortOrder")),
        ("lastUpdatedDate", "descending")
    );
    let newest = updated(&pool.lock().expect("pool")[0]);
    assert_eq!(report[0]["sync_point"], newest.as_str());

    // Nothing new: one request, nothing stored.
    let run = home.run(&["watch", "sync", "t", "--json"]);
    let report: serde_json::Value = serde_json::from_str(&run.ok().stdout()).expect("json");
    assert_eq!(report[0]["added"].as_array().map(Vec::len), Some(0));
    assert_eq!(report[0]["requests"], 1);
    assert_eq!(server.requests().len(), 3);

    // Twelve new papers arrive on top: page 1 is all new, page 2 holds two
    // new ones, page 3 nothing newer, so the sync stops there.
    {
        let mut pool = pool.lock().expect("pool");
        let fresh: Vec<String> = entries(&fixture("api2026_q_testing_s40_m10.xml"))
            .into_iter()
            .chain(
                entries(&fixture("api2026_q_testing_s50_m10.xml"))
                    .into_iter()
                    .take(2),
            )
            .enumerate()
            .map(|(i, e)| e.replacen(&updated(&e), &format!("2030-01-{:02}T00:00:00Z", 20 - i), 1))
            .collect();
        for e in fresh.into_iter().rev() {
            pool.insert(0, e);
        }
    }
    let run = home.run(&["watch", "sync", "--json"]);
    let report: serde_json::Value = serde_json::from_str(&run.ok().stdout()).expect("json");
    assert_eq!(report[0]["added"].as_array().map(Vec::len), Some(12));
    assert_eq!(report[0]["sync_point"], "2030-01-20T00:00:00Z");
    assert_eq!(report[0]["capped"], false);
    let starts: Vec<String> = server.requests()[3..]
        .iter()
        .map(|r| r.param("start").to_string())
        .collect();
    assert_eq!(starts, ["0", "10", "20"]);
    assert_eq!(home.papers().len(), 27);
}

#[test]
fn a_failed_sync_keeps_the_old_sync_point() {
    let pool = Arc::new(Mutex::new(by_update(&["api2026_q_testing_s0_m10.xml"])));
    let healthy = server(Arc::clone(&pool));
    let home = Home::with_server(&healthy);
    home.run(&["watch", "add", "t", "testing"]).ok();
    home.run(&["watch", "sync"]).ok();
    let before: serde_json::Value =
        serde_json::from_str(&home.run(&["watch", "list", "--json"]).stdout()).expect("json");

    let broken = MockArxiv::start(|_, _| Reply::Body(503, "down".into()));
    let mut home2 = home;
    home2.arxiv_url = Some(broken.url());
    home2.config("[arxiv]\nmax_retries = 1\n");
    let err = home2.run(&["watch", "sync", "t"]).fails(1);
    assert!(err.contains("syncing 't' failed"), "{err}");
    let after: serde_json::Value =
        serde_json::from_str(&home2.run(&["watch", "list", "--json"]).stdout()).expect("json");
    assert_eq!(before[0]["sync_point"], after[0]["sync_point"]);
    assert_eq!(before[0]["last_synced"], after[0]["last_synced"]);
}
