//! Streaming ODS reader: the non-empty cells of every sheet, read from
//! `content.xml` as it inflates. calamine reads an ODS workbook into a dense
//! grid per sheet and hands out a copy of it, which cost 12.7× the file in
//! memory; this reader keeps only the cells that hold something, and also
//! reads merged regions (`table:number-columns-spanned`), which calamine
//! does not report for ODS.
//!
//! Cells are typed the way calamine types them (so a workbook reads as it
//! did through calamine): the first of `office:value` (a number),
//! `office:string-value`, `office:date-value`, `office:time-value` and
//! `office:boolean-value` is the value; a `string` cell without a string
//! value takes its paragraphs (`text:p`, joined by line breaks, with
//! `text:s`, `text:tab` and `text:line-break`, annotations left out); a cell
//! with neither is empty. A sheet is hidden when its table style says
//! `table:display="false"`.

use std::collections::HashMap;
use std::io::Cursor;

use calamine::{Data, Dimensions};
use quick_xml::events::{BytesStart, Event};

use super::sheet::{Cells, MAX_GRID_CELLS, extent_error};
use crate::error::{Error, Result};

/// One sheet of an ODS workbook.
pub(crate) struct OdsSheet {
    /// The sheet's name (`table:name`).
    pub name: String,
    /// Whether the sheet is shown (its table style does not hide it).
    pub visible: bool,
    /// Non-empty cells as (row, column, text), repeated rows and columns expanded.
    pub cells: Cells,
    /// Merged regions, from the spans of their first cell.
    pub merges: Vec<Dimensions>,
}

fn corrupt(detail: impl std::fmt::Display) -> Error {
    Error::Corrupt {
        format: "ods",
        detail: detail.to_string(),
    }
}

type Xml<'a> = quick_xml::Reader<std::io::BufReader<zip::read::ZipFile<'a, Cursor<&'a [u8]>>>>;

/// The sheets of an ODS workbook, in document order, each cell rendered by
/// `text`. Repeated rows and columns expand only where a cell holds
/// something, and a sheet whose non-empty cells would span more than
/// [`MAX_GRID_CELLS`] is refused before they are expanded.
pub(crate) fn read_sheets(bytes: &[u8], text: impl Fn(&Data) -> String) -> Result<Vec<OdsSheet>> {
    let mut zip = zip::ZipArchive::new(Cursor::new(bytes)).map_err(corrupt)?;
    let entry = zip
        .by_name("content.xml")
        .map_err(|e| corrupt(format!("content.xml: {e}")))?;
    let mut xml: Xml<'_> = quick_xml::Reader::from_reader(std::io::BufReader::new(entry));
    let config = xml.config_mut();
    config.check_end_names = false;
    config.trim_text(false);
    config.expand_empty_elements = true;

    let mut buf = Vec::new();
    let mut styles: HashMap<String, bool> = HashMap::new();
    let mut style: Option<String> = None;
    let mut sheets = Vec::new();
    loop {
        let ev = xml
            .read_event_into(&mut buf)
            .map_err(|e| xml_error(&xml, e))?;
        match ev {
            Event::Start(e) if e.name().as_ref() == "style:style" => {
                style = attr(&e, "style:name");
            }
            Event::Start(e) if e.name().as_ref() == "style:table-properties" => {
                if let Some(s) = &style {
                    let shown = attr(&e, "table:display").is_none_or(|d| d.trim() != "false");
                    styles.insert(s.clone(), shown);
                }
            }
            Event::Start(e) if e.name().as_ref() == "table:table" => {
                if let Some(name) = attr(&e, "table:name") {
                    let visible = attr(&e, "table:style-name")
                        .and_then(|s| styles.get(&s).copied())
                        .unwrap_or(true);
                    let (cells, merges) = read_table(&mut xml, &name, &text)?;
                    sheets.push(OdsSheet {
                        name,
                        visible,
                        cells,
                        merges,
                    });
                }
            }
            Event::Eof => break,
            _ => {}
        }
        buf.clear();
    }
    Ok(sheets)
}

fn xml_error(xml: &Xml<'_>, e: quick_xml::Error) -> Error {
    corrupt(format!(
        "content.xml is not well-formed XML at byte {}: {e}",
        xml.error_position()
    ))
}

/// An attribute's unescaped value.
fn attr(e: &BytesStart<'_>, key: &str) -> Option<String> {
    e.attributes()
        .with_checks(false)
        .flatten()
        .find(|a| a.key.as_ref() == key)
        .map(|a| unescaped(&a.value))
}

/// An attribute value with its entities resolved (as written when one is
/// malformed).
fn unescaped(raw: &str) -> String {
    quick_xml::escape::unescape(raw).map_or_else(|_| raw.to_string(), |v| v.into_owned())
}

/// A repeat or span count (1 when absent or unreadable).
fn count(e: &BytesStart<'_>, key: &str) -> u32 {
    attr(e, key)
        .and_then(|v| v.trim().parse::<u32>().ok())
        .unwrap_or(1)
        .max(1)
}

/// The cells and merged regions of one `table:table` named `name`, up to
/// its end.
fn read_table(
    xml: &mut Xml<'_>,
    name: &str,
    text: &impl Fn(&Data) -> String,
) -> Result<(Cells, Vec<Dimensions>)> {
    let mut cells = Cells::new();
    let mut merges = Vec::new();
    let mut buf = Vec::new();
    let (mut row, mut col) = (0u32, 0u32);
    let mut row_repeat = 1u32;
    // Cells of the current row: (column, text), repeated over `row_repeat` rows at its end.
    let mut row_cells: Vec<(u32, String)> = Vec::new();
    // Rows and columns up to the furthest non-empty cell so far.
    let (mut rows, mut cols) = (0u64, 0u64);
    loop {
        let ev = xml
            .read_event_into(&mut buf)
            .map_err(|e| xml_error(xml, e))?;
        match ev {
            Event::Start(e) if e.name().as_ref() == "table:table-row" => {
                row_repeat = count(&e, "table:number-rows-repeated");
                col = 0;
                row_cells.clear();
            }
            Event::End(e) if e.name().as_ref() == "table:table-row" => {
                for r in 1..row_repeat {
                    for (c, t) in &row_cells {
                        cells.push((row.saturating_add(r), *c, t.clone()));
                    }
                }
                cells.extend(row_cells.drain(..).map(|(c, t)| (row, c, t)));
                row = row.saturating_add(row_repeat);
            }
            Event::Start(e)
                if matches!(
                    e.name().as_ref(),
                    "table:table-cell" | "table:covered-table-cell"
                ) =>
            {
                let repeat = count(&e, "table:number-columns-repeated");
                let (cols_spanned, rows_spanned) = (
                    count(&e, "table:number-columns-spanned"),
                    count(&e, "table:number-rows-spanned"),
                );
                let value = cell_value(xml, &e)?;
                let t = text(&value);
                if !t.is_empty() {
                    rows = rows.max(u64::from(row) + u64::from(row_repeat));
                    cols = cols.max(u64::from(col) + u64::from(repeat));
                    if rows.saturating_mul(cols) > MAX_GRID_CELLS {
                        return Err(extent_error(name, rows, cols));
                    }
                    for k in 0..repeat {
                        row_cells.push((col.saturating_add(k), t.clone()));
                    }
                }
                if cols_spanned > 1 || rows_spanned > 1 {
                    merges.push(Dimensions {
                        start: (row, col),
                        end: (
                            row.saturating_add(rows_spanned - 1),
                            col.saturating_add(cols_spanned - 1),
                        ),
                    });
                }
                col = col.saturating_add(repeat);
            }
            Event::End(e) if e.name().as_ref() == "table:table" => break,
            Event::Eof => return Err(corrupt("content.xml ends inside a table")),
            _ => {}
        }
        buf.clear();
    }
    Ok((cells, merges))
}

/// The value of a cell whose start tag is `e`, reading up to the cell's end.
fn cell_value(xml: &mut Xml<'_>, e: &BytesStart<'_>) -> Result<Data> {
    let mut value = None;
    let mut is_string = false;
    let mut is_error = false;
    for a in e.attributes().with_checks(false).flatten() {
        let raw = || unescaped(&a.value);
        match a.key.as_ref() {
            "office:value" if value.is_none() => {
                // An unreadable number leaves the cell empty (calamine refused the file).
                value = Some(raw().trim().parse::<f64>().map_or(Data::Empty, Data::Float));
            }
            "office:string-value" if value.is_none() => value = Some(Data::String(raw())),
            "office:date-value" if value.is_none() => value = Some(Data::DateTimeIso(raw())),
            "office:time-value" if value.is_none() => value = Some(Data::DurationIso(raw())),
            "office:boolean-value" if value.is_none() => {
                let v = raw();
                value = Some(Data::Bool(v == "TRUE" || v == "true"));
            }
            "office:value-type" if value.is_none() => is_string = raw() == "string",
            "calcext:value-type" => is_error = raw() == "error",
            _ => {}
        }
    }
    let from_content = (value.is_none() && is_string)
        || (is_error && matches!(&value, Some(Data::String(s)) if s.is_empty()));
    if from_content {
        return cell_content(xml, e).map(Data::String);
    }
    let mut skip = Vec::new();
    xml.read_to_end_into(e.name(), &mut skip)
        .map_err(|err| xml_error(xml, err))?;
    Ok(value.unwrap_or(Data::Empty))
}

/// The text of a string cell: its paragraphs joined by line breaks.
fn cell_content(xml: &mut Xml<'_>, cell: &BytesStart<'_>) -> Result<String> {
    let mut s = String::new();
    let mut first_paragraph = true;
    let mut buf = Vec::new();
    let mut in_annotation = 0usize;
    loop {
        let ev = xml
            .read_event_into(&mut buf)
            .map_err(|e| xml_error(xml, e))?;
        match ev {
            Event::End(e) if e.name().as_ref() == cell.name().as_ref() => break,
            Event::Start(e) if e.name().as_ref() == "office:annotation" => in_annotation += 1,
            Event::End(e) if e.name().as_ref() == "office:annotation" => {
                in_annotation = in_annotation.saturating_sub(1);
            }
            _ if in_annotation > 0 => {}
            Event::Text(t) => s.push_str(&t.xml10_content()),
            Event::CData(t) => s.push_str(&t.xml10_content()),
            Event::GeneralRef(r) => {
                if r.is_char_ref() {
                    if let Ok(Some(c)) = r.resolve_char_ref() {
                        s.push(c);
                    }
                } else if let Some(v) =
                    quick_xml::escape::resolve_predefined_entity(&r.xml10_content())
                {
                    s.push_str(v);
                }
            }
            Event::Start(e) => match e.name().as_ref() {
                // Paragraphs after the first start on a new line.
                "text:p" if !std::mem::take(&mut first_paragraph) => s.push('\n'),
                "text:s" => {
                    let n = attr(&e, "text:c")
                        .and_then(|v| v.trim().parse::<usize>().ok())
                        .unwrap_or(1)
                        .min(10_000);
                    s.extend(std::iter::repeat_n(' ', n));
                }
                "text:tab" => s.push('\t'),
                "text:line-break" => s.push('\n'),
                _ => {}
            },
            Event::Eof => return Err(corrupt("content.xml ends inside a cell")),
            _ => {}
        }
        buf.clear();
    }
    Ok(s)
}
