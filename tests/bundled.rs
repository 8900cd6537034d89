//! The bundled catalogue: activated on first use, offline, and readable through every command.

mod common;

use hublot::{Hublot, Record, SearchRequest};
use std::process::Command;

#[test]
fn first_open_activates_the_bundled_catalogue() {
    let dir = common::data_dir();
    let h = Hublot::open(Some(dir.path().to_path_buf())).unwrap();
    let s = h.stats().unwrap();
    assert!(s.bases >= 12, "{s:?}");
    assert!(s.tables >= 10, "{s:?}");
    assert!(s.sample_rows > 100, "{s:?}");
    assert!(s.nomenclatures > 0 && s.codes > 0, "{s:?}");
    for t in [
        "IR_BEN_R", "ER_PRS_F", "ER_PHA_F", "ER_CAM_F", "T_MCOaaB", "T_MCOaaC", "T_MCOaaD",
        "KI_CCI_R", "IR_IMB_R", "DA_PRA_R",
    ] {
        let page = h.table(t).unwrap_or_else(|e| panic!("{t}: {e}"));
        assert!(page.sample.is_some(), "{t} has sample rows");
    }
    // Bases are described in both languages and none carries an invented DOI.
    let o = h.overview().unwrap();
    for b in &o.bases {
        assert!(
            !b.base.title.fr.is_empty() && !b.base.title.en.is_empty(),
            "{}",
            b.base.id
        );
        assert!(!b.base.description.fr.is_empty(), "{}", b.base.id);
        if let Some(doi) = &b.base.doi {
            assert!(
                b.base
                    .citation
                    .as_deref()
                    .is_some_and(|c| c.contains(doi.as_str())),
                "{} has a DOI without its source",
                b.base.id
            );
        }
    }
    let Record::Base(p) = h.show("base/dcir").unwrap() else {
        panic!("a base")
    };
    assert!(p.tables.iter().any(|t| t.name == "ER_PRS_F"));
    let r = h
        .search(&SearchRequest {
            q: "causes de décès".into(),
            kind: Some("base".into()),
            ..Default::default()
        })
        .unwrap();
    assert_eq!(
        r.hits.first().map(|h| h.id.as_str()),
        Some("base/causes-deces"),
        "{:?}",
        r.hits
    );
    let r = h
        .search(&SearchRequest {
            q: "emergency".into(),
            kind: Some("base".into()),
            ..Default::default()
        })
        .unwrap();
    assert_eq!(
        r.hits.first().map(|h| h.id.as_str()),
        Some("base/oscour"),
        "{:?}",
        r.hits
    );
}

#[test]
fn sample_rows_join_across_tables() {
    let dir = common::data_dir();
    let h = Hublot::open(Some(dir.path().to_path_buf())).unwrap();
    let ben = h.table("IR_BEN_R").unwrap().sample.unwrap();
    let prs = h.table("ER_PRS_F").unwrap().sample.unwrap();
    let col = |s: &hublot::store::samples_db::SamplePreview, c: &str| {
        s.columns.iter().position(|x| x == c).unwrap()
    };
    let (bi, pi) = (col(&ben, "BEN_NIR_PSA"), col(&prs, "BEN_NIR_PSA"));
    let people: std::collections::HashSet<_> = ben.rows.iter().map(|r| r[bi].clone()).collect();
    assert!(
        prs.rows.iter().any(|r| people.contains(&r[pi])),
        "prestations refer to beneficiaries of IR_BEN_R"
    );
}

#[test]
fn cli_json_shapes() {
    let dir = common::data_dir();
    let run = |args: &[&str]| -> serde_json::Value {
        let out = Command::new(env!("CARGO_BIN_EXE_hublot"))
            .arg("--data-dir")
            .arg(dir.path())
            .args(args)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        serde_json::from_slice(&out.stdout).unwrap()
    };
    let s = run(&["stats", "--json"]);
    let keys: Vec<&str> = s.as_object().unwrap().keys().map(String::as_str).collect();
    assert_eq!(
        keys,
        [
            "bases",
            "codes",
            "docs",
            "nomenclatures",
            "sample_rows",
            "tables",
            "variables"
        ]
    );
    let r = run(&["search", "date de décès", "--json", "--limit", "5"]);
    assert_eq!(r["query"], "date de décès");
    assert!(r["total"].as_u64().unwrap() > 0 && r["took_ms"].is_number());
    let hits = r["hits"].as_array().unwrap();
    assert!(hits.len() <= 5 && !hits.is_empty());
    for hit in hits {
        for k in ["kind", "id", "title", "score"] {
            assert!(!hit[k].is_null(), "{k} missing in {hit}");
        }
        match hit["kind"].as_str().unwrap() {
            "variable" => assert!(hit["table"].is_string() && hit["name"].is_string(), "{hit}"),
            "code" => assert!(
                hit["nomenclature"].is_string()
                    && hit["code"].is_string()
                    && hit["label"].is_string(),
                "{hit}"
            ),
            "doc" => assert!(hit["path"].is_string(), "{hit}"),
            "table" | "base" => assert!(hit["name"].is_string(), "{hit}"),
            _ => {}
        }
    }
    let v = run(&["show", "BEN_SEX_COD", "--json"]);
    assert_eq!(v["kind"], "variable");
    assert_eq!(v["table"]["name"], "IR_BEN_R");
    // Errors go to stderr with a non-zero status.
    let out = Command::new(env!("CARGO_BIN_EXE_hublot"))
        .arg("--data-dir")
        .arg(dir.path())
        .args(["show", "table/NOPE"])
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("not found: table `NOPE`"));
}

/// `hublot settings` lists the settings and sets one, including those a page may not change
/// (the DOI resolver, the publisher key): the command line is a local front end.
#[test]
fn cli_settings_set_and_list() {
    let dir = common::data_dir();
    let run = |args: &[&str]| {
        let o = Command::new(env!("CARGO_BIN_EXE_hublot"))
            .arg("--data-dir")
            .arg(dir.path())
            .args(args)
            .output()
            .unwrap();
        assert!(
            o.status.success(),
            "{args:?}: {}",
            String::from_utf8_lossy(&o.stderr)
        );
        String::from_utf8(o.stdout).unwrap()
    };
    run(&["settings", "cite.doi_resolver", "http://127.0.0.1:9"]);
    assert!(run(&["settings"]).contains("cite.doi_resolver = http://127.0.0.1:9"));
    let all: Vec<(String, String)> = serde_json::from_str(&run(&["settings", "--json"])).unwrap();
    assert!(all.contains(&("cite.doi_resolver".into(), "http://127.0.0.1:9".into())));
    let h = Hublot::open(Some(dir.path().into())).unwrap();
    assert!(h
        .settings()
        .unwrap()
        .contains(&("cite.doi_resolver".into(), "http://127.0.0.1:9".into())));
}
