//! Shared helpers for the integration tests: run the built binary, and a
//! Rust port of `eval/score.py` (items by path, units by name with agency
//! prefixes stripped, targets by (value, unit, comparator)).
#![allow(dead_code)]

use serde_json::Value;
use std::collections::HashMap;
use std::io::{BufRead, BufReader, Read};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};

/// Path of a file in the repository.
pub fn repo(p: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(p)
}

/// Run `fengong` with arguments.
pub fn fengong(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_fengong"))
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .expect("run fengong")
}

/// Run `fengong parse FILE --format json` and return the JSON.
pub fn parse_json(file: &Path) -> Value {
    let out = fengong(&["parse", file.to_str().unwrap(), "--format", "json"]);
    assert!(
        out.status.success(),
        "{}: {}",
        file.display(),
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("valid JSON")
}

const PREFIXES: &[&str] = &[
    "湖北省市场监督管理局",
    "湖北省市场监管局",
    "省市场监督管理局",
    "省市场监管局",
    "省局",
    "湖北省",
    "湖北",
    "省",
];

fn label(x: &str) -> String {
    let s: String = x
        .chars()
        .map(|c| match c {
            '(' => '（',
            ')' => '）',
            c => c,
        })
        .filter(|c| *c != ' ' && *c != '\u{3000}')
        .collect();
    s.trim_end_matches(['、', '.', '．', ',', '，', ':', '：'])
        .to_string()
}

fn path_key(item: &Value) -> String {
    item["path"]
        .as_array()
        .map(|p| {
            p.iter()
                .map(|x| label(x.as_str().unwrap_or("")))
                .collect::<Vec<_>>()
                .join("/")
        })
        .unwrap_or_default()
}

fn unit_name(u: &Value) -> String {
    let s = match u {
        Value::String(s) => s.clone(),
        _ => u["name"]
            .as_str()
            .or(u["raw"].as_str())
            .unwrap_or("")
            .to_string(),
    };
    let s: String = s.chars().filter(|c| !c.is_whitespace()).collect();
    for p in PREFIXES {
        if s.starts_with(p) && s.chars().count() > p.chars().count() + 1 {
            return s[p.len()..].to_string();
        }
    }
    s
}

fn target_key(t: &Value) -> String {
    let v = t["value"]
        .as_f64()
        .map(|v| format!("{:.6}", v))
        .unwrap_or_default();
    format!(
        "{v}|{}|{}",
        t["unit"].as_str().unwrap_or(""),
        t["comparator"].as_str().unwrap_or("")
    )
}

/// F1 counts.
#[derive(Default, Debug, Clone, Copy)]
pub struct F {
    pub tp: usize,
    pub fp: usize,
    pub fn_: usize,
}

impl F {
    fn add(&mut self, pred: Vec<String>, gold: Vec<String>) {
        let mut g: HashMap<String, usize> = HashMap::new();
        for x in gold {
            *g.entry(x).or_default() += 1;
        }
        let total_gold: usize = g.values().sum();
        let mut tp = 0;
        let n = pred.len();
        for x in pred {
            if let Some(c) = g.get_mut(&x).filter(|c| **c > 0) {
                *c -= 1;
                tp += 1;
            }
        }
        self.tp += tp;
        self.fp += n - tp;
        self.fn_ += total_gold - tp;
    }

    /// F1 score (1.0 when both sides are empty).
    pub fn f1(&self) -> f64 {
        if self.tp + self.fp + self.fn_ == 0 {
            return 1.0;
        }
        2.0 * self.tp as f64 / (2 * self.tp + self.fp + self.fn_) as f64
    }
}

/// Scores of a prediction against a gold file.
#[derive(Debug, Default)]
pub struct Score {
    pub items: F,
    pub units: F,
    pub targets: F,
}

/// Score `pred` against `gold` like eval/score.py.
pub fn score(pred: &Value, gold: &Value) -> Score {
    let empty = vec![];
    let pitems: HashMap<String, &Value> = pred["items"]
        .as_array()
        .unwrap_or(&empty)
        .iter()
        .map(|i| (path_key(i), i))
        .collect();
    let gitems: HashMap<String, &Value> = gold["items"]
        .as_array()
        .unwrap_or(&empty)
        .iter()
        .map(|i| (path_key(i), i))
        .collect();
    let mut s = Score::default();
    s.items.add(
        pitems.keys().cloned().collect(),
        gitems.keys().cloned().collect(),
    );
    let mut keys: Vec<&String> = pitems.keys().chain(gitems.keys()).collect();
    keys.sort();
    keys.dedup();
    let null = Value::Null;
    for k in keys {
        let p = pitems.get(k).copied().unwrap_or(&null);
        let g = gitems.get(k).copied().unwrap_or(&null);
        for field in ["lead_units", "responsible_units"] {
            let names = |v: &Value| {
                v[field]
                    .as_array()
                    .map(|a| a.iter().map(unit_name).collect())
                    .unwrap_or_default()
            };
            // Units are counted per role, like the two F counters of score.py summed.
            let tag = |xs: Vec<String>| xs.into_iter().map(|x| format!("{field}:{x}")).collect();
            s.units.add(tag(names(p)), tag(names(g)));
        }
        let tk = |v: &Value| {
            v["targets"]
                .as_array()
                .map(|a| a.iter().map(target_key).collect())
                .unwrap_or_default()
        };
        s.targets.add(tk(p), tk(g));
    }
    s
}

/// The `path`s of a parsed notice's items, in order.
pub fn item_paths(v: &Value) -> Vec<Value> {
    v["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["path"].clone())
        .collect()
}

/// Parse a notice given as text with the default options.
pub fn parse(text: &str) -> fengong::Notice {
    fengong::parse_text(text, &fengong::Options::default())
}

/// The item at `path`, or a panic listing the paths there are.
pub fn item<'a>(n: &'a fengong::Notice, path: &[&str]) -> &'a fengong::Item {
    n.items.iter().find(|i| i.path == path).unwrap_or_else(|| {
        panic!(
            "no item {path:?} in {:?}",
            n.items.iter().map(|i| &i.path).collect::<Vec<_>>()
        )
    })
}

/// Names of an item's lead units.
pub fn lead(i: &fengong::Item) -> Vec<&str> {
    i.lead_units.iter().map(|u| u.name.as_str()).collect()
}

/// Names of an item's responsible units.
pub fn resp(i: &fengong::Item) -> Vec<&str> {
    i.responsible_units
        .iter()
        .map(|u| u.name.as_str())
        .collect()
}

/// A running `fengong serve` on a port the system picked, killed when
/// dropped.
pub struct Serve {
    child: Child,
    /// The port it listens on (127.0.0.1).
    pub port: u16,
}

impl Serve {
    /// Start `fengong serve --port 0` with `extra` arguments and read the
    /// address it prints.
    pub fn start(extra: &[&str]) -> Serve {
        let mut child = Command::new(env!("CARGO_BIN_EXE_fengong"))
            .args(["serve", "--port", "0"])
            .args(extra)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .expect("start fengong serve");
        let mut err = BufReader::new(child.stderr.take().unwrap());
        let mut line = String::new();
        err.read_line(&mut line).unwrap();
        let port = line
            .split("http://127.0.0.1:")
            .nth(1)
            .and_then(|r| r.split('/').next())
            .and_then(|p| p.parse().ok())
            .unwrap_or_else(|| panic!("no address in {line:?}"));
        // Keep draining standard error so the server never blocks on it.
        std::thread::spawn(move || {
            let mut sink = String::new();
            let _ = err.read_to_string(&mut sink);
        });
        Serve { child, port }
    }
}

impl Drop for Serve {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
