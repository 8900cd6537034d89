//! The data directory: snapshots, the `current` pointer, user data.
//!
//! ```text
//! snapshots/<id>/{catalogue.sqlite, samples.sqlite, index/, manifest.json}
//! snapshots/.staging-<id>/   a snapshot being built; never read, removed on failure
//! current                    the active snapshot id, replaced atomically (write + fsync + rename)
//! previous                   the snapshot active before it, for rollback
//! user.sqlite                need statements, bookmarks, settings: never touched by import or sync
//! ```

use crate::{Error, Result};
use std::io::Write;
use std::path::{Path, PathBuf};

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
