//! Header parsing (GB/T 9704 elements): issuer, document number, title,
//! recipients, body of the covering letter, signature, date, note, the
//! attachment's own title and its preamble.

use crate::model::{DocNumber, Meta};
use crate::repair::{fold, is_han_name_ending};
use regex::Regex;
use std::sync::LazyLock;

static DOC_NUMBER: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(\p{Han}{1,12})\s*[〔\[【(](\d{4})\s*[〕\]】)]\s*(\d{1,5})\s*号").unwrap()
});

static DATE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^([0-9〇○零一二三四五六七八九]{4})年([0-9一二三四五六七八九十]{1,3})月(?:([0-9一二三四五六七八九十]{1,3})日)?$")
        .unwrap()
});

static TITLE_END: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(通知|意见|方案|决定|办法|要点|报告|规划|函|计划|细则|措施|清单|分工|分解|台账|批复|通报|纲要|安排)(\(.*\))?$").unwrap()
});

/// A page title: the document's title, a dash and the site's name
/// (`…的意见-湖南省人民政府门户网站`).
static TITLE_WITH_SITE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^(.+?(?:通知|意见|方案|决定|办法|要点|报告|规划|计划|细则|措施|清单|分工|分解|批复|通报|纲要))\s*[-_|–—]+\s*[^。]{1,40}$").unwrap()
});

/// Whether a folded line is a seal note under the signature (`(国家知识产权局代章)`).
fn is_seal_note(f: &str) -> bool {
    f.strip_prefix('(')
        .and_then(|f| f.strip_suffix(')'))
        .is_some_and(|inner| is_han_name_ending(inner, 2..=30, &["代章", "印章", "盖章"]))
}

/// Whether a folded header line is the recipients line: it ends with a
/// colon and names collectives (`各…`) or lists several organs.
fn is_recipients(f: &str) -> bool {
    f.ends_with(':')
        && !f.contains('。')
        && f.chars().count() <= 400
        && !f.ends_with("如下:")
        && (f.contains('各') || f.matches('、').count() >= 2)
}

/// A header line without the site's name after the title (see [`TITLE_WITH_SITE`]).
fn without_site_name(line: &str) -> String {
    let f = crate::repair::Folded::new(line);
    match TITLE_WITH_SITE.captures(&f.folded) {
        Some(c) => f.orig_slice(0..c.get(1).expect("title").end()).to_string(),
        None => line.to_string(),
    }
}

/// Whether a folded header line is an organ's name: 2 to 40 Han characters
/// and an organ ending (`湖北省市场监督管理局`).
fn is_org(f: &str) -> bool {
    is_han_name_ending(f, 2..=40, super::ORGAN_ENDINGS.iter().chain(&["院"]))
}

/// Parse a document number such as `鄂市监综函〔2022〕151号` found anywhere in `s`.
pub fn parse_doc_number(s: &str) -> Option<DocNumber> {
    let f = crate::repair::Folded::new(s);
    let c = DOC_NUMBER.captures(&f.folded)?;
    let m = c.get(0)?;
    // A title or a table label glued in front of the code (`…的通知国办发`, `文号蔡政办`).
    let mut code_start = c.get(1)?.start();
    let code = &c[1];
    for cut in ["文号", "字号", "通知", "意见", "方案", "决定", ":"] {
        if let Some(p) = code.rfind(cut) {
            let rest = &code[p + cut.len()..];
            if rest.chars().count() >= 2 {
                code_start = c.get(1)?.start() + p + cut.len();
                break;
            }
        }
    }
    let code = &f.folded[code_start..c.get(1)?.end()];
    Some(DocNumber {
        raw: f.orig_slice(code_start..m.end()).to_string(),
        agency_code: code.to_string(),
        year: c[2].parse().ok()?,
        serial: c[3].parse().ok()?,
    })
}

/// Parse a date line (`2022年8月1日`, `二〇二二年八月一日`) to ISO form.
pub fn parse_date(s: &str) -> Option<String> {
    let f = fold(s.trim());
    let c = DATE.captures(&f)?;
    let year = numeral(&c[1], true)?;
    let month = numeral(&c[2], false)?;
    if !(1..=12).contains(&month) || !(1900..=2100).contains(&year) {
        return None;
    }
    match c.get(3) {
        Some(d) => {
            let day = numeral(d.as_str(), false)?;
            (1..=31)
                .contains(&day)
                .then(|| format!("{year:04}-{month:02}-{day:02}"))
        }
        None => Some(format!("{year:04}-{month:02}")),
    }
}

fn numeral(s: &str, digit_by_digit: bool) -> Option<u32> {
    if s.chars().all(|c| c.is_ascii_digit()) {
        return s.parse().ok();
    }
    if digit_by_digit {
        let mut v = 0;
        for c in s.chars() {
            v = v * 10 + crate::repair::label::parse_chinese_small(&c.to_string())?;
        }
        return Some(v);
    }
    crate::repair::label::parse_chinese_small(s)
}

fn is_note(folded: &str) -> bool {
    folded.starts_with("(此件") || folded.starts_with("(此页") || folded.starts_with("(联系人")
}

fn strip_note(folded_line: &str, orig: &str) -> String {
    let t = orig.trim();
    let f = folded_line.trim();
    if f.starts_with('(') && f.ends_with(')') {
        let inner: String = t.chars().skip(1).collect();
        let mut inner: Vec<char> = inner.chars().collect();
        inner.pop();
        return inner.into_iter().collect();
    }
    t.to_string()
}

/// Build [`Meta`] from the header lines and the trailer (signature block after the items).
pub fn parse_header(header: &[String], trailer: &[String]) -> Meta {
    let header: Vec<String> = unglue(header)
        .iter()
        .map(|l| without_site_name(l))
        .collect();
    let header = &header;
    let mut meta = Meta::default();
    let folded: Vec<String> = header.iter().map(|l| fold(l)).collect();
    let n = header.len();

    let num_idx =
        (0..n).find(|&i| DOC_NUMBER.is_match(&folded[i]) && folded[i].chars().count() < 60);
    if let Some(i) = num_idx {
        meta.doc_number = parse_doc_number(&header[i]);
        let issuer: Vec<&str> = header[..i]
            .iter()
            .map(|s| s.trim())
            .filter(|s| is_org(&fold(s)) || fold(s).ends_with("文件"))
            .collect();
        if let Some(last) = issuer.last() {
            meta.issuer = Some(last.trim_end_matches("文件").to_string());
        }
    }

    // Without a number, a first line that is an organ's name (`X文件`) is the issuer.
    if num_idx.is_none()
        && let Some(first) = folded.first()
        && (is_org(first) || (first.ends_with("文件") && first.chars().count() <= 30))
    {
        meta.issuer = Some(header[0].trim().trim_end_matches("文件").to_string());
    }

    // Title: first line after the number (or from the top) that reads like a title.
    let search_from = num_idx.map_or(0, |i| i + 1);
    let is_title = |i: usize| {
        let f = &folded[i];
        !f.ends_with(':')
            && !f.ends_with('。')
            && (f.contains("关于") || TITLE_END.is_match(f))
            && f.chars().count() <= 120
            && Some(i) != num_idx
    };
    let title_idx = (search_from..n)
        .take_while(|&i| !is_recipients(&folded[i]))
        .find(|&i| is_title(i))
        .or_else(|| (0..search_from).find(|&i| is_title(i)));
    let mut cursor = search_from;
    if let Some(t) = title_idx {
        let mut title = header[t].trim().to_string();
        let mut end = t + 1;
        // A title split over lines: join until a line ends like a title (at most 3 more).
        let mut joined = folded[t].clone();
        while !TITLE_END.is_match(&joined)
            && end < n
            && end < t + 4
            && !folded[end].ends_with(':')
            && !folded[end].ends_with('。')
            && !DOC_NUMBER.is_match(&folded[end])
            && (end..n.min(t + 4)).any(|k| TITLE_END.is_match(&folded[k]))
        {
            title.push_str(header[end].trim());
            joined.push_str(&folded[end]);
            end += 1;
        }
        meta.title = Some(without_column_tag(&title).to_string());
        cursor = cursor.max(end);
        // A repeated title (site chrome) is skipped.
        while cursor < n && fold(&header[cursor]) == fold(meta.title.as_deref().unwrap_or("")) {
            cursor += 1;
        }
    }
    // The line right after the title and number, when it ends with a
    // colon, is the recipients line (GB/T 9704 order); else look further.
    let next_is_recipients = cursor < n
        && folded[cursor].ends_with(':')
        && !folded[cursor].contains('。')
        && !folded[cursor].ends_with("如下:");
    let recipients_idx = if next_is_recipients {
        Some(cursor)
    } else {
        (cursor..n).find(|&i| is_recipients(&folded[i]))
    };
    if let Some(r) = recipients_idx {
        let text = header[r].trim();
        meta.recipients = Some(text.trim_end_matches([':', '：']).to_string());
        cursor = r + 1;
    }

    // The covering letter before the plan: body, signature, date, note. Its
    // end is the date line, or (no date) the signature or whatever follows
    // the letter's transmittal sentence (see `dateless_letter_end`).
    let date_idx = (cursor..n).find(|&i| parse_date(&header[i]).is_some());
    let letter_end = date_idx.or_else(|| dateless_letter_end(&folded, cursor));
    if let Some(d) = letter_end {
        let mut body_end = d;
        let mut k = d;
        if date_idx.is_some() {
            meta.date = parse_date(&header[d]);
            // The signature, possibly above a seal note.
            let sealed = d > cursor + 1 && is_seal_note(&folded[d - 1]);
            let sig = if sealed { d - 2 } else { d.saturating_sub(1) };
            if d > cursor && is_org(&folded[sig]) {
                meta.signature = Some(header[sig].trim().to_string());
                body_end = sig;
            }
            k = d + 1;
        } else if d < n && is_org(&folded[d]) {
            meta.signature = Some(header[d].trim().to_string());
            k = d + 1;
        }
        let body: Vec<&str> = header[cursor..body_end].iter().map(|s| s.trim()).collect();
        if !body.is_empty() {
            meta.body = Some(body.join("\n"));
        }
        if k < n && is_note(&folded[k]) {
            meta.note = Some(strip_note(&folded[k], &header[k]));
            k += 1;
        }
        // Attachment marker and title.
        while k < n && (folded[k].starts_with("附件") && folded[k].chars().count() <= 4) {
            k += 1;
        }
        if k < n && !folded[k].ends_with('。') {
            let t = header[k].trim();
            let t = t
                .strip_prefix("附件：")
                .or_else(|| t.strip_prefix("附件:"))
                .unwrap_or(t);
            meta.attachment_title = Some(t.to_string());
            k += 1;
        }
        let pre: Vec<&str> = header[k..].iter().map(|s| s.trim()).collect();
        if !pre.is_empty() {
            meta.preamble = Some(pre.join("\n"));
        }
    } else {
        let pre: Vec<&str> = header[cursor..].iter().map(|s| s.trim()).collect();
        if !pre.is_empty() {
            meta.preamble = Some(pre.join("\n"));
        }
    }

    // Signature block after the items.
    for (i, line) in trailer.iter().enumerate() {
        let f = fold(line);
        if meta.date.is_none()
            && let Some(d) = parse_date(line)
        {
            meta.date = Some(d);
            if i > 0 && meta.signature.is_none() {
                meta.signature = Some(trailer[i - 1].clone());
            }
        } else if is_note(&f) && meta.note.is_none() {
            meta.note = Some(strip_note(&f, line));
        }
    }
    if let (Some(i), Some(sig)) = (&meta.issuer, &meta.signature)
        && sig != i
        && sig.ends_with(i.as_str())
    {
        meta.issuer = Some(sig.clone());
    }
    if meta.issuer.is_none() {
        meta.issuer = meta
            .signature
            .clone()
            .or_else(|| meta.title.as_deref().and_then(issuer_of_title));
    }
    meta
}

/// A title without the site's column tag in front (`【通知公告】关于…的通知`).
fn without_column_tag(title: &str) -> &str {
    let t = title.trim();
    for (open, close) in [('【', '】'), ('[', ']'), ('［', '］')] {
        if let Some(rest) = t.strip_prefix(open)
            && let Some(p) = rest.find(close)
            && rest[..p].chars().count() <= 12
            && !rest[p + close.len_utf8()..].trim().is_empty()
        {
            return rest[p + close.len_utf8()..].trim();
        }
    }
    t
}

/// The issuer named by a title of the form `X关于…的通知/意见/方案`: X, when
/// it is an organ's name, or several joined by `、` or spaces (a joint notice).
fn issuer_of_title(title: &str) -> Option<String> {
    let p = title.find("关于")?;
    let org = title[..p].trim();
    let f = fold(org);
    let mut parts = f
        .split(['、', ' ', ','])
        .filter(|s| !s.is_empty())
        .peekable();
    parts.peek()?;
    parts.all(is_org).then(|| org.to_string())
}

/// End of a covering letter that has no date line: after the sentence that
/// transmits the plan (`现将《…》印发给你们`), the letter runs on (`特此通知`
/// included) until a line that is not letter text: the signature (an
/// organ's name), the attachment mark, or the plan's title. Returns that
/// line's index, or the end of the header when the letter fills it.
fn dateless_letter_end(folded: &[String], from: usize) -> Option<usize> {
    let n = folded.len();
    let transmittal = (from..n).find(|&i| {
        let f = &folded[i];
        f.contains("印发给") || (f.contains("现将") && f.contains("印发"))
    })?;
    Some(
        (transmittal + 1..n)
            .find(|&i| {
                let f = &folded[i];
                !f.ends_with('。')
                    && !f.starts_with("特此")
                    && (is_org(f)
                        || f.starts_with("附件")
                        || TITLE_END.is_match(f)
                        || !f.contains('。'))
            })
            .unwrap_or(n),
    )
}

/// A signature glued after the letter's last sentence: organ, date, note.
/// The organ's name is at most 30 characters ([`sign_tail`]).
static SIGN_TAIL: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"。(\p{Han}{2,}?)([0-9〇○零一二三四五六七八九]{4}年[0-9一二三四五六七八九十]{1,3}月[0-9一二三四五六七八九十]{1,3}日)(\(此件[^)]*\))?$").unwrap()
});

/// The signature glued to the end of a folded line (see [`SIGN_TAIL`]).
fn sign_tail(f: &str) -> Option<regex::Captures<'_>> {
    SIGN_TAIL.captures(f).filter(|c| {
        c.get(1)
            .is_some_and(|org| org.as_str().chars().count() <= 30)
    })
}

/// Split header lines that a crawler glued together: a title with the
/// document number after it, recipients with the letter's body, the body
/// with the signature, date and note.
fn unglue(header: &[String]) -> Vec<String> {
    let mut out = Vec::new();
    for line in header {
        let f = crate::repair::Folded::new(line);
        let mut cuts: Vec<usize> = Vec::new();
        // A document number cited inside a sentence (`…的意见》(国发〔2022〕18号)和…`)
        // stays where it is.
        if let Some(m) = DOC_NUMBER.find(&f.folded)
            && !crate::repair::has_unclosed_bracket(&f.folded[..m.start()])
            && let Some(d) = parse_doc_number(line)
        {
            let start = f.folded[..m.end()]
                .rfind(&d.agency_code)
                .unwrap_or(m.start());
            cuts.push(start);
            cuts.push(m.end());
        }
        if let Some(p) = f.folded.find(':')
            && f.folded.starts_with('各')
            && p + 1 < f.folded.len()
            && f.folded[..p].chars().count() <= 150
        {
            cuts.push(p + 1);
        }
        if let Some(c) = sign_tail(&f.folded) {
            let org = c.get(1).expect("org");
            if is_org(org.as_str()) {
                cuts.push(org.start());
            }
            cuts.push(c.get(2).expect("date").start());
            if let Some(n) = c.get(3) {
                cuts.push(n.start());
            }
        }
        cuts.retain(|&c| c > 0 && c < f.folded.len());
        cuts.sort_unstable();
        cuts.dedup();
        let mut start = 0;
        for c in cuts.into_iter().chain(std::iter::once(f.folded.len())) {
            let piece = f.orig_slice(start..c).trim();
            if !piece.is_empty() {
                out.push(piece.to_string());
            }
            start = c;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lines(s: &str) -> Vec<String> {
        s.lines().map(String::from).collect()
    }

    #[test]
    fn doc_number_parts() {
        let d = parse_doc_number("鄂市监综函〔2022〕151号").unwrap();
        assert_eq!(
            (d.agency_code.as_str(), d.year, d.serial),
            ("鄂市监综函", 2022, 151)
        );
        let d = parse_doc_number("许政 [2020] 20号").unwrap();
        assert_eq!(
            (d.agency_code.as_str(), d.year, d.serial),
            ("许政", 2020, 20)
        );
    }

    #[test]
    fn dates_in_both_numeral_systems() {
        assert_eq!(parse_date("2022年8月1日").as_deref(), Some("2022-08-01"));
        assert_eq!(
            parse_date("二〇二二年八月十一日").as_deref(),
            Some("2022-08-11")
        );
        assert_eq!(parse_date("2022年13月1日"), None);
    }

    #[test]
    fn cover_letter_header() {
        let h = lines(
            "湖北省市场监督管理局\n鄂市监综函〔2022〕151号\n省市场监管局关于印发《分工方案》的通知\n各市、州、县市场监管局：\n现将方案印发给你们。\n湖北省市场监督管理局\n2022年8月1日\n（此件依申请公开）\n分工方案\n为确保落地见效，制定本方案。",
        );
        let m = parse_header(&h, &[]);
        assert_eq!(m.issuer.as_deref(), Some("湖北省市场监督管理局"));
        assert_eq!(
            m.title.as_deref(),
            Some("省市场监管局关于印发《分工方案》的通知")
        );
        assert_eq!(m.recipients.as_deref(), Some("各市、州、县市场监管局"));
        assert_eq!(m.body.as_deref(), Some("现将方案印发给你们。"));
        assert_eq!(m.signature.as_deref(), Some("湖北省市场监督管理局"));
        assert_eq!(m.date.as_deref(), Some("2022-08-01"));
        assert_eq!(m.note.as_deref(), Some("此件依申请公开"));
        assert_eq!(m.attachment_title.as_deref(), Some("分工方案"));
        assert_eq!(m.preamble.as_deref(), Some("为确保落地见效，制定本方案。"));
    }

    #[test]
    fn signature_after_the_items_and_issuer_from_it() {
        let h = lines(
            "国务院关于促进就业的若干意见\n国发〔2018〕39号\n各省、自治区、直辖市人民政府：\n为做好就业工作，提出以下意见。",
        );
        let m = parse_header(&h, &["国务院".to_string(), "2018年11月16日".to_string()]);
        assert_eq!(m.title.as_deref(), Some("国务院关于促进就业的若干意见"));
        assert_eq!(m.date.as_deref(), Some("2018-11-16"));
        assert_eq!(m.issuer.as_deref(), Some("国务院"));
        assert_eq!(
            m.preamble.as_deref(),
            Some("为做好就业工作，提出以下意见。")
        );
    }
}
