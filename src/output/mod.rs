//! Stage 6 — output writers: JSON ([`json`], written by [`json_writer`]),
//! CSV ([`csv`]), XLSX ([`xlsx`]), atomic file writes ([`AtomicFile`],
//! [`write_atomic`]), and the context a row of a long table repeats
//! ([`context`]).
pub mod csv;
pub mod json;
pub mod json_writer;
pub mod units_report;
pub mod xlsx;

use std::borrow::Cow;
use std::fs::File;
use std::io::Write;
use std::path::{Path, PathBuf};

/// How many characters of an item's heading a row of a long table repeats
/// (the units and targets CSV and sheets, a unit's ledger, a diff's unit
/// impact list). The heading is a task's first sentence, and a paragraph
/// with no `。` is one sentence however long: written whole on each of its
/// rows, a 120 KB paragraph of 4,000 quantities and 4,000 units made
/// `tasks --all-units --format json` write 5.7 GB. The longest heading of
/// the corpus has 326 characters; the JSON, the items CSV and the `事项`
/// sheet keep headings whole.
pub const CONTEXT_CHARS: usize = 500;

/// `text` as a long table's row repeats it: whole up to [`CONTEXT_CHARS`]
/// characters, else its first `CONTEXT_CHARS - 1` characters and `…`.
pub fn context(text: &str) -> Cow<'_, str> {
    let mut starts = text.char_indices().map(|(i, _)| i);
    // Where the character that would make room for `…` starts; a cut only
    // when another character follows it.
    match starts.nth(CONTEXT_CHARS - 1) {
        Some(cut) if starts.next().is_some() => Cow::Owned(format!("{}…", &text[..cut])),
        _ => Cow::Borrowed(text),
    }
}

/// A file written atomically: the bytes go to a temporary file
/// (`.NAME.PID.tmp`) in the target's folder, which [`AtomicFile::commit`]
/// syncs and renames over the target. Until then — and if the writer is
/// dropped without a commit — the target is untouched and the temporary
/// file is removed. A target that already exists keeps its permission bits;
/// a symbolic link keeps pointing at the file it names, which is the one
/// replaced.
///
/// A target that exists and is no regular file (`/dev/null`, `/dev/stdout`,
/// a named pipe) is written in place: renaming a file over it would replace
/// the device or the pipe itself.
#[derive(Debug)]
pub struct AtomicFile {
    file: Option<File>,
    /// The temporary file; empty when the target is written in place.
    tmp: PathBuf,
    target: PathBuf,
}

/// Whether a target is written in place instead of replaced: it exists
/// (links followed) and is not a regular file.
fn written_in_place(target: &Path) -> bool {
    std::fs::metadata(target).is_ok_and(|m| !m.is_file())
}

impl AtomicFile {
    /// Start writing `target`. The folder must exist (it is not created).
    pub fn create(target: &Path) -> std::io::Result<AtomicFile> {
        if written_in_place(target) {
            let file = std::fs::OpenOptions::new().write(true).open(target)?;
            return Ok(AtomicFile {
                file: Some(file),
                tmp: PathBuf::new(),
                target: target.to_path_buf(),
            });
        }
        // A link is followed: the file it names is replaced, the link kept.
        let target = match std::fs::symlink_metadata(target) {
            Ok(m) if m.file_type().is_symlink() => {
                std::fs::canonicalize(target).unwrap_or_else(|_| target.to_path_buf())
            }
            _ => target.to_path_buf(),
        };
        let target = target.as_path();
        let dir = parent_dir(target);
        let name = target
            .file_name()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_else(|| "out".into());
        let tmp = dir.join(format!(".{name}.{}.tmp", std::process::id()));
        let file = File::create(&tmp)?;
        Ok(AtomicFile {
            file: Some(file),
            tmp,
            target: target.to_path_buf(),
        })
    }

    /// Whether the target is written in place (no temporary file).
    fn in_place(&self) -> bool {
        self.tmp.as_os_str().is_empty()
    }

    /// The file being replaced or created.
    pub fn target(&self) -> &Path {
        &self.target
    }

    /// Flush and write the bytes to disk, without publishing them yet (the
    /// slow part of a commit, which a caller may run on another thread). A
    /// target written in place is only flushed (a device or a pipe has no
    /// disk to sync).
    pub fn sync(&mut self) -> std::io::Result<()> {
        let in_place = self.in_place();
        match &mut self.file {
            Some(f) if in_place => f.flush(),
            Some(f) => {
                f.flush()?;
                f.sync_all()
            }
            None => Ok(()),
        }
    }

    /// Sync, give the temporary file the mode of the file it replaces, and
    /// rename it over the target.
    pub fn commit(mut self) -> std::io::Result<()> {
        self.sync()?;
        if self.in_place() {
            self.file = None;
            return Ok(());
        }
        if let Ok(old) = std::fs::metadata(&self.target) {
            std::fs::set_permissions(&self.tmp, old.permissions())?;
        }
        self.file = None;
        std::fs::rename(&self.tmp, &self.target)?;
        self.tmp = PathBuf::new();
        Ok(())
    }
}

impl Write for AtomicFile {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        match &mut self.file {
            Some(f) => f.write(buf),
            None => Err(std::io::Error::other("the file was already committed")),
        }
    }
    fn write_all(&mut self, buf: &[u8]) -> std::io::Result<()> {
        match &mut self.file {
            Some(f) => f.write_all(buf),
            None => Err(std::io::Error::other("the file was already committed")),
        }
    }
    fn flush(&mut self) -> std::io::Result<()> {
        match &mut self.file {
            Some(f) => f.flush(),
            None => Ok(()),
        }
    }
}

impl Drop for AtomicFile {
    fn drop(&mut self) {
        if !self.in_place() {
            self.file = None;
            let _ = std::fs::remove_file(&self.tmp);
        }
    }
}

/// The folder a file is written into (`.` for a bare file name).
pub fn parent_dir(path: &Path) -> &Path {
    path.parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."))
}

/// Write `bytes` to `path` atomically (see [`AtomicFile`]): an error leaves
/// any existing file untouched. The folder must exist.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let mut f = AtomicFile::create(path)?;
    f.write_all(bytes)?;
    f.commit()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn context_keeps_what_fits_and_marks_a_cut() {
        let fits = "推".repeat(CONTEXT_CHARS);
        assert!(matches!(context(&fits), Cow::Borrowed(s) if s == fits));
        assert_eq!(context("完善商事主体准入制度"), "完善商事主体准入制度");
        let long = format!("{}a达到850万户", "推".repeat(CONTEXT_CHARS - 2));
        let cut = context(&long);
        assert_eq!(cut.chars().count(), CONTEXT_CHARS);
        assert_eq!(cut, format!("{}a…", "推".repeat(CONTEXT_CHARS - 2)));
        assert!(long.starts_with(cut.trim_end_matches('…')));
    }

    #[test]
    fn an_uncommitted_file_leaves_the_target_alone() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("a.json");
        std::fs::write(&target, "old").unwrap();
        {
            let mut f = AtomicFile::create(&target).unwrap();
            f.write_all(b"new").unwrap();
        }
        assert_eq!(std::fs::read_to_string(&target).unwrap(), "old");
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
    }

    #[cfg(unix)]
    #[test]
    fn a_replaced_file_keeps_its_mode() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("a.json");
        std::fs::write(&target, "old").unwrap();
        std::fs::set_permissions(&target, std::fs::Permissions::from_mode(0o640)).unwrap();
        write_atomic(&target, b"new").unwrap();
        assert_eq!(std::fs::read_to_string(&target).unwrap(), "new");
        let mode = std::fs::metadata(&target).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o640);
    }

    #[cfg(unix)]
    #[test]
    fn a_device_is_written_in_place_and_a_link_kept() {
        // Only looked at, never written: the decision for a device.
        assert!(written_in_place(Path::new("/dev/null")));
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("a.json");
        assert!(!written_in_place(&file));
        std::fs::write(&file, "old").unwrap();
        assert!(!written_in_place(&file));
        // A link to a file: the file is replaced, the link stays a link.
        let link = dir.path().join("link.json");
        std::os::unix::fs::symlink(&file, &link).unwrap();
        write_atomic(&link, b"new").unwrap();
        assert!(
            std::fs::symlink_metadata(&link)
                .unwrap()
                .file_type()
                .is_symlink()
        );
        assert_eq!(std::fs::read_to_string(&file).unwrap(), "new");
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 2);
    }

    #[cfg(unix)]
    #[test]
    fn a_named_pipe_is_written_into_not_replaced() {
        use std::os::unix::fs::FileTypeExt;
        let dir = tempfile::tempdir().unwrap();
        let fifo = dir.path().join("out.fifo");
        let made = std::process::Command::new("mkfifo").arg(&fifo).status();
        if !made.is_ok_and(|s| s.success()) {
            eprintln!("note: mkfifo not available; the named-pipe test is skipped");
            return;
        }
        let reader = {
            let fifo = fifo.clone();
            std::thread::spawn(move || std::fs::read(&fifo).unwrap())
        };
        write_atomic(&fifo, b"{\"items\":[]}\n").unwrap();
        assert_eq!(reader.join().unwrap(), b"{\"items\":[]}\n");
        assert!(std::fs::metadata(&fifo).unwrap().file_type().is_fifo());
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
    }

    #[test]
    fn a_missing_folder_is_an_error() {
        let dir = tempfile::tempdir().unwrap();
        assert!(write_atomic(&dir.path().join("no/such/a.json"), b"x").is_err());
    }
}
