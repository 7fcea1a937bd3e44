//! `read`: the three-pass workflow on the command line.

mod passes;
mod reports;
mod skim;
mod wording;

use super::{Session as Opened, open};
use crate::cli::read_args::{PaperAction, PaperCli, ReadCommand};
use crate::home::Home;
use crate::reading::{Pass, Status, index};
use clap::Parser;
use passes::{close, note, start, stop};
use reports::{log, paper_status, queue, stats, status};
use wording::{budget_text, now};

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
        PaperAction::Skim { json } => skim::skim(s, id, json),
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
