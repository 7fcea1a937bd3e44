//! Getting a paper's text: the sources tried in order (for `auto`: the
//! HTML, the LaTeX e-print, then the PDF), each answer extracted, a 404 or
//! an unusable answer moving on to the next source, and every attempt
//! reported with its reason. Network and extraction only; the caller
//! stores the result in one transaction.

use super::archive::{self, Eprint, Limits};
use super::client::{Fetched, FilesClient, FilesError};
use super::document::{Document, Source};
use super::files::FileStore;
use super::pdf::{self, PdfTools};
use super::store::{Attempt, Outcome};
use super::{html, latex};
use std::path::PathBuf;

/// What a fetch found for one paper.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Report {
    /// The source that served the text, when one did.
    pub served: Option<Source>,
    /// The document and the program that extracted it.
    pub document: Option<(Document, String)>,
    /// Every source, tried or not, with what it gave.
    pub attempts: Vec<Attempt>,
    /// Things worth knowing (inputs not found in a LaTeX source, …).
    pub warnings: Vec<String>,
}

impl Report {
    /// "html served; latex not needed" or "html: HTTP 404; latex: …".
    pub fn summary(&self) -> String {
        self.attempts
            .iter()
            .map(|a| match a.outcome {
                Outcome::Served => format!("{} served", a.source),
                _ => format!("{}: {}", a.source, a.reason),
            })
            .collect::<Vec<_>>()
            .join("; ")
    }
}

/// What can go wrong before any source is tried.
#[derive(Debug, thiserror::Error)]
pub enum AcquireError {
    /// The paper is not from arXiv.
    #[error("{0} is not an arXiv paper, so arxiv.org has no text for it")]
    NotArxiv(String),
    /// The file store could not be written.
    #[error("cannot write the PDF to {path}: {source}")]
    Store {
        /// Where.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// The request failed for good.
    #[error(transparent)]
    Http(#[from] FilesError),
}

/// Fetches and extracts papers' text.
pub struct Fetcher {
    /// The file client.
    pub client: FilesClient,
    /// The PDF readers.
    pub tools: PdfTools,
    /// Where PDFs are kept.
    pub files: FileStore,
    /// Caps on e-prints.
    pub limits: Limits,
}

/// `IDvN` for the request paths.
fn versioned(id: &str, version: u32) -> String {
    format!("{id}v{version}")
}

fn one_line(e: &impl std::fmt::Display) -> String {
    crate::paper::fold_whitespace(&e.to_string())
}

impl Fetcher {
    /// Makes sure the PDF of a paper's version is in the file store,
    /// downloading it once; `progress` hears the bytes as they come.
    pub fn ensure_pdf(
        &mut self,
        id: &str,
        version: u32,
        progress: &mut dyn FnMut(u64, Option<u64>),
    ) -> Result<PathBuf, AcquireError> {
        if let Some(path) = self.files.existing_pdf(id, version) {
            return Ok(path);
        }
        let path = format!("/pdf/{}", versioned(id, version));
        match self.client.get(&path, progress)? {
            Fetched::NotFound => Err(AcquireError::Http(FilesError::Http {
                status: 404,
                url: self.client.url_for(&path),
            })),
            Fetched::Body { bytes, .. } => {
                if !bytes.windows(5).take(1024).any(|w| w == b"%PDF-") {
                    return Err(AcquireError::Http(FilesError::Http {
                        status: 200,
                        url: format!("{} (the answer is not a PDF)", self.client.url_for(&path)),
                    }));
                }
                self.save(id, version, &bytes)
            }
        }
    }

    fn save(&self, id: &str, version: u32, bytes: &[u8]) -> Result<PathBuf, AcquireError> {
        self.files
            .save_pdf(id, version, bytes)
            .map_err(|source| AcquireError::Store {
                path: self
                    .files
                    .pdf_path(id, version)
                    .unwrap_or_else(|| self.files.root().to_path_buf()),
                source,
            })
    }

    /// Tries `order` for the paper's text until one serves.
    pub fn fetch(
        &mut self,
        id: &str,
        version: Option<u32>,
        order: &[Source],
        progress: &mut dyn FnMut(Source, u64, Option<u64>),
    ) -> Result<Report, AcquireError> {
        let Some(version) = version else {
            return Err(AcquireError::NotArxiv(id.to_string()));
        };
        let mut report = Report {
            served: None,
            document: None,
            attempts: Vec::new(),
            warnings: Vec::new(),
        };
        for &source in order {
            if let Some(served) = report.served {
                report.attempts.push(Attempt {
                    source,
                    outcome: Outcome::Skipped,
                    reason: format!("not needed ({served} served)"),
                });
                continue;
            }
            if report.attempts.iter().any(|a| a.source == source) {
                continue;
            }
            let mut on_bytes = |got: u64, total: Option<u64>| progress(source, got, total);
            let result = match source {
                Source::Html => self.try_html(id, version, &mut on_bytes),
                Source::Latex => self.try_eprint(id, version, &mut on_bytes, &mut report),
                Source::Pdf => self.try_pdf(id, version, &mut on_bytes),
            };
            match result {
                Ok(Got::Text(doc, extractor, from)) => {
                    if from == source {
                        report.attempts.push(Attempt {
                            source,
                            outcome: Outcome::Served,
                            reason: String::new(),
                        });
                    } else {
                        // A PDF-only e-print: its PDF served.
                        report.attempts.push(Attempt {
                            source,
                            outcome: Outcome::Missing,
                            reason: format!("the e-print is a PDF, not LaTeX; read as the {from}"),
                        });
                        report.attempts.push(Attempt {
                            source: from,
                            outcome: Outcome::Served,
                            reason: "from the e-print".into(),
                        });
                    }
                    report.served = Some(from);
                    report.document = Some((doc, extractor));
                }
                Ok(Got::Missing(reason)) => report.attempts.push(Attempt {
                    source,
                    outcome: Outcome::Missing,
                    reason,
                }),
                Ok(Got::Unusable(reason)) => report.attempts.push(Attempt {
                    source,
                    outcome: Outcome::Failed,
                    reason,
                }),
                Err(AcquireError::Http(e)) => report.attempts.push(Attempt {
                    source,
                    outcome: Outcome::Failed,
                    reason: one_line(&e),
                }),
                Err(e) => return Err(e),
            }
        }
        let mut seen = Vec::new();
        report.attempts.retain(|a| {
            let first = !seen.contains(&a.source);
            seen.push(a.source);
            first
        });
        Ok(report)
    }

    fn try_html(
        &mut self,
        id: &str,
        version: u32,
        progress: &mut dyn FnMut(u64, Option<u64>),
    ) -> Result<Got, AcquireError> {
        let path = format!("/html/{}", versioned(id, version));
        match self.client.get(&path, progress)? {
            Fetched::NotFound => Ok(Got::Missing("HTTP 404: no HTML for this version".into())),
            Fetched::Body { bytes, .. } => {
                let page = String::from_utf8_lossy(&bytes);
                match html::extract(&page) {
                    Ok(doc) => Ok(Got::Text(
                        doc,
                        "litradar html (LaTeXML)".into(),
                        Source::Html,
                    )),
                    Err(e) => Ok(Got::Unusable(one_line(&e))),
                }
            }
        }
    }

    fn try_eprint(
        &mut self,
        id: &str,
        version: u32,
        progress: &mut dyn FnMut(u64, Option<u64>),
        report: &mut Report,
    ) -> Result<Got, AcquireError> {
        let path = format!("/e-print/{}", versioned(id, version));
        let bytes = match self.client.get(&path, progress)? {
            Fetched::NotFound => return Ok(Got::Missing("HTTP 404: no e-print".into())),
            Fetched::Body { bytes, .. } => bytes,
        };
        match archive::unpack(&bytes, &self.limits) {
            Ok(Eprint::Source(files)) => match latex::extract(&files) {
                Ok(extracted) => {
                    report.warnings.extend(extracted.warnings);
                    Ok(Got::Text(
                        extracted.document,
                        format!("litradar latex ({})", extracted.main),
                        Source::Latex,
                    ))
                }
                Err(e) => Ok(Got::Unusable(one_line(&e))),
            },
            Ok(Eprint::Pdf(pdf)) => {
                let saved = self.save(id, version, &pdf)?;
                match pdf::extract_file(&saved, &self.tools) {
                    Ok(x) => Ok(Got::Text(x.document, x.extractor, Source::Pdf)),
                    Err(e) => {
                        self.files.remove_pdf(id, version);
                        Ok(Got::Unusable(format!(
                            "the e-print is a PDF, and {}",
                            one_line(&e)
                        )))
                    }
                }
            }
            Err(e) => Ok(Got::Unusable(one_line(&e))),
        }
    }

    fn try_pdf(
        &mut self,
        id: &str,
        version: u32,
        progress: &mut dyn FnMut(u64, Option<u64>),
    ) -> Result<Got, AcquireError> {
        let had = self.files.existing_pdf(id, version).is_some();
        let path = match self.ensure_pdf(id, version, progress) {
            Ok(p) => p,
            Err(AcquireError::Http(FilesError::Http { status: 404, .. })) => {
                return Ok(Got::Missing("HTTP 404: no PDF".into()));
            }
            Err(AcquireError::Http(FilesError::Http { status: 200, .. })) => {
                return Ok(Got::Unusable("the answer is not a PDF".into()));
            }
            Err(e) => return Err(e),
        };
        match pdf::extract_file(&path, &self.tools) {
            Ok(x) => Ok(Got::Text(x.document, x.extractor, Source::Pdf)),
            Err(e) => {
                // An unreadable download is not kept; one the user had is.
                if !had {
                    self.files.remove_pdf(id, version);
                }
                Ok(Got::Unusable(one_line(&e)))
            }
        }
    }
}

enum Got {
    Text(Document, String, Source),
    Missing(String),
    Unusable(String),
}
