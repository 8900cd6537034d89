//! Validation of what a data producer is about to submit to the Health Data Hub: HealthDCAT-AP
//! records (Turtle, JSON-LD, RDF/XML), Table Schema folders, code lists and Markdown docs,
//! checked offline with the verdict the HDH would give and a sentence saying how to fix each
//! finding.
//!
//! ```no_run
//! use hublot::validate::{validate_paths, ValidateOptions};
//! # fn main() -> hublot::Result<()> {
//! let report = validate_paths(&["record.ttl".into()], &ValidateOptions::default(), None)?;
//! for f in &report.findings {
//!     println!("{:?} {} {:?}: {} — {}", f.severity, f.focus, f.path, f.message, f.fix);
//! }
//! # Ok(())
//! # }
//! ```
//!
//! - RDF records are parsed by the same readers as the import (`ingest::healthdcat`) and
//!   checked by a SHACL Core engine against the shapes given ([`ValidateOptions::shapes`], the
//!   HDH's file for instance) or, when none is given, Hublot's own bundled profile of
//!   HealthDCAT-AP's mandatory and recommended properties;
//! - values of controlled properties are checked against the HDH vocabularies when a
//!   vocabularies folder is known ([`ValidateOptions::vocabularies`], or `hdh-vocabularies/`
//!   beside a shapes file);
//! - Table Schemas are read by `ingest::table_schema`: primary keys name fields, foreign keys
//!   reach a table of the folder or of the active snapshot, code-list references resolve;
//! - Markdown pages are read by `ingest::markdown_docs`: relative links reach a file.

mod links;
mod report;
mod score;
pub mod shacl;
mod tables;
mod text;
pub mod vocabularies;

pub use report::{Count, Finding, Report, Score, Severity};
pub use vocabularies::Vocabularies;

use crate::cite::Lang;
use crate::ingest::healthdcat::graph::{for_each_triple, read_rdf_file, RdfFormat};
use crate::store::CatalogueDb;
use crate::{Error, Result};
use serde::{Deserialize, Serialize};
use shacl::Shapes;
use std::path::{Path, PathBuf};
use text::Lines;
use ts_rs::TS;

/// How to validate.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct ValidateOptions {
    /// SHACL shapes files (Turtle) to check RDF records against, instead of Hublot's bundled
    /// profile; empty: the bundled profile.
    #[serde(default)]
    #[ts(type = "Array<string>")]
    pub shapes: Vec<PathBuf>,
    /// The folder of the HDH controlled vocabularies (`*.yml`); `None`: `hdh-vocabularies/`
    /// beside the first shapes file if there is one, else no vocabulary check.
    #[serde(default)]
    #[ts(type = "string | null")]
    pub vocabularies: Option<PathBuf>,
    /// The language of messages and fixes (`fr` or `en`).
    #[serde(default)]
    pub lang: Lang,
}

/// Most files one validation reads (folders are walked).
pub const MAX_FILES: usize = 100_000;

/// Largest JSON file (table schema, code-list schema, JSON-LD sniffing) read.
pub const MAX_JSON_BYTES: u64 = 32 << 20;

/// What an input file is.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Input {
    /// A HealthDCAT-AP record.
    Rdf(PathBuf, RdfFormat),
    /// A Table Schema (JSON).
    TableSchema(PathBuf),
    /// A code list: its JSON schema (the CSV beside it).
    CodeList(PathBuf),
    /// A Markdown page, and the folder its `/absolute` links start from.
    Markdown(PathBuf, PathBuf),
}

/// The vocabularies folder the options name or imply, if any.
pub fn vocabularies_dir(opts: &ValidateOptions) -> Option<PathBuf> {
    if let Some(d) = &opts.vocabularies {
        return Some(d.clone());
    }
    let beside = opts.shapes.first()?.parent()?.join("hdh-vocabularies");
    beside.is_dir().then_some(beside)
}

/// Validates `paths` (files or folders): HealthDCAT-AP records, Table Schema folders, code
/// lists and Markdown docs. `snapshot` is the active catalogue, where foreign keys and code-list
/// references that the folder does not define may resolve. A path that does not exist, a shapes
/// file or a vocabularies folder that cannot be used is an error; a file that cannot be parsed is
/// a violation naming the file and line, so that one bad file does not hide the others.
pub fn validate_paths(
    paths: &[PathBuf],
    opts: &ValidateOptions,
    snapshot: Option<&CatalogueDb>,
) -> Result<Report> {
    let inputs = collect(paths)?;
    let lang = opts.lang;
    let mut findings = Vec::new();
    let mut score = Score::default();

    let rdf: Vec<(&PathBuf, RdfFormat)> = inputs
        .iter()
        .filter_map(|i| match i {
            Input::Rdf(p, f) => Some((p, *f)),
            _ => None,
        })
        .collect();
    if !rdf.is_empty() {
        let shapes: Vec<Shapes> = if opts.shapes.is_empty() {
            vec![Shapes::bundled()?]
        } else {
            opts.shapes
                .iter()
                .map(|p| Shapes::read(p))
                .collect::<Result<_>>()?
        };
        let vocabularies = vocabularies_dir(opts)
            .map(|d| Vocabularies::read(&d))
            .transpose()?;
        for (path, format) in rdf {
            validate_record(
                path,
                format,
                &shapes,
                vocabularies.as_ref(),
                lang,
                &mut score,
                &mut findings,
            )?;
        }
    }

    let schemas: Vec<PathBuf> = inputs
        .iter()
        .filter_map(|i| match i {
            Input::TableSchema(p) => Some(p.clone()),
            _ => None,
        })
        .collect();
    let lists: Vec<PathBuf> = inputs
        .iter()
        .filter_map(|i| match i {
            Input::CodeList(p) => Some(p.clone()),
            _ => None,
        })
        .collect();
    if !schemas.is_empty() || !lists.is_empty() {
        findings.extend(tables::check(&schemas, &lists, snapshot, lang));
    }
    for i in &inputs {
        if let Input::Markdown(p, root) = i {
            findings.extend(links::check(p, root, lang));
        }
    }
    Ok(report(findings, score))
}

/// Sorts and deduplicates the findings, and says whether they conform.
fn report(mut findings: Vec<Finding>, score: Score) -> Report {
    findings.sort_by(|a, b| {
        (
            a.severity,
            &a.file,
            a.line,
            &a.focus,
            &a.path,
            &a.constraint,
            &a.value,
        )
            .cmp(&(
                b.severity,
                &b.file,
                b.line,
                &b.focus,
                &b.path,
                &b.constraint,
                &b.value,
            ))
    });
    findings.dedup();
    Report {
        conforms: !findings.iter().any(|f| f.severity == Severity::Violation),
        findings,
        score,
    }
}

/// One HealthDCAT-AP record: SHACL with every shapes graph, vocabularies, completeness.
fn validate_record(
    path: &Path,
    format: RdfFormat,
    shapes: &[Shapes],
    vocabularies: Option<&Vocabularies>,
    lang: Lang,
    score: &mut Score,
    findings: &mut Vec<Finding>,
) -> Result<()> {
    let bytes = read_rdf_file(path)?;
    let lines = Lines::new(&bytes);
    let abs = std::fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf());
    let base = reqwest::Url::from_file_path(&abs)
        .ok()
        .map(|u| u.to_string());
    let mut graph = oxrdf::Graph::new();
    if let Err(e) = for_each_triple(&bytes, format, base.as_deref(), path, |t| {
        graph.insert(&t);
    }) {
        if matches!(e, Error::TooLarge(_)) {
            return Err(e);
        }
        findings.push(tables::unreadable(path, &e, lang));
        return Ok(());
    }
    for s in shapes {
        findings.extend(shacl::validate(&graph, s, path, &lines, lang)?);
    }
    if let Some(v) = vocabularies {
        findings.extend(v.check(&graph, path, &lines, lang));
    }
    score::add(score, &graph);
    Ok(())
}

/// The inputs under `paths`, each once, in order.
fn collect(paths: &[PathBuf]) -> Result<Vec<Input>> {
    if paths.is_empty() {
        return Err(Error::Invalid(
            "validate: give at least one file or folder".into(),
        ));
    }
    let mut out: Vec<Input> = Vec::new();
    let mut files = 0usize;
    for p in paths {
        if !p.exists() {
            return Err(Error::NotFound(format!(
                "{}: no such file or directory",
                p.display()
            )));
        }
        if p.is_dir() {
            for e in walkdir::WalkDir::new(p)
                .sort_by_file_name()
                .into_iter()
                .filter_entry(|e| {
                    e.depth() == 0 || !e.file_name().to_string_lossy().starts_with('.')
                })
            {
                let e = e.map_err(|e| Error::Invalid(format!("{}: {e}", p.display())))?;
                if !e.file_type().is_file() {
                    continue;
                }
                files += 1;
                if files > MAX_FILES {
                    return Err(Error::TooLarge(format!(
                        "{}: more than {MAX_FILES} files to validate",
                        p.display()
                    )));
                }
                if let Some(i) = classify(e.path(), p, false)? {
                    if !out.contains(&i) {
                        out.push(i);
                    }
                }
            }
        } else {
            let root = p.parent().unwrap_or(Path::new(".")).to_path_buf();
            match classify(p, &root, true)? {
                Some(i) if !out.contains(&i) => out.push(i),
                Some(_) => {}
                None => {
                    return Err(Error::UnknownSource {
                        path: p.clone(),
                        message: "not a file Hublot validates: a HealthDCAT-AP record (.ttl, \
                                  .jsonld, .rdf), a Table Schema or code list (.json, .csv), or a \
                                  Markdown page (.md)"
                            .into(),
                    })
                }
            }
        }
    }
    Ok(out)
}

/// What `path` is; `None` for a file validation has nothing to say about (in a folder walk, a
/// CSV of sample rows beside its table schema, a licence…).
fn classify(path: &Path, root: &Path, explicit: bool) -> Result<Option<Input>> {
    let ext = path
        .extension()
        .map(|x| x.to_string_lossy().to_ascii_lowercase())
        .unwrap_or_default();
    let in_nomenclatures = path
        .components()
        .any(|c| c.as_os_str().eq_ignore_ascii_case("nomenclatures"));
    Ok(match ext.as_str() {
        "ttl" | "turtle" | "rdf" | "owl" | "xml" | "jsonld" => {
            RdfFormat::from_path(path).map(|f| Input::Rdf(path.to_path_buf(), f))
        }
        "md" | "markdown" => Some(Input::Markdown(path.to_path_buf(), root.to_path_buf())),
        "csv" if explicit => {
            let schema = path.with_extension("json");
            if !schema.is_file() {
                return Err(Error::UnknownSource {
                    path: path.to_path_buf(),
                    message: format!(
                        "a code list is a CSV with its Table Schema beside it: {} is missing",
                        schema.display()
                    ),
                });
            }
            Some(Input::CodeList(schema))
        }
        "json" => {
            let v = read_json_head(path)?;
            match v {
                JsonKind::JsonLd => Some(Input::Rdf(path.to_path_buf(), RdfFormat::JsonLd)),
                JsonKind::Schema { roles } => {
                    if in_nomenclatures || (roles && path.with_extension("csv").is_file()) {
                        Some(Input::CodeList(path.to_path_buf()))
                    } else {
                        Some(Input::TableSchema(path.to_path_buf()))
                    }
                }
                // Broken JSON: the table schema reader says where.
                JsonKind::Broken => Some(if in_nomenclatures {
                    Input::CodeList(path.to_path_buf())
                } else {
                    Input::TableSchema(path.to_path_buf())
                }),
                JsonKind::Other if explicit => Some(Input::TableSchema(path.to_path_buf())),
                JsonKind::Other => None,
            }
        }
        _ => None,
    })
}

enum JsonKind {
    JsonLd,
    /// A Table Schema; `roles`: some field has a `role` (code lists mark code and label).
    Schema {
        roles: bool,
    },
    Broken,
    Other,
}

fn read_json_head(path: &Path) -> Result<JsonKind> {
    let len = std::fs::metadata(path)
        .map_err(|e| Error::io(path, e))?
        .len();
    if len > MAX_JSON_BYTES {
        return Err(Error::TooLarge(format!(
            "{}: {len} bytes; a JSON file may have at most {MAX_JSON_BYTES} bytes",
            path.display()
        )));
    }
    let bytes = std::fs::read(path).map_err(|e| Error::io(path, e))?;
    let Ok(v) = serde_json::from_slice::<serde_json::Value>(&bytes) else {
        return Ok(JsonKind::Broken);
    };
    Ok(match &v {
        serde_json::Value::Array(_) => JsonKind::JsonLd,
        serde_json::Value::Object(m) if m.contains_key("@context") || m.contains_key("@graph") => {
            JsonKind::JsonLd
        }
        serde_json::Value::Object(m) if m.get("fields").is_some_and(|f| f.is_array()) => {
            JsonKind::Schema {
                roles: m["fields"]
                    .as_array()
                    .is_some_and(|a| a.iter().any(|f| f.get("role").is_some())),
            }
        }
        _ => JsonKind::Other,
    })
}
