//! The HDH controlled vocabularies: one YAML file per vocabulary (`AccessRights.yml` …), each
//! `Name: {vocabulary_list: {KEY: value-IRI, …}, fr: {KEY: label}, en: {…}}`. They are read at
//! run time from a folder the user names (`--vocabularies DIR`, or `hdh-vocabularies/` beside
//! the shapes file), never copied into Hublot.
//!
//! The files do not say which property each vocabulary governs: [`GOVERNS`] does, from the
//! HealthDCAT-AP specification. A value of a governed property that is not in its vocabulary is
//! a violation (`hublot:VocabularyConstraint`).

use super::report::{Finding, Severity};
use super::text::{prop_label, Lines};
use crate::cite::Lang;
use crate::{Error, Result};
use serde_yaml::Value as Yaml;
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

const RDF_TYPE: &str = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type";
const DCAT_DATASET: &str = "http://www.w3.org/ns/dcat#Dataset";

/// Which property each HDH vocabulary governs: (vocabulary, property IRI, only on subjects of
/// this class). A vocabulary absent from the folder governs nothing.
pub const GOVERNS: &[(&str, &str, Option<&str>)] = &[
    (
        "AccessRights",
        "http://purl.org/dc/terms/accessRights",
        None,
    ),
    (
        "ApplicableRegulations",
        "http://data.europa.eu/r5r/applicableLegislation",
        None,
    ),
    (
        "Booleans",
        "http://healthdataportal.eu/ns/health#trustedDataHolder",
        None,
    ),
    (
        "CodingSystem",
        "http://healthdataportal.eu/ns/health#hasCodingSystem",
        None,
    ),
    (
        "DatasetType",
        "http://purl.org/dc/terms/type",
        Some(DCAT_DATASET),
    ),
    ("FileType", "http://purl.org/dc/terms/format", None),
    (
        "Frequency",
        "http://purl.org/dc/terms/accrualPeriodicity",
        None,
    ),
    (
        "HealthCategories",
        "http://healthdataportal.eu/ns/health#healthCategory",
        None,
    ),
    (
        "HealthTheme",
        "http://healthdataportal.eu/ns/health#healthTheme",
        None,
    ),
    ("LegalBasis", "http://www.w3.org/ns/dqv#hasLegalBasis", None),
    ("LegalBasis", "https://w3id.org/dpv#hasLegalBasis", None),
    ("PersonalData", "https://w3id.org/dpv#hasPersonalData", None),
    (
        "PublicationsEuropAuthorityCountry",
        "http://purl.org/dc/terms/spatial",
        None,
    ),
    (
        "PublicationsEuropAuthorityLanguage",
        "http://purl.org/dc/terms/language",
        None,
    ),
    (
        "PublisherType",
        "http://healthdataportal.eu/ns/health#publisherType",
        None,
    ),
];

/// Largest vocabulary file read.
const MAX_VOCABULARY_BYTES: u64 = 4 << 20;

/// One vocabulary.
#[derive(Debug, Clone)]
pub struct Vocabulary {
    /// Its name (`AccessRights`).
    pub name: String,
    /// The file it was read from.
    pub file: PathBuf,
    /// Allowed values (IRIs, or literals such as `true`).
    pub values: BTreeSet<String>,
    /// Keys in file order (`PUBLIC`, `RESTRICTED` …), for the fix sentence.
    pub keys: Vec<String>,
}

/// The vocabularies of a folder.
#[derive(Debug, Clone, Default)]
pub struct Vocabularies {
    /// By name.
    pub by_name: BTreeMap<String, Vocabulary>,
    /// The folder.
    pub dir: PathBuf,
}

impl Vocabularies {
    /// Reads every `*.yml` / `*.yaml` of `dir`. A file that is not a vocabulary (no
    /// `vocabulary_list`) is an error naming it.
    pub fn read(dir: &Path) -> Result<Vocabularies> {
        if !dir.is_dir() {
            return Err(Error::NotFound(format!(
                "{}: no such vocabularies folder (give the HDH's hdh-vocabularies/ with --vocabularies)",
                dir.display()
            )));
        }
        let mut out = Vocabularies {
            dir: dir.to_path_buf(),
            ..Default::default()
        };
        let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
            .map_err(|e| Error::io(dir, e))?
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| {
                p.extension().is_some_and(|x| {
                    x.eq_ignore_ascii_case("yml") || x.eq_ignore_ascii_case("yaml")
                })
            })
            .collect();
        files.sort();
        for f in files {
            let v = read_file(&f)?;
            out.by_name.insert(v.name.clone(), v);
        }
        Ok(out)
    }

    /// Checks every value of a governed property in `graph`; findings name `file`.
    pub fn check(
        &self,
        graph: &oxrdf::Graph,
        file: &Path,
        lines: &Lines,
        lang: Lang,
    ) -> Vec<Finding> {
        let mut out = Vec::new();
        for (name, prop, class) in GOVERNS {
            let Some(v) = self.by_name.get(*name) else {
                continue;
            };
            let p = oxrdf::NamedNodeRef::new_unchecked(prop);
            for t in graph.triples_for_predicate(p) {
                if let Some(class) = class {
                    let typed = graph
                        .objects_for_subject_predicate(
                            t.subject,
                            oxrdf::NamedNodeRef::new_unchecked(RDF_TYPE),
                        )
                        .any(|o| matches!(o, oxrdf::TermRef::NamedNode(n) if n.as_str() == *class));
                    if !typed {
                        continue;
                    }
                }
                let value = match t.object {
                    oxrdf::TermRef::NamedNode(n) => n.as_str().to_string(),
                    oxrdf::TermRef::Literal(l) => l.value().to_string(),
                    // A blank node is not a vocabulary term (SHACL says what kind it must be).
                    _ => continue,
                };
                if v.values.contains(&value) {
                    continue;
                }
                let focus = super::shacl::subject_string(t.subject);
                // A blank node (a distribution, a legal resource) is named by the path that
                // leads to it, as in the SHACL findings: its `_:` id changes at every parse.
                let (focus_label, anchor) = super::shacl::describe(graph, &focus, lang);
                let path = super::text::compact(prop);
                let some: Vec<&str> = v.keys.iter().take(6).map(String::as_str).collect();
                let more = if v.keys.len() > some.len() {
                    ", …"
                } else {
                    ""
                };
                let (message, fix) = match lang {
                    Lang::Fr => (
                        format!(
                            "{} {} vaut {value}, qui n'est pas dans le vocabulaire contrôlé {name} du HDH.",
                            prop_label(prop, lang),
                            // « de le nœud anonyme … » contracts to « du nœud anonyme … ».
                            match focus_label.strip_prefix("le ") {
                                Some(rest) => format!("du {rest}"),
                                None => format!("de {focus_label}"),
                            }
                        ),
                        format!(
                            "Remplacez {value} par une valeur de {name} ({}{more}), donnée par son IRI : voir {}.",
                            some.join(", "),
                            v.file.display()
                        ),
                    ),
                    Lang::En => (
                        format!(
                            "{} of {} is {value}, which is not in the HDH controlled vocabulary {name}.",
                            prop_label(prop, lang),
                            focus_label
                        ),
                        format!(
                            "Replace {value} with a value of {name} ({}{more}), given by its IRI: see {}.",
                            some.join(", "),
                            v.file.display()
                        ),
                    ),
                };
                out.push(Finding {
                    severity: Severity::Violation,
                    line: lines
                        .find(&value)
                        .or_else(|| anchor.as_deref().and_then(|a| lines.find(a))),
                    focus,
                    path: Some(path),
                    constraint: "hublot:VocabularyConstraint".into(),
                    value: Some(value),
                    message,
                    fix,
                    file: Some(file.to_path_buf()),
                    shape: None,
                });
            }
        }
        out
    }
}

fn read_file(path: &Path) -> Result<Vocabulary> {
    let len = std::fs::metadata(path)
        .map_err(|e| Error::io(path, e))?
        .len();
    if len > MAX_VOCABULARY_BYTES {
        return Err(Error::TooLarge(format!(
            "{}: {len} bytes; a vocabulary file may have at most {MAX_VOCABULARY_BYTES} bytes",
            path.display()
        )));
    }
    let bytes = std::fs::read(path).map_err(|e| Error::io(path, e))?;
    let doc: Yaml = serde_yaml::from_slice(&bytes).map_err(|e| {
        let (line, column) = e
            .location()
            .map(|l| (l.line(), l.column()))
            .unwrap_or((0, 0));
        Error::Json {
            path: path.into(),
            line,
            column,
            message: format!("not valid YAML: {e}"),
        }
    })?;
    let bad = |message: &str| Error::Field {
        path: path.into(),
        field: "vocabulary_list".into(),
        message: message.into(),
    };
    let Some((name, body)) = doc.as_mapping().and_then(|m| m.iter().next()) else {
        return Err(bad("expected `Name: {vocabulary_list: …}`"));
    };
    let name = scalar(name).ok_or_else(|| bad("the vocabulary's name is not a string"))?;
    let list = body
        .get("vocabulary_list")
        .and_then(Yaml::as_mapping)
        .ok_or_else(|| bad("missing or not a mapping"))?;
    let mut values = BTreeSet::new();
    let mut keys = Vec::new();
    for (k, v) in list {
        let (Some(k), Some(v)) = (scalar(k), scalar(v)) else {
            return Err(bad("keys and values must be strings"));
        };
        keys.push(k);
        values.insert(v.trim().to_string());
    }
    Ok(Vocabulary {
        name,
        file: path.to_path_buf(),
        values,
        keys,
    })
}

/// A YAML scalar as text (`true` and numbers included).
fn scalar(v: &Yaml) -> Option<String> {
    match v {
        Yaml::String(s) => Some(s.clone()),
        Yaml::Bool(b) => Some(b.to_string()),
        Yaml::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn block_and_flow_styles_and_comments_are_read() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.path().join("A.yml"),
            "# un commentaire\nA:\n  col: A\n  vocabulary_list:\n    X: http://x.example/X\n    'true': 'true'\n  fr:\n    X: Ex\n",
        )
        .unwrap();
        std::fs::write(
            dir.path().join("B.yml"),
            "B:\n    col : \"A\"\n    vocabulary_list: {\n        \"7Z\" : \"http://x.example/7Z\",\n        \"CSV\" : \"http://x.example/CSV\"\n    }\n",
        )
        .unwrap();
        let v = Vocabularies::read(dir.path()).unwrap();
        assert_eq!(v.by_name["A"].keys, ["X", "true"]);
        assert!(v.by_name["A"].values.contains("true"));
        assert!(v.by_name["B"].values.contains("http://x.example/CSV"));
        std::fs::write(dir.path().join("C.yml"), "C:\n  fr: {}\n").unwrap();
        let e = Vocabularies::read(dir.path()).unwrap_err().to_string();
        assert!(e.contains("C.yml") && e.contains("vocabulary_list"), "{e}");
    }

    #[test]
    fn a_value_on_a_blank_node_names_the_node_by_its_path() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.path().join("ApplicableRegulations.yml"),
            "ApplicableRegulations:\n  vocabulary_list:\n    EHDS: http://data.europa.eu/eli/reg/2025/327/oj\n",
        )
        .unwrap();
        let v = Vocabularies::read(dir.path()).unwrap();
        let ttl = "<https://x.example/ds> <http://www.w3.org/ns/dcat#distribution> [\n  <http://data.europa.eu/r5r/applicableLegislation> <http://x.example/not-a-law>\n] .\n";
        let graph: oxrdf::Graph = oxttl::TurtleParser::new()
            .for_slice(ttl.as_bytes())
            .map(|t| t.unwrap())
            .collect();
        let found = v.check(
            &graph,
            Path::new("r.ttl"),
            &Lines::new(ttl.as_bytes()),
            Lang::Fr,
        );
        assert_eq!(found.len(), 1, "{found:?}");
        let f = &found[0];
        assert!(
            f.focus.starts_with("_:"),
            "the focus stays the node itself: {}",
            f.focus
        );
        assert!(
            f.message.contains("dcat:distribution") && f.message.contains("<https://x.example/ds>"),
            "the message names the blank node by its path: {}",
            f.message
        );
        assert!(!f.message.contains("_:"), "{}", f.message);
        assert!(f.message.contains(" du nœud anonyme "), "{}", f.message);
        assert_eq!(f.line, Some(2), "the line of the value");
    }
}
