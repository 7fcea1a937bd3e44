//! Settings: built-in defaults, then `config.toml` in the home, then the
//! environment (`LITRADAR_ARXIV_URL`, `LITRADAR_ARXIV_FILES_URL`,
//! `LITRADAR_ARXIV_DELAY_MS`, `LITRADAR_FULLTEXT_AUTO`, `LITRADAR_PDFTOTEXT`).

use crate::arxiv::client::{self, ClientConfig};
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};
use std::time::Duration;

/// The commented default file, printed by `litradar config --default`.
pub const DEFAULT_TOML: &str = include_str!("config.default.toml");

/// All settings.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
#[derive(Default)]
pub struct Config {
    /// The arXiv API client.
    pub arxiv: ArxivSettings,
    /// Saved queries.
    pub watch: WatchSettings,
    /// The three-pass reading method.
    pub reading: ReadingSettings,
    /// The embedding model for semantic search.
    pub embed: EmbedSettings,
    /// The technology radar.
    pub radar: RadarSettings,
    /// The papers' own text.
    pub fulltext: FulltextSettings,
    /// Reading the PDF.
    pub reader: ReaderSettings,
}

/// `[fulltext]`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct FulltextSettings {
    /// Get the text in the background when a paper is queued or timed.
    pub auto: bool,
    /// The `pdftotext` program (a name in PATH or a path; "none" to use the
    /// built-in reader).
    pub pdftotext: String,
    /// Seconds one PDF extraction may take.
    pub timeout_secs: u64,
}

impl Default for FulltextSettings {
    fn default() -> Self {
        FulltextSettings {
            auto: true,
            pdftotext: "pdftotext".into(),
            timeout_secs: 60,
        }
    }
}

/// `[reader]`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(default, deny_unknown_fields)]
pub struct ReaderSettings {
    /// The PDF viewer as an argv list (`{}` for the file, else appended);
    /// empty: the platform opener.
    pub pdf_viewer: Vec<String>,
}

/// `[radar]`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct RadarSettings {
    /// Planned share of reading time per ring, centre first, in percent.
    pub plan: Vec<u32>,
    /// Editions without reassessment after which a blip is flagged stale.
    pub stale_after: usize,
    /// Months `radar trends` and `radar budget` look back by default.
    pub months: usize,
}

impl Default for RadarSettings {
    fn default() -> Self {
        RadarSettings {
            plan: vec![70, 20, 10],
            stale_after: 3,
            months: 6,
        }
    }
}

/// `[embed]`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct EmbedSettings {
    /// A known model name (`litradar model list`) or a model directory.
    pub model: String,
    /// Where models are kept (default: the cache directory).
    pub models_dir: Option<PathBuf>,
    /// `auto`, `cpu`, `cuda`, `cuda:N` or `metal`.
    pub device: String,
    /// Texts per inference batch.
    pub batch: usize,
    /// Embed new papers right after fetch, add, import and watch sync.
    pub auto: bool,
    /// Text put before every query, for a model whose files do not say
    /// (bge-small: "Represent this sentence for searching relevant passages: ").
    pub query_prefix: Option<String>,
    /// Text put before every document (e5: "passage: ").
    pub document_prefix: Option<String>,
}

/// The embedding model used when the settings name none.
pub const DEFAULT_MODEL: &str = "all-MiniLM-L6-v2";

/// What the user asked for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum DeviceChoice {
    /// A GPU if this build and this machine have one, else the CPU.
    #[default]
    Auto,
    /// The CPU.
    Cpu,
    /// An NVIDIA GPU by index.
    Cuda(usize),
    /// The Apple GPU.
    Metal,
}

impl std::str::FromStr for DeviceChoice {
    type Err = String;
    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let t = text.trim().to_ascii_lowercase();
        match t.as_str() {
            "auto" => Ok(DeviceChoice::Auto),
            "cpu" => Ok(DeviceChoice::Cpu),
            "cuda" | "gpu" => Ok(DeviceChoice::Cuda(0)),
            "metal" => Ok(DeviceChoice::Metal),
            _ => t
                .strip_prefix("cuda:")
                .and_then(|n| n.parse().ok())
                .map(DeviceChoice::Cuda)
                .ok_or_else(|| {
                    format!("'{text}' is not a device; use auto, cpu, cuda, cuda:N or metal")
                }),
        }
    }
}

impl Default for EmbedSettings {
    fn default() -> Self {
        EmbedSettings {
            model: DEFAULT_MODEL.to_string(),
            models_dir: None,
            device: "auto".into(),
            batch: 32,
            auto: true,
            query_prefix: None,
            document_prefix: None,
        }
    }
}

impl EmbedSettings {
    /// The folder models live in: `models_dir`, else the cache directory.
    pub fn models_dir(&self) -> PathBuf {
        self.models_dir
            .clone()
            .unwrap_or_else(crate::home::default_models_dir)
    }
}

/// `[reading]`: time budgets per pass, `[min, max]` in minutes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ReadingSettings {
    /// Pass 1, structured skim.
    pub pass1_minutes: [u32; 2],
    /// Pass 2, key derivations.
    pub pass2_minutes: [u32; 2],
    /// Pass 3, reproduction.
    pub pass3_minutes: [u32; 2],
}

impl Default for ReadingSettings {
    fn default() -> Self {
        ReadingSettings {
            pass1_minutes: [5, 10],
            pass2_minutes: [30, 60],
            pass3_minutes: [120, 240],
        }
    }
}

/// `[arxiv]`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ArxivSettings {
    /// Full query endpoint.
    pub base_url: String,
    /// Where PDFs, e-prints and HTML pages come from.
    pub files_url: String,
    /// Milliseconds between requests (arXiv asks for 3000).
    pub delay_ms: u64,
    /// Results per request (at most 2000).
    pub page_size: u64,
    /// Retries after a failed request.
    pub max_retries: u32,
    /// Whole-request timeout in seconds.
    pub timeout_secs: u64,
    /// A contact address added to the User-Agent.
    pub contact: Option<String>,
}

/// `[watch]`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct WatchSettings {
    /// How many papers the first sync of a new watch fetches.
    pub first_sync_max: u64,
    /// How many papers one later sync fetches at most.
    pub sync_max: u64,
}

impl Default for ArxivSettings {
    fn default() -> Self {
        ArxivSettings {
            base_url: client::DEFAULT_BASE_URL.to_string(),
            files_url: client::DEFAULT_FILES_URL.to_string(),
            delay_ms: client::DEFAULT_DELAY.as_millis() as u64,
            page_size: 100,
            max_retries: 4,
            timeout_secs: 120,
            contact: None,
        }
    }
}

impl Default for WatchSettings {
    fn default() -> Self {
        WatchSettings {
            first_sync_max: 100,
            sync_max: 2000,
        }
    }
}

/// Why the settings could not be read.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ConfigError {
    /// The file exists but cannot be read.
    #[error("cannot read {path}: {source}")]
    Read {
        /// The file.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// The file is not valid TOML for these settings.
    #[error(
        "{path}: {message}; fix the file or delete it to use the defaults (`litradar config --default` prints them)"
    )]
    Parse {
        /// The file.
        path: PathBuf,
        /// What the TOML parser said, with the line.
        message: String,
    },
    /// An environment variable holds a bad value.
    #[error("{name}={value} is not valid: {why}")]
    Env {
        /// The variable.
        name: &'static str,
        /// Its value.
        value: String,
        /// What is expected.
        why: &'static str,
    },
}

impl Config {
    /// Reads `path` (a missing file means defaults) and applies the environment.
    pub fn load(path: &Path) -> Result<Config, ConfigError> {
        let mut config = match std::fs::read_to_string(path) {
            Ok(text) => Config::parse(&text).map_err(|message| ConfigError::Parse {
                path: path.to_path_buf(),
                message,
            })?,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Config::default(),
            Err(source) => {
                return Err(ConfigError::Read {
                    path: path.to_path_buf(),
                    source,
                });
            }
        };
        config.apply_env(|name| std::env::var(name).ok())?;
        Ok(config)
    }

    /// Parses TOML text; the message carries the line and column and
    /// becomes [`ConfigError::Parse`] with the file's path in [`Config::load`].
    pub(crate) fn parse(text: &str) -> Result<Config, String> {
        let config: Config =
            toml::from_str(text).map_err(|e| crate::paper::fold_whitespace(&e.to_string()))?;
        if config.arxiv.page_size == 0 || config.arxiv.page_size > client::MAX_PAGE_SIZE {
            return Err(format!(
                "[arxiv] page_size must be between 1 and {}",
                client::MAX_PAGE_SIZE
            ));
        }
        if config.radar.plan.is_empty() || config.radar.plan.iter().sum::<u32>() != 100 {
            return Err(format!(
                "[radar] plan: the shares per ring must add up to 100, not {}",
                config.radar.plan.iter().sum::<u32>()
            ));
        }
        if config.radar.stale_after == 0 || config.radar.months == 0 {
            return Err("[radar] stale_after and months must be at least 1".into());
        }
        if config.fulltext.timeout_secs == 0 {
            return Err("[fulltext] timeout_secs must be at least 1".into());
        }
        if config.embed.batch == 0 {
            return Err("[embed] batch must be at least 1".into());
        }
        if let Err(e) = config.embed.device.parse::<DeviceChoice>() {
            return Err(format!("[embed] device: {e}"));
        }
        for (n, [min, max]) in [
            config.reading.pass1_minutes,
            config.reading.pass2_minutes,
            config.reading.pass3_minutes,
        ]
        .into_iter()
        .enumerate()
        {
            if min > max {
                return Err(format!(
                    "[reading] pass{}_minutes: {min} is more than {max}",
                    n + 1
                ));
            }
        }
        Ok(config)
    }

    /// Applies environment overrides read through `get`.
    pub fn apply_env(&mut self, get: impl Fn(&str) -> Option<String>) -> Result<(), ConfigError> {
        if let Some(url) = get("LITRADAR_ARXIV_URL").filter(|u| !u.trim().is_empty()) {
            self.arxiv.base_url = url.trim().to_string();
        }
        if let Some(url) = get("LITRADAR_ARXIV_FILES_URL").filter(|u| !u.trim().is_empty()) {
            self.arxiv.files_url = url.trim().to_string();
        }
        if let Some(program) = get("LITRADAR_PDFTOTEXT").filter(|v| !v.trim().is_empty()) {
            self.fulltext.pdftotext = program.trim().to_string();
        }
        if let Some(value) = get("LITRADAR_FULLTEXT_AUTO").filter(|v| !v.trim().is_empty()) {
            self.fulltext.auto = match value.trim() {
                "1" | "true" | "yes" | "on" => true,
                "0" | "false" | "no" | "off" => false,
                _ => {
                    return Err(ConfigError::Env {
                        name: "LITRADAR_FULLTEXT_AUTO",
                        value,
                        why: "expected 1 or 0 (true or false)",
                    });
                }
            };
        }
        if let Some(dir) = get("LITRADAR_MODELS_DIR").filter(|v| !v.trim().is_empty()) {
            self.embed.models_dir = Some(PathBuf::from(dir.trim()));
        }
        if let Some(device) = get("LITRADAR_DEVICE").filter(|v| !v.trim().is_empty()) {
            self.embed.device = device.trim().to_string();
        }
        if let Some(value) = get("LITRADAR_ARXIV_DELAY_MS").filter(|v| !v.trim().is_empty()) {
            self.arxiv.delay_ms = value.trim().parse().map_err(|_| ConfigError::Env {
                name: "LITRADAR_ARXIV_DELAY_MS",
                value: value.clone(),
                why: "expected a whole number of milliseconds",
            })?;
        }
        Ok(())
    }

    /// The API client settings.
    pub fn client(&self) -> ClientConfig {
        ClientConfig {
            base_url: self.arxiv.base_url.clone(),
            delay: Duration::from_millis(self.arxiv.delay_ms),
            max_retries: self.arxiv.max_retries,
            timeout: Duration::from_secs(self.arxiv.timeout_secs.max(1)),
            user_agent: client::user_agent(self.arxiv.contact.as_deref()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_default_file_is_the_default_config() {
        assert_eq!(
            Config::parse(DEFAULT_TOML).expect("parses"),
            Config::default()
        );
    }

    #[test]
    fn partial_files_keep_other_defaults() {
        let c = Config::parse("[arxiv]\ndelay_ms = 5\n").expect("parses");
        assert_eq!(c.arxiv.delay_ms, 5);
        assert_eq!(c.arxiv.page_size, 100);
        assert_eq!(c.watch, WatchSettings::default());
        // Sections of later versions do not break older builds.
        assert!(Config::parse("[later_section]\nrings = 3\n").is_ok());
    }

    #[test]
    fn typos_and_bad_values_are_errors_with_a_line() {
        let err = Config::parse("[arxiv]\n\ndelay_msec = 5\n").expect_err("typo");
        assert!(
            err.contains("line 3") && err.contains("delay_msec"),
            "{err}"
        );
        assert!(Config::parse("[arxiv]\npage_size = 5000\n").is_err());
        assert!(Config::parse("[arxiv]\ndelay_ms = \"fast\"\n").is_err());
        let err = Config::parse("[radar]\nplan = [60, 20, 10]\n").expect_err("90%");
        assert!(err.contains("add up to 100, not 90"), "{err}");
        let c =
            Config::parse("[radar]\nplan = [50, 30, 15, 5]\nstale_after = 2\n").expect("parses");
        assert_eq!(
            (c.radar.plan.len(), c.radar.stale_after, c.radar.months),
            (4, 2, 6)
        );
    }

    #[test]
    fn environment_overrides_the_file() {
        let mut c = Config::default();
        c.apply_env(|name| match name {
            "LITRADAR_ARXIV_URL" => Some("http://127.0.0.1:1/api/query".into()),
            "LITRADAR_ARXIV_DELAY_MS" => Some("7".into()),
            _ => None,
        })
        .expect("valid");
        assert_eq!(c.client().base_url, "http://127.0.0.1:1/api/query");
        assert_eq!(c.client().delay, Duration::from_millis(7));
        c.apply_env(|name| match name {
            "LITRADAR_ARXIV_FILES_URL" => Some("http://127.0.0.1:2".into()),
            "LITRADAR_FULLTEXT_AUTO" => Some("0".into()),
            _ => None,
        })
        .expect("valid");
        assert_eq!(c.arxiv.files_url, "http://127.0.0.1:2");
        assert!(!c.fulltext.auto);
        assert!(
            c.apply_env(|name| (name == "LITRADAR_FULLTEXT_AUTO").then(|| "maybe".into()))
                .is_err()
        );
        let err = c
            .apply_env(|name| (name == "LITRADAR_ARXIV_DELAY_MS").then(|| "soon".into()))
            .expect_err("bad number");
        assert!(err.to_string().contains("LITRADAR_ARXIV_DELAY_MS=soon"));
    }
}
