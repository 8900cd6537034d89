//! Profiles and pages of a large sample table (issue #10), with criterion: a 1 M-row table
//! shaped like `ER_PRS_F` (identifiers, codes, a year, dates, amounts) is written into a
//! `samples.sqlite` in the set-up (`HUBLOT_BENCH_ROWS` overrides the size), then
//!
//! - `profile/one-pass` — Hublot's whole-table profile ([`hublot::samples::profile_table`]),
//!   against `profile/sql-per-column`, the peer: the same statistics as plain SQL, four queries
//!   per column (nulls / distinct / min / max, top values, bins), as a notebook would write them;
//! - `page/hublot` — a sorted and filtered page with its count and code labels
//!   ([`hublot::samples::page`]), against `page/sql` — the bare `SELECT … ORDER BY … LIMIT`
//!   without count or labels, the floor.
//!
//! `cargo bench --bench profile`; figures in BENCHMARKS.md, "Profiles and charts".

use criterion::{criterion_group, criterion_main, Criterion};
use hublot::model::{CodeListRef, Table, Variable};
use hublot::samples::{self, NoLabels, RowsQuery, SampleTable};
use rusqlite::Connection;
use std::hint::black_box;
use std::path::{Path, PathBuf};
use std::time::Duration;

const COLUMNS: [(&str, &str, Option<&str>); 10] = [
    ("BEN_NIR_PSA", "string", None),
    ("BEN_SEX_COD", "integer", Some("IR_SEX_V")),
    ("BEN_NAI_ANN", "year", None),
    ("BEN_RES_DPT", "string", Some("IR_DPT_V")),
    ("EXE_SOI_DTD", "date", None),
    ("EXE_SOI_DTF", "date", None),
    ("PRS_NAT_REF", "integer", Some("IR_NAT_V")),
    ("PSE_SPE_COD", "integer", Some("IR_SPE_V")),
    ("PRS_PAI_MNT", "number", None),
    ("DCT_ORD_NUM", "integer", None),
];

fn schema() -> Table {
    Table {
        name: "ER_PRS_F".into(),
        variables: COLUMNS
            .iter()
            .map(|(n, t, list)| Variable {
                name: n.to_string(),
                r#type: t.to_string(),
                nomenclature: list.map(|l| CodeListRef {
                    name: l.into(),
                    column: None,
                }),
                ..Default::default()
            })
            .collect(),
        ..Default::default()
    }
}

/// A deterministic pseudo-random stream (xorshift), so that every run profiles the same table.
struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

fn build(path: &Path, rows: u64) {
    let _ = std::fs::remove_file(path);
    let c = Connection::open(path).unwrap();
    c.execute_batch(
        "PRAGMA journal_mode=OFF; PRAGMA synchronous=OFF; BEGIN;
         CREATE TABLE _hublot_samples(name TEXT PRIMARY KEY, source TEXT NOT NULL, rows INTEGER NOT NULL);
         CREATE TABLE ER_PRS_F(BEN_NIR_PSA TEXT, BEN_SEX_COD INTEGER, BEN_NAI_ANN INTEGER,
           BEN_RES_DPT TEXT, EXE_SOI_DTD TEXT, EXE_SOI_DTF TEXT, PRS_NAT_REF INTEGER,
           PSE_SPE_COD INTEGER, PRS_PAI_MNT REAL, DCT_ORD_NUM INTEGER);",
    )
    .unwrap();
    {
        let mut st = c
            .prepare("INSERT INTO ER_PRS_F VALUES(?1,?2,?3,?4,?5,?6,?7,?8,?9,?10)")
            .unwrap();
        let mut r = Rng(0x9e37_79b9_7f4a_7c15);
        for i in 0..rows {
            // About ten care rows per person: 100 000 persons for a million rows.
            let person = r.below(rows / 10 + 1);
            let day = r.below(730);
            let (y, doy) = (2019 + day / 365, day % 365);
            let (m, d) = (doy / 31 + 1, doy % 28 + 1);
            let start = format!("{y}-{m:02}-{d:02}");
            let end = if r.below(10) == 0 {
                None
            } else {
                Some(start.clone())
            };
            st.execute(rusqlite::params![
                format!("P{person:016}"),
                1 + (person % 2) as i64,
                1930 + (person % 80) as i64,
                format!("{:03}", 1 + r.below(95)),
                start,
                end,
                1000 + r.below(300) as i64,
                1 + r.below(50) as i64,
                (r.below(20_000) as f64) / 100.0,
                (i * 7919 % 1_000_003) as i64,
            ])
            .unwrap();
        }
    }
    c.execute(
        "INSERT INTO _hublot_samples VALUES('ER_PRS_F', 'bench', ?1)",
        [rows as i64],
    )
    .unwrap();
    c.execute_batch("COMMIT;").unwrap();
}

/// The peer: the same statistics with plain SQL, four queries per column.
fn sql_per_column(c: &Connection, t: &SampleTable) -> usize {
    let mut n = 0;
    for col in &t.columns {
        let k = format!("\"{}\"", col.name);
        let (nulls, distinct): (i64, i64) = c
            .query_row(
                &format!("SELECT count(*) - count({k}), count(DISTINCT {k}), min({k}), max({k}) FROM ER_PRS_F"),
                [],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .unwrap();
        n += (nulls + distinct) as usize;
        let mut st = c
            .prepare(&format!(
                "SELECT {k}, count(*) AS c FROM ER_PRS_F WHERE {k} IS NOT NULL GROUP BY {k} ORDER BY c DESC LIMIT 12"
            ))
            .unwrap();
        n += st.query_map([], |_| Ok(())).unwrap().count();
        let bins = if col.sql_type == "TEXT" {
            format!("SELECT substr({k}, 1, 7) AS b, count(*) FROM ER_PRS_F GROUP BY b")
        } else {
            format!(
                "SELECT CAST(({k} - (SELECT min({k}) FROM ER_PRS_F)) / \
                 (((SELECT max({k}) FROM ER_PRS_F) - (SELECT min({k}) FROM ER_PRS_F)) / 20.0 + 1e-9) AS INTEGER) AS b, \
                 count(*) FROM ER_PRS_F GROUP BY b"
            )
        };
        let mut st = c.prepare(&bins).unwrap();
        n += st.query_map([], |_| Ok(())).unwrap().count();
    }
    n
}

fn bench(cr: &mut Criterion) {
    let rows: u64 = std::env::var("HUBLOT_BENCH_ROWS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(1_000_000);
    let dir = tempfile::tempdir().unwrap();
    let path: PathBuf = dir.path().join("samples.sqlite");
    let t0 = std::time::Instant::now();
    build(&path, rows);
    eprintln!(
        "bench profile: {rows} rows written in {:.1} s ({} MB)",
        t0.elapsed().as_secs_f64(),
        std::fs::metadata(&path).unwrap().len() >> 20
    );
    let c = Connection::open_with_flags(&path, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY).unwrap();
    let table = schema();
    let t = SampleTable::open(&c, &path, "ER_PRS_F", Some(&table)).unwrap();

    let mut g = cr.benchmark_group("profile");
    g.sample_size(10).measurement_time(Duration::from_secs(20));
    g.bench_function("one-pass", |b| {
        b.iter(|| black_box(samples::profile_table(&c, &path, &t, &NoLabels, "bench").unwrap()))
    });
    g.bench_function("sql-per-column", |b| {
        b.iter(|| black_box(sql_per_column(&c, &t)))
    });
    g.finish();

    let q = RowsQuery {
        sort: Some("PRS_PAI_MNT".into()),
        desc: true,
        filters: vec![
            "BEN_SEX_COD=2".into(),
            "EXE_SOI_DTD=2019-03-01..2019-06-30".into(),
        ],
        offset: 100,
        limit: 50,
    };
    let mut g = cr.benchmark_group("page");
    g.sample_size(10).measurement_time(Duration::from_secs(10));
    g.bench_function("hublot", |b| {
        b.iter(|| black_box(samples::page(&c, &path, &t, &q, &NoLabels).unwrap()))
    });
    g.bench_function("sql", |b| {
        b.iter(|| {
            let mut st = c
                .prepare_cached(
                    "SELECT * FROM ER_PRS_F WHERE BEN_SEX_COD = 2 AND EXE_SOI_DTD BETWEEN '2019-03-01' AND '2019-06-30' \
                     ORDER BY PRS_PAI_MNT DESC LIMIT 50 OFFSET 100",
                )
                .unwrap();
            black_box(st.query_map([], |_| Ok(())).unwrap().count())
        })
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
