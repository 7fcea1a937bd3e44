//! The starter implementations bundled under `papers/`: one folder per
//! paper with a small candle program (a Cargo example), a manifest and a
//! README. The manifests are compiled in, so `litradar demo` links the
//! papers to their code and claims even from an installed binary; running
//! them needs the source tree (see [`super::resolve::source_root`]).

use super::store::{ImplError, NewClaim, NewImpl};
use super::{Compare, Kind, Tolerance};
use crate::library::Library;
use serde::Deserialize;

/// The bundled manifests: (folder under `papers/`, manifest text).
pub const MANIFESTS: &[(&str, &str)] = &[
    (
        "1706.03762-transformer",
        include_str!("../../papers/1706.03762-transformer/manifest.toml"),
    ),
    (
        "1512.03385-resnet",
        include_str!("../../papers/1512.03385-resnet/manifest.toml"),
    ),
    (
        "1502.03167-batchnorm",
        include_str!("../../papers/1502.03167-batchnorm/manifest.toml"),
    ),
    (
        "2106.09685-lora",
        include_str!("../../papers/2106.09685-lora/manifest.toml"),
    ),
    (
        "1710.05941-swish",
        include_str!("../../papers/1710.05941-swish/manifest.toml"),
    ),
];

/// A claim as a manifest states it.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ManifestClaim {
    /// The metric the program prints.
    pub metric: String,
    /// The value.
    pub value: f64,
    /// `about` (default), `at_least`, `at_most`.
    #[serde(default = "about")]
    pub compare: Compare,
    /// `0.01` or `5%` (default 5 %).
    #[serde(default)]
    pub tolerance: Option<String>,
    /// What is measured on.
    #[serde(default)]
    pub dataset: Option<String>,
    /// The task.
    #[serde(default)]
    pub task: Option<String>,
    /// Where the claim comes from.
    #[serde(default)]
    pub note: Option<String>,
}

impl ManifestClaim {
    /// The tolerance as stated, or the default (5 %).
    pub fn tolerance(&self) -> Result<Tolerance, super::BadTolerance> {
        self.tolerance
            .as_deref()
            .map(Tolerance::parse)
            .transpose()
            .map(|t| t.unwrap_or(Tolerance::DEFAULT))
    }
}

fn about() -> Compare {
    Compare::About
}

/// A starter implementation's manifest.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Manifest {
    /// The arXiv id.
    pub paper: String,
    /// The paper's title.
    pub title: String,
    /// The command, as arguments, run from the source tree's root.
    pub command: Vec<String>,
    /// Framework.
    pub framework: String,
    /// What the program shows, in a sentence or two.
    pub shows: String,
    /// The checks.
    #[serde(default)]
    pub claims: Vec<ManifestClaim>,
}

/// A starter manifest that cannot be used.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ManifestError {
    /// Not TOML, or not the manifest's fields.
    #[error("{0}")]
    Toml(String),
    /// `paper` is not an arXiv id.
    #[error("paper: {0}")]
    Paper(#[from] crate::arxiv::IdError),
    /// `command` is empty.
    #[error("command: give the program and its arguments")]
    NoCommand,
    /// A claim's tolerance does not read.
    #[error("claim {metric}: {error}")]
    Tolerance {
        /// The claim's metric.
        metric: String,
        /// What is wrong.
        error: super::BadTolerance,
    },
    /// A claim's value is NaN or infinite.
    #[error("claim {0}: the value must be a finite number")]
    NotFinite(String),
}

/// Reads a manifest; the error names what is wrong.
pub fn parse(text: &str) -> Result<Manifest, ManifestError> {
    let m: Manifest = toml::from_str(text)
        .map_err(|e| ManifestError::Toml(crate::paper::fold_whitespace(&e.to_string())))?;
    crate::arxiv::ArxivId::parse(&m.paper)?;
    if m.command.is_empty() {
        return Err(ManifestError::NoCommand);
    }
    for c in &m.claims {
        if let Some(t) = &c.tolerance {
            Tolerance::parse(t).map_err(|error| ManifestError::Tolerance {
                metric: c.metric.clone(),
                error,
            })?;
        }
        if !c.value.is_finite() {
            return Err(ManifestError::NotFinite(c.metric.clone()));
        }
    }
    Ok(m)
}

/// A bundled manifest that does not read, by folder.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("papers/{folder}/manifest.toml: {error}")]
pub struct BadManifest {
    /// The folder under `papers/`.
    pub folder: String,
    /// What is wrong.
    pub error: ManifestError,
}

/// Every bundled manifest, parsed, with its folder.
pub fn all() -> Result<Vec<(String, Manifest)>, BadManifest> {
    MANIFESTS
        .iter()
        .map(|(folder, text)| {
            parse(text)
                .map(|m| (folder.to_string(), m))
                .map_err(|error| BadManifest {
                    folder: folder.to_string(),
                    error,
                })
        })
        .collect()
}

/// Links each starter paper in the library to its bundled implementation
/// and records the manifest's claims, once; returns how many papers were
/// linked now.
pub fn link_all(lib: &mut Library) -> Result<usize, ImplError> {
    let manifests = all()?;
    let mut linked = 0;
    for (folder, m) in manifests {
        if lib.get(&m.paper)?.is_none() {
            continue;
        }
        let location = format!("papers/{folder}");
        let existing = lib.impl_list(Some(&m.paper))?;
        if existing
            .iter()
            .any(|i| i.kind == Kind::Starter && i.location == location)
        {
            continue;
        }
        lib.impl_link(
            &m.paper,
            NewImpl {
                kind: Some(Kind::Starter),
                location,
                command: m.command.clone(),
                workdir: Some(".".into()),
                framework: Some(m.framework.clone()),
                official: false,
                mentioned_in_paper: false,
            },
        )?;
        let have = lib.claims(Some(&m.paper))?;
        for c in &m.claims {
            if have.iter().any(|h| h.metric == c.metric) {
                continue;
            }
            lib.claim_add(
                &m.paper,
                NewClaim {
                    metric: c.metric.clone(),
                    value: c.value,
                    compare: c.compare,
                    tolerance: c.tolerance().map_err(|error| BadManifest {
                        folder: folder.clone(),
                        error: ManifestError::Tolerance {
                            metric: c.metric.clone(),
                            error,
                        },
                    })?,
                    task: c.task.clone(),
                    dataset: c.dataset.clone(),
                    note: c.note.clone(),
                },
            )?;
        }
        linked += 1;
    }
    Ok(linked)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_manifest_reads_and_names_a_starter_paper() {
        let all = all().expect("manifests");
        assert_eq!(all.len(), 5);
        let starter: Vec<String> = crate::starter::items()
            .expect("starter")
            .into_iter()
            .map(|i| i.paper.id)
            .collect();
        for (folder, m) in &all {
            assert!(folder.starts_with(&m.paper), "{folder}");
            assert!(
                starter.contains(&m.paper),
                "{} is not a starter paper",
                m.paper
            );
            assert!(!m.claims.is_empty(), "{folder} checks nothing");
            assert_eq!(m.command[..2], ["cargo", "run"]);
        }
    }

    #[test]
    fn manifests_are_checked() {
        assert_eq!(
            parse(
                "paper = \"1706.03762\"\ntitle = \"t\"\ncommand = []\nframework = \"candle\"\nshows = \"s\"\n"
            ),
            Err(ManifestError::NoCommand)
        );
        let err = parse("paper = \"nope\"\ntitle = \"t\"\ncommand = [\"x\"]\nframework = \"c\"\nshows = \"s\"\n").expect_err("bad id");
        assert!(
            matches!(&err, ManifestError::Paper(id) if id.input == "nope"),
            "{err}"
        );
        assert!(err.to_string().starts_with("paper:"), "{err}");
        let err = parse("paper = \"1706.03762\"\ntitle = \"t\"\ncommand = [\"x\"]\nframework = \"c\"\nshows = \"s\"\n[[claims]]\nmetric = \"m\"\nvalue = 1\ntolerance = \"lots\"\n")
            .expect_err("bad tolerance");
        assert_eq!(
            err,
            ManifestError::Tolerance {
                metric: "m".into(),
                error: crate::impls::BadTolerance("lots".into())
            }
        );
        assert!(matches!(
            parse(
                "paper = \"1706.03762\"\ntitle = \"t\"\ncommand = [\"x\"]\nframework = \"c\"\nshows = \"s\"\nextra = 1\n"
            ),
            Err(ManifestError::Toml(_))
        ));
    }

    #[test]
    fn linking_is_done_once() {
        let mut lib = Library::open_in_memory().expect("library");
        crate::starter::load(&mut lib).expect("starter");
        assert_eq!(link_all(&mut lib).expect("link"), 5);
        assert_eq!(link_all(&mut lib).expect("again"), 0);
        let lora = lib.impl_list(Some("2106.09685")).expect("list");
        assert_eq!(lora.len(), 1);
        assert_eq!(lora[0].kind, Kind::Starter);
        assert_eq!(lora[0].location, "papers/2106.09685-lora");
        assert!(!lib.claims(Some("2106.09685")).expect("claims").is_empty());
        // Every starter link resolves against this source tree.
        for imp in lib.impl_list(None).expect("all") {
            let r = super::super::resolve::resolve(&imp, &super::super::resolve::source_root());
            assert!(r.is_ok(), "{}: {:?}", imp.location, r);
        }
    }
}
