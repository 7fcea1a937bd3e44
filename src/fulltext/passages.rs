//! Passages: the pieces of a paper's body that are embedded and shown as
//! "matched in §4 Method: …". About 200 words each, cut at section and
//! paragraph boundaries (a long paragraph at sentence ends), never across
//! sections. Deterministic, so a passage's number and text can always be
//! derived again from the stored document.

use super::document::{Document, SectionKind};

/// Words a passage aims at.
pub const TARGET_WORDS: usize = 200;
/// A passage closes once it has at least this many words at a paragraph end.
const MIN_WORDS: usize = 120;
/// A paragraph longer than this is cut at sentence ends.
const MAX_WORDS: usize = 300;

/// One passage.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Passage {
    /// Its number within the paper, from 0.
    pub seq: usize,
    /// The section's index in the document.
    pub section: usize,
    /// "4 Method" (the section's number and heading).
    pub heading: String,
    /// The text.
    pub text: String,
}

/// The passages of a document's body and appendices (not its back matter
/// or bibliography), in order.
pub fn passages(doc: &Document) -> Vec<Passage> {
    let mut out: Vec<Passage> = Vec::new();
    for (index, section) in doc.sections.iter().enumerate() {
        if section.kind == SectionKind::Back {
            continue;
        }
        let heading = section.title();
        let mut current: Vec<&str> = Vec::new();
        let mut words = 0;
        let mut flush = |current: &mut Vec<&str>, words: &mut usize| {
            if !current.is_empty() {
                out.push(Passage {
                    seq: 0,
                    section: index,
                    heading: heading.clone(),
                    text: current.join(" "),
                });
                current.clear();
                *words = 0;
            }
        };
        for paragraph in &section.paragraphs {
            for piece in pieces(paragraph) {
                let n = piece.split_whitespace().count();
                if words > 0 && words + n > TARGET_WORDS + TARGET_WORDS / 4 {
                    flush(&mut current, &mut words);
                }
                current.push(piece);
                words += n;
            }
            if words >= MIN_WORDS {
                flush(&mut current, &mut words);
            }
        }
        flush(&mut current, &mut words);
    }
    for (seq, p) in out.iter_mut().enumerate() {
        p.seq = seq;
    }
    out
}

/// A paragraph as it is, or, when long, in runs of whole sentences of
/// about [`TARGET_WORDS`] words.
fn pieces(paragraph: &str) -> Vec<&str> {
    if paragraph.split_whitespace().count() <= MAX_WORDS {
        return vec![paragraph];
    }
    let mut out = Vec::new();
    let mut start = 0;
    let mut words = 0;
    let mut in_word = false;
    let bytes = paragraph.as_bytes();
    for (i, c) in paragraph.char_indices() {
        if c.is_whitespace() {
            if in_word {
                words += 1;
            }
            in_word = false;
            let sentence_end = i > 0 && matches!(bytes[i - 1], b'.' | b'?' | b'!');
            if (sentence_end && words >= TARGET_WORDS) || words >= MAX_WORDS {
                out.push(paragraph[start..i].trim());
                start = i;
                words = 0;
            }
        } else {
            in_word = true;
        }
    }
    let rest = paragraph[start..].trim();
    if !rest.is_empty() {
        out.push(rest);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fulltext::document::Section;

    fn words(n: usize, tag: &str) -> String {
        (0..n)
            .map(|i| {
                if i % 20 == 19 {
                    format!("{tag}{i}.")
                } else {
                    format!("{tag}{i}")
                }
            })
            .collect::<Vec<_>>()
            .join(" ")
    }

    #[test]
    fn passages_follow_sections_and_paragraphs() {
        let doc = Document {
            sections: vec![
                Section {
                    number: Some("1".into()),
                    heading: "Intro".into(),
                    level: 1,
                    paragraphs: vec![words(50, "a"), words(90, "b"), words(150, "c")],
                    ..Section::default()
                },
                Section {
                    number: None,
                    heading: "Acknowledgments".into(),
                    level: 1,
                    kind: SectionKind::Back,
                    paragraphs: vec![words(30, "t")],
                },
                Section {
                    number: Some("2".into()),
                    heading: "Method".into(),
                    level: 1,
                    paragraphs: vec![words(700, "m")],
                    ..Section::default()
                },
            ],
            ..Document::default()
        };
        let p = passages(&doc);
        let counts: Vec<(usize, usize)> = p
            .iter()
            .map(|p| (p.section, p.text.split_whitespace().count()))
            .collect();
        // 50 + 90 close at a paragraph end; 150 alone; the long paragraph
        // is cut at sentence ends near 200 words; back matter is left out.
        assert_eq!(
            counts,
            [(0, 140), (0, 150), (2, 200), (2, 200), (2, 200), (2, 100)]
        );
        assert_eq!(p[2].heading, "2 Method");
        assert!(p[2].text.ends_with("m199."));
        assert_eq!(
            p.iter().map(|p| p.seq).collect::<Vec<_>>(),
            [0, 1, 2, 3, 4, 5]
        );
        // Same document, same passages.
        assert_eq!(passages(&doc), p);
    }

    #[test]
    fn a_paragraph_without_sentence_ends_is_still_cut() {
        let text = vec!["word"; 1000].join(" ");
        let cut = pieces(&text);
        assert!(
            cut.iter()
                .all(|p| p.split_whitespace().count() <= MAX_WORDS)
        );
        assert_eq!(
            cut.iter()
                .map(|p| p.split_whitespace().count())
                .sum::<usize>(),
            1000
        );
    }
}
