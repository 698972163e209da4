//! The units report: every unit found across notices, with its canonical
//! form, kind, department type and place, how often it leads or is
//! responsible, which written forms (aliases) mapped to it, and whether an
//! alias table knew it — so a user can see what to add to their alias table.
//! Rows merge by canonical name: `市发改委` and `市发展改革委` are one row.

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
    /// Standard department type (`发展和改革委员会`), when the unit names one.
    pub department: Option<String>,
    /// Place or level word (`武汉市`, `市`), when written.
    pub place: Option<String>,
    /// For a pre-reform department: the department it was merged into.
    pub successor: Option<String>,
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
        department: Option<String>,
        place: Option<String>,
        successor: Option<String>,
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
                    if a.department.is_none() {
                        a.department.clone_from(&u.department);
                        a.place.clone_from(&u.place);
                        a.successor.clone_from(&u.successor);
                    }
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
            department: a.department,
            place: a.place,
            successor: a.successor,
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
        assert_eq!(reg.department.as_deref(), Some("市场监督管理局"));
        assert_eq!(reg.place.as_deref(), Some("省"));
    }

    #[test]
    fn spellings_of_one_department_merge_and_places_stay_apart() {
        let text = "武汉市人民政府办公厅\n一、任务\n1.甲。（牵头单位：市发改委；责任单位：市发展改革委、江岸区发改局）\n2.乙。（牵头单位：市发展和改革委员会）\n";
        let n = crate::parse_text(text, &crate::Options::default());
        let s = summarize(&[n]);
        let city: Vec<&UnitSummary> = s
            .iter()
            .filter(|u| u.department.as_deref() == Some("发展和改革委员会"))
            .collect();
        assert_eq!(city.len(), 1, "{s:?}");
        assert_eq!(city[0].canonical, "市发展和改革委员会");
        assert_eq!((city[0].lead, city[0].responsible), (2, 1));
        let district = s
            .iter()
            .find(|u| u.place.as_deref() == Some("江岸区"))
            .unwrap();
        assert_eq!(district.canonical, "江岸区发展和改革局");
    }
}
