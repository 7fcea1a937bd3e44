//! Finding papers by words (tantivy BM25, [`text_index`]), by meaning
//! (exact nearest neighbours over sentence embeddings, [`vectors`]), and
//! both at once (a convex mix of normalised scores, or reciprocal rank fusion: [`fusion`]); plus the retrieval
//! benchmark ([`eval`]). Every index here is derived from the library and
//! can be rebuilt from it.

pub mod documents;
pub mod eval;
pub mod fusion;
pub mod passages;
pub mod text_index;
pub mod vectors;

pub use passages::PassageIndex;
pub use text_index::{IndexError, LexicalHit, TextIndex};
pub use vectors::VectorIndex;

use crate::embed::{EmbedError, Embedder};
use crate::library::{Library, LibraryError};
use std::collections::HashMap;

/// Papers by meaning, best first, and the passage that ranked those a passage ranked.
type Nearest = (Vec<(String, f32)>, HashMap<String, u32>);

/// Candidates each side contributes to a fused ranking.
const FUSION_DEPTH: usize = 100;

/// How to search.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Mode {
    /// Both, fused ([`fusion::Fusion::DEFAULT`]).
    #[default]
    Hybrid,
    /// Words only (BM25).
    Lexical,
    /// Meaning only (embeddings).
    Semantic,
}

/// Where a search looks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Within {
    /// Titles, abstracts, authors, tags and notes (and the papers' vectors).
    Abstracts,
    /// The papers' own text: sections and captions by words, passages by meaning.
    Fulltext,
    /// Both: a paper ranks by the better of its abstract and its best passage.
    #[default]
    All,
}

/// The passage of a paper's own text a hit matched in.
#[derive(Debug, Clone, PartialEq)]
pub struct PassageHit {
    /// "4 Method", or "Figure 3" for a caption.
    pub section: String,
    /// The passage.
    pub text: String,
    /// Byte ranges of matched words in `text`.
    pub highlights: Vec<(usize, usize)>,
}

impl PassageHit {
    /// About `chars` characters of the passage around its first match,
    /// cut at word boundaries, with the highlights moved to fit.
    pub fn excerpt(&self, chars: usize) -> (String, Vec<(usize, usize)>) {
        let text = &self.text;
        if text.chars().count() <= chars {
            return (text.clone(), self.highlights.clone());
        }
        let first = self.highlights.first().map_or(0, |h| h.0);
        // Start a little before the first match, at a space.
        let mut start = first.saturating_sub(chars / 4);
        while start > 0 && !text.is_char_boundary(start) {
            start -= 1;
        }
        if start > 0 {
            start = text[..start].rfind(' ').map_or(0, |i| i + 1);
        }
        let mut end = text[start..]
            .char_indices()
            .nth(chars)
            .map_or(text.len(), |(i, _)| start + i);
        if end < text.len() {
            end = text[start..end].rfind(' ').map_or(end, |i| start + i);
        }
        let mut out = String::new();
        let shift = if start > 0 {
            out.push('…');
            '…'.len_utf8()
        } else {
            0
        };
        out.push_str(&text[start..end]);
        if end < text.len() {
            out.push('…');
        }
        let highlights = self
            .highlights
            .iter()
            .filter(|(a, b)| *a >= start && *b <= end)
            .map(|(a, b)| (a - start + shift, b - start + shift))
            .collect();
        (out, highlights)
    }
}

/// Restrictions on results.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Filters {
    /// A category (`cs.CL`) or archive (`cs`).
    pub category: Option<String>,
    /// A tag (case-insensitive).
    pub tag: Option<String>,
    /// Published in or after this year.
    pub from_year: Option<u64>,
    /// Published in or before this year.
    pub to_year: Option<u64>,
    /// A reading state: new, in-progress, skimmed, derived, reproduced, finished.
    pub reading: Option<String>,
}

impl Filters {
    /// True when nothing is restricted.
    pub fn is_empty(&self) -> bool {
        *self == Filters::default()
    }
}

/// One result and why it is there.
#[derive(Debug, Clone, PartialEq)]
pub struct SearchHit {
    /// Paper id.
    pub id: String,
    /// The ranking score: fused (hybrid), BM25 (lexical) or cosine (semantic).
    pub score: f64,
    /// Rank and BM25 score in the word ranking, when it matched there.
    pub lexical: Option<(usize, f32)>,
    /// Rank and cosine similarity in the meaning ranking, when it ranked there.
    pub semantic: Option<(usize, f32)>,
    /// Query words found in the paper.
    pub matched: Vec<String>,
    /// A piece of the abstract.
    pub snippet: String,
    /// Byte ranges of matched words in `snippet`.
    pub highlights: Vec<(usize, usize)>,
    /// The passage of the paper's own text it matched in, when its best
    /// match came from there rather than from its title and abstract.
    pub passage: Option<PassageHit>,
}

/// Why a search failed.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum SearchError {
    /// The full-text index failed.
    #[error(transparent)]
    Index(#[from] IndexError),
    /// The library failed.
    #[error(transparent)]
    Library(#[from] LibraryError),
    /// The model failed.
    #[error(transparent)]
    Embed(#[from] EmbedError),
    /// Semantic search was asked for without a model.
    #[error(
        "semantic search needs the embedding model; fetch it once with `litradar model fetch` (word search works without it: --mode lexical)"
    )]
    NoModel,
    /// The paper has no vector yet.
    #[error("{0} has no embedding yet; run `litradar embed --pending`")]
    NotEmbedded(String),
}

/// The semantic side: a model and the library's vectors for it.
pub struct Semantic<'a> {
    /// The model, for query vectors.
    pub model: &'a Embedder,
    /// Every paper's vector.
    pub vectors: VectorIndex,
    /// The passages of papers with full text, when any are embedded.
    pub passages: Option<PassageIndex>,
}

impl<'a> Semantic<'a> {
    /// Loads the vectors of `model` (papers and passages) from the library.
    pub fn load(lib: &Library, model: &'a Embedder) -> Result<Semantic<'a>, LibraryError> {
        let v = lib.load_vectors(model.name())?;
        Ok(Semantic {
            model,
            vectors: VectorIndex::new(v.ids, v.data, v.dim),
            passages: PassageIndex::load(lib, model.name())?,
        })
    }
}

/// Searches one library.
pub struct Searcher<'a> {
    lib: &'a Library,
    text: &'a TextIndex,
    semantic: Option<&'a Semantic<'a>>,
}

impl<'a> Searcher<'a> {
    /// A searcher over the library, its full-text index and, when given, its vectors.
    pub fn new(
        lib: &'a Library,
        text: &'a TextIndex,
        semantic: Option<&'a Semantic<'a>>,
    ) -> Searcher<'a> {
        Searcher {
            lib,
            text,
            semantic,
        }
    }

    /// True when semantic search is available.
    pub fn has_semantic(&self) -> bool {
        self.semantic.is_some()
    }

    /// Searches titles, abstracts and the papers' own text. Hybrid
    /// without a model falls back to words.
    pub fn search(
        &self,
        query: &str,
        mode: Mode,
        filters: &Filters,
        limit: usize,
    ) -> Result<Vec<SearchHit>, SearchError> {
        self.search_in(query, mode, Within::All, filters, limit)
    }

    /// Searches where `within` says.
    pub fn search_in(
        &self,
        query: &str,
        mode: Mode,
        within: Within,
        filters: &Filters,
        limit: usize,
    ) -> Result<Vec<SearchHit>, SearchError> {
        let limit = limit.max(1);
        let mode = match (mode, self.semantic) {
            (Mode::Semantic, None) => return Err(SearchError::NoModel),
            (Mode::Hybrid, None) => Mode::Lexical,
            (m, _) => m,
        };
        let depth = if mode == Mode::Hybrid {
            FUSION_DEPTH.max(limit)
        } else {
            limit
        };
        // Words are ranked on another thread while this one embeds the query
        // and scans the vectors.
        let (lexical, semantic) = std::thread::scope(|scope| {
            let words = (mode != Mode::Semantic)
                .then(|| scope.spawn(|| self.text.search_in(query, within, filters, depth)));
            let meaning = match (self.semantic, mode) {
                (Some(s), Mode::Semantic | Mode::Hybrid) => s
                    .model
                    .embed_query(query)
                    .map_err(SearchError::from)
                    .and_then(|q| self.nearest_within(s, &q, depth, within, filters)),
                _ => Ok((Vec::new(), HashMap::new())),
            };
            let words = match words {
                Some(handle) => handle
                    .join()
                    .unwrap_or_else(|_| {
                        Err(IndexError::Query {
                            query: query.to_string(),
                            message: "the word search failed".into(),
                        })
                    })
                    .map_err(SearchError::from),
                None => Ok(Vec::new()),
            };
            (words, meaning)
        });
        let (lexical, (semantic, won_by_passage)) = (lexical?, semantic?);
        let hits = match mode {
            Mode::Lexical => lexical
                .iter()
                .enumerate()
                .map(|(r, h)| from_lexical(r, h))
                .collect(),
            Mode::Semantic => semantic
                .iter()
                .enumerate()
                .map(|(r, (id, cos))| SearchHit {
                    id: id.clone(),
                    score: f64::from(*cos),
                    lexical: None,
                    semantic: Some((r + 1, *cos)),
                    matched: Vec::new(),
                    snippet: String::new(),
                    highlights: Vec::new(),
                    passage: None,
                })
                .take(limit)
                .collect(),
            Mode::Hybrid => fuse(&lexical, &semantic, limit),
        };
        let hits = self.complete(hits, query, filters, limit)?;
        self.add_passages(hits, query, within, &won_by_passage)
    }

    /// The nearest papers by meaning where `within` says: by their own
    /// vectors, by their best passage, or by the better of the two; and
    /// for papers a passage ranked, which passage.
    fn nearest_within(
        &self,
        s: &Semantic<'_>,
        query: &[f32],
        k: usize,
        within: Within,
        filters: &Filters,
    ) -> Result<Nearest, SearchError> {
        let papers = if within == Within::Fulltext {
            Vec::new()
        } else {
            self.nearest(s, query, k, filters, None)?
        };
        let Some(passages) = s.passages.as_ref().filter(|_| within != Within::Abstracts) else {
            return Ok((papers, HashMap::new()));
        };
        let allowed = if filters.is_empty() {
            None
        } else {
            Some(self.text.filtered_ids(filters)?)
        };
        let keep = |id: &str| allowed.as_ref().is_none_or(|a| a.contains(id));
        // A paper has a few dozen passages, but the nearest passages mostly
        // belong to different papers: twice k finds k papers.
        let near = passages.nearest_papers(query, k * 2, &keep);
        let merged = passages::merge(&papers, &near, k);
        let won: HashMap<String, u32> = merged
            .iter()
            .filter_map(|(id, _, seq)| seq.map(|s| (id.clone(), s)))
            .collect();
        Ok((merged.into_iter().map(|(id, c, _)| (id, c)).collect(), won))
    }

    /// Attaches the passage each hit matched in, when its best match came
    /// from the paper's own text: the passage (or caption) the query's
    /// words match best (BM25 over the indexed passages), when it holds
    /// more of them than the title and abstract; else the passage that
    /// ranked it by meaning.
    fn add_passages(
        &self,
        mut hits: Vec<SearchHit>,
        query: &str,
        within: Within,
        won_by_passage: &HashMap<String, u32>,
    ) -> Result<Vec<SearchHit>, SearchError> {
        if within == Within::Abstracts {
            return Ok(hits);
        }
        let terms = if query.trim().is_empty() {
            Vec::new()
        } else {
            self.text.terms_of(query)?
        };
        // The body can only have matched better when the title and
        // abstract lack some of the query's words.
        let by_words: Vec<&str> = hits
            .iter()
            .filter(|h| {
                h.lexical.is_some()
                    && !terms.is_empty()
                    && (h.matched.len() < terms.len() || within == Within::Fulltext)
            })
            .map(|h| h.id.as_str())
            .collect();
        let mut best = self.text.best_passages(query, &by_words)?;
        for hit in &mut hits {
            if let Some(p) = best.remove(&hit.id) {
                if let Some((_, distinct, highlights)) =
                    self.text.best_text_for(&terms, &[p.text.as_str()])?
                {
                    if distinct > hit.matched.len() || within == Within::Fulltext {
                        // The words found there join those of the abstract.
                        for (a, b) in &highlights {
                            let word = p.text[*a..*b].to_lowercase();
                            if !hit.matched.contains(&word) {
                                hit.matched.push(word);
                            }
                        }
                        hit.passage = Some(PassageHit {
                            section: p.section,
                            text: p.text,
                            highlights,
                        });
                        continue;
                    }
                }
            }
            if let Some(seq) = won_by_passage.get(&hit.id) {
                if let Some(p) = self.text.passage(&hit.id, *seq)? {
                    hit.passage = Some(PassageHit {
                        section: p.section,
                        text: p.text,
                        highlights: Vec::new(),
                    });
                }
            }
        }
        Ok(hits)
    }

    /// Papers nearest to a paper by meaning (the paper itself left out).
    pub fn related(&self, paper_id: &str, limit: usize) -> Result<Vec<SearchHit>, SearchError> {
        let Some(s) = self.semantic else {
            return Err(SearchError::NoModel);
        };
        let Some(v) = s.vectors.vector_of(paper_id) else {
            return Err(SearchError::NotEmbedded(paper_id.to_string()));
        };
        let near = self.nearest(s, v, limit.max(1), &Filters::default(), Some(paper_id))?;
        let hits = near
            .into_iter()
            .enumerate()
            .map(|(r, (id, cos))| SearchHit {
                id,
                score: f64::from(cos),
                lexical: None,
                semantic: Some((r + 1, cos)),
                matched: Vec::new(),
                snippet: String::new(),
                highlights: Vec::new(),
                passage: None,
            })
            .collect();
        self.complete(hits, "", &Filters::default(), limit)
    }

    fn nearest(
        &self,
        s: &Semantic<'_>,
        query: &[f32],
        k: usize,
        filters: &Filters,
        exclude: Option<&str>,
    ) -> Result<Vec<(String, f32)>, SearchError> {
        let allowed = if filters.is_empty() {
            None
        } else {
            Some(self.text.filtered_ids(filters)?)
        };
        let keep = |i: usize| {
            let id = s.vectors.id(i);
            exclude != Some(id) && allowed.as_ref().is_none_or(|a| a.contains(id))
        };
        Ok(s.vectors
            .top_k(query, k, &keep)
            .into_iter()
            .map(|(i, score)| (s.vectors.id(i).to_string(), score))
            .collect())
    }

    /// Fills in snippets and matched words for hits that came only from vectors.
    /// Fills in snippets and matched words: from the word index for hits it
    /// ranked, from the abstract for hits that came only from vectors.
    fn complete(
        &self,
        mut hits: Vec<SearchHit>,
        query: &str,
        filters: &Filters,
        limit: usize,
    ) -> Result<Vec<SearchHit>, SearchError> {
        hits.truncate(limit);
        let mut records = Vec::with_capacity(hits.len());
        for hit in &hits {
            records.push(self.lib.get(&hit.id)?);
        }
        let lexical: Vec<(&str, &str, &str)> = hits
            .iter()
            .zip(&records)
            .filter(|(h, _)| h.lexical.is_some())
            .filter_map(|(h, r)| {
                r.as_ref().map(|r| {
                    (
                        h.id.as_str(),
                        r.paper.title.as_str(),
                        r.paper.abstract_text.as_str(),
                    )
                })
            })
            .collect();
        let explained = if lexical.is_empty() {
            Vec::new()
        } else {
            self.text.explain(query, filters, &lexical)?
        };
        let words: Vec<String> = query
            .split(|c: char| !c.is_alphanumeric())
            .filter(|w| w.len() > 2)
            .map(str::to_lowercase)
            .collect();
        for (hit, record) in hits.iter_mut().zip(&records) {
            if let Some(e) = explained.iter().find(|e| e.id == hit.id) {
                hit.matched = e.matched.clone();
                hit.snippet = e.snippet.clone();
                hit.highlights = e.highlights.clone();
            } else if let Some(record) = record {
                let text =
                    format!("{} {}", record.paper.title, record.paper.abstract_text).to_lowercase();
                let present: std::collections::HashSet<&str> =
                    text.split(|c: char| !c.is_alphanumeric()).collect();
                hit.matched = words
                    .iter()
                    .filter(|w| present.contains(w.as_str()))
                    .cloned()
                    .collect();
                hit.matched.dedup();
                hit.snippet = lead(&record.paper.abstract_text, 240);
            }
        }
        Ok(hits)
    }
}

fn from_lexical(rank: usize, h: &LexicalHit) -> SearchHit {
    SearchHit {
        id: h.id.clone(),
        score: f64::from(h.score),
        lexical: Some((rank + 1, h.score)),
        semantic: None,
        matched: h.matched.clone(),
        snippet: h.snippet.clone(),
        highlights: h.highlights.clone(),
        passage: None,
    }
}

fn fuse(lexical: &[LexicalHit], semantic: &[(String, f32)], limit: usize) -> Vec<SearchHit> {
    let lex_scored: Vec<(String, f32)> = lexical.iter().map(|h| (h.id.clone(), h.score)).collect();
    let by_lex: HashMap<&str, (usize, &LexicalHit)> = lexical
        .iter()
        .enumerate()
        .map(|(r, h)| (h.id.as_str(), (r, h)))
        .collect();
    let by_sem: HashMap<&str, (usize, f32)> = semantic
        .iter()
        .enumerate()
        .map(|(r, (id, c))| (id.as_str(), (r, *c)))
        .collect();
    fusion::Fusion::DEFAULT
        .fuse(&lex_scored, semantic)
        .into_iter()
        .take(limit)
        .map(|(id, score)| {
            let lex = by_lex.get(id.as_str());
            let mut hit = match lex {
                Some((r, h)) => from_lexical(*r, h),
                None => SearchHit {
                    id: id.clone(),
                    score: 0.0,
                    lexical: None,
                    semantic: None,
                    matched: Vec::new(),
                    snippet: String::new(),
                    highlights: Vec::new(),
                    passage: None,
                },
            };
            hit.score = score;
            hit.semantic = by_sem.get(id.as_str()).map(|(r, c)| (r + 1, *c));
            hit
        })
        .collect()
}

/// The first `chars` characters of `text`, cut at a space, with "…".
pub(crate) fn lead(text: &str, chars: usize) -> String {
    match text.char_indices().nth(chars) {
        Some((i, _)) => {
            let cut = text[..i].rfind(' ').unwrap_or(i);
            format!("{}…", &text[..cut])
        }
        None => text.to_string(),
    }
}

#[cfg(test)]
mod tests;
