//! The synthetic SNDS generator and its checker ([`crate::synth`]) as operations: both read or
//! write machine paths, so they are local only (CLI and desktop).

use super::ops::{op, Operation};
use super::Hublot;
use crate::model::Table;
use crate::synth::{self, CheckReport, CodeList, CodeLists, GenerateOptions, Manifest};
use crate::{Error, Result};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::Arc;
use ts_rs::TS;

/// Request of `synth.generate`.
#[derive(Debug, Clone, Serialize, Deserialize, TS)]
pub struct SynthGenerate {
    /// The directory to write (created when missing).
    #[ts(type = "string")]
    pub out: PathBuf,
    /// Number of persons (1 to 10,000,000).
    pub persons: u64,
    /// Seed: the same seed gives the same bytes.
    #[serde(default)]
    pub seed: u64,
    /// Only these tables (every table of the active snapshot when empty).
    #[serde(default)]
    pub tables: Vec<String>,
}

/// Request of `synth.check`.
#[derive(Debug, Clone, Serialize, Deserialize, TS)]
pub struct SynthCheck {
    /// The directory (`schemas/<produit>/<TABLE>.json` beside `<TABLE>.csv`).
    #[ts(type = "string")]
    pub dir: PathBuf,
}

impl Hublot {
    /// The active snapshot's table schemas (all, or those named) and the code lists they use.
    fn synth_inputs(&self, only: &[String]) -> Result<(Vec<Table>, CodeLists)> {
        let a = self.active()?;
        let db = a.db.lock().expect("lock");
        let mut tables = Vec::new();
        for s in db.tables(None)? {
            if !only.is_empty() && !only.contains(&s.name) {
                continue;
            }
            if let Some((t, _, _)) = db.table(&s.name)? {
                tables.push(t);
            }
        }
        let mut lists = CodeLists::default();
        let mut cache: HashMap<String, Vec<crate::model::Code>> = HashMap::new();
        for t in &tables {
            for v in &t.variables {
                let Some(r) = &v.nomenclature else { continue };
                let key = CodeLists::key(r);
                if lists.0.contains_key(&key) {
                    continue;
                }
                let Some(n) = db.nomenclature(&r.name)? else {
                    continue;
                };
                if !cache.contains_key(&r.name) {
                    let rows = db.codes(&r.name, None, 0, 5_000_000)?.rows;
                    cache.insert(r.name.clone(), rows);
                }
                let rows = &cache[&r.name];
                // A reference to another column of the list takes that column's values.
                let col = r
                    .column
                    .as_ref()
                    .and_then(|c| n.columns.iter().position(|x| x == c))
                    .filter(|&i| i != n.code_column);
                let (codes, labels): (Vec<String>, Vec<String>) = rows
                    .iter()
                    .map(|c| {
                        let code = match col {
                            Some(i) => c.values.get(i).cloned().unwrap_or_default(),
                            None => c.code.clone(),
                        };
                        (code.trim().to_string(), c.label.clone())
                    })
                    .filter(|(c, _)| !c.is_empty())
                    .unzip();
                lists.0.insert(key, Arc::new(CodeList::new(codes, labels)));
            }
        }
        Ok((tables, lists))
    }

    /// `synth.generate`: a coherent synthetic SNDS from the active snapshot's schemas and code
    /// lists, written to `out` (see [`crate::synth`]).
    pub fn synth_generate(&self, req: &SynthGenerate) -> Result<Manifest> {
        if req.out.as_os_str().is_empty() {
            return Err(Error::Invalid("out: a directory is needed".into()));
        }
        let (tables, codes) = self.synth_inputs(&[])?;
        if tables.is_empty() {
            return Err(Error::NotFound(
                "the active snapshot has no table schemas".into(),
            ));
        }
        synth::generate(
            &tables,
            &codes,
            &GenerateOptions {
                persons: req.persons,
                seed: req.seed,
                tables: req.tables.clone(),
            },
            &req.out,
        )
    }

    /// `synth.check`: coherence figures of a synthetic SNDS directory; code lists it lacks are
    /// taken from the active snapshot.
    pub fn synth_check(&self, req: &SynthCheck) -> Result<CheckReport> {
        if !req.dir.is_dir() {
            return Err(Error::NotFound(format!(
                "{}: no such directory",
                req.dir.display()
            )));
        }
        let fallback = self.synth_inputs(&[]).ok().map(|(_, c)| c);
        synth::check(&req.dir, fallback.as_ref())
    }
}

/// The operations of this file.
pub(crate) static OPS: &[Operation] = &[
    op!("synth.generate", LocalOnly, "Writes a coherent synthetic SNDS (persons first, then their care) from the active snapshot's schemas and code lists.",
        |h, _c, r: SynthGenerate| -> Manifest { h.synth_generate(&r) }),
    op!("synth.check", LocalOnly, "Measures a synthetic SNDS directory: foreign keys, person ids, date order, valid codes, joinable DCIR detail rows.",
        |h, _c, r: SynthCheck| -> CheckReport { h.synth_check(&r) }),
];
