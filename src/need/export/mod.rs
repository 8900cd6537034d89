//! Exports of a need statement: PDF, DOCX, Markdown, CSV (one row per variable) and JSON (the
//! canonical document, lossless).

mod csv;
mod docx;
mod md;
mod pdf;
mod view;

use super::checks::CheckReport;
use super::NeedStatement;
use crate::Result;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use ts_rs::TS;

/// An export format.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "lowercase")]
pub enum ExportFormat {
    /// PDF, typeset.
    #[default]
    Pdf,
    /// Word (Office Open XML).
    Docx,
    /// Markdown.
    Md,
    /// CSV, one row per data item.
    Csv,
    /// The document as JSON (import it back with `need.import`).
    Json,
}

impl ExportFormat {
    /// The file extension.
    pub fn extension(self) -> &'static str {
        match self {
            ExportFormat::Pdf => "pdf",
            ExportFormat::Docx => "docx",
            ExportFormat::Md => "md",
            ExportFormat::Csv => "csv",
            ExportFormat::Json => "json",
        }
    }

    /// The media type.
    pub fn media_type(self) -> &'static str {
        match self {
            ExportFormat::Pdf => "application/pdf",
            ExportFormat::Docx => {
                "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
            }
            ExportFormat::Md => "text/markdown; charset=utf-8",
            ExportFormat::Csv => "text/csv; charset=utf-8",
            ExportFormat::Json => "application/json",
        }
    }
}

/// What an export needs besides the document: what the catalogue says of its items, the checks
/// and the bibliography, resolved by the api so that the writers need no database.
pub struct ExportInput<'a> {
    /// The statement's id in user.sqlite.
    pub id: i64,
    /// The document.
    pub doc: &'a NeedStatement,
    /// The last saved version (0: never saved).
    pub version: u32,
    /// Labels of the items, by reference (`variable/ER_PRS_F/BEN_NIR_PSA` → its description,
    /// `table/ER_PRS_F` → its title, `base/dcir` → its title).
    pub labels: &'a BTreeMap<String, String>,
    /// The checks' result.
    pub report: &'a CheckReport,
    /// The bibliography: one rendered entry per base of the statement (its language, APA).
    pub citations: &'a [String],
    /// The day of the export, `YYYY-MM-DD`.
    pub generated: &'a str,
}

/// Writes `input` in `format`. Headings and labels are in the statement's language
/// (`doc.lang`); the user's text is written as given, never read as markup.
pub fn export(input: &ExportInput, format: ExportFormat) -> Result<Vec<u8>> {
    let origin = format!("need {}", input.id);
    match format {
        ExportFormat::Json => Ok(super::to_json(input.doc).into_bytes()),
        ExportFormat::Csv => csv::write(input, &origin),
        ExportFormat::Md => Ok(md::write(&view::View::new(input)).into_bytes()),
        ExportFormat::Docx => docx::write(&view::View::new(input), &origin),
        ExportFormat::Pdf => pdf::write(&view::View::new(input), &origin),
    }
}
