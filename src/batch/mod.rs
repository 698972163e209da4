//! The batch layer every subcommand goes through: finding the inputs
//! ([`walk`]), reading them in parallel ([`run_ordered`], [`read`]),
//! reporting what failed ([`report`]) and writing outputs safely
//! ([`guard`]). It calls down into the library (readers, writers) and never
//! into the command-line layer.
//!
//! Every file is processed inside `catch_unwind`, so a bad file — even one
//! that makes a reader panic — becomes that file's error and never stops
//! the batch. Results come back in input order, so output is deterministic
//! whatever the number of threads.

pub mod commit;
pub mod guard;
pub mod report;
pub mod walk;

pub use commit::Committer;
pub use guard::{Destination, Guard};
pub use report::{Report, Status};
pub use walk::{Input, Inputs, collect, io_message};

use crate::{Notice, Options};
use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Condvar, Mutex};

/// Output path for an input: the relative path under `out_dir`, extension
/// replaced by `ext`; when two inputs would collide (`a.txt`, `a.docx`), the
/// input's own extension is kept (`a.docx.json`).
pub fn output_paths(inputs: &[Input], out_dir: &Path, ext: &str) -> Vec<PathBuf> {
    let plain: Vec<PathBuf> = inputs
        .iter()
        .map(|i| out_dir.join(i.relative.with_extension(ext)))
        .collect();
    // How many inputs each plain output serves (counted once: comparing
    // every pair of a 20,000-file batch took 24 s).
    let mut uses: std::collections::HashMap<&Path, usize> = std::collections::HashMap::new();
    for p in &plain {
        *uses.entry(p.as_path()).or_default() += 1;
    }
    plain
        .iter()
        .enumerate()
        .map(|(k, p)| {
            if uses[p.as_path()] > 1 {
                let mut name = inputs[k].relative.as_os_str().to_owned();
                name.push(".");
                name.push(ext);
                out_dir.join(name)
            } else {
                p.clone()
            }
        })
        .collect()
}

/// Remove temporary files that an interrupted earlier run left next to
/// these outputs (`.NAME.PID.tmp`, written by [`crate::output::write_atomic`]
/// and renamed when complete), unless (on Linux) the process that wrote
/// them is still running. Returns how many were removed.
pub fn remove_stale_temps(outputs: &[PathBuf]) -> usize {
    let mut by_dir: std::collections::BTreeMap<&Path, std::collections::HashSet<&std::ffi::OsStr>> =
        Default::default();
    for o in outputs {
        if let (Some(dir), Some(name)) = (o.parent(), o.file_name()) {
            by_dir.entry(dir).or_default().insert(name);
        }
    }
    let mut removed = 0;
    for (dir, names) in by_dir {
        let Ok(entries) = std::fs::read_dir(dir) else {
            continue;
        };
        for e in entries.flatten() {
            let file = e.file_name();
            let Some(f) = file.to_str() else { continue };
            // `.NAME.PID.tmp` → NAME
            let Some(inner) = f.strip_prefix('.').and_then(|f| f.strip_suffix(".tmp")) else {
                continue;
            };
            let Some((name, pid)) = inner.rsplit_once('.') else {
                continue;
            };
            if !pid.is_empty()
                && pid.bytes().all(|b| b.is_ascii_digit())
                && names.contains(std::ffi::OsStr::new(name))
                // A process still running (Linux) may be writing it.
                && !Path::new("/proc").join(pid).exists()
                && std::fs::remove_file(e.path()).is_ok()
            {
                removed += 1;
            }
        }
    }
    removed
}

/// A library error as a message for a line that already names the file:
/// an I/O error gives only the OS's words (not the path again).
pub fn describe(e: &crate::Error) -> String {
    match e {
        crate::Error::Io { source, .. } => io_message(source),
        other => other.to_string(),
    }
}

/// Run `f`, turning a panic into an error message. Every read of the
/// batch layer passes here, so the first one also starts building the
/// rules' automata in the background ([`crate::prewarm`]).
fn guarded<T>(f: impl FnOnce() -> Result<T, String>) -> Result<T, String> {
    crate::prewarm();
    match std::panic::catch_unwind(std::panic::AssertUnwindSafe(f)) {
        Ok(r) => r,
        Err(p) => {
            let msg = crate::error::panic_message(p.as_ref());
            Err(format!(
                "internal error while parsing (please report): {msg}"
            ))
        }
    }
}

/// Parse one file, turning a panic into an error.
pub fn parse_guarded(path: &Path, opts: &Options) -> Result<Notice, String> {
    guarded(|| crate::parse_path(path, opts).map_err(|e| describe(&e)))
}

/// Read standard input whole, up to the `--max-bytes` limit.
fn read_stdin(opts: &Options) -> Result<Vec<u8>, String> {
    let mut bytes = Vec::new();
    std::io::stdin()
        .lock()
        .take(opts.max_bytes.saturating_add(1))
        .read_to_end(&mut bytes)
        .map_err(|e| io_message(&e))?;
    if bytes.len() as u64 > opts.max_bytes {
        return Err(describe(&crate::Error::Limit(format!(
            "standard input is more than the limit of {} bytes (--max-bytes)",
            opts.max_bytes
        ))));
    }
    Ok(bytes)
}

/// Parse the bytes of an uploaded file named `file_name` into all the
/// notices it holds; errors and panics become the message the CLI prints.
pub fn parse_bytes_guarded(
    bytes: &[u8],
    file_name: &str,
    opts: &Options,
) -> Result<Vec<Notice>, String> {
    guarded(|| crate::parse_bytes_all(bytes, file_name, opts).map_err(|e| describe(&e)))
}

/// Read one input (a file, or standard input with its format sniffed from
/// the bytes) into its notice; errors and panics become a message.
pub fn read(input: &Input, opts: &Options) -> Result<Notice, String> {
    if input.is_stdin() {
        guarded(|| {
            let bytes = read_stdin(opts)?;
            crate::parse_bytes(&bytes, "stdin", opts).map_err(|e| describe(&e))
        })
    } else {
        parse_guarded(&input.path, opts)
    }
}

/// Read every input, in order and on the batch's threads, into the notices
/// it holds; each failure (also those met while walking) and each notice's
/// warnings go into `report`; `each_file` is called once per input as it
/// is taken in order (a progress bar's tick). For subcommands that need
/// all notices at once (`units`, `tasks`).
pub fn read_notices(
    inputs: &Inputs,
    opts: &Options,
    report: &mut Report,
    mut each_file: impl FnMut(),
) -> Vec<Notice> {
    for (p, e) in &inputs.failed {
        report.failed(p, e.clone());
    }
    let mut notices = Vec::new();
    run_ordered(
        &inputs.files,
        64,
        |i| read_all(i, opts),
        |i, r| {
            each_file();
            match r {
                Ok(ns) => {
                    for n in &ns {
                        report.notice(&i.name(), n);
                    }
                    notices.extend(ns);
                }
                Err(e) => report.failed(&i.name(), e),
            }
        },
    );
    notices
}

/// Read one input into all the notices it holds (a workbook written by
/// fengong holds several; any other input one).
pub fn read_all(input: &Input, opts: &Options) -> Result<Vec<Notice>, String> {
    if input.is_stdin() {
        guarded(|| {
            let bytes = read_stdin(opts)?;
            crate::parse_bytes_all(&bytes, "stdin", opts).map_err(|e| describe(&e))
        })
    } else {
        guarded(|| crate::parse_path_all(&input.path, opts).map_err(|e| describe(&e)))
    }
}

/// Size the worker pool: `jobs` threads, 0 meaning one per core.
pub fn set_jobs(jobs: Option<usize>) {
    if let Some(j) = jobs {
        rayon::ThreadPoolBuilder::new()
            .num_threads(j)
            .build_global()
            .ok();
    }
}

/// Run `work` over the inputs on the worker pool, handing each result to
/// `sink` on the calling thread in input order. Workers take the next
/// input as soon as they are free, so the sink (writing, the progress bar)
/// overlaps with parsing instead of waiting for a whole chunk; a worker
/// never runs more than `window` inputs ahead of the sink, so memory stays
/// bounded whatever the batch size.
pub fn run_ordered<T, W, S>(inputs: &[Input], window: usize, work: W, mut sink: S)
where
    T: Send,
    W: Fn(&Input) -> T + Sync,
    S: FnMut(&Input, T),
{
    let window = window.max(1);
    let next = AtomicUsize::new(0);
    // How many results the sink has taken (usize::MAX once it stops), and
    // how many workers wait for it to take more (only then is it worth a
    // wake-up call per result).
    let sunk = (Mutex::new(Progress::default()), Condvar::new());
    let (tx, rx) = std::sync::mpsc::channel::<(usize, T)>();
    let workers = rayon::current_num_threads().min(inputs.len()).max(1);

    #[derive(Default)]
    struct Progress {
        sunk: usize,
        waiting: usize,
    }

    /// Releases blocked workers if the sink unwinds.
    struct Release<'a>(&'a (Mutex<Progress>, Condvar));
    impl Drop for Release<'_> {
        fn drop(&mut self) {
            if let Ok(mut s) = self.0.0.lock() {
                s.sunk = usize::MAX;
            }
            self.0.1.notify_all();
        }
    }

    std::thread::scope(|scope| {
        let (next, sunk, work) = (&next, &sunk, &work);
        scope.spawn(move || {
            rayon::scope(|rs| {
                for _ in 0..workers {
                    let tx = tx.clone();
                    rs.spawn(move |_| {
                        loop {
                            let k = next.fetch_add(1, Ordering::Relaxed);
                            if k >= inputs.len() {
                                break;
                            }
                            {
                                let mut s = sunk.0.lock().unwrap_or_else(|e| e.into_inner());
                                while s.sunk != usize::MAX && k >= s.sunk + window {
                                    s.waiting += 1;
                                    s = sunk.1.wait(s).unwrap_or_else(|e| e.into_inner());
                                    s.waiting -= 1;
                                }
                                if s.sunk == usize::MAX {
                                    break;
                                }
                            }
                            if tx.send((k, work(&inputs[k]))).is_err() {
                                break;
                            }
                        }
                    });
                }
                drop(tx);
            });
        });
        let _release = Release(sunk);
        let mut pending = std::collections::BTreeMap::new();
        let mut want = 0;
        for (k, r) in rx {
            pending.insert(k, r);
            while let Some(r) = pending.remove(&want) {
                sink(&inputs[want], r);
                want += 1;
            }
            let mut s = sunk.0.lock().unwrap_or_else(|e| e.into_inner());
            s.sunk = want;
            if s.waiting > 0 {
                sunk.1.notify_all();
            }
        }
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn colliding_outputs_keep_the_input_extension() {
        let inputs = vec![
            Input {
                path: "d/a.txt".into(),
                relative: "a.txt".into(),
            },
            Input {
                path: "d/a.docx".into(),
                relative: "a.docx".into(),
            },
            Input {
                path: "d/sub/b.pdf".into(),
                relative: "sub/b.pdf".into(),
            },
        ];
        let outs = output_paths(&inputs, Path::new("out"), "json");
        assert_eq!(
            outs,
            vec![
                PathBuf::from("out/a.txt.json"),
                "out/a.docx.json".into(),
                "out/sub/b.json".into()
            ]
        );
    }

    #[test]
    fn stale_temporary_files_of_our_outputs_are_removed() {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        for f in [
            ".a.json.999999999.tmp",
            ".a.json.x.tmp",
            ".other.json.9.tmp",
            "a.json",
            ".b.json.999999998.tmp",
        ] {
            std::fs::write(d.join(f), "x").unwrap();
        }
        let n = remove_stale_temps(&[d.join("a.json"), d.join("b.json")]);
        assert_eq!(n, 2);
        assert!(!d.join(".a.json.999999999.tmp").exists());
        assert!(!d.join(".b.json.999999998.tmp").exists());
        assert!(d.join(".a.json.x.tmp").exists() && d.join(".other.json.9.tmp").exists());
        assert!(d.join("a.json").exists());
    }

    #[test]
    fn panics_become_errors() {
        let r = std::panic::catch_unwind(|| {
            parse_guarded(Path::new("/definitely/missing"), &Options::default())
        });
        let e = r.unwrap().unwrap_err();
        assert!(e.contains("No such file"), "{e}");
        assert!(!e.contains("definitely"), "the caller names the file: {e}");
    }

    #[test]
    fn ordered_results_with_a_slow_first_input() {
        let inputs: Vec<Input> = (0..40)
            .map(|i| Input {
                path: format!("{i}").into(),
                relative: format!("{i}").into(),
            })
            .collect();
        let mut seen = Vec::new();
        run_ordered(
            &inputs,
            3,
            |i| {
                let k = i.path.to_string_lossy().parse::<u32>().unwrap();
                if k % 10 == 0 {
                    std::thread::sleep(std::time::Duration::from_millis(20));
                }
                k
            },
            |_, r| seen.push(r),
        );
        assert_eq!(seen, (0..40).collect::<Vec<_>>());
    }

    #[test]
    fn ordered_results_whatever_the_threads() {
        let inputs: Vec<Input> = (0..50)
            .map(|i| Input {
                path: format!("{i}").into(),
                relative: format!("{i}").into(),
            })
            .collect();
        let mut seen = Vec::new();
        run_ordered(
            &inputs,
            7,
            |i| i.path.to_string_lossy().parse::<u32>().unwrap(),
            |_, r| seen.push(r),
        );
        assert_eq!(seen, (0..50).collect::<Vec<_>>());
    }
}
