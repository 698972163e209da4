//! The jieba segmenter: a trimmed copy of jieba's default dictionary
//! (`data/jieba/core_dict.txt`, made by `data/jieba/make_core_dict.py`) with
//! the domain user dictionary (`data/user_dict.txt`) on top.
//!
//! The trimmed dictionary keeps jieba's frequent words (frequency 100 and
//! up) and every place name, organisation name and abbreviation (57,500 of
//! 349,000 entries), with the dropped words' frequency on one padding entry
//! so word probabilities are unchanged.
//!
//! **Loaded as the text needs it.** Segmenting a text looks up only words
//! that occur in it and the total frequency of the dictionary; a word in a
//! text is one of its characters or starts with two of its characters in a
//! row. So the segmenter starts empty and, before it segments a text, adds
//! the words of each of its characters and of each pair of adjacent
//! characters it has not seen yet: the dictionaries are indexed by first
//! character at compile time (`build.rs`), and the sorted core dictionary
//! gives the lines of a two-character prefix by a binary search. A padding
//! entry (U+E001, which no segmented block can hold) carries the frequency
//! of the words not loaded yet, so the total, and every segmentation, is
//! that of the whole dictionary. Building all of it took 70 M instructions,
//! the largest part of a single-file run; the seed needs 1,200 of its
//! 57,500 words. See `benches/README.md`.

use jieba_rs::Jieba;
use rustc_hash::{FxHashMap, FxHashSet};
use std::ops::Range;
use std::sync::{LazyLock, PoisonError, RwLock};
use std::thread::LocalKey;

const CORE_DICT: &str = include_str!("data/jieba/core_dict.txt");
const USER_DICT: &str = include_str!("data/user_dict.txt");

/// The entry carrying the frequency of the words not loaded yet: a
/// private-use character, which jieba never puts in a block it looks words
/// up in (those hold only Han characters, ASCII letters and digits and
/// `+#&._%-`), so it only counts in the total.
const NOT_LOADED: &str = "\u{e001}";

/// The entries of the words starting with one character.
struct Group {
    first: char,
    /// Its lines in `CORE_DICT` (the file is sorted, so they are together).
    core: Range<usize>,
    /// Its lines in `USER_DICT`: a range of `USER_LINES`.
    user: Range<usize>,
}

// `TOTAL`, `USER_LINES` and `GROUPS`, made by `build.rs` from the two
// dictionaries: the index costs a process nothing to read.
include!(concat!(env!("OUT_DIR"), "/lexicon_index.rs"));

/// The entries of the words starting with `c`.
fn group(c: char) -> Option<&'static Group> {
    GROUPS
        .binary_search_by_key(&c, |g| g.first)
        .ok()
        .map(|i| &GROUPS[i])
}

/// The segmenter and the parts of the dictionary it holds.
struct Segmenter {
    jieba: Jieba,
    /// Characters whose one-character word is loaded (and their group
    /// read), and whether any word starts with them.
    singles: FxHashMap<char, bool>,
    /// Pairs of characters whose words (starting with the pair) are loaded.
    pairs: FxHashSet<(char, char)>,
    /// Frequency of the words loaded.
    loaded_freq: usize,
}

impl Segmenter {
    fn new() -> Segmenter {
        let mut jieba = Jieba::empty();
        jieba.add_word(NOT_LOADED, Some(TOTAL), Some("x"));
        Segmenter {
            jieba,
            singles: FxHashMap::default(),
            pairs: FxHashSet::default(),
            loaded_freq: 0,
        }
    }

    /// Whether every word `text` can hold is loaded: a word in `text` is
    /// one of its characters, or starts with two of its characters in a row.
    fn covers(&self, text: &str) -> bool {
        let mut chars = text.chars().peekable();
        while let Some(c) = chars.next() {
            match self.singles.get(&c) {
                None => return false,
                Some(false) => continue,
                Some(true) => {}
            }
            if let Some(&next) = chars.peek()
                && !self.pairs.contains(&(c, next))
            {
                return false;
            }
        }
        true
    }

    /// Load every word `text` can hold. The padding entry is set after each
    /// part, so a panic between two leaves a segmenter that is right for
    /// what it has loaded.
    fn cover(&mut self, text: &str) {
        let mut chars = text.chars().peekable();
        while let Some(c) = chars.next() {
            let starts_words = match self.singles.get(&c) {
                Some(&known) => known,
                None => {
                    self.load(c, None);
                    let known = group(c).is_some();
                    self.singles.insert(c, known);
                    known
                }
            };
            if starts_words
                && let Some(&next) = chars.peek()
                && !self.pairs.contains(&(c, next))
            {
                self.load(c, Some(next));
                self.pairs.insert((c, next));
            }
        }
    }

    /// Load the words that are `first` alone (`second` None) or start with
    /// `first` then `second`: a block of the sorted core dictionary, found
    /// by a binary search, and the user dictionary's entries among them.
    fn load(&mut self, first: char, second: Option<char>) {
        let Some(g) = group(first) else { return };
        let mut prefix = [0u8; 8];
        let mut n = first.encode_utf8(&mut prefix).len();
        // A word alone is followed by the space before its frequency; a
        // longer one by its second character.
        let (lo, hi) = match second {
            None => {
                prefix[n] = b' ';
                let lo = prefix[..=n].to_vec();
                prefix[n] = b' ' + 1;
                (lo, prefix[..=n].to_vec())
            }
            Some(c) => {
                n += c.encode_utf8(&mut prefix[n..]).len();
                let lo = prefix[..n].to_vec();
                prefix[n - 1] += 1;
                (lo, prefix[..n].to_vec())
            }
        };
        let block = &CORE_DICT[g.core.clone()];
        let start = first_line_not_below(block.as_bytes(), &lo);
        let end = first_line_not_below(block.as_bytes(), &hi);
        let belongs = |word: &str| {
            let mut chars = word.chars();
            chars.next() == Some(first) && chars.next() == second
        };
        let user: Vec<(&str, usize, &str)> = USER_LINES[g.user.clone()]
            .iter()
            .filter_map(|r| entry(USER_DICT[r.clone()].lines().next()?))
            .filter(|(word, _, _)| belongs(word))
            .collect();
        // The frequency each of the user dictionary's words has so far:
        // its entries replace it.
        let mut freq_of: Vec<(&str, usize)> = Vec::new();
        let mut freq = 0;
        for line in block[start..end].lines() {
            // (A second character that ends a word, a space, finds the
            // word alone, which is not in this part.)
            let Some((word, f, tag)) = entry(line).filter(|e| belongs(e.0)) else {
                continue;
            };
            self.jieba.add_word(word, Some(f), Some(tag));
            freq += f;
            if user.iter().any(|u| u.0 == word) {
                freq_of.push((word, f));
            }
        }
        for (word, f, tag) in user {
            self.jieba.add_word(word, Some(f), Some(tag));
            match freq_of.iter_mut().find(|(w, _)| *w == word) {
                Some((_, before)) => {
                    freq = freq + f - *before;
                    *before = f;
                }
                None => {
                    freq += f;
                    freq_of.push((word, f));
                }
            }
        }
        if freq > 0 {
            self.loaded_freq += freq;
            self.jieba
                .add_word(NOT_LOADED, Some(TOTAL - self.loaded_freq), Some("x"));
        }
    }
}

/// Byte offset of the first line of `block` (whole sorted lines) that is
/// not below `key`, byte by byte.
fn first_line_not_below(block: &[u8], key: &[u8]) -> usize {
    let (mut lo, mut hi) = (0, block.len());
    while lo < hi {
        let mid = lo + (hi - lo) / 2;
        let start = memchr::memrchr(b'\n', &block[lo..mid]).map_or(lo, |i| lo + i + 1);
        let end = memchr::memchr(b'\n', &block[start..]).map_or(block.len(), |i| start + i + 1);
        if &block[start..end] < key {
            lo = end;
        } else {
            hi = start;
        }
    }
    lo
}

/// The process's segmenter, shared by every thread.
static SEGMENTER: LazyLock<RwLock<Segmenter>> = LazyLock::new(|| RwLock::new(Segmenter::new()));

/// Run `f` with the segmenter, once it holds every dictionary word `text`
/// can contain: segmenting `text` (or any part of it) with it gives what
/// the whole dictionary gives. `f` must not segment through this function
/// again (it could wait for itself).
pub fn with_segmenter<R>(text: &str, f: impl FnOnce(&Jieba) -> R) -> R {
    let shared = SEGMENTER.read().unwrap_or_else(PoisonError::into_inner);
    if shared.covers(text) {
        return f(&shared.jieba);
    }
    drop(shared);
    let mut s = SEGMENTER.write().unwrap_or_else(PoisonError::into_inner);
    s.cover(text);
    f(&s.jieba)
}

/// The word, frequency and tag of a dictionary line, as `split_whitespace`
/// reads them. The embedded dictionaries are written `word freq tag` with
/// single spaces, which is read byte by byte: the general reading decodes
/// every character to test it for whitespace. A line of any other shape, or with a byte that may begin a
/// whitespace character (ASCII ones, and the lead bytes of U+0085, U+00A0,
/// U+1680, U+2000–U+205F and U+3000; no Han character has them), is read
/// the general way.
fn entry(line: &str) -> Option<(&str, usize, &str)> {
    let maybe_space = |b: u8| b <= b' ' || matches!(b, 0x7F | 0xC2 | 0xE1 | 0xE2 | 0xE3);
    let b = line.as_bytes();
    let word_end = b.iter().position(|&c| maybe_space(c)).unwrap_or(b.len());
    if word_end > 0 && b.get(word_end) == Some(&b' ') {
        let digits = &b[word_end + 1..];
        let n = digits
            .iter()
            .take(16)
            .take_while(|c| c.is_ascii_digit())
            .count();
        let tag_start = word_end + 1 + n + 1;
        if (1..16).contains(&n)
            && digits.get(n) == Some(&b' ')
            && tag_start < b.len()
            && !b[tag_start..].iter().any(|&c| maybe_space(c))
        {
            let freq = digits[..n]
                .iter()
                .fold(0usize, |f, d| f * 10 + usize::from(d - b'0'));
            return Some((&line[..word_end], freq, &line[tag_start..]));
        }
    }
    let mut fields = line.split_whitespace();
    let word = fields.next()?;
    let freq = fields.next().map_or(0, |f| {
        f.parse::<usize>()
            .expect("embedded dictionaries have integer frequencies")
    });
    Some((word, freq, fields.next().unwrap_or("")))
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
        with_segmenter(head, |j| {
            j.tag(head, false)
                .first()
                .is_some_and(|t| t.tag == "ns" && t.word.chars().count() >= 2)
        })
    })
}

/// Whether jieba tags the last word of `s` (two characters or more) as an
/// organization (`nt`) or a place (`ns`): `国务院`, `人民银行`, `共青团中央`.
pub fn ends_with_org_or_place(s: &str) -> bool {
    thread_local! {
        static ORG_LAST: Memo = Memo::default();
    }
    remembered(&ORG_LAST, s, |s| {
        with_segmenter(s, |j| {
            j.tag(s, false)
                .last()
                .is_some_and(|t| (t.tag == "nt" || t.tag == "ns") && t.word.chars().count() >= 2)
        })
    })
}

/// Words of `s` with their POS tags.
pub fn tag(s: &str) -> Vec<(String, String)> {
    with_segmenter(s, |j| {
        j.tag(s, true)
            .into_iter()
            .map(|t| (t.word.to_string(), t.tag.to_string()))
            .collect()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The whole dictionary, built the way jieba loads dictionaries.
    fn whole() -> Jieba {
        let mut j = Jieba::empty();
        for dict in [CORE_DICT, USER_DICT] {
            j.load_dict(&mut dict.as_bytes()).unwrap();
        }
        j
    }

    /// The total frequency jieba weighs words against (shown only by `Debug`).
    fn total_freq(j: &Jieba) -> String {
        let d = format!("{j:?}");
        d[d.find("total_freq").unwrap()..].to_string()
    }

    #[test]
    fn a_segmenter_loaded_as_needed_segments_as_the_whole_dictionary() {
        let whole = whole();
        let texts = [
            "全省市场主体数量达到850万户，新增“个转企”2万户以上",
            "省局注册处、省局信用监管处，各市、州、县市场监管局",
            "湖北特检院咸宁高新区管委会办公室",
            "食品生产企业监督抽检每年5批次/千人，合格率稳定在98%以上",
            "制造业产品质量合格率",
            "研究制定《湖北省市场监管领域轻微违法行为不予处罚清单》",
            "共青团中央 国务院 人民银行 iPhone 5G网络 3.5% 𠀀字 \u{e000}\u{e001}",
            "市场主体数量",
            "国家标准、行业标准、质检中心、合格率、死亡率、财务处",
            "标准化国家标准化管理委员会财务处处长",
        ];
        let tags = |j: &Jieba, text: &str| -> Vec<(String, String)> {
            j.tag(text, true)
                .iter()
                .map(|t| (t.word.to_string(), t.tag.to_string()))
                .collect()
        };
        let cut = |j: &Jieba, text: &str| -> Vec<String> {
            j.cut(text, false)
                .iter()
                .map(|t| t.word.to_string())
                .collect()
        };
        // A segmenter of its own, so that each text finds it holding only
        // the characters of the texts before it.
        let mut s = Segmenter::new();
        for text in texts.iter().chain(texts.iter()) {
            s.cover(text);
            assert_eq!(total_freq(&s.jieba), total_freq(&whole));
            assert_eq!(tags(&s.jieba, text), tags(&whole, text), "{text}");
            assert_eq!(cut(&s.jieba, text), cut(&whole, text), "{text}");
        }
        // The shared one, from several threads at once.
        std::thread::scope(|scope| {
            for k in 0..4 {
                let (whole, texts) = (&whole, &texts);
                scope.spawn(move || {
                    for text in texts.iter().cycle().skip(k).take(texts.len()) {
                        let lazy = with_segmenter(text, |j| tags(j, text));
                        assert_eq!(lazy, tags(whole, text), "{text}");
                    }
                });
            }
        });
    }

    #[test]
    fn a_panic_while_segmenting_leaves_the_segmenter_usable() {
        // The batch layer turns a panic into an error and goes on: the
        // segmenter must still answer, loaded or not.
        for text in ["龟龙麟凤", "市场"] {
            let r = std::panic::catch_unwind(|| with_segmenter(text, |_| panic!("in f")));
            assert!(r.is_err());
        }
        let whole = whole();
        for text in ["龟龙麟凤在市场", "咸宁高新区"] {
            let lazy = with_segmenter(text, |j| {
                j.cut(text, true)
                    .iter()
                    .map(|t| t.word.to_string())
                    .collect::<Vec<_>>()
            });
            let full: Vec<_> = whole
                .cut(text, true)
                .iter()
                .map(|t| t.word.to_string())
                .collect();
            assert_eq!(lazy, full);
        }
    }

    #[test]
    fn the_index_holds_every_entry_and_the_whole_total() {
        let lines_in = |text: &str, r: &Range<usize>| text[r.clone()].lines().count();
        let indexed: usize = GROUPS
            .iter()
            .map(|g| {
                lines_in(CORE_DICT, &g.core)
                    + USER_LINES[g.user.clone()]
                        .iter()
                        .map(|r| lines_in(USER_DICT, r))
                        .sum::<usize>()
            })
            .sum();
        assert_eq!(
            indexed,
            CORE_DICT.lines().count() + USER_DICT.lines().count()
        );
        for g in &GROUPS {
            for line in CORE_DICT[g.core.clone()].lines() {
                assert!(line.starts_with(g.first), "{line}");
            }
        }
        // A segmenter that has loaded everything has no frequency left on
        // its padding entry, and words weigh what the whole dictionary gives.
        let mut s = Segmenter::new();
        for dict in [CORE_DICT, USER_DICT] {
            for line in dict.lines() {
                s.cover(entry(line).unwrap().0);
            }
        }
        assert_eq!(s.loaded_freq, TOTAL);
        let whole = whole();
        assert_eq!(total_freq(&s.jieba), total_freq(&whole));
        for text in ["市场主体", "人民银行", "市场主体数量", "\u{e000}"] {
            assert_eq!(
                s.jieba.suggest_freq(text),
                whole.suggest_freq(text),
                "{text}"
            );
        }
    }

    #[test]
    fn remembered_answers_are_the_answers() {
        for _ in 0..2 {
            assert!(ends_with_org_or_place("国务院"));
            assert!(!ends_with_org_or_place("推进工作"));
            assert!(starts_with_place("咸宁高新区管委会办公室"));
        }
    }

    /// The general reading of a line, as `Jieba::load_dict` does it.
    fn read_generally(line: &str) -> Option<(&str, usize, &str)> {
        let mut fields = line.split_whitespace();
        let word = fields.next()?;
        let freq = fields.next().map_or(0, |f| f.parse().unwrap());
        Some((word, freq, fields.next().unwrap_or("")))
    }

    #[test]
    fn dictionary_lines_are_read_as_split_whitespace_reads_them() {
        for dict in [
            include_str!("data/jieba/core_dict.txt"),
            include_str!("data/user_dict.txt"),
        ] {
            for line in dict.lines() {
                assert_eq!(entry(line), read_generally(line), "{line:?}");
            }
        }
        for line in [
            "",
            " ",
            "\u{e000} 2923711 x",
            "词 5",
            "词",
            "词  5 n",
            "词 5 n ",
            "词 5 n extra",
            "词\u{3000}5 n",
            "词\u{a0}5 n",
            "词\u{2003}5 n",
            "词\u{85}5 n",
            "词 5\u{1680}n",
            "词 5\u{3000}n",
            "词\t5 n",
            "\u{3000}词 5 n",
            "词 005 n",
            "词 12345678901234 nz",
            "ā 3 x",
        ] {
            assert_eq!(entry(line), read_generally(line), "{line:?}");
        }
    }

    #[test]
    fn places_are_recognised() {
        assert!(starts_with_place("湖北特检院"));
        assert!(!starts_with_place("食品协调处"));
        assert!(!starts_with_place("信息中心"));
    }
}
