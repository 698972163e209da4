//! Numerals as officials write them: Arabic (`850`, `1,050,000`, `2.5`,
//! full-width `８５０`), Chinese (`一千零五十`, `十`, `零十`, `四万亿`, `半百`),
//! both mixed (`3万4000`, `5万4千6百`, `1千零1`), fractions (`二分之一`,
//! `3又一千分之23`, `3/5`), percent forms (`百分之22`, `千分之三`, `万分之三`,
//! `9成`, `三成半`), approximate numbers (`500余万`, `十多万`, `二十几万`),
//! ranges (`3至5`, `3—5`) and spaces inside a number (`一百 五 十`).
//!
//! [`read`] reads one numeral at a byte offset and returns its value and the
//! byte span it used; [`scan`] walks a text left to right, one numeral after
//! the other (each character is looked at a bounded number of times, so a
//! text full of numbers is read in linear time). Characters are folded
//! ([`crate::repair::fold_char`]) as they are read, so the reader works on the
//! original text and on its folded view alike.
//!
//! A trailing magnitude (`万`, `亿`, `万亿`; after a plain Arabic number also
//! `千`, `百`, `千万` …) is not part of the value: it belongs to the unit as
//! written (`850万户` → value 850, magnitude `万`), so that [`Numeral::magnitude`]
//! can be matched together with the measure word after it (`万千瓦时`).

use crate::repair::fold::FoldsInto;
use crate::repair::fold_char;
use std::ops::Range;
use std::sync::LazyLock;

/// A numeral read from a text.
#[derive(Debug, Clone, PartialEq)]
pub struct Numeral {
    /// The value as written, without the trailing magnitude (`850` for
    /// `850万`); for percent forms the percentage (`百分之22` → 22, `9成` →
    /// 90, `万分之三` → 0.03) or the per-mille value (`千分之三` → 3).
    pub value: f64,
    /// Upper end of a range (`3至5` → 5).
    pub max: Option<f64>,
    /// Byte range of the trailing magnitude (`万`, `亿`, `万亿` …) in the
    /// text; empty (at `span.end`) when there is none.
    pub magnitude: Range<usize>,
    /// The unit the numeral itself implies: `%` (百分之, 万分之, 成) or `‰` (千分之).
    pub implied_unit: Option<&'static str>,
    /// The word that makes the number approximate: `余`, `多` or `几`.
    pub approx: Option<char>,
    /// Whether any Arabic digit was read.
    pub arabic: bool,
    /// Whether any Chinese numeral character was read.
    pub chinese: bool,
    /// Byte range of the whole numeral (magnitude included).
    pub span: Range<usize>,
}

/// Value of a magnitude written before a unit (`万` 1e4, `千万` 1e7, `万亿`
/// 1e12); 1 for an empty string, `None` for anything that is not a magnitude.
pub fn magnitude_factor(s: &str) -> Option<f64> {
    let mut f = 1.0;
    for c in s.chars() {
        f *= small_unit(fold_char(c)).or_else(|| big_unit(fold_char(c)))?;
    }
    Some(f)
}

/// Parse a whole string as one numeral (Arabic or Chinese, any form of this
/// module); `None` when the string is not exactly one numeral. The magnitude
/// is applied (`2.3万` → 23000), percent forms give the percentage.
pub fn parse_number(s: &str) -> Option<f64> {
    let s = s.trim();
    let n = read(s, 0)?;
    if n.span.end != s.len() {
        return None;
    }
    Some(n.value * magnitude_factor(&s[n.magnitude.clone()])?)
}

/// Value of a Chinese numeral such as `一千二百`, `三点五`, `两万`, `半`.
pub fn chinese_value(s: &str) -> Option<f64> {
    parse_number(s)
}

/// Read the numeral that starts exactly at byte `at` of `text`.
pub fn read(text: &str, at: usize) -> Option<Numeral> {
    read_with(text, at, true)
}

/// Like [`read`]; `thousands` says whether `,` may separate groups of three
/// digits (callers turn it off where the comma was a full-width `，`).
pub fn read_with(text: &str, at: usize, thousands: bool) -> Option<Numeral> {
    let r = Reader { text, thousands };
    r.numeral(at)
}

/// Every numeral of `text`, left to right, not overlapping.
pub fn scan(text: &str) -> Scan<'_> {
    Scan { text, pos: 0 }
}

/// Iterator of [`scan`].
pub struct Scan<'a> {
    text: &'a str,
    pos: usize,
}

impl Scan<'_> {
    /// The folded character before the scan position.
    fn prev(&self) -> Option<char> {
        self.text[..self.pos].chars().next_back().map(fold_char)
    }
}

impl Iterator for Scan<'_> {
    type Item = Numeral;
    fn next(&mut self) -> Option<Numeral> {
        let bytes = self.text.as_bytes();
        let may_fold_into_start = &*FOLDS_INTO_START;
        while self.pos < bytes.len() {
            // Runs of CJK ideographs (lead bytes E4–E9) that fold into no
            // first character of a numeral.
            while let Some(&[b, b1, b2]) = bytes.get(self.pos..self.pos + 3)
                && (0xE4..=0xE9).contains(&b)
                && !may_fold_into_start.contains_bmp(
                    (u32::from(b & 0x0F) << 12)
                        | (u32::from(b1 & 0x3F) << 6)
                        | u32::from(b2 & 0x3F),
                )
            {
                self.pos += 3;
            }
            let Some(&b) = bytes.get(self.pos) else {
                break;
            };
            let (f, len) = if b < 0x80 {
                (char::from(b), 1)
            } else {
                let (c, len) = if b & 0xF0 == 0xE0 && self.pos + 2 < bytes.len() {
                    // Three bytes (all Chinese text): decoded here.
                    let u = (u32::from(b & 0x0F) << 12)
                        | (u32::from(bytes[self.pos + 1] & 0x3F) << 6)
                        | u32::from(bytes[self.pos + 2] & 0x3F);
                    (char::from_u32(u)?, 3)
                } else {
                    let c = self.text[self.pos..].chars().next()?;
                    (c, c.len_utf8())
                };
                if !may_fold_into_start.contains(c) {
                    self.pos += len;
                    continue;
                }
                (fold_char(c), len)
            };
            // A minus sign only where it cannot be a hyphen of a code (`GB-3`).
            let may_start = starts_numeral(f)
                || (f == '-' && !self.prev().is_some_and(|p| p.is_ascii_alphanumeric()));
            if may_start
                && !(f.is_ascii_digit() && self.prev().is_some_and(|p| p.is_ascii_digit()))
                && let Some(n) = read(self.text, self.pos)
            {
                self.pos = n.span.end;
                return Some(n);
            }
            self.pos += len;
        }
        None
    }
}

/// The characters a numeral may start with, and `-`.
const START_CHARS: &[char] = &[
    '0', '1', '2', '3', '4', '5', '6', '7', '8', '9', '.', '-', '〇', '一', '二', '两', '三', '四',
    '五', '六', '七', '八', '九', '十', '百', '千', '万', '亿', '零', '负', '半', '几',
];

/// Characters that fold into one of [`START_CHARS`]: the scan folds only
/// these (others can neither start a numeral nor be a minus sign).
/// Build this module's tables now instead of on first use.
pub(crate) fn prepare() {
    LazyLock::force(&FOLDS_INTO_START);
}

static FOLDS_INTO_START: LazyLock<FoldsInto> = LazyLock::new(|| FoldsInto::new(START_CHARS));

/// Whether a numeral may start with `c`: an Arabic or Chinese digit or unit
/// ([`is_digit_or_chinese_numeral`]), `.`, `零`, `负`, `半` or `几`.
fn starts_numeral(c: char) -> bool {
    is_digit_or_chinese_numeral(c) || matches!(c, '.' | '零' | '负' | '半' | '几')
}

/// An Arabic digit, or a Chinese digit (`〇` `一` … `九`, `两`) or unit (`十` `百`
/// `千` `万` `亿`).
pub fn is_digit_or_chinese_numeral(c: char) -> bool {
    c.is_ascii_digit()
        || matches!(
            c,
            '〇' | '一'
                | '二'
                | '两'
                | '三'
                | '四'
                | '五'
                | '六'
                | '七'
                | '八'
                | '九'
                | '十'
                | '百'
                | '千'
                | '万'
                | '亿'
        )
}

#[cfg(test)]
fn chinese_char(c: char) -> bool {
    digit(c).is_some() || small_unit(c).is_some() || big_unit(c).is_some() || c == '几'
}

fn digit(c: char) -> Option<f64> {
    Some(match c {
        '零' | '〇' => 0.0,
        '一' => 1.0,
        '二' | '两' => 2.0,
        '三' => 3.0,
        '四' => 4.0,
        '五' => 5.0,
        '六' => 6.0,
        '七' => 7.0,
        '八' => 8.0,
        '九' => 9.0,
        _ => return None,
    })
}

fn small_unit(c: char) -> Option<f64> {
    Some(match c {
        '十' => 10.0,
        '百' => 100.0,
        '千' => 1000.0,
        _ => return None,
    })
}

fn big_unit(c: char) -> Option<f64> {
    Some(match c {
        '万' => 1e4,
        '亿' => 1e8,
        _ => return None,
    })
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum Tok {
    /// An Arabic number (decimals and thousands separators read).
    Arabic(f64),
    /// 一 … 九, 两.
    Digit(f64),
    /// 零 / 〇.
    Zero,
    /// 几: an unknown digit.
    Ji,
    /// 半 at the start (`半百`, `半`).
    Half,
    /// 十 百 千.
    Small(f64),
    /// 万 亿.
    Big(f64),
    /// 点 and the Chinese digits after it, as a fraction.
    Point(f64),
    /// 余 / 多 after a number.
    Approx(char),
}

/// A run of numeral tokens with their byte ranges.
struct Core {
    toks: Vec<(Tok, Range<usize>)>,
    negative: bool,
    start: usize,
}

impl Core {
    fn end(&self) -> usize {
        self.toks.last().map_or(self.start, |t| t.1.end)
    }

    /// Index of the first token of the trailing magnitude, if any.
    fn magnitude_start(&self) -> Option<usize> {
        let n = self.toks.len();
        let mut i = n;
        while i > 0 && matches!(self.toks[i - 1].0, Tok::Big(_)) {
            i -= 1;
        }
        // `四十五亿四千零四万`: a trailing 万 under a 亿 is part of the value.
        let big = |t: &(Tok, Range<usize>)| match t.0 {
            Tok::Big(u) => u,
            _ => 0.0,
        };
        let inner = self.toks[..i].iter().map(big).fold(0.0, f64::max);
        if i < n && inner >= big(&self.toks[i]) {
            i = n;
        }
        // After a lone Arabic number, 千 and 百 (and 十) are magnitudes too:
        // `3千万`, `5百万`.
        let value_toks = |k: usize| {
            self.toks[..k]
                .iter()
                .filter(|t| !matches!(t.0, Tok::Approx(_)))
                .count()
        };
        let mut j = i;
        while j > 0 && matches!(self.toks[j - 1].0, Tok::Small(_)) {
            j -= 1;
        }
        if j < i && value_toks(j) == 1 && matches!(self.toks[0].0, Tok::Arabic(_)) {
            i = j;
        }
        (i < n && value_toks(i) > 0).then_some(i)
    }

    fn value(&self, upto: usize) -> f64 {
        let v = evaluate(&self.toks[..upto]);
        if self.negative { -v } else { v }
    }

    fn approx(&self) -> Option<char> {
        self.toks.iter().find_map(|t| match t.0 {
            Tok::Approx(c) => Some(c),
            Tok::Ji => Some('几'),
            _ => None,
        })
    }

    fn has_arabic(&self) -> bool {
        self.toks.iter().any(|t| matches!(t.0, Tok::Arabic(_)))
    }

    fn has_chinese(&self) -> bool {
        self.toks.iter().any(|t| !matches!(t.0, Tok::Arabic(_)))
    }

    /// The core is exactly `百`/`一百`, `千`/`一千` or `万`/`一万`.
    fn bare_power(&self) -> Option<f64> {
        match self.toks.as_slice() {
            [(Tok::Small(u), _)] | [(Tok::Digit(1.0), _), (Tok::Small(u), _)] => Some(*u),
            [(Tok::Big(u), _)] | [(Tok::Digit(1.0), _), (Tok::Big(u), _)] => Some(*u),
            _ => None,
        }
    }
}

fn evaluate(toks: &[(Tok, Range<usize>)]) -> f64 {
    let (mut yi, mut wan, mut sec) = (0.0f64, 0.0f64, 0.0f64);
    let mut cur: Option<f64> = None;
    for (t, _) in toks {
        match *t {
            Tok::Arabic(v) | Tok::Digit(v) => cur = Some(v),
            Tok::Half => cur = Some(0.5),
            Tok::Ji => cur = Some(0.0),
            Tok::Zero => cur = None,
            Tok::Small(u) => {
                sec += cur.unwrap_or(1.0) * u;
                cur = None;
            }
            Tok::Big(u) if u < 1e8 => {
                let amount = sec + cur.unwrap_or(0.0);
                if amount == 0.0 && wan > 0.0 {
                    wan *= u; // 万万
                } else if amount == 0.0 && yi > 0.0 {
                    yi *= u;
                } else {
                    wan += if amount == 0.0 { 1.0 } else { amount } * u;
                }
                sec = 0.0;
                cur = None;
            }
            Tok::Big(u) => {
                let amount = sec + cur.unwrap_or(0.0);
                let base = yi + wan + amount;
                yi = if base == 0.0 { 1.0 } else { base } * u;
                wan = 0.0;
                sec = 0.0;
                cur = None;
            }
            Tok::Point(f) => cur = Some(cur.unwrap_or(0.0) + f),
            Tok::Approx(_) => {}
        }
    }
    yi + wan + sec + cur.unwrap_or(0.0)
}

struct Reader<'a> {
    text: &'a str,
    thousands: bool,
}

impl Reader<'_> {
    /// Folded character at `at` and its byte length.
    fn ch(&self, at: usize) -> Option<(char, usize)> {
        let c = self.text.get(at..)?.chars().next()?;
        Some((fold_char(c), c.len_utf8()))
    }

    /// Position after spaces from `at`.
    fn skip_spaces(&self, mut at: usize) -> usize {
        while let Some((c, l)) = self.ch(at) {
            if c == ' ' || c == '\t' {
                at += l;
            } else {
                break;
            }
        }
        at
    }

    /// The literal `word` (folded) at `at`, spaces allowed between its
    /// characters; the position after it.
    fn literal(&self, at: usize, word: &str) -> Option<usize> {
        let mut p = at;
        for (i, w) in word.chars().enumerate() {
            if i > 0 {
                p = self.skip_spaces(p);
            }
            let (c, l) = self.ch(p)?;
            if c != w {
                return None;
            }
            p += l;
        }
        Some(p)
    }

    fn arabic(&self, at: usize) -> Option<(f64, usize)> {
        // The digits and the point (group separators are only checked).
        let mut s = String::new();
        let (mut has_point, mut grouped) = (false, false);
        let mut p = at;
        let mut digits = 0;
        while let Some((c, l)) = self.ch(p) {
            if c.is_ascii_digit() {
                s.push(c);
                digits += 1;
                p += l;
            } else if c == ',' && self.thousands && digits > 0 && !has_point {
                // Exactly three digits after the separator, first group 1–3 digits.
                let group: String = (0..4)
                    .scan(p + l, |q, _| {
                        let (d, dl) = self.ch(*q)?;
                        *q += dl;
                        Some(d)
                    })
                    .collect();
                let three = group.chars().take(3).filter(char::is_ascii_digit).count() == 3
                    && !group.chars().nth(3).is_some_and(|d| d.is_ascii_digit());
                // The first group has at most three digits.
                if !three || (!grouped && digits > 3) {
                    break;
                }
                grouped = true;
                p += l;
            } else if c == '.' && !has_point {
                match self.ch(p + l) {
                    Some((d, _)) if d.is_ascii_digit() => {
                        s.push('.');
                        has_point = true;
                        p += l;
                    }
                    _ => break,
                }
            } else {
                break;
            }
        }
        if digits == 0 {
            return None;
        }
        let v: f64 = s.parse().ok()?;
        Some((v, p))
    }

    /// A run of numeral tokens from `at`.
    fn core(&self, at: usize) -> Option<Core> {
        let mut p = at;
        let mut negative = false;
        if let Some((c, l)) = self.ch(p)
            && (c == '负' || c == '-')
        {
            negative = true;
            p += l;
        }
        let start = at;
        let mut toks: Vec<(Tok, Range<usize>)> = Vec::new();
        // Smallest small unit of the current section (they must decrease).
        let mut last_small = f64::INFINITY;
        let mut after_approx = false;
        loop {
            // Spaces inside a number: not between two Arabic numbers.
            let q = if toks.is_empty() {
                p
            } else {
                self.skip_spaces(p)
            };
            let Some((c, l)) = self.ch(q) else { break };
            let prev = toks.last().map(|t| t.0);
            let spaced = q > p;
            let tok = if after_approx {
                // Only a magnitude may follow 余/多.
                big_unit(c).map(|u| (Tok::Big(u), q + l))
            } else if c.is_ascii_digit() || (c == '.' && toks.is_empty()) {
                if matches!(
                    prev,
                    Some(Tok::Arabic(_) | Tok::Digit(_) | Tok::Ji | Tok::Point(_))
                ) {
                    None
                } else if c == '.' {
                    // `.5`
                    self.ch(q + l)
                        .filter(|d| d.0.is_ascii_digit())
                        .and_then(|_| self.arabic(q + l))
                        .map(|(v, e)| {
                            let frac = &self.text[q + l..e];
                            (Tok::Arabic(v / 10f64.powi(frac.len() as i32)), e)
                        })
                } else {
                    self.arabic(q).map(|(v, e)| (Tok::Arabic(v), e))
                }
            } else if let Some(d) = digit(c) {
                if d == 0.0 {
                    // 零 at the start or after a unit (`一千零五`), not after a digit (`二〇二五`).
                    matches!(prev, None | Some(Tok::Small(_) | Tok::Big(_) | Tok::Zero))
                        .then_some((Tok::Zero, q + l))
                } else if matches!(
                    prev,
                    Some(Tok::Arabic(_) | Tok::Digit(_) | Tok::Ji | Tok::Half | Tok::Point(_))
                ) {
                    None
                } else {
                    Some((Tok::Digit(d), q + l))
                }
            } else if c == '几' {
                matches!(prev, Some(Tok::Small(_) | Tok::Big(_) | Tok::Zero))
                    .then_some((Tok::Ji, q + l))
            } else if c == '半' && toks.is_empty() {
                Some((Tok::Half, q + l))
            } else if let Some(u) = small_unit(c) {
                // A small unit counts a digit before it (`4千`), or stands first
                // (`十`, `百分之`), or is 十 after 零 (`一万零十二`); `万千瓦` is a
                // magnitude and the unit 千瓦.
                let counted = match prev {
                    None => true,
                    Some(Tok::Arabic(_) | Tok::Digit(_) | Tok::Ji | Tok::Half) => true,
                    Some(Tok::Zero) => u == 10.0,
                    _ => false,
                };
                if !counted || u >= last_small {
                    None
                } else {
                    last_small = u;
                    Some((Tok::Small(u), q + l))
                }
            } else if let Some(u) = big_unit(c) {
                last_small = f64::INFINITY;
                Some((Tok::Big(u), q + l))
            } else if c == '点' && prev.is_some() {
                // Chinese decimals: 点 and Chinese digits.
                let mut e = self.skip_spaces(q + l);
                let mut frac = 0.0;
                let mut scale = 0.1;
                let mut n = 0;
                loop {
                    let e2 = if n == 0 { e } else { self.skip_spaces(e) };
                    match self.ch(e2).and_then(|(d, dl)| digit(d).map(|v| (v, dl))) {
                        Some((v, dl)) => {
                            frac += v * scale;
                            scale /= 10.0;
                            e = e2 + dl;
                            n += 1;
                        }
                        None => break,
                    }
                }
                (n > 0 && !matches!(prev, Some(Tok::Point(_)))).then_some((Tok::Point(frac), e))
            } else if (c == '余' || (c == '多' && !spaced))
                && matches!(
                    prev,
                    Some(Tok::Arabic(_) | Tok::Digit(_) | Tok::Small(_) | Tok::Zero)
                )
            {
                after_approx = true;
                Some((Tok::Approx(c), q + l))
            } else {
                None
            };
            let Some((t, e)) = tok else { break };
            // 半 only before 百 (`半百`) or alone.
            if matches!(prev, Some(Tok::Half)) && t != Tok::Small(100.0) {
                break;
            }
            // A leading big unit only as the denominator of `万分之`.
            if toks.is_empty() && matches!(t, Tok::Big(_)) {
                // At most `万万分之` (a run of 万 is not read on: linear time).
                let mut after = e;
                if let Some((_, bl)) = self.ch(after).filter(|b| big_unit(b.0).is_some()) {
                    after += bl;
                }
                self.literal(after, "分之")?;
            }
            toks.push((t, q..e));
            p = e;
        }
        if toks.is_empty() {
            return None;
        }
        Some(Core {
            toks,
            negative,
            start,
        })
    }

    /// A whole numeral: core, fraction, 成, range.
    fn numeral(&self, at: usize) -> Option<Numeral> {
        let first = self.core(at)?;
        let mut implied_unit = None;
        let (mut value, mut magnitude, mut end) = self.core_value(&first);
        let mut arabic = first.has_arabic();
        let mut chinese = first.has_chinese();
        let mut approx = first.approx();
        // Mixed number `3又一千分之23`.
        let mut whole = None;
        let mut denom_core = &first;
        let whole_core;
        if let Some(p) = self.literal(self.skip_spaces(first.end()), "又")
            && let Some(c) = self.core(self.skip_spaces(p))
            && self.literal(self.skip_spaces(c.end()), "分之").is_some()
        {
            whole = Some(first.value(first.toks.len()));
            whole_core = c;
            denom_core = &whole_core;
        }
        // Fractions `X分之Y`.
        let dc = denom_core;
        if let Some(p) = self.literal(self.skip_spaces(dc.end()), "分之")
            && let Some(num) = self.core(self.skip_spaces(p))
        {
            let d = dc.value(dc.toks.len());
            let n = num.value(num.toks.len());
            if d != 0.0 {
                arabic |= num.has_arabic() || dc.has_arabic();
                chinese = true;
                approx = approx.or(num.approx());
                end = num.end();
                magnitude = end..end;
                value = match (whole, dc.bare_power()) {
                    (None, Some(100.0)) => {
                        implied_unit = Some("%");
                        n
                    }
                    (None, Some(1000.0)) => {
                        implied_unit = Some("‰");
                        n
                    }
                    (None, Some(10000.0)) => {
                        implied_unit = Some("%");
                        n / 100.0
                    }
                    (w, _) => {
                        let f = n / d;
                        match w {
                            Some(w) if w < 0.0 => w - f,
                            Some(w) => w + f,
                            None => f,
                        }
                    }
                };
            }
        }
        // Arabic fractions `3/5` and mixed `1 3/5`.
        if magnitude.is_empty()
            && implied_unit.is_none()
            && first.toks.len() == 1
            && let Tok::Arabic(a) = first.toks[0].0
        {
            if let Some((b, e)) = self.slash_fraction(end) {
                value = if first.negative { -a / b } else { a / b };
                end = e;
                magnitude = end..end;
            } else if a.fract() == 0.0
                && self.skip_spaces(end) > end
                && let Some((n, e1)) = self.arabic(self.skip_spaces(end))
                && let Some((d, e)) = self.slash_fraction(e1)
            {
                value = if first.negative {
                    -(a + n / d)
                } else {
                    a + n / d
                };
                end = e;
                magnitude = end..end;
            }
        }
        // 成: tenths, `9成` = 90 %, `七成六` = 76 %, `三成半` = 35 %.
        if magnitude.is_empty()
            && implied_unit.is_none()
            && let Some(p) = self.literal(self.skip_spaces(end), "成")
        {
            let q = self.skip_spaces(p);
            let (extra, e) = match self.ch(q) {
                Some(('半', l)) => (5.0, q + l),
                Some((d, l)) if digit(d).is_some_and(|v| v > 0.0) => {
                    (digit(d).unwrap_or(0.0), q + l)
                }
                _ => (0.0, p),
            };
            if plain_follower(self.ch(e).map(|c| c.0)) && value <= 10.0 {
                value = value * 10.0 + extra;
                implied_unit = Some("%");
                end = e;
                magnitude = end..end;
            }
        }
        // Ranges `3至5`, `3—5`.
        let mut max = None;
        let sep_at = self.skip_spaces(end);
        if let Some((sep, sl)) = self.ch(sep_at)
            && matches!(sep, '至' | '到' | '-' | '~' | '—' | '–' | '〜')
        {
            let mut q = self.skip_spaces(sep_at + sl);
            if sep == '—'
                && let Some(('—', l)) = self.ch(q)
            {
                q += l;
            }
            if implied_unit.is_none()
                && let Some(second) = self.core(q)
                && !second.negative
            {
                let (v2, m2, e2) = self.core_value(&second);
                let f1 = magnitude_factor(&self.text[magnitude.clone()]).unwrap_or(1.0);
                let f2 = magnitude_factor(&self.text[m2.clone()]).unwrap_or(1.0);
                // `2023至2025`-like years after a small number are not its upper end.
                let year = v2.fract() == 0.0 && (1900.0..=2100.0).contains(&v2) && value < 1900.0;
                if v2 * f2 > value * f1 && !year {
                    // Both ends in the scale of the second (`3万至5万`, `3万至50000`).
                    value = value * f1 / f2;
                    max = Some(v2);
                    magnitude = m2;
                    end = e2;
                    arabic |= second.has_arabic();
                    chinese |= second.has_chinese();
                    approx = approx.or(second.approx());
                }
            }
        }
        Some(Numeral {
            value,
            max,
            magnitude,
            implied_unit,
            approx,
            arabic,
            chinese,
            span: at..end,
        })
    }

    /// `/5` after a number: the denominator and the end.
    fn slash_fraction(&self, at: usize) -> Option<(f64, usize)> {
        let (c, l) = self.ch(at)?;
        if c != '/' {
            return None;
        }
        let (d, e) = self.arabic(at + l)?;
        if d == 0.0 || self.text[at + l..e].contains('.') {
            return None;
        }
        Some((d, e))
    }

    /// Value without the trailing magnitude, the magnitude's byte range, and the end.
    fn core_value(&self, c: &Core) -> (f64, Range<usize>, usize) {
        let end = c.end();
        match c.magnitude_start() {
            Some(i) => {
                // The approximation word sits before the magnitude (`500余万`).
                let m = c.toks[i].1.start..end;
                (c.value(i), m, end)
            }
            None => (c.value(c.toks.len()), end..end, end),
        }
    }
}

/// What may follow `成` read as tenths: not a word such as 成立, 成果, 成本.
fn plain_follower(c: Option<char>) -> bool {
    match c {
        None => true,
        Some(c) if !('\u{4e00}'..='\u{9fff}').contains(&c) => true,
        Some(c) => matches!(
            c,
            '以' | '左' | '多' | '的' | '和' | '及' | '或' | '、' | '是'
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn start_characters_are_the_numeral_starts_and_the_minus_sign() {
        for c in (0..0x1_0000).filter_map(char::from_u32) {
            assert_eq!(
                START_CHARS.contains(&c),
                starts_numeral(c) || c == '-',
                "{c}"
            );
        }
    }

    /// Value with the magnitude applied, as a plain number (percent forms as fractions).
    fn full(s: &str) -> Option<f64> {
        let n = read(s, 0)?;
        let f = magnitude_factor(&s[n.magnitude.clone()])?;
        let v = n.value * f;
        Some(match n.implied_unit {
            Some("%") => v / 100.0,
            Some("‰") => v / 1000.0,
            _ => v,
        })
    }

    fn close(a: f64, b: f64) -> bool {
        (a - b).abs() <= 1e-9 * b.abs().max(1.0)
    }

    #[track_caller]
    fn check(s: &str, want: f64) {
        let got = full(s);
        assert!(
            got.is_some_and(|g| close(g, want)),
            "{s}: got {got:?}, want {want}"
        );
        assert_eq!(read(s, 0).unwrap().span.end, s.len(), "{s}: span");
    }

    #[test]
    fn numeral_starts_are_the_chinese_characters_and_digits() {
        for u in 0..0x11000u32 {
            if let Some(c) = char::from_u32(u) {
                let by_parts =
                    c.is_ascii_digit() || c == '.' || c == '负' || c == '半' || chinese_char(c);
                assert_eq!(starts_numeral(c), by_parts, "{c:?}");
            }
        }
    }

    #[test]
    fn arabic_forms() {
        check("850", 850.0);
        check("1,050,000,000", 1_050_000_000.0);
        check("10,000.233", 10000.233);
        check("2.3万", 23000.0);
        check("４５６", 456.0);
        check("1000  万", 1e7);
        check(".5", 0.5);
        check("-22.2", -22.2);
        let n = read("850万户", 0).unwrap();
        assert_eq!((n.value, &"850万户"[n.magnitude.clone()]), (850.0, "万"));
        let n = read("3千万元", 0).unwrap();
        assert_eq!(&"3千万元"[n.magnitude.clone()], "千万");
    }

    #[test]
    fn chinese_forms() {
        check("十", 10.0);
        check("十五", 15.0);
        check("一千零五十", 1050.0);
        check("一万零十二", 10012.0);
        check("零十", 10.0);
        check("一百零十万", 1_100_000.0);
        check("四万亿", 4e12);
        check("一万五千亿", 1.5e12);
        check("四万万", 4e8);
        check("二十一万亿", 2.1e13);
        check("四亿五千六百四十二万零一十五", 456_420_015.0);
        check("半百", 50.0);
        check("半", 0.5);
        check("两千万点五五四四", 20_000_000.554_4);
        check("四百 点 五", 400.5);
        check("一百 五 十 二", 152.0);
        check("负三十二", -32.0);
        check("二十 億", 2e9);
        assert!(read("萬", 0).is_none());
    }

    #[test]
    fn mixed_forms() {
        check("3万4000", 34000.0);
        check("5万4千6百", 54600.0);
        check("1千零1", 1001.0);
        check("2千零30万", 2.03e7);
        check("25万6千", 256000.0);
        check("7 万5 千4 百", 75400.0);
        check("5亿1万4千6百", 500_014_600.0);
        check("10万万", 1e9);
        check("4.78万亿", 4.78e12);
        check("四十五亿四千零四万", 4_540_040_000.0);
        check("负四百零五亿零四百零四万", -40_504_040_000.0);
    }

    #[test]
    fn approximate_forms() {
        for (s, v, w) in [
            ("500余万", 5e6, '余'),
            ("十 余 万", 1e5, '余'),
            ("一千多万", 1e7, '多'),
            ("十多万", 1e5, '多'),
            ("二十几万", 2e5, '几'),
            ("一百零几万", 1e6, '几'),
            ("一百 二 十 几亿", 1.2e10, '几'),
        ] {
            check(s, v);
            assert_eq!(read(s, 0).unwrap().approx, Some(w), "{s}");
        }
    }

    #[test]
    fn fractions_and_percent_forms() {
        check("二分之一", 0.5);
        check("五 分之 一", 0.2);
        check("3又一千分之23", 3.023);
        check("3/5", 0.6);
        check("1 3/5", 1.6);
        check("16分之5", 0.3125);
        check("-3/2", -1.5);
        check("万万分之七", 7e-8);
        check("负一又二分之一", -1.5);
        check("百分之22", 0.22);
        check("百 分 之2.4", 0.024);
        check("百分之五十", 0.5);
        check("千分之一", 0.001);
        check("万分之三", 0.0003);
        check("一百分之五十五点五七九", 0.55579);
        check("9成", 0.9);
        check("七成 六", 0.76);
        check("三成半", 0.35);
        check("半成", 0.05);
        check("六 点 五 成", 0.65);
        let n = read("千分之三以内", 0).unwrap();
        assert_eq!((n.value, n.implied_unit), (3.0, Some("‰")));
        let n = read("万分之三", 0).unwrap();
        assert_eq!(n.implied_unit, Some("%"));
        // 成 as part of a word is not a percentage.
        assert_eq!(read("3成立", 0).unwrap().implied_unit, None);
    }

    #[test]
    fn ranges() {
        let n = read("3至5个", 0).unwrap();
        assert_eq!((n.value, n.max, n.span.end), (3.0, Some(5.0), "3至5".len()));
        let n = read("3—5家", 0).unwrap();
        assert_eq!((n.value, n.max), (3.0, Some(5.0)));
        let n = read("一到两个", 0).unwrap();
        assert_eq!((n.value, n.max), (1.0, Some(2.0)));
        // A year range is two numbers only when the second is larger.
        assert_eq!(read("5至3", 0).unwrap().max, None);
    }

    #[test]
    fn scan_is_left_to_right_and_spans_are_bytes() {
        let s = "达到850万户，培育１２家、十个，GB-3";
        let got: Vec<(f64, &str)> = scan(s).map(|n| (n.value, &s[n.span.clone()])).collect();
        assert_eq!(
            got,
            vec![(850.0, "850万"), (12.0, "１２"), (10.0, "十"), (3.0, "3")]
        );
    }

    #[test]
    fn not_numerals() {
        assert!(read("万千百", 0).is_none());
        assert!(read("万万万万", 0).is_none());
        assert!(read("个", 0).is_none());
        assert_eq!(parse_number("十二五x"), None);
        assert_eq!(parse_number("一二三"), None);
    }
}
