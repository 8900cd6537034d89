//! Live checks of a need statement: completeness for its route, data minimisation, potential
//! identifiers (with the coarser alternative the catalogue has), dangerous combinations, rare
//! codes, sensitive categories, and the small-counts rule for outputs.
//!
//! Every check reads the catalogue's own metadata (types, formats, descriptions, table titles,
//! code labels, a base's routes), never a list of variable names: a schema that gains a commune
//! or a date column is checked the day it is imported. What the rules rest on is the SNDS
//! glossary of potential identifiers, the CNAM guide to project access and the page on the
//! reference methodologies (in `documentation-snds`).
//!
//! The checks run on every edit of a statement, so they avoid per-item query blowups: each table
//! is read once (its variables come with it) and code lookups hit the `(nomenclature, code)`
//! index. `benches/need.rs` times a 300-variable statement.

use super::NeedStatement;
use crate::cite::Lang;
use crate::store::CatalogueDb;
use crate::Result;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// A sentence in the statement's language: `tr!(lang, "français {x}", "English {x}")`.
macro_rules! tr {
    ($lang:expr, $fr:literal, $en:literal $(,)?) => {
        match $lang {
            $crate::cite::Lang::Fr => format!($fr),
            $crate::cite::Lang::En => format!($en),
        }
    };
}

mod ctx;
mod data;
mod population;
mod route;
mod text;
mod vars;

use ctx::Ctx;

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

/// Where a finding sits in the document, for ordering: the sections in the order of the form,
/// then the position inside the section (a data item's index, a criterion's index).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Section {
    Route,
    Project,
    Data,
    Period,
    Population,
    Linkage,
    Processing,
    Retention,
    Team,
    Whole,
}

/// Checks `doc` against the catalogue `cat`, with messages in `lang`.
pub fn check(doc: &NeedStatement, cat: &CatalogueDb, lang: Lang) -> Result<CheckReport> {
    let mut cx = Ctx::new(cat, lang);
    route::check(doc, &mut cx)?;
    let items = data::resolve(doc, &mut cx)?;
    data::check(doc, &items, &mut cx)?;
    route::check_items(doc, &items, &mut cx)?;
    population::check(doc, &items, &mut cx)?;
    cx.push(
        Section::Whole,
        0,
        Severity::Info,
        "outputs.small-counts",
        None,
        tr!(
            lang,
            "Les résultats qui sortent de l'espace de travail ne doivent montrer aucun effectif \
             inférieur à 10, ni rien qui permette de déduire une information de santé sur une \
             personne ou d'identifier un professionnel.",
            "Results taken out of the workspace must show no count under 10, nor anything from \
             which a person's health information could be inferred or a professional identified."
        ),
        tr!(
            lang,
            "Masquez les cases de moins de 10 et masquez aussi d'autres cases (masquage \
             secondaire) pour qu'on ne puisse pas les retrouver par différence avec les totaux.",
            "Mask cells under 10, and mask other cells too (secondary masking) so that they \
             cannot be recovered by subtraction from the totals."
        ),
    );
    Ok(cx.finish())
}

#[cfg(test)]
mod tests {
    use super::text::{core_words, has_any, norm};

    #[test]
    fn text_is_folded_to_padded_words() {
        assert_eq!(norm("Date de décès (AAAA)"), " date de deces aaaa ");
        assert!(has_any(&norm("N° FINESS"), &[" finess"]));
        assert_eq!(
            core_words(&norm("Date (année et mois) de début d'exécution des soins")),
            core_words(&norm("Date de début d'exécution des soins"))
        );
    }
}
