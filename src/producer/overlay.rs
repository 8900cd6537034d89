//! The preview catalogue: the published snapshot with the draft laid over it, built as a
//! snapshot directory of its own in a temporary data directory.
//!
//! `catalogue.sqlite` is copied from the published snapshot, then, in one transaction, the
//! draft's bases (with every table they held), tables, code lists and doc pages replace the
//! published ones and are written with the same writer as an import. The search index and the
//! sample rows are the published ones, hard-linked (copied when the file system refuses): they
//! are only read. The published snapshot is never opened for writing.

use crate::build::SnapshotInfo;
use crate::ingest::draft_folder::DraftFolder;
use crate::ingest::{SourceKind, SourceReport};
use crate::store::catalogue_db::{CatalogueWriter, Stats};
use crate::{Error, Result};
use std::path::Path;

/// Builds the preview snapshot `id` in `staging` (an empty directory) from the published
/// snapshot directory `published` and the draft.
pub fn build_preview(
    published: &Path,
    draft: &DraftFolder,
    staging: &Path,
    id: &str,
) -> Result<SnapshotInfo> {
    let start = std::time::Instant::now();
    let info = SnapshotInfo::read(published)?;
    let db_path = staging.join("catalogue.sqlite");
    let from = published.join("catalogue.sqlite");
    std::fs::copy(&from, &db_path).map_err(|e| Error::io(&from, e))?;
    let sp = published.join("samples.sqlite");
    if sp.is_file() {
        link_or_copy(&sp, &staging.join("samples.sqlite"))?;
    }
    link_tree(&published.join("index"), &staging.join("index"))?;

    let cat = &draft.catalogue;
    let db = CatalogueWriter::overlay(&db_path)?;
    let bases: Vec<String> = cat.bases.iter().map(|b| b.id.clone()).collect();
    let tables: Vec<String> = cat.tables.iter().map(|t| t.name.clone()).collect();
    let lists: Vec<String> = cat.code_lists.iter().map(|c| c.name.clone()).collect();
    let docs: Vec<String> = cat.docs.iter().map(|d| d.path.clone()).collect();
    let positions = db.remove(&bases, &tables, &lists, &docs)?;
    for b in &cat.bases {
        let pos = match positions.iter().find(|(id, _)| *id == b.id) {
            Some((_, p)) => *p,
            None => db.next_base_position()?,
        };
        db.base_at(b, pos)?;
    }
    for t in &cat.tables {
        db.table(t, None)?;
    }
    for d in &cat.docs {
        db.doc(d)?;
    }
    for c in &cat.code_lists {
        let rows = crate::build::code_rows(c)?;
        db.nomenclature(c, rows.len() as u64)?;
        db.codes(&c.name, &rows)?;
    }
    let stats: Stats = db.finish_overlay()?;

    let mut sources = info.sources.clone();
    sources.push(SourceReport {
        path: format!("draft {}", draft.root.display()),
        kind: Some(SourceKind::SndsTree),
        bases: cat.bases.len(),
        tables: cat.tables.len(),
        variables: cat.tables.iter().map(|t| t.variables.len()).sum(),
        nomenclatures: cat.code_lists.len(),
        sample_tables: 0,
        docs: cat.docs.len(),
    });
    let mut warnings = info.warnings.clone();
    warnings.extend(cat.warnings.iter().cloned());
    let out = SnapshotInfo {
        id: id.to_string(),
        created: crate::clock::now_rfc3339(),
        fingerprint: format!("preview-of-{}", info.id),
        sources,
        warnings,
        stats: Stats {
            sample_rows: info.stats.sample_rows,
            ..stats
        },
        build_ms: start.elapsed().as_millis() as u64,
        ..info
    };
    let mp = staging.join("manifest.json");
    std::fs::write(
        &mp,
        serde_json::to_vec_pretty(&out).expect("info serialises"),
    )
    .map_err(|e| Error::io(&mp, e))?;
    Ok(out)
}

/// A hard link to `from` at `to`, or a copy where links are refused (another file system).
fn link_or_copy(from: &Path, to: &Path) -> Result<()> {
    if std::fs::hard_link(from, to).is_err() {
        std::fs::copy(from, to).map_err(|e| Error::io(from, e))?;
    }
    Ok(())
}

/// [`link_or_copy`] of every file of a directory tree.
fn link_tree(from: &Path, to: &Path) -> Result<()> {
    std::fs::create_dir_all(to).map_err(|e| Error::io(to, e))?;
    for e in std::fs::read_dir(from).map_err(|e| Error::io(from, e))? {
        let e = e.map_err(|e| Error::io(from, e))?;
        let (src, dst) = (e.path(), to.join(e.file_name()));
        let ft = e.file_type().map_err(|e| Error::io(&src, e))?;
        if ft.is_dir() {
            link_tree(&src, &dst)?;
        } else if ft.is_file() {
            // tantivy's lock files are its own business: the preview opens the index anew.
            if e.file_name().to_string_lossy().ends_with(".lock") {
                continue;
            }
            link_or_copy(&src, &dst)?;
        }
    }
    Ok(())
}
