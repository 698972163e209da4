//! Writing never loses data: an error never replaces an existing output, an
//! interrupted batch leaves only complete outputs, and the temporary files
//! an interruption leaves behind are cleaned by the next run.

mod common;
use common::*;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

const SEED: &str = include_str!("../seeds/000_7c5878c3eb2a3600.txt");

fn temp_files(dir: &Path) -> Vec<String> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).unwrap().flatten() {
        let name = e.file_name().to_string_lossy().into_owned();
        if e.file_type().unwrap().is_dir() {
            out.extend(temp_files(&e.path()));
        } else if name.ends_with(".tmp") {
            out.push(name);
        }
    }
    out
}

#[test]
fn a_batch_rerun_keeps_the_output_of_an_input_that_became_corrupt() {
    let dir = tempfile::tempdir().unwrap();
    let (inp, out) = (dir.path().join("in"), dir.path().join("out"));
    std::fs::create_dir_all(&inp).unwrap();
    std::fs::write(inp.join("a.txt"), SEED).unwrap();
    std::fs::copy(
        repo("corpus/27_guofa-2018-39-cujin-jiuye-ruoganyijian.txt"),
        inp.join("b.txt"),
    )
    .unwrap();
    let args = [
        "parse",
        inp.to_str().unwrap(),
        "--out-dir",
        out.to_str().unwrap(),
        "-q",
    ];
    let o = fengong(&args);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let good_b = std::fs::read(out.join("b.json")).unwrap();

    // b.txt becomes binary junk; a.txt changes.
    let junk: Vec<u8> = (0..4096u32)
        .map(|i| (i.wrapping_mul(2654435761) >> 13) as u8)
        .collect();
    std::fs::write(inp.join("b.txt"), junk).unwrap();
    std::fs::write(inp.join("a.txt"), SEED.replace("850", "851")).unwrap();
    let o = fengong(&args);
    assert_eq!(o.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&o.stderr).contains("b.txt"));
    assert_eq!(std::fs::read(out.join("b.json")).unwrap(), good_b);
    assert!(
        std::fs::read_to_string(out.join("a.json"))
            .unwrap()
            .contains("851")
    );
    assert!(temp_files(&out).is_empty(), "{:?}", temp_files(&out));
}

#[test]
fn an_error_does_not_overwrite_a_single_output() {
    let dir = tempfile::tempdir().unwrap();
    let bad = dir.path().join("bad.txt");
    std::fs::write(&bad, [0u8, 159, 146, 150, 0, 0, 1, 2]).unwrap();
    let out = dir.path().join("keep.json");
    std::fs::write(&out, "previous").unwrap();
    let o = fengong(&["parse", bad.to_str().unwrap(), "-o", out.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(1));
    assert_eq!(std::fs::read_to_string(&out).unwrap(), "previous");
    assert!(temp_files(dir.path()).is_empty());
}

#[test]
fn a_killed_batch_leaves_only_complete_outputs() {
    let dir = tempfile::tempdir().unwrap();
    let (inp, out) = (dir.path().join("in"), dir.path().join("out"));
    std::fs::create_dir_all(&inp).unwrap();
    let files = 300;
    for k in 0..files {
        let text = SEED.replace("850", &(850 + k).to_string()).replace(
            "注册处",
            if k % 2 == 0 {
                "注册处"
            } else {
                "登记注册处"
            },
        );
        std::fs::write(inp.join(format!("n{k:04}.txt")), text).unwrap();
    }
    let args = [
        "parse",
        inp.to_str().unwrap(),
        "--out-dir",
        out.to_str().unwrap(),
        "-q",
        "--jobs",
        "2",
    ];
    let mut child = Command::new(env!("CARGO_BIN_EXE_fengong"))
        .args(args)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    // Kill it (SIGKILL) ~200 ms after the first output appears.
    let t = Instant::now();
    while t.elapsed() < Duration::from_secs(30)
        && !out.join("n0000.json").exists()
        && child.try_wait().unwrap().is_none()
    {
        std::thread::sleep(Duration::from_millis(10));
    }
    std::thread::sleep(Duration::from_millis(200));
    let finished_early = child.try_wait().unwrap().is_some();
    let _ = child.kill();
    child.wait().unwrap();

    let mut complete = 0;
    for e in std::fs::read_dir(&out).unwrap().flatten() {
        let name = e.file_name().to_string_lossy().into_owned();
        if name.ends_with(".json") && !name.starts_with('.') {
            let bytes = std::fs::read(e.path()).unwrap();
            let v: serde_json::Value = serde_json::from_slice(&bytes)
                .unwrap_or_else(|err| panic!("{name} is not complete JSON: {err}"));
            assert!(
                v["items"].as_array().is_some_and(|a| !a.is_empty()),
                "{name}"
            );
            complete += 1;
        } else {
            // Only temporary files of the atomic writes may remain.
            assert!(
                name.starts_with('.') && name.ends_with(".tmp"),
                "unexpected file {name}"
            );
        }
    }
    eprintln!(
        "killed after the first output: {complete} of {files} outputs complete, {} temporary files{}",
        temp_files(&out).len(),
        if finished_early {
            " (the batch finished before the kill)"
        } else {
            ""
        }
    );
    assert!(complete >= 1);

    // The next run completes the batch and leaves no temporary files.
    let o = fengong(&args);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert!(temp_files(&out).is_empty(), "{:?}", temp_files(&out));
    assert_eq!(std::fs::read_dir(&out).unwrap().count(), files as usize);
}
