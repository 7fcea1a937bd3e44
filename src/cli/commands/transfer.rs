//! `import` and `export`.

use super::{open, print_json, report_json, summary};
use crate::cli::args::{ExportArgs, ImportArgs, InFormat, OutFormat};
use crate::cli::output::Bar;
use crate::formats::{ImportFormat, bibtex, json, markdown};
use crate::home::Home;
use crate::ingest;
use anyhow::Context;
use std::io::Write;
use std::path::Path;

/// `litradar import FILE`.
pub fn import(home: &super::Context, args: ImportArgs) -> anyhow::Result<()> {
    let mut s = open(home)?;
    let format = args.format.map(|f| match f {
        InFormat::Atom => ImportFormat::Atom,
        InFormat::Bibtex => ImportFormat::Bibtex,
        InFormat::Jsonl => ImportFormat::Jsonl,
    });
    let bar = Bar::new("importing");
    let result = ingest::import_file(&mut s.lib, &args.file, format, args.strict, &bar);
    bar.finish();
    let report = result?;
    super::embed::after_ingest(home, &mut s)?;
    if args.json {
        let mut value = report_json(&report.stored);
        value["format"] = report.format.name().into();
        value["read"] = report.read.into();
        value["skipped"] = report
            .skipped
            .iter()
            .map(|k| serde_json::json!({"line": k.line, "key": k.key, "reason": k.reason}))
            .collect();
        value["warnings"] = report.warnings.clone().into();
        return print_json(&value);
    }
    super::print_touched(&s.lib, &report.stored)?;
    eprintln!(
        "Imported {} ({}, {} papers): {}.",
        args.file.display(),
        report.format.name(),
        report.read,
        summary(&report.stored, "skipped (already in the library)")
    );
    if !report.skipped.is_empty() {
        let n = report.skipped.len();
        eprintln!(
            "Left out {n} {} of the file (the rest were imported; --strict refuses the file instead):",
            if n == 1 { "entry" } else { "entries" }
        );
        for k in &report.skipped {
            let key = k
                .key
                .as_deref()
                .map(|k| format!(" '{k}'"))
                .unwrap_or_default();
            eprintln!("  line {}{key}: {}", k.line, k.reason);
        }
    }
    for w in &report.warnings {
        eprintln!("  warning: {w}");
    }
    Ok(())
}

/// `litradar export --format F [-o FILE]`.
pub fn export(home: &Home, args: ExportArgs) -> anyhow::Result<()> {
    let s = open(home)?;
    let records = s.lib.list(&args.filter.to_filter(None))?;
    if let (OutFormat::Markdown, Some(dir)) = (args.format, &args.output) {
        if is_directory_target(dir) {
            let mut papers = Vec::with_capacity(records.len());
            for record in records {
                let (_, passes) = s.lib.passes(&record.paper.id)?;
                papers.push((record, passes));
            }
            let report = crate::reading::export::export_dir(
                dir,
                &papers,
                &crate::reading::Budget::from_settings(&s.config.reading),
            )
            .with_context(|| format!("cannot write notes to {}", dir.display()))?;
            eprintln!(
                "Wrote {} note files to {} ({} already up to date)",
                report.written.len(),
                dir.display(),
                report.unchanged.len()
            );
            return Ok(());
        }
    }
    let text = match args.format {
        OutFormat::Bibtex => bibtex::write(&records),
        OutFormat::Json => format!("{}\n", json::to_json_array(&records)),
        OutFormat::Markdown => markdown::reading_list(&records),
    };
    match &args.output {
        Some(path) => {
            super::write_atomically(path, text.as_bytes())?;
            eprintln!("Wrote {} papers to {}", records.len(), path.display());
        }
        None => std::io::stdout().lock().write_all(text.as_bytes())?,
    }
    Ok(())
}

/// `-o DIR` for Markdown means one file per paper: an existing directory,
/// or a path that does not end in `.md`.
fn is_directory_target(path: &Path) -> bool {
    path.is_dir()
        || !path
            .extension()
            .is_some_and(|e| e.eq_ignore_ascii_case("md") || e.eq_ignore_ascii_case("markdown"))
}
