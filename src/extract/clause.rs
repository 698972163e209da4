//! Unit clauses, recognised by what they are made of rather than by a fixed
//! list of spellings. A clause is a bracketed span (any bracket kind or
//! width: `（）` `()` `〔〕` `【】` `〈〉` `［］` `〖〗`), a label line
//! (`责任单位：区发改局`), or a sentence of its own, whose pieces are
//!
//! - labelled lists: `牵头单位：…`, `责任部门：…`, and any short label word
//!   ending in 单位/部门/处室/科室/股室 followed by a colon;
//! - lists of organization names (see [`crate::extract::org`]) ending in a role
//!   word (`data/role_words.txt`: 牵头, 负责, 负责落实, 配合, 参与, 指导,
//!   按职责分工负责 …), or joined by `会同` (`X会同Y负责`: X leads, Y is
//!   responsible);
//! - deadline phrases (`年内持续推进`, `6月底完成`);
//! - standing notes (`具体任务不再做分工，下同`, `data/clause_notes.txt`) and the
//!   declaration `列第一位者为牵头单位（下同）`.
//!
//! A clause cut by the end of a truncated copy keeps the complete names
//! before the cut and is marked [`Clause::truncated`]. An assignment inside a
//! task sentence (`由X牵头，Y配合，开展…`) is running text, not a clause.
//!
//! Everything works on the folded view of an item's text and returns byte
//! ranges into it, so the caller can recover the original text.

use crate::extract::org::is_org_name;
use crate::extract::split::{Spans, split_top, split_units, trim_range};
use crate::extract::word_set;
use crate::repair::scan::{contains_word, ends_with_word, punctuation_indices};
use aho_corasick::AhoCorasick;
use regex::Regex;
use std::ops::Range;
use std::sync::LazyLock;

/// What a list in a clause names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Slot {
    /// 牵头 units.
    Lead,
    /// 责任/配合/参与/协办 units.
    Responsible,
    /// People (责任领导 …).
    Leaders,
    /// A deadline (完成时限 …).
    Deadline,
}

/// One list of a clause: its slot and its folded byte range.
#[derive(Debug, Clone, PartialEq)]
pub struct Part {
    /// What the list names.
    pub slot: Slot,
    /// Folded byte range of the list (without label or verb).
    pub range: Range<usize>,
    /// Whether the list came from a verb form with no lead marker (`（X、Y负责）`).
    pub unmarked: bool,
}

/// A unit clause found in an item.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Clause {
    /// Folded byte range of the whole clause, brackets included.
    pub span: Range<usize>,
    /// The lists.
    pub parts: Vec<Part>,
    /// `责任单位` written twice where the first should be `牵头单位`.
    pub duplicate_label: bool,
    /// The clause declares `列第一位者为牵头单位`.
    pub declares_first_lead: bool,
    /// … with `下同`: the declaration holds for later clauses too.
    pub declares_same_below: bool,
    /// The clause was cut off by the end of the text (a truncated copy): the
    /// name that ran into the cut was dropped.
    pub truncated: bool,
}

/// The role a role word gives the list before it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Role {
    Lead,
    Responsible,
    /// `会同`: the list before leads, the list after is responsible.
    Partner,
}

/// Role words (`data/role_words.txt`), longest first.
/// Build this module's automata and regexes now instead of on first use.
pub(crate) fn prepare() {
    LazyLock::force(&ROLE_WORDS);
    LazyLock::force(&NOTES);
    LazyLock::force(&LABEL);
    LazyLock::force(&HEADING_WORD);
    LazyLock::force(&LABEL_LINE);
    LazyLock::force(&FIRST_IS_LEAD);
    LazyLock::force(&DEADLINE_PART);
    LazyLock::force(&ROLE_WORD_AUTOMATON);
    LazyLock::force(&LABEL_MARK_SET);
    LazyLock::force(&DEADLINE_CELL);
}

static ROLE_WORDS: LazyLock<Vec<(&'static str, Role)>> = LazyLock::new(|| {
    let mut v: Vec<(&str, Role)> = include_str!("../data/role_words.txt")
        .lines()
        .filter(|l| !l.trim().is_empty() && !l.starts_with('#'))
        .filter_map(|l| {
            let (word, role) = l.split_once('\t')?;
            let role = match role.trim() {
                "lead" => Role::Lead,
                "responsible" => Role::Responsible,
                "partner" => Role::Partner,
                _ => return None,
            };
            Some((word.trim(), role))
        })
        .collect();
    v.sort_by_key(|(w, _)| std::cmp::Reverse(w.len()));
    v
});

/// Standing notes (`data/clause_notes.txt`): the words as one automaton,
/// and the characters they start with as another (a text without any of
/// them has no note).
static NOTES: LazyLock<(AhoCorasick, AhoCorasick)> = LazyLock::new(|| {
    let words: Vec<&str> = include_str!("../data/clause_notes.txt")
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .collect();
    let mut first: Vec<char> = words.iter().filter_map(|w| w.chars().next()).collect();
    first.sort_unstable();
    first.dedup();
    let first = first.iter().map(|c| c.to_string());
    (word_set(&words), word_set(first))
});

/// Whether `s` starts with a character a [`DEADLINE_PART`] can start with
/// (a digit or the first character of one of its words), so that other
/// texts skip the regex.
fn may_start_deadline(s: &str) -> bool {
    s.chars()
        .next()
        .is_some_and(|c| c.is_numeric() || DEADLINE_FIRST_CHARS.contains(&c))
}

/// The first characters of the words of [`DEADLINE_PART`] (digits aside).
const DEADLINE_FIRST_CHARS: &[char] = &[
    '一', '二', '三', '四', '五', '六', '七', '八', '九', '十', '年', '上', '下', '今', '明', '本',
    '当', '全', '长', '持', '常', '立', '即', '每', '按', '第', '近', '分', '逐',
];

/// Label words that may stand without a colon (`牵头单位 区发改局`).
const LABELS: &str = r"牵头责任单位|牵头负责单位|牵头负责领导|牵头领导|牵头单位|牵头部门|牵头处室|牵头科室|协同责任单位|协同单位|责任单位|责任部门|责任处室|责任科室|配合单位|配合部门|配合处室|参与单位|参与部门|协办单位|主办单位|承办单位|监考单位|考核单位|责任领导|分管领导|负责领导|完成时限|完成时间|时间节点|时限要求|责任人";

/// Characters a label must follow: start of the text, a space, a separator
/// or a bracket (so `各专项牵头单位` is a name, not `各专项` + a label).
const LABEL_BOUNDARY: &str = r"(?:^|[\s(\[〔【〈〖,;。、:])";

/// A label: a known label word after a boundary (colon optional) or before a
/// colon (`市商务局责任单位:`), or any short word ending in
/// 单位/部门/处室/科室/股室/领导 after a boundary and before a colon.
static LABEL: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(&format!(
        r"(?:{LABEL_BOUNDARY}({LABELS})\s*[)\]〕】〉〗]?\s*:?|({LABELS})\s*:|{LABEL_BOUNDARY}(\p{{Han}}{{0,6}}?(?:单位|部门|处室|科室|股室|领导))\s*[)\]〕】〉〗]?\s*:)"
    ))
    .unwrap()
});

/// A short heading word with a colon before a verb-form clause: `部门分工:`,
/// `责任分工:`.
static HEADING_WORD: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^\s*\p{Han}{1,6}\s*:").unwrap());

/// A label at the start of a line (label lines after an item), with a colon
/// or in brackets of its own (`【责任单位】区发改局`). Every match starts at a
/// line start, so [`label_line_matches`] tries it there only, anchored.
static LABEL_LINE: LazyLock<regex_automata::meta::Regex> =
    LazyLock::new(|| regex_automata::meta::Regex::new(&label_line_pattern()).unwrap());

/// The pattern of [`LABEL_LINE`].
fn label_line_pattern() -> String {
    format!(
        r"(?m)^\s*(?:[(\[〔【〈〖]\s*(?:{LABELS}|\p{{Han}}{{0,6}}?(?:单位|部门|处室|科室|股室))\s*[)\]〕】〉〗]|\(?\s*(?:{LABELS}|\p{{Han}}{{0,6}}?(?:单位|部门|处室|科室|股室))\s*:)"
    )
}

static FIRST_IS_LEAD: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(列|排)(在)?(第一|首)位(者|的)?(单位|部门)?为牵头(单位|部门)").unwrap()
});

/// The declaration `列第一位者为牵头单位` in `s`: every spelling holds
/// `为牵头`, so a text without it is not searched.
fn first_is_lead(s: &str) -> Option<regex::Match<'_>> {
    if contains_word(s, "为牵头") {
        FIRST_IS_LEAD.find(s)
    } else {
        None
    }
}

/// A deadline phrase: starts with a date or a time word.
static DEADLINE_PART: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"^(?:\d{4}\s*年|\d{4}[-.—]|[0-9一二三四五六七八九十]{1,3}\s*月|年内|年底|年中|年末|年前|上半年|下半年|今年|明年|本年|当年|全年|长期|持续|常态化|立即|即日|每年|每季|每月|每半年|按年度|按季度|按月|第[一二三四]季度|20\d\d|近期|分年度|逐年|\d{1,2}月)",
    )
    .unwrap()
});

/// The brackets that open a clause.
fn is_clause_opener(c: char) -> bool {
    matches!(c, '(' | '[' | '〔' | '【' | '〈' | '〖')
}

/// The brackets that close a clause.
fn is_clause_closer(c: char) -> bool {
    matches!(c, ')' | ']' | '〕' | '】' | '〉' | '〗')
}

fn slot_of_label(label: &str) -> Slot {
    if label.ends_with("领导") || label == "责任人" {
        Slot::Leaders
    } else if label.starts_with("完成") || label.starts_with("时") {
        Slot::Deadline
    } else if ["牵头", "主责", "主办", "主要", "主导", "总牵头"]
        .iter()
        .any(|p| label.starts_with(p))
    {
        Slot::Lead
    } else {
        Slot::Responsible
    }
}

/// The role words as one automaton, so that a text is searched for all of
/// them in one pass.
static ROLE_WORD_AUTOMATON: LazyLock<AhoCorasick> =
    LazyLock::new(|| word_set(ROLE_WORDS.iter().map(|(w, _)| w)));

/// Whether a role word occurs anywhere in `s`.
fn contains_role_word(s: &str) -> bool {
    ROLE_WORD_AUTOMATON.is_match(s)
}

/// The role word `s` ends with: (start of the word, role).
fn role_suffix(s: &str) -> Option<(usize, Role)> {
    let s = s.trim_end_matches(['。', ' ']);
    ROLE_WORDS
        .iter()
        .find(|(w, r)| *r != Role::Partner && ends_with_word(s, w))
        .map(|(w, r)| (s.len() - w.len(), *r))
}

/// A standing note: a note word outside brackets (`各区政府(含开发区,下同)`
/// is a name with a note of its own, not a note).
fn is_note(s: &str) -> bool {
    let (words, first) = &*NOTES;
    // Without a character a note word starts with, neither `s` nor its top
    // level can hold a note.
    if !first.is_match(s) {
        return false;
    }
    let top = top_level(s);
    first.is_match(&top) && words.is_match(&top)
}

/// `s` without its bracketed parts.
fn top_level(s: &str) -> String {
    let mut depth = 0i32;
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        if crate::extract::split::is_opener(c) {
            depth += 1;
        } else if crate::extract::split::is_closer(c) {
            depth = (depth - 1).max(0);
        } else if depth == 0 {
            out.push(c);
        }
    }
    out
}

fn is_deadline(s: &str) -> bool {
    may_start_deadline(s) && DEADLINE_PART.is_match(s) && !is_org_name(s)
}

/// Find the unit clauses of a folded item text.
pub fn find_clauses(text: &str) -> Vec<Clause> {
    let mut out = Vec::new();
    bracket_clauses(text, &mut out);
    label_lines(text, &mut out);
    assignment_sentences(text, &mut out);
    out.sort_by_key(|c| c.span.start);
    out
}

/// Clauses in top-level brackets of any kind, and a bracket left open by the
/// end of the text (a truncated copy).
fn bracket_clauses(text: &str, out: &mut Vec<Clause>) {
    let mut depth = 0usize;
    let mut open = 0usize;
    // Where the first bracket nested inside the open one was opened, if it is still open.
    let mut nested_open: Option<usize> = None;
    for (i, c) in punctuation_indices(text) {
        if is_clause_opener(c) {
            if depth == 0 {
                open = i;
            } else if depth == 1 {
                nested_open = Some(i);
            }
            depth += 1;
        } else if is_clause_closer(c) && depth > 0 {
            depth -= 1;
            if depth == 1 {
                nested_open = None;
            }
            if depth == 0 {
                nested_open = None;
                let inner = open + open_len(text, open)..i;
                if let Some(mut cl) = parse_clause(text, inner, false) {
                    cl.span = open..i + c.len_utf8();
                    out.push(cl);
                }
            }
        } else if c == '\n' {
            depth = 0;
            nested_open = None;
        }
    }
    if depth > 0 {
        truncated_clause(text, open, nested_open, out);
    }
}

fn open_len(text: &str, at: usize) -> usize {
    text[at..].chars().next().map_or(1, char::len_utf8)
}

/// A clause cut by the end of the text: `（牵头单位：市发改委；责任单位：市财政局、各县人民政府〈含园区、`.
/// An unclosed bracket inside it is cut off with what follows (the name before
/// it is complete); otherwise the name after the last separator ran into the
/// cut and is dropped.
fn truncated_clause(text: &str, open: usize, nested_open: Option<usize>, out: &mut Vec<Clause>) {
    let start = open + open_len(text, open);
    let content = &text[start..];
    let has_role = LABEL.is_match(content) || contains_role_word(content);
    if !has_role {
        return;
    }
    let end = match nested_open {
        Some(n) => n,
        None => {
            let mut depth = 0i32;
            let mut cut = start;
            for (i, c) in content.char_indices() {
                match c {
                    _ if is_clause_opener(c) => depth += 1,
                    _ if is_clause_closer(c) => depth -= 1,
                    '、' | ',' | ';' | '，' | '；' | ':' | '。' if depth <= 0 => {
                        cut = start + i + c.len_utf8()
                    }
                    _ => {}
                }
            }
            cut
        }
    };
    let mut cl = parse_clause(text, start..end, false).unwrap_or_default();
    cl.span = open..text.len();
    cl.truncated = true;
    out.push(cl);
}

/// Label lines outside brackets: `责任单位：区发改局` at the start of a line.
/// The list runs to the end of the line (or its first `。`).
fn label_lines(text: &str, out: &mut Vec<Clause>) {
    let mut found = Spans::of(out.iter().map(|c| c.span.clone()));
    for m in label_line_matches(text) {
        if found.overlaps(m.start..m.start + 1) {
            continue;
        }
        let whole = &text[m.clone()];
        let start = m.start + (whole.len() - whole.trim_start_matches([' ', '(', '\n']).len());
        let end = text[start..].find('\n').map_or(text.len(), |e| start + e);
        let line = &text[start..end];
        let unbalanced = line.matches(')').count() > line.matches('(').count();
        let end = if unbalanced && line.ends_with(')') {
            end - 1
        } else {
            end
        };
        // The last line of a truncated copy: a name cut short (`牵头单位:区商`).
        let mut list_end = end;
        let mut truncated = false;
        if end == text.len() {
            let last = text[..end]
                .rfind(['、', ',', ';', '，', '；', ':'])
                .map_or(start, |i| {
                    i + text[i..].chars().next().map_or(1, char::len_utf8)
                });
            let name = &text[last..end];
            let unit_list_last = find_labels(line)
                .last()
                .is_some_and(|l| matches!(l.slot, Slot::Lead | Slot::Responsible));
            if unit_list_last && !is_org_name(name) && !name.ends_with('等') && !is_deadline(name)
            {
                list_end = last;
                truncated = true;
            }
        }
        let parsed = parse_clause(text, start..list_end, false);
        if parsed.is_some() || truncated {
            let mut cl = parsed.unwrap_or_default();
            cl.span = start..end;
            cl.truncated = truncated;
            out.push(cl);
        }
    }
}

/// The matches of [`LABEL_LINE`] in `text`, left to right and not
/// overlapping, as `find_iter` gives them: the pattern is tried, anchored,
/// at each line start after the last match (its `^` looks behind the start,
/// so it holds there), instead of running the search over every byte.
fn label_line_matches(text: &str) -> impl Iterator<Item = Range<usize>> + '_ {
    use regex_automata::{Anchored, Input};
    let line_starts =
        std::iter::once(0).chain(memchr::memchr_iter(b'\n', text.as_bytes()).map(|i| i + 1));
    let mut resume = 0;
    line_starts.filter_map(move |at| {
        if at < resume {
            return None;
        }
        let m = LABEL_LINE.find(Input::new(text).range(at..).anchored(Anchored::Yes))?;
        resume = m.end();
        Some(m.range())
    })
}

/// Sentences of their own (after the first) that only assign units:
/// `县教育局、县卫健局负责落实。`.
fn assignment_sentences(text: &str, out: &mut Vec<Clause>) {
    let mut start = 0;
    let mut first = true;
    let mut depth = 0i32;
    let mut ends = Vec::new();
    for (i, c) in punctuation_indices(text) {
        match c {
            _ if is_clause_opener(c) || c == '“' || c == '《' => depth += 1,
            _ if is_clause_closer(c) || c == '”' || c == '》' => depth = (depth - 1).max(0),
            '\n' => {
                depth = 0;
                ends.push((start, i));
                start = i + 1;
            }
            '。' | '!' | '?' if depth == 0 => {
                ends.push((start, i + c.len_utf8()));
                start = i + c.len_utf8();
            }
            _ => {}
        }
    }
    ends.push((start, text.len()));
    let mut found = Spans::of(out.iter().map(|c| c.span.clone()));
    for (s, e) in ends {
        let r = trim_range(text, s..e);
        if r.is_empty() {
            continue;
        }
        if std::mem::take(&mut first) {
            continue;
        }
        if found.overlaps(r.clone()) {
            continue;
        }
        let sentence = &text[r.clone()];
        // (No more characters than bytes: a short sentence is not counted.)
        if (sentence.len() > 300 && sentence.chars().count() > 300) || !may_assign(sentence) {
            continue;
        }
        if let Some(mut cl) = parse_clause(text, r.clone(), true) {
            cl.span = r;
            out.push(cl);
        }
    }
}

/// Whether `s` holds a role word or a [`LABEL`]: the label regex runs only
/// where one of the marks every label holds ([`LABEL_MARKS`]) occurs and no
/// role word does.
fn may_assign(s: &str) -> bool {
    contains_role_word(s) || (LABEL_MARK_SET.is_match(s) && LABEL.is_match(s))
}

/// What every label word of [`LABEL`] holds: the endings of its generic
/// form, and a part of each of [`LABELS`].
const LABEL_MARKS: &[&str] = &[
    "单位",
    "部门",
    "处室",
    "科室",
    "股室",
    "领导",
    "时限",
    "时间",
    "节点",
    "责任人",
];

/// [`LABEL_MARKS`] as a set of words.
static LABEL_MARK_SET: LazyLock<AhoCorasick> = LazyLock::new(|| word_set(LABEL_MARKS));

/// `X会同Y`: the ranges of X and Y, when `会同` stands between two lists at top level.
fn split_partner(text: &str, r: Range<usize>) -> Option<(Range<usize>, Range<usize>)> {
    let s = &text[r.clone()];
    let mut depth = 0i32;
    for (i, c) in s.char_indices() {
        match c {
            '(' | '《' | '“' => depth += 1,
            ')' | '》' | '”' => depth -= 1,
            '会' if depth == 0 && s[i..].starts_with("会同") && i > 0 => {
                let x = trim_range(text, r.start..r.start + i);
                let y = trim_range(text, r.start + i + "会同".len()..r.end);
                return (!x.is_empty() && !y.is_empty()).then_some((x, y));
            }
            _ => {}
        }
    }
    None
}

static DEADLINE_CELL: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"^(\d{4}年(\d{1,2}月)?(底|末|中旬|上旬|下旬)?(前|以前)?|年内|长期|持续推进|长期坚持)$",
    )
    .unwrap()
});

/// Cells of a task table flattened one cell per line: lines after the first
/// that consist only of unit names fill the unit columns in order; a line
/// that is only a date is the deadline cell.
pub fn table_cells(text: &str, columns: &[Slot]) -> Vec<Clause> {
    let mut out = Vec::new();
    let mut col = 0;
    let mut offset = 0;
    for (k, line) in text.split('\n').enumerate() {
        let start = offset;
        offset += line.len() + 1;
        let r = trim_range(text, start..start + line.len());
        let cell = &text[r.clone()];
        if k == 0 || cell.is_empty() {
            continue;
        }
        let slot = if DEADLINE_CELL.is_match(cell) {
            Slot::Deadline
        } else if col < columns.len() && is_unit_list(cell) {
            col += 1;
            columns[col - 1]
        } else {
            continue;
        };
        out.push(Clause {
            span: r.clone(),
            parts: vec![Part {
                slot,
                range: r,
                unmarked: false,
            }],
            ..Default::default()
        });
    }
    out
}

/// A cell holding nothing but unit names (`市经信局、市财政局等,各县、市、区政府`).
fn is_unit_list(cell: &str) -> bool {
    if cell.contains('。') || cell.chars().count() > 200 {
        return false;
    }
    let units = split_units(cell);
    !units.is_empty() && units.iter().all(|r| is_org_name(&cell[r.clone()]))
}

/// Names of a list, as split by [`split_units`].
fn names_of(s: &str) -> Vec<&str> {
    split_units(s).into_iter().map(|r| &s[r]).collect()
}

/// Whether a list reads as organization names: all of them when `strict`
/// (a sentence of its own), most of them otherwise (inside brackets).
fn org_list_ok(s: &str, strict: bool) -> bool {
    let names = names_of(s);
    if strict {
        !names.is_empty() && names.iter().all(|n| is_org_name(n))
    } else {
        crate::extract::org::is_org_list(&names)
    }
}

/// A label found in a clause: the range of the whole match (boundary,
/// label word, colon), its slot, and whether it is a `责任…` label.
struct Label {
    whole: Range<usize>,
    slot: Slot,
    responsibility: bool,
}

fn find_labels(content: &str) -> Vec<Label> {
    LABEL
        .find_iter(content)
        .map(|m| {
            // The label word is the match without the boundary character
            // before it and the brackets, spaces and colon after it (the
            // word starts and ends with a Han character), which spares
            // running the capture groups.
            let whole = m.as_str();
            let after_boundary = whole
                .strip_prefix(|c: char| is_label_boundary(c))
                .unwrap_or(whole);
            let word = after_boundary
                .trim_end_matches(|c: char| c.is_whitespace() || c == ':' || is_clause_closer(c));
            let word_start = m.start() + (whole.len() - after_boundary.len());
            // A label in brackets of its own (`【责任单位】`) starts at its bracket.
            let start = content[..word_start]
                .chars()
                .next_back()
                .filter(|&c| is_clause_opener(c))
                .map_or(word_start, |c| word_start - c.len_utf8());
            Label {
                whole: start..m.end(),
                slot: slot_of_label(word),
                responsibility: word.starts_with("责任"),
            }
        })
        .collect()
}

/// The characters of [`LABEL_BOUNDARY`].
fn is_label_boundary(c: char) -> bool {
    c.is_whitespace()
        || matches!(
            c,
            '(' | '[' | '〔' | '【' | '〈' | '〖' | ',' | ';' | '。' | '、' | ':'
        )
}

/// Parse the inside of a candidate clause (a folded byte range of `text`);
/// `None` when it is not a unit clause. `strict` (a sentence of its own)
/// requires every piece to be a list of organization names, a role, a
/// deadline or a note.
pub fn parse_clause(text: &str, inner: Range<usize>, strict: bool) -> Option<Clause> {
    let content = &text[inner.clone()];
    if content.trim().is_empty() {
        return None;
    }
    let mut clause = Clause::default();
    // The declaration `列第一位者为牵头单位，下同` is masked so its `牵头单位` is not a label.
    let masked;
    let content = match first_is_lead(content) {
        Some(m) => {
            clause.declares_first_lead = true;
            clause.declares_same_below = content.contains("下同");
            let mut text = content.to_string();
            text.replace_range(m.range(), &" ".repeat(m.len()));
            masked = text;
            masked.as_str()
        }
        None => content,
    };
    let labels = find_labels(content);
    if !labels.is_empty() {
        if strict && !content[..labels[0].whole.start].trim().is_empty() {
            return None;
        }
        label_clause(content, inner.start, &labels, &mut clause);
    } else {
        // A verb form needs a piece that ends in a role word (see
        // [`role_piece`]): without any role word it is no clause, which one
        // search decides before the pieces are read.
        if !contains_role_word(content) {
            return None;
        }
        // A heading word before a verb form (`部门分工:X牵头,Y配合`) is not a unit.
        let skip = HEADING_WORD.find(content).map_or(0, |m| m.end());
        verb_clause(&content[skip..], inner.start + skip, strict, &mut clause)?;
    }
    (!clause.parts.is_empty()).then_some(clause)
}

/// Lists after labels. Text before the first label (`区委办 牵头单位:`) is
/// ignored; a deadline after a comma becomes the deadline; notes and text that
/// is not a unit list after the first piece are dropped.
fn label_clause(content: &str, base: usize, labels: &[Label], clause: &mut Clause) {
    let mut resp_labels = 0;
    for (k, label) in labels.iter().enumerate() {
        let end = labels.get(k + 1).map_or(content.len(), |n| n.whole.start);
        let range = trim_range(content, label.whole.end..end);
        if range.is_empty() {
            continue;
        }
        if label.slot == Slot::Responsible && label.responsibility {
            resp_labels += 1;
        }
        if matches!(label.slot, Slot::Leaders | Slot::Deadline) {
            clause.parts.push(Part {
                slot: label.slot,
                range: base + range.start..base + range.end,
                unmarked: false,
            });
            continue;
        }
        let mut run: Option<Range<usize>> = None;
        let mut kept = 0;
        let flush = |run: &mut Option<Range<usize>>, clause: &mut Clause| {
            if let Some(r) = run.take() {
                clause.parts.push(Part {
                    slot: label.slot,
                    range: base + r.start..base + r.end,
                    unmarked: false,
                });
            }
        };
        let list = &content[range.clone()];
        for piece in split_top(list, &[',', ';', '，', '；', '。']) {
            let p = trim_range(list, piece);
            let s = &list[p.clone()];
            if s.is_empty() {
                continue;
            }
            let abs = range.start + p.start..range.start + p.end;
            if is_note(s) || first_is_lead(s).is_some() {
                flush(&mut run, clause);
            } else if is_deadline(s) {
                flush(&mut run, clause);
                clause.parts.push(Part {
                    slot: Slot::Deadline,
                    range: base + abs.start..base + abs.end,
                    unmarked: false,
                });
            } else if kept == 0 || org_list_ok(s, false) {
                kept += 1;
                run = Some(match run {
                    Some(r) => r.start..abs.end,
                    None => abs,
                });
            } else {
                flush(&mut run, clause);
            }
        }
        flush(&mut run, clause);
    }
    let has_lead = clause.parts.iter().any(|p| p.slot == Slot::Lead);
    if !has_lead && resp_labels >= 2 {
        if let Some(p) = clause
            .parts
            .iter_mut()
            .find(|p| p.slot == Slot::Responsible)
        {
            p.slot = Slot::Lead;
        }
        clause.duplicate_label = true;
    }
}

/// Lists read from role words: `X牵头，Y配合`, `X、Y指导`, `X会同Y负责`,
/// `X指导，Y负责落实`. Lists without a role word before one take its role;
/// after the last one they are responsible. `None` when no piece carries a
/// role word after a list of organization names.
fn verb_clause(content: &str, base: usize, strict: bool, clause: &mut Clause) -> Option<()> {
    let mut pending: Vec<Range<usize>> = Vec::new();
    let mut any_role = false;
    let abs = |r: &Range<usize>| base + r.start..base + r.end;
    for piece in split_top(content, &[',', ';', '，', '；', '。']) {
        let p = trim_range(content, piece);
        let s = &content[p.clone()];
        if s.is_empty() || is_note(s) || first_is_lead(s).is_some() {
            continue;
        }
        if is_deadline(s) {
            clause.parts.push(Part {
                slot: Slot::Deadline,
                range: abs(&p),
                unmarked: false,
            });
            continue;
        }
        if let Some(lists) = role_piece(content, p.clone(), strict) {
            any_role = true;
            let slot = lists[0].1;
            for r in pending.drain(..) {
                clause.parts.push(Part {
                    slot,
                    range: abs(&r),
                    unmarked: slot == Slot::Responsible,
                });
            }
            for (r, slot, unmarked) in lists {
                clause.parts.push(Part {
                    slot,
                    range: abs(&r),
                    unmarked,
                });
            }
        } else if org_list_ok(s, strict) {
            pending.push(p);
        } else if strict {
            return None;
        }
    }
    if !any_role {
        return None;
    }
    for r in pending {
        clause.parts.push(Part {
            slot: Slot::Responsible,
            range: abs(&r),
            unmarked: true,
        });
    }
    Some(())
}

/// A piece ending in role words (`市发改委牵头`, `省财政厅负责组织实施`,
/// `由X会同Y负责`): its lists with slot and whether the role left the lead
/// unmarked. `None` when the piece has no role word or its list is not made of
/// organization names.
fn role_piece(
    content: &str,
    p: Range<usize>,
    strict: bool,
) -> Option<Vec<(Range<usize>, Slot, bool)>> {
    let mut end = p.end;
    let mut lead = false;
    let mut any = false;
    while let Some((cut, role)) = role_suffix(&content[p.start..end]) {
        any = true;
        lead |= role == Role::Lead;
        end = p.start + cut;
    }
    if !any {
        return None;
    }
    let mut list = trim_range(content, p.start..end);
    if content[list.clone()].starts_with('由') {
        list.start += '由'.len_utf8();
    }
    if list.is_empty() {
        return None;
    }
    let lists = match split_partner(content, list.clone()) {
        Some((x, y)) => vec![(x, Slot::Lead, false), (y, Slot::Responsible, false)],
        None if lead => vec![(list, Slot::Lead, false)],
        None => vec![(list, Slot::Responsible, true)],
    };
    lists
        .iter()
        .all(|(r, _, _)| org_list_ok(&content[r.clone()], strict))
        .then_some(lists)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::repair::fold;

    #[test]
    fn every_label_holds_a_label_mark() {
        let generic = ["单位", "部门", "处室", "科室", "股室", "领导"];
        for w in LABELS.split('|').chain(generic) {
            assert!(LABEL_MARKS.iter().any(|m| w.contains(m)), "{w}");
        }
        // So a text without a mark needs no label search.
        for s in [
            "县教育局、县卫健局负责落实",
            "责任单位:区发改局",
            "时间节点 2023年底",
            "部门单位都要重视",
            "明确负责任人员",
            "责任人负责",
            "推进工作",
            "",
        ] {
            assert_eq!(
                may_assign(s),
                contains_role_word(s) || LABEL.is_match(s),
                "{s}"
            );
        }
    }

    fn lists(text: &str) -> Vec<(Slot, String)> {
        let f = fold(text);
        find_clauses(&f)
            .iter()
            .flat_map(|c| {
                c.parts
                    .iter()
                    .map(|p| (p.slot, f[p.range.clone()].to_string()))
                    .collect::<Vec<_>>()
            })
            .collect()
    }

    #[test]
    fn labelled_clause_in_either_width() {
        let got =
            lists("甲。（牵头单位：省局注册处；责任单位：省局科信处，各市、州、县市场监管局）");
        assert_eq!(
            got,
            vec![
                (Slot::Lead, "省局注册处".into()),
                (
                    Slot::Responsible,
                    "省局科信处,各市、州、县市场监管局".into()
                )
            ]
        );
        let got = lists("甲。(牵头单位:省局信用处;责任单位:省局科信处)");
        assert_eq!(got.len(), 2);
    }

    #[test]
    fn labels_separated_only_by_spaces() {
        let got = lists("(牵头单位:市商务局  责任单位:市编办、市发改委)");
        assert_eq!(
            got,
            vec![
                (Slot::Lead, "市商务局".into()),
                (Slot::Responsible, "市编办、市发改委".into())
            ]
        );
    }

    #[test]
    fn duplicate_responsible_label_makes_the_first_the_lead() {
        let f = fold("（责任单位：省局注册处；责任单位：省局科信处）");
        let c = &find_clauses(&f)[0];
        assert!(c.duplicate_label);
        assert_eq!(c.parts[0].slot, Slot::Lead);
        assert_eq!(c.parts[1].slot, Slot::Responsible);
    }

    #[test]
    fn lead_responsible_label_is_lead() {
        let got = lists("（牵头责任单位：区发改局；协同责任单位：区财政局）");
        assert_eq!(
            got,
            vec![
                (Slot::Lead, "区发改局".into()),
                (Slot::Responsible, "区财政局".into())
            ]
        );
    }

    #[test]
    fn verb_forms() {
        let got = lists("（区政务服务局牵头，区发改局、区住建局等部门，区国投公司配合）");
        assert_eq!(
            got,
            vec![
                (Slot::Lead, "区政务服务局".into()),
                (Slot::Responsible, "区发改局、区住建局等部门".into()),
                (Slot::Responsible, "区国投公司".into())
            ]
        );
        let got = lists("（国务院各部门分别负责，年内持续推进）");
        assert_eq!(
            got,
            vec![
                (Slot::Responsible, "国务院各部门".into()),
                (Slot::Deadline, "年内持续推进".into())
            ]
        );
    }

    #[test]
    fn first_listed_is_lead_declaration() {
        let f = fold("（人力资源社会保障部、财政部负责。列第一位者为牵头单位，下同）");
        let c = &find_clauses(&f)[0];
        assert!(c.declares_first_lead && c.declares_same_below);
        assert_eq!(&f[c.parts[0].range.clone()], "人力资源社会保障部、财政部");
        assert!(c.parts[0].unmarked);
    }

    #[test]
    fn flattened_table_cells() {
        let f = fold("(一)加强财税支持\n市税务局等,各县、市、区政府,咸宁高新区管委会\n2020年12月");
        let cl = table_cells(&f, &[Slot::Responsible]);
        let got: Vec<(Slot, &str)> = cl
            .iter()
            .map(|c| (c.parts[0].slot, &f[c.parts[0].range.clone()]))
            .collect();
        assert_eq!(
            got,
            vec![
                (
                    Slot::Responsible,
                    "市税务局等,各县、市、区政府,咸宁高新区管委会"
                ),
                (Slot::Deadline, "2020年12月")
            ]
        );
        assert!(table_cells(&fold("甲\n加强财税支持。"), &[Slot::Responsible]).is_empty());
    }

    /// Label words as the capture groups of [`LABEL`] give them.
    fn label_words_by_captures(content: &str) -> Vec<(Range<usize>, String)> {
        LABEL
            .captures_iter(content)
            .map(|cap| {
                let word = cap.get(1).or(cap.get(2)).or(cap.get(3)).unwrap();
                let start = content[..word.start()]
                    .chars()
                    .next_back()
                    .filter(|&c| is_clause_opener(c))
                    .map_or(word.start(), |c| word.start() - c.len_utf8());
                (start..cap.get(0).unwrap().end(), word.as_str().to_string())
            })
            .collect()
    }

    #[test]
    fn label_words_without_capture_groups_are_the_captured_ones() {
        let seed = fold(include_str!("../../seeds/000_7c5878c3eb2a3600.txt"));
        let mut texts: Vec<String> = seed.lines().map(str::to_string).collect();
        texts.extend(
            [
                "牵头单位:省局注册处;责任单位:各市州",
                "(牵头单位 区发改局)",
                "【责任单位】区发改局",
                "市商务局责任单位:市财政局",
                "区委办 牵头单位 : 区财政局",
                "各专项牵头单位:甲",
                "、配合处室 )：乙",
                "完成时限:2023年底;责任人:张三",
                "主要责任部门 ] : 丙",
                "牵头领导\u{3000}:丁",
            ]
            .map(fold),
        );
        for t in &texts {
            let ours: Vec<(Range<usize>, Slot, bool)> = find_labels(t)
                .into_iter()
                .map(|l| (l.whole, l.slot, l.responsibility))
                .collect();
            let reference: Vec<(Range<usize>, Slot, bool)> = label_words_by_captures(t)
                .into_iter()
                .map(|(r, w)| (r, slot_of_label(&w), w.starts_with("责任")))
                .collect();
            assert_eq!(ours, reference, "{t}");
        }
    }

    #[test]
    fn deadline_first_characters_cover_the_deadline_pattern() {
        // Every character that starts a deadline phrase, followed by the
        // rest of each of the pattern's words, passes the first-character test.
        let rests = [
            "999年",
            "999-",
            "9月",
            "月",
            "内",
            "底",
            "中",
            "末",
            "前",
            "半年",
            "年",
            "期",
            "续",
            "态化",
            "即",
            "日",
            "季",
            "年度",
            "季度",
            "一季度",
            "099",
        ];
        for c in (0u32..0x1_0000).filter_map(char::from_u32) {
            for rest in rests {
                let s = format!("{c}{rest}");
                if DEADLINE_PART.is_match(&s) {
                    assert!(may_start_deadline(&s), "{s}");
                }
            }
        }
        assert!(!may_start_deadline("市发改委"));
        assert!(!may_start_deadline(""));
    }

    #[test]
    fn plain_parentheses_are_not_clauses() {
        assert!(lists("《规划》（以下简称《规划》）中国质量奖（正奖、提名奖）").is_empty());
    }

    #[test]
    fn label_lines_are_found_as_an_unanchored_search_finds_them() {
        let unanchored = Regex::new(&label_line_pattern()).unwrap();
        let mut texts: Vec<String> = [
            "甲。\n责任单位：区发改局\n（牵头单位）省局\n  \n\n 【责任部门】市局",
            "\n\n责任单位\n：甲\n乙处室:丙\n(配合单位:丁)(牵头单位:戊)",
            "责任单位：甲；牵头单位：乙\n",
            "",
            "\n",
        ]
        .map(String::from)
        .to_vec();
        let seed = fold(include_str!("../../seeds/000_7c5878c3eb2a3600.txt"));
        texts.extend(seed.split("\n\n").map(String::from));
        texts.push(seed);
        for text in &texts {
            let expected: Vec<Range<usize>> =
                unanchored.find_iter(text).map(|m| m.range()).collect();
            assert_eq!(
                label_line_matches(text).collect::<Vec<_>>(),
                expected,
                "{text}"
            );
        }
    }

    #[test]
    fn label_lines_and_sentences_of_their_own_but_not_task_sentences() {
        assert_eq!(
            lists("地区生产总值增长7%以上\n责任单位：区发展和改革局"),
            vec![(Slot::Responsible, "区发展和改革局".into())]
        );
        assert_eq!(
            lists("开展创建。由林业局牵头，农牧局、商务局配合。"),
            vec![
                (Slot::Lead, "林业局".into()),
                (Slot::Responsible, "农牧局、商务局".into())
            ]
        );
        assert!(lists("推进。由林业局牵头，农牧局、商务局配合，开展创建。").is_empty());
    }
}
