//! The draft's exports: HealthDCAT-AP Turtle for the HDH's ingestion, a Hublot snapshot folder
//! (`docs/snapshot-format.md`, which `hublot import` and `hublot sync` accept), and a static,
//! self-contained HTML page of the base.

use crate::ingest::draft_folder::DraftFolder;
use crate::ingest::healthdcat::{self, RdfFormat};
use crate::model::{Base, Table};
use crate::sync::{SnapshotBuildReport, SnapshotBuildRequest};
use crate::{Error, Result};
use oxrdf::{BlankNode, NamedNode, NamedOrBlankNode, Term, Triple};
use serde_json::{json, Value};
use std::collections::HashSet;
use std::path::{Path, PathBuf};

/// Prefixes written at the head of the Turtle export.
const TURTLE_PREFIXES: &[(&str, &str)] = &[
    ("dcat", "http://www.w3.org/ns/dcat#"),
    ("dct", "http://purl.org/dc/terms/"),
    ("dcatap", "http://data.europa.eu/r5r/"),
    ("healthdcatap", "http://healthdataportal.eu/ns/health#"),
    ("foaf", "http://xmlns.com/foaf/0.1/"),
    ("vcard", "http://www.w3.org/2006/vcard/ns#"),
    ("adms", "http://www.w3.org/ns/adms#"),
    ("skos", "http://www.w3.org/2004/02/skos/core#"),
    ("dpv", "https://w3id.org/dpv#"),
    ("dqv", "http://www.w3.org/ns/dqv#"),
    ("csvw", "http://www.w3.org/ns/csvw#"),
    ("rdfs", "http://www.w3.org/2000/01/rdf-schema#"),
    ("xsd", "http://www.w3.org/2001/XMLSchema#"),
];

/// Every triple of the draft's HealthDCAT-AP records, blank nodes kept apart per file. Each
/// file is first read by the importer's own parser (size bound, no RDF/XML entities, no remote
/// JSON-LD context), so a file the import refuses is refused here with the same message.
pub fn record_triples(draft: &DraftFolder) -> Result<Vec<Triple>> {
    let mut out: Vec<Triple> = Vec::new();
    // Records repeat triples across files (a publisher described twice): keep the first.
    let mut seen: HashSet<Triple> = HashSet::new();
    for (i, path) in draft.records.iter().enumerate() {
        healthdcat::parse_file(path)?;
        let bytes = std::fs::read(path).map_err(|e| Error::io(path, e))?;
        let format = RdfFormat::from_path(path).unwrap_or_else(|| RdfFormat::sniff(&bytes));
        let abs = std::fs::canonicalize(path).unwrap_or_else(|_| path.clone());
        let base = reqwest::Url::from_file_path(&abs)
            .ok()
            .map(|u| u.to_string());
        let rename = |b: &BlankNode| {
            BlankNode::new(format!("f{i}x{}", b.as_str())).unwrap_or_else(|_| BlankNode::default())
        };
        healthdcat::graph::for_each_triple(&bytes, format, base.as_deref(), path, |t| {
            let subject = match t.subject {
                NamedOrBlankNode::BlankNode(b) => NamedOrBlankNode::BlankNode(rename(&b)),
                n => n,
            };
            let object = match t.object {
                Term::BlankNode(b) => Term::BlankNode(rename(&b)),
                o => o,
            };
            let t = Triple::new(subject, t.predicate, object);
            if seen.insert(t.clone()) {
                out.push(t);
            }
        })?;
    }
    Ok(out)
}

/// The draft as HealthDCAT-AP Turtle: the triples of its records, with the usual prefixes. A
/// draft without records (only `bases.json` and Table Schemas) is described from its bases:
/// title, description, keywords, publisher, contact, identifier and landing page.
pub fn turtle(draft: &DraftFolder) -> Result<Vec<u8>> {
    let mut triples = record_triples(draft)?;
    if draft.records.is_empty() {
        for b in &draft.catalogue.bases {
            triples.extend(base_triples(b));
        }
    }
    let mut ser = oxttl::TurtleSerializer::new();
    for (p, iri) in TURTLE_PREFIXES {
        ser = ser.with_prefix(*p, *iri).expect("valid prefix IRIs");
    }
    let head = format!(
        "# HealthDCAT-AP record exported by Hublot {} from a draft ({} record file(s)).\n",
        env!("CARGO_PKG_VERSION"),
        draft.records.len()
    );
    let mut w = ser.for_writer(head.into_bytes());
    for t in &triples {
        w.serialize_triple(t)
            .map_err(|e| Error::Invalid(format!("Turtle export: {e}")))?;
    }
    w.finish()
        .map_err(|e| Error::Invalid(format!("Turtle export: {e}")))
}

fn nn(iri: &str) -> NamedNode {
    NamedNode::new_unchecked(iri)
}

/// A minimal `dcat:Dataset` for a base read from `bases.json`.
fn base_triples(b: &Base) -> Vec<Triple> {
    use oxrdf::Literal;
    let dcat = |l: &str| nn(&format!("http://www.w3.org/ns/dcat#{l}"));
    let dct = |l: &str| nn(&format!("http://purl.org/dc/terms/{l}"));
    let s = NamedOrBlankNode::NamedNode(nn(&format!("urn:hublot:base:{}", b.id)));
    let mut out = vec![Triple::new(
        s.clone(),
        nn("http://www.w3.org/1999/02/22-rdf-syntax-ns#type"),
        dcat("Dataset"),
    )];
    let mut lit = |p: NamedNode, v: &str, lang: &str| {
        if v.trim().is_empty() {
            return;
        }
        let l = if lang.is_empty() {
            Literal::new_simple_literal(v)
        } else {
            Literal::new_language_tagged_literal_unchecked(v, lang)
        };
        out.push(Triple::new(s.clone(), p, l));
    };
    lit(dct("identifier"), &b.id, "");
    lit(dct("title"), &b.title.fr, "fr");
    lit(dct("title"), &b.title.en, "en");
    lit(dct("alternative"), &b.name, "");
    lit(dct("description"), &b.description.fr, "fr");
    lit(dct("description"), &b.description.en, "en");
    for k in &b.keywords {
        lit(dcat("keyword"), k, "");
    }
    if let Some(p) = &b.producer {
        let org = BlankNode::default();
        out.push(Triple::new(s.clone(), dct("publisher"), org.clone()));
        out.push(Triple::new(
            org.clone(),
            nn("http://xmlns.com/foaf/0.1/name"),
            Literal::new_simple_literal(&p.name),
        ));
        if let Some(u) = &p.url {
            if let Ok(u) = NamedNode::new(u) {
                out.push(Triple::new(
                    org,
                    nn("http://xmlns.com/foaf/0.1/homepage"),
                    u,
                ));
            }
        }
    }
    if let Some(l) = b.links.first().and_then(|l| NamedNode::new(&l.url).ok()) {
        out.push(Triple::new(s.clone(), dcat("landingPage"), l));
    }
    out
}

/// A table as a Table Schema (the SNDS layout `hublot import` reads).
pub fn table_schema_json(t: &Table) -> Value {
    let fields: Vec<Value> = t
        .variables
        .iter()
        .map(|v| {
            let mut f = json!({"name": v.name, "type": v.r#type, "description": v.description});
            let o = f.as_object_mut().expect("object");
            if let Some(l) = &v.length {
                o.insert("length".into(), json!(l));
            }
            if let Some(x) = &v.format {
                o.insert("format".into(), json!(x));
            }
            if let Some(n) = &v.nomenclature {
                let r = match &n.column {
                    Some(c) => format!("{}:{c}", n.name),
                    None => n.name.clone(),
                };
                o.insert("nomenclature".into(), json!(r));
            }
            if let Some(c) = &v.constraints {
                o.insert("constraints".into(), c.clone());
            }
            f
        })
        .collect();
    let mut s = json!({
        "name": t.name,
        "title": t.title,
        "produit": t.produit,
        "fields": fields,
        "primaryKey": t.primary_key,
    });
    if !t.foreign_keys.is_empty() {
        s["foreignKeys"] = t
            .foreign_keys
            .iter()
            .map(|fk| json!({"fields": fk.fields, "reference": {"resource": fk.table, "fields": fk.ref_fields}}))
            .collect();
    }
    if let Some(o) = &t.observation {
        s["observation"] = json!(o);
    }
    s
}

/// Writes the draft as a Hublot snapshot folder at `out` (created, or replaced when it holds an
/// earlier snapshot), through `snapshot.build`: `bases.json` from the draft's bases (claiming
/// its tables' `produit`), the draft's `schemas/` and `nomenclatures/` as they are, the tables
/// its records describe (csvw) written as Table Schemas, and its Markdown pages.
pub fn snapshot(
    draft: &DraftFolder,
    out: &Path,
    id: Option<String>,
) -> Result<SnapshotBuildReport> {
    let tmp = tempfile::Builder::new()
        .prefix("hublot-export-")
        .tempdir()
        .map_err(|e| Error::io(std::env::temp_dir(), e))?;
    let tree = tmp.path().join("tree");
    let copy_sub = |sub: &str| -> Result<()> {
        let from = draft.root.join(sub);
        if !draft.snds_tree || !from.is_dir() {
            return Ok(());
        }
        for ext in ["json", "csv"] {
            for p in crate::ingest::walk_files(&from, ext) {
                let rel = p.strip_prefix(&from).expect("under its root");
                let dest = tree.join(sub).join(rel);
                if let Some(d) = dest.parent() {
                    std::fs::create_dir_all(d).map_err(|e| Error::io(d, e))?;
                }
                std::fs::copy(&p, &dest).map_err(|e| Error::io(&p, e))?;
            }
        }
        Ok(())
    };
    copy_sub("schemas")?;
    copy_sub("nomenclatures")?;
    let schemas = tree.join("schemas");
    std::fs::create_dir_all(&schemas).map_err(|e| Error::io(&schemas, e))?;
    let from_records: Vec<String> = draft
        .records
        .iter()
        .map(|p| p.display().to_string())
        .collect();
    for t in &draft.catalogue.tables {
        if !from_records.contains(&t.source) {
            continue;
        }
        let dir = schemas.join(crate::ingest::text::slug(if t.produit.is_empty() {
            &t.base
        } else {
            &t.produit
        }));
        std::fs::create_dir_all(&dir).map_err(|e| Error::io(&dir, e))?;
        let p = dir.join(format!("{}.json", t.name));
        let json = serde_json::to_vec_pretty(&table_schema_json(t)).expect("serialises");
        std::fs::write(&p, json).map_err(|e| Error::io(&p, e))?;
    }
    let bases_path = tmp.path().join("bases.json");
    let bases = serde_json::to_vec_pretty(&draft.catalogue.bases).expect("bases serialise");
    std::fs::write(&bases_path, bases).map_err(|e| Error::io(&bases_path, e))?;
    let mut paths: Vec<PathBuf> = vec![tree];
    if let Some(d) = &draft.docs_root {
        paths.push(d.clone());
    }
    let first = draft.catalogue.bases.first();
    let req = SnapshotBuildRequest {
        paths,
        out: out.to_path_buf(),
        sign: None,
        bases: Some(bases_path),
        id: id.or_else(|| first.map(|b| format!("{}-draft", b.id))),
        title: first.map(|b| b.title.fr.clone()),
        title_en: first.map(|b| b.title.en.clone()).filter(|s| !s.is_empty()),
        publisher: first.and_then(|b| b.producer.as_ref().map(|p| p.name.clone())),
        licence: None,
    };
    Ok(crate::sync::publish::build_snapshot(&req)?)
}

fn esc(s: &str) -> String {
    let mut o = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => o.push_str("&amp;"),
            '<' => o.push_str("&lt;"),
            '>' => o.push_str("&gt;"),
            '"' => o.push_str("&quot;"),
            '\'' => o.push_str("&#39;"),
            c => o.push(c),
        }
    }
    o
}

/// Only http, https and mailto links are written as links (the importer's rule).
fn link(url: &str, label: &str) -> String {
    let l = url.to_ascii_lowercase();
    if l.starts_with("http://") || l.starts_with("https://") || l.starts_with("mailto:") {
        format!("<a href=\"{}\">{}</a>", esc(url), esc(label))
    } else {
        esc(label)
    }
}

const PAGE_CSS: &str = "body{font:15px/1.5 system-ui,-apple-system,'Segoe UI',sans-serif;color:#1d2433;max-width:960px;margin:0 auto;padding:32px 20px;background:#fbfbfd}\
h1{font-size:1.7rem;margin:.2em 0}h2{font-size:1.2rem;margin-top:2em;border-bottom:1px solid #dde1ea;padding-bottom:.3em}\
h3{font-size:1.05rem;margin:1.4em 0 .4em}.muted{color:#5b6478}.tag{display:inline-block;background:#e8eefc;color:#2446a8;border-radius:10px;padding:0 8px;margin:2px;font-size:.85rem}\
dl{display:grid;grid-template-columns:max-content 1fr;gap:6px 18px}dt{color:#5b6478}dd{margin:0}\
table{border-collapse:collapse;width:100%;font-size:.9rem;background:#fff}th,td{border:1px solid #dde1ea;padding:4px 8px;text-align:left;vertical-align:top}\
th{background:#f1f3f8}code{font-family:ui-monospace,monospace;font-size:.9em}footer{margin-top:3em;color:#8a91a2;font-size:.8rem}";

/// The static HTML page of the draft's base(s): every field, then each table with its
/// variables, then its code lists and documentation pages. Self-contained: styles inline, no
/// script, no remote resource.
pub fn html(draft: &DraftFolder) -> String {
    let cat = &draft.catalogue;
    let mut h = String::new();
    let title = cat
        .bases
        .first()
        .map(|b| b.title.fr.clone())
        .unwrap_or_else(|| "Brouillon".into());
    h.push_str(&format!(
        "<!doctype html>\n<html lang=\"fr\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width,initial-scale=1\">\
         <title>{}</title><style>{PAGE_CSS}</style></head><body>\n",
        esc(&title)
    ));
    for b in &cat.bases {
        h.push_str(&format!(
            "<p class=\"muted\">{} · <code>{}</code></p><h1>{}</h1>\n",
            esc(&b.name),
            esc(&b.id),
            esc(&b.title.fr)
        ));
        if !b.title.en.is_empty() {
            h.push_str(&format!(
                "<p class=\"muted\" lang=\"en\">{}</p>\n",
                esc(&b.title.en)
            ));
        }
        if !b.description.fr.is_empty() {
            h.push_str(&format!("<p>{}</p>\n", esc(&b.description.fr)));
        }
        h.push_str("<dl>\n");
        let mut row = |k: &str, v: String| {
            if !v.is_empty() {
                h.push_str(&format!("<dt>{k}</dt><dd>{v}</dd>\n"));
            }
        };
        if let Some(p) = &b.producer {
            row(
                "Producteur",
                match &p.url {
                    Some(u) => link(u, &p.name),
                    None => esc(&p.name),
                },
            );
        }
        if let Some(c) = &b.contact {
            let url = if c.contains('@') && !c.contains(':') {
                format!("mailto:{c}")
            } else {
                c.clone()
            };
            row("Contact", link(&url, c));
        }
        row("Population", esc(&b.population.fr));
        let period = match (&b.period.start, &b.period.end) {
            (None, None) => String::new(),
            (s, e) => format!(
                "{} – {}",
                s.as_deref().unwrap_or("?"),
                e.as_deref().unwrap_or("")
            ),
        };
        row("Période", esc(&period));
        row("Territoire", esc(&b.geography.fr));
        row("Accès", esc(&b.access.text.fr));
        if let Some(d) = &b.doi {
            row("DOI", link(&format!("https://doi.org/{d}"), d));
        }
        row(
            "Mots-clés",
            b.keywords
                .iter()
                .map(|k| format!("<span class=\"tag\">{}</span>", esc(k)))
                .collect::<String>(),
        );
        row(
            "Liens",
            b.links
                .iter()
                .map(|l| {
                    link(
                        &l.url,
                        if l.title.fr.is_empty() {
                            &l.url
                        } else {
                            &l.title.fr
                        },
                    )
                })
                .collect::<Vec<_>>()
                .join("<br>"),
        );
        h.push_str("</dl>\n");
        let tables: Vec<&Table> = cat.tables.iter().filter(|t| t.base == b.id).collect();
        if !tables.is_empty() {
            h.push_str(&format!("<h2>Tables ({})</h2>\n", tables.len()));
        }
        for t in tables {
            h.push_str(&format!(
                "<h3 id=\"table-{0}\"><code>{0}</code> — {1}</h3>\n",
                esc(&t.name),
                esc(&t.title)
            ));
            if !t.primary_key.is_empty() {
                h.push_str(&format!(
                    "<p class=\"muted\">Clé primaire : <code>{}</code></p>\n",
                    esc(&t.primary_key.join(", "))
                ));
            }
            for fk in &t.foreign_keys {
                h.push_str(&format!(
                    "<p class=\"muted\">Jointure : <code>{}</code> → <code>{}</code></p>\n",
                    esc(&fk.fields.join(", ")),
                    esc(&fk.table)
                ));
            }
            h.push_str("<table><thead><tr><th>Variable</th><th>Type</th><th>Description</th><th>Nomenclature</th></tr></thead><tbody>\n");
            for v in &t.variables {
                h.push_str(&format!(
                    "<tr><td><code>{}</code></td><td>{}{}</td><td>{}</td><td>{}</td></tr>\n",
                    esc(&v.name),
                    esc(&v.r#type),
                    v.length
                        .as_ref()
                        .map(|l| format!(" ({})", esc(l)))
                        .unwrap_or_default(),
                    esc(&v.description),
                    v.nomenclature
                        .as_ref()
                        .map(|n| format!("<code>{}</code>", esc(&n.name)))
                        .unwrap_or_default()
                ));
            }
            h.push_str("</tbody></table>\n");
        }
    }
    if !cat.code_lists.is_empty() {
        h.push_str("<h2>Nomenclatures</h2><ul>\n");
        for c in &cat.code_lists {
            h.push_str(&format!(
                "<li><code>{}</code> — {}</li>\n",
                esc(&c.name),
                esc(&c.title)
            ));
        }
        h.push_str("</ul>\n");
    }
    if !cat.docs.is_empty() {
        h.push_str("<h2>Documentation</h2><ul>\n");
        for d in &cat.docs {
            h.push_str(&format!("<li>{}</li>\n", esc(&d.title)));
        }
        h.push_str("</ul>\n");
    }
    h.push_str(&format!(
        "<footer>Page produite par Hublot {} à partir d'un brouillon, le {}.</footer>\n</body></html>\n",
        env!("CARGO_PKG_VERSION"),
        &crate::clock::now_rfc3339()[..10]
    ));
    h
}
