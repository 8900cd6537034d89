//! Need statements through the core API and the CLI, on the bundled catalogue: items with the
//! keys their linkage needs, autosave revisions, versions and diffs, status changes, the JSON
//! round trip, user data kept across catalogue imports, and no loss on SIGKILL.

mod common;

use hublot::api::need::{
    NeedDiff, NeedExport, NeedImport, NeedItems, NeedNew, NeedSave, NeedSet, NeedStatusRequest,
    NeedUpdate,
};
use hublot::need::export::ExportFormat;
use hublot::need::{ChangeOp, Status};
use hublot::{Error, Hublot};
use std::path::Path;
use std::process::Command;

fn new(h: &Hublot, title: &str) -> i64 {
    h.need_new(&NeedNew {
        title: title.into(),
        route: Some("mr-004".into()),
        lang: None,
    })
    .unwrap()
    .id
}

fn add(h: &Hublot, id: i64, items: &[&str], why: &str) -> hublot::api::need::NeedAdded {
    h.need_add(&NeedItems {
        id,
        items: items.iter().map(|s| s.to_string()).collect(),
        why: Some(why.into()),
    })
    .unwrap()
}

fn set(h: &Hublot, id: i64, field: &str, value: &str) {
    h.need_set(&NeedSet {
        id,
        field: field.into(),
        value: value.into(),
    })
    .unwrap_or_else(|e| panic!("{field}: {e}"));
}

#[test]
fn items_bring_the_keys_their_linkage_needs() {
    let dir = common::data_dir();
    let h = Hublot::open(Some(dir.path().into())).unwrap();
    let id = new(&h, "Statines après infarctus");
    // A detail table of the DCIR and its prestation: the nine DCIR keys on both sides, and the
    // person's keys towards the beneficiary table.
    let r = add(
        &h,
        id,
        &[
            "variable/ER_PHA_F/PHA_PRS_C13",
            "variable/ER_PRS_F/EXE_SOI_DTD",
        ],
        "Délivrances de statines",
    );
    let keys: Vec<String> = r
        .added
        .iter()
        .filter(|d| d.key)
        .map(|d| d.reference())
        .collect();
    let pha = h.table("ER_PHA_F").unwrap();
    let fk = pha
        .table
        .foreign_keys
        .iter()
        .find(|f| f.table == "ER_PRS_F")
        .expect("ER_PHA_F links to ER_PRS_F");
    assert!(fk.fields.len() >= 9, "{fk:?}");
    for f in &fk.fields {
        assert!(
            keys.contains(&format!("variable/ER_PHA_F/{f}")),
            "{f}: {keys:?}"
        );
    }
    for f in &fk.ref_fields {
        assert!(
            keys.contains(&format!("variable/ER_PRS_F/{f}")),
            "{f}: {keys:?}"
        );
    }
    assert!(
        keys.contains(&"variable/ER_PRS_F/BEN_NIR_PSA".to_string()),
        "{keys:?}"
    );
    // The items asked for are not keys, and keep their justification; keys say what they link.
    let doc = &r.view.document;
    let c13 = doc
        .data
        .iter()
        .find(|d| d.variable.as_deref() == Some("PHA_PRS_C13"))
        .unwrap();
    assert!(!c13.key && c13.why == "Délivrances de statines");
    assert!(doc
        .data
        .iter()
        .filter(|d| d.key)
        .all(|d| d.why.contains("ER_P") || d.why.contains("IR_BEN_R")));
    // Labels come from the catalogue.
    assert!(r
        .view
        .labels
        .get("variable/ER_PHA_F/PHA_PRS_C13")
        .is_some_and(|l| l.contains("CIP")));
    // Asking again adds nothing; asking for a key explicitly makes it a chosen item.
    let again = add(
        &h,
        id,
        &["variable/ER_PRS_F/BEN_NIR_PSA"],
        "Compter les personnes",
    );
    assert!(again.added.is_empty(), "{:?}", again.added);
    let nir = again
        .view
        .document
        .data
        .iter()
        .find(|d| d.reference() == "variable/ER_PRS_F/BEN_NIR_PSA")
        .unwrap();
    assert!(!nir.key && nir.why == "Compter les personnes");
    // Items the catalogue does not know are refused, naming them; nothing is written.
    let before = h.need_get(id).unwrap();
    for bad in [
        "variable/ER_PHA_F/NOPE",
        "table/NOPE",
        "base/nope",
        "tables/ER_PHA_F",
        "variable/../x/y",
    ] {
        let e = h
            .need_add(&NeedItems {
                id,
                items: vec!["table/IR_BEN_R".into(), bad.into()],
                why: None,
            })
            .unwrap_err();
        assert!(
            e.to_string().contains(bad.split('/').next_back().unwrap()),
            "{bad}: {e}"
        );
    }
    assert_eq!(h.need_get(id).unwrap().rev, before.rev);
    // Removing a table removes its variables.
    let v = h
        .need_remove(&NeedItems {
            id,
            items: vec!["table/ER_PHA_F".into()],
            why: None,
        })
        .unwrap();
    assert!(v
        .document
        .data
        .iter()
        .all(|d| d.table.as_deref() != Some("ER_PHA_F")));
}

#[test]
fn autosave_revisions_refuse_a_stale_editor() {
    let dir = common::data_dir();
    let h = Hublot::open(Some(dir.path().into())).unwrap();
    let id = new(&h, "Révisions");
    let v = h.need_get(id).unwrap();
    let mut doc = v.document.clone();
    doc.project.purpose = "Premier éditeur".into();
    let v2 = h
        .need_update(&NeedUpdate {
            id,
            document: doc.clone(),
            rev: Some(v.rev),
        })
        .unwrap();
    assert_eq!(v2.rev, v.rev + 1);
    doc.project.purpose = "Second éditeur, en retard".into();
    let e = h
        .need_update(&NeedUpdate {
            id,
            document: doc,
            rev: Some(v.rev),
        })
        .unwrap_err();
    assert!(matches!(e, Error::Conflict(_)), "{e}");
    assert_eq!(e.body().status, 409);
    assert_eq!(
        h.need_get(id).unwrap().document.project.purpose,
        "Premier éditeur"
    );
}

#[test]
fn versions_status_and_diffs() {
    let dir = common::data_dir();
    let h = Hublot::open(Some(dir.path().into())).unwrap();
    let id = new(&h, "Versions");
    set(&h, id, "purpose", "Décrire");
    let v = h
        .need_save(&NeedSave {
            id,
            note: Some("première".into()),
        })
        .unwrap();
    assert_eq!(v.versions.len(), 1);
    set(&h, id, "period.end", "2020-12-31");
    add(&h, id, &["table/IR_BEN_R"], "Population");
    let changes = h
        .need_diff(&NeedDiff {
            id,
            from: 1,
            to: None,
        })
        .unwrap();
    assert!(changes
        .iter()
        .any(|c| c.what == "period.end" && c.after == "2020-12-31"));
    assert!(changes
        .iter()
        .any(|c| c.op == ChangeOp::Added && c.what == "table/IR_BEN_R"));
    // Transitions follow the workflow; a refused one says which are allowed.
    let e = h
        .need_status(&NeedStatusRequest {
            id,
            status: Status::Approved,
            note: None,
        })
        .unwrap_err()
        .to_string();
    assert!(
        e.contains("cannot follow `draft`") && e.contains("ready"),
        "{e}"
    );
    let e = h
        .need_diff(&NeedDiff {
            id,
            from: 9,
            to: None,
        })
        .unwrap_err();
    assert!(e.to_string().contains("version 9"), "{e}");
}

#[test]
fn json_export_imports_back_byte_for_byte() {
    let dir = common::data_dir();
    let h = Hublot::open(Some(dir.path().into())).unwrap();
    let id = new(&h, "Aller-retour « JSON » #1");
    add(
        &h,
        id,
        &["variable/IR_BEN_R/BEN_NAI_ANN", "table/T_MCOaaD"],
        "Âge à l'inclusion ; [crochets] *étoiles* $dollars$ \\ \"guillemets\"",
    );
    set(&h, id, "retention_months", "36");
    set(
        &h,
        id,
        "project.contacts",
        r#"["a@example.org", "b@example.org"]"#,
    );
    let first = h
        .need_export(&NeedExport {
            id,
            format: ExportFormat::Json,
        })
        .unwrap();
    assert_eq!(first.media_type, "application/json");
    let text = String::from_utf8(first.bytes.clone()).unwrap();
    let imported = h
        .need_import(&NeedImport {
            document: text.clone(),
            name: Some("aller.json".into()),
        })
        .unwrap();
    assert_ne!(imported.id, id);
    let second = h
        .need_export(&NeedExport {
            id: imported.id,
            format: ExportFormat::Json,
        })
        .unwrap();
    assert_eq!(first.bytes, second.bytes);
    assert_eq!(imported.document.project.contacts.len(), 2);
    // Files that are not statements are refused with the name, line or field, and nothing is
    // created.
    let n = h.need_list().unwrap().len();
    for (bad, says) in [
        ("{", "line 1"),
        ("[]", "format"),
        (
            r#"{"format": "hublot.need-statement", "schema": 7}"#,
            "schema",
        ),
        (
            &text.replace(
                "\"retention_months\": 36",
                "\"retention_months\": \"trois ans\"",
            ) as &str,
            "line",
        ),
        (&text.replace("\"lead\"", "\"leader\"") as &str, "leader"),
    ] {
        let e = h
            .need_import(&NeedImport {
                document: bad.into(),
                name: Some("mauvais.json".into()),
            })
            .unwrap_err();
        assert_eq!(e.body().status, 400, "{e}");
        let e = e.to_string();
        assert!(
            e.contains("mauvais.json") && e.contains(says),
            "{says}: {e}"
        );
    }
    let huge = format!("{}{}", " ".repeat(hublot::need::MAX_NEED_BYTES), text);
    let e = h
        .need_import(&NeedImport {
            document: huge,
            name: None,
        })
        .unwrap_err();
    assert_eq!(e.body().status, 413);
    assert_eq!(h.need_list().unwrap().len(), n);
}

#[test]
fn need_statements_survive_catalogue_imports_and_rollbacks() {
    let dir = common::data_dir();
    let h = Hublot::open(Some(dir.path().into())).unwrap();
    let id = new(&h, "Survit");
    add(&h, id, &["variable/IR_BEN_R/BEN_SEX_COD"], "Sexe");
    let before = h.need_get(id).unwrap();
    // Another catalogue: a snapshot without the SNDS tables.
    let fixture = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/healthdcat");
    let src = std::fs::read_dir(&fixture)
        .unwrap()
        .filter_map(|e| e.ok().map(|e| e.path()))
        .find(|p| p.extension().is_some_and(|x| x == "ttl"))
        .expect("a Turtle fixture");
    h.import(&hublot::ImportRequest {
        paths: vec![src],
        force: true,
    })
    .unwrap();
    let after = h.need_get(id).unwrap();
    assert_eq!(after.document, before.document);
    // The catalogue no longer knows the item: the statement keeps it, without a label.
    assert!(!after.labels.contains_key("variable/IR_BEN_R/BEN_SEX_COD"));
    h.call("catalogue.rollback", serde_json::json!({})).unwrap();
    let back = h.need_get(id).unwrap();
    assert_eq!(back.document, before.document);
    assert!(back.labels.contains_key("variable/IR_BEN_R/BEN_SEX_COD"));
}

fn hublot(data: &Path) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_hublot"));
    c.arg("--data-dir").arg(data);
    c
}

fn cli(data: &Path, args: &[&str]) -> String {
    let o = hublot(data).args(args).output().unwrap();
    assert!(
        o.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&o.stderr)
    );
    String::from_utf8(o.stdout).unwrap()
}

#[test]
fn the_cli_writes_and_reads_the_same_statements() {
    let dir = common::data_dir();
    let d = dir.path();
    let out = cli(
        d,
        &[
            "need",
            "new",
            "Par la ligne de commande",
            "--route",
            "MR-004",
            "--json",
        ],
    );
    let id: serde_json::Value = serde_json::from_str(&out).unwrap();
    let id = id["id"].as_i64().unwrap().to_string();
    let added = cli(
        d,
        &[
            "need",
            "add",
            &id,
            "variable/ER_PHA_F/PHA_PRS_C13",
            "--why",
            "Statines",
        ],
    );
    assert!(
        added.contains("variable/ER_PHA_F/PHA_PRS_C13") && added.contains("(join key)"),
        "{added}"
    );
    cli(d, &["need", "set", &id, "purpose", "Mesurer"]);
    let shown: serde_json::Value =
        serde_json::from_str(&cli(d, &["need", "show", &id, "--json"])).unwrap();
    assert_eq!(shown["document"]["project"]["purpose"], "Mesurer");
    assert_eq!(shown["document"]["route"], "mr-004");
    let file = d.join("export.json");
    cli(
        d,
        &[
            "need",
            "export",
            &id,
            "--format",
            "json",
            "--out",
            file.to_str().unwrap(),
        ],
    );
    let new_id = cli(d, &["need", "import", file.to_str().unwrap()]);
    let again = d.join("again.json");
    cli(
        d,
        &[
            "need",
            "export",
            new_id.trim(),
            "--format",
            "json",
            "--out",
            again.to_str().unwrap(),
        ],
    );
    assert_eq!(
        std::fs::read(&file).unwrap(),
        std::fs::read(&again).unwrap()
    );
    let list: serde_json::Value =
        serde_json::from_str(&cli(d, &["need", "list", "--json"])).unwrap();
    assert_eq!(list.as_array().unwrap().len(), 2);
    // Errors name what is wrong, and the exit status says so.
    let o = hublot(d)
        .args(["need", "set", &id, "nope", "1"])
        .output()
        .unwrap();
    assert!(!o.status.success());
    assert!(String::from_utf8_lossy(&o.stderr).contains("unknown field `nope`"));
    std::fs::write(d.join("bad.json"), "{\"format\": \"x\"}").unwrap();
    let o = hublot(d)
        .args(["need", "import"])
        .arg(d.join("bad.json"))
        .output()
        .unwrap();
    assert!(!o.status.success());
    let e = String::from_utf8_lossy(&o.stderr);
    assert!(e.contains("bad.json") && e.contains("format"), "{e}");
}

/// A kill -9 in the middle of autosaves never loses the last saved version, and leaves a
/// statement that opens and parses: each save is one SQLite transaction.
#[test]
fn sigkill_during_autosave_keeps_the_last_saved_version() {
    let dir = common::data_dir();
    let d = dir.path();
    let out = cli(d, &["need", "new", "Tuer pendant l'écriture", "--json"]);
    let id: serde_json::Value = serde_json::from_str(&out).unwrap();
    let id = id["id"].as_i64().unwrap().to_string();
    cli(d, &["need", "set", &id, "purpose", "version sauvegardée"]);
    cli(d, &["need", "save", &id, "--note", "avant"]);
    let mut written = vec!["version sauvegardée".to_string()];
    for round in 0..12 {
        // A writer that autosaves as fast as it can; killed after a varying delay.
        let value = format!("autosave {round}");
        let script = format!(
            "for i in $(seq 1 200); do {} --data-dir {} need set {id} purpose \"{value} $i\" || exit 1; done",
            env!("CARGO_BIN_EXE_hublot"),
            d.display()
        );
        let mut child = Command::new("sh").arg("-c").arg(&script).spawn().unwrap();
        std::thread::sleep(std::time::Duration::from_millis(40 + 37 * round));
        // Kill the whole writer, the hublot process in flight included.
        let _ = Command::new("pkill")
            .args(["-9", "-f", &format!("need set {id} purpose {value}")])
            .status();
        let _ = child.kill();
        let _ = child.wait();
        written.push(value);
        let h = Hublot::open(Some(d.into())).unwrap();
        let v = h.need_get(id.parse().unwrap()).unwrap();
        assert!(
            written
                .iter()
                .any(|w| v.document.project.purpose.starts_with(w.as_str())),
            "round {round}: {}",
            v.document.project.purpose
        );
        assert_eq!(v.versions.len(), 1);
        let diff = h
            .need_diff(&NeedDiff {
                id: v.id,
                from: 1,
                to: Some(1),
            })
            .unwrap();
        assert!(diff.is_empty());
    }
    let h = Hublot::open(Some(d.into())).unwrap();
    let first = h
        .need_diff(&NeedDiff {
            id: id.parse().unwrap(),
            from: 1,
            to: None,
        })
        .unwrap();
    assert!(first
        .iter()
        .any(|c| c.what == "project.purpose" && c.before == "version sauvegardée"));
}
