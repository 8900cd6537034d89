//! Readers of source formats, and the assembly of several sources into one catalogue.
//!
//! `hublot import A B C` accepts any mix of:
//! - a Hublot snapshot (a directory with `manifest.json`, see `docs/snapshot-format.md`);
//! - a schema-snds-like tree (`schemas/**.json`, `nomenclatures/**.{json,csv}`);
//! - a synthetic-snds-like tree (the same, with a CSV of sample rows beside each table schema);
//! - a Markdown documentation tree (files under hidden directories are skipped);
//! - a HealthDCAT-AP catalogue record file (`.ttl`, `.jsonld`, `.json` with an `@context`,
//!   `.rdf`), or a paged collection staged by the sync (see [`healthdcat`]).
//!
//! [`read_sources`] reads them all into a [`Catalogue`]: small things (bases, table schemas,
//! docs) are read now; code-list rows and samples are streamed later by the store, so that a
//! 400,000-row corpus never sits in memory twice. When two sources describe the same table or
//! code list, the first one given wins and the report says so.

pub mod draft_folder;
pub mod healthdcat;
pub mod markdown_docs;
pub mod nomenclature_csv;
pub mod snapshot_manifest;
pub mod table_schema;
pub mod text;
pub mod url;

use crate::model::{Base, DocPage, Table, Text};
use crate::{Error, Result};
use nomenclature_csv::CodeListSource;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use ts_rs::TS;

/// What kind of source a path is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "kebab-case")]
pub enum SourceKind {
    /// A Hublot snapshot (manifest + files).
    Snapshot,
    /// A tree of SNDS table schemas and/or code lists (with or without samples).
    SndsTree,
    /// A Markdown documentation tree.
    Markdown,
    /// HealthDCAT-AP records: one `.ttl`/`.jsonld`/`.json`/`.rdf` file, or a directory of
    /// pages staged by the sync (`healthdcat-pages.json`).
    #[serde(rename = "healthdcat")]
    HealthDcat,
}

/// What one source contributed.
#[derive(Debug, Clone, Default, Serialize, Deserialize, TS)]
pub struct SourceReport {
    /// The path as given.
    pub path: String,
    /// Its kind.
    pub kind: Option<SourceKind>,
    /// Bases read.
    pub bases: usize,
    /// Table schemas read.
    pub tables: usize,
    /// Variables in those tables.
    pub variables: usize,
    /// Code-list schemas read.
    pub nomenclatures: usize,
    /// Tables with a sample CSV.
    pub sample_tables: usize,
    /// Markdown pages read.
    pub docs: usize,
}

/// A table described by more than one source.
#[derive(Debug, Clone, Serialize, Deserialize, TS)]
pub struct MergeNote {
    /// The table.
    pub table: String,
    /// The source whose schema was kept.
    pub schema_from: String,
    /// The source whose sample rows were kept.
    pub samples_from: Option<String>,
    /// The other sources that described it.
    pub also_in: Vec<String>,
}

/// A sample CSV to load for a table.
#[derive(Debug, Clone)]
pub struct SampleSource {
    /// The CSV file.
    pub path: PathBuf,
    /// The source it comes from.
    pub source: String,
}

/// Everything read from the sources, ready to be stored and indexed.
#[derive(Debug, Default)]
pub struct Catalogue {
    /// Bases (declared ones, then one per unclaimed `produit`).
    pub bases: Vec<Base>,
    /// Tables, each with its base set.
    pub tables: Vec<Table>,
    /// Sample CSVs by table name.
    pub samples: HashMap<String, SampleSource>,
    /// Code lists (rows streamed at build time).
    pub code_lists: Vec<CodeListSource>,
    /// Documentation pages.
    pub docs: Vec<DocPage>,
    /// Per-source counts.
    pub sources: Vec<SourceReport>,
    /// Tables described by several sources.
    pub merges: Vec<MergeNote>,
    /// Things worth telling that did not stop the import.
    pub warnings: Vec<String>,
}

/// One source, read.
#[derive(Default)]
struct SourceData {
    report: SourceReport,
    bases: Vec<Base>,
    tables: Vec<Table>,
    samples: HashMap<String, PathBuf>,
    code_lists: Vec<CodeListSource>,
    docs: Vec<DocPage>,
    warnings: Vec<String>,
}

/// Guesses what kind of source `path` is.
pub fn detect(path: &Path) -> Result<SourceKind> {
    if !path.exists() {
        return Err(Error::UnknownSource {
            path: path.into(),
            message: "no such file or directory".into(),
        });
    }
    if path.is_file() && healthdcat::is_healthdcat_file(path) {
        return Ok(SourceKind::HealthDcat);
    }
    if !path.is_dir() {
        return Err(Error::UnknownSource {
            path: path.into(),
            message: "expected a directory (a Hublot snapshot, a schema-snds or synthetic-snds tree, a Markdown tree) or a HealthDCAT-AP file (.ttl, .jsonld, .rdf)".into(),
        });
    }
    if healthdcat::is_healthdcat_dir(path) {
        return Ok(SourceKind::HealthDcat);
    }
    if path.join("manifest.json").is_file() {
        return Ok(SourceKind::Snapshot);
    }
    if path.join("schemas").is_dir() || path.join("nomenclatures").is_dir() {
        return Ok(SourceKind::SndsTree);
    }
    let has_md = walk_files(path, "md").next().is_some();
    if has_md {
        return Ok(SourceKind::Markdown);
    }
    Err(Error::UnknownSource {
        path: path.into(),
        message: "not a Hublot snapshot (no manifest.json), not an SNDS tree (no schemas/ or nomenclatures/) and no Markdown pages".into(),
    })
}

/// Reads every source and merges them into one catalogue.
pub fn read_sources(paths: &[PathBuf]) -> Result<Catalogue> {
    if paths.is_empty() {
        return Err(Error::Invalid("import needs at least one path".into()));
    }
    let data: Vec<SourceData> = paths
        .iter()
        .map(|p| read_source(p))
        .collect::<Result<_>>()?;
    Ok(merge(data))
}

fn read_source(path: &Path) -> Result<SourceData> {
    let kind = detect(path)?;
    let mut label = path.display().to_string();
    let mut d = SourceData {
        report: SourceReport {
            path: label.clone(),
            kind: Some(kind),
            ..Default::default()
        },
        ..Default::default()
    };
    match kind {
        SourceKind::Snapshot => {
            let m = snapshot_manifest::Manifest::read(path)?;
            m.verify(path)?;
            // A snapshot is known by its id, wherever it was unpacked.
            label = format!("snapshot {}", m.id);
            d.report.path = label.clone();
            read_bases(path, &mut d)?;
            read_snds_tree(path, &label, &mut d)?;
            if path.join("docs").is_dir() {
                read_markdown(&path.join("docs"), &mut d)?;
            }
        }
        SourceKind::SndsTree => read_snds_tree(path, &label, &mut d)?,
        SourceKind::Markdown => read_markdown(path, &mut d)?,
        SourceKind::HealthDcat => {
            let h = if path.is_dir() {
                healthdcat::read_dir(path)?
            } else {
                healthdcat::read_file(path)?
            };
            d.bases = h.bases;
            d.tables = h.tables;
            d.warnings = h.warnings;
        }
    }
    d.report.bases = d.bases.len();
    d.report.tables = d.tables.len();
    d.report.variables = d.tables.iter().map(|t| t.variables.len()).sum();
    d.report.nomenclatures = d.code_lists.len();
    d.report.sample_tables = d.samples.len();
    d.report.docs = d.docs.len();
    Ok(d)
}

fn read_bases(dir: &Path, d: &mut SourceData) -> Result<()> {
    let path = dir.join("bases.json");
    if !path.is_file() {
        return Ok(());
    }
    let bytes = std::fs::read(&path).map_err(|e| Error::io(&path, e))?;
    let mut bases: Vec<Base> =
        serde_json::from_slice(&bytes).map_err(|e| Error::json(&path, &e))?;
    let mut seen = HashMap::new();
    for (i, b) in bases.iter_mut().enumerate() {
        if b.id.trim().is_empty() || b.id.contains('/') {
            return Err(Error::Field {
                path: path.clone(),
                field: format!("[{i}].id"),
                message: "must be a non-empty slug without `/`".into(),
            });
        }
        if let Some(j) = seen.insert(b.id.clone(), i) {
            return Err(Error::Field {
                path: path.clone(),
                field: format!("[{i}].id"),
                message: format!("`{}` already used by entry {j}", b.id),
            });
        }
        // A published snapshot is as untrusted as any other source: its links reach `<a href>`.
        let at = format!("{} [{i}] (base `{}`)", path.display(), b.id);
        if let Some(p) = b.producer.as_mut() {
            p.url = p
                .url
                .take()
                .and_then(|u| url::keep(&u, "producer.url", &at, &mut d.warnings));
        }
        for (j, mut l) in std::mem::take(&mut b.links).into_iter().enumerate() {
            if let Some(u) = url::keep(&l.url, &format!("links[{j}].url"), &at, &mut d.warnings) {
                l.url = u;
                b.links.push(l);
            }
        }
    }
    d.bases = bases;
    Ok(())
}

fn read_snds_tree(root: &Path, label: &str, d: &mut SourceData) -> Result<()> {
    let schemas = root.join("schemas");
    let mut where_table: HashMap<String, PathBuf> = HashMap::new();
    if schemas.is_dir() {
        let files: Vec<PathBuf> = walk_files(&schemas, "json").collect();
        let tables = par_map(&files, |p| table_schema::read_table_schema(p, label));
        for (p, t) in files.into_iter().zip(tables) {
            let t = t?;
            if let Some(first) = where_table.insert(t.name.clone(), p.clone()) {
                return Err(Error::Duplicate {
                    what: "table",
                    name: t.name,
                    first,
                    second: p,
                });
            }
            let csv = p.with_extension("csv");
            if csv.is_file() {
                d.samples.insert(t.name.clone(), csv);
            }
            d.tables.push(t);
        }
    }
    let noms = root.join("nomenclatures");
    if noms.is_dir() {
        let mut where_list: HashMap<String, PathBuf> = HashMap::new();
        for p in walk_files(&noms, "json") {
            let c = nomenclature_csv::read_code_list_schema(&p, label)?;
            if let Some(first) = where_list.insert(c.name.clone(), p.clone()) {
                return Err(Error::Duplicate {
                    what: "code list",
                    name: c.name,
                    first,
                    second: p,
                });
            }
            if c.csv_path.is_none() {
                d.warnings.push(format!(
                    "{}: code list `{}` has no CSV beside its schema; it is listed without rows",
                    p.display(),
                    c.name
                ));
            }
            d.code_lists.push(c);
        }
    }
    Ok(())
}

fn read_markdown(root: &Path, d: &mut SourceData) -> Result<()> {
    let files: Vec<PathBuf> = walk_files(root, "md").collect();
    let pages = par_map(&files, |p| {
        markdown_docs::read_doc_page(p, &snapshot_manifest::rel_path(root, p))
    });
    for page in pages {
        d.docs.push(page?);
    }
    Ok(())
}

fn merge(sources: Vec<SourceData>) -> Catalogue {
    let mut cat = Catalogue::default();
    let mut table_at: HashMap<String, usize> = HashMap::new();
    let mut list_at: HashMap<String, usize> = HashMap::new();
    let mut doc_at: HashMap<String, usize> = HashMap::new();
    let mut base_at: HashMap<String, usize> = HashMap::new();
    let mut notes: HashMap<String, MergeNote> = HashMap::new();
    for s in sources {
        let label = s.report.path.clone();
        cat.warnings.extend(s.warnings);
        for b in s.bases {
            if let Some(&i) = base_at.get(&b.id) {
                cat.warnings.push(format!(
                    "base `{}` from {label} ignored: already given by an earlier source",
                    b.id
                ));
                let _ = i;
            } else {
                base_at.insert(b.id.clone(), cat.bases.len());
                cat.bases.push(b);
            }
        }
        let mut samples = s.samples;
        for t in s.tables {
            let sample = samples.remove(&t.name);
            match table_at.get(&t.name) {
                None => {
                    table_at.insert(t.name.clone(), cat.tables.len());
                    if let Some(p) = sample {
                        cat.samples.insert(
                            t.name.clone(),
                            SampleSource {
                                path: p,
                                source: label.clone(),
                            },
                        );
                    }
                    cat.tables.push(t);
                }
                Some(&i) => {
                    let first = &cat.tables[i];
                    let note = notes.entry(t.name.clone()).or_insert_with(|| MergeNote {
                        table: t.name.clone(),
                        schema_from: first.source.clone(),
                        samples_from: cat.samples.get(&t.name).map(|s| s.source.clone()),
                        also_in: Vec::new(),
                    });
                    note.also_in.push(label.clone());
                    if let (Some(p), false) = (sample, cat.samples.contains_key(&t.name)) {
                        note.samples_from = Some(label.clone());
                        cat.samples.insert(
                            t.name.clone(),
                            SampleSource {
                                path: p,
                                source: label.clone(),
                            },
                        );
                    }
                }
            }
        }
        for c in s.code_lists {
            if list_at.contains_key(&c.name) {
                continue;
            }
            list_at.insert(c.name.clone(), cat.code_lists.len());
            cat.code_lists.push(c);
        }
        for p in s.docs {
            if doc_at.contains_key(&p.path) {
                cat.warnings.push(format!(
                    "doc page `{}` from {label} ignored: an earlier source has the same path",
                    p.path
                ));
                continue;
            }
            doc_at.insert(p.path.clone(), cat.docs.len());
            cat.docs.push(p);
        }
        cat.sources.push(s.report);
    }
    let mut merges: Vec<MergeNote> = notes.into_values().collect();
    merges.sort_by(|a, b| a.table.cmp(&b.table));
    cat.merges = merges;
    assign_bases(&mut cat);
    cat
}

/// Gives every table a base: the declared base that claims its `produit`, else a base named
/// after the `produit` itself.
fn assign_bases(cat: &mut Catalogue) {
    let mut by_produit: HashMap<String, String> = HashMap::new();
    for b in &cat.bases {
        for p in &b.produits {
            by_produit.entry(p.clone()).or_insert_with(|| b.id.clone());
        }
    }
    for t in &mut cat.tables {
        let produit = if t.produit.is_empty() {
            "Autres tables".to_string()
        } else {
            t.produit.clone()
        };
        let id = match by_produit.get(&produit) {
            Some(id) => id.clone(),
            None => {
                let id = text::slug(&produit);
                if !cat.bases.iter().any(|b| b.id == id) {
                    cat.bases.push(Base {
                        id: id.clone(),
                        name: produit.clone(),
                        title: Text::fr(produit.clone()),
                        produits: vec![produit.clone()],
                        ..Default::default()
                    });
                }
                by_produit.insert(produit.clone(), id.clone());
                id
            }
        };
        t.base = id;
    }
}

/// Files under `root` with extension `ext`, sorted, skipping hidden files and directories.
pub fn walk_files<'a>(root: &'a Path, ext: &'a str) -> impl Iterator<Item = PathBuf> + 'a {
    walkdir::WalkDir::new(root)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(move |e| e.depth() == 0 || !e.file_name().to_string_lossy().starts_with('.'))
        .filter_map(|e| e.ok())
        .filter(move |e| {
            e.file_type().is_file()
                && e.path()
                    .extension()
                    .is_some_and(|x| x.eq_ignore_ascii_case(ext))
        })
        .map(|e| e.into_path())
}

/// Maps `f` over `items` on all cores, keeping order.
pub fn par_map<T: Sync, R: Send>(items: &[T], f: impl Fn(&T) -> R + Sync) -> Vec<R> {
    let threads = std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(2)
        .min(8);
    if items.len() < 8 || threads < 2 {
        return items.iter().map(&f).collect();
    }
    let chunk = items.len().div_ceil(threads);
    std::thread::scope(|s| {
        let handles: Vec<_> = items
            .chunks(chunk)
            .map(|c| s.spawn(|| c.iter().map(&f).collect::<Vec<R>>()))
            .collect();
        handles
            .into_iter()
            .flat_map(|h| h.join().expect("reader thread panicked"))
            .collect()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A published snapshot's `bases.json` goes through the same URL policy as RDF.
    #[test]
    fn snapshot_bases_keep_only_http_https_and_mailto_links() {
        let dir = tempfile::tempdir().unwrap();
        let bases = serde_json::json!([{
            "id": "b",
            "name": "B",
            "producer": {"name": "P", "url": "javascript:alert(1)"},
            "links": [
                {"title": {"fr": "x", "en": "x"}, "url": "JAVASCRIPT:alert(2)"},
                {"title": {"fr": "y", "en": "y"}, "url": "https://y.example/"},
                {"title": {"fr": "z", "en": "z"}, "url": "mailto:z@z.example"}
            ]
        }]);
        std::fs::write(dir.path().join("bases.json"), bases.to_string()).unwrap();
        let mut d = SourceData::default();
        read_bases(dir.path(), &mut d).unwrap();
        let b = &d.bases[0];
        assert_eq!(b.producer.as_ref().unwrap().url, None);
        let urls: Vec<&str> = b.links.iter().map(|l| l.url.as_str()).collect();
        assert_eq!(urls, ["https://y.example/", "mailto:z@z.example"]);
        assert_eq!(d.warnings.len(), 2, "{:?}", d.warnings);
        let file = dir.path().join("bases.json").display().to_string();
        assert!(
            d.warnings[0].starts_with(&format!("{file} [0] (base `b`): producer.url `javascript:"))
        );
        assert!(d.warnings[1].contains(": links[0].url `JAVASCRIPT:alert(2)` dropped"));
    }
}
