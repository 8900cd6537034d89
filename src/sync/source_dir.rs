//! One source's cache directory, `<data_dir>/cache/sync/<source-key>/`, and everything every
//! kind of source does with it the same way: what the last sync remembers (`state.json`), when
//! the mirror may stand for the source (the validators sent, the one 304 policy, the same bytes
//! as last time), the staging of a new tree in `next/`, and, after the import, the swap or the
//! repair.

use super::error::{SyncError, SyncResult};
use super::http::{self, Validators};
use super::{SourceState, SourceSync};
use std::collections::HashMap;
use std::path::{Path, PathBuf};

/// The cache directory of one source, opened (and repaired if a sync was killed in it).
pub(super) struct SourceDir {
    root: PathBuf,
    state: SourceState,
}

/// One source after the fetch phase.
pub(super) struct Fetch {
    /// Where the tree to import is (the mirror, or the local directory or file).
    pub tree: PathBuf,
    /// The cache directory of the source, when it has one.
    pub dir: Option<PathBuf>,
    /// True when `dir/next` holds a new tree to swap in.
    pub staged: bool,
    /// State to write after a successful sync.
    pub state: Option<SourceState>,
    /// What happened to the source.
    pub report: SourceSync,
}

impl Fetch {
    /// A source read in place (a local directory or record file): no cache, nothing staged.
    pub fn in_place(tree: &Path, report: SourceSync) -> Fetch {
        Fetch {
            tree: tree.to_path_buf(),
            dir: None,
            staged: false,
            state: None,
            report,
        }
    }
}

/// What a source is checked against: the last sync's validators and hash, when the mirror may
/// stand for the source.
pub(super) struct Check {
    usable: bool,
    url: String,
    sent: Validators,
    last_sha256: String,
}

impl Check {
    /// The validators to send: the last sync's when the mirror may stand for the source, else
    /// none (and then no 304 is taken as "unchanged": see [`http::not_modified`]).
    pub fn validators(&self) -> &Validators {
        &self.sent
    }

    /// The state to remember if this sync succeeds.
    pub fn state(&self, source: &str, got: Validators, sha256: String) -> SourceState {
        SourceState {
            source: source.into(),
            url: self.url.clone(),
            etag: got.etag,
            last_modified: got.last_modified,
            sha256,
            synced_at: crate::clock::now_rfc3339(),
        }
    }

    /// True when `sha256` is that of the bytes the mirror was built from: nothing to redo.
    pub fn same(&self, sha256: &str) -> bool {
        self.usable && sha256 == self.last_sha256
    }
}

impl SourceDir {
    /// Opens the directory of a source (creating it), putting it back in a consistent state
    /// after a crash: a `mirror.prev` means an import was under way, so the old mirror is
    /// restored (the next sync redoes the work); staging is removed.
    pub fn open(root: PathBuf) -> SyncResult<SourceDir> {
        std::fs::create_dir_all(&root).map_err(|e| SyncError::io(&root, e))?;
        recover(&root)?;
        let state = read_state(&root);
        Ok(SourceDir { root, state })
    }

    /// The source tree as last synced (what the active snapshot was built from).
    pub fn mirror(&self) -> PathBuf {
        self.root.join("mirror")
    }

    /// Staging: the tree being assembled.
    pub fn next(&self) -> PathBuf {
        self.root.join("next")
    }

    /// Downloads in progress.
    pub fn parts(&self) -> PathBuf {
        self.root.join("parts")
    }

    /// Where an archive is extracted before it becomes `next/`.
    pub fn extract(&self) -> PathBuf {
        self.root.join("next.extract")
    }

    /// What the source is checked against at `url`: `mirror_ok` says whether the mirror can
    /// stand for the source at all (it exists; for a snapshot with a pinned key, it is signed
    /// by that key). With `force`, it never does.
    pub fn check(&self, url: &str, mirror_ok: bool, force: bool) -> Check {
        let usable = !force && mirror_ok && self.state.url == url;
        Check {
            usable,
            url: url.to_string(),
            sent: if usable {
                Validators {
                    etag: self.state.etag.clone(),
                    last_modified: self.state.last_modified.clone(),
                }
            } else {
                Validators::default()
            },
            last_sha256: self.state.sha256.clone(),
        }
    }

    /// The source has not changed: the mirror stands for it. `state` (new validators, when the
    /// server sent the same bytes rather than a 304) is remembered after a successful sync.
    pub fn unchanged(&self, state: Option<SourceState>, report: SourceSync) -> SyncResult<Fetch> {
        remove_dir(&self.next())?;
        Ok(Fetch {
            tree: self.mirror(),
            dir: Some(self.root.clone()),
            staged: false,
            state,
            report,
        })
    }

    /// A new tree is staged in `next/`: it replaces the mirror if the import succeeds.
    pub fn staged(&self, state: SourceState, mut report: SourceSync) -> Fetch {
        report.changed = true;
        Fetch {
            tree: self.mirror(),
            dir: Some(self.root.clone()),
            staged: true,
            state: Some(state),
            report,
        }
    }

    /// Counts the files added, changed and removed in `next/` against the mirror (everything
    /// is new when `force`), leaving out bookkeeping files (`ignore`).
    pub fn count_changes(
        &self,
        report: &mut SourceSync,
        force: bool,
        ignore: &[&str],
    ) -> SyncResult<()> {
        let mut new = listing(&self.next())?;
        let mut old = if force {
            HashMap::new()
        } else {
            listing(&self.mirror())?
        };
        for f in ignore {
            new.remove(*f);
            old.remove(*f);
        }
        for (p, h) in &new {
            match old.get(p) {
                None => report.added += 1,
                Some(o) if o != h => report.changed_files += 1,
                _ => {}
            }
        }
        report.removed = old.keys().filter(|p| !new.contains_key(*p)).count() as u64;
        Ok(())
    }
}

/// What `state.json` in `dir` remembers (the default when nothing was synced yet).
pub(super) fn read_state(dir: &Path) -> SourceState {
    std::fs::read(dir.join("state.json"))
        .ok()
        .and_then(|b| serde_json::from_slice(&b).ok())
        .unwrap_or_default()
}

fn write_state(dir: &Path, st: &SourceState) -> SyncResult<()> {
    let p = dir.join("state.json");
    let tmp = dir.join(".state.json.tmp");
    std::fs::write(
        &tmp,
        serde_json::to_vec_pretty(st).expect("state serialises"),
    )
    .map_err(|e| SyncError::io(&tmp, e))?;
    std::fs::rename(&tmp, &p).map_err(|e| SyncError::io(&p, e))
}

/// Removes a directory tree; one that is not there is fine.
pub(super) fn remove_dir(p: &Path) -> SyncResult<()> {
    match std::fs::remove_dir_all(p) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
        Err(e) => Err(SyncError::io(p, e)),
    }
}

/// Restores the old mirror if an import was under way (`mirror.prev`), removes staging.
fn recover(dir: &Path) -> SyncResult<()> {
    let prev = dir.join("mirror.prev");
    if prev.is_dir() {
        remove_dir(&dir.join("mirror"))?;
        std::fs::rename(&prev, dir.join("mirror")).map_err(|e| SyncError::io(&prev, e))?;
    }
    remove_dir(&dir.join("next"))?;
    remove_dir(&dir.join("next.extract"))?;
    Ok(())
}

/// Removes the staging of a source directory (after a failure or a cancel; `.part` files stay).
pub(super) fn cleanup(dir: &Path) {
    let _ = remove_dir(&dir.join("next"));
    let _ = remove_dir(&dir.join("next.extract"));
}

/// Puts the staged tree of `dir` in place of its mirror, keeping the old one as `mirror.prev`
/// until [`commit`] or [`restore`].
pub(super) fn swap_in(dir: &Path) -> SyncResult<()> {
    let (mirror, prev) = (dir.join("mirror"), dir.join("mirror.prev"));
    remove_dir(&prev)?;
    if mirror.exists() {
        std::fs::rename(&mirror, &prev).map_err(|e| SyncError::io(&mirror, e))?;
    }
    std::fs::rename(dir.join("next"), &mirror).map_err(|e| SyncError::io(&mirror, e))
}

/// After a successful import: the old mirror and the downloads go, the state is remembered.
pub(super) fn commit(dir: &Path, state: &SourceState) -> SyncResult<()> {
    remove_dir(&dir.join("mirror.prev"))?;
    remove_dir(&dir.join("parts"))?;
    write_state(dir, state)
}

/// After a failed import: the old mirror comes back, staging goes.
pub(super) fn restore(dir: &Path) {
    let _ = recover(dir);
}

/// Hard-links `from` to `to` (copies when the file system cannot), creating parents.
pub(super) fn link_or_copy(from: &Path, to: &Path) -> SyncResult<()> {
    if let Some(p) = to.parent() {
        std::fs::create_dir_all(p).map_err(|e| SyncError::io(p, e))?;
    }
    if std::fs::hard_link(from, to).is_ok() {
        return Ok(());
    }
    std::fs::copy(from, to)
        .map(|_| ())
        .map_err(|e| SyncError::io(to, e))
}

/// Every file under `root` (relative path → SHA-256), to count changes against the mirror.
fn listing(root: &Path) -> SyncResult<HashMap<String, String>> {
    let mut out = HashMap::new();
    if !root.is_dir() {
        return Ok(out);
    }
    for e in walkdir::WalkDir::new(root) {
        let e = e.map_err(|e| SyncError::io(root, e.into()))?;
        if e.file_type().is_file() {
            out.insert(
                crate::ingest::snapshot_manifest::rel_path(root, e.path()),
                http::sha256_file(e.path())?,
            );
        }
    }
    Ok(out)
}
