//! `fengong parse`: one notice, many notices, or whole folders → JSON,
//! JSON Lines, CSV or XLSX.
//!
//! * one output (stdout or `-o FILE`) for all inputs: a JSON object (one
//!   input) or array, JSON Lines streamed in input order, CSV rows, or one
//!   workbook (`--format xlsx -o FILE`);
//! * `--out-dir DIR`: one output per input, mirroring the input tree.
//!
//! Files are parsed in parallel (`--jobs`); a bad file is reported and the
//! batch goes on. Exit code 0 when every input converted, 1 when some failed.

use anyhow::{Context, Result, bail};
use clap::ValueEnum;
use fengong::batch::{self, Input};
use fengong::{Notice, output};
use indicatif::{ProgressBar, ProgressStyle};
use std::io::{IsTerminal, Write};
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
    /// An Excel workbook (items, units, targets, metadata sheets).
    Xlsx,
}

impl Format {
    fn extension(self) -> &'static str {
        match self {
            Format::Json => "json",
            Format::Jsonl => "jsonl",
            Format::Csv => "csv",
            Format::UnitsCsv => "units.csv",
            Format::TargetsCsv => "targets.csv",
            Format::Xlsx => "xlsx",
        }
    }
}

/// Arguments of `parse`.
#[derive(clap::Args, Debug)]
pub struct Args {
    /// Notice files or folders (walked recursively).
    #[arg(required = true)]
    pub inputs: Vec<PathBuf>,
    /// Output format.
    #[arg(short, long, value_enum, default_value = "json")]
    pub format: Format,
    /// Write everything to this file (atomically) instead of standard output.
    #[arg(short, long, conflicts_with = "out_dir")]
    pub output: Option<PathBuf>,
    /// Write one output per input into this folder, mirroring the input tree.
    #[arg(long)]
    pub out_dir: Option<PathBuf>,
    /// Number of worker threads (default: one per core).
    #[arg(short, long)]
    pub jobs: Option<usize>,
    /// No progress bar and no summary.
    #[arg(short, long)]
    pub quiet: bool,
    /// Do not start CSV output with a UTF-8 byte-order mark.
    #[arg(long)]
    pub no_bom: bool,
    /// Extra alias table (CSV/TSV or XLSX/ODS: alias, canonical, optional kind).
    #[arg(long)]
    pub aliases: Vec<PathBuf>,
    /// Largest input file accepted, in bytes.
    #[arg(long, default_value_t = 64 * 1024 * 1024)]
    pub max_bytes: u64,
}

/// Result of one file.
type Outcome = Result<Notice, String>;

pub fn run(args: Args) -> Result<ExitCode> {
    let mut opts = fengong::Options {
        max_bytes: args.max_bytes,
        ..Default::default()
    };
    for a in &args.aliases {
        opts.aliases.load_user_file(a)?;
    }
    if let Some(j) = args.jobs {
        rayon::ThreadPoolBuilder::new()
            .num_threads(j.max(1))
            .build_global()
            .ok();
    }
    let inputs = batch::collect_inputs(&args.inputs).context("listing the inputs")?;
    if inputs.is_empty() {
        bail!(
            "no supported files found in {}",
            args.inputs
                .iter()
                .map(|p| p.display().to_string())
                .collect::<Vec<_>>()
                .join(", ")
        );
    }
    if args.format == Format::Xlsx && args.output.is_none() && args.out_dir.is_none() {
        bail!(
            "--format xlsx needs -o FILE or --out-dir DIR (a workbook is not written to a terminal)"
        );
    }
    let many = inputs.len() > 1 || args.inputs.iter().any(|p| p.is_dir());
    let bar = progress_bar(inputs.len(), args.quiet || !many);
    let mut report = Report::default();
    let work = |i: &Input| -> Outcome {
        let r = batch::parse_guarded(&i.path, &opts);
        bar.inc(1);
        r
    };

    if let Some(dir) = &args.out_dir {
        let outs = batch::output_paths(&inputs, dir, args.format.extension());
        // Temporary files an interrupted earlier run left behind.
        batch::remove_stale_temps(&outs);
        let index: std::collections::HashMap<&PathBuf, usize> = inputs
            .iter()
            .enumerate()
            .map(|(k, i)| (&i.path, k))
            .collect();
        let bom = !args.no_bom;
        let format = args.format;
        batch::run_ordered(
            &inputs,
            256,
            |i| {
                let r = work(i).and_then(|n| {
                    let bytes =
                        render(std::slice::from_ref(&n), format, bom).map_err(|e| e.to_string())?;
                    let out = &outs[index[&i.path]];
                    output::write_atomic(out, &bytes)
                        .map_err(|e| format!("writing {}: {e}", out.display()))?;
                    Ok(n)
                });
                r.map(|n| warning_count(&n))
            },
            |i, r| report.record(i, r),
        );
    } else if args.format == Format::Jsonl && args.output.is_none() {
        // Streamed to stdout in input order.
        let mut out = std::io::stdout().lock();
        let mut io_err = None;
        batch::run_ordered(&inputs, 64, work, |i, r| {
            if let Ok(n) = &r
                && io_err.is_none()
                && let Err(e) = out.write_all(output::json::to_json_line(n).as_bytes())
            {
                io_err = Some(e);
            }
            report.record(i, r.map(|n| warning_count(&n)));
        });
        if let Some(e) = io_err {
            return Err(e.into());
        }
        out.flush()?;
    } else {
        let mut notices = Vec::new();
        batch::run_ordered(&inputs, 64, work, |i, r| {
            if let Ok(n) = &r {
                notices.push(n.clone());
            }
            report.record(i, r.map(|n| warning_count(&n)));
        });
        bar.finish_and_clear();
        if !notices.is_empty() {
            let bytes = render(&notices, args.format, !args.no_bom)?;
            match &args.output {
                Some(p) => output::write_atomic(p, &bytes)
                    .with_context(|| format!("writing {}", p.display()))?,
                None => {
                    let mut out = std::io::stdout().lock();
                    out.write_all(&bytes)?;
                    out.flush()?;
                }
            }
        }
    }
    bar.finish_and_clear();
    report.print(many && !args.quiet);
    Ok(if report.failed.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}

/// Warnings of a converted notice (notice-level and item-level), for the summary.
fn warning_count(n: &Notice) -> usize {
    n.warnings.len() + n.items.iter().map(|i| i.warnings.len()).sum::<usize>()
}

#[derive(Default)]
struct Report {
    converted: usize,
    warnings: usize,
    failed: Vec<(PathBuf, String)>,
}

impl Report {
    /// Record one file: its warning count, or why it failed.
    fn record(&mut self, input: &Input, r: Result<usize, String>) {
        match r {
            Ok(warnings) => {
                self.converted += 1;
                self.warnings += warnings;
            }
            Err(e) => self.failed.push((input.path.clone(), e)),
        }
    }

    fn print(&self, summary: bool) {
        if !summary {
            for (p, e) in &self.failed {
                eprintln!("fengong: {}: {e}", p.display());
            }
            return;
        }
        eprintln!(
            "fengong: {} converted, {} failed, {} warnings",
            self.converted,
            self.failed.len(),
            self.warnings
        );
        for (p, e) in &self.failed {
            eprintln!("  failed: {}: {e}", p.display());
        }
    }
}

fn progress_bar(len: usize, hidden: bool) -> ProgressBar {
    if hidden || !std::io::stderr().is_terminal() {
        return ProgressBar::hidden();
    }
    let bar = ProgressBar::new(len as u64);
    if let Ok(style) =
        ProgressStyle::with_template("{bar:40} {pos}/{len} files ({per_sec}, eta {eta})")
    {
        bar.set_style(style);
    }
    bar
}

fn render(notices: &[Notice], format: Format, bom: bool) -> Result<Vec<u8>> {
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
        Format::Xlsx => output::xlsx::workbook(notices)
            .map_err(|e| anyhow::anyhow!("writing the workbook: {e}"))?,
    })
}
