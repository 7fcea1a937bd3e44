//! The full-text index (tantivy, BM25): derived from SQLite, kept in the
//! home, and caught up from the library's change log before each search.
//! The commit payload records the schema and the last change applied, so a
//! crash between index and log never loses a change; a missing, corrupt or
//! outdated index is rebuilt from the library, never trusted.

use super::documents::{self, IndexDoc};
use super::{Filters, Within};
use crate::library::{Library, LibraryError};
use std::collections::{HashMap, HashSet};
use std::ops::Bound;
use std::path::{Path, PathBuf};
use tantivy::collector::{DocSetCollector, TopDocs};
use tantivy::query::{AllQuery, BooleanQuery, Occur, Query, QueryParser, RangeQuery, TermQuery};
use tantivy::schema::{
    FAST, Field, INDEXED, IndexRecordOption, STORED, STRING, Schema, TEXT, TantivyDocument,
    TextFieldIndexing, TextOptions, Value,
};
use tantivy::snippet::SnippetGenerator;
use tantivy::{Index, IndexReader, IndexWriter, Term};

mod build;
mod explain;

use build::{commit, payload, pending_changes, prune_changes, rebuild, to_documents};
use explain::Explainer;

/// Bump when the schema changes: older indexes are rebuilt.
const SCHEMA_VERSION: u32 = 7;
/// The analyzer for prose: words, lowercased, English stop words dropped,
/// English stems.
const PROSE_ANALYZER: &str = "litradar_en";
/// Writer memory budget.
const WRITER_MEMORY: usize = 50_000_000;

/// Why the index could not be used.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum IndexError {
    /// tantivy failed.
    #[error("full-text index: {0}")]
    Tantivy(#[from] tantivy::TantivyError),
    /// The library failed.
    #[error(transparent)]
    Library(#[from] LibraryError),
    /// The query does not parse.
    #[error(
        "cannot read the query '{query}': {message} (tantivy query syntax: words, \"phrases\", field:word, +must, -not, AND/OR)"
    )]
    Query {
        /// The query.
        query: String,
        /// What tantivy said.
        message: String,
    },
    /// Files could not be removed or created.
    #[error("full-text index at {0}: {1}")]
    Io(PathBuf, std::io::Error),
}

#[derive(Clone, Copy)]
struct Fields {
    id: Field,
    title: Field,
    abstract_text: Field,
    authors: Field,
    categories: Field,
    archives: Field,
    tags: Field,
    tag_exact: Field,
    notes: Field,
    /// Title, abstract and notes as one field: what the word side ranks on
    /// (BM25 over one field is what reaches Anserini's "flat" figure on
    /// SciFact; summing per-field scores ranks worse). The separate fields
    /// stay for `title:`-style queries, filters and snippets.
    flat: Field,
    body: Field,
    year: Field,
    reading: Field,
    /// "paper" or "passage": a paper's own text is also indexed passage by passage.
    kind: Field,
    /// A passage's key, "ID#SEQ".
    passage_key: Field,
    /// A passage's number.
    seq: Field,
    /// A passage's section ("4 Method", "Figure 3").
    section: Field,
    /// A passage's text (stored, to show it).
    passage: Field,
}

/// Prose is stemmed (English), so "adaptation" finds "adapting"; names
/// and tags are only lowercased.
fn schema() -> (Schema, Fields) {
    let stemmed = TextOptions::default().set_indexing_options(
        TextFieldIndexing::default()
            .set_tokenizer(PROSE_ANALYZER)
            .set_index_option(IndexRecordOption::WithFreqsAndPositions),
    );
    let mut b = Schema::builder();
    let fields = Fields {
        id: b.add_text_field("id", STRING | STORED),
        title: b.add_text_field("title", stemmed.clone()),
        abstract_text: b.add_text_field("abstract", stemmed.clone()),
        authors: b.add_text_field("authors", TEXT),
        categories: b.add_text_field("categories", STRING),
        archives: b.add_text_field("archive", STRING),
        tags: b.add_text_field("tags", TEXT),
        tag_exact: b.add_text_field("tag", STRING),
        notes: b.add_text_field("notes", stemmed.clone()),
        flat: b.add_text_field("flat", stemmed.clone()),
        body: b.add_text_field("body", stemmed.clone()),
        year: b.add_u64_field("year", INDEXED | FAST),
        reading: b.add_text_field("reading", STRING),
        kind: b.add_text_field("kind", STRING),
        passage_key: b.add_text_field("passage_key", STRING),
        seq: b.add_u64_field("seq", STORED),
        section: b.add_text_field("section", STORED),
        passage: b.add_text_field("passage", stemmed.set_stored()),
    };
    (b.build(), fields)
}

/// Byte ranges in a text.
pub type Ranges = Vec<(usize, usize)>;

/// A passage as the word index keeps it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IndexedPassage {
    /// Its number within the paper.
    pub seq: u32,
    /// "4 Method" or "Figure 3".
    pub section: String,
    /// The text.
    pub text: String,
}

/// The best-matching text: its index, its distinct query terms, the ranges
/// of its matches.
pub type BestText = (usize, usize, Ranges);

/// One lexical hit.
#[derive(Debug, Clone, PartialEq)]
pub struct LexicalHit {
    /// Paper id.
    pub id: String,
    /// BM25 score.
    pub score: f32,
    /// Query terms found in the paper.
    pub matched: Vec<String>,
    /// A piece of the abstract (or title) around the matches.
    pub snippet: String,
    /// Byte ranges of matches within `snippet`.
    pub highlights: Vec<(usize, usize)>,
}

/// An open full-text index.
pub struct TextIndex {
    index: Index,
    reader: IndexReader,
    fields: Fields,
    dir: PathBuf,
}

#[derive(serde::Serialize, serde::Deserialize)]
struct Payload {
    schema: u32,
    seq: i64,
}

impl TextIndex {
    /// Opens the index in `dir`, rebuilding it when it is missing, corrupt
    /// or from another schema, then applies the library's pending changes.
    /// Returns the index and whether it was rebuilt.
    pub fn open(dir: &Path, lib: &Library) -> Result<(TextIndex, bool), IndexError> {
        let (schema, fields) = schema();
        let opened = Index::open_in_dir(dir).ok().filter(|index| {
            register_analyzers(index);
            index.schema() == schema && payload(index).is_some_and(|p| p.schema == SCHEMA_VERSION)
        });
        let (index, rebuilt) = match opened {
            Some(index) => (index, false),
            None => (rebuild(dir, &schema, fields, lib)?, true),
        };
        let reader = index.reader()?;
        let mut this = TextIndex {
            index,
            reader,
            fields,
            dir: dir.to_path_buf(),
        };
        if !rebuilt {
            this.catch_up(lib)?;
        }
        Ok((this, rebuilt))
    }

    /// Throws the index away and builds it again from the library.
    pub fn rebuild(dir: &Path, lib: &Library) -> Result<TextIndex, IndexError> {
        let (schema, fields) = schema();
        let index = rebuild(dir, &schema, fields, lib)?;
        let reader = index.reader()?;
        Ok(TextIndex {
            index,
            reader,
            fields,
            dir: dir.to_path_buf(),
        })
    }

    /// Number of indexed papers.
    pub fn len(&self) -> u64 {
        let searcher = self.reader.searcher();
        searcher
            .search(&self.kind_is("paper"), &tantivy::collector::Count)
            .map_or(0, |n| n as u64)
    }

    fn kind_is(&self, kind: &str) -> TermQuery {
        TermQuery::new(
            Term::from_field_text(self.fields.kind, kind),
            IndexRecordOption::Basic,
        )
    }

    /// True when nothing is indexed.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The index folder.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// Applies changes the library logged since the last commit.
    pub fn catch_up(&mut self, lib: &Library) -> Result<usize, IndexError> {
        let last = payload(&self.index).map_or(0, |p| p.seq);
        let (ids, max_seq) = pending_changes(lib, last)?;
        if ids.is_empty() {
            return Ok(0);
        }
        let mut writer: IndexWriter = match self.index.writer_with_num_threads(1, WRITER_MEMORY) {
            Ok(w) => w,
            // Another process is writing; its commit will include these changes.
            Err(tantivy::TantivyError::LockFailure(..)) => return Ok(0),
            Err(e) => return Err(e.into()),
        };
        for id in &ids {
            writer.delete_term(Term::from_field_text(self.fields.id, id));
        }
        let docs = documents::load(lib, Some(&ids))?;
        for doc in &docs {
            for d in to_documents(doc, self.fields) {
                writer.add_document(d)?;
            }
        }
        commit(&mut writer, max_seq)?;
        self.reader.reload()?;
        prune_changes(lib, max_seq)?;
        Ok(ids.len())
    }

    /// BM25 search with tantivy's query syntax, restricted by `filters`:
    /// the best `limit` papers with their scores (see [`explain`](Self::explain)
    /// for why each matched).
    pub fn search(
        &self,
        query: &str,
        filters: &Filters,
        limit: usize,
    ) -> Result<Vec<LexicalHit>, IndexError> {
        self.search_in(query, Within::All, filters, limit)
    }

    /// Like [`search`](Self::search), with the words looked for in titles
    /// and abstracts, in the papers' own text (the `body` field), or both.
    pub fn search_in(
        &self,
        query: &str,
        within: Within,
        filters: &Filters,
        limit: usize,
    ) -> Result<Vec<LexicalHit>, IndexError> {
        let Some(full) = self.parse_in(query, within, filters)? else {
            return Ok(Vec::new());
        };
        let searcher = self.reader.searcher();
        let top = searcher.search(&full, &TopDocs::with_limit(limit.max(1)).order_by_score())?;
        let mut hits = Vec::with_capacity(top.len());
        for (score, address) in top {
            let doc: TantivyDocument = searcher.doc(address)?;
            hits.push(LexicalHit {
                id: text_of(&doc, self.fields.id),
                score,
                matched: Vec::new(),
                snippet: String::new(),
                highlights: Vec::new(),
            });
        }
        Ok(hits)
    }

    /// Why papers match `query`: the words of each (title, abstract) that
    /// the query's terms stand for, and a snippet of the abstract with them
    /// highlighted. The texts come from the library (the index keeps only ids).
    pub fn explain(
        &self,
        query: &str,
        filters: &Filters,
        papers: &[(&str, &str, &str)],
    ) -> Result<Vec<LexicalHit>, IndexError> {
        // Explained on the separate fields, so the abstract's snippet finds
        // the query's terms (ranking uses the combined field).
        let f = self.fields;
        let fields = vec![f.title, f.abstract_text, f.authors, f.tags, f.notes, f.body];
        let Some(full) = self.parse_fields(query, fields, filters)? else {
            return Ok(Vec::new());
        };
        let searcher = self.reader.searcher();
        let mut explainer = Explainer::new(self, &searcher, &*full)?;
        Ok(papers
            .iter()
            .map(|(id, title, abstract_text)| explainer.describe(id, title, abstract_text))
            .collect())
    }

    /// Which of `texts` the query's words match best: the index of the
    /// one with the most distinct query terms (then the most matches), how
    /// many distinct terms it has, and the byte ranges of the matches.
    /// `None` when no text matches a term.
    pub fn best_text(&self, query: &str, texts: &[&str]) -> Result<Option<BestText>, IndexError> {
        let terms = self.terms_of(query)?;
        self.best_text_for(&terms, texts)
    }

    /// The passage of each paper in `ids` that the query's words match best
    /// (BM25 over the papers' passages, captions included): (paper → the
    /// passage). Papers without a matching passage are absent.
    pub fn best_passages(
        &self,
        query: &str,
        ids: &[&str],
    ) -> Result<HashMap<String, IndexedPassage>, IndexError> {
        let mut out = HashMap::new();
        if ids.is_empty() {
            return Ok(out);
        }
        let f = self.fields;
        let parser = QueryParser::for_index(&self.index, vec![f.passage]);
        let parsed = match parser.parse_query(query) {
            Ok(q) => q,
            Err(_) => {
                let plain = plain_words(query);
                if plain.trim().is_empty() {
                    return Ok(out);
                }
                match parser.parse_query(&plain) {
                    Ok(q) => q,
                    Err(_) => return Ok(out),
                }
            }
        };
        let papers: Vec<(Occur, Box<dyn Query>)> = ids
            .iter()
            .map(|id| {
                let q: Box<dyn Query> = Box::new(TermQuery::new(
                    Term::from_field_text(f.id, id),
                    IndexRecordOption::Basic,
                ));
                (Occur::Should, q)
            })
            .collect();
        let full = BooleanQuery::new(vec![
            (Occur::Must, parsed),
            (Occur::Must, Box::new(self.kind_is("passage"))),
            (Occur::Must, Box::new(BooleanQuery::new(papers))),
        ]);
        let searcher = self.reader.searcher();
        let top = searcher.search(&full, &TopDocs::with_limit(ids.len() * 20).order_by_score())?;
        for (_, address) in top {
            let doc: TantivyDocument = searcher.doc(address)?;
            let id = text_of(&doc, f.id);
            if out.contains_key(&id) {
                continue;
            }
            out.insert(id, self.passage_of(&doc));
        }
        Ok(out)
    }

    /// One passage of a paper, by number, as indexed.
    pub fn passage(&self, id: &str, seq: u32) -> Result<Option<IndexedPassage>, IndexError> {
        let query = TermQuery::new(
            Term::from_field_text(self.fields.passage_key, &format!("{id}#{seq}")),
            IndexRecordOption::Basic,
        );
        let searcher = self.reader.searcher();
        let top = searcher.search(&query, &TopDocs::with_limit(1).order_by_score())?;
        match top.first() {
            Some((_, address)) => {
                let doc: TantivyDocument = searcher.doc(*address)?;
                Ok(Some(self.passage_of(&doc)))
            }
            None => Ok(None),
        }
    }

    fn passage_of(&self, doc: &TantivyDocument) -> IndexedPassage {
        let f = self.fields;
        IndexedPassage {
            seq: doc.get_first(f.seq).and_then(|v| v.as_u64()).unwrap_or(0) as u32,
            section: text_of(doc, f.section),
            text: text_of(doc, f.passage),
        }
    }

    /// The analysed terms of a query's text (what [`best_text`](Self::best_text) looks for).
    pub fn terms_of(&self, query: &str) -> Result<Vec<String>, IndexError> {
        Ok(match self.parse(query, &Filters::default())? {
            Some(parsed) => self.query_terms(&*parsed),
            None => Vec::new(),
        })
    }

    /// [`best_text`](Self::best_text) for terms already analysed.
    pub fn best_text_for(
        &self,
        terms: &[String],
        texts: &[&str],
    ) -> Result<Option<BestText>, IndexError> {
        if terms.is_empty() {
            return Ok(None);
        }
        let mut analyzer = self.index.tokenizer_for_field(self.fields.body)?;
        // (index, distinct terms, matches, ranges)
        let mut best: Option<(usize, usize, usize, Ranges)> = None;
        for (i, text) in texts.iter().enumerate() {
            let mut distinct: HashSet<&str> = HashSet::new();
            let mut ranges = Vec::new();
            let mut stream = analyzer.token_stream(text);
            while let Some(token) = stream.next() {
                if let Some(t) = terms.iter().find(|t| **t == token.text) {
                    distinct.insert(t.as_str());
                    ranges.push((token.offset_from, token.offset_to));
                }
            }
            if distinct.is_empty() {
                continue;
            }
            let better = best
                .as_ref()
                .is_none_or(|(_, d, n, _)| (distinct.len(), ranges.len()) > (*d, *n));
            if better {
                best = Some((i, distinct.len(), ranges.len(), ranges));
            }
        }
        Ok(best.map(|(i, d, _, r)| (i, d, r)))
    }

    /// The analysed terms of a query's text fields.
    fn query_terms(&self, query: &dyn Query) -> Vec<String> {
        let f = self.fields;
        let mut terms: Vec<String> = Vec::new();
        query.query_terms(&mut |term, _| {
            if let Some(text) = term.value().as_str() {
                if ![
                    f.categories,
                    f.archives,
                    f.tag_exact,
                    f.reading,
                    f.id,
                    f.kind,
                ]
                .contains(&term.field())
                    && !terms.iter().any(|t| t == text)
                {
                    terms.push(text.to_string());
                }
            }
        });
        terms
    }

    /// The query with filters; `None` when nothing searchable is left.
    fn parse(&self, query: &str, filters: &Filters) -> Result<Option<Box<dyn Query>>, IndexError> {
        self.parse_in(query, Within::All, filters)
    }

    fn parse_in(
        &self,
        query: &str,
        within: Within,
        filters: &Filters,
    ) -> Result<Option<Box<dyn Query>>, IndexError> {
        let f = self.fields;
        let fields = match within {
            Within::Abstracts => vec![f.flat, f.authors, f.tags],
            Within::Fulltext => vec![f.body],
            Within::All => vec![f.flat, f.authors, f.tags, f.body],
        };
        self.parse_fields(query, fields, filters)
    }

    /// The query over `fields` (those without a `field:` prefix), with filters.
    fn parse_fields(
        &self,
        query: &str,
        fields: Vec<Field>,
        filters: &Filters,
    ) -> Result<Option<Box<dyn Query>>, IndexError> {
        let parser = QueryParser::for_index(&self.index, fields);
        // Half-typed syntax (an open quote while typing) falls back to the
        // plain words, so search-as-you-type never errors.
        let parsed = match parser.parse_query(query) {
            Ok(q) => q,
            Err(e) => {
                let plain = plain_words(query);
                if plain.trim().is_empty() {
                    return Ok(None);
                }
                parser.parse_query(&plain).map_err(|_| IndexError::Query {
                    query: query.to_string(),
                    message: e.to_string(),
                })?
            }
        };
        Ok(Some(self.with_filters(parsed, filters)))
    }

    /// Ids of every paper the filters let through (for semantic search).
    pub fn filtered_ids(&self, filters: &Filters) -> Result<HashSet<String>, IndexError> {
        let query = self.with_filters(Box::new(AllQuery), filters);
        let searcher = self.reader.searcher();
        let addresses = searcher.search(&query, &DocSetCollector)?;
        let mut ids = HashSet::with_capacity(addresses.len());
        for address in addresses {
            let doc: TantivyDocument = searcher.doc(address)?;
            if let Some(id) = doc.get_first(self.fields.id).and_then(|v| v.as_str()) {
                ids.insert(id.to_string());
            }
        }
        Ok(ids)
    }

    fn with_filters(&self, query: Box<dyn Query>, filters: &Filters) -> Box<dyn Query> {
        let f = self.fields;
        let term = |field: Field, text: &str| -> Box<dyn Query> {
            Box::new(TermQuery::new(
                Term::from_field_text(field, text),
                IndexRecordOption::Basic,
            ))
        };
        // Passages are documents of their own; searches are of papers.
        let mut clauses: Vec<(Occur, Box<dyn Query>)> = vec![
            (Occur::Must, query),
            (Occur::Must, Box::new(self.kind_is("paper"))),
        ];
        if let Some(c) = &filters.category {
            let field = if c.contains('.') {
                f.categories
            } else {
                f.archives
            };
            clauses.push((Occur::Must, term(field, c)));
        }
        if let Some(t) = &filters.tag {
            clauses.push((Occur::Must, term(f.tag_exact, &t.trim().to_lowercase())));
        }
        if let Some(r) = &filters.reading {
            clauses.push((Occur::Must, term(f.reading, r)));
        }
        if filters.from_year.is_some() || filters.to_year.is_some() {
            let lower = filters.from_year.map_or(Bound::Unbounded, |y| {
                Bound::Included(Term::from_field_u64(f.year, y))
            });
            let upper = filters.to_year.map_or(Bound::Unbounded, |y| {
                Bound::Included(Term::from_field_u64(f.year, y))
            });
            clauses.push((Occur::Must, Box::new(RangeQuery::new(lower, upper))));
        }
        Box::new(BooleanQuery::new(clauses))
    }
}

/// Registers the prose analyzer (indexes do not store analyzers, so every
/// opened index needs it).
fn register_analyzers(index: &Index) {
    use tantivy::tokenizer::{
        Language, LowerCaser, RemoveLongFilter, SimpleTokenizer, Stemmer, StopWordFilter,
        TextAnalyzer,
    };
    let mut builder = TextAnalyzer::builder(SimpleTokenizer::default())
        .filter(RemoveLongFilter::limit(40))
        .filter(LowerCaser)
        .dynamic();
    if let Some(stop) = StopWordFilter::new(Language::English) {
        builder = builder.filter_dynamic(stop);
    }
    let analyzer = builder
        .filter_dynamic(Stemmer::new(Language::English))
        .build();
    index.tokenizers().register(PROSE_ANALYZER, analyzer);
}

fn text_of(doc: &TantivyDocument, field: Field) -> String {
    doc.get_first(field)
        .and_then(|v| v.as_str())
        .unwrap_or("")
        .to_string()
}

/// The query's words with every syntax character removed and the
/// operators lowercased, so any text parses as a plain bag of words.
pub fn plain_words(query: &str) -> String {
    let cleaned: String = query
        .chars()
        .map(|c| {
            if "+-&|!(){}[]^\"~*?:\\/'<>=".contains(c) {
                ' '
            } else {
                c
            }
        })
        .collect();
    cleaned
        .split_whitespace()
        .map(|w| {
            if matches!(w, "AND" | "OR" | "NOT" | "IN" | "TO") {
                w.to_lowercase()
            } else {
                w.to_string()
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}
