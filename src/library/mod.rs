//! The SQLite library: the source of truth for everything the user keeps.
//!
//! One [`Library`] wraps one connection. Writes are transactional; WAL mode
//! and a busy timeout let a CLI command run while the TUI holds the file.

mod citekey;
mod papers;
mod rows;
pub mod schema;
mod tags;
mod watches;

pub use papers::{BibExtras, Incoming, ListFilter, Merge, NewVersion, PaperRecord, UpsertReport};
pub use rows::{PaperRow, RowFilter, RowOrder};
pub use tags::validate_tag;
pub use watches::Watch;

use rusqlite::Connection;
use std::path::Path;
use std::time::Duration;

/// How long a writer waits for another process's transaction.
const BUSY_TIMEOUT: Duration = Duration::from_secs(10);

/// Errors from the store.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum LibraryError {
    /// The schema could not be brought up to date.
    #[error(transparent)]
    Schema(#[from] schema::SchemaError),
    /// SQLite failed.
    #[error("database error: {0}")]
    Sqlite(#[from] rusqlite::Error),
    /// No paper with that id.
    #[error(
        "no paper '{0}' in the library (see `litradar list`, or add it with `litradar add {0}`)"
    )]
    NoSuchPaper(String),
    /// No tag with that name.
    #[error("no tag '{0}' in the library (tag a paper with `litradar tag ID {0}` first)")]
    NoSuchTag(String),
    /// No watch with that name.
    #[error("no watch named '{0}' (see `litradar watch list`)")]
    NoSuchWatch(String),
    /// A watch with that name exists.
    #[error("a watch named '{0}' already exists; remove it first or pick another name")]
    WatchExists(String),
    /// A tag name that cannot be used.
    #[error("'{0}' cannot be a tag: {1}")]
    BadTag(String, &'static str),
    /// Stored data that does not decode (hand-edited database?).
    #[error("the library holds unreadable data for {0}: {1}")]
    Corrupt(String, String),
}

/// Result alias for store operations.
pub type Result<T, E = LibraryError> = std::result::Result<T, E>;

/// JSON the library stored, read back; JSON that does not parse is a
/// corrupt library (reported, never replaced by a silent default).
pub fn stored_json<T: serde::de::DeserializeOwned>(text: &str, what: &str) -> Result<T> {
    serde_json::from_str(text).map_err(|e| LibraryError::Corrupt(what.to_string(), e.to_string()))
}

/// [`stored_json`] inside a row mapper: the error travels as SQLite's
/// conversion failure of `column`, carrying the corrupt-library message.
pub fn stored_json_column<T: serde::de::DeserializeOwned>(
    text: &str,
    column: usize,
    what: &str,
) -> rusqlite::Result<T> {
    stored_json(text, what).map_err(|e| {
        rusqlite::Error::FromSqlConversionFailure(column, rusqlite::types::Type::Text, Box::new(e))
    })
}

/// An open library database.
pub struct Library {
    conn: Connection,
}

impl Library {
    /// Opens (creating if needed) the database at `path` and migrates it.
    pub fn open(path: &Path) -> Result<Library> {
        if let Some(dir) = path.parent() {
            // A missing directory surfaces as SQLite's "unable to open" below.
            let _ = std::fs::create_dir_all(dir);
        }
        let conn = Connection::open(path)?;
        Library::setup(conn)
    }

    /// An empty in-memory library, for tests and throwaway work.
    pub fn open_in_memory() -> Result<Library> {
        Library::setup(Connection::open_in_memory()?)
    }

    fn setup(mut conn: Connection) -> Result<Library> {
        conn.busy_timeout(BUSY_TIMEOUT)?;
        conn.pragma_update(None, "foreign_keys", true)?;
        // In-memory databases answer "memory"; files switch to WAL.
        let _mode: String =
            conn.pragma_update_and_check(None, "journal_mode", "WAL", |r| r.get(0))?;
        conn.pragma_update(None, "synchronous", "NORMAL")?;
        // 8 MiB of page cache: index pages stay hot during bulk imports
        // without swelling a long-running searcher.
        conn.pragma_update(None, "cache_size", -8_000)?;
        schema::migrate(&mut conn)?;
        Ok(Library { conn })
    }

    /// The underlying connection, for modules that keep their own tables.
    pub fn conn(&self) -> &Connection {
        &self.conn
    }

    /// The connection, for writers in other modules.
    pub(crate) fn conn_mut(&mut self) -> &mut Connection {
        &mut self.conn
    }

    /// Number of papers.
    pub fn paper_count(&self) -> Result<u64> {
        Ok(self
            .conn
            .query_row("SELECT count(*) FROM papers", [], |r| r.get(0))?)
    }
}

fn now() -> String {
    crate::paper::format_timestamp(&chrono::Utc::now())
}
