//! Hand edits made in the review page, carried into the downloads.
//!
//! The page keeps the notices as parsed (`original`) and as corrected
//! (`edited`), and for every unit and target of an edited item the index it
//! had in the original item (`origin`; `None` for one added by hand). From
//! these:
//!
//! - [`workbook`] writes the workbook of the edited notices with the
//!   fingerprints of the original rows, so that reading it back
//!   ([`crate::input::fengong_xlsx`]) flags exactly the edited, added and
//!   deleted rows, as for a workbook corrected in a spreadsheet;
//! - [`marked`] gives the edited notices with a warning on each item that
//!   was changed (`edited-in-page: …`), for JSON and CSV.

use crate::model::{Notice, Target, Unit};
use crate::output::xlsx::{self, Row, SheetRows};
use crate::units::Aliases;
use serde::Deserialize;
use std::collections::HashMap;

/// Warning on an item whose units or targets were changed in the page.
pub const EDITED_IN_PAGE: &str = "edited-in-page";

/// Where the units and targets of one edited item came from.
#[derive(Debug, Clone, Default, Deserialize, PartialEq)]
pub struct ItemOrigin {
    /// For each unit of lead ++ responsible: its index in the original
    /// item's lead ++ responsible, `None` when added by hand.
    #[serde(default)]
    pub units: Vec<Option<usize>>,
    /// For each target: its index in the original item's targets.
    #[serde(default)]
    pub targets: Vec<Option<usize>>,
}

/// What the page sends to download its notices.
#[derive(Debug, Clone, Deserialize)]
pub struct Edited {
    /// The notices as parsed.
    pub original: Vec<Notice>,
    /// The notices as shown, edits included (same notices and items).
    pub edited: Vec<Notice>,
    /// `origin[notice][item]`; missing entries mean "unchanged order".
    #[serde(default)]
    pub origin: Vec<Vec<ItemOrigin>>,
}

impl Edited {
    /// Check that the edited notices line up with the originals.
    pub fn validate(&self) -> Result<(), String> {
        if self.original.len() != self.edited.len() {
            return Err(format!(
                "{} original notices but {} edited ones",
                self.original.len(),
                self.edited.len()
            ));
        }
        for (ni, (o, e)) in self.original.iter().zip(&self.edited).enumerate() {
            if o.items.len() != e.items.len() {
                return Err(format!(
                    "notice {ni}: {} original items but {} edited ones",
                    o.items.len(),
                    e.items.len()
                ));
            }
        }
        Ok(())
    }

    /// The origin of an item; by default each unit and target is its own.
    fn origin(&self, ni: usize, ii: usize) -> ItemOrigin {
        self.origin
            .get(ni)
            .and_then(|o| o.get(ii))
            .cloned()
            .unwrap_or_else(|| {
                let it = &self.edited[ni].items[ii];
                ItemOrigin {
                    units: (0..it.lead_units.len() + it.responsible_units.len())
                        .map(Some)
                        .collect(),
                    targets: (0..it.targets.len()).map(Some).collect(),
                }
            })
    }

    /// The edited notices with every unit whose name changed (or that was
    /// added) looked up again in the alias tables.
    pub fn resolved(&self, aliases: &Aliases) -> Vec<Notice> {
        let mut out = self.edited.clone();
        for (ni, n) in out.iter_mut().enumerate() {
            for (ii, it) in n.items.iter_mut().enumerate() {
                let origin = self.origin(ni, ii);
                let before = all_units(&self.original[ni].items[ii]);
                let units = it
                    .lead_units
                    .iter_mut()
                    .chain(it.responsible_units.iter_mut());
                for (k, u) in units.enumerate() {
                    let was = origin
                        .units
                        .get(k)
                        .copied()
                        .flatten()
                        .and_then(|o| before.get(o));
                    if was.is_none_or(|w| w.name != u.name) {
                        resolve(u, aliases);
                    }
                }
            }
        }
        out
    }
}

fn all_units(it: &crate::model::Item) -> Vec<&Unit> {
    it.lead_units
        .iter()
        .chain(it.responsible_units.iter())
        .collect()
}

/// Look a hand-typed unit name up again: canonical name, kind, known.
fn resolve(u: &mut Unit, aliases: &Aliases) {
    if u.raw.trim().is_empty() {
        u.raw = u.name.clone();
    }
    let (canonical, kind, known) = crate::input::fengong_xlsx::resolve(&u.name, aliases);
    u.canonical = canonical;
    u.kind = kind;
    u.known = known;
    u.department = None;
    u.place = None;
    u.successor = None;
}

/// The workbook of the edited notices, hand edits flagged as the read-back
/// flags them (see the module doc).
pub fn workbook(e: &Edited, aliases: &Aliases) -> Result<Vec<u8>, String> {
    e.validate()?;
    let edited = e.resolved(aliases);
    let fp = |rows: &[Row]| -> HashMap<(usize, usize, usize), String> {
        rows.iter()
            .map(|r| ((r.notice, r.item, r.sub), r.fingerprint()))
            .collect()
    };
    let item_fps = fp(&xlsx::item_rows(&e.original));
    let unit_fps = fp(&xlsx::unit_rows(&e.original));
    let target_fps = fp(&xlsx::target_rows(&e.original));
    let meta_fps = fp(&xlsx::meta_rows(&e.original));

    let items: SheetRows = xlsx::item_rows(&edited)
        .into_iter()
        .map(|r| {
            let f = item_fps
                .iter()
                .find(|((n, i, _), _)| (*n, *i) == (r.notice, r.item))
                .map(|(_, f)| f.clone())
                .unwrap_or_default();
            (r.cells, f)
        })
        .unzip();
    let sub_rows = |rows: Vec<Row>, fps: &HashMap<_, String>, pick: fn(&ItemOrigin) -> &[_]| {
        rows.into_iter()
            .map(|r| {
                let origin = e.origin(r.notice, r.item);
                let f = pick(&origin)
                    .get(r.sub)
                    .copied()
                    .flatten()
                    .and_then(|o: usize| fps.get(&(r.notice, r.item, o)).cloned())
                    .unwrap_or_default();
                (r.cells, f)
            })
            .unzip::<_, _, Vec<_>, Vec<_>>()
    };
    let units = sub_rows(xlsx::unit_rows(&edited), &unit_fps, |o| &o.units);
    let targets = sub_rows(xlsx::target_rows(&edited), &target_fps, |o| &o.targets);
    let meta: SheetRows = xlsx::meta_rows(&edited)
        .into_iter()
        .map(|r| {
            let f = meta_fps
                .iter()
                .find(|((n, _, _), _)| *n == r.notice)
                .map(|(_, f)| f.clone())
                .unwrap_or_default();
            (r.cells, f)
        })
        .unzip();
    xlsx::workbook_from_rows([items, units, targets, meta]).map_err(|e| e.to_string())
}

fn role_zh(lead: bool) -> &'static str {
    if lead { "牵头单位" } else { "责任单位" }
}

fn target_text(t: &Target) -> String {
    t.raw.clone()
}

/// The edited notices, each changed item carrying one warning
/// `edited-in-page: …` that lists what was changed, added and removed.
pub fn marked(e: &Edited, aliases: &Aliases) -> Result<Vec<Notice>, String> {
    e.validate()?;
    let mut out = e.resolved(aliases);
    for (ni, n) in out.iter_mut().enumerate() {
        for (ii, it) in n.items.iter_mut().enumerate() {
            let origin = e.origin(ni, ii);
            let before = &e.original[ni].items[ii];
            let old_units = all_units(before);
            let lead_count = before.lead_units.len();
            let mut changes = Vec::new();
            let mut kept = vec![false; old_units.len()];
            let new_lead = it.lead_units.len();
            let units = it.lead_units.iter().chain(it.responsible_units.iter());
            for (k, u) in units.enumerate() {
                let role = role_zh(k < new_lead);
                match origin.units.get(k).copied().flatten() {
                    Some(o) if o < old_units.len() => {
                        kept[o] = true;
                        if old_units[o].name != u.name || (o < lead_count) != (k < new_lead) {
                            changes.push(format!("{role} {} → {}", old_units[o].name, u.name));
                        }
                    }
                    _ => changes.push(format!("{role} + {}", u.name)),
                }
            }
            for (o, u) in old_units.iter().enumerate() {
                if !kept[o] {
                    changes.push(format!("{} − {}", role_zh(o < lead_count), u.name));
                }
            }
            let mut kept = vec![false; before.targets.len()];
            for (k, t) in it.targets.iter().enumerate() {
                match origin.targets.get(k).copied().flatten() {
                    Some(o) if o < before.targets.len() => {
                        kept[o] = true;
                        if before.targets[o] != *t {
                            changes.push(format!(
                                "指标 {} → {}",
                                target_text(&before.targets[o]),
                                target_text(t)
                            ));
                        }
                    }
                    _ => changes.push(format!("指标 + {}", target_text(t))),
                }
            }
            for (o, t) in before.targets.iter().enumerate() {
                if !kept[o] {
                    changes.push(format!("指标 − {}", target_text(t)));
                }
            }
            if !changes.is_empty() {
                it.warnings
                    .push(format!("{EDITED_IN_PAGE}: {}", changes.join("; ")));
            }
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::input::fengong_xlsx::{ADDED, DELETED, EDITED, read_workbook};

    fn seed() -> Notice {
        let text = include_str!("../../seeds/000_7c5878c3eb2a3600.txt");
        let mut n = crate::parse_text(text, &crate::Options::default());
        n.source = Some("seed.txt".into());
        n
    }

    fn edited_seed() -> Edited {
        let original = vec![seed()];
        let mut edited = original.clone();
        let it = &mut edited[0].items[1];
        let units = it.lead_units.len() + it.responsible_units.len();
        // Rename the first lead unit, drop the last unit, add one.
        it.lead_units[0].name = "省局信用处".into();
        let removed_last = it.responsible_units.pop().is_some();
        it.responsible_units.push(Unit {
            raw: "省局法规处".into(),
            name: "省局法规处".into(),
            ..Default::default()
        });
        let mut origin_units: Vec<Option<usize>> = (0..units).map(Some).collect();
        if removed_last {
            origin_units.pop();
        }
        origin_units.push(None);
        let mut origin = vec![ItemOrigin::default(); edited[0].items.len()];
        for (ii, o) in origin.iter_mut().enumerate() {
            let it = &edited[0].items[ii];
            o.units = (0..it.lead_units.len() + it.responsible_units.len())
                .map(Some)
                .collect();
            o.targets = (0..it.targets.len()).map(Some).collect();
        }
        origin[1].units = origin_units;
        Edited {
            original,
            edited,
            origin: vec![origin],
        }
    }

    #[test]
    fn untouched_notices_read_back_without_edit_flags() {
        let original = vec![seed()];
        let e = Edited {
            original: original.clone(),
            edited: original,
            origin: vec![],
        };
        let bytes = workbook(&e, &Aliases::builtin()).unwrap();
        let back = read_workbook(&bytes).unwrap().unwrap();
        let flagged = back[0]
            .items
            .iter()
            .flat_map(|i| &i.warnings)
            .filter(|w| w.contains("-in-spreadsheet"))
            .count();
        assert_eq!(flagged, 0);
        assert!(
            marked(&e, &Aliases::builtin()).unwrap()[0]
                .items
                .iter()
                .all(|i| !i.warnings.iter().any(|w| w.starts_with(EDITED_IN_PAGE)))
        );
    }

    #[test]
    fn page_edits_are_flagged_in_the_workbook_read_back() {
        let e = edited_seed();
        let bytes = workbook(&e, &Aliases::builtin()).unwrap();
        let back = read_workbook(&bytes).unwrap().unwrap();
        let it = &back[0].items[1];
        assert!(
            it.warnings.iter().any(|w| w.starts_with(EDITED)),
            "{:?}",
            it.warnings
        );
        assert!(it.warnings.iter().any(|w| w.starts_with(ADDED)));
        assert!(it.lead_units.iter().any(|u| u.name == "省局信用处"));
        assert!(back[0].items[1].warnings.iter().all(|w| !w.is_empty()));
        let others = back[0]
            .items
            .iter()
            .enumerate()
            .filter(|(i, _)| *i != 1)
            .flat_map(|(_, i)| &i.warnings)
            .filter(|w| w.starts_with(EDITED) || w.starts_with(ADDED) || w.starts_with(DELETED))
            .count();
        assert_eq!(others, 0);
    }

    #[test]
    fn page_edits_are_listed_in_a_warning_for_json_and_csv() {
        let e = edited_seed();
        let out = marked(&e, &Aliases::builtin()).unwrap();
        let w = out[0].items[1]
            .warnings
            .iter()
            .find(|w| w.starts_with(EDITED_IN_PAGE))
            .unwrap();
        assert!(w.contains("→ 省局信用处"), "{w}");
        assert!(w.contains("+ 省局法规处"), "{w}");
        let added = out[0].items[1].responsible_units.last().unwrap();
        assert!(!added.canonical.is_empty());
    }

    #[test]
    fn mismatched_notices_are_refused() {
        let mut e = edited_seed();
        e.edited[0].items.pop();
        assert!(workbook(&e, &Aliases::builtin()).is_err());
    }
}
