//! `fengong tasks`: per-unit ledgers of the seed, checked against the
//! hand-made lists in `fixtures/tasks/`, in every output format; and a
//! workbook written by fengong (edited by hand) read back as input.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

const SEED: &str = "seeds/000_7c5878c3eb2a3600.txt";

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn fengong(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_fengong"))
        .current_dir(root())
        .args(args)
        .output()
        .expect("the binary runs")
}

fn stdout(o: &Output) -> String {
    String::from_utf8(o.stdout.clone()).unwrap()
}

fn stderr(o: &Output) -> String {
    String::from_utf8(o.stderr.clone()).unwrap()
}

/// A fixture: (query, unit, kind, [(role, path, heading)]).
struct Expected {
    query: String,
    unit: String,
    kind: String,
    rows: Vec<(String, String, String)>,
}

fn fixture(name: &str) -> Expected {
    let text = std::fs::read_to_string(root().join("fixtures/tasks").join(name)).unwrap();
    let mut e = Expected {
        query: String::new(),
        unit: String::new(),
        kind: String::new(),
        rows: Vec::new(),
    };
    for line in text.lines() {
        let cols: Vec<&str> = line.split('\t').collect();
        match cols[0] {
            "# query" => e.query = cols[1].into(),
            "# unit" => e.unit = cols[1].into(),
            "# kind" => e.kind = cols[1].into(),
            c if c.starts_with('#') || line.is_empty() => {}
            _ => e
                .rows
                .push((cols[0].into(), cols[1].into(), cols[2].into())),
        }
    }
    assert!(!e.rows.is_empty(), "{name}");
    e
}

const FIXTURES: &[&str] = &[
    "seed_department_zhucechu.tsv",
    "seed_institution_xinxizhongxin.tsv",
    "seed_institution_shengshijianyuan.tsv",
    "seed_collective_gedi.tsv",
];

fn json_rows(v: &serde_json::Value) -> Vec<(String, String, String)> {
    v["entries"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            let role = match e["role"].as_str().unwrap() {
                "lead" => "牵头",
                "responsible" => "责任",
                r => panic!("role {r}"),
            };
            let path: Vec<&str> = e["path"]
                .as_array()
                .unwrap()
                .iter()
                .map(|p| p.as_str().unwrap())
                .collect();
            (
                role.to_string(),
                path.join("/"),
                e["heading"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

#[test]
fn seed_ledgers_match_the_hand_made_lists() {
    for name in FIXTURES {
        let want = fixture(name);
        let o = fengong(&["tasks", "--unit", &want.query, "--format", "json", SEED]);
        assert!(o.status.success(), "{name}: {}", stderr(&o));
        let v: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
        assert_eq!(v["unit"], want.unit.as_str(), "{name}");
        assert_eq!(v["kind"], want.kind.as_str(), "{name}");
        assert_eq!(json_rows(&v), want.rows, "{name}");
    }
}

#[test]
fn aliases_of_one_unit_give_one_ledger() {
    let base = stdout(&fengong(&["tasks", "-u", "注册处", "-f", "json", SEED]));
    for q in [
        "省局注册处",
        "省市场监管局登记注册处",
        "湖北省市场监督管理局登记注册处",
    ] {
        let o = fengong(&["tasks", "-u", q, "-f", "json", SEED]);
        assert!(o.status.success(), "{q}: {}", stderr(&o));
        assert_eq!(stdout(&o), base, "{q}");
    }
}

#[test]
fn table_is_the_default_and_aligned() {
    let o = fengong(&["tasks", "-u", "注册处", SEED]);
    assert!(o.status.success(), "{}", stderr(&o));
    let out = stdout(&o);
    let mut lines = out.lines();
    assert_eq!(
        lines.next().unwrap(),
        "省市场监管局登记注册处 (department): 7 items, 牵头 6, 责任 1"
    );
    let header = lines.next().unwrap();
    assert!(header.starts_with("角色  来源文件"), "{header}");
    // The heading column starts at the same display column on every line.
    let width = |s: &str| -> usize {
        s.chars()
            .map(|c| if (c as u32) >= 0x2E80 { 2 } else { 1 })
            .sum()
    };
    let at = |line: &str, needle: &str| width(&line[..line.find(needle).unwrap()]);
    let rows: Vec<&str> = lines.collect();
    let col = at(header, "标题");
    assert_eq!(at(rows[0], "全省市场主体数量"), col, "{out}");
    assert_eq!(at(rows[1], "完善商事主体准入制度"), col, "{out}");
    assert_eq!(at(rows[6], "优化公平竞争市场环境"), col, "{out}");
}

#[test]
fn csv_has_a_bom_unless_told_not_to() {
    let o = fengong(&["tasks", "-u", "信息中心", "-f", "csv", SEED]);
    assert!(o.status.success());
    assert!(o.stdout.starts_with(b"\xEF\xBB\xBF"));
    let o = fengong(&["tasks", "-u", "信息中心", "-f", "csv", "--no-bom", SEED]);
    let text = stdout(&o);
    assert!(
        text.starts_with("单位,角色,来源文件,编号路径,标题,列名,指标,完成时限\n"),
        "{text}"
    );
    let want = fixture("seed_institution_xinxizhongxin.tsv");
    let mut rdr = csv::Reader::from_reader(text.as_bytes());
    let rows: Vec<(String, String, String)> = rdr
        .records()
        .map(|r| {
            let r = r.unwrap();
            assert_eq!(&r[0], "省市场监管局信息中心");
            (r[1].to_string(), r[3].to_string(), r[4].to_string())
        })
        .collect();
    assert_eq!(rows, want.rows);
}

#[test]
fn unknown_unit_exits_1_with_close_matches() {
    let o = fengong(&["tasks", "-u", "食品", SEED]);
    assert_eq!(o.status.code(), Some(1));
    let err = stderr(&o);
    assert!(err.contains("no unit matches `食品`"), "{err}");
    assert!(err.contains("省市场监管局食品协调处"), "{err}");
    assert!(stdout(&o).is_empty());
}

#[test]
fn xlsx_needs_an_output_file() {
    let o = fengong(&["tasks", "-u", "注册处", "-f", "xlsx", SEED]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
}

fn sheet_rows(path: &Path, sheet: &str) -> Vec<Vec<String>> {
    use calamine::Reader;
    let mut wb = calamine::open_workbook_auto(path).unwrap();
    wb.worksheet_range(sheet)
        .unwrap()
        .rows()
        .map(|r| r.iter().map(|c| c.to_string()).collect())
        .collect()
}

#[test]
fn xlsx_ledger_of_one_unit() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("ledger.xlsx");
    let o = fengong(&[
        "tasks",
        "-u",
        "各市、州、县市场监管局",
        "-f",
        "xlsx",
        "-o",
        out.to_str().unwrap(),
        SEED,
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let want = fixture("seed_collective_gedi.tsv");
    // Sheet names may not contain more than 31 characters; this one fits.
    let rows = sheet_rows(&out, "各市、州、县市场监管局");
    assert_eq!(rows[0][..4], ["角色", "来源文件", "编号路径", "标题"]);
    let got: Vec<(String, String, String)> = rows[1..]
        .iter()
        .map(|r| (r[0].clone(), r[2].clone(), r[3].clone()))
        .collect();
    assert_eq!(got, want.rows);
}

#[test]
fn all_units_one_sheet_or_one_csv_per_unit() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("all.xlsx");
    let o = fengong(&[
        "tasks",
        "--all-units",
        "-f",
        "xlsx",
        "-o",
        out.to_str().unwrap(),
        SEED,
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let names = {
        use calamine::Reader;
        calamine::open_workbook_auto(&out).unwrap().sheet_names()
    };
    assert!(names.len() > 30, "{names:?}");
    assert!(names.iter().all(
        |n| n.encode_utf16().count() <= 31 && !n.contains(['[', ']', ':', '*', '?', '/', '\\'])
    ));
    assert!(names.contains(&"省市场监管局登记注册处".to_string()));
    let rows = sheet_rows(&out, "省市场监管局登记注册处");
    assert_eq!(rows.len(), 1 + 7);

    let csv_dir = dir.path().join("csv");
    let o = fengong(&[
        "tasks",
        "--all-units",
        "-f",
        "csv",
        "--out-dir",
        csv_dir.to_str().unwrap(),
        SEED,
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let said = stderr(&o);
    assert!(said.contains(" CSV files into "), "{said}");
    // `-q`: the same files, and nothing said.
    let o = fengong(&[
        "tasks",
        "--all-units",
        "-f",
        "csv",
        "-q",
        "--out-dir",
        csv_dir.to_str().unwrap(),
        SEED,
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(stderr(&o), "");
    let files: Vec<String> = std::fs::read_dir(&csv_dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    assert_eq!(files.len(), names.len());
    let text = std::fs::read_to_string(csv_dir.join("省市场监管局信息中心.csv")).unwrap();
    assert_eq!(text.lines().count(), 1 + 5);
    assert!(text.starts_with('\u{feff}'));
}

/// Write the seed as a fengong workbook, edit it by hand (the lead unit of
/// 一/2 becomes 注册处 in `单位`), and list 注册处's tasks from it.
#[test]
fn workbook_read_back_as_input_with_edits() {
    use fengong::output::xlsx;
    let dir = tempfile::tempdir().unwrap();
    let opts = fengong::Options::default();
    let notice = fengong::parse_path(&root().join(SEED), &opts).unwrap();

    // Untouched: the same ledger as from the text.
    let plain = dir.path().join("seed.xlsx");
    std::fs::write(
        &plain,
        xlsx::workbook(std::slice::from_ref(&notice)).unwrap(),
    )
    .unwrap();
    let from_text = stdout(&fengong(&["tasks", "-u", "注册处", "-f", "json", SEED]));
    let o = fengong(&[
        "tasks",
        "-u",
        "注册处",
        "-f",
        "json",
        plain.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(stdout(&o), from_text);
    let back = fengong::parse_path_all(&plain, &opts).unwrap();
    assert_eq!(back, vec![notice.clone()]);

    // Edited: copy every sheet cell by cell, changing one canonical name.
    let edited = dir.path().join("edited.xlsx");
    {
        use calamine::{Data, Reader};
        let mut src = calamine::open_workbook_auto(&plain).unwrap();
        let mut wb = rust_xlsxwriter::Workbook::new();
        for name in src.sheet_names() {
            let range = src.worksheet_range(&name).unwrap();
            let ws = wb.add_worksheet();
            ws.set_name(&name).unwrap();
            for (r, row) in range.rows().enumerate() {
                let lead_of_1_2 = name == "单位" && row[1] == "一/2" && row[3] == "牵头";
                for (c, cell) in row.iter().enumerate() {
                    let (r, c) = (r as u32, c as u16);
                    match cell {
                        _ if lead_of_1_2 && c == 6 => {
                            ws.write_string(r, c, "注册处").unwrap();
                        }
                        Data::Float(v) => {
                            ws.write_number(r, c, *v).unwrap();
                        }
                        Data::Empty => {}
                        other => {
                            ws.write_string(r, c, other.to_string()).unwrap();
                        }
                    }
                }
            }
        }
        wb.save(&edited).unwrap();
    }
    let o = fengong(&[
        "tasks",
        "-u",
        "注册处",
        "-f",
        "json",
        edited.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    let rows = json_rows(&v);
    assert_eq!(rows.len(), 8);
    assert_eq!(rows[1].0, "牵头");
    assert_eq!(rows[1].1, "一/2");
    let back = fengong::parse_path(&edited, &opts).unwrap();
    let item = back.items.iter().find(|i| i.path == ["一", "2"]).unwrap();
    assert_eq!(item.lead_units[0].canonical, "省市场监管局登记注册处");
    assert_eq!(
        item.warnings,
        ["edited-in-spreadsheet: 单位 row 5 (规范名称)"],
        "{:?}",
        item.warnings
    );
    let untouched = back.items.iter().filter(|i| i.warnings.is_empty()).count();
    assert_eq!(
        untouched,
        notice
            .items
            .iter()
            .filter(|i| i.warnings.is_empty())
            .count()
            - 1
    );
}

/// Every corpus notice survives a workbook round trip unchanged.
#[test]
fn corpus_notices_round_trip_through_workbooks() {
    let opts = fengong::Options::default();
    let mut notices = Vec::new();
    for e in std::fs::read_dir(root().join("corpus")).unwrap() {
        let p = e.unwrap().path();
        if p.extension().is_some_and(|x| x == "txt")
            && let Ok(n) = fengong::parse_path(&p, &opts)
        {
            notices.push(n);
        }
    }
    assert!(notices.len() > 5);
    let bytes = fengong::output::xlsx::workbook(&notices).unwrap();
    let back = fengong::input::fengong_xlsx::read_workbook(&bytes)
        .unwrap()
        .unwrap();
    assert_eq!(back.len(), notices.len());
    for (a, b) in back.iter().zip(&notices) {
        assert_eq!(a.items.len(), b.items.len(), "{:?}", b.source);
        for (x, y) in a.items.iter().zip(&b.items) {
            assert_eq!(x, y, "{:?}", b.source);
        }
        assert_eq!(a, b);
    }
}

const CAIDIAN: &str =
    "corpus/17_wuhan-caidian-caizhengban-2023-1-zhengfu-gongzuo-baogao-fenjie.txt";
const GUANDU: &str = "corpus/19_kunming-guandu-2016-wenzengzhang-zhengcecuoshi.txt";

fn entry_sources(v: &serde_json::Value) -> Vec<(String, String)> {
    v["entries"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            (
                e["source"].as_str().unwrap()[..2].to_string(),
                e["listed_as"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

#[test]
fn a_department_type_matches_every_place_and_place_narrows_it() {
    // 区发展和改革局 (蔡甸区, twice responsible) and 区发改局 (官渡区, once
    // responsible, once lead) are one department type in two districts.
    let o = fengong(&[
        "tasks",
        "--unit",
        "发展和改革局",
        "-f",
        "json",
        CAIDIAN,
        GUANDU,
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let all: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(all["unit"], "发展和改革局");
    let sources = entry_sources(&all);
    assert_eq!(sources.len(), 4, "{sources:?}");
    assert_eq!(sources.iter().filter(|s| s.0 == "17").count(), 2);
    assert!(
        sources
            .iter()
            .any(|s| s == &("19".into(), "区发改局".into()))
    );
    // The issuer 蔡甸区人民政府办公室 makes 区 of notice 17 蔡甸区.
    let o = fengong(&[
        "tasks",
        "--unit",
        "发改局",
        "--place",
        "蔡甸区",
        "-f",
        "json",
        CAIDIAN,
        GUANDU,
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let caidian: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(caidian["unit"], "蔡甸区发展和改革局");
    assert!(entry_sources(&caidian).iter().all(|s| s.0 == "17"));
    assert_eq!(entry_sources(&caidian).len(), 2);
    // Notice 19 names no issuer: its 区 is no known district.
    let o = fengong(&[
        "tasks",
        "--unit",
        "发展和改革局",
        "--place",
        "官渡区",
        GUANDU,
    ]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("in `官渡区`"), "{}", stderr(&o));
    // --place needs --unit.
    let o = fengong(&["tasks", "--all-units", "--place", "蔡甸区", CAIDIAN]);
    assert!(!o.status.success());
}
