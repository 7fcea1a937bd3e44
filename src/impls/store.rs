//! Implementations, runs and claims in SQLite. A run is logged in one
//! transaction with its metrics, so the ledger never sees half a run.

use super::ledger::{self, Row};
use super::runner::Finished;
use super::{Claim, Compare, Implementation, Kind, Metric, Outcome, Run, Tolerance};
use crate::library::{Library, LibraryError};
use crate::paper::format_timestamp;
use rusqlite::{OptionalExtension, params};

/// Why an implementation command was refused.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ImplError {
    /// The store failed (or the paper is unknown).
    #[error(transparent)]
    Library(#[from] LibraryError),
    /// No implementation with that number.
    #[error("no implementation #{0} (see `litradar impl list`)")]
    NoImpl(i64),
    /// The paper has no implementation.
    #[error(
        "{0} has no implementation linked; link one with `litradar impl link {0} FOLDER --cmd \"...\"`"
    )]
    NoneLinked(String),
    /// More than one, and none stands out.
    #[error(
        "{paper} has several implementations ({choices}); name one by number: `litradar impl run N`"
    )]
    Ambiguous {
        /// The paper.
        paper: String,
        /// `#3 (local ~/x), #4 (starter papers/y)`.
        choices: String,
    },
    /// No claim with that number.
    #[error("no claim #{0} (see `litradar claim list`)")]
    NoClaim(i64),
    /// Something the user typed that cannot be used.
    #[error("{0}")]
    Invalid(String),
    /// A bundled starter manifest is broken (a defect of the build).
    #[error(transparent)]
    Manifest(#[from] super::starter::BadManifest),
    /// The reading state failed.
    #[error(transparent)]
    Reading(#[from] crate::reading::store::ReadError),
}

impl From<rusqlite::Error> for ImplError {
    fn from(e: rusqlite::Error) -> Self {
        ImplError::Library(LibraryError::Sqlite(e))
    }
}

type Result<T, E = ImplError> = std::result::Result<T, E>;

/// A link to make (or update).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct NewImpl {
    /// Folder, repository or starter (default: from the location).
    pub kind: Option<Kind>,
    /// Where it is.
    pub location: String,
    /// The command, as arguments.
    pub command: Vec<String>,
    /// Where to run it.
    pub workdir: Option<String>,
    /// Framework or language.
    pub framework: Option<String>,
    /// The authors' own.
    pub official: bool,
    /// Linked from the paper.
    pub mentioned_in_paper: bool,
}

/// A claim to record.
#[derive(Debug, Clone, PartialEq)]
pub struct NewClaim {
    /// The metric's name, as the implementation prints it.
    pub metric: String,
    /// The reported value.
    pub value: f64,
    /// About, at least, at most.
    pub compare: Compare,
    /// How close counts.
    pub tolerance: Tolerance,
    /// Task.
    pub task: Option<String>,
    /// Dataset.
    pub dataset: Option<String>,
    /// Note.
    pub note: Option<String>,
}

const IMPL_COLUMNS: &str =
    "id, paper_id, kind, location, command, workdir, framework, official, mentioned";

fn impl_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<Implementation> {
    let kind: String = r.get(2)?;
    let command: String = r.get(4)?;
    let id: i64 = r.get(0)?;
    Ok(Implementation {
        id,
        paper_id: r.get(1)?,
        kind: Kind::parse(&kind).unwrap_or(Kind::Local),
        location: r.get(3)?,
        command: crate::library::stored_json_column(
            &command,
            4,
            &format!("the command of implementation {id}"),
        )?,
        workdir: r.get(5)?,
        framework: r.get(6)?,
        official: r.get(7)?,
        mentioned_in_paper: r.get(8)?,
    })
}

const CLAIM_COLUMNS: &str = "id, paper_id, metric, value, compare, tolerance, task, dataset, note";

fn claim_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<Claim> {
    let compare: String = r.get(4)?;
    let tolerance: String = r.get(5)?;
    Ok(Claim {
        id: r.get(0)?,
        paper_id: r.get(1)?,
        metric: r.get(2)?,
        value: r.get(3)?,
        compare: Compare::parse(&compare),
        tolerance: Tolerance::from_stored(&tolerance),
        task: r.get(6)?,
        dataset: r.get(7)?,
        note: r.get(8)?,
    })
}

fn now() -> String {
    format_timestamp(&chrono::Utc::now())
}

fn clean(text: Option<String>) -> Option<String> {
    text.map(|t| t.trim().to_string()).filter(|t| !t.is_empty())
}

impl Library {
    /// Links an implementation to a paper, or updates the link to the same
    /// location (fields not given keep their values).
    pub fn impl_link(&mut self, paper: &str, new: NewImpl) -> Result<Implementation> {
        let paper_id = self.find(paper)?.paper.id;
        let location = new.location.trim().to_string();
        if location.is_empty() {
            return Err(ImplError::Invalid(
                "an implementation needs a location: a folder, a repository URL".into(),
            ));
        }
        let kind = new.kind.unwrap_or_else(|| Kind::of_location(&location));
        let location = match kind {
            // Folders are stored absolute, so runs do not depend on where
            // litradar was started.
            Kind::Local => {
                let path = super::resolve::expand_home(&location);
                let absolute = if path.is_absolute() {
                    path
                } else {
                    std::env::current_dir()
                        .map_err(|e| ImplError::Invalid(e.to_string()))?
                        .join(path)
                };
                let absolute = absolute.canonicalize().unwrap_or(absolute);
                absolute.display().to_string()
            }
            _ => location,
        };
        let command = serde_json::to_string(&new.command).unwrap_or_else(|_| "[]".into());
        self.conn().execute(
            "INSERT INTO impls (paper_id, kind, location, command, workdir, framework, official, mentioned, created_at) \
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9) \
             ON CONFLICT (paper_id, location) DO UPDATE SET kind = excluded.kind, \
             command = CASE WHEN excluded.command = '[]' THEN command ELSE excluded.command END, \
             workdir = coalesce(excluded.workdir, workdir), framework = coalesce(excluded.framework, framework), \
             official = excluded.official OR official, mentioned = excluded.mentioned OR mentioned",
            params![
                paper_id,
                kind.as_str(),
                location,
                command,
                clean(new.workdir),
                clean(new.framework),
                new.official,
                new.mentioned_in_paper,
                now()
            ],
        )?;
        let imp = self.conn().query_row(
            &format!("SELECT {IMPL_COLUMNS} FROM impls WHERE paper_id = ?1 AND location = ?2"),
            params![paper_id, location],
            impl_row,
        )?;
        Ok(imp)
    }

    /// Implementations of one paper, or of all, by paper then number.
    pub fn impl_list(&self, paper: Option<&str>) -> Result<Vec<Implementation>> {
        let paper_id = paper.map(|p| self.find(p)).transpose()?.map(|r| r.paper.id);
        let mut stmt = self.conn().prepare(&format!(
            "SELECT {IMPL_COLUMNS} FROM impls WHERE ?1 IS NULL OR paper_id = ?1 ORDER BY paper_id, id"
        ))?;
        let rows = stmt.query_map([paper_id], impl_row)?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// One implementation by number.
    pub fn impl_get(&self, id: i64) -> Result<Implementation> {
        self.conn()
            .query_row(
                &format!("SELECT {IMPL_COLUMNS} FROM impls WHERE id = ?1"),
                [id],
                impl_row,
            )
            .optional()?
            .ok_or(ImplError::NoImpl(id))
    }

    /// What `impl run X` means: `#N`/`N` is an implementation; a paper means
    /// its only implementation, else its official one.
    pub fn impl_pick(&self, key: &str) -> Result<Implementation> {
        if let Ok(n) = key.trim().trim_start_matches('#').parse::<i64>() {
            return self.impl_get(n);
        }
        let mut list = self.impl_list(Some(key))?;
        let paper = self.find(key)?.paper.id;
        match list.len() {
            0 => Err(ImplError::NoneLinked(paper)),
            1 => Ok(list.remove(0)),
            _ => {
                let official: Vec<&Implementation> = list.iter().filter(|i| i.official).collect();
                if official.len() == 1 {
                    return Ok(official[0].clone());
                }
                Err(ImplError::Ambiguous {
                    paper,
                    choices: list
                        .iter()
                        .map(|i| format!("#{} ({} {})", i.id, i.kind, i.location))
                        .collect::<Vec<_>>()
                        .join(", "),
                })
            }
        }
    }

    /// Removes a link (and its runs); false when there was none.
    pub fn impl_unlink(&mut self, id: i64) -> Result<bool> {
        Ok(self
            .conn()
            .execute("DELETE FROM impls WHERE id = ?1", [id])?
            > 0)
    }

    /// Logs a finished run with its metrics, in one transaction.
    pub fn impl_record_run(
        &mut self,
        imp: &Implementation,
        started_at: &str,
        argv: &[String],
        finished: &Finished,
        git_commit: Option<&str>,
    ) -> Result<Run> {
        let tx = self.conn_mut().transaction()?;
        tx.execute(
            "INSERT INTO impl_runs (impl_id, started_at, duration_ms, outcome, exit_code, signal, command, \
             stdout_tail, stderr_tail, git_commit) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
            params![
                imp.id,
                started_at,
                i64::try_from(finished.duration.as_millis()).unwrap_or(i64::MAX),
                finished.outcome.as_str(),
                finished.exit_code,
                finished.signal,
                serde_json::to_string(argv).unwrap_or_else(|_| "[]".into()),
                finished.stdout_tail,
                finished.stderr_tail,
                git_commit
            ],
        )?;
        let run_id = tx.last_insert_rowid();
        for m in &finished.metrics {
            tx.execute(
                "INSERT OR REPLACE INTO run_metrics (run_id, name, value, unit) VALUES (?1, ?2, ?3, ?4)",
                params![run_id, m.name, m.value, m.unit],
            )?;
        }
        tx.commit()?;
        self.impl_run(run_id)
    }

    /// One run.
    pub fn impl_run(&self, run_id: i64) -> Result<Run> {
        let mut runs = self.runs_where("r.id = ?1", run_id.to_string())?;
        runs.pop()
            .ok_or_else(|| ImplError::Invalid(format!("no run #{run_id}")))
    }

    /// Runs of one paper's implementations (or all), newest first.
    pub fn impl_runs(&self, paper: Option<&str>, limit: usize) -> Result<Vec<Run>> {
        let mut runs = match paper {
            Some(p) => {
                let id = self.find(p)?.paper.id;
                self.runs_where("i.paper_id = ?1", id)?
            }
            None => self.runs_where("?1 = ?1", String::new())?,
        };
        runs.truncate(limit);
        Ok(runs)
    }

    fn runs_where(&self, condition: &str, arg: String) -> Result<Vec<Run>> {
        let mut stmt = self.conn().prepare(&format!(
            "SELECT r.id, r.impl_id, i.paper_id, r.started_at, r.duration_ms, r.outcome, r.exit_code, r.command, \
             r.stdout_tail, r.stderr_tail, r.git_commit FROM impl_runs r JOIN impls i ON i.id = r.impl_id \
             WHERE {condition} ORDER BY r.started_at DESC, r.id DESC"
        ))?;
        let mut runs: Vec<Run> = stmt
            .query_map([arg], |r| {
                let outcome: String = r.get(5)?;
                let command: String = r.get(7)?;
                let id: i64 = r.get(0)?;
                Ok(Run {
                    id,
                    impl_id: r.get(1)?,
                    paper_id: r.get(2)?,
                    started_at: r.get(3)?,
                    duration_ms: r.get(4)?,
                    outcome: Outcome::parse(&outcome),
                    exit_code: r.get(6)?,
                    command: crate::library::stored_json_column(
                        &command,
                        7,
                        &format!("the command of run #{id}"),
                    )?,
                    stdout_tail: r.get(8)?,
                    stderr_tail: r.get(9)?,
                    git_commit: r.get(10)?,
                    metrics: Vec::new(),
                })
            })?
            .collect::<rusqlite::Result<_>>()?;
        let mut metrics = self.conn().prepare(
            "SELECT name, value, unit FROM run_metrics WHERE run_id = ?1 ORDER BY rowid",
        )?;
        for run in &mut runs {
            run.metrics = metrics
                .query_map([run.id], |r| {
                    Ok(Metric {
                        name: r.get(0)?,
                        value: r.get(1)?,
                        unit: r.get(2)?,
                    })
                })?
                .collect::<rusqlite::Result<_>>()?;
        }
        Ok(runs)
    }

    /// Records a number the paper reports.
    pub fn claim_add(&mut self, paper: &str, claim: NewClaim) -> Result<Claim> {
        let paper_id = self.find(paper)?.paper.id;
        let metric = claim.metric.trim().to_string();
        if metric.is_empty() || !claim.value.is_finite() {
            return Err(ImplError::Invalid(
                "a claim needs a metric name and a finite value".into(),
            ));
        }
        self.conn().execute(
            "INSERT INTO claims (paper_id, metric, value, compare, tolerance, task, dataset, note, created_at) \
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
            params![
                paper_id,
                metric,
                claim.value,
                claim.compare.as_str(),
                claim.tolerance.to_stored(),
                clean(claim.task),
                clean(claim.dataset),
                clean(claim.note),
                now()
            ],
        )?;
        let id = self.conn().last_insert_rowid();
        Ok(self.conn().query_row(
            &format!("SELECT {CLAIM_COLUMNS} FROM claims WHERE id = ?1"),
            [id],
            claim_row,
        )?)
    }

    /// Claims of one paper, or of all.
    pub fn claims(&self, paper: Option<&str>) -> Result<Vec<Claim>> {
        let paper_id = paper.map(|p| self.find(p)).transpose()?.map(|r| r.paper.id);
        let mut stmt = self.conn().prepare(&format!(
            "SELECT {CLAIM_COLUMNS} FROM claims WHERE ?1 IS NULL OR paper_id = ?1 ORDER BY paper_id, id"
        ))?;
        let rows = stmt.query_map([paper_id], claim_row)?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// Removes a claim.
    pub fn claim_remove(&mut self, id: i64) -> Result<()> {
        if self
            .conn()
            .execute("DELETE FROM claims WHERE id = ?1", [id])?
            == 0
        {
            return Err(ImplError::NoClaim(id));
        }
        Ok(())
    }

    /// The ledger of one paper, or of every paper with claims.
    pub fn impl_ledger(&self, paper: Option<&str>) -> Result<Vec<(String, Vec<Row>)>> {
        let claims = self.claims(paper)?;
        let runs = self.impl_runs(paper, usize::MAX)?;
        let mut out: Vec<(String, Vec<Row>)> = Vec::new();
        for row in ledger::rows(&claims, &runs) {
            match out.last_mut() {
                Some((p, rows)) if *p == row.claim.paper_id => rows.push(row),
                _ => out.push((row.claim.paper_id.clone(), vec![row])),
            }
        }
        Ok(out)
    }
}

#[cfg(test)]
mod tests;
