//! Building a snapshot directory from a [`Catalogue`]: `catalogue.sqlite`, `samples.sqlite` and
//! the search index, written side by side. The SQLite writer runs on its own thread and the
//! index on the index builder's (one pass, one segment: see [`IndexBuilder`]); code-list rows are
//! parsed once on this thread and fed to both, one list at a time, so memory stays flat however
//! large the lists are.

use crate::ingest::nomenclature_csv::CodeListSource;
use crate::ingest::{Catalogue, MergeNote, SourceReport};
use crate::search::IndexBuilder;
use crate::store::catalogue_db::{CatalogueWriter, Stats};
use crate::store::samples_db::SamplesWriter;
use crate::{Error, Result};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{mpsc, Arc};
use ts_rs::TS;

/// What a built snapshot says about itself (`manifest.json` in its directory).
#[derive(Debug, Clone, Serialize, Deserialize, TS)]
pub struct SnapshotInfo {
    /// Snapshot id (directory name).
    pub id: String,
    /// When it was built (RFC 3339, UTC).
    pub created: String,
    /// Hublot version that built it.
    pub hublot_version: String,
    /// Snapshot format version of the builder.
    pub format_version: u32,
    /// Catalogue schema version.
    pub catalogue_schema: u32,
    /// Index layout version.
    pub index_format: u32,
    /// Fingerprint of the inputs; an import with the same fingerprint is skipped.
    pub fingerprint: String,
    /// Sources, with what each contributed.
    pub sources: Vec<SourceReport>,
    /// Tables described by several sources.
    pub merges: Vec<MergeNote>,
    /// Warnings of the import.
    pub warnings: Vec<String>,
    /// Counts.
    pub stats: Stats,
    /// Build time in milliseconds.
    pub build_ms: u64,
}

impl SnapshotInfo {
    /// Reads `dir/manifest.json`.
    pub fn read(dir: &Path) -> Result<SnapshotInfo> {
        let p = dir.join("manifest.json");
        let bytes = std::fs::read(&p).map_err(|e| Error::io(&p, e))?;
        serde_json::from_slice(&bytes).map_err(|e| Error::json(&p, &e))
    }

    /// True when this Hublot can open the snapshot as it is.
    pub fn is_current_format(&self) -> bool {
        self.catalogue_schema == crate::store::CATALOGUE_SCHEMA_VERSION
            && self.index_format == crate::search::INDEX_FORMAT_VERSION
    }
}

/// A cheap fingerprint of the inputs: every file's relative path, size and modification time,
/// plus the versions of everything that shapes the output. Hashing the bytes of a 60 MB corpus
/// would cost more than the half second an unchanged re-import may take.
pub fn fingerprint(paths: &[PathBuf]) -> Result<String> {
    let mut h = Sha256::new();
    h.update(format!(
        "hublot {} snap {} cat {} idx {}\n",
        env!("CARGO_PKG_VERSION"),
        crate::SNAPSHOT_FORMAT_VERSION,
        crate::store::CATALOGUE_SCHEMA_VERSION,
        crate::search::INDEX_FORMAT_VERSION
    ));
    for p in paths {
        let abs = std::fs::canonicalize(p).map_err(|e| Error::io(p, e))?;
        h.update(abs.to_string_lossy().as_bytes());
        h.update(b"\n");
        for e in walkdir::WalkDir::new(&abs).sort_by_file_name() {
            let e = e.map_err(|e| Error::io(&abs, e.into()))?;
            if !e.file_type().is_file() {
                continue;
            }
            let m = e
                .metadata()
                .map_err(|err| Error::io(e.path(), err.into()))?;
            let mtime = mtime_nanos(&m);
            h.update(format!(
                "{}\t{}\t{}\n",
                crate::ingest::snapshot_manifest::rel_path(&abs, e.path()),
                m.len(),
                mtime
            ));
        }
    }
    Ok(hex::encode(h.finalize()))
}

/// A file's modification time in nanoseconds since the epoch (0 when the platform has none):
/// the change detectors of imports, rebuilds and the producer's watcher compare it.
pub(crate) fn mtime_nanos(m: &std::fs::Metadata) -> u128 {
    m.modified()
        .ok()
        .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
        .map(|d| d.as_nanos())
        .unwrap_or(0)
}

/// Code lists up to this many rows are "small": their title is searchable in every row.
const SMALL_LIST: usize = 300;

/// A code list's parsed rows on their way to SQLite (the indexer shares them).
struct CodeBatch {
    list: usize,
    rows: Arc<CodeRows>,
}

/// The rows of one code list as the catalogue stores them (code, label, JSON array of the
/// values), in one buffer: parsed on one thread, read by the catalogue writer and the indexer
/// on theirs, and freed at once. (Three strings a row, allocated on the parsing thread and freed
/// on the catalogue writer's, made glibc's allocator lock a million times an import.)
#[derive(Default)]
pub(crate) struct CodeRows {
    text: String,
    /// Where each row's code, label and values end in `text`.
    ends: Vec<[usize; 3]>,
}

/// Where a row of [`CodeRows`] is in its text.
pub(crate) struct RowSpan {
    pub(crate) code: std::ops::Range<usize>,
    pub(crate) label: std::ops::Range<usize>,
    pub(crate) vals: std::ops::Range<usize>,
}

impl CodeRows {
    pub(crate) fn len(&self) -> usize {
        self.ends.len()
    }

    /// The rows in order: (code, label, values).
    pub(crate) fn iter(&self) -> impl Iterator<Item = (&str, &str, &str)> + '_ {
        self.spans()
            .map(move |r| (&self.text[r.code], &self.text[r.label], &self.text[r.vals]))
    }

    /// Where each row's code, label and values are in [`CodeRows::text`].
    pub(crate) fn spans(&self) -> impl Iterator<Item = RowSpan> + '_ {
        let mut start = 0;
        self.ends.iter().map(move |&[c, l, v]| {
            let row = RowSpan {
                code: start..c,
                label: c..l,
                vals: l..v,
            };
            start = v;
            row
        })
    }

    /// The text of every row, one after the other.
    pub(crate) fn text(&self) -> &str {
        &self.text
    }

    /// Appends a row (`vals` is its values' JSON array).
    pub(crate) fn push(
        &mut self,
        code: &str,
        label: &str,
        vals: impl IntoIterator<Item = impl AsRef<str>>,
    ) {
        self.text.push_str(code);
        let c = self.text.len();
        self.text.push_str(label);
        let l = self.text.len();
        self.text.push('[');
        for (k, v) in vals.into_iter().enumerate() {
            if k > 0 {
                self.text.push(',');
            }
            json_string(&mut self.text, v.as_ref());
        }
        self.text.push(']');
        self.ends.push([c, l, self.text.len()]);
    }
}

/// Writes the catalogue, samples and index of `cat` into `dir` (an empty staging directory).
pub fn build(cat: &Catalogue, dir: &Path) -> Result<Stats> {
    let index_dir = dir.join("index");
    std::fs::create_dir_all(&index_dir).map_err(|e| Error::io(&index_dir, e))?;
    let index = IndexBuilder::create(&index_dir)?;

    let derived = Derived::of(cat);

    let (tx, rx) = mpsc::sync_channel::<CodeBatch>(4);
    std::thread::scope(|s| -> Result<Stats> {
        let writer = std::thread::Builder::new()
            .name("catalogue-db".into())
            .spawn_scoped(s, move || -> Result<Stats> {
                let db = CatalogueWriter::create(&dir.join("catalogue.sqlite"))?;
                db.meta("created", &crate::clock::now_rfc3339())?;
                write_entities(&db, cat)?;
                let mut written = vec![false; cat.code_lists.len()];
                for batch in rx {
                    let c = &cat.code_lists[batch.list];
                    db.nomenclature(c, batch.rows.len() as u64)?;
                    db.codes(&c.name, &batch.rows)?;
                    written[batch.list] = true;
                }
                // The sender stops early on error; the main thread reports that error.
                let samples = SamplesWriter::create(&dir.join("samples.sqlite"))?;
                let mut sample_rows = 0;
                for t in &cat.tables {
                    if let Some(src) = cat.samples.get(&t.name) {
                        let n = samples.load(t, &src.path, &src.source)?;
                        db.sample_rows(&t.name, n)?;
                        sample_rows += n;
                    }
                }
                samples.finish()?;
                if written.iter().any(|w| !w) {
                    return Err(Error::Invalid("build interrupted".into()));
                }
                let stats = db.finish(sample_rows);
                thread_cpu("catalogue writer");
                stats
            })
            .map_err(|e| Error::Invalid(format!("cannot start the catalogue writer: {e}")))?;

        let mut miner = crate::search::acronyms::Miner::default();
        let mut produce = || -> Result<()> {
            index_entities(&index, cat, &derived, &mut miner)?;
            for (i, c) in cat.code_lists.iter().enumerate() {
                index.add_nomenclature(&c.name, &c.title, &c.columns)?;
                let rows = code_rows(c)?;
                index_code_rows(&index, &mut miner, c, &rows, &derived)?;
                if tx.send(CodeBatch { list: i, rows }).is_err() {
                    break; // the writer failed; its error is reported below
                }
            }
            Ok(())
        };
        let t0 = std::time::Instant::now();
        let produced = produce();
        drop(tx);
        timing("index documents added", t0);
        thread_cpu("parsing thread");
        // The index's commit (serialising the segment, half a second on one core) runs while the
        // catalogue writer finishes its own tail (samples, indexes, ANALYZE) on the other core.
        let indexed = produced.and_then(|()| {
            crate::search::acronyms::write(&index_dir, &miner.finish())?;
            index.finish()
        });
        timing("index committed", t0);
        let written = writer.join().expect("catalogue writer panicked");
        timing("sqlite written", t0);
        indexed?;
        written
    })
}

/// What the documents of a snapshot take from the whole catalogue, not from their own entity.
pub(crate) struct Derived<'a> {
    /// Base id → its titles, in the body of its tables' documents.
    base_titles: HashMap<&'a str, String>,
    /// How many tables have a variable of each (upper-cased) name.
    n_tables: HashMap<String, u64>,
    /// How many variables take their values from each code list (its rows' prior).
    pub(crate) list_refs: HashMap<&'a str, u64>,
}

impl<'a> Derived<'a> {
    pub(crate) fn of(cat: &'a Catalogue) -> Derived<'a> {
        let base_titles = cat
            .bases
            .iter()
            .map(|b| (b.id.as_str(), b.title.all()))
            .collect();
        // Variable names are compared without case: `ben_dcd_dte` (cartography) is BEN_DCD_DTE.
        let mut n_tables: HashMap<String, u64> = HashMap::new();
        let mut list_refs: HashMap<&str, u64> = HashMap::new();
        for t in &cat.tables {
            for v in &t.variables {
                *n_tables.entry(v.name.to_uppercase()).or_default() += 1;
                if let Some(n) = &v.nomenclature {
                    *list_refs.entry(n.name.as_str()).or_default() += 1;
                }
            }
        }
        Derived {
            base_titles,
            n_tables,
            list_refs,
        }
    }
}

/// Writes the bases, tables (with their variables and keys) and documentation pages of `cat`
/// into the catalogue: everything but the code lists.
pub(crate) fn write_entities(db: &CatalogueWriter, cat: &Catalogue) -> Result<()> {
    db.bases(&cat.bases)?;
    for t in &cat.tables {
        db.table(t, cat.samples.get(&t.name).map(|s| s.source.as_str()))?;
    }
    for d in &cat.docs {
        db.doc(d)?;
    }
    Ok(())
}

/// Indexes the bases, tables, variables and documentation pages of `cat` (every document but
/// the code lists'), and gives the pages to the acronym miner.
pub(crate) fn index_entities(
    index: &IndexBuilder,
    cat: &Catalogue,
    derived: &Derived,
    miner: &mut crate::search::acronyms::Miner,
) -> Result<()> {
    for b in &cat.bases {
        index.add_base(b)?;
    }
    for t in &cat.tables {
        let base_title = derived.base_titles.get(t.base.as_str());
        index.add_table(t, base_title.map(String::as_str).unwrap_or(""))?;
        for v in &t.variables {
            let n = derived.n_tables.get(&v.name.to_uppercase());
            index.add_variable(t, v, n.copied().unwrap_or(1))?;
        }
    }
    for d in &cat.docs {
        index.add_doc(d)?;
        miner.doc(&d.path, &d.title);
    }
    Ok(())
}

/// The rows of a code list as the catalogue stores them.
pub(crate) fn code_rows(c: &CodeListSource) -> Result<Arc<CodeRows>> {
    let mut rows = CodeRows::default();
    c.for_each_code(|code, label, rec| rows.push(code, label, rec))?;
    Ok(Arc::new(rows))
}

/// Indexes the rows of one code list (the list's title goes into the rows of small lists) and
/// gives their labels to the acronym miner.
pub(crate) fn index_code_rows(
    index: &IndexBuilder,
    miner: &mut crate::search::acronyms::Miner,
    c: &CodeListSource,
    rows: &Arc<CodeRows>,
    derived: &Derived,
) -> Result<()> {
    let context = (rows.len() <= SMALL_LIST).then_some(c.title.as_str());
    let refs = derived.list_refs.get(c.name.as_str()).copied().unwrap_or(0);
    index.add_codes(&c.name, context, refs, rows)?;
    for (code, label, _) in rows.iter() {
        miner.label(&c.name, code, label);
    }
    Ok(())
}

/// Prints a phase's duration when `HUBLOT_TIMING` is set (for profiling imports).
pub(crate) fn timing(what: &str, since: std::time::Instant) {
    if std::env::var_os("HUBLOT_TIMING").is_some() {
        eprintln!(
            "[timing] {what}: {:.0} ms",
            since.elapsed().as_secs_f64() * 1e3
        );
    }
}

/// Prints the CPU time of the calling thread so far when `HUBLOT_TIMING` is set (Linux only).
pub(crate) fn thread_cpu(what: &str) {
    if std::env::var_os("HUBLOT_TIMING").is_none() {
        return;
    }
    // The first field of schedstat is the time spent on a CPU, in nanoseconds.
    if let Some(ns) = std::fs::read_to_string("/proc/thread-self/schedstat")
        .ok()
        .and_then(|s| s.split(' ').next()?.parse::<u64>().ok())
    {
        eprintln!("[timing] {what} CPU: {:.0} ms", ns as f64 / 1e6);
    }
}

/// Appends `s` as a JSON string literal.
pub(crate) fn json_string(out: &mut String, s: &str) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if (c as u32) < 0x20 => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
}

#[cfg(test)]
mod tests {
    #[test]
    fn json_string_escapes() {
        let mut s = String::new();
        super::json_string(&mut s, "a\"b\\c\n");
        assert_eq!(serde_json::from_str::<String>(&s).unwrap(), "a\"b\\c\n");
    }
}
