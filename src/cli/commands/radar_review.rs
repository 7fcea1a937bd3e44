//! `radar review`: the month's proposals, and accepting or dismissing
//! them one by one.

use super::{Session, print_json};
use crate::cli::output::{Style, cut};
use crate::cli::radar_args::ReviewAction;
use crate::radar::store::{Acceptance, Review, ReviewSettings};
use std::io::Write;

/// `radar review [--month M] [--json] [accept|dismiss ...]`.
pub fn run(
    s: &mut Session,
    month: Option<&str>,
    json: bool,
    action: Option<ReviewAction>,
) -> anyhow::Result<()> {
    let review = s
        .lib
        .radar_review(month, &ReviewSettings::from_config(&s.config))?;
    match action {
        None if json => print_json(&review),
        None => show(s, &review),
        Some(ReviewAction::Accept {
            proposal,
            rationale,
            name,
            quadrant,
            ring,
        }) => {
            let edit = Acceptance {
                rationale,
                name,
                quadrant,
                ring,
            };
            let done = s.lib.radar_review_accept(&review, &proposal, &edit)?;
            eprintln!("Accepted: {done}.");
            Ok(())
        }
        Some(ReviewAction::Dismiss { proposal }) => {
            let id = s.lib.radar_review_dismiss(&review, &proposal)?;
            eprintln!("Dismissed {id}; no review will propose it again.");
            Ok(())
        }
    }
}

fn show(s: &Session, r: &Review) -> anyhow::Result<()> {
    let style = Style::stdout();
    let mut out = std::io::stdout().lock();
    let starts = if r.starts_edition {
        format!("accepting starts it from {}, the newest", r.newest)
    } else {
        "the newest edition".to_string()
    };
    writeln!(
        out,
        "{} ({starts}); since {} was made ({}): {} papers added.",
        style.bold(&format!("Review for {}", r.edition)),
        r.newest,
        r.since.get(..16).unwrap_or(&r.since).replace('T', " "),
        r.new_papers
    )?;
    let mut n = 0;
    let mut number = || {
        n += 1;
        format!("[{n}]")
    };
    writeln!(out)?;
    writeln!(out, "{} ({})", style.bold("Evidence"), r.evidence.len())?;
    if r.evidence.is_empty() {
        writeln!(
            out,
            "  No new paper mentions a blip or is close to its papers."
        )?;
    }
    for e in &r.evidence {
        writeln!(
            out,
            "  {:<5} {} ← {} {}",
            number(),
            e.blip,
            e.paper,
            cut(&e.title, 60)
        )?;
        writeln!(out, "        {}", style.dim(&e.why))?;
    }
    writeln!(out)?;
    let month = r.month.as_deref().unwrap_or("the newest month");
    writeln!(
        out,
        "{} ({}), terms rising in the papers of {month}",
        style.bold("New blips"),
        r.new_blips.len()
    )?;
    if r.new_blips.is_empty() {
        writeln!(
            out,
            "  No term rose enough (3 papers and twice its earlier share)."
        )?;
    }
    for b in &r.new_blips {
        let quadrant = b.quadrant.as_deref().unwrap_or("quadrant unknown");
        writeln!(
            out,
            "  {:<5} {} → {quadrant}",
            number(),
            style.bold(&b.term)
        )?;
        writeln!(out, "        {}", style.dim(&b.why))?;
        writeln!(
            out,
            "        {}",
            style.dim(&format!("papers: {}", cut(&b.papers.join(", "), 70)))
        )?;
    }
    writeln!(out)?;
    writeln!(out, "{} ({})", style.bold("Moves"), r.moves.len())?;
    if r.moves.is_empty() {
        writeln!(out, "  The trends suggest no move.")?;
    }
    for m in &r.moves {
        writeln!(out, "  {:<5} {}: {} → {}", number(), m.blip, m.from, m.to)?;
        writeln!(out, "        {}", style.dim(&m.why))?;
    }
    writeln!(out)?;
    writeln!(out, "{} ({})", style.bold("Stale"), r.stale.len())?;
    if r.stale.is_empty() {
        writeln!(out, "  Every blip was reassessed lately.")?;
    }
    for st in &r.stale {
        writeln!(
            out,
            "  {:<5} {}: not reassessed for {} editions",
            number(),
            st.blip,
            st.editions
        )?;
    }
    writeln!(out)?;
    let first = crate::radar::month_window(&r.edition, s.config.radar.months.max(1)).remove(0);
    super::radar::write_budget(&mut out, &r.budget, &first)?;
    writeln!(out)?;
    let dismissed = s.lib.radar_review_dismissed()?;
    writeln!(
        out,
        "Accept one with `litradar radar review accept N [--rationale \"...\"]`, dismiss it with `litradar radar review dismiss N`{}.",
        if dismissed > 0 {
            format!(" ({dismissed} dismissed before, not shown)")
        } else {
            String::new()
        }
    )?;
    Ok(())
}
