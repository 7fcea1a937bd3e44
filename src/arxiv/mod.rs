//! Everything about arXiv itself: identifiers, the query language, the Atom
//! feed format and the HTTP API client. Parsing is pure; only
//! [`client::ArxivClient`] touches the network.

pub mod atom;
pub mod client;
pub mod id;
pub mod pacer;
pub mod paging;
pub mod polite;
pub mod query;

pub use atom::{AtomError, Feed, parse_feed};
pub use client::{ArxivClient, ClientConfig, ClientError, PageRequest, SortBy};
pub use id::{ArxivId, IdError};
pub use pacer::Pacer;
pub use paging::Pager;
pub use query::{QueryError, SearchQuery};
