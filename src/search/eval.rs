//! Retrieval evaluation on BEIR-format data (corpus.jsonl, queries.jsonl,
//! qrels/SPLIT.tsv): the corpus goes into a throwaway library, every
//! judged query is searched in each mode, and nDCG@10 and Recall@100 are
//! averaged over the queries (the same definitions as BEIR's
//! pytrec_eval: linear gain, log2 discount).

use super::fusion::Fusion;
use super::{Filters, Mode, Searcher, Semantic, TextIndex};
use crate::embed::Embedder;
use crate::library::{Incoming, Library, Merge};
use crate::paper::Paper;
use crate::progress::Progress;
use serde::Deserialize;
use std::collections::HashMap;
use std::path::Path;

/// Prefix that turns a BEIR document id into a library id.
const ID_PREFIX: &str = "beir:";

/// A loaded dataset.
#[derive(Debug, Clone, Default)]
pub struct Dataset {
    /// (id, title, text).
    pub corpus: Vec<(String, String, String)>,
    /// (id, text) of the judged queries, in file order.
    pub queries: Vec<(String, String)>,
    /// Query id → document id → relevance.
    pub qrels: HashMap<String, HashMap<String, u32>>,
}

#[derive(Deserialize)]
struct Doc {
    #[serde(rename = "_id")]
    id: serde_json::Value,
    #[serde(default)]
    title: String,
    #[serde(default)]
    text: String,
}

fn id_text(v: &serde_json::Value) -> String {
    match v {
        serde_json::Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// A BEIR folder that does not read.
#[derive(Debug, thiserror::Error)]
pub enum EvalError {
    /// A file is missing or unreadable.
    #[error("{path}: {source}")]
    Read {
        /// The file.
        path: std::path::PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// A line that is not what the format says.
    #[error("{file} line {line}: {message}")]
    Line {
        /// The file, relative to the folder.
        file: String,
        /// 1-based.
        line: usize,
        /// What is wrong.
        message: String,
    },
    /// No query has a judgement in the split.
    #[error("no query in queries.jsonl has judgements in {0}")]
    NoJudgedQueries(String),
}

/// Reads a BEIR folder; errors name the file and line.
pub fn load(dir: &Path, split: &str) -> Result<Dataset, EvalError> {
    let read = |name: &str| {
        std::fs::read_to_string(dir.join(name)).map_err(|source| EvalError::Read {
            path: dir.join(name),
            source,
        })
    };
    let line_error = |file: &str, n: usize, message: String| EvalError::Line {
        file: file.to_string(),
        line: n + 1,
        message,
    };
    let qrels_name = format!("qrels/{split}.tsv");
    let mut qrels: HashMap<String, HashMap<String, u32>> = HashMap::new();
    for (n, line) in read(&qrels_name)?.lines().enumerate() {
        let cols: Vec<&str> = line.split('\t').collect();
        if n == 0 && cols.first().is_some_and(|c| c.starts_with("query")) {
            continue;
        }
        if line.trim().is_empty() {
            continue;
        }
        let [q, d, score] = cols.as_slice() else {
            return Err(line_error(
                &qrels_name,
                n,
                "expected query-id, corpus-id, score".into(),
            ));
        };
        let score: u32 = score
            .trim()
            .parse()
            .map_err(|_| line_error(&qrels_name, n, format!("score '{score}' is not a number")))?;
        qrels
            .entry(q.trim().to_string())
            .or_default()
            .insert(d.trim().to_string(), score);
    }
    let mut corpus = Vec::new();
    for (n, line) in read("corpus.jsonl")?.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        let doc: Doc =
            serde_json::from_str(line).map_err(|e| line_error("corpus.jsonl", n, e.to_string()))?;
        corpus.push((id_text(&doc.id), doc.title, doc.text));
    }
    let mut queries = Vec::new();
    for (n, line) in read("queries.jsonl")?.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        let q: Doc = serde_json::from_str(line)
            .map_err(|e| line_error("queries.jsonl", n, e.to_string()))?;
        let id = id_text(&q.id);
        if qrels.contains_key(&id) {
            queries.push((id, q.text));
        }
    }
    if queries.is_empty() {
        return Err(EvalError::NoJudgedQueries(qrels_name));
    }
    Ok(Dataset {
        corpus,
        queries,
        qrels,
    })
}

/// nDCG at `k` of a ranking (document ids, best first).
pub fn ndcg_at(ranking: &[String], rels: &HashMap<String, u32>, k: usize) -> f64 {
    let dcg: f64 = ranking
        .iter()
        .take(k)
        .enumerate()
        .map(|(i, d)| f64::from(rels.get(d).copied().unwrap_or(0)) / (i as f64 + 2.0).log2())
        .sum();
    let mut ideal: Vec<u32> = rels.values().copied().filter(|r| *r > 0).collect();
    ideal.sort_unstable_by(|a, b| b.cmp(a));
    let idcg: f64 = ideal
        .iter()
        .take(k)
        .enumerate()
        .map(|(i, r)| f64::from(*r) / (i as f64 + 2.0).log2())
        .sum();
    if idcg == 0.0 { 0.0 } else { dcg / idcg }
}

/// Share of the relevant documents found in the first `k`.
pub fn recall_at(ranking: &[String], rels: &HashMap<String, u32>, k: usize) -> f64 {
    let relevant = rels.values().filter(|r| **r > 0).count();
    if relevant == 0 {
        return 0.0;
    }
    let found = ranking
        .iter()
        .take(k)
        .filter(|d| rels.get(*d).is_some_and(|r| *r > 0))
        .count();
    found as f64 / relevant as f64
}

/// Averages for one mode.
#[derive(Debug, Clone, Copy, Default, PartialEq, serde::Serialize)]
pub struct Scores {
    /// Mean nDCG@10.
    #[serde(rename = "ndcg@10")]
    pub ndcg10: f64,
    /// Mean Recall@100.
    #[serde(rename = "recall@100")]
    pub recall100: f64,
}

/// What an evaluation measured.
#[derive(Debug, Clone, Default, serde::Serialize)]
pub struct Report {
    /// The split.
    pub split: String,
    /// Queries evaluated.
    pub queries: usize,
    /// Scores per mode ("lexical", "semantic", "hybrid").
    pub modes: std::collections::BTreeMap<String, Scores>,
}

/// The name of a mode in reports.
pub fn mode_name(mode: Mode) -> &'static str {
    match mode {
        Mode::Hybrid => "hybrid",
        Mode::Lexical => "lexical",
        Mode::Semantic => "semantic",
    }
}

/// The corpus stored, indexed and (when a model is given) embedded in
/// `workdir` (a throwaway home).
fn prepare<'m>(
    dataset: &Dataset,
    model: Option<&'m Embedder>,
    batch: usize,
    workdir: &Path,
    progress: &dyn Progress,
) -> Result<(Library, TextIndex, Option<Semantic<'m>>), super::SearchError> {
    let mut lib = Library::open(&workdir.join("library.sqlite3"))?;
    let items: Vec<Incoming> = dataset
        .corpus
        .iter()
        .map(|(id, title, text)| {
            Incoming::from(Paper {
                id: format!("{ID_PREFIX}{id}"),
                title: if title.trim().is_empty() {
                    id.clone()
                } else {
                    title.clone()
                },
                abstract_text: text.clone(),
                ..Paper::default()
            })
        })
        .collect();
    progress.message("storing the corpus");
    lib.upsert(&items, "beir", Merge::Refresh)?;
    progress.message("indexing words");
    let text = TextIndex::rebuild(&workdir.join("index"), &lib)?;
    let semantic = match model {
        Some(m) => {
            progress.message("embedding the corpus");
            crate::embed::pending::embed_pending(&mut lib, m, batch, progress).map_err(
                |e| match e {
                    crate::embed::pending::VectorError::Embed(e) => super::SearchError::Embed(e),
                    crate::embed::pending::VectorError::Library(e) => {
                        super::SearchError::Library(e)
                    }
                },
            )?;
            Some(Semantic::load(&lib, m)?)
        }
        None => None,
    };
    Ok((lib, text, semantic))
}

fn unprefixed(id: &str) -> String {
    id.strip_prefix(ID_PREFIX).unwrap_or(id).to_string()
}

/// Runs the benchmark in `workdir` (a throwaway home). Semantic and hybrid
/// modes need `model`.
pub fn run(
    dataset: &Dataset,
    split: &str,
    modes: &[Mode],
    model: Option<&Embedder>,
    batch: usize,
    workdir: &Path,
    progress: &dyn Progress,
) -> Result<Report, super::SearchError> {
    let model = model.filter(|_| modes.iter().any(|x| *x != Mode::Lexical));
    let (lib, text, semantic) = prepare(dataset, model, batch, workdir, progress)?;
    let searcher = Searcher::new(&lib, &text, semantic.as_ref());
    let mut report = Report {
        split: split.to_string(),
        queries: dataset.queries.len(),
        modes: Default::default(),
    };
    progress.message("searching");
    progress.total((dataset.queries.len() * modes.len()) as u64);
    for mode in modes {
        let mut sums = Scores::default();
        for (qid, query) in &dataset.queries {
            let hits = searcher.search(query, *mode, &Filters::default(), 100)?;
            let ranking: Vec<String> = hits.into_iter().map(|h| unprefixed(&h.id)).collect();
            let rels = &dataset.qrels[qid];
            sums.ndcg10 += ndcg_at(&ranking, rels, 10);
            sums.recall100 += recall_at(&ranking, rels, 100);
            progress.advance(1);
        }
        let n = dataset.queries.len().max(1) as f64;
        report.modes.insert(
            mode_name(*mode).to_string(),
            Scores {
                ndcg10: sums.ndcg10 / n,
                recall100: sums.recall100 / n,
            },
        );
    }
    Ok(report)
}

/// One fusion variant's figures.
#[derive(Debug, Clone, serde::Serialize)]
pub struct FusionScore {
    /// The variant ("rrf k=60 w=0.50").
    pub fusion: String,
    /// Its scores.
    pub scores: Scores,
    /// The one the hybrid search uses.
    pub default: bool,
}

/// Every fusion variant of [`Fusion::study`] on the same two rankings per
/// query (the words' and the meaning's top 100, with their scores), best
/// nDCG@10 first. The model is required.
pub fn fusion_study(
    dataset: &Dataset,
    model: &Embedder,
    batch: usize,
    workdir: &Path,
    progress: &dyn Progress,
) -> Result<Vec<FusionScore>, super::SearchError> {
    let (lib, text, semantic) = prepare(dataset, Some(model), batch, workdir, progress)?;
    let searcher = Searcher::new(&lib, &text, semantic.as_ref());
    progress.message("searching");
    progress.total(dataset.queries.len() as u64);
    let mut rankings = Vec::with_capacity(dataset.queries.len());
    for (qid, query) in &dataset.queries {
        let scored = |mode| -> Result<Vec<(String, f32)>, super::SearchError> {
            Ok(searcher
                .search(query, mode, &Filters::default(), 100)?
                .into_iter()
                .map(|h| (unprefixed(&h.id), h.score as f32))
                .collect())
        };
        rankings.push((qid, scored(Mode::Lexical)?, scored(Mode::Semantic)?));
        progress.advance(1);
    }
    let n = dataset.queries.len().max(1) as f64;
    let mut out: Vec<FusionScore> = Fusion::study()
        .into_iter()
        .map(|f| {
            let mut sums = Scores::default();
            for (qid, lexical, semantic) in &rankings {
                let ranking: Vec<String> = f
                    .fuse(lexical, semantic)
                    .into_iter()
                    .take(100)
                    .map(|(id, _)| id)
                    .collect();
                let rels = &dataset.qrels[*qid];
                sums.ndcg10 += ndcg_at(&ranking, rels, 10);
                sums.recall100 += recall_at(&ranking, rels, 100);
            }
            FusionScore {
                default: f == Fusion::DEFAULT,
                fusion: f.name(),
                scores: Scores {
                    ndcg10: sums.ndcg10 / n,
                    recall100: sums.recall100 / n,
                },
            }
        })
        .collect();
    out.sort_by(|a, b| b.scores.ndcg10.total_cmp(&a.scores.ndcg10));
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rels(pairs: &[(&str, u32)]) -> HashMap<String, u32> {
        pairs.iter().map(|(d, r)| (d.to_string(), *r)).collect()
    }

    fn ranking(ids: &[&str]) -> Vec<String> {
        ids.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn ndcg_matches_hand_computed_values() {
        let r = rels(&[("a", 1), ("b", 1)]);
        assert!((ndcg_at(&ranking(&["a", "b", "c"]), &r, 10) - 1.0).abs() < 1e-12);
        // Relevant at ranks 2 and 3: (1/log2 3 + 1/log2 4) / (1 + 1/log2 3).
        let want = (1.0 / 3f64.log2() + 0.5) / (1.0 + 1.0 / 3f64.log2());
        assert!((ndcg_at(&ranking(&["x", "a", "b"]), &r, 10) - want).abs() < 1e-12);
        assert_eq!(ndcg_at(&ranking(&["x", "y"]), &r, 10), 0.0);
        // Graded relevance: the better document first is ideal.
        let g = rels(&[("a", 2), ("b", 1)]);
        assert!(ndcg_at(&ranking(&["b", "a"]), &g, 10) < 1.0);
        // Only the first k count.
        assert_eq!(ndcg_at(&ranking(&["x", "a"]), &rels(&[("a", 1)]), 1), 0.0);
    }

    #[test]
    fn recall_counts_the_relevant_found() {
        let r = rels(&[("a", 1), ("b", 1), ("c", 0)]);
        assert_eq!(recall_at(&ranking(&["a", "c", "z"]), &r, 100), 0.5);
        assert_eq!(recall_at(&ranking(&["z", "a"]), &r, 1), 0.0);
        assert_eq!(recall_at(&ranking(&["a"]), &rels(&[]), 100), 0.0);
    }

    #[test]
    fn loads_a_beir_folder() {
        let dir = tempfile::tempdir().expect("dir");
        std::fs::create_dir(dir.path().join("qrels")).expect("qrels");
        std::fs::write(
            dir.path().join("corpus.jsonl"),
            "{\"_id\": \"1\", \"title\": \"t\", \"text\": \"x\"}\n{\"_id\": 2, \"title\": \"\", \"text\": \"y\"}\n",
        )
        .expect("corpus");
        std::fs::write(
            dir.path().join("queries.jsonl"),
            "{\"_id\": \"q1\", \"text\": \"x?\"}\n{\"_id\": \"q2\", \"text\": \"unjudged\"}\n",
        )
        .expect("queries");
        std::fs::write(
            dir.path().join("qrels/train.tsv"),
            "query-id\tcorpus-id\tscore\nq1\t1\t1\n",
        )
        .expect("qrels");
        let d = load(dir.path(), "train").expect("load");
        assert_eq!(d.corpus.len(), 2);
        assert_eq!(d.corpus[1].0, "2");
        assert_eq!(d.queries, vec![("q1".to_string(), "x?".to_string())]);
        let err = load(dir.path(), "test").expect_err("no split");
        assert!(
            matches!(&err, EvalError::Read { path, .. } if path.ends_with("qrels/test.tsv")),
            "{err}"
        );
        std::fs::write(dir.path().join("qrels/bad.tsv"), "q1\t1\n").expect("bad");
        let err = load(dir.path(), "bad").expect_err("bad");
        assert!(
            matches!(&err, EvalError::Line { file, line: 1, .. } if file == "qrels/bad.tsv"),
            "{err}"
        );
    }
}
