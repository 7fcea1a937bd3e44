//! `read stats`: per pass, how many papers are done, in progress or
//! skipped, the time logged, and how many timed papers went over budget.
//! Computed here once; the CLI (and anything else) prints it.

use super::{Budget, Pass, Passes, Status, index};
use serde::Serialize;

/// One pass's totals over the library.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct PassTotals {
    /// The pass.
    #[serde(skip)]
    pub pass: Pass,
    /// Papers with the pass done.
    pub done: usize,
    /// In progress.
    pub in_progress: usize,
    /// Skipped.
    pub skipped: usize,
    /// Papers with time logged on the pass.
    pub papers_timed: usize,
    /// Seconds logged in all.
    pub seconds: i64,
    /// Seconds per timed paper.
    pub average_seconds: i64,
    /// Timed papers over the pass's budget.
    pub over_budget: usize,
}

/// The totals of every pass, first to third.
pub fn totals(states: &[(String, Passes)], budgets: &[Budget; 3]) -> Vec<PassTotals> {
    Pass::ALL
        .iter()
        .map(|&pass| {
            let i = index(pass);
            let count = |st: Status| states.iter().filter(|(_, ps)| ps[i].status == st).count();
            let timed: Vec<i64> = states
                .iter()
                .map(|(_, ps)| ps[i].seconds)
                .filter(|secs| *secs > 0)
                .collect();
            let seconds: i64 = timed.iter().sum();
            PassTotals {
                pass,
                done: count(Status::Done),
                in_progress: count(Status::InProgress),
                skipped: count(Status::Skipped),
                papers_timed: timed.len(),
                seconds,
                average_seconds: if timed.is_empty() {
                    0
                } else {
                    seconds / timed.len() as i64
                },
                over_budget: timed
                    .iter()
                    .filter(|s| budgets[i].over(**s).is_some())
                    .count(),
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::reading::PassState;

    fn state(status: Status, minutes: i64) -> PassState {
        PassState {
            status,
            seconds: minutes * 60,
            ..PassState::default()
        }
    }

    #[test]
    fn totals_count_states_time_and_overruns() {
        let budgets = [
            Budget { min: 5, max: 10 },
            Budget { min: 30, max: 60 },
            Budget { min: 120, max: 240 },
        ];
        let states = vec![
            (
                "a".to_string(),
                [
                    state(Status::Done, 8),
                    state(Status::InProgress, 90),
                    state(Status::NotStarted, 0),
                ],
            ),
            (
                "b".to_string(),
                [
                    state(Status::Done, 25),
                    state(Status::Skipped, 0),
                    state(Status::NotStarted, 0),
                ],
            ),
        ];
        let t = totals(&states, &budgets);
        assert_eq!(
            (t[0].done, t[0].papers_timed, t[0].seconds),
            (2, 2, 33 * 60)
        );
        assert_eq!(t[0].average_seconds, 33 * 30);
        assert_eq!(t[0].over_budget, 1, "25 minutes is over a 10-minute skim");
        assert_eq!(
            (t[1].in_progress, t[1].skipped, t[1].over_budget),
            (1, 1, 1)
        );
        assert_eq!((t[2].papers_timed, t[2].average_seconds), (0, 0));
    }
}
