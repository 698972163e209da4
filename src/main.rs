//! The `fengong` command: a thin clap layer over the library (see `cli`).
mod cli;

fn main() -> std::process::ExitCode {
    cli::main()
}
