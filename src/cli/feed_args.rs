//! The `feed` command line.

use crate::cli::values::parse_date;
use chrono::NaiveDate;
use clap::{Args, Subcommand};

/// `feed`: new papers ranked for the reader, or a mark on one.
#[derive(Debug, Args)]
#[command(args_conflicts_with_subcommands = true)]
pub struct FeedArgs {
    /// Like, dislike, dismiss or unmark papers instead of looking.
    #[command(subcommand)]
    pub mark: Option<MarkCommand>,
    /// Papers added since this day (YYYY-MM-DD) instead of since the last look.
    #[arg(long, value_parser = parse_date, value_name = "DATE", conflicts_with_all = ["days", "all"])]
    pub since: Option<NaiveDate>,
    /// Papers added in the last N days instead of since the last look.
    #[arg(long, value_name = "N", conflicts_with = "all")]
    pub days: Option<u32>,
    /// Rank for one interest: this tag's papers are the positives.
    #[arg(long, value_name = "TAG")]
    pub tag: Option<String>,
    /// Every paper you have not tagged, queued, read or marked, however old.
    #[arg(long)]
    pub all: bool,
    /// At most this many papers.
    #[arg(long, default_value_t = 20, value_name = "N")]
    pub limit: usize,
    /// Print JSON: [{"id", "title", "score", "why": {"similar", "words"}}].
    #[arg(long)]
    pub json: bool,
}

/// `feed like|dislike|dismiss|unmark ID...`.
#[derive(Debug, Subcommand)]
pub enum MarkCommand {
    /// More like these: they count as positives from now on.
    Like {
        /// Paper ids, URLs or citation keys.
        #[arg(required = true)]
        ids: Vec<String>,
    },
    /// Less like these: they count against what they are about.
    Dislike {
        /// Paper ids, URLs or citation keys.
        #[arg(required = true)]
        ids: Vec<String>,
    },
    /// Not now: never shown again, no signal either way.
    Dismiss {
        /// Paper ids, URLs or citation keys.
        #[arg(required = true)]
        ids: Vec<String>,
    },
    /// Take a like, dislike or dismissal back.
    Unmark {
        /// Paper ids, URLs or citation keys.
        #[arg(required = true)]
        ids: Vec<String>,
    },
}
