//! ed25519 signatures of snapshot manifests (`docs/snapshot-format.md`, `docs/sync.md`).
//!
//! The signed bytes are the manifest's *canonical bytes*: the manifest with `signature` set to
//! `null`, serialised compactly (no whitespace) with the keys in the documented order — exactly
//! what `serde_json::to_vec` makes of [`Manifest`]. A key file holds the 32-byte secret seed as
//! 64 hex digits; a public key is written and pinned as 64 hex digits.

use super::error::{SyncError, SyncResult};
use crate::ingest::snapshot_manifest::Manifest;
use ed25519_dalek::{Signature, Signer, SigningKey, VerifyingKey};
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};
use ts_rs::TS;

/// The bytes a signature covers.
pub fn canonical_bytes(m: &Manifest) -> Vec<u8> {
    let mut c = m.clone();
    c.signature = None;
    serde_json::to_vec(&c).expect("manifest serialises")
}

/// Signs `m` in place with `key`.
pub fn sign_manifest(m: &mut Manifest, key: &SigningKey) {
    let sig = key.sign(&canonical_bytes(m));
    m.signature = Some(hex::encode(sig.to_bytes()));
}

/// Checks `m`'s signature against the pinned publisher key. `origin` names the manifest in errors.
pub fn verify_manifest(m: &Manifest, key: &VerifyingKey, origin: &str) -> SyncResult<()> {
    let err = |message: String| SyncError::Manifest {
        url: origin.to_string(),
        message,
    };
    let sig_hex = m.signature.as_deref().ok_or_else(|| {
        err("the manifest is not signed, but a publisher key is pinned; refused".into())
    })?;
    let bytes = hex::decode(sig_hex.trim())
        .ok()
        .and_then(|b| <[u8; 64]>::try_from(b.as_slice()).ok())
        .ok_or_else(|| err("the signature is not 64 bytes of hex; refused".into()))?;
    key.verify_strict(&canonical_bytes(m), &Signature::from_bytes(&bytes))
        .map_err(|_| {
            err(format!(
                "bad signature: the manifest was not signed by the pinned publisher key {}; refused",
                hex::encode(key.to_bytes())
            ))
        })
}

/// Parses a pinned public key (64 hex digits).
pub fn parse_public_key(s: &str) -> SyncResult<VerifyingKey> {
    let bad = || {
        SyncError::Config(format!(
            "publisher key {s:?}: expected 64 hex digits (an ed25519 public key, as `hublot keygen` prints)"
        ))
    };
    let b = hex::decode(s.trim()).map_err(|_| bad())?;
    let b: [u8; 32] = b.as_slice().try_into().map_err(|_| bad())?;
    VerifyingKey::from_bytes(&b).map_err(|_| bad())
}

/// Reads a secret key file written by [`keygen`].
pub fn read_signing_key(path: &Path) -> SyncResult<SigningKey> {
    let text = std::fs::read_to_string(path).map_err(|e| SyncError::io(path, e))?;
    let bad = |m: &str| SyncError::Key {
        path: path.into(),
        message: m.into(),
    };
    let line = text
        .lines()
        .map(str::trim)
        .find(|l| !l.is_empty() && !l.starts_with('#'))
        .ok_or_else(|| bad("empty key file"))?;
    let b = hex::decode(line).map_err(|_| bad("expected 64 hex digits (an ed25519 secret key)"))?;
    let seed: [u8; 32] = b
        .as_slice()
        .try_into()
        .map_err(|_| bad("expected 64 hex digits (an ed25519 secret key)"))?;
    Ok(SigningKey::from_bytes(&seed))
}

/// Request of `snapshot.keygen`.
#[derive(Debug, Clone, Default, Serialize, Deserialize, TS)]
pub struct KeygenRequest {
    /// Where to write the secret key; the public key goes to `<out>.pub`.
    #[ts(type = "string")]
    pub out: PathBuf,
    /// Overwrite existing files.
    #[serde(default)]
    #[ts(as = "Option<bool>", optional)]
    pub force: bool,
}

/// Answer of `snapshot.keygen`.
#[derive(Debug, Clone, Serialize, Deserialize, TS)]
pub struct KeygenReport {
    /// The secret key file (keep it private).
    #[ts(type = "string")]
    pub key_file: PathBuf,
    /// The public key file.
    #[ts(type = "string")]
    pub public_key_file: PathBuf,
    /// The public key, hex: what subscribers pin.
    pub public_key: String,
}

/// Makes a new ed25519 key pair: the secret seed in `out` (mode 0600 on Unix), the public key
/// in `out.pub`.
pub fn keygen(req: &KeygenRequest) -> SyncResult<KeygenReport> {
    let mut seed = [0u8; 32];
    getrandom::fill(&mut seed)
        .map_err(|e| SyncError::Config(format!("no system randomness: {e}")))?;
    let key = SigningKey::from_bytes(&seed);
    let public = hex::encode(key.verifying_key().to_bytes());
    let mut pub_path = req.out.clone().into_os_string();
    pub_path.push(".pub");
    let pub_path = PathBuf::from(pub_path);
    for p in [&req.out, &pub_path] {
        if p.exists() && !req.force {
            return Err(SyncError::Key {
                path: p.clone(),
                message: "already exists; refusing to overwrite a key (use --force)".into(),
            });
        }
    }
    if let Some(parent) = req.out.parent().filter(|p| !p.as_os_str().is_empty()) {
        std::fs::create_dir_all(parent).map_err(|e| SyncError::io(parent, e))?;
    }
    write_private(
        &req.out,
        format!(
            "# Hublot snapshot signing key (ed25519 secret seed). Keep it private.\n# public key: {public}\n{}\n",
            hex::encode(seed)
        )
        .as_bytes(),
    )?;
    std::fs::write(&pub_path, format!("{public}\n")).map_err(|e| SyncError::io(&pub_path, e))?;
    Ok(KeygenReport {
        key_file: req.out.clone(),
        public_key_file: pub_path,
        public_key: public,
    })
}

fn write_private(path: &Path, bytes: &[u8]) -> SyncResult<()> {
    use std::io::Write;
    let mut o = std::fs::OpenOptions::new();
    o.write(true).create(true).truncate(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        o.mode(0o600);
    }
    let mut f = o.open(path).map_err(|e| SyncError::io(path, e))?;
    f.write_all(bytes)
        .and_then(|_| f.sync_all())
        .map_err(|e| SyncError::io(path, e))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn manifest() -> Manifest {
        Manifest {
            format: "hublot-snapshot".into(),
            format_version: 1,
            id: "t".into(),
            title: crate::model::Text::fr("Titre"),
            publisher: "p".into(),
            created: "2026-01-01T00:00:00Z".into(),
            licence: "CC0".into(),
            files: vec![crate::ingest::snapshot_manifest::ManifestFile {
                path: "bases.json".into(),
                size: 2,
                sha256: "00".repeat(32),
            }],
            signature: None,
        }
    }

    #[test]
    fn canonical_bytes_are_compact_in_documented_order() {
        let s = String::from_utf8(canonical_bytes(&manifest())).unwrap();
        assert_eq!(
            s,
            format!(
                r#"{{"format":"hublot-snapshot","format_version":1,"id":"t","title":{{"fr":"Titre"}},"publisher":"p","created":"2026-01-01T00:00:00Z","licence":"CC0","files":[{{"path":"bases.json","size":2,"sha256":"{}"}}],"signature":null}}"#,
                "00".repeat(32)
            )
        );
    }

    #[test]
    fn sign_then_verify_and_tamper() {
        let key = SigningKey::from_bytes(&[7u8; 32]);
        let mut m = manifest();
        sign_manifest(&mut m, &key);
        verify_manifest(&m, &key.verifying_key(), "m").unwrap();
        let other = SigningKey::from_bytes(&[8u8; 32]).verifying_key();
        assert!(verify_manifest(&m, &other, "m").is_err());
        let mut t = m.clone();
        t.files[0].size = 3;
        assert!(verify_manifest(&t, &key.verifying_key(), "m").is_err());
        let mut u = m.clone();
        u.signature = None;
        let e = verify_manifest(&u, &key.verifying_key(), "m").unwrap_err();
        assert!(e.to_string().contains("not signed"), "{e}");
    }
}
