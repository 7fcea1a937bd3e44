//! litradar: a personal research knowledge base and technology radar.
//!
//! The library is the product; the CLI (and later the TUI) are thin front
//! ends over it. SQLite ([`library`]) is the source of truth.

pub mod arxiv;
pub mod atomic;
pub mod cli;
pub mod config;
pub mod embed;
pub mod feed;
pub mod formats;
pub mod fulltext;
pub mod home;
pub mod impls;
pub mod ingest;
pub mod library;
pub mod paper;
pub mod progress;
pub mod radar;
pub mod reading;
pub mod record;
pub mod search;
pub mod starter;
pub mod tui;
pub mod width;
pub mod workflow;
