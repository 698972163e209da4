//! `fengong units`: every unit across the given notices, with canonical
//! form, kind, lead/responsible counts and the aliases that mapped to it;
//! units no alias table knows are flagged so the table can grow.

use anyhow::Result;
use clap::ValueEnum;
use fengong::batch::{Guard, Report, Status};
use fengong::output::units_report;
use fengong::units::report::summarize;
use std::path::PathBuf;

/// Output formats of `units`.
#[derive(Debug, Clone, Copy, ValueEnum, PartialEq, Eq)]
pub enum Format {
    /// Aligned table for the terminal.
    Table,
    /// CSV (UTF-8 BOM by default).
    Csv,
    /// JSON array.
    Json,
}

/// Arguments of `units`.
#[derive(clap::Args, Debug)]
pub struct Args {
    /// Notice files or folders (walked recursively); `-` reads standard input.
    #[arg(required_unless_present = "files_from")]
    pub inputs: Vec<PathBuf>,
    /// Output format [default: from the -o extension, else table].
    #[arg(short, long, value_enum)]
    pub format: Option<Format>,
    /// Only units no alias table knows.
    #[arg(long)]
    pub unknown: bool,
    /// Write to this file (atomically).
    #[arg(short, long)]
    pub output: Option<PathBuf>,
    #[command(flatten)]
    pub read: super::ReadOptions,
    #[command(flatten)]
    pub write: super::WriteOptions,
}

pub fn run(args: Args) -> Result<Status> {
    let opts = args.read.options()?;
    let format = super::pick_format(args.format, args.output.as_deref(), Format::Table)?;
    let inputs = args.read.inputs(&args.inputs, &[])?;
    let guard = Guard::new(&inputs, args.write.force);
    if let Some(p) = &args.output {
        guard.check(p).map_err(anyhow::Error::msg)?;
    }
    let mut report = Report::default();
    let notices = args.read.read_notices(&inputs, &opts, &mut report);
    if !notices.is_empty() {
        let mut rows = summarize(&notices);
        if args.unknown {
            rows.retain(|u| !u.known);
        }
        let bytes = match format {
            Format::Json => fengong::output::json::document(&rows).into_bytes(),
            Format::Csv => units_report::csv(&rows, args.write.bom())?,
            Format::Table => units_report::table(&rows).into_bytes(),
        };
        if let Err(e) = guard.write(args.output.as_deref(), &bytes) {
            report.failed("output", e);
        }
    }
    args.read.print(&report, &inputs);
    Ok(report.status())
}
