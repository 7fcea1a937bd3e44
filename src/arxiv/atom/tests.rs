use super::*;

macro_rules! fixture {
    ($name:literal) => {
        include_bytes!(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tests/fixtures/arxiv/",
            $name
        ))
    };
}

fn parse(bytes: &[u8]) -> Feed {
    parse_feed(bytes).unwrap_or_else(|e| panic!("fixture should parse: {e}"))
}

#[test]
fn reads_an_old_style_entry_with_affiliations() {
    let feed = parse(fixture!("api2026_id_astro-ph_0601001_s0_m100.xml"));
    assert_eq!(feed.total_results, Some(1));
    assert_eq!(feed.start_index, Some(0));
    assert_eq!(feed.items_per_page, Some(100));
    let [p] = feed.entries.as_slice() else {
        panic!("one entry expected")
    };
    assert_eq!(p.id, "astro-ph/0601001");
    assert_eq!(p.version, Some(1));
    assert!(p.title.starts_with("Frequency of Hot Jupiters"));
    assert!(
        p.abstract_text.starts_with("We derive the frequencies"),
        "leading spaces are trimmed"
    );
    assert!(
        p.abstract_text.contains("Gould & Morgan (2003)"),
        "entities are decoded"
    );
    assert!(p.abstract_text.contains("V_max<17.5"));
    assert_eq!(p.authors.len(), 4);
    assert_eq!(p.authors[0].name, "Andrew Gould");
    assert_eq!(p.authors[0].affiliations, vec!["Ohio State"]);
    assert_eq!(
        p.authors[3].affiliations,
        vec!["Warsaw University Observatory"]
    );
    assert_eq!(p.primary_category.as_deref(), Some("astro-ph"));
    assert_eq!(p.categories, vec!["astro-ph"]);
    assert_eq!(p.journal_ref.as_deref(), Some("ActaAstron.56:1-50,2006"));
    assert!(
        p.comment
            .as_deref()
            .is_some_and(|c| c.starts_with("62 pages"))
    );
    assert_eq!(p.doi, None);
    assert_eq!(
        p.abs_url.as_deref(),
        Some("https://arxiv.org/abs/astro-ph/0601001v1")
    );
    assert_eq!(
        p.pdf_url.as_deref(),
        Some("https://arxiv.org/pdf/astro-ph/0601001v1")
    );
    assert_eq!(
        p.published.map(|t| t.to_rfc3339()),
        Some("2006-01-02T14:57:58+00:00".into())
    );
}

#[test]
fn reads_a_legacy_feed_with_wrapped_text_and_a_doi_link() {
    let feed = parse(fixture!("legacy2016_id_list_1111.2011v2.xml"));
    let p = &feed.entries[0];
    assert_eq!(p.id, "1111.2011");
    assert_eq!(p.version, Some(2));
    assert_eq!(
        p.title,
        "Quantum Criticality for Extended Nodes on a Bethe Lattice in the Large Connectivity Limit"
    );
    assert!(!p.abstract_text.contains('\n'));
    assert!(
        p.abstract_text
            .contains("layered superconductors and coupled spin chains")
    );
    assert_eq!(p.doi.as_deref(), Some("10.1103/PhysRevB.85.115117"));
    assert_eq!(p.primary_category.as_deref(), Some("cond-mat.str-el"));
    assert_eq!(p.categories, vec!["cond-mat.str-el", "cond-mat.stat-mech"]);
    assert_eq!(
        p.authors
            .iter()
            .map(|a| a.name.as_str())
            .collect::<Vec<_>>(),
        ["James M. Murray", "Adrian Del Maestro", "Zlatko Tesanovic"]
    );
}

#[test]
fn reads_the_manual_example_with_offsets_and_no_version() {
    let feed = parse(fixture!("arxivdocs2007_typical_response_all_electron.xml"));
    assert_eq!(feed.total_results, Some(1000));
    let p = &feed.entries[0];
    assert_eq!(p.id, "hep-ex/0307015");
    assert_eq!(p.version, Some(1), "an id without version counts as v1");
    assert_eq!(
        p.published.map(|t| crate::paper::format_timestamp(&t)),
        Some("2003-07-07T17:46:39Z".into())
    );
}

#[test]
fn reads_paging_metadata_and_every_entry() {
    let feed = parse(fixture!("api2026_q_testing_s10_m10.xml"));
    assert_eq!(feed.total_results, Some(214881));
    assert_eq!(feed.start_index, Some(10));
    assert_eq!(feed.entries.len(), 10);
    for p in &feed.entries {
        assert!(!p.title.is_empty() && !p.abstract_text.is_empty());
        assert!(!p.authors.is_empty());
        assert!(p.version.is_some_and(|v| v >= 1));
        assert_eq!(p.primary_category.as_ref(), p.categories.first());
    }
}

#[test]
fn the_error_feed_is_an_error_not_a_paper() {
    for bytes in [
        &fixture!("api2026_id_abc_s0_m100.xml")[..],
        &fixture!("arxivdocs2007_error_incorrect_id_format.xml")[..],
    ] {
        match parse_feed(bytes) {
            Err(AtomError::Api(message)) => assert!(message.starts_with("incorrect id format for")),
            other => panic!("expected an API error, got {other:?}"),
        }
    }
}

#[test]
fn an_empty_result_is_an_empty_feed() {
    let feed = parse(fixture!("api2026_id_0000.0000_s0_m100.xml"));
    assert_eq!(feed.total_results, Some(0));
    assert!(feed.entries.is_empty());
}

#[test]
fn truncated_input_is_a_clear_error() {
    let full = fixture!("api2026_q_testing_s0_m10.xml");
    for cut in [0, 10, 100, full.len() / 3, full.len() / 2, full.len() - 10] {
        let err = parse_feed(&full[..cut]).expect_err("truncated feed must fail");
        let text = err.to_string();
        assert!(
            matches!(err, AtomError::Malformed { .. } | AtomError::NotAFeed(_)),
            "cut at {cut}: {text}"
        );
    }
}

#[test]
fn wrong_root_and_foreign_namespaces() {
    let err = parse_feed(b"<html><body>Rate exceeded.</body></html>").expect_err("not a feed");
    assert!(matches!(err, AtomError::NotAFeed(_)), "{err}");
    assert!(matches!(
        parse_feed(b"Rate exceeded."),
        Err(AtomError::NotAFeed(_))
    ));
    let foreign = br#"<feed xmlns="urn:other"><entry><id>http://arxiv.org/abs/2106.09685v2</id></entry></feed>"#;
    assert!(matches!(parse_feed(foreign), Err(AtomError::NotAFeed(_))));
    // Elements from other namespaces inside an Atom feed are ignored.
    let mixed = br#"<feed xmlns="http://www.w3.org/2005/Atom" xmlns:x="urn:x">
        <x:entry><id>http://arxiv.org/abs/2106.09685v2</id></x:entry>
        <entry><id>http://arxiv.org/abs/2106.09685v2</id><title>LoRA</title><x:title>No</x:title><x:unknown/></entry>
    </feed>"#;
    let feed = parse(mixed);
    assert_eq!(feed.entries.len(), 1);
    assert_eq!(feed.entries[0].title, "LoRA");
    assert_eq!(feed.total_results, None);
}

#[test]
fn missing_optional_fields_are_none() {
    let minimal = br#"<feed xmlns="http://www.w3.org/2005/Atom"><entry>
        <id>http://arxiv.org/abs/1710.05941</id><title>Searching for Activation Functions</title>
    </entry></feed>"#;
    let p = &parse(minimal).entries[0];
    assert_eq!(p.id, "1710.05941");
    assert_eq!(p.abstract_text, "");
    assert!(p.authors.is_empty() && p.categories.is_empty());
    assert_eq!((p.published, p.updated, p.doi.as_ref()), (None, None, None));
}

#[test]
fn bad_entries_are_named() {
    let no_title = br#"<feed xmlns="http://www.w3.org/2005/Atom"><entry><id>http://arxiv.org/abs/2106.09685v2</id></entry></feed>"#;
    assert!(matches!(
        parse_feed(no_title),
        Err(AtomError::Entry { index: 1, .. })
    ));
    let bad_date = br#"<feed xmlns="http://www.w3.org/2005/Atom"><entry><id>http://arxiv.org/abs/2106.09685v2</id>
        <title>x</title><published>yesterday</published></entry></feed>"#;
    let err = parse_feed(bad_date).expect_err("bad date");
    assert!(err.to_string().contains("yesterday"), "{err}");
    let bad_id = br#"<feed xmlns="http://www.w3.org/2005/Atom"><entry><id>urn:x</id><title>x</title></entry></feed>"#;
    assert!(matches!(parse_feed(bad_id), Err(AtomError::Entry { .. })));
}

#[test]
fn cdata_and_character_references() {
    let feed = br#"<feed xmlns="http://www.w3.org/2005/Atom"><entry><id>http://arxiv.org/abs/2106.09685v2</id>
        <title><![CDATA[A <b> & c]]> &#233;t&#xE9; &unknown;</title></entry></feed>"#;
    assert_eq!(parse(feed).entries[0].title, "A <b> & c été &unknown;");
}

#[test]
fn the_starter_library_parses_whole() {
    let feed = parse(include_bytes!(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/papers/starter.atom"
    )));
    assert_eq!(feed.entries.len(), 29);
    let swish = feed
        .entries
        .iter()
        .find(|p| p.id == "1710.05941")
        .expect("Swish");
    assert_eq!(
        swish.updated, swish.published,
        "a missing <updated> falls back to <published>"
    );
    let bloom = feed
        .entries
        .iter()
        .find(|p| p.id == "2211.05100")
        .expect("BLOOM");
    assert_eq!(bloom.published, None);
    assert!(bloom.authors.len() > 300);
}
