//! Streaming parser for the arXiv API's Atom feeds (Atom 1.0 + OpenSearch +
//! the `arxiv:` extension), both the current and the legacy layout.
//!
//! It never panics: malformed, truncated or hostile input becomes an
//! [`AtomError`]; unknown elements and elements in foreign namespaces are
//! skipped. The API's error feed (one entry titled "Error") becomes
//! [`AtomError::Api`], never a paper.

use crate::arxiv::ArxivId;
use crate::paper::{Author, Paper, fold_whitespace, parse_timestamp};
use quick_xml::NsReader;
use quick_xml::events::{BytesStart, Event};
use quick_xml::name::ResolveResult;

const ATOM_NS: &str = "http://www.w3.org/2005/Atom";
const ARXIV_NS: &str = "http://arxiv.org/schemas/atom";
const OPENSEARCH_NS: &str = "http://a9.com/-/spec/opensearch/1.1/";

/// No arXiv field comes near this; a bigger one means the input is not a feed.
const MAX_FIELD_BYTES: usize = 1 << 20;

/// One page of API results.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Feed {
    /// `opensearch:totalResults`: the size of the whole result set.
    pub total_results: Option<u64>,
    /// `opensearch:startIndex`: offset of this page.
    pub start_index: Option<u64>,
    /// `opensearch:itemsPerPage`: the page size asked for.
    pub items_per_page: Option<u64>,
    /// The papers on this page, in feed order.
    pub entries: Vec<Paper>,
}

/// Why a document could not be read as an arXiv feed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum AtomError {
    /// The API answered with its error feed.
    #[error("the arXiv API reported an error: {0}")]
    Api(String),
    /// The document is not well-formed XML (or ends early).
    #[error("malformed Atom feed at byte {position}: {message}")]
    Malformed {
        /// Byte offset where the problem was found.
        position: u64,
        /// What the XML reader saw.
        message: String,
    },
    /// Well-formed XML, but not an Atom feed.
    #[error("not an Atom feed: {0}")]
    NotAFeed(String),
    /// One entry is unusable (no id, no title, a bad date...).
    #[error("entry {index} of the feed: {message}")]
    Entry {
        /// 1-based position of the entry in the feed.
        index: usize,
        /// What is wrong with it.
        message: String,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Ns {
    Atom,
    Arxiv,
    OpenSearch,
    Other,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Field {
    TotalResults,
    StartIndex,
    ItemsPerPage,
    Id,
    Title,
    Summary,
    Updated,
    Published,
    Comment,
    JournalRef,
    Doi,
    AuthorName,
    Affiliation,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Elem {
    Feed,
    Entry,
    Author,
    Capture,
    Other,
}

#[derive(Default)]
struct EntryBuilder {
    id: Option<String>,
    title: Option<String>,
    summary: Option<String>,
    updated: Option<String>,
    published: Option<String>,
    comment: Option<String>,
    journal_ref: Option<String>,
    doi: Option<String>,
    doi_link: Option<String>,
    abs_url: Option<String>,
    pdf_url: Option<String>,
    categories: Vec<String>,
    primary_category: Option<String>,
    authors: Vec<Author>,
}

struct Capture {
    field: Field,
    text: String,
    depth: usize,
}

/// Parses one API response body.
pub fn parse_feed(bytes: &[u8]) -> Result<Feed, AtomError> {
    let text = std::str::from_utf8(bytes).map_err(|e| AtomError::Malformed {
        position: e.valid_up_to() as u64,
        message: "the document is not valid UTF-8".into(),
    })?;
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    Parser::default().run(text)
}

#[derive(Default)]
struct Parser {
    feed: Feed,
    stack: Vec<Elem>,
    entry: Option<EntryBuilder>,
    entry_count: usize,
    capture: Option<Capture>,
    api_error: Option<String>,
    root_seen: bool,
    root_closed: bool,
}

impl Parser {
    fn run(mut self, text: &str) -> Result<Feed, AtomError> {
        let mut reader = NsReader::from_str(text);
        reader.config_mut().expand_empty_elements = true;
        loop {
            let position = reader.buffer_position();
            let (ns, event) = match reader.read_resolved_event() {
                Ok((ns, event)) => (classify(&ns), event),
                Err(e) => {
                    return Err(AtomError::Malformed {
                        position: reader.error_position().max(position),
                        message: e.to_string(),
                    });
                }
            };
            match event {
                Event::Start(start) => self.start(ns, &start)?,
                Event::End(_) => self.end()?,
                Event::Text(t) => self.push_text(&t.xml10_content())?,
                Event::CData(c) => self.push_text(&c.xml10_content())?,
                Event::GeneralRef(r) => {
                    let resolved = match r.resolve_char_ref() {
                        Ok(Some(c)) => c.to_string(),
                        Ok(None) => match &*r {
                            "lt" => "<".into(),
                            "gt" => ">".into(),
                            "amp" => "&".into(),
                            "quot" => "\"".into(),
                            "apos" => "'".into(),
                            other => format!("&{other};"),
                        },
                        Err(_) => format!("&{};", &*r),
                    };
                    self.push_text(&resolved)?;
                }
                Event::Eof => break,
                _ => {}
            }
        }
        if !self.root_seen {
            return Err(AtomError::NotAFeed(
                "the document has no root element".into(),
            ));
        }
        if !self.root_closed {
            let inside = if self.entry.is_some() {
                format!("entry {}", self.entry_count)
            } else {
                "the feed".into()
            };
            return Err(AtomError::Malformed {
                position: text.len() as u64,
                message: format!("the document ends early, inside {inside} (truncated response?)"),
            });
        }
        if let Some(message) = self.api_error {
            return Err(AtomError::Api(message));
        }
        Ok(self.feed)
    }

    fn start(&mut self, ns: Ns, start: &BytesStart<'_>) -> Result<(), AtomError> {
        let local = start.local_name();
        let name: &str = local.as_ref();
        let parent = self.stack.last().copied();
        let elem = match parent {
            None => {
                if self.root_seen {
                    Elem::Other
                } else if ns == Ns::Atom && name == "feed" {
                    self.root_seen = true;
                    Elem::Feed
                } else {
                    return Err(AtomError::NotAFeed(format!(
                        "the root element is <{}>, not an Atom <feed>",
                        String::from_utf8_lossy(start.name().as_ref().as_bytes())
                    )));
                }
            }
            Some(Elem::Feed) => match (ns, name) {
                (Ns::Atom, "entry") => {
                    self.entry = Some(EntryBuilder::default());
                    self.entry_count += 1;
                    Elem::Entry
                }
                (Ns::OpenSearch, "totalResults") => self.begin_capture(Field::TotalResults),
                (Ns::OpenSearch, "startIndex") => self.begin_capture(Field::StartIndex),
                (Ns::OpenSearch, "itemsPerPage") => self.begin_capture(Field::ItemsPerPage),
                _ => Elem::Other,
            },
            Some(Elem::Entry) => match (ns, name) {
                (Ns::Atom, "id") => self.begin_capture(Field::Id),
                (Ns::Atom, "title") => self.begin_capture(Field::Title),
                (Ns::Atom, "summary") => self.begin_capture(Field::Summary),
                (Ns::Atom, "updated") => self.begin_capture(Field::Updated),
                (Ns::Atom, "published") => self.begin_capture(Field::Published),
                (Ns::Arxiv, "comment") => self.begin_capture(Field::Comment),
                (Ns::Arxiv, "journal_ref") => self.begin_capture(Field::JournalRef),
                (Ns::Arxiv, "doi") => self.begin_capture(Field::Doi),
                (Ns::Atom, "author") => {
                    if let Some(entry) = self.entry.as_mut() {
                        entry.authors.push(Author::default());
                    }
                    Elem::Author
                }
                (Ns::Atom, "link") => {
                    self.link(start)?;
                    Elem::Other
                }
                (Ns::Atom, "category") => {
                    if let (Some(term), Some(entry)) =
                        (attribute(start, "term")?, self.entry.as_mut())
                    {
                        entry.categories.push(term);
                    }
                    Elem::Other
                }
                (Ns::Arxiv, "primary_category") => {
                    if let (Some(term), Some(entry)) =
                        (attribute(start, "term")?, self.entry.as_mut())
                    {
                        entry.primary_category = Some(term);
                    }
                    Elem::Other
                }
                _ => Elem::Other,
            },
            Some(Elem::Author) => match (ns, name) {
                (Ns::Atom, "name") => self.begin_capture(Field::AuthorName),
                (Ns::Arxiv, "affiliation") => self.begin_capture(Field::Affiliation),
                _ => Elem::Other,
            },
            Some(Elem::Capture | Elem::Other) => Elem::Other,
        };
        self.stack.push(elem);
        Ok(())
    }

    fn begin_capture(&mut self, field: Field) -> Elem {
        self.capture = Some(Capture {
            field,
            text: String::new(),
            depth: self.stack.len() + 1,
        });
        Elem::Capture
    }

    fn push_text(&mut self, text: &str) -> Result<(), AtomError> {
        if let Some(capture) = self.capture.as_mut() {
            if capture.text.len() + text.len() > MAX_FIELD_BYTES {
                return Err(AtomError::Entry {
                    index: self.entry_count,
                    message: format!(
                        "a {:?} field is larger than 1 MiB; this is not an arXiv feed",
                        capture.field
                    ),
                });
            }
            capture.text.push_str(text);
        }
        Ok(())
    }

    fn end(&mut self) -> Result<(), AtomError> {
        let depth = self.stack.len();
        let Some(elem) = self.stack.pop() else {
            return Ok(());
        };
        if self.capture.as_ref().is_some_and(|c| c.depth == depth) {
            if let Some(capture) = self.capture.take() {
                self.finish_capture(capture)?;
            }
        }
        match elem {
            Elem::Entry => self.finish_entry()?,
            Elem::Feed => self.root_closed = true,
            _ => {}
        }
        Ok(())
    }

    fn finish_capture(&mut self, capture: Capture) -> Result<(), AtomError> {
        let Capture { field, text, .. } = capture;
        let number = |text: &str| -> Result<Option<u64>, AtomError> {
            text.trim()
                .parse::<u64>()
                .map(Some)
                .map_err(|_| AtomError::Malformed {
                    position: 0,
                    message: format!("opensearch:{field:?} '{}' is not a number", text.trim()),
                })
        };
        match field {
            Field::TotalResults => self.feed.total_results = number(&text)?,
            Field::StartIndex => self.feed.start_index = number(&text)?,
            Field::ItemsPerPage => self.feed.items_per_page = number(&text)?,
            _ => {
                let Some(entry) = self.entry.as_mut() else {
                    return Ok(());
                };
                let folded = fold_whitespace(&text);
                let value = (!folded.is_empty()).then_some(folded);
                match field {
                    Field::Id => entry.id = value,
                    Field::Title => entry.title = value,
                    Field::Summary => entry.summary = value,
                    Field::Updated => entry.updated = value,
                    Field::Published => entry.published = value,
                    Field::Comment => entry.comment = value,
                    Field::JournalRef => entry.journal_ref = value,
                    Field::Doi => entry.doi = value,
                    Field::AuthorName => {
                        if let (Some(author), Some(name)) = (entry.authors.last_mut(), value) {
                            author.name = name;
                        }
                    }
                    Field::Affiliation => {
                        if let (Some(author), Some(aff)) = (entry.authors.last_mut(), value) {
                            author.affiliations.push(aff);
                        }
                    }
                    _ => {}
                }
            }
        }
        Ok(())
    }

    fn link(&mut self, start: &BytesStart<'_>) -> Result<(), AtomError> {
        let href = attribute(start, "href")?;
        let rel = attribute(start, "rel")?;
        let title = attribute(start, "title")?;
        let (Some(entry), Some(href)) = (self.entry.as_mut(), href) else {
            return Ok(());
        };
        match (title.as_deref(), rel.as_deref()) {
            (Some("pdf"), _) => entry.pdf_url = Some(href),
            (Some("doi"), _) => entry.doi_link = Some(href),
            (_, Some("alternate")) | (None, None) if entry.abs_url.is_none() => {
                entry.abs_url = Some(href)
            }
            _ => {}
        }
        Ok(())
    }

    fn finish_entry(&mut self) -> Result<(), AtomError> {
        let Some(b) = self.entry.take() else {
            return Ok(());
        };
        let index = self.entry_count;
        let fail = |message: String| AtomError::Entry { index, message };
        let raw_id = b.id.clone().ok_or_else(|| fail("it has no <id>".into()))?;
        if raw_id.contains("/api/errors")
            || (b.title.as_deref() == Some("Error") && ArxivId::parse(&raw_id).is_err())
        {
            let message = b.summary.or(b.title).unwrap_or_else(|| raw_id.clone());
            self.api_error.get_or_insert(message);
            return Ok(());
        }
        let id = ArxivId::parse(&raw_id).map_err(|e| fail(format!("its <id> is unusable: {e}")))?;
        let title = b
            .title
            .ok_or_else(|| fail(format!("{id} has no <title>")))?;
        let date = |value: Option<String>, what: &str| match value {
            None => Ok(None),
            Some(s) => parse_timestamp(&s)
                .map(Some)
                .ok_or_else(|| fail(format!("{id}: <{what}> '{s}' is not an RFC 3339 date"))),
        };
        let published = date(b.published, "published")?;
        let updated = date(b.updated, "updated")?.or(published);
        let doi = b
            .doi
            .or_else(|| b.doi_link.as_deref().and_then(doi_from_link));
        let version = id.version().unwrap_or(1);
        let mut paper = Paper {
            id: id.base().to_string(),
            version: Some(version),
            title,
            abstract_text: b.summary.unwrap_or_default(),
            authors: b
                .authors
                .into_iter()
                .filter(|a| !a.name.is_empty())
                .collect(),
            categories: b.categories,
            primary_category: b.primary_category,
            published,
            updated,
            comment: b.comment,
            journal_ref: b.journal_ref,
            doi,
            abs_url: b.abs_url,
            pdf_url: b.pdf_url,
        };
        paper.normalize_categories();
        self.feed.entries.push(paper);
        Ok(())
    }
}

fn classify(ns: &ResolveResult<'_>) -> Ns {
    match ns {
        ResolveResult::Bound(n) => match n.0 {
            ATOM_NS => Ns::Atom,
            ARXIV_NS => Ns::Arxiv,
            OPENSEARCH_NS => Ns::OpenSearch,
            _ => Ns::Other,
        },
        // Tolerate feeds that forgot their namespace declarations.
        ResolveResult::Unbound => Ns::Atom,
        ResolveResult::Unknown(prefix) => match prefix.as_str() {
            "arxiv" => Ns::Arxiv,
            "opensearch" => Ns::OpenSearch,
            _ => Ns::Other,
        },
    }
}

fn attribute(start: &BytesStart<'_>, name: &str) -> Result<Option<String>, AtomError> {
    for attr in start.attributes() {
        let attr = attr.map_err(|e| AtomError::Malformed {
            position: 0,
            message: format!("bad attribute: {e}"),
        })?;
        if attr.key.local_name().as_ref() == name {
            let value = attr
                .normalized_value(quick_xml::XmlVersion::Implicit1_0)
                .map_err(|e| AtomError::Malformed {
                    position: 0,
                    message: format!("bad attribute value: {e}"),
                })?;
            return Ok(Some(value.trim().to_string()));
        }
    }
    Ok(None)
}

/// `http://dx.doi.org/10.1103/X` → `10.1103/X`.
fn doi_from_link(href: &str) -> Option<String> {
    let pos = href.find("10.")?;
    Some(href[pos..].to_string())
}

#[cfg(test)]
mod tests;
