//! `ui/src/lib/api-types.ts` is generated from the Rust types of the operation table: this test
//! fails when the checked-in file differs, and rewrites it with `HUBLOT_UPDATE_TYPES=1`.

#[test]
fn the_ui_types_are_generated_from_the_rust_types() {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("ui/src/lib/api-types.ts");
    let generated = hublot::api::typescript();
    if std::env::var_os("HUBLOT_UPDATE_TYPES").is_some() {
        std::fs::write(&path, &generated).unwrap();
        return;
    }
    let on_disk = std::fs::read_to_string(&path).unwrap_or_default();
    if on_disk != generated {
        let line = on_disk
            .lines()
            .zip(generated.lines())
            .position(|(a, b)| a != b)
            .map(|i| i + 1)
            .unwrap_or_else(|| on_disk.lines().count().min(generated.lines().count()) + 1);
        panic!(
            "{} is not what the Rust types generate (first difference at line {line}); \
             regenerate it with `HUBLOT_UPDATE_TYPES=1 cargo test --test api_types`",
            path.display()
        );
    }
}

#[test]
fn every_operation_is_in_the_generated_map() {
    let ts = hublot::api::typescript();
    assert!(
        ts.starts_with("// GENERATED"),
        "the do-not-edit header is missing"
    );
    for o in hublot::api::operations() {
        assert!(
            ts.contains(&format!("  '{}': [", o.name)),
            "{} missing from Operations",
            o.name
        );
        assert!(
            ts.contains(&format!("  '{}': {{ access:", o.name)),
            "{} missing from OPERATIONS",
            o.name
        );
    }
    // The base's unmapped HealthDCAT-AP properties reach the UI's type.
    assert!(
        ts.contains("extra?:") || ts.contains("extra:"),
        "Base.extra is missing"
    );
}
