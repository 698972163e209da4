//! What a run did, for standard error and the exit code: files converted,
//! files failed (each with its reason), warnings, and which files carry
//! notice-level warnings.

use std::process::ExitCode;

/// How many files with notice-level warnings the summary names without
/// `--verbose`.
const NAMED_WARNINGS: usize = 5;

/// Exit status shared by every subcommand: 0 everything converted, 1 some
/// inputs failed, 2 usage error or nothing to do.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    /// Every input was read and every output written.
    Ok,
    /// Some inputs (or their outputs) failed; the rest were done.
    SomeFailed,
    /// A usage error, an output refused, or nothing to read.
    Usage,
}

impl From<Status> for ExitCode {
    fn from(s: Status) -> ExitCode {
        ExitCode::from(match s {
            Status::Ok => 0,
            Status::SomeFailed => 1,
            Status::Usage => 2,
        })
    }
}

/// Outcome of a run, printed at the end.
#[derive(Debug, Default)]
pub struct Report {
    /// Files converted.
    pub converted: usize,
    /// Warnings of the converted files (notice-level and item-level).
    pub warnings: usize,
    /// Files that failed, with the reason.
    pub failed: Vec<(String, String)>,
    /// Files with notice-level warnings, and those warnings.
    pub warned: Vec<(String, Vec<String>)>,
}

/// `1 warning`, `2 warnings`.
pub fn plural(n: usize, word: &str) -> String {
    if n == 1 {
        format!("{n} {word}")
    } else {
        format!("{n} {word}s")
    }
}

impl Report {
    /// Record a converted file with its notice-level warnings and the
    /// number of item-level warnings.
    pub fn converted(&mut self, name: &str, notice_warnings: &[String], item_warnings: usize) {
        self.converted += 1;
        self.warnings += notice_warnings.len() + item_warnings;
        if !notice_warnings.is_empty() {
            self.warned
                .push((name.to_string(), notice_warnings.to_vec()));
        }
    }

    /// Record a converted notice.
    pub fn notice(&mut self, name: &str, n: &crate::Notice) {
        let items = n.items.iter().map(|i| i.warnings.len()).sum();
        self.converted(name, &n.warnings, items);
    }

    /// Turn a file recorded as converted into a failure (its output could
    /// not be published after all); `warnings` is what it had added.
    pub fn retract(&mut self, name: &str, warnings: usize, why: impl Into<String>) {
        self.converted = self.converted.saturating_sub(1);
        self.warnings = self.warnings.saturating_sub(warnings);
        self.warned.retain(|(n, _)| n != name);
        self.failed(name, why);
    }

    /// Record a failed file.
    pub fn failed(&mut self, name: &str, why: impl Into<String>) {
        self.failed.push((name.to_string(), why.into()));
    }

    /// 0 when nothing failed, 1 otherwise.
    pub fn status(&self) -> Status {
        if self.failed.is_empty() {
            Status::Ok
        } else {
            Status::SomeFailed
        }
    }

    /// The messages for standard error: each failure as `fengong: FILE:
    /// reason`; with `summary`, a closing count line and the files whose
    /// notices carry warnings (the first few, or all with `verbose`).
    pub fn render(&self, summary: bool, verbose: bool) -> String {
        let mut out = String::new();
        for (p, e) in &self.failed {
            out.push_str(&format!("fengong: {p}: {e}\n"));
        }
        if !summary {
            return out;
        }
        out.push_str(&format!(
            "fengong: {} converted, {} failed, {}\n",
            self.converted,
            self.failed.len(),
            plural(self.warnings, "warning")
        ));
        let shown = if verbose {
            self.warned.len()
        } else {
            NAMED_WARNINGS.min(self.warned.len())
        };
        for (name, ws) in &self.warned[..shown] {
            out.push_str(&format!("  warning: {name}: {}\n", ws.join("; ")));
        }
        if shown < self.warned.len() {
            out.push_str(&format!(
                "  … and {} more with warnings (--verbose lists them all)\n",
                plural(self.warned.len() - shown, "file")
            ));
        }
        out
    }

    /// Print [`Report::render`] to standard error.
    pub fn print(&self, summary: bool, verbose: bool) {
        eprint!("{}", self.render(summary, verbose));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn summary_counts_and_names() {
        let mut r = Report::default();
        r.converted("a.txt", &["no numbered items found".into()], 0);
        r.converted("b.txt", &[], 0);
        r.failed("c.txt", "the file is empty");
        let s = r.render(true, false);
        assert!(s.contains("fengong: c.txt: the file is empty"), "{s}");
        assert!(s.contains("2 converted, 1 failed, 1 warning\n"), "{s}");
        assert!(s.contains("warning: a.txt: no numbered items found"), "{s}");
        assert_eq!(r.status(), Status::SomeFailed);
    }

    #[test]
    fn only_the_first_files_with_warnings_unless_verbose() {
        let mut r = Report::default();
        for k in 0..8 {
            r.converted(&format!("{k}.txt"), &["w".into()], 1);
        }
        let short = r.render(true, false);
        assert!(short.contains("16 warnings"), "{short}");
        assert!(
            short.contains("4.txt") && !short.contains("5.txt"),
            "{short}"
        );
        assert!(
            short.contains("3 files more") || short.contains("3 files"),
            "{short}"
        );
        let all = r.render(true, true);
        assert!(all.contains("7.txt"), "{all}");
        assert_eq!(r.status(), Status::Ok);
    }
}
