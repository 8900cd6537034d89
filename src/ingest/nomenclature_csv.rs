//! Reader of code lists (nomenclatures): a CSV of rows plus the Table Schema JSON beside it.
//!
//! Real code lists are untidy: `;` or `,` separators, quoted or not, UTF-8 or Windows-1252,
//! sometimes a byte-order mark. The schema's `role: code|label` hints say which columns hold
//! the code and its label; without them the first column is the code and the second the label.

use crate::ingest::text::{decode_text, fix_c1, json_text};
use crate::{Error, Result};
use serde_json::Value;
use std::path::{Path, PathBuf};

/// A code list's schema and where its rows are.
#[derive(Debug, Clone)]
pub struct CodeListSource {
    /// Name (`IR_SEX_V`).
    pub name: String,
    /// Title.
    pub title: String,
    /// Column names from the schema.
    pub columns: Vec<String>,
    /// Index of the code column in `columns`.
    pub code_column: usize,
    /// Index of the label column in `columns`.
    pub label_column: Option<usize>,
    /// The schema file.
    pub schema_path: PathBuf,
    /// The CSV file, `None` when it is missing (a warning, not a failure).
    pub csv_path: Option<PathBuf>,
    /// Where it comes from, for the report.
    pub source: String,
}

/// Reads the JSON schema of a code list; the CSV is expected beside it with the same stem.
pub fn read_code_list_schema(path: &Path, source: &str) -> Result<CodeListSource> {
    let bytes = std::fs::read(path).map_err(|e| Error::io(path, e))?;
    let v: Value = serde_json::from_slice(&bytes).map_err(|e| Error::json(path, &e))?;
    let field_err = |field: &str, message: &str| Error::Field {
        path: path.into(),
        field: field.into(),
        message: message.into(),
    };
    let fields = v
        .get("fields")
        .and_then(Value::as_array)
        .ok_or_else(|| field_err("fields", "missing or not an array"))?;
    let mut columns = Vec::with_capacity(fields.len());
    let (mut code_column, mut label_column) = (None, None);
    for (i, f) in fields.iter().enumerate() {
        let name = json_text(f.get("name"))
            .ok_or_else(|| field_err(&format!("fields[{i}].name"), "missing"))?;
        match f.get("role").and_then(Value::as_str) {
            Some("code") if code_column.is_none() => code_column = Some(i),
            Some("label") if label_column.is_none() => label_column = Some(i),
            _ => {}
        }
        columns.push(name);
    }
    if columns.is_empty() {
        return Err(field_err("fields", "a code list needs at least one column"));
    }
    let code_column = code_column.unwrap_or(0);
    let label_column = label_column.or(if columns.len() > 1 && code_column != 1 {
        Some(1)
    } else if columns.len() > 1 {
        Some(0)
    } else {
        None
    });
    let stem = path
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    let name = json_text(v.get("name")).unwrap_or(stem);
    let csv = path.with_extension("csv");
    Ok(CodeListSource {
        title: json_text(v.get("title")).unwrap_or_default(),
        name,
        columns,
        code_column,
        label_column,
        schema_path: path.to_path_buf(),
        csv_path: csv.is_file().then_some(csv),
        source: source.to_string(),
    })
}

/// Guesses the separator from the header line: whichever of `;` and `,` occurs more, outside quotes.
pub fn sniff_delimiter(text: &str) -> u8 {
    let header = text.lines().next().unwrap_or("");
    let (mut semi, mut comma, mut quoted) = (0, 0, false);
    for c in header.chars() {
        match c {
            '"' => quoted = !quoted,
            ';' if !quoted => semi += 1,
            ',' if !quoted => comma += 1,
            _ => {}
        }
    }
    if semi >= comma && semi > 0 {
        b';'
    } else if comma > 0 {
        b','
    } else {
        b';'
    }
}

/// Reads every data row of a CSV file, calling `row` with the 1-based line and the record.
/// Returns the header. A row whose column count differs from the header's is an error naming
/// the line.
pub fn for_each_csv_row(
    path: &Path,
    mut row: impl FnMut(&[String], u64, &csv::StringRecord) -> Result<()>,
) -> Result<Vec<String>> {
    let bytes = std::fs::read(path).map_err(|e| Error::io(path, e))?;
    let text = decode_text(&bytes);
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(sniff_delimiter(&text))
        .has_headers(true)
        .flexible(false)
        .from_reader(text.as_bytes());
    let csv_err = |e: csv::Error| {
        let line = e.position().map(|p| p.line()).unwrap_or(0);
        let message = match e.kind() {
            csv::ErrorKind::UnequalLengths {
                expected_len, len, ..
            } => {
                format!("{len} columns where the header has {expected_len}")
            }
            _ => e.to_string(),
        };
        Error::Csv {
            path: path.into(),
            line,
            message,
        }
    };
    let header: Vec<String> = reader
        .headers()
        .map_err(csv_err)?
        .iter()
        .map(|h| h.trim().to_string())
        .collect();
    let mut record = csv::StringRecord::new();
    loop {
        match reader.read_record(&mut record) {
            Ok(true) => {
                let line = record.position().map(|p| p.line()).unwrap_or(0);
                row(&header, line, &record)?;
            }
            Ok(false) => break,
            Err(e) => return Err(csv_err(e)),
        }
    }
    Ok(header)
}

impl CodeListSource {
    /// Streams the rows of the code list as (code, label, all values). Columns are matched to
    /// the schema by name in the CSV header, falling back to the schema's positions.
    pub fn for_each_code(&self, mut f: impl FnMut(&str, &str, &csv::StringRecord)) -> Result<u64> {
        let Some(csv_path) = &self.csv_path else {
            return Ok(0);
        };
        let mut idx: Option<(usize, Option<usize>)> = None;
        let mut n = 0u64;
        let code_name = &self.columns[self.code_column];
        let label_name = self.label_column.map(|i| &self.columns[i]);
        for_each_csv_row(csv_path, |header, _, rec| {
            let (ci, li) = *idx.get_or_insert_with(|| {
                let ci = header
                    .iter()
                    .position(|c| c == code_name)
                    .unwrap_or(self.code_column);
                let li = match label_name {
                    Some(l) => header.iter().position(|c| c == l).or(self.label_column),
                    None => None,
                };
                (ci, li)
            });
            let code = rec.get(ci).unwrap_or("").trim();
            let label = fix_c1(li.and_then(|i| rec.get(i)).unwrap_or("").trim());
            f(code, &label, rec);
            n += 1;
            Ok(())
        })?;
        Ok(n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sniffs_separators_outside_quotes() {
        assert_eq!(sniff_delimiter("\"A;B\",C,D\n"), b',');
        assert_eq!(sniff_delimiter("A;B;C\n"), b';');
        assert_eq!(sniff_delimiter("A\n"), b';');
    }
}
