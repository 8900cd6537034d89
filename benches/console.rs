//! Benchmark of the SQL console (issue #10): typical queries on the bundled catalogue's samples
//! through the guarded console (`hublot::console::run`: a fresh read-only connection, the
//! authorizer, the progress handler, masking) against a plain rusqlite connection kept open, in
//! the same run. The guarded path also opens its connection each time, as `sql.run` does.
//!
//! ```text
//! export CARGO_TARGET_DIR=$HOME/.cache/hublot-target
//! cargo bench --bench console              # full run
//! cargo bench --bench console -- --quick   # fewer repetitions
//! ```
//!
//! A bench binary like the others (no criterion dependency): the Markdown report goes to stdout.
//! Timings are reported, never asserted; the answers are checked (both paths give the same rows).

use hublot::console::{run, Guarded, RunOptions};
use hublot::Hublot;
use rusqlite::{Connection, OpenFlags};
use std::time::{Duration, Instant};

const QUERIES: &[(&str, &str)] = &[
    ("count by sex", "SELECT BEN_SEX_COD, count(*) AS n FROM IR_BEN_R GROUP BY 1"),
    ("first 100 prestations", "SELECT * FROM ER_PRS_F LIMIT 100"),
    (
        "prestation ⋈ pharmacy (9 keys), sum by sex",
        "SELECT p.BEN_SEX_COD, sum(ph.PHA_ACT_QSN) FROM ER_PRS_F p JOIN ER_PHA_F ph ON ph.DCT_ORD_NUM = p.DCT_ORD_NUM AND ph.FLX_DIS_DTD = p.FLX_DIS_DTD AND ph.FLX_EMT_NUM = p.FLX_EMT_NUM AND ph.FLX_EMT_ORD = p.FLX_EMT_ORD AND ph.FLX_EMT_TYP = p.FLX_EMT_TYP AND ph.FLX_TRT_DTD = p.FLX_TRT_DTD AND ph.ORG_CLE_NUM = p.ORG_CLE_NUM AND ph.PRS_ORD_NUM = p.PRS_ORD_NUM AND ph.REM_TYP_AFF = p.REM_TYP_AFF GROUP BY 1",
    ),
    (
        "stay ⋈ diagnoses",
        "SELECT b.ETA_NUM, b.RSA_NUM, b.DGN_PAL, d.ASS_DGN FROM T_MCOaaB b JOIN T_MCOaaD d ON d.ETA_NUM = b.ETA_NUM AND d.RSA_NUM = b.RSA_NUM",
    ),
    (
        "recursive CTE, 100 000 rows counted",
        "WITH RECURSIVE n(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM n WHERE x < 100000) SELECT count(*) FROM n",
    ),
];

fn plain(c: &Connection, sql: &str) -> Vec<Vec<serde_json::Value>> {
    let mut st = c.prepare(sql).unwrap();
    let n = st.column_count();
    let rows = st
        .query_map([], |r| {
            (0..n)
                .map(|i| r.get_ref(i).map(hublot::console::json_value))
                .collect::<rusqlite::Result<Vec<_>>>()
        })
        .unwrap();
    rows.collect::<rusqlite::Result<_>>().unwrap()
}

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

fn main() {
    let quick = std::env::args().any(|a| a == "--quick");
    let runs = if quick { 50 } else { 500 };
    let dir = tempfile::tempdir().unwrap();
    let h = Hublot::open(Some(dir.path().to_path_buf())).unwrap();
    let id = h.snapshot().unwrap().id;
    let path = dir.path().join("snapshots").join(id).join("samples.sqlite");
    let c = Connection::open_with_flags(&path, OpenFlags::SQLITE_OPEN_READ_ONLY).unwrap();
    let o = RunOptions {
        mask: false,
        max_rows: 10_000,
        ..Default::default()
    };
    println!("| query | plain rusqlite (median) | guarded console, incl. open (median) | guarded, connection reused (median) |");
    println!("|---|---:|---:|---:|");
    let g_reused = Guarded::open(&path).unwrap();
    for (name, sql) in QUERIES {
        // Same answer both ways.
        let want = plain(&c, sql);
        let got = run(&g_reused, sql, &o).unwrap();
        assert_eq!(got.rows, want, "{name}");
        let mut a = Vec::new();
        let mut b = Vec::new();
        let mut r = Vec::new();
        for _ in 0..runs {
            let t = Instant::now();
            std::hint::black_box(plain(&c, sql));
            a.push(t.elapsed());
            let t = Instant::now();
            let g = Guarded::open(&path).unwrap();
            std::hint::black_box(run(&g, sql, &o).unwrap());
            b.push(t.elapsed());
            let t = Instant::now();
            std::hint::black_box(run(&g_reused, sql, &o).unwrap());
            r.push(t.elapsed());
        }
        println!(
            "| {name} | {:.1} µs | {:.1} µs | {:.1} µs |",
            median(a).as_secs_f64() * 1e6,
            median(b).as_secs_f64() * 1e6,
            median(r).as_secs_f64() * 1e6
        );
    }
    eprintln!("{runs} runs per query, interleaved");
}
