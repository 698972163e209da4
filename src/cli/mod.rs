//! Command-line interface: one file per subcommand, each with its clap
//! `Args` and a `run` function. Exit codes: 0 all converted, 1 some inputs
//! failed, 2 usage errors.

mod diff;
mod parse;
mod tasks;
mod units;

use clap::{Parser, Subcommand};
use std::process::ExitCode;

/// Turn Chinese government task-division notices (分工方案) into structured data.
#[derive(Parser, Debug)]
#[command(name = "fengong", version, about)]
pub struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Parse notices into JSON, CSV and other formats.
    Parse(parse::Args),
    /// List the items a unit leads or shares, across notices (a per-unit task ledger).
    Tasks(tasks::Args),
    /// Compare two revisions of a notice: aligned items, field changes, per-unit impact.
    Diff(diff::Args),
    /// Report every unit across notices: canonical form, kind, counts, aliases, unknown ones.
    Units(units::Args),
}

/// Entry point used by `main.rs`.
pub fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(c) => c,
        Err(e) => {
            let code = if e.use_stderr() { 2 } else { 0 };
            let _ = e.print();
            return ExitCode::from(code);
        }
    };
    let result = match cli.command {
        Command::Parse(a) => parse::run(a),
        Command::Tasks(a) => tasks::run(a),
        Command::Diff(a) => diff::run(a),
        Command::Units(a) => units::run(a),
    };
    match result {
        Ok(code) => code,
        Err(e) => {
            if e.chain().any(|c| {
                c.downcast_ref::<std::io::Error>()
                    .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
            }) {
                return ExitCode::SUCCESS;
            }
            eprintln!("fengong: error: {e:#}");
            ExitCode::from(2)
        }
    }
}
