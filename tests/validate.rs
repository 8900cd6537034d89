//! `hublot validate`: HealthDCAT-AP records against Hublot's bundled profile and the HDH's shapes
//! and vocabularies (`../shared/corpus/healthdcat-ap`, read in place), Table Schema folders, code
//! lists and Markdown docs. The invalid records are made here from one valid record
//! (`tests/fixtures/validate/record.ttl`, written for these tests) by removing or changing one
//! thing at a time, so each must give exactly its own finding.

mod common;

use hublot::cite::Lang;
use hublot::validate::{validate_paths, Finding, Report, Severity, ValidateOptions};
use std::path::{Path, PathBuf};

const DATASET: &str = "https://registre-exemple.example.org/dataset-registre-velo";

/// The 18 mandatory properties of a HealthDCAT-AP dataset, in the HDH shapes and in ours.
const MANDATORY: &[(&str, &str)] = &[
    ("http://purl.org/dc/terms/title", "dct:title"),
    ("http://purl.org/dc/terms/description", "dct:description"),
    ("http://purl.org/dc/terms/identifier", "dct:identifier"),
    ("http://purl.org/dc/terms/publisher", "dct:publisher"),
    (
        "http://www.w3.org/ns/dcat#contactPoint",
        "dcat:contactPoint",
    ),
    ("http://purl.org/dc/terms/accessRights", "dct:accessRights"),
    (
        "http://data.europa.eu/r5r/applicableLegislation",
        "dcatap:applicableLegislation",
    ),
    ("http://purl.org/dc/terms/type", "dct:type"),
    (
        "http://www.w3.org/ns/dcat#distribution",
        "dcat:distribution",
    ),
    ("http://www.w3.org/ns/dcat#keyword", "dcat:keyword"),
    ("http://www.w3.org/ns/dcat#theme", "dcat:theme"),
    (
        "http://healthdataportal.eu/ns/health#healthCategory",
        "healthdcatap:healthCategory",
    ),
    (
        "http://healthdataportal.eu/ns/health#healthTheme",
        "healthdcatap:healthTheme",
    ),
    ("http://purl.org/dc/terms/spatial", "dct:spatial"),
    ("http://purl.org/dc/terms/provenance", "dct:provenance"),
    ("https://w3id.org/dpv#hasPurpose", "dpv:hasPurpose"),
    (
        "http://healthdataportal.eu/ns/health#hdab",
        "healthdcatap:hdab",
    ),
    ("http://www.w3.org/ns/adms#sample", "adms:sample"),
];

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/validate")
        .join(name)
}

fn hdh() -> PathBuf {
    common::corpus().join("healthdcat-ap")
}

fn hdh_options() -> ValidateOptions {
    ValidateOptions {
        shapes: vec![hdh().join("hdh-shacl-shapes.ttl")],
        ..Default::default()
    }
}

fn run(paths: &[PathBuf], opts: &ValidateOptions) -> Report {
    validate_paths(paths, opts, None).unwrap()
}

/// (severity, focus, path, constraint) of every finding.
fn keys(r: &Report) -> Vec<(Severity, String, Option<String>, String)> {
    r.findings
        .iter()
        .map(|f| {
            (
                f.severity,
                f.focus.clone(),
                f.path.clone(),
                f.constraint.clone(),
            )
        })
        .collect()
}

/// The valid record without the triples `<dataset> <property> ?o`, written as N-Triples (which
/// is Turtle) into `dir`.
fn without(dir: &Path, property: &str) -> PathBuf {
    let bytes = std::fs::read(fixture("record.ttl")).unwrap();
    let mut out = String::new();
    let mut removed = 0;
    for t in oxttl::TurtleParser::new().for_slice(&bytes) {
        let t = t.unwrap();
        if t.subject.to_string() == format!("<{DATASET}>") && t.predicate.as_str() == property {
            removed += 1;
            continue;
        }
        out.push_str(&format!("{t} .\n"));
    }
    assert!(removed > 0, "the valid record has no {property}");
    let p = dir.join(format!(
        "without-{}.ttl",
        property.rsplit(['/', '#']).next().unwrap()
    ));
    std::fs::write(&p, out).unwrap();
    p
}

/// The valid record with `from` replaced by `to`.
fn edited(dir: &Path, from: &str, to: &str) -> PathBuf {
    let s = std::fs::read_to_string(fixture("record.ttl")).unwrap();
    assert!(s.contains(from), "{from}");
    let p = dir.join("edited.ttl");
    std::fs::write(&p, s.replacen(from, to, 1)).unwrap();
    p
}

#[test]
fn the_valid_record_conforms_in_turtle_json_ld_and_rdf_xml() {
    for f in ["record.ttl", "record.jsonld", "record.rdf"] {
        let r = run(&[fixture(f)], &ValidateOptions::default());
        assert!(r.conforms, "{f}: {:#?}", r.findings);
        assert!(r.findings.is_empty(), "{f}: {:#?}", r.findings);
        let s = r.score;
        assert_eq!(s.mandatory.filled, s.mandatory.total, "{f}");
        assert!(s.mandatory.total >= 18 + 2 + 2, "{f}: {s:?}");
        assert_eq!(s.recommended.filled, s.recommended.total, "{f}: {s:?}");
        assert!(s.optional.filled < s.optional.total, "{f}: {s:?}");
    }
}

#[test]
fn each_mandatory_property_removed_gives_exactly_its_finding() {
    let dir = tempfile::tempdir().unwrap();
    for (iri, short) in MANDATORY {
        let p = without(dir.path(), iri);
        let r = run(std::slice::from_ref(&p), &ValidateOptions::default());
        assert!(!r.conforms, "{short}");
        assert_eq!(
            keys(&r),
            [(
                Severity::Violation,
                DATASET.to_string(),
                Some(short.to_string()),
                "sh:MinCountConstraintComponent".to_string()
            )],
            "{short}"
        );
        let f = &r.findings[0];
        assert_eq!(f.file.as_deref(), Some(p.as_path()));
        assert_eq!(f.value, None);
        assert!(f.line.is_some(), "{short}: the dataset's line");
        assert!(f.message.contains(short), "{short}: {}", f.message);
        assert!(
            f.fix.starts_with(&format!("Ajoutez {short}")),
            "{short}: {}",
            f.fix
        );
        assert_eq!(
            r.score.mandatory.filled + 1,
            r.score.mandatory.total,
            "{short}"
        );
    }
}

#[test]
fn with_the_hdh_shapes_each_mandatory_property_removed_gives_exactly_its_violation() {
    let opts = hdh_options();
    let r = run(&[fixture("record.ttl")], &opts);
    assert!(r.conforms && r.findings.is_empty(), "{:#?}", r.findings);
    let dir = tempfile::tempdir().unwrap();
    for (iri, short) in MANDATORY {
        let r = run(&[without(dir.path(), iri)], &opts);
        let v: Vec<_> = keys(&r)
            .into_iter()
            .filter(|k| k.0 == Severity::Violation)
            .collect();
        assert_eq!(
            v,
            [(
                Severity::Violation,
                DATASET.to_string(),
                Some(short.to_string()),
                "sh:MinCountConstraintComponent".to_string()
            )],
            "{short}: {:#?}",
            r.findings
        );
    }
}

#[test]
fn a_publisher_missing_a_property_of_its_node_shape_is_named_with_the_reason() {
    let dir = tempfile::tempdir().unwrap();
    let p = edited(
        dir.path(),
        "    healthdcatap:publisherNote \"Registre de morbidité adossé à trois services d'urgence.\"@fr ;\n",
        "",
    );
    let r = run(&[p], &hdh_options());
    assert_eq!(
        keys(&r),
        [(
            Severity::Violation,
            DATASET.to_string(),
            Some("dct:publisher".to_string()),
            "sh:NodeConstraintComponent".to_string()
        )]
    );
    let f = &r.findings[0];
    assert_eq!(
        f.value.as_deref(),
        Some("https://registre-exemple.example.org/agent-registre")
    );
    assert!(
        f.message.contains("healthdcatap:publisherNote"),
        "{}",
        f.message
    );
}

#[test]
fn a_value_outside_an_hdh_vocabulary_is_a_violation() {
    // The vocabularies are found beside the shapes file (hdh-vocabularies/).
    let opts = hdh_options();
    let dir = tempfile::tempdir().unwrap();
    let p = edited(dir.path(), "access-right/RESTRICTED", "access-right/SECRET");
    let r = run(&[p], &opts);
    assert!(!r.conforms);
    assert_eq!(
        keys(&r),
        [(
            Severity::Violation,
            DATASET.to_string(),
            Some("dct:accessRights".to_string()),
            "hublot:VocabularyConstraint".to_string()
        )]
    );
    let f = &r.findings[0];
    assert_eq!(
        f.value.as_deref(),
        Some("http://publications.europa.eu/resource/authority/access-right/SECRET")
    );
    assert!(
        f.fix.contains("AccessRights") && f.fix.contains("RESTRICTED"),
        "{}",
        f.fix
    );
    assert_eq!(f.line, Some(22), "the line where the value is written");

    // Named explicitly with the bundled profile too; a missing folder is an error that names it.
    let opts = ValidateOptions {
        vocabularies: Some(hdh().join("hdh-vocabularies")),
        ..Default::default()
    };
    let r = run(&[fixture("record.ttl")], &opts);
    assert!(r.findings.is_empty(), "{:#?}", r.findings);
    let opts = ValidateOptions {
        vocabularies: Some(dir.path().join("nowhere")),
        ..Default::default()
    };
    let e = validate_paths(&[fixture("record.ttl")], &opts, None)
        .unwrap_err()
        .to_string();
    assert!(e.contains("nowhere"), "{e}");
}

#[test]
fn messages_and_fixes_speak_english_on_request() {
    let dir = tempfile::tempdir().unwrap();
    let p = without(dir.path(), MANDATORY[0].0);
    let r = run(
        &[p],
        &ValidateOptions {
            lang: Lang::En,
            ..Default::default()
        },
    );
    let f = &r.findings[0];
    assert!(f.message.contains("has no dct:title"), "{}", f.message);
    assert!(f.fix.starts_with("Add dct:title (the title)"), "{}", f.fix);
}

#[test]
fn a_syntax_error_is_a_violation_with_its_line_and_other_files_are_still_checked() {
    let dir = tempfile::tempdir().unwrap();
    let bad = dir.path().join("bad.ttl");
    std::fs::write(&bad, "@prefix dct: <http://purl.org/dc/terms/> .\n\n<https://x.example/d> dct:title \"sans fin .\n").unwrap();
    let r = run(
        &[bad.clone(), fixture("record.ttl")],
        &ValidateOptions::default(),
    );
    assert_eq!(r.findings.len(), 1, "{:#?}", r.findings);
    let f = &r.findings[0];
    assert_eq!(f.constraint, "hublot:SyntaxConstraint");
    assert_eq!(f.file.as_deref(), Some(bad.as_path()));
    assert_eq!(f.line, Some(3));
    // A path that does not exist is an error, not a finding.
    let e = validate_paths(
        &[dir.path().join("absent.ttl")],
        &ValidateOptions::default(),
        None,
    )
    .unwrap_err()
    .to_string();
    assert!(e.contains("absent.ttl"), "{e}");
}

fn copy_fixture_dir(name: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    common::copy_tree(&fixture(name), dir.path());
    dir
}

fn only(r: &Report) -> &Finding {
    assert_eq!(r.findings.len(), 1, "{:#?}", r.findings);
    &r.findings[0]
}

#[test]
fn a_table_schema_folder_with_its_code_lists_conforms() {
    let r = run(&[fixture("tables")], &ValidateOptions::default());
    assert!(r.conforms && r.findings.is_empty(), "{:#?}", r.findings);
}

#[test]
fn a_foreign_key_to_a_missing_table_is_a_violation() {
    let dir = copy_fixture_dir("tables");
    let f = dir.path().join("schemas/ACCIDENT.json");
    let s = std::fs::read_to_string(&f).unwrap();
    std::fs::write(
        &f,
        s.replace("\"resource\": \"PATIENT\"", "\"resource\": \"PATIENTS\""),
    )
    .unwrap();
    let r = run(&[dir.path().to_path_buf()], &ValidateOptions::default());
    assert!(!r.conforms);
    let x = only(&r);
    assert_eq!(
        (
            x.focus.as_str(),
            x.path.as_deref(),
            x.constraint.as_str(),
            x.value.as_deref()
        ),
        (
            "table:ACCIDENT",
            Some("foreignKeys[0]"),
            "hublot:ForeignKeyConstraint",
            Some("PATIENTS")
        )
    );
    assert_eq!(x.file.as_deref(), Some(f.as_path()));
    assert_eq!(x.line, Some(7));
    assert!(x.fix.contains("PATIENTS"), "{}", x.fix);
}

#[test]
fn a_foreign_key_resolves_in_the_active_snapshot() {
    // ACCIDENT alone: PATIENT is not in the folder. With a catalogue that has it, the key
    // resolves; without, it does not.
    let only_accident = fixture("tables/schemas/ACCIDENT.json");
    let lists = fixture("tables/nomenclatures");
    let r = run(
        &[only_accident.clone(), lists.clone()],
        &ValidateOptions::default(),
    );
    assert_eq!(only(&r).constraint, "hublot:ForeignKeyConstraint");

    let data = common::data_dir();
    let h = hublot::Hublot::open(Some(data.path().to_path_buf())).unwrap();
    let src = tempfile::tempdir().unwrap();
    common::copy_tree(&fixture("tables"), src.path());
    h.import(&hublot::ImportRequest {
        paths: vec![src.path().to_path_buf()],
        force: true,
    })
    .unwrap();
    let r = h
        .validate(&hublot::api::validate::ValidateRequest {
            paths: vec![only_accident],
            ..Default::default()
        })
        .unwrap();
    assert!(r.conforms && r.findings.is_empty(), "{:#?}", r.findings);
}

#[test]
fn a_broken_code_list_reference_is_a_violation() {
    let dir = copy_fixture_dir("tables");
    let f = dir.path().join("schemas/ACCIDENT.json");
    let s = std::fs::read_to_string(&f).unwrap();
    std::fs::write(
        &f,
        s.replace("REG_GRAV_V:GRAV_COD", "REG_GRAVITE_V:GRAV_COD"),
    )
    .unwrap();
    let r = run(&[dir.path().to_path_buf()], &ValidateOptions::default());
    let x = only(&r);
    assert_eq!(
        (
            x.focus.as_str(),
            x.path.as_deref(),
            x.constraint.as_str(),
            x.value.as_deref()
        ),
        (
            "table:ACCIDENT",
            Some("fields[3].nomenclature"),
            "hublot:CodeListConstraint",
            Some("REG_GRAVITE_V:GRAV_COD")
        )
    );
    assert_eq!(x.line, Some(13));

    // A column the code list does not have.
    std::fs::write(&f, s.replace("REG_GRAV_V:GRAV_COD", "REG_GRAV_V:GRAV_CODE")).unwrap();
    let r = run(&[dir.path().to_path_buf()], &ValidateOptions::default());
    let x = only(&r);
    assert_eq!(x.constraint, "hublot:CodeListConstraint");
    assert!(x.message.contains("GRAV_COD, GRAV_LIB"), "{}", x.message);

    // A primary key naming no field, and a duplicated code.
    std::fs::write(
        &f,
        s.replace(
            "\"primaryKey\": [\"ACC_ID\"]",
            "\"primaryKey\": [\"ACC_NUM\"]",
        ),
    )
    .unwrap();
    let csv = dir.path().join("nomenclatures/REG_GRAV_V.csv");
    std::fs::write(&csv, "GRAV_COD;GRAV_LIB\nL;Légère\nL;Légère encore\n").unwrap();
    let r = run(&[dir.path().to_path_buf()], &ValidateOptions::default());
    let got: Vec<(&str, Severity, Option<u64>)> = r
        .findings
        .iter()
        .map(|f| (f.constraint.as_str(), f.severity, f.line))
        .collect();
    assert_eq!(
        got,
        [
            ("hublot:PrimaryKeyConstraint", Severity::Violation, Some(5)),
            ("hublot:UniqueCodeConstraint", Severity::Warning, Some(3)),
        ]
    );
}

#[test]
fn broken_markdown_links_and_anchors_are_violations() {
    let r = run(&[fixture("docs")], &ValidateOptions::default());
    assert!(r.conforms && r.findings.is_empty(), "{:#?}", r.findings);
    let dir = copy_fixture_dir("docs");
    let f = dir.path().join("index.md");
    let s = std::fs::read_to_string(&f).unwrap();
    let s = s
        .replace("(guide/patients.md)", "(guide/patient.md)")
        .replace("#gravite)", "#severite)");
    std::fs::write(&f, s).unwrap();
    let r = run(&[dir.path().to_path_buf()], &ValidateOptions::default());
    let got: Vec<(Option<u64>, &str)> = r
        .findings
        .iter()
        .map(|f| (f.line, f.value.as_deref().unwrap()))
        .collect();
    assert_eq!(
        got,
        [
            (Some(6), "guide/patient.md"),
            (Some(7), "guide/patients.md#severite")
        ]
    );
    assert!(r
        .findings
        .iter()
        .all(|f| f.constraint == "hublot:LinkConstraint"));
}

#[test]
fn the_real_snds_schemas_and_code_lists_validate() {
    let root = common::corpus().join("schema-snds");
    let r = run(
        &[root.join("schemas"), root.join("nomenclatures")],
        &ValidateOptions::default(),
    );
    let violations: Vec<&Finding> = r
        .findings
        .iter()
        .filter(|f| f.severity == Severity::Violation)
        .collect();
    assert!(
        r.conforms,
        "{} violations, first: {:#?}",
        violations.len(),
        &violations[..violations.len().min(5)]
    );
}

#[test]
fn the_json_answer_has_the_documented_shape() {
    let dir = tempfile::tempdir().unwrap();
    let r = run(
        &[without(dir.path(), MANDATORY[0].0)],
        &ValidateOptions::default(),
    );
    let v = serde_json::to_value(&r).unwrap();
    let top: Vec<&str> = v.as_object().unwrap().keys().map(String::as_str).collect();
    assert_eq!(top, ["conforms", "findings", "score"]);
    let f = v["findings"][0].as_object().unwrap();
    for k in [
        "severity",
        "focus",
        "path",
        "constraint",
        "value",
        "message",
        "fix",
        "file",
        "line",
    ] {
        assert!(f.contains_key(k), "{k}");
    }
    assert_eq!(f["severity"], "violation");
    for level in ["mandatory", "recommended", "optional"] {
        assert!(v["score"][level]["filled"].is_u64() && v["score"][level]["total"].is_u64());
    }
}

#[test]
fn the_operation_is_local_only() {
    let data = common::data_dir();
    let h = hublot::Hublot::open(Some(data.path().to_path_buf())).unwrap();
    let args = serde_json::json!({"paths": [fixture("record.ttl")]});
    let v = h.call("validate.paths", args.clone()).unwrap();
    assert_eq!(v["conforms"], true);
    let e = h
        .call_as(
            hublot::api::Caller::Network,
            "validate.paths",
            hublot::api::Input::Json(args),
        )
        .unwrap_err();
    assert_eq!(e.status(), 403);
}
