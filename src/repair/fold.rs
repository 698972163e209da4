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
/// for the few others. A bit per character of the dense range says whether
/// it changes: the 3 KB of bits are what a simplified text reads, not the
/// 110 KB array.
struct T2s {
    dense: Vec<char>,
    changes: Vec<u64>,
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
    let mut changes = vec![0u64; dense.len().div_ceil(64)];
    for (k, &s) in dense.iter().enumerate() {
        if s as u32 != DENSE.start + k as u32 {
            changes[k / 64] |= 1 << (k % 64);
        }
    }
    T2s {
        dense,
        changes,
        rest,
    }
});

impl T2s {
    /// Whether the character at `k` of the dense range changes.
    #[inline]
    fn changes_at(&self, k: usize) -> bool {
        self.changes[k / 64] >> (k % 64) & 1 == 1
    }

    #[inline]
    fn get(&self, c: char) -> char {
        let u = c as u32;
        if DENSE.contains(&u) {
            let k = (u - DENSE.start) as usize;
            return if self.changes_at(k) { self.dense[k] } else { c };
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

/// Fold the first `n` characters of `s` (all of it when shorter): the head
/// of a line a label is looked for in.
pub fn fold_prefix(s: &str, n: usize) -> String {
    fold(s.char_indices().nth(n).map_or(s, |(i, _)| &s[..i]))
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
            let k = (u - DENSE.start) as usize;
            if t2s.changes_at(k) {
                replace(out, &mut run, i, 3, t2s.dense[k]);
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
        orig_offset(&self.folded, &self.breaks, self.orig.len(), folded_offset)
    }

    /// The original text behind a folded byte range.
    pub fn orig_slice(&self, r: Range<usize>) -> &'a str {
        &self.orig[self.orig_offset(r.start)..self.orig_offset(r.end)]
    }

    /// Folded byte offset of an original byte offset (a char boundary of
    /// the original; one at or past the end gives the end of the view).
    pub fn folded_offset(&self, orig_offset: usize) -> usize {
        folded_offset(&self.breaks, orig_offset).min(self.folded.len())
    }

    /// The view of the original range `orig` (char boundaries): its folded
    /// text is copied from this view, not folded again.
    pub fn view(&self, orig: Range<usize>) -> Folded<'a> {
        let mut text = FoldedText::default();
        text.push(self, orig.clone());
        Folded {
            orig: &self.orig[orig],
            folded: text.folded,
            breaks: text.breaks,
        }
    }
}

/// Original offset of folded offset `at` of `folded` under `breaks`, for an
/// original of `orig_len` bytes (see [`Folded::orig_offset`]).
fn orig_offset(folded: &str, breaks: &[(usize, usize)], orig_len: usize, at: usize) -> usize {
    if at >= folded.len() {
        return orig_len;
    }
    let mut at = at;
    while !folded.is_char_boundary(at) {
        at -= 1;
    }
    let i = breaks.partition_point(|b| b.0 <= at) - 1;
    let (f, o) = breaks[i];
    o + (at - f)
}

/// Folded offset of original offset `o` under `breaks`.
fn folded_offset(breaks: &[(usize, usize)], o: usize) -> usize {
    let i = breaks.partition_point(|b| b.1 <= o) - 1;
    let (bf, bo) = breaks[i];
    bf + (o - bo)
}

/// The folded view of an owned text that is assembled piece by piece (an
/// item's body, from the lines of a notice folded once): the folded string
/// and its offset breaks, without the original. [`FoldedText::view`] pairs
/// it with the original again, which must be the text it was built beside.
#[derive(Debug, Clone, PartialEq)]
pub struct FoldedText {
    folded: String,
    /// As in [`Folded`]: `(0, 0)`, then the offsets after each character
    /// whose folded form changed length.
    breaks: Vec<(usize, usize)>,
    /// Byte length of the original text.
    orig_len: usize,
}

impl Default for FoldedText {
    fn default() -> Self {
        FoldedText {
            folded: String::new(),
            breaks: vec![(0, 0)],
            orig_len: 0,
        }
    }
}

impl FoldedText {
    /// The folded view of `orig`, folded afresh.
    pub fn of(orig: &str) -> Self {
        let f = Folded::new(orig);
        FoldedText {
            folded: f.folded,
            breaks: f.breaks,
            orig_len: orig.len(),
        }
    }

    /// The folded text.
    pub fn as_str(&self) -> &str {
        &self.folded
    }

    /// Byte length of the original this view was built beside.
    pub fn orig_len(&self) -> usize {
        self.orig_len
    }

    /// Original byte offset of a folded byte offset (as
    /// [`Folded::orig_offset`], without building the view).
    pub fn orig_offset(&self, folded_offset: usize) -> usize {
        orig_offset(&self.folded, &self.breaks, self.orig_len, folded_offset)
    }

    /// Append the folded view of the original range `orig` (char
    /// boundaries) of `f`, as the original gains `&f.orig[orig]`.
    pub fn push(&mut self, f: &Folded, orig: Range<usize>) {
        let (start, end) = (f.folded_offset(orig.start), f.folded_offset(orig.end));
        // Where the piece starts, both texts are in step.
        let at = (self.folded.len(), self.orig_len);
        let &(lf, lo) = self.breaks.last().expect("the (0, 0) break");
        if at.0 - lf != at.1 - lo {
            self.breaks.push(at);
        }
        let first = f.breaks.partition_point(|b| b.1 <= orig.start);
        let last = first + f.breaks[first..].partition_point(|b| b.1 <= orig.end);
        // Exact-size extensions: each grows its buffer at most once.
        self.breaks.extend(
            f.breaks[first..last]
                .iter()
                .map(|&(bf, bo)| (at.0 + bf - start, at.1 + bo - orig.start)),
        );
        self.folded.push_str(&f.folded[start..end]);
        self.orig_len += orig.len();
    }

    /// Append `s` (folded here), as the original gains `s`.
    pub fn push_str(&mut self, s: &str) {
        self.push(&Folded::new(s), 0..s.len());
    }

    /// Cut the view where the original is cut to `orig_len` bytes (a char
    /// boundary).
    pub fn truncate(&mut self, orig_len: usize) {
        if orig_len >= self.orig_len {
            return;
        }
        let cut = folded_offset(&self.breaks, orig_len);
        self.folded.truncate(cut);
        let keep = self.breaks.partition_point(|b| b.1 <= orig_len);
        self.breaks.truncate(keep);
        self.orig_len = orig_len;
    }

    /// This view over its original `orig`.
    pub fn view<'a>(&self, orig: &'a str) -> Folded<'a> {
        debug_assert_eq!(
            orig.len(),
            self.orig_len,
            "a folded view beside another text"
        );
        Folded {
            orig,
            folded: self.folded.clone(),
            breaks: self.breaks.clone(),
        }
    }
}

/// Character positions of a text's byte offsets (Unicode scalar values), for
/// the evidence span of each unit. Built once per item in one pass that
/// counts the characters of each block of [`CharOffsets::BLOCK`] bytes;
/// a lookup counts within one block.
#[derive(Debug, Clone)]
pub struct CharOffsets<'a> {
    text: &'a str,
    /// Characters starting before byte `k * BLOCK`, for each `k` up to the
    /// last block's end (the last entry is the text's character count).
    before_block: Vec<usize>,
}

/// The characters starting in `bytes`: the bytes that are not UTF-8
/// continuation bytes (`0b10xxxxxx`), counted eight at a time.
#[inline]
fn count_char_starts(bytes: &[u8]) -> usize {
    let mut words = bytes.chunks_exact(8);
    let mut continuation = 0;
    for word in &mut words {
        let w = u64::from_le_bytes(word.try_into().expect("eight bytes"));
        // Top bit set and the bit below it clear, in each byte.
        continuation += (w & !(w << 1) & 0x8080_8080_8080_8080).count_ones() as usize;
    }
    let rest = words.remainder();
    bytes.len() - continuation - rest.iter().filter(|&&b| (b as i8) < -0x40).count()
}

impl<'a> CharOffsets<'a> {
    /// Block size of the stored counts, in bytes.
    pub const BLOCK: usize = 256;

    /// The character positions of `s` (the folded view has the same
    /// characters as the original, so either may be given).
    pub fn new(s: &'a str) -> Self {
        let mut before_block = Vec::with_capacity(s.len() / Self::BLOCK + 2);
        let mut count = 0;
        before_block.push(0);
        for block in s.as_bytes().chunks(Self::BLOCK) {
            count += count_char_starts(block);
            before_block.push(count);
        }
        CharOffsets {
            text: s,
            before_block,
        }
    }

    /// Character index of a byte offset: the number of characters starting
    /// before it (offsets past the end count as the end).
    pub fn of(&self, byte: usize) -> usize {
        let byte = byte.min(self.text.len());
        let block = byte / Self::BLOCK;
        self.before_block[block]
            + count_char_starts(&self.text.as_bytes()[block * Self::BLOCK..byte])
    }

    /// The character at character index `at` of the text.
    pub fn char_at(&self, at: usize) -> Option<char> {
        // The last block whose preceding count is at most `at`; the first
        // character starting in it has index `before_block[block]`.
        let block = self.before_block.partition_point(|&n| n <= at) - 1;
        let mut start = (block * Self::BLOCK).min(self.text.len());
        while !self.text.is_char_boundary(start) {
            start += 1;
        }
        self.text[start..]
            .chars()
            .nth(at - self.before_block[block])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_folded_prefix_is_the_fold_of_the_first_characters() {
        for (s, n) in [("（一）推進ＡＢ", 3), ("一、", 16), ("", 4), ("ａｂｃ", 0)] {
            let expected: String = s.chars().take(n).map(fold_char).collect();
            assert_eq!(fold_prefix(s, n), expected);
        }
    }

    /// Every folded offset of `f` maps as in a view folded afresh.
    fn assert_same_view(f: &Folded, orig: &str) {
        let fresh = Folded::new(orig);
        assert_eq!(f.orig, orig);
        assert_eq!(f.folded, fresh.folded, "{orig:?}");
        for at in 0..=f.folded.len() + 1 {
            assert_eq!(f.orig_offset(at), fresh.orig_offset(at), "{orig:?} at {at}");
        }
        for (o, _) in orig.char_indices().chain([(orig.len(), ' ')]) {
            assert_eq!(
                f.folded_offset(o),
                fresh.folded_offset(o),
                "{orig:?} orig {o}"
            );
        }
    }

    #[test]
    fn views_and_assembled_texts_map_like_fresh_folds() {
        let line = "（一）推進，ＡＢ　甲乙；十、丙（牵头单位：省局）。abc";
        let f = Folded::new(line);
        let bounds: Vec<usize> = line
            .char_indices()
            .map(|(i, _)| i)
            .chain([line.len()])
            .collect();
        for (i, &a) in bounds.iter().enumerate() {
            for &b in &bounds[i..] {
                assert_same_view(&f.view(a..b), &line[a..b]);
                // Pieces joined with a newline, as an item's body is built.
                let mut text = FoldedText::default();
                let mut body = String::new();
                for (piece, sep) in [(0..a, ""), (a..b, "\n"), (b..line.len(), "，\n")] {
                    text.push_str(sep);
                    body.push_str(sep);
                    text.push(&f, piece.clone());
                    body.push_str(&line[piece]);
                }
                assert_eq!(text.orig_len(), body.len());
                assert_same_view(&text.view(&body), &body);
                let mut cut = text.clone();
                cut.truncate(a);
                assert_same_view(&cut.view(&body[..a]), &body[..a]);
            }
        }
    }

    #[test]
    fn char_offsets_agree_with_char_indices_across_blocks() {
        let text: String = "a，二𠀀é\n".repeat(200);
        let offsets = CharOffsets::new(&text);
        let mut starts: Vec<usize> = text.char_indices().map(|(i, _)| i).collect();
        starts.push(text.len());
        for byte in 0..=text.len() + 3 {
            let expected = starts.partition_point(|&s| s < byte);
            assert_eq!(
                offsets.of(byte),
                expected.min(starts.len() - 1),
                "byte {byte}"
            );
        }
        for (at, c) in text.chars().enumerate() {
            assert_eq!(offsets.char_at(at), Some(c), "char {at}");
        }
        assert_eq!(offsets.char_at(starts.len() - 1), None);
        assert_eq!(CharOffsets::new("").of(0), 0);
    }

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
    fn the_change_bits_agree_with_the_table() {
        let t2s = &*T2S;
        for (k, &simplified) in t2s.dense.iter().enumerate() {
            let c = char::from_u32(DENSE.start + k as u32).unwrap();
            assert_eq!(t2s.get(c), simplified, "U+{:04X}", c as u32);
            assert_eq!(t2s.changes_at(k), simplified != c);
        }
        assert!(t2s.changes.iter().any(|&w| w != 0));
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
