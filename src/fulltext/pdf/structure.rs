//! A PDF's positioned text ([`Layout`]) into a [`Document`]. PDFs carry
//! no structure, so it is read back from what the page shows: headings are
//! numbered lines in sequence (1, 1.1, 2…; I, II with A, B; appendix
//! letters), set apart from the text (their own block, a larger font,
//! capitals) or known words (Abstract, References, Acknowledgements);
//! captions start "Figure N:" or "Table N."; running heads, page numbers,
//! the arXiv stamp, footnotes and the text inside figures are dropped;
//! paragraphs broken by a column or page are joined, and words split at a
//! line end are repaired with the paper's own vocabulary.

use super::layout::{Block, Layout};
use crate::fulltext::document::{
    Caption, Document, HeadingRole, Section, SectionKind, heading_role,
};
use crate::fulltext::text::{fold, parse_caption_lead};
use std::collections::{HashMap, HashSet};

/// A block as the structurer sees it.
#[derive(Debug, Clone)]
struct Unit {
    lines: Vec<String>,
    page: usize,
    /// Median line height (0 without geometry).
    height: f32,
    top: f32,
    left: f32,
    right: f32,
    page_height: f32,
    page_width: f32,
    /// The block's horizontal extent (all lines).
    x0: f32,
    x1: f32,
}

impl Unit {
    fn text(&self) -> String {
        self.lines.join(" ")
    }

    fn words(&self) -> usize {
        self.lines
            .iter()
            .map(|l| l.split_whitespace().count())
            .sum()
    }
}

fn ligatures(text: &str) -> String {
    if !text.contains(['ﬁ', 'ﬂ', 'ﬀ', 'ﬃ', 'ﬄ', '\u{ad}', 'ﬅ', 'ﬆ']) {
        return text.to_string();
    }
    text.replace('ﬁ', "fi")
        .replace('ﬂ', "fl")
        .replace('ﬀ', "ff")
        .replace('ﬃ', "ffi")
        .replace('ﬄ', "ffl")
        .replace(['ﬅ', 'ﬆ'], "st")
        .replace('\u{ad}', "-")
}

fn unit(block: &Block, layout: &Layout) -> Unit {
    let mut heights: Vec<f32> = block.lines.iter().map(|l| l.height()).collect();
    heights.sort_by(f32::total_cmp);
    let height = heights.get(heights.len() / 2).copied().unwrap_or(0.0);
    let first = block.lines.first();
    Unit {
        lines: block.lines.iter().map(|l| ligatures(&l.text())).collect(),
        page: block.page,
        height,
        top: first.map_or(0.0, |l| l.top()),
        left: first.map_or(0.0, |l| l.left()),
        right: first.map_or(0.0, |l| l.right()),
        page_height: layout.pages.get(block.page).map_or(792.0, |p| p.1),
        page_width: layout.pages.get(block.page).map_or(612.0, |p| p.0),
        x0: block
            .lines
            .iter()
            .map(|l| l.left())
            .fold(f32::MAX, f32::min),
        x1: block.lines.iter().map(|l| l.right()).fold(0.0, f32::max),
    }
}

/// Puts two-column pages in reading order: poppler's order is usually
/// right, but on pages with floats it can read the top of the right
/// column before the end of the left. Blocks as wide as the page (titles,
/// wide figures) split the page into bands; within a band the left column
/// is read top to bottom, then the right. Single-column pages keep
/// poppler's order.
fn reading_order(units: Vec<Unit>) -> Vec<Unit> {
    let mut out = Vec::with_capacity(units.len());
    let mut page: Vec<Unit> = Vec::new();
    for u in units {
        if page.first().is_some_and(|p| p.page != u.page) {
            out.extend(order_page(std::mem::take(&mut page)));
        }
        page.push(u);
    }
    out.extend(order_page(page));
    out
}

fn order_page(units: Vec<Unit>) -> Vec<Unit> {
    let Some(first) = units.first() else {
        return units;
    };
    let (width, mid) = (first.page_width, first.page_width / 2.0);
    let spanning = |u: &Unit| u.x1 - u.x0 > width * 0.55;
    let left = |u: &Unit| (u.x0 + u.x1) / 2.0 < mid;
    let column_blocks = |is_left: bool| {
        units
            .iter()
            .filter(|u| !spanning(u) && left(u) == is_left && u.words() >= 8)
            .count()
    };
    // Not a two-column page: poppler's order stands.
    if column_blocks(true) < 2 || column_blocks(false) < 2 {
        return units;
    }
    let mut bands: Vec<f32> = units
        .iter()
        .filter(|u| spanning(u))
        .map(|u| u.top)
        .collect();
    bands.sort_by(f32::total_cmp);
    let band_of = |u: &Unit| bands.iter().filter(|b| **b <= u.top).count();
    let mut keyed: Vec<(usize, u8, f32, usize, Unit)> = units
        .into_iter()
        .enumerate()
        .map(|(i, u)| {
            let band = band_of(&u);
            // Within a band: the spanning block first (it opens the band),
            // then the left column, then the right.
            let column = if spanning(&u) {
                0
            } else if left(&u) {
                1
            } else {
                2
            };
            (band, column, u.top, i, u)
        })
        .collect();
    keyed.sort_by(|a, b| {
        (a.0, a.1)
            .cmp(&(b.0, b.1))
            .then(a.2.total_cmp(&b.2))
            .then(a.3.cmp(&b.3))
    });
    keyed.into_iter().map(|k| k.4).collect()
}

/// arXiv's vertical stamp: "arXiv:1706.03762v7 [cs.CL] 2 Aug 2023".
fn is_arxiv_stamp(text: &str) -> bool {
    let t = text.trim();
    t.starts_with("arXiv:")
        && t.contains('[')
        && t.contains(']')
        && t.split_whitespace().count() <= 8
}

/// "3", "3.1", "3.2.1.", "IV.", "A", "B.2": a heading's number alone.
fn is_number_token(text: &str) -> bool {
    let t = text.trim().trim_end_matches('.');
    if t.is_empty() || t.len() > 8 {
        return false;
    }
    let arabic = t
        .split('.')
        .all(|p| !p.is_empty() && p.chars().all(|c| c.is_ascii_digit()));
    let roman = t.chars().all(|c| "IVXL".contains(c));
    let letter = {
        let mut parts = t.split('.');
        let first = parts.next().unwrap_or("");
        first.len() == 1
            && first.chars().all(|c| c.is_ascii_uppercase())
            && parts.all(|p| !p.is_empty() && p.chars().all(|c| c.is_ascii_digit()))
    };
    arabic || roman || letter
}

/// Joins a heading's number, set as its own block, to its title on the
/// same baseline (poppler splits them; in tables it may even put cells
/// between them).
fn join_numbers(units: &mut Vec<Unit>, geometry: bool) {
    let mut i = 0;
    while i < units.len() {
        let u = &units[i];
        if u.lines.len() != 1 || !is_number_token(&u.lines[0]) {
            i += 1;
            continue;
        }
        let partner = if geometry {
            let (page, top, right, height) = (u.page, u.top, u.right, u.height.max(1.0));
            units
                .iter()
                .enumerate()
                .filter(|(j, v)| {
                    *j != i
                        && v.page == page
                        && (v.top - top).abs() < height * 0.6
                        && v.left > right
                        && v.left - right < 80.0
                })
                .min_by(|a, b| a.1.left.total_cmp(&b.1.left))
                .map(|(j, _)| j)
        } else {
            (i + 1 < units.len() && units[i + 1].words() <= 14 && units[i + 1].lines.len() <= 2)
                .then_some(i + 1)
        };
        if let Some(j) = partner {
            let title = units.remove(j);
            let at = if j < i { i - 1 } else { i };
            let number = units[at].lines[0].clone();
            let mut lines = title.lines;
            if let Some(first) = lines.first_mut() {
                *first = format!("{number} {first}");
            }
            units[at].lines = lines;
            units[at].height = units[at].height.max(title.height);
            i = at + 1;
        } else {
            i += 1;
        }
    }
}

/// Lines that repeat on many pages at the top or bottom (running heads,
/// footers with the venue) and bare page numbers.
fn drop_furniture(units: &mut Vec<Unit>, pages: usize, geometry: bool) {
    let key = |t: &str| -> String {
        t.chars()
            .map(|c| {
                if c.is_ascii_digit() {
                    '#'
                } else {
                    c.to_ascii_lowercase()
                }
            })
            .collect()
    };
    let mut seen: HashMap<String, HashSet<usize>> = HashMap::new();
    for u in units.iter() {
        if u.lines.len() == 1 && u.words() <= 14 {
            seen.entry(key(&u.lines[0])).or_default().insert(u.page);
        }
    }
    let threshold = (pages / 3).max(3);
    units.retain(|u| {
        let text = u.text();
        if is_arxiv_stamp(&text) {
            return false;
        }
        let t = text.trim();
        let at_edge = !geometry || u.top < u.page_height * 0.1 || u.top > u.page_height * 0.88;
        if at_edge && t.len() <= 12 && !t.is_empty() {
            let bare = t
                .trim_start_matches("Page")
                .trim_start_matches("page")
                .trim()
                .split('/')
                .next()
                .unwrap_or("")
                .trim();
            if !bare.is_empty()
                && (bare.chars().all(|c| c.is_ascii_digit())
                    || (bare.chars().all(|c| "ivxlc".contains(c)) && bare.len() <= 5))
            {
                return false;
            }
        }
        if u.lines.len() == 1 && u.words() <= 14 {
            if let Some(p) = seen.get(&key(&u.lines[0])) {
                if p.len() >= threshold && at_edge {
                    return false;
                }
            }
        }
        true
    });
}

/// A heading's number style.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Style {
    Arabic,
    Roman,
}

fn roman_value(text: &str) -> Option<u32> {
    let mut total = 0u32;
    let mut prev = 0u32;
    for c in text.chars().rev() {
        let v = match c {
            'I' => 1,
            'V' => 5,
            'X' => 10,
            'L' => 50,
            _ => return None,
        };
        if v < prev {
            total = total.checked_sub(v)?;
        } else {
            total += v;
            prev = v;
        }
    }
    (total > 0).then_some(total)
}

/// A candidate heading: its number and title.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Candidate {
    number: Option<String>,
    title: String,
}

/// Splits "3.2 Attention" / "IV. CONCLUSIONS" / "Appendix B: Proofs" /
/// "References" into number and title, when the text can be a heading.
fn candidate(text: &str) -> Option<Candidate> {
    let text = fold(text);
    let words: Vec<&str> = text.split_whitespace().collect();
    if words.is_empty() || words.len() > 16 {
        return None;
    }
    let first = words[0];
    let rest = words[1..].join(" ");
    let title_ok = |t: &str| {
        let t = t.trim();
        !t.is_empty()
            && t.chars()
                .next()
                .is_some_and(|c| c.is_uppercase() || c == '[' || c == '(')
            && t.chars().filter(|c| c.is_alphabetic()).count() >= 2
            && !t.ends_with(',')
            && !t.ends_with(';')
            && !(t.ends_with('.') && t.split_whitespace().count() > 6 && !is_caps(t))
    };
    if first.eq_ignore_ascii_case("appendix") && words.len() >= 2 {
        let letter = words[1].trim_end_matches([':', '.']);
        if letter.len() <= 3 && letter.chars().all(|c| c.is_ascii_alphanumeric()) {
            let title = words[2..].join(" ");
            return Some(Candidate {
                number: Some(letter.to_string()),
                title: if title.is_empty() {
                    "Appendix".into()
                } else {
                    title
                },
            });
        }
    }
    if is_number_token(first) && words.len() >= 2 && title_ok(&rest) {
        return Some(Candidate {
            number: Some(first.trim_end_matches('.').to_string()),
            title: rest,
        });
    }
    let plain = text.trim_end_matches([':', '.']).trim();
    if known_heading(plain) && title_ok(plain) {
        return Some(Candidate {
            number: None,
            title: plain.to_string(),
        });
    }
    None
}

fn is_caps(text: &str) -> bool {
    let letters: Vec<char> = text.chars().filter(|c| c.is_alphabetic()).collect();
    letters.len() >= 3 && letters.iter().all(|c| c.is_uppercase())
}

/// Unnumbered headings papers use.
fn known_heading(text: &str) -> bool {
    const KNOWN: &[&str] = &[
        "abstract",
        "introduction",
        "related work",
        "background",
        "method",
        "methods",
        "results",
        "discussion",
        "conclusion",
        "conclusions",
        "summary",
        "concluding remarks",
        "references",
        "bibliography",
        "acknowledgments",
        "acknowledgements",
        "acknowledgment",
        "acknowledgement",
        "appendix",
        "appendices",
        "limitations",
        "ethics statement",
        "broader impact",
        "keywords",
        "index terms",
        "ccs concepts",
        "acm reference format",
        "general terms",
        "categories and subject descriptors",
        "author contributions",
        "funding",
        "data availability",
    ];
    KNOWN.contains(&text.to_lowercase().as_str())
}

/// Front-matter headings whose content is not the paper's text.
fn skipped_heading(title: &str) -> bool {
    matches!(
        title.to_lowercase().as_str(),
        "keywords"
            | "index terms"
            | "ccs concepts"
            | "acm reference format"
            | "general terms"
            | "categories and subject descriptors"
    )
}

/// Where the numbering stands, to accept only headings that continue it.
#[derive(Debug, Default)]
struct Sequence {
    style: Option<Style>,
    path: Vec<u32>,
    letter: u32,
    appendix: bool,
    appendix_path: Vec<u32>,
}

impl Sequence {
    /// Whether `number` continues the outline; advances it when it does.
    /// Returns the level.
    fn accept(&mut self, number: &str) -> Option<u8> {
        let parts: Vec<&str> = number.split('.').collect();
        let letter_first = parts[0].len() == 1 && parts[0].chars().all(|c| c.is_ascii_uppercase());
        let follows = |prev: Option<&u32>, n: u32| match prev {
            None => n <= 1,
            Some(p) => n == p + 1 || n == p + 2,
        };
        // Roman numerals first: "I." opens a paper numbered I, II, III.
        let roman = roman_value(parts[0])
            .filter(|_| parts.len() == 1 && !self.appendix && self.style != Some(Style::Arabic));
        if let Some(r) = roman {
            let ok = follows(self.path.first(), r) || (self.path.is_empty() && r == 1);
            if !ok {
                return None;
            }
            self.style = Some(Style::Roman);
            self.path = vec![r];
            self.letter = 0;
            return Some(1);
        }
        if letter_first && self.appendix {
            // Appendix letters (after the references or an "Appendix"
            // heading): A, A.1, B.
            let l = u32::from(parts[0].as_bytes()[0] - b'A') + 1;
            let nums: Option<Vec<u32>> = parts[1..].iter().map(|p| p.parse().ok()).collect();
            let nums = nums?;
            let ok = if nums.is_empty() {
                match self.appendix_path.first() {
                    None => l <= 2,
                    Some(p) => l == p + 1 || l == p + 2,
                }
            } else {
                self.appendix_path.first() == Some(&l)
                    && follows(self.appendix_path.get(nums.len()), nums[nums.len() - 1])
                    && nums.len() <= self.appendix_path.len()
            };
            if !ok {
                return None;
            }
            self.appendix = true;
            let mut path = vec![l];
            path.extend(&nums);
            self.appendix_path = path;
            return Some(1 + nums.len() as u8);
        }
        if letter_first && self.style == Some(Style::Roman) && parts.len() == 1 {
            let l = u32::from(parts[0].as_bytes()[0] - b'A') + 1;
            if l == self.letter + 1 || (l == self.letter + 2 && self.letter > 0) {
                self.letter = l;
                return Some(2);
            }
            return None;
        }
        let nums: Option<Vec<u32>> = parts.iter().map(|p| p.parse().ok()).collect();
        let nums = nums?;
        if self.style == Some(Style::Roman) || self.appendix || nums.len() > 4 {
            return None;
        }
        let depth = nums.len();
        let ok = if depth == 1 {
            match self.path.first() {
                None => nums[0] <= 2,
                Some(p) => nums[0] == p + 1 || nums[0] == p + 2,
            }
        } else {
            self.path.len() >= depth - 1
                && self.path[..depth - 1] == nums[..depth - 1]
                && follows(self.path.get(depth - 1), nums[depth - 1])
        };
        if !ok {
            return None;
        }
        self.style = Some(Style::Arabic);
        self.path = nums;
        Some(depth as u8)
    }
}

/// The paper's vocabulary, for repairing words split at line ends: every
/// word, but not the pieces of split words (a word before a line-end
/// hyphen, or the one starting the line after it).
fn vocabulary(units: &[Unit]) -> HashSet<String> {
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
fn join_lines(text: &mut String, next: &str, vocab: &HashSet<String>) {
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

fn paragraph(lines: &[String], vocab: &HashSet<String>) -> String {
    let mut text = String::new();
    for line in lines {
        join_lines(&mut text, line.trim(), vocab);
    }
    fold(&text)
}

/// Words made of letters (two or more), the mark of prose.
fn prose_words(text: &str) -> usize {
    text.split_whitespace()
        .filter(|w| {
            let letters = w.chars().filter(|c| c.is_alphabetic()).count();
            letters >= 2 && letters * 2 >= w.chars().count()
        })
        .count()
}

/// A display equation's line ("FFN(x) = max(0, xW1 + b1)W2 + b2 (2)").
fn is_equation_line(u: &Unit) -> bool {
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
fn reference_entries(u: &Unit, vocab: &HashSet<String>) -> Vec<String> {
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
fn starts_with_marker(text: &str) -> bool {
    text.trim_start()
        .strip_prefix('[')
        .and_then(|l| Some(&l[..l.find(']')?]))
        .is_some_and(|n| !n.is_empty() && n.len() <= 4 && n.chars().all(|c| c.is_ascii_digit()))
}

/// A block of numbered references: at least three lines open with "[n]",
/// the numbers running on one by one (citations at the start of a line
/// of prose do not).
fn looks_like_references(u: &Unit) -> bool {
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

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum State {
    Front,
    Abstract,
    Skip,
    Body,
    References,
}

/// Builds the document. A paper in which no heading can be found is read
/// as one untitled section, so its text is still there.
pub fn structure(layout: &Layout) -> Document {
    let geometry = layout.geometry;
    let mut units: Vec<Unit> = layout.blocks.iter().map(|b| unit(b, layout)).collect();
    if geometry {
        units = reading_order(units);
    }
    join_numbers(&mut units, geometry);
    drop_furniture(&mut units, layout.pages.len(), geometry);
    let doc = build(&units, geometry, false);
    if doc.sections.is_empty() {
        let mut whole = build(&units, geometry, true);
        if whole.abstract_text.is_none() {
            whole.abstract_text = doc.abstract_text;
        }
        return whole;
    }
    doc
}

fn build(units: &[Unit], geometry: bool, all_body: bool) -> Document {
    let body = body_height(units);
    let vocab = vocabulary(units);
    let mut doc = Document {
        title: title(units, geometry),
        ..Document::default()
    };
    let mut seq = Sequence::default();
    let mut state = if all_body { State::Body } else { State::Front };
    let mut abstract_parts: Vec<String> = Vec::new();
    let mut section: Option<Section> = all_body.then(|| Section {
        level: 1,
        ..Section::default()
    });
    let mut appendix = false;
    // The last paragraph may continue in the next block (column or page break).
    let mut open_paragraph = false;
    let mut captions_seen: HashSet<(String, String)> = HashSet::new();
    // The references are numbered [1], [2], … (then other text there is not one).
    let mut numbered_refs = false;
    // The type size of the abstract's first block.
    let mut abstract_height: Option<f32> = None;
    for u in units {
        let text = u.text();
        // Footnotes, figure labels, the venue line: set smaller than the text.
        let small = geometry && body > 0.0 && u.height < body * 0.92;
        // Headings.
        if let Some(c) = (u.lines.len() <= 3).then(|| candidate(&text)).flatten() {
            let set_apart =
                !geometry || u.height >= body * 1.04 || is_caps(&c.title) || u.lines.len() == 1;
            let big_enough = !geometry || u.height >= body * 0.85;
            let level = match &c.number {
                Some(n) if set_apart && big_enough => {
                    let mut trial = Sequence {
                        style: seq.style,
                        path: seq.path.clone(),
                        letter: seq.letter,
                        appendix: seq.appendix || appendix,
                        appendix_path: seq.appendix_path.clone(),
                    };
                    let l = trial.accept(n);
                    if l.is_some() {
                        seq = trial;
                    }
                    l
                }
                None if big_enough && (set_apart || u.lines.len() == 1) => Some(1),
                _ => None,
            };
            if let Some(level) = level {
                let role = heading_role(&c.title);
                open_paragraph = false;
                if skipped_heading(&c.title) {
                    state = State::Skip;
                    continue;
                }
                match role {
                    HeadingRole::Abstract => {
                        state = State::Abstract;
                        continue;
                    }
                    HeadingRole::References => {
                        if let Some(s) = section.take() {
                            doc.sections.push(s);
                        }
                        state = State::References;
                        appendix = true;
                        continue;
                    }
                    HeadingRole::Appendix => appendix = true,
                    _ => {}
                }
                if let Some(s) = section.take() {
                    doc.sections.push(s);
                }
                let lettered =
                    c.number.as_deref().is_some_and(|n| {
                        n.chars().next().is_some_and(|ch| ch.is_ascii_uppercase())
                    }) && seq.appendix;
                let kind = if role == HeadingRole::Back {
                    SectionKind::Back
                } else if appendix || lettered {
                    SectionKind::Appendix
                } else {
                    SectionKind::Body
                };
                section = Some(Section {
                    number: c.number.clone(),
                    heading: c.title.clone(),
                    level,
                    kind,
                    paragraphs: Vec::new(),
                });
                state = State::Body;
                continue;
            }
        }
        // Captions.
        if let Some(lead) = u.lines.first().and_then(|l| parse_caption_lead(l)) {
            if lead.separated {
                let first = &u.lines[0][lead.text_at..];
                let mut lines = vec![first.to_string()];
                lines.extend(u.lines[1..].iter().cloned());
                let caption = paragraph(&lines, &vocab);
                let key = (lead.kind.as_str().to_string(), lead.number.clone());
                if !caption.is_empty() && captions_seen.insert(key) {
                    doc.captions.push(Caption {
                        kind: lead.kind,
                        number: Some(lead.number),
                        text: caption,
                        section: match &section {
                            Some(_) => Some(doc.sections.len()),
                            None => doc.sections.len().checked_sub(1),
                        },
                    });
                }
                // A paragraph broken by a float goes on after it.
                continue;
            }
        }
        if state == State::Front {
            if let Some(rest) = inline_abstract(&text) {
                abstract_parts.push(paragraph(&[rest.to_string()], &vocab));
                state = State::Abstract;
                continue;
            }
        }
        if state != State::References && looks_like_references(u) && state == State::Body {
            if let Some(s) = section.take() {
                doc.sections.push(s);
            }
            state = State::References;
            appendix = true;
        }
        match state {
            State::Skip | State::Front => continue,
            State::References => {
                let numbered = looks_like_references(u);
                let marked = numbered || starts_with_marker(&text);
                let prose = prose_words(&text);
                let starts_lower = text.chars().next().is_some_and(|c| c.is_lowercase());
                // The body's last paragraph may go on in the next column,
                // which poppler reads after the references beside it.
                if !numbered && starts_lower && open_paragraph && prose * 3 >= u.words() * 2 {
                    if let Some(last) = doc
                        .sections
                        .last_mut()
                        .and_then(|s| s.paragraphs.last_mut())
                    {
                        let mut joined = last.clone();
                        join_lines(&mut joined, &paragraph(&u.lines, &vocab), &vocab);
                        *last = joined;
                        open_paragraph = !last.ends_with(['.', '!', '?', ':']);
                        continue;
                    }
                }
                // Text in figures after the references is not an entry.
                if !marked && numbered_refs {
                    // Between numbered entries, unmarked text only continues
                    // the last one (broken by a column); else it is not one.
                    let last_open = doc.references.last().is_some_and(|r| !r.ends_with('.'));
                    if (last_open || starts_lower) && prose >= 1 {
                        if let Some(last) = doc.references.last_mut() {
                            let mut joined = last.clone();
                            join_lines(&mut joined, &paragraph(&u.lines, &vocab), &vocab);
                            *last = joined;
                        }
                    }
                    continue;
                }
                if !marked && (prose < 3 || prose * 2 < u.words()) {
                    continue;
                }
                numbered_refs |= marked;
                doc.references.extend(
                    reference_entries(u, &vocab)
                        .into_iter()
                        .filter(|e| e.split_whitespace().count() >= 4),
                );
                continue;
            }
            State::Abstract | State::Body => {}
        }
        // Abstracts are often set smaller than the text (ACL's 10 pt under
        // 11 pt): the first block after the heading sets the abstract's
        // size, and what follows in that size is the abstract too.
        let abstract_sized = state == State::Abstract
            && geometry
            && u.height >= body * 0.8
            && abstract_height.is_none_or(|h: f32| (h - u.height).abs() < 0.3);
        // Text that is not prose: footnotes and figure text (small), equations, table cells.
        if (small && !abstract_sized) || is_equation_line(u) {
            continue;
        }
        let words = u.words();
        let prose = prose_words(&text);
        if prose < 3 || prose * 2 < words {
            continue;
        }
        // Labels in figures and cells of tables: short lines, no sentence.
        let mut per_line: Vec<usize> = u
            .lines
            .iter()
            .map(|l| l.split_whitespace().count())
            .collect();
        per_line.sort_unstable();
        let median = per_line.get(per_line.len() / 2).copied().unwrap_or(0);
        let sentence_end = text.trim_end().ends_with(['.', '!', '?', ':', ';']);
        if !sentence_end && (median <= 4 || (u.lines.len() == 1 && words < 6)) {
            continue;
        }
        // A venue or copyright line at the foot of a page, in smaller type.
        if geometry && u.lines.len() == 1 && u.top > u.page_height * 0.9 && u.height < body * 0.97 {
            continue;
        }
        let para = paragraph(&u.lines, &vocab);
        if state == State::Abstract {
            if abstract_height.is_none() {
                abstract_height = Some(u.height);
            }
            abstract_parts.push(para);
            continue;
        }
        let Some(current) = section.as_mut() else {
            continue;
        };
        let continues = open_paragraph && para.chars().next().is_some_and(|c| c.is_lowercase());
        match current.paragraphs.last_mut() {
            Some(last) if continues => {
                let mut joined = last.clone();
                join_lines(&mut joined, &para, &vocab);
                *last = joined;
            }
            _ => current.paragraphs.push(para),
        }
        open_paragraph = current
            .paragraphs
            .last()
            .is_some_and(|p| !p.ends_with(['.', '!', '?', ':']));
    }
    if let Some(s) = section.take() {
        doc.sections.push(s);
    }
    doc.sections
        .retain(|s| !(s.paragraphs.is_empty() && s.heading.is_empty()));
    if !abstract_parts.is_empty() {
        doc.abstract_text = Some(abstract_parts.join("\n\n"));
    }
    doc
}

/// "Abstract—We…", "Abstract. We…", "ABSTRACT: We…": the text after the lead.
fn inline_abstract(text: &str) -> Option<&str> {
    let head = text.get(..8)?;
    if !head.eq_ignore_ascii_case("abstract") {
        return None;
    }
    let rest = &text[8..];
    let stripped = rest.trim_start_matches([':', '.', '—', '–', '-', ' ']);
    (stripped.len() + 1 < rest.len() || rest.starts_with(['—', '–', ':', '.']))
        .then_some(stripped)
        .filter(|s| s.split_whitespace().count() > 10)
}

/// The body text's line height: the median over every line, by words.
fn body_height(units: &[Unit]) -> f32 {
    let mut heights: Vec<(f32, usize)> = units
        .iter()
        .filter(|u| u.height > 0.0)
        .map(|u| (u.height, u.words()))
        .collect();
    heights.sort_by(|a, b| a.0.total_cmp(&b.0));
    let total: usize = heights.iter().map(|h| h.1).sum();
    let mut seen = 0;
    for (h, n) in heights {
        seen += n;
        if seen * 2 >= total {
            return h;
        }
    }
    0.0
}

/// The title: on the first page, the block set in the largest type in the
/// upper half (or, without geometry, the first block).
fn title(units: &[Unit], geometry: bool) -> Option<String> {
    let first_page: Vec<&Unit> = units.iter().filter(|u| u.page == 0).collect();
    let pick = if geometry {
        first_page
            .iter()
            .filter(|u| u.top < u.page_height * 0.5 && u.lines.len() <= 4 && u.words() >= 2)
            .max_by(|a, b| a.height.total_cmp(&b.height))
    } else {
        first_page
            .iter()
            .find(|u| u.words() >= 2 && u.words() <= 30)
    }?;
    let t = fold(&pick.text());
    (!t.is_empty()).then_some(t)
}

#[cfg(test)]
mod tests;
