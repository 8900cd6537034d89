//! A coherent synthetic SNDS, generated from the table schemas and code lists of a catalogue.
//!
//! Unlike per-column random data (the public synthetic SNDS was made that way with tsfaker),
//! everything hangs together: people come first (birth, sex, residence, death), then their care;
//! every person id of a fact table is in the beneficiary table; dates are in order (birth ≤ care
//! ≤ death, start ≤ end, a person's stays do not overlap); DCIR detail rows carry their
//! prestation's nine join keys; PMSI stays link to the person through `NIR_ANO_17` and their
//! diagnoses and acts through `ETA_NUM` + `RSA_NUM`; codes come from the real code lists and are
//! plausible for the person's sex and age; amounts are derived (base × rate). A seed gives the
//! same bytes on every machine: the PRNG is our own ([`rng`], SplitMix64), not a crate whose
//! stream could change with a version.
//!
//! Tables the world does not model are still generated from their schema: a table with a
//! foreign key to a generated table gets rows carrying that row's keys, a table with a person
//! column gets rows for some persons, and the others (reference tables) a few typed rows.
//!
//! The output is an SNDS tree that `hublot import` reads as a source with samples:
//! `schemas/<produit>/<TABLE>.json` (the schema) beside `<TABLE>.csv` (the rows), the code lists
//! the schemas use under `nomenclatures/`, and `synth-manifest.json` (seed, persons, row counts).
//! Rows are streamed to disk person by person: memory does not grow with the number of persons.
//! [`check`] measures the coherence of any such directory.

pub mod check;
mod date;
mod out;
mod rng;
mod world;

pub use check::{check, CheckReport, Measure};

use crate::model::{CodeListRef, Table};
use crate::{Error, Result};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::Path;
use std::sync::Arc;
use ts_rs::TS;

/// Version of the generator: a different version may give different rows for the same seed.
pub const GENERATOR_VERSION: &str = "1";

/// Name of the manifest the generator writes (not `manifest.json`, which marks a snapshot).
pub const MANIFEST: &str = "synth-manifest.json";

/// Most persons one run may generate.
pub const MAX_PERSONS: u64 = 10_000_000;

/// The codes of a code list (or of one column of it).
#[derive(Debug, Default)]
pub struct CodeList {
    /// The codes, in list order.
    pub codes: Vec<String>,
    /// Their labels (same order; empty strings when none).
    pub labels: Vec<String>,
    set: HashSet<String>,
}

impl CodeList {
    /// A list from its codes and labels.
    pub fn new(codes: Vec<String>, labels: Vec<String>) -> CodeList {
        let set = codes.iter().cloned().collect();
        CodeList { codes, labels, set }
    }
    /// True when `code` is in the list.
    pub fn contains(&self, code: &str) -> bool {
        self.set.contains(code)
    }
}

/// Code lists by key: the list's name, or `NAME:COLUMN` for a reference to another column of it.
#[derive(Debug, Default)]
pub struct CodeLists(pub HashMap<String, Arc<CodeList>>);

impl CodeLists {
    /// The key under which a variable's code-list reference is kept.
    pub fn key(r: &CodeListRef) -> String {
        match &r.column {
            Some(c) => format!("{}:{c}", r.name),
            None => r.name.clone(),
        }
    }
    /// The codes a variable's reference allows, when the list is known.
    pub fn for_ref(&self, r: &CodeListRef) -> Option<Arc<CodeList>> {
        self.0
            .get(&Self::key(r))
            .or_else(|| self.0.get(&r.name))
            .cloned()
    }
    /// The list called `name`.
    pub fn get(&self, name: &str) -> Option<&CodeList> {
        self.0.get(name).map(|a| a.as_ref())
    }
}

/// What to generate.
#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[ts(rename = "SynthOptions")]
pub struct GenerateOptions {
    /// Number of persons (1 to 10,000,000).
    pub persons: u64,
    /// Seed: the same seed gives the same bytes.
    pub seed: u64,
    /// Only these tables (all the catalogue's tables when empty).
    #[serde(default)]
    pub tables: Vec<String>,
}

/// Rows written for one table.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(rename = "SynthTableCount")]
pub struct TableCount {
    /// The table.
    pub name: String,
    /// Its `produit` (the folder under `schemas/`).
    pub produit: String,
    /// How its rows were made: `world` (modelled), `child of T` (keys of T's rows),
    /// `person` (rows of some persons), `reference` (a few typed rows).
    pub how: String,
    /// Rows written.
    pub rows: u64,
}

/// `synth-manifest.json`: what a run wrote.
#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[ts(rename = "SynthManifest")]
pub struct Manifest {
    /// `hublot-synth`.
    pub generator: String,
    /// [`GENERATOR_VERSION`].
    pub version: String,
    /// The seed.
    pub seed: u64,
    /// Persons generated.
    pub persons: u64,
    /// Tables and their rows, by name.
    pub tables: Vec<TableCount>,
    /// Rows in all tables.
    pub total_rows: u64,
    /// Code lists written under `nomenclatures/`.
    pub code_lists: usize,
    /// Time taken, in milliseconds (not part of the determinism promise).
    pub took_ms: u64,
}

/// ICD-10 codes that do not fit the person: pregnancy and female organs for men, male organs
/// for women, perinatal conditions after the first year, pregnancy outside 12-55. Other codes
/// (and codes that are not ICD-10) are always plausible. A rule table, cheap to extend.
pub fn plausible_icd(code: &str, sex: i64, age: i64) -> bool {
    let b = code.as_bytes();
    if b.len() < 3 || !b[0].is_ascii_uppercase() || !b[1].is_ascii_digit() || !b[2].is_ascii_digit()
    {
        return true;
    }
    let n = ((b[1] - b'0') * 10 + (b[2] - b'0')) as i64;
    let female = sex == 2;
    let fertile = female && (12..=55).contains(&age);
    // (letter, from, to, rule)
    const RULES: &[(u8, i64, i64, &str)] = &[
        (b'O', 0, 99, "fertile"),
        (b'Z', 32, 37, "fertile"),
        (b'Z', 39, 39, "fertile"),
        (b'P', 0, 99, "infant"),
        (b'C', 51, 58, "female"),
        (b'D', 25, 28, "female"),
        (b'N', 70, 98, "female"),
        (b'C', 60, 63, "male"),
        (b'N', 40, 51, "male"),
    ];
    for &(l, from, to, rule) in RULES {
        if b[0] == l && (from..=to).contains(&n) {
            return match rule {
                "fertile" => fertile,
                "infant" => age <= 1,
                "female" => female,
                _ => sex == 1,
            };
        }
    }
    true
}

/// Writes a Table Schema JSON that [`crate::ingest::table_schema`] reads back as `t`.
fn schema_json(t: &Table) -> serde_json::Value {
    let fields: Vec<serde_json::Value> = t
        .variables
        .iter()
        .map(|v| {
            let mut f = serde_json::json!({
                "name": v.name,
                "description": v.description,
                "type": v.r#type,
                "format": v.format.clone().unwrap_or_else(|| "default".into()),
            });
            if let Some(l) = &v.length {
                f["length"] = l.clone().into();
            }
            if let Some(n) = &v.nomenclature {
                f["nomenclature"] = CodeLists::key(n).into();
            }
            f
        })
        .collect();
    let fks: Vec<serde_json::Value> = t
        .foreign_keys
        .iter()
        .map(|fk| {
            serde_json::json!({"fields": fk.fields,
                "reference": {"resource": fk.table, "fields": fk.ref_fields}})
        })
        .collect();
    let mut j = serde_json::json!({
        "name": t.name, "title": t.title, "produit": t.produit, "fields": fields,
    });
    // Table Schema wants a non-empty `foreignKeys` when there is one.
    if !fks.is_empty() {
        j["foreignKeys"] = fks.into();
    }
    if !t.primary_key.is_empty() {
        j["primaryKey"] = t.primary_key.clone().into();
    }
    j
}

/// A folder name safe on every file system, from a `produit`.
fn folder(produit: &str) -> String {
    let s: String = produit
        .chars()
        .map(|c| if "/\\:*?\"<>|".contains(c) { '_' } else { c })
        .collect();
    let s = s.trim().trim_matches('.').to_string();
    if s.is_empty() {
        "_".into()
    } else {
        s
    }
}

/// Generates a synthetic SNDS for `tables` into `out` (created if needed; a snapshot directory
/// is refused). See the module documentation.
pub fn generate(
    tables: &[Table],
    codes: &CodeLists,
    opts: &GenerateOptions,
    out: &Path,
) -> Result<Manifest> {
    let start = std::time::Instant::now();
    if opts.persons == 0 || opts.persons > MAX_PERSONS {
        return Err(Error::Invalid(format!(
            "persons: {} is out of range (1 to {MAX_PERSONS})",
            opts.persons
        )));
    }
    if out.join("manifest.json").exists() {
        return Err(Error::Invalid(format!(
            "{}: holds a manifest.json (a snapshot?); choose an empty or new directory",
            out.display()
        )));
    }
    let mut chosen: Vec<&Table> = tables.iter().collect();
    if !opts.tables.is_empty() {
        let known: HashSet<&str> = tables.iter().map(|t| t.name.as_str()).collect();
        for t in &opts.tables {
            if !known.contains(t.as_str()) {
                return Err(Error::NotFound(format!(
                    "table `{t}` is not in the catalogue's schemas"
                )));
            }
        }
        chosen.retain(|t| opts.tables.iter().any(|n| n == &t.name));
    }
    chosen.sort_by(|a, b| a.name.cmp(&b.name));
    chosen.dedup_by(|a, b| a.name == b.name);
    std::fs::create_dir_all(out).map_err(|e| Error::io(out, e))?;
    let mut outs = Vec::new();
    for t in &chosen {
        let dir = out.join("schemas").join(folder(&t.produit));
        std::fs::create_dir_all(&dir).map_err(|e| Error::io(&dir, e))?;
        let jp = dir.join(format!("{}.json", t.name));
        let bytes = serde_json::to_vec_pretty(&schema_json(t)).expect("schema serialises");
        std::fs::write(&jp, bytes).map_err(|e| Error::io(&jp, e))?;
        outs.push(out::TableOut::create(
            t,
            codes,
            dir.join(format!("{}.csv", t.name)),
        )?);
    }
    let n_lists = write_code_lists(&chosen, codes, out)?;
    let counts = world::run(outs, codes, opts)?;
    let total_rows = counts.iter().map(|c| c.rows).sum();
    let m = Manifest {
        generator: "hublot-synth".into(),
        version: GENERATOR_VERSION.into(),
        seed: opts.seed,
        persons: opts.persons,
        tables: counts,
        total_rows,
        code_lists: n_lists,
        took_ms: start.elapsed().as_millis() as u64,
    };
    let mp = out.join(MANIFEST);
    std::fs::write(
        &mp,
        serde_json::to_vec_pretty(&m).expect("manifest serialises"),
    )
    .map_err(|e| Error::io(&mp, e))?;
    Ok(m)
}

/// Writes the code lists the tables use, so that the output is a complete source on its own
/// (`hublot import DIR` shows the labels; [`check`] validates the codes).
fn write_code_lists(tables: &[&Table], codes: &CodeLists, out: &Path) -> Result<usize> {
    let mut used: BTreeMap<String, Arc<CodeList>> = BTreeMap::new();
    for t in tables {
        for v in &t.variables {
            // Written under the list's name; a reference to another column of a list
            // (`NAME:COLUMN`) gives the list that column's values when no plain reference does.
            if let Some(r) = &v.nomenclature {
                if let Some(l) = codes.for_ref(r) {
                    if r.column.is_none() || !used.contains_key(&r.name) {
                        used.insert(r.name.clone(), l);
                    }
                }
            }
        }
    }
    let dir = out.join("nomenclatures").join("synth");
    if !used.is_empty() {
        std::fs::create_dir_all(&dir).map_err(|e| Error::io(&dir, e))?;
    }
    for (key, list) in &used {
        let file = folder(key);
        let jp = dir.join(format!("{file}.json"));
        let j = serde_json::json!({
            "name": key,
            "fields": [{"name": "CODE", "type": "string", "role": "code"},
                       {"name": "LABEL", "type": "string", "role": "label"}],
        });
        std::fs::write(&jp, serde_json::to_vec_pretty(&j).expect("json"))
            .map_err(|e| Error::io(&jp, e))?;
        let cp = dir.join(format!("{file}.csv"));
        let mut w = csv::WriterBuilder::new()
            .delimiter(b';')
            .from_path(&cp)
            .map_err(|e| Error::Csv {
                path: cp.clone(),
                line: 0,
                message: e.to_string(),
            })?;
        let err = |e: csv::Error| Error::Csv {
            path: cp.clone(),
            line: 0,
            message: e.to_string(),
        };
        w.write_record(["CODE", "LABEL"]).map_err(err)?;
        for (i, c) in list.codes.iter().enumerate() {
            let label = list.labels.get(i).map(String::as_str).unwrap_or("");
            w.write_record([c.as_str(), label]).map_err(err)?;
        }
        w.flush().map_err(|e| Error::io(&cp, e))?;
    }
    Ok(used.len())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn icd_rules() {
        assert!(!plausible_icd("O800", 1, 30));
        assert!(plausible_icd("O800", 2, 30));
        assert!(!plausible_icd("O800", 2, 70));
        assert!(!plausible_icd("C61", 2, 70));
        assert!(plausible_icd("I219", 1, 70));
        assert!(plausible_icd("1111", 1, 70));
    }

    #[test]
    fn dates_read_back() {
        use date::Date;
        let d = Date::ymd(2021, 3, 5);
        for p in ["%Y-%m-%d", "%d%m%Y", "%d%b%Y:%H:%M:%S", "%Y%m%d"] {
            assert_eq!(Date::parse(p, &d.format(p, 3600)), Some(d), "{p}");
        }
        assert_eq!(Date::parse_any("2021-03-05T10:00:00"), Some(d));
        assert_eq!(Date::parse("%Y%m", "202103"), Some(Date::ymd(2021, 3, 1)));
        assert_eq!(Date::parse("%Y-%m-%d", "2021-3-5"), None);
    }
}
