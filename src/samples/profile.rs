//! Column profiles of a sample table: nulls, distinct values, min / max, mean, top values with
//! their labels, and the bins of a chart (a histogram for numbers and dates, bars for codes).
//!
//! The whole table is profiled in ONE pass over its rows: each column counts its values in a
//! hash map while it has at most [`EXACT_DISTINCT`] distinct values (codes, dates, small
//! numbers: almost every column), from which the distinct count, the top values and the bins
//! follow exactly. A column with more distinct values (identifiers, amounts of a large table)
//! drops its map, so memory stays bounded, and gets its distinct count, top values and bins from
//! SQL afterwards (one query each). Profiles are cached per snapshot ([`ProfileCache`]).

use super::{to_json, ColumnInfo, Labels, SampleTable};
use crate::{Error, Result};
use rusqlite::types::ValueRef;
use rusqlite::Connection;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use ts_rs::TS;

/// A column counts its values exactly up to this many distinct values; beyond, SQL does.
pub const EXACT_DISTINCT: usize = 50_000;
/// Top values kept per column.
pub const TOP_VALUES: usize = 10;
/// Bars of a bar chart (the rest is one `other` count).
pub const MAX_BARS: usize = 12;
/// Bins of a histogram, at most.
pub const MAX_BINS: usize = 24;
/// A string column without a code list is charted as bars when it has at most this many
/// distinct values.
pub const BAR_DISTINCT: u64 = 30;
/// Version of the profile layout (cached files of another version are recomputed).
pub const PROFILE_FORMAT: u32 = 1;

/// A frequent value.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct TopValue {
    /// The value.
    pub value: serde_json::Value,
    /// Rows holding it.
    pub count: u64,
    /// Its label in the column's code list.
    pub label: Option<String>,
}

/// What a chart shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "kebab-case")]
pub enum ChartKind {
    /// Bins of a number or a date, in order.
    Histogram,
    /// The most frequent values (codes), most frequent first.
    Bars,
}

/// One bar (a value) or bin (an interval).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct Bar {
    /// What it stands for: the value, or the interval (`10–20`, `2019-03`).
    pub label: String,
    /// The code's label, for a bar of a coded column.
    pub code_label: Option<String>,
    /// Rows in it.
    pub count: u64,
}

/// The chart of a column.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct ChartSpec {
    /// Histogram or bars.
    pub kind: ChartKind,
    /// Its bars, in drawing order.
    pub bars: Vec<Bar>,
    /// Non-null rows outside the bars (the less frequent values of a bar chart).
    pub other: u64,
    /// The width of a histogram's bins (`1`, `0.5`, `month`…).
    pub bin: Option<String>,
}

/// The profile of one column.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct ColumnProfile {
    /// The column, with its types and code list.
    pub column: ColumnInfo,
    /// Empty values.
    pub nulls: u64,
    /// Distinct non-null values.
    pub distinct: u64,
    /// Smallest value (SQLite's order: numbers before text).
    pub min: serde_json::Value,
    /// Largest value.
    pub max: serde_json::Value,
    /// Mean of the numeric values of a numeric column.
    pub mean: Option<f64>,
    /// Values that do not have the column's type (text in a number column).
    pub off_type: u64,
    /// The most frequent values, most frequent first (ties by value).
    pub top: Vec<TopValue>,
    /// Its chart, when one makes sense (not for identifiers).
    pub chart: Option<ChartSpec>,
}

/// The profile of a whole sample table.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct TableProfile {
    /// The table.
    pub table: String,
    /// The snapshot it was computed on.
    pub snapshot: String,
    /// Rows.
    pub rows: u64,
    /// One profile per column, in the table's order.
    pub columns: Vec<ColumnProfile>,
    /// How long computing it took, in milliseconds.
    pub compute_ms: u64,
    /// True when read from the cache.
    pub cached: bool,
    /// Where the rows came from.
    pub source: String,
}

/// Values of one column, counted.
#[derive(Default)]
struct Acc {
    nulls: u64,
    ints: HashMap<i64, u64>,
    reals: HashMap<u64, u64>,
    texts: HashMap<Box<[u8]>, u64>,
    /// More than [`EXACT_DISTINCT`] distinct values: maps dropped.
    over: bool,
    num_min: Option<f64>,
    num_max: Option<f64>,
    num_min_v: Option<serde_json::Value>,
    num_max_v: Option<serde_json::Value>,
    text_min: Option<Vec<u8>>,
    text_max: Option<Vec<u8>>,
    sum: f64,
    nums: u64,
    texts_n: u64,
}

impl Acc {
    fn distinct(&self) -> usize {
        self.ints.len() + self.reals.len() + self.texts.len()
    }

    fn num(&mut self, x: f64, v: ValueRef<'_>) {
        self.sum += x;
        self.nums += 1;
        if self.num_min.is_none_or(|m| x < m) {
            self.num_min = Some(x);
            self.num_min_v = Some(to_json(v));
        }
        if self.num_max.is_none_or(|m| x > m) {
            self.num_max = Some(x);
            self.num_max_v = Some(to_json(v));
        }
    }

    fn add(&mut self, v: ValueRef<'_>) {
        match v {
            ValueRef::Null => self.nulls += 1,
            ValueRef::Integer(i) => {
                self.num(i as f64, v);
                if !self.over {
                    *self.ints.entry(i).or_default() += 1;
                }
            }
            ValueRef::Real(x) => {
                self.num(x, v);
                if !self.over {
                    *self.reals.entry(x.to_bits()).or_default() += 1;
                }
            }
            ValueRef::Text(s) | ValueRef::Blob(s) => {
                self.texts_n += 1;
                if self.text_min.as_deref().is_none_or(|m| s < m) {
                    self.text_min = Some(s.to_vec());
                }
                if self.text_max.as_deref().is_none_or(|m| s > m) {
                    self.text_max = Some(s.to_vec());
                }
                if !self.over {
                    match self.texts.get_mut(s) {
                        Some(n) => *n += 1,
                        None => {
                            self.texts.insert(s.into(), 1);
                        }
                    }
                }
            }
        }
        if !self.over && self.distinct() > EXACT_DISTINCT {
            self.over = true;
            self.ints = HashMap::new();
            self.reals = HashMap::new();
            self.texts = HashMap::new();
        }
    }

    /// Every (value, count), most frequent first, ties by value.
    fn counted(&self) -> Vec<(serde_json::Value, u64)> {
        let mut v: Vec<(serde_json::Value, u64)> = self
            .ints
            .iter()
            .map(|(k, n)| ((*k).into(), *n))
            .chain(
                self.reals
                    .iter()
                    .map(|(k, n)| (to_json(ValueRef::Real(f64::from_bits(*k))), *n)),
            )
            .chain(
                self.texts
                    .iter()
                    .map(|(k, n)| (String::from_utf8_lossy(k).into_owned().into(), *n)),
            )
            .collect();
        v.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| cmp_json(&a.0, &b.0)));
        v
    }
}

/// SQLite's order of values: numbers (by value) before text (by bytes).
fn cmp_json(a: &serde_json::Value, b: &serde_json::Value) -> std::cmp::Ordering {
    use serde_json::Value::*;
    match (a, b) {
        (Number(x), Number(y)) => x
            .as_f64()
            .unwrap_or(0.0)
            .total_cmp(&y.as_f64().unwrap_or(0.0)),
        (Number(_), _) => std::cmp::Ordering::Less,
        (_, Number(_)) => std::cmp::Ordering::Greater,
        (String(x), String(y)) => x.as_bytes().cmp(y.as_bytes()),
        _ => std::cmp::Ordering::Equal,
    }
}

fn is_numeric(c: &ColumnInfo) -> bool {
    matches!(c.r#type.as_str(), "integer" | "number" | "year")
        || matches!(c.sql_type.as_str(), "INTEGER" | "REAL")
}

fn is_date(c: &ColumnInfo) -> bool {
    matches!(c.r#type.as_str(), "date" | "datetime" | "yearmonth")
}

/// `(year, month, day)` of a date written `YYYY-MM-DD…`, `YYYYMMDD`, `YYYY-MM`, `YYYYMM` or
/// `DD/MM/YYYY`.
pub fn parse_date(s: &str) -> Option<(i32, u32, u32)> {
    let s = s.trim();
    let b = s.as_bytes();
    let num = |r: std::ops::Range<usize>| -> Option<u32> {
        let t = s.get(r)?;
        if t.bytes().all(|c| c.is_ascii_digit()) {
            t.parse().ok()
        } else {
            None
        }
    };
    let (y, m, d) = if b.len() >= 10 && b[4] == b'-' && b[7] == b'-' {
        (num(0..4)?, num(5..7)?, num(8..10)?)
    } else if b.len() >= 10 && b[2] == b'/' && b[5] == b'/' {
        (num(6..10)?, num(3..5)?, num(0..2)?)
    } else if b.len() == 8 {
        (num(0..4)?, num(4..6)?, num(6..8)?)
    } else if b.len() == 7 && b[4] == b'-' {
        (num(0..4)?, num(5..7)?, 1)
    } else if b.len() == 6 {
        (num(0..4)?, num(4..6)?, 1)
    } else {
        return None;
    };
    ((1..=12).contains(&m) && (1..=31).contains(&d)).then_some((y as i32, m, d))
}

/// A width of about `raw` that reads well: 1, 2, 2.5 or 5 times a power of ten.
fn nice(raw: f64) -> f64 {
    if raw <= 0.0 || !raw.is_finite() {
        return 1.0;
    }
    let p = 10f64.powf(raw.log10().floor());
    let f = raw / p;
    let m = if f <= 1.0 {
        1.0
    } else if f <= 2.0 {
        2.0
    } else if f <= 2.5 {
        2.5
    } else if f <= 5.0 {
        5.0
    } else {
        10.0
    };
    m * p
}

fn fmt_num(x: f64) -> String {
    if x.fract() == 0.0 && x.abs() < 1e15 {
        format!("{}", x as i64)
    } else {
        let s = format!("{x:.6}");
        s.trim_end_matches('0').trim_end_matches('.').to_string()
    }
}

/// The bins of a numeric histogram: `(low, width, count)`.
fn num_bins(min: f64, max: f64, integer: bool) -> (f64, f64, usize) {
    let range = max - min;
    let mut w = if integer && range < MAX_BINS as f64 {
        1.0
    } else {
        nice(range / 20.0)
    };
    if integer {
        w = w.max(1.0).round();
    }
    let lo = (min / w).floor() * w;
    let n = (((max - lo) / w).floor() as usize + 1).min(MAX_BINS * 2);
    (lo, w, n)
}

/// Calendar unit of a date histogram over `days` days.
fn date_unit(first: (i32, u32, u32), last: (i32, u32, u32)) -> &'static str {
    let months = (last.0 - first.0) * 12 + last.1 as i32 - first.1 as i32;
    if months <= 1 && first.0 == last.0 {
        "day"
    } else if months < MAX_BINS as i32 {
        "month"
    } else if last.0 - first.0 < MAX_BINS as i32 {
        "year"
    } else {
        "decade"
    }
}

/// The bin index and label of a date for a unit, counted from `first`.
fn date_key(d: (i32, u32, u32), unit: &str) -> (i64, String) {
    match unit {
        "day" => (
            d.0 as i64 * 400 + d.1 as i64 * 32 + d.2 as i64,
            format!("{:04}-{:02}-{:02}", d.0, d.1, d.2),
        ),
        "month" => (
            d.0 as i64 * 12 + d.1 as i64 - 1,
            format!("{:04}-{:02}", d.0, d.1),
        ),
        "year" => (d.0 as i64, format!("{:04}", d.0)),
        _ => {
            let dec = d.0.div_euclid(10) * 10;
            (dec as i64 / 10, format!("{dec}s"))
        }
    }
}

/// Date bins from `(date, count)` pairs, every unit between the first and the last present.
fn date_bins(dates: &[((i32, u32, u32), u64)]) -> Option<ChartSpec> {
    let first = dates.iter().map(|x| x.0).min()?;
    let last = dates.iter().map(|x| x.0).max()?;
    let unit = date_unit(first, last);
    let mut counts: std::collections::BTreeMap<i64, (String, u64)> = Default::default();
    for (d, n) in dates {
        let (k, label) = date_key(*d, unit);
        counts.entry(k).or_insert((label, 0)).1 += n;
    }
    // Fill the gaps (months and years: every index between is a unit; days: walk the calendar).
    let bars: Vec<Bar> = if unit == "day" {
        counts
            .into_values()
            .map(|(label, count)| Bar {
                label,
                code_label: None,
                count,
            })
            .collect()
    } else {
        let (lo, hi) = (*counts.keys().next()?, *counts.keys().last()?);
        (lo..=hi)
            .map(|k| {
                let (label, count) = counts.remove(&k).unwrap_or_else(|| {
                    let label = match unit {
                        "month" => format!("{:04}-{:02}", k.div_euclid(12), k.rem_euclid(12) + 1),
                        "year" => format!("{k:04}"),
                        _ => format!("{}s", k * 10),
                    };
                    (label, 0)
                });
                Bar {
                    label,
                    code_label: None,
                    count,
                }
            })
            .collect()
    };
    Some(ChartSpec {
        kind: ChartKind::Histogram,
        bars,
        other: 0,
        bin: Some(unit.into()),
    })
}

/// Profiles every column of `t` in one pass over its rows (plus one SQL query per statistic of
/// a column with more than [`EXACT_DISTINCT`] distinct values).
pub fn profile_table(
    conn: &Connection,
    path: &Path,
    t: &SampleTable,
    labels: &dyn Labels,
    snapshot: &str,
) -> Result<TableProfile> {
    let started = std::time::Instant::now();
    let sql = |e| Error::sqlite(path, e);
    let n = t.columns.len();
    let mut accs: Vec<Acc> = (0..n).map(|_| Acc::default()).collect();
    let mut rows_n = 0u64;
    {
        let mut st = conn
            .prepare(&format!("SELECT * FROM {}", t.quoted()))
            .map_err(sql)?;
        let mut rows = st.query([]).map_err(sql)?;
        while let Some(r) = rows.next().map_err(sql)? {
            rows_n += 1;
            for (i, a) in accs.iter_mut().enumerate() {
                a.add(r.get_ref(i).map_err(sql)?);
            }
        }
    }
    let mut columns = Vec::with_capacity(n);
    for (c, a) in t.columns.iter().zip(accs) {
        columns.push(column_profile(conn, path, t, c, a, labels)?);
    }
    Ok(TableProfile {
        table: t.name.clone(),
        snapshot: snapshot.to_string(),
        rows: rows_n,
        columns,
        compute_ms: started.elapsed().as_millis() as u64,
        cached: false,
        source: t.source.clone(),
    })
}

fn column_profile(
    conn: &Connection,
    path: &Path,
    t: &SampleTable,
    c: &ColumnInfo,
    a: Acc,
    labels: &dyn Labels,
) -> Result<ColumnProfile> {
    let sql = |e| Error::sqlite(path, e);
    let col = crate::store::samples_db::quote_ident(&c.name);
    let numeric = is_numeric(c);
    let min = match (&a.num_min_v, &a.text_min) {
        (Some(v), _) => v.clone(),
        (None, Some(s)) => String::from_utf8_lossy(s).into_owned().into(),
        _ => serde_json::Value::Null,
    };
    let max = match (&a.text_max, &a.num_max_v) {
        (Some(s), _) => String::from_utf8_lossy(s).into_owned().into(),
        (None, Some(v)) => v.clone(),
        _ => serde_json::Value::Null,
    };
    let off_type = if numeric { a.texts_n } else { a.nums };
    let mean = (numeric && a.nums > 0).then(|| a.sum / a.nums as f64);
    // Every value with its count (small columns), or the top ones from SQL (large ones).
    let (distinct, counted): (u64, Vec<(serde_json::Value, u64)>) = if a.over {
        let d: i64 = conn
            .query_row(
                &format!("SELECT count(DISTINCT {col}) FROM {}", t.quoted()),
                [],
                |r| r.get(0),
            )
            .map_err(sql)?;
        let mut st = conn
            .prepare(&format!(
                "SELECT {col}, count(*) AS n FROM {} WHERE {col} IS NOT NULL GROUP BY {col} \
                 ORDER BY n DESC, {col} LIMIT {}",
                t.quoted(),
                TOP_VALUES.max(MAX_BARS)
            ))
            .map_err(sql)?;
        let top = st
            .query_map([], |r| {
                Ok((to_json(r.get_ref(0)?), r.get::<_, i64>(1)? as u64))
            })
            .map_err(sql)?
            .collect::<rusqlite::Result<Vec<_>>>()
            .map_err(sql)?;
        (d.max(0) as u64, top)
    } else {
        (a.distinct() as u64, a.counted())
    };
    // Labels of the codes shown (top values and bars), in one lookup.
    let shown: Vec<String> = counted
        .iter()
        .take(TOP_VALUES.max(MAX_BARS))
        .filter_map(|(v, _)| super::code_text(v))
        .collect();
    let found = match (&c.nomenclature, shown.is_empty()) {
        (Some(list), false) => labels.labels(list, &shown)?,
        _ => Default::default(),
    };
    let label_of = |v: &serde_json::Value| super::code_text(v).and_then(|k| found.get(&k).cloned());
    let top: Vec<TopValue> = counted
        .iter()
        .take(TOP_VALUES)
        .map(|(v, n)| TopValue {
            value: v.clone(),
            count: *n,
            label: label_of(v),
        })
        .collect();
    let non_null = a.nums + a.texts_n;
    // Dates refer to the calendar list (`IR_DTE_V`): they are histograms, not codes.
    // A numeric code whose list the snapshot lacks (no label found) reads better as a histogram.
    let coded = c.nomenclature.is_some() && !is_date(c) && (!numeric || !found.is_empty());
    let chart = if non_null == 0 {
        None
    } else if coded
        || (!numeric && !is_date(c) && distinct <= BAR_DISTINCT)
        || (numeric && distinct <= 8)
    {
        let bars: Vec<Bar> = counted
            .iter()
            .take(MAX_BARS)
            .map(|(v, n)| Bar {
                label: super::code_text(v).unwrap_or_default(),
                code_label: label_of(v),
                count: *n,
            })
            .collect();
        let shown: u64 = bars.iter().map(|b| b.count).sum();
        Some(ChartSpec {
            kind: ChartKind::Bars,
            bars,
            other: non_null - shown,
            bin: None,
        })
    } else if numeric && a.nums > 0 {
        let (lo, w, nb) = num_bins(
            a.num_min.unwrap_or(0.0),
            a.num_max.unwrap_or(0.0),
            c.sql_type == "INTEGER" || c.r#type == "integer" || c.r#type == "year",
        );
        let mut counts = vec![0u64; nb];
        let bin_of = |x: f64| (((x - lo) / w).floor().max(0.0) as usize).min(nb - 1);
        if a.over {
            let mut st = conn
                .prepare(&format!(
                    "SELECT min(max(CAST(({col} - ?1) / ?2 AS INTEGER), 0), ?3) AS b, count(*) \
                     FROM {} WHERE typeof({col}) IN ('integer','real') GROUP BY b",
                    t.quoted()
                ))
                .map_err(sql)?;
            let got = st
                .query_map(rusqlite::params![lo, w, nb as i64 - 1], |r| {
                    Ok((r.get::<_, i64>(0)?, r.get::<_, i64>(1)?))
                })
                .map_err(sql)?;
            for g in got {
                let (b, k) = g.map_err(sql)?;
                counts[(b.max(0) as usize).min(nb - 1)] += k as u64;
            }
        } else {
            for (k, n) in &a.ints {
                counts[bin_of(*k as f64)] += n;
            }
            for (k, n) in &a.reals {
                counts[bin_of(f64::from_bits(*k))] += n;
            }
        }
        let bars = counts
            .into_iter()
            .enumerate()
            .map(|(i, count)| {
                let b0 = lo + i as f64 * w;
                Bar {
                    label: if w == 1.0 && b0.fract() == 0.0 {
                        fmt_num(b0)
                    } else {
                        format!("{}–{}", fmt_num(b0), fmt_num(b0 + w))
                    },
                    code_label: None,
                    count,
                }
            })
            .collect();
        Some(ChartSpec {
            kind: ChartKind::Histogram,
            bars,
            other: 0,
            bin: Some(fmt_num(w)),
        })
    } else if is_date(c) {
        let dates: Vec<((i32, u32, u32), u64)> = if a.over {
            let mut st = conn
                .prepare(&format!(
                    "SELECT substr({col}, 1, 10), count(*) FROM {} WHERE {col} IS NOT NULL GROUP BY 1",
                    t.quoted()
                ))
                .map_err(sql)?;
            let got = st
                .query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)?)))
                .map_err(sql)?
                .collect::<rusqlite::Result<Vec<_>>>()
                .map_err(sql)?;
            got.into_iter()
                .filter_map(|(s, n)| parse_date(&s).map(|d| (d, n as u64)))
                .collect()
        } else {
            a.texts
                .iter()
                .filter_map(|(k, n)| parse_date(std::str::from_utf8(k).ok()?).map(|d| (d, *n)))
                .chain(
                    a.ints
                        .iter()
                        .filter_map(|(k, n)| parse_date(&k.to_string()).map(|d| (d, *n))),
                )
                .collect()
        };
        date_bins(&dates)
    } else {
        None
    };
    Ok(ColumnProfile {
        column: c.clone(),
        nulls: a.nulls,
        distinct,
        min,
        max,
        mean,
        off_type,
        top,
        chart,
    })
}

/// The profiles of a data directory's snapshots, cached on disk: `cache/profiles/<snapshot
/// id>/<table>.json`. A snapshot id names one build, so a new import (a new id) never reads the
/// profiles of another; each file also records the size and modification time of the
/// `samples.sqlite` it was computed from and the layout version, and is recomputed when any
/// differs. Directories of snapshots that no longer exist are removed when a profile is written.
pub struct ProfileCache {
    root: PathBuf,
}

#[derive(Serialize, Deserialize)]
struct CacheFile {
    format: u32,
    snapshot: String,
    samples_size: u64,
    samples_mtime_ns: u128,
    profile: TableProfile,
}

fn samples_stamp(samples: &Path) -> (u64, u128) {
    std::fs::metadata(samples)
        .map(|m| {
            (
                m.len(),
                m.modified()
                    .ok()
                    .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
                    .map(|d| d.as_nanos())
                    .unwrap_or(0),
            )
        })
        .unwrap_or((0, 0))
}

impl ProfileCache {
    /// The cache under `root` (`<data dir>/cache/profiles`).
    pub fn new(root: PathBuf) -> Self {
        ProfileCache { root }
    }

    fn file(&self, snapshot: &str, table: &str) -> PathBuf {
        // Table names are ids from SQLite, not paths: a digest makes any of them a file name.
        use sha2::Digest;
        let h = hex::encode(&sha2::Sha256::digest(table.as_bytes())[..12]);
        let safe: String = table
            .chars()
            .filter(|c| c.is_ascii_alphanumeric() || *c == '_')
            .take(40)
            .collect();
        self.root.join(snapshot).join(format!("{safe}-{h}.json"))
    }

    /// The cached profile of `table` in `snapshot`, when it is still valid for `samples`.
    pub fn get(&self, snapshot: &str, table: &str, samples: &Path) -> Option<TableProfile> {
        let bytes = std::fs::read(self.file(snapshot, table)).ok()?;
        let f: CacheFile = serde_json::from_slice(&bytes).ok()?;
        let (size, mtime) = samples_stamp(samples);
        let valid = f.format == PROFILE_FORMAT
            && f.snapshot == snapshot
            && f.samples_size == size
            && f.samples_mtime_ns == mtime
            && f.profile.table == table;
        if !valid {
            return None;
        }
        Some(TableProfile {
            cached: true,
            ..f.profile
        })
    }

    /// Keeps `p` (best effort: a read-only data directory only loses the cache). `live` lists
    /// the snapshot ids that still exist; other snapshot directories of the cache are removed.
    pub fn put(&self, p: &TableProfile, samples: &Path, live: &[String]) {
        let path = self.file(&p.snapshot, &p.table);
        let (samples_size, samples_mtime_ns) = samples_stamp(samples);
        let f = CacheFile {
            format: PROFILE_FORMAT,
            snapshot: p.snapshot.clone(),
            samples_size,
            samples_mtime_ns,
            profile: p.clone(),
        };
        let Some(dir) = path.parent() else { return };
        if std::fs::create_dir_all(dir).is_err() {
            return;
        }
        let tmp = path.with_extension("json.tmp");
        let json = serde_json::to_vec(&f).expect("profiles serialise");
        if std::fs::write(&tmp, json).is_ok() {
            let _ = std::fs::rename(&tmp, &path);
        }
        if let Ok(rd) = std::fs::read_dir(&self.root) {
            for e in rd.flatten() {
                let name = e.file_name().to_string_lossy().into_owned();
                if !live.contains(&name) {
                    let _ = std::fs::remove_dir_all(e.path());
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_parse_in_the_layouts_of_the_samples() {
        assert_eq!(parse_date("2019-01-04"), Some((2019, 1, 4)));
        assert_eq!(parse_date("2019-01-04 10:00:00"), Some((2019, 1, 4)));
        assert_eq!(parse_date("04/01/2019"), Some((2019, 1, 4)));
        assert_eq!(parse_date("201901"), Some((2019, 1, 1)));
        assert_eq!(parse_date("2019-13-01"), None);
        assert_eq!(parse_date("abc"), None);
    }

    #[test]
    fn bins_have_readable_widths() {
        assert_eq!(nice(0.7), 1.0);
        assert_eq!(nice(13.0), 20.0);
        assert_eq!(nice(230.0), 250.0);
        let (lo, w, n) = num_bins(1900.0, 2010.0, true);
        assert_eq!((lo, w), (1900.0, 10.0));
        assert_eq!(n, 12);
        let (lo, w, n) = num_bins(1.0, 5.0, true);
        assert_eq!((lo, w, n), (1.0, 1.0, 5));
    }

    #[test]
    fn date_histograms_fill_the_empty_months() {
        let c = date_bins(&[((2019, 1, 4), 2), ((2019, 4, 1), 1)]).unwrap();
        let labels: Vec<&str> = c.bars.iter().map(|b| b.label.as_str()).collect();
        assert_eq!(labels, ["2019-01", "2019-02", "2019-03", "2019-04"]);
        assert_eq!(c.bars.iter().map(|b| b.count).sum::<u64>(), 3);
    }

    #[test]
    fn columns_past_the_exact_bound_are_profiled_by_sql() {
        // More distinct values than EXACT_DISTINCT: the histogram comes from SQL, which must work
        // on SQLite as bundled (no math functions such as floor).
        let n = EXACT_DISTINCT as i64 + 5_000;
        let conn = Connection::open_in_memory().unwrap();
        conn.execute_batch(
            "CREATE TABLE _hublot_samples(name TEXT PRIMARY KEY, source TEXT NOT NULL, rows INTEGER NOT NULL);
             CREATE TABLE T (ID INTEGER, AMOUNT REAL);",
        )
        .unwrap();
        conn.execute("INSERT INTO _hublot_samples VALUES('T','test',?1)", [n])
            .unwrap();
        conn.execute(
            "WITH RECURSIVE s(i) AS (SELECT 0 UNION ALL SELECT i+1 FROM s WHERE i+1 < ?1)
             INSERT INTO T SELECT i, i * 0.5 FROM s",
            [n],
        )
        .unwrap();
        let path = Path::new(":memory:");
        let t = SampleTable::open(&conn, path, "T", None).unwrap();
        let p = profile_table(&conn, path, &t, &crate::samples::NoLabels, "test").unwrap();
        for c in &p.columns {
            assert_eq!(c.distinct, n as u64, "{}", c.column.name);
            let chart = c.chart.as_ref().expect("a histogram");
            let total: u64 = chart.bars.iter().map(|b| b.count).sum::<u64>() + chart.other;
            assert_eq!(total, n as u64, "every value in a bin: {}", c.column.name);
        }
    }
}
