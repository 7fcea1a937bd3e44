//! The `litradar` binary: everything lives in the library crate.

// glibc's allocator spends much of a parse (and, later, of model inference)
// in page faults and free-list upkeep; mimalloc does not.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> std::process::ExitCode {
    litradar::cli::main()
}
