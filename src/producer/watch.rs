//! Watching a draft folder by polling (see `docs/decisions/0010-preview-live-reload.md`): every
//! [`POLL`], the folder's files are listed with their size and modification time; a different
//! list is a change. A producer's folder holds tens of files, so a listing costs well under a
//! millisecond, and it sees every way an editor saves (in place, write-and-rename, delete and
//! re-create), on every file system, with no dependency.

use crate::ingest::draft_folder::draft_files;
use sha2::{Digest, Sha256};
use std::path::Path;
use std::time::Duration;

/// How often the folder is listed.
pub const POLL: Duration = Duration::from_millis(200);

/// A fingerprint of the folder's visible files: paths, sizes and modification times. An
/// unreadable folder has a fingerprint too (its error), so that its coming back is a change.
pub fn fingerprint(root: &Path) -> String {
    let mut h = Sha256::new();
    match draft_files(root) {
        Ok(files) => {
            for p in files {
                let (len, mtime) = std::fs::metadata(&p)
                    .map(|m| (m.len(), crate::build::mtime_nanos(&m)))
                    .unwrap_or((0, 0));
                h.update(format!("{}\t{len}\t{mtime}\n", p.display()));
            }
        }
        Err(e) => h.update(format!("error {e}")),
    }
    hex::encode(h.finalize())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_edit_a_new_file_and_a_removal_change_the_fingerprint() {
        let d = tempfile::tempdir().unwrap();
        std::fs::write(d.path().join("a.ttl"), "x").unwrap();
        let f0 = fingerprint(d.path());
        assert_eq!(f0, fingerprint(d.path()));
        std::fs::write(d.path().join("a.ttl"), "xy").unwrap();
        let f1 = fingerprint(d.path());
        assert_ne!(f0, f1);
        std::fs::write(d.path().join("b.md"), "# b").unwrap();
        let f2 = fingerprint(d.path());
        assert_ne!(f1, f2);
        // Hidden files (editor swap files) are not the draft.
        std::fs::write(d.path().join(".a.ttl.swp"), "swap").unwrap();
        assert_eq!(f2, fingerprint(d.path()));
        std::fs::remove_file(d.path().join("b.md")).unwrap();
        assert_ne!(f2, fingerprint(d.path()));
    }
}
