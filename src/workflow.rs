//! What both front ends do after papers arrive (fetch, add, import, watch
//! sync): give the new papers and passages their vectors when the settings
//! say so and a model is installed. The CLI prints what happened, the app
//! puts it on the message line; the rule lives here once.

use crate::config::EmbedSettings;
use crate::embed::device::DeviceError;
use crate::embed::pending::{EmbedReport, VectorError};
use crate::embed::{EmbedError, ModelRef};
use crate::ingest::IngestError;
use crate::library::{Library, LibraryError};
use crate::progress::Progress;

/// Why nothing was embedded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Skipped {
    /// `--no-embed` or `[embed] auto = false`.
    Off,
    /// No model installed (semantic search is off).
    NoModel,
    /// Every paper and passage has a current vector.
    UpToDate,
}

/// What embedding the new papers did.
#[derive(Debug, Clone)]
pub struct NewVectors {
    /// The model used.
    pub model: String,
    /// Where it ran ("cpu", "cuda:0").
    pub device: String,
    /// Papers embedded, when any were pending.
    pub papers: Option<EmbedReport>,
    /// Passages of papers' own text embedded, when any were pending.
    pub passages: Option<EmbedReport>,
}

/// Why embedding the new papers failed.
#[derive(Debug, thiserror::Error)]
pub enum WorkflowError {
    /// The library failed.
    #[error(transparent)]
    Library(#[from] LibraryError),
    /// The device named is unknown or absent.
    #[error(transparent)]
    Device(#[from] DeviceError),
    /// The model did not load.
    #[error(transparent)]
    Embed(#[from] EmbedError),
    /// Embedding passages failed.
    #[error(transparent)]
    Ingest(#[from] IngestError),
    /// Embedding papers failed.
    #[error(transparent)]
    Vectors(#[from] VectorError),
}

/// Whether papers are embedded right after they arrive: `[embed] auto`,
/// unless `--no-embed` says not this time.
pub fn embeds_after_ingest(settings: &EmbedSettings, no_embed: bool) -> bool {
    settings.auto && !no_embed
}

/// Embeds what is pending for the configured model (or `model`), loading
/// it only when something is; `wanted` false skips it (see
/// [`embeds_after_ingest`]).
pub fn embed_new(
    lib: &mut Library,
    settings: &EmbedSettings,
    wanted: bool,
    device: Option<&str>,
    model: Option<&ModelRef>,
    papers_progress: &dyn Progress,
    passages_progress: &dyn Progress,
) -> Result<Result<NewVectors, Skipped>, WorkflowError> {
    if !wanted {
        return Ok(Err(Skipped::Off));
    }
    let configured = crate::embed::configured(settings);
    let model = model.unwrap_or(&configured);
    if !model.installed() {
        return Ok(Err(Skipped::NoModel));
    }
    let papers = !lib.pending_embeddings(&model.name)?.is_empty();
    let passages = !lib.pending_passages(&model.name)?.is_empty();
    if !papers && !passages {
        return Ok(Err(Skipped::UpToDate));
    }
    let device = crate::embed::device::configured(device, settings)?;
    let embedder = model.load(&device)?;
    let mut out = NewVectors {
        model: model.name.clone(),
        device: crate::embed::device::describe(embedder.device()),
        papers: None,
        passages: None,
    };
    if passages {
        out.passages = Some(crate::fulltext::job::embed_passages(
            lib,
            &embedder,
            settings.batch,
            passages_progress,
        )?);
    }
    if papers {
        out.papers = Some(crate::embed::pending::embed_pending(
            lib,
            &embedder,
            settings.batch,
            papers_progress,
        )?);
    }
    Ok(Ok(out))
}
