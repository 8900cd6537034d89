//! CSV: one row per data item (base, table, variable, label, justification, key), for a
//! spreadsheet.
//!
//! Choices, for the people who open it in Excel, most of them French:
//! - UTF-8 with a byte-order mark: without it Excel reads a CSV as Windows-1252 and accents come
//!   out as `Ã©`; with it Excel, LibreOffice and the `csv` readers of Python and Rust read UTF-8.
//! - The separator is `;` for a French statement and `,` for an English one: Excel splits on its
//!   locale's list separator, which is `;` where the comma is the decimal mark. Quoting is
//!   RFC 4180 (fields with the separator, quotes or line breaks in double quotes, quotes doubled,
//!   CRLF between records).
//! - CSV injection: a cell starting with `=`, `+`, `-`, `@`, a tab or a carriage return would be
//!   run as a formula by a spreadsheet; such a cell is prefixed with `'` (OWASP's advice), which
//!   spreadsheets show as text and a reader can strip.

use super::view::texts;
use super::ExportInput;
use crate::cite::Lang;
use crate::{Error, Result};

/// A cell a spreadsheet will not run as a formula.
pub(crate) fn neutralise(s: &str) -> String {
    match s.chars().next() {
        Some('=' | '+' | '-' | '@' | '\t' | '\r') => format!("'{s}"),
        _ => s.to_string(),
    }
}

/// Writes the data items of `input` as CSV.
pub(crate) fn write(input: &ExportInput, origin: &str) -> Result<Vec<u8>> {
    let doc = input.doc;
    let t = texts(doc.lang);
    let delimiter = match doc.lang {
        Lang::Fr => b';',
        Lang::En => b',',
    };
    let mut out = b"\xEF\xBB\xBF".to_vec();
    {
        let mut w = csv::WriterBuilder::new()
            .delimiter(delimiter)
            .terminator(csv::Terminator::CRLF)
            .from_writer(&mut out);
        let failed = |e: csv::Error| Error::Invalid(format!("{origin}: CSV export: {e}"));
        w.write_record([t.base, t.table, t.variable, t.label, t.justification, t.key])
            .map_err(failed)?;
        for item in &doc.data {
            let label = input
                .labels
                .get(&item.reference())
                .map(String::as_str)
                .unwrap_or("");
            let key = if item.key { t.key_mark } else { "" };
            let row = [
                item.base.as_str(),
                item.table.as_deref().unwrap_or(""),
                item.variable.as_deref().unwrap_or(""),
                label,
                item.why.as_str(),
                key,
            ];
            w.write_record(row.iter().map(|c| neutralise(c)))
                .map_err(failed)?;
        }
        w.flush()
            .map_err(|e| Error::Invalid(format!("{origin}: CSV export: {e}")))?;
    }
    Ok(out)
}
