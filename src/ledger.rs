//! Per-unit task ledgers (`fengong tasks`): every item a unit leads (牵头) or
//! shares (责任) across a set of notices.
//!
//! A query is matched through each notice's alias tables: `注册处`,
//! `省局注册处` and `省市场监管局登记注册处` are the same unit in a notice of
//! 湖北省市场监督管理局. The query and each unit are compared by canonical
//! name (after looking the query up with the notice's aliases), and, as a
//! fallback, by name with the agency prefix (`省局`, `省市场监管局` …) removed.
//!
//! A query that names a department type (`发展和改革委员会`, `发改委`,
//! `人社局`) matches that department in every place — `市发改委` of one
//! notice and `江岸区发展和改革局` of another share the type only when they
//! are the same standard name — and a place (`--place 武汉市`, or the place
//! written in the query, `市发改委`) narrows it to one place. A level word
//! (`市`) in a unit resolves to the place of the notice's issuer
//! (`武汉市人民政府办公厅` → `武汉市`).

use crate::model::{Notice, Role, Target, UnitKind};
use crate::output::context;
use crate::output::xlsx::{Cell, Column, Formats, display_width, sheet_name, write_table};
use crate::repair::fold;
use crate::units::Aliases;
use crate::units::alias::Departments;
use serde::Serialize;
use std::collections::{HashMap, HashSet};

/// One item of a unit's ledger.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Entry {
    /// 牵头 (`lead`) or 责任 (`responsible`).
    pub role: Role,
    /// The notice's file name.
    pub source: String,
    /// The item's numbering path, e.g. `["一", "1"]`.
    pub path: Vec<String>,
    /// The item's heading, cut as a long table's row repeats it
    /// ([`crate::output::context`]).
    pub heading: String,
    /// The unit's name as written in this item.
    pub listed_as: String,
    /// Numeric targets of the item, the first [`ENTRY_TARGETS`] of them.
    pub targets: Vec<Target>,
    /// How many of the item's targets were left out past [`ENTRY_TARGETS`].
    #[serde(skip_serializing_if = "is_zero")]
    pub targets_omitted: usize,
    /// Deadline of the item, if one is written.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub deadline: Option<String>,
}

impl Entry {
    /// `牵头` / `责任`.
    pub fn role_zh(&self) -> &'static str {
        match self.role {
            Role::Lead => "牵头",
            Role::Responsible => "责任",
        }
    }

    /// Targets as written, joined with `；` (`；…` when some were left
    /// out), cut as a long table's row repeats it.
    pub fn targets_text(&self) -> String {
        let mut text = self
            .targets
            .iter()
            .map(|t| t.raw.as_str())
            .collect::<Vec<_>>()
            .join("；");
        if self.targets_omitted > 0 {
            text.push_str("；…");
        }
        context(&text).into_owned()
    }
}

/// How many of an item's targets each of its ledger entries carries. Every
/// unit of an item has an entry with the item's targets, so an item of
/// thousands of units and thousands of targets (one long paragraph) would
/// hold their product; the most targets an item of the corpus has is 11.
/// The notice's JSON keeps them all.
pub const ENTRY_TARGETS: usize = 50;

fn is_zero(n: &usize) -> bool {
    *n == 0
}

/// The ledger of one unit.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Ledger {
    /// The unit's canonical name.
    pub unit: String,
    /// What sort of body it is.
    pub kind: UnitKind,
    /// Items it leads or shares, in notice and document order.
    pub entries: Vec<Entry>,
}

impl Ledger {
    /// Number of entries with this role.
    pub fn count(&self, role: Role) -> usize {
        self.entries.iter().filter(|e| e.role == role).count()
    }
}

/// A query that matched no unit, with the units whose names contain it.
#[derive(Debug, Clone, PartialEq)]
pub struct NoMatch {
    /// The query.
    pub query: String,
    /// Canonical names of units containing the query.
    pub close: Vec<String>,
}

impl std::fmt::Display for NoMatch {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "no unit matches `{}`", self.query)?;
        if self.close.is_empty() {
            write!(
                f,
                "; no unit name contains it (`--all-units` lists every unit)"
            )
        } else {
            write!(f, "; units whose names contain it:")?;
            for c in &self.close {
                write!(f, "\n  {c}")?;
            }
            Ok(())
        }
    }
}

impl std::error::Error for NoMatch {}

/// The name with the agency prefix of any table removed (folded).
fn strip_agency(name: &str, all: &Aliases) -> String {
    let f = fold(name.trim());
    match all.agency_prefix(&f) {
        Some(p) => f[p.len()..].to_string(),
        None => f,
    }
}

/// The names a unit (or query) goes by in one notice: folded, and canonical.
fn keys(name: &str, notice_aliases: &Aliases) -> Vec<String> {
    let f = fold(name.trim());
    let mut k = vec![f.clone()];
    if let Some(l) = notice_aliases.lookup(&f) {
        k.push(l.canonical);
    }
    k
}

fn entry(n: &Notice, it: &crate::model::Item, role: Role, listed_as: &str) -> Entry {
    Entry {
        role,
        source: n.source.clone().unwrap_or_default(),
        path: it.path.clone(),
        heading: context(&it.heading).into_owned(),
        listed_as: listed_as.to_string(),
        targets: it.targets.iter().take(ENTRY_TARGETS).cloned().collect(),
        targets_omitted: it.targets.len().saturating_sub(ENTRY_TARGETS),
        deadline: it.deadline.clone(),
    }
}

fn roles(it: &crate::model::Item) -> [(Role, &[crate::model::Unit]); 2] {
    [
        (Role::Lead, &it.lead_units),
        (Role::Responsible, &it.responsible_units),
    ]
}

/// The ledger of the unit `query` in `notices`; `aliases` are the tables
/// in force (built-in and the user's), narrowed to each notice's.
pub fn ledger_for(notices: &[Notice], query: &str, aliases: &Aliases) -> Result<Ledger, NoMatch> {
    ledger_in(notices, query, None, aliases)
}

/// A query that names a department type: the type and the place written
/// in it (`市发改委` → `发展和改革委员会`, `市`).
fn department_query(query: &str) -> Option<(String, Option<String>)> {
    let d = Departments::builtin().parse(&fold(query.trim()))?;
    d.suffix.is_empty().then_some((d.department, d.place))
}

/// The place a unit belongs to: as written, or — for a bare level word —
/// the place of the notice's issuer when it is of that level.
pub fn unit_place(u: &crate::model::Unit, n: &Notice) -> Option<String> {
    let place = u.place.as_deref()?;
    let departments = Departments::builtin();
    let level_word = departments
        .place_levels(place)
        .is_some_and(|_| place.chars().count() == 1 || place == "自治区" || place == "自治州");
    if level_word {
        let issuer_place = [&n.meta.issuer, &n.meta.signature]
            .into_iter()
            .flatten()
            .find_map(|h| departments.parse(&fold(h)).and_then(|d| d.place))
            .filter(|p| p.chars().count() > place.chars().count() && p.ends_with(place));
        if let Some(p) = issuer_place {
            return Some(p);
        }
    }
    Some(place.to_string())
}

/// Whether a unit is the department `dept` itself (not one of its offices).
fn is_department(u: &crate::model::Unit, dept: &str) -> bool {
    u.department.as_deref() == Some(dept)
        && Departments::builtin()
            .parse(&fold(&u.name))
            .is_none_or(|d| d.suffix.is_empty())
}

/// The ledger of the unit `query` in `notices`, in the place `place` when
/// given; `aliases` are the tables in force (built-in and the user's),
/// narrowed to each notice's.
pub fn ledger_in(
    notices: &[Notice],
    query: &str,
    place: Option<&str>,
    aliases: &Aliases,
) -> Result<Ledger, NoMatch> {
    let q_stripped = strip_agency(query, aliases);
    let q_department = department_query(query);
    let place = place
        .map(|p| fold(p.trim()))
        .filter(|p| !p.is_empty())
        .or_else(|| q_department.as_ref().and_then(|(_, p)| p.clone()));
    let mut ledger: Option<Ledger> = None;
    for n in notices {
        let a = aliases.for_notice(&n.meta);
        let q_keys = keys(query, &a);
        for it in &n.items {
            for (role, units) in roles(it) {
                let hit = units.iter().find(|u| {
                    let in_place = match &place {
                        None => true,
                        Some(p) => {
                            u.place.as_deref() == Some(p) || unit_place(u, n).as_ref() == Some(p)
                        }
                    };
                    let by_type = q_department
                        .as_ref()
                        .is_some_and(|(d, _)| is_department(u, d));
                    let mut k = keys(&u.name, &a);
                    k.push(fold(&u.canonical));
                    let by_name = k.iter().any(|x| q_keys.contains(x))
                        || !q_stripped.is_empty()
                            && (strip_agency(&u.canonical, aliases) == q_stripped
                                || strip_agency(&u.name, aliases) == q_stripped);
                    in_place && (by_type || by_name)
                });
                if let Some(u) = hit {
                    let unit = match &q_department {
                        Some((d, _)) if is_department(u, d) => {
                            format!("{}{d}", place.as_deref().unwrap_or(""))
                        }
                        _ => u.canonical.clone(),
                    };
                    let l = ledger.get_or_insert_with(|| Ledger {
                        unit,
                        kind: u.kind,
                        entries: Vec::new(),
                    });
                    l.entries.push(entry(n, it, role, &u.name));
                }
            }
        }
    }
    ledger.ok_or_else(|| {
        let q = fold(query.trim());
        let mut close = Vec::new();
        for l in all_ledgers(notices) {
            let c = fold(&l.unit);
            if c.contains(&q) || (!q_stripped.is_empty() && c.contains(&q_stripped)) {
                close.push(l.unit);
            }
        }
        NoMatch {
            query: match place {
                Some(p) => format!("{query}` in `{p}"),
                None => query.to_string(),
            },
            close,
        }
    })
}

/// The ledger of every unit named in `notices`, by canonical name: kinds in
/// the order department, institution, subordinate, collective, vague; then
/// in order of first mention.
pub fn all_ledgers(notices: &[Notice]) -> Vec<Ledger> {
    let mut out: Vec<Ledger> = Vec::new();
    let mut index: HashMap<String, usize> = HashMap::new();
    for n in notices {
        for it in &n.items {
            for (role, units) in roles(it) {
                let mut seen = HashSet::new();
                for u in units {
                    if !seen.insert(u.canonical.clone()) {
                        continue;
                    }
                    let i = *index.entry(u.canonical.clone()).or_insert_with(|| {
                        out.push(Ledger {
                            unit: u.canonical.clone(),
                            kind: u.kind,
                            entries: Vec::new(),
                        });
                        out.len() - 1
                    });
                    out[i].entries.push(entry(n, it, role, &u.name));
                }
            }
        }
    }
    out.sort_by_key(|l| l.kind);
    out
}

/// Cut `s` to at most `width` display columns, ending with `…` when cut.
fn fit(s: &str, width: usize) -> String {
    let s = s.replace('\n', " ");
    if display_width(&s) <= width {
        return s;
    }
    let mut w = 0;
    let mut out = String::new();
    for c in s.chars() {
        let cw = display_width(&c.to_string());
        if w + cw + 1 > width {
            break;
        }
        w += cw;
        out.push(c);
    }
    out.push('…');
    out
}

fn pad(s: &str, width: usize) -> String {
    let mut out = s.to_string();
    out.extend(std::iter::repeat_n(
        ' ',
        width.saturating_sub(display_width(s)),
    ));
    out
}

const TABLE_HEADERS: [&str; 7] = [
    "角色",
    "来源文件",
    "编号",
    "列名",
    "标题",
    "指标",
    "完成时限",
];
const TABLE_LIMITS: [usize; 7] = [4, 30, 14, 20, 44, 36, 14];

/// The ledger as an aligned text table for a terminal, with the name each
/// item lists the unit by (CJK characters are two columns wide; long
/// headings and targets are cut with `…`).
pub fn table(l: &Ledger) -> String {
    let mut out = format!(
        "{} ({}): {} items, 牵头 {}, 责任 {}\n",
        l.unit,
        l.kind.as_str(),
        l.entries.len(),
        l.count(Role::Lead),
        l.count(Role::Responsible)
    );
    let mut rows: Vec<[String; 7]> = vec![TABLE_HEADERS.map(str::to_string)];
    for e in &l.entries {
        rows.push([
            e.role_zh().to_string(),
            e.source.clone(),
            e.path.join("/"),
            e.listed_as.clone(),
            e.heading.clone(),
            e.targets_text(),
            e.deadline.clone().unwrap_or_default(),
        ]);
    }
    let rows: Vec<Vec<String>> = rows
        .iter()
        .map(|r| r.iter().zip(TABLE_LIMITS).map(|(c, w)| fit(c, w)).collect())
        .collect();
    let widths: Vec<usize> = (0..7)
        .map(|c| rows.iter().map(|r| display_width(&r[c])).max().unwrap_or(0))
        .collect();
    for r in &rows {
        let line: Vec<String> = r.iter().zip(&widths).map(|(c, w)| pad(c, *w)).collect();
        out.push_str(line.join("  ").trim_end());
        out.push('\n');
    }
    out
}

const CSV_HEADERS: [&str; 8] = [
    "单位",
    "角色",
    "来源文件",
    "编号路径",
    "标题",
    "列名",
    "指标",
    "完成时限",
];

/// Ledgers as CSV (UTF-8 BOM when `bom`), one row per entry; the first
/// column is the unit's canonical name.
pub fn csv(ledgers: &[Ledger], bom: bool) -> std::io::Result<Vec<u8>> {
    let mut w = crate::output::csv::writer(bom);
    w.write_record(CSV_HEADERS)?;
    for l in ledgers {
        for e in &l.entries {
            w.write_record([
                l.unit.as_str(),
                e.role_zh(),
                &e.source,
                &e.path.join("/"),
                &e.heading,
                &e.listed_as,
                &e.targets_text(),
                e.deadline.as_deref().unwrap_or(""),
            ])?;
        }
    }
    crate::output::csv::finish(w)
}

const SHEET_COLUMNS: &[Column] = &[
    Column {
        header: "角色",
        field: "role",
        wrap: false,
        max_width: 6.0,
    },
    Column {
        header: "来源文件",
        field: "source",
        wrap: false,
        max_width: 28.0,
    },
    Column {
        header: "编号路径",
        field: "path",
        wrap: false,
        max_width: 14.0,
    },
    Column {
        header: "标题",
        field: "heading",
        wrap: true,
        max_width: 50.0,
    },
    Column {
        header: "列名",
        field: "listed_as",
        wrap: false,
        max_width: 30.0,
    },
    Column {
        header: "指标",
        field: "targets",
        wrap: true,
        max_width: 36.0,
    },
    Column {
        header: "完成时限",
        field: "deadline",
        wrap: false,
        max_width: 14.0,
    },
];

/// Ledgers as a workbook, one sheet per unit (sheet names made valid and
/// unique by [`sheet_name`]; the full name is in the sheet's title row).
pub fn workbook(ledgers: &[Ledger]) -> Result<Vec<u8>, rust_xlsxwriter::XlsxError> {
    let mut wb = crate::output::xlsx::new_workbook();
    let f = Formats::new();
    let mut taken = HashSet::new();
    for l in ledgers {
        let ws = wb.add_worksheet();
        ws.set_name(sheet_name(&l.unit, &mut taken))?;
        let rows: Vec<Vec<Cell>> = l
            .entries
            .iter()
            .map(|e| {
                vec![
                    Cell::Text(e.role_zh().into()),
                    Cell::Text(e.source.clone()),
                    Cell::Text(e.path.join("/")),
                    Cell::Text(e.heading.clone()),
                    Cell::Text(e.listed_as.clone()),
                    Cell::Text(e.targets_text()),
                    Cell::Text(e.deadline.clone().unwrap_or_default()),
                ]
            })
            .collect();
        write_table(ws, SHEET_COLUMNS, &rows, None, &f)?;
    }
    if ledgers.is_empty() {
        wb.add_worksheet();
    }
    wb.save_to_buffer()
}

/// A file name for a unit's CSV: characters not allowed on Windows or Unix
/// replaced by `_`, at most 80 characters, unique (case-insensitively)
/// among `taken`, with extension `ext`.
pub fn file_name(unit: &str, ext: &str, taken: &mut HashSet<String>) -> String {
    let mut base: String = unit
        .chars()
        .map(|c| match c {
            '<' | '>' | ':' | '"' | '/' | '\\' | '|' | '?' | '*' => '_',
            c if c.is_control() => '_',
            c => c,
        })
        .take(80)
        .collect();
    base = base.trim().trim_matches('.').trim().to_string();
    let upper = base.to_ascii_uppercase();
    let stem = upper.split('.').next().unwrap_or("");
    if base.is_empty()
        || matches!(stem, "CON" | "PRN" | "AUX" | "NUL")
        || (stem.len() == 4
            && (stem.starts_with("COM") || stem.starts_with("LPT"))
            && stem.ends_with(|c: char| c.is_ascii_digit()))
    {
        base = format!("_{base}");
    }
    let mut name = format!("{base}.{ext}");
    let mut k = 2;
    while !taken.insert(name.to_lowercase()) {
        name = format!("{base}({k}).{ext}");
        k += 1;
    }
    name
}

#[cfg(test)]
mod tests {
    use super::*;

    fn seed() -> Notice {
        let text = include_str!("../seeds/000_7c5878c3eb2a3600.txt");
        let mut n = crate::parse_text(text, &crate::Options::default());
        n.source = Some("000_7c5878c3eb2a3600.txt".into());
        n
    }

    #[test]
    fn aliases_of_a_department_are_one_query() {
        let n = [seed()];
        let a = Aliases::builtin();
        let l = ledger_for(&n, "注册处", &a).unwrap();
        assert_eq!(l.unit, "省市场监管局登记注册处");
        for q in [
            "省局注册处",
            "省市场监管局登记注册处",
            "登记注册处",
            "湖北省市场监督管理局注册处",
        ] {
            assert_eq!(ledger_for(&n, q, &a).unwrap(), l, "{q}");
        }
    }

    #[test]
    fn unknown_query_lists_close_matches() {
        let n = [seed()];
        let err = ledger_for(&n, "食品", &Aliases::builtin()).unwrap_err();
        assert!(err.close.iter().any(|c| c.contains("食品协调处")), "{err}");
        assert!(err.to_string().contains("no unit matches `食品`"));
        let err = ledger_for(&n, "外交部", &Aliases::builtin()).unwrap_err();
        assert!(err.close.is_empty());
    }

    #[test]
    fn table_columns_line_up_by_display_width() {
        let l = ledger_for(&[seed()], "注册处", &Aliases::builtin()).unwrap();
        let t = table(&l);
        let lines: Vec<&str> = t.lines().skip(1).collect();
        let col = |line: &str| {
            let i = line.find("000_").unwrap();
            display_width(&line[..i])
        };
        assert!(lines[1..].iter().all(|l| col(l) == col(lines[1])), "{t}");
        assert_eq!(fit("一二三四五六", 7), "一二三…");
    }

    #[test]
    fn all_units_cover_every_unit_once() {
        let n = [seed()];
        let all = all_ledgers(&n);
        let names: HashSet<&str> = all.iter().map(|l| l.unit.as_str()).collect();
        assert_eq!(names.len(), all.len());
        assert!(names.contains("各市、州、县市场监管局"));
        let wb = workbook(&all).unwrap();
        assert!(!wb.is_empty());
    }

    #[test]
    fn entries_carry_a_bounded_context_of_their_item() {
        // One sentence of 60 quantities shared by two units: each entry
        // holds the first ENTRY_TARGETS targets and the heading cut.
        let text = format!(
            "一、任务\n1.推进工作{}（牵头单位：省发展改革委；责任单位：省财政厅）。\n",
            "达到850万户，".repeat(ENTRY_TARGETS + 10) + &"推进".repeat(300)
        );
        let n = [crate::parse_text(&text, &crate::Options::default())];
        let item = &n[0].items[1];
        assert_eq!(item.targets.len(), ENTRY_TARGETS + 10);
        let all = all_ledgers(&n);
        assert_eq!(all.len(), 2);
        for l in &all {
            let e = &l.entries[0];
            assert_eq!(e.targets[..], item.targets[..ENTRY_TARGETS]);
            assert_eq!(e.targets_omitted, 10);
            assert!(e.targets_text().ends_with("；…"), "{}", e.targets_text());
            assert_eq!(e.heading, crate::output::context(&item.heading));
            assert!(e.heading.ends_with('…'));
        }
        let json = crate::output::json_writer::to_string(&all).unwrap();
        assert!(json.contains("\"targets_omitted\":10"), "{json}");
        // Entries of an item within the bounds are whole, without the count.
        let seed = [seed()];
        let json = crate::output::json_writer::to_string(&all_ledgers(&seed)).unwrap();
        assert!(!json.contains("targets_omitted"));
    }

    #[test]
    fn file_names_are_safe_and_unique() {
        let mut taken = HashSet::new();
        assert_eq!(file_name("a/b:c", "csv", &mut taken), "a_b_c.csv");
        assert_eq!(file_name("A/B:C", "csv", &mut taken), "A_B_C(2).csv");
        assert_eq!(file_name("CON", "csv", &mut taken), "_CON.csv");
        assert_eq!(file_name("..", "csv", &mut taken), "_.csv");
    }
}
