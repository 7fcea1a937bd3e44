//! The three-pass reading method: per paper, pass 1 (structured skim),
//! pass 2 (key derivations) and pass 3 (reproduction), each with a status,
//! logged time against a budget, and Markdown notes.
//!
//! This module is the pure core: states, transitions, time accounting and
//! ordering as plain functions over plain data, with the clock passed in.
//! [`store`] keeps it in SQLite; [`export`] writes notes as Markdown.

pub mod editor;
pub mod export;
pub mod states;
pub mod stats;
pub mod store;

pub use states::{READING_STATES, reading_states};
mod templates;

pub use templates::template;

use chrono::{DateTime, Duration, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use std::fmt;

/// One of the three passes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Pass {
    /// Structured skim: title, abstract, conclusion, figures.
    Skim = 1,
    /// Key derivations: the method, the main formulas re-derived.
    Derive = 2,
    /// Reproduction: implement the core, compare with the paper.
    Reproduce = 3,
}

impl Pass {
    /// All passes in order.
    pub const ALL: [Pass; 3] = [Pass::Skim, Pass::Derive, Pass::Reproduce];

    /// 1, 2 or 3.
    pub fn number(self) -> u8 {
        self as u8
    }

    /// The pass with this number.
    pub fn from_number(n: u8) -> Option<Pass> {
        match n {
            1 => Some(Pass::Skim),
            2 => Some(Pass::Derive),
            3 => Some(Pass::Reproduce),
            _ => None,
        }
    }

    /// "structured skim", ...
    pub fn name(self) -> &'static str {
        match self {
            Pass::Skim => "structured skim",
            Pass::Derive => "key derivations",
            Pass::Reproduce => "reproduction",
        }
    }

    /// The pass before this one.
    pub fn previous(self) -> Option<Pass> {
        Pass::from_number(self.number().wrapping_sub(1))
    }
}

impl fmt::Display for Pass {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "pass {}", self.number())
    }
}

/// Where a pass stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// Not begun.
    #[default]
    NotStarted,
    /// Begun, not finished.
    InProgress,
    /// Finished.
    Done,
    /// Deliberately left out.
    Skipped,
}

impl Status {
    /// The stored and printed name.
    pub fn as_str(self) -> &'static str {
        match self {
            Status::NotStarted => "not_started",
            Status::InProgress => "in_progress",
            Status::Done => "done",
            Status::Skipped => "skipped",
        }
    }

    /// Parses a stored name.
    pub fn parse(text: &str) -> Option<Status> {
        match text {
            "not_started" => Some(Status::NotStarted),
            "in_progress" => Some(Status::InProgress),
            "done" => Some(Status::Done),
            "skipped" => Some(Status::Skipped),
            _ => None,
        }
    }

    /// True for done or skipped: the pass no longer blocks the next one.
    pub fn is_closed(self) -> bool {
        matches!(self, Status::Done | Status::Skipped)
    }
}

/// One pass of one paper.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct PassState {
    /// Status.
    pub status: Status,
    /// When it was first started.
    pub started_at: Option<DateTime<Utc>>,
    /// When it was marked done or skipped.
    pub finished_at: Option<DateTime<Utc>>,
    /// Seconds logged by finished sessions.
    pub seconds: i64,
    /// The note, Markdown.
    pub note: String,
}

/// The three passes of one paper, index 0 = pass 1.
pub type Passes = [PassState; 3];

/// The pass to work on next: the first that is neither done nor skipped.
pub fn current_pass(passes: &Passes) -> Option<Pass> {
    Pass::ALL
        .into_iter()
        .find(|p| !passes[index(*p)].status.is_closed())
}

/// Array index of a pass.
pub fn index(pass: Pass) -> usize {
    pass.number() as usize - 1
}

/// Passes that should be closed before `pass` starts but are not.
pub fn open_before(passes: &Passes, pass: Pass) -> Vec<Pass> {
    Pass::ALL
        .into_iter()
        .filter(|p| *p < pass && !passes[index(*p)].status.is_closed())
        .collect()
}

/// A time budget, in minutes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Budget {
    /// Lower end.
    pub min: u32,
    /// Upper end: time past it is "over budget".
    pub max: u32,
}

impl Budget {
    /// The budgets `[reading]` sets, pass 1 first.
    pub fn from_settings(settings: &crate::config::ReadingSettings) -> [Budget; 3] {
        [
            settings.pass1_minutes,
            settings.pass2_minutes,
            settings.pass3_minutes,
        ]
        .map(|[min, max]| Budget { min, max })
    }

    /// Minutes past the upper end, if any.
    pub fn over(self, seconds: i64) -> Option<i64> {
        let minutes = seconds / 60;
        (minutes > i64::from(self.max)).then(|| minutes - i64::from(self.max))
    }
}

impl fmt::Display for Budget {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}–{} min", self.min, self.max)
    }
}

/// A timing session: a running timer when `ended` is `None`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Session {
    /// Row id.
    pub id: i64,
    /// The paper.
    pub paper_id: String,
    /// The pass.
    pub pass: Pass,
    /// Start.
    pub started: DateTime<Utc>,
    /// End, or `None` while running.
    pub ended: Option<DateTime<Utc>>,
}

impl Session {
    /// Seconds counted so far (up to `now` while running, never negative).
    pub fn seconds(&self, now: DateTime<Utc>) -> i64 {
        (self.ended.unwrap_or(now) - self.started)
            .num_seconds()
            .max(0)
    }
}

/// What to do with a timer that was left running.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LeftRunning {
    /// Count all of it, up to now.
    Keep,
    /// Count only this many minutes from its start.
    Trim(u32),
    /// Count none of it.
    Discard,
}

/// The end time a resolution gives a running session (`None`: discard).
pub fn resolve_end(
    session: &Session,
    choice: LeftRunning,
    now: DateTime<Utc>,
) -> Option<DateTime<Utc>> {
    match choice {
        LeftRunning::Keep => Some(now.max(session.started)),
        LeftRunning::Trim(minutes) => {
            let end = session.started + Duration::minutes(i64::from(minutes));
            Some(end.min(now).max(session.started))
        }
        LeftRunning::Discard => None,
    }
}

/// Logged time of one paper, pass and day.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LogRow {
    /// The day (UTC) the time was spent.
    pub date: NaiveDate,
    /// The paper.
    pub paper_id: String,
    /// The pass (1–3).
    pub pass: u8,
    /// Seconds.
    pub seconds: i64,
}

/// Sums finished sessions per day, paper and pass, splitting sessions that
/// cross midnight (UTC) so each day gets its own share. Sorted by day, then
/// paper, then pass.
pub fn daily_log(sessions: &[Session], since: Option<NaiveDate>) -> Vec<LogRow> {
    let mut totals: std::collections::BTreeMap<(NaiveDate, String, u8), i64> = Default::default();
    for s in sessions {
        let Some(end) = s.ended else { continue };
        let mut start = s.started;
        while start < end {
            let day = start.date_naive();
            let next_midnight = day
                .succ_opt()
                .and_then(|d| d.and_hms_opt(0, 0, 0))
                .map(|d| d.and_utc())
                .unwrap_or(end);
            let piece_end = end.min(next_midnight);
            if since.is_none_or(|s| day >= s) {
                *totals
                    .entry((day, s.paper_id.clone(), s.pass.number()))
                    .or_default() += (piece_end - start).num_seconds();
            }
            start = piece_end;
        }
    }
    totals
        .into_iter()
        .filter(|(_, secs)| *secs > 0)
        .map(|((date, paper_id, pass), seconds)| LogRow {
            date,
            paper_id,
            pass,
            seconds,
        })
        .collect()
}

/// An entry of the reading queue.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QueueItem {
    /// The paper.
    pub paper_id: String,
    /// The user's priority (higher first).
    pub priority: i64,
    /// When it was queued (papers only in progress have none).
    pub queued_at: Option<DateTime<Utc>>,
    /// Its passes.
    pub passes: Passes,
}

impl QueueItem {
    /// The pass to do next, `None` when all are closed.
    pub fn next_pass(&self) -> Option<Pass> {
        current_pass(&self.passes)
    }
}

/// Orders the queue: higher priority first; then papers with a pass in
/// progress (finish what you started), then later passes before earlier
/// ones (a paper worth a second pass is worth finishing); then the oldest in
/// the queue. Papers with every pass closed drop out.
pub fn order_queue(mut items: Vec<QueueItem>) -> Vec<QueueItem> {
    items.retain(|i| i.next_pass().is_some());
    items.sort_by(|a, b| {
        let key = |i: &QueueItem| {
            let next = i.next_pass().map_or(0, Pass::number);
            let in_progress = i.passes.iter().any(|p| p.status == Status::InProgress);
            (
                std::cmp::Reverse(i.priority),
                !in_progress,
                std::cmp::Reverse(next),
            )
        };
        key(a)
            .cmp(&key(b))
            .then_with(|| a.queued_at.cmp(&b.queued_at))
            .then_with(|| a.paper_id.cmp(&b.paper_id))
    });
    items
}

/// Formats seconds as "1 h 05 min" / "12 min" / "40 s".
pub fn human_duration(seconds: i64) -> String {
    let s = seconds.max(0);
    if s < 60 {
        return format!("{s} s");
    }
    let minutes = s / 60;
    if minutes < 60 {
        return format!("{minutes} min");
    }
    format!("{} h {:02} min", minutes / 60, minutes % 60)
}

#[cfg(test)]
mod tests;
