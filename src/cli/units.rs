//! `fengong units`: every unit across the given notices, with canonical
//! form, kind, lead/responsible counts and the aliases that mapped to it;
//! units no alias table knows are flagged so the table can grow.

use anyhow::{Context, Result};
use clap::ValueEnum;
use fengong::batch;
use fengong::units::report::{UnitSummary, summarize};
use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

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
    /// Notice files or folders.
    #[arg(required = true)]
    pub inputs: Vec<PathBuf>,
    /// Output format.
    #[arg(short, long, value_enum, default_value = "table")]
    pub format: Format,
    /// Only units no alias table knows.
    #[arg(long)]
    pub unknown: bool,
    /// Write to this file (atomically).
    #[arg(short, long)]
    pub output: Option<PathBuf>,
    /// No UTF-8 byte-order mark in CSV.
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
    let inputs = batch::collect_inputs(&args.inputs).context("listing the inputs")?;
    let mut notices = Vec::new();
    let mut failed = 0;
    batch::run_ordered(
        &inputs,
        64,
        |i| batch::parse_guarded(&i.path, &opts),
        |i, r| match r {
            Ok(n) => notices.push(n),
            Err(e) => {
                eprintln!("fengong: {}: {e}", i.path.display());
                failed += 1;
            }
        },
    );
    let mut rows = summarize(&notices);
    if args.unknown {
        rows.retain(|u| !u.known);
    }
    let bytes = match args.format {
        Format::Json => {
            let mut s = serde_json::to_string_pretty(&rows)?;
            s.push('\n');
            s.into_bytes()
        }
        Format::Csv => csv_bytes(&rows, !args.no_bom)?,
        Format::Table => table(&rows).into_bytes(),
    };
    match &args.output {
        Some(p) => fengong::output::write_atomic(p, &bytes)
            .with_context(|| format!("writing {}", p.display()))?,
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

fn csv_bytes(rows: &[UnitSummary], bom: bool) -> Result<Vec<u8>> {
    let mut w = fengong::output::csv::writer(bom);
    w.write_record([
        "canonical",
        "kind",
        "lead",
        "responsible",
        "notices",
        "known",
        "aliases",
    ])?;
    for u in rows {
        w.write_record([
            u.canonical.as_str(),
            u.kind.as_str(),
            &u.lead.to_string(),
            &u.responsible.to_string(),
            &u.notices.to_string(),
            if u.known { "yes" } else { "no" },
            &u.aliases.join("；"),
        ])?;
    }
    Ok(fengong::output::csv::finish(w)?)
}

fn width(s: &str) -> usize {
    s.chars()
        .map(|c| if fengong::repair::is_wide(c) { 2 } else { 1 })
        .sum()
}

fn pad(s: &str, w: usize) -> String {
    format!("{s}{}", " ".repeat(w.saturating_sub(width(s))))
}

fn table(rows: &[UnitSummary]) -> String {
    let w = rows
        .iter()
        .map(|u| width(&u.canonical))
        .max()
        .unwrap_or(4)
        .max(4);
    let mut out = format!(
        "{}  {:<11}  {:>4}  {:>4}  {:>4}  {:<5}  aliases\n",
        pad("unit", w),
        "kind",
        "lead",
        "resp",
        "docs",
        "known"
    );
    for u in rows {
        out.push_str(&format!(
            "{}  {:<11}  {:>4}  {:>4}  {:>4}  {:<5}  {}\n",
            pad(&u.canonical, w),
            u.kind.as_str(),
            u.lead,
            u.responsible,
            u.notices,
            if u.known { "yes" } else { "NO" },
            u.aliases.join("；")
        ));
    }
    out
}
