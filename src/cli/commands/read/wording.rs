//! How reading time reads: the clock, local times, time against budget.

use crate::reading::{Budget, Session, human_duration};
use chrono::{DateTime, Local, Utc};

pub(super) fn now() -> DateTime<Utc> {
    Utc::now()
}

pub(super) fn local(t: DateTime<Utc>) -> String {
    t.with_timezone(&Local).format("%Y-%m-%d %H:%M").to_string()
}

pub(super) fn budget_text(seconds: i64, budget: Budget) -> String {
    match budget.over(seconds) {
        Some(over) => format!("{} of {budget}, {over} min over", human_duration(seconds)),
        None => format!("{} of {budget}", human_duration(seconds)),
    }
}

pub(super) fn describe(running: &Session, at: DateTime<Utc>) -> String {
    format!(
        "{} {} since {} ({})",
        running.paper_id,
        running.pass,
        local(running.started),
        human_duration(running.seconds(at))
    )
}
