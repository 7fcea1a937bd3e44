//! The feed: which new papers deserve pass 1, ranked for this reader, with
//! reasons.
//!
//! The model is the reader's own: a linear SVM ([`learn`]) over each
//! paper's words (tf-idf of words and two-word phrases, [`words`]) and its
//! embedding when the library has vectors, trained on the reader's signals
//! (tags, queue, reading time, radar links, likes) against their dislikes
//! and the rest of the library as background. arXiv categories are never a
//! feature, so the ranking learns content. It is retrained on every look:
//! a 10,000-paper library takes well under a second (BENCHMARKS.md).

pub mod learn;
pub mod rank;
mod store;
pub mod words;

pub use rank::{Corpus, Ranked, Signals};
pub use store::{FeedPaper, ReaderSignals};

use crate::library::{Library, LibraryError};
use chrono::{DateTime, Utc};
use std::collections::HashMap;

/// What the reader said of a paper the feed showed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Mark {
    /// More like this (a positive signal).
    Like,
    /// Less like this (a negative signal).
    Dislike,
    /// Not now: no signal, not shown again.
    Dismiss,
}

impl Mark {
    /// As stored.
    pub fn as_str(self) -> &'static str {
        match self {
            Mark::Like => "like",
            Mark::Dislike => "dislike",
            Mark::Dismiss => "dismiss",
        }
    }

    /// From storage.
    pub fn parse(s: &str) -> Option<Mark> {
        match s {
            "like" => Some(Mark::Like),
            "dislike" => Some(Mark::Dislike),
            "dismiss" => Some(Mark::Dismiss),
            _ => None,
        }
    }
}

/// Which papers a look covers.
#[derive(Debug, Clone, PartialEq)]
pub enum Window {
    /// Papers added since the view's last look (every paper on the first).
    SinceLastLook,
    /// Papers added since this time.
    Since(DateTime<Utc>),
    /// Every paper the reader has not tagged, queued, read or marked.
    All,
}

/// One look at the feed.
#[derive(Debug, Clone, PartialEq)]
pub struct Request {
    /// Rank for this tag's papers instead of every signal.
    pub tag: Option<String>,
    /// Which papers.
    pub window: Window,
    /// At most this many.
    pub limit: usize,
    /// The model whose stored vectors join the features, if any.
    pub model: Option<String>,
}

/// A ranked paper and why.
#[derive(Debug, Clone, PartialEq)]
pub struct Item {
    /// Paper id.
    pub id: String,
    /// Title.
    pub title: String,
    /// Abstract.
    pub abstract_text: String,
    /// The model's score; `None` when nothing was learned (newest first).
    pub score: Option<f32>,
    /// The reader's papers nearest to it, nearest first.
    pub similar: Vec<String>,
    /// Words that weighed most in its score.
    pub words: Vec<String>,
}

/// The result of a look.
#[derive(Debug, Clone, PartialEq)]
pub struct Feed {
    /// The view's name (`all`, or `tag:NAME`), under which the look is remembered.
    pub view: String,
    /// The start of the window (`None`: no start).
    pub since: Option<DateTime<Utc>>,
    /// Papers in the window the feed could offer.
    pub candidates: usize,
    /// Positive signals learned from (0: newest first, nothing learned).
    pub positives: usize,
    /// Negative signals.
    pub negatives: usize,
    /// Whether embeddings were among the features.
    pub with_vectors: bool,
    /// The ranked papers.
    pub items: Vec<Item>,
}

/// The view a request is remembered under.
pub fn view_name(tag: Option<&str>) -> String {
    match tag {
        Some(t) => format!("tag:{t}"),
        None => "all".to_string(),
    }
}

/// Ranks the papers `request` covers for the reader.
pub fn look(lib: &Library, request: &Request) -> Result<Feed, LibraryError> {
    let tag = match &request.tag {
        Some(t) => Some(
            lib.tag_name(t)?
                .ok_or_else(|| LibraryError::NoSuchTag(t.clone()))?,
        ),
        None => None,
    };
    let view = view_name(tag.as_deref());
    let since = match &request.window {
        Window::All => None,
        Window::Since(t) => Some(*t),
        Window::SinceLastLook => lib.feed_last_look(&view)?,
    };
    let papers = lib.feed_papers()?;
    let signals = lib.feed_signals(tag.as_deref())?;
    let candidates: Vec<usize> = papers
        .iter()
        .enumerate()
        .filter(|(_, p)| !signals.settled.contains(&p.id))
        .filter(|(_, p)| match since {
            Some(s) => p.added_at.is_some_and(|a| a > s),
            None => true,
        })
        .map(|(i, _)| i)
        .collect();
    let position: HashMap<&str, usize> = papers
        .iter()
        .enumerate()
        .map(|(i, p)| (p.id.as_str(), i))
        .collect();
    let mut positive: Vec<usize> = signals
        .positive
        .iter()
        .filter_map(|id| position.get(id.as_str()).copied())
        .collect();
    positive.sort_unstable();
    let mut negative: Vec<usize> = signals
        .negative
        .iter()
        .filter_map(|id| position.get(id.as_str()).copied())
        .filter(|i| !signals.positive.contains(&papers[*i].id))
        .collect();
    negative.sort_unstable();
    let mut feed = Feed {
        view,
        since,
        candidates: candidates.len(),
        positives: positive.len(),
        negatives: negative.len(),
        with_vectors: false,
        items: Vec::new(),
    };
    if positive.is_empty() {
        feed.items = newest_first(&papers, &candidates, request.limit);
        return Ok(feed);
    }
    let vectors = match &request.model {
        Some(m) => lib.load_vectors(m)?,
        None => Default::default(),
    };
    let embeddings = embeddings_of(&papers, &vectors);
    feed.with_vectors = embeddings.iter().any(Option::is_some);
    let texts = texts_of(&papers);
    let corpus = Corpus::new(&texts, &embeddings, vectors.dim);
    let signals = Signals { positive, negative };
    let model = corpus.train(&signals);
    feed.items = corpus
        .rank(&model, &signals, &candidates, request.limit, &texts)
        .into_iter()
        .map(|r| Item {
            id: papers[r.index].id.clone(),
            title: papers[r.index].title.clone(),
            abstract_text: papers[r.index].abstract_text.clone(),
            score: Some(r.score),
            similar: r.similar.iter().map(|&i| papers[i].id.clone()).collect(),
            words: r.words,
        })
        .collect();
    Ok(feed)
}

/// What the learner reads of each paper: its title and abstract.
pub fn texts_of(papers: &[FeedPaper]) -> Vec<String> {
    papers
        .iter()
        .map(|p| format!("{}. {}", p.title, p.abstract_text))
        .collect()
}

/// Each paper's vector among `vectors`, in the papers' order.
pub fn embeddings_of<'a>(
    papers: &[FeedPaper],
    vectors: &'a crate::embed::store::Vectors,
) -> Vec<Option<&'a [f32]>> {
    let by_id = vectors.by_id();
    papers
        .iter()
        .map(|p| by_id.get(p.id.as_str()).copied())
        .collect()
}

/// With nothing to learn from: the newest papers first.
fn newest_first(papers: &[FeedPaper], candidates: &[usize], limit: usize) -> Vec<Item> {
    let mut order = candidates.to_vec();
    order.sort_by(|&a, &b| {
        let key = |i: usize| papers[i].published.or(papers[i].added_at);
        key(b).cmp(&key(a)).then(papers[a].id.cmp(&papers[b].id))
    });
    order
        .into_iter()
        .take(limit)
        .map(|i| Item {
            id: papers[i].id.clone(),
            title: papers[i].title.clone(),
            abstract_text: papers[i].abstract_text.clone(),
            score: None,
            similar: Vec::new(),
            words: Vec::new(),
        })
        .collect()
}

#[cfg(test)]
mod tests;
