//! Exports of a need statement, read back with the tools a reader would use: the PDF's text
//! (pdf-extract), the DOCX's XML (docx-rs's reader, and zip + roxmltree on word/document.xml),
//! the Markdown parsed by pulldown-cmark, the CSV by the `csv` crate. Every variable and every
//! justification must come back as written, hostile strings included.

mod need_fixture;

use hublot::cite::Lang;
use hublot::need::export::{export, ExportFormat};
use need_fixture::{Fixture, HOSTILE};
use std::io::Read;

/// Whitespace (including the zero-width spaces that let long names break) is removed on both
/// sides: a typeset or wrapped line may break anywhere a space or an underscore is.
fn squash(s: &str) -> String {
    s.chars()
        .filter(|c| !c.is_whitespace() && *c != '\u{200B}' && *c != '\u{AD}')
        .collect()
}

/// Asserts that every variable name and justification of `f` is in `text` (`format` names the
/// export in the failure).
fn assert_holds_items(f: &Fixture, text: &str, format: &str) {
    let hay = squash(text);
    let mut missing = Vec::new();
    for item in &f.doc.data {
        if let Some(v) = &item.variable {
            if !hay.contains(&squash(v)) {
                missing.push(format!("variable {v}"));
            }
        }
        if !hay.contains(&squash(&item.why)) {
            missing.push(format!("justification {:?}", item.why));
        }
    }
    assert!(
        missing.is_empty(),
        "{format}: {} of {} items missing, first: {:?}",
        missing.len(),
        f.doc.data.len(),
        &missing[..missing.len().min(5)]
    );
}

fn pdf_text(bytes: &[u8]) -> String {
    assert!(bytes.starts_with(b"%PDF-"), "not a PDF");
    pdf_extract::extract_text_from_mem(bytes).expect("the PDF's text extracts")
}

/// Text of word/document.xml: the paragraphs' runs, one line per paragraph.
fn docx_text(bytes: &[u8]) -> String {
    docx_rs::read_docx(bytes).expect("docx-rs reads the DOCX back");
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).expect("a DOCX is a zip");
    let mut xml = String::new();
    zip.by_name("word/document.xml")
        .expect("word/document.xml")
        .read_to_string(&mut xml)
        .unwrap();
    let tree = roxmltree::Document::parse(&xml).expect("document.xml is XML");
    let mut out = String::new();
    for p in tree.descendants().filter(|n| n.has_tag_name("p")) {
        for n in p.descendants() {
            if n.has_tag_name("t") {
                out.push_str(n.text().unwrap_or(""));
            } else if n.has_tag_name("br") {
                out.push('\n');
            }
        }
        out.push('\n');
    }
    out
}

/// The text a Markdown reader sees, and whether any HTML came through.
fn md_text(md: &str) -> (String, bool) {
    use pulldown_cmark::{Event, Options, Parser};
    let mut out = String::new();
    let mut html = false;
    for e in Parser::new_ext(md, Options::ENABLE_TABLES) {
        match e {
            Event::Text(t) | Event::Code(t) => out.push_str(&t),
            Event::SoftBreak | Event::HardBreak => out.push('\n'),
            Event::Html(_) | Event::InlineHtml(_) => {
                // `<br>` is how a cell keeps a line break; anything else is user text leaking.
                html = true;
                out.push('\n');
            }
            Event::End(_) => out.push('\n'),
            _ => {}
        }
    }
    (out, html)
}

#[test]
fn pdf_holds_every_variable_and_justification_as_written() {
    let f = Fixture::new(60, Lang::Fr);
    let pdf = export(&f.input(), ExportFormat::Pdf).unwrap();
    // To look at the exports: HUBLOT_EXPORT_DIR=/tmp/x cargo test --test need_export.
    if let Some(dir) = std::env::var_os("HUBLOT_EXPORT_DIR") {
        let dir = std::path::Path::new(&dir);
        std::fs::write(dir.join("statement.pdf"), &pdf).unwrap();
        for format in [ExportFormat::Docx, ExportFormat::Md, ExportFormat::Csv] {
            let out = export(&f.input(), format).unwrap();
            std::fs::write(dir.join(format!("statement.{}", format.extension())), out).unwrap();
        }
    }
    let text = pdf_text(&pdf);
    assert_holds_items(&f, &text, "PDF");
    for heading in [
        "Expression de besoin",
        "Données demandées",
        "Bibliographie",
        "Contrôles",
    ] {
        assert!(text.contains(heading), "PDF: no French heading {heading:?}");
    }
    // Typst markup in a justification is printed, not run: the page keeps its width and the
    // text after `#panic` is there.
    assert!(squash(&text).contains(&squash(HOSTILE[0])));
}

#[test]
fn pdf_in_english_has_english_headings() {
    let f = Fixture::new(8, Lang::En);
    let text = pdf_text(&export(&f.input(), ExportFormat::Pdf).unwrap());
    for heading in [
        "Need statement",
        "Data requested",
        "Project summary",
        "Checks",
    ] {
        assert!(
            text.contains(heading),
            "PDF: no English heading {heading:?}"
        );
    }
    assert!(!text.contains("Données demandées"));
}

#[test]
fn docx_opens_and_holds_every_variable_and_justification() {
    let f = Fixture::new(60, Lang::Fr);
    let docx = export(&f.input(), ExportFormat::Docx).unwrap();
    let text = docx_text(&docx);
    assert_holds_items(&f, &text, "DOCX");
    for s in HOSTILE {
        assert!(text.contains(s), "DOCX: {s:?} not as written");
    }
    assert!(text.contains("Données demandées") && text.contains("Résumé du projet"));

    let en = Fixture::new(8, Lang::En);
    let text = docx_text(&export(&en.input(), ExportFormat::Docx).unwrap());
    assert!(text.contains("Data requested") && text.contains("Project summary"));
}

#[test]
fn markdown_reads_back_as_the_same_text() {
    let f = Fixture::new(60, Lang::Fr);
    let md = String::from_utf8(export(&f.input(), ExportFormat::Md).unwrap()).unwrap();
    let (text, _) = md_text(&md);
    assert_holds_items(&f, &text, "Markdown");
    // Every hostile string is text: no emphasis, heading, link or HTML made of it.
    for s in HOSTILE {
        for line in s.lines() {
            assert!(
                text.contains(line),
                "Markdown: {line:?} not read back as written"
            );
        }
    }
    assert!(
        !md.contains("<script>"),
        "Markdown: raw HTML from user text"
    );
    assert!(md.starts_with("# Parcours de soins après infarctus\n"));
    assert!(md.contains("## Données demandées"));
    let en = Fixture::new(8, Lang::En);
    let md = String::from_utf8(export(&en.input(), ExportFormat::Md).unwrap()).unwrap();
    assert!(md.contains("## Data requested") && md.contains("## Bibliography"));
}

#[test]
fn csv_has_one_row_per_item_and_no_formula() {
    for lang in [Lang::Fr, Lang::En] {
        let f = Fixture::new(60, lang);
        let bytes = export(&f.input(), ExportFormat::Csv).unwrap();
        assert!(
            bytes.starts_with(b"\xEF\xBB\xBF"),
            "CSV: no UTF-8 byte-order mark"
        );
        let delimiter = if lang == Lang::Fr { b';' } else { b',' };
        let mut r = csv::ReaderBuilder::new()
            .delimiter(delimiter)
            .from_reader(&bytes[3..]);
        let head = r.headers().unwrap().clone();
        assert_eq!(head.len(), 6);
        let rows: Vec<csv::StringRecord> = r.records().map(|r| r.unwrap()).collect();
        assert_eq!(rows.len(), f.doc.data.len(), "one row per data item");
        for (row, item) in rows.iter().zip(&f.doc.data) {
            assert_eq!(&row[0], item.base);
            assert_eq!(&row[1], item.table.as_deref().unwrap_or(""));
            assert_eq!(&row[2], item.variable.as_deref().unwrap_or(""));
            assert_eq!(
                &row[3],
                f.labels
                    .get(&item.reference())
                    .map(String::as_str)
                    .unwrap_or("")
            );
            let why = &row[4];
            if item.why.starts_with(['=', '+', '-', '@']) {
                assert_eq!(why, format!("'{}", item.why), "formula not neutralised");
            } else {
                assert_eq!(why, item.why);
            }
            assert_eq!(row[5].is_empty(), !item.key);
            for cell in row.iter() {
                assert!(
                    !cell.starts_with(['=', '+', '-', '@']),
                    "a cell a spreadsheet would run: {cell:?}"
                );
            }
        }
    }
}

#[test]
fn json_export_is_the_canonical_document() {
    let f = Fixture::new(20, Lang::Fr);
    let json = export(&f.input(), ExportFormat::Json).unwrap();
    assert_eq!(json, hublot::need::to_json(&f.doc).into_bytes());
    let back = hublot::need::parse(std::str::from_utf8(&json).unwrap(), "export").unwrap();
    assert_eq!(back, f.doc);
}

#[test]
fn an_empty_statement_exports_in_every_format() {
    let doc = hublot::need::NeedStatement::new("", hublot::need::Route::Unset, Lang::En);
    let labels = Default::default();
    let report = Default::default();
    let input = hublot::need::export::ExportInput {
        id: 1,
        doc: &doc,
        version: 0,
        labels: &labels,
        report: &report,
        citations: &[],
        generated: "2026-12-02",
    };
    for format in [
        ExportFormat::Pdf,
        ExportFormat::Docx,
        ExportFormat::Md,
        ExportFormat::Csv,
        ExportFormat::Json,
    ] {
        let out = export(&input, format).unwrap();
        assert!(!out.is_empty(), "{format:?}");
    }
    let text = pdf_text(&export(&input, ExportFormat::Pdf).unwrap());
    assert!(text.contains("No data requested yet") && text.contains("draft, never saved"));
}
