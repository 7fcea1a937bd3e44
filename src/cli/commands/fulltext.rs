//! `open`, `fulltext fetch|status|show`, the hidden `pdf-text` (the
//! built-in PDF reader run as a child), and the background fetch that
//! follows queueing a paper or starting its timer.

use super::{Context, Session, open, print_json};
use crate::arxiv::Pacer;
use crate::cli::UsageError;
use crate::cli::fulltext_args::{FetchTextArgs, FulltextCommand, OpenArgs, PdfTextArgs};
use crate::cli::output::{Bar, Style, width, wrap};
use crate::fulltext::document::{Document, Source};
use crate::fulltext::job::{self, PaperOutcome};
use crate::fulltext::store::{Outcome, StatusRow};
use crate::home::Home;
use std::io::Write;

/// `litradar open`.
pub fn open_pdf(ctx: &Context, args: OpenArgs) -> anyhow::Result<()> {
    let s = open(ctx)?;
    let record = s.lib.find(&args.id)?;
    let paper = &record.paper;
    let Some(latest) = paper.version else {
        anyhow::bail!(
            "{} is not an arXiv paper, so arxiv.org has no PDF for it; its links: {}",
            paper.id,
            paper
                .pdf_url
                .as_deref()
                .or(paper.abs_url.as_deref())
                .unwrap_or("none")
        );
    };
    let version = args.version.unwrap_or(latest);
    if version > latest {
        anyhow::bail!(UsageError(format!(
            "{} has versions 1 to {latest}; there is no v{version}",
            paper.id
        )));
    }
    let mut fetcher = job::fetcher(&s.config, ctx, Pacer::new())?;
    let had = fetcher.files.existing_pdf(&paper.id, version).is_some();
    let bar = Bar::new("downloading");
    let path = fetcher.ensure_pdf(&paper.id, version, &mut |got, total| {
        if let Some(t) = total {
            bar_length(&bar, t);
        }
        crate::ingest::Progress::message(&bar, &format!("{} KiB", got >> 10));
    });
    bar.finish();
    let path = path?;
    if !had {
        eprintln!("Downloaded {}v{version} to {}", paper.id, path.display());
    }
    if args.path {
        println!("{}", path.display());
        return Ok(());
    }
    let argv = crate::fulltext::open::open(&s.config.reader.pdf_viewer, &path)?;
    eprintln!("Opened {} with {}", path.display(), argv[0]);
    Ok(())
}

fn bar_length(bar: &Bar, total: u64) {
    crate::ingest::Progress::total(bar, total >> 10);
}

/// `litradar fulltext ...`.
pub fn run(ctx: &Context, command: FulltextCommand) -> anyhow::Result<()> {
    match command {
        FulltextCommand::Fetch(args) => fetch(ctx, args),
        FulltextCommand::Status { json } => status(ctx, json),
        FulltextCommand::Show { id, section, json } => show(ctx, &id, section.as_deref(), json),
    }
}

fn fetch(ctx: &Context, args: FetchTextArgs) -> anyhow::Result<()> {
    let mut s = open(ctx)?;
    let mut ids: Vec<String> = Vec::new();
    for key in &args.ids {
        ids.push(s.lib.find(key)?.paper.id);
    }
    if args.queued {
        ids.extend(job::queued_ids(&s.lib)?);
    }
    if let Some(tag) = &args.tag {
        let tagged = job::tagged_ids(&s.lib, tag)?;
        if tagged.is_empty() && !args.quiet {
            eprintln!("No paper has the tag '{tag}'.");
        }
        ids.extend(tagged);
    }
    if ids.is_empty() && args.ids.is_empty() && !args.queued && args.tag.is_none() {
        anyhow::bail!(UsageError(
            "name papers (litradar fulltext fetch ID…), or use --queued or --tag TAG".into()
        ));
    }
    let mut seen = std::collections::HashSet::new();
    ids.retain(|id| seen.insert(id.clone()));
    let mut fetcher = job::fetcher(&s.config, ctx, Pacer::new())?;
    let bar = Bar::new("full text");
    let outcomes = job::fetch_texts(
        &mut s.lib,
        &mut fetcher,
        &ids,
        &args.source.order(),
        args.force,
        &bar,
    );
    bar.finish();
    let outcomes = outcomes?;
    let fetched = outcomes.iter().any(|o| o.served().is_some());
    if fetched {
        embed_passages(ctx, &mut s, args.quiet)?;
    }
    if args.json {
        print_json(&outcomes.iter().map(outcome_json).collect::<Vec<_>>())?;
    } else if !args.quiet {
        print_outcomes(&s, &outcomes)?;
    }
    let failed: Vec<&PaperOutcome> = outcomes
        .iter()
        .filter(|o| !o.skipped && o.served().is_none())
        .collect();
    if !failed.is_empty() {
        anyhow::bail!(
            "{} of {} papers got no text ({}); `litradar fulltext status` shows why",
            failed.len(),
            outcomes.len(),
            failed
                .iter()
                .take(5)
                .map(|o| o.paper_id.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        );
    }
    Ok(())
}

/// Embeds new passages when a model is installed (and embedding is on).
fn embed_passages(ctx: &Context, s: &mut Session, quiet: bool) -> anyhow::Result<()> {
    if ctx.options.no_embed || !s.config.embed.auto {
        return Ok(());
    }
    let model = super::embed::model_ref(&s.config, None);
    if !model.installed() || s.lib.pending_passages(&model.name)?.is_empty() {
        return Ok(());
    }
    let embedder = super::embed::load(ctx, &s.config, &model)?;
    let bar = Bar::new("passages");
    let report = job::embed_passages(&mut s.lib, &embedder, s.config.embed.batch, &bar);
    bar.finish();
    let report = report?;
    if !quiet && report.embedded > 0 {
        eprintln!(
            "Embedded {} passages in {:.1} s ({:.1} passages/s)",
            report.embedded,
            report.seconds,
            report.rate()
        );
    }
    Ok(())
}

fn outcome_json(o: &PaperOutcome) -> serde_json::Value {
    let (attempts, error) = match &o.result {
        Ok(r) => (
            r.attempts
                .iter()
                .map(|a| {
                    serde_json::json!({
                        "source": a.source.as_str(),
                        "outcome": a.outcome.as_str(),
                        "reason": a.reason,
                    })
                })
                .collect::<Vec<_>>(),
            None,
        ),
        Err(e) => (Vec::new(), (!o.skipped).then(|| e.clone())),
    };
    serde_json::json!({
        "id": o.paper_id,
        "version": o.version,
        "served": o.served().map(Source::as_str),
        "skipped": o.skipped,
        "attempts": attempts,
        "error": error,
    })
}

fn print_outcomes(s: &Session, outcomes: &[PaperOutcome]) -> anyhow::Result<()> {
    let style = Style::stdout();
    let mut out = std::io::stdout().lock();
    for o in outcomes {
        let id = match o.version {
            Some(v) => format!("{}v{v}", o.paper_id),
            None => o.paper_id.clone(),
        };
        let line = match (&o.result, o.served()) {
            (_, Some(source)) => {
                let counts = s
                    .lib
                    .fulltext(&o.paper_id)?
                    .map(|t| counts(&t.document))
                    .unwrap_or_default();
                let passed = passed_over(o);
                let passed = if passed.is_empty() {
                    String::new()
                } else {
                    format!(" · {}", style.dim(&passed))
                };
                format!("{:<5}  {counts}{passed}", source.as_str())
            }
            (Err(e), None) if o.skipped => style.dim(&format!("kept   {e}")),
            (Err(e), None) => format!("{}  {e}", style.error("none ")),
            (Ok(_), None) => format!("{}  {}", style.error("none "), passed_over(o)),
        };
        writeln!(out, "{}  {line}", style.id(&format!("{id:<16}")))?;
    }
    Ok(())
}

/// "html: HTTP 404: no HTML for this version; latex: …" for the sources that did not serve.
fn passed_over(o: &PaperOutcome) -> String {
    let Ok(r) = &o.result else {
        return String::new();
    };
    r.attempts
        .iter()
        .filter(|a| !matches!(a.outcome, Outcome::Served | Outcome::Skipped))
        .map(|a| format!("{}: {}", a.source, a.reason))
        .collect::<Vec<_>>()
        .join("; ")
}

fn counts(doc: &Document) -> String {
    format!(
        "{} sections, {} captions, {} equations, {} references, {} words",
        doc.sections.len(),
        doc.captions.len(),
        doc.equations.len(),
        doc.references.len(),
        doc.body_words()
    )
}

fn status(ctx: &Context, json: bool) -> anyhow::Result<()> {
    let s = open(ctx)?;
    let rows = s.lib.fulltext_status()?;
    if json {
        return print_json(&rows.iter().map(status_json).collect::<Vec<_>>());
    }
    if rows.is_empty() {
        eprintln!("No paper has text yet; `litradar fulltext fetch ID` gets it.");
        return Ok(());
    }
    let style = Style::stdout();
    let mut out = std::io::stdout().lock();
    let with_text = rows.iter().filter(|r| r.text.is_some()).count();
    for r in &rows {
        let title =
            crate::cli::output::cut(&r.title, width().unwrap_or(100).saturating_sub(20).max(30));
        writeln!(
            out,
            "{}  {}",
            style.id(&format!("{:<14}", r.paper_id)),
            title
        )?;
        match &r.text {
            Some(t) => {
                let stale = match r.latest_version {
                    Some(latest) if latest > t.version => {
                        style.mark(&format!(" (v{latest} is out: fetch again)"))
                    }
                    _ => String::new(),
                };
                writeln!(
                    out,
                    "  text of v{} from the {}: {} sections, {} captions, {} equations, {} references, {} words{stale}",
                    t.version, t.source, t.sections, t.captions, t.equations, t.references, t.words
                )?;
            }
            None => writeln!(out, "  {}", style.error("no text"))?,
        }
        for (a, at) in &r.attempts {
            if a.outcome == Outcome::Served {
                continue;
            }
            writeln!(
                out,
                "  {}",
                style.dim(&format!(
                    "{} {}: {} ({})",
                    a.source,
                    a.outcome.as_str(),
                    a.reason,
                    at
                ))
            )?;
        }
    }
    eprintln!("{with_text} of {} papers tried have text.", rows.len());
    Ok(())
}

fn status_json(r: &StatusRow) -> serde_json::Value {
    serde_json::json!({
        "id": r.paper_id,
        "title": r.title,
        "version": r.latest_version,
        "text": r.text.as_ref().map(|t| serde_json::json!({
            "version": t.version,
            "source": t.source.as_str(),
            "sections": t.sections,
            "captions": t.captions,
            "equations": t.equations,
            "references": t.references,
            "words": t.words,
        })),
        "attempts": r.attempts.iter().map(|(a, at)| serde_json::json!({
            "source": a.source.as_str(),
            "outcome": a.outcome.as_str(),
            "reason": a.reason,
            "at": at,
        })).collect::<Vec<_>>(),
    })
}

fn show(ctx: &Context, key: &str, section: Option<&str>, json: bool) -> anyhow::Result<()> {
    let s = open(ctx)?;
    let record = s.lib.find(key)?;
    let id = record.paper.id.clone();
    let Some(text) = s.lib.fulltext(&id)? else {
        anyhow::bail!("{id} has no full text yet; get it with `litradar fulltext fetch {id}`");
    };
    let doc = &text.document;
    let chosen: Vec<usize> = match section {
        Some(name) => {
            let Some(i) = doc.find_section(name) else {
                let names: Vec<String> = doc.sections.iter().take(12).map(|s| s.title()).collect();
                anyhow::bail!(UsageError(format!(
                    "{id} has no section '{name}'; its sections: {}",
                    names.join(", ")
                )));
            };
            doc.subtree(i).map(|(j, _)| j).collect()
        }
        None => (0..doc.sections.len()).collect(),
    };
    if json {
        let sections: Vec<serde_json::Value> = chosen
            .iter()
            .map(|&i| {
                let sec = &doc.sections[i];
                serde_json::json!({
                    "number": sec.number,
                    "heading": sec.heading,
                    "level": sec.level,
                    "kind": sec.kind.as_str(),
                    "paragraphs": sec.paragraphs,
                    "captions": doc.captions.iter().filter(|c| c.section == Some(i)).map(caption_json).collect::<Vec<_>>(),
                    "equations": doc.equations.iter().filter(|e| e.section == Some(i)).map(|e| serde_json::json!({
                        "latex": e.latex, "number": e.number, "label": e.label,
                    })).collect::<Vec<_>>(),
                })
            })
            .collect();
        let mut value = serde_json::json!({
            "id": id,
            "version": text.version,
            "source": text.source.as_str(),
            "extractor": text.extractor,
            "title": doc.title.clone().unwrap_or_else(|| record.paper.title.clone()),
            "abstract": doc.abstract_text,
            "sections": sections,
        });
        if section.is_none() {
            value["captions"] = doc.captions.iter().map(caption_json).collect();
            value["references"] = serde_json::json!(doc.references);
        }
        return print_json(&value);
    }
    let style = Style::stdout();
    let w = width().unwrap_or(80).min(100);
    let mut out = String::new();
    out.push_str(&format!("{}\n", style.bold(&wrap(&record.paper.title, w))));
    out.push_str(&format!(
        "{}\n\n",
        style.dim(&format!(
            "{id}v{} · text from the {} ({})",
            text.version, text.source, text.extractor
        ))
    ));
    if section.is_none() {
        if let Some(a) = &doc.abstract_text {
            out.push_str(&format!(
                "{}\n{}\n\n",
                style.bold("Abstract"),
                indent(&wrap(a, w - 2))
            ));
        }
    }
    for &i in &chosen {
        let sec = &doc.sections[i];
        let title = if sec.title().is_empty() {
            "(untitled)".to_string()
        } else {
            sec.title()
        };
        out.push_str(&format!("{}\n", style.bold(&title)));
        for p in &sec.paragraphs {
            out.push_str(&indent(&wrap(p, w - 2)));
            out.push_str("\n\n");
        }
        for e in doc.equations.iter().filter(|e| e.section == Some(i)) {
            let n = e
                .number
                .as_deref()
                .map(|n| format!("({n}) "))
                .unwrap_or_default();
            out.push_str(&format!("  {}{}\n", style.dim(&n), e.latex));
        }
        for c in doc.captions.iter().filter(|c| c.section == Some(i)) {
            out.push_str(&caption_lines(c, style, w));
        }
        if doc.equations.iter().any(|e| e.section == Some(i))
            || doc.captions.iter().any(|c| c.section == Some(i))
        {
            out.push('\n');
        }
    }
    if section.is_none() && !doc.references.is_empty() {
        out.push_str(&format!(
            "{}\n",
            style.dim(&format!(
                "{} references (--json lists them)",
                doc.references.len()
            ))
        ));
    }
    std::io::stdout().lock().write_all(out.as_bytes())?;
    Ok(())
}

/// A caption as `show` and `skim` print it: "Figure 3." in a column of
/// its own, the text wrapped beside it.
pub(super) fn caption_lines(c: &crate::fulltext::Caption, style: Style, w: usize) -> String {
    let name = format!("{}.", c.name());
    let body = wrap(&c.text, w.saturating_sub(14).max(30));
    let mut lines = body.lines();
    let mut out = format!(
        "  {} {}\n",
        style.mark(&format!("{name:<11}")),
        lines.next().unwrap_or("")
    );
    for l in lines {
        out.push_str(&format!("  {:<11} {l}\n", ""));
    }
    out
}

fn caption_json(c: &crate::fulltext::Caption) -> serde_json::Value {
    serde_json::json!({"kind": c.kind.as_str(), "number": c.number, "text": c.text})
}

fn indent(text: &str) -> String {
    text.lines()
        .map(|l| format!("  {l}"))
        .collect::<Vec<_>>()
        .join("\n")
}

/// `litradar pdf-text FILE`: the built-in reader, as the child process
/// the PDF extraction runs when pdftotext is not installed.
pub fn pdf_text(args: PdfTextArgs) -> anyhow::Result<()> {
    let bytes = std::fs::read(&args.file)
        .map_err(|e| anyhow::anyhow!("cannot read {}: {e}", args.file.display()))?;
    let text = crate::fulltext::pdf::builtin_text(&bytes)
        .map_err(|e| anyhow::anyhow!("{}: {e}", args.file.display()))?;
    std::io::stdout().lock().write_all(text.as_bytes())?;
    Ok(())
}

/// After a paper was queued or its timer started: when `[fulltext] auto`
/// is on and the paper has no text of its latest version, a background
/// `litradar fulltext fetch ID --quiet` gets it (the command returns at once).
pub fn fetch_in_background(home: &Home, s: &Session, paper_id: &str) {
    if !s.config.fulltext.auto {
        return;
    }
    let Ok(record) = s.lib.get(paper_id) else {
        return;
    };
    let Some(record) = record else {
        return;
    };
    if record.paper.version.is_none() {
        return;
    }
    if s.lib.fulltext_version(paper_id).ok().flatten() == record.paper.version {
        return;
    }
    let Ok(exe) = std::env::current_exe() else {
        return;
    };
    let spawned = std::process::Command::new(exe)
        .arg("--home")
        .arg(home.root())
        .args(["fulltext", "fetch", "--quiet", paper_id])
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn();
    if spawned.is_ok() {
        eprintln!("Getting its text in the background ([fulltext] auto).");
    }
}
