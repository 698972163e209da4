//! The units report: every unit found across notices, with its canonical
//! form, kind, how often it leads or is responsible, which written forms
//! (aliases) mapped to it, and whether an alias table knew it — so a user can
//! see what to add to their alias table.

use crate::model::{Notice, UnitKind};
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet};

/// One unit of the report.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct UnitSummary {
    /// Canonical name.
    pub canonical: String,
    /// Kind (from the alias table, or classified from the name).
    pub kind: UnitKind,
    /// Items it leads.
    pub lead: usize,
    /// Items it is responsible for (配合/参与…).
    pub responsible: usize,
    /// Number of notices it appears in.
    pub notices: usize,
    /// Every written form (`name`) that mapped to it, sorted.
    pub aliases: Vec<String>,
    /// Whether an alias table knew it.
    pub known: bool,
}

/// Summarise the units of `notices`, sorted by canonical name.
pub fn summarize(notices: &[Notice]) -> Vec<UnitSummary> {
    #[derive(Default)]
    struct Acc {
        kind: Option<UnitKind>,
        lead: usize,
        responsible: usize,
        notices: BTreeSet<usize>,
        aliases: BTreeSet<String>,
        known: bool,
    }
    let mut map: BTreeMap<String, Acc> = BTreeMap::new();
    for (k, n) in notices.iter().enumerate() {
        for it in &n.items {
            for (lead, units) in [(true, &it.lead_units), (false, &it.responsible_units)] {
                for u in units {
                    let a = map.entry(u.canonical.clone()).or_default();
                    a.kind.get_or_insert(u.kind);
                    if lead {
                        a.lead += 1;
                    } else {
                        a.responsible += 1;
                    }
                    a.notices.insert(k);
                    a.aliases.insert(u.name.clone());
                    a.known |= u.known;
                }
            }
        }
    }
    map.into_iter()
        .map(|(canonical, a)| UnitSummary {
            canonical,
            kind: a.kind.unwrap_or_default(),
            lead: a.lead,
            responsible: a.responsible,
            notices: a.notices.len(),
            aliases: a.aliases.into_iter().collect(),
            known: a.known,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn aliases_collapse_into_one_canonical_unit() {
        let text = "湖北省市场监督管理局\n一、任务\n1.甲。（牵头单位：省局注册处；责任单位：各市、州、县市场监管局）\n2.乙。（牵头单位：省市场监管局登记注册处；责任单位：省局新设处）\n";
        let n = crate::parse_text(text, &crate::Options::default());
        let s = summarize(&[n]);
        let reg = s
            .iter()
            .find(|u| u.canonical == "省市场监管局登记注册处")
            .unwrap();
        assert_eq!((reg.lead, reg.responsible, reg.notices), (2, 0, 1));
        assert_eq!(reg.aliases, vec!["省局注册处", "省市场监管局登记注册处"]);
        assert!(reg.known);
        let new = s.iter().find(|u| u.canonical.ends_with("新设处")).unwrap();
        assert!(!new.known);
    }
}
