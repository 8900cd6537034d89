//! Rebuilding a snapshot from the active one when few things changed (issue #12): a sync of a
//! one-file change, or the import of a slightly changed folder.
//!
//! Every snapshot carries `rebuild.json`: a content hash per entity (table with its variables,
//! code list with its rows, documentation page, base) and one for the sample tables, plus what
//! shaped the build (format versions, the binary). The next build compares the new read of the
//! sources with it. When it can, it starts from copies of the active snapshot's files —
//! `catalogue.sqlite` copied, the index's immutable segment files hard-linked and its small
//! files copied — and:
//!
//! - rewrites everything that is not a code-list row (bases, tables, variables, code-list
//!   descriptions, documentation pages: about 5,000 of the 420,000 index documents) with the
//!   full build's own functions, so that what derives from the whole catalogue (how many tables
//!   share a variable name, base titles in table documents, which lists variables use) is
//!   exact by construction;
//! - replaces the rows of the changed code lists only (the other 99 % of the documents), a list
//!   also counting as changed when the number of variables that use it changed (its rows'
//!   prior depends on it);
//! - mines the acronyms again from the same inputs in the same order (rows of unchanged lists
//!   read back from the catalogue);
//! - commits without merging the large segments: tantivy still counts deleted documents in
//!   BM25's statistics (document frequencies, token totals, document count) until their
//!   segment is merged, and merging the 415,000-row code segment to drop a few rows cost
//!   ~0.7 s. Instead, what the deleted documents count is read from their postings once, at
//!   commit, kept beside the index and subtracted at search time (`search/deleted.rs`): the
//!   statistics are those of a full build. Small segments with deletions, and any segment more
//!   than a fifth deleted, are still merged (cheap, or overdue); the non-code documents, all
//!   rewritten at every rebuild, are in a segment of their own after the first one, which the
//!   next rebuild deletes whole.
//!
//! Anything it cannot be sure of falls back to the full build ([`crate::build::build`]): no
//! active snapshot or no `rebuild.json`, other format versions or another binary, changed
//! sample tables, more than a quarter of the code rows changed, or any error on the way. The
//! active snapshot is only ever read: the new one is written in staging and activated by the
//! caller's atomic pointer swap.
//!
//! `HUBLOT_REBUILD=full` always takes the full build (benches/sync.rs compares both paths).

use crate::ingest::Catalogue;
use crate::search::IndexBuilder;
use crate::store::catalogue_db::{CatalogueWriter, Stats};
use crate::{Error, Result};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::Path;
use ts_rs::TS;

/// File name, at the root of a snapshot directory.
pub const FILE: &str = "rebuild.json";

/// Version of [`FILE`]'s layout and of what this module assumes of the full build.
const FORMAT: u32 = 1;

/// Above this share of code rows changed, the full build is used.
const MAX_CHANGED_ROWS: f64 = 0.25;

/// How a snapshot was built, in import and sync reports.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct Rebuilt {
    /// `incremental` (from the active snapshot) or `full` (from all sources).
    pub path: String,
    /// Entities (bases, tables, code lists, pages) added, removed or changed since the active
    /// snapshot; for a full build without a previous snapshot, all of them.
    pub entities: u64,
    /// Code-list rows written again (all of them for a full build).
    pub code_rows: u64,
    /// Why the full build was used, when it was.
    pub reason: Option<String>,
}

impl std::fmt::Display for Rebuilt {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{}, {} entities changed, {} code rows written",
            self.path, self.entities, self.code_rows
        )?;
        if let Some(r) = &self.reason {
            write!(f, " ({r})")?;
        }
        Ok(())
    }
}

/// What `rebuild.json` holds.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
struct Manifest {
    format: u32,
    /// Versions and binary that built the snapshot.
    builder: String,
    bases: BTreeMap<String, String>,
    tables: BTreeMap<String, String>,
    docs: BTreeMap<String, String>,
    /// Code list → hash of its description, CSV and number of variables using it.
    lists: BTreeMap<String, String>,
    /// The sample tables, all together.
    samples: String,
}

/// The versions of everything that shapes a snapshot, and the running binary (its size and
/// modification time): a snapshot built by other code is rebuilt in full.
fn builder() -> String {
    let exe = std::env::current_exe()
        .and_then(std::fs::metadata)
        .map(|m| format!("{}:{}", m.len(), crate::build::mtime_nanos(&m)))
        .unwrap_or_default();
    format!(
        "hublot {} snap {} cat {} idx {} rebuild {FORMAT} exe {exe}",
        env!("CARGO_PKG_VERSION"),
        crate::SNAPSHOT_FORMAT_VERSION,
        crate::store::CATALOGUE_SCHEMA_VERSION,
        crate::search::INDEX_FORMAT_VERSION,
    )
}

fn hash_json<T: Serialize>(h: &mut Sha256, v: &T) {
    h.update(serde_json::to_vec(v).expect("entity serialises"));
    h.update([0]);
}

fn hash_file(h: &mut Sha256, p: &Path) -> Result<()> {
    let mut f = std::fs::File::open(p).map_err(|e| Error::io(p, e))?;
    std::io::copy(&mut f, h).map_err(|e| Error::io(p, e))?;
    h.update([0]);
    Ok(())
}

impl Manifest {
    /// Hashes every entity of `cat` (reading the code lists' and sample tables' files).
    fn of(cat: &Catalogue) -> Result<Manifest> {
        let one = |f: &mut dyn FnMut(&mut Sha256) -> Result<()>| -> Result<String> {
            let mut h = Sha256::new();
            f(&mut h)?;
            Ok(hex::encode(h.finalize()))
        };
        let mut m = Manifest {
            format: FORMAT,
            builder: builder(),
            ..Manifest::default()
        };
        for b in &cat.bases {
            let v = one(&mut |h| {
                hash_json(h, b);
                Ok(())
            })?;
            m.bases.insert(b.id.clone(), v);
        }
        for t in &cat.tables {
            let samples = cat.samples.get(&t.name).map(|s| s.source.as_str());
            let v = one(&mut |h| {
                hash_json(h, t);
                hash_json(h, &samples);
                Ok(())
            })?;
            m.tables.insert(t.name.clone(), v);
        }
        for d in &cat.docs {
            m.docs.insert(
                d.path.clone(),
                one(&mut |h| {
                    hash_json(h, d);
                    Ok(())
                })?,
            );
        }
        let refs = crate::build::Derived::of(cat).list_refs;
        for c in &cat.code_lists {
            let v = one(&mut |h| {
                hash_json(
                    h,
                    &(
                        &c.name,
                        &c.title,
                        &c.columns,
                        c.code_column,
                        c.label_column,
                        &c.source,
                        refs.get(c.name.as_str()).copied().unwrap_or(0),
                        c.csv_path.is_some(),
                    ),
                );
                match &c.csv_path {
                    Some(p) => hash_file(h, p),
                    None => Ok(()),
                }
            })?;
            m.lists.insert(c.name.clone(), v);
        }
        m.samples = one(&mut |h| {
            for t in &cat.tables {
                if let Some(s) = cat.samples.get(&t.name) {
                    hash_json(h, &(&t.name, &s.source, t));
                    hash_file(h, &s.path)?;
                }
            }
            Ok(())
        })?;
        Ok(m)
    }

    fn read(snapshot: &Path) -> Option<Manifest> {
        let bytes = std::fs::read(snapshot.join(FILE)).ok()?;
        serde_json::from_slice(&bytes).ok()
    }

    fn write(&self, dir: &Path) -> Result<()> {
        let p = dir.join(FILE);
        std::fs::write(&p, serde_json::to_vec(self).expect("manifest serialises"))
            .map_err(|e| Error::io(&p, e))
    }

    /// Entities added, removed or changed in `new` against `self`.
    fn changed(&self, new: &Manifest) -> u64 {
        fn diff(a: &BTreeMap<String, String>, b: &BTreeMap<String, String>) -> u64 {
            let keys: HashSet<&String> = a.keys().chain(b.keys()).collect();
            keys.into_iter().filter(|k| a.get(*k) != b.get(*k)).count() as u64
        }
        diff(&self.bases, &new.bases)
            + diff(&self.tables, &new.tables)
            + diff(&self.docs, &new.docs)
            + diff(&self.lists, &new.lists)
    }

    fn entities(&self) -> u64 {
        (self.bases.len() + self.tables.len() + self.docs.len() + self.lists.len()) as u64
    }
}

/// A test hook: `HUBLOT_REBUILD_FAIL=incremental` makes the incremental path fail after it
/// has written part of the staging directory (it then falls back to the full build);
/// `=all` makes the full build fail too, after the incremental one.
fn failpoint(at: &str) -> Result<()> {
    match std::env::var("HUBLOT_REBUILD_FAIL").as_deref() {
        Ok(v) if v == at || (v == "all" && (at == "incremental" || at == "full")) => Err(
            Error::Invalid(format!("HUBLOT_REBUILD_FAIL={v}: failing the {at} rebuild")),
        ),
        _ => Ok(()),
    }
}

/// Builds the snapshot of `cat` into `staging` (empty), incrementally from the snapshot in
/// `active` when it can, else in full. `active` is only read.
pub fn build(cat: &Catalogue, staging: &Path, active: Option<&Path>) -> Result<(Stats, Rebuilt)> {
    let t0 = std::time::Instant::now();
    let new = Manifest::of(cat)?;
    crate::build::timing("entities hashed", t0);
    let plan = match active {
        _ if std::env::var("HUBLOT_REBUILD").as_deref() == Ok("full") => {
            Err("HUBLOT_REBUILD=full".to_string())
        }
        None => Err("no active snapshot".to_string()),
        Some(dir) => plan(cat, dir, &new),
    };
    let reason = match plan {
        Ok(plan) => match incremental(cat, staging, &plan) {
            Ok(stats) => {
                new.write(staging)?;
                crate::build::timing("incremental rebuild", t0);
                return Ok((
                    stats,
                    Rebuilt {
                        path: "incremental".into(),
                        entities: plan.old.changed(&new),
                        code_rows: plan.code_rows,
                        reason: None,
                    },
                ));
            }
            Err(e) => {
                // Start again from an empty staging directory.
                std::fs::remove_dir_all(staging).map_err(|e| Error::io(staging, e))?;
                std::fs::create_dir_all(staging).map_err(|e| Error::io(staging, e))?;
                format!("the incremental rebuild failed: {e}")
            }
        },
        Err(reason) => reason,
    };
    failpoint("full")?;
    let stats = crate::build::build(cat, staging)?;
    new.write(staging)?;
    let code_rows = stats.codes;
    let entities = active
        .and_then(Manifest::read)
        .filter(|m| m.format == FORMAT)
        .map(|m| m.changed(&new))
        .unwrap_or_else(|| new.entities());
    Ok((
        stats,
        Rebuilt {
            path: "full".into(),
            entities,
            code_rows,
            reason: Some(reason),
        },
    ))
}

/// What the incremental path will do.
struct Plan<'a> {
    dir: &'a Path,
    old: Manifest,
    /// Code lists whose rows are written again (changed or new), by index in `cat.code_lists`.
    lists: Vec<usize>,
    /// Code lists of the active snapshot no longer there, or changed: their rows are deleted.
    removed: Vec<String>,
    /// Rows written again, estimated from the active snapshot's counts for changed lists.
    code_rows: u64,
    /// Rows of each code list of the active snapshot.
    old_rows: HashMap<String, u64>,
}

/// Decides whether the incremental path can be taken, or says why not.
fn plan<'a>(
    cat: &Catalogue,
    dir: &'a Path,
    new: &Manifest,
) -> std::result::Result<Plan<'a>, String> {
    let info = crate::build::SnapshotInfo::read(dir)
        .map_err(|e| format!("the active snapshot's manifest: {e}"))?;
    if !info.is_current_format() || info.format_version != crate::SNAPSHOT_FORMAT_VERSION {
        return Err("the active snapshot has another format".into());
    }
    let old = Manifest::read(dir).ok_or("the active snapshot has no rebuild.json")?;
    if old.format != FORMAT || old.builder != new.builder {
        return Err("the active snapshot was built by another version or binary".into());
    }
    if old.samples != new.samples {
        return Err("the sample tables changed".into());
    }
    let mut lists = Vec::new();
    let mut removed = Vec::new();
    for (i, c) in cat.code_lists.iter().enumerate() {
        match old.lists.get(&c.name) {
            Some(h) if Some(h) == new.lists.get(&c.name) => {}
            Some(_) => {
                lists.push(i);
                removed.push(c.name.clone());
            }
            None => lists.push(i),
        }
    }
    for name in old.lists.keys() {
        if !new.lists.contains_key(name) {
            removed.push(name.clone());
        }
    }
    // Rows replaced, counted from the active snapshot (new lists are not counted: their size is
    // only known once read, and the bound is about what the copy saves).
    let total = info.stats.codes.max(1);
    let rows = crate::store::catalogue_db::CatalogueDb::open(&dir.join("catalogue.sqlite"))
        .and_then(|db| db.list_rows())
        .map_err(|e| format!("the active snapshot's catalogue: {e}"))?;
    let code_rows: u64 = removed
        .iter()
        .map(|n| rows.get(n).copied().unwrap_or(0))
        .sum();
    if code_rows as f64 > MAX_CHANGED_ROWS * total as f64 {
        return Err(format!(
            "{code_rows} of {total} code rows changed (more than {:.0} %)",
            MAX_CHANGED_ROWS * 100.0
        ));
    }
    let changed = old.changed(new);
    if changed as f64 > 0.5 * new.entities().max(1) as f64 {
        return Err(format!("{changed} entities changed, more than half"));
    }
    Ok(Plan {
        dir,
        old,
        lists,
        removed,
        code_rows,
        old_rows: rows,
    })
}

/// Copies the active snapshot's index: segment files hard-linked (tantivy never writes to a
/// segment file again; deletes go to new `.del` files and merges to new segments), everything
/// else copied (`meta.json`, `.managed.json` and Hublot's own files are rewritten).
fn copy_index(from: &Path, to: &Path) -> Result<()> {
    std::fs::create_dir_all(to).map_err(|e| Error::io(to, e))?;
    for e in std::fs::read_dir(from).map_err(|e| Error::io(from, e))? {
        let e = e.map_err(|e| Error::io(from, e))?;
        let name = e.file_name();
        let n = name.to_string_lossy();
        if n.ends_with(".lock") {
            continue;
        }
        let (src, dst) = (e.path(), to.join(&name));
        let is_segment_file = !n.starts_with('.') && !n.ends_with(".json");
        if is_segment_file {
            std::fs::hard_link(&src, &dst).map_err(|e| Error::io(&dst, e))?;
        } else {
            std::fs::copy(&src, &dst).map_err(|e| Error::io(&dst, e))?;
        }
    }
    Ok(())
}

fn incremental(cat: &Catalogue, staging: &Path, plan: &Plan) -> Result<Stats> {
    let t0 = std::time::Instant::now();
    let from = plan.dir;
    // The samples did not change (see `plan`): the file is shared, never written after a build.
    let samples = from.join("samples.sqlite");
    if samples.exists() {
        let dst = staging.join("samples.sqlite");
        std::fs::hard_link(&samples, &dst).map_err(|e| Error::io(&dst, e))?;
    }
    let db_path = staging.join("catalogue.sqlite");
    let src = from.join("catalogue.sqlite");
    std::fs::copy(&src, &db_path).map_err(|e| Error::io(&db_path, e))?;
    let index_dir = staging.join("index");
    copy_index(&from.join("index"), &index_dir)?;
    crate::build::timing("active snapshot copied", t0);

    let kept_row = IndexBuilder::code_row_counts()?
        .ok_or_else(|| Error::Invalid("code rows count in different fields".into()))?;

    let db = CatalogueWriter::overlay(&db_path)?;
    let old_rows = &plan.old_rows;
    let sample_rows = db.sample_rows_by_table()?;
    db.meta("created", &crate::clock::now_rfc3339())?;
    db.clear_all_but_codes()?;
    for name in &plan.removed {
        db.remove_list(name)?;
    }
    crate::build::write_entities(&db, cat)?;
    let mut total_samples = 0;
    for t in &cat.tables {
        if let Some(n) = sample_rows.get(&t.name) {
            db.sample_rows(&t.name, *n)?;
            total_samples += n;
        }
    }

    let index = IndexBuilder::open_for_update(&index_dir)?;
    index.delete_all_but_codes()?;
    for name in &plan.removed {
        index.delete_code_rows(name)?;
    }
    // What derives from the whole catalogue is computed as the full build does.
    let derived = crate::build::Derived::of(cat);
    let mut miner = crate::search::acronyms::Miner::default();
    crate::build::index_entities(&index, cat, &derived, &mut miner)?;
    let rewrite: HashSet<usize> = plan.lists.iter().copied().collect();
    let mut kept_rows = 0u64;
    for (i, c) in cat.code_lists.iter().enumerate() {
        index.add_nomenclature(&c.name, &c.title, &c.columns)?;
        if !rewrite.contains(&i) {
            kept_rows += old_rows.get(&c.name).copied().ok_or_else(|| {
                Error::Invalid(format!("code list {} missing from the catalogue", c.name))
            })?;
            db.for_each_bracketed_label(&c.name, |code, label| miner.label(&c.name, code, label))?;
            continue;
        }
        let rows = crate::build::code_rows(c)?;
        crate::build::index_code_rows(&index, &mut miner, c, &rows, &derived)?;
        db.nomenclature(c, rows.len() as u64)?;
        db.codes(&c.name, &rows)?;
    }
    crate::build::timing("changed entities written", t0);
    failpoint("incremental")?;
    let stats = db.finish_update(total_samples)?;
    crate::build::timing("catalogue committed", t0);
    crate::search::acronyms::write(&index_dir, &miner.finish())?;
    index.finish_update(kept_row.map(|k| k * kept_rows))?;
    crate::build::timing("index committed and merged", t0);
    Ok(stats)
}
