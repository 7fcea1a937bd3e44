//! A polite client for the arXiv query API: one request at a time, a fixed
//! spacing between requests (3 s by default, as arXiv's terms ask), a
//! descriptive User-Agent, retries with exponential backoff on 429/5xx,
//! timeouts, malformed bodies and the plain-text "Rate exceeded." answer.

use crate::arxiv::atom::{AtomError, Feed, parse_feed};
use crate::arxiv::pacer::Pacer;
use crate::arxiv::polite::{self, GaveUp, request_failed, retry_after, with_retries};
use reqwest::blocking::Client;
use reqwest::{StatusCode, Url};
use std::io::Read;
use std::sync::Once;
use std::time::Duration;

/// The public endpoint.
pub const DEFAULT_BASE_URL: &str = "https://export.arxiv.org/api/query";
/// Where arXiv serves papers' files (PDF, e-print source, HTML).
pub const DEFAULT_FILES_URL: &str = "https://arxiv.org";
/// arXiv asks for at least 3 s between requests.
pub const DEFAULT_DELAY: Duration = Duration::from_secs(3);
/// The API serves at most this many results per request.
pub const MAX_PAGE_SIZE: u64 = 2000;
/// The API serves at most this many results per query.
pub const MAX_RESULTS_PER_QUERY: u64 = 30_000;
/// Responses bigger than this are refused (a 2000-entry page is ~5 MB).
const MAX_BODY_BYTES: u64 = 64 << 20;

/// How the client talks to the API.
#[derive(Debug, Clone)]
pub struct ClientConfig {
    /// Full query endpoint, e.g. `https://export.arxiv.org/api/query`.
    pub base_url: String,
    /// Minimum time between the end of one request and the start of the next.
    pub delay: Duration,
    /// Retries after the first attempt before giving up.
    pub max_retries: u32,
    /// Whole-request timeout.
    pub timeout: Duration,
    /// Sent as `User-Agent`.
    pub user_agent: String,
}

impl Default for ClientConfig {
    fn default() -> Self {
        ClientConfig {
            base_url: DEFAULT_BASE_URL.to_string(),
            delay: DEFAULT_DELAY,
            max_retries: 4,
            timeout: Duration::from_secs(120),
            user_agent: user_agent(None),
        }
    }
}

/// The User-Agent litradar sends: name, version, purpose and, when the user
/// configured one, a contact address (arXiv likes to know whom to ask).
pub fn user_agent(contact: Option<&str>) -> String {
    let base = format!(
        "litradar/{} (personal research library; arXiv API client)",
        env!("CARGO_PKG_VERSION")
    );
    match contact {
        Some(c) if !c.trim().is_empty() => format!("{base} mailto:{}", c.trim()),
        _ => base,
    }
}

/// Result ordering.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SortBy {
    /// The API's relevance ranking.
    Relevance,
    /// Date of the latest version.
    LastUpdatedDate,
    /// Date of the first version.
    SubmittedDate,
}

impl SortBy {
    fn as_param(self) -> &'static str {
        match self {
            SortBy::Relevance => "relevance",
            SortBy::LastUpdatedDate => "lastUpdatedDate",
            SortBy::SubmittedDate => "submittedDate",
        }
    }
}

/// One request to the API.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PageRequest {
    /// `search_query`; empty for a pure id list.
    pub search_query: String,
    /// `id_list`, ids as the user gave them (versions kept).
    pub id_list: Vec<String>,
    /// 0-based offset.
    pub start: u64,
    /// Page size (always sent: without it id lists are cut at 10).
    pub max_results: u64,
    /// Ordering.
    pub sort_by: SortBy,
    /// `true` for newest/most relevant first.
    pub descending: bool,
}

/// Why a request failed for good.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ClientError {
    /// The configured endpoint is not a URL.
    #[error(
        "the arXiv API URL '{0}' is not a valid URL; fix [arxiv] base_url in config.toml or LITRADAR_ARXIV_URL"
    )]
    BadUrl(String),
    /// The API answered with its error feed.
    #[error("the arXiv API refused the request: {0}")]
    Api(String),
    /// An HTTP status that retrying will not fix.
    #[error("the arXiv API answered HTTP {status} for {url}: {body}")]
    Http {
        /// The status.
        status: u16,
        /// The request.
        url: String,
        /// The start of the body.
        body: String,
    },
    /// Every attempt failed with a transient error.
    #[error(
        "the arXiv API did not answer usefully after {attempts} attempts (last: {last}); try again later"
    )]
    GaveUp {
        /// How many requests were made.
        attempts: u32,
        /// The last failure.
        last: String,
    },
    /// The HTTP client could not be built.
    #[error("cannot set up HTTP: {0}")]
    Setup(String),
}

type Attempt = polite::Attempt<Feed, ClientError>;

impl From<GaveUp> for ClientError {
    fn from(g: GaveUp) -> ClientError {
        ClientError::GaveUp {
            attempts: g.attempts,
            last: g.last,
        }
    }
}

/// A blocking API client that spaces its own requests.
pub struct ArxivClient {
    http: Client,
    config: ClientConfig,
    base: Url,
    pacer: Pacer,
    requests_made: u64,
}

static CRYPTO: Once = Once::new();

/// Installs the TLS provider once per process (another part of the
/// program may have installed one already; either serves).
pub fn install_crypto() {
    CRYPTO.call_once(|| {
        let _ = rustls::crypto::ring::default_provider().install_default();
    });
}

impl ArxivClient {
    /// Builds a client; fails only on a bad URL or TLS setup.
    pub fn new(config: ClientConfig) -> Result<Self, ClientError> {
        ArxivClient::with_pacer(config, Pacer::new())
    }

    /// A client that takes turns with others sharing `pacer` (the file
    /// client, say).
    pub fn with_pacer(config: ClientConfig, pacer: Pacer) -> Result<Self, ClientError> {
        install_crypto();
        let base = Url::parse(&config.base_url)
            .map_err(|_| ClientError::BadUrl(config.base_url.clone()))?;
        if !matches!(base.scheme(), "http" | "https") {
            return Err(ClientError::BadUrl(config.base_url.clone()));
        }
        let http = Client::builder()
            .user_agent(config.user_agent.clone())
            .timeout(config.timeout)
            .connect_timeout(Duration::from_secs(20).min(config.timeout))
            .build()
            .map_err(|e| ClientError::Setup(e.to_string()))?;
        Ok(ArxivClient {
            http,
            config,
            base,
            pacer,
            requests_made: 0,
        })
    }

    /// The pacer this client takes turns with.
    pub fn pacer(&self) -> &Pacer {
        &self.pacer
    }

    /// The client's settings.
    pub fn config(&self) -> &ClientConfig {
        &self.config
    }

    /// How many HTTP requests this client has sent.
    pub fn requests_made(&self) -> u64 {
        self.requests_made
    }

    /// The URL a request goes to (spaces become `+`, as the API documents).
    pub fn url_for(&self, req: &PageRequest) -> Url {
        let mut url = self.base.clone();
        url.query_pairs_mut()
            .append_pair("search_query", &req.search_query)
            .append_pair("id_list", &req.id_list.join(","))
            .append_pair("sortBy", req.sort_by.as_param())
            .append_pair(
                "sortOrder",
                if req.descending {
                    "descending"
                } else {
                    "ascending"
                },
            )
            .append_pair("start", &req.start.to_string())
            .append_pair("max_results", &req.max_results.to_string());
        url
    }

    /// Fetches one page, retrying transient failures; never faster than the
    /// configured spacing.
    pub fn fetch_page(&mut self, req: &PageRequest) -> Result<Feed, ClientError> {
        self.retrying(req, |_| true)
    }

    /// Like [`fetch_page`](Self::fetch_page), but also retries a page that
    /// comes back empty although `start` lies inside the result set: the API
    /// sometimes answers so under load, and it does not mean the end.
    pub fn fetch_page_expecting_entries(&mut self, req: &PageRequest) -> Result<Feed, ClientError> {
        let start = req.start;
        self.retrying(req, move |feed: &Feed| {
            let inside = feed.total_results.is_some_and(|t| start < t);
            !(feed.entries.is_empty() && inside)
        })
    }

    fn retrying(
        &mut self,
        req: &PageRequest,
        acceptable: impl Fn(&Feed) -> bool,
    ) -> Result<Feed, ClientError> {
        let url = self.url_for(req);
        let (result, sent) = with_retries(
            &self.pacer,
            self.config.delay,
            self.config.max_retries,
            || match self.attempt(&url) {
                Attempt::Done(feed) if !acceptable(&feed) => Attempt::Retry {
                    reason: format!(
                        "an empty page at start={} of {} results",
                        req.start,
                        feed.total_results.unwrap_or(0)
                    ),
                    after: None,
                },
                other => other,
            },
        );
        self.requests_made += sent;
        result
    }

    fn attempt(&self, url: &Url) -> Attempt {
        let response = match self.http.get(url.clone()).send() {
            Ok(r) => r,
            Err(e) => return request_failed(&e),
        };
        let status = response.status();
        let retry_after = retry_after(response.headers());
        let mut body = Vec::new();
        if let Err(e) = response.take(MAX_BODY_BYTES + 1).read_to_end(&mut body) {
            return Attempt::Retry {
                reason: format!("reading the response failed: {e}"),
                after: None,
            };
        }
        if body.len() as u64 > MAX_BODY_BYTES {
            return Attempt::Fail(ClientError::Http {
                status: status.as_u16(),
                url: url.to_string(),
                body: "the response is larger than 64 MiB".into(),
            });
        }
        classify(status, &body, retry_after, url)
    }
}

fn classify(status: StatusCode, body: &[u8], retry_after: Option<Duration>, url: &Url) -> Attempt {
    let text = String::from_utf8_lossy(body);
    if text.trim_start().starts_with("Rate exceeded") {
        return Attempt::Retry {
            reason: "arXiv said \"Rate exceeded.\"".into(),
            after: retry_after,
        };
    }
    if status == StatusCode::TOO_MANY_REQUESTS || status.is_server_error() {
        return Attempt::Retry {
            reason: format!("HTTP {}", status.as_u16()),
            after: retry_after,
        };
    }
    let parsed = parse_feed(body);
    if let Err(AtomError::Api(message)) = parsed {
        return Attempt::Fail(ClientError::Api(message));
    }
    if !status.is_success() {
        return Attempt::Fail(ClientError::Http {
            status: status.as_u16(),
            url: url.to_string(),
            body: snippet(&text),
        });
    }
    match parsed {
        Ok(feed) => Attempt::Done(feed),
        // A cut-off or garbled body is usually a network hiccup.
        Err(e) => Attempt::Retry {
            reason: e.to_string(),
            after: None,
        },
    }
}

fn snippet(text: &str) -> String {
    let one_line = crate::paper::fold_whitespace(text);
    match one_line.char_indices().nth(200) {
        Some((i, _)) => format!("{}…", &one_line[..i]),
        None => one_line,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn client() -> ArxivClient {
        ArxivClient::new(ClientConfig {
            base_url: "http://127.0.0.1:9/api/query".into(),
            ..ClientConfig::default()
        })
        .expect("client")
    }

    #[test]
    fn urls_encode_queries_the_way_the_api_documents() {
        let req = PageRequest {
            search_query: "au:del_maestro ANDNOT (ti:checkerboard OR ti:\"quantum criticality\")"
                .into(),
            id_list: vec![],
            start: 20,
            max_results: 10,
            sort_by: SortBy::SubmittedDate,
            descending: true,
        };
        let url = client().url_for(&req).to_string();
        assert_eq!(
            url,
            "http://127.0.0.1:9/api/query?search_query=au%3Adel_maestro+ANDNOT+%28ti%3Acheckerboard+OR+ti%3A%22quantum+criticality%22%29&id_list=&sortBy=submittedDate&sortOrder=descending&start=20&max_results=10"
        );
        let ids = PageRequest {
            search_query: String::new(),
            id_list: vec!["hep-th/9901001".into(), "2106.09685v2".into()],
            start: 0,
            max_results: 2,
            sort_by: SortBy::Relevance,
            descending: true,
        };
        assert!(
            client()
                .url_for(&ids)
                .as_str()
                .contains("id_list=hep-th%2F9901001%2C2106.09685v2")
        );
    }

    #[test]
    fn bad_urls_are_refused_up_front() {
        for url in ["not a url", "ftp://example.org/api"] {
            let err = ArxivClient::new(ClientConfig {
                base_url: url.into(),
                ..ClientConfig::default()
            });
            assert!(matches!(err, Err(ClientError::BadUrl(_))));
        }
    }

    #[test]
    fn classification_of_answers() {
        let url = Url::parse("http://x/").expect("url");
        let retry = |s: u16, body: &str| {
            matches!(
                classify(
                    StatusCode::from_u16(s).expect("status"),
                    body.as_bytes(),
                    None,
                    &url
                ),
                Attempt::Retry { .. }
            )
        };
        assert!(retry(200, "Rate exceeded."));
        assert!(retry(503, ""));
        assert!(retry(429, ""));
        assert!(retry(
            200,
            "<feed xmlns=\"http://www.w3.org/2005/Atom\"><entry>"
        ));
        let error_feed = include_str!(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tests/fixtures/arxiv/api2026_id_abc_s0_m100.xml"
        ));
        assert!(matches!(
            classify(StatusCode::BAD_REQUEST, error_feed.as_bytes(), None, &url),
            Attempt::Fail(ClientError::Api(_))
        ));
        assert!(matches!(
            classify(StatusCode::NOT_FOUND, b"no", None, &url),
            Attempt::Fail(ClientError::Http { status: 404, .. })
        ));
    }
}
