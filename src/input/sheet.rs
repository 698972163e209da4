//! Spreadsheet reader: XLSX (calamine's cell stream), XLS (calamine) and
//! ODS (streamed from `content.xml`, see `ods.rs`) workbooks.
//!
//! A task-division workbook is a table: 序号 / 重点任务 / 牵头单位 / 责任单位 /
//! 完成时限 … The reader finds the header row wherever it sits, fills merged
//! cells, and renders the table as the notice text a reader of the printed
//! notice would see: section rows as `一、…` / `（一）…`, task rows as
//! `1.任务（牵头单位：X；责任单位：Y）`. The text pipeline then parses it like
//! any other notice. The same rendering is used for task tables found in DOCX
//! and HTML documents ([`render_task_table`]).

use std::io::Cursor;

use calamine::{Data, Dimensions, Range, Reader};

use super::Format;
use crate::error::{Error, Result};

/// Most rows read from a workbook (all sheets together); rows beyond are
/// dropped with a warning.
const MAX_ROWS: usize = 100_000;
/// Most columns read per sheet; cells further right are dropped with a warning.
const MAX_COLS: usize = 200;
/// Largest grid (rows × columns of a sheet's bounding box) of an XLS sheet,
/// which calamine reads as a dense grid, or of an ODS sheet, whose repeated
/// rows and columns the ODS reader expands.
pub(crate) const MAX_GRID_CELLS: u64 = 2_000_000;

/// Largest total declared uncompressed size of a zipped workbook.
const MAX_UNZIPPED: u64 = 512 << 20;
/// Most cells visited while filling merged regions.
const MAX_FILL_WORK: usize = 2_000_000;
/// Most bytes copied while filling merged regions.
const MAX_FILL_BYTES: usize = 64 << 20;

/// Read a task table from a workbook and render it as notice text; the
/// second value lists what was dropped (cells outside the bounds).
pub fn read(bytes: &[u8], format: Format) -> Result<(String, Vec<String>)> {
    if matches!(format, Format::Xlsx | Format::Ods) {
        check_zip_size(bytes, format)?;
    }
    if format == Format::Xls {
        super::xls_extent::check(bytes, MAX_GRID_CELLS)?;
    }
    let name = format.as_str();
    let mut warnings = Vec::new();
    // calamine is not hardened against every malformed file: a panic there is
    // a damaged workbook, not a crash.
    let sheets = match std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        read_sheets(bytes, format, &mut warnings)
    })) {
        Ok(r) => r?,
        Err(_) => {
            return Err(Error::Corrupt {
                format: if format == Format::Xls {
                    "xls"
                } else if format == Format::Ods {
                    "ods"
                } else {
                    "xlsx"
                },
                detail: format!("the {name} reader failed on this file (malformed structure)"),
            });
        }
    };
    let mut out: Vec<String> = Vec::new();
    for rows in sheets {
        let text = render_task_table(&rows).unwrap_or_else(|| render_plain_rows(&rows));
        if text.trim().is_empty() {
            continue;
        }
        if !out.is_empty() {
            out.push(String::new());
        }
        out.push(text);
    }
    Ok((out.join("\n"), warnings))
}

/// Largest declared uncompressed size of one part (calamine reads a whole
/// sheet or string table into memory).
const MAX_PART: u64 = 64 << 20;

/// Refuse zip bombs before calamine inflates them.
pub(crate) fn check_zip_size(bytes: &[u8], format: Format) -> Result<()> {
    let fmt = if format == Format::Ods { "ods" } else { "xlsx" };
    let mut zip = zip::ZipArchive::new(Cursor::new(bytes)).map_err(|e| corrupt(fmt, e))?;
    let mut total = 0u64;
    for i in 0..zip.len() {
        if let Ok(f) = zip.by_index_raw(i) {
            if f.size() > MAX_PART {
                return Err(Error::Limit(format!(
                    "the workbook part {} unzips to more than {} MiB",
                    String::from_utf8_lossy(f.name_raw()),
                    MAX_PART >> 20
                )));
            }
            total = total.saturating_add(f.size());
        }
    }
    if total > MAX_UNZIPPED {
        return Err(Error::Limit(format!(
            "the workbook unzips to more than {} MiB",
            MAX_UNZIPPED >> 20
        )));
    }
    Ok(())
}

/// Spreadsheet column name of a 0-based index (0 → `A`, 16383 → `XFD`).
pub(crate) fn column_name(mut col: u32) -> String {
    let mut name = Vec::new();
    loop {
        name.push(b'A' + (col % 26) as u8);
        if col < 26 {
            break;
        }
        col = col / 26 - 1;
    }
    name.reverse();
    String::from_utf8(name).unwrap_or_default()
}

/// The error for a sheet whose bounding box is too large to allocate.
pub(crate) fn extent_error(sheet: &str, rows: u64, cols: u64) -> Error {
    Error::Limit(format!(
        "sheet {sheet} spans {rows} rows × {cols} columns (to cell {}{rows}), more than {MAX_GRID_CELLS} cells",
        column_name(cols.saturating_sub(1).min(u32::MAX as u64) as u32),
    ))
}

fn read_sheets(
    bytes: &[u8],
    format: Format,
    warnings: &mut Vec<String>,
) -> Result<Vec<Vec<Vec<String>>>> {
    let mut budget = Budget::default();
    let sheets = match format {
        Format::Xlsx => read_xlsx(bytes, &mut budget)?,
        Format::Xls => read_xls(bytes, &mut budget)?,
        Format::Ods => read_ods(bytes, &mut budget)?,
        other => {
            return Err(Error::Unsupported(format!(
                "{} is not a spreadsheet format",
                other.as_str()
            )));
        }
    };
    warnings.extend(budget.warnings());
    Ok(sheets)
}

fn corrupt(format: &'static str, e: impl std::fmt::Display) -> Error {
    Error::Corrupt {
        format,
        detail: e.to_string(),
    }
}

/// What a workbook may still add (rows over all sheets), and what was dropped.
#[derive(Debug, Default)]
struct Budget {
    /// Rows taken so far (all sheets).
    rows: usize,
    /// Non-empty cells dropped beyond [`MAX_COLS`], per sheet name.
    wide: Vec<(String, usize)>,
    /// Non-empty cells dropped beyond [`MAX_ROWS`], per sheet name.
    long: Vec<(String, usize)>,
    /// Merged regions not filled because the fill budget ran out.
    unfilled_merges: usize,
}

impl Budget {
    fn warnings(&self) -> Vec<String> {
        let mut out = Vec::new();
        for (sheet, n) in &self.wide {
            out.push(format!(
                "sheet {sheet}: {n} non-empty cells beyond column {} were ignored",
                column_name(MAX_COLS as u32 - 1)
            ));
        }
        for (sheet, n) in &self.long {
            out.push(format!(
                "sheet {sheet}: {n} non-empty cells beyond the workbook's first {MAX_ROWS} rows were ignored"
            ));
        }
        if self.unfilled_merges > 0 {
            out.push(format!(
                "{} merged regions were too large to fill and were read as single cells",
                self.unfilled_merges
            ));
        }
        out
    }
}

/// The non-empty cells of one sheet, as (row, column, text), in any order.
pub(crate) type Cells = Vec<(u32, u32, String)>;

fn read_xlsx(bytes: &[u8], budget: &mut Budget) -> Result<Vec<Vec<Vec<String>>>> {
    let mut wb: calamine::Xlsx<_> =
        calamine::Xlsx::new(Cursor::new(bytes)).map_err(|e| corrupt("xlsx", e))?;
    let mut out = Vec::new();
    for name in visible_sheets(wb.sheets_metadata()) {
        // Stream the cells (calamine's worksheet_range would allocate the
        // whole bounding box, 52 GB for one cell at XFD99999).
        let cells = xlsx_sheet_cells(&mut wb, &name, cell_text)?;
        let merged = wb.merge_cells_by_sheet_name(&name).unwrap_or_default();
        out.push(cells_to_rows(&name, cells, &merged, budget));
    }
    Ok(out)
}

/// The non-empty cells of an XLSX worksheet (rendered by `text`), streamed
/// from its XML without allocating the sheet's bounding box.
pub(crate) fn xlsx_sheet_cells<RS: std::io::Read + std::io::Seek>(
    wb: &mut calamine::Xlsx<RS>,
    name: &str,
    text: impl Fn(&Data) -> String,
) -> Result<Cells> {
    let err = |e: calamine::XlsxError| corrupt("xlsx", format!("sheet {name}: {e}"));
    let mut reader = wb.worksheet_cells_reader(name).map_err(err)?;
    let mut cells = Vec::new();
    while let Some(cell) = reader.next_cell().map_err(err)? {
        let (r, c) = cell.get_position();
        let text = text(&Data::from(cell.get_value().clone()));
        if !text.is_empty() {
            cells.push((r, c, text));
        }
    }
    Ok(cells)
}

fn read_xls(bytes: &[u8], budget: &mut Budget) -> Result<Vec<Vec<Vec<String>>>> {
    let mut wb: calamine::Xls<_> =
        calamine::Xls::new(Cursor::new(bytes)).map_err(|e| corrupt("xls", e))?;
    let mut out = Vec::new();
    for name in visible_sheets(wb.sheets_metadata()) {
        let range = wb
            .worksheet_range(&name)
            .map_err(|e| corrupt("xls", format!("sheet {name}: {e}")))?;
        let merged = wb.merge_cells_by_sheet_name(&name).unwrap_or_default();
        out.push(cells_to_rows(&name, range_cells(&range), &merged, budget));
    }
    Ok(out)
}

fn read_ods(bytes: &[u8], budget: &mut Budget) -> Result<Vec<Vec<Vec<String>>>> {
    // Streamed (`super::ods`): calamine's dense grid, and the copy of it
    // `worksheet_range` returns, cost 12.7× the file.
    let sheets = super::ods::read_sheets(bytes, cell_text)?;
    // Hidden sheets hold lookup lists and scratch data; all sheets count
    // when none is shown.
    let any_visible = sheets.iter().any(|s| s.visible);
    Ok(sheets
        .into_iter()
        .filter(|s| s.visible || !any_visible)
        .map(|s| cells_to_rows(&s.name, s.cells, &s.merges, budget))
        .collect())
}

/// The non-empty cells of a calamine range.
fn range_cells(range: &Range<Data>) -> Cells {
    range
        .used_cells()
        .filter_map(|(r, c, d)| {
            let (r0, c0) = range.start()?;
            let text = cell_text(d);
            (!text.is_empty()).then(|| (r0 + r as u32, c0 + c as u32, text))
        })
        .collect()
}

/// Names of the visible worksheets (hidden sheets hold lookup lists and
/// scratch data); all sheets if none is marked visible.
fn visible_sheets(meta: &[calamine::Sheet]) -> Vec<String> {
    let visible: Vec<String> = meta
        .iter()
        .filter(|s| {
            s.visible == calamine::SheetVisible::Visible && s.typ == calamine::SheetType::WorkSheet
        })
        .map(|s| s.name.clone())
        .collect();
    if visible.is_empty() {
        meta.iter().map(|s| s.name.clone()).collect()
    } else {
        visible
    }
}

/// Render one cell's value as text. Integers stored as floats lose the `.0`.
fn cell_text(d: &Data) -> String {
    match d {
        Data::Empty => String::new(),
        Data::String(s) => s.clone(),
        Data::Int(i) => i.to_string(),
        Data::Float(f) => {
            if f.is_finite() && f.fract() == 0.0 && f.abs() < 1e15 {
                format!("{}", *f as i64)
            } else {
                format!("{f}")
            }
        }
        Data::Bool(b) => if *b { "是" } else { "否" }.to_string(),
        Data::DateTime(dt) => {
            if dt.is_datetime() {
                let (y, m, d, ..) = dt.to_ymd_hms_milli();
                format!("{y}年{m}月{d}日")
            } else {
                dt.to_string()
            }
        }
        Data::DateTimeIso(s) => s.split('T').next().unwrap_or(s).to_string(),
        Data::DurationIso(s) => s.clone(),
        Data::Error(_) => String::new(),
    }
}

/// Turn a sheet's non-empty cells into rows of strings, starting at the
/// sheet's first used row; each row stops at its last non-empty cell, so the
/// grid costs what the cells cost, whatever the sheet's extent. Cells beyond
/// [`MAX_COLS`] or the workbook's [`MAX_ROWS`] are dropped (counted in
/// `budget`). Merged regions are filled down and right.
fn cells_to_rows(
    sheet: &str,
    mut cells: Cells,
    merges: &[Dimensions],
    budget: &mut Budget,
) -> Vec<Vec<String>> {
    let before = cells.len();
    cells.retain(|(_, c, _)| (*c as usize) < MAX_COLS);
    if cells.len() < before {
        budget.wide.push((sheet.to_string(), before - cells.len()));
    }
    let Some(r0) = cells.iter().map(|(r, _, _)| *r).min() else {
        return Vec::new();
    };
    let room = MAX_ROWS.saturating_sub(budget.rows);
    let before = cells.len();
    cells.retain(|(r, _, _)| ((r - r0) as usize) < room);
    if cells.len() < before {
        budget.long.push((sheet.to_string(), before - cells.len()));
    }
    let height = cells
        .iter()
        .map(|(r, _, _)| (r - r0) as usize + 1)
        .max()
        .unwrap_or(0);
    budget.rows += height;
    let mut grid: Vec<Vec<String>> = vec![Vec::new(); height];
    for (r, c, text) in cells {
        let row = &mut grid[(r - r0) as usize];
        let c = c as usize;
        if row.len() <= c {
            row.resize(c + 1, String::new());
        }
        row[c] = text;
    }
    let (mut work, mut bytes) = (0usize, 0usize);
    for m in merges {
        let (sr, sc) = (m.start.0 as usize, m.start.1 as usize);
        let (er, ec) = (m.end.0 as usize, m.end.1 as usize);
        if sr < r0 as usize || sc >= MAX_COLS {
            continue;
        }
        let (sr, er) = (sr - r0 as usize, er.saturating_sub(r0 as usize));
        let Some(value) = grid.get(sr).and_then(|row| row.get(sc)).cloned() else {
            continue;
        };
        if value.is_empty() {
            continue;
        }
        let er = er.min(height.saturating_sub(1));
        let ec = ec.min(MAX_COLS - 1);
        if er < sr || ec < sc {
            continue;
        }
        let cells = (er + 1).saturating_sub(sr) * (ec + 1).saturating_sub(sc);
        if work + cells > MAX_FILL_WORK || bytes + cells * value.len() > MAX_FILL_BYTES {
            budget.unfilled_merges += 1;
            continue;
        }
        work += cells;
        bytes += cells * value.len();
        for row in &mut grid[sr..=er] {
            if row.len() <= ec {
                row.resize(ec + 1, String::new());
            }
            for cell in &mut row[sc..=ec] {
                if cell.is_empty() {
                    cell.clone_from(&value);
                }
            }
        }
    }
    grid
}

/// Rows without a recognisable header: each row's non-empty cells joined by a
/// space (repeats from merged cells dropped).
pub(crate) fn render_plain_rows(rows: &[Vec<String>]) -> String {
    let mut lines: Vec<String> = Vec::new();
    for row in rows {
        let line = plain_row(row);
        if !line.is_empty() {
            lines.push(line);
        }
    }
    lines.join("\n")
}

fn plain_row(row: &[String]) -> String {
    let mut parts: Vec<String> = Vec::new();
    for c in row {
        let c = clean_cell(c, " ");
        if c.is_empty() || parts.last() == Some(&c) {
            continue;
        }
        parts.push(c);
    }
    parts.join(" ")
}

/// Collapse a cell's inner line breaks (joined by `sep`) and trim it.
fn clean_cell(s: &str, sep: &str) -> String {
    let parts: Vec<&str> = s
        .split(['\n', '\r'])
        .map(|l| l.trim_matches(is_blank))
        .filter(|l| !l.is_empty())
        .collect();
    parts.join(sep)
}

fn is_blank(c: char) -> bool {
    c.is_whitespace() || c == '\u{3000}' || c == '\u{a0}'
}

/// What a table column holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Role {
    Seq,
    Section,
    Task,
    Measure,
    Lead,
    Resp,
    Coop,
    Deadline,
    Leader,
    Note,
}

fn header_role(cell: &str) -> Option<Role> {
    let s: String = cell
        .chars()
        .filter(|c| !is_blank(*c) && !matches!(c, '*' | '：' | ':'))
        .collect();
    if s.is_empty() || s.chars().count() > 12 {
        return None;
    }
    let has = |w: &[&str]| w.iter().any(|x| s.contains(x));
    if matches!(s.as_str(), "序号" | "编号" | "序" | "号" | "项次") {
        return Some(Role::Seq);
    }
    if has(&["领导"]) {
        return Some(Role::Leader);
    }
    if has(&["牵头"]) {
        return Some(Role::Lead);
    }
    if has(&["配合", "协办", "参与单位", "协同", "协助"]) {
        return Some(Role::Coop);
    }
    if has(&[
        "责任单位",
        "责任部门",
        "责任处室",
        "责任科室",
        "主责",
        "承办单位",
        "负责单位",
        "实施单位",
        "责任主体",
    ]) {
        return Some(Role::Resp);
    }
    if has(&["时限", "时间", "时间节点", "完成期限", "进度安排"]) {
        return Some(Role::Deadline);
    }
    if has(&["备注", "说明"]) {
        return Some(Role::Note);
    }
    if has(&[
        "措施",
        "举措",
        "工作内容",
        "具体内容",
        "实施内容",
        "工作要求",
    ]) {
        return Some(Role::Measure);
    }
    if has(&["任务", "事项", "指标", "目标", "工作要点", "具体工作"]) {
        return Some(Role::Task);
    }
    if matches!(
        s.as_str(),
        "类别"
            | "领域"
            | "板块"
            | "方面"
            | "类型"
            | "分类"
            | "重点领域"
            | "工作类别"
            | "任务类别"
            | "项目类别"
    ) {
        return Some(Role::Section);
    }
    None
}

/// Column roles of a header row, if it is one.
fn header_roles(row: &[String]) -> Option<Vec<Option<Role>>> {
    let roles: Vec<Option<Role>> = row.iter().map(|c| header_role(c)).collect();
    let count = |r: &[Role]| {
        roles
            .iter()
            .filter(|x| x.is_some_and(|x| r.contains(&x)))
            .count()
    };
    let content = count(&[Role::Task, Role::Measure]);
    let units = count(&[Role::Lead, Role::Resp, Role::Coop]);
    let total = roles.iter().filter(|r| r.is_some()).count();
    if total >= 2 && (content >= 1 && (units >= 1 || count(&[Role::Seq]) >= 1) || units >= 2) {
        Some(roles)
    } else {
        None
    }
}

/// The level of a number label (GB/T 9704 forms).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Level {
    /// `一、`
    L1,
    /// `（一）`
    L2,
    /// `1.`
    L3,
    /// `（1）`
    L4,
}

/// Value of a Chinese numeral (一 … 九十九, 〇/零, 两), if `s` is one.
pub(crate) fn parse_chinese_number(s: &str) -> Option<u32> {
    fn digit(c: char) -> Option<u32> {
        Some(match c {
            '〇' | '零' => 0,
            '一' | '壹' => 1,
            '二' | '贰' | '两' => 2,
            '三' | '叁' => 3,
            '四' | '肆' => 4,
            '五' | '伍' => 5,
            '六' | '陆' => 6,
            '七' | '柒' => 7,
            '八' | '捌' => 8,
            '九' | '玖' => 9,
            _ => return None,
        })
    }
    let chars: Vec<char> = s.chars().collect();
    if chars.is_empty() || chars.len() > 6 {
        return None;
    }
    let mut total = 0u32;
    let mut cur = 0u32;
    let mut seen = false;
    for &c in &chars {
        if let Some(d) = digit(c) {
            cur = d;
            seen = true;
        } else if c == '十' || c == '拾' {
            total += if seen && cur > 0 { cur * 10 } else { 10 };
            cur = 0;
            seen = false;
        } else if c == '百' {
            total += cur.max(1) * 100;
            cur = 0;
            seen = false;
        } else {
            return None;
        }
    }
    Some(total + cur)
}

/// Chinese numeral for `n` (1 → 一, 10 → 十, 21 → 二十一, 105 → 一百零五).
pub(crate) fn chinese_number(n: u32) -> String {
    const D: [&str; 10] = ["零", "一", "二", "三", "四", "五", "六", "七", "八", "九"];
    if n < 10 {
        return D[n as usize].to_string();
    }
    if n < 20 {
        return format!(
            "十{}",
            if n.is_multiple_of(10) {
                ""
            } else {
                D[(n % 10) as usize]
            }
        );
    }
    if n < 100 {
        return format!(
            "{}十{}",
            D[(n / 10) as usize],
            if n.is_multiple_of(10) {
                ""
            } else {
                D[(n % 10) as usize]
            }
        );
    }
    if n < 1000 {
        let rest = n % 100;
        let tail = if rest == 0 {
            String::new()
        } else if rest < 10 {
            format!("零{}", D[rest as usize])
        } else if rest < 20 {
            format!("一{}", chinese_number(rest))
        } else {
            chinese_number(rest)
        };
        return format!("{}百{}", D[(n / 100) as usize], tail);
    }
    n.to_string()
}

/// Normalise a 序号 cell to a GB/T 9704 label: `一` → `一、`, `(一)` → `（一）`,
/// `1` / `1、` / `1．` → `1.`, `(1)` → `（1）`.
fn normalize_label(cell: &str) -> Option<(Level, String)> {
    let s: String = cell.chars().filter(|c| !is_blank(*c)).collect();
    if s.is_empty() {
        return None;
    }
    let inner_paren = s
        .strip_prefix(['（', '('])
        .and_then(|x| x.strip_suffix(['）', ')']));
    if let Some(inner) = inner_paren {
        if parse_chinese_number(inner).is_some_and(|n| n > 0) {
            return Some((Level::L2, format!("（{inner}）")));
        }
        if !inner.is_empty() && inner.len() <= 3 && inner.chars().all(|c| c.is_ascii_digit()) {
            let n: u32 = inner.parse().ok()?;
            return Some((Level::L4, format!("（{n}）")));
        }
        return None;
    }
    let core = s.trim_end_matches(['、', '.', '．', '，', ',', '。']);
    // "1.0" — a number that went through a float.
    let core = match core.split_once('.') {
        Some((int, frac))
            if !int.is_empty() && !frac.is_empty() && frac.chars().all(|c| c == '0') =>
        {
            int
        }
        _ => core,
    };
    if let Some(n) = parse_chinese_number(core).filter(|n| *n > 0) {
        let _ = n;
        return Some((Level::L1, format!("{core}、")));
    }
    if !core.is_empty() && core.len() <= 4 && core.chars().all(|c| c.is_ascii_digit()) {
        let n: u32 = core.parse().ok()?;
        return Some((Level::L3, format!("{n}.")));
    }
    // Full-width digits.
    if !core.is_empty()
        && core.chars().count() <= 4
        && core.chars().all(|c| ('０'..='９').contains(&c))
    {
        let n: String = core
            .chars()
            .map(|c| char::from_u32(c as u32 - '０' as u32 + '0' as u32).unwrap_or('0'))
            .collect();
        let n: u32 = n.parse().ok()?;
        return Some((Level::L3, format!("{n}.")));
    }
    // Circled numbers ①…⑳.
    let mut it = core.chars();
    if let (Some(c), None) = (it.next(), it.next())
        && ('①'..='⑳').contains(&c)
    {
        return Some((Level::L4, format!("（{}）", c as u32 - '①' as u32 + 1)));
    }
    None
}

/// Whether `text` already starts with a GB/T 9704-style number label.
pub(crate) fn starts_with_label(text: &str) -> bool {
    let t = text.trim_start_matches(is_blank);
    let mut chars = t.chars();
    let Some(first) = chars.next() else {
        return false;
    };
    if first == '（' || first == '(' {
        let rest: String = chars.take_while(|c| *c != '）' && *c != ')').collect();
        return rest.chars().count() <= 3
            && (parse_chinese_number(&rest).is_some()
                || !rest.is_empty() && rest.chars().all(|c| c.is_ascii_digit()));
    }
    if ('①'..='⑳').contains(&first) {
        return true;
    }
    let head: String = t
        .chars()
        .take_while(|c| !matches!(c, '、' | '.' | '．'))
        .take(5)
        .collect();
    let after = t[head.len()..].chars().next();
    if !matches!(after, Some('、' | '.' | '．')) || head.is_empty() {
        return false;
    }
    head.chars().all(|c| c.is_ascii_digit()) || parse_chinese_number(&head).is_some()
}

/// Rendered lines joined as they come (one copy of the text, not a
/// list of lines and then their join).
#[derive(Default)]
struct Lines {
    text: String,
    any: bool,
}

impl Lines {
    fn push(&mut self, line: String) {
        if std::mem::replace(&mut self.any, true) {
            self.text.push('\n');
        }
        self.text.push_str(&line);
    }
}

/// Render a table with a 分工 header row (序号 / 重点任务 / 牵头单位 / 责任单位 …)
/// as notice text, one line per section or task. Rows above the header come
/// out as plain lines (titles, preambles). `None` when no header row is found.
pub(crate) fn render_task_table(rows: &[Vec<String>]) -> Option<String> {
    let scan = rows.len().min(50);
    let hidx = (0..scan).find(|&i| header_roles(&rows[i]).is_some())?;
    let mut roles = header_roles(&rows[hidx])?;
    let mut body_start = hidx + 1;
    // A two-row header (责任单位 over 牵头单位 | 配合单位): refine the roles.
    if let Some(next) = rows.get(hidx + 1) {
        let sub: Vec<Option<Role>> = next.iter().map(|c| header_role(c)).collect();
        let n_sub = sub.iter().filter(|r| r.is_some()).count();
        let has_number = next.iter().any(|c| normalize_label(c).is_some());
        if n_sub >= 1 && !has_number {
            for (i, r) in sub.into_iter().enumerate() {
                if let Some(r) = r {
                    if i < roles.len() {
                        roles[i] = Some(r);
                    } else {
                        roles.resize(i, None);
                        roles.push(Some(r));
                    }
                }
            }
            body_start += 1;
        }
    }
    // Several columns may map to one role (merged headers filled right): keep them all.
    let cols = |role: Role| -> Vec<usize> {
        roles
            .iter()
            .enumerate()
            .filter(|(_, r)| **r == Some(role))
            .map(|(i, _)| i)
            .collect()
    };
    let seq_cols = cols(Role::Seq);
    let section_cols = cols(Role::Section);
    let task_cols = cols(Role::Task);
    let measure_cols = cols(Role::Measure);
    let unit_roles = [
        (Role::Leader, "责任领导"),
        (Role::Lead, "牵头单位"),
        (Role::Resp, "责任单位"),
        (Role::Coop, "配合单位"),
        (Role::Deadline, "完成时限"),
    ];
    let header_norm: Vec<String> = rows[hidx].iter().map(|c| clean_cell(c, "")).collect();

    let mut out = Lines::default();
    for row in &rows[..hidx] {
        let line = plain_row(row);
        if !line.is_empty() {
            out.push(line);
        }
    }

    let get = |row: &[String], cs: &[usize], sep: &str| -> String {
        let mut parts: Vec<String> = Vec::new();
        for &c in cs {
            let v = row.get(c).map(|v| clean_cell(v, sep)).unwrap_or_default();
            if !v.is_empty() && !parts.contains(&v) {
                parts.push(v);
            }
        }
        parts.join(sep)
    };

    let mut prev_section = String::new();
    let mut prev_seq = String::new();
    let mut prev_row: Option<&Vec<String>> = None;
    let mut section_no = 0u32;
    let mut task_no = 0u32;
    let mut saw_numbered_task = false;
    for row in &rows[body_start..] {
        let norm: Vec<String> = row.iter().map(|c| clean_cell(c, "")).collect();
        if norm.iter().all(|c| c.is_empty()) {
            continue;
        }
        // Header repeated on each printed page.
        if norm == header_norm || header_roles(row).is_some() {
            continue;
        }
        if prev_row == Some(row) {
            continue;
        }
        prev_row = Some(row);

        // A section column (类别 / 领域): a new value opens a section.
        let section = get(row, &section_cols, "");
        if !section.is_empty() && section != prev_section {
            prev_section.clone_from(&section);
            if starts_with_label(&section) {
                out.push(section.clone());
            } else {
                section_no += 1;
                out.push(format!("{}、{}", chinese_number(section_no), section));
            }
            task_no = 0;
        }

        let seq_raw = get(row, &seq_cols, "");
        let mut task = get(row, &task_cols, "");
        let measure = get(row, &measure_cols, "");
        let mut parts: Vec<(&str, String)> = Vec::new();
        for (role, label) in unit_roles {
            let v = get(row, &cols(role), "、");
            let v = v.trim_end_matches(['。', '；', ';', '，', ',']).to_string();
            if v.is_empty() || v == task || v == seq_raw || v == section {
                continue;
            }
            // A merged cell spanning 牵头 and 责任 columns: name it once.
            if parts.iter().any(|(_, p)| *p == v) {
                continue;
            }
            parts.push((label, v));
        }
        if !measure.is_empty() && measure != task {
            if task.is_empty() {
                task = measure;
            } else {
                if !task.ends_with(['。', '；', '！', '？', '.']) {
                    task.push('。');
                }
                task.push_str(&measure);
            }
        }

        // Rows whose cells all say the same thing (a merged title row) or whose
        // only text is in one column with no units: a section or a plain line.
        let distinct: Vec<&String> = {
            let mut d: Vec<&String> = Vec::new();
            for c in norm.iter().filter(|c| !c.is_empty()) {
                if !d.contains(&c) {
                    d.push(c);
                }
            }
            d
        };
        let label = normalize_label(&seq_raw);
        if label.is_none() && parts.is_empty() && distinct.len() == 1 {
            let text = distinct[0].clone();
            if text == section {
                continue;
            }
            if starts_with_label(&text) || text.starts_with("注") || text.starts_with("备注") {
                out.push(text);
            } else if !saw_numbered_task || seq_cols.is_empty() {
                section_no += 1;
                task_no = 0;
                out.push(format!("{}、{}", chinese_number(section_no), text));
            } else {
                out.push(text);
            }
            continue;
        }

        let clause = if parts.is_empty() {
            String::new()
        } else {
            let inner: Vec<String> = parts.iter().map(|(l, v)| format!("{l}：{v}")).collect();
            format!("（{}）", inner.join("；"))
        };

        match label {
            Some((level, lab)) => {
                let body = if task.is_empty() {
                    // The title may sit in another column (e.g. a merged row).
                    distinct
                        .iter()
                        .find(|c| normalize_label(c).is_none() && **c != &section)
                        .map(|c| c.to_string())
                        .unwrap_or_default()
                } else {
                    task.clone()
                };
                if seq_raw == prev_seq && matches!(level, Level::L3 | Level::L4) {
                    // A merged 序号 filled down: this row continues the previous task.
                    out.push(format!("{body}{clause}"));
                    continue;
                }
                prev_seq.clone_from(&seq_raw);
                match level {
                    Level::L1 | Level::L2 => task_no = 0,
                    Level::L3 => {
                        saw_numbered_task = true;
                        task_no = lab.trim_end_matches('.').parse().unwrap_or(task_no + 1);
                    }
                    Level::L4 => {}
                }
                // Avoid a doubled label when the text repeats it.
                let body = if starts_with_label(&body) {
                    body.clone()
                } else {
                    format!("{lab}{body}")
                };
                out.push(format!("{body}{clause}"));
            }
            None => {
                if task.is_empty() && parts.is_empty() {
                    let line = plain_row(row);
                    if !line.is_empty() {
                        out.push(line);
                    }
                    continue;
                }
                if task.is_empty() {
                    // Only units: they belong to the previous task.
                    let inner: Vec<String> =
                        parts.iter().map(|(l, v)| format!("{l}：{v}")).collect();
                    out.push(inner.join("；"));
                    continue;
                }
                if starts_with_label(&task) {
                    out.push(format!("{task}{clause}"));
                } else {
                    task_no += 1;
                    out.push(format!("{task_no}.{task}{clause}"));
                }
            }
        }
    }
    Some(out.text)
}

/// Test helper: the format fixtures built from the seed notice
/// (`fixtures/formats/make_fixtures.sh`) must give back every numbered item.
#[cfg(test)]
pub(crate) fn check_seed_fixture(name: &str, read: impl Fn(&[u8]) -> Result<String>) {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let bytes = std::fs::read(root.join("fixtures/formats").join(name)).unwrap();
    let text = read(&bytes).unwrap();
    let seed = std::fs::read_to_string(root.join("seeds/000_7c5878c3eb2a3600.txt")).unwrap();
    let label = regex::Regex::new(
        r"^(?:[一二三四五六七八九十]+、|[（(][一二三四五六七八九十]+[)）]|\d+[.．])\s*",
    )
    .unwrap();
    let mut n = 0;
    for line in seed.lines().map(str::trim) {
        let Some(m) = label.find(line) else { continue };
        let rest: String = line[m.end()..].chars().take(12).collect();
        n += 1;
        let found = text
            .lines()
            .any(|l| starts_with_label(l) && l.contains(&rest));
        assert!(found, "{name}: item {line:?} is missing");
    }
    assert_eq!(n, 41);
    let numbered = text.lines().filter(|l| starts_with_label(l)).count();
    assert!(numbered >= 41, "{name}: {numbered} numbered lines");
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(cells: &[&str]) -> Vec<String> {
        cells.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn chinese_numbers_round_trip() {
        for n in [1, 9, 10, 11, 19, 20, 21, 99, 100, 105, 110, 999] {
            assert_eq!(parse_chinese_number(&chinese_number(n)), Some(n), "{n}");
        }
        assert_eq!(chinese_number(12), "十二");
        assert_eq!(parse_chinese_number("二十"), Some(20));
        assert_eq!(parse_chinese_number("省局"), None);
    }

    #[test]
    fn labels_are_normalised() {
        assert_eq!(normalize_label("一").unwrap().1, "一、");
        assert_eq!(normalize_label("(二)").unwrap().1, "（二）");
        assert_eq!(normalize_label("3、").unwrap().1, "3.");
        assert_eq!(normalize_label(" 12 ").unwrap().1, "12.");
        assert_eq!(normalize_label("(1)").unwrap().1, "（1）");
        assert_eq!(normalize_label("②").unwrap().1, "（2）");
        assert!(normalize_label("省局").is_none());
        assert!(starts_with_label("一、主要指标"));
        assert!(starts_with_label("（一）营造"));
        assert!(starts_with_label("1.完善"));
        assert!(!starts_with_label("完善1.0"));
    }

    #[test]
    fn renders_a_task_table_with_sections() {
        let rows = vec![
            row(&[
                "湖北省分工方案",
                "湖北省分工方案",
                "湖北省分工方案",
                "湖北省分工方案",
            ]),
            row(&["序号", "主要任务", "牵头单位", "责任单位"]),
            row(&["一", "主要指标分工", "主要指标分工", "主要指标分工"]),
            row(&[
                "1",
                "全省市场主体数量达到850万户。",
                "省局注册处",
                "各市、州、县市场监管局",
            ]),
            row(&["二", "主要任务分工", "", ""]),
            row(&["（一）", "营造宽松便利的市场准入环境", "", ""]),
            row(&[
                "1.0",
                "完善商事主体准入制度",
                "省局注册处",
                "省局科信处\n信息中心",
            ]),
        ];
        let text = render_task_table(&rows).unwrap();
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(
            lines,
            vec![
                "湖北省分工方案",
                "一、主要指标分工",
                "1.全省市场主体数量达到850万户。（牵头单位：省局注册处；责任单位：各市、州、县市场监管局）",
                "二、主要任务分工",
                "（一）营造宽松便利的市场准入环境",
                "1.完善商事主体准入制度（牵头单位：省局注册处；责任单位：省局科信处、信息中心）",
            ]
        );
    }

    #[test]
    fn joins_task_and_measure_and_synthesises_numbers() {
        let rows = vec![
            row(&["重点任务", "工作措施", "牵头部门", "配合部门", "完成时限"]),
            row(&[
                "优化营商环境",
                "推进一网通办",
                "区发改局",
                "区政务办",
                "2023年底",
            ]),
            row(&["强化监管", "", "区市场监管局", "", ""]),
        ];
        let text = render_task_table(&rows).unwrap();
        assert_eq!(
            text,
            "1.优化营商环境。推进一网通办（牵头单位：区发改局；配合单位：区政务办；完成时限：2023年底）\n\
             2.强化监管（牵头单位：区市场监管局）"
        );
    }

    #[test]
    fn section_column_opens_sections() {
        let rows = vec![
            row(&["领域", "序号", "工作任务", "责任单位"]),
            row(&["市场准入", "1", "任务甲", "注册处"]),
            row(&["市场准入", "2", "任务乙", "注册处"]),
            row(&["质量发展", "3", "任务丙", "质量处"]),
        ];
        let text = render_task_table(&rows).unwrap();
        assert_eq!(
            text,
            "一、市场准入\n1.任务甲（责任单位：注册处）\n2.任务乙（责任单位：注册处）\n二、质量发展\n3.任务丙（责任单位：质量处）"
        );
    }

    #[test]
    fn no_header_means_none() {
        let rows = vec![row(&["a", "b"]), row(&["c", "d"])];
        assert!(render_task_table(&rows).is_none());
        assert_eq!(render_plain_rows(&rows), "a b\nc d");
    }

    #[test]
    fn cells_render_numbers_without_fraction() {
        assert_eq!(cell_text(&Data::Float(1.0)), "1");
        assert_eq!(cell_text(&Data::Int(7)), "7");
        assert_eq!(cell_text(&Data::Float(0.5)), "0.5");
    }

    #[test]
    fn seed_workbooks_give_back_every_item() {
        check_seed_fixture("seed.xlsx", |b| read(b, Format::Xlsx).map(|r| r.0));
        check_seed_fixture("seed.ods", |b| read(b, Format::Ods).map(|r| r.0));
        check_seed_fixture("seed.xls", |b| read(b, Format::Xls).map(|r| r.0));
        let text = read(
            &std::fs::read(concat!(
                env!("CARGO_MANIFEST_DIR"),
                "/fixtures/formats/seed.xlsx"
            ))
            .unwrap(),
            Format::Xlsx,
        )
        .unwrap()
        .0;
        assert!(text.contains(
            "\n1.全省市场主体数量达到 850 万户。（牵头单位：省局注册处；责任单位：省局优化营商环境领导小组各成员单位，各市、州、县市场监管局）\n"
        ));
        assert!(
            text.contains("\n（一）营造宽松便利的市场准入环境\n"),
            "{text}"
        );
    }

    #[test]
    fn xlsx_merged_cells_and_hidden_sheets() {
        use rust_xlsxwriter::{Format as XFormat, Workbook};
        let mut wb = Workbook::new();
        let ws = wb.add_worksheet();
        ws.set_name("分工").unwrap();
        let f = XFormat::new();
        ws.merge_range(0, 0, 0, 3, "某区重点任务分工表", &f)
            .unwrap();
        for (c, h) in ["序号", "重点任务", "牵头单位", "完成时限"]
            .iter()
            .enumerate()
        {
            ws.write_string(1, c as u16, *h).unwrap();
        }
        ws.write_string(2, 0, "一").unwrap();
        ws.merge_range(2, 1, 2, 3, "优化营商环境", &f).unwrap();
        ws.write_number(3, 0, 1.0).unwrap();
        ws.write_string(3, 1, "推进一网通办").unwrap();
        // One lead unit for two tasks (merged down).
        ws.merge_range(3, 2, 4, 2, "区政务办", &f).unwrap();
        ws.write_string(3, 3, "2023年底").unwrap();
        ws.write_number(4, 0, 2.0).unwrap();
        ws.write_string(4, 1, "压缩审批时限").unwrap();
        let hidden = wb.add_worksheet();
        hidden.write_string(0, 0, "下拉列表").unwrap();
        hidden.set_hidden(true);
        let bytes = wb.save_to_buffer().unwrap();
        let (text, warnings) = read(&bytes, Format::Xlsx).unwrap();
        assert!(warnings.is_empty(), "{warnings:?}");
        assert_eq!(
            text,
            "某区重点任务分工表\n一、优化营商环境\n\
             1.推进一网通办（牵头单位：区政务办；完成时限：2023年底）\n\
             2.压缩审批时限（牵头单位：区政务办）"
        );
    }

    /// A workbook with a task table of `n` rows and optional stray cells.
    fn task_workbook(n: u32, stray: &[(u32, u16)]) -> Vec<u8> {
        let mut wb = rust_xlsxwriter::Workbook::new();
        let ws = wb.add_worksheet();
        for (c, h) in ["序号", "重点任务", "牵头单位"].iter().enumerate() {
            ws.write_string(0, c as u16, *h).unwrap();
        }
        for i in 1..=n {
            ws.write_number(i, 0, f64::from(i)).unwrap();
            ws.write_string(i, 1, format!("任务{i}")).unwrap();
            ws.write_string(i, 2, "区政务办").unwrap();
        }
        for &(r, c) in stray {
            ws.write_string(r, c, "远处").unwrap();
        }
        wb.save_to_buffer().unwrap()
    }

    #[test]
    fn a_far_cell_is_dropped_not_allocated() {
        // XFD99999: calamine's dense range would be 52 GB.
        let bytes = task_workbook(3, &[(99_998, 16_383)]);
        let (text, warnings) = read(&bytes, Format::Xlsx).unwrap();
        assert!(text.contains("3.任务3（牵头单位：区政务办）"), "{text}");
        assert!(!text.contains("远处"));
        assert_eq!(warnings.len(), 1, "{warnings:?}");
        assert!(warnings[0].contains("beyond column GR"), "{warnings:?}");
        // Far down but within the columns: read, at the cost of its row only.
        let bytes = task_workbook(3, &[(99_000, 1)]);
        let (text, warnings) = read(&bytes, Format::Xlsx).unwrap();
        assert!(text.ends_with("远处"), "{text}");
        assert!(warnings.is_empty());
    }

    #[test]
    fn rows_beyond_the_workbook_limit_are_dropped_with_a_warning() {
        let bytes = task_workbook(3, &[(MAX_ROWS as u32 + 5, 0)]);
        let (text, warnings) = read(&bytes, Format::Xlsx).unwrap();
        assert!(!text.contains("远处"));
        assert!(warnings[0].contains("first 100000 rows"), "{warnings:?}");
    }

    #[test]
    fn a_thousand_and_two_rows_give_a_thousand_and_two_tasks() {
        let bytes = task_workbook(1002, &[]);
        let (text, _) = read(&bytes, Format::Xlsx).unwrap();
        let tasks = text.lines().filter(|l| starts_with_label(l)).count();
        assert_eq!(tasks, 1002);
        assert!(text.contains("\n1000.任务1000（"), "{text}");
        assert!(text.ends_with("1002.任务1002（牵头单位：区政务办）"));
    }

    fn ods(content: &str) -> Vec<u8> {
        use std::io::Write;
        let mut buf = std::io::Cursor::new(Vec::new());
        {
            let mut z = zip::ZipWriter::new(&mut buf);
            let o = zip::write::SimpleFileOptions::default();
            z.start_file("mimetype", o).unwrap();
            z.write_all(b"application/vnd.oasis.opendocument.spreadsheet")
                .unwrap();
            z.start_file("META-INF/manifest.xml", o).unwrap();
            z.write_all(br#"<?xml version="1.0" encoding="UTF-8"?><manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0"><manifest:file-entry manifest:full-path="/" manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/><manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/></manifest:manifest>"#).unwrap();
            z.start_file("content.xml", o).unwrap();
            z.write_all(content.as_bytes()).unwrap();
            z.finish().unwrap();
        }
        buf.into_inner()
    }

    fn ods_table(rows: &str) -> String {
        format!(
            r#"<?xml version="1.0" encoding="UTF-8"?><office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"><office:body><office:spreadsheet><table:table table:name="表一">{rows}</table:table></office:spreadsheet></office:body></office:document-content>"#
        )
    }

    /// Every cell kind, repeat and sheet style a workbook can have, read by
    /// the streaming reader and by calamine: the same cells.
    #[test]
    fn streamed_ods_cells_equal_calamines() {
        let ns = r#"xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" xmlns:style="urn:oasis:names:tc:opendocument:xmlns:style:1.0" xmlns:calcext="urn:org:documentfoundation:names:experimental:calc:xmlns:calcext:1.0""#;
        let rows = r#"
<table:table-row><table:table-cell office:value-type="string"><text:p>序号</text:p></table:table-cell><table:table-cell office:value-type="string"><text:p>重点任务</text:p></table:table-cell><table:table-cell table:number-columns-repeated="2"/><table:table-cell office:value-type="string" office:string-value="牵头&amp;单位"/></table:table-row>
<table:table-row table:number-rows-repeated="2"><table:table-cell table:number-columns-repeated="3"/></table:table-row>
<table:table-row><table:table-cell office:value-type="float" office:value="1"><text:p>1</text:p></table:table-cell><table:table-cell office:value-type="string"><text:p>推进<text:s text:c="3"/>改革</text:p><text:p>第二段<text:tab/>甲<text:line-break/>乙&lt;丙&#x4E01;</text:p><office:annotation><text:p>批注不读</text:p></office:annotation></table:table-cell><table:table-cell office:value-type="percentage" office:value="0.985"/><table:table-cell office:value-type="boolean" office:boolean-value="true"/><table:table-cell office:value-type="date" office:date-value="2022-12-31T00:00:00"/><table:table-cell office:value-type="time" office:time-value="PT12H30M"/></table:table-row>
<table:table-row table:number-rows-repeated="3"><table:table-cell office:value-type="string" table:number-columns-repeated="2"><text:p>重复</text:p></table:table-cell><table:covered-table-cell/><table:table-cell><text:p>无类型不读</text:p></table:table-cell><table:table-cell office:value-type="float" office:value="2.5"/></table:table-row>
<table:table-row><table:table-cell table:number-columns-repeated="4"/><table:table-cell calcext:value-type="error" office:value-type="string" office:string-value=""><text:p>#DIV/0!</text:p></table:table-cell></table:table-row>"#;
        let content = format!(
            r#"<?xml version="1.0" encoding="UTF-8"?><office:document-content {ns}><office:automatic-styles><style:style style:name="ta1" style:family="table"><style:table-properties table:display="true"/></style:style><style:style style:name="ta2" style:family="table"><style:table-properties table:display="false"/></style:style></office:automatic-styles><office:body><office:spreadsheet><table:table table:name="任务" table:style-name="ta1">{rows}</table:table><table:table table:name="隐藏" table:style-name="ta2"><table:table-row><table:table-cell office:value-type="string"><text:p>下拉</text:p></table:table-cell></table:table-row></table:table><table:table table:name="空表"/></office:spreadsheet></office:body></office:document-content>"#
        );
        let bytes = ods(&content);
        let streamed = super::super::ods::read_sheets(&bytes, cell_text).unwrap();
        let mut wb: calamine::Ods<_> = calamine::Ods::new(Cursor::new(&bytes[..])).unwrap();
        let meta = wb.sheets_metadata().to_vec();
        assert_eq!(
            streamed
                .iter()
                .map(|s| (s.name.as_str(), s.visible))
                .collect::<Vec<_>>(),
            meta.iter()
                .map(|m| (
                    m.name.as_str(),
                    m.visible == calamine::SheetVisible::Visible
                ))
                .collect::<Vec<_>>()
        );
        for sheet in &streamed {
            let mut ours = sheet.cells.clone();
            ours.sort();
            let mut theirs = range_cells(&wb.worksheet_range(&sheet.name).unwrap());
            theirs.sort();
            assert_eq!(ours, theirs, "sheet {}", sheet.name);
        }
        let task = &streamed[0].cells;
        assert!(
            task.contains(&(3, 1, "推进   改革\n第二段\t甲\n乙<丙丁".to_string())),
            "{task:?}"
        );
        assert!(task.contains(&(0, 4, "牵头&单位".to_string())));
        assert!(task.contains(&(6, 1, "重复".to_string())));
    }

    /// ODS merged regions (calamine does not report them) are filled like
    /// XLSX ones: a section cell spanning two rows heads both.
    #[test]
    fn ods_merged_cells_are_filled() {
        let cell = |t: &str| {
            format!(
                r#"<table:table-cell office:value-type="string"><text:p>{t}</text:p></table:table-cell>"#
            )
        };
        let rows = format!(
            r#"<table:table-row>{}{}{}</table:table-row><table:table-row><table:table-cell office:value-type="string" table:number-rows-spanned="2"><text:p>一、优化营商环境</text:p></table:table-cell>{}{}</table:table-row><table:table-row><table:covered-table-cell/>{}{}</table:table-row>"#,
            cell("重点任务"),
            cell("具体措施"),
            cell("牵头单位"),
            cell("推进证照分离改革"),
            cell("省市场监管局"),
            cell("推进登记便利化"),
            cell("省发展改革委"),
        );
        let sheets = super::super::ods::read_sheets(&ods(&ods_table(&rows)), cell_text).unwrap();
        assert_eq!(
            sheets[0].merges,
            [Dimensions {
                start: (1, 0),
                end: (2, 0)
            }]
        );
        let (text, _) = read(&ods(&ods_table(&rows)), Format::Ods).unwrap();
        // The same table as an XLSX workbook with the same merged range.
        let mut wb = rust_xlsxwriter::Workbook::new();
        let ws = wb.add_worksheet();
        for (c, h) in ["重点任务", "具体措施", "牵头单位"].iter().enumerate() {
            ws.write_string(0, c as u16, *h).unwrap();
        }
        ws.merge_range(
            1,
            0,
            2,
            0,
            "一、优化营商环境",
            &rust_xlsxwriter::Format::new(),
        )
        .unwrap();
        ws.write_string(1, 1, "推进证照分离改革").unwrap();
        ws.write_string(1, 2, "省市场监管局").unwrap();
        ws.write_string(2, 1, "推进登记便利化").unwrap();
        ws.write_string(2, 2, "省发展改革委").unwrap();
        let (xlsx_text, _) = read(&wb.save_to_buffer().unwrap(), Format::Xlsx).unwrap();
        assert!(
            text.contains("推进登记便利化（牵头单位：省发展改革委）"),
            "{text}"
        );
        assert_eq!(text, xlsx_text);
    }

    #[test]
    fn ods_repeats_beyond_the_grid_bound_are_refused() {
        let cell = r#"<table:table-cell office:value-type="string"><text:p>甲</text:p></table:table-cell>"#;
        let huge = ods_table(&format!(
            r#"<table:table-row>{cell}</table:table-row><table:table-row table:number-rows-repeated="1000000"><table:table-cell table:number-columns-repeated="16384"/></table:table-row><table:table-row><table:table-cell table:number-columns-repeated="5000"/>{cell}</table:table-row>"#
        ));
        let err = read(&ods(&huge), Format::Ods).unwrap_err().to_string();
        assert!(
            err.contains("sheet 表一 spans 1000002 rows × 5001 columns"),
            "{err}"
        );
        // Trailing empty repeats (how office suites pad a sheet) cost nothing.
        let padded = ods_table(&format!(
            r#"<table:table-row>{cell}<table:table-cell table:number-columns-repeated="16383"/></table:table-row><table:table-row table:number-rows-repeated="1048575"><table:table-cell table:number-columns-repeated="16384"/></table:table-row>"#
        ));
        let (text, _) = read(&ods(&padded), Format::Ods).unwrap();
        assert_eq!(text, "甲");
    }

    #[test]
    fn column_names() {
        assert_eq!(column_name(0), "A");
        assert_eq!(column_name(25), "Z");
        assert_eq!(column_name(26), "AA");
        assert_eq!(column_name(199), "GR");
        assert_eq!(column_name(16_383), "XFD");
    }

    #[test]
    fn garbage_is_an_error_not_a_panic() {
        for f in [Format::Xlsx, Format::Xls, Format::Ods] {
            assert!(read(b"PK\x03\x04 not really", f).is_err());
            assert!(read(&[0xD0, 0xCF, 0x11, 0xE0, 0, 0, 0], f).is_err());
        }
    }
}
