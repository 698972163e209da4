//! Batch conversion: folders in, one output per input, bad files reported,
//! deterministic and byte-identical on re-runs.

mod common;
use common::*;
use std::path::Path;

fn mixed_folder(dir: &Path) {
    let input = dir.join("in");
    std::fs::create_dir_all(input.join("sub")).unwrap();
    std::fs::copy(
        repo("seeds/000_7c5878c3eb2a3600.txt"),
        input.join("sub/seed.txt"),
    )
    .unwrap();
    std::fs::copy(
        repo("fixtures/seed/seed.gbk.txt"),
        input.join("seed_gbk.txt"),
    )
    .unwrap();
    std::fs::copy(
        repo("corpus/27_guofa-2018-39-cujin-jiuye-ruoganyijian.txt"),
        input.join("27.txt"),
    )
    .unwrap();
    let noise: Vec<u8> = (0..4096u32)
        .map(|i| (i.wrapping_mul(2654435761) >> 11) as u8)
        .collect();
    std::fs::write(input.join("random.txt"), noise).unwrap();
    std::fs::write(input.join("empty.txt"), b"").unwrap();
    std::fs::write(
        input.join("truncated.docx"),
        b"PK\x03\x04\x14\x00\x00\x00junk",
    )
    .unwrap();
    std::fs::write(
        input.join("notext.pdf"),
        b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n",
    )
    .unwrap();
    std::fs::write(
        input.join("legacy.doc"),
        [0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1, 0, 0, 0, 0],
    )
    .unwrap();
    std::fs::write(input.join("notes.md"), b"ignored").unwrap();
}

#[test]
fn folder_with_good_and_bad_files() {
    let dir = tempfile::tempdir().unwrap();
    mixed_folder(dir.path());
    let (inp, out) = (dir.path().join("in"), dir.path().join("out"));
    let o = fengong(&[
        "parse",
        inp.to_str().unwrap(),
        "--out-dir",
        out.to_str().unwrap(),
        "--jobs",
        "2",
    ]);
    assert_eq!(
        o.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("3 converted, 5 failed"), "{err}");
    for bad in [
        "random.txt",
        "empty.txt",
        "truncated.docx",
        "notext.pdf",
        "legacy.doc",
    ] {
        assert!(err.contains(bad), "{bad} not reported: {err}");
    }
    assert!(err.contains("soffice --headless --convert-to docx"));
    assert!(!err.contains("notes.md"));
    // The tree is mirrored; the good outputs are complete JSON.
    for good in ["sub/seed.json", "seed_gbk.json", "27.json"] {
        let v: serde_json::Value =
            serde_json::from_slice(&std::fs::read(out.join(good)).unwrap()).unwrap();
        assert!(!v["items"].as_array().unwrap().is_empty(), "{good}");
    }
    assert!(!out.join("random.json").exists());
    let seed: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out.join("sub/seed.json")).unwrap()).unwrap();
    assert_eq!(
        seed["items"],
        parse_json(&repo("seeds/000_7c5878c3eb2a3600.txt"))["items"]
    );
}

#[test]
fn reruns_are_byte_identical_and_thread_count_does_not_matter() {
    let dir = tempfile::tempdir().unwrap();
    mixed_folder(dir.path());
    let inp = dir.path().join("in");
    let a = fengong(&[
        "parse",
        inp.to_str().unwrap(),
        "--format",
        "jsonl",
        "--jobs",
        "1",
    ]);
    let b = fengong(&[
        "parse",
        inp.to_str().unwrap(),
        "--format",
        "jsonl",
        "--jobs",
        "2",
    ]);
    assert_eq!(a.stdout, b.stdout);
    let lines: Vec<&[u8]> = a
        .stdout
        .split(|c| *c == b'\n')
        .filter(|l| !l.is_empty())
        .collect();
    assert_eq!(lines.len(), 3);
    let first: serde_json::Value = serde_json::from_slice(lines[0]).unwrap();
    assert_eq!(first["source"], "27.txt");
    for k in 0..2 {
        let out = dir.path().join(format!("out{k}"));
        fengong(&[
            "parse",
            inp.to_str().unwrap(),
            "--out-dir",
            out.to_str().unwrap(),
            "--format",
            "csv",
        ]);
    }
    for f in ["27.csv", "sub/seed.csv"] {
        assert_eq!(
            std::fs::read(dir.path().join("out0").join(f)).unwrap(),
            std::fs::read(dir.path().join("out1").join(f)).unwrap()
        );
    }
}

#[test]
fn all_notices_into_one_csv() {
    let o = fengong(&["parse", "corpus", "--format", "units-csv", "--no-bom", "-q"]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let mut rdr = csv::Reader::from_reader(o.stdout.as_slice());
    let sources: std::collections::BTreeSet<String> =
        rdr.records().map(|r| r.unwrap()[0].to_string()).collect();
    assert!(sources.len() >= 15, "{sources:?}");
}
