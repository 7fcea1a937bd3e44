//! The reading reports: the running timer, one paper's passes, the queue,
//! the daily log and the totals per pass.

use super::wording::{budget_text, describe, now};
use crate::cli::commands::{Session as Opened, print_json};
use crate::cli::output::{Style, cut};
use crate::reading::{
    Budget, Pass, Passes, Session, current_pass, daily_log, human_duration, index, order_queue,
};
use std::io::Write;

pub(super) fn status(s: &Opened, json: bool) -> anyhow::Result<()> {
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

pub(super) fn paper_status(s: &Opened, id: &str, json: bool) -> anyhow::Result<()> {
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

pub(super) fn queue(s: &Opened, json: bool) -> anyhow::Result<()> {
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

pub(super) fn log(s: &Opened, since: Option<chrono::NaiveDate>, json: bool) -> anyhow::Result<()> {
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

pub(super) fn stats(s: &Opened, json: bool) -> anyhow::Result<()> {
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
