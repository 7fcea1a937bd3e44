//! Ordered schema migrations. Each one runs in its own transaction together
//! with the row in `schema_version` that records it, so a crash leaves the
//! database at a whole version. A database written by a newer litradar is
//! refused rather than guessed at.

use rusqlite::{Connection, OptionalExtension};

/// The migrations, oldest first; `MIGRATIONS[i]` brings a database from
/// version `i` to version `i + 1`. Never edit one that has shipped: add a new one.
pub const MIGRATIONS: &[&str] = &[V1, V2, V3, V4, V5, V6, V7, V8];

/// The schema version this build writes.
pub const CURRENT_VERSION: u32 = MIGRATIONS.len() as u32;

const V1: &str = r#"
CREATE TABLE papers (
    id                 TEXT PRIMARY KEY,
    source             TEXT NOT NULL,
    version            INTEGER,
    seen_version       INTEGER,
    version_changed_at TEXT,
    title              TEXT NOT NULL,
    abstract           TEXT NOT NULL DEFAULT '',
    authors            TEXT NOT NULL DEFAULT '[]',
    categories         TEXT NOT NULL DEFAULT '',
    primary_category   TEXT,
    published          TEXT,
    updated            TEXT,
    comment            TEXT,
    journal_ref        TEXT,
    doi                TEXT,
    abs_url            TEXT,
    pdf_url            TEXT,
    citekey            TEXT NOT NULL UNIQUE,
    bib_type           TEXT,
    bib_extra          TEXT,
    added_at           TEXT NOT NULL,
    modified_at        TEXT NOT NULL
) STRICT;
CREATE INDEX papers_doi ON papers (lower(doi)) WHERE doi IS NOT NULL;
CREATE INDEX papers_published ON papers (published);

CREATE TABLE tags (
    id   INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE COLLATE NOCASE
) STRICT;

CREATE TABLE paper_tags (
    paper_id TEXT NOT NULL REFERENCES papers (id) ON DELETE CASCADE ON UPDATE CASCADE,
    tag_id   INTEGER NOT NULL REFERENCES tags (id) ON DELETE CASCADE,
    added_at TEXT NOT NULL,
    PRIMARY KEY (paper_id, tag_id)
) STRICT, WITHOUT ROWID;
CREATE INDEX paper_tags_tag ON paper_tags (tag_id);

CREATE TABLE watches (
    id              INTEGER PRIMARY KEY,
    name            TEXT NOT NULL UNIQUE,
    query           TEXT NOT NULL,
    created_at      TEXT NOT NULL,
    last_sync_point TEXT,
    last_synced_at  TEXT,
    last_added      INTEGER NOT NULL DEFAULT 0
) STRICT;
"#;

/// Reading: pass state and notes, timing sessions (at most one running),
/// note history, the reading queue.
const V2: &str = r#"
CREATE TABLE reading (
    paper_id        TEXT NOT NULL REFERENCES papers (id) ON DELETE CASCADE ON UPDATE CASCADE,
    pass            INTEGER NOT NULL CHECK (pass BETWEEN 1 AND 3),
    status          TEXT NOT NULL DEFAULT 'not_started'
                    CHECK (status IN ('not_started', 'in_progress', 'done', 'skipped')),
    started_at      TEXT,
    finished_at     TEXT,
    note            TEXT NOT NULL DEFAULT '',
    note_updated_at TEXT,
    PRIMARY KEY (paper_id, pass)
) STRICT, WITHOUT ROWID;

CREATE TABLE note_versions (
    id          INTEGER PRIMARY KEY,
    paper_id    TEXT NOT NULL REFERENCES papers (id) ON DELETE CASCADE ON UPDATE CASCADE,
    pass        INTEGER NOT NULL CHECK (pass BETWEEN 1 AND 3),
    text        TEXT NOT NULL,
    saved_at    TEXT NOT NULL,
    replaced_at TEXT NOT NULL
) STRICT;
CREATE INDEX note_versions_paper ON note_versions (paper_id, pass);

CREATE TABLE sessions (
    id         INTEGER PRIMARY KEY,
    paper_id   TEXT NOT NULL REFERENCES papers (id) ON DELETE CASCADE ON UPDATE CASCADE,
    pass       INTEGER NOT NULL CHECK (pass BETWEEN 1 AND 3),
    started_at TEXT NOT NULL,
    ended_at   TEXT,
    kind       TEXT NOT NULL CHECK (kind IN ('timer', 'manual'))
) STRICT;
-- One running timer at most: every running row has the same key.
CREATE UNIQUE INDEX sessions_one_running ON sessions ((ended_at IS NULL)) WHERE ended_at IS NULL;
CREATE INDEX sessions_paper ON sessions (paper_id, pass);
CREATE INDEX sessions_ended ON sessions (ended_at);

CREATE TABLE reading_queue (
    paper_id  TEXT PRIMARY KEY REFERENCES papers (id) ON DELETE CASCADE ON UPDATE CASCADE,
    priority  INTEGER NOT NULL DEFAULT 0,
    queued_at TEXT NOT NULL
) STRICT;
"#;

/// Search: per-paper embeddings, a change log the full-text index catches
/// up from (kept by triggers, so no writer can forget it), and small
/// key/value settings.
const V3: &str = r#"
CREATE TABLE embeddings (
    id          INTEGER PRIMARY KEY,
    paper_id    TEXT NOT NULL REFERENCES papers (id) ON DELETE CASCADE ON UPDATE CASCADE,
    model       TEXT NOT NULL,
    text_hash   TEXT NOT NULL,
    dim         INTEGER NOT NULL,
    vector      BLOB NOT NULL,
    embedded_at TEXT NOT NULL,
    UNIQUE (paper_id, model)
) STRICT;
CREATE INDEX embeddings_model ON embeddings (model);

CREATE TABLE index_changes (
    seq      INTEGER PRIMARY KEY AUTOINCREMENT,
    paper_id TEXT NOT NULL
) STRICT;

CREATE TRIGGER papers_changed_insert AFTER INSERT ON papers
BEGIN INSERT INTO index_changes (paper_id) VALUES (new.id); END;
CREATE TRIGGER papers_changed_update AFTER UPDATE ON papers
BEGIN
    INSERT INTO index_changes (paper_id) VALUES (old.id);
    INSERT INTO index_changes (paper_id) SELECT new.id WHERE new.id <> old.id;
END;
CREATE TRIGGER papers_changed_delete AFTER DELETE ON papers
BEGIN INSERT INTO index_changes (paper_id) VALUES (old.id); END;
CREATE TRIGGER tags_changed_insert AFTER INSERT ON paper_tags
BEGIN INSERT INTO index_changes (paper_id) VALUES (new.paper_id); END;
CREATE TRIGGER tags_changed_delete AFTER DELETE ON paper_tags
BEGIN INSERT INTO index_changes (paper_id) VALUES (old.paper_id); END;
CREATE TRIGGER reading_changed_insert AFTER INSERT ON reading
BEGIN INSERT INTO index_changes (paper_id) VALUES (new.paper_id); END;
CREATE TRIGGER reading_changed_update AFTER UPDATE OF note, status ON reading
BEGIN INSERT INTO index_changes (paper_id) VALUES (new.paper_id); END;

CREATE TABLE meta (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
) STRICT;

-- Existing papers enter the index on its first catch-up.
INSERT INTO index_changes (paper_id) SELECT id FROM papers;
"#;

/// The technology radar: blips, monthly editions (each with its quadrant
/// and ring names), per-edition entries, and the papers behind each blip.
const V4: &str = r#"
CREATE TABLE radar_blips (
    id         INTEGER PRIMARY KEY,
    name       TEXT NOT NULL UNIQUE COLLATE NOCASE,
    aliases    TEXT NOT NULL DEFAULT '[]',
    created_at TEXT NOT NULL
) STRICT;

CREATE TABLE radar_editions (
    name       TEXT PRIMARY KEY,
    quadrants  TEXT NOT NULL,
    rings      TEXT NOT NULL,
    created_at TEXT NOT NULL,
    frozen_at  TEXT
) STRICT;

CREATE TABLE radar_entries (
    edition     TEXT NOT NULL REFERENCES radar_editions (name) ON DELETE CASCADE,
    blip_id     INTEGER NOT NULL REFERENCES radar_blips (id) ON DELETE CASCADE,
    quadrant    TEXT NOT NULL,
    ring        TEXT NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    rationale   TEXT,
    phased_out  INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (edition, blip_id)
) STRICT;

CREATE TABLE blip_papers (
    blip_id   INTEGER NOT NULL REFERENCES radar_blips (id) ON DELETE CASCADE,
    paper_id  TEXT NOT NULL REFERENCES papers (id) ON DELETE CASCADE ON UPDATE CASCADE,
    linked_at TEXT NOT NULL,
    PRIMARY KEY (blip_id, paper_id)
) STRICT;
CREATE INDEX blip_papers_paper ON blip_papers (paper_id);
"#;

const V5: &str = r#"
CREATE TABLE impls (
    id          INTEGER PRIMARY KEY,
    paper_id    TEXT NOT NULL REFERENCES papers (id) ON DELETE CASCADE ON UPDATE CASCADE,
    kind        TEXT NOT NULL CHECK (kind IN ('local', 'git', 'starter')),
    location    TEXT NOT NULL,
    command     TEXT NOT NULL DEFAULT '[]',
    workdir     TEXT,
    framework   TEXT,
    official    INTEGER NOT NULL DEFAULT 0,
    mentioned   INTEGER NOT NULL DEFAULT 0,
    created_at  TEXT NOT NULL,
    UNIQUE (paper_id, location)
) STRICT;

CREATE TABLE impl_runs (
    id          INTEGER PRIMARY KEY,
    impl_id     INTEGER NOT NULL REFERENCES impls (id) ON DELETE CASCADE,
    started_at  TEXT NOT NULL,
    duration_ms INTEGER NOT NULL,
    outcome     TEXT NOT NULL,
    exit_code   INTEGER,
    signal      INTEGER,
    command     TEXT NOT NULL,
    stdout_tail TEXT NOT NULL DEFAULT '',
    stderr_tail TEXT NOT NULL DEFAULT '',
    git_commit  TEXT
) STRICT;
CREATE INDEX impl_runs_impl ON impl_runs (impl_id, started_at);

CREATE TABLE run_metrics (
    run_id INTEGER NOT NULL REFERENCES impl_runs (id) ON DELETE CASCADE,
    name   TEXT NOT NULL,
    value  REAL NOT NULL,
    unit   TEXT,
    PRIMARY KEY (run_id, name)
) STRICT;

CREATE TABLE claims (
    id         INTEGER PRIMARY KEY,
    paper_id   TEXT NOT NULL REFERENCES papers (id) ON DELETE CASCADE ON UPDATE CASCADE,
    metric     TEXT NOT NULL,
    value      REAL NOT NULL,
    compare    TEXT NOT NULL DEFAULT 'about' CHECK (compare IN ('about', 'at_least', 'at_most')),
    tolerance  TEXT NOT NULL,
    task       TEXT,
    dataset    TEXT,
    note       TEXT,
    created_at TEXT NOT NULL
) STRICT;
CREATE INDEX claims_paper ON claims (paper_id);
"#;

/// Full text: per paper and version the document an extractor made of
/// arXiv's HTML, the LaTeX e-print or the PDF (sections, captions,
/// equations, references), what each source attempt gave, and vectors of
/// the document's passages. A change to a paper's text enters the search
/// index's change log like any other change.
const V6: &str = r#"
CREATE TABLE fulltext (
    paper_id     TEXT NOT NULL REFERENCES papers (id) ON DELETE CASCADE ON UPDATE CASCADE,
    version      INTEGER NOT NULL,
    source       TEXT NOT NULL CHECK (source IN ('html', 'latex', 'pdf')),
    extractor    TEXT NOT NULL,
    extracted_at TEXT NOT NULL,
    title        TEXT,
    abstract     TEXT,
    body_words   INTEGER NOT NULL,
    passages     INTEGER NOT NULL,
    PRIMARY KEY (paper_id, version)
) STRICT;

CREATE TABLE fulltext_sections (
    paper_id   TEXT NOT NULL,
    version    INTEGER NOT NULL,
    seq        INTEGER NOT NULL,
    number     TEXT,
    heading    TEXT NOT NULL,
    level      INTEGER NOT NULL,
    kind       TEXT NOT NULL CHECK (kind IN ('body', 'appendix', 'back')),
    paragraphs TEXT NOT NULL,
    PRIMARY KEY (paper_id, version, seq),
    FOREIGN KEY (paper_id, version) REFERENCES fulltext (paper_id, version)
        ON DELETE CASCADE ON UPDATE CASCADE
) STRICT, WITHOUT ROWID;

CREATE TABLE fulltext_captions (
    paper_id TEXT NOT NULL,
    version  INTEGER NOT NULL,
    seq      INTEGER NOT NULL,
    kind     TEXT NOT NULL CHECK (kind IN ('figure', 'table')),
    number   TEXT,
    text     TEXT NOT NULL,
    section  INTEGER,
    PRIMARY KEY (paper_id, version, seq),
    FOREIGN KEY (paper_id, version) REFERENCES fulltext (paper_id, version)
        ON DELETE CASCADE ON UPDATE CASCADE
) STRICT, WITHOUT ROWID;

CREATE TABLE fulltext_equations (
    paper_id TEXT NOT NULL,
    version  INTEGER NOT NULL,
    seq      INTEGER NOT NULL,
    latex    TEXT NOT NULL,
    number   TEXT,
    label    TEXT,
    section  INTEGER,
    PRIMARY KEY (paper_id, version, seq),
    FOREIGN KEY (paper_id, version) REFERENCES fulltext (paper_id, version)
        ON DELETE CASCADE ON UPDATE CASCADE
) STRICT, WITHOUT ROWID;

CREATE TABLE fulltext_references (
    paper_id TEXT NOT NULL,
    version  INTEGER NOT NULL,
    seq      INTEGER NOT NULL,
    text     TEXT NOT NULL,
    PRIMARY KEY (paper_id, version, seq),
    FOREIGN KEY (paper_id, version) REFERENCES fulltext (paper_id, version)
        ON DELETE CASCADE ON UPDATE CASCADE
) STRICT, WITHOUT ROWID;

-- The latest attempt per paper and source: what served, what was passed
-- over and why.
CREATE TABLE fulltext_attempts (
    paper_id     TEXT NOT NULL REFERENCES papers (id) ON DELETE CASCADE ON UPDATE CASCADE,
    source       TEXT NOT NULL CHECK (source IN ('html', 'latex', 'pdf')),
    version      INTEGER NOT NULL,
    attempted_at TEXT NOT NULL,
    outcome      TEXT NOT NULL CHECK (outcome IN ('served', 'missing', 'failed', 'skipped')),
    reason       TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (paper_id, source)
) STRICT, WITHOUT ROWID;

CREATE TABLE passage_embeddings (
    paper_id    TEXT NOT NULL REFERENCES papers (id) ON DELETE CASCADE ON UPDATE CASCADE,
    model       TEXT NOT NULL,
    seq         INTEGER NOT NULL,
    text_hash   TEXT NOT NULL,
    dim         INTEGER NOT NULL,
    vector      BLOB NOT NULL,
    embedded_at TEXT NOT NULL,
    PRIMARY KEY (paper_id, model, seq)
) STRICT, WITHOUT ROWID;
CREATE INDEX passage_embeddings_model ON passage_embeddings (model);

CREATE TRIGGER fulltext_changed_insert AFTER INSERT ON fulltext
BEGIN INSERT INTO index_changes (paper_id) VALUES (new.paper_id); END;
CREATE TRIGGER fulltext_changed_delete AFTER DELETE ON fulltext
BEGIN INSERT INTO index_changes (paper_id) VALUES (old.paper_id); END;
"#;

/// The feed: what the reader said of papers it showed (like, dislike,
/// dismiss), and when each view was last looked at.
const V7: &str = r#"
CREATE TABLE feed_marks (
    paper_id  TEXT PRIMARY KEY REFERENCES papers (id) ON DELETE CASCADE ON UPDATE CASCADE,
    mark      TEXT NOT NULL CHECK (mark IN ('like', 'dislike', 'dismiss')),
    marked_at TEXT NOT NULL
) STRICT;

CREATE TABLE feed_looks (
    view      TEXT PRIMARY KEY,
    looked_at TEXT NOT NULL
) STRICT;
"#;

/// Radars from other tools: a blip's link (Zalando's `link`, Backstage's
/// `url`); and the monthly review's dismissals, so a proposal the user
/// turned down is not made again.
const V8: &str = r#"
ALTER TABLE radar_blips ADD COLUMN link TEXT;

CREATE TABLE radar_review_dismissals (
    kind         TEXT NOT NULL CHECK (kind IN ('evidence', 'new_blip', 'move', 'stale')),
    subject      TEXT NOT NULL COLLATE NOCASE,
    object       TEXT NOT NULL DEFAULT '' COLLATE NOCASE,
    dismissed_at TEXT NOT NULL,
    PRIMARY KEY (kind, subject, object)
) STRICT;
"#;

/// Why the schema could not be brought up to date.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum SchemaError {
    /// The file was written by a newer litradar.
    #[error(
        "this library uses schema version {found}, but this litradar only knows up to {supported}; upgrade litradar (the file was left untouched)"
    )]
    Newer {
        /// Version in the file.
        found: u32,
        /// Newest version this build knows.
        supported: u32,
    },
    /// SQLite failed.
    #[error(transparent)]
    Sqlite(#[from] rusqlite::Error),
}

/// The version recorded in the database (0 for a fresh file).
pub fn version(conn: &Connection) -> Result<u32, rusqlite::Error> {
    let has_table: bool = conn
        .query_row(
            "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'schema_version'",
            [],
            |_| Ok(true),
        )
        .optional()?
        .unwrap_or(false);
    if !has_table {
        return Ok(0);
    }
    conn.query_row(
        "SELECT coalesce(max(version), 0) FROM schema_version",
        [],
        |r| r.get(0),
    )
}

/// Applies every migration the database lacks, up to `target`.
pub fn migrate_to(conn: &mut Connection, target: u32) -> Result<u32, SchemaError> {
    let found = version(conn)?;
    if found > CURRENT_VERSION {
        return Err(SchemaError::Newer {
            found,
            supported: CURRENT_VERSION,
        });
    }
    for (index, sql) in MIGRATIONS
        .iter()
        .enumerate()
        .take(target as usize)
        .skip(found as usize)
    {
        let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        // Another process may have migrated while we waited for the lock.
        if version(&tx)? > index as u32 {
            continue;
        }
        tx.execute_batch(
            "CREATE TABLE IF NOT EXISTS schema_version (
                version    INTEGER PRIMARY KEY,
                applied_at TEXT NOT NULL
            ) STRICT;",
        )?;
        tx.execute_batch(sql)?;
        tx.execute(
            "INSERT INTO schema_version (version, applied_at) VALUES (?1, ?2)",
            rusqlite::params![
                index as u32 + 1,
                crate::paper::format_timestamp(&chrono::Utc::now())
            ],
        )?;
        tx.commit()?;
    }
    Ok(version(conn)?)
}

/// Applies every migration the database lacks.
pub fn migrate(conn: &mut Connection) -> Result<u32, SchemaError> {
    migrate_to(conn, CURRENT_VERSION)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn migrates_from_empty_and_from_every_earlier_version() {
        for start in 0..=CURRENT_VERSION {
            let mut conn = Connection::open_in_memory().expect("memory db");
            assert_eq!(migrate_to(&mut conn, start).expect("partial"), start);
            assert_eq!(migrate(&mut conn).expect("rest"), CURRENT_VERSION);
            // Running again changes nothing.
            assert_eq!(migrate(&mut conn).expect("again"), CURRENT_VERSION);
            let rows: u32 = conn
                .query_row("SELECT count(*) FROM schema_version", [], |r| r.get(0))
                .expect("count");
            assert_eq!(rows, CURRENT_VERSION);
        }
    }

    #[test]
    fn every_migration_is_valid_sql() {
        let conn = Connection::open_in_memory().expect("memory db");
        for sql in MIGRATIONS {
            conn.execute_batch(sql).expect("migration applies");
        }
    }

    #[test]
    fn refuses_a_newer_database() {
        let mut conn = Connection::open_in_memory().expect("memory db");
        migrate(&mut conn).expect("migrate");
        conn.execute(
            "INSERT INTO schema_version (version, applied_at) VALUES (?1, 'later')",
            [CURRENT_VERSION + 1],
        )
        .expect("insert");
        let err = migrate(&mut conn).expect_err("newer schema");
        assert!(err.to_string().contains("upgrade litradar"), "{err}");
    }
}
