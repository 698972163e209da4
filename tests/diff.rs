//! Integration tests of `fengong diff`, run on the built binary.

use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::time::{Duration, Instant};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn seed() -> PathBuf {
    root().join("seeds/000_7c5878c3eb2a3600.txt")
}

fn rev() -> PathBuf {
    root().join("fixtures/diff/seed_rev.txt")
}

fn corpus(prefix: &str) -> PathBuf {
    let dir = root().join("corpus");
    std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| {
            p.file_name()
                .and_then(|n| n.to_str())
                .is_some_and(|n| n.starts_with(prefix))
        })
        .unwrap_or_else(|| panic!("no corpus file {prefix}*"))
}

fn fengong(args: &[&std::ffi::OsStr]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_fengong"))
        .args(args)
        .env("NO_COLOR", "1")
        .output()
        .expect("run fengong")
}

fn diff_json(old: &Path, new: &Path) -> Value {
    let out = fengong(&[
        "diff".as_ref(),
        old.as_os_str(),
        new.as_os_str(),
        "--format".as_ref(),
        "json".as_ref(),
    ]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("diff JSON")
}

fn inline_redline(c: &Value) -> String {
    c["redline"]
        .as_array()
        .map(|segs| {
            segs.iter()
                .map(|s| {
                    let t = s["text"].as_str().unwrap();
                    match s["kind"].as_str().unwrap() {
                        "delete" => format!("[-{t}-]"),
                        "insert" => format!("{{+{t}+}}"),
                        _ => t.to_string(),
                    }
                })
                .collect()
        })
        .unwrap_or_default()
}

/// Check a diff against the compact expected form of `seed_rev.expected.json`.
fn check_expected(d: &Value) {
    let exp: Value = serde_json::from_str(
        &std::fs::read_to_string(root().join("fixtures/diff/seed_rev.expected.json")).unwrap(),
    )
    .unwrap();
    for (k, v) in exp["stats"].as_object().unwrap() {
        assert_eq!(&d["stats"][k], v, "stats.{k}: {}", d["stats"]);
    }
    let got = d["changes"].as_array().unwrap();
    let want = exp["changes"].as_array().unwrap();
    let brief: Vec<String> = got
        .iter()
        .map(|c| {
            format!(
                "{} {} {} {} {} {}",
                c["kind"],
                c["old_path"],
                c["new_path"],
                c["old"],
                c["new"],
                inline_redline(c)
            )
        })
        .collect();
    assert_eq!(got.len(), want.len(), "{brief:#?}");
    for (g, w) in got.iter().zip(want) {
        for key in ["kind", "old_path", "new_path", "old", "new"] {
            assert_eq!(g[key], w[key], "{key} of {w}\n got {g}\n all: {brief:#?}");
        }
        if let Some(frag) = w["redline_contains"].as_str() {
            let r = inline_redline(g);
            assert!(r.contains(frag), "redline of {w}: {r}");
        }
    }
    // Impact summary.
    let impact = d["impact"].as_array().unwrap();
    for (unit, lists) in exp["impact"].as_object().unwrap() {
        let u = impact
            .iter()
            .find(|u| u["unit"] == unit.as_str())
            .unwrap_or_else(|| panic!("no impact for {unit}"));
        for list in ["gained", "lost", "targets_changed"] {
            let paths: Vec<&str> = u[list]
                .as_array()
                .unwrap()
                .iter()
                .map(|e| e["path"].as_str().unwrap())
                .collect();
            let want: Vec<&str> = lists[list]
                .as_array()
                .unwrap()
                .iter()
                .map(|p| p.as_str().unwrap())
                .collect();
            assert_eq!(paths, want, "{unit} {list}");
        }
    }
}

#[test]
fn seed_vs_revision_gives_the_expected_changes() {
    check_expected(&diff_json(&seed(), &rev()));
}

#[test]
fn text_report_puts_the_impact_summary_first() {
    let out = fengong(&["diff".as_ref(), seed().as_os_str(), rev().as_os_str()]);
    assert_eq!(out.status.code(), Some(0));
    let t = String::from_utf8(out.stdout).unwrap();
    assert!(!t.contains('\x1b'), "no colour when not a TTY");
    let impact = t.find("Impact by unit").expect("impact section");
    let changes = t.find("\nChanges").expect("changes section");
    assert!(impact < changes);
    assert!(t.contains("850万户 → 900万户"), "{t}");
    assert!(t.contains("[-850-]{+900+}万户"), "{t}");
    assert!(t.contains("+省市场监管局信用处"), "{t}");
}

#[test]
fn layout_only_copies_give_an_empty_diff() {
    let d = diff_json(&corpus("25_"), &corpus("26_"));
    assert_eq!(d["changes"].as_array().unwrap().len(), 0, "{d:#}");
    assert_eq!(d["impact"].as_array().unwrap().len(), 0);
    let notes = d["notes"].as_array().unwrap();
    assert!(
        notes
            .iter()
            .any(|n| n.as_str().unwrap().contains("truncated")),
        "{notes:?}"
    );
    // And the other way round.
    let d = diff_json(&corpus("26_"), &corpus("25_"));
    assert_eq!(d["changes"].as_array().unwrap().len(), 0, "{d:#}");
    // A notice against itself.
    let d = diff_json(&seed(), &seed());
    assert_eq!(d["changes"].as_array().unwrap().len(), 0);
    assert_eq!(d["stats"]["unchanged"], d["stats"]["old_items"]);
}

#[test]
fn parse_json_output_is_accepted_on_either_side() {
    let dir = tempfile::tempdir().unwrap();
    let json = dir.path().join("seed.json");
    let out = fengong(&[
        "parse".as_ref(),
        seed().as_os_str(),
        "-o".as_ref(),
        json.as_os_str(),
    ]);
    assert_eq!(out.status.code(), Some(0));
    let d = diff_json(&seed(), &json);
    assert_eq!(d["changes"].as_array().unwrap().len(), 0, "{d:#}");
    check_expected(&diff_json(&json, &rev()));
}

#[test]
fn a_missing_file_is_exit_1_naming_it() {
    let missing = root().join("fixtures/diff/no-such-notice.txt");
    let out = fengong(&["diff".as_ref(), seed().as_os_str(), missing.as_os_str()]);
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("no-such-notice.txt"), "{err}");
    assert!(out.stdout.is_empty());
    // A broken JSON is named too.
    let dir = tempfile::tempdir().unwrap();
    let bad = dir.path().join("broken.json");
    std::fs::write(&bad, "{\"items\": [").unwrap();
    let out = fengong(&["diff".as_ref(), bad.as_os_str(), seed().as_os_str()]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("broken.json"));
}

#[test]
fn csv_has_one_row_per_change_and_a_bom() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("changes.csv");
    let args = |extra: &[&str]| {
        let mut v: Vec<std::ffi::OsString> = vec![
            "diff".into(),
            seed().into(),
            rev().into(),
            "-f".into(),
            "csv".into(),
            "-o".into(),
            path.clone().into(),
        ];
        v.extend(extra.iter().map(|s| s.into()));
        v
    };
    let run = |a: Vec<std::ffi::OsString>| {
        let a: Vec<&std::ffi::OsStr> = a.iter().map(|s| s.as_os_str()).collect();
        assert_eq!(fengong(&a).status.code(), Some(0));
        std::fs::read(&path).unwrap()
    };
    let bytes = run(args(&[]));
    assert!(bytes.starts_with(b"\xEF\xBB\xBF"));
    let d = diff_json(&seed(), &rev());
    let mut r = csv::Reader::from_reader(&bytes[3..]);
    let rows: Vec<csv::StringRecord> = r.records().map(|r| r.unwrap()).collect();
    let impact = rows.iter().filter(|r| &r[0] == "impact").count();
    assert_eq!(impact, d["impact"].as_array().unwrap().len());
    assert_eq!(rows.len() - impact, d["changes"].as_array().unwrap().len());
    assert!(
        rows.iter()
            .any(|r| &r[0] == "target" && &r[12] == "850万户" && &r[13] == "900万户")
    );
    let bytes = run(args(&["--no-bom"]));
    assert!(bytes.starts_with(b"kind,"));
    // Atomic write leaves no temporary file behind.
    let names: Vec<_> = std::fs::read_dir(dir.path()).unwrap().collect();
    assert_eq!(names.len(), 1);
}

/// Run headless Chromium on a file and return the rendered DOM, if Chromium is installed.
fn chromium_dom(html: &Path) -> Option<String> {
    let bin = Path::new("/usr/bin/chromium");
    if !bin.exists() {
        // Written to the process's stderr directly (not `eprintln!`, which the
        // test harness captures), so the fallback shows in `cargo test`.
        use std::io::Write;
        let _ = writeln!(
            std::io::stderr().lock(),
            "note: /usr/bin/chromium not found; the diff HTML report is checked statically only (install chromium for the render test)"
        );
        return None;
    }
    let profile = tempfile::tempdir().unwrap();
    let mut child = Command::new(bin)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
        ])
        .arg(format!("--user-data-dir={}", profile.path().display()))
        .arg("--dump-dom")
        .arg(format!("file://{}", html.display()))
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .spawn()
        .expect("start chromium");
    let start = Instant::now();
    loop {
        if child.try_wait().unwrap().is_some() {
            break;
        }
        if start.elapsed() > Duration::from_secs(90) {
            let _ = child.kill();
            panic!("chromium did not finish within 90 s");
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    let out = child.wait_with_output().unwrap();
    Some(String::from_utf8_lossy(&out.stdout).into_owned())
}

#[test]
fn html_report_is_self_contained_and_renders() {
    let dir = tempfile::tempdir().unwrap();
    let html = dir.path().join("report.html");
    let out = fengong(&[
        "diff".as_ref(),
        seed().as_os_str(),
        rev().as_os_str(),
        "--format".as_ref(),
        "html".as_ref(),
        "-o".as_ref(),
        html.as_os_str(),
    ]);
    assert_eq!(out.status.code(), Some(0));
    assert!(out.stdout.is_empty());
    let h = std::fs::read_to_string(&html).unwrap();
    // Static checks: one file, no external resources, impact first.
    assert!(h.starts_with("<!DOCTYPE html>"));
    for bad in ["http://", "https://", "<script", "<link", "src=", "@import"] {
        assert!(!h.contains(bad), "HTML contains {bad}");
    }
    let impact = h.find("id=\"impact\"").unwrap();
    assert!(impact < h.find("id=\"changes\"").unwrap());
    assert!(h.contains("900万户"));
    assert!(h.contains("省市场监管局信用处"));
    if let Some(dom) = chromium_dom(&html) {
        assert!(dom.contains("Impact by unit"), "rendered DOM: {dom}");
        assert!(dom.contains("id=\"impact\""));
        assert!(dom.contains("900万户"));
        assert!(dom.contains("<del>850万户</del>"));
    }
}
