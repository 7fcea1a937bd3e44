//! Small text helpers the extractors share: whitespace folding and the
//! "Figure 3:" / "Table II." lead of a caption.

use super::document::CaptionKind;

/// Every run of whitespace (non-breaking spaces too) to one space, ends trimmed.
pub fn fold(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for word in text.split(|c: char| c.is_whitespace() || c == '\u{a0}') {
        if word.is_empty() {
            continue;
        }
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(word);
    }
    out
}

/// A caption's lead, as read by [`parse_caption_lead`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CaptionLead {
    /// Figure or table.
    pub kind: CaptionKind,
    /// The number.
    pub number: String,
    /// Byte offset where the caption text starts.
    pub text_at: usize,
    /// A ':', '.' or '|' follows the number (prose such as "Table 2 shows"
    /// has none).
    pub separated: bool,
}

/// Reads a caption's lead: "Figure 3:", "Fig. 3.", "Table A.1:", "TABLE II",
/// "Figure 10 |". `None` when the text does not start like a caption.
pub fn parse_caption_lead(text: &str) -> Option<CaptionLead> {
    let trimmed = text.trim_start();
    let offset = text.len() - trimmed.len();
    let lower = trimmed.to_lowercase();
    let (kind, word_len) = [
        ("figure", CaptionKind::Figure),
        ("fig.", CaptionKind::Figure),
        ("fig", CaptionKind::Figure),
        ("table", CaptionKind::Table),
        ("tab.", CaptionKind::Table),
        ("supplementary figure", CaptionKind::Figure),
        ("supplementary table", CaptionKind::Table),
        ("extended data fig.", CaptionKind::Figure),
        ("extended data figure", CaptionKind::Figure),
        ("extended data table", CaptionKind::Table),
    ]
    .iter()
    .filter(|(word, _)| lower.starts_with(word))
    .max_by_key(|(word, _)| word.len())
    .map(|(word, kind)| (*kind, word.len()))?;
    let rest = &trimmed[word_len..];
    // "Figures show…" or "Tableau" are words, not leads.
    if rest.chars().next().is_some_and(|c| c.is_alphabetic()) {
        return None;
    }
    let after_space = rest.trim_start();
    let number: String = after_space
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || *c == '.' || *c == '-')
        .collect();
    let number = number.trim_end_matches(['.', '-']).to_string();
    let valid_number = !number.is_empty()
        && (number.chars().any(|c| c.is_ascii_digit())
            || number.chars().all(|c| "IVXLCivxlc".contains(c))
            || (number.len() == 1 && number.chars().all(|c| c.is_ascii_uppercase())));
    if !valid_number {
        return None;
    }
    let mut at = word_len + (rest.len() - after_space.len()) + number.len();
    let tail = &trimmed[at..];
    let separated =
        tail.trim_start().starts_with(['.', ':', '|', '—', '–']) || tail.trim().is_empty();
    let tail_trimmed = tail.trim_start_matches(['.', ':', '|', '—', '–', '-', ' ']);
    at += tail.len() - tail_trimmed.len();
    Some(CaptionLead {
        kind,
        number,
        text_at: offset + at,
        separated,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folding() {
        assert_eq!(fold("  a \n\t b\u{a0}c  "), "a b c");
        assert_eq!(fold(""), "");
    }

    #[test]
    fn caption_leads() {
        fn lead(t: &str) -> Option<(CaptionKind, Option<String>, &str)> {
            parse_caption_lead(t).map(|l| (l.kind, Some(l.number), &t[l.text_at..]))
        }
        assert_eq!(
            lead("Figure 1: The Transformer."),
            Some((CaptionKind::Figure, Some("1".into()), "The Transformer."))
        );
        assert_eq!(
            lead("Table A.1. Results"),
            Some((CaptionKind::Table, Some("A.1".into()), "Results"))
        );
        assert_eq!(
            lead("TABLE II: Parameters"),
            Some((CaptionKind::Table, Some("II".into()), "Parameters"))
        );
        assert_eq!(
            lead("Fig. 3. CMB spectra"),
            Some((CaptionKind::Figure, Some("3".into()), "CMB spectra"))
        );
        assert_eq!(
            lead("Figure 10 | Scaling"),
            Some((CaptionKind::Figure, Some("10".into()), "Scaling"))
        );
        assert_eq!(lead("Figures show the trend"), None);
        assert_eq!(lead("Table of contents"), None);
        assert_eq!(lead("(a) "), None);
        assert_eq!(lead("Figure"), None);
        assert!(
            !parse_caption_lead("Table 2 shows the results")
                .expect("lead")
                .separated
        );
        assert!(
            parse_caption_lead("Table 2: results")
                .expect("lead")
                .separated
        );
    }
}
