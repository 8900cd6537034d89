//! Measures how coherent a synthetic SNDS directory is — ours or any other with the layout of
//! synthetic-snds (`schemas/<produit>/<TABLE>.json` beside `<TABLE>.csv`, code lists under
//! `nomenclatures/`): foreign keys that resolve, person ids known to the beneficiary table, dates
//! in order, codes in their lists, DCIR detail rows that join their prestation.

use super::date::Date;
use super::{CodeList, CodeLists};
use crate::ingest::nomenclature_csv::{read_code_list_schema, sniff_delimiter};
use crate::ingest::table_schema::read_table_schema;
use crate::model::Table;
use crate::{Error, Result};
use serde::{Deserialize, Serialize};
use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use ts_rs::TS;

/// A count out of a total.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, Deserialize, TS)]
#[ts(rename = "SynthMeasure")]
pub struct Measure {
    /// Rows (or cells) that meet the criterion.
    pub count: u64,
    /// Rows (or cells) checked.
    pub total: u64,
    /// `count / total` in percent; `None` when nothing was checked.
    pub percent: Option<f64>,
}

impl Measure {
    fn add(&mut self, ok: bool) {
        self.total += 1;
        self.count += ok as u64;
    }
    fn done(mut self) -> Self {
        self.percent = (self.total > 0).then(|| self.count as f64 * 100.0 / self.total as f64);
        self
    }
    fn merge(&mut self, o: &Measure) {
        self.count += o.count;
        self.total += o.total;
    }
}

/// The figures of one table.
#[derive(Debug, Clone, Default, Serialize, Deserialize, TS)]
#[ts(rename = "SynthTableCheck")]
pub struct TableCheck {
    /// The table.
    pub name: String,
    /// Its rows.
    pub rows: u64,
    /// Foreign-key values that resolve.
    pub foreign_keys: Measure,
    /// Rows whose dates are out of order.
    pub date_violations: Measure,
    /// Code-listed cells whose code is in the list.
    pub valid_codes: Measure,
}

/// `synth.check`: coherence figures of a directory.
#[derive(Debug, Clone, Default, Serialize, Deserialize, TS)]
#[ts(rename = "SynthCheckReport")]
pub struct CheckReport {
    /// The directory.
    pub dir: String,
    /// Tables with rows.
    pub tables: usize,
    /// Rows in all tables.
    pub rows: u64,
    /// Rows whose foreign-key values (all non-empty) are found in the table referenced, over
    /// every declared foreign key whose table is present.
    pub foreign_keys: Measure,
    /// Rows of fact tables whose person (`BEN_NIR_PSA`, `NIR_ANO_17`, `BEN_IDT_ANO`) is in the
    /// beneficiary table `IR_BEN_R`.
    pub person_ids: Measure,
    /// Rows with a date out of order: start after end (`…_DTD`/`…_DTF`, `…_AMD`/`…_AMF`,
    /// `ENT_DAT`/`SOR_DAT`), care before birth (year of `BEN_NAI_ANN`, the row's or the
    /// person's) or after death (`BEN_DCD_DTE`), or a hospital stay overlapping an earlier stay
    /// of the same person. `count` is the violations.
    pub date_violations: Measure,
    /// Stays (rows with `NIR_ANO_17`, `ENT_DAT`, `SOR_DAT`) overlapping another stay of the
    /// person (also counted in `date_violations`).
    pub stay_overlaps: Measure,
    /// Non-empty cells of code-listed columns whose code is in the list (lists found in the
    /// directory, else in the catalogue).
    pub valid_codes: Measure,
    /// DCIR detail rows (a foreign key to `ER_PRS_F`) whose keys find their prestation.
    pub dcir_joinable: Measure,
    /// Per table.
    pub per_table: Vec<TableCheck>,
    /// The first problems found, with file, line and column.
    pub examples: Vec<String>,
}

const MAX_EXAMPLES: usize = 20;
const SEP: char = '\u{1f}';

struct Src {
    table: Table,
    csv: PathBuf,
}

fn find_tables(dir: &Path) -> Result<Vec<Src>> {
    let root = dir.join("schemas");
    if !root.is_dir() {
        return Err(Error::Invalid(format!(
            "{}: no schemas/ folder (expected schemas/<produit>/<TABLE>.json beside <TABLE>.csv)",
            dir.display()
        )));
    }
    let mut out = Vec::new();
    for e in walkdir::WalkDir::new(&root).sort_by_file_name() {
        let e = e.map_err(|e| Error::Invalid(format!("{}: {e}", root.display())))?;
        let p = e.path();
        if p.extension().and_then(|x| x.to_str()) != Some("json") {
            continue;
        }
        let csv = p.with_extension("csv");
        if !csv.is_file() {
            continue;
        }
        out.push(Src {
            table: read_table_schema(p, "check")?,
            csv,
        });
    }
    Ok(out)
}

/// Code lists of the directory that `tables` reference: codes by list name and, for
/// `NAME:COLUMN` references, that column's values.
fn read_lists(dir: &Path, tables: &[Src]) -> Result<CodeLists> {
    let mut wanted: HashMap<String, HashSet<Option<String>>> = HashMap::new();
    for s in tables {
        for v in &s.table.variables {
            if let Some(r) = &v.nomenclature {
                wanted
                    .entry(r.name.clone())
                    .or_default()
                    .insert(r.column.clone());
            }
        }
    }
    let mut lists = CodeLists::default();
    let root = dir.join("nomenclatures");
    if !root.is_dir() {
        return Ok(lists);
    }
    for e in walkdir::WalkDir::new(&root).sort_by_file_name() {
        let e = e.map_err(|e| Error::Invalid(format!("{}: {e}", root.display())))?;
        if e.path().extension().and_then(|x| x.to_str()) != Some("json") {
            continue;
        }
        let Ok(src) = read_code_list_schema(e.path(), "check") else {
            continue;
        };
        let Some(cols) = wanted.get(&src.name) else {
            continue;
        };
        let mut by_col: HashMap<Option<String>, (Vec<String>, Vec<String>)> = HashMap::new();
        let code_name = src.columns[src.code_column].clone();
        src.for_each_code(|code, label, rec| {
            for c in cols {
                let v = match c {
                    Some(c) if *c != code_name => {
                        let Some(i) = src.columns.iter().position(|x| x == c) else {
                            continue;
                        };
                        rec.get(i).unwrap_or("").trim().to_string()
                    }
                    _ => code.trim().to_string(),
                };
                let e = by_col.entry(c.clone()).or_default();
                e.0.push(v);
                e.1.push(label.to_string());
            }
        })?;
        for (c, (codes, labels)) in by_col {
            let key = match c {
                Some(c) => format!("{}:{c}", src.name),
                None => src.name.clone(),
            };
            lists.0.insert(key, Arc::new(CodeList::new(codes, labels)));
        }
    }
    Ok(lists)
}

/// Streams the rows of a CSV (comma or semicolon, sniffed from the header line).
fn rows(
    path: &Path,
    mut f: impl FnMut(u64, &csv::StringRecord) -> Result<()>,
) -> Result<Vec<String>> {
    use std::io::BufRead;
    let file = std::fs::File::open(path).map_err(|e| Error::io(path, e))?;
    let mut r = std::io::BufReader::new(file);
    let mut first = String::new();
    r.read_line(&mut first).map_err(|e| Error::io(path, e))?;
    let delim = sniff_delimiter(&first);
    let file = std::fs::File::open(path).map_err(|e| Error::io(path, e))?;
    let mut rd = csv::ReaderBuilder::new()
        .delimiter(delim)
        .flexible(true)
        .from_reader(std::io::BufReader::with_capacity(1 << 16, file));
    let err = |e: csv::Error| Error::Csv {
        path: path.into(),
        line: e.position().map(|p| p.line()).unwrap_or(0),
        message: e.to_string(),
    };
    let header: Vec<String> = rd
        .headers()
        .map_err(err)?
        .iter()
        .map(|h| h.trim().trim_start_matches('\u{feff}').to_string())
        .collect();
    let mut rec = csv::StringRecord::new();
    while rd.read_record(&mut rec).map_err(err)? {
        let line = rec.position().map(|p| p.line()).unwrap_or(0);
        f(line, &rec)?;
    }
    Ok(header)
}

fn header_of(path: &Path) -> Result<Vec<String>> {
    let mut h = Vec::new();
    let mut rd = csv::ReaderBuilder::new()
        .delimiter({
            use std::io::BufRead;
            let f = std::fs::File::open(path).map_err(|e| Error::io(path, e))?;
            let mut first = String::new();
            std::io::BufReader::new(f)
                .read_line(&mut first)
                .map_err(|e| Error::io(path, e))?;
            sniff_delimiter(&first)
        })
        .from_path(path)
        .map_err(|e| Error::Csv {
            path: path.into(),
            line: 0,
            message: e.to_string(),
        })?;
    if let Ok(hd) = rd.headers() {
        h = hd
            .iter()
            .map(|x| x.trim().trim_start_matches('\u{feff}').to_string())
            .collect();
    }
    Ok(h)
}

struct PersonInfo {
    birth_year: Option<i64>,
    death: Option<Date>,
}

fn idx(header: &[String], name: &str) -> Option<usize> {
    header.iter().position(|h| h == name)
}

/// Measures the coherence of `dir` (see [`CheckReport`]). Code lists missing from the directory
/// are taken from `fallback` (the catalogue's) when given.
pub fn check(dir: &Path, fallback: Option<&CodeLists>) -> Result<CheckReport> {
    let tables = find_tables(dir)?;
    let lists = read_lists(dir, &tables)?;
    let by_name: HashMap<&str, usize> = tables
        .iter()
        .enumerate()
        .map(|(i, s)| (s.table.name.as_str(), i))
        .collect();

    // Pass 1: the key sets the foreign keys point at, and the persons.
    let mut targets: HashMap<(usize, Vec<String>), HashSet<String>> = HashMap::new();
    for s in &tables {
        for fk in &s.table.foreign_keys {
            if let Some(&t) = by_name.get(fk.table.as_str()) {
                if !fk.ref_fields.is_empty() {
                    targets.entry((t, fk.ref_fields.clone())).or_default();
                }
            }
        }
    }
    for ((t, cols), set) in targets.iter_mut() {
        let path = &tables[*t].csv;
        let header = header_of(path)?;
        let Some(ix) = cols
            .iter()
            .map(|c| idx(&header, c))
            .collect::<Option<Vec<_>>>()
        else {
            continue;
        };
        rows(path, |_, rec| {
            set.insert(join_key(rec, &ix));
            Ok(())
        })?;
    }
    let mut persons: HashMap<String, PersonInfo> = HashMap::new();
    let mut idt: HashSet<String> = HashSet::new();
    let ben = by_name.get("IR_BEN_R").copied();
    if let Some(b) = ben {
        let s = &tables[b];
        let header = header_of(&s.csv)?;
        let (psa, nai, dcd, idta) = (
            idx(&header, "BEN_NIR_PSA"),
            idx(&header, "BEN_NAI_ANN"),
            idx(&header, "BEN_DCD_DTE"),
            idx(&header, "BEN_IDT_ANO"),
        );
        let dcd_pat = s
            .table
            .variables
            .iter()
            .find(|v| v.name == "BEN_DCD_DTE")
            .and_then(|v| v.format.clone());
        rows(&s.csv, |_, rec| {
            if let Some(i) = idta {
                idt.insert(rec.get(i).unwrap_or("").trim().to_string());
            }
            if let Some(i) = psa {
                let info = PersonInfo {
                    birth_year: nai.and_then(|j| rec.get(j)?.trim().parse().ok()),
                    death: dcd.and_then(|j| parse_date(rec.get(j)?, dcd_pat.as_deref())),
                };
                persons.insert(rec.get(i).unwrap_or("").trim().to_string(), info);
            }
            Ok(())
        })?;
    }

    // Pass 2: every table.
    let mut report = CheckReport {
        dir: dir.display().to_string(),
        ..Default::default()
    };
    let mut examples = Vec::new();
    let mut note = |s: String| {
        if examples.len() < MAX_EXAMPLES {
            examples.push(s);
        }
    };
    for (ti, s) in tables.iter().enumerate() {
        let t = &s.table;
        let header = header_of(&s.csv)?;
        let mut tc = TableCheck {
            name: t.name.clone(),
            ..Default::default()
        };
        let var = |n: &str| t.variables.iter().find(|v| v.name == n);
        // Code-listed columns.
        let coded: Vec<(usize, Arc<CodeList>)> = header
            .iter()
            .enumerate()
            .filter_map(|(i, h)| {
                let r = var(h)?.nomenclature.as_ref()?;
                let l = lists
                    .for_ref(r)
                    .or_else(|| fallback.and_then(|f| f.for_ref(r)))?;
                (!l.codes.is_empty()).then_some((i, l))
            })
            .collect();
        // Foreign keys whose target is present.
        let fks: Vec<(Vec<usize>, &HashSet<String>, bool, String)> = t
            .foreign_keys
            .iter()
            .filter_map(|fk| {
                let tt = *by_name.get(fk.table.as_str())?;
                let set = targets.get(&(tt, fk.ref_fields.clone()))?;
                let cols = fk
                    .fields
                    .iter()
                    .map(|c| idx(&header, c))
                    .collect::<Option<Vec<_>>>()?;
                if set.is_empty() && tables[tt].csv == s.csv {
                    return None;
                }
                Some((cols, set, fk.table == "ER_PRS_F", fk.table.clone()))
            })
            .collect();
        // Person columns (fact tables only).
        let person_col = if Some(ti) == ben || ben.is_none() {
            None
        } else {
            idx(&header, "BEN_NIR_PSA")
                .or_else(|| idx(&header, "NIR_ANO_17"))
                .map(|i| (i, false))
                .or_else(|| idx(&header, "BEN_IDT_ANO").map(|i| (i, true)))
        };
        // Date pairs and care dates.
        let pat = |i: usize| var(&header[i]).and_then(|v| v.format.clone());
        let mut pairs: Vec<(usize, usize)> = Vec::new();
        for (i, h) in header.iter().enumerate() {
            for (a, b) in [("_DTD", "_DTF"), ("_AMD", "_AMF")] {
                if let Some(stem) = h.strip_suffix(a) {
                    if let Some(j) = idx(&header, &format!("{stem}{b}")) {
                        pairs.push((i, j));
                    }
                }
            }
        }
        if let (Some(i), Some(j)) = (idx(&header, "ENT_DAT"), idx(&header, "SOR_DAT")) {
            pairs.push((i, j));
        }
        let pats: Vec<Option<String>> = (0..header.len()).map(pat).collect();
        let care = ["EXE_SOI_DTD", "ENT_DAT", "IMB_ALD_DTD"]
            .iter()
            .find_map(|c| idx(&header, c));
        let nai = idx(&header, "BEN_NAI_ANN");
        let dcd = idx(&header, "BEN_DCD_DTE");
        let stay = match (
            idx(&header, "NIR_ANO_17"),
            idx(&header, "ENT_DAT"),
            idx(&header, "SOR_DAT"),
        ) {
            (Some(a), Some(b), Some(c)) => Some((a, b, c)),
            _ => None,
        };
        let mut stays: Vec<(String, Date, Date, u64)> = Vec::new();
        let file = s.csv.display().to_string();
        rows(&s.csv, |line, rec| {
            tc.rows += 1;
            let cell = |i: usize| rec.get(i).unwrap_or("").trim();
            for (i, l) in &coded {
                let v = cell(*i);
                if v.is_empty() {
                    continue;
                }
                let ok = l.contains(v);
                tc.valid_codes.add(ok);
                if !ok {
                    note(format!(
                        "{file}:{line}: {} = {v:?} is not in its code list",
                        header[*i]
                    ));
                }
            }
            for (cols, set, dcir, target) in &fks {
                if cols.iter().any(|&i| cell(i).is_empty()) {
                    continue;
                }
                let ok = set.contains(&join_key(rec, cols));
                tc.foreign_keys.add(ok);
                if *dcir {
                    report.dcir_joinable.add(ok);
                }
                if !ok {
                    note(format!(
                        "{file}:{line}: no row of {target} for {:?}",
                        cols.iter().map(|&i| cell(i)).collect::<Vec<_>>()
                    ));
                }
            }
            let mut person = None;
            if let Some((i, by_idt)) = person_col {
                let v = cell(i);
                if !v.is_empty() {
                    let ok = if by_idt {
                        idt.contains(v)
                    } else {
                        persons.contains_key(v)
                    };
                    report.person_ids.add(ok);
                    if !ok {
                        note(format!("{file}:{line}: person {v:?} is not in IR_BEN_R"));
                    }
                    if !by_idt {
                        person = persons.get(v);
                    }
                }
            }
            // Dates.
            let date = |i: usize| parse_date(cell(i), pats[i].as_deref());
            let mut checked = false;
            let mut bad = None;
            for &(i, j) in &pairs {
                if let (Some(a), Some(b)) = (date(i), date(j)) {
                    checked = true;
                    if a > b && bad.is_none() {
                        bad = Some(format!("{} after {}", header[i], header[j]));
                    }
                }
            }
            if let Some(c) = care.and_then(date) {
                let birth = nai
                    .and_then(|i| cell(i).parse::<i64>().ok())
                    .or_else(|| person.and_then(|p| p.birth_year));
                let death = dcd.and_then(date).or_else(|| person.and_then(|p| p.death));
                if let Some(y) = birth {
                    checked = true;
                    if c.year() < y && bad.is_none() {
                        bad = Some(format!("care in {} before birth in {y}", c.year()));
                    }
                }
                if let Some(d) = death {
                    checked = true;
                    if c > d && bad.is_none() {
                        bad = Some("care after death".to_string());
                    }
                }
            }
            if checked {
                tc.date_violations.add(bad.is_some());
                if let Some(b) = bad {
                    note(format!("{file}:{line}: {b}"));
                }
            }
            if let Some((a, b, c)) = stay {
                if let (Some(e), Some(x)) = (date(b), date(c)) {
                    stays.push((cell(a).to_string(), e, x, line));
                }
            }
            Ok(())
        })?;
        if !stays.is_empty() {
            stays.sort();
            let mut last: Option<(&str, Date)> = None;
            for (p, e, x, line) in &stays {
                let overlap = matches!(last, Some((q, end)) if q == p.as_str() && *e <= end);
                report.stay_overlaps.add(overlap);
                if overlap {
                    tc.date_violations.count += 1;
                    note(format!(
                        "{file}:{line}: stay of {p} overlaps an earlier one"
                    ));
                }
                let end = match last {
                    Some((q, end)) if q == p.as_str() => end.max(*x),
                    _ => *x,
                };
                last = Some((p.as_str(), end));
            }
        }
        tc.date_violations.count = tc.date_violations.count.min(tc.date_violations.total);
        report.rows += tc.rows;
        report.tables += 1;
        report.foreign_keys.merge(&tc.foreign_keys);
        report.date_violations.merge(&tc.date_violations);
        report.valid_codes.merge(&tc.valid_codes);
        tc.foreign_keys = tc.foreign_keys.done();
        tc.date_violations = tc.date_violations.done();
        tc.valid_codes = tc.valid_codes.done();
        report.per_table.push(tc);
    }
    report.foreign_keys = report.foreign_keys.done();
    report.person_ids = report.person_ids.done();
    report.date_violations = report.date_violations.done();
    report.stay_overlaps = report.stay_overlaps.done();
    report.valid_codes = report.valid_codes.done();
    report.dcir_joinable = report.dcir_joinable.done();
    report.examples = examples;
    Ok(report)
}

fn join_key(rec: &csv::StringRecord, cols: &[usize]) -> String {
    let mut k = String::new();
    for (n, &i) in cols.iter().enumerate() {
        if n > 0 {
            k.push(SEP);
        }
        k.push_str(rec.get(i).unwrap_or("").trim());
    }
    k
}

fn parse_date(s: &str, pattern: Option<&str>) -> Option<Date> {
    let s = s.trim();
    if s.is_empty() {
        return None;
    }
    match pattern.filter(|p| p.contains('%')) {
        Some(p) => Date::parse(p, s).or_else(|| Date::parse_any(s)),
        None => Date::parse_any(s),
    }
}
