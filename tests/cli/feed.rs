//! The feed from the command line, on the starter library's real papers.

use crate::support::Home;

fn json(home: &Home, args: &[&str]) -> Vec<serde_json::Value> {
    let run = home.run(args);
    serde_json::from_str::<serde_json::Value>(&run.ok().stdout())
        .expect("JSON output")
        .as_array()
        .expect("an array")
        .clone()
}

fn ids(items: &[serde_json::Value]) -> Vec<String> {
    items
        .iter()
        .map(|i| i["id"].as_str().expect("id").to_string())
        .collect()
}

#[test]
fn a_tag_ranks_its_kind_first_and_says_why() {
    let home = Home::with_starter_papers();
    home.run(&["tag", "2106.09685", "peft"]).ok();
    let items = json(
        &home,
        &["feed", "--tag", "peft", "--all", "--limit", "5", "--json"],
    );
    assert_eq!(items.len(), 5);
    let top = ids(&items);
    // LoRA's own successors, AdaLoRA and QLoRA, come first.
    assert!(
        top[..2].contains(&"2303.10512".to_string())
            || top[..2].contains(&"2305.14314".to_string()),
        "{top:?}"
    );
    assert!(
        !top.contains(&"2106.09685".to_string()),
        "the tagged paper is not offered"
    );
    let first = &items[0];
    assert!(first["score"].is_number());
    assert_eq!(first["why"]["similar"], serde_json::json!(["2106.09685"]));
    let words: Vec<&str> = first["why"]["words"]
        .as_array()
        .expect("words")
        .iter()
        .filter_map(|w| w.as_str())
        .collect();
    assert!(!words.is_empty(), "{first}");
    assert!(first["title"].as_str().is_some_and(|t| !t.is_empty()));
    // The text form names the reasons too.
    let text = home.run(&["feed", "--tag", "peft", "--all", "--limit", "3"]);
    let out = text.ok().stdout();
    assert!(out.contains("Feed (tag:peft)"), "{out}");
    assert!(out.contains("like 2106.09685"), "{out}");
    assert!(out.contains("words: "), "{out}");
}

#[test]
fn marks_teach_the_feed_all_or_nothing() {
    let home = Home::with_starter_papers();
    home.run(&["tag", "2106.09685", "peft"]).ok();
    // One unknown id: nothing is marked.
    let err = home
        .run(&["feed", "like", "2305.14314", "9999.99999"])
        .fails(1);
    assert!(err.contains("no paper '9999.99999'"), "{err}");
    assert_eq!(err.trim().lines().count(), 1, "{err}");
    assert!(
        ids(&json(&home, &["feed", "--all", "--limit", "40", "--json"]))
            .contains(&"2305.14314".to_string())
    );
    let liked = home.run(&["feed", "like", "2305.14314"]);
    assert!(liked.ok().stdout().contains("Liked 2305.14314"));
    home.run(&["feed", "dislike", "2112.10752"]).ok();
    home.run(&["feed", "dismiss", "1412.6980"]).ok();
    let all = ids(&json(&home, &["feed", "--all", "--limit", "40", "--json"]));
    for settled in ["2106.09685", "2305.14314", "2112.10752", "1412.6980"] {
        assert!(!all.contains(&settled.to_string()), "{settled} in {all:?}");
    }
    assert_eq!(all.len(), 29 - 4);
    let text = home.run(&["feed", "--all"]).ok().stdout();
    assert!(
        text.contains("ranked by 2 of your papers and 1 dislikes"),
        "{text}"
    );
    // Unmarked, the dismissed paper comes back.
    home.run(&["feed", "unmark", "1412.6980"]).ok();
    let again = ids(&json(&home, &["feed", "--all", "--limit", "40", "--json"]));
    assert!(again.contains(&"1412.6980".to_string()));
    let none = home.run(&["feed", "unmark", "1412.6980"]);
    assert!(none.ok().stdout().contains("1412.6980 had no mark"));
}

#[test]
fn the_last_look_is_remembered_per_view() {
    let home = Home::with_starter_papers();
    let first = home.run(&["feed", "--limit", "3"]).ok().stdout();
    assert!(first.contains("(first look)"), "{first}");
    assert!(first.contains("3 of 29 shown"), "{first}");
    let second = home.run(&["feed"]).ok().stdout();
    assert!(second.contains("Nothing new"), "{second}");
    assert!(second.contains("0 of 0 shown"), "{second}");
    // The window can be set by hand; --json of an empty look is [].
    assert_eq!(
        json(&home, &["feed", "--days", "7", "--limit", "50", "--json"]).len(),
        29
    );
    assert!(json(&home, &["feed", "--since", "2999-01-01", "--json"]).is_empty());
    // Another view has its own last look.
    home.run(&["tag", "2106.09685", "peft"]).ok();
    let tag = home.run(&["feed", "--tag", "peft"]).ok().stdout();
    assert!(tag.contains("(first look)"), "{tag}");
}

#[test]
fn with_nothing_to_learn_from_the_newest_come_first() {
    let home = Home::with_starter_papers();
    let items = json(&home, &["feed", "--all", "--limit", "3", "--json"]);
    assert!(items.iter().all(|i| i["score"].is_null()));
    assert!(
        items
            .iter()
            .all(|i| i["why"]["similar"] == serde_json::json!([]))
    );
    // The starter library's latest dates: BLOOM (no first date, updated
    // 2024-05-31), then Mamba (published 2023-12-01).
    assert_eq!(ids(&items)[..2], ["2211.05100", "2312.00752"]);
    let text = home.run(&["feed", "--all"]).ok().stdout();
    assert!(
        text.contains("newest first: nothing to learn from yet"),
        "{text}"
    );
}

#[test]
fn bad_input_is_refused_in_one_line() {
    let home = Home::with_starter_papers();
    let err = home.run(&["feed", "--tag", "nope"]).fails(1);
    assert!(err.contains("no tag 'nope'"), "{err}");
    let err = home.run(&["feed", "--since", "yesterday"]).fails(2);
    assert!(err.contains("yesterday"), "{err}");
    let err = home.run(&["feed", "--all", "--days", "3"]).fails(2);
    assert!(err.contains("cannot be used with"), "{err}");
}
