//! Output safety: where a run may write. An output is refused when it is
//! one of the inputs (the same file by device and inode, whatever its
//! name), when its folder does not exist, and — unless `--force` — when it
//! is read-only or holds something fengong did not write. A replaced file
//! keeps its permission bits. Write errors name the real cause (a
//! read-only or virtual filesystem rather than "No such file").

use super::walk::{FileId, Inputs, file_id, io_message};
use crate::output::{AtomicFile, parent_dir};
use std::collections::HashSet;
use std::io::{Read, Write};
use std::path::Path;

/// Checks every output of a run against its inputs and the `--force` flag.
#[derive(Debug, Clone, Default)]
pub struct Guard {
    inputs: HashSet<FileId>,
    force: bool,
}

impl Guard {
    /// A guard for a run reading `inputs`; `force` allows replacing
    /// read-only files and files fengong did not write (never an input).
    pub fn new(inputs: &Inputs, force: bool) -> Guard {
        Guard {
            inputs: inputs.ids.clone(),
            force,
        }
    }

    /// Why `path` may not be written, if it may not.
    pub fn check(&self, path: &Path) -> Result<(), String> {
        if file_id(path).is_some_and(|id| self.inputs.contains(&id)) {
            return Err(format!(
                "{} is one of the inputs; fengong never writes over an input",
                path.display()
            ));
        }
        let dir = parent_dir(path);
        if !dir.is_dir() {
            return Err(format!(
                "cannot write {}: folder {} does not exist (create it first)",
                path.display(),
                dir.display()
            ));
        }
        let Ok(meta) = std::fs::metadata(path) else {
            return Ok(());
        };
        if meta.is_dir() {
            return Err(format!("cannot write {}: it is a folder", path.display()));
        }
        // A device or a named pipe (`/dev/null`, `/dev/stdout`) is written
        // into, not replaced (see [`AtomicFile`]): nothing to protect, and
        // nothing to read first (reading a pipe would wait for a writer).
        if !meta.is_file() {
            return Ok(());
        }
        if self.force {
            return Ok(());
        }
        if meta.permissions().readonly() {
            return Err(format!(
                "{} is read-only; fengong will not replace it (--force does)",
                path.display()
            ));
        }
        if !written_by_fengong(path) {
            return Err(format!(
                "{} exists and was not written by fengong; fengong will not replace it (--force does)",
                path.display()
            ));
        }
        Ok(())
    }

    /// Check `path` and start writing it atomically.
    pub fn create(&self, path: &Path) -> Result<AtomicFile, String> {
        self.check(path)?;
        AtomicFile::create(path).map_err(|e| write_error(path, &e))
    }

    /// Write `bytes` to `path` (atomically), or to standard output when
    /// `path` is `None`.
    pub fn write(&self, path: Option<&Path>, bytes: &[u8]) -> Result<(), String> {
        let mut d = Destination::open(path, self)?;
        match d.write_all(bytes) {
            // The reader stopped early (`| head`): not a failure.
            Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
            Err(e) => Err(d.error(&e)),
            Ok(()) => d.finish(),
        }
    }
}

/// `cannot write PATH: reason`, with the real cause when the OS's error
/// hides it (creating a file on /proc reports "No such file or directory").
pub fn write_error(path: &Path, e: &std::io::Error) -> String {
    let dir = parent_dir(path);
    let why = match mount_of(dir) {
        Some(m) if m.read_only => format!("{} is on a read-only filesystem", dir.display()),
        Some(m) if e.kind() == std::io::ErrorKind::NotFound && dir.is_dir() => format!(
            "{} is on a {} filesystem ({}), where files cannot be created",
            dir.display(),
            m.fs_type,
            m.mount_point
        ),
        _ => io_message(e),
    };
    format!("cannot write {}: {why}", path.display())
}

struct Mount {
    mount_point: String,
    fs_type: String,
    read_only: bool,
}

/// The mount holding `dir` (Linux, from /proc/self/mounts).
fn mount_of(dir: &Path) -> Option<Mount> {
    let dir = std::fs::canonicalize(dir).ok()?;
    let table = std::fs::read_to_string("/proc/self/mounts").ok()?;
    table
        .lines()
        .filter_map(|l| {
            let f: Vec<&str> = l.split(' ').collect();
            let point = f.get(1)?.replace("\\040", " ");
            dir.starts_with(&point).then(|| Mount {
                mount_point: point,
                fs_type: f.get(2).unwrap_or(&"").to_string(),
                read_only: f.get(3).is_some_and(|o| o.split(',').any(|x| x == "ro")),
            })
        })
        .max_by_key(|m| m.mount_point.len())
}

/// Where one output goes: standard output, or a file written atomically.
pub enum Destination {
    /// Standard output.
    Stdout(std::io::Stdout),
    /// A file, replaced when the run commits it.
    File(AtomicFile),
}

impl Destination {
    /// Standard output for `None`, else the checked file.
    pub fn open(path: Option<&Path>, guard: &Guard) -> Result<Destination, String> {
        Ok(match path {
            None => Destination::Stdout(std::io::stdout()),
            Some(p) => Destination::File(guard.create(p)?),
        })
    }

    /// A write error on this destination as a message.
    pub fn error(&self, e: &std::io::Error) -> String {
        match self {
            Destination::Stdout(_) => format!("writing to standard output: {}", io_message(e)),
            Destination::File(f) => write_error(f.target(), e),
        }
    }

    /// Flush standard output, or commit the file.
    pub fn finish(self) -> Result<(), String> {
        match self {
            Destination::Stdout(mut s) => s
                .flush()
                .map_err(|e| format!("writing to standard output: {}", io_message(&e))),
            Destination::File(f) => {
                let target = f.target().to_path_buf();
                f.commit().map_err(|e| write_error(&target, &e))
            }
        }
    }
}

impl Write for Destination {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        match self {
            Destination::Stdout(s) => s.write(buf),
            Destination::File(f) => f.write(buf),
        }
    }
    fn write_all(&mut self, buf: &[u8]) -> std::io::Result<()> {
        match self {
            Destination::Stdout(s) => s.write_all(buf),
            Destination::File(f) => f.write_all(buf),
        }
    }
    fn flush(&mut self) -> std::io::Result<()> {
        match self {
            Destination::Stdout(s) => s.flush(),
            Destination::File(f) => f.flush(),
        }
    }
}

/// First JSON keys of the documents fengong writes: a notice, a ledger, a
/// units report row, a diff.
const JSON_FIRST_KEYS: [&str; 5] = ["source", "format", "unit", "canonical", "old_source"];

/// The header lines of the CSV files fengong writes.
fn csv_headers() -> Vec<String> {
    let first_line = |bytes: std::io::Result<Vec<u8>>| {
        let b = bytes.unwrap_or_default();
        let s = String::from_utf8_lossy(&b).into_owned();
        s.lines().next().unwrap_or("").to_string()
    };
    vec![
        first_line(crate::output::csv::items_csv(&[], false)),
        first_line(crate::output::csv::units_csv(&[], false)),
        first_line(crate::output::csv::targets_csv(&[], false)),
        first_line(crate::output::units_report::csv(&[], false)),
        first_line(crate::ledger::csv(&[], false)),
        crate::diff::report::CSV_HEADER.join(","),
    ]
}

/// Whether the file at `path` looks like something fengong wrote: one of
/// its CSV headers, its JSON documents, its text reports, its HTML diff,
/// or a workbook whose author is fengong. An empty file holds nothing to
/// lose and counts as such.
pub fn written_by_fengong(path: &Path) -> bool {
    let Ok(mut f) = std::fs::File::open(path) else {
        return false;
    };
    let mut head = Vec::with_capacity(8192);
    if (&mut f).take(8192).read_to_end(&mut head).is_err() {
        return false;
    }
    if head.is_empty() {
        return true;
    }
    if head.starts_with(b"PK\x03\x04") {
        return workbook_by_fengong(path);
    }
    let text = String::from_utf8_lossy(head.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(&head));
    let first = text.lines().next().unwrap_or("");
    if csv_headers().iter().any(|h| h == first) {
        return true;
    }
    let t = text.trim_start();
    if let Some(rest) = t.strip_prefix('[') {
        let rest = rest.trim_start();
        if rest.starts_with(']') {
            return true;
        }
        return rest.strip_prefix('{').is_some_and(json_first_key_is_ours);
    }
    if let Some(rest) = t.strip_prefix('{') {
        return json_first_key_is_ours(rest);
    }
    first.starts_with("fengong diff:")
        || text.contains("<meta name=\"generator\" content=\"fengong\">")
        || is_units_table_header(first)
        || is_ledger_table_header(first)
}

fn json_first_key_is_ours(after_brace: &str) -> bool {
    let r = after_brace.trim_start();
    JSON_FIRST_KEYS.iter().any(|k| {
        r.strip_prefix('"')
            .is_some_and(|r| r.starts_with(&format!("{k}\"")))
    })
}

fn is_units_table_header(line: &str) -> bool {
    let words: Vec<&str> = line.split_whitespace().collect();
    words == ["unit", "kind", "lead", "resp", "docs", "known", "aliases"]
}

fn is_ledger_table_header(line: &str) -> bool {
    // `UNIT (kind): N items, 牵头 N, 责任 N`
    let Some((_, counts)) = line.rsplit_once("): ") else {
        return false;
    };
    let words: Vec<&str> = counts.split([' ', ',']).filter(|w| !w.is_empty()).collect();
    matches!(words.as_slice(), [n, "items", "牵头", a, "责任", b]
        if [n, a, b].iter().all(|x| x.bytes().all(|c| c.is_ascii_digit())))
}

fn workbook_by_fengong(path: &Path) -> bool {
    let Ok(f) = std::fs::File::open(path) else {
        return false;
    };
    let Ok(mut zip) = zip::ZipArchive::new(f) else {
        return false;
    };
    let Ok(core) = zip.by_name("docProps/core.xml") else {
        return false;
    };
    let mut xml = String::new();
    if core.take(1 << 16).read_to_string(&mut xml).is_err() {
        return false;
    }
    xml.contains(&format!(
        "<dc:creator>{}</dc:creator>",
        crate::output::xlsx::AUTHOR
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ours(content: &[u8]) -> bool {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("f");
        std::fs::write(&p, content).unwrap();
        written_by_fengong(&p)
    }

    #[test]
    fn fengong_outputs_are_recognised() {
        let n = crate::parse_text(
            "一、总体要求\n1.推进工作。（牵头单位：省发展改革委）\n",
            &Default::default(),
        );
        assert!(ours(crate::output::json::to_json(&n).as_bytes()));
        assert!(ours(crate::output::json::to_json_line(&n).as_bytes()));
        assert!(ours(
            serde_json::to_string_pretty(&vec![n.clone()])
                .unwrap()
                .as_bytes()
        ));
        assert!(ours(b"[]\n"));
        assert!(ours(
            &crate::output::csv::items_csv(std::slice::from_ref(&n), true).unwrap()
        ));
        assert!(ours(&crate::output::csv::targets_csv(&[], false).unwrap()));
        assert!(ours(
            &crate::output::xlsx::workbook(std::slice::from_ref(&n)).unwrap()
        ));
        assert!(ours(b""));
    }

    #[test]
    fn other_files_are_not() {
        assert!(!ours("一、总体要求\n1.推进工作。\n".as_bytes()));
        assert!(!ours(b"{\"name\": 1}"));
        assert!(!ours(b"a,b,c\n1,2,3\n"));
        assert!(!ours(b"PK\x03\x04junk"));
    }

    #[test]
    fn inputs_and_foreign_files_are_refused_unless_forced() {
        let dir = tempfile::tempdir().unwrap();
        let input = dir.path().join("a.txt");
        std::fs::write(&input, "一、总体要求\n").unwrap();
        let inputs = super::super::walk::collect(std::slice::from_ref(&input), &[], false).unwrap();
        let g = Guard::new(&inputs, true);
        let e = g.check(&input).unwrap_err();
        assert!(e.contains("one of the inputs"), "{e}");
        let other = dir.path().join("notes.txt");
        std::fs::write(&other, "mine").unwrap();
        assert!(Guard::new(&inputs, false).check(&other).is_err());
        assert!(g.check(&other).is_ok());
        assert!(g.check(&dir.path().join("no/x.json")).is_err());
    }

    #[test]
    fn ledger_table_headers() {
        assert!(is_ledger_table_header(
            "省发展改革委 (government): 3 items, 牵头 2, 责任 1"
        ));
        assert!(!is_ledger_table_header("一、总体要求 (说明): 全文"));
    }
}
