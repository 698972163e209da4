//! Stage 4 — field extraction: for each segmented item, its unit clauses
//! (lead / responsible / leaders / deadline), heading and numeric targets.

pub mod clause;
pub mod numeral;
pub mod org;
pub mod split;
pub mod target;

use crate::model::{Item, Unit};
use crate::repair::CharOffsets;
use crate::repair::Folded;
use crate::segment::RawItem;
use clause::Slot;
use std::collections::HashSet;
use std::ops::Range;

/// Build the automata, regexes and tables of extraction now instead of on
/// first use: [`crate::prewarm`] does it on another thread while the first
/// notice is decoded, repaired and segmented.
pub fn prepare() {
    clause::prepare();
    numeral::prepare();
    org::prepare();
    target::prepare();
}

/// A set of words to test texts against (`is_match`): leftmost-first, so
/// the automaton searches with its vector prefilter. With the standard
/// semantics it has none for Han words, whose first bytes are nearly all
/// alike, and steps through every byte of a text.
pub(crate) fn word_set<I, P>(words: I) -> aho_corasick::AhoCorasick
where
    I: IntoIterator<Item = P>,
    P: AsRef<[u8]>,
{
    aho_corasick::AhoCorasick::builder()
        .match_kind(aho_corasick::MatchKind::LeftmostFirst)
        .build(words)
        .expect("word set")
}

/// Warning attached to an item whose clause has `责任单位` twice.
pub const DUPLICATE_LABEL: &str = "duplicate-label";

/// Warning attached to an item whose unit clause is cut off by the end of a
/// truncated copy (the name that ran into the cut is dropped).
pub const TRUNCATED_CLAUSE: &str = "truncated-clause";

/// State carried from item to item: conventions declared once (`下同`).
#[derive(Debug, Default, Clone)]
pub struct Conventions {
    /// `列第一位者为牵头单位，下同` seen: first unit of unmarked lists leads.
    pub first_listed_leads: bool,
    /// Unit columns of a task table flattened into lines (one cell per line),
    /// in column order, found from its header cells (`牵头单位`, `责任单位` …).
    pub unit_columns: Vec<Slot>,
}

impl Conventions {
    /// Pick up the header cells of a flattened table: lines that are exactly
    /// a unit-column label (`责任单位`) or a deadline-column label (`完成时限`).
    /// Lines without such cells leave the columns found before.
    pub fn scan_table_header<S: AsRef<str>>(&mut self, lines: impl IntoIterator<Item = S>) {
        let mut cols = Vec::new();
        for l in lines {
            let l = crate::repair::scan::trim(l.as_ref());
            // Folding keeps the number of characters: the labels have 4 to 6.
            if !(4..=6).contains(&l.chars().count()) {
                continue;
            }
            let f = crate::repair::fold(l);
            let slot = match f.as_str() {
                "牵头单位" | "牵头部门" | "牵头责任单位" => Slot::Lead,
                "责任单位" | "责任部门" | "配合单位" | "配合部门" | "参与单位" | "协办单位"
                | "监考单位" => Slot::Responsible,
                _ => continue,
            };
            cols.push(slot);
        }
        if !cols.is_empty() {
            self.unit_columns = cols;
        }
    }

    /// Pick up a convention declared in free text (e.g. the preamble).
    pub fn scan_preamble(&mut self, text: &str) {
        let f = crate::repair::fold(text);
        if (f.contains("列第一位") || f.contains("排在第一位") || f.contains("排第一位"))
            && f.contains("为牵头")
        {
            self.first_listed_leads = true;
        }
    }
}

/// Turns the list of a unit clause into [`Unit`]s: the unit-normalisation
/// stage (prefixes, aliases) plugs in here, so extraction does not depend on it.
pub trait UnitResolver {
    /// The units of the folded byte range `list` of `f`; `chars` gives the
    /// char positions of `f.folded`, for each unit's `span`.
    fn resolve(&self, f: &Folded, list: Range<usize>, chars: &CharOffsets) -> Vec<Unit>;
}

/// Build an [`Item`] from a segmented item. Several clauses in one item pool
/// their units: each unit once per field, in order of first appearance.
/// Units are read through `units` (the alias tables of the next stage,
/// [`crate::units::Aliases`], implement [`UnitResolver`]).
pub fn build_item(raw: &RawItem, units: &dyn UnitResolver, conv: &mut Conventions) -> Item {
    // Segmentation folded the body already (refold one changed since).
    let f = if raw.folded.orig_len() == raw.body.len() {
        raw.folded.view(&raw.body)
    } else {
        Folded::new(&raw.body)
    };
    let chars = CharOffsets::new(&f.folded);
    let mut clauses = clause::find_clauses(&f.folded);
    if clauses.is_empty() && !conv.unit_columns.is_empty() {
        clauses = clause::table_cells(&f.folded, &conv.unit_columns);
    }
    // A table's header row flattened into a section (`序号\n重点工作\n责任单位`)
    // gives the unit columns of the rows after it.
    conv.scan_table_header(crate::repair::scan::lines(&raw.body).skip(1));
    let mut item = Item {
        path: raw.path.clone(),
        level: raw.level,
        label: raw.label.clone(),
        text: raw.body.clone(),
        warnings: raw.warnings.clone(),
        ..Default::default()
    };
    let mut lead = UnitPool::default();
    let mut responsible = UnitPool::default();
    for cl in &clauses {
        let first_leads = cl.declares_first_lead || conv.first_listed_leads;
        if cl.declares_first_lead && cl.declares_same_below {
            conv.first_listed_leads = true;
        }
        let has_lead = cl.parts.iter().any(|p| p.slot == Slot::Lead);
        let mut promoted = false;
        for part in &cl.parts {
            match part.slot {
                Slot::Lead => lead.extend(units.resolve(&f, part.range.clone(), &chars)),
                Slot::Responsible => {
                    let mut listed = units.resolve(&f, part.range.clone(), &chars);
                    // `区财政局*、区发改局`: a starred unit of a table cell leads.
                    if !has_lead {
                        let (starred, rest): (Vec<Unit>, Vec<Unit>) =
                            listed.into_iter().partition(|u| {
                                u.span.is_some_and(|[_, e]| chars.char_at(e) == Some('*'))
                            });
                        lead.extend(starred);
                        listed = rest;
                    }
                    if part.unmarked && first_leads && !has_lead && !promoted && !listed.is_empty()
                    {
                        let first = listed.remove(0);
                        lead.extend([first]);
                        promoted = true;
                    }
                    responsible.extend(listed);
                }
                Slot::Leaders => {
                    let list = f.orig_slice(part.range.clone());
                    item.leaders.extend(
                        list.split(['、', '，', ',', ';', '；', ' '])
                            .map(str::trim)
                            .filter(|s| !s.is_empty())
                            .map(String::from),
                    );
                }
                Slot::Deadline => {
                    item.deadline = Some(f.orig_slice(part.range.clone()).trim().to_string());
                }
            }
        }
        for (flag, warning) in [
            (cl.duplicate_label, DUPLICATE_LABEL),
            (cl.truncated, TRUNCATED_CLAUSE),
        ] {
            if flag && !item.warnings.iter().any(|w| w == warning) {
                item.warnings.push(warning.to_string());
            }
        }
    }
    item.lead_units = lead.units;
    item.responsible_units = responsible.units;
    let spans: Vec<_> = clauses.iter().map(|c| c.span.clone()).collect();
    item.heading = heading(&f, &spans);
    item.targets = target::extract_targets(&f, &spans);
    item
}

/// The units of one field, each once (by name and canonical form), in order
/// of first appearance. A field of a few units is checked by a scan of
/// them; past [`UnitPool::SCAN_UP_TO`] de-duplication is a hash lookup, so a
/// clause of any length is pooled in linear time.
#[derive(Default)]
struct UnitPool {
    units: Vec<Unit>,
    /// (canonical, name) of every unit, once there are too many to scan.
    seen: Option<HashSet<(String, String)>>,
}

impl UnitPool {
    /// The most units compared one by one (fields rarely hold more).
    const SCAN_UP_TO: usize = 32;

    fn extend(&mut self, units: impl IntoIterator<Item = Unit>) {
        for u in units {
            let new = match &mut self.seen {
                Some(seen) => seen.insert((u.canonical.clone(), u.name.clone())),
                None => !self
                    .units
                    .iter()
                    .any(|v| v.canonical == u.canonical && v.name == u.name),
            };
            if !new {
                continue;
            }
            self.units.push(u);
            if self.seen.is_none() && self.units.len() > Self::SCAN_UP_TO {
                let keys = self.units.iter();
                self.seen = Some(
                    keys.map(|v| (v.canonical.clone(), v.name.clone()))
                        .collect(),
                );
            }
        }
    }
}

/// Section title, or the first sentence, without unit clauses and final punctuation.
fn heading(f: &Folded, spans: &[std::ops::Range<usize>]) -> String {
    let mut cleaned = String::new();
    let mut pos = 0;
    for s in spans {
        if s.start >= pos {
            cleaned.push_str(f.orig_slice(pos..s.start));
            pos = s.end;
        }
    }
    cleaned.push_str(f.orig_slice(pos..f.folded.len()));
    let first_line = crate::repair::scan::lines(cleaned.trim())
        .next()
        .unwrap_or("")
        .trim();
    let sentence = match first_line.find('。') {
        Some(i) => &first_line[..i],
        None => first_line,
    };
    sentence
        .trim_end_matches(|c: char| {
            c.is_whitespace() || matches!(c, '，' | ',' | '；' | ';' | '：' | ':' | '、')
        })
        .trim()
        .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Meta;

    fn item(body: &str, conv: &mut Conventions) -> Item {
        let raw = RawItem {
            level: 3,
            number: 1,
            label: "1.".into(),
            path: vec!["1".into()],
            body: body.into(),
            folded: crate::repair::FoldedText::of(body),
            warnings: Vec::new(),
        };
        let meta = Meta {
            issuer: Some("湖北省市场监督管理局".into()),
            ..Default::default()
        };
        build_item(
            &raw,
            &crate::units::Aliases::builtin().for_notice(&meta),
            conv,
        )
    }

    fn names(u: &[Unit]) -> Vec<&str> {
        u.iter().map(|u| u.name.as_str()).collect()
    }

    #[test]
    fn the_unit_pool_keeps_first_appearances_below_and_above_the_scan_limit() {
        let unit = |canonical: &str, name: &str| Unit {
            canonical: canonical.into(),
            name: name.into(),
            ..Default::default()
        };
        for n in [3, UnitPool::SCAN_UP_TO, UnitPool::SCAN_UP_TO + 1, 200] {
            // Each unit twice (once more under another name), interleaved.
            let mut pool = UnitPool::default();
            for k in 0..n {
                let c = format!("单位{k}");
                pool.extend([unit(&c, &c), unit(&c, "别名")]);
                pool.extend([unit(&format!("单位{}", k / 2), &format!("单位{}", k / 2))]);
            }
            pool.extend((0..n).map(|k| unit(&format!("单位{k}"), "别名")));
            let got: Vec<(String, String)> = pool
                .units
                .into_iter()
                .map(|u| (u.canonical, u.name))
                .collect();
            let want: Vec<(String, String)> = (0..n)
                .flat_map(|k| {
                    let c = format!("单位{k}");
                    [(c.clone(), c.clone()), (c, "别名".to_string())]
                })
                .collect();
            assert_eq!(got, want, "n = {n}");
        }
    }

    #[test]
    fn seed_item_with_duplicate_label() {
        let it = item(
            "完善市场退出机制。优化普通注销制度。（责任单位：省局注册处；责任单位：省局科信处、信息中心，各市、州、县市场监管局）",
            &mut Conventions::default(),
        );
        assert_eq!(it.heading, "完善市场退出机制");
        assert_eq!(names(&it.lead_units), vec!["省局注册处"]);
        assert_eq!(
            names(&it.responsible_units),
            vec!["省局科信处", "省局信息中心", "各市、州、县市场监管局"]
        );
        assert_eq!(it.warnings, vec![DUPLICATE_LABEL]);
    }

    #[test]
    fn first_listed_convention_carries_over() {
        let mut conv = Conventions::default();
        let a = item(
            "甲。（人力资源社会保障部、财政部负责。列第一位者为牵头单位，下同）",
            &mut conv,
        );
        assert_eq!(names(&a.lead_units), vec!["人力资源社会保障部"]);
        let b = item("乙。（教育部、人力资源社会保障部负责）", &mut conv);
        assert_eq!(names(&b.lead_units), vec!["教育部"]);
        assert_eq!(names(&b.responsible_units), vec!["人力资源社会保障部"]);
        let c = item("丙。（教育部负责）", &mut Conventions::default());
        assert!(c.lead_units.is_empty());
    }

    #[test]
    fn people_and_deadlines_are_not_units() {
        let it = item(
            "甲。（牵头单位：区发改局；责任领导：杜新国；完成时限：2020年12月底前）",
            &mut Conventions::default(),
        );
        assert_eq!(names(&it.lead_units), vec!["区发改局"]);
        assert_eq!(it.leaders, vec!["杜新国"]);
        assert_eq!(it.deadline.as_deref(), Some("2020年12月底前"));
    }
}
