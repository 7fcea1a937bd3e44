//! A PDF's positioned text ([`Layout`]) into a [`Document`]. PDFs carry
//! no structure, so it is read back from what the page shows: headings are
//! numbered lines in sequence (1, 1.1, 2…; I, II with A, B; appendix
//! letters), set apart from the text (their own block, a larger font,
//! capitals) or known words (Abstract, References, Acknowledgements);
//! captions start "Figure N:" or "Table N."; running heads, page numbers,
//! the arXiv stamp, footnotes and the text inside figures are dropped;
//! paragraphs broken by a column or page are joined, and words split at a
//! line end are repaired with the paper's own vocabulary.

mod headings;
mod order;
mod paragraphs;

use super::layout::{Block, Layout};
use crate::fulltext::document::{
    Caption, Document, HeadingRole, Section, SectionKind, heading_role,
};
use crate::fulltext::text::{fold, parse_caption_lead};
use headings::*;
use order::*;
use paragraphs::*;
use std::collections::{HashMap, HashSet};

/// A block as the structurer sees it.
#[derive(Debug, Clone)]
struct Unit {
    lines: Vec<String>,
    page: usize,
    /// Median line height (0 without geometry).
    height: f32,
    top: f32,
    left: f32,
    right: f32,
    page_height: f32,
    page_width: f32,
    /// The block's horizontal extent (all lines).
    x0: f32,
    x1: f32,
}

impl Unit {
    fn text(&self) -> String {
        self.lines.join(" ")
    }

    fn words(&self) -> usize {
        self.lines
            .iter()
            .map(|l| l.split_whitespace().count())
            .sum()
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum State {
    Front,
    Abstract,
    Skip,
    Body,
    References,
}

/// Builds the document. A paper in which no heading can be found is read
/// as one untitled section, so its text is still there.
pub fn structure(layout: &Layout) -> Document {
    let geometry = layout.geometry;
    let mut units: Vec<Unit> = layout.blocks.iter().map(|b| unit(b, layout)).collect();
    if geometry {
        units = reading_order(units);
    }
    join_numbers(&mut units, geometry);
    drop_furniture(&mut units, layout.pages.len(), geometry);
    let doc = build(&units, geometry, false);
    if doc.sections.is_empty() {
        let mut whole = build(&units, geometry, true);
        if whole.abstract_text.is_none() {
            whole.abstract_text = doc.abstract_text;
        }
        return whole;
    }
    doc
}

fn build(units: &[Unit], geometry: bool, all_body: bool) -> Document {
    let body = body_height(units);
    let vocab = vocabulary(units);
    let mut doc = Document {
        title: title(units, geometry),
        ..Document::default()
    };
    let mut seq = Sequence::default();
    let mut state = if all_body { State::Body } else { State::Front };
    let mut abstract_parts: Vec<String> = Vec::new();
    let mut section: Option<Section> = all_body.then(|| Section {
        level: 1,
        ..Section::default()
    });
    let mut appendix = false;
    // The last paragraph may continue in the next block (column or page break).
    let mut open_paragraph = false;
    let mut captions_seen: HashSet<(String, String)> = HashSet::new();
    // The references are numbered [1], [2], … (then other text there is not one).
    let mut numbered_refs = false;
    // The type size of the abstract's first block.
    let mut abstract_height: Option<f32> = None;
    for u in units {
        let text = u.text();
        // Footnotes, figure labels, the venue line: set smaller than the text.
        let small = geometry && body > 0.0 && u.height < body * 0.92;
        // Headings.
        if let Some(c) = (u.lines.len() <= 3).then(|| candidate(&text)).flatten() {
            let set_apart =
                !geometry || u.height >= body * 1.04 || is_caps(&c.title) || u.lines.len() == 1;
            let big_enough = !geometry || u.height >= body * 0.85;
            let level = match &c.number {
                Some(n) if set_apart && big_enough => {
                    let mut trial = Sequence {
                        style: seq.style,
                        path: seq.path.clone(),
                        letter: seq.letter,
                        appendix: seq.appendix || appendix,
                        appendix_path: seq.appendix_path.clone(),
                    };
                    let l = trial.accept(n);
                    if l.is_some() {
                        seq = trial;
                    }
                    l
                }
                None if big_enough && (set_apart || u.lines.len() == 1) => Some(1),
                _ => None,
            };
            if let Some(level) = level {
                let role = heading_role(&c.title);
                open_paragraph = false;
                if skipped_heading(&c.title) {
                    state = State::Skip;
                    continue;
                }
                match role {
                    HeadingRole::Abstract => {
                        state = State::Abstract;
                        continue;
                    }
                    HeadingRole::References => {
                        if let Some(s) = section.take() {
                            doc.sections.push(s);
                        }
                        state = State::References;
                        appendix = true;
                        continue;
                    }
                    HeadingRole::Appendix => appendix = true,
                    _ => {}
                }
                if let Some(s) = section.take() {
                    doc.sections.push(s);
                }
                let lettered =
                    c.number.as_deref().is_some_and(|n| {
                        n.chars().next().is_some_and(|ch| ch.is_ascii_uppercase())
                    }) && seq.appendix;
                let kind = if role == HeadingRole::Back {
                    SectionKind::Back
                } else if appendix || lettered {
                    SectionKind::Appendix
                } else {
                    SectionKind::Body
                };
                section = Some(Section {
                    number: c.number.clone(),
                    heading: c.title.clone(),
                    level,
                    kind,
                    paragraphs: Vec::new(),
                });
                state = State::Body;
                continue;
            }
        }
        // Captions.
        if let Some(lead) = u.lines.first().and_then(|l| parse_caption_lead(l)) {
            if lead.separated {
                let first = &u.lines[0][lead.text_at..];
                let mut lines = vec![first.to_string()];
                lines.extend(u.lines[1..].iter().cloned());
                let caption = paragraph(&lines, &vocab);
                let key = (lead.kind.as_str().to_string(), lead.number.clone());
                if !caption.is_empty() && captions_seen.insert(key) {
                    doc.captions.push(Caption {
                        kind: lead.kind,
                        number: Some(lead.number),
                        text: caption,
                        section: match &section {
                            Some(_) => Some(doc.sections.len()),
                            None => doc.sections.len().checked_sub(1),
                        },
                    });
                }
                // A paragraph broken by a float goes on after it.
                continue;
            }
        }
        if state == State::Front {
            if let Some(rest) = inline_abstract(&text) {
                abstract_parts.push(paragraph(&[rest.to_string()], &vocab));
                state = State::Abstract;
                continue;
            }
        }
        if state != State::References && looks_like_references(u) && state == State::Body {
            if let Some(s) = section.take() {
                doc.sections.push(s);
            }
            state = State::References;
            appendix = true;
        }
        match state {
            State::Skip | State::Front => continue,
            State::References => {
                let numbered = looks_like_references(u);
                let marked = numbered || starts_with_marker(&text);
                let prose = prose_words(&text);
                let starts_lower = text.chars().next().is_some_and(|c| c.is_lowercase());
                // The body's last paragraph may go on in the next column,
                // which poppler reads after the references beside it.
                if !numbered && starts_lower && open_paragraph && prose * 3 >= u.words() * 2 {
                    if let Some(last) = doc
                        .sections
                        .last_mut()
                        .and_then(|s| s.paragraphs.last_mut())
                    {
                        let mut joined = last.clone();
                        join_lines(&mut joined, &paragraph(&u.lines, &vocab), &vocab);
                        *last = joined;
                        open_paragraph = !last.ends_with(['.', '!', '?', ':']);
                        continue;
                    }
                }
                // Text in figures after the references is not an entry.
                if !marked && numbered_refs {
                    // Between numbered entries, unmarked text only continues
                    // the last one (broken by a column); else it is not one.
                    let last_open = doc.references.last().is_some_and(|r| !r.ends_with('.'));
                    if (last_open || starts_lower) && prose >= 1 {
                        if let Some(last) = doc.references.last_mut() {
                            let mut joined = last.clone();
                            join_lines(&mut joined, &paragraph(&u.lines, &vocab), &vocab);
                            *last = joined;
                        }
                    }
                    continue;
                }
                if !marked && (prose < 3 || prose * 2 < u.words()) {
                    continue;
                }
                numbered_refs |= marked;
                doc.references.extend(
                    reference_entries(u, &vocab)
                        .into_iter()
                        .filter(|e| e.split_whitespace().count() >= 4),
                );
                continue;
            }
            State::Abstract | State::Body => {}
        }
        // Abstracts are often set smaller than the text (ACL's 10 pt under
        // 11 pt): the first block after the heading sets the abstract's
        // size, and what follows in that size is the abstract too.
        let abstract_sized = state == State::Abstract
            && geometry
            && u.height >= body * 0.8
            && abstract_height.is_none_or(|h: f32| (h - u.height).abs() < 0.3);
        // Text that is not prose: footnotes and figure text (small), equations, table cells.
        if (small && !abstract_sized) || is_equation_line(u) {
            continue;
        }
        let words = u.words();
        let prose = prose_words(&text);
        if prose < 3 || prose * 2 < words {
            continue;
        }
        // Labels in figures and cells of tables: short lines, no sentence.
        let mut per_line: Vec<usize> = u
            .lines
            .iter()
            .map(|l| l.split_whitespace().count())
            .collect();
        per_line.sort_unstable();
        let median = per_line.get(per_line.len() / 2).copied().unwrap_or(0);
        let sentence_end = text.trim_end().ends_with(['.', '!', '?', ':', ';']);
        if !sentence_end && (median <= 4 || (u.lines.len() == 1 && words < 6)) {
            continue;
        }
        // A venue or copyright line at the foot of a page, in smaller type.
        if geometry && u.lines.len() == 1 && u.top > u.page_height * 0.9 && u.height < body * 0.97 {
            continue;
        }
        let para = paragraph(&u.lines, &vocab);
        if state == State::Abstract {
            if abstract_height.is_none() {
                abstract_height = Some(u.height);
            }
            abstract_parts.push(para);
            continue;
        }
        let Some(current) = section.as_mut() else {
            continue;
        };
        let continues = open_paragraph && para.chars().next().is_some_and(|c| c.is_lowercase());
        match current.paragraphs.last_mut() {
            Some(last) if continues => {
                let mut joined = last.clone();
                join_lines(&mut joined, &para, &vocab);
                *last = joined;
            }
            _ => current.paragraphs.push(para),
        }
        open_paragraph = current
            .paragraphs
            .last()
            .is_some_and(|p| !p.ends_with(['.', '!', '?', ':']));
    }
    if let Some(s) = section.take() {
        doc.sections.push(s);
    }
    doc.sections
        .retain(|s| !(s.paragraphs.is_empty() && s.heading.is_empty()));
    if !abstract_parts.is_empty() {
        doc.abstract_text = Some(abstract_parts.join("\n\n"));
    }
    doc
}

/// "Abstract—We…", "Abstract. We…", "ABSTRACT: We…": the text after the lead.
fn inline_abstract(text: &str) -> Option<&str> {
    let head = text.get(..8)?;
    if !head.eq_ignore_ascii_case("abstract") {
        return None;
    }
    let rest = &text[8..];
    let stripped = rest.trim_start_matches([':', '.', '—', '–', '-', ' ']);
    (stripped.len() + 1 < rest.len() || rest.starts_with(['—', '–', ':', '.']))
        .then_some(stripped)
        .filter(|s| s.split_whitespace().count() > 10)
}

/// The body text's line height: the median over every line, by words.
fn body_height(units: &[Unit]) -> f32 {
    let mut heights: Vec<(f32, usize)> = units
        .iter()
        .filter(|u| u.height > 0.0)
        .map(|u| (u.height, u.words()))
        .collect();
    heights.sort_by(|a, b| a.0.total_cmp(&b.0));
    let total: usize = heights.iter().map(|h| h.1).sum();
    let mut seen = 0;
    for (h, n) in heights {
        seen += n;
        if seen * 2 >= total {
            return h;
        }
    }
    0.0
}

/// The title: on the first page, the block set in the largest type in the
/// upper half (or, without geometry, the first block).
fn title(units: &[Unit], geometry: bool) -> Option<String> {
    let first_page: Vec<&Unit> = units.iter().filter(|u| u.page == 0).collect();
    let pick = if geometry {
        first_page
            .iter()
            .filter(|u| u.top < u.page_height * 0.5 && u.lines.len() <= 4 && u.words() >= 2)
            .max_by(|a, b| a.height.total_cmp(&b.height))
    } else {
        first_page
            .iter()
            .find(|u| u.words() >= 2 && u.words() <= 30)
    }?;
    let t = fold(&pick.text());
    (!t.is_empty()).then_some(t)
}

#[cfg(test)]
mod tests;
