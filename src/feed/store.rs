//! The feed's rows: the reader's marks, the last look per view, and the
//! signals read from the rest of the library.

use super::Mark;
use crate::library::{Library, LibraryError};
use crate::paper::{format_timestamp, parse_timestamp};
use chrono::{DateTime, Utc};
use rusqlite::{OptionalExtension, params};
use std::collections::{HashMap, HashSet};

type Result<T> = std::result::Result<T, LibraryError>;

/// What the library says about the reader, by paper id.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ReaderSignals {
    /// Papers the reader wants more of: tagged (with a tag: that tag),
    /// queued, read (time logged or a pass begun), linked to a blip, liked.
    pub positive: HashSet<String>,
    /// Papers disliked in the feed.
    pub negative: HashSet<String>,
    /// Papers the feed no longer offers: tagged, queued, read, or marked.
    pub settled: HashSet<String>,
}

/// A paper as the feed needs it.
#[derive(Debug, Clone, PartialEq)]
pub struct FeedPaper {
    /// Its id.
    pub id: String,
    /// Title.
    pub title: String,
    /// Abstract.
    pub abstract_text: String,
    /// When it entered the library.
    pub added_at: Option<DateTime<Utc>>,
    /// When arXiv first published it (its last update where the first
    /// date is unknown).
    pub published: Option<DateTime<Utc>>,
}

fn ids(lib: &Library, sql: &str, args: &[&dyn rusqlite::ToSql]) -> Result<HashSet<String>> {
    let mut stmt = lib.conn().prepare(sql)?;
    let rows = stmt.query_map(args, |r| r.get::<_, String>(0))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

impl Library {
    /// Every paper, for the feed's features.
    pub fn feed_papers(&self) -> Result<Vec<FeedPaper>> {
        let mut stmt = self
            .conn()
            .prepare("SELECT id, title, abstract, added_at, coalesce(published, updated) FROM papers ORDER BY id")?;
        let rows = stmt.query_map([], |r| {
            Ok(FeedPaper {
                id: r.get(0)?,
                title: r.get(1)?,
                abstract_text: r.get(2)?,
                added_at: r
                    .get::<_, String>(3)
                    .ok()
                    .as_deref()
                    .and_then(parse_timestamp),
                published: r
                    .get::<_, Option<String>>(4)?
                    .as_deref()
                    .and_then(parse_timestamp),
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// The reader's signals; with `tag`, the positives are that tag's papers.
    pub fn feed_signals(&self, tag: Option<&str>) -> Result<ReaderSignals> {
        let tagged = ids(self, "SELECT DISTINCT paper_id FROM paper_tags", &[])?;
        let queued = ids(self, "SELECT paper_id FROM reading_queue", &[])?;
        let read = ids(
            self,
            "SELECT paper_id FROM sessions UNION \
             SELECT paper_id FROM reading WHERE status IN ('in_progress', 'done')",
            &[],
        )?;
        let marks = self.feed_marks()?;
        let mut settled: HashSet<String> =
            tagged.iter().chain(&queued).chain(&read).cloned().collect();
        settled.extend(marks.keys().cloned());
        let negative: HashSet<String> = marks
            .iter()
            .filter(|(_, m)| **m == Mark::Dislike)
            .map(|(id, _)| id.clone())
            .collect();
        let positive = match tag {
            Some(tag) => ids(
                self,
                "SELECT pt.paper_id FROM paper_tags pt JOIN tags t ON t.id = pt.tag_id \
                 WHERE t.name = ?1",
                &[&tag],
            )?,
            None => {
                let linked = ids(self, "SELECT DISTINCT paper_id FROM blip_papers", &[])?;
                let liked = marks
                    .iter()
                    .filter(|(_, m)| **m == Mark::Like)
                    .map(|(id, _)| id.clone());
                tagged
                    .into_iter()
                    .chain(queued)
                    .chain(read)
                    .chain(linked)
                    .chain(liked)
                    .collect()
            }
        };
        Ok(ReaderSignals {
            positive,
            negative,
            settled,
        })
    }

    /// Every mark the reader gave in the feed.
    pub fn feed_marks(&self) -> Result<HashMap<String, Mark>> {
        let mut stmt = self
            .conn()
            .prepare("SELECT paper_id, mark FROM feed_marks")?;
        let rows = stmt.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?)))?;
        let mut out = HashMap::new();
        for row in rows {
            let (id, mark) = row?;
            if let Some(mark) = Mark::parse(&mark) {
                out.insert(id, mark);
            }
        }
        Ok(out)
    }

    /// Marks a paper (found by any key `find` takes); returns its id.
    pub fn set_feed_mark(&mut self, key: &str, mark: Mark, now: DateTime<Utc>) -> Result<String> {
        let id = self.find(key)?.paper.id;
        self.conn().execute(
            "INSERT INTO feed_marks (paper_id, mark, marked_at) VALUES (?1, ?2, ?3) \
             ON CONFLICT (paper_id) DO UPDATE SET mark = excluded.mark, marked_at = excluded.marked_at",
            params![id, mark.as_str(), format_timestamp(&now)],
        )?;
        Ok(id)
    }

    /// Takes a paper's mark back; false when it had none.
    pub fn clear_feed_mark(&mut self, key: &str) -> Result<(String, bool)> {
        let id = self.find(key)?.paper.id;
        let removed = self
            .conn()
            .execute("DELETE FROM feed_marks WHERE paper_id = ?1", [&id])?;
        Ok((id, removed > 0))
    }

    /// When `view` was last looked at.
    pub fn feed_last_look(&self, view: &str) -> Result<Option<DateTime<Utc>>> {
        let at: Option<String> = self
            .conn()
            .query_row(
                "SELECT looked_at FROM feed_looks WHERE view = ?1",
                [view],
                |r| r.get(0),
            )
            .optional()?;
        Ok(at.as_deref().and_then(parse_timestamp))
    }

    /// Remembers that `view` was looked at `at`.
    pub fn set_feed_last_look(&mut self, view: &str, at: DateTime<Utc>) -> Result<()> {
        self.conn().execute(
            "INSERT INTO feed_looks (view, looked_at) VALUES (?1, ?2) \
             ON CONFLICT (view) DO UPDATE SET looked_at = excluded.looked_at",
            params![view, format_timestamp(&at)],
        )?;
        Ok(())
    }
}
