//! The shared jieba segmenter: a trimmed copy of jieba's default dictionary
//! (`data/jieba/core_dict.txt`, made by `data/jieba/make_core_dict.py`) with
//! the domain user dictionary (`data/user_dict.txt`) on top. It is built once
//! per process on first use and shared across threads.
//!
//! The trimmed dictionary keeps jieba's frequent words (frequency 100 and
//! up) and every place name, organisation name and abbreviation (57,500 of
//! 349,000 entries), with the dropped words' frequency on one padding entry
//! so word probabilities are unchanged. Building it costs about a seventh of
//! the full dictionary's instructions (no zstd inflate, a sixth of the
//! words), which was 85 % of a single-file run; see `benches/README.md`.

use jieba_rs::Jieba;
use rustc_hash::FxHashMap;
use std::sync::LazyLock;
use std::thread::LocalKey;

static JIEBA: LazyLock<Jieba> = LazyLock::new(|| {
    let mut j = Jieba::empty();
    for dict in [
        include_str!("data/jieba/core_dict.txt"),
        include_str!("data/user_dict.txt"),
    ] {
        add_words(&mut j, dict);
    }
    j
});

/// Add the `word freq tag` lines of an embedded dictionary, as
/// `Jieba::load_dict` reads them (a later entry of a word replaces its
/// frequency; a missing frequency is 0), straight from the string: without
/// the per-line copy and UTF-8 check of reading through `BufRead`.
fn add_words(j: &mut Jieba, dict: &str) {
    for line in dict.lines() {
        let mut fields = line.split_whitespace();
        let Some(word) = fields.next() else { continue };
        let freq = fields.next().map_or(0, |f| {
            f.parse::<usize>()
                .expect("embedded dictionaries have integer frequencies")
        });
        j.add_word(word, Some(freq), Some(fields.next().unwrap_or("")));
    }
}

/// The process-wide segmenter.
pub fn jieba() -> &'static Jieba {
    &JIEBA
}

/// Start building the segmenter on a background thread (once per process),
/// so that loading the dictionary, the largest start-up cost, overlaps with
/// decoding, repair and segmentation on another core; the first caller of
/// [`jieba`] waits only for what is left of it. Without a spare thread the
/// segmenter is simply built on first use.
pub fn prewarm() {
    static STARTED: std::sync::Once = std::sync::Once::new();
    STARTED.call_once(|| {
        let _ = std::thread::Builder::new()
            .name("fengong-lexicon".into())
            .spawn(|| {
                LazyLock::force(&JIEBA);
            });
    });
}
/// Names a per-thread memo of a question holds before it starts over (a
/// few hundred KB at most, so batch memory stays flat).
const MEMO_LIMIT: usize = 8192;

/// A per-thread memo of a yes/no question about short texts.
type Memo = std::cell::RefCell<FxHashMap<String, bool>>;

/// `answer(s)`, remembered in `memo`: the questions below are asked of the
/// same unit names again and again (every item of a notice, every notice
/// of a batch), and each answer costs a jieba tagging.
fn remembered(memo: &'static LocalKey<Memo>, s: &str, answer: impl FnOnce(&str) -> bool) -> bool {
    if let Some(hit) = memo.with_borrow(|m| m.get(s).copied()) {
        return hit;
    }
    let yes = answer(s);
    memo.with_borrow_mut(|m| {
        if m.len() >= MEMO_LIMIT {
            m.clear();
        }
        m.insert(s.to_string(), yes);
    });
    yes
}

/// Whether `s` starts with a place name (jieba POS `ns`), e.g. `湖北特检院`, `咸宁高新区`.
pub fn starts_with_place(s: &str) -> bool {
    thread_local! {
        static PLACE_FIRST: Memo = Memo::default();
    }
    let head = s.char_indices().nth(8).map_or(s, |(i, _)| &s[..i]);
    remembered(&PLACE_FIRST, head, |head| {
        jieba()
            .tag(head, false)
            .first()
            .is_some_and(|t| t.tag == "ns" && t.word.chars().count() >= 2)
    })
}

/// Whether jieba tags the last word of `s` (two characters or more) as an
/// organization (`nt`) or a place (`ns`): `国务院`, `人民银行`, `共青团中央`.
pub fn ends_with_org_or_place(s: &str) -> bool {
    thread_local! {
        static ORG_LAST: Memo = Memo::default();
    }
    remembered(&ORG_LAST, s, |s| {
        jieba()
            .tag(s, false)
            .last()
            .is_some_and(|t| (t.tag == "nt" || t.tag == "ns") && t.word.chars().count() >= 2)
    })
}

/// Words of `s` with their POS tags.
pub fn tag(s: &str) -> Vec<(String, String)> {
    jieba()
        .tag(s, true)
        .into_iter()
        .map(|t| (t.word.to_string(), t.tag.to_string()))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prewarming_twice_shares_one_segmenter() {
        prewarm();
        prewarm();
        assert!(starts_with_place("武汉市发改委"));
    }

    #[test]
    fn remembered_answers_are_the_answers() {
        for _ in 0..2 {
            assert!(ends_with_org_or_place("国务院"));
            assert!(!ends_with_org_or_place("推进工作"));
            assert!(starts_with_place("咸宁高新区管委会办公室"));
        }
    }

    #[test]
    fn places_are_recognised() {
        assert!(starts_with_place("湖北特检院"));
        assert!(!starts_with_place("食品协调处"));
        assert!(!starts_with_place("信息中心"));
    }
}
