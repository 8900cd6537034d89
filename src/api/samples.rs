//! The synthetic samples as a place to work ([`crate::samples`]): a table's rows paged, sorted
//! and filtered with the labels of their codes, exported as CSV; its column profiles (cached per
//! snapshot) and their charts as SVG.

use super::ops::{op, Download, Operation};
use super::{Active, Hublot};
use crate::samples::{
    self, chart_svg, ChartOptions, Labels, NoLabels, ProfileCache, RowsPage, RowsQuery,
    SampleTable, TableProfile,
};
use crate::{Error, Result};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::path::PathBuf;
use ts_rs::TS;

/// Request of `samples.rows` and `samples.export`.
#[derive(Debug, Clone, Default, Serialize, Deserialize, TS)]
pub struct RowsRequest {
    /// The table (`ER_PRS_F`).
    pub name: String,
    /// Sort by this column.
    #[serde(default)]
    #[ts(optional = nullable)]
    pub sort: Option<String>,
    /// Sort descending.
    #[serde(default)]
    #[ts(optional = nullable)]
    pub desc: Option<bool>,
    /// Filters, each `COLUMN=VALUE`, `COLUMN!=VALUE`, `COLUMN~TEXT` (contains), `COLUMN>=V`,
    /// `COLUMN<=V`, `COLUMN>V`, `COLUMN<V`, `COLUMN=LOW..HIGH`, `COLUMN:null` or
    /// `COLUMN:notnull`; a row passes them all. At most 16, of 256 bytes each.
    #[serde(default)]
    #[ts(optional = nullable)]
    pub filter: Option<Vec<String>>,
    /// First row, 0-based (wins over `page`).
    #[serde(default)]
    #[ts(optional = nullable)]
    pub offset: Option<u64>,
    /// Page number, 1-based, of `limit` rows.
    #[serde(default)]
    #[ts(optional = nullable)]
    pub page: Option<u64>,
    /// Rows per page (default 50, at most 500; ignored by the export).
    #[serde(default)]
    #[ts(optional = nullable)]
    pub limit: Option<u64>,
}

impl RowsRequest {
    fn query(&self) -> RowsQuery {
        let limit = self.limit.unwrap_or(50).clamp(1, samples::MAX_PAGE_ROWS);
        let offset = self.offset.unwrap_or_else(|| {
            self.page
                .unwrap_or(1)
                .max(1)
                .saturating_sub(1)
                .saturating_mul(limit)
        });
        RowsQuery {
            sort: self.sort.clone().filter(|s| !s.is_empty()),
            desc: self.desc.unwrap_or(false),
            filters: self.filter.clone().unwrap_or_default(),
            offset,
            limit,
        }
    }
}

/// Request of `samples.profile`.
#[derive(Debug, Clone, Default, Serialize, Deserialize, TS)]
pub struct ProfileRequest {
    /// The table.
    pub name: String,
    /// Also answer each column's chart as SVG markup.
    #[serde(default)]
    #[ts(optional = nullable)]
    pub charts: Option<bool>,
}

/// The answer of `samples.profile`.
#[derive(Debug, Clone, Serialize, Deserialize, TS)]
pub struct ProfilePage {
    /// The profile of every column.
    pub profile: TableProfile,
    /// The SVG chart of each column that has one, by column name (when asked).
    pub charts: BTreeMap<String, String>,
}

/// Request of `samples.chart`.
#[derive(Debug, Clone, Default, Serialize, Deserialize, TS)]
pub struct ChartRequest {
    /// The table.
    pub name: String,
    /// The column.
    pub column: String,
    /// Width in pixels (default 520, 200 to 2000).
    #[serde(default)]
    #[ts(optional = nullable)]
    pub width: Option<u32>,
    /// Height in pixels of a histogram (default 260, 120 to 1500).
    #[serde(default)]
    #[ts(optional = nullable)]
    pub height: Option<u32>,
}

/// Labels from the active catalogue, locked for each lookup only: a long profile does not hold
/// the catalogue (which every page reads) while it scans the samples.
struct DbLabels<'a>(&'a std::sync::Mutex<crate::store::CatalogueDb>);

impl Labels for DbLabels<'_> {
    fn labels(&self, list: &str, codes: &[String]) -> Result<BTreeMap<String, String>> {
        self.0.lock().expect("lock").labels(list, codes)
    }
}

impl Hublot {
    fn samples_path(a: &Active) -> PathBuf {
        a.dir.join("samples.sqlite")
    }

    /// Runs `f` on the sample table `name` of the active snapshot, with its schema, the samples
    /// connection and the code labels.
    fn with_sample_table<T>(
        &self,
        name: &str,
        f: impl FnOnce(&Active, &rusqlite::Connection, &SampleTable, &dyn Labels) -> Result<T>,
    ) -> Result<T> {
        let a = self.active()?;
        let schema = a.db.lock().expect("lock").table(name)?.map(|(t, _, _)| t);
        let guard = a.samples.lock().expect("lock");
        let conn = guard.as_ref().ok_or_else(|| {
            Error::NotFound("the active snapshot has no sample data (samples.sqlite)".into())
        })?;
        let path = Self::samples_path(&a);
        let t = SampleTable::open(conn, &path, name, schema.as_ref())?;
        if schema.is_some() {
            f(&a, conn, &t, &DbLabels(&a.db))
        } else {
            f(&a, conn, &t, &NoLabels)
        }
    }

    /// `samples.rows`: a page of a sample table's rows, sorted and filtered, with the labels of
    /// the codes shown.
    pub fn sample_rows(&self, r: &RowsRequest) -> Result<RowsPage> {
        self.with_sample_table(&r.name, |a, conn, t, labels| {
            samples::page(conn, &Self::samples_path(a), t, &r.query(), labels)
        })
    }

    /// `samples.export`: every row passing the filters, sorted, as a CSV file.
    pub fn sample_export(&self, r: &RowsRequest) -> Result<Download> {
        let bytes = self.with_sample_table(&r.name, |a, conn, t, _| {
            samples::export_csv(conn, &Self::samples_path(a), t, &r.query())
        })?;
        Ok(Download {
            filename: format!("{}.csv", file_safe(&r.name)),
            media_type: "text/csv; charset=utf-8".into(),
            bytes,
        })
    }

    /// `samples.profile`: the profile of every column of a sample table, from the cache of the
    /// active snapshot when it holds it.
    pub fn sample_profile(&self, r: &ProfileRequest) -> Result<ProfilePage> {
        let profile = self.table_profile(&r.name)?;
        let mut charts = BTreeMap::new();
        if r.charts.unwrap_or(false) {
            for c in &profile.columns {
                if let Some(svg) = chart_svg(c, ChartOptions::default())? {
                    charts.insert(c.column.name.clone(), svg);
                }
            }
        }
        Ok(ProfilePage { profile, charts })
    }

    /// The profile of a sample table, cached per snapshot.
    pub fn table_profile(&self, name: &str) -> Result<TableProfile> {
        let cache = ProfileCache::new(self.data.root().join("cache").join("profiles"));
        let a = self.active()?;
        let samples = Self::samples_path(&a);
        if let Some(p) = cache.get(&a.info.id, name, &samples) {
            return Ok(p);
        }
        let p = self.with_sample_table(name, |a, conn, t, labels| {
            samples::profile_table(conn, &Self::samples_path(a), t, labels, &a.info.id)
        })?;
        let live: Vec<String> = [self.data.current(), self.data.previous()]
            .into_iter()
            .flatten()
            .chain([a.info.id.clone()])
            .collect();
        cache.put(&p, &samples, &live);
        Ok(p)
    }

    /// `samples.chart`: the chart of a column as an SVG file.
    pub fn sample_chart(&self, r: &ChartRequest) -> Result<Download> {
        let profile = self.table_profile(&r.name)?;
        let Some(c) = profile.columns.iter().find(|c| c.column.name == r.column) else {
            // The same clear error as a filter on an unknown column.
            return Err(self
                .with_sample_table(&r.name, |_, _, t, _| t.column(&r.column).map(|_| ()))
                .err()
                .unwrap_or_else(|| Error::NotFound(format!("column `{}`", r.column))));
        };
        let o = ChartOptions {
            width: r.width.unwrap_or(520).clamp(200, 2000),
            height: r.height.unwrap_or(260).clamp(120, 1500),
        };
        let svg = chart_svg(c, o)?.ok_or_else(|| {
            Error::NotFound(format!(
                "column `{}` of `{}` has no chart: {}",
                r.column,
                r.name,
                if c.nulls == profile.rows {
                    "it is empty"
                } else {
                    "its values are identifiers (too many distinct values to chart)"
                }
            ))
        })?;
        Ok(Download {
            filename: format!("{}-{}.svg", file_safe(&r.name), file_safe(&r.column)),
            media_type: "image/svg+xml".into(),
            bytes: svg.into_bytes(),
        })
    }
}

/// A name made safe for a file name.
fn file_safe(s: &str) -> String {
    let t: String = s
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '_' || c == '-' {
                c
            } else {
                '_'
            }
        })
        .take(80)
        .collect();
    if t.is_empty() {
        "samples".into()
    } else {
        t
    }
}

/// The operations of this file.
pub(crate) static OPS: &[Operation] = &[
    op!("samples.rows", Read, page "/api/tables/{name}/rows", "A page of a sample table's rows: sorted by any column, filtered per column, with the labels of the codes shown.",
        |h, _c, r: RowsRequest| -> RowsPage { h.sample_rows(&r) }),
    op!("samples.export", Read, page "/api/tables/{name}/rows.csv", "Every row of a sample table passing the filters, sorted, as a CSV file.",
        |h, _c, r: RowsRequest| -> file { h.sample_export(&r) }),
    op!("samples.profile", Read, page "/api/tables/{name}/profile", "The profile of every column of a sample table (nulls, distinct values, min / max, top values with labels, bins), cached per snapshot; with `charts`, their SVG charts.",
        |h, _c, r: ProfileRequest| -> ProfilePage { h.sample_profile(&r) }),
    op!("samples.chart", Read, page "/api/tables/{name}/chart/{column}", "The chart of a column of a sample table as an SVG file: a histogram for numbers and dates, bars for codes.",
        |h, _c, r: ChartRequest| -> file { h.sample_chart(&r) }),
];
