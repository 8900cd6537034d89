//! The SQL console and the exercises ([`crate::console`]): read-only SQL on the active
//! snapshot's samples, its history, completion, the join helper, and the guided exercises with
//! their progress (history and progress live in user.sqlite).

use super::ops::{op, Download, NoArgs, Operation};
use super::Hublot;
use crate::console::exercises::{self, Comparison, Exercise, EXERCISES};
use crate::console::join::{self, ForeignKey, JoinPlan};
use crate::console::{
    self, Guarded, QueryOutput, RunOptions, SqlError, DEFAULT_MAX_ROWS, DEFAULT_TIMEOUT_MS,
    MAX_ROWS, MAX_TIMEOUT_MS,
};
use crate::store::user_db::{ExerciseProgress, HistoryEntry};
use crate::{Error, Result};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, LazyLock, Mutex};
use std::time::{Duration, Instant};
use ts_rs::TS;

/// The operations of the console and the exercises.
pub(crate) static OPS: &[Operation] = &[
    op!(
        "sql.run",
        Write,
        "Runs one read-only SQL query on the samples (recorded in the history).",
        |h, _c, r: SqlRun| -> SqlAnswer { h.sql_run(&r) }
    ),
    op!(
        "sql.export",
        Read,
        "Every row of a query as CSV (bounded), masked like the console.",
        |h, _c, r: SqlExport| -> file { h.sql_export(&r) }
    ),
    op!(
        "sql.cancel",
        Write,
        "Cancels a running query by its run id.",
        |h, _c, r: SqlCancel| -> SqlCancelled { h.sql_cancel(&r) }
    ),
    op!(
        "sql.complete",
        Read,
        "Table and column names of the samples, for completion.",
        |h, _c, r: SqlComplete| -> Completion { h.sql_complete(&r) }
    ),
    op!(
        "sql.history",
        Read,
        "The last queries run in the console.",
        |h, _c, r: SqlHistoryRequest| -> SqlHistory { h.sql_history(&r) }
    ),
    op!(
        "sql.join",
        Read,
        "The SQL joining two tables, from the catalogue's foreign keys.",
        |h, _c, r: SqlJoin| -> JoinPlan { h.sql_join(&r) }
    ),
    op!(
        "exercise.list",
        Read,
        "The guided SQL exercises, with the user's progress.",
        |h, _c, _r: NoArgs| -> ExerciseList { h.exercise_list() }
    ),
    op!(
        "exercise.get",
        Read,
        "One exercise: statement, hints, progress.",
        |h, _c, r: ExerciseGet| -> ExercisePage { h.exercise_get(&r) }
    ),
    op!(
        "exercise.check",
        Write,
        "Checks an answer to an exercise against its reference on the current samples.",
        |h, _c, r: ExerciseCheck| -> ExerciseResult { h.exercise_check(&r) }
    ),
];

/// Request of `sql.run`.
#[derive(Debug, Clone, Default, Serialize, Deserialize, TS)]
pub struct SqlRun {
    /// One SQL statement that reads (SELECT, WITH, VALUES, EXPLAIN, schema pragmas).
    pub sql: String,
    /// Time limit, milliseconds (default 5000, at most 60000).
    #[serde(default)]
    #[ts(optional = nullable)]
    pub timeout_ms: Option<u64>,
    /// Rows shown (default 1000, at most 10000).
    #[serde(default)]
    #[ts(optional = nullable)]
    pub max_rows: Option<u64>,
    /// Apply the SNDS export rule (default true): counts under 10 masked.
    #[serde(default)]
    #[ts(optional = nullable)]
    pub mask: Option<bool>,
    /// An id chosen by the caller, so that `sql.cancel` can stop this run.
    #[serde(default)]
    #[ts(optional = nullable)]
    pub run_id: Option<String>,
}

/// Answer of `sql.run`: the rows, or why not.
#[derive(Debug, Clone, Serialize, Deserialize, TS)]
pub struct SqlAnswer {
    /// The rows, when it ran.
    #[ts(optional = nullable)]
    pub output: Option<QueryOutput>,
    /// Why it did not, with the position when known.
    #[ts(optional = nullable)]
    pub error: Option<SqlError>,
    /// Its entry in the history.
    pub history_id: i64,
}

/// Request of `sql.export`.
#[derive(Debug, Clone, Default, Serialize, Deserialize, TS)]
pub struct SqlExport {
    /// The query.
    pub sql: String,
    /// Time limit, milliseconds (default 5000, at most 60000).
    #[serde(default)]
    #[ts(optional = nullable)]
    pub timeout_ms: Option<u64>,
    /// Apply the SNDS export rule (default true).
    #[serde(default)]
    #[ts(optional = nullable)]
    pub mask: Option<bool>,
}

/// Request of `sql.cancel`.
#[derive(Debug, Clone, Default, Serialize, Deserialize, TS)]
pub struct SqlCancel {
    /// The `run_id` given to `sql.run`.
    pub run_id: String,
}

/// Answer of `sql.cancel`.
#[derive(Debug, Clone, Serialize, Deserialize, TS)]
pub struct SqlCancelled {
    /// Whether a run of that id was running (it stops at its next step). A cancel that arrives
    /// before its run (the two requests raced) stops the run as soon as it starts.
    pub cancelled: bool,
}

/// Request of `sql.complete`.
#[derive(Debug, Clone, Default, Serialize, Deserialize, TS)]
pub struct SqlComplete {
    /// Only names starting with this (case-insensitive); a `T.` prefix lists T's columns.
    #[serde(default)]
    #[ts(optional = nullable)]
    pub prefix: Option<String>,
}

/// A table of the samples and its columns.
#[derive(Debug, Clone, Serialize, Deserialize, TS)]
pub struct CompletionTable {
    /// The table.
    pub name: String,
    /// Its columns, in order.
    pub columns: Vec<String>,
}

/// Answer of `sql.complete`.
#[derive(Debug, Clone, Serialize, Deserialize, TS)]
pub struct Completion {
    /// Every table of the samples with its columns.
    pub tables: Vec<CompletionTable>,
    /// The names matching the prefix (tables, then columns), at most 50.
    pub matches: Vec<String>,
}

/// Request of `sql.history`.
#[derive(Debug, Clone, Default, Serialize, Deserialize, TS)]
pub struct SqlHistoryRequest {
    /// How many (default 50, at most 1000).
    #[serde(default)]
    #[ts(optional = nullable)]
    pub limit: Option<u64>,
}

/// Answer of `sql.history`.
#[derive(Debug, Clone, Serialize, Deserialize, TS)]
pub struct SqlHistory {
    /// The newest first.
    pub entries: Vec<HistoryEntry>,
}

/// Request of `sql.join`.
#[derive(Debug, Clone, Default, Serialize, Deserialize, TS)]
pub struct SqlJoin {
    /// The first table (`ER_PRS_F`).
    pub from: String,
    /// The second table (`ER_PHA_F`).
    pub to: String,
}

/// An exercise in a list.
#[derive(Debug, Clone, Serialize, Deserialize, TS)]
pub struct ExerciseSummary {
    /// Its number.
    pub id: u32,
    /// Title, French.
    pub title_fr: String,
    /// Title, English.
    pub title_en: String,
    /// Tables it uses.
    pub tables: Vec<String>,
    /// Checks asked.
    pub attempts: u64,
    /// Solved (when, RFC 3339).
    #[ts(optional = nullable)]
    pub solved: Option<String>,
}

/// Answer of `exercise.list`.
#[derive(Debug, Clone, Serialize, Deserialize, TS)]
pub struct ExerciseList {
    /// Every exercise, in order.
    pub exercises: Vec<ExerciseSummary>,
    /// How many are solved.
    pub solved: u64,
}

/// Request of `exercise.get`.
#[derive(Debug, Clone, Default, Serialize, Deserialize, TS)]
pub struct ExerciseGet {
    /// Its number.
    pub id: u32,
}

/// Answer of `exercise.get`.
#[derive(Debug, Clone, Serialize, Deserialize, TS)]
pub struct ExercisePage {
    /// The exercise as listed.
    pub summary: ExerciseSummary,
    /// What to find, French.
    pub statement_fr: String,
    /// What to find, English.
    pub statement_en: String,
    /// Hints, French.
    pub hints_fr: Vec<String>,
    /// Hints, English.
    pub hints_en: Vec<String>,
    /// Whether the order of the rows counts.
    pub ordered: bool,
    /// The last query checked.
    #[ts(optional = nullable)]
    pub last_sql: Option<String>,
    /// The reference query, once solved.
    #[ts(optional = nullable)]
    pub reference: Option<String>,
}

/// Request of `exercise.check`.
#[derive(Debug, Clone, Default, Serialize, Deserialize, TS)]
pub struct ExerciseCheck {
    /// The exercise.
    pub id: u32,
    /// The learner's query.
    pub sql: String,
}

/// Answer of `exercise.check`.
#[derive(Debug, Clone, Serialize, Deserialize, TS)]
pub struct ExerciseResult {
    /// Same result set as the reference.
    pub pass: bool,
    /// Why (not), in words.
    pub message: String,
    /// The learner's rows (masked by the SNDS export rule), when the query ran.
    #[ts(optional = nullable)]
    pub output: Option<QueryOutput>,
    /// Why the query did not run.
    #[ts(optional = nullable)]
    pub error: Option<SqlError>,
    /// The reference query, once solved.
    #[ts(optional = nullable)]
    pub reference: Option<String>,
}

/// Runs registered by their `run_id`, so that `sql.cancel` reaches them.
static RUNNING: LazyLock<Mutex<HashMap<String, Arc<AtomicBool>>>> = LazyLock::new(Default::default);

/// `run_id`s cancelled before their run registered: a front end shows Cancel as soon as it sends
/// `sql.run`, and over HTTP the two requests may arrive in either order. The run is stopped as
/// soon as it starts. Kept for a minute, at most [`MAX_EARLY_CANCELS`].
static CANCELLED_EARLY: LazyLock<Mutex<HashMap<String, Instant>>> = LazyLock::new(Default::default);

/// Bound of [`CANCELLED_EARLY`].
const MAX_EARLY_CANCELS: usize = 1000;

/// Longest `run_id` accepted.
const MAX_RUN_ID: usize = 100;

struct Registered(Option<String>);

impl Drop for Registered {
    fn drop(&mut self) {
        if let Some(id) = &self.0 {
            RUNNING.lock().expect("lock").remove(id);
        }
    }
}

fn timeout(ms: Option<u64>) -> Duration {
    Duration::from_millis(ms.unwrap_or(DEFAULT_TIMEOUT_MS).clamp(1, MAX_TIMEOUT_MS))
}

fn summary(e: &Exercise, p: Option<&ExerciseProgress>) -> ExerciseSummary {
    ExerciseSummary {
        id: e.id,
        title_fr: e.title_fr.into(),
        title_en: e.title_en.into(),
        tables: e.tables.iter().map(|s| s.to_string()).collect(),
        attempts: p.map(|p| p.attempts).unwrap_or(0),
        solved: p.and_then(|p| p.solved.clone()),
    }
}

impl Hublot {
    /// The active snapshot's samples database and the snapshot id.
    fn console_samples(&self) -> Result<(PathBuf, String)> {
        let a = self.active()?;
        let p = a.dir.join("samples.sqlite");
        if !p.is_file() {
            return Err(Error::NotFound(format!(
                "the active snapshot {} has no sample data: import synthetic samples first",
                a.info.id
            )));
        }
        Ok((p, a.info.id.clone()))
    }

    fn record(
        &self,
        sql: &str,
        snapshot: &str,
        r: &std::result::Result<QueryOutput, SqlError>,
        exercise: Option<u32>,
    ) -> Result<i64> {
        let (elapsed_ms, rows, error) = match r {
            Ok(o) => (o.elapsed_ms, Some(o.rows.len() as u64), None),
            Err(e) => (0, None, Some(e.to_string())),
        };
        self.user.lock().expect("lock").history_add(&HistoryEntry {
            id: 0,
            sql: sql.into(),
            at: crate::clock::now_rfc3339(),
            snapshot: snapshot.into(),
            elapsed_ms,
            rows,
            error,
            exercise,
        })
    }

    /// `sql.run`: one read-only query on the samples, behind the console's guards; recorded in
    /// the history with its time, rows or error.
    pub fn sql_run(&self, r: &SqlRun) -> Result<SqlAnswer> {
        let (path, snapshot) = self.console_samples()?;
        let g = Guarded::open(&path)?;
        let reg = match &r.run_id {
            Some(id) => {
                if id.len() > MAX_RUN_ID {
                    return Err(Error::Invalid(format!(
                        "sql.run: `run_id` is longer than {MAX_RUN_ID} characters"
                    )));
                }
                let flag = g.cancel_flag();
                let mut running = RUNNING.lock().expect("lock");
                if CANCELLED_EARLY.lock().expect("lock").remove(id).is_some() {
                    flag.store(true, Ordering::Relaxed);
                }
                running.insert(id.clone(), flag);
                Registered(Some(id.clone()))
            }
            None => Registered(None),
        };
        let o = RunOptions {
            timeout: timeout(r.timeout_ms),
            max_rows: r
                .max_rows
                .map(|n| n as usize)
                .unwrap_or(DEFAULT_MAX_ROWS)
                .min(MAX_ROWS),
            mask: r.mask.unwrap_or(true),
        };
        let out = console::run(&g, &r.sql, &o);
        drop(reg);
        let history_id = self.record(&r.sql, &snapshot, &out, None)?;
        let (output, error) = match out {
            Ok(o) => (Some(o), None),
            Err(e) => (None, Some(e)),
        };
        Ok(SqlAnswer {
            output,
            error,
            history_id,
        })
    }

    /// `sql.export`: every row of a query as CSV (at most 1,000,000 rows and 64 MB).
    pub fn sql_export(&self, r: &SqlExport) -> Result<Download> {
        let (path, _) = self.console_samples()?;
        let g = Guarded::open(&path)?;
        let (bytes, _cut) =
            console::export_csv(&g, &r.sql, timeout(r.timeout_ms), r.mask.unwrap_or(true))
                .map_err(|e| Error::Invalid(format!("sql.export: {e}")))?;
        Ok(Download {
            filename: "requete.csv".into(),
            media_type: "text/csv; charset=utf-8".into(),
            bytes,
        })
    }

    /// `sql.cancel`: stops the run registered under `run_id`.
    pub fn sql_cancel(&self, r: &SqlCancel) -> Result<SqlCancelled> {
        if r.run_id.len() > MAX_RUN_ID {
            return Err(Error::Invalid(format!(
                "sql.cancel: `run_id` is longer than {MAX_RUN_ID} characters"
            )));
        }
        // RUNNING is locked first, as in sql_run, so a run registers either before (and is
        // found here) or after (and finds the early cancel).
        let running = RUNNING.lock().expect("lock");
        let flag = running.get(&r.run_id).cloned();
        match &flag {
            Some(f) => f.store(true, Ordering::Relaxed),
            None => {
                let mut early = CANCELLED_EARLY.lock().expect("lock");
                early.retain(|_, at| at.elapsed() < Duration::from_secs(60));
                if early.len() < MAX_EARLY_CANCELS {
                    early.insert(r.run_id.clone(), Instant::now());
                }
            }
        }
        drop(running);
        Ok(SqlCancelled {
            cancelled: flag.is_some(),
        })
    }

    /// `sql.complete`: the samples' tables and columns, and the names matching a prefix.
    pub fn sql_complete(&self, r: &SqlComplete) -> Result<Completion> {
        let (path, _) = self.console_samples()?;
        let g = Guarded::open(&path)?;
        let e = |x| Error::sqlite(&path, x);
        let names: Vec<String> = {
            let mut st = g
                .conn()
                .prepare("SELECT name FROM sqlite_schema WHERE type='table' AND name NOT LIKE '\\_%' ESCAPE '\\' ORDER BY name")
                .map_err(e)?;
            let rows = st.query_map([], |r| r.get(0)).map_err(e)?;
            rows.collect::<rusqlite::Result<_>>().map_err(e)?
        };
        let mut tables = Vec::new();
        for n in names {
            let mut st = g
                .conn()
                .prepare("SELECT name FROM pragma_table_info(?1)")
                .map_err(e)?;
            let cols = st.query_map([&n], |r| r.get(0)).map_err(e)?;
            tables.push(CompletionTable {
                columns: cols.collect::<rusqlite::Result<_>>().map_err(e)?,
                name: n,
            });
        }
        let mut matches = Vec::new();
        if let Some(p) = r.prefix.as_deref().filter(|p| !p.is_empty()) {
            let p = p.to_uppercase();
            if let Some((t, c)) = p.split_once('.') {
                if let Some(tab) = tables.iter().find(|x| x.name.to_uppercase() == t) {
                    matches.extend(
                        tab.columns
                            .iter()
                            .filter(|x| x.to_uppercase().starts_with(c))
                            .cloned(),
                    );
                }
            } else {
                matches.extend(
                    tables
                        .iter()
                        .map(|t| &t.name)
                        .filter(|x| x.to_uppercase().starts_with(&p))
                        .cloned(),
                );
                let mut cols: Vec<String> = tables
                    .iter()
                    .flat_map(|t| t.columns.iter())
                    .filter(|x| x.to_uppercase().starts_with(&p))
                    .cloned()
                    .collect();
                cols.sort();
                cols.dedup();
                matches.extend(cols);
            }
            matches.truncate(50);
        }
        Ok(Completion { tables, matches })
    }

    /// `sql.history`: the last queries, newest first.
    pub fn sql_history(&self, r: &SqlHistoryRequest) -> Result<SqlHistory> {
        Ok(SqlHistory {
            entries: self
                .user
                .lock()
                .expect("lock")
                .history(r.limit.unwrap_or(50).min(1000))?,
        })
    }

    /// `sql.join`: the SQL joining two tables, by the catalogue's foreign keys (through the
    /// fewest intermediate tables when there is no direct key).
    pub fn sql_join(&self, r: &SqlJoin) -> Result<JoinPlan> {
        let a = self.active()?;
        let db = a.db.lock().expect("lock");
        let tables: Vec<String> = db.tables(None)?.into_iter().map(|t| t.name).collect();
        for t in [&r.from, &r.to] {
            if !tables.contains(t) {
                return Err(Error::NotFound(format!(
                    "sql.join: no table `{t}` in the active catalogue"
                )));
            }
        }
        let mut fks = Vec::new();
        for t in &tables {
            for j in db.joins(t)?.0 {
                fks.push(ForeignKey {
                    table: t.clone(),
                    fields: j.fields,
                    ref_table: j.table,
                    ref_fields: j.other_fields,
                });
            }
        }
        join::plan(&fks, &r.from, &r.to, &|t| tables.iter().any(|x| x == t)).ok_or_else(|| {
            Error::NotFound(format!(
                "sql.join: no chain of foreign keys links {} and {} (at most 4 joins)",
                r.from, r.to
            ))
        })
    }

    fn progress_of(&self, id: u32) -> Result<Option<ExerciseProgress>> {
        Ok(self
            .user
            .lock()
            .expect("lock")
            .exercise_progress()?
            .into_iter()
            .find(|p| p.exercise == id))
    }

    /// `exercise.list`: every exercise with the user's progress.
    pub fn exercise_list(&self) -> Result<ExerciseList> {
        let progress = self.user.lock().expect("lock").exercise_progress()?;
        let exercises: Vec<ExerciseSummary> = EXERCISES
            .iter()
            .map(|e| summary(e, progress.iter().find(|p| p.exercise == e.id)))
            .collect();
        Ok(ExerciseList {
            solved: exercises.iter().filter(|e| e.solved.is_some()).count() as u64,
            exercises,
        })
    }

    /// `exercise.get`: one exercise.
    pub fn exercise_get(&self, r: &ExerciseGet) -> Result<ExercisePage> {
        let e = exercises::exercise(r.id).ok_or_else(|| {
            Error::NotFound(format!("no exercise {} (1 to {})", r.id, EXERCISES.len()))
        })?;
        let p = self.progress_of(e.id)?;
        let solved = p.as_ref().is_some_and(|p| p.solved.is_some());
        Ok(ExercisePage {
            summary: summary(e, p.as_ref()),
            statement_fr: e.statement_fr.into(),
            statement_en: e.statement_en.into(),
            hints_fr: e.hints_fr.iter().map(|s| s.to_string()).collect(),
            hints_en: e.hints_en.iter().map(|s| s.to_string()).collect(),
            ordered: e.ordered,
            last_sql: p.map(|p| p.last_sql),
            reference: solved.then(|| e.reference.to_string()),
        })
    }

    /// `exercise.check`: runs the learner's query and the reference on the current samples and
    /// compares the result sets; records the attempt (progress) and the query (history).
    pub fn exercise_check(&self, r: &ExerciseCheck) -> Result<ExerciseResult> {
        let e = exercises::exercise(r.id).ok_or_else(|| {
            Error::NotFound(format!("no exercise {} (1 to {})", r.id, EXERCISES.len()))
        })?;
        let (path, snapshot) = self.console_samples()?;
        let g = Guarded::open(&path)?;
        let o = RunOptions {
            timeout: timeout(None),
            max_rows: MAX_ROWS,
            mask: false,
        };
        let reference = console::run(&g, e.reference, &o).map_err(|x| {
            Error::Invalid(format!(
                "exercise {}: the reference query does not run on these samples ({x}); do they hold the tables {}?",
                e.id,
                e.tables.join(", ")
            ))
        })?;
        let learner = console::run(&g, &r.sql, &o);
        self.record(&r.sql, &snapshot, &learner, Some(e.id))?;
        let (cmp, output, error) = match learner {
            Ok(mut out) => {
                let cmp = if out.truncated {
                    Comparison {
                        pass: false,
                        message: format!("plus de {MAX_ROWS} lignes / more than {MAX_ROWS} rows"),
                    }
                } else {
                    exercises::compare(&out.rows, &reference.rows, e.ordered)
                };
                out.masking = Some(console::mask::apply(&r.sql, &out.columns, &mut out.rows));
                (cmp, Some(out), None)
            }
            Err(x) => (
                Comparison {
                    pass: false,
                    message: x.to_string(),
                },
                None,
                Some(x),
            ),
        };
        let now = crate::clock::now_rfc3339();
        self.user
            .lock()
            .expect("lock")
            .exercise_attempt(e.id, &r.sql, cmp.pass, &now)?;
        let solved = self.progress_of(e.id)?.is_some_and(|p| p.solved.is_some());
        Ok(ExerciseResult {
            pass: cmp.pass,
            message: cmp.message,
            output,
            error,
            reference: solved.then(|| e.reference.to_string()),
        })
    }
}
