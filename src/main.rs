//! The `litradar` binary: everything lives in the library crate.

fn main() -> std::process::ExitCode {
    litradar::cli::main()
}
