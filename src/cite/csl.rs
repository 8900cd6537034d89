//! CSL-JSON items and their rendering in APA and Vancouver by hayagriva, with the styles and
//! locales it bundles (no file, no network).

use super::{CiteStyle, Doi, Lang, Ymd};
use crate::model::Base;
use crate::{Error, Result};
use hayagriva::archive::{locales, ArchivedStyle};
use hayagriva::citationberg::{json as csl_json, IndependentStyle, Locale, LocaleCode, Style};
use hayagriva::{
    BibliographyDriver, BibliographyRequest, BufWriteFormat, CitationItem, CitationRequest,
};
use serde_json::{json, Map, Value};
use std::sync::OnceLock;

/// Longest text kept in one field of an item (an abstract, a note): a citation is not the place
/// for a whole description, and an item from the network must stay small.
pub const MAX_FIELD: usize = 4000;

/// The base as a CSL-JSON item of type `dataset`, from its catalogue metadata: title in `lang`
/// (with its short name), producer as author and publisher, DOI, web address, date of access,
/// end of coverage as date of issue for a closed base. Warnings say what is missing.
pub fn dataset_item(
    base: &Base,
    doi: Option<&Doi>,
    lang: Lang,
    accessed: Ymd,
) -> (Value, Vec<String>) {
    let mut warnings = Vec::new();
    let mut m = Map::new();
    m.insert("id".into(), base.id.clone().into());
    m.insert("type".into(), "dataset".into());
    let title = match lang {
        Lang::En if !base.title.en.is_empty() => base.title.en.as_str(),
        _ if !base.title.fr.is_empty() => base.title.fr.as_str(),
        _ => base.title.en.as_str(),
    };
    let name = base.name.trim();
    let full = if title.is_empty() {
        name.to_string()
    } else if name.is_empty() || title.to_lowercase().contains(&name.to_lowercase()) {
        title.to_string()
    } else {
        format!("{title} ({name})")
    };
    m.insert("title".into(), bound(&full).into());
    if !name.is_empty() && name != full {
        m.insert("title-short".into(), bound(name).into());
    }
    match base.producer.as_ref().filter(|p| !p.name.trim().is_empty()) {
        Some(p) => {
            let who = bound(p.name.trim());
            m.insert("author".into(), json!([{ "literal": who }]));
            m.insert("publisher".into(), who.into());
        }
        None => warnings.push(match lang {
            Lang::Fr => "Producteur inconnu : la référence n'a pas d'auteur.".into(),
            Lang::En => "Unknown producer: the reference has no author.".into(),
        }),
    }
    // A base still fed has no date of publication: the styles then say "n.d." and give the date
    // of access; a closed one is dated by the end of its coverage.
    match base.period.end.as_deref().and_then(year_of) {
        Some(y) => {
            m.insert("issued".into(), json!({ "date-parts": [[y]] }));
        }
        None => warnings.push(match lang {
            Lang::Fr => "Pas de date de publication (base alimentée en continu) : la référence \
                         porte « s. d. » et la date de consultation ; précisez les années \
                         utilisées."
                .into(),
            Lang::En => "No publication date (the base is still fed): the reference says \
                         \"n.d.\" with the date of access; state the years you used."
                .into(),
        }),
    }
    m.insert(
        "accessed".into(),
        json!({ "date-parts": [[accessed.year, accessed.month, accessed.day]] }),
    );
    if let Some(d) = doi {
        m.insert("DOI".into(), d.as_str().into());
    }
    let url = doi.map(Doi::url).or_else(|| {
        base.links
            .iter()
            .map(|l| l.url.trim())
            .find(|u| {
                (u.starts_with("https://") || u.starts_with("http://")) && Doi::parse(u).is_err()
            })
            .map(str::to_string)
    });
    match url {
        Some(u) => {
            m.insert("URL".into(), bound(&u).into());
        }
        None => warnings.push(match lang {
            Lang::Fr => {
                "Ni DOI ni adresse web : la référence ne dit pas où trouver la base.".into()
            }
            Lang::En => {
                "Neither a DOI nor a web address: the reference does not say where the base is."
                    .into()
            }
        }),
    }
    let description = match lang {
        Lang::En if !base.description.en.is_empty() => &base.description.en,
        _ => &base.description.fr,
    };
    if !description.is_empty() {
        m.insert("abstract".into(), bound(description).into());
    }
    if !base.keywords.is_empty() {
        m.insert("keyword".into(), bound(&base.keywords.join(", ")).into());
    }
    m.insert("language".into(), lang.code().into());
    (Value::Object(m), warnings)
}

/// The first four-digit year in `s` (`2023`, `2023-06-30`).
fn year_of(s: &str) -> Option<i64> {
    let s = s.trim();
    let y = s.get(..4)?;
    if y.bytes().all(|b| b.is_ascii_digit()) && s.as_bytes().get(4).is_none_or(|b| *b == b'-') {
        y.parse().ok()
    } else {
        None
    }
}

fn bound(s: &str) -> String {
    s.chars().take(MAX_FIELD).collect()
}

fn style(style: CiteStyle) -> Option<&'static IndependentStyle> {
    static APA: OnceLock<IndependentStyle> = OnceLock::new();
    static VANCOUVER: OnceLock<IndependentStyle> = OnceLock::new();
    let (cell, name) = match style {
        CiteStyle::Apa => (&APA, "apa"),
        CiteStyle::Vancouver => (&VANCOUVER, "vancouver"),
        _ => return None,
    };
    Some(cell.get_or_init(|| {
        match ArchivedStyle::by_name(name)
            .expect("hayagriva bundles APA and Vancouver")
            .get()
        {
            Style::Independent(s) => s,
            Style::Dependent(_) => panic!("the bundled `{name}` style is independent"),
        }
    }))
}

fn locale_files() -> &'static [Locale] {
    static LOCALES: OnceLock<Vec<Locale>> = OnceLock::new();
    LOCALES.get_or_init(|| {
        locales()
            .into_iter()
            .filter(|l| {
                l.lang
                    .as_ref()
                    .is_some_and(|c| matches!(c.0.as_str(), "fr-FR" | "en-US" | "en-GB"))
            })
            .collect()
    })
}

/// Renders one CSL-JSON item as a reference-list entry in APA or Vancouver, as plain text.
/// Items from outside (doi.org) are made safe for the processor first ([`renderable`]).
pub fn render(item: &Value, st: CiteStyle, lang: Lang) -> Result<String> {
    let id = item
        .get("id")
        .and_then(Value::as_str)
        .unwrap_or("item")
        .to_string();
    let style =
        style(st).ok_or_else(|| Error::Invalid(format!("`{}` is not a CSL style", st.name())))?;
    let parsed: csl_json::Item = serde_json::from_value(for_style(renderable(item), st))
        .map_err(|e| Error::Invalid(format!("reference `{id}`: not a CSL-JSON item: {e}")))?;
    let locale = LocaleCode(
        match lang {
            Lang::Fr => "fr-FR",
            Lang::En => "en-US",
        }
        .into(),
    );
    let files = locale_files();
    // The processor asserts on some inputs (date ranges…): a reference it cannot render is an
    // error for this item, never a crash of the server.
    let out = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        let mut driver: BibliographyDriver<'_, csl_json::Item> = BibliographyDriver::new();
        driver.citation(CitationRequest::new(
            vec![CitationItem::with_entry(&parsed)],
            style,
            Some(locale.clone()),
            files,
            None,
        ));
        let rendered = driver.finish(BibliographyRequest::new(style, Some(locale.clone()), files));
        let mut buf = String::new();
        if let Some(entry) = rendered
            .bibliography
            .and_then(|b| b.items.into_iter().next())
        {
            entry
                .content
                .write_buf(&mut buf, BufWriteFormat::Plain)
                .map(|_| buf)
                .ok()
        } else {
            None
        }
    }));
    match out {
        Ok(Some(text)) if !text.trim().is_empty() => Ok(tidy(&text)),
        Ok(_) => Err(Error::Invalid(format!(
            "reference `{id}`: the {} style rendered nothing",
            st.name()
        ))),
        Err(_) => Err(Error::Invalid(format!(
            "reference `{id}`: the CSL processor could not render it in {}",
            st.name()
        ))),
    }
}

/// What each style's guide asks and its CSL file does not do: APA leaves out a publisher that
/// is also the author; Vancouver gives the DOI, so its resolver URL is not repeated as
/// "Available from".
fn for_style(mut item: Value, st: CiteStyle) -> Value {
    let Some(m) = item.as_object_mut() else {
        return item;
    };
    match st {
        CiteStyle::Apa => {
            let authors = names_of(m.get("author"));
            let same = m.get("publisher").and_then(Value::as_str).is_some_and(|p| {
                authors
                    .iter()
                    .any(|a| matches!(a, Name::Literal(l) if l.trim() == p.trim()))
            });
            if same {
                m.remove("publisher");
            }
        }
        CiteStyle::Vancouver => {
            let doi_url = m
                .get("DOI")
                .and_then(Value::as_str)
                .and_then(|d| Doi::parse(d).ok());
            let url = m
                .get("URL")
                .and_then(Value::as_str)
                .and_then(|u| Doi::parse(u).ok());
            if doi_url.is_some() && doi_url == url {
                m.remove("URL");
            }
        }
        _ => {}
    }
    item
}

/// Whitespace as people paste it: one line, single spaces (the processor keeps the non-breaking
/// spaces of French typography, which are right).
fn tidy(s: &str) -> String {
    s.split([' ', '\n', '\t', '\r'])
        .filter(|w| !w.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

/// A copy of `item` that the processor accepts: strings and numbers kept, names as names, each
/// date reduced to its first day (hayagriva renders no range), anything else dropped; every
/// text bounded.
pub fn renderable(item: &Value) -> Value {
    let Some(obj) = item.as_object() else {
        return json!({});
    };
    let mut out = Map::new();
    for (k, v) in obj {
        let kept = match (k.as_str(), v) {
            (_, Value::String(s)) => Some(Value::String(bound(s))),
            (_, Value::Number(n)) if n.is_i64() => Some(v.clone()),
            (_, Value::Number(n)) => Some(Value::String(n.to_string())),
            (
                "issued" | "accessed" | "submitted" | "event-date" | "original-date"
                | "available-date",
                Value::Object(d),
            ) => first_date(d),
            (_, Value::Array(names)) => {
                let names: Vec<Value> = names
                    .iter()
                    .filter_map(|n| {
                        let o = n.as_object()?;
                        let mut name = Map::new();
                        for key in [
                            "family",
                            "given",
                            "literal",
                            "suffix",
                            "non-dropping-particle",
                            "dropping-particle",
                        ] {
                            if let Some(s) = o.get(key).and_then(Value::as_str) {
                                name.insert(key.into(), bound(s).into());
                            }
                        }
                        if name.contains_key("literal") || name.contains_key("family") {
                            Some(Value::Object(name))
                        } else {
                            o.get("name")
                                .and_then(Value::as_str)
                                .map(|s| json!({ "literal": bound(s) }))
                        }
                    })
                    .take(100)
                    .collect();
                (!names.is_empty()).then_some(Value::Array(names))
            }
            _ => None,
        };
        if let Some(v) = kept {
            out.insert(k.clone(), v);
        }
    }
    Value::Object(out)
}

/// The first date of a CSL date object, as `{"date-parts": [[y, m, d]]}` with integers.
fn first_date(d: &Map<String, Value>) -> Option<Value> {
    let first = d
        .get("date-parts")
        .and_then(Value::as_array)
        .and_then(|a| a.first())
        .and_then(Value::as_array)?;
    let parts: Vec<i64> = first
        .iter()
        .take(3)
        .map_while(|p| match p {
            Value::Number(n) => n.as_i64(),
            Value::String(s) => s.trim().parse().ok(),
            _ => None,
        })
        .collect();
    let ok = match parts.as_slice() {
        [y] => (-9999..=9999).contains(y),
        [y, m] => (-9999..=9999).contains(y) && (1..=12).contains(m),
        [y, m, day] => (-9999..=9999).contains(y) && (1..=12).contains(m) && (1..=31).contains(day),
        _ => false,
    };
    ok.then(|| json!({ "date-parts": [parts] }))
}

/// The year, month and day of a CSL date value, for BibTeX and RIS.
pub fn date_of(v: Option<&Value>) -> Option<(i64, Option<i64>, Option<i64>)> {
    let d = first_date(v?.as_object()?)?;
    let parts = d["date-parts"][0].as_array()?.clone();
    let n = |i: usize| parts.get(i).and_then(Value::as_i64);
    Some((n(0)?, n(1), n(2)))
}

/// The names of a CSL name variable: `literal` as it is, else `family, given`.
pub fn names_of(v: Option<&Value>) -> Vec<Name> {
    v.and_then(Value::as_array)
        .map(|a| {
            a.iter()
                .filter_map(|n| {
                    let s = |k: &str| {
                        n.get(k)
                            .and_then(Value::as_str)
                            .map(str::trim)
                            .filter(|s| !s.is_empty())
                    };
                    if let Some(l) = s("literal") {
                        Some(Name::Literal(l.to_string()))
                    } else {
                        let family = match (s("non-dropping-particle"), s("family")) {
                            (Some(p), Some(f)) => format!("{p} {f}"),
                            (None, Some(f)) => f.to_string(),
                            _ => return None,
                        };
                        Some(Name::Person {
                            family,
                            given: s("given").map(str::to_string),
                        })
                    }
                })
                .collect()
        })
        .unwrap_or_default()
}

/// A name of a CSL item.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Name {
    /// An organisation, or a name that is not split.
    Literal(String),
    /// A person.
    Person {
        /// Family name with its particle.
        family: String,
        /// Given names.
        given: Option<String>,
    },
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_date_range_renders_from_its_first_day() {
        let item = json!({
            "id": "x", "type": "dataset", "title": "Titre",
            "author": [{"literal": "Producteur"}],
            "issued": {"date-parts": [[2020, 1], [2023, 12]]},
        });
        let t = render(&item, CiteStyle::Apa, Lang::En).unwrap();
        assert!(t.contains("2020") && t.contains("Titre"), "{t}");
    }

    #[test]
    fn renderable_drops_what_is_not_csl() {
        let v = renderable(&json!({
            "id": "x", "type": "article-journal", "title": "t".repeat(10_000),
            "author": [{"family": "Doe", "given": "J."}, {"name": "Org"}, {"weird": 1}],
            "issued": {"date-parts": [["2021", "13"]]},
            "volume": 3.5, "link": [{"URL": "x"}], "flag": true,
        }));
        assert_eq!(v["title"].as_str().unwrap().len(), MAX_FIELD);
        assert_eq!(v["author"].as_array().unwrap().len(), 2);
        assert!(v.get("issued").is_none(), "month 13 is no date");
        assert_eq!(v["volume"], "3.5");
        assert!(v.get("link").is_none() && v.get("flag").is_none());
    }

    #[test]
    fn year_of_reads_years_and_dates_only() {
        assert_eq!(year_of("2023"), Some(2023));
        assert_eq!(year_of("2023-06-30"), Some(2023));
        assert_eq!(year_of("fin 2023"), None);
        assert_eq!(year_of("20231"), None);
    }
}
