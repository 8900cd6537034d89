//! A producer's folder, read as one draft: the parts `hublot import` reads one source at a
//! time, found together in one directory (issue 11, `hublot preview`).
//!
//! ```text
//! *.ttl, *.jsonld, *.rdf, *.json with @context   HealthDCAT-AP records (anywhere but schemas/ and nomenclatures/)
//! bases.json                                      bases, as in a Hublot snapshot
//! schemas/**.json (+ .csv)                        Table Schemas (samples beside them)
//! nomenclatures/**.json + .csv                    code lists
//! docs/**.md, else every other *.md               documentation pages
//! ```
//!
//! A single record file is a draft too. A `manifest.json` is ignored: a draft is being edited,
//! its sizes and hashes would not match. When the draft declares exactly one base, that base
//! claims every `produit` of the draft's tables that no base claims, so that a producer's
//! Table Schemas land on its base rather than on a base named after the `produit`.

use super::{healthdcat, merge, read_bases, read_markdown, read_snds_tree, Catalogue, SourceData};
use super::{SourceKind, SourceReport};
use crate::{Error, Result};
use std::path::{Path, PathBuf};

/// Most files a draft folder may hold (every file counts, read or not).
pub const MAX_DRAFT_FILES: usize = 5_000;
/// Most bytes a draft folder may hold.
pub const MAX_DRAFT_BYTES: u64 = 256 << 20;

/// A draft, read.
#[derive(Debug)]
pub struct DraftFolder {
    /// The folder (or file) as given.
    pub root: PathBuf,
    /// Everything read, merged as an import would (bases, tables, code lists, docs).
    pub catalogue: Catalogue,
    /// The HealthDCAT-AP record files, in name order.
    pub records: Vec<PathBuf>,
    /// The Markdown root read (`docs/` or the folder), when there were pages.
    pub docs_root: Option<PathBuf>,
    /// True when the folder has `schemas/` or `nomenclatures/`.
    pub snds_tree: bool,
}

/// The files of a draft folder that are not hidden, sorted, bounded by [`MAX_DRAFT_FILES`] and
/// [`MAX_DRAFT_BYTES`].
pub fn draft_files(root: &Path) -> Result<Vec<PathBuf>> {
    if root.is_file() {
        return Ok(vec![root.to_path_buf()]);
    }
    let mut out = Vec::new();
    let mut bytes = 0u64;
    let walk = walkdir::WalkDir::new(root)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|e| e.depth() == 0 || !e.file_name().to_string_lossy().starts_with('.'));
    for e in walk {
        let e = e.map_err(|e| Error::io(root, e.into()))?;
        if !e.file_type().is_file() {
            continue;
        }
        let name = e.file_name().to_string_lossy();
        if name.ends_with('~') {
            continue; // editor backups
        }
        bytes += e.metadata().map(|m| m.len()).unwrap_or(0);
        out.push(e.into_path());
        if out.len() > MAX_DRAFT_FILES {
            return Err(Error::TooLarge(format!(
                "{}: more than {MAX_DRAFT_FILES} files; a draft is one base's folder",
                root.display()
            )));
        }
        if bytes > MAX_DRAFT_BYTES {
            return Err(Error::TooLarge(format!(
                "{}: more than {} MiB of files; a draft is one base's folder",
                root.display(),
                MAX_DRAFT_BYTES >> 20
            )));
        }
    }
    Ok(out)
}

/// Reads a producer's folder (or one record file) as a draft.
pub fn read_draft(root: &Path) -> Result<DraftFolder> {
    if !root.exists() {
        return Err(Error::UnknownSource {
            path: root.into(),
            message: "no such file or directory".into(),
        });
    }
    let files = draft_files(root)?;
    let label = root.display().to_string();
    let mut parts: Vec<SourceData> = Vec::new();
    let mut records = Vec::new();
    let in_tree = |p: &Path| {
        p.strip_prefix(root).ok().is_some_and(|r| {
            r.components().next().is_some_and(|c| {
                let c = c.as_os_str();
                c == "schemas" || c == "nomenclatures"
            })
        })
    };
    for p in &files {
        if in_tree(p) || !healthdcat::is_healthdcat_file(p) {
            continue;
        }
        let h = healthdcat::read_file(p)?;
        let mut d = SourceData {
            report: SourceReport {
                path: p.display().to_string(),
                kind: Some(SourceKind::HealthDcat),
                ..Default::default()
            },
            bases: h.bases,
            tables: h.tables,
            warnings: h.warnings,
            ..Default::default()
        };
        d.report.bases = d.bases.len();
        d.report.tables = d.tables.len();
        parts.push(d);
        records.push(p.clone());
    }
    let mut snds_tree = false;
    let mut docs_root = None;
    if root.is_dir() {
        let mut d = SourceData {
            report: SourceReport {
                path: label.clone(),
                kind: Some(SourceKind::SndsTree),
                ..Default::default()
            },
            ..Default::default()
        };
        read_bases(root, &mut d)?;
        snds_tree = root.join("schemas").is_dir() || root.join("nomenclatures").is_dir();
        if snds_tree {
            read_snds_tree(root, &label, &mut d)?;
        }
        let md_root = if root.join("docs").is_dir() {
            root.join("docs")
        } else {
            root.to_path_buf()
        };
        let has_md = files.iter().any(|p| {
            p.starts_with(&md_root)
                && !in_tree(p)
                && p.extension().is_some_and(|x| x.eq_ignore_ascii_case("md"))
        });
        if has_md {
            read_markdown(&md_root, &mut d)?;
            // Pages under schemas/ or nomenclatures/ are not documentation of the base.
            d.docs.retain(|page| {
                !page.path.starts_with("schemas/") && !page.path.starts_with("nomenclatures/")
            });
            docs_root = Some(md_root);
        }
        d.report.bases = d.bases.len();
        d.report.tables = d.tables.len();
        d.report.variables = d.tables.iter().map(|t| t.variables.len()).sum();
        d.report.nomenclatures = d.code_lists.len();
        d.report.sample_tables = d.samples.len();
        d.report.docs = d.docs.len();
        parts.push(d);
    }
    if parts.iter().all(|d| {
        d.bases.is_empty() && d.tables.is_empty() && d.code_lists.is_empty() && d.docs.is_empty()
    }) {
        return Err(Error::UnknownSource {
            path: root.into(),
            message: "nothing to preview: no HealthDCAT-AP record (.ttl, .jsonld, .rdf), no \
                      bases.json, no schemas/ or nomenclatures/ and no Markdown page"
                .into(),
        });
    }
    claim_produits(&mut parts);
    let catalogue = merge(parts);
    Ok(DraftFolder {
        root: root.to_path_buf(),
        catalogue,
        records,
        docs_root,
        snds_tree,
    })
}

/// With exactly one declared base, it claims the `produit` of every table no base claims.
fn claim_produits(parts: &mut [SourceData]) {
    let declared: usize = parts.iter().map(|d| d.bases.len()).sum();
    if declared != 1 {
        return;
    }
    let claimed: Vec<String> = parts
        .iter()
        .flat_map(|d| d.bases.iter().flat_map(|b| b.produits.iter().cloned()))
        .collect();
    let mut extra: Vec<String> = Vec::new();
    for d in parts.iter() {
        for t in &d.tables {
            let p = if t.produit.is_empty() {
                "Autres tables".to_string()
            } else {
                t.produit.clone()
            };
            if !claimed.contains(&p) && !extra.contains(&p) {
                extra.push(p);
            }
        }
    }
    if let Some(b) = parts.iter_mut().flat_map(|d| d.bases.iter_mut()).next() {
        b.produits.extend(extra);
    }
}
