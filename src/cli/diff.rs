//! `fengong diff OLD NEW`: compare two revisions of a notice.

use anyhow::{Context, Result};
use clap::ValueEnum;
use fengong::diff::{self as d, report};
use fengong::output;
use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// Output formats of `diff`.
#[derive(Debug, Clone, Copy, ValueEnum, PartialEq, Eq)]
pub enum Format {
    /// Readable report for the terminal (coloured on a TTY unless NO_COLOR is set).
    Text,
    /// The whole diff as JSON.
    Json,
    /// One row per change (impact summary rows first).
    Csv,
    /// Self-contained HTML report with side-by-side redlines.
    Html,
}

/// Arguments of `diff`.
#[derive(clap::Args, Debug)]
pub struct Args {
    /// The old version (any input format, or JSON from `fengong parse`).
    pub old: PathBuf,
    /// The new version.
    pub new: PathBuf,
    /// Output format.
    #[arg(short, long, value_enum, default_value = "text")]
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

/// Parse one side; the message names the file once (an I/O error already does).
fn load(path: &Path, opts: &fengong::Options) -> Result<fengong::Notice> {
    fengong::parse_path(path, opts).map_err(|e| match e {
        fengong::Error::Io { .. } => anyhow::anyhow!("cannot read {e}"),
        other => anyhow::anyhow!("cannot read {}: {other}", path.display()),
    })
}

pub fn run(args: Args) -> Result<ExitCode> {
    let mut opts = fengong::Options::default();
    for a in &args.aliases {
        opts.aliases
            .load_user_file(a)
            .with_context(|| format!("alias table {}", a.display()))?;
    }
    let old = load(&args.old, &opts)?;
    let new = load(&args.new, &opts)?;
    let diff = d::diff(&old, &new);
    let color = args.output.is_none()
        && std::io::stdout().is_terminal()
        && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty());
    let bytes = match args.format {
        Format::Text => report::to_text(&diff, color).into_bytes(),
        Format::Json => report::to_json(&diff).into_bytes(),
        Format::Csv => report::to_csv(&diff, !args.no_bom)?,
        Format::Html => report::to_html(&diff).into_bytes(),
    };
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
    Ok(ExitCode::SUCCESS)
}
