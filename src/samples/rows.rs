//! Rows of a sample table: a page sorted by any column and filtered per column, with the labels
//! of the codes it shows; and the CSV export of every filtered row.
//!
//! A filter is one line of text, `COLUMN` then an operator then a value, so that it fits a query
//! string (`?filter=BEN_SEX_COD%3D2`) and a command line (`--filter BEN_SEX_COD=2`) alike:
//!
//! | text | meaning |
//! |---|---|
//! | `C=v` | equals |
//! | `C!=v` | differs (nulls excluded) |
//! | `C~v` | contains (case-insensitive for ASCII) |
//! | `C>=v`, `C<=v`, `C>v`, `C<v` | range (two filters make an interval) |
//! | `C=a..b` | between `a` and `b`, inclusive |
//! | `C:null`, `C:notnull` | is (not) empty |

use super::{code_text, to_json, ColumnInfo, Labels, SampleTable};
use crate::{Error, Result};
use rusqlite::types::Value as SqlValue;
use rusqlite::{params_from_iter, Connection};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;
use ts_rs::TS;

/// The most filters one request may hold.
pub const MAX_FILTERS: usize = 16;
/// The longest filter text, in bytes.
pub const MAX_FILTER_BYTES: usize = 256;
/// The most rows one page may hold.
pub const MAX_PAGE_ROWS: u64 = 500;
/// The most rows one CSV export may hold.
pub const MAX_EXPORT_ROWS: u64 = 2_000_000;
/// The largest CSV export, in bytes.
pub const MAX_EXPORT_BYTES: u64 = 512 << 20;

/// How a filter compares.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "kebab-case")]
pub enum FilterOp {
    /// `=`.
    Eq,
    /// `!=`.
    Ne,
    /// `~`: contains.
    Contains,
    /// `>=`.
    Ge,
    /// `<=`.
    Le,
    /// `>`.
    Gt,
    /// `<`.
    Lt,
    /// `=a..b`: between, inclusive.
    Between,
    /// `:null`.
    Null,
    /// `:notnull`.
    NotNull,
}

/// One filter, parsed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct Filter {
    /// The column.
    pub column: String,
    /// The comparison.
    pub op: FilterOp,
    /// The value (the lower bound for `between`); empty for `null` / `notnull`.
    pub value: String,
    /// The upper bound of `between`.
    pub high: Option<String>,
}

impl Filter {
    /// Parses `COLUMN<op>VALUE` (see the module's table).
    pub fn parse(text: &str) -> Result<Filter> {
        if text.len() > MAX_FILTER_BYTES {
            return Err(Error::TooLarge(format!(
                "a filter is {} bytes; at most {MAX_FILTER_BYTES} are accepted",
                text.len()
            )));
        }
        let bad = |why: &str| {
            Error::Invalid(format!(
                "filter `{}`: {why} (expected COLUMN=VALUE, COLUMN~TEXT, COLUMN>=VALUE, \
                 COLUMN<=VALUE, COLUMN=LOW..HIGH, COLUMN:null or COLUMN:notnull)",
                text.escape_debug()
            ))
        };
        let at = text
            .find(['=', '!', '~', '<', '>', ':'])
            .ok_or_else(|| bad("no operator"))?;
        let column = text[..at].trim().to_string();
        if column.is_empty() {
            return Err(bad("no column"));
        }
        let rest = &text[at..];
        let ops: [(&str, FilterOp); 9] = [
            ("!=", FilterOp::Ne),
            (">=", FilterOp::Ge),
            ("<=", FilterOp::Le),
            ("=", FilterOp::Eq),
            ("~", FilterOp::Contains),
            (">", FilterOp::Gt),
            ("<", FilterOp::Lt),
            (":", FilterOp::Null),
            ("", FilterOp::Eq),
        ];
        let (sym, op) = ops
            .iter()
            .find(|(s, _)| !s.is_empty() && rest.starts_with(s))
            .ok_or_else(|| bad("unknown operator"))?;
        let value = &rest[sym.len()..];
        match op {
            FilterOp::Null => match value.trim().to_ascii_lowercase().as_str() {
                "null" => Ok(Filter {
                    column,
                    op: FilterOp::Null,
                    value: String::new(),
                    high: None,
                }),
                "notnull" | "not null" => Ok(Filter {
                    column,
                    op: FilterOp::NotNull,
                    value: String::new(),
                    high: None,
                }),
                _ => Err(bad("after `:` write `null` or `notnull`")),
            },
            FilterOp::Eq => match value.split_once("..") {
                Some((a, b)) if !a.is_empty() && !b.is_empty() => Ok(Filter {
                    column,
                    op: FilterOp::Between,
                    value: a.to_string(),
                    high: Some(b.to_string()),
                }),
                _ => Ok(Filter {
                    column,
                    op: FilterOp::Eq,
                    value: value.to_string(),
                    high: None,
                }),
            },
            op => Ok(Filter {
                column,
                op: *op,
                value: value.to_string(),
                high: None,
            }),
        }
    }

    /// The filter as text, as [`Filter::parse`] reads it.
    pub fn text(&self) -> String {
        let c = &self.column;
        let v = &self.value;
        match self.op {
            FilterOp::Eq => format!("{c}={v}"),
            FilterOp::Ne => format!("{c}!={v}"),
            FilterOp::Contains => format!("{c}~{v}"),
            FilterOp::Ge => format!("{c}>={v}"),
            FilterOp::Le => format!("{c}<={v}"),
            FilterOp::Gt => format!("{c}>{v}"),
            FilterOp::Lt => format!("{c}<{v}"),
            FilterOp::Between => format!("{c}={v}..{}", self.high.as_deref().unwrap_or("")),
            FilterOp::Null => format!("{c}:null"),
            FilterOp::NotNull => format!("{c}:notnull"),
        }
    }
}

/// What to read of a sample table.
#[derive(Debug, Clone, Default)]
pub struct RowsQuery {
    /// Sort by this column (else storage order).
    pub sort: Option<String>,
    /// Descending.
    pub desc: bool,
    /// Filters, all of which a row must pass.
    pub filters: Vec<String>,
    /// First row (0-based).
    pub offset: u64,
    /// Rows to read.
    pub limit: u64,
}

/// A page of rows.
#[derive(Debug, Clone, Serialize, Deserialize, TS)]
pub struct RowsPage {
    /// The table.
    pub table: String,
    /// Its columns.
    pub columns: Vec<ColumnInfo>,
    /// The rows of the page (values as JSON: numbers, strings, null).
    pub rows: Vec<Vec<serde_json::Value>>,
    /// Labels of the codes shown, by column then code (only columns with a code list).
    pub labels: BTreeMap<String, BTreeMap<String, String>>,
    /// Rows passing the filters.
    pub total: u64,
    /// Rows in the table.
    pub table_rows: u64,
    /// First row of the page.
    pub offset: u64,
    /// Rows per page asked.
    pub limit: u64,
    /// The sort column.
    pub sort: Option<String>,
    /// Descending.
    pub desc: bool,
    /// The filters, parsed.
    pub filters: Vec<Filter>,
    /// Where the rows came from.
    pub source: String,
}

/// Value bound for a comparison with column `c`: a number for numeric columns when it parses as
/// one (SQLite would convert it too; binding it typed keeps the plan simple), else the text.
fn bind(c: &ColumnInfo, v: &str) -> SqlValue {
    let v = v.trim();
    match c.sql_type.as_str() {
        "INTEGER" => v
            .parse::<i64>()
            .map(SqlValue::Integer)
            .or_else(|_| v.replace(',', ".").parse::<f64>().map(SqlValue::Real))
            .unwrap_or_else(|_| SqlValue::Text(v.into())),
        "REAL" => v
            .replace(',', ".")
            .parse::<f64>()
            .map(SqlValue::Real)
            .unwrap_or_else(|_| SqlValue::Text(v.into())),
        _ => SqlValue::Text(v.into()),
    }
}

fn like_escape(s: &str) -> String {
    s.replace('\\', "\\\\")
        .replace('%', "\\%")
        .replace('_', "\\_")
}

/// The `WHERE` clause (with its parameters) and the `ORDER BY` clause of a query; every column
/// checked against the table's real columns.
fn clauses(t: &SampleTable, q: &RowsQuery) -> Result<(String, Vec<SqlValue>, String, Vec<Filter>)> {
    if q.filters.len() > MAX_FILTERS {
        return Err(Error::TooLarge(format!(
            "{} filters; at most {MAX_FILTERS} are accepted",
            q.filters.len()
        )));
    }
    let mut conds = Vec::new();
    let mut params = Vec::new();
    let mut parsed = Vec::new();
    for text in &q.filters {
        let f = Filter::parse(text)?;
        let (_, c) = t.column(&f.column)?;
        let col = crate::store::samples_db::quote_ident(&c.name);
        match f.op {
            FilterOp::Null => conds.push(format!("{col} IS NULL")),
            FilterOp::NotNull => conds.push(format!("{col} IS NOT NULL")),
            FilterOp::Contains => {
                conds.push(format!("CAST({col} AS TEXT) LIKE ? ESCAPE '\\'"));
                params.push(SqlValue::Text(format!("%{}%", like_escape(&f.value))));
            }
            FilterOp::Between => {
                conds.push(format!("{col} BETWEEN ? AND ?"));
                params.push(bind(c, &f.value));
                params.push(bind(c, f.high.as_deref().unwrap_or_default()));
            }
            op => {
                let sym = match op {
                    FilterOp::Eq => "=",
                    FilterOp::Ne => "<>",
                    FilterOp::Ge => ">=",
                    FilterOp::Le => "<=",
                    FilterOp::Gt => ">",
                    _ => "<",
                };
                conds.push(format!("{col} {sym} ?"));
                params.push(bind(c, &f.value));
            }
        }
        parsed.push(f);
    }
    let where_ = if conds.is_empty() {
        String::new()
    } else {
        format!(" WHERE {}", conds.join(" AND "))
    };
    let order = match q.sort.as_deref().filter(|s| !s.is_empty()) {
        Some(s) => {
            let (_, c) = t.column(s)?;
            let dir = if q.desc { "DESC" } else { "ASC" };
            // Nulls last either way; the rowid makes pages of equal values stable.
            format!(
                " ORDER BY {col} IS NULL, {col} {dir}, rowid",
                col = crate::store::samples_db::quote_ident(&c.name)
            )
        }
        None => " ORDER BY rowid".into(),
    };
    Ok((where_, params, order, parsed))
}

/// A page of the rows of `t` that pass the filters, sorted, with the labels of the codes shown.
pub fn page(
    conn: &Connection,
    path: &Path,
    t: &SampleTable,
    q: &RowsQuery,
    labels: &dyn Labels,
) -> Result<RowsPage> {
    let sql = |e| Error::sqlite(path, e);
    let limit = q.limit.clamp(1, MAX_PAGE_ROWS);
    let (where_, params, order, filters) = clauses(t, q)?;
    let total: i64 = if where_.is_empty() {
        conn.query_row(&format!("SELECT count(*) FROM {}", t.quoted()), [], |r| {
            r.get(0)
        })
        .map_err(sql)?
    } else {
        conn.query_row(
            &format!("SELECT count(*) FROM {}{where_}", t.quoted()),
            params_from_iter(params.iter()),
            |r| r.get(0),
        )
        .map_err(sql)?
    };
    let mut all = params.clone();
    all.push(SqlValue::Integer(limit as i64));
    all.push(SqlValue::Integer(q.offset.min(i64::MAX as u64) as i64));
    let mut st = conn
        .prepare(&format!(
            "SELECT * FROM {}{where_}{order} LIMIT ? OFFSET ?",
            t.quoted()
        ))
        .map_err(sql)?;
    let n = st.column_count();
    let rows = st
        .query_map(params_from_iter(all.iter()), |r| {
            (0..n)
                .map(|i| r.get_ref(i).map(to_json))
                .collect::<rusqlite::Result<Vec<_>>>()
        })
        .map_err(sql)?
        .collect::<rusqlite::Result<Vec<_>>>()
        .map_err(sql)?;
    let mut out_labels = BTreeMap::new();
    for (i, c) in t.columns.iter().enumerate() {
        let Some(list) = &c.nomenclature else {
            continue;
        };
        let codes: BTreeSet<String> = rows.iter().filter_map(|r| code_text(&r[i])).collect();
        if codes.is_empty() {
            continue;
        }
        let codes: Vec<String> = codes.into_iter().collect();
        let found = labels.labels(list, &codes)?;
        if !found.is_empty() {
            out_labels.insert(c.name.clone(), found);
        }
    }
    Ok(RowsPage {
        table: t.name.clone(),
        columns: t.columns.clone(),
        rows,
        labels: out_labels,
        total: total.max(0) as u64,
        table_rows: t.rows,
        offset: q.offset,
        limit,
        sort: q.sort.clone().filter(|s| !s.is_empty()),
        desc: q.desc,
        filters,
        source: t.source.clone(),
    })
}

/// Every row of `t` passing the filters, sorted, as CSV (comma-separated, UTF-8, header = the
/// column names; a value as SQLite gives it). Refused when more than [`MAX_EXPORT_ROWS`] rows or
/// [`MAX_EXPORT_BYTES`] bytes would be written: filter first.
pub fn export_csv(
    conn: &Connection,
    path: &Path,
    t: &SampleTable,
    q: &RowsQuery,
) -> Result<Vec<u8>> {
    let sql = |e| Error::sqlite(path, e);
    let (where_, params, order, _) = clauses(t, q)?;
    let total: i64 = conn
        .query_row(
            &format!("SELECT count(*) FROM {}{where_}", t.quoted()),
            params_from_iter(params.iter()),
            |r| r.get(0),
        )
        .map_err(sql)?;
    if total as u64 > MAX_EXPORT_ROWS {
        return Err(Error::TooLarge(format!(
            "{total} rows of `{}` pass the filters; an export holds at most {MAX_EXPORT_ROWS}: add a filter",
            t.name
        )));
    }
    let mut w = csv::WriterBuilder::new().from_writer(Vec::new());
    let csv_err = |e: csv::Error| Error::Invalid(format!("CSV export of `{}`: {e}", t.name));
    w.write_record(t.columns.iter().map(|c| c.name.as_str()))
        .map_err(csv_err)?;
    let mut st = conn
        .prepare(&format!("SELECT * FROM {}{where_}{order}", t.quoted()))
        .map_err(sql)?;
    let n = st.column_count();
    let mut rows = st.query(params_from_iter(params.iter())).map_err(sql)?;
    let mut field = String::new();
    let mut rec: Vec<String> = vec![String::new(); n];
    while let Some(r) = rows.next().map_err(sql)? {
        for (i, slot) in rec.iter_mut().enumerate() {
            use rusqlite::types::ValueRef;
            field.clear();
            match r.get_ref(i).map_err(sql)? {
                ValueRef::Null => {}
                ValueRef::Integer(x) => field.push_str(&x.to_string()),
                ValueRef::Real(x) => field.push_str(&x.to_string()),
                ValueRef::Text(s) => field.push_str(&String::from_utf8_lossy(s)),
                ValueRef::Blob(_) => field.push_str("(blob)"),
            }
            slot.clone_from(&field);
        }
        w.write_record(&rec).map_err(csv_err)?;
        if w.get_ref().len() as u64 > MAX_EXPORT_BYTES {
            return Err(Error::TooLarge(format!(
                "the CSV export of `{}` passes {} MiB: add a filter",
                t.name,
                MAX_EXPORT_BYTES >> 20
            )));
        }
    }
    w.into_inner()
        .map_err(|e| Error::Invalid(format!("CSV export of `{}`: {e}", t.name)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn filters_parse_every_operator() {
        let f = |s: &str| Filter::parse(s).unwrap();
        assert_eq!(f("A=1").op, FilterOp::Eq);
        assert_eq!(f("A!=1").op, FilterOp::Ne);
        assert_eq!(f("A~x").op, FilterOp::Contains);
        assert_eq!(f("A>=1").op, FilterOp::Ge);
        assert_eq!(f("A<=1").op, FilterOp::Le);
        assert_eq!(f("A>1").op, FilterOp::Gt);
        assert_eq!(f("A<1").op, FilterOp::Lt);
        assert_eq!(f("A:null").op, FilterOp::Null);
        assert_eq!(f("A:notnull").op, FilterOp::NotNull);
        let b = f("D=2019-01-01..2019-06-30");
        assert_eq!((b.op, b.value.as_str()), (FilterOp::Between, "2019-01-01"));
        assert_eq!(b.high.as_deref(), Some("2019-06-30"));
        // A value may hold operator characters: only the first one splits.
        let e = f("A=x=y");
        assert_eq!((e.column.as_str(), e.value.as_str()), ("A", "x=y"));
        for s in ["A=1", "A~b", "A=1..2", "A:null", "A>=3"] {
            assert_eq!(f(s).text(), s);
        }
        assert!(Filter::parse("nooperator").is_err());
        assert!(Filter::parse("=3").is_err());
        assert!(Filter::parse("A:maybe").is_err());
        assert!(Filter::parse(&format!("A={}", "x".repeat(300))).is_err());
    }
}
