//! The graph → [`Base`]s and [`Table`]s: one base per `dcat:Dataset`, unmapped properties kept
//! raw in `Base::extra`, the HDH's mandatory properties checked. See `docs/healthdcat.md`.

use super::graph::{local_name, Graph, Node, Object};
use crate::ingest::text::slug;
use crate::ingest::url;
use crate::model::{Access, Base, Link, Org, Period, Table, Text, Variable};
use serde_json::{json, Map, Value};
use std::collections::{BTreeMap, HashSet};

/// The HDH's mandatory properties of a `dcat:Dataset` (`:Dataset_Shape`, `sh:minCount 1`, in
/// `hdh-shacl-shapes.ttl`), in the shapes' order.
pub const DATASET_MANDATORY: &[&str] = &[
    "dct:accessRights",
    "dct:title",
    "dcatap:applicableLegislation",
    "dcat:contactPoint",
    "dcat:distribution",
    "dct:description",
    "dct:spatial",
    "dct:identifier",
    "dcat:keyword",
    "dct:provenance",
    "dct:publisher",
    "adms:sample",
    "dcat:theme",
    "dct:type",
    "dpv:hasPurpose",
    "healthdcatap:hdab",
    "healthdcatap:healthCategory",
    "healthdcatap:healthTheme",
];

/// Mandatory properties of the publisher (`:HealthPublisherAgent_Shape`, with what it extends).
pub const PUBLISHER_MANDATORY: &[&str] = &[
    "foaf:name",
    "foaf:homepage",
    "foaf:mbox",
    "healthdcatap:publisherType",
    "healthdcatap:publisherNote",
    "healthdcatap:trustedDataHolder",
];

/// Mandatory properties of the HDAB (`:HealthAgent_Shape`, with what it extends).
pub const HDAB_MANDATORY: &[&str] = &["foaf:name", "foaf:homepage", "foaf:mbox"];

/// Mandatory properties of a distribution (`:healthDistribution_Shape` + `:Distribution_Shape`).
pub const DISTRIBUTION_MANDATORY: &[&str] = &[
    "dcat:accessURL",
    "dcatap:applicableLegislation",
    "dcat:byteSize",
    "dct:format",
    "dct:rights",
];

/// Mandatory properties of a sample (`:Distribution_Shape`).
pub const SAMPLE_MANDATORY: &[&str] = &["dcat:accessURL"];

/// Mandatory properties of a contact point (`:Kind_Shape`).
pub const CONTACT_MANDATORY: &[&str] = &["vcard:hasURL", "vcard:hasEmail"];

fn lang_of(lang: &Option<String>) -> Option<&str> {
    lang.as_deref()
}

/// French and English text of `p` on `s`; literals in other languages are returned apart.
fn text_of(g: &Graph, s: &Node, p: &str) -> (Text, Vec<Value>) {
    let mut t = Text::default();
    let mut untagged = Vec::new();
    let mut others = Vec::new();
    for o in g.objects(s, p) {
        if let Object::Literal { value, lang, .. } = o {
            let v = value.trim().to_string();
            match lang_of(lang) {
                Some(l) if l == "fr" || l.starts_with("fr-") => {
                    if t.fr.is_empty() {
                        t.fr = v
                    } else {
                        others.push(json!({"@value": v, "@language": l}))
                    }
                }
                Some(l) if l == "en" || l.starts_with("en-") => {
                    if t.en.is_empty() {
                        t.en = v
                    } else {
                        others.push(json!({"@value": v, "@language": l}))
                    }
                }
                Some(l) => others.push(json!({"@value": v, "@language": l})),
                None => untagged.push(v),
            }
        }
    }
    for v in untagged {
        if t.fr.is_empty() {
            t.fr = v;
        } else if t.en.is_empty() {
            t.en = v;
        } else {
            others.push(Value::String(v));
        }
    }
    // Only English given: show it in both slots rather than an empty French text.
    if t.fr.is_empty() && !t.en.is_empty() {
        t.fr = t.en.clone();
    }
    (t, others)
}

fn first_str<'a>(g: &'a Graph, s: &Node, p: &'a str) -> Option<&'a str> {
    g.objects(s, p).find_map(|o| o.as_str())
}

/// A label for a node: from the graph (foaf:name, skos:prefLabel, rdfs:label, dct:title,
/// vcard:fn), else from the few vocabularies Hublot knows, else its code.
fn label_of(g: &Graph, n: &Node) -> Text {
    for p in [
        "foaf:name",
        "skos:prefLabel",
        "rdfs:label",
        "dct:title",
        "vcard:fn",
        "locn:geographicName",
    ] {
        let (t, _) = text_of(g, n, p);
        if !t.is_empty() {
            return t;
        }
    }
    match n {
        Node::Iri(i) => known_label(i).unwrap_or_else(|| Text::fr(local_name(i))),
        Node::Blank(_) => Text::default(),
    }
}

/// Labels of a few EU authority vocabularies a record names without labelling them.
pub fn known_label(iri: &str) -> Option<Text> {
    let t = |fr: &str, en: &str| {
        Some(Text {
            fr: fr.into(),
            en: en.into(),
        })
    };
    let code = local_name(iri);
    if iri.contains("/authority/access-right/") {
        return match code {
            "PUBLIC" => t("Public", "Public"),
            "RESTRICTED" => t("Restreint", "Restricted"),
            "NON_PUBLIC" => t("Non public", "Non public"),
            _ => None,
        };
    }
    if iri.contains("/authority/data-theme/") {
        return match code {
            "HEAL" => t("Santé", "Health"),
            "SOCI" => t("Population et société", "Population and society"),
            "GOVE" => t(
                "Gouvernement et secteur public",
                "Government and public sector",
            ),
            "ENVI" => t("Environnement", "Environment"),
            "EDUC" => t(
                "Éducation, culture et sport",
                "Education, culture and sport",
            ),
            "ECON" => t("Économie et finances", "Economy and finance"),
            "TECH" => t("Science et technologie", "Science and technology"),
            "REGI" => t("Régions et villes", "Regions and cities"),
            "AGRI" => t(
                "Agriculture, pêche, sylviculture et alimentation",
                "Agriculture, fisheries, forestry and food",
            ),
            "ENER" => t("Énergie", "Energy"),
            "JUST" => t(
                "Justice, système juridique et sécurité publique",
                "Justice, legal system and public safety",
            ),
            "INTR" => t("Questions internationales", "International issues"),
            "TRAN" => t("Transports", "Transport"),
            _ => None,
        };
    }
    if iri.contains("/authority/country/") && code == "FRA" {
        return t("France", "France");
    }
    None
}

/// The code of a controlled-vocabulary IRI (its last segment: `…/access-right/RESTRICTED` →
/// `RESTRICTED`).
pub fn concept_code(iri: &str) -> String {
    local_name(iri).to_string()
}

/// A DOI in `s` (`10.xxxx/…`, `doi:10.…`, or a doi.org URL), normalised to `10.xxxx/…`: one
/// definition of a DOI for the readers and for citations ([`crate::cite::doi`]).
pub fn doi_of(s: &str) -> Option<String> {
    crate::cite::doi::find(s)
}

fn is_numeric_type(dt: &str) -> bool {
    matches!(
        dt,
        "xsd:integer"
            | "xsd:nonNegativeInteger"
            | "xsd:positiveInteger"
            | "xsd:int"
            | "xsd:long"
            | "xsd:decimal"
            | "xsd:double"
    )
}

/// The raw JSON of an object: IRIs and plain literals as strings, numbers as numbers, tagged
/// literals as `{"@value", "@language"}`, and nodes that have properties in the graph as
/// objects of their compacted properties (depth-limited, cycle-safe).
fn raw(g: &Graph, o: &Object, depth: usize, seen: &mut Vec<Node>) -> Value {
    match o {
        Object::Literal {
            value,
            lang,
            datatype,
        } => {
            if let Some(l) = lang {
                return json!({"@value": value, "@language": l});
            }
            if is_numeric_type(datatype) {
                if let Ok(n) = value.trim().parse::<i64>() {
                    return json!(n);
                }
                if let Ok(f) = value.trim().parse::<f64>() {
                    return json!(f);
                }
            }
            if datatype == "xsd:boolean" {
                if let Ok(b) = value.trim().parse::<bool>() {
                    return json!(b);
                }
            }
            Value::String(value.clone())
        }
        Object::Node(n) => {
            let props = g.properties(n);
            let nested = !props.is_empty() && depth < 4 && !seen.contains(n);
            if !nested {
                return match n {
                    Node::Iri(i) => match known_label(i) {
                        Some(t) => json!({"@id": i, "skos:prefLabel": t}),
                        None => Value::String(i.clone()),
                    },
                    Node::Blank(_) => json!({}),
                };
            }
            seen.push(n.clone());
            let mut m = Map::new();
            if let Node::Iri(i) = n {
                m.insert("@id".into(), Value::String(i.clone()));
            }
            for (p, v) in props {
                let val = raw(g, v, depth + 1, seen);
                match m.get_mut(p.as_str()) {
                    Some(Value::Array(a)) => a.push(val),
                    _ => {
                        m.insert(p.clone(), Value::Array(vec![val]));
                    }
                }
            }
            seen.pop();
            Value::Object(m)
        }
    }
}

/// A property the HDH makes mandatory and the record lacks.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct MissingProperty {
    /// Path from the dataset (`dct:publisher/healthdcatap:publisherType`).
    pub path: String,
    /// What to add, in words.
    pub message: String,
}

/// The mandatory properties (HDH SHACL shapes, `sh:minCount 1`) that `dataset` lacks in `g`:
/// the dataset's own, then those of its publisher, HDAB, contact points, distributions and
/// samples.
pub fn check_mandatory(g: &Graph, dataset: &Node) -> Vec<MissingProperty> {
    let mut out = Vec::new();
    let has = |n: &Node, p: &str| g.objects(n, p).next().is_some();
    for p in DATASET_MANDATORY {
        let ok = has(dataset, p)
            || (*p == "dpv:hasPurpose" && has(dataset, "dqv:hasPurpose"))
            || (*p == "dcat:contactPoint" && has(dataset, "dcat:contactpoint"));
        if !ok {
            out.push(MissingProperty {
                path: p.to_string(),
                message: format!("the dataset has no {p}"),
            });
        }
    }
    let nested: [(&str, &[&str], &str); 5] = [
        ("dct:publisher", PUBLISHER_MANDATORY, "the publisher"),
        ("healthdcatap:hdab", HDAB_MANDATORY, "the HDAB"),
        ("dcat:contactPoint", CONTACT_MANDATORY, "the contact point"),
        (
            "dcat:distribution",
            DISTRIBUTION_MANDATORY,
            "a distribution",
        ),
        ("adms:sample", SAMPLE_MANDATORY, "a sample"),
    ];
    for (via, props, who) in nested {
        let mut done = HashSet::new();
        for o in g.objects(dataset, via) {
            let Some(n) = o.as_node() else { continue };
            for p in props {
                if !has(n, p) && done.insert(*p) {
                    out.push(MissingProperty {
                        path: format!("{via}/{p}"),
                        message: format!("{who} has no {p}"),
                    });
                }
            }
        }
    }
    out
}

/// What a HealthDCAT-AP source gives.
#[derive(Debug, Default, Clone)]
pub struct HealthDcat {
    /// One base per `dcat:Dataset`.
    pub bases: Vec<Base>,
    /// Tables described with `healthdcatap:hasVariables` / CSVW.
    pub tables: Vec<Table>,
    /// Things worth telling that did not stop the reading.
    pub warnings: Vec<String>,
}

/// Properties whose whole content lands in a field of [`Base`]: not repeated in `extra`.
const FULLY_MAPPED: &[&str] = &["rdf:type", "dcat:keyword", "dcat:landingPage"];

/// Maps every `dcat:Dataset` of `g` to a base (and its CSVW variables to tables). `source`
/// names the source in tables and warnings.
pub fn map_graph(g: &Graph, source: &str) -> HealthDcat {
    let mut out = HealthDcat::default();
    let mut ids: HashSet<String> = HashSet::new();
    for ds in g.datasets() {
        let mut base = map_dataset(g, &ds, source, &mut out.warnings);
        if ids.contains(&base.id) {
            let mut i = 2;
            while ids.contains(&format!("{}-{i}", base.id)) {
                i += 1;
            }
            out.warnings.push(format!(
                "{source}: two datasets have the id `{}`; the second is `{}-{i}`",
                base.id, base.id
            ));
            base.id = format!("{}-{i}", base.id);
        }
        ids.insert(base.id.clone());
        let tables = map_tables(g, &ds, &base, source);
        if !tables.is_empty() && !base.produits.contains(&base.name) {
            base.produits.push(base.name.clone());
        }
        out.tables.extend(tables);
        out.bases.push(base);
    }
    out
}

fn id_for(g: &Graph, ds: &Node, name: &str) -> String {
    for o in g.objects(ds, "dct:identifier") {
        if let Some(s) = o.as_str() {
            if doi_of(s).is_some() {
                continue;
            }
            let s = if s.contains("://") { local_name(s) } else { s };
            let id = slug(s);
            if !id.is_empty() {
                return id;
            }
        }
    }
    if let Node::Iri(i) = ds {
        let id = slug(local_name(i));
        if !id.is_empty() {
            return id;
        }
    }
    let id = slug(name);
    if id.is_empty() {
        "dataset".into()
    } else {
        id
    }
}

fn routes_from(text: &str, out: &mut Vec<String>) {
    let t = text.to_lowercase();
    let mut add = |r: &str| {
        if !out.iter().any(|x| x == r) {
            out.push(r.to_string());
        }
    };
    for (needle, route) in [
        ("cesrees", "cesrees-cnil"),
        ("cnil", "cesrees-cnil"),
        ("mr-004", "mr-004"),
        ("mr004", "mr-004"),
        ("mr-005", "mr-005"),
        ("mr005", "mr-005"),
        ("mr-006", "mr-006"),
        ("mr006", "mr-006"),
        ("open data", "open-data"),
        ("licence ouverte", "open-data"),
        ("egb", "egb-simplified"),
    ] {
        if t.contains(needle) {
            add(route);
        }
    }
}

fn join_text(parts: &[Text]) -> Text {
    let fr: Vec<&str> = parts
        .iter()
        .map(|t| t.fr.as_str())
        .filter(|s| !s.is_empty())
        .collect();
    let en: Vec<&str> = parts
        .iter()
        .map(|t| t.en.as_str())
        .filter(|s| !s.is_empty())
        .collect();
    Text {
        fr: fr.join(" — "),
        en: en.join(" — "),
    }
}

/// Where a dataset's URLs come from, for the warnings of [`url::keep`].
struct UrlSink<'a> {
    at: String,
    warnings: &'a mut Vec<String>,
}

impl UrlSink<'_> {
    fn keep(&mut self, url: &str, property: &str) -> Option<String> {
        url::keep(url, property, &self.at, self.warnings)
    }

    /// Adds a link (once per URL), when its URL is one Hublot keeps.
    fn push_link(&mut self, links: &mut Vec<Link>, fr: String, en: String, url: &str, p: &str) {
        let Some(url) = self.keep(url, p) else { return };
        if links.iter().any(|l| l.url == url) {
            return;
        }
        links.push(Link {
            title: Text { fr, en },
            url,
        });
    }
}

/// Maps one dataset; URLs Hublot does not keep are dropped with a warning naming `source`.
fn map_dataset(g: &Graph, ds: &Node, source: &str, warnings: &mut Vec<String>) -> Base {
    let mut extra: BTreeMap<String, Value> = BTreeMap::new();
    let (title, title_others) = text_of(g, ds, "dct:title");
    let (description, desc_others) = text_of(g, ds, "dct:description");
    let (population, pop_others) = text_of(g, ds, "healthdcatap:populationCoverage");
    let name = first_str(g, ds, "dct:alternative")
        .map(str::to_string)
        .unwrap_or_else(|| {
            if !title.fr.is_empty() {
                title.fr.clone()
            } else {
                title.en.clone()
            }
        });
    let id = id_for(g, ds, &name);
    let name = if name.is_empty() { id.clone() } else { name };
    let mut urls = UrlSink {
        at: format!("{source} (dataset `{id}`)"),
        warnings,
    };

    // Publisher, contact.
    let producer = g.objects(ds, "dct:publisher").find_map(|o| {
        let n = o.as_node()?;
        let l = label_of(g, n);
        let name = if l.fr.is_empty() { l.en } else { l.fr };
        (!name.is_empty()).then(|| Org {
            name,
            url: first_str(g, n, "foaf:homepage")
                .and_then(|u| urls.keep(u, "dct:publisher/foaf:homepage")),
        })
    });
    let contact = g.objects(ds, "dcat:contactPoint").find_map(|o| {
        let n = o.as_node()?;
        first_str(g, n, "vcard:hasEmail")
            .map(|e| e.trim_start_matches("mailto:").to_string())
            .or_else(|| {
                first_str(g, n, "vcard:hasURL")
                    .and_then(|u| urls.keep(u, "dcat:contactPoint/vcard:hasURL"))
            })
            .or_else(|| first_str(g, n, "vcard:fn").map(str::to_string))
    });

    // Keywords: every language.
    let mut keywords: Vec<String> = Vec::new();
    for o in g.objects(ds, "dcat:keyword") {
        if let Some(k) = o.as_str() {
            let k = k.trim().to_string();
            if !k.is_empty() && !keywords.contains(&k) {
                keywords.push(k);
            }
        }
    }

    // Access rights.
    let mut access = Access::default();
    let mut access_parts = Vec::new();
    for o in g.objects(ds, "dct:accessRights") {
        match o {
            Object::Node(n) => {
                if let Node::Iri(i) = n {
                    if let Some(t) = known_label(i) {
                        if local_name(i) == "PUBLIC" {
                            routes_from("open data", &mut access.routes);
                        }
                        access_parts.push(t);
                    }
                }
                for p in ["skos:prefLabel", "rdfs:label", "dct:description"] {
                    let (t, _) = text_of(g, n, p);
                    if !t.is_empty() {
                        access_parts.push(t);
                    }
                }
            }
            Object::Literal { .. } => {
                let (t, _) = text_of(g, ds, "dct:accessRights");
                access_parts.push(t);
            }
        }
    }
    access.text = join_text(&access_parts);
    let all = access.text.all();
    routes_from(&all, &mut access.routes);
    // The conditions are often told on the distributions' rights statements.
    for d in g
        .objects(ds, "dcat:distribution")
        .filter_map(Object::as_node)
    {
        for r in g.objects(d, "dct:rights") {
            let t = match r {
                Object::Node(n) => join_text(&[
                    text_of(g, n, "rdfs:label").0,
                    text_of(g, n, "dct:description").0,
                ]),
                Object::Literal { value, .. } => Text::fr(value.clone()),
            };
            routes_from(&t.all(), &mut access.routes);
        }
    }

    // Period.
    let mut period = Period::default();
    for o in g.objects(ds, "dct:temporal") {
        let Some(n) = o.as_node() else { continue };
        let start = first_str(g, n, "dcat:startDate")
            .or_else(|| first_str(g, n, "schema:startDate"))
            .or_else(|| {
                g.objects(n, "time:hasBeginning")
                    .find_map(|b| b.as_node())
                    .and_then(|b| {
                        first_str(g, b, "time:inXSDDate")
                            .or_else(|| first_str(g, b, "time:inXSDDateTime"))
                    })
            });
        let end = first_str(g, n, "dcat:endDate")
            .or_else(|| first_str(g, n, "schema:endDate"))
            .or_else(|| {
                g.objects(n, "time:hasEnd")
                    .find_map(|b| b.as_node())
                    .and_then(|b| {
                        first_str(g, b, "time:inXSDDate")
                            .or_else(|| first_str(g, b, "time:inXSDDateTime"))
                    })
            });
        if let Some(s) = start {
            if period.start.as_deref().is_none_or(|x| s < x) {
                period.start = Some(s.to_string());
            }
        }
        if let Some(e) = end {
            if period.end.as_deref().is_none_or(|x| e > x) {
                period.end = Some(e.to_string());
            }
        }
    }
    period.text = match (&period.start, &period.end) {
        (Some(s), Some(e)) => Text {
            fr: format!("De {s} à {e}"),
            en: format!("From {s} to {e}"),
        },
        (Some(s), None) => Text {
            fr: format!("Depuis {s}"),
            en: format!("Since {s}"),
        },
        (None, Some(e)) => Text {
            fr: format!("Jusqu'à {e}"),
            en: format!("Until {e}"),
        },
        (None, None) => Text::default(),
    };

    // Geography.
    let places: Vec<Text> = g
        .objects(ds, "dct:spatial")
        .map(|o| match o {
            Object::Node(n) => label_of(g, n),
            Object::Literal { value, .. } => Text::fr(value.clone()),
        })
        .collect();
    let geography = Text {
        fr: places
            .iter()
            .map(|t| t.fr.as_str())
            .filter(|s| !s.is_empty())
            .collect::<Vec<_>>()
            .join(", "),
        en: places
            .iter()
            .map(|t| if t.en.is_empty() { &t.fr } else { &t.en })
            .filter(|s| !s.is_empty())
            .map(String::as_str)
            .collect::<Vec<_>>()
            .join(", "),
    };

    // Identifiers and DOI.
    let mut identifiers: Vec<String> = Vec::new();
    for o in g.objects(ds, "dct:identifier") {
        if let Some(s) = o.as_str() {
            identifiers.push(s.to_string());
        }
    }
    for o in g.objects(ds, "adms:identifier") {
        match o {
            Object::Node(n) => {
                if let Some(s) = first_str(g, n, "skos:notation") {
                    identifiers.push(s.to_string());
                }
                if let Node::Iri(i) = n {
                    identifiers.push(i.clone());
                }
            }
            Object::Literal { value, .. } => identifiers.push(value.clone()),
        }
    }
    let mut referenced: Vec<String> = Vec::new();
    for o in g.objects(ds, "dct:isReferencedBy") {
        match o {
            Object::Node(n @ Node::Blank(_)) => {
                if let Some(s) = first_str(g, n, "dct:identifier") {
                    referenced.push(s.to_string());
                }
            }
            o => {
                if let Some(s) = o.as_str() {
                    referenced.push(s.to_string());
                }
            }
        }
    }
    let doi = identifiers
        .iter()
        .chain(referenced.iter())
        .find_map(|s| doi_of(s));

    // Links.
    let mut links = Vec::new();
    for o in g.objects(ds, "dcat:landingPage") {
        if let Some(u) = o.as_str() {
            urls.push_link(
                &mut links,
                "Page de présentation".into(),
                "Landing page".into(),
                u,
                "dcat:landingPage",
            );
        }
    }
    for (via, fr, en) in [
        ("dcat:distribution", "Distribution", "Distribution"),
        ("adms:sample", "Échantillon", "Sample"),
    ] {
        for o in g.objects(ds, via) {
            let Some(n) = o.as_node() else { continue };
            let Some((url, p)) = ["dcat:downloadURL", "dcat:accessURL"]
                .into_iter()
                .find_map(|p| first_str(g, n, p).map(|u| (u, p)))
            else {
                continue;
            };
            let (t, _) = text_of(g, n, "dct:title");
            let format = g
                .objects(n, "dct:format")
                .find_map(|f| f.as_str())
                .map(|f| format!(" ({})", local_name(f)))
                .unwrap_or_default();
            let tf = if t.fr.is_empty() { "" } else { &t.fr };
            let te = if t.en.is_empty() { tf } else { &t.en };
            let sep = |x: &str| if x.is_empty() { "" } else { " : " };
            urls.push_link(
                &mut links,
                format!("{fr}{}{tf}{format}", sep(tf)),
                format!("{en}{}{te}{format}", if te.is_empty() { "" } else { ": " }),
                url,
                &format!("{via}/{p}"),
            );
        }
    }
    for r in &referenced {
        let url = match doi_of(r) {
            Some(d) => format!("https://doi.org/{d}"),
            None if r.contains("://") => r.clone(),
            None => continue,
        };
        urls.push_link(
            &mut links,
            "Publication de référence".into(),
            "Reference publication".into(),
            &url,
            "dct:isReferencedBy",
        );
    }
    for o in g.objects(ds, "foaf:page") {
        if let Some(u) = o.as_str() {
            urls.push_link(
                &mut links,
                "Documentation".into(),
                "Documentation".into(),
                u,
                "foaf:page",
            );
        }
    }

    // Kind.
    let publisher_type = g
        .objects(ds, "dct:publisher")
        .filter_map(|o| o.as_node())
        .flat_map(|n| g.objects(n, "healthdcatap:publisherType"))
        .find_map(|o| o.as_str())
        .map(local_name)
        .unwrap_or("");
    let lower_kw = keywords.join(" ").to_lowercase();
    let kind = match publisher_type {
        "registry" => "registry",
        "healthcareSystem" => "warehouse",
        "biobank" => "biobank",
        _ if lower_kw.contains("registre") || lower_kw.contains("registry") => "registry",
        _ if lower_kw.contains("cohort") => "cohort",
        _ if lower_kw.contains("entrepôt") || lower_kw.contains("warehouse") => "warehouse",
        _ => "dataset",
    }
    .to_string();

    // Everything else, raw.
    let mut seen = vec![ds.clone()];
    for (p, o) in g.properties(ds) {
        if FULLY_MAPPED.contains(&p.as_str()) {
            continue;
        }
        // Titles, descriptions and population in French or English are in their fields.
        if matches!(
            p.as_str(),
            "dct:title" | "dct:description" | "healthdcatap:populationCoverage"
        ) {
            continue;
        }
        let v = raw(g, o, 0, &mut seen);
        match extra.get_mut(p.as_str()) {
            Some(Value::Array(a)) => a.push(v),
            _ => {
                extra.insert(p.clone(), Value::Array(vec![v]));
            }
        }
    }
    for (p, others) in [
        ("dct:title", title_others),
        ("dct:description", desc_others),
        ("healthdcatap:populationCoverage", pop_others),
    ] {
        if !others.is_empty() {
            extra.insert(p.into(), Value::Array(others));
        }
    }
    if let Node::Iri(i) = ds {
        extra.insert("@id".into(), Value::String(i.clone()));
    }
    let missing = check_mandatory(g, ds);
    extra.insert(
        "hublot:missingMandatory".into(),
        Value::Array(
            missing
                .iter()
                .map(|m| Value::String(m.path.clone()))
                .collect(),
        ),
    );

    Base {
        id,
        name,
        title,
        kind,
        parent: None,
        producer,
        contact,
        description,
        population,
        period,
        geography,
        access,
        links,
        doi,
        citation: None,
        produits: Vec::new(),
        keywords,
        extra,
    }
}

/// The items of an `rdf:List` starting at `head`, or `None` when `head` is not a list.
fn rdf_list<'a>(g: &'a Graph, head: &Node) -> Option<Vec<&'a Object>> {
    g.objects(head, "rdf:first").next()?;
    let mut out = Vec::new();
    let mut cur = head.clone();
    let mut guard = 0;
    loop {
        guard += 1;
        if guard > 100_000 {
            break;
        }
        if let Some(f) = g.objects(&cur, "rdf:first").next() {
            out.push(f);
        }
        match g.objects(&cur, "rdf:rest").next() {
            Some(Object::Node(n)) if *n != Node::Iri(rdf_nil()) => cur = n.clone(),
            _ => break,
        }
    }
    Some(out)
}

fn rdf_nil() -> String {
    "http://www.w3.org/1999/02/22-rdf-syntax-ns#nil".into()
}

/// The objects of `p` on `s`, flattening `rdf:List`s.
fn items<'a>(g: &'a Graph, s: &Node, p: &'a str) -> Vec<&'a Node> {
    let mut out = Vec::new();
    for o in g.objects(s, p) {
        if let Object::Node(n) = o {
            match rdf_list(g, n) {
                Some(list) => out.extend(list.into_iter().filter_map(Object::as_node)),
                None => out.push(n),
            }
        }
    }
    out
}

fn map_tables(g: &Graph, ds: &Node, base: &Base, source: &str) -> Vec<Table> {
    let mut roots: Vec<&Node> = items(g, ds, "healthdcatap:hasVariables");
    for d in items(g, ds, "dcat:distribution") {
        roots.extend(items(g, d, "csvw:tableSchema"));
        roots.extend(items(g, d, "healthdcatap:hasVariables"));
    }
    let mut tables: Vec<Table> = Vec::new();
    let mut loose: Vec<Variable> = Vec::new();
    for r in roots {
        let mut cols = items(g, r, "csvw:column");
        for s in items(g, r, "csvw:tableSchema") {
            cols.extend(items(g, s, "csvw:column"));
        }
        let is_table = g.has_type(r, "csvw:Table") || !cols.is_empty();
        if !is_table {
            if g.objects(r, "csvw:name").next().is_some() {
                loose.push(variable(g, r));
            }
            continue;
        }
        let (t, _) = text_of(g, r, "dct:title");
        let name = first_str(g, r, "csvw:name")
            .or_else(|| first_str(g, r, "dct:identifier"))
            .map(str::to_string)
            .unwrap_or_else(|| {
                let s = slug(&t.fr);
                if s.is_empty() {
                    format!("{}-{}", base.id, tables.len() + 1)
                } else {
                    s
                }
            });
        let mut primary_key: Vec<String> = Vec::new();
        for s in std::iter::once(r).chain(items(g, r, "csvw:tableSchema")) {
            for k in g.objects(s, "csvw:primaryKey").filter_map(Object::as_str) {
                primary_key.extend(k.split_whitespace().map(str::to_string));
            }
        }
        tables.push(Table {
            name,
            title: if t.fr.is_empty() { t.en } else { t.fr },
            produit: base.name.clone(),
            base: base.id.clone(),
            variables: cols.into_iter().map(|c| variable(g, c)).collect(),
            primary_key,
            foreign_keys: Vec::new(),
            observation: None,
            history: None,
            source: source.to_string(),
        });
    }
    if !loose.is_empty() {
        tables.push(Table {
            name: base.id.clone(),
            title: base.title.fr.clone(),
            produit: base.name.clone(),
            base: base.id.clone(),
            variables: loose,
            source: source.to_string(),
            ..Default::default()
        });
    }
    tables
}

fn variable(g: &Graph, c: &Node) -> Variable {
    let name = first_str(g, c, "csvw:name")
        .or_else(|| first_str(g, c, "dct:identifier"))
        .unwrap_or("")
        .to_string();
    let (desc, _) = text_of(g, c, "dct:description");
    let (titles, _) = text_of(g, c, "csvw:titles");
    let description = if !desc.is_empty() { desc.fr } else { titles.fr };
    let (r#type, format) = match g.objects(c, "csvw:datatype").next() {
        Some(Object::Literal { value, .. }) => (value.clone(), None),
        Some(Object::Node(n @ Node::Blank(_))) => (
            first_str(g, n, "csvw:base").unwrap_or("string").to_string(),
            first_str(g, n, "csvw:format").map(str::to_string),
        ),
        Some(Object::Node(Node::Iri(i))) => (local_name(i).to_string(), None),
        None => ("string".to_string(), None),
    };
    Variable {
        name,
        description,
        r#type,
        format,
        ..Default::default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dois_are_recognised_and_normalised() {
        assert_eq!(doi_of("10.5072/abc-1").as_deref(), Some("10.5072/abc-1"));
        assert_eq!(
            doi_of("https://doi.org/10.5072/X.Y").as_deref(),
            Some("10.5072/X.Y")
        );
        assert_eq!(doi_of("doi:10.5072/z").as_deref(), Some("10.5072/z"));
        assert_eq!(doi_of("10.50/short"), None);
        assert_eq!(doi_of("https://example.org/10.5072/x"), None);
        assert_eq!(doi_of("rein-2023"), None);
    }

    #[test]
    fn codes() {
        assert_eq!(
            concept_code("http://publications.europa.eu/resource/authority/access-right/PUBLIC"),
            "PUBLIC"
        );
    }
}
