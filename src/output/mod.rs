//! Stage 6 — output writers: JSON ([`json`]), CSV ([`csv`]), XLSX
//! ([`xlsx`]), and atomic file writes ([`AtomicFile`], [`write_atomic`]).
pub mod csv;
pub mod json;
pub mod units_report;
pub mod xlsx;

use std::fs::File;
use std::io::Write;
use std::path::{Path, PathBuf};

/// A file written atomically: the bytes go to a temporary file
/// (`.NAME.PID.tmp`) in the target's folder, which [`AtomicFile::commit`]
/// syncs and renames over the target. Until then — and if the writer is
/// dropped without a commit — the target is untouched and the temporary
/// file is removed. A target that already exists keeps its permission bits.
#[derive(Debug)]
pub struct AtomicFile {
    file: Option<File>,
    tmp: PathBuf,
    target: PathBuf,
}

impl AtomicFile {
    /// Start writing `target`. The folder must exist (it is not created).
    pub fn create(target: &Path) -> std::io::Result<AtomicFile> {
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

    /// The file being replaced or created.
    pub fn target(&self) -> &Path {
        &self.target
    }

    /// Flush and write the bytes to disk, without publishing them yet (the
    /// slow part of a commit, which a caller may run on another thread).
    pub fn sync(&mut self) -> std::io::Result<()> {
        match &mut self.file {
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
        if !self.tmp.as_os_str().is_empty() {
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

    #[test]
    fn a_missing_folder_is_an_error() {
        let dir = tempfile::tempdir().unwrap();
        assert!(write_atomic(&dir.path().join("no/such/a.json"), b"x").is_err());
    }
}
