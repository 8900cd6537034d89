//! Every operation of the core API is documented in docs/api.md, and every documented one exists.

#[test]
fn every_operation_is_documented() {
    let doc = std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/api.md"),
    )
    .unwrap();
    for (op, _) in hublot::api::OPERATIONS {
        assert!(
            doc.contains(&format!("| `{op}` |")),
            "operation `{op}` is missing from docs/api.md"
        );
    }
    let documented = doc
        .lines()
        .filter(|l| l.starts_with("| `") && l.contains('.'))
        .count();
    assert_eq!(
        documented,
        hublot::api::OPERATIONS.len(),
        "docs/api.md lists operations that do not exist"
    );
}

#[test]
fn every_operation_is_callable() {
    let dir = tempfile::tempdir().unwrap();
    let h = hublot::Hublot::open(Some(dir.path().to_path_buf())).unwrap();
    for (op, _) in hublot::api::OPERATIONS {
        let r = h.call(op, serde_json::json!({}));
        if let Err(e) = r {
            // Operations that need arguments say which one is missing, never "unknown operation".
            assert!(!e.to_string().contains("unknown operation"), "{op}: {e}");
        }
    }
    assert!(h
        .call("nope.nope", serde_json::json!({}))
        .unwrap_err()
        .to_string()
        .contains("unknown operation"));
}

#[test]
fn operation_names_are_unique() {
    let mut names: Vec<&str> = hublot::api::OPERATIONS.iter().map(|(n, _)| *n).collect();
    names.sort();
    names.dedup();
    assert_eq!(names.len(), hublot::api::OPERATIONS.len());
    assert_eq!(
        hublot::api::access("catalogue.import"),
        Some(hublot::api::Access::LocalOnly)
    );
    assert_eq!(
        hublot::api::access("search.query"),
        Some(hublot::api::Access::Read)
    );
    assert_eq!(
        hublot::api::access("settings.set"),
        Some(hublot::api::Access::Write)
    );
}
