//! Batch conversion: many files (folders walked recursively) converted in
//! parallel with rayon. Every file is processed inside `catch_unwind`, so a
//! bad file — even one that makes a reader panic — becomes that file's error
//! and never stops the batch. Results come back in input order, so output is
//! deterministic whatever the number of threads.

use crate::{Notice, Options};
use rayon::prelude::*;
use std::path::{Path, PathBuf};

/// One input of a batch: the file, and its path relative to the argument it
/// was found under (used to mirror the input tree).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Input {
    /// The file.
    pub path: PathBuf,
    /// Relative path used for the output name.
    pub relative: PathBuf,
}

/// Extensions a folder walk picks up: the supported formats, plus the known
/// unsupported ones (so that they are reported, not silently skipped).
fn wanted(path: &Path) -> bool {
    let ext = path
        .extension()
        .and_then(|e| e.to_str())
        .unwrap_or("")
        .to_ascii_lowercase();
    crate::input::SUPPORTED_EXTENSIONS.contains(&ext.as_str())
        || crate::input::unsupported_advice(&ext).is_some()
}

/// Expand files and folders into a sorted list of inputs. Files named
/// explicitly are always included; folders contribute the files with a
/// wanted extension (hidden files and folders skipped).
pub fn collect_inputs(args: &[PathBuf]) -> std::io::Result<Vec<Input>> {
    let mut out = Vec::new();
    for arg in args {
        if arg.is_dir() {
            let mut found = Vec::new();
            walk(arg, &mut found)?;
            found.sort();
            for p in found {
                let relative = p.strip_prefix(arg).unwrap_or(&p).to_path_buf();
                out.push(Input { path: p, relative });
            }
        } else {
            let relative = PathBuf::from(arg.file_name().unwrap_or(arg.as_os_str()));
            out.push(Input {
                path: arg.clone(),
                relative,
            });
        }
    }
    Ok(out)
}

fn walk(dir: &Path, out: &mut Vec<PathBuf>) -> std::io::Result<()> {
    let mut entries: Vec<_> = std::fs::read_dir(dir)?.collect::<Result<_, _>>()?;
    entries.sort_by_key(|e| e.file_name());
    for e in entries {
        let name = e.file_name();
        if name.to_string_lossy().starts_with('.') {
            continue;
        }
        let p = e.path();
        let ft = e.file_type()?;
        if ft.is_dir() {
            walk(&p, out)?;
        } else if wanted(&p) {
            out.push(p);
        }
    }
    Ok(())
}

/// Output path for an input: the relative path under `out_dir`, extension
/// replaced by `ext`; when two inputs would collide (`a.txt`, `a.docx`), the
/// input's own extension is kept (`a.docx.json`).
pub fn output_paths(inputs: &[Input], out_dir: &Path, ext: &str) -> Vec<PathBuf> {
    let plain: Vec<PathBuf> = inputs
        .iter()
        .map(|i| out_dir.join(i.relative.with_extension(ext)))
        .collect();
    plain
        .iter()
        .enumerate()
        .map(|(k, p)| {
            if plain.iter().filter(|q| *q == p).count() > 1 {
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

/// Parse one file, turning a panic into an error.
pub fn parse_guarded(path: &Path, opts: &Options) -> Result<Notice, String> {
    match std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        crate::parse_path(path, opts)
    })) {
        Ok(Ok(n)) => Ok(n),
        Ok(Err(e)) => Err(e.to_string()),
        Err(p) => {
            let msg = p
                .downcast_ref::<&str>()
                .map(|s| s.to_string())
                .or_else(|| p.downcast_ref::<String>().cloned())
                .unwrap_or_else(|| "unknown panic".into());
            Err(format!(
                "internal error while parsing (please report): {msg}"
            ))
        }
    }
}

/// Run `work` over the inputs in parallel, `chunk` at a time, handing each
/// result to `sink` in input order. Memory stays bounded by the chunk size.
pub fn run_ordered<T, W, S>(inputs: &[Input], chunk: usize, work: W, mut sink: S)
where
    T: Send,
    W: Fn(&Input) -> T + Sync,
    S: FnMut(&Input, T),
{
    for block in inputs.chunks(chunk.max(1)) {
        let results: Vec<T> = block.par_iter().map(&work).collect();
        for (input, r) in block.iter().zip(results) {
            sink(input, r);
        }
    }
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
        assert!(r.unwrap().unwrap_err().contains("/definitely/missing"));
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
