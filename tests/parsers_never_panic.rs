//! Every parser that reads outside input is fed random and mutated real
//! input; none may panic, and each either parses or returns an error.
//! Radar files (TOML, BYOR CSV and JSON) too.
//! (A coverage-guided fuzz target for the Atom parser lives in fuzz/.)

use litradar::arxiv::{ArxivId, SearchQuery, parse_feed};
use litradar::formats::{bibtex, json, latex};
use proptest::prelude::*;

const FEEDS: &[&str] = &[
    include_str!("fixtures/arxiv/api2026_q_testing_s0_m10.xml"),
    include_str!("fixtures/arxiv/api2026_id_astro-ph_0601001_s0_m100.xml"),
    include_str!("fixtures/arxiv/legacy2016_id_list_1111.2011v2.xml"),
    include_str!("fixtures/arxiv/api2026_id_abc_s0_m100.xml"),
    include_str!("fixtures/arxiv/arxivdocs2007_typical_response_all_electron.xml"),
];

const BIB: &str = r#"@string{nips = "Advances in Neural Information Processing Systems"}
@inproceedings{vaswani2017attention,
  title = {Attention Is {All} You Need},
  author = {Vaswani, Ashish and Shazeer, Noam and Tes\v{s}anovi\'c, Z.},
  booktitle = nips # { 30},
  year = 2017, month = dec,
  eprint = {1706.03762}, archivePrefix = {arXiv},
  abstract = "The dominant {sequence} models, 25\% of $x_i^{2}$",
}"#;

/// Applies byte-level edits to a valid document.
fn mutate(base: &str, edits: &[(usize, u8, u8)]) -> Vec<u8> {
    let mut bytes = base.as_bytes().to_vec();
    for &(pos, kind, value) in edits {
        if bytes.is_empty() {
            break;
        }
        let at = pos % bytes.len();
        match kind % 4 {
            0 => bytes[at] = value,
            1 => {
                bytes.remove(at);
            }
            2 => bytes.insert(at, value),
            _ => bytes.truncate(at),
        }
    }
    bytes
}

/// Inputs the fuzzers once crashed on, kept as regression tests.
#[test]
fn former_fuzz_crashes_no_longer_panic() {
    // A DOI-prefix check sliced a string inside a multi-byte character.
    let bytes = include_bytes!("fixtures/fuzz/bibtex-doi-prefix-cut.bib");
    let text = String::from_utf8_lossy(bytes);
    let entries = bibtex::parse(&text).expect("the file parses");
    for e in &entries {
        let _ = bibtex::to_incoming(e);
    }
    // The same with the non-ASCII text right where a prefix is compared.
    for doi in [
        "https://doi.org/10.1/x",
        "http\u{fffd}\u{41e}.org/abs/2312.00752v2",
        "\u{130}\u{130}arxiv:2106.09685",
        "d\u{fffd}i:1",
    ] {
        let entry = format!("@misc{{k, title = {{t}}, doi = {{{doi}}}, note = {{{doi}}}}}");
        let parsed = bibtex::parse(&entry).expect("parses");
        let _ = bibtex::to_incoming(&parsed[0]);
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 2000, .. ProptestConfig::default() })]

    #[test]
    fn atom_parser_survives_mutated_feeds(which in 0..FEEDS.len(), edits in prop::collection::vec((any::<usize>(), any::<u8>(), any::<u8>()), 0..12)) {
        let _ = parse_feed(&mutate(FEEDS[which], &edits));
    }

    #[test]
    fn atom_parser_survives_random_bytes(bytes in prop::collection::vec(any::<u8>(), 0..512)) {
        let _ = parse_feed(&bytes);
    }

    #[test]
    fn atom_parser_survives_xmlish_text(text in "[<>/a-z:=\"' &#;x0-9\\[\\]!?-]{0,200}") {
        let _ = parse_feed(format!("<feed xmlns=\"http://www.w3.org/2005/Atom\"><entry>{text}").as_bytes());
        let _ = parse_feed(text.as_bytes());
    }

    #[test]
    fn bibtex_survives_mutations(edits in prop::collection::vec((any::<usize>(), any::<u8>(), any::<u8>()), 0..12)) {
        let bytes = mutate(BIB, &edits);
        let text = String::from_utf8_lossy(&bytes);
        if let Ok(entries) = bibtex::parse(&text) {
            for e in &entries {
                let _ = bibtex::to_incoming(e);
            }
        }
    }

    #[test]
    fn bibtex_survives_random_text(text in "[@{}()\",=#%\\\\a-z0-9 \n]{0,300}") {
        if let Ok(entries) = bibtex::parse(&text) {
            for e in &entries {
                let _ = bibtex::to_incoming(e);
            }
        }
    }

    #[test]
    fn latex_survives_anything(text in "\\PC{0,80}", braces in "[{}\\\\'\"v$ a-z]{0,40}") {
        for t in [&text, &braces] {
            let _ = latex::decode(t, latex::Decode::Full);
            let _ = latex::decode(t, latex::Decode::Accents);
            let _ = latex::encode(t, true);
        }
    }

    #[test]
    fn ids_queries_and_json_lines_survive_anything(text in "\\PC{0,60}") {
        let _ = ArxivId::parse(&text);
        let _ = SearchQuery::parse(&text);
        let _ = json::parse_papers(&text);
    }

    #[test]
    fn radar_files_survive_mutations(edits in prop::collection::vec((any::<usize>(), any::<u8>(), any::<u8>()), 0..12), which in 0..3usize) {
        use litradar::radar::formats::{Format, read, write_csv, write_json};
        let seed = read(litradar::radar::SEED_TOML, Format::Toml).expect("seed");
        let (base, format) = match which {
            0 => (litradar::radar::SEED_TOML.to_string(), Format::Toml),
            1 => (write_csv(&seed.blips), Format::Csv),
            _ => (write_json(&seed.blips), Format::Json),
        };
        let bytes = mutate(&base, &edits);
        let _ = read(&String::from_utf8_lossy(&bytes), format);
    }

    #[test]
    fn radar_csv_survives_csv_like_text(text in "[a-z,\"\n\r ]{0,200}") {
        let _ = litradar::radar::formats::read(&text, litradar::radar::formats::Format::Csv);
    }

    #[test]
    fn queries_survive_query_like_text(text in "[a-zA-Z:\"()\\[\\] 0-9]{0,60}") {
        if let Ok(q) = SearchQuery::parse(&text) {
            // A query that was accepted parses again to itself.
            prop_assert_eq!(SearchQuery::parse(q.as_str()).ok(), Some(q));
        }
    }

    #[test]
    fn valid_new_style_ids_round_trip(yy in 7u32..30, mm in 1u32..13, n in 0u32..99999, v in proptest::option::of(1u32..40)) {
        prop_assume!(yy * 100 + mm >= 704);
        let digits = if yy * 100 + mm < 1501 { format!("{:04}", n % 10000) } else { format!("{n:05}") };
        let base = format!("{yy:02}{mm:02}.{digits}");
        let text = match v { Some(v) => format!("{base}v{v}"), None => base.clone() };
        let id = ArxivId::parse(&text).expect("valid id");
        prop_assert_eq!(id.base(), base.as_str());
        prop_assert_eq!(id.version(), v);
        prop_assert_eq!(id.to_string(), text);
    }
}
