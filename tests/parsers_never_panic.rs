//! Every parser that reads outside input is fed random and mutated real
//! input; none may panic, and each either parses or returns an error.
//! Radar files (TOML, BYOR CSV and JSON) too.
//! (A coverage-guided fuzz target for the Atom parser lives in fuzz/.)

use litradar::arxiv::{ArxivId, SearchQuery, parse_feed};
use litradar::formats::{bibtex, json, latex};
use litradar::fulltext::archive::{Eprint, Limits, SourceFile, unpack};
use litradar::fulltext::pdf::{layout, structure};
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

const LATEX: &str = r#"\documentclass{article}
\newcommand{\ours}[1][x]{\textsc{Ours}_{#1}\xspace}\def\a{\alpha}\let\b\beta
\begin{document}\title{T \thanks{x}}\maketitle
\begin{abstract}We use \ours{} and $\a+\b$.\end{abstract}
\section{Intro}\label{s:i} See \ref{s:i}, \cite{k}, \citet{k}~\footnote{f}.
\begin{figure}[t]\caption{A figure}\end{figure}
\begin{align}a&=b\label{e}\\c&=d\nonumber\end{align}
\begin{itemize}\item one \item[b] two\end{itemize}
\begin{thebibliography}{9}\bibitem[A(2020)]{k} A. 2020.\end{thebibliography}
\end{document}"#;

const HTML: &str = r#"<html><body><article class="ltx_document"><h1 class="ltx_title ltx_title_document">T</h1>
<div class="ltx_abstract"><p class="ltx_p">A.</p></div><section class="ltx_section"><h2 class="ltx_title"><span class="ltx_tag">1 </span>Intro</h2>
<div class="ltx_para"><p class="ltx_p">Text <math alttext="x^2"></math>.</p></div>
<figure class="ltx_figure"><figcaption><span class="ltx_tag ltx_tag_figure">Figure 1: </span>Cap.</figcaption></figure>
<table class="ltx_equation"><tr><td><math alttext="a=b"></math></td><td class="ltx_eqn_eqno">(1)</td></tr></table>
</section><section class="ltx_bibliography"><ul><li class="ltx_bibitem"><span class="ltx_bibblock">R.</span></li></ul></section></article></body></html>"#;

const BBOX: &str = r#"<doc><page width="612" height="792"><flow><block><line><word xMin="10" yMin="10" xMax="40" yMax="22">1</word><word xMin="45" yMin="10" xMax="90" yMax="22">Introduction</word></line></block>
<block><line><word xMin="10" yMin="30" xMax="60" yMax="39">Text</word><word xMin="62" yMin="30" xMax="90" yMax="39">split-</word></line><line><word xMin="10" yMin="40" xMax="40" yMax="49">ting.</word></line></block>
<block><line><word xMin="10" yMin="60" xMax="50" yMax="69">Figure</word><word xMin="52" yMin="60" xMax="60" yMax="69">1:</word><word xMin="62" yMin="60" xMax="90" yMax="69">Cap</word></line></block></flow></page></doc>"#;

proptest! {
    #![proptest_config(ProptestConfig { cases: 2000, .. ProptestConfig::default() })]

    #[test]
    fn latex_extraction_survives_mutated_sources(edits in prop::collection::vec((any::<usize>(), any::<u8>(), any::<u8>()), 0..16)) {
        let bytes = mutate(LATEX, &edits);
        let files = vec![SourceFile { path: "ms.tex".into(), bytes }];
        let _ = litradar::fulltext::latex::extract(&files);
    }

    #[test]
    fn latex_extraction_survives_random_tex(text in "[\\\\{}$#%&~^_\\[\\]a-z \n]{0,300}") {
        let files = vec![SourceFile { path: "ms.tex".into(), bytes: format!("\\documentclass{{article}}\\begin{{document}}{text}").into_bytes() }];
        let _ = litradar::fulltext::latex::extract(&files);
    }

    #[test]
    fn html_extraction_survives_mutated_pages(edits in prop::collection::vec((any::<usize>(), any::<u8>(), any::<u8>()), 0..16)) {
        let bytes = mutate(HTML, &edits);
        let _ = litradar::fulltext::html::extract(&String::from_utf8_lossy(&bytes));
    }

    #[test]
    fn pdf_structure_survives_mutated_layouts(edits in prop::collection::vec((any::<usize>(), any::<u8>(), any::<u8>()), 0..16), text in "\\PC{0,200}") {
        let bytes = mutate(BBOX, &edits);
        let _ = structure::structure(&layout::from_bbox(&String::from_utf8_lossy(&bytes)));
        let _ = structure::structure(&layout::from_text(&text));
    }

    #[test]
    fn eprints_survive_random_and_cut_archives(bytes in prop::collection::vec(any::<u8>(), 0..600), cut in 0usize..4000) {
        let _ = unpack(&bytes, &Limits::default());
        let mut gz = vec![0x1f, 0x8b];
        gz.extend_from_slice(&bytes);
        let _ = unpack(&gz, &Limits::default());
        let real = include_bytes!("fixtures/fulltext/upload4.gz");
        let cut = cut.min(real.len());
        if let Ok(Eprint::Source(files)) = unpack(&real[..cut], &Limits::default()) {
            let _ = litradar::fulltext::latex::extract(&files);
        }
    }

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
    fn radar_files_survive_mutations(edits in prop::collection::vec((any::<usize>(), any::<u8>(), any::<u8>()), 0..12), which in 0..6usize) {
        use litradar::radar::formats::{Format, Options, read, read_text, write_csv, write_json};
        let seed = read(litradar::radar::SEED_TOML, Format::Toml).expect("seed");
        let fixture = |name: &str| {
            std::fs::read_to_string(format!("{}/tests/fixtures/radar/{name}", env!("CARGO_MANIFEST_DIR"))).expect("fixture")
        };
        let (base, format) = match which {
            0 => (litradar::radar::SEED_TOML.to_string(), Format::Toml),
            1 => (write_csv(&seed.blips), Format::Csv),
            2 => (write_json(&seed.blips), Format::Json),
            3 => (fixture("zalando/config.json"), Format::Zalando),
            4 => (fixture("backstage/ons-radar.json"), Format::Backstage),
            _ => (fixture("byor/byor-sheet.csv"), Format::Csv),
        };
        let bytes = mutate(&base, &edits);
        let _ = read_text(&String::from_utf8_lossy(&bytes), format, &Options::default());
    }

    #[test]
    fn aoe_items_survive_anything(text in r#"(---\n)?[a-z:"' \n\\\-\[\],]{0,200}"#, month in r"[0-9.\- a-zA-Z:]{0,24}") {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("radar/2024-01-01/x.md");
        std::fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
        std::fs::write(&path, &text).expect("write");
        let _ = litradar::radar::formats::read_path(dir.path(), None, &Default::default());
        let _ = litradar::radar::formats::read(&format!("{{\"date\": \"{}\", \"entries\": []}}", month.replace('"', "")), litradar::radar::formats::Format::Zalando);
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
