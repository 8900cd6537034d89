//! `user.sqlite`: what belongs to the user (settings, bookmarks, need-statement drafts). It lives
//! beside the snapshots, not in them, so no import, sync or rollback ever touches it.

use crate::{Error, Result};
use rusqlite::{Connection, OptionalExtension};
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};
use ts_rs::TS;

/// Version of the user.sqlite schema; migrations run forward from any older version.
pub const USER_SCHEMA_VERSION: u32 = 4;

const MIGRATIONS: &[&str] = &[
    "
CREATE TABLE settings(key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE bookmarks(id TEXT PRIMARY KEY, title TEXT NOT NULL, created TEXT NOT NULL);
CREATE TABLE need_statements(id INTEGER PRIMARY KEY, title TEXT NOT NULL, json TEXT NOT NULL,
  created TEXT NOT NULL, updated TEXT NOT NULL);
",
    "
CREATE TABLE doi_records(doi TEXT PRIMARY KEY, csl TEXT NOT NULL, fetched TEXT NOT NULL,
  resolver TEXT NOT NULL);
",
    // `need_statements.json` is the draft, replaced by each autosave in one transaction; `rev`
    // counts the saves so that two editors (the app and the CLI) cannot overwrite each other
    // unseen. `need_versions` keeps the versions the user saved (and those a status change froze).
    "
ALTER TABLE need_statements ADD COLUMN rev INTEGER NOT NULL DEFAULT 0;
CREATE TABLE need_versions(need INTEGER NOT NULL REFERENCES need_statements(id) ON DELETE CASCADE,
  version INTEGER NOT NULL, json TEXT NOT NULL, saved TEXT NOT NULL, note TEXT NOT NULL,
  PRIMARY KEY(need, version));
",
    // The SQL console's history (each query run, with its outcome) and the exercises' progress.
    "
CREATE TABLE sql_history(id INTEGER PRIMARY KEY, sql TEXT NOT NULL, at TEXT NOT NULL,
  snapshot TEXT NOT NULL, elapsed_ms INTEGER NOT NULL, rows INTEGER, error TEXT,
  exercise INTEGER);
CREATE TABLE exercise_progress(exercise INTEGER PRIMARY KEY, attempts INTEGER NOT NULL,
  solved TEXT, last_sql TEXT NOT NULL, last_at TEXT NOT NULL);
",
];

/// The user database.
pub struct UserDb {
    conn: Connection,
    path: PathBuf,
}

impl UserDb {
    /// Opens (creating and migrating as needed) the user database at `path`.
    pub fn open(path: &Path) -> Result<Self> {
        let e = |err| Error::sqlite(path, err);
        let conn = Connection::open(path).map_err(e)?;
        conn.execute_batch("PRAGMA journal_mode=WAL; PRAGMA foreign_keys=ON;")
            .map_err(e)?;
        let v: u32 = conn
            .query_row("PRAGMA user_version", [], |r| r.get(0))
            .map_err(e)?;
        if v as usize > MIGRATIONS.len() {
            return Err(Error::Snapshot {
                path: path.into(),
                message: format!("user data version {v} is newer than this Hublot ({USER_SCHEMA_VERSION}); update Hublot"),
            });
        }
        for (i, m) in MIGRATIONS.iter().enumerate().skip(v as usize) {
            conn.execute_batch(&format!(
                "BEGIN; {m} PRAGMA user_version={}; COMMIT;",
                i + 1
            ))
            .map_err(e)?;
        }
        Ok(UserDb {
            conn,
            path: path.to_path_buf(),
        })
    }

    /// A setting.
    pub fn setting(&self, key: &str) -> Result<Option<String>> {
        self.conn
            .query_row("SELECT value FROM settings WHERE key=?1", [key], |r| {
                r.get(0)
            })
            .optional()
            .map_err(|e| Error::sqlite(&self.path, e))
    }

    /// Every setting.
    pub fn settings(&self) -> Result<Vec<(String, String)>> {
        let mut st = self
            .conn
            .prepare("SELECT key, value FROM settings ORDER BY key")
            .map_err(|e| Error::sqlite(&self.path, e))?;
        let rows = st
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
            .map_err(|e| Error::sqlite(&self.path, e))?;
        rows.collect::<rusqlite::Result<_>>()
            .map_err(|e| Error::sqlite(&self.path, e))
    }

    /// Sets a setting.
    pub fn set_setting(&self, key: &str, value: &str) -> Result<()> {
        self.conn
            .execute("INSERT INTO settings VALUES(?1,?2) ON CONFLICT(key) DO UPDATE SET value=excluded.value", [key, value])
            .map(|_| ())
            .map_err(|e| Error::sqlite(&self.path, e))
    }

    /// The CSL-JSON record of a DOI (lowercase key) fetched from a resolver, with when and from
    /// where: citations use it offline.
    pub fn doi_record(&self, doi: &str) -> Result<Option<DoiRecord>> {
        self.conn
            .query_row(
                "SELECT csl, fetched, resolver FROM doi_records WHERE doi=?1",
                [doi],
                |r| {
                    Ok(DoiRecord {
                        csl: r.get(0)?,
                        fetched: r.get(1)?,
                        resolver: r.get(2)?,
                    })
                },
            )
            .optional()
            .map_err(|e| Error::sqlite(&self.path, e))
    }

    /// Keeps the record of a DOI, replacing an older one.
    pub fn put_doi_record(&self, doi: &str, r: &DoiRecord) -> Result<()> {
        self.conn
            .execute(
                "INSERT INTO doi_records VALUES(?1,?2,?3,?4) ON CONFLICT(doi) DO UPDATE SET \
                 csl=excluded.csl, fetched=excluded.fetched, resolver=excluded.resolver",
                [doi, &r.csl, &r.fetched, &r.resolver],
            )
            .map(|_| ())
            .map_err(|e| Error::sqlite(&self.path, e))
    }
}

/// One query of the console's history.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct HistoryEntry {
    /// Its id.
    pub id: i64,
    /// The query.
    pub sql: String,
    /// When, RFC 3339.
    pub at: String,
    /// The snapshot it ran on.
    pub snapshot: String,
    /// Time taken, milliseconds.
    pub elapsed_ms: u64,
    /// Rows shown, when it ran.
    #[ts(optional = nullable)]
    pub rows: Option<u64>,
    /// Why it failed, when it did.
    #[ts(optional = nullable)]
    pub error: Option<String>,
    /// The exercise it answered, if any.
    #[ts(optional = nullable)]
    pub exercise: Option<u32>,
}

/// Where a learner is in an exercise.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct ExerciseProgress {
    /// The exercise.
    pub exercise: u32,
    /// Checks asked.
    pub attempts: u64,
    /// When first solved, RFC 3339.
    #[ts(optional = nullable)]
    pub solved: Option<String>,
    /// The last query checked.
    pub last_sql: String,
    /// When, RFC 3339.
    pub last_at: String,
}

/// How many history entries are kept: older ones are dropped.
pub const HISTORY_KEEP: i64 = 1_000;

impl UserDb {
    /// Records a query of the console; keeps the last [`HISTORY_KEEP`].
    pub fn history_add(&self, e: &HistoryEntry) -> Result<i64> {
        let err = |x| Error::sqlite(&self.path, x);
        self.conn
            .execute(
                "INSERT INTO sql_history(sql, at, snapshot, elapsed_ms, rows, error, exercise) \
                 VALUES(?1,?2,?3,?4,?5,?6,?7)",
                rusqlite::params![
                    e.sql,
                    e.at,
                    e.snapshot,
                    e.elapsed_ms as i64,
                    e.rows.map(|r| r as i64),
                    e.error,
                    e.exercise
                ],
            )
            .map_err(err)?;
        let id = self.conn.last_insert_rowid();
        self.conn
            .execute(
                "DELETE FROM sql_history WHERE id <= ?1",
                [id - HISTORY_KEEP],
            )
            .map_err(err)?;
        Ok(id)
    }

    /// The last `limit` queries, the newest first.
    pub fn history(&self, limit: u64) -> Result<Vec<HistoryEntry>> {
        let err = |x| Error::sqlite(&self.path, x);
        let mut st = self
            .conn
            .prepare(
                "SELECT id, sql, at, snapshot, elapsed_ms, rows, error, exercise FROM sql_history \
                 ORDER BY id DESC LIMIT ?1",
            )
            .map_err(err)?;
        let rows = st
            .query_map([limit as i64], |r| {
                Ok(HistoryEntry {
                    id: r.get(0)?,
                    sql: r.get(1)?,
                    at: r.get(2)?,
                    snapshot: r.get(3)?,
                    elapsed_ms: r.get::<_, i64>(4)? as u64,
                    rows: r.get::<_, Option<i64>>(5)?.map(|x| x as u64),
                    error: r.get(6)?,
                    exercise: r.get(7)?,
                })
            })
            .map_err(err)?;
        rows.collect::<rusqlite::Result<_>>().map_err(err)
    }

    /// Records a check of an exercise; `solved` keeps the first success.
    pub fn exercise_attempt(&self, exercise: u32, sql: &str, pass: bool, now: &str) -> Result<()> {
        self.conn
            .execute(
                "INSERT INTO exercise_progress(exercise, attempts, solved, last_sql, last_at) \
                 VALUES(?1, 1, CASE WHEN ?2 THEN ?4 END, ?3, ?4) \
                 ON CONFLICT(exercise) DO UPDATE SET attempts = attempts + 1, \
                 solved = COALESCE(solved, excluded.solved), last_sql = excluded.last_sql, \
                 last_at = excluded.last_at",
                rusqlite::params![exercise, pass, sql, now],
            )
            .map(|_| ())
            .map_err(|e| Error::sqlite(&self.path, e))
    }

    /// The progress of every exercise tried.
    pub fn exercise_progress(&self) -> Result<Vec<ExerciseProgress>> {
        let err = |x| Error::sqlite(&self.path, x);
        let mut st = self
            .conn
            .prepare(
                "SELECT exercise, attempts, solved, last_sql, last_at FROM exercise_progress \
                 ORDER BY exercise",
            )
            .map_err(err)?;
        let rows = st
            .query_map([], |r| {
                Ok(ExerciseProgress {
                    exercise: r.get(0)?,
                    attempts: r.get::<_, i64>(1)? as u64,
                    solved: r.get(2)?,
                    last_sql: r.get(3)?,
                    last_at: r.get(4)?,
                })
            })
            .map_err(err)?;
        rows.collect::<rusqlite::Result<_>>().map_err(err)
    }
}

/// A need statement as stored: the draft's JSON and the row's bookkeeping.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NeedRow {
    /// Its id.
    pub id: i64,
    /// The draft, canonical JSON.
    pub json: String,
    /// Created, RFC 3339.
    pub created: String,
    /// Last saved, RFC 3339.
    pub updated: String,
    /// How many times the draft was written.
    pub rev: i64,
}

/// A saved version of a need statement.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NeedVersionRow {
    /// 1, 2, …
    pub version: u32,
    /// When, RFC 3339.
    pub saved: String,
    /// Why, in words.
    pub note: String,
    /// The document, canonical JSON.
    pub json: String,
}

impl UserDb {
    fn need_row(r: &rusqlite::Row) -> rusqlite::Result<NeedRow> {
        Ok(NeedRow {
            id: r.get(0)?,
            json: r.get(1)?,
            created: r.get(2)?,
            updated: r.get(3)?,
            rev: r.get(4)?,
        })
    }

    /// Creates a need statement; answers its id.
    pub fn need_create(&self, title: &str, json: &str, now: &str) -> Result<i64> {
        self.conn
            .execute(
                "INSERT INTO need_statements(title, json, created, updated, rev) \
                 VALUES(?1,?2,?3,?3,1)",
                [title, json, now],
            )
            .map_err(|e| Error::sqlite(&self.path, e))?;
        Ok(self.conn.last_insert_rowid())
    }

    /// A need statement.
    pub fn need(&self, id: i64) -> Result<Option<NeedRow>> {
        self.conn
            .query_row(
                "SELECT id, json, created, updated, rev FROM need_statements WHERE id=?1",
                [id],
                Self::need_row,
            )
            .optional()
            .map_err(|e| Error::sqlite(&self.path, e))
    }

    /// Every need statement, the last changed first.
    pub fn needs(&self) -> Result<Vec<NeedRow>> {
        let mut st = self
            .conn
            .prepare(
                "SELECT id, json, created, updated, rev FROM need_statements \
                 ORDER BY updated DESC, id DESC",
            )
            .map_err(|e| Error::sqlite(&self.path, e))?;
        let rows = st
            .query_map([], Self::need_row)
            .map_err(|e| Error::sqlite(&self.path, e))?;
        rows.collect::<rusqlite::Result<_>>()
            .map_err(|e| Error::sqlite(&self.path, e))
    }

    /// Replaces the draft of `id` in one transaction, if its revision is still `expected` (when
    /// given): a stale editor gets [`Error::Conflict`] instead of overwriting a newer draft.
    /// Answers the new revision.
    pub fn need_update(
        &mut self,
        id: i64,
        title: &str,
        json: &str,
        expected: Option<i64>,
        now: &str,
    ) -> Result<i64> {
        let e = |err| Error::sqlite(&self.path, err);
        let tx = self.conn.transaction().map_err(e)?;
        let rev: Option<i64> = tx
            .query_row("SELECT rev FROM need_statements WHERE id=?1", [id], |r| {
                r.get(0)
            })
            .optional()
            .map_err(e)?;
        let Some(rev) = rev else {
            return Err(Error::NotFound(format!("need statement {id}")));
        };
        if let Some(x) = expected {
            if x != rev {
                return Err(Error::Conflict(format!(
                    "need statement {id} was changed elsewhere (revision {rev}, this editor has \
                     {x}): reload it before saving"
                )));
            }
        }
        tx.execute(
            "UPDATE need_statements SET title=?2, json=?3, updated=?4, rev=rev+1 WHERE id=?1",
            rusqlite::params![id, title, json, now],
        )
        .map_err(e)?;
        tx.commit().map_err(e)?;
        Ok(rev + 1)
    }

    /// Deletes a need statement and its versions.
    pub fn need_delete(&self, id: i64) -> Result<bool> {
        self.conn
            .execute("DELETE FROM need_statements WHERE id=?1", [id])
            .map(|n| n > 0)
            .map_err(|e| Error::sqlite(&self.path, e))
    }

    /// Saves `json` as the next version of `id`; answers its number.
    pub fn need_save_version(&mut self, id: i64, json: &str, note: &str, now: &str) -> Result<u32> {
        let e = |err| Error::sqlite(&self.path, err);
        let tx = self.conn.transaction().map_err(e)?;
        let v: u32 = tx
            .query_row(
                "SELECT COALESCE(MAX(version), 0) + 1 FROM need_versions WHERE need=?1",
                [id],
                |r| r.get(0),
            )
            .map_err(e)?;
        tx.execute(
            "INSERT INTO need_versions(need, version, json, saved, note) VALUES(?1,?2,?3,?4,?5)",
            rusqlite::params![id, v, json, now, note],
        )
        .map_err(e)?;
        tx.commit().map_err(e)?;
        Ok(v)
    }

    /// The saved versions of `id`, oldest first.
    pub fn need_versions(&self, id: i64) -> Result<Vec<NeedVersionRow>> {
        let mut st = self
            .conn
            .prepare(
                "SELECT version, saved, note, json FROM need_versions WHERE need=?1 \
                 ORDER BY version",
            )
            .map_err(|e| Error::sqlite(&self.path, e))?;
        let rows = st
            .query_map([id], |r| {
                Ok(NeedVersionRow {
                    version: r.get(0)?,
                    saved: r.get(1)?,
                    note: r.get(2)?,
                    json: r.get(3)?,
                })
            })
            .map_err(|e| Error::sqlite(&self.path, e))?;
        rows.collect::<rusqlite::Result<_>>()
            .map_err(|e| Error::sqlite(&self.path, e))
    }
}

/// A DOI's metadata as a resolver gave it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DoiRecord {
    /// CSL-JSON, as received (bounded).
    pub csl: String,
    /// When, RFC 3339.
    pub fetched: String,
    /// The resolver's base URL.
    pub resolver: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn migrates_and_keeps_settings() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("user.sqlite");
        UserDb::open(&p).unwrap().set_setting("lang", "en").unwrap();
        let db = UserDb::open(&p).unwrap();
        assert_eq!(db.setting("lang").unwrap().as_deref(), Some("en"));
    }

    #[test]
    fn a_version_3_file_gains_history_and_progress() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("user.sqlite");
        {
            // A user.sqlite as Hublot wrote it before the console (version 3).
            let c = Connection::open(&p).unwrap();
            for m in &MIGRATIONS[..3] {
                c.execute_batch(m).unwrap();
            }
            c.execute_batch("PRAGMA user_version=3; INSERT INTO settings VALUES('lang','fr');")
                .unwrap();
        }
        let db = UserDb::open(&p).unwrap();
        assert_eq!(db.setting("lang").unwrap().as_deref(), Some("fr"));
        let v: u32 = db
            .conn
            .query_row("PRAGMA user_version", [], |r| r.get(0))
            .unwrap();
        assert_eq!(v, USER_SCHEMA_VERSION);
        db.history_add(&HistoryEntry {
            id: 0,
            sql: "SELECT 1".into(),
            at: "2026-12-03T00:00:00Z".into(),
            snapshot: "s".into(),
            elapsed_ms: 1,
            rows: Some(1),
            error: None,
            exercise: None,
        })
        .unwrap();
        db.exercise_attempt(1, "SELECT 2", false, "t1").unwrap();
        db.exercise_attempt(1, "SELECT 1", true, "t2").unwrap();
        db.exercise_attempt(1, "SELECT 3", false, "t3").unwrap();
        drop(db);
        let db = UserDb::open(&p).unwrap();
        assert_eq!(db.history(10).unwrap()[0].sql, "SELECT 1");
        let pr = &db.exercise_progress().unwrap()[0];
        assert_eq!(
            (pr.attempts, pr.solved.as_deref(), pr.last_sql.as_str()),
            (3, Some("t2"), "SELECT 3")
        );
    }

    #[test]
    fn a_doi_record_is_kept_and_replaced() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("user.sqlite");
        let db = UserDb::open(&p).unwrap();
        assert_eq!(db.doi_record("10.5072/x").unwrap(), None);
        let mut r = DoiRecord {
            csl: "{}".into(),
            fetched: "2025-01-01T00:00:00Z".into(),
            resolver: "https://doi.org".into(),
        };
        db.put_doi_record("10.5072/x", &r).unwrap();
        r.csl = r#"{"type":"dataset"}"#.into();
        db.put_doi_record("10.5072/x", &r).unwrap();
        drop(db);
        assert_eq!(
            UserDb::open(&p).unwrap().doi_record("10.5072/x").unwrap(),
            Some(r)
        );
    }
}
