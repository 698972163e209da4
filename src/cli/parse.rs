//! `fengong parse`: one or many notices → JSON / JSONL / CSV.

use anyhow::{Context, Result};
use clap::ValueEnum;
use fengong::output;
use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

/// Output formats of `parse`.
#[derive(Debug, Clone, Copy, ValueEnum, PartialEq, Eq)]
pub enum Format {
    /// The notice as JSON (the eval/GUIDE.md contract).
    Json,
    /// One JSON object per line, one line per notice.
    Jsonl,
    /// One row per item.
    Csv,
    /// One row per item × role × unit.
    UnitsCsv,
    /// One row per target.
    TargetsCsv,
}

/// Arguments of `parse`.
#[derive(clap::Args, Debug)]
pub struct Args {
    /// Notice files.
    #[arg(required = true)]
    pub inputs: Vec<PathBuf>,
    /// Output format.
    #[arg(short, long, value_enum, default_value = "json")]
    pub format: Format,
    /// Write to this file (atomically) instead of standard output.
    #[arg(short, long)]
    pub output: Option<PathBuf>,
    /// Do not start CSV output with a UTF-8 byte-order mark.
    #[arg(long)]
    pub no_bom: bool,
    /// Extra alias table (CSV/TSV or XLSX/ODS: alias, canonical, optional kind).
    #[arg(long)]
    pub aliases: Vec<PathBuf>,
}

pub fn run(args: Args) -> Result<ExitCode> {
    let mut opts = fengong::Options::default();
    for a in &args.aliases {
        opts.aliases.load_user_file(a)?;
    }
    let mut failed = 0;
    let mut notices = Vec::new();
    for path in &args.inputs {
        match fengong::parse_path(path, &opts) {
            Ok(n) => notices.push(n),
            Err(e) => {
                eprintln!("fengong: {}: {e}", path.display());
                failed += 1;
            }
        }
    }
    if notices.is_empty() {
        // Nothing parsed: leave any existing output untouched.
        return Ok(ExitCode::from(1));
    }
    let bytes = render(&notices, args.format, !args.no_bom)?;
    match &args.output {
        Some(p) => {
            output::write_atomic(p, &bytes).with_context(|| format!("writing {}", p.display()))?
        }
        None => {
            let mut out = std::io::stdout().lock();
            out.write_all(&bytes)?;
            out.flush()?;
        }
    }
    Ok(if failed > 0 {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

fn render(notices: &[fengong::Notice], format: Format, bom: bool) -> Result<Vec<u8>> {
    Ok(match format {
        Format::Json if notices.len() == 1 => output::json::to_json(&notices[0]).into_bytes(),
        Format::Json => {
            let mut s = serde_json::to_string_pretty(notices)?;
            s.push('\n');
            s.into_bytes()
        }
        Format::Jsonl => notices
            .iter()
            .map(output::json::to_json_line)
            .collect::<String>()
            .into_bytes(),
        Format::Csv => output::csv::items_csv(notices, bom)?,
        Format::UnitsCsv => output::csv::units_csv(notices, bom)?,
        Format::TargetsCsv => output::csv::targets_csv(notices, bom)?,
    })
}
