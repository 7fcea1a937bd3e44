//! Sentence embeddings: model files ([`layout`], [`registry`], [`fetch`]),
//! the device ([`device`]), inference ([`model`]) and the per-paper vectors
//! kept in SQLite ([`store`]).

pub mod device;
mod encoder;
mod kernels;
pub mod layout;
pub mod model;
pub mod registry;

pub use device::DeviceChoice;
pub use model::{Embedder, Engine};

use crate::paper::Paper;
use sha2::{Digest, Sha256};
use std::path::PathBuf;

/// What went wrong with a model.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum EmbedError {
    /// The model's files are not there.
    #[error(
        "the embedding model '{name}' is not installed ({files} missing in {dir}); fetch it with `litradar model fetch {name}`"
    )]
    Missing {
        /// The model.
        name: String,
        /// Where it was looked for.
        dir: PathBuf,
        /// The missing files.
        files: String,
    },
    /// A file is there but unusable.
    #[error("{0}")]
    BadModel(String),
    /// Running the model failed.
    #[error("embedding failed: {0}")]
    Inference(String),
    /// Getting the model failed.
    #[error("{0}")]
    Fetch(String),
}

/// The text embedded for a paper: "title. abstract".
pub fn paper_text(paper: &Paper) -> String {
    if paper.abstract_text.is_empty() {
        paper.title.clone()
    } else {
        format!(
            "{}. {}",
            paper.title.trim_end_matches('.'),
            paper.abstract_text
        )
    }
}

/// A short stable hash of an embedded text: a stored vector is current
/// exactly when its hash matches the paper's text now.
pub fn text_hash(text: &str) -> String {
    let digest = Sha256::digest(text.as_bytes());
    digest.iter().take(16).map(|b| format!("{b:02x}")).collect()
}

/// The sha256 of a file, hex.
pub fn file_sha256(path: &std::path::Path) -> std::io::Result<String> {
    use std::io::Read;
    let mut file = std::fs::File::open(path)?;
    let mut hasher = Sha256::new();
    let mut buf = vec![0u8; 1 << 16];
    loop {
        let n = file.read(&mut buf)?;
        if n == 0 {
            break;
        }
        hasher.update(&buf[..n]);
    }
    Ok(hasher
        .finalize()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect())
}
