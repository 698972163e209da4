//! `fengong diff OLD NEW`: compare two revisions of a notice.

use anyhow::Result;
use clap::ValueEnum;
use fengong::batch::{self, Guard, Input, Report, Status};
use fengong::diff::{self as d, report};
use std::io::IsTerminal;
use std::path::PathBuf;

/// Output formats of `diff`.
#[derive(Debug, Clone, Copy, ValueEnum, PartialEq, Eq)]
pub enum Format {
    /// Readable report for the terminal (coloured on a TTY unless NO_COLOR is set).
    Text,
    /// The whole diff as JSON.
    Json,
    /// One row per unit impact, then one per change.
    Csv,
    /// Self-contained HTML report with side-by-side redlines.
    Html,
}

/// Arguments of `diff`.
#[derive(clap::Args, Debug)]
pub struct Args {
    /// The old version (any input format, or JSON from `fengong parse`; `-`: standard input).
    pub old: PathBuf,
    /// The new version.
    pub new: PathBuf,
    /// Output format [default: from the -o extension, else text].
    #[arg(short, long, value_enum)]
    pub format: Option<Format>,
    /// Write to this file (atomically) instead of standard output.
    #[arg(short, long)]
    pub output: Option<PathBuf>,
    #[command(flatten)]
    pub write: super::WriteOptions,
    #[command(flatten)]
    pub parse: super::ParseOptions,
}

/// How a side is named in the report: the file given, with the notice's
/// original source in brackets when it differs (a workbook or JSON read back).
fn side_name(input: &Input, source: Option<&str>) -> String {
    let file = if input.is_stdin() {
        "stdin".to_string()
    } else {
        input
            .path
            .file_name()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_else(|| input.name())
    };
    match source {
        Some(s) if s != file => format!("{file} [{s}]"),
        _ => file,
    }
}

pub fn run(args: Args) -> Result<Status> {
    let opts = args.parse.options()?;
    let format = super::pick_format(args.format, args.output.as_deref(), Format::Text)?;
    let sides = [args.old.clone(), args.new.clone()];
    let inputs = batch::collect(&sides, &[], false).map_err(anyhow::Error::msg)?;
    let guard = Guard::new(&inputs, args.write.force);
    if let Some(p) = &args.output {
        guard.check(p).map_err(anyhow::Error::msg)?;
    }
    let mut report = Report::default();
    for (p, e) in &inputs.failed {
        report.failed(p, e.clone());
    }
    let mut notices = Vec::new();
    for i in &inputs.files {
        match batch::read(i, &opts) {
            Ok(n) => notices.push((side_name(i, n.source.as_deref()), n)),
            Err(e) => report.failed(&i.name(), e),
        }
    }
    if let [(old_name, old), (new_name, new)] = notices.as_slice() {
        let mut diff = d::diff(old, new);
        diff.old_source = Some(old_name.clone());
        diff.new_source = Some(new_name.clone());
        let color = args.output.is_none()
            && std::io::stdout().is_terminal()
            && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty());
        let bytes = match format {
            Format::Text => report::to_text(&diff, color).into_bytes(),
            Format::Json => report::to_json(&diff).into_bytes(),
            Format::Csv => report::to_csv(&diff, args.write.bom())?,
            Format::Html => report::to_html(&diff).into_bytes(),
        };
        if let Err(e) = guard.write(args.output.as_deref(), &bytes) {
            report.failed("output", e);
        }
    }
    report.print(false, false);
    Ok(report.status())
}
