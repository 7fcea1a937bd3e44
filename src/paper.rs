//! The paper record every part of litradar passes around: what arXiv (or an
//! imported file) says about one paper, independent of how it is stored.

use chrono::{DateTime, SecondsFormat, Utc};

/// One author, in the order the paper lists them.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Author {
    /// Full name as the source writes it ("Ashish Vaswani").
    pub name: String,
    /// Affiliations the source gives (arXiv's `arxiv:affiliation`), often none.
    pub affiliations: Vec<String>,
}

impl Author {
    /// An author without affiliations.
    pub fn named(name: impl Into<String>) -> Self {
        Author {
            name: name.into(),
            affiliations: Vec::new(),
        }
    }
}

/// Metadata of one paper.
///
/// `id` is the base arXiv id (`2106.09685`, `hep-th/9901001`) for arXiv
/// papers; papers imported from elsewhere carry a local id (`doi:…`,
/// `bib:…`) and `version == None`.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Paper {
    /// Base id, without version.
    pub id: String,
    /// Latest known arXiv version; `None` for papers that are not on arXiv.
    pub version: Option<u32>,
    /// Title with the API's line wrapping folded to single spaces.
    pub title: String,
    /// Abstract with the API's line wrapping folded to single spaces.
    pub abstract_text: String,
    /// Ordered author list.
    pub authors: Vec<Author>,
    /// All categories, primary first, without duplicates.
    pub categories: Vec<String>,
    /// The primary category (`cs.CL`), when known.
    pub primary_category: Option<String>,
    /// Date of the first version.
    pub published: Option<DateTime<Utc>>,
    /// Date of the latest version.
    pub updated: Option<DateTime<Utc>>,
    /// The authors' comment ("15 pages, 5 figures").
    pub comment: Option<String>,
    /// Journal reference, free text.
    pub journal_ref: Option<String>,
    /// DOI without a resolver prefix (`10.1103/PhysRevB.85.115117`).
    pub doi: Option<String>,
    /// Link to the abstract page.
    pub abs_url: Option<String>,
    /// Link to the PDF.
    pub pdf_url: Option<String>,
}

impl Paper {
    /// True for papers keyed by an arXiv id (as opposed to `doi:`/`bib:` ids).
    pub fn is_arxiv(&self) -> bool {
        self.version.is_some()
    }

    /// The id with its version suffix (`2106.09685v2`), or the plain id.
    pub fn versioned_id(&self) -> String {
        match self.version {
            Some(v) => format!("{}v{}", self.id, v),
            None => self.id.clone(),
        }
    }

    /// The year of publication, from the dates or, failing that, the arXiv id.
    pub fn year(&self) -> Option<i32> {
        use chrono::Datelike;
        if let Some(d) = self.published.or(self.updated) {
            return Some(d.year());
        }
        crate::arxiv::ArxivId::parse(&self.id)
            .ok()
            .map(|id| id.year())
    }

    /// Sets the primary category and keeps it first in `categories`.
    pub fn normalize_categories(&mut self) {
        let mut seen = std::collections::HashSet::new();
        self.categories
            .retain(|c| !c.is_empty() && seen.insert(c.clone()));
        match &self.primary_category {
            Some(primary) => {
                self.categories.retain(|c| c != primary);
                self.categories.insert(0, primary.clone());
            }
            None => self.primary_category = self.categories.first().cloned(),
        }
    }
}

/// Formats a timestamp the way litradar stores and prints it (RFC 3339, UTC, `Z`).
pub fn format_timestamp(t: &DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Secs, true)
}

/// Parses an RFC 3339 timestamp, any offset, into UTC.
pub fn parse_timestamp(s: &str) -> Option<DateTime<Utc>> {
    DateTime::parse_from_rfc3339(s.trim())
        .ok()
        .map(|t| t.with_timezone(&Utc))
}

/// Folds every run of whitespace (the API's hard line wraps and indentation)
/// into one space and trims the ends.
pub fn fold_whitespace(s: &str) -> String {
    // Most fields from the current API are already folded: copy them whole.
    if is_folded(s) {
        return s.to_owned();
    }
    // Copy runs of non-whitespace as slices; only non-ASCII bytes need a
    // char decode (abstracts are long and this runs for every field).
    let bytes = s.as_bytes();
    let mut out = String::with_capacity(s.len());
    let mut run_start: Option<usize> = None;
    let mut i = 0;
    while i <= bytes.len() {
        let (is_space, len) = match bytes.get(i) {
            None => (true, 1),
            Some(&b) if b < 0x80 => (matches!(b, b' ' | b'\t' | b'\n' | b'\r' | 0x0B | 0x0C), 1),
            Some(_) => match s[i..].chars().next() {
                Some(c) => (c.is_whitespace(), c.len_utf8()),
                None => (true, 1),
            },
        };
        if is_space {
            if let Some(start) = run_start.take() {
                if !out.is_empty() {
                    out.push(' ');
                }
                out.push_str(&s[start..i]);
            }
        } else if run_start.is_none() {
            run_start = Some(i);
        }
        i += len;
    }
    out
}

/// True when `s` has no leading, trailing, doubled or non-space whitespace.
fn is_folded(s: &str) -> bool {
    let bytes = s.as_bytes();
    if bytes.first() == Some(&b' ') || bytes.last() == Some(&b' ') {
        return false;
    }
    let mut prev_space = false;
    for (i, &b) in bytes.iter().enumerate() {
        match b {
            b' ' if prev_space => return false,
            b' ' => {
                prev_space = true;
                continue;
            }
            b'\t' | b'\n' | b'\r' | 0x0B | 0x0C => return false,
            // A UTF-8 lead byte: non-ASCII whitespace (NBSP, U+2028, ...) counts too.
            0xC0.. if s[i..].chars().next().is_some_and(char::is_whitespace) => return false,
            _ => {}
        }
        prev_space = false;
    }
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folds_line_wraps_and_indentation() {
        assert_eq!(
            fold_whitespace("  Quantum Criticality for Extended\n  Nodes\n"),
            "Quantum Criticality for Extended Nodes"
        );
        assert_eq!(fold_whitespace(""), "");
        assert_eq!(fold_whitespace(" \n\t "), "");
        assert_eq!(fold_whitespace("already folded é"), "already folded é");
        assert_eq!(fold_whitespace("two  spaces"), "two spaces");
        assert_eq!(fold_whitespace("trailing "), "trailing");
        assert_eq!(
            fold_whitespace("non\u{a0}breaking\u{2028}line"),
            "non breaking line"
        );
    }

    #[test]
    fn timestamps_round_trip_in_utc() {
        let t = parse_timestamp("2016-10-09T00:00:00-04:00").expect("valid");
        assert_eq!(format_timestamp(&t), "2016-10-09T04:00:00Z");
        assert!(parse_timestamp("2016-13-09").is_none());
    }

    #[test]
    fn primary_category_goes_first_once() {
        let mut p = Paper {
            categories: vec!["cs.LG".into(), "cs.CL".into(), "cs.LG".into()],
            primary_category: Some("cs.CL".into()),
            ..Paper::default()
        };
        p.normalize_categories();
        assert_eq!(p.categories, vec!["cs.CL", "cs.LG"]);

        let mut q = Paper {
            categories: vec!["stat.ML".into()],
            ..Paper::default()
        };
        q.normalize_categories();
        assert_eq!(q.primary_category.as_deref(), Some("stat.ML"));
    }
}
