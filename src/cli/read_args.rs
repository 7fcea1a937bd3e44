//! The `read` command line. `litradar read ID ACTION` names a paper first,
//! so the paper forms are parsed by a second parser ([`PaperCli`]) from
//! what clap hands over as an external subcommand.

use super::values::parse_date;
use chrono::NaiveDate;
use clap::{Parser, Subcommand};

const PAPER_FORMS: &str = "\
Per paper:
  litradar read ID start [--pass N] [--force] [--left-running keep|discard|trim=MIN]
  litradar read ID stop                  stop the running timer
  litradar read ID status [--json]       the three passes: status, time against budget
  litradar read ID done [--pass N]       mark a pass done (stops its timer)
  litradar read ID skip [--pass N]       mark a pass skipped
  litradar read ID note [--pass N] [--stdin | --print | --history]
  litradar read ID log DURATION [--pass N]   add time spent away from the timer (25m, 1h30m)
  litradar read ID skim [--json]         pass 1: title, abstract, conclusion, figure and table captions
  litradar read ID queue [--priority N]  put the paper in the reading queue
  litradar read ID unqueue               take it out
The pass defaults to the paper's current one: the first not done or skipped.";

/// `litradar read ...`.
#[derive(Debug, Subcommand)]
#[command(after_help = PAPER_FORMS)]
pub enum ReadCommand {
    /// What to read next, by priority and pass state.
    Queue {
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// Time logged per day, paper and pass.
    Log {
        /// Only from this day on (YYYY-MM-DD).
        #[arg(long, value_parser = parse_date, value_name = "DATE")]
        since: Option<NaiveDate>,
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// Papers per pass, and time against budget.
    Stats {
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// Stop the running timer.
    Stop,
    /// Is a timer running?
    Status {
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// A paper's passes: `litradar read ID ACTION` (see below).
    #[command(external_subcommand)]
    Paper(Vec<String>),
}

/// `litradar read ID ...`, parsed after the id.
#[derive(Debug, Parser)]
#[command(name = "litradar read ID", about = "Read one paper with the three-pass method", after_help = PAPER_FORMS)]
pub struct PaperCli {
    /// What to do.
    #[command(subcommand)]
    pub action: PaperAction,
}

/// What `read ID` does.
#[derive(Debug, Subcommand)]
pub enum PaperAction {
    /// Start a timer on a pass.
    Start {
        /// Pass 1, 2 or 3 (default: the current pass).
        #[arg(long, value_parser = clap::value_parser!(u8).range(1..=3))]
        pass: Option<u8>,
        /// Start a later pass although an earlier one is not done or skipped.
        #[arg(long)]
        force: bool,
        /// What to do with a timer left running: keep, discard or trim=MINUTES.
        #[arg(long, value_parser = parse_left_running, value_name = "CHOICE")]
        left_running: Option<crate::reading::LeftRunning>,
    },
    /// Stop the running timer.
    Stop,
    /// The paper's three passes.
    Status {
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// Mark a pass done.
    Done {
        /// Pass 1, 2 or 3 (default: the current pass).
        #[arg(long, value_parser = clap::value_parser!(u8).range(1..=3))]
        pass: Option<u8>,
    },
    /// Mark a pass skipped.
    Skip {
        /// Pass 1, 2 or 3 (default: the current pass).
        #[arg(long, value_parser = clap::value_parser!(u8).range(1..=3))]
        pass: Option<u8>,
    },
    /// Edit a pass's note in $EDITOR (seeded with the pass's template).
    Note {
        /// Pass 1, 2 or 3 (default: the current pass).
        #[arg(long, value_parser = clap::value_parser!(u8).range(1..=3))]
        pass: Option<u8>,
        /// Read the note from standard input instead.
        #[arg(long, conflicts_with_all = ["print", "history"])]
        stdin: bool,
        /// Print the note.
        #[arg(long, conflicts_with = "history")]
        print: bool,
        /// Print the earlier versions of the note, newest first.
        #[arg(long)]
        history: bool,
    },
    /// Add time spent away from the timer.
    Log {
        /// 25, 25m, 1h, 1h30m.
        #[arg(value_parser = parse_minutes, value_name = "DURATION")]
        minutes: u32,
        /// Pass 1, 2 or 3 (default: the current pass).
        #[arg(long, value_parser = clap::value_parser!(u8).range(1..=3))]
        pass: Option<u8>,
    },
    /// Pass 1's skim: title, abstract, the conclusion, then every figure and table caption.
    Skim {
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// Put the paper in the reading queue.
    Queue {
        /// Higher is sooner.
        #[arg(long, default_value_t = 0, allow_negative_numbers = true)]
        priority: i64,
    },
    /// Take the paper out of the reading queue.
    Unqueue,
}

/// `keep`, `discard` or `trim=MINUTES`.
pub fn parse_left_running(text: &str) -> Result<crate::reading::LeftRunning, String> {
    use crate::reading::LeftRunning;
    match text.trim() {
        "keep" => Ok(LeftRunning::Keep),
        "discard" => Ok(LeftRunning::Discard),
        other => other
            .strip_prefix("trim=")
            .and_then(|m| parse_minutes(m).ok())
            .map(LeftRunning::Trim)
            .ok_or_else(|| format!("'{text}': use keep, discard or trim=MINUTES")),
    }
}

/// Minutes from `25`, `25m`, `25min`, `1h`, `1h30m`, `1h30`.
pub fn parse_minutes(text: &str) -> Result<u32, String> {
    let bad = || format!("'{text}' is not a duration; use minutes (25, 25m) or hours (1h, 1h30m)");
    let t = text.trim().to_lowercase();
    let (hours, rest) = match t.split_once('h') {
        Some((h, rest)) => (h.trim().parse::<u32>().map_err(|_| bad())?, rest.trim()),
        None => (0, t.as_str()),
    };
    let rest = rest.trim_end_matches("min").trim_end_matches('m').trim();
    let minutes = if rest.is_empty() {
        0
    } else {
        rest.parse::<u32>().map_err(|_| bad())?
    };
    let total = hours
        .checked_mul(60)
        .and_then(|h| h.checked_add(minutes))
        .ok_or_else(bad)?;
    if total == 0 || total > 24 * 60 {
        return Err(format!(
            "'{text}': a duration is between 1 minute and 24 hours"
        ));
    }
    Ok(total)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::reading::LeftRunning;
    use clap::CommandFactory;

    #[test]
    fn the_paper_parser_is_consistent() {
        PaperCli::command().debug_assert();
    }

    #[test]
    fn durations() {
        for (text, want) in [
            ("25", 25),
            ("25m", 25),
            ("25min", 25),
            ("1h", 60),
            ("1h30m", 90),
            ("1h30", 90),
            (" 2H ", 120),
        ] {
            assert_eq!(parse_minutes(text), Ok(want), "{text}");
        }
        for text in ["", "0", "abc", "h", "25s", "25h"] {
            assert!(parse_minutes(text).is_err(), "{text}");
        }
    }

    #[test]
    fn left_running_choices() {
        assert_eq!(parse_left_running("keep"), Ok(LeftRunning::Keep));
        assert_eq!(parse_left_running("discard"), Ok(LeftRunning::Discard));
        assert_eq!(parse_left_running("trim=45"), Ok(LeftRunning::Trim(45)));
        assert!(parse_left_running("trim").is_err());
    }
}
