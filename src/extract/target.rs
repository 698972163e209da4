//! Numeric targets: a committed quantity with `value`, `unit` (as written),
//! `comparator`, and where present `metric`, `period`, `deadline`,
//! `cumulative`, `change`, a range's `max`, `scaled_value`, the evidence
//! `span` and a `confidence`.
//!
//! Numbers are read by [`super::numeral`]; units are matched by a
//! leftmost-longest automaton over the measure units of `src/data/`
//! combined with the magnitude prefixes (`万千瓦时`, `万人次`). A number counts
//! as a target when a measure word follows it, or when a comparator frames it
//! (`控制在0.1以下`). Chinese numerals are accepted only with an explicit
//! comparator (so slogans like `一网通办`, `三个自贸片区`, `一张网` stay out).
//! Years, dates, document numbers, phone-like numbers (`12315`), codes
//! (`3C`), numbers in titles `《…》`, short quotations (names, slogans),
//! time windows framing other commitments (`两年内完成`) and scope conditions
//! (`超过100人的企业`) are skipped.
//!
//! The extractor reads an item once from left to right: clause and sentence
//! boundaries, brackets and character offsets are carried forward, so an
//! item full of quantities is read in linear time.

use super::numeral::{self, Numeral, magnitude_factor};
pub use super::numeral::{chinese_value, parse_number};
use super::split::Spans;
use crate::model::Target;
use crate::repair::Folded;
use crate::repair::scan::{contains_word, ends_with_word, starts_with_word};
use aho_corasick::{AhoCorasick, Anchored, Input, MatchKind};
use regex::Regex;
use std::borrow::Cow;
use std::ops::Range;
use std::sync::LazyLock;

/// Magnitude prefixes combined with every measure unit.
const MAGNITUDES: &[&str] = &[
    "十", "百", "千", "万", "亿", "十万", "百万", "千万", "万万", "万亿", "千亿",
];

/// Measure units (data files) as one leftmost-longest automaton; the
/// magnitude prefixes (`万`, `亿`) are tried before it (see [`UnitMatcher::longest`]).
struct UnitMatcher {
    automaton: AhoCorasick,
}

/// Build this module's automata and regexes now instead of on first use.
pub(crate) fn prepare() {
    LazyLock::force(&UNITS);
    LazyLock::force(&DEADLINE);
    LazyLock::force(&PAREN);
    LazyLock::force(&GOAL_WORDS);
}

static UNITS: LazyLock<UnitMatcher> = LazyLock::new(|| {
    let mut names: Vec<&str> = Vec::new();
    for name in [
        include_str!("../data/measure_units_legal.txt"),
        include_str!("../data/measure_units_counted.txt"),
    ]
    .iter()
    .flat_map(|f| f.lines())
    .map(str::trim)
    .filter(|l| !l.is_empty() && !l.starts_with('#'))
    {
        if !names.contains(&name) {
            names.push(name);
        }
    }
    let automaton = AhoCorasick::builder()
        .match_kind(MatchKind::LeftmostLongest)
        .start_kind(aho_corasick::StartKind::Anchored)
        .build(&names)
        .expect("measure unit automaton");
    UnitMatcher { automaton }
});

impl UnitMatcher {
    /// Byte length of the longest measure unit listed that `s` starts with.
    fn unit_at(&self, s: &str) -> Option<usize> {
        self.automaton
            .find(Input::new(s).anchored(Anchored::Yes))
            .map(|m| m.end())
    }

    /// The longest unit `s` starts with, as (byte length, magnitude factor):
    /// a unit as listed (`千米` is a unit, not 千 × 米), a magnitude and a
    /// unit (`万户`, not a percent sign), or a bare magnitude (`亿`). Of
    /// equally long readings the first in that order wins, magnitudes in
    /// [`MAGNITUDES`] order.
    fn longest(&self, s: &str) -> Option<(usize, f64)> {
        let mut best = self.unit_at(s).map(|len| (len, 1.0));
        for m in MAGNITUDES {
            if !starts_with_word(s, m) {
                continue;
            }
            let rest = &s[m.len()..];
            let factor = magnitude_factor(m).unwrap_or(1.0);
            let with_unit = (!rest.starts_with(['%', '‰']))
                .then(|| self.unit_at(rest))
                .flatten()
                .map(|len| m.len() + len);
            for len in with_unit.into_iter().chain([m.len()]) {
                if best.is_none_or(|(l, _)| len > l) {
                    best = Some((len, factor));
                }
            }
        }
        best
    }
}

/// A unit read after a number: as written (spaces removed), the magnitude
/// factor of its prefix, and the byte offset where it ends.
struct UnitMatch {
    text: String,
    factor: f64,
    end: usize,
}

/// The longest measure unit (with magnitude) starting at byte `at`, spaces
/// between its characters allowed; a rate (`批次/千人`) is read whole.
fn match_unit(text: &str, at: usize) -> Option<UnitMatch> {
    let compact = CompactWindow::new(text, at, 12);
    let (len, factor) = UNITS.longest(&compact.text)?;
    let mut unit = compact.text[..len].to_string();
    let mut end = compact.end_after(len);
    // A rate: `批次/千人`, `人/万人`.
    if let Some(rest) = text[end..].strip_prefix('/') {
        let den_at = end + 1;
        let dc = CompactWindow::new(text, den_at, 8);
        if let Some((len, _)) = UNITS.longest(&dc.text) {
            unit.push('/');
            unit.push_str(&dc.text[..len]);
            end = dc.end_after(len);
        } else if let Some(c) = rest
            .chars()
            .next()
            .filter(|c| matches!(*c, '年' | '月' | '日' | '人' | '户'))
        {
            unit.push('/');
            unit.push(c);
            end = den_at + c.len_utf8();
        }
    }
    Some(UnitMatch {
        text: unit,
        factor,
        end,
    })
}

/// Up to `n` characters of a text from byte `at`, up to a line break, with
/// spaces left out.
struct CompactWindow<'a> {
    /// The characters: the text itself when it has no space there.
    text: Cow<'a, str>,
    /// Where `text` starts in the original.
    at: usize,
    /// For each kept character, the byte offset after it in the original
    /// (only when spaces were left out).
    ends: Vec<usize>,
}

impl<'a> CompactWindow<'a> {
    fn new(text: &'a str, at: usize, n: usize) -> Self {
        let rest = &text[at..];
        let first_n = &rest[..rest.char_indices().nth(n).map_or(rest.len(), |(i, _)| i)];
        let window = first_n.split('\n').next().unwrap_or(first_n);
        if !window.contains(' ') {
            return CompactWindow {
                text: Cow::Borrowed(window),
                at,
                ends: Vec::new(),
            };
        }
        Self::spaced(text, at, n)
    }

    /// The window built character by character, spaces left out (what
    /// [`CompactWindow::new`] borrows when there is no space).
    fn spaced(text: &'a str, at: usize, n: usize) -> Self {
        let rest = &text[at..];
        // Sized for `n` three-byte characters: no regrowth on the way.
        let mut s = String::with_capacity(3 * n);
        let mut ends = Vec::with_capacity(n);
        for (i, c) in rest.char_indices() {
            if c == ' ' {
                continue;
            }
            if ends.len() == n || c == '\n' {
                break;
            }
            s.push(c);
            ends.push(at + i + c.len_utf8());
        }
        CompactWindow {
            text: Cow::Owned(s),
            at,
            ends,
        }
    }

    /// Byte offset in the original after the first `len` bytes of the
    /// window (a char boundary, `len` > 0).
    fn end_after(&self, len: usize) -> usize {
        match self.text {
            Cow::Borrowed(_) => self.at + len,
            Cow::Owned(ref s) => self.ends[s[..len].chars().count() - 1],
        }
    }
}

static DEADLINE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?:到|至|在|于)?(20[0-9]{2})年(?:底|末)?(?:前|以前)?|“?(十[一二三四五六七八九]?五)”?(?:期末|末|期间|时期)").unwrap()
});

/// Comparator verbs before a number, longest first.
const BEFORE: &[(&str, &str)] = &[
    ("不少于", ">="),
    ("不低于", ">="),
    ("不小于", ">="),
    ("至少", ">="),
    ("提高到", ">="),
    ("提升到", ">="),
    ("提高至", ">="),
    ("提升至", ">="),
    ("增加到", ">="),
    ("增加至", ">="),
    ("增长到", ">="),
    ("达到", ">="),
    ("突破", ">="),
    ("力争", ">="),
    ("不超过", "<="),
    ("不高于", "<="),
    ("不多于", "<="),
    ("不大于", "<="),
    ("控制在", "<="),
    ("降至", "<="),
    ("降到", "<="),
    ("下降到", "<="),
    ("下降至", "<="),
    ("压缩至", "<="),
    ("压缩到", "<="),
    ("缩短至", "<="),
    ("缩短到", "<="),
    ("减至", "<="),
    ("压减至", "<="),
    ("压减到", "<="),
    ("减少到", "<="),
    ("减少至", "<="),
    ("超过", ">"),
    ("高于", ">"),
    ("大于", ">"),
    ("多于", ">"),
    ("低于", "<"),
    ("少于", "<"),
    ("小于", "<"),
    ("大约", "≈"),
    ("约", "≈"),
    ("稳定在", "="),
    ("保持在", "="),
    ("达", ">="),
];

/// Change verbs directly before a number: (verb, direction).
const CHANGE: &[(&str, &str)] = &[
    ("增长", "increase"),
    ("提高", "increase"),
    ("提升", "increase"),
    ("增加", "increase"),
    ("上升", "increase"),
    ("扩大", "increase"),
    ("下降", "decrease"),
    ("降低", "decrease"),
    ("减少", "decrease"),
    ("压减", "decrease"),
    ("压缩", "decrease"),
    ("缩短", "decrease"),
    ("减少了", "decrease"),
];

/// Modifiers after the unit, longest first.
const AFTER: &[(&str, &str)] = &[
    ("及以上", ">="),
    ("以上", ">="),
    ("以下", "<="),
    ("以内", "<="),
    ("之内", "<="),
    ("左右", "≈"),
    ("内", "<="),
];

const PERIODS: &[&str] = &[
    "每年度",
    "每年",
    "年均",
    "每季度",
    "每月",
    "每周",
    "每天",
    "每日",
    "年度",
];

/// The first of [`PERIODS`] that `window` holds. Each starts with `每` or
/// `年`: a window without either is not searched for them one by one.
fn period_in(window: &str) -> Option<String> {
    if !window.contains(['每', '年']) {
        return None;
    }
    PERIODS
        .iter()
        .find(|p| contains_word(window, p))
        .map(|p| p.to_string())
}

fn verb_before(before: &str) -> (&str, Option<&'static str>) {
    // Allow a short gap between the verb and the number (spaces, `约`, `了`).
    let trimmed = before.trim_end_matches([' ', '了']);
    if let Some((w, c)) = word_ending(trimmed, BEFORE) {
        let start = trimmed.len() - w.len();
        return (&before[start..], Some(c));
    }
    // `达到约`, `控制在约`: the last verb within 2 characters.
    if let Some(stripped) = trimmed.strip_suffix('约') {
        if let Some((w, _)) = word_ending(stripped, BEFORE) {
            let start = stripped.len() - w.len();
            return (&before[start..], Some("≈"));
        }
        return (&before[stripped.len()..], Some("≈"));
    }
    if let Some((w, _)) = word_ending(trimmed, CHANGE) {
        return (&before[trimmed.len() - w.len()..], None);
    }
    ("", None)
}

/// The first entry of `words` whose word ends `s` (a number seldom
/// follows a verb: most words are ruled out by their last byte).
fn word_ending(
    s: &str,
    words: &'static [(&'static str, &'static str)],
) -> Option<(&'static str, &'static str)> {
    words.iter().find(|(w, _)| ends_with_word(s, w)).copied()
}

/// The first entry of `words` whose word starts `s`.
fn word_starting(
    s: &str,
    words: &'static [(&'static str, &'static str)],
) -> Option<(&'static str, &'static str)> {
    words.iter().find(|(w, _)| starts_with_word(s, w)).copied()
}

/// The thing counted: the clause before the comparator, without leading
/// verbs, adverbs, periods and deadlines (jieba POS tags).
fn metric_of(window: &str) -> Option<String> {
    // Fewer than two characters: no metric (and no segmenter call).
    window.chars().nth(1)?;
    // Every deadline holds `年` or `五` (`2025年底`, `“十四五”期末`).
    let w = if window.contains(['年', '五']) {
        DEADLINE.replace_all(window, "")
    } else {
        Cow::Borrowed(window)
    };
    let w = if w.contains('(') {
        PAREN.replace_all(&w, "").into_owned()
    } else {
        w.into_owned()
    };
    let mut w = w;
    // Every word removed here starts with one of these characters.
    if w.contains(['每', '年', '累', '一']) {
        for p in PERIODS.iter().chain(["累计", "一般"].iter()) {
            if contains_word(&w, p) {
                w = w.replace(p, "");
            }
        }
    }
    let mut w: &str = w.as_str();
    for p in ["其中", "全年", "力争", "确保"] {
        w = w.trim_start_matches(p);
    }
    let tags = crate::lexicon::tag(w);
    let mut words: Vec<(String, String)> = tags;
    while words.first().is_some_and(|(word, t)| {
        matches!(
            t.as_str(),
            "v" | "d" | "p" | "c" | "u" | "ad" | "vd" | "x" | "t" | "f" | "r"
        ) || PERIODS.contains(&word.as_str())
            || word == "累计"
    }) {
        words.remove(0);
    }
    while words.last().is_some_and(|(word, t)| {
        matches!(t.as_str(), "d" | "p" | "c" | "u" | "x" | "uj" | "ul")
            || PERIODS.contains(&word.as_str())
            || word == "累计"
            || word == "一般"
    }) {
        words.pop();
    }
    let m: String = words
        .into_iter()
        .map(|(w, _)| w)
        .collect::<Vec<_>>()
        .join("");
    let m: String = if m.contains(QUOTES) {
        m.chars().filter(|c| !QUOTES.contains(c)).collect()
    } else {
        m
    };
    let m = m.trim().to_string();
    (m.chars().count() >= 2).then_some(m)
}

/// Quotation marks, which a metric does not keep.
const QUOTES: [char; 3] = ['“', '”', '"'];

static PAREN: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"\([^()]*\)").unwrap());

/// The noun phrase after a quantity (`培育100个以上“湖北精品”品牌`).
fn metric_after(rest: &str) -> Option<String> {
    // Up to the next punctuation or the next number (which has its own metric).
    let end = rest
        .find(|c: char| {
            matches!(c, '、' | ',' | '，' | '。' | ';' | '；' | '(' | '\n') || c.is_ascii_digit()
        })
        .unwrap_or(rest.len());
    let phrase = &rest[..end];
    if phrase.starts_with(['目', '的']) {
        return None;
    }
    metric_of(phrase)
}

/// `“十四五”102项重大工程`, `“十四五”计划102项重大工程` (a count quoted from a
/// plan's name) and
/// `80万吨乙烯项目` (a capacity naming a project) are not commitments.
fn names_a_programme(before: &str, unit: &str, rest: &str) -> bool {
    let b = before.trim_end();
    if b.ends_with("五”")
        || b.ends_with('》')
        || ["计划", "规划", "纲要"].iter().any(|w| b.ends_with(w))
    {
        return true;
    }
    let end = rest
        .find(['、', ',', '，', '。', ';', '；', '(', '\n', '和', '及'])
        .unwrap_or(rest.len());
    let phrase = &rest[..end];
    let physical = ["吨", "千瓦", "兆瓦", "平方米", "亩", "公里", "米", "公顷"]
        .iter()
        .any(|u| unit.ends_with(u));
    physical && ["工程", "项目", "基地"].iter().any(|w| phrase.ends_with(w))
}

/// Duration units: a duration followed by `内` is a time window unless it is
/// the quantity committed to.
const DURATIONS: &[&str] = &[
    "年",
    "日",
    "天",
    "个月",
    "月",
    "周",
    "小时",
    "个小时",
    "分钟",
];

/// Comparator verbs that introduce a scope condition when the quantity then
/// modifies a noun (`超过100人的企业`); `不超过` caps a commitment instead.
const SCOPE_VERBS: &[&str] = &["超过", "高于", "大于", "多于", "低于", "少于", "小于"];

/// Words right before a number that make it a qualifying threshold
/// (`工作满3年以上的人员`).
const SCOPE_WORDS: &[&str] = &["不满", "未满", "满", "不足"];

/// Nouns after `…的` that name the goal itself (`达到90%的目标`), not a
/// qualifying group.
const GOAL_NOUNS: &[&str] = &[
    "目标", "水平", "要求", "标准", "任务", "规模", "增长", "增幅", "比例", "比重",
];

/// Adverbials that may open a clause before a time window (`力争两年内`).
const WINDOW_LEADS: &[&str] = &[
    "力争", "争取", "确保", "计划", "预计", "要", "并", "同时", "其中", "在", "用", "于",
];

/// Extract the targets of one item. `f` is the item text (original + folded);
/// `skip` lists folded byte ranges (unit clauses) to ignore.
pub fn extract_targets(f: &Folded, skip: &[Range<usize>]) -> Vec<Target> {
    let text = f.folded.as_str();
    let skipped = skipped_regions(text);
    let mut next_skipped = 0;
    let mut cur = Cursor::default();
    let mut out: Vec<Target> = Vec::new();
    let mut prev_end_cmp: Option<(usize, String)> = None;
    // Testing each number against every clause was quadratic in an item
    // of thousands of clauses.
    let mut in_skip = Spans::of(skip.iter().cloned());
    for n in numeral::scan(text) {
        let start = n.span.start;
        // The upper end of a range already read (`7.5%—8%`).
        if prev_end_cmp.as_ref().is_some_and(|(e, _)| start < *e) {
            continue;
        }
        cur.advance(text, start);
        while skipped.get(next_skipped).is_some_and(|r| r.end <= start) {
            next_skipped += 1;
        }
        if skipped.get(next_skipped).is_some_and(|r| r.start <= start)
            || cur.in_parens()
            || in_skip.covers(start)
        {
            continue;
        }
        if let Some(t) = read_target(f, n, &mut cur, &prev_end_cmp) {
            prev_end_cmp = Some((t.1, t.0.comparator.clone()));
            out.push(t.0);
        }
    }
    out
}

/// One target from a numeral, with the byte offset where its `raw` ends.
fn read_target(
    f: &Folded,
    mut n: Numeral,
    cur: &mut Cursor,
    prev_end_cmp: &Option<(usize, String)>,
) -> Option<(Target, usize)> {
    let text = f.folded.as_str();
    let start = n.span.start;
    // `10，100家`: a full-width comma separates two numbers, not thousands.
    if text[n.span.clone()].contains(',') && f.orig_slice(n.span.clone()).contains('，') {
        n = numeral::read_with(text, start, false)?;
    }
    let end = n.span.end;
    let num_text = &text[n.span.clone()];
    let arabic = n.arabic;
    let before = &text[..start];
    let after = &text[end..];
    // Part of a code, a longer number or a word in Latin letters; an ordinal (`第12条`).
    if before.ends_with(|c: char| {
        c.is_ascii_alphanumeric() || c == '.' || c == '-' || c == '〔' || c == '[' || c == '第'
    }) || after.starts_with(|c: char| c.is_ascii_alphabetic())
    {
        return None;
    }
    let value = n.value;
    let max = n.max;
    // Unit.
    // The unit (folded, for the rules) and where it was written.
    let (mut unit, factor, mut unit_end) = match n.implied_unit {
        Some(u) => (u.to_string(), 1.0, end),
        None => match match_unit(text, n.magnitude.start) {
            Some(m) => (m.text, m.factor, m.end.max(end)),
            None => (String::new(), 1.0, end),
        },
    };
    let mut unit_at = (n.implied_unit.is_none() && !unit.is_empty()).then_some(n.magnitude.start);
    let (verb, verb_cmp) = verb_before(before);
    let mut change_factor = None;
    // `翻一番`, `翻两番`: the base doubled once, twice.
    if unit.is_empty() && before.ends_with('翻') && text[unit_end..].starts_with('番') {
        unit = "番".to_string();
        unit_at = Some(unit_end);
        unit_end += '番'.len_utf8();
        change_factor = Some(2f64.powf(value));
    }
    // Durations in years or days: `30日内`, `1年以上`, `达到5年` (not dates like 2025年).
    if unit.is_empty()
        && text[unit_end..].starts_with(['年', '日'])
        && value < 100.0
        && (verb_cmp.is_some()
            || AFTER
                .iter()
                .any(|(w, _)| text[unit_end + 3..].starts_with(w)))
    {
        unit = text[unit_end..unit_end + 3].to_string();
        unit_at = Some(unit_end);
        unit_end += 3;
    }
    // `70周年`, `18周岁`: an anniversary or an age, not weeks.
    if unit == "周" && text[unit_end..].starts_with(['年', '岁']) {
        return None;
    }
    let unit_written_end = unit_end;
    // A range with the unit written twice: `7.5%—8%`, `3万—5万人`.
    let mut max = max;
    if max.is_none()
        && !unit.is_empty()
        && let Some(sep) = ["——", "—", "-", "~", "至", "到", "–"]
            .iter()
            .find(|s| text[unit_end..].starts_with(*s))
        && let Some(second) = numeral::read(text, unit_end + sep.len())
        && second.max.is_none()
        && second.value > value
    {
        let (u2, e2) = match second.implied_unit {
            Some(u) => (Some(u.to_string()), second.span.end),
            None => match match_unit(text, second.magnitude.start) {
                Some(m) => (Some(m.text), m.end.max(second.span.end)),
                None => (None, second.span.end),
            },
        };
        if u2.as_deref() == Some(unit.as_str()) {
            max = Some(second.value);
            unit_end = e2;
        }
    }
    let rest = &text[unit_end..];
    // Dates and years: 2025年, 8月, 1日, 151号.
    if unit.is_empty() && rest.starts_with(['年', '月', '日', '号', '时', '期', '级', '类', '岁'])
    {
        return None;
    }
    // `千万`, `百万`: words, not quantities (`十` alone is ten).
    if !arabic
        && n.implied_unit.is_none()
        && num_text
            .chars()
            .all(|c| matches!(c, '百' | '千' | '万' | '亿' | ' '))
    {
        return None;
    }
    if unit == "位" && !arabic {
        return None;
    }
    // Comparators.
    let after_mod = word_starting(rest, AFTER);
    let after_mod = after_mod.filter(|(w, _)| {
        *w != "内"
            || unit.contains('日')
            || unit.contains('天')
            || unit.contains('月')
            || unit.contains('时')
            || unit.contains('年')
            || unit.contains('周')
    });
    let raw_end = unit_end + after_mod.map_or(0, |(w, _)| w.len());
    let after_raw = &text[raw_end..];
    // `一批`, `一张网`, `一个…`: 一 is an article unless a comparator frames a
    // whole quantity (`达到一个。`).
    if num_text == "一" && change_factor.is_none() {
        let whole = verb_cmp.is_some()
            && !unit.is_empty()
            && after_raw
                .chars()
                .next()
                .is_none_or(|c| matches!(c, '。' | ',' | ';' | '，' | '；' | '、' | ')' | '\n'));
        if !whole {
            return None;
        }
    }
    let mut comparator = match (after_mod, n.approx, verb_cmp) {
        (Some((_, c)), _, _) => c.to_string(),
        (None, Some(_), _) => "≈".to_string(),
        (None, None, Some(c)) => c.to_string(),
        (None, None, None) => "=".to_string(),
    };
    let before_approx = before.trim_end_matches(['约', ' ']);
    let mut change = CHANGE
        .iter()
        .find(|(w, _)| ends_with_word(before, w) || ends_with_word(before_approx, w))
        .map(|(_, d)| d.to_string());
    if change_factor.is_some() {
        change = Some("increase".to_string());
    }
    if unit.ends_with('倍') && change.as_deref() == Some("increase") {
        change_factor = Some(value + 1.0);
    }
    let mut framed =
        after_mod.is_some() || verb_cmp.is_some() || change.is_some() || n.approx.is_some();
    // Enumerations: `分别达到65%和55%` — inherit the comparator of the previous number.
    if verb_cmp.is_none()
        && after_mod.is_none()
        && n.approx.is_none()
        && let Some((pe, pc)) = prev_end_cmp
        && *pe <= start
        && !text[*pe..start].is_empty()
        && text[*pe..start]
            .chars()
            .all(|c| matches!(c, '和' | '、' | '及' | '与' | '或' | ',' | '，' | ' '))
    {
        comparator = pc.clone();
        framed = true;
    }
    if unit.is_empty() && !framed {
        return None;
    }
    // `102项重大工程`, `80万吨乙烯项目`: a programme's name, not a commitment.
    if !framed && names_a_programme(before, &unit, bounded(rest, 40)) {
        return None;
    }
    if !arabic && !framed && max.is_none() {
        return None;
    }
    if arabic && unit.is_empty() && num_text.len() >= 4 && !num_text.contains('.') {
        // Bare 4+ digit numbers without a unit (years, hotlines) are not targets.
        return None;
    }
    let raw_start = start - verb.len();
    let mut clause_start = cur.clause.min(raw_start);
    if let Some((pe, _)) = prev_end_cmp
        && *pe > clause_start
        && *pe <= raw_start
    {
        clause_start = *pe;
    }
    let window = tail(&text[clause_start..raw_start], 40);
    // A time window framing other commitments (`两年内完成改造`,
    // `自印发之日起30日内出台细则`) is not a target; a service time is
    // (`企业开办1个工作日内办结`, `压缩至5个工作日`).
    // `用3年时间`, `再过5年左右时间`: a horizon.
    if DURATIONS.contains(&unit.as_str()) && after_raw.starts_with("时间") {
        return None;
    }
    if DURATIONS.contains(&unit.as_str())
        && after_mod.is_some_and(|(w, _)| w.ends_with('内'))
        && verb_cmp.is_none()
        && change.is_none()
        && opens_clause(window)
    {
        return None;
    }
    // A scope condition: the quantity modifies a noun (`超过100人的企业`,
    // `6亩以下的地块`, `年营业额500万元以下的小微企业`).
    // A note in brackets may stand between (`6亩以下(不含6亩)的地块`).
    let modifier = match after_raw.strip_prefix('(') {
        Some(inner) => inner.find(')').map_or(after_raw, |i| &inner[i + 1..]),
        None => after_raw,
    };
    let directed = after_mod.is_some_and(|(w, _)| w.starts_with(['以', '及']))
        || SCOPE_WORDS.iter().any(|w| window.ends_with(w))
        || SCOPE_VERBS.contains(&verb.trim_end_matches([' ', '了']));
    if let Some(noun) = modifier.strip_prefix('的')
        && directed
        && noun.starts_with(|c: char| ('\u{4e00}'..='\u{9fff}').contains(&c))
        && !GOAL_NOUNS.iter().any(|g| noun.starts_with(g))
        && introduces_scope(window, verb, verb_cmp)
    {
        return None;
    }
    // The starting value of a change (`由3年以上放宽至1年以上`): the target is
    // the value after the verb.
    if window.contains('由') && MOVE_TO.iter().any(|w| bounded(after_raw, 4).contains(w)) {
        return None;
    }
    // An eligibility condition: a clause ending in `的` followed by what the
    // qualifying party may do (`…签订1年以上劳动合同的，可申请…`).
    if is_condition(after_raw) {
        return None;
    }
    // A comparator verb a few words before, its object in between
    // (`达到“五化”覆盖率80%`).
    if !framed
        && after_mod.is_none()
        && let Some(c) = distant_verb(window)
    {
        comparator = c.to_string();
        framed = true;
    }
    let period = period_in(window);
    let cumulative = window.contains("累计");
    let deadline = cur.deadline(text, start);
    let metric = metric_of(window).or_else(|| metric_after(bounded(&text[raw_end..], 40)));
    let mut reasons = Vec::new();
    let mut confidence = 1.0;
    if !framed && max.is_none() {
        confidence *= 0.7;
        reasons.push("no comparator");
    }
    if metric.is_none() {
        confidence *= 0.8;
        reasons.push("no metric");
    }
    let span_start = cur.chars - verb.chars().count();
    let span_end = cur.chars + text[start..raw_end].chars().count();
    let target = Target {
        raw: f.orig_slice(raw_start..raw_end).to_string(),
        value,
        max,
        unit: match unit_at {
            Some(at) => as_written(f.orig_slice(at..unit_written_end)),
            None => unit,
        },
        comparator,
        metric,
        period,
        deadline,
        cumulative,
        change,
        factor: change_factor,
        scaled_value: Some(value * factor),
        span: Some([span_start, span_end]),
        confidence,
        confidence_reason: (!reasons.is_empty()).then(|| reasons.join("; ")),
    };
    Some((target, raw_end))
}

/// Verbs that move a value to a new one (`放宽至`, `提高到`, `调整为`).
const MOVE_TO: &[&str] = &[
    "放宽至",
    "放宽到",
    "提高至",
    "提高到",
    "降低至",
    "降低到",
    "降至",
    "调整为",
    "调整至",
    "压缩至",
    "压缩到",
    "缩短至",
    "缩短到",
    "扩大至",
    "扩大到",
    "增加至",
    "增加到",
    "减少至",
    "减少到",
    "提升至",
    "提升到",
];

/// Words that open the consequence of an eligibility condition (`…的，可申请`).
const CONSEQUENCES: &[&str] = &["可", "均可", "即可", "给予", "享受", "予以"];

/// Whether the clause after a quantity ends in `的` and the next clause says
/// what the qualifying party may do: the quantity is a condition.
fn is_condition(after: &str) -> bool {
    let clause = bounded(after, 60);
    let Some(end) = clause.find([',', '，', '。', ';', '；', '\n']) else {
        return false;
    };
    clause[..end].ends_with('的')
        && clause[end..].starts_with([',', '，'])
        && CONSEQUENCES.iter().any(|c| {
            after[end..]
                .trim_start_matches([',', '，', ' '])
                .starts_with(c)
        })
}

/// Verbs whose object may stand between them and the number they frame.
const DISTANT_VERBS: &[(&str, &str)] = &[
    ("达到", ">="),
    ("不低于", ">="),
    ("不少于", ">="),
    ("不超过", "<="),
    ("控制在", "<="),
];

/// A comparator verb among the last 12 characters before a number, with no
/// other number after it.
fn distant_verb(window: &str) -> Option<&'static str> {
    let near = tail(window, 12);
    let (at, c) = DISTANT_VERBS
        .iter()
        .filter_map(|(w, c)| near.rfind(w).map(|i| (i + w.len(), *c)))
        .max_by_key(|(i, _)| *i)?;
    // Numerals inside a short quotation (`“五化”`) are part of a name.
    let mut quoted = false;
    let bare = near[at..].chars().any(|ch| {
        match ch {
            '“' => quoted = true,
            '”' => quoted = false,
            _ => {}
        }
        !quoted && numeral::is_digit_or_chinese_numeral(ch)
    });
    (!bare).then_some(c)
}

/// A unit as written in the original: spaces removed, full-width forms
/// folded (`％` → `%`), the characters otherwise kept (`萬戶` stays).
fn as_written(s: &str) -> String {
    s.chars()
        .filter(|c| !c.is_whitespace())
        .map(|c| match c {
            '\u{FF01}'..='\u{FF5E}' => crate::repair::fold_char(c),
            _ => c,
        })
        .collect()
}

/// Whether the clause text before a time window holds only adverbials
/// (`力争`, `在`) or a starting point (`自印发之日起`): the window then frames
/// what follows.
fn opens_clause(window: &str) -> bool {
    let mut w = window.trim();
    loop {
        let before = w;
        for lead in WINDOW_LEADS {
            w = w.trim_start_matches(lead).trim_end_matches(lead).trim();
        }
        if w == before {
            break;
        }
    }
    w.is_empty() || w.ends_with('起')
}

/// Whether the words before a directed quantity (`以上`, `以下`, `超过`, `满`)
/// make it a qualifying threshold: a scope verb (`超过`), a threshold word
/// (`满`), or no verb at all (the quantity follows a noun or opens the
/// clause: `年营业额500万元以下的`); a commitment verb (`培育100个以上的品牌`)
/// makes it a target.
fn introduces_scope(window: &str, verb: &str, verb_cmp: Option<&str>) -> bool {
    if verb_cmp.is_some() {
        return SCOPE_VERBS.contains(&verb.trim_end_matches([' ', '了']));
    }
    if SCOPE_WORDS.iter().any(|w| window.ends_with(w)) {
        return true;
    }
    if !verb.is_empty() {
        return false;
    }
    let words = crate::lexicon::tag(tail(window, 8));
    !words.last().is_some_and(|(_, t)| t.starts_with('v'))
}

/// The first `n` characters of `s`.
fn bounded(s: &str, n: usize) -> &str {
    match s.char_indices().nth(n) {
        Some((i, _)) => &s[..i],
        None => s,
    }
}

/// The last `n` characters of `s`.
fn tail(s: &str, n: usize) -> &str {
    match s.char_indices().rev().nth(n.saturating_sub(1)) {
        Some((i, _)) if n > 0 => &s[i..],
        _ if n == 0 => "",
        _ => s,
    }
}

/// Byte ranges whose numbers are never targets: titles `《…》` and short
/// quotations (names and slogans, `“十四五”`, `“一网通办”`). A quotation that
/// states goals (`“引进人才达到1000名左右、覆盖率达到90%”`) is read like the
/// rest of the text. An unclosed mark runs to the end of its line. One pass,
/// sorted and merged.
///
/// A quotation states goals when it is [long enough](long_enough_for_goals)
/// and holds a [goal mark](has_goal_mark). Whether it holds one is put
/// together from its parts: the text between its nested quotations is
/// searched when the next one opens or it closes, and a nested quotation
/// passes its answer up, so every byte is searched once however deep the
/// quotations nest (searching each quotation whole took time quadratic in
/// the depth). No goal mark holds a quotation mark, so none straddles one.
fn skipped_regions(text: &str) -> Vec<Range<usize>> {
    /// An open quotation: where it starts, where the part of its inside
    /// not yet searched starts, and whether a goal mark was found so far.
    struct Open {
        start: usize,
        unsearched: usize,
        marked: bool,
    }
    let quote_len = '“'.len_utf8();
    let mut regions = Vec::new();
    let mut quotes: Vec<Open> = Vec::new();
    let mut titles: Vec<usize> = Vec::new();
    for (i, c) in crate::repair::scan::punctuation_indices(text) {
        match c {
            '“' => {
                if let Some(outer) = quotes.last_mut() {
                    outer.marked |= has_goal_mark(&text[outer.unsearched..i]);
                }
                quotes.push(Open {
                    start: i,
                    unsearched: i + quote_len,
                    marked: false,
                });
            }
            '”' => {
                if let Some(q) = quotes.pop() {
                    let marked = q.marked || has_goal_mark(&text[q.unsearched..i]);
                    let inner = &text[q.start + quote_len..i];
                    if !(marked && long_enough_for_goals(inner)) {
                        regions.push(q.start..i + c.len_utf8());
                    }
                    if let Some(outer) = quotes.last_mut() {
                        outer.marked |= marked;
                        outer.unsearched = i + c.len_utf8();
                    }
                }
            }
            '《' => titles.push(i),
            '》' => {
                if let Some(s) = titles.pop() {
                    regions.push(s..i + c.len_utf8());
                }
            }
            '\n' => {
                for s in quotes.drain(..).map(|q| q.start).chain(titles.drain(..)) {
                    regions.push(s..i);
                }
            }
            _ => {}
        }
    }
    for s in quotes.into_iter().map(|q| q.start).chain(titles) {
        regions.push(s..text.len());
    }
    sorted_and_merged(regions)
}

/// `regions` sorted by start, overlapping ones merged.
fn sorted_and_merged(mut regions: Vec<Range<usize>>) -> Vec<Range<usize>> {
    regions.sort_by_key(|r| r.start);
    let mut merged: Vec<Range<usize>> = Vec::new();
    for r in regions {
        match merged.last_mut() {
            Some(last) if r.start <= last.end => last.end = last.end.max(r.end),
            _ => merged.push(r),
        }
    }
    merged
}

/// Eight characters or more: a quotation shorter than that is a name or a
/// slogan, whatever it holds.
fn long_enough_for_goals(inner: &str) -> bool {
    inner.chars().nth(7).is_some()
}

/// Whether `s` holds `%` or a comparator word ([`GOAL_WORDS`]).
fn has_goal_mark(s: &str) -> bool {
    s.contains('%') || GOAL_WORDS.is_match(s)
}

/// The comparator words of [`BEFORE`] and [`AFTER`] but `内`, as one automaton.
static GOAL_WORDS: LazyLock<AhoCorasick> = LazyLock::new(|| {
    let after = AFTER.iter().filter(|(w, _)| *w != "内");
    super::word_set(BEFORE.iter().chain(after).map(|(w, _)| w))
});

/// What the extractor carries forward through an item: characters read,
/// open parentheses on the current line, the start of the current clause and
/// sentence, and the deadline of the current sentence. Numbers come in text
/// order, so nothing is recounted from the start for each number.
#[derive(Default)]
struct Cursor {
    at: usize,
    chars: usize,
    paren: (usize, usize),
    clause: usize,
    sentence: usize,
    /// (sentence start, its end, its deadline).
    deadline: Option<(usize, usize, Option<String>)>,
}

impl Cursor {
    /// Read `text[self.at..to]`.
    fn advance(&mut self, text: &str, to: usize) {
        if to <= self.at {
            return;
        }
        let read = &text[self.at..to];
        self.chars += read.chars().count();
        // Every character that matters below is punctuation.
        for (i, c) in crate::repair::scan::punctuation_indices(read) {
            let next = self.at + i + c.len_utf8();
            match c {
                '\n' => {
                    self.paren = (0, 0);
                    self.clause = next;
                    self.sentence = next;
                }
                '(' => self.paren.0 += 1,
                ')' => self.paren.1 += 1,
                '。' | ';' => {
                    self.clause = next;
                    self.sentence = next;
                }
                ',' | ':' | '!' | '?' | '，' | '；' => self.clause = next,
                _ => {}
            }
        }
        self.at = to;
    }

    fn in_parens(&self) -> bool {
        self.paren.0 > self.paren.1
    }

    /// Deadline of the sentence holding byte `at` (computed once per sentence).
    fn deadline(&mut self, text: &str, at: usize) -> Option<String> {
        if let Some((s, e, d)) = &self.deadline
            && *s == self.sentence
            && at < *e
        {
            return d.clone();
        }
        let e = text[at..].find(['。', '\n']).map_or(text.len(), |i| at + i);
        let d = sentence_deadline(&text[self.sentence..e]);
        self.deadline = Some((self.sentence, e, d.clone()));
        d
    }
}

fn sentence_deadline(sentence: &str) -> Option<String> {
    let c = DEADLINE.captures(sentence)?;
    if let Some(y) = c.get(1) {
        return Some(y.as_str().to_string());
    }
    let n = match c.get(2)?.as_str() {
        "十一五" => 2010,
        "十二五" => 2015,
        "十三五" => 2020,
        "十四五" => 2025,
        "十五五" => 2030,
        "十六五" => 2035,
        _ => return None,
    };
    Some(n.to_string())
}

#[cfg(test)]
mod tests {

    #[test]
    fn comparator_words_are_found_as_by_a_plain_search() {
        fn by_search_end(
            s: &str,
            words: &'static [(&'static str, &'static str)],
        ) -> Option<(&'static str, &'static str)> {
            words.iter().find(|(w, _)| s.ends_with(w)).copied()
        }
        fn by_search_start(
            s: &str,
            words: &'static [(&'static str, &'static str)],
        ) -> Option<(&'static str, &'static str)> {
            words.iter().find(|(w, _)| s.starts_with(w)).copied()
        }
        for s in [
            "全省市场主体数量达到",
            "合格率稳定在",
            "不少于",
            "降至",
            "提高",
            "约",
            "a",
            "",
            "达到5",
            "增长了",
            "以上",
            "及以上",
            "左右，",
            "内完成",
            "以",
            "x以上",
            "压缩至",
            "二十",
        ] {
            for words in [BEFORE, CHANGE, AFTER] {
                assert_eq!(word_ending(s, words), by_search_end(s, words), "{s}");
                assert_eq!(word_starting(s, words), by_search_start(s, words), "{s}");
            }
        }
    }

    #[test]
    fn measure_units_read_longest_with_their_magnitude() {
        let read = |s: &str| {
            let m = match_unit(s, 0).expect(s);
            (m.text, m.factor)
        };
        // Listed units win over magnitude + unit: 千米 is a unit.
        assert_eq!(read("千米以上"), ("千米".to_string(), 1.0));
        assert_eq!(read("万户，"), ("万户".to_string(), 1e4));
        assert_eq!(read("亿元"), ("亿元".to_string(), 1e8));
        assert_eq!(read("万 户"), ("万户".to_string(), 1e4));
        // A bare magnitude, and a rate whose denominator has one.
        assert_eq!(read("万，"), ("万".to_string(), 1e4));
        assert_eq!(read("批次/千人"), ("批次/千人".to_string(), 1.0));
        assert!(match_unit("推进", 0).is_none());
    }
    use super::*;

    /// [`skipped_regions`] as it was written first: each quotation searched
    /// whole when it closes.
    fn skipped_regions_searching_each_quotation(text: &str) -> Vec<Range<usize>> {
        let states_goals = |inner: &str| {
            inner.chars().count() >= 8 && (inner.contains('%') || GOAL_WORDS.is_match(inner))
        };
        let mut regions = Vec::new();
        let (mut quotes, mut titles): (Vec<usize>, Vec<usize>) = (Vec::new(), Vec::new());
        for (i, c) in text.char_indices() {
            match c {
                '“' => quotes.push(i),
                '”' => {
                    if let Some(s) = quotes.pop()
                        && !states_goals(&text[s + '“'.len_utf8()..i])
                    {
                        regions.push(s..i + c.len_utf8());
                    }
                }
                '《' => titles.push(i),
                '》' => {
                    if let Some(s) = titles.pop() {
                        regions.push(s..i + c.len_utf8());
                    }
                }
                '\n' => {
                    for s in quotes.drain(..).chain(titles.drain(..)) {
                        regions.push(s..i);
                    }
                }
                _ => {}
            }
        }
        for s in quotes.into_iter().chain(titles) {
            regions.push(s..text.len());
        }
        sorted_and_merged(regions)
    }

    #[test]
    fn nested_quotations_are_judged_as_when_each_is_searched_whole() {
        // Every string of up to five pieces: quotation and title marks, a
        // line break, goal words whole and split by a mark, `%`, filler,
        // and whole quotations holding a mark (so an outer quotation long
        // enough may owe its mark to a nested one).
        let pieces = [
            "“",
            "”",
            "《",
            "》",
            "\n",
            "达到",
            "达",
            "到",
            "%",
            "甲乙丙丁",
            "甲",
            "“达到”",
            "“%”",
        ];
        for t in crate::repair::scan::every_string(&pieces, 5) {
            assert_eq!(
                skipped_regions(&t),
                skipped_regions_searching_each_quotation(&t),
                "{t:?}"
            );
        }
    }

    #[test]
    fn a_compact_window_leaves_out_spaces_and_stops_at_a_line_break() {
        for text in [
            "850万户，",
            "x万 户以上",
            "x万户\n以上",
            "x 万\n户",
            "x批次/千人以上的",
            "x",
            "x一二三四五六七八九十百千万亿",
        ] {
            for n in [1, 2, 8, 12] {
                // The borrowed window (no space) is what the window built
                // character by character holds.
                let w = CompactWindow::new(text, 1, n);
                let plain = CompactWindow::spaced(text, 1, n);
                assert_eq!(w.text, plain.text, "{text} {n}");
                for (i, c) in plain.text.char_indices() {
                    let len = i + c.len_utf8();
                    assert_eq!(w.end_after(len), plain.end_after(len), "{text} {n} {i}");
                }
            }
        }
        let w = CompactWindow::new("x万 户\n以上", 1, 12);
        assert_eq!(w.text, "万户");
        assert_eq!(w.end_after("万户".len()), "x万 户".len());
    }

    #[test]
    fn period_words_start_where_the_prefilters_look() {
        // `period_in` and `metric_of` search only texts holding these.
        assert!(PERIODS.iter().all(|p| p.starts_with(['每', '年'])));
        assert!(
            PERIODS
                .iter()
                .chain(&["累计", "一般"])
                .all(|p| p.starts_with(['每', '年', '累', '一']))
        );
        assert_eq!(period_in("力争每年新增5家"), Some("每年".to_string()));
        assert_eq!(period_in("全省年均增长5%"), Some("年均".to_string()));
        assert_eq!(period_in("新增5家"), None);
    }

    fn targets(s: &str) -> Vec<(f64, String, String)> {
        let f = Folded::new(s);
        extract_targets(&f, &[])
            .into_iter()
            .map(|t| (t.value, t.unit, t.comparator))
            .collect()
    }

    fn t(v: f64, u: &str, c: &str) -> (f64, String, String) {
        (v, u.to_string(), c.to_string())
    }

    #[test]
    fn seed_style_targets() {
        assert_eq!(
            targets("全省市场主体数量达到850万户。"),
            vec![t(850.0, "万户", ">=")]
        );
        assert_eq!(
            targets("建立社会公用计量标准3000项。"),
            vec![t(3000.0, "项", "=")]
        );
        assert_eq!(targets("合格率达到98%以上。"), vec![t(98.0, "%", ">=")]);
        assert_eq!(
            targets("抽检量每年5批次/千人目标"),
            vec![t(5.0, "批次/千人", "=")]
        );
        assert_eq!(
            targets("“十四五”期末，万台特种设备死亡率控制在0.1以下。"),
            vec![t(0.1, "", "<=")]
        );
        assert_eq!(targets("时间一般不少于10天。"), vec![t(10.0, "天", ">=")]);
        assert_eq!(
            targets("累计实现颁发有效认证证书10万张。"),
            vec![t(10.0, "万张", "=")]
        );
        assert_eq!(
            targets("培育100个以上品牌、100个以上特色品牌"),
            vec![t(100.0, "个", ">="), t(100.0, "个", ">=")]
        );
    }

    #[test]
    fn report_style_targets() {
        assert_eq!(targets("地区生产总值增长7%以上"), vec![t(7.0, "%", ">=")]);
        assert_eq!(targets("控制在4.5%以内"), vec![t(4.5, "%", "<=")]);
        assert_eq!(targets("居民消费价格涨幅3.5%左右"), vec![t(3.5, "%", "≈")]);
        assert_eq!(
            targets("分别达到65%和55%"),
            vec![t(65.0, "%", ">="), t(55.0, "%", ">=")]
        );
        assert_eq!(
            targets("城镇新增就业900万人以上"),
            vec![t(900.0, "万人", ">=")]
        );
        assert_eq!(
            targets("压缩至14个工作日内"),
            vec![t(14.0, "个工作日", "<=")]
        );
        assert_eq!(targets("不少于一百名"), vec![t(100.0, "名", ">=")]);
        let f = Folded::new("新建1到2个示范区");
        let got = extract_targets(&f, &[]);
        assert_eq!((got[0].value, got[0].max), (1.0, Some(2.0)));
        let f = Folded::new("地区生产总值增长7%");
        assert_eq!(
            extract_targets(&f, &[])[0].change.as_deref(),
            Some("increase")
        );
    }

    #[test]
    fn metric_period_deadline() {
        let f = Folded::new("到2025年，全省市场主体数量达到850万户。");
        let t = &extract_targets(&f, &[])[0];
        assert_eq!(t.metric.as_deref(), Some("全省市场主体数量"));
        assert_eq!(t.deadline.as_deref(), Some("2025"));
        let f = Folded::new("“十四五”期末，万台特种设备死亡率控制在0.1以下。");
        assert_eq!(
            extract_targets(&f, &[])[0].deadline.as_deref(),
            Some("2025")
        );
        let f = Folded::new("抽检量每年5批次/千人");
        assert_eq!(extract_targets(&f, &[])[0].period.as_deref(), Some("每年"));
    }

    #[test]
    fn non_targets() {
        for s in [
            "推进12315热线建设",
            "将3C免办工作下放",
            "“十四五”规划",
            "实现“一网通办、一事联办”",
            "健全“双随机、一公开”监管机制，实行“四公开”",
            "深入实施“万千百”质量提升行动",
            "每年滚动实施“一市一域、一县一品”质量提升工作",
            "推进专项整治三年行动",
            "深化武汉、襄阳、宜昌三个自贸片区改革",
            "合理划分省市县三级市场监管机构",
            "2022年8月1日",
            "鄂市监综函〔2022〕151号",
            "打造一批示范商户",
            "建设智慧审批一张网",
            "到2025年实现全覆盖",
        ] {
            assert!(targets(s).is_empty(), "{s}: {:?}", targets(s));
        }
    }

    #[test]
    fn chinese_numerals() {
        assert_eq!(chinese_value("一千二百"), Some(1200.0));
        assert_eq!(chinese_value("十五"), Some(15.0));
        assert_eq!(chinese_value("两万"), Some(20000.0));
        assert_eq!(chinese_value("三点五"), Some(3.5));
        assert_eq!(
            targets("审批时间减至1个月、半个月"),
            vec![t(1.0, "个月", "<="), t(0.5, "个月", "<=")]
        );
        assert!(targets("上半年完成").is_empty());
    }
}
