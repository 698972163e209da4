//! Stage 3 — structure segmentation: repaired text → header lines, numbered
//! items (with their paths) and trailing lines (signature, date, note).
//!
//! Every numbered node at the four GB/T 9704 levels is an item. Paths are
//! built with a stack, so a notice that skips a level gets a shorter path
//! and numbering that runs on across sections is kept as written. Labels in
//! the middle of a line (notices flattened onto one line) are accepted after
//! a sentence end when they continue the numbering in force.

pub mod header;
pub use crate::repair::label;
mod table;

use crate::repair::scan::trim;
use crate::repair::{Folded, FoldedText, fold};
use label::{Doubt, Label, LineStart, Numbering, parse_label};
use regex::Regex;
use std::ops::Range;
use std::sync::LazyLock;

/// An item as segmented, before field extraction.
#[derive(Debug, Clone, PartialEq)]
pub struct RawItem {
    /// Level 1–4.
    pub level: u8,
    /// Ordinal within its level.
    pub number: u32,
    /// The label as written (original text, trailing spaces trimmed).
    pub label: String,
    /// Canonical labels from the top down.
    pub path: Vec<String>,
    /// Text of the item without its label; continuation lines joined with `\n`.
    pub body: String,
    /// The folded view of `body`, assembled from the notice folded once
    /// (field extraction reads it instead of folding the body again; one
    /// who changes `body` refolds it with [`FoldedText::of`]).
    pub folded: FoldedText,
    /// Numbering problems found on the way (see [`UNEXPECTED_LABEL`], [`NUMBER_NOT_LABEL`]).
    pub warnings: Vec<String>,
}

/// Warning prefix on an item whose label is not the one the numbering
/// expected (a skipped or repeated number); the label is kept.
pub const UNEXPECTED_LABEL: &str = "unexpected-label";

/// Warning prefix on an item with a continuation line that starts like a
/// label the numbering does not expect (`7.365…` where 7 is not next): the
/// line is read as text of the item.
pub const NUMBER_NOT_LABEL: &str = "number-not-label";

/// A segmented notice.
#[derive(Debug, Clone, Default)]
pub struct Segmented {
    /// Lines before the first item (header, cover letter, attachment title, preamble).
    pub header: Vec<String>,
    /// Items in document order.
    pub items: Vec<RawItem>,
    /// Lines after the last item that belong to the signature block.
    pub trailer: Vec<String>,
    /// Header cells (`重点任务`, `牵头单位` …) of a task table flattened one
    /// cell per line inside the items (those before the items are in `header`).
    pub table_header: Vec<String>,
}

/// Characters after which a label may start in the middle of a line.
fn is_split_point(c: char) -> bool {
    matches!(c, '。' | ';' | ':' | ')' | '!' | '?' | '”' | ' ')
}

/// Split repaired text into header, items and trailer.
pub fn segment(repaired: &str) -> Segmented {
    let mut seg = Segmented::default();
    let mut numbering = Numbering::default();
    let mut started = false;
    let lines: Vec<&str> = crate::repair::scan::lines(repaired).collect();
    // The notice is folded once; each line's view is a copy of its part.
    // (`lines` gives slices of `repaired`: their addresses give their offsets.)
    let notice = Folded::new(repaired);
    let offset_in_notice = |line: &str| line.as_ptr() as usize - repaired.as_ptr() as usize;
    let cover_end = numbered_cover_letter_end(&lines);
    // A task table flattened one cell per line, rows without numbers.
    let mut table: Option<table::FlatTable> = None;
    let mut table_header_end = 0;
    for (idx, line) in lines.iter().enumerate() {
        let line = trim(line);
        if idx < cover_end {
            if !line.is_empty() {
                seg.header.push(line.to_string());
            }
            continue;
        }
        if line.is_empty() {
            continue;
        }
        if table.is_none()
            && let Some(header) = table::header_at(&lines[idx..])
            && lines[idx + header.1..]
                .iter()
                .find(|l| !l.trim().is_empty())
                .is_some_and(|l| sure_label(l).is_none())
        {
            let t = table::FlatTable::new(header);
            table_header_end = idx + t.header_len();
            table = Some(t);
        }
        if idx < table_header_end {
            if started {
                seg.table_header.push(line.to_string());
            } else {
                seg.header.push(line.to_string());
            }
            continue;
        }
        if let Some(t) = &mut table {
            if sure_label(line).is_none() {
                t.push(line);
                continue;
            }
            let t = table.take().expect("a table");
            started |= push_table_rows(&mut seg, &mut numbering, t);
        }
        let start = offset_in_notice(line);
        let line_view = notice.view(start..start + line.len());
        for piece in split_line(&line_view, &mut numbering, started) {
            match piece.label {
                Some(l) => {
                    started = true;
                    let (label_raw, body) = split_at_folded(piece.text, l.len);
                    let body_start = piece.range.start + label_raw.len();
                    let mut folded = FoldedText::default();
                    folded.push(&line_view, body_start..piece.range.end);
                    seg.items.push(RawItem {
                        level: l.level,
                        number: l.number,
                        label: label_raw.trim_end().to_string(),
                        path: piece.path,
                        body: body.to_string(),
                        folded,
                        warnings: piece.warning.into_iter().collect(),
                    });
                }
                None => {
                    continue_text(&mut seg, started, &line_view, piece.range);
                    if let Some(last) = seg.items.last_mut() {
                        last.warnings.extend(piece.warning);
                    }
                }
            }
        }
    }
    if let Some(t) = table {
        push_table_rows(&mut seg, &mut numbering, t);
    }
    if let Some(last) = seg.items.last_mut() {
        seg.trailer = split_trailer(&mut last.body, &mut last.folded);
    }
    seg
}

/// Text that is not an item of its own (the range `text` of a line): a
/// header line before the items, else a line of the item before.
fn continue_text(seg: &mut Segmented, started: bool, line: &Folded, text: Range<usize>) {
    match seg.items.last_mut() {
        Some(last) if started => {
            if !last.body.is_empty() {
                last.body.push('\n');
                last.folded.push_str("\n");
            }
            last.body.push_str(&line.orig[text.clone()]);
            last.folded.push(line, text);
        }
        _ => seg.header.push(line.orig[text].to_string()),
    }
}

/// A label that is certainly one at the start of `line`.
fn sure_label(line: &str) -> Option<Label> {
    let head = fold::fold_prefix(line, 16);
    parse_label(&head).filter(|l| l.doubt == Doubt::None)
}

/// The rows of a flattened table become items, numbered by their own
/// number cell or else in table order, under the sections open above the
/// table; returns whether there was any.
fn push_table_rows(seg: &mut Segmented, numbering: &mut Numbering, t: table::FlatTable) -> bool {
    let rows = t.rows();
    for (k, row) in rows.iter().enumerate() {
        let in_order = u32::try_from(k + 1).unwrap_or(u32::MAX);
        let (label, number) = row
            .number
            .clone()
            .unwrap_or_else(|| (String::new(), in_order));
        let l = Label {
            level: 3,
            number,
            len: 0,
            doubt: Doubt::None,
        };
        numbering.push(&l);
        let body = row.cells.join("\n");
        seg.items.push(RawItem {
            level: 3,
            number,
            label,
            path: numbering.path(),
            folded: FoldedText::of(&body),
            body,
            warnings: Vec::new(),
        });
    }
    !rows.is_empty()
}

static DATE_ONLY: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^[0-9〇○零一二三四五六七八九十]{4}年[0-9一二三四五六七八九十]{1,3}月[0-9一二三四五六七八九十]{1,3}日$").unwrap()
});

/// A covering letter with its own numbered paragraphs (`一、各责任单位要…`)
/// ends with a signature date; when numbered lines come both before and
/// after such a date line, everything up to the date is header, not items.
/// A letter whose signature has no date (or was cut from the copy) ends
/// where its numbered paragraphs stop (see [`dateless_letter_end`]).
fn numbered_cover_letter_end(lines: &[&str]) -> usize {
    let labelled = |i: usize| sure_label(lines[i].trim()).is_some();
    // A date line is short: only short lines are folded to look for it.
    let is_date = |l: &str| {
        let l = trim(l);
        l.len() <= 64 && DATE_ONLY.is_match(&fold(l))
    };
    let Some(date) = (0..lines.len()).rev().find(|&i| is_date(lines[i])) else {
        return dateless_letter_end(lines);
    };
    let before = (0..date).any(labelled);
    let after = (date + 1..lines.len()).any(labelled);
    if before && after {
        date + 1
    } else {
        dateless_letter_end(lines)
    }
}

/// Whether a header line transmits a plan (`现将《…方案》印发给你们`).
fn is_transmittal(folded: &str) -> bool {
    folded.contains("印发给") || (folded.contains("现将") && folded.contains("印发"))
}

/// End of a covering letter without a signature date: after a transmittal
/// sentence, a run of level-1 paragraphs (`一、高度重视…。各单位要…。`,
/// each a heading sentence followed by more text) that is followed by a
/// label of a deeper level or a restart at `一、`, or by a line that is not
/// a sentence (the signature, the attachment mark, the plan's title), is
/// the letter's own requirements. Returns the index of the first line after
/// the run, or 0 when there is no such letter.
fn dateless_letter_end(lines: &[&str]) -> usize {
    let Some(first) = lines.iter().position(|l| sure_label(l.trim()).is_some()) else {
        return 0;
    };
    if !lines[..first].iter().any(|l| is_transmittal(&fold(l))) {
        return 0;
    }
    let sure = |f: &str| parse_label(f).filter(|l| l.doubt == Doubt::None);
    let mut expected = 1;
    let mut i = first;
    let mut next = String::new();
    while i < lines.len() {
        next = fold(lines[i].trim());
        let f = &next;
        match sure(f) {
            Some(l) if l.level == 1 && l.number == expected && is_letter_paragraph(&f[l.len..]) => {
                expected += 1;
            }
            // A paragraph of the letter broken over lines.
            None if expected > 1 && f.ends_with('。') && !f.is_empty() => {}
            _ => break,
        }
        i += 1;
    }
    if expected == 1 || i == lines.len() {
        return 0;
    }
    let ends_letter = match sure(&next) {
        Some(l) => l.level > 1 || l.number == 1,
        None => !next.contains('。') && next.chars().count() <= 60,
    };
    if ends_letter { i } else { 0 }
}

/// A numbered paragraph of a letter: a heading sentence and more text after
/// it (a section heading of the plan has no sentence after it).
fn is_letter_paragraph(text: &str) -> bool {
    text.find('。')
        .is_some_and(|p| text[p + '。'.len_utf8()..].chars().count() >= 20)
}

/// Split the original `s` at the original offset matching folded byte offset `at`.
fn split_at_folded(s: &str, at: usize) -> (&str, &str) {
    // Walk only as far as `at` (a label's length), not the whole piece.
    let mut folded_len = 0;
    for (o, c) in s.char_indices() {
        if folded_len >= at {
            return s.split_at(o);
        }
        folded_len += fold::fold_char(c).len_utf8();
    }
    (s, "")
}

/// A piece of a line: the text of one item (with its label), or text that
/// continues the item before it.
struct Piece<'a> {
    text: &'a str,
    /// Byte range of `text` in its line.
    range: Range<usize>,
    label: Option<Label>,
    /// Path of the item the label opens.
    path: Vec<String>,
    warning: Option<String>,
}

/// Cut a line into pieces at labels: the line start (always), and mid-line
/// labels that continue the numbering (after a sentence end). `numbering`
/// is advanced past every label taken.
fn split_line<'a>(f: &Folded<'a>, numbering: &mut Numbering, started: bool) -> Vec<Piece<'a>> {
    let folded = &f.folded;
    let mut warning = None;
    let first = match parse_label(folded).map(|l| numbering.read_line_start(l, started)) {
        Some(LineStart::Label(l)) => Some(l),
        Some(LineStart::Unexpected(l)) => {
            warning = Some(format!(
                "{UNEXPECTED_LABEL}: `{}` does not continue the numbering",
                f.orig_slice(0..l.len).trim_end()
            ));
            Some(l)
        }
        Some(LineStart::Text(l)) => {
            if started {
                warning = Some(format!(
                    "{NUMBER_NOT_LABEL}: a line starting `{}` is read as text, not as a label the numbering does not expect",
                    f.orig_slice(0..l.len).trim_end()
                ));
            }
            None
        }
        None => damaged_label(folded, numbering),
    };
    let mut cuts: Vec<(usize, Option<Label>, Vec<String>)> = Vec::new();
    if let Some(l) = &first {
        numbering.push(l);
    }
    cuts.push((0, first.clone(), numbering.path()));
    let mut in_body = started || first.is_some();
    // A label may start a piece right after a split point, or at a `(` in
    // the body. `at` is a candidate position, `prev_split` whether the
    // character before it is a split point, `c` its character.
    let mut try_cut = |at: usize, prev_split: bool, c: char| {
        if at > 0
            && (prev_split || (c == '(' && in_body))
            && let Some(l) = parse_label(&folded[at..])
            && (prev_split || l.level == 2)
            // A decimal inside running text is never a label.
            && l.doubt != Doubt::Decimal
        {
            let accept = if in_body {
                numbering.expects(&l)
            } else {
                l.number == 1 && l.level <= 3 && header_ended(&folded[..at])
            };
            if accept {
                numbering.push(&l);
                cuts.push((at, Some(l), numbering.path()));
                in_body = true;
            }
        }
    };
    // Bracket depth of `folded[..at]`: a label inside brackets is a
    // reference, not a new item. Kept as the loop goes (not recounted from
    // the line start at each candidate) so that long lines stay linear.
    // Split points and brackets are punctuation, so only punctuation is
    // visited; a candidate after a split point that is no punctuation
    // itself (a Han character) is taken up when the next punctuation comes.
    let mut depth = 0i32;
    let mut after_split: Option<usize> = None;
    for (at, c) in crate::repair::scan::punctuation_indices(folded) {
        if let Some(p) = after_split
            && p < at
            && depth == 0
        {
            try_cut(p, true, '\0');
        }
        if depth == 0 {
            try_cut(at, after_split == Some(at), c);
        }
        match c {
            '(' => depth += 1,
            ')' => depth = (depth - 1).max(0),
            _ => {}
        }
        after_split = is_split_point(c).then(|| at + c.len_utf8());
    }
    if let Some(p) = after_split
        && p < folded.len()
        && depth == 0
    {
        try_cut(p, true, '\0');
    }
    let mut pieces = Vec::with_capacity(cuts.len());
    let ends: Vec<usize> = cuts.iter().skip(1).map(|c| c.0).collect();
    for (k, (start, label, path)) in cuts.into_iter().enumerate() {
        let end = ends.get(k).copied().unwrap_or(folded.len());
        let untrimmed = &f.orig[f.orig_offset(start)..f.orig_offset(end)];
        let text = untrimmed.trim();
        if !text.is_empty() {
            let offset = f.orig_offset(start) + (untrimmed.len() - untrimmed.trim_start().len());
            pieces.push(Piece {
                text,
                range: offset..offset + text.len(),
                label,
                path,
                warning: if k == 0 { warning.take() } else { None },
            });
        }
    }
    pieces
}

/// A label destroyed by a wrong decoding (`?。ǘ┩七M…` for `（二）推進…`): a
/// line starting with `?` or U+FFFD inside the items continues the numbering
/// at the level of the item before it. The junk up to the mangled closing
/// bracket (a box-drawing character) is the label.
fn damaged_label(folded: &str, numbering: &Numbering) -> Option<Label> {
    if !(folded.starts_with("?。") || folded.starts_with('\u{FFFD}')) {
        return None;
    }
    let (level, number) = numbering.top()?;
    let head: Vec<(usize, char)> = folded.char_indices().take(7).collect();
    let len = head
        .iter()
        .find(|(_, c)| ('\u{2500}'..='\u{257F}').contains(c))
        .map(|(i, c)| i + c.len_utf8())
        .unwrap_or_else(|| head.get(2).map_or(folded.len(), |(i, _)| *i));
    Some(Label {
        level,
        number: number + 1,
        len,
        doubt: Doubt::None,
    })
}

/// Whether a mid-line `一、` in a header line can start the body: the text
/// before it must end a sentence (so it is not part of a title).
fn header_ended(before: &str) -> bool {
    before.trim_end().ends_with(['。', ':'])
}

static DATE_TAIL: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?:\n|。)(?:([^\n。]{2,30}?)\n?)?([0-9〇○零一二三四五六七八九十]{4}年[0-9一二三四五六七八九十]{1,3}月[0-9一二三四五六七八九十]{1,3}日)(\s*\(此件[^)]*\))?\s*$").unwrap()
});

/// Endings of an organ's name, for header lines and signatures (the
/// header also takes `院`, a signature also `公司`).
pub(crate) const ORGAN_ENDINGS: &[&str] = &[
    "国务院",
    "办公厅",
    "办公室",
    "人民政府",
    "委员会",
    "管理局",
    "监管局",
    "厅",
    "局",
    "委",
    "部",
    "政府",
    "中心",
    "小组",
];

/// Whether a signature line is an organ's name: 2 to 30 Han characters and
/// an organ ending (or `公司`).
fn is_org_line(s: &str) -> bool {
    crate::repair::is_han_name_ending(s, 2..=30, ORGAN_ENDINGS.iter().chain(&["公司"]))
}

/// Remove a signature block (organ, date, note) from the end of the last
/// item's body, returning its lines.
fn split_trailer(body: &mut String, folded_body: &mut FoldedText) -> Vec<String> {
    let folded = folded_body.as_str();
    let Some(caps) = DATE_TAIL.captures(folded) else {
        return Vec::new();
    };
    let whole = caps.get(0).expect("match");
    let mut start = whole.start();
    // Keep the sentence end inside the body.
    if folded[start..].starts_with('。') {
        start += '。'.len_utf8();
    } else if folded[start..].starts_with('\n') {
        start += 1;
    }
    let mut trailer = Vec::new();
    if let Some(org) = caps.get(1) {
        let org_text = org.as_str().trim();
        if is_org_line(org_text) {
            trailer.push(org_text.to_string());
        } else {
            start = caps.get(2).expect("date").start();
        }
    }
    // Only accept when what precedes is a complete sentence (or a line end).
    let before = folded[..start].trim_end();
    if !(before.is_empty()
        || before.ends_with(['。', ')', ';', '!'])
        || folded[..start].ends_with('\n'))
    {
        return Vec::new();
    }
    trailer.push(caps.get(2).expect("date").as_str().to_string());
    if let Some(note) = caps.get(3) {
        trailer.push(note.as_str().trim().to_string());
    }
    let orig_start = folded_body.orig_offset(start);
    body.truncate(orig_start);
    let trimmed = body.trim_end().len();
    body.truncate(trimmed);
    folded_body.truncate(trimmed);
    trailer
}

#[cfg(test)]
mod tests {
    use super::*;

    fn paths(seg: &Segmented) -> Vec<String> {
        seg.items.iter().map(|i| i.path.join("/")).collect()
    }

    #[test]
    fn item_bodies_carry_their_folded_view() {
        let texts = [
            include_str!("../../seeds/000_7c5878c3eb2a3600.txt"),
            "标题\n一、指標　甲（牵头单位：省局）。（二）乙，丙；\n續行：ＡＢ。\n湖北省市场监督管理局\n2022年5月1日\n",
        ];
        for text in texts {
            let seg = segment(&crate::repair::repair(text));
            for item in &seg.items {
                let fresh = Folded::new(&item.body);
                let view = item.folded.view(&item.body);
                assert_eq!(view.folded, fresh.folded, "{}", item.body);
                for at in 0..=fresh.folded.len() {
                    assert_eq!(view.orig_offset(at), fresh.orig_offset(at), "{}", item.body);
                }
            }
        }
    }

    #[test]
    fn builds_paths_with_a_stack() {
        let seg = segment(
            "标题\n一、指标\n1.甲。\n2.乙。\n二、任务\n（一）环境\n1.丙。\n（1）丁；\n(二) 秩序\n1. 戊。\n",
        );
        assert_eq!(
            paths(&seg),
            vec![
                "一",
                "一/1",
                "一/2",
                "二",
                "二/（一）",
                "二/（一）/1",
                "二/（一）/1/（1）",
                "二/（二）",
                "二/（二）/1"
            ]
        );
        assert_eq!(seg.header, vec!["标题"]);
        assert_eq!(seg.items[8].label, "1.");
        assert_eq!(seg.items[8].body, "戊。");
    }

    #[test]
    fn mangled_labels_continue_the_numbering() {
        let seg = segment("一、任务\n(一)甲。\n?。ǘ┩推進乙。\n");
        assert_eq!(paths(&seg), vec!["一", "一/（一）", "一/（二）"]);
        assert_eq!(seg.items[2].body, "推進乙。");
    }

    #[test]
    fn skipped_level_gives_shorter_path() {
        let seg = segment("一、总体\n1.甲。\n二、措施\n3.乙。\n");
        assert_eq!(paths(&seg), vec!["一", "一/1", "二", "二/3"]);
    }

    #[test]
    fn continuation_lines_join_the_item() {
        let seg = segment("1.甲。\n（牵头单位：省局注册处）\n");
        assert_eq!(seg.items[0].body, "甲。\n（牵头单位：省局注册处）");
    }

    #[test]
    fn flattened_lines_split_at_labels_that_continue_the_numbering() {
        let seg = segment(
            "前言。一、总体要求。（一）推进改革。具体措施：1．甲。2．乙，见附件3。（二）优化。\n",
        );
        assert_eq!(
            paths(&seg),
            vec!["一", "一/（一）", "一/（一）/1", "一/（一）/2", "一/（二）"]
        );
        assert_eq!(seg.header, vec!["前言。"]);
    }

    #[test]
    fn signature_and_date_after_the_last_item_are_trailer() {
        let mut seg = segment("一、任务\n1.甲。\n国务院办公厅\n2020年7月15日\n（此件公开发布）\n");
        assert_eq!(seg.items[1].body, "甲。");
        assert_eq!(
            seg.trailer,
            vec!["国务院办公厅", "2020年7月15日", "(此件公开发布)"]
        );
        seg = segment("一、任务\n1.甲。国务院办公厅2020年7月15日（此件公开发布）\n");
        assert_eq!(seg.items[1].body, "甲。");
        assert_eq!(seg.trailer[0], "国务院办公厅");
    }
}

#[cfg(test)]
mod scaling {
    //! Sizes at which a scan that restarts from the line, paragraph or
    //! notice start for each label would take minutes; linear code takes
    //! about a second (in a debug build). Not a timed assertion.
    use super::*;

    #[test]
    fn a_hundred_thousand_labels_on_lines_of_their_own() {
        let group = "一、总体要求\n（一）工作目标\n1.推进改革工作。\n（1）加强市场监管。\n①优化营商环境。\n";
        let seg = segment(&group.repeat(20_000));
        assert_eq!(seg.items.len(), 100_000);
        assert_eq!(seg.items[99_999].path, vec!["一", "（一）", "1", "（1）"]);
    }

    #[test]
    fn a_hundred_thousand_labels_on_one_line() {
        let mut line = String::from("一、任务。");
        for k in 1..=100_000 {
            line.push_str(&format!("{k}.推进第{k}项改革。（牵头单位：区发改局）"));
        }
        let seg = segment(&line);
        assert_eq!(seg.items.len(), 100_001);
        assert_eq!(seg.items[100_000].path, vec!["一", "100000"]);
    }

    #[test]
    fn a_long_line_without_punctuation() {
        // 2 MB of text, label-like numbers everywhere, no sentence end.
        let line = "推进1.5倍增长2.5万户企业（3）项目①工程".repeat(40_000);
        let seg = segment(&format!("一、任务\n1.{line}\n"));
        assert_eq!(seg.items.len(), 2);
    }
}
