//! The front matter, the abstract and the section structure: numbering
//! as LaTeX numbers (letters after `\appendix`), and the back matter.

use super::*;

impl Walker {
    /// A paragraph before the first section: part of an abstract (the
    /// paragraphs after an "Abstract" heading, or one that starts
    /// "Abstract:"), or not (false).
    pub(super) fn front_matter(&mut self, text: &str) -> bool {
        if self.doc.abstract_text.is_some() {
            return false;
        }
        match self.abstract_form {
            AbstractForm::None => {
                if let Some(rest) = strip_abstract_lead(text) {
                    self.front.clear();
                    self.abstract_paragraphs.push(rest.to_string());
                    self.abstract_form = AbstractForm::Collecting;
                    return true;
                }
                false
            }
            AbstractForm::Pending | AbstractForm::Collecting => {
                let lower = text.to_lowercase();
                if [
                    "keywords",
                    "key words",
                    "index terms",
                    "pacs",
                    "ccs concepts",
                ]
                .iter()
                .any(|k| lower.starts_with(k))
                {
                    self.abstract_form = AbstractForm::None;
                    return true;
                }
                self.abstract_paragraphs.push(text.to_string());
                self.abstract_form = AbstractForm::Collecting;
                true
            }
        }
    }

    /// A group `{…}` in the front matter that says only "Abstract" (in
    /// bold, centred, …) is the abstract's heading: the title-page material
    /// before it is dropped and what follows is collected.
    pub(super) fn group_start(&mut self) {
        if self.inline()
            || !self.in_document
            || self.doc.abstract_text.is_some()
            || self.abstract_form != AbstractForm::None
            || !self.doc.sections.is_empty()
            || self.section.is_some()
        {
            return;
        }
        let group = self.engine.group_rest();
        if is_abstract_heading(&group) {
            self.para.clear();
            self.front.clear();
            self.abstract_form = AbstractForm::Pending;
            return;
        }
        self.engine.push(group);
    }

    /// An abstract collected from paragraphs ends (at a section, say).
    pub(super) fn end_collected_abstract(&mut self) {
        if self.abstract_form == AbstractForm::None {
            return;
        }
        self.abstract_form = AbstractForm::None;
        if self.doc.abstract_text.is_none() && !self.abstract_paragraphs.is_empty() {
            self.doc.abstract_text = Some(self.abstract_paragraphs.join("\n\n"));
            self.abstract_paragraphs.clear();
        }
    }

    /// The paragraphs read before the first section, as an untitled section.
    pub(super) fn close_front(&mut self) {
        if self.front.is_empty() {
            return;
        }
        let paragraphs = std::mem::take(&mut self.front);
        self.doc.sections.push(Section {
            level: 1,
            paragraphs,
            ..Section::default()
        });
    }

    pub(super) fn close_section(&mut self) {
        self.close_front();
        if let Some(s) = self.section.take() {
            if !(s.heading.is_empty() && s.paragraphs.is_empty()) {
                self.doc.sections.push(s);
            }
        }
    }

    pub(super) fn section_index(&self) -> Option<usize> {
        match &self.section {
            Some(_) => Some(self.doc.sections.len()),
            None => self.doc.sections.len().checked_sub(1),
        }
    }

    pub(super) fn heading_number(&mut self, depth: usize) -> String {
        self.counters[depth] += 1;
        for c in self.counters.iter_mut().skip(depth + 1) {
            *c = 0;
        }
        let top = if self.appendix && depth == self.top_depth() {
            self.appendix_counter += 1;
            self.counters[depth] = self.appendix_counter;
            letter(self.appendix_counter)
        } else if self.appendix {
            letter(self.appendix_counter)
        } else {
            self.counters[self.top_depth()].to_string()
        };
        let mut parts = vec![top];
        for d in self.top_depth() + 1..=depth {
            parts.push(self.counters[d].to_string());
        }
        if depth < self.top_depth() {
            return self.counters[depth].to_string();
        }
        parts.join(".")
    }

    /// The counter depth that appendices letter: chapters when the paper
    /// has them, else sections.
    pub(super) fn top_depth(&self) -> usize {
        if self.has_chapters { 0 } else { 1 }
    }

    pub(super) fn start_section(&mut self, command: &str) {
        let star = self.engine.star();
        self.engine.optional_raw();
        let title = self.engine.arg_raw();
        if !self.in_document {
            return;
        }
        let heading = self.render(title);
        self.flush();
        self.lead = None;
        self.end_collected_abstract();
        if matches!(command, "paragraph" | "subparagraph") {
            if !heading.is_empty() {
                self.lead = Some(if heading.ends_with(['.', ':', '?', '!']) {
                    heading
                } else {
                    format!("{heading}.")
                });
            }
            return;
        }
        let depth = match command {
            "part" | "chapter" => 0,
            "section" => 1,
            "subsection" => 2,
            _ => 3,
        };
        let level = if self.has_chapters {
            depth as u8 + 1
        } else {
            (depth as u8).max(1)
        };
        let role = heading_role(&heading);
        if role == HeadingRole::Abstract
            && self.doc.sections.is_empty()
            && self.section.is_none()
            && self.doc.abstract_text.is_none()
        {
            self.front.clear();
            self.abstract_form = AbstractForm::Pending;
            return;
        }
        if role == HeadingRole::Appendix && !self.appendix {
            self.appendix = true;
        }
        let number = (!star && command != "part").then(|| self.heading_number(depth));
        if depth == 1 && self.equation_within_section {
            self.equations = 0;
        }
        let kind = if self.appendix {
            SectionKind::Appendix
        } else if matches!(role, HeadingRole::Back | HeadingRole::References) {
            SectionKind::Back
        } else {
            SectionKind::Body
        };
        self.close_section();
        if let Some(n) = &number {
            self.last_numbered = Some((LabelKind::Section, n.clone()));
        }
        self.section = Some(Section {
            number,
            heading,
            level,
            kind,
            paragraphs: Vec::new(),
        });
    }

    pub(super) fn back_section(&mut self, heading: &str) {
        self.flush();
        self.close_section();
        self.section = Some(Section {
            number: None,
            heading: heading.into(),
            level: if self.has_chapters { 2 } else { 1 },
            kind: SectionKind::Back,
            paragraphs: Vec::new(),
        });
    }

    // ----- commands -----
}

/// "A", "B", … "Z", "AA".
pub(super) fn letter(n: u32) -> String {
    let mut n = n.max(1);
    let mut out = Vec::new();
    while n > 0 {
        n -= 1;
        out.push(char::from(b'A' + (n % 26) as u8));
        n /= 26;
    }
    out.iter().rev().collect()
}

/// A group or argument whose text is only "Abstract" (fonts and
/// punctuation aside).
pub(super) fn is_abstract_heading(tokens: &[Token]) -> bool {
    let text: String = tokens
        .iter()
        .filter_map(|t| match t {
            Token::Char(c) if c.is_alphabetic() => Some(*c),
            _ => None,
        })
        .collect();
    text.eq_ignore_ascii_case("abstract")
}

/// "Abstract: text", "Abstract. text", "ABSTRACT — text": the text.
fn strip_abstract_lead(text: &str) -> Option<&str> {
    let head = text.get(..8)?;
    if !head.eq_ignore_ascii_case("abstract") {
        return None;
    }
    let rest = &text[8..];
    let stripped = rest.trim_start_matches([':', '.', '—', '–', '-', ' ']);
    (stripped.len() < rest.len() && !stripped.is_empty()).then_some(stripped)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn letters_and_leads() {
        assert_eq!(letter(1), "A");
        assert_eq!(letter(26), "Z");
        assert_eq!(letter(27), "AA");
        assert_eq!(strip_abstract_lead("Abstract: We show"), Some("We show"));
        assert_eq!(strip_abstract_lead("ABSTRACT — We"), Some("We"));
        assert_eq!(strip_abstract_lead("Abstractions are"), None);
    }
}
