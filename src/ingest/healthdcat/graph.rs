//! RDF parsing into a small in-memory graph: Turtle (oxttl), JSON-LD (oxjsonld) and RDF/XML
//! (oxrdfxml), every input bounded ([`MAX_RDF_BYTES`], no RDF/XML entity declarations), blank
//! nodes kept apart per document, predicates compacted with [`PREFIXES`].

use crate::{Error, Result};
use std::collections::HashMap;
use std::path::Path;

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
    /// The IRI or blank node (literals give `None`).
    pub fn as_node(&self) -> Option<&Node> {
        match self {
            Object::Node(n) => Some(n),
            Object::Literal { .. } => None,
        }
    }
    /// The IRI or the literal's value (blank nodes give `None`).
    pub fn as_str(&self) -> Option<&str> {
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

    /// Every subject, in document order.
    pub fn subjects(&self) -> &[Node] {
        &self.subjects
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

/// The last segment of an IRI (`…/access-right/RESTRICTED` → `RESTRICTED`).
pub(crate) fn local_name(iri: &str) -> &str {
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
pub fn read_rdf_file(path: &Path) -> Result<Vec<u8>> {
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
/// reader (files, staged pages, the sync's page walk) comes through [`for_each_triple`], so the
/// input bounds are checked there.
pub fn parse_into(
    graph: &mut Graph,
    bytes: &[u8],
    format: RdfFormat,
    base_iri: Option<&str>,
    label: &Path,
) -> Result<()> {
    graph.docs += 1;
    let doc = graph.docs;
    for_each_triple(bytes, format, base_iri, label, |t| {
        let node = |n: oxrdf::NamedOrBlankNode| match n {
            oxrdf::NamedOrBlankNode::NamedNode(n) => Node::Iri(n.into_string()),
            oxrdf::NamedOrBlankNode::BlankNode(b) => Node::Blank(format!("d{doc}-{}", b.as_str())),
        };
        let obj = match t.object {
            oxrdf::Term::NamedNode(n) => Object::Node(Node::Iri(n.into_string())),
            oxrdf::Term::BlankNode(b) => {
                Object::Node(Node::Blank(format!("d{doc}-{}", b.as_str())))
            }
            oxrdf::Term::Literal(l) => Object::Literal {
                value: l.value().to_string(),
                lang: l.language().map(|x| x.to_ascii_lowercase()),
                datatype: compact(l.datatype().as_str()),
            },
            // RDF 1.2 triple terms (the SHACL engine's oxrdf features allow them): a catalogue
            // record has no use for them.
            #[allow(unreachable_patterns)]
            _ => return,
        };
        graph.add(node(t.subject), compact(t.predicate.as_str()), obj);
    })
}

/// Parses `bytes` (one document in `format`) and gives each triple to `f`, as oxrdf has it (the
/// SHACL validation takes them so). `base_iri` resolves relative IRIs; `label` (a file path or
/// URL) names the document in errors, with the line and column. The input bounds are checked
/// here: the size ([`MAX_RDF_BYTES`]) and, for RDF/XML, no entity declarations; a JSON-LD
/// remote context is refused, never fetched.
pub fn for_each_triple(
    bytes: &[u8],
    format: RdfFormat,
    base_iri: Option<&str>,
    label: &Path,
    mut f: impl FnMut(oxrdf::Triple),
) -> Result<()> {
    check_size(bytes.len() as u64, label)?;
    if format == RdfFormat::RdfXml {
        refuse_entity_declarations(bytes, label)?;
    }
    let bad_base = |e: oxrdf::IriParseError| Error::Field {
        path: label.to_path_buf(),
        field: "base IRI".into(),
        message: e.to_string(),
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
                f(t);
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
                f(t);
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
                f(oxrdf::Triple::new(q.subject, q.predicate, q.object));
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn compaction_and_positions() {
        assert_eq!(compact("http://purl.org/dc/terms/title"), "dct:title");
        assert_eq!(
            compact("https://w3id.org/healthdcat-ap#hdab"),
            "healthdcatap:hdab"
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
