//! The data directory: snapshots, the pointer to the active one, user data.
//!
//! ```text
//! snapshots/<id>/{catalogue.sqlite, samples.sqlite, index/, manifest.json}
//! snapshots/.staging-<id>/   a snapshot being built; never read, removed on failure
//! pointer.json               {"current": id, "previous": id|null}: the active snapshot and the
//!                            one before it (for rollback), replaced as one file, atomically
//!                            (write a temp file + fsync + rename + fsync the directory)
//! user.sqlite                need statements, bookmarks, settings: never touched by import or sync
//! write.lock                 held (flock) by whoever imports or syncs: one writer at a time
//! ```
//!
//! Earlier versions kept `current` and `previous` as two files renamed one after the other; a
//! kill between the two renames left `previous` stale, and rollback then silently did nothing.
//! Those files are still read when `pointer.json` is absent, and removed once it is written.

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

/// The identity of one version of `pointer.json`: [`DataDir::pointer_stamp`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PointerStamp {
    id: (u64, u64, i64, i64),
    len: u64,
    modified: Option<std::time::SystemTime>,
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

    /// What identifies this version of `pointer.json` (inode, size, times), `None` without one:
    /// the pointer is only ever replaced by a rename of a new file, so an unchanged stamp means
    /// an unchanged pointer, and a reader can skip reading and parsing it (see
    /// [`crate::Hublot::refresh`]).
    pub fn pointer_stamp(&self) -> Option<PointerStamp> {
        let m = std::fs::metadata(self.root.join(POINTER)).ok()?;
        #[cfg(unix)]
        let id = {
            use std::os::unix::fs::MetadataExt;
            (m.dev(), m.ino(), m.ctime(), m.ctime_nsec())
        };
        #[cfg(not(unix))]
        let id = (0, 0, 0, 0);
        Some(PointerStamp {
            id,
            len: m.len(),
            modified: m.modified().ok(),
        })
    }

    /// The active snapshot id, if any (and if its directory exists).
    pub fn current(&self) -> Option<String> {
        self.existing(self.pointer().current)
    }

    /// The snapshot active before the current one, if it still exists.
    pub fn previous(&self) -> Option<String> {
        let p = self.pointer();
        self.existing(p.previous.filter(|prev| p.current.as_ref() != Some(prev)))
    }

    /// `id` if its snapshot directory exists.
    fn existing(&self, id: Option<String>) -> Option<String> {
        id.filter(|id| self.snapshot(id).is_dir())
    }

    /// The pointer as written, snapshots present or not: `pointer.json`, else the two files of
    /// the older layout, else nothing.
    fn pointer(&self) -> Pointer {
        let path = self.root.join(POINTER);
        match read_small(&path) {
            Some(bytes) => serde_json::from_slice::<Pointer>(&bytes)
                .ok()
                .map(Pointer::checked)
                .unwrap_or_default(),
            None => Pointer {
                current: self.read_legacy(LEGACY_CURRENT),
                previous: self.read_legacy(LEGACY_PREVIOUS),
            }
            .checked(),
        }
    }

    fn read_legacy(&self, name: &str) -> Option<String> {
        let bytes = read_small(&self.root.join(name))?;
        Some(String::from_utf8_lossy(&bytes).trim().to_string())
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
        pause_point("activate:moved");
        let old = self.current();
        let previous = match old {
            // Re-activating the current id keeps the snapshot before it.
            Some(old) if old == id => self.previous(),
            old => old,
        };
        self.write_pointer(&Pointer {
            current: Some(id.to_string()),
            previous,
        })?;
        pause_point("activate:pointed");
        self.prune();
        Ok(())
    }

    /// Makes `previous` current again (and current previous). Refused with
    /// [`Error::NotFound`], saying why, when there is no earlier snapshot to go back to.
    pub fn rollback(&self) -> Result<String> {
        let p = self.pointer();
        let cur = self.current();
        let Some(prev) = self.previous() else {
            let why = match (&cur, &p.previous) {
                (None, _) => "there is no active snapshot".to_string(),
                (Some(c), None) => format!(
                    "snapshot {c} is the only one (the snapshot before an import or a sync is kept \
                     for rollback; the first one has none)"
                ),
                (Some(c), Some(prev)) if prev == c => {
                    format!("the previous snapshot recorded is {c}, the active one")
                }
                (Some(_), Some(prev)) => format!(
                    "the previous snapshot {prev} is no longer in {}",
                    self.root.join("snapshots").display()
                ),
            };
            return Err(Error::NotFound(format!("nothing to roll back to: {why}")));
        };
        self.write_pointer(&Pointer {
            current: Some(prev.clone()),
            previous: cur,
        })?;
        Ok(prev)
    }

    /// Replaces the pointer in one atomic rename, so that a kill at any moment leaves either the
    /// old pointer or the new one, never half of each; then removes the older layout's files.
    fn write_pointer(&self, p: &Pointer) -> Result<()> {
        let tmp = self.root.join(POINTER_TMP);
        let dest = self.root.join(POINTER);
        let json = serde_json::to_vec_pretty(p).expect("pointer serialises");
        let mut f = std::fs::File::create(&tmp).map_err(|e| Error::io(&tmp, e))?;
        f.write_all(&json)
            .and_then(|_| f.sync_all())
            .map_err(|e| Error::io(&tmp, e))?;
        drop(f);
        pause_point("pointer:written");
        std::fs::rename(&tmp, &dest).map_err(|e| Error::io(&dest, e))?;
        pause_point("pointer:renamed");
        sync_dir(&self.root);
        for name in [LEGACY_CURRENT, LEGACY_PREVIOUS] {
            let legacy = self.root.join(name);
            if legacy.exists() {
                std::fs::remove_file(&legacy).map_err(|e| Error::io(&legacy, e))?;
            }
        }
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

/// The pointer file, its temporary name while written, and the older layout's two files.
const POINTER: &str = "pointer.json";
const POINTER_TMP: &str = ".pointer.json.tmp";
const LEGACY_CURRENT: &str = "current";
const LEGACY_PREVIOUS: &str = "previous";

/// The longest pointer file read: two snapshot ids fit in a few hundred bytes.
const MAX_POINTER_BYTES: u64 = 4096;

/// What `pointer.json` holds.
#[derive(Debug, Default, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
struct Pointer {
    /// The active snapshot.
    current: Option<String>,
    /// The snapshot active before it, for rollback.
    #[serde(default)]
    previous: Option<String>,
}

impl Pointer {
    /// Drops ids that are not plain snapshot directory names (empty, a path, `..`): the pointer
    /// never sends a reader outside `snapshots/`.
    fn checked(self) -> Pointer {
        let ok = |id: Option<String>| {
            id.filter(|id| {
                !id.is_empty()
                    && id.len() <= 200
                    && !id.starts_with('.')
                    && id
                        .chars()
                        .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
            })
        };
        Pointer {
            current: ok(self.current),
            previous: ok(self.previous),
        }
    }
}

/// The bytes of a small file; `None` when it is absent, unreadable or larger than a pointer.
fn read_small(path: &Path) -> Option<Vec<u8>> {
    use std::io::Read;
    let f = std::fs::File::open(path).ok()?;
    let mut bytes = Vec::new();
    f.take(MAX_POINTER_BYTES + 1).read_to_end(&mut bytes).ok()?;
    (bytes.len() as u64 <= MAX_POINTER_BYTES).then_some(bytes)
}

/// For the tests that kill a writer at each step of a pointer swap: when
/// `HUBLOT_TEST_PAUSE_AT` names this point, says so on stderr and waits to be killed.
fn pause_point(name: &str) {
    if std::env::var_os("HUBLOT_TEST_PAUSE_AT").is_some_and(|v| v == name) {
        eprintln!("hublot: paused at {name}");
        loop {
            std::thread::sleep(std::time::Duration::from_secs(3600));
        }
    }
}

/// Makes a rename durable (best effort: not every platform can fsync a directory).
fn sync_dir(p: &Path) {
    if let Ok(f) = std::fs::File::open(p) {
        let _ = f.sync_all();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A data dir with empty snapshot directories `ids`, and a staging dir ready for `next`.
    fn dir_with(ids: &[&str]) -> (tempfile::TempDir, DataDir) {
        let t = tempfile::tempdir().unwrap();
        let d = DataDir::new(t.path()).unwrap();
        for id in ids {
            std::fs::create_dir_all(d.snapshot(id)).unwrap();
        }
        (t, d)
    }

    fn activate_new(d: &DataDir, id: &str) {
        let s = d.staging(id).unwrap();
        d.activate(&s, id).unwrap();
    }

    #[test]
    fn activate_and_rollback_swap_one_pointer_file() {
        let (_t, d) = dir_with(&[]);
        assert_eq!((d.current(), d.previous()), (None, None));
        activate_new(&d, "a");
        assert_eq!((d.current(), d.previous()), (Some("a".into()), None));
        activate_new(&d, "b");
        assert_eq!(
            (d.current(), d.previous()),
            (Some("b".into()), Some("a".into()))
        );
        let p: Pointer =
            serde_json::from_slice(&std::fs::read(d.root().join(POINTER)).unwrap()).unwrap();
        assert_eq!(
            p,
            Pointer {
                current: Some("b".into()),
                previous: Some("a".into())
            }
        );
        assert_eq!(d.rollback().unwrap(), "a");
        assert_eq!(
            (d.current(), d.previous()),
            (Some("a".into()), Some("b".into()))
        );
        // Activating a third prunes the oldest but keeps the one before it.
        activate_new(&d, "c");
        assert_eq!(
            (d.current(), d.previous()),
            (Some("c".into()), Some("a".into()))
        );
        assert!(!d.snapshot("b").exists());
        assert!(!d.root().join(POINTER_TMP).exists());
    }

    #[test]
    fn every_pointer_swap_changes_the_stamp() {
        let (_t, d) = dir_with(&[]);
        assert_eq!(d.pointer_stamp(), None);
        activate_new(&d, "a");
        let a = d.pointer_stamp().unwrap();
        assert_eq!(
            d.pointer_stamp(),
            Some(a),
            "a stamp is stable while nothing changes"
        );
        // Same ids, same size: only the file's identity tells the swap.
        activate_new(&d, "b");
        let b = d.pointer_stamp().unwrap();
        assert_ne!(a, b);
        d.rollback().unwrap();
        let back = d.pointer_stamp().unwrap();
        assert_ne!(back, b);
        assert_ne!(back, a);
    }

    #[test]
    fn the_older_two_file_layout_is_read_then_replaced() {
        let (_t, d) = dir_with(&["old", "older"]);
        std::fs::write(d.root().join(LEGACY_CURRENT), "old\n").unwrap();
        std::fs::write(d.root().join(LEGACY_PREVIOUS), "older").unwrap();
        assert_eq!(
            (d.current(), d.previous()),
            (Some("old".into()), Some("older".into()))
        );
        activate_new(&d, "new");
        assert_eq!(
            (d.current(), d.previous()),
            (Some("new".into()), Some("old".into()))
        );
        assert!(d.root().join(POINTER).exists());
        assert!(!d.root().join(LEGACY_CURRENT).exists());
        assert!(!d.root().join(LEGACY_PREVIOUS).exists());
        // Once pointer.json exists, a stray legacy file is ignored.
        std::fs::write(d.root().join(LEGACY_CURRENT), "older").unwrap();
        assert_eq!(d.current(), Some("new".into()));
    }

    #[test]
    fn rollback_says_why_there_is_nothing_to_roll_back_to() {
        let (_t, d) = dir_with(&[]);
        let e = d.rollback().unwrap_err().to_string();
        assert!(
            e.contains("nothing to roll back to: there is no active"),
            "{e}"
        );
        activate_new(&d, "a");
        let e = d.rollback().unwrap_err().to_string();
        assert!(
            e.contains("nothing to roll back to: snapshot a is the only one"),
            "{e}"
        );
        // The state a kill between the older layout's two renames could leave: `previous`
        // equal to `current`. Rollback used to rewrite the same id and report success.
        let (_t2, d) = dir_with(&["x"]);
        std::fs::write(d.root().join(LEGACY_CURRENT), "x").unwrap();
        std::fs::write(d.root().join(LEGACY_PREVIOUS), "x").unwrap();
        assert_eq!(d.previous(), None);
        let e = d.rollback().unwrap_err().to_string();
        assert!(
            e.contains("the previous snapshot recorded is x, the active one"),
            "{e}"
        );
        // A previous snapshot whose directory is gone.
        let (_t3, d) = dir_with(&["y"]);
        std::fs::write(
            d.root().join(POINTER),
            r#"{"current": "y", "previous": "gone"}"#,
        )
        .unwrap();
        let e = d.rollback().unwrap_err();
        assert_eq!(e.status(), 404);
        assert!(
            e.to_string()
                .contains("the previous snapshot gone is no longer in"),
            "{e}"
        );
    }

    #[test]
    fn a_pointer_never_leads_outside_the_snapshots() {
        let (_t, d) = dir_with(&["a"]);
        std::fs::create_dir_all(d.root().join("elsewhere")).unwrap();
        for bad in [
            r#"{"current": "../elsewhere"}"#,
            r#"{"current": ".staging-a"}"#,
            r#"{"current": ""}"#,
            "not json",
        ] {
            std::fs::write(d.root().join(POINTER), bad).unwrap();
            assert_eq!(d.current(), None, "{bad}");
        }
        // Larger than any pointer: not read.
        let big = format!(r#"{{"current": "a", "x": "{}"}}"#, "x".repeat(5000));
        std::fs::write(d.root().join(POINTER), big).unwrap();
        assert_eq!(d.current(), None);
        std::fs::write(d.root().join(POINTER), r#"{"current": "a"}"#).unwrap();
        assert_eq!(d.current(), Some("a".into()));
    }
}
