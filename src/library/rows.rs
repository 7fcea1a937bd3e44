//! Light rows for browsing a large library: what a list shows (id, title,
//! first author, date, tags, pass states, new-version mark) without the
//! abstracts and author lists, so 100,000 papers load in a blink.

use super::Library;
use crate::reading::Status;
use rusqlite::params_from_iter;

/// One paper as a list shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PaperRow {
    /// Paper id.
    pub id: String,
    /// Title.
    pub title: String,
    /// First author's name ("" when none).
    pub first_author: String,
    /// How many authors.
    pub authors: usize,
    /// First publication day, `YYYY-MM-DD` ("" when unknown).
    pub date: String,
    /// Tags, sorted.
    pub tags: Vec<String>,
    /// The three passes' states.
    pub passes: [Status; 3],
    /// A newer version arrived since the user last looked.
    pub new_version: bool,
    /// Primary category.
    pub category: String,
}

/// How a list is ordered.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum RowOrder {
    /// Newest first.
    #[default]
    Date,
    /// Oldest first.
    DateAscending,
    /// By title.
    Title,
    /// By first author.
    Author,
    /// Most recently added to the library first.
    Added,
}

impl RowOrder {
    /// The next order (for a key that cycles).
    pub fn next(self) -> RowOrder {
        match self {
            RowOrder::Date => RowOrder::DateAscending,
            RowOrder::DateAscending => RowOrder::Title,
            RowOrder::Title => RowOrder::Author,
            RowOrder::Author => RowOrder::Added,
            RowOrder::Added => RowOrder::Date,
        }
    }

    /// A label.
    pub fn label(self) -> &'static str {
        match self {
            RowOrder::Date => "newest",
            RowOrder::DateAscending => "oldest",
            RowOrder::Title => "title",
            RowOrder::Author => "author",
            RowOrder::Added => "added",
        }
    }

    fn sql(self) -> &'static str {
        match self {
            RowOrder::Date => {
                "coalesce(p.published, p.updated) IS NULL, coalesce(p.published, p.updated) DESC, p.id"
            }
            RowOrder::DateAscending => {
                "coalesce(p.published, p.updated) IS NULL, coalesce(p.published, p.updated), p.id"
            }
            RowOrder::Title => "p.title COLLATE NOCASE, p.id",
            RowOrder::Author => "json_extract(p.authors, '$[0].name') COLLATE NOCASE, p.id",
            RowOrder::Added => "p.added_at DESC, p.id",
        }
    }
}

/// What to show.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RowFilter {
    /// Only papers with this tag (case-insensitive).
    pub tag: Option<String>,
    /// Only this category or archive (`cs.CL`, `cs`).
    pub category: Option<String>,
    /// Only papers in this reading state: new, in-progress, skimmed, derived, reproduced.
    pub reading: Option<String>,
    /// The order.
    pub order: RowOrder,
    /// At most this many.
    pub limit: Option<usize>,
}

fn status_of(text: Option<String>) -> Status {
    text.as_deref().and_then(Status::parse).unwrap_or_default()
}

impl Library {
    /// Rows for a list view.
    pub fn paper_rows(&self, filter: &RowFilter) -> Result<Vec<PaperRow>, super::LibraryError> {
        let mut sql = String::from(
            "SELECT p.id, p.title, coalesce(json_extract(p.authors, '$[0].name'), ''), json_array_length(p.authors), \
             substr(coalesce(p.published, p.updated, ''), 1, 10), \
             (SELECT group_concat(t.name, char(31)) FROM paper_tags pt JOIN tags t ON t.id = pt.tag_id WHERE pt.paper_id = p.id), \
             (SELECT status FROM reading r WHERE r.paper_id = p.id AND r.pass = 1), \
             (SELECT status FROM reading r WHERE r.paper_id = p.id AND r.pass = 2), \
             (SELECT status FROM reading r WHERE r.paper_id = p.id AND r.pass = 3), \
             coalesce(p.version > p.seen_version, 0), coalesce(p.primary_category, '') \
             FROM papers p WHERE 1 = 1",
        );
        let mut args: Vec<String> = Vec::new();
        super::papers::push_tag_and_category(
            &mut sql,
            &mut args,
            filter.tag.as_deref(),
            filter.category.as_deref(),
        );
        sql.push_str(&format!(" ORDER BY {}", filter.order.sql()));
        // The reading filter is applied after the query (it is a property of
        // three rows), so the limit is too when there is one.
        let limit_in_sql = filter.reading.is_none();
        if let (Some(limit), true) = (filter.limit, limit_in_sql) {
            sql.push_str(&format!(" LIMIT {limit}"));
        }
        let mut stmt = self.conn().prepare(&sql)?;
        let rows = stmt.query_map(params_from_iter(args.iter()), |r| {
            let tags: Option<String> = r.get(5)?;
            Ok(PaperRow {
                id: r.get(0)?,
                title: r.get(1)?,
                first_author: r.get(2)?,
                authors: r.get::<_, Option<i64>>(3)?.unwrap_or(0).max(0) as usize,
                date: r.get(4)?,
                tags: tags
                    .map(|t| t.split('\u{1f}').map(str::to_string).collect())
                    .unwrap_or_default(),
                passes: [
                    status_of(r.get(6)?),
                    status_of(r.get(7)?),
                    status_of(r.get(8)?),
                ],
                new_version: r.get::<_, i64>(9)? != 0,
                category: r.get(10)?,
            })
        })?;
        let mut out = Vec::new();
        for row in rows {
            let row = row?;
            if let Some(state) = &filter.reading {
                if !crate::reading::reading_states(row.passes)
                    .iter()
                    .any(|s| s == state)
                {
                    continue;
                }
            }
            out.push(row);
            if filter.limit.is_some_and(|l| out.len() >= l) {
                break;
            }
        }
        Ok(out)
    }

    /// A number that changes whenever another connection (another litradar
    /// process) commits to the database: cheap to poll.
    pub fn data_version(&self) -> Result<i64, super::LibraryError> {
        Ok(self
            .conn()
            .query_row("PRAGMA data_version", [], |r| r.get(0))?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::reading::Pass;

    #[test]
    fn rows_carry_what_a_list_shows_and_filter_and_sort() {
        let mut lib = Library::open_in_memory().expect("library");
        crate::starter::load(&mut lib).expect("starter");
        let all = lib.paper_rows(&RowFilter::default()).expect("rows");
        assert_eq!(all.len(), 29);
        assert!(
            all.windows(2).all(|w| w[0].date >= w[1].date),
            "newest first"
        );
        let attention = all
            .iter()
            .find(|r| r.id == "1706.03762")
            .expect("transformer");
        assert_eq!(attention.first_author, "Ashish Vaswani");
        assert_eq!(attention.authors, 8);
        assert_eq!(attention.date, "2017-06-12");
        assert_eq!(attention.category, "cs.CL");
        assert!(attention.tags.contains(&"transformer".to_string()));
        assert_eq!(attention.passes, [Status::NotStarted; 3]);

        let peft = lib
            .paper_rows(&RowFilter {
                tag: Some("PEFT".into()),
                ..Default::default()
            })
            .expect("peft");
        assert!(!peft.is_empty() && peft.iter().all(|r| r.tags.contains(&"peft".to_string())));
        let by_title = lib
            .paper_rows(&RowFilter {
                order: RowOrder::Title,
                limit: Some(3),
                ..Default::default()
            })
            .expect("title");
        assert_eq!(by_title.len(), 3);
        assert!(by_title[0].title.to_lowercase() <= by_title[1].title.to_lowercase());

        let now = chrono::Utc::now();
        lib.start_timer("2106.09685", Some(Pass::Skim), false, now)
            .expect("start");
        lib.close_pass("2106.09685", Some(Pass::Skim), Status::Done, now)
            .expect("done");
        let skimmed = lib
            .paper_rows(&RowFilter {
                reading: Some("skimmed".into()),
                ..Default::default()
            })
            .expect("skimmed");
        assert_eq!(
            skimmed.iter().map(|r| r.id.as_str()).collect::<Vec<_>>(),
            ["2106.09685"]
        );
        assert_eq!(skimmed[0].passes[0], Status::Done);
        let v = lib.data_version().expect("version");
        assert_eq!(
            lib.data_version().expect("again"),
            v,
            "own commits do not count"
        );
    }
}
