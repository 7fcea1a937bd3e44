//! The `open` and `fulltext` command lines.

use clap::{Args, Subcommand, ValueEnum};
use std::path::PathBuf;

/// `open`.
#[derive(Debug, Args)]
pub struct OpenArgs {
    /// Paper id, URL or citation key.
    pub id: String,
    /// This arXiv version instead of the latest.
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..))]
    pub version: Option<u32>,
    /// Only make sure the PDF is downloaded and print its path (last line of stdout).
    #[arg(long)]
    pub path: bool,
}

/// Which sources to try.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum SourceArg {
    /// HTML, then the LaTeX e-print, then the PDF.
    Auto,
    /// arXiv's HTML rendering (LaTeXML) only.
    Html,
    /// The LaTeX e-print only.
    Latex,
    /// The PDF only.
    Pdf,
}

impl SourceArg {
    /// The sources in the order tried.
    pub fn order(self) -> Vec<crate::fulltext::Source> {
        use crate::fulltext::Source;
        match self {
            SourceArg::Auto => Source::AUTO_ORDER.to_vec(),
            SourceArg::Html => vec![Source::Html],
            SourceArg::Latex => vec![Source::Latex],
            SourceArg::Pdf => vec![Source::Pdf],
        }
    }
}

/// `fulltext ...`.
#[derive(Debug, Subcommand)]
pub enum FulltextCommand {
    /// Get papers' own text from arxiv.org: HTML, LaTeX source or PDF.
    Fetch(FetchTextArgs),
    /// Which papers have text, from which source, and why others have none.
    Status {
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// A paper's text: the outline and every section, or one section.
    Show {
        /// Paper id, URL or citation key.
        id: String,
        /// Only this section (its number, heading, or the start of it) and those under it.
        #[arg(long, value_name = "NAME")]
        section: Option<String>,
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
}

/// `fulltext fetch`.
#[derive(Debug, Args)]
pub struct FetchTextArgs {
    /// Paper ids, URLs or citation keys.
    pub ids: Vec<String>,
    /// Also every paper in the reading queue.
    #[arg(long)]
    pub queued: bool,
    /// Also every paper with this tag.
    #[arg(long, value_name = "TAG")]
    pub tag: Option<String>,
    /// Where the text comes from.
    #[arg(long, value_enum, default_value_t = SourceArg::Auto)]
    pub source: SourceArg,
    /// Fetch again even when the paper has text of its latest version.
    #[arg(long)]
    pub force: bool,
    /// Print nothing but errors (for background runs).
    #[arg(long)]
    pub quiet: bool,
    /// Print the report as JSON.
    #[arg(long)]
    pub json: bool,
}

/// `pdf-text` (hidden): the built-in PDF reader, run as a child process.
#[derive(Debug, Args)]
pub struct PdfTextArgs {
    /// The PDF.
    pub file: PathBuf,
}
