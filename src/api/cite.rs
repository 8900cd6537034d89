//! Citations: how to cite a base (its DOI, its reference publications) in APA, Vancouver,
//! BibTeX, RIS or CSL-JSON, in French or English ([`crate::cite`]).

use super::ops::{op, Operation};
use super::Hublot;
use crate::cite::{self, Citation, CiteStyle, Lang, Ymd};
use crate::{Error, Result};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// Request of `cite.get`.
#[derive(Debug, Clone, Default, Serialize, Deserialize, TS)]
pub struct CiteRequest {
    /// The base's id (`dcir`).
    pub id: String,
    /// `apa` (default), `vancouver`, `bibtex`, `ris` or `csl-json`.
    #[serde(default)]
    #[ts(optional = nullable)]
    pub style: Option<CiteStyle>,
    /// `fr` (default) or `en`: the style's terms and the title.
    #[serde(default)]
    #[ts(optional = nullable)]
    pub lang: Option<Lang>,
    /// Date of access, `YYYY-MM-DD` (default: today): a need statement keeps the date it was
    /// written.
    #[serde(default)]
    #[ts(optional = nullable)]
    pub accessed: Option<String>,
}

impl Hublot {
    /// `cite.get`: how to cite a base, from the catalogue's metadata. A base without a DOI is
    /// still citable; the answer's warnings say what is missing.
    pub fn cite(&self, r: &CiteRequest) -> Result<Citation> {
        let accessed = match r.accessed.as_deref().filter(|s| !s.trim().is_empty()) {
            Some(s) => Ymd::parse(s)
                .map_err(|e| Error::Invalid(format!("cite.get: {e} (argument `accessed`)")))?,
            None => Ymd::today(),
        };
        let base = {
            let a = self.active()?;
            let db = a.db.lock().expect("lock");
            db.base(&r.id)?
                .ok_or_else(|| Error::NotFound(format!("base `{}`", r.id)))?
        };
        cite::cite(
            &base,
            r.style.unwrap_or_default(),
            r.lang.unwrap_or_default(),
            accessed,
        )
    }
}

/// The operations of this file.
pub(crate) static OPS: &[Operation] = &[op!(
    "cite.get",
    Read,
    page "/api/cite/{id}",
    "How to cite a base: its DOI and reference publications in APA, Vancouver, BibTeX, RIS or CSL-JSON, in French or English.",
    |h, _c, r: CiteRequest| -> Citation { h.cite(&r) }
)];
