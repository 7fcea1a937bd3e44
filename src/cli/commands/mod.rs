//! One module per group of commands. Each opens what it needs, calls the
//! library, and prints; none holds business logic.

pub mod config;
pub mod demo;
pub mod embed;
pub mod feed;
pub mod fetch;
pub mod fulltext;
pub mod impls;
pub mod papers;
pub mod radar;
pub mod radar_files;
pub mod radar_review;
pub mod read;
pub mod search;
pub mod transfer;
pub mod watch;

use crate::config::Config;
use crate::home::Home;
use crate::library::{Library, UpsertReport};
use anyhow::Context as _;

/// Global options that reach the commands.
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// `--device`.
    pub device: Option<String>,
    /// `--no-embed`.
    pub no_embed: bool,
}

/// The home plus the global options; derefs to the home.
pub struct Context {
    /// The home.
    pub home: Home,
    /// Global options.
    pub options: Options,
}

impl std::ops::Deref for Context {
    type Target = Home;
    fn deref(&self) -> &Home {
        &self.home
    }
}

/// What most commands need: the settings and the open library.
pub struct Session {
    /// Settings after config.toml and the environment.
    pub config: Config,
    /// The library.
    pub lib: Library,
}

/// Opens the home's library and settings, creating the home if needed.
pub fn open(home: &Home) -> anyhow::Result<Session> {
    home.ensure()?;
    let config = Config::load(&home.config_file())?;
    let lib = Library::open(&home.database())
        .with_context(|| format!("cannot open the library at {}", home.database().display()))?;
    Ok(Session { config, lib })
}

/// "20 added, 3 updated (2 new versions), 2 unchanged".
pub fn summary(report: &UpsertReport, unchanged_word: &str) -> String {
    let mut parts = vec![format!("{} added", report.added.len())];
    let mut updated = format!("{} updated", report.updated.len());
    if !report.new_versions.is_empty() {
        let bumps: Vec<String> = report
            .new_versions
            .iter()
            .take(5)
            .map(|v| format!("{} v{}→v{}", v.id, v.from, v.to))
            .collect();
        let more = if report.new_versions.len() > 5 {
            ", …"
        } else {
            ""
        };
        updated.push_str(&format!(" (new versions: {}{more})", bumps.join(", ")));
    }
    parts.push(updated);
    parts.push(format!("{} {unchanged_word}", report.unchanged.len()));
    parts.join(", ")
}

/// The report as JSON: ids per outcome and the version bumps.
pub fn report_json(report: &UpsertReport) -> serde_json::Value {
    serde_json::json!({
        "added": report.added,
        "updated": report.updated,
        "unchanged": report.unchanged,
        "new_versions": report.new_versions.iter().map(|v| serde_json::json!({
            "id": v.id, "from": v.from, "to": v.to
        })).collect::<Vec<_>>(),
    })
}

/// Prints the papers a job added or updated, as list rows, on stdout.
pub fn print_touched(lib: &Library, report: &UpsertReport) -> anyhow::Result<()> {
    use std::io::Write;
    let mut records = Vec::new();
    for id in report.added.iter().chain(&report.updated) {
        if let Some(r) = lib.get(id)? {
            records.push(r);
        }
    }
    let rows = crate::cli::output::paper_rows(
        &records,
        crate::cli::output::Style::stdout(),
        crate::cli::output::width(),
    );
    std::io::stdout().lock().write_all(rows.as_bytes())?;
    Ok(())
}

/// Writes an output file whole or not at all ([`crate::atomic`]); a path
/// that names no file is a usage error.
pub fn write_atomically(path: &std::path::Path, bytes: &[u8]) -> anyhow::Result<()> {
    if path.file_name().is_none() {
        anyhow::bail!(crate::cli::UsageError(format!(
            "{} is not a file name",
            path.display()
        )));
    }
    crate::atomic::write(path, bytes).with_context(|| format!("cannot write {}", path.display()))
}

/// Writes one JSON value, pretty, to stdout.
pub fn print_json(value: &impl serde::Serialize) -> anyhow::Result<()> {
    use std::io::Write;
    let mut out = std::io::stdout().lock();
    serde_json::to_writer_pretty(&mut out, value)?;
    writeln!(out)?;
    Ok(())
}
