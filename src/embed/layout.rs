//! How a sentence-transformers model directory says it should be run:
//! `modules.json` (which modules, in order), `1_Pooling/config.json` (mean,
//! CLS or max pooling), `sentence_bert_config.json` (the token limit) and
//! `config_sentence_transformers.json` (prompts such as a query prefix).

use super::EmbedError;
use serde::Deserialize;
use std::path::{Path, PathBuf};

/// How token vectors become one sentence vector.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Pooling {
    /// Mean over the tokens the attention mask keeps.
    Mean,
    /// The first ([CLS]) token.
    Cls,
    /// Element-wise maximum over the kept tokens.
    Max,
}

/// Everything needed to run a model directory.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Layout {
    /// The directory.
    pub dir: PathBuf,
    /// Pooling mode.
    pub pooling: Pooling,
    /// L2-normalise the pooled vector.
    pub normalize: bool,
    /// Truncate inputs to this many tokens, [CLS] and [SEP] included.
    pub max_tokens: usize,
    /// Text put before queries (bge: "Represent this sentence for ...").
    pub query_prefix: String,
    /// Text put before documents (e5: "passage: ").
    pub document_prefix: String,
}

/// Prefixes to use when a model's own files do not name them.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Prefixes<'a> {
    /// Before queries.
    pub query: Option<&'a str>,
    /// Before documents.
    pub document: Option<&'a str>,
}

#[derive(Deserialize)]
struct Module {
    #[serde(default)]
    path: String,
    #[serde(rename = "type", default)]
    kind: String,
}

#[derive(Deserialize, Default)]
struct PoolingConfig {
    #[serde(default)]
    pooling_mode_cls_token: bool,
    #[serde(default)]
    pooling_mode_mean_tokens: bool,
    #[serde(default)]
    pooling_mode_max_tokens: bool,
}

#[derive(Deserialize, Default)]
struct SbertConfig {
    max_seq_length: Option<usize>,
}

#[derive(Deserialize, Default)]
struct StConfig {
    #[serde(default)]
    prompts: std::collections::HashMap<String, String>,
}

#[derive(Deserialize)]
struct BertConfigPeek {
    max_position_embeddings: Option<usize>,
}

fn read_json<T: serde::de::DeserializeOwned>(path: &Path) -> Result<Option<T>, EmbedError> {
    match std::fs::read_to_string(path) {
        Ok(text) => serde_json::from_str(&text)
            .map(Some)
            .map_err(|e| EmbedError::BadModel(format!("{}: {e}", path.display()))),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(EmbedError::BadModel(format!("{}: {e}", path.display()))),
    }
}

/// Reads a model directory's sentence-transformers files. Missing optional
/// files mean the sentence-transformers defaults (mean pooling, no
/// normalisation unless a Normalize module is listed).
pub fn read(dir: &Path, defaults: Prefixes<'_>) -> Result<Layout, EmbedError> {
    let modules: Option<Vec<Module>> = read_json(&dir.join("modules.json"))?;
    let (pooling_path, normalize) = match &modules {
        Some(list) => (
            list.iter()
                .find(|m| m.kind.ends_with("Pooling"))
                .map(|m| m.path.clone()),
            list.iter().any(|m| m.kind.ends_with("Normalize")),
        ),
        // A bare BERT directory: the common sentence-embedding recipe.
        None => (None, true),
    };
    let pooling_config: PoolingConfig = match pooling_path {
        Some(p) => read_json(&dir.join(p).join("config.json"))?.unwrap_or_default(),
        None => read_json(&dir.join("1_Pooling/config.json"))?.unwrap_or(PoolingConfig {
            pooling_mode_mean_tokens: true,
            ..PoolingConfig::default()
        }),
    };
    let pooling = if pooling_config.pooling_mode_cls_token {
        Pooling::Cls
    } else if pooling_config.pooling_mode_max_tokens && !pooling_config.pooling_mode_mean_tokens {
        Pooling::Max
    } else {
        Pooling::Mean
    };
    let positions = read_json::<BertConfigPeek>(&dir.join("config.json"))?
        .and_then(|c| c.max_position_embeddings)
        .unwrap_or(512);
    let sbert: SbertConfig = read_json(&dir.join("sentence_bert_config.json"))?.unwrap_or_default();
    let max_tokens = sbert
        .max_seq_length
        .unwrap_or(positions)
        .min(positions)
        .max(2);
    let st: StConfig =
        read_json(&dir.join("config_sentence_transformers.json"))?.unwrap_or_default();
    let query_prefix = st
        .prompts
        .get("query")
        .cloned()
        .or_else(|| defaults.query.map(str::to_string))
        .unwrap_or_default();
    // sentence-transformers names the document prompt "document" or "passage".
    let document_prefix = st
        .prompts
        .get("document")
        .or_else(|| st.prompts.get("passage"))
        .cloned()
        .or_else(|| defaults.document.map(str::to_string))
        .unwrap_or_default();
    Ok(Layout {
        dir: dir.to_path_buf(),
        pooling,
        normalize,
        max_tokens,
        query_prefix,
        document_prefix,
    })
}
