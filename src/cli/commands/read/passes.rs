//! The commands that change a paper's passes: start and stop the timer,
//! close a pass, log time, write its note.

use super::wording::{budget_text, describe, local, now};
use crate::cli::commands::Session as Opened;
use crate::cli::read_args::parse_left_running;
use crate::reading::store::ReadError;
use crate::reading::{
    Budget, LeftRunning, Pass, Status, current_pass, editor, human_duration, index,
};
use anyhow::Context;
use std::io::{BufRead, IsTerminal, Read, Write};

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

pub(super) fn start(
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

pub(super) fn stop(s: &mut Opened, id: Option<&str>) -> anyhow::Result<()> {
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

pub(super) fn close(
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

pub(super) fn note(
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
