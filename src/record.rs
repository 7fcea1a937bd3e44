//! Paper records as they travel: a paper on its way into the library
//! ([`Incoming`]), one as stored ([`PaperRecord`]) and the BibTeX fields
//! litradar keeps without modelling them ([`BibExtras`]). Plain data, so
//! the formats that read and write papers need no store to do it.

use crate::paper::Paper;
use chrono::{DateTime, Utc};

/// A paper on its way into the library, with what the source says about it
/// beyond arXiv's metadata.
#[derive(Debug, Clone, Default)]
pub struct Incoming {
    /// The metadata.
    pub paper: Paper,
    /// Tags to add (BibTeX `keywords`, starter topics).
    pub tags: Vec<String>,
    /// A citation key to keep if it is free (BibTeX imports).
    pub citekey: Option<String>,
    /// BibTeX entry type and fields litradar does not model (BibTeX imports).
    pub bib: Option<BibExtras>,
}

/// What a BibTeX entry carried beyond the fields litradar models (`journal`,
/// `pages`, Zotero's `file`, ...), written back verbatim on export.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct BibExtras {
    /// Entry type, lowercased (`article`).
    pub kind: String,
    /// Unmodelled fields, name and raw value, in file order.
    pub fields: Vec<(String, String)>,
}

impl From<Paper> for Incoming {
    fn from(paper: Paper) -> Self {
        Incoming {
            paper,
            ..Incoming::default()
        }
    }
}

/// A paper as stored, with what the library knows beyond its metadata.
#[derive(Debug, Clone, PartialEq)]
pub struct PaperRecord {
    /// The metadata.
    pub paper: Paper,
    /// Where it first came from: `arxiv`, `starter`, `bibtex`, `jsonl`, `atom`.
    pub source: String,
    /// Stable citation key.
    pub citekey: String,
    /// Tags, sorted.
    pub tags: Vec<String>,
    /// The version the user last looked at.
    pub seen_version: Option<u32>,
    /// When a newer version last arrived.
    pub version_changed_at: Option<DateTime<Utc>>,
    /// When the paper entered the library.
    pub added_at: Option<DateTime<Utc>>,
    /// BibTeX extras from an import.
    pub bib: Option<BibExtras>,
}

impl PaperRecord {
    /// True when a newer version arrived since the user last looked.
    pub fn has_unseen_version(&self) -> bool {
        matches!((self.paper.version, self.seen_version), (Some(v), Some(s)) if v > s)
    }
}
