//! `radar import` and `radar export`: radar files in every format litradar
//! speaks, written whole or not at all.

use super::Session;
use crate::cli::UsageError;
use crate::cli::radar_args::{ExportFormat, ImportFormat};
use crate::radar::formats::{self, Format, Options, RadarFile};
use crate::radar::store::RadarError;
use anyhow::Context;
use std::io::Write;
use std::path::{Path, PathBuf};

fn format_of(f: ImportFormat) -> Format {
    match f {
        ImportFormat::Toml => Format::Toml,
        ImportFormat::ByorCsv => Format::Csv,
        ImportFormat::Json => Format::Json,
        ImportFormat::Zalando => Format::Zalando,
        ImportFormat::Backstage => Format::Backstage,
        ImportFormat::Aoe => Format::Aoe,
    }
}

/// `radar import`: every edition the file holds, in one transaction.
pub fn import(
    s: &mut Session,
    path: &Path,
    format: Option<ImportFormat>,
    edition: Option<&str>,
    quadrants: Option<Vec<String>>,
    rings: Option<Vec<String>>,
) -> anyhow::Result<()> {
    let source = path.display().to_string();
    if !path.exists() {
        anyhow::bail!(UsageError(format!(
            "{source}: no such file or folder; nothing was imported"
        )));
    }
    let options = Options { quadrants, rings };
    let parsed = formats::read_path(path, format.map(format_of), &options)
        .map_err(|e| UsageError(format!("{source}: {e}; nothing was imported")))?;
    for w in &parsed.warnings {
        eprintln!("warning: {source}: {w}");
    }
    import_editions(s, &parsed.editions, edition, &source)
}

/// Imports parsed editions and says what happened.
pub fn import_editions(
    s: &mut Session,
    files: &[RadarFile],
    edition: Option<&str>,
    source: &str,
) -> anyhow::Result<()> {
    let reports = s
        .lib
        .radar_import_editions(files, edition)
        .map_err(|e| match e {
            RadarError::Invalid(m) => {
                anyhow::Error::new(UsageError(format!("{source}: {m}; nothing was imported")))
            }
            e => anyhow::Error::new(e),
        })?;
    let links: usize = reports.iter().map(|r| r.links).sum();
    match reports.as_slice() {
        [] => eprintln!("{source} holds no editions; nothing was imported."),
        [one] => eprintln!(
            "Imported {} blips into {} ({} paper links).",
            one.blips, one.edition, links
        ),
        [first, .., last] => eprintln!(
            "Imported {} editions, {} to {} ({} blips in the newest, {} paper links).",
            reports.len(),
            first.edition,
            last.edition,
            last.blips,
            links
        ),
    }
    let mut missing: Vec<&String> = reports.iter().flat_map(|r| &r.missing_papers).collect();
    missing.sort();
    missing.dedup();
    if !missing.is_empty() {
        eprintln!(
            "Not in the library, so not linked: {} (add them with `litradar add`, then `litradar radar link`).",
            missing
                .iter()
                .map(|m| m.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        );
    }
    Ok(())
}

/// Writes a folder of files whole or not at all: built in a temporary
/// folder beside it, renamed into place. The folder must not exist yet.
fn write_folder(path: &Path, files: &[(PathBuf, String)]) -> anyhow::Result<()> {
    if path.exists() {
        anyhow::bail!(UsageError(format!(
            "{} exists already; give a new folder to write the radar into",
            path.display()
        )));
    }
    let parent = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let tmp =
        tempfile::tempdir_in(parent).with_context(|| format!("cannot write {}", path.display()))?;
    for (relative, text) in files {
        let file = tmp.path().join(relative);
        if let Some(dir) = file.parent() {
            std::fs::create_dir_all(dir)
                .with_context(|| format!("cannot write {}", path.display()))?;
        }
        std::fs::write(&file, text).with_context(|| format!("cannot write {}", path.display()))?;
    }
    let built = tmp.keep();
    std::fs::rename(&built, path).with_context(|| {
        let _ = std::fs::remove_dir_all(&built);
        format!("cannot write {}", path.display())
    })?;
    Ok(())
}

/// `radar export`.
pub fn export(
    s: &Session,
    format: ExportFormat,
    edition: Option<&str>,
    output: Option<&Path>,
) -> anyhow::Result<()> {
    let (shape, name, blips) = s.lib.radar_file(edition)?;
    let visible: Vec<formats::FileBlip> = blips.iter().filter(|b| !b.phased_out).cloned().collect();
    let history = || -> anyhow::Result<Vec<RadarFile>> {
        let (_, mut files) = s.lib.radar_history_files()?;
        files.retain(|f| f.edition.as_deref() <= Some(name.as_str()));
        Ok(files)
    };
    let text = match format {
        ExportFormat::ByorCsv => formats::write_csv(&visible),
        ExportFormat::Json => formats::write_json(&visible),
        ExportFormat::Markdown => formats::markdown(&name, &shape, &visible),
        ExportFormat::Toml => formats::write_toml(&RadarFile {
            edition: Some(name.clone()),
            quadrants: shape.quadrants.clone(),
            rings: shape.rings.clone(),
            blips: blips
                .into_iter()
                .map(|b| formats::FileBlip {
                    is_new: None,
                    movement: None,
                    ..b
                })
                .collect(),
        }),
        ExportFormat::Zalando => {
            let text =
                formats::write_zalando(&name, &shape, &blips).map_err(|e| UsageError(e.0))?;
            eprintln!(
                "Zalando's file numbers its quadrants; to read it back: litradar radar import FILE --quadrants \"{}\"",
                formats::zalando_quadrant_order(&shape).join(",")
            );
            text
        }
        ExportFormat::Backstage => {
            formats::write_backstage(&format!("Technology radar {name}"), &shape, &history()?)
                .map_err(|e| UsageError(e.0))?
        }
        ExportFormat::Aoe => {
            let Some(dir) = output else {
                anyhow::bail!(UsageError(
                    "an AOE radar is a folder: say where with --output FOLDER".into()
                ));
            };
            let files = formats::write_aoe(&shape, &history()?);
            write_folder(dir, &files)?;
            eprintln!(
                "Wrote {} files (releases up to {name}) to {}.",
                files.len(),
                dir.display()
            );
            return Ok(());
        }
    };
    match output {
        Some(path) => {
            super::write_atomically(path, text.as_bytes())?;
            eprintln!("Wrote {name} to {}.", path.display());
        }
        None => std::io::stdout().lock().write_all(text.as_bytes())?,
    }
    Ok(())
}
