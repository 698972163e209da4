//! XLSX output: one workbook with four sheets, for people who work in Excel
//! or WPS.
//!
//! | sheet      | one row per                | columns                                   |
//! |------------|----------------------------|-------------------------------------------|
//! | `事项`     | item                       | [`ITEM_COLUMNS`]                          |
//! | `单位`     | item × role × unit         | [`UNIT_COLUMNS`]                          |
//! | `指标`     | numeric target             | [`TARGET_COLUMNS`]                        |
//! | `文件信息` | notice (header metadata)   | [`META_COLUMNS`]                          |
//!
//! Several notices go into one workbook; the `来源文件` column tells them
//! apart. Every cell is written as a value (strings as strings, numbers as
//! numbers), never as a formula. The header row is frozen and filtered.
//! `单位` and `指标` repeat their item's heading cut to
//! [`super::CONTEXT_CHARS`] characters; `事项` holds it whole (up to a
//! cell's 32,767).
//!
//! Each sheet ends with a hidden `指纹` (fingerprint) column: which notice,
//! item and unit/target the row was written for, and a short hash of each
//! cell as written. [`crate::input::fengong_xlsx`] uses it to rebuild the
//! notices and to flag rows that were edited or added by hand.

use super::context;
use crate::model::{Item, Notice, format_number};
use rust_xlsxwriter::{Format, FormatAlign, FormatBorder, Workbook, Worksheet, XlsxError};

/// Sheet of items.
pub const ITEMS_SHEET: &str = "事项";
/// Sheet of item × role × unit rows.
pub const UNITS_SHEET: &str = "单位";
/// Sheet of targets.
pub const TARGETS_SHEET: &str = "指标";
/// Sheet of notice metadata.
pub const META_SHEET: &str = "文件信息";
/// Header of the hidden fingerprint column that ends every sheet.
pub const FINGERPRINT_HEADER: &str = "指纹";
/// First word of every fingerprint cell.
pub const FINGERPRINT_TAG: &str = "fengong1";

/// `牵头` / `责任`: the role as written in the sheets.
pub const LEAD_ZH: &str = "牵头";
/// See [`LEAD_ZH`].
pub const RESPONSIBLE_ZH: &str = "责任";
/// Boolean true as written in the sheets (false is `否`, or empty for `累计`).
pub const YES_ZH: &str = "是";
/// Boolean false as written in the sheets.
pub const NO_ZH: &str = "否";
/// Author recorded in the document properties of every workbook fengong
/// writes (how a later run recognises a file it may replace).
pub const AUTHOR: &str = "fengong";

/// A new workbook with fengong as its author.
pub fn new_workbook() -> Workbook {
    let mut wb = Workbook::new();
    wb.set_properties(&rust_xlsxwriter::DocProperties::new().set_author(AUTHOR));
    wb
}

/// One column of a sheet: Chinese header, the English (JSON) field name,
/// whether long text wraps, and the widest the column gets.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Column {
    /// Header cell (Chinese).
    pub header: &'static str,
    /// The field it holds (the JSON name).
    pub field: &'static str,
    /// Wrap long text.
    pub wrap: bool,
    /// Largest width (Excel character units).
    pub max_width: f64,
}

const fn col(header: &'static str, field: &'static str, wrap: bool, max_width: f64) -> Column {
    Column {
        header,
        field,
        wrap,
        max_width,
    }
}

/// Columns of `事项`. Lists are joined with `；`; units are given by name.
pub const ITEM_COLUMNS: &[Column] = &[
    col("来源文件", "source", false, 28.0),
    col("编号路径", "path", false, 14.0),
    col("层级", "level", false, 6.0),
    col("原编号", "label", false, 8.0),
    col("标题", "heading", true, 40.0),
    col("牵头单位", "lead_units", true, 26.0),
    col("责任单位", "responsible_units", true, 32.0),
    col("责任领导", "leaders", true, 14.0),
    col("指标", "targets", true, 26.0),
    col("完成时限", "deadline", false, 14.0),
    col("警告", "warnings", true, 20.0),
    col("全文", "text", true, 70.0),
];

/// Columns of `单位` (one row per item × role × unit).
pub const UNIT_COLUMNS: &[Column] = &[
    col("来源文件", "source", false, 28.0),
    col("编号路径", "path", false, 14.0),
    col("标题", "heading", true, 36.0),
    col("角色", "role", false, 6.0),
    col("原文", "raw", false, 30.0),
    col("名称", "name", false, 30.0),
    col("规范名称", "canonical", false, 34.0),
    col("类别", "kind", false, 12.0),
    col("已知", "known", false, 6.0),
    col("原文位置", "span", false, 10.0),
];

/// Columns of `指标` (one row per target).
pub const TARGET_COLUMNS: &[Column] = &[
    col("来源文件", "source", false, 28.0),
    col("编号路径", "path", false, 14.0),
    col("标题", "heading", true, 36.0),
    col("指标名称", "metric", true, 28.0),
    col("数值", "value", false, 10.0),
    col("上限", "max", false, 10.0),
    col("单位", "unit", false, 10.0),
    col("比较", "comparator", false, 6.0),
    col("周期", "period", false, 8.0),
    col("时限", "deadline", false, 10.0),
    col("累计", "cumulative", false, 6.0),
    col("变化", "change", false, 10.0),
    col("原文", "raw", true, 30.0),
    col("倍数", "factor", false, 8.0),
    col("折算值", "scaled_value", false, 14.0),
    col("置信度", "confidence", false, 8.0),
    col("置信说明", "confidence_reason", false, 16.0),
    col("位置", "span", false, 10.0),
];

/// Columns of `文件信息` (one row per notice).
pub const META_COLUMNS: &[Column] = &[
    col("来源文件", "source", false, 28.0),
    col("格式", "format", false, 8.0),
    col("编码", "encoding", false, 8.0),
    col("发文机关", "issuer", false, 24.0),
    col("发文字号", "doc_number", false, 24.0),
    col("标题", "title", true, 50.0),
    col("主送机关", "recipients", true, 30.0),
    col("成文日期", "date", false, 12.0),
    col("署名", "signature", false, 24.0),
    col("附注", "note", false, 16.0),
    col("附件标题", "attachment_title", true, 40.0),
    col("正文", "body", true, 50.0),
    col("前言", "preamble", true, 50.0),
    col("警告", "warnings", true, 20.0),
];

/// A cell value.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    /// A string (written with `write_string`, never as a formula).
    Text(String),
    /// A number.
    Number(f64),
}

impl Cell {
    /// The cell as text, the way it is hashed and compared (numbers as
    /// [`format_number`] writes them).
    pub fn text(&self) -> String {
        match self {
            Cell::Text(s) => s.clone(),
            Cell::Number(v) => format_number(*v),
        }
    }
}

fn t(s: impl Into<String>) -> Cell {
    Cell::Text(clip(s.into()))
}

fn opt(s: &Option<String>) -> Cell {
    t(s.clone().unwrap_or_default())
}

/// Excel's limit on a cell's length, in UTF-16 units.
const MAX_CELL: usize = 32_767;

/// Cut a string to what one cell holds.
fn clip(s: String) -> String {
    if s.encode_utf16().count() <= MAX_CELL {
        return s;
    }
    let mut n = 0;
    let mut out = String::new();
    for c in s.chars() {
        n += c.len_utf16();
        if n > MAX_CELL - 1 {
            break;
        }
        out.push(c);
    }
    out.push('…');
    out
}

/// A row as written: which notice (index in the slice), which item (index in
/// the notice), a sub-index and a count, and the cells.
#[derive(Debug, Clone, PartialEq)]
pub struct Row {
    /// Index of the notice.
    pub notice: usize,
    /// `事项`, `单位`, `指标`: index of the item; `文件信息`: number of items.
    pub item: usize,
    /// `单位`: position of the unit in lead ++ responsible; `指标`: position
    /// of the target; `事项`: number of units; `文件信息`: 0.
    pub sub: usize,
    /// `事项`: number of targets; otherwise 0.
    pub count: usize,
    /// The cells, in column order.
    pub cells: Vec<Cell>,
}

impl Row {
    /// The fingerprint cell: `fengong1 notice item sub count h1.h2.…`, one
    /// 32-bit FNV-1a hash (hex) per cell.
    pub fn fingerprint(&self) -> String {
        let hashes: Vec<String> = self
            .cells
            .iter()
            .map(|c| format!("{:08x}", cell_hash(&c.text())))
            .collect();
        format!(
            "{FINGERPRINT_TAG} {} {} {} {} {}",
            self.notice,
            self.item,
            self.sub,
            self.count,
            hashes.join(".")
        )
    }
}

/// A parsed fingerprint cell.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fingerprint {
    /// See [`Row::notice`].
    pub notice: usize,
    /// See [`Row::item`].
    pub item: usize,
    /// See [`Row::sub`].
    pub sub: usize,
    /// See [`Row::count`].
    pub count: usize,
    /// One hash per column.
    pub hashes: Vec<u32>,
}

impl Fingerprint {
    /// Parse a fingerprint cell; `None` when it is not one.
    pub fn parse(s: &str) -> Option<Fingerprint> {
        let mut it = s.split_whitespace();
        if it.next()? != FINGERPRINT_TAG {
            return None;
        }
        let mut num = || it.next()?.parse::<usize>().ok();
        let (notice, item, sub, count) = (num()?, num()?, num()?, num()?);
        let hashes = it
            .next()
            .unwrap_or("")
            .split('.')
            .filter(|h| !h.is_empty())
            .map(|h| u32::from_str_radix(h, 16).ok())
            .collect::<Option<Vec<u32>>>()?;
        Some(Fingerprint {
            notice,
            item,
            sub,
            count,
            hashes,
        })
    }
}

/// 32-bit FNV-1a of a cell's text (line ends normalised, outer spaces trimmed).
pub fn cell_hash(s: &str) -> u32 {
    let mut h: u32 = 0x811c_9dc5;
    for b in s.replace("\r\n", "\n").trim().bytes() {
        h ^= u32::from(b);
        h = h.wrapping_mul(0x0100_0193);
    }
    h
}

fn join(xs: impl IntoIterator<Item = String>) -> String {
    xs.into_iter().collect::<Vec<_>>().join("；")
}

fn source(n: &Notice) -> Cell {
    opt(&n.source)
}

/// The path as written in the sheets: labels joined with `/`.
pub fn path_text(it: &Item) -> String {
    it.path.join("/")
}

/// Rows of `事项`.
pub fn item_rows(notices: &[Notice]) -> Vec<Row> {
    let mut rows = Vec::new();
    for (ni, n) in notices.iter().enumerate() {
        for (ii, it) in n.items.iter().enumerate() {
            rows.push(Row {
                notice: ni,
                item: ii,
                sub: it.lead_units.len() + it.responsible_units.len(),
                count: it.targets.len(),
                cells: vec![
                    source(n),
                    t(path_text(it)),
                    Cell::Number(f64::from(it.level)),
                    t(it.label.clone()),
                    t(it.heading.clone()),
                    t(join(it.lead_units.iter().map(|u| u.name.clone()))),
                    t(join(it.responsible_units.iter().map(|u| u.name.clone()))),
                    t(join(it.leaders.iter().cloned())),
                    t(join(it.targets.iter().map(|x| x.raw.clone()))),
                    opt(&it.deadline),
                    t(join(it.warnings.iter().cloned())),
                    t(it.text.clone()),
                ],
            });
        }
    }
    rows
}

/// Rows of `单位`.
pub fn unit_rows(notices: &[Notice]) -> Vec<Row> {
    let mut rows = Vec::new();
    for (ni, n) in notices.iter().enumerate() {
        for (ii, it) in n.items.iter().enumerate() {
            let heading = context(&it.heading);
            let units = it
                .lead_units
                .iter()
                .map(|u| (LEAD_ZH, u))
                .chain(it.responsible_units.iter().map(|u| (RESPONSIBLE_ZH, u)));
            for (k, (role, u)) in units.enumerate() {
                rows.push(Row {
                    notice: ni,
                    item: ii,
                    sub: k,
                    count: 0,
                    cells: vec![
                        source(n),
                        t(path_text(it)),
                        t(heading.as_ref()),
                        t(role),
                        t(u.raw.clone()),
                        t(u.name.clone()),
                        t(u.canonical.clone()),
                        t(u.kind.as_str()),
                        t(if u.known { YES_ZH } else { NO_ZH }),
                        t(u.span.map_or(String::new(), |[a, b]| format!("{a}-{b}"))),
                    ],
                });
            }
        }
    }
    rows
}

/// Rows of `指标`.
pub fn target_rows(notices: &[Notice]) -> Vec<Row> {
    let mut rows = Vec::new();
    for (ni, n) in notices.iter().enumerate() {
        for (ii, it) in n.items.iter().enumerate() {
            let heading = context(&it.heading);
            for (k, x) in it.targets.iter().enumerate() {
                rows.push(Row {
                    notice: ni,
                    item: ii,
                    sub: k,
                    count: 0,
                    cells: vec![
                        source(n),
                        t(path_text(it)),
                        t(heading.as_ref()),
                        opt(&x.metric),
                        Cell::Number(x.value),
                        x.max.map(Cell::Number).unwrap_or_else(|| t("")),
                        t(x.unit.clone()),
                        t(x.comparator.clone()),
                        opt(&x.period),
                        opt(&x.deadline),
                        t(if x.cumulative { YES_ZH } else { "" }),
                        opt(&x.change),
                        t(x.raw.clone()),
                        x.factor.map(Cell::Number).unwrap_or_else(|| t("")),
                        x.scaled_value.map(Cell::Number).unwrap_or_else(|| t("")),
                        Cell::Number(x.confidence),
                        opt(&x.confidence_reason),
                        t(x.span.map(|[s, e]| format!("{s}-{e}")).unwrap_or_default()),
                    ],
                });
            }
        }
    }
    rows
}

/// Rows of `文件信息`.
pub fn meta_rows(notices: &[Notice]) -> Vec<Row> {
    notices
        .iter()
        .enumerate()
        .map(|(ni, n)| {
            let m = &n.meta;
            Row {
                notice: ni,
                item: n.items.len(),
                sub: 0,
                count: 0,
                cells: vec![
                    source(n),
                    t(n.format.clone()),
                    t(n.encoding.clone()),
                    opt(&m.issuer),
                    t(m.doc_number
                        .as_ref()
                        .map(|d| d.raw.clone())
                        .unwrap_or_default()),
                    opt(&m.title),
                    opt(&m.recipients),
                    opt(&m.date),
                    opt(&m.signature),
                    opt(&m.note),
                    opt(&m.attachment_title),
                    opt(&m.body),
                    opt(&m.preamble),
                    t(join(n.warnings.iter().cloned())),
                ],
            }
        })
        .collect()
}

/// Display width of a string in terminal / Excel character cells: CJK and
/// full-width characters count 2. For multi-line text, the widest line.
pub fn display_width(s: &str) -> usize {
    s.lines()
        .map(|l| {
            l.chars()
                .map(|c| if crate::repair::is_wide(c) { 2 } else { 1 })
                .sum::<usize>()
        })
        .max()
        .unwrap_or(0)
}

/// Cell formats shared by the sheets.
pub(crate) struct Formats {
    header: Format,
    plain: Format,
    wrap: Format,
}

impl Formats {
    pub(crate) fn new() -> Formats {
        Formats {
            header: Format::new()
                .set_bold()
                .set_background_color("D9E1F2")
                .set_border_bottom(FormatBorder::Thin)
                .set_align(FormatAlign::VerticalCenter),
            plain: Format::new().set_align(FormatAlign::Top),
            wrap: Format::new().set_text_wrap().set_align(FormatAlign::Top),
        }
    }
}

/// Write a header row and `rows` to `ws`: frozen header, autofilter, widths
/// from the content (capped), wrapped long columns, and, when `fingerprints`
/// is given, a hidden fingerprint column after the last one.
pub(crate) fn write_table(
    ws: &mut Worksheet,
    columns: &[Column],
    rows: &[Vec<Cell>],
    fingerprints: Option<&[String]>,
    f: &Formats,
) -> Result<(), XlsxError> {
    for (c, column) in columns.iter().enumerate() {
        let c = c as u16;
        ws.write_string_with_format(0, c, column.header, &f.header)?;
    }
    for (r, row) in rows.iter().enumerate() {
        let r = r as u32 + 1;
        for (c, (cell, column)) in row.iter().zip(columns).enumerate() {
            let c = c as u16;
            let fmt = if column.wrap { &f.wrap } else { &f.plain };
            match cell {
                Cell::Text(s) if s.is_empty() => {}
                Cell::Text(s) => {
                    ws.write_string_with_format(r, c, s, fmt)?;
                }
                Cell::Number(v) => {
                    ws.write_number_with_format(r, c, *v, fmt)?;
                }
            }
        }
    }
    for (c, column) in columns.iter().enumerate() {
        let content = rows
            .iter()
            .filter_map(|r| r.get(c))
            .map(|cell| display_width(&cell.text()))
            .max()
            .unwrap_or(0);
        let width = (content.max(display_width(column.header) + 3) as f64 + 1.0)
            .min(column.max_width)
            .max(6.0);
        ws.set_column_width(c as u16, width)?;
    }
    let mut last = columns.len().saturating_sub(1) as u16;
    if let Some(fps) = fingerprints {
        last = columns.len() as u16;
        ws.write_string_with_format(0, last, FINGERPRINT_HEADER, &f.header)?;
        for (r, fp) in fps.iter().enumerate() {
            ws.write_string(r as u32 + 1, last, fp)?;
        }
        ws.set_column_hidden(last)?;
    }
    ws.set_freeze_panes(1, 0)?;
    ws.autofilter(0, 0, rows.len() as u32, last)?;
    Ok(())
}

/// The rows of one sheet with their fingerprint cells (an empty fingerprint
/// marks a row the read-back treats as added by hand).
pub type SheetRows = (Vec<Vec<Cell>>, Vec<String>);

fn with_fingerprints(rows: &[Row]) -> SheetRows {
    (
        rows.iter().map(|r| r.cells.clone()).collect(),
        rows.iter().map(Row::fingerprint).collect(),
    )
}

/// The workbook of `notices`: sheets `事项`, `单位`, `指标`, `文件信息`.
pub fn workbook(notices: &[Notice]) -> Result<Vec<u8>, XlsxError> {
    workbook_from_rows([
        with_fingerprints(&item_rows(notices)),
        with_fingerprints(&unit_rows(notices)),
        with_fingerprints(&target_rows(notices)),
        with_fingerprints(&meta_rows(notices)),
    ])
}

/// The workbook of the given rows of `事项`, `单位`, `指标` and `文件信息`
/// (in that order), each row with its fingerprint cell as given: how a
/// writer records hand edits (cells that no longer match their
/// fingerprint, rows without one) the way the read-back detects them.
pub fn workbook_from_rows(sheets: [SheetRows; 4]) -> Result<Vec<u8>, XlsxError> {
    let mut wb = new_workbook();
    let f = Formats::new();
    let names = [
        (ITEMS_SHEET, ITEM_COLUMNS),
        (UNITS_SHEET, UNIT_COLUMNS),
        (TARGETS_SHEET, TARGET_COLUMNS),
        (META_SHEET, META_COLUMNS),
    ];
    for ((name, columns), (cells, fps)) in names.into_iter().zip(sheets) {
        let ws = wb.add_worksheet();
        ws.set_name(name)?;
        write_table(ws, columns, &cells, Some(&fps), &f)?;
    }
    wb.save_to_buffer()
}

/// Make `name` a valid, unique worksheet name: Excel allows at most 31
/// characters (UTF-16 units), none of `[]:*?/\`, no leading or trailing
/// apostrophe, not `History`, and names are unique ignoring case. `taken`
/// holds the names already used (lower case) and is updated.
pub fn sheet_name(name: &str, taken: &mut std::collections::HashSet<String>) -> String {
    let cleaned: String = name
        .chars()
        .map(|c| match c {
            '[' | ']' | ':' | '*' | '?' | '/' | '\\' => '_',
            c if c.is_control() => '_',
            c => c,
        })
        .collect();
    let mut base = cleaned.trim().trim_matches('\'').trim().to_string();
    if base.is_empty() {
        base = "Sheet".into();
    }
    if base.eq_ignore_ascii_case("history") {
        base.push('_');
    }
    let fit = |s: &str, room: usize| -> String {
        let mut n = 0;
        s.chars()
            .take_while(|c| {
                n += c.len_utf16();
                n <= room
            })
            .collect()
    };
    let mut candidate = fit(&base, 31).trim_end_matches('\'').to_string();
    let mut k = 2;
    while taken.contains(&candidate.to_lowercase()) {
        let suffix = format!("({k})");
        candidate = format!("{}{suffix}", fit(&base, 31 - suffix.len()));
        k += 1;
    }
    taken.insert(candidate.to_lowercase());
    candidate
}

#[cfg(test)]
mod tests {
    use super::*;
    use calamine::{Data, Reader, Xlsx};
    use std::io::Cursor;

    fn seed() -> Notice {
        let text = include_str!("../../seeds/000_7c5878c3eb2a3600.txt");
        let mut n = crate::parse_text(text, &crate::Options::default());
        n.source = Some("000_7c5878c3eb2a3600.txt".into());
        n
    }

    fn cell_text(d: &Data) -> String {
        match d {
            Data::Empty => String::new(),
            Data::String(s) => s.clone(),
            Data::Float(v) => format_number(*v),
            Data::Int(i) => i.to_string(),
            other => panic!("unexpected cell {other:?}"),
        }
    }

    fn sheet(bytes: &[u8], name: &str) -> calamine::Range<Data> {
        let mut wb: Xlsx<_> = Xlsx::new(Cursor::new(bytes.to_vec())).unwrap();
        wb.worksheet_range(name).unwrap()
    }

    fn json_text(v: &serde_json::Value) -> String {
        match v {
            serde_json::Value::Null => String::new(),
            serde_json::Value::String(s) => s.clone(),
            serde_json::Value::Number(n) => format_number(n.as_f64().unwrap()),
            serde_json::Value::Bool(true) => YES_ZH.into(),
            serde_json::Value::Bool(false) => String::new(),
            serde_json::Value::Array(xs) => xs.iter().map(json_text).collect::<Vec<_>>().join("；"),
            serde_json::Value::Object(_) => panic!("object"),
        }
    }

    /// Every cell of every sheet equals the corresponding JSON field.
    #[test]
    fn every_cell_matches_the_json() {
        let mut other = seed();
        other.source = Some("second.txt".into());
        other.items.truncate(3);
        let notices = vec![seed(), other];
        let bytes = workbook(&notices).unwrap();
        let json: Vec<serde_json::Value> = notices
            .iter()
            .map(|n| serde_json::from_str(&crate::output::json::to_json(n)).unwrap())
            .collect();

        // 事项
        let r = sheet(&bytes, ITEMS_SHEET);
        let rows: Vec<&[Data]> = r.rows().collect();
        let headers: Vec<String> = rows[0].iter().map(cell_text).collect();
        let mut expect_headers: Vec<&str> = ITEM_COLUMNS.iter().map(|c| c.header).collect();
        expect_headers.push(FINGERPRINT_HEADER);
        assert_eq!(headers, expect_headers);
        let mut k = 1;
        for j in &json {
            for it in j["items"].as_array().unwrap() {
                let row = rows[k];
                k += 1;
                for (c, column) in ITEM_COLUMNS.iter().enumerate() {
                    let want = match column.field {
                        "source" => json_text(&j["source"]),
                        "path" => it["path"]
                            .as_array()
                            .unwrap()
                            .iter()
                            .map(json_text)
                            .collect::<Vec<_>>()
                            .join("/"),
                        "lead_units" | "responsible_units" => it[column.field]
                            .as_array()
                            .unwrap()
                            .iter()
                            .map(|u| json_text(&u["name"]))
                            .collect::<Vec<_>>()
                            .join("；"),
                        "targets" => it["targets"]
                            .as_array()
                            .unwrap()
                            .iter()
                            .map(|u| json_text(&u["raw"]))
                            .collect::<Vec<_>>()
                            .join("；"),
                        f => json_text(&it[f]),
                    };
                    assert_eq!(cell_text(&row[c]), want, "事项 row {k} {}", column.header);
                }
                assert!(matches!(row[2], Data::Float(_)), "层级 is a number");
            }
        }
        assert_eq!(k, rows.len());

        // 单位
        let r = sheet(&bytes, UNITS_SHEET);
        let rows: Vec<&[Data]> = r.rows().collect();
        let mut k = 1;
        for j in &json {
            for it in j["items"].as_array().unwrap() {
                for (role, key) in [
                    (LEAD_ZH, "lead_units"),
                    (RESPONSIBLE_ZH, "responsible_units"),
                ] {
                    for u in it[key].as_array().unwrap() {
                        let row: Vec<String> = rows[k].iter().map(cell_text).collect();
                        k += 1;
                        let path: Vec<String> = it["path"]
                            .as_array()
                            .unwrap()
                            .iter()
                            .map(json_text)
                            .collect();
                        let known = if u["known"].as_bool().unwrap() {
                            YES_ZH
                        } else {
                            NO_ZH
                        };
                        assert_eq!(
                            row[..9],
                            [
                                json_text(&j["source"]),
                                path.join("/"),
                                json_text(&it["heading"]),
                                role.to_string(),
                                json_text(&u["raw"]),
                                json_text(&u["name"]),
                                json_text(&u["canonical"]),
                                json_text(&u["kind"]),
                                known.to_string(),
                            ]
                        );
                    }
                }
            }
        }
        assert_eq!(k, rows.len());

        // 指标
        let r = sheet(&bytes, TARGETS_SHEET);
        let rows: Vec<&[Data]> = r.rows().collect();
        let mut k = 1;
        for j in &json {
            for it in j["items"].as_array().unwrap() {
                for x in it["targets"].as_array().unwrap() {
                    let row = rows[k];
                    k += 1;
                    assert!(matches!(row[4], Data::Float(_)), "数值 is a number");
                    for (c, column) in TARGET_COLUMNS.iter().enumerate() {
                        let want = match column.field {
                            "source" => json_text(&j["source"]),
                            "path" => it["path"]
                                .as_array()
                                .unwrap()
                                .iter()
                                .map(json_text)
                                .collect::<Vec<_>>()
                                .join("/"),
                            "heading" => json_text(&it["heading"]),
                            "span" => x["span"]
                                .as_array()
                                .map(|s| format!("{}-{}", s[0], s[1]))
                                .unwrap_or_default(),
                            f => json_text(&x[f]),
                        };
                        assert_eq!(cell_text(&row[c]), want, "指标 row {k} {}", column.header);
                    }
                }
            }
        }
        assert!(k > 10, "the seed has targets");
        assert_eq!(k, rows.len());

        // 文件信息
        let r = sheet(&bytes, META_SHEET);
        let rows: Vec<&[Data]> = r.rows().collect();
        assert_eq!(rows.len(), 3);
        for (j, row) in json.iter().zip(&rows[1..]) {
            for (c, column) in META_COLUMNS.iter().enumerate() {
                let want = match column.field {
                    "source" | "format" | "encoding" | "warnings" => json_text(&j[column.field]),
                    "doc_number" => json_text(&j["meta"]["doc_number"]["raw"]),
                    f => json_text(&j["meta"][f]),
                };
                assert_eq!(cell_text(&row[c]), want, "文件信息 {}", column.header);
            }
        }
    }

    #[test]
    fn formulas_are_written_as_text() {
        let mut n = seed();
        n.items[1].heading = "=HYPERLINK(\"http://x\")".into();
        let bytes = workbook(&[n]).unwrap();
        let xml = {
            let mut z = zip::ZipArchive::new(Cursor::new(bytes)).unwrap();
            let mut s = String::new();
            use std::io::Read;
            z.by_name("xl/worksheets/sheet1.xml")
                .unwrap()
                .read_to_string(&mut s)
                .unwrap();
            s
        };
        assert!(!xml.contains("<f>"), "no formula cells");
        assert!(xml.contains("<pane"), "frozen header");
        assert!(xml.contains("<autoFilter"), "autofilter");
    }

    #[test]
    fn fingerprints_parse_back() {
        let rows = item_rows(&[seed()]);
        let fp = Fingerprint::parse(&rows[1].fingerprint()).unwrap();
        assert_eq!((fp.notice, fp.item), (0, 1));
        assert_eq!(fp.hashes.len(), ITEM_COLUMNS.len());
        assert_eq!(fp.hashes[4], cell_hash(&rows[1].cells[4].text()));
        assert!(Fingerprint::parse("hello").is_none());
    }

    #[test]
    fn sheet_names_follow_excel_rules() {
        let mut taken = std::collections::HashSet::new();
        let a = sheet_name("省市场监管局[登记]注册处/信息中心:*?", &mut taken);
        assert!(!a.contains(['[', ']', ':', '*', '?', '/', '\\']), "{a}");
        let long = "省市场监管局优化营商环境领导小组各成员单位以及其他所有有关的处室和直属单位";
        let b = sheet_name(long, &mut taken);
        let c = sheet_name(long, &mut taken);
        assert!(b.encode_utf16().count() <= 31 && c.encode_utf16().count() <= 31);
        assert_ne!(b, c);
        for s in [&a, &b, &c] {
            rust_xlsxwriter::utility::check_sheet_name(s).unwrap();
        }
        assert_eq!(sheet_name("'x'", &mut taken), "x");
        assert_eq!(sheet_name("X", &mut taken), "X(2)");
    }
}
