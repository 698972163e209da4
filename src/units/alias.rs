//! Alias tables: variants of a unit's name → one canonical name.
//!
//! Built-in tables are data files (`data/aliases/*.tsv`), one per issuing
//! agency or level; a table applies to a notice when one of its `@applies`
//! strings occurs in the notice's issuer, title, document number or
//! signature. Users add or override entries with `--aliases FILE` (CSV, or an
//! XLSX/ODS sheet: alias, canonical, optional kind).

use crate::error::{Error, Result};
use crate::model::{Meta, UnitKind};
use std::collections::HashMap;

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
    pub departments: HashMap<String, (String, Option<UnitKind>)>,
    /// Complete names: alias → (canonical, kind).
    pub full: HashMap<String, (String, Option<UnitKind>)>,
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
            return Some(Lookup {
                canonical: c.clone(),
                kind: *k,
                known: true,
            });
        }
        let (canon_prefix, _) = self.agency.as_ref()?;
        let rest = match self.agency_prefix(name) {
            Some(p) => &name[p.len()..],
            None => name,
        };
        if let Some((c, k)) = self.departments.get(rest) {
            return Some(Lookup {
                canonical: format!("{canon_prefix}{c}"),
                kind: *k,
                known: true,
            });
        }
        if let Some((c, k)) = self.full.get(rest) {
            return Some(Lookup {
                canonical: c.clone(),
                kind: *k,
                known: true,
            });
        }
        // An unknown department under a known agency prefix: canonical prefix, unknown.
        if rest.len() < name.len() {
            return Some(Lookup {
                canonical: format!("{canon_prefix}{rest}"),
                kind: None,
                known: false,
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

    /// Look a folded name up: user entries, then tables in order.
    pub fn lookup(&self, name: &str) -> Option<Lookup> {
        if let Some((c, k)) = self.user.get(name) {
            return Some(Lookup {
                canonical: c.clone(),
                kind: *k,
                known: true,
            });
        }
        let mut fallback = None;
        for t in &self.tables {
            match t.lookup(name) {
                Some(l) if l.known => return Some(l),
                Some(l) => fallback = fallback.or(Some(l)),
                None => {}
            }
        }
        fallback
    }

    /// Agency prefix of a name according to the applicable tables.
    pub fn agency_prefix<'a>(&self, name: &'a str) -> Option<&'a str> {
        self.tables.iter().find_map(|t| t.agency_prefix(name))
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
        assert!(a.lookup("区发改局").is_none());
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
}
