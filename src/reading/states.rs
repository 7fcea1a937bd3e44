//! The words a paper's reading state is filed and filtered under (`pass:skimmed`,
//! `--reading new`), from its three passes' statuses.

use super::{Pass, Status};

/// The reading-state words a paper is filed under: `new` (nothing started),
/// `in-progress`, `skimmed` (pass 1 done), `derived` (pass 2 done),
/// `reproduced` (pass 3 done), `finished` (every pass done or skipped).
pub const READING_STATES: &[&str] = &[
    "new",
    "in-progress",
    "skimmed",
    "derived",
    "reproduced",
    "finished",
];

/// The reading-state words for three pass statuses.
pub fn reading_states(statuses: [Status; 3]) -> Vec<String> {
    let mut out = Vec::new();
    if statuses.iter().all(|s| *s == Status::NotStarted) {
        out.push("new");
    }
    if statuses.contains(&Status::InProgress) {
        out.push("in-progress");
    }
    for (pass, word) in Pass::ALL.iter().zip(["skimmed", "derived", "reproduced"]) {
        if statuses[crate::reading::index(*pass)] == Status::Done {
            out.push(word);
        }
    }
    if statuses.iter().all(|s| s.is_closed()) {
        out.push("finished");
    }
    out.into_iter().map(str::to_string).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use Status::*;

    #[test]
    fn reading_words() {
        let words = |s: [Status; 3]| reading_states(s).join(" ");
        assert_eq!(words([NotStarted, NotStarted, NotStarted]), "new");
        assert_eq!(words([InProgress, NotStarted, NotStarted]), "in-progress");
        assert_eq!(words([Done, InProgress, NotStarted]), "in-progress skimmed");
        assert_eq!(words([Done, Skipped, Done]), "skimmed reproduced finished");
        for w in reading_states([Done, Done, Done]) {
            assert!(READING_STATES.contains(&w.as_str()));
        }
    }
}
