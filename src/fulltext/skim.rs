//! Pass 1 in the seed's order: title → abstract → conclusion → figures.
//! Pure functions over a [`Document`]; the reading commands and the app
//! show what they return.

use super::document::{Caption, Document, Section, SectionKind};

/// The conclusion a skim shows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Conclusion {
    /// Index of the section.
    pub section: usize,
    /// "6 Conclusion".
    pub heading: String,
    /// Its paragraphs and those of its subsections, blank-line separated.
    pub text: String,
}

/// How sure the choice is: a heading that says so, or the last body section.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Fit {
    /// "Discussion".
    Discussion,
    /// "Summary", "Summary and outlook".
    Summary,
    /// "Conclusion(s)", "Concluding remarks", "… and conclusions".
    Conclusion,
}

fn fit(heading: &str) -> Option<Fit> {
    let h = heading.to_lowercase();
    let words: Vec<&str> = h
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .collect();
    if words
        .iter()
        .any(|w| w.starts_with("conclu") || *w == "concluding")
    {
        return Some(Fit::Conclusion);
    }
    if words.contains(&"summary") {
        return Some(Fit::Summary);
    }
    if words
        .iter()
        .any(|w| *w == "discussion" || *w == "discussions")
    {
        return Some(Fit::Discussion);
    }
    None
}

/// The paper's conclusion: the body section headed Conclusion(s) /
/// Summary / Discussion / Concluding remarks (the best-fitting heading,
/// top level preferred, the last of equals), else the last top-level body
/// section, which sits before the references and appendices. `None` for a
/// document without body sections.
pub fn conclusion(doc: &Document) -> Option<Conclusion> {
    let body: Vec<(usize, &Section)> = doc
        .sections
        .iter()
        .enumerate()
        .filter(|(_, s)| s.kind == SectionKind::Body)
        .collect();
    let top = body.iter().map(|(_, s)| s.level).min()?;
    let best = body
        .iter()
        .filter_map(|(i, s)| fit(&s.heading).map(|f| (f, s.level == top, *i)))
        .max();
    let index = match best {
        Some((_, _, i)) => i,
        None => body.iter().rev().find(|(_, s)| s.level == top)?.0,
    };
    let text = doc
        .subtree(index)
        .flat_map(|(_, s)| s.paragraphs.iter().map(String::as_str))
        .collect::<Vec<_>>()
        .join("\n\n");
    Some(Conclusion {
        section: index,
        heading: doc.sections[index].title(),
        text,
    })
}

/// Pass 1 of one paper.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Skim {
    /// Title.
    pub title: String,
    /// Abstract.
    pub abstract_text: String,
    /// The conclusion, when the paper has text.
    pub conclusion: Option<Conclusion>,
    /// Figure and table captions in order.
    pub captions: Vec<Caption>,
    /// The outline: (heading with number, level).
    pub outline: Vec<(String, u8)>,
}

/// The skim of a paper: its metadata's title and abstract (the library's
/// are cleaner than a PDF's), else the document's, then the document's
/// conclusion and captions.
pub fn skim(title: &str, abstract_text: &str, doc: Option<&Document>) -> Skim {
    let pick = |own: &str, theirs: Option<&String>| {
        if own.trim().is_empty() {
            theirs.cloned().unwrap_or_default()
        } else {
            own.to_string()
        }
    };
    Skim {
        title: pick(title, doc.and_then(|d| d.title.as_ref())),
        abstract_text: pick(abstract_text, doc.and_then(|d| d.abstract_text.as_ref())),
        conclusion: doc.and_then(conclusion),
        captions: doc.map(|d| d.captions.clone()).unwrap_or_default(),
        outline: doc
            .map(|d| d.sections.iter().map(|s| (s.title(), s.level)).collect())
            .unwrap_or_default(),
    }
}

/// Pass 2's reading: the sections that hold the method (headings such as
/// Method, Approach, Model, Architecture, Algorithm, Theory, Formulation or
/// Derivation, with their subsections) and the equations numbered in them;
/// when no heading says so, the body sections between the introduction and
/// the experiments.
pub fn method_sections(doc: &Document) -> Vec<usize> {
    const METHOD: &[&str] = &[
        "method",
        "approach",
        "model",
        "architecture",
        "algorithm",
        "theory",
        "formulation",
        "derivation",
        "framework",
        "preliminar",
        "background",
        "analysis",
        "proposed",
        "design",
        "setup",
        "problem",
    ];
    const NOT_METHOD: &[&str] = &[
        "introduc",
        "related",
        "experiment",
        "result",
        "evaluat",
        "conclu",
        "discussion",
        "limitation",
        "summary",
    ];
    let body: Vec<usize> = (0..doc.sections.len())
        .filter(|&i| doc.sections[i].kind == SectionKind::Body)
        .collect();
    let Some(top) = body.iter().map(|&i| doc.sections[i].level).min() else {
        return Vec::new();
    };
    let words = |i: usize| doc.sections[i].heading.to_lowercase();
    let named: Vec<usize> = body
        .iter()
        .copied()
        .filter(|&i| doc.sections[i].level == top)
        .filter(|&i| METHOD.iter().any(|m| words(i).contains(m)))
        .filter(|&i| !NOT_METHOD.iter().any(|m| words(i).contains(m)))
        .collect();
    let chosen: Vec<usize> = if named.is_empty() {
        body.iter()
            .copied()
            .filter(|&i| doc.sections[i].level == top)
            .filter(|&i| !NOT_METHOD.iter().any(|m| words(i).contains(m)))
            .collect()
    } else {
        named
    };
    let mut out = Vec::new();
    for i in chosen {
        out.extend(doc.subtree(i).map(|(j, _)| j));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fulltext::document::{CaptionKind, Section};

    fn section(number: &str, heading: &str, level: u8, kind: SectionKind, text: &str) -> Section {
        Section {
            number: (!number.is_empty()).then(|| number.to_string()),
            heading: heading.into(),
            level,
            kind,
            paragraphs: vec![text.to_string()],
        }
    }

    fn doc(sections: Vec<Section>) -> Document {
        Document {
            sections,
            ..Document::default()
        }
    }

    #[test]
    fn the_conclusion_is_the_section_that_says_so() {
        use SectionKind::*;
        let d = doc(vec![
            section("1", "Introduction", 1, Body, "intro"),
            section("5", "Discussion", 1, Body, "we discuss"),
            section("6", "Conclusions and Future Work", 1, Body, "we conclude"),
            section("6.1", "Limitations", 2, Body, "but"),
            section("7", "Ethics", 1, Body, "ethics"),
            section("A", "Conclusion of the proof", 1, Appendix, "qed"),
        ]);
        let c = conclusion(&d).expect("conclusion");
        assert_eq!(c.heading, "6 Conclusions and Future Work");
        assert_eq!(c.text, "we conclude\n\nbut", "subsections come along");
        // Summary beats Discussion; a top-level heading beats a subsection.
        let d = doc(vec![
            section("2", "Method", 1, Body, "m"),
            section("2.4", "Summary", 2, Body, "sub summary"),
            section("3", "Discussion", 1, Body, "d"),
            section("4", "Summary and Outlook", 1, Body, "s"),
        ]);
        assert_eq!(conclusion(&d).expect("c").heading, "4 Summary and Outlook");
    }

    #[test]
    fn without_such_a_heading_the_last_body_section_is_taken() {
        use SectionKind::*;
        let d = doc(vec![
            section("I", "Introduction", 1, Body, "i"),
            section("II", "The model", 1, Body, "m"),
            section("II.A", "Parameters", 2, Body, "p"),
            section("", "Acknowledgments", 1, Back, "thanks"),
            section("A", "Derivations", 1, Appendix, "x"),
        ]);
        let c = conclusion(&d).expect("fallback");
        assert_eq!(c.heading, "II The model");
        assert_eq!(c.text, "m\n\np");
        assert_eq!(conclusion(&Document::default()), None);
    }

    #[test]
    fn skim_prefers_the_library_metadata_and_lists_captions() {
        let mut d = doc(vec![section(
            "1",
            "Conclusion",
            1,
            SectionKind::Body,
            "done",
        )]);
        d.title = Some("PDF title".into());
        d.abstract_text = Some("PDF abstract".into());
        d.captions.push(Caption {
            kind: CaptionKind::Table,
            number: Some("1".into()),
            text: "Results.".into(),
            section: Some(0),
        });
        let s = skim("Library title", "", Some(&d));
        assert_eq!(s.title, "Library title");
        assert_eq!(s.abstract_text, "PDF abstract");
        assert_eq!(s.captions[0].name(), "Table 1");
        assert_eq!(s.outline, [("1 Conclusion".to_string(), 1)]);
        let bare = skim("T", "A", None);
        assert!(bare.conclusion.is_none() && bare.captions.is_empty());
    }

    #[test]
    fn method_sections_come_with_their_subsections() {
        use SectionKind::*;
        let d = doc(vec![
            section("1", "Introduction", 1, Body, ""),
            section("2", "Related Work", 1, Body, ""),
            section("3", "Model Architecture", 1, Body, ""),
            section("3.1", "Attention", 2, Body, ""),
            section("4", "Experiments", 1, Body, ""),
        ]);
        assert_eq!(method_sections(&d), [2, 3]);
        // No heading names the method: what lies between intro and experiments.
        let d = doc(vec![
            section("1", "Introduction", 1, Body, ""),
            section("2", "Scaling laws", 1, Body, ""),
            section("3", "Experiments", 1, Body, ""),
        ]);
        assert_eq!(method_sections(&d), [1]);
    }
}
