//! `fengong units`: every unit across the given notices, with canonical
//! form, kind, lead/responsible counts and the aliases that mapped to it;
//! units no alias table knows are flagged so the table can grow.

use anyhow::Result;
use clap::ValueEnum;
use fengong::batch::{self, Guard, Report, Status};
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
    /// Also read the paths listed in FILE, one per line (`-`: standard input).
    #[arg(long, value_name = "FILE")]
    pub files_from: Option<PathBuf>,
    /// Output format [default: from the -o extension, else table].
    #[arg(short, long, value_enum)]
    pub format: Option<Format>,
    /// Only units no alias table knows.
    #[arg(long)]
    pub unknown: bool,
    /// Write to this file (atomically).
    #[arg(short, long)]
    pub output: Option<PathBuf>,
    /// Worker threads (default and 0: one per core).
    #[arg(short, long)]
    pub jobs: Option<usize>,
    /// Replace an output that is read-only or was not written by fengong.
    #[arg(long)]
    pub force: bool,
    /// No UTF-8 byte-order mark in CSV.
    #[arg(long)]
    pub no_bom: bool,
    /// Extra alias table (CSV/TSV or XLSX/ODS: alias, canonical, optional kind).
    #[arg(long)]
    pub aliases: Vec<PathBuf>,
    /// Largest input file accepted, in bytes.
    #[arg(long, default_value_t = 64 * 1024 * 1024)]
    pub max_bytes: u64,
}

pub fn run(args: Args) -> Result<Status> {
    let opts = super::options(&args.aliases, args.max_bytes)?;
    let format = super::pick_format(args.format, args.output.as_deref(), Format::Table)?;
    let paths = super::input_paths(&args.inputs, args.files_from.as_deref())?;
    let inputs = super::inputs(&paths, &[], args.files_from.is_some())?;
    let guard = Guard::new(&inputs, args.force);
    if let Some(p) = &args.output {
        guard.check(p).map_err(anyhow::Error::msg)?;
    }
    batch::set_jobs(args.jobs);
    let mut report = Report::default();
    let notices = batch::read_notices(&inputs, &opts, &mut report);
    if !notices.is_empty() {
        let mut rows = summarize(&notices);
        if args.unknown {
            rows.retain(|u| !u.known);
        }
        let bytes = match format {
            Format::Json => {
                let mut s = serde_json::to_string_pretty(&rows)?;
                s.push('\n');
                s.into_bytes()
            }
            Format::Csv => units_report::csv(&rows, !args.no_bom)?,
            Format::Table => units_report::table(&rows).into_bytes(),
        };
        if let Err(e) = guard.write(args.output.as_deref(), &bytes) {
            report.failed("output", e);
        }
    }
    report.print(false, false);
    Ok(report.status())
}
