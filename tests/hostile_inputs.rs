//! Hostile inputs of issue 12, reader side: each is generated here (nothing
//! big is committed) and run through the binary the way a user would. No
//! crash (exit 134/101), a clear error naming the file where the file is
//! refused, a warning wherever text was dropped or repaired, and the good
//! files of a batch are converted whatever sits next to them.

mod common;
use common::*;
use std::path::Path;
use std::process::Output;

const SEED: &str = include_str!("../seeds/000_7c5878c3eb2a3600.txt");

fn write(dir: &Path, name: &str, bytes: &[u8]) -> String {
    let path = dir.join(name);
    std::fs::write(&path, bytes).unwrap();
    path.to_str().unwrap().to_string()
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// Parse one file with the CLI; the JSON notice.
fn parse_ok(file: &str) -> serde_json::Value {
    let out = fengong(&["parse", file]);
    assert_eq!(out.status.code(), Some(0), "{file}: {}", stderr(&out));
    serde_json::from_slice(&out.stdout).unwrap()
}

fn warnings(v: &serde_json::Value) -> Vec<String> {
    v["warnings"]
        .as_array()
        .map(|a| {
            a.iter()
                .filter_map(|w| w.as_str().map(str::to_string))
                .collect()
        })
        .unwrap_or_default()
}

fn n_items(v: &serde_json::Value) -> usize {
    v["items"].as_array().map_or(0, Vec::len)
}

/// A task workbook of `n` rows, plus cells at the given (row, column).
fn task_xlsx(n: u32, stray: &[(u32, u16)]) -> Vec<u8> {
    let mut wb = rust_xlsxwriter::Workbook::new();
    let ws = wb.add_worksheet();
    for (c, h) in ["序号", "重点任务", "牵头单位", "责任单位"]
        .iter()
        .enumerate()
    {
        ws.write_string(0, c as u16, *h).unwrap();
    }
    for i in 1..=n {
        ws.write_number(i, 0, f64::from(i)).unwrap();
        ws.write_string(i, 1, format!("推进第{i}项改革")).unwrap();
        ws.write_string(i, 2, "省发展改革委").unwrap();
        ws.write_string(i, 3, "各市州人民政府").unwrap();
    }
    for &(r, c) in stray {
        ws.write_string(r, c, "远处的单元格").unwrap();
    }
    wb.save_to_buffer().unwrap()
}

/// The seed workbook with its first LABELSST cell record moved to IV65536
/// (calamine would allocate the 65536 × 256 grid twice).
fn far_cell_xls() -> Vec<u8> {
    let mut bytes = std::fs::read(repo("fixtures/formats/seed.xls")).unwrap();
    let at = bytes
        .windows(4)
        .position(|w| w == [0xFD, 0x00, 0x0A, 0x00])
        .expect("a LABELSST record");
    bytes[at + 4..at + 8].copy_from_slice(&[0xFF, 0xFF, 0xFF, 0x00]);
    bytes
}

/// An ODS whose one non-empty cell sits after a million repeated rows and
/// 16,384 repeated columns.
fn far_cell_ods() -> Vec<u8> {
    use std::io::Write;
    let cell =
        r#"<table:table-cell office:value-type="string"><text:p>甲</text:p></table:table-cell>"#;
    let content = format!(
        r#"<?xml version="1.0" encoding="UTF-8"?><office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"><office:body><office:spreadsheet><table:table table:name="任务"><table:table-row>{cell}</table:table-row><table:table-row table:number-rows-repeated="1000000"><table:table-cell table:number-columns-repeated="16384"/></table:table-row><table:table-row><table:table-cell table:number-columns-repeated="16383"/>{cell}</table:table-row></table:table></office:spreadsheet></office:body></office:document-content>"#
    );
    let mut buf = std::io::Cursor::new(Vec::new());
    let mut z = zip::ZipWriter::new(&mut buf);
    let o = zip::write::SimpleFileOptions::default();
    z.start_file("mimetype", o).unwrap();
    z.write_all(b"application/vnd.oasis.opendocument.spreadsheet")
        .unwrap();
    z.start_file("META-INF/manifest.xml", o).unwrap();
    z.write_all(br#"<?xml version="1.0" encoding="UTF-8"?><manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0"><manifest:file-entry manifest:full-path="/" manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/></manifest:manifest>"#).unwrap();
    z.start_file("content.xml", o).unwrap();
    z.write_all(content.as_bytes()).unwrap();
    z.finish().unwrap();
    buf.into_inner()
}

/// Item 1: one cell at XFD99999 made calamine allocate 52 GB and abort the
/// whole batch. Now the cell is dropped with a warning; far XLS/ODS cells
/// are refused with an error naming the file; the batch converts the rest.
#[test]
fn far_spreadsheet_cells_cannot_take_a_batch_down() {
    let dir = tempfile::tempdir().unwrap();
    let far = write(dir.path(), "far.xlsx", &task_xlsx(3, &[(99_998, 16_383)]));
    let v = parse_ok(&far);
    assert_eq!(n_items(&v), 3, "{v}");
    let w = warnings(&v);
    assert!(
        w.iter()
            .any(|w| w.contains("1 non-empty cells beyond column GR were ignored")),
        "{w:?}"
    );

    write(dir.path(), "far.xls", &far_cell_xls());
    write(dir.path(), "far.ods", &far_cell_ods());
    for i in 0..3 {
        write(dir.path(), &format!("good{i}.txt"), SEED.as_bytes());
    }
    let out = fengong(&["parse", dir.path().to_str().unwrap(), "--format", "jsonl"]);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(1), "{err}");
    let lines = String::from_utf8_lossy(&out.stdout).lines().count();
    assert_eq!(lines, 4, "3 good notices and far.xlsx: {err}");
    assert!(
        err.contains("far.xls") && err.contains("65535 rows × 256 columns"),
        "{err}"
    );
    assert!(
        err.contains("far.ods") && err.contains("sheet 任务 spans"),
        "{err}"
    );
}

/// Item 2, spreadsheet part: a 1,002-row task table gives 1,002 numbered
/// tasks (the reader had no 999 limit of its own; the labels reach the
/// segmenter intact).
#[test]
fn a_thousand_and_two_rows_are_a_thousand_and_two_tasks() {
    let src = fengong::input::decode(&task_xlsx(1002, &[]), "xlsx").unwrap();
    let labels: Vec<&str> = src
        .text
        .lines()
        .filter_map(|l| l.split_once('.').map(|(n, _)| n))
        .filter(|n| n.chars().all(|c| c.is_ascii_digit()))
        .collect();
    assert_eq!(labels.len(), 1002);
    assert_eq!(labels[999..], ["1000", "1001", "1002"]);
}

/// Item 5: DOCX readers stream `word/document.xml`; a document of 40,000
/// paragraphs stays within the memory bound of the hostile tests.
#[test]
fn a_long_docx_is_read() {
    use std::io::Write;
    let mut xml = String::from(
        r#"<?xml version="1.0" encoding="UTF-8"?><w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>"#,
    );
    for i in 1..=40_000 {
        xml.push_str(&format!(
            "<w:p><w:r><w:t>{i}.推进第{i}项改革</w:t></w:r><w:r><w:t>（牵头单位：省发展改革委）</w:t></w:r></w:p>"
        ));
    }
    xml.push_str("</w:body></w:document>");
    let mut buf = std::io::Cursor::new(Vec::new());
    let mut z = zip::ZipWriter::new(&mut buf);
    let o = zip::write::SimpleFileOptions::default();
    z.start_file("word/document.xml", o).unwrap();
    z.write_all(xml.as_bytes()).unwrap();
    z.finish().unwrap();
    let text = fengong::input::docx::read(buf.get_ref()).unwrap();
    assert_eq!(text.lines().count(), 40_000);
    assert!(text.ends_with("40000.推进第40000项改革（牵头单位：省发展改革委）\n"));
}

/// The seed as UTF-16LE without a byte-order mark.
fn seed_utf16le() -> Vec<u8> {
    SEED.encode_utf16().flat_map(u16::to_le_bytes).collect()
}

/// A PNG header and 4,000 bytes of noise: a binary file named `.txt`.
fn binary_png() -> Vec<u8> {
    let mut png = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR".to_vec();
    png.extend((0..4000u32).map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8));
    png
}

/// The seed as a web page that declares big5 but is encoded in GBK.
fn seed_page_gbk_declared_big5() -> Vec<u8> {
    let body: String = SEED
        .lines()
        .map(|l| format!("<p>{l}</p>"))
        .collect::<Vec<_>>()
        .join("\n");
    let page = format!(
        "<!DOCTYPE html><html><head><meta charset=\"big5\"><title>通知</title></head><body><div class=\"article\">{body}</div></body></html>"
    );
    encoding_rs::GBK.encode(&page).0.into_owned()
}

/// Item 6: a NUL byte, or UTF-16LE without a BOM, no longer makes a notice
/// "binary"; a real binary file still is.
#[test]
fn mostly_good_text_is_kept() {
    let dir = tempfile::tempdir().unwrap();
    // A NUL on a character boundary in the middle.
    let at = SEED
        .char_indices()
        .map(|(i, _)| i)
        .find(|i| *i >= SEED.len() / 2)
        .unwrap();
    let mut with_nul_ok = SEED.as_bytes().to_vec();
    with_nul_ok.insert(at, 0);
    let v = parse_ok(&write(dir.path(), "nul.txt", &with_nul_ok));
    assert!(n_items(&v) >= 41, "{}", n_items(&v));
    assert!(
        warnings(&v)
            .iter()
            .any(|w| w.contains("1 stray control characters (first U+0000) were dropped")),
        "{:?}",
        warnings(&v)
    );

    let v = parse_ok(&write(dir.path(), "utf16.txt", &seed_utf16le()));
    assert_eq!(v["encoding"], "UTF-16LE");
    assert!(n_items(&v) >= 41, "{}", n_items(&v));

    let file = write(dir.path(), "picture.txt", &binary_png());
    let out = fengong(&["parse", &file]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("picture.txt"), "{}", stderr(&out));
}

/// Item 7: a page that declares big5 but is GBK is read as GBK, says so,
/// and warns.
#[test]
fn a_wrong_meta_charset_is_overruled() {
    let dir = tempfile::tempdir().unwrap();
    let v = parse_ok(&write(
        dir.path(),
        "page.html",
        &seed_page_gbk_declared_big5(),
    ));
    assert_eq!(v["encoding"], "GB18030 (declared Big5)");
    assert!(
        warnings(&v)
            .iter()
            .any(|w| w.contains("declares charset big5")),
        "{:?}",
        warnings(&v)
    );
    assert!(n_items(&v) >= 41);
    let text = serde_json::to_string(&v).unwrap();
    assert!(!text.contains('\u{FFFD}'));
}

/// A PDF of `pages` identical pages, each showing `lines`.
fn repeated_pdf(pages: usize, lines: &[&str]) -> Vec<u8> {
    use lopdf::content::{Content, Operation};
    use lopdf::{Document, Object, dictionary};
    let mut doc = Document::with_version("1.5");
    let pages_id = doc.new_object_id();
    let font = doc.add_object(dictionary! {
        "Type" => "Font", "Subtype" => "Type1", "BaseFont" => "Helvetica",
        "Encoding" => "WinAnsiEncoding",
    });
    let resources = doc.add_object(dictionary! { "Font" => dictionary! { "F1" => font } });
    let mut ops = Vec::new();
    for (k, line) in lines.iter().enumerate() {
        ops.push(Operation::new("BT", vec![]));
        ops.push(Operation::new("Tf", vec!["F1".into(), 12.into()]));
        ops.push(Operation::new(
            "Td",
            vec![72.into(), (800 - 20 * k as i64).into()],
        ));
        ops.push(Operation::new("Tj", vec![Object::string_literal(*line)]));
        ops.push(Operation::new("ET", vec![]));
    }
    let content = doc.add_object(lopdf::Stream::new(
        dictionary! {},
        Content { operations: ops }.encode().unwrap(),
    ));
    let kids: Vec<Object> = (0..pages)
        .map(|_| {
            Object::Reference(doc.add_object(dictionary! {
                "Type" => "Page", "Parent" => pages_id, "Contents" => content,
            }))
        })
        .collect();
    doc.objects.insert(
        pages_id,
        Object::Dictionary(dictionary! {
            "Type" => "Pages", "Kids" => kids, "Count" => pages as i64,
            "Resources" => resources,
            "MediaBox" => vec![0.into(), 0.into(), 595.into(), 842.into()],
        }),
    );
    let catalog = doc.add_object(dictionary! { "Type" => "Catalog", "Pages" => pages_id });
    doc.trailer.set("Root", catalog);
    let mut buf = Vec::new();
    doc.save_to(&mut buf).unwrap();
    buf
}

/// Item 8: 1,000 identical pages are text, not "no text layer"; a
/// 4,999-page PDF is read (its page tree walked once, see benches/README.md).
#[test]
fn repeated_and_long_pdfs() {
    let dir = tempfile::tempdir().unwrap();
    let file = write(
        dir.path(),
        "same.pdf",
        &repeated_pdf(1000, &["1. Task one (lead: office A)", "2. Task two"]),
    );
    let out = fengong(&["parse", &file]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let src = fengong::input::decode(&std::fs::read(&file).unwrap(), "pdf").unwrap();
    assert_eq!(src.text.matches("Task one").count(), 1000);

    let long = repeated_pdf(4999, &["page text"]);
    let src = fengong::input::decode(&long, "pdf").unwrap();
    assert_eq!(src.text.matches("page text").count(), 4999);
}

/// Issue 11: 100,000 nested `<div>` are flattened below the parse depth
/// before html5ever sees them (it took 36 s); the text is kept and a warning
/// says what was dropped.
#[test]
fn deeply_nested_html_is_flattened() {
    let dir = tempfile::tempdir().unwrap();
    let n = 100_000;
    let page = format!(
        "<!DOCTYPE html><html><body>{}一、总体要求\n1.推进改革（牵头单位：省发展改革委）{}</body></html>",
        "<div>".repeat(n),
        "</div>".repeat(n)
    );
    let v = parse_ok(&write(dir.path(), "deep.html", page.as_bytes()));
    assert!(n_items(&v) >= 1, "{v}");
    assert!(
        warnings(&v)
            .iter()
            .any(|w| w.contains("nested deeper than")),
        "{:?}",
        warnings(&v)
    );
}

/// The issue's last check: a batch of 200 good notices with each hostile
/// file of this issue mixed in converts all 200, in JSON Lines and with
/// `--out-dir`; the hostile files are either converted (with their
/// warnings) or refused by name, and nothing aborts the batch.
#[test]
fn two_hundred_good_notices_survive_every_hostile_file() {
    let dir = tempfile::tempdir().unwrap();
    let inputs = dir.path().join("in");
    std::fs::create_dir(&inputs).unwrap();
    let mut sources: Vec<String> = vec![SEED.to_string()];
    for e in std::fs::read_dir(repo("corpus")).unwrap() {
        let p = e.unwrap().path();
        if p.extension().is_some_and(|x| x == "txt") {
            sources.push(std::fs::read_to_string(p).unwrap());
        }
    }
    sources.sort();
    for k in 0..200 {
        let text = format!("{}\n", sources[k % sources.len()]);
        write(&inputs, &format!("good{k:03}.txt"), text.as_bytes());
    }
    // Every hostile input of the issue, refused or converted.
    let refused = ["far.xls", "far.ods", "picture.txt", "cut.docx"];
    write(&inputs, "far.xlsx", &task_xlsx(3, &[(99_998, 16_383)]));
    write(&inputs, "far.xls", &far_cell_xls());
    write(&inputs, "far.ods", &far_cell_ods());
    let mut nul = SEED.as_bytes().to_vec();
    nul.insert(0, 0);
    write(&inputs, "nul.txt", &nul);
    write(&inputs, "utf16.txt", &seed_utf16le());
    write(&inputs, "picture.txt", &binary_png());
    write(&inputs, "page.html", &seed_page_gbk_declared_big5());
    write(
        &inputs,
        "deep.html",
        format!(
            "<html><body>{}1.推进改革</body></html>",
            "<div>".repeat(20_000)
        )
        .as_bytes(),
    );
    write(
        &inputs,
        "same.pdf",
        &repeated_pdf(300, &["1. Task one", "2. Task two"]),
    );
    let labels: String = (1..=1002).map(|i| format!("{i}.第{i}项任务\n")).collect();
    write(&inputs, "labels.txt", labels.as_bytes());
    let docx = std::fs::read(repo("fixtures/formats/seed.docx")).unwrap();
    write(&inputs, "cut.docx", &docx[..docx.len() / 2]);

    let hostile = 11;
    let out = fengong(&["parse", inputs.to_str().unwrap(), "--format", "jsonl", "-q"]);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(1), "{err}");
    let sources: Vec<String> = String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(|l| {
            let v: serde_json::Value = serde_json::from_str(l).unwrap();
            v["source"].as_str().unwrap().to_string()
        })
        .collect();
    for k in 0..200 {
        let name = format!("good{k:03}.txt");
        assert!(
            sources.iter().any(|s| s.ends_with(&name)),
            "{name} missing: {err}"
        );
    }
    assert_eq!(
        sources.len(),
        200 + hostile - refused.len(),
        "{sources:?}\n{err}"
    );
    for name in refused {
        assert!(err.contains(name), "{name} is not named: {err}");
    }

    let outs = dir.path().join("out");
    let out = fengong(&[
        "parse",
        inputs.to_str().unwrap(),
        "--out-dir",
        outs.to_str().unwrap(),
        "-q",
    ]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    for k in 0..200 {
        let json = outs.join(format!("good{k:03}.json"));
        let v: serde_json::Value = serde_json::from_slice(&std::fs::read(&json).unwrap()).unwrap();
        assert!(n_items(&v) > 0, "{}", json.display());
    }
}
