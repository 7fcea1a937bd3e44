//! `fetch` and `add`: papers from the arXiv API into the library.

use super::{open, print_json, print_touched, report_json, summary};
use crate::arxiv::{ArxivClient, ArxivId, SearchQuery, SortBy};
use crate::cli::UsageError;
use crate::cli::args::{AddArgs, FetchArgs, Sort};
use crate::cli::output::Bar;
use crate::ingest;
use anyhow::Context;

/// `litradar fetch QUERY`.
pub fn fetch(home: &super::Context, args: FetchArgs) -> anyhow::Result<()> {
    let query = SearchQuery::parse(&args.query)?;
    if let (Some(from), Some(to)) = (args.from, args.to) {
        if from > to {
            return Err(UsageError(format!("--from {from} is after --to {to}")).into());
        }
    }
    let query = query.with_submitted_range(args.from, args.to);
    let sort = match args.sort {
        Sort::Submitted => SortBy::SubmittedDate,
        Sort::Updated => SortBy::LastUpdatedDate,
        Sort::Relevance => SortBy::Relevance,
    };
    let mut s = open(home)?;
    let mut client = ArxivClient::new(s.config.client())?;
    let before = s.lib.paper_count()?;
    let bar = Bar::new("fetching");
    let result = ingest::fetch(
        &mut s.lib,
        &mut client,
        &query,
        sort,
        args.max,
        s.config.arxiv.page_size,
        &bar,
    );
    bar.finish();
    let report = result
        .with_context(|| kept_note(s.lib.paper_count().unwrap_or(before).saturating_sub(before)))?;
    super::embed::after_ingest(home, &mut s)?;
    if args.json {
        let mut value = report_json(&report.stored);
        value["query"] = query.as_str().into();
        value["total_results"] = report.total_results.into();
        value["received"] = report.received.into();
        return print_json(&value);
    }
    print_touched(&s.lib, &report.stored)?;
    let total = report
        .total_results
        .map_or_else(String::new, |t| format!(" of {t} matching"));
    eprintln!(
        "Fetched {}{total} papers: {}.",
        report.received,
        summary(&report.stored, "unchanged")
    );
    Ok(())
}

fn kept_note(stored: u64) -> String {
    if stored == 0 {
        "fetch failed; the library is unchanged".into()
    } else {
        format!(
            "fetch stopped; the {stored} papers from pages received before the failure are kept"
        )
    }
}

/// `litradar add ID...`.
pub fn add(home: &super::Context, args: AddArgs) -> anyhow::Result<()> {
    // Every id is checked before any request is made.
    let ids = args
        .ids
        .iter()
        .map(|s| ArxivId::parse(s))
        .collect::<Result<Vec<_>, _>>()?;
    let mut s = open(home)?;
    let mut client = ArxivClient::new(s.config.client())?;
    let bar = Bar::new("adding");
    let result = ingest::add_ids(&mut s.lib, &mut client, &ids, &bar);
    bar.finish();
    let report = result.context("adding papers failed")?;
    super::embed::after_ingest(home, &mut s)?;
    if args.json {
        let mut value = report_json(&report.stored);
        value["missing"] = report.missing.clone().into();
        print_json(&value)?;
    } else {
        print_touched(&s.lib, &report.stored)?;
        eprintln!("{}.", summary(&report.stored, "already up to date"));
    }
    if report.missing.is_empty() {
        Ok(())
    } else {
        anyhow::bail!(
            "not found on arXiv: {} (check the id; the others were stored)",
            report.missing.join(", ")
        )
    }
}
