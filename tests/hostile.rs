//! Hostile inputs: each gives a clear error or a best-effort parse with
//! warnings, within bounded memory and time — never a panic or a hang.
//! Big files are generated at test time into a temporary folder.
//!
//! The 200 MB single-line text is gated (it takes a while in a debug
//! build): `FENGONG_HOSTILE_BIG=1 cargo test --release --test hostile`.
//! By default a 20 MB one is used (4 MB in debug builds).

mod common;
use common::*;
use fengong::{Error, Options};
use std::io::Write;
use std::path::Path;
use std::process::{Command, Output};
use std::time::Instant;

const SEED: &str = include_str!("../seeds/000_7c5878c3eb2a3600.txt");

/// Largest resident set accepted for one CLI run on a hostile file.
const MAX_RSS_KB: u64 = 1024 * 1024;

/// Run `fengong` under `/usr/bin/time -v` when it is installed; returns the
/// output and the peak resident set size (KiB) if it could be measured.
fn fengong_measured(args: &[&str]) -> (Output, Option<u64>) {
    let time = Path::new("/usr/bin/time");
    if !time.exists() {
        return (fengong(args), None);
    }
    let out = Command::new(time)
        .arg("-v")
        .arg(env!("CARGO_BIN_EXE_fengong"))
        .args(args)
        .output()
        .expect("run fengong");
    let err = String::from_utf8_lossy(&out.stderr);
    let rss = err
        .lines()
        .find_map(|l| l.trim().strip_prefix("Maximum resident set size (kbytes):"))
        .and_then(|v| v.trim().parse().ok());
    (out, rss)
}

fn assert_bounded_rss(what: &str, rss: Option<u64>) {
    assert_rss_below(what, rss, MAX_RSS_KB);
}

fn assert_rss_below(what: &str, rss: Option<u64>, max_kb: u64) {
    if let Some(kb) = rss {
        eprintln!("{what}: peak RSS {} MiB", kb / 1024);
        assert!(kb < max_kb, "{what}: peak RSS {kb} KiB");
    }
}

/// A zip whose entry `bomb` is `size` bytes of `fill` (compressed to a few
/// hundred KiB), plus small `others` entries, written with the zip crate.
fn zip_bomb(others: &[(&str, &str)], bomb: &str, prefix: &[u8], size: usize, fill: u8) -> Vec<u8> {
    let mut buf = std::io::Cursor::new(Vec::new());
    {
        let mut z = zip::ZipWriter::new(&mut buf);
        let opts = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Deflated)
            .large_file(size > u32::MAX as usize / 2);
        for (name, text) in others {
            z.start_file(*name, opts).unwrap();
            z.write_all(text.as_bytes()).unwrap();
        }
        z.start_file(bomb, opts).unwrap();
        z.write_all(prefix).unwrap();
        let chunk = vec![fill; 1 << 20];
        let mut left = size;
        while left > 0 {
            let n = left.min(chunk.len());
            z.write_all(&chunk[..n]).unwrap();
            left -= n;
        }
        z.finish().unwrap();
    }
    buf.into_inner()
}

const BOMB_SIZE: usize = 200 << 20;

#[test]
fn zip_bomb_disguised_as_docx() {
    let bytes = zip_bomb(
        &[(
            "[Content_Types].xml",
            r#"<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>"#,
        )],
        "word/document.xml",
        b"",
        BOMB_SIZE,
        0,
    );
    assert!(bytes.len() < 2 << 20, "compressed to {} bytes", bytes.len());
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("bomb.docx");
    std::fs::write(&file, &bytes).unwrap();

    let err = fengong::parse_bytes(&bytes, "bomb.docx", &Options::default()).unwrap_err();
    assert!(
        matches!(err, Error::Limit(_) | Error::Corrupt { .. }),
        "{err}"
    );
    let (out, rss) = fengong_measured(&["parse", file.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("bomb.docx"), "{stderr}");
    assert_bounded_rss("docx bomb", rss);
}

const WORKBOOK_PARTS: &[(&str, &str)] = &[
    (
        "[Content_Types].xml",
        r#"<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>"#,
    ),
    (
        "_rels/.rels",
        r#"<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>"#,
    ),
    (
        "xl/workbook.xml",
        r#"<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>"#,
    ),
    (
        "xl/_rels/workbook.xml.rels",
        r#"<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>"#,
    ),
];

#[test]
fn zip_bomb_disguised_as_xlsx() {
    // 200 MB of zeros as the sheet.
    let zeros = zip_bomb(
        WORKBOOK_PARTS,
        "xl/worksheets/sheet1.xml",
        b"",
        BOMB_SIZE,
        0,
    );
    // 200 MB of '0' in one inline-string cell of a well-formed sheet: the
    // reader would have to hold the whole cell.
    let cell = zip_bomb(
        WORKBOOK_PARTS,
        "xl/worksheets/sheet1.xml",
        br#"<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>"#,
        BOMB_SIZE,
        b'0',
    );
    let dir = tempfile::tempdir().unwrap();
    for (name, bytes) in [("zeros.xlsx", zeros), ("cell.xlsx", cell)] {
        assert!(bytes.len() < 2 << 20, "compressed to {} bytes", bytes.len());
        let file = dir.path().join(name);
        std::fs::write(&file, &bytes).unwrap();
        let t = Instant::now();
        let (out, rss) = fengong_measured(&["parse", file.to_str().unwrap()]);
        let stderr = String::from_utf8_lossy(&out.stderr);
        eprintln!("{name}: {:?}, exit {:?}", t.elapsed(), out.status.code());
        // A clear limit error naming the file, before anything is inflated.
        assert_eq!(out.status.code(), Some(1), "{stderr}");
        assert!(
            stderr.contains(name) && stderr.contains("limit"),
            "{stderr}"
        );
        let e = fengong::parse_bytes(&bytes, name, &Options::default()).unwrap_err();
        assert!(matches!(e, Error::Limit(_)), "{e}");
        assert_bounded_rss(name, rss);
    }
}

/// The seed flattened onto one line and repeated (numbers varied) to `size` bytes.
fn single_line_text(size: usize) -> String {
    let flat: String = SEED.lines().collect();
    let mut out = String::with_capacity(size + flat.len());
    let mut k = 0u32;
    while out.len() < size {
        out.push_str(&flat.replace("850", &format!("{}", 850 + k)));
        k += 1;
    }
    out.push('\n');
    out
}

#[test]
fn huge_single_line_text_and_the_size_limit() {
    let big = std::env::var_os("FENGONG_HOSTILE_BIG").is_some();
    let size = if big {
        200 << 20
    } else if cfg!(debug_assertions) {
        4 << 20
    } else {
        20 << 20
    };
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("one_line.txt");
    std::fs::write(&file, single_line_text(size)).unwrap();
    let max = (size * 2).max(64 << 20).to_string();

    let t = Instant::now();
    let (out, rss) = fengong_measured(&["parse", file.to_str().unwrap(), "--max-bytes", &max]);
    eprintln!("{} MB on one line: {:?}", size >> 20, t.elapsed());
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("valid JSON");
    assert!(!v["items"].as_array().unwrap().is_empty());
    // Linear in the size: the folded view keeps an offset map per character
    // (about 15× the file for 20 MB of Chinese text).
    assert_rss_below("single line", rss, MAX_RSS_KB.max(20 * size as u64 / 1024));

    // --max-bytes: a clear limit error naming the file and the limit.
    let out = fengong(&["parse", file.to_str().unwrap(), "--max-bytes", "1000000"]);
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("one_line.txt") && err.contains("limit") && err.contains("--max-bytes"),
        "{err}"
    );
    // The same from the library.
    let opts = Options {
        max_bytes: 1_000_000,
        ..Options::default()
    };
    let e = fengong::parse_path(&file, &opts).unwrap_err();
    assert!(matches!(e, Error::Limit(_)), "{e}");
    let bytes = std::fs::read(&file).unwrap();
    let e = fengong::parse_bytes(&bytes, "one_line.txt", &opts).unwrap_err();
    assert!(matches!(e, Error::Limit(_)), "{e}");
}

/// A notice must be parsed within bounded time: a worker thread, and a
/// generous limit that only a hang (or a quadratic blow-up) would reach.
fn parse_bounded(text: String) -> fengong::Notice {
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let _ = tx.send(fengong::parse_text(&text, &Options::default()));
    });
    let n = rx
        .recv_timeout(std::time::Duration::from_secs(120))
        .expect("parsed within the time limit, without panicking");
    serde_json::from_str::<serde_json::Value>(&fengong::output::json::to_json(&n))
        .expect("valid JSON");
    n
}

#[test]
fn deeply_nested_brackets() {
    for open in ["(", "（", "【", "《", "“", "〔"] {
        let run = open.repeat(100_000);
        // On a header line, inside an item, and inside a unit clause.
        let text = format!(
            "{run}\n一、主要指标\n1.全省市场主体数量达到850万户{run}。（牵头单位：省局注册处{run}；责任单位：各市、州、县市场监管局）\n2.{run}\n"
        );
        let n = parse_bounded(text);
        assert!(n.items.len() >= 2, "{open}: {} items", n.items.len());
    }
    // Closing runs and alternations too.
    let text = format!(
        "一、主要指标\n1.任务{}{}\n2.任务{}\n",
        ")".repeat(100_000),
        "()".repeat(50_000),
        "((1)".repeat(30_000)
    );
    parse_bounded(text);
}

#[test]
fn deeply_nested_tables_in_docx_and_html() {
    let depth = 10_000;
    let html = format!(
        "<html><body>{}<p>一、主要指标</p>{}</body></html>",
        "<table><tr><td>".repeat(depth),
        "</td></tr></table>".repeat(depth)
    );
    let r = fengong::parse_bytes(html.as_bytes(), "nested.html", &Options::default());
    if let Ok(n) = r {
        serde_json::to_string(&n).unwrap();
    }
    let doc = format!(
        r#"<?xml version="1.0"?><w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>{}<w:p><w:r><w:t>一、主要指标</w:t></w:r></w:p>{}</w:body></w:document>"#,
        "<w:tbl><w:tr><w:tc>".repeat(depth),
        "</w:tc></w:tr></w:tbl>".repeat(depth)
    );
    let docx = zip_bomb(&[], "word/document.xml", doc.as_bytes(), 0, 0);
    match fengong::parse_bytes(&docx, "nested.docx", &Options::default()) {
        Ok(n) => {
            serde_json::to_string(&n).unwrap();
        }
        Err(e) => assert!(!e.to_string().is_empty()),
    }
}

#[test]
fn pdf_with_broken_objects() {
    let cases: Vec<Vec<u8>> = vec![
        // Object references to objects that do not exist, a bad xref.
        b"%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n2 0 obj << /Type /Pages /Kids [3 0 R 9 0 R] /Count 2 >> endobj\n3 0 obj << /Type /Page /Parent 2 0 R /Contents 4 0 R >> endobj\nxref\n0 5\nnonsense\ntrailer << /Root 1 0 R /Size 5 >>\nstartxref\n99999\n%%EOF\n".to_vec(),
        // A content stream whose /Length lies, unterminated objects.
        b"%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n2 0 obj << /Type /Pages /Kids [3 0 R] /Count 1 >> endobj\n3 0 obj << /Type /Page /Parent 2 0 R /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >> endobj\n4 0 obj << /Length 999999 >> stream\nBT /F1 12 Tf (\xe4\xb8\x80) Tj ET\nendstream endobj\n5 0 obj << /Type /Font /Subtype /Type0 /Encoding /Identity-H /ToUnicode 6 0 R\ntrailer << /Root 1 0 R >>\n%%EOF".to_vec(),
        // A self-referencing page tree.
        b"%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n2 0 obj << /Type /Pages /Kids [2 0 R] /Count 1 /Parent 2 0 R >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n".to_vec(),
        // A FlateDecode stream that is not deflate data.
        b"%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n2 0 obj << /Type /Pages /Kids [3 0 R] /Count 1 >> endobj\n3 0 obj << /Type /Page /Parent 2 0 R /Contents 4 0 R >> endobj\n4 0 obj << /Length 10 /Filter /FlateDecode >> stream\n0123456789\nendstream endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n".to_vec(),
        // Truncated after the header, and deeply nested arrays/dictionaries.
        b"%PDF-1.7\n1 0 obj <<".to_vec(),
        [
            b"%PDF-1.4\n1 0 obj ".as_slice(),
            "[".repeat(100_000).as_bytes(),
            b" endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n",
        ]
        .concat(),
        [
            b"%PDF-1.4\n1 0 obj ".as_slice(),
            "<<".repeat(50_000).as_bytes(),
            b" endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n",
        ]
        .concat(),
    ];
    let dir = tempfile::tempdir().unwrap();
    for (k, bytes) in cases.into_iter().enumerate() {
        let name = format!("broken{k}.pdf");
        // Through the CLI: a panic in a reader must still be reported as
        // this file's error; a stack overflow would kill the process.
        let file = dir.path().join(&name);
        std::fs::write(&file, &bytes).unwrap();
        let out = fengong(&["parse", file.to_str().unwrap()]);
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(
            out.status.code() == Some(1) || out.status.success(),
            "{name}: {err}"
        );
        if !out.status.success() {
            assert!(err.contains(&name), "{name}: {err}");
        }
        match fengong::parse_bytes(&bytes, &name, &Options::default()) {
            Ok(n) => assert!(serde_json::to_string(&n).is_ok()),
            Err(e) => assert!(
                matches!(
                    e,
                    Error::Corrupt { .. } | Error::Unsupported(_) | Error::Limit(_)
                ),
                "{name}: {e}"
            ),
        }
    }
}

#[test]
fn invalid_utf8_and_mixed_encodings() {
    let (gbk, _, _) = encoding_rs::GBK.encode(SEED);
    let utf8 = SEED.as_bytes();
    let half = utf8.len() / 2;
    let cases: Vec<(&str, Vec<u8>)> = vec![
        // UTF-8 first half, GBK second half.
        ("mixed.txt", [&utf8[..half], &gbk[gbk.len() / 2..]].concat()),
        // GBK with a UTF-8 paragraph in the middle.
        (
            "gbk_utf8.txt",
            [&gbk[..gbk.len() / 2], utf8, &gbk[gbk.len() / 2..]].concat(),
        ),
        // UTF-8 with stray invalid bytes every 97 bytes.
        (
            "stray.txt",
            utf8.iter()
                .enumerate()
                .flat_map(|(i, b)| {
                    if i % 97 == 0 {
                        vec![0xFF, *b]
                    } else {
                        vec![*b]
                    }
                })
                .collect(),
        ),
        // A BOM followed by GBK; UTF-16 without a BOM; lone surrogates (CESU).
        ("bom_gbk.txt", [b"\xEF\xBB\xBF".as_slice(), &gbk].concat()),
        (
            "utf16.txt",
            SEED.encode_utf16().flat_map(|u| u.to_le_bytes()).collect(),
        ),
        (
            "surrogates.txt",
            b"\xED\xA0\x80\xED\xB0\x80 1.\xC0\xAF".repeat(1000),
        ),
        // Truncated in the middle of a multi-byte character.
        ("cut.txt", utf8[..utf8.len() - 1].to_vec()),
    ];
    for (name, bytes) in cases {
        match fengong::parse_bytes(&bytes, name, &Options::default()) {
            Ok(n) => {
                let s = fengong::output::json::to_json(&n);
                serde_json::from_str::<serde_json::Value>(&s).expect("valid JSON");
                eprintln!("{name}: {} ({} items)", n.encoding, n.items.len());
            }
            Err(e) => {
                eprintln!("{name}: {e}");
                assert!(matches!(e, Error::Decode(_) | Error::Empty), "{name}: {e}");
            }
        }
    }
}

/// A notice with `sections × subsections × tasks` items.
fn many_items(sections: u32, subs: u32, tasks: u32) -> String {
    let cn = fengong::segment::label::chinese_number;
    let mut s = String::from("湖北省市场监督管理局\n关于印发重点任务分工方案的通知\n");
    for a in 1..=sections {
        s.push_str(&format!("{}、第{a}部分\n", cn(a)));
        for b in 1..=subs {
            s.push_str(&format!("（{}）第{b}项工作\n", cn(b)));
            for c in 1..=tasks {
                s.push_str(&format!(
                    "{c}.全省第{a}-{b}-{c}项指标达到{}万户。（牵头单位：省局注册处；责任单位：各市、州、县市场监管局）\n",
                    a * 1000 + b * 10 + c
                ));
            }
        }
    }
    s
}

#[test]
fn ten_thousand_items_in_bounded_time() {
    // 20 sections × 10 subsections × 50 tasks = 10,000 tasks.
    let t = Instant::now();
    let small = parse_bounded(many_items(5, 10, 50));
    let t_small = t.elapsed();
    let t = Instant::now();
    let n = parse_bounded(many_items(20, 10, 50));
    let t_big = t.elapsed();
    let tasks = n.items.iter().filter(|i| i.level == 3).count();
    assert_eq!(tasks, 10_000);
    assert_eq!(n.items.len(), 20 + 200 + 10_000);
    assert!(
        n.items
            .iter()
            .all(|i| i.level < 3 || i.lead_units.len() == 1)
    );
    assert_eq!(small.items.len(), 5 + 50 + 2_500);
    // Reported, not asserted: 4× the items should take about 4× the time.
    eprintln!(
        "2,500 tasks: {t_small:?}; 10,000 tasks: {t_big:?} (ratio {:.1}, linear is 4)",
        t_big.as_secs_f64() / t_small.as_secs_f64()
    );

    // Numbering that runs past what a label can be (1000.), and 10,000
    // unlabelled lines glued to one item: still bounded.
    let flat: String = (1..=10_000)
        .map(|k| {
            format!(
                "{k}.任务{k}完成率达到{}%（责任单位：省局注册处）\n",
                k % 100
            )
        })
        .collect();
    let n = parse_bounded(format!("一、任务\n{flat}"));
    assert!(n.items.len() >= 999, "{}", n.items.len());
}

#[test]
fn labels_without_lists() {
    for text in [
        "一、任务\n1.加强监管。（牵头单位：）\n",
        "一、任务\n1.加强监管。（牵头单位：；责任单位：）\n",
        "一、任务\n1.加强监管。（责任单位：牵头单位：）\n",
        "一、任务\n1.加强监管。牵头单位：\n",
        "一、任务\n1.加强监管。（牵头单位：、、，；）\n2.（责任单位：\n",
        "（牵头单位：）",
        "牵头单位：责任单位：牵头单位：",
    ] {
        let n = parse_bounded(text.to_string());
        for item in &n.items {
            assert!(
                item.lead_units
                    .iter()
                    .chain(&item.responsible_units)
                    .all(|u| !u.name.trim().is_empty()),
                "{text}: empty unit in {item:?}"
            );
        }
    }
}

#[test]
fn unbalanced_brackets() {
    for text in [
        "一、任务\n1.加强监管（牵头单位：省局注册处；责任单位：各市、州、县市场监管局\n2.推进改革。\n",
        "一、任务\n1.加强监管）））牵头单位：省局注册处）\n2.推进改革（（（\n",
        "一、任务（\n（一）工作【\n1.加强监管《规划\n2.推进改革”\n",
        "一、任务\n1.加强监管（（牵头单位：省局注册处）\n（2）推进（责任单位：省局科信处）)\n",
        "(((((一)))))\n1.)\n",
    ] {
        let n = parse_bounded(text.to_string());
        assert!(!n.items.is_empty(), "{text}");
    }
}

#[test]
fn long_hard_wrapped_paragraph() {
    // 300,000 characters wrapped every 20, never a sentence end: every line
    // joins the paragraph before it. (Rechecking the whole paragraph at each
    // line made this quadratic: half a minute for this 1 MB.)
    let words = [
        "加强", "市场", "监管", "推进", "改革", "优化", "营商", "环境",
    ];
    let body: String = (0..150_000u64)
        .map(|k| words[(k.wrapping_mul(2654435761) >> 7) as usize % words.len()])
        .collect();
    let chars: Vec<char> = body.chars().collect();
    let wrapped: Vec<String> = chars.chunks(20).map(|c| c.iter().collect()).collect();
    let n = parse_bounded(format!("一、任务\n1.{}\n", wrapped.join("\n")));
    assert_eq!(n.items.len(), 2);
    assert_eq!(n.items[1].text.chars().count(), 300_000);
}
