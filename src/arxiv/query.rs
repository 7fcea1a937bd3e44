//! The arXiv `search_query` language: field prefixes (`ti:`, `au:`, ...),
//! `AND` / `OR` / `ANDNOT`, parentheses, quoted phrases and
//! `submittedDate:[A TO B]` ranges. Queries are checked here, before any
//! request, so a typo is a clear local error rather than an empty result.

use chrono::NaiveDate;
use std::fmt;

/// Field prefixes the API knows.
pub const FIELDS: &[&str] = &[
    "ti",
    "au",
    "abs",
    "co",
    "jr",
    "cat",
    "rn",
    "id",
    "all",
    "submittedDate",
    "lastUpdatedDate",
];

const DATE_FIELDS: &[&str] = &["submittedDate", "lastUpdatedDate"];

/// A checked search query, kept in the user's own spelling.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SearchQuery(String);

/// What is wrong with a query, and where.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid arXiv query at column {column}: {message} (query: {query})")]
pub struct QueryError {
    /// The query as given.
    pub query: String,
    /// 1-based character column of the problem.
    pub column: usize,
    /// What is wrong.
    pub message: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Token {
    Open,
    Close,
    Op(&'static str),
    Term(String),
}

impl SearchQuery {
    /// Checks `text` and keeps it; whitespace is normalised to single spaces.
    pub fn parse(text: &str) -> Result<SearchQuery, QueryError> {
        let tokens = tokenize(text)?;
        check_grammar(text, &tokens)?;
        let mut out = String::new();
        for (i, (_, tok)) in tokens.iter().enumerate() {
            let prev_open = i > 0 && matches!(tokens[i - 1].1, Token::Open);
            if i > 0 && !prev_open && !matches!(tok, Token::Close) {
                out.push(' ');
            }
            match tok {
                Token::Open => out.push('('),
                Token::Close => out.push(')'),
                Token::Op(op) => out.push_str(op),
                Token::Term(t) => out.push_str(t),
            }
        }
        Ok(SearchQuery(out))
    }

    /// Restricts the query to papers first submitted between the two dates
    /// (inclusive, whole days in GMT, as the API counts them).
    pub fn with_submitted_range(
        &self,
        from: Option<NaiveDate>,
        to: Option<NaiveDate>,
    ) -> SearchQuery {
        if from.is_none() && to.is_none() {
            return self.clone();
        }
        let from = from.map_or_else(
            || "199101010000".to_string(),
            |d| format!("{}0000", d.format("%Y%m%d")),
        );
        let to = to.map_or_else(
            || "999912312359".to_string(),
            |d| format!("{}2359", d.format("%Y%m%d")),
        );
        SearchQuery(format!("({}) AND submittedDate:[{from} TO {to}]", self.0))
    }

    /// The query text to send as `search_query`.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for SearchQuery {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

fn error(query: &str, column: usize, message: impl Into<String>) -> QueryError {
    QueryError {
        query: query.to_string(),
        column,
        message: message.into(),
    }
}

fn tokenize(text: &str) -> Result<Vec<(usize, Token)>, QueryError> {
    let chars: Vec<char> = text.chars().collect();
    let mut tokens = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if c.is_whitespace() {
            i += 1;
            continue;
        }
        let column = i + 1;
        match c {
            '(' => {
                tokens.push((column, Token::Open));
                i += 1;
            }
            ')' => {
                tokens.push((column, Token::Close));
                i += 1;
            }
            _ => {
                let (term, next) = read_term(text, &chars, i)?;
                i = next;
                let token = match term.as_str() {
                    "AND" => Token::Op("AND"),
                    "OR" => Token::Op("OR"),
                    "ANDNOT" => Token::Op("ANDNOT"),
                    _ => {
                        check_term(text, column, &term)?;
                        Token::Term(term)
                    }
                };
                tokens.push((column, token));
            }
        }
    }
    if tokens.is_empty() {
        return Err(error(text, 1, "the query is empty"));
    }
    Ok(tokens)
}

/// Reads one term starting at `start`: everything up to whitespace or a
/// parenthesis, except inside double quotes or a `[A TO B]` range.
fn read_term(text: &str, chars: &[char], start: usize) -> Result<(String, usize), QueryError> {
    let mut term = String::new();
    let mut i = start;
    while i < chars.len() {
        let c = chars[i];
        match c {
            '"' => {
                let close = chars[i + 1..].iter().position(|&c| c == '"');
                let Some(len) = close else {
                    return Err(error(text, i + 1, "this quote is never closed"));
                };
                let phrase: String = chars[i + 1..i + 1 + len].iter().collect();
                let phrase = crate::paper::fold_whitespace(&phrase);
                if phrase.is_empty() {
                    return Err(error(text, i + 1, "an empty phrase \"\" matches nothing"));
                }
                term.push('"');
                term.push_str(&phrase);
                term.push('"');
                i += len + 2;
            }
            '[' => {
                let close = chars[i + 1..].iter().position(|&c| c == ']');
                let Some(len) = close else {
                    return Err(error(text, i + 1, "this '[' is never closed"));
                };
                let inner: String = chars[i + 1..i + 1 + len].iter().collect();
                let range = normalize_range(text, i + 1, &inner)?;
                term.push_str(&range);
                i += len + 2;
            }
            c if c.is_whitespace() || c == '(' || c == ')' => break,
            _ => {
                term.push(c);
                i += 1;
            }
        }
    }
    Ok((term, i))
}

fn normalize_range(text: &str, column: usize, inner: &str) -> Result<String, QueryError> {
    let words: Vec<&str> = inner.split_whitespace().collect();
    let bad = || {
        error(
            text,
            column,
            "a date range looks like [202301010000 TO 202401010000] (YYYYMMDD or YYYYMMDDHHMM, GMT)",
        )
    };
    let [from, "TO", to] = words.as_slice() else {
        return Err(bad());
    };
    let stamp = |s: &str, end: bool| -> Option<String> {
        if !s.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        let full = match s.len() {
            8 => format!("{s}{}", if end { "2359" } else { "0000" }),
            12 => s.to_string(),
            _ => return None,
        };
        let date = NaiveDate::parse_from_str(&full[..8], "%Y%m%d").ok()?;
        let hh: u32 = full[8..10].parse().ok()?;
        let mm: u32 = full[10..12].parse().ok()?;
        (hh < 24 && mm < 60 && date.format("%Y%m%d").to_string() == full[..8]).then_some(full)
    };
    let (Some(a), Some(b)) = (stamp(from, false), stamp(to, true)) else {
        return Err(bad());
    };
    if a > b {
        return Err(error(text, column, "the range starts after it ends"));
    }
    Ok(format!("[{a} TO {b}]"))
}

fn check_term(text: &str, column: usize, term: &str) -> Result<(), QueryError> {
    let Some((field, value)) = term.split_once(':') else {
        if term.contains('[') {
            return Err(error(
                text,
                column,
                "a date range needs a field: submittedDate:[A TO B]",
            ));
        }
        return Ok(());
    };
    if field.starts_with('"') {
        // A quoted phrase that happens to contain a colon.
        return Ok(());
    }
    if !FIELDS.contains(&field) {
        return Err(error(
            text,
            column,
            format!("unknown field '{field}:' (fields: {})", FIELDS.join(", ")),
        ));
    }
    if value.is_empty() {
        return Err(error(text, column, format!("'{field}:' needs a value")));
    }
    let is_range = value.starts_with('[');
    if DATE_FIELDS.contains(&field) && !is_range {
        return Err(error(
            text,
            column,
            format!("'{field}:' takes a range like [202301010000 TO 202401010000]"),
        ));
    }
    if is_range && !DATE_FIELDS.contains(&field) {
        return Err(error(
            text,
            column,
            format!("'{field}:' does not take a date range"),
        ));
    }
    Ok(())
}

/// Checks that operators sit between operands and parentheses balance.
fn check_grammar(text: &str, tokens: &[(usize, Token)]) -> Result<(), QueryError> {
    let mut depth: Vec<usize> = Vec::new();
    // Whether the previous token ends an operand (a term or a closing paren).
    let mut after_operand = false;
    for (column, tok) in tokens {
        match tok {
            Token::Open => {
                depth.push(*column);
                after_operand = false;
            }
            Token::Close => {
                if depth.pop().is_none() {
                    return Err(error(text, *column, "this ')' has no matching '('"));
                }
                if !after_operand {
                    return Err(error(
                        text,
                        *column,
                        "empty parentheses or a dangling operator before ')'",
                    ));
                }
                after_operand = true;
            }
            Token::Op(op) => {
                if !after_operand {
                    return Err(error(text, *column, format!("{op} needs a term before it")));
                }
                after_operand = false;
            }
            Token::Term(_) => after_operand = true,
        }
    }
    if let Some(column) = depth.pop() {
        return Err(error(text, column, "this '(' is never closed"));
    }
    if !after_operand {
        let column = tokens.last().map_or(1, |(c, _)| *c);
        return Err(error(text, column, "the query ends with an operator"));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_valid_queries() {
        let cases = [
            ("testing", "testing"),
            (
                "au:del_maestro AND ti:checkerboard",
                "au:del_maestro AND ti:checkerboard",
            ),
            (
                "au:del_maestro ANDNOT (ti:checkerboard OR ti:Pyrochlore)",
                "au:del_maestro ANDNOT (ti:checkerboard OR ti:Pyrochlore)",
            ),
            (
                "au:del_maestro AND ti:\"quantum  criticality\"",
                "au:del_maestro AND ti:\"quantum criticality\"",
            ),
            (
                "au:del_maestro AND submittedDate:[202301010600 TO 202401010600]",
                "au:del_maestro AND submittedDate:[202301010600 TO 202401010600]",
            ),
            (
                "cat:cs.CL AND submittedDate:[20230101 TO 20231231]",
                "cat:cs.CL AND submittedDate:[202301010000 TO 202312312359]",
            ),
            ("( abs:lora )", "(abs:lora)"),
            ("ti:\"a:b\"", "ti:\"a:b\""),
            ("all:electron proton", "all:electron proton"),
        ];
        for (input, want) in cases {
            let q = SearchQuery::parse(input).unwrap_or_else(|e| panic!("{input}: {e}"));
            assert_eq!(q.as_str(), want);
        }
    }

    #[test]
    fn rejects_broken_queries_with_a_position() {
        let cases = [
            ("", 1, "empty"),
            ("title:lora", 1, "unknown field"),
            ("ti:lora AND", 9, "ends with an operator"),
            ("AND ti:lora", 1, "needs a term before"),
            ("(ti:lora", 1, "never closed"),
            ("ti:lora)", 8, "no matching"),
            ("ti:\"low rank", 4, "never closed"),
            ("submittedDate:[2023 TO 2024]", 15, "date range"),
            ("submittedDate:2023", 1, "takes a range"),
            ("ti:[20230101 TO 20240101]", 1, "does not take a date range"),
            ("submittedDate:[20240101 TO 20230101]", 15, "starts after"),
            ("ti:", 1, "needs a value"),
            ("()", 2, "empty parentheses"),
        ];
        for (input, column, fragment) in cases {
            let err = SearchQuery::parse(input).expect_err(input);
            assert_eq!(err.column, column, "{input}: {err}");
            assert!(err.message.contains(fragment), "{input}: {err}");
        }
    }

    #[test]
    fn adds_a_submitted_date_range() {
        let q = SearchQuery::parse("ti:lora OR ti:dora").expect("valid");
        let d = |s: &str| NaiveDate::parse_from_str(s, "%Y-%m-%d").ok();
        let ranged = q.with_submitted_range(d("2023-01-01"), d("2023-06-30"));
        assert_eq!(
            ranged.as_str(),
            "(ti:lora OR ti:dora) AND submittedDate:[202301010000 TO 202306302359]"
        );
        assert_eq!(q.with_submitted_range(None, None), q);
        // The result is itself a valid query.
        SearchQuery::parse(ranged.as_str()).expect("still valid");
    }
}
