//! An archive (`.tar.gz`, `.tgz`, `.tar`, `.zip`) of an upstream tree as a source, by URL or
//! path: downloaded conditionally into `parts/archive.part` (never resumed: its size and hash
//! are not known in advance), then extracted safely into `next/`.
//!
//! Extraction refuses, naming the entry: absolute paths, `..`, backslashes and drive prefixes, symbolic and
//! hard links, device files and FIFOs, non-UTF-8 names; beyond the limits: more entries or more
//! bytes (counted as written, not as declared) than allowed. A refused archive leaves nothing
//! behind: the caller extracts into a fresh directory and removes it on error.

use super::error::{SyncError, SyncResult};
use super::http::{self, Expect, Validators};
use super::source_dir::{remove_dir, Fetch, SourceDir};
use super::{Phase, Shared, Source, SourceSync};
use serde::{Deserialize, Serialize};
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

/// Limits of an extraction.
#[derive(Debug, Clone, Copy, Serialize, Deserialize)]
pub struct ExtractLimits {
    /// Most files (and directories) extracted.
    pub max_files: u64,
    /// Most bytes written in total.
    pub max_bytes: u64,
}

impl Default for ExtractLimits {
    fn default() -> Self {
        ExtractLimits {
            max_files: 200_000,
            max_bytes: 4 << 30,
        }
    }
}

/// What an extraction wrote.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ExtractReport {
    /// Regular files written.
    pub files: u64,
    /// Bytes written.
    pub bytes: u64,
    /// The tree's root: `dest`, or its only directory when the archive wraps everything in one
    /// top-level directory (as GitHub's archives do).
    pub root: PathBuf,
}

/// Archive formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ArchiveKind {
    /// gzip-compressed tar.
    TarGz,
    /// Plain tar.
    Tar,
    /// zip.
    Zip,
}

/// The archive kind suggested by a file name or URL path, if any.
pub fn kind_from_name(name: &str) -> Option<ArchiveKind> {
    let n = name.to_ascii_lowercase();
    if n.ends_with(".tar.gz") || n.ends_with(".tgz") {
        Some(ArchiveKind::TarGz)
    } else if n.ends_with(".tar") {
        Some(ArchiveKind::Tar)
    } else if n.ends_with(".zip") {
        Some(ArchiveKind::Zip)
    } else {
        None
    }
}

/// Extracts `archive` into `dest` (created; should not exist or be empty). The format is found
/// from the first bytes, then from the name.
pub fn extract(archive: &Path, dest: &Path, limits: ExtractLimits) -> SyncResult<ExtractReport> {
    let mut magic = [0u8; 262];
    let n = {
        let mut f = std::fs::File::open(archive).map_err(|e| SyncError::io(archive, e))?;
        read_up_to(&mut f, &mut magic).map_err(|e| SyncError::io(archive, e))?
    };
    let kind = if n >= 2 && magic[..2] == [0x1f, 0x8b] {
        ArchiveKind::TarGz
    } else if n >= 4 && &magic[..4] == b"PK\x03\x04" {
        ArchiveKind::Zip
    } else if n >= 262 && &magic[257..262] == b"ustar" {
        ArchiveKind::Tar
    } else {
        kind_from_name(&archive.to_string_lossy()).ok_or_else(|| SyncError::Archive {
            path: archive.into(),
            message: "not a .tar.gz, .tar or .zip archive".into(),
        })?
    };
    std::fs::create_dir_all(dest).map_err(|e| SyncError::io(dest, e))?;
    let mut st = State {
        archive: archive.to_path_buf(),
        dest: dest.to_path_buf(),
        limits,
        files: 0,
        entries: 0,
        bytes: 0,
    };
    let f = std::fs::File::open(archive).map_err(|e| SyncError::io(archive, e))?;
    match kind {
        ArchiveKind::TarGz => st.tar(flate2::read::GzDecoder::new(std::io::BufReader::new(f)))?,
        ArchiveKind::Tar => st.tar(std::io::BufReader::new(f))?,
        ArchiveKind::Zip => st.zip(f)?,
    }
    Ok(ExtractReport {
        files: st.files,
        bytes: st.bytes,
        root: single_root(dest),
    })
}

fn read_up_to(r: &mut impl Read, buf: &mut [u8]) -> std::io::Result<usize> {
    let mut n = 0;
    while n < buf.len() {
        match r.read(&mut buf[n..])? {
            0 => break,
            k => n += k,
        }
    }
    Ok(n)
}

/// `dest`, or its only entry when that is a directory.
fn single_root(dest: &Path) -> PathBuf {
    let entries: Vec<_> = match std::fs::read_dir(dest) {
        Ok(rd) => rd.flatten().collect(),
        Err(_) => return dest.into(),
    };
    match entries.as_slice() {
        [one] if one.file_type().map(|t| t.is_dir()).unwrap_or(false) => one.path(),
        _ => dest.into(),
    }
}

/// Checks an entry name and returns the relative path to write, or an error naming it.
/// `None` for names that are only `.` (the archive's root).
pub fn safe_entry_path(name: &str) -> Result<Option<PathBuf>, String> {
    if name.starts_with('/') {
        return Err(format!("entry {name:?} has an absolute path"));
    }
    if name.contains('\\') {
        return Err(format!("entry {name:?} has a backslash in its path"));
    }
    if name.contains('\0') {
        return Err(format!("entry {name:?} has a NUL in its path"));
    }
    let mut out = PathBuf::new();
    for (i, c) in name.split('/').enumerate() {
        match c {
            "" | "." => continue,
            ".." => return Err(format!("entry {name:?} climbs out with `..`")),
            c if i == 0 && c.len() >= 2 && c.as_bytes()[1] == b':' => {
                return Err(format!("entry {name:?} has a drive prefix"))
            }
            c => out.push(c),
        }
    }
    Ok((!out.as_os_str().is_empty()).then_some(out))
}

struct State {
    archive: PathBuf,
    dest: PathBuf,
    limits: ExtractLimits,
    files: u64,
    entries: u64,
    bytes: u64,
}

impl State {
    fn err(&self, message: impl Into<String>) -> SyncError {
        SyncError::Archive {
            path: self.archive.clone(),
            message: message.into(),
        }
    }

    fn count_entry(&mut self, name: &str) -> SyncResult<()> {
        self.entries += 1;
        if self.entries > self.limits.max_files {
            return Err(self.err(format!(
                "more than {} entries (at {name:?}); refused",
                self.limits.max_files
            )));
        }
        Ok(())
    }

    fn target(&self, name: &str) -> SyncResult<Option<PathBuf>> {
        safe_entry_path(name)
            .map(|o| o.map(|rel| self.dest.join(rel)))
            .map_err(|m| self.err(format!("{m}; refused")))
    }

    fn make_dir(&self, p: &Path) -> SyncResult<()> {
        std::fs::create_dir_all(p).map_err(|e| SyncError::io(p, e))
    }

    /// Writes one file from `r`, counting bytes against the limit.
    fn write_file(&mut self, name: &str, p: &Path, r: &mut impl Read) -> SyncResult<()> {
        if let Some(parent) = p.parent() {
            self.make_dir(parent)?;
        }
        // A directory or an earlier file of the same name: replace a file, refuse a directory.
        if p.is_dir() {
            return Err(self.err(format!("entry {name:?} is both a directory and a file")));
        }
        let mut f = std::fs::File::create(p).map_err(|e| SyncError::io(p, e))?;
        let mut buf = vec![0u8; 1 << 16];
        loop {
            let n = r
                .read(&mut buf)
                .map_err(|e| self.err(format!("entry {name:?}: {e}")))?;
            if n == 0 {
                break;
            }
            self.bytes += n as u64;
            if self.bytes > self.limits.max_bytes {
                return Err(self.err(format!(
                    "more than {} bytes once extracted (at {name:?}); refused",
                    self.limits.max_bytes
                )));
            }
            f.write_all(&buf[..n]).map_err(|e| SyncError::io(p, e))?;
        }
        self.files += 1;
        Ok(())
    }

    fn tar(&mut self, r: impl Read) -> SyncResult<()> {
        use tar::EntryType as T;
        let mut ar = tar::Archive::new(r);
        let entries = ar
            .entries()
            .map_err(|e| self.err(format!("unreadable: {e}")))?;
        for entry in entries {
            let mut entry = entry.map_err(|e| self.err(format!("unreadable entry: {e}")))?;
            let name = String::from_utf8(entry.path_bytes().into_owned())
                .map_err(|_| self.err("an entry name is not UTF-8; refused"))?;
            let kind = entry.header().entry_type();
            match kind {
                // Metadata records (GitHub's pax_global_header): nothing to write.
                T::XGlobalHeader | T::XHeader | T::GNULongName | T::GNULongLink => continue,
                T::Symlink | T::Link => {
                    let to = entry
                        .link_name_bytes()
                        .map(|b| String::from_utf8_lossy(&b).into_owned())
                        .unwrap_or_default();
                    return Err(self.err(format!(
                        "entry {name:?} is a {} to {to:?}; links are refused",
                        if kind == T::Symlink {
                            "symbolic link"
                        } else {
                            "hard link"
                        }
                    )));
                }
                T::Char | T::Block | T::Fifo => {
                    return Err(self.err(format!("entry {name:?} is a device or FIFO; refused")))
                }
                T::Directory => {
                    self.count_entry(&name)?;
                    if let Some(p) = self.target(&name)? {
                        self.make_dir(&p)?;
                    }
                }
                T::Regular | T::Continuous => {
                    self.count_entry(&name)?;
                    let Some(p) = self.target(&name)? else {
                        return Err(self.err(format!("file entry {name:?} has no name")));
                    };
                    self.write_file(&name, &p, &mut entry)?;
                }
                other => {
                    return Err(self.err(format!(
                        "entry {name:?} has an unsupported type {:?}; refused",
                        other.as_byte() as char
                    )))
                }
            }
        }
        Ok(())
    }

    fn zip(&mut self, f: std::fs::File) -> SyncResult<()> {
        let mut ar = zip::ZipArchive::new(std::io::BufReader::new(f))
            .map_err(|e| self.err(format!("unreadable: {e}")))?;
        for i in 0..ar.len() {
            let mut file = ar
                .by_index(i)
                .map_err(|e| self.err(format!("unreadable entry {i}: {e}")))?;
            let name = file
                .name()
                .map(|n| n.into_owned())
                .map_err(|e| self.err(format!("entry {i} has an unusable name: {e}")))?;
            if let Some(mode) = file.unix_mode() {
                let kind = mode & 0o170000;
                if kind == 0o120000 {
                    return Err(self.err(format!(
                        "entry {name:?} is a symbolic link; links are refused"
                    )));
                }
                if kind != 0 && kind != 0o100000 && kind != 0o040000 {
                    return Err(self.err(format!("entry {name:?} is a device or FIFO; refused")));
                }
            }
            self.count_entry(&name)?;
            let target = self.target(&name)?;
            if file.is_dir() {
                if let Some(p) = target {
                    self.make_dir(&p)?;
                }
                continue;
            }
            let Some(p) = target else {
                return Err(self.err(format!("file entry {name:?} has no name")));
            };
            if file.size() > self.limits.max_bytes {
                return Err(self.err(format!(
                    "entry {name:?} declares {} bytes, more than the {} allowed; refused",
                    file.size(),
                    self.limits.max_bytes
                )));
            }
            self.write_file(&name, &p, &mut file)?;
        }
        Ok(())
    }
}

impl Shared {
    /// An archive source (`src` is a remote or local archive): fetched (conditionally, when
    /// remote), compared with the last sync by hash, extracted into `next/` when it changed.
    pub(super) async fn fetch_archive(
        self: &Arc<Self>,
        label: &str,
        src: &Source,
        dir: &SourceDir,
    ) -> SyncResult<Fetch> {
        let (mirror, next, tmp) = (dir.mirror(), dir.next(), dir.extract());
        let mut report = SourceSync {
            source: label.into(),
            kind: "archive".into(),
            ..Default::default()
        };
        let url = match src {
            Source::RemoteArchive(url) => url.to_string(),
            Source::LocalArchive(p) => p.display().to_string(),
            _ => unreachable!("only archives come here"),
        };
        let check = dir.check(&url, mirror.is_dir(), self.force);
        self.progress(Phase::Manifest, label, 0, 1, 0, 0);
        let (archive_path, validators) = match src {
            Source::RemoteArchive(remote) => {
                let parts = dir.parts();
                std::fs::create_dir_all(&parts).map_err(|e| SyncError::io(&parts, e))?;
                let part = parts.join("archive.part");
                let expect = Expect {
                    size: None,
                    sha256: None,
                    max: self.opts.max_file_bytes,
                };
                let done = AtomicU64::new(0);
                let on_bytes = |n: u64| {
                    let b = done.fetch_add(n, Ordering::Relaxed) + n;
                    self.progress(Phase::Download, label, 0, 1, b, 0);
                };
                match self
                    .net
                    .download_conditional(remote, &part, &expect, check.validators(), &on_bytes)
                    .await?
                {
                    None => return dir.unchanged(None, report),
                    Some(v) => {
                        report.downloaded_files = 1;
                        report.downloaded_bytes = done.load(Ordering::Relaxed);
                        (part, v)
                    }
                }
            }
            _ => (PathBuf::from(&url), Validators::default()),
        };
        // A downloaded archive is never resumed (its size and hash are not known in advance):
        // once extracted, or if anything fails, its part file is of no use.
        let drop_part = || {
            if matches!(src, Source::RemoteArchive(_)) {
                let _ = std::fs::remove_file(&archive_path);
            }
        };
        let sha = http::sha256_file(&archive_path).inspect_err(|_| drop_part())?;
        let new_state = check.state(label, validators, sha.clone());
        if check.same(&sha) {
            drop_part();
            return dir.unchanged(Some(new_state), report);
        }
        self.progress(Phase::Extract, label, 0, 1, 0, 0);
        remove_dir(&tmp)?;
        let limits = ExtractLimits {
            max_files: self.opts.max_archive_files,
            max_bytes: self.opts.max_total_bytes,
        };
        let (ap, tmp2) = (archive_path.clone(), tmp.clone());
        let r = tokio::task::spawn_blocking(move || extract(&ap, &tmp2, limits)).await;
        drop_part();
        let r = r.map_err(|e| SyncError::Config(format!("extraction task failed: {e}")))?;
        let rep = match r {
            Ok(r) => r,
            Err(e) => {
                let _ = remove_dir(&tmp);
                return Err(e);
            }
        };
        std::fs::rename(&rep.root, &next).map_err(|e| SyncError::io(&next, e))?;
        remove_dir(&tmp)?;
        dir.count_changes(&mut report, self.force, &[])?;
        Ok(dir.staged(new_state, report))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entry_paths() {
        assert_eq!(
            safe_entry_path("./a/b.json").unwrap(),
            Some(PathBuf::from("a/b.json"))
        );
        assert_eq!(safe_entry_path("./").unwrap(), None);
        for bad in ["../x", "a/../../x", "/etc/passwd", "C:/x", "a\\b"] {
            assert!(safe_entry_path(bad).is_err(), "{bad}");
        }
    }
}
