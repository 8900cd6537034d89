//! The output side of the generator: one streaming CSV writer per table, cells written as the
//! schema declares them (type, strftime format, length), code-listed cells checked against their
//! list, and typed values for the columns the world knows nothing about.

use super::date::Date;
use super::rng::Rng;
use super::{plausible_icd, CodeList, CodeLists};
use crate::model::{Table, Variable};
use crate::{Error, Result};
use std::collections::HashMap;
use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// A value the world gives a column; the schema decides how it is written.
#[derive(Clone, Debug)]
pub(crate) enum Val {
    Text(String),
    Int(i64),
    Num(f64),
    Bool(bool),
    Date(Date),
    /// A date and a time of day in seconds.
    DateTime(Date, i64),
}

pub(crate) fn text(s: impl Into<String>) -> Val {
    Val::Text(s.into())
}

/// One row being built: a value (or nothing yet) per schema column.
#[derive(Clone, Debug)]
pub(crate) struct Row {
    pub vals: Vec<Option<Val>>,
    /// The care day the row is about: generic date columns take it, so that they are in order.
    pub anchor: Date,
    /// (sex, age) of the person, for plausible codes.
    pub person: Option<(i64, i64)>,
}

/// A table being written.
pub(crate) struct TableOut {
    pub table: Table,
    cols: HashMap<String, usize>,
    codes: Vec<Option<Arc<CodeList>>>,
    w: BufWriter<File>,
    pub path: PathBuf,
    pub rows: u64,
    line: String,
}

fn io(path: &Path) -> impl Fn(std::io::Error) -> Error + '_ {
    move |e| Error::io(path, e)
}

impl TableOut {
    pub fn create(table: &Table, codes: &CodeLists, path: PathBuf) -> Result<TableOut> {
        let f = File::create(&path).map_err(io(&path))?;
        let mut w = BufWriter::with_capacity(1 << 16, f);
        let header: Vec<String> = table
            .variables
            .iter()
            .map(|v| csv_escape(&v.name))
            .collect();
        writeln!(w, "{}", header.join(",")).map_err(io(&path))?;
        Ok(TableOut {
            cols: table
                .variables
                .iter()
                .enumerate()
                .map(|(i, v)| (v.name.clone(), i))
                .collect(),
            codes: table
                .variables
                .iter()
                .map(|v| v.nomenclature.as_ref().and_then(|n| codes.for_ref(n)))
                .collect(),
            table: table.clone(),
            w,
            path,
            rows: 0,
            line: String::new(),
        })
    }

    pub fn col(&self, name: &str) -> Option<usize> {
        self.cols.get(name).copied()
    }

    pub fn row(&self, anchor: Date, person: Option<(i64, i64)>) -> Row {
        Row {
            vals: vec![None; self.table.variables.len()],
            anchor,
            person,
        }
    }

    pub fn set(&self, row: &mut Row, name: &str, v: Val) {
        if let Some(i) = self.col(name) {
            row.vals[i] = Some(v);
        }
    }

    /// Copies the columns of each foreign key of this table to `parent` from the parent's row.
    pub fn copy_keys(&self, row: &mut Row, parent: &TableOut, prow: &Row) {
        for fk in &self.table.foreign_keys {
            if fk.table != parent.table.name {
                continue;
            }
            for (f, rf) in fk.fields.iter().zip(&fk.ref_fields) {
                if let (Some(ci), Some(pi)) = (self.col(f), parent.col(rf)) {
                    row.vals[ci] = prow.vals[pi].clone();
                }
            }
        }
    }

    /// Writes the row: given values as the schema says, typed values for the others.
    pub fn write(&mut self, row: &Row, rng: &mut Rng) -> Result<()> {
        self.line.clear();
        for (i, f) in self.table.variables.iter().enumerate() {
            if i > 0 {
                self.line.push(',');
            }
            let list = self.codes[i].as_deref();
            let mut cell = match &row.vals[i] {
                Some(v) => cell(v, f),
                None => generic_cell(f, list, row.anchor, rng),
            };
            if let Some(list) = list {
                if !cell.is_empty() && !list.contains(&cell) && !list.codes.is_empty() {
                    cell = pick_code(list, row.person, rng);
                }
            }
            if cell.contains([',', '"', '\n', '\r']) {
                self.line.push_str(&csv_escape(&cell));
            } else {
                self.line.push_str(&cell);
            }
        }
        self.line.push('\n');
        self.w
            .write_all(self.line.as_bytes())
            .map_err(io(&self.path))?;
        self.rows += 1;
        Ok(())
    }

    pub fn finish(self) -> Result<u64> {
        let path = self.path;
        let f = self
            .w
            .into_inner()
            .map_err(|e| Error::io(&path, e.into_error()))?;
        f.sync_all().map_err(io(&path))?;
        Ok(self.rows)
    }
}

/// A code of the list, plausible for the person's sex and age (a few tries).
pub(crate) fn pick_code(list: &CodeList, person: Option<(i64, i64)>, rng: &mut Rng) -> String {
    let mut c = rng.pick(&list.codes);
    if let Some((sex, age)) = person {
        for _ in 0..30 {
            if plausible_icd(c, sex, age) {
                break;
            }
            c = rng.pick(&list.codes);
        }
    }
    c.clone()
}

fn csv_escape(s: &str) -> String {
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_owned()
    }
}

/// Leading integer of a `p,s` length.
fn width(f: &Variable) -> Option<usize> {
    f.length.as_deref()?.split(',').next()?.trim().parse().ok()
}

fn scale(f: &Variable) -> Option<usize> {
    f.length.as_deref()?.split(',').nth(1)?.trim().parse().ok()
}

/// The strftime pattern of a date column (`None`: the type's default).
fn pattern(f: &Variable) -> Option<&str> {
    f.format.as_deref().filter(|p| p.contains('%'))
}

/// Writes a date for a column of the given type and format. `default` means ISO 8601 as in
/// Table Schema; year-month columns are six digits (`AAAAMM`), their documented length.
fn date_cell(d: Date, secs: i64, f: &Variable) -> String {
    if let Some(p) = pattern(f) {
        return d.format(p, secs);
    }
    match f.r#type.as_str() {
        "date" => d.format("%Y-%m-%d", 0),
        "datetime" => d.format("%Y-%m-%dT%H:%M:%S", secs),
        "year" => d.format("%Y", 0),
        "yearmonth" => d.format("%Y%m", 0),
        "integer" | "number" => d.format("%Y%m%d", 0),
        _ => d.format("%Y%m%d", 0),
    }
}

pub(crate) fn cell(v: &Val, f: &Variable) -> String {
    match v {
        Val::Text(s) => s.clone(),
        Val::Int(i) => i.to_string(),
        // Amounts and rates: two decimals at most, whatever the documented scale.
        Val::Num(x) => format!("{:.*}", scale(f).unwrap_or(2).min(2), x),
        // Table Schema accepts 1/0 as booleans, and that is how the SNDS extracts write them.
        Val::Bool(b) => if *b { "1" } else { "0" }.to_owned(),
        Val::Date(d) => date_cell(*d, 0, f),
        Val::DateTime(d, secs) => date_cell(*d, *secs, f),
    }
}

/// A typed value for a column the world does not know: a code of its list, else a value of its
/// type; dates are the row's anchor day, so that a generic row's dates are in order.
pub(crate) fn generic_cell(
    f: &Variable,
    list: Option<&CodeList>,
    anchor: Date,
    rng: &mut Rng,
) -> String {
    if let Some(list) = list {
        if !list.codes.is_empty() {
            return rng.pick(&list.codes).clone();
        }
    }
    match f.r#type.as_str() {
        "integer" => {
            let digits = width(f).unwrap_or(3).clamp(1, 4) as u32;
            rng.below(10u64.pow(digits)).to_string()
        }
        "number" => cell(&Val::Num(rng.range(0, 100_000) as f64 / 100.0), f),
        "boolean" => cell(&Val::Bool(rng.chance(0.5)), f),
        "date" | "datetime" | "year" | "yearmonth" => date_cell(anchor, rng.range(0, 86_399), f),
        _ if pattern(f).is_some() => date_cell(anchor, rng.range(0, 86_399), f),
        _ => {
            let n = width(f).unwrap_or(8).clamp(1, 20);
            rng.chars(b"ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789", n)
        }
    }
}
