//! Stage 3 — structure segmentation: repaired text → header lines, numbered
//! items (with their paths) and trailing lines (signature, date, note).
//!
//! Every numbered node at the four GB/T 9704 levels is an item. Paths are
//! built with a stack, so a notice that skips a level gets a shorter path
//! and numbering that runs on across sections is kept as written. Labels in
//! the middle of a line (notices flattened onto one line) are accepted after
//! a sentence end when they continue the numbering in force.

pub mod header;
pub mod label;

use crate::repair::fold;
use label::{Label, parse_label};
use regex::Regex;
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
}

/// A segmented notice.
#[derive(Debug, Clone, Default)]
pub struct Segmented {
    /// Lines before the first item (header, cover letter, attachment title, preamble).
    pub header: Vec<String>,
    /// Items in document order.
    pub items: Vec<RawItem>,
    /// Lines after the last item that belong to the signature block.
    pub trailer: Vec<String>,
}

/// Characters after which a label may start in the middle of a line.
fn is_split_point(c: char) -> bool {
    matches!(c, '。' | ';' | ':' | ')' | '!' | '?' | '”' | ' ')
}

/// Numbering state: the open label at each level, and the last number seen
/// at each level (numbering may run on across sections).
#[derive(Default, Clone)]
struct Stack(Vec<(u8, u32, String)>, [u32; 5]);

impl Stack {
    fn fits(&self, l: &Label) -> bool {
        if let Some(&(_, n, _)) = self.0.iter().find(|e| e.0 == l.level) {
            return l.number == n + 1;
        }
        let deeper_than_top = self.0.last().is_none_or(|t| l.level > t.0);
        let runs_on = l.number > 1 && l.number == self.1[l.level as usize] + 1;
        (l.number == 1 || runs_on) && deeper_than_top
    }

    fn push(&mut self, l: &Label) -> Vec<String> {
        self.1[l.level as usize] = l.number;
        while self.0.last().is_some_and(|t| t.0 >= l.level) {
            self.0.pop();
        }
        self.0.push((l.level, l.number, l.canonical()));
        self.0.iter().map(|e| e.2.clone()).collect()
    }
}

/// Split repaired text into header, items and trailer.
pub fn segment(repaired: &str) -> Segmented {
    let mut seg = Segmented::default();
    let mut stack = Stack::default();
    let mut started = false;
    let lines: Vec<&str> = repaired.lines().collect();
    let cover_end = numbered_cover_letter_end(&lines);
    for (idx, line) in lines.iter().enumerate() {
        let line = line.trim();
        if idx < cover_end {
            if !line.is_empty() {
                seg.header.push(line.to_string());
            }
            continue;
        }
        if line.is_empty() {
            continue;
        }
        for (piece, label) in split_line(line, &stack, started) {
            match label {
                Some(l) => {
                    started = true;
                    let path = stack.push(&l);
                    let (label_raw, body) = split_at_folded(piece, l.len);
                    seg.items.push(RawItem {
                        level: l.level,
                        number: l.number,
                        label: label_raw.trim_end().to_string(),
                        path,
                        body: body.to_string(),
                    });
                }
                None if !started => seg.header.push(piece.to_string()),
                None => {
                    let last = seg.items.last_mut().expect("started implies an item");
                    if !last.body.is_empty() {
                        last.body.push('\n');
                    }
                    last.body.push_str(piece);
                }
            }
        }
    }
    if let Some(last) = seg.items.last_mut() {
        seg.trailer = split_trailer(&mut last.body);
    }
    seg
}

static DATE_ONLY: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^[0-9〇○零一二三四五六七八九十]{4}年[0-9一二三四五六七八九十]{1,3}月[0-9一二三四五六七八九十]{1,3}日$").unwrap()
});

/// A covering letter with its own numbered paragraphs (`一、各责任单位要…`)
/// ends with a signature date; when numbered lines come both before and
/// after such a date line, everything up to the date is header, not items.
fn numbered_cover_letter_end(lines: &[&str]) -> usize {
    let folded: Vec<String> = lines.iter().map(|l| fold(l.trim())).collect();
    let labelled = |i: usize| parse_label(&folded[i]).is_some();
    let Some(date) = (0..folded.len())
        .rev()
        .find(|&i| DATE_ONLY.is_match(&folded[i]))
    else {
        return 0;
    };
    let before = (0..date).any(labelled);
    let after = (date + 1..folded.len()).any(labelled);
    if before && after { date + 1 } else { 0 }
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

/// Cut a line into pieces at labels: the line start (always), and mid-line
/// labels that continue the numbering (after a sentence end).
fn split_line<'a>(line: &'a str, stack: &Stack, started: bool) -> Vec<(&'a str, Option<Label>)> {
    let f = crate::repair::Folded::new(line);
    let folded = &f.folded;
    let mut pieces = Vec::new();
    let first = parse_label(folded).or_else(|| damaged_label(folded, stack));
    let mut sim = stack.clone();
    let mut cuts: Vec<(usize, Option<Label>)> = vec![(0, first.clone())];
    if let Some(l) = &first {
        sim.push(l);
    }
    let mut in_body = started || first.is_some();
    let mut prev = None;
    // Bracket depth of `folded[..i]`: a label inside brackets is a
    // reference, not a new item. Kept as the loop goes (not recounted from
    // the line start at each candidate) so that long lines stay linear.
    let mut depth = 0i32;
    for (i, c) in folded.char_indices() {
        if i > 0
            && (prev.is_some_and(is_split_point) || (c == '(' && in_body))
            && let Some(l) = parse_label(&folded[i..])
            && (prev.is_some_and(is_split_point) || l.level == 2)
        {
            let accept = if in_body {
                sim.fits(&l)
            } else {
                l.number == 1 && l.level <= 3 && header_ended(&folded[..i])
            };
            if accept && depth == 0 {
                sim.push(&l);
                cuts.push((i, Some(l)));
                in_body = true;
            }
        }
        match c {
            '(' => depth += 1,
            ')' => depth = (depth - 1).max(0),
            _ => {}
        }
        prev = Some(c);
    }
    for (k, (start, label)) in cuts.iter().enumerate() {
        let end = cuts.get(k + 1).map_or(folded.len(), |c| c.0);
        let piece = f.orig_slice(*start..end).trim();
        if !piece.is_empty() {
            pieces.push((piece, label.clone()));
        }
    }
    pieces
}

/// A label destroyed by a wrong decoding (`?。ǘ┩七M…` for `（二）推進…`): a
/// line starting with `?` or U+FFFD inside the items continues the numbering
/// at the level of the item before it. The junk up to the mangled closing
/// bracket (a box-drawing character) is the label.
fn damaged_label(folded: &str, stack: &Stack) -> Option<Label> {
    if !(folded.starts_with("?。") || folded.starts_with('\u{FFFD}')) {
        return None;
    }
    let &(level, number, _) = stack.0.last()?;
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

static ORG_LINE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^\p{Han}{2,30}(?:国务院|办公厅|办公室|人民政府|委员会|管理局|监管局|厅|局|委|部|政府|公司|中心|小组)$").unwrap()
});

/// Remove a signature block (organ, date, note) from the end of the last
/// item's body, returning its lines.
fn split_trailer(body: &mut String) -> Vec<String> {
    let folded = fold(body);
    let Some(caps) = DATE_TAIL.captures(&folded) else {
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
        if ORG_LINE.is_match(org_text) {
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
    let f = crate::repair::Folded::new(body);
    let orig_start = f.orig_offset(start);
    let tail = body[orig_start..].to_string();
    body.truncate(orig_start);
    let trimmed = body.trim_end().len();
    body.truncate(trimmed);
    let tail_folded = fold(&tail);
    let date = caps.get(2).expect("date").as_str().to_string();
    trailer.push(date);
    if let Some(note) = caps.get(3) {
        trailer.push(note.as_str().trim().to_string());
    }
    let _ = tail_folded;
    trailer
}

#[cfg(test)]
mod tests {
    use super::*;

    fn paths(seg: &Segmented) -> Vec<String> {
        seg.items.iter().map(|i| i.path.join("/")).collect()
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
