//! Reference implementations: code linked to papers, run on request, with
//! a ledger of the numbers papers claim against the numbers runs print.
//!
//! The plain data and pure logic live here and in [`metrics`] (reading
//! `METRIC` lines) and [`ledger`] (verdicts); [`runner`] starts programs
//! (never through a shell) with a timeout and a bounded output tail;
//! [`store`] keeps links, runs and claims in SQLite; [`starter`] reads the
//! manifests of the bundled implementations under `papers/`.

pub mod ledger;
pub mod metrics;
pub mod note;
pub mod resolve;
pub mod runner;
pub mod starter;
pub mod store;

use serde::{Deserialize, Serialize};
use std::fmt;

/// Where an implementation lives.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    /// A folder on this machine.
    Local,
    /// A git repository URL (cloned by the user; runs need a local folder).
    Git,
    /// A starter implementation bundled with litradar (`papers/<id>/`).
    Starter,
}

impl Kind {
    /// The word stored and shown.
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Local => "local",
            Kind::Git => "git",
            Kind::Starter => "starter",
        }
    }

    /// Reads a stored word.
    pub fn parse(text: &str) -> Option<Kind> {
        match text {
            "local" => Some(Kind::Local),
            "git" => Some(Kind::Git),
            "starter" => Some(Kind::Starter),
            _ => None,
        }
    }

    /// Guesses the kind of a location the user typed: URLs and `git@host:`
    /// paths are repositories, everything else a folder.
    pub fn of_location(location: &str) -> Kind {
        let l = location.trim();
        let url = ["https://", "http://", "ssh://", "git://"]
            .iter()
            .any(|p| l.starts_with(p));
        if url || (l.starts_with("git@") && l.contains(':')) {
            Kind::Git
        } else {
            Kind::Local
        }
    }
}

impl fmt::Display for Kind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A paper's implementation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Implementation {
    /// Row id (what `impl run` takes besides a paper id).
    pub id: i64,
    /// The paper.
    pub paper_id: String,
    /// Folder, repository or starter.
    pub kind: Kind,
    /// The folder, URL, or `papers/<id>` for a starter.
    pub location: String,
    /// The program and its arguments (empty: none set yet).
    pub command: Vec<String>,
    /// Where to run it (relative paths are taken from the location).
    pub workdir: Option<String>,
    /// Framework or language ("candle", "PyTorch", "JAX", ...).
    pub framework: Option<String>,
    /// The authors' own code.
    pub official: bool,
    /// Linked from the paper itself.
    pub mentioned_in_paper: bool,
}

/// How a run ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    /// The program exited by itself (see the exit code).
    Exited,
    /// Killed at the timeout.
    TimedOut,
    /// Stopped by the user (Ctrl-C).
    Interrupted,
    /// The program could not be started.
    FailedToStart,
}

impl Outcome {
    /// The word stored and shown.
    pub fn as_str(self) -> &'static str {
        match self {
            Outcome::Exited => "exited",
            Outcome::TimedOut => "timed_out",
            Outcome::Interrupted => "interrupted",
            Outcome::FailedToStart => "failed_to_start",
        }
    }

    /// Reads a stored word.
    pub fn parse(text: &str) -> Outcome {
        match text {
            "exited" => Outcome::Exited,
            "timed_out" => Outcome::TimedOut,
            "interrupted" => Outcome::Interrupted,
            _ => Outcome::FailedToStart,
        }
    }
}

/// A number a program printed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Metric {
    /// Its name (`copy_accuracy`).
    pub name: String,
    /// Its value.
    pub value: f64,
    /// Its unit, when printed (`s`, `%`).
    pub unit: Option<String>,
}

/// One logged run.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Run {
    /// Row id.
    pub id: i64,
    /// The implementation.
    pub impl_id: i64,
    /// The paper.
    pub paper_id: String,
    /// When it started (RFC 3339, UTC).
    pub started_at: String,
    /// How long it ran.
    pub duration_ms: i64,
    /// How it ended.
    pub outcome: Outcome,
    /// The exit code, when it exited.
    pub exit_code: Option<i32>,
    /// The command as run.
    pub command: Vec<String>,
    /// The last part of standard output.
    pub stdout_tail: String,
    /// The last part of standard error.
    pub stderr_tail: String,
    /// The commit of the folder's git checkout, when it is one.
    pub git_commit: Option<String>,
    /// What it printed as metrics (the last value of each name).
    pub metrics: Vec<Metric>,
}

impl Run {
    /// Exited with status 0.
    pub fn succeeded(&self) -> bool {
        self.outcome == Outcome::Exited && self.exit_code == Some(0)
    }
}

/// How a claim is compared with a run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Compare {
    /// The run should be close to the value.
    About,
    /// The run should be at least the value.
    AtLeast,
    /// The run should be at most the value.
    AtMost,
}

impl Compare {
    /// The word stored.
    pub fn as_str(self) -> &'static str {
        match self {
            Compare::About => "about",
            Compare::AtLeast => "at_least",
            Compare::AtMost => "at_most",
        }
    }

    /// Reads a stored word.
    pub fn parse(text: &str) -> Compare {
        match text {
            "at_least" => Compare::AtLeast,
            "at_most" => Compare::AtMost,
            _ => Compare::About,
        }
    }

    /// `≈`, `≥`, `≤`.
    pub fn symbol(self) -> &'static str {
        match self {
            Compare::About => "≈",
            Compare::AtLeast => "≥",
            Compare::AtMost => "≤",
        }
    }
}

/// How far a run may be from a claim and still reproduce it.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "kind", content = "value")]
pub enum Tolerance {
    /// Plus or minus this much.
    Absolute(f64),
    /// Plus or minus this fraction of the claimed value (0.05 = 5 %).
    Relative(f64),
}

/// Text that is not a tolerance, as written.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("'{0}' is not a tolerance; write an amount (0.5) or a percentage (5%)")]
pub struct BadTolerance(pub String);

impl Tolerance {
    /// The default: 5 % of the claimed value.
    pub const DEFAULT: Tolerance = Tolerance::Relative(0.05);

    /// Reads `0.5` (absolute) or `5%` (relative).
    pub fn parse(text: &str) -> Result<Tolerance, BadTolerance> {
        let t = text.trim();
        let bad = || BadTolerance(text.to_string());
        let tol = match t.strip_suffix('%') {
            Some(p) => Tolerance::Relative(p.trim().parse::<f64>().map_err(|_| bad())? / 100.0),
            None => Tolerance::Absolute(t.parse::<f64>().map_err(|_| bad())?),
        };
        match tol {
            Tolerance::Absolute(x) | Tolerance::Relative(x) if x.is_finite() && x >= 0.0 => Ok(tol),
            _ => Err(bad()),
        }
    }

    /// How the store keeps it: `abs:0.5`, `rel:0.05`.
    pub fn to_stored(self) -> String {
        match self {
            Tolerance::Absolute(x) => format!("abs:{x}"),
            Tolerance::Relative(r) => format!("rel:{r}"),
        }
    }

    /// Reads what [`Tolerance::to_stored`] wrote (the default when unreadable).
    pub fn from_stored(text: &str) -> Tolerance {
        let parse = |x: &str| x.parse::<f64>().ok().filter(|v| v.is_finite() && *v >= 0.0);
        match text.split_once(':') {
            Some(("abs", x)) => parse(x).map_or(Tolerance::DEFAULT, Tolerance::Absolute),
            Some(("rel", x)) => parse(x).map_or(Tolerance::DEFAULT, Tolerance::Relative),
            _ => Tolerance::DEFAULT,
        }
    }

    /// No slack at all (bounds like "at most 0" are usually exact).
    pub fn is_zero(self) -> bool {
        matches!(self, Tolerance::Absolute(x) | Tolerance::Relative(x) if x == 0.0)
    }

    /// The allowed distance from `claimed`.
    pub fn amount(self, claimed: f64) -> f64 {
        match self {
            Tolerance::Absolute(x) => x,
            Tolerance::Relative(f) => f * claimed.abs(),
        }
    }
}

impl fmt::Display for Tolerance {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Tolerance::Absolute(x) => write!(f, "±{x}"),
            Tolerance::Relative(r) => write!(f, "±{}%", ledger::number(r * 100.0)),
        }
    }
}

/// A number a paper reports (the Papers with Code shape).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Claim {
    /// Row id.
    pub id: i64,
    /// The paper.
    pub paper_id: String,
    /// The metric's name, as the implementation prints it.
    pub metric: String,
    /// The reported value.
    pub value: f64,
    /// About, at least or at most.
    pub compare: Compare,
    /// How close counts as reproduced.
    pub tolerance: Tolerance,
    /// The task ("language modelling").
    pub task: Option<String>,
    /// The dataset ("WMT 2014 En-De").
    pub dataset: Option<String>,
    /// Anything else (where in the paper, caveats).
    pub note: Option<String>,
}

/// Splits a command line into arguments the way a POSIX shell would split
/// words (single and double quotes, backslash escapes; shlex's rules),
/// without running a shell: no variables, globs, pipes or redirections.
pub fn split_command(line: &str) -> Result<Vec<String>, String> {
    shlex::split(line)
        .ok_or_else(|| format!("an unclosed quote or a trailing backslash in: {line}"))
}

/// Writes arguments back as one line that [`split_command`] reads back.
pub fn join_command(args: &[String]) -> String {
    args.iter()
        .map(|a| shell_quote(a))
        .collect::<Vec<_>>()
        .join(" ")
}

/// One argument as a shell reads it back (quoted only when it must be).
pub fn shell_quote(arg: &str) -> String {
    // A NUL cannot be in an argument at all; it is dropped rather than fail.
    let clean: String = arg.chars().filter(|c| *c != '\0').collect();
    shlex::try_quote(&clean)
        .map(|q| q.into_owned())
        .unwrap_or(clean)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn commands_split_like_a_shell_without_one() {
        let args =
            split_command(r#"python train.py --lr 3e-4 --name "my run" 'a b' c\ d "" $HOME"#)
                .expect("splits");
        assert_eq!(
            args,
            [
                "python", "train.py", "--lr", "3e-4", "--name", "my run", "a b", "c d", "", "$HOME"
            ]
        );
        assert!(split_command("echo 'open").is_err());
        assert!(split_command("echo \"open").is_err());
        assert!(split_command("echo \\").is_err());
        assert_eq!(shell_quote("it's"), r#""it's""#);
        assert_eq!(shell_quote("plain-word"), "plain-word");
        assert_eq!(split_command("  ").expect("empty"), Vec::<String>::new());
        let back = split_command(&join_command(&args)).expect("round trip");
        assert_eq!(back, args);
    }

    #[test]
    fn tolerances_read_amounts_and_percentages() {
        assert_eq!(Tolerance::parse("0.5"), Ok(Tolerance::Absolute(0.5)));
        assert_eq!(Tolerance::parse("5%"), Ok(Tolerance::Relative(0.05)));
        assert!(Tolerance::parse("-1").is_err());
        assert!(Tolerance::parse("five").is_err());
        assert!(Tolerance::parse("NaN").is_err());
        assert_eq!(Tolerance::Relative(0.1).amount(-20.0), 2.0);
        for t in [Tolerance::Absolute(1e-5), Tolerance::Relative(0.05)] {
            assert_eq!(Tolerance::from_stored(&t.to_stored()), t);
        }
        assert_eq!(Tolerance::Relative(0.05).to_string(), "±5%");
    }

    #[test]
    fn locations_say_their_kind() {
        assert_eq!(
            Kind::of_location("https://github.com/microsoft/LoRA"),
            Kind::Git
        );
        assert_eq!(
            Kind::of_location("git@github.com:microsoft/LoRA.git"),
            Kind::Git
        );
        assert_eq!(Kind::of_location("~/code/lora"), Kind::Local);
        assert_eq!(Kind::of_location("./impl"), Kind::Local);
    }
}
