//! Reading back a workbook written by [`crate::output::xlsx::workbook`], so
//! that a spreadsheet someone corrected by hand can be fed to `diff` and
//! `tasks`.
//!
//! Columns are found by their header, so moved columns are fine. The hidden
//! `指纹` column of each row tells which notice and item the row was written
//! for and holds a hash of each cell as written:
//!
//! - a row whose cells no longer match gives its item the warning
//!   `edited-in-spreadsheet: <sheet> row <n> (<columns>)`;
//! - a row without a fingerprint (typed or pasted in), or a second copy of a
//!   row, gives `added-in-spreadsheet: <sheet> row <n>`;
//! - rows that disappeared give `deleted-in-spreadsheet: …`.
//!
//! Units come from the `单位` sheet; when the `牵头单位`/`责任单位` cell of an
//! item was edited, from that cell (names separated by `；`). A unit whose
//! `名称` was edited, or whose `规范名称` was edited or emptied, is looked up
//! again in the alias tables (an edited canonical name is itself looked up,
//! so `注册处` becomes `省市场监管局登记注册处`).

use crate::error::Result;
use crate::model::{Item, Meta, Notice, Target, Unit, UnitKind};
use crate::output::xlsx::{
    Column, FINGERPRINT_HEADER, Fingerprint, ITEM_COLUMNS, ITEMS_SHEET, LEAD_ZH, META_COLUMNS,
    META_SHEET, NO_ZH, RESPONSIBLE_ZH, TARGET_COLUMNS, TARGETS_SHEET, UNIT_COLUMNS, UNITS_SHEET,
    YES_ZH, cell_hash,
};
use crate::units::Aliases;
use calamine::{Data, Reader};
use std::collections::{HashMap, HashSet};
use std::io::Cursor;

/// Warning for an item whose rows were changed by hand.
pub const EDITED: &str = "edited-in-spreadsheet";
/// Warning for an item (or unit/target) row added by hand.
pub const ADDED: &str = "added-in-spreadsheet";
/// Warning for rows removed by hand.
pub const DELETED: &str = "deleted-in-spreadsheet";

/// Rebuild the notices of a fengong workbook, with the built-in alias
/// tables. `None` when `bytes` is not a workbook written by fengong (its
/// sheets differ), so the caller reads it as an ordinary spreadsheet.
pub fn read_workbook(bytes: &[u8]) -> Option<Result<Vec<Notice>>> {
    read_workbook_with(bytes, &Aliases::builtin())
}

/// [`read_workbook`] with the given alias tables (built-in and the user's).
pub fn read_workbook_with(bytes: &[u8], aliases: &Aliases) -> Option<Result<Vec<Notice>>> {
    // calamine is not hardened against every malformed file: a panic there
    // is a damaged workbook, not a crash.
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        read_workbook_unguarded(bytes, aliases)
    }))
    .unwrap_or_else(|_| {
        Some(Err(crate::error::Error::Corrupt {
            format: "xlsx",
            detail: "the xlsx reader failed on this file (malformed structure)".into(),
        }))
    })
}

fn read_workbook_unguarded(bytes: &[u8], aliases: &Aliases) -> Option<Result<Vec<Notice>>> {
    let mut wb: calamine::Xlsx<_> = calamine::Xlsx::new(Cursor::new(bytes)).ok()?;
    let names = wb.sheet_names();
    let wanted = [ITEMS_SHEET, UNITS_SHEET, TARGETS_SHEET, META_SHEET];
    if !wanted.iter().all(|w| names.iter().any(|n| n == w)) {
        return None;
    }
    let mut sheets = Vec::new();
    for (name, cols) in
        wanted
            .iter()
            .zip([ITEM_COLUMNS, UNIT_COLUMNS, TARGET_COLUMNS, META_COLUMNS])
    {
        // Streamed cell by cell: a dense range would cost the sheet's whole
        // bounding box (52 GB for one cell at XFD99999).
        let grid = match super::sheet::xlsx_sheet_cells(&mut wb, name, cell_text) {
            Ok(cells) => Grid::new(cells),
            Err(e) => return Some(Err(e)),
        };
        match Sheet::load(name, cols, &grid) {
            Some(s) => sheets.push(s),
            // Same sheet names, but not our headers: someone else's workbook.
            None => return None,
        }
    }
    let meta = sheets.pop()?;
    let targets = sheets.pop()?;
    let units = sheets.pop()?;
    let items = sheets.pop()?;
    Some(Ok(rebuild(&items, &units, &targets, &meta, aliases)))
}

/// One data row of a sheet.
#[derive(Debug)]
struct SheetRow {
    /// 1-based row number as Excel shows it.
    line: usize,
    /// Cell texts, in the order of the sheet's [`Column`]s.
    cells: Vec<String>,
    /// The fingerprint, if the row has a valid, first-seen one.
    fp: Option<Fingerprint>,
    /// Headers of the columns whose content differs from the fingerprint.
    edited: Vec<&'static str>,
}

impl SheetRow {
    fn get(&self, cols: &[Column], field: &str) -> &str {
        cols.iter()
            .position(|c| c.field == field)
            .and_then(|i| self.cells.get(i))
            .map(|s| s.trim())
            .unwrap_or("")
    }

    fn opt(&self, cols: &[Column], field: &str) -> Option<String> {
        Some(self.get(cols, field).to_string()).filter(|s| !s.is_empty())
    }

    fn was_edited(&self, field: &str, cols: &[Column]) -> bool {
        cols.iter()
            .find(|c| c.field == field)
            .is_some_and(|c| self.edited.contains(&c.header))
    }
}

struct Sheet {
    name: &'static str,
    cols: &'static [Column],
    rows: Vec<SheetRow>,
}

/// A sheet's non-empty cells by row (absolute row index; each row's cells
/// sorted by column): memory in proportion to the cells, not the extent.
struct Grid {
    rows: Vec<Vec<(u32, String)>>,
    /// One past the furthest column used.
    width: usize,
}

impl Grid {
    fn new(cells: super::sheet::Cells) -> Grid {
        let height = cells
            .iter()
            .map(|(r, _, _)| *r as usize + 1)
            .max()
            .unwrap_or(0);
        let width = cells
            .iter()
            .map(|(_, c, _)| *c as usize + 1)
            .max()
            .unwrap_or(0);
        let mut rows = vec![Vec::new(); height];
        for (r, c, text) in cells {
            rows[r as usize].push((c, text));
        }
        for row in &mut rows {
            row.sort_by_key(|(c, _)| *c);
        }
        Grid { rows, width }
    }

    fn at(&self, r: usize, c: usize) -> &str {
        let Some(row) = self.rows.get(r) else {
            return "";
        };
        match row.binary_search_by_key(&(c as u32), |(c, _)| *c) {
            Ok(i) => &row[i].1,
            Err(_) => "",
        }
    }
}

fn cell_text(d: &Data) -> String {
    match d {
        Data::Empty | Data::Error(_) => String::new(),
        Data::String(s) => s.clone(),
        Data::Int(i) => i.to_string(),
        Data::Float(f) => crate::model::format_number(*f),
        Data::Bool(b) => if *b { YES_ZH } else { NO_ZH }.to_string(),
        Data::DateTime(dt) => {
            if dt.is_datetime() {
                let (y, m, d, ..) = dt.to_ymd_hms_milli();
                format!("{y:04}-{m:02}-{d:02}")
            } else {
                dt.to_string()
            }
        }
        Data::DateTimeIso(s) => s.split('T').next().unwrap_or(s).to_string(),
        Data::DurationIso(s) => s.clone(),
    }
}

impl Sheet {
    /// Read a sheet; `None` when its header row lacks our key columns.
    fn load(name: &'static str, cols: &'static [Column], grid: &Grid) -> Option<Sheet> {
        let (h, w) = (grid.rows.len(), grid.width);
        let at = |r: usize, c: usize| grid.at(r, c).to_string();
        if h == 0 {
            return None;
        }
        let header: Vec<String> = (0..w).map(|c| at(0, c).trim().to_string()).collect();
        let find = |hd: &str| header.iter().position(|x| x == hd);
        // The first column's header and the fingerprint column identify the sheet.
        find(cols[0].header)?;
        let fp_col = find(FINGERPRINT_HEADER)?;
        let positions: Vec<Option<usize>> = cols.iter().map(|c| find(c.header)).collect();
        let mut seen = HashSet::new();
        let mut rows = Vec::new();
        for r in 1..h {
            let cells: Vec<String> = positions
                .iter()
                .map(|p| p.map(|c| at(r, c)).unwrap_or_default())
                .collect();
            if cells.iter().all(|c| c.trim().is_empty()) {
                continue;
            }
            let fp_text = at(r, fp_col);
            let fp = Fingerprint::parse(&fp_text)
                .filter(|f| f.hashes.len() == cols.len())
                .filter(|_| seen.insert(fp_text.clone()));
            let edited = match &fp {
                Some(f) => cols
                    .iter()
                    .zip(&cells)
                    .zip(&f.hashes)
                    .filter(|((_, text), h)| cell_hash(text) != **h)
                    .map(|((c, _), _)| c.header)
                    .collect(),
                None => Vec::new(),
            };
            rows.push(SheetRow {
                line: r + 1,
                cells,
                fp,
                edited,
            });
        }
        Some(Sheet { name, cols, rows })
    }

    /// The warning a row gives its item, if any.
    fn warning(&self, row: &SheetRow) -> Option<String> {
        match &row.fp {
            None => Some(format!("{ADDED}: {} row {}", self.name, row.line)),
            Some(_) if !row.edited.is_empty() => Some(format!(
                "{EDITED}: {} row {} ({})",
                self.name,
                row.line,
                row.edited.join("、")
            )),
            Some(_) => None,
        }
    }
}

fn split_list(s: &str) -> Vec<String> {
    s.split(['；', ';', '\n'])
        .map(|x| x.trim().to_string())
        .filter(|x| !x.is_empty())
        .collect()
}

fn parse_bool(s: &str) -> bool {
    matches!(
        s.trim().to_lowercase().as_str(),
        "是" | "yes" | "true" | "y" | "1" | "√" | "✓"
    )
}

fn parse_role(s: &str) -> Option<bool> {
    let s = s.trim();
    if s == LEAD_ZH || s.eq_ignore_ascii_case("lead") || s.contains("牵头") {
        Some(true)
    } else if s == RESPONSIBLE_ZH
        || s.eq_ignore_ascii_case("responsible")
        || ["责任", "配合", "参与", "协办"]
            .iter()
            .any(|k| s.contains(k))
    {
        Some(false)
    } else {
        None
    }
}

fn parse_value(s: &str) -> Option<f64> {
    let s = s.trim().replace([',', '，'], "");
    s.parse::<f64>()
        .ok()
        .or_else(|| crate::extract::target::parse_number(&s))
        .or_else(|| crate::extract::target::chinese_value(&s))
        .filter(|v| v.is_finite())
}

/// Canonical name, kind and `known` of a unit name, from the alias tables.
pub fn resolve(name: &str, aliases: &Aliases) -> (String, UnitKind, bool) {
    let folded = crate::repair::fold(name.trim());
    match aliases.lookup(&folded) {
        Some(l) => (
            l.canonical,
            l.kind.unwrap_or_else(|| crate::units::classify(&folded)),
            l.known,
        ),
        None => (folded.clone(), crate::units::classify(&folded), false),
    }
}

/// A unit from a row of `单位`, re-resolved where the row was edited.
fn unit_from_row(s: &Sheet, row: &SheetRow, aliases: &Aliases) -> Option<Unit> {
    let c = s.cols;
    let raw = row.get(c, "raw");
    let name = row.get(c, "name");
    let name = if name.is_empty() { raw } else { name };
    if name.is_empty() {
        return None;
    }
    let raw = if raw.is_empty() { name } else { raw };
    let canonical = row.get(c, "canonical");
    let kind_cell = UnitKind::parse(row.get(c, "kind"));
    let added = row.fp.is_none();
    let mut u = Unit {
        raw: raw.to_string(),
        name: name.to_string(),
        canonical: canonical.to_string(),
        kind: kind_cell.unwrap_or_default(),
        known: parse_bool(row.get(c, "known")),
        span: row
            .get(c, "span")
            .split_once('-')
            .and_then(|(a, b)| Some([a.trim().parse().ok()?, b.trim().parse().ok()?])),
        ..Default::default()
    };
    let canon_edited = row.was_edited("canonical", c);
    let name_edited = row.was_edited("name", c);
    let mut resolved = true;
    if canonical.is_empty() {
        (u.canonical, u.kind, u.known) = resolve(name, aliases);
    } else if canon_edited || added {
        // A canonical name typed by hand is itself canonicalised.
        let folded = crate::repair::fold(canonical);
        match aliases.lookup(&folded) {
            Some(l) => {
                u.kind = l.kind.unwrap_or_else(|| crate::units::classify(&folded));
                (u.canonical, u.known) = (l.canonical, l.known);
            }
            None => (u.kind, u.known) = (crate::units::classify(&folded), false),
        }
    } else if name_edited {
        (u.canonical, u.kind, u.known) = resolve(name, aliases);
    } else {
        resolved = false;
    }
    match kind_cell {
        // A kind chosen by hand wins.
        Some(k) if added || row.was_edited("kind", c) || !resolved => u.kind = k,
        None if !resolved => u.kind = resolve(name, aliases).1,
        _ => {}
    }
    // Department type, place and successor follow from the name.
    if let Some(l) = aliases.lookup(&crate::repair::fold(&u.name)) {
        (u.department, u.place, u.successor) = (l.department, l.place, l.successor);
    }
    Some(u)
}

fn target_from_row(s: &Sheet, row: &SheetRow) -> (Target, Option<String>) {
    let c = s.cols;
    let mut problem = None;
    let value = parse_value(row.get(c, "value")).unwrap_or_else(|| {
        problem = Some(format!(
            "{EDITED}: {} row {} (数值 `{}` is not a number)",
            s.name,
            row.line,
            row.get(c, "value")
        ));
        0.0
    });
    let t = Target {
        raw: row.get(c, "raw").to_string(),
        value,
        max: parse_value(row.get(c, "max")),
        unit: row.get(c, "unit").to_string(),
        comparator: row.get(c, "comparator").to_string(),
        metric: row.opt(c, "metric"),
        period: row.opt(c, "period"),
        deadline: row.opt(c, "deadline"),
        cumulative: parse_bool(row.get(c, "cumulative")),
        change: row.opt(c, "change"),
        factor: parse_value(row.get(c, "factor")),
        scaled_value: parse_value(row.get(c, "scaled_value")),
        confidence: parse_value(row.get(c, "confidence")).unwrap_or(1.0),
        confidence_reason: row.opt(c, "confidence_reason"),
        span: row
            .get(c, "span")
            .split_once('-')
            .and_then(|(s, e)| Some([s.trim().parse().ok()?, e.trim().parse().ok()?])),
    };
    (t, problem)
}

fn meta_from_row(s: &Sheet, row: &SheetRow, source_fallback: Option<String>) -> Notice {
    let c = s.cols;
    let doc_raw = row.get(c, "doc_number");
    let mut warnings: Vec<String> = split_list(row.get(c, "warnings"));
    let doc_number = if doc_raw.is_empty() {
        None
    } else {
        let d = crate::segment::header::parse_doc_number(doc_raw);
        if d.is_none() {
            warnings.push(format!(
                "{EDITED}: {} row {} (发文字号 `{doc_raw}` is not a document number)",
                s.name, row.line
            ));
        }
        d
    };
    Notice {
        source: row.opt(c, "source").or(source_fallback),
        format: row.get(c, "format").to_string(),
        encoding: row.get(c, "encoding").to_string(),
        meta: Meta {
            issuer: row.opt(c, "issuer"),
            doc_number,
            title: row.opt(c, "title"),
            recipients: row.opt(c, "recipients"),
            body: row.opt(c, "body"),
            signature: row.opt(c, "signature"),
            date: row.opt(c, "date"),
            note: row.opt(c, "note"),
            attachment_title: row.opt(c, "attachment_title"),
            preamble: row.opt(c, "preamble"),
        },
        items: Vec::new(),
        warnings,
    }
}

/// An item being rebuilt.
struct Draft {
    item: Item,
    /// Sort key: (index written, 0) or, for an added row, (previous index, k).
    key: (usize, usize),
    /// Item index in the fingerprint, if any.
    written: Option<usize>,
    /// Units from `单位`: (sort key, lead?, unit).
    units: Vec<((usize, usize), bool, Unit)>,
    unit_rows_seen: HashSet<usize>,
    units_written: usize,
    targets: Vec<((usize, usize), Target)>,
    target_rows_seen: HashSet<usize>,
    targets_written: usize,
    lead_cell: Option<Vec<String>>,
    resp_cell: Option<Vec<String>>,
}

struct NoticeDraft {
    notice: Notice,
    key: (usize, usize),
    written: Option<usize>,
    items_written: usize,
    items: Vec<Draft>,
}

fn rebuild(
    items: &Sheet,
    units: &Sheet,
    targets: &Sheet,
    meta: &Sheet,
    aliases: &Aliases,
) -> Vec<Notice> {
    let mut notices: Vec<NoticeDraft> = Vec::new();
    let mut by_ref: HashMap<usize, usize> = HashMap::new();
    let mut by_source: HashMap<String, usize> = HashMap::new();
    let mut prev = 0;
    for (k, row) in meta.rows.iter().enumerate() {
        let mut n = meta_from_row(meta, row, None);
        if let Some(w) = meta.warning(row) {
            n.warnings.push(w);
        }
        let (key, written, count) = match &row.fp {
            Some(f) => {
                prev = f.notice;
                ((f.notice, 0), Some(f.notice), f.item)
            }
            None => ((prev, k + 1), None, 0),
        };
        let idx = notices.len();
        if let Some(w) = written {
            by_ref.entry(w).or_insert(idx);
        }
        if let Some(s) = &n.source {
            by_source.entry(s.clone()).or_insert(idx);
        }
        notices.push(NoticeDraft {
            notice: n,
            key,
            written,
            items_written: count,
            items: Vec::new(),
        });
    }

    // Which notice a row of another sheet belongs to (created when unknown).
    let mut notice_of = |row: &SheetRow, sheet: &Sheet, notices: &mut Vec<NoticeDraft>| -> usize {
        let source = row.get(sheet.cols, "source").to_string();
        if let Some(f) = &row.fp
            && let Some(&i) = by_ref.get(&f.notice)
            && (source.is_empty() || notices[i].notice.source.as_deref() == Some(source.as_str()))
        {
            return i;
        }
        if let Some(&i) = by_source.get(&source) {
            return i;
        }
        let idx = notices.len();
        by_source.insert(source.clone(), idx);
        notices.push(NoticeDraft {
            notice: Notice {
                source: Some(source).filter(|s| !s.is_empty()),
                warnings: vec![format!("{ADDED}: no {META_SHEET} row for this source")],
                ..Default::default()
            },
            key: (usize::MAX, idx),
            written: None,
            items_written: 0,
            items: Vec::new(),
        });
        idx
    };

    let ic = items.cols;
    let mut prev_item: HashMap<usize, usize> = HashMap::new();
    for (k, row) in items.rows.iter().enumerate() {
        let ni = notice_of(row, items, &mut notices);
        let path_text = row.get(ic, "path");
        let path: Vec<String> = path_text
            .split('/')
            .map(|s| s.trim().to_string())
            .filter(|s| !s.is_empty())
            .collect();
        let level = row
            .get(ic, "level")
            .parse::<u8>()
            .ok()
            .unwrap_or(path.len().clamp(1, 4) as u8);
        let mut warnings = split_list(row.get(ic, "warnings"));
        if let Some(w) = items.warning(row) {
            warnings.push(w);
        }
        let same_notice = row
            .fp
            .as_ref()
            .is_some_and(|f| notices[ni].written == Some(f.notice));
        let (key, written, units_written, targets_written) = match &row.fp {
            Some(f) if same_notice => {
                prev_item.insert(ni, f.item);
                ((f.item, 0), Some(f.item), f.sub, f.count)
            }
            _ => (
                (prev_item.get(&ni).copied().unwrap_or(0), k + 1),
                None,
                0,
                0,
            ),
        };
        let cell_override = |field: &str| {
            (row.fp.is_none() || !same_notice || row.was_edited(field, ic))
                .then(|| split_list(row.get(ic, field)))
        };
        let lead_cell = cell_override("lead_units");
        let resp_cell = cell_override("responsible_units");
        notices[ni].items.push(Draft {
            item: Item {
                path,
                level,
                label: row.get(ic, "label").to_string(),
                heading: row.get(ic, "heading").to_string(),
                text: row.get(ic, "text").to_string(),
                lead_units: Vec::new(),
                responsible_units: Vec::new(),
                leaders: split_list(row.get(ic, "leaders")),
                deadline: row.opt(ic, "deadline"),
                targets: Vec::new(),
                warnings,
            },
            key,
            written,
            units: Vec::new(),
            unit_rows_seen: HashSet::new(),
            units_written,
            targets: Vec::new(),
            target_rows_seen: HashSet::new(),
            targets_written,
            lead_cell,
            resp_cell,
        });
    }

    // Which item of notice `ni` a unit/target row belongs to.
    let item_of = |row: &SheetRow, sheet: &Sheet, nd: &NoticeDraft| -> Option<usize> {
        let path = row.get(sheet.cols, "path");
        if let Some(f) = &row.fp
            && nd.written == Some(f.notice)
            && let Some(i) = nd.items.iter().position(|d| d.written == Some(f.item))
            && nd.items[i].item.path.join("/") == path
        {
            return Some(i);
        }
        nd.items.iter().position(|d| d.item.path.join("/") == path)
    };

    for row in &units.rows {
        let ni = notice_of(row, units, &mut notices);
        let Some(ii) = item_of(row, units, &notices[ni]) else {
            notices[ni].notice.warnings.push(format!(
                "{}: {} row {} names item `{}`, which is not in {ITEMS_SHEET}; ignored",
                if row.fp.is_some() { EDITED } else { ADDED },
                units.name,
                row.line,
                row.get(units.cols, "path")
            ));
            continue;
        };
        let d = &mut notices[ni].items[ii];
        if let Some(w) = units.warning(row) {
            d.item.warnings.push(w);
        }
        let Some(u) = unit_from_row(units, row, aliases) else {
            continue;
        };
        let lead = parse_role(row.get(units.cols, "role")).unwrap_or(false);
        let key = match &row.fp {
            Some(f) if d.written == Some(f.item) => {
                d.unit_rows_seen.insert(f.sub);
                (f.sub, 0)
            }
            _ => (usize::MAX, d.units.len()),
        };
        d.units.push((key, lead, u));
    }

    for row in &targets.rows {
        let ni = notice_of(row, targets, &mut notices);
        let Some(ii) = item_of(row, targets, &notices[ni]) else {
            notices[ni].notice.warnings.push(format!(
                "{}: {} row {} names item `{}`, which is not in {ITEMS_SHEET}; ignored",
                if row.fp.is_some() { EDITED } else { ADDED },
                targets.name,
                row.line,
                row.get(targets.cols, "path")
            ));
            continue;
        };
        let d = &mut notices[ni].items[ii];
        let (t, problem) = target_from_row(targets, row);
        if let Some(w) = problem.or_else(|| targets.warning(row)) {
            d.item.warnings.push(w);
        }
        let key = match &row.fp {
            Some(f) if d.written == Some(f.item) => {
                d.target_rows_seen.insert(f.sub);
                (f.sub, 0)
            }
            _ => (usize::MAX, d.targets.len()),
        };
        d.targets.push((key, t));
    }

    notices.sort_by_key(|n| n.key);
    let mut out = Vec::new();
    for mut nd in notices {
        nd.items.sort_by_key(|d| d.key);
        if nd.written.is_some() {
            let present: HashSet<usize> = nd.items.iter().filter_map(|d| d.written).collect();
            let missing: Vec<String> = (0..nd.items_written)
                .filter(|i| !present.contains(i))
                .map(|i| format!("#{}", i + 1))
                .collect();
            if !missing.is_empty() {
                nd.notice.warnings.push(format!(
                    "{DELETED}: {ITEMS_SHEET} rows of items {}",
                    missing.join(", ")
                ));
            }
        }
        for mut d in nd.items {
            finish_item(&mut d, aliases);
            nd.notice.items.push(d.item);
        }
        out.push(nd.notice);
    }
    out
}

fn finish_item(d: &mut Draft, aliases: &Aliases) {
    d.units.sort_by_key(|u| u.0);
    d.targets.sort_by_key(|t| t.0);
    if d.written.is_some() {
        let lost_units = (0..d.units_written)
            .filter(|k| !d.unit_rows_seen.contains(k))
            .count();
        let lost_targets = (0..d.targets_written)
            .filter(|k| !d.target_rows_seen.contains(k))
            .count();
        if lost_units > 0 {
            d.item
                .warnings
                .push(format!("{DELETED}: {lost_units} {UNITS_SHEET} row(s)"));
        }
        if lost_targets > 0 {
            d.item
                .warnings
                .push(format!("{DELETED}: {lost_targets} {TARGETS_SHEET} row(s)"));
        }
    }
    let from_sheet = |lead: bool| -> Vec<Unit> {
        d.units
            .iter()
            .filter(|(_, l, _)| *l == lead)
            .map(|(_, _, u)| u.clone())
            .collect()
    };
    let from_cell = |names: &[String], lead: bool| -> Vec<Unit> {
        names
            .iter()
            .map(|name| {
                d.units
                    .iter()
                    .find(|(_, l, u)| *l == lead && &u.name == name)
                    .or_else(|| d.units.iter().find(|(_, _, u)| &u.name == name))
                    .map(|(_, _, u)| u.clone())
                    .unwrap_or_else(|| {
                        let (canonical, kind, known) = resolve(name, aliases);
                        Unit {
                            raw: name.clone(),
                            name: name.clone(),
                            canonical,
                            kind,
                            known,
                            ..Default::default()
                        }
                    })
            })
            .collect()
    };
    d.item.lead_units = match &d.lead_cell {
        Some(names) if !(names.is_empty() && d.written.is_none()) => from_cell(names, true),
        _ => from_sheet(true),
    };
    d.item.responsible_units = match &d.resp_cell {
        Some(names) if !(names.is_empty() && d.written.is_none()) => from_cell(names, false),
        _ => from_sheet(false),
    };
    d.item.targets = d.targets.iter().map(|(_, t)| t.clone()).collect();
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::output::xlsx::{self, Cell};

    fn seed() -> Notice {
        let text = include_str!("../../seeds/000_7c5878c3eb2a3600.txt");
        let mut n = crate::parse_text(text, &crate::Options::default());
        n.source = Some("000_7c5878c3eb2a3600.txt".into());
        n
    }

    #[test]
    fn other_workbooks_are_not_ours() {
        let mut wb = rust_xlsxwriter::Workbook::new();
        wb.add_worksheet().write_string(0, 0, "任务").unwrap();
        let bytes = wb.save_to_buffer().unwrap();
        assert!(read_workbook(&bytes).is_none());
        assert!(read_workbook(b"not a zip").is_none());
    }

    #[test]
    fn untouched_workbook_round_trips_exactly() {
        let mut two = seed();
        two.source = Some("two.txt".into());
        two.items.truncate(5);
        two.items[1].leaders = vec!["张三".into()];
        two.items[1].targets[0].max = Some(2.5);
        two.items[1].targets[0].cumulative = true;
        let notices = vec![seed(), two];
        let bytes = xlsx::workbook(&notices).unwrap();
        let back = read_workbook(&bytes).unwrap().unwrap();
        assert_eq!(back.len(), 2);
        for (a, b) in back.iter().zip(&notices) {
            assert_eq!(a.items.len(), b.items.len());
            for (x, y) in a.items.iter().zip(&b.items) {
                assert_eq!(x, y, "{:?}", y.path);
            }
            assert_eq!(a, b);
        }
    }

    #[test]
    fn a_far_cell_does_not_allocate_the_grid() {
        // One cell at XFD99999 of the items sheet: a dense range would be 52 GB.
        let notices = vec![seed()];
        let f = xlsx::Formats::new();
        let mut wb = rust_xlsxwriter::Workbook::new();
        for (name, cols, rows) in [
            (ITEMS_SHEET, ITEM_COLUMNS, xlsx::item_rows(&notices)),
            (UNITS_SHEET, UNIT_COLUMNS, xlsx::unit_rows(&notices)),
            (TARGETS_SHEET, TARGET_COLUMNS, xlsx::target_rows(&notices)),
            (META_SHEET, META_COLUMNS, xlsx::meta_rows(&notices)),
        ] {
            let ws = wb.add_worksheet();
            ws.set_name(name).unwrap();
            let cells: Vec<Vec<Cell>> = rows.iter().map(|r| r.cells.clone()).collect();
            let fps: Vec<String> = rows.iter().map(|r| r.fingerprint()).collect();
            xlsx::write_table(ws, cols, &cells, Some(&fps), &f).unwrap();
            if name == ITEMS_SHEET {
                ws.write_string(99_998, 16_383, "远处").unwrap();
            }
        }
        let back = read_workbook(&wb.save_to_buffer().unwrap())
            .unwrap()
            .unwrap();
        assert_eq!(back[0].items, notices[0].items);
    }

    /// Write a workbook from rows, as fengong does, but with the given changes.
    fn rewrite(notices: &[Notice], edit: impl Fn(&str, &mut Vec<(Vec<Cell>, String)>)) -> Vec<u8> {
        let f = xlsx::Formats::new();
        let mut wb = rust_xlsxwriter::Workbook::new();
        for (name, cols, rows) in [
            (ITEMS_SHEET, ITEM_COLUMNS, xlsx::item_rows(notices)),
            (UNITS_SHEET, UNIT_COLUMNS, xlsx::unit_rows(notices)),
            (TARGETS_SHEET, TARGET_COLUMNS, xlsx::target_rows(notices)),
            (META_SHEET, META_COLUMNS, xlsx::meta_rows(notices)),
        ] {
            let mut rows: Vec<(Vec<Cell>, String)> = rows
                .iter()
                .map(|r| (r.cells.clone(), r.fingerprint()))
                .collect();
            edit(name, &mut rows);
            let ws = wb.add_worksheet();
            ws.set_name(name).unwrap();
            let cells: Vec<Vec<Cell>> = rows.iter().map(|r| r.0.clone()).collect();
            let fps: Vec<String> = rows.iter().map(|r| r.1.clone()).collect();
            xlsx::write_table(ws, cols, &cells, Some(&fps), &f).unwrap();
        }
        wb.save_to_buffer().unwrap()
    }

    fn text(s: &str) -> Cell {
        Cell::Text(s.into())
    }

    #[test]
    fn edited_and_added_rows_are_flagged() {
        let n = seed();
        // Item 1 is 一/1 (lead 省局注册处); item 2 is 一/2.
        assert_eq!(n.items[1].path, ["一", "1"]);
        let bytes = rewrite(std::slice::from_ref(&n), |sheet, rows| match sheet {
            ITEMS_SHEET => {
                // Edit the heading of 一/2.
                rows[2].0[4] = text("建立社会公用计量标准4000项");
                // Add an item after 一/2, with a lead unit typed by hand.
                let mut added = rows[2].0.clone();
                added[1] = text("一/2-1");
                added[4] = text("新增的任务");
                added[5] = text("计量处");
                added[6] = text("");
                rows.insert(3, (added, String::new()));
            }
            UNITS_SHEET => {
                // Change the canonical name of 一/1's lead unit to a short form.
                let r = rows
                    .iter_mut()
                    .find(|r| r.0[1] == text("一/1") && r.0[3] == text(LEAD_ZH))
                    .unwrap();
                r.0[6] = text("信息中心");
                // A unit added by hand to 一/1, canonical left empty.
                let mut extra = r.0.clone();
                extra[3] = text(RESPONSIBLE_ZH);
                extra[4] = text("省局信用处");
                extra[5] = text("省局信用处");
                extra[6] = text("");
                extra[7] = text("");
                extra[8] = text("");
                rows.push((extra, String::new()));
            }
            TARGETS_SHEET => {
                rows[0].0[4] = Cell::Number(900.0);
            }
            _ => {}
        });
        let back = read_workbook(&bytes).unwrap().unwrap();
        assert_eq!(back.len(), 1);
        let b = &back[0];
        assert_eq!(b.items.len(), n.items.len() + 1);

        let one = &b.items[1];
        assert_eq!(one.path, ["一", "1"]);
        assert_eq!(one.lead_units[0].canonical, "省市场监管局信息中心");
        assert_eq!(one.lead_units[0].kind, UnitKind::Institution);
        let credit = one.responsible_units.last().unwrap();
        assert_eq!(credit.canonical, "省市场监管局信用处");
        assert!(credit.known);
        assert_eq!(one.targets[0].value, 900.0);
        let w = one.warnings.join(" | ");
        assert!(
            w.contains("edited-in-spreadsheet: 单位 row 2 (规范名称)"),
            "{w}"
        );
        assert!(w.contains("added-in-spreadsheet: 单位 row"), "{w}");
        assert!(
            w.contains("edited-in-spreadsheet: 指标 row 2 (数值)"),
            "{w}"
        );

        let two = &b.items[2];
        assert_eq!(two.heading, "建立社会公用计量标准4000项");
        assert!(
            two.warnings
                .contains(&"edited-in-spreadsheet: 事项 row 4 (标题)".to_string()),
            "{:?}",
            two.warnings
        );

        let added = &b.items[3];
        assert_eq!(added.path, ["一", "2-1"]);
        assert_eq!(added.warnings, ["added-in-spreadsheet: 事项 row 5"]);
        assert_eq!(added.lead_units[0].canonical, "省市场监管局计量处");
        assert!(added.responsible_units.is_empty());

        // Everything else is untouched.
        for (x, y) in b.items[4..].iter().zip(&n.items[3..]) {
            assert_eq!(x, y);
        }
        assert!(b.warnings.is_empty(), "{:?}", b.warnings);
    }

    #[test]
    fn deleted_and_copied_rows_are_reported() {
        let n = seed();
        let bytes = rewrite(std::slice::from_ref(&n), |sheet, rows| {
            if sheet == ITEMS_SHEET {
                let copy = rows[1].clone();
                rows.remove(5);
                rows.push(copy);
            }
        });
        let b = &read_workbook(&bytes).unwrap().unwrap()[0];
        assert!(
            b.warnings
                .iter()
                .any(|w| w.starts_with("deleted-in-spreadsheet")),
            "{:?}",
            b.warnings
        );
        assert_eq!(b.items.len(), n.items.len());
        assert!(b.items.iter().any(|i| {
            i.warnings
                .iter()
                .any(|w| w.starts_with("added-in-spreadsheet"))
        }));
    }

    #[test]
    fn moved_columns_are_found_by_header() {
        let n = seed();
        let bytes = xlsx::workbook(std::slice::from_ref(&n)).unwrap();
        // Sorting by a column and reading back keeps document order.
        let bytes2 = rewrite(std::slice::from_ref(&n), |sheet, rows| {
            if sheet == ITEMS_SHEET {
                rows.reverse();
            }
        });
        let a = read_workbook(&bytes).unwrap().unwrap();
        let b = read_workbook(&bytes2).unwrap().unwrap();
        assert_eq!(a, b);
        assert_eq!(a[0], n);
    }
}
