//! The monthly review's reasoning, on plain data: which new papers are
//! evidence for which blip, which terms are rising enough to be blips of
//! their own and where they would go. The store gathers the inputs
//! (`store/review.rs`), adds the moves the trends suggest, the stale blips
//! and the budget, and applies what the user accepts.

use super::trends::mentions;
use crate::feed::words::is_stop_word;
use serde::Serialize;
use std::collections::{BTreeMap, HashMap, HashSet};

/// A paper as the review reads it.
#[derive(Debug, Clone, Default)]
pub struct Paper {
    /// Its id.
    pub id: String,
    /// Title.
    pub title: String,
    /// Abstract.
    pub abstract_text: String,
    /// Month of publication (`YYYY-MM`): arXiv's date, else the id's.
    pub month: Option<String>,
    /// Added since the newest edition.
    pub new: bool,
    /// Its embedding, when the library has one.
    pub embedding: Option<Vec<f32>>,
}

/// A blip on the edition under review.
#[derive(Debug, Clone, Default)]
pub struct Blip {
    /// Name.
    pub name: String,
    /// Quadrant index.
    pub quadrant: usize,
    /// Its name and aliases.
    pub terms: Vec<String>,
    /// Ids of the papers linked to it.
    pub papers: Vec<String>,
}

/// A new paper that looks like evidence for a blip.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Evidence {
    /// The proposal's id (`evidence:BLIP:PAPER`).
    pub id: String,
    /// The blip.
    pub blip: String,
    /// The paper's id.
    pub paper: String,
    /// The paper's title.
    pub title: String,
    /// Why: the words it mentions, or the linked paper it is close to.
    pub why: String,
    /// Mentions rank first (1 + similarity), then similarity alone.
    #[serde(skip)]
    pub score: f32,
}

/// A term rising in the newest month's papers.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Rising {
    /// The term, lowercase.
    pub term: String,
    /// Papers of the month that use it (ids), most on-topic first.
    pub papers: Vec<String>,
    /// Share of the month's papers that use it.
    pub share: f64,
    /// Its share in the months before, on average.
    pub earlier_share: f64,
}

/// Cosine similarity (embeddings may or may not be normalised).
pub fn cosine(a: &[f32], b: &[f32]) -> f32 {
    let (mut ab, mut aa, mut bb) = (0.0f32, 0.0f32, 0.0f32);
    for (x, y) in a.iter().zip(b) {
        ab += x * y;
        aa += x * x;
        bb += y * y;
    }
    if aa == 0.0 || bb == 0.0 {
        0.0
    } else {
        ab / (aa.sqrt() * bb.sqrt())
    }
}

/// The linked paper nearest to embedding `e`, with its cosine.
fn nearest_to<'a>(e: &[f32], linked: &[&'a Paper]) -> Option<(f32, &'a Paper)> {
    linked
        .iter()
        .filter_map(|l| l.embedding.as_deref().map(|v| (cosine(e, v), *l)))
        .max_by(|a, b| a.0.total_cmp(&b.0))
}

/// Embedding similarity at which a new paper counts as evidence for a blip
/// on meaning alone. all-MiniLM-L6-v2 puts any two LLM abstracts near 0.5;
/// on the demo library with the 1,000-paper corpus, papers at 0.60–0.64
/// from a blip's papers were mostly neighbours (a planning paper for DSPy,
/// video token pruning for RetNet), those at 0.65 and above mostly on the
/// blip's own method.
pub const CLOSE: f32 = 0.65;

/// The most evidence proposals per blip, so one hot topic does not bury
/// the rest.
pub const EVIDENCE_PER_BLIP: usize = 5;

/// New papers that mention a blip (name or alias, whole words) or whose
/// embedding is within [`CLOSE`] of a paper already linked to it, best
/// first, at most [`EVIDENCE_PER_BLIP`] per blip.
pub fn evidence(blips: &[Blip], papers: &[Paper]) -> Vec<Evidence> {
    let by_id: HashMap<&str, &Paper> = papers.iter().map(|p| (p.id.as_str(), p)).collect();
    let linked_of = |blip: &Blip| -> Vec<&Paper> {
        blip.papers
            .iter()
            .filter_map(|id| by_id.get(id.as_str()).copied())
            .collect()
    };
    // Meaning alone is evidence only for the blip a paper is nearest to:
    // a paper on efficient attention is close to RetNet, RWKV and the
    // Transformer at once, and belongs to one.
    let linked: Vec<Vec<&Paper>> = blips.iter().map(linked_of).collect();
    let nearest_blip: HashMap<&str, usize> = papers
        .iter()
        .filter(|p| p.new)
        .filter_map(|p| {
            let e = p.embedding.as_deref()?;
            let best = linked
                .iter()
                .enumerate()
                .filter_map(|(b, l)| nearest_to(e, l).map(|(s, _)| (b, s)))
                .max_by(|a, b| a.1.total_cmp(&b.1))?;
            Some((p.id.as_str(), best.0))
        })
        .collect();
    let mut out = Vec::new();
    for (b, blip) in blips.iter().enumerate() {
        let linked = &linked[b];
        let mut found = Vec::new();
        for p in papers
            .iter()
            .filter(|p| p.new && !blip.papers.contains(&p.id))
        {
            let title = p.title.to_lowercase();
            let abstract_lower = p.abstract_text.to_lowercase();
            let said = blip.terms.iter().find_map(|t| {
                if mentions(&title, t) {
                    Some(format!("its title mentions \"{t}\""))
                } else if mentions(&abstract_lower, t) {
                    Some(format!("its abstract mentions \"{t}\""))
                } else {
                    None
                }
            });
            let nearest = p.embedding.as_deref().and_then(|e| nearest_to(e, linked));
            let close = nearest.filter(|(s, _)| *s >= CLOSE);
            let closest_here = nearest_blip.get(p.id.as_str()) == Some(&b);
            let (score, why) = match (said, close) {
                (Some(said), Some((s, l))) => (
                    1.0 + s,
                    format!("{said}, and it is close to {} ({s:.2})", l.id),
                ),
                (Some(said), None) => (1.0 + nearest.map_or(0.0, |n| n.0), said),
                (None, Some((s, l))) if closest_here => (
                    s,
                    format!(
                        "it is close to {} \"{}\" (cosine {s:.2})",
                        l.id,
                        crate::paper::fold_whitespace(&l.title)
                    ),
                ),
                (None, _) => continue,
            };
            found.push(Evidence {
                id: format!("evidence:{}:{}", blip.name, p.id),
                blip: blip.name.clone(),
                paper: p.id.clone(),
                title: crate::paper::fold_whitespace(&p.title),
                why,
                score,
            });
        }
        found.sort_by(|a, b| b.score.total_cmp(&a.score).then(a.paper.cmp(&b.paper)));
        found.truncate(EVIDENCE_PER_BLIP);
        out.extend(found);
    }
    out
}

/// Words of abstracts that say nothing about a topic beyond the stop
/// words: a term may not be one, start with one or end with one.
#[rustfmt::skip]
const GENERIC: &[&str] = &[
    "ability", "accuracy", "achieve", "achieves", "achieving", "address", "analysis",
    "available", "benchmark", "benchmarks", "best", "better", "challenge", "challenges",
    "complex", "comprehensive", "current", "dataset", "datasets", "demonstrate", "demonstrates",
    "different", "effective", "effectively", "efficiency", "efficient", "enable", "enables",
    "evaluate", "evaluation", "experiments", "extensive", "first", "framework", "furthermore",
    "future", "general", "given", "high", "improve", "improved", "improvement", "improvements",
    "improves", "including", "introduce", "introduces", "key", "large", "leverage", "leverages",
    "leveraging", "limited", "low", "make", "multiple", "need", "outperforms", "overall",
    "performance", "practical", "previous", "problem", "problems", "process", "provide",
    "provides", "publicly", "real", "recent", "release", "research", "result", "robust",
    "significant", "significantly", "single", "specific", "strong", "study", "superior", "task",
    "tasks", "three", "two", "various", "way", "wide",
];

/// Words that may start a term but not end one: "time series" is a
/// topic, "inference time" a measurement.
#[rustfmt::skip]
const GENERIC_ENDS: &[&str] = &[
    "approaches", "capabilities", "cost", "costs", "level", "manner", "paradigm", "quality",
    "scale", "scenarios", "setting", "settings", "space", "time", "times",
];

fn generic(word: &str) -> bool {
    GENERIC.binary_search(&word).is_ok() || is_stop_word(word)
}

fn generic_end(word: &str) -> bool {
    generic(word) || GENERIC_ENDS.binary_search(&word).is_ok()
}

/// Whether a single word reads as a name: an acronym or a word with an
/// inner capital (GRPO, LoRA, vLLM), a name with a number (Qwen3, R1), or
/// a capitalised word inside a sentence of prose (Mamba, Dafny). Plain
/// lowercase words ("paths", "evaluated") are too common to be blips alone.
fn name_like(original: &str, mid_sentence: bool) -> bool {
    let letters: Vec<char> = original.chars().filter(|c| c.is_alphabetic()).collect();
    let inner_capital = original.chars().skip(1).any(char::is_uppercase);
    let number = original.chars().any(|c| c.is_ascii_digit()) && !letters.is_empty();
    let capitalised = original.chars().next().is_some_and(char::is_uppercase);
    !letters.is_empty() && (inner_capital || number || (capitalised && mid_sentence))
}

/// The terms of a paper: two- and three-word phrases that hold no stop
/// word and neither start nor end with a generic word, and single words
/// that read as names (see [`name_like`]); each once, lowercase.
fn terms(title: &str, abstract_text: &str) -> HashSet<String> {
    let mut out = HashSet::new();
    for (text, prose) in [(title, false), (abstract_text, true)] {
        // Phrases never cross punctuation: split into runs first.
        for run in text.split(|c: char| !(c.is_alphanumeric() || c == '-' || c.is_whitespace())) {
            let original: Vec<&str> = run
                .split_whitespace()
                .map(|w| w.trim_matches('-'))
                .collect();
            let words: Vec<String> = original.iter().map(|w| w.to_lowercase()).collect();
            let useful = |i: usize| {
                let w = &words[i];
                w.chars().any(char::is_alphabetic)
                    && (w.chars().count() >= 3 || original[i].chars().all(|c| !c.is_lowercase()))
            };
            for (i, token) in original.iter().enumerate() {
                for n in 1..=3 {
                    let Some(phrase) = words.get(i..i + n) else {
                        break;
                    };
                    if phrase.iter().any(|w| is_stop_word(w) || w.is_empty()) {
                        break;
                    }
                    if generic(&phrase[0]) || generic_end(&phrase[n - 1]) || !(i..i + n).all(useful)
                    {
                        continue;
                    }
                    if n == 1 && !name_like(token, prose && i > 0) {
                        continue;
                    }
                    out.insert(phrase.join(" "));
                }
            }
        }
    }
    out
}

/// The most rising terms to propose.
pub const RISING: usize = 10;

/// Terms whose share of papers rose in `month` against the `earlier`
/// months (each month's share on its own count, so a month with more papers
/// weighs no more), skipping those a blip already covers (`known`: names and
/// aliases). A term needs 3 papers in the month and twice its earlier
/// share; a term inside a longer rising one with nearly its papers gives
/// way to the longer, and of two phrases with the same last word and half
/// their papers in common only the stronger is kept.
pub fn rising(papers: &[Paper], month: &str, earlier: &[String], known: &[String]) -> Vec<Rising> {
    let mut per_month: BTreeMap<&str, (usize, HashMap<String, Vec<usize>>)> = BTreeMap::new();
    for (i, p) in papers.iter().enumerate() {
        let Some(m) = p.month.as_deref() else {
            continue;
        };
        if m != month && !earlier.iter().any(|e| e == m) {
            continue;
        }
        let slot = per_month.entry(m).or_default();
        slot.0 += 1;
        for t in terms(&p.title, &p.abstract_text) {
            slot.1.entry(t).or_default().push(i);
        }
    }
    let Some((n_month, month_terms)) = per_month.get(month) else {
        return Vec::new();
    };
    let earlier_counts: Vec<&(usize, HashMap<String, Vec<usize>>)> = earlier
        .iter()
        .filter_map(|m| per_month.get(m.as_str()))
        .filter(|(n, _)| *n > 0)
        .collect();
    let known: Vec<String> = known.iter().map(|k| k.to_lowercase()).collect();
    let mut found: Vec<(f64, Rising, Vec<usize>)> = Vec::new();
    for (term, who) in month_terms {
        if who.len() < 3 {
            continue;
        }
        if known.iter().any(|k| mentions(term, k) || mentions(k, term)) {
            continue;
        }
        let share = who.len() as f64 / *n_month as f64;
        let earlier_share = if earlier_counts.is_empty() {
            0.0
        } else {
            earlier_counts
                .iter()
                .map(|(n, t)| t.get(term).map_or(0, Vec::len) as f64 / *n as f64)
                .sum::<f64>()
                / earlier_counts.len() as f64
        };
        if share < 2.0 * earlier_share {
            continue;
        }
        // Many papers, and a large rise: papers times the log of the ratio
        // (with a floor of half a paper's share where it was never seen).
        let floor = 0.5 / *n_month as f64;
        let score = who.len() as f64 * (share / earlier_share.max(floor)).ln();
        found.push((
            score,
            Rising {
                term: term.clone(),
                papers: who.iter().map(|&i| papers[i].id.clone()).collect(),
                share,
                earlier_share,
            },
            who.clone(),
        ));
    }
    found.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.term.cmp(&b.1.term)));
    // A term inside a longer candidate that has nearly its papers gives
    // way to the longer ("speculative" to "speculative decoding").
    let absorbed = |r: &Rising, who: &[usize]| {
        found.iter().any(|(_, other, ow)| {
            other.term.len() > r.term.len()
                && mentions(&other.term, &r.term)
                && ow.len() as f64 >= 0.7 * who.len() as f64
        })
    };
    // Two phrases on one thing ("llm agents", "ai agents"): the same last
    // word and half the weaker one's papers shared; the stronger stays.
    let mut kept: Vec<(Rising, &[usize])> = Vec::new();
    for (_, r, who) in found.iter().filter(|(_, r, who)| !absorbed(r, who)) {
        let same_thing = kept.iter().any(|(k, kw)| {
            let shared = who.iter().filter(|i| kw.contains(i)).count();
            k.term.contains(' ')
                && r.term.contains(' ')
                && k.term.rsplit(' ').next() == r.term.rsplit(' ').next()
                && 2 * shared >= who.len()
        });
        if !same_thing {
            kept.push((r.clone(), who));
        }
        if kept.len() == RISING {
            break;
        }
    }
    kept.into_iter().map(|(r, _)| r).collect()
}

/// The quadrant whose blips' papers are nearest to `papers` (ids): by
/// embedding centroid where both sides have embeddings, else by shared
/// words. Answers the quadrant index and how it was judged.
pub fn nearest_quadrant(
    ids: &[String],
    blips: &[Blip],
    papers: &[Paper],
) -> Option<(usize, String)> {
    let by_id: HashMap<&str, &Paper> = papers.iter().map(|p| (p.id.as_str(), p)).collect();
    let mine: Vec<&Paper> = ids
        .iter()
        .filter_map(|i| by_id.get(i.as_str()).copied())
        .collect();
    let mut quadrant_papers: BTreeMap<usize, Vec<&Paper>> = BTreeMap::new();
    for b in blips {
        for id in &b.papers {
            if let Some(p) = by_id.get(id.as_str()) {
                quadrant_papers.entry(b.quadrant).or_default().push(p);
            }
        }
    }
    let centroid = |ps: &[&Paper]| -> Option<Vec<f32>> {
        let vs: Vec<&Vec<f32>> = ps.iter().filter_map(|p| p.embedding.as_ref()).collect();
        let first = vs.first()?;
        let mut c = vec![0.0f32; first.len()];
        for v in &vs {
            for (x, y) in c.iter_mut().zip(v.iter()) {
                *x += y;
            }
        }
        Some(c)
    };
    if let Some(mine_c) = centroid(&mine) {
        let best = quadrant_papers
            .iter()
            .filter_map(|(q, ps)| centroid(ps).map(|c| (*q, cosine(&mine_c, &c))))
            .max_by(|a, b| a.1.total_cmp(&b.1));
        if let Some((q, s)) = best {
            return Some((
                q,
                format!("its papers are nearest to that quadrant's (cosine {s:.2})"),
            ));
        }
    }
    let words_of = |ps: &[&Paper]| -> HashSet<String> {
        ps.iter()
            .flat_map(|p| crate::feed::words::words(&format!("{} {}", p.title, p.abstract_text)))
            .filter(|w| w.chars().count() >= 3 && !generic(w))
            .collect()
    };
    let mine_w = words_of(&mine);
    quadrant_papers
        .iter()
        .map(|(q, ps)| {
            let w = words_of(ps);
            let shared = mine_w.intersection(&w).count();
            (*q, shared as f64 / (mine_w.len() + w.len()).max(1) as f64)
        })
        .filter(|(_, s)| *s > 0.0)
        .max_by(|a, b| a.1.total_cmp(&b.1))
        .map(|(q, _)| {
            (
                q,
                "its papers share the most words with that quadrant's".to_string(),
            )
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn paper(id: &str, month: &str, text: &str) -> Paper {
        Paper {
            id: id.into(),
            title: text.into(),
            month: Some(month.into()),
            new: true,
            ..Paper::default()
        }
    }

    #[test]
    fn the_word_lists_are_sorted_for_binary_search() {
        assert!(GENERIC.windows(2).all(|w| w[0] < w[1]));
        assert!(GENERIC_ENDS.windows(2).all(|w| w[0] < w[1]));
    }

    #[test]
    fn terms_are_words_and_phrases_without_stop_or_generic_ends() {
        let t = terms(
            "Speculative decoding for large models, with draft trees",
            "We train Qwen3 with GRPO on a KV cache. Mamba and LoRA help; paths are evaluated.",
        );
        assert!(t.contains("speculative decoding"));
        assert!(t.contains("draft trees"));
        assert!(!t.contains("decoding for"), "no stop word inside");
        assert!(!t.contains("large"), "generic");
        assert!(!t.contains("models draft"), "phrases stop at punctuation");
        for name in ["qwen3", "grpo", "kv cache", "lora"] {
            assert!(t.contains(name), "{name}: {t:?}");
        }
        assert!(
            !t.contains("mamba"),
            "sentence-initial capitals are no sign of a name"
        );
        assert!(
            !t.contains("paths") && !t.contains("speculative"),
            "plain words alone are not terms"
        );
    }

    #[test]
    fn rising_terms_beat_steady_ones_and_longer_phrases_absorb_their_words() {
        let mut papers = Vec::new();
        for i in 0..10 {
            papers.push(paper(
                &format!("e{i}"),
                "2026-05",
                "Graph transformers for molecules",
            ));
        }
        for i in 0..10 {
            let text = if i < 4 {
                "Speculative decoding with draft trees for graph transformers"
            } else {
                "Graph transformers for molecules"
            };
            papers.push(paper(&format!("n{i}"), "2026-06", text));
        }
        let r = rising(&papers, "2026-06", &["2026-05".to_string()], &[]);
        let names: Vec<&str> = r.iter().map(|r| r.term.as_str()).collect();
        assert!(names.contains(&"speculative decoding"), "{names:?}");
        assert!(
            !names.contains(&"speculative"),
            "absorbed by the phrase: {names:?}"
        );
        assert!(
            !names.iter().any(|n| n.contains("graph")),
            "steady: {names:?}"
        );
        let sd = r
            .iter()
            .find(|r| r.term == "speculative decoding")
            .expect("term");
        assert_eq!(sd.papers.len(), 4);
        assert!((sd.share - 0.4).abs() < 1e-9 && sd.earlier_share == 0.0);
        // Two phrases on one thing: the stronger stays.
        let mut agents = papers.clone();
        for (i, text) in [
            "LLM agents plan with tools",
            "LLM agents and AI agents in the wild",
            "LLM agents that browse",
            "LLM agents and AI agents compared",
            "AI agents for science",
        ]
        .iter()
        .enumerate()
        {
            agents.push(paper(&format!("a{i}"), "2026-06", text));
        }
        let r = rising(&agents, "2026-06", &["2026-05".to_string()], &[]);
        let names: Vec<&str> = r.iter().map(|r| r.term.as_str()).collect();
        assert!(names.contains(&"llm agents"), "{names:?}");
        assert!(!names.contains(&"ai agents"), "the same thing: {names:?}");
        // A term a blip already names is not new.
        let known = rising(
            &papers,
            "2026-06",
            &["2026-05".to_string()],
            &["Speculative decoding".into()],
        );
        assert!(
            known.iter().all(|r| !r.term.contains("speculative")),
            "{known:?}"
        );
    }

    #[test]
    fn evidence_by_words_and_by_meaning() {
        let blips = vec![Blip {
            name: "LoRA".into(),
            quadrant: 1,
            terms: vec!["LoRA".into(), "low-rank adaptation".into()],
            papers: vec!["old".into()],
        }];
        let mut old = paper("old", "2021-06", "LoRA");
        old.new = false;
        old.embedding = Some(vec![1.0, 0.0]);
        let mut near = paper("near", "2026-06", "Adapters for fine-tuning");
        near.embedding = Some(vec![0.9, 0.2]);
        let mut far = paper("far", "2026-06", "Protein folding");
        far.embedding = Some(vec![0.0, 1.0]);
        let mut said = paper("said", "2026-06", "Quantised models");
        said.abstract_text = "We extend low-rank adaptation to ...".into();
        let words_only = paper("allora", "2026-06", "Allora is not LoRAX");
        let found = evidence(&blips, &[old, near, far, said, words_only]);
        let ids: Vec<&str> = found.iter().map(|e| e.paper.as_str()).collect();
        assert_eq!(ids, ["said", "near"], "{found:?}");
        assert!(
            found[0]
                .why
                .contains("abstract mentions \"low-rank adaptation\"")
        );
        assert!(found[1].why.contains("close to old"));
        assert_eq!(found[0].id, "evidence:LoRA:said");
    }

    #[test]
    fn the_nearest_quadrant_by_embedding_then_by_words() {
        let blips = vec![
            Blip {
                name: "A".into(),
                quadrant: 0,
                terms: vec![],
                papers: vec!["a".into()],
            },
            Blip {
                name: "B".into(),
                quadrant: 2,
                terms: vec![],
                papers: vec!["b".into()],
            },
        ];
        let mut a = paper("a", "2021-01", "Attention layers for sequence transduction");
        a.embedding = Some(vec![1.0, 0.0]);
        let mut b = paper("b", "2021-01", "Serving inference kernels quickly");
        b.embedding = Some(vec![0.0, 1.0]);
        let mut x = paper("x", "2026-06", "Faster inference kernels");
        x.embedding = Some(vec![0.1, 0.9]);
        let all = vec![a.clone(), b.clone(), x.clone()];
        assert_eq!(
            nearest_quadrant(&["x".into()], &blips, &all).map(|q| q.0),
            Some(2)
        );
        let plain: Vec<Paper> = all
            .into_iter()
            .map(|p| Paper {
                embedding: None,
                ..p
            })
            .collect();
        let (q, why) = nearest_quadrant(&["x".into()], &blips, &plain).expect("by words");
        assert_eq!(q, 2);
        assert!(why.contains("words"));
    }
}
