//! arXiv's HTML (LaTeXML output, as `/html/IDvN` serves it) into a
//! [`Document`], read with a real HTML5 parser (html5ever through
//! scraper). LaTeXML marks everything with classes: `ltx_section` and its
//! kin for the outline, `ltx_para`/`ltx_p` for paragraphs, `figcaption`
//! with an `ltx_tag_figure`/`ltx_tag_table` lead for captions,
//! `ltx_equation`/`ltx_equationgroup` tables for display math (the LaTeX in
//! each `<math alttext>`), `ltx_bibitem` for the bibliography and
//! `ltx_ERROR` for what it could not convert, which is skipped.

use super::document::{
    Caption, CaptionKind, Document, Equation, HeadingRole, Section, SectionKind, heading_role,
};
use super::text::{fold, parse_caption_lead};
use ego_tree::NodeRef;
use scraper::{ElementRef, Html, Node};

/// Why a page gave no document.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum HtmlError {
    /// Not a LaTeXML page (arXiv's "no HTML for this paper" page, say).
    #[error("the page is not LaTeXML output (no ltx_document)")]
    NotLatexml,
    /// LaTeXML output without any text.
    #[error("the page has no sections or paragraphs")]
    Empty,
}

/// Nesting deeper than this is not followed (html5ever already caps what
/// it builds; this bounds the walk's recursion on hostile pages).
const MAX_DEPTH: usize = 200;

/// Extracts the document from a LaTeXML page.
pub fn extract(html: &str) -> Result<Document, HtmlError> {
    let page = Html::parse_document(html);
    let root = page.root_element();
    let article = find(*root, 0, &|e| {
        has_class(e, "ltx_document") || has_class(e, "ltx_page_content")
    })
    .ok_or(HtmlError::NotLatexml)?;
    let mut walker = Walker::default();
    walker.walk(article, 0);
    walker.close_section();
    let doc = walker.doc;
    if doc.sections.is_empty() {
        return Err(HtmlError::Empty);
    }
    Ok(doc)
}

/// "1. Introduction" → ("1", "Introduction"); "A.2 Proofs" → ("A.2",
/// "Proofs"). A bare capital is a number only with its dot ("A. Proofs"),
/// so a title such as "A Study of X" keeps its first word.
fn split_leading_number(heading: &str) -> Option<(String, String)> {
    let (first, rest) = heading.split_once(' ')?;
    let rest = rest.trim();
    let token = first.trim_end_matches(['.', ':']);
    let parts: Vec<&str> = token.split('.').collect();
    let digits = |p: &str| !p.is_empty() && p.len() <= 3 && p.bytes().all(|b| b.is_ascii_digit());
    let letter = |p: &str| p.len() == 1 && p.bytes().all(|b| b.is_ascii_uppercase());
    let numbered = match parts.as_slice() {
        [] => false,
        [only] if letter(only) => first.len() > token.len(),
        [head, tail @ ..] => (digits(head) || letter(head)) && tail.iter().all(|p| digits(p)),
    };
    let titled = rest.chars().next().is_some_and(char::is_alphabetic);
    (numbered && titled).then(|| (token.to_string(), rest.to_string()))
}

fn element(node: NodeRef<'_, Node>) -> Option<ElementRef<'_>> {
    ElementRef::wrap(node)
}

fn has_class(e: ElementRef<'_>, class: &str) -> bool {
    e.value().classes().any(|c| c == class)
}

fn class_starting(e: ElementRef<'_>, prefix: &str) -> bool {
    e.value().classes().any(|c| c.starts_with(prefix))
}

/// The first element (depth first) that `pred` accepts.
fn find<'a>(
    node: NodeRef<'a, Node>,
    depth: usize,
    pred: &dyn Fn(ElementRef<'a>) -> bool,
) -> Option<NodeRef<'a, Node>> {
    if depth > MAX_DEPTH {
        return None;
    }
    if let Some(e) = element(node) {
        if pred(e) {
            return Some(node);
        }
    }
    node.children().find_map(|c| find(c, depth + 1, pred))
}

/// Every element (depth first) that `pred` accepts, not looking inside those found.
fn find_all<'a>(
    node: NodeRef<'a, Node>,
    depth: usize,
    pred: &dyn Fn(ElementRef<'a>) -> bool,
    out: &mut Vec<NodeRef<'a, Node>>,
) {
    if depth > MAX_DEPTH {
        return;
    }
    if let Some(e) = element(node) {
        if pred(e) {
            out.push(node);
            return;
        }
    }
    for c in node.children() {
        find_all(c, depth + 1, pred, out);
    }
}

/// Elements whose content is never text of the paper.
fn skipped(e: ElementRef<'_>) -> bool {
    let name = e.value().name();
    matches!(
        name,
        "script" | "style" | "nav" | "header" | "footer" | "button" | "svg" | "img" | "noscript"
    ) || has_class(e, "ltx_ERROR")
        || has_class(e, "ltx_note")
        || has_class(e, "ltx_listing_data")
        || has_class(e, "ltx_page_navbar")
        || has_class(e, "ltx_page_footer")
        || has_class(e, "ltx_page_logo")
        || has_class(e, "ltx_authors")
        || has_class(e, "ltx_dates")
        || has_class(e, "ltx_pagination")
}

/// Running text: text nodes, `$alttext$` for math, nothing from skipped
/// elements; whitespace folded.
fn inline_text(node: NodeRef<'_, Node>) -> String {
    let mut out = String::new();
    push_inline(node, 0, &mut out);
    fold(&out)
}

fn push_inline(node: NodeRef<'_, Node>, depth: usize, out: &mut String) {
    if depth > MAX_DEPTH {
        return;
    }
    match node.value() {
        Node::Text(t) => out.push_str(t),
        Node::Element(_) => {
            let Some(e) = element(node) else { return };
            if skipped(e) {
                return;
            }
            match e.value().name() {
                "math" => {
                    let tex = e
                        .value()
                        .attr("alttext")
                        .map(clean_math)
                        .unwrap_or_default();
                    if !tex.is_empty() {
                        out.push('$');
                        out.push_str(&tex);
                        out.push('$');
                    }
                }
                "br" => out.push(' '),
                _ => {
                    for c in node.children() {
                        push_inline(c, depth + 1, out);
                    }
                }
            }
        }
        _ => {}
    }
}

/// LaTeXML's alttext: `%` line continuations removed, `\displaystyle` dropped.
fn clean_math(tex: &str) -> String {
    let joined: String = tex
        .split('\n')
        .map(|line| line.strip_suffix('%').unwrap_or(line))
        .collect::<Vec<_>>()
        .join("");
    fold(&joined.replace("\\displaystyle", ""))
}

/// The section level a LaTeXML sectioning class stands for.
fn section_level(e: ElementRef<'_>) -> Option<(u8, bool)> {
    for c in e.value().classes() {
        let level = match c {
            "ltx_chapter" | "ltx_section" => (1, false),
            "ltx_appendix" => (1, true),
            "ltx_subsection" => (2, false),
            "ltx_subsubsection" => (3, false),
            _ => continue,
        };
        return Some(level);
    }
    None
}

#[derive(Default)]
struct Walker {
    doc: Document,
    /// The section paragraphs go to.
    current: Option<Section>,
    /// Inside `\appendix`.
    appendix: bool,
    /// A run-in heading ("Theorem 1.", a `\paragraph`) for the next paragraph.
    lead: Option<String>,
}

impl Walker {
    fn close_section(&mut self) {
        if let Some(s) = self.current.take() {
            // An untitled lead-in without text is not a section.
            if !(s.heading.is_empty() && s.paragraphs.is_empty()) {
                self.doc.sections.push(s);
            }
        }
    }

    fn section_index(&self) -> Option<usize> {
        match &self.current {
            Some(_) => Some(self.doc.sections.len()),
            None => self.doc.sections.len().checked_sub(1),
        }
    }

    fn paragraph(&mut self, text: String) {
        if text.is_empty() {
            return;
        }
        let text = match self.lead.take() {
            Some(lead) => format!("{lead} {text}"),
            None => text,
        };
        let current = self.current.get_or_insert_with(|| Section {
            level: 1,
            ..Section::default()
        });
        current.paragraphs.push(text);
    }

    fn walk(&mut self, node: NodeRef<'_, Node>, depth: usize) {
        if depth > MAX_DEPTH {
            return;
        }
        let Some(e) = element(node) else {
            // Stray text directly in a section is a paragraph of its own.
            if let Node::Text(t) = node.value() {
                let text = fold(t);
                if text.chars().filter(|c| c.is_alphanumeric()).count() > 20 {
                    self.paragraph(text);
                }
            }
            return;
        };
        if skipped(e) {
            return;
        }
        let name = e.value().name();
        if let Some((level, appendix)) = section_level(e) {
            return self.section(node, level, appendix, depth);
        }
        if has_class(e, "ltx_title_document") {
            self.doc.title = Some(inline_text(node)).filter(|t| !t.is_empty());
            return;
        }
        if has_class(e, "ltx_abstract") {
            return self.abstract_block(node);
        }
        if has_class(e, "ltx_bibliography") {
            return self.bibliography(node);
        }
        if has_class(e, "ltx_acknowledgements") {
            self.close_section();
            self.current = Some(Section {
                heading: "Acknowledgements".into(),
                level: 1,
                kind: SectionKind::Back,
                ..Section::default()
            });
            let text = inline_text(node);
            let text = text
                .strip_prefix("Acknowledgements")
                .or_else(|| text.strip_prefix("Acknowledgments"))
                .unwrap_or(&text)
                .trim()
                .to_string();
            self.paragraph(text);
            return self.close_section();
        }
        if name == "figure" || has_class(e, "ltx_float") {
            return self.figure(node);
        }
        if name == "table" && (has_class(e, "ltx_equation") || has_class(e, "ltx_equationgroup")) {
            return self.equation(node);
        }
        if name == "table" || has_class(e, "ltx_tabular") || has_class(e, "ltx_listing") {
            // Data tables and code outside a float are not prose.
            return;
        }
        if has_class(e, "ltx_paragraph") || has_class(e, "ltx_subparagraph") {
            // A run-in heading: it leads its first paragraph.
            for c in node.children() {
                if element(c).is_some_and(|t| has_class(t, "ltx_title")) {
                    let lead = inline_text(c);
                    if !lead.is_empty() {
                        self.lead = Some(if lead.ends_with(['.', ':', '?']) {
                            lead
                        } else {
                            format!("{lead}.")
                        });
                    }
                } else {
                    self.walk(c, depth + 1);
                }
            }
            self.lead = None;
            return;
        }
        if matches!(name, "h1" | "h2" | "h3" | "h4" | "h5" | "h6") {
            // Titles of theorems, proofs and the like run into their text.
            let lead = inline_text(node);
            if !lead.is_empty() {
                self.lead = Some(lead);
            }
            return;
        }
        if name == "li" {
            return self.item(node);
        }
        if name == "p" || has_class(e, "ltx_p") {
            let text = inline_text(node);
            return self.paragraph(text);
        }
        if name == "math" {
            return;
        }
        for c in node.children() {
            self.walk(c, depth + 1);
        }
    }

    fn section(&mut self, node: NodeRef<'_, Node>, level: u8, appendix: bool, depth: usize) {
        self.close_section();
        self.appendix |= appendix;
        let mut number = None;
        let mut heading = String::new();
        if let Some(title) = node
            .children()
            .find(|c| element(*c).is_some_and(|e| has_class(e, "ltx_title")))
        {
            let mut tag = String::new();
            let mut rest = String::new();
            for c in title.children() {
                if element(c).is_some_and(|e| has_class(e, "ltx_tag")) {
                    tag.push_str(&inline_text(c));
                } else {
                    push_inline(c, 0, &mut rest);
                }
            }
            let tag = fold(&tag);
            let tag = tag
                .strip_prefix("Appendix")
                .unwrap_or(&tag)
                .trim()
                .trim_end_matches(['.', ':'])
                .trim();
            number = (!tag.is_empty()).then(|| tag.to_string());
            heading = fold(&rest);
            // Some converters leave the number in the title text ("1.
            // Introduction") instead of an ltx_tag of its own.
            if number.is_none() {
                if let Some((n, title)) = split_leading_number(&heading) {
                    number = Some(n);
                    heading = title;
                }
            }
        }
        let kind = if self.appendix {
            SectionKind::Appendix
        } else if heading_role(&heading) == HeadingRole::Back {
            SectionKind::Back
        } else {
            SectionKind::Body
        };
        self.current = Some(Section {
            number,
            heading,
            level,
            kind,
            paragraphs: Vec::new(),
        });
        for c in node.children() {
            if element(c).is_some_and(|e| has_class(e, "ltx_title")) {
                continue;
            }
            self.walk(c, depth + 1);
        }
        self.close_section();
    }

    fn abstract_block(&mut self, node: NodeRef<'_, Node>) {
        let mut paragraphs = Vec::new();
        find_all(
            node,
            0,
            &|e| e.value().name() == "p" || has_class(e, "ltx_p"),
            &mut paragraphs,
        );
        let mut text: Vec<String> = paragraphs
            .into_iter()
            .map(inline_text)
            .filter(|t| !t.is_empty())
            .collect();
        if text.is_empty() {
            // Text straight in the block, after its title.
            let mut out = String::new();
            for c in node.children() {
                if element(c).is_some_and(|e| has_class(e, "ltx_title") || e.value().name() == "h6")
                {
                    continue;
                }
                push_inline(c, 0, &mut out);
            }
            let out = fold(&out);
            let out = out
                .strip_prefix("Abstract")
                .map_or(out.as_str(), |rest| {
                    rest.trim_start_matches([':', '.', ' '])
                })
                .to_string();
            if !out.is_empty() {
                text.push(out);
            }
        }
        if !text.is_empty() {
            self.doc.abstract_text = Some(text.join("\n\n"));
        }
    }

    fn bibliography(&mut self, node: NodeRef<'_, Node>) {
        self.close_section();
        let mut items = Vec::new();
        find_all(node, 0, &|e| has_class(e, "ltx_bibitem"), &mut items);
        for item in items {
            let mut blocks = Vec::new();
            find_all(item, 0, &|e| has_class(e, "ltx_bibblock"), &mut blocks);
            let text = if blocks.is_empty() {
                inline_text(item)
            } else {
                fold(
                    &blocks
                        .into_iter()
                        .map(inline_text)
                        .collect::<Vec<_>>()
                        .join(" "),
                )
            };
            if !text.is_empty() {
                self.doc.references.push(text);
            }
        }
    }

    fn item(&mut self, node: NodeRef<'_, Node>) {
        let mut tag = String::new();
        let mut body = String::new();
        for c in node.children() {
            if element(c).is_some_and(|e| has_class(e, "ltx_tag")) && tag.is_empty() {
                tag = inline_text(c);
            } else {
                push_inline(c, 0, &mut body);
                body.push(' ');
            }
        }
        let body = fold(&body);
        if body.is_empty() {
            return;
        }
        let tag = if tag.is_empty() {
            "•".to_string()
        } else {
            tag
        };
        self.paragraph(format!("{tag} {body}"));
    }

    fn figure(&mut self, node: NodeRef<'_, Node>) {
        let kind_of_float = element(node).map_or(CaptionKind::Figure, |e| {
            if has_class(e, "ltx_table") {
                CaptionKind::Table
            } else {
                CaptionKind::Figure
            }
        });
        let is_other_float = element(node).is_some_and(|e| {
            class_starting(e, "ltx_float_")
                && !has_class(e, "ltx_table")
                && !has_class(e, "ltx_figure")
        });
        let mut captions = Vec::new();
        find_all(
            node,
            0,
            &|e| e.value().name() == "figcaption",
            &mut captions,
        );
        let section = self.section_index();
        for caption in captions {
            let mut tag = String::new();
            let mut body = String::new();
            for c in caption.children() {
                if element(c).is_some_and(|e| has_class(e, "ltx_tag")) && tag.is_empty() {
                    tag = inline_text(c);
                } else {
                    push_inline(c, 0, &mut body);
                }
            }
            let body = fold(&body);
            let (kind, number) = match parse_caption_lead(&tag) {
                Some(lead) => (lead.kind, Some(lead.number)),
                // "(a)": a panel's own caption, not one of the paper's figures.
                None if !tag.is_empty() => continue,
                None if is_other_float => continue,
                None => (kind_of_float, None),
            };
            if body.is_empty() {
                continue;
            }
            self.doc.captions.push(Caption {
                kind,
                number,
                text: body,
                section,
            });
        }
    }

    fn equation(&mut self, node: NodeRef<'_, Node>) {
        let mut rows = Vec::new();
        find_all(node, 0, &|e| e.value().name() == "tr", &mut rows);
        let mut lines = Vec::new();
        let mut numbers = Vec::new();
        for row in rows {
            let mut parts = Vec::new();
            for cell in row.children() {
                let Some(c) = element(cell) else { continue };
                if has_class(c, "ltx_eqn_eqno") {
                    let tag = inline_text(cell);
                    let n = tag
                        .trim()
                        .trim_start_matches('(')
                        .trim_end_matches(')')
                        .trim();
                    if !n.is_empty() {
                        numbers.push(n.to_string());
                    }
                    continue;
                }
                let mut maths = Vec::new();
                find_all(cell, 0, &|e| e.value().name() == "math", &mut maths);
                if maths.is_empty() {
                    let text = inline_text(cell);
                    if !text.is_empty() {
                        parts.push(format!("\\text{{{text}}}"));
                    }
                }
                for m in maths {
                    if let Some(tex) = element(m).and_then(|e| e.value().attr("alttext")) {
                        let tex = clean_math(tex);
                        if !tex.is_empty() {
                            parts.push(tex);
                        }
                    }
                }
            }
            if !parts.is_empty() {
                lines.push(parts.join(" "));
            }
        }
        if lines.is_empty() {
            return;
        }
        let number = match numbers.len() {
            0 => None,
            1 => numbers.pop(),
            _ => Some(format!("{}–{}", numbers[0], numbers[numbers.len() - 1])),
        };
        let label = element(node).and_then(|e| e.value().id().map(str::to_string));
        let section = self.section_index();
        self.doc.equations.push(Equation {
            latex: lines.join(" \\\\ "),
            number,
            label,
            section,
        });
    }
}

#[cfg(test)]
mod tests;
