//! `fulltext status`: per paper, the text kept and the latest attempt per source.

use super::*;

/// A paper in `fulltext status`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatusRow {
    /// Paper id.
    pub paper_id: String,
    /// Title.
    pub title: String,
    /// The paper's latest known version.
    pub latest_version: Option<u32>,
    /// The newest text kept: (version, source, sections, captions, equations, words).
    pub text: Option<TextSummary>,
    /// The latest attempt per source, in the order html, latex, pdf.
    pub attempts: Vec<(Attempt, String)>,
}

/// Counts of a stored text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TextSummary {
    /// The version the text is of.
    pub version: u32,
    /// Its source.
    pub source: Source,
    /// Sections.
    pub sections: u32,
    /// Captions.
    pub captions: u32,
    /// Equations.
    pub equations: u32,
    /// References.
    pub references: u32,
    /// Words in the sections.
    pub words: u32,
}

impl Library {
    /// Every paper with text or with attempts, in id order.
    pub fn fulltext_status(&self) -> Result<Vec<StatusRow>, LibraryError> {
        let conn = self.conn();
        let mut rows: Vec<StatusRow> = Vec::new();
        let mut stmt = conn.prepare(
            "SELECT p.id, p.title, p.version FROM papers p WHERE p.id IN \
             (SELECT paper_id FROM fulltext UNION SELECT paper_id FROM fulltext_attempts) ORDER BY p.id",
        )?;
        let mut index: HashMap<String, usize> = HashMap::new();
        for row in stmt.query_map([], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, Option<u32>>(2)?,
            ))
        })? {
            let (paper_id, title, latest_version) = row?;
            index.insert(paper_id.clone(), rows.len());
            rows.push(StatusRow {
                paper_id,
                title,
                latest_version,
                text: None,
                attempts: Vec::new(),
            });
        }
        let mut stmt = conn.prepare(
            "SELECT f.paper_id, f.version, f.source, f.body_words, \
               (SELECT count(*) FROM fulltext_sections s WHERE s.paper_id = f.paper_id AND s.version = f.version), \
               (SELECT count(*) FROM fulltext_captions c WHERE c.paper_id = f.paper_id AND c.version = f.version), \
               (SELECT count(*) FROM fulltext_equations e WHERE e.paper_id = f.paper_id AND e.version = f.version), \
               (SELECT count(*) FROM fulltext_references b WHERE b.paper_id = f.paper_id AND b.version = f.version) \
             FROM fulltext f WHERE f.version = (SELECT max(version) FROM fulltext g WHERE g.paper_id = f.paper_id)",
        )?;
        for row in stmt.query_map([], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, u32>(1)?,
                r.get::<_, String>(2)?,
                r.get::<_, u32>(3)?,
                r.get::<_, u32>(4)?,
                r.get::<_, u32>(5)?,
                r.get::<_, u32>(6)?,
                r.get::<_, u32>(7)?,
            ))
        })? {
            let (id, version, source, words, sections, captions, equations, references) = row?;
            if let Some(&i) = index.get(&id) {
                rows[i].text = Some(TextSummary {
                    version,
                    source: source_of(&source, &id)?,
                    sections,
                    captions,
                    equations,
                    references,
                    words,
                });
            }
        }
        let mut stmt = conn.prepare(
            "SELECT paper_id, source, outcome, reason, attempted_at FROM fulltext_attempts \
             ORDER BY paper_id, CASE source WHEN 'html' THEN 0 WHEN 'latex' THEN 1 ELSE 2 END",
        )?;
        for row in stmt.query_map([], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, String>(2)?,
                r.get::<_, String>(3)?,
                r.get::<_, String>(4)?,
            ))
        })? {
            let (id, source, outcome, reason, at) = row?;
            if let Some(&i) = index.get(&id) {
                rows[i].attempts.push((
                    Attempt {
                        source: source_of(&source, &id)?,
                        outcome: Outcome::parse(&outcome),
                        reason,
                    },
                    at,
                ));
            }
        }
        Ok(rows)
    }
}
