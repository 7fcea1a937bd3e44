//! The `radar` command line.

use clap::{Subcommand, ValueEnum};
use std::path::PathBuf;

/// `litradar radar ...`.
#[derive(Debug, Subcommand)]
pub enum RadarCommand {
    /// Import a radar: litradar TOML, a BYOR sheet (CSV) or JSON, Zalando's
    /// config.json, Backstage JSON (every timeline month an edition) or an
    /// AOE radar folder (every release an edition).
    Import {
        /// The file, or an AOE radar's folder; the extension and content say the format.
        file: PathBuf,
        /// The format, when the name and content do not say.
        #[arg(long, value_enum)]
        format: Option<ImportFormat>,
        /// The edition to import into (default: the file's, else this month).
        #[arg(long, value_name = "YYYY-MM")]
        edition: Option<String>,
        /// Zalando: the four quadrant names in the file's order (0 = bottom
        /// right, clockwise); default Zalando's own.
        #[arg(long, value_name = "A,B,C,D", value_delimiter = ',')]
        quadrants: Option<Vec<String>>,
        /// Zalando: the ring names, centre first; default adopt,trial,assess,hold.
        #[arg(long, value_name = "R1,R2,...", value_delimiter = ',')]
        rings: Option<Vec<String>>,
    },
    /// An edition's blips by quadrant and ring, with movement and staleness.
    Show {
        /// The edition (default: the newest).
        #[arg(long, value_name = "YYYY-MM")]
        edition: Option<String>,
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// One blip: where it is, why, and the papers behind it.
    Blip {
        /// The blip's name.
        name: String,
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// Editions: list, start the next, freeze (publish).
    #[command(subcommand)]
    Edition(EditionCommand),
    /// Put a new blip on the newest edition.
    Add {
        /// The blip's name.
        name: String,
        /// Its quadrant.
        #[arg(long)]
        quadrant: String,
        /// Its ring.
        #[arg(long)]
        ring: String,
        /// What it is, in a line.
        #[arg(long, default_value = "")]
        description: String,
        /// Another name papers use for it (repeatable); trends count these too.
        #[arg(long = "alias", value_name = "NAME")]
        aliases: Vec<String>,
    },
    /// Move a blip to another ring or quadrant; the reason is required.
    Move {
        /// The blip's name.
        name: String,
        /// The new ring.
        #[arg(long)]
        ring: Option<String>,
        /// The new quadrant.
        #[arg(long)]
        quadrant: Option<String>,
        /// Why it moves.
        #[arg(long)]
        rationale: Option<String>,
    },
    /// Change a blip's description, or record a reassessment without a move.
    Describe {
        /// The blip's name.
        name: String,
        /// The new description.
        #[arg(long)]
        description: Option<String>,
        /// Why it stays where it is (counts as a reassessment).
        #[arg(long)]
        rationale: Option<String>,
    },
    /// Take a blip off the newest edition (it stays in history).
    PhaseOut {
        /// The blip's name.
        name: String,
        /// Why.
        #[arg(long)]
        rationale: Option<String>,
    },
    /// Tie papers to a blip as evidence.
    Link {
        /// The blip's name.
        blip: String,
        /// Paper ids, URLs or citation keys.
        #[arg(required = true)]
        papers: Vec<String>,
    },
    /// Remove papers from a blip's evidence.
    Unlink {
        /// The blip's name.
        blip: String,
        /// Paper ids, URLs or citation keys.
        #[arg(required = true)]
        papers: Vec<String>,
    },
    /// What changed between two editions (default: the newest and the one before).
    Diff {
        /// The earlier edition.
        from: Option<String>,
        /// The later edition (default: the newest).
        to: Option<String>,
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// A blip's ring over all editions, with the reasons.
    History {
        /// The blip's name.
        name: String,
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// Papers mentioning each blip per month, rising words, suggested moves.
    Trends {
        /// Months to look back (default from config.toml, 6).
        #[arg(long, value_name = "N")]
        months: Option<usize>,
        /// The last month of the window (default: this month).
        #[arg(long, value_name = "YYYY-MM")]
        until: Option<String>,
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// Draw an edition as an SVG picture (A4 landscape).
    Render {
        /// The edition (default: the newest).
        #[arg(long, value_name = "YYYY-MM")]
        edition: Option<String>,
        /// The SVG file to write.
        #[arg(short, long, value_name = "FILE")]
        output: PathBuf,
    },
    /// Write an edition as BYOR CSV or JSON, Markdown, litradar TOML or
    /// Zalando's config.json; or the whole history as Backstage JSON or an
    /// AOE radar folder.
    Export {
        /// The format.
        #[arg(long, value_enum)]
        format: ExportFormat,
        /// The edition (default: the newest).
        #[arg(long, value_name = "YYYY-MM")]
        edition: Option<String>,
        /// Write here instead of stdout (a new folder for `aoe`).
        #[arg(short, long, value_name = "FILE")]
        output: Option<PathBuf>,
    },
    /// The monthly review: evidence, new blips, moves, stale blips and the
    /// budget since the newest edition, to accept or dismiss one by one.
    Review {
        /// The edition the review prepares (default: this month).
        #[arg(long, value_name = "YYYY-MM")]
        month: Option<String>,
        /// Print JSON.
        #[arg(long)]
        json: bool,
        #[command(subcommand)]
        action: Option<ReviewAction>,
    },
    /// Reading time per ring and quadrant against the 70/20/10 plan.
    Budget {
        /// Months to look back, this one included (default from config.toml, 6).
        #[arg(long, value_name = "N")]
        months: Option<usize>,
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
}

/// `radar review accept|dismiss`.
#[derive(Debug, Subcommand)]
pub enum ReviewAction {
    /// Accept a proposal (its id, or its number in the listing): link the
    /// paper, add the blip, make the move or record the reassessment.
    Accept {
        /// The proposal: an id like `evidence:LoRA:2106.09685` or a number.
        proposal: String,
        /// The rationale to record instead of the one from the evidence.
        #[arg(long)]
        rationale: Option<String>,
        /// A new blip's name instead of the term.
        #[arg(long)]
        name: Option<String>,
        /// A new blip's quadrant, or where a move goes, instead of the suggestion.
        #[arg(long)]
        quadrant: Option<String>,
        /// A new blip's ring, or a move's, instead of the suggestion.
        #[arg(long)]
        ring: Option<String>,
    },
    /// Dismiss a proposal for good: no review proposes it again.
    Dismiss {
        /// The proposal: its id or its number in the listing.
        proposal: String,
    },
}

/// `radar edition ...`.
#[derive(Debug, Subcommand)]
pub enum EditionCommand {
    /// Every edition, oldest first.
    List {
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// Start an edition (default: the month after the newest) from the newest.
    New {
        /// The month, YYYY-MM.
        month: Option<String>,
    },
    /// Freeze (publish) an edition: it becomes read-only.
    Freeze {
        /// The edition (default: the newest).
        edition: Option<String>,
    },
}

/// `radar export --format`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ExportFormat {
    /// Thoughtworks build-your-own-radar CSV.
    ByorCsv,
    /// BYOR JSON with litradar's extra keys.
    Json,
    /// A Markdown report.
    Markdown,
    /// litradar's TOML (what `radar import` reads back in full).
    Toml,
    /// Zalando's tech-radar config.json (four rings at most).
    Zalando,
    /// Backstage tech-radar JSON: every edition up to this one, as timelines.
    Backstage,
    /// An AOE technology radar folder: one release folder per edition.
    Aoe,
}

/// `radar import --format`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ImportFormat {
    /// litradar's TOML.
    Toml,
    /// A BYOR sheet (CSV).
    ByorCsv,
    /// BYOR JSON, or litradar's JSON.
    Json,
    /// Zalando's config.json.
    Zalando,
    /// Backstage tech-radar JSON.
    Backstage,
    /// An AOE radar folder.
    Aoe,
}
