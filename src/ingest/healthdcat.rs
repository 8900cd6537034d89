//! HealthDCAT-AP catalogue records (DCAT-AP 3 + the health extension) → bases.
//!
//! Reads Turtle (`.ttl`), JSON-LD (`.jsonld`, or a `.json` with an `@context`) and RDF/XML
//! (`.rdf`) with real RDF parsers (oxttl, oxjsonld, oxrdfxml) into a small in-memory [`Graph`],
//! then maps every `dcat:Dataset` to a [`Base`] (and, when `healthdcatap:hasVariables` or CSVW
//! describe them, to [`Table`]s with variables). See `docs/healthdcat.md` for the mapping.
//!
//! - Properties Hublot does not map to a field of [`Base`] are kept, raw, in `Base::extra`
//!   under their compacted predicate (`dct:provenance`, `healthdcatap:hdab`…), so that the base
//!   page can show them.
//! - Each base also gets `extra["hublot:missingMandatory"]`: the properties the HDH SHACL shapes
//!   make mandatory (`sh:minCount 1`) that the record lacks ([`check_mandatory`]).
//! - Remote JSON-LD contexts are **never fetched**: a document whose `@context` is a URL is
//!   refused with an error naming the URL (inline the context instead).
//! - Paged collections (hydra `nextPage` / `next`, as CKAN's `/catalog.ttl?page=N` serves them)
//!   are followed by [`fetch_paged`], which takes the fetching as a closure so that the caller
//!   decides how bytes arrive. The sync walks pages itself (it needs async fetches, conditional
//!   requests and a loop to be an error) with the same pieces: [`page_format`],
//!   [`next_page_url`], [`write_pages`].

use crate::ingest::url;
use crate::model::{Access, Base, Link, Org, Period, Table, Text, Variable};
use crate::{Error, Result};
use serde_json::{json, Map, Value};
use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::{Path, PathBuf};

/// Prefixes used to compact predicate IRIs (several namespaces may share one prefix: both
/// HealthDCAT-AP namespaces in use compact to `healthdcatap:`).
pub const PREFIXES: &[(&str, &str)] = &[
    ("dcat", "http://www.w3.org/ns/dcat#"),
    ("dct", "http://purl.org/dc/terms/"),
    ("dcatap", "http://data.europa.eu/r5r/"),
    ("healthdcatap", "http://healthdataportal.eu/ns/health#"),
    ("healthdcatap", "https://w3id.org/healthdcat-ap#"),
    ("foaf", "http://xmlns.com/foaf/0.1/"),
    ("vcard", "http://www.w3.org/2006/vcard/ns#"),
    ("adms", "http://www.w3.org/ns/adms#"),
    ("skos", "http://www.w3.org/2004/02/skos/core#"),
    ("dpv", "https://w3id.org/dpv#"),
    ("dpv", "http://www.w3.org/ns/dpv#"),
    ("dqv", "http://www.w3.org/ns/dqv#"),
    ("csvw", "http://www.w3.org/ns/csvw#"),
    ("hydra", "http://www.w3.org/ns/hydra/core#"),
    ("rdf", "http://www.w3.org/1999/02/22-rdf-syntax-ns#"),
    ("rdfs", "http://www.w3.org/2000/01/rdf-schema#"),
    ("xsd", "http://www.w3.org/2001/XMLSchema#"),
    ("owl", "http://www.w3.org/2002/07/owl#"),
    ("prov", "http://www.w3.org/ns/prov#"),
    ("schema", "http://schema.org/"),
    ("schema", "https://schema.org/"),
    ("time", "http://www.w3.org/2006/time#"),
    ("spdx", "http://spdx.org/rdf/terms#"),
    ("odrl", "http://www.w3.org/ns/odrl/2/"),
    ("locn", "http://www.w3.org/ns/locn#"),
    ("sh", "http://www.w3.org/ns/shacl#"),
];

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

/// Largest number of pages [`fetch_paged`] follows by default.
pub const DEFAULT_MAX_PAGES: usize = 1000;

/// Largest RDF document Hublot parses (a record file, or one page of a collection): the same as
/// the sync's default page limit (`max_manifest_bytes`). The in-memory graph takes several times
/// the document's size, so a bound on the input is a bound on the memory.
pub const MAX_RDF_BYTES: u64 = 64 << 20;

/// An RDF serialisation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RdfFormat {
    /// Turtle (`.ttl`, `text/turtle`).
    Turtle,
    /// JSON-LD (`.jsonld`, `application/ld+json`).
    JsonLd,
    /// RDF/XML (`.rdf`, `application/rdf+xml`).
    RdfXml,
}

impl RdfFormat {
    /// The format a file name announces (`.ttl`, `.jsonld`, `.json`, `.rdf`, `.xml`, `.owl`).
    pub fn from_path(path: &Path) -> Option<RdfFormat> {
        let ext = path.extension()?.to_str()?.to_ascii_lowercase();
        match ext.as_str() {
            "ttl" | "turtle" => Some(RdfFormat::Turtle),
            "jsonld" | "json" => Some(RdfFormat::JsonLd),
            "rdf" | "xml" | "owl" => Some(RdfFormat::RdfXml),
            _ => None,
        }
    }

    /// The format an HTTP `Content-Type` announces.
    pub fn from_media_type(content_type: &str) -> Option<RdfFormat> {
        let mt = content_type
            .split(';')
            .next()
            .unwrap_or("")
            .trim()
            .to_ascii_lowercase();
        match mt.as_str() {
            "text/turtle" | "application/x-turtle" | "application/turtle" => {
                Some(RdfFormat::Turtle)
            }
            "application/ld+json" | "application/json" => Some(RdfFormat::JsonLd),
            "application/rdf+xml" | "application/xml" | "text/xml" => Some(RdfFormat::RdfXml),
            _ => None,
        }
    }

    /// Guesses the format from the first bytes (`{`/`[` → JSON-LD, `<?xml`/`<rdf:RDF`/`<!--`/
    /// `<!DOCTYPE` → RDF/XML, anything else → Turtle).
    pub fn sniff(bytes: &[u8]) -> RdfFormat {
        let s = String::from_utf8_lossy(&bytes[..bytes.len().min(4096)]);
        let t = s.trim_start_matches('\u{feff}').trim_start();
        if t.starts_with('{') || t.starts_with('[') {
            RdfFormat::JsonLd
        } else if t.starts_with("<?xml")
            || t.starts_with("<rdf:RDF")
            || t.starts_with("<!--")
            || t.get(..9)
                .is_some_and(|d| d.eq_ignore_ascii_case("<!doctype"))
        {
            RdfFormat::RdfXml
        } else {
            RdfFormat::Turtle
        }
    }

    fn name(self) -> &'static str {
        match self {
            RdfFormat::Turtle => "Turtle",
            RdfFormat::JsonLd => "JSON-LD",
            RdfFormat::RdfXml => "RDF/XML",
        }
    }
}

/// True when `path` is a single file Hublot reads as HealthDCAT-AP: `.ttl`, `.jsonld`, `.rdf`,
/// or a `.json` whose first 64 KiB hold an `@context` (JSON-LD rather than a Table Schema).
pub fn is_healthdcat_file(path: &Path) -> bool {
    if !path.is_file() {
        return false;
    }
    let ext = path
        .extension()
        .and_then(|e| e.to_str())
        .map(|e| e.to_ascii_lowercase())
        .unwrap_or_default();
    match ext.as_str() {
        "ttl" | "jsonld" | "rdf" => true,
        "json" => {
            use std::io::Read;
            let mut head = Vec::new();
            std::fs::File::open(path)
                .and_then(|f| f.take(64 * 1024).read_to_end(&mut head))
                .is_ok()
                && String::from_utf8_lossy(&head).contains("\"@context\"")
        }
        _ => false,
    }
}

/// A node of the graph: an IRI or a blank node (blank nodes are renamed per document, so that
/// two pages' `_:b0` never merge).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Node {
    /// An IRI.
    Iri(String),
    /// A blank node.
    Blank(String),
}

/// The object of a triple.
#[derive(Debug, Clone, PartialEq)]
pub enum Object {
    /// An IRI or blank node.
    Node(Node),
    /// A literal.
    Literal {
        /// Its lexical value.
        value: String,
        /// Its language tag, lowercased.
        lang: Option<String>,
        /// Its datatype, compacted (`xsd:string`, `xsd:nonNegativeInteger`…).
        datatype: String,
    },
}

impl Object {
    fn as_node(&self) -> Option<&Node> {
        match self {
            Object::Node(n) => Some(n),
            Object::Literal { .. } => None,
        }
    }
    /// The IRI or the literal's value (blank nodes give `None`).
    fn as_str(&self) -> Option<&str> {
        match self {
            Object::Node(Node::Iri(i)) => Some(i),
            Object::Node(Node::Blank(_)) => None,
            Object::Literal { value, .. } => Some(value),
        }
    }
}

/// A set of triples indexed by subject; predicates are kept compacted (`dct:title`).
#[derive(Debug, Default, Clone)]
pub struct Graph {
    props: HashMap<Node, Vec<(String, Object)>>,
    subjects: Vec<Node>,
    docs: usize,
    triples: usize,
}

impl Graph {
    /// Number of triples.
    pub fn len(&self) -> usize {
        self.triples
    }

    /// True when the graph holds no triple.
    pub fn is_empty(&self) -> bool {
        self.triples == 0
    }

    fn add(&mut self, s: Node, p: String, o: Object) {
        let v = self.props.entry(s.clone()).or_default();
        if v.is_empty() {
            self.subjects.push(s);
        }
        if !v.iter().any(|(q, x)| *q == p && *x == o) {
            v.push((p, o));
            self.triples += 1;
        }
    }

    /// The objects of `(s, p, ?)`, `p` compacted (`dct:title`).
    pub fn objects<'a>(&'a self, s: &Node, p: &'a str) -> impl Iterator<Item = &'a Object> + 'a {
        self.props
            .get(s)
            .into_iter()
            .flatten()
            .filter(move |(q, _)| q == p)
            .map(|(_, o)| o)
    }

    /// Every `(predicate, object)` of `s`, in document order.
    pub fn properties(&self, s: &Node) -> &[(String, Object)] {
        self.props.get(s).map(|v| v.as_slice()).unwrap_or(&[])
    }

    /// True when `s` has `rdf:type` `class` (compacted).
    pub fn has_type(&self, s: &Node, class: &str) -> bool {
        self.objects(s, "rdf:type")
            .any(|o| matches!(o, Object::Node(Node::Iri(i)) if compact(i) == class))
    }

    /// The `dcat:Dataset`s, in document order.
    pub fn datasets(&self) -> Vec<Node> {
        self.subjects
            .iter()
            .filter(|s| self.has_type(s, "dcat:Dataset"))
            .cloned()
            .collect()
    }

    /// Adds every triple of `other` (its blank nodes are already distinct).
    pub fn extend(&mut self, other: Graph) {
        for s in other.subjects {
            if let Some(props) = other.props.get(&s) {
                for (p, o) in props {
                    self.add(s.clone(), p.clone(), o.clone());
                }
            }
        }
        self.docs += other.docs;
    }
}

/// Compacts an IRI with [`PREFIXES`] (`http://purl.org/dc/terms/title` → `dct:title`).
pub fn compact(iri: &str) -> String {
    for (p, ns) in PREFIXES {
        if let Some(local) = iri.strip_prefix(ns) {
            if !local.is_empty() && !local.contains('/') && !local.contains('#') {
                return format!("{p}:{local}");
            }
        }
    }
    iri.to_string()
}

fn local_name(iri: &str) -> &str {
    let t = iri.trim_end_matches(['/', '#']);
    t.rsplit(['/', '#', ':']).next().unwrap_or(t)
}

fn syntax_error(label: &Path, format: RdfFormat, line: u64, column: u64, msg: &str) -> Error {
    Error::Json {
        path: label.to_path_buf(),
        line: line as usize,
        column: column as usize,
        message: format!("invalid {}: {msg}", format.name()),
    }
}

fn line_col(bytes: &[u8], offset: u64) -> (u64, u64) {
    let end = (offset as usize).min(bytes.len());
    let before = &bytes[..end];
    let line = before.iter().filter(|&&b| b == b'\n').count() as u64 + 1;
    let start = before
        .iter()
        .rposition(|&b| b == b'\n')
        .map(|i| i + 1)
        .unwrap_or(0);
    let col = String::from_utf8_lossy(&before[start..]).chars().count() as u64 + 1;
    (line, col)
}

/// Refuses an RDF/XML document that declares an entity (`<!ENTITY name "…">`, `<!ENTITY % …>`),
/// before any parsing: oxrdfxml expands every declared entity eagerly and without limit, so a few
/// nested declarations ("billion laughs") turn 800 bytes into gigabytes and abort the process.
/// Records only use them to abbreviate IRIs, which XML namespaces do as well. The scan is looser than XML (any case, spaces after `<!`,
/// anywhere in the document, comments included) so that nothing the parser would read as a
/// declaration gets through; a harmless `<!DOCTYPE rdf:RDF>` without declarations is accepted.
/// (The parser decodes UTF-8 only, so a scan of the bytes sees what it sees.)
fn refuse_entity_declarations(bytes: &[u8], label: &Path) -> Result<()> {
    const ENTITY: &[u8] = b"entity";
    let mut from = 0;
    while let Some(i) = bytes[from..].iter().position(|&b| b == b'<') {
        let at = from + i;
        from = at + 1;
        if bytes.get(at + 1) != Some(&b'!') {
            continue;
        }
        let rest = &bytes[at + 2..];
        let word = rest
            .iter()
            .position(|b| !b.is_ascii_whitespace())
            .map(|k| &rest[k..])
            .unwrap_or(&[]);
        if word.len() >= ENTITY.len() && word[..ENTITY.len()].eq_ignore_ascii_case(ENTITY) {
            let (line, col) = line_col(bytes, at as u64);
            return Err(syntax_error(
                label,
                RdfFormat::RdfXml,
                line,
                col,
                "entity declarations (<!ENTITY …>) are refused: nested entities can expand a few \
                 bytes into gigabytes (\"billion laughs\"); write the values out and remove the \
                 DOCTYPE's declarations",
            ));
        }
    }
    Ok(())
}

/// Refuses a document larger than [`MAX_RDF_BYTES`].
fn check_size(len: u64, label: &Path) -> Result<()> {
    if len > MAX_RDF_BYTES {
        return Err(Error::TooLarge(format!(
            "{}: {len} bytes; an RDF document may have at most {MAX_RDF_BYTES} bytes",
            label.display()
        )));
    }
    Ok(())
}

/// Reads an RDF file, refusing it (before reading it) when larger than [`MAX_RDF_BYTES`].
fn read_rdf_file(path: &Path) -> Result<Vec<u8>> {
    use std::io::Read;
    let f = std::fs::File::open(path).map_err(|e| Error::io(path, e))?;
    let len = f.metadata().map_err(|e| Error::io(path, e))?.len();
    check_size(len, path)?;
    // A file that grows while read (or a special file with no length) still stops at the bound.
    let mut bytes = Vec::with_capacity(len as usize);
    f.take(MAX_RDF_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| Error::io(path, e))?;
    check_size(bytes.len() as u64, path)?;
    Ok(bytes)
}

/// Parses `bytes` (one document in `format`) into `graph`. `base_iri` resolves relative IRIs;
/// `label` (a file path or URL) names the document in errors, with the line and column. Every
/// reader (files, staged pages, the sync's page walk) comes through here, so the input bounds
/// are checked here: the size ([`MAX_RDF_BYTES`]) and, for RDF/XML, no entity declarations.
pub fn parse_into(
    graph: &mut Graph,
    bytes: &[u8],
    format: RdfFormat,
    base_iri: Option<&str>,
    label: &Path,
) -> Result<()> {
    check_size(bytes.len() as u64, label)?;
    if format == RdfFormat::RdfXml {
        refuse_entity_declarations(bytes, label)?;
    }
    graph.docs += 1;
    let doc = graph.docs;
    let bad_base = |e: oxrdf::IriParseError| Error::Field {
        path: label.to_path_buf(),
        field: "base IRI".into(),
        message: e.to_string(),
    };
    let mut push = |s: oxrdf::NamedOrBlankNode, p: oxrdf::NamedNode, o: oxrdf::Term| {
        let node = |n: oxrdf::NamedOrBlankNode| match n {
            oxrdf::NamedOrBlankNode::NamedNode(n) => Node::Iri(n.into_string()),
            oxrdf::NamedOrBlankNode::BlankNode(b) => Node::Blank(format!("d{doc}-{}", b.as_str())),
        };
        let obj = match o {
            oxrdf::Term::NamedNode(n) => Object::Node(Node::Iri(n.into_string())),
            oxrdf::Term::BlankNode(b) => {
                Object::Node(Node::Blank(format!("d{doc}-{}", b.as_str())))
            }
            oxrdf::Term::Literal(l) => Object::Literal {
                value: l.value().to_string(),
                lang: l.language().map(|x| x.to_ascii_lowercase()),
                datatype: compact(l.datatype().as_str()),
            },
        };
        graph.add(node(s), compact(p.as_str()), obj);
    };
    match format {
        RdfFormat::Turtle => {
            let mut parser = oxttl::TurtleParser::new();
            if let Some(b) = base_iri {
                parser = parser.with_base_iri(b).map_err(bad_base)?;
            }
            for t in parser.for_slice(bytes) {
                let t = t.map_err(|e| {
                    let at = e.location().start;
                    syntax_error(label, format, at.line + 1, at.column + 1, e.message())
                })?;
                push(t.subject, t.predicate, t.object);
            }
        }
        RdfFormat::RdfXml => {
            let mut parser = oxrdfxml::RdfXmlParser::new();
            if let Some(b) = base_iri {
                parser = parser.with_base_iri(b).map_err(bad_base)?;
            }
            let mut it = parser.for_slice(bytes);
            while let Some(t) = it.next() {
                let t = t.map_err(|e| {
                    let (line, col) = line_col(bytes, it.buffer_position());
                    syntax_error(label, format, line, col, &e.to_string())
                })?;
                push(t.subject, t.predicate, t.object);
            }
        }
        RdfFormat::JsonLd => {
            let mut parser = oxjsonld::JsonLdParser::new();
            if let Some(b) = base_iri {
                parser = parser.with_base_iri(b).map_err(bad_base)?;
            }
            // Offline-first: a remote @context is refused, never fetched.
            let it = parser
                .for_slice(bytes)
                .with_load_document_callback(|url, _| {
                    Err(format!(
                        "remote JSON-LD context <{url}> refused: Hublot never fetches remote \
                         contexts; inline the context in the document"
                    )
                    .into())
                });
            for q in it {
                let q = q.map_err(|e| match e.location() {
                    Some(r) => syntax_error(
                        label,
                        format,
                        r.start.line + 1,
                        r.start.column + 1,
                        &e.to_string(),
                    ),
                    // JSON-LD errors (bad or remote context…) have no position.
                    None => Error::Field {
                        path: label.to_path_buf(),
                        field: if e.to_string().contains("context") {
                            "@context".into()
                        } else {
                            "JSON-LD".into()
                        },
                        message: e.to_string(),
                    },
                })?;
                push(q.subject, q.predicate, q.object);
            }
        }
    }
    Ok(())
}

/// Parses one document into a new graph.
pub fn parse_bytes(
    bytes: &[u8],
    format: RdfFormat,
    base_iri: Option<&str>,
    label: &Path,
) -> Result<Graph> {
    let mut g = Graph::default();
    parse_into(&mut g, bytes, format, base_iri, label)?;
    Ok(g)
}

/// Parses a file (format from its extension, else sniffed); relative IRIs resolve against its
/// `file://` URL.
pub fn parse_file(path: &Path) -> Result<Graph> {
    let bytes = read_rdf_file(path)?;
    let format = RdfFormat::from_path(path).unwrap_or_else(|| RdfFormat::sniff(&bytes));
    let abs = std::fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf());
    let base = reqwest::Url::from_file_path(&abs)
        .ok()
        .map(|u| u.to_string());
    parse_bytes(&bytes, format, base.as_deref(), path)
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

/// Reads a HealthDCAT-AP file into bases and tables.
pub fn read_file(path: &Path) -> Result<HealthDcat> {
    let g = parse_file(path)?;
    let out = map_graph(&g, &path.display().to_string());
    if out.bases.is_empty() {
        return Err(Error::UnknownSource {
            path: path.into(),
            message: "valid RDF, but no dcat:Dataset in it: not a HealthDCAT-AP catalogue record"
                .into(),
        });
    }
    Ok(out)
}

// ---------------------------------------------------------------------------------------------
// Mapping
// ---------------------------------------------------------------------------------------------

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
    let slug = crate::ingest::markdown_docs::slug;
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
                let s = crate::ingest::markdown_docs::slug(&t.fr);
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

// ---------------------------------------------------------------------------------------------
// Paged collections
// ---------------------------------------------------------------------------------------------

/// One fetched page of a collection.
#[derive(Debug, Clone, Default)]
pub struct Page {
    /// The page's bytes.
    pub bytes: Vec<u8>,
    /// Its `Content-Type`, when known (else the format comes from the URL, then the bytes).
    pub content_type: Option<String>,
}

/// A paged collection, followed to its end.
#[derive(Debug, Default)]
pub struct PagedCatalogue {
    /// The URLs fetched, in order.
    pub pages: Vec<String>,
    /// All the pages' triples (blank nodes kept apart per page).
    pub graph: Graph,
    /// Things worth telling (a page pointing back to an earlier one…).
    pub warnings: Vec<String>,
}

/// The next page a page announces: `hydra:nextPage` (CKAN's `hydra:PagedCollection`) or
/// `hydra:next` (Hydra's `PartialCollectionView`), as an IRI or a literal, resolved against
/// `current`.
pub fn next_page_url(g: &Graph, current: &str) -> Option<String> {
    let next = g
        .subjects
        .iter()
        .flat_map(|s| {
            g.objects(s, "hydra:nextPage")
                .chain(g.objects(s, "hydra:next"))
        })
        .find_map(Object::as_str)?
        .trim()
        .to_string();
    if next.is_empty() {
        return None;
    }
    match reqwest::Url::parse(current).and_then(|u| u.join(&next)) {
        Ok(u) => Some(u.to_string()),
        Err(_) => Some(next),
    }
}

/// The format of a fetched page: from its `Content-Type`, else its URL's extension (query and
/// fragment ignored), else its first bytes.
pub fn page_format(url: &str, content_type: Option<&str>, bytes: &[u8]) -> RdfFormat {
    content_type
        .and_then(RdfFormat::from_media_type)
        .or_else(|| {
            let path = url.split(['?', '#']).next().unwrap_or("");
            RdfFormat::from_path(Path::new(path))
        })
        .unwrap_or_else(|| RdfFormat::sniff(bytes))
}

/// One page of a collection as fetched: its URL, format and bytes.
#[derive(Debug, Clone)]
pub struct FetchedPage {
    /// The page's URL.
    pub url: String,
    /// Its format (from the `Content-Type`, else the URL, else the bytes).
    pub format: RdfFormat,
    /// Its bytes, as served.
    pub bytes: Vec<u8>,
}

/// Fetches `start_url` with `fetch`, then each next page it announces (see [`next_page_url`]),
/// at most `max_pages` pages, parsing each (a bad page is an error naming its URL and line).
/// A page that points back to a page already fetched ends the walk with a warning; more than
/// `max_pages` pages is an error. Returns the pages, their merged graph and the warnings.
pub fn fetch_pages<F>(
    start_url: &str,
    max_pages: usize,
    mut fetch: F,
) -> Result<(Vec<FetchedPage>, PagedCatalogue)>
where
    F: FnMut(&str) -> Result<Page>,
{
    let mut out = PagedCatalogue::default();
    let mut raw = Vec::new();
    let mut seen: HashSet<String> = HashSet::new();
    let mut url = start_url.to_string();
    loop {
        if out.pages.len() >= max_pages {
            return Err(Error::Invalid(format!(
                "{start_url}: the collection has more than {max_pages} pages; stopped at {url}"
            )));
        }
        seen.insert(url.clone());
        let page = fetch(&url)?;
        let format = page_format(&url, page.content_type.as_deref(), &page.bytes);
        let mut g = Graph {
            docs: out.graph.docs,
            ..Default::default()
        };
        parse_into(
            &mut g,
            &page.bytes,
            format,
            Some(&url),
            &PathBuf::from(&url),
        )?;
        let next = next_page_url(&g, &url);
        let docs = g.docs;
        out.graph.extend(g);
        out.graph.docs = docs;
        out.pages.push(url.clone());
        raw.push(FetchedPage {
            url: url.clone(),
            format,
            bytes: page.bytes,
        });
        match next {
            Some(n) if seen.contains(&n) => {
                out.warnings.push(format!(
                    "{url}: next page {n} was already fetched; the collection ends here"
                ));
                break;
            }
            Some(n) => url = n,
            None => break,
        }
    }
    Ok((raw, out))
}

/// [`fetch_pages`], keeping only the merged graph.
pub fn fetch_paged<F>(start_url: &str, max_pages: usize, fetch: F) -> Result<PagedCatalogue>
where
    F: FnMut(&str) -> Result<Page>,
{
    fetch_pages(start_url, max_pages, fetch).map(|(_, p)| p)
}

/// Writes fetched pages into `dir` as `page-0001.ttl`, `page-0002.jsonld`… with a
/// [`PAGES_FILE`] listing their URLs (in order), so that the sync can stage a collection like any
/// other tree and [`read_dir`] can read it back.
pub fn write_pages(dir: &Path, pages: &[FetchedPage]) -> Result<()> {
    std::fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
    let mut list = Vec::new();
    for (i, p) in pages.iter().enumerate() {
        let ext = match p.format {
            RdfFormat::Turtle => "ttl",
            RdfFormat::JsonLd => "jsonld",
            RdfFormat::RdfXml => "rdf",
        };
        let name = format!("page-{:04}.{ext}", i + 1);
        let path = dir.join(&name);
        std::fs::write(&path, &p.bytes).map_err(|e| Error::io(&path, e))?;
        list.push(json!({"file": name, "url": p.url}));
    }
    let path = dir.join(PAGES_FILE);
    let bytes = serde_json::to_vec_pretty(&json!({ "pages": list })).expect("JSON");
    std::fs::write(&path, bytes).map_err(|e| Error::io(&path, e))
}

/// The file [`write_pages`] lists the pages in.
pub const PAGES_FILE: &str = "healthdcat-pages.json";

/// True when `dir` holds a collection written by [`write_pages`].
pub fn is_healthdcat_dir(dir: &Path) -> bool {
    dir.join(PAGES_FILE).is_file()
}

/// Reads a collection written by [`write_pages`]: every page, each with its own URL as base
/// (so relative IRIs resolve as when fetched), merged and mapped.
pub fn read_dir(dir: &Path) -> Result<HealthDcat> {
    let list_path = dir.join(PAGES_FILE);
    let bytes = std::fs::read(&list_path).map_err(|e| Error::io(&list_path, e))?;
    let list: Value = serde_json::from_slice(&bytes).map_err(|e| Error::json(&list_path, &e))?;
    let mut g = Graph::default();
    let pages = list["pages"].as_array().cloned().unwrap_or_default();
    for (i, p) in pages.iter().enumerate() {
        let (Some(file), url) = (p["file"].as_str(), p["url"].as_str()) else {
            return Err(Error::Field {
                path: list_path,
                field: format!("pages[{i}].file"),
                message: "missing".into(),
            });
        };
        if file.contains('/') || file.contains('\\') || file.starts_with('.') {
            return Err(Error::Field {
                path: list_path,
                field: format!("pages[{i}].file"),
                message: "must be a plain file name".into(),
            });
        }
        let path = dir.join(file);
        let bytes = read_rdf_file(&path)?;
        let format = RdfFormat::from_path(&path).unwrap_or_else(|| RdfFormat::sniff(&bytes));
        parse_into(&mut g, &bytes, format, url, &path)?;
    }
    Ok(map_graph(&g, &dir.display().to_string()))
}

/// Follows a paged collection and maps it, in one go (the sync stages the pages instead, so that
/// they go through its mirror).
pub fn read_paged<F>(start_url: &str, max_pages: usize, fetch: F) -> Result<HealthDcat>
where
    F: FnMut(&str) -> Result<Page>,
{
    let paged = fetch_paged(start_url, max_pages, fetch)?;
    let mut out = map_graph(&paged.graph, start_url);
    out.warnings.extend(paged.warnings);
    Ok(out)
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
    fn compaction_and_codes() {
        assert_eq!(compact("http://purl.org/dc/terms/title"), "dct:title");
        assert_eq!(
            compact("https://w3id.org/healthdcat-ap#hdab"),
            "healthdcatap:hdab"
        );
        assert_eq!(
            concept_code("http://publications.europa.eu/resource/authority/access-right/PUBLIC"),
            "PUBLIC"
        );
        assert_eq!(line_col(b"ab\ncd\nef", 4), (2, 2));
    }

    #[test]
    fn entity_declarations_are_found_however_written() {
        let doc = |dtd: &str| {
            format!(
                "<?xml version=\"1.0\"?>\n{dtd}\n<rdf:RDF xmlns:rdf=\"{}\"/>",
                "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
            )
        };
        let label = Path::new("x.rdf");
        for dtd in [
            "<!DOCTYPE r [<!ENTITY a \"b\">]>",
            "<!DOCTYPE r [\n  <!ENTITY % p \"b\">\n]>",
            "<!doctype r [<!entity a \"b\">]>",
            "<!DOCTYPE r [<! \t\nEnTiTy a 'b'>]>",
            "<!DOCTYPE r SYSTEM \"r.dtd\" [<!ENTITY a SYSTEM \"file:///etc/passwd\">]>",
        ] {
            let bytes = doc(dtd);
            match parse_bytes(bytes.as_bytes(), RdfFormat::RdfXml, None, label) {
                Err(Error::Json {
                    path,
                    line,
                    message,
                    ..
                }) => {
                    assert_eq!(path, label);
                    assert!(line == 2 || line == 3, "{dtd}: line {line}");
                    assert!(message.contains("<!ENTITY"), "{message}");
                }
                r => panic!("{dtd}: expected a refusal, got {r:?}"),
            }
        }
        // Declared after the root element: still refused (the parser would read it).
        let late = format!("{}<!DOCTYPE r [<!ENTITY a \"b\">]>", doc(""));
        assert!(parse_bytes(late.as_bytes(), RdfFormat::RdfXml, None, label).is_err());
        // A DOCTYPE without declarations is harmless.
        let g = parse_bytes(
            doc("<!DOCTYPE rdf:RDF>").as_bytes(),
            RdfFormat::RdfXml,
            None,
            label,
        )
        .unwrap();
        assert!(g.is_empty());
        // Turtle has no entities: the same text in a literal is only text.
        let ttl = "<http://x.example/a> <http://x.example/b> \"<!ENTITY a 'b'>\" .";
        assert_eq!(
            parse_bytes(ttl.as_bytes(), RdfFormat::Turtle, None, label)
                .unwrap()
                .len(),
            1
        );
    }

    #[test]
    fn sniffing() {
        assert_eq!(RdfFormat::sniff(b"  {\"@context\": {}}"), RdfFormat::JsonLd);
        assert_eq!(
            RdfFormat::sniff(b"<?xml version='1.0'?>"),
            RdfFormat::RdfXml
        );
        assert_eq!(RdfFormat::sniff(b"@prefix dcat: <x> ."), RdfFormat::Turtle);
        assert_eq!(
            RdfFormat::sniff(b"<!DOCTYPE rdf:RDF [<!ENTITY a 'b'>]>"),
            RdfFormat::RdfXml
        );
        assert_eq!(
            RdfFormat::from_media_type("text/turtle; charset=utf-8"),
            Some(RdfFormat::Turtle)
        );
    }
}
