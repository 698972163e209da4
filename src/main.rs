//! The `fengong` command: a thin clap layer over the library (see `cli`).
mod cli;

/// mimalloc instead of the system allocator: parsing makes many small,
/// short-lived allocations, and batch workers free on another thread what
/// they allocated (see `benches/README.md` for the measured difference).
#[cfg(feature = "mimalloc")]
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> std::process::ExitCode {
    cli::main()
}
