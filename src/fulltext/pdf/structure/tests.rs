use super::*;
use crate::fulltext::document::CaptionKind;
use crate::fulltext::pdf::layout::{Line, Word, from_bbox, from_text};
use crate::fulltext::skim::conclusion;

/// `pdftotext -bbox-layout` of a fixture, or `None` (skipped) when poppler
/// is not installed and not required (CI requires it).
fn bbox(name: &str) -> Option<Layout> {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/fulltext")
        .join(name);
    match std::process::Command::new("pdftotext")
        .args(["-q", "-enc", "UTF-8", "-bbox-layout"])
        .arg(&path)
        .arg("-")
        .output()
    {
        Ok(out) if out.status.success() => Some(from_bbox(&String::from_utf8_lossy(&out.stdout))),
        _ if std::env::var_os("LITRADAR_REQUIRE_PDFTOTEXT").is_some() => {
            panic!("pdftotext is required (poppler-utils) but did not run")
        }
        _ => {
            eprintln!("skipped: pdftotext (poppler-utils) is not installed");
            None
        }
    }
}

fn titles(doc: &Document) -> Vec<String> {
    doc.sections.iter().map(|s| s.title()).collect()
}

#[test]
fn single_column_paper_re_saved_later() {
    let Some(layout) = bbox("1706.03762v7.pdf") else {
        return;
    };
    let doc = structure(&layout);
    assert_eq!(doc.title.as_deref(), Some("Attention Is All You Need"));
    assert!(
        doc.abstract_text
            .as_deref()
            .is_some_and(|a| a.starts_with("The dominant sequence transduction models"))
    );
    let t = titles(&doc);
    // Numbers set apart from their titles are joined; 3.5 even though
    // poppler reads a table's cells between the two.
    for h in [
        "1 Introduction",
        "3.2.1 Scaled Dot-Product Attention",
        "3.5 Positional Encoding",
        "6.3 English Constituency Parsing",
        "7 Conclusion",
    ] {
        assert!(t.contains(&h.to_string()), "{h} in {t:?}");
    }
    assert_eq!(t.len(), 22, "{t:?}");
    let levels: Vec<u8> = doc.sections.iter().take(6).map(|s| s.level).collect();
    assert_eq!(levels, [1, 1, 1, 2, 2, 3]);
    let figures = doc
        .captions
        .iter()
        .filter(|c| c.kind == CaptionKind::Figure)
        .count();
    assert_eq!((figures, doc.captions.len()), (5, 9));
    assert_eq!(
        doc.captions[0].text,
        "The Transformer - model architecture."
    );
    assert_eq!(doc.references.len(), 40);
    let text: String = doc.sections.iter().map(|s| s.text()).collect();
    // Words split at line ends are repaired from the paper's own words;
    // compounds keep their hyphen.
    assert!(text.contains("transduction models in various tasks"));
    assert!(text.contains("English-to-German"));
    assert!(text.contains("sequence-aligned"));
    // Footnotes, running heads, page numbers and the arXiv stamp are gone.
    assert!(!text.contains("arXiv:1706.03762v7"));
    assert!(!text.contains("Equal contribution"));
    assert!(!text.contains("To illustrate why the dot products get large"));
    let c = conclusion(&doc).expect("conclusion");
    assert_eq!(c.heading, "7 Conclusion");
    assert!(
        c.text
            .starts_with("In this work, we presented the Transformer")
    );
}

#[test]
fn two_column_acm_paper_reads_in_order() {
    let Some(layout) = bbox("2302.07302v1.pdf") else {
        return;
    };
    let doc = structure(&layout);
    let t = titles(&doc);
    assert_eq!(t[0], "1 INTRODUCTION");
    assert!(
        t.contains(&"4.5 [D3] Paper Cards with Personalized Context".to_string()),
        "{t:?}"
    );
    assert!(t.contains(&"8 CONCLUSION".to_string()));
    assert!(doc.sections.iter().any(|s| s.kind == SectionKind::Back));
    assert!(
        doc.abstract_text
            .as_deref()
            .is_some_and(|a| a.starts_with("When reading a scholarly article"))
    );
    assert_eq!(doc.captions.len(), 10);
    assert_eq!(doc.references.len(), 65);
    // CCS concepts and keywords are not text of the paper.
    let text: String = doc.sections.iter().map(|s| s.text()).collect();
    assert!(!text.contains("Human-centered computing"));
    assert!(!text.contains("CHI ’23, April 23–28"));
    let c = conclusion(&doc).expect("conclusion");
    assert!(
        c.text.starts_with("In this paper, we introduce CiteSee"),
        "{}",
        c.text
    );
}

#[test]
fn revtex_roman_numbered_sections_and_unheaded_references() {
    let Some(layout) = bbox("0908.0054v1.pdf") else {
        return;
    };
    let doc = structure(&layout);
    assert_eq!(
        titles(&doc),
        [
            "I INTRODUCTION",
            "II ULTRA LIGHT BOSONS AS DARK MATTER",
            "III TESTING WITH THE CMB",
            "IV CONCLUSIONS",
            "Acknowledgements",
        ]
    );
    assert_eq!(doc.captions.len(), 6);
    assert_eq!(doc.references.len(), 19);
    assert!(doc.references[0].starts_with("[1] Hu W."));
    // The conclusion's second column comes back from behind the references.
    let c = conclusion(&doc).expect("conclusion");
    assert!(
        c.text
            .contains("The most promising and physically interesting feature"),
        "{}",
        c.text
    );
}

fn word(text: &str, x0: f32, y0: f32, size: f32) -> Word {
    Word {
        text: text.into(),
        x0,
        y0,
        x1: x0 + 6.0 * text.chars().count() as f32,
        y1: y0 + size,
    }
}

fn block(page: usize, lines: &[(&str, f32, f32, f32)]) -> Block {
    Block {
        page,
        lines: lines
            .iter()
            .map(|(t, x, y, size)| {
                let mut x = *x;
                Line {
                    words: t
                        .split_whitespace()
                        .map(|w| {
                            let wd = word(w, x, *y, *size);
                            x = wd.x1 + 3.0;
                            wd
                        })
                        .collect(),
                }
            })
            .collect(),
    }
}

#[test]
fn headings_must_continue_the_numbering() {
    let body = "We describe the method in detail and with enough words to be a paragraph of prose.";
    let layout = Layout {
        geometry: true,
        pages: vec![(612.0, 792.0)],
        blocks: vec![
            block(0, &[("1", 100.0, 100.0, 11.0)]),
            block(0, &[("Introduction", 120.0, 100.0, 11.0)]),
            block(0, &[(body, 100.0, 130.0, 9.0)]),
            // "2 GPUs were used" would not be a heading anyway; "5 Results"
            // skips numbers, so it is text.
            block(0, &[("5 Results", 100.0, 200.0, 11.0)]),
            block(0, &[("2 Method", 100.0, 260.0, 11.0)]),
            block(0, &[(body, 100.0, 280.0, 9.0)]),
            block(0, &[("2.1 Setup", 100.0, 320.0, 9.5)]),
            block(0, &[(body, 100.0, 340.0, 9.0)]),
        ],
    };
    let doc = structure(&layout);
    assert_eq!(titles(&doc), ["1 Introduction", "2 Method", "2.1 Setup"]);
}

#[test]
fn split_words_are_repaired_with_the_papers_vocabulary() {
    let vocab: HashSet<String> = ["representations", "self", "attention", "state-of-the-art"]
        .iter()
        .map(|s| s.to_string())
        .collect();
    let join = |a: &str, b: &str| {
        let mut t = a.to_string();
        join_lines(&mut t, b, &vocab);
        t
    };
    assert_eq!(
        join("learn representa-", "tions of text"),
        "learn representations of text"
    );
    assert_eq!(
        join("multi-head self-", "attention layers"),
        "multi-head self-attention layers"
    );
    assert_eq!(
        join("the English-", "to-German task"),
        "the English-to-German task"
    );
    assert_eq!(
        join("see https://github.com/", "org/repo"),
        "see https://github.com/org/repo"
    );
    assert_eq!(join("plain", "text"), "plain text");
}

#[test]
fn plain_text_without_geometry_still_gets_structure() {
    let text = "A Title of a Paper\n\nAbstract\n\nWe propose things in this abstract of the paper.\n\n1\n\nIntroduction\n\nThis is the introduction of the paper, which has enough words.\n\n2 Conclusion\n\nWe conclude here with a sentence of reasonable length.\n\nReferences\n\n[1] A. Author. A paper. 2020.\n";
    let doc = structure(&from_text(text));
    assert_eq!(titles(&doc), ["1 Introduction", "2 Conclusion"]);
    assert_eq!(
        doc.abstract_text.as_deref(),
        Some("We propose things in this abstract of the paper.")
    );
    assert_eq!(doc.references, ["[1] A. Author. A paper. 2020."]);
    // No headings at all: the text is kept as one untitled section.
    let flat = structure(&from_text(
        "Just some notes written as prose, with no headings at all in them.\n",
    ));
    assert_eq!(flat.sections.len(), 1);
    assert!(flat.sections[0].heading.is_empty());
}

#[test]
fn acl_paper_with_a_small_abstract_small_capitals_and_columns_out_of_order() {
    let Some(layout) = bbox("2020.acl-main.207.pdf") else {
        return;
    };
    let doc = structure(&layout);
    // The abstract is set in 10 pt under 11 pt text, and still read.
    assert!(
        doc.abstract_text
            .as_deref()
            .is_some_and(|a| a.starts_with("Representation learning is a critical ingredient")),
        "{:?}",
        doc.abstract_text
    );
    let t = titles(&doc);
    // Poppler reads the top of page 4's right column before the end of its
    // left: the columns are put back in order, so 3.2 comes before 3.3.
    let at = |h: &str| t.iter().position(|x| x == h);
    assert!(
        at("3.2 Citation Prediction") < at("3.3 User Activity"),
        "{t:?}"
    );
    assert!(at("3.2 Citation Prediction").is_some());
    assert!(t.contains(&"8 Conclusions and Future Work".to_string()));
    assert_eq!(doc.captions.len(), 5);
    // Small capitals are one word, not "S PECTER".
    assert!(
        doc.captions[0].text.contains("SPECTER"),
        "{}",
        doc.captions[0].text
    );
    let c = conclusion(&doc).expect("conclusion");
    assert!(c.text.starts_with("We present SPECTER"), "{}", c.text);
}

#[test]
fn acl_2018_paper_starts_its_introduction_at_the_start() {
    let Some(layout) = bbox("N18-3011.pdf") else {
        return;
    };
    let doc = structure(&layout);
    let intro = &doc.sections[0];
    assert_eq!(intro.title(), "1 Introduction");
    assert!(
        intro.paragraphs[0].starts_with("The goal of this work is to facilitate"),
        "{}",
        intro.paragraphs[0]
    );
    assert!(titles(&doc).contains(&"2.2 Edge Types".to_string()));
    assert_eq!(doc.captions.len(), 5);
    assert!(doc.abstract_text.is_some());
}
