//! The starter library compiled into the binary: the real arXiv metadata of
//! the landmark papers behind the seed radar (papers/starter.atom), with
//! topic tags (papers/starter-tags.toml).

use crate::library::{Incoming, Library, LibraryError, Merge, UpsertReport};
use std::collections::HashMap;

const FEED: &[u8] = include_bytes!("../papers/starter.atom");
const TAGS: &str = include_str!("../papers/starter-tags.toml");

#[derive(serde::Deserialize)]
struct TagFile {
    tags: HashMap<String, Vec<String>>,
}

/// The built-in starter data does not read: a defect of the build.
#[derive(Debug, thiserror::Error)]
pub enum StarterError {
    /// papers/starter.atom.
    #[error("the built-in starter feed is broken: {0}")]
    Feed(#[from] crate::arxiv::AtomError),
    /// papers/starter-tags.toml.
    #[error("the built-in starter tags are broken: {0}")]
    Tags(#[from] toml::de::Error),
}

/// The starter papers with their tags. The data ships with the binary and
/// is checked by tests, so a failure here is a build defect, reported as such.
pub fn items() -> Result<Vec<Incoming>, StarterError> {
    let feed = crate::arxiv::parse_feed(FEED)?;
    let tags: TagFile = toml::from_str(TAGS)?;
    Ok(feed
        .entries
        .into_iter()
        .map(|paper| Incoming {
            tags: tags.tags.get(&paper.id).cloned().unwrap_or_default(),
            paper,
            ..Incoming::default()
        })
        .collect())
}

/// Loads (or refreshes) the starter library into `lib`.
pub fn load(lib: &mut Library) -> Result<UpsertReport, LibraryError> {
    let items =
        items().map_err(|e| LibraryError::Corrupt("the starter library".into(), e.to_string()))?;
    lib.upsert(&items, "starter", Merge::Refresh)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_starter_paper_has_tags_and_every_tag_a_paper() {
        let items = items().expect("starter");
        assert_eq!(items.len(), 29);
        for item in &items {
            assert!(!item.tags.is_empty(), "{} has no tags", item.paper.id);
        }
        let tags: TagFile = toml::from_str(TAGS).expect("tags");
        for id in tags.tags.keys() {
            assert!(
                items.iter().any(|i| &i.paper.id == id),
                "tag for unknown paper {id}"
            );
        }
    }

    #[test]
    fn loading_twice_changes_nothing() {
        let mut lib = Library::open_in_memory().expect("library");
        let first = load(&mut lib).expect("first");
        assert_eq!(first.added.len(), 29);
        let second = load(&mut lib).expect("second");
        assert_eq!(second.unchanged.len(), 29);
        assert_eq!(lib.paper_count().expect("count"), 29);
    }
}
