//! PDF reader (lopdf): the text layer, page by page.
//!
//! lopdf's own `extract_text` starts a new line at every text object, which
//! for office-generated PDFs means one line per font run (a number label, a
//! run of digits…). Instead the content stream is interpreted here far enough
//! to know where each string is drawn: strings on one baseline form a line,
//! and lines that run to the right margin continue into the next line (a
//! visual wrap) unless it is indented or starts with a number label. Running
//! headers and footers (the same on most pages, digits aside) and bare page
//! numbers (`- 3 -`, `— 3 —`, `第3页`) are removed; pages are joined with a
//! blank line. A page the interpreter cannot read falls back on lopdf's text.

use std::collections::HashMap;
use std::panic::{AssertUnwindSafe, catch_unwind};

use lopdf::content::Content;
use lopdf::{Dictionary, Document, Encoding, Object, ObjectId};

use crate::error::{Error, Result};

/// Largest decompressed content stream per page.
const MAX_PAGE_CONTENT: usize = 64 << 20;
/// Most pages read.
const MAX_PAGES: usize = 5_000;
/// Most text runs kept per page.
const MAX_RUNS_PER_PAGE: usize = 200_000;

/// Extract the text layer of a PDF, in reading order.
pub fn read(bytes: &[u8]) -> Result<String> {
    let pages = match catch_unwind(AssertUnwindSafe(|| extract_pages(bytes))) {
        Ok(r) => r?,
        Err(_) => {
            return Err(Error::Corrupt {
                format: "pdf",
                detail: "the PDF reader failed on this file (malformed structure)".into(),
            });
        }
    };
    Ok(assemble(pages))
}

// ------------------------------------------------------------ page reading

/// A line of text on a page, with its geometry (PDF user space, y upwards).
#[derive(Debug, Clone)]
struct Line {
    y: f32,
    x0: f32,
    x1: f32,
    size: f32,
    text: String,
}

fn extract_pages(bytes: &[u8]) -> Result<Vec<Vec<Line>>> {
    let doc = Document::load_mem(bytes).map_err(|e| Error::Corrupt {
        format: "pdf",
        detail: match e {
            lopdf::Error::Decryption(_) | lopdf::Error::InvalidPassword => {
                "the PDF is encrypted with a password: remove the protection first (e.g. `qpdf --decrypt --password=PW in.pdf out.pdf`)".to_string()
            }
            other => format!("cannot parse the PDF ({other})"),
        },
    })?;
    if doc.is_encrypted() {
        return Err(Error::Corrupt {
            format: "pdf",
            detail: "the PDF is encrypted and could not be decrypted: remove the protection first (e.g. `qpdf --decrypt in.pdf out.pdf`)".into(),
        });
    }
    let pages = doc.get_pages();
    if pages.len() > MAX_PAGES {
        return Err(Error::Limit(format!(
            "the PDF has {} pages (at most {MAX_PAGES} are read)",
            pages.len()
        )));
    }
    // The page tree is walked once (above): lopdf's own text extraction
    // walks it again for every page it is asked about, which made a
    // 4,999-page PDF take 7.4 s.
    let mut out = Vec::with_capacity(pages.len());
    for (&number, &id) in &pages {
        let lines = match page_lines(&doc, id) {
            // Text the interpreter does not reach (codes of odd lengths in a
            // CMap) is still in the whole-string decoding of the same page.
            Ok((lines, fallback)) => {
                if significant(&fallback) > significant(&lines) * 3 / 2 + 10 {
                    fallback
                } else {
                    lines
                }
            }
            Err(PageError::Other) => Vec::new(),
            Err(PageError::Limit) => {
                return Err(Error::Limit(format!(
                    "page {number} of the PDF decompresses to more than {} MiB",
                    MAX_PAGE_CONTENT >> 20
                )));
            }
        };
        out.push(lines);
    }
    Ok(out)
}

enum PageError {
    Limit,
    Other,
}

/// Letters, digits and CJK characters in the lines.
fn significant(lines: &[Line]) -> usize {
    lines
        .iter()
        .map(|l| l.text.chars().filter(|c| c.is_alphanumeric()).count())
        .sum()
}

/// The page's text decoded string by string (each shown string through its
/// font's encoding as a whole, the way lopdf extracts text), one line per
/// text object, no geometry.
fn fallback_lines(content: &Content, fonts: &HashMap<Vec<u8>, FontInfo<'_>>) -> Vec<Line> {
    let mut text = String::new();
    let mut font: Option<&FontInfo<'_>> = None;
    let show = |text: &mut String, font: Option<&FontInfo<'_>>, o: &Object| {
        let Some(enc) = font.and_then(|f| f.encoding.as_ref()) else {
            return;
        };
        match o {
            Object::String(bytes, _) => {
                let _ = enc.write_to_string(bytes, text);
            }
            Object::Array(items) => {
                for item in items {
                    match item {
                        Object::String(bytes, _) => {
                            let _ = enc.write_to_string(bytes, text);
                        }
                        Object::Integer(i) if *i < -100 => text.push(' '),
                        _ => {}
                    }
                }
                text.push(' ');
            }
            _ => {}
        }
    };
    for op in &content.operations {
        let o = &op.operands;
        match op.operator.as_str() {
            "Tf" => {
                font = o
                    .first()
                    .and_then(|f| f.as_name().ok())
                    .and_then(|n| fonts.get(n))
            }
            "Tj" | "TJ" => {
                if let Some(x) = o.first() {
                    show(&mut text, font, x);
                }
            }
            "'" | "\"" => {
                text.push('\n');
                if let Some(x) = o.last() {
                    show(&mut text, font, x);
                }
            }
            "T*" | "ET" => text.push('\n'),
            _ => {}
        }
        if text.len() > MAX_PAGE_CONTENT {
            break;
        }
    }
    text.lines()
        .map(|l| l.trim())
        .filter(|l| !l.is_empty())
        .map(|l| Line {
            y: 0.0,
            x0: 0.0,
            x1: 0.0,
            size: 0.0,
            text: l.to_string(),
        })
        .collect()
}

/// What is needed of a font: how to decode its codes and how wide they are.
struct FontInfo<'a> {
    encoding: Option<Encoding<'a>>,
    two_byte: bool,
    first_char: u32,
    widths: Vec<f32>,
    cid_widths: HashMap<u32, f32>,
    default_width: Option<f32>,
}

fn num(o: &Object) -> Option<f32> {
    o.as_float().ok().filter(|v| v.is_finite())
}

fn deref<'a>(doc: &'a Document, o: &'a Object) -> &'a Object {
    doc.dereference(o).map(|(_, o)| o).unwrap_or(o)
}

fn font_info<'a>(doc: &'a Document, font: &'a Dictionary) -> FontInfo<'a> {
    let encoding = font
        .get_font_encoding_with_limit(doc, MAX_PAGE_CONTENT)
        .ok();
    let two_byte = font
        .get(b"Subtype")
        .and_then(Object::as_name)
        .is_ok_and(|s| s == b"Type0");
    let mut info = FontInfo {
        encoding,
        two_byte,
        first_char: 0,
        widths: Vec::new(),
        cid_widths: HashMap::new(),
        default_width: None,
    };
    if two_byte {
        let desc = font
            .get(b"DescendantFonts")
            .map(|o| deref(doc, o))
            .and_then(Object::as_array)
            .ok()
            .and_then(|a| a.first())
            .map(|o| deref(doc, o))
            .and_then(|o| o.as_dict().ok());
        if let Some(desc) = desc {
            info.default_width = Some(desc.get(b"DW").ok().and_then(num).unwrap_or(1000.0));
            if let Ok(w) = desc
                .get(b"W")
                .map(|o| deref(doc, o))
                .and_then(Object::as_array)
            {
                let mut i = 0;
                while i < w.len() && info.cid_widths.len() < 70_000 {
                    let Some(first) = num(deref(doc, &w[i])) else {
                        break;
                    };
                    let first = first as u32;
                    match w.get(i + 1).map(|o| deref(doc, o)) {
                        Some(Object::Array(ws)) => {
                            for (k, v) in ws.iter().enumerate() {
                                if let Some(v) = num(deref(doc, v)) {
                                    info.cid_widths.insert(first.saturating_add(k as u32), v);
                                }
                            }
                            i += 2;
                        }
                        Some(last) => {
                            let last = num(last).unwrap_or(0.0) as u32;
                            let v = w
                                .get(i + 2)
                                .and_then(|o| num(deref(doc, o)))
                                .unwrap_or(1000.0);
                            for c in first..=last.min(first.saturating_add(65_535)) {
                                info.cid_widths.insert(c, v);
                            }
                            i += 3;
                        }
                        None => break,
                    }
                }
            }
        }
    } else {
        info.first_char = font.get(b"FirstChar").ok().and_then(num).unwrap_or(0.0) as u32;
        if let Ok(ws) = font
            .get(b"Widths")
            .map(|o| deref(doc, o))
            .and_then(Object::as_array)
        {
            info.widths = ws
                .iter()
                .take(256)
                .map(|o| num(deref(doc, o)).unwrap_or(0.0))
                .collect();
        }
    }
    info
}

impl FontInfo<'_> {
    /// Width of glyph `code` in 1/1000 text space units, if the font says.
    fn width(&self, code: u32) -> Option<f32> {
        if self.two_byte {
            self.cid_widths.get(&code).copied().or(self.default_width)
        } else {
            let i = code.checked_sub(self.first_char)? as usize;
            self.widths.get(i).copied().filter(|w| *w > 0.0)
        }
    }

    fn decode(&self, code: &[u8]) -> String {
        match &self.encoding {
            Some(e) => e.bytes_to_string(code).unwrap_or_default(),
            None => String::new(),
        }
    }
}

/// Estimated advance (1/1000 em) of text whose font gives no widths.
fn estimated_width(s: &str) -> f32 {
    s.chars()
        .map(|c| {
            if c == ' ' {
                250.0
            } else if (c as u32) >= 0x2E80 {
                1000.0
            } else {
                500.0
            }
        })
        .sum()
}

type Matrix = [f32; 6];
const IDENTITY: Matrix = [1.0, 0.0, 0.0, 1.0, 0.0, 0.0];

fn mul(m1: &Matrix, m2: &Matrix) -> Matrix {
    [
        m1[0] * m2[0] + m1[1] * m2[2],
        m1[0] * m2[1] + m1[1] * m2[3],
        m1[2] * m2[0] + m1[3] * m2[2],
        m1[2] * m2[1] + m1[3] * m2[3],
        m1[4] * m2[0] + m1[5] * m2[2] + m2[4],
        m1[4] * m2[1] + m1[5] * m2[3] + m2[5],
    ]
}

fn translate(tx: f32, ty: f32) -> Matrix {
    [1.0, 0.0, 0.0, 1.0, tx, ty]
}

/// A string drawn on the page.
#[derive(Debug, Clone)]
struct Run {
    x: f32,
    y: f32,
    x_end: f32,
    size: f32,
    text: String,
}

#[derive(Clone)]
struct GState {
    ctm: Matrix,
    font: Option<Vec<u8>>,
    size: f32,
    char_spacing: f32,
    word_spacing: f32,
    h_scale: f32,
    leading: f32,
    rise: f32,
}

struct Interp<'a, 'd> {
    fonts: &'a HashMap<Vec<u8>, FontInfo<'d>>,
    gs: GState,
    stack: Vec<GState>,
    tm: Matrix,
    tlm: Matrix,
    runs: Vec<Run>,
}

impl Interp<'_, '_> {
    fn operands(ops: &[Object]) -> Vec<f32> {
        ops.iter().map(|o| num(o).unwrap_or(0.0)).collect()
    }

    fn next_line(&mut self, tx: f32, ty: f32) {
        self.tlm = mul(&translate(tx, ty), &self.tlm);
        self.tm = self.tlm;
    }

    fn show(&mut self, bytes: &[u8]) {
        let Some(font) = self.gs.font.as_ref().and_then(|f| self.fonts.get(f)) else {
            return;
        };
        let fs = self.gs.size;
        let th = self.gs.h_scale;
        let step = if font.two_byte { 2 } else { 1 };
        let m = mul(&self.tm, &self.gs.ctm);
        let start = mul(&[fs * th, 0.0, 0.0, fs, 0.0, self.gs.rise], &m);
        let scale = (m[2] * m[2] + m[3] * m[3]).sqrt();
        let mut text = String::new();
        let mut tx_total = 0.0f32;
        for code in bytes.chunks(step) {
            let c = code.iter().fold(0u32, |acc, b| acc << 8 | *b as u32);
            let s = font.decode(code);
            let w = font.width(c).unwrap_or_else(|| estimated_width(&s));
            let mut adv = w / 1000.0 * fs + self.gs.char_spacing;
            if step == 1 && c == 32 {
                adv += self.gs.word_spacing;
            }
            tx_total += adv * th;
            text.push_str(&s);
        }
        self.tm = mul(&translate(tx_total, 0.0), &self.tm);
        let end = mul(&self.tm, &self.gs.ctm);
        let text: String = text
            .chars()
            .filter(|c| !c.is_control() || *c == ' ')
            .collect();
        if text.trim().is_empty() || self.runs.len() >= MAX_RUNS_PER_PAGE {
            return;
        }
        self.runs.push(Run {
            x: start[4],
            y: start[5],
            x_end: end[4],
            size: (fs * scale).abs().max(1.0),
            text,
        });
    }

    fn run(&mut self, content: &Content) {
        for op in &content.operations {
            let o = &op.operands;
            match op.operator.as_str() {
                "q" if self.stack.len() < 1000 => self.stack.push(self.gs.clone()),
                "Q" => {
                    if let Some(g) = self.stack.pop() {
                        self.gs = g;
                    }
                }
                "cm" => {
                    let v = Self::operands(o);
                    if v.len() == 6 {
                        let m = [v[0], v[1], v[2], v[3], v[4], v[5]];
                        self.gs.ctm = mul(&m, &self.gs.ctm);
                    }
                }
                "BT" => {
                    self.tm = IDENTITY;
                    self.tlm = IDENTITY;
                }
                "Tf" => {
                    self.gs.font = o.first().and_then(|f| f.as_name().ok()).map(<[u8]>::to_vec);
                    self.gs.size = o.get(1).and_then(num).unwrap_or(self.gs.size);
                }
                "Tc" => self.gs.char_spacing = o.first().and_then(num).unwrap_or(0.0),
                "Tw" => self.gs.word_spacing = o.first().and_then(num).unwrap_or(0.0),
                "Tz" => self.gs.h_scale = o.first().and_then(num).unwrap_or(100.0) / 100.0,
                "TL" => self.gs.leading = o.first().and_then(num).unwrap_or(0.0),
                "Ts" => self.gs.rise = o.first().and_then(num).unwrap_or(0.0),
                "Td" => {
                    let v = Self::operands(o);
                    if v.len() == 2 {
                        self.next_line(v[0], v[1]);
                    }
                }
                "TD" => {
                    let v = Self::operands(o);
                    if v.len() == 2 {
                        self.gs.leading = -v[1];
                        self.next_line(v[0], v[1]);
                    }
                }
                "Tm" => {
                    let v = Self::operands(o);
                    if v.len() == 6 {
                        self.tlm = [v[0], v[1], v[2], v[3], v[4], v[5]];
                        self.tm = self.tlm;
                    }
                }
                "T*" => self.next_line(0.0, -self.gs.leading),
                "Tj" => {
                    if let Some(Object::String(s, _)) = o.first() {
                        self.show(s);
                    }
                }
                "'" => {
                    self.next_line(0.0, -self.gs.leading);
                    if let Some(Object::String(s, _)) = o.first() {
                        self.show(s);
                    }
                }
                "\"" => {
                    self.gs.word_spacing = o.first().and_then(num).unwrap_or(0.0);
                    self.gs.char_spacing = o.get(1).and_then(num).unwrap_or(0.0);
                    self.next_line(0.0, -self.gs.leading);
                    if let Some(Object::String(s, _)) = o.get(2) {
                        self.show(s);
                    }
                }
                "TJ" => {
                    if let Some(Object::Array(items)) = o.first() {
                        for item in items {
                            match item {
                                Object::String(s, _) => self.show(s),
                                other => {
                                    if let Some(n) = num(other) {
                                        let tx = -n / 1000.0 * self.gs.size * self.gs.h_scale;
                                        self.tm = mul(&translate(tx, 0.0), &self.tm);
                                    }
                                }
                            }
                        }
                    }
                }
                _ => {}
            }
        }
    }
}

/// A page's lines as laid out by the interpreter, and its string-by-string
/// decoding ([`fallback_lines`]).
fn page_lines(
    doc: &Document,
    page: ObjectId,
) -> std::result::Result<(Vec<Line>, Vec<Line>), PageError> {
    let fonts_raw = doc.get_page_fonts(page).map_err(|_| PageError::Other)?;
    let fonts: HashMap<Vec<u8>, FontInfo<'_>> = fonts_raw
        .into_iter()
        .map(|(name, dict)| (name, font_info(doc, dict)))
        .collect();
    let data = doc
        .get_page_content_with_limit(page, MAX_PAGE_CONTENT)
        .map_err(|e| match e {
            lopdf::Error::Decompress(_) => PageError::Limit,
            _ => PageError::Other,
        })?;
    let content = Content::decode(&data).map_err(|_| PageError::Other)?;
    let mut it = Interp {
        fonts: &fonts,
        gs: GState {
            ctm: IDENTITY,
            font: None,
            size: 12.0,
            char_spacing: 0.0,
            word_spacing: 0.0,
            h_scale: 1.0,
            leading: 0.0,
            rise: 0.0,
        },
        stack: Vec::new(),
        tm: IDENTITY,
        tlm: IDENTITY,
        runs: Vec::new(),
    };
    it.run(&content);
    Ok((runs_to_lines(it.runs), fallback_lines(&content, &fonts)))
}

/// Group runs on one baseline into lines, top to bottom, left to right.
fn runs_to_lines(mut runs: Vec<Run>) -> Vec<Line> {
    runs.retain(|r| r.x.is_finite() && r.y.is_finite() && r.x_end.is_finite());
    runs.sort_by(|a, b| b.y.total_cmp(&a.y).then(a.x.total_cmp(&b.x)));
    let mut groups: Vec<Vec<Run>> = Vec::new();
    for r in runs {
        match groups.last_mut() {
            Some(g) if (g[0].y - r.y).abs() <= 0.5 * g[0].size.min(r.size) => g.push(r),
            _ => groups.push(vec![r]),
        }
    }
    let mut lines = Vec::with_capacity(groups.len());
    for mut g in groups {
        g.sort_by(|a, b| a.x.total_cmp(&b.x));
        let mut text = String::new();
        let mut prev: Option<&Run> = None;
        for r in &g {
            if let Some(p) = prev {
                // Text drawn twice, slightly offset (simulated bold).
                if p.text == r.text && (r.x - p.x).abs() < 0.3 * r.size {
                    continue;
                }
                let gap = r.x - p.x_end;
                if gap > 0.2 * r.size.min(p.size)
                    && !text.ends_with(' ')
                    && !r.text.starts_with(' ')
                {
                    text.push(' ');
                }
            }
            text.push_str(&r.text);
            prev = Some(r);
        }
        let text = text.trim().to_string();
        if text.is_empty() {
            continue;
        }
        let size = g.iter().map(|r| r.size).fold(0.0f32, f32::max);
        lines.push(Line {
            y: g[0].y,
            x0: g[0].x,
            x1: g.iter().map(|r| r.x_end).fold(f32::MIN, f32::max),
            size,
            text,
        });
    }
    lines
}

// ---------------------------------------------------------------- assembly

/// The line with its digits masked, white space removed: the key for
/// recognising a running header or footer.
fn running_key(s: &str) -> String {
    s.chars()
        .filter(|c| !c.is_whitespace())
        .map(|c| {
            if c.is_ascii_digit() || ('０'..='９').contains(&c) {
                '#'
            } else {
                c
            }
        })
        .collect()
}

/// `- 3 -`, `— 3 —`, `第3页`, `第 3 页 共 9 页`: a page number anywhere on a page.
fn is_decorated_page_number(s: &str) -> bool {
    let t: String = s.chars().filter(|c| !c.is_whitespace()).collect();
    let dashes = |c: char| matches!(c, '-' | '—' | '–' | '－' | '―' | '─' | '~' | '·');
    let inner = t.trim_matches(dashes);
    if inner.len() < t.len() && !inner.is_empty() && inner.chars().all(|c| c.is_ascii_digit()) {
        // Dashes on both sides.
        return t.starts_with(dashes) && t.ends_with(dashes);
    }
    if let Some(rest) = t.strip_prefix('第') {
        let (n, rest) = rest.split_at(
            rest.find(|c: char| !c.is_ascii_digit())
                .unwrap_or(rest.len()),
        );
        if !n.is_empty() && rest.starts_with('页') {
            let rest = rest['页'.len_utf8()..].trim_start_matches(['，', ',', '/']);
            return rest.is_empty()
                || rest
                    .strip_prefix('共')
                    .and_then(|r| r.strip_suffix('页'))
                    .is_some_and(|n| !n.is_empty() && n.chars().all(|c| c.is_ascii_digit()));
        }
    }
    false
}

/// `3`, `3/9`, `Page 3`: a page number when it is the first or last line.
fn is_bare_page_number(s: &str) -> bool {
    let t: String = s.chars().filter(|c| !c.is_whitespace()).collect();
    let t = t.strip_prefix("Page").unwrap_or(&t);
    !t.is_empty()
        && t.len() <= 9
        && t.chars().all(|c| c.is_ascii_digit() || c == '/')
        && t.chars().next().is_some_and(|c| c.is_ascii_digit())
}

/// Remove running headers/footers and page numbers from the page edges.
/// Lines repeated on every page are only furniture when something else is
/// left: a document of identical pages keeps them (it is its own content).
fn strip_page_furniture(pages: &mut [Vec<Line>]) {
    let mut stripped = pages.to_vec();
    strip_furniture(&mut stripped, true);
    if stripped.iter().all(Vec::is_empty) {
        strip_furniture(pages, false);
    } else {
        pages.clone_from_slice(&stripped);
    }
}

/// [`strip_page_furniture`], running lines included or not.
fn strip_furniture(pages: &mut [Vec<Line>], running_lines: bool) {
    const EDGE: usize = 2;
    let n = pages.len();
    let mut counts: HashMap<String, usize> = HashMap::new();
    for page in pages.iter() {
        let mut keys: Vec<String> = Vec::new();
        let len = page.len();
        for (i, l) in page.iter().enumerate() {
            if i < EDGE || i + EDGE >= len {
                let k = running_key(&l.text);
                if !keys.contains(&k) {
                    keys.push(k);
                }
            }
        }
        for k in keys {
            *counts.entry(k).or_default() += 1;
        }
    }
    // On short documents a running line must be on every page.
    let threshold = if n <= 3 { n } else { (n * 6).div_ceil(10) };
    for page in pages.iter_mut() {
        let len = page.len();
        let mut keep = vec![true; len];
        for (i, l) in page.iter().enumerate() {
            let edge = i < EDGE || i + EDGE >= len;
            let running = running_lines
                && n >= 2
                && counts
                    .get(&running_key(&l.text))
                    .is_some_and(|c| *c >= threshold);
            let first_or_last = i == 0 || i + 1 == len;
            if is_decorated_page_number(&l.text)
                || edge && running
                || first_or_last && len > 1 && is_bare_page_number(&l.text)
            {
                keep[i] = false;
            }
        }
        let mut k = keep.into_iter();
        page.retain(|_| k.next().unwrap_or(true));
    }
}

fn percentile(mut v: Vec<f32>, p: f32) -> Option<f32> {
    if v.is_empty() {
        return None;
    }
    v.sort_by(f32::total_cmp);
    let i = ((v.len() - 1) as f32 * p).round() as usize;
    v.get(i).copied()
}

/// The most common left edge (rounded to 1 pt) among lines of body text.
fn left_margin(lines: &[&Line]) -> Option<f32> {
    let mut counts: HashMap<i32, usize> = HashMap::new();
    for l in lines {
        *counts.entry(l.x0.round() as i32).or_default() += 1;
    }
    let min_x = lines.iter().map(|l| l.x0).fold(f32::MAX, f32::min);
    // Prefer the leftmost edge that is common; indented first lines are as common.
    let best = counts.values().copied().max()?;
    counts
        .into_iter()
        .filter(|(_, c)| *c * 4 >= best)
        .map(|(x, _)| x as f32)
        .fold(None, |acc: Option<f32>, x| {
            Some(acc.map_or(x, |a| a.min(x)))
        })
        .or(Some(min_x))
}

fn starts_with_label(s: &str) -> bool {
    super::sheet::starts_with_label(s)
}

fn join_wrapped(prev: &mut String, next: &str) {
    let a = prev.chars().last();
    let b = next.chars().next();
    if a.is_some_and(|c| c.is_ascii_alphanumeric()) && b.is_some_and(|c| c.is_ascii_alphanumeric())
    {
        prev.push(' ');
    }
    prev.push_str(next);
}

fn assemble(mut pages: Vec<Vec<Line>>) -> String {
    strip_page_furniture(&mut pages);
    let geometric: Vec<&Line> = pages.iter().flatten().filter(|l| l.size > 0.0).collect();
    let left = left_margin(&geometric);
    let right = percentile(
        geometric
            .iter()
            .filter(|l| l.text.chars().count() >= 8)
            .map(|l| l.x1)
            .collect(),
        0.9,
    );
    let mut out: Vec<String> = Vec::new();
    for page in &pages {
        if page.is_empty() {
            continue;
        }
        if !out.is_empty() {
            out.push(String::new());
        }
        let mut prev: Option<&Line> = None;
        for l in page {
            let wrapped = match (prev, left, right) {
                (Some(p), Some(left), Some(right)) if p.size > 0.0 && l.size > 0.0 => {
                    p.x1 >= right - 2.0 * p.size
                        && l.x0 <= left + 0.6 * l.size
                        && (p.y - l.y) > 0.0
                        && (p.y - l.y) <= 3.0 * p.size
                        && (p.size - l.size).abs() < 0.5
                        && !starts_with_label(&l.text)
                }
                _ => false,
            };
            match out.last_mut() {
                Some(last) if wrapped => join_wrapped(last, &l.text),
                _ => out.push(l.text.clone()),
            }
            prev = Some(l);
        }
    }
    let mut s = out.join("\n");
    if !s.is_empty() {
        s.push('\n');
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;
    use lopdf::dictionary;

    /// A PDF with one Helvetica text line per page at the given positions.
    fn pdf(pages: &[Vec<(f32, f32, &str)>]) -> Vec<u8> {
        let mut doc = Document::with_version("1.5");
        let pages_id = doc.new_object_id();
        let font_id = doc.add_object(dictionary! {
            "Type" => "Font",
            "Subtype" => "Type1",
            "BaseFont" => "Helvetica",
            "Encoding" => "WinAnsiEncoding",
        });
        let resources_id = doc.add_object(dictionary! {
            "Font" => dictionary! { "F1" => font_id },
        });
        let mut kids = Vec::new();
        for lines in pages {
            let mut ops = Vec::new();
            for (x, y, text) in lines {
                ops.push(lopdf::content::Operation::new("BT", vec![]));
                ops.push(lopdf::content::Operation::new(
                    "Tf",
                    vec!["F1".into(), 12.into()],
                ));
                ops.push(lopdf::content::Operation::new(
                    "Td",
                    vec![(*x).into(), (*y).into()],
                ));
                ops.push(lopdf::content::Operation::new(
                    "Tj",
                    vec![Object::string_literal(*text)],
                ));
                ops.push(lopdf::content::Operation::new("ET", vec![]));
            }
            let content = Content { operations: ops };
            let content_id = doc.add_object(lopdf::Stream::new(
                dictionary! {},
                content.encode().unwrap(),
            ));
            let page_id = doc.add_object(dictionary! {
                "Type" => "Page",
                "Parent" => pages_id,
                "Contents" => content_id,
            });
            kids.push(Object::Reference(page_id));
        }
        let count = kids.len() as i64;
        doc.objects.insert(
            pages_id,
            Object::Dictionary(dictionary! {
                "Type" => "Pages",
                "Kids" => kids,
                "Count" => count,
                "Resources" => resources_id,
                "MediaBox" => vec![0.into(), 0.into(), 595.into(), 842.into()],
            }),
        );
        let catalog_id = doc.add_object(dictionary! {
            "Type" => "Catalog",
            "Pages" => pages_id,
        });
        doc.trailer.set("Root", catalog_id);
        let mut buf = Vec::new();
        doc.save_to(&mut buf).unwrap();
        buf
    }

    #[test]
    fn extracts_lines_and_drops_page_furniture() {
        const BODY: [&str; 3] = ["alpha beta", "gamma delta", "epsilon zeta"];
        let page = |n: usize| {
            let mut v: Vec<(f32, f32, String)> = vec![(72.0, 800.0, format!("Plan 2022 page {n}"))];
            // Body lines differ from page to page (not only in their digits).
            for k in 0..3 {
                let w = BODY[(k + n) % 3];
                v.push((72.0, 700.0 - 40.0 * k as f32, format!("{w} {n}")));
            }
            if n == 2 {
                v.push((200.0, 700.0, "same baseline".into()));
            }
            v.push((280.0, 40.0, format!("- {n} -")));
            v
        };
        let owned: Vec<Vec<(f32, f32, String)>> = (1..=3).map(page).collect();
        let borrowed: Vec<Vec<(f32, f32, &str)>> = owned
            .iter()
            .map(|p| p.iter().map(|(x, y, s)| (*x, *y, s.as_str())).collect())
            .collect();
        let text = read(&pdf(&borrowed)).unwrap();
        assert_eq!(
            text,
            "gamma delta 1\nepsilon zeta 1\nalpha beta 1\n\n\
             epsilon zeta 2 same baseline\nalpha beta 2\ngamma delta 2\n\n\
             alpha beta 3\ngamma delta 3\nepsilon zeta 3\n"
        );
    }

    #[test]
    fn identical_pages_are_content_not_furniture() {
        let page = vec![(72.0, 800.0, "1. Plan item"), (72.0, 760.0, "lead: office")];
        let pages = vec![page; 1000];
        let text = read(&pdf(&pages)).unwrap();
        assert_eq!(text.lines().filter(|l| *l == "1. Plan item").count(), 1000);
    }

    #[test]
    fn wrapped_lines_are_joined_but_labels_and_indents_are_not() {
        // Helvetica has no /Widths here, so widths are estimated (0.5 em per letter).
        let long = "a".repeat(80); // 80 * 6 pt = 480 pt wide: reaches the margin
        let lines = vec![
            (72.0, 700.0, long.as_str()),
            (72.0, 686.0, "bbb"),
            (96.0, 672.0, "indented"),
            (72.0, 658.0, long.as_str()),
            (72.0, 644.0, "1. label"),
        ];
        let text = read(&pdf(&[lines])).unwrap();
        let got: Vec<&str> = text.lines().collect();
        assert_eq!(got.len(), 4, "{text}");
        assert!(got[0].ends_with("a bbb"), "{text}");
        assert_eq!(got[1], "indented");
        assert_eq!(got[3], "1. label");
    }

    #[test]
    fn page_number_forms() {
        assert!(is_decorated_page_number("- 3 -"));
        assert!(is_decorated_page_number("— 12 —"));
        assert!(is_decorated_page_number("第3页"));
        assert!(is_decorated_page_number("第 3 页 共 9 页"));
        assert!(!is_decorated_page_number("第3项任务"));
        assert!(!is_decorated_page_number("-3"));
        assert!(is_bare_page_number("3"));
        assert!(is_bare_page_number("3/9"));
        assert!(!is_bare_page_number("2022年"));
    }

    #[test]
    fn garbage_and_empty_pdfs() {
        assert!(matches!(
            read(b"%PDF-1.4 garbage"),
            Err(Error::Corrupt { .. })
        ));
        assert!(matches!(read(b""), Err(Error::Corrupt { .. })));
        let mut truncated = pdf(&[vec![(72.0, 700.0, "text")]]);
        truncated.truncate(truncated.len() / 2);
        let _ = read(&truncated); // an error or partial text, never a panic
        // A page without text: no text layer.
        assert_eq!(read(&pdf(&[vec![]])).unwrap(), "");
    }

    #[test]
    fn seed_fixture_gives_back_every_item() {
        crate::input::sheet::check_seed_fixture("seed.pdf", read);
    }
}
