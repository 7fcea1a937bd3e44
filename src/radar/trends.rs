//! Trends from the library: how many papers mention each blip per month,
//! the words rising in recently added papers, and the moves those numbers
//! suggest. Suggestions are shown with their evidence, never applied.

use serde::Serialize;
use std::collections::{BTreeMap, HashMap, HashSet};

/// A paper as trends see it.
#[derive(Debug, Clone)]
pub struct TrendPaper {
    /// Id.
    pub id: String,
    /// Month of publication (`YYYY-MM`).
    pub month: Option<String>,
    /// Month it entered the library.
    pub added_month: Option<String>,
    /// Title and abstract.
    pub text: String,
}

/// Mentions of one blip.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct BlipTrend {
    /// The blip.
    pub blip: String,
    /// Papers mentioning it, per month of the window (oldest first).
    pub counts: Vec<(String, usize)>,
    /// Ids of the papers in the latest month.
    pub latest_papers: Vec<String>,
}

/// A move the numbers suggest.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Suggestion {
    /// The blip.
    pub blip: String,
    /// "consider moving in" or "consider moving out".
    pub action: String,
    /// The evidence, in words.
    pub evidence: String,
}

/// A word gaining ground.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Keyword {
    /// The word.
    pub word: String,
    /// Recent papers using it.
    pub recent: usize,
    /// Earlier papers using it.
    pub earlier: usize,
}

/// Trends over the last months.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Trends {
    /// The months covered, oldest first.
    pub months: Vec<String>,
    /// Per blip.
    pub blips: Vec<BlipTrend>,
    /// Words most frequent in the latest month's added papers relative to before.
    pub keywords: Vec<Keyword>,
    /// Suggested moves.
    pub suggestions: Vec<Suggestion>,
}

const STOPWORDS: &[&str] = &[
    "the",
    "of",
    "and",
    "a",
    "an",
    "to",
    "in",
    "for",
    "on",
    "with",
    "we",
    "is",
    "are",
    "that",
    "this",
    "by",
    "as",
    "our",
    "from",
    "be",
    "can",
    "which",
    "it",
    "its",
    "at",
    "or",
    "these",
    "such",
    "has",
    "have",
    "not",
    "show",
    "using",
    "based",
    "paper",
    "propose",
    "proposed",
    "method",
    "methods",
    "approach",
    "results",
    "also",
    "than",
    "their",
    "into",
    "more",
    "while",
    "both",
    "other",
    "new",
    "however",
    "existing",
    "through",
    "been",
    "may",
    "via",
    "but",
    "all",
    "across",
    "two",
    "over",
    "between",
    "each",
    "model",
    "models",
    "data",
    "performance",
];

fn words(text: &str) -> HashSet<String> {
    text.split(|c: char| !c.is_alphanumeric() && c != '-')
        .map(|w| w.trim_matches('-').to_lowercase())
        .filter(|w| {
            w.len() > 2
                && !STOPWORDS.contains(&w.as_str())
                && !w.chars().all(|c| c.is_ascii_digit())
        })
        .collect()
}

/// True when `text_lower` mentions `term` as whole words (any case in
/// `term`; `text_lower` is lowercased already). The review uses it too.
pub(crate) fn mentions(text_lower: &str, term: &str) -> bool {
    let term = term.trim().to_lowercase();
    if term.is_empty() {
        return false;
    }
    let mut from = 0;
    while let Some(pos) = text_lower[from..].find(&term) {
        let start = from + pos;
        let end = start + term.len();
        let before = text_lower[..start].chars().next_back();
        let after = text_lower[end..].chars().next();
        let boundary = |c: Option<char>| c.is_none_or(|c| !c.is_alphanumeric());
        if boundary(before) && boundary(after) {
            return true;
        }
        from = end;
    }
    false
}

/// Computes trends over `months` (oldest first) for blips given as
/// (name, aliases).
pub fn compute(
    papers: &[TrendPaper],
    blips: &[(String, Vec<String>)],
    months: &[String],
) -> Trends {
    let lowered: Vec<String> = papers.iter().map(|p| p.text.to_lowercase()).collect();
    let mut blip_rows = Vec::new();
    let mut suggestions = Vec::new();
    for (name, aliases) in blips {
        let terms: Vec<&str> = std::iter::once(name.as_str())
            .chain(aliases.iter().map(String::as_str))
            .collect();
        let mut per_month: BTreeMap<&str, Vec<&str>> =
            months.iter().map(|m| (m.as_str(), Vec::new())).collect();
        for (p, text) in papers.iter().zip(&lowered) {
            let Some(month) = p.month.as_deref() else {
                continue;
            };
            if let Some(list) = per_month.get_mut(month) {
                if terms.iter().any(|t| mentions(text, t)) {
                    list.push(p.id.as_str());
                }
            }
        }
        let counts: Vec<(String, usize)> = months
            .iter()
            .map(|m| (m.clone(), per_month[m.as_str()].len()))
            .collect();
        let latest_papers = months
            .last()
            .map(|m| {
                per_month[m.as_str()]
                    .iter()
                    .map(|s| s.to_string())
                    .collect()
            })
            .unwrap_or_default();
        if let Some(s) = suggest(name, &counts) {
            suggestions.push(s);
        }
        blip_rows.push(BlipTrend {
            blip: name.clone(),
            counts,
            latest_papers,
        });
    }
    Trends {
        months: months.to_vec(),
        blips: blip_rows,
        keywords: keywords(papers, months.last().map(String::as_str)),
        suggestions,
    }
}

/// A rising count (the latest two months each above everything before,
/// and at least 3 papers) suggests moving in; a count that fell to zero
/// after at least 3 papers a month suggests moving out.
fn suggest(blip: &str, counts: &[(String, usize)]) -> Option<Suggestion> {
    if counts.len() < 3 {
        return None;
    }
    let n = counts.len();
    let earlier_max = counts[..n - 2].iter().map(|c| c.1).max().unwrap_or(0);
    let (prev, last) = (counts[n - 2].1, counts[n - 1].1);
    let series: Vec<String> = counts.iter().map(|(m, c)| format!("{m}: {c}")).collect();
    if prev > earlier_max && last > prev && last >= 3 {
        return Some(Suggestion {
            blip: blip.to_string(),
            action: "consider moving in".into(),
            evidence: format!("papers mentioning it rose: {}", series.join(", ")),
        });
    }
    if earlier_max >= 3 && prev == 0 && last == 0 {
        return Some(Suggestion {
            blip: blip.to_string(),
            action: "consider moving out".into(),
            evidence: format!("no paper mentioned it lately: {}", series.join(", ")),
        });
    }
    None
}

/// The words of papers added in `latest` that were rare before, by how many
/// recent papers use them.
fn keywords(papers: &[TrendPaper], latest: Option<&str>) -> Vec<Keyword> {
    let Some(latest) = latest else {
        return Vec::new();
    };
    let mut recent: HashMap<String, usize> = HashMap::new();
    let mut earlier: HashMap<String, usize> = HashMap::new();
    let (mut n_recent, mut n_earlier) = (0usize, 0usize);
    for p in papers {
        let Some(added) = p.added_month.as_deref() else {
            continue;
        };
        let target = if added == latest {
            n_recent += 1;
            &mut recent
        } else if added < latest {
            n_earlier += 1;
            &mut earlier
        } else {
            continue;
        };
        for w in words(&p.text) {
            *target.entry(w).or_default() += 1;
        }
    }
    let mut out: Vec<Keyword> = recent
        .into_iter()
        .filter(|(_, c)| *c >= 2)
        .map(|(word, c)| Keyword {
            earlier: earlier.get(&word).copied().unwrap_or(0),
            word,
            recent: c,
        })
        // New: used by a larger share of recent papers than of earlier ones.
        .filter(|k| {
            n_earlier == 0
                || (k.recent as f64 / n_recent.max(1) as f64)
                    > 2.0 * (k.earlier as f64 / n_earlier as f64)
        })
        .collect();
    out.sort_by(|a, b| {
        b.recent
            .cmp(&a.recent)
            .then_with(|| a.earlier.cmp(&b.earlier))
            .then_with(|| a.word.cmp(&b.word))
    });
    out.truncate(15);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn paper(id: &str, month: &str, added: &str, text: &str) -> TrendPaper {
        TrendPaper {
            id: id.into(),
            month: Some(month.into()),
            added_month: Some(added.into()),
            text: text.into(),
        }
    }

    #[test]
    fn counts_mentions_by_name_and_alias_as_whole_words() {
        assert!(mentions("we extend lora to vision", "LoRA"));
        assert!(!mentions("explorative methods", "lora"));
        assert!(mentions("flashattention-2 is fast", "FlashAttention-2"));
        let months: Vec<String> = ["2026-08", "2026-09", "2026-10", "2026-11"]
            .map(String::from)
            .to_vec();
        let mut papers = vec![paper("a", "2026-08", "2026-08", "LoRA for speech")];
        for (i, m) in ["2026-10", "2026-11", "2026-11", "2026-11", "2026-11"]
            .iter()
            .enumerate()
        {
            papers.push(paper(
                &format!("p{i}"),
                m,
                m,
                "low-rank adapters beat full tuning",
            ));
        }
        papers.push(paper("q", "2026-10", "2026-10", "Quantized LoRA"));
        let blips = vec![("LoRA".to_string(), vec!["low-rank adapters".to_string()])];
        let t = compute(&papers, &blips, &months);
        let counts: Vec<usize> = t.blips[0].counts.iter().map(|c| c.1).collect();
        assert_eq!(counts, [1, 0, 2, 4]);
        assert_eq!(t.blips[0].latest_papers.len(), 4);
        assert_eq!(t.suggestions.len(), 1);
        assert_eq!(t.suggestions[0].action, "consider moving in");
        assert!(t.suggestions[0].evidence.contains("2026-11: 4"));
    }

    #[test]
    fn quiet_blips_suggest_moving_out_and_keywords_rise() {
        let months: Vec<String> = ["2026-08", "2026-09", "2026-10", "2026-11"]
            .map(String::from)
            .to_vec();
        let mut papers = Vec::new();
        for i in 0..3 {
            papers.push(paper(
                &format!("old{i}"),
                "2026-08",
                "2026-08",
                "RWKV recurrent networks",
            ));
        }
        papers.push(paper(
            "n1",
            "2026-11",
            "2026-11",
            "speculative decoding drafts tokens",
        ));
        papers.push(paper(
            "n2",
            "2026-11",
            "2026-11",
            "speculative decoding with trees",
        ));
        let t = compute(&papers, &[("RWKV".into(), vec![])], &months);
        assert_eq!(t.suggestions[0].action, "consider moving out");
        let words: Vec<&str> = t.keywords.iter().map(|k| k.word.as_str()).collect();
        assert!(
            words.contains(&"speculative") && words.contains(&"decoding"),
            "{words:?}"
        );
        assert!(!words.contains(&"recurrent"));
    }
}
