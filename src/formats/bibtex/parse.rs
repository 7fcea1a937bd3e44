//! A BibTeX reader: `@type{key, field = {value} # "value" # macro, ...}`
//! with `@string` macros, `@comment`, `@preamble`, parentheses as entry
//! delimiters and text between entries ignored, as BibTeX itself does.
//! Never panics; errors name the line.
//!
//! Real files hold odd entries, so [`read`] goes on past them as BibTeX
//! does: an entry that does not parse is reported with its line and the
//! reading resumes at the next `@` that starts a line. `@comment` is
//! skipped the way BibTeX skips it (the word only: what follows is text
//! between entries, so unbalanced braces in it cost nothing). `crossref`
//! children inherit what they lack from their parent (which may come
//! later), and a repeated citation key is renamed with a warning.

use super::groups::{Group, STATIC_GROUPS, static_groups};
use std::collections::HashMap;

/// One entry as written, field names lowercased, values with their outer
/// delimiters removed and macros expanded (inner LaTeX untouched).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BibEntry {
    /// Entry type, lowercased (`article`, `misc`).
    pub kind: String,
    /// Citation key.
    pub key: String,
    /// Fields in file order; the first of a repeated name wins.
    pub fields: Vec<(String, String)>,
    /// Line of the `@`.
    pub line: usize,
}

impl BibEntry {
    /// A field's value.
    pub fn get(&self, name: &str) -> Option<&str> {
        self.fields
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }
}

/// A syntax error.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("line {line}: {message}")]
pub struct BibError {
    /// 1-based line.
    pub line: usize,
    /// What is wrong.
    pub message: String,
}

const MONTHS: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

/// What reading a file gave: the entries, those that did not parse, and
/// warnings (each naming its line).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Read {
    /// Entries in file order (crossref inheritance applied).
    pub entries: Vec<BibEntry>,
    /// Entries that did not parse, skipped.
    pub errors: Vec<BibError>,
    /// Undefined macros kept by name, renamed duplicate keys, missing
    /// crossref parents.
    pub warnings: Vec<BibError>,
    /// BibDesk's static groups, from the `@comment` it writes them in.
    pub groups: Vec<Group>,
}

/// Parses a whole `.bib` file, all or nothing: the first error fails it.
pub fn parse(text: &str) -> Result<Vec<BibEntry>, BibError> {
    let read = read(text);
    match read.errors.into_iter().next() {
        Some(e) => Err(e),
        None => Ok(read.entries),
    }
}

/// Reads a whole `.bib` file as BibTeX does, going on past entries that do
/// not parse.
pub fn read(text: &str) -> Read {
    let mut p = Parser {
        chars: text.chars().collect(),
        pos: 0,
        macros: HashMap::new(),
        line_mark: std::cell::Cell::new((0, 1)),
        warnings: Vec::new(),
        groups: Vec::new(),
    };
    for (i, m) in [
        "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec",
    ]
    .iter()
    .enumerate()
    {
        p.macros.insert((*m).to_string(), MONTHS[i].to_string());
    }
    let mut entries = Vec::new();
    let mut errors = Vec::new();
    while let Some(at) = p.find_next_at() {
        p.pos = at + 1;
        match p.item(at) {
            Ok(Some(entry)) => entries.push(entry),
            Ok(None) => {}
            Err(e) => {
                errors.push(e);
                p.pos = p.next_line_start_at(at + 1);
            }
        }
    }
    let mut warnings = std::mem::take(&mut p.warnings);
    super::keys::rename_duplicates(&mut entries, &mut warnings);
    super::keys::inherit_crossrefs(&mut entries, &mut warnings);
    Read {
        entries,
        errors,
        warnings,
        groups: p.groups,
    }
}

struct Parser {
    chars: Vec<char>,
    pos: usize,
    macros: HashMap<String, String>,
    /// The last position whose line was counted, and that line.
    line_mark: std::cell::Cell<(usize, usize)>,
    /// Undefined macros, by line.
    warnings: Vec<BibError>,
    groups: Vec<Group>,
}

impl Parser {
    /// The 1-based line of `pos`. Entries come in order, so counting goes on
    /// from the last position asked for instead of from the start (which
    /// would make a large file quadratic).
    fn line_of(&self, pos: usize) -> usize {
        let pos = pos.min(self.chars.len());
        let (from, line) = self.line_mark.get();
        let (from, line) = if pos >= from { (from, line) } else { (0, 1) };
        let line = line + self.chars[from..pos].iter().filter(|&&c| c == '\n').count();
        self.line_mark.set((pos, line));
        line
    }

    fn error(&self, pos: usize, message: impl Into<String>) -> BibError {
        BibError {
            line: self.line_of(pos),
            message: message.into(),
        }
    }

    fn peek(&self) -> Option<char> {
        self.chars.get(self.pos).copied()
    }

    fn skip_ws(&mut self) {
        while self.peek().is_some_and(char::is_whitespace) {
            self.pos += 1;
        }
    }

    /// Where reading resumes after an entry that failed: the next `@` at
    /// the start of a line (spaces before it allowed), or the end.
    fn next_line_start_at(&self, from: usize) -> usize {
        let mut line_start = false;
        for (i, &c) in self.chars.iter().enumerate().skip(from) {
            if c == '\n' {
                line_start = true;
            } else if c == '@' && line_start {
                return i;
            } else if !c.is_whitespace() {
                line_start = false;
            }
        }
        self.chars.len()
    }

    fn find_next_at(&self) -> Option<usize> {
        self.chars[self.pos..]
            .iter()
            .position(|&c| c == '@')
            .map(|i| self.pos + i)
    }

    fn ident(&mut self) -> String {
        let start = self.pos;
        while self
            .peek()
            .is_some_and(|c| c.is_alphanumeric() || "_-:.+/'!?*&;<>|[]".contains(c))
        {
            self.pos += 1;
        }
        self.chars[start..self.pos].iter().collect()
    }

    /// Parses what follows an `@` at `at`.
    fn item(&mut self, at: usize) -> Result<Option<BibEntry>, BibError> {
        self.skip_ws();
        let kind = self.ident().to_lowercase();
        self.skip_ws();
        // A stray "@" in free text (an e-mail address) is not an entry;
        // only one that starts a line must be followed by a group.
        let starts_line = self.chars[..at]
            .iter()
            .rev()
            .take_while(|&&c| c != '\n')
            .all(|c| c.is_whitespace());
        if kind.is_empty() || (!starts_line && !matches!(self.peek(), Some('{' | '('))) {
            return Ok(None);
        }
        // As BibTeX does: the word alone is the comment; whatever follows
        // is text between entries (unbalanced braces included).
        if kind == "comment" {
            self.bibdesk_groups(at);
            return Ok(None);
        }
        let close = match self.peek() {
            Some('{') => '}',
            Some('(') => ')',
            _ => return Err(self.error(at, format!("@{kind} must be followed by '{{' or '('"))),
        };
        let open_pos = self.pos;
        self.pos += 1;
        match kind.as_str() {
            "preamble" => {
                self.skip_group(open_pos, close)?;
                Ok(None)
            }
            "string" => {
                self.skip_ws();
                let name = self.ident().to_lowercase();
                self.skip_ws();
                if name.is_empty() || self.peek() != Some('=') {
                    return Err(self.error(self.pos, "@string needs `name = value`"));
                }
                self.pos += 1;
                let value = self.value(close)?;
                self.skip_ws();
                if self.peek() != Some(close) {
                    return Err(
                        self.error(self.pos, format!("@string is not closed with '{close}'"))
                    );
                }
                self.pos += 1;
                self.macros.insert(name, value);
                Ok(None)
            }
            _ => self.entry(at, kind, close).map(Some),
        }
    }

    /// BibDesk's static groups when the comment at `at` holds them; the
    /// comment is still skipped as text, as BibTeX skips it.
    fn bibdesk_groups(&mut self, at: usize) {
        let marker: Vec<char> = STATIC_GROUPS.chars().collect();
        if !self.chars[self.pos..].starts_with(&marker) {
            return;
        }
        let start = self.pos + marker.len();
        let end_tag: Vec<char> = "</plist>".chars().collect();
        let Some(len) = self.chars[start..]
            .windows(end_tag.len())
            .position(|w| w == end_tag.as_slice())
        else {
            let warning = self.error(at, "BibDesk's static groups end early; they are left out");
            self.warnings.push(warning);
            return;
        };
        let plist: String = self.chars[start..start + len + end_tag.len()]
            .iter()
            .collect();
        let (groups, error) = static_groups(&plist);
        if let Some(error) = error {
            let warning = self.error(
                at,
                format!("BibDesk's static groups do not read past an error ({error})"),
            );
            self.warnings.push(warning);
        }
        self.groups.extend(groups);
    }

    fn skip_group(&mut self, open_pos: usize, close: char) -> Result<(), BibError> {
        let open = if close == '}' { '{' } else { '(' };
        let mut depth = 1usize;
        while let Some(c) = self.peek() {
            self.pos += 1;
            if c == open {
                depth += 1;
            } else if c == close {
                depth -= 1;
                if depth == 0 {
                    return Ok(());
                }
            }
        }
        Err(self.error(open_pos, "this group is never closed"))
    }

    fn entry(&mut self, at: usize, kind: String, close: char) -> Result<BibEntry, BibError> {
        self.skip_ws();
        let key_start = self.pos;
        while self
            .peek()
            .is_some_and(|c| c != ',' && c != close && !c.is_whitespace() && c != '@')
        {
            self.pos += 1;
        }
        let key: String = self.chars[key_start..self.pos].iter().collect();
        if key.is_empty() {
            return Err(self.error(at, format!("@{kind} entry has no citation key")));
        }
        let mut fields: Vec<(String, String)> = Vec::new();
        loop {
            self.skip_ws();
            match self.peek() {
                Some(c) if c == close => {
                    self.pos += 1;
                    break;
                }
                Some(',') => {
                    self.pos += 1;
                    self.skip_ws();
                    if self.peek() == Some(close) {
                        continue;
                    }
                }
                None => return Err(self.error(at, format!("entry '{key}' is never closed"))),
                Some(c) => {
                    return Err(self.error(
                        self.pos,
                        format!("in entry '{key}': expected ',' or '{close}', found '{c}'"),
                    ));
                }
            }
            let name_pos = self.pos;
            let name = self.ident().to_lowercase();
            if name.is_empty() {
                return Err(match self.peek() {
                    None => self.error(at, format!("entry '{key}' is never closed")),
                    Some(c) => self.error(
                        name_pos,
                        format!("in entry '{key}': expected a field name, found '{c}'"),
                    ),
                });
            }
            self.skip_ws();
            if self.peek() != Some('=') {
                return Err(self.error(
                    self.pos,
                    format!("in entry '{key}': field '{name}' has no '='"),
                ));
            }
            self.pos += 1;
            let value = self.value(close)?;
            if !fields.iter().any(|(n, _)| *n == name) {
                fields.push((name, value));
            }
        }
        Ok(BibEntry {
            kind,
            key,
            fields,
            line: self.line_of(at),
        })
    }

    /// `part (# part)*`.
    fn value(&mut self, close: char) -> Result<String, BibError> {
        let mut out = String::new();
        loop {
            self.skip_ws();
            let start = self.pos;
            match self.peek() {
                Some('{') => {
                    let end = crate::formats::latex::matching_brace(&self.chars, self.pos)
                        .ok_or_else(|| self.error(start, "this '{' is never closed"))?;
                    out.extend(&self.chars[start + 1..end]);
                    self.pos = end + 1;
                }
                Some('"') => {
                    self.pos += 1;
                    let mut depth = 0usize;
                    loop {
                        match self.peek() {
                            None => return Err(self.error(start, "this '\"' is never closed")),
                            Some('\\') => {
                                out.push('\\');
                                self.pos += 1;
                                if let Some(c) = self.peek() {
                                    out.push(c);
                                    self.pos += 1;
                                }
                            }
                            Some('"') if depth == 0 => {
                                self.pos += 1;
                                break;
                            }
                            Some(c) => {
                                if c == '{' {
                                    depth += 1;
                                } else if c == '}' {
                                    depth = depth.saturating_sub(1);
                                }
                                out.push(c);
                                self.pos += 1;
                            }
                        }
                    }
                }
                Some(c) if c.is_ascii_digit() => {
                    while self.peek().is_some_and(|c| c.is_ascii_digit()) {
                        out.push(self.chars[self.pos]);
                        self.pos += 1;
                    }
                }
                Some(c) if c.is_alphabetic() => {
                    let name = self.ident();
                    match self.macros.get(&name.to_lowercase()) {
                        Some(v) => out.push_str(v),
                        // BibTeX warns and uses nothing; keeping the name loses less.
                        None => {
                            let warning = self.error(
                                start,
                                format!("'{name}' is not a defined @string; kept as written"),
                            );
                            self.warnings.push(warning);
                            out.push_str(&name);
                        }
                    }
                }
                Some(c) if c == close || c == ',' => {
                    return Err(self.error(start, "a field has no value"));
                }
                Some(c) => {
                    return Err(self.error(start, format!("unexpected '{c}' in a field value")));
                }
                None => return Err(self.error(start, "the file ends inside a field")),
            }
            self.skip_ws();
            if self.peek() == Some('#') {
                self.pos += 1;
            } else {
                return Ok(out);
            }
        }
    }
}

/// Month number from `6`, `06`, `jun`, `June`.
pub fn month_number(text: &str) -> Option<u32> {
    let t = text.trim();
    if let Ok(n) = t.parse::<u32>() {
        return (1..=12).contains(&n).then_some(n);
    }
    let lower = t.to_lowercase();
    MONTHS
        .iter()
        .position(|m| lower.len() >= 3 && m.to_lowercase().starts_with(&lower))
        .map(|i| i as u32 + 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_entries_strings_and_concatenation() {
        let text = r#"
Some free text with an e-mail@address.org that BibTeX ignores.
@string{ conf = "Proceedings of " }
@comment{ this is {ignored} }
@preamble{ "\newcommand{\noop}[1]{}" }
@Article{vaswani2017attention,
  title     = {Attention Is {All} You Need},
  author    = "Vaswani, Ashish and Shazeer, Noam",
  year      = 2017,
  month     = jun,
  booktitle = conf # {NeurIPS},
  note      = "a {"quoted"} word",
  title     = {ignored duplicate},
}
@misc(key2, eprint = {2106.09685})
"#;
        let entries = parse(text).expect("parses");
        assert_eq!(entries.len(), 2);
        let e = &entries[0];
        assert_eq!(
            (e.kind.as_str(), e.key.as_str(), e.line),
            ("article", "vaswani2017attention", 6)
        );
        assert_eq!(e.get("title"), Some("Attention Is {All} You Need"));
        assert_eq!(e.get("author"), Some("Vaswani, Ashish and Shazeer, Noam"));
        assert_eq!(e.get("year"), Some("2017"));
        assert_eq!(e.get("month"), Some("June"));
        assert_eq!(e.get("booktitle"), Some("Proceedings of NeurIPS"));
        assert_eq!(e.get("note"), Some("a {\"quoted\"} word"));
        assert_eq!(entries[1].get("eprint"), Some("2106.09685"));
    }

    #[test]
    fn errors_name_the_line() {
        let cases = [
            ("@article{key,\n title = {open\n", 2, "never closed"),
            ("\n\n@article{key, title = }", 3, "no value"),
            ("@article{, title = {x}}", 1, "no citation key"),
            ("@article{k,\n title {x}}", 2, "has no '='"),
            ("@article{k, title = {x} year = 2}", 1, "expected ','"),
            ("@article{k, title = {x}", 1, "never closed"),
            ("@article k", 1, "must be followed"),
        ];
        for (text, line, fragment) in cases {
            let err = parse(text).expect_err(text);
            assert_eq!(err.line, line, "{text}: {err}");
            assert!(err.message.contains(fragment), "{text}: {err}");
        }
    }

    #[test]
    fn months_in_every_spelling() {
        for (text, n) in [
            ("6", Some(6)),
            ("06", Some(6)),
            ("jun", Some(6)),
            ("June", Some(6)),
            ("13", None),
            ("ju", None),
        ] {
            assert_eq!(month_number(text), n, "{text}");
        }
    }

    #[test]
    fn reading_goes_on_past_a_broken_entry_at_the_next_line_start() {
        let text = "@article{a, title = {One}}\n\
                    @article{b,\n  title = {Two\n  year = 2020\n}\n\
                    @book{c, title = {Three} # \" and a half\"}\n\
                    @misc{d title = {no comma}}\n\
                    @misc{e, title = {Five}}\n";
        let read = read(text);
        let keys: Vec<&str> = read.entries.iter().map(|e| e.key.as_str()).collect();
        assert_eq!(keys, ["a", "c", "e"]);
        assert_eq!(read.entries[1].get("title"), Some("Three and a half"));
        // Entry b's title brace closes at the entry's end, so the problem
        // shows where the next entry begins, and names b.
        let lines: Vec<usize> = read.errors.iter().map(|e| e.line).collect();
        assert_eq!(lines, [6, 7]);
        assert!(
            read.errors[0].message.contains("in entry 'b'"),
            "{:?}",
            read.errors
        );
        assert!(
            read.errors[1].message.contains("in entry 'd'"),
            "{:?}",
            read.errors
        );
        // All or nothing still exists: the first error fails the file.
        assert_eq!(parse(text).expect_err("strict").line, 6);
    }

    #[test]
    fn a_comment_is_skipped_as_bibtex_skips_it() {
        // Unbalanced braces after @comment cost nothing, and what follows
        // on the next line is read.
        let text = "@comment{jabref-meta: groupstree:\n0 AllEntriesGroup:;\n1 {oops:\n\
                    @article{k, title = {Kept}}\n\
                    @Comment this line is a note\n\
                    @article{m, title = {Also kept}}";
        let read = read(text);
        assert_eq!(read.errors, []);
        assert_eq!(read.entries.len(), 2);
        assert_eq!(read.entries[1].get("title"), Some("Also kept"));
    }
}
