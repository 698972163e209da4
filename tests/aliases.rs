//! Alias normalisation across every notice: the department table
//! (`src/data/departments.tsv`) on the corpus, on a notice written here, and
//! the table's own sources.

mod common;
use common::*;
use fengong::units::alias::Departments;
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet, HashSet};

fn corpus_files() -> Vec<String> {
    let mut files: Vec<String> = std::fs::read_dir(repo("corpus"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "txt"))
        .map(|p| p.to_str().unwrap().to_string())
        .collect();
    files.sort();
    assert!(files.len() >= 20, "{files:?}");
    files
}

fn units_report(inputs: &[&str]) -> Vec<Value> {
    let mut args = vec!["units", "--format", "json"];
    args.extend_from_slice(inputs);
    let o = fengong(&args);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    serde_json::from_slice(&o.stdout).unwrap()
}

fn text(v: &Value) -> Option<&str> {
    v.as_str()
}

#[test]
fn most_department_units_of_the_corpus_are_known() {
    let files = corpus_files();
    let inputs: Vec<&str> = files.iter().map(String::as_str).collect();
    let rows = units_report(&inputs);
    let departments: Vec<&Value> = rows.iter().filter(|r| r["kind"] == "department").collect();
    let known = departments.iter().filter(|r| r["known"] == true).count();
    let share = known as f64 / departments.len() as f64;
    let unknown: Vec<&str> = departments
        .iter()
        .filter(|r| r["known"] == false)
        .filter_map(|r| text(&r["canonical"]))
        .collect();
    assert!(
        departments.len() >= 80 && share >= 0.90,
        "{known} of {} department units known ({share:.3}); unknown: {unknown:?}",
        departments.len()
    );
}

#[test]
fn no_two_canonical_names_in_one_notice_name_the_same_department() {
    let table = Departments::builtin();
    let mut checked = 0;
    for f in corpus_files() {
        let rows = units_report(&[&f]);
        let mut by_department: BTreeMap<(String, String), BTreeSet<String>> = BTreeMap::new();
        for r in &rows {
            let Some(department) = text(&r["department"]) else {
                continue;
            };
            // The department itself, not one of its offices (省局注册处).
            let itself = r["aliases"].as_array().unwrap().iter().any(|a| {
                table
                    .parse(&fengong::repair::fold(a.as_str().unwrap()))
                    .is_some_and(|d| d.suffix.is_empty())
            });
            if itself {
                let place = text(&r["place"]).unwrap_or("").to_string();
                by_department
                    .entry((department.to_string(), place))
                    .or_default()
                    .insert(r["canonical"].as_str().unwrap().to_string());
                checked += 1;
            }
        }
        for ((department, place), names) in by_department {
            assert_eq!(names.len(), 1, "{f}: {place}{department} is {names:?}");
        }
    }
    assert!(checked >= 60, "only {checked} departments checked");
}

const CITY_NOTICE: &str = "武汉市人民政府办公厅关于印发重点工作分工方案的通知
一、稳增长
1.扩大有效投资。（牵头单位：市发改委；责任单位：市财政局、市人社局）
2.稳定就业。（牵头单位：市人力资源和社会保障局；责任单位：市发展改革委、江岸区发改局、汉阳区发展和改革局）
3.优化服务。（牵头单位：市发展和改革委员会；责任单位：咸宁市发展改革委、市工商局）
";

fn units_of(v: &Value) -> Vec<Value> {
    v["items"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|it| {
            let lead = it["lead_units"].as_array().unwrap().iter();
            lead.chain(it["responsible_units"].as_array().unwrap())
                .cloned()
                .collect::<Vec<_>>()
        })
        .collect()
}

#[test]
fn spellings_in_one_place_give_one_canonical_and_places_stay_apart() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("city.txt");
    std::fs::write(&path, CITY_NOTICE).unwrap();
    let units = units_of(&parse_json(&path));
    let canonical = |raw: &str| -> &Value {
        units
            .iter()
            .find(|u| u["raw"] == raw)
            .unwrap_or_else(|| panic!("{raw} not found in {units:?}"))
    };
    for raw in ["市发改委", "市发展改革委", "市发展和改革委员会"] {
        let u = canonical(raw);
        assert_eq!(u["canonical"], "市发展和改革委员会", "{raw}");
        assert_eq!(u["department"], "发展和改革委员会", "{raw}");
        assert_eq!(
            (&u["place"], &u["known"]),
            (&Value::from("市"), &Value::Bool(true))
        );
    }
    let xianning = canonical("咸宁市发展改革委");
    assert_eq!(xianning["canonical"], "咸宁市发展和改革委员会");
    assert_eq!(xianning["department"], "发展和改革委员会");
    assert_eq!(xianning["place"], "咸宁市");
    let districts: HashSet<&str> = ["江岸区发改局", "汉阳区发展和改革局"]
        .iter()
        .map(|r| canonical(r)["canonical"].as_str().unwrap())
        .collect();
    assert_eq!(
        districts,
        HashSet::from(["江岸区发展和改革局", "汉阳区发展和改革局"])
    );
    assert_eq!(canonical("市人社局")["canonical"], "市人力资源和社会保障局");
    let aic = canonical("市工商局");
    assert_eq!(aic["department"], "工商行政管理局");
    assert_eq!(aic["successor"], "市场监督管理局");
}

#[test]
fn every_department_row_names_a_declared_source() {
    let text = std::fs::read_to_string(repo("src/data/departments.tsv")).unwrap();
    let mut sources = HashSet::new();
    let mut rows = 0;
    for line in text.lines() {
        let cols: Vec<&str> = line.split('\t').collect();
        if cols[0] == "@source" {
            assert_eq!(cols.len(), 4, "{line}");
            assert!(!cols[2].trim().is_empty(), "{line}");
            assert!(cols[3].starts_with("http"), "{line}");
            assert!(sources.insert(cols[1]), "source {} declared twice", cols[1]);
        }
    }
    for line in text.lines() {
        if line.trim().is_empty() || line.starts_with('#') || line.starts_with('@') {
            continue;
        }
        let cols: Vec<&str> = line.split('\t').collect();
        assert_eq!(cols.len(), 5, "{line}");
        let ids: Vec<&str> = cols[4].split_whitespace().collect();
        assert!(!ids.is_empty(), "no source: {line}");
        for id in ids {
            assert!(sources.contains(id), "undeclared source `{id}`: {line}");
        }
        rows += 1;
    }
    let table = Departments::builtin();
    assert_eq!(table.types.len(), rows);
    assert!(rows >= 150, "{rows}");
    // Level words follow the reform plans: 部 national, 厅 provincial.
    for t in &table.types {
        if t.full.ends_with('厅') && !t.full.ends_with("办公厅") {
            assert_eq!(t.levels, ["省"], "{}", t.full);
        }
        if t.full.ends_with('部') && t.full.len() <= 18 {
            assert_eq!(t.levels, ["国家"], "{}", t.full);
        }
    }
}
