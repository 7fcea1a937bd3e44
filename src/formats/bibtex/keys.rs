//! After reading, what BibTeX does with keys: a repeated citation key is
//! renamed (with a warning), and a `crossref` child takes what it lacks
//! from its parent, which may come later in the file.

use super::parse::{BibEntry, BibError};
use std::collections::HashMap;

/// A second entry with a key already used (BibTeX keys are
/// case-insensitive) becomes `key-2`, `key-3`, ...
pub(super) fn rename_duplicates(entries: &mut [BibEntry], warnings: &mut Vec<BibError>) {
    let mut used: std::collections::HashSet<String> = std::collections::HashSet::new();
    for e in entries.iter_mut() {
        if used.insert(e.key.to_lowercase()) {
            continue;
        }
        let renamed = (2..)
            .map(|n| format!("{}-{n}", e.key))
            .find(|k| !used.contains(&k.to_lowercase()))
            .unwrap_or_default();
        warnings.push(BibError {
            line: e.line,
            message: format!(
                "the key '{}' is used twice; this entry is '{renamed}'",
                e.key
            ),
        });
        used.insert(renamed.to_lowercase());
        e.key = renamed;
    }
}

/// Fields a crossref child does not take from its parent: its own titles.
/// The parent's title becomes the child's `booktitle` (biblatex's rule for
/// a part of a book or proceedings).
const NOT_INHERITED: &[&str] = &[
    "crossref",
    "entryset",
    "ids",
    "title",
    "subtitle",
    "titleaddon",
    "shorttitle",
    "sorttitle",
    "indextitle",
    "indexsorttitle",
    "label",
];

pub(super) fn inherit_crossrefs(entries: &mut [BibEntry], warnings: &mut Vec<BibError>) {
    let by_key: HashMap<String, usize> = entries
        .iter()
        .enumerate()
        .map(|(i, e)| (e.key.to_lowercase(), i))
        .collect();
    for i in 0..entries.len() {
        let Some(parent_key) = entries[i].get("crossref").map(|k| k.trim().to_lowercase()) else {
            continue;
        };
        let Some(&parent) = by_key.get(&parent_key).filter(|&&p| p != i) else {
            warnings.push(BibError {
                line: entries[i].line,
                message: format!(
                    "entry '{}': its crossref '{parent_key}' is not in the file",
                    entries[i].key
                ),
            });
            continue;
        };
        let inherited: Vec<(String, String)> = entries[parent]
            .fields
            .iter()
            .flat_map(|(name, value)| {
                let as_child = match name.as_str() {
                    "title" => Some("booktitle"),
                    "subtitle" => Some("booksubtitle"),
                    n if NOT_INHERITED.contains(&n) => None,
                    n => Some(n),
                };
                as_child.map(|n| (n.to_string(), value.clone()))
            })
            .collect();
        let child = &mut entries[i];
        for (name, value) in inherited {
            if child.get(&name).is_none() {
                child.fields.push((name, value));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::parse::read;

    #[test]
    fn repeated_keys_are_renamed_and_undefined_macros_warned_about() {
        let text =
            "@misc{k, title = {A}}\n@misc{K, title = {B}}\n@misc{k, title = {C}, publisher = acm}";
        let read = read(text);
        let keys: Vec<&str> = read.entries.iter().map(|e| e.key.as_str()).collect();
        assert_eq!(keys, ["k", "K-2", "k-3"]);
        assert_eq!(read.entries[2].get("publisher"), Some("acm"));
        let warnings: Vec<String> = read.warnings.iter().map(ToString::to_string).collect();
        assert!(
            warnings
                .iter()
                .any(|w| w.starts_with("line 3: 'acm' is not a defined @string")),
            "{warnings:?}"
        );
        assert!(
            warnings
                .iter()
                .any(|w| w.contains("the key 'K' is used twice; this entry is 'K-2'")),
            "{warnings:?}"
        );
    }

    #[test]
    fn crossref_children_inherit_from_a_parent_that_may_come_later() {
        let text = "@inproceedings{child, title = {A Paper}, author = {Doe, Jane}, crossref = {conf}}\n\
                    @inproceedings{orphan, title = {B}, crossref = {nowhere}}\n\
                    @proceedings{conf, title = {Proceedings of Things}, year = 2021, publisher = {ACM}, author = {Editor, E.}}";
        let read = read(text);
        let child = &read.entries[0];
        assert_eq!(child.get("title"), Some("A Paper"), "its own title stays");
        assert_eq!(child.get("booktitle"), Some("Proceedings of Things"));
        assert_eq!(child.get("year"), Some("2021"));
        assert_eq!(child.get("author"), Some("Doe, Jane"), "its own fields win");
        assert!(
            read.warnings
                .iter()
                .any(|w| w.line == 2 && w.message.contains("'nowhere' is not in the file"))
        );
    }
}
