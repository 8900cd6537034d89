//! Citations: how to cite a base (its DOI, its reference publications) in APA, Vancouver,
//! BibTeX, RIS or CSL-JSON, in French or English ([`crate::cite`]).

use super::ops::{op, Operation};
use super::Hublot;
use crate::cite::{self, doiorg, Citation, CiteStyle, Lang, Ymd};
use crate::store::user_db::DoiRecord;
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
    /// `cite.get`: how to cite a base, from the catalogue's metadata and the DOI records kept
    /// from doi.org (`cite.refresh`). A base without a DOI is still citable; the answer's
    /// warnings say what is missing.
    pub fn cite(&self, r: &CiteRequest) -> Result<Citation> {
        self.cite_with(r, Vec::new())
    }

    /// `cite.refresh`: fetches the CSL-JSON record of the base's DOI and of its reference
    /// publications' DOIs from doi.org (the `cite.doi_resolver` setting overrides the resolver),
    /// keeps them in user.sqlite, and answers the citation. Offline, or when the resolver fails,
    /// the records kept earlier (or the catalogue) are used and a warning says so.
    pub fn cite_refresh(&self, r: &CiteRequest) -> Result<Citation> {
        let base = self.cite_base(&r.id)?;
        let lang = r.lang.unwrap_or_default();
        let resolver = self
            .user
            .lock()
            .expect("lock")
            .setting(doiorg::RESOLVER_SETTING)?
            .filter(|s| !s.trim().is_empty())
            .unwrap_or_else(|| doiorg::DEFAULT_RESOLVER.to_string());
        let (refs, _) = cite::references(&base, lang, Ymd::today(), &|_| None);
        let mut warnings = Vec::new();
        let dois: Vec<&cite::Doi> = refs.iter().filter_map(|r| r.doi.as_ref()).collect();
        for (i, d) in dois.iter().enumerate() {
            match doiorg::fetch_csl(&resolver, d) {
                Ok(v) => {
                    let rec = DoiRecord {
                        csl: v.to_string(),
                        fetched: crate::clock::now_rfc3339(),
                        resolver: resolver.clone(),
                    };
                    self.user
                        .lock()
                        .expect("lock")
                        .put_doi_record(&d.key(), &rec)?;
                }
                Err(e) if e.unreachable => {
                    // Offline: one warning for all, and no more waiting on the other DOIs.
                    let which = dois[i..]
                        .iter()
                        .map(|d| d.as_str())
                        .collect::<Vec<_>>()
                        .join(", ");
                    warnings.push(match lang {
                        Lang::Fr => format!(
                            "Actualisation impossible ({resolver} : {}) : les notices gardées \
                             ou le catalogue sont utilisés pour {which}.",
                            e.reason
                        ),
                        Lang::En => format!(
                            "Could not refresh ({resolver}: {}): the records kept earlier or \
                             the catalogue are used for {which}.",
                            e.reason
                        ),
                    });
                    break;
                }
                Err(e) => warnings.push(match lang {
                    Lang::Fr => format!(
                        "{d} n'a pas pu être actualisé ({e}) : la notice gardée ou le catalogue \
                         est utilisé."
                    ),
                    Lang::En => format!(
                        "{d} could not be refreshed ({e}): the record kept earlier or the \
                         catalogue is used."
                    ),
                }),
            }
        }
        self.cite_with(r, warnings)
    }

    fn cite_base(&self, id: &str) -> Result<crate::model::Base> {
        let a = self.active()?;
        let db = a.db.lock().expect("lock");
        db.base(id)?
            .ok_or_else(|| Error::NotFound(format!("base `{id}`")))
    }

    fn cite_with(&self, r: &CiteRequest, mut extra: Vec<String>) -> Result<Citation> {
        let accessed = match r.accessed.as_deref().filter(|s| !s.trim().is_empty()) {
            Some(s) => Ymd::parse(s)
                .map_err(|e| Error::Invalid(format!("cite.get: {e} (argument `accessed`)")))?,
            None => Ymd::today(),
        };
        let base = self.cite_base(&r.id)?;
        let lang = r.lang.unwrap_or_default();
        let user = self.user.lock().expect("lock");
        let records = |d: &cite::Doi| -> Option<serde_json::Value> {
            let rec = user.doi_record(&d.key()).ok().flatten()?;
            serde_json::from_str(&rec.csl).ok()
        };
        let (refs, mut warnings) = cite::references(&base, lang, accessed, &records);
        drop(user);
        warnings.append(&mut extra);
        cite::render(&base, &refs, warnings, r.style.unwrap_or_default(), lang)
    }
}

/// The operations of this file.
pub(crate) static OPS: &[Operation] = &[
    op!(
        "cite.get",
        Read,
        page "/api/cite/{id}",
        "How to cite a base: its DOI and reference publications in APA, Vancouver, BibTeX, RIS or CSL-JSON, in French or English.",
        |h, _c, r: CiteRequest| -> Citation { h.cite(&r) }
    ),
    op!(
        "cite.refresh",
        Write,
        "Fetches the DOI records of a base and of its reference publications from doi.org (content negotiation, CSL-JSON), keeps them in user.sqlite, and answers the citation; offline, the kept records or the catalogue are used.",
        |h, _c, r: CiteRequest| -> Citation { h.cite_refresh(&r) }
    ),
];
