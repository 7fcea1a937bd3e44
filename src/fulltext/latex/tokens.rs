//! TeX's first step: characters into tokens (control sequences, groups,
//! math shifts, spaces and paragraph breaks), following TeX's own rules
//! where they matter for reading text: a control word swallows the spaces
//! after it, a blank line is a paragraph break, `%` starts a comment.

use std::rc::Rc;

/// One token.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Token {
    /// `\name` (letters and `@`) or `\c` for one other character.
    Cs(Rc<str>),
    /// Any other character.
    Char(char),
    /// `{`.
    Begin,
    /// `}`.
    End,
    /// `$`.
    Math,
    /// White space within a paragraph.
    Space,
    /// A blank line.
    Par,
    /// `#1` … `#9` in a macro body.
    Param(u8),
    /// Marks the end of a pushed token list (never produced by the tokenizer).
    Stop(u32),
}

impl Token {
    /// A control sequence token.
    pub fn cs(name: &str) -> Token {
        Token::Cs(Rc::from(name))
    }

    /// The name of a control sequence.
    pub fn name(&self) -> Option<&str> {
        match self {
            Token::Cs(n) => Some(n),
            _ => None,
        }
    }

    /// True for `Char(c)`.
    pub fn is_char(&self, c: char) -> bool {
        *self == Token::Char(c)
    }
}

fn is_letter(c: char) -> bool {
    c.is_ascii_alphabetic() || c == '@'
}

/// Tokenizes TeX source.
pub fn tokenize(text: &str) -> Vec<Token> {
    let chars: Vec<char> = text.chars().collect();
    let mut out = Vec::with_capacity(chars.len() / 3);
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        match c {
            '\\' => {
                let Some(&next) = chars.get(i + 1) else {
                    out.push(Token::Char('\\'));
                    break;
                };
                if is_letter(next) {
                    let mut end = i + 1;
                    while end < chars.len() && is_letter(chars[end]) {
                        end += 1;
                    }
                    let name: String = chars[i + 1..end].iter().collect();
                    out.push(Token::Cs(Rc::from(name.as_str())));
                    // A control word eats the spaces after it, and one line end.
                    i = end;
                    while i < chars.len() && matches!(chars[i], ' ' | '\t') {
                        i += 1;
                    }
                    if i < chars.len() && chars[i] == '\n' {
                        let mut j = i + 1;
                        while j < chars.len() && matches!(chars[j], ' ' | '\t' | '\r') {
                            j += 1;
                        }
                        // ...unless the next line is blank: that is a paragraph break.
                        if j >= chars.len() || chars[j] != '\n' {
                            i = j;
                        }
                    }
                    continue;
                }
                let mut name = [0u8; 4];
                out.push(Token::Cs(Rc::from(&*next.encode_utf8(&mut name))));
                i += 2;
            }
            '{' => {
                out.push(Token::Begin);
                i += 1;
            }
            '}' => {
                out.push(Token::End);
                i += 1;
            }
            '$' => {
                out.push(Token::Math);
                i += 1;
            }
            '%' => {
                while i < chars.len() && chars[i] != '\n' {
                    i += 1;
                }
                // The line end and the next line's indentation go with the comment.
                i += 1;
                while i < chars.len() && matches!(chars[i], ' ' | '\t') {
                    i += 1;
                }
            }
            '#' => match chars.get(i + 1).and_then(|d| d.to_digit(10)) {
                Some(d) if d > 0 => {
                    out.push(Token::Param(d as u8));
                    i += 2;
                }
                _ => {
                    out.push(Token::Char('#'));
                    i += 1;
                }
            },
            c if c.is_whitespace() => {
                let mut lines = 0;
                while i < chars.len() && chars[i].is_whitespace() {
                    if chars[i] == '\n' {
                        lines += 1;
                    }
                    i += 1;
                }
                out.push(if lines >= 2 { Token::Par } else { Token::Space });
            }
            c => {
                out.push(Token::Char(c));
                i += 1;
            }
        }
    }
    out
}

/// Tokens back to source text, as close to what was written as tokens allow.
pub fn detokenize(tokens: &[Token]) -> String {
    let mut out = String::new();
    for (i, t) in tokens.iter().enumerate() {
        match t {
            Token::Cs(name) => {
                out.push('\\');
                out.push_str(name);
                let word = name.chars().next().is_some_and(is_letter);
                let letter_follows =
                    matches!(tokens.get(i + 1), Some(Token::Char(c)) if is_letter(*c));
                if word && letter_follows {
                    out.push(' ');
                }
            }
            Token::Char(c) => out.push(*c),
            Token::Begin => out.push('{'),
            Token::End => out.push('}'),
            Token::Math => out.push('$'),
            Token::Space => out.push(' '),
            Token::Par => out.push_str("\n\n"),
            Token::Param(n) => {
                out.push('#');
                out.push(char::from(b'0' + *n));
            }
            Token::Stop(_) => {}
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn control_words_eat_spaces_and_blank_lines_break_paragraphs() {
        let t = tokenize("\\emph  {a} b\n\nc % note\n  d\\%\\\\");
        assert_eq!(
            t,
            vec![
                Token::cs("emph"),
                Token::Begin,
                Token::Char('a'),
                Token::End,
                Token::Space,
                Token::Char('b'),
                Token::Par,
                Token::Char('c'),
                Token::Space,
                Token::Char('d'),
                Token::cs("%"),
                Token::cs("\\"),
            ]
        );
        // A control word before a blank line still ends the paragraph.
        assert_eq!(
            tokenize("\\maketitle\n\nText"),
            vec![
                Token::cs("maketitle"),
                Token::Par,
                Token::Char('T'),
                Token::Char('e'),
                Token::Char('x'),
                Token::Char('t')
            ]
        );
    }

    #[test]
    fn parameters_math_and_round_trip() {
        let source = "\\newcommand{\\x}[1]{$\\alpha_#1$}";
        let t = tokenize(source);
        assert!(t.contains(&Token::Param(1)));
        assert!(t.contains(&Token::Math));
        assert_eq!(detokenize(&t), source);
        assert_eq!(detokenize(&tokenize("\\alpha x")), "\\alpha x");
        assert_eq!(tokenize("\\"), vec![Token::Char('\\')]);
    }
}
