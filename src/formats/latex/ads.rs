//! The markup NASA ADS writes into titles it exports (and BibDesk keeps):
//! HTML entities turned into TeX-looking commands (`{\lt}`, `{\tilde}`,
//! `{\mdash}`, `{\ldquo}`, `{\nbsp}`) and entities kept as they were
//! (`&sun;`, `\&amp;`). None of them is LaTeX, so without this table a
//! title reads "1 \lt z \lt 6" instead of "1 < z < 6".

use std::borrow::Cow;

/// The text an ADS markup command stands for.
pub(super) fn ads_symbol(name: &str) -> Option<&'static str> {
    Some(match name {
        "lt" | "textless" => "<",
        "gt" | "textgreater" => ">",
        // ADS writes "z {\tilde}100" for "z ~100": an approximate value.
        "tilde" | "textasciitilde" => "~",
        "sime" => "≃",
        "ap" => "≈",
        "le" => "≤",
        "ge" => "≥",
        "lap" => "≲",
        "gap" => "≳",
        "mdash" => "—",
        "ndash" => "–",
        "ldquo" | "textquotedblleft" => "“",
        "rdquo" | "textquotedblright" => "”",
        "lsquo" => "‘",
        "rsquo" => "’",
        // A word space that must not break: in plain text, a space.
        "nbsp" => " ",
        _ => return None,
    })
}

/// The character an HTML-style entity names, for the entities that turn
/// up in exported bibliographies.
fn entity(name: &str) -> Option<&'static str> {
    Some(match name {
        "amp" => "&",
        "lt" => "<",
        "gt" => ">",
        "quot" => "\"",
        "nbsp" => " ",
        // ADS's astronomical symbols: M&sun; is a solar mass.
        "sun" => "☉",
        "earth" => "⊕",
        "deg" => "°",
        _ => return None,
    })
}

/// Replaces the known entities (`&sun;`, `&amp;`); any other `&` stays.
pub(super) fn decode_entities(text: &str) -> Cow<'_, str> {
    if !text.contains('&') || !text.contains(';') {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find('&') {
        out.push_str(&rest[..at]);
        let after = &rest[at + 1..];
        let name_len = after
            .find(|c: char| !c.is_ascii_alphabetic())
            .unwrap_or(after.len());
        let known = (after[name_len..].starts_with(';'))
            .then(|| entity(&after[..name_len]))
            .flatten();
        match known {
            Some(symbol) => {
                out.push_str(symbol);
                rest = &after[name_len + 1..];
            }
            None => {
                out.push('&');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    Cow::Owned(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_entities_become_characters_and_others_stay() {
        assert_eq!(decode_entities("M$_{&sun;}$"), "M$_{☉}$");
        assert_eq!(
            decode_entities(r#"Tr{\"u}bner \&amp; Company"#),
            r#"Tr{\"u}bner \& Company"#
        );
        assert_eq!(
            decode_entities("R&D; &unknown; a & b"),
            "R&D; &unknown; a & b"
        );
        assert_eq!(decode_entities("&amp"), "&amp");
        assert!(matches!(decode_entities("no entities"), Cow::Borrowed(_)));
    }
}
