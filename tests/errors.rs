//! Bad input is refused with a message naming the file, line or field, and the active snapshot
//! stays active and byte-identical; input that is merely untidy (Windows-1252, a missing CSV) is
//! read.

mod common;

use hublot::{Hublot, ImportRequest, SearchRequest};
use std::path::{Path, PathBuf};

/// A small valid source made of real corpus files (copied into a temp dir, never into the repo).
fn good_tree(root: &Path) -> PathBuf {
    let c = common::corpus();
    let dir = root.join("good");
    common::copy_tree(
        &c.join("schema-snds/schemas/BENEFICIAIRE"),
        &dir.join("schemas/BENEFICIAIRE"),
    );
    common::copy_tree(
        &c.join("schema-snds/schemas/Causes de décès"),
        &dir.join("schemas/Causes de décès"),
    );
    std::fs::create_dir_all(dir.join("nomenclatures/ORAVAL")).unwrap();
    for f in ["IR_SEX_V.json", "IR_SEX_V.csv"] {
        std::fs::copy(
            c.join("schema-snds/nomenclatures/ORAVAL").join(f),
            dir.join("nomenclatures/ORAVAL").join(f),
        )
        .unwrap();
    }
    dir
}

/// A variant of the good tree, broken by `f`.
fn variant(root: &Path, name: &str, f: impl FnOnce(&Path)) -> PathBuf {
    let dir = root.join(name);
    common::copy_tree(&root.join("good"), &dir);
    f(&dir);
    dir
}

const LIST_SCHEMA: &str = r#"{"name": "IR_TST_V", "title": "Liste de test",
  "fields": [{"name": "TST_COD", "type": "string", "role": "code"},
             {"name": "TST_LIB", "type": "string", "role": "label"},
             {"name": "TEC_COL", "type": "integer"}]}"#;

struct Setup {
    _tmp: tempfile::TempDir,
    root: PathBuf,
    h: Hublot,
    active: String,
    digest: Vec<(String, Vec<u8>)>,
}

fn setup() -> Setup {
    let tmp = common::data_dir();
    let root = tmp.path().to_path_buf();
    let good = good_tree(&root);
    let h = Hublot::open(Some(root.join("data"))).unwrap();
    h.set_setting("language", "en").unwrap();
    h.import(&ImportRequest {
        paths: vec![good],
        force: false,
    })
    .unwrap();
    let active = h.snapshot().unwrap().id;
    let digest = common::tree_digest(&root.join("data/snapshots").join(&active));
    Setup {
        _tmp: tmp,
        root,
        h,
        active,
        digest,
    }
}

impl Setup {
    /// Imports `dir`, expects a failure, and checks nothing changed.
    fn refused(&self, dir: PathBuf) -> String {
        let err = self
            .h
            .import(&ImportRequest {
                paths: vec![dir],
                force: false,
            })
            .unwrap_err()
            .to_string();
        assert_eq!(
            self.h.snapshot().unwrap().id,
            self.active,
            "the active snapshot changed"
        );
        let data = self.root.join("data");
        assert_eq!(
            hublot::store::DataDir::new(&data).unwrap().current(),
            Some(self.active.clone())
        );
        assert!(
            common::tree_digest(&data.join("snapshots").join(&self.active)) == self.digest,
            "snapshot files changed"
        );
        let leftovers: Vec<_> = std::fs::read_dir(data.join("snapshots"))
            .unwrap()
            .flatten()
            .filter(|e| e.file_name().to_string_lossy().starts_with(".staging"))
            .collect();
        assert!(leftovers.is_empty(), "staging directory left behind");
        assert_eq!(
            self.h.settings().unwrap(),
            vec![("language".to_string(), "en".to_string())]
        );
        // The active snapshot still answers.
        let r = self
            .h
            .search(&SearchRequest {
                q: "BEN_NIR_PSA".into(),
                ..Default::default()
            })
            .unwrap();
        assert!(!r.hits.is_empty());
        err
    }
}

#[test]
fn malformed_json_names_file_and_line() {
    let s = setup();
    let dir = variant(&s.root, "bad-json", |d| {
        std::fs::write(
            d.join("schemas/BENEFICIAIRE/BROKEN.json"),
            "{\n  \"name\": \"BROKEN\",\n  \"fields\": [\n    {\"name\": \"A\",}\n  ]\n}\n",
        )
        .unwrap();
    });
    let err = s.refused(dir);
    assert!(
        err.contains("schemas/BENEFICIAIRE/BROKEN.json: line 4, column"),
        "{err}"
    );
}

#[test]
fn table_schema_with_a_bad_field_names_it() {
    let s = setup();
    let dir = variant(&s.root, "bad-field", |d| {
        std::fs::write(
            d.join("schemas/BENEFICIAIRE/T_BAD.json"),
            r#"{"name": "T_BAD", "fields": [{"name": "A"}, {"type": "string"}]}"#,
        )
        .unwrap();
    });
    let err = s.refused(dir);
    assert!(err.contains("T_BAD.json: field `fields[1].name`"), "{err}");
}

#[test]
fn csv_with_a_wrong_column_count_names_the_line() {
    let s = setup();
    let dir = variant(&s.root, "bad-csv", |d| {
        let n = d.join("nomenclatures/ORAVAL");
        std::fs::write(n.join("IR_TST_V.json"), LIST_SCHEMA).unwrap();
        std::fs::write(
            n.join("IR_TST_V.csv"),
            "TST_COD;TST_LIB;TEC_COL\n1;Un;0\n2;Deux;0;en trop\n",
        )
        .unwrap();
    });
    let err = s.refused(dir);
    assert!(
        err.ends_with("IR_TST_V.csv: line 3: 4 columns where the header has 3"),
        "{err}"
    );
}

#[test]
fn duplicated_table_is_refused() {
    let s = setup();
    let dir = variant(&s.root, "dup", |d| {
        std::fs::create_dir_all(d.join("schemas/COPIE")).unwrap();
        std::fs::copy(
            d.join("schemas/BENEFICIAIRE/IR_BEN_R.json"),
            d.join("schemas/COPIE/IR_BEN_R.json"),
        )
        .unwrap();
    });
    let err = s.refused(dir);
    assert!(
        err.starts_with("table `IR_BEN_R` is described twice in the same source:"),
        "{err}"
    );
    assert!(
        err.contains("BENEFICIAIRE/IR_BEN_R.json") && err.contains("COPIE/IR_BEN_R.json"),
        "{err}"
    );
}

#[test]
fn snapshot_with_a_wrong_hash_is_refused() {
    let s = setup();
    let bundled = Path::new(env!("CARGO_MANIFEST_DIR")).join("catalogue-snapshots/default");
    let dir = s.root.join("tampered");
    common::copy_tree(&bundled, &dir);
    let bases = dir.join("bases.json");
    let mut text = std::fs::read_to_string(&bases).unwrap();
    text = text.replacen("SNDS", "SNDX", 1);
    std::fs::write(&bases, text).unwrap();
    let err = s.refused(dir);
    assert!(err.contains("tampered/bases.json: sha256 is"), "{err}");
}

#[test]
fn not_a_source_is_refused() {
    let s = setup();
    let empty = s.root.join("empty");
    std::fs::create_dir_all(&empty).unwrap();
    let err = s.refused(empty);
    assert!(err.contains("not a Hublot snapshot"), "{err}");
    let err = s.refused(s.root.join("does-not-exist"));
    assert!(
        err.ends_with("does-not-exist: no such file or directory"),
        "{err}"
    );
}

#[test]
fn windows_1252_csv_is_decoded() {
    let s = setup();
    let dir = variant(&s.root, "cp1252", |d| {
        let n = d.join("nomenclatures/ORAVAL");
        std::fs::write(n.join("IR_TST_V.json"), LIST_SCHEMA).unwrap();
        // "Décès à domicile" in Windows-1252: é = E9, è = E8, à = E0.
        std::fs::write(
            n.join("IR_TST_V.csv"),
            b"TST_COD;TST_LIB;TEC_COL\n\"D1\";\"D\xe9c\xe8s \xe0 domicile\";0\n",
        )
        .unwrap();
    });
    let r =
        s.h.import(&ImportRequest {
            paths: vec![dir],
            force: false,
        })
        .unwrap();
    assert_ne!(r.snapshot, s.active);
    let c = s.h.code("IR_TST_V", "D1").unwrap();
    assert_eq!(c.code.label, "Décès à domicile");
    let hits =
        s.h.search(&SearchRequest {
            q: "deces a domicile".into(),
            kind: Some("code".into()),
            ..Default::default()
        })
        .unwrap();
    assert_eq!(hits.hits[0].id, "code/IR_TST_V/D1");
    // The previous snapshot is kept for rollback, and user data survived.
    assert_eq!(s.h.rollback().unwrap().id, s.active);
    assert_eq!(s.h.settings().unwrap().len(), 1);
}

#[test]
fn missing_csv_is_a_warning() {
    let s = setup();
    let dir = variant(&s.root, "no-csv", |d| {
        std::fs::write(d.join("nomenclatures/ORAVAL/IR_TST_V.json"), LIST_SCHEMA).unwrap();
    });
    let r =
        s.h.import(&ImportRequest {
            paths: vec![dir],
            force: false,
        })
        .unwrap();
    assert!(
        r.warnings.iter().any(|w| w.contains("IR_TST_V.json: code list `IR_TST_V` has no CSV beside its schema")),
        "{:?}",
        r.warnings
    );
    let page =
        s.h.nomenclature(&hublot::api::NomenclatureRequest {
            name: "IR_TST_V".into(),
            ..Default::default()
        })
        .unwrap();
    assert_eq!(page.nomenclature.rows, 0);
}
