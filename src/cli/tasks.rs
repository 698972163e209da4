//! `fengong tasks`: the items one unit leads or shares, across notices — or
//! the ledger of every unit (`--all-units`).

use anyhow::{Context, Result, bail};
use clap::ValueEnum;
use fengong::ledger::{self, Ledger};
use fengong::output;
use std::collections::HashSet;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

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
    /// Notice files (any input format, JSON from `fengong parse`, or a workbook
    /// written by `fengong parse --format xlsx`).
    #[arg(required = true)]
    pub inputs: Vec<PathBuf>,
    /// The unit, by any of its names (`注册处`, `省局注册处`, `省市场监管局登记注册处`).
    #[arg(short, long, required_unless_present = "all_units")]
    pub unit: Option<String>,
    /// The ledger of every unit: one sheet per unit (xlsx) or one CSV per unit (with --out-dir).
    #[arg(long, conflicts_with = "unit")]
    pub all_units: bool,
    /// Output format.
    #[arg(short, long, value_enum, default_value = "table")]
    pub format: Format,
    /// Write to this file (atomically) instead of standard output; required for xlsx.
    #[arg(short, long, required_if_eq("format", "xlsx"))]
    pub output: Option<PathBuf>,
    /// With --all-units --format csv: write one CSV per unit into this folder.
    #[arg(long, conflicts_with = "output")]
    pub out_dir: Option<PathBuf>,
    /// Do not start CSV output with a UTF-8 byte-order mark.
    #[arg(long)]
    pub no_bom: bool,
    /// Extra alias table (CSV/TSV or XLSX/ODS: alias, canonical, optional kind).
    #[arg(long)]
    pub aliases: Vec<PathBuf>,
}

pub fn run(args: Args) -> Result<ExitCode> {
    if args.out_dir.is_some() && !(args.all_units && args.format == Format::Csv) {
        bail!("--out-dir goes with --all-units --format csv");
    }
    let mut opts = fengong::Options::default();
    for a in &args.aliases {
        opts.aliases.load_user_file(a)?;
    }
    let mut failed = 0;
    let mut notices = Vec::new();
    for path in &args.inputs {
        match fengong::parse_path_all(path, &opts) {
            Ok(ns) => notices.extend(ns),
            Err(e) => {
                eprintln!("fengong: {}: {e}", path.display());
                failed += 1;
            }
        }
    }
    let ledgers: Vec<Ledger> = match &args.unit {
        Some(q) if !args.all_units => match ledger::ledger_for(&notices, q, &opts.aliases) {
            Ok(l) => vec![l],
            Err(e) => {
                eprintln!("fengong: {e}");
                return Ok(ExitCode::from(1));
            }
        },
        _ => ledger::all_ledgers(&notices),
    };
    let bom = !args.no_bom;
    if let Some(dir) = &args.out_dir {
        let mut taken = HashSet::new();
        for l in &ledgers {
            let path = dir.join(ledger::file_name(&l.unit, "csv", &mut taken));
            write(Some(&path), &ledger::csv(std::slice::from_ref(l), bom)?)?;
        }
        eprintln!(
            "fengong: wrote {} CSV files into {}",
            ledgers.len(),
            dir.display()
        );
    } else {
        let bytes = match args.format {
            Format::Table => ledgers
                .iter()
                .map(ledger::table)
                .collect::<Vec<_>>()
                .join("\n")
                .into_bytes(),
            Format::Csv => ledger::csv(&ledgers, bom)?,
            Format::Json => {
                let mut s = if args.all_units {
                    serde_json::to_string_pretty(&ledgers)?
                } else {
                    serde_json::to_string_pretty(&ledgers[0])?
                };
                s.push('\n');
                s.into_bytes()
            }
            Format::Xlsx => ledger::workbook(&ledgers)?,
        };
        write(args.output.as_deref(), &bytes)?;
    }
    Ok(if failed > 0 {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

fn write(path: Option<&Path>, bytes: &[u8]) -> Result<()> {
    match path {
        Some(p) => {
            output::write_atomic(p, bytes).with_context(|| format!("writing {}", p.display()))
        }
        None => {
            let mut out = std::io::stdout().lock();
            out.write_all(bytes)?;
            out.flush()?;
            Ok(())
        }
    }
}
