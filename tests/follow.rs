//! A long-running front end (`hublot serve`, the desktop app) follows the `current` pointer
//! moved by another process (`hublot import`, a sync) on its next call, even when that process
//! pruned the snapshot the front end had open.

use std::path::PathBuf;

fn fixture(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/healthdcat")
        .join(name)
}

fn import(h: &hublot::Hublot, name: &str) -> String {
    h.import(&hublot::ImportRequest {
        paths: vec![fixture(name)],
        force: true,
    })
    .unwrap()
    .snapshot
}

#[test]
fn a_second_handle_follows_imports_and_prunes_of_another() {
    let dir = tempfile::tempdir().unwrap();
    let server = hublot::Hublot::open(Some(dir.path().to_path_buf())).unwrap();
    let bundled = server
        .call("catalogue.snapshot", serde_json::Value::Null)
        .unwrap()["id"]
        .as_str()
        .unwrap()
        .to_string();
    // Another process (a second handle on the same directory) imports twice: the bundled
    // snapshot, still open in `server`, is pruned from the disk.
    let cli = hublot::Hublot::open(Some(dir.path().to_path_buf())).unwrap();
    import(&cli, "registre-cardiopathies.ttl");
    let newest = import(&cli, "cohorte-sommeil.jsonld");
    assert!(
        !dir.path().join("snapshots").join(&bundled).exists(),
        "the bundled snapshot should have been pruned"
    );
    // Every kind of call follows: the browsing pages and the search first (the snapshot
    // operation follows the pointer by itself), then the snapshot.
    let bases = server.call("base.list", serde_json::Value::Null).unwrap();
    let ids: Vec<&str> = bases
        .as_array()
        .unwrap()
        .iter()
        .map(|b| b["id"].as_str().unwrap())
        .collect();
    assert_eq!(ids.len(), 1, "{ids:?}");
    let found = server
        .call("search.query", serde_json::json!({"q": "sommeil"}))
        .unwrap();
    assert!(found["total"].as_u64().unwrap() > 0, "{found}");
    let snap = server
        .call("catalogue.snapshot", serde_json::Value::Null)
        .unwrap();
    assert_eq!(snap["id"], newest.as_str());
}
