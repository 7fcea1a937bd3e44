//! Notes as Markdown files, one per paper, in the layout Obsidian and
//! Zotero-notes users expect: YAML front matter (id, title, authors, tags,
//! pass states, minutes) and the three notes under their own headings.
//! Re-exporting writes only files whose content changed.

use super::{Budget, Pass, Passes, human_duration, index};
use crate::library::PaperRecord;
use std::path::Path;

/// What an export did.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct ExportReport {
    /// Files created or rewritten.
    pub written: Vec<String>,
    /// Files already up to date.
    pub unchanged: Vec<String>,
}

/// A file-system-safe name from the citation key (or the id).
pub fn file_name(record: &PaperRecord) -> String {
    let base = if record.citekey.is_empty() {
        record.paper.id.as_str()
    } else {
        record.citekey.as_str()
    };
    let safe: String = base
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || "._-".contains(c) {
                c
            } else {
                '-'
            }
        })
        .collect();
    format!("{}.md", safe.trim_start_matches('.'))
}

fn yaml_string(text: &str) -> String {
    // JSON strings are valid YAML double-quoted scalars.
    serde_json::to_string(text).unwrap_or_else(|_| "\"\"".into())
}

/// The Markdown document for one paper.
pub fn paper_markdown(record: &PaperRecord, passes: &Passes, budgets: &[Budget; 3]) -> String {
    let p = &record.paper;
    let mut out = String::from("---\n");
    out.push_str(&format!("id: {}\n", yaml_string(&p.id)));
    if let Some(v) = p.version {
        out.push_str(&format!("version: {v}\n"));
    }
    out.push_str(&format!("title: {}\n", yaml_string(&p.title)));
    out.push_str("authors:\n");
    for a in &p.authors {
        out.push_str(&format!("  - {}\n", yaml_string(&a.name)));
    }
    if p.authors.is_empty() {
        out.truncate(out.len() - 1);
        out.push_str(" []\n");
    }
    if let Some(d) = p.published.or(p.updated) {
        out.push_str(&format!("published: {}\n", d.format("%Y-%m-%d")));
    }
    if let Some(url) = &p.abs_url {
        out.push_str(&format!("url: {}\n", yaml_string(url)));
    }
    out.push_str(&format!("citekey: {}\n", yaml_string(&record.citekey)));
    out.push_str("tags:");
    if record.tags.is_empty() {
        out.push_str(" []\n");
    } else {
        out.push('\n');
        for t in &record.tags {
            out.push_str(&format!("  - {}\n", yaml_string(t)));
        }
    }
    out.push_str("passes:\n");
    for pass in Pass::ALL {
        out.push_str(&format!(
            "  pass{}: {}\n",
            pass.number(),
            passes[index(pass)].status.as_str()
        ));
    }
    out.push_str("minutes:\n");
    let mut total = 0;
    for pass in Pass::ALL {
        let minutes = passes[index(pass)].seconds / 60;
        total += passes[index(pass)].seconds;
        out.push_str(&format!("  pass{}: {minutes}\n", pass.number()));
    }
    out.push_str(&format!("  total: {}\n---\n\n", total / 60));
    out.push_str(&format!("# {}\n", p.title));
    for pass in Pass::ALL {
        let state = &passes[index(pass)];
        let budget = budgets[index(pass)];
        let logged = if state.seconds == 0 {
            "no time logged".to_string()
        } else {
            format!("{} logged", human_duration(state.seconds))
        };
        out.push_str(&format!(
            "\n## Pass {}: {}\n\n*{}, {logged}, budget {budget}*\n\n",
            pass.number(),
            pass.name(),
            state.status.as_str().replace('_', " "),
        ));
        let note = state.note.trim();
        if note.is_empty() {
            out.push_str("_No notes yet._\n");
        } else {
            out.push_str(&demote_headings(note));
            out.push('\n');
        }
    }
    out
}

/// Pushes the note's own headings one level down, so they nest under the
/// pass heading (`## Contributions` becomes `### Contributions`); code
/// blocks are left alone.
fn demote_headings(note: &str) -> String {
    let mut out = String::with_capacity(note.len() + 16);
    let mut in_code = false;
    for line in note.lines() {
        if line.trim_start().starts_with("```") {
            in_code = !in_code;
        }
        if !in_code && line.starts_with('#') {
            out.push('#');
        }
        out.push_str(line);
        out.push('\n');
    }
    out.truncate(out.trim_end().len());
    out
}

/// Writes one file per paper into `dir`, leaving files whose content is
/// already right untouched (so re-exporting is idempotent and sync tools
/// see no change).
pub fn export_dir(
    dir: &Path,
    papers: &[(PaperRecord, Passes)],
    budgets: &[Budget; 3],
) -> std::io::Result<ExportReport> {
    std::fs::create_dir_all(dir)?;
    let mut report = ExportReport::default();
    for (record, passes) in papers {
        let name = file_name(record);
        let path = dir.join(&name);
        let text = paper_markdown(record, passes, budgets);
        if std::fs::read(&path).is_ok_and(|old| old == text.as_bytes()) {
            report.unchanged.push(name);
            continue;
        }
        crate::atomic::write(&path, text.as_bytes())?;
        report.written.push(name);
    }
    Ok(report)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::paper::{Author, Paper, parse_timestamp};
    use crate::reading::{PassState, Status};

    fn record() -> PaperRecord {
        PaperRecord {
            paper: Paper {
                id: "2106.09685".into(),
                version: Some(2),
                title: "LoRA: Low-Rank Adaptation of Large Language Models".into(),
                authors: vec![
                    Author::named("Edward J. Hu"),
                    Author::named("Yelong \"Y\" Shen"),
                ],
                published: parse_timestamp("2021-06-17T17:37:18Z"),
                abs_url: Some("http://arxiv.org/abs/2106.09685v2".into()),
                ..Paper::default()
            },
            source: "arxiv".into(),
            citekey: "hu2021lora".into(),
            tags: vec!["peft".into(), "to read".into()],
            seen_version: Some(2),
            version_changed_at: None,
            added_at: None,
            bib: None,
        }
    }

    fn passes() -> Passes {
        [
            PassState {
                status: Status::Done,
                seconds: 12 * 60 + 30,
                note: "## Contributions\n\n- low-rank updates $\\Delta W = BA$\n\n```python\n# not a heading\n```\n".into(),
                ..PassState::default()
            },
            PassState {
                status: Status::InProgress,
                seconds: 75 * 60,
                ..PassState::default()
            },
            PassState::default(),
        ]
    }

    const BUDGETS: [Budget; 3] = [
        Budget { min: 5, max: 10 },
        Budget { min: 30, max: 60 },
        Budget { min: 120, max: 240 },
    ];

    #[test]
    fn one_paper_as_markdown_with_front_matter() {
        insta::assert_snapshot!(paper_markdown(&record(), &passes(), &BUDGETS));
    }

    #[test]
    fn file_names_are_safe() {
        let mut r = record();
        assert_eq!(file_name(&r), "hu2021lora.md");
        r.citekey = "../odd key:1".into();
        assert_eq!(file_name(&r), "-odd-key-1.md");
    }

    #[test]
    fn re_export_touches_nothing_that_did_not_change() {
        let dir = tempfile::tempdir().expect("dir");
        let papers = vec![(record(), passes())];
        let first = export_dir(dir.path(), &papers, &BUDGETS).expect("export");
        assert_eq!(first.written, vec!["hu2021lora.md"]);
        let again = export_dir(dir.path(), &papers, &BUDGETS).expect("export");
        assert_eq!(again.unchanged, vec!["hu2021lora.md"]);
        assert!(again.written.is_empty());
        let mut changed = passes();
        changed[2].note = "Reproduced.".into();
        let third = export_dir(dir.path(), &[(record(), changed)], &BUDGETS).expect("export");
        assert_eq!(third.written, vec!["hu2021lora.md"]);
        let text = std::fs::read_to_string(dir.path().join("hu2021lora.md")).expect("read");
        assert!(text.ends_with("Reproduced.\n"));
    }
}
