use super::*;
use crate::fulltext::archive::{Eprint, Limits, unpack};
use crate::fulltext::document::{CaptionKind, Section, SectionKind};
use crate::fulltext::skim::conclusion;

fn fixture(name: &str) -> Vec<u8> {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/fulltext")
        .join(name);
    std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn files(name: &str) -> Vec<SourceFile> {
    match unpack(&fixture(name), &Limits::default()).expect("unpack") {
        Eprint::Source(f) => f,
        Eprint::Pdf(_) => panic!("{name} is not LaTeX"),
    }
}

fn source(files: &[(&str, &str)]) -> Vec<SourceFile> {
    files
        .iter()
        .map(|(p, t)| SourceFile {
            path: p.to_string(),
            bytes: t.as_bytes().to_vec(),
        })
        .collect()
}

fn headings(doc: &Document) -> Vec<String> {
    doc.sections.iter().map(|s| s.title()).collect()
}

#[test]
fn scifact_multi_file_eprint() {
    // A macOS-made tar: the main file \inputs 00-abstract … 08-conclusion,
    // which \input figures/ and tables/ with and without .tex; decoys
    // (_old-*.tex, scratchpad.tex), AppleDouble ._* files, a commented-out
    // \input of the full appendix.
    let x = extract(&files("2004.14974.gz")).expect("document");
    assert_eq!(x.main, "emnlp2020.tex");
    assert!(x.warnings.is_empty(), "{:?}", x.warnings);
    let doc = &x.document;
    assert_eq!(
        doc.title.as_deref(),
        Some("Fact or Fiction: Verifying Scientific Claims")
    );
    let abs = doc.abstract_text.as_deref().expect("abstract");
    assert!(
        abs.starts_with("We introduce scientific claim verification"),
        "{abs}"
    );
    // The author's macros are expanded: \ours is SciFact, \xspace spaces it.
    assert!(abs.contains("we construct SciFact, a dataset"), "{abs}");
    let h = headings(doc);
    assert_eq!(
        &h[..9],
        [
            "1 Introduction",
            "2 Background and task definition",
            "3 The SciFact dataset",
            "3.1 Data source and corpus construction",
            "3.2 Claim writing",
            "3.3 Claim verification",
            "4 The SciFact task",
            "5 VeriSci: Baseline model",
            "6 Experiments",
        ]
    );
    assert!(h.contains(&"8 Conclusion".to_string()));
    // The arXiv appendix (09-appendices-arxiv) is in, lettered; the
    // commented-out full one is not.
    let appendix: Vec<&Section> = doc
        .sections
        .iter()
        .filter(|s| s.kind == SectionKind::Appendix)
        .collect();
    assert_eq!(appendix[0].title(), "A Model implementation details");
    assert!(
        appendix
            .iter()
            .any(|s| s.title() == "D Annotation interfaces and guidelines")
    );
    // Decoy files contribute nothing.
    let all: String = doc.sections.iter().map(|s| s.text()).collect();
    assert!(!all.contains("\\ours") && !all.contains("\\sysname"));
    // Captions from figure and table environments, in both folders.
    let figures = doc
        .captions
        .iter()
        .filter(|c| c.kind == CaptionKind::Figure)
        .count();
    let tables = doc
        .captions
        .iter()
        .filter(|c| c.kind == CaptionKind::Table)
        .count();
    assert_eq!((figures, tables), (7, 8));
    assert!(
        doc.captions[0]
            .text
            .starts_with("A SciFact claim refuted by evidence")
    );
    // The .bbl gives the references and natbib citations read as printed.
    assert_eq!(doc.references.len(), 36);
    assert!(all.contains("(Lo et al., 2020)"), "citations resolved");
    // \ref resolved to the numbers LaTeX prints.
    assert!(all.contains("As illustrated in Figure 1,"));
    let c = conclusion(doc).expect("conclusion");
    assert_eq!(c.heading, "8 Conclusion");
    assert!(
        c.text
            .starts_with("Claim verification allows us to trace the sources")
    );
}

#[test]
fn single_gzipped_tex_with_bold_abstract_and_equations() {
    // A hep-th paper: one gzipped .tex (no tar), the abstract as
    // {\bf Abstract} in a titlepage, \be/\bea macros for eqnarray,
    // \numberwithin{equation}{section}.
    let x = extract(&files("upload4.gz")).expect("document");
    let doc = &x.document;
    let abs = doc.abstract_text.as_deref().expect("abstract");
    assert!(
        abs.starts_with("Pseudo-supersymmetric solutions of minimal $N=2$, $D=4$"),
        "{abs}"
    );
    assert!(
        abs.ends_with("propagating in the Nariai cosmology."),
        "{abs}"
    );
    let h = headings(doc);
    assert_eq!(h[0], "1 Introduction");
    assert!(h.contains(&"6 Conclusions".to_string()));
    assert_eq!(h.last().map(String::as_str), Some("A The Linear System"));
    assert!(!h.iter().any(|t| t.contains("Abstract")));
    assert!(doc.equations.len() >= 80, "{}", doc.equations.len());
    // Numbered within sections; \label kept; \nonumber rows not numbered.
    let kse = doc
        .equations
        .iter()
        .find(|e| e.label.as_deref() == Some("kse"))
        .expect("labelled equation");
    assert_eq!(kse.number.as_deref(), Some("2.2"));
    assert!(kse.latex.starts_with("D_{\\mu}\\epsilon="), "{}", kse.latex);
    assert!(!kse.latex.contains("\\label"));
    // The author's \def\a{\alpha} is expanded inside math.
    assert!(doc.equations.iter().all(|e| !e.latex.contains("\\bea")));
    let unnumbered = doc
        .equations
        .iter()
        .find(|e| e.latex.starts_with("S=\\int"))
        .expect("S");
    assert_eq!(unnumbered.number, None, "equation* is not numbered");
    assert_eq!(conclusion(doc).expect("c").heading, "6 Conclusions");
    assert_eq!(doc.references.len(), 19);
}

#[test]
fn inputs_are_followed_relative_and_without_extension_and_cycles_refused() {
    let files = source(&[
        (
            "paper/main.tex",
            "\\documentclass{article}\n\\begin{document}\n\\input{sections/intro}\n% \\input{sections/unused}\n\\include{sections/method.tex}\n\\input sections/loop\n\\input{missing}\n\\end{document}\n",
        ),
        (
            "paper/sections/intro.tex",
            "\\section{Intro}\nHello from the introduction.\n",
        ),
        ("paper/sections/unused.tex", "\\section{Unused}\nNever.\n"),
        (
            "paper/sections/method.tex",
            "\\section{Method}\nWe do things.\n",
        ),
        (
            "paper/sections/loop.tex",
            "\\section{Loop}\nAgain \\input{sections/loop}.\n",
        ),
        ("paper/._main.tex", "\u{0}\u{5}junk"),
        (
            "paper/_old-main.tex",
            "\\documentclass{article}\\begin{document}\\section{Old}\\end{document}",
        ),
    ]);
    let x = extract(&files).expect("document");
    assert_eq!(x.main, "paper/main.tex");
    assert_eq!(headings(&x.document), ["1 Intro", "2 Method", "3 Loop"]);
    assert!(
        x.warnings.iter().any(|w| w.contains("include itself")),
        "{:?}",
        x.warnings
    );
    assert!(
        x.warnings.iter().any(|w| w.contains("missing")),
        "{:?}",
        x.warnings
    );
}

#[test]
fn latin1_sources_accents_and_text_macros_read_as_text() {
    let mut latin1 = b"\\documentclass{article}\\begin{document}\\section{R\xe9sum\xe9}\n".to_vec();
    latin1.extend_from_slice(
        b"Sch\\\"{o}lkopf and Erd\\H{o}s wrote \\emph{this} -- see \\textbf{bold} and \\url{http://x.org/a_b}.\\footnote{Dropped.}\n\\unknownmacro{kept} text~here.\n\\end{document}",
    );
    let files = vec![SourceFile {
        path: "ms.tex".into(),
        bytes: latin1,
    }];
    let doc = extract(&files).expect("document").document;
    assert_eq!(doc.sections[0].heading, "Résumé");
    assert_eq!(
        doc.sections[0].paragraphs[0],
        "Schölkopf and Erdős wrote this – see bold and http://x.org/a_b. \\unknownmacro{kept} text here."
    );
}

#[test]
fn abstract_forms_and_floats() {
    let inline = source(&[(
        "a.tex",
        "\\documentclass{article}\\begin{document}\\title{T}\\maketitle\n\\noindent{\\bf Abstract:} We show a thing.\n\n\\section{One}\nBody.\n\\begin{figure*}[t]\\centering\\includegraphics{x}\\caption[short]{A figure.}\\label{fig:a}\\end{figure*}\n\\begin{table}\\begin{tabular}{ll}a&b\\\\\\end{tabular}\\caption{A table.}\\end{table}\nSee Figure~\\ref{fig:a} and Eq.~\\eqref{eq:x}.\n\\begin{align}a&=b\\label{eq:x}\\\\c&=d\\nonumber\\\\e&=f\\end{align}\n\\end{document}",
    )]);
    let doc = extract(&inline).expect("document").document;
    assert_eq!(doc.abstract_text.as_deref(), Some("We show a thing."));
    assert_eq!(doc.sections.len(), 1);
    assert_eq!(doc.captions.len(), 2);
    assert_eq!(
        (
            doc.captions[0].kind,
            doc.captions[0].number.as_deref(),
            doc.captions[0].text.as_str()
        ),
        (CaptionKind::Figure, Some("1"), "A figure.")
    );
    assert_eq!(doc.captions[1].kind, CaptionKind::Table);
    let eq = &doc.equations[0];
    assert_eq!(
        eq.number.as_deref(),
        Some("1–2"),
        "two numbered rows of three"
    );
    assert_eq!(eq.label.as_deref(), Some("eq:x"));
    assert_eq!(eq.latex, "a&=b\\\\c&=d\\\\e&=f");
    assert!(
        doc.sections[0]
            .paragraphs
            .iter()
            .any(|p| p.contains("See Figure 1 and Eq. (1)."))
    );
    // Text inside the float is not a paragraph.
    assert!(
        doc.sections[0]
            .paragraphs
            .iter()
            .all(|p| !p.contains("a b"))
    );
}

#[test]
fn no_main_file_and_no_text_are_errors() {
    let none = source(&[("a.tex", "hello"), ("b.tex", "world")]);
    assert_eq!(extract(&none).map(|_| ()), Err(LatexError::NoMainFile));
    let empty = source(&[(
        "a.tex",
        "\\documentclass{article}\\begin{document}\\end{document}",
    )]);
    assert_eq!(extract(&empty).map(|_| ()), Err(LatexError::Empty));
}

#[test]
fn an_abstract_without_a_blank_line_before_its_end() {
    for t in [
        "\\documentclass{article}\\begin{document}\\begin{abstract}X y z.\\end{abstract}\\section{A}B\\end{document}",
        "\\documentclass{article}\n\n\\begin{document}\\maketitle\n\\begin{abstract}\nX y z.\n\\end{abstract}\n\\section{A}B\n\\end{document}",
    ] {
        let f = source(&[("m.tex", t)]);
        let doc = extract(&f).expect("document").document;
        assert_eq!(doc.abstract_text.as_deref(), Some("X y z."), "{t}");
        assert_eq!(headings(&doc), ["1 A"]);
    }
}

#[test]
fn s2orc_eprint_with_its_own_style_file() {
    // ACL's acl2020.sty redefines the abstract environment and \section;
    // the abstract ends without a blank line before \end{abstract}.
    let x = extract(&files("1911.02782.gz")).expect("document");
    let doc = &x.document;
    assert_eq!(x.main, "main.tex");
    assert!(
        doc.abstract_text
            .as_deref()
            .is_some_and(|a| a.starts_with("We introduce S2ORC, a large corpus of 81.1M")),
        "{:?}",
        doc.abstract_text
    );
    let h = headings(doc);
    assert_eq!(h[0], "1 Introduction");
    assert!(
        h.contains(&"2.2 Processing LaTeX source".to_string()),
        "{h:?}"
    );
    assert!(h.contains(&"8 Conclusion".to_string()));
    assert!(h.iter().any(|t| t.starts_with("G MAG")), "{h:?}");
    assert_eq!(doc.captions.len(), 13);
    assert_eq!(doc.references.len(), 55);
    let text: String = doc.sections.iter().map(|s| s.text()).collect();
    assert!(!text.contains("\\gorc") && text.contains("S2ORC"));
}
