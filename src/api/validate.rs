//! Validation of a producer's files ([`crate::validate`]) as an operation: it reads paths of the
//! machine, so it is local only (CLI and desktop app).

use super::ops::{op, Operation};
use super::Hublot;
use crate::cite::Lang;
use crate::validate::{self, Report, ValidateOptions};
use crate::{Error, Result};
use serde::{Deserialize, Serialize};
use std::path::PathBuf;
use ts_rs::TS;

/// Request of `validate.paths`.
#[derive(Debug, Clone, Default, Serialize, Deserialize, TS)]
pub struct ValidateRequest {
    /// Files or folders: HealthDCAT-AP records (`.ttl`, `.jsonld`, `.rdf`), Table Schema
    /// folders, code lists (CSV + schema), Markdown docs.
    #[ts(type = "Array<string>")]
    pub paths: Vec<PathBuf>,
    /// SHACL shapes files (Turtle) instead of the bundled profile (the HDH's, for instance).
    #[serde(default)]
    #[ts(type = "Array<string>")]
    pub shapes: Vec<PathBuf>,
    /// The HDH vocabularies folder (`*.yml`); default: `hdh-vocabularies/` beside the first
    /// shapes file.
    #[serde(default)]
    #[ts(type = "string | null")]
    pub vocabularies: Option<PathBuf>,
    /// Language of messages and fixes (`fr`, default, or `en`).
    #[serde(default)]
    pub lang: Lang,
}

impl ValidateRequest {
    /// The options part of the request.
    pub fn options(&self) -> ValidateOptions {
        ValidateOptions {
            shapes: self.shapes.clone(),
            vocabularies: self.vocabularies.clone(),
            lang: self.lang,
        }
    }
}

impl Hublot {
    /// `validate.paths`: the HDH's verdict on a producer's files, offline; foreign keys and
    /// code lists the files do not define resolve in the active snapshot.
    pub fn validate(&self, req: &ValidateRequest) -> Result<Report> {
        if req.paths.is_empty() {
            return Err(Error::Invalid(
                "paths: give at least one file or folder to validate".into(),
            ));
        }
        let active = self.active().ok();
        let db = active.as_ref().map(|a| a.db.lock().expect("lock"));
        validate::validate_paths(&req.paths, &req.options(), db.as_deref())
    }
}

/// The operations of this file.
pub(crate) static OPS: &[Operation] = &[
    op!("validate.paths", LocalOnly, "Validates HealthDCAT-AP records, Table Schema folders, code lists and Markdown docs as the HDH would: findings with a fix each, and a completeness score.",
        |h, _c, r: ValidateRequest| -> Report { h.validate(&r) }),
];
