//! Reading state in SQLite: pass status, timing sessions (at most one
//! running), versioned notes and the reading queue. Every change is one
//! transaction; the clock is a parameter.

use super::{
    LeftRunning, Pass, PassState, Passes, QueueItem, Session, Status, current_pass, index,
    open_before, resolve_end,
};
use crate::library::{Library, LibraryError};
use crate::paper::{format_timestamp, parse_timestamp};
use chrono::{DateTime, Duration, NaiveDate, Utc};
use rusqlite::{Connection, OptionalExtension, params};

/// Why a reading action was refused.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ReadError {
    /// The store failed or the paper is unknown.
    #[error(transparent)]
    Library(#[from] LibraryError),
    /// A timer is already running (perhaps left from a closed terminal).
    #[error("a timer is already running: {} {} since {}", .0.paper_id, .0.pass, .0.started.format("%Y-%m-%d %H:%M UTC"))]
    TimerRunning(Session),
    /// An earlier pass is still open; needs confirmation.
    #[error("{paper_id}: {pass} comes after {} which {} not done or skipped", list(.open), if .open.len() == 1 { "is" } else { "are" })]
    OutOfOrder {
        /// The paper.
        paper_id: String,
        /// The pass asked for.
        pass: Pass,
        /// The earlier passes still open.
        open: Vec<Pass>,
    },
    /// Every pass is done or skipped.
    #[error("{0}: all three passes are done or skipped; name one with --pass to reopen it")]
    AllClosed(String),
    /// No timer is running.
    #[error("no timer is running")]
    NoTimer,
}

fn list(passes: &[Pass]) -> String {
    passes
        .iter()
        .map(Pass::to_string)
        .collect::<Vec<_>>()
        .join(" and ")
}

impl From<rusqlite::Error> for ReadError {
    fn from(e: rusqlite::Error) -> Self {
        ReadError::Library(LibraryError::Sqlite(e))
    }
}

type Result<T, E = ReadError> = std::result::Result<T, E>;

fn ts(t: DateTime<Utc>) -> String {
    format_timestamp(&t)
}

fn read_session(row: &rusqlite::Row<'_>) -> rusqlite::Result<Session> {
    let started: String = row.get(3)?;
    let ended: Option<String> = row.get(4)?;
    let pass: u8 = row.get(2)?;
    Ok(Session {
        id: row.get(0)?,
        paper_id: row.get(1)?,
        pass: Pass::from_number(pass).unwrap_or(Pass::Skim),
        started: parse_timestamp(&started).unwrap_or_default(),
        ended: ended.as_deref().and_then(parse_timestamp),
    })
}

const SESSION_COLUMNS: &str = "id, paper_id, pass, started_at, ended_at";

/// Makes sure the paper has its three reading rows.
fn ensure_rows(conn: &Connection, paper_id: &str) -> rusqlite::Result<()> {
    let mut stmt =
        conn.prepare_cached("INSERT OR IGNORE INTO reading (paper_id, pass) VALUES (?1, ?2)")?;
    for pass in Pass::ALL {
        stmt.execute(params![paper_id, pass.number()])?;
    }
    Ok(())
}

fn passes_of(conn: &Connection, paper_id: &str) -> rusqlite::Result<Passes> {
    let mut passes: Passes = Default::default();
    let mut stmt = conn.prepare_cached(
        "SELECT pass, status, started_at, finished_at, note FROM reading WHERE paper_id = ?1",
    )?;
    let rows = stmt.query_map([paper_id], |r| {
        Ok((
            r.get::<_, u8>(0)?,
            r.get::<_, String>(1)?,
            r.get::<_, Option<String>>(2)?,
            r.get::<_, Option<String>>(3)?,
            r.get::<_, String>(4)?,
        ))
    })?;
    for row in rows {
        let (pass, status, started, finished, note) = row?;
        let Some(pass) = Pass::from_number(pass) else {
            continue;
        };
        passes[index(pass)] = PassState {
            status: Status::parse(&status).unwrap_or_default(),
            started_at: started.as_deref().and_then(parse_timestamp),
            finished_at: finished.as_deref().and_then(parse_timestamp),
            seconds: 0,
            note,
        };
    }
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT {SESSION_COLUMNS} FROM sessions WHERE paper_id = ?1 AND ended_at IS NOT NULL"
    ))?;
    for session in stmt.query_map([paper_id], read_session)? {
        let s = session?;
        passes[index(s.pass)].seconds += s.seconds(s.started);
    }
    Ok(passes)
}

impl Library {
    /// The three passes of a paper (found by any id form).
    pub fn passes(&self, key: &str) -> Result<(String, Passes)> {
        let id = self.find(key)?.paper.id;
        let passes = passes_of(self.conn(), &id)?;
        Ok((id, passes))
    }

    /// The running timer, if any.
    pub fn running_timer(&self) -> Result<Option<Session>> {
        Ok(self
            .conn()
            .query_row(
                &format!("SELECT {SESSION_COLUMNS} FROM sessions WHERE ended_at IS NULL"),
                [],
                read_session,
            )
            .optional()?)
    }

    /// Starts a timer on a pass (default: the current one). Refuses while
    /// another timer runs, and for a pass whose predecessors are open unless
    /// `force` is set. Marks the pass in progress.
    pub fn start_timer(
        &mut self,
        key: &str,
        pass: Option<Pass>,
        force: bool,
        now: DateTime<Utc>,
    ) -> Result<Session> {
        let (paper_id, passes) = self.passes(key)?;
        if let Some(running) = self.running_timer()? {
            return Err(ReadError::TimerRunning(running));
        }
        let pass = match pass.or_else(|| current_pass(&passes)) {
            Some(p) => p,
            None => return Err(ReadError::AllClosed(paper_id)),
        };
        let open = open_before(&passes, pass);
        if !open.is_empty() && !force {
            return Err(ReadError::OutOfOrder {
                paper_id,
                pass,
                open,
            });
        }
        let tx = self.conn_mut().transaction()?;
        ensure_rows(&tx, &paper_id)?;
        tx.execute(
            "UPDATE reading SET status = CASE WHEN status = 'done' THEN 'done' ELSE 'in_progress' END, \
             started_at = coalesce(started_at, ?3) WHERE paper_id = ?1 AND pass = ?2",
            params![paper_id, pass.number(), ts(now)],
        )?;
        tx.execute(
            "INSERT INTO sessions (paper_id, pass, started_at, kind) VALUES (?1, ?2, ?3, 'timer')",
            params![paper_id, pass.number(), ts(now)],
        )?;
        let id = tx.last_insert_rowid();
        tx.commit()?;
        Ok(Session {
            id,
            paper_id,
            pass,
            started: now,
            ended: None,
        })
    }

    /// Stops the running timer at `now`; returns the finished session.
    pub fn stop_timer(&mut self, now: DateTime<Utc>) -> Result<Session> {
        self.resolve_running(LeftRunning::Keep, now)?
            .ok_or(ReadError::NoTimer)
    }

    /// Ends (or discards) a running timer as the user chose; returns the
    /// session as kept, `None` when discarded.
    pub fn resolve_running(
        &mut self,
        choice: LeftRunning,
        now: DateTime<Utc>,
    ) -> Result<Option<Session>> {
        let running = self.running_timer()?.ok_or(ReadError::NoTimer)?;
        match resolve_end(&running, choice, now) {
            Some(end) => {
                self.conn().execute(
                    "UPDATE sessions SET ended_at = ?2 WHERE id = ?1",
                    params![running.id, ts(end)],
                )?;
                Ok(Some(Session {
                    ended: Some(end),
                    ..running
                }))
            }
            None => {
                self.conn()
                    .execute("DELETE FROM sessions WHERE id = ?1", [running.id])?;
                Ok(None)
            }
        }
    }

    /// Marks a pass done or skipped (a running timer on it stops first).
    pub fn close_pass(
        &mut self,
        key: &str,
        pass: Option<Pass>,
        status: Status,
        now: DateTime<Utc>,
    ) -> Result<(String, Pass)> {
        let (paper_id, passes) = self.passes(key)?;
        let pass = match pass.or_else(|| current_pass(&passes)) {
            Some(p) => p,
            None => return Err(ReadError::AllClosed(paper_id)),
        };
        if let Some(running) = self.running_timer()? {
            if running.paper_id == paper_id && running.pass == pass {
                self.stop_timer(now)?;
            }
        }
        let tx = self.conn_mut().transaction()?;
        ensure_rows(&tx, &paper_id)?;
        tx.execute(
            "UPDATE reading SET status = ?3, finished_at = ?4, started_at = coalesce(started_at, ?4) \
             WHERE paper_id = ?1 AND pass = ?2",
            params![paper_id, pass.number(), status.as_str(), ts(now)],
        )?;
        tx.commit()?;
        Ok((paper_id, pass))
    }

    /// Records time spent away from the timer (`minutes` ending `now`).
    pub fn log_time(
        &mut self,
        key: &str,
        pass: Option<Pass>,
        minutes: u32,
        now: DateTime<Utc>,
    ) -> Result<(String, Pass)> {
        let (paper_id, passes) = self.passes(key)?;
        let pass = pass
            .or_else(|| current_pass(&passes))
            .unwrap_or(Pass::Reproduce);
        let tx = self.conn_mut().transaction()?;
        ensure_rows(&tx, &paper_id)?;
        let start = now - Duration::minutes(i64::from(minutes));
        tx.execute(
            "INSERT INTO sessions (paper_id, pass, started_at, ended_at, kind) VALUES (?1, ?2, ?3, ?4, 'manual')",
            params![paper_id, pass.number(), ts(start), ts(now)],
        )?;
        tx.execute(
            "UPDATE reading SET status = CASE WHEN status = 'not_started' THEN 'in_progress' ELSE status END, \
             started_at = coalesce(started_at, ?3) WHERE paper_id = ?1 AND pass = ?2",
            params![paper_id, pass.number(), ts(start)],
        )?;
        tx.commit()?;
        Ok((paper_id, pass))
    }

    /// The note of a pass ("" when none).
    pub fn note(&self, key: &str, pass: Pass) -> Result<(String, String)> {
        let (id, passes) = self.passes(key)?;
        Ok((id, passes[index(pass)].note.clone()))
    }

    /// Saves a note in one transaction, keeping the previous text as a
    /// version. Returns false (and saves nothing) when the text is unchanged.
    pub fn save_note(
        &mut self,
        key: &str,
        pass: Pass,
        text: &str,
        now: DateTime<Utc>,
    ) -> Result<bool> {
        let (paper_id, passes) = self.passes(key)?;
        let old = &passes[index(pass)].note;
        if old == text {
            return Ok(false);
        }
        let tx = self.conn_mut().transaction()?;
        ensure_rows(&tx, &paper_id)?;
        if !old.is_empty() {
            let saved: Option<String> = tx.query_row(
                "SELECT note_updated_at FROM reading WHERE paper_id = ?1 AND pass = ?2",
                params![paper_id, pass.number()],
                |r| r.get(0),
            )?;
            tx.execute(
                "INSERT INTO note_versions (paper_id, pass, text, saved_at, replaced_at) VALUES (?1, ?2, ?3, ?4, ?5)",
                params![paper_id, pass.number(), old, saved.unwrap_or_else(|| ts(now)), ts(now)],
            )?;
        }
        tx.execute(
            "UPDATE reading SET note = ?3, note_updated_at = ?4 WHERE paper_id = ?1 AND pass = ?2",
            params![paper_id, pass.number(), text, ts(now)],
        )?;
        tx.commit()?;
        Ok(true)
    }

    /// Earlier texts of a note, newest first: (when it was saved, text).
    pub fn note_versions(
        &self,
        key: &str,
        pass: Pass,
    ) -> Result<Vec<(Option<DateTime<Utc>>, String)>> {
        let id = self.find(key)?.paper.id;
        let mut stmt = self.conn().prepare(
            "SELECT saved_at, text FROM note_versions WHERE paper_id = ?1 AND pass = ?2 ORDER BY id DESC",
        )?;
        let rows = stmt.query_map(params![id, pass.number()], |r| {
            Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?))
        })?;
        let mut out = Vec::new();
        for row in rows {
            let (saved, text) = row?;
            out.push((parse_timestamp(&saved), text));
        }
        Ok(out)
    }

    /// Finished sessions that started on or after `since` (all when `None`),
    /// oldest first.
    pub fn sessions(&self, since: Option<NaiveDate>) -> Result<Vec<Session>> {
        let from = since.map_or_else(String::new, |d| {
            format!("{}T00:00:00Z", d.format("%Y-%m-%d"))
        });
        let mut stmt = self.conn().prepare(&format!(
            "SELECT {SESSION_COLUMNS} FROM sessions WHERE ended_at IS NOT NULL AND ended_at >= ?1 ORDER BY started_at"
        ))?;
        let rows = stmt.query_map([from], read_session)?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// Puts a paper in the reading queue (or changes its priority).
    pub fn enqueue(&mut self, key: &str, priority: i64, now: DateTime<Utc>) -> Result<String> {
        let id = self.find(key)?.paper.id;
        self.conn().execute(
            "INSERT INTO reading_queue (paper_id, priority, queued_at) VALUES (?1, ?2, ?3) \
             ON CONFLICT (paper_id) DO UPDATE SET priority = excluded.priority",
            params![id, priority, ts(now)],
        )?;
        Ok(id)
    }

    /// Takes a paper out of the queue; false when it was not there.
    pub fn dequeue(&mut self, key: &str) -> Result<(String, bool)> {
        let id = self.find(key)?.paper.id;
        let removed = self
            .conn()
            .execute("DELETE FROM reading_queue WHERE paper_id = ?1", [&id])?;
        Ok((id, removed > 0))
    }

    /// Queued papers and papers with a pass in progress, unordered.
    pub fn queue_items(&self) -> Result<Vec<QueueItem>> {
        let mut stmt = self.conn().prepare(
            "SELECT q.paper_id, q.priority, q.queued_at FROM reading_queue q \
             UNION SELECT DISTINCT r.paper_id, 0, NULL FROM reading r \
             WHERE r.status = 'in_progress' AND r.paper_id NOT IN (SELECT paper_id FROM reading_queue)",
        )?;
        let rows = stmt.query_map([], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, i64>(1)?,
                r.get::<_, Option<String>>(2)?,
            ))
        })?;
        let mut items = Vec::new();
        for row in rows {
            let (paper_id, priority, queued) = row?;
            let passes = passes_of(self.conn(), &paper_id)?;
            items.push(QueueItem {
                paper_id,
                priority,
                queued_at: queued.as_deref().and_then(parse_timestamp),
                passes,
            });
        }
        Ok(items)
    }

    /// Every paper with reading state, with its passes.
    pub fn reading_states(&self) -> Result<Vec<(String, Passes)>> {
        let mut stmt = self
            .conn()
            .prepare("SELECT DISTINCT paper_id FROM reading ORDER BY paper_id")?;
        let ids: Vec<String> = stmt
            .query_map([], |r| r.get(0))?
            .collect::<rusqlite::Result<_>>()?;
        ids.into_iter()
            .map(|id| {
                let passes = passes_of(self.conn(), &id)?;
                Ok((id, passes))
            })
            .collect()
    }
}

#[cfg(test)]
mod tests;
