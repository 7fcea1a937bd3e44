//! The command-line front end: parse, dispatch, print. Data goes to stdout,
//! messages and progress to stderr. Exit codes: 0 success, 1 failure,
//! 2 usage (bad arguments, ids, queries or dates).

pub mod args;
mod commands;
pub mod feed_args;
pub mod fulltext_args;
pub mod impl_args;
pub mod output;
pub mod radar_args;
pub mod read_args;
pub mod values;

use args::{Cli, Command};
use clap::Parser;
use std::io::Write;
use std::process::ExitCode;

/// An error in what the user typed; exits with code 2.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct UsageError(pub String);

/// The user stopped a run with Ctrl-C; exits with 130, as a shell would.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct Interrupted(pub String);

/// Runs the program with the process's arguments.
pub fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let _ = e.print();
            return ExitCode::from(e.exit_code().clamp(0, 255) as u8);
        }
    };
    match run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) if is_broken_pipe(&e) => ExitCode::SUCCESS,
        Err(e) => {
            let style = output::Style::stderr();
            let mut stderr = std::io::stderr().lock();
            let _ = writeln!(stderr, "{} {e:#}", style.error("litradar: error:"));
            ExitCode::from(exit_code(&e))
        }
    }
}

/// Runs one parsed command line.
pub fn run(cli: Cli) -> anyhow::Result<()> {
    let home = crate::home::Home::resolve(cli.home.as_deref())?;
    let options = commands::Options {
        device: cli.device.clone(),
        no_embed: cli.no_embed,
    };
    let home = &commands::Context { home, options };
    let Some(command) = cli.command else {
        return commands::demo::open_app(home, &home.home);
    };
    match command {
        Command::Fetch(a) => commands::fetch::fetch(home, a),
        Command::Add(a) => commands::fetch::add(home, a),
        Command::Watch(w) => commands::watch::run(home, w),
        Command::List(a) => commands::papers::list(home, a),
        Command::Show(a) => commands::papers::show(home, a),
        Command::Tag(a) => commands::papers::tag(home, a),
        Command::Untag(a) => commands::papers::untag(home, a),
        Command::Remove(a) => commands::papers::remove(home, a),
        Command::Read(r) => commands::read::run(home, r),
        Command::Import(a) => commands::transfer::import(home, a),
        Command::Export(a) => commands::transfer::export(home, a),
        Command::Demo(a) => commands::demo::run(home, a),
        Command::Config(a) => commands::config::run(home, a),
        Command::Model(m) => commands::embed::model(home, m),
        Command::Embed(a) => commands::embed::embed(home, a),
        Command::Search(a) => commands::search::search(home, a),
        Command::Related(a) => commands::search::related(home, a),
        Command::Reindex => commands::search::reindex(home),
        Command::Eval(a) => commands::search::eval(home, a),
        Command::Radar(r) => commands::radar::run(home, r),
        Command::Impl(c) => commands::impls::run(home, c),
        Command::Claim(c) => commands::impls::claim(home, c),
        Command::Open(a) => commands::fulltext::open_pdf(home, a),
        Command::Feed(a) => commands::feed::run(home, a),
        Command::Fulltext(c) => commands::fulltext::run(home, c),
        Command::PdfText(a) => commands::fulltext::pdf_text(a),
    }
}

/// The one place exit codes are decided: 2 for mistakes in the input
/// (what the user typed names nothing, or cannot be used), 130 for Ctrl-C,
/// 1 for everything else (the store, the network, a file that failed).
fn exit_code(e: &anyhow::Error) -> u8 {
    use crate::impls::store::ImplError;
    use crate::radar::store::RadarError;
    if e.chain().any(|cause| cause.is::<Interrupted>()) {
        return 130;
    }
    let usage = e.chain().any(|cause| {
        cause.is::<UsageError>()
            || cause.is::<crate::arxiv::IdError>()
            || cause.is::<crate::arxiv::QueryError>()
            || matches!(
                cause.downcast_ref::<crate::search::IndexError>(),
                Some(crate::search::IndexError::Query { .. })
            )
            || matches!(
                cause.downcast_ref::<RadarError>(),
                Some(
                    RadarError::NeedsRationale(_)
                        | RadarError::Invalid(_)
                        | RadarError::Shape(_)
                        | RadarError::NoBlip(_)
                        | RadarError::NoEdition(_)
                )
            )
            || matches!(
                cause.downcast_ref::<ImplError>(),
                Some(
                    ImplError::NoImpl(_)
                        | ImplError::NoClaim(_)
                        | ImplError::NoneLinked(_)
                        | ImplError::Ambiguous { .. }
                        | ImplError::Invalid(_)
                )
            )
            || matches!(
                cause.downcast_ref::<crate::embed::device::DeviceError>(),
                Some(crate::embed::device::DeviceError::Unknown(_))
            )
            || matches!(
                cause.downcast_ref::<crate::workflow::WorkflowError>(),
                Some(crate::workflow::WorkflowError::Device(
                    crate::embed::device::DeviceError::Unknown(_)
                ))
            )
    });
    if usage { 2 } else { 1 }
}

/// A closed pipe (`litradar list | head`) is not a failure.
fn is_broken_pipe(e: &anyhow::Error) -> bool {
    e.chain().any(|cause| {
        cause
            .downcast_ref::<std::io::Error>()
            .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
    })
}
