//! `radar`: the technology radar on the command line.

use super::{Session, open, print_json, radar_files, radar_review};
use crate::cli::UsageError;
use crate::cli::output::{Style, cut, width};
use crate::cli::radar_args::{EditionCommand, RadarCommand};
use crate::home::Home;
use crate::radar::store::{RadarError, current_month};
use crate::radar::view::View;
use crate::radar::{Movement, month_window, svg};
use std::io::Write;
use std::path::Path;

/// Dispatches `radar` subcommands.
pub fn run(home: &Home, command: RadarCommand) -> anyhow::Result<()> {
    let mut s = open(home)?;
    // Mistakes in names and missing rationales exit with 2 (cli::exit_code).
    dispatch(&mut s, command)
}

fn dispatch(s: &mut Session, command: RadarCommand) -> anyhow::Result<()> {
    match command {
        RadarCommand::Import {
            file,
            format,
            edition,
            quadrants,
            rings,
        } => radar_files::import(s, &file, format, edition.as_deref(), quadrants, rings),
        RadarCommand::Show { edition, json } => show(s, edition.as_deref(), json),
        RadarCommand::Blip { name, json } => blip(s, &name, json),
        RadarCommand::Edition(c) => edition(s, c),
        RadarCommand::Add {
            name,
            quadrant,
            ring,
            description,
            aliases,
        } => {
            s.lib
                .radar_add(&name, &quadrant, &ring, &description, &aliases)?;
            let latest = s.lib.radar_latest()?;
            eprintln!("Added {name} to {latest} ({quadrant}, {ring}).");
            Ok(())
        }
        RadarCommand::Move {
            name,
            ring,
            quadrant,
            rationale,
        } => {
            if ring.is_none() && quadrant.is_none() {
                anyhow::bail!(UsageError(format!(
                    "say where '{name}' moves: --ring RING and/or --quadrant QUADRANT"
                )));
            }
            let rationale = rationale.unwrap_or_default();
            s.lib
                .radar_move(&name, ring.as_deref(), quadrant.as_deref(), &rationale)?;
            let (_, e) = s.lib.radar_edition(None)?;
            if let Some(entry) = e.entry(&name) {
                eprintln!(
                    "Moved {} to {}, {} in {}.",
                    entry.name, entry.quadrant, entry.ring, e.name
                );
            }
            Ok(())
        }
        RadarCommand::Describe {
            name,
            description,
            rationale,
        } => {
            if description.is_none() && rationale.is_none() {
                anyhow::bail!(UsageError(
                    "give --description TEXT, --rationale TEXT or both".into()
                ));
            }
            s.lib
                .radar_describe(&name, description.as_deref(), rationale.as_deref())?;
            eprintln!("Updated {name}.");
            Ok(())
        }
        RadarCommand::PhaseOut { name, rationale } => {
            s.lib
                .radar_phase_out(&name, rationale.as_deref().unwrap_or_default())?;
            eprintln!("Phased out {name}: it stays in the history of earlier editions.");
            Ok(())
        }
        RadarCommand::Link { blip, papers } => {
            for paper in &papers {
                let (name, id) = s.lib.radar_link(&blip, paper)?;
                eprintln!("Linked {id} to {name}.");
            }
            Ok(())
        }
        RadarCommand::Unlink { blip, papers } => {
            for paper in &papers {
                if s.lib.radar_unlink(&blip, paper)? {
                    eprintln!("Unlinked {paper} from {blip}.");
                } else {
                    eprintln!("{paper} was not linked to {blip}.");
                }
            }
            Ok(())
        }
        RadarCommand::Diff { from, to, json } => diff(s, from.as_deref(), to.as_deref(), json),
        RadarCommand::History { name, json } => history(s, &name, json),
        RadarCommand::Trends {
            months,
            until,
            json,
        } => trends(s, months, until.as_deref(), json),
        RadarCommand::Render { edition, output } => render(s, edition.as_deref(), &output),
        RadarCommand::Export {
            format,
            edition,
            output,
        } => radar_files::export(s, format, edition.as_deref(), output.as_deref()),
        RadarCommand::Budget { months, json } => budget(s, months, json),
        RadarCommand::Review {
            month,
            json,
            action,
        } => radar_review::run(s, month.as_deref(), json, action),
    }
}

fn movement_text(m: Movement) -> String {
    match m {
        Movement::Unchanged => String::new(),
        m => format!("{} {}", m.symbol(), m.label()),
    }
}

fn show(s: &Session, edition: Option<&str>, json: bool) -> anyhow::Result<()> {
    let view = s.lib.radar_view(edition, s.config.radar.stale_after)?;
    if json {
        return print_json(&view);
    }
    let style = Style::stdout();
    let cols = width().unwrap_or(100).max(60);
    let mut out = std::io::stdout().lock();
    let state = if view.frozen { "published" } else { "draft" };
    let compared = match view.previous.as_deref() {
        Some(p) => format!(", compared with {p}"),
        None => ", the first edition".to_string(),
    };
    writeln!(
        out,
        "{} {}  ({state}, {} blips{compared})",
        style.bold("Technology radar"),
        style.bold(&view.edition),
        view.blips.len()
    )?;
    for quadrant in &view.shape.quadrants {
        writeln!(out)?;
        writeln!(out, "{}", style.bold(&quadrant.to_uppercase()))?;
        for ring in &view.shape.rings {
            let here: Vec<_> = view
                .blips
                .iter()
                .filter(|b| &b.quadrant == quadrant && &b.ring == ring)
                .collect();
            if here.is_empty() {
                continue;
            }
            writeln!(out, "  {}", style.dim(ring))?;
            for b in here {
                let mut tail = Vec::new();
                let moved = movement_text(b.movement);
                if !moved.is_empty() && view.previous.is_some() {
                    tail.push(style.mark(&moved));
                }
                if !b.papers.is_empty() {
                    let n = b.papers.len();
                    tail.push(format!("{n} paper{}", if n == 1 { "" } else { "s" }));
                }
                if let Some(n) = b.stale_editions {
                    tail.push(style.error(&format!("stale: {n} editions without reassessment")));
                }
                let head = format!("{:>4}. {:<18}", b.number, b.name);
                let room = cols.saturating_sub(head.chars().count() + 2).max(20);
                writeln!(out, "{head}  {}", cut(&b.description, room))?;
                if !tail.is_empty() {
                    writeln!(out, "        {}", tail.join(" · "))?;
                }
            }
        }
    }
    if !view.gone.is_empty() {
        writeln!(out)?;
        writeln!(
            out,
            "Gone since {}: {}",
            view.previous.as_deref().unwrap_or("the last edition"),
            view.gone.join(", ")
        )?;
    }
    Ok(())
}

fn blip(s: &Session, name: &str, json: bool) -> anyhow::Result<()> {
    let history = s.lib.radar_history(name)?;
    let evidence = s.lib.radar_evidence(name)?;
    let aliases = s.lib.radar_aliases(name)?;
    let Some(last) = history.last() else {
        anyhow::bail!(RadarError::NoBlip(name.to_string()));
    };
    if json {
        return print_json(&serde_json::json!({
            "name": last.entry.name,
            "edition": last.edition,
            "quadrant": last.entry.quadrant,
            "ring": last.entry.ring,
            "movement": last.movement,
            "description": last.entry.description,
            "rationale": last.entry.rationale,
            "phased_out": last.entry.phased_out,
            "link": s.lib.radar_blip_link(name)?,
            "aliases": aliases,
            "history": history.iter().map(|h| serde_json::json!({
                "edition": h.edition, "quadrant": h.entry.quadrant, "ring": h.entry.ring,
                "movement": h.movement, "rationale": h.entry.rationale, "phased_out": h.entry.phased_out,
            })).collect::<Vec<_>>(),
            "papers": evidence.iter().map(|e| serde_json::json!({
                "id": e.paper_id, "title": e.title, "reading": e.reading,
            })).collect::<Vec<_>>(),
        }));
    }
    let style = Style::stdout();
    let mut out = std::io::stdout().lock();
    let e = &last.entry;
    writeln!(out, "{}", style.bold(&e.name))?;
    let place = if e.phased_out {
        format!("phased out in {}", last.edition)
    } else {
        format!("{}, {} ({})", e.quadrant, e.ring, last.edition)
    };
    writeln!(out, "Where:    {place}")?;
    if !e.description.is_empty() {
        writeln!(out, "What:     {}", e.description)?;
    }
    if let Some(r) = &e.rationale {
        writeln!(out, "Why:      {r}")?;
    }
    if !aliases.is_empty() {
        writeln!(out, "Also:     {}", aliases.join(", "))?;
    }
    writeln!(
        out,
        "Papers:   {}",
        if evidence.is_empty() {
            "none linked yet (`litradar radar link`)".to_string()
        } else {
            evidence.len().to_string()
        }
    )?;
    for p in &evidence {
        writeln!(
            out,
            "  {}  {}  [{}]",
            style.id(&p.paper_id),
            cut(&p.title, 60),
            p.reading.join(", ")
        )?;
    }
    Ok(())
}

fn edition(s: &mut Session, command: EditionCommand) -> anyhow::Result<()> {
    match command {
        EditionCommand::List { json } => {
            let editions = s.lib.radar_editions()?;
            if json {
                return print_json(
                    &editions
                        .iter()
                        .map(|e| serde_json::json!({"name": e.name, "frozen": e.frozen, "blips": e.blips}))
                        .collect::<Vec<_>>(),
                );
            }
            if editions.is_empty() {
                eprintln!(
                    "No editions yet: start one with `litradar radar import radar/seed.toml`."
                );
            }
            let mut out = std::io::stdout().lock();
            for e in editions {
                let state = if e.frozen { "published" } else { "draft" };
                writeln!(out, "{}  {:>3} blips  {state}", e.name, e.blips)?;
            }
            Ok(())
        }
        EditionCommand::New { month } => {
            let name = s.lib.radar_new_edition(month.as_deref())?;
            eprintln!(
                "Started {name} from the edition before; move blips with `litradar radar move NAME --ring RING --rationale \"...\"`."
            );
            Ok(())
        }
        EditionCommand::Freeze { edition } => {
            let name = s.lib.radar_freeze(edition.as_deref())?;
            eprintln!("Froze {name}: it is published and read-only now.");
            Ok(())
        }
    }
}

fn diff(s: &Session, from: Option<&str>, to: Option<&str>, json: bool) -> anyhow::Result<()> {
    let (before, after, changes) = s.lib.radar_diff(from, to)?;
    if json {
        return print_json(&serde_json::json!({
            "from": before,
            "to": after,
            "changes": changes,
        }));
    }
    let style = Style::stdout();
    let mut out = std::io::stdout().lock();
    let title = match &before {
        Some(b) => format!("{b} → {after}"),
        None => format!("{after} (the first edition: every blip is new)"),
    };
    writeln!(out, "{}", style.bold(&title))?;
    let mut shown = 0;
    for c in &changes {
        if c.movement == Movement::Unchanged && c.from_quadrant == c.to_quadrant {
            continue;
        }
        shown += 1;
        let place = match c.movement {
            Movement::New => c.to_ring.clone().unwrap_or_default(),
            Movement::Gone => format!("was {}", c.from_ring.clone().unwrap_or_default()),
            _ => format!(
                "{} → {}",
                c.from_ring.clone().unwrap_or_default(),
                c.to_ring.clone().unwrap_or_default()
            ),
        };
        let quadrant = if c.from_quadrant.is_some()
            && c.to_quadrant.is_some()
            && c.from_quadrant != c.to_quadrant
        {
            format!(
                " (quadrant {} → {})",
                c.from_quadrant.as_deref().unwrap_or_default(),
                c.to_quadrant.as_deref().unwrap_or_default()
            )
        } else {
            String::new()
        };
        writeln!(
            out,
            "  {:<10} {:<18} {place}{quadrant}",
            c.movement.label(),
            c.blip
        )?;
        if let Some(r) = &c.rationale {
            writeln!(out, "             why: {r}")?;
        }
    }
    let unchanged = changes.len() - shown;
    writeln!(out, "{shown} changed, {unchanged} unchanged")?;
    Ok(())
}

fn history(s: &Session, name: &str, json: bool) -> anyhow::Result<()> {
    let rows = s.lib.radar_history(name)?;
    if json {
        return print_json(
            &rows
                .iter()
                .map(|r| {
                    serde_json::json!({
                        "edition": r.edition,
                        "quadrant": r.entry.quadrant,
                        "ring": r.entry.ring,
                        "movement": r.movement,
                        "rationale": r.entry.rationale,
                        "phased_out": r.entry.phased_out,
                    })
                })
                .collect::<Vec<_>>(),
        );
    }
    let mut out = std::io::stdout().lock();
    for r in &rows {
        let ring = if r.entry.phased_out {
            "phased out".to_string()
        } else {
            r.entry.ring.clone()
        };
        let moved = movement_text(r.movement);
        writeln!(
            out,
            "{}  {:<12} {:<26} {moved}",
            r.edition, ring, r.entry.quadrant
        )?;
        if let Some(why) = &r.entry.rationale {
            writeln!(out, "         why: {why}")?;
        }
    }
    Ok(())
}

fn trends(
    s: &Session,
    months: Option<usize>,
    until: Option<&str>,
    json: bool,
) -> anyhow::Result<()> {
    let months = months.unwrap_or(s.config.radar.months);
    if months == 0 {
        anyhow::bail!(UsageError("--months must be at least 1".into()));
    }
    let t = s.lib.radar_trends(months, until)?;
    if json {
        return print_json(&t);
    }
    let style = Style::stdout();
    let mut out = std::io::stdout().lock();
    writeln!(
        out,
        "{} {} to {}  (papers mentioning each blip, by month of publication)",
        style.bold("Trends"),
        t.months.first().map_or("", String::as_str),
        t.months.last().map_or("", String::as_str)
    )?;
    let header: Vec<String> = t.months.iter().map(|m| format!("{:>7}", m)).collect();
    writeln!(out, "  {:<18} {}", "", header.join(""))?;
    let mut any = false;
    for b in &t.blips {
        let cells: Vec<String> = b.counts.iter().map(|(_, n)| format!("{n:>7}")).collect();
        any |= b.counts.iter().any(|(_, n)| *n > 0);
        writeln!(out, "  {:<18} {}", cut(&b.blip, 18), cells.join(""))?;
    }
    if !any {
        let until_hint = t.months.last().cloned().unwrap_or_else(current_month);
        writeln!(
            out,
            "  No paper in the library was published in these months ({} to {until_hint}); fetch recent papers or look further back with --until YYYY-MM.",
            t.months.first().map_or("", String::as_str)
        )?;
    }
    if !t.keywords.is_empty() {
        writeln!(out)?;
        writeln!(
            out,
            "{} (in papers added in {}, against earlier ones)",
            style.bold("Rising words"),
            t.months.last().map_or("", String::as_str)
        )?;
        let words: Vec<String> = t
            .keywords
            .iter()
            .map(|k| format!("{} {}/{}", k.word, k.recent, k.earlier))
            .collect();
        writeln!(out, "  {}", words.join(", "))?;
    }
    writeln!(out)?;
    if t.suggestions.is_empty() {
        writeln!(out, "No moves suggested.")?;
    } else {
        writeln!(
            out,
            "{} (suggestions only; nothing is moved)",
            style.bold("Suggested moves")
        )?;
        for sug in &t.suggestions {
            writeln!(out, "  {}: {} — {}", sug.blip, sug.action, sug.evidence)?;
        }
    }
    Ok(())
}

fn render(s: &Session, edition: Option<&str>, output: &Path) -> anyhow::Result<()> {
    let view: View = s.lib.radar_view(edition, s.config.radar.stale_after)?;
    let title = format!("Technology radar {}", view.edition);
    let picture = svg::render(&view.shape, &view.placed, &title);
    super::write_atomically(output, picture.as_bytes())?;
    eprintln!(
        "Wrote {} ({} blips) to {}.",
        view.edition,
        view.blips.len(),
        output.display()
    );
    Ok(())
}

/// The budget's two tables: per ring against the plan, per quadrant.
pub(super) fn write_budget(
    out: &mut impl Write,
    b: &crate::radar::budget::Budget,
    first: &str,
) -> std::io::Result<()> {
    let style = Style::stdout();
    writeln!(
        out,
        "{} since {first}: {:.0} minutes on papers",
        style.bold("Reading time"),
        b.total_minutes
    )?;
    writeln!(out)?;
    writeln!(
        out,
        "  {:<26} {:>8} {:>7} {:>7}",
        "ring", "minutes", "share", "plan"
    )?;
    for r in &b.rings {
        let plan = r.planned.map(|p| format!("{p:.0}%")).unwrap_or_default();
        let flag = b
            .gap(r)
            .map(|g| format!("  {}", g.label()))
            .unwrap_or_default();
        writeln!(
            out,
            "  {:<26} {:>8.0} {:>6.0}% {:>7}{flag}",
            r.name, r.minutes, r.percent, plan
        )?;
    }
    writeln!(out)?;
    writeln!(out, "  {:<26} {:>8} {:>7}", "quadrant", "minutes", "share")?;
    for q in &b.quadrants {
        writeln!(
            out,
            "  {:<26} {:>8.0} {:>6.0}%",
            q.name, q.minutes, q.percent
        )?;
    }
    Ok(())
}

fn budget(s: &Session, months: Option<usize>, json: bool) -> anyhow::Result<()> {
    let months = months.unwrap_or(s.config.radar.months);
    if months == 0 {
        anyhow::bail!(UsageError("--months must be at least 1".into()));
    }
    let first = month_window(&current_month(), months).remove(0);
    let since = chrono::NaiveDate::parse_from_str(&format!("{first}-01"), "%Y-%m-%d").ok();
    let plan: Vec<f64> = s.config.radar.plan.iter().map(|p| f64::from(*p)).collect();
    let b = s.lib.radar_budget(since, &plan)?;
    if json {
        return print_json(&serde_json::json!({
            "since": first,
            "budget": b,
        }));
    }
    let mut out = std::io::stdout().lock();
    write_budget(&mut out, &b, &first)?;
    if b.total_minutes == 0.0 {
        writeln!(out)?;
        writeln!(
            out,
            "No reading time logged yet: `litradar read ID start` times a pass."
        )?;
    }
    Ok(())
}
