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
    // An earlier output of fengong (a file it did not write is refused outright).
    std::fs::write(&out, "[]\n").unwrap();
    let o = fengong(&["parse", bad.to_str().unwrap(), "-o", out.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(1));
    assert_eq!(std::fs::read_to_string(&out).unwrap(), "[]\n");
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

// ---- Data safety (issue 12, points 3, 4 and 9) ----

fn run_ok(args: &[&str]) -> std::process::Output {
    let o = fengong(args);
    assert!(
        o.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&o.stderr)
    );
    o
}

#[test]
fn an_output_that_is_an_input_is_refused_by_identity_not_name() {
    let dir = tempfile::tempdir().unwrap();
    let a = dir.path().join("a.txt");
    std::fs::write(&a, SEED).unwrap();
    let o = fengong(&["parse", a.to_str().unwrap(), "-o", a.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("one of the inputs"));
    assert_eq!(std::fs::read_to_string(&a).unwrap(), SEED);
    // Another name of the same file (a hard link) is the same file.
    let link = dir.path().join("link.json");
    std::fs::hard_link(&a, &link).unwrap();
    let o = fengong(&[
        "parse",
        a.to_str().unwrap(),
        "-o",
        link.to_str().unwrap(),
        "--force",
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert_eq!(std::fs::read_to_string(&a).unwrap(), SEED);
}

#[test]
fn an_out_dir_that_is_the_input_folder_never_replaces_an_input() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path().join("in");
    std::fs::create_dir(&d).unwrap();
    std::fs::copy(repo("fixtures/formats/seed.xlsx"), d.join("t.xlsx")).unwrap();
    let before = std::fs::read(d.join("t.xlsx")).unwrap();
    let o = fengong(&[
        "parse",
        d.to_str().unwrap(),
        "--format",
        "xlsx",
        "--out-dir",
        d.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(1));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains("t.xlsx") && err.contains("one of the inputs"),
        "{err}"
    );
    assert_eq!(std::fs::read(d.join("t.xlsx")).unwrap(), before);
}

#[test]
fn an_out_dir_inside_the_inputs_is_not_read_back() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path().join("in");
    std::fs::create_dir(&d).unwrap();
    std::fs::write(d.join("a.txt"), SEED).unwrap();
    let out = d.join("out");
    for _ in 0..3 {
        let o = run_ok(&[
            "parse",
            d.to_str().unwrap(),
            "--out-dir",
            out.to_str().unwrap(),
        ]);
        assert!(String::from_utf8_lossy(&o.stderr).contains("1 converted"));
    }
    let names: Vec<_> = std::fs::read_dir(&out)
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(names, vec![std::ffi::OsString::from("a.json")]);
}

#[test]
fn a_file_fengong_did_not_write_is_replaced_only_with_force() {
    let dir = tempfile::tempdir().unwrap();
    let a = dir.path().join("a.txt");
    std::fs::write(&a, SEED).unwrap();
    let mine = dir.path().join("notes.json");
    std::fs::write(&mine, "{\"my\": \"notes\"}").unwrap();
    let args = ["parse", a.to_str().unwrap(), "-o", mine.to_str().unwrap()];
    let o = fengong(&args);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("--force"));
    assert_eq!(
        std::fs::read_to_string(&mine).unwrap(),
        "{\"my\": \"notes\"}"
    );
    let mut forced = args.to_vec();
    forced.push("--force");
    run_ok(&forced);
    // Now it is fengong's output: a re-run replaces it without --force.
    run_ok(&args);
    // In --out-dir, a foreign file is that input's failure; the rest is written.
    let out = dir.path().join("out");
    std::fs::create_dir(&out).unwrap();
    std::fs::write(out.join("a.csv"), "my,own\n1,2\n").unwrap();
    let o = fengong(&[
        "parse",
        a.to_str().unwrap(),
        "-f",
        "csv",
        "--out-dir",
        out.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(1));
    assert_eq!(
        std::fs::read_to_string(out.join("a.csv")).unwrap(),
        "my,own\n1,2\n"
    );
}

#[cfg(unix)]
#[test]
fn a_replaced_output_keeps_its_mode_and_a_read_only_one_needs_force() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let a = dir.path().join("a.txt");
    std::fs::write(&a, SEED).unwrap();
    let out = dir.path().join("out");
    let args = [
        "parse",
        a.to_str().unwrap(),
        "--out-dir",
        out.to_str().unwrap(),
    ];
    run_ok(&args);
    let json = out.join("a.json");
    let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
    std::fs::set_permissions(&json, std::fs::Permissions::from_mode(0o640)).unwrap();
    run_ok(&args);
    assert_eq!(mode(&json), 0o640);
    std::fs::set_permissions(&json, std::fs::Permissions::from_mode(0o444)).unwrap();
    std::fs::write(&a, SEED.replace("850", "851")).unwrap();
    let o = fengong(&args);
    assert_eq!(o.status.code(), Some(1));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("a.json") && err.contains("read-only"), "{err}");
    assert!(!std::fs::read_to_string(&json).unwrap().contains("851"));
    let mut forced = args.to_vec();
    forced.push("--force");
    run_ok(&forced);
    assert!(std::fs::read_to_string(&json).unwrap().contains("851"));
    assert_eq!(
        mode(&json),
        0o444,
        "--force replaces the content, not the mode"
    );
}

/// A folder nested so deep that its path is longer than the OS accepts:
/// listing it fails even for root (unlike a chmod 000 folder).
#[cfg(unix)]
fn unlistable_folder(parent: &Path) -> std::path::PathBuf {
    let seg = "d".repeat(200);
    let script = format!(
        "cd '{}' && for i in $(seq 25); do mkdir {seg} && cd -P {seg} || exit 1; done",
        parent.display()
    );
    let st = Command::new("sh").arg("-c").arg(&script).status().unwrap();
    assert!(st.success());
    parent.join(&seg)
}

#[cfg(unix)]
#[test]
fn an_unreadable_subfolder_is_reported_by_name_and_the_rest_converted() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path().join("in");
    std::fs::create_dir(&d).unwrap();
    std::fs::write(d.join("a.txt"), SEED).unwrap();
    std::fs::write(d.join("z.txt"), SEED).unwrap();
    let top = unlistable_folder(&d);
    let o = fengong(&["parse", d.to_str().unwrap(), "--format", "jsonl"]);
    assert_eq!(o.status.code(), Some(1));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("2 converted, 1 failed"), "{err}");
    assert!(
        err.contains(top.file_name().unwrap().to_str().unwrap()),
        "{err}"
    );
    assert_eq!(
        o.stdout
            .split(|b| *b == b'\n')
            .filter(|l| !l.is_empty())
            .count(),
        2
    );
    // And a chmod 000 folder, where permissions apply (not as root).
    use std::os::unix::fs::PermissionsExt;
    let locked = d.join("locked");
    std::fs::create_dir(&locked).unwrap();
    std::fs::set_permissions(&locked, std::fs::Permissions::from_mode(0o000)).unwrap();
    if std::fs::read_dir(&locked).is_err() {
        let o = fengong(&["parse", d.to_str().unwrap(), "--format", "jsonl"]);
        assert!(String::from_utf8_lossy(&o.stderr).contains("locked"));
    }
    std::fs::set_permissions(&locked, std::fs::Permissions::from_mode(0o755)).unwrap();
    // (tempdir's cleanup removes it: std walks folders with openat.)
}
