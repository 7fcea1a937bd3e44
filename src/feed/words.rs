//! A paper's words as the feed's learner sees them: tf-idf over the title
//! and abstract, words and two-word phrases, as arxiv-sanity ranks with.
//!
//! Terms are kept by hash (64-bit FNV-1a of the lowercased text; a
//! collision among a library's few million terms is unlikely and would
//! only merge two features), so building the features of 10,000 papers
//! allocates no string per term. Names are recovered from a paper's own
//! text when a reason is shown ([`Terms::named`]).

use std::collections::HashMap;

/// Terms of a single paper cannot generalise (sklearn's `min_df`). There
/// is no upper cut (arxiv-sanity drops terms in over a tenth of all of
/// arXiv): a reader's own library may be mostly their topic, and the cut
/// would drop its words; idf already weighs common terms down, and on
/// the simulated readers the cut changed precision by under 0.01.
const MIN_DOCS: u32 = 2;

/// Words that carry no topic. A plain English list (articles, pronouns,
/// auxiliaries, prepositions, conjunctions) plus the boilerplate of
/// abstracts ("paper", "propose", "results").
#[rustfmt::skip]
const STOP_WORDS: &[&str] = &[
    "a", "about", "above", "across", "after", "again", "against", "all", "almost", "alone",
    "along", "already", "also", "although", "always", "am", "among", "an", "and", "another", "any",
    "approach", "are", "around", "as", "at", "based", "be", "became", "because", "become", "been",
    "before", "being", "below", "between", "both", "but", "by", "can", "cannot", "could", "did",
    "do", "does", "doing", "done", "down", "due", "during", "each", "either", "else", "enough",
    "etc", "even", "ever", "every", "few", "for", "from", "further", "had", "has", "have",
    "having", "he", "hence", "her", "here", "hers", "herself", "him", "himself", "his", "how",
    "however", "i", "ie", "if", "in", "into", "is", "it", "its", "itself", "just", "less", "many",
    "may", "me", "method", "methods", "might", "more", "most", "much", "must", "my", "myself",
    "neither", "new", "no", "nor", "not", "novel", "now", "of", "off", "often", "on", "once",
    "one", "only", "onto", "or", "other", "others", "otherwise", "our", "ours", "ourselves", "out",
    "over", "own", "paper", "per", "perhaps", "present", "propose", "proposed", "rather",
    "results", "same", "several", "she", "should", "show", "since", "so", "some", "still", "such",
    "than", "that", "the", "their", "theirs", "them", "themselves", "then", "there", "thereby",
    "therefore", "these", "they", "this", "those", "though", "through", "thus", "to", "together",
    "too", "toward", "towards", "under", "until", "up", "upon", "us", "use", "used", "using",
    "very", "via", "was", "we", "well", "were", "what", "whatever", "when", "where", "whereas",
    "whether", "which", "while", "who", "whom", "whose", "why", "will", "with", "within",
    "without", "work", "would", "yet", "you", "your", "yours",
];

/// A word that carries no topic (lowercase).
pub fn is_stop_word(word: &str) -> bool {
    STOP_WORDS.binary_search(&word).is_ok()
}

/// The stop words by hash, for the tokenizer that never builds a string.
fn stop_hashes() -> &'static std::collections::HashSet<u64, Prehashed> {
    static SET: std::sync::OnceLock<std::collections::HashSet<u64, Prehashed>> =
        std::sync::OnceLock::new();
    SET.get_or_init(|| {
        STOP_WORDS
            .iter()
            .map(|w| fnv(w.as_bytes(), FNV_START))
            .collect()
    })
}

fn fnv(bytes: &[u8], mut hash: u64) -> u64 {
    for b in bytes {
        hash ^= u64::from(*b);
        hash = hash.wrapping_mul(0x0100_0000_01b3);
    }
    hash
}

const FNV_START: u64 = 0xcbf2_9ce4_8422_2325;

/// Keys that are hashes already need no hashing again.
#[derive(Debug, Clone, Copy, Default)]
pub struct Prehashed;

impl std::hash::BuildHasher for Prehashed {
    type Hasher = PrehashedHasher;
    fn build_hasher(&self) -> PrehashedHasher {
        PrehashedHasher(0)
    }
}

/// See [`Prehashed`].
#[derive(Debug, Clone, Copy, Default)]
pub struct PrehashedHasher(u64);

impl std::hash::Hasher for PrehashedHasher {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        self.0 = fnv(bytes, self.0 ^ FNV_START);
    }
    fn write_u64(&mut self, n: u64) {
        self.0 = n;
    }
}

/// A map keyed by term hash.
pub type TermMap<V> = HashMap<u64, V, Prehashed>;

/// Walks the words of a text, lowercased: runs of letters, digits and `_`
/// starting with a letter, at least two characters, stop words out. Calls
/// `each` with every word's hash and its byte range in `text`.
fn walk_words(text: &str, mut each: impl FnMut(u64, std::ops::Range<usize>)) {
    let stop = stop_hashes();
    let (mut hash, mut chars, mut start, mut letter_first) = (FNV_START, 0usize, 0usize, false);
    let mut buffer = [0u8; 4];
    let mut end_word =
        |hash: u64, chars: usize, letter_first: bool, range: std::ops::Range<usize>| {
            if chars >= 2 && letter_first && !stop.contains(&hash) {
                each(hash, range);
            }
        };
    for (at, c) in text.char_indices() {
        if c.is_alphanumeric() || c == '_' {
            if chars == 0 {
                start = at;
                letter_first = c.is_alphabetic();
            }
            chars += 1;
            if c.is_ascii() {
                hash = fnv(&[c.to_ascii_lowercase() as u8], hash);
            } else {
                for l in c.to_lowercase() {
                    hash = fnv(l.encode_utf8(&mut buffer).as_bytes(), hash);
                }
            }
        } else if chars > 0 {
            end_word(hash, chars, letter_first, start..at);
            (hash, chars) = (FNV_START, 0);
        }
    }
    if chars > 0 {
        end_word(hash, chars, letter_first, start..text.len());
    }
}

/// The words of a text, lowercased (see [`walk_words`]).
pub fn words(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    walk_words(text, |_, range| out.push(text[range].to_lowercase()));
    debug_assert!(out.iter().all(|w| !is_stop_word(w)));
    out
}

/// A text's terms: every word and every pair of neighbouring words (after
/// stop words are out), by hash, one per occurrence.
#[derive(Debug, Clone, Default)]
pub struct Terms {
    /// Term hashes, one per occurrence.
    pub hashes: Vec<u64>,
}

impl Terms {
    /// The terms of `text`.
    pub fn of(text: &str) -> Terms {
        let mut singles = Vec::new();
        walk_words(text, |h, _| singles.push(h));
        let mut hashes = Vec::with_capacity(singles.len() * 2);
        hashes.extend(&singles);
        hashes.extend(singles.windows(2).map(|p| pair_hash(p[0], p[1])));
        Terms { hashes }
    }
}

/// The names of `text`'s terms, by hash (words lowercased; pairs joined by
/// a space).
pub fn named(text: &str) -> TermMap<String> {
    let mut found: Vec<(u64, String)> = Vec::new();
    walk_words(text, |h, range| found.push((h, text[range].to_lowercase())));
    let mut out = TermMap::default();
    for (h, w) in &found {
        out.entry(*h).or_insert_with(|| w.clone());
    }
    for pair in found.windows(2) {
        out.entry(pair_hash(pair[0].0, pair[1].0))
            .or_insert_with(|| format!("{} {}", pair[0].1, pair[1].1));
    }
    out
}

/// A pair of words' hash, from theirs (order matters).
fn pair_hash(a: u64, b: u64) -> u64 {
    let mixed = (a.rotate_left(23) ^ b).wrapping_mul(0x9e37_79b9_7f4a_7c15);
    mixed ^ (mixed >> 29)
}

/// A sparse vector: column indices ascending, values beside them.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Sparse {
    /// Columns, ascending.
    pub columns: Vec<u32>,
    /// Values, one per column.
    pub values: Vec<f32>,
}

impl Sparse {
    /// Dot product with a dense vector.
    pub fn dot(&self, dense: &[f32]) -> f32 {
        self.columns
            .iter()
            .zip(&self.values)
            .map(|(c, v)| dense.get(*c as usize).copied().unwrap_or(0.0) * v)
            .sum()
    }

    /// Dot product of two sparse vectors.
    pub fn dot_sparse(&self, other: &Sparse) -> f32 {
        let (mut i, mut j, mut sum) = (0, 0, 0.0);
        while i < self.columns.len() && j < other.columns.len() {
            match self.columns[i].cmp(&other.columns[j]) {
                std::cmp::Ordering::Less => i += 1,
                std::cmp::Ordering::Greater => j += 1,
                std::cmp::Ordering::Equal => {
                    sum += self.values[i] * other.values[j];
                    i += 1;
                    j += 1;
                }
            }
        }
        sum
    }

    /// Squared L2 norm.
    pub fn norm2(&self) -> f32 {
        self.values.iter().map(|v| v * v).sum()
    }
}

/// The tf-idf vocabulary of a set of papers and every paper's vector.
#[derive(Debug, Clone, Default)]
pub struct TfIdf {
    /// Column of each kept term.
    pub columns: TermMap<u32>,
    /// Inverse document frequency per column.
    pub idf: Vec<f32>,
    /// Every paper's L2-normalised tf-idf vector, in input order.
    pub vectors: Vec<Sparse>,
}

impl TfIdf {
    /// Builds the vocabulary over `texts` (terms in at least two papers)
    /// and each text's vector: sublinear term frequency (1 + ln tf) times
    /// smoothed idf (ln((1 + n) / (1 + df)) + 1), normalised.
    pub fn build(texts: &[Terms]) -> TfIdf {
        use rayon::prelude::*;
        let n = texts.len();
        let counted: Vec<Vec<(u64, u32)>> = texts.par_iter().map(|t| counts(&t.hashes)).collect();
        let mut df: TermMap<u32> = TermMap::default();
        for doc in &counted {
            for (h, _) in doc {
                *df.entry(*h).or_default() += 1;
            }
        }
        let mut kept: Vec<(u64, u32)> = df.into_iter().filter(|(_, d)| *d >= MIN_DOCS).collect();
        // Columns in hash order: the same library gives the same columns.
        kept.sort_unstable();
        let columns: TermMap<u32> = kept
            .iter()
            .enumerate()
            .map(|(i, (h, _))| (*h, i as u32))
            .collect();
        let idf: Vec<f32> = kept
            .iter()
            .map(|(_, d)| (((1 + n) as f64 / (1 + *d) as f64).ln() + 1.0) as f32)
            .collect();
        let vectors = counted
            .par_iter()
            .map(|doc| vectorise(doc, &columns, &idf))
            .collect();
        TfIdf {
            columns,
            idf,
            vectors,
        }
    }

    /// Number of columns.
    pub fn width(&self) -> usize {
        self.idf.len()
    }
}

/// (term, count) pairs of one text.
fn counts(hashes: &[u64]) -> Vec<(u64, u32)> {
    let mut sorted = hashes.to_vec();
    sorted.sort_unstable();
    let mut out: Vec<(u64, u32)> = Vec::new();
    for h in sorted {
        match out.last_mut() {
            Some((last, c)) if *last == h => *c += 1,
            _ => out.push((h, 1)),
        }
    }
    out
}

fn vectorise(doc: &[(u64, u32)], columns: &TermMap<u32>, idf: &[f32]) -> Sparse {
    let mut entries: Vec<(u32, f32)> = doc
        .iter()
        .filter_map(|(h, tf)| {
            columns
                .get(h)
                .map(|c| (*c, (1.0 + (*tf as f32).ln()) * idf[*c as usize]))
        })
        .collect();
    entries.sort_unstable_by_key(|(c, _)| *c);
    let norm = entries.iter().map(|(_, v)| v * v).sum::<f32>().sqrt();
    let scale = if norm > 0.0 { 1.0 / norm } else { 0.0 };
    Sparse {
        columns: entries.iter().map(|(c, _)| *c).collect(),
        values: entries.iter().map(|(_, v)| v * scale).collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_stop_word_list_is_sorted_for_binary_search() {
        assert!(
            STOP_WORDS.windows(2).all(|w| w[0] < w[1]),
            "sorted, no duplicates"
        );
    }

    #[test]
    fn words_are_lowercased_and_stop_words_numbers_and_single_letters_dropped() {
        assert_eq!(
            words("We propose LoRA: a low-rank adaptation of GPT-3 (175B) in 2 steps x"),
            vec!["lora", "low", "rank", "adaptation", "gpt", "steps"]
        );
        assert_eq!(words(""), Vec::<String>::new());
        assert_eq!(
            words("Über-Modelle für Straßen"),
            vec!["über", "modelle", "für", "straßen"]
        );
    }

    #[test]
    fn terms_are_words_and_neighbouring_pairs_with_their_names() {
        let text = "Graph neural networks for graph drawing";
        let t = Terms::of(text);
        // graph, neural, networks, graph, drawing + 4 pairs
        assert_eq!(t.hashes.len(), 9);
        let names = named(text);
        assert!(t.hashes.iter().all(|h| names.contains_key(h)));
        let mut all: Vec<&str> = names.values().map(String::as_str).collect();
        all.sort_unstable();
        assert_eq!(
            all,
            vec![
                "drawing",
                "graph",
                "graph drawing",
                "graph neural",
                "networks",
                "networks graph",
                "neural",
                "neural networks"
            ]
        );
    }

    #[test]
    fn tf_idf_keeps_shared_terms_weighs_rare_ones_and_normalises() {
        let texts: Vec<Terms> = [
            "graph drawing layouts",
            "graph drawing of trees",
            "speech recognition models",
            "speech recognition and graph",
        ]
        .iter()
        .map(|t| Terms::of(t))
        .collect();
        let tfidf = TfIdf::build(&texts);
        // In two or more texts: graph, drawing, graph drawing, speech,
        // recognition, speech recognition.
        assert_eq!(tfidf.width(), 6);
        for v in &tfidf.vectors {
            assert!((v.norm2() - 1.0).abs() < 1e-5);
        }
        let layouts = &tfidf.vectors[0];
        assert_eq!(
            layouts.columns.len(),
            3,
            "layouts is in one text only: not a column"
        );
        // "graph" is in three texts, "drawing" in two: drawing weighs more.
        let col = |w: &str| tfidf.columns[&fnv(w.as_bytes(), FNV_START)];
        let value =
            |v: &Sparse, c: u32| v.values[v.columns.iter().position(|x| *x == c).expect("column")];
        assert!(value(layouts, col("drawing")) > value(layouts, col("graph")));
        assert!(tfidf.vectors[0].dot_sparse(&tfidf.vectors[1]) > 0.9);
        assert!(tfidf.vectors[0].dot_sparse(&tfidf.vectors[2]) == 0.0);
    }

    #[test]
    fn an_empty_library_has_no_columns() {
        let tfidf = TfIdf::build(&[]);
        assert_eq!(tfidf.width(), 0);
        let one = TfIdf::build(&[Terms::of("")]);
        assert_eq!(one.vectors[0], Sparse::default());
    }
}
