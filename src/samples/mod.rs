//! Working on the synthetic samples of the active snapshot (`samples.sqlite`): browse a table's
//! rows (paging, sort, filters per column, code labels beside codes, CSV export of the filtered
//! rows: [`rows`]), profile its columns (nulls, distinct values, min / max, top values, bins:
//! [`profile`], cached per snapshot) and chart them as SVG with plotters ([`chart`]).
//!
//! Column names reach SQL only after they are found among the table's real columns (and are then
//! quoted); values only as bound parameters.

pub mod chart;
pub mod profile;
pub mod rows;

pub use chart::{chart_svg, ChartOptions};
pub use profile::{
    profile_table, Bar, ChartKind, ChartSpec, ColumnProfile, ProfileCache, TableProfile, TopValue,
};
pub use rows::{
    export_csv, page, Filter, FilterOp, RowsPage, RowsQuery, MAX_EXPORT_BYTES, MAX_EXPORT_ROWS,
    MAX_FILTERS, MAX_FILTER_BYTES, MAX_PAGE_ROWS,
};

use crate::model::Table;
use crate::store::samples_db::quote_ident;
use crate::{Error, Result};
use rusqlite::Connection;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::path::Path;
use ts_rs::TS;

/// A column of a sample table, as the data pages show it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct ColumnInfo {
    /// Its name (`BEN_SEX_COD`).
    pub name: String,
    /// Its Table Schema type (`integer`, `date`, `string`…); `string` when the schema does not
    /// describe it.
    pub r#type: String,
    /// Its SQL storage type in `samples.sqlite` (`INTEGER`, `REAL`, `TEXT`).
    pub sql_type: String,
    /// The code list its values come from, when the schema names one.
    pub nomenclature: Option<String>,
    /// What it holds (the schema's description).
    pub description: String,
}

/// A sample table as stored: its real columns, in order, with what the catalogue says of them.
#[derive(Debug, Clone)]
pub struct SampleTable {
    /// The table's name.
    pub name: String,
    /// Its columns.
    pub columns: Vec<ColumnInfo>,
    /// Rows stored.
    pub rows: u64,
    /// Where the rows came from.
    pub source: String,
}

impl SampleTable {
    /// Reads the columns of sample table `name` (refused when the snapshot has no samples for
    /// it), typed from the catalogue's `schema` when there is one.
    pub fn open(
        conn: &Connection,
        path: &Path,
        name: &str,
        schema: Option<&Table>,
    ) -> Result<Self> {
        let sql = |e| Error::sqlite(path, e);
        let meta: Option<(String, i64)> = conn
            .query_row(
                "SELECT source, rows FROM _hublot_samples WHERE name=?1",
                [name],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .ok();
        let Some((source, rows)) = meta else {
            return Err(Error::NotFound(format!(
                "no sample rows for table `{}` in the active snapshot",
                name.escape_debug()
            )));
        };
        let mut st = conn
            .prepare("SELECT name, type FROM pragma_table_info(?1) ORDER BY cid")
            .map_err(sql)?;
        let cols = st
            .query_map([name], |r| {
                Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?))
            })
            .map_err(sql)?
            .collect::<rusqlite::Result<Vec<_>>>()
            .map_err(sql)?;
        let columns = cols
            .into_iter()
            .map(|(c, sql_type)| {
                let v = schema.and_then(|t| t.variables.iter().find(|v| v.name == c));
                ColumnInfo {
                    r#type: v
                        .map(|v| v.r#type.clone())
                        .unwrap_or_else(|| "string".into()),
                    nomenclature: v.and_then(|v| v.nomenclature.as_ref().map(|n| n.name.clone())),
                    description: v.map(|v| v.description.clone()).unwrap_or_default(),
                    sql_type,
                    name: c,
                }
            })
            .collect();
        Ok(SampleTable {
            name: name.to_string(),
            columns,
            rows: rows.max(0) as u64,
            source,
        })
    }

    /// The column called `name`, or a clear error naming the table's columns.
    pub fn column(&self, name: &str) -> Result<(usize, &ColumnInfo)> {
        self.columns
            .iter()
            .enumerate()
            .find(|(_, c)| c.name == name)
            .ok_or_else(|| {
                let mut shown: String = name.chars().take(80).collect();
                if shown.len() < name.len() {
                    shown.push('…');
                }
                Error::Invalid(format!(
                    "table `{}` has no column `{}` (columns: {})",
                    self.name,
                    shown.escape_debug(),
                    self.columns
                        .iter()
                        .map(|c| c.name.as_str())
                        .collect::<Vec<_>>()
                        .join(", ")
                ))
            })
    }

    /// `"TABLE"`, quoted for SQL.
    pub fn quoted(&self) -> String {
        quote_ident(&self.name)
    }
}

/// Looks up code labels: `(code list, codes)` → label of each code found. Implemented over the
/// snapshot's `catalogue.sqlite` ([`crate::store::CatalogueDb::labels`]).
pub trait Labels {
    /// The labels of `codes` in code list `nomenclature` (codes not in the list are absent).
    fn labels(&self, nomenclature: &str, codes: &[String]) -> Result<BTreeMap<String, String>>;
}

impl Labels for crate::store::CatalogueDb {
    fn labels(&self, nomenclature: &str, codes: &[String]) -> Result<BTreeMap<String, String>> {
        crate::store::CatalogueDb::labels(self, nomenclature, codes)
    }
}

/// No labels (a table without code lists, tests).
pub struct NoLabels;

impl Labels for NoLabels {
    fn labels(&self, _: &str, _: &[String]) -> Result<BTreeMap<String, String>> {
        Ok(BTreeMap::new())
    }
}

/// A SQL value as JSON (numbers, strings, null).
pub(crate) fn to_json(v: rusqlite::types::ValueRef<'_>) -> serde_json::Value {
    use rusqlite::types::ValueRef;
    match v {
        ValueRef::Null => serde_json::Value::Null,
        ValueRef::Integer(x) => x.into(),
        ValueRef::Real(x) => serde_json::Number::from_f64(x)
            .map(serde_json::Value::Number)
            .unwrap_or(serde_json::Value::Null),
        ValueRef::Text(s) => String::from_utf8_lossy(s).into_owned().into(),
        ValueRef::Blob(_) => "(blob)".into(),
    }
}

/// The text a code list would hold for a value (`1` for the integer 1).
pub(crate) fn code_text(v: &serde_json::Value) -> Option<String> {
    match v {
        serde_json::Value::String(s) => Some(s.clone()),
        serde_json::Value::Number(n) => Some(n.to_string()),
        serde_json::Value::Bool(b) => Some(if *b { "1" } else { "0" }.into()),
        _ => None,
    }
}
