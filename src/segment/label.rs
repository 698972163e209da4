//! Numbering labels of the four GB/T 9704 levels and their variants:
//! `一、` (1), `（一）` (2), `1.` (3), `（1）` (4); variants `(一)`, `㈠`,
//! `1．`, `1、`, `1. `, `(1)`, `⑴`, `①`. Works on the folded view.

use crate::repair::fold;

/// A numbering label found at the start of a string.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Label {
    /// 1 `一、`, 2 `（一）`, 3 `1.`, 4 `（1）`.
    pub level: u8,
    /// The ordinal (一 = 1).
    pub number: u32,
    /// Length of the label in the folded string, in bytes (spaces after it included).
    pub len: usize,
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
    "一二三四五六七八九十".contains(c)
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
        Some(Label { level, number, len })
    };
    match c {
        0x2460..=0x2473 => return single(4, c - 0x2460 + 1),
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
            });
        }
        if inner.chars().all(|c| c.is_ascii_digit()) && inner.len() <= 3 {
            let n: u32 = inner.parse().ok()?;
            // `(2020)` is a year, not a label.
            return (n > 0 && n < 200).then_some(Label {
                level: 4,
                number: n,
                len: end,
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
            });
        }
        return None;
    }
    if first.is_ascii_digit() {
        let digits_end = s.find(|c: char| !c.is_ascii_digit()).unwrap_or(s.len());
        if digits_end > 3 {
            return None;
        }
        let rest = &s[digits_end..];
        let sep = rest.chars().next()?;
        if matches!(sep, '.' | '、') {
            let after = skip_spaces(s, digits_end + sep.len_utf8());
            // `1.5倍` / `2.` followed by a digit is a number, not a label —
            // unless a year follows (`3．2020年底前…`).
            let rest = &s[after..];
            let year_follows = rest
                .as_bytes()
                .get(..4)
                .is_some_and(|b| b.iter().all(u8::is_ascii_digit))
                && rest[4..].starts_with('年');
            if (rest.starts_with(|c: char| c.is_ascii_digit()) && !year_follows) || after == s.len()
            {
                return None;
            }
            let n: u32 = s[..digits_end].parse().ok()?;
            if n == 0 {
                return None;
            }
            return Some(Label {
                level: 3,
                number: n,
                len: after,
            });
        }
    }
    None
}

/// Whether a line (original text) starts with a numbering label.
pub fn line_starts_with_label(line: &str) -> bool {
    let head: String = line.chars().take(16).collect();
    parse_label(&fold(&head)).is_some()
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
        assert_eq!(lab("(2020)年"), None);
        assert_eq!(lab("一是加强"), None);
        assert_eq!(lab("十四五"), None);
        assert_eq!(lab("(国家级、省级)"), None);
    }

    #[test]
    fn label_length_covers_following_spaces() {
        let s = fold("1. 大力实施");
        let l = parse_label(&s).unwrap();
        assert_eq!(&s[l.len..], "大力实施");
    }
}
