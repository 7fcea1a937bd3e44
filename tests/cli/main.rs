//! End-to-end tests: the real binary, a real SQLite file in a temporary
//! home, and a real HTTP server on 127.0.0.1 serving recorded arXiv answers.

mod support;

mod demo;
mod feed;
mod fetch;
mod fulltext;
mod impls;
mod library;
mod radar;
mod read;
mod search;
mod transfer;
mod watch;
