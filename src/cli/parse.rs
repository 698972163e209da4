//! `fengong parse`: one notice, many notices, or whole folders → JSON,
//! JSON Lines, CSV or XLSX.
//!
//! * one output (stdout or `-o FILE`) for all inputs: a JSON object (one
//!   file argument) or array (several arguments, a folder or a list), JSON
//!   Lines, CSV rows — streamed in input order as files are done — or one
//!   workbook;
//! * `--out-dir DIR`: one output per input, mirroring the input tree.
//!
//! Files are parsed in parallel (`--jobs`); a bad file is reported and the
//! batch goes on. Exit code 0 when every input converted, 1 when some failed.

use anyhow::{Result, bail};
use clap::ValueEnum;
use fengong::batch::{self, Destination, Guard, Input, Report, Status};
use fengong::{Notice, output};
use std::io::Write;
use std::path::PathBuf;

/// Output formats of `parse`.
#[derive(Debug, Clone, Copy, ValueEnum, PartialEq, Eq)]
pub enum Format {
    /// The notice as JSON (see docs/rules.md); several notices: an array.
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
    /// Notice files or folders (walked recursively); `-` reads standard input.
    #[arg(required_unless_present = "files_from")]
    pub inputs: Vec<PathBuf>,
    /// Output format [default: from the -o extension, else json].
    #[arg(short, long, value_enum)]
    pub format: Option<Format>,
    /// Write everything to this file (atomically) instead of standard output.
    #[arg(short, long, conflicts_with = "out_dir")]
    pub output: Option<PathBuf>,
    /// Write one output per input into this folder, mirroring the input tree.
    #[arg(long)]
    pub out_dir: Option<PathBuf>,
    #[command(flatten)]
    pub read: super::ReadOptions,
    #[command(flatten)]
    pub write: super::WriteOptions,
    /// Leave out targets whose confidence is below this (0–1; weak framing:
    /// no comparator, no metric).
    #[arg(long, default_value_t = 0.0, value_parser = confidence)]
    pub min_confidence: f64,
}

fn confidence(s: &str) -> std::result::Result<f64, String> {
    match s.parse::<f64>() {
        Ok(v) if (0.0..=1.0).contains(&v) => Ok(v),
        _ => Err(format!("`{s}` is not a confidence between 0 and 1")),
    }
}

/// How many finished files may wait for the ones before them.
const WINDOW: usize = 64;

/// A converted file, rendered by the worker that parsed it.
struct Done {
    /// Its part of the output (a JSON element, a line, CSV rows, a file).
    bytes: Vec<u8>,
    /// The notice itself, kept only for a workbook.
    notice: Option<Notice>,
    warnings: Vec<String>,
    item_warnings: usize,
}

impl Done {
    fn new(n: Notice, bytes: Vec<u8>, keep: bool) -> Done {
        Done {
            bytes,
            item_warnings: n.items.iter().map(|i| i.warnings.len()).sum(),
            warnings: n.warnings.clone(),
            notice: keep.then_some(n),
        }
    }
}

pub fn run(args: Args) -> Result<Status> {
    let mut opts = args.read.options()?;
    opts.min_confidence = args.min_confidence;
    let format = super::pick_format(args.format, args.output.as_deref(), Format::Json)?;
    if let Some(dir) = &args.out_dir {
        super::make_out_dir(dir)?;
    }
    let skip: Vec<PathBuf> = args.out_dir.iter().cloned().collect();
    let inputs = args.read.inputs(&args.inputs, &skip)?;
    let guard = Guard::new(&inputs, args.write.force);
    if format == Format::Xlsx && args.output.is_none() && args.out_dir.is_none() {
        bail!("a workbook needs -o FILE or --out-dir DIR (it is never written to standard output)");
    }
    args.read.start_workers();
    let bar = args.read.progress_bar(&inputs);
    let mut report = Report::default();
    for (p, e) in &inputs.failed {
        report.failed(p, e.clone());
    }
    let bom = args.write.bom();

    if let Some(dir) = &args.out_dir {
        let outs = batch::output_paths(&inputs.files, dir, format.extension());
        // Temporary files an interrupted earlier run left behind.
        batch::remove_stale_temps(&outs);
        let index: std::collections::HashMap<&PathBuf, usize> = inputs
            .files
            .iter()
            .enumerate()
            .map(|(k, i)| (&i.path, k))
            .collect();
        // Workers parse, render and write each output's temporary file;
        // committer threads sync and rename them, so no core waits on the disk.
        let committer = batch::Committer::new(4 * rayon::current_num_threads().max(1));
        let mut done: Vec<(String, usize)> = Vec::new();
        batch::run_ordered(
            &inputs.files,
            WINDOW,
            |i| {
                let n = batch::read(i, &opts)?;
                let bytes = render_whole(std::slice::from_ref(&n), format, bom, false)?;
                let out = &outs[index[&i.path]];
                let file = write_file(&guard, dir, out, &bytes)?;
                Ok((Done::new(n, Vec::new(), false), file))
            },
            |i, r: Result<(Done, output::AtomicFile), String>| {
                bar.inc(1);
                let key = done.len();
                match r {
                    Ok((d, file)) => {
                        done.push((i.name(), d.warnings.len() + d.item_warnings));
                        committer.submit(key, file);
                        record(&mut report, i, Ok(d));
                    }
                    Err(e) => {
                        done.push((i.name(), 0));
                        record(&mut report, i, Err(e));
                    }
                }
            },
        );
        for (key, e) in committer.finish() {
            match done.get(key) {
                Some((name, warnings)) => report.retract(name, *warnings, e),
                None => report.failed("output", e),
            }
        }
    } else if format == Format::Xlsx {
        let mut dest =
            Destination::open(args.output.as_deref(), &guard).map_err(anyhow::Error::msg)?;
        let mut notices = Vec::new();
        batch::run_ordered(
            &inputs.files,
            WINDOW,
            |i| batch::read(i, &opts).map(|n| Done::new(n, Vec::new(), true)),
            |i, mut r| {
                bar.inc(1);
                if let Ok(d) = &mut r {
                    notices.extend(d.notice.take());
                }
                record(&mut report, i, r);
            },
        );
        bar.finish_and_clear();
        if !notices.is_empty() {
            let bytes = output::xlsx::workbook(&notices)
                .map_err(|e| anyhow::anyhow!("writing the workbook: {e}"))?;
            if let Err(e) = dest
                .write_all(&bytes)
                .map_err(|e| dest.error(&e))
                .and_then(|_| dest.finish())
            {
                report.failed("output", e);
            }
        }
    } else {
        let shape = Shape::of(format, inputs.many, bom);
        let mut dest =
            Destination::open(args.output.as_deref(), &guard).map_err(anyhow::Error::msg)?;
        let mut started = false;
        let mut write_err: Option<std::io::Error> = None;
        batch::run_ordered(
            &inputs.files,
            WINDOW,
            |i| {
                let n = batch::read(i, &opts)?;
                let bytes = shape.chunk(&n)?;
                Ok(Done::new(n, bytes, false))
            },
            |i, r: Result<Done, String>| {
                bar.inc(1);
                if let Ok(d) = &r
                    && write_err.is_none()
                {
                    let sep = if started {
                        shape.separator()
                    } else {
                        shape.head()
                    };
                    started = true;
                    if let Err(e) = dest.write_all(&sep).and_then(|_| dest.write_all(&d.bytes)) {
                        write_err = Some(e);
                    }
                }
                record(&mut report, i, r);
            },
        );
        bar.finish_and_clear();
        match write_err {
            Some(e) if e.kind() == std::io::ErrorKind::BrokenPipe => {
                // The reader stopped early (`| head`): not a failure.
                args.read.print(&report, &inputs);
                return Ok(report.status());
            }
            Some(e) => report.failed("output", dest.error(&e)),
            None if started => {
                let tail = shape.tail();
                if let Err(e) = dest
                    .write_all(&tail)
                    .map_err(|e| dest.error(&e))
                    .and_then(|_| dest.finish())
                {
                    report.failed("output", e);
                }
            }
            // Nothing converted: no output at all (an -o file is not touched).
            None => {}
        }
    }
    bar.finish_and_clear();
    args.read.print(&report, &inputs);
    Ok(report.status())
}

/// Record one file's outcome.
fn record(report: &mut Report, input: &Input, r: Result<Done, String>) {
    match r {
        Ok(d) => report.converted(&input.name(), &d.warnings, d.item_warnings),
        Err(e) => report.failed(&input.name(), e),
    }
}

/// Write one `--out-dir` output into its temporary file (the caller
/// commits it): subfolders of the output folder are created to mirror the
/// input tree; the file itself goes through the guard.
fn write_file(
    guard: &Guard,
    root: &std::path::Path,
    out: &std::path::Path,
    bytes: &[u8],
) -> Result<output::AtomicFile, String> {
    let dir = output::parent_dir(out);
    if dir != root && !dir.is_dir() {
        std::fs::create_dir_all(dir)
            .map_err(|e| format!("cannot create {}: {}", dir.display(), batch::io_message(&e)))?;
    }
    let mut f = guard.create(out)?;
    f.write_all(bytes)
        .map_err(|e| batch::guard::write_error(out, &e))?;
    Ok(f)
}

/// How one stream of notices is laid out: a JSON object or array, JSON
/// Lines, or CSV with one header.
#[derive(Clone, Copy)]
struct Shape {
    format: Format,
    array: bool,
    bom: bool,
}

impl Shape {
    fn of(format: Format, many: bool, bom: bool) -> Shape {
        Shape {
            format,
            array: many,
            bom,
        }
    }

    /// What goes before the first notice.
    fn head(&self) -> Vec<u8> {
        match self.format {
            Format::Json if self.array => b"[\n".to_vec(),
            Format::Csv | Format::UnitsCsv | Format::TargetsCsv => {
                render_whole(&[], self.format, self.bom, false).unwrap_or_default()
            }
            _ => Vec::new(),
        }
    }

    /// What goes between two notices.
    fn separator(&self) -> Vec<u8> {
        match self.format {
            Format::Json if self.array => b",\n".to_vec(),
            _ => Vec::new(),
        }
    }

    /// What goes after the last notice.
    fn tail(&self) -> Vec<u8> {
        match self.format {
            Format::Json if self.array => b"\n]\n".to_vec(),
            _ => Vec::new(),
        }
    }

    /// One notice's part: an array element (indented as in a pretty array),
    /// an object, a line, or CSV rows without the header.
    fn chunk(&self, n: &Notice) -> Result<Vec<u8>, String> {
        match self.format {
            Format::Json if self.array => {
                let mut out = Vec::new();
                output::json::write_json_element(n, &mut out);
                Ok(out)
            }
            _ => render_whole(std::slice::from_ref(n), self.format, false, true),
        }
    }
}

/// The whole output for `notices`; `rows_only` leaves out a CSV header.
fn render_whole(
    notices: &[Notice],
    format: Format,
    bom: bool,
    rows_only: bool,
) -> Result<Vec<u8>, String> {
    let csv = |r: std::io::Result<Vec<u8>>| -> Result<Vec<u8>, String> {
        let bytes = r.map_err(|e| e.to_string())?;
        if rows_only {
            // The header is one line (no quoted line breaks).
            let cut = bytes
                .iter()
                .position(|b| *b == b'\n')
                .map_or(bytes.len(), |i| i + 1);
            Ok(bytes[cut..].to_vec())
        } else {
            Ok(bytes)
        }
    };
    match format {
        Format::Json if notices.len() == 1 => Ok(output::json::to_json(&notices[0]).into_bytes()),
        Format::Json => Ok(output::json::document(notices).into_bytes()),
        Format::Jsonl => {
            let mut out = Vec::new();
            for n in notices {
                output::json::write_json_line(n, &mut out);
            }
            Ok(out)
        }
        Format::Csv => csv(output::csv::items_csv(notices, bom)),
        Format::UnitsCsv => csv(output::csv::units_csv(notices, bom)),
        Format::TargetsCsv => csv(output::csv::targets_csv(notices, bom)),
        Format::Xlsx => {
            output::xlsx::workbook(notices).map_err(|e| format!("writing the workbook: {e}"))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_streamed_array_is_the_pretty_array() {
        let opts = fengong::Options::default();
        let a = fengong::parse_text(
            "一、总体要求\n1.推进“放管服”改革。（牵头单位：省发展改革委）\n",
            &opts,
        );
        let b = fengong::parse_text("二、保障措施\n", &opts);
        let shape = Shape::of(Format::Json, true, false);
        let mut s = shape.head();
        s.extend(shape.chunk(&a).unwrap());
        s.extend(shape.separator());
        s.extend(shape.chunk(&b).unwrap());
        s.extend(shape.tail());
        let mut expected = serde_json::to_string_pretty(&vec![a, b]).unwrap();
        expected.push('\n');
        assert_eq!(String::from_utf8(s).unwrap(), expected);
    }

    #[test]
    fn streamed_csv_has_one_header() {
        let opts = fengong::Options::default();
        let a = fengong::parse_text(
            "一、总体要求\n1.推进工作。（牵头单位：省发展改革委）\n",
            &opts,
        );
        let shape = Shape::of(Format::UnitsCsv, true, true);
        let mut s = shape.head();
        s.extend(shape.chunk(&a).unwrap());
        s.extend(shape.chunk(&a).unwrap());
        let whole = output::csv::units_csv(&[a.clone(), a], true).unwrap();
        assert_eq!(s, whole);
    }
}
