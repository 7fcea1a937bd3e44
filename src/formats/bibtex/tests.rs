use super::*;
use crate::arxiv::parse_feed;
use crate::library::{Library, ListFilter, Merge};

fn starter() -> Vec<Paper> {
    parse_feed(include_bytes!(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/papers/starter.atom"
    )))
    .expect("starter parses")
    .entries
}

fn record(paper: Paper, citekey: &str, tags: &[&str]) -> PaperRecord {
    PaperRecord {
        paper,
        source: "arxiv".into(),
        citekey: citekey.into(),
        tags: tags.iter().map(|t| t.to_string()).collect(),
        seen_version: None,
        version_changed_at: None,
        added_at: None,
        bib: None,
    }
}

fn import(text: &str) -> Vec<Incoming> {
    parse(text)
        .expect("parses")
        .iter()
        .map(|e| to_incoming(e).expect("maps"))
        .collect()
}

/// TeX escapes in typeset fields come back as the characters they stand for.
fn typeset(text: &str) -> String {
    decode(&encode(text, false), Decode::Full)
}

#[test]
fn export_then_import_gives_back_every_starter_paper() {
    let papers = starter();
    let records: Vec<PaperRecord> = papers
        .iter()
        .enumerate()
        .map(|(i, p)| record(p.clone(), &format!("key{i}"), &["to read", "LLM"]))
        .collect();
    let text = write(&records);
    let back = import(&text);
    assert_eq!(back.len(), papers.len());
    for ((original, incoming), i) in papers.iter().zip(&back).zip(0..) {
        let mut want = original.clone();
        want.title = typeset(&want.title);
        want.comment = want.comment.as_deref().map(typeset);
        assert_eq!(incoming.paper, want, "{}", original.id);
        assert_eq!(incoming.tags, vec!["to read", "LLM"]);
        assert_eq!(
            incoming.citekey.as_deref(),
            Some(format!("key{i}").as_str())
        );
    }
}

#[test]
fn export_writes_what_biblatex_and_zotero_read() {
    let papers = starter();
    let lora = papers
        .iter()
        .find(|p| p.id == "2106.09685")
        .expect("LoRA")
        .clone();
    let text = write(&[record(lora, "hu2021lora", &["peft"])]);
    for line in [
        "@misc{hu2021lora,",
        "  title = {{LoRA}: Low-Rank Adaptation of Large Language Models},",
        "  year = {2021},",
        "  month = jun,",
        "  date = {2021-06-17},",
        "  eprint = {2106.09685},",
        "  eprinttype = {arXiv},",
        "  archiveprefix = {arXiv},",
        "  eprintclass = {cs.CL},",
        "  version = {2},",
        "  url = {http://arxiv.org/abs/2106.09685v2},",
        "  keywords = {peft},",
    ] {
        assert!(
            text.lines().any(|l| l == line),
            "missing line {line:?} in\n{text}"
        );
    }
    assert!(text.contains("  author = {Edward J. Hu and Yelong Shen and"));
}

#[test]
fn imports_a_zotero_style_arxiv_entry() {
    let text = r#"@misc{vaswani_attention_2017,
	title = {Attention {Is} {All} {You} {Need}},
	url = {http://arxiv.org/abs/1706.03762},
	doi = {10.48550/arXiv.1706.03762},
	abstract = {The dominant sequence transduction models are based on complex recurrent networks.},
	urldate = {2024-01-05},
	publisher = {arXiv},
	author = {Vaswani, Ashish and Shazeer, Noam and Parmar, Niki and others},
	month = dec,
	year = {2017},
	note = {arXiv:1706.03762 [cs]},
	keywords = {Computer Science - Computation and Language, Computer Science - Machine Learning},
	file = {arXiv Fulltext PDF:/home/u/Zotero/storage/X/Vaswani.pdf:application/pdf},
}"#;
    let [item] = import(text).try_into().expect("one entry");
    let p = &item.paper;
    assert_eq!((p.id.as_str(), p.version), ("1706.03762", Some(1)));
    assert_eq!(p.title, "Attention Is All You Need");
    let names: Vec<&str> = p.authors.iter().map(|a| a.name.as_str()).collect();
    assert_eq!(names, ["Ashish Vaswani", "Noam Shazeer", "Niki Parmar"]);
    assert_eq!(p.doi.as_deref(), Some("10.48550/arXiv.1706.03762"));
    // Zotero writes the newest version's month; the id says the first's.
    assert_eq!(
        p.published.map(|t| format_timestamp(&t)),
        Some("2017-06-01T00:00:00Z".into())
    );
    assert_eq!(
        p.updated.map(|t| format_timestamp(&t)),
        Some("2017-12-01T00:00:00Z".into())
    );
    assert_eq!(
        item.tags,
        [
            "Computer Science - Computation and Language",
            "Computer Science - Machine Learning"
        ]
    );
    assert_eq!(item.citekey.as_deref(), Some("vaswani_attention_2017"));
    let extras = item.bib.expect("extras");
    let names: Vec<&str> = extras.fields.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(
        names,
        ["urldate", "publisher", "file"],
        "dates are regenerated for arXiv papers"
    );
}

#[test]
fn keeps_non_arxiv_entries_whole() {
    let text = r#"@article{lecun2015deep,
  title = {Deep Learning},
  author = {LeCun, Yann and Bengio, Yoshua and Hinton, Geoffrey},
  journal = {Nature},
  volume = {521},
  number = {7553},
  pages = {436--444},
  year = {2015},
  doi = {https://doi.org/10.1038/nature14539},
  publisher = {Nature Publishing Group}
}
@book{goodfellow2016, title = {Deep Learning}, author = {Ian Goodfellow and {Yoshua Bengio}}, year = 2016}"#;
    let items = import(text);
    let nature = &items[0];
    assert_eq!(nature.paper.id, "doi:10.1038/nature14539");
    assert_eq!(nature.paper.version, None);
    assert_eq!(nature.paper.doi.as_deref(), Some("10.1038/nature14539"));
    assert_eq!(
        nature.paper.journal_ref.as_deref(),
        Some("Nature 521(7553), 436-444 (2015)")
    );
    assert_eq!(items[1].paper.id, "bib:goodfellow2016");
    assert_eq!(items[1].paper.authors[1].name, "Yoshua Bengio");

    // Stored and exported again, the entry keeps its type, key and fields.
    let mut lib = Library::open_in_memory().expect("library");
    lib.upsert(&items, "bibtex", Merge::KeepExisting)
        .expect("store");
    let records = lib.list(&ListFilter::default()).expect("list");
    let again = write(&records);
    let reparsed = parse(&again).expect("reparses");
    let entry = reparsed
        .iter()
        .find(|e| e.key == "lecun2015deep")
        .expect("entry");
    assert_eq!(entry.kind, "article");
    for (name, value) in [
        ("journal", "Nature"),
        ("volume", "521"),
        ("number", "7553"),
        ("pages", "436--444"),
        ("year", "2015"),
        ("publisher", "Nature Publishing Group"),
        ("doi", "10.1038/nature14539"),
    ] {
        assert_eq!(entry.get(name), Some(value), "{name}");
    }
    assert_eq!(
        entry.get("howpublished"),
        None,
        "the venue is not written twice"
    );
    assert_eq!(entry.get("month"), None, "no date precision is invented");
    let book = reparsed
        .iter()
        .find(|e| e.key == "goodfellow2016")
        .expect("book");
    assert_eq!(
        (book.kind.as_str(), book.get("year")),
        ("book", Some("2016"))
    );
}

#[test]
fn finds_arxiv_ids_wherever_tools_put_them() {
    let cases = [
        (
            "@misc{a, title={t}, eprint={2106.09685v2}, archivePrefix={arXiv}}",
            Some(("2106.09685", Some(2))),
        ),
        (
            "@misc{a, title={t}, eprint={hep-th/9901001}, eprinttype={arxiv}}",
            Some(("hep-th/9901001", Some(1))),
        ),
        (
            "@article{a, title={t}, journal={arXiv preprint arXiv:1706.03762}}",
            Some(("1706.03762", Some(1))),
        ),
        (
            "@misc{a, title={t}, url={https://arxiv.org/pdf/2307.08691v1.pdf}}",
            Some(("2307.08691", Some(1))),
        ),
        (
            "@misc{a, title={t}, arxivid={1412.6980}, version={9}}",
            Some(("1412.6980", Some(9))),
        ),
        (
            "@misc{a, title={t}, eprint={12345}, eprinttype={jstor}}",
            None,
        ),
    ];
    for (text, want) in cases {
        let item = &import(text)[0];
        let got = item
            .paper
            .is_arxiv()
            .then_some((item.paper.id.as_str(), item.paper.version));
        assert_eq!(got, want, "{text}");
    }
}

#[test]
fn names_and_affiliations_survive() {
    let paper = Paper {
        id: "astro-ph/0601001".into(),
        version: Some(1),
        title: "Hot Jupiters & more".into(),
        authors: vec![
            Author {
                name: "Andrew Gould".into(),
                affiliations: vec!["Ohio State".into(), "CfA".into()],
            },
            Author::named("Tom and Jerry Lab"),
            Author::named("Zlatko Tešanović"),
        ],
        ..Paper::default()
    };
    let text = write(&[record(paper.clone(), "g", &[])]);
    assert!(text.contains("{Tom and Jerry Lab}"), "{text}");
    assert!(text.contains("title = {Hot Jupiters \\& more}"), "{text}");
    let back = &import(&text)[0].paper;
    assert_eq!(back.authors, paper.authors);
    assert_eq!(back.title, paper.title);
}

#[test]
fn an_entry_without_title_is_an_error() {
    let entry = &parse("@misc{k, author={A}}").expect("parses")[0];
    let err = to_incoming(entry).expect_err("no title");
    assert_eq!(err, crate::formats::RecordError::NoTitle("k".into()));
    assert_eq!(err.to_string(), "entry 'k' has no title");
}

#[test]
fn an_arxiv_paper_keeps_the_journal_it_appeared_in_but_not_a_preprint_pointer() {
    let text = r#"@article{Smidt:2015,
	Author = {{Smidt}, J. and {Whalen}, D.~J.},
	Eprint = {1411.5377},
	Archiveprefix = {arXiv},
	Journal = {\apj},
	Pages = {44},
	Volume = 805,
	Year = 2015,
	Title = {{Finding the First Cosmic Explosions}}}
@article{turc2019,
  title={Well-Read Students Learn Better},
  author={Turc, Iulia},
  journal={arXiv preprint arXiv:1908.08962v2 },
  year={2019}
}
@article{dblp, title = {Attention}, journal = {CoRR}, volume = {abs/1706.03762}, year = {2017}}"#;
    let items = import(text);
    let smidt = &items[0].paper;
    assert_eq!(smidt.journal_ref.as_deref(), Some("ApJ 805, 44 (2015)"));
    assert_eq!(
        smidt.published.map(|t| format_timestamp(&t)),
        Some("2014-11-01T00:00:00Z".into()),
        "the id's month, not the journal's year"
    );
    let turc = &items[1].paper;
    assert_eq!(turc.id, "1908.08962");
    assert_eq!(turc.journal_ref, None);
    assert_eq!(items[2].paper.journal_ref, None);
    // Written back, the entry keeps its own journal and gains no howpublished.
    let mut record = record(smidt.clone(), "Smidt:2015", &[]);
    record.bib = items[0].bib.clone();
    let out = write(&[record]);
    assert!(!out.contains("howpublished"), "{out}");
}
