//! BibTeX/BibLaTeX in and out, in the shape Zotero, papis and BibLaTeX read:
//! `eprint` + `eprinttype = {arXiv}` + `eprintclass` (with the older
//! `archiveprefix`/`primaryclass` alongside), stable citation keys, tags as
//! `keywords`. Fields litradar does not model are kept and written back, so
//! an imported Zotero entry leaves as it came.

mod groups;
mod journals;
mod keys;
mod parse;

pub use groups::Group;
pub use parse::{BibEntry, BibError, Read, month_number, parse, read};

use crate::arxiv::ArxivId;
use crate::formats::latex::{Decode, balance_braces, decode, encode};
use crate::paper::{Author, Paper, fold_whitespace, format_timestamp, parse_timestamp};
use crate::record::{BibExtras, Incoming, PaperRecord};
use chrono::{NaiveDate, TimeZone, Utc};

/// Fields litradar maps to its own; everything else travels in [`BibExtras`].
const MAPPED: &[&str] = &[
    "title",
    "author",
    "abstract",
    "eprint",
    "eprinttype",
    "archiveprefix",
    "eprintclass",
    "primaryclass",
    "version",
    "doi",
    "url",
    "note",
    "howpublished",
    "keywords",
    "arxivid",
    "arxivcategories",
    "arxivpublished",
    "arxivupdated",
    "arxivpdf",
    "arxivaffiliations",
];

/// Fields whose comma-separated words become tags: keywords, JabRef's
/// groups, Mendeley's tags and folders. Only `keywords` is mapped; the
/// others also stay as they are, so JabRef and Mendeley read them back.
const TAG_FIELDS: &[&str] = &["keywords", "groups", "mendeley-tags", "mendeley-groups"];

/// Fields that carry the date; mapped for arXiv papers (litradar writes
/// them back exactly), kept verbatim for other entries.
const DATE_FIELDS: &[&str] = &["year", "month", "date"];

const MONTH_MACROS: [&str; 12] = [
    "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec",
];

/// Turns one entry into a paper on its way into the library.
pub fn to_incoming(entry: &BibEntry) -> Result<Incoming, super::RecordError> {
    let field = |name: &str| entry.get(name).map(str::trim).filter(|v| !v.is_empty());
    let arxiv = find_arxiv_id(entry);
    let title = field("title")
        .map(|t| fold_whitespace(&decode(t, Decode::Full)))
        .filter(|t| !t.is_empty())
        .ok_or_else(|| super::RecordError::NoTitle(entry.key.clone()))?;
    let authors = field("author")
        .or_else(|| field("editor"))
        .map(split_names)
        .unwrap_or_default();
    let mut authors: Vec<Author> = authors.into_iter().map(Author::named).collect();
    if let Some(affs) = field("arxivaffiliations") {
        for (author, list) in authors.iter_mut().zip(affs.split('|')) {
            author.affiliations = list
                .split(';')
                .map(|a| decode(a.trim(), Decode::Full))
                .filter(|a| !a.is_empty())
                .collect();
        }
    }
    let doi = field("doi").map(clean_doi).filter(|d| !d.is_empty());
    let version = arxiv.as_ref().map(|id| {
        field("version")
            .and_then(|v| v.parse::<u32>().ok())
            .filter(|v| *v > 0)
            .or(id.version())
            .unwrap_or(1)
    });
    let primary = field("eprintclass")
        .or_else(|| field("primaryclass"))
        .map(str::to_string);
    let categories: Vec<String> = match field("arxivcategories") {
        Some(list) => list.split_whitespace().map(str::to_string).collect(),
        None => primary.iter().cloned().collect(),
    };
    // An entry litradar wrote carries its exact dates in arxiv* fields; its
    // year/month/date are then only for bibliographies (and, for a paper
    // without dates, come from the id).
    let ours = [
        "arxivpublished",
        "arxivupdated",
        "arxivcategories",
        "arxivpdf",
    ]
    .iter()
    .any(|name| field(name).is_some());
    let published = match field("arxivpublished") {
        Some(p) => parse_timestamp(p),
        None if ours => None,
        None => date_from_fields(entry).map(|date| first_version_month(date, arxiv.as_ref())),
    };
    // A later date in the file is a newer version's (Zotero and arXiv's
    // export write the newest version's date).
    let file_date = (!ours).then(|| date_from_fields(entry)).flatten();
    let updated = field("arxivupdated")
        .and_then(parse_timestamp)
        .or(file_date.filter(|d| published.is_some_and(|p| *d > p)))
        .or(published);
    let journal_ref = field("howpublished")
        .map(|h| fold_whitespace(&decode(h, Decode::Full)))
        .or_else(|| venue(entry));
    let id = match (&arxiv, &doi) {
        (Some(a), _) => a.base().to_string(),
        (None, Some(d)) => format!("doi:{}", d.to_lowercase()),
        (None, None) => format!("bib:{}", entry.key),
    };
    let derived = |kind: &str| {
        arxiv.as_ref().map(|a| {
            format!(
                "https://arxiv.org/{kind}/{}v{}",
                a.base(),
                version.unwrap_or(1)
            )
        })
    };
    let mut paper = Paper {
        id,
        version,
        title,
        abstract_text: field("abstract")
            .map(|a| fold_whitespace(&decode(a, Decode::Accents)))
            .unwrap_or_default(),
        authors,
        categories,
        primary_category: primary,
        published,
        updated,
        comment: field("note").map(|n| fold_whitespace(&decode(n, Decode::Full))),
        journal_ref,
        doi,
        abs_url: field("url").map(str::to_string).or_else(|| derived("abs")),
        pdf_url: field("arxivpdf")
            .map(str::to_string)
            .or_else(|| derived("pdf")),
    };
    paper.normalize_categories();
    let mut tags: Vec<String> = Vec::new();
    for list in TAG_FIELDS.iter().filter_map(|name| field(name)) {
        for tag in list.split([',', ';']) {
            let tag = fold_whitespace(&decode(tag, Decode::Full));
            if !tag.is_empty() && !tags.iter().any(|t| t.eq_ignore_ascii_case(&tag)) {
                tags.push(tag);
            }
        }
    }
    let keep_dates = arxiv.is_none();
    let extras: Vec<(String, String)> = entry
        .fields
        .iter()
        .filter(|(name, _)| !MAPPED.contains(&name.as_str()))
        .filter(|(name, _)| keep_dates || !DATE_FIELDS.contains(&name.as_str()))
        .cloned()
        .collect();
    Ok(Incoming {
        paper,
        tags,
        citekey: Some(entry.key.clone()),
        bib: Some(BibExtras {
            kind: entry.kind.clone(),
            fields: extras,
        }),
    })
}

/// Writes records as a `.bib` file.
pub fn write(records: &[PaperRecord]) -> String {
    let mut out = String::new();
    for (i, record) in records.iter().enumerate() {
        if i > 0 {
            out.push('\n');
        }
        write_entry(&mut out, record);
    }
    out
}

enum Value {
    Braced(String),
    Bare(String),
}

fn write_entry(out: &mut String, record: &PaperRecord) {
    let p = &record.paper;
    let extras = record.bib.as_ref();
    let has_extra = |name: &str| extras.is_some_and(|b| b.fields.iter().any(|(n, _)| n == name));
    let mut fields: Vec<(&str, Value)> = vec![("title", Value::Braced(encode(&p.title, true)))];
    if !p.authors.is_empty() {
        let names: Vec<String> = p.authors.iter().map(|a| bib_name(&a.name)).collect();
        fields.push(("author", Value::Braced(names.join(" and "))));
    }
    if let Some(date) = p
        .published
        .or(p.updated)
        .filter(|_| !has_extra("year") && !has_extra("date"))
    {
        fields.push(("year", Value::Braced(date.format("%Y").to_string())));
        let month = date.format("%m").to_string().parse::<usize>().unwrap_or(1);
        fields.push((
            "month",
            Value::Bare(MONTH_MACROS[(month.clamp(1, 12)) - 1].to_string()),
        ));
        fields.push(("date", Value::Braced(date.format("%Y-%m-%d").to_string())));
    } else if let Some(year) = p
        .year()
        .filter(|_| !has_extra("year") && !has_extra("date"))
    {
        fields.push(("year", Value::Braced(year.to_string())));
    }
    if let Some(version) = p.version {
        fields.push(("eprint", Value::Braced(p.id.clone())));
        fields.push(("eprinttype", Value::Braced("arXiv".into())));
        fields.push(("archiveprefix", Value::Braced("arXiv".into())));
        if let Some(primary) = &p.primary_category {
            fields.push(("eprintclass", Value::Braced(primary.clone())));
            fields.push(("primaryclass", Value::Braced(primary.clone())));
        }
        fields.push(("version", Value::Braced(version.to_string())));
    }
    if let Some(doi) = &p.doi {
        fields.push(("doi", Value::Braced(doi.clone())));
    }
    if let Some(url) = &p.abs_url {
        fields.push(("url", Value::Braced(url.clone())));
    }
    if let Some(comment) = &p.comment {
        fields.push(("note", Value::Braced(encode(comment, false))));
    }
    if let Some(journal) = &p.journal_ref {
        // An entry that came with its journal goes back with it, as it came.
        if !(has_extra("journal") || has_extra("booktitle")) {
            fields.push(("howpublished", Value::Braced(encode(journal, false))));
        }
    }
    if !record.tags.is_empty() {
        fields.push((
            "keywords",
            Value::Braced(encode(&record.tags.join(", "), false)),
        ));
    }
    if !p.abstract_text.is_empty() {
        fields.push(("abstract", Value::Braced(balance_braces(&p.abstract_text))));
    }
    if p.is_arxiv() {
        if !p.categories.is_empty() {
            fields.push(("arxivcategories", Value::Braced(p.categories.join(" "))));
        }
        if let Some(t) = &p.published {
            fields.push(("arxivpublished", Value::Braced(format_timestamp(t))));
        }
        if let Some(t) = &p.updated {
            fields.push(("arxivupdated", Value::Braced(format_timestamp(t))));
        }
        if let Some(pdf) = &p.pdf_url {
            fields.push(("arxivpdf", Value::Braced(pdf.clone())));
        }
    }
    if p.authors.iter().any(|a| !a.affiliations.is_empty()) {
        let lists: Vec<String> = p
            .authors
            .iter()
            .map(|a| encode(&a.affiliations.join("; "), false))
            .collect();
        fields.push(("arxivaffiliations", Value::Braced(lists.join(" | "))));
    }
    if let Some(extras) = extras {
        for (name, value) in &extras.fields {
            fields.push((name.as_str(), Value::Braced(balance_braces(value))));
        }
    }
    let kind = extras.map_or("misc", |b| b.kind.as_str());
    out.push_str(&format!("@{kind}{{{},\n", record.citekey));
    for (name, value) in fields {
        match value {
            Value::Braced(v) => out.push_str(&format!("  {name} = {{{v}}},\n")),
            Value::Bare(v) => out.push_str(&format!("  {name} = {v},\n")),
        }
    }
    out.push_str("}\n");
}

/// A name as BibTeX should see it: names that contain " and " or a comma
/// are braced so they stay one author.
fn bib_name(name: &str) -> String {
    let lower = name.to_lowercase();
    if lower.contains(" and ") || name.contains(',') {
        format!("{{{}}}", encode(name, false))
    } else {
        encode(name, false)
    }
}

/// Splits `A and B and others` at top-level "and"s and turns "Last, First"
/// into "First Last".
fn split_names(text: &str) -> Vec<String> {
    let chars: Vec<char> = text.chars().collect();
    let mut names = Vec::new();
    let mut depth = 0usize;
    let mut start = 0;
    let mut i = 0;
    while i < chars.len() {
        match chars[i] {
            '{' => depth += 1,
            '}' => depth = depth.saturating_sub(1),
            c if depth == 0 && c.is_whitespace() => {
                let is_and = chars
                    .get(i + 1..i + 4)
                    .is_some_and(|w| w.iter().collect::<String>().eq_ignore_ascii_case("and"))
                    && chars.get(i + 4).is_some_and(|c| c.is_whitespace());
                if is_and {
                    names.push(chars[start..i].iter().collect::<String>());
                    start = i + 4;
                    i += 4;
                    continue;
                }
            }
            _ => {}
        }
        i += 1;
    }
    names.push(chars[start..].iter().collect());
    names
        .into_iter()
        .map(|n| n.trim().to_string())
        .filter(|n| !n.is_empty() && !n.eq_ignore_ascii_case("others"))
        .map(|n| natural_order(&n))
        .filter(|n| !n.is_empty())
        .collect()
}

fn natural_order(name: &str) -> String {
    // Split at top-level commas only: "{Barnes and Noble, Inc.}" is one name.
    let mut parts = Vec::new();
    let mut depth = 0usize;
    let mut current = String::new();
    for c in name.chars() {
        match c {
            '{' => depth += 1,
            '}' => depth = depth.saturating_sub(1),
            ',' if depth == 0 => {
                parts.push(std::mem::take(&mut current));
                continue;
            }
            _ => {}
        }
        current.push(c);
    }
    parts.push(current);
    let decoded: Vec<String> = parts
        .iter()
        .map(|p| fold_whitespace(&decode(p, Decode::Full)))
        .collect();
    match decoded.as_slice() {
        [last, first] if !first.is_empty() => format!("{first} {last}"),
        [last, jr, first] if !first.is_empty() => format!("{first} {last} {jr}"),
        _ => decoded.join(" ").trim().to_string(),
    }
}

fn clean_doi(doi: &str) -> String {
    let d = doi.trim();
    for prefix in [
        "https://doi.org/",
        "http://doi.org/",
        "https://dx.doi.org/",
        "http://dx.doi.org/",
        "doi:",
    ] {
        // `get`, not indexing: the cut may fall inside a multi-byte character.
        if d.get(..prefix.len())
            .is_some_and(|head| head.eq_ignore_ascii_case(prefix))
        {
            return d[prefix.len()..].trim().to_string();
        }
    }
    d.to_string()
}

fn find_arxiv_id(entry: &BibEntry) -> Option<ArxivId> {
    let field = |name: &str| entry.get(name).map(str::trim).filter(|v| !v.is_empty());
    if let Some(eprint) = field("eprint") {
        let prefix = field("eprinttype").or_else(|| field("archiveprefix"));
        if prefix.is_none_or(|p| p.eq_ignore_ascii_case("arxiv")) {
            if let Ok(id) = ArxivId::parse(eprint) {
                return Some(id);
            }
        }
    }
    if let Some(id) = field("arxivid").and_then(|v| ArxivId::parse(v).ok()) {
        return Some(id);
    }
    ["url", "journal", "note", "howpublished", "volume"]
        .iter()
        .filter_map(|name| field(name))
        .find_map(arxiv_id_in_text)
}

/// Finds `arXiv:ID` or an arxiv.org abs/pdf URL inside free text.
fn arxiv_id_in_text(text: &str) -> Option<ArxivId> {
    // ASCII lowercasing keeps byte offsets valid in `text`.
    let lower = text.to_ascii_lowercase();
    for marker in ["arxiv.org/abs/", "arxiv.org/pdf/", "arxiv:"] {
        if let Some(pos) = lower.find(marker) {
            let rest = &text[pos + marker.len()..];
            let token: String = rest
                .chars()
                .take_while(|c| !c.is_whitespace() && !"]},;".contains(*c))
                .collect();
            let token = token.trim_end_matches(".pdf");
            if let Ok(id) = ArxivId::parse(token) {
                return Some(id);
            }
        }
    }
    None
}

fn date_from_fields(entry: &BibEntry) -> Option<chrono::DateTime<Utc>> {
    let field = |name: &str| entry.get(name).map(str::trim).filter(|v| !v.is_empty());
    let day = if let Some(date) = field("date") {
        let mut parts = date.split(['-', '/']).map(|p| p.trim().parse::<u32>().ok());
        let year = parts.next()??;
        let month = parts.next().flatten().unwrap_or(1);
        let day = parts.next().flatten().unwrap_or(1);
        NaiveDate::from_ymd_opt(year as i32, month, day)?
    } else {
        let year: i32 = field("year")?
            .chars()
            .filter(char::is_ascii_digit)
            .collect::<String>()
            .parse()
            .ok()?;
        let month = field("month").and_then(month_number).unwrap_or(1);
        NaiveDate::from_ymd_opt(year, month, 1)?
    };
    Some(Utc.from_utc_datetime(&day.and_hms_opt(0, 0, 0)?))
}

/// An arXiv paper's date is its first version's: the id says the month.
/// Other dates in a file are a journal's year (NASA ADS) or the newest
/// version's year (arXiv's own export writes 2023 for 1706.03762), so a
/// date in another month gives way to the id's; one in the id's month is
/// kept, day and all.
fn first_version_month(
    date: chrono::DateTime<Utc>,
    arxiv: Option<&ArxivId>,
) -> chrono::DateTime<Utc> {
    use chrono::Datelike;
    let Some(month) = arxiv.and_then(ArxivId::month) else {
        return date;
    };
    if format!("{:04}-{:02}", date.year(), date.month()) == month {
        return date;
    }
    NaiveDate::parse_from_str(&format!("{month}-01"), "%Y-%m-%d")
        .ok()
        .and_then(|day| day.and_hms_opt(0, 0, 0))
        .map_or(date, |t| Utc.from_utc_datetime(&t))
}

/// "Nature 521(7553), 436-444 (2015)" from the usual fields.
fn venue(entry: &BibEntry) -> Option<String> {
    let field = |name: &str| {
        entry
            .get(name)
            .map(|v| fold_whitespace(&decode(v, Decode::Full)))
            .filter(|v| !v.is_empty())
    };
    // ADS leaves `journal = {\apj}` for AASTeX to expand.
    let aas = entry.get("journal").and_then(journals::aas_journal);
    let mut text = aas
        .map(str::to_string)
        .or_else(|| field("journal"))
        .or_else(|| field("booktitle"))?;
    // Google Scholar's "arXiv preprint arXiv:…" and dblp's "CoRR" name the
    // preprint itself, not a journal it appeared in.
    if text.to_lowercase().contains("arxiv") || text.eq_ignore_ascii_case("corr") {
        return None;
    }
    if let Some(volume) = field("volume") {
        text.push_str(&format!(" {volume}"));
        if let Some(number) = field("number") {
            text.push_str(&format!("({number})"));
        }
    }
    if let Some(pages) = field("pages") {
        text.push_str(&format!(", {}", pages.replace("--", "-")));
    }
    if let Some(year) = field("year") {
        text.push_str(&format!(" ({year})"));
    }
    Some(text)
}

#[cfg(test)]
mod tests;
