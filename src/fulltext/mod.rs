//! The paper itself: its PDF in the home's file store, and its text from
//! arxiv.org's HTML (LaTeXML), its LaTeX e-print or its PDF, extracted into
//! one structured [`Document`] (sections, captions, equations, references)
//! kept in SQLite. Pass 1's skim ([`skim`]), the passages search embeds
//! ([`passages`]) and the body the word index holds are derived from it.
//!
//! Parsing is pure ([`html`], [`latex`], [`pdf::structure`], [`archive`]);
//! the network is in [`client`] and [`acquire`], the disk in [`files`].

pub mod acquire;
pub mod archive;
pub mod client;
pub mod document;
pub mod files;
pub mod html;
pub mod job;
pub mod latex;
pub mod open;
pub mod passages;
pub mod pdf;
pub mod skim;
pub mod store;
pub mod text;

pub use document::{Caption, CaptionKind, Document, Equation, Section, SectionKind, Source};

/// Why a source's bytes gave no document.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ExtractError {
    /// The HTML page.
    #[error(transparent)]
    Html(#[from] html::HtmlError),
    /// The e-print archive.
    #[error(transparent)]
    Archive(#[from] archive::ArchiveError),
    /// The LaTeX source.
    #[error(transparent)]
    Latex(#[from] latex::LatexError),
    /// The PDF.
    #[error(transparent)]
    Pdf(#[from] pdf::PdfError),
}

/// Extracts a document from bytes as a source serves them, without the
/// network: what `fulltext import` and the benchmarks use. A PDF is
/// read from `pdf_path` (written there first when it is not yet).
pub fn extract_bytes(
    source: Source,
    bytes: &[u8],
    tools: &pdf::PdfTools,
    pdf_path: &std::path::Path,
) -> Result<(Document, String), ExtractError> {
    match source {
        Source::Html => Ok((
            html::extract(&String::from_utf8_lossy(bytes))?,
            "litradar html (LaTeXML)".into(),
        )),
        Source::Latex => match archive::unpack(bytes, &archive::Limits::default())? {
            archive::Eprint::Source(files) => {
                let x = latex::extract(&files)?;
                Ok((x.document, format!("litradar latex ({})", x.main)))
            }
            archive::Eprint::Pdf(pdf) => pdf_from(&pdf, tools, pdf_path),
        },
        Source::Pdf => pdf_from(bytes, tools, pdf_path),
    }
}

fn pdf_from(
    bytes: &[u8],
    tools: &pdf::PdfTools,
    path: &std::path::Path,
) -> Result<(Document, String), ExtractError> {
    if !path.is_file() {
        std::fs::write(path, bytes).map_err(|e| pdf::PdfError::Unreadable {
            reader: "litradar".into(),
            message: format!("cannot write {}: {e}", path.display()),
        })?;
    }
    let x = pdf::extract_file(path, tools)?;
    Ok((x.document, x.extractor))
}
