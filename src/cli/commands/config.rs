//! `litradar config`: where the settings live and what they are now.

use crate::cli::args::ConfigArgs;
use crate::config::{Config, DEFAULT_TOML};
use crate::home::Home;
use std::io::Write;

/// `litradar config [--path|--default]`.
pub fn run(home: &Home, args: ConfigArgs) -> anyhow::Result<()> {
    let mut out = std::io::stdout().lock();
    if args.path {
        writeln!(out, "{}", home.config_file().display())?;
        return Ok(());
    }
    if args.default {
        out.write_all(DEFAULT_TOML.as_bytes())?;
        return Ok(());
    }
    let config = Config::load(&home.config_file())?;
    let exists = home.config_file().exists();
    writeln!(
        out,
        "# {} ({}), with environment overrides applied",
        home.config_file().display(),
        if exists {
            "found"
        } else {
            "not present: defaults"
        }
    )?;
    writeln!(out, "# library: {}", home.database().display())?;
    out.write_all(toml::to_string_pretty(&config)?.as_bytes())?;
    Ok(())
}
