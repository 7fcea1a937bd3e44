//! The structured document every extractor produces, whatever it read: the
//! sections in reading order, the figure and table captions, the display
//! equations as LaTeX and the bibliography. Plain data; the store keeps it
//! in SQLite and everything else (skim, passages, the index) is derived.

use serde::{Deserialize, Serialize};

/// Where a paper's text came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Source {
    /// arXiv's HTML rendering (LaTeXML), `/html/IDvN`.
    Html,
    /// The LaTeX e-print, `/e-print/IDvN`.
    Latex,
    /// The PDF, `/pdf/IDvN` (or a PDF-only e-print).
    Pdf,
}

impl Source {
    /// Every source, in the order `auto` tries them.
    pub const AUTO_ORDER: [Source; 3] = [Source::Html, Source::Latex, Source::Pdf];

    /// The name used in the database, the CLI and JSON.
    pub fn as_str(self) -> &'static str {
        match self {
            Source::Html => "html",
            Source::Latex => "latex",
            Source::Pdf => "pdf",
        }
    }

    /// Parses a stored or typed name.
    pub fn parse(text: &str) -> Option<Source> {
        match text.trim().to_ascii_lowercase().as_str() {
            "html" => Some(Source::Html),
            "latex" | "tex" | "e-print" | "eprint" => Some(Source::Latex),
            "pdf" => Some(Source::Pdf),
            _ => None,
        }
    }
}

impl std::fmt::Display for Source {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// What part of the paper a section belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum SectionKind {
    /// The paper proper.
    #[default]
    Body,
    /// After `\appendix` (or headed "Appendix").
    Appendix,
    /// Acknowledgements, funding, contributions: back matter that is not an appendix.
    Back,
}

impl SectionKind {
    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            SectionKind::Body => "body",
            SectionKind::Appendix => "appendix",
            SectionKind::Back => "back",
        }
    }

    /// Parses a stored name (unknown names read as body).
    pub fn parse(text: &str) -> SectionKind {
        match text {
            "appendix" => SectionKind::Appendix,
            "back" => SectionKind::Back,
            _ => SectionKind::Body,
        }
    }
}

/// One section, subsection or deeper heading with the paragraphs under it
/// (not those of its subsections, which follow as sections of their own).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct Section {
    /// The number as the paper prints it ("3.2", "A", "IV"), when numbered.
    pub number: Option<String>,
    /// The heading text without the number.
    pub heading: String,
    /// 1 for a section, 2 for a subsection, 3 below that.
    pub level: u8,
    /// Body, appendix or back matter.
    pub kind: SectionKind,
    /// Paragraphs as plain text (inline math kept as `$…$` LaTeX).
    pub paragraphs: Vec<String>,
}

impl Section {
    /// "3.2 Method" or "Method".
    pub fn title(&self) -> String {
        match &self.number {
            Some(n) if !n.is_empty() => format!("{n} {}", self.heading),
            _ => self.heading.clone(),
        }
    }

    /// The paragraphs joined by blank lines.
    pub fn text(&self) -> String {
        self.paragraphs.join("\n\n")
    }

    /// Number of words in the paragraphs.
    pub fn words(&self) -> usize {
        self.paragraphs
            .iter()
            .map(|p| p.split_whitespace().count())
            .sum()
    }
}

/// Figure or table.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum CaptionKind {
    /// A figure (also algorithms and listings set as figures).
    Figure,
    /// A table.
    Table,
}

impl CaptionKind {
    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            CaptionKind::Figure => "figure",
            CaptionKind::Table => "table",
        }
    }

    /// "Figure" or "Table".
    pub fn label(self) -> &'static str {
        match self {
            CaptionKind::Figure => "Figure",
            CaptionKind::Table => "Table",
        }
    }
}

/// A figure or table caption.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Caption {
    /// Figure or table.
    pub kind: CaptionKind,
    /// The number ("3", "A.1", "II"), when numbered.
    pub number: Option<String>,
    /// The caption text without the "Figure 3:" lead.
    pub text: String,
    /// Index of the section it appears in, when known.
    pub section: Option<usize>,
}

impl Caption {
    /// "Figure 3" or "Table".
    pub fn name(&self) -> String {
        match &self.number {
            Some(n) => format!("{} {n}", self.kind.label()),
            None => self.kind.label().to_string(),
        }
    }
}

/// A display equation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Equation {
    /// The LaTeX source (rows of an alignment joined by `\\`).
    pub latex: String,
    /// The number the paper prints, when numbered ("3", "2.1").
    pub number: Option<String>,
    /// The `\label` key (LaTeX) or element id (HTML), when present.
    pub label: Option<String>,
    /// Index of the section it appears in, when known.
    pub section: Option<usize>,
}

/// A paper's own text, structured.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct Document {
    /// The title the document itself gives, when it gives one.
    pub title: Option<String>,
    /// The abstract the document gives, when found.
    pub abstract_text: Option<String>,
    /// Sections in reading order.
    pub sections: Vec<Section>,
    /// Figure and table captions in order.
    pub captions: Vec<Caption>,
    /// Display equations in order.
    pub equations: Vec<Equation>,
    /// Bibliography entries as plain text, in order.
    pub references: Vec<String>,
}

impl Document {
    /// Words in every section.
    pub fn body_words(&self) -> usize {
        self.sections.iter().map(Section::words).sum()
    }

    /// The index of the first section whose title matches `name` (case
    /// and spacing ignored): a number ("4", "3.2"), a heading ("Method"),
    /// both ("4 Method"), or the start of a heading ("meth").
    pub fn find_section(&self, name: &str) -> Option<usize> {
        let wanted = normalize(name);
        if wanted.is_empty() {
            return None;
        }
        let exact = |s: &Section| {
            s.number.as_deref().map(normalize).as_deref() == Some(wanted.as_str())
                || normalize(&s.heading) == wanted
                || normalize(&s.title()) == wanted
        };
        self.sections.iter().position(exact).or_else(|| {
            self.sections
                .iter()
                .position(|s| normalize(&s.heading).starts_with(&wanted))
        })
    }

    /// A section and every deeper section under it, as (index, section).
    pub fn subtree(&self, index: usize) -> impl Iterator<Item = (usize, &Section)> {
        let level = self.sections.get(index).map_or(0, |s| s.level);
        let end = self
            .sections
            .iter()
            .enumerate()
            .skip(index + 1)
            .find(|(_, s)| s.level <= level)
            .map_or(self.sections.len(), |(i, _)| i);
        self.sections.iter().enumerate().take(end).skip(index)
    }
}

fn normalize(text: &str) -> String {
    text.split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .trim_end_matches('.')
        .to_lowercase()
}

/// What a heading says about the part of the paper it opens, whatever the
/// numbering: "References", "Acknowledgements", "Appendix B: Proofs".
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HeadingRole {
    /// An ordinary section.
    Plain,
    /// The abstract.
    Abstract,
    /// The bibliography.
    References,
    /// The start of the appendices.
    Appendix,
    /// Acknowledgements and similar back matter.
    Back,
}

/// Classifies a heading by its words (number already removed).
pub fn heading_role(heading: &str) -> HeadingRole {
    let h = heading
        .trim()
        .trim_end_matches([':', '.'])
        .trim()
        .to_lowercase();
    let h = h.as_str();
    if h == "abstract" {
        return HeadingRole::Abstract;
    }
    if matches!(
        h,
        "references" | "bibliography" | "literature cited" | "works cited" | "reference"
    ) || h.starts_with("references and notes")
    {
        return HeadingRole::References;
    }
    if h == "appendix"
        || h == "appendices"
        || h.starts_with("appendix ")
        || h.starts_with("appendices ")
        || h.starts_with("supplementary material")
        || h.starts_with("supplemental material")
    {
        return HeadingRole::Appendix;
    }
    const BACK: &[&str] = &[
        "acknowledgment",
        "acknowledgement",
        "funding",
        "author contributions",
        "contributions",
        "competing interests",
        "conflict of interest",
        "declaration of competing interest",
        "data availability",
        "code availability",
    ];
    if BACK.iter().any(|b| h.starts_with(b)) {
        return HeadingRole::Back;
    }
    HeadingRole::Plain
}

#[cfg(test)]
mod tests {
    use super::*;

    fn section(number: Option<&str>, heading: &str, level: u8) -> Section {
        Section {
            number: number.map(str::to_string),
            heading: heading.into(),
            level,
            ..Section::default()
        }
    }

    #[test]
    fn sections_are_found_by_number_heading_or_prefix() {
        let doc = Document {
            sections: vec![
                section(Some("1"), "Introduction", 1),
                section(Some("2"), "Method", 1),
                section(Some("2.1"), "Attention", 2),
                section(Some("3"), "Results", 1),
            ],
            ..Document::default()
        };
        assert_eq!(doc.find_section("2"), Some(1));
        assert_eq!(doc.find_section("method"), Some(1));
        assert_eq!(doc.find_section("2.1 attention"), Some(2));
        assert_eq!(doc.find_section("Res"), Some(3));
        assert_eq!(doc.find_section("Discussion"), None);
        assert_eq!(doc.find_section("  "), None);
        let under: Vec<usize> = doc.subtree(1).map(|(i, _)| i).collect();
        assert_eq!(under, [1, 2]);
        assert_eq!(doc.subtree(3).count(), 1);
    }

    #[test]
    fn headings_tell_their_role() {
        for (h, role) in [
            ("References", HeadingRole::References),
            ("REFERENCES", HeadingRole::References),
            ("Acknowledgments", HeadingRole::Back),
            ("Acknowledgements.", HeadingRole::Back),
            ("Appendix A: Proofs", HeadingRole::Appendix),
            ("Abstract", HeadingRole::Abstract),
            ("Related Work", HeadingRole::Plain),
            ("Referenced works in the field", HeadingRole::Plain),
        ] {
            assert_eq!(heading_role(h), role, "{h}");
        }
    }

    #[test]
    fn sources_parse_and_print() {
        for s in Source::AUTO_ORDER {
            assert_eq!(Source::parse(s.as_str()), Some(s));
        }
        assert_eq!(Source::parse("e-print"), Some(Source::Latex));
        assert_eq!(Source::parse("docx"), None);
    }
}
