//! Where litradar keeps its files: one directory (the "home") holding the
//! database and `config.toml`. Resolved once: `--home`, else
//! `LITRADAR_HOME`, else the XDG data directory; then passed explicitly.

use std::path::{Path, PathBuf};

/// A litradar home directory.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Home {
    root: PathBuf,
}

/// The directory could not be determined or created.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum HomeError {
    /// No home directory can be derived from the environment.
    #[error("cannot find a data directory for litradar; pass --home DIR or set LITRADAR_HOME")]
    NoDataDir,
    /// The directory cannot be created.
    #[error("cannot create {path}: {source}")]
    Create {
        /// The directory.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
}

impl Home {
    /// The home given on the command line or in `LITRADAR_HOME` (clap folds
    /// both into `explicit`), else the platform data directory.
    pub fn resolve(explicit: Option<&Path>) -> Result<Home, HomeError> {
        let root = match explicit {
            Some(p) => p.to_path_buf(),
            None => directories::ProjectDirs::from("", "", "litradar")
                .ok_or(HomeError::NoDataDir)?
                .data_dir()
                .to_path_buf(),
        };
        Ok(Home { root })
    }

    /// A home at exactly this directory.
    pub fn at(root: impl Into<PathBuf>) -> Home {
        Home { root: root.into() }
    }

    /// The separate home `litradar demo` uses, inside this one.
    pub fn demo(&self) -> Home {
        Home::at(self.root.join("demo"))
    }

    /// Creates the directory if needed.
    pub fn ensure(&self) -> Result<(), HomeError> {
        std::fs::create_dir_all(&self.root).map_err(|source| HomeError::Create {
            path: self.root.clone(),
            source,
        })
    }

    /// The directory.
    pub fn root(&self) -> &Path {
        &self.root
    }

    /// The SQLite database.
    pub fn database(&self) -> PathBuf {
        self.root.join("library.sqlite3")
    }

    /// The full-text index (derived; rebuilt when missing).
    pub fn index_dir(&self) -> PathBuf {
        self.root.join("index")
    }

    /// The settings file.
    pub fn config_file(&self) -> PathBuf {
        self.root.join("config.toml")
    }
}

/// The default folder for models: `<cache dir>/litradar/models`.
pub fn default_models_dir() -> PathBuf {
    directories::ProjectDirs::from("", "", "litradar")
        .map(|d| d.cache_dir().join("models"))
        .unwrap_or_else(|| PathBuf::from("models"))
}
