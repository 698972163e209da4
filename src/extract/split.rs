//! Splitting a unit list into units. Lists split on `、，,;；`, on `及`/`和`/`与`
//! where both sides are units (`县委编办及县直相关部门`) or a group follows
//! (`等和各省级人民政府`), but collective references stay whole:
//! `各市、州、县市场监管局`, `各有关县、市、区`, `省局相关处室、单位`; a
//! collective of another kind after one is a unit of its own (`各乡镇、县直各单位`).
//! A trailing `等` (open list) is not part of a unit. Also the shared range
//! helpers of clause parsing ([`split_top`], [`trim_range`]).

use crate::repair::scan::{
    contains_word, ends_with_word, is_punctuation, punctuation_indices, starts_with_word,
    trim_start_word,
};
use std::ops::Range;

/// Administrative levels that may follow `各` in a collective list.
const ADMIN_LEVELS: &[&str] = &[
    "省",
    "自治区",
    "直辖市",
    "计划单列市",
    "新疆生产建设兵团",
    "市",
    "州",
    "盟",
    "地",
    "县",
    "区",
    "县市",
    "县级市",
    "市州",
    "直管市",
    "林区",
    "神农架林区",
    "旗",
    "镇",
    "乡",
    "乡镇",
    "街道",
    "开发区",
    "园区",
    "功能区",
    "县(市、区)",
    "县(市)",
    "市(州)",
    "省级",
    "市级",
    "县级",
    "地级以上市",
    "副省级城市",
];

/// Generic nouns that complete a vague or collective reference before them.
const GENERIC: &[&str] = &[
    "单位",
    "部门",
    "处室",
    "机构",
    "事业单位",
    "直属单位",
    "直属事业单位",
    "企业",
    "组织",
    "科室",
];

/// A fragment that names a collective by itself (`县直各单位`, `市直有关部门`):
/// it does not close a distributed group `各乡镇、…`.
fn collective_of_its_own(s: &str) -> bool {
    contains_word(s, "各")
        || contains_word(s, "有关")
        || contains_word(s, "相关")
        || s.chars().nth(1) == Some('直')
}

fn is_admin(s: &str) -> bool {
    ADMIN_LEVELS.contains(&s)
}

fn starts_with_admin(s: &str) -> bool {
    ADMIN_LEVELS
        .iter()
        .any(|a| s.len() > a.len() && starts_with_word(s, a))
}

/// Split a folded unit list into folded byte ranges of units (relative to `list`).
pub fn split_units(list: &str) -> Vec<Range<usize>> {
    let frags = fragments(list);
    let mut out: Vec<Range<usize>> = Vec::new();
    let mut group: Option<Range<usize>> = None;
    for r in frags {
        let s = &list[r.clone()];
        if let Some(g) = group.as_mut() {
            // Inside `各市、州、…`: absorb admin words; a fragment that starts
            // with one (`县市场监管局`) closes the group; anything else ends it.
            if is_admin(s) {
                g.end = r.end;
                continue;
            }
            if starts_with_admin(s) && !collective_of_its_own(s) {
                g.end = r.end;
                out.push(group.take().expect("group"));
                continue;
            }
            out.push(group.take().expect("group"));
        }
        if let Some(rest) = s.strip_prefix('各')
            && is_admin(trim_start_word(trim_start_word(rest, "有关"), "相关"))
        {
            group = Some(r);
            continue;
        }
        if GENERIC.contains(&s)
            && let Some(prev) = out.last_mut()
        {
            let p = &list[prev.clone()];
            if ["相关", "有关", "其他", "各", "所属"]
                .iter()
                .any(|k| contains_word(p, k))
            {
                prev.end = r.end;
                continue;
            }
        }
        out.push(r);
    }
    if let Some(g) = group {
        out.push(g);
    }
    out.into_iter()
        .map(|r| strip_open_list(list, r))
        .filter(|r| !r.is_empty())
        .collect()
}

/// Cut at list separators outside brackets, and at `及`/`以及`/`等和` between groups.
fn fragments(list: &str) -> Vec<Range<usize>> {
    let mut out = Vec::new();
    let mut depth = 0i32;
    let mut start = 0;
    // The first separator at or after a position, found once for every
    // position before it (looked for anew at each conjunction, it made a
    // list joined by thousands of `和` quadratic).
    let mut next_separator = NextSeparator::default();
    let iter = list.char_indices();
    for (i, c) in iter {
        match c {
            _ if is_opener(c) => depth += 1,
            _ if is_closer(c) => depth = (depth - 1).max(0),
            '、' | ',' | ';' | '，' | '；' | '/' | ' ' if depth == 0 => {
                out.push(start..i);
                start = i + c.len_utf8();
            }
            '等' if depth == 0 => {
                // `国家药监局等国务院相关部门`: the open list ends, a vague group follows.
                let after = &list[i + c.len_utf8()..];
                let group_follows = [
                    "国务院",
                    "有关",
                    "相关",
                    "各",
                    "省有关",
                    "市有关",
                    "区有关",
                    "县有关",
                    "省直有关",
                    "市直有关",
                    "省级有关",
                    "市级有关",
                ]
                .iter()
                .any(|p| after.starts_with(p));
                if group_follows && !list[start..i].is_empty() {
                    out.push(start..i);
                    start = i + c.len_utf8();
                }
            }
            '会' if depth == 0 && list[i..].starts_with("会同") && i > start => {
                // `国家发展改革委会同有关部门`: two units.
                out.push(start..i);
                start = i + "会同".len();
            }
            '及' | '和' | '与' if depth == 0 => {
                let before = &list[start..i];
                let after = &list[i + c.len_utf8()..];
                let group_after = after.starts_with('各')
                    || after.starts_with("相关")
                    || after.starts_with("有关");
                let split = (c == '及'
                    && (before.ends_with('等') || before.ends_with('以') || group_after))
                    || (c != '及' && before.ends_with('等'))
                    || (c != '及' && after.starts_with('各') && at_least_two_chars(before))
                    || both_sides_units(before, next_separator.name_at(list, i + c.len_utf8()));
                if split {
                    let cut = if before.ends_with('以') {
                        i - '以'.len_utf8()
                    } else {
                        i
                    };
                    out.push(start..cut);
                    start = i + c.len_utf8();
                }
            }
            _ => {}
        }
    }
    out.push(start..list.len());
    out.into_iter()
        .map(|r| trim_range(list, r))
        .filter(|r| !r.is_empty())
        .collect()
}

/// Ranges for queries at increasing positions (clauses found so far, the
/// clause spans numbers are tested against): a cursor moves forward, so a
/// whole pass is linear in the queries and ranges together.
pub struct Spans {
    /// (start, largest end of this and every earlier range), sorted by start.
    spans: Vec<(usize, usize)>,
    cursor: usize,
}

impl Spans {
    /// The spans of `ranges`, in any order.
    pub fn of(ranges: impl IntoIterator<Item = Range<usize>>) -> Self {
        let mut v: Vec<Range<usize>> = ranges.into_iter().collect();
        if !v.is_sorted_by_key(|r| r.start) {
            v.sort_by_key(|r| r.start);
        }
        let mut max_end = 0;
        let spans = v
            .into_iter()
            .map(|r| {
                max_end = max_end.max(r.end);
                (r.start, max_end)
            })
            .collect();
        Spans { spans, cursor: 0 }
    }

    /// Whether `r` overlaps a span; queries must come in increasing `r.start`.
    pub fn overlaps(&mut self, r: Range<usize>) -> bool {
        // Spans that end before `r` starts cannot overlap it or any later query.
        while self.cursor < self.spans.len() && self.spans[self.cursor].1 <= r.start {
            self.cursor += 1;
        }
        // The span at the cursor ends after `r.start`; later ones start no earlier.
        self.spans
            .get(self.cursor)
            .is_some_and(|&(start, _)| start < r.end)
    }

    /// Whether a span contains position `at` (queries in increasing order).
    pub fn covers(&mut self, at: usize) -> bool {
        self.overlaps(at..at + 1)
    }
}

/// Separators that end the name after a conjunction.
const NAME_END: [char; 6] = ['、', ',', ';', '，', '；', ' '];

/// Where the next [`NAME_END`] separator of a list is, remembered for the
/// positions before it (asked at increasing positions, the search of a
/// whole list is one pass).
#[derive(Default)]
struct NextSeparator {
    /// (position searched from, the separator found there or the list's end).
    found: Option<(usize, usize)>,
}

impl NextSeparator {
    /// The name that starts at `at` of `list`: up to the next separator.
    fn name_at<'a>(&mut self, list: &'a str, at: usize) -> &'a str {
        let end = match self.found {
            Some((from, end)) if from <= at && at <= end => end,
            _ => list[at..].find(NAME_END).map_or(list.len(), |e| at + e),
        };
        self.found = Some((at, end));
        &list[at..end]
    }
}

/// Whether `s` has two characters or more (without counting them all).
fn at_least_two_chars(s: &str) -> bool {
    s.chars().nth(1).is_some()
}

/// `县委编办及县直相关部门`, `市委宣传部和市委网信办`: the words on both sides of
/// the conjunction are organization names of their own (`住房和城乡建设部` is
/// not: `住房` is no name). `next` is the name after the conjunction.
fn both_sides_units(before: &str, next: &str) -> bool {
    let before = before.trim_start_matches('由');
    at_least_two_chars(before)
        && super::org::ending(before).is_some()
        && super::org::is_org_name(before)
        && super::org::is_org_name(next)
        && super::org::ending(next).is_some()
}

/// Bracket openers that group a unit's alias or a clause: `(` (both widths
/// after folding), `[`, `〔`, `【`, `〈`, `〖`, and book-title and quote marks.
pub fn is_opener(c: char) -> bool {
    matches!(c, '(' | '[' | '〔' | '【' | '〈' | '〖' | '《' | '“')
}

/// The closing counterparts of [`is_opener`].
pub fn is_closer(c: char) -> bool {
    matches!(c, ')' | ']' | '〕' | '】' | '〉' | '〗' | '》' | '”')
}

/// Split at separators outside brackets, returning ranges.
pub fn split_top(s: &str, seps: &[char]) -> Vec<Range<usize>> {
    // Brackets are all punctuation: when the separators are too, the Han
    // characters between them are stepped over.
    if seps.iter().all(|&c| is_punctuation(c)) {
        split_top_over(s, seps, punctuation_indices(s))
    } else {
        split_top_over(s, seps, s.char_indices())
    }
}

/// [`split_top`] over the characters `chars` of `s` (all of them, or at
/// least every bracket and separator).
fn split_top_over(
    s: &str,
    seps: &[char],
    chars: impl Iterator<Item = (usize, char)>,
) -> Vec<Range<usize>> {
    let mut out = Vec::new();
    let mut depth = 0i32;
    let mut start = 0;
    for (i, c) in chars {
        match c {
            _ if is_opener(c) => depth += 1,
            _ if is_closer(c) => depth = (depth - 1).max(0),
            _ if depth == 0 && seps.contains(&c) => {
                out.push(start..i);
                start = i + c.len_utf8();
            }
            _ => {}
        }
    }
    out.push(start..s.len());
    out
}

/// Shrink a range to drop surrounding spaces and list punctuation.
pub fn trim_range(s: &str, r: Range<usize>) -> Range<usize> {
    // Byte by byte: the characters trimmed are one ASCII byte or one of four
    // three-byte sequences, so no character is decoded.
    let bytes = &s.as_bytes()[r.clone()];
    let mut start = 0;
    let mut end = bytes.len();
    while start < end {
        match trimmed_len_at(&bytes[start..end]) {
            0 => break,
            n => start += n,
        }
    }
    while start < end {
        match trimmed_len_before(&bytes[start..end]) {
            0 => break,
            n => end -= n,
        }
    }
    r.start + start..r.start + end
}

/// The characters [`trim_range`] drops: ` ,;:\n\t` and `、。，；`.
const TRIMMED_WIDE: [&[u8]; 4] = [
    "、".as_bytes(),
    "。".as_bytes(),
    "，".as_bytes(),
    "；".as_bytes(),
];

/// Length of the trimmed character `b` starts with (0: none).
#[inline]
fn trimmed_len_at(b: &[u8]) -> usize {
    match b[0] {
        b' ' | b',' | b';' | b':' | b'\n' | b'\t' => 1,
        0xE3 | 0xEF if TRIMMED_WIDE.iter().any(|w| b.starts_with(w)) => 3,
        _ => 0,
    }
}

/// Length of the trimmed character `b` ends with (0: none).
#[inline]
fn trimmed_len_before(b: &[u8]) -> usize {
    match b[b.len() - 1] {
        b' ' | b',' | b';' | b':' | b'\n' | b'\t' => 1,
        0x80..=0xBF if TRIMMED_WIDE.iter().any(|w| b.ends_with(w)) => 3,
        _ => 0,
    }
}

/// Drop a trailing `等` / `等部门` / `等单位` (open list) and verb leftovers.
fn strip_open_list(list: &str, r: Range<usize>) -> Range<usize> {
    let s = &list[r.clone()];
    for suffix in [
        "等有关部门",
        "等相关部门",
        "等部门",
        "等单位",
        "等",
        "按职责分工",
        "分别",
        "共同",
        "按职责",
    ] {
        if ends_with_word(s, suffix) {
            let stripped = &s[..s.len() - suffix.len()];
            if stripped.chars().count() >= 2 {
                return strip_open_list(list, r.start..r.start + stripped.len());
            }
        }
    }
    if let Some(stripped) = s.strip_prefix('由') {
        return r.end - stripped.len()..r.end;
    }
    r
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn covered_positions_are_those_some_range_contains() {
        let unsorted = [5..9, 0..2, 3..3, 4..12, 20..21, 20..25, 30..31];
        let mut sorted = unsorted.to_vec();
        sorted.sort_by_key(|r| r.start);
        for ranges in [&unsorted[..], &sorted[..]] {
            let mut coverage = Spans::of(ranges.iter().cloned());
            for at in 0..40 {
                assert_eq!(
                    coverage.covers(at),
                    ranges.iter().any(|r| r.contains(&at)),
                    "{at} in {ranges:?}"
                );
            }
        }
    }

    #[test]
    fn the_name_after_a_conjunction_is_found_as_a_fresh_search_finds_it() {
        for list in crate::repair::scan::every_string(&["和", "、", " ", "甲", "，"], 5) {
            let positions: Vec<usize> = list.char_indices().map(|(i, _)| i).collect();
            // Every increasing series of positions, as a list is read.
            for mask in 0..1u32 << positions.len() {
                let mut next = NextSeparator::default();
                for (k, &at) in positions.iter().enumerate() {
                    if mask >> k & 1 == 1 {
                        let fresh = list[at..]
                            .find(NAME_END)
                            .map_or(&list[at..], |e| &list[at..at + e]);
                        assert_eq!(next.name_at(&list, at), fresh, "{list:?} at {at}");
                    }
                }
            }
        }
    }

    #[test]
    fn trim_range_drops_what_the_plain_definition_drops() {
        let plain = |s: &str, r: Range<usize>| {
            let trim = |c: char| {
                matches!(
                    c,
                    ' ' | ',' | ';' | '、' | '。' | ':' | '\n' | '，' | '；' | '\t'
                )
            };
            let sub = &s[r.clone()];
            let lead = sub.len() - sub.trim_start_matches(trim).len();
            let rest = &sub[lead..];
            let tail = rest.len() - rest.trim_end_matches(trim).len();
            r.start + lead..r.end - tail
        };
        // Every string of up to four characters over trimmed characters,
        // their near neighbours in UTF-8 (、 is E3 80 81, 〃 E3 80 83, ， EF
        // BC 8C, ； EF BC 9B, ｛ EF BD 9B) and text.
        let alphabet = [
            " ", ",", "\n", "、", "。", "〃", "，", "；", "｛", "：", "局", "a",
        ];
        let strings = crate::repair::scan::every_string(&alphabet, 4);
        for s in &strings {
            let full = format!("x{s}y");
            assert_eq!(trim_range(s, 0..s.len()), plain(s, 0..s.len()), "{s:?}");
            let inner = 1..full.len() - 1;
            assert_eq!(
                trim_range(&full, inner.clone()),
                plain(&full, inner),
                "{s:?}"
            );
        }
    }

    fn split(s: &str) -> Vec<&str> {
        split_units(s).into_iter().map(|r| &s[r]).collect()
    }

    #[test]
    fn collectives_stay_whole() {
        assert_eq!(
            split("省局优化营商环境领导小组各成员单位,各市、州、县市场监管局"),
            vec![
                "省局优化营商环境领导小组各成员单位",
                "各市、州、县市场监管局"
            ]
        );
        assert_eq!(split("各区、县级市"), vec!["各区、县级市"]);
        assert_eq!(
            split("省局法规处、人事处;省局相关处室、单位"),
            vec!["省局法规处", "人事处", "省局相关处室、单位"]
        );
        assert_eq!(
            split("各县(市、区)政府(管委会)"),
            vec!["各县(市、区)政府(管委会)"]
        );
        assert_eq!(
            split("各市、州、直管市、神农架林区市场监管局"),
            vec!["各市、州、直管市、神农架林区市场监管局"]
        );
    }

    #[test]
    fn open_lists_and_groups() {
        assert_eq!(
            split("市经信局、市财政局等,各县、市、区政府"),
            vec!["市经信局", "市财政局", "各县、市、区政府"]
        );
        assert_eq!(
            split("扶贫办、发展改革委等和各省级人民政府"),
            vec!["扶贫办", "发展改革委", "各省级人民政府"]
        );
        assert_eq!(
            split("市发展改革委及各地区"),
            vec!["市发展改革委", "各地区"]
        );
        assert_eq!(
            split("住房和城乡建设部、工商局(质监局)"),
            vec!["住房和城乡建设部", "工商局(质监局)"]
        );
    }
}
