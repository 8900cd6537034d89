//! The data directory: snapshots, the `current` pointer, user data.
//!
//! ```text
//! snapshots/<id>/{catalogue.sqlite, samples.sqlite, index/, manifest.json}
//! snapshots/.staging-<id>/   a snapshot being built; never read, removed on failure
//! current                    the active snapshot id, replaced atomically (write + fsync + rename)
//! previous                   the snapshot active before it, for rollback
//! user.sqlite                need statements, bookmarks, settings: never touched by import or sync
//! write.lock                 held (flock) by whoever imports or syncs: one writer at a time
//! ```

use crate::{Error, Result};
use std::io::Write;
use std::path::{Path, PathBuf};

thread_local! {
    /// Whether this thread holds the write lock (so that nested writers do not deadlock).
    static HELD: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

/// The data directory's write lock, released when dropped (or when the process dies: it is an
/// advisory `flock`, so a crash never leaves a stale lock behind).
#[derive(Debug)]
pub struct WriteLock {
    file: Option<std::fs::File>,
    // Not `Send`: the re-entrancy flag is per thread, so the guard must be dropped where it
    // was taken.
    _thread: std::marker::PhantomData<*const ()>,
}

impl Drop for WriteLock {
    fn drop(&mut self) {
        if let Some(f) = self.file.take() {
            let _ = f.unlock();
            HELD.with(|h| h.set(false));
        }
    }
}

/// A Hublot data directory.
#[derive(Debug, Clone)]
pub struct DataDir {
    root: PathBuf,
}

impl DataDir {
    /// Uses `root`, creating it if needed.
    pub fn new(root: impl Into<PathBuf>) -> Result<Self> {
        let root = root.into();
        let snaps = root.join("snapshots");
        std::fs::create_dir_all(&snaps).map_err(|e| Error::io(&snaps, e))?;
        Ok(DataDir { root })
    }

    /// The platform data directory (`~/.local/share/hublot` on Linux).
    pub fn default_root() -> PathBuf {
        dirs::data_dir()
            .unwrap_or_else(std::env::temp_dir)
            .join("hublot")
    }

    /// The root.
    pub fn root(&self) -> &Path {
        &self.root
    }

    /// Where user data lives.
    pub fn user_db(&self) -> PathBuf {
        self.root.join("user.sqlite")
    }

    /// Directory of snapshot `id`.
    pub fn snapshot(&self, id: &str) -> PathBuf {
        self.root.join("snapshots").join(id)
    }

    /// A fresh, empty staging directory for snapshot `id`.
    pub fn staging(&self, id: &str) -> Result<PathBuf> {
        let p = self.root.join("snapshots").join(format!(".staging-{id}"));
        if p.exists() {
            std::fs::remove_dir_all(&p).map_err(|e| Error::io(&p, e))?;
        }
        std::fs::create_dir_all(&p).map_err(|e| Error::io(&p, e))?;
        Ok(p)
    }

    /// Takes the data directory's write lock: one import or sync at a time, across processes
    /// (the CLI, `hublot serve` and the app may share a data directory) and threads. A second
    /// writer is refused at once with [`Error::Busy`] rather than queued: a sync can take
    /// minutes, and the user should know why nothing happens. Re-entrant on one thread, so a
    /// sync may call import.
    pub fn write_lock(&self) -> Result<WriteLock> {
        if HELD.with(|h| h.get()) {
            return Ok(WriteLock {
                file: None,
                _thread: std::marker::PhantomData,
            });
        }
        let path = self.root.join("write.lock");
        let file = std::fs::OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(&path)
            .map_err(|e| Error::io(&path, e))?;
        match file.try_lock() {
            Ok(()) => {}
            Err(std::fs::TryLockError::WouldBlock) => {
                return Err(Error::Busy(format!(
                    "another import or sync is writing {} (lock {}); try again when it ends",
                    self.root.display(),
                    path.display()
                )))
            }
            Err(std::fs::TryLockError::Error(e)) => return Err(Error::io(&path, e)),
        }
        HELD.with(|h| h.set(true));
        Ok(WriteLock {
            file: Some(file),
            _thread: std::marker::PhantomData,
        })
    }

    /// The active snapshot id, if any (and if its directory exists).
    pub fn current(&self) -> Option<String> {
        self.read_pointer("current")
    }

    /// The snapshot active before the current one, if it still exists.
    pub fn previous(&self) -> Option<String> {
        self.read_pointer("previous")
    }

    fn read_pointer(&self, name: &str) -> Option<String> {
        let id = std::fs::read_to_string(self.root.join(name)).ok()?;
        let id = id.trim().to_string();
        (!id.is_empty() && self.snapshot(&id).is_dir()).then_some(id)
    }

    /// Moves a finished staging directory into place and makes it the active snapshot; the old
    /// one becomes `previous`. Older snapshots are removed.
    pub fn activate(&self, staging: &Path, id: &str) -> Result<()> {
        let dest = self.snapshot(id);
        if dest.exists() {
            std::fs::remove_dir_all(&dest).map_err(|e| Error::io(&dest, e))?;
        }
        std::fs::rename(staging, &dest).map_err(|e| Error::io(&dest, e))?;
        sync_dir(&self.root.join("snapshots"));
        let old = self.current();
        self.write_pointer("current", id)?;
        if let Some(old) = old.filter(|o| o != id) {
            self.write_pointer("previous", &old)?;
        }
        self.prune();
        Ok(())
    }

    /// Makes `previous` current again (and current previous).
    pub fn rollback(&self) -> Result<String> {
        let prev = self
            .previous()
            .ok_or_else(|| Error::NotFound("no previous snapshot to roll back to".into()))?;
        let cur = self.current();
        self.write_pointer("current", &prev)?;
        if let Some(cur) = cur {
            self.write_pointer("previous", &cur)?;
        }
        Ok(prev)
    }

    fn write_pointer(&self, name: &str, id: &str) -> Result<()> {
        let tmp = self.root.join(format!(".{name}.tmp"));
        let dest = self.root.join(name);
        let mut f = std::fs::File::create(&tmp).map_err(|e| Error::io(&tmp, e))?;
        f.write_all(id.as_bytes())
            .and_then(|_| f.sync_all())
            .map_err(|e| Error::io(&tmp, e))?;
        std::fs::rename(&tmp, &dest).map_err(|e| Error::io(&dest, e))?;
        sync_dir(&self.root);
        Ok(())
    }

    /// Removes every snapshot but the current and the previous one, and stale staging dirs.
    pub fn prune(&self) {
        let keep = [self.current(), self.previous()];
        let Ok(rd) = std::fs::read_dir(self.root.join("snapshots")) else {
            return;
        };
        for e in rd.flatten() {
            let name = e.file_name().to_string_lossy().into_owned();
            if keep.iter().flatten().any(|k| *k == name) {
                continue;
            }
            let _ = std::fs::remove_dir_all(e.path());
        }
    }
}

/// Makes a rename durable (best effort: not every platform can fsync a directory).
fn sync_dir(p: &Path) {
    if let Ok(f) = std::fs::File::open(p) {
        let _ = f.sync_all();
    }
}
