//! Reads the expanded token stream of a paper's LaTeX into a [`Document`]:
//! the title, the abstract (`\begin{abstract}` or a `{\bf Abstract}`
//! heading), sections numbered as LaTeX numbers them (letters after
//! `\appendix`), paragraphs with text macros rendered readably, captions of
//! figure and table environments, display equations as LaTeX with their
//! labels and numbers, and `thebibliography` (from the `.bbl` when the
//! source has one). References (`\ref`, `\cite`) are resolved once the
//! whole paper has been read.

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

    /// A paragraph before the first section: part of an abstract (the
    /// paragraphs after an "Abstract" heading, or one that starts
    /// "Abstract:"), or not (false).
    fn front_matter(&mut self, text: &str) -> bool {
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
    fn group_start(&mut self) {
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
    fn end_collected_abstract(&mut self) {
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
    fn close_front(&mut self) {
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

    fn close_section(&mut self) {
        self.close_front();
        if let Some(s) = self.section.take() {
            if !(s.heading.is_empty() && s.paragraphs.is_empty()) {
                self.doc.sections.push(s);
            }
        }
    }

    fn section_index(&self) -> Option<usize> {
        match &self.section {
            Some(_) => Some(self.doc.sections.len()),
            None => self.doc.sections.len().checked_sub(1),
        }
    }

    fn heading_number(&mut self, depth: usize) -> String {
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
    fn top_depth(&self) -> usize {
        if self.has_chapters { 0 } else { 1 }
    }

    fn start_section(&mut self, command: &str) {
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

    fn back_section(&mut self, heading: &str) {
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

    fn command(&mut self, name: &str) {
        if self.engine.is_macro(name) {
            // Expansion stopped at its limit: print the name, as written.
            return self.unknown(name);
        }
        if name == "xspace" {
            // A space unless punctuation follows, as the package does.
            let spaced = match self.engine.peek_raw() {
                Some(Token::Char(c)) => c.is_alphanumeric() || matches!(c, '(' | '[' | '`'),
                Some(Token::Cs(_) | Token::Math) => true,
                _ => false,
            };
            if spaced {
                self.emit(" ");
            }
            return;
        }
        if name == "csname" {
            // \csname name\endcsname builds a command name: nothing to print.
            while let Some(t) = self.engine.next_raw() {
                if t.name() == Some("endcsname") || matches!(t, Token::Stop(_)) {
                    break;
                }
            }
            return;
        }
        if name == "\\" {
            self.engine.star();
            self.engine.optional_raw();
            return self.emit(" ");
        }
        if let Some(text) = symbol(name) {
            if name == "par" && !self.inline() {
                return self.flush();
            }
            return self.emit(text);
        }
        if is_accent(name) {
            let arg = self.engine.arg_raw();
            let inner = detokenize(&arg);
            let decoded = crate::formats::latex::decode(
                &format!("\\{name}{{{inner}}}"),
                crate::formats::latex::Decode::Full,
            );
            return self.emit(&decoded);
        }
        if is_text_wrapper(name) {
            let arg = self.engine.arg_raw();
            if self.in_document
                && !self.inline()
                && self.doc.sections.is_empty()
                && self.section.is_none()
                && self.doc.abstract_text.is_none()
                && self.abstract_form == AbstractForm::None
                && is_abstract_heading(&arg)
            {
                self.para.clear();
                self.front.clear();
                self.abstract_form = AbstractForm::Pending;
                return;
            }
            return self.engine.push(arg);
        }
        if let Some((optional, args)) = dropped_with_args(name) {
            if name == "label" {
                return self.label();
            }
            if name == "vskip" {
                return self.skip_dimension();
            }
            self.engine.star();
            if optional {
                while self.engine.optional_raw().is_some() {}
            }
            for _ in 0..args {
                self.engine.arg_raw();
            }
            return;
        }
        match name {
            "begin" => self.begin(),
            "end" => self.end(),
            "part" | "chapter" | "section" | "subsection" | "subsubsection" | "paragraph"
            | "subparagraph" => self.start_section(name),
            "appendix" => {
                if !self.appendix {
                    self.appendix = true;
                }
            }
            "title" | "icmltitle" | "Title" => {
                self.engine.optional_raw();
                let arg = self.engine.arg_raw();
                let title = self.render(arg);
                if !title.is_empty() && self.doc.title.is_none() {
                    self.doc.title = Some(title);
                }
            }
            "abstract" => {
                // \abstract{...} as a command (some classes).
                self.engine.skip_spaces();
                if self.engine.peek_raw() == Some(&Token::Begin) {
                    let arg = self.engine.arg_raw();
                    let text = self.render(arg);
                    if !text.is_empty() {
                        self.abstract_paragraphs.push(text);
                    }
                }
            }
            "caption" | "captionof" => self.caption(name),
            "item" => self.item(),
            "bibitem" => self.bibitem(),
            "newblock" => self.emit(" "),
            "ref" | "eqref" | "autoref" | "cref" | "Cref" | "nameref" | "vref" | "cpageref" => {
                self.engine.star();
                let key = self.engine.arg_text();
                let style = match name {
                    "eqref" => 'e',
                    "autoref" | "cref" | "Cref" | "vref" => 'a',
                    _ => 'r',
                };
                self.emit(&format!("{REF_OPEN}{style}{key}{REF_CLOSE}"));
            }
            n if n.starts_with("cite")
                || n.starts_with("Cite")
                || matches!(n, "parencite" | "textcite" | "autocite" | "footcite") =>
            {
                self.cite(n)
            }
            "url" | "nolinkurl" | "path" => {
                let arg = self.engine.arg_raw();
                self.emit(&detokenize(&arg));
            }
            "href" => {
                self.engine.arg_raw();
                let text = self.engine.arg_raw();
                self.engine.push(text);
            }
            "textcolor" | "colorbox" | "foreignlanguage" => {
                self.engine.optional_raw();
                self.engine.arg_raw();
                let text = self.engine.arg_raw();
                self.engine.push(text);
            }
            "fcolorbox" => {
                self.engine.arg_raw();
                self.engine.arg_raw();
                let text = self.engine.arg_raw();
                self.engine.push(text);
            }
            "numberwithin" => {
                let what = self.engine.arg_text();
                let within = self.engine.arg_text();
                if what == "equation" && (within == "section" || within == "chapter") {
                    self.equation_within_section = true;
                }
            }
            "verb" => self.verb(),
            "(" => self.inline_math(&[")"]),
            "[" => self.display_math("]", true),
            "iffalse" => self.skip_conditional(),
            "iftrue" => {}
            "ensuremath" => {
                let arg = self.engine.arg_raw();
                let tex = self.math_text(arg);
                self.emit(&format!("${tex}$"));
            }
            "hskip" | "kern" | "vskip" => self.skip_dimension(),
            "acks" | "acknowledgements" | "acknowledgement" | "Acknowledgments" => {
                if !self.inline() {
                    self.back_section("Acknowledgments");
                }
            }
            n if n.starts_with("if") => {}
            n => self.unknown(n),
        }
    }

    /// An unknown command is kept as written, with a braced argument after it.
    fn unknown(&mut self, name: &str) {
        self.emit(&format!("\\{name}"));
        if self.engine.peek_raw() == Some(&Token::Begin) {
            self.engine.next_raw();
            let mut group = vec![Token::Char('{')];
            group.extend(self.engine.group_rest());
            group.push(Token::Char('}'));
            self.engine.push(group);
        }
    }

    fn skip_dimension(&mut self) {
        self.engine.star();
        self.engine.skip_spaces();
        if self.engine.peek_raw() == Some(&Token::Begin) {
            self.engine.arg_raw();
            return;
        }
        let mut letters = 0;
        while let Some(t) = self.engine.peek_raw() {
            match t {
                Token::Char(c) if c.is_ascii_digit() || matches!(c, '.' | ',' | '-' | '+') => {}
                Token::Char(c) if c.is_ascii_alphabetic() && letters < 2 => letters += 1,
                Token::Cs(n) if letters == 0 && n.ends_with("skip") || n.ends_with("width") => {
                    self.engine.next_raw();
                    return;
                }
                _ => return,
            }
            self.engine.next_raw();
        }
    }

    fn skip_conditional(&mut self) {
        let mut depth = 0usize;
        while let Some(t) = self.engine.next_raw() {
            if let Token::Cs(n) = &t {
                if n.starts_with("if") {
                    depth += 1;
                } else if &**n == "fi" {
                    if depth == 0 {
                        return;
                    }
                    depth -= 1;
                } else if &**n == "else" && depth == 0 {
                    return;
                }
            }
        }
    }

    fn verb(&mut self) {
        self.engine.star();
        let Some(Token::Char(delim)) = self.engine.next_raw() else {
            return;
        };
        let mut out = Vec::new();
        while let Some(t) = self.engine.next_raw() {
            if t.is_char(delim) || matches!(t, Token::Par | Token::Stop(_)) {
                break;
            }
            out.push(t);
        }
        self.emit(&detokenize(&out));
    }

    fn label(&mut self) {
        let key = self.engine.arg_text();
        if let Some(target) = self.last_numbered.clone() {
            self.labels.entry(key).or_insert(target);
        }
    }

    // ----- environments -----

    fn begin(&mut self) {
        let name = self.engine.arg_text();
        let base = name.trim_end_matches('*');
        match base {
            "document" => {
                self.in_document = true;
                self.suppress = self.suppress.saturating_sub(1);
                self.envs.push(Env::Document);
            }
            "abstract" | "onecolabstract" => {
                self.flush();
                self.envs.push(Env::Abstract);
            }
            "figure" | "wrapfigure" | "sidewaysfigure" | "SCfigure" | "floatingfigure"
            | "figwindow" | "wrapfloat" => self.float(Some(CaptionKind::Figure)),
            "table" | "wraptable" | "sidewaystable" | "SCtable" | "longtable" | "supertabular"
            | "xtabular" => self.float(Some(CaptionKind::Table)),
            "algorithm" | "algorithm2e" | "listing" | "lstlisting_float" => self.float(None),
            "subfigure" | "subtable" | "subfloat" => self.envs.push(Env::SubFloat),
            "minipage" | "multicols" | "adjustbox" | "spacing" | "list" | "tcolorbox"
            | "mdframed" | "framed" | "boxedminipage" | "changemargin" => {
                // Their arguments are widths and options, not text.
                self.engine.optional_raw();
                let args = match base {
                    "list" | "changemargin" => 2,
                    "tcolorbox" | "mdframed" | "framed" => 0,
                    _ => 1,
                };
                for _ in 0..args {
                    self.engine.arg_raw();
                }
                self.envs.push(Env::Other);
            }
            "equation" | "align" | "alignat" | "flalign" | "eqnarray" | "gather" | "multline"
            | "displaymath" | "dmath" | "dgroup" | "IEEEeqnarray" | "darray" | "mathpar"
            | "empheq" => self.display_math(&name, false),
            "math" => self.inline_math(&["end"]),
            "itemize" | "compactitem" | "inparaitem" | "todolist" => self.list(ListKind::Bullets),
            "enumerate" | "compactenum" | "inparaenum" | "steps" => self.list(ListKind::Numbers),
            "description" | "compactdesc" | "labeling" => self.list(ListKind::Terms),
            "thebibliography" => {
                self.flush();
                self.engine.arg_raw();
                self.close_section();
                self.envs.push(Env::Bibliography);
            }
            "proof" | "theorem" | "lemma" | "proposition" | "corollary" | "definition"
            | "remark" | "example" | "claim" | "conjecture" | "assumption" | "observation"
            | "fact" | "hypothesis" | "problem" | "question" | "note" => self.theorem(&name),
            "acks" | "acknowledgments" | "acknowledgements" | "acknowledgment"
            | "acknowledgement" => {
                if !self.inline() {
                    self.back_section("Acknowledgments");
                }
                self.envs.push(Env::Back);
            }
            "appendices" | "subappendices" => {
                self.appendix = true;
                self.envs.push(Env::Appendices);
            }
            "verbatim" | "Verbatim" | "lstlisting" | "minted" | "comment" | "tikzpicture"
            | "pgfpicture" | "picture" | "filecontents" | "tabular" | "tabularx" | "tabulary"
            | "tabu" | "algorithmic" | "algorithmicx" | "forest" | "axis" | "pspicture"
            | "CCSXML" | "spverbatim" | "alltt" | "python" | "pycode" | "asy" => {
                self.skip_env(&name)
            }
            other if self.engine.theorems.contains_key(other) => self.theorem(&name),
            _ => self.envs.push(Env::Other),
        }
    }

    fn end(&mut self) {
        let name = self.engine.arg_text();
        let base = name.trim_end_matches('*');
        if base == "document" {
            self.flush();
            self.done = true;
            return;
        }
        if base == "titlepage" {
            self.flush();
            self.end_collected_abstract();
        }
        // The last paragraph belongs to the environment it is in: flush it
        // while that environment is still open.
        if matches!(
            self.envs.last(),
            Some(Env::Abstract | Env::List { .. } | Env::Theorem | Env::Bibliography | Env::Back)
        ) {
            self.flush();
        }
        let Some(top) = self.envs.pop() else {
            return;
        };
        match top {
            // What the abstract environment collected is the abstract.
            Env::Abstract if !self.abstract_paragraphs.is_empty() => {
                self.doc.abstract_text = Some(self.abstract_paragraphs.join("\n\n"));
                self.abstract_paragraphs.clear();
                self.front.clear();
            }
            Env::Float(_) => {
                self.suppress = self.suppress.saturating_sub(1);
                self.para.clear();
            }
            Env::List { .. } | Env::Theorem => self.flush(),
            Env::Bibliography => {
                self.flush();
                self.close_bib_entry();
            }
            Env::Back => self.flush(),
            _ => {}
        }
    }

    fn float(&mut self, kind: Option<CaptionKind>) {
        // Placement ([t], [htbp]) and wrapfigure's arguments print nothing.
        self.engine.optional_raw();
        self.envs.push(Env::Float(kind));
        self.suppress += 1;
    }

    fn list(&mut self, kind: ListKind) {
        self.flush();
        self.engine.optional_raw();
        self.envs.push(Env::List { kind, count: 0 });
    }

    fn item(&mut self) {
        let label = self.engine.optional_raw();
        if self.inline() {
            self.emit(" ");
            return;
        }
        self.flush();
        let mut number = None;
        let mut kind = None;
        if let Some(Env::List { kind: k, count }) = self
            .envs
            .iter_mut()
            .rev()
            .find(|e| matches!(e, Env::List { .. }))
        {
            *count += 1;
            number = Some(*count);
            kind = Some(*k);
        }
        let prefix = match (label, kind) {
            (Some(l), k) => {
                let text = self.render(l);
                if k == Some(ListKind::Terms) && !text.is_empty() && !text.ends_with([':', '.']) {
                    format!("{text}:")
                } else {
                    text
                }
            }
            (None, Some(ListKind::Numbers)) => format!("{}.", number.unwrap_or(1)),
            (None, Some(ListKind::Terms)) => String::new(),
            _ => "•".to_string(),
        };
        if !prefix.is_empty() {
            self.para.push_str(&prefix);
            self.para.push(' ');
        }
    }

    fn theorem(&mut self, env: &str) {
        self.flush();
        let base = env.trim_end_matches('*');
        let title = self.engine.theorems.get(base).cloned().unwrap_or_else(|| {
            let mut c = base.chars();
            c.next()
                .map(|f| f.to_uppercase().collect::<String>() + c.as_str())
                .unwrap_or_default()
        });
        let note = self.engine.optional_raw().map(|t| self.render(t));
        self.lead = Some(match note {
            Some(n) if !n.is_empty() => format!("{title} ({n})."),
            _ => format!("{title}."),
        });
        self.envs.push(Env::Theorem);
    }

    /// Reads past an environment whose content is not prose.
    fn skip_env(&mut self, name: &str) {
        let mut depth = 0usize;
        while let Some(t) = self.engine.next_raw() {
            match t.name() {
                Some("begin") if self.engine.arg_text() == name => depth += 1,
                Some("end") if self.engine.arg_text() == name => {
                    if depth == 0 {
                        return;
                    }
                    depth -= 1;
                }
                _ => {}
            }
        }
    }

    // ----- captions -----

    fn caption(&mut self, command: &str) {
        let star = self.engine.star();
        let kind = if command == "captionof" {
            let k = self.engine.arg_text();
            Some(if k.starts_with("tab") {
                CaptionKind::Table
            } else {
                CaptionKind::Figure
            })
        } else {
            self.envs
                .iter()
                .rev()
                .find_map(|e| match e {
                    Env::Float(k) => Some(*k),
                    _ => None,
                })
                .flatten()
        };
        self.engine.optional_raw();
        let arg = self.engine.arg_raw();
        // A panel's own caption (inside subfigure) is not one of the
        // paper's; neither is a caption outside any float, nor an algorithm's.
        let in_panel = self
            .envs
            .iter()
            .rev()
            .take_while(|e| !matches!(e, Env::Float(_)))
            .any(|e| *e == Env::SubFloat);
        let Some(kind) = kind else {
            return;
        };
        if in_panel && command == "caption" {
            return;
        }
        let text = self.render(arg);
        let number = if star {
            None
        } else {
            let n = match kind {
                CaptionKind::Figure => {
                    self.figures += 1;
                    self.figures
                }
                CaptionKind::Table => {
                    self.tables += 1;
                    self.tables
                }
            };
            Some(n.to_string())
        };
        if let Some(n) = &number {
            let label_kind = match kind {
                CaptionKind::Figure => LabelKind::Figure,
                CaptionKind::Table => LabelKind::Table,
            };
            self.last_numbered = Some((label_kind, n.clone()));
        }
        if text.is_empty() {
            return;
        }
        let section = self.section_index();
        self.doc.captions.push(Caption {
            kind,
            number,
            text,
            section,
        });
    }

    // ----- math -----

    fn dollar(&mut self) {
        if self.engine.peek_raw() == Some(&Token::Math) {
            self.engine.next_raw();
            return self.display_dollars();
        }
        let mut tokens = Vec::new();
        while let Some(t) = self.engine.next() {
            match t {
                Token::Math => break,
                Token::Par | Token::Stop(_) => {
                    if let Token::Stop(_) = t {
                        self.engine.push(vec![t]);
                    }
                    break;
                }
                t => tokens.push(t),
            }
        }
        let tex = self.math_text(tokens);
        if !tex.is_empty() {
            self.emit(&format!("${tex}$"));
        }
    }

    fn inline_math(&mut self, closers: &[&str]) {
        let mut tokens = Vec::new();
        while let Some(t) = self.engine.next() {
            if let Token::Cs(n) = &t {
                if closers.contains(&&**n) {
                    if &**n == "end" {
                        self.engine.arg_raw();
                    }
                    break;
                }
            }
            if matches!(t, Token::Stop(_)) {
                self.engine.push(vec![t]);
                break;
            }
            tokens.push(t);
        }
        let tex = self.math_text(tokens);
        if !tex.is_empty() {
            self.emit(&format!("${tex}$"));
        }
    }

    /// Math tokens to LaTeX text: `\protect` out, whitespace folded.
    fn math_text(&mut self, mut tokens: Vec<Token>) -> String {
        tokens.retain(|t| t.name() != Some("protect"));
        fold(&detokenize(&tokens))
    }

    fn display_dollars(&mut self) {
        let mut tokens = Vec::new();
        while let Some(t) = self.engine.next() {
            if t == Token::Math && self.engine.peek_raw() == Some(&Token::Math) {
                self.engine.next_raw();
                break;
            }
            if matches!(t, Token::Stop(_)) {
                self.engine.push(vec![t]);
                break;
            }
            tokens.push(t);
        }
        self.equation(tokens, false, false);
    }

    /// A display environment (or `\[ … \]` when `bracket`): its tokens up
    /// to the matching end, then an equation.
    fn display_math(&mut self, name: &str, bracket: bool) {
        let mut tokens = Vec::new();
        let mut depth = 0usize;
        while let Some(t) = self.engine.next() {
            match &t {
                Token::Cs(n) if bracket && &**n == "]" => break,
                Token::Cs(n) if !bracket && (&**n == "begin" || &**n == "end") => {
                    let arg = self.engine.arg_raw();
                    let env = detokenize(&arg).trim().to_string();
                    if env == name {
                        if &**n == "end" {
                            if depth == 0 {
                                break;
                            }
                            depth -= 1;
                        } else {
                            depth += 1;
                        }
                    }
                    tokens.push(t);
                    tokens.push(Token::Begin);
                    tokens.extend(arg);
                    tokens.push(Token::End);
                    continue;
                }
                Token::Stop(_) => {
                    self.engine.push(vec![t]);
                    break;
                }
                _ => {}
            }
            tokens.push(t);
        }
        let starred = name.ends_with('*') || bracket || matches!(name, "displaymath");
        let rows = matches!(
            name.trim_end_matches('*'),
            "align" | "alignat" | "flalign" | "eqnarray" | "gather" | "IEEEeqnarray"
        );
        // An alignment's alignment argument ({2} of alignat) is not math.
        if name.trim_end_matches('*') == "alignat" && tokens.first() == Some(&Token::Begin) {
            if let Some(close) = tokens.iter().position(|t| *t == Token::End) {
                tokens.drain(..=close);
            }
        }
        self.equation(tokens, !starred, rows);
    }

    /// Records a display equation: labels taken out, numbered as LaTeX
    /// numbers it (one per row of an alignment unless `\nonumber`).
    fn equation(&mut self, tokens: Vec<Token>, numbered: bool, rows: bool) {
        let mut clean = Vec::with_capacity(tokens.len());
        let mut labels = Vec::new();
        let mut tag: Option<String> = None;
        let mut row_numbered = vec![numbered];
        let mut depth = 0i32;
        let mut i = 0;
        while i < tokens.len() {
            let t = &tokens[i];
            match t {
                Token::Begin => depth += 1,
                Token::End => depth -= 1,
                _ => {}
            }
            if let Token::Cs(n) = t {
                match &**n {
                    "label" | "tag" => {
                        // The argument: {key}.
                        let mut j = i + 1;
                        while tokens.get(j) == Some(&Token::Space) {
                            j += 1;
                        }
                        let mut arg = Vec::new();
                        if tokens.get(j) == Some(&Token::Begin) {
                            let mut d = 0;
                            j += 1;
                            while let Some(a) = tokens.get(j) {
                                match a {
                                    Token::Begin => d += 1,
                                    Token::End if d == 0 => break,
                                    Token::End => d -= 1,
                                    _ => {}
                                }
                                arg.push(a.clone());
                                j += 1;
                            }
                        }
                        let text = detokenize(&arg).trim().to_string();
                        if &**n == "label" {
                            labels.push((text, row_numbered.len() - 1));
                        } else {
                            tag = Some(text);
                        }
                        i = j + 1;
                        continue;
                    }
                    "nonumber" | "notag" => {
                        if let Some(last) = row_numbered.last_mut() {
                            *last = false;
                        }
                        i += 1;
                        continue;
                    }
                    "\\" if rows && depth == 0 => row_numbered.push(numbered),
                    _ => {}
                }
            }
            clean.push(t.clone());
            i += 1;
        }
        // A trailing \\ opens no row.
        while matches!(clean.last(), Some(Token::Space | Token::Par)) {
            clean.pop();
        }
        if clean.last() == Some(&Token::cs("\\")) {
            clean.pop();
            if row_numbered.len() > 1 {
                row_numbered.pop();
            }
        }
        let latex = fold(&detokenize(&clean));
        if latex.is_empty() {
            return;
        }
        let mut numbers: Vec<String> = Vec::new();
        let mut row_labels: Vec<(String, String)> = Vec::new();
        if let Some(t) = tag {
            numbers.push(t.clone());
            for (l, _) in &labels {
                row_labels.push((l.clone(), t.clone()));
            }
        } else {
            let mut by_row: Vec<Option<String>> = Vec::new();
            for on in &row_numbered {
                if *on {
                    self.equations += 1;
                    let n = if self.equation_within_section {
                        let s = self.current_top_number();
                        format!("{s}.{}", self.equations)
                    } else {
                        self.equations.to_string()
                    };
                    numbers.push(n.clone());
                    by_row.push(Some(n));
                } else {
                    by_row.push(None);
                }
            }
            for (l, row) in &labels {
                if let Some(Some(n)) = by_row.get(*row).or(by_row.last()) {
                    row_labels.push((l.clone(), n.clone()));
                }
            }
        }
        for (l, n) in row_labels {
            self.labels.insert(l, (LabelKind::Equation, n));
        }
        let number = match numbers.len() {
            0 => None,
            1 => numbers.pop(),
            _ => Some(format!("{}–{}", numbers[0], numbers[numbers.len() - 1])),
        };
        let section = self.section_index();
        self.doc.equations.push(Equation {
            latex,
            number,
            label: labels.into_iter().next().map(|(l, _)| l),
            section,
        });
        // The equation sits inside a paragraph, which goes on after it.
        self.emit(" ");
    }

    fn current_top_number(&self) -> String {
        let d = self.top_depth();
        if self.appendix {
            letter(self.appendix_counter)
        } else {
            self.counters[d].to_string()
        }
    }

    // ----- citations and the bibliography -----

    fn cite(&mut self, command: &str) {
        self.engine.star();
        let first = self.engine.optional_raw();
        let second = self.engine.optional_raw();
        let keys = self.engine.arg_text();
        if command == "nocite" {
            return;
        }
        let style = match command.to_lowercase().as_str() {
            "citet" | "citet*" | "textcite" | "citealt" => 't',
            "citeauthor" => 'a',
            "citeyear" | "citeyearpar" => 'y',
            "citealp" => 'n',
            _ => 'p',
        };
        let note = second
            .or(first)
            .map(|t| self.render(t))
            .filter(|n| !n.is_empty());
        let note = note.map(|n| format!(", {n}")).unwrap_or_default();
        self.emit(&format!("{CITE_OPEN}{style}{keys}{CITE_CLOSE}{note}"));
    }

    fn bibitem(&mut self) {
        if !self.envs.contains(&Env::Bibliography) {
            self.engine.optional_raw();
            self.engine.arg_raw();
            return;
        }
        self.flush();
        self.close_bib_entry();
        let label = self.engine.optional_raw().map(|t| self.render(t));
        let key = self.engine.arg_text();
        self.bib.push(BibEntry {
            key: key.clone(),
            label,
            text: String::new(),
        });
        self.bib_open = Some(key);
    }

    fn para_to_bib(&mut self, text: &str) {
        if let Some(entry) = self.bib.last_mut() {
            if !entry.text.is_empty() {
                entry.text.push(' ');
            }
            entry.text.push_str(text);
        }
    }

    fn close_bib_entry(&mut self) {
        self.flush_bib();
        self.bib_open = None;
    }

    fn flush_bib(&mut self) {
        if self.bib_open.is_none() {
            return;
        }
        let text = fold(&std::mem::take(&mut self.para));
        if !text.is_empty() {
            self.para_to_bib(&text);
        }
    }

    /// Replaces the `\ref` and `\cite` placeholders now that every label and
    /// bibliography entry is known.
    fn resolve_references(&mut self) {
        let mut cites: HashMap<String, String> = HashMap::new();
        let mut years: HashMap<String, (String, String)> = HashMap::new();
        for (n, entry) in self.bib.iter().enumerate() {
            match entry.label.as_deref().and_then(natbib_label) {
                Some((author, year)) => {
                    years.insert(entry.key.clone(), (author, year));
                }
                None => {
                    cites.insert(entry.key.clone(), (n + 1).to_string());
                }
            }
        }
        self.doc.references = self
            .bib
            .iter()
            .map(|b| fold(&b.text))
            .filter(|t| !t.is_empty())
            .collect();
        let labels = std::mem::take(&mut self.labels);
        let fix = |text: &str| resolve(text, &labels, &cites, &years);
        for s in &mut self.doc.sections {
            for p in &mut s.paragraphs {
                *p = fix(p);
            }
            s.heading = fix(&s.heading);
        }
        for c in &mut self.doc.captions {
            c.text = fix(&c.text);
        }
        if let Some(a) = self.doc.abstract_text.take() {
            self.doc.abstract_text = Some(fix(&a));
        }
        if let Some(t) = self.doc.title.take() {
            self.doc.title = Some(fix(&t));
        }
        for r in &mut self.doc.references {
            *r = fix(r);
        }
    }
}

/// "A", "B", … "Z", "AA".
fn letter(n: u32) -> String {
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
fn is_abstract_heading(tokens: &[Token]) -> bool {
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

/// natbib's label `Thorne et~al.(2018)Thorne, Vlachos…` → ("Thorne et al.", "2018").
fn natbib_label(label: &str) -> Option<(String, String)> {
    let open = label.find('(')?;
    let close = open + label[open..].find(')')?;
    let author = fold(&label[..open]);
    let year = label[open + 1..close].trim().to_string();
    (!author.is_empty() && !year.is_empty()).then_some((author, year))
}

fn resolve(
    text: &str,
    labels: &HashMap<String, (LabelKind, String)>,
    numbers: &HashMap<String, String>,
    years: &HashMap<String, (String, String)>,
) -> String {
    if !text.contains([REF_OPEN, CITE_OPEN]) {
        return text.to_string();
    }
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(start) = rest.find([REF_OPEN, CITE_OPEN]) {
        out.push_str(&rest[..start]);
        let open = rest[start..].chars().next().unwrap_or(REF_OPEN);
        let close = if open == REF_OPEN {
            REF_CLOSE
        } else {
            CITE_CLOSE
        };
        let body_start = start + open.len_utf8();
        let Some(len) = rest[body_start..].find(close) else {
            out.push_str(&rest[body_start..]);
            return out;
        };
        let body = &rest[body_start..body_start + len];
        let mut chars = body.chars();
        let style = chars.next().unwrap_or('r');
        let key = chars.as_str();
        if open == REF_OPEN {
            let shown = key
                .split(',')
                .map(|k| match labels.get(k.trim()) {
                    Some((kind, n)) => match style {
                        'e' => format!("({n})"),
                        'a' => format!("{} {n}", kind.word()),
                        _ => n.clone(),
                    },
                    None => "??".to_string(),
                })
                .collect::<Vec<_>>()
                .join(", ");
            out.push_str(&shown);
        } else {
            out.push_str(&citation(style, key, numbers, years));
        }
        rest = &rest[body_start + len + close.len_utf8()..];
    }
    out.push_str(rest);
    out
}

fn citation(
    style: char,
    keys: &str,
    numbers: &HashMap<String, String>,
    years: &HashMap<String, (String, String)>,
) -> String {
    let keys: Vec<&str> = keys
        .split(',')
        .map(str::trim)
        .filter(|k| !k.is_empty())
        .collect();
    if keys.is_empty() {
        return String::new();
    }
    if keys.iter().all(|k| years.contains_key(*k)) {
        let parts: Vec<String> = keys
            .iter()
            .filter_map(|k| years.get(*k))
            .map(|(a, y)| match style {
                't' => format!("{a} ({y})"),
                'a' => a.clone(),
                'y' => y.clone(),
                _ => format!("{a}, {y}"),
            })
            .collect();
        return match style {
            't' | 'a' | 'y' | 'n' => parts.join("; "),
            _ => format!("({})", parts.join("; ")),
        };
    }
    let shown: Vec<String> = keys
        .iter()
        .map(|k| numbers.get(*k).cloned().unwrap_or_else(|| k.to_string()))
        .collect();
    format!("[{}]", shown.join(", "))
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
        assert_eq!(
            natbib_label("Thorne et al.(2018)Thorne, Vlachos"),
            Some(("Thorne et al.".into(), "2018".into()))
        );
        assert_eq!(natbib_label("1"), None);
    }
}
