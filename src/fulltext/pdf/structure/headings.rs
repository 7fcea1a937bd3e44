//! What may be a heading: numbered lines (1, 1.1; I, A; appendix letters)
//! and the known words, and the sequence that tells a real section number
//! from a number in the text.

use super::*;

/// A heading's number style.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Style {
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
pub(super) struct Candidate {
    pub(super) number: Option<String>,
    pub(super) title: String,
}

/// Splits "3.2 Attention" / "IV. CONCLUSIONS" / "Appendix B: Proofs" /
/// "References" into number and title, when the text can be a heading.
pub(super) fn candidate(text: &str) -> Option<Candidate> {
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

pub(super) fn is_caps(text: &str) -> bool {
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
pub(super) fn skipped_heading(title: &str) -> bool {
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
pub(super) struct Sequence {
    pub(super) style: Option<Style>,
    pub(super) path: Vec<u32>,
    pub(super) letter: u32,
    pub(super) appendix: bool,
    pub(super) appendix_path: Vec<u32>,
}

impl Sequence {
    /// Whether `number` continues the outline; advances it when it does.
    /// Returns the level.
    pub(super) fn accept(&mut self, number: &str) -> Option<u8> {
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
