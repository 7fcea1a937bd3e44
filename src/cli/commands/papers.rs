//! `list`, `show`, `tag`, `untag`, `remove`.

use super::{open, print_json};
use crate::cli::args::{ListArgs, RemoveArgs, ShowArgs, TagArgs};
use crate::cli::output::{Style, paper_rows, width, wrap};
use crate::formats::json::{PaperJson, to_json_array};
use crate::home::Home;
use crate::library::PaperRecord;
use std::io::Write;

/// `litradar list`.
pub fn list(home: &Home, args: ListArgs) -> anyhow::Result<()> {
    let s = open(home)?;
    let records = s.lib.list(&args.filter.to_filter(args.limit))?;
    let mut out = std::io::stdout().lock();
    if args.json {
        writeln!(out, "{}", to_json_array(&records))?;
        return Ok(());
    }
    out.write_all(paper_rows(&records, Style::stdout(), width()).as_bytes())?;
    drop(out);
    if records.is_empty() {
        let hint = if s.lib.paper_count()? == 0 {
            "the library is empty; try `litradar add 1706.03762` or `litradar demo`"
        } else {
            "no paper matches these filters"
        };
        eprintln!("{hint}");
    }
    Ok(())
}

/// `litradar show ID`.
pub fn show(home: &Home, args: ShowArgs) -> anyhow::Result<()> {
    let mut s = open(home)?;
    let record = s.lib.find(&args.id)?;
    if args.json {
        return print_json(&PaperJson::from(&record));
    }
    let text = render(&record, Style::stdout(), width().unwrap_or(80).min(100));
    std::io::stdout().lock().write_all(text.as_bytes())?;
    // Having looked at it, the user has seen the new version.
    if record.has_unseen_version() {
        s.lib.acknowledge_version(&record.paper.id)?;
    }
    Ok(())
}

fn render(r: &PaperRecord, style: Style, width: usize) -> String {
    let p = &r.paper;
    let mut out = format!("{}\n", style.bold(&wrap(&p.title, width)));
    let mut line = Vec::new();
    line.push(if p.is_arxiv() {
        format!("arXiv:{}", p.versioned_id())
    } else {
        p.id.clone()
    });
    if let Some(primary) = &p.primary_category {
        let others: Vec<&str> = p.categories.iter().skip(1).map(String::as_str).collect();
        if others.is_empty() {
            line.push(primary.clone());
        } else {
            line.push(format!("{primary} ({})", others.join(", ")));
        }
    }
    if let Some(d) = p.published {
        line.push(format!("published {}", d.format("%Y-%m-%d")));
    }
    if let Some(d) = p.updated.filter(|u| Some(*u) != p.published) {
        line.push(format!("updated {}", d.format("%Y-%m-%d")));
    }
    out.push_str(&format!("{}\n", style.dim(&line.join(" · "))));
    if r.has_unseen_version() {
        let seen = r
            .seen_version
            .map_or_else(String::new, |v| format!(" (you last saw v{v})"));
        let when = r.version_changed_at.map_or_else(String::new, |t| {
            format!(", arrived {}", t.format("%Y-%m-%d"))
        });
        out.push_str(&style.mark(&format!(
            "New version v{}{seen}{when}\n",
            p.version.unwrap_or(1)
        )));
    }
    out.push('\n');
    let authors: Vec<String> = p
        .authors
        .iter()
        .map(|a| {
            if a.affiliations.is_empty() {
                a.name.clone()
            } else {
                format!("{} ({})", a.name, a.affiliations.join("; "))
            }
        })
        .collect();
    let mut field = |name: &str, value: &str| {
        if !value.is_empty() {
            let label = format!("{name}:");
            out.push_str(&format!(
                "{} {}\n",
                style.bold(&format!("{label:<9}")),
                value
            ));
        }
    };
    field("Authors", &authors.join(", "));
    field("Comment", p.comment.as_deref().unwrap_or(""));
    field("Journal", p.journal_ref.as_deref().unwrap_or(""));
    field("DOI", p.doi.as_deref().unwrap_or(""));
    field("Tags", &r.tags.join(", "));
    field("Cite as", &r.citekey);
    let links: Vec<&str> = [p.abs_url.as_deref(), p.pdf_url.as_deref()]
        .into_iter()
        .flatten()
        .collect();
    field("Links", &links.join("  "));
    if !p.abstract_text.is_empty() {
        out.push('\n');
        out.push_str(&wrap(&p.abstract_text, width));
        out.push('\n');
    }
    out
}

/// `litradar tag ID TAG...`.
pub fn tag(home: &Home, args: TagArgs) -> anyhow::Result<()> {
    let mut s = open(home)?;
    let id = s.lib.tag(&args.id, &args.tags)?;
    let record = s.lib.find(&id)?;
    eprintln!("{id} is tagged: {}", record.tags.join(", "));
    Ok(())
}

/// `litradar untag ID TAG...`.
pub fn untag(home: &Home, args: TagArgs) -> anyhow::Result<()> {
    let mut s = open(home)?;
    let (id, missing) = s.lib.untag(&args.id, &args.tags)?;
    let record = s.lib.find(&id)?;
    if !missing.is_empty() {
        eprintln!("{id} did not have: {}", missing.join(", "));
    }
    let left = if record.tags.is_empty() {
        "no tags".to_string()
    } else {
        record.tags.join(", ")
    };
    eprintln!("{id} now has {left}");
    Ok(())
}

/// `litradar remove ID`.
pub fn remove(home: &Home, args: RemoveArgs) -> anyhow::Result<()> {
    let mut s = open(home)?;
    let record = s.lib.remove(&args.id)?;
    // Its downloaded PDFs go with it (the text went with the row).
    let files = crate::fulltext::files::FileStore::new(home.root());
    if let Err(e) = files.remove_paper(&record.paper.id) {
        eprintln!("Removed {}, but not its files: {e}", record.paper.id);
    }
    eprintln!("Removed {} ({})", record.paper.id, record.paper.title);
    Ok(())
}
