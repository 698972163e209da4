//! Alias tables: variants of a unit's name → one canonical name.
//!
//! Three layers, the most specific first:
//! - the user's tables (`--aliases FILE`: CSV, or an XLSX/ODS sheet: alias,
//!   canonical, optional kind);
//! - the agency tables (`data/aliases/*.tsv`), one per issuing agency or
//!   level; a table applies to a notice when one of its `@applies` strings
//!   occurs in the notice's issuer, title, document number or signature;
//! - the department table (`data/departments.tsv`, [`Departments`]): the
//!   standard names of government departments at every level, so that any
//!   notice's `市发改委` is parsed into place `市`, department
//!   `发展和改革委员会` and canonical `市发展和改革委员会`.

use crate::error::{Error, Result};
use crate::model::{Meta, Unit, UnitKind};
use rustc_hash::FxHashMap;
use std::collections::HashMap;
use std::rc::Rc;
use std::sync::OnceLock;

/// One alias table.
#[derive(Debug, Clone, Default)]
pub struct AliasTable {
    /// Name of the table (file name).
    pub name: String,
    /// Strings that make the table apply to a notice.
    pub applies: Vec<String>,
    /// Canonical agency prefix and its variants (longest first).
    pub agency: Option<(String, Vec<String>)>,
    /// Department names under the agency: alias → (canonical, kind).
    pub departments: FxHashMap<String, (String, Option<UnitKind>)>,
    /// Complete names: alias → (canonical, kind).
    pub full: FxHashMap<String, (String, Option<UnitKind>)>,
}

/// The result of looking a name up.
#[derive(Debug, Clone, PartialEq)]
pub struct Lookup {
    /// Canonical name.
    pub canonical: String,
    /// Kind given by the table, if any.
    pub kind: Option<UnitKind>,
    /// Whether a table knew the name.
    pub known: bool,
    /// Standard department type the name carries (`发展和改革委员会`).
    pub department: Option<String>,
    /// Place or level word written before the department (`武汉市`, `市`).
    pub place: Option<String>,
    /// For a pre-reform department: the department it was merged into.
    pub successor: Option<String>,
}

impl Lookup {
    fn known(canonical: impl Into<String>, kind: Option<UnitKind>) -> Lookup {
        Lookup {
            canonical: canonical.into(),
            kind,
            known: true,
            department: None,
            place: None,
            successor: None,
        }
    }

    fn with_department(mut self, d: Option<&DepartmentName>) -> Lookup {
        if let Some(d) = d {
            self.department = Some(d.department.clone());
            self.place = d.place.clone();
            self.successor = d.successor.clone();
        }
        self
    }

    /// Write the result into a unit: canonical name, `known`, department,
    /// place and successor (the kind stays the caller's).
    pub fn fill(self, unit: &mut Unit) {
        unit.canonical = self.canonical;
        unit.known = self.known;
        unit.department = self.department;
        unit.place = self.place;
        unit.successor = self.successor;
    }
}

const BUILTIN: &[(&str, &str)] = &[
    (
        "hubei_amr.tsv",
        include_str!("../data/aliases/hubei_amr.tsv"),
    ),
    (
        "state_council.tsv",
        include_str!("../data/aliases/state_council.tsv"),
    ),
];

impl AliasTable {
    /// Parse a table in the built-in TSV format.
    pub fn parse_tsv(name: &str, text: &str) -> Result<AliasTable> {
        let mut t = AliasTable {
            name: name.to_string(),
            ..Default::default()
        };
        for (n, line) in text.lines().enumerate() {
            let line = line.trim_end();
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            let cols: Vec<&str> = line.split('\t').map(str::trim).collect();
            let bad = |d: &str| Error::AliasTable {
                path: name.to_string(),
                detail: format!("row {}: {d}", n + 1),
            };
            match cols[0] {
                "@applies" => t.applies.extend(cols[1..].iter().map(|s| s.to_string())),
                "@agency" => {
                    if cols.len() < 3 {
                        return Err(bad("@agency needs a canonical prefix and variants"));
                    }
                    let mut variants: Vec<String> =
                        cols[2..].iter().map(|s| s.to_string()).collect();
                    variants.sort_by_key(|v| std::cmp::Reverse(v.chars().count()));
                    t.agency = Some((cols[1].to_string(), variants));
                }
                _ => {
                    if cols.len() < 2 || cols[1].is_empty() {
                        return Err(bad("column 2 (canonical) is missing"));
                    }
                    let kind = match cols.get(2).filter(|k| !k.is_empty()) {
                        Some(k) => Some(
                            UnitKind::parse(k)
                                .ok_or_else(|| bad(&format!("column 3: unknown kind `{k}`")))?,
                        ),
                        None => None,
                    };
                    let entry = (cols[1].to_string(), kind);
                    match cols.get(3).copied().unwrap_or("full") {
                        "agency" => t.departments.insert(cols[0].to_string(), entry),
                        "full" => t.full.insert(cols[0].to_string(), entry),
                        other => return Err(bad(&format!("column 4: unknown scope `{other}`"))),
                    };
                }
            }
        }
        Ok(t)
    }

    /// The built-in tables.
    pub fn builtin() -> Vec<AliasTable> {
        BUILTIN
            .iter()
            .map(|(n, s)| AliasTable::parse_tsv(n, s).expect("built-in alias tables are valid"))
            .collect()
    }

    /// Whether this table applies to a notice with this header.
    pub fn applies_to(&self, meta: &Meta) -> bool {
        let hay = [
            meta.issuer.as_deref(),
            meta.title.as_deref(),
            meta.signature.as_deref(),
            meta.doc_number.as_ref().map(|d| d.raw.as_str()),
            meta.attachment_title.as_deref(),
        ];
        self.applies.iter().any(|a| {
            hay.iter()
                .flatten()
                .any(|h| crate::repair::fold(h).contains(a.as_str()))
        })
    }

    /// Agency prefix variant `name` starts with (longest), if any.
    pub fn agency_prefix<'a>(&self, name: &'a str) -> Option<&'a str> {
        let (_, variants) = self.agency.as_ref()?;
        variants
            .iter()
            .find(|v| name.starts_with(v.as_str()) && name.len() > v.len())
            .map(|v| &name[..v.len()])
    }

    /// Look a (folded) name up.
    pub fn lookup(&self, name: &str) -> Option<Lookup> {
        if let Some((c, k)) = self.full.get(name) {
            return Some(Lookup::known(c.as_str(), *k));
        }
        let (canon_prefix, _) = self.agency.as_ref()?;
        let rest = match self.agency_prefix(name) {
            Some(p) => &name[p.len()..],
            None => name,
        };
        if let Some((c, k)) = self.departments.get(rest) {
            return Some(Lookup::known([canon_prefix.as_str(), c].concat(), *k));
        }
        if let Some((c, k)) = self.full.get(rest) {
            return Some(Lookup::known(c.as_str(), *k));
        }
        // An unknown department under a known agency prefix: canonical prefix, unknown.
        if rest.len() < name.len() {
            return Some(Lookup {
                known: false,
                ..Lookup::known([canon_prefix.as_str(), rest].concat(), None)
            });
        }
        None
    }
}

/// The alias tables in force for one notice: user entries first, then the
/// built-in tables that apply.
#[derive(Debug, Clone, Default)]
pub struct Aliases {
    /// User entries (exact names), highest priority.
    pub user: HashMap<String, (String, Option<UnitKind>)>,
    /// Built-in (and user TSV) tables.
    pub tables: Vec<AliasTable>,
}

impl Aliases {
    /// Built-in tables only.
    pub fn builtin() -> Aliases {
        Aliases {
            user: HashMap::new(),
            tables: AliasTable::builtin(),
        }
    }

    /// Load a user table (CSV/TSV, or XLSX/XLS/ODS via calamine) and add it.
    pub fn load_user_file(&mut self, path: &std::path::Path) -> Result<()> {
        let name = path.display().to_string();
        let ext = path
            .extension()
            .and_then(|e| e.to_str())
            .unwrap_or("")
            .to_ascii_lowercase();
        let rows: Vec<Vec<String>> = match ext.as_str() {
            "xlsx" | "xlsm" | "xls" | "ods" => read_sheet_rows(path)?,
            _ => {
                let bytes = std::fs::read(path).map_err(|e| Error::Io {
                    path: name.clone(),
                    source: e,
                })?;
                let (text, _) =
                    crate::input::text::decode_text(&bytes).map_err(|e| Error::AliasTable {
                        path: name.clone(),
                        detail: e.to_string(),
                    })?;
                let delim = if ext == "tsv" || (text.contains('\t') && !text.contains(',')) {
                    b'\t'
                } else {
                    b','
                };
                let mut rdr = csv::ReaderBuilder::new()
                    .has_headers(false)
                    .flexible(true)
                    .delimiter(delim)
                    .from_reader(text.as_bytes());
                let mut rows = Vec::new();
                for (i, rec) in rdr.records().enumerate() {
                    let rec = rec.map_err(|e| Error::AliasTable {
                        path: name.clone(),
                        detail: format!("row {}: {e}", i + 1),
                    })?;
                    rows.push(rec.iter().map(|s| s.trim().to_string()).collect());
                }
                rows
            }
        };
        self.add_rows(&name, &rows)
    }

    /// Add user rows (alias, canonical, optional kind); a header row is skipped.
    pub fn add_rows(&mut self, name: &str, rows: &[Vec<String>]) -> Result<()> {
        for (i, row) in rows.iter().enumerate() {
            let cell = |c: usize| row.get(c).map(|s| s.trim()).unwrap_or("");
            if row.iter().all(|c| c.trim().is_empty()) || cell(0).starts_with('#') {
                continue;
            }
            if i == 0
                && matches!(
                    cell(0).to_ascii_lowercase().as_str(),
                    "alias" | "别名" | "简称"
                )
            {
                continue;
            }
            let err = |col: usize, d: &str| Error::AliasTable {
                path: name.to_string(),
                detail: format!("row {}, column {col}: {d}", i + 1),
            };
            if cell(0).is_empty() {
                return Err(err(1, "alias is empty"));
            }
            if cell(1).is_empty() {
                return Err(err(2, "canonical name is empty"));
            }
            let kind = match cell(2) {
                "" => None,
                k => Some(UnitKind::parse(k).ok_or_else(|| {
                    err(3, &format!("unknown kind `{k}` (department, institution, subordinate, collective, vague)"))
                })?),
            };
            self.user
                .insert(crate::repair::fold(cell(0)), (cell(1).to_string(), kind));
        }
        Ok(())
    }

    /// The tables that apply to a notice.
    pub fn for_notice(&self, meta: &Meta) -> Aliases {
        Aliases {
            user: self.user.clone(),
            tables: self
                .tables
                .iter()
                .filter(|t| t.applies_to(meta))
                .cloned()
                .collect(),
        }
    }

    /// Look a folded name up: user entries, then the agency tables in
    /// order, then the department table. A name the department table parses
    /// gets its department, place and successor whichever layer names it;
    /// when a more specific layer knows the standard form of that
    /// department (`国家发展和改革委员会` in the State Council's table), its
    /// canonical name wins, so one department keeps one name in a notice.
    pub fn lookup(&self, name: &str) -> Option<Lookup> {
        let departments = Departments::builtin();
        let parsed = departments.parse_shared(name);
        // A name only a specific table understands (`省局注册处`) takes its
        // department from the table's canonical name (`省市场监管局登记注册处`).
        let with_table_department = |l: Lookup| match &parsed {
            Some(_) => l.with_department(parsed.as_deref()),
            None => {
                let d = departments.parse_shared(&l.canonical);
                l.with_department(d.as_deref())
            }
        };
        // What `specific` gives, and the first table entry, known or not,
        // as the fallback: each table is asked once.
        if let Some((c, k)) = self.user.get(name) {
            return Some(with_table_department(Lookup::known(c.as_str(), *k)));
        }
        let mut fallback = None;
        for t in &self.tables {
            if let Some(l) = t.lookup(name) {
                if l.known {
                    return Some(with_table_department(l));
                }
                fallback = fallback.or(Some(l));
            }
        }
        let Some(d) = &parsed else {
            return fallback.map(with_table_department);
        };
        if let Some(l) = self.specific(&d.canonical) {
            return Some(l.with_department(parsed.as_deref()));
        }
        if let Some(l) = fallback {
            return Some(l.with_department(parsed.as_deref()));
        }
        Some(
            Lookup {
                known: d.standard,
                ..Lookup::known(d.canonical.as_str(), None)
            }
            .with_department(parsed.as_deref()),
        )
    }

    /// A user entry or an agency-table entry that knows `name`.
    fn specific(&self, name: &str) -> Option<Lookup> {
        if let Some((c, k)) = self.user.get(name) {
            return Some(Lookup::known(c.as_str(), *k));
        }
        self.tables
            .iter()
            .filter_map(|t| t.lookup(name))
            .find(|l| l.known)
    }

    /// Agency prefix of a name according to the applicable tables.
    pub fn agency_prefix<'a>(&self, name: &'a str) -> Option<&'a str> {
        self.tables.iter().find_map(|t| t.agency_prefix(name))
    }
}

/// One standard department name of the department table.
#[derive(Debug, Clone, PartialEq)]
pub struct DepartmentType {
    /// Standard full name without place (`发展和改革委员会`, `财政厅`).
    pub full: String,
    /// Levels the name is used at (`国家`, `省`, `市`, `县`).
    pub levels: Vec<String>,
    /// Accepted short forms (`发展改革委`, `发改委`); `*` stands for a level word.
    pub forms: Vec<String>,
    /// For a pre-reform department: the department it was merged into.
    pub successor: Option<String>,
    /// Ids of the public sources that show it.
    pub sources: Vec<String>,
}

/// A public source named by the department table.
#[derive(Debug, Clone, PartialEq)]
pub struct Source {
    /// Short id the rows refer to.
    pub id: String,
    /// Title of the document or page.
    pub title: String,
    /// Where it is published.
    pub url: String,
}

/// A unit name read as place + department + suffix.
#[derive(Debug, Clone, PartialEq)]
pub struct DepartmentName {
    /// Place or level word (`武汉市`, `市`, `国家`), as written.
    pub place: Option<String>,
    /// Standard full name of the department.
    pub department: String,
    /// What follows the department (`党组`, `登记注册处`, `咸宁市中心支行`), folded.
    pub suffix: String,
    /// For a pre-reform department: the department it was merged into.
    pub successor: Option<String>,
    /// Place + standard full name + suffix.
    pub canonical: String,
    /// The name is the department itself or a standard part of it (党组,
    /// 办公室, a branch), not an internal office the table cannot know.
    pub standard: bool,
}

/// The department table (`data/departments.tsv`): standard department
/// names, their short forms and levels, and the sources that show them.
#[derive(Debug, Clone, Default)]
pub struct Departments {
    /// Every department name, in file order.
    pub types: Vec<DepartmentType>,
    /// The sources the rows cite.
    pub sources: Vec<Source>,
    suffixes: Vec<String>,
    subunit_endings: Vec<String>,
    branches: Vec<String>,
    /// Level word → the levels it stands for.
    level_words: Vec<(String, Vec<String>)>,
    /// Full name or form → index into `types` (probed for every prefix of
    /// every position of a name, so with a fast hasher).
    forms: FxHashMap<String, usize>,
    /// Forms with a level word inside: (before `*`, after `*`, type).
    patterns: Vec<(String, String, usize)>,
    longest_form: usize,
    /// The characters a form or a pattern can start with: most positions
    /// of a name start none, and are passed over without a lookup.
    first_chars: rustc_hash::FxHashSet<char>,
}

const DEPARTMENTS: &str = include_str!("../data/departments.tsv");

/// Names the per-thread memo of [`Departments::parse`] holds before it
/// starts over (a few MB at most, so batch memory stays flat).
const PARSE_MEMO_LIMIT: usize = 8192;

/// Words of a collective or vague reference: never in a place or an office name.
const NOT_PLACE: [&str; 8] = ["各", "、", "有关", "相关", "其他", "履行", "所属", "本级"];

impl Departments {
    /// The built-in table (parsed once).
    pub fn builtin() -> &'static Departments {
        static TABLE: OnceLock<Departments> = OnceLock::new();
        TABLE.get_or_init(|| {
            Departments::parse_tsv("departments.tsv", DEPARTMENTS)
                .expect("the built-in department table is valid")
        })
    }

    /// Parse a table: rows of full name, levels, forms, successor, sources;
    /// `@source`, `@suffix`, `@subunit`, `@branch` and `@level` lines. Every
    /// row must cite a declared source, and a form may name one department only.
    pub fn parse_tsv(name: &str, text: &str) -> Result<Departments> {
        let mut d = Departments::default();
        let mut rows = Vec::new();
        for (n, line) in text.lines().enumerate() {
            let line = line.trim_end();
            if line.trim().is_empty() || line.starts_with('#') {
                continue;
            }
            let bad = |detail: String| Error::AliasTable {
                path: name.to_string(),
                detail: format!("row {}: {detail}", n + 1),
            };
            let cols: Vec<&str> = line.split('\t').map(str::trim).collect();
            let words = || cols[1..].iter().map(|s| s.to_string()).collect::<Vec<_>>();
            match cols[0] {
                "@source" => {
                    if cols.len() != 4 || !cols[3].starts_with("http") {
                        return Err(bad("@source needs an id, a title and a URL".into()));
                    }
                    d.sources.push(Source {
                        id: cols[1].into(),
                        title: cols[2].into(),
                        url: cols[3].into(),
                    });
                }
                "@suffix" => d.suffixes.extend(words()),
                "@subunit" => d.subunit_endings.extend(words()),
                "@branch" => d.branches.extend(words()),
                "@level" => {
                    if cols.len() < 3 {
                        return Err(bad("@level needs a word and its levels".into()));
                    }
                    let levels = cols[2].split_whitespace().map(String::from).collect();
                    d.level_words.push((cols[1].into(), levels));
                }
                _ => rows.push((
                    n + 1,
                    cols.iter().map(|s| s.to_string()).collect::<Vec<_>>(),
                )),
            }
        }
        for (row, cols) in rows {
            let bad = |detail: String| Error::AliasTable {
                path: name.to_string(),
                detail: format!("row {row}: {detail}"),
            };
            let col = |i: usize| cols.get(i).map(String::as_str).unwrap_or("");
            let sources: Vec<String> = col(4).split_whitespace().map(String::from).collect();
            if sources.is_empty() {
                return Err(bad(format!("`{}` names no source", col(0))));
            }
            if let Some(s) = sources
                .iter()
                .find(|s| !d.sources.iter().any(|x| &x.id == *s))
            {
                return Err(bad(format!(
                    "source `{s}` is not declared by an @source line"
                )));
            }
            let levels: Vec<String> = col(1).split_whitespace().map(String::from).collect();
            if levels.is_empty()
                || levels
                    .iter()
                    .any(|l| !["国家", "省", "市", "县"].contains(&l.as_str()))
            {
                return Err(bad(format!("levels `{}` are not 国家/省/市/县", col(1))));
            }
            let forms: Vec<String> = col(2)
                .split('、')
                .map(str::trim)
                .filter(|f| !f.is_empty())
                .map(String::from)
                .collect();
            let index = d.types.len();
            for f in std::iter::once(col(0)).chain(forms.iter().map(String::as_str)) {
                if let Some((before, after)) = f.split_once('*') {
                    d.patterns.push((before.into(), after.into(), index));
                    continue;
                }
                if let Some(&other) = d.forms.get(f) {
                    return Err(bad(format!(
                        "`{f}` already names `{}`",
                        d.types[other].full
                    )));
                }
                d.longest_form = d.longest_form.max(f.len());
                d.forms.insert(f.to_string(), index);
            }
            d.types.push(DepartmentType {
                full: col(0).into(),
                levels,
                forms,
                successor: Some(col(3)).filter(|s| !s.is_empty()).map(String::from),
                sources,
            });
        }
        let level_firsts: Vec<char> = d
            .level_words
            .iter()
            .filter_map(|(w, _)| w.chars().next())
            .collect();
        let mut first_chars: rustc_hash::FxHashSet<char> =
            d.forms.keys().filter_map(|f| f.chars().next()).collect();
        for (before, _, _) in &d.patterns {
            match before.chars().next() {
                Some(c) => {
                    first_chars.insert(c);
                }
                None => first_chars.extend(level_firsts.iter().copied()),
            }
        }
        d.first_chars = first_chars;
        Ok(d)
    }

    /// The department a name or short form stands for, exactly (`发改委`).
    pub fn department_type(&self, form: &str) -> Option<&DepartmentType> {
        self.forms.get(form).map(|&i| &self.types[i])
    }

    /// The levels a place stands for: a level word (`市`), or a place name
    /// ending with one (`武汉市`, `咸宁高新区`); a place name without one
    /// (`武汉` of `武汉海关`, by the lexicon) stands for any level (empty);
    /// `None` when `p` is no place.
    pub fn place_levels(&self, p: &str) -> Option<&[String]> {
        if let Some((_, l)) = self.level_words.iter().find(|(w, _)| w == p) {
            return Some(l);
        }
        let n = p.chars().count();
        if !(2..=15).contains(&n)
            || !p.chars().all(|c| ('\u{4e00}'..='\u{9fff}').contains(&c))
            || NOT_PLACE.iter().any(|w| p.contains(w))
        {
            return None;
        }
        let by_ending = self
            .level_words
            .iter()
            .filter(|(w, _)| p.ends_with(w.as_str()) && w != "国家" && w != "国务院")
            .max_by_key(|(w, _)| w.len())
            .map(|(_, l)| l.as_slice());
        by_ending.or_else(|| {
            let words = crate::lexicon::tag(p);
            (!words.is_empty() && words.iter().all(|(_, tag)| tag == "ns")).then_some(&[][..])
        })
    }

    /// The longest form `rest` starts with: (type, byte length, level word inside).
    fn match_form<'a>(&self, rest: &'a str) -> Option<(usize, usize, Option<&'a str>)> {
        if !rest
            .chars()
            .next()
            .is_some_and(|c| self.first_chars.contains(&c))
        {
            return None;
        }
        let mut best = None;
        for (end, c) in rest.char_indices() {
            let end = end + c.len_utf8();
            if end > self.longest_form {
                break;
            }
            if let Some(&t) = self.forms.get(&rest[..end]) {
                best = Some((t, end, None));
            }
        }
        for (before, after, t) in &self.patterns {
            let Some(tail) = rest.strip_prefix(before.as_str()) else {
                continue;
            };
            let Some(c) = tail.chars().next() else {
                continue;
            };
            let word = &tail[..c.len_utf8()];
            if tail[word.len()..].starts_with(after.as_str())
                && self.level_words.iter().any(|(w, _)| w == word)
            {
                let len = before.len() + word.len() + after.len();
                if best.is_none_or(|(_, l, _)| len > l) {
                    best = Some((*t, len, Some(word)));
                }
            }
        }
        best
    }

    /// Read a folded unit name as place + department + suffix:
    /// `市发改委` → (`市`, `发展和改革委员会`, ``); `工商局(质监局)` keeps its
    /// second plaque in brackets. `None` when no department of the table
    /// is named, the place is not a place of that department's levels, or
    /// what follows the department is not a suffix.
    pub fn parse(&self, name: &str) -> Option<DepartmentName> {
        self.parse_shared(name).map(|d| (*d).clone())
    }

    /// [`Departments::parse`], shared with the memo: the built-in table
    /// reads the same names again and again (every item of a notice, every
    /// notice of a batch), so a bounded per-thread memo keeps the reading
    /// out of the per-unit cost, and a hit is a reference count, not a copy.
    fn parse_shared(&self, name: &str) -> Option<Rc<DepartmentName>> {
        if std::ptr::eq(self, Departments::builtin()) {
            thread_local! {
                static READ: std::cell::RefCell<FxHashMap<String, Option<Rc<DepartmentName>>>> =
                    std::cell::RefCell::new(FxHashMap::default());
            }
            if let Some(hit) = READ.with_borrow(|m| m.get(name).cloned()) {
                return hit;
            }
            let read = self.parse_uncached(name).map(Rc::new);
            READ.with_borrow_mut(|m| {
                if m.len() >= PARSE_MEMO_LIMIT {
                    m.clear();
                }
                m.insert(name.to_string(), read.clone());
            });
            return read;
        }
        self.parse_uncached(name).map(Rc::new)
    }

    fn parse_uncached(&self, name: &str) -> Option<DepartmentName> {
        let name = name.trim();
        if let Some(open) = name.find('(')
            && name.ends_with(')')
            && open > 0
        {
            let inner = &name[open + 1..name.len() - 1];
            let mut d = self.parse_plain(&name[..open])?;
            let inner = self
                .parse_plain(inner)
                .map(|i| i.canonical)
                .unwrap_or_else(|| inner.to_string());
            d.canonical = format!("{}({inner})", d.canonical);
            return Some(d);
        }
        self.parse_plain(name)
    }

    fn parse_plain(&self, name: &str) -> Option<DepartmentName> {
        for (i, _) in name.char_indices() {
            let (prefix, rest) = name.split_at(i);
            let Some((t, len, inner_level)) = self.match_form(rest) else {
                continue;
            };
            let levels = match prefix {
                "" => None,
                p => match self.place_levels(p) {
                    Some(l) => Some(l),
                    None => continue,
                },
            };
            let ty = &self.types[t];
            let suffix = &rest[len..];
            // A branch names its own place (人行武汉分行 under an inherited 市).
            if let Some(levels) = levels
                && !levels.is_empty()
                && !levels.iter().any(|l| ty.levels.contains(l))
                && self.branch_place(suffix).is_none()
            {
                continue;
            }
            let mut branch = false;
            let mut place = Some(prefix)
                .filter(|p| !p.is_empty())
                .or(inner_level)
                .map(String::from);
            let standard = if suffix.is_empty() || self.suffixes.iter().any(|s| s == suffix) {
                true
            } else if let Some(p) = self.branch_place(suffix) {
                branch = true;
                place = Some(p.to_string());
                true
            } else if self.is_subunit(suffix) {
                false
            } else {
                continue;
            };
            let canonical = match inner_level {
                Some(_) => format!("{}{}{suffix}", place.as_deref().unwrap_or(""), ty.full),
                // A branch names its place itself: a bare level word before it goes.
                None if branch && prefix.chars().count() == 1 => {
                    format!("{}{suffix}", ty.full)
                }
                None => format!("{prefix}{}{suffix}", ty.full),
            };
            return Some(DepartmentName {
                place,
                department: ty.full.clone(),
                suffix: suffix.to_string(),
                successor: ty.successor.clone(),
                canonical,
                standard,
            });
        }
        None
    }

    /// The place of a branch written after the department (`咸宁市` of
    /// `咸宁市中心支行`).
    fn branch_place<'a>(&self, suffix: &'a str) -> Option<&'a str> {
        self.branches
            .iter()
            .filter_map(|b| suffix.strip_suffix(b.as_str()))
            .find(|p| self.place_levels(p).is_some() && !p.is_empty())
    }

    /// An internal office (`登记注册处`, `执法支队`): short, ending with an
    /// office word, not a collective.
    fn is_subunit(&self, suffix: &str) -> bool {
        (2..=12).contains(&suffix.chars().count())
            && !NOT_PLACE.iter().any(|w| suffix.contains(w))
            && self
                .subunit_endings
                .iter()
                .any(|e| suffix.ends_with(e.as_str()))
    }
}

fn read_sheet_rows(path: &std::path::Path) -> Result<Vec<Vec<String>>> {
    use calamine::{Reader, open_workbook_auto};
    let name = path.display().to_string();
    let mut wb = open_workbook_auto(path).map_err(|e| Error::AliasTable {
        path: name.clone(),
        detail: e.to_string(),
    })?;
    let sheet = wb
        .sheet_names()
        .first()
        .cloned()
        .ok_or_else(|| Error::AliasTable {
            path: name.clone(),
            detail: "the workbook has no sheet".into(),
        })?;
    let range = wb.worksheet_range(&sheet).map_err(|e| Error::AliasTable {
        path: name.clone(),
        detail: e.to_string(),
    })?;
    Ok(range
        .rows()
        .map(|r| r.iter().map(|c| c.to_string()).collect())
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hubei() -> Aliases {
        let meta = Meta {
            issuer: Some("湖北省市场监督管理局".into()),
            ..Default::default()
        };
        Aliases::builtin().for_notice(&meta)
    }

    #[test]
    fn agency_variants_map_to_one_name() {
        let a = hubei();
        for n in [
            "注册处",
            "省局注册处",
            "省市场监管局登记注册处",
            "湖北省市场监督管理局注册处",
        ] {
            assert_eq!(
                a.lookup(n).unwrap().canonical,
                "省市场监管局登记注册处",
                "{n}"
            );
        }
        assert_eq!(a.lookup("湖北特检院").unwrap().canonical, "湖北特检院");
    }

    #[test]
    fn unknown_names_are_not_merged() {
        let a = hubei();
        let l = a.lookup("省局新设处").unwrap();
        assert_eq!(
            (l.canonical.as_str(), l.known),
            ("省市场监管局新设处", false)
        );
        assert!(a.lookup("区审改办").is_none());
    }

    #[test]
    fn tables_apply_by_issuer() {
        let meta = Meta {
            issuer: Some("国务院".into()),
            ..Default::default()
        };
        let a = Aliases::builtin().for_notice(&meta);
        assert!(a.tables.iter().all(|t| t.name != "hubei_amr.tsv"));
    }

    #[test]
    fn user_rows_override_and_bad_rows_name_row_and_column() {
        let mut a = hubei();
        a.add_rows(
            "u.csv",
            &[
                vec!["alias".into(), "canonical".into()],
                vec!["注册处".into(), "登记处".into()],
            ],
        )
        .unwrap();
        assert_eq!(a.lookup("注册处").unwrap().canonical, "登记处");
        let err = a
            .add_rows("u.csv", &[vec!["x".into(), "".into()]])
            .unwrap_err()
            .to_string();
        assert!(err.contains("row 1, column 2"), "{err}");
        let err = a
            .add_rows("u.csv", &[vec!["x".into(), "y".into(), "thing".into()]])
            .unwrap_err()
            .to_string();
        assert!(err.contains("column 3"), "{err}");
    }

    fn parse(name: &str) -> DepartmentName {
        Departments::builtin()
            .parse(name)
            .unwrap_or_else(|| panic!("{name} does not parse"))
    }

    #[test]
    fn spellings_of_one_department_in_one_place_give_one_canonical() {
        for n in [
            "市发改委",
            "市发展改革委",
            "市发展和改革委员会",
            "市发展改革委员会",
        ] {
            let d = parse(n);
            assert_eq!(d.canonical, "市发展和改革委员会", "{n}");
            assert_eq!((d.place.as_deref(), d.standard), (Some("市"), true), "{n}");
        }
        let wuhan = parse("武汉市发改委");
        let xianning = parse("咸宁市发展改革委");
        assert_ne!(wuhan.canonical, xianning.canonical);
        assert_eq!(wuhan.department, xianning.department);
        assert_eq!(wuhan.place.as_deref(), Some("武汉市"));
    }

    #[test]
    fn level_words_choose_the_department_and_must_fit_its_levels() {
        assert_eq!(parse("省人社厅").canonical, "省人力资源和社会保障厅");
        assert_eq!(parse("区人社局").canonical, "区人力资源和社会保障局");
        assert_eq!(parse("人社部").canonical, "人力资源和社会保障部");
        assert_eq!(parse("国家发改委").canonical, "国家发展和改革委员会");
        assert_eq!(parse("省市场监管局").canonical, "省市场监督管理局");
        assert_eq!(parse("市市场监督管理局").place.as_deref(), Some("市"));
        // A ministry has no city; a 厅 is provincial.
        let t = Departments::builtin();
        assert!(t.parse("市财政部").is_none());
        assert!(t.parse("县财政厅").is_none());
        assert!(t.parse("市场监管总局").is_some_and(|d| d.place.is_none()));
    }

    #[test]
    fn suffixes_branches_and_bracketed_plaques() {
        let d = parse("省市场监管局机关党委");
        assert_eq!((d.suffix.as_str(), d.standard), ("机关党委", true));
        let d = parse("省市场监管局登记注册处");
        assert_eq!(
            (d.department.as_str(), d.standard),
            ("市场监督管理局", false)
        );
        let d = parse("人行咸宁市中心支行");
        assert_eq!(d.canonical, "中国人民银行咸宁市中心支行");
        assert_eq!(d.place.as_deref(), Some("咸宁市"));
        assert!(d.standard);
        assert_eq!(parse("团市委").canonical, "市共青团委员会");
        let d = parse("市人行武汉分行营业管理部");
        assert_eq!(
            (d.department.as_str(), d.place.as_deref()),
            ("中国人民银行", Some("武汉"))
        );
        assert_eq!(d.canonical, "中国人民银行武汉分行营业管理部");
        assert_eq!(
            parse("国家税务总局武汉市税务局").canonical,
            "国家税务总局武汉市税务局"
        );
        assert_eq!(parse("县妇联").canonical, "县妇女联合会");
        assert_eq!(parse("南沙区政府").canonical, "南沙区人民政府");
        assert_eq!(parse("县科协").canonical, "县科学技术协会");
        assert_eq!(parse("市工商联").canonical, "市工商业联合会");
        assert_eq!(parse("县团委").canonical, "县共青团委员会");
        let d = parse("武汉海关");
        assert_eq!(
            (d.place.as_deref(), d.department.as_str()),
            (Some("武汉"), "海关")
        );
        let t = Departments::builtin();
        assert!(t.parse("省市场监管局相关处室").is_none());
        assert!(t.parse("食品海关").is_none());
        assert!(t.parse("各县市区发改局").is_none());
        assert!(t.parse("市发改委各成员单位").is_none());
    }

    #[test]
    fn pre_reform_departments_keep_their_own_type_and_name_the_successor() {
        let d = parse("工商局(质监局)");
        assert_eq!(d.canonical, "工商行政管理局(质量技术监督局)");
        assert_eq!(d.department, "工商行政管理局");
        assert_eq!(d.successor.as_deref(), Some("市场监督管理局"));
        let d = parse("县食药监局");
        assert_eq!(
            (d.department.as_str(), d.successor.as_deref()),
            ("食品药品监督管理局", Some("市场监督管理局"))
        );
        assert!(parse("市场监管局").successor.is_none());
    }

    #[test]
    fn agency_tables_win_and_keep_one_name_per_department() {
        let meta = Meta {
            issuer: Some("国务院办公厅".into()),
            ..Default::default()
        };
        let a = Aliases::builtin().for_notice(&meta);
        // The State Council table writes 发展改革委 for every spelling.
        for n in ["发改委", "国家发展改革委", "国家发展改革委员会"] {
            let l = a.lookup(n).unwrap();
            assert_eq!(l.canonical, "发展改革委", "{n}");
            assert_eq!(l.department.as_deref(), Some("发展和改革委员会"), "{n}");
        }
        // In a Hubei market-supervision notice, 省局 names the agency.
        let l = hubei().lookup("省局注册处").unwrap();
        assert_eq!(l.canonical, "省市场监管局登记注册处");
        assert_eq!(
            (l.department.as_deref(), l.place.as_deref()),
            (Some("市场监督管理局"), Some("省"))
        );
        // No table applies to a city notice: the department table answers.
        let l = Aliases::builtin()
            .for_notice(&Meta::default())
            .lookup("市编办")
            .unwrap();
        assert_eq!(
            (l.canonical.as_str(), l.known),
            ("市机构编制委员会办公室", true)
        );
    }

    #[test]
    fn bad_department_rows_are_named() {
        let head = "@source\ts\tTitle\thttps://example.org\n";
        let err = |body: &str| {
            Departments::parse_tsv("d.tsv", &format!("{head}{body}"))
                .unwrap_err()
                .to_string()
        };
        assert!(err("财政局\t市\t\t\t\n").contains("row 2"));
        assert!(err("财政局\t市\t\t\tnope\n").contains("`nope`"));
        assert!(err("财政局\t镇\t\t\ts\n").contains("levels"));
        assert!(err("财政局\t市\t财局\t\ts\n财务局\t市\t财局\t\ts\n").contains("already names"));
        let e = Departments::parse_tsv("d.tsv", "@source\ts\tTitle\n").unwrap_err();
        assert!(e.to_string().contains("URL"));
    }
}
