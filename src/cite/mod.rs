//! Citing a base as the Health Data Hub asks: the base itself (its DOI when it has one, else its
//! catalogue metadata) and its reference publications, in APA or Vancouver (French or English,
//! rendered by hayagriva's CSL processor with the bundled styles and locales), BibTeX, RIS or
//! CSL-JSON.
//!
//! Every reference is first a CSL-JSON item ([`csl`]): the processor renders it, BibTeX
//! ([`bibtex`]) and RIS ([`ris`]) are written from it, and CSL-JSON is it. A reference known only
//! as text (the catalogue's `citation`) or only by its DOI is carried verbatim in the styled
//! formats.

pub mod bibtex;
pub mod csl;
pub mod doi;
pub mod doiorg;
pub mod ris;

pub use doi::Doi;

use crate::model::Base;
use crate::Result;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use ts_rs::TS;

/// The format of a citation.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "kebab-case")]
pub enum CiteStyle {
    /// APA 7th edition (author-date).
    #[default]
    Apa,
    /// Vancouver (NLM, Citing Medicine), the biomedical journals' style.
    Vancouver,
    /// BibTeX, for LaTeX.
    Bibtex,
    /// RIS, for Zotero, EndNote, Mendeley.
    Ris,
    /// CSL-JSON, for any CSL processor (Zotero, pandoc).
    CslJson,
}

impl CiteStyle {
    /// Every style, in the order of the UI.
    pub const ALL: [CiteStyle; 5] = [
        CiteStyle::Apa,
        CiteStyle::Vancouver,
        CiteStyle::Bibtex,
        CiteStyle::Ris,
        CiteStyle::CslJson,
    ];

    /// Its name on the command line and in JSON (`csl-json`).
    pub fn name(self) -> &'static str {
        match self {
            CiteStyle::Apa => "apa",
            CiteStyle::Vancouver => "vancouver",
            CiteStyle::Bibtex => "bibtex",
            CiteStyle::Ris => "ris",
            CiteStyle::CslJson => "csl-json",
        }
    }

    /// The media type of the text in this style.
    pub fn media_type(self) -> &'static str {
        match self {
            CiteStyle::Apa | CiteStyle::Vancouver => "text/plain",
            CiteStyle::Bibtex => "application/x-bibtex",
            CiteStyle::Ris => "application/x-research-info-systems",
            CiteStyle::CslJson => "application/vnd.citationstyles.csl+json",
        }
    }

    /// The file extension for this style.
    pub fn extension(self) -> &'static str {
        match self {
            CiteStyle::Apa | CiteStyle::Vancouver => "txt",
            CiteStyle::Bibtex => "bib",
            CiteStyle::Ris => "ris",
            CiteStyle::CslJson => "json",
        }
    }
}

impl std::str::FromStr for CiteStyle {
    type Err = crate::Error;
    fn from_str(s: &str) -> Result<CiteStyle> {
        CiteStyle::ALL
            .into_iter()
            .find(|st| st.name().eq_ignore_ascii_case(s.trim()))
            .ok_or_else(|| {
                crate::Error::Invalid(format!(
                    "unknown citation style `{}`: apa, vancouver, bibtex, ris or csl-json",
                    s.escape_debug()
                ))
            })
    }
}

/// The language of a citation: the style's terms (« consulté le », "Retrieved") and the title
/// chosen when the catalogue has both.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "lowercase")]
pub enum Lang {
    /// French.
    #[default]
    Fr,
    /// English.
    En,
}

impl Lang {
    /// `fr` or `en`.
    pub fn code(self) -> &'static str {
        match self {
            Lang::Fr => "fr",
            Lang::En => "en",
        }
    }
}

impl std::str::FromStr for Lang {
    type Err = crate::Error;
    fn from_str(s: &str) -> Result<Lang> {
        match s.trim().to_ascii_lowercase().as_str() {
            "fr" => Ok(Lang::Fr),
            "en" => Ok(Lang::En),
            _ => Err(crate::Error::Invalid(format!(
                "unknown language `{}`: fr or en",
                s.escape_debug()
            ))),
        }
    }
}

/// What a cited item is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "kebab-case")]
pub enum ItemRole {
    /// The base itself, as a data set.
    Dataset,
    /// A publication that describes the base and that its users are asked to cite.
    ReferencePublication,
}

/// Where the metadata of a cited item comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "kebab-case")]
pub enum ItemSource {
    /// The catalogue's metadata (offline).
    Catalogue,
    /// The catalogue's text, given as it is.
    CatalogueText,
    /// Only the DOI is known.
    DoiOnly,
    /// The DOI's registration agency, through doi.org content negotiation (cached).
    DoiOrg,
}

/// One cited item.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct CitedItem {
    /// The base itself or a reference publication.
    pub role: ItemRole,
    /// Its DOI, normalised (`10.5072/abc`).
    pub doi: Option<String>,
    /// Where its metadata comes from.
    pub source: ItemSource,
    /// The item in the requested style.
    pub text: String,
}

/// Answer of `cite.get`: how to cite a base.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct Citation {
    /// The base's id.
    pub base: String,
    /// The base's DOI, normalised, when the catalogue has a valid one.
    pub doi: Option<String>,
    /// Its resolver URL (`https://doi.org/…`).
    pub doi_url: Option<String>,
    /// The style of `text`.
    pub style: CiteStyle,
    /// The language of `text`.
    pub lang: Lang,
    /// Every item in the style, the base first, ready to paste.
    pub text: String,
    /// The items one by one.
    pub items: Vec<CitedItem>,
    /// What the citation lacks (no DOI, no producer, no date…), in `lang`.
    pub warnings: Vec<String>,
    /// The media type of `text` (`application/x-bibtex`…).
    pub media_type: String,
    /// A file name for `text` (`dcir.bib`).
    pub filename: String,
}

/// A date of access, `YYYY-MM-DD`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Ymd {
    /// Year.
    pub year: i32,
    /// Month, 1–12.
    pub month: u8,
    /// Day, 1–31.
    pub day: u8,
}

impl Ymd {
    /// Today, UTC.
    pub fn today() -> Ymd {
        let now = time::OffsetDateTime::now_utc();
        Ymd {
            year: now.year(),
            month: now.month() as u8,
            day: now.day(),
        }
    }

    /// Parses `YYYY-MM-DD`; the error names the value.
    pub fn parse(s: &str) -> Result<Ymd> {
        let bad =
            || crate::Error::Invalid(format!("`{}` is not a date: YYYY-MM-DD", s.escape_debug()));
        let d = time::Date::parse(
            s.trim(),
            time::macros::format_description!("[year]-[month]-[day]"),
        )
        .map_err(|_| bad())?;
        Ok(Ymd {
            year: d.year(),
            month: d.month() as u8,
            day: d.day(),
        })
    }
}

/// One reference to cite, before styling: its CSL-JSON item and, when the item is too thin for
/// a CSL style to render well (free text, a DOI alone), the text to give instead.
#[derive(Debug, Clone)]
pub struct Reference {
    /// The base or a reference publication.
    pub role: ItemRole,
    /// Where its metadata comes from.
    pub source: ItemSource,
    /// Its DOI.
    pub doi: Option<Doi>,
    /// The CSL-JSON item (an object with at least `id` and `type`).
    pub csl: Value,
    /// Given as it is in APA and Vancouver, instead of a rendering of `csl`.
    pub verbatim: Option<String>,
}

/// The references of a base, from its catalogue metadata: the base as a data set, then its
/// reference publications (the catalogue's `citation` text, the DOIs of its doi.org links).
/// Warnings say what is missing, in `lang`. `records` gives the CSL-JSON record of a DOI kept
/// from doi.org, which replaces what the catalogue says of it.
pub fn references(
    base: &Base,
    lang: Lang,
    accessed: Ymd,
    records: &dyn Fn(&Doi) -> Option<Value>,
) -> (Vec<Reference>, Vec<String>) {
    let mut warnings = Vec::new();
    let (doi, doi_warning) = match base.doi.as_deref().map(Doi::parse) {
        Some(Ok(d)) => (Some(d), None),
        Some(Err(e)) => (None, Some(e.to_string())),
        None => (None, None),
    };
    match (&doi, doi_warning) {
        (Some(_), _) => {}
        (None, Some(e)) => warnings.push(match lang {
            Lang::Fr => format!(
                "Le DOI du catalogue n'est pas valide ({e}) : la base est citée sans DOI, \
                 d'après ses métadonnées."
            ),
            Lang::En => format!(
                "The catalogue's DOI is not valid ({e}): the base is cited without a DOI, from \
                 its metadata."
            ),
        }),
        (None, None) => warnings.push(
            match lang {
                Lang::Fr => {
                    "DOI manquant : cette base n'a pas de DOI dans le catalogue ; elle est citée \
                     d'après ses métadonnées (producteur, titre, adresse web). Demandez son DOI \
                     au producteur ou au Health Data Hub."
                }
                Lang::En => {
                    "Missing DOI: this base has no DOI in the catalogue; it is cited from its \
                     metadata (producer, title, web address). Ask the producer or the Health \
                     Data Hub for its DOI."
                }
            }
            .into(),
        ),
    }
    let record = doi.as_ref().and_then(records);
    let mut refs = vec![match record {
        Some(r) => Reference {
            role: ItemRole::Dataset,
            source: ItemSource::DoiOrg,
            doi: doi.clone(),
            csl: from_record(r, &base.id, Some(accessed)),
            verbatim: None,
        },
        None => {
            let (item, mut w) = csl::dataset_item(base, doi.as_ref(), lang, accessed);
            warnings.append(&mut w);
            Reference {
                role: ItemRole::Dataset,
                source: ItemSource::Catalogue,
                doi: doi.clone(),
                csl: item,
                verbatim: None,
            }
        }
    }];
    if let Some(text) = base
        .citation
        .as_deref()
        .map(str::trim)
        .filter(|t| !t.is_empty())
    {
        let text: String = text.chars().take(csl::MAX_FIELD).collect();
        refs.push(Reference {
            role: ItemRole::ReferencePublication,
            source: ItemSource::CatalogueText,
            doi: None,
            csl: serde_json::json!({
                "id": format!("{}-ref", base.id),
                "type": "document",
                "note": text,
            }),
            verbatim: Some(text),
        });
    }
    let mut seen: Vec<String> = doi.iter().map(Doi::key).collect();
    for link in &base.links {
        let Ok(d) = Doi::parse(&link.url) else {
            continue;
        };
        if seen.contains(&d.key()) {
            continue;
        }
        seen.push(d.key());
        let n = refs.len();
        let id = format!("{}-ref{n}", base.id);
        if let Some(r) = records(&d) {
            refs.push(Reference {
                role: ItemRole::ReferencePublication,
                source: ItemSource::DoiOrg,
                csl: from_record(r, &id, None),
                verbatim: None,
                doi: Some(d),
            });
            continue;
        }
        warnings.push(match lang {
            Lang::Fr => format!(
                "Publication de référence {d} : seul son DOI est connu hors ligne ; actualisez \
                 depuis doi.org pour la référence complète."
            ),
            Lang::En => format!(
                "Reference publication {d}: only its DOI is known offline; refresh from doi.org \
                 for the full reference."
            ),
        });
        refs.push(Reference {
            role: ItemRole::ReferencePublication,
            source: ItemSource::DoiOnly,
            csl: serde_json::json!({
                "id": id,
                "type": "document",
                "DOI": d.as_str(),
                "URL": d.url(),
            }),
            verbatim: Some(d.url()),
            doi: Some(d),
        });
    }
    (refs, warnings)
}

/// A record from doi.org as a reference: what the processor accepts of it, keyed `id`, with the
/// date of access for a data set.
fn from_record(record: Value, id: &str, accessed: Option<Ymd>) -> Value {
    let mut v = csl::renderable(&record);
    if let Some(m) = v.as_object_mut() {
        m.insert("id".into(), id.into());
        if let Some(a) = accessed {
            m.insert(
                "accessed".into(),
                serde_json::json!({ "date-parts": [[a.year, a.month, a.day]] }),
            );
        }
    }
    v
}

/// Renders `refs` in `style` and `lang`: the answer of `cite.get`.
pub fn render(
    base: &Base,
    refs: &[Reference],
    warnings: Vec<String>,
    style: CiteStyle,
    lang: Lang,
) -> Result<Citation> {
    let mut items = Vec::with_capacity(refs.len());
    for r in refs {
        let text = match style {
            CiteStyle::Apa | CiteStyle::Vancouver => match &r.verbatim {
                Some(t) => t.clone(),
                None => csl::render(&r.csl, style, lang)?,
            },
            CiteStyle::Bibtex => bibtex::entry(&r.csl)?,
            CiteStyle::Ris => ris::record(&r.csl),
            CiteStyle::CslJson => {
                serde_json::to_string_pretty(&r.csl).expect("JSON values serialise")
            }
        };
        items.push(CitedItem {
            role: r.role,
            doi: r.doi.as_ref().map(|d| d.as_str().to_string()),
            source: r.source,
            text,
        });
    }
    let text = match style {
        CiteStyle::CslJson => {
            serde_json::to_string_pretty(&refs.iter().map(|r| r.csl.clone()).collect::<Vec<_>>())
                .expect("JSON values serialise")
        }
        CiteStyle::Apa | CiteStyle::Vancouver => items
            .iter()
            .map(|i| i.text.as_str())
            .collect::<Vec<_>>()
            .join("\n\n"),
        CiteStyle::Bibtex | CiteStyle::Ris => {
            // Records end with a line break; one blank line between them, one break at the end.
            let mut t = items
                .iter()
                .map(|i| i.text.trim_end_matches('\n'))
                .collect::<Vec<_>>()
                .join("\n\n");
            t.push('\n');
            t
        }
    };
    let doi = refs
        .first()
        .filter(|r| r.role == ItemRole::Dataset)
        .and_then(|r| r.doi.clone());
    Ok(Citation {
        base: base.id.clone(),
        doi: doi.as_ref().map(|d| d.as_str().to_string()),
        doi_url: doi.as_ref().map(Doi::url),
        style,
        lang,
        text,
        items,
        warnings,
        media_type: style.media_type().into(),
        filename: format!("{}.{}", base.id, style.extension()),
    })
}

/// How to cite `base` in `style` and `lang`, from its catalogue metadata, accessed on
/// `accessed`.
pub fn cite(base: &Base, style: CiteStyle, lang: Lang, accessed: Ymd) -> Result<Citation> {
    let (refs, warnings) = references(base, lang, accessed, &|_| None);
    render(base, &refs, warnings, style, lang)
}
