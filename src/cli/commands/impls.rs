//! `impl` and `claim`: reference implementations, runs and the
//! reproduction ledger on the command line.

use super::{Session, open, print_json};
use crate::cli::impl_args::{ClaimArgs, ClaimCommand, ImplCommand, LinkArgs};
use crate::cli::output::{Style, cut, width};
use crate::cli::{Interrupted, UsageError};
use crate::home::Home;
use crate::impls::ledger::{self, Row, Verdict};
use crate::impls::resolve::{resolve, source_root};
use crate::impls::runner::{self, Stream};
use crate::impls::store::{NewClaim, NewImpl};
use crate::impls::{Compare, Implementation, Outcome, Run, Tolerance, join_command, split_command};
use std::io::Write;
use std::sync::atomic::Ordering;
use std::time::Duration;

/// Dispatches `impl` subcommands.
pub fn run(home: &Home, command: ImplCommand) -> anyhow::Result<()> {
    let mut s = open(home)?;
    usage_errors(match command {
        ImplCommand::Link(a) => link(&mut s, a),
        ImplCommand::List { id, json } => list(&s, id.as_deref(), json),
        ImplCommand::Unlink { number } => unlink(&mut s, &number),
        ImplCommand::Check { id } => check(&s, id.as_deref()),
        ImplCommand::Run { target, timeout } => run_one(&mut s, &target, timeout),
        ImplCommand::Runs { id, limit, json } => runs(&s, id.as_deref(), limit, json),
        ImplCommand::Ledger { id, json, markdown } => {
            show_ledger(&s, id.as_deref(), json, markdown)
        }
    })
}

/// Dispatches `claim` subcommands.
pub fn claim(home: &Home, command: ClaimCommand) -> anyhow::Result<()> {
    let mut s = open(home)?;
    usage_errors(match command {
        ClaimCommand::Add(a) => claim_add(&mut s, a),
        ClaimCommand::List { id, json } => claim_list(&s, id.as_deref(), json),
        ClaimCommand::Remove { number } => claim_remove(&mut s, &number),
    })
}

fn claim_remove(s: &mut Session, number: &str) -> anyhow::Result<()> {
    let n = number_arg(number, "claim")?;
    s.lib.claim_remove(n)?;
    eprintln!("Removed claim #{n}.");
    Ok(())
}

/// Unknown numbers, ambiguous papers and unusable input exit with 2; that
/// is decided with every other exit code in `cli::exit_code`.
fn usage_errors(result: anyhow::Result<()>) -> anyhow::Result<()> {
    result
}

fn number_arg(text: &str, what: &str) -> anyhow::Result<i64> {
    text.trim().trim_start_matches('#').parse().map_err(|_| {
        UsageError(format!(
            "'{text}' is not a {what} number; see `litradar {what} list`"
        ))
        .into()
    })
}

fn link(s: &mut Session, a: LinkArgs) -> anyhow::Result<()> {
    let command = match &a.command {
        Some(line) => split_command(line).map_err(|e| UsageError(format!("--cmd: {e}")))?,
        None => Vec::new(),
    };
    let location = a.location.trim().to_string();
    if location.is_empty() {
        anyhow::bail!(UsageError(
            "give the implementation's folder or repository URL".into()
        ));
    }
    let imp = s.lib.impl_link(
        &a.id,
        NewImpl {
            kind: None,
            location,
            command,
            workdir: a.workdir,
            framework: a.framework,
            official: a.official,
            mentioned_in_paper: a.mentioned,
        },
    )?;
    eprintln!(
        "Linked #{} to {}: {} {}",
        imp.id, imp.paper_id, imp.kind, imp.location
    );
    match resolve(&imp, &source_root()) {
        Ok(_) => eprintln!("Run it with `litradar impl run {}`.", imp.id),
        Err(why) => eprintln!("It cannot run yet: {why}."),
    }
    Ok(())
}

fn unlink(s: &mut Session, number: &str) -> anyhow::Result<()> {
    let n = number_arg(number, "impl")?;
    let imp = s.lib.impl_get(n)?;
    s.lib.impl_unlink(n)?;
    eprintln!(
        "Unlinked #{n} ({} {}) from {} with its runs.",
        imp.kind, imp.location, imp.paper_id
    );
    Ok(())
}

fn status(imp: &Implementation) -> Result<(), crate::impls::resolve::CannotRun> {
    resolve(imp, &source_root()).map(|_| ())
}

fn list(s: &Session, id: Option<&str>, json: bool) -> anyhow::Result<()> {
    let list = s.lib.impl_list(id)?;
    if json {
        let rows: Vec<serde_json::Value> = list
            .iter()
            .map(|imp| {
                let mut v = serde_json::to_value(imp).unwrap_or_default();
                if let Some(o) = v.as_object_mut() {
                    let st = status(imp);
                    o.insert("runnable".into(), st.is_ok().into());
                    o.insert("problem".into(), st.err().map(|why| why.to_string()).into());
                }
                v
            })
            .collect();
        return print_json(&rows);
    }
    if list.is_empty() {
        eprintln!(
            "No implementations linked. Link one with `litradar impl link ID FOLDER --cmd \"...\"`."
        );
        return Ok(());
    }
    let style = Style::stdout();
    let cols = width().unwrap_or(100);
    let mut out = std::io::stdout().lock();
    for imp in &list {
        let mut flags = Vec::new();
        if imp.official {
            flags.push("official");
        }
        if imp.mentioned_in_paper {
            flags.push("in paper");
        }
        if let Some(f) = &imp.framework {
            flags.push(f);
        }
        let flags = if flags.is_empty() {
            String::new()
        } else {
            format!("  [{}]", flags.join(", "))
        };
        writeln!(
            out,
            "{:>4}  {}  {:<8} {}{}",
            format!("#{}", imp.id),
            style.id(&format!("{:<10}", imp.paper_id)),
            imp.kind.as_str(),
            cut(&imp.location, cols.saturating_sub(30)),
            style.dim(&flags)
        )?;
        let command = if imp.command.is_empty() {
            "(no command)".to_string()
        } else {
            join_command(&imp.command)
        };
        let state = match status(imp) {
            Ok(()) => style.dim("ok"),
            Err(why) => style.error(&format!("broken: {why}")),
        };
        writeln!(
            out,
            "      $ {}  {}",
            cut(&command, cols.saturating_sub(20)),
            state
        )?;
    }
    Ok(())
}

fn check(s: &Session, id: Option<&str>) -> anyhow::Result<()> {
    let list = s.lib.impl_list(id)?;
    let style = Style::stdout();
    let mut out = std::io::stdout().lock();
    let mut broken = 0;
    for imp in &list {
        match status(imp) {
            Ok(()) => writeln!(out, "{:>4}  {}  ok", format!("#{}", imp.id), imp.paper_id)?,
            Err(why) => {
                broken += 1;
                writeln!(
                    out,
                    "{:>4}  {}  {} {why}",
                    format!("#{}", imp.id),
                    imp.paper_id,
                    style.error("broken:")
                )?;
            }
        }
    }
    if broken > 0 {
        anyhow::bail!(
            "{broken} of {} implementation links cannot run (fix them with `litradar impl link`, or unlink them)",
            list.len()
        );
    }
    eprintln!(
        "{} implementation link{} checked, all can run.",
        list.len(),
        if list.len() == 1 { "" } else { "s" }
    );
    Ok(())
}

fn run_one(s: &mut Session, target: &str, timeout: Option<f64>) -> anyhow::Result<()> {
    let timeout = match timeout {
        Some(t) if t.is_finite() && t > 0.0 => Some(Duration::from_secs_f64(t)),
        Some(t) => anyhow::bail!(UsageError(format!(
            "--timeout {t}: give a positive number of seconds"
        ))),
        None => None,
    };
    let imp = s.lib.impl_pick(target)?;
    let runnable = resolve(&imp, &source_root())
        .map_err(|why| anyhow::anyhow!("cannot run #{} of {}: {why}", imp.id, imp.paper_id))?;
    let style = Style::stderr();
    eprintln!(
        "{} #{} of {} in {}: {}",
        style.bold("Running"),
        imp.id,
        imp.paper_id,
        runnable.workdir.display(),
        join_command(&runnable.argv)
    );
    let stop = runner::interrupt_flag();
    stop.store(false, Ordering::SeqCst);
    let started_at = crate::paper::format_timestamp(&chrono::Utc::now());
    let options = runner::Options {
        timeout,
        ..Default::default()
    };
    let finished = runner::run(
        &runnable.argv,
        &runnable.workdir,
        &options,
        stop,
        &mut |stream, line| {
            // A closed stdout (piped into `head`) must not stop the run.
            let _ = match stream {
                Stream::Stdout => writeln!(std::io::stdout().lock(), "{line}"),
                Stream::Stderr => writeln!(std::io::stderr().lock(), "{line}"),
            };
        },
    );
    if finished.outcome == Outcome::FailedToStart {
        anyhow::bail!(
            "cannot run #{} of {}: {}",
            imp.id,
            imp.paper_id,
            finished.stderr_tail.trim()
        );
    }
    let commit = runner::git_commit(&runnable.folder);
    let run = s.lib.impl_record_run(
        &imp,
        &started_at,
        &runnable.argv,
        &finished,
        commit.as_deref(),
    )?;
    eprintln!("{}", run_summary(&run, style));
    let rows = s
        .lib
        .impl_ledger(Some(&imp.paper_id))?
        .into_iter()
        .flat_map(|(_, r)| r)
        .collect::<Vec<_>>();
    if !rows.is_empty() {
        let mut err = std::io::stderr().lock();
        write_ledger(&mut err, &imp.paper_id, &rows, style)?;
    }
    match run.outcome {
        Outcome::Exited if run.exit_code == Some(0) => Ok(()),
        Outcome::Interrupted => {
            Err(Interrupted(format!("stopped by Ctrl-C; run #{} is logged", run.id)).into())
        }
        Outcome::TimedOut => anyhow::bail!(
            "stopped after the {}-second timeout; run #{} is logged",
            ledger::number(timeout.map_or(0.0, |t| t.as_secs_f64())),
            run.id
        ),
        _ => anyhow::bail!(
            "the program failed ({}); run #{} is logged, see `litradar impl runs`",
            ended(&run),
            run.id
        ),
    }
}

/// "exit 0", "exit 3", "killed by signal 9", "timed out", "interrupted".
fn ended(run: &Run) -> String {
    match run.outcome {
        Outcome::Exited => match run.exit_code {
            Some(c) => format!("exit {c}"),
            None => "killed by a signal".into(),
        },
        Outcome::TimedOut => "timed out".into(),
        Outcome::Interrupted => "interrupted".into(),
        Outcome::FailedToStart => "failed to start".into(),
    }
}

fn run_summary(run: &Run, style: Style) -> String {
    let metrics = match run.metrics.len() {
        0 => "no metrics".to_string(),
        1 => "1 metric".to_string(),
        n => format!("{n} metrics"),
    };
    let commit = run
        .git_commit
        .as_deref()
        .map(|c| format!(", commit {}", &c[..c.len().min(10)]))
        .unwrap_or_default();
    format!(
        "{} run #{} of {}: {} after {:.1} s, {metrics}{commit}",
        style.bold("Logged"),
        run.id,
        run.paper_id,
        ended(run),
        run.duration_ms as f64 / 1000.0
    )
}

fn runs(s: &Session, id: Option<&str>, limit: usize, json: bool) -> anyhow::Result<()> {
    let runs = s.lib.impl_runs(id, limit)?;
    if json {
        return print_json(&runs);
    }
    if runs.is_empty() {
        eprintln!("No runs yet. Run an implementation with `litradar impl run ID`.");
        return Ok(());
    }
    let style = Style::stdout();
    let mut out = std::io::stdout().lock();
    for run in &runs {
        writeln!(
            out,
            "{:>4}  {}  #{:<3} {}  {:<12} {:>7.1} s  {}",
            format!("r{}", run.id),
            style.id(&format!("{:<10}", run.paper_id)),
            run.impl_id,
            run.started_at,
            ended(run),
            run.duration_ms as f64 / 1000.0,
            run.metrics
                .iter()
                .map(|m| format!(
                    "{}={}{}",
                    m.name,
                    ledger::number(m.value),
                    m.unit
                        .as_deref()
                        .map(|u| format!(" {u}"))
                        .unwrap_or_default()
                ))
                .collect::<Vec<_>>()
                .join("  ")
        )?;
    }
    Ok(())
}

fn verdict_style(v: Verdict, style: Style) -> String {
    match v {
        Verdict::Reproduced => style.mark(v.label()),
        Verdict::Not => style.error(v.label()),
        Verdict::Partly | Verdict::NotRun => style.dim(v.label()),
    }
}

fn write_ledger(
    out: &mut dyn Write,
    paper: &str,
    rows: &[Row],
    style: Style,
) -> std::io::Result<()> {
    let (yes, partly, not, not_run) = ledger::tally(rows);
    writeln!(
        out,
        "{}  {yes} reproduced, {partly} partly, {not} not, {not_run} not run",
        style.id(paper)
    )?;
    let name_width = rows
        .iter()
        .map(|r| r.claim.metric.chars().count())
        .max()
        .unwrap_or(6)
        .clamp(6, 32);
    for r in rows {
        let c = &r.claim;
        let claimed = ledger::claimed(c);
        writeln!(
            out,
            "  {:<name_width$}  {:<22} {:>12}  {:>12}  {}",
            cut(&c.metric, name_width),
            claimed,
            r.observed.map(ledger::number).unwrap_or_else(|| "—".into()),
            r.difference.map(ledger::signed).unwrap_or_default(),
            verdict_style(r.verdict, style)
        )?;
    }
    Ok(())
}

fn show_ledger(s: &Session, id: Option<&str>, json: bool, markdown: bool) -> anyhow::Result<()> {
    let ledger = s.lib.impl_ledger(id)?;
    if json {
        let papers: Vec<serde_json::Value> = ledger
            .iter()
            .map(|(paper, rows)| {
                let (reproduced, partly, not, not_run) = ledger::tally(rows);
                serde_json::json!({
                    "paper": paper,
                    "reproduced": reproduced, "partly": partly, "not": not, "not_run": not_run,
                    "claims": rows,
                })
            })
            .collect();
        return print_json(&papers);
    }
    if ledger.is_empty() {
        eprintln!("No claims recorded. Add one with `litradar claim add ID METRIC VALUE`.");
        return Ok(());
    }
    let mut out = std::io::stdout().lock();
    if markdown {
        for (paper, rows) in &ledger {
            writeln!(out, "## {paper}\n\n{}", ledger::markdown(rows))?;
        }
        return Ok(());
    }
    let style = Style::stdout();
    for (i, (paper, rows)) in ledger.iter().enumerate() {
        if i > 0 {
            writeln!(out)?;
        }
        write_ledger(&mut out, paper, rows, style)?;
    }
    Ok(())
}

fn claim_add(s: &mut Session, a: ClaimArgs) -> anyhow::Result<()> {
    let value: f64 = a
        .value
        .trim()
        .parse()
        .ok()
        .filter(|v: &f64| v.is_finite())
        .ok_or_else(|| {
            UsageError(format!(
                "'{}' is not a number; give the value the paper reports (28.4, 0.921, 1e-3)",
                a.value
            ))
        })?;
    let tolerance = match &a.tolerance {
        Some(t) => Tolerance::parse(t).map_err(|e| UsageError(format!("--tolerance: {e}")))?,
        None => Tolerance::DEFAULT,
    };
    let compare = if a.at_least {
        Compare::AtLeast
    } else if a.at_most {
        Compare::AtMost
    } else {
        Compare::About
    };
    let claim = s.lib.claim_add(
        &a.id,
        NewClaim {
            metric: a.metric,
            value,
            compare,
            tolerance,
            task: a.task,
            dataset: a.dataset,
            note: a.note,
        },
    )?;
    eprintln!(
        "Recorded claim #{} on {}: {} {}",
        claim.id,
        claim.paper_id,
        claim.metric,
        ledger::claimed(&claim)
    );
    Ok(())
}

fn claim_list(s: &Session, id: Option<&str>, json: bool) -> anyhow::Result<()> {
    let claims = s.lib.claims(id)?;
    if json {
        return print_json(&claims);
    }
    if claims.is_empty() {
        eprintln!("No claims recorded. Add one with `litradar claim add ID METRIC VALUE`.");
        return Ok(());
    }
    let style = Style::stdout();
    let mut out = std::io::stdout().lock();
    for c in &claims {
        let context: Vec<&str> = [c.task.as_deref(), c.dataset.as_deref()]
            .into_iter()
            .flatten()
            .collect();
        writeln!(
            out,
            "{:>4}  {}  {} {}{}",
            format!("#{}", c.id),
            style.id(&format!("{:<10}", c.paper_id)),
            c.metric,
            ledger::claimed(c),
            if context.is_empty() {
                String::new()
            } else {
                style.dim(&format!("  ({})", context.join("; ")))
            }
        )?;
        if let Some(note) = &c.note {
            writeln!(out, "      {}", style.dim(note))?;
        }
    }
    Ok(())
}
