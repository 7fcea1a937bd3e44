//! One request at a time to arXiv, spaced: the API client and the file
//! client (PDF, e-print, HTML) share a pacer, so together they never ask
//! more often than the configured delay, as arXiv's terms ask, even from
//! several threads of the app.

use std::sync::{Arc, Mutex, MutexGuard};
use std::thread::sleep;
use std::time::{Duration, Instant};

/// The shared clock of the last request. Clones share it.
#[derive(Debug, Clone, Default)]
pub struct Pacer {
    last: Arc<Mutex<Option<Instant>>>,
}

/// The right to send one request; when dropped, the request counts as
/// ended and the next waits from then.
pub struct Turn<'a> {
    guard: MutexGuard<'a, Option<Instant>>,
}

impl Drop for Turn<'_> {
    fn drop(&mut self) {
        *self.guard = Some(Instant::now());
    }
}

impl Pacer {
    /// A pacer of its own.
    pub fn new() -> Pacer {
        Pacer::default()
    }

    /// Waits for the turn: until no one else is sending and `gap` has
    /// passed since the last request ended.
    pub fn turn(&self, gap: Duration) -> Turn<'_> {
        let guard = self.last.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(last) = *guard {
            let elapsed = last.elapsed();
            if elapsed < gap {
                sleep(gap - elapsed);
            }
        }
        Turn { guard }
    }

    /// Whether any request was made yet.
    pub fn started(&self) -> bool {
        self.last
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .is_some()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clones_share_the_clock_and_take_turns() {
        let a = Pacer::new();
        let b = a.clone();
        assert!(!b.started());
        drop(a.turn(Duration::ZERO));
        assert!(b.started());
        let t = Instant::now();
        drop(b.turn(Duration::from_millis(40)));
        assert!(t.elapsed() >= Duration::from_millis(30));
        // Two threads: the second starts only after the first's turn ends.
        let shared = Pacer::new();
        let other = shared.clone();
        let held = shared.turn(Duration::ZERO);
        let waiter = std::thread::spawn(move || {
            let start = Instant::now();
            drop(other.turn(Duration::ZERO));
            start.elapsed()
        });
        std::thread::sleep(Duration::from_millis(50));
        drop(held);
        let waited = waiter.join().expect("thread");
        assert!(waited >= Duration::from_millis(40), "{waited:?}");
    }
}
