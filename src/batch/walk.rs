//! Finding the inputs of a run: files named on the command line, folders
//! walked recursively, a list of paths (`--files-from`), and `-` for
//! standard input. A folder or file that cannot be read is recorded by name
//! and the walk goes on; the output folder is never walked into.

use std::collections::HashSet;
use std::path::{Path, PathBuf};

/// One input of a batch: the file, and its path relative to the argument it
/// was found under (used to mirror the input tree).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Input {
    /// The file (`-` for standard input).
    pub path: PathBuf,
    /// Relative path used for the output name.
    pub relative: PathBuf,
}

/// The path that stands for standard input.
pub const STDIN: &str = "-";

impl Input {
    /// Whether this input is standard input (`-`).
    pub fn is_stdin(&self) -> bool {
        self.path.as_os_str() == STDIN
    }

    /// The input's name in messages.
    pub fn name(&self) -> String {
        if self.is_stdin() {
            "standard input".into()
        } else {
            self.path.display().to_string()
        }
    }
}

/// Identity of a file on disk (device and inode on Unix), so that two
/// names of the same file are recognised as one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct FileId(u64, u64);

/// The identity of the file or folder at `path`, following symbolic links.
#[cfg(unix)]
pub fn file_id(path: &Path) -> Option<FileId> {
    use std::os::unix::fs::MetadataExt;
    let m = std::fs::metadata(path).ok()?;
    Some(FileId(m.dev(), m.ino()))
}

/// The identity of the file or folder at `path` (hash of its canonical path).
#[cfg(not(unix))]
pub fn file_id(path: &Path) -> Option<FileId> {
    use std::hash::{Hash, Hasher};
    let p = std::fs::canonicalize(path).ok()?;
    let mut h = std::collections::hash_map::DefaultHasher::new();
    p.hash(&mut h);
    Some(FileId(0, h.finish()))
}

/// The inputs of a run.
#[derive(Debug, Default)]
pub struct Inputs {
    /// Files to read, in a stable order (arguments in order, each folder's
    /// files sorted).
    pub files: Vec<Input>,
    /// Paths that could not be listed or do not exist, with the reason.
    pub failed: Vec<(String, String)>,
    /// Whether the run is a batch (several arguments, a folder, or a list):
    /// a batch's JSON is an array and it ends with a summary.
    pub many: bool,
    pub(crate) ids: HashSet<FileId>,
}

impl Inputs {
    /// Whether `path` is one of the inputs (same file, whatever its name).
    pub fn contains_file(&self, path: &Path) -> bool {
        file_id(path).is_some_and(|id| self.ids.contains(&id))
    }

    /// Nothing to read and nothing that failed: an empty folder, say.
    pub fn is_empty(&self) -> bool {
        self.files.is_empty() && self.failed.is_empty()
    }
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

/// An I/O error as a short message: the OS's words without `(os error N)`.
pub fn io_message(e: &std::io::Error) -> String {
    let s = e.to_string();
    match s.rfind(" (os error ") {
        Some(i) if s.ends_with(')') => s[..i].to_string(),
        _ => s,
    }
}

/// Expand arguments into inputs. Files named explicitly are always taken
/// (`-` is standard input, at most once); folders contribute the files with
/// a wanted extension, hidden files and folders skipped, and never the
/// folders in `skip` (the output folder). `many` marks a batch even with a
/// single argument (a `--files-from` list).
pub fn collect(args: &[PathBuf], skip: &[PathBuf], many: bool) -> Result<Inputs, String> {
    let skip: HashSet<FileId> = skip.iter().filter_map(|p| file_id(p)).collect();
    let mut out = Inputs {
        many: many || args.len() > 1,
        ..Default::default()
    };
    let mut stdin_seen = false;
    for arg in args {
        if arg.as_os_str() == STDIN {
            if stdin_seen {
                return Err("standard input (-) can be read only once".into());
            }
            stdin_seen = true;
            out.files.push(Input {
                path: arg.clone(),
                relative: PathBuf::from("stdin"),
            });
            continue;
        }
        match std::fs::metadata(arg) {
            Err(e) => out.failed.push((arg.display().to_string(), io_message(&e))),
            Ok(m) if m.is_dir() => {
                out.many = true;
                let mut found = Vec::new();
                walk(arg, &skip, &mut found, &mut out.failed);
                found.sort();
                for p in found {
                    let relative = p.strip_prefix(arg).unwrap_or(&p).to_path_buf();
                    out.files.push(Input { path: p, relative });
                }
            }
            Ok(_) => {
                let relative = PathBuf::from(arg.file_name().unwrap_or(arg.as_os_str()));
                out.files.push(Input {
                    path: arg.clone(),
                    relative,
                });
            }
        }
    }
    out.ids = out.files.iter().filter_map(|i| file_id(&i.path)).collect();
    Ok(out)
}

fn walk(
    dir: &Path,
    skip: &HashSet<FileId>,
    out: &mut Vec<PathBuf>,
    failed: &mut Vec<(String, String)>,
) {
    let entries = match std::fs::read_dir(dir) {
        Ok(rd) => rd,
        Err(e) => {
            failed.push((dir.display().to_string(), io_message(&e)));
            return;
        }
    };
    let mut list = Vec::new();
    for e in entries {
        match e {
            Ok(e) => list.push(e),
            Err(e) => failed.push((dir.display().to_string(), io_message(&e))),
        }
    }
    list.sort_by_key(|e| e.file_name());
    for e in list {
        if e.file_name().to_string_lossy().starts_with('.') {
            continue;
        }
        let p = e.path();
        match e.file_type() {
            Ok(ft) if ft.is_dir() => {
                if !file_id(&p).is_some_and(|id| skip.contains(&id)) {
                    walk(&p, skip, out, failed);
                }
            }
            Ok(_) if wanted(&p) => out.push(p),
            Ok(_) => {}
            Err(e) => failed.push((p.display().to_string(), io_message(&e))),
        }
    }
}

/// Read a list of paths, one per line (`--files-from`): blank lines are
/// skipped, a trailing `\r` is dropped, nothing else is trimmed.
pub fn read_list(text: &str) -> Vec<PathBuf> {
    text.lines()
        .map(|l| l.strip_suffix('\r').unwrap_or(l))
        .filter(|l| !l.trim().is_empty())
        .map(PathBuf::from)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lists_skip_blank_lines_and_carriage_returns() {
        assert_eq!(
            read_list("a.txt\r\n\n  \nb c.docx\n"),
            vec![PathBuf::from("a.txt"), PathBuf::from("b c.docx")]
        );
    }

    #[test]
    fn os_error_numbers_are_dropped() {
        let e = std::io::Error::from_raw_os_error(2);
        assert!(!io_message(&e).contains("os error"), "{}", io_message(&e));
    }

    #[test]
    fn the_output_folder_is_not_walked_and_missing_paths_are_reported() {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        std::fs::create_dir_all(d.join("out")).unwrap();
        std::fs::write(d.join("a.txt"), "x").unwrap();
        std::fs::write(d.join("out/a.json"), "{}").unwrap();
        let found = collect(
            &[d.to_path_buf(), d.join("missing.txt")],
            &[d.join("out")],
            false,
        )
        .unwrap();
        assert_eq!(found.files.len(), 1);
        assert_eq!(found.failed.len(), 1);
        assert!(found.failed[0].0.ends_with("missing.txt"));
        assert!(found.contains_file(&d.join("a.txt")));
        assert!(!found.contains_file(&d.join("out/a.json")));
    }

    #[test]
    fn stdin_only_once() {
        assert!(collect(&["-".into(), "-".into()], &[], false).is_err());
        let one = collect(&["-".into()], &[], false).unwrap();
        assert!(one.files[0].is_stdin() && !one.many);
    }
}
