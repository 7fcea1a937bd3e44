//! Commands outside environments: text macros, skipped arguments,
//! dimensions, conditionals, `\verb` and labels.

use super::sections::is_abstract_heading;
use super::*;

impl Walker {
    pub(super) fn command(&mut self, name: &str) {
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
    pub(super) fn unknown(&mut self, name: &str) {
        self.emit(&format!("\\{name}"));
        if self.engine.peek_raw() == Some(&Token::Begin) {
            self.engine.next_raw();
            let mut group = vec![Token::Char('{')];
            group.extend(self.engine.group_rest());
            group.push(Token::Char('}'));
            self.engine.push(group);
        }
    }

    pub(super) fn skip_dimension(&mut self) {
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

    pub(super) fn skip_conditional(&mut self) {
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

    pub(super) fn verb(&mut self) {
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

    pub(super) fn label(&mut self) {
        let key = self.engine.arg_text();
        if let Some(target) = self.last_numbered.clone() {
            self.labels.entry(key).or_insert(target);
        }
    }

    // ----- environments -----
}
