//! `fengong tasks`: the items one unit leads or shares, across notices — or
//! the ledger of every unit (`--all-units`).

use anyhow::{Result, bail};
use clap::ValueEnum;
use fengong::batch::{self, Guard, Report, Status};
use fengong::ledger::{self, Ledger};
use std::collections::HashSet;
use std::path::PathBuf;

/// Output formats of `tasks`.
#[derive(Debug, Clone, Copy, ValueEnum, PartialEq, Eq)]
pub enum Format {
    /// Aligned text table (CJK characters count as two columns).
    Table,
    /// CSV, one row per item and role.
    Csv,
    /// JSON: `{unit, kind, entries}` (an array of them with `--all-units`).
    Json,
    /// XLSX workbook, one sheet per unit (needs `-o`).
    Xlsx,
}

/// Arguments of `tasks`.
#[derive(clap::Args, Debug)]
pub struct Args {
    /// Notice files or folders (any input format, JSON from `fengong parse`, or
    /// a workbook written by `fengong parse --format xlsx`); `-` reads standard input.
    #[arg(required_unless_present = "files_from")]
    pub inputs: Vec<PathBuf>,
    /// The unit, by any of its names (`注册处`, `省局注册处`, `省市场监管局登记注册处`),
    /// or a department type (`发展和改革委员会`, `发改委`) to match it in every place.
    #[arg(short, long)]
    pub unit: Option<String>,
    /// Only the unit in this place (`武汉市`); `--unit` may then be a department type
    /// (`--unit 发展和改革委员会 --place 武汉市`).
    #[arg(long, conflicts_with = "all_units")]
    pub place: Option<String>,
    /// The ledger of every unit: one sheet per unit (xlsx) or one CSV per unit (with --out-dir).
    #[arg(long, conflicts_with = "unit")]
    pub all_units: bool,
    /// Output format [default: from the -o extension, else table].
    #[arg(short, long, value_enum)]
    pub format: Option<Format>,
    /// Write to this file (atomically) instead of standard output.
    #[arg(short, long)]
    pub output: Option<PathBuf>,
    /// With --all-units --format csv: write one CSV per unit into this folder.
    #[arg(long, conflicts_with = "output")]
    pub out_dir: Option<PathBuf>,
    #[command(flatten)]
    pub read: super::ReadOptions,
    #[command(flatten)]
    pub write: super::WriteOptions,
}

pub fn run(args: Args) -> Result<Status> {
    if args.unit.is_none() && !args.all_units {
        bail!("say which unit: --unit NAME or --all-units");
    }
    let format = super::pick_format(args.format, args.output.as_deref(), Format::Table)?;
    if args.out_dir.is_some() && !(args.all_units && format == Format::Csv) {
        bail!("--out-dir goes with --all-units --format csv");
    }
    if format == Format::Xlsx && args.output.is_none() {
        bail!("a workbook needs -o FILE (it is never written to standard output)");
    }
    let opts = args.read.options()?;
    if let Some(dir) = &args.out_dir {
        super::make_out_dir(dir)?;
    }
    let skip: Vec<PathBuf> = args.out_dir.iter().cloned().collect();
    let inputs = args.read.inputs(&args.inputs, &skip)?;
    let guard = Guard::new(&inputs, args.write.force);
    if let Some(p) = &args.output {
        guard.check(p).map_err(anyhow::Error::msg)?;
    }
    let mut report = Report::default();
    let notices = args.read.read_notices(&inputs, &opts, &mut report);
    if notices.is_empty() {
        // Every input failed: no verdict on the unit, no output.
        args.read.print(&report, &inputs);
        return Ok(report.status());
    }
    let ledgers: Vec<Ledger> = match &args.unit {
        Some(q) => match ledger::ledger_in(&notices, q, args.place.as_deref(), &opts.aliases) {
            Ok(l) => vec![l],
            Err(e) => {
                args.read.print(&report, &inputs);
                eprintln!("fengong: {e}");
                return Ok(Status::SomeFailed);
            }
        },
        None => ledger::all_ledgers(&notices),
    };
    let bom = args.write.bom();
    if let Some(dir) = &args.out_dir {
        let mut taken = HashSet::new();
        let mut written = 0;
        for l in &ledgers {
            let path = dir.join(ledger::file_name(&l.unit, "csv", &mut taken));
            match guard.write(Some(&path), &ledger::csv(std::slice::from_ref(l), bom)?) {
                Ok(()) => written += 1,
                Err(e) => report.failed(&path.display().to_string(), e),
            }
        }
        if !args.read.quiet {
            eprintln!(
                "fengong: wrote {} into {}",
                batch::report::plural(written, "CSV file"),
                dir.display()
            );
        }
    } else {
        let bytes = match format {
            Format::Table => ledgers
                .iter()
                .map(ledger::table)
                .collect::<Vec<_>>()
                .join("\n")
                .into_bytes(),
            Format::Csv => ledger::csv(&ledgers, bom)?,
            Format::Json if args.all_units => {
                fengong::output::json::document(&ledgers).into_bytes()
            }
            Format::Json => fengong::output::json::document(&ledgers[0]).into_bytes(),
            Format::Xlsx => ledger::workbook(&ledgers)?,
        };
        if let Err(e) = guard.write(args.output.as_deref(), &bytes) {
            report.failed("output", e);
        }
    }
    args.read.print(&report, &inputs);
    Ok(report.status())
}
