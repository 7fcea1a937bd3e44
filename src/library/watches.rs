//! Watches: saved arXiv queries with the point up to which they were synced.

use super::{Library, LibraryError, Result, now};
use crate::paper::{format_timestamp, parse_timestamp};
use chrono::{DateTime, Utc};
use rusqlite::{OptionalExtension, Row, params};

/// A saved query.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Watch {
    /// The user's name for it.
    pub name: String,
    /// The arXiv `search_query`.
    pub query: String,
    /// When it was saved.
    pub created_at: Option<DateTime<Utc>>,
    /// The newest `updated` timestamp seen by the last completed sync.
    pub sync_point: Option<DateTime<Utc>>,
    /// When the last sync completed.
    pub last_synced_at: Option<DateTime<Utc>>,
    /// Papers the last sync added.
    pub last_added: u64,
}

impl Watch {
    /// The most papers a sync of this watch fetches: the first sync (no
    /// sync point yet) goes back `first_sync_max`, later ones up to
    /// `sync_max`.
    pub fn sync_cap(&self, settings: &crate::config::WatchSettings) -> u64 {
        if self.sync_point.is_none() {
            settings.first_sync_max
        } else {
            settings.sync_max
        }
    }
}

fn read_watch(row: &Row<'_>) -> rusqlite::Result<Watch> {
    let time = |i: usize| -> rusqlite::Result<Option<DateTime<Utc>>> {
        Ok(row
            .get::<_, Option<String>>(i)?
            .as_deref()
            .and_then(parse_timestamp))
    };
    Ok(Watch {
        name: row.get(0)?,
        query: row.get(1)?,
        created_at: time(2)?,
        sync_point: time(3)?,
        last_synced_at: time(4)?,
        last_added: row.get(5)?,
    })
}

const COLUMNS: &str = "name, query, created_at, last_sync_point, last_synced_at, last_added";

impl Library {
    /// Saves a query under a new name.
    pub fn add_watch(&mut self, name: &str, query: &str) -> Result<Watch> {
        let name = name.trim();
        let inserted = self.conn.execute(
            "INSERT INTO watches (name, query, created_at) VALUES (?1, ?2, ?3) ON CONFLICT (name) DO NOTHING",
            params![name, query, now()],
        )?;
        if inserted == 0 {
            return Err(LibraryError::WatchExists(name.to_string()));
        }
        self.watch(name)
    }

    /// One watch by name.
    pub fn watch(&self, name: &str) -> Result<Watch> {
        self.conn
            .query_row(
                &format!("SELECT {COLUMNS} FROM watches WHERE name = ?1"),
                [name.trim()],
                read_watch,
            )
            .optional()?
            .ok_or_else(|| LibraryError::NoSuchWatch(name.trim().to_string()))
    }

    /// All watches by name.
    pub fn watches(&self) -> Result<Vec<Watch>> {
        let mut stmt = self
            .conn
            .prepare(&format!("SELECT {COLUMNS} FROM watches ORDER BY name"))?;
        let rows = stmt.query_map([], read_watch)?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// Deletes a watch (its papers stay in the library).
    pub fn remove_watch(&mut self, name: &str) -> Result<()> {
        if self
            .conn
            .execute("DELETE FROM watches WHERE name = ?1", [name.trim()])?
            == 0
        {
            return Err(LibraryError::NoSuchWatch(name.trim().to_string()));
        }
        Ok(())
    }

    /// Records a completed sync. The sync point only moves forward.
    pub fn record_sync(
        &mut self,
        name: &str,
        sync_point: Option<DateTime<Utc>>,
        added: u64,
    ) -> Result<()> {
        let point = sync_point.as_ref().map(format_timestamp);
        let changed = self.conn.execute(
            "UPDATE watches SET last_synced_at = ?2, last_added = ?3, \
             last_sync_point = CASE WHEN ?4 IS NOT NULL AND (last_sync_point IS NULL OR ?4 > last_sync_point) \
                               THEN ?4 ELSE last_sync_point END \
             WHERE name = ?1",
            params![name, now(), added, point],
        )?;
        if changed == 0 {
            return Err(LibraryError::NoSuchWatch(name.to_string()));
        }
        Ok(())
    }
}
