//! The `impl` and `claim` command lines: reference implementations, their
//! runs, and the numbers papers report.

use clap::{Args, Subcommand};

/// `litradar impl ...`.
#[derive(Debug, Subcommand)]
pub enum ImplCommand {
    /// Link a paper to code: a local folder, a git repository URL, or papers/<folder>.
    Link(LinkArgs),
    /// Implementations, with whether each can run.
    List {
        /// Only this paper's.
        id: Option<String>,
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// Remove a link (by its number from `impl list`) and its run log.
    Unlink {
        /// The implementation's number.
        number: String,
    },
    /// Report links that cannot run: a folder that is gone, a program not installed.
    Check {
        /// Only this paper's.
        id: Option<String>,
    },
    /// Run a paper's implementation (or implementation #N), streaming its output, and log the run.
    Run {
        /// A paper id (its only or official implementation) or an implementation number.
        target: String,
        /// Stop the program (and everything it started) after this many seconds.
        #[arg(long, value_name = "SECONDS")]
        timeout: Option<f64>,
    },
    /// The run log, newest first.
    Runs {
        /// Only this paper's.
        id: Option<String>,
        /// How many.
        #[arg(long, default_value_t = 20)]
        limit: usize,
        /// Print JSON (with the output tails).
        #[arg(long)]
        json: bool,
    },
    /// The reproduction ledger: each claim beside the latest run's value, with a verdict.
    Ledger {
        /// Only this paper's.
        id: Option<String>,
        /// Print JSON.
        #[arg(long, conflicts_with = "markdown")]
        json: bool,
        /// Print Markdown tables (for notes).
        #[arg(long)]
        markdown: bool,
    },
}

/// `impl link`.
#[derive(Debug, Args)]
pub struct LinkArgs {
    /// The paper.
    pub id: String,
    /// A folder, a git URL (https://…, git@…), or papers/<folder> for a bundled starter.
    pub location: String,
    /// The command to run, split like a shell would (quotes work) but never run through one.
    #[arg(long = "cmd", value_name = "COMMAND")]
    pub command: Option<String>,
    /// Where to run it (relative to the folder; for a repository, your clone).
    #[arg(long, value_name = "DIR")]
    pub workdir: Option<String>,
    /// Framework or language (PyTorch, JAX, candle, …).
    #[arg(long)]
    pub framework: Option<String>,
    /// The authors' own implementation.
    #[arg(long)]
    pub official: bool,
    /// The paper itself links to it.
    #[arg(long)]
    pub mentioned: bool,
}

/// `litradar claim ...`.
#[derive(Debug, Subcommand)]
pub enum ClaimCommand {
    /// Record a number the paper reports, under the metric name its implementation prints.
    Add(ClaimArgs),
    /// Claims, by paper.
    List {
        /// Only this paper's.
        id: Option<String>,
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// Remove a claim by its number from `claim list`.
    Remove {
        /// The claim's number.
        number: String,
    },
}

/// `claim add`.
#[derive(Debug, Args)]
pub struct ClaimArgs {
    /// The paper.
    pub id: String,
    /// The metric's name, as the program prints it (METRIC name=value).
    pub metric: String,
    /// The value the paper reports.
    #[arg(allow_negative_numbers = true)]
    pub value: String,
    /// The run must reach at least the value (accuracy, BLEU).
    #[arg(long, conflicts_with = "at_most")]
    pub at_least: bool,
    /// The run must stay at most the value (error, loss, perplexity).
    #[arg(long)]
    pub at_most: bool,
    /// How close counts as reproduced: an amount (0.5) or a percentage (5%); default 5%.
    #[arg(long, allow_negative_numbers = true)]
    pub tolerance: Option<String>,
    /// The dataset it is measured on.
    #[arg(long)]
    pub dataset: Option<String>,
    /// The task.
    #[arg(long)]
    pub task: Option<String>,
    /// Where the number is in the paper, or anything else worth keeping.
    #[arg(long)]
    pub note: Option<String>,
}
