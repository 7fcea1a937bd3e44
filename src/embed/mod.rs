//! Sentence embeddings: model files ([`layout`], [`registry`], [`fetch`]),
//! the device ([`device`]), inference ([`model`]) and the per-paper vectors
//! kept in SQLite ([`store`]).

pub mod device;
mod encoder;
pub mod fetch;
mod kernels;
pub mod layout;
pub mod model;
pub mod pending;
mod pools;
pub mod registry;
pub mod store;
pub mod tiny;
mod weights;

pub use crate::config::DeviceChoice;
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

pub use crate::home::default_models_dir;

/// A model named by the user: a known name, or a directory.
#[derive(Debug, Clone)]
pub struct ModelRef {
    /// The name vectors are stored under.
    pub name: String,
    /// Its files.
    pub dir: PathBuf,
    /// What litradar knows about it, if anything.
    pub known: Option<&'static registry::KnownModel>,
    /// The query prefix from the settings, over the registry's.
    pub query_prefix: Option<String>,
    /// The document prefix from the settings, over the registry's.
    pub document_prefix: Option<String>,
}

/// Resolves `spec` (a name, or a path to a model folder) against `models_dir`.
pub fn resolve(spec: &str, models_dir: &std::path::Path) -> ModelRef {
    let path = std::path::Path::new(spec);
    if spec.contains(std::path::MAIN_SEPARATOR) || spec.contains('/') || path.is_dir() {
        let name = path
            .file_name()
            .map_or_else(|| spec.to_string(), |n| n.to_string_lossy().into_owned());
        return ModelRef {
            known: registry::known(&name),
            name,
            dir: path.to_path_buf(),
            query_prefix: None,
            document_prefix: None,
        };
    }
    let known = registry::known(spec);
    let name = known.map_or(spec, |k| k.name).to_string();
    ModelRef {
        dir: models_dir.join(&name),
        name,
        known,
        query_prefix: None,
        document_prefix: None,
    }
}

/// The model the settings name, with their prefixes: the one place the CLI
/// and the app resolve it.
pub fn configured(settings: &crate::config::EmbedSettings) -> ModelRef {
    let mut model = resolve(&settings.model, &settings.models_dir());
    model.query_prefix = settings.query_prefix.clone();
    // A document prefix of one's own changes what the stored vectors mean:
    // they are kept under a name of their own, so the library's papers are
    // embedded again instead of mixing with vectors made without it.
    if let Some(prefix) = &settings.document_prefix {
        let registry = model.known.and_then(|k| k.document_prefix);
        if registry != Some(prefix.as_str()) {
            let digest = Sha256::digest(prefix.as_bytes());
            let short: String = digest.iter().take(4).map(|b| format!("{b:02x}")).collect();
            model.name = format!("{}+doc-{short}", model.name);
        }
    }
    model.document_prefix = settings.document_prefix.clone();
    model
}

impl ModelRef {
    /// Loads the model on `device`.
    pub fn load(&self, device: &candle_core::Device) -> Result<Embedder, EmbedError> {
        let defaults = layout::Prefixes {
            query: self
                .query_prefix
                .as_deref()
                .or(self.known.and_then(|k| k.query_prefix)),
            document: self
                .document_prefix
                .as_deref()
                .or(self.known.and_then(|k| k.document_prefix)),
        };
        Embedder::load_prefixed(&self.dir, &self.name, defaults, device, Engine::Auto)
    }

    /// True when the model's files are there.
    pub fn installed(&self) -> bool {
        registry::REQUIRED_FILES
            .iter()
            .all(|f| self.dir.join(f).is_file())
    }
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
