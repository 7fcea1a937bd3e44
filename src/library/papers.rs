//! Papers in the store: upsert without duplicates, version tracking, lookup
//! by any id form, filtered listing, removal.

use super::{Library, LibraryError, Result, citekey, now};
use crate::arxiv::ArxivId;
use crate::paper::{Author, Paper, format_timestamp, parse_timestamp};
pub use crate::record::{BibExtras, Incoming, PaperRecord};
use chrono::{DateTime, NaiveDate, Utc};
use rusqlite::{OptionalExtension, Row, ToSql, Transaction, params};

/// What to do with a paper that is already in the library at the same version.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Merge {
    /// Take the incoming metadata (it comes from arXiv itself).
    Refresh,
    /// Keep what is stored (the incoming copy is second-hand: BibTeX, JSON Lines).
    KeepExisting,
}

/// A newer arXiv version that arrived for a paper already in the library.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewVersion {
    /// The paper.
    pub id: String,
    /// The version the library had.
    pub from: u32,
    /// The version now stored.
    pub to: u32,
}

/// What an upsert did, paper by paper.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct UpsertReport {
    /// Ids of papers that were not in the library.
    pub added: Vec<String>,
    /// Ids of papers whose metadata changed (new version or refreshed fields).
    pub updated: Vec<String>,
    /// Ids of papers left as they were (duplicates, older versions).
    pub unchanged: Vec<String>,
    /// Version bumps among `updated`.
    pub new_versions: Vec<NewVersion>,
}

impl UpsertReport {
    /// Adds another report's lists to this one.
    pub fn absorb(&mut self, other: UpsertReport) {
        self.added.extend(other.added);
        self.updated.extend(other.updated);
        self.unchanged.extend(other.unchanged);
        self.new_versions.extend(other.new_versions);
    }
}

/// Which papers `list` shows.
#[derive(Debug, Clone, Default)]
pub struct ListFilter {
    /// Only papers with this tag (case-insensitive).
    pub tag: Option<String>,
    /// Only papers in this category; an archive (`cs`) matches all its categories.
    pub category: Option<String>,
    /// Only papers first published on or after this day.
    pub since: Option<NaiveDate>,
    /// At most this many.
    pub limit: Option<usize>,
}

/// Adds the tag (case-insensitive) and category (or archive: `cs` matches
/// `cs.CL`) conditions to a query over `papers p`, numbering parameters
/// after those already in `args`.
pub(super) fn push_tag_and_category(
    sql: &mut String,
    args: &mut Vec<String>,
    tag: Option<&str>,
    category: Option<&str>,
) {
    if let Some(tag) = tag {
        args.push(tag.trim().to_string());
        sql.push_str(&format!(
            " AND EXISTS (SELECT 1 FROM paper_tags pt JOIN tags t ON t.id = pt.tag_id \
             WHERE pt.paper_id = p.id AND t.name = ?{} COLLATE NOCASE)",
            args.len()
        ));
    }
    if let Some(category) = category {
        let category = category.trim();
        args.push(format!("% {category} %"));
        args.push(format!("% {category}.%"));
        sql.push_str(&format!(
            " AND (' ' || p.categories || ' ' LIKE ?{} OR ' ' || p.categories LIKE ?{})",
            args.len() - 1,
            args.len()
        ));
    }
}

const COLUMNS: &str = "p.id, p.source, p.version, p.seen_version, p.version_changed_at, p.title, \
    p.abstract, p.authors, p.categories, p.primary_category, p.published, p.updated, p.comment, \
    p.journal_ref, p.doi, p.abs_url, p.pdf_url, p.citekey, p.added_at, \
    (SELECT group_concat(t.name, char(31)) FROM paper_tags pt JOIN tags t ON t.id = pt.tag_id \
     WHERE pt.paper_id = p.id) AS tags, p.bib_type, p.bib_extra";

fn read_record(row: &Row<'_>) -> rusqlite::Result<std::result::Result<PaperRecord, LibraryError>> {
    let id: String = row.get(0)?;
    let authors_json: String = row.get(7)?;
    let authors: Vec<Author> = match serde_json::from_str::<Vec<StoredAuthor>>(&authors_json) {
        Ok(list) => list.into_iter().map(Author::from).collect(),
        Err(e) => return Ok(Err(LibraryError::Corrupt(id, format!("authors: {e}")))),
    };
    let categories: String = row.get(8)?;
    let time = |i: usize| -> rusqlite::Result<Option<DateTime<Utc>>> {
        Ok(row
            .get::<_, Option<String>>(i)?
            .as_deref()
            .and_then(parse_timestamp))
    };
    let tags: Option<String> = row.get(19)?;
    let mut tags: Vec<String> = tags
        .map(|t| t.split('\u{1f}').map(str::to_string).collect())
        .unwrap_or_default();
    tags.sort_by_key(|t| t.to_lowercase());
    let paper = Paper {
        id,
        version: row.get(2)?,
        title: row.get(5)?,
        abstract_text: row.get(6)?,
        authors,
        categories: categories.split_whitespace().map(str::to_string).collect(),
        primary_category: row.get(9)?,
        published: time(10)?,
        updated: time(11)?,
        comment: row.get(12)?,
        journal_ref: row.get(13)?,
        doi: row.get(14)?,
        abs_url: row.get(15)?,
        pdf_url: row.get(16)?,
    };
    let bib_type: Option<String> = row.get(20)?;
    let bib_extra: Option<String> = row.get(21)?;
    let bib = match (bib_type, bib_extra) {
        (Some(kind), Some(extra)) => match serde_json::from_str(&extra) {
            Ok(fields) => Some(BibExtras { kind, fields }),
            Err(e) => {
                return Ok(Err(LibraryError::Corrupt(
                    paper.id,
                    format!("bib_extra: {e}"),
                )));
            }
        },
        _ => None,
    };
    Ok(Ok(PaperRecord {
        paper,
        source: row.get(1)?,
        citekey: row.get(17)?,
        tags,
        seen_version: row.get(3)?,
        version_changed_at: time(4)?,
        added_at: time(18)?,
        bib,
    }))
}

#[derive(serde::Serialize, serde::Deserialize)]
struct StoredAuthor {
    name: String,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    affiliations: Vec<String>,
}

impl From<StoredAuthor> for Author {
    fn from(a: StoredAuthor) -> Self {
        Author {
            name: a.name,
            affiliations: a.affiliations,
        }
    }
}

fn authors_json(authors: &[Author]) -> String {
    let stored: Vec<StoredAuthor> = authors
        .iter()
        .map(|a| StoredAuthor {
            name: a.name.clone(),
            affiliations: a.affiliations.clone(),
        })
        .collect();
    serde_json::to_string(&stored).unwrap_or_else(|_| "[]".into())
}

impl Library {
    /// Stores papers in one transaction: new ones are added, a newer arXiv
    /// version updates the row in place (and is remembered as unseen),
    /// duplicates by id or DOI are never stored twice.
    pub fn upsert(
        &mut self,
        items: &[Incoming],
        source: &str,
        merge: Merge,
    ) -> Result<UpsertReport> {
        let tx = self
            .conn
            .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        let mut report = UpsertReport::default();
        let mut keys = KeyAllocator::default();
        let now = now();
        for item in items {
            upsert_one(&tx, item, source, merge, &now, &mut keys, &mut report)?;
        }
        tx.commit()?;
        Ok(report)
    }

    /// The paper with this exact stored id.
    pub fn get(&self, id: &str) -> Result<Option<PaperRecord>> {
        let sql = format!("SELECT {COLUMNS} FROM papers p WHERE p.id = ?1");
        match self.conn.query_row(&sql, [id], read_record).optional()? {
            Some(record) => Ok(Some(record?)),
            None => Ok(None),
        }
    }

    /// Finds a paper by anything the user may type: an arXiv id in any form
    /// (version ignored), a stored id (`doi:…`) or a citation key.
    pub fn find(&self, key: &str) -> Result<PaperRecord> {
        let key = key.trim();
        if let Ok(id) = ArxivId::parse(key) {
            if let Some(record) = self.get(id.base())? {
                return Ok(record);
            }
        }
        if let Some(record) = self.get(key)? {
            return Ok(record);
        }
        let sql = format!("SELECT {COLUMNS} FROM papers p WHERE p.citekey = ?1");
        if let Some(record) = self.conn.query_row(&sql, [key], read_record).optional()? {
            return record;
        }
        Err(LibraryError::NoSuchPaper(key.to_string()))
    }

    /// Papers matching the filter, newest first.
    pub fn list(&self, filter: &ListFilter) -> Result<Vec<PaperRecord>> {
        let mut sql = format!("SELECT {COLUMNS} FROM papers p WHERE 1 = 1");
        let mut args: Vec<String> = Vec::new();
        push_tag_and_category(
            &mut sql,
            &mut args,
            filter.tag.as_deref(),
            filter.category.as_deref(),
        );
        if let Some(since) = filter.since {
            args.push(format!("{}T00:00:00Z", since.format("%Y-%m-%d")));
            sql.push_str(&format!(
                " AND coalesce(p.published, p.updated) >= ?{}",
                args.len()
            ));
        }
        sql.push_str(" ORDER BY coalesce(p.published, p.updated) IS NULL, coalesce(p.published, p.updated) DESC, p.id");
        if let Some(limit) = filter.limit {
            sql.push_str(&format!(" LIMIT {limit}"));
        }
        let mut stmt = self.conn.prepare(&sql)?;
        let rows = stmt.query_map(rusqlite::params_from_iter(args.iter()), read_record)?;
        let mut out = Vec::new();
        for row in rows {
            out.push(row??);
        }
        Ok(out)
    }

    /// Deletes a paper and everything attached to it; returns what was removed.
    pub fn remove(&mut self, key: &str) -> Result<PaperRecord> {
        let record = self.find(key)?;
        self.conn
            .execute("DELETE FROM papers WHERE id = ?1", [&record.paper.id])?;
        Ok(record)
    }

    /// Marks the current version of a paper as seen.
    pub fn acknowledge_version(&mut self, id: &str) -> Result<()> {
        self.conn.execute(
            "UPDATE papers SET seen_version = version WHERE id = ?1",
            [id],
        )?;
        Ok(())
    }

    /// Paper counts per primary category, largest first.
    pub fn category_counts(&self) -> Result<Vec<(String, u64)>> {
        let mut stmt = self.conn.prepare(
            "SELECT coalesce(primary_category, '(none)'), count(*) FROM papers \
             GROUP BY 1 ORDER BY 2 DESC, 1",
        )?;
        let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }
}

fn upsert_one(
    tx: &Transaction<'_>,
    item: &Incoming,
    source: &str,
    merge: Merge,
    now: &str,
    keys: &mut KeyAllocator,
    report: &mut UpsertReport,
) -> Result<()> {
    let p = &item.paper;
    let mut existing: Option<(String, Option<u32>)> = tx
        .prepare_cached("SELECT id, version FROM papers WHERE id = ?1")?
        .query_row([&p.id], |r| Ok((r.get(0)?, r.get(1)?)))
        .optional()?;
    if existing.is_none() {
        if let Some(doi) = &p.doi {
            existing = tx
                .prepare_cached(
                    "SELECT id, version FROM papers WHERE doi IS NOT NULL AND lower(doi) = lower(?1) LIMIT 1",
                )?
                .query_row([doi], |r| Ok((r.get(0)?, r.get(1)?)))
                .optional()?;
        }
    }
    let final_id = match existing {
        None => {
            insert(tx, item, source, now, keys)?;
            report.added.push(p.id.clone());
            p.id.clone()
        }
        // The same work under another id, found by DOI.
        Some((old_id, old_version)) if old_id != p.id => {
            if old_version.is_none() && p.version.is_some() {
                // A paper imported from elsewhere turns out to be on arXiv:
                // re-key it (tags follow through ON UPDATE CASCADE).
                update(tx, &old_id, p, None, now)?;
                tx.execute(
                    "UPDATE papers SET source = ?1 WHERE id = ?2",
                    params![source, p.id],
                )?;
                report.updated.push(p.id.clone());
                p.id.clone()
            } else {
                report.unchanged.push(old_id.clone());
                old_id
            }
        }
        Some((id, old_version)) => {
            match (p.version, old_version) {
                (Some(new), Some(old)) if new > old => {
                    update(tx, &id, p, Some(now), now)?;
                    report.updated.push(id.clone());
                    report.new_versions.push(NewVersion {
                        id: id.clone(),
                        from: old,
                        to: new,
                    });
                }
                (Some(new), Some(old)) if new < old => report.unchanged.push(id.clone()),
                _ if merge == Merge::Refresh && stored_differs(tx, &id, p)? => {
                    update(tx, &id, p, None, now)?;
                    report.updated.push(id.clone());
                }
                _ => report.unchanged.push(id.clone()),
            }
            id
        }
    };
    adopt_bib_extras(tx, &final_id, item)?;
    for tag in &item.tags {
        super::tags::attach(tx, &final_id, tag, now)?;
    }
    Ok(())
}

fn stored_differs(tx: &Transaction<'_>, id: &str, p: &Paper) -> Result<bool> {
    let sql = format!("SELECT {COLUMNS} FROM papers p WHERE p.id = ?1");
    let stored = tx.prepare_cached(&sql)?.query_row([id], read_record)??;
    Ok(stored.paper != *p)
}

fn time_text(t: &Option<DateTime<Utc>>) -> Option<String> {
    t.as_ref().map(format_timestamp)
}

/// A paper's metadata as column values, bound by name so INSERT and
/// UPDATE share one list.
struct MetadataColumns {
    authors: String,
    categories: String,
    published: Option<String>,
    updated: Option<String>,
}

impl MetadataColumns {
    fn of(p: &Paper) -> Self {
        MetadataColumns {
            authors: authors_json(&p.authors),
            categories: p.categories.join(" "),
            published: time_text(&p.published),
            updated: time_text(&p.updated),
        }
    }

    fn bind<'a>(&'a self, p: &'a Paper) -> Vec<(&'static str, &'a dyn ToSql)> {
        vec![
            (":id", &p.id),
            (":version", &p.version),
            (":title", &p.title),
            (":abstract", &p.abstract_text),
            (":authors", &self.authors),
            (":categories", &self.categories),
            (":primary_category", &p.primary_category),
            (":published", &self.published),
            (":updated", &self.updated),
            (":comment", &p.comment),
            (":journal_ref", &p.journal_ref),
            (":doi", &p.doi),
            (":abs_url", &p.abs_url),
            (":pdf_url", &p.pdf_url),
        ]
    }
}

fn insert(
    tx: &Transaction<'_>,
    item: &Incoming,
    source: &str,
    now: &str,
    keys: &mut KeyAllocator,
) -> Result<()> {
    let p = &item.paper;
    let key = keys.allocate(tx, item)?;
    let columns = MetadataColumns::of(p);
    let bib_type = item.bib.as_ref().map(|b| b.kind.clone());
    let bib_extra = bib_extra_json(item);
    let mut values = columns.bind(p);
    values.extend([
        (":source", &source as &dyn ToSql),
        (":citekey", &key),
        (":now", &now),
        (":bib_type", &bib_type),
        (":bib_extra", &bib_extra),
    ]);
    tx.prepare_cached(
        "INSERT INTO papers (id, source, version, seen_version, title, abstract, authors, categories, \
         primary_category, published, updated, comment, journal_ref, doi, abs_url, pdf_url, citekey, \
         added_at, modified_at, bib_type, bib_extra) \
         VALUES (:id, :source, :version, :version, :title, :abstract, :authors, :categories, \
         :primary_category, :published, :updated, :comment, :journal_ref, :doi, :abs_url, :pdf_url, \
         :citekey, :now, :now, :bib_type, :bib_extra)",
    )?
    .execute(values.as_slice())?;
    Ok(())
}

fn bib_extra_json(item: &Incoming) -> Option<String> {
    item.bib
        .as_ref()
        .and_then(|b| serde_json::to_string(&b.fields).ok())
}

/// Keeps BibTeX extras from an import on a paper that had none.
fn adopt_bib_extras(tx: &Transaction<'_>, id: &str, item: &Incoming) -> Result<()> {
    if let Some(bib) = &item.bib {
        tx.prepare_cached(
            "UPDATE papers SET bib_type = ?2, bib_extra = ?3 WHERE id = ?1 AND bib_type IS NULL",
        )?
        .execute(params![id, bib.kind, bib_extra_json(item)])?;
    }
    Ok(())
}

fn update(
    tx: &Transaction<'_>,
    old_id: &str,
    p: &Paper,
    version_changed: Option<&str>,
    now: &str,
) -> Result<()> {
    let columns = MetadataColumns::of(p);
    let mut values = columns.bind(p);
    values.extend([
        (":old_id", &old_id as &dyn ToSql),
        (":now", &now),
        (":version_changed", &version_changed),
    ]);
    tx.prepare_cached(
        "UPDATE papers SET id = :id, version = :version, title = :title, abstract = :abstract, \
         authors = :authors, categories = :categories, primary_category = :primary_category, \
         published = :published, updated = :updated, comment = :comment, journal_ref = :journal_ref, \
         doi = :doi, abs_url = :abs_url, pdf_url = :pdf_url, modified_at = :now, \
         version_changed_at = coalesce(:version_changed, version_changed_at), \
         seen_version = coalesce(seen_version, :version) \
         WHERE id = :old_id",
    )?
    .execute(values.as_slice())?;
    Ok(())
}

/// Hands out free citation keys within one transaction. It remembers, per
/// base key, the next suffix to try, so a batch of papers sharing a base
/// (same first author, year and title word) costs one lookup each, not a
/// walk through every suffix already taken.
#[derive(Default)]
struct KeyAllocator {
    next_suffix: std::collections::HashMap<String, usize>,
}

impl KeyAllocator {
    fn allocate(&mut self, tx: &Transaction<'_>, item: &Incoming) -> Result<String> {
        let mut taken = tx.prepare_cached("SELECT 1 FROM papers WHERE citekey = ?1")?;
        if let Some(key) = item
            .citekey
            .as_deref()
            .map(str::trim)
            .filter(|k| !k.is_empty())
        {
            if !taken.exists([key])? {
                return Ok(key.to_string());
            }
        }
        let base = citekey::base_key(&item.paper);
        if !self.next_suffix.contains_key(&base) && !taken.exists([&base])? {
            self.next_suffix.insert(base.clone(), 0);
            return Ok(base);
        }
        let mut n = match self.next_suffix.get(&base) {
            Some(n) => *n,
            None => self.first_free_suffix(tx, &base)?,
        };
        loop {
            let candidate = citekey::suffixed(&base, n);
            n += 1;
            if !taken.exists([&candidate])? {
                self.next_suffix.insert(base, n);
                return Ok(candidate);
            }
        }
    }

    /// The lowest suffix not yet used for `base` in the library.
    fn first_free_suffix(&self, tx: &Transaction<'_>, base: &str) -> Result<usize> {
        let mut stmt = tx.prepare_cached(
            "SELECT citekey FROM papers WHERE citekey > ?1 AND citekey < ?1 || '{'",
        )?;
        let used: std::collections::HashSet<String> = stmt
            .query_map([base], |r| r.get(0))?
            .collect::<rusqlite::Result<_>>()?;
        Ok((0..)
            .find(|n| !used.contains(&citekey::suffixed(base, *n)))
            .unwrap_or(0))
    }
}

#[cfg(test)]
mod tests;
