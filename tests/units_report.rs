//! `fengong units`: the units report across notices.

mod common;
use common::*;

#[test]
fn units_report_counts_roles_and_flags_unknown_units() {
    let o = fengong(&[
        "units",
        "seeds/000_7c5878c3eb2a3600.txt",
        "corpus/04_guofa-2019-3-zonghebaoshuiqu.txt",
        "--format",
        "json",
    ]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let rows: Vec<serde_json::Value> = serde_json::from_slice(&o.stdout).unwrap();
    let reg = rows
        .iter()
        .find(|r| r["canonical"] == "省市场监管局登记注册处")
        .unwrap();
    assert_eq!(
        (reg["lead"].as_u64(), reg["responsible"].as_u64()),
        (Some(6), Some(1))
    );
    assert_eq!(reg["known"], true);
    assert_eq!(
        (reg["department"].as_str(), reg["place"].as_str()),
        (Some("市场监督管理局"), Some("省"))
    );
    let coll = rows
        .iter()
        .find(|r| r["canonical"] == "各市、州、县市场监管局")
        .unwrap();
    assert_eq!(
        (coll["kind"].as_str(), coll["responsible"].as_u64()),
        (Some("collective"), Some(33))
    );
    assert!(rows.iter().any(|r| r["known"] == false));
    let sorted: Vec<&str> = rows
        .iter()
        .map(|r| r["canonical"].as_str().unwrap())
        .collect();
    let mut s2 = sorted.clone();
    s2.sort();
    assert_eq!(sorted, s2);
}

#[test]
fn units_report_csv_and_unknown_filter() {
    let o = fengong(&["units", "seeds", "--format", "csv", "--unknown"]);
    assert!(o.status.success());
    assert!(o.stdout.starts_with(b"\xEF\xBB\xBF"));
    let mut rdr = csv::Reader::from_reader(&o.stdout[3..]);
    let rows: Vec<csv::StringRecord> = rdr.records().map(Result::unwrap).collect();
    assert!(!rows.is_empty());
    assert!(rows.iter().all(|r| &r[5] == "no"));
    let header = rdr.headers().unwrap().clone();
    let tail: Vec<&str> = header.iter().skip(7).collect();
    assert_eq!(tail, ["department", "place", "successor"]);
    assert!(!rows.iter().any(|r| &r[0] == "省市场监管局登记注册处"));
}

#[test]
fn user_alias_table_overrides_and_bad_tables_are_named() {
    let dir = tempfile::tempdir().unwrap();
    let table = dir.path().join("aliases.csv");
    std::fs::write(
        &table,
        "alias,canonical,kind\n省局注册处,湖北省市场监管局登记注册处,department\n",
    )
    .unwrap();
    let o = fengong(&[
        "parse",
        "seeds/000_7c5878c3eb2a3600.txt",
        "--aliases",
        table.to_str().unwrap(),
    ]);
    assert!(o.status.success());
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(
        v["items"][1]["lead_units"][0]["canonical"],
        "湖北省市场监管局登记注册处"
    );
    std::fs::write(&table, "alias,canonical,kind\n省局注册处,,department\n").unwrap();
    let o = fengong(&[
        "parse",
        "seeds/000_7c5878c3eb2a3600.txt",
        "--aliases",
        table.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(2));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains("aliases.csv") && err.contains("row 2, column 2"),
        "{err}"
    );
}

#[test]
fn units_report_merges_spellings_of_a_department_and_shows_its_type() {
    let o = fengong(&[
        "units",
        "corpus/08_guangzhou-suifuban-2006-19-zhengfu-gongzuo-shixiang.txt",
        "corpus/14_xining-2017-liutongye-shishiyijian.txt",
    ]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let table = String::from_utf8(o.stdout).unwrap();
    let header = table.lines().next().unwrap();
    assert!(
        header.contains("department") && header.contains("place"),
        "{header}"
    );
    // 市發改委 (traditional) and 市发改委 are one row, by canonical name.
    let ndrc: Vec<&str> = table
        .lines()
        .filter(|l| l.starts_with("市发展和改革委员会 "))
        .collect();
    assert_eq!(ndrc.len(), 1, "{table}");
    assert!(
        ndrc[0].contains("發改委") && ndrc[0].contains("市发改委"),
        "{}",
        ndrc[0]
    );
}
