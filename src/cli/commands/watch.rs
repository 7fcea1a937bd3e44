//! `watch add|list|sync|remove`.

use super::{open, print_json, report_json, summary};
use crate::arxiv::{ArxivClient, SearchQuery};
use crate::cli::args::WatchCommand;
use crate::cli::output::{Bar, Style};
use crate::home::Home;
use crate::ingest;
use crate::paper::format_timestamp;
use anyhow::Context;
use std::io::Write;

/// Dispatches `watch` subcommands.
pub fn run(home: &super::Context, command: WatchCommand) -> anyhow::Result<()> {
    match command {
        WatchCommand::Add { name, query } => add(home, &name, &query),
        WatchCommand::List { json } => list(home, json),
        WatchCommand::Sync { name, max, json } => sync(home, name.as_deref(), max, json),
        WatchCommand::Remove { name } => {
            let mut s = open(home)?;
            s.lib.remove_watch(&name)?;
            eprintln!(
                "Removed watch '{}' (its papers stay in the library)",
                name.trim()
            );
            Ok(())
        }
    }
}

fn add(home: &Home, name: &str, query: &str) -> anyhow::Result<()> {
    if name.trim().is_empty() {
        return Err(crate::cli::UsageError("a watch needs a name".into()).into());
    }
    let query = SearchQuery::parse(query)?;
    let mut s = open(home)?;
    let watch = s.lib.add_watch(name, query.as_str())?;
    eprintln!(
        "Saved watch '{}': {} (run `litradar watch sync {}` to fetch)",
        watch.name, watch.query, watch.name
    );
    Ok(())
}

fn list(home: &Home, json: bool) -> anyhow::Result<()> {
    let s = open(home)?;
    let watches = s.lib.watches()?;
    if json {
        let items: Vec<serde_json::Value> = watches
            .iter()
            .map(|w| {
                serde_json::json!({
                    "name": w.name,
                    "query": w.query,
                    "created": w.created_at.as_ref().map(format_timestamp),
                    "sync_point": w.sync_point.as_ref().map(format_timestamp),
                    "last_synced": w.last_synced_at.as_ref().map(format_timestamp),
                    "last_added": w.last_added,
                })
            })
            .collect();
        return print_json(&items);
    }
    if watches.is_empty() {
        eprintln!("no watches yet; add one with `litradar watch add NAME QUERY`");
        return Ok(());
    }
    let style = Style::stdout();
    let name_width = watches
        .iter()
        .map(|w| w.name.chars().count())
        .max()
        .unwrap_or(4);
    let mut out = std::io::stdout().lock();
    for w in &watches {
        let synced = w.last_synced_at.map_or_else(
            || "never synced".to_string(),
            |t| format!("synced {} (+{})", t.format("%Y-%m-%d %H:%M"), w.last_added),
        );
        writeln!(
            out,
            "{}  {}  {}",
            style.bold(&format!("{:<name_width$}", w.name)),
            w.query,
            style.dim(&synced)
        )?;
    }
    Ok(())
}

fn sync(
    home: &super::Context,
    name: Option<&str>,
    max: Option<u64>,
    json: bool,
) -> anyhow::Result<()> {
    let mut s = open(home)?;
    let watches = match name {
        Some(n) => vec![s.lib.watch(n)?],
        None => s.lib.watches()?,
    };
    if watches.is_empty() {
        eprintln!("no watches to sync; add one with `litradar watch add NAME QUERY`");
        return if json {
            print_json(&Vec::<()>::new())
        } else {
            Ok(())
        };
    }
    let mut client = ArxivClient::new(s.config.client())?;
    let mut reports = Vec::new();
    for watch in &watches {
        let cap = max.unwrap_or_else(|| watch.sync_cap(&s.config.watch));
        let bar = Bar::new(&watch.name);
        let result = ingest::sync_watch(
            &mut s.lib,
            &mut client,
            watch,
            cap,
            s.config.arxiv.page_size,
            &bar,
        );
        bar.finish();
        let report = result.with_context(|| {
            format!(
                "syncing '{}' failed; papers already received are kept and the next sync starts from the old sync point",
                watch.name
            )
        })?;
        if !json {
            super::print_touched(&s.lib, &report.stored)?;
            eprintln!("{}: {}.", report.name, summary(&report.stored, "unchanged"));
            if report.capped {
                eprintln!(
                    "{}: stopped after {cap} papers; older new papers were not fetched (raise --max to get them)",
                    report.name
                );
            }
        }
        reports.push(report);
    }
    super::embed::after_ingest(home, &mut s)?;
    if json {
        let items: Vec<serde_json::Value> = reports
            .iter()
            .map(|r| {
                let mut v = report_json(&r.stored);
                v["name"] = r.name.clone().into();
                v["sync_point"] = r.sync_point.as_ref().map(format_timestamp).into();
                v["capped"] = r.capped.into();
                v["requests"] = r.pages.into();
                v
            })
            .collect();
        print_json(&items)?;
    }
    Ok(())
}
