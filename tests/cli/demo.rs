//! `litradar demo`.

use crate::support::Home;

#[test]
fn demo_sets_up_a_separate_library_and_prints_a_summary() {
    let home = Home::new();
    home.run(&["add", "--help"]).ok();
    let run = home.run(&["demo"]);
    let out = run.ok().stdout();
    assert!(out.contains("litradar demo library"), "{out}");
    assert!(
        out.contains("29 landmark papers (29 added just now)"),
        "{out}"
    );
    assert!(out.contains(&home.path().join("demo").display().to_string()));
    // The user's own library is untouched.
    assert!(home.papers().is_empty());
    // Running again refreshes without duplicating.
    let again = home.run(&["demo", "--json"]);
    let summary: serde_json::Value = serde_json::from_str(&again.ok().stdout()).expect("json");
    assert_eq!(summary["papers"], 29);
    assert_eq!(summary["added"], 0);
    // The starter implementations are linked once, with their claims, and
    // nothing has run.
    assert_eq!(summary["implementations"], 5);
    assert_eq!(summary["ledger"]["claims"], 26);
    assert_eq!(summary["ledger"]["not_run"], 26);
    assert!(
        summary["tags"]
            .as_array()
            .is_some_and(|t| t.iter().any(|x| x["name"] == "peft"))
    );
    // The demo home is a normal home.
    let demo = home.path().join("demo");
    let listed = home.run(&[
        "--home",
        demo.to_str().expect("utf-8"),
        "list",
        "--tag",
        "peft",
    ]);
    assert_eq!(listed.ok().stdout().lines().count(), 3);
}
