//! The seed in every input format (fixtures/formats, made by
//! make_fixtures.sh) parses to the same items, units and targets as the
//! seed text; `--format xlsx` round-trips through a workbook.

mod common;
use common::*;
use serde_json::Value;

fn gold() -> Value {
    serde_json::from_slice(&std::fs::read(repo("fixtures/seed/seed.gold.json")).unwrap()).unwrap()
}

#[test]
fn every_format_of_the_seed_scores_like_the_text() {
    let text = parse_json(&repo("seeds/000_7c5878c3eb2a3600.txt"));
    for (file, format) in [
        ("seed.docx", "docx"),
        ("seed.pdf", "pdf"),
        ("seed.html", "html"),
        ("seed.xlsx", "xlsx"),
        ("seed.xls", "xls"),
        ("seed.ods", "ods"),
    ] {
        let got = parse_json(&repo(&format!("fixtures/formats/{file}")));
        assert_eq!(got["format"], format, "{file}");
        let s = score(&got, &gold());
        assert_eq!(
            (s.items.f1(), s.units.f1(), s.targets.f1()),
            (1.0, 1.0, 1.0),
            "{file}: {s:?}"
        );
        assert_eq!(item_paths(&got), item_paths(&text), "{file}");
    }
}

#[test]
fn text_formats_keep_the_header() {
    for file in ["seed.docx", "seed.pdf", "seed.html"] {
        let got = parse_json(&repo(&format!("fixtures/formats/{file}")));
        assert_eq!(
            got["meta"]["doc_number"]["raw"], "鄂市监综函〔2022〕151号",
            "{file}"
        );
        assert_eq!(got["meta"]["date"], "2022-08-01", "{file}");
    }
    assert_eq!(
        parse_json(&repo("fixtures/formats/seed.html"))["encoding"],
        "GB18030"
    );
}

#[test]
fn parse_writes_a_workbook_that_reads_back_as_the_same_notices() {
    let dir = tempfile::tempdir().unwrap();
    let book = dir.path().join("all.xlsx");
    let o = fengong(&[
        "parse",
        "seeds/000_7c5878c3eb2a3600.txt",
        "corpus/04_guofa-2019-3-zonghebaoshuiqu.txt",
        "--format",
        "xlsx",
        "-o",
        book.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    use calamine::Reader;
    let mut wb = calamine::open_workbook_auto(&book).unwrap();
    assert_eq!(wb.sheet_names()[..4], ["事项", "单位", "指标", "文件信息"]);
    let items = wb.worksheet_range("事项").unwrap();
    let seed = parse_json(&repo("seeds/000_7c5878c3eb2a3600.txt"));
    let n04 = parse_json(&repo("corpus/04_guofa-2019-3-zonghebaoshuiqu.txt"));
    let expected_rows =
        seed["items"].as_array().unwrap().len() + n04["items"].as_array().unwrap().len();
    assert_eq!(items.height(), expected_rows + 1);
    // Read back as input: the first notice is the seed, with the same items.
    let back = parse_json(&book);
    assert_eq!(
        back["items"].as_array().unwrap().len(),
        seed["items"].as_array().unwrap().len()
    );
    let s = score(&back, &gold());
    assert_eq!(
        (s.items.f1(), s.units.f1(), s.targets.f1()),
        (1.0, 1.0, 1.0),
        "{s:?}"
    );
    assert!(
        fengong(&[
            "parse",
            "seeds/000_7c5878c3eb2a3600.txt",
            "--format",
            "xlsx"
        ])
        .status
        .code()
            == Some(2)
    );
}
