//! What a validation answers: a [`Report`] of [`Finding`]s and a completeness [`Score`].
//!
//! The JSON shape is stable (the CLI's `--json`, the `validate.paths` operation, the Producer
//! page): `{"conforms": bool, "findings": [{"severity", "focus", "path", "constraint", "value",
//! "message", "fix", "file", "line", …}], "score": {"mandatory": {"filled", "total"}, …}}`.
//! Fields may be added; none is renamed.

use serde::{Deserialize, Serialize};
use std::path::PathBuf;
use ts_rs::TS;

/// How serious a finding is (the SHACL severities).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "lowercase")]
#[ts(rename = "FindingSeverity")]
pub enum Severity {
    /// `sh:Violation`: the HDH refuses the record; the report does not conform.
    Violation,
    /// `sh:Warning`: a recommended property is missing or doubtful; the report still conforms.
    Warning,
    /// `sh:Info`: a hint (an optional property that would help).
    Info,
}

/// One thing to fix (or to know), located as precisely as the input allows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(rename = "ValidationFinding")]
pub struct Finding {
    /// Violation, warning or info.
    pub severity: Severity,
    /// The node concerned: an IRI (`https://…/dataset/x`), a blank node (`_:b0`), or for
    /// non-RDF inputs the table, code list or page (`table:ER_PRS_F`, `doc:guide/a.md`).
    pub focus: String,
    /// The property path (`dct:title`, `^dcat:inSeries`), or the field of a non-RDF input
    /// (`foreignKeys[0]`, `fields[3].nomenclature`); `None` when the whole node is concerned.
    pub path: Option<String>,
    /// The constraint broken: a SHACL constraint component (`sh:MinCountConstraintComponent`)
    /// or a Hublot check (`hublot:VocabularyConstraint`, `hublot:ForeignKeyConstraint`,
    /// `hublot:CodeListConstraint`, `hublot:LinkConstraint`, …).
    pub constraint: String,
    /// The offending value, when there is one (a missing property has none).
    pub value: Option<String>,
    /// What is wrong, in the requested language.
    pub message: String,
    /// One sentence saying how to fix it (« Ajoutez dct:title … »).
    pub fix: String,
    /// The file the finding comes from.
    #[ts(type = "string | null")]
    pub file: Option<PathBuf>,
    /// The 1-based line in that file, when known.
    pub line: Option<u64>,
    /// The shape that produced it (SHACL findings), as an IRI or `_:b…`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub shape: Option<String>,
}

/// How many properties of a level are filled, over how many are expected.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(rename = "FillCount")]
pub struct Count {
    /// Properties present (with at least one value), summed over the records.
    pub filled: u64,
    /// Properties expected, summed over the records.
    pub total: u64,
}

/// Completeness of the HealthDCAT-AP records read: mandatory, recommended and optional
/// properties of Hublot's bundled profile, filled over expected (datasets, distributions,
/// publishers…).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(rename = "CompletenessScore")]
pub struct Score {
    /// Mandatory properties (missing one is a violation).
    pub mandatory: Count,
    /// Recommended properties (missing one is a warning).
    pub recommended: Count,
    /// Optional properties.
    pub optional: Count,
}

/// The verdict on a set of inputs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(rename = "ValidationReport")]
pub struct Report {
    /// True when no finding is a violation (warnings and infos do not fail a record).
    pub conforms: bool,
    /// Every finding, violations first, then by file, line, focus and path.
    pub findings: Vec<Finding>,
    /// Completeness of the HealthDCAT-AP records among the inputs.
    pub score: Score,
}
