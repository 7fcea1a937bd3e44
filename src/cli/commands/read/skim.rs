//! `read ID skim`: pass 1 from the paper's own text.

use crate::cli::commands::{Session as Opened, print_json};
use crate::cli::output::Style;
use std::io::Write;

/// `read ID skim`: pass 1 in the seed's order.
pub(super) fn skim(s: &Opened, id: &str, json: bool) -> anyhow::Result<()> {
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
            out.push_str(&crate::cli::commands::fulltext::caption_lines(c, style, w));
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
