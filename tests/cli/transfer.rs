//! `import` and `export`.

use crate::support::Home;
use std::path::Path;

fn starter_home() -> Home {
    let home = Home::new();
    home.run(&[
        "import",
        concat!(env!("CARGO_MANIFEST_DIR"), "/papers/starter.atom"),
    ])
    .ok();
    home
}

/// Everything but when and how a paper entered the library.
fn comparable(papers: Vec<serde_json::Value>) -> Vec<serde_json::Value> {
    papers
        .into_iter()
        .map(|mut p| {
            let obj = p.as_object_mut().expect("object");
            obj.remove("added");
            obj.remove("source");
            p
        })
        .collect()
}

#[test]
fn bibtex_export_then_import_round_trips() {
    let home = starter_home();
    home.run(&["tag", "1706.03762", "classic", "to read"]).ok();
    let bib = home.path().join("library.bib");
    home.run(&[
        "export",
        "--format",
        "bibtex",
        "-o",
        bib.to_str().expect("utf-8"),
    ])
    .ok();
    let text = std::fs::read_to_string(&bib).expect("bib");
    assert_eq!(
        text.matches("\n@misc{").count() + usize::from(text.starts_with("@misc{")),
        29
    );
    assert!(text.contains("@misc{vaswani2017attention,"));
    assert!(text.contains("  eprinttype = {arXiv},"));

    let other = Home::new();
    let run = other.run(&["import", bib.to_str().expect("utf-8"), "--json"]);
    let report: serde_json::Value = serde_json::from_str(&run.ok().stdout()).expect("json");
    assert_eq!(report["format"], "bibtex");
    assert_eq!(report["added"].as_array().map(Vec::len), Some(29));

    let mut before = comparable(home.papers());
    let mut after = comparable(other.papers());
    // TeX specials in titles and comments come back as the characters they mean.
    for p in before.iter_mut().chain(after.iter_mut()) {
        for key in ["title", "comment"] {
            if let Some(s) = p[key].as_str() {
                p[key] = s.replace("\\%", "%").into();
            }
        }
    }
    assert_eq!(before, after);

    // Importing the same file again finds every paper already there.
    let again = other.run(&["import", bib.to_str().expect("utf-8")]);
    assert!(
        again
            .ok()
            .stderr()
            .contains("0 added, 0 updated, 29 skipped"),
        "{}",
        again.stderr()
    );
}

#[test]
fn json_export_reads_back_and_markdown_is_a_reading_list() {
    let home = starter_home();
    for id in ["2106.09685", "2303.10512", "2305.14314"] {
        home.run(&["tag", id, "peft"]).ok();
    }
    let json = home
        .run(&["export", "--format", "json", "--tag", "peft"])
        .ok()
        .stdout();
    let papers: Vec<serde_json::Value> = serde_json::from_str(&json).expect("json");
    assert_eq!(papers.len(), 3);
    let file = home.path().join("peft.json");
    std::fs::write(&file, &json).expect("write");
    let other = Home::new();
    other.run(&["import", file.to_str().expect("utf-8")]).ok();
    assert_eq!(comparable(other.papers()), comparable(papers));

    let md = home
        .run(&["export", "--format", "markdown", "--category", "cs.CV"])
        .ok()
        .stdout();
    assert!(md.starts_with("# litradar export\n\n4 papers\n"), "{md}");
    assert!(md.contains(
        "## [Deep Residual Learning for Image Recognition](http://arxiv.org/abs/1512.03385v1)"
    ));
}

#[test]
fn imports_the_corpus_layout_as_json_lines() {
    let home = Home::new();
    let file = home.path().join("corpus.jsonl");
    let lines = [
        r#"{"id": "2102.05231", "title": "Culture-inspired Multi-modal Color Palette Generation", "abstract": "Color is an essential component.", "authors": ["Yufan Li", "Jinggang Zhuo"], "categories": ["cs.CV", "cs.AI"], "comment": null, "first_seen": "2026-05-01", "last_seen": "2026-05-03", "abs_url": "https://arxiv.org/abs/2102.05231", "pdf_url": "https://arxiv.org/pdf/2102.05231"}"#,
        r#"{"id": "2106.09685", "title": "LoRA", "abstract": "", "authors": ["Edward J. Hu"], "categories": "cs.CL cs.LG"}"#,
    ];
    std::fs::write(&file, lines.join("\n")).expect("write");
    let run = home.run(&["import", file.to_str().expect("utf-8")]);
    assert!(
        run.ok().stderr().contains("(jsonl, 2 papers): 2 added"),
        "{}",
        run.stderr()
    );
    let papers = home.papers();
    let palette = papers
        .iter()
        .find(|p| p["id"] == "2102.05231")
        .expect("paper");
    assert_eq!(palette["authors"][1]["name"], "Jinggang Zhuo");
    assert_eq!(palette["primary_category"], "cs.CV");
}

#[test]
fn a_bad_file_imports_nothing_and_names_the_line() {
    let home = starter_home();
    let cases: [(&str, &str, &str); 4] = [
        (
            "broken.bib",
            "@misc{ok, title = {Fine}, eprint = {2301.00001}}\n\n@misc{bad,\n  title = {Oops\n",
            "line 4",
        ),
        (
            "broken.jsonl",
            "{\"id\": \"2301.00001\", \"title\": \"Fine\"}\n{\"id\": \"2301.00002\", \"title\": \"x\", \"published\": \"soon\"}\n",
            "line 2",
        ),
        (
            "broken.atom",
            "<feed xmlns=\"http://www.w3.org/2005/Atom\"><entry><id>http://arxiv.org/abs/2301.00001v1</id><title>x</title></entry>",
            "ends early",
        ),
        ("notes.txt", "just some words", "--format"),
    ];
    for (name, content, fragment) in cases {
        let file = home.path().join(name);
        std::fs::write(&file, content).expect("write");
        // --strict: a BibTeX file is all or nothing (the other formats always are).
        let err = home
            .run(&["import", "--strict", file.to_str().expect("utf-8")])
            .fails(1);
        assert!(err.contains(fragment), "{name}: {err}");
        assert!(err.contains(name), "the error names the file: {err}");
        assert_eq!(home.papers().len(), 29, "{name}: nothing imported");
    }
    let err = home.run(&["import", "/nonexistent/file.bib"]).fails(1);
    assert!(err.contains("cannot read /nonexistent/file.bib"), "{err}");
}

#[test]
fn bibtex_from_zotero_keeps_keys_tags_and_fields() {
    let home = starter_home();
    let file = home.path().join("zotero.bib");
    std::fs::write(
        &file,
        r#"@article{lecun_deep_2015,
	title = {Deep learning},
	volume = {521},
	doi = {10.1038/nature14539},
	journal = {Nature},
	author = {LeCun, Yann and Bengio, Yoshua and Hinton, Geoffrey},
	year = {2015},
	pages = {436--444},
	keywords = {survey},
}
@misc{hu_lora_2021,
	title = {{LoRA}: Low-Rank Adaptation of Large Language Models},
	url = {http://arxiv.org/abs/2106.09685},
	author = {Hu, Edward J. and Shen, Yelong},
	year = {2021},
	note = {arXiv:2106.09685 [cs]},
	keywords = {peft-reading},
}"#,
    )
    .expect("write");
    let run = home.run(&["import", file.to_str().expect("utf-8")]);
    assert!(
        run.ok().stderr().contains("1 added, 0 updated, 1 skipped"),
        "{}",
        run.stderr()
    );
    let lecun = home.run(&["show", "lecun_deep_2015", "--json"]);
    let p: serde_json::Value = serde_json::from_str(&lecun.ok().stdout()).expect("json");
    assert_eq!(p["id"], "doi:10.1038/nature14539");
    assert_eq!(p["version"], serde_json::Value::Null);
    assert_eq!(p["journal_ref"], "Nature 521, 436-444 (2015)");
    assert_eq!(p["tags"][0], "survey");
    // The duplicate LoRA entry kept the library's metadata but brought its tag.
    let lora: serde_json::Value =
        serde_json::from_str(&home.run(&["show", "2106.09685", "--json"]).stdout()).expect("json");
    assert_eq!(lora["version"], 2);
    assert!(
        lora["tags"]
            .as_array()
            .is_some_and(|t| t.contains(&"peft-reading".into()))
    );
    let bib = home
        .run(&["export", "--format", "bibtex", "--tag", "survey"])
        .ok()
        .stdout();
    assert!(bib.starts_with("@article{lecun_deep_2015,"), "{bib}");
    assert!(
        bib.contains("  pages = {436--444},") && bib.contains("  journal = {Nature},"),
        "{bib}"
    );
}

#[test]
fn export_to_a_file_replaces_it_whole() {
    let home = starter_home();
    let out = home.path().join("out.md");
    std::fs::write(&out, "old content").expect("write");
    let run = home.run(&[
        "export",
        "--format",
        "markdown",
        "-o",
        out.to_str().expect("utf-8"),
    ]);
    assert!(run.ok().stderr().contains("Wrote 29 papers"));
    let text = std::fs::read_to_string(&out).expect("read");
    assert!(text.starts_with("# litradar export"));
    let leftovers: Vec<_> = std::fs::read_dir(home.path())
        .expect("dir")
        .filter_map(Result::ok)
        .filter(|e| e.file_name().to_string_lossy().contains("litradar-tmp"))
        .collect();
    assert!(leftovers.is_empty());
    let err = home
        .run(&[
            "export",
            "--format",
            "json",
            "-o",
            "/nonexistent/dir/x.json",
        ])
        .fails(1);
    assert!(err.contains("cannot write"), "{err}");
    assert!(!Path::new("/nonexistent/dir/x.json").exists());
}

/// biblatex's own example database (tests/fixtures/bibtex/PROVENANCE.md):
/// two `@set` entries used to make the whole file fail.
const BIBLATEX_EXAMPLES: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/tests/fixtures/bibtex/biblatex-examples.bib"
);

#[test]
fn a_real_bibtex_file_imports_every_entry_that_reads_and_names_the_rest() {
    let home = Home::new();
    let run = home.run(&["--no-embed", "import", BIBLATEX_EXAMPLES, "--json"]);
    let report: serde_json::Value = serde_json::from_str(&run.ok().stdout()).expect("JSON");
    // 92 entries: 2 sets of other entries, 90 papers, two of which are the
    // same arXiv paper (baez/article and baez/online).
    assert_eq!(report["read"], 90);
    assert_eq!(report["added"].as_array().expect("added").len(), 89);
    let skipped = report["skipped"].as_array().expect("skipped");
    assert_eq!(skipped.len(), 2);
    assert_eq!(skipped[0]["line"], 26);
    assert_eq!(skipped[0]["key"], "set");
    assert!(
        skipped[0]["reason"]
            .as_str()
            .expect("reason")
            .contains("@set")
    );
    assert_eq!(home.papers().len(), 89);
    // The crossref child took its book's title as booktitle.
    let show = home.run(&["show", "westfahl:space", "--json"]);
    let paper: serde_json::Value = serde_json::from_str(&show.ok().stdout()).expect("JSON");
    assert_eq!(paper["title"], "The True Frontier");
    // Titles and names come out readable: text macros, quotes, accents.
    let show = home.run(&["show", "spiegelberg", "--json"]);
    let paper: serde_json::Value = serde_json::from_str(&show.ok().stdout()).expect("JSON");
    assert_eq!(
        paper["title"],
        "“Intention” und “Intentionalität” in der Scholastik, bei Brentano und Husserl"
    );
    let show = home.run(&["show", "aksin", "--json"]);
    let paper: serde_json::Value = serde_json::from_str(&show.ok().stdout()).expect("JSON");
    assert_eq!(paper["authors"][0]["name"], "Özge Aksın");
    // The text report says what was left out and why.
    let again = Home::new();
    let text = again.run(&["--no-embed", "import", BIBLATEX_EXAMPLES]);
    let err = text.ok().stderr();
    assert!(err.contains("Left out 2 entries"), "{err}");
    assert!(err.contains("line 26 'set': @set"), "{err}");
}

#[test]
fn strict_keeps_all_or_nothing_and_an_unreadable_file_fails() {
    let home = Home::new();
    let err = home
        .run(&["--no-embed", "import", "--strict", BIBLATEX_EXAMPLES])
        .fails(1);
    assert!(err.contains("line 26"), "{err}");
    assert!(home.papers().is_empty(), "nothing was imported");
    // One broken entry among good ones: the good ones come in.
    let bib = home.path().join("mixed.bib");
    std::fs::write(
        &bib,
        "@article{good, title = {A good one}, year = 2020}\n\
         @article{broken,\n  title = {Never closed\n\n\
         @comment{unbalanced { braces\n\
         @article{fine, title = {Another}, journal = jnl}\n",
    )
    .expect("write");
    let run = home.run(&["--no-embed", "import", bib.to_str().expect("utf-8")]);
    let err = run.ok().stderr();
    assert!(err.contains("Left out 1 entry of"), "{err}");
    assert!(err.contains("line 3: this '{' is never closed"), "{err}");
    assert!(
        err.contains("warning: line 6: 'jnl' is not a defined @string"),
        "{err}"
    );
    assert_eq!(home.papers().len(), 2);
    // Nothing readable at all: exit 1, nothing written.
    let bad = home.path().join("bad.bib");
    std::fs::write(&bad, "@article{x, year = 2020}\n@misc{y,\n").expect("write");
    let err = Home::new()
        .run(&["--no-embed", "import", bad.to_str().expect("utf-8")])
        .fails(1);
    assert!(err.contains("no entry could be read (2 skipped"), "{err}");
    assert_eq!(err.trim().lines().count(), 1, "{err}");
}

#[test]
fn lists_line_up_by_display_width_with_wide_characters() {
    let home = Home::new();
    let file = home.path().join("wide.jsonl");
    let lines = [
        r#"{"id": "2401.00001", "title": "大型语言模型的评测方法与基准", "abstract": "", "authors": ["王小明", "李华"], "published": "2024-01-01T00:00:00Z"}"#,
        r#"{"id": "2401.00002", "title": "A plain title", "abstract": "", "authors": ["Ann Smith"], "published": "2024-01-02T00:00:00Z"}"#,
    ];
    std::fs::write(&file, lines.join("\n")).expect("write");
    home.run(&["--no-embed", "import", file.to_str().expect("utf-8")])
        .ok();
    let out = home.run(&["list"]).ok().stdout();
    // The titles start at the same terminal column on both rows: the
    // author column is padded by display width, not by characters.
    let title_column = |title: &str| {
        let line = out.lines().find(|l| l.contains(title)).expect("row");
        let before = &line[..line.find(title).expect("title")];
        litradar::width::columns(before)
    };
    assert_eq!(
        title_column("大型语言模型"),
        title_column("A plain title"),
        "{out}"
    );
}

fn bib_fixture(name: &str) -> String {
    format!(
        "{}/tests/fixtures/bibtex/{name}",
        env!("CARGO_MANIFEST_DIR")
    )
}

fn import_json(home: &Home, file: &str) -> serde_json::Value {
    let run = home.run(&["--no-embed", "import", file, "--json"]);
    serde_json::from_str(&run.ok().stdout()).expect("JSON")
}

#[test]
fn a_thousand_entry_zotero_export_is_not_lost_to_one_odd_keyword() {
    // Better BibTeX's own bulk export (1,241 entries): one entry's keywords
    // are a single 106-character phrase, which cannot be a tag.
    let home = Home::new();
    let report = import_json(&home, &bib_fixture("bbt-bulk-performance-test.bib"));
    assert_eq!(report["read"], 1241);
    assert_eq!(report["skipped"].as_array().map(Vec::len), Some(0));
    let warnings = report["warnings"].as_array().expect("warnings");
    assert_eq!(warnings.len(), 1, "{warnings:?}");
    let w = warnings[0].as_str().expect("warning");
    assert!(
        w.contains("Bjerg2002VildNatur") && w.contains("at most 64 characters"),
        "{w}"
    );
    assert_eq!(home.papers().len(), 1241);
}

#[test]
fn jabref_and_ads_exports_read_with_their_math_and_prose() {
    let home = Home::new();
    let report = import_json(&home, &bib_fixture("jabref-authors.bib"));
    assert_eq!(report["read"], 212);
    let titles: Vec<String> = home
        .papers()
        .iter()
        .filter_map(|p| p["title"].as_str().map(String::from))
        .collect();
    for t in [
        "Reducing Complexity and Power of Digital Multibit Error-Feedback ΔΣ Modulators",
        "Pipelined Radix-2ᵏ Feedforward FFT Architectures",
        "Comments on 'A 70 MHz Multiplierless FIR Hilbert Transformer in 0.35 μm Standard CMOS Library'",
    ] {
        assert!(
            titles.iter().any(|x| x == t),
            "{t} not among {:?}",
            &titles[..5]
        );
    }
    assert!(
        titles.iter().all(|t| !t.contains("\\(")),
        "inline math is read"
    );
    // JabRef's own test library: a preamble, strings, user comments between entries.
    let other = Home::new();
    assert_eq!(
        import_json(&other, &bib_fixture("jabref-complex.bib"))["read"],
        20
    );
    assert_eq!(
        import_json(&other, &bib_fixture("jabref-chocolate.bib"))["read"],
        15
    );
    // NASA ADS's export inside astropy's CITATION text.
    let ads = Home::new();
    let report = import_json(&ads, &bib_fixture("ads-astropy-citation.bib"));
    assert_eq!(report["read"], 1);
    let paper = &ads.papers()[0];
    assert_eq!(
        paper["title"],
        "Astropy: A community Python package for astronomy"
    );
    assert_eq!(paper["authors"][0]["name"], "Astropy Collaboration");
}

fn paper_with<'a>(papers: &'a [serde_json::Value], id: &str) -> &'a serde_json::Value {
    papers
        .iter()
        .find(|p| p["id"] == id)
        .unwrap_or_else(|| panic!("{id} not imported"))
}

#[test]
fn a_bibdesk_library_fed_by_nasa_ads_reads_as_text() {
    // An astronomer's BibDesk library (the first 133 entries, as ADS wrote
    // them): ADS's markup in titles, AAS journal macros, `D.~J.` ties.
    let home = Home::new();
    let report = import_json(&home, &bib_fixture("bibdesk-ads-rodney.bib"));
    assert_eq!(report["read"], 133);
    assert_eq!(report["skipped"].as_array().map(Vec::len), Some(0));
    let papers = home.papers();
    let title = |id: &str| {
        paper_with(&papers, id)["title"]
            .as_str()
            .unwrap_or_default()
            .to_string()
    };
    assert_eq!(
        title("1411.5377"),
        "Finding the First Cosmic Explosions. IV. 90 - 140 M☉ Pair-instability Supernovae"
    );
    for (needle, count) in [
        ("1 < z < 6", 1),
        ("“SN Refsdal”", 1),
        ("Supernova—Superluminous", 1),
        ("on ~100 pc scales", 1),
        ("Type Ia Supernova Distances", 1),
    ] {
        let hits = papers
            .iter()
            .filter(|p| p["title"].as_str().is_some_and(|t| t.contains(needle)))
            .count();
        assert_eq!(hits, count, "{needle}");
    }
    for p in &papers {
        let t = p["title"].as_str().unwrap_or_default();
        for markup in [
            "\\lt", "\\gt", "\\tilde", "\\mdash", "\\ldquo", "\\nbsp", "&sun;",
        ] {
            assert!(!t.contains(markup), "{markup} left in {t}");
        }
        if let Some(journal) = p["journal_ref"].as_str() {
            assert!(!journal.starts_with('\\'), "{journal}");
        }
    }
    let smidt = paper_with(&papers, "1411.5377");
    assert_eq!(smidt["journal_ref"], "ApJ 805, 44 (2015)");
    assert_eq!(smidt["authors"][1]["name"], "D. J. Whalen");
    // ADS's year is the journal's; the paper went to arXiv in 2014-11.
    assert!(
        smidt["published"]
            .as_str()
            .is_some_and(|d| d.starts_with("2014-11-01")),
        "{}",
        smidt["published"]
    );
    // A group named with a comma cannot be a tag, and says so.
    let warnings = report["warnings"].to_string();
    assert!(warnings.contains("Spectra, Evolution"), "{warnings}");
}

#[test]
fn bibdesk_static_groups_and_jabref_groups_become_tags() {
    // A whole BibDesk library: 264 entries, Bdsk-File and Bdsk-Url fields,
    // and two static groups in the @comment BibDesk writes at the end.
    let home = Home::new();
    let report = import_json(&home, &bib_fixture("bibdesk-library.bib"));
    assert_eq!(report["read"], 264);
    assert_eq!(report["skipped"].as_array().map(Vec::len), Some(0));
    let listed = home.run(&["list", "--tag", "James Madison"]).ok().stdout();
    let mut keys: Vec<&str> = listed
        .lines()
        .filter_map(|l| l.split_whitespace().next())
        .collect();
    keys.sort_unstable();
    assert_eq!(
        keys,
        [
            "bib:Brookhiser2013",
            "bib:Hamilton2008",
            "bib:Leibiger2001",
            "bib:Madison1981"
        ],
        "{listed}"
    );
    assert_eq!(
        home.run(&["list", "--tag", "Clausewitz"])
            .ok()
            .stdout()
            .lines()
            .count(),
        4
    );
    // Exported again, an entry still carries its BibDesk fields.
    let exported = home
        .run(&["export", "--format", "bibtex", "--tag", "Clausewitz"])
        .ok()
        .stdout();
    assert!(exported.contains("date-added"), "{exported}");
    // JabRef's `groups` field.
    let jabref = Home::new();
    import_json(&jabref, &bib_fixture("jabref-authors.bib"));
    let skimmed = jabref.run(&["list", "--tag", "Skimmed"]).ok().stdout();
    assert!(skimmed.lines().count() >= 1, "{skimmed}");
}

#[test]
fn arxivs_own_export_dates_a_paper_by_its_first_version() {
    // "Export BibTeX citation" on arxiv.org, as two projects pasted it:
    // the year is the newest version's (2023 for a 2017 paper).
    let home = Home::new();
    let report = import_json(&home, &bib_fixture("arxiv-export.bib"));
    assert_eq!(report["read"], 2);
    let papers = home.papers();
    let attention = paper_with(&papers, "1706.03762");
    assert_eq!(attention["title"], "Attention Is All You Need");
    assert_eq!(attention["primary_category"], "cs.CL");
    assert_eq!(attention["authors"].as_array().map(Vec::len), Some(8));
    assert!(
        attention["published"]
            .as_str()
            .is_some_and(|d| d.starts_with("2017-06-01")),
        "{}",
        attention["published"]
    );
    assert!(
        attention["updated"]
            .as_str()
            .is_some_and(|d| d.starts_with("2023-01-01")),
        "{}",
        attention["updated"]
    );
    let reflectool = paper_with(&papers, "2410.17657");
    assert_eq!(reflectool["abs_url"], "https://arxiv.org/abs/2410.17657");
    assert!(
        reflectool["published"]
            .as_str()
            .is_some_and(|d| d.starts_with("2024-10-01")),
        "{}",
        reflectool["published"]
    );
}
