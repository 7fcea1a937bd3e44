//! Reads the expanded token stream of a paper's LaTeX into a [`Document`]:
//! the title, the abstract (`\begin{abstract}` or a `{\bf Abstract}`
//! heading), sections numbered as LaTeX numbers them (letters after
//! `\appendix`), paragraphs with text macros rendered readably, captions of
//! figure and table environments, display equations as LaTeX with their
//! labels and numbers, and `thebibliography` (from the `.bbl` when the
//! source has one). References (`\ref`, `\cite`) are resolved once the
//! whole paper has been read.

mod commands;
mod environments;
mod math;
mod references;
mod sections;

use super::engine::Engine;
use super::symbols::{dropped_with_args, is_accent, is_text_wrapper, symbol};
use super::tokens::{Token, detokenize};
use crate::fulltext::document::{
    Caption, CaptionKind, Document, Equation, HeadingRole, Section, SectionKind, heading_role,
};
use crate::fulltext::text::fold;
use std::collections::HashMap;

/// Placeholder brackets for references resolved at the end (private-use characters).
const REF_OPEN: char = '\u{E000}';
const REF_CLOSE: char = '\u{E001}';
const CITE_OPEN: char = '\u{E002}';
const CITE_CLOSE: char = '\u{E003}';

#[derive(Debug, Clone, PartialEq, Eq)]
enum Env {
    Document,
    Abstract,
    Float(Option<CaptionKind>),
    SubFloat,
    List { kind: ListKind, count: u32 },
    Bibliography,
    Theorem,
    Back,
    Appendices,
    Other,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum ListKind {
    Bullets,
    Numbers,
    Terms,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum AbstractForm {
    /// Not collecting.
    None,
    /// A paragraph that said only "Abstract": what follows is the abstract.
    Pending,
    /// Collecting paragraphs until the first section.
    Collecting,
}

/// What a `\label` names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum LabelKind {
    Section,
    Figure,
    Table,
    Equation,
}

impl LabelKind {
    fn word(self) -> &'static str {
        match self {
            LabelKind::Section => "Section",
            LabelKind::Figure => "Figure",
            LabelKind::Table => "Table",
            LabelKind::Equation => "Equation",
        }
    }
}

struct BibEntry {
    key: String,
    /// natbib's `[Author et al.(2018)]` label, as printed.
    label: Option<String>,
    text: String,
}

/// The walker's state.
pub struct Walker {
    engine: Engine,
    doc: Document,
    section: Option<Section>,
    para: String,
    /// Inline renderings in progress (titles, captions): text goes to the top one.
    outs: Vec<String>,
    envs: Vec<Env>,
    /// Text is being read inside a float or the preamble and is not kept.
    suppress: usize,
    in_document: bool,
    done: bool,
    appendix: bool,
    has_chapters: bool,
    counters: [u32; 4],
    appendix_counter: u32,
    figures: u32,
    tables: u32,
    equations: u32,
    equation_within_section: bool,
    abstract_form: AbstractForm,
    abstract_paragraphs: Vec<String>,
    /// Paragraphs before the first section: title-page material when an
    /// abstract follows, else the start of the body.
    front: Vec<String>,
    /// A run-in heading for the next paragraph.
    lead: Option<String>,
    labels: HashMap<String, (LabelKind, String)>,
    last_numbered: Option<(LabelKind, String)>,
    bib: Vec<BibEntry>,
    bib_open: Option<String>,
}

impl Walker {
    /// A walker over the tokens in `engine`; `has_document` says whether
    /// the source has `\begin{document}` (a fragment is all body).
    pub fn new(engine: Engine, has_document: bool, has_chapters: bool) -> Walker {
        Walker {
            engine,
            doc: Document::default(),
            section: None,
            para: String::new(),
            outs: Vec::new(),
            envs: Vec::new(),
            suppress: usize::from(has_document),
            in_document: !has_document,
            done: false,
            appendix: false,
            has_chapters,
            counters: [0; 4],
            appendix_counter: 0,
            figures: 0,
            tables: 0,
            equations: 0,
            equation_within_section: false,
            abstract_form: AbstractForm::None,
            abstract_paragraphs: Vec::new(),
            front: Vec::new(),
            lead: None,
            labels: HashMap::new(),
            last_numbered: None,
            bib: Vec::new(),
            bib_open: None,
        }
    }

    /// Reads everything and returns the document and the warnings.
    pub fn finish(mut self) -> (Document, Vec<String>) {
        self.run(None);
        self.flush();
        self.close_bib_entry();
        self.close_section();
        if self.doc.abstract_text.is_none() && !self.abstract_paragraphs.is_empty() {
            self.doc.abstract_text = Some(self.abstract_paragraphs.join("\n\n"));
        }
        self.resolve_references();
        let warnings = std::mem::take(&mut self.engine.warnings);
        (self.doc, warnings)
    }

    fn inline(&self) -> bool {
        !self.outs.is_empty()
    }

    fn emit(&mut self, text: &str) {
        if let Some(out) = self.outs.last_mut() {
            out.push_str(text);
        } else if self.suppress == 0 {
            self.para.push_str(text);
        }
    }

    fn emit_char(&mut self, c: char) {
        let mut buf = [0u8; 4];
        self.emit(c.encode_utf8(&mut buf));
    }

    /// Renders tokens to text with everything the walker knows, as a title
    /// or caption is rendered.
    fn render(&mut self, tokens: Vec<Token>) -> String {
        let stop = self.engine.push_with_stop(tokens);
        self.outs.push(String::new());
        self.run(Some(stop));
        let out = self.outs.pop().unwrap_or_default();
        fold(&out)
    }

    fn run(&mut self, stop: Option<u32>) {
        while let Some(t) = self.engine.next() {
            match t {
                Token::Stop(id) if Some(id) == stop => return,
                Token::Stop(_) => {}
                Token::Char(c) => self.char(c),
                Token::Space => self.emit(" "),
                Token::Par => {
                    if self.inline() {
                        self.emit(" ");
                    } else {
                        self.flush();
                    }
                }
                Token::Begin => self.group_start(),
                Token::End | Token::Param(_) => {}
                Token::Math => self.dollar(),
                Token::Cs(name) => self.command(&name),
            }
            if self.done && stop.is_none() {
                return;
            }
        }
    }

    fn char(&mut self, c: char) {
        let next_is = |w: &Walker, c: char| w.engine.peek_raw().is_some_and(|t| t.is_char(c));
        match c {
            '-' if next_is(self, '-') => {
                self.engine.next_raw();
                if next_is(self, '-') {
                    self.engine.next_raw();
                    self.emit("—");
                } else {
                    self.emit("–");
                }
            }
            '`' if next_is(self, '`') => {
                self.engine.next_raw();
                self.emit("“");
            }
            '`' => self.emit("‘"),
            '\'' if next_is(self, '\'') => {
                self.engine.next_raw();
                self.emit("”");
            }
            '~' | '&' => self.emit(" "),
            c => self.emit_char(c),
        }
    }

    // ----- paragraphs and sections -----

    fn flush(&mut self) {
        let text = fold(&std::mem::take(&mut self.para));
        if text.is_empty() || !self.in_document {
            return;
        }
        let text = match self.lead.take() {
            Some(lead) => format!("{lead} {text}"),
            None => text,
        };
        if self.bib_open.is_some() {
            self.para_to_bib(&text);
            return;
        }
        if self.envs.contains(&Env::Bibliography) {
            // Set-up before the first \bibitem.
            return;
        }
        if self.envs.contains(&Env::Abstract) {
            self.abstract_paragraphs.push(text);
            return;
        }
        if self.doc.sections.is_empty() && self.section.is_none() {
            if self.front_matter(&text) {
                return;
            }
            self.front.push(text);
            return;
        }
        let section = self.section.get_or_insert_with(|| Section {
            level: 1,
            ..Section::default()
        });
        section.paragraphs.push(text);
    }
}
