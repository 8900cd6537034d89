//! Every operation of the core's table is documented in docs/api.md and docs/http-api.md, and
//! every documented one exists.

use hublot::api::{operations, Access};

fn read(doc: &str) -> String {
    std::fs::read_to_string(std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(doc)).unwrap()
}

#[test]
fn every_operation_is_documented() {
    let doc = read("docs/api.md");
    for o in operations() {
        assert!(
            doc.contains(&format!("| `{}` |", o.name)),
            "operation `{}` is missing from docs/api.md",
            o.name
        );
    }
    let documented = doc
        .lines()
        .filter(|l| l.starts_with("| `") && l.contains('.'))
        .count();
    assert_eq!(
        documented,
        operations().count(),
        "docs/api.md lists operations that do not exist"
    );
}

#[test]
fn every_page_route_is_documented_for_http() {
    let doc = read("docs/http-api.md");
    for o in operations() {
        if let Some(page) = o.page {
            assert!(
                doc.contains(&format!("`{page}`")),
                "page route `{page}` of `{}` is missing from docs/http-api.md",
                o.name
            );
        }
    }
}

#[test]
fn every_operation_is_callable() {
    let dir = tempfile::tempdir().unwrap();
    let h = hublot::Hublot::open(Some(dir.path().to_path_buf())).unwrap();
    for o in operations() {
        // Arguments that need the network or a file are not given: those fail, but with a
        // reason naming what is missing, never "unknown operation".
        if matches!(o.name, "catalogue.sync" | "sync.start") {
            continue;
        }
        if let Err(e) = h.call(o.name, serde_json::json!({})) {
            assert!(
                !e.to_string().contains("unknown operation"),
                "{}: {e}",
                o.name
            );
        }
    }
    assert!(h
        .call("nope.nope", serde_json::json!({}))
        .unwrap_err()
        .to_string()
        .contains("unknown operation"));
}

#[test]
fn the_access_of_an_operation_is_declared_once() {
    assert_eq!(
        hublot::api::access("catalogue.import"),
        Some(Access::LocalOnly)
    );
    assert_eq!(hublot::api::access("search.query"), Some(Access::Read));
    assert_eq!(hublot::api::access("settings.set"), Some(Access::Write));
    assert_eq!(hublot::api::access("nope.nope"), None);
}
