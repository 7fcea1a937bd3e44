//! Listing, showing, tagging and removing; the JSON contract; exit codes;
//! the database's own guarantees.

use crate::support::Home;
use serde::Deserialize;

/// The documented `--json` paper shape, read back strictly.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
#[allow(dead_code)]
struct PaperOut {
    id: String,
    version: Option<u32>,
    title: String,
    #[serde(rename = "abstract")]
    abstract_text: String,
    authors: Vec<AuthorOut>,
    categories: Vec<String>,
    primary_category: Option<String>,
    published: Option<String>,
    updated: Option<String>,
    comment: Option<String>,
    journal_ref: Option<String>,
    doi: Option<String>,
    tags: Vec<String>,
    citekey: String,
    abs_url: Option<String>,
    pdf_url: Option<String>,
    new_version: bool,
    source: String,
    added: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct AuthorOut {
    name: String,
    affiliations: Vec<String>,
}

/// A home holding the starter library (imported from the shipped feed).
fn starter_home() -> Home {
    let home = Home::new();
    let feed = concat!(env!("CARGO_MANIFEST_DIR"), "/papers/starter.atom");
    home.run(&["import", feed]).ok();
    home
}

#[test]
fn list_json_is_the_documented_contract() {
    let home = starter_home();
    let out = home.run(&["list", "--json"]);
    let papers: Vec<PaperOut> = serde_json::from_str(&out.ok().stdout()).expect("typed JSON");
    assert_eq!(papers.len(), 29);
    let lora = papers.iter().find(|p| p.id == "2106.09685").expect("LoRA");
    assert_eq!(lora.version, Some(2));
    assert_eq!(lora.primary_category.as_deref(), Some("cs.CL"));
    assert_eq!(lora.categories, ["cs.CL", "cs.AI", "cs.LG"]);
    assert_eq!(lora.published.as_deref(), Some("2021-06-17T17:37:18Z"));
    assert_eq!(lora.updated.as_deref(), Some("2021-10-16T18:40:34Z"));
    assert_eq!(lora.authors[0].name, "Edward J. Hu");
    assert!(lora.authors[0].affiliations.is_empty());
    assert_eq!(lora.doi, None);
    assert_eq!(lora.citekey, "hu2021lora");
    assert_eq!(lora.source, "atom");
    // Raw JSON: absent values are null, not missing.
    let raw: Vec<serde_json::Value> = serde_json::from_str(&out.stdout()).expect("json");
    let raw_lora = raw.iter().find(|p| p["id"] == "2106.09685").expect("LoRA");
    assert!(raw_lora["doi"].is_null() && raw_lora["journal_ref"].is_null());
    assert!(raw_lora["version"].is_u64());
    // Newest first.
    assert_eq!(papers[0].id, "2312.00752");
}

#[test]
fn show_json_is_one_paper() {
    let home = starter_home();
    let out = home.run(&["show", "arXiv:1706.03762v1", "--json"]);
    let paper: PaperOut = serde_json::from_str(&out.ok().stdout()).expect("typed JSON");
    assert_eq!((paper.id.as_str(), paper.version), ("1706.03762", Some(7)));
    assert_eq!(paper.comment.as_deref(), Some("15 pages, 5 figures"));
}

#[test]
fn filters_by_tag_category_and_date() {
    let home = starter_home();
    home.run(&["tag", "2106.09685", "PEFT", "to read"]).ok();
    home.run(&["tag", "hu2021lora", "peft"]).ok();
    home.run(&["tag", "2305.14314", "peft"]).ok();
    let ids = |args: &[&str]| -> Vec<String> {
        let mut full = vec!["list", "--json"];
        full.extend_from_slice(args);
        let v: Vec<serde_json::Value> =
            serde_json::from_str(&home.run(&full).ok().stdout()).expect("json");
        v.iter()
            .map(|p| p["id"].as_str().unwrap_or("").to_string())
            .collect()
    };
    assert_eq!(ids(&["--tag", "peft"]), ["2305.14314", "2106.09685"]);
    assert_eq!(ids(&["--tag", "to read"]), ["2106.09685"]);
    assert_eq!(
        ids(&["--category", "cs.CV"]).len(),
        4,
        "three primary, Swish cross-listed"
    );
    assert_eq!(
        ids(&["--since", "2023-10-01"]),
        ["2312.00752", "2310.03714"]
    );
    assert_eq!(
        ids(&["--category", "cs.LG", "--since", "2023-07-01"]).len(),
        4
    );
    home.run(&["untag", "2106.09685", "peft"]).ok();
    assert_eq!(ids(&["--tag", "peft"]), ["2305.14314"]);
    let rows = home.run(&["list", "--tag", "to read"]).ok().stdout();
    assert!(
        rows.starts_with("2106.09685v2  2021-06-17  Hu et al."),
        "{rows}"
    );
    assert!(rows.trim_end().ends_with("[to read]"), "{rows}");
}

#[test]
fn remove_deletes_the_paper_and_its_tags() {
    let home = starter_home();
    home.run(&["tag", "2106.09685", "mine"]).ok();
    let err = home.run(&["remove", "2106.09685v2"]);
    assert!(err.ok().stderr().contains("Removed 2106.09685"));
    assert_eq!(home.papers().len(), 28);
    assert!(home.run(&["list", "--tag", "mine"]).stdout().is_empty());
    let err = home.run(&["show", "2106.09685"]).fails(1);
    assert!(
        err.contains("no paper '2106.09685' in the library"),
        "{err}"
    );
}

#[test]
fn exit_codes_say_what_went_wrong() {
    let home = Home::new();
    let bare = home.run(&[]);
    assert_eq!(bare.code(), 2, "no command off a terminal is a usage error");
    assert!(
        bare.stderr().contains("needs a terminal"),
        "{}",
        bare.stderr()
    );
    assert_eq!(home.run(&["list", "--bogus"]).code(), 2);
    assert_eq!(home.run(&["show", "nope"]).code(), 1);
    assert_eq!(home.run(&["tag", "2106.09685", "x"]).code(), 1);
    assert_eq!(home.run(&["list", "--since", "June"]).code(), 2);
    assert_eq!(home.run(&["--version"]).code(), 0);
    let help = home.run(&["--help"]);
    assert!(help.ok().stdout().contains("fetch"));
    // A closed pipe is not an error.
    let home = starter_home();
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_litradar"))
        .args(["list"])
        .env("LITRADAR_HOME", home.path())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("spawn");
    drop(child.stdout.take());
    let status = child.wait().expect("wait");
    assert!(status.success(), "{status}");
}

#[test]
fn a_newer_database_is_refused_and_left_alone() {
    let home = starter_home();
    {
        let conn = rusqlite::Connection::open(home.database()).expect("open");
        conn.execute(
            "INSERT INTO schema_version (version, applied_at) VALUES (999, 'future')",
            [],
        )
        .expect("insert");
    }
    let before = std::fs::read(home.database()).expect("read");
    let err = home.run(&["list"]).fails(1);
    assert!(
        err.contains("schema version 999") && err.contains("upgrade litradar"),
        "{err}"
    );
    assert_eq!(std::fs::read(home.database()).expect("read"), before);
}

#[test]
fn a_broken_config_is_a_clear_error() {
    let home = Home::new();
    home.config("[arxiv]\ndelay_ms = \"slow\"\n");
    let err = home.run(&["list"]).fails(1);
    assert!(
        err.contains("config.toml") && err.contains("line 2"),
        "{err}"
    );
    home.config("[arxiv]\ndelay_ms = 10\n");
    let shown = home.run(&["config"]).ok().stdout();
    assert!(
        shown.contains("delay_ms = 5"),
        "the environment wins: {shown}"
    );
    assert!(
        home.run(&["config", "--default"])
            .ok()
            .stdout()
            .contains("delay_ms = 3000")
    );
}

#[test]
fn a_writer_waits_for_another_process_instead_of_failing() {
    let home = starter_home();
    let conn = rusqlite::Connection::open(home.database()).expect("open");
    conn.execute_batch("BEGIN IMMEDIATE; UPDATE papers SET title = title;")
        .expect("hold the write lock");
    let child = std::process::Command::new(env!("CARGO_BIN_EXE_litradar"))
        .args(["tag", "2106.09685", "waited"])
        .env("LITRADAR_HOME", home.path())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("spawn");
    std::thread::sleep(std::time::Duration::from_millis(500));
    conn.execute_batch("COMMIT;").expect("release");
    let output = child.wait_with_output().expect("wait");
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let tagged = home.run(&["list", "--tag", "waited", "--json"]).stdout();
    assert!(tagged.contains("2106.09685"));
}
