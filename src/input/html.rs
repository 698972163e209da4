//! HTML reader (scraper).
//!
//! Decoding: BOM → `<meta charset>` / `http-equiv` charset in the first 2 KB →
//! valid UTF-8 → chardetng guess (TLD hint `cn`). Then the article body is
//! picked (the content container with the most CJK text), navigation, scripts
//! and footers are skipped, block elements start new lines, and tables become
//! one line per row — or, for a 分工 task table, numbered items with a unit
//! clause, rendered like a spreadsheet's ([`super::sheet::render_task_table`]).

use std::sync::LazyLock;

use regex::Regex;
use scraper::{ElementRef, Html, Node, Selector};

use super::sheet::{render_plain_rows, render_task_table};
use super::text::DecodedText;
use crate::error::Result;

/// Elements nested deeper than this are read as plain text (no recursion).
const MAX_DEPTH: usize = 200;
/// Upper bounds for `rowspan` / `colspan`.
const MAX_ROWSPAN: usize = 500;
const MAX_COLSPAN: usize = 50;
/// Upper bound on table cells laid out per table.
const MAX_TABLE_CELLS: usize = 200_000;

/// Whether the bytes look like an HTML page.
pub fn looks_like_html(bytes: &[u8]) -> bool {
    let head = String::from_utf8_lossy(&bytes[..bytes.len().min(1024)]).to_ascii_lowercase();
    let head = head.trim_start_matches(['\u{feff}', ' ', '\t', '\r', '\n']);
    head.contains("<html")
        || head.contains("<!doctype html")
        || head.contains("<body")
        || head.contains("<head>")
        || head.starts_with("<meta ")
        || head.starts_with("<!--") && head.contains("<div")
}

/// Read the article body of an HTML page as text lines, with the page's
/// encoding and what decoding repaired.
pub fn read(bytes: &[u8]) -> Result<DecodedText> {
    let mut page = decode(bytes)?;
    let (flat, flattened) = flatten_deep_nesting(&page.text, MAX_PARSE_DEPTH);
    if flattened > 0 {
        page.warnings.push(format!(
            "{flattened} tags nested deeper than {MAX_PARSE_DEPTH} levels were dropped (their text is kept)"
        ));
    }
    page.text = html_to_text(&flat);
    Ok(page)
}

static META_CHARSET: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r#"(?i)<meta\b[^>]*?charset\s*=\s*["']?\s*([a-z0-9_\-:.]+)"#).expect("valid regex")
});

/// Decode an HTML page: BOM, then a declared charset, then the text sniffer.
fn decode(bytes: &[u8]) -> Result<DecodedText> {
    if encoding_rs::Encoding::for_bom(bytes).is_some() {
        return super::text::decode(bytes);
    }
    let head = String::from_utf8_lossy(&bytes[..bytes.len().min(2048)]);
    if let Some(label) = META_CHARSET.captures(&head).and_then(|c| c.get(1)) {
        let label = label.as_str();
        let says_utf8 = encoding_rs::Encoding::for_label(label.as_bytes())
            .is_some_and(|e| e == encoding_rs::UTF_8);
        // A page labelled GBK that is valid non-ASCII UTF-8 was mislabelled.
        let valid_utf8 = !bytes.is_ascii() && std::str::from_utf8(bytes).is_ok();
        if !says_utf8
            && !valid_utf8
            && let Some(res) = super::text::decode_with_label(bytes, label)
        {
            return res;
        }
    }
    super::text::decode(bytes)
}

/// Nesting depth kept when the page is parsed: html5ever checks the open
/// elements for every tag, so 100,000 nested `<div>` cost 36 s; deeper
/// tags are removed before parsing (their text stays).
const MAX_PARSE_DEPTH: usize = 256;

/// Elements that never have an end tag.
const VOID_ELEMENTS: &[&str] = &[
    "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param", "source",
    "track", "wbr",
];

/// Remove the start and end tags of elements nested deeper than `max` (a
/// linear scan over the tags; comments, scripts and styles are skipped over
/// whole). Returns the page, borrowed when nothing was removed, and the
/// number of tags removed.
fn flatten_deep_nesting(page: &str, max: usize) -> (std::borrow::Cow<'_, str>, usize) {
    let bytes = page.as_bytes();
    let mut depth = 0usize;
    let mut removed = 0usize;
    let mut out: Option<String> = None;
    let mut copied = 0usize;
    let mut i = 0usize;
    while let Some(off) = memchr_lt(&bytes[i..]) {
        let start = i + off;
        let rest = &page[start..];
        // Comments and raw-text elements: skip to their end.
        let skip_to = |end: &str| rest.find(end).map_or(page.len(), |e| start + e + end.len());
        let lower: String = rest
            .chars()
            .take(8)
            .collect::<String>()
            .to_ascii_lowercase();
        if lower.starts_with("<!--") {
            i = skip_to("-->");
            continue;
        }
        if lower.starts_with("<script") {
            i = skip_to("</script>").max(start + 1);
            continue;
        }
        if lower.starts_with("<style") {
            i = skip_to("</style>").max(start + 1);
            continue;
        }
        // A tag ends at the next `>`; a `<` before it means this was text.
        let Some(close) = rest[1..].find(['<', '>']).map(|c| c + 1) else {
            break;
        };
        if rest.as_bytes()[close] == b'<' {
            i = start + 1;
            continue;
        }
        let end = start + close + 1;
        let tag = &page[start + 1..end - 1];
        let closing = tag.starts_with('/');
        let name: String = tag
            .trim_start_matches('/')
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric())
            .collect::<String>()
            .to_ascii_lowercase();
        i = end;
        if name.is_empty() || VOID_ELEMENTS.contains(&name.as_str()) || tag.ends_with('/') {
            continue;
        }
        let deep = if closing {
            let deep = depth > max;
            depth = depth.saturating_sub(1);
            deep
        } else {
            depth += 1;
            depth > max
        };
        if deep {
            let buf = out.get_or_insert_with(|| String::with_capacity(page.len()));
            buf.push_str(&page[copied..start]);
            copied = end;
            removed += 1;
        }
    }
    match out {
        Some(mut buf) => {
            buf.push_str(&page[copied..]);
            (std::borrow::Cow::Owned(buf), removed)
        }
        None => (std::borrow::Cow::Borrowed(page), 0),
    }
}

fn memchr_lt(b: &[u8]) -> Option<usize> {
    b.iter().position(|&c| c == b'<')
}

/// Extract the article text from a decoded page.
pub(crate) fn html_to_text(source: &str) -> String {
    let doc = Html::parse_document(source);
    let root = pick_root(&doc);
    let mut out = Out::default();
    walk(root, &mut out, 0);
    out.finish()
}

/// Containers that commonly hold the article on government sites.
const CONTENT_SELECTORS: &[&str] = &[
    "#zoom",
    ".TRS_Editor",
    ".article",
    ".content",
    "#content",
    "article",
    ".pages_content",
    "#UCAP-CONTENT",
    ".article-content",
    "#article",
    ".zw",
    "#zw",
];

fn cjk_count(s: &str) -> usize {
    s.chars()
        .filter(|c| matches!(*c as u32, 0x3400..=0x4DBF | 0x4E00..=0x9FFF | 0xF900..=0xFAFF))
        .count()
}

fn visible_cjk(el: ElementRef<'_>) -> usize {
    let mut out = Out::default();
    walk(el, &mut out, 0);
    cjk_count(&out.finish())
}

/// The element holding the article: the content container with the most CJK
/// text, or `<body>` (or the whole document) when none fits.
fn pick_root(doc: &Html) -> ElementRef<'_> {
    let body = Selector::parse("body")
        .ok()
        .and_then(|s| doc.select(&s).next())
        .unwrap_or_else(|| doc.root_element());
    let body_cjk = visible_cjk(body);
    let mut best: Option<(usize, ElementRef<'_>)> = None;
    for sel in CONTENT_SELECTORS {
        let Ok(s) = Selector::parse(sel) else {
            continue;
        };
        for el in doc.select(&s).take(20) {
            if is_skipped(el) {
                continue;
            }
            let n = visible_cjk(el);
            if best.as_ref().is_none_or(|(b, _)| n > *b) {
                best = Some((n, el));
            }
        }
    }
    match best {
        Some((n, el)) if n > 0 && n * 3 >= body_cjk => el,
        _ => body,
    }
}

/// Navigation, scripts, footers and hidden elements are not part of the article.
fn is_skipped(el: ElementRef<'_>) -> bool {
    let e = el.value();
    if matches!(
        e.name(),
        "script"
            | "style"
            | "noscript"
            | "nav"
            | "header"
            | "footer"
            | "template"
            | "iframe"
            | "select"
            | "option"
            | "button"
            | "input"
            | "textarea"
            | "head"
            | "title"
            | "svg"
            | "object"
            | "embed"
            | "canvas"
            | "map"
            | "aside"
    ) {
        return true;
    }
    if e.attr("hidden").is_some() {
        return true;
    }
    if let Some(style) = e.attr("style") {
        let s: String = style
            .chars()
            .filter(|c| !c.is_whitespace())
            .collect::<String>()
            .to_ascii_lowercase();
        if s.contains("display:none") || s.contains("visibility:hidden") {
            return true;
        }
    }
    let names = e.id().into_iter().chain(e.classes());
    for name in names {
        let lower = name.to_ascii_lowercase();
        for part in lower.split(['-', '_', ' ']) {
            if part.starts_with("nav")
                || part.ends_with("nav")
                || part.contains("menu")
                || part.contains("footer")
                || part.contains("breadcrumb")
                || part.contains("crumb")
                || part.contains("share")
            {
                return true;
            }
        }
    }
    false
}

fn is_block(name: &str) -> bool {
    matches!(
        name,
        "p" | "div"
            | "li"
            | "ul"
            | "ol"
            | "dl"
            | "dt"
            | "dd"
            | "h1"
            | "h2"
            | "h3"
            | "h4"
            | "h5"
            | "h6"
            | "tr"
            | "td"
            | "th"
            | "table"
            | "tbody"
            | "thead"
            | "tfoot"
            | "caption"
            | "section"
            | "article"
            | "main"
            | "blockquote"
            | "pre"
            | "address"
            | "center"
            | "hr"
            | "figure"
            | "figcaption"
            | "form"
            | "fieldset"
            | "legend"
            | "body"
            | "html"
    )
}

/// Text being assembled, line by line.
#[derive(Default)]
struct Out {
    lines: Vec<String>,
    cur: String,
    pre: usize,
}

impl Out {
    /// Start a new line unless the current one is empty (block boundary).
    fn soft_break(&mut self) {
        if !self.cur.trim().is_empty() {
            self.lines.push(std::mem::take(&mut self.cur));
        } else {
            self.cur.clear();
        }
    }

    /// Start a new line even if the current one is empty (`<br>`).
    fn hard_break(&mut self) {
        self.lines.push(std::mem::take(&mut self.cur));
    }

    fn push_text(&mut self, text: &str) {
        if self.pre > 0 {
            let mut first = true;
            for part in text.split('\n') {
                if !first {
                    self.hard_break();
                }
                first = false;
                self.cur.push_str(&part.replace('\u{a0}', " "));
            }
            return;
        }
        // Collapse HTML white space; a line break between two CJK characters
        // (source formatting) disappears instead of becoming a space.
        let mut ws = false;
        let mut ws_newline = false;
        for c in text.chars() {
            if matches!(c, ' ' | '\t' | '\n' | '\r' | '\u{c}' | '\u{a0}') {
                ws = true;
                ws_newline |= c == '\n' || c == '\r';
                continue;
            }
            if ws {
                let prev = self.cur.chars().last();
                let wide = |x: char| (x as u32) >= 0x2E80;
                let drop_it = prev.is_none_or(|p| p == ' ' || ws_newline && wide(p) && wide(c));
                if !drop_it {
                    self.cur.push(' ');
                }
                ws = false;
                ws_newline = false;
            }
            self.cur.push(c);
        }
        if ws && !self.cur.is_empty() && !self.cur.ends_with(' ') && !ws_newline {
            self.cur.push(' ');
        }
    }

    fn finish(mut self) -> String {
        self.soft_break();
        let mut out: Vec<String> = Vec::new();
        for line in self.lines {
            let t = line
                .trim_matches(|c: char| c.is_whitespace() || c == '\u{a0}' || c == '\u{3000}')
                .to_string();
            if t.is_empty() && out.last().is_none_or(|l: &String| l.is_empty()) {
                continue;
            }
            out.push(t);
        }
        while out.last().is_some_and(|l| l.is_empty()) {
            out.pop();
        }
        let mut s = out.join("\n");
        if !s.is_empty() {
            s.push('\n');
        }
        s
    }
}

fn walk(el: ElementRef<'_>, out: &mut Out, depth: usize) {
    if depth > MAX_DEPTH {
        // Pathologically deep markup: take the text without structure.
        let t: String = el.text().collect();
        out.push_text(&t);
        out.soft_break();
        return;
    }
    for child in el.children() {
        match child.value() {
            Node::Text(t) => out.push_text(t),
            Node::Element(_) => {
                let Some(c) = ElementRef::wrap(child) else {
                    continue;
                };
                if is_skipped(c) {
                    continue;
                }
                let name = c.value().name();
                match name {
                    "br" => out.hard_break(),
                    "table" => table(c, out, depth + 1),
                    _ if is_block(name) => {
                        out.soft_break();
                        if name == "pre" {
                            out.pre += 1;
                        }
                        walk(c, out, depth + 1);
                        if name == "pre" {
                            out.pre -= 1;
                        }
                        out.soft_break();
                    }
                    _ => walk(c, out, depth + 1),
                }
            }
            _ => {}
        }
    }
}

/// The `<tr>` rows of `table`, not those of tables nested in it.
fn table_rows<'a>(el: ElementRef<'a>, rows: &mut Vec<ElementRef<'a>>) {
    for c in el.child_elements() {
        match c.value().name() {
            "tr" => rows.push(c),
            "thead" | "tbody" | "tfoot" => table_rows(c, rows),
            _ => {}
        }
    }
}

fn span(el: ElementRef<'_>, name: &str, max: usize) -> usize {
    el.value()
        .attr(name)
        .and_then(|v| v.trim().parse::<usize>().ok())
        .unwrap_or(1)
        .clamp(1, max)
}

fn table(el: ElementRef<'_>, out: &mut Out, depth: usize) {
    out.soft_break();
    let nested = el
        .descendent_elements()
        .skip(1)
        .any(|d| d.value().name() == "table");
    if nested || depth > MAX_DEPTH {
        // A layout table: read it as blocks.
        walk(el, out, depth);
        out.soft_break();
        return;
    }
    let mut trs = Vec::new();
    table_rows(el, &mut trs);
    // Lay out the grid, repeating row- and column-spanning cells.
    let mut grid: Vec<Vec<String>> = Vec::new();
    let mut pending: Vec<(usize, String)> = Vec::new(); // per column: rows left, text
    let mut cells_total = 0usize;
    let mut long_cells = false;
    let mut caption_lines: Vec<String> = Vec::new();
    for c in el.child_elements() {
        if c.value().name() == "caption" {
            let mut o = Out::default();
            walk(c, &mut o, depth + 1);
            caption_lines.extend(o.finish().lines().map(str::to_string));
        }
    }
    for tr in trs {
        let mut row: Vec<String> = Vec::new();
        let mut cells = tr
            .child_elements()
            .filter(|c| matches!(c.value().name(), "td" | "th"))
            .peekable();
        let mut col = 0usize;
        loop {
            // Cells spanning down from earlier rows take their columns first.
            if let Some((left, text)) = pending.get_mut(col)
                && *left > 0
            {
                *left -= 1;
                row.push(text.clone());
                col += 1;
                continue;
            }
            let Some(cell) = cells.next() else {
                // Remaining row-spanning cells to the right.
                if pending[col.min(pending.len())..]
                    .iter()
                    .any(|(l, _)| *l > 0)
                {
                    row.push(String::new());
                    col += 1;
                    continue;
                }
                break;
            };
            let mut o = Out::default();
            if !is_skipped(cell) {
                walk(cell, &mut o, depth + 1);
            }
            let text = o.finish().trim_end().to_string();
            if text.lines().count() > 3 || text.chars().count() > 400 {
                long_cells = true;
            }
            let cs = span(cell, "colspan", MAX_COLSPAN);
            let rs = span(cell, "rowspan", MAX_ROWSPAN);
            for _ in 0..cs {
                if pending.len() <= col {
                    pending.resize(col + 1, (0, String::new()));
                }
                pending[col] = (rs - 1, text.clone());
                row.push(text.clone());
                col += 1;
            }
            cells_total += cs;
            if cells_total > MAX_TABLE_CELLS {
                break;
            }
        }
        grid.push(row);
        if cells_total > MAX_TABLE_CELLS {
            break;
        }
    }
    for l in caption_lines {
        out.cur.push_str(&l);
        out.soft_break();
    }
    if let Some(text) = render_task_table(&grid) {
        for line in text.lines() {
            out.cur.push_str(line);
            out.soft_break();
        }
    } else if long_cells {
        // Paragraph-sized cells: a layout table; keep the cells' own lines.
        for row in &grid {
            let mut last: Option<&String> = None;
            for cell in row {
                if last == Some(cell) {
                    continue;
                }
                last = Some(cell);
                for line in cell.lines() {
                    out.cur.push_str(line);
                    out.soft_break();
                }
            }
        }
    } else {
        for line in render_plain_rows(&grid).lines() {
            out.cur.push_str(line);
            out.soft_break();
        }
    }
    out.soft_break();
}

#[cfg(test)]
mod tests {
    use super::*;

    const PAGE: &str = r#"<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>通知</title>
<script>var x = "一、不要这个";</script><style>p { color: red }</style></head>
<body>
<div class="top-nav"><ul><li><a href="/">首页</a></li><li>政务公开</li></ul></div>
<nav>导航栏</nav>
<div class="breadcrumb">当前位置：首页 &gt; 通知</div>
<div id="zoom">
  <p>湖北省市场监督管理局</p>
  <p>&nbsp;&nbsp;一、主要指标分工</p>
  <p>1.全省市场主体数量达到 850 万户。（牵头单位：省局注册处）</p>
  <p>2.建立社会公用计量
  标准3000项。</p>
  <table>
    <tr><td>甲</td><td>乙</td></tr>
    <tr><td colspan="2">丙</td></tr>
  </table>
  <div class="bdsharebuttonbox">分享到微信</div>
  <p>第一行<br>第二行</p>
</div>
<div id="footer">版权所有 网站地图</div>
<script>document.write("尾部脚本")</script>
</body></html>"#;

    #[test]
    fn picks_the_article_and_skips_chrome() {
        let DecodedText {
            text,
            encoding: enc,
            ..
        } = read(PAGE.as_bytes()).unwrap();
        assert_eq!(enc, "UTF-8");
        assert_eq!(
            text,
            "湖北省市场监督管理局\n一、主要指标分工\n1.全省市场主体数量达到 850 万户。（牵头单位：省局注册处）\n\
             2.建立社会公用计量标准3000项。\n甲 乙\n丙\n第一行\n第二行\n"
        );
    }

    #[test]
    fn body_fallback_skips_nav_script_footer() {
        let page = r#"<html><body><header>网站头部</header><div class="menu">菜单</div>
<p>正文第一段</p><div><p>正文第二段</p></div><footer>页脚</footer><noscript>请启用脚本</noscript></body></html>"#;
        let DecodedText { text, .. } = read(page.as_bytes()).unwrap();
        assert_eq!(text, "正文第一段\n正文第二段\n");
    }

    #[test]
    fn task_table_is_rendered_as_items() {
        let page = r#"<html><body><div class="content"><p>一、主要任务</p><table>
<tr><th>序号</th><th>重点任务</th><th>牵头单位</th><th>责任单位</th></tr>
<tr><td>1</td><td>完善商事主体准入制度。</td><td rowspan="2">省局注册处</td><td>省局科信处<br>信息中心</td></tr>
<tr><td>2</td><td>深化市场准入改革。</td><td>各市、州、县市场监管局</td></tr>
</table></div></body></html>"#;
        let DecodedText { text, .. } = read(page.as_bytes()).unwrap();
        assert_eq!(
            text,
            "一、主要任务\n1.完善商事主体准入制度。（牵头单位：省局注册处；责任单位：省局科信处、信息中心）\n\
             2.深化市场准入改革。（牵头单位：省局注册处；责任单位：各市、州、县市场监管局）\n"
        );
    }

    #[test]
    fn gbk_page_with_meta_charset() {
        let page = r#"<html><head><meta http-equiv="Content-Type" content="text/html; charset=gb2312"></head><body><p>一、总体要求</p></body></html>"#;
        let (bytes, _, _) = encoding_rs::GBK.encode(page);
        let DecodedText {
            text,
            encoding: enc,
            ..
        } = read(&bytes).unwrap();
        assert_eq!(text, "一、总体要求\n");
        assert_eq!(enc, "GB18030");
        // Without a declaration, the sniffer finds it.
        let page = "<html><body><p>湖北省市场监督管理局关于印发分工方案的通知，牵头单位：省局注册处</p></body></html>";
        let (bytes, _, _) = encoding_rs::GBK.encode(page);
        let DecodedText {
            text,
            encoding: enc,
            ..
        } = read(&bytes).unwrap();
        assert!(text.starts_with("湖北省市场监督管理局"), "{text}");
        assert_eq!(enc, "GB18030");
    }

    #[test]
    fn nesting_beyond_the_parse_depth_is_flattened() {
        let n = 3 * MAX_PARSE_DEPTH;
        let page = format!(
            "<html><body>{}深层文本{}<p>尾</p></body></html>",
            "<div>".repeat(n),
            "</div>".repeat(n)
        );
        let (flat, removed) = flatten_deep_nesting(&page, MAX_PARSE_DEPTH);
        // html and body count too.
        assert_eq!(removed, 2 * (n + 2 - MAX_PARSE_DEPTH));
        assert!(flat.contains("深层文本"));
        let d = read(page.as_bytes()).unwrap();
        assert!(
            d.text.contains("深层文本") && d.text.contains('尾'),
            "{}",
            d.text
        );
        assert!(d.warnings[0].contains("nested deeper"), "{:?}", d.warnings);
        // Comments, scripts and stray `<` do not count as tags.
        let odd = "<p>a < b <!-- <div><div> --><script>if (a<b) {}</script></p>";
        assert_eq!(flatten_deep_nesting(odd, 1).1, 0);
    }

    #[test]
    fn deep_and_odd_markup_does_not_panic() {
        let deep = "<div>".repeat(5000) + "深层文本" + &"</div>".repeat(5000);
        let DecodedText { text, .. } =
            read(format!("<html><body>{deep}</body></html>").as_bytes()).unwrap();
        assert!(text.contains("深层文本"));
        let odd = r#"<html><body><table><tr><td rowspan="99999999" colspan="99999">x</td></tr><tr></tr></table><p>尾</body>"#;
        let DecodedText { text, .. } = read(odd.as_bytes()).unwrap();
        assert!(text.contains('尾'));
    }

    #[test]
    fn sniffs_html() {
        assert!(looks_like_html(b"<!DOCTYPE html><html>"));
        assert!(looks_like_html(b"\n<html lang=zh>"));
        assert!(!looks_like_html("一、总体要求".as_bytes()));
    }

    #[test]
    fn seed_fixture_gives_back_every_item() {
        crate::input::sheet::check_seed_fixture("seed.html", |b| {
            let DecodedText {
                text,
                encoding: enc,
                ..
            } = read(b)?;
            assert_eq!(enc, "GB18030");
            assert!(!text.contains("首页") && !text.contains("分享") && !text.contains("ICP"));
            assert!(!text.contains("统计代码") && !text.contains("访问量"));
            Ok(text)
        });
    }
}
