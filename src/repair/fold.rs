//! The folded view: a copy of a string in which full-width ASCII forms
//! (U+FF01–FF5E) and the ideographic space are folded to ASCII, and
//! traditional characters are mapped to simplified ones, one character for
//! one character. Parsing runs on the folded view; output keeps the
//! original, so every folded byte offset maps back to the original text.

use std::ops::Range;
use std::sync::LazyLock;

/// Single-character traditional → simplified table (data file). Folding
/// runs on every character of every line, often several times, so lookups
/// must be cheap: a dense array over U+3400–U+9FFF (CJK Extension A and
/// the unified ideographs, where almost every entry lies), and a sorted list
/// for the few others.
struct T2s {
    dense: Vec<char>,
    rest: Vec<(char, char)>,
}

const DENSE: std::ops::Range<u32> = 0x3400..0xA000;

static T2S: LazyLock<T2s> = LazyLock::new(|| {
    let mut dense: Vec<char> = DENSE.map(|u| char::from_u32(u).unwrap_or('\0')).collect();
    let mut rest = Vec::new();
    for line in include_str!("../data/t2s.txt").lines() {
        let mut chars = line.chars();
        if let (Some(t), Some('\t'), Some(s)) = (chars.next(), chars.next(), chars.next()) {
            if DENSE.contains(&(t as u32)) {
                dense[(t as u32 - DENSE.start) as usize] = s;
            } else {
                rest.push((t, s));
            }
        }
    }
    rest.sort_unstable();
    rest.dedup_by_key(|p| p.0);
    T2s { dense, rest }
});

impl T2s {
    #[inline]
    fn get(&self, c: char) -> char {
        let u = c as u32;
        if DENSE.contains(&u) {
            return self.dense[(u - DENSE.start) as usize];
        }
        match self.rest.binary_search_by_key(&c, |p| p.0) {
            Ok(i) => self.rest[i].1,
            Err(_) => c,
        }
    }
}

/// Fold one character (width and traditional → simplified).
#[inline]
pub fn fold_char(c: char) -> char {
    fold_with(&T2S, c)
}

/// [`fold_char`] with the table already at hand (folding a string looks
/// the table up once, not once per character).
#[inline]
fn fold_with(t2s: &T2s, c: char) -> char {
    if c.is_ascii() {
        return c;
    }
    match c {
        '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
        '\u{3000}' | '\u{00A0}' => ' ',
        '\u{3014}' | '\u{FE5D}' => '〔',
        '\u{3015}' | '\u{FE5E}' => '〕',
        '\u{2014}' | '\u{2015}' => '—',
        '\u{2F00}'..='\u{2FD5}' => kangxi(c),
        _ if (c as u32) < 0x3400 => c,
        _ => t2s.get(c),
    }
}

/// Kangxi radicals that PDF extraction emits instead of the ordinary ideographs.
fn kangxi(c: char) -> char {
    const MAP: &[(char, char)] = &[
        ('⼀', '一'),
        ('⼆', '二'),
        ('⼈', '人'),
        ('⼊', '入'),
        ('⼋', '八'),
        ('⼒', '力'),
        ('⼗', '十'),
        ('⼤', '大'),
        ('⼥', '女'),
        ('⼦', '子'),
        ('⼩', '小'),
        ('⼯', '工'),
        ('⼴', '广'),
        ('⼼', '心'),
        ('⽂', '文'),
        ('⽅', '方'),
        ('⽇', '日'),
        ('⽉', '月'),
        ('⽔', '水'),
        ('⽕', '火'),
        ('⽣', '生'),
        ('⽤', '用'),
        ('⽬', '目'),
        ('⽴', '立'),
        ('⾏', '行'),
        ('⾦', '金'),
        ('⾼', '高'),
        ('⾯', '面'),
        ('⾃', '自'),
        ('⾄', '至'),
        ('⾔', '言'),
        ('⻓', '长'),
        ('⻔', '门'),
        ('⾥', '里'),
        ('⼝', '口'),
    ];
    MAP.iter()
        .find(|(k, _)| *k == c)
        .map(|(_, v)| *v)
        .unwrap_or(c)
}

/// The characters that fold into one of a few given characters (the given
/// ones included where they fold to themselves), as a set a scanner can
/// test a raw character against before folding it: a character outside
/// the set cannot fold into any of the given ones.
pub struct FoldsInto {
    /// One bit per character of the Basic Multilingual Plane.
    bmp: Vec<u64>,
    /// Characters above it, sorted.
    astral: Vec<char>,
}

impl FoldsInto {
    /// The set for `targets`. Every character below U+A000, the explicit
    /// width forms above it and the table's own entries are folded and
    /// compared; any other character folds to itself.
    pub fn new(targets: &[char]) -> Self {
        let t2s = &*T2S;
        let above = (0xFE5D..=0xFE5E)
            .chain(0xFF01..=0xFF5E)
            .filter_map(char::from_u32)
            .chain(t2s.rest.iter().map(|p| p.0))
            .chain(targets.iter().copied());
        let mut set = FoldsInto {
            bmp: vec![0; 0x1_0000 / 64],
            astral: Vec::new(),
        };
        for c in (0..0xA000).filter_map(char::from_u32).chain(above) {
            if targets.contains(&fold_with(t2s, c)) {
                let u = c as u32;
                if u < 0x1_0000 {
                    set.bmp[(u / 64) as usize] |= 1 << (u % 64);
                } else {
                    set.astral.push(c);
                }
            }
        }
        set.astral.sort_unstable();
        set.astral.dedup();
        set
    }

    /// [`FoldsInto::contains`] for a character of the Basic Multilingual
    /// Plane given by its code point (`u` < U+10000).
    #[inline]
    pub fn contains_bmp(&self, u: u32) -> bool {
        self.bmp[(u / 64) as usize] >> (u % 64) & 1 == 1
    }

    /// Whether `c` may fold into one of the characters of the set.
    #[inline]
    pub fn contains(&self, c: char) -> bool {
        let u = c as u32;
        if u < 0x1_0000 {
            self.contains_bmp(u)
        } else {
            self.astral.binary_search(&c).is_ok()
        }
    }
}

/// Fold a whole string (see [`fold_char`]).
pub fn fold(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    fold_into(s, &mut out, |_, _| {});
    out
}

/// Fold `s` onto the end of `out`, copying runs of unchanged characters
/// whole. `length_changed(folded_end, orig_end)` is called after each
/// character whose folded form has another UTF-8 length than the original,
/// with the byte offsets (relative to `s` and to what this call appended)
/// just past it.
#[inline]
fn fold_into(s: &str, out: &mut String, mut length_changed: impl FnMut(usize, usize)) {
    let t2s = &*T2S;
    let base = out.len();
    let bytes = s.as_bytes();
    let mut run = 0;
    let mut i = 0;
    // Replace the `len` bytes at `i` (up to which `s` is copied from `run`)
    // by `folded`.
    let mut replace = |out: &mut String, run: &mut usize, i: usize, len: usize, folded: char| {
        out.push_str(&s[*run..i]);
        out.push(folded);
        *run = i + len;
        if folded.len_utf8() != len {
            length_changed(out.len() - base, *run);
        }
    };
    while i < bytes.len() {
        // Runs of CJK ideographs (U+4000–U+9FFF, lead bytes E4–E9: almost
        // every Han character, all in the dense table), decoded and looked
        // up in a loop of their own.
        while let Some(&[b, b1, b2]) = bytes.get(i..i + 3)
            && (0xE4..=0xE9).contains(&b)
        {
            let u =
                (u32::from(b & 0x0F) << 12) | (u32::from(b1 & 0x3F) << 6) | u32::from(b2 & 0x3F);
            let folded = t2s.dense[(u - DENSE.start) as usize];
            if folded as u32 != u {
                replace(out, &mut run, i, 3, folded);
            }
            i += 3;
        }
        let Some(&b) = bytes.get(i) else {
            break;
        };
        if b < 0x80 {
            i += 1;
            continue;
        }
        let c = s[i..].chars().next().unwrap_or('\0');
        let len = c.len_utf8();
        let folded = fold_with(t2s, c);
        if folded != c {
            replace(out, &mut run, i, len, folded);
        }
        i += len;
    }
    out.push_str(&s[run..]);
}

/// A string and its folded view, with byte offsets mapped between them.
#[derive(Debug, Clone)]
pub struct Folded<'a> {
    /// The original text.
    pub orig: &'a str,
    /// The folded view (same number of characters).
    pub folded: String,
    /// `(folded offset, original offset)` of the first character after each
    /// character whose folded form changed length, after `(0, 0)`: between
    /// two breaks both texts advance by the same number of bytes.
    breaks: Vec<(usize, usize)>,
}

impl<'a> Folded<'a> {
    /// Build the folded view of `orig`.
    pub fn new(orig: &'a str) -> Self {
        let mut folded = String::with_capacity(orig.len());
        // About one character in ten changes length (full-width punctuation).
        let mut breaks = Vec::with_capacity(orig.len() / 24 + 4);
        breaks.push((0, 0));
        fold_into(orig, &mut folded, |f, o| breaks.push((f, o)));
        Folded {
            orig,
            folded,
            breaks,
        }
    }

    /// Original byte offset of a folded byte offset. An offset inside a
    /// character gives the start of that character; one at or past the end
    /// gives the end of the original.
    pub fn orig_offset(&self, folded_offset: usize) -> usize {
        if folded_offset >= self.folded.len() {
            return self.orig.len();
        }
        let mut at = folded_offset;
        while !self.folded.is_char_boundary(at) {
            at -= 1;
        }
        let i = self.breaks.partition_point(|b| b.0 <= at) - 1;
        let (f, o) = self.breaks[i];
        o + (at - f)
    }

    /// The original text behind a folded byte range.
    pub fn orig_slice(&self, r: Range<usize>) -> &'a str {
        &self.orig[self.orig_offset(r.start)..self.orig_offset(r.end)]
    }
}

/// Character positions of a text's byte offsets (Unicode scalar values), for
/// the evidence span of each unit. Built once per item; lookups are binary
/// searches.
#[derive(Debug, Clone)]
pub struct CharOffsets(Vec<usize>);

impl CharOffsets {
    /// The char boundaries of `s` (the folded view has the same characters
    /// as the original, so either may be given).
    pub fn new(s: &str) -> Self {
        let mut v: Vec<usize> = s.char_indices().map(|(i, _)| i).collect();
        v.push(s.len());
        CharOffsets(v)
    }

    /// Character index of a byte offset (a char boundary).
    pub fn of(&self, byte: usize) -> usize {
        self.0.binary_search(&byte).unwrap_or_else(|i| i)
    }

    /// The character at character index `at` of `s` (the string these offsets were built from).
    pub fn char_at(&self, s: &str, at: usize) -> Option<char> {
        s.get(*self.0.get(at)?..)?.chars().next()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folds_into_holds_exactly_the_characters_folding_into_its_targets() {
        let targets = ['7', '-', '一', '两', '万', '〔', '几', '—'];
        let set = FoldsInto::new(&targets);
        for c in (0..=0x10_FFFF).filter_map(char::from_u32) {
            assert_eq!(
                set.contains(c),
                targets.contains(&fold_char(c)),
                "U+{:04X}",
                c as u32
            );
        }
    }

    /// The offset of the character-by-character map the breaks replace.
    fn naive_orig_offset(orig: &str, folded_offset: usize) -> usize {
        let mut map = Vec::new();
        let mut folded_len = 0;
        for (ob, c) in orig.char_indices() {
            map.push((folded_len, ob));
            folded_len += fold_char(c).len_utf8();
        }
        map.push((folded_len, orig.len()));
        match map.binary_search_by_key(&folded_offset, |p| p.0) {
            Ok(i) => map[i].1,
            Err(i) => map[i.saturating_sub(1)].1,
        }
    }

    #[test]
    fn offsets_map_back_like_a_per_character_map() {
        for s in [
            "",
            "abc",
            "（牵头单位：省局注册处，责任单位：各市州）",
            "達到850萬戶，佔比98％以上",
            "\u{00A0}甲\u{3000}乙\u{2F00}丙〔2022〕151号",
            "𠀀𡈽體、，a，，b",
            "關(guān)于",
        ] {
            let f = Folded::new(s);
            assert_eq!(f.folded, fold(s));
            for off in 0..=f.folded.len() + 2 {
                assert_eq!(
                    f.orig_offset(off),
                    naive_orig_offset(s, off),
                    "{s:?} at {off}"
                );
            }
        }
    }

    #[test]
    fn folds_width_and_keeps_offsets() {
        let f = Folded::new("（牵头单位：省局注册处；责任单位：１２家）");
        assert_eq!(f.folded, "(牵头单位:省局注册处;责任单位:12家)");
        let start = f.folded.find("省局").unwrap();
        let end = f.folded.find(';').unwrap();
        assert_eq!(f.orig_slice(start..end), "省局注册处");
    }

    #[test]
    fn traditional_folds_to_simplified() {
        assert_eq!(
            fold("牽頭單位:市發改委;配合單位"),
            "牵头单位:市发改委;配合单位"
        );
    }

    #[test]
    fn keeps_cjk_punctuation_and_circled_numbers() {
        assert_eq!(fold("一、“十四五”《规划》①"), "一、“十四五”《规划》①");
    }
}
