//! The SQL console and the exercises on the bundled catalogue's samples: read-only for real,
//! bounded in time and rows, errors with their position, the SNDS export rule, the join helper,
//! the exercises' check, and history and progress kept in user.sqlite.

mod common;

use hublot::api::console::{ExerciseCheck, SqlCancel, SqlComplete, SqlExport, SqlJoin, SqlRun};
use hublot::console::exercises::EXERCISES;
use hublot::{Hublot, ImportRequest};
use serde_json::json;
use sha2::{Digest, Sha256};
use std::path::PathBuf;

fn samples(h: &Hublot) -> PathBuf {
    let id = h.snapshot().unwrap().id;
    h.data_dir()
        .join("snapshots")
        .join(id)
        .join("samples.sqlite")
}

fn hash(p: &std::path::Path) -> Vec<u8> {
    Sha256::digest(std::fs::read(p).unwrap()).to_vec()
}

fn run(h: &Hublot, sql: &str) -> hublot::api::console::SqlAnswer {
    h.sql_run(&SqlRun {
        sql: sql.into(),
        ..Default::default()
    })
    .unwrap()
}

/// A query that never ends on its own.
const RUNAWAY: &str =
    "WITH RECURSIVE n(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM n) SELECT count(*) FROM n";

#[test]
fn writes_are_refused_with_a_clear_message_and_the_file_is_untouched() {
    let dir = common::data_dir();
    let h = Hublot::open(Some(dir.path().to_path_buf())).unwrap();
    let p = samples(&h);
    let before = hash(&p);
    let target = dir.path().join("copy.sqlite");
    let cases: &[(&str, &str)] = &[
        ("INSERT INTO IR_BEN_R(BEN_NIR_PSA) VALUES('x')", "INSERT"),
        ("UPDATE IR_BEN_R SET BEN_SEX_COD = 3", "UPDATE"),
        ("DELETE FROM IR_BEN_R", "DELETE"),
        ("DROP TABLE IR_BEN_R", "DROP"),
        ("CREATE TABLE t(x)", "CREATE"),
        ("CREATE TEMP TABLE t(x)", "CREATE"),
        ("ALTER TABLE IR_BEN_R ADD COLUMN x", "ALTER"),
        ("ATTACH DATABASE ':memory:' AS other", "ATTACH"),
        ("PRAGMA writable_schema=1", "PRAGMA writable_schema"),
        ("PRAGMA query_only=0", "PRAGMA query_only"),
        ("SELECT load_extension('/tmp/evil.so')", "load_extension"),
        ("SELECT 1; DROP TABLE IR_BEN_R", "DROP"),
        ("BEGIN", "transactions"),
    ];
    for (sql, says) in cases {
        let a = run(&h, sql);
        let e = a.error.unwrap_or_else(|| panic!("{sql} ran"));
        assert!(
            e.message.contains(says) || e.kind == "input",
            "{sql}: {e:?} does not say {says}"
        );
        assert!(e.kind == "refused" || e.kind == "input", "{sql}: {e:?}");
    }
    let vac = format!("VACUUM INTO '{}'", target.display());
    let e = run(&h, &vac).error.expect("VACUUM INTO refused");
    assert!(
        e.message.contains("only reads") || e.kind == "input",
        "{e:?}"
    );
    assert!(!target.exists(), "VACUUM INTO wrote a copy");
    assert_eq!(hash(&p), before, "samples.sqlite changed");
    // Reads still work after all that.
    let a = run(&h, "SELECT count(*) AS n FROM IR_BEN_R");
    assert_eq!(a.output.unwrap().rows[0][0], json!(60));
}

#[test]
fn a_runaway_query_is_stopped_by_the_time_limit() {
    let dir = common::data_dir();
    let h = Hublot::open(Some(dir.path().to_path_buf())).unwrap();
    let a = h
        .sql_run(&SqlRun {
            sql: RUNAWAY.into(),
            timeout_ms: Some(300),
            ..Default::default()
        })
        .unwrap();
    let e = a.error.expect("stopped");
    assert_eq!(e.kind, "timeout", "{e:?}");
    assert!(e.message.contains("300 ms"), "{e:?}");
}

#[test]
fn a_cancel_that_arrives_before_its_run_stops_the_run() {
    // The app shows Cancel as soon as it sends sql.run; over HTTP the cancel can come first.
    let dir = common::data_dir();
    let h = Hublot::open(Some(dir.path().to_path_buf())).unwrap();
    let early = h
        .sql_cancel(&SqlCancel {
            run_id: "run-early".into(),
        })
        .unwrap();
    assert!(!early.cancelled, "nothing was running yet");
    let a = h
        .sql_run(&SqlRun {
            sql: RUNAWAY.into(),
            timeout_ms: Some(30_000),
            run_id: Some("run-early".into()),
            ..Default::default()
        })
        .unwrap();
    assert_eq!(a.error.expect("cancelled").kind, "cancelled");
    // The early cancel was used once: the same id runs again.
    let b = h
        .sql_run(&SqlRun {
            sql: "SELECT count(*) AS n FROM IR_BEN_R".into(),
            run_id: Some("run-early".into()),
            mask: Some(false),
            ..Default::default()
        })
        .unwrap();
    assert!(b.error.is_none(), "{:?}", b.error);
}

#[test]
fn a_running_query_can_be_cancelled() {
    let dir = common::data_dir();
    let h = Hublot::open(Some(dir.path().to_path_buf())).unwrap();
    let a = std::thread::scope(|s| {
        let t = s.spawn(|| {
            h.sql_run(&SqlRun {
                sql: RUNAWAY.into(),
                timeout_ms: Some(30_000),
                run_id: Some("run-1".into()),
                ..Default::default()
            })
            .unwrap()
        });
        // Cancelled while it runs, or before it registered (then it stops as soon as it
        // starts and may be over before a cancel finds it running).
        while !h
            .sql_cancel(&SqlCancel {
                run_id: "run-1".into(),
            })
            .unwrap()
            .cancelled
            && !t.is_finished()
        {
            std::thread::sleep(std::time::Duration::from_millis(10));
        }
        t.join().unwrap()
    });
    assert_eq!(a.error.expect("cancelled").kind, "cancelled");
    assert!(
        !h.sql_cancel(&SqlCancel {
            run_id: "run-1".into()
        })
        .unwrap()
        .cancelled,
        "a finished run is no longer registered"
    );
}

#[test]
fn rows_are_capped_with_a_truncated_flag_and_export_gives_them_all() {
    let dir = common::data_dir();
    let h = Hublot::open(Some(dir.path().to_path_buf())).unwrap();
    let sql = "WITH RECURSIVE n(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM n WHERE x < 5000) SELECT x FROM n";
    let o = h
        .sql_run(&SqlRun {
            sql: sql.into(),
            max_rows: Some(100),
            ..Default::default()
        })
        .unwrap()
        .output
        .unwrap();
    assert_eq!((o.rows.len(), o.truncated), (100, true));
    let o = run(&h, sql).output.unwrap();
    assert_eq!((o.rows.len(), o.truncated), (1000, true), "default cap");
    let o = h
        .sql_run(&SqlRun {
            sql: sql.into(),
            max_rows: Some(5000),
            ..Default::default()
        })
        .unwrap()
        .output
        .unwrap();
    assert_eq!((o.rows.len(), o.truncated), (5000, false));
    let d = h
        .sql_export(&SqlExport {
            sql: sql.into(),
            ..Default::default()
        })
        .unwrap();
    let text = String::from_utf8(d.bytes).unwrap();
    assert_eq!(text.lines().count(), 5001);
    assert_eq!(text.lines().last(), Some("5000"));
    // Through the operation table too: `sql.export` answers a file.
    let v = h
        .call("sql.export", json!({"sql": "SELECT 1 AS a"}))
        .unwrap();
    assert_eq!(v["media_type"], "text/csv; charset=utf-8");
}

#[test]
fn errors_say_where() {
    let dir = common::data_dir();
    let h = Hublot::open(Some(dir.path().to_path_buf())).unwrap();
    let e = run(
        &h,
        "SELECT BEN_SEX_COD\nFROM IR_BEN_R\nWHERE BEN_SEX_COD = = 1",
    )
    .error
    .unwrap();
    assert_eq!(e.kind, "syntax", "{e:?}");
    assert_eq!((e.line, e.column), (Some(3), Some(21)), "{e:?}");
    let e = run(&h, "SELECT NO_SUCH_COLUMN FROM IR_BEN_R")
        .error
        .unwrap();
    assert!(e.message.contains("NO_SUCH_COLUMN"), "{e:?}");
    assert_eq!(e.column, Some(8), "{e:?}");
    let e = run(&h, "SELECT 1; SELECT 2").error.unwrap();
    assert!(e.message.contains("one statement"), "{e:?}");
    assert_eq!(run(&h, "  ").error.unwrap().kind, "input");
}

#[test]
fn small_counts_are_masked_and_cannot_be_recomputed_from_the_total() {
    let dir = common::data_dir();
    let h = Hublot::open(Some(dir.path().to_path_buf())).unwrap();
    // 3 prestations of nature 1324, 190 others.
    let sql = "SELECT CASE WHEN PRS_NAT_REF = 1324 THEN 'a' ELSE 'b' END AS k, count(*) AS n, \
               sum(BSE_REM_MNT) AS total FROM ER_PRS_F GROUP BY 1 ORDER BY 1";
    let o = run(&h, sql).output.unwrap();
    let m = o.masking.as_ref().unwrap();
    assert_eq!(m.count_columns, vec!["n"]);
    assert_eq!(o.rows[0][1], json!("<10"), "{:?}", o.rows);
    assert_eq!(o.rows[0][2], json!("(masqué)"), "its sum too");
    // The other group is masked as well: total - b would give a back.
    assert_eq!(o.rows[1][1], json!("(masqué)"), "{:?}", o.rows);
    let total = run(&h, "SELECT count(*) FROM ER_PRS_F").output.unwrap();
    assert_eq!(total.rows[0][0], json!(193));
    assert!(
        m.notes.iter().any(|n| n.contains("inférieur à 10")),
        "{m:?}"
    );
    assert!(m.cells.iter().any(|c| c.kind == "secondary"));
    // Unmasked on request; counts of 10 and more are shown.
    let o = h
        .sql_run(&SqlRun {
            sql: sql.into(),
            mask: Some(false),
            ..Default::default()
        })
        .unwrap()
        .output
        .unwrap();
    assert_eq!(o.rows[0][1], json!(3));
    let o = run(&h, "SELECT BEN_SEX_COD, count(*) FROM IR_BEN_R GROUP BY 1")
        .output
        .unwrap();
    assert_eq!(
        o.rows,
        vec![vec![json!(1), json!(33)], vec![json!(2), json!(27)]]
    );
}

#[test]
fn the_join_helper_writes_joins_that_run() {
    let dir = common::data_dir();
    let h = Hublot::open(Some(dir.path().to_path_buf())).unwrap();
    let j = |a: &str, b: &str| {
        h.sql_join(&SqlJoin {
            from: a.into(),
            to: b.into(),
        })
        .unwrap()
    };
    let p = j("ER_PRS_F", "ER_PHA_F");
    assert_eq!(p.steps.len(), 1);
    assert_eq!(p.steps[0].on.len(), 9, "{}", p.sql);
    for k in hublot::console::exercises::DCIR_KEYS {
        assert!(p.sql.contains(k), "{k} in {}", p.sql);
    }
    let p2 = j("T_MCOaaB", "T_MCOaaD");
    let on: Vec<&str> = p2.steps[0].on.iter().map(|(a, _)| a.as_str()).collect();
    assert_eq!(on, vec!["ETA_NUM", "RSA_NUM"]);
    let p3 = j("T_MCOaaC", "IR_BEN_R");
    assert_eq!(
        p3.steps[0].on,
        vec![("NIR_ANO_17".into(), "BEN_NIR_PSA".into())]
    );
    // A stay reaches its beneficiary through T_MCOaaC.
    let p4 = j("T_MCOaaB", "IR_BEN_R");
    assert_eq!(
        p4.steps
            .iter()
            .map(|s| s.table.as_str())
            .collect::<Vec<_>>(),
        vec!["T_MCOaaC", "IR_BEN_R"]
    );
    for p in [&p, &p2, &p3, &p4] {
        let o = h
            .sql_run(&SqlRun {
                sql: p.sql.clone(),
                mask: Some(false),
                ..Default::default()
            })
            .unwrap();
        let o = o.output.unwrap_or_else(|| panic!("{}", p.sql));
        assert!(!o.rows.is_empty(), "{}", p.sql);
    }
    assert!(h
        .sql_join(&SqlJoin {
            from: "ER_PRS_F".into(),
            to: "NOPE".into()
        })
        .is_err());
}

#[test]
fn completion_lists_tables_and_columns() {
    let dir = common::data_dir();
    let h = Hublot::open(Some(dir.path().to_path_buf())).unwrap();
    let c = h
        .sql_complete(&SqlComplete {
            prefix: Some("ben_nir".into()),
        })
        .unwrap();
    assert_eq!(
        c.tables.len(),
        13,
        "{:?}",
        c.tables.iter().map(|t| &t.name).collect::<Vec<_>>()
    );
    let ben = c.tables.iter().find(|t| t.name == "IR_BEN_R").unwrap();
    assert_eq!(ben.columns[0], "BEN_NIR_PSA");
    assert!(
        c.matches.contains(&"BEN_NIR_PSA".to_string()),
        "{:?}",
        c.matches
    );
    let c = h
        .sql_complete(&SqlComplete {
            prefix: Some("T_MCOaaD.ass".into()),
        })
        .unwrap();
    assert_eq!(c.matches, vec!["ASS_DGN"]);
}

#[test]
fn every_exercise_passes_with_its_reference_and_fails_with_a_wrong_answer() {
    let dir = common::data_dir();
    let h = Hublot::open(Some(dir.path().to_path_buf())).unwrap();
    assert!(EXERCISES.len() >= 12);
    for e in EXERCISES {
        // The reference answers rows on the bundled samples.
        let o = h
            .sql_run(&SqlRun {
                sql: e.reference.into(),
                mask: Some(false),
                ..Default::default()
            })
            .unwrap();
        let o = o
            .output
            .unwrap_or_else(|| panic!("exercise {}: {:?}", e.id, o.error));
        assert!(
            !o.rows.is_empty() && !o.rows[0][0].is_null(),
            "exercise {} is empty",
            e.id
        );
        let ok = h
            .exercise_check(&ExerciseCheck {
                id: e.id,
                sql: e.reference.into(),
            })
            .unwrap();
        assert!(ok.pass, "exercise {}: {}", e.id, ok.message);
        let wrong = h
            .exercise_check(&ExerciseCheck {
                id: e.id,
                sql: format!("SELECT * FROM ({}) LIMIT 0", e.reference),
            })
            .unwrap();
        assert!(!wrong.pass, "exercise {} passed with no rows", e.id);
        let bad = h
            .exercise_check(&ExerciseCheck {
                id: e.id,
                sql: "SELEC 1".into(),
            })
            .unwrap();
        assert!(!bad.pass && bad.error.is_some());
    }
    // A near miss: the same query with one key left out of the join, or a value off.
    let near = h
        .exercise_check(&ExerciseCheck {
            id: 1,
            sql: "SELECT BEN_SEX_COD, count(*) + 1 FROM IR_BEN_R GROUP BY 1".into(),
        })
        .unwrap();
    assert!(!near.pass);
    let reordered = h
        .exercise_check(&ExerciseCheck {
            id: 1,
            sql: "SELECT BEN_SEX_COD AS s, count(*) AS n FROM IR_BEN_R GROUP BY 1 ORDER BY 2"
                .into(),
        })
        .unwrap();
    assert!(
        reordered.pass,
        "order and names do not matter: {}",
        reordered.message
    );
    let unordered = h
        .exercise_check(&ExerciseCheck {
            id: 12,
            sql: "SELECT PRS_NAT_REF, sum(BSE_REM_MNT) FROM ER_PRS_F GROUP BY 1 ORDER BY 2".into(),
        })
        .unwrap();
    assert!(!unordered.pass, "exercise 12 asks for an order");
}

#[test]
fn history_and_progress_survive_reopening_and_an_import() {
    let dir = common::data_dir();
    {
        let h = Hublot::open(Some(dir.path().to_path_buf())).unwrap();
        run(&h, "SELECT count(*) FROM IR_BEN_R");
        run(&h, "SELEC oops");
        let e = &EXERCISES[0];
        h.exercise_check(&ExerciseCheck {
            id: e.id,
            sql: e.reference.into(),
        })
        .unwrap();
        h.exercise_check(&ExerciseCheck {
            id: 2,
            sql: "SELECT 1".into(),
        })
        .unwrap();
    }
    let h = Hublot::open(Some(dir.path().to_path_buf())).unwrap();
    let first = h.snapshot().unwrap().id;
    let bundled = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("catalogue-snapshots/default");
    h.import(&ImportRequest {
        paths: vec![bundled],
        force: true,
    })
    .unwrap();
    assert_ne!(h.snapshot().unwrap().id, first, "a new snapshot");
    let hist = h.call("sql.history", json!({})).unwrap();
    let entries = hist["entries"].as_array().unwrap();
    assert_eq!(entries.len(), 4, "{hist}");
    assert_eq!(entries[3]["sql"], "SELECT count(*) FROM IR_BEN_R");
    assert_eq!(entries[3]["rows"], 1);
    assert!(
        entries[2]["error"]
            .as_str()
            .unwrap()
            .contains("syntax error"),
        "{hist}"
    );
    assert_eq!(entries[1]["exercise"], 1);
    let l = h.exercise_list().unwrap();
    assert_eq!(l.solved, 1);
    assert!(l.exercises[0].solved.is_some());
    assert_eq!(
        (l.exercises[1].attempts, l.exercises[1].solved.is_some()),
        (1, false)
    );
    // The reference is shown once solved, not before.
    assert!(h.call("exercise.get", json!({"id": 1})).unwrap()["reference"].is_string());
    assert!(h.call("exercise.get", json!({"id": 2})).unwrap()["reference"].is_null());
}

#[test]
fn the_command_line_runs_queries_and_checks_exercises() {
    let dir = common::data_dir();
    let bin = env!("CARGO_BIN_EXE_hublot");
    let cmd = |args: &[&str]| {
        std::process::Command::new(bin)
            .arg("--data-dir")
            .arg(dir.path())
            .args(args)
            .output()
            .unwrap()
    };
    let o = cmd(&[
        "sql",
        "SELECT BEN_SEX_COD, count(*) AS n FROM IR_BEN_R GROUP BY 1",
    ]);
    let out = String::from_utf8_lossy(&o.stdout);
    assert!(
        o.status.success() && out.contains("33") && out.contains("(2 rows"),
        "{out}"
    );
    let o = cmd(&["sql", "DROP TABLE IR_BEN_R"]);
    assert!(!o.status.success());
    assert!(String::from_utf8_lossy(&o.stderr).contains("refused"));
    let o = cmd(&[
        "--json",
        "sql",
        "SELECT 1 AS a",
        "--max-rows",
        "5",
        "--timeout-ms",
        "1000",
    ]);
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["output"]["rows"], json!([[1]]));
    let o = cmd(&["exercise", "check", "1", EXERCISES[0].reference]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stdout));
    let o = cmd(&["exercise", "check", "1", "SELECT 1"]);
    assert!(!o.status.success());
    let o = cmd(&["exercise", "list"]);
    assert!(String::from_utf8_lossy(&o.stdout).contains("1 / 13 solved"));
    let o = cmd(&["exercise", "show", "9"]);
    assert!(String::from_utf8_lossy(&o.stdout).contains("I21"));
}
