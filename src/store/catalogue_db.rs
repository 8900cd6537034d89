//! `catalogue.sqlite`: the snapshot's catalogue as tables, with an index for every page's query.

use crate::model::{Base, Code, DocPage, Table, Variable};
use crate::{Error, Result};
use rusqlite::{params, Connection, OptionalExtension};
use serde::{Deserialize, Serialize};
use std::path::Path;
use ts_rs::TS;

/// Version of the catalogue.sqlite schema. A snapshot of another version is rebuilt.
pub const CATALOGUE_SCHEMA_VERSION: u32 = 1;

const SCHEMA: &str = "
CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE bases(id TEXT PRIMARY KEY, name TEXT NOT NULL, kind TEXT NOT NULL, parent TEXT, position INTEGER NOT NULL, json TEXT NOT NULL);
CREATE TABLE tables(name TEXT PRIMARY KEY, title TEXT NOT NULL, produit TEXT NOT NULL,
  base_id TEXT NOT NULL REFERENCES bases(id), source TEXT NOT NULL, samples_source TEXT,
  sample_rows INTEGER NOT NULL DEFAULT 0, json TEXT NOT NULL);
CREATE TABLE variables(table_name TEXT NOT NULL REFERENCES tables(name), position INTEGER NOT NULL,
  name TEXT NOT NULL, description TEXT NOT NULL, type TEXT NOT NULL, nomenclature TEXT, json TEXT NOT NULL,
  PRIMARY KEY(table_name, name));
CREATE TABLE foreign_keys(table_name TEXT NOT NULL REFERENCES tables(name), position INTEGER NOT NULL,
  fields TEXT NOT NULL, ref_table TEXT NOT NULL, ref_fields TEXT NOT NULL);
CREATE TABLE nomenclatures(name TEXT PRIMARY KEY, title TEXT NOT NULL, source TEXT NOT NULL,
  columns TEXT NOT NULL, code_column INTEGER NOT NULL, label_column INTEGER, rows INTEGER NOT NULL);
CREATE TABLE codes(nomenclature TEXT NOT NULL REFERENCES nomenclatures(name), position INTEGER NOT NULL,
  code TEXT NOT NULL, label TEXT NOT NULL, vals TEXT NOT NULL, PRIMARY KEY(nomenclature, position)) WITHOUT ROWID;
CREATE TABLE docs(path TEXT PRIMARY KEY, title TEXT NOT NULL, text TEXT NOT NULL, html TEXT NOT NULL,
  dois TEXT NOT NULL, headings TEXT NOT NULL);
";

/// Indexes are created after the bulk load: faster than maintaining them row by row.
const INDEXES: &str = "
CREATE INDEX tables_base ON tables(base_id, produit, name);
CREATE INDEX variables_name ON variables(name);
CREATE INDEX variables_nomenclature ON variables(nomenclature);
CREATE INDEX fk_table ON foreign_keys(table_name);
CREATE INDEX fk_ref ON foreign_keys(ref_table);
CREATE INDEX codes_code ON codes(nomenclature, code);
";

/// Counts of what a snapshot holds.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct Stats {
    /// Bases.
    pub bases: u64,
    /// Distinct tables.
    pub tables: u64,
    /// (table, variable) pairs.
    pub variables: u64,
    /// Code lists.
    pub nomenclatures: u64,
    /// Data rows of all code lists.
    pub codes: u64,
    /// Documentation pages.
    pub docs: u64,
    /// Synthetic sample rows.
    pub sample_rows: u64,
}

fn sql(path: &Path) -> impl Fn(rusqlite::Error) -> Error + '_ {
    move |e| Error::sqlite(path, e)
}

/// Writes a new catalogue database; used once per snapshot build.
pub struct CatalogueWriter {
    conn: Connection,
    path: std::path::PathBuf,
}

impl CatalogueWriter {
    /// Creates `path` (which must not exist) with the schema, inside one transaction.
    pub fn create(path: &Path) -> Result<Self> {
        let conn = Connection::open(path).map_err(sql(path))?;
        // The file is in a staging directory until the whole snapshot is finished and synced, so
        // a crash mid-build loses nothing that matters: no journal needed.
        conn.execute_batch(
            "PRAGMA journal_mode=OFF; PRAGMA synchronous=OFF; PRAGMA foreign_keys=ON; BEGIN;",
        )
        .map_err(sql(path))?;
        conn.execute_batch(SCHEMA).map_err(sql(path))?;
        conn.execute(
            "INSERT INTO meta VALUES('schema_version', ?1)",
            [CATALOGUE_SCHEMA_VERSION.to_string()],
        )
        .map_err(sql(path))?;
        Ok(CatalogueWriter {
            conn,
            path: path.to_path_buf(),
        })
    }

    /// Opens an existing catalogue (a copy of a published snapshot's) to lay a draft over it
    /// (`hublot preview`): one transaction, committed by [`CatalogueWriter::finish_overlay`].
    pub fn overlay(path: &Path) -> Result<Self> {
        let conn = Connection::open(path).map_err(sql(path))?;
        conn.execute_batch(
            "PRAGMA journal_mode=OFF; PRAGMA synchronous=OFF; PRAGMA foreign_keys=ON; BEGIN;",
        )
        .map_err(sql(path))?;
        Ok(CatalogueWriter {
            conn,
            path: path.to_path_buf(),
        })
    }

    /// Removes what a draft replaces: the bases `bases` with every table they hold, the tables
    /// `tables` wherever they are, the code lists `lists` and the doc pages `docs`. Returns the
    /// published positions of the bases removed (by id), so the draft keeps their place.
    pub fn remove(
        &self,
        bases: &[String],
        tables: &[String],
        lists: &[String],
        docs: &[String],
    ) -> Result<Vec<(String, i64)>> {
        let p = &self.path;
        let mut positions = Vec::new();
        let drop_table = |name: &str| -> Result<()> {
            for q in [
                "DELETE FROM variables WHERE table_name=?1",
                "DELETE FROM foreign_keys WHERE table_name=?1",
                "DELETE FROM tables WHERE name=?1",
            ] {
                self.conn.execute(q, [name]).map_err(sql(p))?;
            }
            Ok(())
        };
        for b in bases {
            let pos: Option<i64> = self
                .conn
                .query_row("SELECT position FROM bases WHERE id=?1", [b], |r| r.get(0))
                .optional()
                .map_err(sql(p))?;
            if let Some(pos) = pos {
                positions.push((b.clone(), pos));
            }
            let names: Vec<String> = self
                .conn
                .prepare("SELECT name FROM tables WHERE base_id=?1")
                .and_then(|mut s| {
                    s.query_map([b], |r| r.get(0))?
                        .collect::<rusqlite::Result<Vec<String>>>()
                })
                .map_err(sql(p))?;
            for n in names {
                drop_table(&n)?;
            }
        }
        for t in tables {
            drop_table(t)?;
        }
        for b in bases {
            self.conn
                .execute("DELETE FROM bases WHERE id=?1", [b])
                .map_err(sql(p))?;
        }
        for l in lists {
            self.conn
                .execute("DELETE FROM codes WHERE nomenclature=?1", [l])
                .map_err(sql(p))?;
            self.conn
                .execute("DELETE FROM nomenclatures WHERE name=?1", [l])
                .map_err(sql(p))?;
        }
        for d in docs {
            self.conn
                .execute("DELETE FROM docs WHERE path=?1", [d])
                .map_err(sql(p))?;
        }
        Ok(positions)
    }

    /// Writes one base at `position` (bases are listed by position).
    pub fn base_at(&self, b: &Base, position: i64) -> Result<()> {
        let json = serde_json::to_string(b).expect("base serialises");
        self.conn
            .execute(
                "INSERT INTO bases VALUES(?1,?2,?3,?4,?5,?6)",
                params![b.id, b.name, b.kind, b.parent, position, json],
            )
            .map_err(sql(&self.path))?;
        Ok(())
    }

    /// The next free base position.
    pub fn next_base_position(&self) -> Result<i64> {
        self.conn
            .query_row("SELECT coalesce(max(position),-1)+1 FROM bases", [], |r| {
                r.get(0)
            })
            .map_err(sql(&self.path))
    }

    /// Commits an overlay ([`CatalogueWriter::overlay`]) and returns the counts.
    pub fn finish_overlay(self) -> Result<Stats> {
        let p = &self.path;
        self.conn.execute_batch("COMMIT;").map_err(sql(p))?;
        let s = stats(&self.conn, p)?;
        self.conn.close().map_err(|(_, e)| Error::sqlite(p, e))?;
        Ok(s)
    }

    /// Sets a meta value.
    pub fn meta(&self, key: &str, value: &str) -> Result<()> {
        self.conn
            .execute(
                "INSERT OR REPLACE INTO meta VALUES(?1, ?2)",
                params![key, value],
            )
            .map_err(sql(&self.path))?;
        Ok(())
    }

    /// Writes the bases.
    pub fn bases(&self, bases: &[Base]) -> Result<()> {
        let mut st = self
            .conn
            .prepare("INSERT INTO bases VALUES(?1,?2,?3,?4,?5,?6)")
            .map_err(sql(&self.path))?;
        for (i, b) in bases.iter().enumerate() {
            let json = serde_json::to_string(b).expect("base serialises");
            st.execute(params![b.id, b.name, b.kind, b.parent, i as i64, json])
                .map_err(sql(&self.path))?;
        }
        Ok(())
    }

    /// Writes a table with its variables and keys.
    pub fn table(&self, t: &Table, samples_source: Option<&str>) -> Result<()> {
        let p = &self.path;
        let json = serde_json::to_string(t).expect("table serialises");
        self.conn
            .prepare_cached("INSERT INTO tables VALUES(?1,?2,?3,?4,?5,?6,0,?7)")
            .and_then(|mut s| {
                s.execute(params![
                    t.name,
                    t.title,
                    t.produit,
                    t.base,
                    t.source,
                    samples_source,
                    json
                ])
            })
            .map_err(sql(p))?;
        let mut st = self
            .conn
            .prepare_cached("INSERT INTO variables VALUES(?1,?2,?3,?4,?5,?6,?7)")
            .map_err(sql(p))?;
        for (i, v) in t.variables.iter().enumerate() {
            let json = serde_json::to_string(v).expect("variable serialises");
            let nom = v.nomenclature.as_ref().map(|n| n.name.as_str());
            st.execute(params![
                t.name,
                i as i64,
                v.name,
                v.description,
                v.r#type,
                nom,
                json
            ])
            .map_err(sql(p))?;
        }
        let mut st = self
            .conn
            .prepare_cached("INSERT INTO foreign_keys VALUES(?1,?2,?3,?4,?5)")
            .map_err(sql(p))?;
        for (i, fk) in t.foreign_keys.iter().enumerate() {
            st.execute(params![
                t.name,
                i as i64,
                fk.fields.join(","),
                fk.table,
                fk.ref_fields.join(",")
            ])
            .map_err(sql(p))?;
        }
        Ok(())
    }

    /// Records how many sample rows a table has.
    pub fn sample_rows(&self, table: &str, rows: u64) -> Result<()> {
        self.conn
            .execute(
                "UPDATE tables SET sample_rows=?2 WHERE name=?1",
                params![table, rows as i64],
            )
            .map_err(sql(&self.path))?;
        Ok(())
    }

    /// Writes a code list's description.
    pub fn nomenclature(
        &self,
        c: &crate::ingest::nomenclature_csv::CodeListSource,
        rows: u64,
    ) -> Result<()> {
        self.conn
            .execute(
                "INSERT INTO nomenclatures VALUES(?1,?2,?3,?4,?5,?6,?7)",
                params![
                    c.name,
                    c.title,
                    c.source,
                    serde_json::to_string(&c.columns).expect("columns serialise"),
                    c.code_column as i64,
                    c.label_column.map(|x| x as i64),
                    rows as i64
                ],
            )
            .map_err(sql(&self.path))?;
        Ok(())
    }

    /// Writes rows of a code list (code, label, JSON array of all values).
    pub(crate) fn codes(&self, nomenclature: &str, rows: &crate::build::CodeRows) -> Result<()> {
        let mut st = self
            .conn
            .prepare_cached("INSERT INTO codes VALUES(?1,?2,?3,?4,?5)")
            .map_err(sql(&self.path))?;
        for (i, (code, label, vals)) in rows.iter().enumerate() {
            st.execute(params![nomenclature, i as i64, code, label, vals])
                .map_err(sql(&self.path))?;
        }
        Ok(())
    }

    /// Writes a documentation page.
    pub fn doc(&self, d: &DocPage) -> Result<()> {
        self.conn
            .prepare_cached("INSERT INTO docs VALUES(?1,?2,?3,?4,?5,?6)")
            .and_then(|mut s| {
                s.execute(params![
                    d.path,
                    d.title,
                    d.text,
                    d.html,
                    serde_json::to_string(&d.dois).expect("dois serialise"),
                    serde_json::to_string(&d.headings).expect("headings serialise")
                ])
            })
            .map_err(sql(&self.path))?;
        Ok(())
    }

    /// Creates the indexes, commits, and returns the counts.
    pub fn finish(self, sample_rows: u64) -> Result<Stats> {
        self.conn.execute_batch(INDEXES).map_err(sql(&self.path))?;
        self.commit_and_close("COMMIT; ANALYZE;", sample_rows)
    }

    /// Runs `last` (which commits), counts, closes the connection and syncs the file.
    fn commit_and_close(self, last: &str, sample_rows: u64) -> Result<Stats> {
        let p = &self.path;
        self.conn.execute_batch(last).map_err(sql(p))?;
        let mut s = stats(&self.conn, p)?;
        s.sample_rows = sample_rows;
        self.conn.close().map_err(|(_, e)| Error::sqlite(p, e))?;
        std::fs::File::open(p)
            .and_then(|f| f.sync_all())
            .map_err(|e| Error::io(p, e))?;
        Ok(s)
    }
}

/// Counts what the catalogue holds (sample rows are counted from the tables' records).
pub fn stats(conn: &Connection, path: &Path) -> Result<Stats> {
    let one = |q: &str| {
        conn.query_row(q, [], |r| r.get::<_, i64>(0))
            .map(|n| n as u64)
            .map_err(sql(path))
    };
    Ok(Stats {
        bases: one("SELECT count(*) FROM bases")?,
        tables: one("SELECT count(*) FROM tables")?,
        variables: one("SELECT count(*) FROM variables")?,
        nomenclatures: one("SELECT count(*) FROM nomenclatures")?,
        codes: one("SELECT count(*) FROM codes")?,
        docs: one("SELECT count(*) FROM docs")?,
        sample_rows: one("SELECT coalesce(sum(sample_rows),0) FROM tables")?,
    })
}

/// A read-only handle on a snapshot's catalogue.
pub struct CatalogueDb {
    pub(crate) conn: Connection,
    pub(crate) path: std::path::PathBuf,
}

/// A base with its size, for lists and cards.
#[derive(Debug, Clone, Serialize, Deserialize, TS)]
pub struct BaseSummary {
    /// The base.
    #[serde(flatten)]
    pub base: Base,
    /// Its tables.
    pub tables: u64,
    /// Its variables.
    pub variables: u64,
}

/// A table in a list.
#[derive(Debug, Clone, Serialize, Deserialize, TS)]
pub struct TableSummary {
    /// Name.
    pub name: String,
    /// Title.
    pub title: String,
    /// Domain.
    pub produit: String,
    /// Base.
    pub base: String,
    /// Number of variables.
    pub variables: u64,
    /// Number of sample rows.
    pub sample_rows: u64,
}

/// A link between two tables, seen from one of them.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, TS)]
pub struct Join {
    /// The table on the other side.
    pub table: String,
    /// Columns on this side.
    pub fields: Vec<String>,
    /// Columns on the other side.
    pub other_fields: Vec<String>,
    /// Whether the other table exists in this snapshot.
    pub exists: bool,
    /// Its title, when it exists.
    pub title: Option<String>,
}

/// A page of a code list.
#[derive(Debug, Clone, Serialize, Deserialize, TS)]
pub struct CodePage {
    /// Rows matching, in list order.
    pub rows: Vec<Code>,
    /// How many rows match in all.
    pub total: u64,
    /// Offset of the first row.
    pub offset: u64,
}

fn split_list(s: String) -> Vec<String> {
    s.split(',')
        .filter(|x| !x.is_empty())
        .map(str::to_string)
        .collect()
}

impl CatalogueDb {
    /// Opens `path` read-only, refusing another schema version.
    pub fn open(path: &Path) -> Result<Self> {
        let conn = Connection::open_with_flags(
            path,
            rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY | rusqlite::OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )
        .map_err(sql(path))?;
        let v: Option<String> = conn
            .query_row(
                "SELECT value FROM meta WHERE key='schema_version'",
                [],
                |r| r.get(0),
            )
            .optional()
            .map_err(sql(path))?;
        let v: u32 = v.and_then(|v| v.parse().ok()).unwrap_or(0);
        if v != CATALOGUE_SCHEMA_VERSION {
            return Err(Error::Snapshot {
                path: path.into(),
                message: format!("catalogue schema version {v}, this Hublot reads {CATALOGUE_SCHEMA_VERSION}: re-import to rebuild"),
            });
        }
        Ok(CatalogueDb {
            conn,
            path: path.to_path_buf(),
        })
    }

    /// A meta value.
    pub fn meta(&self, key: &str) -> Result<Option<String>> {
        self.conn
            .query_row("SELECT value FROM meta WHERE key=?1", [key], |r| r.get(0))
            .optional()
            .map_err(sql(&self.path))
    }

    /// Counts.
    pub fn stats(&self) -> Result<Stats> {
        stats(&self.conn, &self.path)
    }

    /// Every base with its size, in catalogue order.
    pub fn bases(&self) -> Result<Vec<BaseSummary>> {
        let mut st = self
            .conn
            .prepare_cached(
                "SELECT b.json, (SELECT count(*) FROM tables t WHERE t.base_id=b.id),
                 (SELECT count(*) FROM variables v JOIN tables t ON v.table_name=t.name WHERE t.base_id=b.id)
                 FROM bases b ORDER BY b.position",
            )
            .map_err(sql(&self.path))?;
        let rows = st
            .query_map([], |r| {
                Ok((
                    r.get::<_, String>(0)?,
                    r.get::<_, i64>(1)?,
                    r.get::<_, i64>(2)?,
                ))
            })
            .map_err(sql(&self.path))?;
        let mut out = Vec::new();
        for row in rows {
            let (json, t, v) = row.map_err(sql(&self.path))?;
            let base: Base =
                serde_json::from_str(&json).map_err(|e| Error::json(&self.path, &e))?;
            out.push(BaseSummary {
                base,
                tables: t as u64,
                variables: v as u64,
            });
        }
        Ok(out)
    }

    /// One base.
    pub fn base(&self, id: &str) -> Result<Option<Base>> {
        let json: Option<String> = self
            .conn
            .query_row("SELECT json FROM bases WHERE id=?1", [id], |r| r.get(0))
            .optional()
            .map_err(sql(&self.path))?;
        json.map(|j| serde_json::from_str(&j).map_err(|e| Error::json(&self.path, &e)))
            .transpose()
    }

    /// Tables, optionally of one base, ordered by domain and name.
    pub fn tables(&self, base: Option<&str>) -> Result<Vec<TableSummary>> {
        let mut st = self
            .conn
            .prepare_cached(
                "SELECT t.name, t.title, t.produit, t.base_id, (SELECT count(*) FROM variables v WHERE v.table_name=t.name), t.sample_rows
                 FROM tables t WHERE ?1 IS NULL OR t.base_id=?1 ORDER BY t.produit, t.name",
            )
            .map_err(sql(&self.path))?;
        let rows = st
            .query_map([base], |r| {
                Ok(TableSummary {
                    name: r.get(0)?,
                    title: r.get(1)?,
                    produit: r.get(2)?,
                    base: r.get(3)?,
                    variables: r.get::<_, i64>(4)? as u64,
                    sample_rows: r.get::<_, i64>(5)? as u64,
                })
            })
            .map_err(sql(&self.path))?;
        rows.collect::<rusqlite::Result<_>>()
            .map_err(sql(&self.path))
    }

    /// One table, with where its schema and samples came from.
    pub fn table(&self, name: &str) -> Result<Option<(Table, Option<String>, u64)>> {
        let row: Option<(String, Option<String>, i64)> = self
            .conn
            .query_row(
                "SELECT json, samples_source, sample_rows FROM tables WHERE name=?1",
                [name],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
            )
            .optional()
            .map_err(sql(&self.path))?;
        match row {
            None => Ok(None),
            Some((j, s, n)) => Ok(Some((
                serde_json::from_str(&j).map_err(|e| Error::json(&self.path, &e))?,
                s,
                n as u64,
            ))),
        }
    }

    /// Links from `table` to others (its foreign keys) and from others to it.
    pub fn joins(&self, table: &str) -> Result<(Vec<Join>, Vec<Join>)> {
        let q = |sql_text: &str| -> Result<Vec<Join>> {
            let mut st = self
                .conn
                .prepare_cached(sql_text)
                .map_err(sql(&self.path))?;
            let rows = st
                .query_map([table], |r| {
                    Ok(Join {
                        table: r.get(0)?,
                        fields: split_list(r.get(1)?),
                        other_fields: split_list(r.get(2)?),
                        title: r.get(3)?,
                        exists: r.get::<_, Option<String>>(3)?.is_some(),
                    })
                })
                .map_err(sql(&self.path))?;
            rows.collect::<rusqlite::Result<_>>()
                .map_err(sql(&self.path))
        };
        let out = q("SELECT f.ref_table, f.fields, f.ref_fields, t.title FROM foreign_keys f LEFT JOIN tables t ON t.name=f.ref_table
                     WHERE f.table_name=?1 ORDER BY f.position")?;
        let inn = q("SELECT f.table_name, f.ref_fields, f.fields, t.title FROM foreign_keys f JOIN tables t ON t.name=f.table_name
                     WHERE f.ref_table=?1 AND f.table_name<>?1 ORDER BY f.table_name")?;
        Ok((out, inn))
    }

    /// One variable of a table.
    pub fn variable(&self, table: &str, name: &str) -> Result<Option<Variable>> {
        let json: Option<String> = self
            .conn
            .query_row(
                "SELECT json FROM variables WHERE table_name=?1 AND name=?2",
                [table, name],
                |r| r.get(0),
            )
            .optional()
            .map_err(sql(&self.path))?;
        json.map(|j| serde_json::from_str(&j).map_err(|e| Error::json(&self.path, &e)))
            .transpose()
    }

    /// Tables having a variable called `name` (case-insensitive), as (table, variable name).
    pub fn tables_with_variable(&self, name: &str) -> Result<Vec<(String, String)>> {
        let mut st = self
            .conn
            .prepare_cached("SELECT table_name, name FROM variables WHERE name=?1 COLLATE NOCASE ORDER BY table_name")
            .map_err(sql(&self.path))?;
        let rows = st
            .query_map([name], |r| Ok((r.get(0)?, r.get(1)?)))
            .map_err(sql(&self.path))?;
        rows.collect::<rusqlite::Result<_>>()
            .map_err(sql(&self.path))
    }

    /// Variables that take their values from code list `name`, as (table, variable).
    pub fn variables_using(&self, nomenclature: &str) -> Result<Vec<(String, String)>> {
        let mut st = self
            .conn
            .prepare_cached("SELECT table_name, name FROM variables WHERE nomenclature=?1 ORDER BY table_name, position")
            .map_err(sql(&self.path))?;
        let rows = st
            .query_map([nomenclature], |r| Ok((r.get(0)?, r.get(1)?)))
            .map_err(sql(&self.path))?;
        rows.collect::<rusqlite::Result<_>>()
            .map_err(sql(&self.path))
    }

    /// A code list's description.
    pub fn nomenclature(&self, name: &str) -> Result<Option<crate::model::Nomenclature>> {
        self.conn
            .query_row(
                "SELECT name, title, source, columns, code_column, label_column, rows FROM nomenclatures WHERE name=?1",
                [name],
                |r| {
                    Ok(crate::model::Nomenclature {
                        name: r.get(0)?,
                        title: r.get(1)?,
                        source: r.get(2)?,
                        columns: serde_json::from_str(&r.get::<_, String>(3)?).unwrap_or_default(),
                        code_column: r.get::<_, i64>(4)? as usize,
                        label_column: r.get::<_, Option<i64>>(5)?.map(|x| x as usize),
                        rows: r.get::<_, i64>(6)? as usize,
                    })
                },
            )
            .optional()
            .map_err(sql(&self.path))
    }

    /// Rows of a code list, optionally filtered by a text that the code starts with or the
    /// label contains (case-insensitive), paged.
    pub fn codes(
        &self,
        nomenclature: &str,
        q: Option<&str>,
        offset: u64,
        limit: u64,
    ) -> Result<CodePage> {
        let q = q.map(str::trim).filter(|q| !q.is_empty());
        let (where_, pat_code, pat_label) = match q {
            Some(q) => (
                "nomenclature=?1 AND (code LIKE ?2 ESCAPE '\\' OR label LIKE ?3 ESCAPE '\\')",
                format!("{}%", like_escape(q)),
                format!("%{}%", like_escape(q)),
            ),
            None => (
                "nomenclature=?1 AND ?2 IS NOT NULL AND ?3 IS NOT NULL",
                String::new(),
                String::new(),
            ),
        };
        let total: i64 = self
            .conn
            .query_row(
                &format!("SELECT count(*) FROM codes WHERE {where_}"),
                params![nomenclature, pat_code, pat_label],
                |r| r.get(0),
            )
            .map_err(sql(&self.path))?;
        let mut st = self
            .conn
            .prepare_cached(&format!(
                "SELECT code, label, vals FROM codes WHERE {where_} ORDER BY (code LIKE ?2 ESCAPE '\\') DESC, position LIMIT ?4 OFFSET ?5"
            ))
            .map_err(sql(&self.path))?;
        let rows = st
            .query_map(
                params![
                    nomenclature,
                    pat_code,
                    pat_label,
                    limit as i64,
                    offset as i64
                ],
                |r| {
                    Ok(Code {
                        code: r.get(0)?,
                        label: r.get(1)?,
                        values: serde_json::from_str(&r.get::<_, String>(2)?).unwrap_or_default(),
                    })
                },
            )
            .map_err(sql(&self.path))?;
        Ok(CodePage {
            rows: rows
                .collect::<rusqlite::Result<_>>()
                .map_err(sql(&self.path))?,
            total: total as u64,
            offset,
        })
    }

    /// One row of a code list by its code.
    pub fn code(&self, nomenclature: &str, code: &str) -> Result<Option<Code>> {
        self.conn
            .query_row(
                "SELECT code, label, vals FROM codes WHERE nomenclature=?1 AND code=?2 ORDER BY position LIMIT 1",
                [nomenclature, code],
                |r| Ok(Code { code: r.get(0)?, label: r.get(1)?, values: serde_json::from_str(&r.get::<_, String>(2)?).unwrap_or_default() }),
            )
            .optional()
            .map_err(sql(&self.path))
    }

    /// The labels of `codes` in code list `nomenclature`, looked up in batches (one query per
    /// 500 codes); codes that are not in the list are absent from the answer.
    pub fn labels(
        &self,
        nomenclature: &str,
        codes: &[String],
    ) -> Result<std::collections::BTreeMap<String, String>> {
        let mut out = std::collections::BTreeMap::new();
        for chunk in codes.chunks(500) {
            let marks = vec!["?"; chunk.len()].join(",");
            let mut st = self
                .conn
                .prepare_cached(&format!(
                    "SELECT code, label FROM codes WHERE nomenclature=? AND code IN ({marks}) ORDER BY position DESC"
                ))
                .map_err(sql(&self.path))?;
            let args = std::iter::once(nomenclature).chain(chunk.iter().map(String::as_str));
            let rows = st
                .query_map(rusqlite::params_from_iter(args), |r| {
                    Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?))
                })
                .map_err(sql(&self.path))?;
            for r in rows {
                // In position order, descending: the first row of a repeated code wins.
                let (code, label) = r.map_err(sql(&self.path))?;
                out.insert(code, label);
            }
        }
        Ok(out)
    }

    /// How many codes of a code list start with `prefix` (case-sensitive, as stored), and the
    /// first `limit` of them in code order. A range on the `(nomenclature, code)` index, not a
    /// `LIKE`, which SQLite cannot serve from that index.
    pub fn codes_with_prefix(
        &self,
        nomenclature: &str,
        prefix: &str,
        limit: u64,
    ) -> Result<(u64, Vec<Code>)> {
        // Every stored code starting with `prefix` sorts between it and it followed by the
        // highest character (codes compare as UTF-8 bytes).
        let upper = format!("{prefix}\u{10FFFF}");
        let total: i64 = self
            .conn
            .prepare_cached(
                "SELECT count(*) FROM codes WHERE nomenclature=?1 AND code>=?2 AND code<?3",
            )
            .and_then(|mut st| st.query_row(params![nomenclature, prefix, upper], |r| r.get(0)))
            .map_err(sql(&self.path))?;
        let mut st = self
            .conn
            .prepare_cached(
                "SELECT code, label, vals FROM codes WHERE nomenclature=?1 AND code>=?2 AND code<?3
                 ORDER BY code LIMIT ?4",
            )
            .map_err(sql(&self.path))?;
        let rows = st
            .query_map(params![nomenclature, prefix, upper, limit as i64], |r| {
                Ok(Code {
                    code: r.get(0)?,
                    label: r.get(1)?,
                    values: serde_json::from_str(&r.get::<_, String>(2)?).unwrap_or_default(),
                })
            })
            .map_err(sql(&self.path))?;
        let rows = rows
            .collect::<rusqlite::Result<_>>()
            .map_err(sql(&self.path))?;
        Ok((total as u64, rows))
    }

    /// One documentation page.
    pub fn doc(&self, path: &str) -> Result<Option<DocPage>> {
        self.conn
            .query_row(
                "SELECT path, title, text, html, dois, headings FROM docs WHERE path=?1",
                [path],
                |r| {
                    Ok(DocPage {
                        path: r.get(0)?,
                        title: r.get(1)?,
                        text: r.get(2)?,
                        html: r.get(3)?,
                        dois: serde_json::from_str(&r.get::<_, String>(4)?).unwrap_or_default(),
                        headings: serde_json::from_str(&r.get::<_, String>(5)?).unwrap_or_default(),
                    })
                },
            )
            .optional()
            .map_err(sql(&self.path))
    }

    /// Every documentation page, as (path, title), in path order.
    pub fn doc_list(&self) -> Result<Vec<(String, String)>> {
        let mut st = self
            .conn
            .prepare_cached("SELECT path, title FROM docs ORDER BY path")
            .map_err(sql(&self.path))?;
        let rows = st
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
            .map_err(sql(&self.path))?;
        rows.collect::<rusqlite::Result<_>>()
            .map_err(sql(&self.path))
    }
}

fn like_escape(s: &str) -> String {
    s.replace('\\', "\\\\")
        .replace('%', "\\%")
        .replace('_', "\\_")
}

// ---------------------------------------------------------------------------------------------
// Incremental rebuild (src/rebuild.rs): a copy of the active snapshot's catalogue, opened with
// [`CatalogueWriter::overlay`], where the small tables are rewritten and only the changed code
// lists replaced.

impl CatalogueWriter {
    /// Deletes the bases, tables (with their variables and keys) and documentation pages: the
    /// incremental rebuild writes them all again, with the full build's code.
    pub(crate) fn clear_all_but_codes(&self) -> Result<()> {
        self.conn
            .execute_batch(
                "DELETE FROM variables; DELETE FROM foreign_keys; DELETE FROM tables;
                 DELETE FROM docs; DELETE FROM bases;",
            )
            .map_err(sql(&self.path))
    }

    /// Deletes one code list with its rows.
    pub(crate) fn remove_list(&self, name: &str) -> Result<()> {
        self.remove(&[], &[], &[name.to_string()], &[])?;
        Ok(())
    }

    /// Sample rows by table, as recorded.
    pub(crate) fn sample_rows_by_table(&self) -> Result<std::collections::HashMap<String, u64>> {
        name_counts(
            &self.conn,
            &self.path,
            "SELECT name, sample_rows FROM tables WHERE sample_rows > 0",
        )
    }

    /// Calls `f(code, label)` for the rows of `list`, in list order, whose label has a bracket
    /// or " : " (the only ones the acronym miner looks at).
    pub(crate) fn for_each_bracketed_label(
        &self,
        list: &str,
        mut f: impl FnMut(&str, &str),
    ) -> Result<()> {
        let mut st = self
            .conn
            .prepare_cached(
                "SELECT code, label FROM codes WHERE nomenclature=?1
                 AND (instr(label,'(')>0 OR instr(label,'[')>0 OR instr(label,' : ')>0)
                 ORDER BY position",
            )
            .map_err(sql(&self.path))?;
        let mut rows = st.query([list]).map_err(sql(&self.path))?;
        while let Some(r) = rows.next().map_err(sql(&self.path))? {
            let code: String = r.get(0).map_err(sql(&self.path))?;
            let label: String = r.get(1).map_err(sql(&self.path))?;
            f(&code, &label);
        }
        Ok(())
    }

    /// Commits an incremental rebuild, refreshes the planner's statistics of the tables
    /// rewritten, and returns the counts.
    pub(crate) fn finish_update(self, sample_rows: u64) -> Result<Stats> {
        self.commit_and_close(
            "COMMIT; ANALYZE bases; ANALYZE tables; ANALYZE variables; ANALYZE foreign_keys;
             ANALYZE docs; ANALYZE nomenclatures;",
            sample_rows,
        )
    }
}

impl CatalogueDb {
    /// Rows of each code list, as recorded (for the incremental rebuild's plan).
    pub(crate) fn list_rows(&self) -> Result<std::collections::HashMap<String, u64>> {
        name_counts(
            &self.conn,
            &self.path,
            "SELECT name, rows FROM nomenclatures",
        )
    }
}

/// The rows of a `SELECT name, count` as a map.
fn name_counts(
    conn: &Connection,
    path: &Path,
    query: &str,
) -> Result<std::collections::HashMap<String, u64>> {
    let mut st = conn.prepare(query).map_err(sql(path))?;
    let rows = st
        .query_map([], |r| {
            Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)? as u64))
        })
        .and_then(|it| it.collect::<rusqlite::Result<_>>())
        .map_err(sql(path))?;
    Ok(rows)
}
