//! Numbering labels of the four GB/T 9704 levels and their variants:
//! `一、` (1), `（一）` (2), `1.` (3), `（1）` (4); variants `(一)`, `㈠`,
//! `1．`, `1、`, `1. `, `(1)`, `⑴`, `①`. Works on the folded view.

/// A numbering label found at the start of a string.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Label {
    /// 1 `一、`, 2 `（一）`, 3 `1.`, 4 `（1）`.
    pub level: u8,
    /// The ordinal (一 = 1).
    pub number: u32,
    /// Length of the label in the folded string, in bytes (spaces after it included).
    pub len: usize,
    /// Why the text might not be a label at all; such a label is read as
    /// one only where the numbering in force expects it (see [`Numbering`]).
    pub doubt: Doubt,
}

/// What else a label-shaped string could be.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Doubt {
    /// Nothing else: `3.`, `（二）`, `①`.
    None,
    /// A decimal number: `7.365工程…` is item 7 (`365工程…` starts its
    /// heading) where 7 is the next number, and the quantity 7.365 anywhere else.
    Decimal,
    /// A number of four or more digits (`1000.`), or a bracketed number of
    /// 200 and up (`(2020)`): it could be a year.
    Large,
}

impl Label {
    /// Canonical form used in item paths: `一`, `（一）`, `1`, `（1）`.
    pub fn canonical(&self) -> String {
        canonical_label(self.level, self.number)
    }
}

/// Canonical label text of `number` at `level`.
pub fn canonical_label(level: u8, number: u32) -> String {
    match level {
        1 => chinese_number(number),
        2 => format!("（{}）", chinese_number(number)),
        3 => number.to_string(),
        _ => format!("（{number}）"),
    }
}

/// Write `n` (1..=99) in Chinese numerals.
pub fn chinese_number(n: u32) -> String {
    const D: [&str; 10] = ["零", "一", "二", "三", "四", "五", "六", "七", "八", "九"];
    match n {
        0..=9 => D[n as usize].to_string(),
        10 => "十".into(),
        11..=19 => format!("十{}", D[(n % 10) as usize]),
        _ if n.is_multiple_of(10) && n < 100 => format!("{}十", D[(n / 10) as usize]),
        _ if n < 100 => format!("{}十{}", D[(n / 10) as usize], D[(n % 10) as usize]),
        _ => n.to_string(),
    }
}

/// Value of a Chinese numeral 一..九十九 (also 〇/零, 两).
pub fn parse_chinese_small(s: &str) -> Option<u32> {
    let digit = |c: char| -> Option<u32> {
        Some(match c {
            '〇' | '零' | '○' => 0,
            '一' => 1,
            '二' | '两' => 2,
            '三' => 3,
            '四' => 4,
            '五' => 5,
            '六' => 6,
            '七' => 7,
            '八' => 8,
            '九' => 9,
            _ => return None,
        })
    };
    let cs: Vec<char> = s.chars().collect();
    match cs.as_slice() {
        [a] if *a == '十' => Some(10),
        [a] => digit(*a),
        ['十', b] => Some(10 + digit(*b)?),
        [a, '十'] => Some(digit(*a)? * 10),
        [a, '十', b] => Some(digit(*a)? * 10 + digit(*b)?),
        _ => None,
    }
}

fn is_cn_digit(c: char) -> bool {
    matches!(
        c,
        '一' | '二' | '三' | '四' | '五' | '六' | '七' | '八' | '九' | '十'
    )
}

/// Parse a label at the start of the folded string `s`.
pub fn parse_label(s: &str) -> Option<Label> {
    let mut chars = s.char_indices().peekable();
    let (_, first) = *chars.peek()?;
    let skip_spaces = |s: &str, at: usize| -> usize {
        at + s[at..].len() - s[at..].trim_start_matches([' ', '\t']).len()
    };
    // Circled and parenthesised digits: ①..⑳, ⑴..⒇, ⒈..⒛, ㈠..㈩.
    let c = first as u32;
    let single = |level: u8, number: u32| {
        let len = skip_spaces(s, first.len_utf8());
        Some(Label {
            level,
            number,
            len,
            doubt: Doubt::None,
        })
    };
    match c {
        0x2460..=0x2473 => return single(4, c - 0x2460 + 1),
        0x3251..=0x325F => return single(4, c - 0x3251 + 21),
        0x32B1..=0x32BF => return single(4, c - 0x32B1 + 36),
        0x2474..=0x2487 => return single(4, c - 0x2474 + 1),
        0x2488..=0x249B => return single(3, c - 0x2488 + 1),
        0x3220..=0x3229 => return single(2, c - 0x3220 + 1),
        _ => {}
    }
    if first == '(' {
        let inner_start = skip_spaces(s, 1);
        let rest = &s[inner_start..];
        // A label's closing bracket comes within a few characters: look no
        // further (a scan to the end of the line, at every `(` of a line, is
        // quadratic on runs of brackets).
        let close = rest.bytes().take(13).position(|b| b == b')')?;
        let inner = rest[..close].trim();
        if inner.is_empty() || close > 12 {
            return None;
        }
        let end = skip_spaces(s, inner_start + close + 1);
        if inner.chars().all(is_cn_digit) {
            let n = parse_chinese_small(inner)?;
            return Some(Label {
                level: 2,
                number: n,
                len: end,
                doubt: Doubt::None,
            });
        }
        if inner.chars().all(|c| c.is_ascii_digit()) {
            let n: u32 = inner.parse().ok()?;
            // `(2020)` is a year, unless the numbering has reached 2019.
            let doubt = if n >= 200 { Doubt::Large } else { Doubt::None };
            return (n > 0).then_some(Label {
                level: 4,
                number: n,
                len: end,
                doubt,
            });
        }
        return None;
    }
    if is_cn_digit(first) {
        let numeral_end = s.find(|c: char| !is_cn_digit(c)).unwrap_or(s.len());
        let numeral = &s[..numeral_end];
        let rest = &s[numeral_end..];
        let sep = rest.chars().next()?;
        if matches!(sep, '、' | '.' | ',' | '，') && numeral.chars().count() <= 3 {
            let n = parse_chinese_small(numeral)?;
            let len = skip_spaces(s, numeral_end + sep.len_utf8());
            // `一.5` is not a label.
            if sep == '.' && s[len..].starts_with(|c: char| c.is_ascii_digit()) {
                return None;
            }
            return Some(Label {
                level: 1,
                number: n,
                len,
                doubt: Doubt::None,
            });
        }
        return None;
    }
    if first.is_ascii_digit() {
        let digits_end = s.find(|c: char| !c.is_ascii_digit()).unwrap_or(s.len());
        let rest = &s[digits_end..];
        let sep = rest.chars().next()?;
        if matches!(sep, '.' | '、') {
            let after = skip_spaces(s, digits_end + sep.len_utf8());
            if after == s.len() {
                return None;
            }
            let n: u32 = s[..digits_end].parse().ok()?;
            if n == 0 {
                return None;
            }
            let rest = &s[after..];
            // `3．2020年底前…`: a year after the label.
            let year_follows = rest
                .as_bytes()
                .get(..4)
                .is_some_and(|b| b.iter().all(u8::is_ascii_digit))
                && rest[4..].starts_with('年');
            let doubt = if rest.starts_with(|c: char| c.is_ascii_digit()) && !year_follows {
                // `1.5倍`, `3.5%`, `2.5.` and a number at the end are
                // quantities whatever the numbering says.
                let frac_end = rest
                    .find(|c: char| !c.is_ascii_digit())
                    .unwrap_or(rest.len());
                if frac_end == rest.len()
                    || rest[frac_end..].starts_with(['%', '‰', '倍', '.', ',', '、', '-', '~'])
                {
                    return None;
                }
                Doubt::Decimal
            } else if digits_end > 3 {
                Doubt::Large
            } else {
                Doubt::None
            };
            return Some(Label {
                level: 3,
                number: n,
                len: after,
                doubt,
            });
        }
    }
    None
}

/// The numbering in force while a notice is read: the open label at each
/// level, and the last number seen at each level (numbering may run on
/// across sections).
#[derive(Debug, Default, Clone)]
pub struct Numbering {
    open: Vec<(u8, u32)>,
    last: [u32; 5],
}

/// How a label at the start of a line is read (see [`Numbering::read_line_start`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LineStart {
    /// A label the numbering expects (or the first label of the notice).
    Label(Label),
    /// A label, but not the one the numbering expects (a skipped or repeated
    /// number): kept as a label, and the item gets a warning.
    Unexpected(Label),
    /// Not a label: a number that starts a line of running text.
    Text(Label),
}

impl Numbering {
    /// Whether `l` is the next label at its level: one more than the open
    /// label there, or the first (or a run-on) label one level deeper.
    pub fn expects(&self, l: &Label) -> bool {
        if let Some(&(_, n)) = self.open.iter().find(|e| e.0 == l.level) {
            return l.number == n + 1;
        }
        let deeper_than_top = self.open.last().is_none_or(|t| l.level > t.0);
        let runs_on = l.number > 1 && l.number == self.last[usize::from(l.level)] + 1;
        (l.number == 1 || runs_on) && deeper_than_top
    }

    /// Open `l`, closing every label at its level or deeper.
    pub fn push(&mut self, l: &Label) {
        self.last[usize::from(l.level)] = l.number;
        while self.open.last().is_some_and(|t| t.0 >= l.level) {
            self.open.pop();
        }
        self.open.push((l.level, l.number));
    }

    /// The open label deepest down, as (level, number).
    pub fn top(&self) -> Option<(u8, u32)> {
        self.open.last().copied()
    }

    /// Canonical labels of the open levels, from the top down.
    pub fn path(&self) -> Vec<String> {
        self.open
            .iter()
            .map(|&(level, number)| canonical_label(level, number))
            .collect()
    }

    /// Read a label found at the start of a line. `in_body`: items have
    /// started (before the first item, any sure label starts them). A sure
    /// label is always a label; one the numbering does not expect is
    /// [`LineStart::Unexpected`]. A label that could be a decimal number
    /// (`7.365工程`) is one only where expected. A large number (`1000.`) is
    /// one where expected, or inside the items when it is written like a
    /// task label (digits, `.`/`、`, then text).
    pub fn read_line_start(&self, l: Label, in_body: bool) -> LineStart {
        if self.expects(&l) {
            return LineStart::Label(l);
        }
        match l.doubt {
            Doubt::None if in_body => LineStart::Unexpected(l),
            Doubt::None => LineStart::Label(l),
            Doubt::Large if in_body && l.level == 3 => LineStart::Unexpected(l),
            Doubt::Large | Doubt::Decimal => LineStart::Text(l),
        }
    }
}

/// Whether a folded line is a level-1/2 section heading without sentences.
pub fn is_section_heading(folded: &str) -> bool {
    match parse_label(folded) {
        Some(l) if l.level <= 2 => !folded[l.len..].contains(['。', ';']),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::repair::fold;

    fn lab(s: &str) -> Option<(u8, u32, String)> {
        parse_label(&fold(s)).map(|l| (l.level, l.number, l.canonical()))
    }

    #[test]
    fn the_four_levels_and_their_variants() {
        assert_eq!(lab("一、主要指标分工"), Some((1, 1, "一".into())));
        assert_eq!(lab("十二、其他"), Some((1, 12, "十二".into())));
        assert_eq!(lab("（一）营造"), Some((2, 1, "（一）".into())));
        assert_eq!(lab("(二) 维护"), Some((2, 2, "（二）".into())));
        assert_eq!(lab("㈢推动"), Some((2, 3, "（三）".into())));
        assert_eq!(lab("1.完善"), Some((3, 1, "1".into())));
        assert_eq!(lab("2. 优化"), Some((3, 2, "2".into())));
        assert_eq!(lab("3．建设"), Some((3, 3, "3".into())));
        assert_eq!(lab("4、强化"), Some((3, 4, "4".into())));
        assert_eq!(lab("（1）细化"), Some((4, 1, "（1）".into())));
        assert_eq!(lab("(2)细化"), Some((4, 2, "（2）".into())));
        assert_eq!(lab("③细化"), Some((4, 3, "（3）".into())));
    }

    #[test]
    fn numbers_and_years_are_not_labels() {
        assert_eq!(lab("1.5倍"), None);
        assert_eq!(lab("3．2020年底前开展"), Some((3, 3, "3".into())));
        assert_eq!(lab("2.及时总结"), Some((3, 2, "2".into())));
        assert_eq!(lab("2022年8月1日"), None);
        assert_eq!(lab("一是加强"), None);
        assert_eq!(lab("十四五"), None);
        assert_eq!(lab("(国家级、省级)"), None);
        assert_eq!(lab("3.5%"), None);
        assert_eq!(lab("2.5"), None);
    }

    fn doubt(s: &str) -> Option<Doubt> {
        parse_label(&fold(s)).map(|l| l.doubt)
    }

    #[test]
    fn label_shapes_that_could_be_numbers_are_doubtful() {
        assert_eq!(doubt("7.365工程推进"), Some(Doubt::Decimal));
        assert_eq!(doubt("4、5月份完成"), Some(Doubt::Decimal));
        assert_eq!(doubt("1000.丙"), Some(Doubt::Large));
        assert_eq!(doubt("(2020)年"), Some(Doubt::Large));
        assert_eq!(doubt("(199)细化"), Some(Doubt::None));
        assert_eq!(doubt("999.乙"), Some(Doubt::None));
        assert_eq!(lab("㉑细化"), Some((4, 21, "（21）".into())));
        assert_eq!(lab("㊿细化"), Some((4, 50, "（50）".into())));
    }

    fn read(n: &Numbering, s: &str, in_body: bool) -> LineStart {
        n.read_line_start(parse_label(&fold(s)).unwrap(), in_body)
    }

    #[test]
    fn doubtful_labels_are_labels_only_where_the_numbering_expects_them() {
        let mut n = Numbering::default();
        for s in ["一、任务", "1.甲", "2.乙", "3.丙", "4.丁", "5.戊", "6.己"] {
            let l = parse_label(&fold(s)).unwrap();
            assert!(n.expects(&l), "{s}");
            n.push(&l);
        }
        assert!(matches!(read(&n, "7.365工程", true), LineStart::Label(_)));
        assert!(matches!(read(&n, "8.365工程", true), LineStart::Text(_)));
        assert!(matches!(read(&n, "9.推进", true), LineStart::Unexpected(_)));
        assert!(matches!(
            read(&n, "1000.推进", true),
            LineStart::Unexpected(_)
        ));
        assert!(matches!(read(&n, "1000.推进", false), LineStart::Text(_)));
        assert!(matches!(read(&n, "(2020)年", true), LineStart::Text(_)));
        assert_eq!(n.path(), vec!["一", "6"]);
        n.push(&parse_label(&fold("（1）子")).unwrap());
        assert_eq!(n.path(), vec!["一", "6", "（1）"]);
        assert!(n.expects(&parse_label(&fold("7.庚")).unwrap()));
    }

    #[test]
    fn label_length_covers_following_spaces() {
        let s = fold("1. 大力实施");
        let l = parse_label(&s).unwrap();
        assert_eq!(&s[l.len..], "大力实施");
    }
}
