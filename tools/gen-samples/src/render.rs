//! Turns typed values into CSV cells as the schema declares them, and fills the columns the
//! synthetic world knows nothing about with random values of the right type.

use crate::date::Date;
use crate::rng::Rng;
use crate::snapshot::{CodeLists, Field};
use std::collections::BTreeMap;
use std::io::Write;
use std::path::Path;

/// A value the world gives for one column; the schema decides how it is written.
#[derive(Clone, Debug)]
pub enum Val {
    Null,
    Text(String),
    Int(i64),
    Num(f64),
    Bool(bool),
    Date(Date),
    /// A date and a time of day in seconds.
    DateTime(Date, i64),
}

/// One row: column name → value. Columns the world leaves out get a typed random value.
pub type Record = BTreeMap<&'static str, Val>;

pub fn text(s: impl Into<String>) -> Val {
    Val::Text(s.into())
}

pub fn opt_text(s: Option<impl Into<String>>) -> Val {
    s.map_or(Val::Null, |s| Val::Text(s.into()))
}

pub fn opt_date(d: Option<Date>) -> Val {
    d.map_or(Val::Null, Val::Date)
}

/// Writes a date for a column of the given type and format. SNDS schemas give strftime patterns
/// (`%d%m%Y`, `%m`, `%d%b%Y:%H:%M:%S`); `default` means ISO 8601 as in Table Schema. Year-month
/// columns are six digits (`AAAAMM`), their documented length.
fn date_cell(d: Date, secs: i64, f: &Field) -> String {
    if f.format != "default" && f.format.contains('%') {
        return d.format(&f.format, secs);
    }
    match f.typ.as_str() {
        "date" => d.format("%Y-%m-%d", 0),
        "datetime" => d.format("%Y-%m-%dT%H:%M:%S", secs),
        "year" => d.format("%Y", 0),
        "yearmonth" => d.format("%Y%m", 0),
        // A date stored in a text or number column (e.g. PFS_INS_DSD): compact AAAAMMJJ.
        _ => d.format("%Y%m%d", 0),
    }
}

pub fn cell(v: &Val, f: &Field) -> String {
    match v {
        Val::Null => String::new(),
        Val::Text(s) => s.clone(),
        Val::Int(i) => i.to_string(),
        // Amounts and rates: two decimals at most, whatever the documented scale.
        Val::Num(x) => format!("{:.*}", f.scale().unwrap_or(2).min(2), x),
        // Table Schema accepts 1/0 as booleans, and that is how the SNDS extracts write them.
        Val::Bool(b) => if *b { "1" } else { "0" }.to_owned(),
        Val::Date(d) => date_cell(*d, 0, f),
        Val::DateTime(d, secs) => date_cell(*d, *secs, f),
    }
}

/// A random value of the column's type, drawn from its code list when the snapshot has it.
pub fn random_cell(f: &Field, codes: &CodeLists, rng: &mut Rng) -> String {
    if let Some(list) = f.codelist.as_deref().and_then(|n| codes.get(n)) {
        if !list.is_empty() {
            return rng.pick(list).clone();
        }
    }
    let day = || Date::ymd(2019, 1, 1);
    match f.typ.as_str() {
        "integer" => {
            let digits = f.width().unwrap_or(3).clamp(1, 4) as u32;
            rng.below(10u64.pow(digits)).to_string()
        }
        "number" => cell(&Val::Num(rng.range(0, 100_000) as f64 / 100.0), f),
        "boolean" => cell(&Val::Bool(rng.chance(0.5)), f),
        "date" | "datetime" | "year" | "yearmonth" => {
            let d = day().add(rng.range(0, 5 * 365));
            cell(&Val::DateTime(d, rng.range(0, 86_399)), f)
        }
        _ => {
            let n = f.width().unwrap_or(8).clamp(1, 20);
            rng.chars(b"ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789", n)
        }
    }
}

fn csv_escape(s: &str) -> String {
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_owned()
    }
}

/// Comma-separated, UTF-8, `\n` line ends, a header of the column names.
pub fn write_csv(path: &Path, header: &[String], rows: &[Vec<String>]) -> std::io::Result<()> {
    let mut out = Vec::new();
    let line = |cells: &[String]| {
        cells
            .iter()
            .map(|c| csv_escape(c))
            .collect::<Vec<_>>()
            .join(",")
    };
    writeln!(out, "{}", line(header))?;
    for row in rows {
        writeln!(out, "{}", line(row))?;
    }
    std::fs::write(path, out)
}
