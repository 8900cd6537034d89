//! HealthDCAT-AP records → bases: three realistic records (Turtle, JSON-LD, RDF/XML), bad and
//! hostile input (entity declarations, oversized files, `javascript:` links), and the HDH's
//! mandatory properties checked against the HDH's SHACL shapes in the corpus
//! (`../shared/corpus`). Paged collections are walked by the sync: see
//! `tests/sync_healthdcat.rs`.

mod common;

use hublot::ingest::healthdcat::{self, Graph, Node, RdfFormat};
use hublot::Error;
use serde_json::Value;
use std::collections::{BTreeSet, HashMap};
use std::path::{Path, PathBuf};

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/healthdcat")
        .join(name)
}

/// The HDH shapes and vocabularies of the corpus (found by `common::corpus`): their absence
/// fails the test that needs them, with a message, rather than letting it pass unchecked.
fn corpus() -> PathBuf {
    common::corpus().join("healthdcat-ap")
}

fn strings(v: &Value) -> Vec<String> {
    v.as_array()
        .unwrap()
        .iter()
        .map(|x| x.as_str().unwrap().to_string())
        .collect()
}

#[test]
fn national_registry_in_turtle_maps_every_field() {
    let path = fixture("registre-cardiopathies.ttl");
    assert!(healthdcat::is_healthdcat_file(&path));
    let out = healthdcat::read_file(&path).unwrap();
    assert_eq!(out.bases.len(), 1, "{:?}", out.warnings);
    let b = &out.bases[0];
    assert_eq!(b.id, "rncc-2024");
    assert_eq!(b.name, "RNCC");
    assert_eq!(
        b.title.fr,
        "Registre national des cardiopathies congénitales"
    );
    assert_eq!(b.title.en, "National registry of congenital heart defects");
    // The German title is kept, raw, in extra.
    assert_eq!(
        b.extra["dct:title"],
        serde_json::json!([{"@value": "Nationales Register angeborener Herzfehler", "@language": "de"}])
    );
    assert!(b.description.fr.starts_with("Registre exhaustif"));
    assert!(b.description.en.starts_with("Exhaustive registry"));
    assert_eq!(b.kind, "registry");
    let producer = b.producer.as_ref().unwrap();
    assert_eq!(producer.name, "Institut de veille cardiopédiatrique");
    assert_eq!(
        producer.url.as_deref(),
        Some("https://registre-cc.example.org/")
    );
    assert_eq!(
        b.contact.as_deref(),
        Some("contact@registre-cc.example.org")
    );
    assert_eq!(b.doi.as_deref(), Some("10.5072/rncc.2024"));
    for k in [
        "cardiopathie congénitale",
        "registre",
        "congenital heart defect",
    ] {
        assert!(b.keywords.iter().any(|x| x == k), "{k} in {:?}", b.keywords);
    }
    assert_eq!(b.access.text.fr, "Restreint");
    assert_eq!(b.access.text.en, "Restricted");
    assert_eq!(b.access.routes, vec!["cesrees-cnil"]);
    assert_eq!(b.period.start.as_deref(), Some("2005-01-01"));
    assert_eq!(b.period.end.as_deref(), Some("2023-12-31"));
    assert_eq!(b.period.text.fr, "De 2005-01-01 à 2023-12-31");
    assert_eq!(b.geography.fr, "France");
    assert!(b.population.fr.starts_with("Enfants nés vivants"));
    assert!(b.population.en.starts_with("Live births"));
    // Links: landing page, distribution, sample (download URL), reference publication.
    let urls: Vec<&str> = b.links.iter().map(|l| l.url.as_str()).collect();
    assert_eq!(
        urls,
        vec![
            "https://registre-cc.example.org/",
            "https://registre-cc.example.org/acces",
            "https://registre-cc.example.org/echantillon/rncc-synthetique.csv",
            "https://doi.org/10.5072/rncc.protocole",
        ]
    );
    assert_eq!(
        b.links[1].title.fr,
        "Distribution : Extraction sur projet (CSV)"
    );
    assert_eq!(
        b.links[1].title.en,
        "Distribution: Project extraction (CSV)"
    );
    assert_eq!(b.links[2].title.fr, "Échantillon : Données synthétiques");
    // Counts, ages, HDAB, themes, legislation, legal basis: in extra, typed.
    assert_eq!(
        b.extra["healthdcatap:numberOfRecords"],
        serde_json::json!([152340])
    );
    assert_eq!(
        b.extra["healthdcatap:numberOfUniqueIndividuals"],
        serde_json::json!([48210])
    );
    assert_eq!(
        b.extra["healthdcatap:minTypicalAge"],
        serde_json::json!([0])
    );
    assert_eq!(
        b.extra["healthdcatap:maxTypicalAge"],
        serde_json::json!([1])
    );
    assert_eq!(
        b.extra["healthdcatap:hdab"][0]["foaf:name"],
        serde_json::json!([{"@value": "Health Data Hub", "@language": "fr"}])
    );
    assert_eq!(
        b.extra["dcat:theme"][0]["skos:prefLabel"]["fr"],
        Value::String("Santé".into())
    );
    assert_eq!(
        b.extra["dcatap:applicableLegislation"]
            .as_array()
            .unwrap()
            .len(),
        2
    );
    assert_eq!(
        strings(&b.extra["dpv:hasLegalBasis"]),
        vec!["https://w3id.org/dpv/legal/eu/gdpr#A9-2-j"]
    );
    assert_eq!(
        b.extra["dct:publisher"][0]["healthdcatap:trustedDataHolder"],
        serde_json::json!([true])
    );
    // Unmapped properties are kept raw, under their compacted predicate or full IRI.
    assert!(b.extra.contains_key("dct:provenance"));
    assert!(b.extra.contains_key("dqv:hasQualityAnnotation"));
    assert_eq!(
        b.extra["https://registre-cc.example.org/ns#nombreCentres"],
        serde_json::json!([58])
    );
    // Every mandatory property is there.
    assert_eq!(
        b.extra["hublot:missingMandatory"],
        serde_json::json!([]),
        "{:?}",
        b.extra["hublot:missingMandatory"]
    );
    // Variables from csvw, in the rdf:List's order.
    assert_eq!(out.tables.len(), 1);
    let t = &out.tables[0];
    assert_eq!(t.name, "RNCC_NAISSANCE");
    assert_eq!(t.title, "Naissances");
    assert_eq!(t.base, "rncc-2024");
    assert_eq!(t.produit, "RNCC");
    assert_eq!(b.produits, vec!["RNCC"]);
    assert_eq!(t.primary_key, vec!["ID_ENFANT"]);
    let names: Vec<&str> = t.variables.iter().map(|v| v.name.as_str()).collect();
    assert_eq!(names, vec!["ID_ENFANT", "DATE_NAIS", "CODE_CIM10"]);
    assert_eq!(
        t.variables[0].description,
        "Identifiant pseudonymisé de l'enfant"
    );
    assert_eq!(t.variables[1].r#type, "date");
    assert_eq!(t.variables[1].format.as_deref(), Some("yyyy-MM-dd"));
    assert_eq!(t.variables[2].description, "Diagnostic (CIM-10)");
}

#[test]
fn cohort_in_json_ld_with_a_local_context() {
    let path = fixture("cohorte-sommeil.jsonld");
    assert!(healthdcat::is_healthdcat_file(&path));
    let out = healthdcat::read_file(&path).unwrap();
    let b = &out.bases[0];
    assert_eq!(b.id, "sommeil-ados");
    assert_eq!(b.title.fr, "Cohorte Sommeil des adolescents");
    assert_eq!(b.title.en, "Adolescent Sleep Cohort");
    assert_eq!(
        b.extra["dct:title"],
        serde_json::json!([{"@value": "Cohorte de sueño de los adolescentes", "@language": "es"}])
    );
    assert_eq!(b.kind, "cohort");
    assert_eq!(b.producer.as_ref().unwrap().name, "Consortium Sommeil-Ados");
    assert_eq!(b.contact.as_deref(), Some("cohorte@sommeil.example.org"));
    assert_eq!(b.period.start.as_deref(), Some("2019-09-01"));
    assert_eq!(b.period.end, None);
    assert_eq!(b.period.text.en, "Since 2019-09-01");
    // The only DOI is the reference publication's.
    assert_eq!(
        b.doi.as_deref(),
        Some("10.5072/sommeil-ados.cohort-profile")
    );
    assert_eq!(b.access.text.fr, "Non public");
    assert!(b.access.routes.is_empty());
    assert_eq!(b.keywords.len(), 5);
    assert_eq!(
        b.extra["healthdcatap:numberOfRecords"],
        serde_json::json!([38400])
    );
    assert_eq!(
        b.extra["healthdcatap:minTypicalAge"],
        serde_json::json!([11])
    );
    assert_eq!(
        b.extra["healthdcatap:maxTypicalAge"],
        serde_json::json!([17])
    );
    assert_eq!(
        b.extra["https://cohorte-sommeil.example.org/ns#suiviAnnees"],
        serde_json::json!([6])
    );
    // Columns given directly under hasVariables make one table named after the base.
    assert_eq!(out.tables.len(), 1);
    let t = &out.tables[0];
    assert_eq!(t.name, "sommeil-ados");
    let vars: Vec<(&str, &str)> = t
        .variables
        .iter()
        .map(|v| (v.name.as_str(), v.r#type.as_str()))
        .collect();
    assert_eq!(
        vars,
        vec![("DUREE_SOMMEIL", "integer"), ("ECRAN_SOIR", "boolean")]
    );
    let missing = strings(&b.extra["hublot:missingMandatory"]);
    for p in [
        "dcat:distribution",
        "adms:sample",
        "healthdcatap:hdab",
        "dct:spatial",
    ] {
        assert!(missing.iter().any(|m| m == p), "{p} in {missing:?}");
    }
    assert!(!missing.iter().any(|m| m == "dct:title"));
}

#[test]
fn hospital_warehouse_in_rdf_xml_lists_what_is_missing() {
    let path = fixture("entrepot-chu.rdf");
    let g = healthdcat::parse_file(&path).unwrap();
    let ds = g.datasets();
    assert_eq!(ds.len(), 1);
    let missing: Vec<String> = healthdcat::check_mandatory(&g, &ds[0])
        .into_iter()
        .map(|m| m.path)
        .collect();
    let expected = [
        "dcatap:applicableLegislation",
        "dcat:contactPoint",
        "dcat:distribution",
        "dct:spatial",
        "dct:identifier",
        "dct:provenance",
        "adms:sample",
        "dcat:theme",
        "dct:type",
        "dpv:hasPurpose",
        "healthdcatap:hdab",
        "healthdcatap:healthCategory",
        "healthdcatap:healthTheme",
        "dct:publisher/foaf:homepage",
        "dct:publisher/foaf:mbox",
        "dct:publisher/healthdcatap:publisherType",
        "dct:publisher/healthdcatap:publisherNote",
        "dct:publisher/healthdcatap:trustedDataHolder",
    ];
    assert_eq!(missing, expected);

    let out = healthdcat::read_file(&path).unwrap();
    let b = &out.bases[0];
    assert_eq!(b.id, "eds-chu");
    assert_eq!(b.kind, "warehouse");
    assert_eq!(b.title.fr, "Entrepôt de données de santé du CHU d'Exemple");
    assert_eq!(b.title.en, "");
    assert_eq!(b.producer.as_ref().unwrap().name, "CHU d'Exemple");
    assert!(b.access.text.fr.contains("MR-004"));
    assert_eq!(b.access.routes, vec!["mr-004"]);
    assert_eq!(strings(&b.extra["hublot:missingMandatory"]), expected);
    assert_eq!(
        b.extra["https://eds.chu-exemple.fr/ns#nombreSejours"],
        serde_json::json!([4200000])
    );
    assert!(out.tables.is_empty());
}

#[test]
fn malformed_turtle_names_the_file_and_the_line() {
    let path = fixture("malformed.ttl");
    let err = healthdcat::read_file(&path).unwrap_err();
    match &err {
        Error::Json { path: p, line, .. } => {
            assert_eq!(p, &path);
            assert_eq!(*line, 8, "{err}");
        }
        e => panic!("expected a positioned error, got {e:?}"),
    }
    let msg = err.to_string();
    assert!(msg.contains("malformed.ttl"), "{msg}");
    assert!(msg.contains("line 8"), "{msg}");
    assert!(msg.contains("invalid Turtle"), "{msg}");
}

#[test]
fn malformed_rdf_xml_and_json_ld_name_the_line_too() {
    let xml = b"<?xml version=\"1.0\"?>\n<rdf:RDF xmlns:rdf=\"http://www.w3.org/1999/02/22-rdf-syntax-ns#\">\n  <rdf:Description rdf:about=\"https://example.org/x\">\n  </rdf:Descriptio>\n</rdf:RDF>\n";
    let err =
        healthdcat::parse_bytes(xml, RdfFormat::RdfXml, None, Path::new("bad.rdf")).unwrap_err();
    let msg = err.to_string();
    assert!(msg.starts_with("bad.rdf: line 4"), "{msg}");

    let json = b"{\n  \"@context\": {\"dct\": \"http://purl.org/dc/terms/\"},\n  \"dct:title\": \"x\",,\n}\n";
    let err = healthdcat::parse_bytes(json, RdfFormat::JsonLd, None, Path::new("bad.jsonld"))
        .unwrap_err();
    let msg = err.to_string();
    assert!(msg.starts_with("bad.jsonld: line 3"), "{msg}");
}

#[test]
fn remote_json_ld_context_is_refused_and_never_fetched() {
    let path = fixture("remote-context.jsonld");
    let err = healthdcat::read_file(&path).unwrap_err();
    let msg = err.to_string();
    assert!(msg.contains("remote-context.jsonld"), "{msg}");
    assert!(msg.contains("https://www.w3.org/ns/dcat3.jsonld"), "{msg}");
    assert!(msg.contains("never fetches"), "{msg}");

    // A context on a loopback server: the server must see no connection at all.
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    listener.set_nonblocking(true).unwrap();
    let url = format!("http://{}/context.jsonld", listener.local_addr().unwrap());
    let doc =
        format!(r#"{{"@context": "{url}", "@id": "https://example.org/d", "@type": "Dataset"}}"#);
    let err = healthdcat::parse_bytes(
        doc.as_bytes(),
        RdfFormat::JsonLd,
        None,
        Path::new("d.jsonld"),
    )
    .unwrap_err();
    assert!(err.to_string().contains(&url), "{err}");
    std::thread::sleep(std::time::Duration::from_millis(100));
    assert!(
        listener.accept().is_err(),
        "the parser connected to the remote context's server"
    );
}

/// The mandatory lists in the module are those of the HDH shapes (`sh:minCount 1`), read here
/// with the module's own Turtle parser.
#[test]
fn mandatory_lists_match_the_hdh_shacl_shapes() {
    let dir = corpus();
    let g = healthdcat::parse_file(&dir.join("hdh-shacl-shapes.ttl")).unwrap();
    let shapes_ns = "https://semiceu.github.io/DCAT-AP/releases/3.0.0/html/shacl/shapes.ttl#";
    let mandatory = |g: &Graph, shape: &str| -> BTreeSet<String> {
        let mut out = BTreeSet::new();
        let mut todo = vec![Node::Iri(format!("{shapes_ns}{shape}"))];
        while let Some(s) = todo.pop() {
            for o in g.objects(&s, "sh:extends") {
                if let healthdcat::Object::Node(n) = o {
                    todo.push(n.clone());
                }
            }
            for o in g.objects(&s, "sh:property") {
                let healthdcat::Object::Node(p) = o else {
                    continue;
                };
                let min = g.objects(p, "sh:minCount").any(
                    |m| matches!(m, healthdcat::Object::Literal { value, .. } if value != "0"),
                );
                if !min {
                    continue;
                }
                for path in g.objects(p, "sh:path") {
                    if let healthdcat::Object::Node(Node::Iri(i)) = path {
                        out.insert(healthdcat::compact(i));
                    }
                }
            }
        }
        out
    };
    let set = |l: &[&str]| l.iter().map(|s| s.to_string()).collect::<BTreeSet<_>>();
    assert_eq!(
        mandatory(&g, "Dataset_Shape"),
        set(healthdcat::DATASET_MANDATORY)
    );
    assert_eq!(
        mandatory(&g, "HealthPublisherAgent_Shape"),
        set(healthdcat::PUBLISHER_MANDATORY)
    );
    assert_eq!(
        mandatory(&g, "HealthAgent_Shape"),
        set(healthdcat::HDAB_MANDATORY)
    );
    assert_eq!(
        mandatory(&g, "healthDistribution_Shape"),
        set(healthdcat::DISTRIBUTION_MANDATORY)
    );
    assert_eq!(
        mandatory(&g, "Distribution_Shape"),
        set(healthdcat::SAMPLE_MANDATORY)
    );
    assert_eq!(
        mandatory(&g, "Kind_Shape"),
        set(healthdcat::CONTACT_MANDATORY)
    );
}

/// Access-right labels and vocabulary codes agree with the HDH vocabularies.
#[test]
fn labels_and_codes_agree_with_the_hdh_vocabularies() {
    let dir = corpus();
    let voc = dir.join("hdh-vocabularies");
    // A tiny reader of the flat `key: value` YAML blocks these files use.
    let block = |file: &str, section: &str| -> Vec<(String, String)> {
        let text = std::fs::read_to_string(voc.join(file)).unwrap();
        let mut out = Vec::new();
        let mut inside = false;
        for line in text.lines() {
            if line.starts_with("  ") && !line.starts_with("    ") {
                inside = line.trim() == format!("{section}:");
                continue;
            }
            if inside && line.starts_with("    ") && !line.starts_with("      ") {
                if let Some((k, v)) = line.trim().split_once(": ") {
                    out.push((k.to_string(), v.trim_matches('"').to_string()));
                }
            }
        }
        out
    };
    let iris = block("AccessRights.yml", "vocabulary_list");
    assert_eq!(iris.len(), 3);
    let fr: HashMap<_, _> = block("AccessRights.yml", "fr").into_iter().collect();
    let en: HashMap<_, _> = block("AccessRights.yml", "en").into_iter().collect();
    for (code, iri) in &iris {
        assert_eq!(&healthdcat::concept_code(iri), code);
        let label = healthdcat::known_label(iri).unwrap();
        assert_eq!(&label.fr, &fr[code], "{iri}");
        assert_eq!(&label.en, &en[code], "{iri}");
    }
    for (file, n) in [("HealthCategories.yml", 17), ("HealthTheme.yml", 20)] {
        let iris = block(file, "vocabulary_list");
        assert!(iris.len() >= n, "{file}: {}", iris.len());
        for (code, iri) in iris {
            assert!(
                healthdcat::concept_code(&iri).eq_ignore_ascii_case(&code),
                "{file}: {iri} → {code}"
            );
        }
    }
}

/// `hublot import` takes a HealthDCAT-AP file directly: its datasets become searchable bases.
#[test]
fn a_record_file_imports_as_bases() {
    let dir = tempfile::tempdir().unwrap();
    let h = hublot::Hublot::open(Some(dir.path().to_path_buf())).unwrap();
    let r = h
        .import(&hublot::ImportRequest {
            paths: vec![
                fixture("registre-cardiopathies.ttl"),
                fixture("entrepot-chu.rdf"),
            ],
            force: false,
        })
        .unwrap();
    assert!(r.stats.bases >= 2, "{:?}", r.stats);
    let found = h
        .search(&hublot::SearchRequest {
            q: "cardiopathies congénitales".into(),
            kind: Some("base".into()),
            ..Default::default()
        })
        .unwrap();
    let id = found
        .hits
        .first()
        .map(|x| x.id.clone())
        .expect("the registry is found");
    let hublot::Record::Base(page) = h.show(&id).unwrap() else {
        panic!("a base")
    };
    assert!(
        page.base
            .doi
            .as_deref()
            .is_some_and(|d| d.starts_with("10.5072/")),
        "{:?}",
        page.base.doi
    );
    let err = h
        .import(&hublot::ImportRequest {
            paths: vec![fixture("malformed.ttl")],
            force: false,
        })
        .unwrap_err()
        .to_string();
    assert!(err.contains("malformed.ttl: line"), "{err}");
}

/// "Billion laughs": nested `<!ENTITY>` declarations made a 774-byte file import with gigabytes
/// of memory and an 889-byte one abort the process. They are refused before parsing, with an
/// error naming the file and the line, and the active snapshot stays as it was.
#[test]
fn entity_declarations_are_refused_before_parsing() {
    let dir = common::data_dir();
    let h = common::open_fr(dir.path());
    let b = common::before(&h);
    let files = tempfile::tempdir().unwrap();
    for (name, levels, first, size) in [
        ("laughs-774.rdf", 7, 68, 774),
        ("laughs-889.rdf", 8, 126, 889),
    ] {
        let path = files.path().join(name);
        let text = common::billion_laughs(levels, first);
        assert_eq!(text.len(), size);
        std::fs::write(&path, text).unwrap();
        let err = h
            .import(&hublot::ImportRequest {
                paths: vec![path.clone()],
                force: false,
            })
            .unwrap_err();
        assert!(matches!(err, Error::Json { line: 3, .. }), "{err:?}");
        let msg = err.to_string();
        assert!(
            msg.starts_with(&format!("{}: line 3, column 2: ", path.display()))
                && msg.contains("entity declarations (<!ENTITY …>) are refused"),
            "{msg}"
        );
        common::assert_unchanged(&h, &b, name);
        // The reader alone (as `snapshot.build` uses it) refuses it too.
        assert!(healthdcat::read_file(&path).is_err());
    }
}

/// An RDF file larger than the bound is refused before it is read, naming the file.
#[test]
fn an_oversized_rdf_file_is_refused_unread() {
    let files = tempfile::tempdir().unwrap();
    let path = files.path().join("huge.ttl");
    // Sparse: the size is there without the bytes.
    let f = std::fs::File::create(&path).unwrap();
    f.set_len(healthdcat::MAX_RDF_BYTES + 1).unwrap();
    drop(f);
    let err = healthdcat::read_file(&path).unwrap_err();
    assert!(matches!(err, Error::TooLarge(_)), "{err:?}");
    assert!(
        err.to_string().contains(&format!(
            "{}: {} bytes",
            path.display(),
            healthdcat::MAX_RDF_BYTES + 1
        )),
        "{err}"
    );
    let err = healthdcat::parse_bytes(
        &vec![b' '; healthdcat::MAX_RDF_BYTES as usize + 1],
        RdfFormat::Turtle,
        None,
        Path::new("https://x.example/page"),
    )
    .unwrap_err();
    assert!(
        err.to_string().contains("https://x.example/page: "),
        "{err}"
    );
}

/// `javascript:` (and any other scheme than http, https and mailto) from a record never reaches
/// a link: each is dropped at ingest with a warning naming the file, the dataset and the
/// property, and the good links of the same record stay.
#[test]
fn only_http_https_and_mailto_urls_are_kept_from_a_record() {
    let files = tempfile::tempdir().unwrap();
    let path = files.path().join("xss.ttl");
    std::fs::write(
        &path,
        r#"@prefix dcat: <http://www.w3.org/ns/dcat#> .
@prefix dct: <http://purl.org/dc/terms/> .
@prefix foaf: <http://xmlns.com/foaf/0.1/> .
@prefix vcard: <http://www.w3.org/2006/vcard/ns#> .
<https://x.example/d> a dcat:Dataset ;
    dct:identifier "xss" ;
    dct:title "Piège"@fr ;
    dcat:landingPage <javascript:alert(1)> , <https://x.example/landing> ;
    foaf:page <JavaScript:alert(2)> , <mailto:doc@x.example> ;
    dct:isReferencedBy "javascript://%0aalert(3)" ;
    dct:publisher [ foaf:name "Éditeur" ; foaf:homepage <javascript:alert(4)> ] ;
    dcat:contactPoint [ vcard:hasURL <data:text/html,x> ; vcard:fn "Guichet" ] ;
    dcat:distribution [ dcat:downloadURL <vbscript:msgbox(5)> ] ,
        [ dcat:accessURL <https://x.example/files> ] .
"#,
    )
    .unwrap();
    let out = healthdcat::read_file(&path).unwrap();
    let b = &out.bases[0];
    let urls: Vec<&str> = b.links.iter().map(|l| l.url.as_str()).collect();
    assert_eq!(
        urls,
        [
            "https://x.example/landing",
            "https://x.example/files",
            "mailto:doc@x.example"
        ]
    );
    let producer = b.producer.as_ref().unwrap();
    assert_eq!(
        (producer.name.as_str(), producer.url.as_deref()),
        ("Éditeur", None)
    );
    assert_eq!(b.contact.as_deref(), Some("Guichet"));
    let at = format!("{} (dataset `xss`): ", path.display());
    for p in [
        "dcat:landingPage `javascript:alert(1)`",
        "foaf:page `JavaScript:alert(2)`",
        "dct:isReferencedBy `javascript://%0aalert(3)`",
        "dct:publisher/foaf:homepage `javascript:alert(4)`",
        "dcat:contactPoint/vcard:hasURL `data:text/html,x`",
        "dcat:distribution/dcat:downloadURL `vbscript:msgbox(5)`",
    ] {
        assert!(
            out.warnings
                .iter()
                .any(|w| w.starts_with(&format!("{at}{p} dropped"))),
            "{p} in {:#?}",
            out.warnings
        );
    }
    assert_eq!(out.warnings.len(), 6, "{:#?}", out.warnings);
}
