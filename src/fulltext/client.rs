//! A polite client for arxiv.org's files: `/pdf/IDvN`, `/e-print/IDvN`
//! and `/html/IDvN`. It takes turns with the API client (one request at a
//! time, the same spacing), names litradar in its User-Agent, retries 429
//! and 5xx answers and network failures with backoff, and tells a 404 (the
//! source does not exist) from a failure.

use crate::arxiv::client::{ClientConfig, install_crypto};
use crate::arxiv::pacer::Pacer;
use crate::arxiv::polite::{self, GaveUp, request_failed, retry_after, with_retries};
use reqwest::blocking::Client;
use reqwest::{StatusCode, Url};
use std::io::Read;
use std::time::Duration;

/// arxiv.org.
pub use crate::arxiv::client::DEFAULT_FILES_URL;
/// Bodies bigger than this are refused.
const MAX_BODY_BYTES: u64 = 256 << 20;

/// How the client talks to arxiv.org.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FilesConfig {
    /// Scheme and host (and path prefix) of the file server.
    pub base_url: String,
    /// Minimum time between requests.
    pub delay: Duration,
    /// Retries after the first attempt.
    pub max_retries: u32,
    /// Whole-request timeout.
    pub timeout: Duration,
    /// Sent as User-Agent.
    pub user_agent: String,
}

impl FilesConfig {
    /// The file client `[arxiv]` sets up (PDF, e-print, HTML).
    pub fn from_config(config: &crate::config::Config) -> FilesConfig {
        FilesConfig::from_api(&config.client(), &config.arxiv.files_url)
    }

    /// The file client's settings from the API client's and a base URL.
    pub fn from_api(api: &ClientConfig, base_url: &str) -> FilesConfig {
        FilesConfig {
            base_url: base_url.to_string(),
            delay: api.delay,
            max_retries: api.max_retries,
            timeout: api.timeout.max(Duration::from_secs(300)),
            user_agent: api.user_agent.replace("arXiv API client", "arXiv files"),
        }
    }
}

/// An answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Fetched {
    /// HTTP 200 with these bytes.
    Body {
        /// The body (decompressed if the server sent Content-Encoding).
        bytes: Vec<u8>,
        /// The Content-Type, when given.
        content_type: Option<String>,
    },
    /// HTTP 404 (or 410): the file does not exist.
    NotFound,
}

/// Why a request failed for good.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum FilesError {
    /// The configured address is not a URL.
    #[error(
        "the arXiv files URL '{0}' is not a valid URL; fix [arxiv] files_url in config.toml or LITRADAR_ARXIV_FILES_URL"
    )]
    BadUrl(String),
    /// An answer retrying will not fix.
    #[error("arxiv.org answered HTTP {status} for {url}")]
    Http {
        /// The status.
        status: u16,
        /// The request.
        url: String,
    },
    /// Every attempt failed with a transient error.
    #[error(
        "arxiv.org did not answer usefully after {attempts} attempts (last: {last}); try again later"
    )]
    GaveUp {
        /// Requests made.
        attempts: u32,
        /// The last failure.
        last: String,
    },
    /// The body is over the cap.
    #[error("{url} is larger than {} MiB", MAX_BODY_BYTES >> 20)]
    TooBig {
        /// The request.
        url: String,
    },
    /// The HTTP client could not be built.
    #[error("cannot set up HTTP: {0}")]
    Setup(String),
}

/// The file client.
pub struct FilesClient {
    http: Client,
    config: FilesConfig,
    base: Url,
    pacer: Pacer,
    requests_made: u64,
}

type Attempt = polite::Attempt<Fetched, FilesError>;

impl From<GaveUp> for FilesError {
    fn from(g: GaveUp) -> FilesError {
        FilesError::GaveUp {
            attempts: g.attempts,
            last: g.last,
        }
    }
}

impl FilesClient {
    /// A client taking turns on `pacer`.
    pub fn new(config: FilesConfig, pacer: Pacer) -> Result<FilesClient, FilesError> {
        install_crypto();
        let base = Url::parse(config.base_url.trim_end_matches('/'))
            .map_err(|_| FilesError::BadUrl(config.base_url.clone()))?;
        if !matches!(base.scheme(), "http" | "https") {
            return Err(FilesError::BadUrl(config.base_url.clone()));
        }
        let http = Client::builder()
            .user_agent(config.user_agent.clone())
            .timeout(config.timeout)
            .connect_timeout(Duration::from_secs(20).min(config.timeout))
            .build()
            .map_err(|e| FilesError::Setup(e.to_string()))?;
        Ok(FilesClient {
            http,
            config,
            base,
            pacer,
            requests_made: 0,
        })
    }

    /// Requests sent so far.
    pub fn requests_made(&self) -> u64 {
        self.requests_made
    }

    /// The URL of `path` (`/pdf/2106.09685v2`).
    pub fn url_for(&self, path: &str) -> String {
        format!(
            "{}/{}",
            self.base.as_str().trim_end_matches('/'),
            path.trim_start_matches('/')
        )
    }

    /// Fetches `path`, retrying transient failures; `progress` hears
    /// (bytes received, bytes expected) as the body arrives.
    pub fn get(
        &mut self,
        path: &str,
        progress: &mut dyn FnMut(u64, Option<u64>),
    ) -> Result<Fetched, FilesError> {
        let url = self.url_for(path);
        let (result, sent) = with_retries(
            &self.pacer,
            self.config.delay,
            self.config.max_retries,
            || self.attempt(&url, progress),
        );
        self.requests_made += sent;
        result
    }

    fn attempt(&self, url: &str, progress: &mut dyn FnMut(u64, Option<u64>)) -> Attempt {
        let response = match self.http.get(url).send() {
            Ok(r) => r,
            Err(e) => return request_failed(&e),
        };
        let status = response.status();
        if status == StatusCode::NOT_FOUND || status == StatusCode::GONE {
            return Attempt::Done(Fetched::NotFound);
        }
        let retry_after = retry_after(response.headers());
        if status == StatusCode::TOO_MANY_REQUESTS || status.is_server_error() {
            return Attempt::Retry {
                reason: format!("HTTP {}", status.as_u16()),
                after: retry_after,
            };
        }
        if !status.is_success() {
            return Attempt::Fail(FilesError::Http {
                status: status.as_u16(),
                url: url.to_string(),
            });
        }
        let content_type = response
            .headers()
            .get(reqwest::header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .map(str::to_string);
        let expected = response.content_length();
        if expected.is_some_and(|n| n > MAX_BODY_BYTES) {
            return Attempt::Fail(FilesError::TooBig {
                url: url.to_string(),
            });
        }
        let mut body = Vec::with_capacity(expected.unwrap_or(0).min(MAX_BODY_BYTES) as usize);
        let mut reader = response.take(MAX_BODY_BYTES + 1);
        let mut chunk = vec![0u8; 1 << 16];
        loop {
            match reader.read(&mut chunk) {
                Ok(0) => break,
                Ok(n) => {
                    body.extend_from_slice(&chunk[..n]);
                    progress(body.len() as u64, expected);
                }
                Err(e) => {
                    return Attempt::Retry {
                        reason: format!("reading the response failed: {e}"),
                        after: None,
                    };
                }
            }
        }
        if body.len() as u64 > MAX_BODY_BYTES {
            return Attempt::Fail(FilesError::TooBig {
                url: url.to_string(),
            });
        }
        if expected.is_some_and(|n| n != body.len() as u64) {
            return Attempt::Retry {
                reason: format!(
                    "the answer was cut off ({} of {} bytes)",
                    body.len(),
                    expected.unwrap_or(0)
                ),
                after: None,
            };
        }
        Attempt::Done(Fetched::Body {
            bytes: body,
            content_type,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_and_bad_addresses() {
        let config = FilesConfig {
            base_url: "http://127.0.0.1:9/".into(),
            delay: Duration::ZERO,
            max_retries: 0,
            timeout: Duration::from_secs(1),
            user_agent: "t".into(),
        };
        let c = FilesClient::new(config.clone(), Pacer::new()).expect("client");
        assert_eq!(
            c.url_for("/pdf/2106.09685v2"),
            "http://127.0.0.1:9/pdf/2106.09685v2"
        );
        assert_eq!(
            c.url_for("/e-print/hep-th/9901001v1"),
            "http://127.0.0.1:9/e-print/hep-th/9901001v1"
        );
        for bad in ["nope", "ftp://x.org"] {
            let r = FilesClient::new(
                FilesConfig {
                    base_url: bad.into(),
                    ..config.clone()
                },
                Pacer::new(),
            );
            assert!(matches!(r, Err(FilesError::BadUrl(_))));
        }
        let ua = FilesConfig::from_api(&ClientConfig::default(), DEFAULT_FILES_URL).user_agent;
        assert!(
            ua.starts_with("litradar/") && ua.contains("arXiv files"),
            "{ua}"
        );
    }
}
