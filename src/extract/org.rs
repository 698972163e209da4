//! What an organization name looks like: the lexicon of name endings
//! (`data/org_endings.txt`), collective and vague references, and the jieba
//! segmenter's organization and place tags as a fallback. The clause
//! recognizer uses it to tell a unit list (`市发改委、市财政局`) from running
//! text that happens to end in a role word.

use crate::repair::scan::{contains_word, trim, trim_end};
use std::sync::LazyLock;

/// Organization-name endings (data file) by their last character, each
/// list longest first: a name can only end with the endings of its own
/// last character.
/// Build this module's tables now instead of on first use.
pub(crate) fn prepare() {
    LazyLock::force(&ENDINGS_BY_LAST);
}

static ENDINGS_BY_LAST: LazyLock<rustc_hash::FxHashMap<char, Vec<&'static str>>> =
    LazyLock::new(|| {
        let mut endings: Vec<&str> = include_str!("../data/org_endings.txt")
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty() && !l.starts_with('#'))
            .collect();
        endings.sort_by_key(|e| std::cmp::Reverse(e.len()));
        let mut m: rustc_hash::FxHashMap<char, Vec<&'static str>> = Default::default();
        for e in endings {
            if let Some(c) = e.chars().next_back() {
                m.entry(c).or_default().push(e);
            }
        }
        m
    });

/// Words that open a collective or vague reference (`各…`, `有关…`).
const COLLECTIVE_HEADS: &[&str] = &["各", "有关", "相关", "其他", "其它", "所属", "全体"];

/// The name without a trailing bracketed alias (`工商局(质监局)` → `工商局`)
/// and without a trailing `等` (open list) or lead mark `*`.
fn core(name: &str) -> &str {
    let mut s = trim(name);
    loop {
        let before = s;
        if s.ends_with(')')
            && let Some(open) = s.rfind('(')
            && open > 0
        {
            s = &s[..open];
        }
        s = trim_end(s.trim_end_matches(['等', '*']));
        if s == before {
            return s;
        }
    }
}

/// The organization-name ending `name` ends with, if any. An ending is only
/// part of a name, except a collective one (`各地`).
pub fn ending(name: &str) -> Option<&'static str> {
    let c = core(name);
    ENDINGS_BY_LAST
        .get(&c.chars().next_back()?)?
        .iter()
        .find(|e| {
            c.ends_with(*e)
                && (c.len() > e.len() || COLLECTIVE_HEADS.iter().any(|h| e.starts_with(h)))
        })
        .copied()
}

/// A collective or vague reference: `各市、州、县市场监管局`, `县直各单位`,
/// `有关部门`, `…各成员单位`.
pub fn is_collective_or_vague(name: &str) -> bool {
    let c = core(name);
    COLLECTIVE_HEADS.iter().any(|h| c.starts_with(h))
        || c.ends_with("成员单位")
        // `各成员单位`, `各部门`, `各单位`, `各地区`, `各级`, `各有关` anywhere.
        || follows_any(c, '各', &["成员单位", "部门", "单位", "地区", "级", "有关"])
        // `相关部门`, `有关部门` anywhere.
        || c.match_indices('关')
            .any(|(i, _)| c[i + '关'.len_utf8()..].starts_with("部门") && c[..i].ends_with(['相', '有']))
        || (contains_word(c, "各") && ending(c).is_some())
}

/// Whether some `mark` in `s` is directly followed by one of `words`.
pub fn follows_any(s: &str, mark: char, words: &[&str]) -> bool {
    // Most names hold no mark: a plain scan says so before a searcher is built.
    let mut buf = [0; 4];
    if !contains_word(s, mark.encode_utf8(&mut buf)) {
        return false;
    }
    s.match_indices(mark).any(|(i, _)| {
        let after = &s[i + mark.len_utf8()..];
        words.iter().any(|w| after.starts_with(w))
    })
}

/// Whether `name` reads as the name of an organization (or a place, or a
/// collective of either): it ends in an organization-name ending, or jieba
/// tags its last word as an organization or place. Names longer than 40
/// characters are running text; a collective must end like a name too
/// (`各乡镇`, `有关部门`, not `各地要加强`).
pub fn is_org_name(name: &str) -> bool {
    let c = core(name);
    // Counted no further than 41: a list of thousands of names is asked
    // about at each of its conjunctions.
    let n = c.chars().take(41).count();
    if !(2..=40).contains(&n) || c.contains(['。', ':', '"', '“', '”']) {
        return false;
    }
    if ending(c).is_some() {
        return true;
    }
    // Fallback: jieba tags the last word of `国务院`, `人民银行`, `共青团中央` as
    // an organization (nt) or a place (ns).
    crate::lexicon::ends_with_org_or_place(c)
}

/// Whether the names of a list read as organizations: at least one does,
/// and at least half of them do.
pub fn is_org_list(names: &[&str]) -> bool {
    let orgs = names.iter().filter(|n| is_org_name(n)).count();
    orgs >= 1 && orgs * 2 >= names.len()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn collective_words_are_found_after_their_mark() {
        // The plain definition: one substring search per word.
        let by_search = |c: &str| {
            COLLECTIVE_HEADS.iter().any(|h| c.starts_with(h))
                || c.ends_with("成员单位")
                || [
                    "各成员单位",
                    "各部门",
                    "各单位",
                    "各地区",
                    "各级",
                    "各有关",
                    "相关部门",
                    "有关部门",
                ]
                .iter()
                .any(|k| c.contains(k))
                || (c.contains('各') && ending(c).is_some())
        };
        for name in [
            "县直各单位",
            "市政府各部门",
            "全省各地区",
            "省直各有关单位",
            "领导小组各成员单位",
            "省政府相关部门",
            "区有关部门",
            "市机关部门",
            "各",
            "各地",
            "市各",
            "市发改委",
            "县卫健局(各乡镇)",
            "省各级法院",
            "关部门",
            "有关部",
            "",
        ] {
            assert_eq!(
                is_collective_or_vague(name),
                by_search(core(name)),
                "{name}"
            );
        }
        assert!(follows_any("甲各级乙", '各', &["级"]));
        assert!(!follows_any("甲各乙级", '各', &["级"]));
        assert!(!follows_any("级各", '各', &["级"]));
    }

    #[test]
    fn organization_names() {
        for n in [
            "市发改委",
            "区住建局",
            "县委编办",
            "国务院",
            "人民银行",
            "工商局(质监局)",
            "各县、市、区",
            "县直各单位",
            "各专项牵头单位",
            "市税务局等",
            "消防支队",
            "江汉区",
            "团县委",
            "全国妇联",
            "各地",
        ] {
            assert!(is_org_name(n), "{n}");
        }
        for n in [
            "研究制定办法",
            "6月底完成",
            "加快推进",
            "具体任务不再做分工",
        ] {
            assert!(!is_org_name(n), "{n}");
        }
    }

    #[test]
    fn lists() {
        assert!(is_org_list(&["市发改委", "市财政局"]));
        assert!(!is_org_list(&["企业自主"]));
    }
}
