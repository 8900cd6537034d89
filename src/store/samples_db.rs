//! `samples.sqlite`: synthetic sample rows, one SQL table per catalogue table, typed from its
//! schema, so that students can run SQL on them.

use crate::ingest::nomenclature_csv::for_each_csv_row;
use crate::model::Table;
use crate::{Error, Result};
use rusqlite::types::Value as SqlValue;
use rusqlite::{params_from_iter, Connection};
use serde::{Deserialize, Serialize};
use std::path::Path;
use ts_rs::TS;

/// Rows of a sample table, for a preview.
#[derive(Debug, Clone, Serialize, Deserialize, TS)]
pub struct SamplePreview {
    /// Column names.
    pub columns: Vec<String>,
    /// Rows (values as JSON: numbers, strings, null).
    pub rows: Vec<Vec<serde_json::Value>>,
    /// Rows in the sample table.
    pub total: u64,
    /// Where the rows came from.
    pub source: Option<String>,
}

fn sql(path: &Path) -> impl Fn(rusqlite::Error) -> Error + '_ {
    move |e| Error::sqlite(path, e)
}

/// Quotes an SQL identifier.
pub fn quote_ident(s: &str) -> String {
    format!("\"{}\"", s.replace('"', "\"\""))
}

fn sql_type(ty: &str) -> &'static str {
    match ty {
        "integer" | "year" | "boolean" => "INTEGER",
        "number" => "REAL",
        _ => "TEXT",
    }
}

/// Converts a CSV value by the schema type; a value that does not parse is kept as text
/// (SQLite keeps it), because synthetic data is sometimes off-type and losing it would hide that.
fn typed(v: &str, ty: &str) -> SqlValue {
    if v.is_empty() {
        return SqlValue::Null;
    }
    match ty {
        "integer" | "year" => v
            .parse::<i64>()
            .map(SqlValue::Integer)
            .unwrap_or_else(|_| SqlValue::Text(v.into())),
        "number" => v
            .replace(',', ".")
            .parse::<f64>()
            .map(SqlValue::Real)
            .unwrap_or_else(|_| SqlValue::Text(v.into())),
        "boolean" => match v {
            "1" | "true" | "True" | "TRUE" | "O" | "oui" => SqlValue::Integer(1),
            "0" | "false" | "False" | "FALSE" | "N" | "non" => SqlValue::Integer(0),
            _ => SqlValue::Text(v.into()),
        },
        _ => SqlValue::Text(v.into()),
    }
}

/// Writes a new samples database.
pub struct SamplesWriter {
    conn: Connection,
    path: std::path::PathBuf,
}

impl SamplesWriter {
    /// Creates `path`.
    pub fn create(path: &Path) -> Result<Self> {
        let conn = Connection::open(path).map_err(sql(path))?;
        conn.execute_batch(
            "PRAGMA journal_mode=OFF; PRAGMA synchronous=OFF; BEGIN;
             CREATE TABLE _hublot_samples(name TEXT PRIMARY KEY, source TEXT NOT NULL, rows INTEGER NOT NULL);",
        )
        .map_err(sql(path))?;
        Ok(SamplesWriter {
            conn,
            path: path.to_path_buf(),
        })
    }

    /// Loads the CSV at `csv` as the sample rows of `table`; returns the row count.
    pub fn load(&self, table: &Table, csv: &Path, source: &str) -> Result<u64> {
        let p = &self.path;
        let mut n = 0u64;
        let mut insert: Option<(String, Vec<&'static str>)> = None;
        for_each_csv_row(csv, |header, _, rec| {
            if insert.is_none() {
                let types: Vec<&str> = header
                    .iter()
                    .map(|h| {
                        table
                            .variables
                            .iter()
                            .find(|v| v.name == *h)
                            .map(|v| v.r#type.as_str())
                            .unwrap_or("string")
                    })
                    .map(|t| match t {
                        "integer" => "integer",
                        "year" => "year",
                        "number" => "number",
                        "boolean" => "boolean",
                        _ => "string",
                    })
                    .collect();
                let cols: Vec<String> = header
                    .iter()
                    .zip(&types)
                    .map(|(h, t)| format!("{} {}", quote_ident(h), sql_type(t)))
                    .collect();
                self.conn
                    .execute_batch(&format!(
                        "CREATE TABLE {} ({});",
                        quote_ident(&table.name),
                        cols.join(", ")
                    ))
                    .map_err(sql(p))?;
                let marks = vec!["?"; header.len()].join(",");
                insert = Some((
                    format!("INSERT INTO {} VALUES({marks})", quote_ident(&table.name)),
                    types,
                ));
            }
            let (stmt, types) = insert.as_ref().expect("set above");
            let vals = rec.iter().zip(types).map(|(v, t)| typed(v, t));
            self.conn
                .prepare_cached(stmt)
                .and_then(|mut s| s.execute(params_from_iter(vals)))
                .map_err(sql(p))?;
            n += 1;
            Ok(())
        })?;
        self.conn
            .execute(
                "INSERT INTO _hublot_samples VALUES(?1,?2,?3)",
                rusqlite::params![table.name, source, n as i64],
            )
            .map_err(sql(p))?;
        Ok(n)
    }

    /// Commits and syncs.
    pub fn finish(self) -> Result<()> {
        let p = self.path.clone();
        self.conn.execute_batch("COMMIT;").map_err(sql(&p))?;
        self.conn.close().map_err(|(_, e)| Error::sqlite(&p, e))?;
        std::fs::File::open(&p)
            .and_then(|f| f.sync_all())
            .map_err(|e| Error::io(&p, e))
    }
}

/// Reads the first `limit` rows of a sample table.
pub fn preview(
    conn: &Connection,
    path: &Path,
    table: &str,
    limit: u64,
) -> Result<Option<SamplePreview>> {
    let meta: Option<(String, i64)> = conn
        .query_row(
            "SELECT source, rows FROM _hublot_samples WHERE name=?1",
            [table],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .ok();
    let Some((source, total)) = meta else {
        return Ok(None);
    };
    let mut st = conn
        .prepare(&format!("SELECT * FROM {} LIMIT ?1", quote_ident(table)))
        .map_err(sql(path))?;
    let columns: Vec<String> = st.column_names().map(|s| s.to_string()).collect();
    let n = columns.len();
    let rows = st
        .query_map([limit as i64], |r| {
            (0..n)
                .map(|i| {
                    Ok(match r.get::<_, SqlValue>(i)? {
                        SqlValue::Null => serde_json::Value::Null,
                        SqlValue::Integer(x) => x.into(),
                        SqlValue::Real(x) => x.into(),
                        SqlValue::Text(s) => s.into(),
                        SqlValue::Blob(_) => "(blob)".into(),
                    })
                })
                .collect::<rusqlite::Result<Vec<_>>>()
        })
        .map_err(sql(path))?;
    Ok(Some(SamplePreview {
        columns,
        rows: rows.collect::<rusqlite::Result<_>>().map_err(sql(path))?,
        total: total as u64,
        source: Some(source),
    }))
}
