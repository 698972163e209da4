//! Property tests: random and mutated notices never make `parse_text` /
//! `parse_bytes` panic or hang, and what they return always serializes to
//! valid JSON. Case counts are modest so `cargo test` stays fast; raise them
//! with `PROPTEST_CASES=10000 cargo test --release --test robustness`.

use fengong::{Notice, Options};
use proptest::prelude::*;
use std::sync::LazyLock;
use std::sync::mpsc;
use std::time::Duration;

const SEED: &str = include_str!("../seeds/000_7c5878c3eb2a3600.txt");

static OPTS: LazyLock<Options> = LazyLock::new(Options::default);

fn config() -> ProptestConfig {
    let cases = std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(64);
    ProptestConfig {
        cases,
        // Shrinking re-parses the seed many times; keep failures quick to report.
        max_shrink_iters: 256,
        ..ProptestConfig::default()
    }
}

/// Run `f` on a worker thread; a hang (no answer within the limit) fails the test.
fn bounded<T: Send + 'static>(what: &str, f: impl FnOnce() -> T + Send + 'static) -> T {
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        let _ = tx.send(f());
    });
    match rx.recv_timeout(Duration::from_secs(60)) {
        Ok(v) => v,
        Err(mpsc::RecvTimeoutError::Timeout) => panic!("{what}: no result after 60 s (hang?)"),
        // The worker panicked: its message is already printed; fail with it.
        Err(mpsc::RecvTimeoutError::Disconnected) => panic!("{what}: the parser panicked"),
    }
}

/// The notice serializes to JSON that parses back.
fn check_json(n: &Notice) {
    let s = fengong::output::json::to_json(n);
    let v: serde_json::Value = serde_json::from_str(&s).expect("valid JSON");
    assert!(v["items"].is_array());
    let line = fengong::output::json::to_json_line(n);
    assert_eq!(line.matches('\n').count(), 1, "one JSON line");
    serde_json::from_str::<serde_json::Value>(&line).expect("valid JSON line");
}

fn check_text(text: String) {
    let n = bounded("parse_text", move || fengong::parse_text(&text, &OPTS));
    check_json(&n);
}

fn check_bytes(bytes: Vec<u8>, name: &'static str) {
    let r = bounded("parse_bytes", move || {
        fengong::parse_bytes(&bytes, name, &OPTS)
    });
    match r {
        Ok(n) => check_json(&n),
        // Errors are fine, as long as they say something.
        Err(e) => assert!(!e.to_string().is_empty()),
    }
}

/// Pieces notices are made of: labels of every level, unit clauses, brackets
/// (ASCII, full-width, unbalanced), numbers and targets, line breaks.
const TOKENS: &[&str] = &[
    "一、",
    "二、",
    "十一、",
    "（一）",
    "（二）",
    "(三)",
    "1.",
    "2．",
    "3、",
    "10.",
    "（1）",
    "(2)",
    "①",
    "⑵",
    "⒈",
    "㈠",
    "（",
    "）",
    "(",
    ")",
    "【",
    "】",
    "〔",
    "〕",
    "《",
    "》",
    "“",
    "”",
    "牵头单位：",
    "责任单位：",
    "牵头单位:",
    "（牵头单位：）",
    "（责任单位：",
    "；",
    "，",
    "、",
    "。",
    "省局注册处",
    "各市、州、县市场监管局",
    "省发展改革委",
    "国务院办公厅",
    "等部门",
    "列第一位者为牵头单位",
    "全省市场主体数量达到850万户",
    "提高到",
    "不低于",
    "95%",
    "１２３",
    "百分之五十",
    "2025年",
    "\n",
    "\n\n",
    " ",
    "\u{3000}",
    "\t",
    "\r\n",
    "\u{feff}",
    "\u{200b}",
    "ａｂｃ",
    "亿元",
    "以上",
    "湖北省市场监督管理局",
    "鄂市监综函〔2022〕151号",
    "2022年8月1日",
    "附件",
    "此件依申请公开",
];

fn token() -> impl Strategy<Value = String> {
    prop_oneof![
        3 => proptest::sample::select(TOKENS).prop_map(str::to_string),
        1 => "[\\p{Han}]{1,6}",
        1 => any::<char>().prop_map(String::from),
        1 => "[0-9０-９.．%]{1,5}",
    ]
}

/// A random notice: a sequence of tokens.
fn random_notice() -> impl Strategy<Value = String> {
    proptest::collection::vec(token(), 0..300).prop_map(|v| v.concat())
}

/// One edit of the seed's bytes.
#[derive(Debug, Clone)]
enum Mutation {
    Delete { at: usize, len: usize },
    Insert { at: usize, text: String },
    Truncate { at: usize },
    FlipByte { at: usize, mask: u8 },
    Duplicate { at: usize, len: usize },
}

fn mutation() -> impl Strategy<Value = Mutation> {
    let at = 0..SEED.len();
    prop_oneof![
        3 => (at.clone(), 1usize..200).prop_map(|(at, len)| Mutation::Delete { at, len }),
        4 => (at.clone(), proptest::collection::vec(token(), 1..5))
            .prop_map(|(at, t)| Mutation::Insert { at, text: t.concat() }),
        1 => at.clone().prop_map(|at| Mutation::Truncate { at }),
        2 => (at.clone(), 1u8..=255).prop_map(|(at, mask)| Mutation::FlipByte { at, mask }),
        1 => (at, 1usize..2000).prop_map(|(at, len)| Mutation::Duplicate { at, len }),
    ]
}

fn apply(bytes: &mut Vec<u8>, m: &Mutation) {
    let clamp = |at: usize, b: &Vec<u8>| at.min(b.len());
    match m {
        Mutation::Delete { at, len } => {
            let a = clamp(*at, bytes);
            let b = clamp(a + len, bytes);
            bytes.drain(a..b);
        }
        Mutation::Insert { at, text } => {
            let a = clamp(*at, bytes);
            bytes.splice(a..a, text.bytes());
        }
        Mutation::Truncate { at } => bytes.truncate(*at),
        Mutation::FlipByte { at, mask } => {
            if let Some(b) = bytes.get_mut(*at) {
                *b ^= mask;
            }
        }
        Mutation::Duplicate { at, len } => {
            let a = clamp(*at, bytes);
            let b = clamp(a + len, bytes);
            let copy = bytes[a..b].to_vec();
            bytes.splice(b..b, copy);
        }
    }
}

fn mutated_seed() -> impl Strategy<Value = Vec<u8>> {
    proptest::collection::vec(mutation(), 1..12).prop_map(|ms| {
        let mut b = SEED.as_bytes().to_vec();
        for m in &ms {
            apply(&mut b, m);
        }
        b
    })
}

const NAMES: &[&str] = &[
    "x.docx", "x.xlsx", "x.pdf", "x.html", "x.json", "x.xls", "x.ods", "x.txt",
];
const MAGICS: &[&[u8]] = &[
    b"PK\x03\x04",
    b"%PDF-1.4\n",
    b"<html>",
    b"{\"items\":",
    b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1",
    b"",
];

proptest! {
    #![proptest_config(config())]

    #[test]
    fn random_text_never_panics(text in random_notice()) {
        check_text(text);
    }

    #[test]
    fn mutated_seed_text_never_panics(bytes in mutated_seed()) {
        // Byte flips may break UTF-8: the text path sees the lossy decoding,
        // the bytes path the bytes themselves.
        check_text(String::from_utf8_lossy(&bytes).into_owned());
    }

    #[test]
    fn mutated_seed_bytes_never_panic(bytes in mutated_seed()) {
        check_bytes(bytes, "mutated.txt");
    }

    #[test]
    fn random_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..4096)) {
        check_bytes(bytes, "random.txt");
    }

    #[test]
    fn random_bytes_as_any_format_never_panic(
        bytes in proptest::collection::vec(any::<u8>(), 0..2048),
        name in proptest::sample::select(NAMES),
        magic in proptest::sample::select(MAGICS),
    ) {
        let mut b = magic.to_vec();
        b.extend(bytes);
        check_bytes(b, name);
    }
}
