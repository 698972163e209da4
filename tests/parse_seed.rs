//! `fengong parse` on the seed notice: the hand-checked expected JSON, the
//! gold score, encodings, output formats and error handling.

mod common;
use common::*;
use serde_json::Value;

const SEED: &str = "seeds/000_7c5878c3eb2a3600.txt";

fn expected() -> Value {
    serde_json::from_slice(
        &std::fs::read(repo("fixtures/seed/000_7c5878c3eb2a3600.expected.json")).unwrap(),
    )
    .unwrap()
}

#[test]
fn seed_matches_the_hand_checked_expected_json() {
    let got = parse_json(&repo(SEED));
    let want = expected();
    assert_eq!(got["meta"], want["meta"]);
    let (gi, wi) = (
        got["items"].as_array().unwrap(),
        want["items"].as_array().unwrap(),
    );
    assert_eq!(gi.len(), wi.len());
    for (g, w) in gi.iter().zip(wi) {
        assert_eq!(g, w, "item {}", w["path"]);
    }
    assert_eq!(got, want);
}

#[test]
fn seed_scores_perfectly_against_the_gold() {
    let gold: Value =
        serde_json::from_slice(&std::fs::read(repo("fixtures/seed/seed.gold.json")).unwrap())
            .unwrap();
    let s = score(&parse_json(&repo(SEED)), &gold);
    assert_eq!(
        (s.items.f1(), s.units.f1(), s.targets.f1()),
        (1.0, 1.0, 1.0),
        "{s:?}"
    );
    assert_eq!(s.targets.tp, 15);
}

#[test]
fn gbk_and_bom_copies_parse_the_same() {
    let want = parse_json(&repo(SEED));
    for f in ["fixtures/seed/seed.gbk.txt", "fixtures/seed/seed.bom.txt"] {
        let got = parse_json(&repo(f));
        assert_eq!(got["items"], want["items"], "{f}");
        assert_eq!(got["meta"], want["meta"], "{f}");
    }
    assert_eq!(
        parse_json(&repo("fixtures/seed/seed.gbk.txt"))["encoding"],
        "GB18030"
    );
}

#[test]
fn csv_has_a_bom_by_default_and_one_row_per_item() {
    let out = fengong(&["parse", SEED, "--format", "csv"]);
    assert!(out.status.success());
    assert!(out.stdout.starts_with(b"\xEF\xBB\xBF"));
    let mut rdr = csv::Reader::from_reader(&out.stdout[3..]);
    let headers = rdr.headers().unwrap().clone();
    assert_eq!(&headers[1], "path");
    let rows: Vec<csv::StringRecord> = rdr.records().map(Result::unwrap).collect();
    assert_eq!(rows.len(), 41);
    let row = rows.iter().find(|r| &r[1] == "一/6").unwrap();
    assert_eq!(&row[4], "省局食品抽检处；省局食品协调处");
    let out = fengong(&["parse", SEED, "--format", "csv", "--no-bom"]);
    assert!(out.stdout.starts_with(b"source,"));
}

#[test]
fn units_and_targets_csv() {
    let out = fengong(&["parse", SEED, "--format", "units-csv", "--no-bom"]);
    let mut rdr = csv::Reader::from_reader(out.stdout.as_slice());
    let rows: Vec<csv::StringRecord> = rdr.records().map(Result::unwrap).collect();
    assert_eq!(rows.len(), 75 + 68);
    assert!(
        rows.iter()
            .any(|r| &r[1] == "一/1" && &r[3] == "lead" && &r[6] == "省市场监管局登记注册处")
    );
    let out = fengong(&["parse", SEED, "--format", "targets-csv", "--no-bom"]);
    let mut rdr = csv::Reader::from_reader(out.stdout.as_slice());
    let rows: Vec<csv::StringRecord> = rdr.records().map(Result::unwrap).collect();
    assert_eq!(rows.len(), 15);
    assert!(
        rows.iter()
            .any(|r| &r[5] == "0.1" && r[7].is_empty() && &r[8] == "<=" && &r[10] == "2025")
    );
}

#[test]
fn output_file_is_written_and_identical_on_rerun() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("seed.json");
    for _ in 0..2 {
        let o = fengong(&["parse", SEED, "-o", out.to_str().unwrap()]);
        assert!(o.status.success());
    }
    let a = std::fs::read(&out).unwrap();
    let stdout = fengong(&["parse", SEED]).stdout;
    assert_eq!(a, stdout);
    // No temporary files left behind.
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
}

#[test]
fn bad_input_is_a_clear_error_naming_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let bin = dir.path().join("random.txt");
    let bytes: Vec<u8> = (0..4096u32)
        .map(|i| (i.wrapping_mul(2654435761) >> 13) as u8)
        .collect();
    std::fs::write(&bin, bytes).unwrap();
    let out = fengong(&["parse", bin.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("random.txt") && err.contains("binary"),
        "{err}"
    );
    let out = fengong(&["parse", "no/such/file.txt"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("no/such/file.txt"));
}

#[test]
fn an_error_does_not_overwrite_an_existing_output() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("keep.json");
    // An earlier output of fengong (a file it did not write is refused outright).
    std::fs::write(&out, "[]\n").unwrap();
    let o = fengong(&["parse", "no/such/file.txt", "-o", out.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(1));
    assert_eq!(std::fs::read_to_string(&out).unwrap(), "[]\n");
}

#[test]
fn usage_errors_exit_2() {
    assert_eq!(fengong(&["parse"]).status.code(), Some(2));
    assert_eq!(
        fengong(&["parse", SEED, "--format", "nope"]).status.code(),
        Some(2)
    );
}
