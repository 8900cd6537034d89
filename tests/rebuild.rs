//! The incremental rebuild (issue #12): importing slightly changed sources over an active
//! snapshot rebuilds only what changed, and gives the same catalogue rows, index statistics,
//! mined acronyms and search results as a full build of the same sources. A failure leaves the
//! active snapshot as it was; what the incremental path cannot be sure of takes the full build.
//!
//! One test function: the failure switches are environment variables, read by the build.

mod common;

use hublot::{Hublot, ImportReport, ImportRequest, SearchRequest};
use std::path::{Path, PathBuf};

fn import(h: &Hublot, paths: &[PathBuf]) -> ImportReport {
    h.import(&ImportRequest {
        paths: paths.to_vec(),
        force: false,
    })
    .unwrap()
}

fn active_dir(h: &Hublot) -> PathBuf {
    h.data_dir()
        .join("snapshots")
        .join(h.snapshot().unwrap().id)
}

/// Every row of every catalogue table, in key order (the build time aside).
fn catalogue_rows(snapshot: &Path) -> Vec<(String, Vec<String>)> {
    let conn = rusqlite::Connection::open_with_flags(
        snapshot.join("catalogue.sqlite"),
        rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY,
    )
    .unwrap();
    let mut out = Vec::new();
    for (table, order) in [
        ("meta", "key"),
        ("bases", "id"),
        ("tables", "name"),
        ("variables", "table_name, name"),
        ("foreign_keys", "table_name, position"),
        ("nomenclatures", "name"),
        ("codes", "nomenclature, position"),
        ("docs", "path"),
    ] {
        let mut st = conn
            .prepare(&format!("SELECT * FROM {table} ORDER BY {order}"))
            .unwrap();
        let n = st.column_count();
        let rows = st
            .query_map([], |r| {
                (0..n)
                    .map(|i| {
                        r.get_ref(i).map(|v| match v {
                            rusqlite::types::ValueRef::Null => "NULL".to_string(),
                            rusqlite::types::ValueRef::Integer(i) => i.to_string(),
                            rusqlite::types::ValueRef::Real(f) => f.to_string(),
                            rusqlite::types::ValueRef::Text(t) => {
                                String::from_utf8_lossy(t).into_owned()
                            }
                            rusqlite::types::ValueRef::Blob(b) => format!("{b:?}"),
                        })
                    })
                    .collect::<rusqlite::Result<Vec<String>>>()
            })
            .unwrap();
        for r in rows {
            let r = r.unwrap();
            if table == "meta" && r[0] == "created" {
                continue;
            }
            out.push((table.to_string(), r));
        }
    }
    out
}

/// The hits of `q` as groups of (near-)equal scores, in rank order, each group's ids sorted;
/// the last group of a long list is left out (which of its hits make the cut depends on
/// document order, which a full build with several indexing threads does not fix either).
/// Scores within a relative 1e-5 are one group: see [`assert_same_hits`].
fn hits(h: &Hublot, q: &str) -> Vec<(f32, Vec<String>)> {
    let limit = 60;
    let r = h
        .search(&SearchRequest {
            q: q.into(),
            limit: Some(limit),
            no_group: true,
            ..Default::default()
        })
        .unwrap();
    let mut groups: Vec<(f32, Vec<String>)> = Vec::new();
    for x in &r.hits {
        match groups.last_mut() {
            Some((s, ids)) if (*s - x.score).abs() <= 1e-5 * s.abs().max(1e-6) => {
                ids.push(x.id.clone())
            }
            _ => groups.push((x.score, vec![x.id.clone()])),
        }
    }
    // The last group of a long list may be cut (by the limit, or by the per-list caps of the
    // ranking).
    if r.hits.len() > 10 {
        groups.pop();
    }
    for g in &mut groups {
        g.1.sort();
    }
    groups
}

/// Same hits in the same order, with scores equal within a relative 1e-5. The incremental
/// rebuild leaves deleted documents in the large segment and subtracts what they count from the
/// statistics (exact); the approximation left is tantivy's, in the small segments it merges:
/// merging a segment that has deleted documents recomputes each field's token total from the
/// field norms, which are exact up to 40 tokens per field and rounded above, so the average field
/// lengths of BM25 may move by a few millionths (measured: 1.4e-6 of a score).
fn assert_same_hits(a: &Hublot, b: &Hublot, q: &str) {
    let (x, y) = (hits(a, q), hits(b, q));
    assert_eq!(x.len(), y.len(), "{q:?}: {x:?} vs {y:?}");
    for ((sx, ix), (sy, iy)) in x.iter().zip(&y) {
        assert_eq!(ix, iy, "{q:?}: incremental {x:?}\nfull {y:?}");
        assert!(
            (sx - sy).abs() <= 1e-5 * sx.abs().max(sy.abs()),
            "{q:?}: scores {sx} vs {sy}"
        );
    }
}

/// Imports `sources` into `h` with the full build.
fn full_import(h: &Hublot, sources: &[PathBuf]) {
    std::env::set_var("HUBLOT_REBUILD", "full");
    let r = import(h, sources);
    std::env::remove_var("HUBLOT_REBUILD");
    assert_eq!(r.rebuilt.unwrap().path, "full");
}

/// The per-field counts and mined acronyms of the two active snapshots are the same.
fn assert_same_index_files(a: &Hublot, b: &Hublot, what: &str) {
    let (ia, ib) = (active_dir(a), active_dir(b));
    for f in ["hublot-field-counts.json", "hublot-acronyms.json"] {
        let (x, y) = (
            std::fs::read_to_string(ia.join("index").join(f)).unwrap(),
            std::fs::read_to_string(ib.join("index").join(f)).unwrap(),
        );
        assert!(x == y, "{what}: index/{f} differs from a full build's");
    }
}

/// The snapshot's largest index segment (the code rows of the full build) has deleted
/// documents: it was not merged to drop them.
fn assert_large_segment_has_deletes(snapshot: &Path) {
    let meta: serde_json::Value =
        serde_json::from_slice(&std::fs::read(snapshot.join("index/meta.json")).unwrap()).unwrap();
    let segments = meta["segments"].as_array().unwrap();
    let largest = segments
        .iter()
        .max_by_key(|s| s["max_doc"].as_u64().unwrap())
        .unwrap();
    assert!(
        !largest["deletes"].is_null(),
        "the large segment was merged: {segments:?}"
    );
    assert!(
        snapshot.join("index/hublot-deleted.bin").exists(),
        "no statistics of the deleted documents"
    );
}

fn edit(path: &Path, f: impl FnOnce(String) -> String) {
    let s = std::fs::read_to_string(path).unwrap();
    let new = f(s.clone());
    assert!(new != s, "the edit of {} changed nothing", path.display());
    std::fs::write(path, new).unwrap();
}

#[test]
fn incremental_rebuild_equals_full_and_fails_safely() {
    let corpus = common::corpus();
    let work = common::data_dir();
    let schema = work.path().join("schema-snds");
    let docs = work.path().join("documentation-snds");
    common::copy_tree(&corpus.join("schema-snds"), &schema);
    common::copy_tree(&corpus.join("documentation-snds"), &docs);
    let sources = vec![schema.clone(), docs.clone()];

    // First import over the bundled catalogue: nothing to start from.
    let a_dir = work.path().join("a");
    let a = common::open_fr(&a_dir);
    let r = import(&a, &sources);
    let how = r.rebuilt.expect("rebuilt");
    assert_eq!(how.path, "full", "{how:?}");
    let first = active_dir(&a);
    let first_digest = common::tree_digest(&first);

    // Three one-file changes: a page, a code list (a new row that spells an acronym out) and a
    // table schema (a word in a description, and a new variable using that code list, which
    // changes the list's references and the variable's table count); and a page's title, whose
    // old words stay in the full build's segment as deleted documents' terms.
    edit(&docs.join("A_propos/README.md"), |s| {
        s + "\n\nLa zorglubine est une page modifiée.\n"
    });
    edit(&docs.join("Boite_aux_lettres/README.md"), |s| {
        s.replacen("# Boite aux lettres", "# Casier postal", 1)
    });
    edit(&schema.join("nomenclatures/ORAVAL/IR_SEX_V.csv"), |s| {
        s + "7;Zorglub grand bidule (ZGB);0\n"
    });
    edit(&schema.join("schemas/DCIR/ER_ARO_F.json"), |s| {
        let mut v: serde_json::Value = serde_json::from_str(&s).unwrap();
        let fields = v["fields"].as_array_mut().unwrap();
        fields[0]["description"] = "Nature d'assurance quidditchienne".into();
        let mut extra = fields[0].clone();
        extra["name"] = "ARO_SEX_ZGB".into();
        extra["nomenclature"] = "IR_SEX_V".into();
        fields.push(extra);
        serde_json::to_string_pretty(&v).unwrap()
    });

    let r = import(&a, &sources);
    let how = r.rebuilt.expect("rebuilt");
    assert_eq!(how.path, "incremental", "{how:?}");
    assert_eq!(
        how.entities, 4,
        "two pages, a code list and a table: {how:?}"
    );
    assert!(how.code_rows < 100, "only the changed list's rows: {how:?}");
    // The snapshot it started from is intact (its segment files are shared by hard links).
    assert!(
        common::tree_digest(&first) == first_digest,
        "the previous snapshot's files changed"
    );
    // The full build's segment was not merged: it keeps its deleted documents (the old
    // non-code documents and rows of IR_SEX_V), which the statistics leave out.
    assert_large_segment_has_deletes(&active_dir(&a));

    // A full build of the same sources in another data directory.
    let b_dir = work.path().join("b");
    let b = common::open_fr(&b_dir);
    full_import(&b, &sources);
    let (ia, ib) = (active_dir(&a), active_dir(&b));
    assert!(
        catalogue_rows(&ia) == catalogue_rows(&ib),
        "the catalogue rows differ from a full build's"
    );
    assert_eq!(
        a.snapshot().unwrap().stats,
        b.snapshot().unwrap().stats,
        "stats"
    );
    assert_same_index_files(&a, &b, "first change");
    let acronyms = std::fs::read_to_string(ia.join("index/hublot-acronyms.json")).unwrap();
    assert!(
        acronyms.contains("Zorglub grand bidule"),
        "mined from the new row"
    );
    for q in [
        "zorglubine",
        "quidditchienne",
        "ZGB",
        "zorglub",
        "ARO_SEX_ZGB",
        "IR_SEX_V",
        "sexe",
        "masculin",
        "nature d'assurance",
        "BEN_NIR_PSA",
        "cancer du poumon",
        "séjours hospitaliers",
        "médicaments délivrés",
        "infarctus du myocarde",
        "radiographie thorax",
        "ER_ARO_F",
        "à propos",
        "date de naissance",
        "RSA",
        "boite aux lettres",
        "boite aux lett",
        "casier postal",
    ] {
        assert!(!hits(&b, q).is_empty(), "no hit for {q}");
        assert_same_hits(&a, &b, q);
    }
    let found = |q: &str, id: &str| hits(&a, q).iter().any(|g| g.1.iter().any(|i| i == id));
    assert!(found("zorglubine", "doc/A_propos/README.md"));
    assert!(found("ARO_SEX_ZGB", "variable/ER_ARO_F/ARO_SEX_ZGB"));
    assert!(found("zorglub", "code/IR_SEX_V/7"));

    // A chain of incremental rebuilds, each compared with a full build of the same sources:
    // a page (the incremental rebuild now starts from a split index, code rows apart: it
    // deletes a whole small segment), a small code list (its old rows deleted in the large
    // segment, which is not merged), a large code list with a page, and a table.
    let steps: [(&str, &[&str]); 4] = [
        (
            "a page",
            &[
                "zorglubine",
                "RSA",
                "résumé de sortie",
                "infarctus du myocarde",
                "sexe",
            ],
        ),
        (
            "a small code list",
            &[
                "dermatologie",
                "vénérologie",
                "zorglubienne",
                "médecine générale",
                "spécialité",
                "zorglubine",
            ],
        ),
        (
            "a large code list and a page",
            &[
                "infarctus du myocarde",
                "infarctus",
                "myocarde",
                "zorglubite",
                "rate",
                "cancer du poumon",
                "tumeur maligne",
                "zorglubine",
                "boite aux lettres",
            ],
        ),
        (
            "a table",
            &["quidditchienne", "nature d'assurance", "ER_ARO_F", "sexe"],
        ),
    ];
    for (i, (what, queries)) in steps.iter().enumerate() {
        match i {
            0 => edit(&docs.join("glossaire/RSA.md"), |s| {
                s + "\nLa zorglubine encore.\n"
            }),
            1 => edit(&schema.join("nomenclatures/ORAVAL/IR_SPE_V.csv"), |s| {
                s.replacen(
                    "DERMATOLOGIE ET VENEROLOGIE;",
                    "DERMATOLOGIE ZORGLUBIENNE;",
                    1,
                )
            }),
            2 => {
                edit(&schema.join("nomenclatures/ORAVAL/IR_CIM_V.csv"), |s| {
                    s.replacen(";Infarctus de la rate;", ";Zorglubite de la rate;", 1)
                });
                edit(&docs.join("A_propos/README.md"), |s| {
                    s.replace("La zorglubine est une page modifiée.", "Plus rien.")
                });
            }
            _ => edit(&schema.join("schemas/DCIR/ER_ARO_F.json"), |s| {
                s.replace("quidditchienne", "quidditchienne et zorglubienne")
            }),
        }
        let r = import(&a, &sources);
        let how = r.rebuilt.unwrap();
        assert_eq!(how.path, "incremental", "{what}: {how:?}");
        full_import(&b, &sources);
        assert_same_index_files(&a, &b, what);
        assert!(
            catalogue_rows(&active_dir(&a)) == catalogue_rows(&active_dir(&b)),
            "{what}: the catalogue rows differ from a full build's"
        );
        for q in queries.iter() {
            assert_same_hits(&a, &b, q);
        }
    }
    assert_large_segment_has_deletes(&active_dir(&a));

    // A failure in the incremental path falls back to the full build, which says why.
    edit(&docs.join("A_propos/README.md"), |s| s + "\nEncore.\n");
    std::env::set_var("HUBLOT_REBUILD_FAIL", "incremental");
    let r = import(&a, &sources);
    std::env::remove_var("HUBLOT_REBUILD_FAIL");
    let how = r.rebuilt.unwrap();
    assert_eq!(how.path, "full");
    assert!(
        how.reason
            .as_deref()
            .is_some_and(|r| r.contains("incremental rebuild failed")),
        "{how:?}"
    );
    assert_eq!(how.entities, 1, "{how:?}");

    // A failure of both paths leaves the active snapshot as it was, and no staging behind.
    edit(&docs.join("A_propos/README.md"), |s| s + "\nEt encore.\n");
    let before = common::before(&a);
    std::env::set_var("HUBLOT_REBUILD_FAIL", "all");
    let err = a.import(&ImportRequest {
        paths: sources.clone(),
        force: false,
    });
    std::env::remove_var("HUBLOT_REBUILD_FAIL");
    assert!(err.is_err(), "the import must fail");
    common::assert_unchanged(&a, &before, "failed rebuild");
    assert!(!hits(&a, "zorglubine").is_empty(), "still searchable");

    // And the next import, without the failure, is incremental again from that snapshot.
    let r = import(&a, &sources);
    assert_eq!(r.rebuilt.unwrap().path, "incremental");
}
