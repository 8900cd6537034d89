//! `user.sqlite`: what belongs to the user (settings, bookmarks, need-statement drafts). It lives
//! beside the snapshots, not in them, so no import, sync or rollback ever touches it.

use crate::{Error, Result};
use rusqlite::{Connection, OptionalExtension};
use std::path::{Path, PathBuf};

/// Version of the user.sqlite schema; migrations run forward from any older version.
pub const USER_SCHEMA_VERSION: u32 = 2;

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
