//! Publishing finished output files off the worker threads. Syncing a file
//! to disk (`fsync`) waits on the disk, not on the CPU: done by the worker
//! that parsed the file, it leaves a core idle, and one file at a time the
//! filesystem serialises the journal commits. A few committer threads sync
//! and rename in parallel (the filesystem groups their commits) while the
//! workers go on parsing; a bounded queue keeps the number of files waiting
//! (and open) small.

use super::guard::write_error;
use crate::output::AtomicFile;
use std::sync::mpsc::{Receiver, SyncSender, sync_channel};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;

/// Files waiting for a committer, at most.
const QUEUE: usize = 64;

/// A pool of threads committing [`AtomicFile`]s.
pub struct Committer {
    tx: Option<SyncSender<(usize, AtomicFile)>>,
    threads: Vec<JoinHandle<Vec<(usize, String)>>>,
}

impl Committer {
    /// Start `threads` committers.
    pub fn new(threads: usize) -> Committer {
        let (tx, rx) = sync_channel::<(usize, AtomicFile)>(QUEUE);
        let rx = Arc::new(Mutex::new(rx));
        let threads = (0..threads.max(1))
            .map(|_| {
                let rx = Arc::clone(&rx);
                std::thread::spawn(move || commit_loop(&rx))
            })
            .collect();
        Committer {
            tx: Some(tx),
            threads,
        }
    }

    /// Sync and rename `file` on a committer thread; `key` identifies it in
    /// the failures [`Committer::finish`] returns. Blocks while the queue is
    /// full.
    pub fn submit(&self, key: usize, file: AtomicFile) {
        if let Some(tx) = &self.tx
            && let Err(std::sync::mpsc::SendError((_, file))) = tx.send((key, file))
        {
            // No committer left (one panicked): commit here.
            let target = file.target().to_path_buf();
            if let Err(e) = file.commit() {
                eprintln!("fengong: {}", write_error(&target, &e));
            }
        }
    }

    /// Wait for every file to be committed; the ones that failed, by key,
    /// with the reason.
    pub fn finish(mut self) -> Vec<(usize, String)> {
        self.tx = None;
        let mut failed: Vec<(usize, String)> = std::mem::take(&mut self.threads)
            .into_iter()
            .flat_map(|t| {
                t.join()
                    .unwrap_or_else(|_| vec![(usize::MAX, "a committer thread panicked".into())])
            })
            .collect();
        failed.sort();
        failed
    }
}

fn commit_loop(rx: &Mutex<Receiver<(usize, AtomicFile)>>) -> Vec<(usize, String)> {
    let mut failed = Vec::new();
    loop {
        let next = match rx.lock() {
            Ok(r) => r.recv(),
            Err(_) => break,
        };
        let Ok((key, file)) = next else { break };
        let target = file.target().to_path_buf();
        if let Err(e) = file.commit() {
            failed.push((key, write_error(&target, &e)));
        }
    }
    failed
}

impl Drop for Committer {
    fn drop(&mut self) {
        self.tx = None;
        for t in std::mem::take(&mut self.threads) {
            let _ = t.join();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    #[test]
    fn every_file_is_committed_and_failures_are_keyed() {
        let dir = tempfile::tempdir().unwrap();
        let c = Committer::new(3);
        for k in 0..20 {
            let mut f = AtomicFile::create(&dir.path().join(format!("{k}.json"))).unwrap();
            f.write_all(format!("{k}").as_bytes()).unwrap();
            c.submit(k, f);
        }
        // A target replaced by a folder cannot be renamed over.
        let blocked = dir.path().join("blocked.json");
        let f = AtomicFile::create(&blocked).unwrap();
        std::fs::create_dir(&blocked).unwrap();
        std::fs::write(blocked.join("x"), "x").unwrap();
        c.submit(99, f);
        let failed = c.finish();
        assert_eq!(failed.len(), 1);
        assert_eq!(failed[0].0, 99);
        for k in 0..20 {
            let s = std::fs::read_to_string(dir.path().join(format!("{k}.json"))).unwrap();
            assert_eq!(s, k.to_string());
        }
        let temps = std::fs::read_dir(dir.path())
            .unwrap()
            .filter(|e| {
                e.as_ref()
                    .unwrap()
                    .file_name()
                    .to_string_lossy()
                    .ends_with(".tmp")
            })
            .count();
        assert_eq!(temps, 0);
    }
}
