//! Diffing two revisions of a notice (`fengong diff OLD NEW`).
//!
//! Items are aligned by content, not by number ([`align`]): an item that was
//! renumbered, moved to another section, reworded, split or merged is
//! recognised as such, and only what has no counterpart is added or
//! removed. For every aligned pair the fields are compared: heading and text
//! as a word-level redline ([`redline`]), targets (matched by metric, unit and
//! position), lead and responsible units by their canonical name (a unit
//! renamed through the alias table is no change), deadline and warnings.
//! A per-unit impact summary is derived from the changes.
//!
//! Layout never counts: texts are compared in their normalised form (folded
//! width and script, no whitespace or punctuation). A label change that is
//! only the consequence of siblings added or removed before it (all later
//! items shift by one) is recorded on the match as `shifted` but is not a
//! change.
//!
//! **Truncated copies.** When the last items of both versions are aligned,
//! one's normalised text is a strict prefix of the other's, and the shorter
//! one ends mid-sentence (not on `。；！？` or a closing bracket), the shorter
//! copy is taken as cut off (a crawler or a page limit), not edited. Then
//! the difference in the tail is not a change: text and heading differences
//! that are prefix cuts are ignored, targets are compared only when they lie
//! wholly before the cut (a target touching or straddling it is unreliable on
//! both sides), and units, deadline and warnings are not compared when the
//! shorter copy lost its unit clause. A note reports the truncation.

pub mod align;
pub mod redline;
pub mod report;

use crate::model::{Item, Notice, Target, Unit, format_number};
use align::{Group, Relation, body_text};
use redline::{Segment, normalize};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, HashMap};

/// What changed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ChangeKind {
    /// An item with no counterpart in the old version.
    Added,
    /// An item with no counterpart in the new version.
    Removed,
    /// Moved to another section or out of order.
    Moved,
    /// Same place, but the number itself changed.
    Renumbered,
    /// One old item became several.
    Split,
    /// Several old items became one.
    Merged,
    /// Heading reworded (items whose heading is not part of their text).
    Heading,
    /// Text reworded (without the unit clause).
    Text,
    /// A target's value, unit, comparator, period or deadline changed.
    Target,
    /// A target only in the new version of the item.
    TargetAdded,
    /// A target only in the old version of the item.
    TargetRemoved,
    /// A lead unit added.
    LeadAdded,
    /// A lead unit removed.
    LeadRemoved,
    /// A responsible unit added.
    ResponsibleAdded,
    /// A responsible unit removed.
    ResponsibleRemoved,
    /// The item's deadline changed.
    Deadline,
    /// A warning only in the new version.
    WarningAdded,
    /// A warning only in the old version.
    WarningRemoved,
    /// A header field (title, number, date …) changed.
    Meta,
}

impl ChangeKind {
    /// snake_case name, as in JSON and CSV.
    pub fn as_str(self) -> &'static str {
        match self {
            ChangeKind::Added => "added",
            ChangeKind::Removed => "removed",
            ChangeKind::Moved => "moved",
            ChangeKind::Renumbered => "renumbered",
            ChangeKind::Split => "split",
            ChangeKind::Merged => "merged",
            ChangeKind::Heading => "heading",
            ChangeKind::Text => "text",
            ChangeKind::Target => "target",
            ChangeKind::TargetAdded => "target_added",
            ChangeKind::TargetRemoved => "target_removed",
            ChangeKind::LeadAdded => "lead_added",
            ChangeKind::LeadRemoved => "lead_removed",
            ChangeKind::ResponsibleAdded => "responsible_added",
            ChangeKind::ResponsibleRemoved => "responsible_removed",
            ChangeKind::Deadline => "deadline",
            ChangeKind::WarningAdded => "warning_added",
            ChangeKind::WarningRemoved => "warning_removed",
            ChangeKind::Meta => "meta",
        }
    }
}

/// One change, flat (one CSV row).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Change {
    /// What changed.
    pub kind: ChangeKind,
    /// Path of the item in the old version (`二/（一）/3`; several joined by ` + `).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub old_path: Option<String>,
    /// Path of the item in the new version.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub new_path: Option<String>,
    /// Heading of the item (new version when there is one), cut to
    /// [`crate::output::CONTEXT_CHARS`] characters.
    #[serde(default)]
    pub heading: String,
    /// Field name for meta changes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
    /// Old value (`850万户`, a unit, a path …).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub old: Option<String>,
    /// New value.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub new: Option<String>,
    /// Word-level redline for heading/text/split/merge changes.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub redline: Vec<Segment>,
    /// Canonical units this change concerns (for the impact summary).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub units: Vec<String>,
}

impl Change {
    fn new(kind: ChangeKind, old_path: Option<String>, new_path: Option<String>) -> Self {
        Change {
            kind,
            old_path,
            new_path,
            heading: String::new(),
            field: None,
            old: None,
            new: None,
            redline: Vec::new(),
            units: Vec::new(),
        }
    }

    /// One-line summary: `target 一/1: 850万户 → 900万户`.
    pub fn summary(&self) -> String {
        let path = match (&self.old_path, &self.new_path) {
            (Some(a), Some(b)) if a != b => format!("{a} → {b}"),
            (Some(a), _) => a.clone(),
            (None, Some(b)) => b.clone(),
            (None, None) => self.field.clone().unwrap_or_default(),
        };
        let val = match (&self.old, &self.new) {
            (Some(a), Some(b)) => format!(": {a} → {b}"),
            (Some(a), None) => format!(": −{a}"),
            (None, Some(b)) => format!(": +{b}"),
            (None, None) if !self.redline.is_empty() => {
                format!(": {}", redline::render_inline(&self.redline))
            }
            (None, None) => String::new(),
        };
        format!("{} {path}{val}", self.kind.as_str())
    }
}

/// How an item (or group of items) of one version maps onto the other.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ItemMatch {
    /// in_place, shifted, renumbered, moved, split, merged, added, removed.
    pub relation: Relation,
    /// Paths in the old version.
    pub old_paths: Vec<String>,
    /// Paths in the new version.
    pub new_paths: Vec<String>,
    /// Heading (new version when there is one).
    pub heading: String,
    /// Similarity (1:1) or coverage (split/merge), 0..1, rounded to 3 places.
    pub score: f64,
    /// Indices into [`Diff::changes`] of this match's changes.
    pub changes: Vec<usize>,
}

/// One task in a unit's impact list.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ImpactEntry {
    /// Path (new version, or old for lost tasks).
    pub path: String,
    /// Heading of the task.
    pub heading: String,
    /// `lead` or `responsible`.
    pub role: String,
    /// Short description: `added`, `850万户 → 900万户` …
    pub detail: String,
}

/// What a revision means for one unit.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct UnitImpact {
    /// Canonical name.
    pub unit: String,
    /// Tasks it gained (new tasks, or added to an existing one).
    pub gained: Vec<ImpactEntry>,
    /// Tasks it lost (removed tasks, or removed from one).
    pub lost: Vec<ImpactEntry>,
    /// Its tasks whose targets changed.
    pub targets_changed: Vec<ImpactEntry>,
}

/// Counts.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Stats {
    /// Items in the old version.
    pub old_items: usize,
    /// Items in the new version.
    pub new_items: usize,
    /// Items in place with no change.
    pub unchanged: usize,
    /// Items whose number shifted only because of siblings added/removed.
    pub shifted: usize,
    /// Aligned items (1:1) with at least one change.
    pub changed: usize,
    /// Added items.
    pub added: usize,
    /// Removed items.
    pub removed: usize,
    /// Moved items.
    pub moved: usize,
    /// Renumbered items.
    pub renumbered: usize,
    /// Splits.
    pub split: usize,
    /// Merges.
    pub merged: usize,
    /// Total number of changes.
    pub changes: usize,
}

/// The difference between two versions of a notice.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Diff {
    /// Source of the old version.
    pub old_source: Option<String>,
    /// Source of the new version.
    pub new_source: Option<String>,
    /// Counts.
    pub stats: Stats,
    /// Per-unit impact, most affected first.
    pub impact: Vec<UnitImpact>,
    /// Every change, in new-document order.
    pub changes: Vec<Change>,
    /// The alignment, in new-document order.
    pub matches: Vec<ItemMatch>,
    /// Remarks (truncation, shifted numbering …).
    pub notes: Vec<String>,
}

impl Diff {
    /// Whether nothing changed.
    pub fn is_empty(&self) -> bool {
        self.changes.is_empty()
    }
}

/// `二/（一）/3`.
pub fn path_str(it: &Item) -> String {
    it.path.join("/")
}

/// The index of the first item with each path (as [`path_str`] writes it).
fn first_index_by_path(items: &[Item]) -> HashMap<String, usize> {
    let mut index = HashMap::with_capacity(items.len());
    for (i, it) in items.iter().enumerate() {
        index.entry(path_str(it)).or_insert(i);
    }
    index
}

fn paths(items: &[Item], idx: &[usize]) -> Vec<String> {
    idx.iter().map(|&i| path_str(&items[i])).collect()
}

fn joined(v: &[String]) -> Option<String> {
    if v.is_empty() {
        None
    } else {
        Some(v.join(" + "))
    }
}

fn all_units(it: &Item) -> Vec<String> {
    let mut v: Vec<String> = it
        .lead_units
        .iter()
        .chain(&it.responsible_units)
        .map(|u| u.canonical.clone())
        .collect();
    dedup(&mut v);
    v
}

fn dedup(v: &mut Vec<String>) {
    let mut seen = std::collections::HashSet::new();
    v.retain(|x| seen.insert(x.clone()));
}

/// Where a version was cut off, for the truncation rule.
#[derive(Debug, Clone, Copy)]
struct Cut {
    /// Old side is the shorter one.
    old_short: bool,
    /// Length in normalised chars of the shorter text.
    len: usize,
    /// The shorter side kept its unit clause.
    clause_kept: bool,
}

/// Compare two notices.
pub fn diff(old: &Notice, new: &Notice) -> Diff {
    let po = align::prepare(&old.items);
    let pn = align::prepare(&new.items);
    let groups = align::align(&po, &pn);
    let mut changes: Vec<Change> = Vec::new();
    let mut matches: Vec<ItemMatch> = Vec::new();
    let mut notes: Vec<String> = Vec::new();
    let mut stats = Stats {
        old_items: old.items.len(),
        new_items: new.items.len(),
        ..Default::default()
    };

    meta_changes(old, new, &mut changes);
    let cut = truncation(old, new, &groups, &mut notes);

    for g in &groups {
        let start = changes.len();
        let op = paths(&old.items, &g.old);
        let np = paths(&new.items, &g.new);
        let heading = g
            .new
            .first()
            .map(|&j| new.items[j].heading.clone())
            .or_else(|| g.old.first().map(|&i| old.items[i].heading.clone()))
            .unwrap_or_default();
        match g.relation {
            Relation::Added | Relation::Removed => {
                let (items, idx) = if g.relation == Relation::Added {
                    (&new.items, g.new[0])
                } else {
                    (&old.items, g.old[0])
                };
                let it = &items[idx];
                let mut c = Change::new(
                    if g.relation == Relation::Added {
                        ChangeKind::Added
                    } else {
                        ChangeKind::Removed
                    },
                    joined(&op),
                    joined(&np),
                );
                c.units = all_units(it);
                changes.push(c);
                if g.relation == Relation::Added {
                    stats.added += 1;
                } else {
                    stats.removed += 1;
                }
            }
            Relation::Split | Relation::Merged => {
                let olds: Vec<&Item> = g.old.iter().map(|&i| &old.items[i]).collect();
                let news: Vec<&Item> = g.new.iter().map(|&j| &new.items[j]).collect();
                let mut c = Change::new(
                    if g.relation == Relation::Split {
                        ChangeKind::Split
                    } else {
                        ChangeKind::Merged
                    },
                    joined(&op),
                    joined(&np),
                );
                let ot: Vec<&str> = olds.iter().map(|it| body_text(it)).collect();
                let nt: Vec<&str> = news.iter().map(|it| body_text(it)).collect();
                c.redline = redline::redline(&ot.join("\n"), &nt.join("\n"));
                let mut units: Vec<String> = olds
                    .iter()
                    .chain(&news)
                    .flat_map(|it| all_units(it))
                    .collect();
                dedup(&mut units);
                c.units = units;
                changes.push(c);
                let o = merged_item(&olds);
                let n = merged_item(&news);
                let (op1, np1) = (joined(&op), joined(&np));
                compare_units(&o, &n, &op1, &np1, &mut changes);
                compare_targets(&o, &n, &op1, &np1, None, &mut changes);
                if g.relation == Relation::Split {
                    stats.split += 1;
                } else {
                    stats.merged += 1;
                }
            }
            _ => {
                let (i, j) = (g.old[0], g.new[0]);
                let (o, n) = (&old.items[i], &new.items[j]);
                let (opath, npath) = (Some(path_str(o)), Some(path_str(n)));
                match g.relation {
                    Relation::Moved => {
                        let mut c = Change::new(ChangeKind::Moved, opath.clone(), npath.clone());
                        c.units = all_units(n);
                        changes.push(c);
                        stats.moved += 1;
                    }
                    Relation::Renumbered => {
                        let mut c =
                            Change::new(ChangeKind::Renumbered, opath.clone(), npath.clone());
                        c.units = all_units(n);
                        changes.push(c);
                        stats.renumbered += 1;
                    }
                    Relation::Shifted => stats.shifted += 1,
                    _ => {}
                }
                let item_cut = cut.filter(|_| i + 1 == old.items.len() && j + 1 == new.items.len());
                let before = changes.len();
                compare_pair(o, n, &opath, &npath, item_cut, &mut changes);
                let field_changes = changes.len() - before;
                if field_changes > 0 {
                    stats.changed += 1;
                } else if matches!(g.relation, Relation::InPlace | Relation::Shifted) {
                    stats.unchanged += 1;
                }
            }
        }
        // Each change repeats its item's heading as context, cut (a
        // paragraph of thousands of changed targets is one heading).
        let context = crate::output::context(&heading);
        for c in &mut changes[start..] {
            if c.heading.is_empty() {
                c.heading = context.to_string();
            }
        }
        matches.push(ItemMatch {
            relation: g.relation,
            old_paths: op,
            new_paths: np,
            heading,
            score: (g.score * 1000.0).round() / 1000.0,
            changes: (start..changes.len()).collect(),
        });
    }
    if stats.shifted > 0 {
        notes.push(format!(
            "{} item(s) carry a new number only because items before them were added, removed or moved; they are not listed as changes",
            stats.shifted
        ));
    }
    stats.changes = changes.len();
    let impact = impact(&changes, old, new);
    Diff {
        old_source: old.source.clone(),
        new_source: new.source.clone(),
        stats,
        impact,
        changes,
        matches,
        notes,
    }
}

/// An item standing for several (split parts or merged items): units and
/// targets of all of them.
fn merged_item(items: &[&Item]) -> Item {
    let mut it = Item::default();
    for x in items {
        it.lead_units.extend(x.lead_units.iter().cloned());
        it.responsible_units
            .extend(x.responsible_units.iter().cloned());
        it.targets.extend(x.targets.iter().cloned());
        it.text.push_str(&x.text);
    }
    it
}

fn meta_changes(old: &Notice, new: &Notice, out: &mut Vec<Change>) {
    let (a, b) = (&old.meta, &new.meta);
    let fields: [(&str, Option<String>, Option<String>); 6] = [
        ("title", a.title.clone(), b.title.clone()),
        (
            "doc_number",
            a.doc_number.as_ref().map(|d| d.raw.clone()),
            b.doc_number.as_ref().map(|d| d.raw.clone()),
        ),
        ("issuer", a.issuer.clone(), b.issuer.clone()),
        ("date", a.date.clone(), b.date.clone()),
        (
            "attachment_title",
            a.attachment_title.clone(),
            b.attachment_title.clone(),
        ),
        ("preamble", a.preamble.clone(), b.preamble.clone()),
    ];
    for (name, x, y) in fields {
        let nx = x.as_deref().map(normalize).unwrap_or_default();
        let ny = y.as_deref().map(normalize).unwrap_or_default();
        // A field the parser did not find on one side is no evidence of a change.
        if nx == ny || nx.is_empty() || ny.is_empty() {
            continue;
        }
        let mut c = Change::new(ChangeKind::Meta, None, None);
        c.field = Some(name.to_string());
        if name == "preamble" {
            c.redline = redline::redline(x.as_deref().unwrap_or(""), y.as_deref().unwrap_or(""));
        } else {
            c.old = x;
            c.new = y;
        }
        out.push(c);
    }
}

/// Apply the truncation rule (module docs) to the last items.
fn truncation(
    old: &Notice,
    new: &Notice,
    groups: &[Group],
    notes: &mut Vec<String>,
) -> Option<Cut> {
    let (i, j) = (
        old.items.len().checked_sub(1)?,
        new.items.len().checked_sub(1)?,
    );
    groups
        .iter()
        .find(|g| g.old == [i] && g.new == [j] && g.relation != Relation::Split)?;
    let (o, n) = (&old.items[i], &new.items[j]);
    let (a, b) = (normalize(&o.text), normalize(&n.text));
    let (old_short, short, long, short_item) = if a.len() < b.len() {
        (true, &a, &b, o)
    } else if b.len() < a.len() {
        (false, &b, &a, n)
    } else {
        return None;
    };
    if !long.starts_with(short.as_str()) {
        return None;
    }
    let last = short_item.text.trim_end().chars().last()?;
    if "。；;！!？?）)》”\"".contains(last) {
        return None;
    }
    let len = short.chars().count();
    let missing = long.chars().count() - len;
    let tail: String = {
        let cs: Vec<char> = short_item.text.trim_end().chars().collect();
        cs[cs.len().saturating_sub(12)..].iter().collect()
    };
    notes.push(format!(
        "{} copy ends {missing} character(s) earlier in its last item {} (…{tail}), mid-sentence: taken as truncated, the missing tail is not a change",
        if old_short { "the OLD" } else { "the NEW" },
        path_str(short_item),
    ));
    Some(Cut {
        old_short,
        len,
        clause_kept: body_text(short_item).len() < short_item.text.len(),
    })
}

fn compare_pair(
    o: &Item,
    n: &Item,
    op: &Option<String>,
    np: &Option<String>,
    cut: Option<Cut>,
    out: &mut Vec<Change>,
) {
    let prefix_cut = |x: &str, y: &str| {
        cut.is_some_and(|c| {
            let (s, l) = if c.old_short { (x, y) } else { (y, x) };
            l.starts_with(s)
        })
    };
    let (ho, hn) = (normalize(&o.heading), normalize(&n.heading));
    let (to, tn) = (normalize(body_text(o)), normalize(body_text(n)));
    let heading_in_text = |h: &str, t: &str| !h.is_empty() && t.starts_with(h);
    let section_like = to == ho && tn == hn;
    let head_subsumed = !section_like && heading_in_text(&ho, &to) && heading_in_text(&hn, &tn);
    // A one-sentence task (text = heading) is reported as text; a bare
    // section title as heading.
    let title_only = section_like
        && o.lead_units.is_empty()
        && o.responsible_units.is_empty()
        && o.targets.is_empty();
    if ho != hn && !head_subsumed && (title_only || !section_like) && !prefix_cut(&ho, &hn) {
        let mut c = Change::new(ChangeKind::Heading, op.clone(), np.clone());
        c.redline = redline::redline(&o.heading, &n.heading);
        c.units = all_units(n);
        out.push(c);
    }
    if to != tn && !title_only && !prefix_cut(&to, &tn) {
        let mut c = Change::new(ChangeKind::Text, op.clone(), np.clone());
        c.redline = redline::redline(body_text(o), body_text(n));
        c.units = all_units(n);
        out.push(c);
    }
    compare_targets(o, n, op, np, cut, out);
    if cut.is_some_and(|c| !c.clause_kept) {
        return;
    }
    compare_units(o, n, op, np, out);
    let (dl_o, dl_n) = (
        o.deadline.as_deref().map(normalize),
        n.deadline.as_deref().map(normalize),
    );
    if dl_o != dl_n {
        let mut c = Change::new(ChangeKind::Deadline, op.clone(), np.clone());
        c.old = o.deadline.clone();
        c.new = n.deadline.clone();
        c.units = all_units(n);
        out.push(c);
    }
    for w in &n.warnings {
        if !o.warnings.contains(w) {
            let mut c = Change::new(ChangeKind::WarningAdded, op.clone(), np.clone());
            c.new = Some(w.clone());
            out.push(c);
        }
    }
    for w in &o.warnings {
        if !n.warnings.contains(w) {
            let mut c = Change::new(ChangeKind::WarningRemoved, op.clone(), np.clone());
            c.old = Some(w.clone());
            out.push(c);
        }
    }
}

fn canon(us: &[Unit]) -> Vec<String> {
    let mut v: Vec<String> = us.iter().map(|u| u.canonical.clone()).collect();
    dedup(&mut v);
    v
}

fn compare_units(
    o: &Item,
    n: &Item,
    op: &Option<String>,
    np: &Option<String>,
    out: &mut Vec<Change>,
) {
    let roles = [
        (
            canon(&o.lead_units),
            canon(&n.lead_units),
            ChangeKind::LeadAdded,
            ChangeKind::LeadRemoved,
        ),
        (
            canon(&o.responsible_units),
            canon(&n.responsible_units),
            ChangeKind::ResponsibleAdded,
            ChangeKind::ResponsibleRemoved,
        ),
    ];
    for (a, b, add, rem) in roles {
        for u in b.iter().filter(|u| !a.contains(u)) {
            let mut c = Change::new(add, op.clone(), np.clone());
            c.new = Some(u.clone());
            c.units = vec![u.clone()];
            out.push(c);
        }
        for u in a.iter().filter(|u| !b.contains(u)) {
            let mut c = Change::new(rem, op.clone(), np.clone());
            c.old = Some(u.clone());
            c.units = vec![u.clone()];
            out.push(c);
        }
    }
}

/// Positions (normalised chars) of each target's raw text in the item text.
fn target_spans(it: &Item) -> Vec<Option<(usize, usize)>> {
    let text: Vec<char> = normalize(&it.text).chars().collect();
    let mut from = 0;
    it.targets
        .iter()
        .map(|t| {
            let raw: Vec<char> = normalize(&t.raw).chars().collect();
            if raw.is_empty() || raw.len() > text.len() {
                return None;
            }
            let found = (from..=text.len() - raw.len())
                .find(|&k| text[k..k + raw.len()] == raw[..])
                .or_else(|| {
                    (0..=text.len() - raw.len()).find(|&k| text[k..k + raw.len()] == raw[..])
                })?;
            from = found + raw.len();
            Some((found, found + raw.len()))
        })
        .collect()
}

fn describe(t: &Target, cmp: bool, period: bool, deadline: bool) -> String {
    let mut s = String::new();
    if period && let Some(p) = &t.period {
        s.push_str(p);
    }
    if cmp {
        s.push_str(match t.comparator.as_str() {
            ">=" => "≥",
            "<=" => "≤",
            "=" => "=",
            other => other,
        });
    }
    s.push_str(&format_number(t.value));
    if let Some(m) = t.max {
        s.push('–');
        s.push_str(&format_number(m));
    }
    s.push_str(&t.unit);
    if t.cumulative && cmp {
        s.push_str("（累计）");
    }
    if deadline && let Some(d) = &t.deadline {
        s.push_str(&format!("（{d}）"));
    }
    s
}

/// A target's normalised metric (empty when it has none), the metric's
/// character bigrams and its normalised unit: what pairing compares.
struct TargetKey {
    metric: String,
    bigrams: Vec<u64>,
    unit: String,
}

impl TargetKey {
    fn of(t: &Target) -> TargetKey {
        let metric = t.metric.as_deref().map(normalize).unwrap_or_default();
        let bigrams = if metric.is_empty() {
            Vec::new()
        } else {
            align::bigrams(&metric)
        };
        TargetKey {
            metric,
            bigrams,
            unit: normalize(&t.unit),
        }
    }
}

/// How far apart (in places among the item's targets) an old and a new
/// target may be to be paired. The most targets an item of the corpus has
/// is 11, so every pair of a real item is scored.
const TARGET_WINDOW: usize = 200;

fn compare_targets(
    o: &Item,
    n: &Item,
    op: &Option<String>,
    np: &Option<String>,
    cut: Option<Cut>,
    out: &mut Vec<Change>,
) {
    // Under the truncation rule, keep only targets wholly before the cut.
    // A target ending at the cut on the short side is cut itself; on the long
    // side, one reaching the cut straddles it.
    let keep = |it: &Item| -> Vec<usize> {
        let spans = target_spans(it);
        (0..it.targets.len())
            .filter(|&k| match (cut, spans[k]) {
                (Some(c), Some((_, e))) => e < c.len,
                _ => true,
            })
            .collect()
    };
    let ko = keep(o);
    let kn = keep(n);
    // What a pair is scored on, worked out once per target.
    let keys = |it: &Item| -> Vec<TargetKey> { it.targets.iter().map(TargetKey::of).collect() };
    let (keys_o, keys_n) = (keys(o), keys(n));
    // Pairs at most TARGET_WINDOW places apart are scored (every pair, in
    // any item of a real notice), which keeps one long paragraph of
    // thousands of quantities linear.
    let mut cands: Vec<(i32, usize, usize)> = Vec::new();
    for (x, &a) in ko.iter().enumerate() {
        let (lo, hi) = (x.saturating_sub(TARGET_WINDOW), x + TARGET_WINDOW + 1);
        for (y, &b) in kn.iter().enumerate().take(hi).skip(lo) {
            let (ta, tb) = (&o.targets[a], &n.targets[b]);
            let (ka, kb) = (&keys_o[a], &keys_n[b]);
            let metric_same = !ka.metric.is_empty() && ka.metric == kb.metric;
            let metric_close = !ka.metric.is_empty()
                && !kb.metric.is_empty()
                && align::dice(&ka.bigrams, &kb.bigrams) >= 0.5;
            let unit_same = ka.unit == kb.unit;
            if !(metric_same || metric_close || unit_same) {
                continue;
            }
            let mut s = 0;
            s += if metric_same {
                8
            } else if metric_close {
                4
            } else {
                0
            };
            s += if unit_same { 4 } else { 0 };
            s += if ta.value == tb.value { 2 } else { 0 };
            s += if x == y { 1 } else { 0 };
            cands.push((s, a, b));
        }
    }
    cands.sort_by(|x, y| y.0.cmp(&x.0).then(x.1.cmp(&y.1)).then(x.2.cmp(&y.2)));
    let mut used_o = vec![false; o.targets.len()];
    let mut used_n = vec![false; n.targets.len()];
    let mut pairs = Vec::new();
    for (_, a, b) in cands {
        if !used_o[a] && !used_n[b] {
            used_o[a] = true;
            used_n[b] = true;
            pairs.push((a, b));
        }
    }
    pairs.sort_by_key(|p| p.1);
    let units = all_units(n);
    for (a, b) in pairs {
        let (ta, tb) = (&o.targets[a], &n.targets[b]);
        let cmp = ta.comparator != tb.comparator || ta.cumulative != tb.cumulative;
        let period = ta.period != tb.period;
        let deadline =
            ta.deadline.as_deref().map(normalize) != tb.deadline.as_deref().map(normalize);
        let same = ta.value == tb.value
            && ta.max == tb.max
            && normalize(&ta.unit) == normalize(&tb.unit)
            && !cmp
            && !period
            && !deadline;
        if !same {
            let mut c = Change::new(ChangeKind::Target, op.clone(), np.clone());
            c.old = Some(describe(ta, cmp, period, deadline));
            c.new = Some(describe(tb, cmp, period, deadline));
            c.field = tb.metric.clone().or_else(|| ta.metric.clone());
            c.units = units.clone();
            out.push(c);
        }
    }
    for &a in &ko {
        if !used_o[a] {
            let mut c = Change::new(ChangeKind::TargetRemoved, op.clone(), np.clone());
            c.old = Some(describe(&o.targets[a], true, true, true));
            c.field = o.targets[a].metric.clone();
            c.units = units.clone();
            out.push(c);
        }
    }
    for &b in &kn {
        if !used_n[b] {
            let mut c = Change::new(ChangeKind::TargetAdded, op.clone(), np.clone());
            c.new = Some(describe(&n.targets[b], true, true, true));
            c.field = n.targets[b].metric.clone();
            c.units = units.clone();
            out.push(c);
        }
    }
}

fn role_of(it: &Item, unit: &str) -> &'static str {
    if it.lead_units.iter().any(|u| u.canonical == unit) {
        "lead"
    } else {
        "responsible"
    }
}

/// Build the per-unit impact summary from the changes.
fn impact(changes: &[Change], old: &Notice, new: &Notice) -> Vec<UnitImpact> {
    // Items by path, looked up once per change (a search through the
    // items for each change made a plan revised throughout quadratic).
    let (old_index, new_index) = (
        first_index_by_path(&old.items),
        first_index_by_path(&new.items),
    );
    let find = |index: &HashMap<String, usize>, p: &Option<String>| -> Option<usize> {
        let p = p.as_deref()?.split(" + ").next()?;
        index.get(p).copied()
    };
    let mut map: BTreeMap<String, UnitImpact> = BTreeMap::new();
    fn entry<'a>(map: &'a mut BTreeMap<String, UnitImpact>, unit: &str) -> &'a mut UnitImpact {
        map.entry(unit.to_string()).or_insert_with(|| UnitImpact {
            unit: unit.to_string(),
            gained: vec![],
            lost: vec![],
            targets_changed: vec![],
        })
    }
    for c in changes {
        let ni = find(&new_index, &c.new_path).map(|j| &new.items[j]);
        let oi = find(&old_index, &c.old_path).map(|i| &old.items[i]);
        let path = c
            .new_path
            .clone()
            .or(c.old_path.clone())
            .unwrap_or_default();
        let mk = |role: &str, detail: String| ImpactEntry {
            path: path.clone(),
            heading: c.heading.clone(),
            role: role.to_string(),
            detail,
        };
        match c.kind {
            ChangeKind::Added => {
                if let Some(it) = ni {
                    for u in &c.units {
                        let e = mk(role_of(it, u), "new task".into());
                        entry(&mut map, u).gained.push(e);
                    }
                }
            }
            ChangeKind::Removed => {
                if let Some(it) = oi {
                    for u in &c.units {
                        let e = mk(role_of(it, u), "task removed".into());
                        entry(&mut map, u).lost.push(e);
                    }
                }
            }
            ChangeKind::LeadAdded | ChangeKind::ResponsibleAdded => {
                let role = if c.kind == ChangeKind::LeadAdded {
                    "lead"
                } else {
                    "responsible"
                };
                for u in &c.units {
                    let e = mk(role, format!("added as {role}"));
                    entry(&mut map, u).gained.push(e);
                }
            }
            ChangeKind::LeadRemoved | ChangeKind::ResponsibleRemoved => {
                let role = if c.kind == ChangeKind::LeadRemoved {
                    "lead"
                } else {
                    "responsible"
                };
                for u in &c.units {
                    let e = mk(role, format!("removed as {role}"));
                    entry(&mut map, u).lost.push(e);
                }
            }
            ChangeKind::Target | ChangeKind::TargetAdded | ChangeKind::TargetRemoved => {
                let detail = match (&c.old, &c.new) {
                    (Some(a), Some(b)) => format!("{a} → {b}"),
                    (Some(a), None) => format!("−{a}"),
                    (None, Some(b)) => format!("+{b}"),
                    _ => String::new(),
                };
                for u in &c.units {
                    let role = ni.or(oi).map(|it| role_of(it, u)).unwrap_or("responsible");
                    let e = mk(role, detail.clone());
                    entry(&mut map, u).targets_changed.push(e);
                }
            }
            _ => {}
        }
    }
    let mut v: Vec<UnitImpact> = map.into_values().collect();
    let n = |u: &UnitImpact| u.gained.len() + u.lost.len() + u.targets_changed.len();
    v.sort_by(|a, b| n(b).cmp(&n(a)).then_with(|| a.unit.cmp(&b.unit)));
    v
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Options, parse_text};

    const OLD: &str = "一、主要指标\n1.全省市场主体数量达到 850 万户。（牵头单位：省局注册处；责任单位：各市、州、县市场监管局）\n2.建立社会公用计量标准 3000 项。（牵头单位：省局计量处；责任单位：各市、州、县市场监管局）\n";

    fn parse(s: &str) -> Notice {
        parse_text(s, &Options::default())
    }

    #[test]
    fn identical_gives_no_changes() {
        let d = diff(&parse(OLD), &parse(OLD));
        assert!(d.is_empty(), "{:?}", d.changes);
        assert!(d.impact.is_empty());
    }

    #[test]
    fn layout_only_gives_no_changes() {
        let other = "一、主要指标\n\n  1．全省市场主体数量达到８５０万户。\n（牵头单位:省局注册处;责任单位:各市、州、县市场监管局)\n2. 建立社会公用计量標準3000項。(牵头单位：省局计量处；责任单位：各市、州、县市场监管局）\n";
        let d = diff(&parse(OLD), &parse(other));
        assert!(d.is_empty(), "{:#?}", d.changes);
    }

    /// One task whose first sentence holds `n` quantities, every third
    /// raised by `bump`, then `tail`.
    fn quantities(n: usize, bump: usize, tail: &str) -> Notice {
        let mut s = String::from("一、任务\n1.推进工作");
        for k in 0..n {
            let v = if k % 3 == 0 { k + bump } else { k };
            s.push_str(&format!("达到{v}家，"));
        }
        parse(&(s + tail + "\n"))
    }

    #[test]
    fn changes_repeat_a_cut_heading_of_their_item() {
        // One sentence of 300 quantities, every third changed: each change
        // and impact entry carries the heading cut, the match holds it whole.
        let version = |bump| quantities(300, bump, "（牵头单位：省发展改革委）。");
        let (old, new) = (version(0), version(1000));
        let d = diff(&old, &new);
        let heading = &new.items[1].heading;
        let cut = crate::output::context(heading);
        assert!(cut.ends_with('…'), "{heading}");
        let targets = d.changes.iter().filter(|c| c.kind == ChangeKind::Target);
        assert_eq!(targets.count(), 100);
        assert!(d.changes.iter().all(|c| c.heading == cut));
        assert!(d.matches.iter().any(|m| m.heading == *heading));
        let impact = &d.impact[0].targets_changed;
        assert_eq!(impact.len(), 100);
        assert!(impact.iter().all(|e| e.heading == cut));
    }

    #[test]
    fn targets_of_a_huge_item_pair_within_a_window() {
        // 1,100 targets a side (more than TARGET_WINDOW), every third
        // raised: exactly those are changes, each against its own old value.
        let (old, new) = (quantities(1100, 0, "。"), quantities(1100, 100_000, "。"));
        assert!(old.items[1].targets.len() > 5 * TARGET_WINDOW);
        let d = diff(&old, &new);
        let targets: Vec<&Change> = d
            .changes
            .iter()
            .filter(|c| c.kind == ChangeKind::Target)
            .collect();
        assert_eq!(targets.len(), 367);
        for (c, k) in targets.iter().zip((0..1100).step_by(3)) {
            assert_eq!(c.old.as_deref(), Some(format!("{k}家").as_str()), "{c:?}");
            assert_eq!(
                c.new.as_deref(),
                Some(format!("{}家", k + 100_000).as_str())
            );
        }
    }

    #[test]
    fn target_and_unit_changes() {
        let new = OLD
            .replace("850", "900")
            .replace("牵头单位：省局计量处", "牵头单位：省局信用处");
        let d = diff(&parse(OLD), &parse(&new));
        let s: Vec<String> = d.changes.iter().map(|c| c.summary()).collect();
        assert!(
            s.contains(&"target 一/1: 850万户 → 900万户".to_string()),
            "{s:#?}"
        );
        assert!(
            s.iter()
                .any(|x| x.starts_with("text 一/1: ") && x.contains("[-850-]{+900+}万户")),
            "{s:#?}"
        );
        assert!(
            s.iter()
                .any(|x| x.starts_with("lead_added 一/2: +") && x.contains("信用处")),
            "{s:#?}"
        );
        assert!(
            s.iter()
                .any(|x| x.starts_with("lead_removed 一/2: −") && x.contains("计量处")),
            "{s:#?}"
        );
        assert!(
            !s.iter().any(|x| x.starts_with("text 一/2")),
            "unit clause is not text: {s:#?}"
        );
        let u: Vec<&str> = d.impact.iter().map(|u| u.unit.as_str()).collect();
        assert!(u.iter().any(|u| u.contains("信用处")), "{u:?}");
    }

    #[test]
    fn truncated_tail_is_a_note() {
        let long = "一、主要目标\n1.城镇新增就业900万人以上,城镇调查失业率6%左右,居民消费价格涨幅3.5%左右;进出口促稳提质\n";
        let short =
            "一、主要目标\n1.城镇新增就业900万人以上,城镇调查失业率6%左右,居民消费价格涨幅3.5%\n";
        let d = diff(&parse(long), &parse(short));
        assert!(d.is_empty(), "{:#?}", d.changes);
        assert_eq!(d.notes.len(), 1, "{:?}", d.notes);
        // A finished sentence that got shorter is an edit, not a truncation.
        let edited = "一、主要目标\n1.城镇新增就业900万人以上,城镇调查失业率6%左右。\n";
        let d = diff(&parse(long), &parse(edited));
        assert!(!d.is_empty());
    }
}
