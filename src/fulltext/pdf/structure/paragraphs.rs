//! Lines into paragraphs: words split at a line end repaired with the
//! paper's own vocabulary, equations and reference lists told apart.

use super::*;

/// The paper's vocabulary, for repairing words split at line ends: every
/// word, but not the pieces of split words (a word before a line-end
/// hyphen, or the one starting the line after it).
pub(super) fn vocabulary(units: &[Unit]) -> HashSet<String> {
    let mut out = HashSet::new();
    for u in units {
        let mut after_hyphen = false;
        for line in &u.lines {
            for (i, w) in line.split_whitespace().enumerate() {
                if i == 0 && after_hyphen {
                    continue;
                }
                let w = w.trim_matches(|c: char| !c.is_alphanumeric() && c != '-');
                if w.len() > 2 && !w.ends_with('-') {
                    out.insert(w.to_lowercase());
                }
            }
            after_hyphen = line.trim_end().ends_with(['-', '‐']);
        }
    }
    out
}

/// Prefixes usually written with a hyphen ("self-attention"): a hyphen at
/// a line end after one of these is kept.
const HYPHEN_PREFIXES: &[&str] = &[
    "self", "non", "cross", "well", "high", "low", "long", "short", "large", "small", "fine",
    "real", "full", "semi", "multi", "state", "end", "zero", "few", "one", "two", "three", "data",
    "task", "domain", "human", "open", "closed", "out", "top", "co", "pre", "post", "re", "sub",
    "inter", "intra", "anti", "meta", "over", "under",
];

/// Word endings that are never a word of their own after a hyphen.
const SUFFIXES: &[&str] = &[
    "ing", "ings", "ed", "ent", "ents", "tion", "tions", "sion", "sions", "ment", "ments", "ness",
    "able", "ible", "ity", "ities", "ies", "ly", "er", "ers", "al", "ally", "ive", "ous", "ence",
    "ance", "ism", "ist", "ists", "ize", "ized", "izes", "ise", "ised", "ary", "ory", "ful",
    "less", "ure", "ures", "ate", "ated", "ates", "est", "ic", "ical", "ics", "age", "ages",
];

/// Joins `line` to `next` (the line after it), repairing a word split by
/// a hyphen at the line end.
pub(super) fn join_lines(text: &mut String, next: &str, vocab: &HashSet<String>) {
    let ends_hyphen = text.ends_with('-') || text.ends_with('‐');
    if !ends_hyphen {
        // A URL broken after a slash goes on without a space.
        let url_break = text.ends_with('/')
            && text
                .rsplit(char::is_whitespace)
                .next()
                .is_some_and(|w| w.contains("://") || w.starts_with("www."));
        if !text.is_empty() && !url_break {
            text.push(' ');
        }
        text.push_str(next);
        return;
    }
    let head_start = text.rfind(char::is_whitespace).map_or(0, |i| i + 1);
    let head = text[head_start..].trim_end_matches(['-', '‐']).to_string();
    let (tail, after) = match next.find(char::is_whitespace) {
        Some(i) => (&next[..i], &next[i..]),
        None => (next, ""),
    };
    let letters_before = head.chars().last().is_some_and(|c| c.is_alphabetic());
    let tail_word = tail.trim_end_matches(|c: char| !c.is_alphanumeric());
    let keep = if !letters_before
        || tail.is_empty()
        || tail.contains('-')
        || tail.chars().next().is_some_and(|c| c.is_uppercase())
    {
        true
    } else {
        let head_word: String = head
            .chars()
            .rev()
            .take_while(|c| c.is_alphanumeric())
            .collect::<Vec<_>>()
            .into_iter()
            .rev()
            .collect();
        let joined = format!("{head_word}{tail_word}").to_lowercase();
        let hyphened = format!("{head_word}-{tail_word}").to_lowercase();
        let head_lower = head_word.to_lowercase();
        let tail_lower = tail_word.to_lowercase();
        if vocab.contains(&joined) {
            false
        } else if vocab.contains(&hyphened) {
            true
        } else {
            // Two words of their own ("sequence-aligned", "self-attention")
            // keep the hyphen; pieces ("transduc-tion", "model-ing") are joined.
            !SUFFIXES.contains(&tail_lower.as_str())
                && ((HYPHEN_PREFIXES.contains(&head_lower.as_str()) && vocab.contains(&tail_lower))
                    || (head_lower.len() >= 4
                        && vocab.contains(&head_lower)
                        && tail_lower.chars().count() >= 4))
        }
    };
    text.truncate(head_start);
    text.push_str(&head);
    if keep {
        text.push('-');
    }
    text.push_str(tail);
    text.push_str(after);
}

pub(super) fn paragraph(lines: &[String], vocab: &HashSet<String>) -> String {
    let mut text = String::new();
    for line in lines {
        join_lines(&mut text, line.trim(), vocab);
    }
    fold(&text)
}

/// Words made of letters (two or more), the mark of prose.
pub(super) fn prose_words(text: &str) -> usize {
    text.split_whitespace()
        .filter(|w| {
            let letters = w.chars().filter(|c| c.is_alphabetic()).count();
            letters >= 2 && letters * 2 >= w.chars().count()
        })
        .count()
}

/// A display equation's line ("FFN(x) = max(0, xW1 + b1)W2 + b2 (2)").
pub(super) fn is_equation_line(u: &Unit) -> bool {
    let t = u.text();
    let t = t.trim();
    let numbered = t.ends_with(')')
        && t.rfind('(').is_some_and(|i| {
            t[i + 1..t.len() - 1]
                .trim()
                .chars()
                .all(|c| c.is_ascii_digit() || c == '.')
        });
    (u.lines.len() <= 3 && numbered && (t.contains('=') || t.len() <= 6))
        || (u.lines.len() == 1
            && t.contains('=')
            && prose_words(t) * 3 < t.split_whitespace().count())
}

/// Reference entries in a block: split where a line starts "[12]" or "12.".
pub(super) fn reference_entries(u: &Unit, vocab: &HashSet<String>) -> Vec<String> {
    let starts_entry = |l: &str| {
        let l = l.trim_start();
        (l.starts_with('[') && l[1..].find(']').is_some_and(|e| e > 0 && e < 8))
            || l.split_once(". ").is_some_and(|(n, _)| {
                !n.is_empty() && n.len() <= 3 && n.chars().all(|c| c.is_ascii_digit())
            })
    };
    let marked = u.lines.iter().filter(|l| starts_entry(l)).count();
    let mut out = Vec::new();
    if marked == 0 {
        out.push(paragraph(&u.lines, vocab));
        return out;
    }
    let mut current: Vec<String> = Vec::new();
    for line in &u.lines {
        if starts_entry(line) && !current.is_empty() {
            out.push(paragraph(&current, vocab));
            current.clear();
        }
        current.push(line.clone());
    }
    if !current.is_empty() {
        out.push(paragraph(&current, vocab));
    }
    out
}

/// "[12] …": a numbered reference's start.
pub(super) fn starts_with_marker(text: &str) -> bool {
    text.trim_start()
        .strip_prefix('[')
        .and_then(|l| Some(&l[..l.find(']')?]))
        .is_some_and(|n| !n.is_empty() && n.len() <= 4 && n.chars().all(|c| c.is_ascii_digit()))
}

/// A block of numbered references: at least three lines open with "[n]",
/// the numbers running on one by one (citations at the start of a line
/// of prose do not).
pub(super) fn looks_like_references(u: &Unit) -> bool {
    let numbers: Vec<u32> = u
        .lines
        .iter()
        .filter_map(|l| {
            let l = l.trim_start().strip_prefix('[')?;
            let end = l.find(']')?;
            l[..end].parse().ok()
        })
        .collect();
    numbers.len() >= 3 && numbers.windows(2).all(|w| w[1] == w[0] + 1)
}
