//! How long jobs (fetching, importing, embedding, indexing) report how far
//! they are and learn that the user asked them to stop. Every layer uses it;
//! the front ends implement it (a progress bar, a message in the app).

/// Receives progress of a long job; every method has a do-nothing default.
pub trait Progress {
    /// The amount of work is known (or better known).
    fn total(&self, _total: u64) {}
    /// `n` more units are done.
    fn advance(&self, _n: u64) {}
    /// A short status line.
    fn message(&self, _text: &str) {}
    /// True when the user asked to stop; jobs check it between pages, so
    /// every page stored is stored whole.
    fn cancelled(&self) -> bool {
        false
    }
}

/// Progress that goes nowhere.
pub struct Silent;
impl Progress for Silent {}
