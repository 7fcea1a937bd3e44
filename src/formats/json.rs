//! The JSON shape of a paper: the documented contract of `--json` output and
//! `export --format json`, and what `import` reads from JSON Lines (also the
//! corpus layout, where authors are plain strings).

use super::{RecordAt, RecordError};
use crate::arxiv::ArxivId;
use crate::paper::{Author, Paper, fold_whitespace, format_timestamp, parse_timestamp};
use crate::record::{Incoming, PaperRecord};
use serde::{Deserialize, Serialize};

/// One author in JSON.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuthorJson {
    /// Full name.
    pub name: String,
    /// Affiliations, possibly empty.
    #[serde(default)]
    pub affiliations: Vec<String>,
}

/// A paper in JSON: the stable fields first, then what litradar adds.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PaperJson {
    /// Base arXiv id (or `doi:…`/`bib:…` for papers not on arXiv).
    pub id: String,
    /// Latest known version; null for papers not on arXiv.
    pub version: Option<u32>,
    /// Title.
    pub title: String,
    /// Abstract.
    #[serde(rename = "abstract")]
    pub abstract_text: String,
    /// Ordered authors.
    pub authors: Vec<AuthorJson>,
    /// All categories, primary first.
    pub categories: Vec<String>,
    /// Primary category.
    pub primary_category: Option<String>,
    /// First version, RFC 3339.
    pub published: Option<String>,
    /// Latest version, RFC 3339.
    pub updated: Option<String>,
    /// Authors' comment.
    pub comment: Option<String>,
    /// Journal reference.
    pub journal_ref: Option<String>,
    /// DOI.
    pub doi: Option<String>,
    /// Tags.
    pub tags: Vec<String>,
    /// Citation key used in BibTeX export.
    pub citekey: String,
    /// Abstract page.
    pub abs_url: Option<String>,
    /// PDF.
    pub pdf_url: Option<String>,
    /// True when a newer version arrived since the user last looked.
    pub new_version: bool,
    /// Where the paper came from (`arxiv`, `starter`, `bibtex`, `jsonl`, `atom`).
    pub source: String,
    /// When it entered the library, RFC 3339.
    pub added: Option<String>,
}

impl From<&PaperRecord> for PaperJson {
    fn from(r: &PaperRecord) -> Self {
        let p = &r.paper;
        PaperJson {
            id: p.id.clone(),
            version: p.version,
            title: p.title.clone(),
            abstract_text: p.abstract_text.clone(),
            authors: p
                .authors
                .iter()
                .map(|a| AuthorJson {
                    name: a.name.clone(),
                    affiliations: a.affiliations.clone(),
                })
                .collect(),
            categories: p.categories.clone(),
            primary_category: p.primary_category.clone(),
            published: p.published.as_ref().map(format_timestamp),
            updated: p.updated.as_ref().map(format_timestamp),
            comment: p.comment.clone(),
            journal_ref: p.journal_ref.clone(),
            doi: p.doi.clone(),
            tags: r.tags.clone(),
            citekey: r.citekey.clone(),
            abs_url: p.abs_url.clone(),
            pdf_url: p.pdf_url.clone(),
            new_version: r.has_unseen_version(),
            source: r.source.clone(),
            added: r.added_at.as_ref().map(format_timestamp),
        }
    }
}

/// Serialises records as a pretty JSON array.
pub fn to_json_array(records: &[PaperRecord]) -> String {
    let items: Vec<PaperJson> = records.iter().map(PaperJson::from).collect();
    serde_json::to_string_pretty(&items).unwrap_or_else(|_| "[]".into())
}

/// What a JSON Lines (or JSON array) record may carry.
#[derive(Debug, Deserialize)]
struct InputRecord {
    id: String,
    title: String,
    #[serde(default, rename = "abstract", alias = "summary")]
    abstract_text: Option<String>,
    #[serde(default)]
    authors: Vec<InputAuthor>,
    #[serde(default)]
    categories: InputCategories,
    #[serde(default)]
    primary_category: Option<String>,
    #[serde(default)]
    version: Option<u32>,
    #[serde(default)]
    published: Option<String>,
    #[serde(default)]
    updated: Option<String>,
    #[serde(default)]
    comment: Option<String>,
    #[serde(default)]
    journal_ref: Option<String>,
    #[serde(default)]
    doi: Option<String>,
    #[serde(default)]
    abs_url: Option<String>,
    #[serde(default)]
    pdf_url: Option<String>,
    #[serde(default)]
    tags: Vec<String>,
    #[serde(default)]
    citekey: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(untagged)]
enum InputAuthor {
    Name(String),
    Full(AuthorJson),
}

#[derive(Debug, Default, Deserialize)]
#[serde(untagged)]
enum InputCategories {
    #[default]
    None,
    List(Vec<String>),
    Spaced(String),
}

/// Reads JSON Lines (one paper per line) or a JSON array of papers.
/// Errors name the line (or array position) and stop the whole import.
pub fn parse_papers(text: &str) -> Result<Vec<Incoming>, RecordAt> {
    let at = |place, number, error| RecordAt {
        place,
        number,
        error,
    };
    let trimmed = text.trim_start_matches('\u{feff}').trim_start();
    if trimmed.starts_with('[') {
        let records: Vec<InputRecord> = serde_json::from_str(trimmed)
            .map_err(|e| at("line", e.line(), RecordError::Json(e.to_string())))?;
        return records
            .into_iter()
            .enumerate()
            .map(|(i, r)| to_incoming(r).map_err(|e| at("item", i + 1, e)))
            .collect();
    }
    let mut out = Vec::new();
    for (n, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() {
            continue;
        }
        let record: InputRecord = serde_json::from_str(line)
            .map_err(|e| at("line", n + 1, RecordError::Json(e.to_string())))?;
        out.push(to_incoming(record).map_err(|e| at("line", n + 1, e))?);
    }
    Ok(out)
}

fn to_incoming(r: InputRecord) -> Result<Incoming, RecordError> {
    let id = ArxivId::parse(&r.id)?;
    let title = fold_whitespace(&r.title);
    if title.is_empty() {
        return Err(RecordError::EmptyTitle(r.id));
    }
    let time = |value: Option<String>, what: &'static str| -> Result<_, RecordError> {
        match value {
            None => Ok(None),
            Some(value) => match parse_timestamp(&value) {
                Some(t) => Ok(Some(t)),
                None => Err(RecordError::BadTimestamp { what, value }),
            },
        }
    };
    let published = time(r.published, "published")?;
    let updated = time(r.updated, "updated")?.or(published);
    let categories = match r.categories {
        InputCategories::None => Vec::new(),
        InputCategories::List(list) => list,
        InputCategories::Spaced(s) => s.split_whitespace().map(str::to_string).collect(),
    };
    let mut paper = Paper {
        id: id.base().to_string(),
        version: Some(r.version.or(id.version()).unwrap_or(1)),
        title,
        abstract_text: r
            .abstract_text
            .as_deref()
            .map(fold_whitespace)
            .unwrap_or_default(),
        authors: r
            .authors
            .into_iter()
            .map(|a| match a {
                InputAuthor::Name(name) => Author::named(fold_whitespace(&name)),
                InputAuthor::Full(a) => Author {
                    name: fold_whitespace(&a.name),
                    affiliations: a.affiliations,
                },
            })
            .filter(|a| !a.name.is_empty())
            .collect(),
        categories,
        primary_category: r.primary_category,
        published,
        updated,
        comment: r
            .comment
            .map(|c| fold_whitespace(&c))
            .filter(|c| !c.is_empty()),
        journal_ref: r.journal_ref.filter(|j| !j.trim().is_empty()),
        doi: r.doi.filter(|d| !d.trim().is_empty()),
        abs_url: r.abs_url,
        pdf_url: r.pdf_url,
    };
    paper.normalize_categories();
    Ok(Incoming {
        paper,
        tags: r.tags,
        citekey: r.citekey,
        bib: None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_corpus_layout() {
        let line = r#"{"id": "2102.05231", "title": "Culture-inspired\n Palettes", "abstract": "Color is essential.", "authors": ["Yufan Li", "Ling Fan"], "categories": ["cs.CV", "cs.AI"], "comment": "accepted", "first_seen": "2026-05-01", "abs_url": "https://arxiv.org/abs/2102.05231", "pdf_url": "https://arxiv.org/pdf/2102.05231"}"#;
        let items = parse_papers(&format!("{line}\n\n{line}\n")).expect("parses");
        assert_eq!(items.len(), 2);
        let p = &items[0].paper;
        assert_eq!((p.id.as_str(), p.version), ("2102.05231", Some(1)));
        assert_eq!(p.title, "Culture-inspired Palettes");
        assert_eq!(p.authors[1].name, "Ling Fan");
        assert_eq!(p.primary_category.as_deref(), Some("cs.CV"));
    }

    #[test]
    fn reads_its_own_export_back() {
        let json = r#"[{"id": "2106.09685", "version": 2, "title": "LoRA", "abstract": "a",
            "authors": [{"name": "Edward J. Hu", "affiliations": ["Microsoft"]}],
            "categories": ["cs.CL"], "primary_category": "cs.CL",
            "published": "2021-06-17T17:37:18Z", "updated": "2021-10-16T18:40:34Z",
            "comment": null, "journal_ref": null, "doi": null, "tags": ["peft"], "citekey": "hu2021lora",
            "abs_url": null, "pdf_url": null, "new_version": false, "source": "arxiv", "added": null}]"#;
        let items = parse_papers(json).expect("parses");
        assert_eq!(items[0].paper.authors[0].affiliations, vec!["Microsoft"]);
        assert_eq!(items[0].tags, vec!["peft"]);
        assert_eq!(items[0].citekey.as_deref(), Some("hu2021lora"));
    }

    #[test]
    fn errors_name_the_line() {
        let bad = [
            (
                "{\"id\": \"2106.09685\", \"title\": \"ok\"}\n{\"id\": \"nope\", \"title\": \"x\"}",
                "line 2",
            ),
            ("{\"id\": \"2106.09685\"}", "line 1"),
            (
                "{\"id\": \"2106.09685\", \"title\": \"x\", \"published\": \"soon\"}",
                "soon",
            ),
            ("{not json", "line 1"),
        ];
        for (text, fragment) in bad {
            let err = parse_papers(text).expect_err(text).to_string();
            assert!(err.contains(fragment), "{err}");
        }
    }
}
