//! Thread pools the encoder and the embedder share (a module of its own, so
//! neither depends on the other for it).

/// A one-thread pool for latency-bound work (built once).
pub(super) fn single_thread_pool() -> Option<&'static rayon::ThreadPool> {
    static POOL: std::sync::OnceLock<Option<rayon::ThreadPool>> = std::sync::OnceLock::new();
    POOL.get_or_init(|| rayon::ThreadPoolBuilder::new().num_threads(1).build().ok())
        .as_ref()
}
