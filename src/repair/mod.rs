//! Stage 2 — text repair: undo what PDF extraction, crawlers and format
//! conversion did to a notice before anyone can parse it.
//!
//! * conversion artefacts: pinyin glosses injected after characters
//!   (`關(guān)于`), paragraph breaks turned into a Cyrillic `Р`;
//! * stray spaces between CJK characters (`市场监管 “十四五”规划`,
//!   `850 万户`), indentation;
//! * site chrome of web copies (info bars, print and share buttons,
//!   breadcrumbs; see [`chrome`]);
//! * page breaks that cut a word or a label across blank lines
//!   (`牵头单\n\n位`, `统一市\n\n场准入`): the pieces are joined.
//!
//! The result keeps the original punctuation widths; matching is done on the
//! [`fold`] view.

pub mod chrome;
pub mod fold;
pub mod label;
pub mod scan;

use memchr::memmem;
use regex::Regex;
use std::borrow::Cow;
use std::sync::LazyLock;

pub use fold::{CharOffsets, Folded, FoldedText, fold, fold_char};

use crate::repair::label::{LineStart, Numbering, parse_label};

/// Whether `c` is a CJK ideograph, CJK/full-width punctuation or a curly quote.
pub fn is_wide(c: char) -> bool {
    matches!(c as u32,
        0x2E80..=0x9FFF | 0xF900..=0xFAFF | 0xFF00..=0xFFEF | 0x20000..=0x2FFFF
        | 0x2018..=0x201F | 0x2014 | 0x2026)
}

static HAN_ONLY: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"^\p{Han}+$").unwrap());

/// Whether `s` is a name of Han characters only that ends with one of
/// `endings` after `before` characters (`^\p{Han}{2,40}(?:局|委|…)$`,
/// checked without compiling a bounded repetition of the Han class, which
/// costs a regex a tenth of a millisecond per repetition bound).
pub fn is_han_name_ending<'a, 'b: 'a>(
    s: &str,
    before: std::ops::RangeInclusive<usize>,
    endings: impl IntoIterator<Item = &'a &'b str>,
) -> bool {
    if !HAN_ONLY.is_match(s) {
        return false;
    }
    let n = s.chars().count();
    endings.into_iter().any(|e| {
        s.ends_with(e)
            && n.checked_sub(e.chars().count())
                .is_some_and(|k| before.contains(&k))
    })
}

/// Full repair: artefacts, site chrome, spaces, page-break joins. Lines are separated by `\n`.
pub fn repair(text: &str) -> String {
    let text = remove_artifacts(text);
    let lines: Vec<String> = scan::lines(&text)
        .filter(|l| !chrome::is_chrome_line(l))
        .map(|l| squeeze_spaces(chrome::strip_trailing_chrome(l).trim_matches(is_blank)))
        .collect();
    join_broken_lines(&lines)
}

fn is_blank(c: char) -> bool {
    c.is_whitespace() || c == '\u{3000}' || c == '\u{FEFF}' || c == '\u{200B}'
}

static PINYIN_GLOSS: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(\p{Han})\(([a-zA-Zāáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜü]{1,7})\)").unwrap());

/// A running page header: an organ's `…文件`, the agency code (1 to 8 Han
/// characters, checked by [`spliced_headers`]) and a document number.
static SPLICED_HEADER: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?:人民政府|办公厅|办公室|委员会|局|厅)文件\s*(\p{Han}+)\s*[〔\[(（]\s*[0-9０-９]{4}\s*[〕\])）]\s*[0-9０-９]{1,5}\s*号").unwrap()
});

/// The page headers of `text`, left to right, not overlapping: matches of
/// [`SPLICED_HEADER`] whose agency code has at most 8 characters (a longer
/// run is searched again from its next character).
fn spliced_headers(text: &str) -> impl Iterator<Item = std::ops::Range<usize>> + '_ {
    let mut at = 0;
    std::iter::from_fn(move || {
        while at <= text.len() {
            let c = SPLICED_HEADER.captures_at(text, at)?;
            let m = c.get(0).expect("match");
            if c.get(1)
                .is_some_and(|code| code.as_str().chars().count() <= 8)
            {
                at = m.end();
                return Some(m.range());
            }
            at = m.start() + text[m.start()..].chars().next().map_or(1, char::len_utf8);
        }
        None
    })
}

/// Remove running page headers (`许昌市人民政府文件许政〔2020〕21号`) that PDF
/// extraction spliced into the middle of a sentence. The organ's name starts
/// at the place name (jieba POS `ns`) before its suffix; a header on a line
/// of its own is kept (it is the document's real header). A text without
/// any is returned as it is, not copied.
fn remove_spliced_headers(text: &str) -> Cow<'_, str> {
    let mut out = String::new();
    let mut last = 0;
    for m in spliced_headers(text) {
        let before = &text[last..m.start];
        let window_start = before
            .char_indices()
            .rev()
            .take(10)
            .last()
            .map_or(m.start, |(i, _)| last + i);
        let window = &text[window_start..m.start];
        if window.contains('\n') || window.is_empty() {
            continue;
        }
        let start = crate::lexicon::with_segmenter(window, |j| {
            let mut start = None;
            for t in j.tag(window, false).iter().rev() {
                if t.tag == "ns" {
                    start = Some(window_start + t.byte_start);
                } else {
                    break;
                }
            }
            start
        });
        let Some(start) = start else { continue };
        // Only when something precedes on the same line (spliced, not a header line).
        if start == 0 || text[..start].ends_with('\n') {
            continue;
        }
        if out.is_empty() {
            out.reserve(text.len());
        }
        out.push_str(&text[last..start]);
        last = m.end;
    }
    if last == 0 {
        return Cow::Borrowed(text);
    }
    out.push_str(&text[last..]);
    Cow::Owned(out)
}

/// Remove conversion artefacts (see the module docs). A text without any
/// is returned as it is, not copied.
pub fn remove_artifacts(text: &str) -> Cow<'_, str> {
    let mut out = Cow::Borrowed(text);
    // A Cyrillic 'Р' between CJK characters/punctuation is a lost paragraph break.
    // (Whole-text searches use the vectorised memchr ones.)
    if memmem::find(text.as_bytes(), "Р".as_bytes()).is_some() {
        let chars: Vec<char> = text.chars().collect();
        let mut breaks = String::with_capacity(text.len());
        for (i, &c) in chars.iter().enumerate() {
            if c == 'Р' {
                let prev = i.checked_sub(1).map(|j| chars[j]);
                let next = chars.get(i + 1).copied();
                if prev.is_none_or(|p| is_wide(p) || p.is_whitespace() || p.is_ascii_punctuation())
                    && next.is_none_or(|n| {
                        is_wide(n)
                            || n.is_whitespace()
                            || n.is_ascii_digit()
                            || n.is_ascii_punctuation()
                    })
                {
                    breaks.push('\n');
                    continue;
                }
            }
            breaks.push(c);
        }
        out = Cow::Owned(breaks);
    }
    // A running page header spliced into a sentence by PDF extraction:
    // `重许昌市人民政府文件许政〔2020〕21号大工作`.
    // (Borrowed results below: nothing was removed, `out` stands.)
    if memmem::find(out.as_bytes(), "文件".as_bytes()).is_some()
        && let Cow::Owned(s) = remove_spliced_headers(&out)
    {
        out = Cow::Owned(s);
    }
    if memchr::memchr(b'(', out.as_bytes()).is_some() {
        // Only tone-marked glosses are removed: plain ASCII words in brackets stay.
        let glossed = PINYIN_GLOSS.replace_all(&out, |c: &regex::Captures| {
            let g = &c[2];
            if !g.is_ascii() {
                c[1].to_string()
            } else {
                c[0].to_string()
            }
        });
        if let Cow::Owned(s) = glossed {
            out = Cow::Owned(s);
        }
    }
    out
}

/// Remove spaces that sit next to CJK text (but keep those between Latin words).
pub fn squeeze_spaces(line: &str) -> String {
    if !has_common_blank(line) {
        return line.to_string();
    }
    let mut out = String::with_capacity(line.len());
    // Text between blank runs is copied whole.
    let mut copied = 0;
    let mut i = 0;
    while let Some(start) = next_blank(line, i) {
        let mut end = start;
        while let Some(c) = line[end..].chars().next().filter(|&c| is_blank(c)) {
            end += c.len_utf8();
        }
        out.push_str(&line[copied..start]);
        copied = end;
        i = end;
        let prev = line[..start].chars().next_back();
        let next = line[end..].chars().next();
        let keep = match (prev, next) {
            (Some(p), Some(n)) => {
                let joinable = |a: char, b: char| {
                    is_wide(a) && (is_wide(b) || b.is_ascii_digit() || b.is_ascii_punctuation())
                };
                !(joinable(p, n)
                    || joinable(n, p)
                    || (p.is_ascii_punctuation() && n.is_ascii_digit() && p != ',')
                    || (p.is_ascii_digit() && matches!(n, '%' | '.')))
            }
            _ => false,
        };
        if keep {
            out.push(' ');
        }
    }
    out.push_str(&line[copied..]);
    out
}

/// Whether `line` holds a space, a tab, U+3000 or U+00A0: vectorised
/// searches, cheaper than decoding the line or a search per character. (The
/// lead byte E3 of U+3000 also leads `、` and `。`, so U+3000 is searched
/// for whole.)
fn has_common_blank(line: &str) -> bool {
    static IDEOGRAPHIC_SPACE: LazyLock<memmem::Finder<'static>> =
        LazyLock::new(|| memmem::Finder::new("\u{3000}".as_bytes()));
    let b = line.as_bytes();
    // C2 leads U+00A0 (C2 A0) and a few other characters.
    memchr::memchr3_iter(b' ', b'\t', 0xC2, b).any(|i| b[i] != 0xC2 || b.get(i + 1) == Some(&0xA0))
        || IDEOGRAPHIC_SPACE.find(b).is_some()
}

/// The byte offset of the first blank character ([`is_blank`]) of `s` at
/// or after `from`. Only characters whose UTF-8 starts with a byte that
/// leads some blank are decoded; the rest are stepped over by their lead byte.
fn next_blank(s: &str, from: usize) -> Option<usize> {
    let b = s.as_bytes();
    let mut i = from;
    while i < b.len() {
        let lead = b[i];
        let len = match lead {
            0x00..=0x7F => {
                if (lead as char).is_whitespace() {
                    return Some(i);
                }
                1
            }
            0xC2 | 0xE1 | 0xE2 | 0xE3 | 0xEF => {
                let c = s[i..].chars().next()?;
                if is_blank(c) {
                    return Some(i);
                }
                c.len_utf8()
            }
            0x80..=0xDF => 2,
            0xE0..=0xEF => 3,
            _ => 4,
        };
        i += len;
    }
    None
}

static DATE_LINE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^[0-9〇零一二三四五六七八九十○]{4}年[0-9一二三四五六七八九十]{1,3}月([0-9一二三四五六七八九十]{1,3}日)?$")
        .unwrap()
});

/// Join lines that a page break (or a hard wrap) cut in the middle of a
/// sentence. Blank lines are dropped; paragraphs come out one per line.
fn join_broken_lines(lines: &[String]) -> String {
    // The paragraphs are written straight into the result, one per line:
    // the paragraph being built is the text after the last line break.
    let mut out = String::with_capacity(lines.iter().map(|l| l.len() + 1).sum::<usize>() + 1);
    let mut para_start: Option<usize> = None;
    let mut state = Para::default();
    let mut in_body = false;
    // The numbering read so far: a line starting `7.365工程` starts item 7
    // only where 7 is the next number (else it is a number in the text).
    let mut numbering = Numbering::default();
    for line in lines.iter().filter(|l| !l.is_empty()) {
        let head = fold::fold_prefix(line, HEAD_CHARS);
        let starts_label = match parse_label(&head).map(|l| numbering.read_line_start(l, in_body)) {
            Some(LineStart::Label(l) | LineStart::Unexpected(l)) => {
                numbering.push(&l);
                true
            }
            Some(LineStart::Text(_)) | None => false,
        };
        if let Some(start) = para_start
            && !starts_label
            && should_join(&out[start..], &state, line, &head, in_body)
        {
            out.push_str(line);
            state.extend(line);
            continue;
        }
        if starts_label {
            in_body = true;
        }
        if para_start.is_some() {
            out.push('\n');
        }
        para_start = Some(out.len());
        out.push_str(line);
        state = Para::default();
        state.extend(line);
    }
    out.push('\n');
    out
}

/// Characters of a line folded for the tests at its start: a label, a
/// date line, a clause opening (each needs fewer).
const HEAD_CHARS: usize = 16;

/// What [`should_join`] needs to know of the paragraph being built (its
/// folded view's open brackets, length, and whether it has a sentence end),
/// kept up to date line by line: recomputing it from the whole paragraph at
/// every line was quadratic on long hard-wrapped paragraphs.
#[derive(Debug, Default)]
struct Para {
    /// Open `(` and `《`, as [`has_unclosed_bracket`] counts them.
    paren: i32,
    book: i32,
    chars: usize,
    /// A `。` or `;` somewhere (labels never contain one).
    stop: bool,
}

impl Para {
    fn extend(&mut self, line: &str) {
        // The characters that count, in both widths (what folding gives).
        for (_, c) in scan::punctuation_indices(line) {
            match c {
                '(' | '（' => self.paren += 1,
                ')' | '）' => self.paren = (self.paren - 1).max(0),
                '《' => self.book += 1,
                '》' => self.book = (self.book - 1).max(0),
                '。' | ';' | '；' => self.stop = true,
                _ => {}
            }
        }
        // Counted a word at a time by the standard library.
        self.chars += line.chars().count();
    }

    /// [`crate::repair::label::is_section_heading`] of the folded paragraph
    /// `text`: the label only needs its first characters.
    fn is_section_heading(&self, text: &str) -> bool {
        let head = fold::fold_prefix(text, 32);
        !self.stop && crate::repair::label::parse_label(&head).is_some_and(|l| l.level <= 2)
    }
}

/// Whether line `next` continues the paragraph `prev`. `head` is the folded
/// view of the first [`HEAD_CHARS`] characters of `next`: every test but the
/// closing bracket reads no further (a date line has at most 13 characters,
/// a clause opening is judged by its first 12).
fn should_join(prev: &str, para: &Para, next: &str, head: &str, in_body: bool) -> bool {
    if DATE_LINE.is_match(head) || head.starts_with("(此件") {
        return false;
    }
    // A bare row number of a table flattened one cell per line starts a row.
    if (1..=4).contains(&head.len()) && head.bytes().all(|b| b.is_ascii_digit()) {
        return false;
    }
    // A bracket left open is closed on the next line (else it is page chrome
    // like a cut-off `《标题` and the lines stay apart).
    if (para.paren > 0 || para.book > 0) && fold(next).contains([')', '》']) {
        return true;
    }
    if !in_body {
        return false;
    }
    let last = prev.chars().last().map_or(' ', fold_char);
    if matches!(last, '。' | '!' | '?' | ':' | ';' | ')' | '”' | '》') {
        // A unit clause on its own line belongs to the paragraph before it.
        return last == '。' && head.starts_with('(') && looks_like_clause_start(head);
    }
    if para.is_section_heading(prev) {
        return false;
    }
    para.chars >= 16
}

fn looks_like_clause_start(s: &str) -> bool {
    let head: String = s.chars().take(12).collect();
    ["牵头", "责任", "配合", "参与", "协办"]
        .iter()
        .any(|k| head.contains(k))
}

/// Whether `s` opens a bracket (`(` `（` `《` `“`) it does not close.
pub fn has_unclosed_bracket(folded: &str) -> bool {
    let mut paren = 0i32;
    let mut book = 0i32;
    for c in folded.chars() {
        match c {
            '(' => paren += 1,
            ')' => paren = (paren - 1).max(0),
            '《' => book += 1,
            '》' => book = (book - 1).max(0),
            _ => {}
        }
    }
    paren > 0 || book > 0
}

#[cfg(test)]
mod tests {

    #[test]
    fn the_blank_precheck_finds_the_four_common_blanks_anywhere() {
        let seed = include_str!("../../seeds/000_7c5878c3eb2a3600.txt");
        let mut lines: Vec<String> = seed.lines().map(String::from).collect();
        for blank in [" ", "\t", "\u{3000}", "\u{A0}"] {
            for line in ["", "市场监管局", "、。《》", "é¢"] {
                lines.push(format!("{blank}{line}"));
                lines.push(format!("{line}{blank}"));
                lines.push(format!("甲{blank}乙{line}"));
            }
        }
        // Near misses: other characters led by C2 or E3, and other blanks.
        lines.extend(["¢、《》〇", "\u{2003}", "\r", "\u{FEFF}"].map(String::from));
        for line in &lines {
            let expected = [' ', '\u{3000}', '\t', '\u{A0}']
                .iter()
                .any(|&c| line.contains(c));
            assert_eq!(has_common_blank(line), expected, "{line:?}");
        }
    }

    #[test]
    fn han_names_are_checked_with_their_length_bounds() {
        let endings = &["局", "管理局", "人民政府"];
        assert!(is_han_name_ending("湖北省市场监督管理局", 2..=40, endings));
        assert!(!is_han_name_ending("局", 2..=40, endings));
        assert!(!is_han_name_ending("省局1", 2..=40, endings));
        assert!(!is_han_name_ending("湖北省市场监督管理处", 2..=40, endings));
        let long = format!("{}局", "省".repeat(41));
        assert!(!is_han_name_ending(&long, 2..=40, endings));
        // 40 characters before 管理局 are allowed though the name is 43 long.
        let exact = format!("{}管理局", "省".repeat(40));
        assert!(is_han_name_ending(&exact, 2..=40, endings));
    }

    #[test]
    fn spliced_headers_skip_an_over_long_code_and_find_the_next() {
        let text = "市人民政府文件许政〔2020〕21号推进。局文件许许许许许许许许许许〔2020〕1号与局文件鄂政〔２０２０〕3号";
        let found: Vec<&str> = spliced_headers(text).map(|r| &text[r]).collect();
        assert_eq!(
            found,
            ["人民政府文件许政〔2020〕21号", "局文件鄂政〔２０２０〕3号"]
        );
    }
    use super::*;

    #[test]
    fn spaces_next_to_cjk_go() {
        assert_eq!(
            squeeze_spaces("市场监管 “十四五”规划 分工方案"),
            "市场监管“十四五”规划分工方案"
        );
        assert_eq!(squeeze_spaces("达到 850 万户"), "达到850万户");
        assert_eq!(squeeze_spaces("1. 大力实施"), "1.大力实施");
        assert_eq!(squeeze_spaces("Word 2016 版本"), "Word 2016版本");
    }

    /// The rule of [`squeeze_spaces`] written out on a vector of characters.
    fn squeeze_by_chars(line: &str) -> String {
        if !line.contains([' ', '\u{3000}', '\t', '\u{A0}']) {
            return line.to_string();
        }
        let chars: Vec<char> = line.chars().collect();
        let mut out = String::new();
        let mut i = 0;
        while i < chars.len() {
            if !is_blank(chars[i]) {
                out.push(chars[i]);
                i += 1;
                continue;
            }
            let start = i;
            while i < chars.len() && is_blank(chars[i]) {
                i += 1;
            }
            let joinable = |a: char, b: char| {
                is_wide(a) && (is_wide(b) || b.is_ascii_digit() || b.is_ascii_punctuation())
            };
            if let (Some(p), Some(n)) = (
                start.checked_sub(1).map(|j| chars[j]),
                chars.get(i).copied(),
            ) && !(joinable(p, n)
                || joinable(n, p)
                || (p.is_ascii_punctuation() && n.is_ascii_digit() && p != ',')
                || (p.is_ascii_digit() && matches!(n, '%' | '.')))
            {
                out.push(' ');
            }
        }
        out
    }

    #[test]
    fn blank_runs_of_every_kind_are_squeezed_like_the_rule_says() {
        let pieces = [
            " ", "\u{3000}", "\t", "\u{A0}", "\u{2003}", "\u{FEFF}", "\u{200B}", "\u{1680}",
            "\u{205F}", "甲", "a", "7", ",", ".", "%", "（", "é", "“",
        ];
        // Every string of up to four pieces.
        let cases = scan::every_string(&pieces, 4);
        for case in &cases {
            assert_eq!(squeeze_spaces(case), squeeze_by_chars(case), "{case:?}");
        }
    }

    #[test]
    fn page_break_inside_label_is_joined() {
        let t = "一、主要指标分工\n\n7.合格率达到 94%。（牵头单位：省局质量\n\n发展处、质量监督处；责任单位：各市、州、县市场监管局）\n";
        let r = repair(t);
        assert!(
            r.contains("（牵头单位：省局质量发展处、质量监督处；"),
            "{r}"
        );
    }

    #[test]
    fn page_break_inside_word_is_joined_but_headings_are_not() {
        let t = "（一）营造宽松便利的市场准入环境\n\n3.优化市场主体登记便利化服务。建立健全跨区域的统一市\n\n场准入服务系统。\n\n4.完善市场退出机制。\n";
        let r = repair(t);
        let lines: Vec<&str> = r.lines().collect();
        assert_eq!(lines.len(), 3, "{r}");
        assert!(lines[1].contains("统一市场准入"));
    }

    #[test]
    fn header_lines_stay_apart() {
        let t = "湖北省市场监督管理局\n\n鄂市监综函〔2022〕151号\n\n关于印发《分工\n\n方案》的通知\n\n各市、州：\n";
        let r = repair(t);
        assert_eq!(
            r.lines().collect::<Vec<_>>(),
            vec![
                "湖北省市场监督管理局",
                "鄂市监综函〔2022〕151号",
                "关于印发《分工方案》的通知",
                "各市、州："
            ]
        );
    }

    #[test]
    fn artifacts_removed() {
        assert_eq!(remove_artifacts("關(guān)于發(fā)展"), "關于發展");
        assert_eq!(
            remove_artifacts("加强管理。Р二、推进"),
            "加强管理。\n二、推进"
        );
        assert_eq!(remove_artifacts("见附件(PDF)"), "见附件(PDF)");
        assert_eq!(
            remove_artifacts(
                "对有明确时间节点的重许昌市人民政府文件许政〔2020〕21号大工作实行专项督查"
            ),
            "对有明确时间节点的重大工作实行专项督查"
        );
        assert_eq!(
            remove_artifacts("许昌市人民政府文件\n许政〔2020〕20号"),
            "许昌市人民政府文件\n许政〔2020〕20号"
        );
    }
}

#[cfg(test)]
mod scaling {
    //! Sizes at which a scan that restarts from the paragraph start for each
    //! line or label would take minutes (see `segment::scaling`).
    use super::*;

    #[test]
    fn many_labelled_lines_and_a_long_line_without_punctuation() {
        let group = "一、总体要求\n（一）工作目标\n1.推进改革工作。\n（1）加强市场监管。\n①优化营商环境。\n";
        let repaired = repair(&group.repeat(20_000));
        assert_eq!(repaired.lines().count(), 100_000);
        let line = "推进 1.5倍增长 2.5万户企业（3）项目①工程 发布时间".repeat(20_000);
        let repaired = repair(&format!("一、任务\n1.{line}\n"));
        assert_eq!(repaired.lines().count(), 2);
    }
}
