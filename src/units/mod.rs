//! Stage 5 — unit normalisation: a unit list (as found by
//! [`crate::extract::clause`]) → [`Unit`]s with the shared agency prefix
//! resolved (`省局食品抽检处、食品协调处` → `省局食品协调处`), a canonical name
//! from the alias tables, and a kind.

pub mod alias;
pub mod report;

use crate::model::{Unit, UnitKind};
use crate::repair::scan::{contains_word, trim};
use crate::repair::{CharOffsets, Folded, fold};
pub use alias::{AliasTable, Aliases};

impl crate::extract::UnitResolver for Aliases {
    fn resolve(&self, f: &Folded, list: Range<usize>, chars: &CharOffsets) -> Vec<Unit> {
        resolve_list(f, list, self, chars)
    }
}
use std::ops::Range;

/// Build the built-in department table now instead of on first use (see
/// [`crate::extract::prepare`]).
pub fn prepare() {
    alias::Departments::builtin();
}

/// Resolve the units of one list. `f` is the item's text with its folded
/// view; `list` a folded byte range into it; `chars` the char positions of
/// `f.folded`, for each unit's `span` (where its `raw` was read).
pub fn resolve_list(
    f: &Folded,
    list: Range<usize>,
    aliases: &Aliases,
    chars: &CharOffsets,
) -> Vec<Unit> {
    let folded_list = &f.folded[list.clone()];
    let mut out: Vec<Unit> = Vec::new();
    let mut prev_prefix: Option<(String, String)> = None; // (folded prefix, original prefix)
    for r in crate::extract::split::split_units(folded_list) {
        let mut abs = list.start + r.start..list.start + r.end;
        // A lead mark after the name (`区财政局*`) is not part of it.
        abs.end -= f.folded[abs.clone()].len() - f.folded[abs.clone()].trim_end_matches('*').len();
        let raw = trim(f.orig_slice(abs.clone()));
        let folded_name = without_scope_note(trim(&f.folded[abs.clone()]));
        if raw.is_empty() || !looks_like_unit(folded_name) {
            continue;
        }
        let span = [chars.of(abs.start), chars.of(abs.end)];
        // The name as written, without a scope note (`各区政府（含开发区，下同）`).
        let written = first_chars(raw, folded_name.chars().count());
        let (name, folded_full) = match &prev_prefix {
            Some((pf, po)) if is_bare(folded_name) => (
                [po.as_str(), written].concat(),
                [pf.as_str(), folded_name].concat(),
            ),
            _ => (written.to_string(), folded_name.to_string()),
        };
        if !is_collective(folded_name)
            && let Some(p) = prefix_of(&folded_full, aliases)
        {
            let po = first_chars(&name, p.chars().count()).to_string();
            prev_prefix = Some((p.to_string(), po));
        }
        let lookup = aliases.lookup(&folded_full);
        let kind = lookup
            .as_ref()
            .and_then(|l| l.kind)
            .unwrap_or_else(|| classify(&folded_full));
        let mut unit = Unit {
            raw: raw.to_string(),
            name,
            canonical: folded_full,
            kind,
            span: Some(span),
            ..Default::default()
        };
        if let Some(l) = lookup {
            l.fill(&mut unit);
        }
        out.push(unit);
    }
    out
}

/// The first `n` characters of `s` (all of it when shorter).
fn first_chars(s: &str, n: usize) -> &str {
    s.char_indices().nth(n).map_or(s, |(i, _)| &s[..i])
}

/// A unit name without a trailing scope note in brackets: `(含开发区)`,
/// `(包括…)`, `(不含…)`, `(…下同)` say what the unit covers; `工商局(质监局)`
/// keeps its bracket (an alias).
fn without_scope_note(name: &str) -> &str {
    let Some(last) = name.chars().last() else {
        return name;
    };
    if !crate::extract::split::is_closer(last) {
        return name;
    }
    let mut depth = 0;
    for (i, c) in name.char_indices().rev() {
        if crate::extract::split::is_closer(c) {
            depth += 1;
        } else if crate::extract::split::is_opener(c) {
            depth -= 1;
            if depth == 0 {
                let inner = &name[i + c.len_utf8()..name.len() - last.len_utf8()];
                let note = ["含", "包括", "不含"].iter().any(|p| inner.starts_with(p))
                    || contains_word(inner, "下同");
                return if note && i > 0 {
                    name[..i].trim_end()
                } else {
                    name
                };
            }
        }
    }
    name
}

/// The agency prefix a following bare name inherits: a table's agency
/// variant (`省局`), a generic `X局`-agency before a department, or the
/// administrative level (`市` of `市发改委`).
fn prefix_of<'a>(name: &'a str, aliases: &Aliases) -> Option<&'a str> {
    if let Some(p) = aliases.agency_prefix(name) {
        return Some(p);
    }
    for p in ["省局", "市局", "区局", "县局", "州局"] {
        if name.starts_with(p) && name.chars().count() > 3 {
            return Some(&name[..p.len()]);
        }
    }
    let first = name.chars().next()?;
    // `市场监管总局` does not start with the level 市.
    let word_not_level = ["市场", "区域", "区块", "省份", "县域"]
        .iter()
        .any(|w| name.starts_with(w));
    (matches!(first, '省' | '市' | '区' | '县' | '州' | '乡' | '镇')
        && name.chars().count() >= 3
        && !word_not_level)
        .then(|| &name[..first.len_utf8()])
}

/// A name complete on its own, which inherits no prefix: a place or its
/// government (`江夏区`, `XX县人民政府`), a body named by its own standard short
/// form (`团县委`, `…管委会`, `…办事处`), a collective or vague reference.
fn complete_on_its_own(name: &str) -> bool {
    let base = name.trim_end_matches(')').split('(').next().unwrap_or(name);
    let mut chars = base.chars();
    let own_level = chars.next() == Some('团')
        && chars
            .next()
            .is_some_and(|c| matches!(c, '省' | '市' | '县' | '区' | '州' | '旗'));
    own_level
        || [
            "管委会",
            "管理委员会",
            "办事处",
            "政府",
            "街道",
            "区",
            "县",
            "市",
            "镇",
            "乡",
            "旗",
        ]
        .iter()
        .any(|e| base.ends_with(e))
        || crate::extract::org::is_collective_or_vague(name)
}

/// A bare department name: no level or place prefix of its own, and not
/// complete on its own (see [`complete_on_its_own`]).
fn is_bare(name: &str) -> bool {
    let Some(first) = name.chars().next() else {
        return false;
    };
    if !crate::repair::is_wide(first) || "省市区县州镇乡各本".contains(first) {
        return false;
    }
    if ["国家", "国务院", "全国", "中央", "中国", "中共"]
        .iter()
        .any(|p| name.starts_with(p))
    {
        return false;
    }
    if is_collective(name) || name.starts_with("有关") || complete_on_its_own(name) {
        return false;
    }
    !crate::lexicon::starts_with_place(name)
}

fn looks_like_unit(name: &str) -> bool {
    let n = name.chars().count();
    (2..=60).contains(&n)
        && !name
            .chars()
            .all(|c| c.is_ascii_punctuation() || c.is_whitespace())
}

fn is_collective(name: &str) -> bool {
    // `各成员单位`, `各部门`, `各地区` or `各级` anywhere.
    name.starts_with('各')
        || crate::extract::org::follows_any(name, '各', &["成员单位", "部门", "地区", "级"])
        || name.ends_with("成员单位")
}

/// Classify a unit by its name (used when no alias table gives a kind).
pub fn classify(name: &str) -> UnitKind {
    let name = &fold(name);
    if is_collective(name) {
        return UnitKind::Collective;
    }
    if name.contains(['关', '他', '行'])
        && ["相关", "有关", "其他", "履行"]
            .iter()
            .any(|k| contains_word(name, k))
    {
        return UnitKind::Vague;
    }
    let base = name.trim_end_matches(')').split('(').next().unwrap_or(name);
    if [
        "中心", "院", "所", "站", "协会", "学会", "学校", "大学", "馆", "公司", "集团", "银行",
    ]
    .iter()
    .any(|s| base.ends_with(s))
    {
        return UnitKind::Institution;
    }
    if ["人民政府", "政府", "管委会", "街道办事处", "办事处", "分局"]
        .iter()
        .any(|s| base.ends_with(s))
    {
        return UnitKind::Subordinate;
    }
    UnitKind::Department
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Meta;

    fn resolve(s: &str, issuer: &str) -> Vec<(String, String, String, UnitKind)> {
        let meta = Meta {
            issuer: Some(issuer.into()),
            ..Default::default()
        };
        let aliases = Aliases::builtin().for_notice(&meta);
        let f = Folded::new(s);
        resolve_list(
            &f,
            0..f.folded.len(),
            &aliases,
            &CharOffsets::new(&f.folded),
        )
        .into_iter()
        .map(|u| (u.raw, u.name, u.canonical, u.kind))
        .collect()
    }

    #[test]
    fn bare_departments_inherit_the_prefix_before_them() {
        let got = resolve(
            "省局食品抽检处、食品协调处，省食检院、湖北特检院，各市、州、县市场监管局",
            "湖北省市场监督管理局",
        );
        let names: Vec<&str> = got.iter().map(|u| u.1.as_str()).collect();
        assert_eq!(
            names,
            vec![
                "省局食品抽检处",
                "省局食品协调处",
                "省食检院",
                "湖北特检院",
                "各市、州、县市场监管局"
            ]
        );
        assert_eq!(got[1].2, "省市场监管局食品协调处");
        assert_eq!(got[4].3, UnitKind::Collective);
        assert_eq!(got[2].3, UnitKind::Institution);
    }

    #[test]
    fn level_prefix_is_inherited_in_city_lists() {
        let got = resolve("市發改委、國土房管局、外經貿局", "广州市人民政府办公厅");
        let names: Vec<&str> = got.iter().map(|u| u.1.as_str()).collect();
        assert_eq!(names, vec!["市發改委", "市國土房管局", "市外經貿局"]);
    }

    #[test]
    fn kinds() {
        assert_eq!(classify("省局相关处室、单位"), UnitKind::Vague);
        assert_eq!(classify("各县(市、区)政府(管委会)"), UnitKind::Collective);
        assert_eq!(classify("咸宁高新区管委会"), UnitKind::Subordinate);
        assert_eq!(classify("省局信息中心"), UnitKind::Institution);
        assert_eq!(classify("省局注册处"), UnitKind::Department);
    }
}
