//! Word-level redlines and the normalised text used for comparison.
//!
//! Text is cut into words with jieba (the shared segmenter with the domain
//! dictionary) after numbers, decimals and percentages have been taken out
//! whole, so a changed target reads `[-850-]{+900+}万户`, never digit by
//! digit. Tokens are compared on their folded form (full-width → half-width,
//! traditional → simplified) with whitespace removed, then diffed with
//! `similar`.

use crate::lexicon::with_segmenter;
use crate::repair::{CharOffsets, fold, fold_char};
use regex::Regex;
use serde::{Deserialize, Serialize};
use similar::{Algorithm, DiffOp, capture_diff_slices};
use std::sync::LazyLock;

static NUMBER: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"[0-9]+(?:[.,][0-9]+)*(?:%|‰)?").unwrap());

/// The comparison form of a text: folded, lower-cased, with whitespace and
/// punctuation removed (a `.` between digits and `%`/`‰` are kept, they
/// change a number's meaning).
pub fn normalize(s: &str) -> String {
    let chars: Vec<char> = s.chars().map(fold_char).collect();
    let mut out = String::with_capacity(s.len());
    for (i, &c) in chars.iter().enumerate() {
        if c.is_alphanumeric() {
            out.extend(c.to_lowercase());
        } else if c == '%' || c == '‰' {
            out.push(c);
        } else if c == '.'
            && i > 0
            && chars[i - 1].is_ascii_digit()
            && chars.get(i + 1).is_some_and(|d| d.is_ascii_digit())
        {
            out.push('.');
        }
    }
    out
}

/// One token of a text: as written, and the key it is compared by.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Token {
    /// The token as written in the source.
    pub text: String,
    /// Folded, whitespace removed.
    pub key: String,
}

/// Cut `s` into words; numbers (with decimals and `%`) stay whole.
/// Whitespace-only tokens are dropped.
pub fn tokenize(s: &str) -> Vec<Token> {
    let folded = fold(s);
    let orig: Vec<char> = s.chars().collect();
    // folded and original have the same number of chars
    let chars = CharOffsets::new(&folded);
    let byte_to_char = |b: usize| chars.of(b);
    let mut out = Vec::new();
    let push = |from: usize, to: usize, out: &mut Vec<Token>| {
        let text: String = orig[from..to].iter().collect();
        let key: String = text
            .chars()
            .map(fold_char)
            .filter(|c| !c.is_whitespace())
            .collect();
        if !key.is_empty() {
            out.push(Token { text, key });
        }
    };
    let words = |from_b: usize, to_b: usize, out: &mut Vec<Token>| {
        if from_b >= to_b {
            return;
        }
        let base = byte_to_char(from_b);
        let part = &folded[from_b..to_b];
        let spans: Vec<(usize, usize)> = with_segmenter(part, |j| {
            j.cut(part, true).iter().map(|t| (t.start, t.end)).collect()
        });
        for (start, end) in spans {
            push(base + start, base + end, out);
        }
    };
    let mut last = 0;
    for m in NUMBER.find_iter(&folded) {
        words(last, m.start(), &mut out);
        let (a, b) = (byte_to_char(m.start()), byte_to_char(m.end()));
        let text: String = orig[a..b].iter().collect();
        out.push(Token {
            key: fold(&text),
            text,
        });
        last = m.end();
    }
    words(last, folded.len(), &mut out);
    out
}

/// What a redline segment is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SegKind {
    /// In both versions.
    Equal,
    /// Only in the old version.
    Delete,
    /// Only in the new version.
    Insert,
}

/// A run of tokens with the same status.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Segment {
    /// Equal, deleted or inserted.
    pub kind: SegKind,
    /// The text (new side's spelling for equal runs).
    pub text: String,
}

/// Word-level diff of two texts.
pub fn redline(old: &str, new: &str) -> Vec<Segment> {
    let a = tokenize(old);
    let b = tokenize(new);
    let ka: Vec<&str> = a.iter().map(|t| t.key.as_str()).collect();
    let kb: Vec<&str> = b.iter().map(|t| t.key.as_str()).collect();
    let mut segs: Vec<Segment> = Vec::new();
    let mut add = |kind: SegKind, toks: &[Token]| {
        if toks.is_empty() {
            return;
        }
        let text: String = toks.iter().map(|t| t.text.as_str()).collect();
        match segs.last_mut() {
            Some(s) if s.kind == kind => s.text.push_str(&text),
            _ => segs.push(Segment { kind, text }),
        }
    };
    for op in capture_diff_slices(Algorithm::Myers, &ka, &kb) {
        match op {
            DiffOp::Equal { new_index, len, .. } => {
                add(SegKind::Equal, &b[new_index..new_index + len])
            }
            DiffOp::Delete {
                old_index, old_len, ..
            } => add(SegKind::Delete, &a[old_index..old_index + old_len]),
            DiffOp::Insert {
                new_index, new_len, ..
            } => add(SegKind::Insert, &b[new_index..new_index + new_len]),
            DiffOp::Replace {
                old_index,
                old_len,
                new_index,
                new_len,
            } => {
                add(SegKind::Delete, &a[old_index..old_index + old_len]);
                add(SegKind::Insert, &b[new_index..new_index + new_len]);
            }
        }
    }
    segs
}

/// Whether a redline has any deleted or inserted run.
pub fn has_changes(segs: &[Segment]) -> bool {
    segs.iter().any(|s| s.kind != SegKind::Equal)
}

/// Render a redline inline: `全省市场主体数量达到[-850-]{+900+}万户`.
pub fn render_inline(segs: &[Segment]) -> String {
    render_with(segs, usize::MAX, |k, t| match k {
        SegKind::Equal => t.to_string(),
        SegKind::Delete => format!("[-{t}-]"),
        SegKind::Insert => format!("{{+{t}+}}"),
    })
}

/// Render a redline, shortening unchanged runs to `ctx` characters of
/// context on each side of a change (`…` marks the cut); `style` renders
/// each (possibly shortened) run.
pub fn render_with(
    segs: &[Segment],
    ctx: usize,
    style: impl Fn(SegKind, &str) -> String,
) -> String {
    let mut out = String::new();
    let last = segs.len().saturating_sub(1);
    for (i, s) in segs.iter().enumerate() {
        if s.kind != SegKind::Equal || ctx == usize::MAX {
            out.push_str(&style(s.kind, &s.text));
            continue;
        }
        let chars: Vec<char> = s.text.chars().collect();
        let n = chars.len();
        let keep_head = i > 0;
        let keep_tail = i < last;
        let text: String = match (keep_head, keep_tail) {
            (true, true) if n > 2 * ctx + 1 => format!(
                "{}…{}",
                chars[..ctx].iter().collect::<String>(),
                chars[n - ctx..].iter().collect::<String>()
            ),
            (false, true) if n > ctx + 1 => {
                format!("…{}", chars[n - ctx..].iter().collect::<String>())
            }
            (true, false) if n > ctx + 1 => {
                format!("{}…", chars[..ctx].iter().collect::<String>())
            }
            _ => s.text.clone(),
        };
        out.push_str(&style(SegKind::Equal, &text));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_cover_the_text_in_order_around_numbers() {
        let no_space = |s: &str| s.chars().filter(|c| !c.is_whitespace()).collect::<String>();
        for s in [
            "到2025年，全省市场主体达到850万户，增长12.5%。",
            "１２３达到９８％以上 和 3.5‰，第2、第3项",
            "1 2 3 4 5 6 7 8 9 10 11 12",
            "推进工作",
            "",
            &"推进第12项工作，覆盖35个县区，".repeat(40),
        ] {
            let joined: String = tokenize(s).iter().map(|t| t.text.as_str()).collect();
            assert_eq!(no_space(&joined), no_space(s), "{s:?}");
        }
    }

    #[test]
    fn numbers_stay_whole() {
        let segs = redline(
            "全省市场主体数量达到850万户。",
            "全省市场主体数量达到900万户。",
        );
        assert_eq!(
            render_inline(&segs),
            "全省市场主体数量达到[-850-]{+900+}万户。"
        );
        let segs = redline("合格率达到98.5%以上", "合格率达到99.5%以上");
        assert_eq!(render_inline(&segs), "合格率达到[-98.5%-]{+99.5%+}以上");
    }

    #[test]
    fn width_and_script_do_not_count() {
        let segs = redline(
            "牽頭單位：省局注冊處（１２家）",
            "牵头单位:省局注册处(12家)",
        );
        assert!(!has_changes(&segs), "{segs:?}");
        assert_eq!(normalize("达到 ８５０ 万户，"), "达到850万户");
        assert_eq!(normalize("5．5%"), "5.5%");
    }

    #[test]
    fn words_not_characters() {
        let segs = redline("加强执法监督，推进依法监管", "加强行政监督，推进依法监管");
        assert_eq!(segs[0].text, "加强");
        for s in segs.iter().filter(|s| s.kind != SegKind::Equal) {
            assert!(s.text.chars().count() >= 2, "{segs:?}");
        }
    }

    #[test]
    fn compact_rendering_trims_context() {
        let segs = redline(
            "一二三四五六七八九十甲乙丙丁戊己庚辛壬癸达到850万户",
            "一二三四五六七八九十甲乙丙丁戊己庚辛壬癸达到900万户",
        );
        let r = render_with(&segs, 4, |k, t| match k {
            SegKind::Equal => t.to_string(),
            SegKind::Delete => format!("[-{t}-]"),
            SegKind::Insert => format!("{{+{t}+}}"),
        });
        assert!(r.starts_with('…'), "{r}");
        assert!(r.contains("[-850-]{+900+}万户"), "{r}");
    }
}
