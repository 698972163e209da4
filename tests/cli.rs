//! The command line as a new user meets it: one test per point of issue 13
//! (`point_N_…`), plus exit codes, completions and the man page. Every test
//! runs the built binary.

mod common;
use common::*;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

const SEED: &str = "seeds/000_7c5878c3eb2a3600.txt";
const REV: &str = "fixtures/diff/seed_rev.txt";

fn err(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn out(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn s(p: &Path) -> &str {
    p.to_str().unwrap()
}

/// Run fengong with `stdin` as its standard input.
fn fengong_stdin(args: &[&str], stdin: &[u8]) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_fengong"))
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // A run that refuses its arguments exits without reading: ignore EPIPE.
    let _ = child.stdin.take().unwrap().write_all(stdin);
    child.wait_with_output().unwrap()
}

fn json(o: &Output) -> serde_json::Value {
    serde_json::from_slice(&o.stdout).unwrap_or_else(|e| panic!("{e}: {}{}", out(o), err(o)))
}

/// A folder holding the seed and an empty file.
fn seed_and_empty(dir: &Path) -> (PathBuf, PathBuf) {
    let seed = dir.join("seed.txt");
    std::fs::copy(repo(SEED), &seed).unwrap();
    let empty = dir.join("empty.txt");
    std::fs::write(&empty, "").unwrap();
    (seed, empty)
}

#[test]
fn point_1_json_shape_depends_on_the_arguments_not_on_what_succeeds() {
    let dir = tempfile::tempdir().unwrap();
    let (seed, empty) = seed_and_empty(dir.path());
    // Two arguments, one fails: still an array.
    let o = fengong(&["parse", s(&empty), s(&seed)]);
    assert_eq!(o.status.code(), Some(1));
    assert_eq!(json(&o).as_array().unwrap().len(), 1);
    // A folder holding one notice: an array.
    let one = dir.path().join("one");
    std::fs::create_dir(&one).unwrap();
    std::fs::copy(repo(SEED), one.join("seed.txt")).unwrap();
    let o = fengong(&["parse", s(&one)]);
    assert_eq!(o.status.code(), Some(0), "{}", err(&o));
    assert_eq!(json(&o).as_array().unwrap().len(), 1);
    // One explicit file: an object.
    let o = fengong(&["parse", s(&seed)]);
    assert!(json(&o).is_object());
    // A list of paths is a batch: an array.
    let o = fengong_stdin(
        &["parse", "--files-from", "-"],
        format!("{}\n", s(&seed)).as_bytes(),
    );
    assert!(json(&o).is_array(), "{}", err(&o));
}

#[test]
fn point_2_tasks_walks_folders_and_a_failed_input_gets_no_verdict() {
    let o = fengong(&["tasks", "--unit", "发展改革委", "corpus/"]);
    assert_eq!(o.status.code(), Some(0), "{}", err(&o));
    assert!(out(&o).contains("发展改革委"), "{}", out(&o));
    assert!(!err(&o).contains("Is a directory"));
    let o = fengong(&["tasks", "--unit", "发展改革委", "no/such/notice.txt"]);
    assert_eq!(o.status.code(), Some(1));
    let e = err(&o);
    assert!(e.contains("no/such/notice.txt"), "{e}");
    assert!(!e.contains("no unit matches"), "{e}");
    assert!(o.stdout.is_empty());
}

#[test]
fn point_3_nothing_to_read_is_exit_2_and_no_output_everywhere() {
    let dir = tempfile::tempdir().unwrap();
    let empty = dir.path().join("emptydir");
    std::fs::create_dir(&empty).unwrap();
    for args in [
        vec!["parse", s(&empty)],
        vec!["units", s(&empty)],
        vec!["tasks", "--all-units", s(&empty)],
    ] {
        let o = fengong(&args);
        assert_eq!(o.status.code(), Some(2), "{args:?}: {}", err(&o));
        assert!(o.stdout.is_empty(), "{args:?}");
        assert!(err(&o).contains("nothing to read"), "{args:?}: {}", err(&o));
    }
    // A missing file: that input failed (exit 1), and no empty table.
    let o = fengong(&["units", "missing.txt"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(o.stdout.is_empty(), "{}", out(&o));
}

#[test]
fn point_4_paths_and_os_errors_are_printed_once() {
    let o = fengong(&["parse", "missing.txt"]);
    let e = err(&o);
    assert_eq!(e.matches("missing.txt").count(), 1, "{e}");
    assert!(e.contains("No such file or directory"), "{e}");
    assert!(!e.contains("os error"), "{e}");
    let o = fengong(&["parse", "--aliases", "missing.csv", SEED]);
    assert_eq!(o.status.code(), Some(2));
    let e = err(&o);
    assert_eq!(e.matches("missing.csv").count(), 1, "{e}");
    assert_eq!(e.matches("No such file or directory").count(), 1, "{e}");
    assert!(!e.contains("os error"), "{e}");
}

#[test]
fn point_5_dash_is_standard_input_with_the_format_sniffed() {
    let text = std::fs::read(repo(SEED)).unwrap();
    let o = fengong_stdin(&["parse", "-"], &text);
    assert_eq!(o.status.code(), Some(0), "{}", err(&o));
    let from_stdin = json(&o);
    let from_file = parse_json(&repo(SEED));
    assert_eq!(from_stdin["items"], from_file["items"]);
    assert_eq!(from_stdin["source"], "stdin");
    // A binary format from standard input: the DOCX fixture.
    let docx = std::fs::read(repo("fixtures/formats/seed.docx")).unwrap();
    let o = fengong_stdin(&["parse", "-"], &docx);
    assert_eq!(json(&o)["format"], "docx", "{}", err(&o));
    // Standard input can be read only once.
    let o = fengong_stdin(&["parse", "-", "-"], &text);
    assert_eq!(o.status.code(), Some(2));
}

#[test]
fn point_6_missing_parent_folders_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let o = fengong(&["parse", SEED, "-o", s(&dir.path().join("a/b/out.json"))]);
    assert_eq!(o.status.code(), Some(2));
    assert!(err(&o).contains("does not exist"), "{}", err(&o));
    assert!(!dir.path().join("a").exists());
    let o = fengong(&["parse", SEED, "--out-dir", s(&dir.path().join("a/b"))]);
    assert_eq!(o.status.code(), Some(2));
    assert!(!dir.path().join("a").exists());
    // The --out-dir folder itself is made when its parent exists.
    let o = fengong(&["parse", SEED, "--out-dir", s(&dir.path().join("out"))]);
    assert_eq!(o.status.code(), Some(0), "{}", err(&o));
    assert!(dir.path().join("out/000_7c5878c3eb2a3600.json").is_file());
}

#[test]
fn point_7_the_output_extension_picks_the_format() {
    let dir = tempfile::tempdir().unwrap();
    let csv = dir.path().join("out.csv");
    let o = fengong(&["parse", SEED, "-o", s(&csv)]);
    assert_eq!(o.status.code(), Some(0), "{}", err(&o));
    assert!(
        std::fs::read(&csv)
            .unwrap()
            .starts_with("\u{feff}source,path,level".as_bytes())
    );
    let units = dir.path().join("all.units.csv");
    fengong(&["parse", SEED, "-o", s(&units)]);
    assert!(
        std::fs::read_to_string(&units)
            .unwrap()
            .contains("source,path,heading,role")
    );
    let jsonl = dir.path().join("out.jsonl");
    fengong(&["parse", SEED, "-o", s(&jsonl)]);
    assert_eq!(std::fs::read_to_string(&jsonl).unwrap().lines().count(), 1);
    let o = fengong(&[
        "parse",
        SEED,
        "-f",
        "json",
        "-o",
        s(&dir.path().join("x.csv")),
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert!(err(&o).contains("does not match"), "{}", err(&o));
    // Same rule for the other subcommands.
    let html = dir.path().join("d.html");
    let o = fengong(&["diff", SEED, REV, "-o", s(&html)]);
    assert_eq!(o.status.code(), Some(0), "{}", err(&o));
    assert!(
        std::fs::read_to_string(&html)
            .unwrap()
            .starts_with("<!DOCTYPE html>")
    );
}

#[test]
fn point_8_a_workbook_names_the_right_reason() {
    let o = fengong(&["parse", SEED, "-f", "xlsx"]);
    assert_eq!(o.status.code(), Some(2));
    let e = err(&o);
    assert!(e.contains("-o FILE or --out-dir DIR"), "{e}");
    assert!(!e.contains("terminal"), "{e}");
    assert!(o.stdout.is_empty());
}

#[cfg(target_os = "linux")]
#[test]
fn point_9_a_virtual_or_read_only_filesystem_is_named() {
    let o = fengong(&["parse", SEED, "-o", "/proc/out.json"]);
    assert_eq!(o.status.code(), Some(2));
    let e = err(&o);
    assert!(e.contains("/proc/out.json"), "{e}");
    assert!(e.contains("proc filesystem"), "{e}");
    assert!(!e.contains("No such file"), "{e}");
}

/// A folder of eight notices: `a.txt` (the seed) and seven, `plain0.txt`
/// to `plain6.txt`, with no numbered items (a warning each).
fn batch_with_warnings() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::copy(repo(SEED), dir.path().join("a.txt")).unwrap();
    for k in 0..7 {
        std::fs::write(
            dir.path().join(format!("plain{k}.txt")),
            "关于做好有关工作的通知\n请认真贯彻执行。\n",
        )
        .unwrap();
    }
    dir
}

#[test]
fn point_10_the_summary_counts_in_words_and_names_files_with_warnings() {
    let dir = batch_with_warnings();
    let d = dir.path();
    let o = fengong(&["parse", s(d), "--format", "jsonl"]);
    let e = err(&o);
    assert!(e.contains("8 converted, 0 failed"), "{e}");
    assert!(!e.contains(" 1 warnings"), "{e}");
    assert!(e.contains("warning: ") && e.contains("plain0.txt"), "{e}");
    assert!(e.contains("no numbered items"), "{e}");
    assert!(e.contains("--verbose"), "{e}");
    assert!(!e.contains("plain6.txt"), "only the first few: {e}");
    let o = fengong(&["parse", s(d), "--format", "jsonl", "--verbose"]);
    assert!(err(&o).contains("plain6.txt"), "{}", err(&o));
    // One warning is singular.
    let one = tempfile::tempdir().unwrap();
    std::fs::write(one.path().join("p.txt"), "关于做好有关工作的通知\n").unwrap();
    let o = fengong(&["parse", s(one.path()), "--format", "jsonl"]);
    assert!(
        err(&o).contains("1 converted, 0 failed, 1 warning\n"),
        "{}",
        err(&o)
    );
}

#[test]
fn units_and_tasks_report_a_batch_like_parse_and_take_the_same_read_options() {
    let dir = batch_with_warnings();
    let d = dir.path();
    let seed = d.join("a.txt");
    let list = d.join("list.lst");
    std::fs::write(&list, format!("{}\n", s(&seed))).unwrap();
    // Each command's report, by the options given, must equal parse's.
    let mut reports: Vec<Vec<String>> = Vec::new();
    for cmd in [
        vec!["parse", "--format", "jsonl"],
        vec!["units"],
        vec!["tasks", "-u", "注册处"],
    ] {
        let mut seen = Vec::new();
        let mut with = |extra: &[&str]| {
            let mut a = cmd.clone();
            a.extend_from_slice(extra);
            let o = fengong(&a);
            assert_eq!(o.status.code(), Some(0), "{a:?}: {}", err(&o));
            assert!(!o.stdout.is_empty(), "{a:?}");
            seen.push(err(&o));
            err(&o)
        };
        // The summary of a batch, the first few files with warnings named.
        let e = with(&[s(d), "--jobs", "2"]);
        assert!(e.contains("8 converted, 0 failed"), "{cmd:?}: {e}");
        assert!(
            e.contains("plain0.txt") && !e.contains("plain6.txt"),
            "{cmd:?}: {e}"
        );
        // --verbose names every one, --quiet says nothing.
        assert!(with(&[s(d), "-v"]).contains("plain6.txt"), "{cmd:?}");
        assert_eq!(with(&[s(d), "-q"]), "", "{cmd:?}");
        // One file: no summary; a list of files is a batch.
        assert_eq!(with(&[s(&seed)]), "", "{cmd:?}");
        let e = with(&["--files-from", s(&list), "--max-bytes", "1000000"]);
        assert!(e.contains("1 converted, 0 failed"), "{cmd:?}: {e}");
        // The input limit applies alike.
        let mut a = cmd.clone();
        a.extend_from_slice(&[s(&seed), "--max-bytes", "100"]);
        let o = fengong(&a);
        assert_eq!(o.status.code(), Some(1), "{a:?}");
        assert!(err(&o).contains("a.txt"), "{a:?}: {}", err(&o));
        reports.push(seen);
    }
    assert_eq!(reports[1], reports[0], "units against parse");
    assert_eq!(reports[2], reports[0], "tasks against parse");
    // diff parses with the same --max-bytes: each side over it is refused.
    let o = fengong(&["diff", "--max-bytes", "100", s(&seed), SEED]);
    assert_eq!(o.status.code(), Some(1));
    assert!(o.stdout.is_empty());
    let e = err(&o);
    assert!(e.contains("a.txt") && e.contains("--max-bytes"), "{e}");
    let o = fengong(&["diff", "--max-bytes", "1000000", s(&seed), SEED]);
    assert_eq!(o.status.code(), Some(0), "{}", err(&o));
}

#[test]
fn point_11_tasks_without_a_unit_says_how_to_name_one() {
    let o = fengong(&["tasks", SEED]);
    assert_eq!(o.status.code(), Some(2));
    let e = err(&o);
    assert!(e.contains("--unit NAME or --all-units"), "{e}");
}

#[test]
fn point_12_diff_impact_rows_have_their_own_columns() {
    let o = fengong(&["diff", SEED, REV, "-f", "csv", "--no-bom"]);
    assert_eq!(o.status.code(), Some(0), "{}", err(&o));
    let mut r = csv::Reader::from_reader(o.stdout.as_slice());
    let h = r.headers().unwrap().clone();
    let col = |name: &str| h.iter().position(|c| c == name).unwrap();
    let (unit, gained, field, old) = (col("unit"), col("gained"), col("field"), col("old"));
    let rows: Vec<csv::StringRecord> = r.records().map(|x| x.unwrap()).collect();
    let impact: Vec<_> = rows.iter().filter(|x| &x[0] == "impact").collect();
    assert!(!impact.is_empty());
    for x in &impact {
        assert!(
            !x[unit].is_empty() && x[gained].parse::<usize>().is_ok(),
            "{x:?}"
        );
        assert!(x[field].is_empty() && x[old].is_empty(), "{x:?}");
    }
    for x in rows.iter().filter(|x| &x[0] != "impact") {
        assert!(x[gained].is_empty(), "{x:?}");
    }
}

#[test]
fn point_13_a_diff_of_workbooks_names_the_workbooks() {
    let dir = tempfile::tempdir().unwrap();
    let (a, b) = (dir.path().join("old.xlsx"), dir.path().join("new.xlsx"));
    for (src, book) in [(SEED, &a), (REV, &b)] {
        let o = fengong(&["parse", src, "-o", s(book)]);
        assert!(o.status.success(), "{}", err(&o));
    }
    let o = fengong(&["diff", s(&a), s(&b)]);
    assert_eq!(o.status.code(), Some(0), "{}", err(&o));
    let first = out(&o).lines().next().unwrap().to_string();
    assert!(
        first.contains("old.xlsx [000_7c5878c3eb2a3600.txt]")
            && first.contains("new.xlsx [seed_rev.txt]"),
        "{first}"
    );
    // Plain files are named once.
    let o = fengong(&["diff", SEED, REV]);
    let first = out(&o).lines().next().unwrap().to_string();
    assert!(!first.contains('['), "{first}");
}

#[test]
fn point_14_jobs_0_means_every_core() {
    let o = fengong(&["parse", "corpus", "--jobs", "0", "--format", "jsonl", "-q"]);
    assert_eq!(o.status.code(), Some(0), "{}", err(&o));
    let one = fengong(&["parse", "corpus", "--jobs", "1", "--format", "jsonl", "-q"]);
    assert_eq!(o.stdout, one.stdout);
    let help = out(&fengong(&["parse", "--help"]));
    assert!(help.contains("0: one per core"), "{help}");
}

#[test]
fn point_15_readme_and_rules_are_in_the_repository() {
    let readme = std::fs::read_to_string(repo("README.md")).unwrap();
    assert!(readme.contains("cargo install --path ."));
    assert!(readme.contains("Chromium") || readme.contains("chromium"));
    assert!(readme.contains("docs/rules.md"));
    assert!(
        !readme.contains("eval/GUIDE.md"),
        "README points outside the repository"
    );
    let rules = std::fs::read_to_string(repo("docs/rules.md")).unwrap();
    for part in ["牵头单位", "责任单位", "comparator", "path", "（一）"] {
        assert!(rules.contains(part), "docs/rules.md lacks {part}");
    }
    let ci = std::fs::read_to_string(repo(".ci/run")).unwrap();
    assert!(ci.contains("chromium"), ".ci/run prints the fallback note");
}

#[test]
fn exit_codes_are_the_same_for_every_subcommand() {
    let dir = tempfile::tempdir().unwrap();
    let (seed, empty) = seed_and_empty(dir.path());
    let (seed, empty) = (s(&seed), s(&empty));
    let cases: Vec<(Vec<&str>, i32)> = vec![
        (vec!["parse", seed], 0),
        (vec!["parse", seed, empty], 1),
        (vec!["parse"], 2),
        (vec!["units", seed], 0),
        (vec!["units", seed, empty], 1),
        (vec!["units", "-f", "nope", seed], 2),
        (vec!["tasks", "-u", "注册处", seed], 0),
        (vec!["tasks", "-u", "注册处", seed, empty], 1),
        (vec!["tasks", seed], 2),
        (vec!["diff", seed, REV], 0),
        (vec!["diff", seed, empty], 1),
        (vec!["diff", seed], 2),
        (vec!["completions", "bash"], 0),
        (vec!["completions", "tcsh"], 2),
        (vec!["man"], 0),
        (vec!["man", "nope"], 2),
    ];
    for (args, code) in cases {
        let o = fengong(&args);
        assert_eq!(o.status.code(), Some(code), "{args:?}: {}", err(&o));
    }
}

#[test]
fn completions_and_man_page_come_from_the_same_definitions() {
    for shell in ["bash", "zsh", "fish", "powershell"] {
        let o = fengong(&["completions", shell]);
        assert!(o.status.success(), "{shell}");
        let text = out(&o);
        for word in ["parse", "files-from", "out-dir"] {
            assert!(text.contains(word), "{shell} completion lacks {word}");
        }
        // Format values are completed too (PowerShell's script lists flags only).
        assert!(
            shell == "powershell" || text.contains("units-csv"),
            "{shell}"
        );
    }
    let man = out(&fengong(&["man"]));
    assert!(
        man.starts_with(".ie") || man.contains(".TH fengong 1"),
        "{man}"
    );
    assert!(man.contains("parse") && man.contains("tasks") && man.contains("Exit status"));
    let page = out(&fengong(&["man", "parse"]));
    assert!(
        page.contains("fengong\\-parse") && page.contains("files\\-from"),
        "{page}"
    );
}

#[test]
fn files_from_reads_a_list_for_pipe_stages() {
    let dir = tempfile::tempdir().unwrap();
    let list = dir.path().join("list.txt");
    let corpus: Vec<PathBuf> = std::fs::read_dir(repo("corpus"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "txt"))
        .take(3)
        .collect();
    let text: String = corpus
        .iter()
        .map(|p| format!("{}\r\n\n", p.display()))
        .collect();
    std::fs::write(&list, text).unwrap();
    let o = fengong(&["parse", "--files-from", s(&list), "--format", "jsonl", "-q"]);
    assert_eq!(o.status.code(), Some(0), "{}", err(&o));
    assert_eq!(out(&o).lines().count(), 3);
    let o = fengong(&["parse", "--files-from", s(&dir.path().join("nope.txt"))]);
    assert_eq!(o.status.code(), Some(2));
    assert!(err(&o).contains("nope.txt"));
    // `units` and `tasks` read the same lists: the list gives what the files give.
    let by_name: Vec<&str> = corpus.iter().map(|p| s(p)).collect();
    for cmd in [
        vec!["units", "-f", "csv"],
        vec!["tasks", "--all-units", "-f", "csv"],
    ] {
        let listed = fengong(&[cmd.clone(), vec!["--files-from", s(&list)]].concat());
        assert_eq!(listed.status.code(), Some(0), "{cmd:?}: {}", err(&listed));
        let named = fengong(&[cmd.clone(), by_name.clone()].concat());
        assert_eq!(out(&listed), out(&named), "{cmd:?}");
        assert!(!out(&listed).trim().is_empty(), "{cmd:?}");
        let missing = fengong(
            &[
                cmd.clone(),
                vec!["--files-from", s(&dir.path().join("nope.txt"))],
            ]
            .concat(),
        );
        assert_eq!(missing.status.code(), Some(2), "{cmd:?}");
        assert!(err(&missing).contains("nope.txt"), "{cmd:?}");
    }
}

/// `units` and `tasks` refuse a file over `--max-bytes` as `parse` does,
/// naming it and the limit.
#[test]
fn units_and_tasks_take_max_bytes() {
    for cmd in [vec!["units"], vec!["tasks", "--all-units"], vec!["parse"]] {
        let o = fengong(&[cmd.clone(), vec![SEED, "--max-bytes", "1000"]].concat());
        assert_eq!(o.status.code(), Some(1), "{cmd:?}: {}", err(&o));
        let e = err(&o);
        assert!(
            e.contains("000_7c5878c3eb2a3600.txt") && e.contains("--max-bytes"),
            "{cmd:?}: {e}"
        );
    }
}

/// `-o /dev/stdout` (a pipe here) is written into: not read first as an
/// existing output, not replaced by a renamed file.
#[cfg(unix)]
#[test]
fn output_to_a_device_or_pipe_is_written_in_place() {
    let to_stdout = fengong(&["parse", SEED, "-f", "jsonl", "-o", "/dev/stdout"]);
    assert!(to_stdout.status.success(), "{}", err(&to_stdout));
    let plain = fengong(&["parse", SEED, "-f", "jsonl"]);
    assert_eq!(out(&to_stdout), out(&plain));
}
