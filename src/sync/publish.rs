//! `hublot snapshot build`: turns sources (snapshots, schema-snds / synthetic-snds trees, Markdown
//! trees) into one publishable snapshot directory with its manifest, optionally signed.

use super::error::{SyncError, SyncResult};
use super::sign;
use crate::ingest::snapshot_manifest::{self, Manifest};
use crate::ingest::{self, SourceKind};
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};
use ts_rs::TS;

/// Request of `snapshot.build`.
#[derive(Debug, Clone, Default, Serialize, Deserialize, TS)]
pub struct SnapshotBuildRequest {
    /// Sources in order of precedence (the first one wins for a file at the same place).
    #[ts(type = "Array<string>")]
    pub paths: Vec<PathBuf>,
    /// Output directory: created, or replaced if it holds an earlier snapshot (a manifest.json).
    #[ts(type = "string")]
    pub out: PathBuf,
    /// Secret key file (`hublot keygen`) to sign the manifest with.
    #[serde(default)]
    #[ts(as = "Option<String>", optional = nullable)]
    pub sign: Option<PathBuf>,
    /// A bases.json to include (default: the first snapshot source's, else an empty list).
    #[serde(default)]
    #[ts(as = "Option<String>", optional = nullable)]
    pub bases: Option<PathBuf>,
    /// Manifest `id` (default: the output directory's name and today's date).
    #[serde(default)]
    #[ts(optional = nullable)]
    pub id: Option<String>,
    /// Manifest title, French.
    #[serde(default)]
    #[ts(optional = nullable)]
    pub title: Option<String>,
    /// Manifest title, English.
    #[serde(default)]
    #[ts(optional = nullable)]
    pub title_en: Option<String>,
    /// Manifest publisher.
    #[serde(default)]
    #[ts(optional = nullable)]
    pub publisher: Option<String>,
    /// Manifest licence.
    #[serde(default)]
    #[ts(optional = nullable)]
    pub licence: Option<String>,
}

/// Answer of `snapshot.build`.
#[derive(Debug, Clone, Serialize, Deserialize, TS)]
pub struct SnapshotBuildReport {
    /// The snapshot directory.
    #[ts(type = "string")]
    pub out: PathBuf,
    /// Manifest id.
    pub id: String,
    /// Files listed in the manifest.
    pub files: usize,
    /// Their total size.
    pub bytes: u64,
    /// Tables, code lists and doc pages a reader finds in it (checked by reading it back).
    pub tables: usize,
    /// Code lists.
    pub nomenclatures: usize,
    /// Doc pages.
    pub docs: usize,
    /// Public key of the signature, when signed.
    pub public_key: Option<String>,
    /// Files given twice by the sources, and which source won.
    pub shadowed: Vec<String>,
}

/// Builds the snapshot. The output is written beside `out` and renamed into place when complete.
pub fn build_snapshot(req: &SnapshotBuildRequest) -> SyncResult<SnapshotBuildReport> {
    if req.paths.is_empty() {
        return Err(SyncError::Config(
            "snapshot build needs at least one source".into(),
        ));
    }
    let out = &req.out;
    if out.exists() {
        let empty = std::fs::read_dir(out)
            .map_err(|e| SyncError::io(out, e))?
            .next()
            .is_none();
        if !empty && !out.join("manifest.json").is_file() {
            return Err(SyncError::Config(format!(
                "{}: exists and is not a snapshot (no manifest.json); give an empty or new directory",
                out.display()
            )));
        }
    }
    let key = req
        .sign
        .as_deref()
        .map(sign::read_signing_key)
        .transpose()?;
    let name = out
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "snapshot".into());
    let parent = out
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    std::fs::create_dir_all(parent).map_err(|e| SyncError::io(parent, e))?;
    let tmp = parent.join(format!(".{name}.building-{}", std::process::id()));
    if tmp.exists() {
        std::fs::remove_dir_all(&tmp).map_err(|e| SyncError::io(&tmp, e))?;
    }
    let r = build_into(req, key.as_ref(), &tmp, &name);
    let report = match r {
        Ok(r) => r,
        Err(e) => {
            let _ = std::fs::remove_dir_all(&tmp);
            return Err(e);
        }
    };
    let old = parent.join(format!(".{name}.old-{}", std::process::id()));
    if out.exists() {
        std::fs::rename(out, &old).map_err(|e| SyncError::io(out, e))?;
    }
    std::fs::rename(&tmp, out).map_err(|e| SyncError::io(out, e))?;
    let _ = std::fs::remove_dir_all(&old);
    Ok(SnapshotBuildReport {
        out: out.clone(),
        ..report
    })
}

fn build_into(
    req: &SnapshotBuildRequest,
    key: Option<&ed25519_dalek::SigningKey>,
    tmp: &Path,
    name: &str,
) -> SyncResult<SnapshotBuildReport> {
    std::fs::create_dir_all(tmp).map_err(|e| SyncError::io(tmp, e))?;
    let mut placed: std::collections::HashMap<String, String> = Default::default();
    let mut shadowed = Vec::new();
    let mut bases: Option<PathBuf> = req.bases.clone();
    let mut place = |from: &Path, rel: String, label: &str| -> SyncResult<()> {
        if let Some(first) = placed.get(&rel) {
            shadowed.push(format!("{rel}: kept from {first}, ignored in {label}"));
            return Ok(());
        }
        let dest = tmp.join(&rel);
        if let Some(p) = dest.parent() {
            std::fs::create_dir_all(p).map_err(|e| SyncError::io(p, e))?;
        }
        std::fs::copy(from, &dest).map_err(|e| SyncError::io(from, e))?;
        placed.insert(rel, label.to_string());
        Ok(())
    };
    // Bases read from HealthDCAT-AP sources, appended to bases.json below.
    let mut dcat_bases: Vec<crate::model::Base> = Vec::new();
    for src in &req.paths {
        let label = src.display().to_string();
        match ingest::detect(src)? {
            SourceKind::HealthDcat => {
                let h = if src.is_dir() {
                    ingest::healthdcat::read_dir(src)?
                } else {
                    ingest::healthdcat::read_file(src)?
                };
                // Tables described with csvw are not carried into snapshots yet (they would
                // need writing as Table Schema JSON): only the bases are.
                dcat_bases.extend(h.bases);
            }
            SourceKind::Snapshot => {
                let m = Manifest::read(src)?;
                m.verify(src)?;
                for f in &m.files {
                    if f.path == "bases.json" {
                        if bases.is_none() {
                            bases = Some(src.join("bases.json"));
                        }
                        continue;
                    }
                    place(&src.join(&f.path), f.path.clone(), &label)?;
                }
            }
            SourceKind::SndsTree => {
                for (sub, exts) in [
                    ("schemas", &["json", "csv"][..]),
                    ("nomenclatures", &["json", "csv"][..]),
                ] {
                    let root = src.join(sub);
                    if !root.is_dir() {
                        continue;
                    }
                    for ext in exts {
                        for p in ingest::walk_files(&root, ext) {
                            let rel = format!("{sub}/{}", snapshot_manifest::rel_path(&root, &p));
                            place(&p, rel, &label)?;
                        }
                    }
                }
            }
            SourceKind::Markdown => {
                for p in ingest::walk_files(src, "md") {
                    let rel = format!("docs/{}", snapshot_manifest::rel_path(src, &p));
                    place(&p, rel, &label)?;
                }
            }
        }
    }
    // bases.json: checked, then written compactly-pretty as the model serialises it.
    let bases_json = match &bases {
        Some(p) => {
            let bytes = std::fs::read(p).map_err(|e| SyncError::io(p, e))?;
            let mut v: Vec<crate::model::Base> =
                serde_json::from_slice(&bytes).map_err(|e| crate::Error::json(p, &e))?;
            for b in dcat_bases {
                if !v.iter().any(|x| x.id == b.id) {
                    v.push(b);
                }
            }
            serde_json::to_vec_pretty(&v).expect("bases serialise")
        }
        None => serde_json::to_vec_pretty(&dcat_bases).expect("bases serialise"),
    };
    let bp = tmp.join("bases.json");
    std::fs::write(&bp, bases_json).map_err(|e| SyncError::io(&bp, e))?;
    for rel in placed.keys() {
        if !snapshot_manifest::is_safe_relative(rel) {
            return Err(SyncError::Config(format!(
                "{rel}: this path cannot be published (it must be relative, `/`-separated, without `:` or `\\`)"
            )));
        }
    }
    let created = crate::clock::now_rfc3339();
    let id = req
        .id
        .clone()
        .unwrap_or_else(|| format!("{name}-{}", &created[..10]));
    let template = Manifest {
        format: "hublot-snapshot".into(),
        format_version: crate::SNAPSHOT_FORMAT_VERSION,
        id: id.clone(),
        title: crate::model::Text {
            fr: req.title.clone().unwrap_or_else(|| id.clone()),
            en: req.title_en.clone().unwrap_or_default(),
        },
        publisher: req.publisher.clone().unwrap_or_default(),
        created,
        licence: req.licence.clone().unwrap_or_default(),
        files: vec![],
        signature: None,
    };
    let mut m = snapshot_manifest::write_manifest(tmp, &template)?;
    let public_key = key.map(|k| {
        sign::sign_manifest(&mut m, k);
        hex::encode(k.verifying_key().to_bytes())
    });
    if public_key.is_some() {
        let mp = tmp.join("manifest.json");
        let json = serde_json::to_string_pretty(&m).expect("manifest serialises");
        std::fs::write(&mp, json + "\n").map_err(|e| SyncError::io(&mp, e))?;
    }
    // Read it back as a client would: every reader must accept it.
    let cat = ingest::read_sources(&[tmp.to_path_buf()])?;
    Ok(SnapshotBuildReport {
        out: tmp.into(),
        id,
        files: m.files.len(),
        bytes: m.files.iter().map(|f| f.size).sum(),
        tables: cat.tables.len(),
        nomenclatures: cat.code_lists.len(),
        docs: cat.docs.len(),
        public_key,
        shadowed,
    })
}
