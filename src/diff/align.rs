//! Aligning the items of two versions by content.
//!
//! 1. Candidate pairs get a similarity: char-bigram Dice on the normalised
//!    body (text without the trailing unit clause) and heading, combined with
//!    the overlap of their canonical units. Small plans score every pair;
//!    large ones (more than [`ALL_PAIRS_LIMIT`] pairs) take candidates from a
//!    bigram postings index, so time and memory grow near-linearly.
//! 2. Pairs are accepted greedily by descending score above
//!    [`MATCH_THRESHOLD`]; then, between two accepted anchors, leftover items
//!    of the same level are paired at the lower [`GAP_THRESHOLD`] (heavy
//!    rewording in place).
//! 3. Split/merge: a leftover new item whose bigrams are mostly contained in
//!    one old item, which together with that item's partner covers it, makes
//!    a split (and symmetrically a merge).
//! 4. Order: the longest increasing run of matched pairs is "in place"; the
//!    rest moved. A pair whose parents do not correspond moved to another
//!    section. A changed label explained by siblings added or removed before
//!    it is a mere shift, not a renumbering.

use super::redline::normalize;
use crate::model::Item;
use serde::{Deserialize, Serialize};
use std::collections::HashSet;

/// Score above which two items are taken as the same item anywhere in the document.
pub const MATCH_THRESHOLD: f64 = 0.5;
/// Score above which two same-level items in the same gap between anchors are paired.
pub const GAP_THRESHOLD: f64 = 0.3;
/// Share of a part's bigrams that must come from the whole for a split/merge.
pub const PART_CONTAINMENT: f64 = 0.6;
/// Share of the whole's bigrams the parts together must cover for a split/merge.
pub const WHOLE_COVERAGE: f64 = 0.7;

/// How an old item relates to the new version (or a new item to the old).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Relation {
    /// Same place, same number.
    InPlace,
    /// Number changed only because siblings before it were added or removed.
    Shifted,
    /// Same section and order, but the number itself changed.
    Renumbered,
    /// Moved to another section, or out of order.
    Moved,
    /// One old item became several new ones.
    Split,
    /// Several old items became one new one.
    Merged,
    /// Only in the new version.
    Added,
    /// Only in the old version.
    Removed,
}

impl Relation {
    /// snake_case name.
    pub fn as_str(self) -> &'static str {
        match self {
            Relation::InPlace => "in_place",
            Relation::Shifted => "shifted",
            Relation::Renumbered => "renumbered",
            Relation::Moved => "moved",
            Relation::Split => "split",
            Relation::Merged => "merged",
            Relation::Added => "added",
            Relation::Removed => "removed",
        }
    }
}

/// One group of the alignment: old item indices ↔ new item indices.
#[derive(Debug, Clone, PartialEq)]
pub struct Group {
    /// How they relate.
    pub relation: Relation,
    /// Indices into the old items (empty for added).
    pub old: Vec<usize>,
    /// Indices into the new items (empty for removed).
    pub new: Vec<usize>,
    /// Similarity of a 1:1 pair, coverage of a split/merge.
    pub score: f64,
}

/// The text of an item without its trailing unit clause (`（牵头单位：…）`),
/// which is compared unit by unit instead.
pub fn body_text(item: &Item) -> &str {
    let t = item
        .text
        .trim_end_matches(|c: char| c.is_whitespace() || c == '。');
    if !(t.ends_with('）') || t.ends_with(')')) {
        return &item.text;
    }
    let mut depth = 0i32;
    for (i, c) in t.char_indices().rev() {
        match c {
            '）' | ')' => depth += 1,
            '（' | '(' => {
                depth -= 1;
                if depth == 0 {
                    let inner = crate::repair::fold(&t[i..]);
                    const WORDS: [&str; 7] =
                        ["单位", "负责", "牵头", "配合", "参与", "协办", "责任"];
                    if WORDS.iter().any(|w| inner.contains(w)) {
                        return t[..i].trim_end();
                    }
                    return &item.text;
                }
            }
            _ => {}
        }
    }
    &item.text
}

/// Sorted multiset of char bigrams of a normalised string (a single char
/// counts as one "bigram").
pub fn bigrams(norm: &str) -> Vec<u64> {
    let cs: Vec<u32> = norm.chars().map(|c| c as u32).collect();
    let mut v: Vec<u64> = if cs.len() == 1 {
        vec![(cs[0] as u64) << 32]
    } else {
        cs.windows(2)
            .map(|w| ((w[0] as u64) << 32) | w[1] as u64)
            .collect()
    };
    v.sort_unstable();
    v
}

/// Size of the multiset intersection of two sorted bigram lists.
pub fn overlap(a: &[u64], b: &[u64]) -> usize {
    let (mut i, mut j, mut n) = (0, 0, 0);
    while i < a.len() && j < b.len() {
        match a[i].cmp(&b[j]) {
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
            std::cmp::Ordering::Equal => {
                n += 1;
                i += 1;
                j += 1;
            }
        }
    }
    n
}

/// Dice coefficient of two bigram multisets (1 when both are empty).
pub fn dice(a: &[u64], b: &[u64]) -> f64 {
    if a.is_empty() && b.is_empty() {
        return 1.0;
    }
    2.0 * overlap(a, b) as f64 / (a.len() + b.len()) as f64
}

/// Merge sorted multisets.
fn union(parts: &[&[u64]]) -> Vec<u64> {
    let mut v: Vec<u64> = parts.iter().flat_map(|p| p.iter().copied()).collect();
    v.sort_unstable();
    v
}

/// What the aligner needs of one item.
#[derive(Debug, Clone)]
pub struct Prepared {
    /// Bigrams of the normalised body.
    pub body: Vec<u64>,
    /// Bigrams of the normalised heading.
    pub head: Vec<u64>,
    /// Canonical names of all its units, sorted, deduplicated.
    pub units: Vec<String>,
    /// Numbering level.
    pub level: u8,
    /// Index of the parent item, if any.
    pub parent: Option<usize>,
    /// Last label of the path.
    pub label: String,
}

/// Prepare the items of one version.
pub fn prepare(items: &[Item]) -> Vec<Prepared> {
    let parents = parents(items);
    items
        .iter()
        .zip(parents)
        .map(|(it, parent)| {
            let mut units: Vec<String> = it
                .lead_units
                .iter()
                .chain(&it.responsible_units)
                .map(|u| u.canonical.clone())
                .collect();
            units.sort();
            units.dedup();
            Prepared {
                body: bigrams(&normalize(body_text(it))),
                head: bigrams(&normalize(&it.heading)),
                units,
                level: it.level,
                parent,
                label: it.path.last().cloned().unwrap_or_default(),
            }
        })
        .collect()
}

/// Parent of each item: the nearest earlier item whose path is this path's prefix.
pub fn parents(items: &[Item]) -> Vec<Option<usize>> {
    let mut stack: Vec<usize> = Vec::new();
    let mut out = Vec::with_capacity(items.len());
    for (i, it) in items.iter().enumerate() {
        while let Some(&top) = stack.last() {
            let p = &items[top].path;
            if p.len() < it.path.len() && it.path[..p.len()] == p[..] {
                break;
            }
            stack.pop();
        }
        out.push(stack.last().copied());
        stack.push(i);
    }
    out
}

/// Similarity of two prepared items, 0..=1.
pub fn similarity(a: &Prepared, b: &Prepared) -> f64 {
    let body = dice(&a.body, &b.body);
    let head = dice(&a.head, &b.head);
    let units = if a.units.is_empty() && b.units.is_empty() {
        body
    } else {
        let sa: HashSet<&String> = a.units.iter().collect();
        let inter = b.units.iter().filter(|u| sa.contains(u)).count();
        inter as f64 / (a.units.len() + b.units.len() - inter) as f64
    };
    let s = 0.6 * body + 0.2 * head + 0.2 * units;
    if a.level == b.level { s } else { s * 0.85 }
}

/// Upper bound of [`similarity`] from sizes alone (for pruning).
fn bound(a: &Prepared, b: &Prepared) -> f64 {
    let d = |x: usize, y: usize| {
        if x + y == 0 {
            1.0
        } else {
            2.0 * x.min(y) as f64 / (x + y) as f64
        }
    };
    0.6 * d(a.body.len(), b.body.len()) + 0.2 * d(a.head.len(), b.head.len()) + 0.2
}

/// Plans with at most this many old × new pairs are scored pair by pair;
/// larger ones find candidates through a bigram index ([`CandidateIndex`]).
pub const ALL_PAIRS_LIMIT: usize = 250_000;
/// Postings read per bigram when looking up candidates: a bigram shared by
/// more items is read only in a window around the item's relative position.
pub const POSTINGS_PER_BIGRAM: usize = 96;
/// Candidates kept per item (those sharing the most bigrams).
pub const CANDIDATES_PER_ITEM: usize = 48;

/// Which items of the other side may resemble an item: all of them for small
/// plans, or those sharing the most body/heading bigrams (found through
/// postings lists) for large ones, so cost grows near-linearly.
pub struct CandidateIndex<'a> {
    side: &'a [Prepared],
    postings: Option<std::collections::HashMap<u64, Vec<u32>>>,
}

impl<'a> CandidateIndex<'a> {
    /// Index `side` when `pairs` (old × new) exceeds `all_pairs_limit`
    /// (normally [`ALL_PAIRS_LIMIT`]).
    pub fn new(side: &'a [Prepared], pairs: usize, all_pairs_limit: usize) -> Self {
        if pairs <= all_pairs_limit {
            return CandidateIndex {
                side,
                postings: None,
            };
        }
        let mut postings: std::collections::HashMap<u64, Vec<u32>> =
            std::collections::HashMap::new();
        for (j, p) in side.iter().enumerate() {
            let mut grams: Vec<u64> = p.body.iter().chain(&p.head).copied().collect();
            grams.sort_unstable();
            grams.dedup();
            for g in grams {
                postings.entry(g).or_default().push(j as u32);
            }
        }
        CandidateIndex {
            side,
            postings: Some(postings),
        }
    }

    /// Candidate indices for `item`, which sits at relative position `rel`
    /// (0..=1) of its own document. `counts` is scratch space of the side's length.
    pub fn candidates(&self, item: &Prepared, rel: f64, counts: &mut [u32]) -> Vec<usize> {
        let Some(postings) = &self.postings else {
            return (0..self.side.len()).collect();
        };
        let mut grams: Vec<u64> = item.body.iter().chain(&item.head).copied().collect();
        grams.sort_unstable();
        grams.dedup();
        let expected = (rel * self.side.len() as f64) as u32;
        let mut touched: Vec<usize> = Vec::new();
        for g in grams {
            let Some(list) = postings.get(&g) else {
                continue;
            };
            let window = if list.len() <= POSTINGS_PER_BIGRAM {
                &list[..]
            } else {
                let at = list.partition_point(|&j| j < expected);
                let from = at
                    .saturating_sub(POSTINGS_PER_BIGRAM / 2)
                    .min(list.len() - POSTINGS_PER_BIGRAM);
                &list[from..from + POSTINGS_PER_BIGRAM]
            };
            for &j in window {
                let j = j as usize;
                if counts[j] == 0 {
                    touched.push(j);
                }
                counts[j] += 1;
            }
        }
        // Most shared bigrams first; ties go to the nearest relative position.
        let key = |j: usize| (std::cmp::Reverse(counts[j]), j.abs_diff(expected as usize));
        if touched.len() > CANDIDATES_PER_ITEM {
            touched.select_nth_unstable_by_key(CANDIDATES_PER_ITEM, |&j| key(j));
        }
        for &j in &touched {
            counts[j] = 0;
        }
        touched.truncate(CANDIDATES_PER_ITEM);
        touched.sort_unstable();
        touched
    }
}

/// Align two versions. Every old and new index appears in exactly one group;
/// groups come in new-document order (removed items after their predecessor).
pub fn align(old: &[Prepared], new: &[Prepared]) -> Vec<Group> {
    align_with_limit(old, new, ALL_PAIRS_LIMIT)
}

/// [`align`] with the pair count above which candidates come from the index.
fn align_with_limit(old: &[Prepared], new: &[Prepared], all_pairs_limit: usize) -> Vec<Group> {
    let pairs_total = old.len().saturating_mul(new.len());
    let new_index = CandidateIndex::new(new, pairs_total, all_pairs_limit);
    let old_index = CandidateIndex::new(old, pairs_total, all_pairs_limit);
    let rel = |i: usize, n: usize| i as f64 / n.max(1) as f64;
    let mut cands: Vec<(f64, usize, usize)> = Vec::new();
    let mut counts = vec![0u32; new.len()];
    for (i, a) in old.iter().enumerate() {
        for j in new_index.candidates(a, rel(i, old.len()), &mut counts) {
            let b = &new[j];
            if bound(a, b) < GAP_THRESHOLD {
                continue;
            }
            let s = similarity(a, b);
            if s >= GAP_THRESHOLD {
                cands.push((s, i, j));
            }
        }
    }
    // Descending score; ties go to the pair closest in relative position.
    cands.sort_by(|x, y| {
        y.0.total_cmp(&x.0).then_with(|| {
            let dx = (rel(x.1, old.len()) - rel(x.2, new.len())).abs();
            let dy = (rel(y.1, old.len()) - rel(y.2, new.len())).abs();
            dx.total_cmp(&dy)
        })
    });
    let mut o2n: Vec<Option<(usize, f64)>> = vec![None; old.len()];
    let mut n2o: Vec<Option<usize>> = vec![None; new.len()];
    // Matched old index → new index, for the nearest anchors of the gap pass.
    let mut anchors: std::collections::BTreeMap<usize, usize> = std::collections::BTreeMap::new();
    for &(s, i, j) in &cands {
        if s < MATCH_THRESHOLD {
            break;
        }
        if o2n[i].is_none() && n2o[j].is_none() {
            o2n[i] = Some((j, s));
            n2o[j] = Some(i);
            anchors.insert(i, j);
        }
    }
    // Gap pass: same level, between the same anchors.
    for &(s, i, j) in &cands {
        if s >= MATCH_THRESHOLD || o2n[i].is_some() || n2o[j].is_some() {
            continue;
        }
        if old[i].level != new[j].level {
            continue;
        }
        let prev = anchors.range(..i).next_back().map(|(_, &p)| p);
        let next = anchors.range(i + 1..).next().map(|(_, &q)| q);
        if prev.is_none_or(|p| p < j) && next.is_none_or(|q| q > j) {
            o2n[i] = Some((j, s));
            n2o[j] = Some(i);
            anchors.insert(i, j);
        }
    }

    // Splits: leftover new items contained in an old item.
    let mut groups: Vec<Group> = Vec::new();
    let mut in_group_old = vec![false; old.len()];
    let mut in_group_new = vec![false; new.len()];
    let wholes = |parts_free: &dyn Fn(usize) -> bool,
                  part_side: &[Prepared],
                  whole_side: &[Prepared],
                  whole_index: &CandidateIndex,
                  partner: &dyn Fn(usize) -> Option<usize>|
     -> Vec<(usize, Vec<usize>, f64)> {
        let mut by_whole: Vec<Vec<usize>> = vec![Vec::new(); whole_side.len()];
        let mut counts = vec![0u32; whole_side.len()];
        for (p, part) in part_side.iter().enumerate() {
            if !parts_free(p) || part.body.len() < 6 {
                continue;
            }
            let best = whole_index
                .candidates(part, rel(p, part_side.len()), &mut counts)
                .into_iter()
                .map(|w| {
                    (
                        overlap(&part.body, &whole_side[w].body) as f64 / part.body.len() as f64,
                        w,
                    )
                })
                .max_by(|x, y| x.0.total_cmp(&y.0));
            if let Some((c, w)) = best
                && c >= PART_CONTAINMENT
            {
                by_whole[w].push(p);
            }
        }
        let mut out = Vec::new();
        for (w, cands) in by_whole.into_iter().enumerate() {
            if cands.is_empty() {
                continue;
            }
            let whole = &whole_side[w].body;
            let cover = |ps: &[usize]| {
                let bs: Vec<&[u64]> = ps.iter().map(|&p| part_side[p].body.as_slice()).collect();
                overlap(whole, &union(&bs)) as f64 / whole.len().max(1) as f64
            };
            let mut parts: Vec<usize> =
                cands.into_iter().filter(|&p| cover(&[p]) >= 0.15).collect();
            let partner = partner(w);
            if let Some(p) = partner {
                if cover(&[p]) >= 0.85 {
                    continue;
                }
                parts.push(p);
            }
            parts.sort_unstable();
            let c = cover(&parts);
            if parts.len() >= 2 && c >= WHOLE_COVERAGE {
                out.push((w, parts, c));
            }
        }
        out
    };
    let splits = wholes(&|j| n2o[j].is_none(), new, old, &old_index, &|i| {
        o2n[i].map(|m| m.0)
    });
    for (w, parts, c) in splits {
        if let Some((j, _)) = o2n[w].take() {
            n2o[j] = None;
        }
        in_group_old[w] = true;
        for &p in &parts {
            in_group_new[p] = true;
        }
        groups.push(Group {
            relation: Relation::Split,
            old: vec![w],
            new: parts,
            score: c,
        });
    }
    let merges = wholes(
        &|i| o2n[i].is_none() && !in_group_old[i],
        old,
        new,
        &new_index,
        &|j| n2o[j].filter(|_| !in_group_new[j]),
    );
    for (w, parts, c) in merges {
        if in_group_new[w] {
            continue;
        }
        if let Some(i) = n2o[w].take() {
            o2n[i] = None;
        }
        in_group_new[w] = true;
        for &p in &parts {
            in_group_old[p] = true;
        }
        groups.push(Group {
            relation: Relation::Merged,
            old: parts,
            new: vec![w],
            score: c,
        });
    }

    // Order pass over the 1:1 pairs.
    let pairs: Vec<(usize, usize, f64)> = o2n
        .iter()
        .enumerate()
        .filter_map(|(i, m)| m.map(|(j, s)| (i, j, s)))
        .collect();
    let in_lis = lis(&pairs.iter().map(|p| p.1).collect::<Vec<_>>());
    let mut lis_old = vec![false; old.len()];
    for (k, p) in pairs.iter().enumerate() {
        if in_lis[k] {
            lis_old[p.0] = true;
        }
    }
    let grouped: HashSet<(usize, usize)> = groups
        .iter()
        .flat_map(|g| {
            g.old
                .iter()
                .flat_map(|&a| g.new.iter().map(move |&b| (a, b)))
        })
        .collect();
    let corresponds = |po: Option<usize>, pn: Option<usize>| match (po, pn) {
        (None, None) => true,
        (Some(a), Some(b)) => o2n[a].is_some_and(|m| m.0 == b) || grouped.contains(&(a, b)),
        _ => false,
    };
    // Siblings before each item without an in-order counterpart, per side
    // (running counts per parent, one pass each).
    let mut before_old = vec![0usize; old.len()];
    let mut seen_old: std::collections::HashMap<Option<usize>, usize> =
        std::collections::HashMap::new();
    for (x, it) in old.iter().enumerate() {
        let c = seen_old.entry(it.parent).or_default();
        before_old[x] = *c;
        if !lis_old[x] {
            *c += 1;
        }
    }
    let mut before_new = vec![0usize; new.len()];
    let mut seen_new: std::collections::HashMap<Option<usize>, usize> =
        std::collections::HashMap::new();
    for (y, it) in new.iter().enumerate() {
        let c = seen_new.entry(it.parent).or_default();
        before_new[y] = *c;
        if !n2o[y].is_some_and(|x| lis_old[x]) {
            *c += 1;
        }
    }
    let mut ordered: Vec<Group> = Vec::new();
    for (k, &(i, j, s)) in pairs.iter().enumerate() {
        let (a, b) = (&old[i], &new[j]);
        let same_parent = corresponds(a.parent, b.parent);
        let relation = if !same_parent || !in_lis[k] {
            Relation::Moved
        } else if a.label == b.label {
            Relation::InPlace
        } else {
            if before_old[i] != before_new[j] {
                Relation::Shifted
            } else {
                Relation::Renumbered
            }
        };
        ordered.push(Group {
            relation,
            old: vec![i],
            new: vec![j],
            score: s,
        });
        in_group_old[i] = true;
        in_group_new[j] = true;
    }
    groups.extend(ordered);
    for (j, used) in in_group_new.iter().enumerate() {
        if !used {
            groups.push(Group {
                relation: Relation::Added,
                old: vec![],
                new: vec![j],
                score: 0.0,
            });
        }
    }
    // Order: by first new index; removed items right after the group of
    // their nearest earlier old item (before everything when there is none).
    let mut old_pos: Vec<Option<usize>> = vec![None; old.len()];
    for g in &groups {
        for &i in &g.old {
            old_pos[i] = g.new.first().copied();
        }
    }
    let mut keyed: Vec<((usize, usize, usize), Group)> = groups
        .into_iter()
        .map(|g| ((g.new[0] + 1, 0, 0), g))
        .collect();
    let mut last_pos: Option<usize> = None;
    for (i, used) in in_group_old.iter().enumerate() {
        let nearest_before = last_pos;
        if old_pos[i].is_some() {
            last_pos = old_pos[i];
        }
        if !used {
            let anchor = nearest_before.map_or(0, |a| a + 1);
            keyed.push((
                (anchor, 1, i),
                Group {
                    relation: Relation::Removed,
                    old: vec![i],
                    new: vec![],
                    score: 0.0,
                },
            ));
        }
    }
    keyed.sort_by_key(|k| k.0);
    keyed.into_iter().map(|(_, g)| g).collect()
}

/// Which positions of `seq` belong to one longest strictly increasing subsequence.
pub fn lis(seq: &[usize]) -> Vec<bool> {
    let n = seq.len();
    let mut tails: Vec<usize> = Vec::new(); // indices into seq
    let mut prev: Vec<Option<usize>> = vec![None; n];
    for i in 0..n {
        let pos = tails.partition_point(|&t| seq[t] < seq[i]);
        prev[i] = if pos > 0 { Some(tails[pos - 1]) } else { None };
        if pos == tails.len() {
            tails.push(i);
        } else {
            tails[pos] = i;
        }
    }
    let mut out = vec![false; n];
    let mut cur = tails.last().copied();
    while let Some(i) = cur {
        out[i] = true;
        cur = prev[i];
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Unit;

    fn item(path: &[&str], text: &str, units: &[&str]) -> Item {
        Item {
            path: path.iter().map(|s| s.to_string()).collect(),
            level: path.len() as u8,
            heading: text.split('。').next().unwrap().to_string(),
            text: text.to_string(),
            lead_units: units
                .iter()
                .map(|u| Unit {
                    canonical: u.to_string(),
                    ..Default::default()
                })
                .collect(),
            ..Default::default()
        }
    }

    /// A plan of `n` distinct tasks in sections of ten.
    fn plan(n: usize, seed_text: &[&str]) -> Vec<Item> {
        let mut items = Vec::new();
        for k in 0..n {
            let sec = (k / 10 + 1).to_string();
            if k % 10 == 0 {
                items.push(item(&[&sec], &format!("第{sec}部分工作安排"), &[]));
            }
            let base = seed_text[k % seed_text.len()];
            let text = format!("{base}，落实第{k}号事项，覆盖{}个地区。", k * 7 % 1000);
            let unit = format!("省局第{}处", k % 23);
            items.push(item(&[&sec, &(k % 10 + 1).to_string()], &text, &[&unit]));
        }
        items
    }

    #[test]
    fn indexed_candidates_align_like_all_pairs() {
        let texts: Vec<&str> = include_str!("../../seeds/000_7c5878c3eb2a3600.txt")
            .split(['。', '\n'])
            .filter(|s| s.chars().count() > 12)
            .collect();
        let old = plan(500, &texts);
        let mut new = old.clone();
        // Reword some, remove some, add some, move a block.
        for (k, it) in new.iter_mut().enumerate() {
            if k % 17 == 0 {
                it.text = it.text.replace("落实", "全面推进落实");
            }
        }
        new.retain(|it| !it.text.contains("第33号") && !it.text.contains("第250号"));
        new.insert(
            100,
            item(&["10", "5"], "新增一项全新的任务，建设标准化示范区。", &[]),
        );
        let block: Vec<Item> = new.drain(200..206).collect();
        let at = new.len() - 30;
        new.splice(at..at, block);
        let (po, pn) = (prepare(&old), prepare(&new));
        assert!(po.len() * pn.len() > ALL_PAIRS_LIMIT);
        let all_pairs = align_with_limit(&po, &pn, usize::MAX);
        let indexed = align_with_limit(&po, &pn, 0);
        assert_eq!(all_pairs, indexed);
        assert!(indexed.iter().any(|g| g.relation == Relation::Added));
        assert!(indexed.iter().any(|g| g.relation == Relation::Removed));
    }

    #[test]
    fn identical_tasks_still_pair_up_in_large_plans() {
        let old: Vec<Item> = (1..=3000)
            .map(|k| item(&[&k.to_string()], "推进工作。", &[]))
            .collect();
        let (po, pn) = (prepare(&old), prepare(&old));
        let g = align_with_limit(&po, &pn, 0);
        assert_eq!(g.len(), 3000);
        assert!(g.iter().all(|g| g.old.len() == 1 && g.new.len() == 1));
    }

    #[test]
    fn lis_picks_increasing_run() {
        assert_eq!(lis(&[0, 1, 5, 2, 3]), vec![true, true, false, true, true]);
    }

    #[test]
    fn unit_clause_is_not_body() {
        let it = item(&["1"], "推进改革。（牵头单位：省局注册处）", &[]);
        assert_eq!(body_text(&it), "推进改革。");
        let it = item(&["1"], "推进改革。（牽頭單位：省局注冊處）", &[]);
        assert_eq!(body_text(&it), "推进改革。");
        let it = item(&["1"], "建设中心（研究中心）", &[]);
        assert_eq!(body_text(&it), "建设中心（研究中心）");
    }

    #[test]
    fn insertion_shifts_but_does_not_renumber() {
        let old = vec![
            item(&["一"], "主要任务", &[]),
            item(&["一", "1"], "深化市场准入改革，推进证照分离。", &["A"]),
            item(&["一", "2"], "完善市场退出机制，优化注销制度。", &["B"]),
        ];
        let new = vec![
            item(&["一"], "主要任务", &[]),
            item(
                &["一", "1"],
                "建立消费者集体诉讼制度，推进消费维权。",
                &["C"],
            ),
            item(&["一", "2"], "深化市场准入改革，推进证照分离。", &["A"]),
            item(&["一", "3"], "完善市场退出机制，优化注销制度。", &["B"]),
        ];
        let g = align(&prepare(&old), &prepare(&new));
        let rel: Vec<Relation> = g.iter().map(|g| g.relation).collect();
        assert_eq!(
            rel,
            vec![
                Relation::InPlace,
                Relation::Added,
                Relation::Shifted,
                Relation::Shifted
            ]
        );
    }

    #[test]
    fn a_changed_number_with_no_cause_is_a_renumbering() {
        let old = vec![
            item(&["1"], "深化市场准入改革，推进证照分离。", &["A"]),
            item(&["2"], "完善市场退出机制，优化注销制度。", &["B"]),
        ];
        let new = vec![
            item(&["1"], "深化市场准入改革，推进证照分离。", &["A"]),
            item(&["3"], "完善市场退出机制，优化注销制度。", &["B"]),
        ];
        let g = align(&prepare(&old), &prepare(&new));
        assert_eq!(g[1].relation, Relation::Renumbered);
    }

    #[test]
    fn moved_to_other_section() {
        let old = vec![
            item(&["一"], "甲部分", &[]),
            item(&["一", "1"], "深化市场准入改革，推进证照分离。", &["A"]),
            item(&["二"], "乙部分", &[]),
            item(&["二", "1"], "完善市场退出机制，优化注销制度。", &["B"]),
        ];
        let new = vec![
            item(&["一"], "甲部分", &[]),
            item(&["二"], "乙部分", &[]),
            item(&["二", "1"], "完善市场退出机制，优化注销制度。", &["B"]),
            item(&["二", "2"], "深化市场准入改革，推进证照分离。", &["A"]),
        ];
        let g = align(&prepare(&old), &prepare(&new));
        let moved: Vec<&Group> = g.iter().filter(|g| g.relation == Relation::Moved).collect();
        assert_eq!(moved.len(), 1);
        assert_eq!((moved[0].old[0], moved[0].new[0]), (1, 3));
    }

    #[test]
    fn split_is_detected() {
        let old = vec![item(
            &["1"],
            "深入开展网络市场监管专项行动，加强网络交易跨区域执法协作。建立线上监测、线下实证的直销传销监管体系，深入开展无传销城市创建活动。",
            &["A"],
        )];
        let new = vec![
            item(
                &["1"],
                "深入开展网络市场监管专项行动，加强网络交易跨区域执法协作。",
                &["A"],
            ),
            item(
                &["2"],
                "建立线上监测、线下实证的直销传销监管体系，深入开展无传销城市创建活动。",
                &["A"],
            ),
        ];
        let g = align(&prepare(&old), &prepare(&new));
        assert_eq!(g.len(), 1, "{g:?}");
        assert_eq!(g[0].relation, Relation::Split);
        assert_eq!(g[0].new, vec![0, 1]);
    }
}
