//! Unit clauses: `（牵头单位：…；责任单位：…）` in either bracket width, label
//! lines after an item, verb forms `（X牵头，Y配合）`, `（X负责）`,
//! `由X牵头，Y配合`, and the `列第一位者为牵头单位（下同）` convention.
//!
//! Everything works on the folded view of an item's text and returns byte
//! ranges into it, so the caller can recover the original text.

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
}

const LABELS: &str = r"牵头责任单位|牵头负责单位|牵头负责领导|牵头领导|牵头单位|牵头部门|牵头处室|牵头科室|协同责任单位|协同单位|责任单位|责任部门|责任处室|责任科室|配合单位|配合部门|配合处室|参与单位|参与部门|协办单位|主办单位|承办单位|监考单位|考核单位|责任领导|分管领导|负责领导|完成时限|完成时间|时间节点|时限要求|责任人";

static LABEL: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(&format!(r"({LABELS})\s*[:]?")).unwrap());

static LABEL_LINE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(&format!(r"(?m)^[\s(]*({LABELS})\s*:")).unwrap());

static FIRST_IS_LEAD: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(列|排)(在)?(第一|首)位(者|的)?(单位|部门)?为牵头(单位|部门)").unwrap()
});

static DEADLINE_PART: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"^(年内|长期|持续|\d{4}年|\d{1,2}月|今年|明年|20\d\d|每年|每季度|按年度|常态化|立即)",
    )
    .unwrap()
});

static YOU_QIANTOU: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"由((?:[^,;。:()]|\([^()]*\)){2,80}?)(牵头|负责)(?:[,]((?:[^;。:()]|\([^()]*\)){2,160}?)(配合|参与|协助|协同|按职责分工负责|共同负责))?",
    )
    .unwrap()
});

fn slot_of_label(label: &str) -> Slot {
    if label.ends_with("领导") || label == "责任人" {
        Slot::Leaders
    } else if label.starts_with("完成") || label.starts_with("时") {
        Slot::Deadline
    } else if label.starts_with("牵头") {
        Slot::Lead
    } else {
        Slot::Responsible
    }
}

/// Verb endings of a list in a verb-form clause, longest first.
const VERBS: &[(&str, Slot)] = &[
    ("牵头负责", Slot::Lead),
    ("牵头落实", Slot::Lead),
    ("牵头卖力", Slot::Lead),
    ("牵头", Slot::Lead),
    ("按职责分工负责", Slot::Responsible),
    ("按职责分工卖力", Slot::Responsible),
    ("按职责分工落实", Slot::Responsible),
    ("按照职责分工负责", Slot::Responsible),
    ("按职责负责", Slot::Responsible),
    ("分工负责", Slot::Responsible),
    ("分别负责", Slot::Responsible),
    ("共同负责", Slot::Responsible),
    ("负责落实", Slot::Responsible),
    ("配合", Slot::Responsible),
    ("参与", Slot::Responsible),
    ("协助", Slot::Responsible),
    ("协同", Slot::Responsible),
    ("负责", Slot::Responsible),
    ("卖力", Slot::Responsible),
];

fn verb_suffix(s: &str) -> Option<(usize, Slot)> {
    let s = s.trim_end_matches(['。', ' ']);
    VERBS
        .iter()
        .find(|(v, _)| s.ends_with(v))
        .map(|(v, slot)| (s.len() - v.len(), *slot))
}

/// Find the unit clauses of a folded item text.
pub fn find_clauses(text: &str) -> Vec<Clause> {
    let mut out = Vec::new();
    // Parenthesised clauses (top-level brackets).
    let mut depth = 0usize;
    let mut open = 0usize;
    for (i, c) in text.char_indices() {
        match c {
            '(' => {
                if depth == 0 {
                    open = i;
                }
                depth += 1;
            }
            ')' if depth > 0 => {
                depth -= 1;
                if depth == 0 {
                    let inner = open + 1..i;
                    if let Some(mut cl) = parse_clause(text, inner) {
                        cl.span = open..i + 1;
                        out.push(cl);
                    }
                }
            }
            '\n' => depth = 0,
            _ => {}
        }
    }
    // A clause cut by the end of the text (truncated copies): `(牵头单位:市发`,
    // `(机关党委牵头,各处室、直属`. The list that runs into the cut is dropped.
    if depth > 0 {
        let inner = open + 1..text.len();
        let content = &text[inner.clone()];
        let verbs =
            content.contains("牵头") || content.contains("负责") || content.contains("配合");
        if (LABEL.is_match(content) || verbs)
            && let Some(mut cl) = parse_clause(text, inner)
        {
            if cl
                .parts
                .last()
                .is_some_and(|p| p.range.end == text.len() && (p.unmarked || !text.ends_with(')')))
            {
                cl.parts.pop();
            }
            cl.span = open..text.len();
            if !cl.parts.is_empty() {
                out.push(cl);
            }
        }
    }
    // Label lines outside brackets: `责任单位：区发改局`.
    for m in LABEL_LINE.find_iter(text) {
        if out.iter().any(|c| c.span.contains(&m.start())) {
            continue;
        }
        let start =
            m.start() + (m.as_str().len() - m.as_str().trim_start_matches([' ', '(']).len());
        let end = text[start..].find('\n').map_or(text.len(), |e| start + e);
        let line = &text[start..end];
        let unbalanced = line.matches(')').count() > line.matches('(').count();
        let end = if unbalanced && line.ends_with(')') {
            end - 1
        } else {
            end
        };
        if let Some(mut cl) = parse_clause(text, start..end) {
            cl.span = start..end;
            out.push(cl);
        }
    }
    // Prose: `由X牵头，Y配合`, only where no other clause was found.
    if out.is_empty() {
        for c in YOU_QIANTOU.captures_iter(text) {
            let lead = c.get(1).expect("group");
            let slot = if &c[2] == "牵头" {
                Slot::Lead
            } else {
                Slot::Responsible
            };
            let mut parts = vec![Part {
                slot,
                range: lead.range(),
                unmarked: false,
            }];
            if let Some(r) = c.get(3) {
                parts.push(Part {
                    slot: Slot::Responsible,
                    range: r.range(),
                    unmarked: false,
                });
            }
            out.push(Clause {
                span: c.get(0).expect("match").range(),
                parts,
                ..Default::default()
            });
        }
    }
    out.sort_by_key(|c| c.span.start);
    out
}

static ORG_END: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(局|委|政府|管委会|办|办公室|中心|院|所|部|厅|公司|集团|银行|单位|部门|机构|街道|处|科|队|站|会|署)(\([^()]*\))?$").unwrap()
});

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
    let units = crate::units::split::split_units(cell);
    !units.is_empty()
        && units
            .iter()
            .all(|r| ORG_END.is_match(&cell[r.clone()]) && cell[r.clone()].chars().count() <= 30)
}

/// Parse the inside of a candidate clause; `None` when it is not a unit clause.
pub fn parse_clause(text: &str, inner: Range<usize>) -> Option<Clause> {
    let content = &text[inner.clone()];
    if content.trim().is_empty() {
        return None;
    }
    let mut clause = Clause::default();
    // The declaration `列第一位者为牵头单位，下同` is masked so its `牵头单位` is not a label.
    let mut masked = content.to_string();
    if let Some(m) = FIRST_IS_LEAD.find(content) {
        clause.declares_first_lead = true;
        clause.declares_same_below = content.contains("下同");
        masked.replace_range(m.range(), &" ".repeat(m.len()));
    }
    let content = masked.as_str();
    let labels: Vec<_> = LABEL.captures_iter(content).collect();
    if !labels.is_empty() {
        // Text before the first label (e.g. `区委办` in `区委办 牵头单位:`) is ignored.
        let mut resp_labels = 0;
        for (k, cap) in labels.iter().enumerate() {
            let whole = cap.get(0).expect("match");
            let slot = slot_of_label(&cap[1]);
            let start = whole.end();
            let end = labels
                .get(k + 1)
                .map_or(content.len(), |n| n.get(0).expect("m").start());
            let mut range = trim_range(content, start..end);
            // A declaration sentence inside the list is not a unit.
            if let Some(m) = FIRST_IS_LEAD.find(&content[range.clone()]) {
                range.end = range.start + m.start();
                range = trim_range(content, range);
            }
            if range.is_empty() {
                continue;
            }
            if slot == Slot::Responsible && (cap[1].starts_with("责任")) {
                resp_labels += 1;
            }
            clause.parts.push(Part {
                slot,
                range: inner.start + range.start..inner.start + range.end,
                unmarked: false,
            });
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
        return (!clause.parts.is_empty()).then_some(clause);
    }
    // Verb forms: split at top-level `,` / `;`.
    let mut pending: Vec<Range<usize>> = Vec::new();
    let mut any_verb = false;
    for piece in split_top(content, &[',', ';', '，', '；', '。']) {
        let p = trim_range(content, piece);
        let s = &content[p.clone()];
        if s.is_empty() {
            continue;
        }
        if FIRST_IS_LEAD.is_match(s) || s == "下同" {
            continue;
        }
        if let Some((cut, slot)) = verb_suffix(s) {
            any_verb = true;
            let mut list = trim_range(content, p.start..p.start + cut);
            if content[list.clone()].starts_with('由') {
                list.start += '由'.len_utf8();
            }
            pending.push(list);
            for r in pending.drain(..) {
                if r.is_empty() {
                    continue;
                }
                clause.parts.push(Part {
                    slot,
                    range: inner.start + r.start..inner.start + r.end,
                    unmarked: slot == Slot::Responsible,
                });
            }
        } else if DEADLINE_PART.is_match(s) && any_verb {
            clause.parts.push(Part {
                slot: Slot::Deadline,
                range: inner.start + p.start..inner.start + p.end,
                unmarked: false,
            });
        } else {
            pending.push(p);
        }
    }
    if !any_verb {
        return None;
    }
    for r in pending {
        clause.parts.push(Part {
            slot: Slot::Responsible,
            range: inner.start + r.start..inner.start + r.end,
            unmarked: true,
        });
    }
    (!clause.parts.is_empty()).then_some(clause)
}

/// Split at separators outside brackets, returning ranges.
pub fn split_top(s: &str, seps: &[char]) -> Vec<Range<usize>> {
    let mut out = Vec::new();
    let mut depth = 0i32;
    let mut start = 0;
    for (i, c) in s.char_indices() {
        match c {
            '(' | '《' | '“' => depth += 1,
            ')' | '》' | '”' => depth = (depth - 1).max(0),
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
    let sub = &s[r.clone()];
    let trim: &[char] = &[' ', ',', ';', '、', '。', ':', '\n', '，', '；', '\t'];
    let lead = sub.len() - sub.trim_start_matches(trim).len();
    let rest = &sub[lead..];
    let tail = rest.len() - rest.trim_end_matches(trim).len();
    r.start + lead..r.end - tail
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::repair::fold;

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

    #[test]
    fn plain_parentheses_are_not_clauses() {
        assert!(lists("《规划》（以下简称《规划》）中国质量奖（正奖、提名奖）").is_empty());
    }

    #[test]
    fn label_line_and_prose_forms() {
        assert_eq!(
            lists("地区生产总值增长7%以上\n责任单位：区发展和改革局"),
            vec![(Slot::Responsible, "区发展和改革局".into())]
        );
        let got = lists("由林业局牵头，农牧局、商务局配合，开展创建。");
        assert_eq!(
            got,
            vec![
                (Slot::Lead, "林业局".into()),
                (Slot::Responsible, "农牧局、商务局".into())
            ]
        );
    }
}
