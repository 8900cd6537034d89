//! Running one statement through the guards: the rows (capped), or an error with its position.

use super::guard::{GuardStop, Guarded, MAX_SQL_BYTES};
use super::mask::{self, Masking};
use rusqlite::types::ValueRef;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::time::{Duration, Instant};
use ts_rs::TS;

/// Default time limit of a query.
pub const DEFAULT_TIMEOUT_MS: u64 = 5_000;
/// Largest time limit one may ask for.
pub const MAX_TIMEOUT_MS: u64 = 60_000;
/// Default number of rows shown.
pub const DEFAULT_MAX_ROWS: usize = 1_000;
/// Largest number of rows shown.
pub const MAX_ROWS: usize = 10_000;
/// Largest number of rows of an "export all".
pub const MAX_EXPORT_ROWS: usize = 1_000_000;
/// Largest size of an "export all" (bytes).
pub const MAX_EXPORT_BYTES: usize = 64 * 1024 * 1024;

/// How to run a query.
#[derive(Debug, Clone)]
pub struct RunOptions {
    /// Time limit.
    pub timeout: Duration,
    /// Rows kept (more: `truncated`).
    pub max_rows: usize,
    /// Apply the SNDS export rule.
    pub mask: bool,
}

impl Default for RunOptions {
    fn default() -> Self {
        RunOptions {
            timeout: Duration::from_millis(DEFAULT_TIMEOUT_MS),
            max_rows: DEFAULT_MAX_ROWS,
            mask: true,
        }
    }
}

/// The rows of a query.
#[derive(Debug, Clone, Serialize, Deserialize, TS)]
pub struct QueryOutput {
    /// Column names.
    pub columns: Vec<String>,
    /// Rows shown (values as JSON: numbers, strings, null; blobs as `(blob N bytes)`).
    pub rows: Vec<Vec<Value>>,
    /// More rows exist than shown (the row cap): "export all" gives them.
    pub truncated: bool,
    /// Time taken, milliseconds.
    pub elapsed_ms: u64,
    /// What the SNDS export rule masked (`null`: the rule was off).
    #[ts(optional = nullable)]
    pub masking: Option<Masking>,
}

/// Why a query did not run, and where.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct SqlError {
    /// `syntax` (SQLite could not read it; position given), `refused` (a guard: writes,
    /// ATTACH, pragmas, extensions), `timeout`, `cancelled`, `input` (empty, several statements,
    /// too long) or `sql` (any other SQLite error).
    pub kind: String,
    /// What went wrong, for people.
    pub message: String,
    /// Where, as a character offset into the query (0-based), when SQLite knows it.
    #[ts(optional = nullable)]
    pub offset: Option<u64>,
    /// Line of the offset, 1-based.
    #[ts(optional = nullable)]
    pub line: Option<u64>,
    /// Column of the offset, 1-based, in characters.
    #[ts(optional = nullable)]
    pub column: Option<u64>,
}

impl SqlError {
    fn new(kind: &str, message: impl Into<String>) -> SqlError {
        SqlError {
            kind: kind.into(),
            message: message.into(),
            offset: None,
            line: None,
            column: None,
        }
    }

    fn at(mut self, sql: &str, byte: usize) -> SqlError {
        let byte = byte.min(sql.len());
        let byte = (0..=byte)
            .rev()
            .find(|b| sql.is_char_boundary(*b))
            .unwrap_or(0);
        let before = &sql[..byte];
        self.offset = Some(before.chars().count() as u64);
        self.line = Some(before.matches('\n').count() as u64 + 1);
        let line_start = before.rfind('\n').map(|i| i + 1).unwrap_or(0);
        self.column = Some(before[line_start..].chars().count() as u64 + 1);
        self
    }
}

impl std::fmt::Display for SqlError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match (self.line, self.column) {
            (Some(l), Some(c)) => write!(f, "{} (line {l}, column {c})", self.message),
            _ => write!(f, "{}", self.message),
        }
    }
}

/// A value as JSON.
pub fn json_value(v: ValueRef<'_>) -> Value {
    match v {
        ValueRef::Null => Value::Null,
        ValueRef::Integer(x) => x.into(),
        ValueRef::Real(x) => serde_json::Number::from_f64(x)
            .map(Value::Number)
            .unwrap_or_else(|| Value::String(x.to_string())),
        ValueRef::Text(s) => String::from_utf8_lossy(s).into_owned().into(),
        ValueRef::Blob(b) => format!("(blob {} bytes)", b.len()).into(),
    }
}

fn map_err(g: &Guarded, sql: &str, limit: Duration, e: rusqlite::Error) -> SqlError {
    if let Some(stop) = g.explain(limit) {
        let kind = stop.kind();
        let mut err = SqlError::new(kind, stop.message());
        if let (GuardStop::Refused(_), rusqlite::Error::SqlInputError { offset, sql: s, .. }) =
            (&stop, &e)
        {
            if *offset >= 0 {
                err = err.at(sql, sql.len() - s.len() + *offset as usize);
            }
        }
        return err;
    }
    match e {
        rusqlite::Error::MultipleStatement => SqlError::new(
            "input",
            "one statement at a time: remove what follows the first `;`",
        ),
        rusqlite::Error::SqlInputError {
            msg,
            sql: s,
            offset,
            ..
        } => {
            let err = SqlError::new("syntax", msg);
            if offset >= 0 {
                // The statement after the first one is prepared on its own: its offsets count
                // from where it starts.
                err.at(sql, sql.len().saturating_sub(s.len()) + offset as usize)
            } else {
                err
            }
        }
        rusqlite::Error::SqliteFailure(f, msg) => {
            let m = msg.unwrap_or_else(|| f.to_string());
            if f.code == rusqlite::ErrorCode::ReadOnly {
                SqlError::new("refused", format!("{m}: the console only reads"))
            } else if f.code == rusqlite::ErrorCode::TooBig {
                SqlError::new(
                    "refused",
                    format!(
                        "{m}: a value is larger than {} bytes",
                        super::guard::MAX_VALUE_BYTES
                    ),
                )
            } else {
                SqlError::new("sql", m)
            }
        }
        other => SqlError::new("sql", other.to_string()),
    }
}

/// Checks the text before SQLite sees it.
fn check_input(sql: &str) -> Result<(), SqlError> {
    if sql.trim().is_empty() {
        return Err(SqlError::new("input", "the query is empty"));
    }
    if sql.len() > MAX_SQL_BYTES {
        return Err(SqlError::new(
            "input",
            format!(
                "the query is {} bytes long; the console takes at most {MAX_SQL_BYTES}",
                sql.len()
            ),
        ));
    }
    if sql.contains('\0') {
        return Err(SqlError::new("input", "the query contains a NUL character"));
    }
    Ok(())
}

/// Runs `sql` on `g`, calling `row` for each row until it answers false. Answers the column
/// names and whether rows were left unread.
pub fn for_each_row(
    g: &Guarded,
    sql: &str,
    timeout: Duration,
    mut row: impl FnMut(Vec<Value>) -> bool,
) -> Result<(Vec<String>, bool), SqlError> {
    check_input(sql)?;
    g.arm(timeout);
    let out = (|| {
        let mut st = g
            .conn()
            .prepare(sql)
            .map_err(|e| map_err(g, sql, timeout, e))?;
        if st.column_count() == 0 {
            return Err(SqlError::new(
                "input",
                "nothing to show: the console runs queries that answer rows (SELECT, WITH, VALUES, \
                 EXPLAIN, schema pragmas)",
            ));
        }
        if !st.readonly() {
            return Err(SqlError::new(
                "refused",
                "this statement would write: the console only reads",
            ));
        }
        let columns: Vec<String> = st.column_names().map(|s| s.to_string()).collect();
        let n = columns.len();
        let mut rows = st.query([]).map_err(|e| map_err(g, sql, timeout, e))?;
        let mut more = false;
        loop {
            match rows.next() {
                Ok(Some(r)) => {
                    let vals = (0..n)
                        .map(|i| r.get_ref(i).map(json_value))
                        .collect::<rusqlite::Result<Vec<_>>>()
                        .map_err(|e| map_err(g, sql, timeout, e))?;
                    if !row(vals) {
                        more = true;
                        break;
                    }
                }
                Ok(None) => break,
                Err(e) => return Err(map_err(g, sql, timeout, e)),
            }
        }
        Ok((columns, more))
    })();
    g.disarm();
    out
}

/// Runs `sql`: at most `max_rows` rows (`truncated` says when there were more), masked by the
/// SNDS export rule when asked.
pub fn run(g: &Guarded, sql: &str, o: &RunOptions) -> Result<QueryOutput, SqlError> {
    let t = Instant::now();
    let cap = o.max_rows.min(MAX_ROWS);
    let mut rows = Vec::new();
    let (columns, truncated) = for_each_row(g, sql, o.timeout, |r| {
        if rows.len() >= cap {
            return false;
        }
        rows.push(r);
        true
    })?;
    // A last row may sit exactly at the cap: `for_each_row` stops only when one more exists.
    let masking = o.mask.then(|| mask::apply(sql, &columns, &mut rows));
    Ok(QueryOutput {
        columns,
        rows,
        truncated,
        elapsed_ms: t.elapsed().as_millis() as u64,
        masking,
    })
}

/// Writes every row of `sql` as CSV (comma, UTF-8, header), up to [`MAX_EXPORT_ROWS`] rows and
/// [`MAX_EXPORT_BYTES`] bytes; masked like the console when `mask`. Answers the bytes and
/// whether the export was cut at a bound.
pub fn export_csv(
    g: &Guarded,
    sql: &str,
    timeout: Duration,
    mask: bool,
) -> Result<(Vec<u8>, bool), SqlError> {
    let mut rows = Vec::new();
    let mut bytes = 0usize;
    let (columns, cut) = for_each_row(g, sql, timeout, |r| {
        if rows.len() >= MAX_EXPORT_ROWS || bytes >= MAX_EXPORT_BYTES {
            return false;
        }
        bytes += r.iter().map(|v| cell(v).len() + 1).sum::<usize>();
        rows.push(r);
        true
    })?;
    if mask {
        mask::apply(sql, &columns, &mut rows);
    }
    let mut w = csv::Writer::from_writer(Vec::new());
    let io = |e: csv::Error| SqlError::new("sql", e.to_string());
    w.write_record(&columns).map_err(io)?;
    for r in &rows {
        w.write_record(r.iter().map(cell)).map_err(io)?;
    }
    let out = w
        .into_inner()
        .map_err(|e| SqlError::new("sql", e.to_string()))?;
    Ok((out, cut))
}

/// A value as CSV text.
pub fn cell(v: &Value) -> String {
    match v {
        Value::Null => String::new(),
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}
