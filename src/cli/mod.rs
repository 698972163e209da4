//! Command-line interface: one file per subcommand, each with its clap
//! `Args` and a `run` function. Every subcommand finds its inputs, reports
//! failures and writes its outputs through [`fengong::batch`]; this layer
//! only parses arguments and picks formats.
//!
//! Exit codes, the same for every subcommand: 0 everything converted, 1
//! some inputs failed, 2 usage error, refused output, or nothing to read.

mod diff;
mod parse;
#[cfg(feature = "serve")]
mod serve;
mod tasks;
mod units;

use anyhow::{Result, bail};
use clap::{CommandFactory, Parser, Subcommand, ValueEnum};
use fengong::batch::{self, Report, Status};
use indicatif::{ProgressBar, ProgressStyle};
use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// Turn Chinese government task-division notices (分工方案) into structured data.
#[derive(Parser, Debug)]
#[command(
    name = "fengong",
    version,
    about,
    after_help = "Exit status: 0 everything converted, 1 some inputs failed, 2 usage error, refused output or nothing to read."
)]
pub struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Parse notices into JSON, CSV and other formats.
    Parse(parse::Args),
    /// List the items a unit leads or shares, across notices (a per-unit task ledger).
    Tasks(tasks::Args),
    /// Compare two revisions of a notice: aligned items, field changes, per-unit impact.
    Diff(diff::Args),
    /// Report every unit across notices: canonical form, kind, counts, aliases, unknown ones.
    Units(units::Args),
    /// Serve the review page on this machine: drop notices, check, correct, download.
    #[cfg(feature = "serve")]
    Serve(serve::Args),
    /// Print a shell completion script (bash, zsh, fish, powershell, elvish).
    Completions {
        /// The shell.
        shell: clap_complete::Shell,
    },
    /// Print the manual page (roff), e.g. `fengong man > fengong.1`.
    Man {
        /// A subcommand's page instead of the main one (`fengong man parse`).
        subcommand: Option<String>,
    },
}

/// Entry point used by `main.rs`.
pub fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(c) => c,
        Err(e) => {
            let code = if e.use_stderr() { 2 } else { 0 };
            let _ = e.print();
            return ExitCode::from(code);
        }
    };
    let result = match cli.command {
        Command::Parse(a) => parse::run(a),
        Command::Tasks(a) => tasks::run(a),
        Command::Diff(a) => diff::run(a),
        Command::Units(a) => units::run(a),
        #[cfg(feature = "serve")]
        Command::Serve(a) => serve::run(a),
        Command::Completions { shell } => {
            let mut cmd = Cli::command();
            clap_complete::generate(shell, &mut cmd, "fengong", &mut std::io::stdout());
            Ok(Status::Ok)
        }
        Command::Man { subcommand } => man(subcommand.as_deref()),
    };
    match result {
        Ok(status) => status.into(),
        Err(e) => {
            if e.chain().any(|c| {
                c.downcast_ref::<std::io::Error>()
                    .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
            }) {
                return ExitCode::SUCCESS;
            }
            eprintln!("fengong: error: {e}");
            Status::Usage.into()
        }
    }
}

/// `fengong man [SUBCOMMAND]`: the roff page, from the clap definitions.
fn man(subcommand: Option<&str>) -> Result<Status> {
    let mut cmd = Cli::command();
    cmd.build();
    let page = match subcommand {
        None => clap_mangen::Man::new(cmd),
        Some(name) => {
            let Some(sub) = cmd.find_subcommand(name).cloned() else {
                bail!("no subcommand {name} (parse, tasks, diff, units, completions, man)");
            };
            clap_mangen::Man::new(sub).title(format!("fengong-{name}"))
        }
    };
    let mut out = Vec::new();
    page.render(&mut out)?;
    std::io::Write::write_all(&mut std::io::stdout(), &out)?;
    Ok(Status::Ok)
}

/// The options every subcommand that reads a batch of notices shares
/// (`parse`, `units`, `tasks`), flattened into each one's arguments so they
/// are spelled, documented and handled the same way everywhere.
#[derive(clap::Args, Debug)]
pub struct ReadOptions {
    /// Also read the paths listed in FILE, one per line (`-`: standard input).
    #[arg(long, value_name = "FILE")]
    pub files_from: Option<PathBuf>,
    /// Worker threads (default and 0: one per core).
    #[arg(short, long)]
    pub jobs: Option<usize>,
    /// No progress bar and no summary (failures are still reported).
    #[arg(short, long)]
    pub quiet: bool,
    /// Name every file with warnings in the summary, not just the first few.
    #[arg(short, long)]
    pub verbose: bool,
    #[command(flatten)]
    pub parse: ParseOptions,
}

/// The options of every subcommand that parses notices (the batch ones,
/// `diff` and `serve`).
#[derive(clap::Args, Debug)]
pub struct ParseOptions {
    /// Extra alias table (CSV/TSV or XLSX/ODS: alias, canonical, optional kind).
    #[arg(long)]
    pub aliases: Vec<PathBuf>,
    /// Largest input (or uploaded) file accepted, in bytes; a larger one is refused
    /// before it is read.
    #[arg(long, default_value_t = fengong::Options::default().max_bytes)]
    pub max_bytes: u64,
}

impl ParseOptions {
    /// Parsing options with the user's alias tables loaded; a table that
    /// cannot be read is a usage error naming it once.
    fn options(&self) -> Result<fengong::Options> {
        let mut opts = fengong::Options {
            max_bytes: self.max_bytes,
            ..Default::default()
        };
        for a in &self.aliases {
            if let Err(e) = opts.aliases.load_user_file(a) {
                match e {
                    fengong::Error::AliasTable { .. } => bail!("{e}"),
                    other => bail!("alias table {}: {}", a.display(), batch::describe(&other)),
                }
            }
        }
        Ok(opts)
    }
}

impl ReadOptions {
    /// Parsing options with the user's alias tables loaded.
    fn options(&self) -> Result<fengong::Options> {
        self.parse.options()
    }

    /// The inputs: the positional arguments, then the `--files-from` list;
    /// folders are walked and `skip` (an output folder) is left out. Nothing
    /// to read is a usage error.
    fn inputs(&self, positional: &[PathBuf], skip: &[PathBuf]) -> Result<batch::Inputs> {
        let paths = input_paths(positional, self.files_from.as_deref())?;
        inputs(&paths, skip, self.files_from.is_some())
    }

    /// Size the worker pool (`--jobs`).
    fn start_workers(&self) {
        batch::set_jobs(self.jobs);
    }

    /// A progress bar on standard error for a batch of several files,
    /// hidden with `--quiet`, for one file, or when standard error is not a
    /// terminal.
    fn progress_bar(&self, inputs: &batch::Inputs) -> ProgressBar {
        if self.quiet || !inputs.many || !std::io::stderr().is_terminal() {
            return ProgressBar::hidden();
        }
        let bar = ProgressBar::new(inputs.files.len() as u64);
        if let Ok(style) =
            ProgressStyle::with_template("{bar:40} {pos}/{len} files ({per_sec}, eta {eta})")
        {
            bar.set_style(style);
        }
        bar
    }

    /// Print the failures, and for a batch of several files the summary
    /// (unless `--quiet`; every file with warnings named with `--verbose`).
    fn print(&self, report: &Report, inputs: &batch::Inputs) {
        report.print(inputs.many && !self.quiet, self.verbose);
    }

    /// Read every input into notices on the worker pool, reporting each
    /// failed one and ticking the progress bar per file.
    fn read_notices(
        &self,
        inputs: &batch::Inputs,
        opts: &fengong::Options,
        report: &mut Report,
    ) -> Vec<fengong::Notice> {
        self.start_workers();
        let bar = self.progress_bar(inputs);
        let notices = batch::read_notices(inputs, opts, report, || bar.inc(1));
        bar.finish_and_clear();
        notices
    }
}

/// The options of every subcommand that writes files.
#[derive(clap::Args, Debug)]
pub struct WriteOptions {
    /// Replace outputs that are read-only or were not written by fengong.
    #[arg(long)]
    pub force: bool,
    /// Do not start CSV output with a UTF-8 byte-order mark.
    #[arg(long)]
    pub no_bom: bool,
}

impl WriteOptions {
    /// Whether CSV output starts with a byte-order mark.
    fn bom(&self) -> bool {
        !self.no_bom
    }
}

/// The input arguments followed by the paths listed in `--files-from`.
fn input_paths(inputs: &[PathBuf], files_from: Option<&Path>) -> Result<Vec<PathBuf>> {
    let mut paths = inputs.to_vec();
    if let Some(list) = files_from {
        paths.extend(read_list(list, &paths)?);
    }
    Ok(paths)
}

/// The paths listed in `--files-from` (`-`: standard input, which then
/// cannot also be an input).
fn read_list(list: &Path, inputs: &[PathBuf]) -> Result<Vec<PathBuf>> {
    let text = if list.as_os_str() == batch::walk::STDIN {
        if inputs.iter().any(|p| p.as_os_str() == batch::walk::STDIN) {
            bail!("--files-from - and the input - both want standard input");
        }
        std::io::read_to_string(std::io::stdin()).map_err(|e| {
            anyhow::anyhow!(
                "reading the list from standard input: {}",
                batch::io_message(&e)
            )
        })?
    } else {
        std::fs::read_to_string(list).map_err(|e| {
            anyhow::anyhow!("--files-from {}: {}", list.display(), batch::io_message(&e))
        })?
    };
    Ok(batch::walk::read_list(&text))
}

/// The inputs named on the command line; nothing to read is a usage error
/// (exit 2) with a message.
fn inputs(args: &[PathBuf], skip: &[PathBuf], many: bool) -> Result<batch::Inputs> {
    let found = batch::collect(args, skip, many).map_err(anyhow::Error::msg)?;
    if found.is_empty() {
        bail!(
            "nothing to read: no supported files in {}",
            args.iter()
                .map(|p| p.display().to_string())
                .collect::<Vec<_>>()
                .join(", ")
        );
    }
    Ok(found)
}

/// The output format: `--format` if given, else the one the `-o` file's
/// extension names (`.csv`, `.json`, `.xlsx` …), else `default`. When both
/// are given and the extension names another kind of file, that is an error.
fn pick_format<F: ValueEnum + Copy>(
    given: Option<F>,
    output: Option<&Path>,
    default: F,
) -> Result<F> {
    let from_ext = output.and_then(format_of_file::<F>);
    let family = |f: F| {
        f.to_possible_value()
            .map(|v| v.get_name().rsplit('-').next().unwrap_or("").to_string())
            .unwrap_or_default()
    };
    match (given, from_ext) {
        (Some(g), Some(e)) if family(g) != family(e) => {
            let name = |f: F| {
                f.to_possible_value()
                    .map(|v| v.get_name().to_string())
                    .unwrap_or_default()
            };
            bail!(
                "--format {} does not match the output file {} (a .{} file); drop --format or change the name",
                name(g),
                output.map(|p| p.display().to_string()).unwrap_or_default(),
                family(e)
            )
        }
        (Some(g), _) => Ok(g),
        (None, Some(e)) => Ok(e),
        (None, None) => Ok(default),
    }
}

/// The format a file name asks for: `x.csv` → `csv`, `x.units.csv` →
/// `units-csv`, `x.ndjson` → `jsonl`, `x.htm` → `html`.
fn format_of_file<F: ValueEnum>(path: &Path) -> Option<F> {
    let name = path.file_name()?.to_str()?.to_ascii_lowercase();
    let mut parts = name.rsplit('.');
    let ext = parts.next()?;
    if let Some(inner) = parts.next()
        && let Ok(f) = F::from_str(&format!("{inner}-{ext}"), true)
    {
        return Some(f);
    }
    let ext = match ext {
        "ndjson" => "jsonl",
        "htm" => "html",
        e => e,
    };
    F::from_str(ext, true).ok()
}

/// Create the `--out-dir` folder if needed: its parent must exist (like
/// `mkdir`, never `mkdir -p`).
fn make_out_dir(dir: &Path) -> Result<()> {
    if dir.is_dir() {
        return Ok(());
    }
    let parent = fengong::output::parent_dir(dir);
    if !parent.is_dir() {
        bail!(
            "cannot create --out-dir {}: folder {} does not exist (create it first)",
            dir.display(),
            parent.display()
        );
    }
    std::fs::create_dir(dir).map_err(|e| {
        anyhow::anyhow!(
            "cannot create --out-dir {}: {}",
            dir.display(),
            batch::io_message(&e)
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_follow_the_output_extension() {
        let f = |given, out: &str| pick_format(given, Some(Path::new(out)), parse::Format::Json);
        assert_eq!(f(None, "a.csv").unwrap(), parse::Format::Csv);
        assert_eq!(f(None, "a.units.csv").unwrap(), parse::Format::UnitsCsv);
        assert_eq!(f(None, "a.NDJSON").unwrap(), parse::Format::Jsonl);
        assert_eq!(f(None, "a.out").unwrap(), parse::Format::Json);
        assert_eq!(
            f(Some(parse::Format::UnitsCsv), "all.csv").unwrap(),
            parse::Format::UnitsCsv
        );
        assert!(f(Some(parse::Format::Json), "a.csv").is_err());
    }

    #[test]
    fn the_cli_definition_is_consistent() {
        Cli::command().debug_assert();
    }
}
