//! `read`: the three-pass workflow on the command line.

use super::{Session as Opened, open, print_json};
use crate::cli::output::{Style, cut};
use crate::cli::read_args::{PaperAction, PaperCli, ReadCommand, parse_left_running};
use crate::home::Home;
use crate::reading::store::ReadError;
use crate::reading::{
    Budget, LeftRunning, Pass, Passes, Session, Status, current_pass, daily_log, editor,
    human_duration, index, order_queue,
};
use anyhow::Context;
use chrono::{DateTime, Local, Utc};
use clap::Parser;
use std::io::{BufRead, IsTerminal, Read, Write};

/// Dispatches `read` subcommands.
pub fn run(home: &Home, command: ReadCommand) -> anyhow::Result<()> {
    let mut s = open(home)?;
    match command {
        ReadCommand::Queue { json } => queue(&s, json),
        ReadCommand::Log { since, json } => log(&s, since, json),
        ReadCommand::Stats { json } => stats(&s, json),
        ReadCommand::Stop => stop(&mut s, None),
        ReadCommand::Status { json } => status(&s, json),
        ReadCommand::Paper(words) => {
            let Some((id, rest)) = words.split_first() else {
                anyhow::bail!(crate::cli::UsageError(
                    "name a paper: litradar read ID ACTION".into()
                ));
            };
            let parsed = PaperCli::try_parse_from(
                std::iter::once("litradar read ID").chain(rest.iter().map(String::as_str)),
            );
            let cli = match parsed {
                Ok(cli) => cli,
                Err(e) if !e.use_stderr() => {
                    // --help: print and succeed.
                    print!("{e}");
                    return Ok(());
                }
                Err(e) => {
                    let text = e.to_string();
                    let first = text
                        .lines()
                        .next()
                        .unwrap_or("invalid arguments")
                        .trim_start_matches("error: ");
                    anyhow::bail!(crate::cli::UsageError(format!(
                        "read {id}: {first} (see `litradar read --help`)"
                    )));
                }
            };
            paper(home, &mut s, id, cli.action)
        }
    }
}

fn pass_arg(n: Option<u8>) -> Option<Pass> {
    n.and_then(Pass::from_number)
}

fn now() -> DateTime<Utc> {
    Utc::now()
}

fn local(t: DateTime<Utc>) -> String {
    t.with_timezone(&Local).format("%Y-%m-%d %H:%M").to_string()
}

fn budget_text(seconds: i64, budget: Budget) -> String {
    match budget.over(seconds) {
        Some(over) => format!("{} of {budget}, {over} min over", human_duration(seconds)),
        None => format!("{} of {budget}", human_duration(seconds)),
    }
}

fn paper(home: &Home, s: &mut Opened, id: &str, action: PaperAction) -> anyhow::Result<()> {
    let budgets = crate::reading::Budget::from_settings(&s.config.reading);
    match action {
        PaperAction::Start {
            pass,
            force,
            left_running,
        } => {
            start(s, id, pass_arg(pass), force, left_running)?;
            let paper_id = s.lib.find(id)?.paper.id;
            super::fulltext::fetch_in_background(home, s, &paper_id);
            Ok(())
        }
        PaperAction::Skim { json } => skim(s, id, json),
        PaperAction::Stop => stop(s, Some(id)),
        PaperAction::Status { json } => paper_status(s, id, json),
        PaperAction::Done { pass } => close(s, id, pass_arg(pass), Status::Done, &budgets),
        PaperAction::Skip { pass } => close(s, id, pass_arg(pass), Status::Skipped, &budgets),
        PaperAction::Note {
            pass,
            stdin,
            print,
            history,
        } => note(s, id, pass_arg(pass), stdin, print, history),
        PaperAction::Log { minutes, pass } => {
            let (paper_id, pass) = s.lib.log_time(id, pass_arg(pass), minutes, now())?;
            let (_, passes) = s.lib.passes(&paper_id)?;
            let state = &passes[index(pass)];
            eprintln!(
                "Logged {minutes} min on {pass} of {paper_id} ({})",
                budget_text(state.seconds, budgets[index(pass)])
            );
            Ok(())
        }
        PaperAction::Queue { priority } => {
            let paper_id = s.lib.enqueue(id, priority, now())?;
            eprintln!("{paper_id} is in the reading queue (priority {priority})");
            super::fulltext::fetch_in_background(home, s, &paper_id);
            Ok(())
        }
        PaperAction::Unqueue => {
            let (paper_id, was) = s.lib.dequeue(id)?;
            if was {
                eprintln!("{paper_id} is out of the reading queue");
            } else {
                eprintln!("{paper_id} was not in the reading queue");
            }
            Ok(())
        }
    }
}

/// `read ID skim`: pass 1 in the seed's order.
fn skim(s: &Opened, id: &str, json: bool) -> anyhow::Result<()> {
    let record = s.lib.find(id)?;
    let paper = &record.paper;
    let text = s.lib.fulltext(&paper.id)?;
    let skim = crate::fulltext::skim::skim(
        &paper.title,
        &paper.abstract_text,
        text.as_ref().map(|t| &t.document),
    );
    if json {
        return print_json(&serde_json::json!({
            "id": paper.id,
            "version": text.as_ref().map(|t| t.version).or(paper.version),
            "source": text.as_ref().map(|t| t.source.as_str()),
            "title": skim.title,
            "abstract": skim.abstract_text,
            "conclusion": skim.conclusion.as_ref().map(|c| serde_json::json!({
                "heading": c.heading, "text": c.text,
            })),
            "captions": skim.captions.iter().map(|c| serde_json::json!({
                "kind": c.kind.as_str(), "number": c.number, "text": c.text,
            })).collect::<Vec<_>>(),
            "sections": skim.outline.iter().map(|(h, l)| serde_json::json!({
                "heading": h, "level": l,
            })).collect::<Vec<_>>(),
        }));
    }
    let style = Style::stdout();
    let w = crate::cli::output::width().unwrap_or(80).min(100);
    let wrap = |t: &str| {
        crate::cli::output::wrap(t, w - 2)
            .lines()
            .map(|l| format!("  {l}"))
            .collect::<Vec<_>>()
            .join("\n")
    };
    let mut out = format!(
        "{}\n",
        style.bold(&crate::cli::output::wrap(&skim.title, w))
    );
    let origin = match &text {
        Some(t) => format!(
            "{}v{} · pass 1 · text from the {} ({})",
            paper.id, t.version, t.source, t.extractor
        ),
        None => format!("{} · pass 1 · no full text yet", paper.versioned_id()),
    };
    out.push_str(&format!("{}\n\n", style.dim(&origin)));
    out.push_str(&format!(
        "{}\n{}\n\n",
        style.bold("Abstract"),
        wrap(&skim.abstract_text)
    ));
    match &skim.conclusion {
        Some(c) => {
            out.push_str(&format!(
                "{}\n",
                style.bold(&format!("Conclusion — {}", c.heading))
            ));
            for p in c.text.split("\n\n") {
                out.push_str(&wrap(p));
                out.push_str("\n\n");
            }
        }
        None if text.is_some() => out.push_str(&format!(
            "{}\n\n",
            style.dim("No conclusion found in the text.")
        )),
        None => {}
    }
    if !skim.captions.is_empty() {
        out.push_str(&format!("{}\n", style.bold("Figures and tables")));
        for c in &skim.captions {
            let name = format!("{}.", c.name());
            let body = crate::cli::output::wrap(&c.text, w.saturating_sub(14).max(30));
            let mut lines = body.lines();
            out.push_str(&format!(
                "  {} {}\n",
                style.mark(&format!("{name:<11}")),
                lines.next().unwrap_or("")
            ));
            for l in lines {
                out.push_str(&format!("  {:<11} {l}\n", ""));
            }
        }
        out.push('\n');
    }
    std::io::stdout().lock().write_all(out.as_bytes())?;
    if text.is_none() {
        eprintln!(
            "No full text for {} yet: `litradar fulltext fetch {}` gets the conclusion and the figures.",
            paper.id, paper.id
        );
    }
    Ok(())
}

fn interactive() -> bool {
    std::io::stdin().is_terminal() && std::io::stderr().is_terminal()
}

fn ask(question: &str) -> anyhow::Result<String> {
    eprint!("{question} ");
    std::io::stderr().flush()?;
    let mut line = String::new();
    std::io::stdin().lock().read_line(&mut line)?;
    Ok(line.trim().to_string())
}

fn describe(running: &Session, at: DateTime<Utc>) -> String {
    format!(
        "{} {} since {} ({})",
        running.paper_id,
        running.pass,
        local(running.started),
        human_duration(running.seconds(at))
    )
}

fn start(
    s: &mut Opened,
    id: &str,
    pass: Option<Pass>,
    mut force: bool,
    left_running: Option<LeftRunning>,
) -> anyhow::Result<()> {
    let budgets = crate::reading::Budget::from_settings(&s.config.reading);
    loop {
        match s.lib.start_timer(id, pass, force, now()) {
            Ok(session) => {
                let budget = budgets[index(session.pass)];
                eprintln!(
                    "Started {} ({}) of {} at {}; budget {budget}. Stop with `litradar read stop`.",
                    session.pass,
                    session.pass.name(),
                    session.paper_id,
                    local(session.started)
                );
                return Ok(());
            }
            Err(ReadError::TimerRunning(running)) => {
                let target = s.lib.find(id)?.paper.id;
                if running.paper_id == target
                    && pass.is_none_or(|p| p == running.pass)
                    && left_running.is_none()
                {
                    eprintln!("Already timing {}", describe(&running, now()));
                    return Ok(());
                }
                let choice = match left_running {
                    Some(c) => c,
                    None if interactive() => {
                        let answer = ask(&format!(
                            "A timer is running: {}.\nKeep all of it, trim it to some minutes, or discard it? [keep / trim=MIN / discard]",
                            describe(&running, now())
                        ))?;
                        parse_left_running(&answer).map_err(crate::cli::UsageError)?
                    }
                    None => anyhow::bail!(
                        "a timer is already running: {}; stop it with `litradar read stop`, or pass --left-running keep|trim=MINUTES|discard",
                        describe(&running, now())
                    ),
                };
                match s.lib.resolve_running(choice, now())? {
                    Some(kept) => eprintln!(
                        "Logged {} on {} of {} (the timer left running)",
                        human_duration(kept.seconds(now())),
                        kept.pass,
                        kept.paper_id
                    ),
                    None => eprintln!(
                        "Discarded the timer left running on {} {}",
                        running.paper_id, running.pass
                    ),
                }
                return start(s, id, pass, force, None);
            }
            Err(ReadError::OutOfOrder {
                paper_id,
                pass: p,
                open,
            }) if !force => {
                let open_list: Vec<String> = open.iter().map(|o| o.to_string()).collect();
                let question = format!(
                    "{paper_id}: {} is not done or skipped. Start {p} anyway? [y/N]",
                    open_list.join(" and ")
                );
                if interactive() && ask(&question)?.eq_ignore_ascii_case("y") {
                    force = true;
                    continue;
                }
                anyhow::bail!(
                    "{paper_id}: {p} comes after {} which is not done or skipped; add --force to start it anyway",
                    open_list.join(" and ")
                );
            }
            Err(e) => return Err(e.into()),
        }
    }
}

fn stop(s: &mut Opened, id: Option<&str>) -> anyhow::Result<()> {
    let running = s.lib.running_timer()?.ok_or(ReadError::NoTimer)?;
    if let Some(id) = id {
        let target = s.lib.find(id)?.paper.id;
        if target != running.paper_id {
            anyhow::bail!("the running timer is on {}, not {target}", running.paper_id);
        }
    }
    let session = s.lib.stop_timer(now())?;
    let (_, passes) = s.lib.passes(&session.paper_id)?;
    let total = passes[index(session.pass)].seconds;
    let budget = crate::reading::Budget::from_settings(&s.config.reading)[index(session.pass)];
    eprintln!(
        "Logged {} on {} of {} ({})",
        human_duration(session.seconds(now())),
        session.pass,
        session.paper_id,
        budget_text(total, budget)
    );
    Ok(())
}

fn status(s: &Opened, json: bool) -> anyhow::Result<()> {
    let running = s.lib.running_timer()?;
    if json {
        return print_json(
            &serde_json::json!({ "running": running.as_ref().map(|r| running_json(r, s)) }),
        );
    }
    match running {
        Some(r) => {
            let budget = crate::reading::Budget::from_settings(&s.config.reading)[index(r.pass)];
            let (_, passes) = s.lib.passes(&r.paper_id)?;
            let total = passes[index(r.pass)].seconds + r.seconds(now());
            println!(
                "Timing {}: {}",
                describe(&r, now()),
                budget_text(total, budget)
            );
        }
        None => println!("No timer running."),
    }
    Ok(())
}

fn running_json(r: &Session, s: &Opened) -> serde_json::Value {
    let budget = crate::reading::Budget::from_settings(&s.config.reading)[index(r.pass)];
    serde_json::json!({
        "id": r.paper_id,
        "pass": r.pass.number(),
        "started": crate::paper::format_timestamp(&r.started),
        "minutes": r.seconds(now()) / 60,
        "budget": [budget.min, budget.max],
    })
}

fn passes_json(passes: &Passes, budgets: &[Budget; 3]) -> Vec<serde_json::Value> {
    Pass::ALL
        .iter()
        .map(|p| {
            let state = &passes[index(*p)];
            let budget = budgets[index(*p)];
            serde_json::json!({
                "pass": p.number(),
                "name": p.name(),
                "status": state.status.as_str(),
                "minutes": state.seconds / 60,
                "budget": [budget.min, budget.max],
                "over_budget": budget.over(state.seconds),
                "started": state.started_at.as_ref().map(crate::paper::format_timestamp),
                "finished": state.finished_at.as_ref().map(crate::paper::format_timestamp),
                "has_note": !state.note.trim().is_empty(),
            })
        })
        .collect()
}

fn paper_status(s: &Opened, id: &str, json: bool) -> anyhow::Result<()> {
    let record = s.lib.find(id)?;
    let (paper_id, passes) = s.lib.passes(&record.paper.id)?;
    let running = s.lib.running_timer()?.filter(|r| r.paper_id == paper_id);
    let budgets = crate::reading::Budget::from_settings(&s.config.reading);
    if json {
        return print_json(&serde_json::json!({
            "id": paper_id,
            "title": record.paper.title,
            "passes": passes_json(&passes, &budgets),
            "next_pass": current_pass(&passes).map(Pass::number),
            "running": running.as_ref().map(|r| running_json(r, s)),
        }));
    }
    let style = Style::stdout();
    let mut out = std::io::stdout().lock();
    writeln!(out, "{} ({paper_id})", style.bold(&record.paper.title))?;
    for p in Pass::ALL {
        let state = &passes[index(p)];
        let mut line = format!(
            "{p} {:<16} {:<12} {}",
            p.name(),
            state.status.as_str().replace('_', " "),
            budget_text(state.seconds, budgets[index(p)])
        );
        if let Some(r) = running.as_ref().filter(|r| r.pass == p) {
            line.push_str(&format!(
                "  + timer running {}",
                human_duration(r.seconds(now()))
            ));
        }
        let lines = state.note.lines().filter(|l| !l.trim().is_empty()).count();
        if lines > 0 {
            line.push_str(&format!("  note: {lines} lines"));
        }
        writeln!(out, "{line}")?;
    }
    match current_pass(&passes) {
        Some(p) => writeln!(out, "Next: {p} ({})", p.name())?,
        None => writeln!(out, "All three passes are done or skipped.")?,
    }
    Ok(())
}

fn close(
    s: &mut Opened,
    id: &str,
    pass: Option<Pass>,
    status: Status,
    budgets: &[Budget; 3],
) -> anyhow::Result<()> {
    let (paper_id, pass) = s.lib.close_pass(id, pass, status, now())?;
    let (_, passes) = s.lib.passes(&paper_id)?;
    let state = &passes[index(pass)];
    let verb = if status == Status::Done {
        "done"
    } else {
        "skipped"
    };
    let next = current_pass(&passes)
        .map_or_else(|| "all passes closed".to_string(), |p| format!("next: {p}"));
    eprintln!(
        "{paper_id}: {pass} {verb} ({}); {next}",
        budget_text(state.seconds, budgets[index(pass)])
    );
    Ok(())
}

fn note(
    s: &mut Opened,
    id: &str,
    pass: Option<Pass>,
    stdin: bool,
    print: bool,
    history: bool,
) -> anyhow::Result<()> {
    let draft = s.lib.note_draft(id, pass)?;
    let (paper_id, pass, current) = (draft.paper_id.clone(), draft.pass, draft.current.clone());
    if print {
        let mut out = std::io::stdout().lock();
        out.write_all(current.as_bytes())?;
        if !current.ends_with('\n') && !current.is_empty() {
            writeln!(out)?;
        }
        return Ok(());
    }
    if history {
        let versions = s.lib.note_versions(&paper_id, pass)?;
        if versions.is_empty() {
            eprintln!("{paper_id} {pass}: no earlier versions");
        }
        let mut out = std::io::stdout().lock();
        for (saved, text) in versions {
            let when = saved.map_or_else(|| "unknown time".to_string(), local);
            writeln!(out, "--- {pass} note saved {when} ---\n{}", text.trim_end())?;
        }
        return Ok(());
    }
    let text = if stdin {
        let mut text = String::new();
        std::io::stdin()
            .read_to_string(&mut text)
            .context("cannot read the note from standard input")?;
        text
    } else {
        match editor::edit(&draft.seed, &draft.file_name)? {
            Some(text) => text,
            None => {
                eprintln!("No changes; nothing saved.");
                return Ok(());
            }
        }
    };
    if s.lib.save_note(&paper_id, pass, &text, now())? {
        eprintln!(
            "Saved the {pass} note of {paper_id} ({} lines)",
            text.lines().count()
        );
    } else {
        eprintln!("The note is unchanged; nothing saved.");
    }
    Ok(())
}

fn queue(s: &Opened, json: bool) -> anyhow::Result<()> {
    let items = order_queue(s.lib.queue_items()?);
    let budgets = crate::reading::Budget::from_settings(&s.config.reading);
    let mut rows = Vec::new();
    for item in &items {
        let record = s.lib.get(&item.paper_id)?;
        let title = record.map(|r| r.paper.title).unwrap_or_default();
        rows.push((item, title));
    }
    if json {
        let value: Vec<serde_json::Value> = rows
            .iter()
            .map(|(item, title)| {
                serde_json::json!({
                    "id": item.paper_id,
                    "title": title,
                    "priority": item.priority,
                    "next_pass": item.next_pass().map(Pass::number),
                    "queued": item.queued_at.as_ref().map(crate::paper::format_timestamp),
                    "passes": passes_json(&item.passes, &budgets),
                })
            })
            .collect();
        return print_json(&value);
    }
    if rows.is_empty() {
        eprintln!("The reading queue is empty; add a paper with `litradar read ID queue`.");
        return Ok(());
    }
    let style = Style::stdout();
    let width = crate::cli::output::width();
    let mut out = std::io::stdout().lock();
    for (n, (item, title)) in rows.iter().enumerate() {
        let next = item.next_pass().map_or_else(String::new, |p| p.to_string());
        let logged: i64 = item.passes.iter().map(|p| p.seconds).sum();
        let head = format!(
            "{:>2}. {:<12} {next}  p{:<2} {:>8}  ",
            n + 1,
            item.paper_id,
            item.priority,
            human_duration(logged)
        );
        let title = match width {
            Some(w) => cut(title, w.saturating_sub(head.chars().count()).max(20)),
            None => title.clone(),
        };
        writeln!(out, "{}{title}", style.id(&head))?;
    }
    Ok(())
}

fn log(s: &Opened, since: Option<chrono::NaiveDate>, json: bool) -> anyhow::Result<()> {
    let rows = daily_log(&s.lib.sessions(since)?, since);
    if json {
        let value: Vec<serde_json::Value> = rows
            .iter()
            .map(|r| {
                serde_json::json!({
                    "date": r.date.to_string(),
                    "id": r.paper_id,
                    "pass": r.pass,
                    "minutes": r.seconds / 60,
                    "seconds": r.seconds,
                })
            })
            .collect();
        return print_json(&value);
    }
    if rows.is_empty() {
        eprintln!(
            "No time logged{}.",
            since.map_or_else(String::new, |d| format!(" since {d}"))
        );
        return Ok(());
    }
    let style = Style::stdout();
    let mut out = std::io::stdout().lock();
    let mut day = None;
    for (i, r) in rows.iter().enumerate() {
        if day != Some(r.date) {
            day = Some(r.date);
            let total: i64 = rows[i..]
                .iter()
                .take_while(|x| x.date == r.date)
                .map(|x| x.seconds)
                .sum();
            writeln!(
                out,
                "{}  {}",
                style.bold(&r.date.to_string()),
                human_duration(total)
            )?;
        }
        writeln!(
            out,
            "  {:<16} pass {}  {}",
            r.paper_id,
            r.pass,
            human_duration(r.seconds)
        )?;
    }
    let total: i64 = rows.iter().map(|r| r.seconds).sum();
    writeln!(out, "Total: {}", human_duration(total))?;
    Ok(())
}

fn stats(s: &Opened, json: bool) -> anyhow::Result<()> {
    let states = s.lib.reading_states()?;
    let budgets = crate::reading::Budget::from_settings(&s.config.reading);
    let papers = s.lib.paper_count()?;
    let per_pass = crate::reading::stats::totals(&states, &budgets);
    if json {
        let value = serde_json::json!({
            "papers": papers,
            "papers_with_reading": states.len(),
            "passes": per_pass.iter().map(|t| serde_json::json!({
                "pass": t.pass.number(),
                "name": t.pass.name(),
                "done": t.done,
                "in_progress": t.in_progress,
                "skipped": t.skipped,
                "papers_timed": t.papers_timed,
                "minutes": t.seconds / 60,
                "average_minutes": t.average_seconds / 60,
                "budget": [budgets[index(t.pass)].min, budgets[index(t.pass)].max],
                "over_budget": t.over_budget,
            })).collect::<Vec<_>>(),
        });
        return print_json(&value);
    }
    let mut out = std::io::stdout().lock();
    writeln!(
        out,
        "{} papers in the library, {} with reading started",
        papers,
        states.len()
    )?;
    for t in &per_pass {
        writeln!(
            out,
            "{} {:<16} done {:>3}, in progress {:>3}, skipped {:>3}; {} in all, {} per paper (budget {}), {} of {} over budget",
            t.pass,
            t.pass.name(),
            t.done,
            t.in_progress,
            t.skipped,
            human_duration(t.seconds),
            human_duration(t.average_seconds),
            budgets[index(t.pass)],
            t.over_budget,
            t.papers_timed
        )?;
    }
    Ok(())
}
