//! `litradar demo`: a separate library with the starter papers, never the
//! user's own. It prints what is there (the TUI will open here once it
//! exists).

use super::print_json;
use crate::cli::args::DemoArgs;
use crate::cli::output::Style;
use crate::library::Library;
use anyhow::Context;
use std::io::Write;

/// `litradar demo`.
pub fn run(home: &super::Context, args: DemoArgs) -> anyhow::Result<()> {
    let demo = home.demo();
    demo.ensure()?;
    // The demo runs with the user's settings (model, device, arXiv mirror).
    if !demo.config_file().exists() && home.config_file().exists() {
        std::fs::copy(home.config_file(), demo.config_file())?;
    }
    let mut lib = Library::open(&demo.database()).with_context(|| {
        format!(
            "cannot open the demo library at {}",
            demo.database().display()
        )
    })?;
    let report = crate::starter::load(&mut lib)?;
    if lib.radar_editions()?.is_empty() {
        lib.radar_import(&crate::radar::seed(), None)?;
    }
    let radar = lib.radar_editions()?;
    // Linked, never run: running code is the user's explicit action.
    crate::impls::starter::link_all(&mut lib)?;
    let implementations = lib.impl_list(None)?.len();
    let ledger: Vec<_> = lib
        .impl_ledger(None)?
        .into_iter()
        .flat_map(|(_, rows)| rows)
        .collect();
    let (reproduced, partly, not, not_run) = crate::impls::ledger::tally(&ledger);
    // The demo uses the user's settings (model, device), never their library.
    let mut session = super::Session {
        config: crate::config::Config::load(&home.config_file())?,
        lib,
    };
    super::embed::after_ingest(home, &mut session)?;
    let lib = session.lib;
    let papers = lib.paper_count()?;
    let categories = lib.category_counts()?;
    let tags = lib.tag_counts()?;
    if args.json {
        return print_json(&serde_json::json!({
            "home": demo.root().display().to_string(),
            "papers": papers,
            "added": report.added.len(),
            "categories": categories.iter().map(|(c, n)| serde_json::json!({"name": c, "papers": n})).collect::<Vec<_>>(),
            "tags": tags.iter().map(|(t, n)| serde_json::json!({"name": t, "papers": n})).collect::<Vec<_>>(),
            "implementations": implementations,
            "ledger": {"claims": ledger.len(), "reproduced": reproduced, "partly": partly, "not": not, "not_run": not_run},
            "radar": radar.iter().map(|e| serde_json::json!({"edition": e.name, "blips": e.blips})).collect::<Vec<_>>(),
        }));
    }
    let style = Style::stdout();
    let mut out = std::io::stdout().lock();
    writeln!(out, "{}", style.bold("litradar demo library"))?;
    writeln!(out, "Home:       {}", demo.root().display())?;
    let fresh = if report.added.is_empty() {
        "already set up".to_string()
    } else {
        format!("{} added just now", report.added.len())
    };
    writeln!(out, "Papers:     {papers} landmark papers ({fresh})")?;
    let cats: Vec<String> = categories
        .iter()
        .take(6)
        .map(|(c, n)| format!("{c} {n}"))
        .collect();
    writeln!(out, "Categories: {}", cats.join(", "))?;
    let tag_list: Vec<String> = tags
        .iter()
        .take(10)
        .map(|(t, n)| format!("{t} {n}"))
        .collect();
    writeln!(out, "Tags:       {}", tag_list.join(", "))?;
    if let Some(e) = radar.last() {
        writeln!(
            out,
            "Radar:      edition {}, {} blips in 4 quadrants",
            e.name, e.blips
        )?;
    }
    writeln!(
        out,
        "Code:       {implementations} starter implementations in candle; ledger of {} claims: {reproduced} reproduced, {partly} partly, {not} not, {not_run} not run",
        ledger.len()
    )?;
    writeln!(out)?;
    let demo_flag = format!(
        "--home {}",
        crate::impls::shell_quote(&demo.root().display().to_string())
    );
    writeln!(out, "Try:")?;
    let app = !args.summary && std::io::IsTerminal::is_terminal(&std::io::stdout());
    if app {
        // The summary stays above the app's screen in the scrollback.
        drop(out);
        return open_app(home, &demo);
    }
    for example in [
        "list".to_string(),
        "list --tag peft".to_string(),
        "show 1706.03762".to_string(),
        "search 'cheap fine-tuning of big models'".to_string(),
        "export --format bibtex --tag inference".to_string(),
        "radar show".to_string(),
        "radar render -o radar.svg".to_string(),
        "impl list".to_string(),
        "impl run 2106.09685".to_string(),
        "impl ledger".to_string(),
    ] {
        writeln!(out, "  litradar {demo_flag} {example}")?;
    }
    Ok(())
}

/// Opens the terminal app on a home's library.
pub fn open_app(ctx: &super::Context, home: &crate::home::Home) -> anyhow::Result<()> {
    use std::io::IsTerminal;
    if !std::io::stdout().is_terminal() || !std::io::stdin().is_terminal() {
        anyhow::bail!(crate::cli::UsageError(
            "without a command litradar opens the terminal app, which needs a terminal; see `litradar --help` for the commands".into()
        ));
    }
    home.ensure()?;
    let config = crate::config::Config::load(&ctx.config_file())?;
    crate::tui::run(crate::tui::Setup {
        home: home.clone(),
        config,
        device: ctx.options.device.clone(),
        pacer: crate::arxiv::Pacer::new(),
    })
}
