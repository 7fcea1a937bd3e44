use super::*;
use crate::fulltext::skim::conclusion;

fn fixture(name: &str) -> String {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/fulltext")
        .join(name);
    let bytes = std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    String::from_utf8_lossy(&bytes).into_owned()
}

#[test]
fn a_latexml_page_as_arxiv_serves_it() {
    // 2501.11120v1: 8 sections with subsections, 3 appendices, 91
    // figcaptions (8 of them panels "(a)"…), 48 bibliography items, 7
    // conversion errors.
    let doc = extract(&fixture("2501.11120v1.html")).expect("document");
    assert_eq!(
        doc.title.as_deref(),
        Some("Tell me about yourself: LLMs are aware of their learned behaviors")
    );
    assert!(
        doc.abstract_text
            .as_deref()
            .is_some_and(|a| a.starts_with("We study behavioral self-awareness"))
    );
    let top: Vec<String> = doc
        .sections
        .iter()
        .filter(|s| s.level == 1 && s.kind == SectionKind::Body)
        .map(|s| s.title())
        .collect();
    assert_eq!(
        top,
        [
            "1 Introduction",
            "2 Out-of-context reasoning",
            "3 Awareness of behaviors",
            "4 Awareness of backdoors",
            "5 Multi-Persona experiments",
            "6 Related work",
            "7 Discussion",
            "8 Conclusion",
        ]
    );
    let appendices: Vec<&str> = doc
        .sections
        .iter()
        .filter(|s| s.level == 1 && s.kind == SectionKind::Appendix)
        .filter_map(|s| s.number.as_deref())
        .collect();
    assert_eq!(appendices, ["A", "B", "C"]);
    assert!(
        doc.sections
            .iter()
            .any(|s| s.title() == "3.1.2 Evaluation" && s.level == 3)
    );
    assert!(
        doc.sections
            .iter()
            .any(|s| s.kind == SectionKind::Back && s.heading == "Acknowledgments")
    );
    // Captions: the paper's figures and tables, not the panels.
    assert_eq!(doc.captions.len(), 83);
    let figures = doc
        .captions
        .iter()
        .filter(|c| c.kind == CaptionKind::Figure)
        .count();
    assert_eq!(figures, 36);
    assert_eq!(doc.captions[0].number.as_deref(), Some("1"));
    assert!(
        doc.captions[0]
            .text
            .starts_with("Models can describe a learned behavioral policy")
    );
    assert_eq!(doc.captions[1].kind, CaptionKind::Table);
    assert_eq!(doc.references.len(), 48);
    assert!(doc.references[0].starts_with("AI@Meta. Llama 3 model card."));
    // Conversion errors are skipped: "{mdframed}" never reaches the text.
    let text: String = doc.sections.iter().map(|s| s.text()).collect();
    assert!(!text.contains("{mdframed}"));
    assert!(text.contains("Research Question 1: Can a model describe learned behaviors"));
    // Footnotes do not interrupt the text; math is kept as LaTeX.
    assert!(text.contains('$'));
    let c = conclusion(&doc).expect("conclusion");
    assert_eq!(c.heading, "8 Conclusion");
    assert!(
        c.text
            .starts_with("Our research demonstrates that language models")
    );
}

/// A page shaped like LaTeXML's output for equations (numbered, an
/// alignment of rows, an unnumbered one) and a theorem.
const EQUATIONS: &str = r#"<html><body><div class="ltx_page_content"><article class="ltx_document">
<section class="ltx_section" id="S1"><h2 class="ltx_title ltx_title_section"><span class="ltx_tag ltx_tag_section">1 </span>Method</h2>
<div class="ltx_para"><p class="ltx_p">We minimise <math alttext="f(x)" display="inline"><mi>f</mi></math> subject to</p>
<table id="S1.E1" class="ltx_equation ltx_eqn_table"><tr class="ltx_equation ltx_eqn_row">
<td class="ltx_eqn_cell"><math alttext="\displaystyle f(x)=\|x\|^{2}" display="block"><mi>f</mi></math></td>
<td class="ltx_eqn_cell ltx_eqn_eqno"><span class="ltx_tag ltx_tag_equation">(1)</span></td></tr></table>
<table id="S1.E2" class="ltx_equationgroup ltx_eqn_align ltx_eqn_table"><tbody>
<tr class="ltx_equation ltx_eqn_row"><td class="ltx_eqn_cell"><math alttext="\displaystyle a" display="inline"></math></td><td class="ltx_eqn_cell"><math alttext="\displaystyle=b+%
c" display="inline"></math></td><td class="ltx_eqn_cell ltx_eqn_eqno"><span class="ltx_tag">(2)</span></td></tr>
<tr class="ltx_equation ltx_eqn_row"><td class="ltx_eqn_cell"><span class="ltx_text">s.t.</span></td><td class="ltx_eqn_cell"><math alttext="c\geq 0" display="inline"></math></td><td class="ltx_eqn_cell ltx_eqn_eqno"><span class="ltx_tag">(3)</span></td></tr>
</tbody></table>
<table id="S1.Ex1" class="ltx_equation ltx_eqn_table"><tr><td class="ltx_eqn_cell"><math alttext="e=mc^{2}" display="block"></math></td></tr></table>
</div>
<div class="ltx_theorem"><h6 class="ltx_title ltx_runin">Theorem 1.</h6><div class="ltx_para"><p class="ltx_p">It holds.<span class="ltx_note ltx_role_footnote"><sup>1</sup><span class="ltx_note_outer">A footnote.</span></span></p></div></div>
<ul class="ltx_itemize"><li class="ltx_item"><span class="ltx_tag ltx_tag_item">•</span><div class="ltx_para"><p class="ltx_p">First point.</p></div></li></ul>
</section></article></div></body></html>"#;

#[test]
fn equations_theorems_and_lists() {
    let doc = extract(EQUATIONS).expect("document");
    assert_eq!(doc.equations.len(), 3);
    let e = &doc.equations;
    assert_eq!(
        (
            e[0].latex.as_str(),
            e[0].number.as_deref(),
            e[0].label.as_deref()
        ),
        ("f(x)=\\|x\\|^{2}", Some("1"), Some("S1.E1"))
    );
    assert_eq!(e[1].latex, "a =b+c \\\\ \\text{s.t.} c\\geq 0");
    assert_eq!(e[1].number.as_deref(), Some("2–3"));
    assert_eq!(e[2].number, None);
    assert_eq!(e[0].section, Some(0));
    let paras = &doc.sections[0].paragraphs;
    assert_eq!(paras[0], "We minimise $f(x)$ subject to");
    assert_eq!(paras[1], "Theorem 1. It holds.");
    assert_eq!(paras[2], "• First point.");
}

#[test]
fn pages_that_are_not_latexml_or_empty_are_errors() {
    assert_eq!(
        extract("<html><body><h1>No HTML for 2106.09685</h1></body></html>"),
        Err(HtmlError::NotLatexml)
    );
    assert_eq!(
        extract("<html><body><article class=\"ltx_document\"></article></body></html>"),
        Err(HtmlError::Empty)
    );
    assert_eq!(extract(""), Err(HtmlError::NotLatexml));
}

#[test]
fn an_abstract_written_straight_into_its_block() {
    let page = r#"<html><body><article class="ltx_document"><div class="ltx_abstract"><h6 class="ltx_title">Abstract</h6>We introduce the <em>Transformer</em>.</div>
<section class="ltx_section"><h2 class="ltx_title"><span class="ltx_tag">1 </span>Introduction</h2><div class="ltx_para"><p class="ltx_p">Text.</p></div></section></article></body></html>"#;
    let doc = extract(page).expect("document");
    assert_eq!(
        doc.abstract_text.as_deref(),
        Some("We introduce the Transformer.")
    );
}

#[test]
fn a_number_left_in_the_heading_text_becomes_the_section_number() {
    let page = r#"<html><body><article class="ltx_document">
<section class="ltx_section"><h2 class="ltx_title">1. Introduction</h2><div class="ltx_para"><p class="ltx_p">Text.</p></div>
<section class="ltx_subsection"><h3 class="ltx_title">1.2 Scope</h3><div class="ltx_para"><p class="ltx_p">More.</p></div></section></section>
<section class="ltx_section"><h2 class="ltx_title">A Study of Attention</h2><div class="ltx_para"><p class="ltx_p">Body.</p></div></section>
<section class="ltx_appendix"><h2 class="ltx_title">B. Proofs</h2><div class="ltx_para"><p class="ltx_p">Proof.</p></div></section>
</article></body></html>"#;
    let doc = extract(page).expect("document");
    let outline: Vec<(Option<&str>, &str)> = doc
        .sections
        .iter()
        .map(|s| (s.number.as_deref(), s.heading.as_str()))
        .collect();
    assert_eq!(
        outline,
        vec![
            (Some("1"), "Introduction"),
            (Some("1.2"), "Scope"),
            (None, "A Study of Attention"),
            (Some("B"), "Proofs"),
        ]
    );
}
