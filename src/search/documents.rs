//! What the full-text index holds for a paper, read from the library:
//! metadata, tags, notes, the paper's own text and where the paper stands
//! in its reading.

use crate::library::{Library, LibraryError};
use crate::paper::parse_timestamp;
use crate::reading::{Pass, Status, reading_states};
use chrono::Datelike;
use std::collections::{HashMap, HashSet};

/// One paper as indexed.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct IndexDoc {
    /// Paper id.
    pub id: String,
    /// Title.
    pub title: String,
    /// Abstract.
    pub abstract_text: String,
    /// Author names, one per line.
    pub authors: String,
    /// Categories (`cs.CL`).
    pub categories: Vec<String>,
    /// Archives (`cs`, `astro-ph`).
    pub archives: Vec<String>,
    /// Tags as stored.
    pub tags: Vec<String>,
    /// The three notes, joined.
    pub notes: String,
    /// The paper's own text (section headings, paragraphs, captions), when fetched.
    pub body: String,
    /// The same text passage by passage (captions last), for showing where
    /// inside the paper a query matched.
    pub passages: Vec<PassageDoc>,
    /// Publication year.
    pub year: Option<u64>,
    /// Reading states (see [`reading_states`]).
    pub reading: Vec<String>,
}

/// One passage (or caption) of a paper's own text.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct PassageDoc {
    /// Its number: passages first, then captions.
    pub seq: u32,
    /// "4 Method" or "Figure 3".
    pub section: String,
    /// The text.
    pub text: String,
}

/// The passages, then the captions, of a document.
pub fn passage_docs(doc: &crate::fulltext::Document) -> Vec<PassageDoc> {
    let mut out: Vec<PassageDoc> = crate::fulltext::passages::passages(doc)
        .into_iter()
        .map(|p| PassageDoc {
            seq: p.seq as u32,
            section: p.heading,
            text: p.text,
        })
        .collect();
    let first = out.len();
    out.extend(doc.captions.iter().enumerate().map(|(i, c)| PassageDoc {
        seq: (first + i) as u32,
        section: c.name(),
        text: c.text.clone(),
    }));
    out
}

/// Documents for the given papers (all when `ids` is `None`); ids that are
/// no longer in the library are left out.
pub fn load(lib: &Library, ids: Option<&HashSet<String>>) -> Result<Vec<IndexDoc>, LibraryError> {
    let conn = lib.conn();
    let mut tags: HashMap<String, Vec<String>> = HashMap::new();
    let mut stmt = conn
        .prepare("SELECT pt.paper_id, t.name FROM paper_tags pt JOIN tags t ON t.id = pt.tag_id")?;
    for row in stmt.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?)))? {
        let (id, tag) = row?;
        tags.entry(id).or_default().push(tag);
    }
    let mut reading: HashMap<String, ([Status; 3], String)> = HashMap::new();
    let mut stmt =
        conn.prepare("SELECT paper_id, pass, status, note FROM reading ORDER BY paper_id, pass")?;
    for row in stmt.query_map([], |r| {
        Ok((
            r.get::<_, String>(0)?,
            r.get::<_, u8>(1)?,
            r.get::<_, String>(2)?,
            r.get::<_, String>(3)?,
        ))
    })? {
        let (id, pass, status, note) = row?;
        let entry = reading
            .entry(id)
            .or_insert(([Status::NotStarted; 3], String::new()));
        if let Some(p) = Pass::from_number(pass) {
            entry.0[crate::reading::index(p)] = Status::parse(&status).unwrap_or_default();
        }
        if !note.trim().is_empty() {
            entry.1.push_str(&note);
            entry.1.push('\n');
        }
    }
    let mut bodies = lib.fulltext_bodies(ids)?;
    let mut stmt = conn.prepare(
        "SELECT id, title, abstract, authors, categories, published, updated FROM papers ORDER BY id",
    )?;
    let rows = stmt.query_map([], |r| {
        Ok((
            r.get::<_, String>(0)?,
            r.get::<_, String>(1)?,
            r.get::<_, String>(2)?,
            r.get::<_, String>(3)?,
            r.get::<_, String>(4)?,
            r.get::<_, Option<String>>(5)?,
            r.get::<_, Option<String>>(6)?,
        ))
    })?;
    let mut out = Vec::new();
    for row in rows {
        let (id, title, abstract_text, authors, categories, published, updated) = row?;
        if ids.is_some_and(|set| !set.contains(&id)) {
            continue;
        }
        let authors: Vec<serde_json::Value> =
            crate::library::stored_json(&authors, &format!("the authors of {id}"))?;
        let authors: Vec<&str> = authors.iter().filter_map(|a| a["name"].as_str()).collect();
        let categories: Vec<String> = categories.split_whitespace().map(str::to_string).collect();
        let mut archives: Vec<String> = categories
            .iter()
            .map(|c| c.split('.').next().unwrap_or(c).to_string())
            .collect();
        archives.dedup();
        let year = published
            .or(updated)
            .as_deref()
            .and_then(parse_timestamp)
            .map(|t| t.year() as u64)
            .or_else(|| {
                crate::arxiv::ArxivId::parse(&id)
                    .ok()
                    .map(|a| a.year() as u64)
            });
        let (statuses, notes) = reading
            .remove(&id)
            .unwrap_or(([Status::NotStarted; 3], String::new()));
        let passages = match bodies.contains_key(&id) {
            true => lib
                .fulltext_for_passages(&id)?
                .map(|d| passage_docs(&d))
                .unwrap_or_default(),
            false => Vec::new(),
        };
        out.push(IndexDoc {
            passages,
            body: bodies.remove(&id).unwrap_or_default(),
            tags: tags.remove(&id).unwrap_or_default(),
            reading: reading_states(statuses),
            id,
            title,
            abstract_text,
            authors: authors.join("\n"),
            categories,
            archives,
            notes,
            year,
        });
    }
    Ok(out)
}
