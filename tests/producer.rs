//! Producers' drafts (issue 11): a folder loaded over the bundled snapshot, "published" and
//! "draft" side by side, the exports (Turtle, snapshot folder, HTML page), live reload, and who
//! may name a folder. Fixtures: `tests/fixtures/producer/` (ours; DOIs 10.5072).

mod common;

use hublot::api::producer::{
    DraftExportFormat, ProducerExport, ProducerExportSnapshot, ProducerOpen,
};
use hublot::api::{Caller, Input};
use hublot::producer::ChangeKind;
use hublot::{Error, Hublot, ImportRequest};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/producer")
        .join(name)
}

fn open(h: &Hublot, path: &Path, watch: bool) -> hublot::api::producer::DraftView {
    h.producer_open(&ProducerOpen {
        folder: path.to_path_buf(),
        watch: Some(watch),
    })
    .unwrap()
}

#[test]
fn a_draft_loads_over_the_bundled_snapshot_without_touching_it() {
    let dir = common::data_dir();
    let h = Hublot::open(Some(dir.path().to_path_buf())).unwrap();
    let before = h.snapshot().unwrap();
    let digest = common::tree_digest(dir.path());
    let v = open(&h, &fixture("registre-sommeil"), false);
    assert_eq!(v.error, None);
    assert_eq!(
        v.bases.len(),
        1,
        "{:?}",
        v.bases.iter().map(|b| &b.page.base.id).collect::<Vec<_>>()
    );
    let b = &v.bases[0];
    assert_eq!(b.page.base.id, "registre-sommeil");
    assert!(b.published.is_none(), "a new base has no published version");
    // The Table Schemas land on the record's base (it claims their `produit`).
    let names: Vec<&str> = b.page.tables.iter().map(|t| t.name.as_str()).collect();
    assert_eq!(names, ["RS_NUIT", "RS_PATIENT"]);
    // The tables are the catalogue's table pages: joins resolve, code lists of the draft and
    // of the published snapshot are both found.
    let nuit = v.tables.iter().find(|t| t.table.name == "RS_NUIT").unwrap();
    assert!(nuit
        .joins_out
        .iter()
        .any(|j| j.table == "RS_PATIENT" && j.exists));
    let session = h.producer_session().unwrap();
    let p = session.preview();
    let var = p.variable("RS_NUIT", "RS_APN_COD").unwrap();
    assert_eq!(var.nomenclature.unwrap().name, "RS_APNEE_V");
    assert_eq!(var.codes.len(), 4);
    let sex = p.variable("RS_PATIENT", "BEN_SEX_COD").unwrap();
    assert_eq!(
        sex.nomenclature.unwrap().name,
        "IR_SEX_V",
        "a code list of the published snapshot"
    );
    // The published catalogue is still there around the draft.
    assert!(p.table("IR_BEN_R").is_ok());
    assert!(p.doc("guide.md").is_ok(), "the draft's documentation page");
    assert_eq!(v.docs.len(), 1);
    assert_eq!(v.nomenclatures.len(), 1);
    // Nothing was written to the user's data directory, and its catalogue is unchanged.
    assert!(h.base("registre-sommeil").is_err());
    assert_eq!(h.snapshot().unwrap().id, before.id);
    drop(session);
    h.producer_close().unwrap();
    assert_eq!(common::tree_digest(dir.path()), digest);
}

#[test]
fn published_and_draft_differences_are_listed() {
    let dir = common::data_dir();
    let h = Hublot::open(Some(dir.path().to_path_buf())).unwrap();
    let v = open(&h, &fixture("constances"), false);
    assert_eq!(v.error, None);
    let b = &v.bases[0];
    assert_eq!(b.page.base.id, "constances");
    let published = b
        .published
        .as_ref()
        .expect("CONSTANCES is in the bundled catalogue");
    assert_eq!(published.base.title.fr, "Cohorte CONSTANCES");
    assert_eq!(
        b.page.base.title.fr,
        "Cohorte CONSTANCES, en population générale"
    );
    let change = |f: &str| b.changes.iter().find(|c| c.field == f).map(|c| c.change);
    assert_eq!(change("title.fr"), Some(ChangeKind::Changed));
    assert_eq!(change("doi"), Some(ChangeKind::Added));
    assert_eq!(change("keywords"), Some(ChangeKind::Changed));
    assert_eq!(change("name"), None, "the same short name is no difference");
    let t = b
        .table_changes
        .iter()
        .find(|t| t.table == "CST_INCLUSION")
        .unwrap();
    assert_eq!(t.change, ChangeKind::Added);
    // The preview shows the draft in place of the published base.
    let p = h.producer_session().unwrap().preview();
    assert_eq!(
        p.base("constances").unwrap().base.title.fr,
        b.page.base.title.fr
    );
    assert_eq!(
        h.base("constances").unwrap().base.title.fr,
        "Cohorte CONSTANCES"
    );
}

#[test]
fn the_draft_reloads_when_a_file_changes() {
    let dir = common::data_dir();
    let work = tempfile::tempdir().unwrap();
    common::copy_tree(&fixture("registre-sommeil"), work.path());
    let h = Hublot::open(Some(dir.path().to_path_buf())).unwrap();
    let v0 = open(&h, work.path(), true);
    let ttl = work.path().join("registre.ttl");
    let text = std::fs::read_to_string(&ttl).unwrap();
    std::fs::write(
        &ttl,
        text.replace(
            "Registre national de l'apnée du sommeil",
            "Registre de l'apnée, version 2",
        ),
    )
    .unwrap();
    let deadline = Instant::now() + Duration::from_secs(20);
    let v1 = loop {
        let v = h.producer_draft().unwrap();
        if v.version > v0.version {
            break v;
        }
        assert!(Instant::now() < deadline, "no reload within 20 s");
        std::thread::sleep(Duration::from_millis(50));
    };
    assert_eq!(
        v1.bases[0].page.base.title.fr,
        "Registre de l'apnée, version 2"
    );
    // A broken file keeps the last good draft on screen and says where it breaks.
    std::fs::write(
        &ttl,
        "@prefix dct: <http://purl.org/dc/terms/> .\n<x> dct:title \"oops\n",
    )
    .unwrap();
    let v2 = loop {
        let v = h.producer_draft().unwrap();
        if v.version > v1.version {
            break v;
        }
        assert!(Instant::now() < deadline, "no reload within 20 s");
        std::thread::sleep(Duration::from_millis(50));
    };
    let e = v2.error.expect("the error is reported");
    assert!(e.contains("registre.ttl") && e.contains("line 2"), "{e}");
    assert_eq!(
        v2.bases[0].page.base.title.fr,
        "Registre de l'apnée, version 2"
    );
}

#[test]
fn a_missing_mandatory_property_is_a_finding_beside_its_field() {
    let dir = common::data_dir();
    let work = tempfile::tempdir().unwrap();
    common::copy_tree(&fixture("registre-sommeil"), work.path());
    let ttl = work.path().join("registre.ttl");
    let text = std::fs::read_to_string(&ttl).unwrap();
    let no_spatial = text.replace(
        "    dct:spatial <http://publications.europa.eu/resource/authority/country/FRA> ;\n",
        "",
    );
    assert_ne!(text, no_spatial);
    std::fs::write(&ttl, no_spatial).unwrap();
    let h = Hublot::open(Some(dir.path().to_path_buf())).unwrap();
    let v = open(&h, work.path(), false);
    let f = v
        .findings
        .iter()
        .find(|f| f.path == "dct:spatial")
        .unwrap_or_else(|| panic!("{:#?}", v.findings));
    assert_eq!(f.field, "geography");
    assert_eq!(f.file.as_deref(), Some("registre.ttl"));
    assert!(!v.conforms);
}

/// The triples of a Turtle document, blank nodes canonicalised.
fn graph_of(ttl: &[u8]) -> oxrdf::Graph {
    let mut g = oxrdf::Graph::new();
    for t in oxttl::TurtleParser::new().for_slice(ttl) {
        g.insert(&t.unwrap());
    }
    g.canonicalize(oxrdf::graph::CanonicalizationAlgorithm::Unstable);
    g
}

#[test]
fn the_turtle_export_has_the_records_triples() {
    let dir = common::data_dir();
    let h = Hublot::open(Some(dir.path().to_path_buf())).unwrap();
    let src = fixture("registre-sommeil");
    let d = h
        .producer_export(
            &ProducerExport {
                format: DraftExportFormat::Ttl,
                folder: Some(src.clone()),
            },
            Caller::Local,
        )
        .unwrap();
    assert_eq!(d.filename, "registre-sommeil.ttl");
    let exported = graph_of(&d.bytes);
    let original = graph_of(&std::fs::read(src.join("registre.ttl")).unwrap());
    assert_eq!(exported.len(), original.len());
    assert!(exported == original, "the same triples");
    // And Hublot reads the export as the same base.
    let out = tempfile::tempdir().unwrap();
    let p = out.path().join("export.ttl");
    std::fs::write(&p, &d.bytes).unwrap();
    let a = hublot::ingest::healthdcat::read_file(&p).unwrap();
    let b = hublot::ingest::healthdcat::read_file(&src.join("registre.ttl")).unwrap();
    assert_eq!(a.bases[0].title, b.bases[0].title);
    assert_eq!(
        a.bases[0].doi.as_deref(),
        Some("10.5072/registre-sommeil.2025")
    );
}

#[test]
fn the_snapshot_export_reimports() {
    let dir = common::data_dir();
    let h = Hublot::open(Some(dir.path().to_path_buf())).unwrap();
    let out = tempfile::tempdir().unwrap();
    let snap = out.path().join("registre-snapshot");
    for name in ["registre-sommeil", "constances"] {
        let r = h
            .producer_export_snapshot(&ProducerExportSnapshot {
                out: snap.clone(),
                folder: Some(fixture(name)),
                id: None,
            })
            .unwrap();
        assert_eq!(
            r.id,
            format!(
                "{}-draft",
                if name == "constances" {
                    "constances"
                } else {
                    "registre-sommeil"
                }
            )
        );
        let other = common::data_dir();
        let h2 = Hublot::open(Some(other.path().to_path_buf())).unwrap();
        h2.import(&ImportRequest {
            paths: vec![snap.clone()],
            force: true,
        })
        .unwrap();
        let id = if name == "constances" {
            "constances"
        } else {
            "registre-sommeil"
        };
        let page = h2.base(id).unwrap();
        let want: Vec<&str> = if name == "constances" {
            vec!["CST_INCLUSION"]
        } else {
            vec!["RS_NUIT", "RS_PATIENT"]
        };
        let got: Vec<&str> = page.tables.iter().map(|t| t.name.as_str()).collect();
        assert_eq!(got, want, "{name}");
        if name == "registre-sommeil" {
            assert_eq!(
                h2.nomenclature(&hublot::api::NomenclatureRequest {
                    name: "RS_APNEE_V".into(),
                    ..Default::default()
                })
                .unwrap()
                .codes
                .total,
                4
            );
            assert!(h2.doc("guide.md").is_ok());
            let v = h2.variable("RS_NUIT", "RS_APN_COD").unwrap();
            assert_eq!(v.variable.description, "Sévérité de l'apnée");
        }
    }
}

#[test]
fn the_html_page_has_the_base_and_its_tables() {
    let dir = common::data_dir();
    let h = Hublot::open(Some(dir.path().to_path_buf())).unwrap();
    open(&h, &fixture("registre-sommeil"), false);
    let d = h
        .producer_export(
            &ProducerExport {
                format: DraftExportFormat::Html,
                folder: None,
            },
            Caller::Network,
        )
        .unwrap();
    assert_eq!(d.filename, "registre-sommeil.html");
    let html = String::from_utf8(d.bytes).unwrap();
    assert!(html.starts_with("<!doctype html>"));
    assert!(html.contains("Registre national de l&#39;apnée du sommeil"));
    for t in ["RS_PATIENT", "RS_NUIT", "RS_APN_COD", "RS_APNEE_V"] {
        assert!(html.contains(t), "{t}");
    }
    // Self-contained: no script, no remote resource.
    assert!(!html.contains("<script"));
    assert!(!html.contains("<link"));
    assert!(!html.contains("src="));
}

#[test]
fn a_network_caller_cannot_name_a_folder() {
    let dir = common::data_dir();
    let h = Hublot::open(Some(dir.path().to_path_buf())).unwrap();
    let path = fixture("registre-sommeil").display().to_string();
    let forbidden =
        |op: &str, args: serde_json::Value| match h.call_as(Caller::Network, op, Input::Json(args))
        {
            Err(Error::Forbidden(_)) => {}
            Err(e) => panic!("{op}: {e}"),
            Ok(_) => panic!("{op} answered a network caller"),
        };
    forbidden("producer.open", serde_json::json!({ "folder": path }));
    forbidden(
        "producer.export",
        serde_json::json!({ "folder": path, "format": "ttl" }),
    );
    forbidden(
        "producer.export",
        serde_json::json!({ "folder": path, "format": "html" }),
    );
    forbidden(
        "producer.export_snapshot",
        serde_json::json!({ "folder": path, "out": "/tmp/x" }),
    );
    forbidden("producer.close", serde_json::json!({}));
    // Without a draft, the reads say there is none; nothing was opened.
    match h.call_as(Caller::Network, "producer.draft", Input::none()) {
        Err(Error::NotFound(m)) => assert!(m.contains("hublot preview"), "{m}"),
        other => panic!("{other:?}"),
    }
    let st = h.call("producer.status", serde_json::json!({})).unwrap();
    assert_eq!(st["open"], false);
    // Once the draft is open (locally), a network caller reads it and exports it, path-free.
    open(&h, &fixture("registre-sommeil"), false);
    let v = h
        .call_as(Caller::Network, "producer.draft", Input::none())
        .unwrap()
        .into_value();
    assert_eq!(v["bases"][0]["page"]["base"]["id"], "registre-sommeil");
    assert!(h
        .call_as(
            Caller::Network,
            "producer.export",
            Input::query("format=ttl").unwrap()
        )
        .is_ok());
}
