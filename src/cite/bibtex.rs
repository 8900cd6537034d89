//! BibTeX entries from CSL-JSON items, written by the `biblatex` crate (its escaping, its
//! BibTeX field names).

use super::csl::{date_of, names_of, Name};
use crate::{Error, Result};
use biblatex::{Chunk, Entry, EntryType, Spanned};
use serde_json::Value;

/// The BibTeX entry of a CSL-JSON item: `@misc` for a data set (BibTeX has no data set type),
/// organisations as authors in double braces so that no style splits them into given and
/// family names, titles braced to keep their capitals. No abstract: an entry is read by people
/// in a .bib file, and the description would bury the fields that matter.
pub fn entry(item: &Value) -> Result<String> {
    let s = |k: &str| {
        item.get(k)
            .and_then(|v| match v {
                Value::String(s) => Some(s.trim().to_string()),
                Value::Number(n) => Some(n.to_string()),
                _ => None,
            })
            .filter(|s| !s.is_empty())
    };
    let ty = match s("type").as_deref() {
        Some("article-journal" | "article" | "article-magazine" | "article-newspaper") => {
            EntryType::Article
        }
        Some("book") => EntryType::Book,
        Some("chapter") => EntryType::InBook,
        Some("paper-conference") => EntryType::InProceedings,
        Some("report") => EntryType::Report,
        Some("thesis") => EntryType::PhdThesis,
        Some("dataset") => EntryType::Dataset,
        _ => EntryType::Misc,
    };
    let mut e = Entry::new(key(&s("id").unwrap_or_else(|| "ref".into())), ty.clone());
    let normal = |t: &str| vec![Spanned::detached(Chunk::Normal(t.to_string()))];
    let verbatim = |t: &str| vec![Spanned::detached(Chunk::Verbatim(t.to_string()))];
    let authors = names_of(item.get("author"));
    if !authors.is_empty() {
        let mut chunks = Vec::new();
        for (i, n) in authors.iter().enumerate() {
            if i > 0 {
                chunks.push(Spanned::detached(Chunk::Normal(" and ".into())));
            }
            match n {
                Name::Literal(l) => chunks.push(Spanned::detached(Chunk::Verbatim(l.clone()))),
                Name::Person { family, given } => {
                    let t = match given {
                        Some(g) => format!("{family}, {g}"),
                        None => family.clone(),
                    };
                    chunks.push(Spanned::detached(Chunk::Normal(t)));
                }
            }
        }
        e.set("author", chunks);
    }
    if let Some(t) = s("title") {
        e.set("title", verbatim(&t));
    }
    if let Some(t) = s("container-title") {
        let field = if ty == EntryType::Article {
            "journal"
        } else {
            "booktitle"
        };
        e.set(field, normal(&t));
    }
    if let Some((y, m, _)) = date_of(item.get("issued")) {
        e.set("year", normal(&y.to_string()));
        if let Some(m) = m {
            e.set("month", normal(&m.to_string()));
        }
    }
    for (csl, bib) in [
        ("publisher", "publisher"),
        ("volume", "volume"),
        ("issue", "number"),
        ("page", "pages"),
        ("language", "language"),
        ("keyword", "keywords"),
        ("note", "note"),
    ] {
        if let Some(t) = s(csl) {
            e.set(bib, normal(&t));
        }
    }
    if let Some(d) = s("DOI") {
        e.set("doi", normal(&d));
    }
    if let Some(u) = s("URL") {
        e.set("url", normal(&u));
    }
    if let Some((y, m, d)) = date_of(item.get("accessed")) {
        let mut t = format!("{y:04}");
        if let Some(m) = m {
            t.push_str(&format!("-{m:02}"));
            if let Some(d) = d {
                t.push_str(&format!("-{d:02}"));
            }
        }
        e.set("urldate", normal(&t));
    }
    if ty == EntryType::Dataset {
        // Read by biblatex styles and by people: BibTeX's @misc says nothing of the kind.
        e.set("howpublished", normal("Dataset"));
    }
    e.to_bibtex_string()
        .map_err(|err| Error::Invalid(format!("reference `{}`: BibTeX: {err}", e.key)))
}

/// A BibTeX key: letters, digits, `-`, `_`, `:` and `.` (what every BibTeX tool accepts).
fn key(id: &str) -> String {
    let k: String = id
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | ':' | '.') {
                c
            } else {
                '-'
            }
        })
        .take(64)
        .collect();
    if k.is_empty() {
        "ref".into()
    } else {
        k
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn special_characters_survive_a_round_trip() {
        let t = entry(&json!({
            "id": "a b/c", "type": "article-journal",
            "title": "Taux & coûts {100 %} de l'an_2020 #1",
            "author": [{"family": "Dupont", "given": "Anne"}, {"literal": "Inserm & CNAM"}],
            "issued": {"date-parts": [[2021, 5]]},
            "container-title": "Rev Épidémiol", "DOI": "10.5072/a_b%c",
        }))
        .unwrap();
        let bib = biblatex::Bibliography::parse(&t).unwrap_or_else(|e| panic!("{e:?}\n{t}"));
        let e = bib.get("a-b-c").expect("key sanitised");
        use biblatex::ChunksExt;
        assert_eq!(
            e.get("title").unwrap().format_verbatim(),
            "Taux & coûts {100 %} de l'an_2020 #1"
        );
        assert_eq!(e.get("doi").unwrap().format_verbatim(), "10.5072/a_b%c");
        let authors = e.author().unwrap();
        assert_eq!(authors.len(), 2);
        assert_eq!(authors[0].name, "Dupont");
        assert_eq!(authors[1].name, "Inserm & CNAM");
        assert_eq!(e.get("journal").unwrap().format_verbatim(), "Rev Épidémiol");
    }
}
