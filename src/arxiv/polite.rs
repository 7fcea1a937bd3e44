//! What the API client and the files client share, so both are polite the
//! same way: one request at a time on the shared pacer, retries spaced by
//! doubling backoff or the server's `Retry-After`, and one wording for a
//! request that failed on the way.

use super::pacer::Pacer;
use std::time::Duration;

/// The longest wait honoured, from `Retry-After` or from backoff.
pub const MAX_RETRY_AFTER: Duration = Duration::from_secs(300);

/// What one request came to.
pub enum Attempt<T, E> {
    /// An answer to keep.
    Done(T),
    /// Worth asking again: why, and how long the server asked us to wait.
    Retry {
        /// Said when the retries run out.
        reason: String,
        /// `Retry-After`, when the server sent one.
        after: Option<Duration>,
    },
    /// An answer that asking again will not change.
    Fail(E),
}

/// Every attempt asked for a retry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GaveUp {
    /// Requests made.
    pub attempts: u32,
    /// The last reason to retry.
    pub last: String,
}

/// The wait before retry number `attempt + 1`: 2×, 4×, 8×… the spacing,
/// at most [`MAX_RETRY_AFTER`].
pub fn backoff(delay: Duration, attempt: u32) -> Duration {
    let base = delay.max(Duration::from_millis(1));
    base.saturating_mul(2u32.saturating_pow(attempt + 1))
        .min(MAX_RETRY_AFTER)
}

/// Runs `attempt` up to `max_retries + 1` times, each in its turn on
/// `pacer` at least `delay` after the last request; answers the result
/// and how many requests were sent.
pub fn with_retries<T, E: From<GaveUp>>(
    pacer: &Pacer,
    delay: Duration,
    max_retries: u32,
    mut attempt: impl FnMut() -> Attempt<T, E>,
) -> (Result<T, E>, u64) {
    let attempts = max_retries + 1;
    let mut wait: Option<Duration> = None;
    let mut last = String::new();
    for n in 0..attempts {
        let turn = pacer.turn(wait.map_or(delay, |w| w.max(delay)));
        let outcome = attempt();
        drop(turn);
        match outcome {
            Attempt::Done(t) => return (Ok(t), u64::from(n) + 1),
            Attempt::Fail(e) => return (Err(e), u64::from(n) + 1),
            Attempt::Retry { reason, after } => {
                last = reason;
                wait = Some(after.unwrap_or_else(|| backoff(delay, n)));
            }
        }
    }
    (Err(GaveUp { attempts, last }.into()), u64::from(attempts))
}

/// `Retry-After` in seconds, capped at [`MAX_RETRY_AFTER`].
pub fn retry_after(headers: &reqwest::header::HeaderMap) -> Option<Duration> {
    headers
        .get(reqwest::header::RETRY_AFTER)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse::<u64>().ok())
        .map(|s| Duration::from_secs(s).min(MAX_RETRY_AFTER))
}

/// A request that got no answer, as a reason to retry.
pub fn request_failed<T, E>(e: &reqwest::Error) -> Attempt<T, E> {
    let kind = if e.is_timeout() {
        "timed out"
    } else {
        "failed"
    };
    Attempt::Retry {
        reason: format!("request {kind}: {}", error_chain(e)),
        after: None,
    }
}

/// An error with its causes, `outer: inner: innermost`.
pub fn error_chain(e: &dyn std::error::Error) -> String {
    let mut out = e.to_string();
    let mut source = e.source();
    while let Some(s) = source {
        out.push_str(": ");
        out.push_str(&s.to_string());
        source = s.source();
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_from_the_spacing_up_to_the_cap() {
        let delay = Duration::from_secs(3);
        assert_eq!(backoff(delay, 0), Duration::from_secs(6));
        assert_eq!(backoff(delay, 1), Duration::from_secs(12));
        assert_eq!(backoff(delay, 20), MAX_RETRY_AFTER);
        assert_eq!(backoff(Duration::ZERO, 0), Duration::from_millis(2));
    }

    #[derive(Debug, PartialEq)]
    struct Failed(Option<GaveUp>);

    impl From<GaveUp> for Failed {
        fn from(g: GaveUp) -> Failed {
            Failed(Some(g))
        }
    }

    #[test]
    fn retries_until_an_answer_a_failure_or_the_last_attempt() {
        let pacer = Pacer::new();
        let mut tries = 0;
        let (result, sent) = with_retries(&pacer, Duration::from_millis(1), 3, || {
            tries += 1;
            match tries {
                1 | 2 => Attempt::Retry {
                    reason: format!("try {tries}"),
                    after: Some(Duration::from_millis(1)),
                },
                _ => Attempt::<u32, Failed>::Done(7),
            }
        });
        assert_eq!((result, sent), (Ok(7), 3));
        let (result, sent) = with_retries(&pacer, Duration::from_millis(1), 3, || {
            Attempt::<u32, Failed>::Fail(Failed(None))
        });
        assert_eq!((result, sent), (Err(Failed(None)), 1));
        let (result, sent) = with_retries(&pacer, Duration::from_millis(1), 1, || Attempt::<
            u32,
            Failed,
        >::Retry {
            reason: "HTTP 503".into(),
            after: Some(Duration::from_millis(1)),
        });
        let gave_up = GaveUp {
            attempts: 2,
            last: "HTTP 503".into(),
        };
        assert_eq!((result, sent), (Err(Failed(Some(gave_up))), 2));
    }
}
