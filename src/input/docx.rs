//! DOCX reader (zip + quick-xml).
//!
//! Walks `word/document.xml` in document order: one paragraph per line, table
//! rows as lines (task tables rendered like a spreadsheet's, see
//! [`super::sheet::render_task_table`]). Word automatic numbering (`w:numPr`,
//! directly or through the paragraph style) is restored as the visible label
//! (`一、`, `（一）`, `1.`, `（1）`) from `word/numbering.xml`.

use std::collections::HashMap;
use std::io::{Cursor, Read};

use quick_xml::Reader;
use quick_xml::events::{BytesStart, Event};

use super::sheet::{chinese_number, render_plain_rows, render_task_table};
use crate::error::{Error, Result};

/// Largest decompressed `word/document.xml` we accept.
const MAX_DOCUMENT_XML: u64 = 64 << 20;
/// Largest decompressed auxiliary part (numbering, styles).
const MAX_AUX_XML: u64 = 16 << 20;
/// Nesting limit for tables inside tables.
const MAX_TABLE_DEPTH: usize = 32;

/// Read a DOCX file's paragraphs and tables, in document order, as text lines.
///
/// `word/document.xml` is streamed from the zip entry through the XML reader
/// (never held whole), so memory is the text produced plus small buffers.
pub fn read(bytes: &[u8]) -> Result<String> {
    let mut zip = zip::ZipArchive::new(Cursor::new(bytes)).map_err(|e| Error::Corrupt {
        format: "docx",
        detail: format!("not a readable zip container ({e})"),
    })?;
    // Numbering and styles only restore labels: a damaged part is ignored.
    let numbering = match read_part(&mut zip, "word/numbering.xml", MAX_AUX_XML) {
        Ok(Some(x)) => parse_numbering(&x),
        Ok(None) | Err(_) => Numbering::default(),
    };
    let styles = match read_part(&mut zip, "word/styles.xml", MAX_AUX_XML) {
        Ok(Some(x)) => parse_styles(&x),
        Ok(None) | Err(_) => HashMap::new(),
    };
    let name = "word/document.xml";
    let missing = || Error::Corrupt {
        format: "docx",
        detail: "the archive has no word/document.xml".into(),
    };
    let damaged = |e: zip::result::ZipError| Error::Corrupt {
        format: "docx",
        detail: format!("{name}: {e}"),
    };
    let entry = match zip.by_name(name) {
        Ok(f) => f,
        Err(zip::result::ZipError::FileNotFound) => return Err(missing()),
        Err(e) => return Err(damaged(e)),
    };
    let mut input = std::io::BufReader::with_capacity(64 << 10, entry.take(MAX_DOCUMENT_XML + 1));
    // A UTF-16 part (rare) is transcoded whole; UTF-8 is streamed.
    let head = std::io::BufRead::fill_buf(&mut input).map_err(|e| Error::Corrupt {
        format: "docx",
        detail: format!("{name}: {e}"),
    })?;
    if matches!(head, [0xFF, 0xFE, ..] | [0xFE, 0xFF, ..]) {
        drop(input);
        let doc = read_part(&mut zip, name, MAX_DOCUMENT_XML)?.ok_or_else(missing)?;
        return render_document(
            &mut Reader::from_reader(doc.as_bytes()),
            &numbering,
            &styles,
        );
    }
    let mut reader = Reader::from_reader(input);
    let result = render_document(&mut reader, &numbering, &styles);
    // The part was cut at the limit: whatever the reader made of it, refuse.
    if reader.get_ref().get_ref().limit() == 0 {
        return Err(Error::Limit(format!(
            "{name} decompresses to more than {} MiB",
            MAX_DOCUMENT_XML >> 20
        )));
    }
    result
}

/// Read one part of the package, decompressing at most `max` bytes.
fn read_part(
    zip: &mut zip::ZipArchive<Cursor<&[u8]>>,
    name: &str,
    max: u64,
) -> Result<Option<String>> {
    let file = match zip.by_name(name) {
        Ok(f) => f,
        Err(zip::result::ZipError::FileNotFound) => return Ok(None),
        Err(e) => {
            return Err(Error::Corrupt {
                format: "docx",
                detail: format!("{name}: {e}"),
            });
        }
    };
    let mut buf = Vec::new();
    file.take(max + 1)
        .read_to_end(&mut buf)
        .map_err(|e| Error::Corrupt {
            format: "docx",
            detail: format!("{name}: {e}"),
        })?;
    if buf.len() as u64 > max {
        return Err(Error::Limit(format!(
            "{name} decompresses to more than {} MiB",
            max >> 20
        )));
    }
    Ok(Some(decode_xml(buf)))
}

/// XML parts are UTF-8 (rarely UTF-16 with a BOM).
fn decode_xml(buf: Vec<u8>) -> String {
    if let Some((enc, bom)) = encoding_rs::Encoding::for_bom(&buf) {
        return enc.decode_without_bom_handling(&buf[bom..]).0.into_owned();
    }
    match String::from_utf8(buf) {
        Ok(s) => s,
        Err(e) => String::from_utf8_lossy(e.as_bytes()).into_owned(),
    }
}

fn attr(e: &BytesStart<'_>, name: &str) -> Option<String> {
    e.try_get_attribute(name).ok().flatten().map(|a| {
        match a.normalized_value(quick_xml::XmlVersion::Implicit1_0) {
            Ok(v) => v.into_owned(),
            Err(_) => a.value.into_owned(),
        }
    })
}

fn qname(e: &BytesStart<'_>) -> String {
    e.name().as_ref().to_string()
}

// ---------------------------------------------------------------- numbering

#[derive(Debug, Clone, Default)]
struct LevelDef {
    start: u32,
    fmt: String,
    text: String,
    legal: bool,
}

#[derive(Debug, Clone, Default)]
struct NumDef {
    abstract_id: String,
    start_overrides: HashMap<u8, u32>,
    level_overrides: HashMap<u8, LevelDef>,
}

#[derive(Debug, Default)]
struct Numbering {
    abstracts: HashMap<String, HashMap<u8, LevelDef>>,
    nums: HashMap<String, NumDef>,
}

fn parse_level_index(v: Option<String>) -> u8 {
    v.and_then(|s| s.trim().parse::<u8>().ok())
        .unwrap_or(0)
        .min(8)
}

fn parse_numbering(xml: &str) -> Numbering {
    let mut n = Numbering::default();
    let mut reader = Reader::from_str(xml);
    reader.config_mut().check_end_names = false;
    let mut cur_abstract: Option<String> = None;
    let mut cur_num: Option<String> = None;
    let mut cur_override: Option<u8> = None;
    let mut cur_lvl: Option<(u8, LevelDef)> = None;
    let mut fallback_depth = 0usize;
    let mut seen_fmt = false;
    loop {
        let (e, empty) = match reader.read_event() {
            Ok(Event::Start(e)) => (e, false),
            Ok(Event::Empty(e)) => (e, true),
            Ok(Event::End(e)) => {
                let name = e.name().as_ref().to_string();
                match name.as_str() {
                    "mc:Fallback" => fallback_depth = fallback_depth.saturating_sub(1),
                    "w:lvl" => store_level(
                        &mut n,
                        &cur_abstract,
                        &cur_num,
                        cur_override,
                        cur_lvl.take(),
                    ),
                    "w:lvlOverride" => cur_override = None,
                    "w:abstractNum" => cur_abstract = None,
                    "w:num" => cur_num = None,
                    _ => {}
                }
                continue;
            }
            Ok(Event::Eof) | Err(_) => break,
            Ok(_) => continue,
        };
        let name = qname(&e);
        if name == "mc:Fallback" {
            if !empty {
                fallback_depth += 1;
            }
            continue;
        }
        if fallback_depth > 0 {
            continue;
        }
        match name.as_str() {
            "w:abstractNum" => {
                let id = attr(&e, "w:abstractNumId").unwrap_or_default();
                n.abstracts.entry(id.clone()).or_default();
                cur_abstract = Some(id);
            }
            "w:num" => {
                let id = attr(&e, "w:numId").unwrap_or_default();
                n.nums.entry(id.clone()).or_default();
                cur_num = Some(id);
            }
            "w:abstractNumId" => {
                if let Some(num) = cur_num.as_ref().and_then(|id| n.nums.get_mut(id)) {
                    num.abstract_id = attr(&e, "w:val").unwrap_or_default();
                }
            }
            "w:lvlOverride" => cur_override = Some(parse_level_index(attr(&e, "w:ilvl"))),
            "w:startOverride" => {
                if let (Some(num), Some(l)) = (
                    cur_num.as_ref().and_then(|id| n.nums.get_mut(id)),
                    cur_override,
                ) {
                    let v = attr(&e, "w:val")
                        .and_then(|v| v.trim().parse().ok())
                        .unwrap_or(1);
                    num.start_overrides.insert(l, v);
                }
            }
            "w:lvl" => {
                seen_fmt = false;
                let def = LevelDef {
                    start: 1,
                    fmt: "decimal".into(),
                    ..LevelDef::default()
                };
                cur_lvl = Some((parse_level_index(attr(&e, "w:ilvl")), def));
                if empty {
                    store_level(
                        &mut n,
                        &cur_abstract,
                        &cur_num,
                        cur_override,
                        cur_lvl.take(),
                    );
                }
            }
            "w:start" => {
                if let Some((_, d)) = cur_lvl.as_mut() {
                    d.start = attr(&e, "w:val")
                        .and_then(|v| v.trim().parse().ok())
                        .unwrap_or(1);
                }
            }
            "w:numFmt" => {
                if let Some((_, d)) = cur_lvl.as_mut()
                    && !seen_fmt
                {
                    seen_fmt = true;
                    let v = attr(&e, "w:val").unwrap_or_default();
                    d.fmt = if v == "custom" {
                        custom_format(&attr(&e, "w:format").unwrap_or_default())
                    } else {
                        v
                    };
                }
            }
            "w:lvlText" => {
                if let Some((_, d)) = cur_lvl.as_mut() {
                    d.text = attr(&e, "w:val").unwrap_or_default();
                }
            }
            "w:isLgl" => {
                if let Some((_, d)) = cur_lvl.as_mut() {
                    d.legal = attr(&e, "w:val").is_none_or(|v| v != "0" && v != "false");
                }
            }
            _ => {}
        }
    }
    n
}

fn store_level(
    n: &mut Numbering,
    cur_abstract: &Option<String>,
    cur_num: &Option<String>,
    cur_override: Option<u8>,
    lvl: Option<(u8, LevelDef)>,
) {
    let Some((ilvl, def)) = lvl else {
        return;
    };
    if let Some(a) = cur_abstract {
        n.abstracts.entry(a.clone()).or_default().insert(ilvl, def);
    } else if let (Some(num), Some(o)) = (cur_num, cur_override)
        && let Some(num) = n.nums.get_mut(num)
    {
        num.level_overrides.insert(o, def);
    }
}

/// `w:numFmt w:val="custom" w:format="一, 二, 三, ..."` (Word 2010+).
fn custom_format(f: &str) -> String {
    let f = f.trim_start();
    if f.starts_with('一') {
        "chineseCounting"
    } else if f.starts_with('壹') {
        "chineseLegalSimplified"
    } else if f.starts_with('甲') {
        "ideographTraditional"
    } else if f.starts_with('①') {
        "decimalEnclosedCircle"
    } else if f.starts_with("01") || f.starts_with("001") {
        "decimalZero"
    } else if f.starts_with('１') {
        "decimalFullWidth"
    } else {
        "decimal"
    }
    .to_string()
}

/// Format a counter value as Word would.
fn format_number(n: u32, fmt: &str) -> Option<String> {
    const CIRCLED: &str = "①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳";
    const PAREN: &str = "⑴⑵⑶⑷⑸⑹⑺⑻⑼⑽⑾⑿⒀⒁⒂⒃⒄⒅⒆⒇";
    const STOP: &str = "⒈⒉⒊⒋⒌⒍⒎⒏⒐⒑⒒⒓⒔⒕⒖⒗⒘⒙⒚⒛";
    const TIANGAN: &str = "甲乙丙丁戊己庚辛壬癸";
    const DIZHI: &str = "子丑寅卯辰巳午未申酉戌亥";
    let nth = |set: &str| -> String {
        set.chars()
            .nth((n as usize).wrapping_sub(1))
            .map(String::from)
            .unwrap_or_else(|| n.to_string())
    };
    if n > 100_000 && fmt != "bullet" {
        return Some(n.to_string());
    }
    Some(match fmt {
        "bullet" => return None,
        "none" => String::new(),
        "decimalZero" => format!("{n:02}"),
        "decimalFullWidth" | "decimalFullWidth2" => n
            .to_string()
            .chars()
            .map(|c| char::from_u32(c as u32 - '0' as u32 + '０' as u32).unwrap_or(c))
            .collect(),
        "decimalEnclosedCircle" | "decimalEnclosedCircleChinese" => nth(CIRCLED),
        "decimalEnclosedParen" => nth(PAREN),
        "decimalEnclosedFullstop" => nth(STOP),
        "chineseCounting"
        | "chineseCountingThousand"
        | "taiwaneseCounting"
        | "taiwaneseCountingThousand"
        | "japaneseCounting"
        | "koreanCounting" => chinese_number(n),
        "ideographDigital" | "taiwaneseDigital" | "japaneseDigitalTenThousand" => n
            .to_string()
            .chars()
            .map(|c| match c {
                '0' => '〇',
                d => chinese_number(d as u32 - '0' as u32)
                    .chars()
                    .next()
                    .unwrap_or(d),
            })
            .collect(),
        "chineseLegalSimplified" | "ideographLegalTraditional" | "japaneseLegal" => {
            chinese_number(n)
                .chars()
                .map(|c| match c {
                    '一' => '壹',
                    '二' => '贰',
                    '三' => '叁',
                    '四' => '肆',
                    '五' => '伍',
                    '六' => '陆',
                    '七' => '柒',
                    '八' => '捌',
                    '九' => '玖',
                    '十' => '拾',
                    '百' => '佰',
                    c => c,
                })
                .collect()
        }
        "ideographTraditional" => nth(TIANGAN),
        "ideographZodiac" | "ideographZodiacTraditional" => nth(DIZHI),
        "lowerLetter" | "upperLetter" => {
            let base = if fmt == "lowerLetter" { b'a' } else { b'A' };
            let n = n.max(1) - 1;
            let ch = (base + (n % 26) as u8) as char;
            std::iter::repeat_n(ch, (n / 26) as usize + 1).collect()
        }
        "lowerRoman" | "upperRoman" => {
            let r = roman(n);
            if fmt == "lowerRoman" {
                r.to_lowercase()
            } else {
                r
            }
        }
        _ => n.to_string(),
    })
}

fn roman(mut n: u32) -> String {
    if n == 0 || n >= 4000 {
        return n.to_string();
    }
    const T: [(u32, &str); 13] = [
        (1000, "M"),
        (900, "CM"),
        (500, "D"),
        (400, "CD"),
        (100, "C"),
        (90, "XC"),
        (50, "L"),
        (40, "XL"),
        (10, "X"),
        (9, "IX"),
        (5, "V"),
        (4, "IV"),
        (1, "I"),
    ];
    let mut s = String::new();
    for (v, r) in T {
        while n >= v {
            s.push_str(r);
            n -= v;
        }
    }
    s
}

/// Running list counters. Word shares counters between `w:num`s that point to
/// the same abstract definition, unless a `w:startOverride` restarts them.
#[derive(Default)]
struct Counters {
    by_abstract: HashMap<String, [Option<u32>; 9]>,
    used_nums: std::collections::HashSet<String>,
}

impl Counters {
    /// The visible label of a paragraph numbered `num_id` at level `ilvl`.
    fn label(&mut self, numbering: &Numbering, num_id: &str, ilvl: u8) -> Option<String> {
        let num = numbering.nums.get(num_id)?;
        let abs = numbering.abstracts.get(&num.abstract_id);
        let level_def = |l: u8| -> Option<&LevelDef> {
            num.level_overrides
                .get(&l)
                .or_else(|| abs.and_then(|a| a.get(&l)))
        };
        let def = level_def(ilvl)?;
        let key = num.abstract_id.clone();
        let counters = self.by_abstract.entry(key).or_insert([None; 9]);
        if self.used_nums.insert(num_id.to_string()) {
            for (l, v) in &num.start_overrides {
                // The override applies the first time this list instance is used.
                counters[*l as usize] = Some(v.saturating_sub(1));
            }
        }
        let i = ilvl as usize;
        counters[i] = Some(match counters[i] {
            Some(v) => v.saturating_add(1),
            None => def.start,
        });
        for c in counters.iter_mut().skip(i + 1) {
            *c = None;
        }
        let fmt = if def.fmt == "bullet" {
            return None;
        } else {
            def.fmt.as_str()
        };
        let mut out = String::new();
        let mut chars = def.text.chars().peekable();
        while let Some(c) = chars.next() {
            if c == '%'
                && let Some(d) = chars.peek().and_then(|d| d.to_digit(10))
                && (1..=9).contains(&d)
            {
                chars.next();
                let l = (d - 1) as u8;
                let value = counters[l as usize]
                    .or_else(|| level_def(l).map(|d| d.start))
                    .unwrap_or(1);
                let lfmt = if l == ilvl {
                    fmt.to_string()
                } else {
                    level_def(l).map(|d| d.fmt.clone()).unwrap_or_default()
                };
                let lfmt = if def.legal { "decimal" } else { lfmt.as_str() };
                out.push_str(&format_number(value, lfmt).unwrap_or_default());
            } else {
                out.push(c);
            }
        }
        Some(out)
    }
}

// ------------------------------------------------------------------- styles

#[derive(Debug, Default, Clone)]
struct StyleDef {
    based_on: Option<String>,
    num_id: Option<String>,
    ilvl: Option<u8>,
}

fn parse_styles(xml: &str) -> HashMap<String, StyleDef> {
    let mut out = HashMap::new();
    let mut reader = Reader::from_str(xml);
    reader.config_mut().check_end_names = false;
    let mut cur: Option<(String, StyleDef)> = None;
    let mut in_ppr = false;
    loop {
        match reader.read_event() {
            Ok(Event::Start(e)) | Ok(Event::Empty(e)) => match e.name().as_ref() {
                "w:style" => {
                    if let Some((id, d)) = cur.take() {
                        out.insert(id, d);
                    }
                    cur = attr(&e, "w:styleId").map(|id| (id, StyleDef::default()));
                }
                "w:pPr" => in_ppr = true,
                "w:basedOn" => {
                    if let Some((_, d)) = cur.as_mut() {
                        d.based_on = attr(&e, "w:val");
                    }
                }
                "w:numId" if in_ppr => {
                    if let Some((_, d)) = cur.as_mut() {
                        d.num_id = attr(&e, "w:val");
                    }
                }
                "w:ilvl" if in_ppr => {
                    if let Some((_, d)) = cur.as_mut() {
                        d.ilvl = Some(parse_level_index(attr(&e, "w:val")));
                    }
                }
                _ => {}
            },
            Ok(Event::End(e)) => match e.name().as_ref() {
                "w:style" => {
                    if let Some((id, d)) = cur.take() {
                        out.insert(id, d);
                    }
                }
                "w:pPr" => in_ppr = false,
                _ => {}
            },
            Ok(Event::Eof) | Err(_) => break,
            Ok(_) => {}
        }
    }
    out
}

/// Numbering a paragraph style gives (following `w:basedOn`).
fn style_numbering(styles: &HashMap<String, StyleDef>, id: &str) -> (Option<String>, Option<u8>) {
    let mut num = None;
    let mut ilvl = None;
    let mut cur = Some(id.to_string());
    for _ in 0..16 {
        let Some(s) = cur.as_ref().and_then(|c| styles.get(c)) else {
            break;
        };
        if num.is_none() {
            num.clone_from(&s.num_id);
        }
        if ilvl.is_none() {
            ilvl = s.ilvl;
        }
        cur.clone_from(&s.based_on);
    }
    (num, ilvl)
}

// ----------------------------------------------------------------- document

#[derive(Default)]
struct Para {
    text: String,
    style: Option<String>,
    num_id: Option<String>,
    ilvl: Option<u8>,
}

#[derive(Default)]
struct Cell {
    text: String,
    span: usize,
    /// `Some(true)` = restart, `Some(false)` = continues the cell above.
    vmerge: Option<bool>,
}

#[derive(Default)]
struct Table {
    rows: Vec<(usize, Vec<Cell>)>,
    row: Option<(usize, Vec<Cell>)>,
    cell: Option<Cell>,
}

impl Table {
    /// Lay the rows out on the grid, filling merged cells down and right.
    fn grid(self) -> Vec<Vec<String>> {
        let mut grid: Vec<Vec<String>> = Vec::new();
        for (before, cells) in self.rows {
            let mut row: Vec<String> = vec![String::new(); before];
            for cell in cells {
                let col = row.len();
                let text = if cell.vmerge == Some(false) {
                    grid.last()
                        .and_then(|r| r.get(col))
                        .cloned()
                        .unwrap_or_default()
                } else {
                    cell.text
                };
                for _ in 0..cell.span.clamp(1, 64) {
                    row.push(text.clone());
                }
            }
            grid.push(row);
        }
        grid
    }
}

struct Walker<'a> {
    numbering: &'a Numbering,
    styles: &'a HashMap<String, StyleDef>,
    counters: Counters,
    /// The document's text so far, one line per paragraph or table row.
    lines: String,
    paras: Vec<Para>,
    tables: Vec<Table>,
    in_t: bool,
    in_ppr: usize,
    in_tcpr: bool,
    in_trpr: bool,
    /// Depth inside subtrees whose text is not shown (mc:Fallback, w:pPrChange…).
    skip: usize,
}

impl Walker<'_> {
    fn sink(&mut self, line: String) {
        if let Some(t) = self.tables.last_mut()
            && let Some(cell) = t.cell.as_mut()
        {
            if !cell.text.is_empty() {
                cell.text.push('\n');
            }
            cell.text.push_str(&line);
            return;
        }
        self.lines.push_str(&line);
        self.lines.push('\n');
    }

    fn push_text(&mut self, s: &str) {
        if let Some(p) = self.paras.last_mut() {
            p.text.push_str(s);
        }
    }

    fn start(&mut self, e: &BytesStart<'_>, empty: bool) -> Result<()> {
        let name = qname(e);
        if matches!(
            name.as_str(),
            "mc:Fallback"
                | "w:pPrChange"
                | "w:rPrChange"
                | "w:del"
                | "w:instrText"
                | "w:delInstrText"
        ) {
            if !empty {
                self.skip += 1;
            }
            return Ok(());
        }
        if self.skip > 0 {
            return Ok(());
        }
        match name.as_str() {
            "w:p" => {
                self.paras.push(Para::default());
                if empty {
                    self.end_para();
                }
            }
            "w:pPr" if !empty => self.in_ppr += 1,
            "w:pStyle" if self.in_ppr > 0 => {
                if let Some(p) = self.paras.last_mut() {
                    p.style = attr(e, "w:val");
                }
            }
            "w:numId" if self.in_ppr > 0 => {
                if let Some(p) = self.paras.last_mut() {
                    p.num_id = attr(e, "w:val");
                }
            }
            "w:ilvl" if self.in_ppr > 0 => {
                if let Some(p) = self.paras.last_mut() {
                    p.ilvl = Some(parse_level_index(attr(e, "w:val")));
                }
            }
            "w:t" if !empty => self.in_t = true,
            "w:tab" if self.in_ppr == 0 => self.push_text(" "),
            "w:br" | "w:cr" if self.in_ppr == 0 => self.push_text("\n"),
            "w:noBreakHyphen" => self.push_text("-"),
            "w:tbl" => {
                if self.tables.len() >= MAX_TABLE_DEPTH {
                    return Err(Error::Limit(format!(
                        "tables nested more than {MAX_TABLE_DEPTH} deep"
                    )));
                }
                self.tables.push(Table::default());
                if empty {
                    self.end_table();
                }
            }
            "w:tr" => {
                if let Some(t) = self.tables.last_mut() {
                    t.row = Some((0, Vec::new()));
                    if empty {
                        t.rows.extend(t.row.take());
                    }
                }
            }
            "w:trPr" if !empty => self.in_trpr = true,
            "w:gridBefore" if self.in_trpr => {
                let n = attr(e, "w:val")
                    .and_then(|v| v.parse::<usize>().ok())
                    .unwrap_or(0);
                if let Some((before, _)) = self.tables.last_mut().and_then(|t| t.row.as_mut()) {
                    *before = n.min(64);
                }
            }
            "w:tc" => {
                if let Some(t) = self.tables.last_mut() {
                    t.cell = Some(Cell {
                        span: 1,
                        ..Cell::default()
                    });
                    if empty {
                        self.end_cell();
                    }
                }
            }
            "w:tcPr" if !empty => self.in_tcpr = true,
            "w:gridSpan" if self.in_tcpr => {
                let n = attr(e, "w:val")
                    .and_then(|v| v.parse::<usize>().ok())
                    .unwrap_or(1);
                if let Some(c) = self.tables.last_mut().and_then(|t| t.cell.as_mut()) {
                    c.span = n;
                }
            }
            "w:vMerge" if self.in_tcpr => {
                let restart = attr(e, "w:val").is_some_and(|v| v == "restart");
                if let Some(c) = self.tables.last_mut().and_then(|t| t.cell.as_mut()) {
                    c.vmerge = Some(restart);
                }
            }
            _ => {}
        }
        Ok(())
    }

    fn end(&mut self, name: &str) {
        if matches!(
            name,
            "mc:Fallback"
                | "w:pPrChange"
                | "w:rPrChange"
                | "w:del"
                | "w:instrText"
                | "w:delInstrText"
        ) {
            self.skip = self.skip.saturating_sub(1);
            return;
        }
        if self.skip > 0 {
            return;
        }
        match name {
            "w:p" => self.end_para(),
            "w:pPr" => self.in_ppr = self.in_ppr.saturating_sub(1),
            "w:t" => self.in_t = false,
            "w:trPr" => self.in_trpr = false,
            "w:tcPr" => self.in_tcpr = false,
            "w:tc" => self.end_cell(),
            "w:tr" => {
                if let Some(t) = self.tables.last_mut() {
                    if t.cell.is_some() {
                        self.end_cell();
                    }
                    if let Some(t) = self.tables.last_mut() {
                        t.rows.extend(t.row.take());
                    }
                }
            }
            "w:tbl" => self.end_table(),
            _ => {}
        }
    }

    fn end_para(&mut self) {
        let Some(p) = self.paras.pop() else {
            return;
        };
        let (style_num, style_lvl) = p
            .style
            .as_deref()
            .map(|s| style_numbering(self.styles, s))
            .unwrap_or((None, None));
        let num_id = p.num_id.or(style_num);
        let ilvl = p.ilvl.or(style_lvl).unwrap_or(0);
        let label = match num_id.as_deref() {
            Some(id) if id != "0" && !p.text.trim().is_empty() => {
                self.counters.label(self.numbering, id, ilvl)
            }
            _ => None,
        };
        let line = match label {
            Some(l) if !l.is_empty() => {
                let sep = if l.ends_with(['、', '.', '．', ')', '）', ':', '：', ' ', '\u{3000}'])
                {
                    ""
                } else {
                    " "
                };
                format!("{l}{sep}{}", p.text)
            }
            _ => p.text,
        };
        self.sink(line);
    }

    fn end_cell(&mut self) {
        // Paragraphs left open inside the cell (malformed input) end with it.
        if let Some(t) = self.tables.last_mut()
            && let Some(cell) = t.cell.take()
        {
            match t.row.as_mut() {
                Some((_, cells)) => cells.push(cell),
                None => t.row = Some((0, vec![cell])),
            }
        }
    }

    fn end_table(&mut self) {
        let Some(mut t) = self.tables.pop() else {
            return;
        };
        if let Some(c) = t.cell.take() {
            match t.row.as_mut() {
                Some((_, cells)) => cells.push(c),
                None => t.row = Some((0, vec![c])),
            }
        }
        t.rows.extend(t.row.take());
        let grid = t.grid();
        let text = render_task_table(&grid).unwrap_or_else(|| render_plain_rows(&grid));
        for line in text.lines() {
            self.sink(line.to_string());
        }
    }
}

fn render_document<R: std::io::BufRead>(
    reader: &mut Reader<R>,
    numbering: &Numbering,
    styles: &HashMap<String, StyleDef>,
) -> Result<String> {
    reader.config_mut().check_end_names = false;
    let mut buf = Vec::new();
    let mut w = Walker {
        numbering,
        styles,
        counters: Counters::default(),
        lines: String::new(),
        paras: Vec::new(),
        tables: Vec::new(),
        in_t: false,
        in_ppr: 0,
        in_tcpr: false,
        in_trpr: false,
        skip: 0,
    };
    loop {
        buf.clear();
        let ev = reader
            .read_event_into(&mut buf)
            .map_err(|e| Error::Corrupt {
                format: "docx",
                detail: format!(
                    "word/document.xml is not well-formed XML at byte {}: {e}",
                    reader.error_position()
                ),
            })?;
        match ev {
            Event::Start(e) => w.start(&e, false)?,
            Event::Empty(e) => w.start(&e, true)?,
            Event::End(e) => w.end(e.name().as_ref()),
            Event::Text(t) if w.in_t && w.skip == 0 => {
                let s = t.xml10_content();
                w.push_text(&s);
            }
            Event::CData(t) if w.in_t && w.skip == 0 => {
                let s = t.xml10_content();
                w.push_text(&s);
            }
            Event::GeneralRef(r) if w.in_t && w.skip == 0 => {
                if r.is_char_ref() {
                    if let Ok(Some(c)) = r.resolve_char_ref() {
                        w.push_text(c.encode_utf8(&mut [0; 4]));
                    }
                } else {
                    let name = r.xml10_content();
                    if let Some(s) = quick_xml::escape::resolve_predefined_entity(&name) {
                        w.push_text(s);
                    }
                }
            }
            Event::Eof => break,
            _ => {}
        }
    }
    // Close anything left open by a truncated document.
    while !w.paras.is_empty() {
        w.end_para();
    }
    while !w.tables.is_empty() {
        w.end_table();
    }
    Ok(w.lines)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    const W: &str = r#"xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main""#;

    fn docx(document_body: &str, numbering: Option<&str>) -> Vec<u8> {
        let mut buf = Cursor::new(Vec::new());
        {
            let mut z = zip::ZipWriter::new(&mut buf);
            let opts = zip::write::SimpleFileOptions::default()
                .compression_method(zip::CompressionMethod::Deflated);
            z.start_file("[Content_Types].xml", opts).unwrap();
            z.write_all(b"<Types/>").unwrap();
            z.start_file("word/document.xml", opts).unwrap();
            write!(
                z,
                r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:document {W}><w:body>{document_body}</w:body></w:document>"#
            )
            .unwrap();
            if let Some(n) = numbering {
                z.start_file("word/numbering.xml", opts).unwrap();
                write!(
                    z,
                    r#"<?xml version="1.0"?><w:numbering {W}>{n}</w:numbering>"#
                )
                .unwrap();
            }
            z.finish().unwrap();
        }
        buf.into_inner()
    }

    fn p(text: &str) -> String {
        format!(r#"<w:p><w:r><w:t xml:space="preserve">{text}</w:t></w:r></w:p>"#)
    }

    fn np(num: u32, lvl: u32, text: &str) -> String {
        format!(
            r#"<w:p><w:pPr><w:numPr><w:ilvl w:val="{lvl}"/><w:numId w:val="{num}"/></w:numPr></w:pPr><w:r><w:t>{text}</w:t></w:r></w:p>"#
        )
    }

    const NUMBERING: &str = r#"
<w:abstractNum w:abstractNumId="0">
  <w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="chineseCounting"/><w:lvlText w:val="%1、"/></w:lvl>
  <w:lvl w:ilvl="1"><w:start w:val="1"/><w:numFmt w:val="chineseCountingThousand"/><w:lvlText w:val="（%2）"/></w:lvl>
  <w:lvl w:ilvl="2"><w:start w:val="1"/><w:numFmt w:val="decimal"/><w:lvlText w:val="%3."/></w:lvl>
  <w:lvl w:ilvl="3"><w:start w:val="1"/><w:numFmt w:val="decimal"/><w:lvlText w:val="（%4）"/></w:lvl>
</w:abstractNum>
<w:abstractNum w:abstractNumId="1">
  <w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="ideographTraditional"/><w:lvlText w:val="%1."/></w:lvl>
</w:abstractNum>
<w:num w:numId="1"><w:abstractNumId w:val="0"/></w:num>
<w:num w:numId="2"><w:abstractNumId w:val="1"/></w:num>"#;

    #[test]
    fn restores_automatic_numbering_with_restarts() {
        let body = [
            p("标题"),
            np(1, 0, "主要指标分工"),
            np(1, 2, "全省市场主体数量达到 850 万户。"),
            np(1, 2, "建立社会公用计量标准 3000 项。"),
            np(1, 0, "主要任务分工"),
            np(1, 1, "营造宽松便利的市场准入环境"),
            np(1, 2, "完善商事主体准入制度。"),
            np(1, 3, "细项"),
            np(1, 1, "维护公平竞争的市场秩序"),
            np(1, 2, "大力实施公平竞争政策。"),
            np(2, 0, "甲项"),
            np(2, 0, "乙项"),
        ]
        .concat();
        let text = read(&docx(&body, Some(NUMBERING))).unwrap();
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(
            lines,
            vec![
                "标题",
                "一、主要指标分工",
                "1.全省市场主体数量达到 850 万户。",
                "2.建立社会公用计量标准 3000 项。",
                "二、主要任务分工",
                "（一）营造宽松便利的市场准入环境",
                "1.完善商事主体准入制度。",
                "（1）细项",
                "（二）维护公平竞争的市场秩序",
                "1.大力实施公平竞争政策。",
                "甲.甲项",
                "乙.乙项",
            ]
        );
    }

    #[test]
    fn runs_entities_tabs_and_breaks() {
        let body = r#"<w:p><w:r><w:t>A &amp; B</w:t></w:r><w:r><w:tab/><w:t xml:space="preserve"> C </w:t></w:r><w:r><w:br/><w:t>&#x4E00;行</w:t></w:r></w:p>
<w:p><w:pPr><w:tabs><w:tab w:val="left" w:pos="420"/></w:tabs></w:pPr><w:r><w:t>省局</w:t></w:r><w:r><w:t>注册处</w:t></w:r></w:p>
<w:p><w:r><w:delText>deleted</w:delText><w:t>kept</w:t></w:r></w:p>"#;
        let text = read(&docx(body, None)).unwrap();
        assert_eq!(text, "A & B  C \n一行\n省局注册处\nkept\n");
    }

    #[test]
    fn tables_plain_and_task() {
        let cell = |t: &str| format!("<w:tc>{}</w:tc>", p(t));
        let plain = format!(
            "<w:tbl><w:tr>{}{}</w:tr><w:tr>{}{}</w:tr></w:tbl>",
            cell("甲"),
            cell("乙"),
            cell("丙"),
            cell("丁")
        );
        let merged_units = r#"<w:tc><w:tcPr><w:vMerge w:val="restart"/></w:tcPr><w:p><w:r><w:t>省局注册处</w:t></w:r></w:p></w:tc>"#;
        let merged_cont = r#"<w:tc><w:tcPr><w:vMerge/></w:tcPr><w:p/></w:tc>"#;
        let task = format!(
            "<w:tbl><w:tr>{}{}{}</w:tr><w:tr>{}{}{}</w:tr><w:tr>{}{}{}</w:tr></w:tbl>",
            cell("序号"),
            cell("重点任务"),
            cell("牵头单位"),
            cell("1"),
            cell("任务一"),
            merged_units,
            cell("2"),
            cell("任务二"),
            merged_cont,
        );
        let body = format!("{}{plain}{}{task}", p("前言"), p("中间"));
        let text = read(&docx(&body, None)).unwrap();
        assert_eq!(
            text,
            "前言\n甲 乙\n丙 丁\n中间\n1.任务一（牵头单位：省局注册处）\n2.任务二（牵头单位：省局注册处）\n"
        );
    }

    #[test]
    fn damaged_inputs_are_errors() {
        assert!(matches!(read(b"not a zip"), Err(Error::Corrupt { .. })));
        let mut buf = Cursor::new(Vec::new());
        {
            let mut z = zip::ZipWriter::new(&mut buf);
            z.start_file("other.xml", zip::write::SimpleFileOptions::default())
                .unwrap();
            z.write_all(b"<x/>").unwrap();
            z.finish().unwrap();
        }
        assert!(matches!(
            read(&buf.into_inner()),
            Err(Error::Corrupt { .. })
        ));
        // Malformed XML.
        let bad = docx(
            r#"<w:p><w:r><w:t>x</w:t></w:r></w:p><w:p w:rsidR="00"#,
            None,
        );
        assert!(matches!(read(&bad), Err(Error::Corrupt { .. })));
        // Unbalanced but parseable markup is read leniently, never a panic.
        let odd = docx("<w:tc><w:p><w:r><w:t>x</w:t></w:r></w:tbl></w:tr>", None);
        assert!(read(&odd).is_ok());
    }

    #[test]
    fn zip_bomb_is_a_limit_error() {
        let mut buf = Cursor::new(Vec::new());
        {
            let mut z = zip::ZipWriter::new(&mut buf);
            let opts = zip::write::SimpleFileOptions::default()
                .compression_method(zip::CompressionMethod::Deflated)
                .large_file(true);
            z.start_file("word/document.xml", opts).unwrap();
            let chunk = vec![b' '; 1 << 20];
            for _ in 0..65 {
                z.write_all(&chunk).unwrap();
            }
            z.finish().unwrap();
        }
        let bytes = buf.into_inner();
        assert!(bytes.len() < 1 << 20);
        assert!(matches!(read(&bytes), Err(Error::Limit(_))));
    }

    #[test]
    fn number_formats() {
        assert_eq!(format_number(12, "chineseCounting").unwrap(), "十二");
        assert_eq!(format_number(3, "chineseLegalSimplified").unwrap(), "叁");
        assert_eq!(format_number(2, "decimalEnclosedCircle").unwrap(), "②");
        assert_eq!(format_number(4, "lowerRoman").unwrap(), "iv");
        assert_eq!(format_number(28, "upperLetter").unwrap(), "BB");
        assert_eq!(format_number(10, "ideographDigital").unwrap(), "一〇");
        assert!(format_number(1, "bullet").is_none());
    }

    #[test]
    fn seed_fixture_gives_back_every_item() {
        crate::input::sheet::check_seed_fixture("seed.docx", read);
    }
}
