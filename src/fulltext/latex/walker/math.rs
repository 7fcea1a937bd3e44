//! Inline and display math: kept as LaTeX, display equations with their
//! labels and numbers.

use super::sections::letter;
use super::*;

impl Walker {
    pub(super) fn dollar(&mut self) {
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

    pub(super) fn inline_math(&mut self, closers: &[&str]) {
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
    pub(super) fn math_text(&mut self, mut tokens: Vec<Token>) -> String {
        tokens.retain(|t| t.name() != Some("protect"));
        fold(&detokenize(&tokens))
    }

    pub(super) fn display_dollars(&mut self) {
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
    pub(super) fn display_math(&mut self, name: &str, bracket: bool) {
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
    pub(super) fn equation(&mut self, tokens: Vec<Token>, numbered: bool, rows: bool) {
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

    pub(super) fn current_top_number(&self) -> String {
        let d = self.top_depth();
        if self.appendix {
            letter(self.appendix_counter)
        } else {
            self.counters[d].to_string()
        }
    }

    // ----- citations and the bibliography -----
}
