//! Site chrome of web copies: the info bar (`发布时间：… 来源：… 字体：大 中
//! 小 打印`), share and print buttons and breadcrumbs that a crawler keeps
//! around a notice. Whole chrome lines are dropped, and an info bar glued
//! after a title (`关于…的通知 发布时间：2023-01-05`) is cut off. The words
//! are data (`src/data/site_chrome.txt`).

use super::fold;
use std::sync::LazyLock;

/// The chrome vocabulary, longest words first.
struct Chrome {
    fields: Vec<String>,
    controls: Vec<String>,
    breadcrumbs: Vec<String>,
    /// The first characters of all words, and `首` (sorted): a line whose
    /// first word starts otherwise is not chrome.
    first_chars: Vec<char>,
    /// The field labels by their last character (sorted by it).
    fields_by_last: Vec<(char, Vec<String>)>,
}

static CHROME: LazyLock<Chrome> = LazyLock::new(|| {
    let mut c = Chrome {
        fields: Vec::new(),
        controls: Vec::new(),
        breadcrumbs: Vec::new(),
        first_chars: vec!['首'],
        fields_by_last: Vec::new(),
    };
    let mut section = "";
    for line in include_str!("../data/site_chrome.txt").lines() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        if line.starts_with('[') && line.ends_with(']') && line.is_ascii() {
            section = line;
            continue;
        }
        let list = match section {
            "[fields]" => &mut c.fields,
            "[controls]" => &mut c.controls,
            "[breadcrumbs]" => &mut c.breadcrumbs,
            _ => continue,
        };
        list.push(fold(line));
    }
    for list in [&mut c.fields, &mut c.controls, &mut c.breadcrumbs] {
        list.sort_by_key(|w| std::cmp::Reverse(w.chars().count()));
    }
    for w in c.fields.iter().chain(&c.controls).chain(&c.breadcrumbs) {
        c.first_chars.extend(w.chars().next());
    }
    for f in &c.fields {
        let Some(last) = f.chars().next_back() else {
            continue;
        };
        match c.fields_by_last.iter_mut().find(|(l, _)| *l == last) {
            Some((_, list)) => list.push(f.clone()),
            None => c.fields_by_last.push((last, vec![f.clone()])),
        }
    }
    c.fields_by_last.sort_by_key(|(l, _)| *l);
    c.first_chars.sort_unstable();
    c.first_chars.dedup();
    c
});

/// Characters that separate the parts of a chrome line.
fn is_separator(c: char) -> bool {
    c.is_whitespace()
        || matches!(
            c,
            '|' | '/'
                | '·'
                | '丨'
                | '【'
                | '】'
                | '['
                | ']'
                | '('
                | ')'
                | '<'
                | '>'
                | '»'
                | '-'
                | '—'
                | '_'
                | '*'
        )
}

/// Longest value a chrome field can have (`来源：国家发展改革委办公厅`).
const MAX_FIELD_VALUE: usize = 40;

/// The field label starting `s`, with its colon: (label length, colon length).
fn field_at(s: &str) -> Option<usize> {
    let label = CHROME.fields.iter().find(|f| s.starts_with(f.as_str()))?;
    let rest = s[label.len()..].trim_start_matches([' ', '\t']);
    rest.starts_with(':')
        .then(|| s.len() - rest.len() + ':'.len_utf8())
}

/// Whether the folded line `f` is a navigation line (`当前位置：首页 > …`,
/// `首页 > 政务公开 > 通知公告`).
fn is_breadcrumb(f: &str) -> bool {
    let starts = CHROME.breadcrumbs.iter().any(|b| {
        f.strip_prefix(b.as_str())
            .is_some_and(|r| r.trim_start().starts_with(':'))
    });
    let arrows = f.matches(['>', '»', '→', '›']).count();
    starts || (f.starts_with("首页") && arrows >= 1)
}

/// Whether the folded string `f` is made only of chrome: fields with short
/// values, and controls.
fn is_chrome(f: &str) -> bool {
    let f = f.trim();
    if f.is_empty() {
        return false;
    }
    if is_breadcrumb(f) {
        return true;
    }
    let mut rest = f;
    loop {
        rest = rest.trim_start_matches(is_separator);
        if rest.is_empty() {
            return true;
        }
        if let Some(label_len) = field_at(rest) {
            rest = &rest[label_len..];
            // The value runs to the next field label (or the end).
            let mut end = rest.len();
            for (count, (i, c)) in rest.char_indices().enumerate() {
                if i > 0 && is_separator_before_field(rest, i) {
                    end = i;
                    break;
                }
                if c == '。' || count > MAX_FIELD_VALUE {
                    return false;
                }
            }
            rest = &rest[end..];
            continue;
        }
        match CHROME
            .controls
            .iter()
            .find(|w| rest.starts_with(w.as_str()))
        {
            Some(w) => rest = &rest[w.len()..],
            None => return false,
        }
    }
}

/// Whether a field label starts at `i` of `s` after a separator.
fn is_separator_before_field(s: &str, i: usize) -> bool {
    s[..i].ends_with(is_separator) && field_at(&s[i..]).is_some()
}

/// Whether a colon of `line` follows a field label (spaces between
/// allowed): the cheap test, on a few characters before each colon, that
/// decides whether the whole line needs folding and scanning.
fn has_field_before_colon(line: &str) -> bool {
    // Vectorised searches for each width (`：` whole: its lead byte EF also
    // leads `，`, `（` and `）`).
    static WIDE_COLON: LazyLock<memchr::memmem::Finder<'static>> =
        LazyLock::new(|| memchr::memmem::Finder::new("：".as_bytes()));
    let b = line.as_bytes();
    let mut colons = memchr::memchr_iter(b':', b).chain(WIDE_COLON.find_iter(b));
    colons.any(|colon| {
        // A label ends right before the colon: test that character first.
        let last = line[..colon]
            .chars()
            .rev()
            .map(super::fold_char)
            .find(|&c| c != ' ' && c != '\t');
        let Some(last) = last else {
            return false;
        };
        let Ok(k) = CHROME
            .fields_by_last
            .binary_search_by_key(&last, |(l, _)| *l)
        else {
            return false;
        };
        // Then each label, from its end, against the folded text before the colon.
        let before = || {
            line[..colon]
                .chars()
                .rev()
                .map(super::fold_char)
                .skip_while(|&c| c == ' ' || c == '\t')
        };
        CHROME.fields_by_last[k].1.iter().any(|f| {
            let mut b = before();
            f.chars().rev().all(|fc| b.next() == Some(fc))
        })
    })
}

/// Whether a whole line is site chrome.
pub fn is_chrome_line(line: &str) -> bool {
    let rest = line.trim_start_matches(|c: char| is_separator(super::fold_char(c)));
    // Most lines fail on their first character: no chrome word starts with it.
    let first = rest.chars().next().map(super::fold_char);
    if first.is_some_and(|c| CHROME.first_chars.binary_search(&c).is_err()) {
        return false;
    }
    // Then on their first word: look at it before folding the line.
    let head = super::fold::fold_prefix(rest, 8);
    let starts = |w: &String| head.starts_with(w.as_str()) || w.starts_with(head.as_str());
    let plausible = head.is_empty()
        || head.starts_with("首页")
        || CHROME.fields.iter().any(starts)
        || CHROME.controls.iter().any(starts)
        || CHROME.breadcrumbs.iter().any(starts);
    plausible && is_chrome(&fold(line))
}

/// `line` without an info bar glued after its text (`关于…的通知
/// 发布时间：2023-01-05 来源：市政府办公室`): the text up to the first field label
/// that starts the chrome, or `line` itself.
pub fn strip_trailing_chrome(line: &str) -> &str {
    if !has_field_before_colon(line) {
        return line;
    }
    let f = super::Folded::new(line);
    let folded = &f.folded;
    // Only the first field label after a separator is tried: the chrome,
    // when there is any, starts there (and the line is scanned once).
    let start = folded
        .char_indices()
        .find(|&(i, _)| i > 0 && is_separator_before_field(folded, i));
    match start {
        Some((i, _)) if is_chrome(&folded[i..]) => f.orig_slice(0..i).trim_end(),
        _ => line,
    }
}

#[cfg(test)]
mod tests {

    #[test]
    fn only_a_field_label_before_a_colon_needs_the_full_scan() {
        assert!(has_field_before_colon("通知 来源　：市政府办公室"));
        assert!(has_field_before_colon("通知 發佈時間：2023-01-05"));
        assert!(!has_field_before_colon("牵头单位：省局注册处"));
        assert!(!has_field_before_colon("来源不明"));
        assert_eq!(
            strip_trailing_chrome("关于印发方案的通知 来源　：市政府办公室"),
            "关于印发方案的通知"
        );
    }
    use super::*;

    #[test]
    fn chrome_lines() {
        for line in [
            "发布时间：2023-01-05 10:12:15  来源：市政府办公室",
            "发布人:春秋智谷  /  发布时间:2017-11-24 10:12:15",
            "【字体：大 中 小】 打印",
            "字体：大 中 小 打印 分享到：",
            "【打印本页】【关闭窗口】",
            "当前位置：首页 > 政务公开 > 通知公告",
            "您现在的位置: 首页 > 政策前沿",
            "首页 > 政府信息公开",
            "扫一扫在手机打开当前页",
            "浏览次数：1234",
        ] {
            assert!(is_chrome_line(line), "{line}");
        }
        for line in [
            "关于印发分工方案的通知",
            "来源：各地报送的材料汇总后，由市发展改革委统一审核并报市政府常务会议审议通过后实施。",
            "1.打印材料",
            "大力推进改革",
            "时间节点：2023年底前完成",
        ] {
            assert!(!is_chrome_line(line), "{line}");
        }
    }

    #[test]
    fn an_info_bar_after_a_title_is_cut() {
        assert_eq!(
            strip_trailing_chrome("关于印发分工方案的通知 发布时间：2023-01-05 来源：市政府办公室"),
            "关于印发分工方案的通知"
        );
        assert_eq!(
            strip_trailing_chrome("推进改革 时间：全年"),
            "推进改革 时间：全年"
        );
        assert_eq!(strip_trailing_chrome("推进改革"), "推进改革");
    }
}
