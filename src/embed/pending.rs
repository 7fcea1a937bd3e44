//! Giving the library's papers their vectors: every paper whose vector for
//! a model is missing or stale (its text changed), in chunks stored whole.

use super::{EmbedError, Embedder};
use crate::library::{Library, LibraryError};
use crate::progress::Progress;

/// Why embedding stopped.
#[derive(Debug, thiserror::Error)]
pub enum VectorError {
    /// The store failed.
    #[error(transparent)]
    Library(#[from] LibraryError),
    /// The model failed.
    #[error(transparent)]
    Embed(#[from] EmbedError),
}

/// The result of embedding pending papers.
#[derive(Debug, Clone, Copy, Default)]
pub struct EmbedReport {
    /// Papers embedded.
    pub embedded: usize,
    /// Seconds spent.
    pub seconds: f64,
}

impl EmbedReport {
    /// Texts per second.
    pub fn rate(&self) -> f64 {
        if self.seconds > 0.0 {
            self.embedded as f64 / self.seconds
        } else {
            0.0
        }
    }
}

/// Papers stored per transaction while embedding: an interrupted run keeps
/// every finished chunk, and the next run only does what is left.
const EMBED_CHUNK: usize = 128;

/// Embeds every paper whose vector for this model is missing or stale.
pub fn embed_pending(
    lib: &mut Library,
    model: &Embedder,
    batch: usize,
    progress: &dyn Progress,
) -> Result<EmbedReport, VectorError> {
    let started = std::time::Instant::now();
    let pending = lib.pending_embeddings(model.name())?;
    progress.total(pending.len() as u64);
    for chunk in pending.chunks(EMBED_CHUNK) {
        let texts: Vec<&str> = chunk.iter().map(|p| p.text.as_str()).collect();
        let vectors = model.embed(&texts, batch, &mut |n| progress.advance(n as u64))?;
        let items: Vec<_> = chunk.iter().zip(vectors).collect();
        lib.store_embeddings(model.name(), &items)?;
    }
    Ok(EmbedReport {
        embedded: pending.len(),
        seconds: started.elapsed().as_secs_f64(),
    })
}
