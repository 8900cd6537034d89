//! Glue to the SHACL engine (the rudof project's `shacl` crate, decisions/0009): shapes files
//! are parsed by our bounded Turtle reader and compiled once; a record's triples, as our readers
//! parse them, become the engine's in-memory data graph; its results become [`Finding`]s with a
//! sentence and a fix in the requested language.

use super::report::{Finding, Severity};
use super::text::{compact, node_label, prop_label, Lines};
use crate::cite::Lang;
use crate::ingest::healthdcat::graph::{for_each_triple, read_rdf_file, RdfFormat};
use crate::{Error, Result};
use rudof_rdf::rdf_core::term::Object;
use rudof_rdf::rdf_core::SHACLPath;
use rudof_rdf::rdf_impl::OxigraphInMemory;
use shacl::ir::IRSchema;
use shacl::rdf::ShaclParser;
use shacl::validator::processor::{GraphValidation, ShaclProcessor};
use shacl::validator::report::ValidationResult;
use shacl::validator::store::Graph as EngineGraph;
use shacl::validator::{ShaclConfig, ShaclValidationMode};
use std::path::{Path, PathBuf};

/// Hublot's own profile of HealthDCAT-AP (`shapes/hublot-healthdcat.ttl`), used when no shapes
/// file is given.
pub const BUNDLED_SHAPES: &str = include_str!("shapes/hublot-healthdcat.ttl");

/// Most results one validation keeps (a bound on memory; the engine stops with an error past it).
const MAX_RESULTS: usize = 200_000;

/// A compiled shapes graph.
pub struct Shapes {
    ir: IRSchema,
    /// Where it comes from: the file, or `None` for the bundled profile.
    pub source: Option<PathBuf>,
}

impl Shapes {
    /// The bundled profile.
    pub fn bundled() -> Result<Shapes> {
        compile(
            BUNDLED_SHAPES.as_bytes(),
            Path::new("(bundled) hublot-healthdcat.ttl"),
            None,
        )
    }

    /// A shapes file (Turtle, JSON-LD or RDF/XML by its extension; bounded like every RDF input).
    pub fn read(path: &Path) -> Result<Shapes> {
        let bytes = read_rdf_file(path)?;
        compile(&bytes, path, Some(path.to_path_buf()))
    }
}

fn compile(bytes: &[u8], label: &Path, source: Option<PathBuf>) -> Result<Shapes> {
    let format = RdfFormat::from_path(label).unwrap_or(RdfFormat::Turtle);
    let graph = to_engine_graph(bytes, format, None, label)?;
    let bad = |message: String| Error::Field {
        path: label.to_path_buf(),
        field: "SHACL shapes".into(),
        message,
    };
    let ast = ShaclParser::new(graph)
        .parse()
        .map_err(|e| bad(e.to_string()))?;
    let ir = IRSchema::try_from(ast).map_err(|e| bad(e.to_string()))?;
    Ok(Shapes { ir, source })
}

/// Parses an RDF document with our readers into the engine's in-memory graph.
pub fn to_engine_graph(
    bytes: &[u8],
    format: RdfFormat,
    base: Option<&str>,
    label: &Path,
) -> Result<OxigraphInMemory> {
    let mut g = OxigraphInMemory::new();
    for_each_triple(bytes, format, base, label, |t| {
        g.add_triple_ref(t.subject.as_ref(), t.predicate.as_ref(), t.object.as_ref())
            .expect("adding a triple to an in-memory graph cannot fail");
    })?;
    Ok(g)
}

/// The engine's graph of an oxrdf graph already parsed.
pub fn engine_graph_of(graph: &oxrdf::Graph) -> OxigraphInMemory {
    let mut g = OxigraphInMemory::new();
    for t in graph.iter() {
        g.add_triple_ref(t.subject, t.predicate, t.object)
            .expect("adding a triple to an in-memory graph cannot fail");
    }
    g
}

/// Validates `graph` against `shapes`; the findings name `file` and the line where their focus
/// node (or value) is written.
pub fn validate(
    graph: &oxrdf::Graph,
    shapes: &Shapes,
    file: &Path,
    lines: &Lines,
    lang: Lang,
) -> Result<Vec<Finding>> {
    let mut v = GraphValidation::new(EngineGraph::from(engine_graph_of(graph)));
    let config = ShaclConfig::new().with_max_results(Some(MAX_RESULTS));
    let report = v
        .validate(&shapes.ir, &ShaclValidationMode::Native, &config)
        .map_err(|e| Error::Invalid(format!("{}: SHACL validation failed: {e}", file.display())))?;
    Ok(report
        .results()
        .iter()
        .map(|r| finding(r, graph, file, lines, lang))
        .collect())
}

/// An oxrdf subject as findings name it: the IRI, or `_:id`.
pub fn subject_string(s: oxrdf::NamedOrBlankNodeRef<'_>) -> String {
    match s {
        oxrdf::NamedOrBlankNodeRef::NamedNode(n) => n.as_str().to_string(),
        oxrdf::NamedOrBlankNodeRef::BlankNode(b) => format!("_:{}", b.as_str()),
    }
}

fn object_string(o: &Object) -> String {
    match o {
        Object::Iri(i) => i.as_str().to_string(),
        Object::BlankNode(b) => format!("_:{b}"),
        Object::Literal(l) => l.lexical_form(),
        other => other.to_string(),
    }
}

/// A SHACL path written with our prefixes: `dct:title`, `^dcat:inSeries`, `(a / b)`.
fn path_string(p: &SHACLPath) -> String {
    match p {
        SHACLPath::Predicate { pred } => compact(pred.as_str()),
        SHACLPath::Inverse { path } => format!("^{}", path_string(path)),
        SHACLPath::Sequence { paths } => format!(
            "({})",
            paths
                .iter()
                .map(path_string)
                .collect::<Vec<_>>()
                .join(" / ")
        ),
        SHACLPath::Alternative { paths } => format!(
            "({})",
            paths
                .iter()
                .map(path_string)
                .collect::<Vec<_>>()
                .join(" | ")
        ),
        other => other.to_string(),
    }
}

fn predicate_iri(p: &SHACLPath) -> Option<&str> {
    match p {
        SHACLPath::Predicate { pred } => Some(pred.as_str()),
        _ => None,
    }
}

/// How a sentence names a node: `<iri>`; a blank node by the path that leads to it from the
/// nearest IRI (« le nœud anonyme dcat:distribution de <…> »), which also gives the line.
pub(super) fn describe(graph: &oxrdf::Graph, node: &str, lang: Lang) -> (String, Option<String>) {
    let Some(mut id) = node.strip_prefix("_:").map(str::to_string) else {
        return (node_label(node), Some(node.to_string()));
    };
    let mut steps: Vec<String> = Vec::new();
    let mut root = None;
    // Blank nodes may form a cycle: a few steps up are enough to name one.
    while steps.len() < 6 {
        let b = oxrdf::BlankNodeRef::new_unchecked(&id);
        let Some(t) = graph.triples_for_object(b).next() else {
            break;
        };
        steps.push(compact(t.predicate.as_str()));
        match t.subject {
            oxrdf::NamedOrBlankNodeRef::NamedNode(n) => {
                root = Some(n.as_str().to_string());
                break;
            }
            oxrdf::NamedOrBlankNodeRef::BlankNode(p) => id = p.as_str().to_string(),
        }
    }
    if steps.is_empty() {
        return (node_label(node), None);
    }
    steps.reverse();
    let from = root
        .as_deref()
        .map(node_label)
        .unwrap_or_else(|| format!("_:{id}"));
    let label = match lang {
        Lang::Fr => format!("le nœud anonyme {} de {from}", steps.join(" / ")),
        Lang::En => format!("the blank node {} of {from}", steps.join(" / ")),
    };
    (label, root)
}

fn finding(
    r: &ValidationResult,
    graph: &oxrdf::Graph,
    file: &Path,
    lines: &Lines,
    lang: Lang,
) -> Finding {
    use shacl::types::Severity as S;
    let severity = match r.severity() {
        S::Warning => Severity::Warning,
        S::Info | S::Debug | S::Trace => Severity::Info,
        _ => Severity::Violation,
    };
    let focus = object_string(r.focus_node());
    let path = r.path().map(path_string);
    let constraint = compact(&object_string(r.constraint_component()));
    let value = r.value().map(object_string);
    let prop = match r.path() {
        Some(p) => match predicate_iri(p) {
            Some(iri) => prop_label(iri, lang),
            None => path_string(p),
        },
        None => String::new(),
    };
    let details: Vec<String> = r
        .details()
        .iter()
        .map(|d| {
            let what = d.path().map(path_string).unwrap_or_default();
            let c = compact(&object_string(d.constraint_component()));
            let c = c.trim_start_matches("sh:");
            let how = match (c, lang) {
                ("MinCountConstraintComponent", Lang::Fr) => "absent",
                ("MinCountConstraintComponent", Lang::En) => "missing",
                ("MaxCountConstraintComponent", Lang::Fr) => "trop de valeurs",
                ("MaxCountConstraintComponent", Lang::En) => "too many values",
                ("DatatypeConstraintComponent", Lang::Fr) => "mauvais type de donnée",
                ("DatatypeConstraintComponent", Lang::En) => "wrong datatype",
                ("NodeKindConstraintComponent", Lang::Fr) => "mauvais genre de valeur",
                ("NodeKindConstraintComponent", Lang::En) => "wrong kind of value",
                _ => c,
            };
            format!("{what} {how}").trim().to_string()
        })
        .collect();
    let (focus_label, anchor) = describe(graph, &focus, lang);
    let (message, fix) = words(
        &constraint,
        &focus_label,
        path.as_deref().unwrap_or(""),
        &prop,
        value.as_deref(),
        &details,
        lang,
    );
    let line = anchor
        .as_deref()
        .and_then(|a| lines.find(a))
        .or_else(|| value.as_deref().and_then(|v| lines.find(v)));
    Finding {
        severity,
        focus,
        path,
        constraint,
        value,
        message,
        fix,
        file: Some(file.to_path_buf()),
        line,
        shape: r.source().map(object_string),
    }
}

/// The message and the fix of a SHACL result: `focus` is the node as a sentence names it,
/// `path` the compact path, `prop` the path with what it holds.
fn words(
    constraint: &str,
    focus: &str,
    path: &str,
    prop: &str,
    value: Option<&str>,
    details: &[String],
    lang: Lang,
) -> (String, String) {
    let v = value.unwrap_or("");
    let why = if details.is_empty() {
        String::new()
    } else {
        match lang {
            Lang::Fr => format!(" (en cause : {})", details.join(", ")),
            Lang::En => format!(" (because of: {})", details.join(", ")),
        }
    };
    let fr = lang == Lang::Fr;
    match constraint {
        "sh:MinCountConstraintComponent" if fr => (
            format!("{focus} n'a pas de {path} : il en faut au moins un."),
            format!("Ajoutez {prop} sur {focus}."),
        ),
        "sh:MinCountConstraintComponent" => (
            format!("{focus} has no {path}: at least one is required."),
            format!("Add {prop} to {focus}."),
        ),
        "sh:MaxCountConstraintComponent" if fr => (
            format!("{focus} a trop de valeurs pour {path}."),
            format!("Ne gardez qu'une valeur de {prop} sur {focus}."),
        ),
        "sh:MaxCountConstraintComponent" => (
            format!("{focus} has too many values for {path}."),
            format!("Keep a single value of {prop} on {focus}."),
        ),
        "sh:DatatypeConstraintComponent" if fr => (
            format!("La valeur « {v} » de {path} sur {focus} n'a pas le type de donnée attendu."),
            format!("Typez la valeur de {prop} comme le profil l'exige : \"…\"^^ suivi de son type (xsd:anyURI, xsd:date, xsd:decimal…)."),
        ),
        "sh:DatatypeConstraintComponent" => (
            format!("The value \"{v}\" of {path} on {focus} does not have the expected datatype."),
            format!("Give {prop} a value of the datatype the profile requires: \"…\"^^ followed by its type (xsd:anyURI, xsd:date, xsd:decimal…)."),
        ),
        "sh:NodeKindConstraintComponent" if fr => (
            format!("La valeur « {v} » de {path} sur {focus} n'est pas du genre attendu (IRI, nœud ou littéral)."),
            format!("Écrivez {prop} comme le profil l'exige : une IRI <https://…> pour une ressource, un texte entre guillemets pour un littéral."),
        ),
        "sh:NodeKindConstraintComponent" => (
            format!("The value \"{v}\" of {path} on {focus} is not of the expected kind (IRI, node or literal)."),
            format!("Write {prop} as the profile requires: an IRI <https://…> for a resource, a quoted text for a literal."),
        ),
        "sh:NodeConstraintComponent" if fr => (
            format!("{} ({path} pour {focus}) ne respecte pas la forme attendue{why}.", node_label(v)),
            format!("Complétez {} : ajoutez-lui les propriétés que la forme demande{why}.", node_label(v)),
        ),
        "sh:NodeConstraintComponent" => (
            format!("{} ({path} of {focus}) does not conform to the expected shape{why}.", node_label(v)),
            format!("Complete {}: give it the properties the shape requires{why}.", node_label(v)),
        ),
        "sh:ClassConstraintComponent" if fr => (
            format!("{} ({path} pour {focus}) n'a pas la classe attendue.", node_label(v)),
            format!("Donnez à {} le type rdf:type que le profil demande pour {prop}.", node_label(v)),
        ),
        "sh:ClassConstraintComponent" => (
            format!("{} ({path} of {focus}) is not of the expected class.", node_label(v)),
            format!("Give {} the rdf:type the profile requires for {prop}.", node_label(v)),
        ),
        "sh:InConstraintComponent" | "sh:HasValueConstraintComponent" if fr => (
            format!("La valeur « {v} » de {path} sur {focus} n'est pas une des valeurs permises."),
            format!("Choisissez pour {prop} une des valeurs que le profil énumère."),
        ),
        "sh:InConstraintComponent" | "sh:HasValueConstraintComponent" => (
            format!("The value \"{v}\" of {path} on {focus} is not one of the allowed values."),
            format!("Choose for {prop} one of the values the profile lists."),
        ),
        "sh:OrConstraintComponent" | "sh:XoneConstraintComponent" | "sh:AndConstraintComponent" | "sh:NotConstraintComponent" if fr => (
            format!("La valeur « {v} » de {path} sur {focus} ne respecte aucune des formes permises."),
            format!("Corrigez {prop} (pour une date : \"2024-01-31\"^^xsd:date, xsd:dateTime, xsd:gYear ou xsd:gYearMonth)."),
        ),
        "sh:OrConstraintComponent" | "sh:XoneConstraintComponent" | "sh:AndConstraintComponent" | "sh:NotConstraintComponent" => (
            format!("The value \"{v}\" of {path} on {focus} matches none of the allowed shapes."),
            format!("Fix {prop} (for a date: \"2024-01-31\"^^xsd:date, xsd:dateTime, xsd:gYear or xsd:gYearMonth)."),
        ),
        _ if fr => (
            format!("{focus} ne respecte pas la contrainte {constraint} sur {path} (valeur « {v} »)."),
            format!("Corrigez {prop} sur {focus} selon la contrainte {constraint} du profil."),
        ),
        _ => (
            format!("{focus} breaks constraint {constraint} on {path} (value \"{v}\")."),
            format!("Fix {prop} on {focus} as constraint {constraint} of the profile requires."),
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_bundled_profile_compiles() {
        Shapes::bundled().unwrap();
    }

    #[test]
    fn a_missing_title_is_one_min_count_violation() {
        let shapes = Shapes::bundled().unwrap();
        let ttl = b"@prefix dcat: <http://www.w3.org/ns/dcat#> .\n<https://x.example/d> a dcat:Dataset .\n";
        let mut g = oxrdf::Graph::new();
        for_each_triple(ttl, RdfFormat::Turtle, None, Path::new("d.ttl"), |t| {
            g.insert(&t);
        })
        .unwrap();
        let f = validate(&g, &shapes, Path::new("d.ttl"), &Lines::new(ttl), Lang::Fr).unwrap();
        let title: Vec<&Finding> = f
            .iter()
            .filter(|f| f.path.as_deref() == Some("dct:title"))
            .collect();
        assert_eq!(title.len(), 1, "{f:#?}");
        assert_eq!(title[0].constraint, "sh:MinCountConstraintComponent");
        assert_eq!(title[0].focus, "https://x.example/d");
        assert_eq!(title[0].line, Some(2));
        assert!(
            title[0].fix.starts_with("Ajoutez dct:title (le titre)"),
            "{}",
            title[0].fix
        );
    }
}
