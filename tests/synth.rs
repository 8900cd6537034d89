//! The synthetic SNDS generator (`synth.generate`) and its checker (`synth.check`): invariants
//! of a generated world, determinism, import of the output as samples, planted defects found by
//! the checker, and the checker on the public synthetic SNDS of the corpus.

mod common;

use hublot::api::synth::{SynthCheck, SynthGenerate};
use hublot::synth::{CheckReport, Manifest};
use hublot::{Hublot, ImportRequest};
use std::path::{Path, PathBuf};

fn open() -> (tempfile::TempDir, Hublot) {
    let d = common::data_dir();
    let h = Hublot::open(Some(d.path().join("data"))).expect("open");
    (d, h)
}

fn generate(h: &Hublot, out: &Path, persons: u64, seed: u64) -> Manifest {
    h.synth_generate(&SynthGenerate {
        out: out.to_path_buf(),
        persons,
        seed,
        tables: vec![],
    })
    .expect("generate")
}

fn check(h: &Hublot, dir: &Path) -> CheckReport {
    h.synth_check(&SynthCheck {
        dir: dir.to_path_buf(),
    })
    .expect("check")
}

fn csv_of(dir: &Path, table: &str) -> PathBuf {
    common::files(&dir.join("schemas"), "csv")
        .into_iter()
        .find(|p| p.file_stem().is_some_and(|s| s == table))
        .unwrap_or_else(|| panic!("{table}.csv under {}", dir.display()))
}

fn read_csv(path: &Path) -> (Vec<String>, Vec<Vec<String>>) {
    let mut r = csv::Reader::from_path(path).expect("csv");
    let header = r.headers().unwrap().iter().map(String::from).collect();
    let rows = r
        .records()
        .map(|x| x.unwrap().iter().map(String::from).collect())
        .collect();
    (header, rows)
}

fn write_csv(path: &Path, header: &[String], rows: &[Vec<String>]) {
    let mut w = csv::Writer::from_path(path).unwrap();
    w.write_record(header).unwrap();
    for r in rows {
        w.write_record(r).unwrap();
    }
    w.flush().unwrap();
}

/// Changes one cell of the first row `pick` accepts; returns the old value.
fn plant(
    dir: &Path,
    table: &str,
    col: &str,
    pick: impl Fn(&[String], &[String]) -> bool,
    value: impl Fn(&[String], &[String]) -> Vec<(String, String)>,
) {
    let p = csv_of(dir, table);
    let (h, mut rows) = read_csv(&p);
    let i = rows
        .iter()
        .position(|r| pick(&h, r))
        .unwrap_or_else(|| panic!("a row of {table} to change {col} in"));
    for (c, v) in value(&h, &rows[i]) {
        let j = h.iter().position(|x| *x == c).unwrap();
        rows[i][j] = v;
    }
    write_csv(&p, &h, &rows);
}

fn cell<'a>(h: &[String], r: &'a [String], c: &str) -> &'a str {
    &r[h.iter()
        .position(|x| x == c)
        .unwrap_or_else(|| panic!("column {c}"))]
}

#[test]
fn a_generated_world_of_100_000_persons_is_coherent() {
    // The size the issue names: rare paths (deaths during a stay, births, long stays) all occur.
    const PERSONS: u64 = 100_000;
    let (d, h) = open();
    let out = d.path().join("synth");
    let m = generate(&h, &out, PERSONS, 7);
    assert_eq!(m.persons, PERSONS);
    assert_eq!(m.tables.len(), 13, "{:?}", m.tables);
    let ben = m.tables.iter().find(|t| t.name == "IR_BEN_R").unwrap();
    assert_eq!(ben.rows, PERSONS);
    for t in &m.tables {
        assert!(t.rows > 0, "{} has no rows", t.name);
        assert_eq!(
            common::csv_rows(&csv_of(&out, &t.name)),
            t.rows,
            "{}",
            t.name
        );
    }
    let r = check(&h, &out);
    eprintln!(
        "{}",
        serde_json::to_string_pretty(&serde_json::json!({
            "fk": r.foreign_keys, "persons": r.person_ids, "dates": r.date_violations,
            "overlaps": r.stay_overlaps, "codes": r.valid_codes, "dcir": r.dcir_joinable}))
        .unwrap()
    );
    assert!(r.examples.is_empty(), "{:#?}", r.examples);
    assert_eq!(r.foreign_keys.percent, Some(100.0));
    assert_eq!(r.person_ids.percent, Some(100.0));
    assert!(r.date_violations.total > PERSONS);
    assert_eq!(r.date_violations.count, 0);
    assert_eq!(r.stay_overlaps.count, 0);
    assert!(r.stay_overlaps.total > 1000);
    assert_eq!(r.valid_codes.percent, Some(100.0));
    assert!(r.dcir_joinable.total > 1000);
    assert_eq!(r.dcir_joinable.percent, Some(100.0));

    // Plausible for sex and age: no pregnancy for men, births only for women of 12 to 55.
    let (hb, stays) = read_csv(&csv_of(&out, "T_MCOaaB"));
    let mut births = 0;
    for s in &stays {
        if cell(&hb, s, "DGN_PAL").starts_with('O') {
            births += 1;
            assert_eq!(cell(&hb, s, "COD_SEX"), "2", "{s:?}");
            let age: i64 = cell(&hb, s, "AGE_ANN").parse().unwrap();
            assert!((12..=55).contains(&age), "{s:?}");
        }
    }
    assert!(births > 0);
    // Amounts derived: reimbursed = base × rate.
    let (hp, prs) = read_csv(&csv_of(&out, "ER_PRS_F"));
    for r in prs.iter().take(5000) {
        let bse: f64 = cell(&hp, r, "BSE_REM_BSE").parse().unwrap();
        let tau: f64 = cell(&hp, r, "RGO_REM_TAU").parse().unwrap();
        let mnt: f64 = cell(&hp, r, "BSE_REM_MNT").parse().unwrap();
        assert!((bse * tau / 100.0 - mnt).abs() < 0.011, "{r:?}");
    }
}

#[test]
fn same_seed_same_bytes_other_seed_other_rows() {
    let (d, h) = open();
    let (a, b, c) = (d.path().join("a"), d.path().join("b"), d.path().join("c"));
    generate(&h, &a, 800, 42);
    generate(&h, &b, 800, 42);
    generate(&h, &c, 800, 43);
    let files = |dir: &Path| -> Vec<(String, Vec<u8>)> {
        common::tree_digest(dir)
            .into_iter()
            .filter(|(p, _)| !p.ends_with("synth-manifest.json"))
            .collect()
    };
    let (fa, fb) = (files(&a), files(&b));
    assert!(fa.len() > 13);
    assert_eq!(fa, fb, "same seed, same bytes");
    let prs = |dir: &Path| std::fs::read(csv_of(dir, "ER_PRS_F")).unwrap();
    assert_ne!(prs(&a), prs(&c), "another seed gives other rows");
}

#[test]
fn the_output_imports_as_samples() {
    let (d, h) = open();
    let out = d.path().join("synth");
    let m = generate(&h, &out, 300, 3);
    let rep = h
        .import(&ImportRequest {
            paths: vec![out.clone()],
            force: true,
        })
        .expect("import");
    assert_eq!(rep.stats.tables, 13);
    assert_eq!(rep.stats.sample_rows, m.total_rows);
    assert!(rep.stats.codes > 0, "the code lists come along");
    let s = h.stats().unwrap();
    assert_eq!(s.sample_rows, m.total_rows);
}

#[test]
fn the_checker_finds_planted_defects() {
    let (d, h) = open();
    let out = d.path().join("synth");
    generate(&h, &out, 400, 11);
    let clean = check(&h, &out);
    assert!(clean.examples.is_empty(), "{:#?}", clean.examples);

    // An orphan person id in the prestations.
    plant(
        &out,
        "ER_PRS_F",
        "BEN_NIR_PSA",
        |_, _| true,
        |_, _| vec![("BEN_NIR_PSA".into(), "ZZZZZZZZZZZZZZZZZ".into())],
    );
    let r = check(&h, &out);
    assert_eq!(r.person_ids.count, r.person_ids.total - 1);
    assert!(r.foreign_keys.percent.unwrap() < 100.0);
    assert!(
        r.examples.iter().any(|e| e.contains("ZZZZZZZZZZZZZZZZZ")),
        "{:?}",
        r.examples
    );

    // A stay ending before it starts.
    plant(
        &out,
        "T_MCOaaC",
        "ENT_DAT",
        |h, r| cell(h, r, "ENT_DAT") != cell(h, r, "SOR_DAT"),
        |h, r| {
            vec![
                ("ENT_DAT".into(), cell(h, r, "SOR_DAT").into()),
                ("SOR_DAT".into(), cell(h, r, "ENT_DAT").into()),
            ]
        },
    );
    let r = check(&h, &out);
    assert!(r.date_violations.count >= 1, "{:?}", r.date_violations);
    assert!(r.date_violations.percent.unwrap() > 0.0);

    // A diagnosis that is not in the code list.
    plant(
        &out,
        "T_MCOaaB",
        "DGN_PAL",
        |_, _| true,
        |_, _| vec![("DGN_PAL".into(), "XX99".into())],
    );
    let r = check(&h, &out);
    assert_eq!(r.valid_codes.count, r.valid_codes.total - 1);

    // A pharmacy row whose prestation key is broken.
    plant(
        &out,
        "ER_PHA_F",
        "DCT_ORD_NUM",
        |_, _| true,
        |_, _| vec![("DCT_ORD_NUM".into(), "1".into())],
    );
    let r = check(&h, &out);
    assert_eq!(r.dcir_joinable.count, r.dcir_joinable.total - 1);
    assert!(r.dcir_joinable.percent.unwrap() < 100.0);
}

#[test]
fn the_checker_measures_the_public_synthetic_snds() {
    let corpus = common::corpus();
    let dir = corpus.join("synthetic-snds");
    assert!(
        dir.join("schemas").is_dir(),
        "the corpus has no synthetic-snds/schemas at {}",
        dir.display()
    );
    let (_d, h) = open();
    let r = check(&h, &dir);
    eprintln!(
        "synthetic-snds: {} tables, {} rows; fk {:?}; persons {:?}; dates {:?}; codes {:?}; dcir {:?}",
        r.tables, r.rows, r.foreign_keys, r.person_ids, r.date_violations, r.valid_codes, r.dcir_joinable
    );
    assert!(r.tables > 100);
    // Random column by column: its declared keys meet (tsfaker draws them from the tables
    // referenced), but dates contradict each other, codes are out of their lists, and persons
    // of fact tables without a declared key are unknown.
    assert_eq!(r.dcir_joinable.percent, Some(100.0));
    assert!(r.date_violations.percent.unwrap() > 20.0);
    assert!(r.valid_codes.percent.unwrap() < 100.0);
    assert!(r.person_ids.percent.unwrap() < 100.0);
    assert!(!r.examples.is_empty());
}
