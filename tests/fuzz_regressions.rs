//! The fuzz corpus seeds and every crash the fuzzers found, kept fixed.
//!
//! `fixtures/fuzz/TARGET/` holds, per target of `fuzz/` (see
//! `benches/fuzz.sh`), the committed seeds and the inputs that once crashed
//! it (copied from `fuzz/artifacts/TARGET/`). Each file is run here through
//! what its fuzz target runs, in a normal test build (debug assertions,
//! overflow checks): it must give a result or an error, never a panic.

use fengong::input::Format;
use std::path::PathBuf;
use std::sync::LazyLock;

static OPTS: LazyLock<fengong::Options> = LazyLock::new(fengong::Options::default);

/// The files kept for one fuzz target.
fn cases(target: &str) -> Vec<(PathBuf, Vec<u8>)> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures/fuzz")
        .join(target);
    let mut out: Vec<(PathBuf, Vec<u8>)> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_file())
        .map(|p| {
            let bytes = std::fs::read(&p).unwrap();
            (p, bytes)
        })
        .collect();
    out.sort();
    assert!(!out.is_empty(), "no seeds in {}", dir.display());
    out
}

/// The JSON of a notice must be valid (as the fuzz targets check).
fn valid_json(n: &fengong::Notice) {
    let s = fengong::output::json::to_json(n);
    serde_json::from_str::<serde_json::Value>(&s).expect("valid JSON");
}

#[test]
fn text() {
    for (path, bytes) in cases("text") {
        let d = fengong::input::text::decode(&bytes)
            .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        assert!(!d.text.contains('\0'), "{}", path.display());
        valid_json(&fengong::parse_text(&d.text, &OPTS));
    }
}

#[test]
fn docx() {
    for (path, bytes) in cases("docx") {
        let text = fengong::input::docx::read(&bytes);
        assert!(text.is_ok(), "{}: {text:?}", path.display());
    }
}

#[test]
fn sheet() {
    for (path, bytes) in cases("sheet") {
        let Some((&pick, bytes)) = bytes.split_first() else {
            continue;
        };
        let format = [Format::Xlsx, Format::Xls, Format::Ods][pick as usize % 3];
        let far = path
            .file_name()
            .is_some_and(|n| n.to_string_lossy().starts_with("far-"));
        match fengong::input::sheet::read(bytes, format) {
            // Far cells: clipped with a warning (XLSX) or refused (XLS, ODS).
            Ok((_, warnings)) if far => assert!(!warnings.is_empty(), "{}", path.display()),
            Err(e) if far => assert!(e.to_string().contains("spans"), "{}: {e}", path.display()),
            // Anything else the fuzzer found: read, or refused as damaged or
            // over a limit (never a crash, a hang or an unbounded allocation).
            Ok(_) => {}
            Err(e) => {
                let e = e.to_string();
                assert!(
                    e.contains("damaged") || e.contains("limit exceeded"),
                    "{}: {e}",
                    path.display()
                );
            }
        }
    }
}

#[test]
fn html() {
    for (path, bytes) in cases("html") {
        let page = fengong::input::html::read(&bytes)
            .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        assert!(!page.text.contains('\u{FFFD}'), "{}", path.display());
    }
}

#[test]
fn pdf() {
    for (path, bytes) in cases("pdf") {
        let text =
            fengong::input::pdf::read(&bytes).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        assert!(text.contains("Task"), "{}: {text}", path.display());
    }
}

#[test]
fn workbook() {
    for (path, bytes) in cases("workbook") {
        if let Some(Ok(notices)) = fengong::input::fengong_xlsx::read_workbook(&bytes) {
            notices.iter().for_each(valid_json);
        }
        let _ = path;
    }
}

#[test]
fn diff() {
    for (_, data) in cases("diff") {
        let cut = data.iter().position(|b| *b == 0).unwrap_or(data.len());
        let old = String::from_utf8_lossy(&data[..cut]);
        let new = String::from_utf8_lossy(data.get(cut + 1..).unwrap_or_default());
        let d = fengong::diff::diff(
            &fengong::parse_text(&old, &OPTS),
            &fengong::parse_text(&new, &OPTS),
        );
        let _ = fengong::diff::report::to_text(&d, false);
        serde_json::from_str::<serde_json::Value>(&fengong::diff::report::to_json(&d))
            .expect("valid JSON");
    }
}

/// The file names of `fuzz/fuzz_targets/parse_bytes.rs`, picked by the
/// first byte.
const NAMES: &[&str] = &[
    "n.txt", "n.docx", "n.xlsx", "n.pdf", "n.html", "n.json", "n.xls", "n.ods",
];

#[test]
fn parse_bytes() {
    for (_, data) in cases("parse_bytes") {
        let Some((&pick, bytes)) = data.split_first() else {
            continue;
        };
        if let Ok(n) = fengong::parse_bytes(bytes, NAMES[pick as usize % NAMES.len()], &OPTS) {
            valid_json(&n);
        }
    }
}
