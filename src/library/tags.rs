//! Tags: case-insensitive names (the first spelling is kept), attached to
//! papers many-to-many.

use super::{Library, LibraryError, Result, now};
use rusqlite::{Connection, OptionalExtension, params};

/// Checks a tag name: non-empty, no commas (they separate tags in BibTeX
/// `keywords`), no control characters, at most 64 characters.
pub fn validate_tag(tag: &str) -> Result<String> {
    let t = crate::paper::fold_whitespace(tag);
    let bad = |why| Err(LibraryError::BadTag(tag.to_string(), why));
    if t.is_empty() {
        return bad("it is empty");
    }
    if t.contains(',') {
        return bad("tags cannot contain commas");
    }
    if t.chars().any(char::is_control) {
        return bad("tags cannot contain control characters");
    }
    if t.chars().count() > 64 {
        return bad("tags are at most 64 characters");
    }
    Ok(t)
}

/// Attaches `tag` to a paper inside an open transaction (no-op when present).
pub(super) fn attach(conn: &Connection, paper_id: &str, tag: &str, now: &str) -> Result<()> {
    let tag = validate_tag(tag)?;
    conn.prepare_cached("INSERT INTO tags (name) VALUES (?1) ON CONFLICT (name) DO NOTHING")?
        .execute([&tag])?;
    conn.prepare_cached(
        "INSERT OR IGNORE INTO paper_tags (paper_id, tag_id, added_at) \
         SELECT ?1, id, ?3 FROM tags WHERE name = ?2",
    )?
    .execute(params![paper_id, tag, now])?;
    Ok(())
}

impl Library {
    /// Adds tags to a paper; returns the paper's id.
    pub fn tag(&mut self, key: &str, tags: &[String]) -> Result<String> {
        let id = self.find(key)?.paper.id;
        let checked: Vec<String> = tags
            .iter()
            .map(|t| validate_tag(t))
            .collect::<Result<_>>()?;
        let tx = self.conn.transaction()?;
        let now = now();
        for tag in &checked {
            attach(&tx, &id, tag, &now)?;
        }
        tx.commit()?;
        Ok(id)
    }

    /// Removes tags from a paper; tags no paper uses any more are dropped.
    /// Returns the paper's id and the tags that were not on it.
    pub fn untag(&mut self, key: &str, tags: &[String]) -> Result<(String, Vec<String>)> {
        let id = self.find(key)?.paper.id;
        let tx = self.conn.transaction()?;
        let mut missing = Vec::new();
        for tag in tags {
            let removed = tx.execute(
                "DELETE FROM paper_tags WHERE paper_id = ?1 AND tag_id = \
                 (SELECT id FROM tags WHERE name = ?2)",
                params![id, tag.trim()],
            )?;
            if removed == 0 {
                missing.push(tag.clone());
            }
        }
        tx.execute(
            "DELETE FROM tags WHERE NOT EXISTS (SELECT 1 FROM paper_tags WHERE tag_id = tags.id)",
            [],
        )?;
        tx.commit()?;
        Ok((id, missing))
    }

    /// Every tag with the number of papers carrying it, most used first.
    pub fn tag_counts(&self) -> Result<Vec<(String, u64)>> {
        let mut stmt = self.conn.prepare(
            "SELECT t.name, count(pt.paper_id) FROM tags t LEFT JOIN paper_tags pt ON pt.tag_id = t.id \
             GROUP BY t.id ORDER BY 2 DESC, t.name COLLATE NOCASE",
        )?;
        let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// The stored spelling of a tag, if it exists.
    pub fn tag_name(&self, tag: &str) -> Result<Option<String>> {
        Ok(self
            .conn
            .query_row("SELECT name FROM tags WHERE name = ?1", [tag.trim()], |r| {
                r.get(0)
            })
            .optional()?)
    }
}
