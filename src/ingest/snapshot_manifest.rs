//! The Hublot snapshot manifest (`manifest.json`): what a published snapshot contains, with the
//! size and SHA-256 of every file. See `docs/snapshot-format.md`.

use crate::{Error, Result, SNAPSHOT_FORMAT_VERSION};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::io::Read;
use std::path::Path;

/// One file listed in a manifest.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ManifestFile {
    /// Relative `/`-separated path.
    pub path: String,
    /// Size in bytes.
    pub size: u64,
    /// Lowercase hex SHA-256.
    pub sha256: String,
}

/// A snapshot manifest.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Manifest {
    /// Always `hublot-snapshot`.
    pub format: String,
    /// Format version, see [`SNAPSHOT_FORMAT_VERSION`].
    pub format_version: u32,
    /// Identifier chosen by the publisher.
    pub id: String,
    /// Title.
    #[serde(default)]
    pub title: crate::model::Text,
    /// Who published it.
    #[serde(default)]
    pub publisher: String,
    /// When (RFC 3339).
    #[serde(default)]
    pub created: String,
    /// Licence of the content.
    #[serde(default)]
    pub licence: String,
    /// Every file but the manifest.
    pub files: Vec<ManifestFile>,
    /// Optional hex ed25519 signature.
    #[serde(default)]
    pub signature: Option<String>,
}

impl Manifest {
    /// Reads and checks `dir/manifest.json` (format and version), without checking the files.
    pub fn read(dir: &Path) -> Result<Manifest> {
        let path = dir.join("manifest.json");
        let bytes = std::fs::read(&path).map_err(|e| Error::io(&path, e))?;
        let m: Manifest = serde_json::from_slice(&bytes).map_err(|e| Error::json(&path, &e))?;
        if m.format != "hublot-snapshot" {
            return Err(Error::Field {
                path,
                field: "format".into(),
                message: format!("expected \"hublot-snapshot\", found {:?}", m.format),
            });
        }
        if m.format_version > SNAPSHOT_FORMAT_VERSION {
            return Err(Error::Snapshot {
                path,
                message: format!(
                    "format version {} is newer than this Hublot reads ({}); update Hublot",
                    m.format_version, SNAPSHOT_FORMAT_VERSION
                ),
            });
        }
        for f in &m.files {
            if !is_safe_relative(&f.path) {
                return Err(Error::Field {
                    path: path.clone(),
                    field: "files[].path".into(),
                    message: format!("unsafe path {:?}: must be relative, without `..`", f.path),
                });
            }
        }
        Ok(m)
    }

    /// Checks that every listed file exists under `dir` with the listed size and hash.
    pub fn verify(&self, dir: &Path) -> Result<()> {
        for f in &self.files {
            let p = dir.join(&f.path);
            let meta = std::fs::metadata(&p).map_err(|e| Error::io(&p, e))?;
            if meta.len() != f.size {
                return Err(Error::Snapshot {
                    path: p,
                    message: format!("size is {} bytes, the manifest says {}", meta.len(), f.size),
                });
            }
            let h = sha256_file(&p)?;
            if h != f.sha256 {
                return Err(Error::Snapshot {
                    path: p,
                    message: format!("sha256 is {h}, the manifest says {}", f.sha256),
                });
            }
        }
        Ok(())
    }
}

/// Lowercase hex SHA-256 of a file.
pub fn sha256_file(path: &Path) -> Result<String> {
    let mut f = std::fs::File::open(path).map_err(|e| Error::io(path, e))?;
    let mut h = Sha256::new();
    let mut buf = vec![0u8; 1 << 16];
    loop {
        let n = f.read(&mut buf).map_err(|e| Error::io(path, e))?;
        if n == 0 {
            break;
        }
        h.update(&buf[..n]);
    }
    Ok(hex::encode(h.finalize()))
}

/// True for a relative path with no `..`, no root, no backslash and no empty component.
pub fn is_safe_relative(p: &str) -> bool {
    !p.is_empty()
        && !p.starts_with('/')
        && !p.contains('\\')
        && !p.contains(':')
        && p.split('/').all(|c| !c.is_empty() && c != ".." && c != ".")
}

/// Writes `dir/manifest.json` listing every file under `dir` (sorted), keeping the other
/// fields of `template`.
pub fn write_manifest(dir: &Path, template: &Manifest) -> Result<Manifest> {
    let mut files = Vec::new();
    for entry in walkdir::WalkDir::new(dir).sort_by_file_name() {
        let entry = entry.map_err(|e| Error::io(dir, e.into()))?;
        if !entry.file_type().is_file() {
            continue;
        }
        let rel = rel_path(dir, entry.path());
        if rel == "manifest.json" {
            continue;
        }
        let size = entry
            .metadata()
            .map_err(|e| Error::io(entry.path(), e.into()))?
            .len();
        files.push(ManifestFile {
            sha256: sha256_file(entry.path())?,
            path: rel,
            size,
        });
    }
    let m = Manifest {
        files,
        ..template.clone()
    };
    let path = dir.join("manifest.json");
    let json = serde_json::to_string_pretty(&m).expect("manifest serialises");
    std::fs::write(&path, json + "\n").map_err(|e| Error::io(&path, e))?;
    Ok(m)
}

/// `/`-separated path of `p` relative to `root`.
pub fn rel_path(root: &Path, p: &Path) -> String {
    let r = p.strip_prefix(root).unwrap_or(p);
    r.components()
        .map(|c| c.as_os_str().to_string_lossy())
        .collect::<Vec<_>>()
        .join("/")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unsafe_paths_are_refused() {
        for p in [
            "../x",
            "/etc/passwd",
            "a/../../b",
            "a//b",
            "C:/x",
            "a\\b",
            "",
        ] {
            assert!(!is_safe_relative(p), "{p}");
        }
        assert!(is_safe_relative("schemas/DCIR/ER_PRS_F.json"));
    }
}
