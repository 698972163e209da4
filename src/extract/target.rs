//! Numeric targets: a committed quantity with `value`, `unit` (as written),
//! `comparator`, and where present `metric`, `period`, `deadline`,
//! `cumulative`, `change` and a range's `max`.
//!
//! A number counts as a target when a measure word follows it, or when a
//! comparator frames it (`控制在0.1以下`). Chinese numerals are accepted only
//! with an explicit comparator (so slogans like `一网通办`, `三个自贸片区`,
//! `一张网` stay out). Years, dates, document numbers, phone-like numbers
//! (`12315`), codes (`3C`), numbers in titles `《…》` and quotes are skipped.

use crate::model::Target;
use crate::repair::Folded;
use regex::Regex;
use std::sync::LazyLock;

static UNITS: LazyLock<Vec<String>> = LazyLock::new(|| {
    let mut v: Vec<String> = include_str!("../data/measure_units.txt")
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .map(String::from)
        .collect();
    v.sort_by_key(|u| std::cmp::Reverse(u.chars().count()));
    v.dedup();
    v
});

static NUMBER: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?:[0-9]+(?:,[0-9]{3})*(?:\.[0-9]+)?|[零〇一二两三四五六七八九十百千万亿]+(?:点[零〇一二三四五六七八九]+)?|半)(?:\s*(?:-|~|到|至|—)\s*(?:[0-9]+(?:\.[0-9]+)?|[一二两三四五六七八九十百千]+))?")
        .unwrap()
});

static DEADLINE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?:到|至|在|于)?(20[0-9]{2})年(?:底|末)?(?:前|以前)?|“?(十[一二三四五六七八九]?五)”?(?:期末|末|期间|时期)").unwrap()
});

/// Comparator verbs before a number, longest first.
const BEFORE: &[(&str, &str)] = &[
    ("不少于", ">="),
    ("不低于", ">="),
    ("不小于", ">="),
    ("至少", ">="),
    ("提高到", ">="),
    ("提升到", ">="),
    ("提高至", ">="),
    ("提升至", ">="),
    ("增加到", ">="),
    ("增加至", ">="),
    ("增长到", ">="),
    ("达到", ">="),
    ("突破", ">="),
    ("力争", ">="),
    ("不超过", "<="),
    ("不高于", "<="),
    ("不多于", "<="),
    ("不大于", "<="),
    ("控制在", "<="),
    ("降至", "<="),
    ("降到", "<="),
    ("下降到", "<="),
    ("下降至", "<="),
    ("压缩至", "<="),
    ("压缩到", "<="),
    ("缩短至", "<="),
    ("缩短到", "<="),
    ("减至", "<="),
    ("压减至", "<="),
    ("压减到", "<="),
    ("减少到", "<="),
    ("减少至", "<="),
    ("超过", ">"),
    ("高于", ">"),
    ("大于", ">"),
    ("多于", ">"),
    ("低于", "<"),
    ("少于", "<"),
    ("小于", "<"),
    ("大约", "≈"),
    ("约", "≈"),
    ("稳定在", "="),
    ("保持在", "="),
    ("达", ">="),
];

/// Change verbs directly before a number: (verb, direction).
const CHANGE: &[(&str, &str)] = &[
    ("增长", "increase"),
    ("提高", "increase"),
    ("提升", "increase"),
    ("增加", "increase"),
    ("上升", "increase"),
    ("扩大", "increase"),
    ("下降", "decrease"),
    ("降低", "decrease"),
    ("减少", "decrease"),
    ("压减", "decrease"),
    ("压缩", "decrease"),
    ("缩短", "decrease"),
    ("减少了", "decrease"),
];

/// Modifiers after the unit, longest first.
const AFTER: &[(&str, &str)] = &[
    ("及以上", ">="),
    ("以上", ">="),
    ("以下", "<="),
    ("以内", "<="),
    ("之内", "<="),
    ("左右", "≈"),
    ("内", "<="),
];

const PERIODS: &[&str] = &[
    "每年度",
    "每年",
    "年均",
    "每季度",
    "每月",
    "每周",
    "每天",
    "每日",
    "年度",
];

/// Parse a numeral (Arabic with optional thousands separators, or Chinese).
pub fn parse_number(s: &str) -> Option<f64> {
    let s = s.trim();
    if s.starts_with(|c: char| c.is_ascii_digit()) {
        return s.replace(',', "").parse().ok();
    }
    chinese_value(s)
}

/// Value of a Chinese numeral such as `一千二百`, `三点五`, `两万`.
pub fn chinese_value(s: &str) -> Option<f64> {
    if s == "半" {
        return Some(0.5);
    }
    let (int_part, frac) = match s.split_once('点') {
        Some((a, b)) => (a, Some(b)),
        None => (s, None),
    };
    let digit = |c: char| {
        "零〇一二三四五六七八九"
            .find(c)
            .map(|_| match c {
                '零' | '〇' => 0,
                '一' => 1,
                '二' => 2,
                '三' => 3,
                '四' => 4,
                '五' => 5,
                '六' => 6,
                '七' => 7,
                '八' => 8,
                _ => 9,
            })
            .or(if c == '两' { Some(2) } else { None })
    };
    let mut total = 0f64;
    let mut section = 0f64;
    let mut current = 0f64;
    let mut seen = false;
    for c in int_part.chars() {
        if let Some(d) = digit(c) {
            current = d as f64;
            seen = true;
            continue;
        }
        let mult = match c {
            '十' => 10.0,
            '百' => 100.0,
            '千' => 1000.0,
            '万' => 10_000.0,
            '亿' => 100_000_000.0,
            _ => return None,
        };
        if mult >= 10_000.0 {
            section = (section + current) * mult;
            total += section;
            section = 0.0;
        } else {
            section += if current == 0.0 && !seen {
                1.0
            } else {
                current
            } * mult;
        }
        current = 0.0;
        seen = true;
    }
    if !seen {
        return None;
    }
    let mut v = total + section + current;
    if let Some(f) = frac {
        let mut scale = 0.1;
        for c in f.chars() {
            v += digit(c)? as f64 * scale;
            scale /= 10.0;
        }
    }
    Some(v)
}

/// Extract the targets of one item. `f` is the item text (original + folded);
/// `skip` lists folded byte ranges (unit clauses) to ignore.
pub fn extract_targets(f: &Folded, skip: &[std::ops::Range<usize>]) -> Vec<Target> {
    let text = f.folded.as_str();
    let mut out: Vec<Target> = Vec::new();
    let mut prev_end_cmp: Option<(usize, String)> = None;
    let mut open = Openers::default();
    for m in NUMBER.find_iter(text) {
        let (start, end) = (m.start(), m.end());
        open.advance(text, start);
        if skip.iter().any(|r| r.contains(&start)) || open.in_quote_or_title() || open.in_parens() {
            continue;
        }
        let num_text = m.as_str();
        let arabic = num_text.starts_with(|c: char| c.is_ascii_digit());
        let before = &text[..start];
        let after = &text[end..];
        // Part of a code, a longer number or a word in Latin letters.
        if before.ends_with(|c: char| {
            c.is_ascii_alphanumeric() || c == '.' || c == '-' || c == '〔' || c == '['
        }) || after.starts_with(|c: char| c.is_ascii_alphabetic())
        {
            continue;
        }
        let (lo_text, hi_text) = split_range(num_text);
        let Some(value) = parse_number(lo_text) else {
            continue;
        };
        let max = hi_text.and_then(parse_number);
        // Unit.
        let after_trim = after.trim_start();
        let unit = match_unit(after_trim);
        let unit_end = end + (after.len() - after_trim.len()) + unit.len();
        let rest = &text[unit_end..];
        // Durations in years or days: `30日内`, `1年以上` (not dates like 2025年).
        let (unit, unit_end, rest) = if unit.is_empty()
            && rest.starts_with(['年', '日'])
            && value < 100.0
            && AFTER.iter().any(|(w, _)| rest[3..].starts_with(w))
        {
            (
                &text[unit_end..unit_end + 3],
                unit_end + 3,
                &text[unit_end + 3..],
            )
        } else {
            (unit, unit_end, rest)
        };
        // Dates and years: 2025年, 8月, 1日, 151号.
        if unit.is_empty()
            && rest.starts_with(['年', '月', '日', '号', '时', '期', '级', '类', '岁'])
        {
            continue;
        }
        if !arabic
            && (num_text.chars().all(|c| "百千万亿十".contains(c)) || value == 1.0 && max.is_none())
        {
            // `万台`, `一批`, `一张网`: not quantities.
            continue;
        }
        if unit == "位" && !arabic {
            continue;
        }
        // Comparators.
        let (verb, verb_cmp) = verb_before(before);
        let after_mod = AFTER.iter().find(|(w, _)| rest.starts_with(w));
        let after_mod = after_mod.filter(|(w, _)| {
            *w != "内"
                || unit.contains("日")
                || unit.contains("天")
                || unit.contains("月")
                || unit.contains("时")
        });
        let mut comparator = match (after_mod, verb_cmp) {
            (Some((_, c)), _) => c.to_string(),
            (None, Some(c)) => c.to_string(),
            (None, None) => "=".to_string(),
        };
        let change = CHANGE
            .iter()
            .find(|(w, _)| before.ends_with(w) || before.trim_end_matches(['约', ' ']).ends_with(w))
            .map(|(_, d)| d.to_string());
        let mut framed = after_mod.is_some() || verb_cmp.is_some() || change.is_some();
        // Enumerations: `分别达到65%和55%` — inherit the comparator of the previous number.
        if verb_cmp.is_none()
            && after_mod.is_none()
            && let Some((pe, pc)) = &prev_end_cmp
            && text[*pe..start]
                .chars()
                .all(|c| "和、及与或,， ".contains(c))
            && !text[*pe..start].is_empty()
        {
            comparator = pc.clone();
            framed = true;
        }
        if unit.is_empty() && !framed {
            continue;
        }
        // `102项重大工程`, `80万吨乙烯项目`: a programme's name, not a commitment.
        if !framed && names_a_programme(before, unit, rest) {
            continue;
        }
        if !arabic && !framed && max.is_none() {
            continue;
        }
        if arabic && unit.is_empty() && num_text.len() >= 4 && !num_text.contains('.') {
            // Bare 4+ digit numbers without a unit (years, hotlines) are not targets.
            continue;
        }
        let raw_start = start - verb.len();
        let raw_end = unit_end + after_mod.map_or(0, |(w, _)| w.len());
        let mut clause_start = clause_start(text, start);
        if let Some((pe, _)) = prev_end_cmp
            && pe > clause_start
            && pe <= raw_start
        {
            clause_start = pe;
        }
        let window = &text[clause_start..raw_start.max(clause_start)];
        let period = PERIODS
            .iter()
            .find(|p| window.contains(*p))
            .map(|p| p.to_string());
        let cumulative = window.contains("累计");
        let deadline = sentence_deadline(text, start);
        let metric = metric_of(window).or_else(|| metric_after(&text[raw_end..]));
        out.push(Target {
            raw: f.orig_slice(raw_start..raw_end).to_string(),
            value,
            max,
            unit: unit.replace(' ', ""),
            comparator: comparator.clone(),
            metric,
            period,
            deadline,
            cumulative,
            change,
            ..Default::default()
        });
        prev_end_cmp = Some((raw_end, comparator));
    }
    out
}

fn split_range(s: &str) -> (&str, Option<&str>) {
    for sep in ["-", "~", "到", "至", "—"] {
        if let Some((a, b)) = s.split_once(sep) {
            return (a.trim(), Some(b.trim()));
        }
    }
    (s, None)
}

fn match_unit(s: &str) -> &str {
    let mut len = 0;
    // Magnitude.
    let mag: usize = s
        .chars()
        .take_while(|c| "十百千万亿".contains(*c))
        .take(2)
        .map(char::len_utf8)
        .sum();
    let rest = &s[mag..];
    if let Some(u) = UNITS.iter().find(|u| rest.starts_with(u.as_str())) {
        len = mag + u.len();
        // A rate: `批次/千人`, `人/万人`.
        let tail = &s[len..];
        if let Some(den) = tail.strip_prefix('/') {
            let dmag: usize = den
                .chars()
                .take_while(|c| "十百千万亿".contains(*c))
                .take(2)
                .map(char::len_utf8)
                .sum();
            if let Some(du) = UNITS.iter().find(|u| den[dmag..].starts_with(u.as_str())) {
                len += 1 + dmag + du.len();
            } else if let Some(c) = den.chars().next().filter(|c| "年月日人户".contains(*c)) {
                len += 1 + c.len_utf8();
            }
        }
    } else if mag > 0 {
        // `4000万` followed by something else: the magnitude alone is the unit.
        len = mag;
    }
    &s[..len]
}

fn verb_before(before: &str) -> (&str, Option<&'static str>) {
    // Allow a short gap between the verb and the number (spaces, `约`, `了`).
    let trimmed = before.trim_end_matches([' ', '了']);
    for (w, c) in BEFORE {
        if trimmed.ends_with(w) {
            let start = trimmed.len() - w.len();
            return (&before[start..], Some(c));
        }
    }
    // `达到约`, `控制在约`: the last verb within 2 characters.
    if let Some(stripped) = trimmed.strip_suffix('约') {
        for (w, _) in BEFORE {
            if stripped.ends_with(w) {
                let start = stripped.len() - w.len();
                return (&before[start..], Some("≈"));
            }
        }
        return (&before[stripped.len()..], Some("≈"));
    }
    for (w, _) in CHANGE {
        if trimmed.ends_with(w) {
            return (&before[trimmed.len() - w.len()..], None);
        }
    }
    ("", None)
}

fn clause_start(text: &str, at: usize) -> usize {
    text[..at]
        .rfind(['。', ',', ';', ':', '!', '?', '\n', '，', '；'])
        .map_or(0, |i| {
            i + text[i..].chars().next().map_or(1, char::len_utf8)
        })
}

fn sentence_deadline(text: &str, at: usize) -> Option<String> {
    let s = text[..at].rfind(['。', '\n', ';']).map_or(0, |i| {
        i + text[i..].chars().next().map_or(1, char::len_utf8)
    });
    let e = text[at..].find(['。', '\n']).map_or(text.len(), |i| at + i);
    let sentence = &text[s..e];
    let c = DEADLINE.captures(sentence)?;
    if let Some(y) = c.get(1) {
        // `2025年` must not be the target's own number.
        return Some(y.as_str().to_string());
    }
    let plan = c.get(2)?.as_str();
    let n = match plan {
        "十一五" => 2010,
        "十二五" => 2015,
        "十三五" => 2020,
        "十四五" => 2025,
        "十五五" => 2030,
        "十六五" => 2035,
        _ => return None,
    };
    Some(n.to_string())
}

/// The thing counted: the clause before the comparator, without leading
/// verbs, adverbs, periods and deadlines (jieba POS tags).
fn metric_of(window: &str) -> Option<String> {
    let w = DEADLINE.replace_all(window, "");
    let w = PAREN.replace_all(&w, "");
    let mut w = w.into_owned();
    for p in PERIODS.iter().chain(["累计", "一般"].iter()) {
        w = w.replace(p, "");
    }
    let mut w: &str = w.as_str();
    for p in ["其中", "全年", "力争", "确保"] {
        w = w.trim_start_matches(p);
    }
    let tags = crate::lexicon::tag(w);
    let mut words: Vec<(String, String)> = tags;
    while words.first().is_some_and(|(word, t)| {
        matches!(
            t.as_str(),
            "v" | "d" | "p" | "c" | "u" | "ad" | "vd" | "x" | "t" | "f" | "r"
        ) || PERIODS.contains(&word.as_str())
            || word == "累计"
    }) {
        words.remove(0);
    }
    while words.last().is_some_and(|(word, t)| {
        matches!(t.as_str(), "d" | "p" | "c" | "u" | "x" | "uj" | "ul")
            || PERIODS.contains(&word.as_str())
            || word == "累计"
            || word == "一般"
    }) {
        words.pop();
    }
    let m: String = words
        .into_iter()
        .map(|(w, _)| w)
        .collect::<Vec<_>>()
        .join("");
    let m: String = m.chars().filter(|c| !"“”\"".contains(*c)).collect();
    let m = m.trim().to_string();
    (m.chars().count() >= 2).then_some(m)
}

static PAREN: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"\([^()]*\)").unwrap());

/// The noun phrase after a quantity (`培育100个以上“湖北精品”品牌`).
fn metric_after(rest: &str) -> Option<String> {
    let end = rest
        .find(['、', ',', '，', '。', ';', '；', '(', '\n'])
        .unwrap_or(rest.len());
    let phrase = &rest[..end];
    if phrase.starts_with(['目', '的']) {
        return None;
    }
    metric_of(phrase)
}

/// `“十四五”计划102项重大工程` (a count quoted from a plan's name) and
/// `80万吨乙烯项目` (a capacity naming a project) are not commitments.
fn names_a_programme(before: &str, unit: &str, rest: &str) -> bool {
    let b = before.trim_end();
    if b.ends_with(['”', '》']) || ["计划", "规划", "纲要"].iter().any(|w| b.ends_with(w))
    {
        return true;
    }
    let end = rest
        .find(['、', ',', '，', '。', ';', '；', '(', '\n', '和', '及'])
        .unwrap_or(rest.len());
    let phrase = &rest[..end];
    let physical = ["吨", "千瓦", "兆瓦", "平方米", "亩", "公里", "米", "公顷"]
        .iter()
        .any(|u| unit.ends_with(u));
    physical && ["工程", "项目", "基地"].iter().any(|w| phrase.ends_with(w))
}

/// Brackets opened before a position: `(` `)` counted since the line start,
/// `《》` and `“”` since the text start. Numbers come in text order, so the
/// counts are advanced, not recounted from the start for each number (which
/// was quadratic on long items).
#[derive(Default)]
struct Openers {
    at: usize,
    paren: (usize, usize),
    title: (usize, usize),
    quote: (usize, usize),
}

impl Openers {
    /// Count the characters of `text[self.at..at]`.
    fn advance(&mut self, text: &str, at: usize) {
        for c in text[self.at.min(at)..at].chars() {
            match c {
                '\n' => self.paren = (0, 0),
                '(' => self.paren.0 += 1,
                ')' => self.paren.1 += 1,
                '《' => self.title.0 += 1,
                '》' => self.title.1 += 1,
                '“' => self.quote.0 += 1,
                '”' => self.quote.1 += 1,
                _ => {}
            }
        }
        self.at = self.at.max(at);
    }

    fn in_parens(&self) -> bool {
        self.paren.0 > self.paren.1
    }

    fn in_quote_or_title(&self) -> bool {
        self.title.0 > self.title.1 || self.quote.0 > self.quote.1
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn targets(s: &str) -> Vec<(f64, String, String)> {
        let f = Folded::new(s);
        extract_targets(&f, &[])
            .into_iter()
            .map(|t| (t.value, t.unit, t.comparator))
            .collect()
    }

    fn t(v: f64, u: &str, c: &str) -> (f64, String, String) {
        (v, u.to_string(), c.to_string())
    }

    #[test]
    fn seed_style_targets() {
        assert_eq!(
            targets("全省市场主体数量达到850万户。"),
            vec![t(850.0, "万户", ">=")]
        );
        assert_eq!(
            targets("建立社会公用计量标准3000项。"),
            vec![t(3000.0, "项", "=")]
        );
        assert_eq!(targets("合格率达到98%以上。"), vec![t(98.0, "%", ">=")]);
        assert_eq!(
            targets("抽检量每年5批次/千人目标"),
            vec![t(5.0, "批次/千人", "=")]
        );
        assert_eq!(
            targets("“十四五”期末，万台特种设备死亡率控制在0.1以下。"),
            vec![t(0.1, "", "<=")]
        );
        assert_eq!(targets("时间一般不少于10天。"), vec![t(10.0, "天", ">=")]);
        assert_eq!(
            targets("累计实现颁发有效认证证书10万张。"),
            vec![t(10.0, "万张", "=")]
        );
        assert_eq!(
            targets("培育100个以上品牌、100个以上特色品牌"),
            vec![t(100.0, "个", ">="), t(100.0, "个", ">=")]
        );
    }

    #[test]
    fn report_style_targets() {
        assert_eq!(targets("地区生产总值增长7%以上"), vec![t(7.0, "%", ">=")]);
        assert_eq!(targets("控制在4.5%以内"), vec![t(4.5, "%", "<=")]);
        assert_eq!(targets("居民消费价格涨幅3.5%左右"), vec![t(3.5, "%", "≈")]);
        assert_eq!(
            targets("分别达到65%和55%"),
            vec![t(65.0, "%", ">="), t(55.0, "%", ">=")]
        );
        assert_eq!(
            targets("城镇新增就业900万人以上"),
            vec![t(900.0, "万人", ">=")]
        );
        assert_eq!(
            targets("压缩至14个工作日内"),
            vec![t(14.0, "个工作日", "<=")]
        );
        assert_eq!(targets("不少于一百名"), vec![t(100.0, "名", ">=")]);
        let f = Folded::new("新建1到2个示范区");
        let got = extract_targets(&f, &[]);
        assert_eq!((got[0].value, got[0].max), (1.0, Some(2.0)));
        let f = Folded::new("地区生产总值增长7%");
        assert_eq!(
            extract_targets(&f, &[])[0].change.as_deref(),
            Some("increase")
        );
    }

    #[test]
    fn metric_period_deadline() {
        let f = Folded::new("到2025年，全省市场主体数量达到850万户。");
        let t = &extract_targets(&f, &[])[0];
        assert_eq!(t.metric.as_deref(), Some("全省市场主体数量"));
        assert_eq!(t.deadline.as_deref(), Some("2025"));
        let f = Folded::new("“十四五”期末，万台特种设备死亡率控制在0.1以下。");
        assert_eq!(
            extract_targets(&f, &[])[0].deadline.as_deref(),
            Some("2025")
        );
        let f = Folded::new("抽检量每年5批次/千人");
        assert_eq!(extract_targets(&f, &[])[0].period.as_deref(), Some("每年"));
    }

    #[test]
    fn non_targets() {
        for s in [
            "推进12315热线建设",
            "将3C免办工作下放",
            "“十四五”规划",
            "实现“一网通办、一事联办”",
            "健全“双随机、一公开”监管机制，实行“四公开”",
            "深入实施“万千百”质量提升行动",
            "每年滚动实施“一市一域、一县一品”质量提升工作",
            "推进专项整治三年行动",
            "深化武汉、襄阳、宜昌三个自贸片区改革",
            "合理划分省市县三级市场监管机构",
            "2022年8月1日",
            "鄂市监综函〔2022〕151号",
            "打造一批示范商户",
            "建设智慧审批一张网",
            "到2025年实现全覆盖",
        ] {
            assert!(targets(s).is_empty(), "{s}: {:?}", targets(s));
        }
    }

    #[test]
    fn chinese_numerals() {
        assert_eq!(chinese_value("一千二百"), Some(1200.0));
        assert_eq!(chinese_value("十五"), Some(15.0));
        assert_eq!(chinese_value("两万"), Some(20000.0));
        assert_eq!(chinese_value("三点五"), Some(3.5));
        assert_eq!(
            targets("审批时间减至1个月、半个月"),
            vec![t(1.0, "个月", "<="), t(0.5, "个月", "<=")]
        );
        assert!(targets("上半年完成").is_empty());
    }
}
