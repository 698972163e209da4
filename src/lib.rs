//! # fengong (分工)
//!
//! Turns Chinese government task-division notices (分工方案) into structured
//! data. The pipeline, one module per stage:
//!
//! 1. [`input`] — bytes of TXT/DOCX/XLSX/ODS/XLS/HTML/PDF → text;
//! 2. [`repair`] — page-break joins, stray spaces, a width-folded view;
//! 3. [`segment`] — header (meta) and numbered items (GB/T 9704 levels);
//! 4. [`extract`] — unit clauses, headings and numeric targets of each item;
//! 5. [`units`] — unit normalisation (shared prefixes, alias tables, kinds);
//! 6. [`output`] — JSON and CSV writers.
//!
//! ```
//! let n = fengong::parse_text("一、主要指标\n1.全省市场主体数量达到 850 万户。（牵头单位：省局注册处；责任单位：各市、州、县市场监管局）\n", &fengong::Options::default());
//! assert_eq!(n.items[1].path, vec!["一", "1"]);
//! assert_eq!(n.items[1].targets[0].value, 850.0);
//! assert_eq!(n.items[1].responsible_units[0].name, "各市、州、县市场监管局");
//! ```
pub mod batch;
pub mod diff;
pub mod error;
pub mod extract;
pub mod input;
pub mod ledger;
pub mod lexicon;
pub mod model;
pub mod output;
pub mod repair;
pub mod segment;
#[cfg(feature = "serve")]
pub mod serve;
pub mod units;

pub use error::{Error, Result};
pub use model::{Item, Meta, Notice, Target, Unit};
use std::path::Path;
pub use units::Aliases;

/// Settings for parsing.
#[derive(Debug, Clone)]
pub struct Options {
    /// Alias tables (built-in, plus the user's).
    pub aliases: Aliases,
    /// Largest input accepted, in bytes.
    pub max_bytes: u64,
    /// Targets whose `confidence` is below this are left out (0 keeps all).
    pub min_confidence: f64,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            aliases: Aliases::builtin(),
            max_bytes: 64 * 1024 * 1024,
            min_confidence: 0.0,
        }
    }
}

/// Build the regexes, automata and tables of extraction and unit
/// resolution on a background
/// thread (once per process), while the caller decodes, repairs and
/// segments its first notice; each is otherwise built on first use. The
/// batch layer calls it before its first read: a single-file run spends as
/// many instructions building these as parsing the notice.
pub fn prewarm() {
    static STARTED: std::sync::Once = std::sync::Once::new();
    STARTED.call_once(|| {
        let _ = std::thread::Builder::new()
            .name("fengong-prewarm".into())
            .spawn(|| {
                extract::prepare();
                units::prepare();
            });
    });
}

/// Parse a notice given as text.
pub fn parse_text(text: &str, opts: &Options) -> Notice {
    let repaired = repair::repair(text);
    let seg = segment::segment(&repaired);
    let meta = segment::header::parse_header(&seg.header, &seg.trailer);
    let aliases = opts.aliases.for_notice(&meta);
    let mut conv = extract::Conventions::default();
    if let Some(p) = &meta.preamble {
        conv.scan_preamble(p);
    }
    if let Some(b) = &meta.body {
        conv.scan_preamble(b);
    }
    conv.scan_table_header(&seg.header);
    if conv.unit_columns.is_empty() {
        conv.scan_table_header(&seg.table_header);
    }
    let mut items: Vec<Item> = seg
        .items
        .iter()
        .map(|r| extract::build_item(r, &aliases, &mut conv))
        .collect();
    for it in &mut items {
        it.targets.retain(|t| t.confidence >= opts.min_confidence);
    }
    let mut warnings = Vec::new();
    if items.is_empty() {
        warnings.push("no numbered items found".to_string());
    }
    Notice {
        source: None,
        format: "text".into(),
        encoding: "UTF-8".into(),
        meta,
        items,
        warnings,
    }
}

/// Parse a notice from the bytes of a file named `file_name` (any supported format).
pub fn parse_bytes(bytes: &[u8], file_name: &str, opts: &Options) -> Result<Notice> {
    if bytes.len() as u64 > opts.max_bytes {
        return Err(Error::Limit(format!(
            "the file is {} bytes, more than the limit of {} bytes (--max-bytes)",
            bytes.len(),
            opts.max_bytes
        )));
    }
    let ext = Path::new(file_name)
        .extension()
        .and_then(|e| e.to_str())
        .unwrap_or("")
        .to_ascii_lowercase();
    if let Some(all) = fengong_workbook(bytes, file_name, &ext, opts) {
        return all?.into_iter().next().ok_or(Error::Empty);
    }
    let src = input::decode(bytes, &ext)?;
    let mut notice = if src.format == input::Format::Json {
        serde_json::from_str::<Notice>(&src.text).map_err(|e| Error::Json(e.to_string()))?
    } else {
        let mut n = parse_text(&src.text, opts);
        n.format = src.format.as_str().to_string();
        n.encoding = src.encoding;
        n.warnings.extend(src.warnings);
        n
    };
    let base = Path::new(file_name)
        .file_name()
        .and_then(|s| s.to_str())
        .unwrap_or(file_name);
    if notice.source.is_none() || src.format != input::Format::Json {
        notice.source = Some(base.to_string());
    }
    Ok(notice)
}

/// Read and parse a file.
pub fn parse_path(path: &Path, opts: &Options) -> Result<Notice> {
    let meta = std::fs::metadata(path).map_err(|e| Error::Io {
        path: path.display().to_string(),
        source: e,
    })?;
    if meta.len() > opts.max_bytes {
        return Err(Error::Limit(format!(
            "the file is {} bytes, more than the limit of {} bytes (--max-bytes)",
            meta.len(),
            opts.max_bytes
        )));
    }
    let bytes = std::fs::read(path).map_err(|e| Error::Io {
        path: path.display().to_string(),
        source: e,
    })?;
    parse_bytes(&bytes, &path.display().to_string(), opts)
}

/// The notices of a workbook written by fengong (`--format xlsx`), read
/// back; `None` for any other input.
fn fengong_workbook(
    bytes: &[u8],
    file_name: &str,
    ext: &str,
    opts: &Options,
) -> Option<Result<Vec<Notice>>> {
    if input::sniff(bytes, ext).ok()? != input::Format::Xlsx {
        return None;
    }
    // Zip bombs are refused before calamine inflates anything.
    if let Err(e) = input::sheet::check_zip_size(bytes, input::Format::Xlsx) {
        return Some(Err(e));
    }
    let base = Path::new(file_name)
        .file_name()
        .and_then(|s| s.to_str())
        .unwrap_or(file_name);
    Some(
        input::fengong_xlsx::read_workbook_with(bytes, &opts.aliases)?.map(|mut all| {
            for n in &mut all {
                n.source.get_or_insert_with(|| base.to_string());
            }
            all
        }),
    )
}

/// Read and parse a file that may hold several notices (a workbook written
/// by fengong holds one per row of its `文件信息` sheet); any other file
/// gives its one notice.
pub fn parse_path_all(path: &Path, opts: &Options) -> Result<Vec<Notice>> {
    let io = |e| Error::Io {
        path: path.display().to_string(),
        source: e,
    };
    let len = std::fs::metadata(path).map_err(io)?.len();
    if len > opts.max_bytes {
        return Err(Error::Limit(format!(
            "the file is {len} bytes, more than the limit of {} bytes (--max-bytes)",
            opts.max_bytes
        )));
    }
    let bytes = std::fs::read(path).map_err(io)?;
    parse_bytes_all(&bytes, &path.display().to_string(), opts)
}

/// Parse the bytes of a file named `file_name` that may hold several
/// notices (see [`parse_path_all`]).
pub fn parse_bytes_all(bytes: &[u8], file_name: &str, opts: &Options) -> Result<Vec<Notice>> {
    let ext = Path::new(file_name)
        .extension()
        .and_then(|e| e.to_str())
        .unwrap_or("")
        .to_ascii_lowercase();
    match fengong_workbook(bytes, file_name, &ext, opts) {
        Some(all) => all,
        None => parse_bytes(bytes, file_name, opts).map(|n| vec![n]),
    }
}
