//! The macro layer: a stack of token lists read one token at a time, with
//! the author's own macros (`\newcommand`, `\def`, `\let`,
//! `\DeclareMathOperator`, `\newenvironment`) defined and expanded on the
//! way, as TeX would before typesetting. Expansion is bounded, so a macro
//! that calls itself ends in a warning, not a hang.

use super::symbols::is_builtin;
use super::tokens::{Token, detokenize};
use std::collections::HashMap;
use std::rc::Rc;

/// At most this many macro expansions per document.
const MAX_EXPANSIONS: usize = 400_000;
/// At most this many tokens pushed by expansions per document.
const MAX_PUSHED: usize = 20_000_000;

/// A user macro.
#[derive(Debug, Clone)]
struct Macro {
    params: u8,
    /// The default of an optional first argument (`\newcommand\x[2][d]`).
    default: Option<Vec<Token>>,
    body: Rc<Vec<Token>>,
}

/// A user environment.
#[derive(Debug, Clone)]
struct EnvDef {
    params: u8,
    default: Option<Vec<Token>>,
    begin: Rc<Vec<Token>>,
    end: Rc<Vec<Token>>,
}

/// Commands whose meaning the walker relies on: an author's redefinition
/// (usually a layout tweak through `\@startsection`) is not followed.
const PROTECTED: &[&str] = &[
    "part",
    "chapter",
    "section",
    "subsection",
    "subsubsection",
    "paragraph",
    "subparagraph",
    "caption",
    "captionof",
    "label",
    "ref",
    "eqref",
    "autoref",
    "cref",
    "Cref",
    "cite",
    "citep",
    "citet",
    "begin",
    "end",
    "item",
    "bibitem",
    "footnote",
    "thanks",
    "title",
    "author",
    "appendix",
    "bibliography",
    "input",
    "include",
    "maketitle",
    "abstract",
    "\\",
    "par",
];

/// Environments the walker relies on (see [`PROTECTED`]).
const PROTECTED_ENVS: &[&str] = &[
    "document",
    "abstract",
    "figure",
    "figure*",
    "table",
    "table*",
    "thebibliography",
    "itemize",
    "enumerate",
    "description",
    "equation",
    "equation*",
    "align",
    "align*",
    "eqnarray",
    "eqnarray*",
    "verbatim",
    "appendices",
];

struct Frame {
    tokens: Rc<Vec<Token>>,
    pos: usize,
}

/// Marks the start and end of a style file's text (inserted by the
/// flattener): definitions there do not replace the walker's own commands.
pub const STYLE_BEGIN: &str = "litradar@style@begin";
/// See [`STYLE_BEGIN`].
pub const STYLE_END: &str = "litradar@style@end";

/// Reads tokens, defining and expanding the author's macros.
pub struct Engine {
    /// Inside a style file's text.
    in_style: usize,
    frames: Vec<Frame>,
    macros: HashMap<Rc<str>, Macro>,
    envs: HashMap<String, EnvDef>,
    /// `\newtheorem` environments: name → printed title.
    pub theorems: HashMap<String, String>,
    expansions: usize,
    pushed: usize,
    /// Something went wrong in a way the reader should hear about.
    pub warnings: Vec<String>,
    next_stop: u32,
}

impl Engine {
    /// An engine reading `tokens`.
    pub fn new(tokens: Vec<Token>) -> Engine {
        Engine {
            in_style: 0,
            frames: vec![Frame {
                tokens: Rc::new(tokens),
                pos: 0,
            }],
            macros: HashMap::new(),
            envs: HashMap::new(),
            theorems: HashMap::new(),
            expansions: 0,
            pushed: 0,
            warnings: Vec::new(),
            next_stop: 0,
        }
    }

    /// True when `name` is an author's macro.
    pub fn is_macro(&self, name: &str) -> bool {
        self.macros.contains_key(name)
    }

    /// Reads `tokens` next, before what was pending.
    pub fn push(&mut self, tokens: Vec<Token>) {
        if tokens.is_empty() {
            return;
        }
        self.frames.push(Frame {
            tokens: Rc::new(tokens),
            pos: 0,
        });
    }

    /// Pushes `tokens` followed by a fresh stop marker, and returns the marker.
    pub fn push_with_stop(&mut self, mut tokens: Vec<Token>) -> u32 {
        self.next_stop += 1;
        let id = self.next_stop;
        tokens.push(Token::Stop(id));
        self.push(tokens);
        id
    }

    /// The next token, no expansion.
    pub fn next_raw(&mut self) -> Option<Token> {
        loop {
            let frame = self.frames.last_mut()?;
            if let Some(t) = frame.tokens.get(frame.pos) {
                frame.pos += 1;
                let t = t.clone();
                if frame.pos >= frame.tokens.len() && self.frames.len() > 1 {
                    // Done with a pushed list: drop it now, so a macro that
                    // ends by calling itself does not grow the stack.
                    self.frames.pop();
                }
                return Some(t);
            }
            if self.frames.len() == 1 {
                return None;
            }
            self.frames.pop();
        }
    }

    /// The next token without taking it, no expansion.
    pub fn peek_raw(&self) -> Option<&Token> {
        self.frames.iter().rev().find_map(|f| f.tokens.get(f.pos))
    }

    /// Skips spaces (not paragraph breaks).
    pub fn skip_spaces(&mut self) {
        while self.peek_raw() == Some(&Token::Space) {
            self.next_raw();
        }
    }

    /// Skips spaces and paragraph breaks.
    pub fn skip_blank(&mut self) {
        while matches!(self.peek_raw(), Some(Token::Space | Token::Par)) {
            self.next_raw();
        }
    }

    /// Takes a `*` if one comes next.
    pub fn star(&mut self) -> bool {
        self.skip_spaces();
        if self.peek_raw().is_some_and(|t| t.is_char('*')) {
            self.next_raw();
            return true;
        }
        false
    }

    /// An argument: a balanced group's content, or the next single token.
    pub fn arg_raw(&mut self) -> Vec<Token> {
        self.skip_blank();
        match self.next_raw() {
            Some(Token::Begin) => self.group_rest(),
            Some(Token::End) | Some(Token::Stop(_)) | None => Vec::new(),
            Some(t) => vec![t],
        }
    }

    /// The rest of a group whose `{` was just read, without the closing `}`.
    pub fn group_rest(&mut self) -> Vec<Token> {
        let mut depth = 0usize;
        let mut out = Vec::new();
        while let Some(t) = self.next_raw() {
            match t {
                Token::Begin => depth += 1,
                Token::End if depth == 0 => return out,
                Token::End => depth -= 1,
                Token::Stop(_) => return out,
                _ => {}
            }
            out.push(t);
        }
        out
    }

    /// An optional `[...]` argument, when one comes next.
    pub fn optional_raw(&mut self) -> Option<Vec<Token>> {
        self.skip_spaces();
        if !self.peek_raw().is_some_and(|t| t.is_char('[')) {
            return None;
        }
        self.next_raw();
        let mut depth = 0usize;
        let mut out = Vec::new();
        while let Some(t) = self.next_raw() {
            match &t {
                Token::Begin => depth += 1,
                Token::End => depth = depth.saturating_sub(1),
                Token::Char(']') if depth == 0 => return Some(out),
                Token::Stop(_) => return Some(out),
                _ => {}
            }
            out.push(t);
        }
        Some(out)
    }

    /// An argument as plain text (environment names, keys, file names).
    pub fn arg_text(&mut self) -> String {
        let tokens = self.arg_raw();
        detokenize(&tokens).trim().to_string()
    }

    /// The next token with the author's macros expanded and definitions
    /// taken in.
    pub fn next(&mut self) -> Option<Token> {
        loop {
            let t = self.next_raw()?;
            let Token::Cs(name) = &t else {
                return Some(t);
            };
            match &**name {
                "newcommand"
                | "renewcommand"
                | "providecommand"
                | "DeclareRobustCommand"
                | "newcommandx" => {
                    let provide = &**name == "providecommand";
                    self.define_command(provide);
                }
                "def" | "gdef" | "edef" | "xdef" => self.define_def(),
                "let" => self.define_let(),
                "DeclareMathOperator" => self.define_operator(),
                "newenvironment" | "renewenvironment" => self.define_env(),
                "newtheorem" => self.define_theorem(),
                "newif" => {
                    self.next_raw();
                }
                "global" | "long" | "outer" | "protected" | "makeatletter" | "makeatother" => {}
                STYLE_BEGIN => self.in_style += 1,
                STYLE_END => self.in_style = self.in_style.saturating_sub(1),
                "begin" => {
                    let arg = self.arg_raw();
                    let env = detokenize(&arg).trim().to_string();
                    if let Some(def) = self.envs.get(&env).cloned() {
                        if !self.expand_with(&env, def.params, def.default.as_ref(), &def.begin) {
                            return Some(t);
                        }
                        continue;
                    }
                    // Not the author's: hand it on, name and all.
                    let mut again = vec![Token::Begin];
                    again.extend(arg);
                    again.push(Token::End);
                    self.push(again);
                    return Some(t);
                }
                "end" => {
                    let arg = self.arg_raw();
                    let env = detokenize(&arg).trim().to_string();
                    if let Some(def) = self.envs.get(&env).cloned() {
                        if self.budget(&env, def.end.len()) {
                            self.push((*def.end).clone());
                            continue;
                        }
                    }
                    let mut again = vec![Token::Begin];
                    again.extend(arg);
                    again.push(Token::End);
                    self.push(again);
                    return Some(t);
                }
                _ => {
                    let Some(m) = self.macros.get(name).cloned() else {
                        return Some(t);
                    };
                    if !self.expand_with(name, m.params, m.default.as_ref(), &m.body) {
                        return Some(t);
                    }
                }
            }
        }
    }

    /// Whether another expansion of `name` (`len` tokens) is allowed.
    fn budget(&mut self, name: &str, len: usize) -> bool {
        self.expansions += 1;
        self.pushed += len;
        if self.expansions > MAX_EXPANSIONS || self.pushed > MAX_PUSHED {
            if self.warnings.iter().all(|w| !w.contains("expansion")) {
                self.warnings.push(format!(
                    "macro expansion stopped at its limit (\\{name} calls itself?)"
                ));
            }
            return false;
        }
        true
    }

    /// Reads the arguments and pushes the body with them substituted.
    fn expand_with(
        &mut self,
        name: &str,
        params: u8,
        default: Option<&Vec<Token>>,
        body: &[Token],
    ) -> bool {
        if !self.budget(name, body.len()) {
            return false;
        }
        let mut args: Vec<Vec<Token>> = Vec::with_capacity(params as usize);
        for i in 0..params {
            if i == 0 {
                if let Some(d) = default {
                    args.push(self.optional_raw().unwrap_or_else(|| d.clone()));
                    continue;
                }
            }
            args.push(self.arg_raw());
        }
        let mut out = Vec::with_capacity(body.len());
        for t in body {
            match t {
                Token::Param(n) => {
                    if let Some(a) = args.get(usize::from(*n) - 1) {
                        self.pushed += a.len();
                        out.extend(a.iter().cloned());
                    }
                }
                other => out.push(other.clone()),
            }
        }
        self.push(out);
        true
    }

    /// Whether a definition of `name` is ignored: always for the commands
    /// the walker's structure rests on; for every command the walker knows
    /// when the definition comes from a style file.
    fn refused(&self, name: &str) -> bool {
        PROTECTED.contains(&name) || (self.in_style > 0 && is_builtin(name))
    }

    /// The macro name after `\newcommand`: `{\x}` or `\x`.
    fn defined_name(&mut self) -> Option<Rc<str>> {
        let arg = self.arg_raw();
        arg.into_iter().find_map(|t| match t {
            Token::Cs(n) => Some(n),
            _ => None,
        })
    }

    fn count_arg(&mut self) -> u8 {
        self.optional_raw()
            .map(|t| detokenize(&t).trim().parse::<u8>().unwrap_or(0).min(9))
            .unwrap_or(0)
    }

    fn define_command(&mut self, provide: bool) {
        self.star();
        let Some(name) = self.defined_name() else {
            return;
        };
        let params = self.count_arg();
        let default = self.optional_raw();
        let body = self.arg_raw();
        if self.refused(&name) || (provide && self.macros.contains_key(&name)) {
            return;
        }
        self.macros.insert(
            name,
            Macro {
                params,
                default,
                body: Rc::new(body),
            },
        );
    }

    fn define_def(&mut self) {
        let Some(Token::Cs(name)) = self.next_raw() else {
            return;
        };
        // The parameter text: only #1#2… is understood; delimited
        // parameters (\def\x#1.{…}) are read past and not defined.
        let mut params = 0u8;
        let mut plain = true;
        while let Some(t) = self.peek_raw() {
            match t {
                Token::Begin => break,
                Token::Param(n) => {
                    plain &= *n == params + 1;
                    params = *n;
                }
                Token::Stop(_) => return,
                _ => plain = false,
            }
            self.next_raw();
        }
        self.next_raw();
        let body = self.group_rest();
        if !plain || self.refused(&name) {
            return;
        }
        self.macros.insert(
            name,
            Macro {
                params,
                default: None,
                body: Rc::new(body),
            },
        );
    }

    fn define_let(&mut self) {
        let Some(Token::Cs(name)) = self.next_raw() else {
            return;
        };
        self.skip_spaces();
        if self.peek_raw().is_some_and(|t| t.is_char('=')) {
            self.next_raw();
        }
        self.skip_spaces();
        let Some(target) = self.next_raw() else {
            return;
        };
        if self.refused(&name) {
            return;
        }
        let m = match &target {
            Token::Cs(t) => self.macros.get(t).cloned().unwrap_or_else(|| Macro {
                params: 0,
                default: None,
                body: Rc::new(vec![target.clone()]),
            }),
            other => Macro {
                params: 0,
                default: None,
                body: Rc::new(vec![other.clone()]),
            },
        };
        if m.body.first() == Some(&Token::Cs(name.clone())) {
            return;
        }
        self.macros.insert(name, m);
    }

    fn define_operator(&mut self) {
        self.star();
        let Some(name) = self.defined_name() else {
            return;
        };
        let text = self.arg_raw();
        if self.refused(&name) {
            return;
        }
        let mut body = vec![Token::cs("operatorname"), Token::Begin];
        body.extend(text);
        body.push(Token::End);
        self.macros.insert(
            name,
            Macro {
                params: 0,
                default: None,
                body: Rc::new(body),
            },
        );
    }

    fn define_env(&mut self) {
        self.star();
        let name = self.arg_text();
        let params = self.count_arg();
        let default = self.optional_raw();
        let begin = self.arg_raw();
        let end = self.arg_raw();
        if name.is_empty() || PROTECTED_ENVS.contains(&name.as_str()) {
            return;
        }
        self.envs.insert(
            name,
            EnvDef {
                params,
                default,
                begin: Rc::new(begin),
                end: Rc::new(end),
            },
        );
    }

    fn define_theorem(&mut self) {
        self.star();
        let name = self.arg_text();
        self.optional_raw();
        let title = detokenize(&self.arg_raw()).trim().to_string();
        self.optional_raw();
        if !name.is_empty() && !title.is_empty() {
            self.theorems.insert(name, title);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::tokens::tokenize;
    use super::*;

    fn expand(source: &str) -> String {
        let mut e = Engine::new(tokenize(source));
        let mut out = Vec::new();
        while let Some(t) = e.next() {
            out.push(t);
        }
        detokenize(&out)
    }

    #[test]
    fn author_macros_expand_with_arguments_and_defaults() {
        assert_eq!(
            expand("\\newcommand{\\ours}{SciFact}\\ours{} rocks"),
            "SciFact{} rocks"
        );
        assert_eq!(
            expand("\\newcommand\\pair[2]{(#1, #2)}\\pair{a}b"),
            "(a, b)"
        );
        assert_eq!(
            expand("\\newcommand{\\v}[2][x]{#1_#2}\\v{1} \\v[y]{2}"),
            "x_1 y_2"
        );
        assert_eq!(expand("\\def\\a{\\alpha}$\\a$"), "$\\alpha$");
        assert_eq!(expand("\\def\\b#1#2{#2#1}\\b xy"), "yx");
        assert_eq!(expand("\\let\\eps\\epsilon \\eps"), "\\epsilon");
        assert_eq!(
            expand("\\DeclareMathOperator{\\tr}{tr}\\tr A"),
            "\\operatorname{tr}A"
        );
        // \providecommand does not replace; \renewcommand does.
        assert_eq!(
            expand("\\newcommand\\x{1}\\providecommand\\x{2}\\x\\renewcommand\\x{3}\\x"),
            "13"
        );
    }

    #[test]
    fn environments_and_protected_names() {
        assert_eq!(
            expand("\\newcommand{\\be}{\\begin{eqnarray}}\\be x"),
            "\\begin{eqnarray}x"
        );
        assert_eq!(
            expand("\\newenvironment{note}{[}{]}\\begin{note}x\\end{note}"),
            "[x]"
        );
        // Layout tweaks to \section are not followed.
        assert_eq!(
            expand("\\renewcommand\\section{\\@startsection{section}}\\section{A}"),
            "\\section{A}"
        );
    }

    #[test]
    fn runaway_macros_stop() {
        let mut e = Engine::new(tokenize("\\def\\a{x\\a}\\a"));
        let mut n = 0;
        while e.next().is_some() {
            n += 1;
            assert!(n < 2_000_000, "expansion must stop");
        }
        assert!(!e.warnings.is_empty());
        // Exponential growth stops too.
        let mut e = Engine::new(tokenize("\\def\\a{\\b\\b}\\def\\b{\\a\\a}\\a"));
        while e.next().is_some() {}
        assert!(!e.warnings.is_empty());
    }
}
