//! File formats litradar reads and writes: BibTeX, JSON / JSON Lines,
//! Markdown, and the LaTeX escapes bibliographies carry. Pure functions
//! over text; the caller does the file I/O.

pub mod bibtex;
pub mod json;
pub mod latex;
pub mod markdown;

use std::path::Path;

/// A record in a file that cannot become a paper.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RecordError {
    /// A BibTeX entry without a title, by citation key.
    #[error("entry '{0}' has no title")]
    NoTitle(String),
    /// A JSON record whose title is empty, by id.
    #[error("{0} has an empty title")]
    EmptyTitle(String),
    /// The id is not an arXiv id.
    #[error(transparent)]
    BadId(#[from] crate::arxiv::IdError),
    /// A date that does not read.
    #[error("{what} '{value}' is not an RFC 3339 timestamp")]
    BadTimestamp {
        /// Which date (`published`, `updated`).
        what: &'static str,
        /// As written.
        value: String,
    },
    /// Not JSON, or not the shape of a paper.
    #[error("{0}")]
    Json(String),
}

/// A record error and where it is: `line 3: …` or `item 2: …`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{place} {number}: {error}")]
pub struct RecordAt {
    /// `line` (JSON Lines, a parse error) or `item` (a JSON array's record).
    pub place: &'static str,
    /// 1-based.
    pub number: usize,
    /// What is wrong.
    pub error: RecordError,
}

/// A file format `import` understands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ImportFormat {
    /// An arXiv API Atom feed.
    Atom,
    /// BibTeX / BibLaTeX.
    Bibtex,
    /// JSON Lines, or a JSON array as `export --format json` writes.
    Jsonl,
}

impl ImportFormat {
    /// The name used in messages and as the papers' `source`.
    pub fn name(self) -> &'static str {
        match self {
            ImportFormat::Atom => "atom",
            ImportFormat::Bibtex => "bibtex",
            ImportFormat::Jsonl => "jsonl",
        }
    }

    /// Picks the format from the file name, then from the first character.
    pub fn detect(path: &Path, text: &str) -> Option<ImportFormat> {
        let ext = path
            .extension()
            .and_then(|e| e.to_str())
            .map(str::to_lowercase);
        match ext.as_deref() {
            Some("atom" | "xml") => return Some(ImportFormat::Atom),
            Some("bib" | "bibtex") => return Some(ImportFormat::Bibtex),
            Some("jsonl" | "ndjson" | "json") => return Some(ImportFormat::Jsonl),
            _ => {}
        }
        match text
            .trim_start_matches('\u{feff}')
            .trim_start()
            .chars()
            .next()?
        {
            '<' => Some(ImportFormat::Atom),
            '@' | '%' => Some(ImportFormat::Bibtex),
            '{' | '[' => Some(ImportFormat::Jsonl),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn detects_by_extension_then_content() {
        let cases = [
            ("a.bib", "", Some(ImportFormat::Bibtex)),
            ("a.XML", "", Some(ImportFormat::Atom)),
            ("a.jsonl", "", Some(ImportFormat::Jsonl)),
            ("a.txt", "  <?xml", Some(ImportFormat::Atom)),
            ("a", "@article{", Some(ImportFormat::Bibtex)),
            ("a", "{\"id\"", Some(ImportFormat::Jsonl)),
            ("a", "hello", None),
            ("a", "", None),
        ];
        for (name, text, want) in cases {
            assert_eq!(ImportFormat::detect(Path::new(name), text), want, "{name}");
        }
    }
}
