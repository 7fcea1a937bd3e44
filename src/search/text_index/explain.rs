//! Why a paper matched: the query's words found in it and a snippet of
//! its abstract with them highlighted.

use super::*;
use crate::search::lead;

/// Turns a hit into words matched and a snippet.
pub(super) struct Explainer {
    terms: Vec<String>,
    snippets: SnippetGenerator,
    analyzer: tantivy::tokenizer::TextAnalyzer,
}

impl Explainer {
    pub(super) fn new(
        index: &TextIndex,
        searcher: &tantivy::Searcher,
        query: &dyn Query,
    ) -> Result<Explainer, IndexError> {
        let f = index.fields;
        let terms = index.query_terms(query);
        let mut snippets = SnippetGenerator::create(searcher, query, f.abstract_text)?;
        snippets.set_max_num_chars(240);
        let analyzer = index.index.tokenizer_for_field(f.abstract_text)?;
        Ok(Explainer {
            terms,
            snippets,
            analyzer,
        })
    }

    pub(super) fn describe(&mut self, id: &str, title: &str, abstract_text: &str) -> LexicalHit {
        let matched = matched_words(
            &mut self.analyzer,
            &format!("{title} {abstract_text}"),
            &self.terms,
        );
        let snippet = self.snippets.snippet(abstract_text);
        let (snippet, highlights) = if snippet.fragment().is_empty() {
            (lead(abstract_text, 240), Vec::new())
        } else {
            (
                snippet.fragment().to_string(),
                snippet
                    .highlighted()
                    .iter()
                    .map(|r| (r.start, r.end))
                    .collect(),
            )
        };
        LexicalHit {
            id: id.to_string(),
            score: 0.0,
            matched,
            snippet,
            highlights,
        }
    }
}

/// The words of `text` (as written) whose analysed form is one of the
/// query's terms: "adaptation" for the stemmed term "adapt".
fn matched_words(
    analyzer: &mut tantivy::tokenizer::TextAnalyzer,
    text: &str,
    terms: &[String],
) -> Vec<String> {
    let mut found: Vec<String> = Vec::new();
    let mut seen_terms: HashSet<&str> = HashSet::new();
    let mut stream = analyzer.token_stream(text);
    while let Some(token) = stream.next() {
        if let Some(term) = terms.iter().find(|t| **t == token.text) {
            if seen_terms.insert(term.as_str()) {
                if let Some(word) = text.get(token.offset_from..token.offset_to) {
                    found.push(word.to_lowercase());
                }
            }
        }
    }
    found
}
