//! Conformance: Microsoft Recognizers-Text's Chinese number and percent
//! suites (`fixtures/numerals/`, MIT), each single-result case turned into a
//! task line and parsed by the library. At least 95 % of the in-scope cases
//! must come out right; forms that official notices do not use are skipped
//! with their reason (see `fixtures/numerals/README.md`).

use fengong::{Options, parse_text};
use regex::Regex;
use serde_json::Value;
use std::path::Path;

struct Case {
    input: String,
    text: String,
    expected: f64,
    percent: bool,
}

fn cases(file: &str, percent: bool) -> Vec<Case> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures/numerals")
        .join(file);
    let raw = std::fs::read_to_string(&path).unwrap();
    let json: Value = serde_json::from_str(raw.trim_start_matches('\u{feff}')).unwrap();
    json.as_array()
        .unwrap()
        .iter()
        .filter_map(|c| {
            let results = c["Results"].as_array()?;
            if results.len() != 1 {
                return None;
            }
            let r = &results[0];
            let v = r["Resolution"]["value"].as_str()?;
            let expected: f64 = v.trim_end_matches('%').parse().ok()?;
            Some(Case {
                input: c["Input"].as_str()?.to_string(),
                text: r["Text"].as_str()?.to_string(),
                expected,
                percent,
            })
        })
        .collect()
}

/// Why a form is out of scope, if it is.
fn skip_reason(text: &str) -> Option<&'static str> {
    static RULES: std::sync::LazyLock<Vec<(Regex, &'static str)>> = std::sync::LazyLock::new(
        || {
            [
                ("兆", "兆 is not used in official text"),
                (r"[0-9.][eE][-+]?[0-9]|\^", "scientific notation or powers"),
                (r"[0-9.]\s*[kKmM]", "Latin multiplier"),
                ("打", "dozens 打"),
                ("[壹贰貳叁参肆伍陆陸柒捌玖拾佰仟倆]", "capital numerals outside amounts"),
                ("折", "discount 折"),
                (
                    "(?:^|[^零〇一二两兩三四五六七八九])[百千][一二两兩三四五六七八九]|[百千万萬亿億][一二两兩三四五六七八九](?:$|[^十百千万萬亿億零〇一二两兩三四五六七八九])",
                    "colloquial abbreviation",
                ),
            ]
            .into_iter()
            .map(|(r, why)| (Regex::new(r).unwrap(), why))
            .collect()
        },
    );
    let compact: String = text.chars().filter(|c| !c.is_whitespace()).collect();
    RULES
        .iter()
        .find(|(r, _)| r.is_match(&compact))
        .map(|(_, why)| *why)
}

/// The value the library read for a case, on the suite's scale.
fn read(case: &Case, opts: &Options) -> Result<f64, String> {
    let line = if case.percent {
        format!("1.全省XX比例达到{}。\n", case.text)
    } else {
        format!("1.全省XX数量达到{}个。\n", case.text)
    };
    let notice = parse_text(&line, opts);
    let targets: Vec<_> = notice.items.iter().flat_map(|i| &i.targets).collect();
    let [t] = targets.as_slice() else {
        return Err(format!(
            "{} targets: {:?}",
            targets.len(),
            targets.iter().map(|t| &t.raw).collect::<Vec<_>>()
        ));
    };
    let scaled = t.scaled_value.unwrap_or(t.value);
    // Units keep the characters of the text (`個百分點`); compare them folded.
    let unit = fengong::repair::fold(&t.unit);
    let percent = unit == "%" || unit.ends_with("百分点");
    Ok(match unit.as_str() {
        "‰" if case.percent => scaled / 10.0,
        "‰" => scaled / 1000.0,
        _ if percent && !case.percent => scaled / 100.0,
        _ if !percent && case.percent => scaled * 100.0,
        _ => scaled,
    })
}

#[test]
fn recognizers_text_chinese_numbers_and_percents() {
    let opts = Options::default();
    let mut all = cases("NumberModel.json", false);
    all.extend(cases("PercentModel.json", true));
    let (mut passed, mut in_scope) = (0, 0);
    let mut skipped: Vec<String> = Vec::new();
    let mut failures: Vec<String> = Vec::new();
    for case in &all {
        if let Some(why) = skip_reason(&case.text) {
            skipped.push(format!("{} ({why})", case.text));
            continue;
        }
        in_scope += 1;
        match read(case, &opts) {
            Ok(got) if (got - case.expected).abs() <= 1e-6 * case.expected.abs().max(1.0) => {
                passed += 1
            }
            Ok(got) => failures.push(format!(
                "{:?} in {:?}: got {got}, want {}",
                case.text, case.input, case.expected
            )),
            Err(e) => failures.push(format!("{:?} in {:?}: {e}", case.text, case.input)),
        }
    }
    let rate = passed as f64 / in_scope as f64;
    eprintln!(
        "numerals: {passed}/{in_scope} in-scope cases right ({:.1} %), {} skipped",
        rate * 100.0,
        skipped.len()
    );
    eprintln!("skipped:\n  {}", skipped.join("\n  "));
    eprintln!("failures:\n  {}", failures.join("\n  "));
    assert!(in_scope >= 250, "only {in_scope} in-scope cases");
    assert!(
        rate >= 0.95,
        "{passed}/{in_scope} = {:.1} % < 95 %; failures:\n{}",
        rate * 100.0,
        failures.join("\n")
    );
}
