//! Evidence spans: for every target (and every unit that carries a span) of
//! every corpus notice and the seed, `span` is a `[start, end)` range in
//! characters into the item's `text` whose slice is the `raw` text and holds
//! the target's number.

mod common;
use common::*;
use serde_json::Value;

/// The characters `[s, e)` of `text`, or `None` when the range is out of bounds.
fn slice(text: &str, span: &Value) -> Option<String> {
    let s = span[0].as_u64()? as usize;
    let e = span[1].as_u64()? as usize;
    let chars: Vec<char> = text.chars().collect();
    (s <= e && e <= chars.len()).then(|| chars[s..e].iter().collect())
}

fn holds_a_numeral(s: &str) -> bool {
    s.chars().any(|c| {
        c.is_ascii_digit()
            || ('０'..='９').contains(&c)
            || "零〇一二两三四五六七八九十百千万亿半".contains(c)
    })
}

#[test]
fn every_span_of_every_corpus_notice_points_at_its_evidence() {
    let mut files: Vec<_> = std::fs::read_dir(repo("corpus"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "txt"))
        .collect();
    files.push(repo("seeds/000_7c5878c3eb2a3600.txt"));
    files.sort();
    let (mut targets, mut units) = (0, 0);
    let mut problems = Vec::new();
    for file in &files {
        let notice = parse_json(file);
        for item in notice["items"].as_array().unwrap() {
            let text = item["text"].as_str().unwrap();
            for t in item["targets"].as_array().unwrap() {
                targets += 1;
                let raw = t["raw"].as_str().unwrap();
                match slice(text, &t["span"]) {
                    Some(s) if s == raw && holds_a_numeral(&s) => {}
                    got => problems.push(format!(
                        "{}: {:?} target {raw:?}: span {} gives {got:?}",
                        file.display(),
                        item["path"],
                        t["span"]
                    )),
                }
            }
            for role in ["lead_units", "responsible_units"] {
                for u in item[role].as_array().into_iter().flatten() {
                    if u["span"].is_null() {
                        continue;
                    }
                    units += 1;
                    let raw = u["raw"].as_str().unwrap();
                    match slice(text, &u["span"]) {
                        Some(s) if s.contains(raw) || raw.contains(s.as_str()) && !s.is_empty() => {
                        }
                        got => problems.push(format!(
                            "{}: {:?} unit {raw:?}: span {} gives {got:?}",
                            file.display(),
                            item["path"],
                            u["span"]
                        )),
                    }
                }
            }
        }
    }
    eprintln!("{targets} target spans and {units} unit spans checked");
    assert!(targets > 50, "only {targets} targets in the corpus");
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}
